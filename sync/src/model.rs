//! The model checker's own types, for the pieces of the shim that are
//! rebuilt on them (the parking lot): loom's under `--cfg loom`, shuttle's
//! under `--cfg shuttle`.

#[cfg(loom)]
pub(crate) use loom::{lazy_static, sync::Mutex, thread};
#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::{lazy_static, sync::Mutex, thread};
