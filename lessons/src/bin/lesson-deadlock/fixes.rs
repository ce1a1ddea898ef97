//! lesson-deadlock, part 2: three fixes for the deadlock of part 1, each
//! run to completion by the same threads (`crowd`), odd ones running
//! doA() then doB(), even ones doB() then doA() (`plan`). Each differs from
//! part 1's threads where it says `// New:`. (Kept apart from
//! lesson-deadlock.rs so that file stays readable.)

use crate::{Meeting, name, order, plan, release};
use lockstep::{Lock, RLock};
use lockstep_lessons::{Rng, crowd, narrate};
use std::sync::atomic::AtomicUsize;
// Relaxed is enough for the counters: they are read after the threads are
// joined, and joining orders everything.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::Duration;

/// Fix (a): doA and doB both take lockA, then lockB. Returns the calls completed.
pub(crate) fn one_lock_order(threads: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> usize {
    let (lock_a, lock_b) = (Lock::named("lockA"), Lock::named("lockB"));
    let completed = AtomicUsize::new(0);
    let work = |number: usize, who: &str, rng: &mut Rng| {
        for func in plan(number) {
            // New: the same order in doB as in doA (doB took lockB first).
            let _a = lock_a.lock(); // with lockA:
            thread::sleep(rng.jitter(pause)); // the note's sleep: paces the demo
            let _b = lock_b.lock(); //     with lockB:
            narrate(quiet, who, format!("{func}: got lockA, then lockB: done"));
            completed.fetch_add(1, Relaxed);
        } // the guards release lockB, then lockA
    };
    crowd(threads, rng, work, || ());
    completed.load(Relaxed)
}

/// Fix (b): one RLock, taken twice (nested) by doA and doB. Returns the
/// calls completed.
pub(crate) fn one_rlock(threads: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> usize {
    let lock = RLock::named("lock");
    let completed = AtomicUsize::new(0);
    let work = |number: usize, who: &str, rng: &mut Rng| {
        for func in plan(number) {
            // New: one RLock, taken twice, instead of lockA and lockB.
            let _outer = lock.lock(); // with lock:       (was lockA in doA, lockB in doB)
            thread::sleep(rng.jitter(pause)); // the note's sleep: paces the demo
            let _inner = lock.lock(); //     with lock:   (was the second lock)
            let depth = lock.recursion_count();
            narrate(quiet, who, format!("{func}: took the RLock twice (recursion_count() = {depth}): done"));
            completed.fetch_add(1, Relaxed);
        }
    };
    crowd(threads, rng, work, || ());
    completed.load(Relaxed)
}

/// Fix (c): the second lock with a timeout; on a timeout, release the
/// first, back off for a random while (doubling), retry. Returns the calls
/// completed and the retries.
pub(crate) fn back_off_and_retry(
    threads: usize,
    pause: Duration,
    rng: &mut Rng,
    quiet: bool,
) -> (usize, usize) {
    let (lock_a, lock_b) = (Lock::named("lockA"), Lock::named("lockB"));
    let meeting = Meeting::new(); // a collision every run, so at least one retry
    let (completed, retries) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // At least 1 ms: with no timeout and no back-off, two threads could
    // collide again and again in step (a livelock).
    let timeout = pause.max(Duration::from_millis(1));
    let work = |number: usize, who: &str, rng: &mut Rng| {
        for func in plan(number) {
            let (first, second) = order(func, &lock_a, &lock_b);
            let (f, s) = (name(first), name(second));
            let mut tries = 0;
            loop {
                first.acquire();
                meeting.meet(who, func, f, quiet);
                thread::sleep(rng.jitter(pause)); // the note's sleep: paces the demo
                if second.acquire_timeout(timeout) {
                    break; // New: a timeout instead of waiting forever
                }
                release(who, first); // give back what we hold...
                let back_off = rng.jitter(timeout * 2u32.pow(tries.min(6)));
                tries += 1;
                retries.fetch_add(1, Relaxed);
                let text = format!(
                    "{func}: {s}.acquire(timeout={:.0} ms) timed out: release {f}, back off {:.1} ms, retry",
                    ms(timeout),
                    ms(back_off)
                );
                narrate(quiet, who, text);
                // ...and wait a random while, so the two threads don't
                // collide again in step: the back-off is part of the fix.
                thread::sleep(back_off);
            }
            narrate(quiet, who, format!("{func}: got {f}, then {s}: done"));
            release(who, second);
            release(who, first);
            completed.fetch_add(1, Relaxed);
        }
    };
    crowd(threads, rng, work, || ());
    (completed.load(Relaxed), retries.load(Relaxed))
}
