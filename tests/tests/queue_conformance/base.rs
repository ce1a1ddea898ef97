//! CPython's `BaseQueueTestMixin` tests without shutdown, written once for
//! any queue [`Family`] and run on `Queue`, `LifoQueue` and `PriorityQueue`
//! by `queue_conformance.rs`.
//!
//! Provenance: `Lib/test/test_queue.py` of CPython 3.14.2, class
//! `BaseQueueTestMixin` (see `shared/CPYTHON.md` section 3). Each function
//! names the CPython test it ports.

use crate::queue_support::{CHANCES, Family, PyQueue, blocks_until, release_on_panic, wait_until};
use lockstep::{GetError, PutError, TaskDoneError};
use lockstep_tests::{bunch, stays};
use std::cmp::Ordering;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicI64, AtomicUsize};
use std::thread;
use std::time::{Duration, Instant};

/// CPython's `QUEUE_SIZE`.
const QUEUE_SIZE: usize = 5;
/// A timeout that must run out.
const TIMEOUT: Duration = Duration::from_millis(50);
/// The least time that `TIMEOUT` may take: generous, as a correct wait
/// takes the full timeout (the only kind of timing assertion here).
const AT_LEAST: Duration = Duration::from_millis(40);
/// Long enough never to run out while the test runs.
const FOREVER: Duration = Duration::from_secs(600);

// CPython: test_queue.BaseQueueTestMixin.test_queue_task_done
pub(super) fn queue_task_done<F: Family>() {
    let queue = F::new::<i32>(0);
    let error = queue.task_done().unwrap_err();
    assert_eq!(error, TaskDoneError);
    assert_eq!(error.to_string(), "task_done() called too many times");
    assert_eq!(queue.unfinished_tasks(), 0, "the failed task_done changed nothing");
    queue.put(1).unwrap();
    assert_eq!(queue.unfinished_tasks(), 1);
    assert_eq!(queue.task_done(), Ok(()), "done before it was even fetched: allowed");
    assert_eq!(queue.task_done(), Err(TaskDoneError));
    assert_eq!((queue.unfinished_tasks(), queue.qsize()), (0, 1));
}

/// CPython's `queue_join_test`: workers sum what they get, and `join`
/// must not return before every item's `task_done`.
fn queue_join_test<F: Family>(queue: &F::Of<i64>) {
    const WORKERS: usize = 4;
    let cum = AtomicI64::new(0);
    bunch(
        WORKERS,
        |_| {
            loop {
                let item = queue.get().unwrap();
                if item < 0 {
                    queue.task_done().unwrap();
                    return;
                }
                thread::yield_now(); // "work": widens the window for an early join
                cum.fetch_add(item, SeqCst);
                queue.task_done().unwrap();
            }
        },
        |_| {
            release_on_panic(queue, || {
                for item in 0..100 {
                    queue.put(item).unwrap();
                }
                queue.join();
                assert_eq!(cum.load(SeqCst), 4950, "join() did not block until all tasks were done");
                for _ in 0..WORKERS {
                    queue.put(-1).unwrap(); // instructs the workers to close
                }
                queue.join(); // you can join twice
                assert_eq!(queue.unfinished_tasks(), 0);
            });
        },
    );
}

// CPython: test_queue.BaseQueueTestMixin.test_queue_join
pub(super) fn queue_join<F: Family>() {
    let queue = F::new::<i64>(0);
    queue_join_test::<F>(&queue);
    queue_join_test::<F>(&queue);
    assert_eq!(queue.task_done(), Err(TaskDoneError), "one task_done too many");
    queue.join(); // and again, with nothing to wait for
}

// CPython: test_queue.BaseQueueTestMixin.test_queue_join (and CPYTHON.md
// section 5: `join` counts unfinished tasks, not queued items)
pub(super) fn join_waits_for_task_done_not_for_get<F: Family>() {
    let queue = F::new::<i32>(0);
    queue.put(1).unwrap();
    assert_eq!(queue.get(), Ok(1));
    assert!(queue.empty());
    blocks_until(|| queue.join(), || queue.task_done().unwrap());
    assert_eq!(queue.unfinished_tasks(), 0);
}

