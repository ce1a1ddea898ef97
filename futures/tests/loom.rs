//! Loom models of `Future`'s state machine, written for 3 preemptions in
//! both legs (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-futures --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg).
//!
//! Each model was checked against a deliberate bug (the `Bug caught:`
//! line under each); the real code passes them all.
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
/// Bug caught: `set_running_or_notify_cancel` as a load then a plain store
/// (instead of a CAS) lets both win; loom found `cancel() == true` with
/// the task run, in both legs.
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
/// Bug caught: the Release of the FINISHED transition weakened to Relaxed
/// (plain leg: "Causality violation" reading the cell); and `wake` skipped
/// (the WAITING bit ignored): loom reports a deadlock, in both legs.
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
/// Bug caught: `register` checking the state with a plain load before
/// taking the lock, and `complete` skipping the lock when LISTED was not
/// set at its first load: loom found the callback pushed after the list
/// was taken (never run: the count stays 0), in both legs.
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
        future.add_done_callback(move |_| drop(counted.fetch_add(1, SeqCst)));
        let adder = {
            let (future, runs) = (future.clone(), runs.clone());
            thread::spawn(move || future.add_done_callback(move |_| drop(runs.fetch_add(1, SeqCst))))
        };
        assert!(future.cancel());
        adder.join().unwrap();
        assert_eq!(runs.load(SeqCst), 2);
    });
}
