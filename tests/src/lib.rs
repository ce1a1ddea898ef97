//! Helpers shared by lockstep's cross-crate test suites (see `tests/`).
//!
//! - [`bunch`]: CPython's `lock_tests.Bunch`: start N worker threads, wait
//!   until all have started, let the test's main thread act, then join them
//!   all and re-raise any panic.
//! - [`stays`] and [`assert_stays`]: CPython's `wait_threads_blocked`
//!   without the sleep: give other threads many chances to run while a
//!   condition must keep holding.
//! - [`PyLock`]: the API that `Lock` and `RLock` share, so one generic test
//!   runs on both (as CPython runs `BaseLockTests` on every lock type).
//!
//! Nothing here sleeps: threads are ordered with [`Barrier`]s, channels and
//! atomics only (house rule: never sleep to order threads in a test).
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use lockstep::{Lock, LockGuard, RLock, RLockGuard, ReleaseError};
use std::any::Any;
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Barrier;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::thread;
use std::time::Duration;

/// What the main closure of a [`bunch`] can observe about its workers.
#[derive(Debug)]
pub struct Progress<'a> {
    finished: &'a AtomicUsize,
}

impl Progress<'_> {
    /// How many workers have returned from their closure so far (CPython's
    /// `len(bunch.finished)`). A snapshot: it may grow at once.
    ///
    /// ```
    /// lockstep_tests::bunch(2, |_| {}, |progress| assert!(progress.finished() <= 2));
    /// ```
    pub fn finished(&self) -> usize {
        // SeqCst: a test helper, clarity over speed.
        self.finished.load(SeqCst)
    }
}

/// Runs `worker(index)` on `workers` new threads (`index` in `0..workers`)
/// and `main` on the calling thread, CPython's `lock_tests.Bunch`.
///
/// `main` starts only once every worker thread is running (all of them and
/// the caller meet at a [`Barrier`] just before the workers call `worker`).
/// When `main` returns, every worker is joined; the first panic, from `main`
/// or else from a worker, is re-raised (CPython 3.13's `Bunch` re-raises
/// worker exceptions too), otherwise `main`'s result is returned.
///
/// Workers are joined even when `main` panics, so a `main` that holds
/// something the workers wait for must release it on unwind too: hold it in
/// a guard that `main` owns, not with a bare `acquire`.
///
/// ```
/// use lockstep::Lock;
/// use lockstep_tests::bunch;
///
/// let lock = Lock::new();
/// let held = lock.lock();
/// let total = bunch(
///     3,
///     |_| drop(lock.lock()),
///     move |progress| {
///         let none_yet = progress.finished();
///         drop(held); // lets the workers through
///         none_yet
///     },
/// );
/// assert_eq!(total, 0);
/// assert!(!lock.locked());
/// ```
pub fn bunch<W, M, R>(workers: usize, worker: W, main: M) -> R
where
    W: Fn(usize) + Sync,
    M: FnOnce(&Progress<'_>) -> R,
{
    let started = Barrier::new(workers + 1);
    let finished = AtomicUsize::new(0);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|index| {
                let (started, finished, worker) = (&started, &finished, &worker);
                scope.spawn(move || {
                    started.wait();
                    worker(index);
                    finished.fetch_add(1, SeqCst);
                })
            })
            .collect();
        started.wait();
        let progress = Progress { finished: &finished };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| main(&progress)));
        let mut worker_panic: Option<Box<dyn Any + Send>> = None;
        for handle in handles {
            if let Err(payload) = handle.join() {
                worker_panic.get_or_insert(payload);
            }
        }
        match (outcome, worker_panic) {
            (Err(payload), _) | (Ok(_), Some(payload)) => panic::resume_unwind(payload),
            (Ok(result), None) => result,
        }
    })
}

/// Whether `condition()` is true now and stays true while the calling
/// thread yields `rounds` times, giving other threads the chance to break
/// it: `Ok(())`, or `Err(yields)` with the number of yields after which it
/// was first seen false.
///
/// This replaces CPython's `wait_threads_blocked` (a 10 ms sleep per thread)
/// without any timing: it can only fail if the condition really turns
/// false, never because a machine is slow. A correct implementation always
/// passes; a broken one is caught with high probability, not certainty.
///
/// Use it instead of [`assert_stays`] when other threads must be let go
/// before the test may panic (else a failing test would hang, not fail).
///
/// ```
/// assert_eq!(lockstep_tests::stays(100, || true), Ok(()));
/// let mut calls = 0;
/// let fifth_call_fails = || {
///     calls += 1;
///     calls < 5
/// };
/// assert_eq!(lockstep_tests::stays(100, fifth_call_fails), Err(4));
/// ```
pub fn stays(rounds: usize, mut condition: impl FnMut() -> bool) -> Result<(), usize> {
    for yields in 0..=rounds {
        if !condition() {
            return Err(yields);
        }
        thread::yield_now();
    }
    Ok(())
}

