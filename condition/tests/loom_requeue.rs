//! Loom models of notify's requeue: a notify made with the lock held moves
//! the waiter onto the lock's own queue (the shim's `WaitQueue` over
//! `park::unpark_requeue`), and the lock's release must wake it. Written
//! for `LOOM_MAX_PREEMPTIONS=3` in the RMW leg; the three-thread models cap
//! the plain leg at 2 (`bound`), where stale loads multiply the executions.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release -p lockstep-condition --test loom_requeue`
//!
//! What each model protects lives in a loom `UnsafeCell` touched only with
//! the condition's lock held, so a lock that stops excluding (or a waiter
//! that returns without the lock) is a causality violation in either leg;
//! a notify that is lost is a loom "deadlock".
#![cfg(loom)]

#[path = "../../sync/tests/support/loom_model.rs"]
mod loom_model;

use lockstep_condition::{Condition, ConditionLock};
use lockstep_lock::Lock;
use lockstep_sync::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_model::{Bound, check_bounded};
use std::time::Duration;

/// Long enough never to pass in a run: loom explores the expiry anyway.
const LONG: Duration = Duration::from_secs(3600);

/// Waiter bookkeeping, only ever touched with the condition's lock held.
#[derive(Default)]
struct Board {
    /// Threads that took the lock and are about to wait.
    arrived: usize,
    /// Set by the notifier before it notifies.
    ready: bool,
    /// Waiters that came back from `wait` holding the lock.
    woken: usize,
}

struct Shared<L: ConditionLock> {
    cond: Condition<L>,
    board: UnsafeCell<Board>,
}

// SAFETY: `board` is only accessed with `cond`'s lock held.
unsafe impl<L: ConditionLock + Sync> Sync for Shared<L> {}

impl<L: ConditionLock> Shared<L> {
    /// Runs `f` on the board; the caller holds the lock.
    fn board<R>(&self, f: impl FnOnce(&mut Board) -> R) -> R {
        // SAFETY: every caller holds `cond`'s lock, which makes this the
        // only access to the board; loom checks exactly that.
        self.board.with_mut(|board| f(unsafe { &mut *board }))
    }

    /// Main's way to wait, without sleeping, until `n` waiters are queued
    /// (they count themselves with the lock held, just before waiting, so
    /// seeing `n` under the lock means they are all parked or notified).
    /// Returns with the lock held.
    fn until_arrived(&self, n: usize) {
        loop {
            self.cond.acquire();
            if self.board(|b| b.arrived) == n {
                return;
            }
            self.cond.release().unwrap();
            thread::yield_now();
        }
    }
}

/// At most 2 preemptions in the plain leg, where stale loads multiply the
/// three-thread models' executions.
fn model(f: impl Fn() + Sync + Send + 'static) {
    check_bounded(Bound { plain: Some(2), rmw: None }, f);
}

/// A waiter that waits until `ready`, then counts itself woken.
fn waiter<L: ConditionLock + Send + Sync + 'static>(shared: &Arc<Shared<L>>) -> thread::JoinHandle<()> {
    let shared = Arc::clone(shared);
    thread::spawn(move || {
        let mut held = shared.cond.lock();
        shared.board(|b| b.arrived += 1);
        assert!(held.wait_for(|| shared.board(|b| b.ready), None));
        shared.board(|b| b.woken += 1);
    })
}

#[test]
fn notify_under_a_plain_lock_requeues_and_the_release_wakes_the_waiter() {
    model(|| {
        let shared = Arc::new(Shared {
            cond: Condition::with_lock(Lock::new()),
            board: UnsafeCell::new(Board::default()),
        });
        let waiting = waiter(&shared);
        shared.until_arrived(1);
        shared.board(|b| b.ready = true);
        shared.cond.notify(1).unwrap();
        shared.cond.release().unwrap();
        waiting.join().unwrap();
        shared.cond.acquire();
        assert_eq!(shared.board(|b| b.woken), 1);
        shared.cond.release().unwrap();
    });
}

/// Two waiters requeued onto the lock by one `notify_all`: the first to
/// take it back must leave the lock marked contended, or its release
/// wakes nobody and the second sleeps for ever ("deadlock").
#[test]
fn notify_all_requeues_two_waiters_and_both_get_the_lock_back() {
    model(|| {
        let shared = Arc::new(Shared { cond: Condition::new(), board: UnsafeCell::new(Board::default()) });
        let waiters = [waiter(&shared), waiter(&shared)];
        shared.until_arrived(2);
        shared.board(|b| b.ready = true);
        shared.cond.notify_all().unwrap();
        shared.cond.release().unwrap();
        for waiting in waiters {
            waiting.join().unwrap();
        }
        let _held = shared.cond.lock();
        assert_eq!(shared.board(|b| b.woken), 2);
    });
}

/// One notify, two waiters, one of them timing out at any point: the
/// notify is never lost. A waiter that times out after the notify moved it
/// onto the lock's queue was notified and must say so; otherwise main
/// would not send the second notify and the other waiter would sleep for
/// ever ("deadlock").
#[test]
fn a_notify_racing_a_timeout_is_never_lost() {
    model(|| {
        let shared = Arc::new(Shared {
            cond: Condition::with_lock(Lock::new()),
            board: UnsafeCell::new(Board::default()),
        });
        let timed = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                shared.board(|b| b.arrived += 1);
                held.wait_timeout(LONG)
            })
        };
        let patient = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                let mut held = shared.cond.lock();
                shared.board(|b| b.arrived += 1);
                // No predicate: this returns only if a notify chose it.
                held.wait();
                shared.board(|b| b.woken += 1);
            })
        };
        shared.until_arrived(2);
        shared.cond.notify(1).unwrap();
        shared.cond.release().unwrap();
        if timed.join().unwrap() {
            // The notify went to `timed`: `patient` needs one of its own.
            let held = shared.cond.lock();
            held.notify(1);
        }
        patient.join().unwrap();
        let _held = shared.cond.lock();
        assert_eq!(shared.board(|b| b.woken), 1);
    });
}

/// Two conditions over one lock, as `queue.Queue`'s `not_empty` and
/// `not_full`: a notify on one wakes its waiter only, and the lock is one.
#[test]
fn two_conditions_share_one_lock() {
    model(|| {
        // std's Arc: `ConditionLock` is implemented for it, not loom's.
        let lock = std::sync::Arc::new(Lock::new());
        let not_empty = Arc::new(Shared {
            cond: Condition::with_lock(std::sync::Arc::clone(&lock)),
            board: UnsafeCell::new(Board::default()),
        });
        let not_full = Condition::with_lock(std::sync::Arc::clone(&lock));
        let waiting = waiter(&not_empty);
        not_empty.until_arrived(1);
        // The same lock, held through the other condition's view of it.
        assert!(not_full.locked() && !lock.try_acquire());
        not_full.notify_all().unwrap(); // nobody waits there: nothing happens
        not_empty.board(|b| b.ready = true);
        not_empty.cond.notify(1).unwrap();
        not_full.release().unwrap();
        waiting.join().unwrap();
        let _held = not_empty.cond.lock();
        assert_eq!(not_empty.board(|b| b.woken), 1);
    });
}
