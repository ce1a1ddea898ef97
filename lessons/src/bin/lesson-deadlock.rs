//! lesson-deadlock: two locks taken in opposite orders deadlock; the
//! detector explains the cycle; three fixes.
//!
//! Part 1. The note's demo: two functions each need both locks, in
//! opposite orders:
//!
//! ```python
//! lockA = threading.Lock(); lockB = threading.Lock()
//!
//! def doA():
//!     lockA.acquire()
//!     time.sleep(0.01)        # holds lockA a while...
//!     lockB.acquire()         # ...then wants lockB too
//!     lockB.release(); lockA.release()
//!
//! def doB():
//!     lockB.acquire()         # the opposite order
//!     time.sleep(0.01)
//!     lockA.acquire()
//!     lockA.release(); lockB.release()
//! ```
//!
//! In the note every thread runs `doA(); doB()`, and the program hangs
//! once one thread is inside doB while another is inside doA: the sleeps
//! make that likely, not certain. Here odd-numbered threads run
//! `doA(); doB()` and even-numbered ones `doB(); doA()`, and a `Barrier(2)`
//! makes the first holder of lockA and the first holder of lockB wait for
//! each other before either asks for its second lock: it deadlocks every run.
//!
//! A watchdog in main gives the threads `--detect-ms`, then asks
//! `lockstep::deadlock::check()` who waits for whom and explains the cycle.
//! Then it rescues the program: it calls the work off (an Event) and
//! releases one lock of the cycle itself (any thread may release a Lock);
//! each thread that then gets a lock gives it back and stops.
//!
//! Part 2. Three fixes, each run to completion by the same threads:
//! (a) one lock order: doB takes lockA, then lockB, like doA;
//! (b) one RLock instead of two locks: doA and doB take it twice, nested;
//! (c) a timeout on the second lock, and on a timeout give back the first
//!     and back off for a random (seeded) while, longer after each failure:
//!
//! ```python
//! def doA():
//!     tries = 0
//!     while True:
//!         lockA.acquire()
//!         time.sleep(0.01)
//!         if lockB.acquire(timeout=0.01):     # Rust: lock_b.acquire_timeout(..)
//!             break                           # got both
//!         lockA.release()                     # give back what we hold...
//!         time.sleep(random.uniform(0.005, 0.015) * 2 ** min(tries, 6))  # ...back off
//!         tries += 1
//!     lockB.release(); lockA.release()
//! ```
//!
//! The fixes' code is in `lesson-deadlock/fixes.rs`, each a copy of the
//! deadlocking threads with the one change marked `// New:`.
//!
//! `--play`: you are the scheduler. Thread-1 runs doA, Thread-2 doB, on real
//! Locks; you pick who takes the next step until they deadlock (the game is
//! in `lesson-deadlock/play.rs`).
//!
//! Run: `cargo run -q --bin lesson-deadlock`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-deadlock -- --threads 2 --seed 7` (`-- --help` lists them all).
//! The notes' section: 04 deadlock.

#[path = "lesson-deadlock/fixes.rs"]
mod fixes;
#[path = "lesson-deadlock/play.rs"]
mod game;

use clap::Parser;
use fixes::{back_off_and_retry, one_lock_order, one_rlock};
use lockstep::deadlock::{self, Deadlock};
use lockstep::{Barrier, Event, Lock};
use lockstep_lessons::{
    CommonArgs, CrowdArgs, Rng, SeedArgs, begin, crowd, finished, heading, line, narrate, point, say,
    within_budget, your_turn,
};
use std::sync::OnceLock;
use std::sync::atomic::AtomicUsize;
// Relaxed is enough for the counters: they are read after the threads are
// joined (joining orders everything), or by the watchdog, which only needs
// a recent value.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

