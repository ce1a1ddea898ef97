//! `Barrier`: Python's `threading.Barrier`, built on `Condition` as
//! CPython builds it.

use crate::{Condition, ConditionGuard};
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::atomic::{AtomicU8, AtomicUsize};
use lockstep_sync::deadline;
use std::any::Any;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Threads are arriving; the cycle is not complete. (Python's state 0.)
const FILLING: u8 = 0;
/// The last party arrived; waiters are leaving. New arrivals wait until
/// every one has left, so generations never mix. (Python's 1.)
const DRAINING: u8 = 1;
/// `reset` while threads waited: they leave with an error; then FILLING.
/// (Python's -1.)
const RESETTING: u8 = 2;
/// A timeout, `abort` or a panicking action broke it; every wait fails
/// until `reset`. (Python's -2.)
const BROKEN: u8 = 3;

/// A wait on a broken [`Barrier`] (Python's `BrokenBarrierError`): it was
/// aborted, reset while this thread waited, a waiter timed out, or the
/// action panicked.
///
/// ```
/// let barrier = lockstep_condition::Barrier::new(2);
/// barrier.abort();
/// let error = barrier.wait().unwrap_err();
/// assert_eq!(error.to_string(), "BrokenBarrierError: the barrier is broken");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BrokenBarrierError;

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BrokenBarrierError: the barrier is broken")
    }
}

impl std::error::Error for BrokenBarrierError {}

type Action = Box<dyn Fn() + Send + Sync>;

/// Python's `threading.Barrier(parties, action, timeout)`: `parties`
/// threads call [`wait`](Barrier::wait), and none returns until all have
/// arrived. Each gets a distinct arrival index in `0..parties`; the last
/// to arrive runs the optional action first. The barrier is reusable:
/// after a cycle it fills again.
///
/// # Python parity
/// - `Barrier::new(0)` makes a one-party barrier (Python 3.13 raises
///   `ValueError`).
/// - A timeout breaks the barrier for everyone, as in Python;
///   `wait_timeout(Duration::ZERO)` by a non-last arriver breaks it at once.
/// - If the action panics, the barrier breaks, the thread that ran it
///   panics with the action's payload, and the others get
///   `BrokenBarrierError` (Python re-raises the action's exception).
///
/// # Examples
/// ```
/// use lockstep_condition::Barrier;
/// use std::thread;
///
/// let barrier = Barrier::new(3).with_action(|| println!("all three are here"));
/// let mut indices: Vec<usize> = thread::scope(|s| {
///     let handles: Vec<_> = (0..3).map(|_| s.spawn(|| barrier.wait().unwrap())).collect();
///     handles.into_iter().map(|h| h.join().unwrap()).collect()
/// });
/// indices.sort();
/// assert_eq!(indices, [0, 1, 2]);
/// ```
pub struct Barrier {
    cond: Condition,
    /// `FILLING`, `DRAINING`, `RESETTING` or `BROKEN`; only changed and read
    /// with `cond`'s lock held, so `Relaxed` suffices throughout.
    state: AtomicU8,
    /// Threads inside `wait` in this cycle (guarded by the lock, as above).
    count: AtomicUsize,
    parties: usize,
    action: Option<Action>,
    timeout: Option<Duration>,
}

impl Barrier {
    /// A barrier for `parties` threads, with no action and no default
    /// timeout. Python: `threading.Barrier(parties)`.
    ///
    /// ```
    /// let barrier = lockstep_condition::Barrier::new(1);
    /// assert_eq!(barrier.wait(), Ok(0)); // one party: never waits
    /// ```
    pub fn new(parties: usize) -> Barrier {
        Barrier {
            cond: Condition::new(),
            state: AtomicU8::new(FILLING),
            count: AtomicUsize::new(0),
            parties: parties.max(1),
            action: None,
            timeout: None,
        }
    }

