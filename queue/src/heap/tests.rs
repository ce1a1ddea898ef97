//! The stable heap's own tests; `tests/` has the queue-level ones.

use super::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

fn drain(heap: &mut StableHeap<u8>) -> Vec<(u8, u64)> {
    std::iter::from_fn(|| heap.pop()).map(|r| (r.item, r.seq)).collect()
}

#[test]
fn pops_smallest_then_oldest_for_every_small_input() {
    // Every sequence of up to 8 pushes of items 0..3, with a pop after
    // every third push in one pass: against a sorted list.
    for len in 0..=8u32 {
        for code in 0..3u32.pow(len) {
            let items: Vec<u8> = (0..len).map(|i| (code / 3u32.pow(i) % 3) as u8).collect();
            let mut heap = StableHeap::with_capacity(0);
            let mut model: Vec<(u8, u64)> = Vec::new();
            for (seq, &item) in items.iter().enumerate() {
                heap.push(Ranked { item, seq: seq as u64 });
                model.push((item, seq as u64));
                if code % 2 == 1 && seq % 3 == 2 {
                    model.sort();
                    let got = heap.pop().map(|r| (r.item, r.seq));
                    assert_eq!(got, Some(model.remove(0)), "{items:?}");
                }
            }
            model.sort();
            assert_eq!(heap.len(), model.len());
            assert_eq!(drain(&mut heap), model, "{items:?}");
        }
    }
}

#[test]
fn pops_smallest_then_oldest_in_long_random_runs() {
    // Deep enough for full families below the root (the branch-free pick)
    // and for runs that come and go; few distinct items, so ties abound.
    let mut state = 1_u64;
    let mut next = move || {
        // splitmix64: a stateless mix of a counter, enough for test input.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let z = (state ^ (state >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for round in 0..300_u64 {
        let values = 1 + round % 9;
        let mut heap = StableHeap::with_capacity(0);
        let mut model: Vec<(u8, u64)> = Vec::new();
        for seq in 0..400 {
            let item = (next() % values) as u8;
            heap.push(Ranked { item, seq });
            model.push((item, seq));
            // Pops a third of the time early on, more later: the heap grows, then shrinks.
            if next() % 6 < if seq < 250 { 2 } else { 5 } {
                model.sort();
                assert_eq!(heap.pop().map(|r| (r.item, r.seq)), Some(model.remove(0)), "round {round}");
            }
            assert_eq!(heap.len(), model.len());
        }
        model.sort();
        assert_eq!(drain(&mut heap), model, "round {round}");
    }
}

#[test]
fn equal_items_at_the_front_skip_the_heap() {
    let mut heap = StableHeap::with_capacity(0);
    let mut seq = 0;
    let mut push = |heap: &mut StableHeap<u8>, item| {
        heap.push(Ranked { item, seq });
        seq += 1;
    };
    // Into an empty heap, the first goes to the run; it leaves first.
    [4, 2, 5, 7].into_iter().for_each(|item| push(&mut heap, item));
    assert_eq!((heap.items.len(), heap.run.len()), (3, 1));
    assert_eq!(heap.pop().map(|r| (r.item, r.seq)), Some((2, 1)));
    assert_eq!(heap.pop().map(|r| (r.item, r.seq)), Some((4, 0)));
    // Now equal to the root (5): a new run, which takes its equals after it.
    [5, 5, 6, 5].into_iter().for_each(|item| push(&mut heap, item));
    assert_eq!((heap.items.len(), heap.run.len()), (3, 3));
    assert_eq!(drain(&mut heap), [(5, 2), (5, 4), (5, 5), (5, 7), (6, 6), (7, 3)]);
}

/// Panics in its comparison once armed, and counts its drops.
struct Bomb<'a> {
    value: u8,
    armed: &'a std::cell::Cell<bool>,
    drops: &'a std::cell::Cell<usize>,
}
impl PartialEq for Bomb<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Bomb<'_> {}
impl PartialOrd for Bomb<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Bomb<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        assert!(!self.armed.get(), "boom");
        self.value.cmp(&other.value)
    }
}
impl Drop for Bomb<'_> {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

#[test]
fn a_panicking_comparison_loses_and_duplicates_nothing() {
    let (armed, drops) = (std::cell::Cell::new(false), std::cell::Cell::new(0));
    let bomb = |value| Bomb { value, armed: &armed, drops: &drops };
    let mut heap = StableHeap::with_capacity(0);
    for (seq, value) in [1, 5, 3, 8, 9, 2, 7].into_iter().enumerate() {
        heap.push(Ranked { item: bomb(value), seq: seq as u64 });
    }
    // The first push went to the run, alone; now it is empty again.
    assert_eq!(heap.pop().map(|r| r.item.value), Some(1));
    armed.set(true);
    let push = catch_unwind(AssertUnwindSafe(|| heap.push(Ranked { item: bomb(0), seq: 7 })));
    assert!(push.is_err());
    // Kept, at the end of the heap (out of order).
    assert_eq!((heap.len(), drops.get()), (7, 1));
    let pop = catch_unwind(AssertUnwindSafe(|| heap.pop()));
    assert!(pop.is_err());
    // The sift panicked: its root (2) was dropped by the unwind; the
    // other 6 are all still there, each once.
    assert_eq!((heap.len(), drops.get()), (6, 2));
    armed.set(false);
    let mut values: Vec<u8> = std::iter::from_fn(|| heap.pop()).map(|r| r.item.value).collect();
    values.sort();
    assert_eq!(values, [0, 3, 5, 7, 8, 9]);
    assert_eq!(drops.get(), 8);

    // A pop that panics choosing between the run and the heap moves nothing.
    heap.push(Ranked { item: bomb(5), seq: 8 });
    heap.push(Ranked { item: bomb(3), seq: 9 });
    armed.set(true);
    assert!(catch_unwind(AssertUnwindSafe(|| heap.pop())).is_err());
    assert_eq!((heap.len(), drops.get()), (2, 8));
    armed.set(false);
    let values: Vec<u8> = std::iter::from_fn(|| heap.pop()).map(|r| r.item.value).collect();
    assert_eq!(values, [3, 5]);
}
