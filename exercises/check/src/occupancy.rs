//! How many threads were inside a region at once (the koans' "never more
//! than N inside").

use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the threads inside a region and remembers the most ever inside at
/// once.
///
/// ```
/// let lot = lockstep_check::Occupancy::new();
/// {
///     let _car = lot.enter();
///     assert_eq!(lot.now(), 1);
/// }
/// assert_eq!((lot.now(), lot.max()), (0, 1));
/// ```
#[derive(Debug, Default)]
pub struct Occupancy {
    inside: AtomicUsize,
    max: AtomicUsize,
    entered: AtomicUsize,
}

/// One thread inside an [`Occupancy`]; leaves when dropped.
#[must_use = "the thread leaves the region when this guard drops"]
#[derive(Debug)]
pub struct Inside<'a> {
    region: &'a Occupancy,
}

impl Occupancy {
    /// An empty region.
    pub const fn new() -> Occupancy {
        Occupancy { inside: AtomicUsize::new(0), max: AtomicUsize::new(0), entered: AtomicUsize::new(0) }
    }

    /// Enters the region until the guard drops.
    pub fn enter(&self) -> Inside<'_> {
        // SeqCst: the count is the measurement itself; every enter and leave
        // takes one place in a single order, so `max` is a true maximum.
        let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        self.entered.fetch_add(1, Ordering::SeqCst);
        Inside { region: self }
    }

    /// How many are inside now.
    pub fn now(&self) -> usize {
        self.inside.load(Ordering::SeqCst)
    }

    /// The most that were ever inside at once.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    /// How many entries there were in all.
    pub fn entered(&self) -> usize {
        self.entered.load(Ordering::SeqCst)
    }
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        // SeqCst: as in `enter`.
        self.region.inside.fetch_sub(1, Ordering::SeqCst);
    }
}
