//! lesson-barrier: a rendezvous of N threads with `threading.Barrier`;
//! `abort`, and a timeout that breaks it for everyone.
//!
//! Part 1. Runners reach the start line at different times; nobody starts
//! before the last one is there:
//!
//! ```python
//! start_line = threading.Barrier(4, action=lambda: print("Go!"))
//!
//! def runner():
//!     time.sleep(random.uniform(0.01, 0.1))   # warming up, each at their own pace
//!     print("at the start line")
//!     i = start_line.wait()                   # 0..3, each a different one
//!     print("running, index", i)
//! ```
//!
//! The last to arrive runs the action, then all are let through at once.
//!
//! Part 2. `abort()`: the barrier is broken, and every thread waiting on it
//! gets `BrokenBarrierError` (a way out when one party will never come);
//! `reset()` makes it usable again.
//!
//! Part 3. A timeout: `Barrier(3)`, but only two come, each with
//! `wait(timeout=0.2)`. The first to time out breaks the barrier, for both,
//! and for anyone who comes later, until `reset()`.
//!
//! Run: `cargo run -q --bin lesson-barrier`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-barrier -- --runners 6 --seed 3` (`-- --help` lists them all).
//! The notes' section: 10 barrier.

use clap::Parser;
use lockstep::thread::current_thread;
use lockstep::{Barrier, BrokenBarrierError};
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, finished, heading, narrate, point, say, start, within_budget, your_turn,
};
use std::sync::atomic::AtomicUsize;
// Relaxed: the counters are read after the barrier, whose lock orders
// every arrival before every departure, or after the threads are joined.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

/// A Barrier: N threads meet; abort; a timeout breaks it.
#[derive(Parser, Debug)]
#[command(name = "lesson-barrier", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of part 1, in ms, 0 to 100: each runner warms up for 1 to 10 pauses (seeded) \
     before it reaches the start line"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many runners meet at the barrier, 2 to 20
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(2..=20))]
    runners: u8,
    /// Part 3's wait(timeout), in ms, 1 to 2000
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=2000))]
    wait_ms: u64,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let (pause, wait) = (args.common.pause(), Duration::from_millis(args.wait_ms));
    within_budget::<Args>(pause * 10 + wait, "--pause-ms + --wait-ms");
    let mut rng = Rng::new(args.seed.seed);
    let runners = usize::from(args.runners);

    heading(&format!("Part 1: {runners} runners meet at Barrier({runners})"));
    let race = rendezvous(runners, pause, &mut rng, args.common.quiet);
    say(
        "MainThread",
        format!(
            "indices handed out: {:?}; runners that left before all {runners} had arrived: {}",
            race.indices, race.early
        ),
    );

    heading(&format!("Part 2: abort(): Barrier({}), but one party never comes", runners));
    let (freed, broken, reset) = abort(runners);

    heading("Part 3: a timeout breaks it: Barrier(3), only two come");
    let (timed_out, late) = timeout(wait);

    heading("What you saw");
    let mut sorted = race.indices.clone();
    sorted.sort_unstable();
    point(if race.early == 0 && sorted == (0..runners).collect::<Vec<_>>() {
        format!(
            "Part 1: the runners arrived one by one, yet none left before the last of the \
             {runners} was there; then the action said \"Go!\" and all left together, each \
             with its own index, 0 to {} (wait()'s return value).",
            runners - 1
        )
    } else {
        format!("Part 1 went otherwise (unexpected): {} left early; indices {:?}.", race.early, race.indices)
    });
    point(format!(
        "Part 2: abort() freed {freed} of the {} waiting threads with BrokenBarrierError; \
         broken() was {broken}, and after reset() it was {reset}: a way out when one party \
         will never come.",
        runners - 1
    ));
    point(format!(
        "Part 3: {timed_out} of 2 waits ended in BrokenBarrierError after about {} ms: the first \
         timeout broke the barrier for both, and a third arrival {} at once. A timeout on a \
         barrier is not a retry: it breaks it for everyone, until reset().",
        args.wait_ms,
        if late { "was refused" } else { "was let through (unexpected)" }
    ));
    your_turn("lesson-barrier");
    finished(started);
}

/// What part 1's runners did.
struct Race {
    indices: Vec<usize>,
    early: usize,
}

