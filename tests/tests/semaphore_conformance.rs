//! CPython's semaphore conformance tests, ported to
//! `lockstep::{Semaphore, BoundedSemaphore}`.
//!
//! Provenance: `Lib/test/lock_tests.py` of CPython 3.14.2 (classes
//! `BaseSemaphoreTests`, `SemaphoreTests`, `BoundedSemaphoreTests`), plus
//! `test_BoundedSemaphore_limit` from `Lib/test/test_threading.py`; see
//! `shared/CPYTHON.md` sections 1.4, 2 and 5. Each test names the CPython
//! test it ports; tests marked `lockstep` check what API.md or the crate
//! docs promise beyond CPython's suite. `BaseSemaphoreTests` run on both
//! types (modules `base_semaphore` and `base_bounded`) through the
//! `PySemaphore` trait, as CPython runs them on both.
//!
//! Not ported: the `ValueError` cases of `test_constructor` (a negative
//! value can't be expressed: `usize`) and of `test_acquire_timeout`
//! (`blocking=False` with a timeout: there is no such call).
//!
//! No sleeps order the threads: `spawn_blocked` watches each waiter until
//! the kernel shows it asleep in `acquire` (Linux only), which queues
//! waiters one by one in a known order.
#![cfg(target_os = "linux")]

use lockstep::{BoundedSemaphore, ReleaseError, Semaphore};
use lockstep_tests::bunch;
use std::time::Duration;

/// How many yields a "nothing happens" check lasts.
const CHANCES: usize = 1_000;
/// A timeout that only a broken semaphore lets run out.
const LONG: Duration = Duration::from_secs(60);

// `BaseSemaphoreTests`, generic over `PySemaphore` (a directory of its own
// so that Cargo does not build it as a separate test).
#[path = "semaphore_conformance/base.rs"]
mod base;

/// Runs every `BaseSemaphoreTests` test in `mod base` on both types.
macro_rules! base_semaphore_tests {
    ($($test:ident),* $(,)?) => {
        mod base_semaphore {
            $(#[test]
            fn $test() {
                super::base::$test::<lockstep::Semaphore>();
            })*
        }
        mod base_bounded {
            $(#[test]
            fn $test() {
                super::base::$test::<lockstep::BoundedSemaphore>();
            })*
        }
    };
}
base_semaphore_tests!(
    constructor,
    acquire,
    acquire_destroy,
    acquire_contended,
    multirelease,
    try_acquire,
    try_acquire_contended,
    acquire_timeout,
    default_value,
    with,
    waiters_wake_in_arrival_order,
    release_n_wakes_at_most_n,
    a_running_thread_may_take_a_released_permit_first,
    huge_timeout_waits_for_a_release,
    permits_move_between_threads,
);

// CPython: lock_tests.BaseSemaphoreTests.test_constructor (Rust: `const fn
// new` makes both usable as statics)
#[test]
fn constructors_are_const() {
    static SPACES: Semaphore = Semaphore::new(2);
    static POOL: BoundedSemaphore = BoundedSemaphore::new(1);
    assert!(SPACES.try_acquire() && POOL.try_acquire());
    SPACES.release();
    assert_eq!(POOL.release(), Ok(()));
    assert_eq!((SPACES.value(), POOL.value(), POOL.initial_value()), (2, 1, 1));
}

// ---------------------------------------------------------------- SemaphoreTests

// CPython: lock_tests.SemaphoreTests.test_release_unacquired
#[test]
fn semaphore_release_unacquired() {
    let sem = Semaphore::new(1);
    sem.release(); // an unbounded semaphore may go above its start
    assert_eq!(sem.value(), 2);
    assert!(sem.try_acquire() && sem.try_acquire());
    assert!(!sem.try_acquire());
}

// CPython: lock_tests.SemaphoreTests.test_repr (Rust: `Debug`)
#[test]
fn semaphore_repr() {
    let sem = Semaphore::new(3);
    assert_eq!(format!("{sem:?}"), "Semaphore { value: 3 }");
    sem.acquire();
    assert_eq!(format!("{sem:?}"), "Semaphore { value: 2 }");
    sem.release_n(2);
    assert_eq!(format!("{sem:?}"), "Semaphore { value: 4 }");
    let permit = sem.permit();
    assert_eq!(format!("{permit:?}"), "SemaphorePermit { value: 3 }");
}

