//! Runs the lessons of the notes' second half and checks that each shows
//! its point: `lesson-pool-server`, `lesson-timer` and `lesson-gil`.
//!
//! The only time limit is a generous kill-timeout against hangs (see
//! `common/mod.rs`); the GIL's speed-ups are ratios of two timings taken
//! on the same machine a moment apart, checked with wide margins.

mod common;

use common::{number_after, run, run_ok};

const POOL_SERVER: &str = env!("CARGO_BIN_EXE_lesson-pool-server");
const TIMER: &str = env!("CARGO_BIN_EXE_lesson-timer");
const GIL: &str = env!("CARGO_BIN_EXE_lesson-gil");

/// The text of the part whose title contains `title`, up to the next part.
fn part<'o>(output: &'o str, title: &str) -> &'o str {
    let start = output.find(title).unwrap_or_else(|| panic!("no part {title:?} in:\n{output}"));
    let rest = &output[start..];
    let end = rest.find("\n== ").map_or(rest.len(), |at| at + 1);
    &rest[..end]
}

#[test]
fn timer_fires_once_a_cancelled_one_never_and_every_ticks_until_cancelled() {
    let output = run_ok(TIMER, &[]);
    let one_shot = part(&output, "Part 1");
    assert_eq!(number_after(one_shot, "hello ran "), 1, "{output}");
    assert_eq!(one_shot.matches(": hello, world (at ").count(), 1, "{output}");
    assert!(one_shot.contains("in Thread-"), "hello did not run in the timer's thread:\n{output}");
    let cancelled = part(&output, "Part 2");
    assert!(!cancelled.contains("hello, world"), "the cancelled timer fired:\n{output}");
    assert_eq!(number_after(cancelled, "the cancelled timer's hello ran "), 0, "{output}");
    assert!(cancelled.contains("t.is_cancelled() = true"), "{output}");
    let repeating = part(&output, "Part 3");
    let before = number_after(repeating, "ticks before cancel(): ");
    assert!(before >= 2, "the repeating timer ticked {before} times:\n{output}");
    assert_eq!(number_after(repeating, "ticks after: "), 0, "a tick after cancel():\n{output}");
    assert!(repeating.contains("t.is_alive() = false"), "{output}");
}

#[test]
fn timer_takes_its_knobs_and_says_when_the_cancel_came_too_late() {
    let output =
        run_ok(TIMER, &["--delay-ms", "50", "--ticks", "3", "--pause-ms", "2", "--seed", "4", "--quiet"]);
    assert_eq!(number_after(&output, "hello ran "), 1, "{output}");
    assert!(number_after(&output, "ticks before cancel(): ") >= 3, "{output}");
    assert!(!output.contains("Thread-1: hello"), "--quiet still narrated:\n{output}");
    // A 1 ms timer may fire before the cancel: the summary must say which.
    let output = run_ok(TIMER, &["--delay-ms", "1", "--ticks", "2", "--pause-ms", "0"]);
    let fired = number_after(&output, "the cancelled timer's hello ran ");
    let summary = part(&output, "What you saw");
    if fired == 0 {
        assert!(summary.contains("hello never ran"), "{output}");
    } else {
        assert!(summary.contains("too late"), "{output}");
    }
    let (status, _) = run(TIMER, &["--delay-ms", "3001"]);
    assert!(!status.success(), "--delay-ms 3001 accepted");
}

/// The speed-up after `label` (`simulated GIL, CPU-bound: best of ...: speed-up 0.98×`).
fn speed_up(output: &str, label: &str) -> f64 {
    let line =
        output.lines().find(|line| line.contains(label)).unwrap_or_else(|| panic!("no {label:?}:\n{output}"));
    let number = line.rsplit("speed-up ").next().unwrap().trim_end_matches('×');
    number.parse().unwrap_or_else(|_| panic!("no speed-up in {line:?}"))
}

/// How many cores the best two-thread run kept busy, on the line of `label`.
fn cores_busy(output: &str, label: &str) -> f64 {
    let line =
        output.lines().find(|line| line.contains(label)).unwrap_or_else(|| panic!("no {label:?}:\n{output}"));
    let before = line.split(" cores busy").next().unwrap();
    before.rsplit('(').next().unwrap().parse().unwrap_or_else(|_| panic!("no cores busy in {line:?}"))
}

