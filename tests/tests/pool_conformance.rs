//! CPython's `multiprocessing.pool.ThreadPool` tests, ported to
//! `lockstep::futures::Pool`.
//!
//! Provenance: `Lib/test/_test_multiprocessing.py` of CPython 3.13, class
//! `_TestPool` as run for the `threads` type (`ThreadPool`), and
//! `_TestPoolWorkerErrors`; the contract's "multiprocessing-style Pool".
//! Each test names the CPython test it ports; `lockstep:` marks a
//! behaviour the contract adds.
//!
//! Not ported: pickling tests (`test_unpickleable_result`, no processes),
//! `test_pool_worker_lifetime*` and `maxtasksperchild` (processes only),
//! `test_traceback` (Rust panics carry no traceback), `chunksize`
//! variants (no chunks: every item is a task), `test_context`/`test_enter`
//! (`with` is `Drop`, checked in `drop_terminates_without_waiting`).

use lockstep::Event;
use lockstep::futures::{NotReady, Panic, Pool, PoolError};
use lockstep::thread::{current_thread, enumerate};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::mpsc::channel;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(60);

fn sqr(x: u64) -> u64 {
    x * x
}

// CPython: _TestPool.test_apply
#[test]
fn apply() {
    let pool = Pool::new(4);
    assert_eq!(pool.apply(|| sqr(5)), Ok(25));
    assert_eq!(pool.apply(|| sqr(3)), Ok(9));
}

// CPython: _TestPool.test_map
#[test]
fn map() {
    let pool = Pool::new(4);
    assert_eq!(pool.map(sqr, 0..10), Ok((0..10).map(sqr).collect()));
    assert_eq!(pool.map(sqr, 0..100), Ok((0..100).map(sqr).collect()));
}

// CPython: _TestPool.test_async
#[test]
fn apply_async() {
    let pool = Pool::new(4);
    let result = pool.apply_async(|| sqr(7)).unwrap();
    assert_eq!(result.get_timeout(LONG), Ok(&49));
    assert!(result.ready());
    assert_eq!(result.successful(), Ok(true));
}

// CPython: _TestPool.test_async_timeout
#[test]
fn async_timeout() {
    let pool = Pool::new(4);
    let release = Arc::new(Event::new());
    let held = release.clone();
    let result = pool.apply_async(move || held.wait_timeout(LONG)).unwrap();
    let started = Instant::now();
    assert_eq!(result.get_timeout(Duration::from_millis(50)), Err(PoolError::Timeout));
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(result.successful(), Err(NotReady));
    release.set();
    assert_eq!(result.get(), Ok(&true));
}

// CPython: _TestPool.test_imap
#[test]
fn imap() {
    let pool = Pool::new(4);
    let results: Vec<_> = pool.imap(sqr, 0..10).unwrap().map(Result::unwrap).collect();
    assert_eq!(results, (0..10).map(sqr).collect::<Vec<_>>());
    let mut results = pool.imap(sqr, 0..1000).unwrap();
    for x in 0..1000 {
        assert_eq!(results.next(), Some(Ok(sqr(x))));
    }
    assert_eq!(results.next(), None);
}

// CPython: _TestPool.test_imap_handle_iterable_exception (a panicking item)
#[test]
fn imap_yields_a_panicking_item_as_an_error_and_goes_on() {
    let pool = Pool::new(4);
    let results: Vec<_> =
        pool.imap(|x: u64| if x == 3 { panic!("boom") } else { x }, 0..5).unwrap().collect();
    assert_eq!(results[..3], [Ok(0), Ok(1), Ok(2)]);
    assert_eq!(results[3], Err(PoolError::Panicked(Panic::new("boom"))));
    assert_eq!(results[4], Ok(4));
}

// CPython: _TestPool.test_imap_unordered
#[test]
fn imap_unordered() {
    let pool = Pool::new(4);
    let mut results: Vec<_> = pool.imap_unordered(sqr, 0..100).unwrap().map(Result::unwrap).collect();
    results.sort();
    assert_eq!(results, (0..100).map(sqr).collect::<Vec<_>>());
}

// lockstep: imap_unordered yields in completion order
#[test]
fn imap_unordered_yields_as_they_finish() {
    let pool = Pool::new(2);
    let release = Arc::new(Event::new());
    let held = release.clone();
    let mut results = pool
        .imap_unordered(
            move |x: u64| {
                if x == 0 {
                    held.wait();
                }
                x
            },
            [0, 1],
        )
        .unwrap();
    assert_eq!(results.next(), Some(Ok(1)));
    release.set();
    assert_eq!(results.next(), Some(Ok(0)));
    assert_eq!(results.next(), None);
}

// CPython: _TestPool.test_make_pool
#[test]
fn make_pool() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(Pool::new(0).processes(), cpus);
    assert_eq!(Pool::new(3).processes(), 3);
}

// CPython: _TestPool.test_terminate
#[test]
fn terminate_stops_unstarted_tasks_and_get_never_hangs() {
    let pool = Pool::new(2);
    let release = Arc::new(Event::new());
    let barrier = Arc::new(Barrier::new(3));
    let running: Vec<_> = (0..2)
        .map(|_| {
            let (held, barrier) = (release.clone(), barrier.clone());
            pool.apply_async(move || {
                barrier.wait();
                held.wait();
                1
            })
            .unwrap()
        })
        .collect();
    barrier.wait();
    let (tx, rx) = channel::<()>();
    let queued: Vec<_> = (0..20)
        .map(|_| {
            let tx = tx.clone();
            pool.apply_async_with(|| 2, move |_| tx.send(()).unwrap(), |_| {}).unwrap()
        })
        .collect();
    drop(tx);
    pool.terminate();
    for result in &queued {
        assert_eq!(result.get_timeout(LONG), Err(PoolError::Terminated));
    }
    release.set();
    pool.join().unwrap();
    for result in &running {
        assert_eq!(result.get(), Ok(&1));
    }
    // No callback of an unstarted task ran.
    assert!(rx.recv().is_err());
}

