//! Every knob is bounded (issue 12, item 2): `--help` shows each range,
//! values outside it and knobs that together would run too long are
//! refused as clap refuses a bad value, a thread that cannot start is a
//! clear error, and `--quiet` means the same in every lesson.

mod common;

use common::{run, run_full};

const THREADS: &str = env!("CARGO_BIN_EXE_lesson-threads");
const RACE: &str = env!("CARGO_BIN_EXE_lesson-race");
const LOCK: &str = env!("CARGO_BIN_EXE_lesson-lock");
const RLOCK: &str = env!("CARGO_BIN_EXE_lesson-rlock");
const DEADLOCK: &str = env!("CARGO_BIN_EXE_lesson-deadlock");
const EVENT: &str = env!("CARGO_BIN_EXE_lesson-event");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_lesson-semaphore");
const QUEUE: &str = env!("CARGO_BIN_EXE_lesson-queue");
const PRODUCER_CONSUMER: &str = env!("CARGO_BIN_EXE_lesson-producer-consumer");
const CONDITION: &str = env!("CARGO_BIN_EXE_lesson-condition");
const BARRIER: &str = env!("CARGO_BIN_EXE_lesson-barrier");

/// Each lesson's numeric knobs and the range its `--help` must show.
const RANGES: &[(&str, &[(&str, &str)])] = &[
    (THREADS, &[("--pause-ms", "0 to 100"), ("--steps", "1 to 50")]),
    (RACE, &[("--pause-ms", "0 to 100"), ("--threads", "2 to 1000"), ("--items", "1 to 99")]),
    (LOCK, &[("--pause-ms", "0 to 100"), ("--threads", "2 to 1000"), ("--wait-ms", "1 to 5000")]),
    (RLOCK, &[("--pause-ms", "0 to 100"), ("--threads", "2 to 1000"), ("--detect-ms", "1 to 5000")]),
    (DEADLOCK, &[("--pause-ms", "0 to 100"), ("--threads", "2 to 10"), ("--detect-ms", "1 to 5000")]),
    (EVENT, &[("--pause-ms", "0 to 100"), ("--workers", "1 to 20"), ("--clients", "1 to 20")]),
    (SEMAPHORE, &[("--pause-ms", "0 to 100"), ("--threads", "2 to 1000"), ("--spaces", "1 to 1000")]),
    (QUEUE, &[("--pause-ms", "0 to 100"), ("--tasks", "2 to 1000")]),
    (PRODUCER_CONSUMER, &[("--pause-ms", "0 to 100"), ("--baozi", "1 to 10000"), ("--customers", "1 to 20")]),
    (
        CONDITION,
        &[
            ("--pause-ms", "0 to 100"),
            ("--baozi", "1 to 200"),
            ("--customers", "2 to 10"),
            ("--wait-ms", "1 to 2000"),
        ],
    ),
    (BARRIER, &[("--pause-ms", "0 to 100"), ("--runners", "2 to 20"), ("--wait-ms", "1 to 2000")]),
];

/// The help text of `knob`: from its line in `--help` to the next option.
fn help_of<'h>(help: &'h str, knob: &str) -> &'h str {
    let start = help.find(&format!("{knob} <")).unwrap_or_else(|| panic!("no {knob} in:\n{help}"));
    let rest = &help[start..];
    let end = rest[1..].find("\n  -").map_or(rest.len(), |at| at + 1);
    &rest[..end]
}

#[test]
fn help_shows_every_range_and_values_outside_are_refused() {
    for (binary, knobs) in RANGES {
        let (status, help) = run(binary, &["--help"]);
        assert!(status.success(), "{binary} --help");
        for (knob, range) in *knobs {
            let text = help_of(&help, knob).split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(range), "{binary} {knob}: no {range:?} in {text:?}");
            let above = range.rsplit(' ').next().unwrap().parse::<u64>().unwrap() + 1;
            let (status, _, stderr) = run_full(binary, &[knob, &above.to_string()]);
            assert_eq!(status.code(), Some(2), "{binary} accepted {knob} {above}");
            assert!(stderr.contains(&format!("is not in {}", range.replace(" to ", "..="))), "{stderr}");
        }
    }
    // The values that used to abort or run for minutes.
    for (binary, args) in [
        (RACE, &["--threads", "65535"][..]),
        (SEMAPHORE, &["--threads", "20000"]),
        (EVENT, &["--pause-ms", "100000"]),
        (LOCK, &["--wait-ms", "100000"]),
        (DEADLOCK, &["--detect-ms", "100000"]),
    ] {
        let (status, _) = run(binary, args);
        assert_eq!(status.code(), Some(2), "{binary} accepted {args:?}");
    }
}

