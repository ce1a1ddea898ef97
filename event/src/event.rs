//! `Event`: Python's `threading.Event`.

use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::{Acquire, Relaxed, Release};
use lockstep_sync::deadline;
use lockstep_sync::park::{self, ParkResult};
use lockstep_sync::trace;
use std::fmt;
use std::time::{Duration, Instant};

/// Bit 0: the flag is set.
const SET: usize = 0b01;
/// Bit 1: the flag is unset and threads may be parked on it: `set` wakes them.
const WAITING: usize = 0b10;
/// Bits 2..: the generation, counting `set` calls that raised the flag.
/// A waiter returns `true` once the generation moved past the one it began
/// in, even if the flag was cleared again before it ran (gh-57711), and
/// ignores a wake-up from an older `set` that reaches it late.
const GENERATION: usize = 0b100;

/// Python's `threading.Event`: a flag, initially unset, that threads can
/// wait on until another thread sets it.
///
/// [`wait`](Event::wait) on a set event is one atomic load (no lock, no
/// syscall). Waiters on an unset event park in the parking lot's queue for
/// this event's address; [`set`](Event::set) wakes all of them.
///
/// With lockstep's `trace` feature, a [named](Event::named) event reports
/// every wait that blocks and how it ended (`op` `"wait"`, then `"woken"`
/// or `"gave_up"`; `call` `"wait"`); an unnamed one reports nothing (see
/// [`Event::named`]).
///
/// # Python parity
/// - `wait_timeout` returns `true` when the flag was set on entry or a `set`
///   happened while waiting, even if another thread cleared it right after
///   (CPython's `test_set_and_clear`), and `false` only when the time ran out.
/// - Timeouts are `Duration`s; `Duration::ZERO` only looks at the flag
///   (Python's non-positive timeout), `Duration::MAX` waits forever.
///
/// # Examples
/// ```
/// use lockstep_event::Event;
/// use std::time::Duration;
///
/// let go_home = Event::new();
/// assert!(!go_home.wait_timeout(Duration::from_millis(1)));
/// go_home.set();
/// assert!(go_home.wait_timeout(Duration::from_millis(1)));
/// go_home.clear();
/// assert!(!go_home.is_set());
/// ```
pub struct Event {
    /// `SET` and `WAITING` bits plus the generation (multiples of `GENERATION`).
    state: AtomicUsize,
    /// The name given by [`Event::named`]: shown by `Debug` and, with the
    /// `trace` feature, on this event's waits.
    name: Option<&'static str>,
}

impl Event {
    lockstep_sync::const_fn! {
        /// An unset event. Python: `threading.Event()`.
        ///
        /// ```
        /// static READY: lockstep_event::Event = lockstep_event::Event::new();
        /// assert!(!READY.is_set());
        /// ```
        pub fn new() -> Event {
            Event { state: AtomicUsize::new(0), name: None }
        }
    }

    lockstep_sync::const_fn! {
        /// An unset event with a name, shown by `Debug` and, with the
        /// `trace` feature, on every wait that blocks (a lesson's timeline
        /// row). Python's `Event` has no name.
        ///
        /// Only named events are traced: lockstep's own `Thread` and
        /// `Timer` wait on unnamed ones for every `start`, `join` and
        /// interval, and those would flood a chart of the program's own
        /// waits.
        ///
        /// ```
        /// let ready = lockstep_event::Event::named("ready");
        /// assert_eq!(ready.name(), Some("ready"));
        /// assert_eq!(format!("{ready:?}"), r#"Event { name: "ready", set: false }"#);
        /// ```
        pub fn named(name: &'static str) -> Event {
            Event { state: AtomicUsize::new(0), name: Some(name) }
        }
    }

    /// The name given by [`Event::named`], if any.
    ///
    /// ```
    /// assert_eq!(lockstep_event::Event::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// Sets the flag and wakes every waiting thread. Python: `event.set()`.
    ///
    /// ```
    /// let event = lockstep_event::Event::new();
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn set(&self) {
        // Relaxed: only picks the next state; the CAS below orders.
        let mut state = self.state.load(Relaxed);
        loop {
            if state & SET != 0 {
                return;
            }
            let raised = (state & !WAITING).wrapping_add(GENERATION) | SET;
            // Release: a waiter or `is_set` that sees this sees what the
            // setter wrote before it.
            match self.state.compare_exchange_weak(state, raised, Release, Relaxed) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if state & WAITING != 0 {
            // SAFETY: the key is this event's own address; no callbacks.
            unsafe { park::unpark_all(self.key()) };
        }
    }

    /// Lowers the flag; later waits block until the next `set`.
    /// Python: `event.clear()`.
    ///
    /// ```
    /// let event = lockstep_event::Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        // Relaxed: clearing publishes nothing; waiters already released by
        // the last `set` keep their `true` (they compare generations).
        self.state.fetch_and(!SET, Relaxed);
    }

    /// Whether the flag is set now. Python: `event.is_set()`.
    ///
    /// ```
    /// let event = lockstep_event::Event::new();
    /// assert!(!event.is_set());
    /// ```
    #[inline]
    pub fn is_set(&self) -> bool {
        // Acquire: pairs with `set`'s Release, so a caller that sees `true`
        // also sees what the setter wrote before setting.
        self.state.load(Acquire) & SET != 0
    }