// CPython: _TestPool.test_empty_iterable
#[test]
fn empty_iterable() {
    let pool = Pool::new(2);
    assert_eq!(pool.map(sqr, []), Ok(vec![]));
    assert_eq!(pool.imap(sqr, []).unwrap().count(), 0);
    assert_eq!(pool.imap_unordered(sqr, []).unwrap().count(), 0);
    assert_eq!(pool.map_async(sqr, []).unwrap().get(), Ok(&vec![]));
}

// CPython: _TestPool.test_map_async and test_map_async_callbacks
#[test]
fn map_async_callbacks() {
    let pool = Pool::new(2);
    let (tx, rx) = channel();
    let result = pool.map_async_with(sqr, 0..4, move |all| tx.send(all.clone()).unwrap(), |_| {}).unwrap();
    assert_eq!(result.get(), Ok(&vec![0, 1, 4, 9]));
    assert_eq!(rx.try_recv(), Ok(vec![0, 1, 4, 9]));
    let (tx, rx) = channel();
    let failing = pool
        .map_async_with(
            |x: u64| if x == 2 { panic!("boom") } else { x },
            0..4,
            |_| {},
            move |panic| tx.send(panic.to_string()).unwrap(),
        )
        .unwrap();
    assert_eq!(failing.get(), Err(PoolError::Panicked(Panic::new("boom"))));
    assert_eq!(rx.try_recv().as_deref(), Ok("boom"));
}

// CPython: _TestPoolWorkerErrors.test_async_error_callback
#[test]
fn async_error_callback() {
    let pool = Pool::new(2);
    let (tx, rx) = channel();
    let result = pool
        .apply_async_with(
            || -> u64 { panic!("key error") },
            |_| {},
            move |panic| tx.send(panic.clone()).unwrap(),
        )
        .unwrap();
    assert_eq!(result.get(), Err(PoolError::Panicked(Panic::new("key error"))));
    assert_eq!(rx.try_recv(), Ok(Panic::new("key error")));
    assert_eq!(result.successful(), Ok(false));
}

// CPython: _TestPool.test_wrapped_exception (apply re-raises)
#[test]
fn apply_reports_the_panic() {
    let pool = Pool::new(2);
    assert_eq!(pool.apply(|| -> u64 { panic!("doh!") }), Err(PoolError::Panicked(Panic::new("doh!"))));
    // The worker survived.
    assert_eq!(pool.apply(|| 1), Ok(1));
}

// CPython: _TestPool.test_release_task_refs (ours: the task and its captures are dropped)
#[test]
fn tasks_are_released_after_they_run() {
    let pool = Pool::new(2);
    let token = Arc::new(());
    let results: Vec<_> = (0..10)
        .map(|_| {
            let token = token.clone();
            pool.apply_async(move || drop(token)).unwrap()
        })
        .collect();
    for result in &results {
        result.get().unwrap();
    }
    pool.close();
    pool.join().unwrap();
    assert_eq!(Arc::strong_count(&token), 1);
}

// lockstep: a callback runs in a pool thread before ready(); a panicking one
// makes the result Err(CallbackPanicked) and the pool keeps working
#[test]
fn callbacks_run_in_the_pool_before_ready() {
    let pool = Pool::new(1);
    let (tx, rx) = channel();
    let result =
        pool.apply_async_with(|| 1, move |_| tx.send(current_thread().name()).unwrap(), |_| {}).unwrap();
    result.wait();
    assert!(rx.try_recv().unwrap().starts_with("Pool-"));
    let bad = pool.apply_async_with(|| 1, |_| panic!("callback"), |_| {}).unwrap();
    assert_eq!(bad.get(), Err(PoolError::CallbackPanicked(Panic::new("callback"))));
    assert_eq!(pool.apply(|| 2), Ok(2));
}

// lockstep: close, join, NotRunning, StillRunning
#[test]
fn close_and_join() {
    let pool = Pool::new(2);
    assert_eq!(pool.join(), Err(PoolError::StillRunning));
    let ran = Arc::new(AtomicUsize::new(0));
    let results: Vec<_> = (0..10)
        .map(|_| {
            let ran = ran.clone();
            pool.apply_async(move || ran.fetch_add(1, SeqCst)).unwrap()
        })
        .collect();
    pool.close();
    assert_eq!(pool.apply_async(|| 1).unwrap_err(), PoolError::NotRunning);
    assert_eq!(pool.map(sqr, [1]).unwrap_err(), PoolError::NotRunning);
    pool.join().unwrap();
    assert_eq!(ran.load(SeqCst), 10);
    assert!(results.iter().all(|r| r.ready()));
}

// lockstep: Drop terminates without waiting
#[test]
fn drop_terminates_without_waiting() {
    let release = Arc::new(Event::new());
    let held = release.clone();
    let (running, queued) = {
        let pool = Pool::new(1);
        let started = Arc::new(Event::new());
        let now = started.clone();
        let running = pool
            .apply_async(move || {
                now.set();
                held.wait();
                "ran"
            })
            .unwrap();
        started.wait();
        let queued = pool.apply_async(|| "never").unwrap();
        (running, queued)
    };
    assert_eq!(queued.get(), Err(PoolError::Terminated));
    release.set();
    assert_eq!(running.get(), Ok(&"ran"));
    let _ = enumerate();
}
