//! `wait` and `as_completed`: Python's `concurrent.futures.wait` and
//! `as_completed`, over futures that each tell a lockstep `SimpleQueue`
//! when they are done.

use crate::FutureError;
use crate::TimeoutError;
use crate::future::Future;
use lockstep_queue::SimpleQueue;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// When [`wait`] returns. Python: `FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`.
///
/// ```
/// assert_ne!(lockstep_futures::ReturnWhen::FirstCompleted, lockstep_futures::ReturnWhen::AllCompleted);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReturnWhen {
    /// As soon as any future is done (or cancelled).
    FirstCompleted,
    /// As soon as any future panicked or is broken; else as `AllCompleted`.
    FirstException,
    /// When every future is done (the default).
    #[default]
    AllCompleted,
}

/// What [`wait`] returns: the futures done and not done, each in input
/// order without duplicates. Python: `DoneAndNotDoneFutures(done, not_done)`.
///
/// ```
/// use lockstep_futures::{Future, ReturnWhen, wait};
/// let finished = Future::new();
/// finished.set_result(1).unwrap();
/// let pending = Future::new();
/// let both = wait([&finished, &pending], Some(std::time::Duration::ZERO), ReturnWhen::AllCompleted);
/// assert_eq!((both.done.len(), both.not_done.len()), (1, 1));
/// ```
pub struct DoneAndNotDone<'a, T> {
    /// The futures done (finished or cancelled) when `wait` returned.
    pub done: Vec<&'a Future<T>>,
    /// The rest.
    pub not_done: Vec<&'a Future<T>>,
}

impl<T> fmt::Debug for DoneAndNotDone<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoneAndNotDone").field("done", &self.done).field("not_done", &self.not_done).finish()
    }
}

/// The futures without duplicates (a clone is the same future), in order.
fn distinct<'a, T>(futures: impl IntoIterator<Item = &'a Future<T>>) -> Vec<&'a Future<T>> {
    let mut seen = HashSet::new();
    futures.into_iter().filter(|future| seen.insert(future.key())).collect()
}

/// Whether a done future counts for `FirstException`: it panicked or its
/// pool broke; a cancelled one does not.
fn failed<T>(future: &Future<T>) -> bool {
    matches!(future.exception_timeout(Duration::ZERO), Ok(Some(_)) | Err(FutureError::Broken))
}

