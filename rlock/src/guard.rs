//! `RLockGuard`: one acquisition of an `RLock`, released on drop.

use crate::RLock;
use std::fmt;
use std::marker::PhantomData;

/// Holds an [`RLock`] once and releases that one acquisition when dropped,
/// also during a panic. Not `Send`: the owner thread must release.
///
/// ```
/// let rlock = lockstep_rlock::RLock::new();
/// let guard = rlock.lock();
/// assert!(guard.rlock().is_owned());
/// drop(guard);
/// assert!(!rlock.locked());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RLockGuard<'a> {
    rlock: &'a RLock,
    /// Owner-bound: the release must happen on the acquiring thread.
    _not_send: PhantomData<*const ()>,
}

impl<'a> RLockGuard<'a> {
    pub(crate) fn new(rlock: &'a RLock) -> RLockGuard<'a> {
        RLockGuard { rlock, _not_send: PhantomData }
    }

    /// The lock this guard holds.
    ///
    /// ```
    /// let rlock = lockstep_rlock::RLock::named("ledger");
    /// assert_eq!(rlock.lock().rlock().name(), Some("ledger"));
    /// ```
    pub fn rlock(&self) -> &'a RLock {
        self.rlock
    }
}

impl Drop for RLockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // An Err means the owner released by hand past this guard's
        // acquisition; drop must not panic.
        let _ = self.rlock.release();
    }
}

impl fmt::Debug for RLockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RLockGuard").field("rlock", self.rlock).finish()
    }
}
