//! CPython 3.13's `shutdown` tests from `BaseQueueTestMixin`, one thread:
//! written once for any queue [`Family`] and run on `Queue`, `LifoQueue`
//! and `PriorityQueue` by `queue_conformance.rs`. The tests with blocked
//! threads are in `shutdown_threads.rs`.
//!
//! Provenance: `Lib/test/test_queue.py` of CPython 3.14.2, class
//! `BaseQueueTestMixin` (see `shared/CPYTHON.md` sections 1.8 and 3). Each
//! function names the CPython test it ports.

use crate::queue_support::{Family, PyQueue};
use lockstep::{GetError, PutError, TaskDoneError};
use std::time::Duration;

/// Puts `item` in each of the three ways; each must give it back in
/// `PutError::ShutDown`, also when the queue is full (CPython checks
/// ShutDown before Full).
fn every_put_is_shut_down<Q: PyQueue<&'static str>>(queue: &Q, item: &'static str) {
    let before = (queue.qsize(), queue.unfinished_tasks());
    // The non-blocking puts first: a queue that gets this wrong then fails
    // here instead of blocking in the put that follows.
    assert!(matches!(queue.try_put(item), Err(PutError::ShutDown(back)) if back == item));
    for timeout in [Duration::ZERO, Duration::from_secs(600)] {
        let put = queue.put_timeout(item, timeout);
        assert!(matches!(put, Err(PutError::ShutDown(back)) if back == item), "{put:?}");
    }
    assert!(matches!(queue.put(item), Err(PutError::ShutDown(back)) if back == item));
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), before, "failed puts change nothing");
}

/// Gets in each of the four ways; each must fail with `ShutDown`, never
/// `Empty` (CPython checks "shut down and empty" before the timeout).
fn every_get_is_shut_down<Q: PyQueue<&'static str>>(queue: &Q) {
    assert_eq!(queue.try_get(), Err(GetError::ShutDown));
    assert_eq!(queue.get_timeout(Duration::ZERO), Err(GetError::ShutDown));
    assert_eq!(queue.get_timeout(Duration::from_secs(1)), Err(GetError::ShutDown));
    assert_eq!(queue.get(), Err(GetError::ShutDown));
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_empty
pub(super) fn shutdown_empty<F: Family>() {
    let queue = F::new::<&str>(0);
    queue.shutdown(false);
    every_put_is_shut_down(&queue, "data");
    every_get_is_shut_down(&queue);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_nonempty
pub(super) fn shutdown_nonempty<F: Family>() {
    let queue = F::new::<&str>(0);
    queue.put("data").unwrap();
    queue.shutdown(false);
    assert_eq!(queue.get(), Ok("data"), "a soft shutdown keeps the items");
    every_get_is_shut_down(&queue);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate
pub(super) fn shutdown_immediate<F: Family>() {
    let queue = F::new::<&str>(0);
    queue.put("data").unwrap();
    queue.shutdown(true);
    every_get_is_shut_down(&queue);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_allowed_transitions
pub(super) fn shutdown_allowed_transitions<F: Family>() {
    let queue = F::new::<&str>(0);
    assert!(!queue.is_shutdown());
    queue.shutdown(false);
    assert!(queue.is_shutdown());
    queue.shutdown(true);
    assert!(queue.is_shutdown());
    queue.shutdown(false);
    assert!(queue.is_shutdown(), "there is no way back");
    every_put_is_shut_down(&queue, "data");
    // The other order: immediate first, then soft.
    let queue = F::new::<&str>(0);
    queue.put("data").unwrap();
    queue.shutdown(true);
    queue.shutdown(false);
    assert!(queue.is_shutdown());
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 0));
    every_get_is_shut_down(&queue);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_all_methods_in_one_thread
pub(super) fn shutdown_all_methods_in_one_thread<F: Family>() {
    let queue = F::new::<&str>(2);
    queue.put("L").unwrap();
    queue.put_timeout("O", Duration::ZERO).unwrap();
    assert!(queue.full());
    queue.shutdown(false);
    every_put_is_shut_down(&queue, "E");
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(queue.get().unwrap());
        queue.task_done().unwrap();
    }
    got.sort_unstable();
    assert_eq!(got, ["L", "O"]);
    queue.join(); // every item was marked done
    every_get_is_shut_down(&queue);
    assert_eq!(queue.task_done(), Err(TaskDoneError));
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_all_methods_in_one_thread
pub(super) fn shutdown_immediate_all_methods_in_one_thread<F: Family>() {
    let queue = F::new::<&str>(2);
    queue.put("L").unwrap();
    queue.put("O").unwrap();
    queue.shutdown(true);
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 0), "dropped and counted done");
    assert!(queue.empty() && !queue.full());
    every_put_is_shut_down(&queue, "E");
    every_get_is_shut_down(&queue);
    assert_eq!(queue.task_done(), Err(TaskDoneError), "the drained items are done already");
    queue.join(); // returns at once
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate (CPYTHON.md
// 1.8: the drain lowers `unfinished_tasks` once per item, never below 0)
pub(super) fn immediate_shutdown_counts_only_the_drained_items_done<F: Family>() {
    let queue = F::new::<&str>(0);
    for item in ["a", "b", "c", "d"] {
        queue.put(item).unwrap();
    }
    queue.get().unwrap();
    queue.task_done().unwrap();
    queue.get().unwrap(); // fetched, not done
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (2, 3));
    queue.shutdown(true);
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 1));
    queue.shutdown(true); // nothing left to drain: no change
    assert_eq!(queue.unfinished_tasks(), 1);
    queue.task_done().unwrap();
    assert_eq!(queue.task_done(), Err(TaskDoneError));
    // Tasks marked done before they are fetched: the drain stops at 0.
    let queue = F::new::<&str>(0);
    queue.put("a").unwrap();
    queue.put("b").unwrap();
    queue.task_done().unwrap();
    queue.shutdown(true);
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 0));
}
