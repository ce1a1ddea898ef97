//! Loom models of `Condition`, written for `LOOM_MAX_PREEMPTIONS=3` (`.ci/run`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-condition --test loom`
//!
//! The shared state of each model lives in loom atomics that are only
//! touched with the condition's lock held, so `Relaxed` is enough there.
#![cfg(loom)]

use lockstep_condition::{Condition, ConditionError};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use loom::thread;
use std::time::Duration;

/// A condition with the counters the models watch.
#[derive(Default)]
struct Shared {
    cond: Condition,
    /// Threads that are waiting (incremented with the lock held, just
    /// before `wait`, so under the lock "arrived" means "queued").
    arrived: AtomicUsize,
    /// Threads that came back from `wait`.
    woken: AtomicUsize,
    /// Something the waiters wait for.
    ready: AtomicUsize,
}

/// Main's way to wait, without sleeping, until `n` threads are queued.
fn until_arrived(shared: &Shared, n: usize) {
    loop {
        let held = shared.cond.lock();
        if shared.arrived.load(Relaxed) == n {
            return std::mem::forget(held); // keep holding the lock
        }
        drop(held);
        thread::yield_now();
    }
}

#[test]
fn notify_racing_wait_is_never_lost() {
    loom::model(|| {
        let shared = Arc::new(Shared::default());
        let waiter = {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                assert!(held.wait_for(|| shared.ready.load(Relaxed) == 1, None));
            })
        };
        {
            let held = shared.cond.lock();
            shared.ready.store(1, Relaxed);
            held.notify(1);
        }
        waiter.join().unwrap();
    });
}

#[test]
fn notify_one_wakes_exactly_one_of_two_waiters() {
    loom::model(|| {
        let shared = Arc::new(Shared::default());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let shared = shared.clone();
                thread::spawn(move || {
                    let mut held = shared.cond.lock();
                    shared.arrived.fetch_add(1, Relaxed);
                    held.wait();
                    shared.woken.fetch_add(1, Relaxed);
                })
            })
            .collect();
        until_arrived(&shared, 2); // both queued; we hold the lock
        shared.cond.notify(1).unwrap();
        shared.cond.release().unwrap();
        loop {
            let _held = shared.cond.lock();
            if shared.woken.load(Relaxed) >= 1 {
                break;
            }
            drop(_held);
            thread::yield_now();
        }
        // The first woken thread is back; the other must still sleep.
        let held = shared.cond.lock();
        assert_eq!(shared.woken.load(Relaxed), 1);
        held.notify(1);
        drop(held);
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert_eq!(shared.woken.load(Relaxed), 2);
    });
}

#[test]
fn wait_gives_up_every_level_and_restores_them() {
    loom::model(|| {
        let shared = Arc::new(Shared::default());
        let waiter = {
            let shared = shared.clone();
            thread::spawn(move || {
                let _outer = shared.cond.lock();
                let mut inner = shared.cond.lock();
                shared.arrived.fetch_add(1, Relaxed);
                inner.wait();
                assert_eq!(shared.cond.rlock().recursion_count(), 2);
            })
        };
        until_arrived(&shared, 1); // possible only if wait released both levels
        shared.cond.notify_all().unwrap();
        shared.cond.release().unwrap();
        waiter.join().unwrap();
        assert!(!shared.cond.locked());
    });
}

#[test]
fn timeout_racing_notify_leaves_the_condition_consistent() {
    loom::model(|| {
        let shared = Arc::new(Shared::default());
        let hasty = {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                shared.arrived.fetch_add(1, Relaxed);
                // Under loom a finite timeout may expire at any point.
                let notified = held.wait_timeout(Duration::from_secs(1));
                assert!(shared.cond.is_owned());
                notified
            })
        };
        until_arrived(&shared, 1);
        shared.cond.notify(1).unwrap();
        shared.cond.release().unwrap();
        let _ = hasty.join().unwrap();
        // Whatever won, the lock is free and the queue is empty: a new
        // notify finds nobody and a new waiter times out normally.
        let held = shared.cond.lock();
        held.notify(1);
        assert!(format!("{:?}", shared.cond).contains("waiters: 0"));
    });
}

#[test]
fn waiting_or_notifying_without_the_lock_is_an_error() {
    loom::model(|| {
        let cond = Arc::new(Condition::new());
        cond.acquire();
        let other = {
            let cond = cond.clone();
            thread::spawn(move || (cond.wait(), cond.notify(1), cond.notify_all()))
        };
        let (wait, notify, notify_all) = other.join().unwrap();
        assert_eq!(wait, Err(ConditionError::WaitUnacquired));
        assert_eq!(notify, Err(ConditionError::NotifyUnacquired));
        assert_eq!(notify_all, Err(ConditionError::NotifyUnacquired));
        cond.release().unwrap();
    });
}
