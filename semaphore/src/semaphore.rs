//! `Semaphore`: Python's `threading.Semaphore`.

use crate::raw::RawSemaphore;
use std::fmt;

/// Python's `threading.Semaphore`: a count of permits; `acquire` takes one
/// (waiting while there are none), `release` gives permits back and may
/// raise the count above where it started.
///
/// Uncontended acquire and release are one atomic compare-and-swap each,
/// with no lock and no syscall. Threads that find no permit park in FIFO
/// order; a release of `n` wakes at most `n` of them, oldest first.
///
/// # Python parity
/// - Waiters are woken in arrival order, but a woken thread competes for
///   the permit again, so a thread that was not waiting may take it first
///   (CPython's semaphore barges the same way; fairness is not promised).
/// - Timeouts are `Duration`s: `Duration::ZERO` only tries (Python's
///   non-positive timeout), `Duration::MAX` waits forever.
/// - `release_n(0)` does nothing (Python raises `ValueError: n must be one
///   or more`). A negative initial value can't be expressed (`usize`).
/// - The count stops at `usize::MAX / 2` permits instead of growing
///   without limit.
///
/// # Examples
/// ```
/// use lockstep_semaphore::Semaphore;
///
/// let sem = Semaphore::new(0);
/// assert!(!sem.try_acquire());
/// sem.release_n(2);
/// assert!(sem.try_acquire() && sem.try_acquire());
/// assert_eq!(sem.value(), 0);
/// ```
pub struct Semaphore {
    raw: RawSemaphore,
}

impl Semaphore {
    lockstep_sync::const_fn! {
        /// A semaphore holding `value` permits. Python: `Semaphore(value)`.
        ///
        /// ```
        /// static SPACES: lockstep_semaphore::Semaphore = lockstep_semaphore::Semaphore::new(5);
        /// assert_eq!(SPACES.value(), 5);
        /// ```
        pub fn new(value: usize) -> Semaphore {
            Semaphore { raw: RawSemaphore::new(value, None) }
        }
    }

    shared_methods!(Semaphore);

    /// Gives back one permit, waking one waiter if any. Python: `sem.release()`.
    ///
    /// ```
    /// let sem = lockstep_semaphore::Semaphore::new(0);
    /// sem.release();
    /// assert_eq!(sem.value(), 1);
    /// ```
    #[inline]
    pub fn release(&self) {
        self.release_n(1);
    }

    /// Gives back `n` permits, waking at most `n` waiters.
    /// Python: `sem.release(n)`.
    ///
    /// ```
    /// let sem = lockstep_semaphore::Semaphore::new(1);
    /// sem.release_n(3); // an unbounded semaphore may go above its start
    /// assert_eq!(sem.value(), 4);
    /// ```
    #[inline]
    pub fn release_n(&self, n: usize) {
        // Unbounded: the only limit is the saturating count, never an Err.
        let _ = self.raw.release(n);
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore").field("value", &self.value()).finish()
    }
}
