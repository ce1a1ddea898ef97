//! Benches live in `benches/`; run them with `cargo bench -p lockstep-bench`.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]
