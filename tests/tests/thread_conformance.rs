//! CPython's `Thread` conformance tests, ported to `lockstep::thread`.
//!
//! Provenance: `Lib/test/test_threading.py` of CPython 3.13/3.14, classes
//! `ThreadTests`, `ThreadingExceptionTests` and `ExceptHookTests` (and
//! `shared/CPYTHON.md` §1.7, the contract's "Thread and Timer"). Each test
//! names the CPython test it ports; tests marked `lockstep` check a
//! behaviour that API.md promises beyond CPython's suite.
//!
//! Ported elsewhere: the exit rule (`test_join_nondaemon_on_shutdown`,
//! `ThreadJoinOnShutdown`) and the default excepthook's text
//! (`ExceptHookTests.test_excepthook`, `test_custom_excepthook_fail`) run
//! a child process: `thread/tests/exit_rule.rs`. Timers:
//! `timer_conformance.rs`. Not ported: fork, `sys.settrace`, subinterpreter
//! and refcycle tests (no such thing in Rust), `test_old_threading_api`
//! (the camelCase aliases: Rust has one name per method).
//!
//! The excepthook is process-wide, so this binary installs one hook that
//! records every report (by thread name) and never panics a thread it did
//! not mean to. Threads are ordered with `Event`s and channels, never sleeps.

use lockstep::Event;
use lockstep::thread::{
    ExceptHookArgs, Thread, ThreadError, active_count, current_thread, enumerate, main_thread, set_excepthook,
};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// Only a broken thread makes a test wait this long.
const LONG: Duration = Duration::from_secs(60);

/// An `Event` shared with a thread.
fn gate() -> (Arc<Event>, Arc<Event>) {
    let gate = Arc::new(Event::new());
    (gate.clone(), gate)
}

/// The number in a default name `Thread-N`.
fn number(name: &str) -> usize {
    name.strip_prefix("Thread-").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{name:?}"))
}

// CPython: test_threading.ThreadTests.test_various_ops
#[test]
fn various_ops_ident_and_repr_through_the_lifecycle() {
    let (gate, open) = gate();
    let thread = Thread::named("TestThread", move || open.wait());
    assert_eq!(thread.ident(), None);
    assert_eq!(format!("{thread:?}"), "<Thread(TestThread, initial)>");
    thread.start().unwrap();
    let ident = thread.ident().expect("an ident once started");
    assert_ne!(ident, 0);
    assert!(thread.native_id().is_some());
    assert_eq!(format!("{thread:?}"), format!("<Thread(TestThread, started {ident})>"));
    gate.set();
    thread.join().unwrap();
    assert!(!thread.is_alive());
    assert_eq!(thread.ident(), Some(ident), "the ident stays after the thread ends");
    assert_eq!(format!("{thread:?}"), format!("<Thread(TestThread, stopped {ident})>"));
}

// CPython: test_threading.ThreadTests.test_name (default names count up;
// a named thread takes no number)
#[test]
fn default_names_count_up_and_a_named_thread_takes_no_number() {
    let first = Thread::new(|| {});
    let named = Thread::named("custom", || {});
    let second = Thread::new(|| {});
    assert_eq!(named.name(), "custom");
    // Other tests may take numbers meanwhile (one counter per process), so
    // later is all that can be said across them...
    assert!(number(&second.name()) > number(&first.name()));
    // ...and the thread itself sees its own name.
    let (tx, rx) = channel();
    let thread = Thread::new(move || tx.send(current_thread().name()).unwrap());
    thread.start().unwrap();
    assert_eq!(rx.recv().unwrap(), thread.name());
    thread.join().unwrap();
    named.set_name("renamed");
    assert_eq!(named.name(), "renamed");
}

// CPython: test_threading.ThreadTests.test_name: the OS thread has the name too
#[test]
fn the_os_thread_gets_the_name() {
    let (tx, rx) = channel();
    let thread =
        Thread::named("os-named", move || tx.send(std::thread::current().name().map(str::to_owned)).unwrap());
    thread.start().unwrap();
    assert_eq!(rx.recv().unwrap().as_deref(), Some("os-named"));
    thread.join().unwrap();
}

// CPython: test_threading.ThreadingExceptionTests.test_start_thread_again
#[test]
fn start_thread_again() {
    let thread = Thread::new(|| {});
    thread.start().unwrap();
    let error = thread.start().unwrap_err();
    assert_eq!(error, ThreadError::AlreadyStarted);
    assert_eq!(error.to_string(), "threads can only be started once");
    thread.join().unwrap();
    assert_eq!(thread.start(), Err(ThreadError::AlreadyStarted), "finished is started too");
}

