//! `ThreadPoolExecutor`: Python's `concurrent.futures.ThreadPoolExecutor`,
//! and its builder.

use crate::SubmitError;
use crate::future::Future;
use crate::map::{Map, Slot};
use crate::shared::{Control, Idle, Shared};
use lockstep_lock::Mutex;
use lockstep_queue::Queue;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Python's `concurrent.futures.ThreadPoolExecutor`: runs tasks on up to
/// `max_workers` lockstep [`Thread`]s named `{prefix}_{i}`, started
/// lazily, and hands back a [`Future`] per task.
///
/// A worker that finished its task is reused before a new thread starts;
/// a panicking task never kills its worker (the panic goes to the future).
/// Dropping the executor is `shutdown(true, false)`: Python's `with`.
///
/// # Python parity
/// - `new(0)` is Python's default `max_workers` (Python raises
///   `ValueError` for 0).
/// - Workers are daemon threads: an executor that is leaked (never
///   dropped or shut down) does not hold the process open at exit. Python
///   instead finishes queued work at exit.
/// - `submit` takes a closure; `submit(fn, *args)` is `submit(move || fn(args))`.
///
/// # Examples
/// ```
/// use lockstep_futures::ThreadPoolExecutor;
///
/// let executor = ThreadPoolExecutor::new(2);
/// let future = executor.submit(|| 2_u32.pow(8)).unwrap();
/// assert_eq!(*future.result().unwrap(), 256);
/// let squares: Vec<_> = executor.map(|x: u32| x * x, 0..4).unwrap().map(Result::unwrap).collect();
/// assert_eq!(squares, [0, 1, 4, 9]);
/// ```
pub struct ThreadPoolExecutor {
    pub(crate) shared: Arc<Shared>,
}

impl ThreadPoolExecutor {
    /// An executor with at most `max_workers` threads; 0 is Python's
    /// default, `min(32, cpus + 4)`. Python: `ThreadPoolExecutor(max_workers)`.
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::new(0);
    /// assert!(executor.max_workers() >= 5);
    /// ```
    pub fn new(max_workers: usize) -> ThreadPoolExecutor {
        ExecutorBuilder::default().max_workers(max_workers).build()
    }

    /// A builder for the name prefix and the initializer.
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::builder().max_workers(1).thread_name_prefix("SpecialPool").build();
    /// let name = executor.submit(|| lockstep_thread::current_thread().name()).unwrap();
    /// assert_eq!(name.result().unwrap(), "SpecialPool_0");
    /// ```
    pub fn builder() -> ExecutorBuilder {
        ExecutorBuilder::default()
    }

    /// Queues `task` and returns its future. Python: `executor.submit(fn)`.
    ///
    /// # Errors
    /// `Broken` after an initializer failed, else `ShutDown` after
    /// `shutdown`.
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::new(1);
    /// let future = executor.submit(|| "hello".len()).unwrap();
    /// assert_eq!(*future.result().unwrap(), 5);
    /// ```
    pub fn submit<T: Send + Sync + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Future<T>, SubmitError> {
        self.shared.submit(task)
    }

