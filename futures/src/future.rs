//! `Future`: Python's `concurrent.futures.Future`, its state word, its
//! waits and its reads. Completion (cancel, set, callbacks) is in
//! `complete.rs`.

use crate::{FutureError, Panic};
use lockstep_lock::Mutex;
use lockstep_queue::SimpleQueue;
use lockstep_sync::SpinWait;
use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::{Acquire, Relaxed};
use lockstep_sync::cell::UnsafeCell;
use lockstep_sync::deadline;
use lockstep_sync::park::{self, ParkResult};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Bits 0..3 of the state word: where the future is in its life.
pub(crate) const STATE: usize = 0b111;
/// Neither started nor cancelled: `cancel` and the setters may take it.
pub(crate) const PENDING: usize = 0;
/// `set_running_or_notify_cancel` took it: it can no longer be cancelled.
pub(crate) const RUNNING: usize = 1;
/// A setter won the outcome cell and is writing it; nobody else touches
/// the cell until the state is `FINISHED`.
pub(crate) const COMPLETING: usize = 2;
/// The outcome is written, and never written again.
pub(crate) const FINISHED: usize = 3;
/// Cancelled from `PENDING`; the outcome cell stays empty.
pub(crate) const CANCELLED: usize = 4;
/// Bit 3: threads may be parked on the future; the transition to a done
/// state wakes them.
pub(crate) const WAITING: usize = 0b1000;
/// Bit 4: callbacks or watchers may be listed; the transition to a done
/// state takes the list under its lock.
pub(crate) const LISTED: usize = 0b1_0000;

/// Whether a state word is done (`FINISHED` or `CANCELLED`).
pub(crate) fn is_done(state: usize) -> bool {
    matches!(state & STATE, FINISHED | CANCELLED)
}

/// How a future ended, once `FINISHED`.
pub(crate) enum Outcome<T> {
    Value(T),
    Panicked(Panic),
    Broken,
}

pub(crate) type Callback<T> = Box<dyn FnOnce(&Future<T>) + Send>;

/// What runs when the future is done: user callbacks, and the queues of
/// `wait`/`as_completed` calls watching it (each with the future's index).
pub(crate) struct Lists<T> {
    pub(crate) callbacks: Vec<Callback<T>>,
    pub(crate) watchers: Vec<(Arc<SimpleQueue<usize>>, usize)>,
}

/// What a future's allocation carries after its own fields: the task an
/// executor runs for it (see `shared::TaskCell`), so that a submitted task
/// costs one allocation, not two; nothing (`()`) for `Future::new`. A
/// `Future` sees it only as this trait object and never touches it.
pub(crate) trait Tail: Send + Sync {}

impl<X: Send + Sync + ?Sized> Tail for X {}

pub(crate) struct Inner<T, K: ?Sized = dyn Tail> {
    /// `STATE` bits (`PENDING` … `CANCELLED`) | `WAITING` | `LISTED`.
    pub(crate) state: AtomicUsize,
    /// Written once, by the setter that moved the state to `COMPLETING`;
    /// read only after an Acquire load saw `FINISHED`.
    pub(crate) outcome: UnsafeCell<Option<Outcome<T>>>,
    /// May only be pushed to while the state is not done, and is taken
    /// (emptied for good) by the transition to a done state.
    pub(crate) lists: Mutex<Lists<T>>,
    /// The task, for the executor's queue entry only (`Tail`).
    pub(crate) task: K,
}

// SAFETY: the outcome is written by one thread (the `COMPLETING` owner)
// before the Release store of `FINISHED`, then only read through `&T`, by
// any thread (so `T: Sync`); it is moved in from and dropped on any thread
// (so `T: Send`). The lists are behind a `Mutex` and hold `Send` closures;
// the tail is `Send + Sync` itself.
unsafe impl<T: Send + Sync, K: ?Sized + Send + Sync> Sync for Inner<T, K> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync, K: ?Sized + Send + Sync> Send for Inner<T, K> {}

/// Python's `concurrent.futures.Future`: the result of a task that may not
/// have run yet. A cheap `Clone` handle; every clone is the same future.
///
/// States: PENDING → RUNNING → FINISHED, or PENDING → CANCELLED (a future
/// can also be finished straight from PENDING with [`set_result`](Future::set_result)).
/// The value is written once and then read, as `&T`, by any number of
/// threads: [`result`](Future::result) costs one atomic load once done.
///
/// # Python parity
/// - A task's panic is caught and kept as a [`Panic`]; `result` returns it
///   as `Err(FutureError::Panicked)` instead of re-raising.
/// - There is no `CANCELLED_AND_NOTIFIED`: `cancel` wakes waiters, watchers
///   and callbacks at once, so a cancelled future is done for `wait` and
///   `as_completed` (the documented behaviour, python/cpython#92001).
/// - A panicking callback is reported on stderr ("exception calling
///   callback for …") and swallowed; the later callbacks still run. Rust
///   has no `BaseException` that would skip them.
///
/// # Examples
/// ```
/// use lockstep_futures::Future;
/// use std::thread;
///
/// let future = Future::new();
/// let setter = future.clone();
/// future.add_done_callback(|f| println!("done: {:?}", f.result()));
/// thread::spawn(move || setter.set_result(256).unwrap());
/// assert_eq!(*future.result().unwrap(), 256);
/// ```
pub struct Future<T> {
    pub(crate) inner: Arc<Inner<T>>,
}

