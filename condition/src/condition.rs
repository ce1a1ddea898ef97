//! `Condition`: Python's `threading.Condition`.

use crate::{ConditionError, ConditionGuard};
use lockstep_rlock::RLock;
use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::park::{self, ParkResult};
use lockstep_sync::{ReleaseError, deadline};
use std::fmt;
use std::time::{Duration, Instant};

/// Python's `threading.Condition`: an [`RLock`] plus a queue of threads
/// waiting to be notified.
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
/// slip in between. `notify` with nobody waiting is one atomic load.
///
/// # Python parity
/// - There are no spurious wake-ups: `wait_timeout` returns `true` only if
///   a `notify` chose this thread, `false` only on timeout.
/// - `wait_for` takes a `bool` predicate and returns its last value; it
///   checks the predicate before waiting, as Python does.
/// - The lock is always an `RLock` (Python's default); Python's
///   `Condition(Lock())` variant is not offered.
/// - `wait_timeout(Duration::ZERO)` returns `false` at once without
///   releasing the lock (Python releases and re-takes it).
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
pub struct Condition {
    lock: RLock,
    /// Threads between "about to park" and "woke up" in `wait`; changed and
    /// read only while holding `lock`. Its address is the waiters' parking
    /// key.
    waiters: AtomicUsize,
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
            Condition { lock: RLock::new(), waiters: AtomicUsize::new(0) }
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
            Condition { lock: RLock::named(name), waiters: AtomicUsize::new(0) }
        }
    }

    /// The underlying lock.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// assert!(cond.rlock().is_owned());
    /// ```
    pub fn rlock(&self) -> &RLock {
        &self.lock
    }

    /// Takes the lock (re-entrantly). Python: `cond.acquire()`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// cond.acquire();
    /// assert!(cond.is_owned());
    /// # cond.release().unwrap();
    /// ```
    pub fn acquire(&self) {
        self.lock.acquire();
    }

    /// Takes the lock if free or already ours. Python: `cond.acquire(False)`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(cond.try_acquire());
    /// # cond.release().unwrap();
    /// ```
    pub fn try_acquire(&self) -> bool {
        self.lock.try_acquire()
    }

    /// Releases one level of the lock. Python: `cond.release()`.
    ///
    /// # Errors
    /// [`ReleaseError::NotOwner`] if the caller does not hold the lock.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(cond.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), ReleaseError> {
        self.lock.release()
    }

    /// Whether any thread holds the lock. Python 3.14: `cond.locked()`.
    ///
    /// ```
    /// assert!(!lockstep_condition::Condition::new().locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Whether the calling thread holds the lock. Python: `cond._is_owned()`.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let _held = cond.lock();
    /// assert!(cond.is_owned());
    /// ```
    pub fn is_owned(&self) -> bool {
        self.lock.is_owned()
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
    pub fn lock(&self) -> ConditionGuard<'_> {
        ConditionGuard::new(self, self.lock.lock())
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
        self.wait_until(None).map(drop)
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
        if timeout.is_zero() {
            return if self.is_owned() { Ok(false) } else { Err(ConditionError::WaitUnacquired) };
        }
        self.wait_until(deadline(timeout))
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
        mut predicate: impl FnMut() -> bool,
        timeout: Option<Duration>,
    ) -> Result<bool, ConditionError> {
        let ends = timeout.map(deadline);
        // After a timed-out wait the predicate gets one last look (as in
        // Python); the clock is not asked again, which loom needs too.
        let mut timed_out = false;
        loop {
            if predicate() {
                return Ok(true);
            }
            // Python always waits once here, so misuse is reported even
            // when the timeout has already run out.
            if !self.is_owned() {
                return Err(ConditionError::WaitUnacquired);
            }
            if timed_out {
                return Ok(false);
            }
            match ends {
                Some(Some(ends)) if Instant::now() >= ends => return Ok(false),
                Some(Some(ends)) => timed_out = !self.wait_until(Some(ends))?,
                _ => {
                    self.wait_until(None)?;
                }
            }
        }
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
        // Relaxed: we hold the lock, under which every waiter counted itself.
        if self.waiters.load(Relaxed) == 0 {
            return Ok(());
        }
        for _ in 0..n {
            // SAFETY: the key is this condition's own address; the callback
            // neither panics nor calls into the parking lot.
            let woke = unsafe { park::unpark_one(self.key(), |_| park::DEFAULT_TOKEN) };
            if !woke.have_more_threads {
                break;
            }
        }
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
        // Relaxed: as in `notify`.
        if self.waiters.load(Relaxed) != 0 {
            // SAFETY: the key is this condition's own address; no callbacks.
            unsafe { park::unpark_all(self.key()) };
        }
        Ok(())
    }

    /// The parking key: the address of `waiters`, which is ours alone.
    fn key(&self) -> usize {
        &self.waiters as *const AtomicUsize as usize
    }

    /// Queues the caller, releases the lock, sleeps until notified or
    /// `deadline`, re-takes the lock at its old depth. `Ok(true)` if notified.
    fn wait_until(&self, deadline: Option<Instant>) -> Result<bool, ConditionError> {
        if !self.is_owned() {
            return Err(ConditionError::WaitUnacquired);
        }
        // Relaxed: we hold the lock, which orders this before any notify.
        self.waiters.fetch_add(1, Relaxed);
        let mut depth = 0;
        // SAFETY: the key is this condition's own address; `validate` and
        // `timed_out` do nothing, and `before_sleep` only releases the lock,
        // which may `unpark_one` (allowed there) and cannot panic.
        let parked = unsafe {
            park::park(
                self.key(),
                || true,
                // Release only once queued: a notifier must take the lock
                // first, and by then it finds us in the queue.
                || depth = self.lock.release_save().unwrap_or(0),
                |_| {},
                deadline,
            )
        };
        self.lock.acquire_restore(depth);
        // Relaxed: we hold the lock again.
        self.waiters.fetch_sub(1, Relaxed);
        Ok(matches!(parked, ParkResult::Unparked(_)))
    }
}

impl Default for Condition {
    fn default() -> Condition {
        Condition::new()
    }
}

impl fmt::Debug for Condition {
    /// Like Python's repr: the lock and how many threads wait.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Relaxed: a snapshot for display.
        f.debug_struct("Condition")
            .field("lock", &self.lock)
            .field("waiters", &self.waiters.load(Relaxed))
            .finish()
    }
}
