//! Unit tests of the queue engine, named by behaviour. The CPython ports
//! live in the workspace's `tests/` crate.

use crate::{GetError, LifoQueue, PriorityQueue, PutError, Queue, SimpleQueue};
use std::cmp::Ordering;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn put_after_shutdown_hands_the_item_back_even_when_full() {
    let queue = Queue::new(1);
    queue.put(1).unwrap();
    queue.shutdown(false);
    // Python checks ShutDown before Full.
    assert!(matches!(queue.try_put(2), Err(PutError::ShutDown(2))));
    assert!(matches!(queue.put_timeout(3, Duration::ZERO), Err(PutError::ShutDown(3))));
}

#[test]
fn timeouts_wait_at_least_their_time() {
    let queue = Queue::new(1);
    let started = Instant::now();
    assert_eq!(queue.get_timeout(Duration::from_millis(50)), Err(GetError::Empty));
    assert!(started.elapsed() >= Duration::from_millis(30));
    queue.put(1).unwrap();
    let started = Instant::now();
    assert!(matches!(queue.put_timeout(2, Duration::from_millis(50)), Err(PutError::Full(2))));
    assert!(started.elapsed() >= Duration::from_millis(30));
}

#[test]
fn zero_timeout_only_tries() {
    let queue = Queue::new(1);
    assert_eq!(queue.get_timeout(Duration::ZERO), Err(GetError::Empty));
    queue.put_timeout(1, Duration::ZERO).unwrap();
    assert_eq!(queue.get_timeout(Duration::ZERO), Ok(1));
}

#[test]
fn huge_timeouts_wait_forever_without_overflow() {
    let queue = Queue::new(0);
    thread::scope(|s| {
        let getter = s.spawn(|| queue.get_timeout(Duration::MAX));
        queue.put_timeout(9, Duration::MAX).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(9));
    });
}

#[test]
fn immediate_shutdown_counts_dropped_items_as_done_but_not_fetched_ones() {
    let queue = Queue::new(0);
    for item in 0..3 {
        queue.put(item).unwrap();
    }
    assert_eq!(queue.get(), Ok(0)); // fetched, not yet done
    queue.shutdown(true);
    assert_eq!(queue.qsize(), 0);
    assert_eq!(queue.unfinished_tasks(), 1);
    queue.task_done().unwrap();
    assert!(queue.task_done().is_err());
}

#[test]
fn dropped_items_are_dropped_outside_the_lock() {
    // An item whose Drop uses the queue would deadlock if shutdown dropped
    // it while holding the lock.
    struct Nosy(Arc<Queue<Nosy>>);
    impl Drop for Nosy {
        fn drop(&mut self) {
            let _ = self.0.qsize();
        }
    }
    let queue = Arc::new(Queue::new(0));
    queue.put(Nosy(queue.clone())).unwrap();
    queue.shutdown(true);
    assert_eq!(queue.qsize(), 0);
}

#[test]
fn panicking_ord_leaves_the_queue_usable() {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    // Panics in the first comparison after being armed, then never again.
    static ARMED: AtomicBool = AtomicBool::new(false);
    #[derive(PartialEq, Eq)]
    struct Touchy(u8);
    impl PartialOrd for Touchy {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Touchy {
        fn cmp(&self, other: &Self) -> Ordering {
            assert!(!ARMED.swap(false, Relaxed), "unlucky");
            self.0.cmp(&other.0)
        }
    }
    let queue = PriorityQueue::new(0);
    // Two, so that the next put compares (a lone first item is put
    // without a comparison).
    queue.put(Touchy(1)).unwrap();
    queue.put(Touchy(2)).unwrap();
    ARMED.store(true, Relaxed);
    let unlucky = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| queue.put(Touchy(13))));
    assert!(unlucky.is_err());
    // The lock was released during the unwind: the queue still works.
    // (Like CPython's heappush, the failed item may stay queued.)
    queue.put(Touchy(0)).unwrap();
    assert_eq!(queue.try_get().map(|t| t.0), Ok(0));
}

#[test]
fn lifo_and_priority_orders() {
    let lifo = LifoQueue::new(0);
    let priority = PriorityQueue::new(0);
    for item in [111, 333, 222] {
        lifo.put(item).unwrap();
        priority.put(item).unwrap();
    }
    let drain = |get: &dyn Fn() -> Result<i32, GetError>| (0..3).map(|_| get().unwrap()).collect::<Vec<_>>();
    assert_eq!(drain(&|| lifo.get()), [222, 333, 111]);
    assert_eq!(drain(&|| priority.get()), [111, 222, 333]);
}

#[test]
fn growing_maxsize_releases_a_blocked_putter() {
    // CPython: test_queue.test_shrinking_queue (maxsize is live).
    let queue = Queue::new(1);
    queue.put(1).unwrap();
    thread::scope(|s| {
        let putter = s.spawn(|| queue.put(2));
        while queue.qsize() < 2 {
            queue.set_maxsize(2);
            thread::yield_now();
        }
        putter.join().unwrap().unwrap();
    });
    assert_eq!(queue.qsize(), 2);
}

#[test]
fn simple_queue_is_fifo_and_never_blocks_a_put() {
    let queue = SimpleQueue::new();
    for item in 0..1000 {
        queue.put(item).unwrap();
    }
    assert_eq!(queue.qsize(), 1000);
    assert!((0..1000).all(|item| queue.get() == Ok(item)));
    assert_eq!(queue.try_get(), Err(GetError::Empty));
}

#[test]
fn queues_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Queue<String>>();
    assert_send_sync::<LifoQueue<String>>();
    assert_send_sync::<PriorityQueue<String>>();
    assert_send_sync::<SimpleQueue<String>>();
}
