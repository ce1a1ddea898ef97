//! `Pool` and `AsyncResult`: Python's `multiprocessing.pool.ThreadPool`,
//! on the executor's own workers and work queue.

use crate::executor::ExecutorBuilder;
use crate::future::Future;
use crate::map::Slot;
use crate::panic::{self, Panic};
use crate::shared::Shared;
use crate::{AsyncResult, FutureError, PoolError};
use lockstep_sync::atomic::Ordering::{Acquire, Relaxed, Release};
use lockstep_sync::atomic::{AtomicBool, AtomicU8};
use std::fmt;
use std::sync::Arc;

/// A pool task's future: its result in a `Slot`, for one consumer.
pub(crate) type SlotFuture<T> = Future<Slot<Result<T, PoolError>>>;

/// `Pool::state`: taking tasks.
const RUN: u8 = 0;
/// `close` was called: queued tasks still run.
const CLOSE: u8 = 1;
/// `terminate` was called: unstarted tasks never run.
const TERMINATE: u8 = 2;

/// Python's `multiprocessing.pool.ThreadPool` (the notes' `Pool`):
/// `apply`, `apply_async` with callbacks, `map`, `imap`, `close`, `join`,
/// `terminate`, over the same lazily started, reused workers as
/// [`ThreadPoolExecutor`](crate::ThreadPoolExecutor) (named `Pool-{N}_{i}`).
///
/// # Python parity
/// - `terminate` never leaves a `get` hanging: a task it kept from
///   starting gets `Err(Terminated)` (CPython's python/cpython#79659 hangs).
/// - A panicking callback makes that task's result `Err(CallbackPanicked)`
///   and the pool keeps working; in CPython it kills the result handler.
/// - There is no `chunksize`: every item is its own task.
///
/// # Examples
/// ```
/// use lockstep_futures::Pool;
///
/// let pool = Pool::new(2);
/// assert_eq!(pool.apply(|| 6 * 7), Ok(42));
/// assert_eq!(pool.map(|x: u32| x * x, 1..4), Ok(vec![1, 4, 9]));
/// let result = pool.apply_async(|| "async").unwrap();
/// assert_eq!(result.get(), Ok(&"async"));
/// pool.close();
/// pool.join().unwrap();
/// ```
pub struct Pool {
    shared: Arc<Shared>,
    /// `RUN`, `CLOSE` or `TERMINATE`.
    state: AtomicU8,
    /// Set by `terminate`; each task checks it before it starts.
    terminated: Arc<AtomicBool>,
}

/// Runs `task` unless the pool was terminated, catching its panic.
fn guarded<T>(terminated: &AtomicBool, task: impl FnOnce() -> T) -> Result<T, PoolError> {
    // Acquire: pairs with `terminate`'s Release (it publishes nothing else;
    // the flag alone decides).
    if terminated.load(Acquire) {
        return Err(PoolError::Terminated);
    }
    panic::catch(task).map_err(PoolError::Panicked)
}

/// A pool future's error as the pool reports it: a task cancelled by
/// `terminate` (or never run by a broken pool) is `Terminated`.
pub(crate) fn pool_error(error: FutureError) -> PoolError {
    match error {
        FutureError::Timeout => PoolError::Timeout,
        FutureError::Panicked(panic) => PoolError::Panicked(panic),
        _ => PoolError::Terminated,
    }
}

/// Runs a result's callback: `callback` on a value, `error_callback` on a
/// task's panic, none on `Terminated`; a panicking one is reported and
/// becomes the result.
pub(crate) fn with_callbacks<T>(
    result: Result<T, PoolError>,
    callback: impl FnOnce(&T),
    error_callback: impl FnOnce(&Panic),
) -> Result<T, PoolError> {
    let called = match &result {
        Ok(value) => panic::catch(|| callback(value)),
        Err(PoolError::Panicked(panic)) => panic::catch(|| error_callback(panic)),
        Err(_) => Ok(()),
    };
    match called {
        Ok(()) => result,
        Err(panic) => {
            panic::report("Exception in a Pool callback:", &panic);
            Err(PoolError::CallbackPanicked(panic))
        }
    }
}

impl Pool {
    /// A pool of at most `processes` threads; 0 is the number of CPUs.
    /// Python: `ThreadPool(processes)`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(0);
    /// assert!(pool.processes() >= 1);
    /// ```
    pub fn new(processes: usize) -> Pool {
        let processes = match processes {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let shared = ExecutorBuilder::default().max_workers(processes).shared("Pool");
        Pool { shared, state: AtomicU8::new(RUN), terminated: Arc::new(AtomicBool::new(false)) }
    }

    /// How many threads it may run. Python: `pool._processes`.
    ///
    /// ```
    /// assert_eq!(lockstep_futures::Pool::new(3).processes(), 3);
    /// ```
    pub fn processes(&self) -> usize {
        self.shared.max_workers()
    }

    /// Queues `task`; its result lands in a `Slot` for one consumer.
    fn submit_slot<T: Send + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> Result<SlotFuture<T>, PoolError> {
        self.running()?;
        let terminated = self.terminated.clone();
        self.shared.submit(move || Slot::new(guarded(&terminated, task))).map_err(|_| PoolError::NotRunning)
    }

    fn running(&self) -> Result<(), PoolError> {
        // Relaxed: a racing `close` is caught by the executor's own lock.
        match self.state.load(Relaxed) {
            RUN => Ok(()),
            _ => Err(PoolError::NotRunning),
        }
    }

    /// Runs `task` in the pool and waits for it. Python: `pool.apply(f)`.
    ///
    /// # Errors
    /// `NotRunning` after `close`/`terminate`; `Panicked`; `Terminated`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// assert_eq!(pool.apply(|| 2 + 2), Ok(4));
    /// ```
    pub fn apply<T: Send + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        take(self.submit_slot(task)?)
    }

