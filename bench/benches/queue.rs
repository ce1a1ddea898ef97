//! lockstep's queues side by side with what a Rust user would pick or
//! hand-roll instead.
//!
//! Each criterion group puts the contestants in one run, so their numbers
//! come from the same machine state. Items are `u64`; every bounded queue
//! holds at most 1024.
//!
//! - `put_get_one_thread`: one put and one get on one thread, the queue
//!   empty before and after. `lockstep::Queue::new(1024)` (`put`+`get`,
//!   `try_put`+`try_get`, and `put`+`get`+`task_done`, Python's whole
//!   consumer step), `lockstep::SimpleQueue` (`put`+`get`),
//!   `crossbeam::channel::bounded(1024)` (`send`+`recv`),
//!   `std::sync::mpsc::sync_channel(1024)` (`send`+`recv`) and
//!   [`CondvarQueue`], the `Mutex<VecDeque<u64>>` + two `Condvar`s bounded
//!   queue a Rust user would write.
//! - `spsc_1024`: one producer thread puts [`ITEMS`] items, one consumer
//!   thread gets them. `lockstep::Queue`, crossbeam's bounded channel,
//!   std's `sync_channel` and [`CondvarQueue`], all through the same harness
//!   ([`time_pipeline`]).
//! - `mpmc_2p2c_1024`: two producers put [`ITEMS`]` / 2` items each, two
//!   consumers get [`ITEMS`]` / 2` each, through the same harness. std's
//!   `Receiver` can't be shared (`std::sync::mpmc` is unstable), so its two
//!   consumers share it behind a `std::sync::Mutex`, as the Rust book's
//!   thread pool does: a consumer blocks in `recv` holding that mutex.
//!
//! In the threaded groups one criterion iteration moves [`ITEMS`] items
//! (the reported throughput). The threads are spawned once per sample
//! (once per `iter_custom` call, 20 equal samples), wait at a barrier, and
//! move all of that sample's items back to back; the clock starts when the
//! barrier opens and stops when all have been joined, so spawning is not
//! timed. Items are distinct numbers and every contestant checks, outside
//! the timed part, that the consumers' sum is the producers' sum: nothing
//! lost, nothing duplicated.
//!
//! The project's targets: `Queue` put+get on one thread within 2× of
//! crossbeam's send+recv; SPSC and 2P/2C throughput at least 0.5× crossbeam
//! `bounded(1024)`'s and at least 3× the `Mutex<VecDeque>` queue's.
//!
//! As in lock.rs and sync.rs: the queue is reached through `black_box(&q)`
//! (nothing is hoisted out of the loop), and results are returned from the
//! `iter` closure, which criterion black_boxes once; nothing is black_boxed
//! twice (a second black_box adds a store and a reload per iteration, which
//! can chain iterations through store forwarding and double a nanosecond
//! measurement).
//!
//! Run with `cargo bench -p lockstep-bench --bench queue -- --noplot`:
//! about 1.5 minutes after the build on a 2-core machine. The one-thread
//! medians repeat to a few percent unless other processes compete for the
//! cores. The threaded groups are noisy on 2 cores: a producer and a
//! consumer on different cores bounce the queue's cache lines, on one core
//! they take turns in batches, and which happens is the scheduler's choice
//! per sample; 2P/2C runs four workers on two cores, so a thread that is
//! descheduled holding a lock stalls the others. Compare medians over more
//! than one run, and look at the fastest samples in
//! `target/criterion/<group>/<bench>/new/sample.json`.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use crossbeam::channel;
use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::mpsc;
use std::sync::{Barrier, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The bound of every bounded queue here.
const CAPACITY: usize = 1024;

/// How many items one criterion iteration of a threaded group moves from
/// the producers to the consumers.
const ITEMS: u64 = 100_000;

/// The bounded queue a Rust user writes from std parts: a `VecDeque` under
/// a `Mutex`, and a `Condvar` for each way of waiting.
struct CondvarQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    not_empty: Condvar,
    not_full: Condvar,
}

impl<T> CondvarQueue<T> {
    fn new(capacity: usize) -> CondvarQueue<T> {
        CondvarQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    fn put(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        while items.len() >= self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push_back(item);
        // std's futex Condvar makes a FUTEX_WAKE syscall here even when
        // nobody waits (as in sync.rs's CondvarSemaphore).
        self.not_empty.notify_one();
    }

    fn get(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            match items.pop_front() {
                Some(item) => {
                    self.not_full.notify_one();
                    return item;
                }
                None => items = self.not_empty.wait(items).unwrap(),
            }
        }
    }
}

