//! Randomized schedules (shuttle) for the queues: two producers and two
//! consumers, which loom cannot explore, with each discipline's order
//! checked.
//!
//! Shuttle treats every atomic as SeqCst and has no race detector: these
//! check that every item is delivered exactly once, the removal order, and
//! that nobody is left parked (shuttle fails a run in which every thread
//! is blocked).
//!
//! Run: `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test --release -p lockstep-queue --test shuttle`
#![cfg(shuttle)]

#[path = "../../sync/tests/support/shuttle_run.rs"]
mod shuttle_run;

use lockstep_queue::{BaseQueue, Fifo, Lifo, LifoQueue, Priority, PriorityQueue, SimpleQueue, Store};
use shuttle::thread;
use shuttle_run::check;
use std::sync::Arc;

const PRODUCERS: usize = 2;
const CONSUMERS: usize = 2;
/// Items per producer; each consumer takes as many.
const ITEMS: usize = 3;

/// An item: which producer made it, and its place in that producer's order.
type Item = (usize, usize);

/// Runs `PRODUCERS` threads putting `(producer, i)` for `i` in `0..ITEMS`
/// and `CONSUMERS` threads each getting `ITEMS` items, concurrently; returns
/// what each consumer got, in the order it got them.
fn exchange(
    put: impl Fn(Item) + Send + Sync + 'static,
    get: impl Fn() -> Item + Send + Sync + 'static,
) -> Vec<Vec<Item>> {
    let (put, get) = (Arc::new(put), Arc::new(get));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|producer| {
            let put = Arc::clone(&put);
            thread::spawn(move || (0..ITEMS).for_each(|i| put((producer, i))))
        })
        .collect();
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|_| {
            let get = Arc::clone(&get);
            thread::spawn(move || (0..ITEMS).map(|_| get()).collect::<Vec<_>>())
        })
        .collect();
    producers.into_iter().for_each(|producer| producer.join().unwrap());
    consumers.into_iter().map(|consumer| consumer.join().unwrap()).collect()
}

/// Every item of every producer came out exactly once.
fn assert_exactly_once(got: &[Vec<Item>]) {
    let mut all: Vec<Item> = got.iter().flatten().copied().collect();
    all.sort_unstable();
    let expected: Vec<Item> = (0..PRODUCERS).flat_map(|p| (0..ITEMS).map(move |i| (p, i))).collect();
    assert_eq!(all, expected, "items lost or duplicated: consumers got {got:?}");
}

/// FIFO per producer: a consumer never gets a producer's item after a later
/// one of the same producer (a queue that reordered would show it).
fn assert_per_producer_order(got: &[Vec<Item>], ascending: bool) {
    for items in got {
        for producer in 0..PRODUCERS {
            let order: Vec<usize> =
                items.iter().filter(|item| item.0 == producer).map(|item| item.1).collect();
            let sorted = order.windows(2).all(|w| if ascending { w[0] < w[1] } else { w[0] > w[1] });
            assert!(sorted, "producer {producer}'s items out of order for a consumer: {got:?}");
        }
    }
}

/// Checks a bounded queue's size after a put: a snapshot under the queue's
/// lock, so it can never exceed the bound.
fn assert_within_bound(qsize: usize) {
    assert!(qsize <= BOUND, "{qsize} items in a queue bounded at {BOUND}");
}

/// Capacity of the bounded queues: smaller than what the producers put, so
/// both sides block.
const BOUND: usize = 2;

/// 2 producers and 2 consumers through a `BaseQueue(BOUND)` of any kind,
/// checking the bound after every put; returns what each consumer got.
fn bounded_exchange<S: Store<Item> + Send + 'static>() -> (Arc<BaseQueue<Item, S>>, Vec<Vec<Item>>) {
    let queue = Arc::new(BaseQueue::<Item, S>::new(BOUND));
    let (putter, getter) = (Arc::clone(&queue), Arc::clone(&queue));
    let got = exchange(
        move |item| {
            putter.put(item).unwrap();
            assert_within_bound(putter.qsize());
        },
        move || getter.get().unwrap(),
    );
    (queue, got)
}

/// `Queue(2)`: bounded, so producers block on a full queue and consumers on
/// an empty one. Exactly once, per-producer FIFO, never over the bound.
#[test]
fn fifo_two_producers_two_consumers() {
    check("Queue(2): 2 producers, 2 consumers", 3000, || {
        let (queue, got) = bounded_exchange::<Fifo<Item>>();
        assert_exactly_once(&got);
        assert_per_producer_order(&got, true);
        assert!(queue.empty());
    });
}

/// `SimpleQueue`: unbounded, so only consumers block. Exactly once, and
/// per-producer FIFO.
#[test]
fn simple_queue_two_producers_two_consumers() {
    check("SimpleQueue: 2 producers, 2 consumers", 3000, || {
        let queue = Arc::new(SimpleQueue::new());
        let got = {
            let (putter, getter) = (Arc::clone(&queue), Arc::clone(&queue));
            exchange(move |item| putter.put(item).unwrap(), move || getter.get().unwrap())
        };
        assert_exactly_once(&got);
        assert_per_producer_order(&got, true);
        assert!(queue.empty());
    });
}

/// `LifoQueue(2)` and `PriorityQueue(2)` under 2 producers + 2 consumers:
/// exactly once (the order under concurrency depends on the schedule).
#[test]
fn lifo_and_priority_two_producers_two_consumers() {
    check("LifoQueue(2)/PriorityQueue(2): 2 producers, 2 consumers", 3000, || {
        let (_, got) = bounded_exchange::<Lifo<Item>>();
        assert_exactly_once(&got);
        let (_, got) = bounded_exchange::<Priority<Item>>();
        assert_exactly_once(&got);
    });
}

/// Filled by 2 concurrent producers, then drained by 2 concurrent
/// consumers once the producers are done (quiescence): a `LifoQueue` hands
/// each consumer a producer's items newest first, and a `PriorityQueue`
/// hands each consumer its items smallest first.
#[test]
fn lifo_and_priority_order_at_quiescence() {
    fn fill_then_drain<Q: Send + Sync + 'static>(
        queue: Q,
        put: fn(&Q, Item),
        get: fn(&Q) -> Item,
    ) -> Vec<Vec<Item>> {
        let queue = Arc::new(queue);
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || (0..ITEMS).for_each(|i| put(&queue, (producer, i))))
            })
            .collect();
        producers.into_iter().for_each(|producer| producer.join().unwrap());
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || (0..ITEMS).map(|_| get(&queue)).collect::<Vec<_>>())
            })
            .collect();
        consumers.into_iter().map(|consumer| consumer.join().unwrap()).collect()
    }
    check("LifoQueue/PriorityQueue: order at quiescence", 3000, || {
        let got = fill_then_drain(LifoQueue::new(0), |q, item| q.put(item).unwrap(), |q| q.get().unwrap());
        assert_exactly_once(&got);
        assert_per_producer_order(&got, false);
        let got =
            fill_then_drain(PriorityQueue::new(0), |q, item| q.put(item).unwrap(), |q| q.get().unwrap());
        assert_exactly_once(&got);
        for items in &got {
            assert!(items.windows(2).all(|w| w[0] < w[1]), "a consumer got a larger item first: {got:?}");
        }
    });
}
