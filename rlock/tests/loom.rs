//! Loom models of `RLock`: every interleaving of a few threads, up to
//! `LOOM_MAX_PREEMPTIONS` preemptions (written for 3; `.ci/run` sets 3).
//!
//! Both legs run every model at 3 (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-rlock --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! The counter the lock protects is an `UnsafeCell`: a broken lock is a
//! data race loom reports in either leg.
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_rlock::{RLock, ReleaseError};
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_model::check;
use std::time::Duration;

/// An RLock and the plain counter it protects.
struct Guarded {
    rlock: RLock,
    count: UnsafeCell<usize>,
}

// SAFETY: `count` is only touched by the RLock's owner; loom checks it.
unsafe impl Sync for Guarded {}

impl Guarded {
    fn new() -> Arc<Guarded> {
        Arc::new(Guarded { rlock: RLock::new(), count: UnsafeCell::new(0) })
    }

    /// Adds one; the caller must own the lock.
    fn bump(&self) {
        assert!(self.rlock.is_owned());
        // SAFETY: the caller owns the lock (asserted), so nothing else
        // touches `count` now; loom reports a race otherwise.
        self.count.with_mut(|count| unsafe { *count += 1 });
    }

    fn count(&self) -> usize {
        // SAFETY: called after all other threads were joined.
        self.count.with(|count| unsafe { *count })
    }
}

/// Acquire twice (re-entry), bump, release twice.
fn nested_bump(shared: &Guarded) {
    shared.rlock.acquire();
    shared.rlock.acquire();
    assert_eq!(shared.rlock.recursion_count(), 2);
    shared.bump();
    shared.rlock.release().unwrap();
    assert_eq!(shared.rlock.recursion_count(), 1);
    shared.rlock.release().unwrap();
    assert_eq!(shared.rlock.recursion_count(), 0);
}

#[test]
fn reentry_is_mutually_exclusive_across_threads() {
    check(|| {
        let shared = Guarded::new();
        let other = {
            let shared = shared.clone();
            thread::spawn(move || nested_bump(&shared))
        };
        nested_bump(&shared);
        other.join().unwrap();
        assert_eq!(shared.count(), 2);
        assert!(!shared.rlock.locked());
    });
}

#[test]
fn owner_check_holds_while_another_thread_owns_it() {
    check(|| {
        let shared = Guarded::new();
        let other = {
            let shared = shared.clone();
            thread::spawn(move || {
                // Whatever main is doing, this thread never owns it without
                // acquiring, and can't release main's hold.
                assert!(!shared.rlock.is_owned());
                assert_eq!(shared.rlock.recursion_count(), 0);
                assert_eq!(shared.rlock.release(), Err(ReleaseError::NotOwner));
                if shared.rlock.try_acquire() {
                    shared.bump();
                    shared.rlock.release().unwrap();
                }
            })
        };
        {
            let _outer = shared.rlock.lock();
            let _inner = shared.rlock.lock();
            shared.bump();
        }
        other.join().unwrap();
        assert!(!shared.rlock.locked());
        assert!((1..=2).contains(&shared.count()));
    });
}

#[test]
fn waiter_is_woken_when_the_count_reaches_zero() {
    check(|| {
        let shared = Guarded::new();
        shared.rlock.acquire();
        shared.rlock.acquire();
        let waiter = {
            let shared = shared.clone();
            thread::spawn(move || {
                let _guard = shared.rlock.lock();
                shared.bump();
            })
        };
        shared.bump();
        shared.rlock.release().unwrap();
        // Still owned at depth 1: the waiter can't have entered.
        assert!(shared.rlock.is_owned());
        shared.rlock.release().unwrap();
        waiter.join().unwrap();
        assert_eq!(shared.count(), 2);
    });
}

#[test]
fn timed_acquire_racing_release_keeps_ownership_consistent() {
    check(|| {
        let shared = Guarded::new();
        shared.rlock.acquire();
        let hasty = {
            let shared = shared.clone();
            thread::spawn(move || {
                // Under loom a finite timeout may expire at any point.
                let got = shared.rlock.acquire_timeout(Duration::from_secs(1));
                if got {
                    shared.bump();
                    assert_eq!(shared.rlock.recursion_count(), 1);
                    shared.rlock.release().unwrap();
                } else {
                    assert!(!shared.rlock.is_owned());
                }
                got
            })
        };
        shared.bump();
        shared.rlock.release().unwrap();
        let got = hasty.join().unwrap();
        assert_eq!(shared.count(), 1 + usize::from(got));
        assert!(shared.rlock.try_acquire());
    });
}
