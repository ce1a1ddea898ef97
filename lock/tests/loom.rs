//! Loom models of `Lock`: every interleaving of a few threads, up to
//! `LOOM_MAX_PREEMPTIONS` preemptions (written for 3; `.ci/run` sets 3).
//!
//! Both legs run every model at 3 (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-lock --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! A lost wake-up shows up as loom's "deadlock" panic (loom has no clock, so
//! no timeout can hide it); a missing Acquire/Release shows up as a data race
//! on the `UnsafeCell` the lock protects (in either leg: loom checks cells
//! by happens-before, whatever the atomics return).
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_lock::{Lock, ReleaseError};
use lockstep_sync::atomic::{AtomicUsize, Ordering::Relaxed};
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_model::check;
use std::time::Duration;

/// A lock and the plain (non-atomic) counter it protects.
struct Guarded {
    lock: Lock,
    count: UnsafeCell<usize>,
}

// SAFETY: `count` is only touched while `lock` is held; loom checks that
// claim on every interleaving.
unsafe impl Sync for Guarded {}

impl Guarded {
    fn new() -> Arc<Guarded> {
        Arc::new(Guarded { lock: Lock::new(), count: UnsafeCell::new(0) })
    }

    /// Adds one; the caller must hold the lock.
    fn bump(&self) {
        // SAFETY: the caller holds `lock`, so no other access is concurrent
        // (loom reports a race if that is false).
        self.count.with_mut(|count| unsafe { *count += 1 });
    }

    fn count(&self) -> usize {
        // SAFETY: called after every other thread was joined.
        self.count.with(|count| unsafe { *count })
    }
}

#[test]
fn blocking_acquire_is_mutually_exclusive_and_wakes_every_waiter() {
    check(|| {
        let shared = Guarded::new();
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let shared = shared.clone();
                thread::spawn(move || {
                    shared.lock.acquire();
                    shared.bump();
                    shared.lock.release().unwrap();
                })
            })
            .collect();
        shared.lock.acquire();
        shared.bump();
        shared.lock.release().unwrap();
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(shared.count(), 3);
        assert!(!shared.lock.locked());
    });
}

#[test]
fn waiter_parking_as_holder_releases_is_woken() {
    check(|| {
        let shared = Guarded::new();
        shared.lock.acquire();
        let waiter = {
            let shared = shared.clone();
            thread::spawn(move || {
                let _guard = shared.lock.lock();
                shared.bump();
            })
        };
        shared.bump();
        shared.lock.release().unwrap();
        waiter.join().unwrap();
        assert_eq!(shared.count(), 2);
    });
}

#[test]
fn try_acquire_under_contention_never_double_enters() {
    check(|| {
        let shared = Guarded::new();
        let entered = Arc::new(AtomicUsize::new(0));
        let tries: Vec<_> = (0..2)
            .map(|_| {
                let (shared, entered) = (shared.clone(), entered.clone());
                thread::spawn(move || {
                    if let Some(_guard) = shared.lock.try_lock() {
                        shared.bump();
                        entered.fetch_add(1, Relaxed);
                    }
                })
            })
            .collect();
        for t in tries {
            t.join().unwrap();
        }
        // At least one try finds the lock free (nobody else ever holds it
        // long), and whoever entered did so alone (else: a race on count).
        assert!(entered.load(Relaxed) >= 1);
        assert_eq!(shared.count(), entered.load(Relaxed));
    });
}

#[test]
fn try_acquire_fails_while_another_thread_holds_it() {
    check(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let other = {
            let lock = lock.clone();
            thread::spawn(move || lock.try_acquire())
        };
        assert!(!other.join().unwrap());
        lock.release().unwrap();
    });
}

#[test]
fn release_from_another_thread_wakes_a_blocked_acquirer() {
    check(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let releaser = {
            let lock = lock.clone();
            thread::spawn(move || lock.release())
        };
        let waiter = {
            let lock = lock.clone();
            thread::spawn(move || lock.acquire())
        };
        assert_eq!(releaser.join().unwrap(), Ok(()));
        waiter.join().unwrap();
        // The waiter holds it now; main may release it for them.
        assert!(lock.locked());
        lock.release().unwrap();
    });
}

#[test]
fn racing_releases_of_one_acquisition_one_succeeds() {
    check(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let other = {
            let lock = lock.clone();
            thread::spawn(move || lock.release())
        };
        let mine = lock.release();
        let theirs = other.join().unwrap();
        let mut outcomes = [mine, theirs];
        outcomes.sort_by_key(|r| r.is_err());
        assert_eq!(outcomes, [Ok(()), Err(ReleaseError::Unlocked)]);
        assert!(!lock.locked());
    });
}

#[test]
fn timed_out_waiter_never_swallows_anothers_wake_up() {
    check(|| {
        let shared = Guarded::new();
        shared.lock.acquire();
        let patient = {
            let shared = shared.clone();
            thread::spawn(move || {
                shared.lock.acquire();
                shared.bump();
                shared.lock.release().unwrap();
            })
        };
        let hasty = {
            let shared = shared.clone();
            // Under loom a finite timeout may expire at any point.
            thread::spawn(move || {
                if shared.lock.acquire_timeout(Duration::from_secs(1)) {
                    shared.bump();
                    shared.lock.release().unwrap();
                    true
                } else {
                    false
                }
            })
        };
        shared.lock.release().unwrap();
        patient.join().unwrap();
        let hasty_entered = hasty.join().unwrap();
        assert_eq!(shared.count(), 1 + usize::from(hasty_entered));
        assert!(!shared.lock.locked());
    });
}

#[test]
fn timeout_leaves_the_lock_usable() {
    check(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let hasty = {
            let lock = lock.clone();
            thread::spawn(move || {
                let got = lock.acquire_timeout(Duration::from_millis(10));
                if got {
                    lock.release().unwrap();
                }
                got
            })
        };
        lock.release().unwrap();
        hasty.join().unwrap();
        // Whatever happened, the lock is free and takes a new holder.
        assert!(lock.try_acquire());
    });
}

#[test]
#[should_panic(expected = "deadlock")]
fn acquiring_twice_on_one_thread_deadlocks() {
    // Python's Lock is not re-entrant (LockTests.test_reacquire): the
    // second acquire waits for a release that never comes. No loom Arc is
    // held here, so loom's deadlock report is a clean panic.
    check(|| {
        let lock = Lock::new();
        lock.acquire();
        lock.acquire();
    });
}
