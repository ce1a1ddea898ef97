//! lessons: lists every lesson, what it shows, and the command to run it.
//!
//! The list is `lockstep_lessons::LESSONS`, the one place lessons are
//! named; `--markdown` prints it as the README's table.
//!
//! Run: `cargo run -q --bin lessons` (or `-- --markdown` for the README).

use clap::Parser;
use lockstep_lessons::{LESSONS, line};

/// Lists the lessons, in teaching order, with the command to run each.
#[derive(Parser, Debug)]
#[command(name = "lessons", version)]
struct Args {
    /// Print the list as the README's markdown table instead
    #[arg(long)]
    markdown: bool,
}

fn main() {
    let args = Args::parse();
    if args.markdown {
        line("| command | what it shows |");
        line("|---|---|");
        for lesson in LESSONS.iter().filter(|lesson| !lesson.upcoming) {
            line(lesson.readme_row());
        }
        return;
    }
    line("lockstep's lessons, in teaching order. Each one runs on its own, narrates what");
    line("every thread does, and ends with a \"What you saw\" summary. Try --help on any.");
    for (number, lesson) in LESSONS.iter().enumerate() {
        let soon = if lesson.upcoming { "  (coming soon)" } else { "" };
        line("");
        line(format!("{}. {}{soon}", number + 1, lesson.bin));
        line(format!("   {}", lesson.summary));
        line(format!("   $ {}", lesson.command()));
    }
}
