//! The `trace` feature: every wait for, acquisition and release of a
//! `Lock` or `RLock` as a `tracing` event, target `"lockstep"`, with the
//! fields `op` (`"wait"`, `"acquired"`, `"gave_up"` after a wait that timed
//! out, `"released"`), `lock` (its name, or `"?"`), `id` (its address) and
//! `thread` (lockstep's name for the calling thread: `MainThread`,
//! `Thread-N`, ...). A `Semaphore` reports its permits the same way (as
//! `lock` "semaphore"). Any `tracing` subscriber can record them,
//! e.g. tracing-chrome as Chrome trace JSON. Called from the hooks in
//! [`crate::deadlock`] and from the primitive crates.
//!
//! A named `Event`'s waits and a named queue's blocking `get`, `put` and
//! `join` are reported by [`blocked`] and [`unblocked`]: the same fields
//! plus `call` (`"wait"`, `"get"`, `"put"`, `"join"`), and ops `"wait"`,
//! then `"woken"` (what it waited for happened) or `"gave_up"` (timed
//! out, or the queue shut down). They hold nothing, so there is no
//! `"acquired"`/`"released"` for them. Only *named* ones are reported:
//! lockstep's own `Thread`, `Timer` and `futures` wait on unnamed Events
//! and queues as plumbing (every `join`, every idle pool worker), which
//! would flood a chart of the program's own threads; a name is also what
//! a chart needs to label the row. The rule lives in the primitive crates
//! (`if let Some(name) = self.name`), so no item exists only to keep
//! lockstep's internals quiet.
//!
//! With the feature off (the default) every function here is an empty
//! inline function: zero cost.

pub use imp::{acquired, blocked, released, unblocked, waited, waiting};

#[cfg(not(feature = "trace"))]
mod imp {
    #[doc(hidden)]
    #[inline(always)]
    pub fn waiting(_lock: usize, _name: Option<&'static str>) {}
    #[doc(hidden)]
    #[inline(always)]
    pub fn waited(_lock: usize, _name: Option<&'static str>, _taken: bool) {}
    #[doc(hidden)]
    #[inline(always)]
    pub fn acquired(_lock: usize, _name: Option<&'static str>) {}
    #[doc(hidden)]
    #[inline(always)]
    pub fn released(_lock: usize) {}
    #[doc(hidden)]
    #[inline(always)]
    pub fn blocked(_id: usize, _name: &'static str, _call: &'static str) {}
    #[doc(hidden)]
    #[inline(always)]
    pub fn unblocked(_id: usize, _name: &'static str, _call: &'static str, _woken: bool) {}
}

#[cfg(feature = "trace")]
mod imp {
    use std::collections::HashMap;
    use std::sync::{Mutex, PoisonError};

    /// Lock id → its name, so a release (which knows only the id) is
    /// reported by name too.
    static NAMES: Mutex<Option<HashMap<usize, &'static str>>> = Mutex::new(None);

    /// The name of `lock`: `name` when the caller knows it (remembered for
    /// the release; a new lock may live where a dropped one did, so the
    /// latest wins, and an unnamed one forgets the old name), else the
    /// remembered one.
    fn name_of(lock: usize, name: Option<&'static str>, known: bool) -> &'static str {
        let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
        let names = names.get_or_insert_with(HashMap::new);
        match (known, name) {
            (true, Some(name)) => {
                names.insert(lock, name);
                name
            }
            (true, None) => {
                names.remove(&lock);
                "?"
            }
            (false, _) => names.get(&lock).copied().unwrap_or("?"),
        }
    }

    /// Emits one event; `known`: `name` is the lock's own (not a release).
    fn emit(op: &'static str, lock: usize, name: Option<&'static str>, known: bool) {
        // Nobody listening: not even the name lookups.
        if enabled() {
            record(op, name_of(lock, name, known), lock, None);
        }
    }

    fn enabled() -> bool {
        tracing::enabled!(target: "lockstep", tracing::Level::TRACE)
    }

    /// The one `tracing` event every hook sends; `call` (Event and queue
    /// waits only) is left out of the event when `None`.
    fn record(op: &'static str, lock: &'static str, id: usize, call: Option<&'static str>) {
        let thread = crate::threads::current_name();
        tracing::event!(
            target: "lockstep",
            tracing::Level::TRACE,
            op,
            lock,
            id,
            thread = thread.as_str(),
            call
        );
    }

    #[doc(hidden)]
    pub fn waiting(lock: usize, name: Option<&'static str>) {
        emit("wait", lock, name, true);
    }

    pub fn waited(lock: usize, name: Option<&'static str>, taken: bool) {
        emit(if taken { "acquired" } else { "gave_up" }, lock, name, true);
    }

    pub fn acquired(lock: usize, name: Option<&'static str>) {
        emit("acquired", lock, name, true);
    }

    pub fn released(lock: usize) {
        emit("released", lock, None, false);
    }

    /// Emits one wait event of a named Event or queue: its name is given
    /// every time, so no lookup.
    fn emit_wait(op: &'static str, id: usize, name: &'static str, call: &'static str) {
        if enabled() {
            record(op, name, id, Some(call));
        }
    }

    pub fn blocked(id: usize, name: &'static str, call: &'static str) {
        emit_wait("wait", id, name, call);
    }

    pub fn unblocked(id: usize, name: &'static str, call: &'static str, woken: bool) {
        emit_wait(if woken { "woken" } else { "gave_up" }, id, name, call);
    }
}
