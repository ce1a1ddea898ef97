//! lesson-rlock: a Lock taken twice by one thread deadlocks itself; an
//! RLock counts instead.
//!
//! Part 1. One thread, one Lock, two acquires:
//!
//! ```python
//! lockA = threading.Lock()
//!
//! def work():                 # runs in Thread-1
//!     lockA.acquire()
//!     lockA.acquire()         # the same thread again: waits for itself, forever
//! ```
//!
//! A Lock does not know who holds it, so the second `acquire()` waits for a
//! release that only Thread-1 would do, and Thread-1 is waiting. A watchdog
//! in main finds the cycle with `lockstep::deadlock::check()` and rescues
//! Thread-1 by releasing lockA itself (any thread may release a Lock).
//!
//! Part 2. An RLock remembers its owner and counts:
//!
//! ```python
//! rlock = threading.RLock()
//! rlock.acquire()             # 1          Rust: rlock.acquire();
//! with rlock:                 # 2          Rust: let guard = rlock.lock();
//!     rlock.acquire()         # 3
//!     rlock.release()         # 2
//! rlock.release()             # 1 after the with block, then 0: unlocked
//! rlock.release()             # RuntimeError: cannot release un-acquired lock
//! ```
//!
//! Meanwhile another thread can neither take it nor release it.
//!
//! Part 3. The note's nested calls: the threads share one RLock, and doA
//! calls doB while holding it:
//!
//! ```python
//! lock = threading.RLock()
//!
//! def doA():
//!     with lock:
//!         time.sleep(0.01)
//!         doB()               # takes the lock again: fine, it is an RLock
//!
//! def doB():
//!     with lock:
//!         time.sleep(0.01)
//!
//! def run():                  # every thread
//!     doA(); doB()
//! ```
//!
//! Run: `cargo run -q --bin lesson-rlock`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-rlock -- --threads 10 --pause-ms 50` (`-- --help` lists them all).
//! The notes' section: 05 rlock.

use clap::Parser;
use lockstep::deadlock::{self, Deadlock};
use lockstep::{Lock, RLock};
use lockstep_lessons::{
    CommonArgs, CrowdArgs, Rng, SeedArgs, begin, crowd, finished, heading, line, narrate, point, say, start,
    within_budget, your_turn,
};
use std::sync::atomic::AtomicUsize;
// Relaxed is enough for the counters: they are read after the threads are
// joined, and joining orders everything.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

/// A Lock taken twice deadlocks its own thread; an RLock counts instead.
#[derive(Parser, Debug)]
#[command(name = "lesson-rlock", version)]
#[command(mut_arg("threads", |arg| arg.default_value("5").help(
    "How many threads run doA() (which calls doB()) and then doB() in part 3, 2 to 1000"
)))]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "How long doA and doB each hold the RLock in part 3, in ms, 0 to 100 (jittered by ±50%). It only \
     paces the demo: the threads take turns, so part 3 takes about threads × 3 × pause"
)))]
struct Args {
    #[command(flatten)]
    crowd: CrowdArgs,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How long the watchdog lets Thread-1 run before it looks for a
    /// deadlock, in ms, 1 to 5000 (it then looks every 5 ms until it finds one)
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=5000))]
    detect_ms: u64,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    // The threads of part 3 take turns, each holding the RLock 3 pauses.
    let turns = args.common.pause() * 3 * u32::from(args.crowd.threads);
    within_budget::<Args>(
        turns + Duration::from_millis(args.detect_ms),
        "--threads × --pause-ms + --detect-ms",
    );
    let threads = args.crowd.count();

    heading("Part 1: one thread acquires a Lock twice");
    let (cycle, second_release) = self_deadlock(Duration::from_millis(args.detect_ms));

    heading("Part 2: an RLock counts: recursion_count() at each level");
    let (counts, refused) = rlock_counts();

    heading(&format!("Part 3: {threads} threads share one RLock; doA calls doB while holding it"));
    let mut rng = Rng::new(args.seed.seed);
    let calls = nested_calls(threads, args.common.pause(), &mut rng, args.common.quiet);
    say(
        "MainThread",
        format!(
            "{} of {threads} threads done: {} doA calls, {} doB calls ({} of them inside doA)",
            calls.threads_done,
            calls.do_a,
            calls.do_b_alone + calls.do_b_nested,
            calls.do_b_nested
        ),
    );

    heading("What you saw");
    match &cycle {
        Some(cycle) => point(format!(
            "The watchdog's report: {cycle}. A cycle of one thread: a Lock does not know who \
             holds it, so Thread-1's second acquire() waited for a release only Thread-1 could do."
        )),
        None => point("No deadlock this time (unexpected: a second acquire() always waits)."),
    }
    point(format!(
        "The rescue: MainThread released lockA, and Thread-1's second acquire() returned. The \
         Lock held it once, not twice: one release() worked, the next said \"{second_release}\"."
    ));
    point(format!(
        "An RLock remembers its owner and counts: recursion_count() went {counts}. It is free only \
         when every acquire has its release; acquire()/release() and the guard (`with rlock:`) \
         count the same."
    ));
    point(format!(
        "Only the owner may release an RLock: another thread got \"{refused}\" (Python raises \
         RuntimeError) and could not take it. Any thread may release a Lock."
    ));
    point(format!(
        "With one RLock, doA called doB while holding it: {} of {threads} threads done. doB ran at \
         recursion_count() = 2 inside doA and 1 on its own; the threads took turns, a whole doA \
         at a time.",
        calls.threads_done
    ));
    your_turn("lesson-rlock");
    finished(started);
}