/// Waits until `return_when` holds for `futures` or `timeout` passes
/// (`None` or `Some(Duration::MAX)`: never), and returns which are done.
/// The timeout never raises: it returns what is done by then. Python:
/// `concurrent.futures.wait(fs, timeout, return_when)`.
///
/// ```
/// use lockstep_futures::{ReturnWhen, ThreadPoolExecutor, wait};
/// let executor = ThreadPoolExecutor::new(2);
/// let futures: Vec<_> = (0..4).map(|n| executor.submit(move || n * 2).unwrap()).collect();
/// let result = wait(&futures, None, ReturnWhen::AllCompleted);
/// assert_eq!(result.done.len(), 4);
/// assert!(result.not_done.is_empty());
/// ```
pub fn wait<'a, T: 'a>(
    futures: impl IntoIterator<Item = &'a Future<T>>,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<'a, T> {
    let futures = distinct(futures);
    let deadline = timeout.and_then(lockstep_sync::deadline);
    let mut done: Vec<bool> = futures.iter().map(|future| future.done()).collect();
    // Everything done (`wait([])` included) ends every kind of wait.
    let holds = |done: &[bool]| {
        done.iter().all(|&d| d)
            || match return_when {
                ReturnWhen::FirstCompleted => done.iter().any(|&d| d),
                ReturnWhen::FirstException => {
                    futures.iter().zip(done).any(|(future, &d)| d && failed(future))
                }
                ReturnWhen::AllCompleted => false,
            }
    };
    if !holds(&done) {
        let queue = Arc::new(SimpleQueue::new());
        for (index, future) in futures.iter().enumerate().filter(|(index, _)| !done[*index]) {
            future.watch(&queue, index);
        }
        while !holds(&done) {
            let next = match deadline {
                Some(deadline) => queue.get_until(deadline),
                None => queue.get(),
            };
            let Ok(index) = next else { break };
            // Told just before its done state is stored: wait that moment.
            futures[index].wait_until(None);
            done[index] = true;
        }
    }
    let (done, not_done) = futures.into_iter().zip(done).partition(|(future, d)| *d || future.done());
    let strip = |pairs: Vec<(&'a Future<T>, bool)>| pairs.into_iter().map(|(future, _)| future).collect();
    DoneAndNotDone { done: strip(done), not_done: strip(not_done) }
}

/// Yields each future as it is done: those done already first, then the
/// rest in completion order, each once; `Err(TimeoutError)` once, and then
/// nothing, if `timeout` passes first. The clock starts at the first
/// `next()`, as Python's generator's does. Python:
/// `concurrent.futures.as_completed(fs, timeout)`.
///
/// ```
/// use lockstep_futures::{ThreadPoolExecutor, as_completed};
/// let executor = ThreadPoolExecutor::new(2);
/// let futures: Vec<_> = (0..3).map(|n| executor.submit(move || n).unwrap()).collect();
/// let mut total = 0;
/// for future in as_completed(&futures, None) {
///     total += future.unwrap().result().unwrap();
/// }
/// assert_eq!(total, 3);
/// ```
pub fn as_completed<'a, T: 'a>(
    futures: impl IntoIterator<Item = &'a Future<T>>,
    timeout: Option<Duration>,
) -> AsCompleted<'a, T> {
    let futures = distinct(futures);
    let queue = Arc::new(SimpleQueue::new());
    let mut finished = VecDeque::new();
    for (index, future) in futures.iter().enumerate() {
        match future.done() {
            true => finished.push_back(index),
            false => future.watch(&queue, index),
        }
    }
    let unfinished = futures.len() - finished.len();
    AsCompleted { futures, finished, queue, timeout, deadline: None, unfinished, ended: false }
}

/// The iterator [`as_completed`] returns: `Ok(&future)` as each is done,
/// then `None`; or, when the timeout passes, one `Err(TimeoutError)`.
///
/// ```
/// use lockstep_futures::{Future, as_completed};
/// let pending = [Future::<u8>::new()];
/// let mut each = as_completed(&pending, Some(std::time::Duration::ZERO));
/// assert!(each.next().unwrap().is_err());
/// assert!(each.next().is_none());
/// ```
pub struct AsCompleted<'a, T> {
    futures: Vec<&'a Future<T>>,
    /// Indices done before the call, yielded first.
    finished: VecDeque<usize>,
    /// Where the watched futures put their index when done.
    queue: Arc<SimpleQueue<usize>>,
    timeout: Option<Duration>,
    /// Set at the first `next()`; `Some(None)` waits forever.
    deadline: Option<Option<Instant>>,
    /// Watched futures not yet yielded.
    unfinished: usize,
    ended: bool,
}

impl<'a, T> Iterator for AsCompleted<'a, T> {
    type Item = Result<&'a Future<T>, TimeoutError>;

    fn next(&mut self) -> Option<Result<&'a Future<T>, TimeoutError>> {
        if self.ended {
            return None;
        }
        let timeout = self.timeout;
        let deadline = *self.deadline.get_or_insert_with(|| timeout.and_then(lockstep_sync::deadline));
        if let Some(index) = self.finished.pop_front() {
            return Some(Ok(self.futures[index]));
        }
        if self.unfinished == 0 {
            self.ended = true;
            return None;
        }
        let next = match deadline {
            Some(deadline) => self.queue.get_until(deadline),
            None => self.queue.get(),
        };
        match next {
            Ok(index) => {
                self.unfinished -= 1;
                let future = self.futures[index];
                future.wait_until(None);
                Some(Ok(future))
            }
            Err(_) => {
                self.ended = true;
                Some(Err(TimeoutError { unfinished: self.unfinished, total: self.futures.len() }))
            }
        }
    }
}

impl<T> fmt::Debug for AsCompleted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted").field("unfinished", &self.unfinished).finish()
    }
}
