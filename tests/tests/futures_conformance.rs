//! CPython's `concurrent.futures` tests, ported to `lockstep::futures`.
//!
//! Provenance: `Lib/test/test_concurrent_futures/` of CPython 3.13/main
//! (`test_future.py` FutureTests, `executor.py` ExecutorTest,
//! `test_thread_pool.py` ThreadPoolExecutorTest, `test_shutdown.py`
//! ExecutorShutdownTest/ThreadPoolShutdownTest, `test_wait.py` WaitTests,
//! `test_as_completed.py` AsCompletedTests, `test_init.py`), and
//! `shared/CPYTHON.md` §1.10–1.12. Each test names the CPython test it
//! ports; `lockstep:` marks a behaviour the contract adds.
//!
//! Not ported: `test_repr`'s exact regexes (the repr is `Debug`, checked
//! loosely below), `test_submit_keyword` (Rust closures have no keyword
//! arguments), `test_max_workers_negative` (`usize`; 0 means the default),
//! fork and interpreter-shutdown tests (`test_interpreter_shutdown`,
//! `test_hang_issue12364`, `test_hang_gh83386`,
//! `test_process_fork_from_a_threadpool`, `test_hang_global_shutdown_lock`),
//! `test_free_reference*`/`test_no_stale_references` (Rust ownership:
//! checked by the stress test's drop counts instead), the `buffersize`
//! tests (3.14's `map(buffersize=)` is not in the contract).
//!
//! Threads are ordered with `Event`s, barriers and channels; timeouts are
//! generous bounds only.

use lockstep::Event;
use lockstep::futures::{
    Future, FutureError, Panic, ReturnWhen, SubmitError, ThreadPoolExecutor, as_completed, wait,
};
use lockstep::thread::{current_thread, enumerate};
use std::collections::HashSet;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::mpsc::channel;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Only a broken implementation makes a test wait this long.
const LONG: Duration = Duration::from_secs(60);

fn gate() -> Arc<Event> {
    Arc::new(Event::new())
}

fn finished(value: u32) -> Future<u32> {
    let future = Future::new();
    future.set_result(value).unwrap();
    future
}

fn failed() -> Future<u32> {
    let future = Future::new();
    future.set_exception(Panic::new("doh!")).unwrap();
    future
}

fn cancelled() -> Future<u32> {
    let future = Future::new();
    assert!(future.cancel());
    future
}

fn running() -> Future<u32> {
    let future = Future::new();
    assert_eq!(future.set_running_or_notify_cancel(), Ok(true));
    future
}

type Record<T> = Arc<Mutex<Vec<T>>>;

fn recorder<T>() -> (Record<T>, Record<T>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    (seen.clone(), seen)
}

// ---- FutureTests ----

// CPython: test_future.FutureTests.test_done_callback_with_result
#[test]
fn done_callback_with_result() {
    let (seen, record) = recorder();
    let future = Future::new();
    future.add_done_callback(move |f| record.lock().unwrap().push(*f.result().unwrap()));
    future.set_result(5).unwrap();
    assert_eq!(*seen.lock().unwrap(), [5]);
}

// CPython: test_future.FutureTests.test_done_callback_with_exception
#[test]
fn done_callback_with_exception() {
    let (seen, record) = recorder();
    let future = Future::<u32>::new();
    future
        .add_done_callback(move |f| record.lock().unwrap().push(f.exception().unwrap().unwrap().to_string()));
    future.set_exception(Panic::new("test")).unwrap();
    assert_eq!(*seen.lock().unwrap(), ["test"]);
}

// CPython: test_future.FutureTests.test_done_callback_with_cancel
#[test]
fn done_callback_with_cancel() {
    let (seen, record) = recorder();
    let future = Future::<u32>::new();
    future.add_done_callback(move |f| record.lock().unwrap().push(f.cancelled()));
    assert!(future.cancel());
    assert_eq!(*seen.lock().unwrap(), [true]);
}

// CPython: test_future.FutureTests.test_done_callback_raises
#[test]
fn done_callback_raises_and_the_next_still_runs() {
    let (seen, record) = recorder();
    let future = Future::new();
    future.add_done_callback(|_| panic!("doh!"));
    future.add_done_callback(move |_| record.lock().unwrap().push(true));
    future.set_result(5).unwrap();
    assert_eq!(*seen.lock().unwrap(), [true]);
}

// CPython: test_future.FutureTests.test_done_callback_already_successful
#[test]
fn done_callback_already_successful_runs_at_once() {
    let (seen, record) = recorder();
    let future = finished(5);
    let me = thread::current().id();
    future.add_done_callback(move |f| {
        record.lock().unwrap().push((*f.result().unwrap(), thread::current().id()))
    });
    assert_eq!(*seen.lock().unwrap(), [(5, me)]);
}