fn put_get_one_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("put_get_one_thread");

    let queue = lockstep::Queue::new(CAPACITY);
    group.bench_function("lockstep::Queue put+get", |b| {
        b.iter(|| {
            // black_box(&queue): the compiler must assume a different queue
            // each time, so nothing is hoisted out of the loop.
            let queue = black_box(&queue);
            queue.put(1_u64).unwrap();
            // Returned, so criterion black_boxes it once (see the header).
            queue.get().unwrap()
        })
    });
    group.bench_function("lockstep::Queue try_put+try_get", |b| {
        b.iter(|| {
            let queue = black_box(&queue);
            queue.try_put(1_u64).unwrap();
            queue.try_get().unwrap()
        })
    });
    assert!(queue.empty());
    // The gets above left their tasks unfinished; start from zero.
    let queue = lockstep::Queue::new(CAPACITY);
    group.bench_function("lockstep::Queue put+get+task_done", |b| {
        b.iter(|| {
            let queue = black_box(&queue);
            queue.put(1_u64).unwrap();
            let item = queue.get().unwrap();
            queue.task_done().unwrap();
            item
        })
    });
    assert_eq!(queue.unfinished_tasks(), 0);

    let simple = lockstep::SimpleQueue::new();
    group.bench_function("lockstep::SimpleQueue put+get", |b| {
        b.iter(|| {
            let simple = black_box(&simple);
            simple.put(1_u64).unwrap();
            simple.get().unwrap()
        })
    });
    assert!(simple.empty());

    let (tx, rx) = channel::bounded(CAPACITY);
    group.bench_function("crossbeam bounded(1024) send+recv", |b| {
        b.iter(|| {
            black_box(&tx).send(1_u64).unwrap();
            black_box(&rx).recv().unwrap()
        })
    });
    assert!(rx.is_empty());

    let (tx, rx) = mpsc::sync_channel(CAPACITY);
    group.bench_function("std sync_channel(1024) send+recv", |b| {
        b.iter(|| {
            black_box(&tx).send(1_u64).unwrap();
            black_box(&rx).recv().unwrap()
        })
    });
    assert!(rx.try_recv().is_err());

    // Slow here by construction: each of its two notify_one calls is a
    // FUTEX_WAKE syscall, waiter or not.
    let condvar_queue = CondvarQueue::new(CAPACITY);
    group.bench_function("std Mutex<VecDeque>+2 Condvars put+get", |b| {
        b.iter(|| {
            let condvar_queue = black_box(&condvar_queue);
            condvar_queue.put(1_u64);
            condvar_queue.get()
        })
    });
    assert!(condvar_queue.items.lock().unwrap().is_empty());

    group.finish();
}

/// A producer thread's end of a queue.
trait Producer: Send {
    fn put(&self, item: u64);
}

/// A consumer thread's end of a queue.
trait Consumer: Send {
    fn get(&self) -> u64;
}

/// Queues shared by reference hand every thread the same `&queue`.
impl<Q: Producer + Sync> Producer for &Q {
    fn put(&self, item: u64) {
        (**self).put(item);
    }
}

impl<Q: Consumer + Sync> Consumer for &Q {
    fn get(&self) -> u64 {
        (**self).get()
    }
}

impl Producer for lockstep::Queue<u64> {
    fn put(&self, item: u64) {
        lockstep::Queue::put(self, item).unwrap();
    }
}

impl Consumer for lockstep::Queue<u64> {
    fn get(&self) -> u64 {
        lockstep::Queue::get(self).unwrap()
    }
}

impl Producer for channel::Sender<u64> {
    fn put(&self, item: u64) {
        self.send(item).unwrap();
    }
}

impl Consumer for channel::Receiver<u64> {
    fn get(&self) -> u64 {
        self.recv().unwrap()
    }
}

impl Producer for mpsc::SyncSender<u64> {
    fn put(&self, item: u64) {
        self.send(item).unwrap();
    }
}

impl Consumer for mpsc::Receiver<u64> {
    fn get(&self) -> u64 {
        self.recv().unwrap()
    }
}

/// std's one `Receiver`, shared by several consumers.
impl Consumer for Mutex<mpsc::Receiver<u64>> {
    fn get(&self) -> u64 {
        self.lock().unwrap().recv().unwrap()
    }
}

impl Producer for CondvarQueue<u64> {
    fn put(&self, item: u64) {
        CondvarQueue::put(self, item);
    }
}

impl Consumer for CondvarQueue<u64> {
    fn get(&self) -> u64 {
        CondvarQueue::get(self)
    }
}

