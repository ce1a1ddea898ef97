//! lockstep's semaphores and event side by side with what a Rust
//! user would pick or hand-roll instead.
//!
//! Each criterion group puts the contestants in one run, so their numbers
//! come from the same machine state:
//!
//! - `semaphore_uncontended`: one acquire and one release on one thread,
//!   permits never short. `lockstep::Semaphore` (`acquire()`+`release()`,
//!   the guard form `permit()`, Python's `with sem:`, and
//!   `try_acquire()`+`release()`), `lockstep::BoundedSemaphore`
//!   (`acquire()`+`release()`, whose `Result` is kept), against
//!   `parking_lot::Mutex<()>` lock+unlock (the yardstick) and
//!   [`CondvarSemaphore`], the `std::sync::Mutex<usize>` + `Condvar`
//!   counting semaphore a Rust user would write.
//! - `event_wait_when_set`: waiting on an event that is already set (the
//!   common case once a flag has been raised). `lockstep::Event`
//!   (`wait()`, `is_set()`, `wait_timeout(1 s)`) against
//!   `parking_lot::Mutex<()>` lock+unlock, [`CondvarEvent`] (a
//!   `std::sync::Mutex<bool>` + `Condvar` event: lock, check the flag) and,
//!   as the floor, an `AtomicBool` Acquire load.
//! - `semaphore_contended`: two threads each take and give back a permit
//!   of a one-permit semaphore [`CYCLES_PER_THREAD`] times.
//!   `lockstep::Semaphore`, [`CondvarSemaphore`] and, for reference,
//!   `parking_lot::Mutex<()>` lock+unlock, all through the same harness
//!   ([`time_two_threads`]). One criterion iteration is the 2 × N cycles;
//!   the two threads are spawned once per sample (once per `iter_custom`
//!   call, 20 equal samples), wait at a barrier, and run all of that
//!   sample's iterations back to back. The clock starts when the barrier
//!   opens and stops when both have been joined, so spawning is not timed.
//!
//! `Condition` (ping-pong and a `notify_all` broadcast) has its own file,
//! `condition.rs`.
//!
//! The project's targets: uncontended Semaphore acquire+release within 2×
//! of parking_lot's Mutex lock+unlock; Event::wait on a set event within
//! 2 ns or 0.3× of parking_lot's Mutex lock+unlock.
//!
//! Results are returned from the `iter` closure, which criterion black_boxes
//! once; nothing is black_boxed twice. Wrapping them in a second black_box
//! added a store and a reload per iteration, and in `wait_timeout` the
//! compiler then wrote the `true` as a partial register (`mov $1, %al`),
//! which chained each iteration's reload to the previous one's store: a
//! loop-carried store-forwarding dependency that measured 2.07 ns instead
//! of 0.55 ns (the lesson of lock.rs, in another form).
//!
//! Run with `cargo bench -p lockstep-bench --bench sync -- --noplot`: about
//! a minute after the build on a 2-core machine. Uncontended medians
//! repeat to ~0.2 ns across runs unless other processes compete for the
//! cores; the two-thread groups are noisy on 2 cores (compare medians over
//! more than one run, and look at the fastest samples in
//! `target/criterion/<group>/<bench>/new/sample.json`).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use lockstep_bench::time_two_threads;
use std::hint::black_box;
use std::sync::Condvar;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How many acquire/release cycles each of the two threads runs in one
/// criterion iteration of `semaphore_contended`.
const CYCLES_PER_THREAD: u64 = 1_000;

/// The counting semaphore a Rust user writes from std parts: a count under
/// a `Mutex` and a `Condvar` to sleep on while it is zero.
struct CondvarSemaphore {
    count: std::sync::Mutex<usize>,
    available: Condvar,
}

impl CondvarSemaphore {
    fn new(permits: usize) -> CondvarSemaphore {
        CondvarSemaphore { count: std::sync::Mutex::new(permits), available: Condvar::new() }
    }

    fn acquire(&self) {
        let mut count = self.count.lock().unwrap();
        while *count == 0 {
            count = self.available.wait(count).unwrap();
        }
        *count -= 1;
    }

    fn release(&self) {
        let mut count = self.count.lock().unwrap();
        *count += 1;
        // std's futex Condvar makes a FUTEX_WAKE syscall here even when
        // nobody waits: that is most of this semaphore's uncontended cost.
        self.available.notify_one();
    }

    fn value(&self) -> usize {
        *self.count.lock().unwrap()
    }
}

/// The event a Rust user writes from std parts: a flag under a `Mutex` and
/// a `Condvar` to sleep on while it is down.
struct CondvarEvent {
    flag: std::sync::Mutex<bool>,
    raised: Condvar,
}

impl CondvarEvent {
    fn new() -> CondvarEvent {
        CondvarEvent { flag: std::sync::Mutex::new(false), raised: Condvar::new() }
    }

    fn set(&self) {
        *self.flag.lock().unwrap() = true;
        self.raised.notify_all();
    }

    fn wait(&self) {
        let mut flag = self.flag.lock().unwrap();
        while !*flag {
            flag = self.raised.wait(flag).unwrap();
        }
    }
}

