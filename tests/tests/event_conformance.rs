//! CPython's `Event` conformance tests, ported to `lockstep::Event`.
//!
//! Provenance: `Lib/test/lock_tests.py` of CPython 3.14.2, class
//! `EventTests` (see `shared/CPYTHON.md` sections 1.5, 2 and 5). Each test
//! names the CPython test it ports; tests marked `lockstep` check a
//! behaviour that CPYTHON.md or API.md promises beyond CPython's suite.
//!
//! Not ported: `test_at_fork_reinit` (no `fork` API; `Event` has no inner
//! `Condition` to re-initialise).
//!
//! CPython waits for threads to block with sleeps (`wait_threads_blocked`);
//! here [`spawn_blocked`] watches each waiter until the kernel shows it
//! asleep inside `wait`, so every waiter is known to be parked (Linux only).
#![cfg(target_os = "linux")]

use lockstep::Event;
use lockstep_tests::{BlockedThread, bunch, spawn_blocked, stays};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::thread;
use std::time::{Duration, Instant};

/// How many yields a "nothing happens" check lasts.
const CHANCES: usize = 1_000;
/// A timeout that only a broken event lets run out (CPython: LONG_TIMEOUT).
const LONG: Duration = Duration::from_secs(60);
/// CPython's `N` for these tests.
const WAITERS: usize = 5;

// CPython: lock_tests.EventTests.test_is_set
#[test]
fn is_set() {
    let event = Event::new();
    assert!(!event.is_set());
    event.set();
    assert!(event.is_set());
    event.set();
    assert!(event.is_set(), "set is idempotent");
    event.clear();
    assert!(!event.is_set());
    event.clear();
    assert!(!event.is_set(), "clear is idempotent");
    assert!(!Event::default().is_set());
}

/// CPython's `_check_notify`: `WAITERS` threads each wait twice on the
/// unset `event`; none returns before `set`, and then every wait says so.
fn check_notify(event: &Event) {
    let returned = AtomicUsize::new(0);
    let seconds: Vec<bool> = thread::scope(|s| {
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| {
                spawn_blocked(s, || {
                    event.wait();
                    returned.fetch_add(1, SeqCst);
                    let second = event.wait_timeout(LONG);
                    returned.fetch_add(1, SeqCst);
                    second
                })
            })
            .collect();
        let blocked = stays(CHANCES, || returned.load(SeqCst) == 0);
        event.set(); // before asserting, so a failure does not hang the scope
        assert_eq!(blocked, Ok(()), "no waiter returned before set");
        waiters.into_iter().map(|waiter| waiter.join().unwrap()).collect()
    });
    assert_eq!(seconds, [true; WAITERS]);
    assert_eq!(returned.load(SeqCst), 2 * WAITERS);
}

// CPython: lock_tests.EventTests.test_notify
#[test]
fn notify() {
    let event = Event::new();
    check_notify(&event);
    // Another time, after an explicit clear().
    event.set();
    event.clear();
    check_notify(&event);
}

// CPython: lock_tests.EventTests.test_timeout
#[test]
fn timeout() {
    let event = Event::new();
    bunch(
        WAITERS,
        |_| {
            assert!((0..5).all(|_| !event.wait_timeout(Duration::ZERO)), "polls see it unset");
            let start = Instant::now();
            assert!(!event.wait_timeout(Duration::from_millis(500)), "an unset event times out");
            let waited = start.elapsed();
            // CPython's assertTimeout lower bound: 0.6 * the timeout.
            assert!(waited >= Duration::from_millis(300), "gave up after {waited:?}");
        },
        |_| (),
    );
    event.set();
    bunch(
        WAITERS,
        |_| {
            assert!((0..5).all(|_| event.wait_timeout(Duration::ZERO)));
            assert!(event.wait_timeout(Duration::from_millis(500)));
        },
        |_| (),
    );
}

