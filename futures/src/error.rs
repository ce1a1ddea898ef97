//! The errors: Python's `CancelledError`, `TimeoutError`,
//! `InvalidStateError`, `BrokenThreadPool` and the `RuntimeError`s of
//! `submit`, and the pool's.

use crate::Panic;
use std::fmt;

/// Why a future has no value to give. Python: the exception `result()`
/// raises.
///
/// ```
/// use lockstep_futures::{Future, FutureError};
///
/// let future = Future::<u8>::new();
/// future.cancel();
/// assert_eq!(future.result().unwrap_err(), FutureError::Cancelled);
/// assert_eq!(FutureError::Cancelled.to_string(), "CancelledError");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FutureError {
    /// The future was cancelled (`CancelledError`).
    Cancelled,
    /// The timeout passed before the future was done (`TimeoutError`).
    Timeout,
    /// The task panicked (the exception it raised, re-raised).
    Panicked(Panic),
    /// A worker's initializer failed and the task never ran
    /// (`BrokenThreadPool`).
    Broken,
}

impl fmt::Display for FutureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FutureError::Cancelled => f.write_str("CancelledError"),
            FutureError::Timeout => f.write_str("TimeoutError"),
            FutureError::Panicked(panic) => write!(f, "the task panicked: {panic}"),
            FutureError::Broken => f.write_str(BROKEN),
        }
    }
}

impl std::error::Error for FutureError {}

const BROKEN: &str = "A thread initializer failed, the thread pool is not usable anymore";

/// `set_result`, `set_exception` or `set_running_or_notify_cancel` on a
/// future in the wrong state. Its `Display` names the state first, as
/// Python's does (`FINISHED: <Future … state=finished>`).
///
/// ```
/// let future = lockstep_futures::Future::new();
/// future.set_result(1).unwrap();
/// let error = future.set_result(2).unwrap_err();
/// assert!(error.to_string().starts_with("FINISHED: "));
/// assert_eq!(*future.result().unwrap(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidStateError {
    /// `"FINISHED"`, `"CANCELLED"`, `"RUNNING"`, ...
    pub(crate) state: &'static str,
}

impl InvalidStateError {
    /// The state the future was in: `"FINISHED"`, `"CANCELLED"` or
    /// `"RUNNING"` (the last only from `set_running_or_notify_cancel`).
    ///
    /// ```
    /// let future = lockstep_futures::Future::<u8>::new();
    /// future.cancel();
    /// assert_eq!(future.set_result(1).unwrap_err().state(), "CANCELLED");
    /// ```
    pub fn state(&self) -> &'static str {
        self.state
    }
}

impl fmt::Display for InvalidStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lower = self.state.to_ascii_lowercase();
        write!(f, "{}: <Future state={lower}>", self.state)
    }
}

impl std::error::Error for InvalidStateError {}

/// Why `submit` (or `map`) refused a task. Python: the `RuntimeError`
/// and `BrokenThreadPool` that `submit` raises.
///
/// ```
/// use lockstep_futures::{SubmitError, ThreadPoolExecutor};
///
/// let executor = ThreadPoolExecutor::new(1);
/// executor.shutdown(true, false);
/// assert_eq!(executor.submit(|| 1).unwrap_err(), SubmitError::ShutDown);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubmitError {
    /// After `shutdown`: "cannot schedule new futures after shutdown".
    ShutDown,
    /// After a worker's initializer panicked (`BrokenThreadPool`).
    Broken,
}

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmitError::ShutDown => f.write_str("cannot schedule new futures after shutdown"),
            SubmitError::Broken => f.write_str(BROKEN),
        }
    }
}

impl std::error::Error for SubmitError {}

/// `as_completed` ran out of time. Its `Display` is Python's:
/// `N (of M) futures unfinished`.
///
/// ```
/// use lockstep_futures::{Future, as_completed};
/// use std::time::Duration;
///
/// let futures = [Future::<u8>::new(), Future::new()];
/// let error = as_completed(&futures, Some(Duration::ZERO)).next().unwrap().unwrap_err();
/// assert_eq!((error.unfinished(), error.total()), (2, 2));
/// assert_eq!(error.to_string(), "2 (of 2) futures unfinished");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutError {
    pub(crate) unfinished: usize,
    pub(crate) total: usize,
}

impl TimeoutError {
    /// How many futures were not done yet.
    ///
    /// ```
    /// # use lockstep_futures::{Future, as_completed};
    /// let pending = [Future::<u8>::new()];
    /// let error = as_completed(&pending, Some(std::time::Duration::ZERO)).next().unwrap().unwrap_err();
    /// assert_eq!(error.unfinished(), 1);
    /// ```
    pub fn unfinished(&self) -> usize {
        self.unfinished
    }

    /// How many distinct futures `as_completed` was given.
    ///
    /// ```
    /// # use lockstep_futures::{Future, as_completed};
    /// let pending = [Future::<u8>::new()];
    /// let error = as_completed(&pending, Some(std::time::Duration::ZERO)).next().unwrap().unwrap_err();
    /// assert_eq!(error.total(), 1);
    /// ```
    pub fn total(&self) -> usize {
        self.total
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (of {}) futures unfinished", self.unfinished, self.total)
    }
}

impl std::error::Error for TimeoutError {}

/// What a [`Pool`](crate::Pool) call or an
/// [`AsyncResult`](crate::AsyncResult) reports instead of a value.
///
/// ```
/// use lockstep_futures::{Pool, PoolError};
///
/// let pool = Pool::new(1);
/// assert_eq!(pool.join().unwrap_err(), PoolError::StillRunning);
/// pool.close();
/// assert_eq!(pool.apply(|| 1).unwrap_err(), PoolError::NotRunning);
/// pool.join().unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PoolError {
    /// The pool is closed or terminated: "Pool not running" (`ValueError`).
    NotRunning,
    /// `join` before `close` or `terminate`: "Pool is still running".
    StillRunning,
    /// `get_timeout` ran out of time (`TimeoutError`).
    Timeout,
    /// `terminate` stopped the task before it started.
    Terminated,
    /// The task panicked.
    Panicked(Panic),
    /// The task's `callback` or `error_callback` panicked.
    CallbackPanicked(Panic),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::NotRunning => f.write_str("Pool not running"),
            PoolError::StillRunning => f.write_str("Pool is still running"),
            PoolError::Timeout => f.write_str("TimeoutError"),
            PoolError::Terminated => f.write_str("the pool was terminated before the task started"),
            PoolError::Panicked(panic) => write!(f, "the task panicked: {panic}"),
            PoolError::CallbackPanicked(panic) => write!(f, "the task's callback panicked: {panic}"),
        }
    }
}

impl std::error::Error for PoolError {}

/// `AsyncResult::successful` before the result is ready. Python:
/// `ValueError("… not ready")`.
///
/// ```
/// use lockstep_futures::{NotReady, Pool};
///
/// let pool = Pool::new(1);
/// let gate = std::sync::Arc::new(lockstep_event_free_gate());
/// # fn lockstep_event_free_gate() -> std::sync::Barrier { std::sync::Barrier::new(2) }
/// let held = gate.clone();
/// let result = pool.apply_async(move || held.wait().is_leader()).unwrap();
/// assert_eq!(result.successful(), Err(NotReady));
/// gate.wait();
/// result.wait();
/// assert_eq!(result.successful(), Ok(true));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotReady;

impl fmt::Display for NotReady {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the result is not ready")
    }
}

impl std::error::Error for NotReady {}
