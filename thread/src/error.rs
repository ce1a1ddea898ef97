//! `ThreadError`: the `RuntimeError`s of Python's `Thread` methods.

use std::fmt;

/// A misuse of a [`Thread`](crate::Thread) or [`Timer`](crate::Timer) that
/// Python reports with a `RuntimeError` (`threading.ThreadError`); its
/// `Display` is Python's message.
///
/// ```
/// use lockstep_thread::{Thread, ThreadError};
///
/// let thread = Thread::new(|| {});
/// assert_eq!(thread.join(), Err(ThreadError::NotStarted));
/// thread.start().unwrap();
/// let again = thread.start().unwrap_err();
/// assert_eq!(again.to_string(), "threads can only be started once");
/// thread.join().unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ThreadError {
    /// `start` on a thread that was started before: "threads can only be
    /// started once".
    AlreadyStarted,
    /// `join` on a thread not started yet: "cannot join thread before it is
    /// started".
    NotStarted,
    /// A thread joining itself: "cannot join current thread".
    JoinSelf,
    /// `join` on a thread lockstep did not start (a `Dummy-N`, Python's
    /// `_DummyThread`): "cannot join a dummy thread".
    JoinDummy,
    /// `set_daemon` once the thread has started: "cannot set daemon status
    /// of active thread".
    DaemonOfActive,
    /// The operating system refused a new thread (Python: "can't start new
    /// thread"); the reason is the OS error's text.
    CantStart(String),
}

impl fmt::Display for ThreadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThreadError::AlreadyStarted => f.write_str("threads can only be started once"),
            ThreadError::NotStarted => f.write_str("cannot join thread before it is started"),
            ThreadError::JoinSelf => f.write_str("cannot join current thread"),
            ThreadError::JoinDummy => f.write_str("cannot join a dummy thread"),
            ThreadError::DaemonOfActive => f.write_str("cannot set daemon status of active thread"),
            ThreadError::CantStart(reason) => write!(f, "can't start new thread: {reason}"),
        }
    }
}

impl std::error::Error for ThreadError {}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::ThreadError;

    #[test]
    fn messages_are_pythons() {
        let messages = [
            (ThreadError::AlreadyStarted, "threads can only be started once"),
            (ThreadError::NotStarted, "cannot join thread before it is started"),
            (ThreadError::JoinSelf, "cannot join current thread"),
            (ThreadError::JoinDummy, "cannot join a dummy thread"),
            (ThreadError::DaemonOfActive, "cannot set daemon status of active thread"),
        ];
        for (error, message) in messages {
            assert_eq!(error.to_string(), message);
        }
        assert!(ThreadError::CantStart("EAGAIN".into()).to_string().starts_with("can't start new thread"));
    }
}
