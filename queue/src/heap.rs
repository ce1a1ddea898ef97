//! The stable binary min-heap behind [`Priority`](crate::Priority).
//!
//! Written out rather than `BinaryHeap<(item, insertion number)>`: issue
//! 14 measured std's heap of that entry at 1.45-1.7x a heap of bare `u64`s
//! on one thread and 1.8x under contention. This one is the same algorithm
//! (a hole sifted down to the bottom, then up: Floyd's pop, as std's),
//! with the order test written for it; the README has its figures. What it
//! saves:
//! - The items and their insertion numbers live in two arrays, so a
//!   comparison of two distinct items reads only the items' array (half
//!   the bytes of an (item, number) entry for a `u64`). On one thread this
//!   measured the same as one array of entries; with 8 threads on the
//!   tied row it measured 1.07-1.09x a bare `u64` heap against 1.11-1.22x.
//! - The test reads an insertion number only on a tie.
//! - The child pick between two different items is branch-free, and
//!   between tied ones a branch (`sift_down_to_bottom` says why).
//! - One hole carries the element down and back up.

use std::mem::ManuallyDrop;
use std::ptr;

/// An item and its insertion number.
pub(crate) struct Ranked<T> {
    pub(crate) item: T,
    pub(crate) seq: u64,
}

/// A min-heap over two arrays of one length: slot `i` is `items[i]`, put
/// as number `seqs[i]`, and leaves no later than its children `2i + 1`
/// and `2i + 2`: a smaller item, or an equal one put earlier. Insertion
/// numbers are unique, so this is a strict total order.
pub(crate) struct StableHeap<T> {
    items: Vec<T>,
    seqs: Vec<u64>,
}

impl<T: Ord> StableHeap<T> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        StableHeap { items: Vec::with_capacity(capacity), seqs: Vec::with_capacity(capacity) }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn push(&mut self, entry: Ranked<T>) {
        // Room in both first, so that neither push can fail (a capacity
        // overflow panics) once the other has been made: the arrays keep
        // one length.
        self.items.reserve(1);
        self.seqs.reserve(1);
        self.items.push(entry.item);
        self.seqs.push(entry.seq);
        let last = self.items.len() - 1;
        // SAFETY: `last` is in both arrays: we just pushed it.
        let mut hole = unsafe { Hole::new(self, last) };
        hole.sift_up();
    }

    pub(crate) fn pop(&mut self) -> Option<Ranked<T>> {
        let mut item = self.items.pop()?;
        // Both arrays have one length, so `seqs` is not empty either.
        let mut seq = self.seqs.pop().unwrap_or_default();
        if !self.items.is_empty() {
            // The last entry takes the root's place and sinks; the root leaves.
            std::mem::swap(&mut item, &mut self.items[0]);
            std::mem::swap(&mut seq, &mut self.seqs[0]);
            // SAFETY: 0 is in both arrays: they are not empty.
            let mut hole = unsafe { Hole::new(self, 0) };
            hole.sift_down_to_bottom();
            hole.sift_up();
        }
        Some(Ranked { item, seq })
    }
}

/// Whether item `x`, put as number `x_seq`, leaves before `y`, put as
/// `y_seq`: a smaller item, or an equal one put earlier. The cheap number
/// test goes first, so a tie costs two item comparisons only when `x` is
/// the older.
#[inline]
fn leaves_first<T: Ord>(x: &T, x_seq: u64, y: &T, y_seq: u64) -> bool {
    x < y || (x_seq < y_seq && x == y)
}

/// A slot of the heap whose item has been taken out (into `item`, with its
/// number `seq`) while it is sifted; every other slot holds a live item.
/// Dropping the hole writes the item and number into it, so a panicking
/// item comparison leaves the heap whole (every entry once), if out of
/// order. std's `BinaryHeap` works the same way.
struct Hole<'a, T> {
    items: &'a mut [T],
    seqs: &'a mut [u64],
    item: ManuallyDrop<T>,
    seq: u64,
    pos: usize,
}

