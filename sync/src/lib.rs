//! The one place where lockstep chooses between real and model-checked
//! synchronization.
//!
//! # Not part of lockstep's API
//!
//! This crate is lockstep's internal layer: the model-checking shim
//! ([`atomic`], [`cell`], [`park`], [`SpinWait`], [`thread_id`]), the one
//! condition-variable wait queue ([`wait_queue`]), the timeout conversion
//! ([`deadline`]), `const_fn!` and the deadlock-detection hooks. Its items
//! are public only because lockstep's primitives are separate crates; they
//! may change in any release, and the `unsafe` ones (`park::*`,
//! `CondvarLock`) have contracts written for those crates alone. Depend on
//! `lockstep` or a primitive crate instead. Only [`ReleaseError`] and
//! `deadlock::{check, blocked, Deadlock, Deadlocked}`, which `lockstep`
//! re-exports, belong to the API; the contract is `docs/API.md`.
//!
//! Every primitive crate takes its atomics, its thread parking, its spinning
//! and its thread identity from here and never from `std::sync` directly, so
//! the code the model checkers explore is the code users run. Only this crate
//! looks at `cfg(loom)`, `cfg(loom_rmw)` and `cfg(shuttle)`:
//!
//! | piece | normal build | `--cfg loom` (plain leg) | `--cfg loom --cfg loom_rmw` (RMW leg) | `--cfg shuttle` |
//! |---|---|---|---|---|
//! | [`atomic`] | `std::sync::atomic` | `loom::sync::atomic`, unchanged | loom's, every load and store a read-modify-write (below) | `shuttle::sync::atomic` |
//! | [`cell`] | a thin `std::cell::UnsafeCell` wrapper | `loom::cell::UnsafeCell` (race-checked) | the same | the std wrapper |
//! | [`park`] | `parking_lot_core`'s global parking lot (FIFO queues keyed by address, timeouts) | a small parking lot on the checker's `Mutex` and `thread::park`, same API | the same | the same, on shuttle's types |
//! | [`SpinWait`] | `parking_lot_core::SpinWait` (bounded: ~10 rounds, then the caller parks) | never spins, so models stay small | the same | the same |
//! | [`Backoff`] | `crossbeam_utils::Backoff::spin` (2⁰…2⁶ pauses, never yields) | no pause: a model's steps are its atomics | the same | the same |
//! | [`thread_id`] | a process-unique number per thread | the same, per loom thread | the same | the same, per shuttle thread |
//! | `threads` (hidden: `lockstep-thread`'s plumbing) | `std::thread::Builder`, libc's `atexit`, `gettid` | loom's `thread::Builder`; no exit hook | the same | shuttle's `thread::Builder`; no exit hook |
//!
//! Why parking_lot_core rather than a hand-made wait list: it gives every
//! primitive FIFO wait queues, timeouts and a validate-then-sleep protocol
//! (the state is re-checked under the queue lock, so a wake-up can't slip in
//! between "I must wait" and "I am asleep") without a per-object mutex. Under
//! a model checker we cannot use it (its queue lock and futexes are invisible
//! to the model), so [`park`] re-implements the same calls on the checker's
//! types; the primitives above this line are identical in every build.
//!
//! # What each model-checking leg misses
//!
//! Neither loom leg is complete; CI runs every model in both, and protected
//! data lives in [`cell::UnsafeCell`] so a broken lock is a causality
//! violation in either. `sync/tests/loom_probes.rs` pins each blind spot
//! below, so a loom upgrade that changes one makes a probe fail.
//!
//! - **Plain leg** (`--cfg loom`): loom's atomics as they are (as tokio's
//!   `src/loom/mocked.rs`), so loads may return stale values and loom's
//!   happens-before checking is exactly loom's. It misses interleavings
//!   when a thread loads an atomic and later writes it (tokio-rs/loom#392,
//!   #166, unfixed in loom 0.7.3): loom's DPOR remembers one last access
//!   per atomic, so if thread U loads and then thread T loads and stores,
//!   T's store is compared only with T's own load and U is never tried
//!   after the store. `spawned: x.load(); x.store(1)` ‖ `main: r = x.load()`
//!   explores one execution and never sees `r = 1`. Races against earlier
//!   *stores* are still found.
//! - **RMW leg** (`--cfg loom --cfg loom_rmw`): every `load` is a
//!   `fetch_or` that writes back what it read and every `store` a `swap`
//!   (`loom_atomic.rs`), so every access races with the one before it and
//!   DPOR tries the #392 orders. The price: loom never returns a stale
//!   value, because an RMW always reads the latest value. Store buffering
//!   (`x=1; r1=y` ‖ `y=1; r2=x`, Relaxed) never shows `(0,0)`; Relaxed
//!   message passing never shows `flag=1, data=0`; and because loom gives
//!   an RMW the clock of the value it read, a release sequence broken by a
//!   plain store (a data race the plain leg reports as "Causality
//!   violation") is no longer reported. Happens-before checking is
//!   therefore *weaker* in this leg, not unchanged: it catches orderings
//!   the plain leg never tries, and misses races the plain leg reports.
//! - **Shuttle** (`--cfg shuttle`): random or PCT schedules over many more
//!   threads and steps than loom can explore, but every atomic is SeqCst
//!   and there is no race detector: it checks schedule-level properties
//!   (FIFO order, permit counts, no lost wake-up), never memory orderings.
//!
//! Loom has no clock. Under a model checker a finite timeout may expire at
//! any point after the thread has queued itself (loom explores that expiry
//! racing each wake-up); `None` (or a timeout too large for an `Instant`)
//! never expires.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

