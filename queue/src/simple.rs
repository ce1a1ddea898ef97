//! `SimpleQueue`: Python's `queue.SimpleQueue`.

use crate::engine::Core;
use crate::store::Fifo;
use crate::{GetError, PutError};
use lockstep_sync::{deadline, passed};
use std::fmt;
use std::time::{Duration, Instant};

/// Python's `queue.SimpleQueue`: an unbounded FIFO queue with no task
/// tracking, no bound and no shutdown. A put never fails or waits; `put`
/// and `get` still return `Result`s, like [`Queue`](crate::Queue)'s, so
/// code moves between the two unchanged.
///
/// It runs on the same core as [`Queue`](crate::Queue) with task counting
/// switched off: one short lock hold per operation, no allocation per item
/// in steady state, and a wake-up only when a getter waits.
///
/// ```
/// use lockstep_queue::SimpleQueue;
/// use std::thread;
///
/// let queue = SimpleQueue::new();
/// thread::scope(|s| {
///     s.spawn(|| queue.put("baozi").unwrap());
///     assert_eq!(queue.get(), Ok("baozi"));
/// });
/// ```
pub struct SimpleQueue<T> {
    pub(crate) core: Core<T, Fifo<T>>,
}

impl<T> SimpleQueue<T> {
    /// An empty queue. Python: `queue.SimpleQueue()`.
    ///
    /// ```
    /// let queue = lockstep_queue::SimpleQueue::<u8>::new();
    /// assert!(queue.empty());
    /// ```
    pub fn new() -> SimpleQueue<T> {
        SimpleQueue { core: Core::new(0, false, None) }
    }

    /// Adds `item`; never waits. Python: `queue.put(item)`.
    ///
    /// # Errors
    /// Never: a `SimpleQueue` is unbounded and has no shutdown. The
    /// `Result` keeps call sites the same as [`Queue::put`](crate::Queue::put)'s.
    ///
    /// ```
    /// let queue = lockstep_queue::SimpleQueue::new();
    /// queue.put(1).unwrap();
    /// assert_eq!(queue.qsize(), 1);
    /// ```
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        self.core.put(item, None)
    }

    /// Removes and returns the oldest item, waiting while there is none.
    /// Python: `queue.get()`.
    ///
    /// # Errors
    /// Never (there is no shutdown); the `Result` matches
    /// [`Queue::get`](crate::Queue::get).
    ///
    /// ```
    /// let queue = lockstep_queue::SimpleQueue::new();
    /// queue.put(1).unwrap();
    /// assert_eq!(queue.get(), Ok(1));
    /// ```
    pub fn get(&self) -> Result<T, GetError> {
        self.core.get(None)
    }

    /// The oldest item if there is one now. Python: `queue.get_nowait()`.
    ///
    /// # Errors
    /// [`GetError::Empty`] when the queue is empty.
    ///
    /// ```
    /// let queue = lockstep_queue::SimpleQueue::<u8>::new();
    /// assert!(queue.try_get().is_err());
    /// ```
    pub fn try_get(&self) -> Result<T, GetError> {
        self.core.get(Some(passed()))
    }

    /// The oldest item, waiting at most `timeout`. Python: `queue.get(timeout=t)`.
    ///
    /// # Errors
    /// [`GetError::Empty`] when the time ran out.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let queue = lockstep_queue::SimpleQueue::<u8>::new();
    /// assert!(queue.get_timeout(Duration::from_millis(5)).is_err());
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
        self.core.get(deadline(timeout))
    }

    /// Removes and returns the oldest item, waiting until `deadline` at
    /// most: the `Instant` form of [`get_timeout`](Self::get_timeout).
    ///
    /// # Errors
    /// [`GetError::Empty`] when the deadline passed.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let queue = lockstep_queue::SimpleQueue::<u8>::new();
    /// assert!(queue.get_until(Instant::now() + Duration::from_millis(5)).is_err());
    /// ```
    pub fn get_until(&self, deadline: Instant) -> Result<T, GetError> {
        self.core.get(Some(deadline))
    }

    /// How many items are queued now. Python: `queue.qsize()`.
    ///
    /// ```
    /// assert_eq!(lockstep_queue::SimpleQueue::<u8>::new().qsize(), 0);
    /// ```
    pub fn qsize(&self) -> usize {
        self.core.qsize()
    }

    /// Whether no item is queued now. Python: `queue.empty()`.
    ///
    /// ```
    /// assert!(lockstep_queue::SimpleQueue::<u8>::new().empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }
}

impl<T> Default for SimpleQueue<T> {
    fn default() -> SimpleQueue<T> {
        SimpleQueue::new()
    }
}

impl<T> fmt::Debug for SimpleQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("SimpleQueue");
        if let Some(name) = self.name() {
            out.field("name", &name);
        }
        out.field("qsize", &self.qsize()).finish()
    }
}
