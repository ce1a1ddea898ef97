//! `Thread`s started inside a `std::thread::scope` (a lockstep extra).

use crate::thread::STARTED;
use crate::{Thread, excepthook, registry};
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::threads;

impl Thread {
    /// Starts a thread whose target borrows from a `std::thread::scope`
    /// (a lockstep extra: Python's targets can always borrow). The scope
    /// joins it, as it joins its own threads; it is named `Thread-N` and
    /// listed, named and joinable like any `Thread`.
    ///
    /// ```
    /// let mut total = 0;
    /// std::thread::scope(|s| {
    ///     let adder = lockstep_thread::Thread::scoped(s, || total += 1);
    ///     assert!(adder.name().starts_with("Thread-"));
    /// });
    /// assert_eq!(total, 1);
    /// ```
    pub fn scoped<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        target: impl FnOnce() + Send + 'scope,
    ) -> Thread {
        Thread::named_scoped(scope, format!("Thread-{}", threads::next_number()), target)
    }

    /// [`scoped`](Thread::scoped) with a name of its own.
    ///
    /// ```
    /// std::thread::scope(|s| {
    ///     let named = lockstep_thread::Thread::named_scoped(s, "car-1", || {
    ///         assert_eq!(lockstep_thread::current_thread().name(), "car-1");
    ///     });
    ///     named.join().unwrap();
    /// });
    /// ```
    pub fn named_scoped<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        name: impl Into<String>,
        target: impl FnOnce() + Send + 'scope,
    ) -> Thread {
        let thread = Thread::named(name, || {});
        // Relaxed: as in `start`; nobody else has this record yet.
        thread.inner.state.fetch_or(STARTED, Relaxed);
        registry::starting(&thread);
        let handle = thread.clone();
        let spawned = threads::spawn_scoped(scope, thread.name(), move || handle.run(target));
        if let Err(error) = spawned {
            // No thread: report it as an uncaught error of this one.
            thread.inner.running.set();
            excepthook::report(&thread, &format!("can't start new thread: {error}"));
            thread.finish();
        }
        thread
    }
}
