//! Loom models of `Semaphore` and `BoundedSemaphore`, written for
//! `LOOM_MAX_PREEMPTIONS=3` (`.ci/run`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-semaphore --test loom`
#![cfg(loom)]

use lockstep_semaphore::{BoundedSemaphore, ReleaseError, Semaphore};
use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use std::time::Duration;

#[test]
fn one_permit_is_mutual_exclusion_and_is_conserved() {
    struct Shared {
        sem: Semaphore,
        count: UnsafeCell<usize>,
    }
    // SAFETY: `count` is only touched while holding the single permit.
    unsafe impl Sync for Shared {}

    loom::model(|| {
        let shared = Arc::new(Shared { sem: Semaphore::new(1), count: UnsafeCell::new(0) });
        let bump = |shared: &Shared| {
            let _permit = shared.sem.permit();
            // SAFETY: one permit exists, and we hold it.
            shared.count.with_mut(|count| unsafe { *count += 1 });
        };
        let other = {
            let shared = shared.clone();
            thread::spawn(move || bump(&shared))
        };
        bump(&shared);
        other.join().unwrap();
        // SAFETY: every other thread was joined.
        assert_eq!(shared.count.with(|count| unsafe { *count }), 2);
        assert_eq!(shared.sem.value(), 1);
    });
}

#[test]
fn release_racing_acquire_wakes_the_waiter() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || sem.acquire())
        };
        sem.release();
        waiter.join().unwrap();
        assert_eq!(sem.value(), 0);
    });
}

#[test]
fn release_n_wakes_enough_waiters() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let sem = sem.clone();
                thread::spawn(move || sem.acquire())
            })
            .collect();
        sem.release_n(2);
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert_eq!(sem.value(), 0);
    });
}

#[test]
fn timed_out_waiter_never_swallows_a_permit_or_a_wake_up() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let patient = {
            let sem = sem.clone();
            thread::spawn(move || sem.acquire())
        };
        let hasty = {
            let sem = sem.clone();
            // Under loom a finite timeout may expire at any point.
            thread::spawn(move || sem.acquire_timeout(Duration::from_secs(1)))
        };
        sem.release();
        sem.release();
        patient.join().unwrap();
        let got = hasty.join().unwrap();
        assert_eq!(sem.value(), usize::from(!got));
    });
}

#[test]
fn bounded_release_without_acquire_fails_exactly_once() {
    loom::model(|| {
        let sem = Arc::new(BoundedSemaphore::new(1));
        let user = {
            let sem = sem.clone();
            thread::spawn(move || {
                sem.acquire();
                sem.release()
            })
        };
        // A release with no acquire of its own: it may fill the user's
        // slot, and then the user's own release is the one refused.
        let stray = sem.release();
        let own = user.join().unwrap();
        let refused = [stray, own].iter().filter(|r| **r == Err(ReleaseError::TooManyReleases)).count();
        assert_eq!(refused, 1);
        assert_eq!(sem.value(), 1);
    });
}
