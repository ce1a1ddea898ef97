//! lockstep: Python's `threading` and `queue` primitives for Rust, with
//! Python's semantics, each model-checked with loom.
//!
//! Every type here is re-exported from its own crate; this facade is the one
//! dependency most users need.
//!
//! The contract (every name and signature users and outside suites may
//! rely on, and each divergence from Python) is `docs/API.md` in the
//! repository; `tests/tests/api_contract.rs` checks it against the code.
//! How the crates fit together: `docs/design.md`.
//!
//! # Locks
//! | lockstep | Python | crate |
//! |---|---|---|
//! | [`Lock`], [`LockGuard`] | `threading.Lock` (any thread may release) | `lockstep-lock` |
//! | [`RLock`], [`RLockGuard`] | `threading.RLock` (owned, re-entrant) | `lockstep-rlock` |
//! | [`Mutex<T>`], [`MutexGuard`] | (none: a lock that owns its data) | `lockstep-lock` |
//! | [`RawLock`] | the state machine under `Lock` and `Mutex` | `lockstep-lock` |
//! | [`ReleaseError`] | `RuntimeError` / `ValueError` from `release()` | `lockstep-sync` |
//!
//! # Signalling
//! | lockstep | Python | crate |
//! |---|---|---|
//! | [`Condition`], [`ConditionGuard`] | `threading.Condition`, `with cond:` | `lockstep-condition` |
//! | [`ConditionLock`] | the `lock` of `Condition(lock)`: `Lock` or `RLock`, owned, `&` or `Arc` | `lockstep-condition` |
//! | [`ConditionError`] | `RuntimeError` from `wait`/`notify` without the lock | `lockstep-condition` |
//! | [`Barrier`], [`BrokenBarrierError`] | `threading.Barrier`, `BrokenBarrierError` | `lockstep-condition` |
//! | [`Event`] | `threading.Event` | `lockstep-event` |
//! | [`Semaphore`], [`SemaphorePermit`] | `threading.Semaphore`, `with sem:` | `lockstep-semaphore` |
//! | [`BoundedSemaphore`] | `threading.BoundedSemaphore` | `lockstep-semaphore` |
//!
//! ```
//! use lockstep::{Lock, RLock};
//!
//! static PRINT_LOCK: Lock = Lock::named("print_lock");
//! let rlock = RLock::new();
//! {
//!     let _p = PRINT_LOCK.lock();
//!     let _a = rlock.lock();
//!     let _b = rlock.lock();
//!     assert_eq!(rlock.recursion_count(), 2);
//! }
//! assert!(!PRINT_LOCK.locked() && !rlock.locked());
//! ```
//!
//! # Queues
//! | lockstep | Python | crate |
//! |---|---|---|
//! | [`Queue`], [`LifoQueue`], [`PriorityQueue`] | `queue.Queue`, `LifoQueue`, `PriorityQueue` | `lockstep-queue` |
//! | [`SimpleQueue`] | `queue.SimpleQueue` | `lockstep-queue` |
//! | [`BaseQueue`], [`Store`] ([`Fifo`], [`Lifo`], [`Priority`]) | `queue.Queue` subclassed through `_put`/`_get`/`_qsize` | `lockstep-queue` |
//! | [`PutError`], [`GetError`], [`TaskDoneError`] | `queue.Full`/`ShutDown`, `queue.Empty`/`ShutDown`, `ValueError` | `lockstep-queue` |
//!
//! # Threads
//! | lockstep | Python | crate |
//! |---|---|---|
//! | [`Thread`] ([`thread::Thread`]) | `threading.Thread` | `lockstep-thread` |
//! | [`Timer`] ([`thread::Timer`]) | `threading.Timer` | `lockstep-thread` |
//! | [`thread::current_thread`], [`thread::main_thread`], [`thread::enumerate`], [`thread::active_count`] | the same names in `threading` | `lockstep-thread` |
//! | [`thread::set_excepthook`], [`thread::ExceptHookArgs`] | `threading.excepthook`, `ExceptHookArgs` | `lockstep-thread` |
//! | [`thread::ThreadError`] | `RuntimeError` from `start`/`join`/`daemon` | `lockstep-thread` |
//!
//! ```
//! use lockstep::Thread;
//!
//! let worker = Thread::new(|| println!("hello from {}", lockstep::thread::current_thread().name()));
//! worker.start().unwrap();
//! worker.join().unwrap();
//! assert!(!worker.is_alive());
//! ```
//!
//! # Thread pools and futures
//! | lockstep | Python | crate |
//! |---|---|---|
//! | [`Future`] ([`futures::Future`]) | `concurrent.futures.Future` | `lockstep-futures` |
//! | [`ThreadPoolExecutor`] ([`futures::ThreadPoolExecutor`]) | `concurrent.futures.ThreadPoolExecutor` | `lockstep-futures` |
//! | [`futures::wait`], [`futures::as_completed`], [`futures::ReturnWhen`] | `wait`, `as_completed`, `FIRST_COMPLETED`... | `lockstep-futures` |
//! | [`Pool`] ([`futures::Pool`]), [`futures::AsyncResult`] | `multiprocessing.pool.ThreadPool`, `AsyncResult` | `lockstep-futures` |
//!
//! ```
//! use lockstep::{Pool, ThreadPoolExecutor};
//!
//! let executor = ThreadPoolExecutor::new(2);
//! assert_eq!(*executor.submit(|| 2 + 2).unwrap().result().unwrap(), 4);
//! let pool = Pool::new(2);
//! assert_eq!(pool.map(|x: u8| x * 2, [1, 2]), Ok(vec![2, 4]));
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

