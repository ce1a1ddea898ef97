//! Python's `threading.Event` for Rust: a flag that threads wait on until
//! another thread sets it.
//!
//! ```
//! use lockstep_event::Event;
//! use std::thread;
//!
//! let ready = Event::new();
//! thread::scope(|s| {
//!     s.spawn(|| ready.set()); // the server is ready
//!     ready.wait(); // the client connects only after it
//! });
//! assert!(ready.is_set());
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod event;

pub use event::Event;
