//! CPython's `BaseSimpleQueueTest`, ported to `lockstep::SimpleQueue`.
//!
//! Provenance: `Lib/test/test_queue.py` of CPython 3.14.2, class
//! `BaseSimpleQueueTest` (see `shared/CPYTHON.md` sections 1.9 and 3). Each
//! test names the CPython test it ports. CPython's feeders sleep at random
//! to vary the interleaving; these do not (house rule: no sleeps in tests).

use lockstep::{GetError, SimpleQueue};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

// CPython: test_queue.BaseSimpleQueueTest.test_basic
#[test]
fn simple_basic() {
    let queue = SimpleQueue::new();
    assert!(queue.empty());
    assert_eq!(queue.qsize(), 0);
    queue.put(1).unwrap();
    assert!(!queue.empty());
    assert_eq!(queue.qsize(), 1);
    for item in 2..=4 {
        queue.put(item).unwrap();
    }
    assert_eq!(queue.qsize(), 4);
    assert_eq!(queue.get(), Ok(1));
    assert_eq!(queue.qsize(), 3);
    assert_eq!(queue.try_get(), Ok(2));
    assert_eq!(queue.get_timeout(Duration::ZERO), Ok(3));
    assert!(!queue.empty());
    assert_eq!(queue.get_timeout(Duration::from_millis(100)), Ok(4));
    assert!(queue.empty());
    assert_eq!(queue.try_get(), Err(GetError::Empty));
    let started = Instant::now();
    assert_eq!(queue.get_timeout(Duration::from_millis(50)), Err(GetError::Empty));
    assert!(started.elapsed() >= Duration::from_millis(40), "timed out too soon");
    assert_eq!(queue.get_timeout(Duration::ZERO), Err(GetError::Empty));
    assert_eq!(queue.qsize(), 0);
}

// CPython: test_queue.BaseSimpleQueueTest.test_order
#[test]
fn simple_order() {
    let queue = SimpleQueue::new();
    let results = thread::scope(|s| {
        let consumer = s.spawn(|| (0..100).map(|_| queue.get().unwrap()).collect::<Vec<_>>());
        s.spawn(|| (0..100).for_each(|item| queue.put(item).unwrap()));
        consumer.join().unwrap()
    });
    assert_eq!(results, (0..100).collect::<Vec<_>>(), "FIFO across threads");
    assert!(queue.empty());
}

/// How a consumer in [`run_threads`] gets its items.
#[derive(Clone, Copy)]
enum Consume {
    /// `get()`.
    Blocking,
    /// `get(block=False)`, retried.
    NonBlocking,
    /// `get(timeout=1e-5)`, retried.
    Timeout,
}

/// CPython's `run_threads`: `threads` feeders put the items `0..items`
/// (taking them from a shared counter), then one `None` sentinel each;
/// `threads` consumers get until they see a sentinel. Returns every item
/// received, sorted.
fn run_threads(threads: usize, items: usize, consume: Consume) -> Vec<usize> {
    let queue = SimpleQueue::new();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let item = next.fetch_add(1, SeqCst);
                    if item >= items {
                        queue.put(None).unwrap(); // the sentinel
                        break;
                    }
                    queue.put(Some(item)).unwrap();
                }
            });
            s.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let got = match consume {
                        Consume::Blocking => queue.get(),
                        Consume::NonBlocking => queue.try_get(),
                        Consume::Timeout => queue.get_timeout(Duration::from_micros(10)),
                    };
                    match got {
                        Ok(Some(item)) => mine.push(item),
                        Ok(None) => break,
                        Err(GetError::Empty) => thread::yield_now(),
                        Err(GetError::ShutDown) => panic!("a SimpleQueue never shuts down"),
                    }
                }
                results.lock().unwrap().extend(mine);
            });
        }
    });
    assert!(queue.empty());
    assert_eq!(queue.qsize(), 0);
    let mut results = results.into_inner().unwrap();
    results.sort_unstable();
    results
}

// CPython: test_queue.BaseSimpleQueueTest.test_many_threads
#[test]
fn simple_many_threads() {
    assert_eq!(run_threads(50, 10_000, Consume::Blocking), (0..10_000).collect::<Vec<_>>());
}

// CPython: test_queue.BaseSimpleQueueTest.test_many_threads_nonblock
#[test]
fn simple_many_threads_nonblock() {
    assert_eq!(run_threads(50, 10_000, Consume::NonBlocking), (0..10_000).collect::<Vec<_>>());
}

// CPython: test_queue.BaseSimpleQueueTest.test_many_threads_timeout
#[test]
fn simple_many_threads_timeout() {
    assert_eq!(run_threads(50, 1_000, Consume::Timeout), (0..1_000).collect::<Vec<_>>());
}

// CPython: test_queue.BaseSimpleQueueTest.test_references (a `Weak` plays
// the weakref: the queue keeps nothing of an item once it was got)
#[test]
fn simple_references() {
    const N: usize = 20;
    let queue = SimpleQueue::new();
    let weak: Vec<_> = (0..N)
        .map(|_| {
            let item = Arc::new(());
            let weak = Arc::downgrade(&item);
            queue.put(item).unwrap();
            weak
        })
        .collect();
    for index in 0..N / 2 {
        drop(queue.get().unwrap());
        assert!(weak[index].upgrade().is_none(), "item {index} still alive after get");
        assert!(weak[index + 1..].iter().all(|w| w.upgrade().is_some()), "queued items live on");
    }
    drop(queue);
    assert!(weak.iter().all(|w| w.upgrade().is_none()), "dropping the queue dropped its items");
}

// CPython: test_queue.BaseSimpleQueueTest.test_basic (`put` never blocks
// and never fails: there is no bound and no Full; CPYTHON.md 1.9)
#[test]
fn simple_put_never_blocks() {
    let queue = SimpleQueue::new();
    for item in 0..100_000 {
        queue.put(item).unwrap();
    }
    assert_eq!(queue.qsize(), 100_000);
    assert!((0..100_000).all(|item| queue.try_get() == Ok(item)));
    assert_eq!(queue.try_get(), Err(GetError::Empty));
}

// CPython: test_queue.BaseSimpleQueueTest.test_basic (a blocking get is
// released by a put from another thread; CPython's do_blocking_test)
#[test]
fn simple_blocking_get_is_released_by_a_put() {
    let queue = SimpleQueue::new();
    let got = crate::queue_support::blocks_until(|| queue.get(), || queue.put("late").unwrap());
    assert_eq!(got, Ok("late"));
    let got = crate::queue_support::blocks_until(
        || queue.get_timeout(Duration::from_secs(600)),
        || queue.put("later").unwrap(),
    );
    assert_eq!(got, Ok("later"));
}
