//! The queue machinery shared by every discipline: Python's `queue.Queue`
//! algorithm (one lock, three wait queues) on lockstep's `RawLock` and the
//! parking lot, with waking done only when someone waits.

use crate::store::Store;
use crate::{GetError, PutError, TaskDoneError};
use lockstep_lock::RawLock;
use lockstep_sync::SpinWait;
use lockstep_sync::cell::UnsafeCell;
use lockstep_sync::park::{self, ParkResult};
use std::marker::PhantomData;
use std::time::Instant;

/// Parking-key index: getters waiting for an item. Python: `not_empty`.
const NOT_EMPTY: usize = 0;
/// Putters waiting for room. Python: `not_full`.
const NOT_FULL: usize = 1;
/// `join`ers waiting for `unfinished_tasks == 0`. Python: `all_tasks_done`.
const ALL_DONE: usize = 2;

/// How long an operation may wait.
#[derive(Clone, Copy)]
pub(crate) enum Wait {
    /// Not at all: `put_nowait` / `get_nowait`.
    No,
    /// Until the deadline; `None` waits forever.
    Until(Option<Instant>),
}

/// What the lock protects.
struct State<S> {
    items: S,
    /// 0: unbounded.
    maxsize: usize,
    unfinished_tasks: usize,
    is_shutdown: bool,
    /// Threads parked (or about to park) on each key: a put or get wakes
    /// only when its counterpart waits, so the uncontended path never
    /// touches the parking lot.
    waiting: [usize; 3],
}

impl<S> State<S> {
    fn full(&self, len: usize) -> bool {
        self.maxsize > 0 && len >= self.maxsize
    }
}

/// One lock around the items and counters, and three wait queues keyed by
/// the addresses of `keys`. Every wait joins its queue before it releases
/// the lock (the lock is released in `park`'s `before_sleep`), and every
/// state change that could satisfy a waiter is made under the lock before
/// the wake, so no wake-up is lost; items only ever move under the lock,
/// so none is lost or duplicated, whichever way a timeout races a wake-up.
pub(crate) struct Core<T, S> {
    lock: RawLock,
    state: UnsafeCell<State<S>>,
    /// Three bytes whose addresses are our parking keys.
    keys: [u8; 3],
    /// `SimpleQueue` counts no tasks.
    tracks_tasks: bool,
    _items: PhantomData<T>,
}

// SAFETY: `state` is only accessed through `Held`, which holds `lock`, so
// the queue is a `Mutex`-like container: shareable when its items can move
// between threads.
unsafe impl<T: Send, S: Send> Sync for Core<T, S> {}

impl<T, S: Store<T>> Core<T, S> {
    pub(crate) fn new(maxsize: usize, tracks_tasks: bool) -> Self {
        let state = State {
            items: S::with_capacity(maxsize.min(1024)),
            maxsize,
            unfinished_tasks: 0,
            is_shutdown: false,
            waiting: [0; 3],
        };
        Core {
            lock: RawLock::new(),
            state: UnsafeCell::new(state),
            keys: [0; 3],
            tracks_tasks,
            _items: PhantomData,
        }
    }

    pub(crate) fn put(&self, item: T, mut wait: Wait) -> Result<(), PutError<T>> {
        let mut spin = SpinWait::new();
        let mut held = self.hold();
        loop {
            let (shut, full) = held.state(|s| (s.is_shutdown, s.full(s.items.len())));
            if shut {
                return Err(PutError::ShutDown(item));
            }
            if !full {
                let tracks_tasks = self.tracks_tasks;
                let wake = held.state(move |s| {
                    s.items.push(item);
                    if tracks_tasks {
                        s.unfinished_tasks += 1;
                    }
                    s.waiting[NOT_EMPTY] > 0
                });
                drop(held);
                if wake {
                    self.wake_one(NOT_EMPTY);
                }
                return Ok(());
            }
            if !held.wait(NOT_FULL, &mut wait, &mut spin) {
                return Err(PutError::Full(item));
            }
        }
    }

    pub(crate) fn get(&self, mut wait: Wait) -> Result<T, GetError> {
        let mut spin = SpinWait::new();
        let mut held = self.hold();
        loop {
            let taken = held.state(|s| {
                let item = s.items.pop()?;
                Some((item, s.maxsize > 0 && s.waiting[NOT_FULL] > 0))
            });
            if let Some((item, wake)) = taken {
                drop(held);
                if wake {
                    self.wake_one(NOT_FULL);
                }
                return Ok(item);
            }
            // Python checks "shut down and empty" before any timeout.
            if held.state(|s| s.is_shutdown) {
                return Err(GetError::ShutDown);
            }
            if !held.wait(NOT_EMPTY, &mut wait, &mut spin) {
                return Err(GetError::Empty);
            }
        }
    }