impl<'a, T: Ord> Hole<'a, T> {
    /// # Safety
    /// `pos` must be in bounds of both arrays, which have one length.
    unsafe fn new(heap: &'a mut StableHeap<T>, pos: usize) -> Self {
        debug_assert!(pos < heap.items.len() && heap.items.len() == heap.seqs.len());
        // SAFETY: in bounds (the caller's promise); the slot counts as empty
        // from here on, and `Drop` fills it.
        let item = unsafe { ptr::read(heap.items.as_ptr().add(pos)) };
        let seq = heap.seqs[pos];
        Hole { items: &mut heap.items, seqs: &mut heap.seqs, item: ManuallyDrop::new(item), seq, pos }
    }

    /// The item in slot `index`.
    ///
    /// # Safety
    /// `index` must be in bounds and not the hole.
    #[inline]
    unsafe fn item(&self, index: usize) -> &T {
        debug_assert!(index != self.pos && index < self.items.len());
        // SAFETY: in bounds and a live item (the caller's promise).
        unsafe { self.items.get_unchecked(index) }
    }

    /// The insertion number of slot `index`.
    ///
    /// # Safety
    /// `index` must be in bounds.
    #[inline]
    unsafe fn seq(&self, index: usize) -> u64 {
        debug_assert!(index < self.seqs.len());
        // SAFETY: in bounds (the caller's promise).
        unsafe { *self.seqs.get_unchecked(index) }
    }

    /// Whether slot `a` leaves before slot `b`.
    ///
    /// # Safety
    /// Both must be in bounds and not the hole.
    #[inline]
    unsafe fn before(&self, a: usize, b: usize) -> bool {
        // SAFETY: the caller's promise.
        unsafe { leaves_first(self.item(a), self.seq(a), self.item(b), self.seq(b)) }
    }

    /// Moves the item and number of slot `index` into the hole, which
    /// moves there.
    ///
    /// # Safety
    /// `index` must be in bounds and not the hole.
    #[inline]
    unsafe fn move_to(&mut self, index: usize) {
        debug_assert!(index != self.pos && index < self.items.len());
        let items = self.items.as_mut_ptr();
        // SAFETY: both slots are in bounds and distinct (the caller's
        // promise); the hole's slot holds nothing, so nothing is overwritten.
        unsafe { ptr::copy_nonoverlapping(items.add(index), items.add(self.pos), 1) };
        // SAFETY: in bounds, as above.
        unsafe { *self.seqs.get_unchecked_mut(self.pos) = self.seq(index) };
        self.pos = index;
    }

    /// Moves the hole up while its entry leaves before its parent's.
    fn sift_up(&mut self) {
        while self.pos > 0 {
            let parent = (self.pos - 1) / 2;
            // SAFETY: a parent is in bounds and is not its child, the hole.
            let (above, above_seq) = unsafe { (self.item(parent), self.seq(parent)) };
            if !leaves_first(&*self.item, self.seq, above, above_seq) {
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
    ///   distinct priorities a branch would be a coin toss: issue 14's
    ///   hold-model rows ran 1.6-1.9x a bare `u64` heap with it.
    /// - From the first tie on, the pick branches (on the items, then on
    ///   the insertion numbers). Ties mostly come in runs of equal items
    ///   (one value per thread, a few priority levels), where the branch
    ///   predicts well and a branch-free pick of the pair measured 1.5-1.8x
    ///   slower.
    fn sift_down_to_bottom(&mut self) {
        let len = self.items.len();
        let mut child = 2 * self.pos + 1;
        while child + 1 < len {
            // SAFETY: both children are in bounds and below the hole.
            let (second, first) = unsafe { (self.item(child + 1), self.item(child)) };
            if second == first {
                break;
            }
            child += (second < first) as usize;
            // SAFETY: as above.
            unsafe { self.move_to(child) };
            child = 2 * self.pos + 1;
        }
        while child + 1 < len {
            // SAFETY: both children are in bounds and below the hole.
            if unsafe { self.before(child + 1, child) } {
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
        // SAFETY: the hole's slot is in bounds and holds nothing; `item` is
        // written there once and not used again.
        unsafe { ptr::copy_nonoverlapping(&*self.item, self.items.as_mut_ptr().add(self.pos), 1) };
        // SAFETY: in bounds, as above.
        unsafe { *self.seqs.get_unchecked_mut(self.pos) = self.seq };
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
