//! Where a queue keeps its items: the one thing the three disciplines do
//! differently. Everything else (blocking, timeouts, tasks, shutdown) is
//! written once in `engine.rs`.

use crate::heap::{Ranked, StableHeap};
use std::collections::VecDeque;

/// Where a [`BaseQueue`](crate::BaseQueue) keeps its items, and so the
/// order they leave in: Python's `Queue._init`/`_put`/`_get`/`_qsize`,
/// which its subclasses override. The queue calls these with its lock held;
/// a panic in one (say in an item's `Ord`) releases the lock and reaches
/// the caller, and the queue stays usable.
///
/// ```
/// use lockstep_queue::{Fifo, Store};
/// let mut items = Fifo::with_capacity(2);
/// items.push('a');
/// items.push('b');
/// assert_eq!((items.pop(), items.len()), (Some('a'), 1));
/// ```
pub trait Store<T> {
    /// The queue's name in its `Debug` output.
    const NAME: &'static str = "BaseQueue";

    /// Whether items leave in the order they came (first in, first out).
    /// A bounded queue over such a store keeps its items in a lock-free
    /// ring instead (the store takes them over only if `set_maxsize` is
    /// called), so its puts and gets take no lock. Default `false`.
    const FIFO: bool = false;

    /// An empty store with room for `capacity` items. Python: `_init`.
    fn with_capacity(capacity: usize) -> Self;

    /// Adds an item. Python: `_put`.
    fn push(&mut self, item: T);

    /// Removes the next item in this store's order. Python: `_get`.
    fn pop(&mut self) -> Option<T>;

    /// How many items it holds. Python: `_qsize`.
    fn len(&self) -> usize;

    /// Whether it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes every item out (for an immediate shutdown), in removal order.
    fn drain_all(&mut self) -> Vec<T> {
        std::iter::from_fn(|| self.pop()).collect()
    }
}

/// First in, first out: the store of [`Queue`](crate::Queue).
#[derive(Debug)]
pub struct Fifo<T>(VecDeque<T>);

impl<T> Store<T> for Fifo<T> {
    const NAME: &'static str = "Queue";
    const FIFO: bool = true;

    fn with_capacity(capacity: usize) -> Self {
        Fifo(VecDeque::with_capacity(capacity))
    }
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn drain_all(&mut self) -> Vec<T> {
        self.0.drain(..).collect()
    }
}

/// Last in, first out: the store of [`LifoQueue`](crate::LifoQueue).
#[derive(Debug)]
pub struct Lifo<T>(Vec<T>);

impl<T> Store<T> for Lifo<T> {
    const NAME: &'static str = "LifoQueue";

    fn with_capacity(capacity: usize) -> Self {
        Lifo(Vec::with_capacity(capacity))
    }
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Smallest first; among equal items, first in first out (stable): the
/// store of [`PriorityQueue`](crate::PriorityQueue). Python's is not stable.
pub struct Priority<T> {
    heap: StableHeap<T>,
    /// Insertion counter: the tie-breaker that makes equal items FIFO.
    next_seq: u64,
}

impl<T: Ord> Store<T> for Priority<T> {
    const NAME: &'static str = "PriorityQueue";

    fn with_capacity(capacity: usize) -> Self {
        Priority { heap: StableHeap::with_capacity(capacity), next_seq: 0 }
    }
    fn push(&mut self, item: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Ranked { item, seq });
    }
    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|ranked| ranked.item)
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order<S: Store<(u8, char)>>(items: &[(u8, char)]) -> Vec<(u8, char)> {
        let mut store = S::with_capacity(0);
        items.iter().for_each(|&item| store.push(item));
        assert_eq!(store.len(), items.len());
        std::iter::from_fn(|| store.pop()).collect()
    }

    #[test]
    fn each_store_has_its_order() {
        let items = [(1, 'a'), (0, 'z'), (1, 'b')];
        assert_eq!(order::<Fifo<_>>(&items), items);
        assert_eq!(order::<Lifo<_>>(&items), [(1, 'b'), (0, 'z'), (1, 'a')]);
        assert_eq!(order::<Priority<_>>(&items), [(0, 'z'), (1, 'a'), (1, 'b')]);
    }

    #[test]
    fn priority_keeps_insertion_order_among_equal_items() {
        use std::cmp::Ordering;
        // Compared by priority only: equal items must leave in arrival
        // order, which the tag shows.
        #[derive(Debug)]
        struct Tagged(u8, char);
        impl PartialEq for Tagged {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl Eq for Tagged {}
        impl PartialOrd for Tagged {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for Tagged {
            fn cmp(&self, other: &Self) -> Ordering {
                self.0.cmp(&other.0)
            }
        }
        let mut store = Priority::with_capacity(0);
        for tag in "abcdefgh".chars() {
            store.push(Tagged(1, tag));
        }
        store.push(Tagged(0, 'z'));
        let tags: String = std::iter::from_fn(|| store.pop()).map(|t| t.1).collect();
        // CPython's heapq gives "zcgdfheab"-like orders here; we are stable.
        assert_eq!(tags, "zabcdefgh");
    }
}
