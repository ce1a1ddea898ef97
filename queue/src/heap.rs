//! The stable binary min-heap behind [`Priority`](crate::Priority).
//!
//! Written out rather than `BinaryHeap<(item, insertion number)>`: issue
//! 14 measured std's heap of that entry at 1.45-1.7x a heap of bare `u64`s
//! on one thread and 1.8x under contention. This one is the same algorithm
//! (a hole sifted down to the bottom, then up: Floyd's pop, as std's),
//! with the order test written for it; the README has its figures. What it
//! saves: the test reads the insertion number only on a tie, the child
//! pick between two different items is branch-free (and between tied ones
//! a branch: `sift_down_to_bottom` says why), and one hole carries the
//! element down and back up.

use std::mem::ManuallyDrop;
use std::ptr;

/// An item and its insertion number.
pub(crate) struct Ranked<T> {
    pub(crate) item: T,
    pub(crate) seq: u64,
}

/// Whether `a` leaves before `b`: a smaller item, or an equal one put
/// earlier. Insertion numbers are unique, so this is a strict total order.
/// The cheap number test goes first, so a tie costs two item comparisons
/// only when `a` is the older entry.
#[inline]
fn before<T: Ord>(a: &Ranked<T>, b: &Ranked<T>) -> bool {
    a.item < b.item || (a.seq < b.seq && a.item == b.item)
}

/// A min-heap in a `Vec`: `heap[i]` leaves no later than its children
/// `heap[2i + 1]` and `heap[2i + 2]`.
pub(crate) struct StableHeap<T> {
    heap: Vec<Ranked<T>>,
}

impl<T: Ord> StableHeap<T> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        StableHeap { heap: Vec::with_capacity(capacity) }
    }

    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }

    pub(crate) fn push(&mut self, entry: Ranked<T>) {
        self.heap.push(entry);
        let last = self.heap.len() - 1;
        // SAFETY: `last` is in bounds: we just pushed it.
        let mut hole = unsafe { Hole::new(&mut self.heap, last) };
        hole.sift_up();
    }

    pub(crate) fn pop(&mut self) -> Option<Ranked<T>> {
        let mut entry = self.heap.pop()?;
        if !self.heap.is_empty() {
            // The last entry takes the root's place and sinks; the root leaves.
            std::mem::swap(&mut entry, &mut self.heap[0]);
            // SAFETY: 0 is in bounds: the heap is not empty.
            let mut hole = unsafe { Hole::new(&mut self.heap, 0) };
            hole.sift_down_to_bottom();
            hole.sift_up();
        }
        Some(entry)
    }
}

/// A slot of the heap whose entry has been taken out (into `entry`) while
/// it is sifted; every other slot holds a live entry. Dropping the hole
/// writes the entry into it, so a panicking item comparison leaves the
/// heap whole (every entry once), if out of order. std's `BinaryHeap`
/// works the same way.
struct Hole<'a, T> {
    heap: &'a mut [Ranked<T>],
    entry: ManuallyDrop<Ranked<T>>,
    pos: usize,
}

impl<'a, T: Ord> Hole<'a, T> {
    /// # Safety
    /// `pos` must be in bounds.
    unsafe fn new(heap: &'a mut [Ranked<T>], pos: usize) -> Self {
        debug_assert!(pos < heap.len());
        // SAFETY: in bounds (the caller's promise); the slot counts as empty
        // from here on, and `Drop` fills it.
        let entry = unsafe { ptr::read(heap.as_ptr().add(pos)) };
        Hole { heap, entry: ManuallyDrop::new(entry), pos }
    }

    /// The entry in slot `index`.
    ///
    /// # Safety
    /// `index` must be in bounds and not the hole.
    #[inline]
    unsafe fn get(&self, index: usize) -> &Ranked<T> {
        debug_assert!(index != self.pos && index < self.heap.len());
        // SAFETY: in bounds and a live entry (the caller's promise).
        unsafe { self.heap.get_unchecked(index) }
    }

