//! Shared helpers for the `lesson-*` binaries in `src/bin/`.
//!
//! Each lesson is one readable file; what they all need lives here:
//! - [`say`]: print one narrated line, `Thread-7: read num = 93`, as a whole
//!   line even when 100 threads print at once;
//! - [`heading`]: a part title, so the projector shows where a part starts;
//! - [`thread_name`]: Python's default thread names (`Thread-1`, ...);
//! - [`Rng`]: a tiny seeded random number generator, so `--seed` repeats a
//!   run's choices (it cannot repeat the operating system's scheduling).
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use std::fmt::Display;
use std::io::Write;
use std::time::Duration;

/// Prints `who: what` as one whole line.
///
/// The line is built first and written with a single call while holding
/// stdout's lock, so lines from different threads never mix mid-line.
///
/// ```
/// lockstep_lessons::say("Thread-7", "read num = 93");
/// ```
pub fn say(who: &str, what: impl Display) {
    let line = format!("{who}: {what}\n");
    let mut out = std::io::stdout().lock();
    // A closed pipe (`lesson-race | head`) is not the lesson's business.
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

/// Prints a part title between blank lines, e.g. `== Part 1: ... ==`.
///
/// ```
/// lockstep_lessons::heading("Part 1: a lost update");
/// ```
pub fn heading(title: &str) {
    let text = format!("\n== {title} ==\n");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Python's default name for the `number`th thread started: `Thread-7`.
///
/// ```
/// assert_eq!(lockstep_lessons::thread_name(7), "Thread-7");
/// ```
pub fn thread_name(number: usize) -> String {
    format!("Thread-{number}")
}

/// A tiny seeded random number generator (SplitMix64), written out by hand
/// so the lessons need no extra dependency. Not for cryptography.
///
/// The same seed gives the same numbers on every run and machine.
///
/// ```
/// use lockstep_lessons::Rng;
/// let (mut a, mut b) = (Rng::new(42), Rng::new(42));
/// assert_eq!(a.below(100), b.below(100));
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    /// The generator's whole state; advanced by a fixed odd step each draw.
    state: u64,
}

impl Rng {
    /// A generator whose numbers are fixed by `seed`.
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(7);
    /// let _ = rng.next_u64();
    /// ```
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits (SplitMix64, Steele, Lea and Flood 2014).
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(0);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`0` when `bound` is 0).
    ///
    /// ```
    /// let mut rng = lockstep_lessons::Rng::new(1);
    /// assert!(rng.below(6) < 6);
    /// ```
    pub fn below(&mut self, bound: u64) -> u64 {
        // The modulo bias is far below anything a lesson could show.
        if bound == 0 { 0 } else { self.next_u64() % bound }
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

    /// Shuffles `items` in place (Fisher–Yates), like Python's
    /// `random.shuffle`.
    ///
    /// ```
    /// let mut cards = [1, 2, 3, 4, 5];
    /// lockstep_lessons::Rng::new(9).shuffle(&mut cards);
    /// let mut sorted = cards;
    /// sorted.sort();
    /// assert_eq!(sorted, [1, 2, 3, 4, 5]);
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for last in (1..items.len()).rev() {
            let pick = self.below(last as u64 + 1) as usize;
            items.swap(last, pick);
        }
    }
}
