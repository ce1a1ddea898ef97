// hand_semaphore: a semaphore made by hand must wake a waiter on every release.
//
// Lesson: `cargo run --bin lesson-semaphore` uses lockstep's Semaphore; none
// shows this bug, because a run almost never has both waiters asleep when
// both releases come. Loom, which this exercise's test uses, tries every
// interleaving, so it finds that one every time and tells it step by step.
// The Python it mirrors (CPython's own threading.Semaphore, nearly):
//
//     class Semaphore:
//         def __init__(self, value): self._cond = Condition(Lock()); self._value = value
//         def acquire(self):
//             with self._cond:
//                 while self._value == 0: self._cond.wait()
//                 self._value -= 1
//         def release(self):
//             with self._cond:
//                 self._value += 1
//                 self._cond.notify()   # every time, not only when it was 0
//
// What to fix: `release` notifies only when the count was 0, thinking that
// with a count above 0 nobody can be waiting. But a woken waiter takes the
// lock only later: two releases in a row raise the count 0 -> 1 -> 2 and
// notify once, and the second waiter sleeps forever with a permit free.
//
// (The Mutex and Condvar are loom's so the checker can explore them; in a
// program you would use `std::sync`, which has the same API.)

use lockstep_check::step;
use loom::sync::{Condvar, Mutex};
use std::sync::Arc;

/// A counting semaphore: a count of free permits, and a Condvar to wait on
/// while there are none.
struct Semaphore {
    count: Mutex<usize>,
    freed: Condvar,
}

impl Semaphore {
    fn new(permits: usize) -> Semaphore {
        Semaphore { count: Mutex::new(permits), freed: Condvar::new() }
    }

    /// Takes a permit, waiting while there is none.
    fn acquire(&self, who: &str) {
        let mut count = self.count.lock().unwrap();
        while *count == 0 {
            step(who, "finds no permit and waits");
            count = self.freed.wait(count).unwrap();
            step(who, format!("wakes up and finds {} permits", *count));
        }
        *count -= 1;
        step(who, format!("takes a permit ({} left)", *count));
    }

    /// Gives a permit back.
    fn release(&self, who: &str) {
        let mut count = self.count.lock().unwrap();
        let was = *count;
        *count += 1;
        // Every release wakes a waiter, if any: one woken earlier may not have
        // taken its permit yet, so a count above 0 does not mean nobody sleeps.
        self.freed.notify_one();
        step(who, format!("frees a permit ({was} -> {}) and wakes a waiter", *count));
    }
}

/// Two workers wait for permits of an empty semaphore; main releases two.
fn check() {
    lockstep_check::model("both workers to get a permit after two releases", "lost wake-up", 1, || {
        // A std Arc, not loom's: a model that deadlocks must not hold loom's.
        let semaphore = Arc::new(Semaphore::new(0));
        let workers: Vec<_> = ["worker-1", "worker-2"]
            .into_iter()
            .map(|name| {
                let semaphore = Arc::clone(&semaphore);
                loom::thread::spawn(move || semaphore.acquire(name))
            })
            .collect();
        semaphore.release("main");
        semaphore.release("main");
        for worker in workers {
            worker.join().unwrap();
        }
    });
}

fn main() {
    check();
    println!("loom tried every interleaving: both workers always got a permit");
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_release_can_wake_a_waiter() {
        super::check();
    }
}
