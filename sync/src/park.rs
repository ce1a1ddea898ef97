//! Thread parking keyed by address: park a thread on a key, wake one or all
//! threads parked on it.
//!
//! The four calls mirror `parking_lot_core`'s (`park`, `unpark_one`,
//! `unpark_all`): normally they are that crate's, under loom they are a
//! small model of it (one queue behind a loom `Mutex`, sleeping through
//! `loom::thread::park`). Both builds keep the same promises:
//!
//! - `validate` runs with the queue locked, just before the thread joins the
//!   queue, so a state change made by a waker that then calls `unpark_*`
//!   either fails `validate` or finds the thread queued: no lost wake-up.
//! - Queues are FIFO per key.
//! - `before_sleep` runs after the thread is queued and the queue unlocked,
//!   so what it releases can't be taken and signalled before we sleep.
//! - The `unpark_one` callback runs with the queue locked, so it sees
//!   exactly whether threads remain parked on the key; so does `timed_out`,
//!   which is also told the key the thread was parked on when it timed out
//!   (an [`unpark_requeue`] may have moved it to another key).
//! - [`unpark_requeue`] moves parked threads from one key to another
//!   without waking them, atomically with its `validate` callback: a
//!   condition variable's notify moves a waiter onto the queue of the lock
//!   the waiter will need next, instead of waking it to block on that lock.
//!
//! # Safety (for every call here)
//! `key` must be the address of something the calling primitive owns (so two
//! primitives never share a queue), and no callback may panic or call back
//! into this module (the queue is locked while they run); `before_sleep`
//! alone may call `unpark_*`.

/// How a [`park`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParkResult {
    /// Another thread woke this one, passing this token.
    Unparked(usize),
    /// `validate` returned false; the thread never slept.
    Invalid,
    /// The deadline passed first.
    TimedOut,
}

/// What an [`unpark_one`] or [`unpark_requeue`] found, as seen by its
/// callback and its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnparkResult {
    /// How many threads were woken (0 or 1).
    pub unparked_threads: usize,
    /// How many threads [`unpark_requeue`] moved to the other key.
    pub requeued_threads: usize,
    /// Whether threads are still parked on the key afterwards (reported
    /// only when one thread was woken or moved).
    pub have_more_threads: bool,
}

/// What an [`unpark_requeue`] does, chosen by its `validate` callback while
/// both queues are locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequeueOp {
    /// Nothing.
    Abort,
    /// Wake the longest-parked thread; leave the others where they are.
    UnparkOne,
    /// Move the longest-parked thread to the other key, without waking it.
    RequeueOne,
    /// Move every thread parked on the key to the other key.
    RequeueAll,
}

/// The token `unpark_all` passes.
pub const DEFAULT_TOKEN: usize = 0;

pub use imp::{park, unpark_all, unpark_one, unpark_requeue};

#[cfg(not(any(loom, shuttle)))]
mod imp {
    use super::{DEFAULT_TOKEN, ParkResult, RequeueOp, UnparkResult};
    use parking_lot_core::{DEFAULT_PARK_TOKEN, UnparkToken};
    use std::time::Instant;

    /// Parks the calling thread on `key` if `validate()` holds, until it is
    /// unparked or `deadline` passes (`None`: never). `before_sleep` runs once
    /// the thread is queued and the queue unlocked (a condition variable
    /// releases its lock there; it may call `unpark_*`). `timed_out(key,
    /// was_last)` runs, queue locked, when the deadline passed: `key` is the
    /// one the thread was parked on then (it differs from the argument after
    /// an [`unpark_requeue`](super::unpark_requeue)), `was_last` says no
    /// other thread is still parked on that key.
    ///
    /// # Safety
    /// See the module's safety section.
    #[inline]
    pub unsafe fn park(
        key: usize,
        validate: impl FnOnce() -> bool,
        before_sleep: impl FnOnce(),
        timed_out: impl FnOnce(usize, bool),
        deadline: Option<Instant>,
    ) -> ParkResult {
        // SAFETY: the caller upholds this module's contract, which is
        // parking_lot_core's.
        let result = unsafe {
            parking_lot_core::park(key, validate, before_sleep, timed_out, DEFAULT_PARK_TOKEN, deadline)
        };
        match result {
            parking_lot_core::ParkResult::Unparked(UnparkToken(token)) => ParkResult::Unparked(token),
            parking_lot_core::ParkResult::Invalid => ParkResult::Invalid,
            parking_lot_core::ParkResult::TimedOut => ParkResult::TimedOut,
        }
    }

