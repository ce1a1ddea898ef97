//! The queue errors. Python raises `queue.Full`, `queue.Empty`,
//! `queue.ShutDown` and `ValueError`; here they are returned, and a failed
//! put always hands its item back.

use std::fmt;

/// A `put` that did not happen; the item comes back, so nothing is lost.
///
/// ```
/// use lockstep_queue::{PutError, Queue};
/// let queue = Queue::new(1);
/// queue.put("first").unwrap();
/// match queue.try_put("second") {
///     Err(PutError::Full(item)) => assert_eq!(item, "second"),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum PutError<T> {
    /// The queue stayed full (no wait, or the timeout ran out).
    /// Python: `queue.Full`.
    Full(T),
    /// The queue was shut down. Python: `queue.ShutDown`.
    ShutDown(T),
}

impl<T> PutError<T> {
    /// The item that was not put.
    ///
    /// ```
    /// let error = lockstep_queue::PutError::Full(7);
    /// assert_eq!(error.into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            PutError::Full(item) | PutError::ShutDown(item) => item,
        }
    }
}

impl<T> fmt::Debug for PutError<T> {
    /// Leaves the item out, so `T` need not be `Debug` (as std's `SendError`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PutError::Full(_) => "Full(..)",
            PutError::ShutDown(_) => "ShutDown(..)",
        })
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PutError::Full(_) => "Full: the queue is full",
            PutError::ShutDown(_) => "ShutDown: the queue is shut down",
        })
    }
}

impl<T> std::error::Error for PutError<T> {}

/// A `get` that returned no item.
///
/// ```
/// use lockstep_queue::{GetError, Queue};
/// let queue: Queue<u8> = Queue::new(0);
/// assert_eq!(queue.try_get(), Err(GetError::Empty));
/// queue.shutdown(false);
/// assert_eq!(queue.try_get(), Err(GetError::ShutDown));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GetError {
    /// The queue stayed empty (no wait, or the timeout ran out).
    /// Python: `queue.Empty`.
    Empty,
    /// The queue was shut down and is empty. Python: `queue.ShutDown`.
    ShutDown,
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GetError::Empty => "Empty: the queue is empty",
            GetError::ShutDown => "ShutDown: the queue is shut down",
        })
    }
}

impl std::error::Error for GetError {}

/// `task_done` called more times than items were put (Python's
/// `ValueError`). Nothing changed.
///
/// ```
/// let queue: lockstep_queue::Queue<u8> = lockstep_queue::Queue::new(0);
/// let error = queue.task_done().unwrap_err();
/// assert_eq!(error.to_string(), "task_done() called too many times");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskDoneError;

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl std::error::Error for TaskDoneError {}
