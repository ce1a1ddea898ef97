//! The lock-free ring a bounded [`Queue`](crate::Queue) keeps its items in
//! (issue 14): a fixed array of slots, each with a stamp that says whose
//! turn it is, and two counters, the next position to take (`head`) and
//! the next to fill (`tail`). Dmitry Vyukov's bounded MPMC queue, the
//! design under crossbeam's `ArrayQueue` and array channel, written on the
//! shim's atomics so loom checks this code; no crate offers that.
//!
//! A putter claims position `t` by moving `tail` from `t` to `t + 1`, then
//! fills the slot and stamps it "filled for `t`"; a getter claims `h` by
//! moving `head`, empties the slot and stamps it "free for `h + cap`", for
//! the putter of the next lap. So putters contend only on `tail`, getters only
//! on `head`, and a putter and a getter meet only at a slot. Positions
//! count every put and get ever made, so they also count tasks: a queue's
//! `unfinished_tasks` is its puts (`claims`) less its `task_done`s.
//!
//! The engine (`lane.rs`) does the blocking; the ring never blocks, except
//! that a getter who finds its slot claimed but not yet filled waits for
//! the putter, a few instructions from done (as crossbeam's does).

use lockstep_sync::Backoff;
use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use lockstep_sync::cell::UnsafeCell;
use std::mem::MaybeUninit;

/// Set in `tail` once the ring takes no more puts (the queue shut down,
/// or its items moved under the lock): a putter's claim is a
/// compare-exchange on `tail`, so it fails once this is set.
/// Positions stay below it, so doubled stamps don't overflow either (at
/// a billion puts a second, 2^62 positions last 146 years).
const CLOSED: usize = 1 << (usize::BITS - 1);

/// Keeps `head` and `tail` on cache lines of their own (128 bytes: the
/// adjacent-line prefetcher pairs 64-byte lines), so putters and getters
/// don't invalidate each other's counter.
#[repr(align(128))]
struct Padded<T>(T);

struct Slot<T> {
    /// `2 pos` while free for the putter of position `pos`, `2 pos + 1` once
    /// that putter filled it, `2 (pos + cap)` once its getter emptied it:
    /// doubled so that a ring of one slot can tell "filled" from "free for
    /// the next lap" (Vyukov's `pos + 1` cannot).
    stamp: AtomicUsize,
    item: UnsafeCell<MaybeUninit<T>>,
}

/// Why [`Ring::try_push`] gave the item back.
pub(crate) enum Refused<T> {
    /// Every slot is taken (or looked taken: a stale `head` errs this way).
    Full(T),
    /// [`Ring::close`] was called.
    Closed(T),
}

pub(crate) struct Ring<T> {
    slots: Box<[Slot<T>]>,
    /// `cap - 1` when `cap` is a power of two: a mask instead of a division.
    mask: Option<usize>,
    /// The next position a getter takes.
    head: Padded<AtomicUsize>,
    /// The next position a putter claims, and [`CLOSED`].
    tail: Padded<AtomicUsize>,
}

// SAFETY: a slot's item is written only by the putter that claimed its
// position and read only by the getter that claimed it, the stamp's
// Release/Acquire ordering the two, so the ring moves `T`s between threads
// as a channel does: `Sync` when `T: Send`.
unsafe impl<T: Send> Sync for Ring<T> {}

impl<T> Ring<T> {
    /// A ring of `cap` slots (`cap >= 1`).
    pub(crate) fn new(cap: usize) -> Ring<T> {
        assert!(cap >= 1, "a ring needs a slot");
        let slots = (0..cap).map(|pos| Slot {
            stamp: AtomicUsize::new(2 * pos),
            item: UnsafeCell::new(MaybeUninit::uninit()),
        });
        Ring {
            slots: slots.collect(),
            mask: cap.is_power_of_two().then(|| cap - 1),
            head: Padded(AtomicUsize::new(0)),
            tail: Padded(AtomicUsize::new(0)),
        }
    }

    pub(crate) fn cap(&self) -> usize {
        self.slots.len()
    }

    fn slot(&self, pos: usize) -> &Slot<T> {
        let index = match self.mask {
            Some(mask) => pos & mask,
            None => pos % self.cap(),
        };
        &self.slots[index]
    }

    /// Adds `item` unless the ring is full or closed. Never waits.
    ///
    /// The first attempt is inlined into the caller, the rest is not: as
    /// one function, called, an uncontended put+get took 17 ns, against
    /// 11 ns for the one-lock queue it replaced.
    #[inline(always)]
    pub(crate) fn try_push(&self, item: T) -> Result<(), Refused<T>> {
        // Relaxed: a stale value fails the claim below and is re-read.
        let tail = self.tail.0.load(Relaxed);
        let slot = self.slot(tail);
        // Orderings: as in `try_push_contended`.
        if tail & CLOSED == 0
            && slot.stamp.load(Acquire) == 2 * tail
            && self.tail.0.compare_exchange_weak(tail, tail + 1, Acquire, Relaxed).is_ok()
        {
            self.fill(slot, tail, item);
            return Ok(());
        }
        self.try_push_contended(item)
    }