    /// Waits until the flag is set; returns at once if it is.
    /// Python: `event.wait()`.
    ///
    /// ```
    /// use std::thread;
    /// let event = lockstep_event::Event::new();
    /// thread::scope(|s| {
    ///     s.spawn(|| event.set());
    ///     event.wait();
    /// });
    /// ```
    #[inline]
    pub fn wait(&self) {
        if !self.is_set() {
            self.wait_slow(None);
        }
    }

    /// Waits at most `timeout` for the flag; `true` if it was set on entry or
    /// a `set` happened meanwhile, `false` if the time ran out.
    /// Python: `event.wait(timeout=t)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let event = lockstep_event::Event::new();
    /// assert!(!event.wait_timeout(Duration::from_millis(5)));
    /// event.set();
    /// assert!(event.wait_timeout(Duration::ZERO));
    /// ```
    #[inline]
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.is_set() || (!timeout.is_zero() && self.wait_slow(deadline(timeout)))
    }

    /// Waits until `deadline` at most for the flag, as
    /// [`wait_timeout`](Event::wait_timeout) does.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let event = lockstep_event::Event::new();
    /// assert!(!event.wait_until(Instant::now() + Duration::from_millis(5)));
    /// ```
    #[inline]
    pub fn wait_until(&self, deadline: Instant) -> bool {
        self.is_set() || self.wait_slow(Some(deadline))
    }

    /// The parking key: this event's address, which is ours alone.
    fn key(&self) -> usize {
        &self.state as *const AtomicUsize as usize
    }

    /// [`park_until_set`](Self::park_until_set), reported to the `trace`
    /// feature as a wait and how it ended if this event has a name. With
    /// the feature off both arms are the same call.
    #[cold]
    fn wait_slow(&self, deadline: Option<Instant>) -> bool {
        let Some(name) = self.name else {
            return self.park_until_set(deadline);
        };
        trace::blocked(self.key(), name, "wait");
        let raised = self.park_until_set(deadline);
        trace::unblocked(self.key(), name, "wait", raised);
        raised
    }

    fn park_until_set(&self, deadline: Option<Instant>) -> bool {
        // Relaxed: only the generation is kept; every state that `raised`
        // judges is loaded with Acquire, as in `is_set`.
        let began = self.state.load(Relaxed) & !(SET | WAITING);
        let raised = |state: usize| state & SET != 0 || state & !(SET | WAITING) != began;
        loop {
            let state = self.state.load(Acquire);
            if raised(state) {
                return true;
            }
            let waiting = state | WAITING;
            // Relaxed: announcing a waiter publishes nothing.
            if state != waiting && self.state.compare_exchange(state, waiting, Relaxed, Relaxed).is_err() {
                continue;
            }
            // SAFETY: the key is this event's own address; the callbacks
            // neither panic nor call into the parking lot.
            let parked = unsafe {
                park::park(
                    self.key(),
                    // Relaxed: runs under the queue lock, which `set`'s
                    // `unpark_all` also takes after changing the state.
                    || self.state.load(Relaxed) == waiting,
                    || {},
                    |_, was_last| {
                        if was_last {
                            // Relaxed: under the queue lock, as `validate`.
                            self.state.fetch_and(!WAITING, Relaxed);
                        }
                    },
                    deadline,
                )
            };
            if parked == ParkResult::TimedOut {
                return raised(self.state.load(Acquire));
            }
            // Woken (by this generation's `set` or, late, an older one) or
            // the state moved before we slept: look again.
        }
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Event");
        if let Some(name) = self.name {
            out.field("name", &name);
        }
        out.field("set", &self.is_set()).finish()
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::thread;

    #[test]
    fn set_twice_keeps_one_generation() {
        let event = Event::new();
        event.set();
        event.set();
        assert_eq!(event.state.load(Relaxed), GENERATION | SET);
    }

    #[test]
    fn waiter_released_by_set_stays_released_after_clear() {
        // CPython: lock_tests.EventTests.test_set_and_clear
        let event = Event::new();
        let started = Barrier::new(2);
        thread::scope(|s| {
            let waiter = s.spawn(|| {
                started.wait();
                event.wait_timeout(Duration::from_secs(60))
            });
            started.wait();
            // Wait until the waiter has announced itself, then set and clear.
            while event.state.load(Relaxed) & WAITING == 0 {
                thread::yield_now();
            }
            event.set();
            event.clear();
            assert!(waiter.join().unwrap());
        });
    }

    #[test]
    fn timeout_returns_false_and_drops_the_waiting_mark() {
        let event = Event::new();
        assert!(!event.wait_timeout(Duration::from_millis(5)));
        assert_eq!(event.state.load(Relaxed) & WAITING, 0);
    }

    #[test]
    fn huge_timeout_is_forever() {
        let event = Event::new();
        thread::scope(|s| {
            let waiter = s.spawn(|| event.wait_timeout(Duration::MAX));
            event.set();
            assert!(waiter.join().unwrap());
        });
    }

    #[test]
    fn debug_shows_flag() {
        let event = Event::new();
        assert_eq!(format!("{event:?}"), "Event { set: false }");
    }
}
