//! Loom models of `Barrier`, at 3 preemptions in both legs (see
//! `sync/tests/support/loom_model.rs`), except the three-party model,
//! which the plain leg caps at 2 (see its comment).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-condition --test loom_barrier`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! A barrier orders everything before `wait` in every party before
//! everything after it. The models check that with plain `UnsafeCell`s:
//! each party writes its own slot before a wait and reads the others'
//! after it, so a barrier that lets a thread through early, or publishes
//! nothing, is a data race loom reports in either leg; a waiter left
//! asleep is loom's "deadlock".
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_condition::{Barrier, BrokenBarrierError};
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_model::{Bound, check, check_bounded};
use std::time::Duration;

/// A value written and read on both sides of a barrier, never under a lock.
struct Slot(UnsafeCell<usize>);

// SAFETY: every access is ordered by the barrier the model is testing; a
// broken barrier is a race loom reports.
unsafe impl Sync for Slot {}

impl Slot {
    fn new() -> Slot {
        Slot(UnsafeCell::new(0))
    }

    fn set(&self, value: usize) {
        // SAFETY: see `impl Sync`: the barrier orders this against every
        // other access.
        self.0.with_mut(|slot| unsafe { *slot = value });
    }

    fn get(&self) -> usize {
        // SAFETY: as in `set`.
        self.0.with(|slot| unsafe { *slot })
    }
}

/// `parties` threads (main among them) pass the barrier twice; every
/// generation hands out each index once, runs the action once, and orders
/// what each party wrote before it against what every party does after.
fn two_generations(parties: usize, bound: Bound) {
    check_bounded(bound, move || {
        let slots: Arc<Vec<Slot>> = Arc::new((0..parties).map(|_| Slot::new()).collect());
        // Run by the last arriver of each generation, a different thread
        // each time, with no lock: only the barrier orders the two runs.
        let actions = Arc::new(Slot::new());
        let barrier = {
            let actions = actions.clone();
            Arc::new(Barrier::new(parties).with_action(move || actions.set(actions.get() + 1)))
        };
        let party = {
            let (barrier, slots) = (barrier.clone(), slots.clone());
            move |me: usize| {
                slots[me].set(1);
                let first = barrier.wait().unwrap();
                assert!(slots.iter().all(|slot| slot.get() == 1));
                let second = barrier.wait().unwrap();
                // Every party's read above happened before this write.
                slots[me].set(2);
                [first, second]
            }
        };
        let others: Vec<_> = (1..parties)
            .map(|me| {
                let party = party.clone();
                thread::spawn(move || party(me))
            })
            .collect();
        let mut seen = vec![party(0)];
        seen.extend(others.into_iter().map(|t| t.join().unwrap()));
        for generation in 0..2 {
            let mut indices: Vec<usize> = seen.iter().map(|pair| pair[generation]).collect();
            indices.sort();
            assert_eq!(indices, (0..parties).collect::<Vec<_>>(), "generation {generation}");
        }
        assert!(slots.iter().all(|slot| slot.get() == 2));
        assert_eq!(actions.get(), 2);
        assert_eq!(barrier.n_waiting(), 0);
    });
}

#[test]
fn two_parties_two_generations_get_distinct_indices_and_one_action_each() {
    two_generations(2, loom_model::UNCAPPED);
}

#[test]
fn three_parties_two_generations_get_distinct_indices_and_one_action_each() {
    // Three threads over two generations. Measured on 2 cores: RMW leg
    // 97,581 executions in ~15 s at 3; plain leg 55,492 in ~7 s at 2 but
    // 1,791,402 in ~230 s at 3 (stale loads multiply the executions), so
    // the plain leg caps it at 2. The two-party model runs at 3 in both.
    two_generations(3, Bound { plain: Some(2), rmw: None });
}

#[test]
fn a_timed_out_wait_breaks_the_barrier_for_both_or_neither() {
    // The timeout may fire at any point once the hasty party is queued.
    // Either the cycle completes (both pass, with indices 0 and 1) or the
    // timeout breaks it for both: never one through and one broken.
    check(|| {
        let barrier = Arc::new(Barrier::new(2));
        let hasty = {
            let barrier = barrier.clone();
            thread::spawn(move || barrier.wait_timeout(Duration::from_secs(1)))
        };
        let mine = barrier.wait();
        let theirs = hasty.join().unwrap();
        match (mine, theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a + b, 1),
            (Err(BrokenBarrierError), Err(BrokenBarrierError)) => assert!(barrier.broken()),
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn a_timed_out_wait_wakes_the_other_waiters_with_an_error() {
    // Three parties, two come: only the timeout can end the cycle, and
    // breaking it must wake the untimed waiter too.
    check(|| {
        let barrier = Arc::new(Barrier::new(3));
        let hasty = {
            let barrier = barrier.clone();
            thread::spawn(move || barrier.wait_timeout(Duration::from_secs(1)))
        };
        assert_eq!(barrier.wait(), Err(BrokenBarrierError));
        assert_eq!(hasty.join().unwrap(), Err(BrokenBarrierError));
        assert!(barrier.broken());
    });
}

#[test]
fn reset_racing_a_waiter_fails_it_once_and_leaves_the_barrier_usable() {
    // The waiter is either caught by the reset (an error, then it waits
    // again) or arrives after it; main resets and then waits once. Either
    // way the two meet in a clean cycle and the barrier ends unbroken.
    check(|| {
        let barrier = Arc::new(Barrier::new(2));
        let waiter = {
            let barrier = barrier.clone();
            thread::spawn(move || match barrier.wait() {
                Ok(index) => (index, false),
                Err(BrokenBarrierError) => (barrier.wait().unwrap(), true),
            })
        };
        barrier.reset();
        let mine = barrier.wait().unwrap();
        let (theirs, _was_reset) = waiter.join().unwrap();
        assert_eq!(mine + theirs, 1);
        assert!(!barrier.broken());
        assert_eq!(barrier.n_waiting(), 0);
    });
}

#[test]
fn abort_racing_a_waiter_breaks_it_cleanly() {
    check(|| {
        let barrier = Arc::new(Barrier::new(2));
        let waiter = {
            let barrier = barrier.clone();
            thread::spawn(move || barrier.wait())
        };
        barrier.abort();
        assert_eq!(waiter.join().unwrap(), Err(BrokenBarrierError));
        assert!(barrier.broken());
    });
}