/// Part 1: `runners` threads warm up for a seeded while, then meet.
fn rendezvous(runners: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> Race {
    let go = || say(&current_thread().name(), "the last to arrive runs the action: \"Go!\"");
    let start_line = Barrier::new(runners).with_action(go);
    let (arrived, early) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let indices = thread::scope(|s| {
        let runners: Vec<_> = (1..=runners)
            .map(|number| {
                let warm_up = pause * (1 + rng.below(10) as u32);
                let (start_line, arrived, early) = (&start_line, &arrived, &early);
                let name = format!("Runner-{number}");
                let runner = move || {
                    narrate(quiet, &name, format!("warming up for {} ms", warm_up.as_millis()));
                    // Sleep only to pace the demo: each arrives at its own time.
                    thread::sleep(warm_up);
                    let here = arrived.fetch_add(1, Relaxed) + 1;
                    say(
                        &name,
                        format!("at the start line ({here} of {}): start_line.wait()", start_line.parties()),
                    );
                    let index = start_line.wait().expect("nobody breaks part 1's barrier");
                    if arrived.load(Relaxed) < start_line.parties() {
                        early.fetch_add(1, Relaxed);
                    }
                    say(&name, format!("running! wait() returned {index}"));
                    index
                };
                start(s, Some(&format!("Runner-{number}")), runner)
            })
            .collect();
        runners.into_iter().filter_map(|runner| runner.join()).collect()
    });
    Race { indices, early: early.load(Relaxed) }
}

/// Part 2: `runners - 1` threads wait on a `Barrier(runners)`; MainThread
/// aborts it, then resets it. Returns how many were freed with an error,
/// `broken()` after the abort, and `broken()` after the reset.
fn abort(runners: usize) -> (usize, bool, bool) {
    let barrier = Barrier::new(runners);
    let freed = thread::scope(|s| {
        let waiters: Vec<_> = (1..runners)
            .map(|number| {
                let name = format!("Waiter-{number}");
                let barrier = &barrier;
                let waiter = move || {
                    say(&name, "barrier.wait()");
                    let result: Result<usize, BrokenBarrierError> = barrier.wait();
                    match &result {
                        Ok(index) => say(&name, format!("passed with index {index} (unexpected)")),
                        Err(error) => say(&name, format!("{error}: freed")),
                    }
                    result.is_err()
                };
                start(s, Some(&format!("Waiter-{number}")), waiter)
            })
            .collect();
        while barrier.n_waiting() < runners - 1 {
            thread::sleep(Duration::from_millis(1)); // polling interval only
        }
        say(
            "MainThread",
            format!(
                "n_waiting = {} of {runners}; the last will never come: barrier.abort()",
                barrier.n_waiting()
            ),
        );
        barrier.abort();
        waiters.into_iter().filter_map(|waiter| waiter.join()).filter(|freed| *freed).count()
    });
    let broken = barrier.broken();
    say("MainThread", format!("barrier.broken() = {broken}; barrier.reset()"));
    barrier.reset();
    let after = barrier.broken();
    say("MainThread", format!("after reset(): barrier.broken() = {after}"));
    (freed, broken, after)
}

/// Part 3: two of three parties wait with a timeout; a third comes late.
/// Returns how many of the two got an error, and whether the late one
/// was refused.
fn timeout(wait: Duration) -> (usize, bool) {
    let barrier = Barrier::new(3);
    let timed_out = thread::scope(|s| {
        let pair: Vec<_> = ["Early-1", "Early-2"]
            .into_iter()
            .map(|name| {
                let barrier = &barrier;
                let early = move || {
                    say(name, format!("barrier.wait(timeout={} ms)", wait.as_millis()));
                    let asked = Instant::now();
                    let result = barrier.wait_timeout(wait);
                    let waited = asked.elapsed().as_millis();
                    match &result {
                        Ok(index) => say(name, format!("passed with index {index} (unexpected)")),
                        Err(error) => say(name, format!("{error} after {waited} ms")),
                    }
                    result.is_err()
                };
                start(s, Some(name), early)
            })
            .collect();
        pair.into_iter().filter_map(|early| early.join()).filter(|failed| *failed).count()
    });
    let late = barrier.wait_timeout(wait);
    match late {
        Ok(index) => say("MainThread", format!("the third, late: passed with index {index} (unexpected)")),
        Err(error) => say("MainThread", format!("the third, late: {error}, at once: it is still broken")),
    }
    (timed_out, late.is_err())
}