    /// Runs `action` once per cycle, in the last thread to arrive, before
    /// any thread is released. Python: `Barrier(parties, action=...)`.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// static CYCLES: AtomicUsize = AtomicUsize::new(0);
    /// let barrier = lockstep_condition::Barrier::new(1).with_action(|| {
    ///     CYCLES.fetch_add(1, Relaxed);
    /// });
    /// barrier.wait().unwrap();
    /// barrier.wait().unwrap();
    /// assert_eq!(CYCLES.load(Relaxed), 2);
    /// ```
    pub fn with_action(mut self, action: impl Fn() + Send + Sync + 'static) -> Barrier {
        self.action = Some(Box::new(action));
        self
    }

    /// The timeout [`wait`](Barrier::wait) uses. Python: `Barrier(..., timeout=t)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let barrier = lockstep_condition::Barrier::new(2).with_timeout(Duration::from_millis(5));
    /// assert!(barrier.wait().is_err()); // nobody else came
    /// assert!(barrier.broken());
    /// ```
    pub fn with_timeout(mut self, timeout: Duration) -> Barrier {
        self.timeout = Some(timeout);
        self
    }

    /// Waits until all parties have called `wait`; returns this thread's
    /// arrival index (`parties - 1` for the last). Uses the default timeout
    /// if one was set. Python: `barrier.wait()`.
    ///
    /// # Errors
    /// [`BrokenBarrierError`] if the barrier is or becomes broken, or is
    /// reset while this thread waits.
    ///
    /// ```
    /// use std::thread;
    /// let barrier = lockstep_condition::Barrier::new(2);
    /// thread::scope(|s| {
    ///     let other = s.spawn(|| barrier.wait());
    ///     let mine = barrier.wait().unwrap();
    ///     assert_eq!(mine + other.join().unwrap().unwrap(), 1); // 0 and 1
    /// });
    /// ```
    pub fn wait(&self) -> Result<usize, BrokenBarrierError> {
        self.wait_deadline(self.timeout.and_then(deadline))
    }

    /// As [`wait`](Barrier::wait), breaking the barrier if the cycle does
    /// not complete within `timeout`. Python: `barrier.wait(timeout)`.
    ///
    /// # Errors
    /// As [`wait`](Barrier::wait); on timeout the barrier breaks.
    ///
    /// ```
    /// use std::time::Duration;
    /// let barrier = lockstep_condition::Barrier::new(2);
    /// assert!(barrier.wait_timeout(Duration::from_millis(5)).is_err());
    /// assert!(barrier.broken());
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize, BrokenBarrierError> {
        self.wait_deadline(deadline(timeout))
    }

    /// As [`wait_timeout`](Barrier::wait_timeout), with the deadline as an
    /// `Instant`.
    ///
    /// # Errors
    /// As [`wait`](Barrier::wait); when the deadline passes the barrier breaks.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let barrier = lockstep_condition::Barrier::new(2);
    /// assert!(barrier.wait_until(Instant::now() + Duration::from_millis(5)).is_err());
    /// assert!(barrier.broken());
    /// ```
    pub fn wait_until(&self, deadline: Instant) -> Result<usize, BrokenBarrierError> {
        self.wait_deadline(Some(deadline))
    }

    /// Frees the threads waiting now with `BrokenBarrierError` and makes the
    /// barrier usable again (also after `abort`). Python: `barrier.reset()`.
    ///
    /// ```
    /// let barrier = lockstep_condition::Barrier::new(1);
    /// barrier.abort();
    /// barrier.reset();
    /// assert!(!barrier.broken());
    /// assert_eq!(barrier.wait(), Ok(0));
    /// ```
    pub fn reset(&self) {
        let held = self.cond.lock();
        if self.count.load(Relaxed) > 0 {
            // The last waiter to leave turns RESETTING into FILLING.
            if matches!(self.state.load(Relaxed), FILLING | BROKEN) {
                self.state.store(RESETTING, Relaxed);
            }
        } else {
            self.state.store(FILLING, Relaxed);
        }
        held.notify_all();
    }

