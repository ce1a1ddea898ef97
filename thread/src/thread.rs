//! `Thread`: Python's `threading.Thread`, and its state machine.

use crate::{ThreadError, excepthook, registry};
use lockstep_event::Event;
use lockstep_lock::Mutex;
use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::{Acquire, Relaxed, Release};
use lockstep_sync::cell::UnsafeCell;
use lockstep_sync::threads;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

/// Lifecycle (bits 0-1 of the state word): created, not started.
pub(crate) const NEW: usize = 0;
/// Lifecycle: `start` claimed the thread; alive until `FINISHED`.
pub(crate) const STARTED: usize = 1;
/// Lifecycle: its target returned or panicked (and the hook ran).
const FINISHED: usize = 2;
/// The lifecycle bits.
pub(crate) const LIFECYCLE: usize = 0b11;
/// Bit 2: the daemon flag. In the same word as the lifecycle, so
/// `set_daemon` and `start` can't interleave: the flag can only change
/// while the word says `NEW`.
pub(crate) const DAEMON: usize = 0b100;

/// What kind of thread a record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A thread lockstep starts (`Thread::new`/`named`).
    Started,
    /// The process's main thread (Python's `_MainThread`).
    Main,
    /// A thread lockstep did not start (Python's `_DummyThread`).
    Dummy,
}

/// The shared record behind every handle to one thread.
pub(crate) struct Inner {
    /// Lifecycle (`NEW` → `STARTED` → `FINISHED`) and the `DAEMON` bit.
    pub(crate) state: AtomicUsize,
    pub(crate) kind: Kind,
    /// Fixed when the record is made; shown by `ident()` once started.
    pub(crate) ident: u64,
    name: Mutex<String>,
    /// The target until `start` takes it. Invariant: only the thread whose
    /// CAS moved `state` from `NEW` to `STARTED` touches it (and `Drop`).
    target: UnsafeCell<Option<Box<dyn FnOnce() + Send>>>,
    /// `lockstep_sync::thread_id()` of the thread running it; 0 until it
    /// runs. Only ever compared with the caller's own id.
    pub(crate) os_thread: AtomicUsize,
    /// The OS thread id; 0 until the thread has started running.
    native_id: AtomicUsize,
    /// Set once `os_thread` and `native_id` are stored (or start failed).
    pub(crate) running: Event,
    /// Set when the thread has finished: what `join` waits for.
    finished: Event,
}

// SAFETY: `target` is the only field that is not `Sync` by itself, and only
// the one thread that won the `NEW` → `STARTED` claim (or the last owner,
// dropping the record) ever touches it; the boxed closure is `Send`.
unsafe impl Sync for Inner {}

/// Python's `threading.Thread`: one thread of execution, with a name, a
/// daemon flag, `join(timeout)` and `is_alive`, listed by
/// [`enumerate`](crate::enumerate) while it runs.
///
/// A `Thread` is a cheap `Clone` handle (`Send + Sync`); every clone is the
/// same thread. [`current_thread`](crate::current_thread) gives the calling
/// thread's own handle, also on threads lockstep did not start.
///
/// # Python parity
/// - Default names are `Thread-N` from one process-wide counter shared with
///   `Timer` and `Dummy-N`; a named thread takes no number. Python 3.10+
///   appends the target's name (`Thread-1 (greet)`): Rust closures have no
///   name, so lockstep does not.
/// - A panic in the target is Python's uncaught exception: the excepthook
///   reports it ([`set_excepthook`](crate::set_excepthook)) and `join`
///   returns `Ok(())`. Rust's own panic hook still prints its
///   `thread '…' panicked at` line first (lockstep leaves the process-wide
///   panic hook alone).
/// - `ident()` is never reused by a later thread (Python's may be).
/// - When `main` returns, the program waits for every started non-daemon
///   `Thread` (Python's exit rule; see the crate docs for how).
/// - `set_name` after `start` renames the `Thread` but not the OS thread,
///   so debuggers and deadlock reports keep the name it started with.
///
/// # Examples
/// ```
/// use lockstep_thread::Thread;
///
/// let worker = Thread::named("worker", || println!("working"));
/// assert!(!worker.is_alive());
/// worker.start().unwrap();
/// worker.join().unwrap();
/// assert!(!worker.is_alive());
/// assert_eq!(worker.name(), "worker");
/// ```
#[derive(Clone)]
pub struct Thread {
    pub(crate) inner: Arc<Inner>,
}

