//! `Map`: the iterator `ThreadPoolExecutor::map` returns, and `Slot`, the
//! one-shot cell that lets it hand out owned values.

use crate::FutureError;
use crate::future::Future;
use lockstep_lock::Mutex;
use std::collections::VecDeque;
use std::fmt;
use std::time::Instant;

/// A value a future keeps until its one consumer takes it: `map`, `imap`
/// and `Pool::map` yield owned `T`s, which `&T` from a future can't give.
pub(crate) struct Slot<T>(Mutex<Option<T>>);

impl<T> Slot<T> {
    pub(crate) fn new(value: T) -> Slot<T> {
        Slot(Mutex::new(Some(value)))
    }

    /// The value; the consumer takes it once.
    pub(crate) fn take(&self) -> T {
        self.0.lock().take().expect("each result is taken once")
    }
}

/// The results of [`ThreadPoolExecutor::map`](crate::ThreadPoolExecutor::map),
/// in input order: `Ok(value)`, `Err(Panicked)` for an item whose task
/// panicked (iteration goes on), `Err(Cancelled)` for a cancelled one, and
/// past a `map_timeout` deadline one `Err(Timeout)`, which cancels the rest
/// and ends it. Dropping it cancels the items that have not started.
/// Python: the generator `executor.map` returns.
///
/// ```
/// let executor = lockstep_futures::ThreadPoolExecutor::new(2);
/// let mut results = executor.map(|x: i32| 10 / x, [5, 0, 2]).unwrap();
/// assert_eq!(results.next(), Some(Ok(2)));
/// assert!(results.next().unwrap().is_err()); // division by zero
/// assert_eq!(results.next(), Some(Ok(5)));
/// assert_eq!(results.next(), None);
/// ```
pub struct Map<T> {
    futures: VecDeque<Future<Slot<T>>>,
    deadline: Option<Instant>,
}

impl<T> Map<T> {
    pub(crate) fn new(futures: Vec<Future<Slot<T>>>, deadline: Option<Instant>) -> Map<T> {
        Map { futures: futures.into(), deadline }
    }

    /// How many results are left to yield.
    ///
    /// ```
    /// let executor = lockstep_futures::ThreadPoolExecutor::new(1);
    /// assert_eq!(executor.map(|x: u8| x, [1, 2]).unwrap().remaining(), 2);
    /// ```
    pub fn remaining(&self) -> usize {
        self.futures.len()
    }

    fn cancel_rest(&mut self) {
        for future in self.futures.drain(..) {
            future.cancel();
        }
    }
}

impl<T> Iterator for Map<T> {
    type Item = Result<T, FutureError>;

    fn next(&mut self) -> Option<Result<T, FutureError>> {
        let future = self.futures.front()?.clone();
        if !future.wait_until(self.deadline) {
            self.cancel_rest();
            return Some(Err(FutureError::Timeout));
        }
        self.futures.pop_front();
        Some(future.result().map(Slot::take))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.futures.len()))
    }
}

impl<T> Drop for Map<T> {
    fn drop(&mut self) {
        self.cancel_rest();
    }
}

impl<T> fmt::Debug for Map<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Map").field("remaining", &self.futures.len()).finish()
    }
}
