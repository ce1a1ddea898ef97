//! Property tests: random operation sequences on `Semaphore` and
//! `BoundedSemaphore`, each return value and the value after each step
//! compared with a sequential model (the permit count, the bound, and how
//! many permit guards the script holds).
//!
//! Single-threaded, so the model is exact. A blocking `acquire` that would
//! wait forever in the model (no permit) is run as `try_acquire` instead.
//! Permit guards taken by `TryPermit` are kept and dropped (or forgotten)
//! by later steps, in any order; those still held at the end are dropped.
//!
//! Provenance: the semantics are CPython's (`shared/CPYTHON.md` section
//! 1.4): an unbounded semaphore may go above its start; a bounded one
//! refuses a release that would pass its initial value, all or nothing.

use lockstep::{BoundedSemaphore, ReleaseError, Semaphore, SemaphorePermit};
use lockstep_tests::PySemaphore;
use proptest::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Acquire,
    TryAcquire,
    AcquireTimeoutZero,
    Release,
    /// `release_n(k)`, `k` in `0..=4`.
    ReleaseN(usize),
    Value,
    /// `Debug`'s `value: N`.
    DebugValue,
    /// `try_permit`, keeping the guard if there is one.
    TryPermit,
    /// `try_permit_for(Duration::ZERO)`, keeping the guard likewise.
    TryPermitForZero,
    /// Drops a held guard (which one: this index modulo how many are held).
    DropPermit(usize),
    /// `forget`s a held guard: its permit stays taken.
    ForgetPermit(usize),
}

/// What an operation returned, in a form both the semaphore and the model give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    /// `acquire` (always `true`), the tries, or whether a guard came back.
    Flag(bool),
    /// `value` or the value `Debug` shows.
    Count(usize),
    /// A release.
    Released(Result<(), ReleaseError>),
    /// Dropping or forgetting a guard (`false`: none was held).
    Guard(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Acquire),
        Just(Op::TryAcquire),
        Just(Op::AcquireTimeoutZero),
        Just(Op::Release),
        (0..=4_usize).prop_map(Op::ReleaseN),
        Just(Op::Value),
        Just(Op::DebugValue),
        Just(Op::TryPermit),
        Just(Op::TryPermitForZero),
        any::<usize>().prop_map(Op::DropPermit),
        any::<usize>().prop_map(Op::ForgetPermit),
    ]
}

/// The model: the permits free now, the most there may be, and how many
/// guards the script holds.
#[derive(Debug)]
struct Model {
    value: usize,
    bound: Option<usize>,
    held: usize,
}

impl Model {
    /// Gives back `n` permits: all or nothing against the bound.
    fn release(&mut self, n: usize) -> Result<(), ReleaseError> {
        match self.bound {
            Some(bound) if self.value + n > bound => Err(ReleaseError::TooManyReleases),
            _ => {
                self.value += n;
                Ok(())
            }
        }
    }

    /// Takes a permit if one is free.
    fn take(&mut self) -> bool {
        let free = self.value > 0;
        self.value -= usize::from(free);
        free
    }

    /// The operation to run (a blocking acquire with no permit becomes a
    /// try) and the reply it must give.
    fn step(&mut self, op: Op) -> (Op, Reply) {
        let op = if op == Op::Acquire && self.value == 0 { Op::TryAcquire } else { op };
        let reply = match op {
            Op::Acquire | Op::TryAcquire | Op::AcquireTimeoutZero => Reply::Flag(self.take()),
            Op::TryPermit | Op::TryPermitForZero => {
                let taken = self.take();
                self.held += usize::from(taken);
                Reply::Flag(taken)
            }
            Op::Release => Reply::Released(self.release(1)),
            Op::ReleaseN(n) => Reply::Released(self.release(n)),
            Op::Value | Op::DebugValue => Reply::Count(self.value),
            Op::DropPermit(_) | Op::ForgetPermit(_) if self.held == 0 => Reply::Guard(false),
            Op::DropPermit(_) => {
                self.held -= 1;
                // A guard's drop gives its permit back, unless that would
                // pass the bound (released by hand meanwhile): then nothing.
                let _ = self.release(1);
                Reply::Guard(true)
            }
            Op::ForgetPermit(_) => {
                self.held -= 1;
                Reply::Guard(true)
            }
        };
        (op, reply)
    }
}

/// The `value: N` field of a semaphore's `Debug` (Python's repr).
fn debug_value(sem: &impl PySemaphore) -> usize {
    let shown = format!("{sem:?}");
    let digits = shown.split("value: ").nth(1).unwrap_or_else(|| panic!("no value in {shown}"));
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("bad value in {shown}"))
}

fn apply<'a, S: PySemaphore>(sem: &'a S, held: &mut Vec<SemaphorePermit<'a>>, op: Op) -> Reply {
    let mut keep = |permit: Option<SemaphorePermit<'a>>| {
        let got = permit.is_some();
        held.extend(permit);
        Reply::Flag(got)
    };
    match op {
        Op::Acquire => {
            sem.acquire();
            Reply::Flag(true)
        }
        Op::TryAcquire => Reply::Flag(sem.try_acquire()),
        Op::AcquireTimeoutZero => Reply::Flag(sem.acquire_timeout(Duration::ZERO)),
        Op::Release => Reply::Released(sem.release()),
        Op::ReleaseN(n) => Reply::Released(sem.release_n(n)),
        Op::Value => Reply::Count(sem.value()),
        Op::DebugValue => Reply::Count(debug_value(sem)),
        Op::TryPermit => keep(sem.try_permit()),
        Op::TryPermitForZero => keep(sem.try_permit_for(Duration::ZERO)),
        Op::DropPermit(_) | Op::ForgetPermit(_) if held.is_empty() => Reply::Guard(false),
        Op::DropPermit(which) => {
            drop(held.swap_remove(which % held.len()));
            Reply::Guard(true)
        }
        Op::ForgetPermit(which) => {
            held.swap_remove(which % held.len()).forget();
            Reply::Guard(true)
        }
    }
}

/// Runs `script` on a fresh `S::new(initial)`, checking every reply and the
/// value after every step against the model.
fn check<S: PySemaphore>(initial: usize, script: &[Op]) -> Result<(), TestCaseError> {
    let sem = S::new(initial);
    let mut model = Model { value: initial, bound: sem.bound(), held: 0 };
    let mut held = Vec::new();
    for (step, &op) in script.iter().enumerate() {
        let (op, expected) = model.step(op);
        let got = apply(&sem, &mut held, op);
        prop_assert_eq!(got, expected, "step {}: {:?}", step, op);
        prop_assert_eq!(sem.value(), model.value, "value after step {}: {:?}", step, op);
        prop_assert_eq!(held.len(), model.held);
    }
    while let Some(permit) = held.pop() {
        drop(permit);
        model.step(Op::DropPermit(0));
        prop_assert_eq!(sem.value(), model.value, "after dropping a leftover guard");
    }
    Ok(())
}

proptest! {
    #[test]
    fn semaphore_matches_model(initial in 0..6_usize, script in proptest::collection::vec(op(), 0..64)) {
        check::<Semaphore>(initial, &script)?;
    }

    #[test]
    fn bounded_semaphore_matches_model(
        initial in 0..6_usize,
        script in proptest::collection::vec(op(), 0..64),
    ) {
        check::<BoundedSemaphore>(initial, &script)?;
    }
}

/// The model knows both kinds: a bounded semaphore's bound is its start.
#[test]
fn bounds_are_the_initial_values() {
    assert_eq!(Semaphore::new(3).bound(), None);
    assert_eq!(BoundedSemaphore::new(3).bound(), Some(3));
}
