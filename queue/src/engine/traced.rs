//! What a named queue reports to the `trace` feature.

use super::Core;
use crate::store::Store;
use lockstep_sync::trace;

impl<T, S: Store<T>> Core<T, S> {
    /// Reports to the `trace` feature that `call` must wait, once per
    /// call (not per wake-up), if the queue is named, and notes in
    /// `reported` that it did, for [`Self::traced_end`]. Called where the
    /// wait begins: with the queue's lock held (which lengthens the hold
    /// only while a subscriber listens), or, on a ring, before the
    /// lock-free back-off. Empty with the feature off.
    #[inline]
    pub(super) fn traced_wait(&self, call: &'static str, reported: &mut bool) {
        if let Some(name) = self.name.filter(|_| !*reported) {
            trace::blocked(self.key(), name, call);
            *reported = true;
        }
    }

    /// How a reported wait of `call` ended: `woken` if it got what it
    /// waited for, else it timed out or the queue shut down.
    #[inline]
    pub(super) fn traced_end(&self, call: &'static str, reported: bool, woken: bool) {
        if let Some(name) = self.name.filter(|_| reported) {
            trace::unblocked(self.key(), name, call, woken);
        }
    }

    /// The queue's id in the trace: its address.
    fn key(&self) -> usize {
        self as *const Self as usize
    }
}