    /// Moves the entry of slot `index` into the hole, which moves there.
    ///
    /// # Safety
    /// `index` must be in bounds and not the hole.
    #[inline]
    unsafe fn move_to(&mut self, index: usize) {
        debug_assert!(index != self.pos && index < self.heap.len());
        let base = self.heap.as_mut_ptr();
        // SAFETY: both slots are in bounds and distinct (the caller's
        // promise); the hole's slot holds nothing, so nothing is overwritten.
        unsafe { ptr::copy_nonoverlapping(base.add(index), base.add(self.pos), 1) };
        self.pos = index;
    }

    /// Moves the hole up while its entry leaves before its parent's.
    fn sift_up(&mut self) {
        while self.pos > 0 {
            let parent = (self.pos - 1) / 2;
            // SAFETY: a parent is in bounds and is not its child, the hole.
            if !before(&self.entry, unsafe { self.get(parent) }) {
                break;
            }
            // SAFETY: as above.
            unsafe { self.move_to(parent) };
        }
    }

    /// Moves the hole down to a leaf, always to the child that leaves
    /// first, without looking at its own entry: an entry taken from the
    /// end mostly belongs near the bottom, so this costs one comparison per
    /// level instead of two (then `sift_up` finds its place).
    ///
    /// Two loops, because which pick is fast depends on the items:
    /// - While the two children differ, the pick is one comparison added
    ///   to the index (`adc`, no branch), as std's heap does it. With
    ///   distinct priorities the branch would be a coin toss: issue 14's
    ///   hold-model rows ran 1.6-1.9x a bare `u64` heap with it, 1.1-1.2x
    ///   with this.
    /// - From the first tie on, the pick branches (on the items, then on
    ///   the insertion numbers). Ties mostly come in runs of equal items
    ///   (one value per thread, a few priority levels), where the branch
    ///   predicts well and the branch-free pick of the pair (item, number)
    ///   measured 1.5-1.8x slower.
    fn sift_down_to_bottom(&mut self) {
        let len = self.heap.len();
        let mut child = 2 * self.pos + 1;
        while child + 1 < len {
            // SAFETY: both children are in bounds and below the hole.
            let (second, first) = unsafe { (self.get(child + 1), self.get(child)) };
            if second.item == first.item {
                break;
            }
            child += (second.item < first.item) as usize;
            // SAFETY: as above.
            unsafe { self.move_to(child) };
            child = 2 * self.pos + 1;
        }
        while child + 1 < len {
            // SAFETY: both children are in bounds and below the hole.
            if unsafe { before(self.get(child + 1), self.get(child)) } {
                child += 1;
            }
            // SAFETY: as above.
            unsafe { self.move_to(child) };
            child = 2 * self.pos + 1;
        }
        if child + 1 == len {
            // SAFETY: the only child, in bounds and below the hole.
            unsafe { self.move_to(child) };
        }
    }
}

impl<T> Drop for Hole<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the hole's slot is in bounds and holds nothing; `entry` is
        // written there once and not used again.
        unsafe { ptr::copy_nonoverlapping(&*self.entry, self.heap.as_mut_ptr().add(self.pos), 1) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    fn drain(heap: &mut StableHeap<u8>) -> Vec<(u8, u64)> {
        std::iter::from_fn(|| heap.pop()).map(|r| (r.item, r.seq)).collect()
    }

    #[test]
    fn pops_smallest_then_oldest_for_every_small_input() {
        // Every sequence of up to 7 pushes of items 0..3, with a pop after
        // each push in one pass: against a sorted list.
        for len in 0..=7u32 {
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
        for (seq, value) in [5, 3, 8, 1, 9, 2, 7].into_iter().enumerate() {
            heap.push(Ranked { item: bomb(value), seq: seq as u64 });
        }
        armed.set(true);
        let push = catch_unwind(AssertUnwindSafe(|| heap.push(Ranked { item: bomb(0), seq: 7 })));
        assert!(push.is_err());
        let pop = catch_unwind(AssertUnwindSafe(|| heap.pop()));
        assert!(pop.is_err());
        // The popped root was dropped by the unwind; the other 7 are all
        // still there, each once.
        assert_eq!((heap.len(), drops.get()), (7, 1));
        armed.set(false);
        let mut values: Vec<u8> = std::iter::from_fn(|| heap.pop()).map(|r| r.item.value).collect();
        values.sort();
        assert_eq!(values, [0, 2, 3, 5, 7, 8, 9]);
        assert_eq!(drops.get(), 8);
    }
}
