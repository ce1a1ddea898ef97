//! lesson-lock: the note's counter demo fixed with a `Lock`, and what a
//! missed `release()` does.
//!
//! Part 1. The same 100 threads as `lesson-race`, each doing
//! `temp = num; pause; num = temp - 1`, now with one lock held from the read
//! to the write, so num ends at 0 every time. Odd-numbered threads use the
//! explicit form, even-numbered threads the `with` form:
//!
//! ```python
//! lock.acquire()              # Rust: lock.acquire();
//! temp = num; time.sleep(0.01); num = temp - 1
//! lock.release()              # Rust: lock.release()  (returns a Result)
//!
//! with lock:                  # Rust: let _guard = lock.lock();
//!     temp = num; time.sleep(0.01); num = temp - 1
//! ```
//!
//! Part 2. A thread acquires the lock and returns early without releasing
//! it. The next thread waits with `lock.acquire(timeout=1)` and gives up;
//! without the timeout it would wait forever. A Python `Lock` has no owner,
//! so another thread may release it and rescue the program; releasing it
//! once more fails with "release unlocked lock".
//!
//! Run: `cargo run -q --bin lesson-lock`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-lock -- --threads 10 --wait-ms 300` (`-- --help` lists them all).
//! The notes' section: 02 lock, 03 guard.

use clap::Parser;
use lockstep::Lock;
use lockstep::thread::current_thread;
use lockstep_lessons::{
    CommonArgs, CrowdArgs, Rng, SeedArgs, begin, finished, heading, point, say, start, within_budget,
    your_turn,
};
use std::sync::atomic::AtomicI64;
// Relaxed is enough: the lock orders the threads (acquire/release), so each
// thread sees the previous holder's store. The atomic is only there because
// Rust forbids unsynchronised plain data; the *lock* is what fixes the race.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

/// A Lock makes read-pause-write safe; what a missed release() does.
#[derive(Parser, Debug)]
#[command(name = "lesson-lock", version)]
#[command(mut_arg("threads", |arg| arg.help(
    "How many threads subtract 1 from num (num starts at this value too), 2 to 1000"
)))]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pause between read and write, in ms, 0 to 100 (jittered by ±50%). The lock makes the threads take \
     turns, so the run takes about threads × pause: 100 × 10 ms = 1 s"
)))]
struct Args {
    #[command(flatten)]
    crowd: CrowdArgs,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How long the second thread of part 2 waits for the lock, in ms, 1 to 5000
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=5000))]
    wait_ms: u64,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    // The threads of part 1 take turns, each holding the lock one pause;
    // part 2 waits --wait-ms once.
    let turns = args.common.pause() * u32::from(args.crowd.threads);
    within_budget::<Args>(turns + Duration::from_millis(args.wait_ms), "--threads × --pause-ms + --wait-ms");
    let mut rng = Rng::new(args.seed.seed);

    let n = args.crowd.threads;
    heading(&format!("Part 1: {n} threads, each does num = num - 1 holding one Lock"));
    let part1 = Instant::now();
    let final_num = counter_with_lock(args.crowd.count(), args.common.pause(), &mut rng, args.common.quiet);
    say("MainThread", format!("Final value: num = {final_num} (expected 0)"));
    let part1 = part1.elapsed().as_secs_f64();

    heading("Part 2: a missed release()");
    let wait = Duration::from_millis(args.wait_ms);
    missed_release(wait);

    heading("What you saw");
    let paused = if args.common.pause_ms == 0 {
        "with no pause this time (--pause-ms 0), so the race window was tiny anyway"
    } else {
        "although each thread still paused between its read and its write"
    };
    point(if final_num == 0 {
        format!(
            "With the lock held from the read to the write, num ended at 0: no update was lost, \
             {paused}."
        )
    } else {
        format!(
            "num ended at {final_num}, not 0: {final_num} updates were lost (unexpected: the lock should prevent it)."
        )
    });
    let pause_ms = args.common.pause_ms;
    point(if pause_ms == 0 {
        format!(
            "The threads took turns, so part 1 took {part1:.2} s. With --pause-ms 0 there was no \
             pause to wait through, so taking turns cost almost nothing; with the default 10 ms \
             you can watch them queue up ({n} × 10 ms ≈ {:.1} s).",
            f64::from(n) * 0.01
        )
    } else {
        format!(
            "The threads took turns, so part 1 took {part1:.2} s, about {n} threads × the \
             {pause_ms} ms pause ≈ {:.2} s: only one thread at a time may be between its read \
             and its write.",
            f64::from(n) * pause_ms as f64 / 1000.0
        )
    });
    point(
        "`lock.acquire(); ...; lock.release()` and `let _guard = lock.lock();` (Python's \
         `with lock:`) do the same work. The guard form releases on every way out of the \
         block (return, `?`, panic); the explicit form only where you wrote release().",
    );
    point(format!(
        "Thread-1 returned early without release(): the lock stayed locked after it finished. \
         Thread-2's acquire_timeout gave up after {:.1} s; a plain acquire() would have waited \
         forever and the program would hang.",
        wait.as_secs_f64()
    ));
    point(
        "A Python Lock belongs to no thread, so MainThread could release it (a Rust Mutex, or \
         an RLock, would not allow that). Releasing it once more returned an error: \
         \"release unlocked lock\" (Python raises RuntimeError).",
    );
    your_turn("lesson-lock");
    finished(started);
}