    pub(crate) fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut held = self.hold();
        let all_done = held.state(|s| {
            s.unfinished_tasks = s.unfinished_tasks.checked_sub(1).ok_or(TaskDoneError)?;
            Ok(s.unfinished_tasks == 0 && s.waiting[ALL_DONE] > 0)
        })?;
        drop(held);
        if all_done {
            self.wake_all(ALL_DONE);
        }
        Ok(())
    }

    pub(crate) fn join(&self) {
        let mut spin = SpinWait::new();
        let mut held = self.hold();
        while held.state(|s| s.unfinished_tasks > 0) {
            held.wait(ALL_DONE, &mut Wait::Until(None), &mut spin);
        }
    }

    pub(crate) fn shutdown(&self, immediate: bool) {
        let mut held = self.hold();
        let dropped = held.state(|s| {
            s.is_shutdown = true;
            if !immediate {
                return Vec::new();
            }
            let dropped = s.items.drain_all();
            s.unfinished_tasks = s.unfinished_tasks.saturating_sub(dropped.len());
            dropped
        });
        drop(held);
        self.wake_all(NOT_EMPTY);
        self.wake_all(NOT_FULL);
        if immediate {
            self.wake_all(ALL_DONE);
        }
        // Outside the lock: an item's `Drop` may use this queue.
        drop(dropped);
    }

    pub(crate) fn set_maxsize(&self, maxsize: usize) {
        self.hold().state(|s| s.maxsize = maxsize);
        // Room may have appeared; putters re-check (cheap when none wait).
        self.wake_all(NOT_FULL);
    }

    pub(crate) fn qsize(&self) -> usize {
        self.hold().state(|s| s.items.len())
    }

    pub(crate) fn full(&self) -> bool {
        self.hold().state(|s| s.full(s.items.len()))
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.hold().state(|s| s.maxsize)
    }

    pub(crate) fn unfinished_tasks(&self) -> usize {
        self.hold().state(|s| s.unfinished_tasks)
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.hold().state(|s| s.is_shutdown)
    }

    fn hold(&self) -> Held<'_, T, S> {
        self.lock.acquire();
        Held { core: self }
    }

    fn key(&self, which: usize) -> usize {
        &self.keys[which] as *const u8 as usize
    }

    fn wake_one(&self, which: usize) {
        // SAFETY: the key is the address of a byte of ours; the callback
        // neither panics nor calls into the parking lot.
        unsafe { park::unpark_one(self.key(which), |_| park::DEFAULT_TOKEN) };
    }

    fn wake_all(&self, which: usize) {
        // SAFETY: the key is the address of a byte of ours; no callbacks.
        unsafe { park::unpark_all(self.key(which)) };
    }
}

/// The queue's lock, held; released on drop (also during a panic, e.g. in
/// an item's `Ord`), so the queue never poisons.
struct Held<'a, T, S> {
    core: &'a Core<T, S>,
}

impl<T, S: Store<T>> Held<'_, T, S> {
    fn state<R>(&mut self, f: impl FnOnce(&mut State<S>) -> R) -> R {
        // SAFETY: we hold the lock, and `&mut self` keeps this the only
        // reference to the state for the call.
        self.core.state.with_mut(|state| f(unsafe { &mut *state }))
    }

    /// Waits on `which` as `wait` allows: `false` when no wait is allowed
    /// or the deadline has passed, else parks until woken or the deadline
    /// and returns `true`, so the caller re-checks the queue (as Python
    /// does after a timed-out wait). After a timeout `wait` becomes
    /// `Wait::No`: the deadline counts as passed without asking the clock,
    /// which is what loom, having no clock, needs too. The lock is held
    /// again on return.
    fn wait(&mut self, which: usize, wait: &mut Wait, spin: &mut SpinWait) -> bool {
        let deadline = match *wait {
            Wait::No => return false,
            Wait::Until(Some(deadline)) if Instant::now() >= deadline => return false,
            Wait::Until(deadline) => deadline,
        };
        // The counterpart may be running on another core, or be runnable
        // and need ours: let go of the lock and spin, then yield, a few
        // rounds (the caller re-checks after each) before paying for a
        // park and the wake-up it will cost the counterpart. Never under
        // loom.
        if spin.will_spin() {
            let _ = self.core.lock.release();
            spin.spin();
            self.core.lock.acquire();
            return true;
        }
        self.state(|s| s.waiting[which] += 1);
        let core = self.core;
        // SAFETY: the key is the address of a byte of ours; `validate` and
        // `timed_out` do nothing; `before_sleep` releases our lock, which
        // may `unpark_one` on the lock's own key (allowed) and can't panic.
        let parked = unsafe {
            park::park(
                core.key(which),
                || true,
                || {
                    let _ = core.lock.release();
                },
                |_| {},
                deadline,
            )
        };
        core.lock.acquire();
        self.state(|s| s.waiting[which] -= 1);
        if parked == ParkResult::TimedOut {
            *wait = Wait::No;
        }
        true
    }
}

impl<T, S> Drop for Held<'_, T, S> {
    fn drop(&mut self) {
        let _ = self.core.lock.release();
    }
}
