//! Loom models of the queues. Both legs run every model at 3 preemptions
//! (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-queue --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! Every model checks that no item is lost or duplicated: what was put is
//! what was received, plus what is still queued, plus what came back in a
//! `PutError`. A lost wake-up shows as loom's "deadlock".
//!
//! The queue's own state is an `UnsafeCell` behind its lock (the engine
//! takes it from the shim), so a broken lock is a data race in either leg.
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_queue::{BaseQueue, Fifo, GetError, Lifo, Priority, PutError, Queue, SimpleQueue, Store};
use loom::sync::Arc;
use loom::thread;
use loom_model::check;
use std::time::Duration;

fn spawn<R: 'static>(f: impl FnOnce() -> R + 'static) -> thread::JoinHandle<R> {
    thread::spawn(f)
}

#[test]
fn put_racing_a_blocked_get_on_an_empty_queue() {
    check(|| {
        let queue = Arc::new(Queue::new(0));
        let getter = {
            let queue = queue.clone();
            spawn(move || queue.get())
        };
        queue.put(1).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(1));
        assert!(queue.empty());
    });
}

#[test]
fn two_getters_one_item_exactly_one_receives_it() {
    check(|| {
        let queue = Arc::new(Queue::new(0));
        let getters: Vec<_> = (0..2)
            .map(|_| {
                let queue = queue.clone();
                // Under loom a finite timeout may expire at any point.
                spawn(move || queue.get_timeout(Duration::from_secs(1)))
            })
            .collect();
        queue.put(7).unwrap();
        let results: Vec<_> = getters.into_iter().map(|g| g.join().unwrap()).collect();
        let received = results.iter().filter(|r| **r == Ok(7)).count();
        assert!(results.iter().all(|r| matches!(r, Ok(7) | Err(GetError::Empty))));
        assert_eq!(received + queue.qsize(), 1, "{results:?}");
    });
}

#[test]
fn timeout_racing_put_loses_and_duplicates_nothing() {
    check(|| {
        // Full, so the timed put waits for the timed get to make room.
        let queue = Arc::new(Queue::new(1));
        queue.put(1).unwrap();
        let getter = {
            let queue = queue.clone();
            spawn(move || queue.get_timeout(Duration::from_secs(1)))
        };
        let putter = {
            let queue = queue.clone();
            spawn(move || queue.put_timeout(2, Duration::from_secs(1)))
        };
        let got = getter.join().unwrap();
        let put = putter.join().unwrap();
        let mut accounted: Vec<i32> = got.into_iter().collect();
        if let Err(PutError::Full(item)) = put {
            accounted.push(item);
        }
        while let Ok(item) = queue.try_get() {
            accounted.push(item);
        }
        accounted.sort();
        assert_eq!(accounted, [1, 2]);
    });
}

#[test]
fn join_returns_once_every_item_is_done() {
    check(|| {
        let queue = Arc::new(Queue::new(0));
        let worker = {
            let queue = queue.clone();
            spawn(move || {
                let item = queue.get().unwrap();
                queue.task_done().unwrap();
                item
            })
        };
        queue.put(5).unwrap();
        queue.join();
        assert_eq!(queue.unfinished_tasks(), 0);
        assert_eq!(worker.join().unwrap(), 5);
        assert!(queue.task_done().is_err());
    });
}

#[test]
fn shutdown_racing_a_blocked_put_hands_the_item_back() {
    check(|| {
        let queue = Arc::new(Queue::new(1));
        queue.put(1).unwrap();
        let putter = {
            let queue = queue.clone();
            spawn(move || queue.put(2))
        };
        queue.shutdown(false);
        match putter.join().unwrap() {
            Err(PutError::ShutDown(item)) => assert_eq!(item, 2),
            other => panic!("{other:?}"),
        }
        // A soft shutdown still drains what is queued, then says so.
        assert_eq!(queue.get(), Ok(1));
        assert_eq!(queue.get(), Err(GetError::ShutDown));
    });
}

