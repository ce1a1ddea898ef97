//! Loom models of `Barrier`, written for `LOOM_MAX_PREEMPTIONS=3` (`.ci/run`),
//! except the three-party model, which caps itself at 2 preemptions (at 3
//! it takes about 400 s on 2 cores; at 2, about 6 s).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-condition --test loom_barrier`
#![cfg(loom)]

use lockstep_condition::{Barrier, BrokenBarrierError};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use loom::thread;

/// `parties` threads (main among them) pass the barrier twice; every
/// generation hands out each index once and runs the action once.
fn two_generations(parties: usize, max_preemptions: usize) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound =
        Some(builder.preemption_bound.map_or(max_preemptions, |b| b.min(max_preemptions)));
    builder.check(move || {
        let actions = Arc::new(AtomicUsize::new(0));
        let barrier = {
            let actions = actions.clone();
            Arc::new(Barrier::new(parties).with_action(move || {
                actions.fetch_add(1, Relaxed);
            }))
        };
        let pass_twice = {
            let barrier = barrier.clone();
            move || [barrier.wait().unwrap(), barrier.wait().unwrap()]
        };
        let others: Vec<_> = (1..parties).map(|_| thread::spawn(pass_twice.clone())).collect();
        let mut seen = vec![pass_twice()];
        seen.extend(others.into_iter().map(|t| t.join().unwrap()));
        for generation in 0..2 {
            let mut indices: Vec<usize> = seen.iter().map(|pair| pair[generation]).collect();
            indices.sort();
            assert_eq!(indices, (0..parties).collect::<Vec<_>>(), "generation {generation}");
        }
        assert_eq!(actions.load(Relaxed), 2);
        assert_eq!(barrier.n_waiting(), 0);
    });
}

#[test]
fn two_parties_two_generations_get_distinct_indices_and_one_action_each() {
    two_generations(2, 3);
}

#[test]
fn three_parties_two_generations_get_distinct_indices_and_one_action_each() {
    two_generations(3, 2);
}

#[test]
fn abort_racing_a_waiter_breaks_it_cleanly() {
    loom::model(|| {
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