/// After `set(); clear()`: which of `waiters` went back to sleep instead of
/// returning (as with an event that loops until the flag is up). Those are
/// then let go with another `set`, so that the test fails instead of hanging.
fn slept_again<T>(event: &Event, waiters: &[BlockedThread<'_, T>]) -> Vec<bool> {
    let slept: Vec<bool> = waiters.iter().map(|waiter| waiter.watch().until_blocked()).collect();
    if slept.contains(&true) {
        event.set();
    }
    slept
}

// CPython: lock_tests.EventTests.test_set_and_clear (gh-57711)
#[test]
fn set_and_clear() {
    // Every waiter is parked before set(); clear() runs, so each one is
    // woken by the set and must return true although the flag is down
    // again by the time it runs.
    let event = Event::new();
    let (slept, woke) = thread::scope(|s| {
        let waiters: Vec<_> = (0..WAITERS).map(|_| spawn_blocked(s, || event.wait_timeout(LONG))).collect();
        event.set();
        event.clear();
        let slept = slept_again(&event, &waiters);
        (slept, waiters.into_iter().map(|waiter| waiter.join().unwrap()).collect::<Vec<_>>())
    });
    assert_eq!(slept, [false; WAITERS], "no waiter went back to sleep");
    assert_eq!(woke, [true; WAITERS]);
}

// CPython: lock_tests.EventTests.test_set_and_clear (lockstep: plain wait()
// returns too, and set(); clear() repeated releases one waiter per round)
#[test]
fn set_and_clear_releases_plain_waits() {
    let event = Event::new();
    for _ in 0..20 {
        let slept = thread::scope(|s| {
            let waiter = spawn_blocked(s, || event.wait());
            event.set();
            event.clear();
            slept_again(&event, &[waiter])
        });
        assert_eq!(slept, [false], "the waiter went back to sleep");
        event.clear();
    }
}

// CPython: lock_tests.EventTests.test_repr (Rust: `Debug`)
#[test]
fn repr() {
    let event = Event::new();
    assert_eq!(format!("{event:?}"), "Event { set: false }");
    event.set();
    assert_eq!(format!("{event:?}"), "Event { set: true }");
}

// lockstep: a set after clear() is needed again; an old set is not kept
#[test]
fn clear_makes_later_waits_block() {
    let event = Event::new();
    event.set();
    event.clear();
    let start = Instant::now();
    assert!(!event.wait_timeout(Duration::from_millis(50)), "the earlier set is gone");
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert!(!event.wait_timeout(Duration::ZERO));
}

// lockstep: `wait` on a set event returns at once, in any thread
#[test]
fn wait_on_a_set_event_returns_at_once() {
    static STARTED: Event = Event::new(); // `const fn new`
    STARTED.set();
    bunch(
        WAITERS,
        |_| {
            STARTED.wait();
            assert!(STARTED.wait_timeout(Duration::ZERO));
        },
        |_| (),
    );
    assert!(STARTED.is_set(), "waiting does not consume the flag");
}

// lockstep: API.md, a huge timeout means "wait forever" and never overflows
#[test]
fn huge_timeout_waits_until_set() {
    let event = &Event::new();
    thread::scope(|s| {
        let waiters: Vec<_> = [Duration::MAX, Duration::from_secs(u64::MAX)]
            .into_iter()
            .map(|huge| spawn_blocked(s, move || event.wait_timeout(huge)))
            .collect();
        event.set();
        for waiter in waiters {
            assert!(waiter.join().unwrap());
        }
    });
}

// lockstep: a set wakes every waiter, plain and timed alike, not just one
#[test]
fn set_wakes_every_kind_of_waiter() {
    let event = Event::new();
    let woke = AtomicUsize::new(0);
    thread::scope(|s| {
        for kind in 0..6 {
            let (event, woke) = (&event, &woke);
            spawn_blocked(s, move || {
                match kind % 3 {
                    0 => event.wait(),
                    1 => assert!(event.wait_timeout(LONG)),
                    _ => assert!(event.wait_timeout(Duration::MAX)),
                }
                woke.fetch_add(1, SeqCst);
            });
        }
        event.set();
    });
    assert_eq!(woke.load(SeqCst), 6);
}
