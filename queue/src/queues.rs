//! `Queue`, `LifoQueue` and `PriorityQueue`: one macro writes the public
//! API over the engine's `Core` for each removal order, so the three differ only in
//! their `Store`.

use crate::engine::{Core, Wait};
use crate::store::{Fifo, Lifo, Priority};
use crate::{GetError, PutError, TaskDoneError};
use lockstep_sync::deadline;
use std::fmt;
use std::time::Duration;

macro_rules! python_queue {
    ($(#[$doc:meta])* $name:ident, $store:ident, $($bound:tt)+) => {
        $(#[$doc])*
        pub struct $name<T> {
            core: Core<T, $store<T>>,
        }

        impl<T: $($bound)+> $name<T> {
            /// A queue holding at most `maxsize` items; `0` means unbounded.
            /// Python: `queue.Queue(maxsize)`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::<u32>::new(10);")]
            /// assert_eq!(queue.maxsize(), 10);
            /// ```
            pub fn new(maxsize: usize) -> Self {
                $name { core: Core::new(maxsize, true) }
            }

            /// Adds `item`, waiting while the queue is full.
            /// Python: `queue.put(item)`.
            ///
            /// # Errors
            /// [`PutError::ShutDown`] with the item if the queue is (or,
            /// while waiting, becomes) shut down.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(0);")]
            /// queue.put(5).unwrap();
            /// assert_eq!(queue.qsize(), 1);
            /// ```
            pub fn put(&self, item: T) -> Result<(), PutError<T>> {
                self.core.put(item, Wait::Until(None))
            }

            /// Adds `item` if there is room now. Python: `queue.put_nowait(item)`.
            ///
            /// # Errors
            /// [`PutError::Full`] or [`PutError::ShutDown`], with the item.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(1);")]
            /// queue.try_put(1).unwrap();
            /// assert_eq!(queue.try_put(2).unwrap_err().into_inner(), 2);
            /// ```
            pub fn try_put(&self, item: T) -> Result<(), PutError<T>> {
                self.core.put(item, Wait::No)
            }

            /// Adds `item`, waiting at most `timeout` for room.
            /// Python: `queue.put(item, timeout=t)`.
            ///
            /// # Errors
            /// [`PutError::Full`] when the time ran out, [`PutError::ShutDown`]
            /// on shutdown; either way with the item.
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(1);")]
            /// queue.put(1).unwrap();
            /// assert!(queue.put_timeout(2, Duration::from_millis(5)).is_err());
            /// ```
            pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
                self.core.put(item, Wait::Until(deadline(timeout)))
            }

            /// Removes and returns the next item, waiting while the queue is
            /// empty. Python: `queue.get()`.
            ///
            /// # Errors
            /// [`GetError::ShutDown`] once the queue is shut down and empty.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(0);")]
            /// queue.put(7).unwrap();
            /// assert_eq!(queue.get(), Ok(7));
            /// ```
            pub fn get(&self) -> Result<T, GetError> {
                self.core.get(Wait::Until(None))
            }

            /// Removes and returns the next item if there is one now.
            /// Python: `queue.get_nowait()`.
            ///
            /// # Errors
            /// [`GetError::Empty`], or [`GetError::ShutDown`] when shut down
            /// and empty.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::<u8>::new(0);")]
            /// assert_eq!(queue.try_get(), Err(lockstep_queue::GetError::Empty));
            /// ```
            pub fn try_get(&self) -> Result<T, GetError> {
                self.core.get(Wait::No)
            }

            /// Removes and returns the next item, waiting at most `timeout`.
            /// Python: `queue.get(timeout=t)`.
            ///
            /// # Errors
            /// [`GetError::Empty`] when the time ran out, [`GetError::ShutDown`]
            /// when shut down and empty.
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::<u8>::new(0);")]
            /// assert!(queue.get_timeout(Duration::from_millis(5)).is_err());
            /// ```
            pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
                self.core.get(Wait::Until(deadline(timeout)))
            }

            /// How many items are queued now. Python: `queue.qsize()`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(0);")]
            /// queue.put(1).unwrap();
            /// assert_eq!(queue.qsize(), 1);
            /// ```
            pub fn qsize(&self) -> usize {
                self.core.qsize()
            }

            /// Whether no item is queued now. Python: `queue.empty()`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::<u8>::new(0);")]
            /// assert!(queue.empty());
            /// ```
            pub fn empty(&self) -> bool {
                self.qsize() == 0
            }

            /// Whether the queue is bounded and at its bound now; always
            /// `false` when unbounded. Python: `queue.full()`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(1);")]
            /// queue.put(1).unwrap();
            /// assert!(queue.full());
            /// ```
            pub fn full(&self) -> bool {
                self.core.full()
            }

            /// The bound (0: unbounded). Python: `queue.maxsize`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::<u8>::new(3);")]
            /// assert_eq!(queue.maxsize(), 3);
            /// ```
            pub fn maxsize(&self) -> usize {
                self.core.maxsize()
            }

            /// Changes the bound (0: unbounded); waiting putters re-check.
            /// Python: assigning `queue.maxsize`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(1);")]
            /// queue.put(1).unwrap();
            /// queue.set_maxsize(2);
            /// assert!(queue.try_put(2).is_ok());
            /// ```
            pub fn set_maxsize(&self, maxsize: usize) {
                self.core.set_maxsize(maxsize);
            }

            /// Marks one fetched item as processed. Python: `queue.task_done()`.
            ///
            /// # Errors
            /// [`TaskDoneError`] if called more times than items were put;
            /// nothing changes.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(0);")]
            /// queue.put(1).unwrap();
            /// queue.get().unwrap();
            /// assert!(queue.task_done().is_ok());
            /// assert!(queue.task_done().is_err());
            /// ```
            pub fn task_done(&self) -> Result<(), TaskDoneError> {
                self.core.task_done()
            }

            /// Waits until every item ever put has been marked done with
            /// [`task_done`](Self::task_done). Python: `queue.join()`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(0);")]
            /// queue.put(1).unwrap();
            /// std::thread::scope(|s| {
            ///     s.spawn(|| {
            ///         queue.get().unwrap();
            ///         queue.task_done().unwrap();
            ///     });
            ///     queue.join();
            /// });
            /// assert_eq!(queue.unfinished_tasks(), 0);
            /// ```
            pub fn join(&self) {
                self.core.join();
            }

            /// Items put and not yet marked done.
            /// Python: `queue.unfinished_tasks`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(0);")]
            /// queue.put(1).unwrap();
            /// queue.get().unwrap();
            /// assert_eq!(queue.unfinished_tasks(), 1); // fetched, not done
            /// ```
            pub fn unfinished_tasks(&self) -> usize {
                self.core.unfinished_tasks()
            }

            /// Shuts the queue down (Python 3.13). Puts then fail with
            /// `ShutDown(item)`, blocked ones too; gets drain what is left,
            /// then fail with `ShutDown`. With `immediate`, the items left
            /// are dropped, each counted as done, and `join` is woken.
            /// Repeatable. Python: `queue.shutdown(immediate)`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::new(0);")]
            /// queue.put(1).unwrap();
            /// queue.shutdown(false);
            /// assert_eq!(queue.get(), Ok(1));
            /// assert_eq!(queue.get(), Err(lockstep_queue::GetError::ShutDown));
            /// ```
            pub fn shutdown(&self, immediate: bool) {
                self.core.shutdown(immediate);
            }

            /// Whether [`shutdown`](Self::shutdown) was called.
            /// Python: `queue.is_shutdown`.
            ///
            /// ```
            #[doc = concat!("let queue = lockstep_queue::", stringify!($name), "::<u8>::new(0);")]
            /// queue.shutdown(true);
            /// assert!(queue.is_shutdown());
            /// ```
            pub fn is_shutdown(&self) -> bool {
                self.core.is_shutdown()
            }
        }

        impl<T: $($bound)+> Default for $name<T> {
            /// An unbounded queue.
            fn default() -> Self {
                $name::new(0)
            }
        }

        impl<T: $($bound)+> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("qsize", &self.qsize())
                    .field("maxsize", &self.maxsize())
                    .field("unfinished_tasks", &self.unfinished_tasks())
                    .field("is_shutdown", &self.is_shutdown())
                    .finish()
            }
        }
    };
}

