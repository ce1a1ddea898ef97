//! `Condition`: Python's `threading.Condition`.

use crate::{ConditionError, ConditionGuard, ConditionLock};
use lockstep_rlock::RLock;
use lockstep_sync::wait_queue::{CondvarLock, WaitQueue, Wake};
use lockstep_sync::{ReleaseError, deadline};
use std::fmt;
use std::time::{Duration, Instant};

/// Python's `threading.Condition`: a lock (an [`RLock`] unless you pass
/// one, as `Condition(lock)`) plus a queue of threads waiting to be
/// notified.
///
/// A thread that holds the lock calls [`wait`](Condition::wait): it joins
/// the queue, releases the lock (all its levels), sleeps until notified,
/// then takes the lock back at the same depth. [`notify(n)`](Condition::notify)
/// wakes the `n` longest-waiting threads; it, too, needs the lock. Use
/// the methods here in Python's style (misuse is an `Err`), or hold a
/// [`ConditionGuard`] from [`lock`](Condition::lock), whose methods can't be
/// misused that way.
///
/// Waiters park in the parking lot's FIFO queue for this condition; the
/// lock's release happens after the waiter is queued, so a notify can't
/// slip in between. A notify moves its waiters onto the lock's own queue
/// instead of waking them to block on the lock the notifier still holds:
/// they wake, one by one, as the lock is released. `notify` with nobody
/// waiting is one atomic load.
///
/// # Python parity
/// - There are no spurious wake-ups: `wait_timeout` returns `true` only if
///   a `notify` chose this thread, `false` only on timeout.
/// - `wait_for` takes a `bool` predicate and returns its last value; it
///   checks the predicate before waiting, as Python does.
/// - [`with_lock`](Condition::with_lock) takes a [`Lock`](lockstep_lock::Lock)
///   or an `RLock`, owned or shared (`&lock`, `Arc<Lock>`), so several
///   conditions can share one lock. Over a `Lock`, "holds the lock" means
///   "some thread holds it", as CPython approximates `_is_owned` there.
/// - A wait whose timeout has already run out (`wait_timeout(Duration::ZERO)`)
///   returns `false` at once without releasing the lock (Python releases
///   and re-takes it).
///
/// # Examples
/// ```
/// use lockstep_condition::{Condition, ConditionError};
///
/// let cond = Condition::new();
/// assert_eq!(cond.wait(), Err(ConditionError::WaitUnacquired));
/// cond.acquire();
/// assert_eq!(cond.notify_all(), Ok(())); // nobody waits: nothing happens
/// cond.release().unwrap();
/// ```
pub struct Condition<L: ConditionLock = RLock> {
    lock: L,
    waiters: WaitQueue,
}

impl Condition {
    lockstep_sync::const_fn! {
        /// A condition with a fresh `RLock`. Python: `threading.Condition()`.
        ///
        /// ```
        /// static STOCK_CHANGED: lockstep_condition::Condition = lockstep_condition::Condition::new();
        /// assert!(!STOCK_CHANGED.locked());
        /// ```
        pub fn new() -> Condition {
            Condition::with_lock(RLock::new())
        }
    }

    lockstep_sync::const_fn! {
        /// A condition whose lock has a name, shown in deadlock reports.
        ///
        /// ```
        /// let cond = lockstep_condition::Condition::named("shop");
        /// assert_eq!(cond.rlock().name(), Some("shop"));
        /// ```
        pub fn named(name: &'static str) -> Condition {
            Condition::with_lock(RLock::named(name))
        }
    }

    /// The underlying `RLock`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// assert!(cond.rlock().is_owned());
    /// ```
    pub fn rlock(&self) -> &RLock {
        &self.lock
    }
}

