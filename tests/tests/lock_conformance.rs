//! CPython's lock conformance tests, ported to `lockstep::{Lock, RLock}`.
//!
//! Provenance: `Lib/test/lock_tests.py` of CPython 3.14.2 (classes
//! `BaseLockTests`, `LockTests`, `RLockTests`), plus
//! `test_releasing_unacquired_lock` from `Lib/test/test_threading.py`; see
//! `shared/CPYTHON.md` section 2. Each test names the CPython test it ports.
//! `BaseLockTests` run on both `Lock` and `RLock` (modules `base_lock` and
//! `base_rlock`) through the `PyLock` trait, as CPython runs them on both.
//!
//! Not ported, because Rust makes them impossible or meaningless:
//! `test_constructor_noargs` (arity is checked by the compiler),
//! `test_weakref_exists`/`test_weakref_deleted` (no GC or weak references to
//! a plain value), the `ValueError`/`OverflowError` parts of `test_timeout`
//! (a `Duration` is never negative, and huge ones mean "wait forever"),
//! `test_at_fork_reinit` (no `fork` API), and
//! `RLockTests.test_release_save_unacquired` (`_release_save` is Condition's
//! private API, not part of lockstep's contract).
//!
//! CPython orders threads with sleeps (`wait_threads_blocked`); these tests
//! use barriers, channels and atomics instead (see `lockstep_tests`).

use lockstep::{Lock, RLock, ReleaseError};
use lockstep_tests::stays;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How many yields a "nothing happens while it is held" check lasts.
const CHANCES: usize = 1_000;

// `BaseLockTests`, generic over `PyLock` (a directory of its own so that
// Cargo does not build it as a separate test).
#[path = "lock_conformance/base.rs"]
mod base;

/// Runs every `BaseLockTests` test in `mod base` on both lock types.
macro_rules! base_lock_tests {
    ($($test:ident),* $(,)?) => {
        mod base_lock {
            $(#[test]
            fn $test() {
                super::base::$test::<lockstep::Lock>();
            })*
        }
        mod base_rlock {
            $(#[test]
            fn $test() {
                super::base::$test::<lockstep::RLock>();
            })*
        }
    };
}
base_lock_tests!(
    constructor,
    repr,
    locked_repr,
    acquire_destroy,
    acquire_release,
    try_acquire,
    try_acquire_contended,
    acquire_contended,
    with,
    thread_leak,
    timeout,
    timeout_max_waits_forever,
);

// CPython: lock_tests.BaseLockTests.test_constructor (Rust: `const fn new`
// makes both lock types usable as statics)
#[test]
fn constructors_are_const() {
    static LOCK: Lock = Lock::new();
    static RLOCK: RLock = RLock::named("static");
    assert!(LOCK.try_acquire() && RLOCK.try_acquire());
    assert!(LOCK.release().is_ok() && RLOCK.release().is_ok());
    assert!(!LOCK.locked() && !RLOCK.locked());
}

// -------------------------------------------------------------------- LockTests

// CPython: lock_tests.LockTests.test_reacquire
#[test]
fn lock_reacquire() {
    let lock = Lock::new();
    let phase = AtomicUsize::new(0);
    let (first_done, after_first) = mpsc::channel();
    thread::scope(|s| {
        let twice = s.spawn(|| {
            lock.acquire();
            phase.store(1, SeqCst);
            first_done.send(()).unwrap();
            lock.acquire(); // not re-entrant: waits for a release
            phase.store(2, SeqCst);
        });
        after_first.recv().unwrap();
        let blocked = stays(CHANCES, || phase.load(SeqCst) == 1);
        lock.release().unwrap(); // releases the other thread's acquisition
        twice.join().unwrap();
        assert_eq!(blocked, Ok(()), "the second acquire blocked until the release");
    });
    assert_eq!(phase.load(SeqCst), 2);
    assert!(lock.locked(), "held by the second acquire");
    lock.release().unwrap();
}

