//! Shared helpers for the `lesson-*` binaries in `src/bin/`.
//!
//! Each lesson is one readable file; what they all need lives here:
//! - [`say`]: print one narrated line, `Thread-7: read num = 93`, as a whole
//!   line even when 100 threads print at once; [`narrate`]: the same, unless
//!   `--quiet`;
//! - [`heading`]: a part title, so the projector shows where a part starts;
//! - [`line`], [`point`] and [`finished`]: plain lines, the "What you saw"
//!   bullet points, and the closing run time;
//! - [`thread_name`]: Python's default thread name for a number (`Thread-1`);
//!   the lessons' threads take their real names from `lockstep::thread`;
//! - [`start`]: start a `lockstep::thread::Thread` inside a
//!   `std::thread::scope` (`Thread-N`, or a name given), whose `join` hands
//!   back what the target returned;
//! - [`crowd`]: start N `Thread`s (`Thread-N` names from `lockstep::thread`),
//!   each with its own seeded [`Rng`], do something on the main thread
//!   meanwhile, and join them all;
//! - [`Rng`]: a tiny seeded random number generator, so `--seed` repeats a
//!   run's choices (it cannot repeat the operating system's scheduling);
//! - [`CommonArgs`] and [`CrowdArgs`]: the knobs every lesson shares
//!   (`--seed`, `--pause-ms`, `--quiet`) and those of the lessons that start
//!   a crowd of threads (`--threads`), flattened into each lesson's own
//!   arguments with `#[command(flatten)]`;
//! - [`LESSONS`]: the list of lessons, which the `lessons` binary prints and
//!   the README's table is checked against.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use lockstep::thread::{Thread, current_thread};
use std::fmt::Display;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The knobs every lesson takes. Flatten it into the lesson's arguments:
///
/// ```
/// use clap::Parser;
/// use lockstep_lessons::CommonArgs;
///
/// /// A lesson.
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     common: CommonArgs,
///     /// A knob of this lesson only
///     #[arg(long, default_value_t = 6)]
///     items: u8,
/// }
///
/// let args = Args::parse_from(["lesson-x", "--seed", "5", "--quiet"]);
/// assert_eq!((args.common.seed, args.common.pause_ms, args.common.quiet), (5, 10, true));
/// assert_eq!(args.common.pause(), std::time::Duration::from_millis(10));
/// ```
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct CommonArgs {
    /// Seed for the run's random choices (pause lengths, items); the same
    /// seed repeats them, though not the operating system's scheduling
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The lesson's basic pause, in ms: it widens a race window or paces
    /// the demo (see the lesson's header for where it goes; each thread's
    /// is jittered by ±50%). The lesson shows its point with the default
    #[arg(long, default_value_t = 10)]
    pub pause_ms: u64,
    /// Print only the part titles and summaries, not every thread's steps
    #[arg(long)]
    pub quiet: bool,
}

impl CommonArgs {
    /// `--pause-ms` as a [`Duration`].
    ///
    /// ```
    /// use clap::Parser;
    /// #[derive(Parser)]
    /// struct Args {
    ///     #[command(flatten)]
    ///     common: lockstep_lessons::CommonArgs,
    /// }
    /// let args = Args::parse_from(["lesson-x", "--pause-ms", "3"]);
    /// assert_eq!(args.common.pause(), std::time::Duration::from_millis(3));
    /// ```
    pub fn pause(&self) -> Duration {
        Duration::from_millis(self.pause_ms)
    }
}

/// The knob of the lessons that start a crowd of threads: `--threads`
/// (default 100, at least 2). Flatten it next to [`CommonArgs`].
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     crowd: lockstep_lessons::CrowdArgs,
/// }
/// assert_eq!(Args::parse_from(["lesson-x"]).crowd.threads, 100);
/// assert!(Args::try_parse_from(["lesson-x", "--threads", "1"]).is_err());
/// ```
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct CrowdArgs {
    /// How many threads to start (see the lesson's header for what each
    /// one does)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(2..))]
    pub threads: u16,
}

