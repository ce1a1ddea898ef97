//! Probes that pin what each loom leg can see (see `sync/src/lib.rs`,
//! "What each model-checking leg misses").
//!
//! Each probe is a tiny program whose possible outcomes are known from the
//! memory model; it runs under `loom::model`, collects the outcome of every
//! execution in a std `Mutex<HashSet>` (outside loom's view, so it adds no
//! interleavings), and asserts what the current leg finds. A probe that
//! fails after a loom upgrade means a blind spot moved: update the crate
//! docs, and maybe retire a leg.
//!
//! Run on both legs (release, `LOOM_MAX_PREEMPTIONS=3`; each probe explores
//! a handful of executions and ignores the bound):
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p lockstep-sync --test loom_probes`
//! and the same with `--cfg loom --cfg loom_rmw` in `target/loom-rmw`.
#![cfg(loom)]

use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::{Acquire, Relaxed, Release};
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use std::collections::HashSet;
use std::hash::Hash;
use std::sync::Mutex;

/// Runs `body` under `loom::model` and returns the set of outcomes it
/// produced, with the number of executions explored.
fn outcomes<T, F>(body: F) -> (HashSet<T>, usize)
where
    T: Eq + Hash + Send + 'static,
    F: Fn() -> T + Send + Sync + 'static,
{
    // std types on purpose: loom must not see the bookkeeping.
    let seen = std::sync::Arc::new(Mutex::new((HashSet::new(), 0usize)));
    let record = std::sync::Arc::clone(&seen);
    loom::model(move || {
        let outcome = body();
        let mut seen = record.lock().unwrap();
        seen.0.insert(outcome);
        seen.1 += 1;
    });
    let (set, executions) = std::mem::take(&mut *seen.lock().unwrap());
    println!("{executions} executions, outcomes seen: {}", set.len());
    (set, executions)
}

/// tokio-rs/loom#392: `spawned: x.load(); x.store(1)` ‖ `main: r = x.load()`.
/// Both `r = 0` (main reads first) and `r = 1` (main reads after the store)
/// are possible on any machine.
fn load_then_store_race() -> (HashSet<usize>, usize) {
    outcomes(|| {
        let x = Arc::new(AtomicUsize::new(0));
        let spawned = {
            let x = Arc::clone(&x);
            thread::spawn(move || {
                // Acquire/Release: the orderings our primitives use for a
                // check-then-set; the miss does not depend on them.
                let _ = x.load(Acquire);
                x.store(1, Release);
            })
        };
        let r = x.load(Acquire);
        spawned.join().unwrap();
        r
    })
}

/// Pins the RMW leg's reason to exist: with every load an RMW, loom tries
/// main's load after the spawned thread's store, so both outcomes appear.
#[cfg(loom_rmw)]
#[test]
fn rmw_leg_sees_both_orders_of_load_then_store() {
    let (seen, _) = load_then_store_race();
    assert_eq!(seen, HashSet::from([0, 1]), "the RMW leg must explore both orders (loom#392)");
}

/// Records the plain leg's #392 miss: loom 0.7.3 explores one order only.
/// When this fails, loom has fixed tokio-rs/loom#392: the RMW leg (and
/// `sync/src/loom_atomic.rs`) may then be retired.
#[cfg(not(loom_rmw))]
#[test]
fn plain_leg_misses_an_order_of_load_then_store() {
    let (seen, executions) = load_then_store_race();
    assert_eq!(
        seen.len(),
        1,
        "plain loom now sees {seen:?} in {executions} executions: loom fixed tokio-rs/loom#392, \
         so the loom_rmw leg may be retired (update sync/src/lib.rs and .ci/run)"
    );
}

/// Store buffering, Relaxed: `x=1; r1=y` ‖ `y=1; r2=x`. `(0,0)` is allowed
/// (each thread's store still sitting in its store buffer) and real
/// hardware shows it.
fn store_buffering() -> (HashSet<(usize, usize)>, usize) {
    outcomes(|| {
        let x = Arc::new(AtomicUsize::new(0));
        let y = Arc::new(AtomicUsize::new(0));
        let spawned = {
            let (x, y) = (Arc::clone(&x), Arc::clone(&y));
            thread::spawn(move || {
                x.store(1, Relaxed);
                y.load(Relaxed)
            })
        };
        y.store(1, Relaxed);
        let r2 = x.load(Relaxed);
        let r1 = spawned.join().unwrap();
        (r1, r2)
    })
}

/// Pins the plain leg's stale loads: it returns a value older than the
/// latest store, so store buffering's `(0,0)` is found.
#[cfg(not(loom_rmw))]
#[test]
fn plain_leg_sees_store_buffering() {
    let (seen, _) = store_buffering();
    assert!(seen.contains(&(0, 0)), "plain loom must return stale loads; saw only {seen:?}");
}

/// Pins the RMW leg's blind spot: an RMW always reads the latest value, so
/// `(0,0)` never appears. A bug that needs a stale load is caught only by
/// the plain leg.
#[cfg(loom_rmw)]
#[test]
fn rmw_leg_never_sees_store_buffering() {
    let (seen, _) = store_buffering();
    assert!(!seen.contains(&(0, 0)), "the RMW leg returned a stale load: update the crate docs");
    assert_eq!(seen, HashSet::from([(0, 1), (1, 0), (1, 1)]));
}

/// Relaxed message passing: `data=1; flag=1` ‖ `if flag==1 { r=data }`,
/// everything Relaxed. `flag=1, data=0` is allowed (nothing orders the two
/// stores for the reader).
fn relaxed_message_passing() -> (HashSet<(usize, usize)>, usize) {
    outcomes(|| {
        let data = Arc::new(AtomicUsize::new(0));
        let flag = Arc::new(AtomicUsize::new(0));
        let writer = {
            let (data, flag) = (Arc::clone(&data), Arc::clone(&flag));
            thread::spawn(move || {
                data.store(1, Relaxed);
                flag.store(1, Relaxed);
            })
        };
        let seen_flag = flag.load(Relaxed);
        let seen_data = data.load(Relaxed);
        writer.join().unwrap();
        (seen_flag, seen_data)
    })
}

/// Pins the plain leg's stale loads again: `flag=1, data=0` is found.
#[cfg(not(loom_rmw))]
#[test]
fn plain_leg_sees_relaxed_message_passing_fail() {
    let (seen, _) = relaxed_message_passing();
    assert!(seen.contains(&(1, 0)), "plain loom must return stale loads; saw only {seen:?}");
}

/// Pins the RMW leg's blind spot: `flag=1, data=0` never appears, so a
/// missing Release/Acquire on a flag guarding an *atomic* is invisible
/// there (data in an `UnsafeCell` is still checked by the race detector).
#[cfg(loom_rmw)]
#[test]
fn rmw_leg_never_sees_relaxed_message_passing_fail() {
    let (seen, _) = relaxed_message_passing();
    assert!(!seen.contains(&(1, 0)), "the RMW leg returned a stale load: update the crate docs");
}

/// A release sequence broken by a plain store. The writer publishes `data`
/// with `flag.store(1, Release)`; a relay thread that saw 1 overwrites it
/// with a *plain* Relaxed `flag.store(2)`, which is not part of the
/// writer's release sequence; the reader, on `flag.load(Acquire) == 2`,
/// reads `data`. Nothing orders the writer's write before that read: a data
/// race, which loom's `UnsafeCell` reports as a causality violation.
///
/// On the RMW leg the relay's load and store are both RMWs, which loom
/// places in the writer's release sequence (an RMW takes the clock of the
/// value it read), so the reader synchronizes with the writer and the race
/// is hidden.
fn broken_release_sequence() -> (HashSet<bool>, usize) {
    outcomes(|| {
        let data = Arc::new(UnsafeCell::new(0usize));
        let flag = Arc::new(AtomicUsize::new(0));
        let writer = {
            let (data, flag) = (Arc::clone(&data), Arc::clone(&flag));
            thread::spawn(move || {
                // SAFETY: the probe's point: the reader's access may race
                // with this one, and loom reports it (plain leg).
                data.with_mut(|value| unsafe { *value = 1 });
                flag.store(1, Release);
            })
        };
        let relay = {
            let flag = Arc::clone(&flag);
            thread::spawn(move || {
                if flag.load(Relaxed) == 1 {
                    flag.store(2, Relaxed);
                }
            })
        };
        let mut read = false;
        if flag.load(Acquire) == 2 {
            // SAFETY: as above; this is the racing read.
            let value = data.with(|value| unsafe { *value });
            assert_eq!(value, 1);
            read = true;
        }
        writer.join().unwrap();
        relay.join().unwrap();
        read
    })
}

/// Pins the plain leg's race detection through atomics: the broken release
/// sequence is reported.
#[cfg(not(loom_rmw))]
#[test]
#[should_panic(expected = "Causality violation")]
fn plain_leg_reports_a_broken_release_sequence() {
    broken_release_sequence();
}

/// Pins the RMW leg's blind spot: the same race passes, having been
/// explored (the reader did read `data` after seeing 2).
#[cfg(loom_rmw)]
#[test]
fn rmw_leg_misses_a_broken_release_sequence() {
    let (seen, _) = broken_release_sequence();
    assert!(seen.contains(&true), "the racing read was never reached: the probe proves nothing");
}
