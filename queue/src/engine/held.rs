//! The queue's lock, held: the one way into its state, and the wait.

use super::{Core, State};
use crate::store::Store;
use lockstep_sync::SpinWait;
use lockstep_sync::wait_queue::{WaitQueue, Wake};
// A std atomic, not the shim's: see `Core::len_hint`.
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

/// The queue's lock, held; released on drop (also during a panic, e.g. in
/// an item's `Ord`), so the queue never poisons.
pub(super) struct Held<'a, T, S> {
    pub(super) core: &'a Core<T, S>,
}

impl<T, S: Store<T>> Held<'_, T, S> {
    pub(super) fn state<R>(&mut self, f: impl FnOnce(&mut State<S>) -> R) -> R {
        // SAFETY: we hold the lock, and `&mut self` keeps this the only
        // reference to the state for the call.
        self.core.state.with_mut(|state| f(unsafe { &mut *state }))
    }

    /// Stores the item count in `len_hint`, for spinning waiters.
    pub(super) fn publish_len(&mut self) {
        let len = self.state(|s| s.items.len());
        // Relaxed: a hint; whoever acts on it re-checks under the lock.
        self.core.len_hint.store(len, Relaxed);
    }

    /// Waits on `queue` until notified or `deadline`, with the lock held
    /// again on return; calls `waits` first unless the deadline has passed
    /// (a `try_` call never waits, so it is never traced as waiting).
    /// `TimedOut` when the deadline has passed (then the
    /// caller looks once more and gives up, as Python does); `Notified`
    /// means "look again".
    ///
    /// Before the first park, while a counterpart may be running on
    /// another core, or be runnable and need ours, the waiter lets go of the
    /// lock and spins, then yields (`SpinWait`: 3 spins, 7 yields), watching
    /// `len_hint` without the lock, and takes the lock back to look again as
    /// soon as the count moves or the rounds are spent; it parks only after
    /// that. The first version re-took the lock after every round, so idle
    /// workers of a `ThreadPoolExecutor` kept taking the lock the submitter
    /// needed to put (in issue 11's 100k-task profile the submitter spent 5%
    /// in the lock's slow path); the change measured neutral to slightly
    /// better there, and neutral on issue 14's rows. Measured on those, the
    /// policy mattered more than where to spin: a longer spin before the
    /// yields (crossbeam's `snooze`) was 2-3x slower with 8 producers and 8
    /// consumers on 2 cores, spinning without yields 10x slower; yields hand
    /// the core to the counterpart. Never spins under loom.
    pub(super) fn wait(
        &mut self,
        queue: &WaitQueue,
        deadline: Option<Instant>,
        spin: &mut SpinWait,
        waits: impl FnOnce(),
    ) -> Wake {
        if lockstep_sync::expired(deadline) {
            return Wake::TimedOut;
        }
        waits();
        let lock = &self.core.lock;
        if spin.will_spin() {
            let hint = &self.core.len_hint;
            // Relaxed: only tells when to look again.
            let seen = hint.load(Relaxed);
            let _ = lock.release();
            spin.spin();
            // Relaxed: as above.
            while hint.load(Relaxed) == seen && spin.will_spin() {
                spin.spin();
            }
            lock.acquire();
            return Wake::Notified;
        }
        // `None` only if the lock were not held, and we hold it.
        queue.wait(lock, deadline).unwrap_or(Wake::TimedOut)
    }
}

impl<T, S> Drop for Held<'_, T, S> {
    fn drop(&mut self) {
        let _ = self.core.lock.release();
    }
}
