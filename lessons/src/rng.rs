//! The lessons' random numbers, from the `rand` crate, seeded by `--seed`.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng as _, RngCore, SeedableRng};
use std::time::Duration;

/// A seeded random number generator (`rand`'s `StdRng`), so `--seed`
/// repeats a run's choices (it cannot repeat the operating system's
/// scheduling). Not for cryptography.
///
/// The same seed gives the same numbers on every run and machine (for one
/// version of `rand`).
///
/// ```
/// use lockstep_lessons::Rng;
/// let (mut a, mut b) = (Rng::new(42), Rng::new(42));
/// assert_eq!(a.below(100), b.below(100));
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    /// The generator, seeded once from the lesson's `--seed`.
    inner: StdRng,
}

impl Rng {
    /// A generator whose numbers are fixed by `seed`.
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(7);
    /// let _ = rng.next_u64();
    /// ```
    pub fn new(seed: u64) -> Rng {
        Rng { inner: StdRng::seed_from_u64(seed) }
    }

    /// The next 64 random bits: e.g. the seed of another thread's [`Rng`].
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(0);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A number in `0..bound` (`0` when `bound` is 0).
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(1);
    /// assert!(rng.below(6) < 6);
    /// assert_eq!(rng.below(0), 0);
    /// ```
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.inner.gen_range(0..bound) }
    }

    /// `base` stretched or shrunk by a random factor in `[1/2, 3/2)`, so
    /// threads given the same pause don't all wake at the same instant.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut rng = lockstep_lessons::Rng::new(3);
    /// let pause = rng.jitter(Duration::from_millis(10));
    /// assert!(pause >= Duration::from_millis(5) && pause < Duration::from_millis(15));
    /// ```
    pub fn jitter(&mut self, base: Duration) -> Duration {
        let micros = u64::try_from(base.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(micros / 2 + self.below(micros))
    }

    /// Shuffles `items` in place, like Python's `random.shuffle`.
    ///
    /// ```
    /// let mut cards = [1, 2, 3, 4, 5];
    /// lockstep_lessons::Rng::new(9).shuffle(&mut cards);
    /// let mut sorted = cards;
    /// sorted.sort();
    /// assert_eq!(sorted, [1, 2, 3, 4, 5]);
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        items.shuffle(&mut self.inner);
    }
}
