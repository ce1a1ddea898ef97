//! The queue machinery shared by every discipline: Python's `queue.Queue`
//! algorithm (one lock, three condition variables: `not_empty`, `not_full`,
//! `all_tasks_done`) on lockstep's `RawLock` and the shim's one
//! `WaitQueue`, waking only when someone waits. A bounded FIFO queue
//! keeps its items in a lock-free ring instead, and takes the lock only
//! to wait or wake (`engine/lane.rs`; issue 14).

use crate::ring::{Refused, Ring};
use crate::store::Store;
use crate::{GetError, PutError, TaskDoneError};
use lockstep_lock::RawLock;
use lockstep_sync::SpinWait;
use lockstep_sync::atomic::AtomicUsize as ShimAtomicUsize;
use lockstep_sync::cell::UnsafeCell;
use lockstep_sync::wait_queue::{WaitQueue, Wake};
use std::marker::PhantomData;
// A std atomic, not the shim's: see `Core::len_hint`.
use std::sync::atomic::AtomicUsize;
use std::time::Instant;

mod held;
mod lane;
mod traced;

use held::Held;

/// The largest `maxsize` for which a FIFO queue keeps its items in a
/// lock-free [`Ring`] (allocated whole at creation); a larger one keeps
/// them in its `Store`, which grows as needed.
const RING_MAX: usize = 4096;

/// ... and the most a ring may take up (its slots: the item and a stamp
/// each), so a `Queue(4096)` of large items does not claim megabytes it
/// may never use.
const RING_MAX_BYTES: usize = 1 << 20;

/// Whether a queue of `maxsize` items of type `T` gets a ring.
fn wants_ring<T>(maxsize: usize) -> bool {
    let slot = size_of::<T>() + size_of::<usize>();
    (1..=RING_MAX).contains(&maxsize) && maxsize * slot <= RING_MAX_BYTES
}

/// What the lock protects.
struct State<S> {
    /// The items, unless the ring holds them (`ring_live`).
    items: S,
    /// 0: unbounded.
    maxsize: usize,
    /// Puts made into `items` (the ring counts its own: `Ring::claims`).
    puts: usize,
    /// `task_done` calls, and items an immediate shutdown dropped.
    done: usize,
    is_shutdown: bool,
    /// Whether the items live in the ring: from creation (if it has one)
    /// until `set_maxsize` moves them into `items` for good.
    ring_live: bool,
}

impl<S> State<S> {
    fn full(&self, len: usize) -> bool {
        self.maxsize > 0 && len >= self.maxsize
    }
}

/// One lock around the items and counters, and three wait queues over it.
/// Every wait joins its queue before it releases the lock, and every state
/// change that could satisfy a waiter is made under the lock, followed by
/// a notify under the lock too (it moves the waiter onto the lock's queue,
/// so it wakes as the lock is released), so no wake-up is lost; items only
/// ever move under the lock, so none is lost or duplicated, whichever way
/// a timeout races a wake-up. The exception is the ring (`lane.rs` says
/// how its lock-free moves keep both promises): there a slot's stamp hands
/// each item over exactly once, and a waiter announces itself before its
/// last look.
///
/// Deadlines are `Option<Instant>` (`None`: wait forever); a call that
/// must not wait (`put_nowait`) passes one that has always passed
/// (`lockstep_sync::passed`), so it never reads the clock.
pub(crate) struct Core<T, S> {
    lock: RawLock,
    state: UnsafeCell<State<S>>,
    /// Getters waiting for an item. Python: `not_empty`.
    not_empty: WaitQueue,
    /// Putters waiting for room. Python: `not_full`.
    not_full: WaitQueue,
    /// `join`ers waiting for `unfinished_tasks == 0`. Python: `all_tasks_done`.
    all_tasks_done: WaitQueue,
    /// `SimpleQueue` counts no tasks.
    tracks_tasks: bool,
    /// A bounded FIFO queue's items, moved without the lock (`lane.rs`);
    /// `None` for the other queues, which keep them in `State::items`.
    /// Boxed: its counters are cache-line aligned, which would otherwise
    /// align (and spread out) the whole `Core`, and the locked queues'
    /// lock and state would no longer share a line (their put+get under
    /// contention measured 10% slower).
    ring: Option<Box<Ring<T>>>,
    /// Getters and putters that have announced they are about to park on
    /// `not_empty`/`not_full` while the ring is live (changed under the
    /// lock, read without it by lock-free puts and gets, which then take
    /// the lock to notify): see `lane.rs`.
    sleepy_getters: ShimAtomicUsize,
    sleepy_putters: ShimAtomicUsize,
    /// The number of items, stored (under the lock) whenever it changes, so
    /// a waiter can spin watching it without taking the lock (below, in
    /// `Held::wait`). Only a hint: every decision is re-made under the lock.
    /// So it is a std atomic even under loom, which never sees it (its
    /// models never spin, so never read it).
    len_hint: AtomicUsize,
    /// The queue's name, if it was given one: only a named queue's
    /// blocking waits are reported to the `trace` feature (lockstep's
    /// futures wait on unnamed queues as plumbing; see `lockstep_sync::trace`).
    name: Option<&'static str>,
    _items: PhantomData<T>,
}

