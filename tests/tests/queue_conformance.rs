//! CPython's queue conformance tests, ported to `lockstep::{Queue,
//! LifoQueue, PriorityQueue, SimpleQueue}`.
//!
//! Provenance: `Lib/test/test_queue.py` of CPython 3.14.2 (identical to
//! 3.13.0 apart from `bigmemtest` decorators), classes `BaseQueueTestMixin`,
//! `FailingQueueTest`, `BaseSimpleQueueTest` and `CSimpleQueueTest`; see
//! `shared/CPYTHON.md` sections 1.8, 1.9, 3, 5 and 6. Each test names the
//! CPython test it ports. As CPython runs `BaseQueueTestMixin` on every
//! queue type, its tests (modules `base`, `shutdown`, `shutdown_threads`)
//! are written once over `queue_support::Family` and run in the modules
//! `fifo`, `lifo` and `priority`; `simple` holds `BaseSimpleQueueTest`.
//!
//! Not ported, because Rust makes them impossible or meaningless:
//! `test_negative_timeout_raises_exception` (both classes: a `Duration` is
//! never negative), `CSimpleQueueTest.test_is_default` (there is one
//! `SimpleQueue`), and the uncomparable-payload `TypeError` (the compiler
//! requires `T: Ord`). Ported as analogues: `FailingQueueTest` (a panicking
//! `Ord` plays the raising `_put`/`_get` hooks) and `test_reentrancy` (an
//! item's `Drop` calls back into the queue during `shutdown(true)`).
//!
//! Deliberate divergence, tested as such: equal items leave a
//! `PriorityQueue` first in, first out (API.md); CPython's `heapq` is not
//! stable.
//!
//! CPython orders threads with sleeps (`_TriggerThread`, `time.sleep`);
//! these tests use barriers, atomics and yield-polling on observable state
//! instead. The only timing assertions are lower bounds on timeouts.

mod queue_support;

use lockstep::{GetError, PriorityQueue, PutError, Queue, TaskDoneError};
use queue_support::blocks_until;
use std::cmp::Ordering;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};
use std::thread;

#[path = "queue_conformance/base.rs"]
mod base;
#[path = "queue_conformance/shutdown.rs"]
mod shutdown;
#[path = "queue_conformance/shutdown_threads.rs"]
mod shutdown_threads;
#[path = "queue_conformance/simple.rs"]
mod simple;

/// Runs each listed generic test (`module::name`) on all three queue types.
macro_rules! for_each_queue {
    ($($module:ident::$test:ident),* $(,)?) => {
        mod fifo {
            $(#[test]
            fn $test() {
                super::$module::$test::<super::queue_support::Fifo>();
            })*
        }
        mod lifo {
            $(#[test]
            fn $test() {
                super::$module::$test::<super::queue_support::Lifo>();
            })*
        }
        mod priority {
            $(#[test]
            fn $test() {
                super::$module::$test::<super::queue_support::Priority>();
            })*
        }
    };
}
for_each_queue!(
    base::queue_task_done,
    base::queue_join,
    base::join_waits_for_task_done_not_for_get,
    base::basic,
    base::short_timeouts_wait_their_time,
    base::nowait,
    base::shrinking_queue,
    base::growing_queue_releases_every_waiting_putter,
    base::maxsize_zero_is_unbounded,
    base::timed_getters_are_each_woken_by_a_put,
    shutdown::shutdown_empty,
    shutdown::shutdown_nonempty,
    shutdown::shutdown_immediate,
    shutdown::shutdown_allowed_transitions,
    shutdown::shutdown_all_methods_in_one_thread,
    shutdown::shutdown_immediate_all_methods_in_one_thread,
    shutdown::immediate_shutdown_counts_only_the_drained_items_done,
    shutdown_threads::shutdown_get,
    shutdown_threads::shutdown_immediate_get,
    shutdown_threads::shutdown_put,
    shutdown_threads::shutdown_immediate_put,
    shutdown_threads::shutdown_releases_a_timed_put,
    shutdown_threads::shutdown_join_soft,
    shutdown_threads::shutdown_immediate_join,
    shutdown_threads::shutdown_put_join_soft,
    shutdown_threads::shutdown_immediate_put_join,
    shutdown_threads::shutdown_get_task_done_join,
    shutdown_threads::shutdown_pending_get_soft,
    shutdown_threads::shutdown_pending_get_immediate,
    shutdown_threads::immediate_shutdown_join_waits_for_fetched_items,
    shutdown_threads::shutdown_all_methods_in_many_threads,
    shutdown_threads::shutdown_immediate_all_methods_in_many_threads,
    base::drops_each_item_exactly_once,
);

/// An item compared by `priority` only, so equal items can be told apart
/// by their `tag`.
#[derive(Debug)]
struct Tagged(u8, char);

