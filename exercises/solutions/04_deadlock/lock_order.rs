// lock_order: two locks taken in opposite orders deadlock; one order for everyone does not.
//
// Lesson: `cargo run --bin lesson-deadlock` deadlocks, explains the cycle, and shows three fixes.
// The Python it mirrors:
//
//     def doA():
//         lockA.acquire()
//         time.sleep(0.01)          # holds lockA a while...
//         lockB.acquire()           # ...then wants lockB too
//         lockB.release(); lockA.release()
//
//     def doB():
//         lockB.acquire()           # the opposite order
//         time.sleep(0.01)
//         lockA.acquire()
//         lockA.release(); lockB.release()
//
// What to fix: Thread-1 runs `do_a`, Thread-2 runs `do_b`. Each takes its
// first lock, then waits for the lock the other holds: neither ever lets
// go. Change `do_b` so that the two threads can never wait for each other.
// Both functions must still do their work holding both locks.

use lockstep::{Barrier, Lock};
use lockstep_check::Log;
use std::sync::Arc;
use std::time::Duration;

/// The two locks, and what the threads did holding them.
struct Shared {
    lock_a: Lock,
    lock_b: Lock,
    /// The `time.sleep(0.01)` between the two locks, made certain: each
    /// thread waits (up to 0.3 s) until the other holds its first lock too.
    both_hold_one: Barrier,
    log: Log,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            lock_a: Lock::named("lockA"),
            lock_b: Lock::named("lockB"),
            both_hold_one: Barrier::new(2),
            log: Log::new(),
        }
    }

    /// The pause between the first lock and the second (don't change it).
    fn meanwhile(&self) {
        // A timeout breaks the barrier for good, so after one timeout
        // nobody waits here any more.
        let _ = self.both_hold_one.wait_timeout(Duration::from_millis(300));
    }

    /// The work that needs both locks: it records whether it had them.
    fn work(&self, who: &str) {
        let both = self.lock_a.locked() && self.lock_b.locked();
        self.log
            .push(format!("{who}: worked holding {}", if both { "both locks" } else { "NOT both locks" }));
    }
}

fn do_a(shared: &Shared) {
    let _a = shared.lock_a.lock();
    shared.meanwhile();
    let _b = shared.lock_b.lock();
    shared.work("doA");
}

fn do_b(shared: &Shared) {
    // One global order: lockA before lockB, in every function. Whoever
    // holds lockA can always get lockB, so nobody waits in a circle.
    let _a = shared.lock_a.lock();
    shared.meanwhile();
    let _b = shared.lock_b.lock();
    shared.work("doB");
}

/// Thread-1 runs `do_a` while Thread-2 runs `do_b`; returns the log.
fn run() -> Arc<Shared> {
    let shared = Arc::new(Shared::new());
    let mut crew = lockstep_check::Crew::new("Thread-1 (doA) and Thread-2 (doB) to both finish")
        .deadlock_hint(1)
        .hang_is("hang", 2)
        .limit(Duration::from_secs(3));
    let mine = Arc::clone(&shared);
    crew.spawn("Thread-1", move || do_a(&mine));
    let mine = Arc::clone(&shared);
    crew.spawn("Thread-2", move || do_b(&mine));
    crew.join();
    shared
}

fn main() {
    let shared = run();
    println!("both threads finished: {}", shared.log);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_threads_finish_holding_both_locks() {
        let shared = run();
        for work in ["doA", "doB"] {
            if shared.log.count(&format!("{work}: worked holding both locks")) != 1 {
                lockstep_check::fail(
                    "unprotected work",
                    format!("{work} to do its work once, holding lockA and lockB"),
                    format!("the log says: {}", shared.log),
                    3,
                );
            }
        }
    }
}
