//! Loom models of `Mutex<T>`. Both legs run every model at 3 preemptions
//! (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-lock --test loom_mutex`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! The mutex keeps its data in the shim's `UnsafeCell` (loom's, here), so
//! every access through a guard is checked: a guard handed out while
//! another lives, or a lock whose release publishes nothing, is a data race
//! in either leg. A lost wake-up is loom's "deadlock".
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_lock::Mutex;
use loom::sync::Arc;
use loom::thread;
use loom_model::check;
use std::time::Duration;

#[test]
fn guards_are_mutually_exclusive_and_every_waiter_gets_in() {
    check(|| {
        let total = Arc::new(Mutex::new(0));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let total = total.clone();
                thread::spawn(move || *total.lock() += 1)
            })
            .collect();
        *total.lock() += 1;
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(*total.lock(), 3);
        assert!(!total.is_locked());
    });
}

#[test]
fn try_lock_under_contention_never_hands_out_two_guards() {
    check(|| {
        // (times entered, entries seen by whoever entered): a second guard
        // alive at once would race on the data.
        let entries = Arc::new(Mutex::new(Vec::new()));
        let tries: Vec<_> = (0..2)
            .map(|id| {
                let entries = entries.clone();
                thread::spawn(move || {
                    if let Some(mut held) = entries.try_lock() {
                        held.push(id);
                    }
                })
            })
            .collect();
        for t in tries {
            t.join().unwrap();
        }
        // Nobody holds it long, so at least one try finds it free.
        assert!(!entries.lock().is_empty());
    });
}

#[test]
fn a_waiter_parked_on_a_held_guard_is_woken_and_sees_its_writes() {
    check(|| {
        let message = Arc::new(Mutex::new(0));
        let held = message.lock();
        let waiter = {
            let message = message.clone();
            thread::spawn(move || *message.lock())
        };
        let mut held = held;
        *held = 42;
        drop(held);
        assert_eq!(waiter.join().unwrap(), 42);
    });
}

#[test]
fn timed_lock_racing_a_release_never_swallows_a_wake_up() {
    check(|| {
        let total = Arc::new(Mutex::new(0));
        let held = total.lock();
        let patient = {
            let total = total.clone();
            thread::spawn(move || *total.lock() += 1)
        };
        let hasty = {
            let total = total.clone();
            // Under loom a finite timeout may expire at any point.
            thread::spawn(move || match total.try_lock_for(Duration::from_secs(1)) {
                Some(mut held) => {
                    *held += 1;
                    true
                }
                None => false,
            })
        };
        drop(held);
        patient.join().unwrap();
        let hasty_entered = hasty.join().unwrap();
        assert_eq!(*total.lock(), 1 + usize::from(hasty_entered));
    });
}
