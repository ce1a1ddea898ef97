//! How every crate's shuttle tests run (each `tests/shuttle*.rs` includes
//! this file with `#[path]`): random schedules, then PCT schedules, with
//! one knob to change how many.

use shuttle::Runner;
use shuttle::scheduler::{PctScheduler, RandomScheduler};
use std::sync::Arc;

/// Runs `body` under `schedules` random schedules, then as many PCT
/// schedules (depth 3: bugs that need up to 3 preemptions at the right
/// places). `LOCKSTEP_SHUTTLE_SCHEDULES` overrides the count (for hunting a
/// bug with more, or a quick look with fewer).
pub fn check(name: &str, schedules: usize, body: impl Fn() + Send + Sync + 'static) {
    let schedules = std::env::var("LOCKSTEP_SHUTTLE_SCHEDULES")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(schedules);
    let config = || {
        let mut config = shuttle::Config::new();
        // Shuttle warns that it treats every ordering as SeqCst: known, and
        // the loom legs are what check orderings.
        config.silence_warnings = true;
        config
    };
    let body = Arc::new(body);
    let random_body = Arc::clone(&body);
    let random = Runner::new(RandomScheduler::new(schedules), config()).run(move || random_body());
    let pct = Runner::new(PctScheduler::new(3, schedules), config()).run(move || body());
    println!("{name}: {random} random + {pct} PCT schedules");
}