/// Part 1: odd threads use acquire()/release(), even threads the guard.
/// Returns the final value of num.
fn counter_with_lock(threads: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> i64 {
    let lock = Lock::named("num_lock");
    let num = AtomicI64::new(threads as i64);
    say("MainThread", format!("num = {threads}; starting {threads} threads"));
    thread::scope(|s| {
        for number in 1..=threads {
            let my_pause = rng.jitter(pause);
            let (lock, num) = (&lock, &num);
            let worker = move || {
                let name = current_thread().name(); // Thread-N, from lockstep::thread
                if number % 2 == 1 {
                    lock.acquire(); // lock.acquire()
                    read_pause_write(&name, num, my_pause, "lock.acquire()", quiet);
                    let released = lock.release(); // lock.release()
                    if let Err(error) = released {
                        say(&name, format!("RuntimeError: {error}"));
                    }
                } else {
                    let _guard = lock.lock(); // with lock:
                    read_pause_write(&name, num, my_pause, "with lock:", quiet);
                } // the guard is dropped here, which releases the lock
            };
            start(s, None, worker);
        }
    }); // the scope joins every thread
    num.load(Relaxed)
}

/// The critical section, the same as in `lesson-race`: `temp = num`, pause,
/// `num = temp - 1`. The caller holds the lock.
fn read_pause_write(name: &str, num: &AtomicI64, pause: Duration, how: &str, quiet: bool) {
    let temp = num.load(Relaxed); // temp = num
    if !quiet {
        say(name, format!("[{how}] read num = {temp}"));
    }
    // Sleep only to widen the race window: the lock closes it however wide.
    thread::sleep(pause);
    num.store(temp - 1, Relaxed); // num = temp - 1
    if !quiet {
        say(name, format!("wrote num = {}, releasing the lock", temp - 1));
    }
}

/// Part 2: Thread-1 forgets to release; Thread-2 times out; MainThread
/// rescues by releasing; Thread-3 then gets the lock at once; a second
/// release by MainThread fails.
fn missed_release(wait: Duration) {
    let lock = Lock::named("num_lock");
    let num = AtomicI64::new(0);
    run("Thread-1", |name| {
        lock.acquire();
        say(name, "lock.acquire(): got the lock");
        if num.load(Relaxed) == 0 {
            say(name, "num is already 0, nothing to do: return (forgot lock.release()!)");
            return; // the bug: this path never reaches the release below
        }
        num.store(num.load(Relaxed) - 1, Relaxed);
        let _ = lock.release();
    });
    say("MainThread", format!("Thread-1 has finished; lock.locked() = {}", lock.locked()));

    run("Thread-2", |name| {
        let secs = wait.as_secs_f64();
        say(
            name,
            format!("lock.acquire_timeout({secs:.1} s), Python's acquire(timeout={secs:.1}): waiting..."),
        );
        let asked = Instant::now();
        if lock.acquire_timeout(wait) {
            say(name, "got the lock (unexpected: nobody released it)");
            let _ = lock.release();
        } else {
            let waited = asked.elapsed().as_secs_f64();
            say(name, format!("gave up after {waited:.2} s: acquire_timeout returned false (Python: False)"));
            say(
                name,
                "without a timeout I would wait forever: Thread-1 is gone, and it was the one meant to release",
            );
        }
    });

    say("MainThread", "a Lock has no owner, so any thread may release it: lock.release()");
    match lock.release() {
        Ok(()) => say("MainThread", format!("released; lock.locked() = {}", lock.locked())),
        Err(error) => say("MainThread", format!("RuntimeError: {error}")),
    }

    run("Thread-3", |name| match lock.try_lock_for(wait) {
        Some(_guard) => say(name, "lock.try_lock_for(..): got the lock at once; the guard releases it"),
        None => say(name, "timed out too (unexpected)"),
    });

    say("MainThread", "lock.release() again, on the unlocked lock:");
    match lock.release() {
        Ok(()) => say("MainThread", "released (unexpected: it was unlocked)"),
        Err(error) => say("MainThread", format!("Err: {error} (Python: RuntimeError: {error})")),
    }
}

/// Runs `work` on a new thread called `name` and waits for it to finish.
/// One thread at a time, each joined before the next starts: part 2 needs
/// no sleeps, its order is fixed.
fn run(name: &str, work: impl Fn(&str) + Sync) {
    thread::scope(|s| {
        start(s, Some(name), || work(name));
    });
}
