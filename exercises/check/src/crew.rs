//! Named threads under a watchdog: a deadlock or a hang becomes a failure
//! within seconds, naming who waits for what.

use std::cell::Cell;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, PanicHookInfo, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, Once, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::failure::{fail, panic_message, take_failed};

/// How long a crew may run before the watchdog calls it a hang. The
/// exercises' solutions finish in well under a second.
const DEFAULT_LIMIT: Duration = Duration::from_secs(5);

/// How often the watchdog asks the deadlock detector for cycles.
const TICK: Duration = Duration::from_millis(20);

thread_local! {
    /// Whether this thread is one of a [`Crew`]'s (see [`quiet_hook`]).
    static IN_CREW: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once per process, a panic hook that prints a crew thread's
/// panic as the default hook's first lines but without a backtrace; other
/// threads' panics go to the hook it replaced. Under `RUST_BACKTRACE=1`
/// (rustlings sets it) symbolizing a backtrace took over 2 s on a busy
/// 2-core machine, and the watchdog counted that time as a hang of the
/// panicking thread; the crew reports the panic itself anyway.
fn quiet_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            if !IN_CREW.with(Cell::get) {
                return previous(info);
            }
            let thread = thread::current();
            let name = thread.name().unwrap_or("<unnamed>");
            let at = info.location().map_or_else(String::new, |at| format!(" at {at}"));
            eprintln!("\nthread '{name}' panicked{at}:\n{}", panic_message(info.payload()));
        }));
    });
}

/// What the crew's threads report back to the watchdog.
#[derive(Default)]
struct Board {
    finished: Vec<String>,
    /// The first thread that panicked: its name, its message, and whether
    /// the panic was a checker verdict ([`fail`]) to pass on unchanged.
    panicked: Option<(String, String, bool)>,
}

/// A group of named threads run under a watchdog (the koans'
/// "run threads with a watchdog").
///
/// [`join`](Crew::join) waits for all of them. It fails the exercise
/// - at once if lockstep's deadlock detector sees a cycle among `Lock`s and
///   `RLock`s ("deadlock: … philosopher-1 holds fork-1 and waits for
///   fork-2; …"), or a thread waiting for a `Lock` it holds itself
///   ("deadlock: … du waits for tree_lock, which it holds itself: …");
/// - after the limit (5 s unless [`limit`](Crew::limit) says otherwise) if
///   some threads are still running, naming them and the lock each one is
///   blocked on, under the bug class given to [`hang_is`](Crew::hang_is);
/// - if a thread panics, with the panic's message (or the checker's own
///   verdict, unchanged, if the thread called [`fail`]).
///
/// A crew thread's panic prints where it happened and its message, never a
/// backtrace, even under `RUST_BACKTRACE=1`: symbolizing one can take
/// longer than the limit on a busy machine.
///
/// ```
/// use lockstep::Lock;
/// use std::sync::Arc;
///
/// let lock = Arc::new(Lock::new());
/// let mut crew = lockstep_check::Crew::new("both workers to finish");
/// for name in ["worker-1", "worker-2"] {
///     let lock = Arc::clone(&lock);
///     crew.spawn(name, move || drop(lock.lock()));
/// }
/// crew.join();
/// ```
pub struct Crew {
    expected: String,
    names: Vec<String>,
    board: Arc<(Mutex<Board>, Condvar)>,
    limit: Duration,
    hang: (String, u8),
    deadlock_hint: u8,
    panic: Option<(String, u8)>,
    /// Says more about a hang, asked at the moment it is reported.
    detail: Option<Box<dyn Fn() -> String + Send>>,
    /// Cycles that existed before this crew started (left by an earlier
    /// failed check in the same process): not this crew's.
    stale: HashSet<String>,
}

impl Crew {
    /// A crew whose run is expected to achieve `expected` ("every car to
    /// park and leave"); the phrase opens every failure it reports.
    pub fn new(expected: impl Into<String>) -> Crew {
        Crew {
            expected: expected.into(),
            names: Vec::new(),
            board: Arc::default(),
            limit: DEFAULT_LIMIT,
            hang: ("hang".to_owned(), 1),
            deadlock_hint: 1,
            panic: None,
            detail: None,
            stale: cycles(),
        }
    }

    /// The bug class (and hint) to report when threads are still running at
    /// the limit and no deadlock cycle explains it: "lost wake-up",
    /// "missing task_done", …
    pub fn hang_is(mut self, bug: impl Into<String>, hint: u8) -> Crew {
        self.hang = (bug.into(), hint);
        self
    }

    /// The hint to read when a deadlock cycle is found.
    pub fn deadlock_hint(mut self, hint: u8) -> Crew {
        self.deadlock_hint = hint;
        self
    }

    /// The bug class (and hint) to report when a thread panics on its own
    /// (not by [`fail`]): e.g. "check-then-act race" for an `unwrap` on an
    /// item another thread took first.
    pub fn panic_is(mut self, bug: impl Into<String>, hint: u8) -> Crew {
        self.panic = Some((bug.into(), hint));
        self
    }