/// Part 1: Thread-1 acquires lockA twice; the watchdog reports and rescues.
/// Returns the cycle found and the error of Thread-1's second release.
fn self_deadlock(patience: Duration) -> (Option<Deadlock>, String) {
    let lock_a = Lock::named("lockA");
    let mut second_release = String::from("(no error)");
    let cycle = thread::scope(|s| {
        let work = || {
            let me = "Thread-1";
            say(me, "lockA.acquire()");
            lock_a.acquire();
            say(me, "got lockA; lockA.acquire() again, from the same thread ...");
            lock_a.acquire(); // waits for itself, until MainThread's rescue
            say(
                me,
                format!(
                    "the second acquire() returned (MainThread released lockA); locked() = {}",
                    lock_a.locked()
                ),
            );
            match lock_a.release() {
                Ok(()) => say(me, format!("lockA.release(): Ok; locked() = {}", lock_a.locked())),
                Err(error) => say(me, format!("lockA.release(): RuntimeError: {error}")),
            }
            match lock_a.release() {
                Ok(()) => say(me, "lockA.release() again: Ok (unexpected)"),
                Err(error) => {
                    say(me, format!("lockA.release() again: RuntimeError: {error}: a Lock does not count"));
                    second_release = error.to_string();
                }
            }
        };
        let worker = start(s, Some("Thread-1"), work);

        // The watchdog: wait `patience`, then poll deadlock::check() until
        // it finds the cycle (or Thread-1 has finished after all).
        let watching = Instant::now();
        let cycle = loop {
            if !worker.thread.is_alive() {
                return None;
            }
            if watching.elapsed() >= patience {
                let ours = |cycle: &Deadlock| cycle.threads.iter().any(|t| t.holds == "lockA");
                if let Some(cycle) = deadlock::check().into_iter().find(ours) {
                    break cycle;
                }
            }
            thread::sleep(Duration::from_millis(5)); // polling interval only
        };
        let waited = watching.elapsed().as_secs_f64();
        say("MainThread", format!("watchdog: after {waited:.2} s Thread-1 has not finished"));
        say("MainThread", format!("deadlock::check() found: {cycle}"));
        say("MainThread", "in plain words:");
        line("    Thread-1 waits for lockA to be released, and the thread that would release it is");
        line("    Thread-1 itself, which is waiting. A Lock has no owner: it cannot tell that the");
        line("    thread asking is the thread holding. A deadlock of one thread, forever.");
        say("MainThread", "rescue: lockA.release() for Thread-1 (a Lock may be released by any thread)");
        if let Err(error) = lock_a.release() {
            say("MainThread", format!("RuntimeError: {error}"));
        }
        Some(cycle)
    }); // the scope joins Thread-1
    say("MainThread", format!("Thread-1 joined; lockA.locked() = {}", lock_a.locked()));
    (cycle, second_release)
}

