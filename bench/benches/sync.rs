//! lockstep's semaphores, event and condition side by side with what a Rust
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
//! - `condition_ping_pong`: two threads take turns [`ROUND_TRIPS`] times
//!   (thread 0 waits for turn 0, hands the turn to 1 and notifies; thread 1
//!   the other way round), so every hand-over is a sleep and a wake-up.
//!   `lockstep::Condition` (`lock()`, `wait_for`, `notify(1)`, Python's
//!   `with cond: cond.wait_for(...)`) against `std::sync::Mutex<usize>` +
//!   `Condvar` (`wait_while`, `notify_one`) and `parking_lot::Mutex<usize>`
//!   + `Condvar`, through the same harness as `semaphore_contended`.
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
//! 1.5 minutes after the build on a 2-core machine. Uncontended medians
//! repeat to ~0.2 ns across runs unless other processes compete for the
//! cores; the two-thread groups are noisy on 2 cores (compare medians over
//! more than one run, and look at the fastest samples in
//! `target/criterion/<group>/<bench>/new/sample.json`). `condition_ping_pong`
//! mostly measures wake-up latency, which depends on where the scheduler
//! puts the two threads: `taskset -c 0` (both on one core) gives steadier,
//! different numbers.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use lockstep_bench::time_two_threads;
use std::hint::black_box;
use std::sync::Condvar;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// How many acquire/release cycles each of the two threads runs in one
/// criterion iteration of `semaphore_contended`.
const CYCLES_PER_THREAD: u64 = 1_000;

/// How many round trips (two hand-overs: 0 → 1 → 0) one criterion
/// iteration of `condition_ping_pong` makes.
const ROUND_TRIPS: u64 = 1_000;

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
    // sample drops towards 2 × N × the uncontended cost. Even on a quiet
    // machine lockstep::Semaphore's samples swung between ~12 and ~80 µs
    // (its acquire parks at once, without the brief spin the locks do, and
    // each park costs the releaser a FUTEX_WAKE); parking_lot's stayed
    // within ~10-20 µs.
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

/// A `lockstep::Condition` and the turn it guards, as a Python user would
/// write it: `turn` is read and written only while holding the condition's
/// lock (an atomic only because `Condition` owns no data; Relaxed suffices).
struct ConditionTurns {
    cond: lockstep::Condition,
    turn: AtomicUsize,
}

fn condition_ping_pong(c: &mut Criterion) {
    let mut group = c.benchmark_group("condition_ping_pong");
    // Every hand-over puts one thread to sleep and wakes the other, so this
    // measures the wake-up path (parking lot or futex) more than the locks.
    two_thread_group(&mut group);
    group.throughput(Throughput::Elements(ROUND_TRIPS));

    // Each thread makes one hand-over per round trip; every contestant
    // checks the turn came back to thread 0, outside the timed part.
    group.bench_function("lockstep::Condition wait_for+notify", |b| {
        b.iter_custom(|iters| {
            let shared = ConditionTurns { cond: lockstep::Condition::new(), turn: AtomicUsize::new(0) };
            let elapsed = time_two_threads(&shared, iters * ROUND_TRIPS, |shared, me| {
                let mut held = shared.cond.lock();
                held.wait_for(|| shared.turn.load(Ordering::Relaxed) == me, None);
                shared.turn.store(1 - me, Ordering::Relaxed);
                held.notify(1);
            });
            assert_eq!(shared.turn.into_inner(), 0);
            elapsed
        })
    });
    group.bench_function("std Mutex<usize>+Condvar wait_while+notify_one", |b| {
        b.iter_custom(|iters| {
            let shared = (std::sync::Mutex::new(0_usize), Condvar::new());
            let elapsed = time_two_threads(&shared, iters * ROUND_TRIPS, |(turn, cvar), me| {
                let mut turn = cvar.wait_while(turn.lock().unwrap(), |turn| *turn != me).unwrap();
                *turn = 1 - me;
                cvar.notify_one();
            });
            assert_eq!(shared.0.into_inner().unwrap(), 0);
            elapsed
        })
    });
    group.bench_function("parking_lot Mutex<usize>+Condvar wait_while+notify_one", |b| {
        b.iter_custom(|iters| {
            let shared = (parking_lot::Mutex::new(0_usize), parking_lot::Condvar::new());
            let elapsed = time_two_threads(&shared, iters * ROUND_TRIPS, |(turn, cvar), me| {
                let mut turn = turn.lock();
                cvar.wait_while(&mut turn, |turn| *turn != me);
                *turn = 1 - me;
                cvar.notify_one();
            });
            assert_eq!(shared.0.into_inner(), 0);
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
    targets = semaphore_uncontended, event_wait_when_set, semaphore_contended, condition_ping_pong
}
criterion_main!(benches);