/// Moves `iters × ITEMS` items from `producers` to `consumers`, one fresh
/// thread each, every producer putting an equal share (distinct numbers)
/// and every consumer getting an equal share. Returns the time from the
/// moment all may start until all have finished, after checking that the
/// consumers got exactly what was put.
fn time_pipeline(producers: Vec<impl Producer>, consumers: Vec<impl Consumer>, iters: u64) -> Duration {
    let items = iters * ITEMS;
    let (puts, gets) = (producers.len() as u64, consumers.len() as u64);
    assert!(items.is_multiple_of(puts) && items.is_multiple_of(gets), "shares must be equal");
    let (per_producer, per_consumer) = (items / puts, items / gets);
    // The workers and this thread: spawning happens before the clock starts.
    let start_line = Barrier::new(producers.len() + consumers.len() + 1);
    let start_line = &start_line;
    let (elapsed, sum) = thread::scope(|s| {
        let producers: Vec<_> = (0..)
            .zip(producers)
            .map(|(me, producer)| {
                s.spawn(move || {
                    start_line.wait();
                    for item in me * per_producer..(me + 1) * per_producer {
                        producer.put(item);
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = consumers
            .into_iter()
            .map(|consumer| {
                s.spawn(move || {
                    start_line.wait();
                    (0..per_consumer).map(|_| consumer.get()).sum::<u64>()
                })
            })
            .collect();
        start_line.wait();
        let started = Instant::now();
        for producer in producers {
            producer.join().expect("producer panicked");
        }
        let sum: u64 =
            consumers.into_iter().map(|consumer| consumer.join().expect("consumer panicked")).sum();
        (started.elapsed(), sum)
    });
    // 0 + 1 + ... + (items - 1): every item arrived exactly once.
    assert_eq!(sum, items * (items - 1) / 2);
    elapsed
}

/// Settings shared by the threaded groups. Each sample spawns threads and
/// runs for milliseconds, so a few samples of equal size (Flat: the median
/// of per-sample times is then meaningful) are enough.
fn threaded_group(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group.sample_size(20).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(ITEMS));
}

fn spsc_1024(c: &mut Criterion) {
    let mut group = c.benchmark_group("spsc_1024");
    threaded_group(&mut group);

    group.bench_function("lockstep::Queue(1024)", |b| {
        b.iter_custom(|iters| {
            let queue = lockstep::Queue::new(CAPACITY);
            time_pipeline(vec![&queue], vec![&queue], iters)
        })
    });
    group.bench_function("crossbeam bounded(1024)", |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = channel::bounded(CAPACITY);
            time_pipeline(vec![tx], vec![rx], iters)
        })
    });
    group.bench_function("std sync_channel(1024)", |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::sync_channel(CAPACITY);
            time_pipeline(vec![tx], vec![rx], iters)
        })
    });
    group.bench_function("std Mutex<VecDeque>+2 Condvars(1024)", |b| {
        b.iter_custom(|iters| {
            let queue = CondvarQueue::new(CAPACITY);
            time_pipeline(vec![&queue], vec![&queue], iters)
        })
    });

    group.finish();
}

fn mpmc_2p2c_1024(c: &mut Criterion) {
    let mut group = c.benchmark_group("mpmc_2p2c_1024");
    // Four workers on two cores: a worker descheduled while holding the
    // queue's lock stalls the other three, so samples can be bimodal (in
    // the slow mode nearly every item costs a futex wake and a wait).
    // lockstep's getters and putters, like crossbeam's, spin and yield a
    // few rounds before parking. For the current ratios run the benches and
    // `cargo run -p lockstep-bench --bin ratios` (see the README).
    threaded_group(&mut group);

    group.bench_function("lockstep::Queue(1024)", |b| {
        b.iter_custom(|iters| {
            let queue = lockstep::Queue::new(CAPACITY);
            time_pipeline(vec![&queue; 2], vec![&queue; 2], iters)
        })
    });
    group.bench_function("crossbeam bounded(1024)", |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = channel::bounded(CAPACITY);
            time_pipeline(vec![tx.clone(), tx], vec![rx.clone(), rx], iters)
        })
    });
    group.bench_function("std sync_channel(1024), Receiver in a Mutex", |b| {
        b.iter_custom(|iters| {
            let (tx, rx) = mpsc::sync_channel(CAPACITY);
            let rx = Mutex::new(rx);
            time_pipeline(vec![tx.clone(), tx], vec![&rx; 2], iters)
        })
    });
    group.bench_function("std Mutex<VecDeque>+2 Condvars(1024)", |b| {
        b.iter_custom(|iters| {
            let queue = CondvarQueue::new(CAPACITY);
            time_pipeline(vec![&queue; 2], vec![&queue; 2], iters)
        })
    });

    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = put_get_one_thread, spsc_1024, mpmc_2p2c_1024
}
criterion_main!(benches);