// CPython: test_future.FutureTests.test_done_callback_already_failed
#[test]
fn done_callback_already_failed_runs_at_once() {
    let (seen, record) = recorder();
    failed().add_done_callback(move |f| record.lock().unwrap().push(f.exception().unwrap().is_some()));
    assert_eq!(*seen.lock().unwrap(), [true]);
}

// CPython: test_future.FutureTests.test_done_callback_already_cancelled
#[test]
fn done_callback_already_cancelled_runs_at_once() {
    let (seen, record) = recorder();
    cancelled().add_done_callback(move |f| record.lock().unwrap().push(f.cancelled()));
    assert_eq!(*seen.lock().unwrap(), [true]);
}

// CPython: test_future.FutureTests.test_done_callback_raises_already_succeeded
#[test]
fn done_callback_raises_already_succeeded_is_swallowed() {
    let future = finished(5);
    future.add_done_callback(|_| panic!("doh!"));
    // Reported on stderr; the caller goes on.
    assert_eq!(future.result(), Ok(&5));
}

// lockstep: callbacks in registration order, duplicates allowed ([1, 2, 1])
#[test]
fn callbacks_run_in_registration_order() {
    let (seen, record) = recorder();
    let future = Future::new();
    for n in [1, 2, 1] {
        let record = record.clone();
        future.add_done_callback(move |_| record.lock().unwrap().push(n));
    }
    future.set_result(()).unwrap();
    assert_eq!(*seen.lock().unwrap(), [1, 2, 1]);
}

// CPython: test_future.FutureTests.test_repr (loosely: Debug is the repr)
#[test]
fn repr_names_the_state() {
    assert!(format!("{:?}", Future::<u32>::new()).contains("state=pending"));
    assert!(format!("{:?}", running()).contains("state=running"));
    assert!(format!("{:?}", cancelled()).contains("state=cancelled"));
    assert!(format!("{:?}", finished(1)).contains("state=finished returned u32"));
    assert!(format!("{:?}", failed()).contains("state=finished raised Panic"));
}

// CPython: test_future.FutureTests.test_cancel
#[test]
fn cancel_state_matrix() {
    let pending = Future::<u32>::new();
    assert!(pending.cancel() && pending.cancelled());
    let running = running();
    assert!(!running.cancel() && running.running());
    let cancelled = cancelled();
    assert!(cancelled.cancel() && cancelled.cancelled());
    // CANCELLED_AND_NOTIFIED: still cancelled, cancel still true.
    let notified = self::cancelled();
    assert_eq!(notified.set_running_or_notify_cancel(), Ok(false));
    assert!(notified.cancel() && notified.cancelled());
    let done = finished(1);
    assert!(!done.cancel() && !done.cancelled());
    let raised = failed();
    assert!(!raised.cancel());
}

// CPython: test_future.FutureTests.test_cancelled, test_done, test_running
#[test]
fn cancelled_done_running_matrices() {
    let rows = [
        (Future::new(), false, false, false),
        (running(), false, false, true),
        (cancelled(), true, true, false),
        (failed(), false, true, false),
        (finished(1), false, true, false),
    ];
    for (future, is_cancelled, is_done, is_running) in rows {
        assert_eq!(
            (future.cancelled(), future.done(), future.running()),
            (is_cancelled, is_done, is_running)
        );
    }
}

// CPython: test_future.FutureTests.test_result_with_timeout
#[test]
fn result_with_timeout_zero() {
    assert_eq!(Future::<u32>::new().result_timeout(Duration::ZERO), Err(FutureError::Timeout));
    assert_eq!(running().result_timeout(Duration::ZERO), Err(FutureError::Timeout));
    assert_eq!(cancelled().result_timeout(Duration::ZERO), Err(FutureError::Cancelled));
    assert_eq!(failed().result_timeout(Duration::ZERO), Err(FutureError::Panicked(Panic::new("doh!"))));
    assert_eq!(finished(42).result_timeout(Duration::ZERO), Ok(&42));
}

// CPython: test_future.FutureTests.test_exception_with_timeout
#[test]
fn exception_with_timeout_zero() {
    assert_eq!(Future::<u32>::new().exception_timeout(Duration::ZERO), Err(FutureError::Timeout));
    assert_eq!(running().exception_timeout(Duration::ZERO), Err(FutureError::Timeout));
    assert_eq!(cancelled().exception_timeout(Duration::ZERO), Err(FutureError::Cancelled));
    assert_eq!(failed().exception_timeout(Duration::ZERO).unwrap().unwrap().message(), "doh!");
    assert_eq!(finished(42).exception_timeout(Duration::ZERO), Ok(None));
}

