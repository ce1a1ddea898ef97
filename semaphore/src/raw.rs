//! The permit counter and its wait queue, under both semaphores.

use lockstep_sync::atomic::AtomicUsize;
use lockstep_sync::atomic::Ordering::{Acquire, Relaxed, Release};
use lockstep_sync::park::{self, ParkResult};
use lockstep_sync::trace;
use lockstep_sync::{Backoff, ReleaseError, SpinWait, deadline};
use std::time::{Duration, Instant};

/// What the `trace` feature calls a semaphore (they have no names).
const NAME: Option<&str> = Some("semaphore");

/// Bit 0: threads may be parked waiting for a permit; a release wakes them.
const WAITERS: usize = 0b1;
/// Bits 1..: the permits available, in units of `PERMIT`.
const PERMIT: usize = 0b10;
/// The most permits the state can count; unbounded releases stop there.
pub(crate) const MAX_PERMITS: usize = usize::MAX / PERMIT;

/// A count of permits plus a "someone is parked" bit, in one atomic word.
///
/// Taking a permit is one CAS. A thread that finds none sets `WAITERS` and
/// parks in the parking lot's FIFO queue for this semaphore's address; a
/// release of `n` permits wakes at most `n` of them, oldest first. A woken
/// thread competes for the permit again, so a running thread may take it
/// first (barging, as in CPython).
pub(crate) struct RawSemaphore {
    /// Permits (times `PERMIT`) plus the `WAITERS` bit.
    state: AtomicUsize,
    /// `BoundedSemaphore`'s initial value: the count may not go above it.
    bound: Option<usize>,
}

impl RawSemaphore {
    lockstep_sync::const_fn! {
        pub(crate) fn new(permits: usize, bound: Option<usize>) -> RawSemaphore {
            let permits = if permits > MAX_PERMITS { MAX_PERMITS } else { permits };
            RawSemaphore { state: AtomicUsize::new(permits * PERMIT), bound }
        }
    }

    pub(crate) fn value(&self) -> usize {
        // Relaxed: a snapshot that orders nothing.
        self.state.load(Relaxed) / PERMIT
    }

    /// Takes a permit if one is free, reported to the `trace` feature.
    #[inline]
    pub(crate) fn try_acquire(&self) -> bool {
        let taken = self.take();
        if taken {
            trace::acquired(self.key(), NAME);
        }
        taken
    }

    /// Takes a permit if one is free (not reported: the callers report).
    /// Uncontended, one load and one CAS; a lost race backs off (below).
    #[inline]
    fn take(&self) -> bool {
        // Relaxed: the CAS below orders.
        let state = self.state.load(Relaxed);
        if state < PERMIT {
            return false;
        }
        // Acquire: pairs with `release`'s Release, so the releaser's writes
        // are visible to whoever takes its permit.
        match self.state.compare_exchange_weak(state, state - PERMIT, Acquire, Relaxed) {
            Ok(_) => true,
            Err(_) => self.take_contended(),
        }
    }

    /// `take` after a lost CAS. Retrying at once is what made sustained
    /// contention slow (issue 14: with 2 permits and 8 threads, two thirds
    /// of the time went to these CASes, every one bouncing the line between
    /// the cores): the loser backs off, so the winner keeps the line for a
    /// few more acquire/release cycles.
    #[cold]
    fn take_contended(&self) -> bool {
        let backoff = Backoff::new();
        loop {
            backoff.spin();
            // Relaxed: the CAS below orders.
            let state = self.state.load(Relaxed);
            if state < PERMIT {
                return false;
            }
            // Acquire: as in `take`.
            if self.state.compare_exchange_weak(state, state - PERMIT, Acquire, Relaxed).is_ok() {
                return true;
            }
        }
    }

    #[inline]
    pub(crate) fn acquire(&self) {
        if !self.try_acquire() {
            self.wait_for_permit(None);
        }
    }