/// Two locks in opposite orders deadlock; the detector explains; three fixes.
#[derive(Parser, Debug)]
#[command(name = "lesson-deadlock", version)]
#[command(mut_arg("threads", |arg| arg
    .default_value("5")
    .value_parser(clap::value_parser!(u16).range(2..=10))
    .help(
        "How many threads (2 to 10): odd-numbered ones run doA() then doB(), even-numbered ones \
         doB() then doA(). Two are enough to deadlock; in fix (c) each extra thread adds collisions"
    )))]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "How long doA/doB hold their first lock before asking for the second, in ms, 0 to 100 (jittered by \
     ±50%); in fix (c) also the acquire timeout and the first back-off (it doubles after each \
     failure). It only paces the demo: the Barrier already makes the deadlock certain"
)))]
struct Args {
    #[command(flatten)]
    crowd: CrowdArgs,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// You are the scheduler: pick which of two threads takes its next
    /// step (on stdin) until they deadlock
    #[arg(long)]
    play: bool,
    /// How long the watchdog lets the threads run before it looks for a
    /// deadlock, in ms, 1 to 5000 (it then looks every 5 ms until it finds one)
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=5000))]
    detect_ms: u64,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    // The watchdog's patience, then the fixes: fix (c)'s collisions and
    // back-offs cost about 15 pauses per thread.
    let fixes = args.common.pause() * 15 * u32::from(args.crowd.threads);
    within_budget::<Args>(
        fixes + Duration::from_millis(args.detect_ms),
        "--threads × --pause-ms + --detect-ms",
    );
    if args.play {
        game::you_are_the_scheduler();
        finished(started);
        return;
    }
    let mut rng = Rng::new(args.seed.seed);
    let (threads, pause, quiet) = (args.crowd.count(), args.common.pause(), args.common.quiet);
    let calls = 2 * threads;

    heading(&format!("Part 1: {threads} threads; doA takes lockA then lockB, doB lockB then lockA"));
    let patience = Duration::from_millis(args.detect_ms);
    let (report, rescued) = deadlock_and_rescue(threads, pause, patience, &mut rng, quiet);

    heading("Part 2, fix (a): one lock order: doB takes lockA, then lockB, like doA");
    let (one_order, took_a) = timed(|| one_lock_order(threads, pause, &mut rng, quiet));
    say("MainThread", format!("fix (a): {one_order} of {calls} doA/doB calls completed in {took_a}"));

    heading("Part 2, fix (b): one RLock instead of lockA and lockB");
    let (one_rlock, took_b) = timed(|| one_rlock(threads, pause, &mut rng, quiet));
    say("MainThread", format!("fix (b): {one_rlock} of {calls} doA/doB calls completed in {took_b}"));

    heading("Part 2, fix (c): acquire(timeout=...); on a timeout release, back off, retry");
    let ((backed_off, retries), took_c) = timed(|| back_off_and_retry(threads, pause, &mut rng, quiet));
    let retried = if retries == 1 { "1 retry".to_string() } else { format!("{retries} retries") };
    say(
        "MainThread",
        format!("fix (c): {backed_off} of {calls} calls completed in {took_c}, after {retried}"),
    );

    heading("What you saw");
    match report.as_ref().and_then(|cycle| Some((cycle, cycle.threads.first()?))) {
        Some((cycle, first)) => {
            point(format!(
                "The watchdog's report: {cycle}. Each thread held one lock and would let go only \
                 after getting the other's: nobody can go first, so a deadlock lasts forever. \
                 Python does not detect it: the note's program just hangs."
            ));
            point(format!(
                "The rescue: MainThread released {}, which {} held (any thread may release a \
                 Lock). That broke the circle, not the bug: a lock was taken from under a \
                 thread, so the work was called off ({rescued} of {calls} calls completed). A \
                 rescue, not a fix.",
                first.holds, first.thread
            ));
        }
        None => point("No deadlock this time (unexpected: the Barrier should make it certain)."),
    }
    point(
        "The Barrier made the first holders of lockA and lockB meet, so the deadlock came every \
         run. In the note only the sleeps make it likely; a deadlock that comes now and then is \
         worse: the program passes its tests.",
    );
    point(format!(
        "Fix (a), one order: {one_order} of {calls} calls completed ({took_a}). When every thread \
         takes lockA before lockB, nobody ever holds lockB while it waits for lockA: no circle."
    ));
    point(format!(
        "Fix (b), one RLock: {one_rlock} of {calls} ({took_b}). One lock makes no circle, and an \
         RLock may be taken again by its holder (a Lock would wait for itself: see lesson-rlock). \
         The price: whole calls take turns."
    ));
    point(format!(
        "Fix (c), timeouts: {backed_off} of {calls} ({took_c}), after {retried}: a thread that \
         waited too long gave back what it held and retried after a random back-off. It works, \
         but every retry is time lost; fix (a) is the usual cure."
    ));
    your_turn("lesson-deadlock");
    finished(started);
}