#[test]
fn shutdown_racing_a_blocked_get_releases_it() {
    check(|| {
        let queue: Arc<Queue<u8>> = Arc::new(Queue::new(0));
        let getter = {
            let queue = queue.clone();
            spawn(move || queue.get())
        };
        queue.shutdown(false);
        assert_eq!(getter.join().unwrap(), Err(GetError::ShutDown));
    });
}

#[test]
fn immediate_shutdown_drops_items_and_releases_join() {
    check(|| {
        let queue = Arc::new(Queue::new(0));
        queue.put(1).unwrap();
        queue.put(2).unwrap();
        let joiner = {
            let queue = queue.clone();
            spawn(move || queue.join())
        };
        queue.shutdown(true);
        joiner.join().unwrap();
        assert_eq!(queue.unfinished_tasks(), 0);
        assert_eq!(queue.try_get(), Err(GetError::ShutDown));
        assert!(queue.task_done().is_err());
    });
}

/// A get makes room for a putter blocked on a full queue of any kind.
fn get_racing_a_blocked_put<S: Store<u8> + Send + 'static>() {
    check(|| {
        let queue = Arc::new(BaseQueue::<u8, S>::new(1));
        queue.put(1).unwrap();
        let putter = {
            let queue = queue.clone();
            spawn(move || queue.put(2))
        };
        // Room appears only by this get, so it takes the 1 whatever the order.
        assert_eq!(queue.get(), Ok(1));
        putter.join().unwrap().unwrap();
        assert_eq!(queue.try_get(), Ok(2));
    });
}

#[test]
fn get_racing_a_blocked_put_on_a_full_queue() {
    get_racing_a_blocked_put::<Fifo<u8>>();
}

#[test]
fn lifo_get_racing_a_blocked_put_on_a_full_queue() {
    get_racing_a_blocked_put::<Lifo<u8>>();
}

#[test]
fn priority_get_racing_a_blocked_put_on_a_full_queue() {
    get_racing_a_blocked_put::<Priority<u8>>();
}

/// Two puts race a getter blocked on an empty queue of any kind: it gets
/// one of them, the other stays queued (which one is for the std tests).
fn puts_racing_a_blocked_get<S: Store<u8> + Send + 'static>() {
    check(|| {
        let queue = Arc::new(BaseQueue::<u8, S>::new(0));
        let getter = {
            let queue = queue.clone();
            spawn(move || queue.get())
        };
        queue.put(1).unwrap();
        queue.put(2).unwrap();
        let mut accounted = vec![getter.join().unwrap().unwrap(), queue.try_get().unwrap()];
        accounted.sort();
        assert_eq!(accounted, [1, 2]);
        assert!(queue.empty());
    });
}

#[test]
fn lifo_puts_racing_a_blocked_get_lose_nothing() {
    puts_racing_a_blocked_get::<Lifo<u8>>();
}

#[test]
fn priority_puts_racing_a_blocked_get_lose_nothing() {
    puts_racing_a_blocked_get::<Priority<u8>>();
}

#[test]
fn simple_put_racing_a_blocked_get() {
    check(|| {
        let queue = Arc::new(SimpleQueue::new());
        let getter = {
            let queue = queue.clone();
            spawn(move || queue.get())
        };
        queue.put(1).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(1));
        assert!(queue.empty());
    });
}

#[test]
fn simple_two_getters_one_timed_one_item_nothing_lost_or_doubled() {
    check(|| {
        let queue = Arc::new(SimpleQueue::new());
        let patient = {
            let queue = queue.clone();
            spawn(move || queue.get())
        };
        let hasty = {
            let queue = queue.clone();
            // Under loom a finite timeout may expire at any point.
            spawn(move || queue.get_timeout(Duration::from_secs(1)))
        };
        queue.put(1).unwrap();
        queue.put(2).unwrap();
        let mut accounted = vec![patient.join().unwrap().unwrap()];
        match hasty.join().unwrap() {
            Ok(item) => accounted.push(item),
            Err(GetError::Empty) => accounted.push(queue.try_get().unwrap()),
            Err(other) => panic!("{other:?}"),
        }
        accounted.sort();
        assert_eq!(accounted, [1, 2]);
        assert!(queue.empty());
    });
}