    #[inline]
    pub(crate) fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.try_acquire() || (!timeout.is_zero() && self.wait_for_permit(deadline(timeout)))
    }

    #[inline]
    pub(crate) fn acquire_until(&self, deadline: Instant) -> bool {
        self.try_acquire() || self.wait_for_permit(Some(deadline))
    }

    /// [`acquire_slow`](Self::acquire_slow), reported to the `trace`
    /// feature as a wait and its end.
    fn wait_for_permit(&self, deadline: Option<Instant>) -> bool {
        trace::waiting(self.key(), NAME);
        let taken = self.acquire_slow(deadline);
        trace::waited(self.key(), NAME, taken);
        taken
    }

    /// Adds `n` permits (none if `n == 0`) and wakes at most `n` waiters.
    /// With a bound, `Err(TooManyReleases)` and no change if the count would
    /// pass it; without one, the count stops at `MAX_PERMITS`.
    pub(crate) fn release(&self, n: usize) -> Result<(), ReleaseError> {
        if n == 0 {
            return Ok(());
        }
        let backoff = Backoff::new();
        // Relaxed: the CAS below orders.
        let mut state = self.state.load(Relaxed);
        loop {
            let permits = state / PERMIT;
            let raised = match self.bound {
                Some(bound) => match permits.checked_add(n) {
                    Some(raised) if raised <= bound => raised,
                    _ => return Err(ReleaseError::TooManyReleases),
                },
                None => permits.saturating_add(n).min(MAX_PERMITS),
            };
            // Release: publishes the releaser's writes to the taker.
            match self.state.compare_exchange_weak(
                state,
                (raised * PERMIT) | (state & WAITERS),
                Release,
                Relaxed,
            ) {
                Ok(_) => break,
                Err(_) => {
                    // A lost race backs off, as `take_contended` does.
                    backoff.spin();
                    // Relaxed: the CAS orders.
                    state = self.state.load(Relaxed);
                }
            }
        }
        if state & WAITERS != 0 {
            self.wake(n);
        }
        for _ in 0..n.min(64) {
            trace::released(self.key()); // one per permit, for a timeline
        }
        Ok(())
    }

    /// The parking key: this semaphore's address, which is ours alone.
    fn key(&self) -> usize {
        &self.state as *const AtomicUsize as usize
    }

    #[cold]
    fn acquire_slow(&self, deadline: Option<Instant>) -> bool {
        // While nobody is parked a holder may give a permit back soon: spin
        // a little before paying for a park (never under loom). Measured:
        // two threads cycling Semaphore(1) park ~1000x less often this way.
        let mut spin = SpinWait::new();
        loop {
            if self.take() {
                return true;
            }
            // Relaxed: only picks the next step; parking re-validates.
            let state = self.state.load(Relaxed);
            if state >= PERMIT || (state & WAITERS == 0 && spin.spin()) {
                continue;
            }
            // Relaxed: announcing a waiter publishes nothing.
            if state & WAITERS == 0
                && self.state.compare_exchange(state, state | WAITERS, Relaxed, Relaxed).is_err()
            {
                continue;
            }
            // SAFETY: the key is this semaphore's own address; the callbacks
            // neither panic nor call into the parking lot.
            let parked = unsafe {
                park::park(
                    self.key(),
                    // Relaxed: runs under the queue lock, which a release's
                    // `unpark_one` takes after adding its permits. Sleep only
                    // if there is still no permit and the bit is still ours.
                    || self.state.load(Relaxed) == WAITERS,
                    || {},
                    |_, was_last| {
                        if was_last {
                            // Relaxed: under the queue lock, as `validate`.
                            self.state.fetch_and(!WAITERS, Relaxed);
                        }
                    },
                    deadline,
                )
            };
            if parked == ParkResult::TimedOut {
                return false;
            }
        }
    }

    #[cold]
    fn wake(&self, permits: usize) {
        for _ in 0..permits {
            // SAFETY: the key is this semaphore's own address; the callback
            // neither panics nor calls into the parking lot.
            let woke = unsafe {
                park::unpark_one(self.key(), |result| {
                    if !result.have_more_threads {
                        // Relaxed: under the queue lock; a thread about to
                        // park re-sets the bit and re-validates.
                        self.state.fetch_and(!WAITERS, Relaxed);
                    }
                    park::DEFAULT_TOKEN
                })
            };
            if !woke.have_more_threads {
                break;
            }
        }
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;

    #[test]
    fn unbounded_release_saturates_instead_of_wrapping() {
        let raw = RawSemaphore::new(usize::MAX, None);
        assert_eq!(raw.value(), MAX_PERMITS);
        raw.release(usize::MAX).unwrap();
        assert_eq!(raw.value(), MAX_PERMITS);
        assert!(raw.try_acquire());
        assert_eq!(raw.value(), MAX_PERMITS - 1);
    }

    #[test]
    fn bounded_release_overflow_is_an_error_not_a_wrap() {
        let raw = RawSemaphore::new(1, Some(1));
        assert!(raw.try_acquire());
        assert_eq!(raw.release(usize::MAX), Err(ReleaseError::TooManyReleases));
        assert_eq!(raw.value(), 0);
    }

    #[test]
    fn release_of_zero_changes_nothing() {
        let raw = RawSemaphore::new(0, None);
        raw.release(0).unwrap();
        assert_eq!(raw.value(), 0);
    }

    #[test]
    fn timed_out_waiter_clears_the_waiters_bit() {
        let raw = RawSemaphore::new(0, None);
        assert!(!raw.acquire_timeout(Duration::from_millis(5)));
        assert_eq!(raw.state.load(Relaxed), 0);
    }
}
