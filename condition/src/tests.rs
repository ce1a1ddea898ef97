//! Unit tests of `Condition`, named by behaviour.

use crate::{Condition, ConditionError};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn timeout_returns_false_after_at_least_the_timeout() {
    let cond = Condition::new();
    let mut held = cond.lock();
    let started = Instant::now();
    assert!(!held.wait_timeout(Duration::from_millis(50)));
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert!(cond.is_owned());
}

#[test]
fn wait_for_checks_the_predicate_first_and_needs_no_lock_then() {
    let cond = Condition::new();
    // Python evaluates the predicate before waiting; a true one never waits.
    assert_eq!(cond.wait_for(|| true, None), Ok(true));
    assert_eq!(cond.wait_for(|| false, None), Err(ConditionError::WaitUnacquired));
}

#[test]
fn notified_waiter_returns_true_and_holds_the_lock_again() {
    let cond = Condition::new();
    let queued = Barrier::new(2);
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            let mut held = cond.lock();
            queued.wait();
            let notified = held.wait_timeout(Duration::from_secs(60));
            (notified, cond.is_owned())
        });
        queued.wait();
        // The waiter holds the lock until it is queued, so this notify
        // happens after it waits.
        cond.lock().notify(1);
        assert_eq!(waiter.join().unwrap(), (true, true));
    });
    assert!(!cond.locked());
}

#[test]
fn notify_with_nobody_waiting_is_a_no_op() {
    let cond = Condition::new();
    let held = cond.lock();
    held.notify(5);
    held.notify_all();
    assert!(format!("{cond:?}").contains("waiters: 0"));
}

#[test]
fn misuse_errors_carry_pythons_messages() {
    let cond = Condition::new();
    assert_eq!(cond.wait().unwrap_err().to_string(), "cannot wait on un-acquired lock");
    assert_eq!(cond.notify(1).unwrap_err().to_string(), "cannot notify on un-acquired lock");
    assert_eq!(cond.wait_timeout(Duration::ZERO), Err(ConditionError::WaitUnacquired));
}

mod barrier {
    use crate::{Barrier, BrokenBarrierError};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::thread;
    use std::time::Duration;

    /// Spin (yielding) until `n` threads wait at `barrier`.
    fn until_waiting(barrier: &Barrier, n: usize) {
        while barrier.n_waiting() != n {
            thread::yield_now();
        }
    }

    #[test]
    fn indices_are_distinct_and_action_runs_once_per_cycle() {
        static ACTIONS: AtomicUsize = AtomicUsize::new(0);
        let barrier = Barrier::new(3).with_action(|| {
            ACTIONS.fetch_add(1, Relaxed);
        });
        for cycle in 1..=3 {
            let mut indices: Vec<usize> = thread::scope(|s| {
                let handles: Vec<_> = (0..3).map(|_| s.spawn(|| barrier.wait().unwrap())).collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            indices.sort();
            assert_eq!(indices, [0, 1, 2]);
            assert_eq!(ACTIONS.load(Relaxed), cycle);
        }
    }

    #[test]
    fn reset_frees_waiters_with_an_error_and_keeps_the_barrier_usable() {
        let barrier = Barrier::new(3);
        thread::scope(|s| {
            let waiters: Vec<_> = (0..2).map(|_| s.spawn(|| barrier.wait())).collect();
            until_waiting(&barrier, 2);
            barrier.reset();
            for waiter in waiters {
                assert_eq!(waiter.join().unwrap(), Err(BrokenBarrierError));
            }
        });
        assert!(!barrier.broken());
        thread::scope(|s| {
            let waiters: Vec<_> = (0..3).map(|_| s.spawn(|| barrier.wait())).collect();
            assert!(waiters.into_iter().all(|w| w.join().unwrap().is_ok()));
        });
    }

    #[test]
    fn abort_breaks_current_and_future_waits_until_reset() {
        let barrier = Barrier::new(2);
        thread::scope(|s| {
            let waiter = s.spawn(|| barrier.wait());
            until_waiting(&barrier, 1);
            barrier.abort();
            assert_eq!(waiter.join().unwrap(), Err(BrokenBarrierError));
        });
        assert_eq!(barrier.wait(), Err(BrokenBarrierError));
        assert_eq!(barrier.n_waiting(), 0);
        barrier.reset();
        assert!(!barrier.broken());
    }

    #[test]
    fn timeout_breaks_the_barrier_for_everyone() {
        let barrier = Barrier::new(3);
        thread::scope(|s| {
            let patient = s.spawn(|| barrier.wait());
            until_waiting(&barrier, 1);
            assert_eq!(barrier.wait_timeout(Duration::from_millis(10)), Err(BrokenBarrierError));
            assert_eq!(patient.join().unwrap(), Err(BrokenBarrierError));
        });
        assert!(barrier.broken());
    }

    #[test]
    fn panicking_action_breaks_the_barrier_and_reaches_its_runner() {
        let barrier = Barrier::new(2).with_action(|| panic!("action failed"));
        thread::scope(|s| {
            let other = s.spawn(|| barrier.wait());
            until_waiting(&barrier, 1);
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| barrier.wait()));
            let payload = ran.unwrap_err();
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"action failed"));
            assert_eq!(other.join().unwrap(), Err(BrokenBarrierError));
        });
        assert!(barrier.broken());
        assert_eq!(barrier.n_waiting(), 0);
    }
}
