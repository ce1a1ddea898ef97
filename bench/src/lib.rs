//! Benches live in `benches/`; run them with `cargo bench -p lockstep-bench`.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

/// Runs `step(shared, thread)` `steps` times on each of two fresh threads
/// at once (`thread` is 0 or 1), and returns the time from the moment both
/// may start until both have finished: the harness of every two-thread
/// group, so lockstep and its rivals are timed the same way.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
/// let count = AtomicU64::new(0);
/// lockstep_bench::time_two_threads(&count, 10, |count, _thread| {
///     count.fetch_add(1, Relaxed);
/// });
/// assert_eq!(count.load(Relaxed), 20);
/// ```
pub fn time_two_threads<S: Sync>(shared: &S, steps: u64, step: impl Fn(&S, usize) + Sync) -> Duration {
    // Two workers and this thread: spawning happens before the clock starts.
    let start_line = Barrier::new(3);
    thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|me| {
                let (start_line, step) = (&start_line, &step);
                s.spawn(move || {
                    start_line.wait();
                    for _ in 0..steps {
                        step(black_box(shared), me);
                    }
                })
            })
            .collect();
        start_line.wait();
        let started = Instant::now();
        for worker in workers {
            worker.join().expect("worker panicked");
        }
        started.elapsed()
    })
}
