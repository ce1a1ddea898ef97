//! CPython's `Condition` conformance tests, ported to `lockstep::Condition`.
//!
//! Provenance: `Lib/test/lock_tests.py` of CPython 3.14.2, class
//! `ConditionTests` (see `shared/CPYTHON.md` sections 1.3, 2 and 5). Each
//! test names the CPython test it ports; tests marked `lockstep` check a
//! behaviour that CPYTHON.md section 5 or lockstep's docs promise beyond
//! CPython's suite.
//!
//! The `Condition(Lock())` half of `test_acquire`, and the notify checks
//! over a plain `Lock` (shared by two conditions, as `queue.Queue` shares
//! its mutex), are in `condition_conformance/over_lock.rs`.
//!
//! Not ported: `ConditionAsRLockTests` (the lock is a plain `RLock`,
//! covered by `lock_conformance.rs`).
//!
//! No sleeps order the threads. A waiter signals while it still holds the
//! lock and only then waits; `wait` queues the thread before it releases the
//! lock, so once the main thread has taken the lock after that signal, the
//! waiter is queued. That queues waiters in a known order.

use lockstep::{Condition, ConditionError, ConditionLock, Mutex, ReleaseError};
use lockstep_tests::{bunch, stays, wait_until};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

#[path = "condition_conformance/over_lock.rs"]
mod over_lock;

/// How many yields a "nothing happens" check lasts.
const CHANCES: usize = 1_000;
/// A timeout that only a broken condition lets run out.
const LONG: Duration = Duration::from_secs(60);

/// Starts `waiters` threads on `scope` one after another; each takes the
/// lock, then runs `wait(index)` (which must wait on `cond` first thing).
/// Returns once all of them are queued on `cond`, oldest first by index.
fn queue_waiters<'scope, L: ConditionLock + Sync>(
    scope: &'scope thread::Scope<'scope, '_>,
    cond: &'scope Condition<L>,
    waiters: usize,
    wait: impl Fn(usize) + Send + Sync + Copy + 'scope,
) {
    let (holding, is_holding) = mpsc::channel();
    for index in 0..waiters {
        let holding = holding.clone();
        scope.spawn(move || {
            let _held = cond.lock(); // released on unwind too
            holding.send(()).unwrap();
            wait(index); // queues, then releases the lock
        });
        is_holding.recv().unwrap();
        drop(cond.lock()); // only possible once this waiter is queued
    }
}

// CPython: lock_tests.ConditionTests.test_acquire
#[test]
fn acquire() {
    let cond = Condition::new();
    // The default lock is an RLock: it can be taken twice.
    cond.acquire();
    cond.acquire();
    assert!(cond.locked() && cond.is_owned());
    assert_eq!(cond.release(), Ok(()));
    assert_eq!(cond.release(), Ok(()));
    assert_eq!(cond.release(), Err(ReleaseError::NotOwner));
    assert!(!cond.locked());
    {
        let _held = cond.lock(); // `with cond:`
        assert!(cond.locked() && cond.is_owned() && cond.try_acquire());
        cond.release().unwrap();
        thread::scope(|s| {
            s.spawn(|| assert!(!cond.try_acquire() && !cond.is_owned(), "held by main"));
        });
    }
    assert!(!cond.locked());
    thread::scope(|s| {
        s.spawn(|| assert!(cond.try_acquire() && cond.release().is_ok()));
    });
}

// CPython: lock_tests.ConditionTests.test_unacquired_wait
#[test]
fn unacquired_wait() {
    let cond = Condition::new();
    let error = cond.wait().unwrap_err();
    assert_eq!(error, ConditionError::WaitUnacquired);
    assert_eq!(error.to_string(), "cannot wait on un-acquired lock");
    assert_eq!(cond.wait_timeout(Duration::from_millis(5)), Err(ConditionError::WaitUnacquired));
    assert_eq!(cond.wait_timeout(Duration::ZERO), Err(ConditionError::WaitUnacquired));
    assert_eq!(cond.wait_for(|| false, None), Err(ConditionError::WaitUnacquired));
    // Held by another thread is not held by us (the lock is an RLock).
    let held = cond.lock();
    thread::scope(|s| {
        s.spawn(|| assert_eq!(cond.wait(), Err(ConditionError::WaitUnacquired)));
    });
    assert!(cond.is_owned(), "the failed wait changed nothing");
    drop(held);
}