impl<T> Future<T> {
    /// A pending future, for custom executors and tests. Python:
    /// `Future()`.
    ///
    /// ```
    /// let future = lockstep_futures::Future::<u8>::new();
    /// assert!(!future.done() && !future.running() && !future.cancelled());
    /// ```
    pub fn new() -> Future<T> {
        Future { inner: Future::<T>::carrying(()) }
    }

    /// A new pending future's allocation with `task` after its fields.
    pub(crate) fn carrying<K>(task: K) -> Arc<Inner<T, K>> {
        let lists = Lists { callbacks: Vec::new(), watchers: Vec::new() };
        Arc::new(Inner {
            state: AtomicUsize::new(PENDING),
            outcome: UnsafeCell::new(None),
            lists: Mutex::new(lists),
            task,
        })
    }

    /// The state word, Acquire: a caller that sees `FINISHED` may read the
    /// outcome (pairs with the Release of the transition).
    pub(crate) fn load(&self) -> usize {
        self.inner.state.load(Acquire)
    }

    /// Whether it was cancelled. Python: `future.cancelled()`.
    ///
    /// ```
    /// let future = lockstep_futures::Future::<u8>::new();
    /// assert!(future.cancel() && future.cancelled());
    /// ```
    pub fn cancelled(&self) -> bool {
        self.load() & STATE == CANCELLED
    }

    /// Whether it is running: started and not done. Python:
    /// `future.running()`.
    ///
    /// ```
    /// let future = lockstep_futures::Future::<u8>::new();
    /// assert_eq!(future.set_running_or_notify_cancel(), Ok(true));
    /// assert!(future.running() && !future.cancel());
    /// ```
    pub fn running(&self) -> bool {
        self.load() & STATE == RUNNING
    }

    /// Whether it is finished or cancelled. Python: `future.done()`.
    ///
    /// ```
    /// let future = lockstep_futures::Future::new();
    /// future.set_result("done").unwrap();
    /// assert!(future.done());
    /// ```
    pub fn done(&self) -> bool {
        is_done(self.load())
    }

    /// Waits for the value. Python: `future.result()`.
    ///
    /// # Errors
    /// `Cancelled`, or the task's `Panicked`, or `Broken` when the pool's
    /// initializer failed before the task ran.
    ///
    /// ```
    /// use lockstep_futures::{Future, FutureError, Panic};
    /// let future = Future::<u8>::new();
    /// future.set_exception(Panic::new("doh!")).unwrap();
    /// assert_eq!(future.result(), Err(FutureError::Panicked(Panic::new("doh!"))));
    /// ```
    pub fn result(&self) -> Result<&T, FutureError> {
        self.wait_until(None);
        self.outcome()
    }

    /// Waits at most `timeout` for the value. Python:
    /// `future.result(timeout=t)`; `Duration::ZERO` only looks.
    ///
    /// # Errors
    /// `Timeout` if it is not done in time; otherwise as [`result`](Future::result).
    ///
    /// ```
    /// use lockstep_futures::{Future, FutureError};
    /// use std::time::Duration;
    /// let future = Future::<u8>::new();
    /// assert_eq!(future.result_timeout(Duration::ZERO), Err(FutureError::Timeout));
    /// ```
    pub fn result_timeout(&self, timeout: Duration) -> Result<&T, FutureError> {
        if !self.wait_timeout(timeout) {
            return Err(FutureError::Timeout);
        }
        self.outcome()
    }

    /// Waits for the future and returns its panic, `Ok(None)` on success.
    /// Python: `future.exception()`.
    ///
    /// # Errors
    /// `Cancelled`, or `Broken` when the task never ran.
    ///
    /// ```
    /// let future = lockstep_futures::Future::new();
    /// future.set_result(1).unwrap();
    /// assert_eq!(future.exception(), Ok(None));
    /// ```
    pub fn exception(&self) -> Result<Option<&Panic>, FutureError> {
        self.wait_until(None);
        self.panic()
    }