// CPython: test_future.FutureTests.test_result_with_success
#[test]
fn result_with_success_from_another_thread() {
    let future = Future::new();
    let setter = future.clone();
    let notifier = thread::spawn(move || setter.set_result(42).unwrap());
    assert_eq!(future.result_timeout(LONG), Ok(&42));
    notifier.join().unwrap();
}

// CPython: test_future.FutureTests.test_result_with_cancel
#[test]
fn result_with_cancel_from_another_thread() {
    let future = Future::<u32>::new();
    let canceller = future.clone();
    let notifier = thread::spawn(move || assert!(canceller.cancel()));
    assert_eq!(future.result_timeout(LONG), Err(FutureError::Cancelled));
    notifier.join().unwrap();
}

// CPython: test_future.FutureTests.test_exception_with_success
#[test]
fn exception_with_success_from_another_thread() {
    let future = Future::<u32>::new();
    let setter = future.clone();
    let notifier = thread::spawn(move || setter.set_exception(Panic::new("boom")).unwrap());
    assert_eq!(future.exception_timeout(LONG).unwrap().unwrap().message(), "boom");
    notifier.join().unwrap();
}

// CPython: test_future.FutureTests.test_multiple_set_result
#[test]
fn multiple_set_result_is_invalid_state() {
    let future = finished(1);
    let error = future.set_result(2).unwrap_err();
    assert!(error.to_string().starts_with("FINISHED: <Future"), "{error}");
    assert_eq!(future.result(), Ok(&1));
    assert_eq!(cancelled().set_result(1).unwrap_err().state(), "CANCELLED");
}

// CPython: test_future.FutureTests.test_multiple_set_exception
#[test]
fn multiple_set_exception_is_invalid_state() {
    let future = failed();
    assert_eq!(future.set_exception(Panic::new("again")).unwrap_err().state(), "FINISHED");
    assert_eq!(future.exception().unwrap().unwrap().message(), "doh!");
}

// lockstep: set_running_or_notify_cancel's matrix (Python: RuntimeError)
#[test]
fn set_running_or_notify_cancel_matrix() {
    assert_eq!(Future::<u32>::new().set_running_or_notify_cancel(), Ok(true));
    assert_eq!(cancelled().set_running_or_notify_cancel(), Ok(false));
    assert_eq!(running().set_running_or_notify_cancel().unwrap_err().state(), "RUNNING");
    assert_eq!(finished(1).set_running_or_notify_cancel().unwrap_err().state(), "FINISHED");
}

// ---- ExecutorTest ----

// CPython: executor.ExecutorTest.test_submit
#[test]
fn submit() {
    let executor = ThreadPoolExecutor::new(5);
    let future = executor.submit(|| 2_u32.pow(8)).unwrap();
    assert_eq!(future.result(), Ok(&256));
}

// CPython: executor.ExecutorTest.test_map
#[test]
fn map_in_input_order() {
    let executor = ThreadPoolExecutor::new(5);
    let results: Vec<_> = executor.map(|x: u32| x.pow(2), 0..10).unwrap().map(Result::unwrap).collect();
    assert_eq!(results, (0..10).map(|x: u32| x.pow(2)).collect::<Vec<_>>());
}

// CPython: executor.ExecutorTest.test_map_exception (main, gh-108518)
#[test]
fn map_exception_yields_and_goes_on() {
    let executor = ThreadPoolExecutor::new(5);
    let mut results = executor.map(|(a, b): (u32, u32)| a / b, [(1, 1), (1, 1), (1, 0), (1, 1)]).unwrap();
    assert_eq!(results.next(), Some(Ok(1)));
    assert_eq!(results.next(), Some(Ok(1)));
    assert!(matches!(results.next(), Some(Err(FutureError::Panicked(_)))));
    assert_eq!(results.next(), Some(Ok(1)));
    assert_eq!(results.next(), None);
}

// CPython: executor.ExecutorTest.test_map_timeout
#[test]
fn map_timeout_yields_finished_then_one_timeout_and_ends() {
    let executor = ThreadPoolExecutor::new(5);
    let release = gate();
    let held = release.clone();
    let started = Instant::now();
    let mut results = executor
        .map_timeout(
            move |wait: bool| {
                if wait {
                    held.wait();
                }
            },
            [false, false, true],
            Duration::from_millis(200),
        )
        .unwrap();
    assert_eq!(results.next(), Some(Ok(())));
    assert_eq!(results.next(), Some(Ok(())));
    assert_eq!(results.next(), Some(Err(FutureError::Timeout)));
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(results.next(), None);
    release.set();
}