// CPython: lock_tests.ConditionTests.test_unacquired_wait (lockstep: Python's
// `wait_for(pred, 0)` still calls `wait(0)`, which raises without the lock)
#[test]
fn unacquired_wait_for_with_zero_timeout() {
    let cond = Condition::new();
    assert_eq!(cond.wait_for(|| false, Some(Duration::ZERO)), Err(ConditionError::WaitUnacquired));
}

// CPython: lock_tests.ConditionTests.test_unacquired_notify
#[test]
fn unacquired_notify() {
    let cond = Condition::new();
    let error = cond.notify(1).unwrap_err();
    assert_eq!(error, ConditionError::NotifyUnacquired);
    assert_eq!(error.to_string(), "cannot notify on un-acquired lock");
    assert_eq!(cond.notify(0), Err(ConditionError::NotifyUnacquired));
    assert_eq!(cond.notify_all(), Err(ConditionError::NotifyUnacquired));
    let _held = cond.lock();
    thread::scope(|s| {
        s.spawn(|| {
            assert_eq!(cond.notify(1), Err(ConditionError::NotifyUnacquired));
            assert_eq!(cond.notify_all(), Err(ConditionError::NotifyUnacquired));
        });
    });
    let _: &dyn std::error::Error = &error; // a std error, like the others
}

/// CPython's `_check_notify`: 5 waiters, each waiting twice, record
/// `(notified, phase)`; `notify(3)`, `notify(5)` and `notify_all()` must
/// wake exactly 3, then 5, then the last 2, all reporting `true`.
fn check_notify<L: ConditionLock + Sync>(cond: &Condition<L>) {
    let phase = AtomicUsize::new(0);
    let (first, second) = (Mutex::new(Vec::new()), Mutex::new(Vec::new()));
    let counts = || (first.lock().len(), second.lock().len());
    let notify_in_phase = |now: usize, notify: &dyn Fn(&Condition<L>)| {
        let _held = cond.lock();
        phase.store(now, SeqCst);
        notify(cond);
    };
    let checks = thread::scope(|s| {
        let (phase, first, second) = (&phase, &first, &second);
        queue_waiters(s, cond, 5, move |_| {
            let notified = cond.wait_timeout(LONG).unwrap();
            first.lock().push((notified, phase.load(SeqCst)));
            let notified = cond.wait_timeout(LONG).unwrap();
            second.lock().push((notified, phase.load(SeqCst)));
        });
        // Each check waits for at least the expected wake-ups, then sees
        // that no more come; it is asserted only once every waiter is out.
        let mut checks = Vec::new();
        for (now, notify, expected) in [(1, 3, (3, 0)), (2, 5, (5, 3))] {
            notify_in_phase(now, &|cond| cond.notify(notify).unwrap());
            wait_until(|| counts().0 >= expected.0 && counts().1 >= expected.1);
            drop(cond.lock()); // the last to push holds the lock until it waits again
            checks.push((notify, stays(CHANCES, || counts() == expected)));
        }
        notify_in_phase(3, &|cond| cond.notify_all().unwrap());
        checks
    });
    assert_eq!(checks, [(3, Ok(())), (5, Ok(()))], "notify(n) woke exactly n");
    let (mut first, mut second) = (first.into_inner(), second.into_inner());
    first.sort();
    second.sort();
    assert_eq!(first, [(true, 1), (true, 1), (true, 1), (true, 2), (true, 2)]);
    assert_eq!(second, [(true, 2), (true, 2), (true, 2), (true, 3), (true, 3)]);
}

// CPython: lock_tests.ConditionTests.test_notify
#[test]
fn notify() {
    let cond = Condition::new();
    check_notify(&cond);
    check_notify(&cond); // the same condition again
    assert!(!cond.locked());
}

