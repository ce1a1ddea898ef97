//! lockstep's locks side by side with what a Rust user would pick instead.
//!
//! Each criterion group puts the contestants in one run, so their numbers
//! come from the same machine state:
//!
//! - `uncontended_acquire_release`: one acquire and one release on one
//!   thread. `lockstep::Lock` (Python-style `acquire()`+`release()`, and the
//!   guard form `lock()`, Python's `with lock:`), `lockstep::Mutex<()>`,
//!   `parking_lot::Mutex<()>` and `std::sync::Mutex<()>`.
//! - `contended_increments_2_threads`: two threads each add 1 to a shared
//!   `u64` [`INCREMENTS_PER_THREAD`] times, taking the lock around every
//!   add. `lockstep::Lock` guarding an `UnsafeCell<u64>`,
//!   `lockstep::Mutex<u64>`, `parking_lot::Mutex<u64>` and
//!   `std::sync::Mutex<u64>`, all through the same harness
//!   ([`time_two_threads`]). One criterion iteration is the 2 × N
//!   increments; the two threads are spawned once per sample (once per
//!   `iter_custom` call, 20 equal samples), wait at a barrier, and run all
//!   of that sample's iterations back to back. The clock starts when the
//!   barrier opens and stops when both have been joined, so spawning is not
//!   timed.
//! - `rlock_uncontended`: `lockstep::RLock` (`acquire()`+`release()`, the
//!   guard form, and nested: acquire twice and release twice, or two nested
//!   guards) against `parking_lot::ReentrantMutex<()>` (`lock()`, and two
//!   nested guards).
//!   std has no stable re-entrant lock.
//!
//! The project's targets: the uncontended Lock and RLock within 1.2× of
//! their parking_lot counterparts.
//!
//! Run with `cargo bench -p lockstep-bench --bench lock`: about 2 minutes
//! after the build on a 2-core machine, 1 minute with `-- --noplot` (the
//! plots cost the rest). Uncontended medians repeat to ~0.2 ns across runs
//! unless other processes compete for the cores; the contended group is
//! noisy on 2 cores (compare medians, over more than one run).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::cell::UnsafeCell;
use std::hint::black_box;
use std::time::Duration;

/// How many times each of the two threads increments the counter in one
/// criterion iteration of `contended_increments_2_threads`.
const INCREMENTS_PER_THREAD: u64 = 1_000;

fn uncontended_acquire_release(c: &mut Criterion) {
    let mut group = c.benchmark_group("uncontended_acquire_release");

    let lock = lockstep::Lock::new();
    group.bench_function("lockstep::Lock acquire+release", |b| {
        b.iter(|| {
            // black_box(&lock): the compiler must assume a different lock
            // each time, so nothing is hoisted out of the loop.
            let lock = black_box(&lock);
            lock.acquire();
            black_box(lock.release())
        })
    });
    group.bench_function("lockstep::Lock lock() guard", |b| b.iter(|| drop(black_box(&lock).lock())));

    let mutex = lockstep::Mutex::new(());
    group.bench_function("lockstep::Mutex<()> lock+unlock", |b| b.iter(|| drop(black_box(&mutex).lock())));

    let mutex = parking_lot::Mutex::new(());
    group.bench_function("parking_lot::Mutex<()> lock+unlock", |b| b.iter(|| drop(black_box(&mutex).lock())));

    let mutex = std::sync::Mutex::new(());
    group.bench_function("std::sync::Mutex<()> lock+unlock", |b| {
        b.iter(|| drop(black_box(&mutex).lock().unwrap()))
    });

    group.finish();
}

/// Runs `increment(shared)` `iters × INCREMENTS_PER_THREAD` times on each
/// of two fresh threads at once; see [`lockstep_bench::time_two_threads`].
fn time_two_threads<S: Sync>(shared: &S, iters: u64, increment: impl Fn(&S) + Sync) -> Duration {
    lockstep_bench::time_two_threads(shared, iters * INCREMENTS_PER_THREAD, |shared, _| increment(shared))
}

/// A `u64` guarded by a Python-style `Lock`, as a Python user would write
/// it: the lock and the data it protects are separate.
struct LockedCounter {
    lock: lockstep::Lock,
    count: UnsafeCell<u64>,
}

// SAFETY: `count` is read or written only while `lock` is held (in
// `increment`, and in `into_count`, which owns the value).
unsafe impl Sync for LockedCounter {}

impl LockedCounter {
    fn new() -> LockedCounter {
        LockedCounter { lock: lockstep::Lock::new(), count: UnsafeCell::new(0) }
    }

