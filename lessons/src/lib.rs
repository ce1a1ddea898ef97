//! Shared helpers for the `lesson-*` binaries in `src/bin/`.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]
