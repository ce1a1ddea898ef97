//! How a `Future` becomes done, and who hears of it: `cancel`, the
//! setters, `add_done_callback`, and the watchers of `wait`/`as_completed`.
//!
//! The protocol, on the state word and the `lists` mutex:
//! - A registrant (callback or watcher) takes the mutex, sets `LISTED`
//!   with a read-modify-write, and pushes only if that RMW saw a state that
//!   is not done; otherwise it runs (or records) at once.
//! - The transition to a done state reads `LISTED` in the same RMW that
//!   makes the future done. If it is set, the transition happens with the
//!   mutex held and the lists are taken under it: any registrant either
//!   pushed before (and is taken) or sees the done state (and runs at
//!   once). So every callback runs exactly once.
//! - Watchers are told before `FINISHED` is stored, so a future is queued
//!   for `as_completed` before its `result()` can return; callbacks run
//!   after, in the completing thread, in registration order.

use crate::InvalidStateError;
use crate::future::{
    CANCELLED, COMPLETING, Callback, FINISHED, Future, LISTED, Lists, Outcome, PENDING, RUNNING, STATE,
    WAITING, is_done,
};
use crate::panic::{self, Panic};
use lockstep_queue::SimpleQueue;
use lockstep_sync::atomic::Ordering::{AcqRel, Relaxed, Release};
use lockstep_sync::park;
use std::mem;
use std::sync::Arc;

