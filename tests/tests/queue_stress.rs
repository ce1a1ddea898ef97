//! Stress tests: many producers and consumers on one queue, and every item
//! accounted for exactly once.
//!
//! Items are unique numbers; consumers record what they got, and a bitmap
//! (one counter per item) must end all ones: an item lost, duplicated or
//! invented shows up as a 0 or a 2. The shutdown tests add the items that
//! puts handed back and, for `shutdown(true)`, those the queue dropped
//! (counted by the item's `Drop`).
//!
//! Counts: 4 producers x 250_000 items through `Queue::new(64)` in release
//! builds; debug builds (`cfg!(debug_assertions)`) run 4 x 100_000 instead,
//! so that the file stays far below its 10 s budget on 2 cores even when
//! other suites share the machine (measured on 2 cores: about 1.5 s in
//! debug, 1.5 s in release; full counts in debug took about 4.5 s). The
//! LIFO and priority runs use a fifth of those counts.

mod queue_support;

use lockstep::{GetError, PutError};
use queue_support::{Family, Fifo, Lifo, Order, Priority, PyQueue, wait_until};
use std::sync::Mutex;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicU8, AtomicUsize};
use std::thread;
use std::time::Duration;

const PRODUCERS: usize = 4;
const CONSUMERS: usize = 4;
/// Items per producer (see the file header for the debug reduction).
const PER_PRODUCER: usize = if cfg!(debug_assertions) { 100_000 } else { 250_000 };
/// The bound of every queue here: small, so producers often wait for room.
const MAXSIZE: usize = 64;

/// How a thread puts or gets: each thread of a run uses one way, so every
/// path through the queue is raced against the others.
fn way(index: usize) -> usize {
    index % 3
}

/// Puts `item`, retrying a `Full` put; `Err` gives back the item of a put
/// refused because the queue was shut down.
fn put<Q: PyQueue<usize>>(queue: &Q, mut item: usize, way: usize) -> Result<(), usize> {
    loop {
        let result = match way {
            0 => queue.put(item),
            1 => queue.put_timeout(item, Duration::from_millis(1)),
            _ => queue.try_put(item),
        };
        match result {
            Ok(()) => return Ok(()),
            Err(PutError::Full(back)) => {
                item = back;
                thread::yield_now();
            }
            Err(PutError::ShutDown(back)) => return Err(back),
        }
    }
}

/// Gets the next item, retrying an `Empty` get; `None` once shut down.
fn get<Q: PyQueue<usize>>(queue: &Q, way: usize) -> Option<usize> {
    loop {
        let result = match way {
            0 => queue.get(),
            1 => queue.get_timeout(Duration::from_millis(1)),
            _ => queue.try_get(),
        };
        match result {
            Ok(item) => return Some(item),
            Err(GetError::Empty) => thread::yield_now(),
            Err(GetError::ShutDown) => return None,
        }
    }
}

/// Asserts that `received` holds each of `0..total` exactly once.
fn assert_each_once(received: &[usize], total: usize) {
    let mut seen = vec![0_u8; total];
    for &item in received {
        assert!(item < total, "item {item} was never put");
        seen[item] = seen[item].saturating_add(1);
    }
    let wrong: Vec<_> = seen.iter().enumerate().filter(|&(_, &n)| n != 1).take(10).collect();
    assert!(wrong.is_empty(), "items (item, times received) not received once: {wrong:?}");
}

