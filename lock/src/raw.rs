//! The lock's state machine: one byte, two bits (held, and sleepers parked).

use lockstep_sync::atomic::AtomicU8;
use lockstep_sync::atomic::Ordering::{Acquire, Relaxed, Release};
use lockstep_sync::park::{self, ParkResult};
use lockstep_sync::wait_queue::CondvarLock;
use lockstep_sync::{ReleaseError, SpinWait, deadline};
use std::fmt;
use std::time::{Duration, Instant};

/// The bit set while some thread holds the lock.
const LOCKED: u8 = 1;
/// The bit set while threads may be parked on the lock: its release must
/// wake one. A release that finds it wakes one sleeper and puts it back
/// while others still sleep, and a thread taking a free lock keeps it, so
/// an arriving thread knows others sleep and parks behind them rather than
/// spin (the 3-state lock's CONTENDED forgot that whenever a running thread
/// took the lock, and woken threads had to re-mark it on every take).
const PARKED: u8 = 2;
/// Free, and nobody parked.
const UNLOCKED: u8 = 0;

/// The raw lock under [`Lock`](crate::Lock) and [`Mutex`](crate::Mutex):
/// a one-byte state machine with no owner, no name and no guard.
///
/// Uncontended `try_acquire`/`acquire` and `release` are one atomic
/// read-modify-write each; a thread that can't get the lock spins briefly
/// while the holder has no waiters, then parks in `parking_lot_core`'s
/// FIFO queue for this lock's address. Waking is not a hand-off: a running
/// thread may take the lock before the woken one (as in Python, the lock is
/// not FIFO).
///
/// ```
/// use lockstep_lock::RawLock;
/// let raw = RawLock::new();
/// assert!(raw.try_acquire());
/// assert!(!raw.try_acquire());
/// assert!(raw.release().is_ok());
/// assert!(raw.release().is_err());
/// ```
pub struct RawLock {
    /// The `LOCKED` and `PARKED` bits.
    state: AtomicU8,
}

impl RawLock {
    lockstep_sync::const_fn! {
        /// An unlocked lock.
        ///
        /// ```
        /// static RAW: lockstep_lock::RawLock = lockstep_lock::RawLock::new();
        /// assert!(!RAW.locked());
        /// ```
        pub fn new() -> RawLock {
            RawLock { state: AtomicU8::new(UNLOCKED) }
        }
    }

