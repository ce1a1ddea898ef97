//! `Lock`: Python's `threading.Lock`.

use crate::RawLock;
use lockstep_sync::wait_queue::CondvarLock;
use lockstep_sync::{ReleaseError, deadlock};
use std::fmt;
use std::time::{Duration, Instant};

/// Python's `threading.Lock`: a mutual-exclusion lock that no thread owns.
///
/// Take it with [`acquire`](Lock::acquire) and free it with
/// [`release`](Lock::release), or hold a [`LockGuard`] that releases it when
/// dropped ([`lock`](Lock::lock), Python's `with lock:`); a guard is released
/// on panic too, and the lock never poisons.
///
/// # Python parity
/// - Any thread may release the lock, not only the one that acquired it
///   (`LockTests.test_different_thread`).
/// - Releasing an unlocked lock returns `Err(ReleaseError::Unlocked)`
///   ("release unlocked lock") instead of raising `RuntimeError`.
/// - Timeouts are `Duration`s, so Python's `ValueError` for negative
///   timeouts can't happen; `Duration::MAX` waits forever (Python's `-1`).
/// - Not re-entrant: a thread that acquires it twice waits for itself (use
///   `RLock`).
/// - Not FIFO: a running thread may take the lock before a woken waiter,
///   as in CPython.
///
/// # Examples
/// ```
/// use lockstep_lock::Lock;
/// use std::thread;
///
/// let lock = Lock::new();
/// lock.acquire();
/// // Unlike a Rust Mutex, another thread may release it.
/// thread::scope(|s| {
///     s.spawn(|| lock.release().unwrap());
/// });
/// assert!(!lock.locked());
/// ```
pub struct Lock {
    raw: RawLock,
    name: Option<&'static str>,
}

impl Lock {
    lockstep_sync::const_fn! {
        /// An unlocked lock. Python: `threading.Lock()`.
        ///
        /// ```
        /// static LOCK: lockstep_lock::Lock = lockstep_lock::Lock::new();
        /// assert!(!LOCK.locked());
        /// ```
        pub fn new() -> Lock {
            Lock { raw: RawLock::new(), name: None }
        }
    }

    lockstep_sync::const_fn! {
        /// An unlocked lock with a name, shown by `Debug` and in deadlock
        /// reports.
        ///
        /// ```
        /// let lock_a = lockstep_lock::Lock::named("lockA");
        /// assert_eq!(lock_a.name(), Some("lockA"));
        /// ```
        pub fn named(name: &'static str) -> Lock {
            Lock { raw: RawLock::new(), name: Some(name) }
        }
    }

    /// The name given by [`Lock::named`], if any.
    ///
    /// ```
    /// assert_eq!(lockstep_lock::Lock::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// Waits until the lock is free, then takes it. Python: `lock.acquire()`.
    ///
    /// ```
    /// let lock = lockstep_lock::Lock::new();
    /// lock.acquire();
    /// assert!(lock.locked());
    /// lock.release().unwrap();
    /// ```
    #[inline]
    pub fn acquire(&self) {
        self.acquire_with(|raw| {
            raw.acquire();
            true
        });
    }

    /// Takes the lock if it is free, without waiting; `true` if taken.
    /// Python: `lock.acquire(blocking=False)`.
    ///
    /// ```
    /// let lock = lockstep_lock::Lock::new();
    /// assert!(lock.try_acquire());
    /// assert!(!lock.try_acquire());
    /// ```
    #[inline]
    pub fn try_acquire(&self) -> bool {
        let taken = self.raw.try_acquire();
        if taken {
            deadlock::acquired(self.id(), self.name);
        }
        taken
    }