    /// Wakes the longest-parked thread on `key`, if any. `callback` runs with
    /// the queue locked, before the thread is woken, and returns the token
    /// the woken thread receives.
    ///
    /// # Safety
    /// See the module's safety section.
    #[inline]
    pub unsafe fn unpark_one(key: usize, callback: impl FnOnce(UnparkResult) -> usize) -> UnparkResult {
        // SAFETY: the caller upholds this module's contract.
        let result =
            unsafe { parking_lot_core::unpark_one(key, |result| UnparkToken(callback(convert(result)))) };
        convert(result)
    }

    /// Moves threads parked on `key_from` to `key_to` (or wakes one), as
    /// `validate` decides with both queues locked; a moved thread sleeps on
    /// until a wake on `key_to` reaches it, or its deadline passes.
    ///
    /// # Safety
    /// See the module's safety section; both keys must be owned by the
    /// caller's primitives.
    #[inline]
    pub unsafe fn unpark_requeue(
        key_from: usize,
        key_to: usize,
        validate: impl FnOnce() -> RequeueOp,
    ) -> UnparkResult {
        use parking_lot_core::RequeueOp as Op;
        let validate = || match validate() {
            RequeueOp::Abort => Op::Abort,
            RequeueOp::UnparkOne => Op::UnparkOne,
            RequeueOp::RequeueOne => Op::RequeueOne,
            RequeueOp::RequeueAll => Op::RequeueAll,
        };
        // SAFETY: the caller upholds this module's contract.
        let result = unsafe {
            parking_lot_core::unpark_requeue(key_from, key_to, validate, |_, _| UnparkToken(DEFAULT_TOKEN))
        };
        convert(result)
    }

    fn convert(result: parking_lot_core::UnparkResult) -> UnparkResult {
        UnparkResult {
            unparked_threads: result.unparked_threads,
            requeued_threads: result.requeued_threads,
            have_more_threads: result.have_more_threads,
        }
    }

    /// Wakes every thread parked on `key` and returns how many.
    ///
    /// # Safety
    /// See the module's safety section.
    #[inline]
    pub unsafe fn unpark_all(key: usize) -> usize {
        // SAFETY: the caller upholds this module's contract.
        unsafe { parking_lot_core::unpark_all(key, UnparkToken(DEFAULT_TOKEN)) }
    }
}

#[cfg(any(loom, shuttle))]
mod imp {
    //! parking_lot_core's contract on loom types. A parked thread stays in
    //! the one queue until it has seen its token, so a wake-up is never
    //! "in flight" outside what loom sees. No loom `Arc` is held by a parked
    //! thread, so models that expect a deadlock can still report it cleanly.
    use super::{DEFAULT_TOKEN, ParkResult, RequeueOp, UnparkResult};
    use crate::model::{Mutex, lazy_static, thread};
    use std::time::Instant;
    use thread::Thread;

    struct Parked {
        key: usize,
        thread: Thread,
        /// `Some` once a waker has chosen this thread.
        token: Option<usize>,
    }

    lazy_static! {
        static ref QUEUE: Mutex<Vec<Parked>> = Mutex::new(Vec::new());
    }

