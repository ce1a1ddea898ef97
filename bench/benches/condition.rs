//! lockstep's `Condition` side by side with `parking_lot::Condvar` (the
//! yardstick) and `std::sync::Condvar`, each over its own lock.
//!
//! - `condition_ping_pong`: two threads take turns [`ROUND_TRIPS`] times
//!   (thread 0 waits for turn 0, hands the turn to 1 and notifies; thread 1
//!   the other way round), so every hand-over is a sleep and a wake-up.
//!   `lockstep::Condition` (`lock()`, `wait_for`, `notify(1)`, Python's
//!   `with cond: cond.wait_for(...)`) against `parking_lot::Mutex<usize>` +
//!   `Condvar` and `std::sync::Mutex<usize>` + `Condvar` (`wait_while`,
//!   `notify_one`).
//! - `condition_broadcast_4`: [`PARTIES`] threads meet [`ROUNDS`] times, as
//!   at a barrier: each arrival takes the lock and counts itself; the last
//!   of a round bumps the generation and calls `notify_all`, holding the
//!   lock, and the other four wait (`wait_for` / `wait_while`) until the
//!   generation moves. So every round is one notifier waking 4 sleeping
//!   waiters, and no round starts before all four have woken and come back
//!   (the next round needs every party's arrival). The generation is read
//!   and written only under the lock. This is where moving notified
//!   waiters onto the lock's queue (requeue, as parking_lot does) matters:
//!   without it, each woken waiter runs only to block on the lock that the
//!   notifier, or the waiter woken before it, still holds.
//!
//! Both groups go through [`time_threads`]: the threads are spawned once per
//! sample (once per `iter_custom` call, 20 equal samples), wait at a
//! barrier and run all of that sample's iterations back to back; the clock
//! starts when the barrier opens and stops when all have been joined. Every
//! contestant checks its final state outside the timed part.
//!
//! After each group, the same workload runs once more untimed
//! ([`count_switches`]) and the bench prints every contestant's context
//! switches, summed over its threads (from `/proc/thread-self/status`):
//! involuntary ones count preemptions, the sign of woken threads fighting
//! over the lock on 2 cores.
//!
//! The project's targets (issue 8): broadcast within 1.1× and ping-pong
//! within 1.0× of parking_lot's Condvar.
//!
//! Run with `cargo bench -p lockstep-bench --bench condition -- --noplot`:
//! about a minute after the build on a 2-core machine. Both groups measure
//! wake-up latency, which depends on where the scheduler puts the threads:
//! compare medians over more than one run, on a quiet machine; `taskset -c
//! 0` (all on one core) gives steadier, different numbers.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use lockstep_bench::{Switches, count_switches, time_threads};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

/// How many round trips (two hand-overs: 0 → 1 → 0) one criterion
/// iteration of `condition_ping_pong` makes.
const ROUND_TRIPS: u64 = 1_000;

/// How many rounds (one `notify_all` to 4 waiters each) one criterion
/// iteration of `condition_broadcast_4` makes.
const ROUNDS: u64 = 500;

/// The threads of `condition_broadcast_4`: one notifier and 4 waiters per
/// round.
const PARTIES: usize = 5;

/// How many iterations the untimed run that counts context switches makes.
const COUNTED_ITERATIONS: u64 = 20;

/// Settings shared by both groups. Each sample spawns threads and runs for
/// milliseconds, so a few samples of equal size (Flat: the median of
/// per-sample times is then meaningful) are enough.
fn threaded_group(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group.sample_size(20).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(3));
}

/// Prints one contestant's switches for `iterations` criterion iterations.
fn report(group: &str, contestant: &str, iterations: u64, switches: Option<Switches>) {
    match switches {
        Some(Switches { voluntary, involuntary }) => println!(
            "{group}/{contestant}: {involuntary} involuntary, {voluntary} voluntary context switches \
             in {iterations} iterations"
        ),
        None => println!("{group}/{contestant}: context switches not available (no /proc/thread-self)"),
    }
}

