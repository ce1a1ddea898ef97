//! Loom models of the lock-free ring a bounded `Queue` keeps its items in
//! (`queue/src/ring.rs`, `queue/src/engine/lane.rs`): lock-free puts and
//! gets racing parked counterparts, each other, a shutdown and the move
//! of the items under the lock by `set_maxsize`. Written for
//! `LOOM_MAX_PREEMPTIONS=3`, as `loom.rs`; both legs run them.
//!
//! Every model checks that nothing is lost or duplicated, and a lost
//! wake-up shows as loom's "deadlock".
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_queue::{GetError, PutError, Queue};
use loom::sync::Arc;
use loom::thread;
use loom_model::{Bound, check, check_bounded};

/// Runs `f` on a thread of its own with a handle to the same queue.
fn on<R: 'static>(
    queue: &Arc<Queue<i32>>,
    f: impl FnOnce(&Queue<i32>) -> R + 'static,
) -> thread::JoinHandle<R> {
    let queue = queue.clone();
    thread::spawn(move || f(&queue))
}

#[test]
fn lock_free_put_wakes_a_parking_get() {
    check(|| {
        let queue = Arc::new(Queue::new(1));
        let getter = on(&queue, move |queue| queue.get());
        queue.put(1).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(1));
        assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 1));
    });
}

#[test]
fn lock_free_get_wakes_a_parking_put() {
    check(|| {
        let queue = Arc::new(Queue::new(1));
        queue.put(1).unwrap();
        let putter = on(&queue, move |queue| queue.put(2));
        assert_eq!(queue.get(), Ok(1));
        putter.join().unwrap().unwrap();
        assert_eq!(queue.try_get(), Ok(2));
    });
}

/// Bound 2 in both legs: at 3 the plain leg explores 3,004,558
/// executions (214 s), over the suite's budget.
#[test]
fn two_lock_free_putters_one_getter_keep_every_item_once() {
    check_bounded(Bound { plain: Some(2), rmw: Some(2) }, || {
        let queue = Arc::new(Queue::new(1));
        let putters: Vec<_> = (1..=2).map(|item| on(&queue, move |queue| queue.put(item).unwrap())).collect();
        let mut got = [queue.get().unwrap(), queue.get().unwrap()];
        putters.into_iter().for_each(|p| p.join().unwrap());
        got.sort();
        assert_eq!(got, [1, 2]);
        assert_eq!(queue.try_get(), Err(GetError::Empty));
    });
}

#[test]
fn immediate_shutdown_racing_a_lock_free_put_strands_nothing() {
    check(|| {
        let queue = Arc::new(Queue::new(2));
        let putter = on(&queue, move |queue| queue.put(1));
        queue.shutdown(true);
        let put = putter.join().unwrap();
        // Refused, or in before the shutdown and dropped by it: either way
        // nothing stays queued or unfinished, and `join` returns.
        assert!(matches!(put, Ok(()) | Err(PutError::ShutDown(1))), "{put:?}");
        assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 0));
        assert_eq!(queue.try_get(), Err(GetError::ShutDown));
        queue.join();
    });
}

#[test]
fn set_maxsize_racing_lock_free_puts_keeps_fifo_order() {
    check(|| {
        let queue = Arc::new(Queue::new(2));
        queue.put(1).unwrap();
        let putter = on(&queue, move |queue| {
            queue.put(2).unwrap();
            queue.put(3).unwrap();
        });
        // Moves the ring's items under the lock, while 2 and 3 arrive.
        queue.set_maxsize(3);
        let got = [queue.get(), queue.get(), queue.get()];
        putter.join().unwrap();
        assert_eq!(got, [Ok(1), Ok(2), Ok(3)]);
        assert_eq!(queue.unfinished_tasks(), 3);
    });
}

#[test]
fn task_done_after_a_lock_free_get_releases_join() {
    check(|| {
        let queue = Arc::new(Queue::new(1));
        let worker = on(&queue, move |queue| {
            let item = queue.get().unwrap();
            queue.task_done().unwrap();
            item
        });
        queue.put(5).unwrap();
        queue.join();
        assert_eq!(worker.join().unwrap(), 5);
        assert!(queue.task_done().is_err());
    });
}
