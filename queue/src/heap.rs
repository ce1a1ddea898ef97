//! The stable heap behind [`Priority`](crate::Priority): a 4-ary min-heap,
//! and a FIFO lane beside it for a run of equal items.
//!
//! Written out rather than `BinaryHeap<(item, insertion number)>`: issue
//! 14 measured std's heap of that entry at 1.45-1.7x a heap of bare `u64`s
//! on one thread and 1.8x under contention. Its pop is Floyd's, as std's
//! (a hole sifted down to the bottom, then up), with the order test
//! written for it; the README has its figures. What it saves:
//! - Four children per node ([`ARITY`]), so half the levels of std's.
//! - The items and their insertion numbers live in two arrays, so a
//!   comparison of two distinct items reads only the items' array (half
//!   the bytes of an (item, number) entry for a `u64`). One array of
//!   entries measured slower with 8 threads, for the binary heap before
//!   (1.11-1.22x a bare `u64` heap against 1.07-1.09x) and for this one
//!   (1.46x against 1.38x on the tied row, before the run lane).
//! - The test reads an insertion number only on a tie.
//! - The child pick between distinct items is branch-free, and between
//!   tied ones a branch (`sift_down_to_bottom` says why).
//! - Equal items at the front skip the heap: [`StableHeap`]'s run.
//! - One hole carries the element down and back up.

use std::collections::VecDeque;
use std::hint::select_unpredictable;
use std::mem::ManuallyDrop;
use std::ptr;

/// Children per node. Four, not two: half the levels for a hole to walk,
/// each a pick of four that is two independent pair picks and one between
/// their winners, so the chain of dependent loads a pop waits on is half
/// as long. With 512 items the heap is 5 levels deep instead of 9. On the
/// hold-model row with 8 threads (before the run lane) the median ratio
/// to a bare `u64` heap went from 1.23-1.28 (binary) to 1.17-1.19. Eight
/// children (one cache line of `u64`s, 3 levels) measured 1.38 against
/// four's 1.23 in the same window.
const ARITY: usize = 4;

/// Slot `pos`'s first child; the others follow it.
#[inline]
fn first_child(pos: usize) -> usize {
    ARITY * pos + 1
}

/// Slot `pos`'s parent (`pos > 0`).
#[inline]
fn parent(pos: usize) -> usize {
    (pos - 1) / ARITY
}

/// An item and its insertion number.
pub(crate) struct Ranked<T> {
    pub(crate) item: T,
    pub(crate) seq: u64,
}

/// Entries that leave smallest item first, and equal items in the order
/// of their insertion numbers (which are unique and given in increasing
/// order, so this is a strict total order). Two places hold them:
/// - a min-heap over two arrays of one length: slot `i` is `items[i]`,
///   put as number `seqs[i]`, and leaves no later than its children
///   `4i + 1` to `4i + 4`;
/// - `run`: equal items in insertion order, a FIFO lane beside the heap.
///
/// A pop takes the heap's root or the run's front, whichever leaves first,
/// so any split of the entries between the two comes out in order. Which
/// entries go to the run is only a matter of speed: an item equal to the
/// run's (or, while the run is empty, to the root's) joins it, and then
/// costs no sift at all, in or out. That is the case the heap is slowest
/// at: a run of equal items at the front, where every pick between tied
/// children needs their insertion numbers. On issue 14's tied row the
/// heap alone ran 1.6x a bare, unstable `u64` heap; with the run the
/// queue runs 0.81-0.92x a `parking_lot` mutex around that heap at 8
/// threads (1.17-1.31x before), and 0.42-0.55x on one thread.
pub(crate) struct StableHeap<T> {
    items: Vec<T>,
    seqs: Vec<u64>,
    run: VecDeque<Ranked<T>>,
}

impl<T: Ord> StableHeap<T> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        StableHeap {
            items: Vec::with_capacity(capacity),
            seqs: Vec::with_capacity(capacity),
            run: VecDeque::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len() + self.run.len()
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
        // The entry is in the heap (at the end) before any comparison, so
        // a panicking one leaves it there, as a panicking sift does.
        let joins_run = match self.run.back() {
            Some(back) => back.item == self.items[last],
            None => last == 0 || self.items[0] == self.items[last],
        };
        if joins_run {
            // The newest entry: it leaves after every equal one before it.
            if let (Some(item), Some(seq)) = (self.items.pop(), self.seqs.pop()) {
                self.run.push_back(Ranked { item, seq });
            }
            return;
        }
        // SAFETY: `last` is in both arrays: we just pushed it.
        let mut hole = unsafe { Hole::new(self, last) };
        hole.sift_up();
    }

    pub(crate) fn pop(&mut self) -> Option<Ranked<T>> {
        if let Some(front) = self.run.front() {
            let root = self.items.first().map(|root| (root, self.seqs[0]));
            if root.is_none_or(|(root, seq)| leaves_first(&front.item, front.seq, root, seq)) {
                return self.run.pop_front();
            }
        }
        self.pop_root()
    }

    fn pop_root(&mut self) -> Option<Ranked<T>> {
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
            let parent = parent(self.pos);
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
    /// end mostly belongs near the bottom, so each level costs the pick's
    /// three comparisons and not a fourth against that entry (then
    /// `sift_up` finds its place).
    ///
    /// Two loops, because which pick is fast depends on the items:
    /// - While the children differ, the pick is branch-free
    ///   (`select_unpredictable`: a compare and a conditional move, as
    ///   std's binary heap adds a comparison to the index). With distinct
    ///   priorities a branch would be a coin toss: the hold-model rows ran
    ///   1.6-1.9x a bare `u64` heap with one, and the heap alone 1.8x with
    ///   this loop's picks left to the compiler, which made them branches.
    /// - From the first tie on, and in the last, partly filled family,
    ///   the pick branches (on the items, then on the insertion numbers).
    ///   Ties mostly come in runs of equal items (one value per thread, a
    ///   few priority levels), where the branch predicts well and a
    ///   branch-free pick measured 1.5-1.8x slower.
    fn sift_down_to_bottom(&mut self) {
        let len = self.items.len();
        let mut child = first_child(self.pos);
        while child + ARITY <= len {
            // SAFETY: the four children are in bounds and below the hole.
            let [a, b, c, d] = unsafe {
                [self.item(child), self.item(child + 1), self.item(child + 2), self.item(child + 3)]
            };
            if a == b || c == d {
                break;
            }
            let (b_first, d_first) = (b < a, d < c);
            let (left, right) = (select_unpredictable(b_first, b, a), select_unpredictable(d_first, d, c));
            if left == right {
                break;
            }
            let (left_at, right_at) = (child + b_first as usize, child + 2 + d_first as usize);
            let pick = select_unpredictable(right < left, right_at, left_at);
            // SAFETY: a child: in bounds and below the hole.
            unsafe { self.move_to(pick) };
            child = first_child(self.pos);
        }
        while child < len {
            let mut pick = child;
            for other in child + 1..len.min(child + ARITY) {
                // SAFETY: children: in bounds and below the hole.
                if unsafe { self.before(other, pick) } {
                    pick = other;
                }
            }
            // SAFETY: as above.
            unsafe { self.move_to(pick) };
            child = first_child(self.pos);
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
mod tests;