/// `PRODUCERS` x `per_producer` unique items through a `MAXSIZE` queue to
/// `CONSUMERS` consumers, which mark each item done; then `join` must see
/// them all done, and a soft shutdown stops the consumers.
fn every_item_exactly_once<F: Family>(per_producer: usize) {
    let queue = F::new::<usize>(MAXSIZE);
    let received = Mutex::new(Vec::new());
    thread::scope(|s| {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let queue = &queue;
                s.spawn(move || {
                    for item in p * per_producer..(p + 1) * per_producer {
                        put(queue, item, way(p)).expect("not shut down yet");
                    }
                })
            })
            .collect();
        for c in 0..CONSUMERS {
            let (queue, received) = (&queue, &received);
            s.spawn(move || {
                let mut mine = Vec::with_capacity(per_producer);
                let mut task_done_failures = 0;
                while let Some(item) = get(queue, way(c + 1)) {
                    mine.push(item);
                    task_done_failures += usize::from(queue.task_done().is_err());
                }
                assert_eq!(task_done_failures, 0, "task_done failed after a get");
                if F::ORDER == Order::Fifo {
                    // One producer's items leave a FIFO queue in the order
                    // it put them, so every consumer sees them in order.
                    for p in 0..PRODUCERS {
                        let from_p = mine.iter().filter(|&&item| item / per_producer == p);
                        assert!(from_p.is_sorted(), "producer {p}'s items out of order");
                    }
                }
                received.lock().unwrap().extend(mine);
            });
        }
        for producer in producers {
            producer.join().unwrap();
        }
        queue.join(); // every item was got and marked done
        let left = (queue.qsize(), queue.unfinished_tasks());
        queue.shutdown(false); // lets the consumers go (also if the assertion fails)
        assert_eq!(left, (0, 0), "join returned with items left or unfinished");
    });
    assert_each_once(&received.into_inner().unwrap(), PRODUCERS * per_producer);
}

#[test]
fn queue_every_item_exactly_once() {
    every_item_exactly_once::<Fifo>(PER_PRODUCER);
}

#[test]
fn lifo_queue_every_item_exactly_once() {
    every_item_exactly_once::<Lifo>(PER_PRODUCER / 5);
}

#[test]
fn priority_queue_every_item_exactly_once() {
    every_item_exactly_once::<Priority>(PER_PRODUCER / 5);
}

