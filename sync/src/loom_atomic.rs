//! The RMW leg (`--cfg loom --cfg loom_rmw`): loom's atomics with every
//! access a read-modify-write. `load` writes back what it read and `store`
//! is a swap, so loom's DPOR explores the orders it otherwise misses
//! (tokio-rs/loom#392, #166) and every access joins one modification order.
//! Everything else derefs to loom's own type.
//!
//! What this hides (the crate docs have the whole list, and
//! `tests/loom_probes.rs` pins it): an RMW always reads the latest value, so
//! no load is ever stale (no store-buffering `(0,0)`, no Relaxed
//! message-passing `flag=1, data=0`), and loom gives an RMW the clock of
//! the value it read, so a release sequence broken by a plain store is not
//! reported as a data race. The plain leg (`--cfg loom` alone) sees those.

use std::ops::Deref;
use std::sync::atomic::Ordering;

macro_rules! rmw_loads {
    ($($name:ident($value:ty, $unchanged:expr)),* $(,)?) => {$(
        #[doc = concat!("loom's `", stringify!($name), "`, whose `load` is an RMW.")]
        #[derive(Debug)]
        pub struct $name(loom::sync::atomic::$name);

        impl $name {
            /// A new atomic holding `value`.
            pub fn new(value: $value) -> $name {
                $name(loom::sync::atomic::$name::new(value))
            }

            /// Reads the value as an RMW writing it back unchanged; `order`
            /// is a load's (`Relaxed`, `Acquire` or `SeqCst`).
            pub fn load(&self, order: Ordering) -> $value {
                self.0.fetch_or($unchanged, order)
            }

            /// Writes `value` as an RMW (a swap), so that plain stores and
            /// RMWs never meet: loom 0.7.3 can order a plain store before a
            /// concurrent RMW chain it did not see, letting the storing
            /// thread's next RMW read a value older than its own store.
            pub fn store(&self, value: $value, order: Ordering) {
                self.0.swap(value, order);
            }
        }

        impl Deref for $name {
            type Target = loom::sync::atomic::$name;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }
    )*};
}

rmw_loads!(AtomicBool(bool, false), AtomicU8(u8, 0), AtomicU32(u32, 0), AtomicUsize(usize, 0));
