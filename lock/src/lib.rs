//! Python's `threading.Lock` for Rust.
//!
//! - [`Lock`]: the Python lock. Not owned: any thread may release it, as in
//!   Python. Acquire with [`Lock::acquire`]/[`Lock::release`] or with a
//!   guard ([`Lock::lock`], Python's `with lock:`).
//! - [`RawLock`]: the one-byte state machine underneath, also the raw lock of
//!   [`Mutex<T>`] (a data-carrying lock), and of `lock_api::Mutex<RawLock, T>`.
//!
//! ```
//! use lockstep_lock::Lock;
//!
//! static COUNTER_LOCK: Lock = Lock::named("counter");
//! {
//!     let _held = COUNTER_LOCK.lock(); // with counter_lock:
//!     assert!(COUNTER_LOCK.locked());
//! }
//! assert!(!COUNTER_LOCK.locked());
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod lock;
mod mutex;
mod raw;

pub use lock::{Lock, LockGuard};
pub use lockstep_sync::ReleaseError;
pub use mutex::{Mutex, MutexGuard};
pub use raw::RawLock;
