//! The registry of threads (Python's `threading._active`): which threads
//! are alive, which record the calling thread has, and Python's exit rule.
//!
//! One std `Mutex` guards it. It is bookkeeping, not synchronization: the
//! threads themselves order each other through their state word and
//! `Event`s (which the model checkers see), and no critical section here
//! runs a model operation (records leaving the registry are dropped after
//! the lock is released), so under loom it is invisible and harmless, as
//! the deadlock registry in `lockstep-sync`.

use crate::Thread;
use crate::thread::Kind;
use lockstep_sync::threads;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

struct Registry {
    /// Every alive thread lockstep knows, by ident (`enumerate`): started
    /// `Thread`s from `start` until they finish, main, and dummies.
    alive: BTreeMap<u64, Thread>,
    /// The record of each running thread, by `lockstep_sync::thread_id()`
    /// (`current_thread`), entered by the thread itself.
    running: BTreeMap<usize, Thread>,
    /// The main thread's record, made at the first need.
    main: Option<Thread>,
}

static REGISTRY: Mutex<Registry> =
    Mutex::new(Registry { alive: BTreeMap::new(), running: BTreeMap::new(), main: None });

fn registry() -> MutexGuard<'static, Registry> {
    // The registry stays consistent even if a holder panicked.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The next ident: never 0, never reused.
pub(crate) fn next_ident() -> u64 {
    // Relaxed: it only hands out distinct numbers.
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Relaxed)
}

/// Whether the calling thread is a daemon lockstep `Thread` (a new
/// thread's default). Main and threads lockstep did not start: `false`.
pub(crate) fn creator_is_daemon() -> bool {
    let registry = registry();
    let creator = registry.running.get(&lockstep_sync::thread_id());
    creator.is_some_and(|thread| thread.inner.kind == Kind::Started && thread.is_daemon())
}

/// `start` is about to spawn `thread`: list it, and install the exit hook.
pub(crate) fn starting(thread: &Thread) {
    static EXIT_HOOK: Once = Once::new();
    EXIT_HOOK.call_once(|| {
        threads::at_exit(at_exit);
    });
    registry().alive.insert(thread.inner.ident, thread.clone());
}

/// `thread` runs now, on the calling thread.
pub(crate) fn running(thread: &Thread) {
    registry().running.insert(lockstep_sync::thread_id(), thread.clone());
}

/// `thread` has finished: out of both lists.
pub(crate) fn finished(thread: &Thread) {
    let removed = {
        let mut registry = registry();
        let by_id = registry.alive.remove(&thread.inner.ident);
        let me = lockstep_sync::thread_id();
        let by_os = match registry.running.get(&me) {
            Some(running) if running == thread => registry.running.remove(&me),
            _ => None,
        };
        (by_id, by_os)
    };
    drop(removed); // outside the lock: it may be the last handle
}

/// The main thread's record, made (and listed) on first use. Records are
/// made outside the lock (making one touches its `Event`s).
fn main_record() -> Thread {
    if let Some(main) = &registry().main {
        return main.clone();
    }
    let fresh = Thread::record(Kind::Main, "MainThread".to_owned(), None);
    let mut registry = registry();
    if let Some(main) = &registry.main {
        return main.clone(); // another thread made it first; `fresh` goes
    }
    registry.alive.insert(fresh.inner.ident, fresh.clone());
    registry.main = Some(fresh.clone());
    fresh
}

/// The calling thread's `Thread`. Python: `threading.current_thread()`
/// (`currentThread`).
///
/// The main thread is `MainThread`. A thread lockstep did not start is
/// given a record the first time it asks, as Python's `_DummyThread`:
/// alive, daemon, not joinable, listed by [`enumerate`] until the thread
/// exits, and named `Dummy-N` from the `Thread-N` counter, unless the std
/// thread has a name of its own (`std::thread::Builder::name`), which it
/// keeps.
///
/// # Python parity
/// A std thread's own name is kept (Python's foreign threads have no
/// name): it is what debuggers and lockstep's deadlock reports show.
///
/// ```
/// use lockstep_thread::{Thread, current_thread};
///
/// let thread = Thread::named("worker", || assert_eq!(current_thread().name(), "worker"));
/// thread.start().unwrap();
/// thread.join().unwrap();
/// let dummy = std::thread::spawn(|| current_thread().name()).join().unwrap();
/// assert!(dummy.starts_with("Dummy-"));
/// ```
pub fn current_thread() -> Thread {
    let me = lockstep_sync::thread_id();
    if let Some(thread) = registry().running.get(&me) {
        return thread.clone();
    }
    if threads::is_main_thread() {
        return main_record();
    }
    // Only this thread registers itself, so nobody can have meanwhile.
    let dummy = Thread::record(Kind::Dummy, threads::current_name(), None);
    {
        let mut registry = registry();
        registry.alive.insert(dummy.inner.ident, dummy.clone());
        registry.running.insert(me, dummy.clone());
    }
    // Out of the lists when this thread exits (a thread-local's destructor).
    let _ = DUMMY.try_with(|slot| *slot.borrow_mut() = Some(DummyExit(dummy.clone())));
    dummy
}

/// A dummy's registration, undone when its thread exits.
struct DummyExit(Thread);

impl Drop for DummyExit {
    fn drop(&mut self) {
        self.0.finish();
    }
}

thread_local! {
    static DUMMY: std::cell::RefCell<Option<DummyExit>> = const { std::cell::RefCell::new(None) };
}

/// The main thread's `Thread` (`MainThread`), from any thread. Python:
/// `threading.main_thread()`.
///
/// ```
/// let main = lockstep_thread::main_thread();
/// assert_eq!(main.name(), "MainThread");
/// assert!(main.is_alive());
/// ```
pub fn main_thread() -> Thread {
    main_record()
}

/// Every alive thread lockstep knows, main included, in the order they
/// were made: started `Thread`s (from `start` until they finish), and
/// threads that called [`current_thread`]. Python: `threading.enumerate()`.
///
/// ```
/// let all = lockstep_thread::enumerate();
/// assert!(all.contains(&lockstep_thread::main_thread()));
/// ```
pub fn enumerate() -> Vec<Thread> {
    main_record();
    registry().alive.values().cloned().collect()
}

/// How many threads [`enumerate`] lists. Python: `threading.active_count()`
/// (`activeCount`).
///
/// ```
/// assert!(lockstep_thread::active_count() >= 1);
/// ```
pub fn active_count() -> usize {
    main_record();
    registry().alive.len()
}

/// Python's `threading._shutdown`, run by libc's `exit` (after `main`
/// returns, or `std::process::exit`): the main thread counts as finished,
/// then the exiting thread waits for every started non-daemon `Thread`
/// but itself, including any they start meanwhile. Daemon threads are cut
/// off when `exit` goes on to end the process.
extern "C" fn at_exit() {
    // Unwinding out of an `extern "C"` fn aborts: nothing may escape.
    let _ = std::panic::catch_unwind(|| {
        let main = registry().main.clone();
        if let Some(main) = main.filter(|_| threads::is_main_thread()) {
            main.finish(); // a thread joining main returns now, as in Python
        }
        loop {
            let waiting: Vec<Thread> = registry()
                .alive
                .values()
                .filter(|thread| thread.inner.kind == Kind::Started && !thread.is_daemon())
                .filter(|thread| !thread.is_current())
                .cloned()
                .collect();
            if waiting.is_empty() {
                break;
            }
            for thread in waiting {
                let _ = thread.join();
            }
        }
    });
}
