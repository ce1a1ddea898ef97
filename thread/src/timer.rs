//! `Timer`: Python's `threading.Timer`, plus a repeating `Timer::every`.

use crate::{Thread, ThreadError};
use lockstep_event::Event;
use lockstep_sync::atomic::AtomicU8;
use lockstep_sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Waiting for the interval to pass (or, for `every`, between runs).
const WAITING: u8 = 0;
/// `every` only: the function is running now.
const RUNNING: u8 = 1;
/// One-shot only: the interval passed first; the function runs (or ran).
const FIRED: u8 = 2;
/// `cancel` came first: no run starts any more.
const CANCELLED: u8 = 3;

/// What the timer's thread and `cancel` share.
struct Shared {
    /// `WAITING` → `FIRED` (one-shot) or `WAITING` ⇄ `RUNNING` (`every`),
    /// or → `CANCELLED` from `WAITING`/`RUNNING`. Whoever moves it out of
    /// `WAITING` first decides: the function runs, or never (again).
    state: AtomicU8,
    /// Python's `self.finished`: `cancel` sets it to wake the waiting thread.
    finished: Event,
}

impl Shared {
    /// Moves `from` → `to`; whether this call made the move.
    fn claim(&self, from: u8, to: u8) -> bool {
        // Relaxed: who wins is decided by the order of the read-modify-
        // writes on this one word; nothing is published through it (the
        // function's effects reach a joiner through the thread's join).
        self.state.compare_exchange(from, to, Relaxed, Relaxed).is_ok()
    }
}

/// Python's `threading.Timer`: a [`Thread`] that waits `interval`, then
/// runs a function unless [`cancel`](Timer::cancel) came first.
///
/// The wait is on an [`Event`], as in CPython (`finished.wait(interval)`),
/// so `cancel` wakes the timer's thread at once: it exits without running
/// the function. A timer is a thread: its name is the next `Thread-N`, its
/// daemon flag is inherited, and it starts once.
///
/// # Python parity
/// - A cancel racing the timer's fire is decided by one atomic claim, so
///   exactly one of "the function runs" and [`is_cancelled`](Timer::is_cancelled)
///   holds. (CPython checks `finished.is_set()` after the wait, so a
///   cancel just after that check still lets the function run.)
/// - No `args`/`kwargs`: the closure captures what it needs, so nothing
///   is shared between timers (CPython's `test_init_immutable_default_args`).
/// - Extra: [`Timer::every`], a repeating timer, stopped by `cancel`.
///
/// # Examples
/// ```
/// use lockstep_thread::Timer;
/// use std::time::Duration;
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// let timer = Timer::new(Duration::from_millis(10), move || tx.send("fired").unwrap());
/// timer.start().unwrap();
/// assert_eq!(rx.recv().unwrap(), "fired");
/// timer.join().unwrap();
/// ```
pub struct Timer {
    thread: Thread,
    shared: Arc<Shared>,
}

impl Timer {
    /// A timer that runs `function` once, `interval` after `start`, unless
    /// cancelled first. Python: `threading.Timer(interval, function)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let timer = lockstep_thread::Timer::new(Duration::from_secs(60), || unreachable!());
    /// timer.start().unwrap();
    /// timer.cancel(); // the function never runs; the thread exits at once
    /// timer.join().unwrap();
    /// ```
    pub fn new(interval: Duration, function: impl FnOnce() + Send + 'static) -> Timer {
        let shared = Arc::new(Shared { state: AtomicU8::new(WAITING), finished: Event::new() });
        let waiting = shared.clone();
        let thread = Thread::new(move || {
            if !waiting.finished.wait_timeout(interval) && waiting.claim(WAITING, FIRED) {
                function();
            }
            waiting.finished.set();
        });
        Timer { thread, shared }
    }

