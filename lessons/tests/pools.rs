//! The lessons of the notes' pools section (issue 13): `lesson-pool`,
//! `lesson-callback` and `lesson-pool-apply`, each run as a binary and
//! checked for its point from its output.
//!
//! The only time limit is a generous kill-timeout against hangs (see
//! `common/mod.rs`); the timings compared here are the lessons' own, sync
//! against async, a factor of about three apart at the defaults.

mod common;

use common::{number_after, run, run_full, run_ok};
use std::collections::{BTreeMap, BTreeSet};

const POOL: &str = env!("CARGO_BIN_EXE_lesson-pool");
const CALLBACK: &str = env!("CARGO_BIN_EXE_lesson-callback");
const POOL_APPLY: &str = env!("CARGO_BIN_EXE_lesson-pool-apply");

/// The text of the part whose title starts with `title`, up to the next title.
fn part<'o>(output: &'o str, title: &str) -> &'o str {
    let start = output.find(&format!("== {title}")).unwrap_or_else(|| panic!("no part {title:?}:\n{output}"));
    let rest = &output[start + 3..];
    &rest[..rest.find("\n== ").unwrap_or(rest.len())]
}

/// The text after the "What you saw" heading.
fn summary(output: &str) -> &str {
    output.split("== What you saw ==").nth(1).unwrap_or_else(|| panic!("no summary:\n{output}"))
}

/// `(speaker, text)` of each narrated line of `text` whose speaker starts with `prefix`.
fn said_by<'o>(text: &'o str, prefix: &str) -> Vec<(&'o str, &'o str)> {
    text.lines().filter(|line| line.starts_with(prefix)).filter_map(|line| line.split_once(": ")).collect()
}

/// The distinct worker names of each pool, by the pool's prefix (`ThreadPoolExecutor-0`).
fn workers_by_pool<'o>(text: &'o str, prefix: &str) -> BTreeMap<&'o str, BTreeSet<&'o str>> {
    let mut pools: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (worker, _) in said_by(text, prefix) {
        let pool = worker.rsplit_once('_').map_or(worker, |(pool, _)| pool);
        pools.entry(pool).or_default().insert(worker);
    }
    pools
}

/// The number `n` of each line of `lines` that reads `... task n ...`.
fn task_numbers(lines: &[(&str, &str)]) -> Vec<usize> {
    lines.iter().map(|(_, text)| number_after(text, "task ")).collect()
}

#[test]
fn pool_runs_async_faster_on_at_most_four_reused_workers_and_maps_in_order() {
    let output = run_ok(POOL, &[]);
    // Never more than 4 worker names in any executor; part 1 reused one.
    let pools = workers_by_pool(&output, "ThreadPoolExecutor-");
    assert_eq!(pools.len(), 3, "one executor for parts 1-3, two in part 4: {pools:?}\n{output}");
    for (pool, workers) in &pools {
        assert!(workers.len() <= 4, "{pool} had {} workers: {workers:?}\n{output}", workers.len());
    }
    let sync = part(&output, "Part 1");
    assert_eq!(said_by(sync, "ThreadPoolExecutor-").len(), 10, "{sync}");
    assert!(sync.contains("workers used: [\"ThreadPoolExecutor-0_0\"]"), "idle worker not reused:\n{sync}");
    // Async total < sync total.
    let sync_total = number_after(sync, "MainThread: total: ");
    let async_total = number_after(part(&output, "Part 2"), "MainThread: total: ");
    assert!(async_total < sync_total, "async {async_total} ms, sync {sync_total} ms:\n{output}");
    // map yields in input order.
    let squares: Vec<String> = (1..=10).map(|n: usize| (n * n).to_string()).collect();
    let yielded = format!("MainThread: map yielded: [{}]", squares.join(", "));
    assert!(part(&output, "Part 3").contains(&yielded), "{output}");
    // shutdown(wait=True) returns with all done; wait=False at once, and all finish.
    let shutdown = part(&output, "Part 4");
    let returns: Vec<&str> =
        shutdown.lines().filter(|line| line.contains("shutdown returned after")).collect();
    assert_eq!(returns.len(), 2, "{shutdown}");
    assert!(returns[0].ends_with(": 10 of 10 done"), "{shutdown}");
    assert_eq!(shutdown.matches("10 of 10 results got").count(), 2, "{shutdown}");
    assert_eq!(shutdown.matches("cannot schedule new futures after shutdown").count(), 2, "{shutdown}");
    assert!(summary(&output).contains("faster"), "{output}");
}