// CPython: lock_tests.ConditionTests.test_timeout
#[test]
fn timeout() {
    let cond = Condition::new();
    bunch(
        5,
        |_| {
            let mut held = cond.lock();
            let start = Instant::now();
            let notified = held.wait_timeout(Duration::from_millis(500));
            let waited = start.elapsed();
            assert!(!notified, "nobody notifies: no spurious wake-up");
            assert!(cond.is_owned(), "the lock is held again after a timeout");
            // CPython's assertTimeout lower bound: 0.6 * the timeout.
            assert!(waited >= Duration::from_millis(300), "gave up after {waited:?}");
        },
        |_| (),
    );
    assert!(!cond.locked());
}

// CPython: lock_tests.ConditionTests.test_waitfor (lockstep: also with a
// huge timeout, which means no limit)
#[test]
fn waitfor() {
    for timeout in [None, Some(Duration::MAX)] {
        let cond = Condition::new();
        let (state, looks) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let (holding, is_holding) = mpsc::channel();
        let predicate = || {
            looks.fetch_add(1, SeqCst);
            state.load(SeqCst) == 4
        };
        thread::scope(|s| {
            let waiter = s.spawn(|| {
                let mut held = cond.lock();
                holding.send(()).unwrap();
                (held.wait_for(predicate, timeout), state.load(SeqCst))
            });
            is_holding.recv().unwrap();
            for _ in 0..4 {
                let held = cond.lock(); // the waiter is queued by now
                state.fetch_add(1, SeqCst);
                held.notify(1);
            }
            assert_eq!(waiter.join().unwrap(), (true, 4));
        });
        assert!(looks.load(SeqCst) >= 2, "looked first, and again after a wake-up");
    }
}

// CPython: lock_tests.ConditionTests.test_waitfor_timeout
#[test]
fn waitfor_timeout() {
    let cond = Condition::new();
    let state = AtomicUsize::new(0);
    let (holding, is_holding) = mpsc::channel();
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            cond.acquire();
            holding.send(()).unwrap();
            let start = Instant::now();
            let result = cond.wait_for(|| state.load(SeqCst) == 4, Some(Duration::from_millis(100)));
            let waited = start.elapsed();
            cond.release().unwrap();
            (result, waited)
        });
        is_holding.recv().unwrap();
        for _ in 0..3 {
            let held = cond.lock();
            state.fetch_add(1, SeqCst);
            held.notify(1);
        }
        let (result, waited) = waiter.join().unwrap();
        assert_eq!(result, Ok(false), "the predicate never held");
        // CPython's assertTimeout lower bound: 0.6 * the timeout.
        assert!(waited >= Duration::from_millis(60), "gave up after {waited:?}");
    });
}

// lockstep: CPYTHON.md section 5, notify(n) wakes the n longest-waiting
#[test]
fn notify_wakes_the_longest_waiting_first() {
    let cond = &Condition::new();
    let woken = Mutex::new(Vec::new());
    let woken_sorted = || {
        let mut woken = woken.lock().clone();
        woken.sort();
        woken
    };
    let seen = thread::scope(|s| {
        let woken = &woken;
        queue_waiters(s, cond, 5, move |index| {
            assert_eq!(cond.wait_timeout(LONG), Ok(true));
            woken.lock().push(index);
        });
        let mut seen = Vec::new();
        for n in [2, 1, 0] {
            cond.lock().notify(n);
            let expected = seen.last().map_or(0, |(_, woken): &(usize, Vec<usize>)| woken.len()) + n;
            wait_until(|| woken.lock().len() >= expected);
            let stable = stays(CHANCES, || woken.lock().len() == expected);
            seen.push((n, if stable.is_ok() { woken_sorted() } else { Vec::new() }));
        }
        cond.lock().notify_all(); // before asserting: no waiter is left behind
        seen
    });
    let expected = [(2, vec![0, 1]), (1, vec![0, 1, 2]), (0, vec![0, 1, 2])];
    assert_eq!(seen, expected, "notify(n) woke exactly the n oldest");
    assert_eq!(woken_sorted(), [0, 1, 2, 3, 4]);
}

