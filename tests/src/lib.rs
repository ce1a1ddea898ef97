//! Helpers shared by lockstep's cross-crate test suites (see `tests/`).
//!
//! - [`bunch`]: CPython's `lock_tests.Bunch`: start N worker threads, wait
//!   until all have started, let the test's main thread act, then join them
//!   all and re-raise any panic.
//! - [`stays`] and [`assert_stays`]: CPython's `wait_threads_blocked`
//!   without the sleep: give other threads many chances to run while a
//!   condition must keep holding.
//! - [`wait_until`]: yield until a condition holds (a polling loop on
//!   observable state, never a sleep).
//! - [`ThreadWatch`] and [`spawn_blocked`] (Linux): whether another thread
//!   is blocked in the kernel, read from `/proc`. The only way to know that
//!   a thread is parked in a primitive whose API does not show its waiters
//!   (`Semaphore`, `Event`), so that tests can queue waiters one by one, and
//!   see that a waiter was not woken.
//! - [`PyLock`]: the API that `Lock` and `RLock` share, so one generic test
//!   runs on both (as CPython runs `BaseLockTests` on every lock type).
//! - [`PySemaphore`]: the same for `Semaphore` and `BoundedSemaphore`
//!   (CPython's `BaseSemaphoreTests`).
//!
//! Nothing here sleeps: threads are ordered with [`Barrier`]s, channels,
//! atomics and the kernel's view of a thread only (house rule: never sleep
//! to order threads in a test).
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use lockstep::{BoundedSemaphore, Semaphore, SemaphorePermit};
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

/// Yields until `condition()` is true: a polling loop on observable state,
/// for a test that must not go on before another thread has made progress.
/// It never times out: a broken primitive makes the test hang, rather than
/// a slow machine making it fail.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
/// let done = AtomicBool::new(false);
/// std::thread::scope(|s| {
///     s.spawn(|| done.store(true, SeqCst));
///     lockstep_tests::wait_until(|| done.load(SeqCst));
/// });
/// ```
pub fn wait_until(mut condition: impl FnMut() -> bool) {
    while !condition() {
        thread::yield_now();
    }
}

/// One thread's scheduler state as Linux shows it in
/// `/proc/self/task/<tid>/status`: the only outside view of whether a thread
/// is parked inside a primitive that does not count its waiters.
///
/// A thread creates its watch with [`current`](ThreadWatch::current) and
/// hands it to the test's main thread (over a channel, say) just before it
/// calls the blocking method; [`until_blocked`](ThreadWatch::until_blocked)
/// then returns once the thread sleeps in the kernel and stays asleep. For
/// lockstep's primitives that means it is queued in the parking lot, since
/// a thread sleeps only after it has joined the queue.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone)]
pub struct ThreadWatch {
    /// `/proc/<pid>/task/<tid>`.
    task: std::path::PathBuf,
}

#[cfg(target_os = "linux")]
impl ThreadWatch {
    /// How many yields a thread must stay asleep, never woken, to count as
    /// blocked (a brief sleep on some inner lock ends long before).
    const ASLEEP_FOR: usize = 200;

    /// A watch on the calling thread.
    ///
    /// ```
    /// let watch = lockstep_tests::ThreadWatch::current();
    /// assert_eq!(watch.state(), Some('R'), "the caller is running");
    /// ```
    ///
    /// # Panics
    /// If `/proc` is not mounted.
    pub fn current() -> ThreadWatch {
        // A relative link: "<pid>/task/<tid>".
        let task = std::fs::read_link("/proc/thread-self").expect("/proc is mounted");
        ThreadWatch { task: std::path::Path::new("/proc").join(task) }
    }

    /// The status file's `key:` line, without the key; `None` once the
    /// thread has exited.
    fn field(&self, key: &str) -> Option<String> {
        let status = std::fs::read_to_string(self.task.join("status")).ok()?;
        let line = status.lines().find_map(|line| line.strip_prefix(key))?;
        Some(line.trim().to_owned())
    }

    /// The thread's state letter (`'R'` running, `'S'` asleep in the kernel,
    /// ...), or `None` once it has exited.
    pub fn state(&self) -> Option<char> {
        self.field("State:")?.chars().next()
    }

