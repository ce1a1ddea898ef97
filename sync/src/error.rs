use std::fmt;

/// A `release` that Python would refuse with `RuntimeError` or `ValueError`.
/// Nothing changed when it is returned.
///
/// The `Display` text is Python's own message, so a Python user recognises it.
///
/// ```
/// use lockstep_sync::ReleaseError;
/// assert_eq!(ReleaseError::Unlocked.to_string(), "release unlocked lock");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReleaseError {
    /// `Lock.release()` on a lock nobody holds. Python: `RuntimeError`.
    Unlocked,
    /// `RLock.release()` by a thread that does not own it (it is unlocked, or
    /// another thread holds it). Python: `RuntimeError`.
    NotOwner,
    /// `BoundedSemaphore.release()` above the initial value. Python:
    /// `ValueError`.
    TooManyReleases,
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReleaseError::Unlocked => "release unlocked lock",
            ReleaseError::NotOwner => "cannot release un-acquired lock",
            ReleaseError::TooManyReleases => "Semaphore released too many times",
        })
    }
}

impl std::error::Error for ReleaseError {}

#[cfg(test)]
mod tests {
    use super::ReleaseError;

    #[test]
    fn messages_are_pythons() {
        assert_eq!(ReleaseError::NotOwner.to_string(), "cannot release un-acquired lock");
        assert_eq!(ReleaseError::TooManyReleases.to_string(), "Semaphore released too many times");
    }
}
