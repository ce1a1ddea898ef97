//! Property tests: random operation sequences on `Lock` and `RLock`, each
//! return value compared with a trivial sequential model (`Lock`: one bool;
//! `RLock`: an owner and a depth).
//!
//! The sequences are run one operation at a time, so the model is exact.
//! The single-thread properties use the main thread only; the two-thread
//! ones send some operations to a second thread (one at a time, over a
//! channel), which exercises Python's ownership rules: anyone may release a
//! `Lock`, only the owner an `RLock`. A blocking `acquire` that would wait
//! forever in the model (a `Lock` that is held, an `RLock` owned by the
//! other thread) is run as `try_acquire` instead.

use lockstep::{Lock, RLock, ReleaseError};
use proptest::prelude::*;
use proptest::sample::select;
use std::fmt::Debug;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Which thread runs an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    Main,
    Other,
}

/// What an operation returned, in a form both the lock and the model give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    /// `acquire` (always `true`), `try_acquire`, `acquire_timeout`,
    /// `locked`, `is_owned`, or whether a `try_lock` got a guard.
    Flag(bool),
    /// `recursion_count`, or the count that `Debug` shows.
    Count(usize),
    /// `release`.
    Released(Result<(), ReleaseError>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LockOp {
    Acquire,
    TryAcquire,
    AcquireTimeoutZero,
    Release,
    Locked,
    TryLockAndDrop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RLockOp {
    Acquire,
    TryAcquire,
    AcquireTimeoutZero,
    Release,
    RecursionCount,
    IsOwned,
    Locked,
    DebugCount,
    TryLockAndDrop,
}

const LOCK_OPS: [LockOp; 6] = [
    LockOp::Acquire,
    LockOp::TryAcquire,
    LockOp::AcquireTimeoutZero,
    LockOp::Release,
    LockOp::Locked,
    LockOp::TryLockAndDrop,
];

const RLOCK_OPS: [RLockOp; 9] = [
    RLockOp::Acquire,
    RLockOp::TryAcquire,
    RLockOp::AcquireTimeoutZero,
    RLockOp::Release,
    RLockOp::RecursionCount,
    RLockOp::IsOwned,
    RLockOp::Locked,
    RLockOp::DebugCount,
    RLockOp::TryLockAndDrop,
];

fn apply_lock(lock: &Lock, op: LockOp) -> Reply {
    match op {
        LockOp::Acquire => {
            lock.acquire();
            Reply::Flag(true)
        }
        LockOp::TryAcquire => Reply::Flag(lock.try_acquire()),
        LockOp::AcquireTimeoutZero => Reply::Flag(lock.acquire_timeout(Duration::ZERO)),
        LockOp::Release => Reply::Released(lock.release()),
        LockOp::Locked => Reply::Flag(lock.locked()),
        LockOp::TryLockAndDrop => Reply::Flag(lock.try_lock().is_some()),
    }
}

/// The model of a `Lock`: `held`. Returns the operation to run (a blocking
/// acquire of a held lock becomes a try) and the reply it must give.
fn lock_model(held: &mut bool, op: LockOp) -> (LockOp, Reply) {
    let op = if op == LockOp::Acquire && *held { LockOp::TryAcquire } else { op };
    let reply = match op {
        LockOp::Acquire | LockOp::TryAcquire | LockOp::AcquireTimeoutZero => {
            let taken = !*held;
            *held = true;
            Reply::Flag(taken)
        }
        LockOp::Release => {
            let result = if *held { Ok(()) } else { Err(ReleaseError::Unlocked) };
            *held = false;
            Reply::Released(result)
        }
        LockOp::Locked => Reply::Flag(*held),
        // A guard taken and dropped at once leaves the state as it was.
        LockOp::TryLockAndDrop => Reply::Flag(!*held),
    };
    (op, reply)
}

fn apply_rlock(rlock: &RLock, op: RLockOp) -> Reply {
    match op {
        RLockOp::Acquire => {
            rlock.acquire();
            Reply::Flag(true)
        }
        RLockOp::TryAcquire => Reply::Flag(rlock.try_acquire()),
        RLockOp::AcquireTimeoutZero => Reply::Flag(rlock.acquire_timeout(Duration::ZERO)),
        RLockOp::Release => Reply::Released(rlock.release()),
        RLockOp::RecursionCount => Reply::Count(rlock.recursion_count()),
        RLockOp::IsOwned => Reply::Flag(rlock.is_owned()),
        RLockOp::Locked => Reply::Flag(rlock.locked()),
        RLockOp::DebugCount => Reply::Count(debug_count(rlock)),
        RLockOp::TryLockAndDrop => Reply::Flag(rlock.try_lock().is_some()),
    }
}

/// The `count: N` field of an `RLock`'s `Debug` (CPython 3.14's repr).
fn debug_count(rlock: &RLock) -> usize {
    let shown = format!("{rlock:?}");
    let digits = shown.split("count: ").nth(1).unwrap_or_else(|| panic!("no count in {shown}"));
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("bad count in {shown}"))
}

/// The model of an `RLock`: who owns it, and how deep.
#[derive(Debug, Default)]
struct RLockModel {
    owner: Option<Actor>,
    depth: usize,
}

impl RLockModel {
    /// The operation to run (a blocking acquire of a lock the other thread
    /// owns becomes a try) and the reply `actor` must get.
    fn step(&mut self, actor: Actor, op: RLockOp) -> (RLockOp, Reply) {
        let mine = self.owner == Some(actor);
        let free_or_mine = self.owner.is_none() || mine;
        let op = if op == RLockOp::Acquire && !free_or_mine { RLockOp::TryAcquire } else { op };
        let reply = match op {
            RLockOp::Acquire | RLockOp::TryAcquire | RLockOp::AcquireTimeoutZero => {
                if free_or_mine {
                    self.owner = Some(actor);
                    self.depth += 1;
                }
                Reply::Flag(free_or_mine)
            }
            RLockOp::Release if mine => {
                self.depth -= 1;
                if self.depth == 0 {
                    self.owner = None;
                }
                Reply::Released(Ok(()))
            }
            RLockOp::Release => Reply::Released(Err(ReleaseError::NotOwner)),
            RLockOp::RecursionCount => Reply::Count(if mine { self.depth } else { 0 }),
            RLockOp::IsOwned => Reply::Flag(mine),
            RLockOp::Locked => Reply::Flag(self.owner.is_some()),
            // Like CPython 3.14's repr: the owner's count, from any thread.
            RLockOp::DebugCount => Reply::Count(self.depth),
            RLockOp::TryLockAndDrop => Reply::Flag(free_or_mine),
        };
        (op, reply)
    }
}

/// Runs `script` on `lock`, `Actor::Other`'s operations on a second thread,
/// checking every reply against `model(actor, op) -> (op to run, reply)`.
fn check<L, O>(
    lock: &L,
    script: &[(Actor, O)],
    apply: fn(&L, O) -> Reply,
    mut model: impl FnMut(Actor, O) -> (O, Reply),
) -> Result<(), TestCaseError>
where
    L: Sync,
    O: Copy + Debug + Send,
{
    thread::scope(|s| {
        let (to_other, other_ops) = mpsc::channel::<O>();
        let (other_replies, replies) = mpsc::channel();
        s.spawn(move || {
            for op in other_ops {
                if other_replies.send(apply(lock, op)).is_err() {
                    break;
                }
            }
        });
        for (step, &(actor, op)) in script.iter().enumerate() {
            let (op, expected) = model(actor, op);
            let got = match actor {
                Actor::Main => apply(lock, op),
                Actor::Other => {
                    to_other.send(op).expect("the other thread is alive");
                    replies.recv().expect("the other thread replied")
                }
            };
            prop_assert_eq!(got, expected, "step {}: {:?} by {:?}", step, op, actor);
        }
        Ok(())
        // `to_other` drops here: the other thread ends, and the scope joins.
    })
}

/// Scripts of up to 64 operations by `actors`.
fn script<O: Clone + Debug + 'static>(
    actors: &[Actor],
    ops: &[O],
) -> impl Strategy<Value = Vec<(Actor, O)>> + use<O> {
    proptest::collection::vec((select(actors.to_vec()), select(ops.to_vec())), 0..64)
}