impl PartialEq for Tagged {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Tagged {}
impl PartialOrd for Tagged {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Tagged {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

// CPython: test_queue.BaseQueueTestMixin.test_basic (PriorityQueue order),
// diverging on purpose (CPYTHON.md 1.8): inserting a..h at priority 1 and
// then z at 0, CPython's heapq gave `0z 1c 1g 1d 1f 1h 1e 1a 1b`; lockstep's
// PriorityQueue is stable, so ties leave first in, first out.
#[test]
fn priority_equal_items_leave_first_in_first_out() {
    let queue = PriorityQueue::new(0);
    for tag in "abcdefgh".chars() {
        queue.put(Tagged(1, tag)).unwrap();
    }
    queue.put(Tagged(0, 'z')).unwrap();
    let tags: String = (0..9).map(|_| queue.get().unwrap().1).collect();
    assert_eq!(tags, "zabcdefgh");
    // Also when puts and gets interleave.
    queue.put(Tagged(2, 'a')).unwrap();
    queue.put(Tagged(2, 'b')).unwrap();
    assert_eq!(queue.get().unwrap().1, 'a');
    queue.put(Tagged(2, 'c')).unwrap();
    queue.put(Tagged(1, 'y')).unwrap();
    let tags: String = (0..3).map(|_| queue.get().unwrap().1).collect();
    assert_eq!(tags, "ybc");
}

/// An item whose comparison panics once `armed`, when either side is a
/// `bomb`: a panicking `Ord` is how a Rust item makes the queue's storage
/// fail, as CPython's `FailingQueue` makes `_put`/`_get` raise.
struct Touchy<'a> {
    key: u8,
    bomb: bool,
    armed: &'a AtomicBool,
}

impl PartialEq for Touchy<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Touchy<'_> {}
impl PartialOrd for Touchy<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Touchy<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        if (self.bomb || other.bomb) && self.armed.swap(false, SeqCst) {
            panic!("FailingQueueException");
        }
        self.key.cmp(&other.key)
    }
}

// CPython: test_queue.FailingQueueTest.test_failing_queue (analogue: a
// panicking `Ord`; a failed put counts no task and the lock is released, so
// every later operation works. Which items survive a panic mid-heap-update
// is left open, as CPython's PriorityQueue leaves it after a failing
// `heappush`/`heappop`.)
#[test]
fn priority_failing_ord_leaves_the_queue_usable() {
    let armed = AtomicBool::new(false);
    let item = |key, bomb| Touchy { key, bomb, armed: &armed };
    let failed = |call: &mut dyn FnMut()| panic::catch_unwind(AssertUnwindSafe(call)).is_err();
    let queue = PriorityQueue::new(2);
    queue.put(item(1, false)).unwrap();
    queue.put(item(2, false)).unwrap();
    // A put that waited for room, and fails once it has some.
    armed.store(true, SeqCst);
    let put_failed = blocks_until(
        || failed(&mut || drop(queue.put(item(0, true)))),
        || assert_eq!(queue.get().map(|t| t.key), Ok(1)),
    );
    assert!(put_failed && !armed.load(SeqCst), "the put panicked in Ord");
    assert_eq!(queue.unfinished_tasks(), 2, "the failed put counted no task");
    // Non-blocking put and get that fail.
    let keys = |queue: &PriorityQueue<Touchy<'_>>| {
        let keys: Vec<_> = std::iter::from_fn(|| queue.try_get().ok()).map(|t| t.key).collect();
        keys
    };
    keys(&queue);
    queue.set_maxsize(3);
    queue.put(item(1, true)).unwrap();
    queue.put(item(2, true)).unwrap();
    armed.store(true, SeqCst);
    assert!(failed(&mut || drop(queue.try_put(item(0, true)))), "the put panicked in Ord");
    assert_eq!(queue.unfinished_tasks(), 4);
    queue.set_maxsize(0);
    queue.put(item(3, true)).unwrap();
    armed.store(true, SeqCst);
    assert!(failed(&mut || drop(queue.try_get())), "the get panicked in Ord");
    assert_eq!(queue.unfinished_tasks(), 5, "a failed get changes no count");
    // The lock was released every time: another thread can use the queue,
    // and it still works normally.
    thread::scope(|s| s.spawn(|| queue.put(item(7, false)).unwrap()).join().unwrap());
    assert!(keys(&queue).contains(&7));
    assert!(queue.empty());
}

/// An item whose `Drop` puts into (and asks about) the queue it came from,
/// if it has one; the item it puts has none, so the recursion stops.
struct Reentrant {
    queue: Option<Arc<Queue<Reentrant>>>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Drop for Reentrant {
    fn drop(&mut self) {
        if let Some(queue) = self.queue.take() {
            let put = queue.put(Reentrant { queue: None, seen: self.seen.clone() });
            let state = (queue.qsize(), queue.task_done());
            self.seen.lock().unwrap().push(format!("{put:?} {state:?}"));
        }
    }
}

// CPython: test_queue.CSimpleQueueTest.test_reentrancy (bpo-14976; analogue:
// `put` from an item's `Drop` while `shutdown(true)` disposes of it must
// not deadlock, and sees the queue shut down)
#[test]
fn drop_during_immediate_shutdown_may_use_the_queue() {
    let queue = Arc::new(Queue::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    for _ in 0..3 {
        queue.put(Reentrant { queue: Some(queue.clone()), seen: seen.clone() }).unwrap();
    }
    queue.shutdown(true);
    let seen = seen.lock().unwrap().clone();
    // Each drained item tried a put, which was refused, and saw an empty
    // queue with no task left.
    assert_eq!(seen, ["Err(ShutDown(..)) (0, Err(TaskDoneError))"; 3]);
    assert_eq!(Arc::strong_count(&queue), 1, "no item is left holding the queue");
}

// CPython: test_queue.BaseQueueTestMixin.test_queue_task_done (the errors
// are std errors; CPython's ShutDown, Full and Empty carry no message)
#[test]
fn errors_are_std_errors() {
    let errors: [Box<dyn std::error::Error>; 4] = [
        Box::new(TaskDoneError),
        Box::new(PutError::Full(1)),
        Box::new(PutError::ShutDown(1)),
        Box::new(GetError::Empty),
    ];
    assert_eq!(errors[0].to_string(), "task_done() called too many times");
    assert!(errors.iter().all(|error| error.source().is_none() && !error.to_string().is_empty()));
    assert_eq!(PutError::ShutDown("item").into_inner(), "item");
}
