//! The lock-free lane of a bounded FIFO queue (issue 14): puts and gets
//! go straight to the [`Ring`] and take the lock only to park, or to wake
//! a parked counterpart, or when the ring is closed (shut down, or its
//! items moved under the lock by `set_maxsize`), where the locked path in
//! `engine.rs` knows what to do.
//!
//! No wake-up is lost, though a lock-free put does not take the lock:
//! a getter about to park first counts itself in `sleepy_getters` (under
//! the lock), then reads `tail` with a Release RMW (`sync_has_item`), and
//! only then parks. A put claims its slot with an Acquire compare-exchange
//! on that same `tail`, then reads `sleepy_getters`. Either the getter's
//! RMW comes first in `tail`'s order, so the put's claim synchronizes with
//! it and sees the count (and takes the lock to notify, which it gets only
//! once the getter is parked), or the put's claim comes first and the
//! getter's RMW sees it, and takes the item instead of parking. Putters
//! waiting for room and lock-free gets mirror this on `head`. Only RMWs
//! and Acquire/Release are involved, no SeqCst, so loom checks it as it is.

use super::{Core, Held};
use crate::ring::{Refused, Ring};
use crate::store::Store;
use crate::{GetError, PutError};
use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::wait_queue::{WaitQueue, Wake};
use lockstep_sync::{Backoff, SpinWait, expired};
use std::time::Instant;

/// A getter or putter counted as about to park, for as long as it lives.
struct Announced<'a>(&'a AtomicUsize);

/// Which side of the queue waits: getters (`not_empty`, `sleepy_getters`,
/// and whether an item came) or putters (`not_full`, ...).
pub(super) struct Side<'a, T> {
    queue: &'a WaitQueue,
    sleepy: &'a AtomicUsize,
    /// The last look, an RMW on the counter the other side moves.
    ready: fn(&Ring<T>) -> bool,
}

impl<'a> Announced<'a> {
    /// Counts one more; called with the queue's lock held.
    fn new(sleepy: &'a AtomicUsize) -> Self {
        // Relaxed: ordered before the ring RMW that follows (see above).
        sleepy.fetch_add(1, Relaxed);
        Announced(sleepy)
    }
}

impl Drop for Announced<'_> {
    fn drop(&mut self) {
        // Relaxed: a stale count only costs a notifier a look under the lock.
        self.0.fetch_sub(1, Relaxed);
    }
}

impl<T, S: Store<T>> Core<T, S> {
    /// `put` on a ring: lock-free while there is room. A full ring is
    /// tried again on crossbeam's back-off schedule (`Backoff::snooze`: 7
    /// rounds of spinning, 1 to 64 pauses, then 4 yields), then the locked
    /// path parks: the ring waits as the channel users would pick instead
    /// waits. The one-lock queue's `SpinWait` (3 short spins, 7 yields)
    /// measured the same here.
    ///
    /// While it backs off, a putter facing a full ring waits for a quarter
    /// of the ring to be free, not one slot, unless the back-off runs out
    /// first: then it tries the one slot, so a slow getter never makes it
    /// park. Retrying at every freed slot let the putters settle right
    /// behind the getters, which then shared each slot's cache line item
    /// by item: about 90 ns an item, 2-4x the usual time (the "bad
    /// stretches" of issue 14's notes, in which a getter had just claimed
    /// the slot a putter found, 0.2-0.5 times per item).
    /// Refilled in batches, rounds over 1.2x crossbeam fell from 17 of 60
    /// to 3 (1P/1C, 4P/4C) and 7 (8P/8C), and the median time from 41-52
    /// ms to 29-36. Getters keep taking the first item: one waiting for a
    /// batch would hold a lone item back for the whole back-off.
    #[inline]
    pub(super) fn ring_put(
        &self,
        ring: &Ring<T>,
        mut item: T,
        deadline: Option<Instant>,
        reported: &mut bool,
    ) -> Result<(), PutError<T>> {
        let backoff = Backoff::new();
        loop {
            match ring.try_push(item) {
                Ok(()) => {
                    self.wake(&self.sleepy_getters, &self.not_empty);
                    return Ok(());
                }
                Err(Refused::Full(back)) if !backoff.is_completed() && !expired(deadline) => {
                    item = back;
                    // The call waits from here on (see `ring_get`).
                    self.traced_wait("put", reported);
                    // A quarter of the ring (see above).
                    let batch = ring.cap().div_ceil(4);
                    loop {
                        backoff.snooze();
                        // Relaxed loads (in `len`): only when to try again.
                        if ring.len() + batch <= ring.cap() || backoff.is_completed() || expired(deadline) {
                            break;
                        }
                    }
                }
                // Spun already: the locked path parks at once.
                Err(Refused::Full(back)) => {
                    return self.put_reported(back, deadline, reported, SpinWait::spent());
                }
                // Shut down, or the store took over: the locked path, as
                // for the other queues.
                Err(Refused::Closed(back)) => {
                    return self.put_reported(back, deadline, reported, SpinWait::new());
                }
            }
        }
    }

    /// `get` on a ring, as [`ring_put`](Self::ring_put).
    #[inline]
    pub(super) fn ring_get(
        &self,
        ring: &Ring<T>,
        deadline: Option<Instant>,
        reported: &mut bool,
    ) -> Result<T, GetError> {
        let backoff = Backoff::new();
        loop {
            if let Some(item) = ring.try_pop() {
                self.wake(&self.sleepy_putters, &self.not_full);
                return Ok(item);
            }
            if ring.is_closed() {
                return self.get_reported(deadline, reported, SpinWait::new());
            }
            if backoff.is_completed() || expired(deadline) {
                return self.get_reported(deadline, reported, SpinWait::spent());
            }
            // The call waits from here on, so it is traced as waiting now:
            // under load the back-off can outlast a short timeout, and the
            // locked path traces no wait whose deadline has passed (that is
            // how it tells a `try_` call). A `try_` call never gets here.
            self.traced_wait("get", reported);
            backoff.snooze();
        }
    }

    pub(super) fn putters(&self) -> Side<'_, T> {
        Side { queue: &self.not_full, sleepy: &self.sleepy_putters, ready: Ring::sync_has_room }
    }

    pub(super) fn getters(&self) -> Side<'_, T> {
        Side { queue: &self.not_empty, sleepy: &self.sleepy_getters, ready: Ring::sync_has_item }
    }

    /// The locked path's wait on `side`'s queue, with the lock held. With
    /// the ring live it first announces the waiter and looks once more
    /// (see the module docs); `None`: what it waits for came, look again.
    pub(super) fn wait_for(
        &self,
        held: &mut Held<'_, T, S>,
        side: Side<'_, T>,
        deadline: Option<Instant>,
        spin: &mut SpinWait,
        waits: impl FnOnce(),
    ) -> Option<Wake> {
        let Some(ring) = self.live_ring(held) else {
            return Some(held.wait(side.queue, deadline, spin, waits));
        };
        let _announced = Announced::new(side.sleepy);
        if (side.ready)(ring) {
            return None;
        }
        Some(held.wait(side.queue, deadline, spin, waits))
    }

    /// After a lock-free put or get: wakes one thread announced in `sleepy`
    /// as parking (or about to) on `queue`, if any.
    #[inline]
    fn wake(&self, sleepy: &AtomicUsize, queue: &WaitQueue) {
        // Relaxed: the ring's RMWs order it (see the module docs).
        if sleepy.load(Relaxed) > 0 {
            let _held: Held<'_, T, S> = self.hold();
            queue.notify(&self.lock, 1);
        }
    }
}
