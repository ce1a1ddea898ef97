//! `AsyncResult`: Python's `multiprocessing.pool.AsyncResult`, a pool
//! task's future seen through the pool's errors.

use crate::future::Future;
use crate::pool::pool_error;
use crate::{FutureError, NotReady, PoolError};
use std::fmt;
use std::time::Duration;

/// The handle to one [`Pool`] result. Python: `multiprocessing.pool.AsyncResult`.
///
/// ```
/// use std::time::Duration;
/// let pool = lockstep_futures::Pool::new(1);
/// let result = pool.apply_async(|| 1).unwrap();
/// assert!(result.wait_timeout(Duration::from_secs(60)));
/// assert!(result.ready());
/// assert_eq!(result.successful(), Ok(true));
/// ```
pub struct AsyncResult<T> {
    pub(crate) future: Future<Result<T, PoolError>>,
}

impl<T> AsyncResult<T> {
    /// Waits for the result. Python: `result.get()`.
    ///
    /// # Errors
    /// `Panicked`, `CallbackPanicked`, or `Terminated`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// let result = pool.apply_async(|| -> u8 { panic!("doh!") }).unwrap();
    /// assert!(matches!(result.get(), Err(lockstep_futures::PoolError::Panicked(_))));
    /// ```
    pub fn get(&self) -> Result<&T, PoolError> {
        Self::unpack(self.future.result())
    }

    /// Waits at most `timeout`. Python: `result.get(timeout)`.
    ///
    /// # Errors
    /// `Timeout`, or as [`get`](Self::get).
    ///
    /// ```
    /// use lockstep_futures::{Pool, PoolError};
    /// let pool = Pool::new(1);
    /// let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
    /// let held = gate.clone();
    /// let result = pool.apply_async(move || held.wait().is_leader()).unwrap();
    /// assert_eq!(result.get_timeout(std::time::Duration::from_millis(1)), Err(PoolError::Timeout));
    /// gate.wait();
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Result<&T, PoolError> {
        Self::unpack(self.future.result_timeout(timeout))
    }

    fn unpack(result: Result<&Result<T, PoolError>, FutureError>) -> Result<&T, PoolError> {
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(error.clone()),
            Err(error) => Err(pool_error(error)),
        }
    }

    /// Waits until the result is ready. Python: `result.wait()`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// let result = pool.apply_async(|| ()).unwrap();
    /// result.wait();
    /// assert!(result.ready());
    /// ```
    pub fn wait(&self) {
        self.future.wait_until(None);
    }

    /// Waits at most `timeout`; whether it is ready. Python:
    /// `result.wait(timeout)` then `result.ready()`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// let result = pool.apply_async(|| ()).unwrap();
    /// assert!(result.wait_timeout(std::time::Duration::from_secs(60)));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.future.wait_until(lockstep_sync::deadline(timeout))
    }

    /// Whether the result is ready. Python: `result.ready()`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// let result = pool.apply_async(|| ()).unwrap();
    /// result.wait();
    /// assert!(result.ready());
    /// ```
    pub fn ready(&self) -> bool {
        self.future.done()
    }

    /// Whether the task succeeded, once ready. Python: `result.successful()`.
    ///
    /// # Errors
    /// `NotReady` before it is ready (Python's `ValueError`).
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// let result = pool.apply_async(|| ()).unwrap();
    /// result.wait();
    /// assert_eq!(result.successful(), Ok(true));
    /// ```
    pub fn successful(&self) -> Result<bool, NotReady> {
        match self.ready() {
            true => Ok(self.get().is_ok()),
            false => Err(NotReady),
        }
    }
}

impl<T> fmt::Debug for AsyncResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncResult").field("ready", &self.ready()).finish()
    }
}