/// Asserts that `condition()` is true now and stays true while the calling
/// thread yields `rounds` times: [`stays`], panicking when it does not.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
/// let flag = AtomicBool::new(false);
/// lockstep_tests::assert_stays(100, "the flag stays down", || !flag.load(SeqCst));
/// ```
///
/// # Panics
/// When `condition()` returns false; the message names `what` and the
/// number of yields before.
pub fn assert_stays(rounds: usize, what: &str, condition: impl FnMut() -> bool) {
    if let Err(yields) = stays(rounds, condition) {
        panic!("expected that {what}, but it changed after {yields} yields");
    }
}

/// The message of a panic payload caught by `catch_unwind` or `join`, for
/// asserting which panic propagated.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
/// assert_eq!(lockstep_tests::panic_message(&*payload), "boom 1");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "<non-string panic payload>"
    }
}

/// The methods `Lock` and `RLock` share (API.md: "same ten methods"), so a
/// test written once runs on both, like CPython's `BaseLockTests`.
///
/// ```
/// use lockstep::{Lock, RLock};
/// use lockstep_tests::PyLock;
///
/// fn released_on_drop<L: PyLock>() {
///     let lock = L::new();
///     drop(lock.lock());
///     assert!(!lock.locked());
/// }
/// released_on_drop::<Lock>();
/// released_on_drop::<RLock>();
/// ```
pub trait PyLock: Send + Sync + Debug + Default {
    /// `LockGuard` or `RLockGuard`.
    type Guard<'a>
    where
        Self: 'a;
    /// `Lock::new` / `RLock::new`.
    fn new() -> Self;
    /// `Lock::named` / `RLock::named`.
    fn named(name: &'static str) -> Self;
    /// The name given to `named`.
    fn name(&self) -> Option<&'static str>;
    /// Python's `acquire()`.
    fn acquire(&self);
    /// Python's `acquire(blocking=False)`.
    fn try_acquire(&self) -> bool;
    /// Python's `acquire(timeout=t)`.
    fn acquire_timeout(&self, timeout: Duration) -> bool;
    /// Python's `release()`.
    fn release(&self) -> Result<(), ReleaseError>;
    /// Python's `locked()`.
    fn locked(&self) -> bool;
    /// Python's `with lock:`.
    fn lock(&self) -> Self::Guard<'_>;
    /// A guard if the lock can be taken now.
    fn try_lock(&self) -> Option<Self::Guard<'_>>;
    /// A guard if the lock can be taken within `timeout`.
    fn try_lock_for(&self, timeout: Duration) -> Option<Self::Guard<'_>>;
}

macro_rules! impl_py_lock {
    ($lock:ident, $guard:ident) => {
        impl PyLock for $lock {
            type Guard<'a> = $guard<'a>;
            fn new() -> Self {
                $lock::new()
            }
            fn named(name: &'static str) -> Self {
                $lock::named(name)
            }
            fn name(&self) -> Option<&'static str> {
                $lock::name(self)
            }
            fn acquire(&self) {
                $lock::acquire(self)
            }
            fn try_acquire(&self) -> bool {
                $lock::try_acquire(self)
            }
            fn acquire_timeout(&self, timeout: Duration) -> bool {
                $lock::acquire_timeout(self, timeout)
            }
            fn release(&self) -> Result<(), ReleaseError> {
                $lock::release(self)
            }
            fn locked(&self) -> bool {
                $lock::locked(self)
            }
            fn lock(&self) -> $guard<'_> {
                $lock::lock(self)
            }
            fn try_lock(&self) -> Option<$guard<'_>> {
                $lock::try_lock(self)
            }
            fn try_lock_for(&self, timeout: Duration) -> Option<$guard<'_>> {
                $lock::try_lock_for(self, timeout)
            }
        }
    };
}
impl_py_lock!(Lock, LockGuard);
impl_py_lock!(RLock, RLockGuard);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bunch_runs_every_worker_once() {
        let runs = AtomicUsize::new(0);
        let seen = bunch(
            7,
            |index| {
                runs.fetch_add(1 << (index * 4), SeqCst);
            },
            |_| "main's result",
        );
        assert_eq!(seen, "main's result");
        assert_eq!(runs.load(SeqCst), 0x111_1111);
    }

    #[test]
    fn bunch_reraises_a_worker_panic() {
        let payload = panic::catch_unwind(|| {
            bunch(3, |index| assert_ne!(index, 1, "worker one fails"), |_| ());
        })
        .unwrap_err();
        assert!(panic_message(&*payload).contains("worker one fails"));
    }

    #[test]
    fn bunch_reraises_mains_panic_after_joining() {
        let finished = AtomicUsize::new(0);
        let payload = panic::catch_unwind(AssertUnwindSafe(|| {
            bunch(
                2,
                |_| {
                    finished.fetch_add(1, SeqCst);
                },
                |_| panic!("main fails"),
            );
        }))
        .unwrap_err();
        assert_eq!(panic_message(&*payload), "main fails");
        assert_eq!(finished.load(SeqCst), 2, "workers were joined first");
    }

    #[test]
    fn assert_stays_catches_a_change() {
        let mut calls = 0;
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            assert_stays(10, "calls stay below 3", || {
                calls += 1;
                calls < 3
            });
        }));
        assert!(result.is_err());
    }
}
