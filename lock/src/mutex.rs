//! `Mutex<T>`: the data-carrying lock, `lock_api` over [`RawLock`].

use crate::RawLock;
use std::time::{Duration, Instant};

/// A lock that owns the data it protects: `lock()` returns a guard that
/// derefs to the data. Built from [`RawLock`] with `lock_api`, so it has
/// `lock_api::Mutex`'s whole API (`try_lock_for`, `into_inner`, `get_mut`,
/// mapped guards...).
///
/// Python has no such type (its locks guard nothing); this is what a Rust
/// user reaches for instead of `std::sync::Mutex`, with no poisoning.
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
pub type Mutex<T> = lock_api::Mutex<RawLock, T>;

/// The guard of a [`Mutex`]: derefs to the data, unlocks when dropped.
///
/// ```
/// let names = lockstep_lock::Mutex::new(Vec::new());
/// let mut guard: lockstep_lock::MutexGuard<'_, Vec<&str>> = names.lock();
/// guard.push("Thread-1");
/// ```
pub type MutexGuard<'a, T> = lock_api::MutexGuard<'a, RawLock, T>;

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

#[cfg(test)]
mod tests {
    use super::Mutex;
    use std::time::Duration;

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