    /// Breaks the barrier: current and future waits fail until
    /// [`reset`](Barrier::reset). Python: `barrier.abort()`.
    ///
    /// ```
    /// let barrier = lockstep_condition::Barrier::new(3);
    /// barrier.abort();
    /// assert!(barrier.broken());
    /// ```
    pub fn abort(&self) {
        self.break_it(&self.cond.lock());
    }

    /// How many threads the barrier waits for. Python: `barrier.parties`.
    ///
    /// ```
    /// assert_eq!(lockstep_condition::Barrier::new(4).parties(), 4);
    /// ```
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// How many threads wait now (0 while draining or broken).
    /// Python: `barrier.n_waiting`.
    ///
    /// ```
    /// assert_eq!(lockstep_condition::Barrier::new(2).n_waiting(), 0);
    /// ```
    pub fn n_waiting(&self) -> usize {
        let _held = self.cond.lock();
        if self.state.load(Relaxed) == FILLING { self.count.load(Relaxed) } else { 0 }
    }

    /// Whether the barrier is broken. Python: `barrier.broken`.
    ///
    /// ```
    /// assert!(!lockstep_condition::Barrier::new(2).broken());
    /// ```
    pub fn broken(&self) -> bool {
        let _held = self.cond.lock();
        self.state.load(Relaxed) == BROKEN
    }

    fn wait_deadline(&self, deadline: Option<Instant>) -> Result<usize, BrokenBarrierError> {
        let mut held = self.cond.lock();
        // Wait out the previous cycle's drain or reset.
        held.wait_for(|| !matches!(self.state.load(Relaxed), DRAINING | RESETTING), None);
        if self.state.load(Relaxed) == BROKEN {
            return Err(BrokenBarrierError);
        }
        let index = self.count.fetch_add(1, Relaxed);
        let outcome = if index + 1 == self.parties {
            self.release_all(&held)
        } else {
            self.wait_for_release(&mut held, deadline)
        };
        self.count.fetch_sub(1, Relaxed);
        if self.count.load(Relaxed) == 0 && matches!(self.state.load(Relaxed), DRAINING | RESETTING) {
            self.state.store(FILLING, Relaxed);
            held.notify_all();
        }
        match outcome {
            Ok(()) => Ok(index),
            Err(None) => Err(BrokenBarrierError),
            Err(Some(payload)) => {
                drop(held);
                panic::resume_unwind(payload)
            }
        }
    }

    /// The last arriver: run the action, then let everyone go.
    fn release_all(&self, held: &ConditionGuard<'_>) -> Result<(), Option<Box<dyn Any + Send>>> {
        if let Some(action) = &self.action {
            // The lock stays held and consistent across the unwind.
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(action)) {
                self.break_it(held);
                return Err(Some(payload));
            }
        }
        self.state.store(DRAINING, Relaxed);
        held.notify_all();
        Ok(())
    }

    fn wait_for_release(
        &self,
        held: &mut ConditionGuard<'_>,
        deadline: Option<Instant>,
    ) -> Result<(), Option<Box<dyn Any + Send>>> {
        if !held.wait_for_deadline(|| self.state.load(Relaxed) != FILLING, deadline) {
            self.break_it(held);
            return Err(None);
        }
        match self.state.load(Relaxed) {
            DRAINING => Ok(()),
            _ => Err(None), // broken, or reset while we waited
        }
    }

    fn break_it(&self, held: &ConditionGuard<'_>) {
        self.state.store(BROKEN, Relaxed);
        held.notify_all();
    }
}

impl fmt::Debug for Barrier {
    /// Like Python's repr: waiting/parties, or broken.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("n_waiting", &self.n_waiting())
            .field("parties", &self.parties)
            .field("broken", &self.broken())
            .finish()
    }
}