    /// How many times the thread has blocked so far (its voluntary context
    /// switches), or `None` once it has exited. A parked thread's count
    /// stays put; every wake-up and sleep again adds one.
    ///
    /// ```
    /// let watch = lockstep_tests::ThreadWatch::current();
    /// assert!(watch.times_blocked().is_some());
    /// ```
    pub fn times_blocked(&self) -> Option<u64> {
        self.field("voluntary_ctxt_switches:")?.parse().ok()
    }

    /// Whether the thread is asleep now with `times_blocked` equal to
    /// `count` (that is, it has not been woken since `count` was read).
    pub fn still_asleep(&self, count: u64) -> bool {
        self.state() == Some('S') && self.times_blocked() == Some(count)
    }

    /// Yields until the thread is asleep in the kernel and stays asleep,
    /// not woken once, while the caller yields 200 times. `true` then, or
    /// `false` if the thread exited instead (it never blocked).
    ///
    /// ```
    /// use std::sync::mpsc;
    /// let (watch_tx, watch_rx) = mpsc::channel();
    /// let (go, wait_for_go) = mpsc::channel::<()>();
    /// std::thread::scope(|s| {
    ///     s.spawn(move || {
    ///         watch_tx.send(lockstep_tests::ThreadWatch::current()).unwrap();
    ///         wait_for_go.recv().unwrap(); // blocks here
    ///     });
    ///     assert!(watch_rx.recv().unwrap().until_blocked());
    ///     go.send(()).unwrap();
    /// });
    /// ```
    pub fn until_blocked(&self) -> bool {
        loop {
            match (self.state(), self.times_blocked()) {
                (Some('S'), Some(count)) => {
                    if stays(Self::ASLEEP_FOR, || self.still_asleep(count)).is_ok() {
                        return true;
                    }
                }
                (Some('Z' | 'X'), _) | (None, _) | (_, None) => return false,
                _ => thread::yield_now(),
            }
        }
    }
}

/// A thread started by [`spawn_blocked`]: its handle, and its watch.
#[cfg(target_os = "linux")]
#[derive(Debug)]
pub struct BlockedThread<'scope, T> {
    handle: thread::ScopedJoinHandle<'scope, T>,
    watch: ThreadWatch,
}

#[cfg(target_os = "linux")]
impl<T> BlockedThread<'_, T> {
    /// Waits for the thread to finish, as `ScopedJoinHandle::join`.
    pub fn join(self) -> thread::Result<T> {
        self.handle.join()
    }

    /// The thread's [`ThreadWatch`], e.g. to check that it was not woken.
    pub fn watch(&self) -> &ThreadWatch {
        &self.watch
    }
}

/// Runs `blocking` on a new thread of `scope` and returns once the thread
/// is blocked inside `blocking` (see [`ThreadWatch::until_blocked`]). Call
/// it once per waiter to queue waiters in a known order: each is parked
/// before the next one starts.
///
/// ```
/// use lockstep::Semaphore;
/// let sem = Semaphore::new(0);
/// std::thread::scope(|s| {
///     let waiter = lockstep_tests::spawn_blocked(s, || sem.acquire());
///     sem.release(); // the waiter is parked: this release wakes it
///     waiter.join().unwrap();
/// });
/// assert_eq!(sem.value(), 0);
/// ```
///
/// # Panics
/// If the thread finished `blocking` without ever blocking in it.
#[cfg(target_os = "linux")]
pub fn spawn_blocked<'scope, T: Send + 'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    blocking: impl FnOnce() -> T + Send + 'scope,
) -> BlockedThread<'scope, T> {
    let (watch_tx, watch_rx) = std::sync::mpsc::channel();
    let handle = scope.spawn(move || {
        watch_tx.send(ThreadWatch::current()).expect("the spawner waits for the watch");
        blocking()
    });
    let watch = watch_rx.recv().expect("the thread sends its watch first");
    assert!(watch.until_blocked(), "the thread returned without blocking");
    BlockedThread { handle, watch }
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

