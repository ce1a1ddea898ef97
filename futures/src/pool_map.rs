//! `Pool`'s calls over many items that do not wait: `map_async`,
//! `map_async_with`, `imap` and `imap_unordered`.

use crate::future::Future;
use crate::pool::{take, with_callbacks};
use crate::{AsyncResult, Panic, Pool, PoolError};
use lockstep_lock::Mutex;
use lockstep_queue::SimpleQueue;
use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::AcqRel;
use std::sync::Arc;

impl Pool {
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
        let finish = Arc::new(Mutex::new(Some((callback, error_callback))));
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
            let collect = Arc::new(Mutex::new(Some(collect)));
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
}
