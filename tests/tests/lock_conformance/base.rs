//! CPython's `BaseLockTests`, written once for any `PyLock` and run on
//! both `Lock` and `RLock` by `lock_conformance.rs`.
//!
//! Provenance: `Lib/test/lock_tests.py` of CPython 3.14.2, class
//! `BaseLockTests` (see `shared/CPYTHON.md` section 2). Each function names
//! the CPython test it ports.

use super::CHANCES;
use lockstep_tests::{PyLock, assert_stays, bunch, panic_message};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::thread;
use std::time::{Duration, Instant};

// CPython: lock_tests.BaseLockTests.test_constructor
pub(super) fn constructor<L: PyLock>() {
    let lock = L::new();
    assert!(!lock.locked());
    drop(lock);
    assert!(!L::default().locked());
    let named = L::named("lockA");
    assert_eq!((named.name(), named.locked()), (Some("lockA"), false));
    assert_eq!(L::new().name(), None);
}

// CPython: lock_tests.BaseLockTests.test_repr (Rust: `Debug`)
pub(super) fn repr<L: PyLock>() {
    let shown = format!("{:?}", L::new());
    assert!(shown.contains("locked: false"), "{shown}");
    let shown = format!("{:?}", L::named("lockA"));
    assert!(shown.contains(r#"name: "lockA""#), "{shown}");
}

// CPython: lock_tests.BaseLockTests.test_locked_repr (Rust: `Debug`)
pub(super) fn locked_repr<L: PyLock>() {
    let lock = L::new();
    let _held = lock.lock();
    let shown = format!("{lock:?}");
    assert!(shown.contains("locked: true"), "{shown}");
}

// CPython: lock_tests.BaseLockTests.test_acquire_destroy
pub(super) fn acquire_destroy<L: PyLock>() {
    let lock = L::new();
    lock.acquire();
    drop(lock); // dropping a held lock is fine
    let lock = L::new();
    std::mem::forget(lock.lock()); // so is dropping one whose guard leaked
    assert!(lock.locked());
    drop(lock);
}

// CPython: lock_tests.BaseLockTests.test_acquire_release
pub(super) fn acquire_release<L: PyLock>() {
    let lock = L::new();
    lock.acquire();
    assert!(lock.locked());
    assert_eq!(lock.release(), Ok(()));
    assert!(!lock.locked());
}

// CPython: lock_tests.BaseLockTests.test_try_acquire
pub(super) fn try_acquire<L: PyLock>() {
    let lock = L::new();
    assert!(lock.try_acquire());
    assert!(lock.locked());
    assert_eq!(lock.release(), Ok(()));
}

// CPython: lock_tests.BaseLockTests.test_try_acquire_contended
pub(super) fn try_acquire_contended<L: PyLock>() {
    let lock = L::new();
    lock.acquire();
    thread::scope(|s| {
        s.spawn(|| {
            assert!(!lock.try_acquire());
            assert!(!lock.acquire_timeout(Duration::ZERO));
            assert!(lock.try_lock().is_none());
        });
    });
    assert!(lock.locked(), "the failed attempts left the lock held");
    assert_eq!(lock.release(), Ok(()));
}

// CPython: lock_tests.BaseLockTests.test_acquire_contended
pub(super) fn acquire_contended<L: PyLock>() {
    let lock = L::new();
    let held = lock.lock();
    let got_it = &AtomicUsize::new(0);
    bunch(
        5,
        |_| {
            lock.acquire();
            got_it.fetch_add(1, SeqCst);
            lock.release().unwrap();
        },
        move |progress| {
            assert_stays(CHANCES, "no worker gets the held lock", || {
                got_it.load(SeqCst) == 0 && progress.finished() == 0
            });
            drop(held);
        },
    );
    assert_eq!(got_it.load(SeqCst), 5, "after the release every worker got it");
    assert!(!lock.locked());
}

// CPython: lock_tests.BaseLockTests.test_with (a panic plays the TypeError)
pub(super) fn with<L: PyLock>() {
    let lock = L::new();
    {
        let _held = lock.lock();
        assert!(lock.locked());
    }
    assert!(!lock.locked(), "released on normal exit");
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        let _held = lock.lock();
        panic!("TypeError inside with");
    }))
    .unwrap_err();
    assert_eq!(panic_message(&*payload), "TypeError inside with", "the panic propagates");
    assert!(!lock.locked(), "released on unwind");
    thread::scope(|s| {
        s.spawn(|| {
            assert!(lock.try_acquire(), "another thread can acquire afterwards");
            lock.release().unwrap();
        });
    });
}

// CPython: lock_tests.BaseLockTests.test_thread_leak
pub(super) fn thread_leak<L: PyLock>() {
    let lock = L::new();
    let rounds = AtomicUsize::new(0);
    bunch(
        15,
        |_| {
            lock.acquire();
            rounds.fetch_add(1, SeqCst);
            lock.release().unwrap();
        },
        |_| (),
    );
    // `bunch` joined all 15 threads: they exited cleanly.
    assert_eq!(rounds.load(SeqCst), 15);
    assert!(!lock.locked());
}

// CPython: lock_tests.BaseLockTests.test_timeout
pub(super) fn timeout<L: PyLock>() {
    let lock = L::new();
    // CPython's TIMEOUT_MAX (Linux x86-64) and beyond are accepted.
    for huge in [Duration::from_secs_f64(9_223_372_036.0), Duration::from_secs(u64::MAX), Duration::MAX] {
        assert!(lock.acquire_timeout(huge), "{huge:?} on a free lock");
        lock.release().unwrap();
    }
    assert!(lock.acquire_timeout(Duration::from_secs(5)));
    thread::scope(|s| {
        s.spawn(|| {
            let start = Instant::now();
            assert!(!lock.acquire_timeout(Duration::from_millis(500)));
            let waited = start.elapsed();
            // CPython's assertTimeout lower bound: 0.6 * the timeout.
            assert!(waited >= Duration::from_millis(300), "gave up after {waited:?}");
        });
    });
    assert!(lock.locked());
    lock.release().unwrap();
}

// CPython: lock_tests.BaseLockTests.test_timeout (Python's `timeout=-1`:
// `Duration::MAX` waits until the lock is released)
pub(super) fn timeout_max_waits_forever<L: PyLock>() {
    let lock = L::new();
    let held = lock.try_lock_for(Duration::MAX).expect("free");
    let returned = &AtomicBool::new(false);
    bunch(
        1,
        |_| {
            let got = lock.acquire_timeout(Duration::MAX);
            returned.store(true, SeqCst);
            assert!(got, "Duration::MAX never times out");
            lock.release().unwrap();
        },
        move |_| {
            assert_stays(CHANCES, "the waiter waits", || !returned.load(SeqCst));
            drop(held);
        },
    );
    assert!(returned.load(SeqCst) && !lock.locked());
}
