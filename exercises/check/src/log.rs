//! An event log: who did what, in the order it happened.

use std::fmt;
use std::sync::{Mutex, PoisonError};

/// A shared log of events, each tagged with the name of the thread that
/// recorded it, to check the order things happened in.
///
/// ```
/// let log = lockstep_check::Log::new();
/// log.push("boss: set the event");
/// log.push("worker-1: started");
/// assert!(log.position("boss") < log.position("worker-1"));
/// assert_eq!(log.entries().len(), 2);
/// ```
#[derive(Debug, Default)]
pub struct Log {
    entries: Mutex<Vec<String>>,
}

impl Log {
    /// An empty log.
    pub const fn new() -> Log {
        Log { entries: Mutex::new(Vec::new()) }
    }

    /// Records one event ("worker-2: started work").
    pub fn push(&self, event: impl Into<String>) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).push(event.into());
    }

    /// Every event so far, oldest first.
    pub fn entries(&self) -> Vec<String> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The index of the first event containing `needle`, if any.
    pub fn position(&self, needle: &str) -> Option<usize> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).iter().position(|e| e.contains(needle))
    }

    /// How many events contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|e| e.contains(needle))
            .count()
    }
}

/// The events as one numbered list on a line: `1. boss: set; 2. worker-1: started`.
impl fmt::Display for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, event) in self.entries().iter().enumerate() {
            if at > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}. {event}", at + 1)?;
        }
        Ok(())
    }
}
