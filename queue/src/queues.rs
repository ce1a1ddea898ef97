//! `BaseQueue`, Python's `queue.Queue` class over any [`Store`], and its
//! three named kinds `Queue`, `LifoQueue` and `PriorityQueue`, which differ
//! only in their store (as Python's subclasses override `_put`/`_get`).

use crate::engine::Core;
use crate::store::{Fifo, Lifo, Priority, Store};
use crate::{GetError, PutError, TaskDoneError};
use lockstep_sync::{deadline, passed};
use std::fmt;
use std::time::{Duration, Instant};

/// Python's `queue.Queue` class over any removal order: the items live in
/// a [`Store`] (`Fifo`, `Lifo`, `Priority`, or your own, as Python
/// subclasses override `_put`/`_get`/`_qsize`), optionally bounded, with
/// `task_done`/`join` and 3.13's `shutdown`. Use it through its named
/// kinds [`Queue`], [`LifoQueue`] and [`PriorityQueue`].
///
/// # Python parity
/// - A failed put returns its item inside the error; nothing is lost.
/// - Timeouts are `Duration`s (no `ValueError`); `Duration::ZERO` only
///   tries, `Duration::MAX` waits forever. Every timed call also has an
///   `_until(Instant)` form.
///
/// ```
/// use lockstep_queue::{BaseQueue, Store};
///
/// // A queue that hands out the longest word first.
/// struct Longest(Vec<String>);
/// impl Store<String> for Longest {
///     fn with_capacity(capacity: usize) -> Self {
///         Longest(Vec::with_capacity(capacity))
///     }
///     fn push(&mut self, word: String) {
///         self.0.push(word);
///         self.0.sort_by_key(|word| word.len());
///     }
///     fn pop(&mut self) -> Option<String> {
///         self.0.pop()
///     }
///     fn len(&self) -> usize {
///         self.0.len()
///     }
/// }
///
/// let queue: BaseQueue<String, Longest> = BaseQueue::new(0);
/// for word in ["baozi", "tea", "dumplings"] {
///     queue.put(word.to_string()).unwrap();
/// }
/// assert_eq!(queue.get().unwrap(), "dumplings");
/// ```
pub struct BaseQueue<T, S> {
    pub(crate) core: Core<T, S>,
}

/// Python's `queue.Queue`: first in, first out, optionally bounded, with
/// `task_done`/`join` and 3.13's `shutdown`; every method is
/// [`BaseQueue`]'s.
///
/// ```
/// let queue = lockstep_queue::Queue::new(0);
/// for item in [111, 333, 222] {
///     queue.put(item).unwrap();
/// }
/// let order: Vec<_> = (0..3).map(|_| queue.get().unwrap()).collect();
/// assert_eq!(order, [111, 333, 222]);
/// ```
pub type Queue<T> = BaseQueue<T, Fifo<T>>;

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
pub type LifoQueue<T> = BaseQueue<T, Lifo<T>>;

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
pub type PriorityQueue<T> = BaseQueue<T, Priority<T>>;

impl<T, S: Store<T>> BaseQueue<T, S> {
    /// A queue holding at most `maxsize` items; `0` means unbounded.
    /// Python: `queue.Queue(maxsize)`.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::<u32>::new(10);
    /// assert_eq!(queue.maxsize(), 10);
    /// ```
    pub fn new(maxsize: usize) -> Self {
        BaseQueue { core: Core::new(maxsize, true, None) }
    }