    /// As [`exception`](Future::exception), waiting at most `timeout`.
    /// Python: `future.exception(timeout=t)`.
    ///
    /// # Errors
    /// `Timeout` if it is not done in time; otherwise as [`exception`](Future::exception).
    ///
    /// ```
    /// use lockstep_futures::{Future, FutureError};
    /// let future = Future::<u8>::new();
    /// assert_eq!(future.exception_timeout(std::time::Duration::ZERO), Err(FutureError::Timeout));
    /// ```
    pub fn exception_timeout(&self, timeout: Duration) -> Result<Option<&Panic>, FutureError> {
        if !self.wait_timeout(timeout) {
            return Err(FutureError::Timeout);
        }
        self.panic()
    }

    /// Whether the two handles are the same future.
    ///
    /// ```
    /// let future = lockstep_futures::Future::<u8>::new();
    /// assert!(future.same(&future.clone()) && !future.same(&lockstep_futures::Future::new()));
    /// ```
    pub fn same(&self, other: &Future<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The outcome of a done future.
    fn outcome(&self) -> Result<&T, FutureError> {
        match self.read()? {
            Outcome::Value(value) => Ok(value),
            Outcome::Panicked(panic) => Err(FutureError::Panicked(panic.clone())),
            Outcome::Broken => Err(FutureError::Broken),
        }
    }

    fn panic(&self) -> Result<Option<&Panic>, FutureError> {
        match self.read()? {
            Outcome::Value(_) => Ok(None),
            Outcome::Panicked(panic) => Ok(Some(panic)),
            Outcome::Broken => Err(FutureError::Broken),
        }
    }

    /// The outcome cell of a done future, or `Cancelled`.
    fn read(&self) -> Result<&Outcome<T>, FutureError> {
        let state = self.load();
        assert!(is_done(state), "read before the future was done");
        if state & STATE == CANCELLED {
            return Err(FutureError::Cancelled);
        }
        // SAFETY: `FINISHED`, seen with Acquire, follows the one write of
        // the cell (the Release transition), and no write ever follows it.
        let outcome = self.inner.outcome.with(|cell| unsafe { (*cell).as_ref() });
        Ok(outcome.expect("a finished future has an outcome"))
    }

    fn wait_timeout(&self, timeout: Duration) -> bool {
        self.done() || (!timeout.is_zero() && self.wait_until(deadline(timeout)))
    }

    /// Waits until the future is done or `deadline` passes (`None`:
    /// never); whether it is done.
    pub(crate) fn wait_until(&self, deadline: Option<Instant>) -> bool {
        // A task submitted and waited for at once (`submit(f).result()`)
        // often finishes within microseconds: spin a little before paying
        // for a park and the completer's unpark (never under loom).
        let mut spin = SpinWait::new();
        loop {
            let state = self.load();
            if is_done(state) {
                return true;
            }
            if state & WAITING == 0 && spin.spin() {
                continue;
            }
            // Relaxed: announcing a waiter publishes nothing.
            if state & WAITING == 0
                && self.inner.state.compare_exchange(state, state | WAITING, Relaxed, Relaxed).is_err()
            {
                continue;
            }
            // SAFETY: the key is this future's own state word; the callbacks
            // neither panic nor call into the parking lot.
            let parked = unsafe {
                park::park(
                    self.key(),
                    // Relaxed: runs under the queue lock, which the done
                    // transition's `unpark_all` takes after it.
                    || !is_done(self.inner.state.load(Relaxed)),
                    || {},
                    |_, _| {},
                    deadline,
                )
            };
            if parked == ParkResult::TimedOut {
                return self.done();
            }
        }
    }

    /// The parking key: this future's state word, which is its own.
    pub(crate) fn key(&self) -> usize {
        &self.inner.state as *const AtomicUsize as usize
    }

    /// Python's name for the state.
    pub(crate) fn state_name(state: usize) -> &'static str {
        match state & STATE {
            PENDING => "PENDING",
            RUNNING => "RUNNING",
            CANCELLED => "CANCELLED",
            _ => "FINISHED",
        }
    }
}

impl<T> Clone for Future<T> {
    fn clone(&self) -> Future<T> {
        Future { inner: self.inner.clone() }
    }
}

impl<T> Default for Future<T> {
    fn default() -> Future<T> {
        Future::new()
    }
}

impl<T> PartialEq for Future<T> {
    fn eq(&self, other: &Future<T>) -> bool {
        self.same(other)
    }
}

impl<T> Eq for Future<T> {}

/// Python's repr: `<Future at 0x… state=pending>`, `state=finished
/// returned`, `state=finished raised Panic`.
impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.load();
        let name = Future::<T>::state_name(state).to_ascii_lowercase();
        write!(f, "<Future at {:#x} state={name}", self.key())?;
        if state & STATE == FINISHED {
            match self.read() {
                Ok(Outcome::Value(_)) => write!(f, " returned {}", std::any::type_name::<T>())?,
                Ok(_) => f.write_str(" raised Panic")?,
                Err(_) => {}
            }
        }
        f.write_str(">")
    }
}
