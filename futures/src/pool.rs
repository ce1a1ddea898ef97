//! `Pool` and `AsyncResult`: Python's `multiprocessing.pool.ThreadPool`,
//! on the executor's own workers and work queue.

use crate::executor::{ExecutorBuilder, Shared};
use crate::future::Future;
use crate::map::Slot;
use crate::panic::{self, Panic};
use crate::{FutureError, NotReady, PoolError};
use lockstep_queue::SimpleQueue;
use lockstep_sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use lockstep_sync::atomic::{AtomicBool, AtomicU8, AtomicUsize};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A pool task's future: its result in a `Slot`, for one consumer.
type SlotFuture<T> = Future<Slot<Result<T, PoolError>>>;

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
fn pool_error(error: FutureError) -> PoolError {
    match error {
        FutureError::Timeout => PoolError::Timeout,
        FutureError::Panicked(panic) => PoolError::Panicked(panic),
        _ => PoolError::Terminated,
    }
}

/// Runs a result's callback: `callback` on a value, `error_callback` on a
/// task's panic, none on `Terminated`; a panicking one is reported and
/// becomes the result.
fn with_callbacks<T>(
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

    fn submit_all<A, T>(
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

    /// As [`map`](Self::map), without waiting. Python: `pool.map_async(f, items)`.
    ///
    /// # Errors
    /// `NotRunning` after `close`/`terminate`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(2);
    /// let squares = pool.map_async(|x: u8| x * x, [2, 3]).unwrap();
    /// assert_eq!(squares.get(), Ok(&vec![4, 9]));
    /// ```
    pub fn map_async<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
    ) -> Result<AsyncResult<Vec<T>>, PoolError>
    where
        A: Send + 'static,
        T: Send + Sync + 'static,
    {
        self.map_async_with(task, items, |_| {}, |_| {})
    }

    /// As [`map_async`](Self::map_async), with `callback(&results)` or
    /// `error_callback(&panic)` (the first panic in input order) run in
    /// the pool thread that finishes the last item, before ready.
    ///
    /// # Errors
    /// `NotRunning` after `close`/`terminate`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(2);
    /// let result = pool.map_async_with(|x: u8| x + 1, [1, 2], |all| assert_eq!(all, &[2, 3]), |_| {}).unwrap();
    /// assert_eq!(result.get(), Ok(&vec![2, 3]));
    /// ```
    pub fn map_async_with<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
        callback: impl FnOnce(&Vec<T>) + Send + 'static,
        error_callback: impl FnOnce(&Panic) + Send + 'static,
    ) -> Result<AsyncResult<Vec<T>>, PoolError>
    where
        A: Send + 'static,
        T: Send + Sync + 'static,
    {
        let items = Arc::new(self.submit_all(task, items)?);
        let outer = Future::new();
        let left = Arc::new(AtomicUsize::new(items.len()));
        let finish = Arc::new(lockstep_lock::Mutex::new(Some((callback, error_callback))));
        let collect = {
            let (items, outer) = (items.clone(), outer.clone());
            move || {
                let (callback, error_callback) = finish.lock().take().expect("the last item collects once");
                let results: Result<Vec<T>, PoolError> = items.iter().cloned().map(take).collect();
                let _ = outer.set_result(with_callbacks(results, callback, error_callback));
            }
        };
        if items.is_empty() {
            collect();
        } else {
            let collect = Arc::new(lockstep_lock::Mutex::new(Some(collect)));
            for item in items.iter() {
                let (left, collect) = (left.clone(), collect.clone());
                item.add_done_callback(move |_| {
                    // AcqRel: the last item's thread sees every other
                    // item's completion before it collects.
                    if left.fetch_sub(1, AcqRel) == 1 {
                        let collect = collect.lock().take().expect("collected once");
                        collect();
                    }
                });
            }
        }
        Ok(AsyncResult { future: outer })
    }

    /// Submits every item now; yields the results in input order.
    /// Python: `pool.imap(f, items)`.
    ///
    /// # Errors
    /// `NotRunning` after `close`/`terminate`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(2);
    /// let doubled: Vec<_> = pool.imap(|x: u8| x * 2, [1, 2, 3]).unwrap().map(Result::unwrap).collect();
    /// assert_eq!(doubled, [2, 4, 6]);
    /// ```
    pub fn imap<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
    ) -> Result<impl Iterator<Item = Result<T, PoolError>>, PoolError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        Ok(self.submit_all(task, items)?.into_iter().map(take))
    }

    /// Submits every item now; yields the results as they finish.
    /// Python: `pool.imap_unordered(f, items)`.
    ///
    /// # Errors
    /// `NotRunning` after `close`/`terminate`.
    ///
    /// ```
    /// let pool = lockstep_futures::Pool::new(2);
    /// let mut all: Vec<_> = pool.imap_unordered(|x: u8| x, [3, 1, 2]).unwrap().map(Result::unwrap).collect();
    /// all.sort();
    /// assert_eq!(all, [1, 2, 3]);
    /// ```
    pub fn imap_unordered<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
    ) -> Result<impl Iterator<Item = Result<T, PoolError>>, PoolError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        let futures = self.submit_all(task, items)?;
        let queue = Arc::new(SimpleQueue::new());
        for (index, future) in futures.iter().enumerate() {
            future.watch(&queue, index);
        }
        let mut left = futures.len();
        Ok(std::iter::from_fn(move || {
            left = left.checked_sub(1)?;
            let index = queue.get().expect("a SimpleQueue never shuts down");
            Some(take(futures[index].clone()))
        }))
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
        let state = ["RUN", "CLOSE", "TERMINATE"][usize::from(self.state.load(Relaxed))];
        f.debug_struct("Pool").field("state", &state).field("processes", &self.processes()).finish()
    }
}

/// A slot future's result, taken.
fn take<T>(future: SlotFuture<T>) -> Result<T, PoolError> {
    future.result().map_err(pool_error)?.take()
}

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
    future: Future<Result<T, PoolError>>,
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