// lockstep: `release_n(0)` does nothing (Python raises `ValueError: n must
// be one or more`; the crate docs name this divergence)
#[test]
fn release_of_zero_changes_nothing() {
    let sem = Semaphore::new(0);
    sem.release_n(0);
    assert_eq!(sem.value(), 0);
    let bounded = BoundedSemaphore::new(0);
    assert_eq!(bounded.release_n(0), Ok(()));
    assert_eq!(bounded.value(), 0);
}

// lockstep: the count stops at `usize::MAX / 2` instead of overflowing
#[test]
fn unbounded_count_saturates() {
    let sem = Semaphore::new(usize::MAX);
    assert_eq!(sem.value(), usize::MAX / 2);
    sem.release_n(usize::MAX);
    sem.release();
    assert_eq!(sem.value(), usize::MAX / 2);
    assert!(sem.try_acquire());
    assert_eq!(sem.value(), usize::MAX / 2 - 1);
}

// --------------------------------------------------------- BoundedSemaphoreTests

// CPython: lock_tests.BoundedSemaphoreTests.test_release_unacquired
#[test]
fn bounded_release_unacquired() {
    let sem = BoundedSemaphore::new(1);
    let error = sem.release().unwrap_err();
    assert_eq!(error, ReleaseError::TooManyReleases);
    assert_eq!(error.to_string(), "Semaphore released too many times");
    assert_eq!(sem.value(), 1, "the failed release changed nothing");
    sem.acquire();
    assert_eq!(sem.release(), Ok(()));
    assert_eq!(sem.release(), Err(ReleaseError::TooManyReleases));
    assert_eq!(sem.value(), 1);
    assert_eq!(BoundedSemaphore::new(0).release(), Err(ReleaseError::TooManyReleases));
    let boxed: Box<dyn std::error::Error> = Box::new(error);
    assert!(boxed.source().is_none());
}

// CPython: lock_tests.BoundedSemaphoreTests.test_release_unacquired
// (CPYTHON.md 1.4: the check is all or nothing; the value stays 1/2 after a
// failed release(2))
#[test]
fn bounded_release_n_is_all_or_nothing() {
    let sem = BoundedSemaphore::new(2);
    sem.acquire();
    assert_eq!(sem.release_n(2), Err(ReleaseError::TooManyReleases));
    assert_eq!(sem.value(), 1, "nothing of the failed release_n(2) was added");
    assert_eq!(sem.release_n(usize::MAX), Err(ReleaseError::TooManyReleases));
    assert_eq!(sem.value(), 1);
    sem.acquire();
    assert_eq!(sem.release_n(2), Ok(()));
    assert_eq!(sem.value(), 2);
}

// CPython: lock_tests.BoundedSemaphoreTests.test_repr (Rust: `Debug`)
#[test]
fn bounded_repr() {
    let sem = BoundedSemaphore::new(3);
    assert_eq!(format!("{sem:?}"), "BoundedSemaphore { value: 3, initial: 3 }");
    sem.acquire();
    assert_eq!(format!("{sem:?}"), "BoundedSemaphore { value: 2, initial: 3 }");
}

// CPython: test_threading.ThreadTests.test_BoundedSemaphore_limit
#[test]
fn bounded_semaphore_limit() {
    for limit in 1..10 {
        let sem = BoundedSemaphore::new(limit);
        bunch(limit, |_| sem.acquire(), |_| ());
        assert_eq!(sem.value(), 0);
        // Released by other threads than those that acquired.
        bunch(limit, |_| sem.release().expect("one per acquire"), |_| ());
        assert_eq!(sem.release(), Err(ReleaseError::TooManyReleases), "limit {limit}");
        assert_eq!(sem.value(), limit);
    }
}

// lockstep: a permit dropped after the bound was reached by hand gives
// nothing back and does not panic (the crate docs: drop must not panic)
#[test]
fn bounded_permit_over_released_by_hand() {
    let sem = BoundedSemaphore::new(1);
    let permit = sem.permit();
    assert_eq!(sem.release(), Ok(())); // a release without its acquire
    drop(permit); // would pass the bound: ignored
    assert_eq!(sem.value(), 1);
}
