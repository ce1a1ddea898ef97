//! `RLock`: Python's `threading.RLock`.

use crate::RLockGuard;
use lockstep_lock::RawLock;
use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::{ReleaseError, deadlock, thread_id};
use std::fmt;
use std::time::{Duration, Instant};

mod condvar;

/// No thread owns the lock.
const NO_OWNER: usize = 0;

/// Python's `threading.RLock`: a re-entrant lock owned by the thread that
/// acquired it.
///
/// The owner may acquire it again; each acquire needs a release, and the
/// lock is freed when the count returns to zero. Underneath is a
/// [`RawLock`] taken once per ownership, plus the owner's
/// [`thread_id`](lockstep_sync::thread_id) and depth, so a re-entrant
/// acquire or release touches no shared cache line but the lock's own.
///
/// # Python parity
/// - `release` by a thread that does not own it (the lock is free, or
///   another thread holds it) returns `Err(ReleaseError::NotOwner)`
///   ("cannot release un-acquired lock") and changes nothing
///   (`RLockTests.test_release_unacquired`, `test_different_thread`).
/// - [`locked`](RLock::locked) is Python 3.14's `RLock.locked()`: held by
///   any thread.
/// - [`recursion_count`](RLock::recursion_count) and
///   [`is_owned`](RLock::is_owned) are Python's `_recursion_count()` and
///   `_is_owned()`.
/// - The guard is not `Send`: an RLock must be released by its owner.
///
/// # Examples
/// ```
/// use lockstep_rlock::{RLock, ReleaseError};
/// use std::thread;
///
/// let rlock = RLock::new();
/// rlock.acquire();
/// thread::scope(|s| {
///     // Another thread can neither take it nor release it.
///     s.spawn(|| {
///         assert!(!rlock.try_acquire());
///         assert_eq!(rlock.release(), Err(ReleaseError::NotOwner));
///     });
/// });
/// rlock.release().unwrap();
/// ```
pub struct RLock {
    raw: RawLock,
    /// The owner's `thread_id()`, or `NO_OWNER`. Written only by the thread
    /// holding `raw`, so a thread that reads its own id really is the owner.
    owner: AtomicUsize,
    /// The owner's depth; written only by the owner, read by others only
    /// for `Debug` (like CPython 3.14's repr).
    count: AtomicUsize,
    name: Option<&'static str>,
}

impl RLock {
    lockstep_sync::const_fn! {
        /// A free re-entrant lock. Python: `threading.RLock()`.
        ///
        /// ```
        /// static RLOCK: lockstep_rlock::RLock = lockstep_rlock::RLock::new();
        /// assert!(!RLOCK.locked());
        /// ```
        pub fn new() -> RLock {
            RLock::with_name(None)
        }
    }

    lockstep_sync::const_fn! {
        /// A free re-entrant lock with a name, shown by `Debug` and in
        /// deadlock reports.
        ///
        /// ```
        /// let rlock = lockstep_rlock::RLock::named("accounts");
        /// assert_eq!(rlock.name(), Some("accounts"));
        /// ```
        pub fn named(name: &'static str) -> RLock {
            RLock::with_name(Some(name))
        }
    }

    lockstep_sync::const_fn! {
        fn with_name(name: Option<&'static str>) -> RLock {
            RLock {
                raw: RawLock::new(),
                owner: AtomicUsize::new(NO_OWNER),
                count: AtomicUsize::new(0),
                name,
            }
        }
    }

    /// The name given by [`RLock::named`], if any.
    ///
    /// ```
    /// assert_eq!(lockstep_rlock::RLock::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// Takes the lock, waiting while another thread owns it; if the calling
    /// thread owns it already, adds one to the count at once.
    /// Python: `rlock.acquire()`.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// rlock.acquire();
    /// rlock.acquire();
    /// assert_eq!(rlock.recursion_count(), 2);
    /// # rlock.release().unwrap(); rlock.release().unwrap();
    /// ```
    #[inline]
    pub fn acquire(&self) {
        self.acquire_with(|raw| {
            raw.acquire();
            true
        });
    }

