//! "This call returns" and "this call blocks", as assertions.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::crew::Crew;
use crate::failure::fail;

/// How long a call must stay blocked before [`blocks`] believes it blocks.
/// A call that returns at once returns in microseconds; one that blocks
/// never returns by itself, so the margin only has to be generous.
const BLOCK_PROBE: Duration = Duration::from_millis(200);

/// Runs `call` on a watched thread named `who` and returns its result; if
/// it deadlocks or does not return within 5 s, the exercise fails under
/// `bug` ("missing task_done", …) with `hint`.
///
/// ```
/// let queue = lockstep::Queue::new(0);
/// queue.put(1).unwrap();
/// queue.get().unwrap();
/// queue.task_done().unwrap();
/// lockstep_check::completes("q.join() to return once every item is done", "missing task_done", 1, move || queue.join());
/// ```
pub fn completes<T: Send + 'static>(
    expected: &str,
    bug: &str,
    hint: u8,
    call: impl FnOnce() -> T + Send + 'static,
) -> T {
    let result = Arc::new(Mutex::new(None));
    let mut crew = Crew::new(expected).hang_is(bug, hint).deadlock_hint(hint);
    let slot = Arc::clone(&result);
    crew.spawn(who(), move || *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(call()));
    crew.join();
    let value = result.lock().unwrap_or_else(PoisonError::into_inner).take();
    value.expect("a crew that joined has run its thread to the end")
}

/// A call that [`blocks`] found blocked, still running on its own thread.
#[must_use = "a Blocked call should be checked with `completes`"]
pub struct Blocked<T> {
    crew: Crew,
    result: Arc<Mutex<Option<T>>>,
}

/// Starts `call` on a watched thread and checks that it is still blocked
/// after a while (the koans' `assert_blocks`). Unblock it, then call
/// [`Blocked::completes`] to check that it returns.
///
/// If it returns at once, the exercise fails under `bug` with `hint`.
///
/// ```
/// use std::sync::Arc;
/// let event = Arc::new(lockstep::Event::new());
/// let waiter = Arc::clone(&event);
/// let call = lockstep_check::blocks("wait() to block until set()", "no wait", 1, move || waiter.wait());
/// event.set();
/// call.completes();
/// ```
pub fn blocks<T: Send + 'static>(
    expected: &str,
    bug: &str,
    hint: u8,
    call: impl FnOnce() -> T + Send + 'static,
) -> Blocked<T> {
    let result = Arc::new(Mutex::new(None));
    let mut crew = Crew::new(expected).hang_is(bug, hint).deadlock_hint(hint);
    let slot = Arc::clone(&result);
    let started = Instant::now();
    crew.spawn(who(), move || *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(call()));
    thread::sleep(BLOCK_PROBE);
    if result.lock().unwrap_or_else(PoisonError::into_inner).is_some() {
        fail(bug, expected, format!("it returned within {:.0?}", started.elapsed()), hint);
    }
    Blocked { crew, result }
}

impl<T> Blocked<T> {
    /// Waits (under the watchdog) for the blocked call to return, and
    /// returns its result.
    pub fn completes(self) -> T {
        self.crew.join();
        let value = self.result.lock().unwrap_or_else(PoisonError::into_inner).take();
        value.expect("a crew that joined has run its thread to the end")
    }
}

/// The watched thread takes the caller's name with a `/call` suffix, so a
/// deadlock report shows whose call it was.
fn who() -> String {
    let caller = thread::current();
    format!("{}/call", caller.name().unwrap_or("checker"))
}