pub mod deadlock;
mod error;
#[cfg(any(loom, shuttle))]
mod model;
pub mod park;
mod spin;
#[doc(hidden)]
pub mod threads;
#[doc(hidden)]
pub mod trace;
pub mod wait_queue;

pub use error::ReleaseError;
pub use spin::{Backoff, SpinWait};

/// Atomic types and `Ordering`: std's, loom's (unchanged on the plain leg,
/// every access an RMW on the `loom_rmw` leg) or shuttle's.
pub mod atomic {
    pub use std::sync::atomic::Ordering;

    #[cfg(not(any(loom, shuttle)))]
    pub use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize};

    // The plain leg: loom's own types, as tokio's `src/loom/mocked.rs`.
    #[cfg(all(loom, not(loom_rmw)))]
    pub use loom::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize};

    // The #392 leg: see the crate docs for what it finds and what it hides.
    #[cfg(all(loom, loom_rmw))]
    pub use crate::loom_atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize};

    // Shuttle's atomics are `const fn new` too, and SeqCst whatever the
    // `Ordering` says.
    #[cfg(all(shuttle, not(loom)))]
    pub use shuttle::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize};
}

#[cfg(all(loom, loom_rmw))]
mod loom_atomic;

/// `UnsafeCell` with loom's closure API (`with`, `with_mut`), so loom can
/// check every access to data a lock protects; normally (and under shuttle,
/// which has no race detector) a thin std wrapper.
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
    // through it, so it is a plain std atomic even under a model checker.
    static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    fn fresh() -> usize {
        NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(not(any(loom, shuttle)))]
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
    // Shuttle runs all its threads on one OS thread, so a std thread-local
    // would be shared by all of them: use shuttle's own.
    #[cfg(all(shuttle, not(loom)))]
    {
        shuttle::thread_local!(static ID: usize = fresh());
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

/// A deadline that has always passed already: what a call that must not
/// wait (`put_nowait`, `get_nowait`) passes down as its deadline, without
/// reading the clock (the clock is read only if the call would wait).
///
/// ```
/// assert!(lockstep_sync::passed() <= std::time::Instant::now());
/// ```
#[inline]
pub fn passed() -> std::time::Instant {
    // The first call fixes it; every later deadline check compares `now`
    // against it, which is always later.
    static FIRST_CALL: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *FIRST_CALL.get_or_init(std::time::Instant::now)
}

/// Whether `deadline` has passed (`None`: it never does). The one test
/// every wait makes before it waits.
///
/// ```
/// assert!(lockstep_sync::expired(Some(lockstep_sync::passed())));
/// assert!(!lockstep_sync::expired(None));
/// ```
#[inline]
pub fn expired(deadline: Option<std::time::Instant>) -> bool {
    deadline.is_some_and(|deadline| std::time::Instant::now() >= deadline)
}

/// Declares a constructor that is `const fn` in normal builds and a plain
/// `fn` under loom, where every object must register with the running model
/// (loom's atomics have no `const fn new`). One body, two signatures.
/// Shuttle's atomics do have a `const fn new`, so under shuttle (without
/// loom) the constructor stays `const`.
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
