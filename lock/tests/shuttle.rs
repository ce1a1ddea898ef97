//! Randomized schedules (shuttle) for `Lock` and `Mutex<T>`: more threads
//! and more acquisitions than the loom models explore.
//!
//! Shuttle treats every atomic as SeqCst and has no race detector, so these
//! check schedule-level properties only (no lost update, no thread left
//! parked); the loom legs check orderings. A deadlock (every thread
//! parked) fails the test: shuttle reports it.
//!
//! Run: `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test --release -p lockstep-lock --test shuttle`
#![cfg(shuttle)]

#[path = "../../sync/tests/support/shuttle_run.rs"]
mod shuttle_run;

use lockstep_lock::{Lock, Mutex};
use lockstep_sync::cell::UnsafeCell;
use shuttle::thread;
use shuttle_run::check;
use std::sync::Arc;
use std::time::Duration;

/// A plain counter that only the lock protects.
struct Counted {
    lock: Lock,
    /// Only touched while `lock` is held.
    count: UnsafeCell<usize>,
}

// SAFETY: `count` is only accessed while `lock` is held.
unsafe impl Sync for Counted {}

impl Counted {
    /// Read, yield (so a second thread inside would interleave here), then
    /// write: a broken lock loses an update.
    fn bump(&self) {
        // SAFETY: the caller holds `lock`.
        let seen = self.count.with(|count| unsafe { *count });
        thread::yield_now();
        // SAFETY: as above.
        self.count.with_mut(|count| unsafe { *count = seen + 1 });
    }
}

#[test]
fn three_threads_count_under_the_lock() {
    check("lock: 3 threads x 3 increments", 5000, || {
        let shared = Arc::new(Counted { lock: Lock::new(), count: UnsafeCell::new(0) });
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || {
                    for _ in 0..3 {
                        let _held = shared.lock.lock();
                        shared.bump();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        // SAFETY: every other thread was joined.
        assert_eq!(shared.count.with(|count| unsafe { *count }), 9);
        assert!(!shared.lock.locked());
    });
}

/// Timed acquisitions (under shuttle a timeout may fire whenever the
/// waiter is scheduled again) racing untimed ones and a release from a
/// thread that never acquired: the count matches the successes, and a
/// timed-out waiter leaves the lock usable.
#[test]
fn timeouts_and_foreign_release_keep_the_count() {
    check("lock: timeouts + release by another thread", 5000, || {
        let shared = Arc::new(Counted { lock: Lock::new(), count: UnsafeCell::new(0) });
        let successes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let timed: Vec<_> = (0..2)
            .map(|_| {
                let (shared, successes) = (Arc::clone(&shared), Arc::clone(&successes));
                thread::spawn(move || {
                    for _ in 0..2 {
                        if shared.lock.acquire_timeout(Duration::from_secs(1)) {
                            shared.bump();
                            successes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            shared.lock.release().unwrap();
                        }
                    }
                })
            })
            .collect();
        // Python's Lock is not owned: main acquires, a helper releases.
        shared.lock.acquire();
        shared.bump();
        let releaser = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || shared.lock.release().unwrap())
        };
        releaser.join().unwrap();
        for thread in timed {
            thread.join().unwrap();
        }
        let successes = successes.load(std::sync::atomic::Ordering::Relaxed);
        // SAFETY: every other thread was joined.
        assert_eq!(shared.count.with(|count| unsafe { *count }), successes + 1);
        assert!(!shared.lock.locked());
        assert!(shared.lock.try_acquire(), "a timed-out waiter broke the lock");
    });
}

#[test]
fn mutex_guards_its_data() {
    check("Mutex<T>: 3 threads x 2 increments", 5000, || {
        let mutex = Arc::new(Mutex::new(0usize));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let mutex = Arc::clone(&mutex);
                thread::spawn(move || {
                    for _ in 0..2 {
                        let mut count = mutex.lock();
                        let seen = *count;
                        thread::yield_now();
                        *count = seen + 1;
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*mutex.lock(), 6);
    });
}