/// Runs `part`; returns its result and how long it took, as `0.12 s`.
fn timed<R>(part: impl FnOnce() -> R) -> (R, String) {
    let timer = Instant::now();
    let result = part();
    (result, format!("{:.2} s", timer.elapsed().as_secs_f64()))
}

/// `lock.release()`, printing Python's RuntimeError if it fails.
fn release(who: &str, lock: &Lock) {
    if let Err(error) = lock.release() {
        say(who, format!("RuntimeError: {error}"));
    }
}

/// `(first, second)` for `func`: doA takes lockA first, doB takes lockB first.
fn order<'l>(func: &str, lock_a: &'l Lock, lock_b: &'l Lock) -> (&'l Lock, &'l Lock) {
    if func == "doA" { (lock_a, lock_b) } else { (lock_b, lock_a) }
}

/// A lock's name, for the narration.
fn name(lock: &Lock) -> &'static str {
    lock.name().unwrap_or_default()
}

/// Odd-numbered threads run doA() then doB(); even-numbered ones doB() then doA().
fn plan(number: usize) -> [&'static str; 2] {
    if number % 2 == 1 { ["doA", "doB"] } else { ["doB", "doA"] }
}

/// Where the first holder of lockA and the first holder of lockB wait for
/// each other (a `Barrier(2)`), so both hold their first lock before either
/// asks for its second. Only the first two arrivals wait: the first holds
/// its lock while it waits, so the second must hold the other one.
struct Meeting {
    arrivals: AtomicUsize,
    barrier: Barrier,
}

impl Meeting {
    fn new() -> Meeting {
        Meeting { arrivals: AtomicUsize::new(0), barrier: Barrier::new(2) }
    }

    fn meet(&self, who: &str, func: &str, holding: &str, quiet: bool) {
        if self.arrivals.fetch_add(1, Relaxed) < 2 {
            narrate(quiet, who, format!("{func}: holds {holding}; barrier.wait() for the other's holder"));
            // Never broken: it has no timeout and nobody aborts it.
            let _ = self.barrier.wait();
        }
    }
}