    /// Adds what `detail` says (asked at the moment of the hang) to the hang
    /// report: e.g. "q.unfinished_tasks() = 12" for a `join` that waits for
    /// `task_done` calls that never come.
    pub fn hang_detail(mut self, detail: impl Fn() -> String + Send + 'static) -> Crew {
        self.detail = Some(Box::new(detail));
        self
    }

    /// How long the crew may run before it counts as hung.
    pub fn limit(mut self, limit: Duration) -> Crew {
        self.limit = limit;
        self
    }

    /// Starts `body` on a thread named `name` (the name shows in deadlock
    /// reports and in every failure).
    pub fn spawn(&mut self, name: impl Into<String>, body: impl FnOnce() + Send + 'static) {
        let name = name.into();
        let board = Arc::clone(&self.board);
        let own = name.clone();
        quiet_hook();
        let started = thread::Builder::new().name(name.clone()).spawn(move || {
            IN_CREW.with(|in_crew| in_crew.set(true));
            let outcome = catch_unwind(AssertUnwindSafe(body));
            let (state, wake) = &*board;
            let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(payload) = outcome
                && state.panicked.is_none()
            {
                state.panicked = Some((own.clone(), panic_message(&*payload), take_failed()));
            }
            state.finished.push(own);
            wake.notify_all();
        });
        if let Err(error) = started {
            fail("no thread", "a new thread to start", format!("the system refused it: {error}"), 1);
        }
        self.names.push(name);
    }

    /// Waits for every thread of the crew, failing the exercise on a
    /// deadlock, a hang or a panic (see [`Crew`]).
    pub fn join(self) {
        let deadline = Instant::now() + self.limit;
        let (state, wake) = &*self.board;
        let mut board = state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some((name, message, verdict)) = board.panicked.take() {
                drop(board);
                if verdict {
                    // The thread's own check already printed it all.
                    std::panic::resume_unwind(Box::new(message));
                }
                let (bug, hint) = self.panic.clone().unwrap_or_else(|| ("panic".to_owned(), 1));
                fail(&bug, &self.expected, format!("{name} panicked: {}", message.trim()), hint);
            }
            if board.finished.len() == self.names.len() {
                return;
            }
            let now = Instant::now();
            if now >= deadline {
                let running: Vec<&String> =
                    self.names.iter().filter(|name| !board.finished.contains(name)).collect();
                let happened = self.describe_hang(&running);
                drop(board);
                fail(&self.hang.0, &self.expected, happened, self.hang.1);
            }
            board =
                wake.wait_timeout(board, TICK.min(deadline - now)).unwrap_or_else(PoisonError::into_inner).0;
            if let Some(cycle) = self.own_cycle() {
                drop(board);
                let happened = match cycle.threads.as_slice() {
                    // A cycle of one: a thread waiting for a lock it holds.
                    [alone] => format!(
                        "{} waits for {}, which it holds itself: a Lock is not re-entrant, so it waits for \
                         itself forever ({cycle})",
                        alone.thread, alone.waits_for
                    ),
                    _ => format!("every thread of this cycle waits for the next one forever: {cycle}"),
                };
                fail("deadlock", &self.expected, happened, self.deadlock_hint);
            }
        }
    }

    /// A new deadlock cycle through one of this crew's threads. Other
    /// checks in the same program (tests run in parallel) have cycles of
    /// their own; telling them apart by thread name is all the detector
    /// allows, so each exercise gives its threads names of their own.
    fn own_cycle(&self) -> Option<lockstep::deadlock::Deadlock> {
        lockstep::deadlock::check()
            .into_iter()
            .filter(|cycle| cycle.threads.iter().any(|link| self.names.contains(&link.thread)))
            .find(|cycle| !self.stale.contains(&cycle.to_string()))
    }

    /// "after 5 s, consumer-2 and consumer-3 had not finished (consumer-2 is
    /// blocked on lock `ledger`)".
    fn describe_hang(&self, running: &[&String]) -> String {
        let names: Vec<&str> = running.iter().map(|name| name.as_str()).collect();
        let mut text = format!("after {:.0?}, {} had not finished", self.limit, list(&names));
        let blocked: Vec<String> = lockstep::deadlock::blocked()
            .into_iter()
            .filter(|(thread, _)| names.contains(&thread.as_str()))
            .map(|(thread, lock)| format!("{thread} is blocked on lock `{lock}`"))
            .collect();
        if blocked.is_empty() {
            text.push_str(" (they are waiting, but on no Lock or RLock: on an Event, a Condition, a queue or a semaphore)");
        } else {
            text.push_str(&format!(" ({})", blocked.join(", ")));
        }
        if let Some(detail) = &self.detail {
            text.push_str(&format!("; {}", detail()));
        }
        text
    }
}

/// The deadlock detector's cycles now, as displayed.
fn cycles() -> HashSet<String> {
    lockstep::deadlock::check().iter().map(ToString::to_string).collect()
}

/// "a", "a and b", "a, b and c".
pub(crate) fn list(names: &[&str]) -> String {
    match names {
        [] => "nobody".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