// lockstep: past the deadline, items already finished still come first
#[test]
fn map_timeout_after_the_deadline_still_yields_finished_items() {
    let executor = ThreadPoolExecutor::new(2);
    let done = Arc::new(Barrier::new(3));
    let arrived = done.clone();
    let started = Instant::now();
    let results = executor
        .map_timeout(
            move |x: u32| {
                arrived.wait();
                x
            },
            [1, 2],
            Duration::from_millis(1),
        )
        .unwrap();
    done.wait();
    // Both tasks have returned; let the deadline pass (a bound, not an order).
    while started.elapsed() < Duration::from_millis(20) {
        thread::yield_now();
    }
    executor.shutdown(true, false);
    let all: Vec<_> = results.collect();
    assert_eq!(all, [Ok(1), Ok(2)]);
}

// CPython: executor.ExecutorTest.test_shutdown_race_issue12456
#[test]
fn shutdown_race_issue12456() {
    let executor = ThreadPoolExecutor::new(2);
    executor.map(|x: u32| x, 0..100).unwrap();
    executor.shutdown(true, false);
}

// CPython: executor.ExecutorTest.test_swallows_falsey_exceptions (gh-132063)
#[test]
fn an_empty_panic_message_is_still_a_panic() {
    let executor = ThreadPoolExecutor::new(1);
    let future = executor.submit(|| -> u32 { std::panic::panic_any(String::new()) }).unwrap();
    assert_eq!(future.exception().unwrap().unwrap().message(), "");
    assert!(future.result().is_err());
}

// CPython: executor.ExecutorTest.test_map_close (main): closing cancels the rest
#[test]
fn dropping_a_map_cancels_its_pending_futures() {
    let executor = ThreadPoolExecutor::new(1);
    let release = gate();
    let held = release.clone();
    let blocker = executor.submit(move || held.wait()).unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let count = ran.clone();
    let results = executor.map(move |_: u32| count.fetch_add(1, SeqCst), 0..5).unwrap();
    drop(results);
    release.set();
    blocker.result().unwrap();
    executor.shutdown(true, false);
    assert_eq!(ran.load(SeqCst), 0);
}

// lockstep: after shutdown, map fails only with items
#[test]
fn map_after_shutdown_fails_only_with_items() {
    let executor = ThreadPoolExecutor::new(1);
    executor.shutdown(true, false);
    assert!(executor.map(|x: u32| x, []).unwrap().next().is_none());
    assert_eq!(executor.map(|x: u32| x, [1]).unwrap_err(), SubmitError::ShutDown);
}

// ---- ThreadPoolExecutorTest ----

// CPython: test_thread_pool.ThreadPoolExecutorTest.test_map_submits_without_iteration
#[test]
fn map_submits_without_iteration() {
    let executor = ThreadPoolExecutor::new(2);
    let finished = Arc::new(Mutex::new(Vec::new()));
    let record = finished.clone();
    let _results = executor.map(move |x: u32| record.lock().unwrap().push(x), 0..10).unwrap();
    executor.shutdown(true, false);
    let mut seen = finished.lock().unwrap().clone();
    seen.sort();
    assert_eq!(seen, (0..10).collect::<Vec<_>>());
}

// CPython: test_thread_pool.ThreadPoolExecutorTest.test_default_workers
#[test]
fn default_workers() {
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(ThreadPoolExecutor::new(0).max_workers(), (cpus + 4).min(32));
}

fn workers_named(prefix: &str) -> usize {
    enumerate().iter().filter(|t| t.name().starts_with(&format!("{prefix}_"))).count()
}

// CPython: test_thread_pool.ThreadPoolExecutorTest.test_saturation
#[test]
fn saturation() {
    let executor = ThreadPoolExecutor::builder().max_workers(4).thread_name_prefix("Saturation").build();
    let release = gate();
    let futures: Vec<_> = (0..15 * 4)
        .map(|_| {
            let held = release.clone();
            executor.submit(move || held.wait()).unwrap()
        })
        .collect();
    assert_eq!(workers_named("Saturation"), 4);
    release.set();
    for future in &futures {
        future.result().unwrap();
    }
    executor.shutdown(true, false);
    assert_eq!(workers_named("Saturation"), 0);
}