fn semaphore_uncontended(c: &mut Criterion) {
    let mut group = c.benchmark_group("semaphore_uncontended");

    let sem = lockstep::Semaphore::new(1);
    group.bench_function("lockstep::Semaphore acquire+release", |b| {
        b.iter(|| {
            // black_box(&sem): the compiler must assume a different
            // semaphore each time, so nothing is hoisted out of the loop.
            let sem = black_box(&sem);
            sem.acquire();
            sem.release();
        })
    });
    group.bench_function("lockstep::Semaphore permit() guard", |b| b.iter(|| drop(black_box(&sem).permit())));
    group.bench_function("lockstep::Semaphore try_acquire+release", |b| {
        b.iter(|| {
            let sem = black_box(&sem);
            let taken = sem.try_acquire();
            if taken {
                sem.release();
            }
            // Returned, so criterion black_boxes it once (see the header).
            taken
        })
    });
    assert_eq!(sem.value(), 1);

    let bounded = lockstep::BoundedSemaphore::new(1);
    group.bench_function("lockstep::BoundedSemaphore acquire+release", |b| {
        b.iter(|| {
            let bounded = black_box(&bounded);
            bounded.acquire();
            // The Result, returned: criterion black_boxes it.
            bounded.release()
        })
    });
    assert_eq!(bounded.value(), 1);

    let mutex = parking_lot::Mutex::new(());
    group.bench_function("parking_lot::Mutex<()> lock+unlock", |b| b.iter(|| drop(black_box(&mutex).lock())));

    let std_sem = CondvarSemaphore::new(1);
    group.bench_function("std Mutex<usize>+Condvar semaphore acquire+release", |b| {
        b.iter(|| {
            let std_sem = black_box(&std_sem);
            std_sem.acquire();
            std_sem.release();
        })
    });
    assert_eq!(std_sem.value(), 1);

    group.finish();
}

fn event_wait_when_set(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_wait_when_set");

    let event = lockstep::Event::new();
    event.set();
    group.bench_function("lockstep::Event wait", |b| b.iter(|| black_box(&event).wait()));
    group.bench_function("lockstep::Event is_set", |b| b.iter(|| black_box(&event).is_set()));
    group.bench_function("lockstep::Event wait_timeout(1 s)", |b| {
        b.iter(|| black_box(&event).wait_timeout(Duration::from_secs(1)))
    });

    let mutex = parking_lot::Mutex::new(());
    group.bench_function("parking_lot::Mutex<()> lock+unlock", |b| b.iter(|| drop(black_box(&mutex).lock())));

    let std_event = CondvarEvent::new();
    std_event.set();
    group.bench_function("std Mutex<bool>+Condvar event wait", |b| b.iter(|| black_box(&std_event).wait()));

    // The floor: what any set-flag check costs at least.
    let flag = AtomicBool::new(true);
    group.bench_function("AtomicBool load(Acquire)", |b| b.iter(|| black_box(&flag).load(Ordering::Acquire)));

    group.finish();
}

/// Settings shared by the two-thread groups. Each sample spawns two threads
/// and runs for milliseconds, so a few samples of equal size (Flat: the
/// median of per-sample times is then meaningful) are enough.
fn two_thread_group(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group.sample_size(20).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(3));
}

fn semaphore_contended(c: &mut Criterion) {
    let mut group = c.benchmark_group("semaphore_contended");
    // On 2 cores the numbers stay noisy: compare medians, and rerun before
    // believing a gap under ~40%. If another process takes a core, the two
    // workers share one and take turns, a permit is rarely short, and a
    // sample drops towards 2 × N × the uncontended cost. Each park costs
    // the releaser a FUTEX_WAKE, so the samples spread with how often a
    // waiter outlasts its brief spin; look at the spread, not one median.
    two_thread_group(&mut group);
    group.throughput(Throughput::Elements(2 * CYCLES_PER_THREAD));

    // Every contestant checks it ends with its one permit, outside the
    // timed part.
    group.bench_function("lockstep::Semaphore(1) acquire+release", |b| {
        b.iter_custom(|iters| {
            let sem = lockstep::Semaphore::new(1);
            let elapsed = time_two_threads(&sem, iters * CYCLES_PER_THREAD, |sem, _| {
                sem.acquire();
                sem.release();
            });
            assert_eq!(sem.value(), 1);
            elapsed
        })
    });
    group.bench_function("std Mutex<usize>+Condvar semaphore(1)", |b| {
        b.iter_custom(|iters| {
            let sem = CondvarSemaphore::new(1);
            let elapsed = time_two_threads(&sem, iters * CYCLES_PER_THREAD, |sem, _| {
                sem.acquire();
                sem.release();
            });
            assert_eq!(sem.value(), 1);
            elapsed
        })
    });
    group.bench_function("parking_lot::Mutex<()> lock+unlock", |b| {
        b.iter_custom(|iters| {
            let mutex = parking_lot::Mutex::new(());
            let elapsed = time_two_threads(&mutex, iters * CYCLES_PER_THREAD, |mutex, _| drop(mutex.lock()));
            assert!(!mutex.is_locked());
            elapsed
        })
    });

    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = semaphore_uncontended, event_wait_when_set, semaphore_contended
}
criterion_main!(benches);