    fn increment(&self) {
        self.lock.acquire();
        // SAFETY: we hold `lock`, so no other thread touches `count`.
        unsafe { *self.count.get() += 1 };
        // Only fails for an unlocked lock, and we hold it.
        let _ = self.lock.release();
    }

    fn into_count(self) -> u64 {
        self.count.into_inner()
    }
}

fn contended_increments_2_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("contended_increments_2_threads");
    // Each sample spawns two threads and runs for milliseconds, so a few
    // samples of equal size (Flat: the median of per-sample times is then
    // meaningful) are enough. On 2 cores the numbers stay noisy: compare
    // medians, and rerun before believing a gap under ~40%. If another
    // process takes a core, the two workers share one and take turns, the
    // lock is rarely contended, and a sample drops towards 2 × N × the
    // uncontended cost (~9 µs here): that is the machine, not a fast lock.
    group.sample_size(20).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(2 * INCREMENTS_PER_THREAD));

    // Every contestant checks its final count, outside the timed part.
    group.bench_function("lockstep::Lock + UnsafeCell<u64>", |b| {
        b.iter_custom(|iters| {
            let counter = LockedCounter::new();
            let elapsed = time_two_threads(&counter, iters, LockedCounter::increment);
            assert_eq!(counter.into_count(), 2 * iters * INCREMENTS_PER_THREAD);
            elapsed
        })
    });
    group.bench_function("lockstep::Mutex<u64>", |b| {
        b.iter_custom(|iters| {
            let counter = lockstep::Mutex::new(0_u64);
            let elapsed = time_two_threads(&counter, iters, |m| *m.lock() += 1);
            assert_eq!(counter.into_inner(), 2 * iters * INCREMENTS_PER_THREAD);
            elapsed
        })
    });
    group.bench_function("parking_lot::Mutex<u64>", |b| {
        b.iter_custom(|iters| {
            let counter = parking_lot::Mutex::new(0_u64);
            let elapsed = time_two_threads(&counter, iters, |m| *m.lock() += 1);
            assert_eq!(counter.into_inner(), 2 * iters * INCREMENTS_PER_THREAD);
            elapsed
        })
    });
    group.bench_function("std::sync::Mutex<u64>", |b| {
        b.iter_custom(|iters| {
            let counter = std::sync::Mutex::new(0_u64);
            let elapsed = time_two_threads(&counter, iters, |m| *m.lock().unwrap() += 1);
            assert_eq!(counter.into_inner().unwrap(), 2 * iters * INCREMENTS_PER_THREAD);
            elapsed
        })
    });

    group.finish();
}

fn rlock_uncontended(c: &mut Criterion) {
    let mut group = c.benchmark_group("rlock_uncontended");

    let rlock = lockstep::RLock::new();
    group.bench_function("lockstep::RLock acquire+release", |b| {
        b.iter(|| {
            let rlock = black_box(&rlock);
            rlock.acquire();
            black_box(rlock.release())
        })
    });
    group.bench_function("lockstep::RLock lock() guard", |b| b.iter(|| drop(black_box(&rlock).lock())));
    group.bench_function("lockstep::RLock nested acquire x2 + release x2", |b| {
        b.iter(|| {
            let rlock = black_box(&rlock);
            rlock.acquire();
            rlock.acquire();
            // One black_box per result: packing both into a tuple made the
            // compiler store two bytes and reload them as one word, a
            // store-forwarding stall that doubled the measured time.
            let _ = black_box(rlock.release());
            black_box(rlock.release())
        })
    });
    group.bench_function("lockstep::RLock nested lock() x2", |b| {
        b.iter(|| {
            let rlock = black_box(&rlock);
            let outer = rlock.lock();
            let inner = rlock.lock();
            drop(inner);
            drop(outer);
        })
    });

    let remutex = parking_lot::ReentrantMutex::new(());
    group.bench_function("parking_lot::ReentrantMutex<()> lock", |b| {
        b.iter(|| drop(black_box(&remutex).lock()))
    });
    group.bench_function("parking_lot::ReentrantMutex<()> nested lock x2", |b| {
        b.iter(|| {
            let remutex = black_box(&remutex);
            let outer = remutex.lock();
            let inner = remutex.lock();
            // Inner first, as a nested `with` would.
            drop(inner);
            drop(outer);
        })
    });

    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = uncontended_acquire_release, contended_increments_2_threads, rlock_uncontended
}
criterion_main!(benches);