impl Thread {
    /// A thread that will run `target`, named `Thread-N` with the next
    /// number. Python: `threading.Thread(target=f)`.
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| {});
    /// assert!(thread.name().starts_with("Thread-"));
    /// ```
    pub fn new(target: impl FnOnce() + Send + 'static) -> Thread {
        Thread::named(format!("Thread-{}", threads::next_number()), target)
    }

    /// A thread named `name` that will run `target`; it takes no number.
    /// Python: `threading.Thread(target=f, name=name)`.
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::named("greeter", || {});
    /// assert_eq!(thread.name(), "greeter");
    /// ```
    pub fn named(name: impl Into<String>, target: impl FnOnce() + Send + 'static) -> Thread {
        let thread = Thread::record(Kind::Started, name.into(), Some(Box::new(target)));
        if registry::creator_is_daemon() {
            // Relaxed: nobody else has this record yet.
            thread.inner.state.fetch_or(DAEMON, Relaxed);
        }
        thread
    }

    /// A record in state `NEW` (a started thread) or already `STARTED`
    /// (main, dummies: they run already).
    pub(crate) fn record(kind: Kind, name: String, target: Option<Box<dyn FnOnce() + Send>>) -> Thread {
        let running = kind != Kind::Started;
        let inner = Inner {
            state: AtomicUsize::new(match kind {
                Kind::Started => NEW,
                Kind::Main => STARTED,
                Kind::Dummy => STARTED | DAEMON,
            }),
            kind,
            ident: registry::next_ident(),
            name: Mutex::new(name),
            target: UnsafeCell::new(target),
            os_thread: AtomicUsize::new(0),
            native_id: AtomicUsize::new(0),
            running: Event::new(),
            finished: Event::new(),
        };
        let thread = Thread { inner: Arc::new(inner) };
        if running {
            thread.note_running(if kind == Kind::Main {
                threads::process_id()
            } else {
                threads::native_id()
            });
        }
        thread
    }

    /// Records the running thread's ids (called on that thread, except for
    /// the main thread's native id, which is the process id on Linux).
    pub(crate) fn note_running(&self, native: u64) {
        if self.inner.kind != Kind::Main || threads::is_main_thread() {
            // Relaxed: compared only by the thread that stored it.
            self.inner.os_thread.store(lockstep_sync::thread_id(), Relaxed);
        }
        // Release: pairs with `native_id`'s Acquire (the Event orders too).
        self.inner.native_id.store(native as usize, Release);
        self.inner.running.set();
    }

    /// Sets the daemon flag; `Err` once started. Python: `t.daemon = flag`
    /// (`setDaemon`). A new thread's flag is its creator's when the creator
    /// is a lockstep `Thread`, else `false`.
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| {});
    /// thread.set_daemon(true).unwrap();
    /// assert!(thread.is_daemon());
    /// thread.start().unwrap();
    /// assert!(thread.set_daemon(false).is_err());
    /// # thread.join().unwrap();
    /// ```
    pub fn set_daemon(&self, daemon: bool) -> Result<(), ThreadError> {
        // Relaxed: the flag publishes nothing; the CAS only has to see the
        // latest lifecycle, which a read-modify-write always does.
        self.inner
            .state
            .fetch_update(Relaxed, Relaxed, |state| {
                (state & LIFECYCLE == NEW).then_some(if daemon { state | DAEMON } else { state & !DAEMON })
            })
            .map(drop)
            .map_err(|_| ThreadError::DaemonOfActive)
    }

    /// Whether this is a daemon thread (cut off when `main` returns).
    /// Python: `t.daemon` (`isDaemon`).
    ///
    /// ```
    /// assert!(!lockstep_thread::main_thread().is_daemon());
    /// ```
    pub fn is_daemon(&self) -> bool {
        // Relaxed: a flag, fixed once started.
        self.inner.state.load(Relaxed) & DAEMON != 0
    }

    /// Starts the thread: a new OS thread, named as this `Thread`, runs the
    /// target. Python: `t.start()`. `Err` if it was started before ("threads
    /// can only be started once"). Once `start` returns, `is_alive`,
    /// `ident`, `native_id` and `enumerate` show the thread.
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| {});
    /// thread.start().unwrap();
    /// assert!(thread.ident().is_some());
    /// assert!(thread.start().is_err());
    /// thread.join().unwrap();
    /// ```
    pub fn start(&self) -> Result<(), ThreadError> {
        if self.inner.kind != Kind::Started {
            return Err(ThreadError::AlreadyStarted);
        }
        // Relaxed: claims the target. It was written before this handle was
        // shared, and whatever shared the handle ordered that write.
        self.inner
            .state
            .fetch_update(Relaxed, Relaxed, |state| (state & LIFECYCLE == NEW).then_some(state | STARTED))
            .map_err(|_| ThreadError::AlreadyStarted)?;
        // SAFETY: the claim above succeeded, so this thread alone may touch
        // `target` (the invariant on the field).
        let target = self.inner.target.with_mut(|target| unsafe { (*target).take() });
        registry::starting(self);
        let thread = self.clone();
        let body = move || thread.run(target.unwrap_or_else(|| Box::new(|| {})));
        if let Err(error) = threads::spawn(self.name(), body) {
            self.inner.running.set();
            self.finish();
            return Err(ThreadError::CantStart(error.to_string()));
        }
        Ok(())
    }

    /// The new thread's body: register, run the target, report a panic,
    /// finish.
    pub(crate) fn run(self, target: impl FnOnce()) {
        self.note_running(threads::native_id());
        registry::running(&self);
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(target)) {
            excepthook::report(&self, excepthook::message(payload.as_ref()));
        }
        self.finish();
    }

    /// `STARTED` → `FINISHED`: out of the registry, then joiners wake.
    pub(crate) fn finish(&self) {
        registry::finished(self);
        // Release: pairs with `is_alive`'s Acquire, so whoever sees the
        // thread dead sees what it did (the Event's set orders `join`).
        self.inner.state.fetch_add(FINISHED - STARTED, Release);
        self.inner.finished.set();
    }

    /// Waits until the thread has finished. Python: `t.join()`. `Err` if it
    /// was not started, or if a thread joins itself. A target that panicked
    /// still counts as finished: `Ok(())`.
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| panic!("boom"));
    /// # lockstep_thread::set_excepthook(|_| {});
    /// thread.start().unwrap();
    /// assert_eq!(thread.join(), Ok(()));
    /// ```
    pub fn join(&self) -> Result<(), ThreadError> {
        self.joinable()?;
        self.inner.finished.wait();
        Ok(())
    }

    /// Waits at most `timeout` for the thread to finish; `Ok(true)` if it
    /// has. Python: `t.join(timeout)` followed by `not t.is_alive()`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let gate = std::sync::Arc::new(lockstep_event::Event::new());
    /// let waiting = gate.clone();
    /// let thread = lockstep_thread::Thread::new(move || waiting.wait());
    /// thread.start().unwrap();
    /// assert_eq!(thread.join_timeout(Duration::from_millis(10)), Ok(false));
    /// gate.set();
    /// assert_eq!(thread.join_timeout(Duration::MAX), Ok(true));
    /// ```
    pub fn join_timeout(&self, timeout: Duration) -> Result<bool, ThreadError> {
        self.joinable()?;
        Ok(self.inner.finished.wait_timeout(timeout))
    }

    /// Python's checks at the top of `join`.
    fn joinable(&self) -> Result<(), ThreadError> {
        // Relaxed: only the lifecycle's `NEW` is looked at, which the
        // caller's own `start` (or whatever told it so) ordered.
        if self.inner.state.load(Relaxed) & LIFECYCLE == NEW {
            return Err(ThreadError::NotStarted);
        }
        if self.is_current() {
            return Err(ThreadError::JoinSelf);
        }
        if self.inner.kind == Kind::Dummy {
            return Err(ThreadError::JoinDummy);
        }
        Ok(())
    }

    /// Whether the calling thread is this one.
    pub(crate) fn is_current(&self) -> bool {
        // Relaxed: equal only to the id the calling thread stored itself.
        let running_here = self.inner.os_thread.load(Relaxed) == lockstep_sync::thread_id();
        running_here || (self.inner.kind == Kind::Main && threads::is_main_thread())
    }

    /// Whether the thread has started and not finished. Python:
    /// `t.is_alive()` (`isAlive`).
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| {});
    /// assert!(!thread.is_alive());
    /// thread.start().unwrap();
    /// thread.join().unwrap();
    /// assert!(!thread.is_alive());
    /// ```
    pub fn is_alive(&self) -> bool {
        // Acquire: pairs with `finish`'s Release.
        self.inner.state.load(Acquire) & LIFECYCLE == STARTED
    }

    /// The thread's name. Python: `t.name` (`getName`).
    ///
    /// ```
    /// assert_eq!(lockstep_thread::main_thread().name(), "MainThread");
    /// ```
    pub fn name(&self) -> String {
        self.inner.name.lock().clone()
    }

    /// Renames the thread. Python: `t.name = name` (`setName`).
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| {});
    /// thread.set_name("renamed");
    /// assert_eq!(thread.name(), "renamed");
    /// ```
    pub fn set_name(&self, name: impl Into<String>) {
        *self.inner.name.lock() = name.into();
    }

    /// A number identifying the thread, `None` before `start`. Python:
    /// `t.ident`. Never reused by a later thread in this process.
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| {});
    /// assert_eq!(thread.ident(), None);
    /// thread.start().unwrap();
    /// assert!(thread.ident().is_some());
    /// # thread.join().unwrap();
    /// ```
    pub fn ident(&self) -> Option<u64> {
        // Relaxed: the ident itself is immutable; the state only says
        // whether to show it.
        (self.inner.state.load(Relaxed) & LIFECYCLE != NEW).then_some(self.inner.ident)
    }

    /// The OS thread id (Linux's `gettid`), `None` before `start`. Python:
    /// `t.native_id`. Right after `start` it may wait a moment for the new
    /// thread to report its id.
    ///
    /// ```
    /// let thread = lockstep_thread::Thread::new(|| {});
    /// assert_eq!(thread.native_id(), None);
    /// thread.start().unwrap();
    /// assert!(thread.native_id().is_some());
    /// # thread.join().unwrap();
    /// ```
    pub fn native_id(&self) -> Option<u64> {
        // Relaxed: as in `ident`.
        if self.inner.state.load(Relaxed) & LIFECYCLE == NEW {
            return None;
        }
        self.inner.running.wait();
        // Acquire: pairs with `note_running`'s Release.
        let native = self.inner.native_id.load(Acquire) as u64;
        (native != 0).then_some(native)
    }
}
