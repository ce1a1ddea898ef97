//! `SemaphorePermit`: one permit held as a guard.

use crate::raw::RawSemaphore;
use std::fmt;

/// One permit of a [`Semaphore`](crate::Semaphore) or
/// [`BoundedSemaphore`](crate::BoundedSemaphore), given back when dropped
/// (also during a panic). Python: the body of `with sem:`.
///
/// Permits have no owner, so a permit may be dropped on another thread.
///
/// ```
/// use lockstep_semaphore::Semaphore;
/// let sem = Semaphore::new(1);
/// let permit = sem.permit();
/// std::thread::scope(|s| {
///     s.spawn(move || drop(permit));
/// });
/// assert_eq!(sem.value(), 1);
/// ```
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct SemaphorePermit<'a> {
    raw: &'a RawSemaphore,
}

impl<'a> SemaphorePermit<'a> {
    pub(crate) fn new(raw: &'a RawSemaphore) -> SemaphorePermit<'a> {
        SemaphorePermit { raw }
    }

    /// Keeps the permit taken: it is not given back on drop (the count stays
    /// one lower), like an `acquire()` without its `release()`.
    ///
    /// ```
    /// let sem = lockstep_semaphore::Semaphore::new(1);
    /// sem.permit().forget();
    /// assert_eq!(sem.value(), 0);
    /// ```
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        // Err only if a BoundedSemaphore was over-released by hand while the
        // permit lived; drop must not panic, and the count is already full.
        let _ = self.raw.release(1);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").field("value", &self.raw.value()).finish()
    }
}