/// A `lockstep::Condition` and the turn it guards, as a Python user would
/// write it: `turn` is read and written only while holding the condition's
/// lock (an atomic only because `Condition` owns no data; Relaxed suffices).
struct ConditionTurns {
    cond: lockstep::Condition,
    turn: AtomicUsize,
}

fn lockstep_turn(shared: &ConditionTurns, me: usize) {
    let mut held = shared.cond.lock();
    held.wait_for(|| shared.turn.load(Relaxed) == me, None);
    shared.turn.store(1 - me, Relaxed);
    held.notify(1);
}

fn parking_lot_turn((turn, cvar): &(parking_lot::Mutex<usize>, parking_lot::Condvar), me: usize) {
    let mut turn = turn.lock();
    cvar.wait_while(&mut turn, |turn| *turn != me);
    *turn = 1 - me;
    cvar.notify_one();
}

fn std_turn((turn, cvar): &(std::sync::Mutex<usize>, std::sync::Condvar), me: usize) {
    let mut turn = cvar.wait_while(turn.lock().unwrap(), |turn| *turn != me).unwrap();
    *turn = 1 - me;
    cvar.notify_one();
}

fn condition_ping_pong(c: &mut Criterion) {
    const GROUP: &str = "condition_ping_pong";
    let mut group = c.benchmark_group(GROUP);
    threaded_group(&mut group);
    group.throughput(Throughput::Elements(ROUND_TRIPS));
    let lockstep = || ConditionTurns { cond: lockstep::Condition::new(), turn: AtomicUsize::new(0) };
    let parking_lot = || (parking_lot::Mutex::new(0_usize), parking_lot::Condvar::new());
    let std = || (std::sync::Mutex::new(0_usize), std::sync::Condvar::new());

    // Each thread makes one hand-over per round trip; every contestant
    // checks the turn came back to thread 0.
    let names = [
        "lockstep::Condition wait_for+notify",
        "parking_lot Mutex<usize>+Condvar wait_while+notify_one",
        "std Mutex<usize>+Condvar wait_while+notify_one",
    ];
    group.bench_function(names[0], |b| {
        b.iter_custom(|iters| {
            let shared = lockstep();
            let elapsed = time_threads(&shared, 2, iters * ROUND_TRIPS, lockstep_turn);
            assert_eq!(shared.turn.into_inner(), 0);
            elapsed
        })
    });
    group.bench_function(names[1], |b| {
        b.iter_custom(|iters| {
            let shared = parking_lot();
            let elapsed = time_threads(&shared, 2, iters * ROUND_TRIPS, parking_lot_turn);
            assert_eq!(shared.0.into_inner(), 0);
            elapsed
        })
    });
    group.bench_function(names[2], |b| {
        b.iter_custom(|iters| {
            let shared = std();
            let elapsed = time_threads(&shared, 2, iters * ROUND_TRIPS, std_turn);
            assert_eq!(shared.0.into_inner().unwrap(), 0);
            elapsed
        })
    });
    group.finish();

    let steps = COUNTED_ITERATIONS * ROUND_TRIPS;
    report(GROUP, names[0], COUNTED_ITERATIONS, count_switches(&lockstep(), 2, steps, lockstep_turn));
    report(GROUP, names[1], COUNTED_ITERATIONS, count_switches(&parking_lot(), 2, steps, parking_lot_turn));
    report(GROUP, names[2], COUNTED_ITERATIONS, count_switches(&std(), 2, steps, std_turn));
}

/// `condition_broadcast_4`'s shared state for lockstep: who has arrived in
/// this round and which round it is, both read and written only while
/// holding the condition's lock (atomics only because `Condition` owns no
/// data; Relaxed suffices).
struct ConditionRounds {
    cond: lockstep::Condition,
    arrived: AtomicUsize,
    generation: AtomicU64,
}

/// The same state for the Mutex + Condvar contestants.
#[derive(Default)]
struct Rounds {
    arrived: usize,
    generation: u64,
}

