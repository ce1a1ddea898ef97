//! `Mutex<T>`: the data-carrying lock, `lock_api` over [`RawLock`].

use crate::RawLock;
use lockstep_sync::cell::UnsafeCell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

/// A lock that owns the data it protects: [`lock`](Mutex::lock) returns a
/// guard that derefs to the data and releases the lock when dropped (also
/// during a panic: it never poisons).
///
/// Python has no such type (its locks guard nothing); this is what a Rust
/// user reaches for instead of `std::sync::Mutex`. It is a [`RawLock`] plus
/// the data, one body in every build, so loom checks this very code. For
/// `lock_api`'s extras (mapped or `Arc` guards), `RawLock` also implements
/// `lock_api::RawMutex` and `RawMutexTimed`: use `lock_api::Mutex<RawLock, T>`.
///
/// ```
/// use lockstep_lock::Mutex;
/// use std::thread;
///
/// let stock = Mutex::new(0);
/// thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| *stock.lock() += 1);
///     }
/// });
/// assert_eq!(stock.into_inner(), 4);
/// ```
pub struct Mutex<T> {
    raw: RawLock,
    /// Accessed only by the holder of `raw` (through a guard), or through
    /// `&mut self`.
    data: UnsafeCell<T>,
}

// SAFETY: the data moves with the mutex, so it needs `T: Send`.
unsafe impl<T: Send> Send for Mutex<T> {}
// SAFETY: `raw` lets one thread at a time reach the data, which may so be
// used from (and sent between) any threads: `T: Send` is enough, as for
// std's `Mutex`.
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    lockstep_sync::const_fn! {
        /// An unlocked mutex holding `value`.
        ///
        /// ```
        /// static TOTAL: lockstep_lock::Mutex<u64> = lockstep_lock::Mutex::new(0);
        /// *TOTAL.lock() += 2;
        /// assert_eq!(*TOTAL.lock(), 2);
        /// ```
        pub fn new(value: T) -> Mutex<T> {
            Mutex { raw: RawLock::new(), data: UnsafeCell::new(value) }
        }
    }

    /// The data, taking the mutex.
    ///
    /// ```
    /// assert_eq!(lockstep_lock::Mutex::new(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T> Mutex<T> {
    /// Waits for the lock and returns a guard to the data.
    ///
    /// ```
    /// let names = lockstep_lock::Mutex::new(Vec::new());
    /// names.lock().push("Thread-1");
    /// assert_eq!(names.lock().len(), 1);
    /// ```
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.raw.acquire();
        MutexGuard { mutex: self }
    }

    /// A guard if the lock is free now, else `None`.
    ///
    /// ```
    /// let mutex = lockstep_lock::Mutex::new(1);
    /// let held = mutex.lock();
    /// assert!(mutex.try_lock().is_none());
    /// ```
    #[inline]
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.raw.try_acquire().then(|| MutexGuard { mutex: self })
    }

    /// A guard if the lock could be taken within `timeout`, else `None`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mutex = lockstep_lock::Mutex::new(1);
    /// assert_eq!(*mutex.try_lock_for(Duration::from_millis(5)).unwrap(), 1);
    /// ```
    #[inline]
    pub fn try_lock_for(&self, timeout: Duration) -> Option<MutexGuard<'_, T>> {
        self.raw.acquire_timeout(timeout).then(|| MutexGuard { mutex: self })
    }

    /// A guard if the lock could be taken by `deadline`, else `None`.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let mutex = lockstep_lock::Mutex::new(1);
    /// let held = mutex.lock();
    /// assert!(mutex.try_lock_until(Instant::now() + Duration::from_millis(1)).is_none());
    /// ```
    #[inline]
    pub fn try_lock_until(&self, deadline: Instant) -> Option<MutexGuard<'_, T>> {
        self.raw.acquire_until(deadline).then(|| MutexGuard { mutex: self })
    }

    /// Whether some thread holds the lock (a snapshot).
    ///
    /// ```
    /// let mutex = lockstep_lock::Mutex::new(());
    /// let _held = mutex.lock();
    /// assert!(mutex.is_locked());
    /// ```
    #[inline]
    pub fn is_locked(&self) -> bool {
        self.raw.locked()
    }

    /// The data, through `&mut self`: no locking needed.
    ///
    /// ```
    /// let mut mutex = lockstep_lock::Mutex::new(1);
    /// *mutex.get_mut() += 1;
    /// assert_eq!(*mutex.lock(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` proves no guard or other access exists.
        self.data.with_mut(|data| unsafe { &mut *data })
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Mutex");
        match self.try_lock() {
            Some(held) => out.field("data", &&*held),
            None => out.field("data", &format_args!("<locked>")),
        };
        out.finish()
    }
}

