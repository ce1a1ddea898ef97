//! Which locks a `Condition` can be built over: Python's `Condition(lock)`.

use lockstep_lock::Lock;
use lockstep_rlock::RLock;
use lockstep_sync::wait_queue::CondvarLock;
use std::sync::Arc;

/// A lock a [`Condition`](crate::Condition) can wait with: an [`RLock`]
/// (Python's default) or a [`Lock`], owned by the condition, or shared
/// with other conditions and code through `&` or `Arc`, as CPython's
/// `queue.Queue` shares one mutex among `not_empty`, `not_full` and
/// `all_tasks_done`.
///
/// ```
/// use lockstep_condition::Condition;
/// use lockstep_lock::Lock;
/// use std::sync::Arc;
///
/// let mutex = Arc::new(Lock::new());
/// let not_empty = Condition::with_lock(Arc::clone(&mutex));
/// let not_full = Condition::with_lock(Arc::clone(&mutex));
/// let _held = not_empty.lock();
/// assert!(mutex.locked() && not_full.locked());
/// ```
pub trait ConditionLock {
    /// The lock itself, behind any `&` or `Arc`.
    type Lock: CondvarLock + ?Sized;

    /// The lock this value is or points to.
    fn get(&self) -> &Self::Lock;
}

impl ConditionLock for RLock {
    type Lock = RLock;
    fn get(&self) -> &RLock {
        self
    }
}

impl ConditionLock for Lock {
    type Lock = Lock;
    fn get(&self) -> &Lock {
        self
    }
}

impl<L: ConditionLock + ?Sized> ConditionLock for &L {
    type Lock = L::Lock;
    fn get(&self) -> &L::Lock {
        (**self).get()
    }
}

impl<L: ConditionLock + ?Sized> ConditionLock for Arc<L> {
    type Lock = L::Lock;
    fn get(&self) -> &L::Lock {
        (**self).get()
    }
}