impl<T> Future<T> {
    /// Cancels a pending future and returns `true`; `false` once it is
    /// running or finished. Cancelling twice returns `true` and runs no
    /// callback again. Python: `future.cancel()`.
    ///
    /// ```
    /// let future = lockstep_futures::Future::<u8>::new();
    /// future.add_done_callback(|f| assert!(f.cancelled()));
    /// assert!(future.cancel());
    /// assert!(future.cancel());
    /// ```
    pub fn cancel(&self) -> bool {
        // Relaxed: only the CAS's first guess.
        let mut state = self.inner.state.load(Relaxed);
        loop {
            match state & STATE {
                PENDING => {}
                CANCELLED => return true,
                _ => return false,
            }
            if state & LISTED != 0 {
                return self.finish_listed(None);
            }
            // Release: a thread that sees CANCELLED sees what the canceller
            // did before; nothing is read, so the failure is Relaxed.
            match self.inner.state.compare_exchange(state, CANCELLED, Release, Relaxed) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        self.wake(state);
        true
    }

    /// Marks a pending future running and returns `Ok(true)`, or returns
    /// `Ok(false)` for a cancelled one (its task must not run). Python:
    /// `future.set_running_or_notify_cancel()`.
    ///
    /// # Errors
    /// On a running or finished future (Python: `RuntimeError('Future in
    /// unexpected state')`).
    ///
    /// ```
    /// let future = lockstep_futures::Future::<u8>::new();
    /// assert_eq!(future.set_running_or_notify_cancel(), Ok(true));
    /// assert!(future.set_running_or_notify_cancel().is_err());
    /// ```
    pub fn set_running_or_notify_cancel(&self) -> Result<bool, InvalidStateError> {
        // Relaxed: only the CAS's first guess.
        let mut state = self.inner.state.load(Relaxed);
        loop {
            match state & STATE {
                PENDING => {}
                CANCELLED => return Ok(false),
                _ => return Err(InvalidStateError { state: Future::<T>::state_name(state) }),
            }
            // Relaxed: RUNNING publishes nothing; the task's own writes are
            // published by the transition to FINISHED.
            match self.inner.state.compare_exchange(state, (state & !STATE) | RUNNING, Relaxed, Relaxed) {
                Ok(_) => return Ok(true),
                Err(now) => state = now,
            }
        }
    }

    /// Finishes the future with `value`, wakes its waiters and runs its
    /// callbacks in this thread. Python: `future.set_result(value)`.
    ///
    /// # Errors
    /// On a finished or cancelled future; the first value stays.
    ///
    /// ```
    /// let future = lockstep_futures::Future::new();
    /// future.set_result(42).unwrap();
    /// assert_eq!(future.set_result(7).unwrap_err().state(), "FINISHED");
    /// assert_eq!(*future.result().unwrap(), 42);
    /// ```
    pub fn set_result(&self, value: T) -> Result<(), InvalidStateError> {
        self.complete(Outcome::Value(value))
    }

    /// Finishes the future with a panic, as a task that panicked does.
    /// Python: `future.set_exception(e)`.
    ///
    /// # Errors
    /// On a finished or cancelled future.
    ///
    /// ```
    /// use lockstep_futures::{Future, Panic};
    /// let future = Future::<u8>::new();
    /// future.set_exception(Panic::new("doh!")).unwrap();
    /// assert_eq!(future.exception().unwrap().unwrap().message(), "doh!");
    /// ```
    pub fn set_exception(&self, panic: Panic) -> Result<(), InvalidStateError> {
        self.complete(Outcome::Panicked(panic))
    }

    /// Finishes the future as `Broken`: its pool's initializer failed.
    pub(crate) fn set_broken(&self) {
        let _ = self.complete(Outcome::Broken);
    }

    /// Runs `callback(&future)` once the future is done: in the thread that
    /// completes it, in registration order, or at once in this thread if
    /// it is done already. A panicking callback is reported on stderr and
    /// the others still run. Python: `future.add_done_callback(fn)`.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let future = lockstep_futures::Future::new();
    /// let seen = Arc::new(Mutex::new(vec![]));
    /// for n in [1, 2, 1] {
    ///     let seen = seen.clone();
    ///     future.add_done_callback(move |_| seen.lock().unwrap().push(n));
    /// }
    /// future.set_result(()).unwrap();
    /// assert_eq!(*seen.lock().unwrap(), [1, 2, 1]);
    /// ```
    pub fn add_done_callback(&self, callback: impl FnOnce(&Future<T>) + Send + 'static) {
        let mut callback = Some(Box::new(callback) as Callback<T>);
        self.register(|lists| lists.callbacks.push(callback.take().expect("pushed once")));
        if let Some(callback) = callback {
            self.run_callback(callback);
        }
    }

    /// Puts `index` on `queue` once the future is done (at once if it is).
    pub(crate) fn watch(&self, queue: &Arc<SimpleQueue<usize>>, index: usize) {
        if !self.register(|lists| lists.watchers.push((queue.clone(), index))) {
            let _ = queue.put(index);
        }
    }

    /// Calls `push` under the lists' lock if the future is not done yet;
    /// returns whether it did.
    fn register(&self, push: impl FnOnce(&mut Lists<T>)) -> bool {
        let mut lists = self.inner.lists.lock();
        // AcqRel: Acquire so a caller that finds the future done may read
        // it; Release is not needed by the protocol (the mutex orders the
        // push) but keeps the RMW symmetric with the transitions.
        let state = self.inner.state.fetch_or(LISTED, AcqRel);
        if is_done(state) {
            return false;
        }
        push(&mut lists);
        true
    }

    /// Writes `outcome` if the future is pending or running, then makes it
    /// `FINISHED`.
    fn complete(&self, outcome: Outcome<T>) -> Result<(), InvalidStateError> {
        // Relaxed: only the CAS's first guess.
        let mut state = self.inner.state.load(Relaxed);
        loop {
            if !matches!(state & STATE, PENDING | RUNNING) {
                return Err(InvalidStateError { state: Future::<T>::state_name(state) });
            }
            // Relaxed: winning COMPLETING only makes this thread the cell's
            // one writer; nothing is read from other threads.
            match self.inner.state.compare_exchange(state, (state & !STATE) | COMPLETING, Relaxed, Relaxed) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        // SAFETY: COMPLETING gives this thread the cell alone: readers wait
        // for FINISHED, whose Release store below publishes this write.
        self.inner.outcome.with_mut(|cell| unsafe { *cell = Some(outcome) });
        // Relaxed: only the CAS's first guess.
        let mut state = self.inner.state.load(Relaxed);
        loop {
            if state & LISTED != 0 {
                self.finish_listed(Some(FINISHED));
                return Ok(());
            }
            // Release: publishes the outcome to every Acquire load of FINISHED.
            match self.inner.state.compare_exchange(state, FINISHED, Release, Relaxed) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        self.wake(state);
        Ok(())
    }

    /// The transition to a done state when something is listed: `done` is
    /// `Some(FINISHED)` from `complete` (the state is COMPLETING, ours) or
    /// `None` from `cancel` (the state may still change: CANCELLED only
    /// from PENDING). Returns what `cancel` returns.
    fn finish_listed(&self, done: Option<usize>) -> bool {
        let mut lists = self.inner.lists.lock();
        let taken = mem::replace(&mut *lists, Lists { callbacks: Vec::new(), watchers: Vec::new() });
        let target = done.unwrap_or(CANCELLED);
        if target == FINISHED {
            // Watchers first: queued before `result()` can return.
            for (queue, index) in &taken.watchers {
                let _ = queue.put(*index);
            }
        }
        // Relaxed: only the CAS's first guess.
        let mut state = self.inner.state.load(Relaxed);
        loop {
            let allowed = match done {
                Some(_) => state & STATE == COMPLETING,
                None => state & STATE == PENDING,
            };
            if !allowed {
                // Only a cancel can lose here (to a start or a setter): put
                // the lists back untouched, under the same lock.
                *lists = taken;
                return state & STATE == CANCELLED;
            }
            // AcqRel: Release publishes the outcome (and the canceller's
            // writes); Acquire is not needed, the lock orders the lists.
            match self.inner.state.compare_exchange(state, target, AcqRel, Relaxed) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        drop(lists);
        if target == CANCELLED {
            for (queue, index) in &taken.watchers {
                let _ = queue.put(*index);
            }
        }
        self.wake(state);
        for callback in taken.callbacks {
            self.run_callback(callback);
        }
        true
    }

    /// Wakes the threads parked on the future, if the state before the
    /// transition says there may be some.
    fn wake(&self, before: usize) {
        if before & WAITING != 0 {
            // SAFETY: the key is this future's own state word; no callbacks.
            unsafe { park::unpark_all(self.key()) };
        }
    }

    /// Runs one callback, reporting a panic instead of unwinding.
    fn run_callback(&self, callback: Callback<T>) {
        if let Err(panic) = panic::catch(|| callback(self)) {
            panic::report(&format!("exception calling callback for {self:?}"), &panic);
        }
    }
}