impl<L: ConditionLock> Condition<L> {
    lockstep_sync::const_fn! {
        /// A condition over `lock`: a [`Lock`](lockstep_lock::Lock) or an
        /// [`RLock`], or a `&` or `Arc` of one to share it with other
        /// conditions. Python: `threading.Condition(lock)`.
        ///
        /// ```
        /// use lockstep_condition::Condition;
        /// use lockstep_lock::Lock;
        ///
        /// let mutex = Lock::new();
        /// let not_empty = Condition::with_lock(&mutex);
        /// let not_full = Condition::with_lock(&mutex);
        /// not_empty.acquire();
        /// assert!(!mutex.try_acquire()); // one lock under both
        /// not_full.release().unwrap();
        /// assert!(!not_empty.locked());
        /// ```
        pub fn with_lock(lock: L) -> Condition<L> {
            Condition { lock, waiters: WaitQueue::new() }
        }
    }

    /// The lock this condition waits with.
    ///
    /// ```
    /// let mutex = lockstep_lock::Lock::named("mutex");
    /// let cond = lockstep_condition::Condition::with_lock(&mutex);
    /// assert_eq!(cond.underlying_lock().name(), Some("mutex"));
    /// ```
    pub fn underlying_lock(&self) -> &L::Lock {
        self.lock.get()
    }

    /// Takes the lock (re-entrantly, for an `RLock`). Python: `cond.acquire()`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// cond.acquire();
    /// assert!(cond.is_owned());
    /// # cond.release().unwrap();
    /// ```
    pub fn acquire(&self) {
        self.lock.get().acquire();
    }

    /// Takes the lock if that needs no wait. Python: `cond.acquire(False)`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(cond.try_acquire());
    /// # cond.release().unwrap();
    /// ```
    pub fn try_acquire(&self) -> bool {
        self.lock.get().try_acquire()
    }