    /// Submits `task(item)` for every item now and returns their results
    /// in input order. A panicking item is `Err(Panicked)` and iteration
    /// goes on; dropping the `Map` cancels what has not started. Python:
    /// `executor.map(fn, items)`.
    ///
    /// # Errors
    /// As [`submit`](Self::submit), and only if `items` is not empty (what
    /// was already submitted is then cancelled).
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::new(2);
    /// let lengths: Vec<_> = executor.map(str::len, ["a", "bb"]).unwrap().collect();
    /// assert_eq!(lengths, [Ok(1), Ok(2)]);
    /// ```
    pub fn map<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
    ) -> Result<Map<T>, SubmitError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        self.map_until(task, items, None)
    }

    /// As [`map`](Self::map), with a deadline `timeout` after this call:
    /// past it, the items already finished are still yielded, then one
    /// `Err(Timeout)`, and the rest are cancelled. Python:
    /// `executor.map(fn, items, timeout=t)`.
    ///
    /// # Errors
    /// As [`map`](Self::map).
    ///
    /// ```
    /// use lockstep_futures::{FutureError, ThreadPoolExecutor};
    /// use std::time::Duration;
    /// let executor = ThreadPoolExecutor::new(1);
    /// let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
    /// let held = gate.clone();
    /// let mut results = executor.map_timeout(move |_: u8| { held.wait(); }, [0], Duration::from_millis(10)).unwrap();
    /// assert_eq!(results.next(), Some(Err(FutureError::Timeout)));
    /// assert_eq!(results.next(), None);
    /// gate.wait();
    /// ```
    pub fn map_timeout<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
        timeout: Duration,
    ) -> Result<Map<T>, SubmitError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        // A timeout too large for an `Instant` waits forever.
        let deadline = lockstep_sync::deadline(timeout);
        self.map_until(task, items, deadline)
    }

    fn map_until<A, T>(
        &self,
        task: impl Fn(A) -> T + Send + Sync + 'static,
        items: impl IntoIterator<Item = A>,
        deadline: Option<Instant>,
    ) -> Result<Map<T>, SubmitError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        let task = Arc::new(task);
        let mut futures = Vec::new();
        for item in items {
            let task = task.clone();
            match self.shared.submit(move || Slot::new(task(item))) {
                Ok(future) => futures.push(future),
                Err(error) => {
                    for future in &futures {
                        future.cancel();
                    }
                    return Err(error);
                }
            }
        }
        Ok(Map::new(futures, deadline))
    }

    /// Stops taking tasks; with `cancel_futures`, cancels the queued ones
    /// (running ones finish); with `wait`, waits for every worker to exit.
    /// Idempotent. Python: `executor.shutdown(wait, cancel_futures=...)`.
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::new(1);
    /// let future = executor.submit(|| 1).unwrap();
    /// executor.shutdown(true, false);
    /// assert!(future.done());
    /// executor.shutdown(true, false);
    /// ```
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.shared.shutdown(wait, cancel_futures);
    }

    /// The most threads it will start. Python: `executor._max_workers`.
    ///
    /// ```
    /// assert_eq!(lockstep_futures::ThreadPoolExecutor::new(3).max_workers(), 3);
    /// ```
    pub fn max_workers(&self) -> usize {
        self.shared.max_workers()
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

/// Builds a [`ThreadPoolExecutor`] or a [`Pool`](crate::Pool):
/// `max_workers`, `thread_name_prefix`, `initializer`. Python: the
/// constructor's keyword arguments.
///
/// ```
/// use lockstep_futures::ThreadPoolExecutor;
/// let executor = ThreadPoolExecutor::builder()
///     .max_workers(2)
///     .thread_name_prefix("io")
///     .initializer(|| println!("worker ready"))
///     .build();
/// assert_eq!(executor.max_workers(), 2);
/// ```
#[derive(Default)]
pub struct ExecutorBuilder {
    max_workers: usize,
    prefix: String,
    initializer: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl ExecutorBuilder {
    /// At most `max_workers` threads; 0 (the default) is `min(32, cpus + 4)`.
    ///
    /// ```
    /// assert_eq!(lockstep_futures::ThreadPoolExecutor::builder().max_workers(4).build().max_workers(), 4);
    /// ```
    pub fn max_workers(mut self, max_workers: usize) -> ExecutorBuilder {
        self.max_workers = max_workers;
        self
    }

    /// Workers are named `{prefix}_{i}`; empty (the default) is
    /// `ThreadPoolExecutor-{N}`, N counting executors.
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::builder().thread_name_prefix("web").build();
    /// # drop(executor);
    /// ```
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> ExecutorBuilder {
        self.prefix = prefix.into();
        self
    }

    /// Runs once in each worker before its first task; a panic breaks the
    /// pool ("Exception in initializer:" on stderr).
    ///
    /// ```
    /// use lockstep_futures::{FutureError, SubmitError, ThreadPoolExecutor};
    /// let executor = ThreadPoolExecutor::builder().initializer(|| panic!("error in initializer")).build();
    /// let future = executor.submit(|| 1).unwrap();
    /// assert_eq!(future.result(), Err(FutureError::Broken));
    /// assert_eq!(executor.submit(|| 1).unwrap_err(), SubmitError::Broken);
    /// ```
    pub fn initializer(mut self, initializer: impl Fn() + Send + Sync + 'static) -> ExecutorBuilder {
        self.initializer = Some(Arc::new(initializer));
        self
    }

    /// The executor; no thread starts until the first `submit`.
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::builder().build();
    /// # drop(executor);
    /// ```
    pub fn build(self) -> ThreadPoolExecutor {
        ThreadPoolExecutor { shared: self.shared("ThreadPoolExecutor") }
    }

    /// The shared state, with `kind-{N}` as the default prefix.
    pub(crate) fn shared(self, kind: &str) -> Arc<Shared> {
        // A plain std counter, as `lockstep_sync::thread_id`'s: it only
        // hands out numbers and publishes nothing. Relaxed for that reason.
        static EXECUTORS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let max_workers = match self.max_workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_add(4).min(32),
            n => n,
        };
        let prefix = match self.prefix.is_empty() {
            true => format!("{kind}-{}", EXECUTORS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
            false => self.prefix,
        };
        let control = Control { shut_down: false, broken: false, threads: Vec::new() };
        Arc::new(Shared {
            queue: Queue::new(0),
            idle: Idle::new(),
            control: Mutex::new(control),
            max_workers,
            prefix,
            initializer: self.initializer,
        })
    }
}