// SAFETY: `state` is only accessed through `Held`, which holds `lock`, so
// the queue is a `Mutex`-like container: shareable when its items can move
// between threads.
unsafe impl<T: Send, S: Send> Sync for Core<T, S> {}

impl<T, S: Store<T>> Core<T, S> {
    pub(crate) fn new(maxsize: usize, tracks_tasks: bool, name: Option<&'static str>) -> Self {
        let ring = (S::FIFO && wants_ring::<T>(maxsize)).then(|| Box::new(Ring::new(maxsize)));
        let state = State {
            items: S::with_capacity(if ring.is_some() { 0 } else { maxsize.min(1024) }),
            maxsize,
            puts: 0,
            done: 0,
            is_shutdown: false,
            ring_live: ring.is_some(),
        };
        Core {
            lock: RawLock::new(),
            state: UnsafeCell::new(state),
            not_empty: WaitQueue::new(),
            not_full: WaitQueue::new(),
            all_tasks_done: WaitQueue::new(),
            tracks_tasks,
            ring,
            sleepy_getters: ShimAtomicUsize::new(0),
            sleepy_putters: ShimAtomicUsize::new(0),
            len_hint: AtomicUsize::new(0),
            name,
            _items: PhantomData,
        }
    }

    pub(crate) fn name(&self) -> Option<&'static str> {
        self.name
    }

    pub(crate) fn put(&self, item: T, deadline: Option<Instant>) -> Result<(), PutError<T>> {
        let mut reported = false;
        // `S::FIFO` first: a constant, so the other queues' code has no ring path.
        let put = match self.ring.as_deref().filter(|_| S::FIFO) {
            Some(ring) => self.ring_put(ring, item, deadline, &mut reported),
            None => self.put_reported(item, deadline, &mut reported, SpinWait::new()),
        };
        self.traced_end("put", reported, put.is_ok());
        put
    }

    /// `put`, noting in `reported` whether it told the `trace` feature it waited.
    /// With the ring live it is the ring's slow path (`lane.rs`), entered
    /// once the ring refused: its spinning is spent (`spin`), and a wait
    /// announces itself in `sleepy_putters` first.
    fn put_reported(
        &self,
        mut item: T,
        deadline: Option<Instant>,
        reported: &mut bool,
        mut spin: SpinWait,
    ) -> Result<(), PutError<T>> {
        let mut held = self.hold();
        let mut timed_out = false;
        loop {
            if held.state(|s| s.is_shutdown) {
                return Err(PutError::ShutDown(item));
            }
            match self.add(&mut held, item) {
                Ok(()) => {
                    self.not_empty.notify(&self.lock, 1);
                    return Ok(());
                }
                Err(back) => item = back,
            }
            // Python re-checks the queue after a timed-out wait, then gives up.
            if timed_out {
                return Err(PutError::Full(item));
            }
            let waits = || self.traced_wait("put", reported);
            match self.wait_for(&mut held, self.putters(), deadline, &mut spin, waits) {
                Some(wake) => timed_out = wake == Wake::TimedOut,
                None => continue,
            }
        }
    }

    /// Adds `item` unless the queue is full (then hands it back), under the lock.
    fn add(&self, held: &mut Held<'_, T, S>, item: T) -> Result<(), T> {
        if let Some(ring) = self.live_ring(held) {
            // Closed only with `is_shutdown` or `!ring_live`, both under
            // the lock, so only `Full` comes back here.
            return ring.try_push(item).map_err(|(Refused::Full(item) | Refused::Closed(item))| item);
        }
        if held.state(|s| s.full(s.items.len())) {
            return Err(item);
        }
        let tracks_tasks = self.tracks_tasks;
        held.state(move |s| {
            s.items.push(item);
            if tracks_tasks {
                s.puts += 1;
            }
        });
        held.publish_len();
        Ok(())
    }

    /// Takes the next item, if any, under the lock.
    fn take(&self, held: &mut Held<'_, T, S>) -> Option<T> {
        // Once shut down the ring is closed but still holds what was put.
        if let Some(ring) = self.ring_items(held) {
            return ring.try_pop();
        }
        let item = held.state(|s| s.items.pop())?;
        held.publish_len();
        Some(item)
    }

    /// The ring, if the items live in it (also once it is closed by a
    /// shutdown: it still holds what was put).
    fn ring_items(&self, held: &mut Held<'_, T, S>) -> Option<&Ring<T>> {
        // `S::FIFO` first: a constant, so the other queues' locked paths
        // do not even load `ring` (only FIFO stores ever get one).
        if !S::FIFO {
            return None;
        }
        self.ring.as_deref().filter(|_| held.state(|s| s.ring_live))
    }

    /// The ring, if the items live in it and it takes puts.
    fn live_ring(&self, held: &mut Held<'_, T, S>) -> Option<&Ring<T>> {
        self.ring_items(held).filter(|ring| !ring.is_closed())
    }

    /// Puts not yet matched by a `task_done` (or dropped by a shutdown).
    fn unfinished(&self, held: &mut Held<'_, T, S>) -> usize {
        let ring_puts =
            if self.tracks_tasks { self.ring.as_ref().map_or(0, |ring| ring.claims()) } else { 0 };
        held.state(|s| s.puts + ring_puts - s.done)
    }

    pub(crate) fn get(&self, deadline: Option<Instant>) -> Result<T, GetError> {
        let mut reported = false;
        let got = match self.ring.as_deref().filter(|_| S::FIFO) {
            Some(ring) => self.ring_get(ring, deadline, &mut reported),
            None => self.get_reported(deadline, &mut reported, SpinWait::new()),
        };
        self.traced_end("get", reported, got.is_ok());
        got
    }

    /// `get`, noting in `reported` whether it told the `trace` feature it waited.
    /// As `put_reported`, also for the ring's slow path.
    fn get_reported(
        &self,
        deadline: Option<Instant>,
        reported: &mut bool,
        mut spin: SpinWait,
    ) -> Result<T, GetError> {
        let mut held = self.hold();
        let mut timed_out = false;
        loop {
            if let Some(item) = self.take(&mut held) {
                self.not_full.notify(&self.lock, 1);
                return Ok(item);
            }
            // Python checks "shut down and empty" before any timeout.
            if held.state(|s| s.is_shutdown) {
                return Err(GetError::ShutDown);
            }
            if timed_out {
                return Err(GetError::Empty);
            }
            let waits = || self.traced_wait("get", reported);
            match self.wait_for(&mut held, self.getters(), deadline, &mut spin, waits) {
                Some(wake) => timed_out = wake == Wake::TimedOut,
                None => continue,
            }
        }
    }

    pub(crate) fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut held = self.hold();
        let unfinished = self.unfinished(&mut held);
        if unfinished == 0 {
            return Err(TaskDoneError);
        }
        held.state(|s| s.done += 1);
        if unfinished == 1 {
            self.all_tasks_done.notify_all(&self.lock);
        }
        Ok(())
    }

    pub(crate) fn join(&self) {
        let mut spin = SpinWait::new();
        let mut held = self.hold();
        let mut reported = false;
        while self.unfinished(&mut held) > 0 {
            held.wait(&self.all_tasks_done, None, &mut spin, || self.traced_wait("join", &mut reported));
        }
        drop(held);
        self.traced_end("join", reported, true);
    }

    pub(crate) fn shutdown(&self, immediate: bool) {
        let mut held = self.hold();
        held.state(|s| s.is_shutdown = true);
        if let Some(ring) = &self.ring {
            ring.close();
        }
        let dropped = if immediate { self.drain(&mut held) } else { Vec::new() };
        // Python counts a dropped item as done only while any is unfinished.
        let unfinished = self.unfinished(&mut held);
        held.state(|s| s.done += dropped.len().min(unfinished));
        held.publish_len();
        self.not_empty.notify_all(&self.lock);
        self.not_full.notify_all(&self.lock);
        if immediate {
            self.all_tasks_done.notify_all(&self.lock);
        }
        drop(held);
        // Outside the lock: an item's `Drop` may use this queue.
        drop(dropped);
    }

    pub(crate) fn set_maxsize(&self, maxsize: usize) {
        let mut held = self.hold();
        held.state(|s| s.maxsize = maxsize);
        // The ring's size is fixed: its items move into the store for good,
        // in order (lock-free puts and gets, refused by the closed ring or
        // finding it empty, come here after us).
        if let Some(ring) = self.ring_items(&mut held) {
            if !held.state(|s| s.is_shutdown) {
                ring.close();
            }
            let moved = std::iter::from_fn(|| ring.try_pop()).collect::<Vec<_>>();
            held.state(|s| {
                s.ring_live = false;
                moved.into_iter().for_each(|item| s.items.push(item));
            });
            held.publish_len();
            // Getters and putters re-check, now against the store.
            self.not_empty.notify_all(&self.lock);
        }
        // Room may have appeared; putters re-check (cheap when none wait).
        self.not_full.notify_all(&self.lock);
    }

    /// Every queued item, taken out for an immediate shutdown.
    fn drain(&self, held: &mut Held<'_, T, S>) -> Vec<T> {
        let mut dropped = held.state(|s| s.items.drain_all());
        if let Some(ring) = self.ring_items(held) {
            // Closed: this ends once every claimed position is taken.
            dropped.extend(std::iter::from_fn(|| ring.try_pop()));
        }
        dropped
    }

    pub(crate) fn qsize(&self) -> usize {
        let mut held = self.hold();
        self.len(&mut held)
    }

    /// Items queued: in the store, and (exact only when no lock-free put
    /// or get runs) in the ring.
    fn len(&self, held: &mut Held<'_, T, S>) -> usize {
        held.state(|s| s.items.len()) + self.ring.as_ref().map_or(0, |ring| ring.len())
    }

    pub(crate) fn full(&self) -> bool {
        let mut held = self.hold();
        let len = self.len(&mut held);
        held.state(|s| s.full(len))
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.hold().state(|s| s.maxsize)
    }

    pub(crate) fn unfinished_tasks(&self) -> usize {
        let mut held = self.hold();
        self.unfinished(&mut held)
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.hold().state(|s| s.is_shutdown)
    }

    fn hold(&self) -> Held<'_, T, S> {
        self.lock.acquire();
        Held { core: self }
    }
}