    /// Takes the lock if it is free, without waiting.
    ///
    /// ```
    /// let raw = lockstep_lock::RawLock::new();
    /// assert!(raw.try_acquire());
    /// assert!(!raw.try_acquire());
    /// ```
    #[inline]
    pub fn try_acquire(&self) -> bool {
        // Acquire: pairs with `release`'s Release, so the last holder's
        // writes are visible to us.
        match self.state.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed) {
            Ok(_) => true,
            Err(state) => state & LOCKED == 0 && self.try_acquire_parked(),
        }
    }

    /// `try_acquire` when threads are parked: take it, keeping `PARKED`.
    #[cold]
    fn try_acquire_parked(&self) -> bool {
        // Relaxed: the CAS orders.
        let mut state = self.state.load(Relaxed);
        while state & LOCKED == 0 {
            // Acquire: as in `try_acquire`.
            match self.state.compare_exchange(state, state | LOCKED, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    /// Waits until the lock is free, then takes it.
    ///
    /// ```
    /// let raw = lockstep_lock::RawLock::new();
    /// raw.acquire();
    /// assert!(raw.locked());
    /// ```
    #[inline]
    pub fn acquire(&self) {
        if !self.try_acquire() {
            self.acquire_slow(None);
        }
    }

    /// Waits at most `timeout` for the lock; `true` if it was taken.
    /// `Duration::ZERO` only tries; a timeout too large for an `Instant`
    /// waits forever.
    ///
    /// ```
    /// use std::time::Duration;
    /// let raw = lockstep_lock::RawLock::new();
    /// assert!(raw.acquire_timeout(Duration::from_secs(1)));
    /// assert!(!raw.acquire_timeout(Duration::from_millis(1)));
    /// ```
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.try_acquire() || (!timeout.is_zero() && self.acquire_slow(deadline(timeout)))
    }

    /// Waits until `deadline` at most for the lock; `true` if it was taken.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let raw = lockstep_lock::RawLock::new();
    /// raw.acquire();
    /// assert!(!raw.acquire_until(Instant::now() + Duration::from_millis(1)));
    /// ```
    #[inline]
    pub fn acquire_until(&self, deadline: Instant) -> bool {
        self.try_acquire() || self.acquire_slow(Some(deadline))
    }

    /// Frees the lock, whichever thread took it, and wakes one waiter if any
    /// parked. `Err(ReleaseError::Unlocked)` if it was not held; then nothing
    /// changed.
    ///
    /// ```
    /// use lockstep_lock::{RawLock, ReleaseError};
    /// let raw = RawLock::new();
    /// raw.acquire();
    /// assert_eq!(raw.release(), Ok(()));
    /// assert_eq!(raw.release(), Err(ReleaseError::Unlocked));
    /// ```
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        // Release: publishes the critical section to the next acquirer.
        // One swap both checks and releases, so of two racing releases of
        // one acquisition exactly one succeeds; the swap also clears
        // PARKED, which the slow path puts back.
        match self.state.swap(UNLOCKED, Release) {
            LOCKED => Ok(()),
            UNLOCKED => Err(ReleaseError::Unlocked),
            state => self.release_parked(state),
        }
    }

    /// Whether some thread holds the lock (a snapshot: it may change at once).
    ///
    /// ```
    /// let raw = lockstep_lock::RawLock::new();
    /// assert!(!raw.locked());
    /// ```
    #[inline]
    pub fn locked(&self) -> bool {
        // Relaxed: a snapshot that orders nothing.
        self.state.load(Relaxed) & LOCKED != 0
    }

    /// The parking key: this lock's address, which is ours alone.
    fn key(&self) -> usize {
        &self.state as *const AtomicU8 as usize
    }

    #[cold]
    fn acquire_slow(&self, deadline: Option<Instant>) -> bool {
        // While the holder has no sleepers it may be about to release: spin
        // a little before paying for a park (never under loom).
        let mut spin = SpinWait::new();
        loop {
            // Relaxed: only chooses the next step; the CAS orders.
            let state = self.state.load(Relaxed);
            if state & LOCKED == 0 {
                // Acquire: as in `try_acquire`.
                if self.state.compare_exchange(state, state | LOCKED, Acquire, Relaxed).is_ok() {
                    return true;
                }
                continue;
            }
            if state & PARKED == 0 {
                if spin.spin() {
                    continue;
                }
                // Relaxed: announcing a sleeper publishes nothing; the
                // holder's release reads it under the queue lock.
                if self.state.compare_exchange(state, state | PARKED, Relaxed, Relaxed).is_err() {
                    continue;
                }
            }
            // SAFETY: the key is this lock's own address; the callbacks
            // neither panic nor call into the parking lot.
            let parked = unsafe {
                park::park(
                    self.key(),
                    // Relaxed: runs under the queue lock; a release after it
                    // must call `unpark_one`, which takes that lock too.
                    || self.state.load(Relaxed) == LOCKED | PARKED,
                    || {},
                    // The last sleeper leaving takes the mark with it.
                    |_, was_last| {
                        if was_last {
                            // Relaxed: under the queue lock, as `validate`.
                            self.state.fetch_and(!PARKED, Relaxed);
                        }
                    },
                    deadline,
                )
            };
            if parked == ParkResult::TimedOut {
                return false;
            }
            // Woken, or the state moved before we slept: look again.
        }
    }

    /// `release` whose swap found `PARKED` (in `state`, the old value) and
    /// cleared it along with the lock: wake one parked thread and put
    /// `PARKED` back while others still sleep. If the lock was not held (a
    /// misuse) this changes nothing visible: the wake-up is spare, as any
    /// woken thread just looks again, and it makes sure a lock freed by its
    /// last holder but marked by nobody never leaves sleepers behind.
    #[cold]
    fn release_parked(&self, state: u8) -> Result<(), ReleaseError> {
        // SAFETY: the key is this lock's own address; the callback only
        // sets a bit, which cannot panic or call into the parking lot.
        unsafe {
            park::unpark_one(self.key(), |result| {
                if result.have_more_threads {
                    // Relaxed: under the queue lock, which every parker's
                    // `validate` takes; until this runs, a thread that finds
                    // the lock held without PARKED marks it itself.
                    self.state.fetch_or(PARKED, Relaxed);
                }
                park::DEFAULT_TOKEN
            })
        };
        if state & LOCKED == 0 { Err(ReleaseError::Unlocked) } else { Ok(()) }
    }
}

