//! Loom models of `Condition`. Both legs run every model at 3 preemptions
//! (see `sync/tests/support/loom_model.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-condition --test loom`
//! (add `--cfg loom_rmw` to RUSTFLAGS for the RMW leg, `-- --nocapture` for
//! each model's executions and time).
//!
//! What the models watch lives in an `UnsafeCell` that is only touched with
//! the condition's lock held, so a wait that comes back without the lock,
//! or a lock that publishes nothing, is a data race loom reports in either
//! leg. A lost wake-up is loom's "deadlock".
//!
//! To know a waiter is queued, a model never spins: the waiter starts the
//! next thread while it holds the lock, and that thread's first act is to
//! take the lock, which it gets only once the waiter is queued and has
//! released it.
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_condition::{Condition, ConditionError};
use lockstep_lock::Lock;
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_model::check;
use std::time::Duration;

/// What the models' threads share, guarded by `cond`'s lock.
#[derive(Default)]
struct Watched {
    /// How many `notify` calls main has made so far.
    notifies: usize,
    /// `(waiter, notifies)` as each waiter saw it on coming back.
    woken: Vec<(usize, usize)>,
    /// Wake-ups handed out by main and not yet taken by a waiter.
    tickets: usize,
    /// Whether main has said "go" (for predicate waits).
    go: bool,
}

/// A condition and the state its lock guards.
#[derive(Default)]
struct Shared {
    cond: Condition,
    watched: UnsafeCell<Watched>,
}

// SAFETY: `watched` is only touched through `Shared::watched`, which
// asserts the lock is held; loom reports any access that is not ordered.
unsafe impl Sync for Shared {}

impl Shared {
    /// Runs `f` on the watched state; the caller must hold the lock.
    fn watched<R>(&self, f: impl FnOnce(&mut Watched) -> R) -> R {
        assert!(self.cond.is_owned(), "watched state touched without the lock");
        // SAFETY: the calling thread holds the lock (asserted), so no other
        // access is concurrent; loom reports a race if that is false.
        self.watched.with_mut(|watched| f(unsafe { &mut *watched }))
    }
}

#[test]
fn notify_racing_wait_is_never_lost() {
    check(|| {
        let shared = Arc::new(Shared::default());
        let waiter = {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                assert!(held.wait_for(|| shared.watched(|w| w.go), None));
            })
        };
        {
            let held = shared.cond.lock();
            shared.watched(|w| w.go = true);
            held.notify(1);
        }
        waiter.join().unwrap();
    });
}

#[test]
fn notify_one_wakes_only_the_longest_waiter() {
    // Main queues first, then B, then N notifies once, lets go of the lock
    // and notifies again. Each thread starts the next while holding the
    // lock, so it can take the lock only once its starter is queued: no
    // spinning. B must not come back before the second notify: notify(1)
    // wakes one thread (not all), the one that waited longest (FIFO, as
    // CPython's deque of waiters).
    check(|| {
        let shared = Arc::new(Shared::default());
        let mut held = shared.cond.lock();
        let second = {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                let notifier = {
                    let shared = shared.clone();
                    thread::spawn(move || {
                        for notifies in 1..=2 {
                            let held = shared.cond.lock();
                            shared.watched(|w| w.notifies = notifies);
                            held.notify(1);
                        }
                    })
                };
                held.wait();
                shared.watched(|w| w.woken.push((1, w.notifies)));
                notifier
            })
        };
        held.wait();
        shared.watched(|w| w.woken.push((0, w.notifies)));
        drop(held);
        second.join().unwrap().join().unwrap();
        let held = shared.cond.lock();
        let woken = shared.watched(|w| w.woken.clone());
        drop(held);
        assert!(woken.contains(&(1, 2)), "woken {woken:?}");
    });
}

#[test]
fn notify_all_wakes_every_waiter() {
    // Predicate waits: main need not know they are queued, and a waiter
    // left asleep by a partial broadcast is loom's "deadlock".
    check(|| {
        let shared = Arc::new(Shared::default());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let shared = shared.clone();
                thread::spawn(move || {
                    let mut held = shared.cond.lock();
                    assert!(held.wait_for(|| shared.watched(|w| w.go), None));
                })
            })
            .collect();
        let held = shared.cond.lock();
        shared.watched(|w| w.go = true);
        held.notify_all();
        drop(held);
        for waiter in waiters {
            waiter.join().unwrap();
        }
    });
}

#[test]
fn wait_gives_up_every_level_and_restores_them() {
    check(|| {
        let shared = Arc::new(Shared::default());
        let _outer = shared.cond.lock();
        let mut inner = shared.cond.lock();
        // It can take the lock only if `wait` released both levels.
        let notifier = {
            let shared = shared.clone();
            thread::spawn(move || {
                let held = shared.cond.lock();
                shared.watched(|w| w.notifies = 1);
                held.notify_all();
            })
        };
        inner.wait();
        assert_eq!(shared.cond.rlock().recursion_count(), 2);
        assert_eq!(shared.watched(|w| w.notifies), 1);
        drop(inner);
        drop(_outer);
        notifier.join().unwrap();
        assert!(!shared.cond.locked());
    });
}

