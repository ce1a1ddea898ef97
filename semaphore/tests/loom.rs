//! Loom models of `Semaphore` and `BoundedSemaphore`. Both legs run every
//! model at 3 preemptions (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-semaphore --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! A release publishes what the releaser wrote to whoever takes its
//! permit: the models write a plain `UnsafeCell` before releasing and read
//! it after acquiring, so a missing Release/Acquire pair is a data race in
//! either leg. A lost wake-up is loom's "deadlock".
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_semaphore::{BoundedSemaphore, ReleaseError, Semaphore};
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_model::check;
use std::time::Duration;

/// A value handed from a releaser to the acquirers of its permits.
struct Message(UnsafeCell<u32>);

// SAFETY: written only before the release that hands out the permits and
// read only after taking one; loom reports it if that order is missing.
unsafe impl Sync for Message {}

impl Message {
    fn new() -> Message {
        Message(UnsafeCell::new(0))
    }

    fn write(&self, value: u32) {
        // SAFETY: see `impl Sync`.
        self.0.with_mut(|message| unsafe { *message = value });
    }

    fn read(&self) -> u32 {
        // SAFETY: see `impl Sync`.
        self.0.with(|message| unsafe { *message })
    }
}

#[test]
fn one_permit_is_mutual_exclusion_and_is_conserved() {
    struct Shared {
        sem: Semaphore,
        count: UnsafeCell<usize>,
    }
    // SAFETY: `count` is only touched while holding the single permit.
    unsafe impl Sync for Shared {}

    check(|| {
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
    check(|| {
        let sem = Arc::new(Semaphore::new(0));
        let message = Arc::new(Message::new());
        let waiter = {
            let (sem, message) = (sem.clone(), message.clone());
            thread::spawn(move || {
                sem.acquire();
                message.read()
            })
        };
        message.write(42);
        sem.release();
        assert_eq!(waiter.join().unwrap(), 42);
        assert_eq!(sem.value(), 0);
    });
}

#[test]
fn release_n_wakes_two_blocked_acquirers_and_publishes_to_both() {
    check(|| {
        let sem = Arc::new(Semaphore::new(0));
        let message = Arc::new(Message::new());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let (sem, message) = (sem.clone(), message.clone());
                thread::spawn(move || {
                    sem.acquire();
                    message.read()
                })
            })
            .collect();
        message.write(7);
        sem.release_n(2);
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), 7);
        }
        assert_eq!(sem.value(), 0);
    });
}

#[test]
fn timed_out_waiter_never_swallows_a_permit_or_a_wake_up() {
    check(|| {
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
    check(|| {
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

#[test]
fn bounded_release_wakes_a_blocked_acquirer_and_stays_bounded() {
    check(|| {
        let sem = Arc::new(BoundedSemaphore::new(1));
        let message = Arc::new(Message::new());
        sem.acquire();
        let waiter = {
            let (sem, message) = (sem.clone(), message.clone());
            thread::spawn(move || {
                sem.acquire();
                let seen = message.read();
                (seen, sem.release())
            })
        };
        message.write(42);
        assert_eq!(sem.release(), Ok(()));
        assert_eq!(waiter.join().unwrap(), (42, Ok(())));
        // Both permits came back: one more release is one too many.
        assert_eq!(sem.release(), Err(ReleaseError::TooManyReleases));
        assert_eq!(sem.value(), 1);
    });
}

#[test]
fn bounded_release_n_hands_two_permits_to_two_blocked_acquirers() {
    check(|| {
        let sem = Arc::new(BoundedSemaphore::new(2));
        let message = Arc::new(Message::new());
        sem.acquire();
        sem.acquire();
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let (sem, message) = (sem.clone(), message.clone());
                thread::spawn(move || {
                    sem.acquire();
                    message.read()
                })
            })
            .collect();
        message.write(7);
        assert_eq!(sem.release_n(2), Ok(()));
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), 7);
        }
        // The waiters kept their permits: the count is 0, and releasing
        // them (2) is allowed where 3 is not.
        assert_eq!(sem.value(), 0);
        assert_eq!(sem.release_n(3), Err(ReleaseError::TooManyReleases));
        assert_eq!(sem.release_n(2), Ok(()));
        assert_eq!(sem.value(), 2);
    });
}