#[test]
fn gil_threads_do_not_speed_up_cpu_work_but_do_io_and_rust_uses_the_cores() {
    // The GIL lets one thread count at a time, in every run. A busy machine
    // can hide a speed-up, and can fake one too: a one-thread baseline
    // starved by other programs (the other tests of this file run at the
    // same time) makes two threads look faster. So the GIL's "no speed-up"
    // must show in one of up to three runs, and a run that shows one must
    // say it is unexpected; the speed-ups of I/O waits and of no GIL in one
    // of up to three runs, unless, for the latter, other programs kept the
    // lesson's two threads from running at once in all of them (it says
    // how many cores they kept busy), as on a 1-core machine.
    let (mut cpu_seen, mut io_seen, mut free) = (Vec::new(), Vec::new(), Vec::new());
    let mut free_shown = false;
    for _ in 0..3 {
        let output = run_ok(GIL, &["--quiet"]);
        let cpu = speed_up(&output, "simulated GIL, CPU-bound: best of");
        assert!(
            cpu < 1.3 || output.contains("unexpected with a GIL"),
            "two threads with a GIL were {cpu}× faster, and the lesson did not say it was unexpected:\n{output}"
        );
        cpu_seen.push(cpu);
        assert!(output.contains("threads counting at once, at most: 1 (the GIL's holder)"), "{output}");
        io_seen.push(speed_up(&output, "simulated GIL, with I/O waits: best of"));
        if number_after(&output, "this machine runs ") < 2 {
            println!("1 core: the no-GIL speed-up cannot show; not checked");
            free_shown = true;
        } else {
            let label = "no GIL, CPU-bound: best of";
            let (speed_up, cores) = (speed_up(&output, label), cores_busy(&output, label));
            free_shown |= speed_up > 1.5;
            free.push((speed_up, cores));
        }
        if free_shown && io_seen.iter().any(|&io| io > 1.3) && cpu_seen.iter().any(|&cpu| cpu < 1.3) {
            return;
        }
        println!(
            "GIL speed-ups {cpu_seen:?}, I/O speed-ups {io_seen:?}, no-GIL (speed-up, cores busy) {free:?}: \
             a busy machine? running again"
        );
    }
    assert!(cpu_seen.iter().any(|&cpu| cpu < 1.3), "two threads with a GIL were always faster: {cpu_seen:?}");
    assert!(io_seen.iter().any(|&io| io > 1.3), "I/O waits never overlapped: speed-ups {io_seen:?}");
    if !free_shown && free.iter().all(|&(_, cores)| cores < 1.5) {
        println!("the machine was too busy for two threads to run at once ({free:?}); not checked");
        return;
    }
    assert!(free_shown, "with no GIL, two threads were never 1.5× faster (speed-up, cores busy): {free:?}");
}

#[test]
fn gil_says_truthfully_when_there_was_no_io_wait_to_overlap() {
    let output = run_ok(GIL, &["--pause-ms", "0", "--work-ms", "50", "--reps", "1", "--quiet"]);
    let io = speed_up(&output, "simulated GIL, with I/O waits: best of");
    let summary = part(&output, "What you saw");
    if io < 1.3 {
        assert!(summary.contains("hardly waited (--pause-ms 0)"), "{output}");
    }
    let (status, _) = run(GIL, &["--work-ms", "1000", "--reps", "6"]);
    assert_eq!(status.code(), Some(2), "a 40 s run was accepted");
}

#[test]
fn pool_server_serves_at_most_three_at_once_and_everyone_in_the_end() {
    let output = run_ok(POOL_SERVER, &[]);
    let pool = part(&output, "Part 1");
    assert!(pool.contains("ThreadPoolExecutor(max_workers=3"), "{output}");
    assert_eq!(number_after(pool, "MainThread: served "), 5, "not all 5 served:\n{output}");
    assert!(number_after(pool, "; at most ") <= 3, "more than 3 served at once:\n{output}");
    // Two clients waited for a worker whose client had left.
    assert_eq!(pool.matches(" left pool_").count(), 2, "{output}");
    for worker in ["pool_0", "pool_1", "pool_2"] {
        assert!(pool.contains(&format!("served by {worker}")), "{worker} served nobody:\n{output}");
    }
    assert!(!pool.contains("pool_3"), "a fourth worker:\n{output}");
    let threads = part(&output, "Part 2");
    assert_eq!(number_after(threads, "MainThread: served "), 5, "{output}");
    assert_eq!(number_after(threads, "; at most "), 5, "a thread per client, not all at once:\n{output}");
    assert!(output.contains("20 of 20 echoes in part 1, 20 of 20 in part 2"), "{output}");
}

#[test]
fn pool_server_takes_its_knobs_and_is_truthful_without_pauses() {
    let output = run_ok(
        POOL_SERVER,
        &["--clients", "6", "--workers", "2", "--messages", "2", "--seed", "3", "--quiet"],
    );
    assert_eq!(number_after(&output, "MainThread: served "), 6, "{output}");
    assert!(number_after(&output, "; at most ") <= 2, "{output}");
    assert!(!output.contains("server: accepted"), "--quiet still narrated:\n{output}");
    let output = run_ok(POOL_SERVER, &["--pause-ms", "0"]);
    assert_eq!(number_after(&output, "MainThread: served "), 5, "{output}");
    assert!(number_after(&output, "; at most ") <= 3, "{output}");
    let (status, _) = run(POOL_SERVER, &["--workers", "11"]);
    assert!(!status.success(), "--workers 11 accepted");
}

#[test]
fn second_half_lessons_describe_their_knobs() {
    for (binary, knobs) in [
        (POOL_SERVER, &["--seed", "--clients", "--workers", "--messages", "--pause-ms"][..]),
        (TIMER, &["--seed", "--delay-ms", "--ticks", "--pause-ms"][..]),
        (GIL, &["--seed", "--work-ms", "--reps", "--switch-ms", "--pause-ms"][..]),
    ] {
        let (status, help) = run(binary, &["--help"]);
        assert!(status.success(), "{binary} --help");
        for knob in knobs.iter().chain(&["--timeline", "--trace", "--speed", "--step", "--color", "--quiet"])
        {
            assert!(help.contains(knob), "{binary} --help lacks {knob}:\n{help}");
        }
    }
}