impl CrowdArgs {
    /// `--threads` as a `usize`, ready for ranges and capacities.
    ///
    /// ```
    /// let crowd = lockstep_lessons::CrowdArgs { threads: 7 };
    /// assert_eq!(crowd.count(), 7);
    /// ```
    pub fn count(&self) -> usize {
        usize::from(self.threads)
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
    let line = format!("{who}: {what}\n");
    let mut out = std::io::stdout().lock();
    // A closed pipe (`lesson-race | head`) is not the lesson's business.
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
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
    let text = format!("\n== {title} ==\n");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Prints `text` as one whole line; a closed pipe is ignored, as in [`say`].
///
/// ```
/// lockstep_lessons::line("    child | ticker: tick 1");
/// ```
pub fn line(text: impl Display) {
    let text = format!("{text}\n");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Prints one bullet point of the "What you saw" summary: `- text`.
///
/// ```
/// lockstep_lessons::point("num ended at 0: no update was lost.");
/// ```
pub fn point(text: impl Display) {
    line(format!("- {text}"));
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

/// Prints the lesson's closing line, `(finished in 1.23 s)`.
///
/// ```
/// lockstep_lessons::finished(std::time::Instant::now());
/// ```
pub fn finished(started: Instant) {
    line(format!("(finished in {:.2} s)", started.elapsed().as_secs_f64()));
}

/// Python's default name for the `number`th thread started: `Thread-7`.
///
/// ```
/// assert_eq!(lockstep_lessons::thread_name(7), "Thread-7");
/// ```
pub fn thread_name(number: usize) -> String {
    format!("Thread-{number}")
}

/// A `lockstep::thread::Thread` started by [`start`]: its `join` waits for
/// it and hands back what its target returned.
#[derive(Debug)]
pub struct Started<T> {
    /// The thread (its name, `is_alive`, ...).
    pub thread: Thread,
    result: Arc<std::sync::Mutex<Option<T>>>,
}

impl<T> Started<T> {
    /// Waits for the thread; `None` if its target panicked (lockstep's
    /// excepthook has reported it).
    ///
    /// ```
    /// std::thread::scope(|s| {
    ///     let started = lockstep_lessons::start(s, None, || 6 * 7);
    ///     assert_eq!(started.join(), Some(42));
    /// });
    /// ```
    pub fn join(self) -> Option<T> {
        self.thread.join().expect("started by `start`, joined from another thread");
        self.result.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// Starts a `lockstep::thread::Thread` running `target` inside the scope
/// `s` (so `target` may borrow), named `name`, or `Thread-N` from
/// lockstep's counter (Python's default) when `name` is `None`.
///
/// ```
/// std::thread::scope(|s| {
///     let boss = lockstep_lessons::start(s, Some("BOSS"), || lockstep::thread::current_thread().name());
///     assert_eq!(boss.join().as_deref(), Some("BOSS"));
///     let plain = lockstep_lessons::start(s, None, || ());
///     assert!(plain.thread.name().starts_with("Thread-"));
/// });
/// ```
pub fn start<'scope, T: Send + 'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    name: Option<&str>,
    target: impl FnOnce() -> T + Send + 'scope,
) -> Started<T> {
    let result = Arc::new(std::sync::Mutex::new(None));
    let slot = result.clone();
    let body = move || {
        let value = target();
        *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value);
    };
    let thread = match name {
        Some(name) => Thread::named_scoped(s, name, body),
        None => Thread::scoped(s, body),
    };
    Started { thread, result }
}

/// Starts `threads` lockstep `Thread`s, named `Thread-N` by
/// `lockstep::thread`'s counter (`Thread-1`..`Thread-N` when they are the
/// program's first), each running `work(number, name, rng)` (`number`
/// counts 1..=threads) with its own [`Rng`] seeded from `rng` (so `--seed`
/// repeats every thread's choices); runs `meanwhile` on the calling
/// thread; then joins every thread and returns what `meanwhile` returned.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
/// let done = AtomicUsize::new(0);
/// let mut rng = lockstep_lessons::Rng::new(1);
/// let work = |_number: usize, name: &str, _: &mut lockstep_lessons::Rng| {
///     assert_eq!(name, lockstep::thread::current_thread().name());
///     assert!(name.starts_with("Thread-"));
///     done.fetch_add(1, Relaxed);
/// };
/// let answer = lockstep_lessons::crowd(3, &mut rng, work, || 42);
/// assert_eq!((answer, done.load(Relaxed)), (42, 3));
/// ```
pub fn crowd<R>(
    threads: usize,
    rng: &mut Rng,
    work: impl Fn(usize, &str, &mut Rng) + Sync,
    meanwhile: impl FnOnce() -> R,
) -> R {
    std::thread::scope(|s| {
        for number in 1..=threads {
            let (mut own, work) = (Rng::new(rng.next_u64()), &work);
            let body = move || work(number, &current_thread().name(), &mut own);
            Thread::scoped(s, body);
        }
        meanwhile()
    }) // the scope joins every thread
}

/// A tiny seeded random number generator (SplitMix64), written out by hand
/// so the lessons need no extra dependency. Not for cryptography.
///
/// The same seed gives the same numbers on every run and machine.
///
/// ```
/// use lockstep_lessons::Rng;
/// let (mut a, mut b) = (Rng::new(42), Rng::new(42));
/// assert_eq!(a.below(100), b.below(100));
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    /// The generator's whole state; advanced by a fixed odd step each draw.
    state: u64,
}

impl Rng {
    /// A generator whose numbers are fixed by `seed`.
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(7);
    /// let _ = rng.next_u64();
    /// ```
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits (SplitMix64, Steele, Lea and Flood 2014).
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(0);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`0` when `bound` is 0).
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(1);
    /// assert!(rng.below(6) < 6);
    /// ```
    pub fn below(&mut self, bound: u64) -> u64 {
        // The modulo bias is far below anything a lesson could show.
        if bound == 0 { 0 } else { self.next_u64() % bound }
    }

    /// `base` stretched or shrunk by a random factor in `[1/2, 3/2)`, so
    /// threads given the same pause don't all wake at the same instant.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut rng = lockstep_lessons::Rng::new(3);
    /// let pause = rng.jitter(Duration::from_millis(10));
    /// assert!(pause >= Duration::from_millis(5) && pause < Duration::from_millis(15));
    /// ```
    pub fn jitter(&mut self, base: Duration) -> Duration {
        let micros = u64::try_from(base.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(micros / 2 + self.below(micros))
    }

    /// Shuffles `items` in place (Fisher–Yates), like Python's
    /// `random.shuffle`.
    ///
    /// ```
    /// let mut cards = [1, 2, 3, 4, 5];
    /// lockstep_lessons::Rng::new(9).shuffle(&mut cards);
    /// let mut sorted = cards;
    /// sorted.sort();
    /// assert_eq!(sorted, [1, 2, 3, 4, 5]);
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for last in (1..items.len()).rev() {
            let pick = self.below(last as u64 + 1) as usize;
            items.swap(last, pick);
        }
    }
}

/// One lesson: its binary, what it shows, and whether it exists yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lesson {
    /// The binary's name, as in `cargo run -q --bin lesson-race`.
    pub bin: &'static str,
    /// What the lesson shows, in one line.
    pub summary: &'static str,
    /// Announced but not written yet: it has no `[[bin]]` in Cargo.toml.
    /// Whoever adds the binary flips this to `false` (a test checks).
    pub upcoming: bool,
    /// The classroom exercises (`exercises/`) that practise what the lesson
    /// shows; its "What you saw" ends by naming them (see [`your_turn`]).
    pub exercises: &'static [&'static str],
}