#[test]
fn callbacks_run_in_completion_order_in_the_workers_at_once_when_done_and_see_the_panic() {
    let (status, output, stderr) = run_full(CALLBACK, &[]);
    assert!(status.success(), "exit status {status}\n{output}\n{stderr}");
    // Part 1: the hand-made callback runs in the thread, not in main.
    let by_hand = part(&output, "Part 1");
    assert!(by_hand.contains("Thread-1: callback got 49"), "{by_hand}");
    // Part 2: callbacks in completion order, not submission order, each by its worker.
    let futures = part(&output, "Part 2");
    let done: Vec<_> = said_by(futures, "ThreadPoolExecutor-")
        .into_iter()
        .filter(|(_, t)| t.contains(" done after "))
        .collect();
    let callbacks: Vec<_> = futures.lines().filter_map(|line| line.split_once(": callback: ")).collect();
    assert_eq!(done.len(), 5, "{futures}");
    assert_eq!(callbacks.len(), 5, "{futures}");
    let finished = task_numbers(&done);
    assert_eq!(task_numbers(&callbacks), finished, "callbacks not in completion order:\n{futures}");
    assert_ne!(finished, [1, 2, 3, 4, 5], "the tasks finished in submission order:\n{futures}");
    for ((worker, _), (thread, text)) in done.iter().zip(&callbacks) {
        assert_eq!(worker, thread, "callback {text:?} not run by its task's worker:\n{futures}");
        assert!(thread.starts_with("ThreadPoolExecutor-0_"), "{futures}");
    }
    // Part 3: on a done future, the callback runs at once in the caller.
    let done_future = part(&output, "Part 3");
    let at_once = done_future.find("MainThread: callback: result() = Ok(42), at once").expect(done_future);
    let returned = done_future.find("MainThread: add_done_callback returned").expect(done_future);
    assert!(at_once < returned, "{done_future}");
    // Part 4: the panic reaches the callback, and stderr stays clean.
    let panicked = part(&output, "Part 4");
    let seen = said_by(panicked, "ThreadPoolExecutor-")
        .into_iter()
        .any(|(_, text)| text.starts_with("callback: f.exception() = Some(\"division by zero\")"));
    assert!(seen, "{panicked}");
    assert!(!stderr.contains("panicked"), "the expected panic was reported:\n{stderr}");
    assert!(!summary(&output).contains("unexpected"), "{output}");
}

#[test]
fn pool_apply_uses_at_most_three_workers_gets_every_result_and_calls_back_for_each() {
    let output = run_ok(POOL_APPLY, &[]);
    for (pool, workers) in workers_by_pool(&output, "Pool-") {
        assert!(workers.len() <= 3, "{pool} had {} workers: {workers:?}\n{output}", workers.len());
    }
    let applied = part(&output, "Part 1:");
    assert_eq!(applied.matches("MainThread: pool.apply(task, (").count(), 10, "{applied}");
    let asynchronous = part(&output, "Part 2");
    assert!(
        asynchronous.contains("= [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]"),
        "not every result got:\n{asynchronous}"
    );
    let callbacks = said_by(asynchronous, "Pool-")
        .into_iter()
        .filter(|(_, text)| text.starts_with("callback got "))
        .count();
    assert_eq!(callbacks, 10, "{asynchronous}");
    assert!(asynchronous.contains("callbacks run: 10"), "{asynchronous}");
    assert!(
        number_after(applied, "MainThread: total: ") > number_after(asynchronous, "join() returned after ")
    );
    // The forgotten join: results missing at main's end; then fixed.
    let forgot = part(&output, "Part 3: forget");
    assert!(number_after(forgot, "main's end: ") < 10, "{forgot}");
    assert!(
        part(&output, "Part 3, fixed").contains("main's end: 10 of 10 results ready, 10 callbacks run"),
        "{output}"
    );
}

