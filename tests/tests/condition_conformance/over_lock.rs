//! `Condition(lock)` over a plain `Lock`: CPython's `ConditionTests.test_acquire`
//! (its `Condition(Lock())` half) and `_check_notify` on such a condition,
//! plus the sharing CPython's `queue.Queue` relies on (three conditions
//! over one mutex).

use super::{LONG, check_notify};
use lockstep::{Condition, ConditionError, Lock, ReleaseError};
use std::sync::Arc;
use std::thread;

// CPython: lock_tests.ConditionTests.test_acquire (the `Condition(Lock())` half)
#[test]
fn acquire_over_a_plain_lock() {
    let lock = Lock::new();
    let cond = Condition::with_lock(&lock);
    cond.acquire();
    assert!(!lock.try_acquire(), "the condition took the lock itself");
    assert_eq!(cond.release(), Ok(()));
    assert!(lock.try_acquire(), "and released it");
    assert!(!cond.try_acquire(), "not re-entrant: the lock is a Lock");
    lock.release().unwrap();
    assert_eq!(cond.release(), Err(ReleaseError::Unlocked));
    {
        let _held = cond.lock(); // `with cond:`
        assert!(lock.locked());
    }
    assert!(!lock.locked());
}

// CPython: lock_tests.ConditionTests.test_notify, on `Condition(Lock())`
#[test]
fn notify_over_a_plain_lock() {
    let cond = Condition::with_lock(Lock::new());
    check_notify(&cond);
    check_notify(&cond);
}

// CPython 1.3: over a plain Lock, `_is_owned` means "held by someone", so a
// thread that does not hold it may notify while another does.
#[test]
fn over_a_plain_lock_owned_means_held_by_anyone() {
    let cond = Condition::with_lock(Lock::new());
    assert_eq!(cond.notify(1), Err(ConditionError::NotifyUnacquired));
    assert_eq!(cond.wait_timeout(LONG), Err(ConditionError::WaitUnacquired));
    let _held = cond.lock();
    thread::scope(|s| {
        s.spawn(|| assert_eq!(cond.notify(1), Ok(())));
    });
}

/// `queue.Queue`'s design: `not_empty` and `not_full` over one mutex. A
/// one-slot buffer passes 1,000 items between two threads, each waiting on
/// its own condition and notifying the other's.
#[test]
fn two_conditions_over_one_lock_pass_items_through_a_slot() {
    const ITEMS: u32 = 1_000;
    let mutex = Arc::new(Lock::new());
    let not_empty = Condition::with_lock(Arc::clone(&mutex));
    let not_full = Condition::with_lock(Arc::clone(&mutex));
    let slot = std::sync::Mutex::new(None::<u32>);
    let received = thread::scope(|s| {
        s.spawn(|| {
            for item in 0..ITEMS {
                let mut held = not_full.lock();
                held.wait_for(|| slot.lock().unwrap().is_none(), None);
                *slot.lock().unwrap() = Some(item);
                not_empty.notify(1).unwrap();
            }
        });
        let mut received = Vec::new();
        while received.len() < ITEMS as usize {
            let mut held = not_empty.lock();
            held.wait_for(|| slot.lock().unwrap().is_some(), None);
            received.extend(slot.lock().unwrap().take());
            not_full.notify(1).unwrap();
        }
        received
    });
    assert_eq!(received, (0..ITEMS).collect::<Vec<_>>());
    assert!(!mutex.locked());
}
