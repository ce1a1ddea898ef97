//! Seeded random pauses that widen race windows, and the fixed pause the
//! notes' examples use as "work".

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::thread;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

thread_local! {
    /// Each thread's own generator, seeded from [`seed`] and its name, so a
    /// run's choices repeat with the same `LOCKSTEP_SEED` (the scheduler's
    /// choices do not).
    static RNG: RefCell<Option<StdRng>> = const { RefCell::new(None) };
}

/// The run's seed: `LOCKSTEP_SEED` from the environment, or 1.
///
/// ```
/// assert!(lockstep_check::seed() > 0 || std::env::var("LOCKSTEP_SEED").is_ok());
/// ```
pub fn seed() -> u64 {
    std::env::var("LOCKSTEP_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or(1)
}

/// A short random pause (nothing, a yield, a spin, or a sleep of up to
/// 200 µs), to shake the schedule the way the koans' jitter does: a race
/// that a straight run hides shows up under it.
///
/// ```
/// lockstep_check::jitter();
/// ```
pub fn jitter() {
    let choice = RNG.with(|rng| {
        let mut rng = rng.borrow_mut();
        let rng = rng.get_or_insert_with(|| {
            let mut hasher = DefaultHasher::new();
            thread::current().name().hash(&mut hasher);
            StdRng::seed_from_u64(seed() ^ hasher.finish())
        });
        (rng.gen_range(0..4u8), rng.gen_range(0..200u64))
    });
    match choice {
        (0, _) => {}
        (1, _) => thread::yield_now(),
        (2, spins) => (0..spins * 10).for_each(|_| std::hint::spin_loop()),
        (_, micros) => thread::sleep(Duration::from_micros(micros)),
    }
}

/// The "work" of the notes' examples (`time.sleep(0.01)`): a fixed pause
/// of `ms` milliseconds inside a critical section or between two steps.
///
/// ```
/// lockstep_check::pause(1);
/// ```
pub fn pause(ms: u64) {
    thread::sleep(Duration::from_millis(ms));
}