#[test]
fn knobs_that_together_run_too_long_are_refused() {
    for (binary, args) in [
        (LOCK, &["--threads", "1000", "--pause-ms", "100"][..]),
        (RLOCK, &["--threads", "100", "--pause-ms", "100"]),
        (DEADLOCK, &["--threads", "10", "--pause-ms", "100"]),
        (SEMAPHORE, &["--threads", "1000", "--spaces", "1", "--pause-ms", "50"]),
        (QUEUE, &["--tasks", "1000", "--pause-ms", "50"]),
        (PRODUCER_CONSUMER, &["--baozi", "10000"]),
        (THREADS, &["--steps", "50", "--pause-ms", "100"]),
        // Ran 10.15 s before part 1's pauses counted too.
        (RACE, &["--items", "99", "--pause-ms", "100"]),
    ] {
        let (status, _, stderr) = run_full(binary, args);
        assert_eq!(status.code(), Some(2), "{binary} accepted {args:?}");
        assert!(stderr.contains("a lesson finishes in seconds"), "{binary} {args:?}: {stderr}");
    }
}

/// Runs `binary` in a shell whose address space is too small for 1000
/// thread stacks, so starting them fails part-way.
///
/// With 64 MiB stacks (`RUST_MIN_STACK`) the space runs out on a stack,
/// which `spawn` reports, and almost never on the small mappings around
/// one. With the default 2 MiB the space was sometimes left short by less
/// than a small allocation (CI, once: "memory allocation of 41 bytes
/// failed") or a started thread's signal stack (1 run in 30 on a loaded
/// machine, one try), and std aborts on both, which no lesson can report.
/// With 64 MiB: 0 in 80 under the same load.
fn run_short_of_memory(binary: &str, args: &str) -> (std::process::ExitStatus, String, String) {
    let script = format!("export RUST_MIN_STACK=67108864 && ulimit -v 300000 && exec {binary} {args}");
    run_full("sh", &["-c", &script])
}

#[test]
fn a_thread_that_cannot_start_is_a_clear_error() {
    for (binary, args) in [(RACE, ""), (SEMAPHORE, "--spaces 100")] {
        let args = format!("--threads 1000 --pause-ms 50 --quiet {args}");
        let (status, _, stderr) = run_short_of_memory(binary, &args);
        assert_eq!(status.code(), Some(1), "{binary}: {status}\n{stderr}");
        assert!(stderr.contains("can't start new thread"), "{binary}: {stderr}");
        assert!(stderr.contains("try fewer --threads"), "{binary}: {stderr}");
    }
}

#[test]
fn threads_takes_no_seed_it_would_not_use() {
    let (status, _) = run(THREADS, &["--seed", "5"]);
    assert!(!status.success(), "lesson-threads accepted --seed");
    let (_, help) = run(THREADS, &["--help"]);
    assert!(!help.contains("--seed"), "{help}");
}

#[test]
fn quiet_shows_only_titles_main_thread_and_the_summary_in_every_lesson() {
    for (binary, args) in [
        (THREADS, &[][..]),
        (RACE, &["--threads", "20"]),
        (LOCK, &["--threads", "10", "--wait-ms", "50"]),
        (RLOCK, &["--detect-ms", "20"]),
        (DEADLOCK, &["--detect-ms", "20"]),
        (EVENT, &[]),
        (SEMAPHORE, &["--threads", "20"]),
        (QUEUE, &[]),
        (PRODUCER_CONSUMER, &[]),
        (CONDITION, &["--wait-ms", "20"]),
        (BARRIER, &[]),
    ] {
        let mut args = args.to_vec();
        args.push("--quiet");
        let (status, output) = run(binary, &args);
        assert!(status.success(), "{binary} {args:?}\n{output}");
        let said: Vec<&str> = output
            .lines()
            .filter(|line| !line.starts_with([' ', '-', '=', '(']) && !line.is_empty())
            .filter(|line| !line.starts_with("MainThread: "))
            .collect();
        assert!(said.is_empty(), "{binary} --quiet still narrated {said:?}:\n{output}");
        assert!(output.lines().count() <= 45, "{binary} --quiet printed too much:\n{output}");
    }
}