    fn waiting_on(queue: &[Parked], key: usize) -> impl Iterator<Item = usize> + '_ {
        (0..queue.len()).filter(move |&at| queue[at].key == key && queue[at].token.is_none())
    }

    fn my_place(queue: &[Parked]) -> usize {
        let me = thread::current().id();
        // A parked thread is removed only by itself, so it is always found.
        queue.iter().position(|p| p.thread.id() == me).unwrap_or_else(|| unreachable!())
    }

    /// See the real build's `park`. With `deadline: Some(_)` the timeout may
    /// fire at any point after the thread has queued (loom has no clock).
    ///
    /// # Safety
    /// See the module's safety section.
    pub unsafe fn park(
        key: usize,
        validate: impl FnOnce() -> bool,
        before_sleep: impl FnOnce(),
        timed_out: impl FnOnce(usize, bool),
        deadline: Option<Instant>,
    ) -> ParkResult {
        {
            let mut queue = QUEUE.lock().unwrap();
            if !validate() {
                return ParkResult::Invalid;
            }
            queue.push(Parked { key, thread: thread::current(), token: None });
        }
        before_sleep();
        loop {
            let mut queue = QUEUE.lock().unwrap();
            let at = my_place(&queue);
            if let Some(token) = queue[at].token {
                queue.remove(at);
                return ParkResult::Unparked(token);
            }
            if deadline.is_some() {
                let parked_on = queue.remove(at).key;
                let was_last = waiting_on(&queue, parked_on).next().is_none();
                timed_out(parked_on, was_last);
                return ParkResult::TimedOut;
            }
            drop(queue);
            thread::park();
        }
    }

    /// See the real build's `unpark_one`.
    ///
    /// # Safety
    /// See the module's safety section.
    pub unsafe fn unpark_one(key: usize, callback: impl FnOnce(UnparkResult) -> usize) -> UnparkResult {
        let mut queue = QUEUE.lock().unwrap();
        let (first, have_more_threads) = {
            let mut waiting = waiting_on(&queue, key);
            (waiting.next(), waiting.next().is_some())
        };
        let result = UnparkResult {
            unparked_threads: usize::from(first.is_some()),
            requeued_threads: 0,
            have_more_threads,
        };
        let token = callback(result);
        if let Some(at) = first {
            queue[at].token = Some(token);
            queue[at].thread.unpark();
        }
        result
    }

    /// See the real build's `unpark_all`.
    ///
    /// # Safety
    /// See the module's safety section.
    pub unsafe fn unpark_all(key: usize) -> usize {
        let mut queue = QUEUE.lock().unwrap();
        let chosen: Vec<usize> = waiting_on(&queue, key).collect();
        for &at in &chosen {
            queue[at].token = Some(DEFAULT_TOKEN);
            queue[at].thread.unpark();
        }
        chosen.len()
    }

    /// See the real build's `unpark_requeue`.
    ///
    /// # Safety
    /// See the module's safety section.
    pub unsafe fn unpark_requeue(
        key_from: usize,
        key_to: usize,
        validate: impl FnOnce() -> RequeueOp,
    ) -> UnparkResult {
        let mut queue = QUEUE.lock().unwrap();
        let op = validate();
        let mut result = UnparkResult::default();
        let chosen: Vec<usize> = match op {
            RequeueOp::Abort => return result,
            RequeueOp::UnparkOne | RequeueOp::RequeueOne => {
                let mut waiting = waiting_on(&queue, key_from);
                let first = waiting.next();
                result.have_more_threads = first.is_some() && waiting.next().is_some();
                first.into_iter().collect()
            }
            RequeueOp::RequeueAll => waiting_on(&queue, key_from).collect(),
        };
        if op == RequeueOp::UnparkOne {
            for at in chosen {
                queue[at].token = Some(DEFAULT_TOKEN);
                queue[at].thread.unpark();
                result.unparked_threads += 1;
            }
            return result;
        }
        // Moved threads join the back of `key_to`'s queue in their old
        // order, as in parking_lot_core: the vector's order is the queues'
        // FIFO order, so the entries themselves move to the end.
        let mut moved: Vec<Parked> = chosen.iter().rev().map(|&at| queue.remove(at)).collect();
        result.requeued_threads = moved.len();
        for mut parked in moved.drain(..).rev() {
            parked.key = key_to;
            queue.push(parked);
        }
        result
    }
}
