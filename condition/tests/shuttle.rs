//! Randomized schedules (shuttle) for `Condition` and `Barrier`: three
//! waiters woken by `notify_all`, and a 3-party barrier over 3 generations,
//! beyond what the loom models can explore.
//!
//! Shuttle treats every atomic as SeqCst and has no race detector: these
//! check wake-ups (a run in which every thread is parked fails as a
//! deadlock), the data the lock protects, and the barrier's indices.
//!
//! Run: `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test --release -p lockstep-condition --test shuttle`
#![cfg(shuttle)]

#[path = "../../sync/tests/support/shuttle_run.rs"]
mod shuttle_run;

use lockstep_condition::{Barrier, Condition};
use lockstep_sync::cell::UnsafeCell;
use shuttle::sync::atomic::AtomicUsize;
use shuttle::thread;
use shuttle_run::check;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;

/// Items a producer made and consumers took, guarded by the condition's lock.
struct Stock {
    cond: Condition,
    /// `(available, taken)`; only touched while `cond`'s lock is held.
    counts: UnsafeCell<(usize, usize)>,
}

// SAFETY: `counts` is only accessed while `cond`'s lock is held.
unsafe impl Sync for Stock {}

/// Three consumers each wait (in the `while` loop Python prescribes) for
/// an item; a producer adds one item, then two, calling `notify_all` after
/// each batch. Every consumer gets exactly one, nothing is left, and
/// nobody is left waiting.
#[test]
fn notify_all_producer_and_three_consumers() {
    check("condition: notify_all to 3 consumers", 5000, || {
        let stock = Arc::new(Stock { cond: Condition::new(), counts: UnsafeCell::new((0, 0)) });
        let consumers: Vec<_> = (0..3)
            .map(|_| {
                let stock = Arc::clone(&stock);
                thread::spawn(move || {
                    stock.cond.acquire();
                    // SAFETY: `cond`'s lock is held (`wait` re-acquires it
                    // before returning).
                    while stock.counts.with(|counts| unsafe { (*counts).0 }) == 0 {
                        stock.cond.wait().unwrap();
                    }
                    // SAFETY: as above.
                    let (available, taken) = stock.counts.with(|counts| unsafe { *counts });
                    thread::yield_now();
                    // SAFETY: as above; a second consumer in here would
                    // lose an update.
                    stock.counts.with_mut(|counts| unsafe { *counts = (available - 1, taken + 1) });
                    stock.cond.release().unwrap();
                })
            })
            .collect();
        // One item, then two at once: the single `notify_all` after the
        // batch must wake every consumer still waiting (a `notify` would
        // leave one parked with an item available).
        for batch in [1, 2] {
            stock.cond.acquire();
            // SAFETY: `cond`'s lock is held.
            stock.counts.with_mut(|counts| unsafe { (*counts).0 += batch });
            stock.cond.notify_all().unwrap();
            stock.cond.release().unwrap();
        }
        for consumer in consumers {
            consumer.join().unwrap();
        }
        // SAFETY: every other thread was joined.
        assert_eq!(stock.counts.with(|counts| unsafe { *counts }), (0, 3));
        assert!(!stock.cond.locked());
    });
}

/// A 3-party barrier over 3 generations: in each generation the indices
/// `wait` returns are a permutation of 0..3, and nobody passes a
/// generation before all three arrived at it.
#[test]
fn three_party_barrier_over_three_generations() {
    const PARTIES: usize = 3;
    const GENERATIONS: usize = 3;
    check("barrier(3): 3 generations", 5000, || {
        let barrier = Arc::new(Barrier::new(PARTIES));
        // arrived[g]: parties that reached generation g's wait.
        let arrived: Arc<[AtomicUsize; GENERATIONS]> = Arc::new(Default::default());
        // indices[g]: bit i set once some party got index i in generation g.
        let indices: Arc<[AtomicUsize; GENERATIONS]> = Arc::new(Default::default());
        let parties: Vec<_> = (0..PARTIES)
            .map(|_| {
                let (barrier, arrived, indices) =
                    (Arc::clone(&barrier), Arc::clone(&arrived), Arc::clone(&indices));
                thread::spawn(move || {
                    for generation in 0..GENERATIONS {
                        arrived[generation].fetch_add(1, SeqCst);
                        let index = barrier.wait().expect("nobody breaks this barrier");
                        assert_eq!(
                            arrived[generation].load(SeqCst),
                            PARTIES,
                            "passed generation {generation} before everyone arrived"
                        );
                        assert!(index < PARTIES, "index {index} out of range");
                        let before = indices[generation].fetch_or(1 << index, SeqCst);
                        assert_eq!(before & (1 << index), 0, "index {index} given twice in {generation}");
                    }
                })
            })
            .collect();
        for party in parties {
            party.join().unwrap();
        }
        for generation in indices.iter() {
            assert_eq!(generation.load(SeqCst), 0b111, "indices are not a permutation of 0..3");
        }
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    });
}
