//! Loom models of `Future`'s state machine, written for 3 preemptions in
//! both legs (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-futures --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg).
//!
//! Each model was checked against a deliberate bug injected into
//! `futures/src/complete.rs` (the `Bug caught:` lines); the real code
//! passes them all. Measured at bound 3 (plain / RMW leg): cancel racing
//! start 28 / 19 executions, result racing set 5,394 / 2,008 (0.4 s),
//! callback racing completion 85 / 51, callback racing cancel 101 / 75.
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_futures::{Future, FutureError};
use loom::sync::Arc;
use loom::sync::atomic::AtomicUsize;
use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;
use loom_model::check;

/// A cancel racing the worker's start: exactly one of them wins, the task
/// runs only if the start won, and a waiter sees the matching outcome.
/// Bug caught: `set_running_or_notify_cancel` storing RUNNING after its
/// load instead of a CAS lets both win: loom failed `cancelled != ran`
/// (plain leg) and the outcome check (RMW leg).
#[test]
fn cancel_racing_start_has_one_winner() {
    check(|| {
        let future = Future::<u32>::new();
        let worker = {
            let future = future.clone();
            thread::spawn(move || {
                if future.set_running_or_notify_cancel() == Ok(true) {
                    future.set_result(7).unwrap();
                    true
                } else {
                    false
                }
            })
        };
        let cancelled = future.cancel();
        let ran = worker.join().unwrap();
        assert_ne!(cancelled, ran);
        match future.result() {
            Ok(value) => assert!(ran && *value == 7),
            Err(error) => assert!(cancelled && error == FutureError::Cancelled),
        }
    });
}

/// `result()` waiting while another thread sets the value: the waiter
/// wakes (no lost wake-up) and reads the value the setter wrote (the cell
/// is loom's `UnsafeCell`, so a missing Release/Acquire is a causality
/// violation); a second setter gets `InvalidStateError` and the first
/// value stays.
/// Bugs caught: the FINISHED transition's Release weakened to Relaxed:
/// "Causality violation: Concurrent read and write accesses" on the
/// outcome cell, in both legs; `wake` never unparking: loom "deadlock"
/// (the waiter parked for ever), in both legs.
#[test]
fn result_racing_set_sees_the_one_value() {
    check(|| {
        let future = Future::<u32>::new();
        let setters: Vec<_> = [1, 2]
            .into_iter()
            .map(|value| {
                let future = future.clone();
                thread::spawn(move || future.set_result(value).is_ok())
            })
            .collect();
        let seen = *future.result().unwrap();
        let won: Vec<bool> = setters.into_iter().map(|s| s.join().unwrap()).collect();
        assert_eq!(won.iter().filter(|&&w| w).count(), 1);
        assert_eq!(seen, if won[0] { 1 } else { 2 });
    });
}

/// A callback added while another thread completes the future runs
/// exactly once, and sees the future done.
/// Bug caught: `complete` checking LISTED with a load and then storing
/// FINISHED (instead of a CAS that fails when LISTED appears): the
/// callback pushed between the two never ran (count 0), in both legs
/// (that store also dropped WAITING: the result model deadlocked too).
#[test]
fn callback_added_racing_completion_runs_exactly_once() {
    check(|| {
        let future = Future::<u32>::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let adder = {
            let (future, runs) = (future.clone(), runs.clone());
            thread::spawn(move || {
                future.add_done_callback(move |f| {
                    assert!(f.done());
                    runs.fetch_add(1, SeqCst);
                })
            })
        };
        future.set_result(1).unwrap();
        adder.join().unwrap();
        assert_eq!(runs.load(SeqCst), 1);
    });
}

/// The same with `cancel` as the completion, and a second callback added
/// before: both run once, in the cancelling thread or the adder's.
#[test]
fn callback_added_racing_cancel_runs_exactly_once() {
    check(|| {
        let future = Future::<u32>::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        future.add_done_callback(move |_| {
            counted.fetch_add(1, SeqCst);
        });
        let adder = {
            let (future, runs) = (future.clone(), runs.clone());
            thread::spawn(move || {
                future.add_done_callback(move |_| {
                    runs.fetch_add(1, SeqCst);
                })
            })
        };
        assert!(future.cancel());
        adder.join().unwrap();
        assert_eq!(runs.load(SeqCst), 2);
    });
}
