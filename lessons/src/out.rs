//! What the lessons print: narrated lines, part titles, the summary's
//! points, all as whole lines even when 100 threads print at once, and all
//! through one place, [`emit`], which knows the run's display settings
//! (set once by [`begin`]).

use crate::pacing::{Pace, Replay, write};
use crate::style::{Kind, Look, render};
use crate::{CommonArgs, LESSONS};
use std::fmt::Display;
use std::sync::OnceLock;
use std::time::Instant;

/// The run's display settings, from its [`CommonArgs`].
#[derive(Default)]
struct Settings {
    /// `--quiet`: only MainThread's lines, the titles and the summary.
    quiet: bool,
    /// `--color` and `--width`, decided.
    look: Look,
    /// `--timeline`: a chart at the end of each part.
    timeline: bool,
    /// The printer that replays the lines, when `--speed`, `--pause-parts`
    /// or `--step` asks for one.
    replay: Option<Replay>,
}

/// Set once by [`begin`]; a lesson (or doctest) that never calls it gets
/// the defaults.
static SETTINGS: OnceLock<Settings> = OnceLock::new();

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(Settings::default)
}

/// Starts a lesson: takes its display settings from `common` (`--quiet`),
/// makes a thread that cannot be started a clear error, and returns the
/// start time for [`finished`].
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     common: lockstep_lessons::CommonArgs,
/// }
/// let started = lockstep_lessons::begin(&Args::parse_from(["lesson-x"]).common);
/// lockstep_lessons::finished(started);
/// ```
pub fn begin(common: &CommonArgs) -> Instant {
    let look = Look::decide(common.color, common.width);
    let pace = Pace { speed: common.speed, pause_parts: common.pause_parts, step: common.step };
    let paced = pace.speed < 1.0 || pace.pause_parts || pace.step;
    let replay = paced.then(|| Replay::start(pace));
    crate::timeline::install(common.timeline, common.trace.as_deref());
    let _ = SETTINGS.set(Settings { quiet: common.quiet, look, timeline: common.timeline, replay });
    crate::threads::exit_when_a_thread_cannot_start();
    Instant::now()
}

/// The first part's title: no timeline is printed before it.
static FIRST_PART: OnceLock<String> = OnceLock::new();

/// Prints the timeline of the part that just ended (`--timeline`).
fn timeline() {
    let width = settings().look.width.map_or(60, |width| width.saturating_sub(22)).clamp(20, 60);
    for row in crate::timeline::chart(width) {
        emit(Kind::Plain, &row);
    }
}

/// Writes `text`, a line of `kind`, to stdout: wrapped and coloured as
/// the run's settings say, in one call holding stdout's lock, so lines
/// from different threads never mix mid-line. A closed pipe (`lesson-race
/// | head`) is not the lesson's business: it is ignored.
fn emit(kind: Kind<'_>, text: &str) {
    let settings = settings();
    let mut screen = String::new();
    if matches!(kind, Kind::Heading) {
        screen.push('\n'); // a blank line before each part
    }
    for line in render(&settings.look, kind, text) {
        screen.push_str(&line);
        screen.push('\n');
    }
    match &settings.replay {
        Some(replay) => replay.send(screen, matches!(kind, Kind::Heading)),
        None => write(&screen),
    }
}

/// Prints `who: what` as one whole line.
///
/// The line is built first and written with a single call while holding
/// stdout's lock, so lines from different threads never mix mid-line.
///
/// ```
/// lockstep_lessons::say("Thread-7", "read num = 93");
/// ```
pub fn say(who: &str, what: impl Display) {
    if settings().quiet && who != "MainThread" {
        return; // --quiet: only MainThread's results
    }
    emit(Kind::Say(who), &what.to_string());
}

/// [`say`]s `who: what`, unless `quiet` (the lesson's `--quiet`).
///
/// ```
/// lockstep_lessons::narrate(false, "Thread-7", "shown");
/// lockstep_lessons::narrate(true, "Thread-7", "not shown");
/// ```
pub fn narrate(quiet: bool, who: &str, what: impl Display) {
    if !quiet {
        say(who, what);
    }
}

/// Prints a part title between blank lines, e.g. `== Part 1: ... ==`.
///
/// ```
/// lockstep_lessons::heading("Part 1: a lost update");
/// ```
pub fn heading(title: &str) {
    if settings().timeline && title != FIRST_PART.get_or_init(|| title.to_string()) {
        timeline();
    }
    emit(Kind::Heading, title);
}

/// Prints `text` as one whole line; a closed pipe is ignored, as in [`say`].
///
/// ```
/// lockstep_lessons::line("    child | ticker: tick 1");
/// ```
pub fn line(text: impl Display) {
    emit(Kind::Plain, &text.to_string());
}

/// Prints one bullet point of the "What you saw" summary: `- text`.
///
/// ```
/// lockstep_lessons::point("num ended at 0: no update was lost.");
/// ```
pub fn point(text: impl Display) {
    emit(Kind::Point, &text.to_string());
}

/// Ends a "What you saw" summary with the lesson's exercises (from
/// [`LESSONS`]): `- Your turn: fix the bug in exercise race_lock …`.
///
/// ```
/// lockstep_lessons::your_turn("lesson-race");
/// ```
pub fn your_turn(bin: &str) {
    let Some(lesson) = LESSONS.iter().find(|lesson| lesson.bin == bin) else { return };
    let names: Vec<String> = lesson.exercises.iter().map(|name| format!("`{name}`")).collect();
    let (noun, list) = match names.as_slice() {
        [] => return,
        [one] => ("exercise", one.clone()),
        [rest @ .., last] => ("exercises", format!("{} and {last}", rest.join(", "))),
    };
    point(format!(
        "Your turn: fix the bug in {noun} {list} (run `rustlings` in exercises/, or \
         `cargo run --bin exercises -- check {}`).",
        lesson.exercises[0]
    ));
}

/// Prints the lesson's closing line, `(finished in 1.23 s)`: how long the
/// lesson ran, not how long its replay took; then waits until a replay
/// (`--speed`, `--pause-parts`, `--step`) has shown every line.
///
/// ```
/// lockstep_lessons::finished(std::time::Instant::now());
/// ```
pub fn finished(started: Instant) {
    line(format!("(finished in {:.2} s)", started.elapsed().as_secs_f64()));
    crate::timeline::end();
    if let Some(replay) = &settings().replay {
        replay.drain();
    }
}
