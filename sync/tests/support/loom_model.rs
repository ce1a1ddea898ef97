//! How every crate's loom models run (each `tests/loom*.rs` includes this
//! file with `#[path]`): one place that picks the preemption bound per leg
//! and reports what loom explored.
//!
//! - `--cfg loom` (the plain leg: loom's atomics as they are, stale loads
//!   explored) and `--cfg loom --cfg loom_rmw` (the RMW leg: every load and
//!   store a read-modify-write, tokio-rs/loom#392's orders explored) run the
//!   same models. A model runs at `LOOM_MAX_PREEMPTIONS`, capped per leg
//!   by [`Bound`] where the file says why.
//! - With `-- --nocapture` each model prints
//!   `loom <leg> <test>: <n> executions, bound <b>, <t> s`, the figures the
//!   file headers quote.
#![allow(dead_code)] // each file uses what it needs

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The most preemptions a model may use in each leg (`None`: whatever
/// `LOOM_MAX_PREEMPTIONS` says).
#[derive(Clone, Copy)]
pub struct Bound {
    pub plain: Option<usize>,
    pub rmw: Option<usize>,
}

/// No cap in either leg.
pub const UNCAPPED: Bound = Bound { plain: None, rmw: None };

/// The leg this binary was built for.
pub fn leg() -> &'static str {
    if cfg!(loom_rmw) { "rmw" } else { "plain" }
}

/// Runs `model` in every interleaving loom explores at this leg's bound.
pub fn check(model: impl Fn() + Sync + Send + 'static) {
    check_bounded(UNCAPPED, model);
}

/// As [`check`], with the preemption bound capped per leg.
pub fn check_bounded(bound: Bound, model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    let cap = if cfg!(loom_rmw) { bound.rmw } else { bound.plain };
    if let Some(cap) = cap {
        builder.preemption_bound = Some(builder.preemption_bound.map_or(cap, |env| env.min(cap)));
    }
    // Counts executions from outside the model: a std atomic that loom
    // neither sees nor schedules on.
    let executions = Arc::new(AtomicUsize::new(0));
    let counted = executions.clone();
    let started = Instant::now();
    let preemption_bound = builder.preemption_bound;
    builder.check(move || {
        counted.fetch_add(1, Relaxed);
        model();
    });
    let name = std::thread::current().name().unwrap_or("model").to_owned();
    println!(
        "loom {} {name}: {} executions, bound {}, {:.2} s",
        leg(),
        executions.load(Relaxed),
        preemption_bound.map_or("none".to_owned(), |b| b.to_string()),
        started.elapsed().as_secs_f64(),
    );
}
