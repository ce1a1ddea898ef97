//! The list of lessons: [`LESSONS`], printed by the `lessons` binary and
//! checked against the README and `Cargo.toml`.

/// One lesson: its binary, what it shows, the section of the notes it
/// teaches, its exercises, and whether it exists yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lesson {
    /// The binary's name, as in `cargo run -q --bin lesson-race`.
    pub bin: &'static str,
    /// What the lesson shows, in one line.
    pub summary: &'static str,
    /// The section of the notes it teaches, numbered as `exercises/`'s
    /// folders are (they follow the notes' order): `02 lock`.
    pub section: &'static str,
    /// Announced but not written yet: it has no `[[bin]]` in Cargo.toml.
    /// Whoever adds the binary flips this to `false` (a test checks).
    pub upcoming: bool,
    /// The classroom exercises (`exercises/`) that practise what the lesson
    /// shows; its "What you saw" ends by naming them (see [`crate::your_turn`]).
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
        format!(
            "| `cargo run --bin {}` | {} | {} | {} |",
            self.bin,
            self.summary,
            self.section,
            self.exercise_list()
        )
    }

    /// The exercises, as the README and the index list them: `` `race_lock`, `shared_list` ``,
    /// or `none` (as the README's table of exercises says of those with no lesson).
    ///
    /// ```
    /// let race = lockstep_lessons::LESSONS.iter().find(|lesson| lesson.bin == "lesson-race").unwrap();
    /// assert_eq!(race.exercise_list(), "`race_lock`, `shared_list`");
    /// let pool = lockstep_lessons::LESSONS.iter().find(|lesson| lesson.bin == "lesson-pool").unwrap();
    /// assert_eq!(pool.exercise_list(), "none");
    /// ```
    pub fn exercise_list(&self) -> String {
        if self.exercises.is_empty() {
            return "none".to_string();
        }
        self.exercises.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
    }
}

/// Every lesson, in the notes' order (that of `exercises/`'s folders): the one list that the `lessons` binary
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
        section: "01 threads",
        upcoming: false,
        exercises: &["threads_join"],
    },
    Lesson {
        bin: "lesson-race",
        summary: "100 threads decrement a shared counter without a lock: updates are lost; two \
                  threads check-then-remove from one list and fail",
        section: "02 lock",
        upcoming: false,
        exercises: &["race_lock", "shared_list"],
    },
    Lesson {
        bin: "lesson-lock",
        summary: "the same counter with a `Lock` (`acquire`/`release` and the guard form): the \
                  result is right; what a forgotten `release` does",
        section: "02 lock, 03 guard",
        upcoming: false,
        exercises: &["race_lock", "early_return"],
    },
    Lesson {
        bin: "lesson-deadlock",
        summary: "two locks taken in opposite orders deadlock, every run; a watchdog explains the \
                  cycle with `deadlock::check()` and rescues; three fixes: one lock order, one \
                  `RLock`, timeouts with back-off",
        section: "04 deadlock",
        upcoming: false,
        exercises: &["lock_order", "dining_philosophers"],
    },
    Lesson {
        bin: "lesson-rlock",
        summary: "a Lock taken twice by one thread deadlocks itself (detected, then rescued); an \
                  `RLock` counts (`recursion_count`) and only its owner may release it; doA calls \
                  doB holding one `RLock`",
        section: "05 rlock",
        upcoming: false,
        exercises: &["recursive_rlock"],
    },
    Lesson {
        bin: "lesson-event",
        summary: "workers wait for the boss's `Event` to work and to go home; clients connect \
                  only after the server sets \"ready\"; `wait` vs `wait_timeout`",
        section: "06 event",
        upcoming: false,
        exercises: &["boss_workers", "server_ready"],
    },
    Lesson {
        bin: "lesson-semaphore",
        summary: "100 cars, 5 parking spaces (`Semaphore(5)`): never more than 5 inside; a \
                  `BoundedSemaphore` refuses an extra `release`",
        section: "07 semaphore",
        upcoming: false,
        exercises: &["parking_lot", "over_release", "sleeping_barber"],
    },
    Lesson {
        bin: "lesson-queue",
        summary: "a list shared by two threads loses and repeats tasks, a `Queue` does not; FIFO, \
                  LIFO and priority order, and `SimpleQueue`; `Full` and `Empty`",
        section: "08 queue",
        upcoming: false,
        exercises: &["shared_list"],
    },
    Lesson {
        bin: "lesson-producer-consumer",
        summary: "the baozi shop: a cook and three eaters share a `Queue`; sentinels, then \
                  `task_done`/`join`, then `shutdown`; every baozi eaten exactly once",
        section: "08 queue",
        upcoming: false,
        exercises: &["baozi_join", "shutdown_consumers"],
    },
    Lesson {
        bin: "lesson-condition",
        summary: "the baozi shop with a `Condition`: `wait` in a predicate loop, `notify` vs \
                  `notify_all`, and the lost wake-up of a `wait` that skips the check",
        section: "09 condition",
        upcoming: false,
        exercises: &["lost_wakeup"],
    },
    Lesson {
        bin: "lesson-barrier",
        summary: "runners meet at a `Barrier`: nobody leaves before the last arrives; `abort` \
                  frees the waiters; a timeout breaks it for everyone until `reset`",
        section: "10 barrier",
        upcoming: false,
        exercises: &["rendezvous"],
    },
    Lesson {
        bin: "lesson-pool",
        summary: "`ThreadPoolExecutor(4)`, 10 tasks: `submit(...).result()` one at a time (total ≈ \
                  the sum) vs all submitted, then the results (total ≈ the busiest worker's \
                  share); idle workers reused, never more than 4; `map` in input order; \
                  `shutdown(wait=True)` vs `wait=False`",
        section: "13 pools",
        upcoming: false,
        exercises: &[],
    },
    Lesson {
        bin: "lesson-callback",
        summary: "a callback by hand (a `Thread` whose task calls `callback(result)`), then \
                  `add_done_callback`: run by the worker that finished, in completion order; at \
                  once in the caller on a done future; a panicking task's exception reaches it",
        section: "13 pools",
        upcoming: false,
        exercises: &[],
    },
    Lesson {
        bin: "lesson-pool-apply",
        summary: "the notes' `Pool` (over threads): `apply`, ten in a row, vs `apply_async` with a \
                  `callback`, `close`, `join`, `get`; three workers do all the work; a forgotten \
                  `join` loses the results (shown, then fixed)",
        section: "13 pools",
        upcoming: false,
        exercises: &["threads_join"],
    },
    Lesson {
        bin: "lesson-pool-server",
        summary: "the echo server: 5 clients connect at once to a TCP server on 127.0.0.1 whose \
                  connections a `ThreadPoolExecutor(3)` serves: 3 are served, 2 wait until one \
                  leaves (timestamps, worker names); then one thread per client: all 5 at once",
        section: "13 pools",
        upcoming: false,
        exercises: &[],
    },
    Lesson {
        bin: "lesson-timer",
        summary: "`Timer(1 s, hello)` fires once, in its own thread; a `Timer` cancelled before \
                  it fires never runs; a repeating `Timer::every` ticks until `cancel`",
        section: "14 timer",
        upcoming: false,
        exercises: &[],
    },
    Lesson {
        bin: "lesson-gil",
        summary: "a simulated GIL (one `Lock`, released every 5 ms): CPU-bound work on 2 \
                  threads is no faster than on 1; with I/O-like waits (the GIL released while \
                  sleeping) it is; the same CPU work in Rust with no GIL: ≈2× on 2 cores",
        section: "15 gil",
        upcoming: false,
        exercises: &[],
    },
];
