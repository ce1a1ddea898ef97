//! The checker behind lockstep's classroom exercises (`exercises/`).
//!
//! Every exercise is a small program with a bug to fix. Its tests run the
//! student's code through this crate, which turns what went wrong into one
//! readable paragraph that names the bug class and the hint to read:
//!
//! ```text
//! lost update: expected num = 100 after 100 increments, but num = 97: 3 updates were lost.
//! Read hint 1: press h in rustlings, or run `rustlings hint race_lock` or `cargo run --bin exercises -- hint race_lock 1`.
//! ```
//!
//! What it offers, after the Little Book of Semaphores koans' helpers:
//! - [`Crew`]: named threads under a watchdog. A deadlock is reported as
//!   soon as lockstep's detector sees the cycle ("philosopher-1 holds fork-1
//!   and waits for fork-2; …"); any other hang fails after a few seconds,
//!   naming who has not finished and which lock each one waits for. A wrong
//!   answer never hangs the checker.
//! - [`completes`] and [`blocks`]: assert that a call returns, or that it
//!   blocks until something else happens.
//! - [`Occupancy`]: how many threads were inside a region at once.
//! - [`Log`]: an event log, to check the order things happened in.
//! - [`jitter`] and [`pause`]: seeded random pauses that widen race windows,
//!   and the fixed "work" pause the notes' examples use.
//! - [`model`]: run the student's code under loom, which tries every
//!   interleaving, and tell the failing one step by step.
//! - [`fail`]: the paragraph itself, for checks of an exercise's own.
//!
//! The checker keeps its own bookkeeping in `std` types, so a bug in the
//! code under test (or in lockstep) cannot hang the watchdog.
#![warn(missing_docs, unreachable_pub)]

mod blocking;
mod crew;
mod failure;
mod jitter;
mod log;
mod model;
mod occupancy;

pub use blocking::{Blocked, blocks, completes};
pub use crew::Crew;
pub use failure::{exercise_name, fail};
pub use jitter::{jitter, pause, seed};
pub use log::Log;
pub use model::{model, step};
pub use occupancy::{Inside, Occupancy};
