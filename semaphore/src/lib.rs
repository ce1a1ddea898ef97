//! Python's `threading.Semaphore` and `threading.BoundedSemaphore` for Rust:
//! a counter of permits that threads take and give back.
//!
//! - [`Semaphore`]: `release` may raise the count above its start.
//! - [`BoundedSemaphore`]: `release` above the start is an error.
//! - [`SemaphorePermit`]: one permit, given back when dropped (`with sem:`).
//!
//! ```
//! use lockstep_semaphore::Semaphore;
//! use std::thread;
//!
//! // A parking lot with 2 spaces: never more than 2 cars inside.
//! let spaces = Semaphore::new(2);
//! thread::scope(|s| {
//!     for _ in 0..5 {
//!         s.spawn(|| {
//!             let _space = spaces.permit();
//!             assert!(spaces.value() <= 1);
//!         });
//!     }
//! });
//! assert_eq!(spaces.value(), 2);
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

/// The methods both semaphores share word for word (everything but the
/// constructor and `release`), written once over their `raw` field.
macro_rules! shared_methods {
    ($name:ident) => {
        /// Takes a permit, waiting while there is none. Python: `sem.acquire()`.
        ///
        /// ```
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(1);")]
        /// sem.acquire();
        /// assert_eq!(sem.value(), 0);
        /// ```
        #[inline]
        pub fn acquire(&self) {
            self.raw.acquire();
        }

        /// Takes a permit if one is free, without waiting.
        /// Python: `sem.acquire(blocking=False)`.
        ///
        /// ```
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(1);")]
        /// assert!(sem.try_acquire());
        /// assert!(!sem.try_acquire());
        /// ```
        #[inline]
        pub fn try_acquire(&self) -> bool {
            self.raw.try_acquire()
        }

        /// Waits at most `timeout` for a permit; `false` if the time ran out.
        /// `Duration::ZERO` only tries (Python's non-positive timeout).
        /// Python: `sem.acquire(timeout=t)`.
        ///
        /// ```
        /// use std::time::Duration;
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(1);")]
        /// assert!(sem.acquire_timeout(Duration::from_secs(1)));
        /// assert!(!sem.acquire_timeout(Duration::from_millis(5)));
        /// ```
        #[inline]
        pub fn acquire_timeout(&self, timeout: std::time::Duration) -> bool {
            self.raw.acquire_timeout(timeout)
        }

        /// Waits until `deadline` at most for a permit: the `Instant` form
        /// of [`acquire_timeout`](Self::acquire_timeout).
        ///
        /// ```
        /// use std::time::{Duration, Instant};
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(1);")]
        /// let deadline = Instant::now() + Duration::from_millis(5);
        /// assert!(sem.acquire_until(deadline));
        /// assert!(!sem.acquire_until(deadline));
        /// ```
        #[inline]
        pub fn acquire_until(&self, deadline: std::time::Instant) -> bool {
            self.raw.acquire_until(deadline)
        }

        /// The permits available now (a snapshot). Python: `sem._value`.
        ///
        /// ```
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(3);")]
        /// assert_eq!(sem.value(), 3);
        /// ```
        #[inline]
        pub fn value(&self) -> usize {
            self.raw.value()
        }

        /// Takes a permit and returns it as a guard that gives it back when
        /// dropped. Python: `with sem:`.
        ///
        /// ```
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(1);")]
        /// {
        ///     let _permit = sem.permit();
        ///     assert_eq!(sem.value(), 0);
        /// }
        /// assert_eq!(sem.value(), 1);
        /// ```
        #[inline]
        pub fn permit(&self) -> $crate::SemaphorePermit<'_> {
            self.raw.acquire();
            $crate::SemaphorePermit::new(&self.raw)
        }

        /// A permit guard if a permit is free now, else `None`.
        ///
        /// ```
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(1);")]
        /// let permit = sem.try_permit().expect("one is free");
        /// assert!(sem.try_permit().is_none());
        /// drop(permit);
        /// ```
        #[inline]
        pub fn try_permit(&self) -> Option<$crate::SemaphorePermit<'_>> {
            self.raw.try_acquire().then(|| $crate::SemaphorePermit::new(&self.raw))
        }

        /// A permit guard if one could be taken within `timeout`, else `None`.
        ///
        /// ```
        /// use std::time::Duration;
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(1);")]
        /// let permit = sem.try_permit_for(Duration::from_secs(1)).expect("free");
        /// assert!(sem.try_permit_for(Duration::from_millis(5)).is_none());
        /// drop(permit);
        /// ```
        #[inline]
        pub fn try_permit_for(&self, timeout: std::time::Duration) -> Option<$crate::SemaphorePermit<'_>> {
            self.raw.acquire_timeout(timeout).then(|| $crate::SemaphorePermit::new(&self.raw))
        }

        /// A permit guard if one could be taken by `deadline`, else `None`.
        ///
        /// ```
        /// use std::time::{Duration, Instant};
        #[doc = concat!("let sem = lockstep_semaphore::", stringify!($name), "::new(0);")]
        /// assert!(sem.try_permit_until(Instant::now() + Duration::from_millis(5)).is_none());
        /// ```
        #[inline]
        pub fn try_permit_until(&self, deadline: std::time::Instant) -> Option<$crate::SemaphorePermit<'_>> {
            self.raw.acquire_until(deadline).then(|| $crate::SemaphorePermit::new(&self.raw))
        }
    };
}

mod bounded;
mod permit;
mod raw;
mod semaphore;

pub use bounded::BoundedSemaphore;
pub use lockstep_sync::ReleaseError;
pub use permit::SemaphorePermit;
pub use semaphore::Semaphore;
