//! The one place where lockstep chooses between real and model-checked
//! synchronization.
//!
//! Every primitive crate takes its atomics, its thread parking, its spinning
//! and its thread identity from here and never from `std::sync` directly, so
//! the code that `loom` explores is the code users run. Only this crate looks
//! at `cfg(loom)`:
//!
//! | piece | normal build | `--cfg loom` |
//! |---|---|---|
//! | [`atomic`] | `std::sync::atomic` | `loom::sync::atomic`, loads and stores made read-modify-writes (below) |
//! | [`park`] | `parking_lot_core`'s global parking lot (FIFO queues keyed by address, timeouts) | a small parking lot built from loom's `Mutex` and `thread::park`, same API |
//! | [`SpinWait`] | `parking_lot_core::SpinWait` (bounded: ~10 rounds, then the caller parks) | never spins, so models stay small |
//! | [`thread_id`] | a process-unique number per thread | the same, per loom thread |
//!
//! Why parking_lot_core rather than a hand-made wait list: it gives every
//! primitive FIFO wait queues, timeouts and a validate-then-sleep protocol
//! (the state is re-checked under the queue lock, so a wake-up can't slip in
//! between "I must wait" and "I am asleep") without a per-object mutex. Under
//! loom we cannot use it (its queue lock and futexes are invisible to the
//! model), so [`park`] re-implements the same four calls on loom types; the
//! primitives above this line are identical in both builds.
//!
//! Loom 0.7.3 misses interleavings when a thread loads an atomic and later
//! writes it (tokio-rs/loom#392, #166): its DPOR remembers one last access
//! per atomic, so the thread's own load hides another thread's earlier one,
//! and e.g. "main reads, then the other thread writes" is the only order it
//! ever tries. Under loom our atomics' `load` is therefore a read-modify-write
//! that writes back what it read (and `store` a swap), so every access races
//! with the one before it and DPOR tries every order. The price: a load can no longer return a
//! stale value in the model; happens-before checking (Acquire/Release, loom's
//! `UnsafeCell` race detector) is unchanged.
//!
//! Loom has no clock. Under loom a finite timeout may expire at any point
//! after the thread has queued itself, and loom explores that expiry racing
//! each wake-up; `None` (or a timeout too large for an `Instant`) never
//! expires.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

pub mod deadlock;
mod error;
#[cfg(any(loom, shuttle))]
mod model;
pub mod park;
pub mod wait_queue;

pub use error::ReleaseError;

/// Atomic types and `Ordering`, from std or (every access an RMW) from loom.
pub mod atomic {
    #[cfg(loom)]
    pub use crate::loom_atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize};
    pub use std::sync::atomic::Ordering;
    #[cfg(not(loom))]
    pub use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize};
}

#[cfg(loom)]
mod loom_atomic;

/// `UnsafeCell` with loom's closure API (`with`, `with_mut`), so loom can
/// check every access to data a lock protects; normally a thin std wrapper.
pub mod cell {
    #[cfg(loom)]
    pub use loom::cell::UnsafeCell;

    /// std's `UnsafeCell` behind loom's closure API.
    ///
    /// ```
    /// let cell = lockstep_sync::cell::UnsafeCell::new(1);
    /// // SAFETY: no other access to `cell` exists.
    /// cell.with_mut(|value| unsafe { *value += 1 });
    /// // SAFETY: as above.
    /// assert_eq!(cell.with(|value| unsafe { *value }), 2);
    /// ```
    #[cfg(not(loom))]
    #[derive(Debug, Default)]
    pub struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    #[cfg(not(loom))]
    impl<T> UnsafeCell<T> {
        /// A cell holding `value`.
        pub const fn new(value: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        /// Calls `f` with a shared pointer to the value.
        #[inline]
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Calls `f` with a unique pointer to the value.
        #[inline]
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }

        /// The value, taking the cell.
        pub fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }
}

/// Bounded spinning before a thread parks: a few rounds of `spin_loop`, then
/// `yield`, then give up so the caller parks. Under loom it never spins.
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
    #[cfg(not(loom))]
    inner: parking_lot_core::SpinWait,
    /// Rounds spun so far (parking_lot_core's SpinWait gives up after 10).
    #[cfg(not(loom))]
    rounds: u32,
}

impl SpinWait {
    /// A fresh spinner.
    pub fn new() -> SpinWait {
        SpinWait::default()
    }

    /// Spins once more and returns `true`, or returns `false` when the caller
    /// should stop spinning and park.
    #[inline]
    pub fn spin(&mut self) -> bool {
        #[cfg(not(loom))]
        let spun = {
            self.rounds = self.rounds.saturating_add(1);
            self.inner.spin()
        };
        #[cfg(loom)]
        let spun = false;
        spun
    }

    /// Whether the next [`spin`](Self::spin) would spin rather than tell
    /// the caller to park: for callers that must give something up (a
    /// lock) before spinning. Always `false` under loom.
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
        #[cfg(not(loom))]
        return self.rounds < 10;
        #[cfg(loom)]
        return false;
    }
}

/// A number that identifies the calling thread, never 0, and never reused
/// by a later thread (unlike a thread-local's address), so a lock still
/// "owned" by a thread that exited can't be mistaken for another's.
///
/// ```
/// let here = lockstep_sync::thread_id();
/// let there = std::thread::spawn(lockstep_sync::thread_id).join().unwrap();
/// assert_ne!(here, there);
/// assert_eq!(here, lockstep_sync::thread_id());
/// ```
#[inline]
pub fn thread_id() -> usize {
    // The counter only hands out distinct numbers; nothing is published
    // through it, so it is a plain std atomic even under loom.
    static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    fn fresh() -> usize {
        NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(not(loom))]
    {
        use std::cell::Cell;
        thread_local!(static ID: Cell<usize> = const { Cell::new(0) });
        ID.with(|id| match id.get() {
            0 => {
                let fresh = fresh();
                id.set(fresh);
                fresh
            }
            known => known,
        })
    }
    #[cfg(loom)]
    {
        loom::thread_local!(static ID: usize = fresh());
        ID.with(|id| *id)
    }
}

/// The `Instant` a timeout ends at, or `None` for "wait forever" when the
/// timeout is too large to represent (Python's `timeout=-1`, or
/// `Duration::MAX`): huge timeouts never panic or overflow.
///
/// ```
/// use std::time::Duration;
/// assert!(lockstep_sync::deadline(Duration::from_secs(1)).is_some());
/// assert!(lockstep_sync::deadline(Duration::MAX).is_none());
/// ```
#[inline]
pub fn deadline(timeout: std::time::Duration) -> Option<std::time::Instant> {
    std::time::Instant::now().checked_add(timeout)
}

/// Declares a constructor that is `const fn` in normal builds and a plain
/// `fn` under loom, where every object must register with the running model
/// (loom's atomics have no `const fn new`). One body, two signatures.
///
/// ```
/// struct Flag(lockstep_sync::atomic::AtomicBool);
/// impl Flag {
///     lockstep_sync::const_fn! {
///         /// A lowered flag.
///         pub fn new() -> Flag {
///             Flag(lockstep_sync::atomic::AtomicBool::new(false))
///         }
///     }
/// }
/// static FLAG: Flag = Flag::new();
/// # let _ = &FLAG;
/// ```
#[macro_export]
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $name:ident($($args:tt)*) -> $ret:ty $body:block) => {
        $(#[$attr])*
        #[cfg(not(loom))]
        #[inline]
        $vis const fn $name($($args)*) -> $ret $body

        $(#[$attr])*
        #[cfg(loom)]
        $vis fn $name($($args)*) -> $ret $body
    };
}
