//! Python's `threading.Thread` and `threading.Timer` for Rust: named
//! threads with `join(timeout)`, `is_alive`, daemon flags, a registry
//! (`current_thread`, `enumerate`, `active_count`), an excepthook for
//! panics, and Python's exit rule.
//!
//! | lockstep | Python |
//! |---|---|
//! | [`Thread::new`], [`Thread::named`] | `Thread(target=f)`, `Thread(target=f, name=n)` |
//! | [`Thread::start`], [`join`](Thread::join), [`join_timeout`](Thread::join_timeout) | `start()`, `join()`, `join(timeout)` |
//! | [`Thread::is_alive`], [`name`](Thread::name), [`ident`](Thread::ident), [`native_id`](Thread::native_id) | `is_alive()`, `name`, `ident`, `native_id` |
//! | [`Thread::set_daemon`], [`is_daemon`](Thread::is_daemon) | `daemon` (`setDaemon`, `isDaemon`) |
//! | [`current_thread`], [`main_thread`], [`enumerate`], [`active_count`] | the same names |
//! | [`set_excepthook`], [`ExceptHookArgs`], [`print_exception`] | `threading.excepthook`, `ExceptHookArgs`, `__excepthook__` |
//! | [`Timer`], [`Timer::cancel`] | `threading.Timer`, `cancel()` |
//! | [`ThreadError`] | the `RuntimeError`s of those methods |
//!
//! ```
//! use lockstep_thread::{Thread, current_thread, enumerate};
//!
//! let gate = std::sync::Arc::new(lockstep_event::Event::new());
//! let open = gate.clone();
//! let worker = Thread::new(move || {
//!     open.wait();
//!     println!("{} done", current_thread().name()); // Thread-N done
//! });
//! worker.start().unwrap();
//! assert!(worker.is_alive());
//! assert!(enumerate().contains(&worker));
//! gate.set();
//! worker.join().unwrap();
//! assert!(!enumerate().contains(&worker));
//! ```
//!
//! # Python's exit rule, and how it is kept
//! When `main` returns, Python waits for every started non-daemon thread;
//! daemon threads are cut off. Rust itself waits for nothing. lockstep
//! keeps Python's rule with libc's `atexit`, registered at the first
//! `start`: `main` returning ends in libc's `exit`, which runs the hook in
//! the exiting thread; the hook marks `MainThread` finished (a thread
//! joining it returns), then joins every started non-daemon `Thread` but
//! the calling one, until none is left, and `exit` then ends the process,
//! cutting daemon threads off. `std::process::exit` runs the hook too
//! (from any thread; it never waits for itself). `std::process::abort`, a
//! signal, or `libc::_exit` skip it, as `os._exit` does in Python. No hook
//! is installed off Unix or under a model checker. Only threads that
//! lockstep started count: a `std::thread::spawn`ed thread is cut off as
//! before.
//!
//! # Thread names, everywhere
//! One naming scheme serves the whole workspace: `Thread-N` (one counter
//! per process, shared with `Timer` and with `Dummy-N` for threads
//! lockstep did not start), `MainThread`, or the name given. The OS thread
//! gets the name too, so debuggers and `lockstep::deadlock` reports show
//! it; a std thread with a name of its own keeps it.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod error;
mod excepthook;
mod registry;
mod repr;
mod scoped;
mod thread;
mod timer;

pub use error::ThreadError;
pub use excepthook::{ExceptHookArgs, print_exception, set_excepthook};
pub use registry::{active_count, current_thread, enumerate, main_thread};
pub use thread::Thread;
pub use timer::Timer;

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests;