#[doc(inline)]
pub use lockstep_condition::{
    Barrier, BrokenBarrierError, Condition, ConditionError, ConditionGuard, ConditionLock,
};
#[doc(inline)]
pub use lockstep_event::Event;
#[doc(inline)]
pub use lockstep_futures::{Future, Pool, ThreadPoolExecutor};
#[doc(inline)]
pub use lockstep_lock::{Lock, LockGuard, RawLock};
#[doc(inline)]
pub use lockstep_lock::{Mutex, MutexGuard};
#[doc(inline)]
pub use lockstep_queue::{
    BaseQueue, Fifo, GetError, Lifo, LifoQueue, Priority, PriorityQueue, PutError, Queue, SimpleQueue, Store,
    TaskDoneError,
};
#[doc(inline)]
pub use lockstep_rlock::{RLock, RLockGuard};
#[doc(inline)]
pub use lockstep_semaphore::{BoundedSemaphore, Semaphore, SemaphorePermit};
#[doc(inline)]
pub use lockstep_sync::ReleaseError;
#[doc(inline)]
pub use lockstep_thread::{Thread, Timer};

/// Python's `concurrent.futures` and `multiprocessing.pool.ThreadPool`,
/// from `lockstep-futures`.
///
/// ```
/// use lockstep::futures::{ReturnWhen, ThreadPoolExecutor, wait};
///
/// let executor = ThreadPoolExecutor::new(2);
/// let futures: Vec<_> = (0..3).map(|n| executor.submit(move || n).unwrap()).collect();
/// assert_eq!(wait(&futures, None, ReturnWhen::AllCompleted).done.len(), 3);
/// ```
pub mod futures {
    pub use lockstep_futures::{
        AsCompleted, AsyncResult, DoneAndNotDone, ExecutorBuilder, Future, FutureError, InvalidStateError,
        Map, NotReady, Panic, Pool, PoolError, ReturnWhen, SubmitError, ThreadPoolExecutor, TimeoutError,
        as_completed, wait,
    };
}

