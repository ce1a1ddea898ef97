//! Unit tests of `RLock`, named by behaviour.

use crate::{RLock, ReleaseError};
use std::thread;
use std::time::Duration;

#[test]
fn recursion_is_counted_and_freed_at_zero() {
    let rlock = RLock::new();
    for depth in 1..=3 {
        rlock.acquire();
        assert_eq!(rlock.recursion_count(), depth);
    }
    for depth in (0..3).rev() {
        rlock.release().unwrap();
        assert_eq!(rlock.recursion_count(), depth);
        assert_eq!(rlock.locked(), depth > 0);
    }
    assert_eq!(rlock.release(), Err(ReleaseError::NotOwner));
}

#[test]
fn non_owner_release_changes_nothing() {
    let rlock = RLock::new();
    rlock.acquire();
    thread::scope(|s| {
        s.spawn(|| {
            assert_eq!(rlock.release(), Err(ReleaseError::NotOwner));
            assert_eq!(rlock.recursion_count(), 0);
            assert!(!rlock.is_owned());
        });
    });
    assert!(rlock.is_owned());
    assert_eq!(rlock.recursion_count(), 1);
    rlock.release().unwrap();
    assert!(!rlock.locked());
}

#[test]
fn failed_try_lock_by_another_thread_leaves_owner_intact() {
    let rlock = RLock::new();
    let _guard = rlock.lock();
    thread::scope(|s| {
        s.spawn(|| {
            assert!(rlock.try_lock().is_none());
            assert!(rlock.try_lock_for(Duration::from_millis(1)).is_none());
        });
    });
    assert_eq!(rlock.recursion_count(), 1);
}

#[test]
fn guard_releases_on_panic() {
    let rlock = RLock::new();
    let result = std::panic::catch_unwind(|| {
        let _outer = rlock.lock();
        let _inner = rlock.lock();
        panic!("inside");
    });
    assert!(result.is_err());
    assert!(!rlock.locked());
}

#[test]
fn debug_shows_count_from_another_thread() {
    let rlock = RLock::named("ledger");
    assert!(format!("{rlock:?}").contains("count: 0"));
    let _outer = rlock.lock();
    let _inner = rlock.lock();
    thread::scope(|s| {
        s.spawn(|| {
            let shown = format!("{rlock:?}");
            assert!(shown.contains(r#"name: "ledger""#) && shown.contains("count: 2"), "{shown}");
        });
    });
}

#[test]
fn rlock_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RLock>();
}