    /// Writes `item` into `slot`, claimed at position `tail`, and stamps it.
    #[inline(always)]
    fn fill(&self, slot: &Slot<T>, tail: usize, item: T) {
        // SAFETY: claiming `tail` made this slot ours until we stamp it: no
        // other putter claims the position, and no getter reads before the
        // stamp.
        slot.item.with_mut(|cell| unsafe { (*cell).write(item) });
        // Release: the getter that sees the stamp sees the item.
        slot.stamp.store(2 * tail + 1, Release);
    }

    /// Takes `slot`'s item, claimed at position `head`, and frees the slot.
    #[inline(always)]
    fn empty(&self, slot: &Slot<T>, head: usize) -> T {
        // SAFETY: claiming `head` made this filled slot ours until we stamp
        // it: its putter is done (the stamp) and no other getter claims the
        // position.
        let item = slot.item.with(|cell| unsafe { (*cell).assume_init_read() });
        // Release: the next lap's putter overwrites only after our read.
        slot.stamp.store(2 * (head + self.cap()), Release);
        item
    }

    #[inline(never)]
    fn try_push_contended(&self, item: T) -> Result<(), Refused<T>> {
        let backoff = Backoff::new();
        // Relaxed: a stale value fails the claim below and is re-read.
        let mut tail = self.tail.0.load(Relaxed);
        loop {
            if tail & CLOSED != 0 {
                return Err(Refused::Closed(item));
            }
            let slot = self.slot(tail);
            // Acquire: the getter that freed the slot has finished reading it.
            let stamp = slot.stamp.load(Acquire);
            if stamp == 2 * tail {
                // Acquire on success: a getter about to park announced itself
                // and then passed `tail` with a Release RMW (`sync_claims`);
                // if that RMW came first, the caller's check for parked
                // getters, after this, sees the announcement.
                match self.tail.0.compare_exchange_weak(tail, tail + 1, Acquire, Relaxed) {
                    Ok(_) => {
                        self.fill(slot, tail, item);
                        return Ok(());
                    }
                    Err(now) => {
                        tail = now;
                        backoff.spin();
                    }
                }
            } else if stamp.wrapping_sub(2 * tail) as isize > 0 {
                // Our `tail` is stale: others have claimed past it.
                // Relaxed: as above.
                tail = self.tail.0.load(Relaxed);
            } else if tail.wrapping_sub(self.head.0.load(Relaxed)) as isize >= self.cap() as isize {
                // The last lap's item is still here, unclaimed: full.
                // (Relaxed: a stale `head` only says full too early, even
                // further behind than a lap; the engine re-checks with an
                // RMW before it parks.)
                return Err(Refused::Full(item));
            } else {
                // Its getter has claimed it and is reading it: nanoseconds,
                // unless it was preempted (then `snooze` yields to it). A
                // plain yield here cost 20-40k context switches per 1M
                // items with 8 threads on 2 cores.
                backoff.snooze();
                // Relaxed: as above.
                tail = self.tail.0.load(Relaxed);
            }
        }
    }

    /// Takes the oldest item, or `None` if there is none. Waits only for a
    /// putter that has claimed the next slot and not yet filled it. Its
    /// first attempt is inlined, as `try_push`'s.
    #[inline(always)]
    pub(crate) fn try_pop(&self) -> Option<T> {
        // Relaxed: a stale value fails the claim below and is re-read.
        let head = self.head.0.load(Relaxed);
        let slot = self.slot(head);
        // Orderings: as in `try_pop_contended`.
        if slot.stamp.load(Acquire) == 2 * head + 1
            && self.head.0.compare_exchange_weak(head, head + 1, Acquire, Relaxed).is_ok()
        {
            return Some(self.empty(slot, head));
        }
        self.try_pop_contended()
    }

    #[inline(never)]
    fn try_pop_contended(&self) -> Option<T> {
        let backoff = Backoff::new();
        // Relaxed: a stale value fails the claim below and is re-read.
        let mut head = self.head.0.load(Relaxed);
        loop {
            let slot = self.slot(head);
            // Acquire: see the item its putter wrote before stamping.
            let stamp = slot.stamp.load(Acquire);
            if stamp == 2 * head + 1 {
                // Acquire on success: as in `try_push_contended`, for
                // putters about to park (`sync_has_room`).
                match self.head.0.compare_exchange_weak(head, head + 1, Acquire, Relaxed) {
                    Ok(_) => return Some(self.empty(slot, head)),
                    Err(now) => {
                        head = now;
                        backoff.spin();
                    }
                }
            } else if stamp.wrapping_sub(2 * head + 1) as isize > 0 {
                // Our `head` is stale.
                // Relaxed: as above.
                head = self.head.0.load(Relaxed);
            } else if self.claims().wrapping_sub(head) as isize <= 0 {
                // Nothing claimed past `head`. (Relaxed, in `claims`: a
                // stale `tail` only says empty too early, even below
                // `head`; the engine re-checks with an RMW before it parks.)
                return None;
            } else {
                // Claimed by a putter that has not filled it yet: as above.
                backoff.snooze();
                // Relaxed: as above.
                head = self.head.0.load(Relaxed);
            }
        }
    }

