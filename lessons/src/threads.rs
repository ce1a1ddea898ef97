//! Starting the lessons' threads: [`start`] one, or a [`crowd`] of them.

use crate::Rng;
use lockstep::thread::{Thread, current_thread};
use std::io::Write;
use std::sync::Arc;

/// Python's default name for the `number`th thread started: `Thread-7`.
///
/// ```
/// assert_eq!(lockstep_lessons::thread_name(7), "Thread-7");
/// ```
pub fn thread_name(number: usize) -> String {
    format!("Thread-{number}")
}

/// Locks a lesson's bookkeeping (a std `Mutex`, so that `--timeline`
/// shows only the lesson's own primitives), even if a thread panicked
/// while holding it: the records are still worth showing.
///
/// ```
/// let calls = std::sync::Mutex::new(Vec::new());
/// lockstep_lessons::book(&calls).push("hello");
/// assert_eq!(lockstep_lessons::book(&calls).len(), 1);
/// ```
pub fn book<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A `lockstep::thread::Thread` started by [`start`]: its `join` waits for
/// it and hands back what its target returned.
#[derive(Debug)]
pub struct Started<T> {
    /// The thread (its name, `is_alive`, ...).
    pub thread: Thread,
    result: Arc<std::sync::Mutex<Option<T>>>,
}

impl<T> Started<T> {
    /// Waits for the thread; `None` if its target panicked (lockstep's
    /// excepthook has reported it).
    ///
    /// ```
    /// std::thread::scope(|s| {
    ///     let started = lockstep_lessons::start(s, None, || 6 * 7);
    ///     assert_eq!(started.join(), Some(42));
    /// });
    /// ```
    pub fn join(self) -> Option<T> {
        self.thread.join().expect("started by `start`, joined from another thread");
        book(&self.result).take()
    }
}

/// Starts a `lockstep::thread::Thread` running `target` inside the scope
/// `s` (so `target` may borrow), named `name`, or `Thread-N` from
/// lockstep's counter (Python's default) when `name` is `None`.
///
/// ```
/// std::thread::scope(|s| {
///     let boss = lockstep_lessons::start(s, Some("BOSS"), || lockstep::thread::current_thread().name());
///     assert_eq!(boss.join().as_deref(), Some("BOSS"));
///     let plain = lockstep_lessons::start(s, None, || ());
///     assert!(plain.thread.name().starts_with("Thread-"));
/// });
/// ```
pub fn start<'scope, T: Send + 'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    name: Option<&str>,
    target: impl FnOnce() -> T + Send + 'scope,
) -> Started<T> {
    let result = Arc::new(std::sync::Mutex::new(None));
    let slot = result.clone();
    let body = move || {
        let value = target();
        *book(&slot) = Some(value);
    };
    let thread = match name {
        Some(name) => Thread::named_scoped(s, name, body),
        None => Thread::scoped(s, body),
    };
    Started { thread, result }
}

/// Starts `threads` lockstep `Thread`s, named `Thread-N` by
/// `lockstep::thread`'s counter (`Thread-1`..`Thread-N` when they are the
/// program's first), each running `work(number, name, rng)` (`number`
/// counts 1..=threads) with its own [`Rng`] seeded from `rng` (so `--seed`
/// repeats every thread's choices); runs `meanwhile` on the calling
/// thread; then joins every thread and returns what `meanwhile` returned.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
/// let done = AtomicUsize::new(0);
/// let mut rng = lockstep_lessons::Rng::new(1);
/// let work = |_number: usize, name: &str, _: &mut lockstep_lessons::Rng| {
///     assert_eq!(name, lockstep::thread::current_thread().name());
///     assert!(name.starts_with("Thread-"));
///     done.fetch_add(1, Relaxed);
/// };
/// let answer = lockstep_lessons::crowd(3, &mut rng, work, || 42);
/// assert_eq!((answer, done.load(Relaxed)), (42, 3));
/// ```
pub fn crowd<R>(
    threads: usize,
    rng: &mut Rng,
    work: impl Fn(usize, &str, &mut Rng) + Sync,
    meanwhile: impl FnOnce() -> R,
) -> R {
    std::thread::scope(|s| {
        for number in 1..=threads {
            let (mut own, work) = (Rng::new(rng.next_u64()), &work);
            let body = move || work(number, &current_thread().name(), &mut own);
            Thread::scoped(s, body);
        }
        meanwhile()
    }) // the scope joins every thread
}

/// Turns a thread that could not be started into a clear error: the
/// lesson prints which thread and why, and exits with status 1 (instead of
/// going on with a thread missing, or aborting). Other uncaught panics are
/// printed as lockstep's excepthook prints them. [`crate::begin`] installs
/// it.
pub(crate) fn exit_when_a_thread_cannot_start() {
    lockstep::thread::set_excepthook(|args| {
        if args.message().starts_with("can't start new thread") {
            let name = args.thread().map(Thread::name).unwrap_or_default();
            eprintln!(
                "error: {name}: {}. The system has no room for another thread: try fewer --threads.",
                args.message()
            );
            let _ = std::io::stdout().flush();
            // Not `std::process::exit`: its exit handlers include
            // lockstep's Python exit rule, which joins every non-daemon
            // thread, this half-started one too, and would wait forever.
            // SAFETY: `_exit` ends the process at once; it touches no Rust
            // state, and stdout was flushed above.
            unsafe { libc::_exit(1) };
        }
        lockstep::thread::print_exception(args);
    });
}