/// Part 1: the deadlock, the watchdog's report, and the rescue. Returns the
/// cycle found (if any) and how many calls completed.
fn deadlock_and_rescue(
    threads: usize,
    pause: Duration,
    patience: Duration,
    rng: &mut Rng,
    quiet: bool,
) -> (Option<Deadlock>, usize) {
    let (lock_a, lock_b, meeting) = (Lock::named("lockA"), Lock::named("lockB"), Meeting::new());
    let called_off = Event::new(); // the rescue: whoever gets a lock now gives it back and stops
    let released_for = OnceLock::new(); // the thread whose first lock MainThread released
    let (completed, stopped) = (AtomicUsize::new(0), AtomicUsize::new(0));

    // One doA/doB call; false if the work was called off (the thread stops).
    let call = |who: &str, func: &str, pause: Duration| {
        let tell = |text: String| narrate(quiet, who, format!("{func}: {text}"));
        let (first, second) = order(func, &lock_a, &lock_b);
        let (f, s) = (name(first), name(second));
        tell(format!("{f}.acquire()"));
        first.acquire();
        if called_off.is_set() {
            tell(format!("got {f}, but the work is called off: release it, stop"));
            release(who, first);
            return false;
        }
        tell(format!("got {f}"));
        meeting.meet(who, func, f, quiet);
        // The note's time.sleep; here it only paces the demo (the meeting
        // already made sure both first locks are held).
        thread::sleep(pause);
        tell(format!("holds {f}; {s}.acquire() ..."));
        second.acquire();
        if called_off.is_set() {
            // Only the two threads of the cycle get here: nobody else held a lock.
            release(who, second);
            if released_for.get().is_some_and(|holder: &String| holder == who) {
                tell(format!("got {s} at last; MainThread released my {f}: release {s}, stop"));
            } else {
                tell(format!("got {s} at last, but the work is called off: release both, stop"));
                release(who, first);
            }
            return false;
        }
        tell(format!("got {s}: done; release both"));
        release(who, second);
        release(who, first);
        completed.fetch_add(1, Relaxed);
        true
    };
    let work = |number: usize, who: &str, rng: &mut Rng| {
        let my_pause = rng.jitter(pause);
        let _ = plan(number).iter().all(|func| call(who, func, my_pause)); // stops at the first `false`
        stopped.fetch_add(1, Relaxed);
    };

    // The watchdog: wait `patience`, then poll deadlock::check() until it
    // finds a cycle of lockA and lockB (or every thread has finished).
    let watchdog = || -> Option<Deadlock> {
        let ours = |cycle: &Deadlock| cycle.threads.iter().any(|t| t.holds == "lockA" || t.holds == "lockB");
        let watching = Instant::now();
        let cycle = loop {
            if stopped.load(Relaxed) == threads {
                return None;
            }
            if watching.elapsed() >= patience
                && let Some(cycle) = deadlock::check().into_iter().find(ours)
            {
                break cycle;
            }
            thread::sleep(Duration::from_millis(5)); // polling interval only
        };
        let (waited, done) = (watching.elapsed().as_secs_f64(), completed.load(Relaxed));
        say("MainThread", format!("watchdog: after {waited:.2} s, {done} of {} calls are done", 2 * threads));
        let blocked: Vec<(String, String)> =
            deadlock::blocked().into_iter().filter(|(_, lock)| lock == "lockA" || lock == "lockB").collect();
        let listed: Vec<String> =
            blocked.iter().map(|(thread, lock)| format!("{thread} on {lock}")).collect();
        say("MainThread", format!("deadlock::blocked(): {}", listed.join(", ")));
        say("MainThread", format!("deadlock::check() found: {cycle}"));
        say("MainThread", "in plain words:");
        let links = &cycle.threads;
        for (at, link) in links.iter().enumerate() {
            let next = &links[(at + 1) % links.len()];
            line(format!(
                "    {} holds {} and lets go of it only after it gets {}, which {} holds.",
                link.thread, link.holds, link.waits_for, next.thread
            ));
        }
        line("    Each waits for the other to go first: none ever can. That circle is the deadlock.");
        let behind: Vec<&str> = (blocked.iter().map(|(thread, _)| thread.as_str()))
            .filter(|thread| links.iter().all(|link| link.thread != *thread))
            .collect();
        if !behind.is_empty() {
            line(format!(
                "    {} wait behind the circle for their first lock; they are not in it.",
                behind.join(", ")
            ));
        }

        // The rescue: release the lock the cycle's first thread holds.
        let victim = &links[0];
        let lock = if victim.holds == "lockA" { &lock_a } else { &lock_b };
        let _ = released_for.set(victim.thread.clone());
        called_off.set(); // before the release, so whoever wakes sees it
        say(
            "MainThread",
            format!(
                "rescue: called_off.set(), then {}.release() for {} (a Lock may be released by any thread)",
                victim.holds, victim.thread
            ),
        );
        release("MainThread", lock);
        Some(cycle)
    };
    let report = crowd(threads, rng, work, watchdog);
    if report.is_none() {
        say("MainThread", "watchdog: every thread finished; no deadlock this time");
    }
    let (a, b, done) = (lock_a.locked(), lock_b.locked(), completed.load(Relaxed));
    say(
        "MainThread",
        format!(
            "all {threads} threads joined; lockA.locked() = {a}, lockB.locked() = {b}; {done} of {} calls completed",
            2 * threads
        ),
    );
    (report, done)
}