// CPython: test_threading.ThreadingExceptionTests.test_joining_current_thread
#[test]
fn joining_current_thread() {
    let (tx, rx) = channel();
    let thread = Thread::new(move || {
        let me = current_thread();
        tx.send((me.join(), me.join_timeout(Duration::ZERO))).unwrap();
    });
    thread.start().unwrap();
    let (join, timed) = rx.recv().unwrap();
    assert_eq!(join.unwrap_err().to_string(), "cannot join current thread");
    assert_eq!(timed, Err(ThreadError::JoinSelf));
    thread.join().unwrap();
}

// CPython: test_threading.ThreadingExceptionTests.test_joining_inactive_thread
#[test]
fn joining_inactive_thread() {
    let thread = Thread::new(|| {});
    assert_eq!(thread.join().unwrap_err().to_string(), "cannot join thread before it is started");
    assert_eq!(thread.join_timeout(Duration::ZERO), Err(ThreadError::NotStarted));
}

// CPython: test_threading.ThreadingExceptionTests.test_daemonize_active_thread
#[test]
fn daemonize_active_thread() {
    let (gate, open) = gate();
    let thread = Thread::new(move || open.wait());
    thread.start().unwrap();
    let error = thread.set_daemon(true).unwrap_err();
    assert_eq!(error.to_string(), "cannot set daemon status of active thread");
    assert!(!thread.is_daemon());
    gate.set();
    thread.join().unwrap();
    assert_eq!(thread.set_daemon(true), Err(ThreadError::DaemonOfActive), "nor once finished");
}

// CPython: test_threading.ThreadTests.test_daemon_param (and §1.7: the
// daemon flag is inherited, False from the main thread)
#[test]
fn daemon_flag_defaults_to_the_creators() {
    let plain = Thread::new(|| {});
    assert!(!plain.is_daemon(), "a thread lockstep did not start creates non-daemons");
    plain.set_daemon(true).unwrap();
    assert!(plain.is_daemon());
    plain.set_daemon(false).unwrap();
    assert!(!plain.is_daemon());
    assert!(format!("{plain:?}").contains("initial"));

    let (tx, rx) = channel();
    let parent = Thread::new(move || {
        let child = Thread::new(|| {});
        let timer = lockstep::Timer::new(Duration::ZERO, || {});
        tx.send((child.is_daemon(), timer.thread().is_daemon())).unwrap();
    });
    parent.set_daemon(true).unwrap();
    parent.start().unwrap();
    assert_eq!(rx.recv().unwrap(), (true, true), "a daemon's threads are daemons");
    parent.join().unwrap();
    assert!(format!("{parent:?}").contains("daemon"), "test_repr_daemon: {parent:?}");
}

// CPython: test_threading.ThreadTests.test_enumerate_after_join, and
// active_count() while threads run (test_various_ops)
#[test]
fn enumerate_and_active_count_follow_the_lifecycle() {
    let (gate, open) = gate();
    let thread = Thread::new(move || open.wait());
    assert!(!enumerate().contains(&thread), "not listed before start");
    thread.start().unwrap();
    // Listed as soon as start returns.
    assert!(enumerate().contains(&thread));
    assert!(active_count() >= 2, "main and this thread");
    assert!(enumerate().contains(&main_thread()));
    gate.set();
    thread.join().unwrap();
    assert!(!enumerate().contains(&thread), "test_enumerate_after_join");
}

// CPython: test_threading.ThreadTests.test_various_ops (is_alive around
// start and finish)
#[test]
fn is_alive_around_start_and_finish() {
    let (gate, open) = gate();
    let (tx, rx) = channel();
    let thread = Thread::new(move || {
        tx.send(current_thread().is_alive()).unwrap();
        open.wait();
    });
    assert!(!thread.is_alive(), "not before start");
    thread.start().unwrap();
    assert!(thread.is_alive(), "as soon as start returns");
    assert!(rx.recv().unwrap(), "alive to itself");
    assert_eq!(thread.join_timeout(Duration::ZERO), Ok(false));
    assert!(thread.is_alive(), "still, while blocked");
    gate.set();
    assert_eq!(thread.join_timeout(LONG), Ok(true));
    assert!(!thread.is_alive(), "not after join");
}

// lockstep (issue 10): join(timeout) waits at least the timeout, within
// CPython's assertTimeout bounds (0.6x..10x), for a thread that goes on
#[test]
fn join_timeout_lower_bound() {
    let (gate, open) = gate();
    let thread = Thread::new(move || open.wait());
    thread.start().unwrap();
    let timeout = Duration::from_millis(200);
    let begun = Instant::now();
    assert_eq!(thread.join_timeout(timeout), Ok(false));
    let waited = begun.elapsed();
    assert!(waited >= timeout.mul_f64(0.6) && waited < timeout * 10, "waited {waited:?}");
    gate.set();
    thread.join().unwrap();
}

