//! Equality (same thread) and Python's repr for `Thread`.

use crate::Thread;
use crate::thread::{DAEMON, Kind, LIFECYCLE, NEW, STARTED};
use lockstep_sync::atomic::Ordering::Acquire;
use std::fmt;
use std::sync::Arc;

impl PartialEq for Thread {
    /// Two handles are equal when they are the same thread.
    fn eq(&self, other: &Thread) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Thread {}

impl fmt::Debug for Thread {
    /// Python's repr: `<Thread(Thread-1, started daemon 7)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.inner.kind {
            Kind::Started => "Thread",
            Kind::Main => "_MainThread",
            Kind::Dummy => "_DummyThread",
        };
        // Acquire: as `is_alive`.
        let state = self.inner.state.load(Acquire);
        let status = match state & LIFECYCLE {
            NEW => "initial",
            STARTED => "started",
            _ => "stopped",
        };
        let daemon = if state & DAEMON != 0 { " daemon" } else { "" };
        let ident = self.ident().map(|ident| format!(" {ident}")).unwrap_or_default();
        write!(f, "<{kind}({}, {status}{daemon}{ident})>", self.name())
    }
}