proptest! {
    #[test]
    fn lock_matches_model(script in script(&[Actor::Main], &LOCK_OPS)) {
        let lock = Lock::new();
        let mut held = false;
        check(&lock, &script, apply_lock, |_, op| lock_model(&mut held, op))?;
        prop_assert_eq!(lock.locked(), held);
    }

    #[test]
    fn rlock_matches_model(script in script(&[Actor::Main], &RLOCK_OPS)) {
        let rlock = RLock::new();
        let mut model = RLockModel::default();
        check(&rlock, &script, apply_rlock, |actor, op| model.step(actor, op))?;
        prop_assert_eq!(rlock.locked(), model.owner.is_some());
    }

    /// Any thread may release a `Lock`, whoever acquired it.
    #[test]
    fn lock_two_threads_match_model(script in script(&[Actor::Main, Actor::Other], &LOCK_OPS)) {
        let lock = Lock::new();
        let mut held = false;
        check(&lock, &script, apply_lock, |_, op| lock_model(&mut held, op))?;
        prop_assert_eq!(lock.locked(), held);
    }

    /// Only the owner may re-enter or release an `RLock`; the other thread
    /// sees a count of 0 and gets `NotOwner`.
    #[test]
    fn rlock_two_threads_match_model(script in script(&[Actor::Main, Actor::Other], &RLOCK_OPS)) {
        let rlock = RLock::new();
        let mut model = RLockModel::default();
        check(&rlock, &script, apply_rlock, |actor, op| model.step(actor, op))?;
        prop_assert_eq!(rlock.locked(), model.owner.is_some());
    }
}