/// Part 2: MainThread takes an RLock three times, both ways; another
/// thread tries to take and to release it. Returns the counts seen, as
/// `1, 2, 3, 2, 1, 0`, and the other thread's release error.
fn rlock_counts() -> (String, String) {
    let rlock = RLock::named("rlock");
    let mut counts = Vec::new();
    let mut show = |step: &str| {
        let count = rlock.recursion_count();
        say("MainThread", format!("{step:<30} recursion_count() = {count}"));
        counts.push(count.to_string());
    };
    rlock.acquire();
    show("rlock.acquire()");
    let guard = rlock.lock();
    show("  with rlock:");
    rlock.acquire();
    show("    rlock.acquire()");

    let mut refused = String::from("(no error)");
    thread::scope(|s| {
        let other = || {
            let took = rlock.try_acquire();
            say("other", format!("rlock.try_acquire() = {took}: MainThread owns it"));
            match rlock.release() {
                Ok(()) => say("other", "rlock.release(): Ok (unexpected)"),
                Err(error) => {
                    say("other", format!("rlock.release(): RuntimeError: {error}"));
                    refused = error.to_string();
                }
            }
            say("other", format!("my recursion_count() = {}", rlock.recursion_count()));
        };
        start(s, Some("other"), other);
    });

    let released = rlock.release().is_ok();
    show(&format!("    rlock.release() -> {}", if released { "Ok" } else { "Err" }));
    drop(guard);
    show("  end of with: guard dropped");
    let released = rlock.release().is_ok();
    show(&format!("rlock.release() -> {}", if released { "Ok" } else { "Err" }));
    say("MainThread", format!("rlock.locked() = {}", rlock.locked()));
    match rlock.release() {
        Ok(()) => say("MainThread", "rlock.release() once more: Ok (unexpected)"),
        Err(error) => say("MainThread", format!("rlock.release() once more: RuntimeError: {error}")),
    }
    (counts.join(", "), refused)
}

/// What the threads of part 3 did.
struct Calls {
    threads_done: usize,
    do_a: usize,
    do_b_nested: usize,
    do_b_alone: usize,
}

/// Part 3: every thread runs doA() (which calls doB()) and then doB(), all
/// on one RLock.
fn nested_calls(threads: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> Calls {
    let lock = RLock::named("lock");
    let counters: [AtomicUsize; 4] = Default::default();
    let [threads_done, a_calls, nested_b_calls, lone_b_calls] = &counters;
    let do_b = |who: &str, pause: Duration| {
        let _guard = lock.lock(); // with lock:
        let depth = lock.recursion_count();
        let inside = if depth == 2 { "inside doA" } else { "on its own" };
        narrate(quiet, who, format!("  doB ({inside}): with lock: recursion_count() = {depth}"));
        thread::sleep(pause); // the note's sleep: paces the demo
        if depth == 2 { nested_b_calls } else { lone_b_calls }.fetch_add(1, Relaxed);
    };
    let do_a = |who: &str, pause: Duration| {
        let _guard = lock.lock(); // with lock:
        let depth = lock.recursion_count();
        narrate(quiet, who, format!("doA: with lock: recursion_count() = {depth}; calls doB()"));
        thread::sleep(pause); // the note's sleep: paces the demo
        do_b(who, pause); // takes the lock again: fine, it is an RLock
        a_calls.fetch_add(1, Relaxed);
    };
    let work = |_: usize, who: &str, rng: &mut Rng| {
        let my_pause = rng.jitter(pause);
        do_a(who, my_pause);
        do_b(who, my_pause);
        narrate(quiet, who, "done");
        threads_done.fetch_add(1, Relaxed);
    };
    crowd(threads, rng, work, || ());
    Calls {
        threads_done: threads_done.load(Relaxed),
        do_a: a_calls.load(Relaxed),
        do_b_nested: nested_b_calls.load(Relaxed),
        do_b_alone: lone_b_calls.load(Relaxed),
    }
}
