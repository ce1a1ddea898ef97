//! The one condition-variable wait queue: `Condition` and the queue engine
//! (`not_empty`, `not_full`, `all_tasks_done`) are both built on it, as
//! CPython builds `queue.Queue` from three `Condition`s over one lock.
//!
//! A wait queues the thread first and gives the lock up only in
//! `before_sleep`, once it is queued: a notifier must take the lock to
//! notify, and by then it finds the waiter parked, so no notify is lost.
//! A notify made while the lock is held (the usual case: Python requires
//! it) does not wake the waiter just to have it block on that lock: it
//! moves the waiter onto the lock's own wait queue (parking_lot_core's
//! `unpark_requeue`) and marks the lock as having sleepers, so the lock's
//! release wakes it; the lock keeps that mark while others sit requeued
//! behind it.

use crate::ReleaseError;
use crate::atomic::AtomicUsize;
use crate::atomic::Ordering::Relaxed;
use crate::park::{self, ParkResult, RequeueOp};
use std::fmt;
use std::time::Instant;

/// A lock that a [`WaitQueue`]'s waiters give up while they sleep: the
/// raw lock under `Lock` and `Mutex`, and `Lock` and `RLock` themselves.
///
/// # Safety
/// [`park_key`](CondvarLock::park_key) must be the parking key the lock's
/// blocked acquirers sleep on, and once
/// [`mark_contended_if_locked`](CondvarLock::mark_contended_if_locked) has
/// returned `true` the lock's next release must wake one thread parked on
/// that key. [`release_save`](CondvarLock::release_save) runs inside
/// `park`'s `before_sleep`: it must not panic or park (it may unpark).
pub unsafe trait CondvarLock {
    /// What [`release_save`](CondvarLock::release_save) hands back to
    /// [`acquire_restore`](CondvarLock::acquire_restore) (an `RLock`'s depth).
    type Saved;

    /// Waits until the lock is free, then takes it (re-entering, for a
    /// re-entrant lock). Python: `lock.acquire()`.
    fn acquire(&self);

    /// Takes the lock if that needs no wait. Python: `lock.acquire(False)`.
    fn try_acquire(&self) -> bool;

    /// Releases it once. Python: `lock.release()`.
    ///
    /// # Errors
    /// Python's `RuntimeError` cases, as the lock's own `release` says.
    fn release(&self) -> Result<(), ReleaseError>;

    /// Whether any thread holds it.
    fn locked(&self) -> bool;

    /// Whether the calling thread holds the lock (Python's `_is_owned`;
    /// for a lock without an owner, whether anyone holds it, as CPython
    /// approximates it).
    fn is_owned(&self) -> bool;

    /// Releases the lock entirely; the caller holds it. Python's
    /// `_release_save`.
    fn release_save(&self) -> Self::Saved;

    /// Takes the lock back after a wait. Python's
    /// `_acquire_restore`.
    fn acquire_restore(&self, saved: Self::Saved);

    /// The key the lock's blocked acquirers park on.
    fn park_key(&self) -> usize;

    /// If the lock is held, marks it so that its release wakes a parked
    /// acquirer, and returns `true`; `false` if it is free. Runs with the
    /// parking queues locked.
    fn mark_contended_if_locked(&self) -> bool;
}

/// How a [`WaitQueue::wait`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// A notify chose this waiter.
    Notified,
    /// The deadline passed first (or had passed already: then the lock was
    /// never released).
    TimedOut,
}

/// Threads waiting to be notified, each holding the same lock `L` when it
/// waits and when it is notified.
///
/// Every call on one queue must pass the same lock: the waiter count is
/// changed and read only under it.
///
/// ```
/// use lockstep_sync::wait_queue::{WaitQueue, Wake};
/// use std::time::{Duration, Instant};
/// # struct Held(std::sync::atomic::AtomicBool);
/// # // SAFETY: nobody ever parks on this toy lock's key.
/// # unsafe impl lockstep_sync::wait_queue::CondvarLock for Held {
/// #     type Saved = ();
/// #     fn acquire(&self) {}
/// #     fn try_acquire(&self) -> bool { false }
/// #     fn release(&self) -> Result<(), lockstep_sync::ReleaseError> { Ok(()) }
/// #     fn locked(&self) -> bool { true }
/// #     fn is_owned(&self) -> bool { self.0.load(std::sync::atomic::Ordering::Relaxed) }
/// #     fn release_save(&self) { self.0.store(false, std::sync::atomic::Ordering::Relaxed) }
/// #     fn acquire_restore(&self, _: ()) { self.0.store(true, std::sync::atomic::Ordering::Relaxed) }
/// #     fn park_key(&self) -> usize { self as *const Held as usize }
/// #     fn mark_contended_if_locked(&self) -> bool { false }
/// # }
/// # let lock = Held(std::sync::atomic::AtomicBool::new(true));
/// let queue = WaitQueue::new();
/// let soon = Instant::now() + Duration::from_millis(5);
/// assert_eq!(queue.wait(&lock, Some(soon)), Some(Wake::TimedOut));
/// assert_eq!(queue.notify(&lock, 1), 0); // nobody waits
/// ```
pub struct WaitQueue {
    /// Threads between "about to park" and "holds the lock again" in
    /// `wait`. Changed and read only while holding the lock, so `Relaxed`
    /// throughout. Its address is the waiters' parking key.
    waiters: AtomicUsize,
}

