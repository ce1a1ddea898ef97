//! `Panic`: a task's panic, caught and kept as its message.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A panic caught from a task (Python: the exception a task raised, kept
/// by its future). Cloning is cheap: the message is shared.
///
/// Its `Display` is exactly the panic message.
///
/// ```
/// use lockstep_futures::Panic;
///
/// let caught = std::panic::catch_unwind(|| panic!("division by zero")).unwrap_err();
/// let panic = Panic::from_payload(caught);
/// assert_eq!(panic.message(), "division by zero");
/// assert_eq!(Panic::new("doh!").to_string(), "doh!");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Panic {
    /// The panic message (`"Box<dyn Any>"` for a payload that is not a string).
    message: Arc<str>,
}

impl Panic {
    /// A panic with this message: for custom executors and tests, as
    /// Python code builds an exception to pass to `set_exception`.
    ///
    /// ```
    /// assert_eq!(lockstep_futures::Panic::new("error in initializer").message(), "error in initializer");
    /// ```
    pub fn new(message: impl Into<String>) -> Panic {
        Panic { message: Arc::from(message.into()) }
    }

    /// The panic `catch_unwind` returned, as its message.
    ///
    /// ```
    /// let payload = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).unwrap_err();
    /// assert_eq!(lockstep_futures::Panic::from_payload(payload).message(), "Box<dyn Any>");
    /// ```
    pub fn from_payload(payload: Box<dyn Any + Send>) -> Panic {
        let message = if let Some(text) = payload.downcast_ref::<&str>() {
            Arc::from(*text)
        } else if let Some(text) = payload.downcast_ref::<String>() {
            Arc::from(text.as_str())
        } else {
            Arc::from("Box<dyn Any>")
        };
        Panic { message }
    }

    /// The panic message.
    ///
    /// ```
    /// assert_eq!(lockstep_futures::Panic::new("doh!").message(), "doh!");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Panic").field(&&*self.message).finish()
    }
}

impl std::error::Error for Panic {}

/// Runs `f`, catching a panic as a [`Panic`].
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Panic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(Panic::from_payload)
}

/// Writes `text` and the panic to stderr, as Python's logging of a
/// swallowed exception does; a closed stderr is nowhere to report to.
pub(crate) fn report(text: &str, panic: &Panic) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}\n{panic}");
}