// CPython: lock_tests.LockTests.test_different_thread
#[test]
fn lock_different_thread() {
    let lock = Lock::new();
    lock.acquire();
    thread::scope(|s| {
        s.spawn(|| lock.release().unwrap());
    });
    lock.acquire();
    lock.release().unwrap();
    // The guard is not owner-bound either: it may be dropped elsewhere.
    let guard = lock.lock();
    thread::scope(|s| {
        s.spawn(move || drop(guard));
    });
    assert!(!lock.locked());
}

// CPython: lock_tests.LockTests.test_state_after_timeout (Issue #11618)
#[test]
fn lock_state_after_timeout() {
    let lock = Lock::new();
    lock.acquire();
    assert!(!lock.acquire_timeout(Duration::from_millis(10)));
    lock.release().unwrap();
    assert!(!lock.locked());
    assert!(lock.try_acquire());
}

// CPython: test_threading.ThreadTests.test_releasing_unacquired_lock
#[test]
fn lock_release_unacquired() {
    let lock = Lock::new();
    let error = lock.release().unwrap_err();
    assert_eq!(error, ReleaseError::Unlocked);
    assert_eq!(error.to_string(), "release unlocked lock");
    assert!(!lock.locked(), "the failed release changed nothing");
    assert!(lock.try_acquire());
    lock.release().unwrap();
    assert_eq!(lock.release(), Err(ReleaseError::Unlocked), "one release per acquire");
}

// ------------------------------------------------------------------- RLockTests

/// One step of a single-thread RLock script.
type Step = fn(&RLock);
const ACQUIRE: Step = RLock::acquire;
const RELEASE: Step = |rlock| rlock.release().expect("the owner releases");

/// What `observe` says before the script and after each of its steps.
fn trace<T>(rlock: &RLock, script: &[Step], observe: fn(&RLock) -> T) -> Vec<T> {
    let mut seen = vec![observe(rlock)];
    for step in script {
        step(rlock);
        seen.push(observe(rlock));
    }
    seen
}

// CPython: lock_tests.RLockTests.test_repr_count (gh-134322; `Debug`)
#[test]
fn rlock_repr_count() {
    let rlock = RLock::new();
    let shown = format!("{rlock:?}");
    assert!(shown.contains("count: 0") && shown.contains("locked: false"), "{shown}");
    rlock.acquire();
    rlock.acquire();
    let here = format!("{rlock:?}");
    let there = thread::scope(|s| s.spawn(|| format!("{rlock:?}")).join().unwrap());
    for shown in [here, there] {
        assert!(shown.contains("count: 2") && shown.contains("locked: true"), "{shown}");
    }
    rlock.release().unwrap();
    rlock.release().unwrap();
}

// CPython: lock_tests.RLockTests.test_reacquire
#[test]
fn rlock_reacquire() {
    let rlock = RLock::new();
    let script = [ACQUIRE, ACQUIRE, RELEASE, ACQUIRE, RELEASE, RELEASE];
    assert_eq!(trace(&rlock, &script, RLock::recursion_count), [0, 1, 2, 1, 2, 1, 0]);
    assert!(!rlock.locked());
}

// CPython: lock_tests.RLockTests.test_release_unacquired
#[test]
fn rlock_release_unacquired() {
    let rlock = RLock::new();
    let error = rlock.release().unwrap_err();
    assert_eq!(error, ReleaseError::NotOwner);
    assert_eq!(error.to_string(), "cannot release un-acquired lock");
    trace(&rlock, &[ACQUIRE, ACQUIRE, RELEASE, ACQUIRE, RELEASE, RELEASE], |_| ());
    assert_eq!(rlock.release(), Err(ReleaseError::NotOwner));
    assert!(!rlock.locked() && rlock.recursion_count() == 0, "nothing changed");
    assert!(rlock.try_acquire());
    rlock.release().unwrap();
}

// CPython: lock_tests.RLockTests.test_locked (3.14)
#[test]
fn rlock_locked() {
    let script = [ACQUIRE, ACQUIRE, RELEASE, RELEASE];
    assert_eq!(trace(&RLock::new(), &script, RLock::locked), [false, true, true, true, false]);
}