// CPython: test_threading.ThreadTests.test_main_thread
#[test]
fn main_thread_is_main_from_anywhere() {
    let main = main_thread();
    assert_eq!(main.name(), "MainThread");
    assert!(main.is_alive());
    assert!(!main.is_daemon());
    assert!(main.ident().is_some());
    assert_eq!(
        main.native_id(),
        Some(u64::from(std::process::id())),
        "Linux: the main thread's id is the pid"
    );
    assert!(format!("{main:?}").starts_with("<_MainThread(MainThread, started "));
    // The test harness runs this on another thread: not the main one.
    assert_ne!(current_thread(), main);
    let (tx, rx) = channel();
    let thread = Thread::new(move || tx.send(main_thread()).unwrap());
    thread.start().unwrap();
    assert_eq!(rx.recv().unwrap(), main);
    thread.join().unwrap();
    assert_eq!(main.start(), Err(ThreadError::AlreadyStarted));
}

// CPython: test_threading.ThreadTests.test_ident_of_no_threading_threads
// (and test_foreign_thread: a _DummyThread appears in enumerate)
#[test]
fn threads_lockstep_did_not_start_are_dummies() {
    let (tx, rx) = channel();
    let (gate, open) = gate();
    let foreign = std::thread::spawn(move || {
        let me = current_thread();
        tx.send(me.clone()).unwrap();
        open.wait();
        assert_eq!(current_thread(), me, "the same record every time");
    });
    let dummy = rx.recv().unwrap();
    assert!(dummy.name().starts_with("Dummy-"), "{dummy:?}");
    assert!(dummy.ident().is_some());
    assert!(dummy.is_alive() && dummy.is_daemon());
    assert!(enumerate().contains(&dummy));
    assert_eq!(dummy.join(), Err(ThreadError::JoinDummy));
    assert!(format!("{dummy:?}").starts_with("<_DummyThread(Dummy-"));
    gate.set();
    foreign.join().unwrap();
    // It leaves the registry when its thread exits (its thread-local's
    // destructor ran before join returned).
    assert!(!enumerate().contains(&dummy));
    assert!(!dummy.is_alive());
}

// lockstep: a std thread with a name of its own keeps it (Python's
// foreign threads have none), as the deadlock reports show it
#[test]
fn named_std_threads_keep_their_name() {
    let name = std::thread::Builder::new()
        .name("car-1".into())
        .spawn(|| current_thread().name())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(name, "car-1");
}

/// Every excepthook report so far: (thread name, message).
static REPORTS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Installs this binary's recording hook once. A thread named
/// `hook-panics*` makes the hook itself panic.
fn record_reports() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        set_excepthook(|args: &ExceptHookArgs<'_>| {
            let name = args.thread().map(Thread::name).unwrap_or_default();
            let in_hook = current_thread().name();
            REPORTS
                .lock()
                .unwrap()
                .push((name.clone(), format!("{} [hook ran in {in_hook}]", args.message())));
            if name.starts_with("hook-panics") {
                panic!("the hook itself failed");
            }
        })
    });
}

fn reports_for(name: &str) -> Vec<String> {
    REPORTS.lock().unwrap().iter().filter(|(thread, _)| thread == name).map(|(_, m)| m.clone()).collect()
}

// CPython: test_threading.ExceptHookTests.test_custom_excepthook
#[test]
fn custom_excepthook_sees_the_thread_and_the_message_before_join_returns() {
    record_reports();
    let thread = Thread::named("excepthook-thread", || panic!("bug"));
    thread.start().unwrap();
    assert_eq!(thread.join(), Ok(()), "a panicked thread still joins Ok");
    assert!(!thread.is_alive());
    assert_eq!(reports_for("excepthook-thread"), ["bug [hook ran in excepthook-thread]"]);
    let formatted = Thread::named("excepthook-string", || panic!("bug {}", 42));
    formatted.start().unwrap();
    formatted.join().unwrap();
    assert_eq!(reports_for("excepthook-string"), ["bug 42 [hook ran in excepthook-string]"]);
    let any = Thread::named("excepthook-any", || std::panic::panic_any(7_u8));
    any.start().unwrap();
    any.join().unwrap();
    assert_eq!(reports_for("excepthook-any"), ["Box<dyn Any> [hook ran in excepthook-any]"]);
}

// CPython: test_threading.ExceptHookTests.test_custom_excepthook_fail
// (the stderr text is checked in thread/tests/exit_rule.rs)
#[test]
fn a_panicking_excepthook_is_contained() {
    record_reports();
    let thread = Thread::named("hook-panics", || panic!("first failure"));
    thread.start().unwrap();
    assert_eq!(thread.join(), Ok(()));
    assert_eq!(reports_for("hook-panics").len(), 1);
    // The process and the registry carry on.
    assert!(!enumerate().contains(&thread));
    let after = Thread::new(|| {});
    after.start().unwrap();
    after.join().unwrap();
}