// CPython: test_thread_pool.ThreadPoolExecutorTest.test_idle_thread_reuse
#[test]
fn idle_thread_reuse() {
    let executor = ThreadPoolExecutor::builder().thread_name_prefix("IdleReuse").build();
    for n in 0..3_u32 {
        assert_eq!(executor.submit(move || n).unwrap().result(), Ok(&n));
    }
    assert_eq!(workers_named("IdleReuse"), 1);
    executor.shutdown(true, false);
}

// CPython: test_thread_pool.ThreadPoolExecutorTest.test_executor_map_current_future_cancel
#[test]
fn executor_map_current_future_cancel() {
    let executor = ThreadPoolExecutor::new(1);
    let release = gate();
    let held = release.clone();
    let log = Arc::new(Mutex::new(Vec::new()));
    let record = log.clone();
    let first = executor
        .submit(move || {
            record.lock().unwrap().push("first");
            held.wait();
        })
        .unwrap();
    let record = log.clone();
    let mut results = executor
        .map_timeout(move |name: &'static str| record.lock().unwrap().push(name), ["a", "b"], Duration::ZERO)
        .unwrap();
    assert_eq!(results.next(), Some(Err(FutureError::Timeout)));
    drop(results);
    release.set();
    first.result().unwrap();
    executor.shutdown(true, false);
    assert_eq!(*log.lock().unwrap(), ["first"]);
}

// lockstep: a panicking task never kills its worker
#[test]
fn a_panicking_task_keeps_its_worker() {
    let executor = ThreadPoolExecutor::builder().max_workers(1).thread_name_prefix("Survivor").build();
    let boom = executor.submit(|| -> u32 { panic!("boom") }).unwrap();
    assert!(matches!(boom.result(), Err(FutureError::Panicked(p)) if p.message() == "boom"));
    let name = executor.submit(|| current_thread().name()).unwrap();
    assert_eq!(name.result().unwrap(), "Survivor_0");
}

// lockstep: callbacks of executor futures run in the worker
#[test]
fn callback_runs_in_the_worker() {
    let executor = ThreadPoolExecutor::builder().max_workers(1).thread_name_prefix("W").build();
    let release = gate();
    let held = release.clone();
    let future = executor.submit(move || held.wait()).unwrap();
    let (tx, rx) = channel();
    future.add_done_callback(move |_| tx.send(current_thread().name()).unwrap());
    release.set();
    assert_eq!(rx.recv_timeout(LONG).unwrap(), "W_0");
}

// ---- ExecutorShutdownTest / ThreadPoolShutdownTest ----

// CPython: test_shutdown.ExecutorShutdownTest.test_run_after_shutdown
#[test]
fn run_after_shutdown() {
    let executor = ThreadPoolExecutor::new(1);
    executor.shutdown(true, false);
    assert_eq!(executor.submit(|| 1).unwrap_err(), SubmitError::ShutDown);
    assert_eq!(SubmitError::ShutDown.to_string(), "cannot schedule new futures after shutdown");
}

// CPython: test_shutdown.ExecutorShutdownTest.test_cancel_futures
#[test]
fn cancel_futures() {
    let executor = ThreadPoolExecutor::new(5);
    let release = gate();
    let futures: Vec<_> = (0..50)
        .map(|_| {
            let held = release.clone();
            executor.submit(move || held.wait()).unwrap()
        })
        .collect();
    executor.shutdown(false, true);
    release.set();
    executor.shutdown(true, false);
    let cancelled = futures.iter().filter(|f| f.cancelled()).count();
    assert!(cancelled >= 45, "{cancelled} cancelled");
    for future in futures.iter().filter(|f| !f.cancelled()) {
        assert!(future.done() && future.exception() == Ok(None));
    }
}

// CPython: test_shutdown.ExecutorShutdownTest.test_hang_gh94440
#[test]
fn cancel_right_before_shutdown_wait_does_not_hang() {
    let executor = ThreadPoolExecutor::new(1);
    let future = executor.submit(|| ()).unwrap();
    future.cancel();
    executor.shutdown(true, false);
    assert!(future.done());
}

// CPython: test_shutdown.ThreadPoolShutdownTest.test_threads_terminate
#[test]
fn threads_terminate() {
    let executor = ThreadPoolExecutor::builder().max_workers(3).thread_name_prefix("Terminate").build();
    let barrier = Arc::new(Barrier::new(4));
    let futures: Vec<_> = (0..3)
        .map(|_| {
            let barrier = barrier.clone();
            executor
                .submit(move || {
                    barrier.wait();
                })
                .unwrap()
        })
        .collect();
    barrier.wait();
    assert_eq!(workers_named("Terminate"), 3);
    executor.shutdown(true, false);
    assert_eq!(workers_named("Terminate"), 0);
    assert!(futures.iter().all(Future::done));
}

// CPython: test_shutdown.ThreadPoolShutdownTest.test_context_manager_shutdown, test_del_shutdown
#[test]
fn drop_waits_for_the_work() {
    let results;
    {
        let executor = ThreadPoolExecutor::builder().max_workers(5).thread_name_prefix("DropWaits").build();
        results = executor.map(|x: u32| x * 2, 0..10).unwrap();
    }
    assert_eq!(workers_named("DropWaits"), 0);
    let results: Vec<_> = results.map(Result::unwrap).collect();
    assert_eq!(results, (0..10).map(|x| x * 2).collect::<Vec<_>>());
}

// CPython: test_shutdown.ThreadPoolShutdownTest.test_shutdown_no_wait
#[test]
fn shutdown_no_wait() {
    let executor = ThreadPoolExecutor::builder().max_workers(5).thread_name_prefix("NoWait").build();
    let results = executor.map(|x: u32| x, 0..10).unwrap();
    executor.shutdown(false, false);
    let results: Vec<_> = results.map(Result::unwrap).collect();
    assert_eq!(results, (0..10).collect::<Vec<_>>());
    executor.shutdown(true, false);
    assert_eq!(workers_named("NoWait"), 0);
}

// CPython: test_shutdown.ThreadPoolShutdownTest.test_thread_names_assigned
#[test]
fn thread_names_assigned() {
    let executor = ThreadPoolExecutor::builder().max_workers(5).thread_name_prefix("SpecialPool").build();
    let barrier = Arc::new(Barrier::new(6));
    let names: Vec<_> = (0..5)
        .map(|_| {
            let barrier = barrier.clone();
            executor
                .submit(move || {
                    barrier.wait();
                    current_thread().name()
                })
                .unwrap()
        })
        .collect();
    barrier.wait();
    let names: HashSet<_> = names.iter().map(|f| f.result().unwrap().clone()).collect();
    let expected: HashSet<_> = (0..5).map(|i| format!("SpecialPool_{i}")).collect();
    assert_eq!(names, expected);
}

// CPython: test_shutdown.ThreadPoolShutdownTest.test_thread_names_default
#[test]
fn thread_names_default() {
    let executor = ThreadPoolExecutor::new(1);
    let name = executor.submit(|| current_thread().name()).unwrap().result().unwrap().clone();
    let (prefix, index) = name.rsplit_once('_').unwrap();
    assert_eq!(index, "0");
    let number = prefix.strip_prefix("ThreadPoolExecutor-").unwrap();
    assert!(number.parse::<usize>().is_ok(), "{name}");
}

// CPython: test_shutdown.ThreadPoolShutdownTest.test_cancel_futures_wait_false
#[test]
fn cancel_futures_wait_false() {
    let executor = ThreadPoolExecutor::new(1);
    let release = gate();
    let held = release.clone();
    let started = gate();
    let running_now = started.clone();
    let running = executor
        .submit(move || {
            running_now.set();
            held.wait();
        })
        .unwrap();
    let queued: Vec<_> = (0..5).map(|_| executor.submit(|| ()).unwrap()).collect();
    started.wait();
    executor.shutdown(false, true);
    release.set();
    running.result().unwrap();
    // The running one finished; the queued ones were all cancelled.
    assert!(queued.iter().all(Future::cancelled));
    executor.shutdown(true, false);
    assert!(queued.iter().all(Future::done));
}

// ---- test_init ----

// CPython: test_init.InitializerMixin.test_initializer
#[test]
fn initializer_runs_in_every_worker() {
    let initialized = Arc::new(Mutex::new(HashSet::new()));
    let record = initialized.clone();
    let executor = ThreadPoolExecutor::builder()
        .max_workers(5)
        .thread_name_prefix("Init")
        .initializer(move || {
            record.lock().unwrap().insert(current_thread().name());
        })
        .build();
    let barrier = Arc::new(Barrier::new(6));
    let seen = initialized.clone();
    let futures: Vec<_> = (0..5)
        .map(|_| {
            let (barrier, seen) = (barrier.clone(), seen.clone());
            executor
                .submit(move || {
                    barrier.wait();
                    seen.lock().unwrap().contains(&current_thread().name())
                })
                .unwrap()
        })
        .collect();
    barrier.wait();
    assert!(futures.iter().all(|f| *f.result().unwrap()));
    assert_eq!(initialized.lock().unwrap().len(), 5);
}

// CPython: test_init.FailingInitializerMixin.test_initializer
#[test]
fn failing_initializer_breaks_the_pool() {
    let executor =
        ThreadPoolExecutor::builder().max_workers(2).initializer(|| panic!("error in initializer")).build();
    let future = executor.submit(|| 1).unwrap();
    assert_eq!(future.result(), Err(FutureError::Broken));
    assert_eq!(executor.submit(|| 1).unwrap_err(), SubmitError::Broken);
    executor.shutdown(true, false);
    // Broken is checked before ShutDown.
    assert_eq!(executor.submit(|| 1).unwrap_err(), SubmitError::Broken);
}

// ---- WaitTests ----

// CPython: test_wait.WaitTests.test_20369
#[test]
fn wait_removes_duplicates() {
    let executor = ThreadPoolExecutor::new(1);
    let future = executor.submit(|| 1).unwrap();
    let clone = future.clone();
    let result = wait([&future, &clone, &future], None, ReturnWhen::AllCompleted);
    assert_eq!(result.done.len(), 1);
    assert!(result.not_done.is_empty());
}

// CPython: test_wait.WaitTests.test_first_completed
#[test]
fn wait_first_completed() {
    let executor = ThreadPoolExecutor::new(2);
    let release = gate();
    let held = release.clone();
    let quick = executor.submit(|| 1).unwrap();
    let slow = executor.submit(move || if held.wait_timeout(LONG) { 2 } else { 0 }).unwrap();
    let pending = Future::new();
    let result = wait([&pending, &quick, &slow], Some(LONG), ReturnWhen::FirstCompleted);
    assert!(result.done.iter().any(|f| f.same(&quick)));
    assert!(result.not_done.iter().any(|f| f.same(&pending)));
    release.set();
}

// CPython: test_wait.WaitTests.test_first_completed_some_already_completed
#[test]
fn wait_first_completed_some_already_completed() {
    let (done_1, done_2, pending) = (finished(1), finished(2), Future::new());
    let result = wait([&done_1, &done_2, &pending], Some(LONG), ReturnWhen::FirstCompleted);
    assert_eq!(result.done.len(), 2);
    assert!(result.not_done[0].same(&pending));
}

// CPython: test_wait.WaitTests.test_first_exception
#[test]
fn wait_first_exception() {
    let executor = ThreadPoolExecutor::new(3);
    let release = gate();
    let held = release.clone();
    let quick = executor.submit(|| 1_u32).unwrap();
    let raises = executor.submit(|| -> u32 { panic!("boom") }).unwrap();
    let slow = executor.submit(move || held.wait_timeout(LONG) as u32).unwrap();
    let result = wait([&quick, &raises, &slow], Some(LONG), ReturnWhen::FirstException);
    assert!(result.done.iter().any(|f| f.same(&raises)));
    assert!(result.not_done.iter().any(|f| f.same(&slow)));
    release.set();
}

// CPython: test_wait.WaitTests.test_first_exception_some_already_complete
#[test]
fn wait_first_exception_some_already_complete() {
    let executor = ThreadPoolExecutor::new(2);
    let release = gate();
    let held = release.clone();
    let (done, cancelled) = (finished(1), cancelled());
    let slow = executor.submit(move || held.wait_timeout(LONG) as u32).unwrap();
    let raises = executor.submit(|| -> u32 { panic!("boom") }).unwrap();
    // A cancelled future does not count as an exception.
    let result = wait([&done, &cancelled, &raises, &slow], Some(LONG), ReturnWhen::FirstException);
    assert!(result.done.iter().any(|f| f.same(&raises)));
    assert!(result.done.iter().any(|f| f.same(&cancelled)));
    assert!(result.not_done.iter().any(|f| f.same(&slow)));
    release.set();
}

// CPython: test_wait.WaitTests.test_first_exception_one_already_failed
#[test]
fn wait_first_exception_one_already_failed() {
    let (raised, pending) = (failed(), Future::new());
    let result = wait([&raised, &pending], Some(LONG), ReturnWhen::FirstException);
    assert_eq!(result.done.len(), 1);
    assert!(result.done[0].same(&raised));
    assert!(result.not_done[0].same(&pending));
}

// CPython: test_wait.WaitTests.test_all_completed
#[test]
fn wait_all_completed() {
    let executor = ThreadPoolExecutor::new(2);
    let (done, raised, cancelled) = (finished(1), failed(), cancelled());
    let later = executor.submit(|| 2).unwrap();
    let result = wait([&done, &raised, &cancelled, &later], None, ReturnWhen::AllCompleted);
    assert_eq!(result.done.len(), 4);
    assert!(result.not_done.is_empty());
}

// CPython: test_wait.WaitTests.test_timeout
#[test]
fn wait_timeout_returns_what_is_done() {
    let (done, raised, pending) = (finished(1), failed(), Future::new());
    let started = Instant::now();
    let result = wait([&done, &raised, &pending], Some(Duration::from_millis(50)), ReturnWhen::AllCompleted);
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(result.done.len(), 2);
    assert!(result.not_done[0].same(&pending));
}

// CPython: test_wait.ThreadPoolWaitTests.test_pending_calls_race
#[test]
fn wait_pending_calls_race() {
    let executor = ThreadPoolExecutor::new(4);
    let futures: Vec<_> = (0..100).map(|n| executor.submit(move || n).unwrap()).collect();
    let result = wait(&futures, None, ReturnWhen::AllCompleted);
    assert_eq!(result.done.len(), 100);
    assert!(result.done.iter().all(|f| f.done()));
}

// lockstep: wait([]) and huge timeouts
#[test]
fn wait_on_nothing_and_forever() {
    let none: [Future<u32>; 0] = [];
    let result = wait(&none, None, ReturnWhen::FirstCompleted);
    assert!(result.done.is_empty() && result.not_done.is_empty());
    let done = finished(1);
    assert_eq!(wait([&done], Some(Duration::MAX), ReturnWhen::AllCompleted).done.len(), 1);
}

// ---- AsCompletedTests ----

// CPython: test_as_completed.AsCompletedTests.test_no_timeout
#[test]
fn as_completed_no_timeout() {
    let executor = ThreadPoolExecutor::new(2);
    let (done, raised, cancelled) = (finished(1), failed(), cancelled());
    let later = executor.submit(|| 2).unwrap();
    let all = [done, raised, cancelled, later];
    let yielded: Vec<_> = as_completed(&all, None).map(Result::unwrap).collect();
    assert_eq!(yielded.len(), 4);
}

// CPython: test_as_completed.AsCompletedTests.test_future_times_out
#[test]
fn as_completed_future_times_out() {
    for timeout in [Duration::ZERO, Duration::from_millis(100)] {
        let (done, raised, pending) = (finished(1), failed(), Future::new());
        let all = [done.clone(), raised.clone(), pending];
        let mut yielded = Vec::new();
        let mut timed_out = false;
        for next in as_completed(&all, Some(timeout)) {
            match next {
                Ok(future) => yielded.push(future.clone()),
                Err(error) => {
                    assert_eq!((error.unfinished(), error.total()), (1, 3));
                    timed_out = true;
                }
            }
        }
        assert!(timed_out);
        assert_eq!(yielded.len(), 2);
        assert!(yielded.contains(&done) && yielded.contains(&raised));
    }
}

// CPython: test_as_completed.AsCompletedTests.test_duplicate_futures
#[test]
fn as_completed_duplicate_futures() {
    let executor = ThreadPoolExecutor::new(1);
    let future = executor.submit(|| 1).unwrap();
    let yielded: Vec<_> = as_completed([&future, &future, &future], None).collect();
    assert_eq!(yielded.len(), 1);
}

// CPython: test_as_completed.AsCompletedTests.test_correct_timeout_exception_msg
#[test]
fn as_completed_correct_timeout_exception_msg() {
    let (done, raised) = (finished(1), failed());
    let all = [done, raised, Future::new(), Future::new()];
    let error = as_completed(&all, Some(Duration::ZERO)).find_map(Result::err).unwrap();
    assert_eq!(error.to_string(), "2 (of 4) futures unfinished");
}

// lockstep: pre-finished first, then completion order
#[test]
fn as_completed_yields_finished_first_then_in_completion_order() {
    let pre = finished(9);
    let rest: Vec<Future<u32>> = (0..3).map(|_| Future::new()).collect();
    let all: Vec<&Future<u32>> = [&pre].into_iter().chain(&rest).collect();
    let mut each = as_completed(all, Some(LONG));
    assert!(each.next().unwrap().unwrap().same(&pre));
    for index in [2, 0, 1] {
        rest[index].set_result(index as u32).unwrap();
        assert!(each.next().unwrap().unwrap().same(&rest[index]));
    }
    assert!(each.next().is_none());
}

// lockstep: the clock starts at the first next()
#[test]
fn as_completed_clock_starts_at_first_next() {
    let pending = Future::<u32>::new();
    let mut each = as_completed([&pending], Some(Duration::from_millis(50)));
    let setter = pending.clone();
    // Done before the first next(): well before the 50 ms counted from it.
    setter.set_result(1).unwrap();
    assert!(each.next().unwrap().is_ok());
}