impl Lesson {
    /// The command that runs the lesson.
    ///
    /// ```
    /// let lesson = lockstep_lessons::LESSONS[0];
    /// assert_eq!(lesson.command(), format!("cargo run -q --bin {}", lesson.bin));
    /// ```
    pub fn command(&self) -> String {
        format!("cargo run -q --bin {}", self.bin)
    }

    /// The lesson's row in the README's table of lessons.
    ///
    /// ```
    /// let row = lockstep_lessons::LESSONS[0].readme_row();
    /// assert!(row.starts_with("| `cargo run --bin lesson-"));
    /// ```
    pub fn readme_row(&self) -> String {
        format!("| `cargo run --bin {}` | {} |", self.bin, self.summary)
    }
}

/// Every lesson, in teaching order: the one list that the `lessons` binary
/// prints, the README's table is checked against, and a test compares with
/// the `[[bin]]`s of `lessons/Cargo.toml`.
///
/// ```
/// let race = lockstep_lessons::LESSONS.iter().find(|lesson| lesson.bin == "lesson-race").unwrap();
/// assert!(!race.upcoming);
/// ```
pub const LESSONS: &[Lesson] = &[
    Lesson {
        bin: "lesson-threads",
        summary: "`Thread` from a function and from a type with a `run` method; names \
                  (`Thread-1`, custom, `MainThread`, `Dummy-N`); `join`; `is_alive`, \
                  `enumerate`, `active_count`; a non-daemon thread keeps the program alive after \
                  main returns, a daemon is cut off",
        upcoming: false,
        exercises: &["threads_join"],
    },
    Lesson {
        bin: "lesson-race",
        summary: "100 threads decrement a shared counter without a lock: updates are lost; two \
                  threads check-then-remove from one list and fail",
        upcoming: false,
        exercises: &["race_lock", "shared_list"],
    },
    Lesson {
        bin: "lesson-lock",
        summary: "the same counter with a `Lock` (`acquire`/`release` and the guard form): the \
                  result is right; what a forgotten `release` does",
        upcoming: false,
        exercises: &["race_lock", "early_return"],
    },
    Lesson {
        bin: "lesson-rlock",
        summary: "a Lock taken twice by one thread deadlocks itself (detected, then rescued); an \
                  `RLock` counts (`recursion_count`) and only its owner may release it; doA calls \
                  doB holding one `RLock`",
        upcoming: false,
        exercises: &["recursive_rlock"],
    },
    Lesson {
        bin: "lesson-deadlock",
        summary: "two locks taken in opposite orders deadlock, every run; a watchdog explains the \
                  cycle with `deadlock::check()` and rescues; three fixes: one lock order, one \
                  `RLock`, timeouts with back-off",
        upcoming: false,
        exercises: &["lock_order", "dining_philosophers"],
    },
    Lesson {
        bin: "lesson-event",
        summary: "workers wait for the boss's `Event` to work and to go home; clients connect \
                  only after the server sets \"ready\"; `wait` vs `wait_timeout`",
        upcoming: false,
        exercises: &["boss_workers", "server_ready"],
    },
    Lesson {
        bin: "lesson-semaphore",
        summary: "100 cars, 5 parking spaces (`Semaphore(5)`): never more than 5 inside; a \
                  `BoundedSemaphore` refuses an extra `release`",
        upcoming: false,
        exercises: &["parking_lot", "over_release", "sleeping_barber"],
    },
    Lesson {
        bin: "lesson-queue",
        summary: "a list shared by two threads loses and repeats tasks, a `Queue` does not; FIFO, \
                  LIFO and priority order; `Full` and `Empty`",
        upcoming: false,
        exercises: &["shared_list"],
    },
    Lesson {
        bin: "lesson-producer-consumer",
        summary: "the baozi shop: a cook and three eaters share a `Queue`; sentinels, then \
                  `task_done`/`join`, then `shutdown`; every baozi eaten exactly once",
        upcoming: false,
        exercises: &["baozi_join", "shutdown_consumers"],
    },
];