// lockstep: CPYTHON.md section 5, notify with no waiters is a no-op: it is
// not remembered for a later waiter (no spurious "notified")
#[test]
fn notify_with_nobody_waiting_is_not_remembered() {
    let cond = Condition::new();
    let mut held = cond.lock();
    held.notify(1);
    held.notify(usize::MAX);
    held.notify_all();
    let start = Instant::now();
    assert!(!held.wait_timeout(Duration::from_millis(50)), "the earlier notifies are gone");
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert_eq!(cond.wait_timeout(Duration::ZERO), Ok(false), "a zero timeout only polls");
    assert!(cond.is_owned());
}

// lockstep: CPYTHON.md section 5, wait on a recursively held lock releases
// every level and restores the count
#[test]
fn wait_restores_the_recursion_count() {
    let cond = Condition::new();
    for _ in 0..3 {
        cond.acquire();
    }
    thread::scope(|s| {
        // Can take the lock only once the main thread's wait released all
        // three levels.
        s.spawn(|| {
            let held = cond.rlock().try_lock_for(LONG).expect("wait released every level");
            assert_eq!(cond.rlock().recursion_count(), 1);
            cond.notify(1).unwrap();
            drop(held);
        });
        assert_eq!(cond.wait_timeout(LONG), Ok(true));
    });
    assert_eq!(cond.rlock().recursion_count(), 3, "the depth came back");
    for _ in 0..3 {
        cond.release().unwrap();
    }
    assert!(!cond.locked());
}

// lockstep: a notified waiter returns only once it holds the lock again
#[test]
fn notified_waiter_returns_with_the_lock() {
    let cond = Condition::new();
    let returned = AtomicBool::new(false);
    let (holding, is_holding) = mpsc::channel();
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            let mut held = cond.lock();
            holding.send(()).unwrap();
            let notified = held.wait_timeout(LONG);
            returned.store(true, SeqCst);
            (notified, cond.is_owned())
        });
        is_holding.recv().unwrap();
        let held = cond.lock();
        held.notify(1);
        let kept_out = stays(CHANCES, || !returned.load(SeqCst));
        drop(held);
        assert_eq!(kept_out, Ok(()), "the waiter waited for the lock");
        assert_eq!(waiter.join().unwrap(), (true, true));
    });
}

// lockstep: CPYTHON.md section 5, wait_for returns the predicate's value
// and checks it before waiting (also without the lock, as Python does)
#[test]
fn wait_for_checks_the_predicate_first() {
    let cond = Condition::new();
    let mut looks = 0;
    let looked_true = || {
        looks += 1;
        true
    };
    assert_eq!(cond.wait_for(looked_true, None), Ok(true));
    assert_eq!(looks, 1, "true at once: no wait, no second look");
    let mut held = cond.lock();
    assert!(held.wait_for(|| true, Some(Duration::ZERO)));
    assert!(!held.wait_for(|| false, Some(Duration::ZERO)));
}

// lockstep: wait_for looks at the predicate once more after its timeout
// (Python: `self.wait(waittime); result = predicate()`)
#[test]
fn wait_for_looks_once_more_after_the_timeout() {
    let cond = Condition::new();
    let mut held = cond.lock();
    let mut looks = 0;
    let start = Instant::now();
    let result = held.wait_for(
        || {
            looks += 1;
            looks == 2 // false before the wait, true after it timed out
        },
        Some(Duration::from_millis(20)),
    );
    assert!(start.elapsed() >= Duration::from_millis(12));
    assert_eq!((result, looks), (true, 2));
}

// lockstep: `Debug` shows the waiters, like Python's repr
#[test]
fn repr_counts_waiters() {
    static COND: Condition = Condition::new(); // `const fn new`
    assert!(format!("{COND:?}").contains("waiters: 0"));
    thread::scope(|s| {
        queue_waiters(s, &COND, 2, |_| assert_eq!(COND.wait_timeout(LONG), Ok(true)));
        let held = COND.lock();
        assert!(format!("{COND:?}").contains("waiters: 2"), "{COND:?}");
        held.notify_all();
    });
    assert!(format!("{COND:?}").contains("waiters: 0"));
}