    /// Queues `task` and returns a handle to its result. Python:
    /// `pool.apply_async(f)`.
    ///
    /// # Errors
    /// `NotRunning` after `close`/`terminate`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// let result = pool.apply_async(|| 7).unwrap();
    /// assert_eq!(result.get(), Ok(&7));
    /// ```
    pub fn apply_async<T: Send + Sync + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> Result<AsyncResult<T>, PoolError> {
        self.apply_async_with(task, |_| {}, |_| {})
    }

    /// As [`apply_async`](Self::apply_async), and then, in the pool
    /// thread before the result is ready, `callback(&value)` or
    /// `error_callback(&panic)`. Python: `apply_async(f, callback=…,
    /// error_callback=…)`.
    ///
    /// # Errors
    /// `NotRunning` after `close`/`terminate`.
    ///
    /// ```
    /// use std::sync::mpsc;
    /// let pool = lockstep_futures::Pool::new(1);
    /// let (tx, rx) = mpsc::channel();
    /// let result = pool.apply_async_with(|| 5, move |v| tx.send(*v).unwrap(), |_| {}).unwrap();
    /// result.wait();
    /// assert_eq!(rx.try_recv(), Ok(5)); // the callback ran before ready()
    /// ```
    pub fn apply_async_with<T: Send + Sync + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
        callback: impl FnOnce(&T) + Send + 'static,
        error_callback: impl FnOnce(&Panic) + Send + 'static,
    ) -> Result<AsyncResult<T>, PoolError> {
        self.running()?;
        let terminated = self.terminated.clone();
        let future = self
            .shared
            .submit(move || with_callbacks(guarded(&terminated, task), callback, error_callback))
            .map_err(|_| PoolError::NotRunning)?;
        Ok(AsyncResult { future })
    }

    pub(crate) fn submit_all<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
    ) -> Result<Vec<SlotFuture<T>>, PoolError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        let task = Arc::new(task);
        let mut futures = Vec::new();
        for item in items {
            let task = task.clone();
            match self.submit_slot(move || task(item)) {
                Ok(future) => futures.push(future),
                Err(error) => {
                    for future in &futures {
                        future.cancel();
                    }
                    return Err(error);
                }
            }
        }
        Ok(futures)
    }

    /// `task(item)` for every item, waiting for all; the results in input
    /// order. Python: `pool.map(f, items)`.
    ///
    /// # Errors
    /// The first error in input order, once every item is done.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(2);
    /// assert_eq!(pool.map(|x: i32| -x, [1, 2]), Ok(vec![-1, -2]));
    /// ```
    pub fn map<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
    ) -> Result<Vec<T>, PoolError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        let futures = self.submit_all(task, items)?;
        let results: Vec<_> = futures.into_iter().map(take).collect();
        results.into_iter().collect()
    }

    /// Takes no more tasks; queued ones still run. Python: `pool.close()`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// pool.close();
    /// assert!(pool.apply_async(|| 1).is_err());
    /// ```
    pub fn close(&self) {
        // Relaxed: the executor's shutdown, under its lock, does the ordering.
        let _ = self.state.compare_exchange(RUN, CLOSE, Relaxed, Relaxed);
        self.shared.shutdown(false, false);
    }

    /// Waits for every worker to exit. Python: `pool.join()`.
    ///
    /// # Errors
    /// `StillRunning` unless `close` or `terminate` came first.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// assert!(pool.join().is_err());
    /// pool.terminate();
    /// pool.join().unwrap();
    /// ```
    pub fn join(&self) -> Result<(), PoolError> {
        // Relaxed: as in `close`.
        if self.state.load(Relaxed) == RUN {
            return Err(PoolError::StillRunning);
        }
        self.shared.shutdown(true, false);
        Ok(())
    }

    /// Stops at once: unstarted tasks never run (their results are
    /// `Err(Terminated)`, their callbacks never run); running ones finish.
    /// Python: `pool.terminate()`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(1);
    /// pool.terminate();
    /// assert_eq!(pool.apply(|| 1), Err(lockstep_futures::PoolError::NotRunning));
    /// ```
    pub fn terminate(&self) {
        // Relaxed: the executor's shutdown orders; the flag below is Release.
        self.state.store(TERMINATE, Relaxed);
        // Release: pairs with `guarded`'s Acquire.
        self.terminated.store(true, Release);
        self.shared.shutdown(false, true);
    }
}

impl Drop for Pool {
    /// Terminates without waiting, as Python's `__del__`/`__exit__`.
    fn drop(&mut self) {
        self.terminate();
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Relaxed: a snapshot for display.
        let state = ["RUN", "CLOSE", "TERMINATE"][usize::from(self.state.load(Relaxed))];
        f.debug_struct("Pool").field("state", &state).field("processes", &self.processes()).finish()
    }
}

/// A slot future's result, taken.
pub(crate) fn take<T>(future: SlotFuture<T>) -> Result<T, PoolError> {
    future.result().map_err(pool_error)?.take()
}
