//! `ConditionGuard`: the lock of a `Condition`, held, with wait and notify.

use crate::Condition;
use lockstep_rlock::RLockGuard;
use std::fmt;
use std::time::Duration;

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
pub struct ConditionGuard<'a> {
    cond: &'a Condition,
    _held: RLockGuard<'a>,
}

impl<'a> ConditionGuard<'a> {
    pub(crate) fn new(cond: &'a Condition, held: RLockGuard<'a>) -> ConditionGuard<'a> {
        ConditionGuard { cond, _held: held }
    }

    /// The condition this guard holds.
    ///
    /// ```
    /// let cond = lockstep_condition::Condition::new();
    /// let held = cond.lock();
    /// assert!(held.condition().is_owned());
    /// ```
    pub fn condition(&self) -> &'a Condition {
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

    /// Waits until `predicate()` holds, for at most `timeout` in all
    /// (`None`: no limit); returns its last value.
    /// Python: `cond.wait_for(predicate, timeout)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = lockstep_condition::Condition::new();
    /// assert!(!cond.lock().wait_for(|| false, Some(Duration::from_millis(1))));
    /// ```
    pub fn wait_for(&mut self, mut predicate: impl FnMut() -> bool, timeout: Option<Duration>) -> bool {
        // On Err (lock released by hand) report the predicate as it stands.
        self.cond.wait_for(&mut predicate, timeout).unwrap_or_else(|_| predicate())
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

impl fmt::Debug for ConditionGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionGuard").field("condition", self.cond).finish()
    }
}
