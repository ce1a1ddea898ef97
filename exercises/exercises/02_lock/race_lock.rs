// race_lock: the lost update, and the Lock that prevents it.
//
// Lesson: `cargo run --bin lesson-race` loses updates; `lesson-lock` keeps them.
// The Python it mirrors:
//
//     num = 0
//     lock = threading.Lock()
//     def add():
//         global num
//         with lock:                # without it, updates are lost
//             temp = num
//             time.sleep(0.001)
//             num = temp + 1
//
// What to fix: ten threads each add 1 to the counter ten times, yet the
// counter ends below 100. Use the counter's `lock` so that no other thread
// can run between an increment's read and its write.

use lockstep::Lock;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A counter whose increment reads, works a little, then writes.
struct Counter {
    lock: Lock,
    num: AtomicU64,
}

impl Counter {
    fn new() -> Counter {
        Counter { lock: Lock::named("num_lock"), num: AtomicU64::new(0) }
    }

    fn increment(&self) {
        // TODO: hold `self.lock` from the read to the write.
        // (Relaxed is enough here: the lock orders what happens inside it.)
        let read = self.num.load(Ordering::Relaxed);
        lockstep_check::pause(1); // the work between the read and the write
        self.num.store(read + 1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.num.load(Ordering::Relaxed)
    }
}

/// Ten threads, ten increments each; returns the final count.
fn run() -> u64 {
    let counter = Arc::new(Counter::new());
    let mut crew = lockstep_check::Crew::new("all 10 threads to finish their increments").deadlock_hint(3);
    for i in 1..=10 {
        let counter = Arc::clone(&counter);
        crew.spawn(format!("Thread-{i}"), move || {
            for _ in 0..10 {
                counter.increment();
            }
        });
    }
    crew.join();
    counter.get()
}

fn main() {
    println!("10 threads x 10 increments: num = {}", run());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_update_is_lost() {
        let num = run();
        if num != 100 {
            lockstep_check::fail(
                "lost update",
                "num = 100 after 10 threads made 10 increments each",
                format!(
                    "num = {num}: {} updates were lost, because two threads read the same value and both wrote it + 1",
                    100 - num.min(100)
                ),
                1,
            );
        }
    }
}
