//! Names for queues, shown by `Debug` and, with lockstep's `trace`
//! feature, on every `get`, `put` and `join` that has to wait (`op`
//! `"wait"`, then `"woken"` or `"gave_up"`; `call` `"get"`, `"put"` or
//! `"join"`). Python's queues have no name.
//!
//! Only named queues are traced: lockstep's own executor and pool wait on
//! unnamed ones whenever a worker is idle, which would flood a chart of
//! the program's own waits.

use crate::engine::Core;
use crate::store::{Fifo, Store};
use crate::{BaseQueue, SimpleQueue};

impl<T, S: Store<T>> BaseQueue<T, S> {
    /// A queue as [`new`](Self::new) makes it, with a name (see the
    /// module docs: only named queues are traced).
    ///
    /// ```
    /// let counter = lockstep_queue::Queue::<u32>::named(5, "counter");
    /// assert_eq!(counter.maxsize(), 5);
    /// assert!(format!("{counter:?}").starts_with(r#"Queue { name: "counter", qsize: 0"#));
    /// ```
    pub fn named(maxsize: usize, name: &'static str) -> Self {
        BaseQueue { core: Core::new(maxsize, true, Some(name)) }
    }

    /// The name given by [`named`](Self::named), if any.
    ///
    /// ```
    /// assert_eq!(lockstep_queue::Queue::<u32>::named(0, "q").name(), Some("q"));
    /// assert_eq!(lockstep_queue::Queue::<u32>::new(0).name(), None);
    /// ```
    pub fn name(&self) -> Option<&'static str> {
        self.core.name()
    }
}

impl<T> SimpleQueue<T> {
    /// An empty queue with a name, as [`Queue::named`](crate::Queue::named).
    ///
    /// ```
    /// let results = lockstep_queue::SimpleQueue::<u8>::named("results");
    /// assert_eq!(format!("{results:?}"), r#"SimpleQueue { name: "results", qsize: 0 }"#);
    /// ```
    pub fn named(name: &'static str) -> SimpleQueue<T> {
        SimpleQueue { core: Core::<T, Fifo<T>>::new(0, false, Some(name)) }
    }

    /// The name given by [`named`](Self::named), if any.
    ///
    /// ```
    /// assert_eq!(lockstep_queue::SimpleQueue::<u8>::named("results").name(), Some("results"));
    /// assert_eq!(lockstep_queue::SimpleQueue::<u8>::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&'static str> {
        self.core.name()
    }
}