/// Producers put until a put is shut down, consumers get until a get is,
/// and the main thread shuts the queue down (`immediate` or not) once
/// `PER_PRODUCER` items went through. Each item a producer tried must end
/// exactly once: received, handed back in `PutError::ShutDown`, or (only
/// with `immediate`) dropped by the queue.
fn shutdown_mid_stream<F: Family>(immediate: bool) {
    /// An item that records in `fate` how it ended: +1 when taken (got or
    /// handed back, via [`Tracked::take`]), +1 when dropped without that.
    struct Tracked<'a> {
        id: usize,
        fate: Option<&'a [AtomicU8]>,
    }
    impl Tracked<'_> {
        fn take(mut self) -> usize {
            self.fate = None; // taken, not dropped
            self.id
        }
    }
    impl Drop for Tracked<'_> {
        fn drop(&mut self) {
            if let Some(fate) = self.fate {
                fate[self.id].fetch_add(1, SeqCst);
            }
        }
    }
    impl PartialEq for Tracked<'_> {
        fn eq(&self, other: &Self) -> bool {
            self.id == other.id
        }
    }
    impl Eq for Tracked<'_> {}
    impl PartialOrd for Tracked<'_> {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Tracked<'_> {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.id.cmp(&other.id)
        }
    }

    // Ids: producer `p` puts `p * SPACE + n` for n = 0, 1, ...; shutdown
    // comes after `PER_PRODUCER` gets in all, so no producer gets near
    // `SPACE` (the queue holds at most `MAXSIZE`).
    const SPACE: usize = 4 * PER_PRODUCER;
    let dropped: Vec<_> = (0..PRODUCERS * SPACE).map(|_| AtomicU8::new(0)).collect();
    let queue = F::new::<Tracked<'_>>(MAXSIZE);
    let got_count = AtomicUsize::new(0);
    let (received, handed_back) = (Mutex::new(Vec::new()), Mutex::new(Vec::new()));
    let tried = thread::scope(|s| {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let (queue, dropped, handed_back) = (&queue, &dropped, &handed_back);
                s.spawn(move || {
                    for n in 0.. {
                        let id = p * SPACE + n;
                        assert!(n < SPACE, "the shutdown never came");
                        let mut item = Tracked { id, fate: Some(dropped) };
                        let refused = loop {
                            let result = match way(p) {
                                0 => queue.put(item),
                                1 => queue.put_timeout(item, Duration::from_millis(1)),
                                _ => queue.try_put(item),
                            };
                            match result {
                                Ok(()) => break None,
                                Err(PutError::Full(back)) => {
                                    item = back;
                                    thread::yield_now();
                                }
                                Err(PutError::ShutDown(back)) => break Some(back),
                            }
                        };
                        if let Some(back) = refused {
                            handed_back.lock().unwrap().push(back.take());
                            return n + 1; // items this producer tried
                        }
                    }
                    unreachable!()
                })
            })
            .collect();
        for c in 0..CONSUMERS {
            let (queue, received, got_count) = (&queue, &received, &got_count);
            s.spawn(move || {
                let (mut mine, mut task_done_failures) = (Vec::new(), 0);
                loop {
                    let got = match way(c + 1) {
                        0 => queue.get(),
                        1 => queue.get_timeout(Duration::from_millis(1)),
                        _ => queue.try_get(),
                    };
                    match got {
                        Ok(item) => {
                            mine.push(item.take());
                            got_count.fetch_add(1, SeqCst);
                            task_done_failures += usize::from(queue.task_done().is_err());
                        }
                        Err(GetError::Empty) => thread::yield_now(),
                        Err(GetError::ShutDown) => break,
                    }
                }
                assert_eq!(task_done_failures, 0, "task_done failed after a get");
                received.lock().unwrap().extend(mine);
            });
        }
        wait_until(|| got_count.load(SeqCst) >= PER_PRODUCER);
        let queued = queue.qsize();
        queue.shutdown(immediate);
        assert!(queued <= MAXSIZE, "{queued} items in a queue of {MAXSIZE}");
        if immediate {
            assert_eq!(queue.qsize(), 0, "the immediate shutdown drained the queue");
        }
        producers.into_iter().map(|p| p.join().unwrap()).collect::<Vec<_>>()
    });
    // How each tried item ended, by id.
    let mut fate: Vec<u8> = dropped.iter().map(|d| d.load(SeqCst)).collect();
    let handed_back = handed_back.into_inner().unwrap();
    assert_eq!(handed_back.len(), PRODUCERS, "each producer got one item back");
    for id in received.into_inner().unwrap().into_iter().chain(handed_back) {
        fate[id] += 1;
    }
    let drops = dropped.iter().filter(|d| d.load(SeqCst) > 0).count();
    if !immediate {
        assert_eq!(drops, 0, "a soft shutdown drops nothing");
    }
    for (p, &tried) in tried.iter().enumerate() {
        let ids = p * SPACE..(p + 1) * SPACE;
        let wrong: Vec<_> = ids.filter(|&id| fate[id] != u8::from(id < p * SPACE + tried)).take(10).collect();
        assert!(wrong.is_empty(), "producer {p}: items not accounted once: {wrong:?}");
    }
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 0), "all done or dropped");
}

#[test]
fn queue_shutdown_mid_stream() {
    shutdown_mid_stream::<Fifo>(false);
}

#[test]
fn queue_immediate_shutdown_mid_stream() {
    shutdown_mid_stream::<Fifo>(true);
}

#[test]
fn lifo_queue_immediate_shutdown_mid_stream() {
    shutdown_mid_stream::<Lifo>(true);
}

#[test]
fn priority_queue_shutdown_mid_stream() {
    shutdown_mid_stream::<Priority>(false);
}

#[test]
fn priority_queue_immediate_shutdown_mid_stream() {
    shutdown_mid_stream::<Priority>(true);
}