/// The methods `Semaphore` and `BoundedSemaphore` share (API.md), so a test
/// written once runs on both, like CPython's `BaseSemaphoreTests`. The
/// releases return `Result` for both: a `Semaphore`'s is always `Ok`.
///
/// ```
/// use lockstep::{BoundedSemaphore, Semaphore};
/// use lockstep_tests::PySemaphore;
///
/// fn permit_comes_back<S: PySemaphore>() {
///     let sem = S::new(1);
///     drop(sem.permit());
///     assert_eq!(sem.value(), 1);
/// }
/// permit_comes_back::<Semaphore>();
/// permit_comes_back::<BoundedSemaphore>();
/// ```
pub trait PySemaphore: Send + Sync + Debug {
    /// `Semaphore::new` / `BoundedSemaphore::new`.
    fn new(value: usize) -> Self;
    /// The most permits it may hold: `None` for `Semaphore`, the initial
    /// value for `BoundedSemaphore`.
    fn bound(&self) -> Option<usize>;
    /// Python's `acquire()`.
    fn acquire(&self);
    /// Python's `acquire(blocking=False)`.
    fn try_acquire(&self) -> bool;
    /// Python's `acquire(timeout=t)`.
    fn acquire_timeout(&self, timeout: Duration) -> bool;
    /// Python's `release()`.
    fn release(&self) -> Result<(), ReleaseError>;
    /// Python's `release(n)`.
    fn release_n(&self, n: usize) -> Result<(), ReleaseError>;
    /// The permits available now.
    fn value(&self) -> usize;
    /// Python's `with sem:`.
    fn permit(&self) -> SemaphorePermit<'_>;
    /// A permit if one is free now.
    fn try_permit(&self) -> Option<SemaphorePermit<'_>>;
    /// A permit if one can be taken within `timeout`.
    fn try_permit_for(&self, timeout: Duration) -> Option<SemaphorePermit<'_>>;
}

/// Implements `PySemaphore` for `$sem`: the shared methods here, the ones
/// that differ (`bound`, `release`, `release_n`) given as items.
macro_rules! impl_py_semaphore {
    ($sem:ident { $($differs:item)* }) => {
        impl PySemaphore for $sem {
            fn new(value: usize) -> Self {
                $sem::new(value)
            }
            fn acquire(&self) {
                $sem::acquire(self)
            }
            fn try_acquire(&self) -> bool {
                $sem::try_acquire(self)
            }
            fn acquire_timeout(&self, timeout: Duration) -> bool {
                $sem::acquire_timeout(self, timeout)
            }
            fn value(&self) -> usize {
                $sem::value(self)
            }
            fn permit(&self) -> SemaphorePermit<'_> {
                $sem::permit(self)
            }
            fn try_permit(&self) -> Option<SemaphorePermit<'_>> {
                $sem::try_permit(self)
            }
            fn try_permit_for(&self, timeout: Duration) -> Option<SemaphorePermit<'_>> {
                $sem::try_permit_for(self, timeout)
            }
            $($differs)*
        }
    };
}
impl_py_semaphore!(Semaphore {
    fn bound(&self) -> Option<usize> {
        None
    }
    fn release(&self) -> Result<(), ReleaseError> {
        Semaphore::release(self);
        Ok(())
    }
    fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        Semaphore::release_n(self, n);
        Ok(())
    }
});
impl_py_semaphore!(BoundedSemaphore {
    fn bound(&self) -> Option<usize> {
        Some(self.initial_value())
    }
    fn release(&self) -> Result<(), ReleaseError> {
        BoundedSemaphore::release(self)
    }
    fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        BoundedSemaphore::release_n(self, n)
    }
});

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

    #[cfg(target_os = "linux")]
    #[test]
    fn thread_watch_sees_an_exit_as_not_blocked() {
        let (watch_tx, watch_rx) = std::sync::mpsc::channel();
        let exited = thread::spawn(move || watch_tx.send(ThreadWatch::current()).unwrap());
        let watch = watch_rx.recv().unwrap();
        exited.join().unwrap();
        assert!(!watch.until_blocked());
        assert_eq!(watch.state(), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn thread_watch_sees_a_wake_up() {
        let (go, wait_for_go) = std::sync::mpsc::channel::<()>();
        let (again, wait_again) = std::sync::mpsc::channel::<()>();
        thread::scope(|s| {
            let (watch_tx, watch_rx) = std::sync::mpsc::channel();
            s.spawn(move || {
                watch_tx.send(ThreadWatch::current()).unwrap();
                wait_for_go.recv().unwrap();
                wait_again.recv().unwrap();
            });
            let watch = watch_rx.recv().unwrap();
            assert!(watch.until_blocked());
            let count = watch.times_blocked().unwrap();
            assert!(watch.still_asleep(count));
            go.send(()).unwrap(); // wakes it; it blocks again on `wait_again`
            assert!(watch.until_blocked());
            assert!(!watch.still_asleep(count), "woken once since");
            again.send(()).unwrap();
        });
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