    /// Takes no more puts; returns whether it was open. Items already in
    /// it (or being put) can still be taken.
    pub(crate) fn close(&self) -> bool {
        // AcqRel: a putter whose claim came first is seen by `claims()`
        // after this (for draining), and one that comes later fails.
        self.tail.0.fetch_or(CLOSED, AcqRel) & CLOSED == 0
    }

    pub(crate) fn is_closed(&self) -> bool {
        // Relaxed: a hint; whoever acts on it re-checks under the queue's lock.
        self.tail.0.load(Relaxed) & CLOSED != 0
    }

    /// Positions ever claimed by putters: every put made into the ring.
    pub(crate) fn claims(&self) -> usize {
        // Relaxed: a count; ordering comes from the stamps and the lock.
        self.tail.0.load(Relaxed) & !CLOSED
    }

    /// Items in the ring (claimed, not yet taken): exact when nobody is
    /// putting or getting.
    pub(crate) fn len(&self) -> usize {
        // Relaxed: a count. `head` first: it never passes `tail`.
        let head = self.head.0.load(Relaxed);
        let len = self.claims().wrapping_sub(head) as isize;
        (len.max(0) as usize).min(self.cap())
    }

    /// For a getter about to park, after it announced itself: `claims()`,
    /// read with a Release RMW so that a putter whose claim comes later
    /// sees the announcement (see `try_push`), and Acquire so that one
    /// whose claim came first is counted here.
    pub(crate) fn sync_claims(&self) -> usize {
        self.tail.0.fetch_or(0, AcqRel) & !CLOSED
    }

    /// For a getter about to park: whether an item is claimed and not yet
    /// taken, with `tail` read as [`sync_claims`](Self::sync_claims) reads it.
    pub(crate) fn sync_has_item(&self) -> bool {
        let claims = self.sync_claims();
        // Relaxed: a stale `head` says "item" too often, and the caller
        // then only tries again.
        claims.wrapping_sub(self.head.0.load(Relaxed)) as isize > 0
    }

    /// For a putter about to park: whether a slot is free, read as
    /// `sync_claims` reads (a getter's later take sees the announcement).
    pub(crate) fn sync_has_room(&self) -> bool {
        let head = self.head.0.fetch_add(0, AcqRel);
        (self.claims().wrapping_sub(head) as isize) < self.cap() as isize
    }
}

impl<T> Drop for Ring<T> {
    fn drop(&mut self) {
        // `&mut self`: nobody is mid-put or mid-get, so every position from
        // head to tail holds an item.
        while self.try_pop().is_some() {}
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;

    #[test]
    fn fifo_wraps_fills_and_refuses_when_full_or_closed() {
        for cap in [1, 3, 4] {
            let ring = Ring::new(cap);
            for lap in 0..5 {
                for i in 0..cap {
                    assert!(ring.try_push(lap * 10 + i).is_ok());
                }
                assert!(matches!(ring.try_push(99), Err(Refused::Full(99))));
                assert_eq!(ring.len(), cap);
                assert!(!ring.sync_has_room());
                for i in 0..cap {
                    assert_eq!(ring.try_pop(), Some(lap * 10 + i));
                }
                assert_eq!(ring.try_pop(), None);
            }
            assert_eq!(ring.claims(), 5 * cap);
            ring.try_push(7).ok().unwrap();
            assert!(ring.close() && !ring.close() && ring.is_closed());
            assert!(matches!(ring.try_push(8), Err(Refused::Closed(8))));
            assert_eq!((ring.try_pop(), ring.try_pop()), (Some(7), None));
            assert_eq!(ring.sync_claims(), 5 * cap + 1);
        }
    }

    #[test]
    fn dropping_the_ring_drops_its_items() {
        let item = std::sync::Arc::new(());
        let ring = Ring::new(4);
        for _ in 0..3 {
            ring.try_push(item.clone()).ok().unwrap();
        }
        drop(ring.try_pop());
        drop(ring);
        assert_eq!(std::sync::Arc::strong_count(&item), 1);
    }

    #[test]
    fn many_putters_and_getters_lose_and_duplicate_nothing() {
        let ring = Ring::new(8);
        let per = 20_000u64;
        let sum = std::sync::atomic::AtomicU64::new(0);
        std::thread::scope(|s| {
            for p in 0..3u64 {
                let ring = &ring;
                s.spawn(move || {
                    for i in 0..per {
                        let mut item = p * per + i;
                        while let Err(Refused::Full(back)) = ring.try_push(item) {
                            item = back;
                            std::thread::yield_now();
                        }
                    }
                });
            }
            for _ in 0..3 {
                s.spawn(|| {
                    for _ in 0..per {
                        let item = loop {
                            match ring.try_pop() {
                                Some(item) => break item,
                                None => std::thread::yield_now(),
                            }
                        };
                        sum.fetch_add(item, Relaxed);
                    }
                });
            }
        });
        let n = 3 * per;
        assert_eq!(sum.into_inner(), n * (n - 1) / 2);
        assert_eq!(ring.len(), 0);
    }
}
