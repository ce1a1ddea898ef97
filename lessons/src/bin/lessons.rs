//! lessons: lists every lesson, what it shows, and the command to run it.
//!
//! The list is `lockstep_lessons::LESSONS`, the one place lessons are
//! named; `--markdown` prints it as the README's table.
//!
//! Run: `cargo run -q --bin lessons` (or `-- --markdown` for the README).

use clap::Parser;
use lockstep_lessons::{LESSONS, line};

/// Lists the lessons, in the notes' order, with the command to run each.
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
        line("| command | what it shows | notes section | exercises |");
        line("|---|---|---|---|");
        for lesson in LESSONS.iter().filter(|lesson| !lesson.upcoming) {
            line(lesson.readme_row());
        }
        return;
    }
    line("lockstep's lessons, in the notes' order. Each one runs on its own, narrates what");
    line("every thread does, and ends with a \"What you saw\" summary. Try --help on any;");
    line("with cargo, knobs go after `--`: cargo run -q --bin lesson-race -- --threads 10");
    for (number, lesson) in LESSONS.iter().enumerate() {
        let soon = if lesson.upcoming { "  (coming soon)" } else { "" };
        line("");
        line(format!("{}. {}{soon}", number + 1, lesson.bin));
        line(format!("   {}", lesson.summary));
        line(format!("   notes section: {}; exercises: {}", lesson.section, lesson.exercise_list()));
        line(format!("   $ {}", lesson.command()));
    }
}
