//! Helpers shared by the queue suites (`queue_conformance`, `queue_proptest`,
//! `queue_stress`), kept out of `lockstep_tests` (`tests/src/lib.rs`).
//!
//! - [`PyQueue`]: the methods `Queue`, `LifoQueue` and `PriorityQueue`
//!   share (API.md, "Queues"), so one generic test runs on all three, as
//!   CPython runs `BaseQueueTestMixin` on every queue type.
//! - [`Family`]: a queue type without its item type (`Fifo`, `Lifo`,
//!   `Priority`), so a generic test can make queues of any item type and
//!   knows which order items leave in ([`Family::removal_order`]).
//! - [`blocks_until`]: CPython's `do_blocking_test` without the sleep.
//! - [`release_on_panic`]: lets go of every thread blocked on a queue when
//!   a test's main thread fails, so that the test fails instead of hanging.
//!
//! Each suite uses a part of this module; the rest is dead code there.
#![allow(dead_code)]

use lockstep::{GetError, LifoQueue, PriorityQueue, PutError, Queue, TaskDoneError};
use lockstep_tests::stays;
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Barrier;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::SeqCst;
use std::thread;
use std::time::Duration;

/// How many yields a "this call stays blocked" check lasts.
pub const CHANCES: usize = 1_000;

/// The methods the three task-tracking queues share.
pub trait PyQueue<T>: Send + Sync + Debug + Default {
    /// `Queue::new(maxsize)`; `0` means unbounded.
    fn new(maxsize: usize) -> Self;
    /// Python's `put(item)`.
    fn put(&self, item: T) -> Result<(), PutError<T>>;
    /// Python's `put_nowait(item)`.
    fn try_put(&self, item: T) -> Result<(), PutError<T>>;
    /// Python's `put(item, timeout=t)`.
    fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>>;
    /// Python's `get()`.
    fn get(&self) -> Result<T, GetError>;
    /// Python's `get_nowait()`.
    fn try_get(&self) -> Result<T, GetError>;
    /// Python's `get(timeout=t)`.
    fn get_timeout(&self, timeout: Duration) -> Result<T, GetError>;
    /// Python's `qsize()`.
    fn qsize(&self) -> usize;
    /// Python's `empty()`.
    fn empty(&self) -> bool;
    /// Python's `full()`.
    fn full(&self) -> bool;
    /// Python's `maxsize`.
    fn maxsize(&self) -> usize;
    /// Python's `maxsize = n`.
    fn set_maxsize(&self, maxsize: usize);
    /// Python's `task_done()`.
    fn task_done(&self) -> Result<(), TaskDoneError>;
    /// Python's `join()`.
    fn join(&self);
    /// Python's `unfinished_tasks`.
    fn unfinished_tasks(&self) -> usize;
    /// Python's `shutdown(immediate)`.
    fn shutdown(&self, immediate: bool);
    /// Python's `is_shutdown`.
    fn is_shutdown(&self) -> bool;
}

macro_rules! impl_py_queue {
    ($queue:ident, $($bound:tt)+) => {
        impl<T: $($bound)+> PyQueue<T> for $queue<T> {
            fn new(maxsize: usize) -> Self {
                $queue::new(maxsize)
            }
            fn put(&self, item: T) -> Result<(), PutError<T>> {
                $queue::put(self, item)
            }
            fn try_put(&self, item: T) -> Result<(), PutError<T>> {
                $queue::try_put(self, item)
            }
            fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
                $queue::put_timeout(self, item, timeout)
            }
            fn get(&self) -> Result<T, GetError> {
                $queue::get(self)
            }
            fn try_get(&self) -> Result<T, GetError> {
                $queue::try_get(self)
            }
            fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
                $queue::get_timeout(self, timeout)
            }
            fn qsize(&self) -> usize {
                $queue::qsize(self)
            }
            fn empty(&self) -> bool {
                $queue::empty(self)
            }
            fn full(&self) -> bool {
                $queue::full(self)
            }
            fn maxsize(&self) -> usize {
                $queue::maxsize(self)
            }
            fn set_maxsize(&self, maxsize: usize) {
                $queue::set_maxsize(self, maxsize)
            }
            fn task_done(&self) -> Result<(), TaskDoneError> {
                $queue::task_done(self)
            }
            fn join(&self) {
                $queue::join(self)
            }
            fn unfinished_tasks(&self) -> usize {
                $queue::unfinished_tasks(self)
            }
            fn shutdown(&self, immediate: bool) {
                $queue::shutdown(self, immediate)
            }
            fn is_shutdown(&self) -> bool {
                $queue::is_shutdown(self)
            }
        }
    };
}
impl_py_queue!(Queue, Send);
impl_py_queue!(LifoQueue, Send);
impl_py_queue!(PriorityQueue, Ord + Send);

