//! Python's `concurrent.futures` ([`Future`], [`ThreadPoolExecutor`],
//! [`wait`], [`as_completed`]) and `multiprocessing.pool.ThreadPool`
//! ([`Pool`], [`AsyncResult`]) for Rust, with Python's semantics.
//!
//! | lockstep | Python |
//! |---|---|
//! | [`Future`] | `concurrent.futures.Future` |
//! | [`ThreadPoolExecutor`], [`ExecutorBuilder`] | `ThreadPoolExecutor(max_workers, thread_name_prefix, initializer)` |
//! | [`ThreadPoolExecutor::map`], [`Map`] | `executor.map(fn, items, timeout=...)` |
//! | [`wait`], [`ReturnWhen`], [`DoneAndNotDone`] | `wait(fs, timeout, return_when)`, `FIRST_COMPLETED`..., `DoneAndNotDoneFutures` |
//! | [`as_completed`], [`AsCompleted`] | `as_completed(fs, timeout)` |
//! | [`Pool`], [`AsyncResult`] | `multiprocessing.pool.ThreadPool`, `AsyncResult` |
//! | [`FutureError`], [`InvalidStateError`], [`SubmitError`], [`TimeoutError`] | `CancelledError`/`TimeoutError`/`BrokenThreadPool`, `InvalidStateError`, `RuntimeError` |
//! | [`PoolError`], [`NotReady`] | the pool's `ValueError`s and re-raised exceptions |
//! | [`Panic`] | the exception a task raised |
//!
//! ```
//! use lockstep_futures::{ThreadPoolExecutor, as_completed};
//!
//! let executor = ThreadPoolExecutor::builder().max_workers(4).thread_name_prefix("fetch").build();
//! let futures: Vec<_> = ["a", "bb", "ccc"]
//!     .into_iter()
//!     .map(|url| executor.submit(move || url.len()).unwrap())
//!     .collect();
//! futures[0].add_done_callback(|f| println!("first: {:?}", f.result()));
//! let mut total = 0;
//! for future in as_completed(&futures, None) {
//!     total += future.unwrap().result().unwrap();
//! }
//! assert_eq!(total, 6);
//! ```
//!
//! # Built from lockstep's own primitives
//! | piece | primitive |
//! |---|---|
//! | a future's state machine (PENDING → RUNNING → FINISHED, PENDING → CANCELLED) | one atomic word from `lockstep-sync` (`future.rs`) |
//! | `result()`/`result_timeout()` waiting | `lockstep_sync::park`, keyed by the future's state word (as `Event`) |
//! | the value, written once and read by many as `&T` | `lockstep_sync::cell::UnsafeCell`, published by the Release store of FINISHED |
//! | the callback and watcher lists | a `lockstep_lock::Mutex` |
//! | the work queue | a `lockstep_queue::Queue` (unbounded); its soft `shutdown` drains it and ends the workers |
//! | "an idle worker exists" | an atomic count (CPython's `_idle_semaphore`, only ever tried, never waited on; a `Semaphore` there showed in every `trace` chart) |
//! | submit vs shutdown vs a failed initializer | a `lockstep_lock::Mutex` (CPython's `_shutdown_lock`) |
//! | the workers | `lockstep_thread::Thread`s named `{prefix}_{i}` |
//! | `wait`, `as_completed`, `imap_unordered` | a `lockstep_queue::SimpleQueue` of indices, fed as each future is done |
//!
//! `Pool` is the same executor (`Shared` in `shared.rs`) with a
//! terminate flag each task checks before it starts.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod async_result;
mod complete;
mod error;
mod executor;
mod future;
mod map;
mod panic;
mod pool;
mod pool_map;
mod shared;
mod wait;

pub use async_result::AsyncResult;
pub use error::{FutureError, InvalidStateError, NotReady, PoolError, SubmitError, TimeoutError};
pub use executor::{ExecutorBuilder, ThreadPoolExecutor};
pub use future::Future;
pub use map::Map;
pub use panic::Panic;
pub use pool::Pool;
pub use wait::{AsCompleted, DoneAndNotDone, ReturnWhen, as_completed, wait};