    /// A repeating timer (a lockstep extra): runs `function` every
    /// `interval` after `start` (at start + interval, + 2 × interval, …;
    /// a run that overruns its slot is followed at once by the next, and
    /// runs never overlap or pile up) until
    /// [`cancel`](Timer::cancel). No run starts after `cancel` returns; a
    /// run in progress finishes. A panic in `function` ends the timer (the
    /// excepthook reports it).
    ///
    /// ```
    /// use std::sync::mpsc::channel;
    /// use std::time::Duration;
    ///
    /// let (tick, ticks) = channel();
    /// let timer = lockstep_thread::Timer::every(Duration::from_millis(1), move || {
    ///     let _ = tick.send(());
    /// });
    /// timer.start().unwrap();
    /// for _ in 0..3 {
    ///     ticks.recv().unwrap();
    /// }
    /// timer.cancel();
    /// timer.join().unwrap();
    /// ```
    pub fn every(interval: Duration, mut function: impl FnMut() + Send + 'static) -> Timer {
        let shared = Arc::new(Shared { state: AtomicU8::new(WAITING), finished: Event::new() });
        let waiting = shared.clone();
        let thread = Thread::new(move || {
            let mut next = Instant::now().checked_add(interval);
            loop {
                let cancelled = match next {
                    Some(deadline) => waiting.finished.wait_until(deadline),
                    None => {
                        waiting.finished.wait();
                        true
                    }
                };
                if cancelled || !waiting.claim(WAITING, RUNNING) {
                    break;
                }
                function();
                if !waiting.claim(RUNNING, WAITING) {
                    break; // cancelled while it ran
                }
                next = next.and_then(|at| at.checked_add(interval)).map(|at| at.max(Instant::now()));
            }
            waiting.finished.set();
        });
        Timer { thread, shared }
    }

    /// Starts the timer's thread; `Err` on a second start ("threads can
    /// only be started once"). Python: `timer.start()`.
    ///
    /// ```
    /// let timer = lockstep_thread::Timer::new(std::time::Duration::ZERO, || {});
    /// timer.start().unwrap();
    /// assert!(timer.start().is_err());
    /// timer.join().unwrap();
    /// ```
    pub fn start(&self) -> Result<(), ThreadError> {
        self.thread.start()
    }

    /// Stops the timer if it has not fired yet: the function never runs
    /// (for [`every`](Timer::every): no further run starts), and a waiting
    /// timer's thread exits at once. After it fired, nothing changes.
    /// Before `start`, the timer will never fire. Python: `timer.cancel()`.
    ///
    /// ```
    /// let timer = lockstep_thread::Timer::new(std::time::Duration::ZERO, || unreachable!());
    /// timer.cancel(); // before start
    /// timer.start().unwrap();
    /// timer.join().unwrap();
    /// assert!(timer.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        // Relaxed: as in `claim`; the Event's `set` wakes and orders.
        let _ = self
            .shared
            .state
            .fetch_update(Relaxed, Relaxed, |state| matches!(state, WAITING | RUNNING).then_some(CANCELLED));
        self.shared.finished.set();
    }

    /// Whether `cancel` stopped the function: it came before the timer
    /// fired (for `every`: it stopped the repeats). `false` when the
    /// function ran (a one-shot timer) or nothing was cancelled. A lockstep
    /// extra; Python would look at its own flag.
    ///
    /// ```
    /// let timer = lockstep_thread::Timer::new(std::time::Duration::ZERO, || {});
    /// timer.start().unwrap();
    /// timer.join().unwrap();
    /// timer.cancel(); // after it fired: changes nothing
    /// assert!(!timer.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        // Relaxed: as in `claim`.
        self.shared.state.load(Relaxed) == CANCELLED
    }

    /// Waits for the timer's thread to finish. Python: `timer.join()`.
    ///
    /// ```
    /// let timer = lockstep_thread::Timer::new(std::time::Duration::ZERO, || {});
    /// assert!(timer.join().is_err()); // not started
    /// timer.start().unwrap();
    /// timer.join().unwrap();
    /// ```
    pub fn join(&self) -> Result<(), ThreadError> {
        self.thread.join()
    }

    /// Whether the timer's thread is running. Python: `timer.is_alive()`.
    ///
    /// ```
    /// let timer = lockstep_thread::Timer::new(std::time::Duration::ZERO, || {});
    /// assert!(!timer.is_alive());
    /// ```
    pub fn is_alive(&self) -> bool {
        self.thread.is_alive()
    }

    /// The timer's [`Thread`]: its name, daemon flag, ident. In Python the
    /// timer *is* the thread.
    ///
    /// ```
    /// let timer = lockstep_thread::Timer::new(std::time::Duration::ZERO, || {});
    /// assert!(timer.thread().name().starts_with("Thread-"));
    /// timer.thread().set_daemon(true).unwrap();
    /// ```
    pub fn thread(&self) -> &Thread {
        &self.thread
    }
}
