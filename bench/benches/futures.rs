//! `ThreadPoolExecutor` and `Pool` side by side with Rust's thread pools.
//!
//! Every pool has 2 workers (the CPython figures in issue 11 were measured
//! with 2 workers). Two groups:
//!
//! - `pool_round_trip`: submit one task returning a value and wait for it.
//!   lockstep: `submit(f)?.result()` and `Pool::apply(f)`; rayon:
//!   `ThreadPool::spawn` + an mpsc channel (rayon has no result handle);
//!   threadpool: `execute` + a channel; rusty_pool: `evaluate(f)` +
//!   `await_complete()`; a std pool: 2 threads on an
//!   `Arc<Mutex<mpsc::Receiver<Job>>>` (the Rust book's pool) + a channel.
//! - `pool_throughput_100k`: submit 100,000 empty tasks, then wait for all
//!   of them (each lockstep task has its own `Future`; the channel pools
//!   send one message per task, so every pool hands back 100k results).
//!
//! CPython 3.11 on this machine, 2 workers (issue 11): round trip ~35 µs,
//! bulk ~22 µs per task, `Pool.apply` ~156 µs.
//!
//! Run with `cargo bench -p lockstep-bench --bench futures -- --noplot`.

use criterion::{Criterion, criterion_group, criterion_main};
use lockstep::futures::{Pool, ThreadPoolExecutor};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

const WORKERS: usize = 2;
const TASKS: usize = 100_000;

type Job = Box<dyn FnOnce() + Send>;

/// The Rust book's pool: workers sharing one receiver behind a mutex.
struct StdPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl StdPool {
    fn new(workers: usize) -> StdPool {
        let (jobs, queue) = channel::<Job>();
        let queue: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(queue));
        let workers = (0..workers)
            .map(|_| {
                let queue = queue.clone();
                thread::spawn(move || {
                    loop {
                        let job = queue.lock().unwrap().recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        StdPool { jobs: Some(jobs), workers }
    }

    fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.jobs.as_ref().unwrap().send(Box::new(job)).unwrap();
    }
}

impl Drop for StdPool {
    fn drop(&mut self) {
        self.jobs.take();
        for worker in self.workers.drain(..) {
            worker.join().unwrap();
        }
    }
}

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_round_trip");
    group.measurement_time(Duration::from_secs(3));
    let executor = ThreadPoolExecutor::new(WORKERS);
    group.bench_function("lockstep::ThreadPoolExecutor submit+result", |b| {
        b.iter(|| *executor.submit(|| 1_u64).unwrap().result().unwrap())
    });
    let pool = Pool::new(WORKERS);
    group.bench_function("lockstep::Pool apply", |b| b.iter(|| pool.apply(|| 1_u64).unwrap()));
    let rayon = rayon::ThreadPoolBuilder::new().num_threads(WORKERS).build().unwrap();
    group.bench_function("rayon spawn+channel", |b| {
        b.iter(|| {
            let (tx, rx) = channel();
            rayon.spawn(move || tx.send(1_u64).unwrap());
            rx.recv().unwrap()
        })
    });
    let threadpool = threadpool::ThreadPool::new(WORKERS);
    group.bench_function("threadpool execute+channel", |b| {
        b.iter(|| {
            let (tx, rx) = channel();
            threadpool.execute(move || tx.send(1_u64).unwrap());
            rx.recv().unwrap()
        })
    });
    let rusty = rusty_pool::ThreadPool::new(WORKERS, WORKERS, Duration::from_secs(60));
    group.bench_function("rusty_pool evaluate", |b| b.iter(|| rusty.evaluate(|| 1_u64).await_complete()));
    let std_pool = StdPool::new(WORKERS);
    group.bench_function("std mpsc pool+channel", |b| {
        b.iter(|| {
            let (tx, rx) = channel();
            std_pool.execute(move || tx.send(1_u64).unwrap());
            rx.recv().unwrap()
        })
    });
    group.finish();
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_throughput_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    let executor = ThreadPoolExecutor::new(WORKERS);
    group.bench_function("lockstep::ThreadPoolExecutor", |b| {
        b.iter(|| {
            let futures: Vec<_> = (0..TASKS).map(|_| executor.submit(|| ()).unwrap()).collect();
            for future in &futures {
                future.result().unwrap();
            }
        })
    });
    let rayon = rayon::ThreadPoolBuilder::new().num_threads(WORKERS).build().unwrap();
    group.bench_function("rayon spawn+channel", |b| {
        b.iter(|| {
            let (tx, rx) = channel();
            for _ in 0..TASKS {
                let tx = tx.clone();
                rayon.spawn(move || tx.send(()).unwrap());
            }
            drop(tx);
            assert_eq!(rx.iter().count(), TASKS);
        })
    });
    let threadpool = threadpool::ThreadPool::new(WORKERS);
    group.bench_function("threadpool execute+channel", |b| {
        b.iter(|| {
            let (tx, rx) = channel();
            for _ in 0..TASKS {
                let tx = tx.clone();
                threadpool.execute(move || tx.send(()).unwrap());
            }
            drop(tx);
            assert_eq!(rx.iter().count(), TASKS);
        })
    });
    let rusty = rusty_pool::ThreadPool::new(WORKERS, WORKERS, Duration::from_secs(60));
    group.bench_function("rusty_pool evaluate", |b| {
        b.iter(|| {
            let handles: Vec<_> = (0..TASKS).map(|_| rusty.evaluate(|| ())).collect();
            for handle in handles {
                handle.await_complete();
            }
        })
    });
    let std_pool = StdPool::new(WORKERS);
    group.bench_function("std mpsc pool+channel", |b| {
        b.iter(|| {
            let (tx, rx) = channel();
            for _ in 0..TASKS {
                let tx = tx.clone();
                std_pool.execute(move || tx.send(()).unwrap());
            }
            drop(tx);
            assert_eq!(rx.iter().count(), TASKS);
        })
    });
    group.finish();
}

criterion_group!(benches, round_trip, throughput);
criterion_main!(benches);
