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