/// The guard of a [`Mutex`]: derefs to the data, unlocks when dropped.
///
/// ```
/// let names = lockstep_lock::Mutex::new(Vec::new());
/// let mut guard: lockstep_lock::MutexGuard<'_, Vec<&str>> = names.lock();
/// guard.push("Thread-1");
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
}

// SAFETY: sharing the guard shares `&T` only.
unsafe impl<T: Sync> Sync for MutexGuard<'_, T> {}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds the raw lock, so no `&mut` to the data
        // exists elsewhere; under loom this access is checked against the
        // other holders' (causality), at each deref.
        self.mutex.data.with(|data| unsafe { &*data })
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the raw lock and `&mut self` makes this
        // the only reference through it.
        self.mutex.data.with_mut(|data| unsafe { &mut *data })
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // The guard proves the lock is held (nothing else releases a
        // Mutex's raw lock), so this cannot fail.
        let released = self.mutex.raw.release();
        debug_assert!(released.is_ok());
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

// lock_api's traits need a `const INIT`, which loom's atomics can't give.
#[cfg(not(loom))]
// SAFETY: `RawLock` grants one holder at a time: `try_acquire` is a CAS from
// UNLOCKED with Acquire ordering, `acquire` returns only after such a CAS or
// an Acquire swap that found UNLOCKED, and `release` swaps UNLOCKED in with
// Release ordering. It holds no per-acquisition state, so forgetting a guard
// merely leaves it locked, and none of its operations unwind.
unsafe impl lock_api::RawMutex for RawLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: RawLock = RawLock::new();

    // A Python lock is not owned: its guard may unlock on any thread.
    type Guard = lock_api::GuardSend;

    #[inline]
    fn lock(&self) -> Self::Guard {
        self.acquire();
        lock_api::GuardSend::new()
    }

    #[inline]
    fn try_lock(&self) -> Option<Self::Guard> {
        self.try_acquire().then(lock_api::GuardSend::new)
    }

    #[inline]
    unsafe fn unlock(&self, _guard: Self::Guard) {
        // The guard proves the lock is held, so this cannot fail.
        let released = self.release();
        debug_assert!(released.is_ok());
    }

    #[inline]
    fn is_locked(&self) -> bool {
        self.locked()
    }
}

#[cfg(not(loom))]
// SAFETY: as for `RawMutex`: the timed waits return a guard only after the
// same Acquire transition from UNLOCKED.
unsafe impl lock_api::RawMutexTimed for RawLock {
    type Duration = Duration;
    type Instant = Instant;

    #[inline]
    fn try_lock_for(&self, timeout: Duration) -> Option<Self::Guard> {
        self.acquire_timeout(timeout).then(lock_api::GuardSend::new)
    }

    #[inline]
    fn try_lock_until(&self, deadline: Instant) -> Option<Self::Guard> {
        self.acquire_until(deadline).then(lock_api::GuardSend::new)
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::Mutex;
    use std::time::Duration;

    #[test]
    fn lock_api_mutex_over_raw_lock_still_works() {
        let mutex = lock_api::Mutex::<crate::RawLock, _>::new(1);
        *mutex.lock() += 1;
        assert_eq!(*mutex.try_lock_for(Duration::from_millis(5)).unwrap(), 2);
    }

    #[test]
    fn guard_releases_on_panic_and_nothing_poisons() {
        let mutex = Mutex::new(1);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _held = mutex.lock();
            panic!("inside");
        }));
        assert!(result.is_err());
        assert!(!mutex.is_locked());
        assert_eq!(format!("{mutex:?}"), "Mutex { data: 1 }");
    }

    #[test]
    fn timed_lock_fails_while_held() {
        let mutex = Mutex::new(1);
        let guard = mutex.lock();
        std::thread::scope(|s| {
            s.spawn(|| assert!(mutex.try_lock_for(Duration::from_millis(10)).is_none()));
        });
        drop(guard);
        assert_eq!(*mutex.try_lock_for(Duration::from_millis(10)).unwrap(), 1);
    }

    #[test]
    fn static_mutex_works() {
        static TOTAL: Mutex<u64> = Mutex::new(0);
        *TOTAL.lock() += 2;
        assert_eq!(*TOTAL.lock(), 2);
    }
}
