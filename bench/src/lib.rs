//! Benches live in `benches/`; run them with `cargo bench -p lockstep-bench`,
//! then `cargo run -p lockstep-bench --bin ratios` prints the README's
//! table of lockstep-vs-rival ratios from criterion's results.
//!
//! This library is the harness the threaded groups share, so lockstep and
//! its rivals are timed (and their context switches counted) the same way.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use std::hint::black_box;
use std::ops::AddAssign;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

/// Runs `step(shared, thread)` `steps` times on each of two fresh threads
/// at once (`thread` is 0 or 1), and returns the time from the moment both
/// may start until both have finished: [`time_threads`] with two threads.
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
    time_threads(shared, 2, steps, step)
}

/// Runs `step(shared, thread)` `steps` times on each of `threads` fresh
/// threads at once (`thread` is `0..threads`), and returns the time from
/// the moment all may start until all have finished. Spawning happens
/// before the clock starts.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
/// let count = AtomicU64::new(0);
/// lockstep_bench::time_threads(&count, 5, 10, |count, _thread| {
///     count.fetch_add(1, Relaxed);
/// });
/// assert_eq!(count.load(Relaxed), 50);
/// ```
pub fn time_threads<S: Sync>(
    shared: &S,
    threads: usize,
    steps: u64,
    step: impl Fn(&S, usize) + Sync,
) -> Duration {
    run(shared, threads, steps, &step, false).0
}

/// Runs the same workload as [`time_threads`], untimed, and returns the
/// context switches its threads made while running it (summed over the
/// threads; Linux only, else `None`). Kept apart from the timed runs so
/// that reading `/proc` never lands inside a measurement.
///
/// ```
/// let switches = lockstep_bench::count_switches(&(), 2, 10, |_, _| std::thread::yield_now());
/// if let Some(switches) = switches {
///     assert!(switches.voluntary + switches.involuntary < 1_000_000);
/// }
/// ```
pub fn count_switches<S: Sync>(
    shared: &S,
    threads: usize,
    steps: u64,
    step: impl Fn(&S, usize) + Sync,
) -> Option<Switches> {
    run(shared, threads, steps, &step, true).1
}

/// Context switches of one thread or summed over several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Switches {
    /// The thread gave up the CPU itself (it blocked: a futex wait).
    pub voluntary: u64,
    /// The scheduler took the CPU away (preemption): the count that grows
    /// when woken threads pile onto a lock and fight over 2 cores.
    pub involuntary: u64,
}

impl Switches {
    /// The calling thread's counts so far, from
    /// `/proc/thread-self/status` (`None` where that file does not exist).
    ///
    /// ```
    /// if let Some(now) = lockstep_bench::Switches::this_thread() {
    ///     assert!(now.voluntary < u64::MAX);
    /// }
    /// ```
    pub fn this_thread() -> Option<Switches> {
        let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
        let field =
            |name: &str| status.lines().find_map(|line| line.strip_prefix(name)?.trim().parse::<u64>().ok());
        Some(Switches {
            voluntary: field("voluntary_ctxt_switches:")?,
            involuntary: field("nonvoluntary_ctxt_switches:")?,
        })
    }

    /// The counts from `earlier` until `self`.
    fn since(self, earlier: Switches) -> Switches {
        Switches {
            voluntary: self.voluntary.saturating_sub(earlier.voluntary),
            involuntary: self.involuntary.saturating_sub(earlier.involuntary),
        }
    }
}

impl AddAssign for Switches {
    fn add_assign(&mut self, other: Switches) {
        self.voluntary += other.voluntary;
        self.involuntary += other.involuntary;
    }
}

/// The one harness: time the run, or count its switches (never both).
fn run<S: Sync>(
    shared: &S,
    threads: usize,
    steps: u64,
    step: &(impl Fn(&S, usize) + Sync),
    count: bool,
) -> (Duration, Option<Switches>) {
    // The workers and this thread: spawning happens before the clock starts.
    let start_line = Barrier::new(threads + 1);
    thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|me| {
                let start_line = &start_line;
                s.spawn(move || {
                    let before = if count { Switches::this_thread() } else { None };
                    start_line.wait();
                    for _ in 0..steps {
                        step(black_box(shared), me);
                    }
                    before.and_then(|before| Some(Switches::this_thread()?.since(before)))
                })
            })
            .collect();
        start_line.wait();
        let started = Instant::now();
        let mut total = count.then(Switches::default);
        for worker in workers {
            let switches = worker.join().expect("worker panicked");
            total = match (total, switches) {
                (Some(mut sum), Some(switches)) => {
                    sum += switches;
                    Some(sum)
                }
                _ => None,
            };
        }
        (started.elapsed(), total)
    })
}

/// SplitMix64's output for `n`: a cheap, well-mixed stream of numbers,
/// for benches that need pseudo-random priorities (`splitmix(n) >> 44`:
/// 20 bits).
///
/// ```
/// assert_ne!(lockstep_bench::splitmix(1), lockstep_bench::splitmix(2));
/// ```
pub fn splitmix(n: u64) -> u64 {
    let mut z = n.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