/// The order in which a queue type hands its items out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// `Queue`: first in, first out.
    Fifo,
    /// `LifoQueue`: last in, first out.
    Lifo,
    /// `PriorityQueue`: smallest first, equal items first in first out.
    Priority,
}

/// A queue type, for any item type: `Fifo::Of<T>` is `Queue<T>`.
pub trait Family {
    /// Which order this queue type hands items out in.
    const ORDER: Order;
    /// The queue type for items of type `T`.
    type Of<T: Ord + Send>: PyQueue<T>;

    /// A new queue of this type.
    fn new<T: Ord + Send>(maxsize: usize) -> Self::Of<T> {
        <Self::Of<T> as PyQueue<T>>::new(maxsize)
    }

    /// Takes out of `contents` (items in the order they were put) the item
    /// this queue type hands out next: a sequential model of the queue.
    fn take_next<T: Ord>(contents: &mut Vec<T>) -> Option<T> {
        if contents.is_empty() {
            return None;
        }
        let next = match Self::ORDER {
            Order::Fifo => 0,
            Order::Lifo => contents.len() - 1,
            // The first of the smallest: lockstep's priority queue is stable.
            Order::Priority => {
                let smallest = contents.iter().min()?;
                contents.iter().position(|item| item == smallest)?
            }
        };
        Some(contents.remove(next))
    }

    /// The order in which items put as `put` (with nothing taken out in
    /// between) come back out.
    fn removal_order<T: Ord + Clone>(put: &[T]) -> Vec<T> {
        let mut contents = put.to_vec();
        std::iter::from_fn(|| Self::take_next(&mut contents)).collect()
    }
}

/// `Queue`.
pub struct Fifo;
/// `LifoQueue`.
pub struct Lifo;
/// `PriorityQueue`.
pub struct Priority;

impl Family for Fifo {
    const ORDER: Order = Order::Fifo;
    type Of<T: Ord + Send> = Queue<T>;
}
impl Family for Lifo {
    const ORDER: Order = Order::Lifo;
    type Of<T: Ord + Send> = LifoQueue<T>;
}
impl Family for Priority {
    const ORDER: Order = Order::Priority;
    type Of<T: Ord + Send> = PriorityQueue<T>;
}

/// CPython's `do_blocking_test` without the sleep: runs `call` on a new
/// thread and checks that it does not return while the calling thread
/// yields [`CHANCES`] times; then runs `release` (CPython's trigger) and
/// returns what `call` returned.
///
/// "Does not return while we yield" is all that can be observed without
/// timing: a correct queue always passes, a queue whose call returns too
/// early fails with high probability. `release` runs before any assertion,
/// so a failure cannot leave the thread blocked forever.
///
/// # Panics
/// When `call` returned before `release` ran (CPython: "blocking function
/// appeared not to block"), or when `call` panicked.
pub fn blocks_until<R: Send>(call: impl FnOnce() -> R + Send, release: impl FnOnce()) -> R {
    let started = Barrier::new(2);
    let returned = AtomicBool::new(false);
    thread::scope(|s| {
        let blocked = s.spawn(|| {
            started.wait();
            let result = call();
            returned.store(true, SeqCst);
            result
        });
        started.wait();
        let stayed_blocked = stays(CHANCES, || !returned.load(SeqCst));
        release();
        let result = blocked.join().expect("the blocking call panicked");
        assert_eq!(stayed_blocked, Ok(()), "the blocking call appeared not to block");
        result
    })
}

/// Yields until `condition()` holds: for waiting on observable queue state
/// (`qsize()`, `unfinished_tasks()`, a counter) instead of sleeping.
pub fn wait_until(mut condition: impl FnMut() -> bool) {
    while !condition() {
        thread::yield_now();
    }
}

/// Runs `main`; if it panics, first releases every thread that may still
/// be blocked on `queue` (an immediate shutdown wakes putters and getters,
/// marking every task done wakes joiners), then re-raises the panic.
///
/// For a [`lockstep_tests::bunch`] main that asserts before it lets its
/// workers go: `bunch` joins the workers before re-raising, so without this
/// a failed assertion would turn into a hang.
pub fn release_on_panic<T, Q: PyQueue<T>, R>(queue: &Q, main: impl FnOnce() -> R) -> R {
    panic::catch_unwind(AssertUnwindSafe(main)).unwrap_or_else(|payload| {
        queue.shutdown(true);
        while queue.task_done().is_ok() {}
        panic::resume_unwind(payload)
    })
}
