//! `ConditionGuard`: the lock of a `Condition`, held, with wait and notify.

use crate::{Condition, ConditionLock};
use lockstep_rlock::RLock;
use lockstep_sync::deadline;
use lockstep_sync::wait_queue::CondvarLock;
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

/// Holds a [`Condition`]'s lock (Python: the body of `with cond:`) and
/// waits or notifies through it. Holding the guard proves the calling
/// thread holds the lock, so these methods return plain values; the lock
/// is released when the guard is dropped (also during a panic). Not `Send`.
///
/// ```
/// use lockstep_condition::Condition;
/// use std::time::Duration;
///
/// let cond = Condition::new();
/// let mut held = cond.lock();
/// assert!(!held.wait_timeout(Duration::from_millis(5))); // nobody notified
/// held.notify_all();
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ConditionGuard<'a, L: ConditionLock = RLock> {
    cond: &'a Condition<L>,
    /// Not `Send`: an `RLock` level must be released by its owner.
    _not_send: PhantomData<*const ()>,
}

impl<'a, L: ConditionLock> ConditionGuard<'a, L> {
    /// For a caller that has just taken `cond`'s lock.
    pub(crate) fn new(cond: &'a Condition<L>) -> ConditionGuard<'a, L> {
        ConditionGuard { cond, _not_send: PhantomData }
    }

    /// The condition this guard holds.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let held = cond.lock();
    /// assert!(held.condition().is_owned());
    /// ```
    pub fn condition(&self) -> &'a Condition<L> {
        self.cond
    }

    /// Releases the lock, waits until notified, takes it back.
    /// Python: `cond.wait()` inside `with cond:`.
    ///
    /// ```
    /// use std::thread;
    /// let cond = lockstep_condition::Condition::new();
    /// let mut held = cond.lock();
    /// thread::scope(|s| {
    ///     s.spawn(|| cond.lock().notify(1));
    ///     held.wait();
    /// });
    /// ```
    pub fn wait(&mut self) {
        // Err only if the lock was released by hand past this guard.
        let _ = self.cond.wait();
    }

    /// As [`wait`](ConditionGuard::wait), for at most `timeout`: `true` if
    /// notified, `false` if the time ran out.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(!cond.lock().wait_timeout(Duration::from_millis(1)));
    /// ```
    pub fn wait_timeout(&mut self, timeout: Duration) -> bool {
        self.cond.wait_timeout(timeout).unwrap_or(false)
    }

    /// As [`wait`](ConditionGuard::wait), until `deadline` at most.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(!cond.lock().wait_until(Instant::now() + Duration::from_millis(1)));
    /// ```
    pub fn wait_until(&mut self, deadline: Instant) -> bool {
        self.cond.wait_until(deadline).unwrap_or(false)
    }

    /// Waits until `predicate()` holds, for at most `timeout` in all
    /// (`None`: no limit); returns its last value.
    /// Python: `cond.wait_for(predicate, timeout)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(!cond.lock().wait_for(|| false, Some(Duration::from_millis(1))));
    /// ```
    pub fn wait_for(&mut self, predicate: impl FnMut() -> bool, timeout: Option<Duration>) -> bool {
        self.wait_for_deadline(predicate, timeout.and_then(deadline))
    }

    /// [`wait_for`](ConditionGuard::wait_for) with the deadline as an `Instant`.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let cond = lockstep_condition::Condition::new();
    /// let soon = Instant::now() + Duration::from_millis(1);
    /// assert!(!cond.lock().wait_for_until(|| false, soon));
    /// ```
    pub fn wait_for_until(&mut self, predicate: impl FnMut() -> bool, deadline: Instant) -> bool {
        self.wait_for_deadline(predicate, Some(deadline))
    }

    /// `wait_for` to `deadline` (`None`: no limit).
    pub(crate) fn wait_for_deadline(
        &mut self,
        mut predicate: impl FnMut() -> bool,
        deadline: Option<Instant>,
    ) -> bool {
        // On Err (lock released by hand) report the predicate as it stands.
        self.cond.wait_for_deadline(&mut predicate, deadline).unwrap_or_else(|_| predicate())
    }

    /// Wakes the `n` longest-waiting threads. Python: `cond.notify(n)`.
    ///
    /// ```
    /// lockstep_condition::Condition::new().lock().notify(1);
    /// ```
    pub fn notify(&self, n: usize) {
        // Err only if the lock was released by hand past this guard.
        let _ = self.cond.notify(n);
    }

    /// Wakes every waiting thread. Python: `cond.notify_all()`.
    ///
    /// ```
    /// lockstep_condition::Condition::new().lock().notify_all();
    /// ```
    pub fn notify_all(&self) {
        let _ = self.cond.notify_all();
    }
}

impl<L: ConditionLock> Drop for ConditionGuard<'_, L> {
    fn drop(&mut self) {
        // An Err means the lock was released by hand past this guard; a
        // guard has nothing to report it to, and must not panic in drop.
        let _ = self.cond.underlying_lock().release();
    }
}

impl<L: ConditionLock> fmt::Debug for ConditionGuard<'_, L>
where
    L::Lock: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionGuard").field("condition", self.cond).finish()
    }
}
