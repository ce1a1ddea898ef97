//! Waiting a little before parking: [`SpinWait`] for the primitives' own
//! waits, [`Backoff`] after a lost compare-exchange and for the queues'
//! waits. Neither spins under loom or shuttle.

/// Bounded spinning before a thread parks: a few rounds of `spin_loop`, then
/// `yield`, then give up so the caller parks. Under loom or shuttle it never
/// spins: a spin is only extra steps for the model to explore.
///
/// ```
/// let mut spin = lockstep_sync::SpinWait::new();
/// let mut rounds = 0;
/// while spin.spin() {
///     rounds += 1;
/// }
/// assert!(rounds <= 10);
/// ```
#[derive(Default)]
pub struct SpinWait {
    #[cfg(not(any(loom, shuttle)))]
    inner: parking_lot_core::SpinWait,
    /// Rounds spun so far (parking_lot_core's SpinWait gives up after 10).
    #[cfg(not(any(loom, shuttle)))]
    rounds: u32,
}

impl SpinWait {
    /// A fresh spinner.
    pub fn new() -> SpinWait {
        SpinWait::default()
    }

    /// A spinner with its rounds used up, for a caller that has already
    /// spun its own way (the queue's ring): [`will_spin`](Self::will_spin)
    /// is `false`.
    ///
    /// ```
    /// assert!(!lockstep_sync::SpinWait::spent().will_spin());
    /// ```
    pub fn spent() -> SpinWait {
        SpinWait {
            #[cfg(not(any(loom, shuttle)))]
            inner: parking_lot_core::SpinWait::new(),
            #[cfg(not(any(loom, shuttle)))]
            rounds: 10,
        }
    }

    /// Spins once more and returns `true`, or returns `false` when the caller
    /// should stop spinning and park.
    #[inline]
    pub fn spin(&mut self) -> bool {
        #[cfg(not(any(loom, shuttle)))]
        let spun = {
            self.rounds = self.rounds.saturating_add(1);
            self.inner.spin()
        };
        #[cfg(any(loom, shuttle))]
        let spun = false;
        spun
    }

    /// Whether the next [`spin`](Self::spin) would spin rather than tell
    /// the caller to park: for callers that must give something up (a
    /// lock) before spinning. Always `false` under loom or shuttle.
    ///
    /// ```
    /// let mut spin = lockstep_sync::SpinWait::new();
    /// while spin.will_spin() {
    ///     assert!(spin.spin());
    /// }
    /// assert!(!spin.spin());
    /// ```
    #[inline]
    pub fn will_spin(&self) -> bool {
        #[cfg(not(any(loom, shuttle)))]
        return self.rounds < 10;
        #[cfg(any(loom, shuttle))]
        return false;
    }
}

/// Back-off after losing a compare-exchange race: each call spins twice as
/// long as the last (up to 64 pauses; crossbeam's `Backoff::spin`), never
/// yields or parks. While the loser waits, the winner keeps the contended
/// cache line and finishes a few more operations, instead of both cores
/// bouncing the line on every retry. Under loom or shuttle it does nothing:
/// the model's interleavings come from the atomics, not from time.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
/// let count = AtomicUsize::new(0);
/// let backoff = lockstep_sync::Backoff::new();
/// let mut seen = count.load(Relaxed);
/// while let Err(now) = count.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
///     seen = now;
///     backoff.spin();
/// }
/// assert_eq!(count.load(Relaxed), 1);
/// ```
#[derive(Default)]
pub struct Backoff {
    #[cfg(not(any(loom, shuttle)))]
    inner: crossbeam_utils::Backoff,
}

impl Backoff {
    /// A fresh back-off, at its shortest spin.
    #[inline]
    pub fn new() -> Backoff {
        Backoff::default()
    }

    /// Spins a little, longer on each call (no-op under loom or shuttle).
    #[inline]
    pub fn spin(&self) {
        #[cfg(not(any(loom, shuttle)))]
        self.inner.spin();
    }

    /// For waiting on another thread a few instructions from done (not
    /// for a lost race): spins as [`spin`](Self::spin) does for the first
    /// 7 calls, then yields (crossbeam's `Backoff::snooze`). Under loom or
    /// shuttle it yields, so the model runs the thread waited for.
    ///
    /// ```
    /// let backoff = lockstep_sync::Backoff::new();
    /// for _ in 0..10 {
    ///     backoff.snooze();
    /// }
    /// ```
    #[inline]
    pub fn snooze(&self) {
        #[cfg(not(any(loom, shuttle)))]
        self.inner.snooze();
        #[cfg(any(loom, shuttle))]
        yield_now();
    }

    /// Whether [`snooze`](Self::snooze) has run its course (crossbeam's
    /// `is_completed`: 7 spins and 4 yields), so the caller should park.
    /// Always `true` under loom or shuttle: there the caller parks at once.
    ///
    /// ```
    /// let backoff = lockstep_sync::Backoff::new();
    /// let mut snoozes = 0;
    /// while !backoff.is_completed() {
    ///     backoff.snooze();
    ///     snoozes += 1;
    /// }
    /// assert!(snoozes <= 11);
    /// ```
    #[inline]
    pub fn is_completed(&self) -> bool {
        #[cfg(not(any(loom, shuttle)))]
        return self.inner.is_completed();
        #[cfg(any(loom, shuttle))]
        return true;
    }
}

/// Lets another thread run: under loom or shuttle, their `yield_now`, so
/// the model schedules the thread a [`Backoff::snooze`] waits for.
#[cfg(any(loom, shuttle))]
fn yield_now() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(all(shuttle, not(loom)))]
    shuttle::thread::yield_now();
}