    /// Waits at most `timeout` for the lock; `true` if taken, `false` if the
    /// time ran out. Python: `lock.acquire(timeout=t)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lock = lockstep_lock::Lock::new();
    /// assert!(lock.acquire_timeout(Duration::from_secs(5)));
    /// assert!(!lock.acquire_timeout(Duration::from_millis(10)));
    /// ```
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_with(|raw| raw.acquire_timeout(timeout))
    }

    /// Waits until `deadline` at most for the lock; `true` if taken. The
    /// `Instant` form of [`acquire_timeout`](Lock::acquire_timeout), for
    /// several waits sharing one deadline.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let lock = lockstep_lock::Lock::new();
    /// let deadline = Instant::now() + Duration::from_millis(10);
    /// assert!(lock.acquire_until(deadline));
    /// assert!(!lock.acquire_until(deadline));
    /// ```
    #[inline]
    pub fn acquire_until(&self, deadline: Instant) -> bool {
        self.acquire_with(|raw| raw.acquire_until(deadline))
    }

    /// Frees the lock, whichever thread acquired it, waking one waiter.
    /// Python: `lock.release()`.
    ///
    /// # Errors
    /// [`ReleaseError::Unlocked`] when the lock is not held (Python's
    /// `RuntimeError: release unlocked lock`); the lock is left as it was.
    ///
    /// ```
    /// let lock = lockstep_lock::Lock::new();
    /// assert!(lock.release().is_err());
    /// lock.acquire();
    /// assert!(lock.release().is_ok());
    /// ```
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        // Before the release: a thread that takes the lock right after must
        // not have its record erased by ours.
        deadlock::released(self.id());
        self.raw.release()
    }

    /// Whether any thread holds the lock now. Python: `lock.locked()`.
    ///
    /// ```
    /// let lock = lockstep_lock::Lock::new();
    /// let guard = lock.lock();
    /// assert!(lock.locked());
    /// drop(guard);
    /// assert!(!lock.locked());
    /// ```
    #[inline]
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Takes the lock and returns a guard that releases it when dropped.
    /// Python: `with lock:`.
    ///
    /// ```
    /// let lock = lockstep_lock::Lock::new();
    /// {
    ///     let _guard = lock.lock();
    ///     assert!(lock.locked());
    /// }
    /// assert!(!lock.locked());
    /// ```
    #[inline]
    pub fn lock(&self) -> LockGuard<'_> {
        self.acquire();
        LockGuard { lock: self }
    }

    /// A guard if the lock is free now, else `None`.
    ///
    /// ```
    /// let lock = lockstep_lock::Lock::new();
    /// let guard = lock.try_lock().expect("free");
    /// assert!(lock.try_lock().is_none());
    /// drop(guard);
    /// ```
    #[inline]
    pub fn try_lock(&self) -> Option<LockGuard<'_>> {
        self.try_acquire().then(|| LockGuard { lock: self })
    }

    /// A guard if the lock could be taken within `timeout`, else `None`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lock = lockstep_lock::Lock::new();
    /// let guard = lock.try_lock_for(Duration::from_secs(1)).expect("free");
    /// assert!(lock.try_lock_for(Duration::from_millis(5)).is_none());
    /// drop(guard);
    /// ```
    #[inline]
    pub fn try_lock_for(&self, timeout: Duration) -> Option<LockGuard<'_>> {
        self.acquire_timeout(timeout).then(|| LockGuard { lock: self })
    }

    /// Waits until `deadline` at most and returns a guard, or `None`.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let lock = lockstep_lock::Lock::new();
    /// let _held = lock.lock();
    /// assert!(lock.try_lock_until(Instant::now() + Duration::from_millis(1)).is_none());
    /// ```
    #[inline]
    pub fn try_lock_until(&self, deadline: Instant) -> Option<LockGuard<'_>> {
        self.acquire_until(deadline).then(|| LockGuard { lock: self })
    }
}

// SAFETY: forwards to the raw lock, which upholds the contract; the
// deadlock hooks only take the registry's own mutex.
// Plumbing for `Condition` and the queues, not user API: hidden.
#[doc(hidden)]
unsafe impl CondvarLock for Lock {
    type Saved = ();

    fn acquire(&self) {
        Lock::acquire(self)
    }

    fn try_acquire(&self) -> bool {
        Lock::try_acquire(self)
    }

    fn release(&self) -> Result<(), ReleaseError> {
        Lock::release(self)
    }

