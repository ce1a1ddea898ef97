//! CPython's `Timer` conformance tests, ported to `lockstep::Timer`.
//!
//! Provenance: `Lib/test/test_threading.py` of CPython 3.13/3.14, class
//! `TimerTests` (its one test), and the cancel cases of `shared/CPYTHON.md`
//! §1.7 and §5, which CPython's suite does not test (so they are marked
//! `CPYTHON.md`). Tests marked `lockstep` check the documented extra
//! `Timer::every`.
//!
//! Timing is only ever a generous bound: "promptly" is well under the
//! timer's own interval; nothing waits for a sleep to order threads.

use lockstep::Timer;
use lockstep::thread::{ThreadError, current_thread};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

/// A timer interval no test waits out: a test that does is broken.
const NEVER: Duration = Duration::from_secs(600);

fn counter() -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    (count.clone(), count)
}

// CPython: test_threading.TimerTests.test_init_immutable_default_args
// (each timer's function is called with its own state; nothing is shared)
#[test]
fn init_immutable_default_args() {
    let (tx, rx) = channel();
    let first = {
        let tx = tx.clone();
        let mut args = vec![];
        Timer::new(Duration::from_millis(1), move || {
            args.push("first's");
            tx.send(args).unwrap()
        })
    };
    let second = Timer::new(Duration::from_millis(1), move || tx.send(Vec::new()).unwrap());
    first.start().unwrap();
    second.start().unwrap();
    let mut got = vec![rx.recv().unwrap(), rx.recv().unwrap()];
    got.sort();
    assert_eq!(got, [vec![], vec!["first's"]]);
    first.join().unwrap();
    second.join().unwrap();
}

// CPYTHON.md §1.7: the function runs once, after the interval
#[test]
fn fires_once_after_the_interval() {
    let (count, counted) = counter();
    let interval = Duration::from_millis(100);
    let begun = Instant::now();
    let timer = Timer::new(interval, move || {
        counted.fetch_add(1, SeqCst);
    });
    timer.start().unwrap();
    timer.join().unwrap();
    let waited = begun.elapsed();
    assert_eq!(count.load(SeqCst), 1);
    assert!(waited >= interval.mul_f64(0.6) && waited < interval * 100, "fired after {waited:?}");
    assert!(!timer.is_cancelled());
}

// CPYTHON.md §1.7: cancel() before start(): the function never runs
#[test]
fn cancel_before_start_never_runs() {
    let (count, counted) = counter();
    let timer = Timer::new(Duration::ZERO, move || {
        counted.fetch_add(1, SeqCst);
    });
    timer.cancel();
    timer.start().unwrap();
    timer.join().unwrap();
    assert_eq!(count.load(SeqCst), 0);
    assert!(timer.is_cancelled());
}

// CPYTHON.md §1.7: cancel() while waiting: the thread exits promptly (join
// took about 0 s for a 10 s timer in CPython) without calling the function
#[test]
fn cancel_while_waiting_exits_promptly() {
    let (count, counted) = counter();
    let timer = Timer::new(NEVER, move || {
        counted.fetch_add(1, SeqCst);
    });
    timer.start().unwrap();
    assert!(timer.is_alive());
    let begun = Instant::now();
    timer.cancel();
    timer.join().unwrap();
    assert!(begun.elapsed() < Duration::from_secs(30), "took {:?}", begun.elapsed());
    assert_eq!(count.load(SeqCst), 0);
    assert!(!timer.is_alive());
}

// CPYTHON.md §1.7: cancel() after the function ran: no effect
#[test]
fn cancel_after_firing_changes_nothing() {
    let (count, counted) = counter();
    let timer = Timer::new(Duration::ZERO, move || {
        counted.fetch_add(1, SeqCst);
    });
    timer.start().unwrap();
    timer.join().unwrap();
    timer.cancel();
    timer.cancel();
    assert_eq!(count.load(SeqCst), 1);
    assert!(!timer.is_cancelled());
    assert_eq!(timer.join(), Ok(()));
}

// CPYTHON.md §1.7: it is a Thread: a second start() is an error; named
// Thread-N; daemon inherited (False from a thread lockstep did not start)
#[test]
fn a_timer_is_a_thread() {
    let (tx, rx) = channel();
    let timer = Timer::new(Duration::ZERO, move || tx.send(current_thread().name()).unwrap());
    assert!(timer.thread().name().starts_with("Thread-"));
    assert!(!timer.thread().is_daemon());
    assert_eq!(timer.join(), Err(ThreadError::NotStarted));
    timer.start().unwrap();
    assert_eq!(timer.start().unwrap_err().to_string(), "threads can only be started once");
    assert_eq!(rx.recv().unwrap(), timer.thread().name(), "the function runs on the timer's thread");
    timer.join().unwrap();
}

// lockstep: Timer::every repeats until cancel; no run starts afterwards
#[test]
fn every_repeats_until_cancelled() {
    let (tx, rx) = channel();
    let (count, counted) = counter();
    let timer = Timer::every(Duration::from_millis(1), move || {
        let _ = tx.send(counted.fetch_add(1, SeqCst));
    });
    timer.start().unwrap();
    for expected in 0..5 {
        assert_eq!(rx.recv().unwrap(), expected);
    }
    timer.cancel();
    let runs = count.load(SeqCst);
    timer.join().unwrap();
    // A run in progress when cancel came may finish; none starts after it.
    assert!(count.load(SeqCst) <= runs + 1);
    assert!(timer.is_cancelled());
}

// lockstep: a cancelled repeating timer's thread exits promptly
#[test]
fn every_cancelled_while_waiting_exits_promptly() {
    let (count, counted) = counter();
    let timer = Timer::every(NEVER, move || {
        counted.fetch_add(1, SeqCst);
    });
    timer.start().unwrap();
    let begun = Instant::now();
    timer.cancel();
    timer.join().unwrap();
    assert!(begun.elapsed() < Duration::from_secs(30));
    assert_eq!(count.load(SeqCst), 0);
}
