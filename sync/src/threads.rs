//! Threads themselves, for `lockstep-thread` and the deadlock reports:
//! spawning a named thread, the exit hook, OS thread ids, and the one
//! naming scheme (Python's `threading._counter`: `Thread-N` and `Dummy-N`
//! share it).
//!
//! Hidden plumbing, not lockstep's API: it lives here because only this
//! crate may look at `cfg(loom)`/`cfg(shuttle)`, and because both
//! `lockstep-thread` (which names threads) and [`crate::deadlock`] (which
//! reports them, below `lockstep-thread` in the dependency graph) need the
//! same names.
//!
//! | piece | normal build | `--cfg loom` / `--cfg shuttle` |
//! |---|---|---|
//! | [`spawn`] | `std::thread::Builder` | the checker's `thread::Builder` |
//! | [`at_exit`] | libc's `atexit` (Unix) | never installed (no process exit inside a model) |
//! | [`native_id`] | the kernel's thread id (`gettid`, Linux) | [`thread_id`](crate::thread_id) |
//! | [`is_main_thread`] | `gettid() == getpid()` (Linux) | never |
//!
//! ```
//! let number = lockstep_sync::threads::next_number();
//! assert!(lockstep_sync::threads::next_number() > number);
//! let name = lockstep_sync::threads::dummy_name();
//! assert!(name.starts_with("Dummy-"));
//! assert_eq!(lockstep_sync::threads::dummy_name(), name, "fixed at the first call");
//! ```

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

/// Python's `threading._counter`: the `N` of the next `Thread-N` or
/// `Dummy-N`, one counter per process, starting at 1.
///
/// ```
/// let first = lockstep_sync::threads::next_number();
/// assert_eq!(lockstep_sync::threads::next_number(), first + 1);
/// ```
pub fn next_number() -> usize {
    // Relaxed: it only hands out distinct numbers; nothing is published
    // through it (a plain std atomic even under a model checker, as
    // `thread_id`'s counter).
    static COUNTER: AtomicUsize = AtomicUsize::new(1);
    COUNTER.fetch_add(1, Relaxed)
}

/// The calling thread's `Dummy-N` (Python's `_DummyThread` name for a
/// thread `threading` did not start), numbered from [`next_number`] at the
/// first call on this thread and fixed after that.
///
/// ```
/// let here = lockstep_sync::threads::dummy_name();
/// let there = std::thread::spawn(lockstep_sync::threads::dummy_name).join().unwrap();
/// assert_ne!(here, there);
/// ```
pub fn dummy_name() -> String {
    fn fresh() -> String {
        format!("Dummy-{}", next_number())
    }
    #[cfg(not(any(loom, shuttle)))]
    {
        thread_local!(static DUMMY: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() });
        DUMMY.with(|name| name.get_or_init(fresh).clone())
    }
    #[cfg(loom)]
    {
        loom::thread_local!(static DUMMY: String = fresh());
        DUMMY.with(String::clone)
    }
    #[cfg(all(shuttle, not(loom)))]
    {
        shuttle::thread_local!(static DUMMY: String = fresh());
        DUMMY.with(String::clone)
    }
}

/// The name the whole workspace gives the calling thread (what deadlock
/// reports print): `MainThread` for the main thread, the OS thread's name
/// for a thread that has one (every `lockstep-thread` `Thread`, and a std
/// thread built with `Builder::name`), else its [`dummy_name`].
///
/// ```
/// let name = std::thread::Builder::new()
///     .name("car-1".into())
///     .spawn(lockstep_sync::threads::current_name)
///     .unwrap()
///     .join()
///     .unwrap();
/// assert_eq!(name, "car-1");
/// let unnamed = std::thread::spawn(lockstep_sync::threads::current_name).join().unwrap();
/// assert!(unnamed.starts_with("Dummy-"));
/// ```
pub fn current_name() -> String {
    if is_main_thread() {
        return "MainThread".to_owned();
    }
    #[cfg(not(any(loom, shuttle)))]
    let current = std::thread::current();
    #[cfg(loom)]
    let current = loom::thread::current();
    #[cfg(all(shuttle, not(loom)))]
    let current = shuttle::thread::current();
    match current.name() {
        // Rust's name for the main thread, where `is_main_thread` cannot
        // tell (not Linux, or a checker's main thread).
        Some("main") => "MainThread".to_owned(),
        Some(name) => name.to_owned(),
        None => dummy_name(),
    }
}