    /// Releases one level of the lock. Python: `cond.release()`.
    ///
    /// # Errors
    /// The lock's own release error: [`ReleaseError::NotOwner`] for an
    /// `RLock` the caller does not own, [`ReleaseError::Unlocked`] for a
    /// free `Lock`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(cond.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), ReleaseError> {
        self.lock.get().release()
    }

    /// Whether any thread holds the lock. Python 3.14: `cond.locked()`.
    ///
    /// ```
    /// assert!(!lockstep_condition::Condition::new().locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.lock.get().locked()
    }

    /// Whether the calling thread holds the lock (over a `Lock`: whether
    /// anyone does). Python: `cond._is_owned()`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// assert!(cond.is_owned());
    /// ```
    pub fn is_owned(&self) -> bool {
        self.lock.get().is_owned()
    }

    /// Takes the lock and returns a guard to wait and notify through.
    /// Python: `with cond:`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let held = cond.lock();
    /// held.notify(1);
    /// drop(held);
    /// assert!(!cond.locked());
    /// ```
    pub fn lock(&self) -> ConditionGuard<'_, L> {
        self.acquire();
        ConditionGuard::new(self)
    }

    /// Waits until notified. Python: `cond.wait()`.
    ///
    /// # Errors
    /// [`ConditionError::WaitUnacquired`] if the caller does not hold the lock.
    ///
    /// ```
    /// use std::thread;
    /// let cond = lockstep_condition::Condition::new();
    /// cond.acquire();
    /// thread::scope(|s| {
    ///     s.spawn(|| {
    ///         let _held = cond.lock(); // only possible once main waits
    ///         cond.notify(1).unwrap();
    ///     });
    ///     cond.wait().unwrap();
    /// });
    /// # cond.release().unwrap();
    /// ```
    pub fn wait(&self) -> Result<(), ConditionError> {
        self.wait_deadline(None).map(drop)
    }

    /// Waits at most `timeout` to be notified: `Ok(true)` if notified,
    /// `Ok(false)` if the time ran out. Python: `cond.wait(timeout)`.
    ///
    /// # Errors
    /// [`ConditionError::WaitUnacquired`] if the caller does not hold the lock.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// assert_eq!(cond.wait_timeout(Duration::from_millis(5)), Ok(false));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> Result<bool, ConditionError> {
        self.wait_deadline(deadline(timeout))
    }

    /// Waits until `deadline` at most to be notified, as
    /// [`wait_timeout`](Condition::wait_timeout) does.
    ///
    /// # Errors
    /// [`ConditionError::WaitUnacquired`] if the caller does not hold the lock.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// let deadline = Instant::now() + Duration::from_millis(5);
    /// assert_eq!(cond.wait_until(deadline), Ok(false));
    /// assert_eq!(cond.wait_until(deadline), Ok(false)); // passed: no wait
    /// ```
    pub fn wait_until(&self, deadline: Instant) -> Result<bool, ConditionError> {
        self.wait_deadline(Some(deadline))
    }

    /// Waits until `predicate()` is true, re-checking it after each wake-up,
    /// for at most `timeout` in all (`None`: no limit). Returns the
    /// predicate's last value. Python: `cond.wait_for(predicate, timeout)`.
    ///
    /// # Errors
    /// [`ConditionError::WaitUnacquired`] if the caller does not hold the
    /// lock and would have to wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// assert_eq!(cond.wait_for(|| true, None), Ok(true)); // no wait at all
    /// assert_eq!(cond.wait_for(|| false, Some(Duration::from_millis(5))), Ok(false));
    /// ```
    pub fn wait_for(
        &self,
        predicate: impl FnMut() -> bool,
        timeout: Option<Duration>,
    ) -> Result<bool, ConditionError> {
        self.wait_for_deadline(predicate, timeout.and_then(deadline))
    }

    /// [`wait_for`](Condition::wait_for) with the deadline as an `Instant`.
    ///
    /// # Errors
    /// [`ConditionError::WaitUnacquired`] if the caller does not hold the
    /// lock and would have to wait.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// let soon = Instant::now() + Duration::from_millis(5);
    /// assert_eq!(cond.wait_for_until(|| false, soon), Ok(false));
    /// ```
    pub fn wait_for_until(
        &self,
        predicate: impl FnMut() -> bool,
        deadline: Instant,
    ) -> Result<bool, ConditionError> {
        self.wait_for_deadline(predicate, Some(deadline))
    }

    /// Wakes the `n` longest-waiting threads (fewer if fewer wait).
    /// Python: `cond.notify(n)`.
    ///
    /// # Errors
    /// [`ConditionError::NotifyUnacquired`] if the caller does not hold the lock.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// assert_eq!(cond.notify(2), Ok(()));
    /// ```
    pub fn notify(&self, n: usize) -> Result<(), ConditionError> {
        if !self.is_owned() {
            return Err(ConditionError::NotifyUnacquired);
        }
        self.waiters.notify(self.lock.get(), n);
        Ok(())
    }

    /// Wakes every waiting thread. Python: `cond.notify_all()`.
    ///
    /// # Errors
    /// [`ConditionError::NotifyUnacquired`] if the caller does not hold the lock.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(cond.notify_all().is_err());
    /// ```
    pub fn notify_all(&self) -> Result<(), ConditionError> {
        if !self.is_owned() {
            return Err(ConditionError::NotifyUnacquired);
        }
        self.waiters.notify_all(self.lock.get());
        Ok(())
    }

    /// One wait, to `deadline` (`None`: no limit). `Ok(true)` if notified.
    fn wait_deadline(&self, deadline: Option<Instant>) -> Result<bool, ConditionError> {
        match self.waiters.wait(self.lock.get(), deadline) {
            None => Err(ConditionError::WaitUnacquired),
            Some(wake) => Ok(wake == Wake::Notified),
        }
    }

    pub(crate) fn wait_for_deadline(
        &self,
        mut predicate: impl FnMut() -> bool,
        deadline: Option<Instant>,
    ) -> Result<bool, ConditionError> {
        loop {
            if predicate() {
                return Ok(true);
            }
            // Python always waits once here, so misuse is reported even
            // when the deadline has passed; after a timed-out wait the
            // predicate gets one last look, and the clock is not asked
            // again (loom, having none, needs that too).
            if !self.wait_deadline(deadline)? {
                return Ok(predicate());
            }
        }
    }
}

impl<L: ConditionLock + Default> Default for Condition<L> {
    fn default() -> Condition<L> {
        Condition::with_lock(L::default())
    }
}

impl<L: ConditionLock> fmt::Debug for Condition<L>
where
    L::Lock: fmt::Debug,
{
    /// Like Python's repr: the lock and how many threads wait.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("lock", &self.lock.get())
            .field("waiters", &self.waiters.waiters())
            .finish()
    }
}