/// Python's `threading.Thread` and `threading.Timer`, and the functions
/// around them (`current_thread`, `enumerate`, ...), from `lockstep-thread`.
///
/// ```
/// use lockstep::thread::{Thread, active_count, current_thread};
///
/// assert_eq!(current_thread().name(), lockstep::thread::main_thread().name());
/// let thread = Thread::named("helper", || {});
/// thread.start().unwrap();
/// thread.join().unwrap();
/// assert!(active_count() >= 1);
/// ```
pub mod thread {
    pub use lockstep_thread::{
        ExceptHookArgs, Thread, ThreadError, Timer, active_count, current_thread, enumerate, main_thread,
        print_exception, set_excepthook,
    };
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    /// The facade names are the crates' own types, not copies.
    #[test]
    fn reexports_are_the_crate_types() {
        let lock: lockstep_lock::Lock = crate::Lock::new();
        let rlock: lockstep_rlock::RLock = crate::RLock::new();
        let mutex: lockstep_lock::Mutex<u8> = crate::Mutex::new(1);
        let error: lockstep_sync::ReleaseError = lock.release().unwrap_err();
        assert_eq!(error, crate::ReleaseError::Unlocked);
        assert_eq!(rlock.release(), Err(crate::ReleaseError::NotOwner));
        assert_eq!(*mutex.lock(), 1);
        let event: lockstep_event::Event = crate::Event::new();
        assert!(!event.is_set());
        let cond: lockstep_condition::Condition = crate::Condition::new();
        assert_eq!(cond.notify(1), Err(crate::ConditionError::NotifyUnacquired));
        let barrier: lockstep_condition::Barrier = crate::Barrier::new(1);
        assert_eq!(barrier.wait(), Ok(0));
        let queue: lockstep_queue::Queue<u8> = crate::Queue::new(1);
        assert_eq!(queue.try_get(), Err(crate::GetError::Empty));
        let _: [Box<dyn std::error::Error>; 2] =
            [Box::new(crate::TaskDoneError), Box::new(crate::PutError::Full(1))];
        let _ = (
            crate::LifoQueue::<u8>::new(0),
            crate::PriorityQueue::<u8>::new(0),
            crate::SimpleQueue::<u8>::new(),
        );
        let sem: lockstep_semaphore::Semaphore = crate::Semaphore::new(1);
        let bounded: lockstep_semaphore::BoundedSemaphore = crate::BoundedSemaphore::new(1);
        let _permit: lockstep_semaphore::SemaphorePermit<'_> = sem.permit();
        assert_eq!(bounded.release(), Err(crate::ReleaseError::TooManyReleases));
        let thread: lockstep_thread::Thread = crate::Thread::new(|| {});
        let same: crate::thread::Thread = thread.clone();
        assert_eq!(thread.join(), Err(crate::thread::ThreadError::NotStarted));
        let timer: lockstep_thread::Timer = crate::thread::Timer::new(std::time::Duration::ZERO, || {});
        timer.cancel();
        let _: Box<dyn std::error::Error> = Box::new(crate::thread::ThreadError::JoinSelf);
        let _ = (same, crate::thread::enumerate(), crate::thread::active_count());
        let future: lockstep_futures::Future<u8> = crate::Future::new();
        let same: crate::futures::Future<u8> = future.clone();
        assert!(same.cancel());
        let executor: lockstep_futures::ThreadPoolExecutor = crate::futures::ThreadPoolExecutor::new(1);
        let pool: lockstep_futures::Pool = crate::futures::Pool::new(1);
        let _: Box<dyn std::error::Error> = Box::new(crate::futures::SubmitError::ShutDown);
        drop((executor, pool));
    }
}

/// Deadlock detection (feature `deadlock-detection`, off by default).
///
/// With the feature on, `Lock` and `RLock` record which thread holds each
/// lock and which lock each blocked thread waits for; [`check`](deadlock::check)
/// returns the cycles in that wait-for graph now. Off, `check` always
/// returns an empty list and the locks pay nothing.
///
/// ```
/// for deadlock in lockstep::deadlock::check() {
///     // e.g. "Thread-1 holds lockA and waits for lockB; Thread-2 holds lockB and waits for lockA"
///     eprintln!("{deadlock}");
/// }
/// ```
pub mod deadlock {
    pub use lockstep_sync::deadlock::{Deadlock, Deadlocked, blocked, check};
}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
