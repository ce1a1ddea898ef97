//! Loom models of `Thread` and `Timer`. Written for 3 preemptions; both
//! legs run every model uncapped (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 CARGO_TARGET_DIR=target/loom
//! cargo test --release -p lockstep-thread --test loom` (add `--cfg loom_rmw`
//! to RUSTFLAGS, and `CARGO_TARGET_DIR=target/loom-rmw`, for the RMW leg;
//! `-- --nocapture` prints each model's executions and time).
//!
//! Each model's header says which deliberate bug it caught, and in which
//! leg (the bug was put into `thread/src`, both legs run, and the bug
//! taken out again). Measured at bound 3 (2 cores, release): plain leg
//! 243-28,442 executions per model, 6 s in all; RMW leg 152-3,228, 1.5 s.
//!
//! A finite timeout may expire at any point under loom, so
//! `join_timeout(1 s)` explores both "it finished" and "it timed out"
//! against every step of the thread finishing, and a `Timer`'s interval
//! explores firing against every step of `cancel`.
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_sync::atomic::AtomicBool;
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::cell::UnsafeCell;
use lockstep_thread::{Thread, Timer};
use loom::sync::Arc;

/// Runs `model` as `loom_model::check` does, then joins the threads the
/// model's `Thread`s started (loom ends an execution when its closure
/// returns, under any thread still running).
fn check(model: impl Fn() + Sync + Send + 'static) {
    loom_model::check(move || {
        model();
        lockstep_sync::threads::join_detached();
    });
}
use std::time::Duration;

/// What a target writes and its joiner reads: loom's `UnsafeCell`, so a
/// join that does not order the two is a causality violation.
struct Slot(UnsafeCell<u32>);

// SAFETY: written only by the thread's target, read only after a join (or
// a `join_timeout` that said it finished) — exactly what the models check.
unsafe impl Sync for Slot {}

/// `join_timeout` racing the thread's finish: `Ok(true)` means finished —
/// the target's write is visible and `is_alive` is false; `Ok(false)`
/// (timed out) is followed by a `join` that then sees the same.
///
/// Deliberate bug caught: `finish` setting the `finished` Event *before*
/// moving the state to FINISHED: both legs fail an `is_alive` assertion
/// ("alive after join", the first execution that joins after the Event).
#[test]
fn join_timeout_racing_the_finish_sees_the_target_done() {
    check(|| {
        let slot = Arc::new(Slot(UnsafeCell::new(0)));
        let written = slot.clone();
        // SAFETY: the only write, before the thread finishes.
        let thread = Thread::new(move || written.0.with_mut(|value| unsafe { *value = 42 }));
        thread.start().unwrap();
        let finished = thread.join_timeout(Duration::from_secs(1)).unwrap();
        if finished {
            assert!(!thread.is_alive(), "alive after join_timeout said finished");
        } else {
            thread.join().unwrap();
            assert!(!thread.is_alive(), "alive after join");
        }
        // SAFETY: the thread finished (checked above), so its write is done.
        assert_eq!(slot.0.with(|value| unsafe { *value }), 42);
        assert_eq!(thread.join_timeout(Duration::ZERO), Ok(true));
    });
}

/// An untimed `join_timeout(Duration::MAX)` racing the finish always sees
/// it (no lost wake-up: a lost one is a loom "deadlock").
///
/// Deliberate bug caught: `finish` storing FINISHED but never setting the
/// Event: both legs report a loom deadlock (main blocked in the join).
#[test]
fn untimed_join_always_wakes() {
    check(|| {
        let thread = Thread::new(|| {});
        thread.start().unwrap();
        assert_eq!(thread.join_timeout(Duration::MAX), Ok(true));
        assert!(!thread.is_alive());
    });
}

/// `cancel` (from a second thread) racing the timer's fire: exactly one of
/// "the function ran" and "cancelled" holds, whichever way it goes.
///
/// Deliberate bug caught: the timer checking `state == WAITING` with a
/// load and then storing FIRED (and `cancel` doing the same), instead of
/// one compare-exchange each: both legs find "ran = true, cancelled =
/// true" (the `assert_ne!`).
#[test]
fn cancel_racing_the_fire_leaves_exactly_one_outcome() {
    check(|| {
        let ran = Arc::new(AtomicBool::new(false));
        let mark = ran.clone();
        let timer = Arc::new(Timer::new(Duration::from_secs(1), move || mark.store(true, Relaxed)));
        timer.start().unwrap();
        let canceller = {
            let timer = timer.clone();
            loom::thread::spawn(move || timer.cancel())
        };
        canceller.join().unwrap();
        timer.join().unwrap();
        // Relaxed: the join above ordered the store.
        let ran = ran.load(Relaxed);
        assert_ne!(ran, timer.is_cancelled(), "ran = {ran}, cancelled = {}", timer.is_cancelled());
    });
}

/// Two threads racing to `start` one `Thread`: exactly one succeeds, and
/// the target runs once.
///
/// Deliberate bug caught: `start` checking "not started" with a load and
/// then storing STARTED: both legs report "Causality violation: Concurrent
/// write accesses to `UnsafeCell`" (both starts take the target).
#[test]
fn racing_starts_start_once() {
    check(|| {
        let runs = Arc::new(loom::sync::atomic::AtomicUsize::new(0));
        let counted = runs.clone();
        let thread = Thread::new(move || {
            counted.fetch_add(1, Relaxed);
        });
        let other = {
            let thread = thread.clone();
            loom::thread::spawn(move || thread.start().is_ok())
        };
        let here = thread.start().is_ok();
        let there = other.join().unwrap();
        assert!(here ^ there, "both or neither start succeeded: {here}, {there}");
        thread.join().unwrap();
        // Relaxed: the join ordered the increment.
        assert_eq!(runs.load(Relaxed), 1);
    });
}
