//! Python's `threading.RLock` for Rust: a lock owned by the thread that
//! acquired it, which that thread may acquire again (re-entrantly).
//!
//! ```
//! use lockstep_rlock::RLock;
//!
//! let rlock = RLock::new();
//! let outer = rlock.lock();
//! let inner = rlock.lock(); // the same thread: no deadlock
//! assert_eq!(rlock.recursion_count(), 2);
//! drop(inner);
//! drop(outer);
//! assert!(!rlock.locked());
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod guard;
mod rlock;
#[cfg(all(test, not(any(loom, shuttle))))]
mod tests;

pub use guard::RLockGuard;
pub use lockstep_sync::ReleaseError;
pub use rlock::RLock;
