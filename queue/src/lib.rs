//! Python's `queue` module for Rust: [`Queue`] (FIFO), [`LifoQueue`],
//! [`PriorityQueue`] and [`SimpleQueue`], with `task_done`/`join` and
//! Python 3.13's `shutdown`.
//!
//! The three bounded queues are one generic type, [`BaseQueue`] (Python's
//! algorithm of one lock and three condition variables), over the
//! [`Store`] that decides the order items leave in. A `Queue` with a
//! `maxsize` from 1 to 4096 (and at most 1 MiB of items) keeps its items in a lock-free ring instead:
//! its puts and gets take no lock unless they must wait or wake a waiter
//! (a `set_maxsize` moves the items into the store for good). A failed put hands its item back in the
//! error, so nothing is ever lost or duplicated, also when a timeout races
//! a wake-up or the queue shuts down.
//!
//! ```
//! use lockstep_queue::{GetError, Queue};
//! use std::thread;
//!
//! // The baozi shop: one cook, two customers, shutdown instead of sentinels.
//! let counter = Queue::new(3);
//! thread::scope(|s| {
//!     let customers: Vec<_> = (0..2)
//!         .map(|_| {
//!             s.spawn(|| {
//!                 let mut eaten = 0;
//!                 while let Ok(_baozi) = counter.get() {
//!                     eaten += 1;
//!                     counter.task_done().unwrap();
//!                 }
//!                 eaten
//!             })
//!         })
//!         .collect();
//!     for baozi in 0..10 {
//!         counter.put(baozi).unwrap();
//!     }
//!     counter.join(); // every baozi eaten
//!     counter.shutdown(false);
//!     let eaten: i32 = customers.into_iter().map(|c| c.join().unwrap()).sum();
//!     assert_eq!(eaten, 10);
//! });
//! assert_eq!(counter.get(), Err(GetError::ShutDown));
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod engine;
mod error;
mod heap;
mod named;
mod queues;
mod ring;
mod simple;
mod store;
#[cfg(all(test, not(any(loom, shuttle))))]
mod tests;

pub use error::{GetError, PutError, TaskDoneError};
pub use queues::{BaseQueue, LifoQueue, PriorityQueue, Queue};
pub use simple::SimpleQueue;
pub use store::{Fifo, Lifo, Priority, Store};