fn lockstep_arrive(shared: &ConditionRounds, _me: usize) {
    let mut held = shared.cond.lock();
    let generation = shared.generation.load(Relaxed);
    if shared.arrived.load(Relaxed) + 1 == PARTIES {
        shared.arrived.store(0, Relaxed);
        shared.generation.store(generation + 1, Relaxed);
        held.notify_all();
    } else {
        shared.arrived.store(shared.arrived.load(Relaxed) + 1, Relaxed);
        held.wait_for(|| shared.generation.load(Relaxed) != generation, None);
    }
}

fn parking_lot_arrive((rounds, cvar): &(parking_lot::Mutex<Rounds>, parking_lot::Condvar), _me: usize) {
    let mut rounds = rounds.lock();
    let generation = rounds.generation;
    if rounds.arrived + 1 == PARTIES {
        *rounds = Rounds { arrived: 0, generation: generation + 1 };
        cvar.notify_all();
    } else {
        rounds.arrived += 1;
        cvar.wait_while(&mut rounds, |rounds| rounds.generation == generation);
    }
}

fn std_arrive((rounds, cvar): &(std::sync::Mutex<Rounds>, std::sync::Condvar), _me: usize) {
    let mut rounds = rounds.lock().unwrap();
    let generation = rounds.generation;
    if rounds.arrived + 1 == PARTIES {
        *rounds = Rounds { arrived: 0, generation: generation + 1 };
        cvar.notify_all();
    } else {
        rounds.arrived += 1;
        let _rounds = cvar.wait_while(rounds, |rounds| rounds.generation == generation).unwrap();
    }
}

fn condition_broadcast_4(c: &mut Criterion) {
    const GROUP: &str = "condition_broadcast_4";
    let mut group = c.benchmark_group(GROUP);
    threaded_group(&mut group);
    group.throughput(Throughput::Elements(ROUNDS));
    let lockstep = || ConditionRounds {
        cond: lockstep::Condition::new(),
        arrived: AtomicUsize::new(0),
        generation: AtomicU64::new(0),
    };
    let parking_lot = || (parking_lot::Mutex::new(Rounds::default()), parking_lot::Condvar::new());
    let std = || (std::sync::Mutex::new(Rounds::default()), std::sync::Condvar::new());

    // Each party arrives once per round; every contestant checks it made
    // exactly that many rounds and nobody is left waiting.
    let names = [
        "lockstep::Condition notify_all+wait_for",
        "parking_lot Mutex+Condvar notify_all+wait_while",
        "std Mutex+Condvar notify_all+wait_while",
    ];
    group.bench_function(names[0], |b| {
        b.iter_custom(|iters| {
            let shared = lockstep();
            let elapsed = time_threads(&shared, PARTIES, iters * ROUNDS, lockstep_arrive);
            assert_eq!((shared.generation.into_inner(), shared.arrived.into_inner()), (iters * ROUNDS, 0));
            elapsed
        })
    });
    group.bench_function(names[1], |b| {
        b.iter_custom(|iters| {
            let shared = parking_lot();
            let elapsed = time_threads(&shared, PARTIES, iters * ROUNDS, parking_lot_arrive);
            let rounds = shared.0.into_inner();
            assert_eq!((rounds.generation, rounds.arrived), (iters * ROUNDS, 0));
            elapsed
        })
    });
    group.bench_function(names[2], |b| {
        b.iter_custom(|iters| {
            let shared = std();
            let elapsed = time_threads(&shared, PARTIES, iters * ROUNDS, std_arrive);
            let rounds = shared.0.into_inner().unwrap();
            assert_eq!((rounds.generation, rounds.arrived), (iters * ROUNDS, 0));
            elapsed
        })
    });
    group.finish();

    let steps = COUNTED_ITERATIONS * ROUNDS;
    report(GROUP, names[0], COUNTED_ITERATIONS, count_switches(&lockstep(), PARTIES, steps, lockstep_arrive));
    report(
        GROUP,
        names[1],
        COUNTED_ITERATIONS,
        count_switches(&parking_lot(), PARTIES, steps, parking_lot_arrive),
    );
    report(GROUP, names[2], COUNTED_ITERATIONS, count_switches(&std(), PARTIES, steps, std_arrive));
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = condition_ping_pong, condition_broadcast_4
}
criterion_main!(benches);