    /// Takes the lock if it is free or already the caller's, without
    /// waiting. Python: `rlock.acquire(blocking=False)`.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// assert!(rlock.try_acquire());
    /// assert!(rlock.try_acquire()); // re-entrant
    /// # rlock.release().unwrap(); rlock.release().unwrap();
    /// ```
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.acquire_with(RawLock::try_acquire)
    }

    /// Like [`acquire`](RLock::acquire), but waits at most `timeout` for
    /// another owner to let go; `false` if the time ran out.
    /// Python: `rlock.acquire(timeout=t)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rlock = lockstep_rlock::RLock::new();
    /// assert!(rlock.acquire_timeout(Duration::from_secs(1)));
    /// std::thread::scope(|s| {
    ///     s.spawn(|| assert!(!rlock.acquire_timeout(Duration::from_millis(10))));
    /// });
    /// # rlock.release().unwrap();
    /// ```
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_with(|raw| raw.acquire_timeout(timeout))
    }

    /// Like [`acquire_timeout`](RLock::acquire_timeout) with the deadline
    /// as an `Instant`, for several waits sharing one deadline.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let rlock = lockstep_rlock::RLock::new();
    /// assert!(rlock.acquire_until(Instant::now() + Duration::from_secs(1)));
    /// # rlock.release().unwrap();
    /// ```
    #[inline]
    pub fn acquire_until(&self, deadline: Instant) -> bool {
        self.acquire_with(|raw| raw.acquire_until(deadline))
    }

    /// Undoes one acquire by the owner; the lock is freed when the count
    /// reaches zero. Python: `rlock.release()`.
    ///
    /// # Errors
    /// [`ReleaseError::NotOwner`] when the calling thread does not own the
    /// lock (Python's `RuntimeError: cannot release un-acquired lock`);
    /// nothing changes.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// assert!(rlock.release().is_err());
    /// rlock.acquire();
    /// assert!(rlock.release().is_ok());
    /// ```
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        // Relaxed: see `acquire_with`; only the owner gets past this check.
        if self.owner.load(Relaxed) != thread_id() {
            return Err(ReleaseError::NotOwner);
        }
        let depth = self.count.load(Relaxed) - 1;
        self.count.store(depth, Relaxed);
        if depth == 0 {
            // Relaxed: the raw release below is the Release that publishes
            // this, and the next owner overwrites it before reading it.
            self.owner.store(NO_OWNER, Relaxed);
            deadlock::released(self.id());
            let released = self.raw.release();
            debug_assert!(released.is_ok(), "an owned RLock holds its raw lock");
        }
        Ok(())
    }

    /// Whether any thread holds the lock. Python 3.14: `rlock.locked()`.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// let _guard = rlock.lock();
    /// assert!(rlock.locked());
    /// ```
    #[inline]
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Whether the calling thread owns the lock. Python: `rlock._is_owned()`.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// let _guard = rlock.lock();
    /// assert!(rlock.is_owned());
    /// std::thread::scope(|s| {
    ///     s.spawn(|| assert!(!rlock.is_owned()));
    /// });
    /// ```
    #[inline]
    pub fn is_owned(&self) -> bool {
        // Relaxed: see `acquire_with`.
        self.owner.load(Relaxed) == thread_id()
    }

    /// How many times the calling thread holds the lock; 0 when it does not
    /// own it, even if another thread does. Python: `rlock._recursion_count()`.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// assert_eq!(rlock.recursion_count(), 0);
    /// let _outer = rlock.lock();
    /// let _inner = rlock.lock();
    /// assert_eq!(rlock.recursion_count(), 2);
    /// ```
    #[inline]
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() {
            // Relaxed: only the owner writes it, and we are the owner.
            self.count.load(Relaxed)
        } else {
            0
        }
    }

    /// Acquires and returns a guard that releases once when dropped.
    /// Python: `with rlock:`.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// {
    ///     let _outer = rlock.lock();
    ///     let _inner = rlock.lock();
    /// }
    /// assert!(!rlock.locked());
    /// ```
    #[inline]
    pub fn lock(&self) -> RLockGuard<'_> {
        self.acquire();
        RLockGuard::new(self)
    }

    /// A guard if the lock is free or already the caller's, else `None`.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::new();
    /// let _guard = rlock.try_lock().expect("free");
    /// std::thread::scope(|s| {
    ///     s.spawn(|| assert!(rlock.try_lock().is_none()));
    /// });
    /// ```
    #[inline]
    pub fn try_lock(&self) -> Option<RLockGuard<'_>> {
        self.try_acquire().then(|| RLockGuard::new(self))
    }

    /// A guard if the lock could be taken within `timeout`, else `None`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rlock = lockstep_rlock::RLock::new();
    /// let _guard = rlock.try_lock_for(Duration::from_secs(1)).expect("free");
    /// std::thread::scope(|s| {
    ///     s.spawn(|| assert!(rlock.try_lock_for(Duration::from_millis(5)).is_none()));
    /// });
    /// ```
    #[inline]
    pub fn try_lock_for(&self, timeout: Duration) -> Option<RLockGuard<'_>> {
        self.acquire_timeout(timeout).then(|| RLockGuard::new(self))
    }

    /// Waits until `deadline` at most and returns a guard, or `None`.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let rlock = lockstep_rlock::RLock::new();
    /// let _outer = rlock.lock();
    /// assert!(rlock.try_lock_until(Instant::now() + Duration::from_millis(1)).is_some());
    /// ```
    #[inline]
    pub fn try_lock_until(&self, deadline: Instant) -> Option<RLockGuard<'_>> {
        self.acquire_until(deadline).then(|| RLockGuard::new(self))
    }

    /// Re-enters if the caller owns the lock, else takes the raw lock with
    /// `take` and becomes the owner.
    #[inline]
    fn acquire_with(&self, take: impl FnOnce(&RawLock) -> bool) -> bool {
        let me = thread_id();
        // Relaxed: `owner` holds `me` only if this thread stored it (ids are
        // never reused), and a thread always sees its own latest store; any
        // other value, however stale, means "not me".
        if self.owner.load(Relaxed) == me {
            let depth = self.count.load(Relaxed);
            // Unreachable in practice: it would take 2^64 nested acquires.
            let deeper = depth.checked_add(1).expect("RLock recursion count overflow");
            self.count.store(deeper, Relaxed);
            return true;
        }
        let taken = if self.raw.try_acquire() {
            deadlock::acquired(self.id(), self.name);
            true
        } else {
            // Recorded as a waiter for deadlock detection (a no-op unless
            // that feature is on).
            deadlock::track(self.id(), self.name, || take(&self.raw))
        };
        if !taken {
            return false;
        }
        // Relaxed: the raw lock's Acquire ordered us after the last owner.
        self.owner.store(me, Relaxed);
        self.count.store(1, Relaxed);
        true
    }
}

impl RLock {
    /// This lock's identity for deadlock reports: its address.
    fn id(&self) -> usize {
        self as *const RLock as usize
    }
}

impl Drop for RLock {
    fn drop(&mut self) {
        deadlock::forget(self.id());
    }
}

impl Default for RLock {
    fn default() -> RLock {
        RLock::new()
    }
}

impl fmt::Debug for RLock {
    /// Like CPython 3.14's repr: state, owner and count as seen from here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("RLock");
        if let Some(name) = self.name {
            out.field("name", &name);
        }
        // Relaxed: a racy snapshot for display only.
        let owner = self.owner.load(Relaxed);
        let count = if owner == NO_OWNER { 0 } else { self.count.load(Relaxed) };
        out.field("locked", &self.locked()).field("owner", &owner).field("count", &count).finish()
    }
}