#[test]
fn with_no_pause_they_finish_and_say_what_the_knob_hid() {
    for seed in ["1", "2"] {
        let output = run_ok(POOL, &["--pause-ms", "0", "--seed", seed]);
        assert!(summary(&output).contains("--pause-ms 0"), "{output}");
        let output = run_ok(CALLBACK, &["--pause-ms", "0", "--seed", seed]);
        assert!(output.contains("division by zero"), "{output}");
        let output = run_ok(POOL_APPLY, &["--pause-ms", "0", "--seed", seed]);
        assert!(
            part(&output, "Part 3, fixed").contains("10 of 10 results ready, 10 callbacks run"),
            "{output}"
        );
    }
}

#[test]
fn knobs_are_bounded_and_other_sizes_keep_the_limits() {
    for (binary, knobs) in [
        (POOL, &[("--tasks", "1 to 40"), ("--workers", "1 to 16")][..]),
        (CALLBACK, &[("--tasks", "2 to 10")][..]),
        (POOL_APPLY, &[("--tasks", "1 to 40"), ("--processes", "1 to 16")][..]),
    ] {
        let (status, help) = run(binary, &["--help"]);
        assert!(status.success() && help.contains("--pause-ms") && help.contains("--seed"), "{help}");
        for (knob, range) in knobs {
            let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(knob) && flat.contains(range), "{binary}: {knob} {range}:\n{help}");
            assert!(!run(binary, &[knob, "0"]).0.success(), "{binary} accepted {knob} 0");
        }
        assert!(!run(binary, &["--pause-ms", "101"]).0.success());
        assert!(!run(binary, &["--no-such-knob"]).0.success());
    }
    assert!(!run(POOL, &["--tasks", "40", "--pause-ms", "100"]).0.success(), "over budget accepted");
    let output = run_ok(POOL, &["--tasks", "6", "--workers", "2", "--seed", "5"]);
    assert!(
        workers_by_pool(&output, "ThreadPoolExecutor-").values().all(|workers| workers.len() <= 2),
        "{output}"
    );
    let output = run_ok(POOL_APPLY, &["--tasks", "5", "--processes", "2", "--seed", "5"]);
    assert!(workers_by_pool(&output, "Pool-").values().all(|workers| workers.len() <= 2), "{output}");
    assert!(output.contains("callbacks run: 5"), "{output}");
    let output = run_ok(CALLBACK, &["--tasks", "3", "--seed", "5"]);
    assert_eq!(part(&output, "Part 2").matches(": callback: ").count(), 3, "{output}");
}

#[test]
fn quiet_timeline_and_trace_work_as_in_the_other_lessons() {
    let dir = std::env::temp_dir();
    for (binary, name) in [(POOL, "pool"), (CALLBACK, "callback"), (POOL_APPLY, "pool-apply")] {
        let trace = dir.join(format!("lockstep-lesson-{name}-{}.json", std::process::id()));
        let trace_arg = trace.to_string_lossy().to_string();
        let output = run_ok(binary, &["--quiet", "--timeline", "--trace", &trace_arg]);
        let said: Vec<&str> = output
            .lines()
            .filter(|line| !line.starts_with([' ', '-', '=', '(']) && !line.is_empty())
            .filter(|line| !line.starts_with("MainThread: ") && !line.starts_with("timeline"))
            .filter(|line| !line.contains(" |"))
            .collect();
        assert!(said.is_empty(), "{binary} --quiet still narrated {said:?}:\n{output}");
        assert!(output.contains("timeline"), "{binary}: no timeline:\n{output}");
        let json =
            std::fs::read_to_string(&trace).unwrap_or_else(|error| panic!("{binary}: no trace: {error}"));
        let _ = std::fs::remove_file(&trace);
        // Chrome trace JSON: an array, empty when no Lock, RLock or
        // Semaphore was used (the callbacks' pool never waits for one).
        let events: Vec<serde_json::Value> = serde_json::from_str(&json).expect("the trace is a JSON array");
        assert!(events.iter().all(|event| event["cat"] == "lockstep" || event["ph"] == "M"), "{json}");
    }
}