impl WaitQueue {
    crate::const_fn! {
        /// A queue nobody waits on.
        pub fn new() -> WaitQueue {
            WaitQueue { waiters: AtomicUsize::new(0) }
        }
    }

    /// Waits until notified or `deadline` (`None`: no limit), giving `lock`
    /// up while asleep; the lock is held again on return. `None` if the
    /// caller does not hold `lock` (nothing happened). A deadline that has
    /// already passed returns `TimedOut` at once, keeping the lock.
    pub fn wait<L: CondvarLock + ?Sized>(&self, lock: &L, deadline: Option<Instant>) -> Option<Wake> {
        if !lock.is_owned() {
            return None;
        }
        if crate::expired(deadline) {
            return Some(Wake::TimedOut);
        }
        // Relaxed: we hold the lock, which orders this before any notify.
        self.waiters.fetch_add(1, Relaxed);
        let mut saved = None;
        let mut requeued = false;
        // SAFETY: the key is this queue's own address; `validate` and
        // `timed_out` only return or record; `before_sleep` runs
        // `release_save`, which `CondvarLock`'s contract lets unpark but
        // neither park nor panic.
        let parked = unsafe {
            park::park(
                self.key(),
                || true,
                // Only once queued: a notifier must take the lock first,
                // and by then it finds us parked.
                || saved = Some(lock.release_save()),
                // Timed out on the lock's queue: a notify had moved us
                // there, so we were notified.
                |parked_on, _| requeued = parked_on != self.key(),
                deadline,
            )
        };
        // `validate` always passes, so `before_sleep` always ran.
        let saved = saved.unwrap_or_else(|| unreachable!("park runs before_sleep once validated"));
        lock.acquire_restore(saved);
        // Relaxed: we hold the lock again.
        self.waiters.fetch_sub(1, Relaxed);
        Some(match parked {
            ParkResult::TimedOut if !requeued => Wake::TimedOut,
            _ => Wake::Notified,
        })
    }

    /// Notifies the `n` longest-waiting threads (fewer if fewer wait) and
    /// returns how many it chose. With `lock` held they are moved onto its
    /// queue and wake as it is released; otherwise they are woken.
    #[inline]
    pub fn notify<L: CondvarLock + ?Sized>(&self, lock: &L, n: usize) -> usize {
        // Relaxed: the caller holds the lock, under which waiters count.
        if self.waiters.load(Relaxed) == 0 {
            return 0;
        }
        self.notify_slow(lock, n)
    }

    #[cold]
    fn notify_slow<L: CondvarLock + ?Sized>(&self, lock: &L, n: usize) -> usize {
        let mut chosen = 0;
        while chosen < n {
            // SAFETY: both keys belong to this queue and its lock; the
            // callback only marks the lock, which cannot panic or park.
            let result = unsafe {
                park::unpark_requeue(self.key(), lock.park_key(), || {
                    if lock.mark_contended_if_locked() { RequeueOp::RequeueOne } else { RequeueOp::UnparkOne }
                })
            };
            let moved = result.unparked_threads + result.requeued_threads;
            chosen += moved;
            if moved == 0 || !result.have_more_threads {
                break;
            }
        }
        chosen
    }

    /// Notifies every waiting thread and returns how many, requeued onto
    /// `lock` when it is held, as [`notify`](WaitQueue::notify) does.
    #[inline]
    pub fn notify_all<L: CondvarLock + ?Sized>(&self, lock: &L) -> usize {
        // Relaxed: as in `notify`.
        if self.waiters.load(Relaxed) == 0 {
            return 0;
        }
        self.notify_all_slow(lock)
    }

    #[cold]
    fn notify_all_slow<L: CondvarLock + ?Sized>(&self, lock: &L) -> usize {
        // SAFETY: as in `notify`.
        let result = unsafe {
            park::unpark_requeue(self.key(), lock.park_key(), || {
                if lock.mark_contended_if_locked() { RequeueOp::RequeueAll } else { RequeueOp::Abort }
            })
        };
        if result.requeued_threads > 0 {
            return result.requeued_threads;
        }
        // The lock is free (or nobody was parked): wake them instead.
        // SAFETY: the key is this queue's own address.
        unsafe { park::unpark_all(self.key()) }
    }

    /// Threads waiting now, or notified but not yet holding the lock
    /// again; exact only while holding the lock. Python: `len(cond._waiters)`.
    pub fn waiters(&self) -> usize {
        // Relaxed: meaningful only under the lock, which orders it.
        self.waiters.load(Relaxed)
    }

    fn key(&self) -> usize {
        &self.waiters as *const AtomicUsize as usize
    }
}

impl Default for WaitQueue {
    fn default() -> WaitQueue {
        WaitQueue::new()
    }
}

impl fmt::Debug for WaitQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitQueue").field("waiters", &self.waiters()).finish()
    }
}
