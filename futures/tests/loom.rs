//! Loom models of `Future`'s state machine (and one of the executor's
//! lock-free submit racing shutdown), written for 3 preemptions in
//! both legs (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-futures --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg).
//!
//! Each model was checked against a deliberate bug injected into
//! `futures/src/complete.rs` or `shared.rs` (the `Bug caught:` lines); the real code
//! passes them all. Measured at bound 3 (plain / RMW leg): cancel racing
//! start 28 / 19 executions, result racing set 5,394 / 2,008 (0.4 s),
//! callback racing completion 85 / 51, callback racing cancel 101 / 75,
//! submit racing shutdown 81,281 / 11,341 (6.8 s / 1.3 s).
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

/// A submit racing `shutdown(cancel_futures=True)` once every worker has
/// started, when `submit` takes no lock and only puts: the submit is either
/// refused, or its future ends run (2) or cancelled; never stranded in the
/// queue (its `result()` would then wait for ever: a loom deadlock).
/// Bug caught: the lock-free `submit` returning `Ok` when the shut queue
/// refused the put: loom reported the deadlock of that future's `result()`
/// (both legs). Not caught here, and not a bug in this race: `shutdown`
/// draining before it shuts the queue, since a put that lands in between
/// is then run by the worker; that order matters when the pool breaks and
/// no worker is left, which `tests/tests/futures_stress.rs` checks (a
/// failing initializer under loom would print its report in every one of
/// the model's executions).
#[test]
fn submit_racing_shutdown_is_refused_run_or_cancelled() {
    use lockstep_futures::{SubmitError, ThreadPoolExecutor};
    check(|| {
        let executor = std::sync::Arc::new(ThreadPoolExecutor::new(1));
        // Starts the one worker: from here on, submit takes no lock.
        let first = executor.submit(|| 1).unwrap();
        let submitter = {
            let executor = executor.clone();
            thread::spawn(move || executor.submit(|| 2))
        };
        executor.shutdown(false, true);
        match submitter.join().unwrap() {
            Err(error) => assert_eq!(error, SubmitError::ShutDown),
            Ok(second) => match second.result() {
                Ok(value) => assert_eq!(*value, 2),
                Err(error) => assert_eq!(error, FutureError::Cancelled),
            },
        }
        assert!(matches!(first.result(), Ok(1) | Err(FutureError::Cancelled)));
        // Not dropped: `Drop` waits through `current_thread()`, whose record
        // of the model's own thread outlives the execution (a process-wide
        // registry) and would carry loom objects into the next one. The
        // worker ends as the queue is shut and empty; joined here.
        std::mem::forget(executor);
        lockstep_sync::threads::join_detached();
    });
}