/// CPython's `basic_queue_test`, run on an empty `Queue(QUEUE_SIZE)`.
/// `contents` models the queue: items in the order they were put.
fn basic_queue_test<F: Family>(queue: &F::Of<i32>) {
    let mut contents = Vec::new();
    let put = |queue: &F::Of<i32>, contents: &mut Vec<i32>, item| {
        queue.put(item).unwrap();
        contents.push(item);
    };
    assert_eq!(queue.qsize(), 0, "call this function with an empty queue");
    assert!(queue.empty() && !queue.full());
    for item in [111, 333, 222] {
        put(queue, &mut contents, item);
    }
    let order: Vec<_> = (0..3).map(|_| queue.get().unwrap()).collect();
    assert_eq!(order, F::removal_order(&[111, 333, 222]), "didn't seem to queue the correct data");
    contents.clear();
    for item in 0..QUEUE_SIZE as i32 - 1 {
        put(queue, &mut contents, item);
        assert!(!queue.empty(), "queue should not be empty");
    }
    assert!(!queue.full(), "queue should not be full");
    let (last, full) = (2 * QUEUE_SIZE as i32, 3 * 2 * QUEUE_SIZE as i32);
    put(queue, &mut contents, last);
    assert!(queue.full() && !queue.empty(), "queue should be full");
    assert!(matches!(queue.try_put(full), Err(PutError::Full(item)) if item == full));
    let started = Instant::now();
    assert!(matches!(queue.put_timeout(full, TIMEOUT), Err(PutError::Full(item)) if item == full));
    assert!(started.elapsed() >= AT_LEAST, "put timed out too soon: {:?}", started.elapsed());
    assert_eq!(queue.qsize(), QUEUE_SIZE, "the failed puts added nothing");
    // Blocking puts, released by a get.
    for timeout in [None, Some(FOREVER)] {
        let put_full = || match timeout {
            None => queue.put(full),
            Some(timeout) => queue.put_timeout(full, timeout),
        };
        let mut taken = None;
        blocks_until(put_full, || taken = Some(queue.get().unwrap())).unwrap();
        assert_eq!(taken, F::take_next(&mut contents), "the get took the next item");
        contents.push(full);
        assert_eq!(queue.qsize(), QUEUE_SIZE);
    }
    // Empty it.
    while let Some(expected) = F::take_next(&mut contents) {
        assert_eq!(queue.get(), Ok(expected));
    }
    assert!(queue.empty(), "queue should be empty");
    assert_eq!(queue.try_get(), Err(GetError::Empty));
    let started = Instant::now();
    assert_eq!(queue.get_timeout(TIMEOUT), Err(GetError::Empty));
    assert!(started.elapsed() >= AT_LEAST, "get timed out too soon: {:?}", started.elapsed());
    // Blocking gets, released by a put.
    assert_eq!(blocks_until(|| queue.get(), || queue.put(-7).unwrap()), Ok(-7));
    assert_eq!(blocks_until(|| queue.get_timeout(FOREVER), || queue.put(-8).unwrap()), Ok(-8));
    assert!(queue.empty());
}

// CPython: test_queue.BaseQueueTestMixin.test_basic
pub(super) fn basic<F: Family>() {
    let queue = F::new::<i32>(QUEUE_SIZE);
    basic_queue_test::<F>(&queue);
    basic_queue_test::<F>(&queue);
    // Every put was fetched; none was marked done.
    assert_eq!(queue.unfinished_tasks(), 2 * (3 + QUEUE_SIZE + 2 + 2));
}

// CPython: test_queue.BaseQueueTestMixin.test_basic (`put(timeout=0.01)`
// and `get(timeout=0.01)` time out: also short timeouts wait their time)
pub(super) fn short_timeouts_wait_their_time<F: Family>() {
    let queue = F::new::<u8>(1);
    for millis in [1, 5, 20] {
        let (timeout, at_least) = (Duration::from_millis(millis), Duration::from_micros(millis * 800));
        let started = Instant::now();
        assert_eq!(queue.get_timeout(timeout), Err(GetError::Empty));
        assert!(started.elapsed() >= at_least, "get: {:?} for {timeout:?}", started.elapsed());
        queue.put(1).unwrap();
        let started = Instant::now();
        assert!(matches!(queue.put_timeout(2, timeout), Err(PutError::Full(2))));
        assert!(started.elapsed() >= at_least, "put: {:?} for {timeout:?}", started.elapsed());
        assert_eq!(queue.get(), Ok(1));
    }
}

// CPython: test_queue.BaseQueueTestMixin.test_nowait (`Duration::ZERO`
// stands in for CPython's `timeout=0`, which also only tries)
pub(super) fn nowait<F: Family>() {
    let queue = F::new::<usize>(QUEUE_SIZE);
    for item in 0..QUEUE_SIZE {
        queue.try_put(item).unwrap();
    }
    assert!(matches!(queue.try_put(99), Err(PutError::Full(99))));
    assert!(matches!(queue.put_timeout(98, Duration::ZERO), Err(PutError::Full(98))));
    let mut left: Vec<_> = (0..QUEUE_SIZE).collect();
    while let Some(expected) = F::take_next(&mut left) {
        assert_eq!(queue.try_get(), Ok(expected));
    }
    assert_eq!(queue.try_get(), Err(GetError::Empty));
    assert_eq!(queue.get_timeout(Duration::ZERO), Err(GetError::Empty));
    assert_eq!(queue.unfinished_tasks(), QUEUE_SIZE, "failed puts count no task");
}

