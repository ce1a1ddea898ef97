//! The excepthook: what happens to a panic in a thread's target
//! (Python's `threading.excepthook`).

use crate::Thread;
use std::any::Any;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, PoisonError, RwLock};

/// What the excepthook is told about a panicked thread. Python:
/// `threading.ExceptHookArgs` (`args.thread`; `args.exc_value` is the
/// panic message here).
///
/// ```
/// use lockstep_thread::{ExceptHookArgs, Thread, set_excepthook};
///
/// set_excepthook(|args: &ExceptHookArgs<'_>| {
///     let name = args.thread().map(Thread::name).unwrap_or_default();
///     eprintln!("{name} failed: {}", args.message());
/// });
/// let thread = Thread::named("doomed", || panic!("out of cheese"));
/// thread.start().unwrap();
/// thread.join().unwrap(); // prints "doomed failed: out of cheese"
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ExceptHookArgs<'a> {
    thread: Option<&'a Thread>,
    message: &'a str,
}

impl<'a> ExceptHookArgs<'a> {
    /// The thread whose target panicked. Python: `args.thread` (which may
    /// be `None` in Python; lockstep always knows the thread).
    ///
    /// ```
    /// lockstep_thread::set_excepthook(|args| assert!(args.thread().is_some()));
    /// # let t = lockstep_thread::Thread::new(|| panic!("x")); t.start().unwrap(); t.join().unwrap();
    /// ```
    pub fn thread(&self) -> Option<&'a Thread> {
        self.thread
    }

    /// The panic message: the `&str` or `String` the target panicked with,
    /// `"Box<dyn Any>"` for any other payload. Python: `str(args.exc_value)`.
    ///
    /// ```
    /// lockstep_thread::set_excepthook(|args| eprintln!("{}", args.message()));
    /// # let t = lockstep_thread::Thread::new(|| panic!("x")); t.start().unwrap(); t.join().unwrap();
    /// ```
    pub fn message(&self) -> &'a str {
        self.message
    }
}

/// The hook's type.
type Hook = dyn Fn(&ExceptHookArgs<'_>) + Send + Sync;

/// The installed hook; `None`: the default, [`print_exception`].
static HOOK: RwLock<Option<Arc<Hook>>> = RwLock::new(None);

/// Replaces the excepthook, which runs in a thread whose target panicked,
/// before its `join` returns. Python: `threading.excepthook = hook`. The
/// default prints `Exception in thread NAME:` and the message to stderr. A
/// hook that panics is reported on stderr (`Exception in
/// threading.excepthook:`), never propagated.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
/// static FAILED: AtomicUsize = AtomicUsize::new(0);
/// lockstep_thread::set_excepthook(|_| {
///     FAILED.fetch_add(1, SeqCst);
/// });
/// let thread = lockstep_thread::Thread::new(|| panic!("boom"));
/// thread.start().unwrap();
/// thread.join().unwrap();
/// assert_eq!(FAILED.load(SeqCst), 1);
/// ```
pub fn set_excepthook(hook: impl Fn(&ExceptHookArgs<'_>) + Send + Sync + 'static) {
    *HOOK.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(hook));
}

/// The default excepthook (Python's `threading.__excepthook__`): prints
/// `Exception in thread NAME:` and the message to stderr, in one write. Put
/// it back with `set_excepthook(print_exception)`.
///
/// ```
/// lockstep_thread::set_excepthook(lockstep_thread::print_exception);
/// ```
pub fn print_exception(args: &ExceptHookArgs<'_>) {
    let name = args.thread().map(Thread::name).unwrap_or_else(|| "<unknown>".to_owned());
    let text = format!("Exception in thread {name}:\n{}\n", args.message());
    // Nowhere to report a closed stderr.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The text of a panic payload, as [`ExceptHookArgs::message`] gives it.
pub(crate) fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "Box<dyn Any>"
    }
}

/// Runs the hook for `thread`'s panic `message`; a panicking hook is
/// reported on stderr as Python does, and goes no further.
pub(crate) fn report(thread: &Thread, message: &str) {
    let hook = HOOK.read().unwrap_or_else(PoisonError::into_inner).clone();
    let args = ExceptHookArgs { thread: Some(thread), message };
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| match hook {
        Some(hook) => hook(&args),
        None => print_exception(&args),
    }));
    if let Err(payload) = outcome {
        let text =
            format!("Exception in threading.excepthook:\n{}\n", crate::excepthook::message(payload.as_ref()));
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}
