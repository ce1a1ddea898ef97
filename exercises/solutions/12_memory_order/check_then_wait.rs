// check_then_wait: check the flag and wait for it under the same lock.
//
// Lesson: none runs this, because a run almost never hits the window between
// the check and the wait. Loom, which this exercise's test uses, tries every
// interleaving, so it finds the bad one every time and tells it step by step.
// The Python it mirrors:
//
//     def wait_for_bell():
//         with cond:
//             rung = bell_rung      # check...
//         # ... another thread may ring (and notify) right here ...
//         if not rung:
//             with cond:
//                 cond.wait()       # ... then wait: for a notify already sent
//
// What to fix: `wait` checks the bell under the lock, lets the lock go, then
// takes it again to wait. If the bell rings in between, its notify wakes
// nobody, and the waiter sleeps forever. Check and wait under one lock, and
// re-check after every wake-up.
//
// (The Mutex and Condvar are loom's so the checker can explore them; in a
// program you would use `std::sync`, which has the same API.)

use lockstep_check::step;
use loom::sync::{Condvar, Mutex};
use std::sync::Arc;

/// A door bell: a flag, and a Condvar to wait on until it is rung.
struct Bell {
    rung: Mutex<bool>,
    ringing: Condvar,
}

impl Bell {
    fn new() -> Bell {
        Bell { rung: Mutex::new(false), ringing: Condvar::new() }
    }

    /// The visitor rings once.
    fn ring(&self) {
        let mut rung = self.rung.lock().unwrap();
        *rung = true;
        step("visitor", "rings the bell");
        self.ringing.notify_one();
        step("visitor", "notifies");
    }

    /// The host waits until the bell has rung.
    fn wait(&self) {
        // One guard from the check to the wait: `wait` queues the host and
        // lets the lock go in one step, so a ring cannot slip in between. The
        // loop checks again after every wake-up.
        let mut rung = self.rung.lock().unwrap();
        while !*rung {
            step("host", "sees the bell not rung yet and waits");
            rung = self.ringing.wait(rung).unwrap();
            step("host", "wakes up");
        }
        step("host", "sees the bell rung");
    }
}

/// A host and a visitor, under loom: the host must always get past `wait`.
fn check() {
    lockstep_check::model("the host to get past wait() once the visitor rang", "lost wake-up", 1, || {
        // A std Arc, not loom's: a model that deadlocks must not hold loom's.
        let bell = Arc::new(Bell::new());
        let visitor = Arc::clone(&bell);
        let thread = loom::thread::spawn(move || visitor.ring());
        bell.wait();
        thread.join().unwrap();
    });
}

fn main() {
    check();
    println!("loom tried every interleaving: the host always got past wait()");
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_host_always_hears_the_bell() {
        super::check();
    }
}
