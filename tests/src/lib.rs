//! Helpers shared by lockstep's cross-crate test suites (see `tests/`).
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]