/// Starts a detached thread named `name` running `body`. The name is the
/// OS thread's too (debuggers, `top -H`, deadlock reports); interior NULs,
/// which the OS can't take, become spaces there.
///
/// ```
/// let (tx, rx) = std::sync::mpsc::channel();
/// lockstep_sync::threads::spawn("worker".into(), move || {
///     tx.send(std::thread::current().name().map(str::to_owned)).unwrap()
/// })
/// .unwrap();
/// assert_eq!(rx.recv().unwrap().as_deref(), Some("worker"));
/// ```
pub fn spawn(name: String, body: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    let name = if name.contains('\0') { name.replace('\0', " ") } else { name };
    #[cfg(not(any(loom, shuttle)))]
    let builder = std::thread::Builder::new();
    #[cfg(loom)]
    let builder = loom::thread::Builder::new();
    #[cfg(all(shuttle, not(loom)))]
    let builder = shuttle::thread::Builder::new();
    let handle = builder.name(name).spawn(body)?;
    // A checker ends an execution when its main closure returns, dropping
    // its statics under threads still running: keep the handle for
    // `join_detached`. Elsewhere dropping it detaches the thread (its owner
    // joins it another way).
    #[cfg(any(loom, shuttle))]
    SPAWNED.lock().unwrap().push(handle);
    #[cfg(not(any(loom, shuttle)))]
    drop(handle);
    Ok(())
}

#[cfg(any(loom, shuttle))]
crate::model::lazy_static! {
    static ref SPAWNED: crate::model::Mutex<Vec<crate::model::thread::JoinHandle<()>>> =
        crate::model::Mutex::new(Vec::new());
}

/// Under a model checker, joins every thread [`spawn`] started in this
/// execution: a model calls it last, so no thread outlives the execution
/// (a checker tears its statics down when the model's closure returns). A
/// no-op in normal builds, where [`spawn`]'s threads are detached.
///
/// ```
/// lockstep_sync::threads::join_detached();
/// ```
pub fn join_detached() {
    #[cfg(any(loom, shuttle))]
    loop {
        let Some(handle) = SPAWNED.lock().unwrap().pop() else { break };
        let _ = handle.join();
    }
}

/// Registers `hook` to run when the process exits normally (`main`
/// returns, or `std::process::exit`), in the exiting thread, before the
/// other threads are killed. Returns whether it was registered: never
/// under a model checker, nor off Unix.
///
/// Rust runs no exit hooks of its own, but `main` returning ends in libc's
/// `exit`, which runs what `atexit` registered (after the exiting thread's
/// thread-locals are destroyed, so a hook must not need them).
///
/// ```
/// extern "C" fn bye() {}
/// assert!(lockstep_sync::threads::at_exit(bye));
/// ```
pub fn at_exit(hook: extern "C" fn()) -> bool {
    #[cfg(all(unix, not(any(loom, shuttle))))]
    {
        // SAFETY: `atexit` only stores the pointer; `hook` is a plain
        // `extern "C" fn` with no arguments, valid for the whole program.
        unsafe { libc::atexit(hook) == 0 }
    }
    #[cfg(not(all(unix, not(any(loom, shuttle)))))]
    {
        let _ = hook;
        false
    }
}

/// The OS's id for the calling thread (Python's `threading.get_native_id`):
/// the kernel thread id on Linux; elsewhere, and under a model checker,
/// [`thread_id`](crate::thread_id).
///
/// ```
/// let here = lockstep_sync::threads::native_id();
/// let there = std::thread::spawn(lockstep_sync::threads::native_id).join().unwrap();
/// assert_ne!(here, there);
/// ```
pub fn native_id() -> u64 {
    #[cfg(all(target_os = "linux", not(any(loom, shuttle))))]
    {
        // SAFETY: `gettid` has no preconditions and cannot fail.
        let tid = unsafe { libc::gettid() };
        u64::try_from(tid).unwrap_or_default()
    }
    #[cfg(not(all(target_os = "linux", not(any(loom, shuttle)))))]
    {
        crate::thread_id() as u64
    }
}

/// The process's id, which on Linux is also the main thread's [`native_id`].
///
/// ```
/// assert_eq!(lockstep_sync::threads::process_id(), u64::from(std::process::id()));
/// ```
pub fn process_id() -> u64 {
    u64::from(std::process::id())
}

/// Whether the calling thread is the process's main thread (the one that
/// runs `main`), known from the OS rather than from a name: on Linux the
/// main thread's id is the process id. Elsewhere and under a model checker
/// it is never known here ([`current_name`] then goes by Rust's `"main"`).
///
/// ```
/// let spawned = std::thread::spawn(lockstep_sync::threads::is_main_thread).join().unwrap();
/// assert!(!spawned);
/// ```
pub fn is_main_thread() -> bool {
    #[cfg(all(target_os = "linux", not(any(loom, shuttle))))]
    {
        native_id() == process_id()
    }
    #[cfg(not(all(target_os = "linux", not(any(loom, shuttle)))))]
    {
        false
    }
}

/// [`spawn`] for a thread of a `std::thread::scope` (the scope joins it).
/// Always a real std thread: model checkers have no scoped threads.
///
/// ```
/// let mut seen = None;
/// std::thread::scope(|s| {
///     lockstep_sync::threads::spawn_scoped(s, "scoped".into(), || {
///         seen = std::thread::current().name().map(str::to_owned)
///     })
///     .unwrap();
/// });
/// assert_eq!(seen.as_deref(), Some("scoped"));
/// ```
pub fn spawn_scoped<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: String,
    body: impl FnOnce() + Send + 'scope,
) -> std::io::Result<()> {
    let name = if name.contains('\0') { name.replace('\0', " ") } else { name };
    std::thread::Builder::new().name(name).spawn_scoped(scope, body).map(drop)
}