#[test]
fn notify_racing_a_timed_out_wait_is_never_lost() {
    // A hasty waiter (its timeout may fire at any point once queued) and a
    // patient one; main hands out one wake-up. Either the hasty one reports
    // it was notified (and main hands out another for the patient one), or
    // the wake-up reaches the patient one: a notify spent on a waiter that
    // then reports a timeout leaves the patient one asleep ("deadlock").
    check(|| {
        let shared = Arc::new(Shared::default());
        let hasty = {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                let notified = held.wait_timeout(Duration::from_secs(1));
                assert!(shared.cond.is_owned());
                // Take the ticket if the patient one has not: ours or theirs,
                // a notified waiter leaves the count right.
                notified && shared.watched(|w| std::mem::take(&mut w.tickets) == 1)
            })
        };
        let patient = {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                assert!(held.wait_for(|| shared.watched(|w| w.tickets > 0), None));
                shared.watched(|w| w.tickets -= 1);
            })
        };
        let held = shared.cond.lock();
        shared.watched(|w| w.tickets = 1);
        held.notify(1);
        drop(held);
        if hasty.join().unwrap() {
            let held = shared.cond.lock();
            shared.watched(|w| w.tickets = 1);
            held.notify(1);
        }
        patient.join().unwrap();
        // The queue is empty again: a new notify finds nobody.
        let held = shared.cond.lock();
        assert_eq!(shared.watched(|w| w.tickets), 0);
        held.notify(1);
        assert!(format!("{:?}", shared.cond).contains("waiters: 0"));
    });
}

#[test]
fn waiting_or_notifying_without_the_lock_is_an_error() {
    check(|| {
        let cond = Arc::new(Condition::new());
        cond.acquire();
        let other = {
            let cond = cond.clone();
            thread::spawn(move || (cond.wait(), cond.notify(1), cond.notify_all()))
        };
        let (wait, notify, notify_all) = other.join().unwrap();
        assert_eq!(wait, Err(ConditionError::WaitUnacquired));
        assert_eq!(notify, Err(ConditionError::NotifyUnacquired));
        assert_eq!(notify_all, Err(ConditionError::NotifyUnacquired));
        cond.release().unwrap();
    });
}

/// A one-slot buffer in CPython's `queue.Queue` style: two conditions over
/// one `Lock`, the slot guarded by that lock whichever condition took it.
struct Buffer {
    /// std's `Arc`: `ConditionLock` is implemented for it, not for loom's.
    not_empty: Condition<std::sync::Arc<Lock>>,
    not_full: Condition<std::sync::Arc<Lock>>,
    slot: UnsafeCell<Option<u32>>,
}

// SAFETY: `slot` is only touched through `Buffer::slot`, with the one lock
// held; loom reports any access that is not ordered by it.
unsafe impl Sync for Buffer {}

impl Buffer {
    fn new() -> Buffer {
        let mutex = std::sync::Arc::new(Lock::new());
        Buffer {
            not_empty: Condition::with_lock(std::sync::Arc::clone(&mutex)),
            not_full: Condition::with_lock(mutex),
            slot: UnsafeCell::new(None),
        }
    }

    /// Runs `f` on the slot; the caller holds the lock (through either
    /// condition: it is the same lock).
    fn slot<R>(&self, f: impl FnOnce(&mut Option<u32>) -> R) -> R {
        assert!(self.not_empty.locked() && self.not_full.locked());
        // SAFETY: the caller holds the one lock, so no other access is
        // concurrent; loom reports a race if that is false.
        self.slot.with_mut(|slot| f(unsafe { &mut *slot }))
    }

    fn put(&self, item: u32) {
        let mut held = self.not_full.lock();
        assert!(held.wait_for(|| self.slot(|s| s.is_none()), None));
        self.slot(|s| *s = Some(item));
        // The same lock, held: notifying the other condition is allowed.
        self.not_empty.notify(1).unwrap();
    }

    fn get(&self) -> u32 {
        let mut held = self.not_empty.lock();
        assert!(held.wait_for(|| self.slot(|s| s.is_some()), None));
        let item = self.slot(Option::take).unwrap();
        self.not_full.notify(1).unwrap();
        item
    }
}

#[test]
fn two_conditions_over_one_lock_hand_items_both_ways() {
    // Main puts 1 and 2 through a one-slot buffer; the consumer gets them.
    // Each side waits on its own condition and notifies the other's, so a
    // second put must wait for the first get (not_full) and each get for
    // a put (not_empty): a notify lost between the two conditions is
    // loom's "deadlock", a lock that is not one lock is a data race.
    check(|| {
        let buffer = Arc::new(Buffer::new());
        let consumer = {
            let buffer = buffer.clone();
            thread::spawn(move || [buffer.get(), buffer.get()])
        };
        buffer.put(1);
        buffer.put(2);
        assert_eq!(consumer.join().unwrap(), [1, 2]);
        assert!(!buffer.not_empty.locked());
    });
}