// CPython: test_queue.BaseQueueTestMixin.test_shrinking_queue (issue 10110)
pub(super) fn shrinking_queue<F: Family>() {
    let queue = F::new::<i32>(3);
    for item in 1..=3 {
        queue.put(item).unwrap();
    }
    assert!(matches!(queue.try_put(4), Err(PutError::Full(4))));
    assert_eq!(queue.qsize(), 3);
    queue.set_maxsize(2); // shrink the queue
    assert_eq!(queue.maxsize(), 2);
    assert!(matches!(queue.try_put(4), Err(PutError::Full(4))));
    assert!(queue.full(), "3 items, room for 2");
    queue.get().unwrap();
    assert!(matches!(queue.try_put(4), Err(PutError::Full(4))), "2 items: still full");
    queue.get().unwrap();
    assert_eq!(queue.try_put(4).ok(), Some(()));
    // Growing it lets a blocked put in (`maxsize` is live both ways).
    assert!(queue.full());
    blocks_until(|| queue.put(5).unwrap(), || queue.set_maxsize(3));
    assert_eq!(queue.qsize(), 3);
    queue.set_maxsize(0); // unbounded now
    assert!(!queue.full());
    assert_eq!(queue.try_put(6).ok(), Some(()));
}

// CPython: test_queue.BaseQueueTestMixin.test_shrinking_queue, growing a
// queue with several putters waiting: each one gets in, none is lost.
pub(super) fn growing_queue_releases_every_waiting_putter<F: Family>() {
    const PUTTERS: usize = 3;
    let queue = F::new::<usize>(1);
    queue.put(100).unwrap();
    bunch(
        PUTTERS,
        |index| queue.put(index).unwrap(),
        |progress| {
            let blocked = stays(CHANCES, || progress.finished() == 0 && queue.qsize() == 1);
            queue.set_maxsize(1 + PUTTERS);
            wait_until(|| progress.finished() == PUTTERS);
            assert_eq!(blocked, Ok(()), "putters got into a full queue");
        },
    );
    let mut items: Vec<_> = (0..=PUTTERS).map(|_| queue.try_get().unwrap()).collect();
    items.sort();
    assert_eq!(items, [0, 1, 2, 100]);
}

// CPython: test_queue.BaseQueueTestMixin (`Queue(-5)` held 10 items;
// CPYTHON.md 1.8: maxsize 0 means unbounded, `full()` is then false)
pub(super) fn maxsize_zero_is_unbounded<F: Family>() {
    let queue = F::new::<usize>(0);
    assert_eq!(queue.maxsize(), 0);
    for item in 0..10_000 {
        queue.try_put(item).unwrap();
        assert!(!queue.full());
    }
    queue.put_timeout(10_000, Duration::ZERO).unwrap();
    assert_eq!(queue.qsize(), 10_001);
    assert_eq!(queue.unfinished_tasks(), 10_001);
}

// CPython: test_queue.BaseQueueTestMixin.test_basic (a timed get is woken
// by each put in turn; none waits out its timeout)
pub(super) fn timed_getters_are_each_woken_by_a_put<F: Family>() {
    const GETTERS: usize = 4;
    let queue = F::new::<usize>(0);
    let got = AtomicUsize::new(0);
    bunch(
        GETTERS,
        |_| {
            let item = queue.get_timeout(FOREVER).expect("a put came");
            got.fetch_add(item, SeqCst);
        },
        |progress| {
            for item in 1..=GETTERS {
                queue.put(item).unwrap();
            }
            wait_until(|| progress.finished() == GETTERS);
        },
    );
    assert_eq!(got.load(SeqCst), 1 + 2 + 3 + 4);
    assert!(queue.empty());
}

/// An item that counts its drops in `drops[id]`.
#[derive(Debug)]
struct Counted<'a> {
    id: usize,
    drops: &'a [AtomicUsize],
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, SeqCst);
    }
}
impl PartialEq for Counted<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Counted<'_> {}
impl PartialOrd for Counted<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Counted<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id.cmp(&other.id)
    }
}

// CPython: test_queue.BaseSimpleQueueTest.test_references, for the task
// queues (CPYTHON.md 1.8: the immediate shutdown drops what is queued):
// every item is dropped exactly once, whether got, handed back in an
// error, drained by `shutdown(true)` or left in a dropped queue.
pub(super) fn drops_each_item_exactly_once<F: Family>() {
    let drops: Vec<_> = (0..8).map(|_| AtomicUsize::new(0)).collect();
    let counts = || drops.iter().map(|d| d.load(SeqCst)).collect::<Vec<_>>();
    let item = |id| Counted { id, drops: &drops };
    let queue = F::new(2);
    queue.put(item(0)).unwrap();
    queue.put(item(1)).unwrap();
    let Err(PutError::Full(back)) = queue.try_put(item(2)) else { panic!("the queue is full") };
    assert_eq!((back.id, counts()[2]), (2, 0), "handed back, not dropped");
    drop(back);
    drop(queue.get().unwrap());
    queue.put(item(3)).unwrap();
    queue.shutdown(true);
    assert_eq!(counts(), [1, 1, 1, 1, 0, 0, 0, 0], "got, handed back, and drained: once each");
    let Err(PutError::ShutDown(back)) = queue.put(item(4)) else { panic!("shut down") };
    drop(back);
    let queue = F::new(0);
    queue.put(item(5)).unwrap();
    queue.put(item(6)).unwrap();
    queue.shutdown(false);
    drop(queue.get().unwrap());
    drop(queue);
    assert_eq!(counts(), [1, 1, 1, 1, 1, 1, 1, 0], "a dropped queue drops its items");
}