// CPython: lock_tests.RLockTests.test_locked_with_2threads (gh-134323)
#[test]
fn rlock_locked_with_2threads() {
    let rlock = RLock::new();
    let seen = thread::scope(|s| {
        s.spawn(|| {
            let before = rlock.locked();
            rlock.acquire(); // and never released: the thread exits owning it
            (before, rlock.locked())
        })
        .join()
        .unwrap()
    });
    assert_eq!(seen, (false, true));
    assert!(rlock.locked(), "the main thread sees it held too");
    assert!(!rlock.is_owned() && rlock.recursion_count() == 0);
    assert_eq!(rlock.release(), Err(ReleaseError::NotOwner));
    // Thread ids are never reused: a new thread is not the dead owner.
    thread::scope(|s| {
        s.spawn(|| assert!(!rlock.is_owned() && !rlock.try_acquire()));
    });
}

// CPython: lock_tests.RLockTests.test_recursion_count
#[test]
fn rlock_recursion_count() {
    let rlock = &RLock::new();
    let script = [ACQUIRE, ACQUIRE, ACQUIRE, RELEASE, RELEASE, RELEASE];
    assert_eq!(trace(rlock, &script, RLock::recursion_count), [0, 1, 2, 3, 2, 1, 0]);
    thread::scope(|s| {
        // Made in the scope, so a failing assertion drops `done` and
        // the holder ends instead of waiting forever.
        let (ready, is_ready) = mpsc::channel();
        let (done, is_done) = mpsc::channel::<()>();
        let holder = s.spawn(move || {
            rlock.acquire();
            assert_eq!(rlock.recursion_count(), 1);
            ready.send(()).unwrap();
            is_done.recv().unwrap();
            rlock.release().unwrap();
        });
        is_ready.recv().unwrap();
        assert_eq!(rlock.recursion_count(), 0, "0 while another thread holds it");
        done.send(()).unwrap();
        holder.join().unwrap();
    });
    assert_eq!(rlock.recursion_count(), 0);
}

// CPython: lock_tests.RLockTests.test_different_thread
#[test]
fn rlock_different_thread() {
    let rlock = &RLock::new();
    thread::scope(|s| {
        // Made in the scope: see `rlock_recursion_count`.
        let (holding, is_holding) = mpsc::channel();
        let (may_exit, exit_now) = mpsc::channel::<()>();
        let holder = s.spawn(move || {
            rlock.acquire();
            holding.send(()).unwrap();
            exit_now.recv().unwrap(); // CPython's wait_before_exit
            let still_mine = (rlock.is_owned(), rlock.recursion_count());
            rlock.release().unwrap();
            still_mine
        });
        is_holding.recv().unwrap();
        let error = rlock.release().unwrap_err();
        assert_eq!(error, ReleaseError::NotOwner);
        assert_eq!(error.to_string(), "cannot release un-acquired lock");
        assert!(rlock.locked(), "the failed release changed nothing");
        may_exit.send(()).unwrap();
        assert_eq!(holder.join().unwrap(), (true, 1), "the holder still owns it once");
    });
    assert!(!rlock.locked());
}

// CPython: lock_tests.RLockTests.test__is_owned
#[test]
fn rlock_is_owned() {
    let rlock = RLock::new();
    let owned = |rlock: &RLock| {
        let elsewhere = thread::scope(|s| s.spawn(|| rlock.is_owned()).join().unwrap());
        assert!(!elsewhere, "never owned by another thread");
        rlock.is_owned()
    };
    let script = [ACQUIRE, ACQUIRE, RELEASE, RELEASE];
    assert_eq!(trace(&rlock, &script, owned), [false, true, true, true, false]);
}

// CPython: shared/CPYTHON.md section 6, item 2 (the two RuntimeError messages)
#[test]
fn release_errors_are_std_errors_with_pythons_messages() {
    let errors: [Box<dyn std::error::Error + Send + Sync>; 2] =
        [Lock::new().release().unwrap_err().into(), RLock::new().release().unwrap_err().into()];
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages, ["release unlocked lock", "cannot release un-acquired lock"]);
    assert!(errors.iter().all(|error| error.source().is_none()));
}
