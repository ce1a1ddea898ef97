//! Python's `threading.Condition` for Rust: threads wait, holding its lock
//! (an `RLock`, or the `Lock`/`RLock` you give it, as `Condition(lock)`),
//! until another thread notifies them; and `threading.Barrier`, which
//! CPython builds on a `Condition` and so do we.
//!
//! Waiting and notifying go through the one wait queue of `lockstep-sync`
//! (also under the queues): a waiter queues before it lets the lock go, and
//! a notify made with the lock held moves the waiter onto the lock's own
//! queue (parking_lot's requeue) rather than waking it to block there.
//!
//! ```
//! use lockstep_condition::Condition;
//! use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
//! use std::thread;
//!
//! let cond = Condition::new();
//! let baozi_ready = AtomicBool::new(false);
//! thread::scope(|s| {
//!     s.spawn(|| {
//!         let _held = cond.lock();
//!         baozi_ready.store(true, Relaxed);
//!         cond.notify_all().unwrap();
//!     });
//!     let mut held = cond.lock(); // with cond:
//!     assert!(held.wait_for(|| baozi_ready.load(Relaxed), None));
//! });
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod barrier;
mod condition;
mod error;
mod guard;
mod lock;
#[cfg(all(test, not(any(loom, shuttle))))]
mod tests;

pub use barrier::{Barrier, BrokenBarrierError};
pub use condition::Condition;
pub use error::ConditionError;
pub use guard::ConditionGuard;
pub use lock::ConditionLock;
