//! `BoundedSemaphore`: Python's `threading.BoundedSemaphore`.

use crate::raw::RawSemaphore;
use lockstep_sync::ReleaseError;
use std::fmt;

/// Python's `threading.BoundedSemaphore`: a [`Semaphore`](crate::Semaphore)
/// whose count may never go above its initial value, which catches a
/// `release` without a matching `acquire`.
///
/// # Python parity
/// - Over-release returns `Err(ReleaseError::TooManyReleases)` ("Semaphore
///   released too many times", Python's `ValueError`) and leaves the count
///   unchanged, also for a `release_n` that would overshoot by several.
/// - Otherwise as [`Semaphore`](crate::Semaphore).
///
/// # Examples
/// ```
/// use lockstep_semaphore::{BoundedSemaphore, ReleaseError};
///
/// let spaces = BoundedSemaphore::new(2);
/// spaces.acquire();
/// assert_eq!(spaces.release_n(2), Err(ReleaseError::TooManyReleases));
/// assert_eq!(spaces.value(), 1); // unchanged
/// assert_eq!(spaces.release(), Ok(()));
/// ```
pub struct BoundedSemaphore {
    raw: RawSemaphore,
    initial: usize,
}

impl BoundedSemaphore {
    lockstep_sync::const_fn! {
        /// A semaphore holding `value` permits that may never hold more.
        /// Python: `BoundedSemaphore(value)`.
        ///
        /// ```
        /// static POOL: lockstep_semaphore::BoundedSemaphore = lockstep_semaphore::BoundedSemaphore::new(3);
        /// assert_eq!(POOL.value(), 3);
        /// ```
        pub fn new(value: usize) -> BoundedSemaphore {
            BoundedSemaphore { raw: RawSemaphore::new(value, Some(value)), initial: value }
        }
    }

    shared_methods!(BoundedSemaphore);

    /// The initial value, which the count may never exceed.
    ///
    /// ```
    /// assert_eq!(lockstep_semaphore::BoundedSemaphore::new(4).initial_value(), 4);
    /// ```
    pub fn initial_value(&self) -> usize {
        self.initial
    }

    /// Gives back one permit, waking one waiter if any. Python: `sem.release()`.
    ///
    /// # Errors
    /// [`ReleaseError::TooManyReleases`] if the count is already at its
    /// initial value; nothing changes.
    ///
    /// ```
    /// let sem = lockstep_semaphore::BoundedSemaphore::new(1);
    /// assert!(sem.release().is_err());
    /// sem.acquire();
    /// assert!(sem.release().is_ok());
    /// ```
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        self.raw.release(1)
    }

    /// Gives back `n` permits, waking at most `n` waiters.
    /// Python: `sem.release(n)`.
    ///
    /// # Errors
    /// [`ReleaseError::TooManyReleases`] if the count would pass its initial
    /// value; nothing changes (all or nothing).
    ///
    /// ```
    /// let sem = lockstep_semaphore::BoundedSemaphore::new(3);
    /// sem.acquire();
    /// sem.acquire();
    /// assert!(sem.release_n(3).is_err());
    /// assert!(sem.release_n(2).is_ok());
    /// assert_eq!(sem.value(), 3);
    /// ```
    #[inline]
    pub fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        self.raw.release(n)
    }
}

impl fmt::Debug for BoundedSemaphore {
    /// Like Python's repr: `value/initial`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphore")
            .field("value", &self.value())
            .field("initial", &self.initial)
            .finish()
    }
}
