//! Shared code for the `lesson-*` binaries in `src/bin/`.
//!
//! Each lesson is one readable file; what they all need lives here:
//! - [`begin`]: start a lesson with its display settings (`--quiet`;
//!   `--color` and `--width`: one colour per thread and highlighted results
//!   on a terminal, text wrapped to its width), and make a thread that
//!   cannot start a clear error; `--speed`, `--pause-parts` and `--step`
//!   replay the display slower, part by part or line by line, while the
//!   lesson runs at its own speed; `--timeline` charts who held and who
//!   waited for which Lock (or named Event or queue) at the end of each
//!   part, and `--trace FILE`
//!   writes the same events as Chrome trace JSON (lockstep's `trace`
//!   feature, through `tracing`);
//! - [`say`]: print one narrated line, `Thread-7: read num = 93`, as a whole
//!   line even when 100 threads print at once; [`narrate`]: the same, unless
//!   told to be quiet; with `--quiet` only MainThread's lines are said;
//! - [`heading`]: a part title, so the projector shows where a part starts;
//! - [`line`], [`point`], [`your_turn`] and [`finished`]: plain lines, the
//!   "What you saw" bullet points, the exercises, and the closing run time;
//! - [`thread_name`]: Python's default thread name for a number (`Thread-1`);
//!   the lessons' threads take their real names from `lockstep::thread`;
//! - [`start`]: start a `lockstep::thread::Thread` inside a
//!   `std::thread::scope` (`Thread-N`, or a name given), whose `join` hands
//!   back what the target returned;
//! - [`book`]: lock a lesson's std `Mutex` bookkeeping, poisoned or not;
//! - [`crowd`]: start N `Thread`s (`Thread-N` names from `lockstep::thread`),
//!   each with its own seeded [`Rng`], do something on the main thread
//!   meanwhile, and join them all;
//! - [`timed`], [`best_of`], [`Peak`], [`cores`] and [`seconds_since`]:
//!   how long a run took and how many cores it kept busy, one thread
//!   against two (the best of several runs), how many threads were inside
//!   at once, and the times the narration prints;
//! - [`listen`], [`accept_until`], [`accept_up_to`] and [`LineConn`]: line-based TCP on
//!   127.0.0.1 with timeouts, for the lessons' servers and clients;
//! - [`Rng`]: seeded random numbers (the `rand` crate), so `--seed` repeats
//!   a run's choices (it cannot repeat the operating system's scheduling);
//! - [`CommonArgs`], [`SeedArgs`] and [`CrowdArgs`]: the knobs the lessons
//!   share (`--pause-ms`, `--quiet`; `--seed`; `--threads`), each bounded,
//!   flattened into each lesson's own arguments with `#[command(flatten)]`;
//!   [`within_budget`] refuses knobs that together would run too long;
//! - [`play`]: `--play`, "you are the scheduler": the student picks which
//!   thread takes its next step;
//! - [`LESSONS`]: the list of lessons, which the `lessons` binary prints and
//!   the README's table is checked against.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod args;
mod index;
mod measure;
mod net;
mod out;
mod pacing;
pub mod play;
mod rng;
mod style;
mod threads;
mod timeline;

pub use args::{
    BUDGET, ColorWhen, CommonArgs, CrowdArgs, MAX_PAUSE_MS, MAX_THREADS, SeedArgs, within_budget,
};
pub use index::{LESSONS, Lesson};
pub use measure::{Best, Peak, Timing, best_of, both, cores, seconds_since, timed};
pub use net::{LineConn, accept_until, accept_up_to, listen};
pub use out::{begin, finished, heading, line, narrate, point, say, your_turn};
pub use rng::Rng;
pub use threads::{Started, book, crowd, start, thread_name};
