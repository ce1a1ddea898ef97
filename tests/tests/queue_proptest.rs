//! Property tests: random operation sequences on `Queue`, `LifoQueue` and
//! `PriorityQueue`, bounded and unbounded, each return value compared with
//! a sequential model (a `VecDeque`, a `Vec`, a `BinaryHeap` ordered by
//! key then insertion number, plus `maxsize`, `unfinished_tasks` and
//! `is_shutdown`), the item handed back in a `PutError` included.
//!
//! One thread runs each sequence, so the model is exact. A blocking `put`
//! or `get` that would wait forever in the model (full, or empty, and not
//! shut down) runs as `try_put`/`try_get` instead; a `join` that would wait
//! runs as `unfinished_tasks`. Items compare by `key` only, so equal keys
//! show whether `PriorityQueue` keeps its promise of FIFO among equals; the
//! `tag` (a serial number) tells them apart.

mod queue_support;

use lockstep::{GetError, PutError, TaskDoneError};
use proptest::prelude::*;
use queue_support::{Family, Fifo, Lifo, Order, Priority, PyQueue};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};
use std::time::Duration;

/// A queued item: compared by `key` only; `tag` is its serial number.
#[derive(Debug)]
struct Item {
    key: u8,
    tag: u32,
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// An item as the model sees it: `(key, tag)`, compared in full.
type Seen = (u8, u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Put(u8),
    TryPut(u8),
    PutTimeoutZero(u8),
    Get,
    TryGet,
    GetTimeoutZero,
    Qsize,
    Empty,
    Full,
    Maxsize,
    SetMaxsize(usize),
    TaskDone,
    Join,
    UnfinishedTasks,
    IsShutdown,
    Shutdown { immediate: bool },
}

/// What an operation returned, in a form both the queue and the model give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    /// A put: `Err` holds the error's name and the item handed back.
    Put(Result<(), (&'static str, Seen)>),
    Got(Result<Seen, GetError>),
    Done(Result<(), TaskDoneError>),
    Size(usize),
    Flag(bool),
    Nothing,
}

fn put_reply(result: Result<(), PutError<Item>>) -> Reply {
    Reply::Put(result.map_err(|error| match error {
        PutError::Full(item) => ("Full", (item.key, item.tag)),
        PutError::ShutDown(item) => ("ShutDown", (item.key, item.tag)),
    }))
}

fn got_reply(result: Result<Item, GetError>) -> Reply {
    Reply::Got(result.map(|item| (item.key, item.tag)))
}

/// Runs `op` on `queue`; a put puts `Item { key, tag }`.
fn apply<Q: PyQueue<Item>>(queue: &Q, op: Op, tag: u32) -> Reply {
    match op {
        Op::Put(key) => put_reply(queue.put(Item { key, tag })),
        Op::TryPut(key) => put_reply(queue.try_put(Item { key, tag })),
        Op::PutTimeoutZero(key) => put_reply(queue.put_timeout(Item { key, tag }, Duration::ZERO)),
        Op::Get => got_reply(queue.get()),
        Op::TryGet => got_reply(queue.try_get()),
        Op::GetTimeoutZero => got_reply(queue.get_timeout(Duration::ZERO)),
        Op::Qsize => Reply::Size(queue.qsize()),
        Op::Empty => Reply::Flag(queue.empty()),
        Op::Full => Reply::Flag(queue.full()),
        Op::Maxsize => Reply::Size(queue.maxsize()),
        Op::SetMaxsize(maxsize) => {
            queue.set_maxsize(maxsize);
            Reply::Nothing
        }
        Op::TaskDone => Reply::Done(queue.task_done()),
        Op::Join => {
            queue.join();
            Reply::Nothing
        }
        Op::UnfinishedTasks => Reply::Size(queue.unfinished_tasks()),
        Op::IsShutdown => Reply::Flag(queue.is_shutdown()),
        Op::Shutdown { immediate } => {
            queue.shutdown(immediate);
            Reply::Nothing
        }
    }
}

/// The model's items, in the order's own container.
enum Store {
    Fifo(VecDeque<Seen>),
    Lifo(Vec<Seen>),
    /// Smallest key first, then smallest tag (tags grow with every put).
    Priority(BinaryHeap<Reverse<Seen>>),
}

impl Store {
    fn push(&mut self, item: Seen) {
        match self {
            Store::Fifo(items) => items.push_back(item),
            Store::Lifo(items) => items.push(item),
            Store::Priority(items) => items.push(Reverse(item)),
        }
    }
    fn pop(&mut self) -> Option<Seen> {
        match self {
            Store::Fifo(items) => items.pop_front(),
            Store::Lifo(items) => items.pop(),
            Store::Priority(items) => items.pop().map(|Reverse(item)| item),
        }
    }
    fn len(&self) -> usize {
        match self {
            Store::Fifo(items) => items.len(),
            Store::Lifo(items) => items.len(),
            Store::Priority(items) => items.len(),
        }
    }
}

/// A sequential model of a task-tracking queue.
struct Model {
    items: Store,
    maxsize: usize,
    unfinished_tasks: usize,
    is_shutdown: bool,
}

impl Model {
    fn new(order: Order, maxsize: usize) -> Model {
        let items = match order {
            Order::Fifo => Store::Fifo(VecDeque::new()),
            Order::Lifo => Store::Lifo(Vec::new()),
            Order::Priority => Store::Priority(BinaryHeap::new()),
        };
        Model { items, maxsize, unfinished_tasks: 0, is_shutdown: false }
    }

    fn full(&self) -> bool {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }

    /// The operation to run (one that would block forever becomes one
    /// that does not) and the reply it must give; a put puts `(key, tag)`.
    fn step(&mut self, op: Op, tag: u32) -> (Op, Reply) {
        let op = match op {
            Op::Put(key) if self.full() && !self.is_shutdown => Op::TryPut(key),
            Op::Get if self.items.len() == 0 && !self.is_shutdown => Op::TryGet,
            Op::Join if self.unfinished_tasks > 0 => Op::UnfinishedTasks,
            op => op,
        };
        let reply = match op {
            Op::Put(key) | Op::TryPut(key) | Op::PutTimeoutZero(key) => {
                // ShutDown is checked before Full.
                Reply::Put(if self.is_shutdown {
                    Err(("ShutDown", (key, tag)))
                } else if self.full() {
                    Err(("Full", (key, tag)))
                } else {
                    self.items.push((key, tag));
                    self.unfinished_tasks += 1;
                    Ok(())
                })
            }
            Op::Get | Op::TryGet | Op::GetTimeoutZero => Reply::Got(match self.items.pop() {
                Some(item) => Ok(item),
                None if self.is_shutdown => Err(GetError::ShutDown),
                None => Err(GetError::Empty),
            }),
            Op::Qsize => Reply::Size(self.items.len()),
            Op::Empty => Reply::Flag(self.items.len() == 0),
            Op::Full => Reply::Flag(self.full()),
            Op::Maxsize => Reply::Size(self.maxsize),
            Op::SetMaxsize(maxsize) => {
                self.maxsize = maxsize;
                Reply::Nothing
            }
            Op::TaskDone => Reply::Done(if self.unfinished_tasks == 0 {
                Err(TaskDoneError)
            } else {
                self.unfinished_tasks -= 1;
                Ok(())
            }),
            Op::Join => Reply::Nothing,
            Op::UnfinishedTasks => Reply::Size(self.unfinished_tasks),
            Op::IsShutdown => Reply::Flag(self.is_shutdown),
            Op::Shutdown { immediate } => {
                self.is_shutdown = true;
                if immediate {
                    let drained = std::iter::from_fn(|| self.items.pop()).count();
                    self.unfinished_tasks = self.unfinished_tasks.saturating_sub(drained);
                }
                Reply::Nothing
            }
        };
        (op, reply)
    }
}

/// Operations, puts and gets more often than the rest, shutdowns rarely
/// (so that most of a script runs before the queue shuts down).
fn op() -> impl Strategy<Value = Op> {
    let key = 0..4_u8;
    prop_oneof![
        4 => key.clone().prop_map(Op::Put),
        4 => key.clone().prop_map(Op::TryPut),
        4 => key.prop_map(Op::PutTimeoutZero),
        3 => Just(Op::Get),
        3 => Just(Op::TryGet),
        3 => Just(Op::GetTimeoutZero),
        1 => Just(Op::Qsize),
        1 => Just(Op::Empty),
        1 => Just(Op::Full),
        1 => Just(Op::Maxsize),
        1 => (0..6_usize).prop_map(Op::SetMaxsize),
        3 => Just(Op::TaskDone),
        1 => Just(Op::Join),
        1 => Just(Op::UnfinishedTasks),
        1 => Just(Op::IsShutdown),
        1 => any::<bool>().prop_map(|immediate| Op::Shutdown { immediate }),
    ]
}

/// Runs `script` on a new `F` queue of `maxsize` and on its model.
fn check<F: Family>(maxsize: usize, script: &[Op]) -> Result<(), TestCaseError> {
    let queue = F::new::<Item>(maxsize);
    let mut model = Model::new(F::ORDER, maxsize);
    for (tag, &op) in (0_u32..).zip(script) {
        let (op, expected) = model.step(op, tag);
        let got = apply(&queue, op, tag);
        prop_assert_eq!(got, expected, "step {}: {:?}", tag, op);
    }
    prop_assert_eq!(queue.qsize(), model.items.len());
    prop_assert_eq!(queue.unfinished_tasks(), model.unfinished_tasks);
    prop_assert_eq!(queue.is_shutdown(), model.is_shutdown);
    // Whatever is left comes out in the model's order.
    while let Some(expected) = model.items.pop() {
        prop_assert_eq!(got_reply(queue.try_get()), Reply::Got(Ok(expected)));
    }
    prop_assert!(queue.empty());
    Ok(())
}

/// Bounds from 0 (unbounded) to 4, and scripts of up to 100 operations.
fn case() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (0..5_usize, proptest::collection::vec(op(), 0..100))
}

proptest! {
    #[test]
    fn queue_matches_model((maxsize, script) in case()) {
        check::<Fifo>(maxsize, &script)?;
    }

    #[test]
    fn lifo_queue_matches_model((maxsize, script) in case()) {
        check::<Lifo>(maxsize, &script)?;
    }

    #[test]
    fn priority_queue_matches_model((maxsize, script) in case()) {
        check::<Priority>(maxsize, &script)?;
    }
}
