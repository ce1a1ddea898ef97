use std::fmt;

/// Waiting or notifying on a [`Condition`](crate::Condition) whose lock the
/// calling thread does not hold (Python's `RuntimeError`). Nothing changed.
///
/// ```
/// use lockstep_condition::{Condition, ConditionError};
/// let cond = Condition::new();
/// assert_eq!(cond.notify(1), Err(ConditionError::NotifyUnacquired));
/// assert_eq!(ConditionError::NotifyUnacquired.to_string(), "cannot notify on un-acquired lock");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConditionError {
    /// `wait` without holding the lock.
    WaitUnacquired,
    /// `notify`/`notify_all` without holding the lock.
    NotifyUnacquired,
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConditionError::WaitUnacquired => "cannot wait on un-acquired lock",
            ConditionError::NotifyUnacquired => "cannot notify on un-acquired lock",
        })
    }
}

impl std::error::Error for ConditionError {}