    fn locked(&self) -> bool {
        Lock::locked(self)
    }

    /// Held by anyone: CPython's `_is_owned` for a plain lock.
    fn is_owned(&self) -> bool {
        self.locked()
    }

    fn release_save(&self) {
        // An Err means it was not held: then there is nothing to give up.
        let _ = self.release();
    }

    fn acquire_restore(&self, (): ()) {
        deadlock::track(self.id(), self.name, || {
            self.raw.acquire_restore(());
            true
        });
    }

    fn park_key(&self) -> usize {
        self.raw.park_key()
    }

    fn mark_contended_if_locked(&self) -> bool {
        self.raw.mark_contended_if_locked()
    }
}

impl Lock {
    /// Tries once; if that fails, waits with `take`, recorded as a waiter
    /// for deadlock detection (a no-op unless that feature is on).
    #[inline]
    fn acquire_with(&self, take: impl FnOnce(&RawLock) -> bool) -> bool {
        if self.try_acquire() {
            return true;
        }
        deadlock::track(self.id(), self.name, || take(&self.raw))
    }

    /// This lock's identity for deadlock reports: its address.
    fn id(&self) -> usize {
        self as *const Lock as usize
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        deadlock::forget(self.id());
    }
}

impl Default for Lock {
    fn default() -> Lock {
        Lock::new()
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Lock");
        if let Some(name) = self.name {
            out.field("name", &name);
        }
        out.field("locked", &self.locked()).finish()
    }
}

/// Holds a [`Lock`] and releases it when dropped, also during a panic.
///
/// Because a Python lock has no owner, the guard may be sent to and dropped
/// on another thread. If the lock was already released by hand while the
/// guard lived, the guard's release finds it unlocked and does nothing.
///
/// ```
/// use std::thread;
/// let lock = lockstep_lock::Lock::new();
/// let guard = lock.lock();
/// thread::scope(|s| {
///     s.spawn(move || drop(guard));
/// });
/// assert!(!lock.locked());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl LockGuard<'_> {
    /// The lock this guard holds.
    ///
    /// ```
    /// let lock = lockstep_lock::Lock::named("stock");
    /// let guard = lock.lock();
    /// assert_eq!(guard.lock().name(), Some("stock"));
    /// ```
    pub fn lock(&self) -> &Lock {
        self.lock
    }
}

impl Drop for LockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // An Err means someone released the lock by hand meanwhile; a guard
        // has nothing to report it to, and must not panic in drop.
        let _ = self.lock.release();
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard").field("lock", self.lock).finish()
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;

    #[test]
    fn guard_releases_on_panic() {
        let lock = Lock::new();
        let result = std::panic::catch_unwind(|| {
            let _guard = lock.lock();
            panic!("inside the critical section");
        });
        assert!(result.is_err());
        assert!(!lock.locked());
    }

    #[test]
    fn debug_shows_name_and_state() {
        let lock = Lock::named("lockA");
        assert_eq!(format!("{lock:?}"), r#"Lock { name: "lockA", locked: false }"#);
        let _guard = lock.lock();
        assert_eq!(format!("{:?}", Lock::new()), "Lock { locked: false }");
        assert!(format!("{lock:?}").contains("locked: true"));
    }

    // Regression: `then_some(LockGuard { .. })` built a guard even on
    // failure, and dropping it released the holder's lock.
    #[test]
    fn trylock_fails_when_held_and_leaves_it_held() {
        let lock = Lock::new();
        let _guard = lock.lock();
        assert!(lock.try_lock().is_none());
        assert!(lock.try_lock_for(Duration::from_millis(1)).is_none());
        assert!(lock.locked());
        assert!(!lock.try_acquire());
    }

    #[test]
    fn guard_drop_after_manual_release_is_harmless() {
        let lock = Lock::new();
        let guard = lock.lock();
        lock.release().unwrap();
        drop(guard); // finds it unlocked: nothing to do
        assert!(!lock.locked());
    }

    #[test]
    fn lock_and_guard_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Lock>();
        assert_send_sync::<LockGuard<'_>>();
    }
}