    /// Adds `item`, waiting while the queue is full.
    /// Python: `queue.put(item)`.
    ///
    /// # Errors
    /// [`PutError::ShutDown`] with the item if the queue is (or,
    /// while waiting, becomes) shut down.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::new(0);
    /// queue.put(5).unwrap();
    /// assert_eq!(queue.qsize(), 1);
    /// ```
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        self.core.put(item, None)
    }

    /// Adds `item` if there is room now. Python: `queue.put_nowait(item)`.
    ///
    /// # Errors
    /// [`PutError::Full`] or [`PutError::ShutDown`], with the item.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::new(1);
    /// queue.try_put(1).unwrap();
    /// assert_eq!(queue.try_put(2).unwrap_err().into_inner(), 2);
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), PutError<T>> {
        self.core.put(item, Some(passed()))
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
    /// let queue = lockstep_queue::Queue::new(1);
    /// queue.put(1).unwrap();
    /// assert!(queue.put_timeout(2, Duration::from_millis(5)).is_err());
    /// ```
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
        self.core.put(item, deadline(timeout))
    }

    /// Adds `item`, waiting until `deadline` at most for room: the
    /// `Instant` form of [`put_timeout`](Self::put_timeout).
    ///
    /// # Errors
    /// As [`put_timeout`](Self::put_timeout)'s, with the item.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let queue = lockstep_queue::Queue::new(1);
    /// let deadline = Instant::now() + Duration::from_millis(5);
    /// queue.put_until(1, deadline).unwrap();
    /// assert!(queue.put_until(2, deadline).is_err());
    /// ```
    pub fn put_until(&self, item: T, deadline: Instant) -> Result<(), PutError<T>> {
        self.core.put(item, Some(deadline))
    }

    /// Removes and returns the next item, waiting while the queue is
    /// empty. Python: `queue.get()`.
    ///
    /// # Errors
    /// [`GetError::ShutDown`] once the queue is shut down and empty.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::new(0);
    /// queue.put(7).unwrap();
    /// assert_eq!(queue.get(), Ok(7));
    /// ```
    pub fn get(&self) -> Result<T, GetError> {
        self.core.get(None)
    }

    /// Removes and returns the next item if there is one now.
    /// Python: `queue.get_nowait()`.
    ///
    /// # Errors
    /// [`GetError::Empty`], or [`GetError::ShutDown`] when shut down
    /// and empty.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::<u8>::new(0);
    /// assert_eq!(queue.try_get(), Err(lockstep_queue::GetError::Empty));
    /// ```
    pub fn try_get(&self) -> Result<T, GetError> {
        self.core.get(Some(passed()))
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
    /// let queue = lockstep_queue::Queue::<u8>::new(0);
    /// assert!(queue.get_timeout(Duration::from_millis(5)).is_err());
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
        self.core.get(deadline(timeout))
    }

    /// Removes and returns the next item, waiting until `deadline` at
    /// most: the `Instant` form of [`get_timeout`](Self::get_timeout).
    ///
    /// # Errors
    /// As [`get_timeout`](Self::get_timeout)'s.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let queue = lockstep_queue::Queue::<u8>::new(0);
    /// let deadline = Instant::now() + Duration::from_millis(5);
    /// assert_eq!(queue.get_until(deadline), Err(lockstep_queue::GetError::Empty));
    /// ```
    pub fn get_until(&self, deadline: Instant) -> Result<T, GetError> {
        self.core.get(Some(deadline))
    }

    /// How many items are queued now. Python: `queue.qsize()`.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::new(0);
    /// queue.put(1).unwrap();
    /// assert_eq!(queue.qsize(), 1);
    /// ```
    pub fn qsize(&self) -> usize {
        self.core.qsize()
    }

    /// Whether no item is queued now. Python: `queue.empty()`.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::<u8>::new(0);
    /// assert!(queue.empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether the queue is bounded and at its bound now; always
    /// `false` when unbounded. Python: `queue.full()`.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::new(1);
    /// queue.put(1).unwrap();
    /// assert!(queue.full());
    /// ```
    pub fn full(&self) -> bool {
        self.core.full()
    }

    /// The bound (0: unbounded). Python: `queue.maxsize`.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::<u8>::new(3);
    /// assert_eq!(queue.maxsize(), 3);
    /// ```
    pub fn maxsize(&self) -> usize {
        self.core.maxsize()
    }

    /// Changes the bound (0: unbounded); waiting putters re-check.
    /// Python: assigning `queue.maxsize`.
    ///
    /// A `Queue` created with a `maxsize` from 1 to 4096 (and at most 1 MiB
    /// of items) keeps its items in a lock-free ring of that size; the
    /// first call moves them under the lock for good, so puts and gets
    /// lock from then on.
    ///
    /// ```
    /// let queue = lockstep_queue::Queue::new(1);
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
    /// let queue = lockstep_queue::Queue::new(0);
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
    /// let queue = lockstep_queue::Queue::new(0);
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
    /// let queue = lockstep_queue::Queue::new(0);
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
    /// let queue = lockstep_queue::Queue::new(0);
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
    /// let queue = lockstep_queue::Queue::<u8>::new(0);
    /// queue.shutdown(true);
    /// assert!(queue.is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.core.is_shutdown()
    }
}

impl<T, S: Store<T>> Default for BaseQueue<T, S> {
    /// An unbounded queue.
    fn default() -> Self {
        BaseQueue::new(0)
    }
}

impl<T, S: Store<T>> fmt::Debug for BaseQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct(S::NAME);
        if let Some(name) = self.name() {
            out.field("name", &name);
        }
        out.field("qsize", &self.qsize())
            .field("maxsize", &self.maxsize())
            .field("unfinished_tasks", &self.unfinished_tasks())
            .field("is_shutdown", &self.is_shutdown())
            .finish()
    }
}
