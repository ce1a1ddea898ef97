//! Loom models of `Event`. Both legs run every model at 3 preemptions
//! (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-event --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! `wait_timeout(Duration::MAX)` is an untimed wait that reports what it
//! saw; a finite timeout may expire at any point under loom.
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_event::Event;
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_model::check;
use std::time::Duration;

#[test]
fn set_racing_wait_wakes_the_waiter_and_publishes() {
    struct Shared {
        ready: Event,
        message: UnsafeCell<u32>,
    }
    // SAFETY: `message` is written before `set` and read after `wait`.
    unsafe impl Sync for Shared {}

    check(|| {
        let shared = Arc::new(Shared { ready: Event::new(), message: UnsafeCell::new(0) });
        let reader = {
            let shared = shared.clone();
            thread::spawn(move || {
                shared.ready.wait();
                // SAFETY: the write happened before `set`, which `wait` saw.
                shared.message.with(|message| unsafe { *message })
            })
        };
        // SAFETY: no reader touches `message` before `set`.
        shared.message.with_mut(|message| unsafe { *message = 42 });
        shared.ready.set();
        assert_eq!(reader.join().unwrap(), 42);
    });
}

#[test]
fn set_wakes_every_waiter() {
    check(|| {
        let event = Arc::new(Event::new());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let event = event.clone();
                thread::spawn(move || event.wait_timeout(Duration::MAX))
            })
            .collect();
        event.set();
        for waiter in waiters {
            assert!(waiter.join().unwrap());
        }
    });
}

#[test]
fn a_wake_up_from_an_earlier_set_never_releases_a_later_waiter() {
    // The converse of CPython's test_set_and_clear (gh-57711): a thread that
    // starts waiting after the clear must not be released by the earlier
    // `set`'s wake-up reaching it late. (test_set_and_clear itself needs a
    // waiter known to be parked before the set, which a loom model can't
    // arrange; the std unit test in src/event.rs covers it.)
    check(|| {
        let event = Arc::new(Event::new());
        let early = {
            let event = event.clone();
            thread::spawn(move || event.wait_timeout(Duration::from_secs(1)))
        };
        let setter = {
            let event = event.clone();
            thread::spawn(move || event.set())
        };
        if event.is_set() {
            event.clear();
            // Nobody sets it again, so only the timeout can end this wait.
            assert!(!event.wait_timeout(Duration::from_secs(1)));
        }
        setter.join().unwrap();
        let _ = early.join().unwrap();
    });
}

#[test]
fn timed_out_waiter_leaves_the_event_working() {
    check(|| {
        let event = Arc::new(Event::new());
        let hasty = {
            let event = event.clone();
            thread::spawn(move || event.wait_timeout(Duration::from_secs(1)))
        };
        let patient = {
            let event = event.clone();
            thread::spawn(move || event.wait_timeout(Duration::MAX))
        };
        event.set();
        let _ = hasty.join().unwrap();
        assert!(patient.join().unwrap());
        assert!(event.is_set());
    });
}