// SAFETY: blocked acquirers park on `key()` (in `acquire_slow`), and a
// lock marked PARKED wakes one of them on release; `release_save` is a CAS
// plus at most an `unpark_one`, which may not panic or park.
// Plumbing for `Condition` and the queues, not user API: hidden.
#[doc(hidden)]
unsafe impl CondvarLock for RawLock {
    type Saved = ();

    fn acquire(&self) {
        RawLock::acquire(self)
    }

    fn try_acquire(&self) -> bool {
        RawLock::try_acquire(self)
    }

    fn release(&self) -> Result<(), ReleaseError> {
        RawLock::release(self)
    }

    fn locked(&self) -> bool {
        RawLock::locked(self)
    }

    /// A raw lock has no owner: held by anyone counts, as CPython
    /// approximates `_is_owned` for a plain lock.
    fn is_owned(&self) -> bool {
        self.locked()
    }

    fn release_save(&self) {
        // An Err means it was not held: then there is nothing to give up.
        let _ = self.release();
    }

    fn acquire_restore(&self, (): ()) {
        // Waiters requeued behind us are marked in PARKED: a plain acquire.
        self.acquire();
    }

    fn park_key(&self) -> usize {
        self.key()
    }

    fn mark_contended_if_locked(&self) -> bool {
        // Relaxed: runs with the parking queues locked; the release that
        // must see PARKED takes them too (in `release_parked`) before waking.
        let mut state = self.state.load(Relaxed);
        loop {
            if state & LOCKED == 0 {
                return false;
            }
            if state & PARKED != 0 {
                return true;
            }
            match self.state.compare_exchange(state, state | PARKED, Relaxed, Relaxed) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
    }
}

impl Default for RawLock {
    fn default() -> RawLock {
        RawLock::new()
    }
}

impl fmt::Debug for RawLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawLock").field("locked", &self.locked()).finish()
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::thread;

    #[test]
    fn uncontended_release_leaves_it_unlocked() {
        let raw = RawLock::new();
        raw.acquire();
        assert_eq!(raw.state.load(Relaxed), LOCKED);
        raw.release().unwrap();
        assert_eq!(raw.state.load(Relaxed), UNLOCKED);
    }

    #[test]
    fn release_of_unlocked_changes_nothing() {
        let raw = RawLock::new();
        assert_eq!(raw.release(), Err(ReleaseError::Unlocked));
        assert!(!raw.locked());
        assert!(raw.try_acquire());
    }

    #[test]
    fn zero_timeout_only_tries() {
        let raw = RawLock::new();
        raw.acquire();
        assert!(!raw.acquire_timeout(Duration::ZERO));
        raw.release().unwrap();
        assert!(raw.acquire_timeout(Duration::ZERO));
    }

    #[test]
    fn huge_timeout_waits_without_overflow() {
        let raw = RawLock::new();
        assert!(raw.acquire_timeout(Duration::MAX));
        let started = Barrier::new(2);
        thread::scope(|s| {
            let waiter = s.spawn(|| {
                started.wait();
                raw.acquire_timeout(Duration::MAX)
            });
            started.wait();
            raw.release().unwrap();
            assert!(waiter.join().unwrap());
        });
    }

    #[test]
    fn parked_waiter_marks_contended_and_is_woken() {
        let raw = RawLock::new();
        raw.acquire();
        thread::scope(|s| {
            let waiter = s.spawn(|| raw.acquire());
            // The waiter announces itself by marking the lock PARKED.
            while raw.state.load(Relaxed) != LOCKED | PARKED {
                thread::yield_now();
            }
            raw.release().unwrap();
            waiter.join().unwrap();
        });
        assert!(raw.locked());
    }
}