python_queue! {
    /// Python's `queue.Queue`: first in, first out, optionally bounded, with
    /// `task_done`/`join` and 3.13's `shutdown`.
    ///
    /// # Python parity
    /// - A failed put returns its item inside the error; nothing is lost.
    /// - Timeouts are `Duration`s (no `ValueError`); `Duration::ZERO` only
    ///   tries, `Duration::MAX` waits forever.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::new(0);
    /// for item in [111, 333, 222] {
    ///     queue.put(item).unwrap();
    /// }
    /// let order: Vec<_> = (0..3).map(|_| queue.get().unwrap()).collect();
    /// assert_eq!(order, [111, 333, 222]);
    /// ```
    Queue, Fifo, Sized
}

python_queue! {
    /// Python's `queue.LifoQueue`: last in, first out (a stack), otherwise
    /// as [`Queue`].
    ///
    /// ```
    /// let queue = lockstep_queue::LifoQueue::new(0);
    /// for item in [111, 333, 222] {
    ///     queue.put(item).unwrap();
    /// }
    /// let order: Vec<_> = (0..3).map(|_| queue.get().unwrap()).collect();
    /// assert_eq!(order, [222, 333, 111]);
    /// ```
    LifoQueue, Lifo, Sized
}

python_queue! {
    /// Python's `queue.PriorityQueue`: smallest item first, otherwise as
    /// [`Queue`].
    ///
    /// # Python parity
    /// Equal items leave in the order they were put (stable). Python's
    /// heap-based queue gives no such promise, so `(priority, payload)`
    /// tuples there also compare payloads; here ties simply stay FIFO.
    ///
    /// ```
    /// let queue = lockstep_queue::PriorityQueue::new(0);
    /// for job in [(1, "eat"), (0, "wake"), (1, "sleep")] {
    ///     queue.put(job).unwrap();
    /// }
    /// assert_eq!(queue.get(), Ok((0, "wake")));
    /// ```
    PriorityQueue, Priority, Ord
}
