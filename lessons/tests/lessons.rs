//! Runs the built lesson binaries and checks that each shows its point:
//! here the index (`lessons`), `lesson-threads`, `lesson-race` and
//! `lesson-lock`; the others in `signalling.rs`, `queues.rs` and `deadlocks.rs`.
//!
//! The only time limit is a generous kill-timeout against hangs (see
//! `common/mod.rs`); nothing here asserts how fast a lesson runs.

mod common;

use common::{number_after, run, run_ok};
use lockstep_lessons::LESSONS;

/// The number after `Final value: num = ` in a lesson's output.
fn final_value(output: &str) -> i64 {
    let rest =
        output.split("Final value: num = ").nth(1).unwrap_or_else(|| panic!("no final value in:\n{output}"));
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    digits.parse().unwrap_or_else(|_| panic!("bad final value in:\n{output}"))
}

const INDEX: &str = env!("CARGO_BIN_EXE_lessons");
const THREADS: &str = env!("CARGO_BIN_EXE_lesson-threads");
const RACE: &str = env!("CARGO_BIN_EXE_lesson-race");
const LOCK: &str = env!("CARGO_BIN_EXE_lesson-lock");
const EVENT: &str = env!("CARGO_BIN_EXE_lesson-event");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_lesson-semaphore");
const QUEUE: &str = env!("CARGO_BIN_EXE_lesson-queue");
const PRODUCER_CONSUMER: &str = env!("CARGO_BIN_EXE_lesson-producer-consumer");

/// The `[[bin]]` names in lessons/Cargo.toml.
fn cargo_bins() -> Vec<String> {
    let manifest = include_str!("../Cargo.toml");
    let mut bins = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if let Some(name) = line.strip_prefix("name = \"").filter(|_| in_bin) {
            bins.push(name.trim_end_matches('"').to_string());
        }
    }
    bins
}

#[test]
fn every_listed_lesson_is_a_bin_unless_upcoming() {
    let bins = cargo_bins();
    for lesson in LESSONS {
        let is_bin = bins.iter().any(|bin| bin == lesson.bin);
        if lesson.upcoming {
            assert!(!is_bin, "{} is a [[bin]] now: set `upcoming: false` in LESSONS", lesson.bin);
        } else {
            assert!(is_bin, "{} is listed in LESSONS but is no [[bin]] in Cargo.toml", lesson.bin);
        }
    }
    for bin in bins.iter().filter(|bin| bin.as_str() != "lessons") {
        assert!(LESSONS.iter().any(|lesson| lesson.bin == bin), "[[bin]] {bin} is missing from LESSONS");
    }
}

#[test]
fn readme_lesson_rows_come_from_the_list() {
    let readme = include_str!("../../README.md");
    let rows: Vec<String> =
        LESSONS.iter().filter(|lesson| !lesson.upcoming).map(|l| l.readme_row()).collect();
    for line in readme.lines().filter(|line| line.starts_with("| `cargo run --bin lesson-")) {
        assert!(rows.iter().any(|row| row == line), "README row not in LESSONS (or out of date):\n{line}");
    }
}

#[test]
fn readme_lists_the_lessons_in_the_notes_order_and_says_knobs_go_after_dashes() {
    let readme = include_str!("../../README.md");
    let rows: Vec<&str> =
        readme.lines().filter(|line| line.starts_with("| `cargo run --bin lesson-")).collect();
    let expected: Vec<String> = LESSONS.iter().filter(|l| !l.upcoming).map(|l| l.readme_row()).collect();
    assert_eq!(rows, expected, "README's lesson table is not LESSONS, in order");
    assert!(readme.contains("Knobs go after `--`"), "README lacks the `--` rule");
    assert!(readme.contains("cargo run --bin lesson-race -- --threads 10 --seed 5"));
    // The notes' order is the exercises' folders' order.
    let sections: Vec<&str> = LESSONS.iter().map(|lesson| lesson.section).collect();
    let mut sorted = sections.clone();
    sorted.sort();
    assert_eq!(sections, sorted, "LESSONS is not in the notes' order");
    // The first command's comment promises what that lesson shows.
    let first = readme.lines().find(|line| line.starts_with("cargo run --bin lesson-")).unwrap();
    assert!(first.starts_with("cargo run --bin lesson-race ") && first.contains("lose updates"), "{first}");
}

/// Every lesson's header says how to run it, with its knobs after `--`
/// (cargo would reject `cargo run --bin lesson-race --seed 5`), and names
/// the notes' section it teaches.
#[test]
fn every_lesson_header_puts_knobs_after_dashes_and_names_its_section() {
    for lesson in LESSONS.iter().filter(|lesson| !lesson.upcoming) {
        let path = format!("{}/src/bin/{}.rs", env!("CARGO_MANIFEST_DIR"), lesson.bin);
        let source = std::fs::read_to_string(path).unwrap();
        let header: String =
            source.lines().take_while(|line| line.starts_with("//!")).collect::<Vec<_>>().join("\n");
        let with_knobs = format!("cargo run -q --bin {} -- --", lesson.bin);
        assert!(header.contains(&with_knobs), "{}: no `{with_knobs}` in its header", lesson.bin);
        assert!(!header.contains("(try `--"), "{}: knobs without `--` in its header", lesson.bin);
        let section = format!("The notes' section: {}.", lesson.section);
        assert!(header.contains(&section), "{}: its header does not say {section:?}", lesson.bin);
    }
}

#[test]
fn lessons_lists_every_lesson_with_its_command() {
    let (status, output) = run(INDEX, &[]);
    assert!(status.success(), "exit status {status}\n{output}");
    for lesson in LESSONS {
        assert!(output.contains(&format!(". {}", lesson.bin)), "{} not listed:\n{output}", lesson.bin);
        assert!(output.contains(lesson.summary), "{} lacks its summary:\n{output}", lesson.bin);
        assert!(output.contains(&format!("$ {}", lesson.command())), "{output}");
        let named = format!("notes section: {}; exercises: {}", lesson.section, lesson.exercise_list());
        assert!(output.contains(&named), "{} lacks its section and exercises:\n{output}", lesson.bin);
    }
    assert!(output.contains("knobs go after `--`"), "{output}");
    for bin in ["lesson-race", "lesson-lock", "lesson-deadlock", "lesson-rlock", "lesson-producer-consumer"] {
        assert!(output.contains(bin), "{bin} not listed:\n{output}");
    }
    let upcoming = LESSONS.iter().filter(|lesson| lesson.upcoming).count();
    assert_eq!(output.matches("(coming soon)").count(), upcoming, "{output}");

    let (status, markdown) = run(INDEX, &["--markdown"]);
    assert!(status.success(), "exit status {status}\n{markdown}");
    let rows: Vec<&str> = markdown.lines().skip(2).collect();
    let expected: Vec<String> =
        LESSONS.iter().filter(|lesson| !lesson.upcoming).map(|l| l.readme_row()).collect();
    assert_eq!(rows, expected);
}

#[test]
fn threads_shows_both_ways_names_join_and_the_daemon_cut_off() {
    let output = run_ok(THREADS, &[]);
    // From a function, with default and custom names; Rust's nameless spawn.
    for line in
        ["Thread-1: says hello", "Thread-2: says bonjour", "greeter: says hallo", "<no name>: says ciao"]
    {
        assert!(output.contains(line), "missing {line:?}:\n{output}");
    }
    // lockstep's join returns nothing, as Python's: the reply is left behind.
    assert!(
        output.contains("joined Thread-1; join() returned nothing, it left Some(\"Thread-1 said hello\")"),
        "{output}"
    );
    assert!(output.contains("its join() handed back \"<no name> said ciao\""), "{output}");
    // From a type with a run method.
    assert!(output.contains("Thread-3: adds 3, total = 6"), "{output}");
    assert!(output.contains("counter: adds 4, total = 10"), "{output}");
    assert!(output.contains("MainThread: counter finished: total = 10"), "{output}");
    // Who is alive: is_alive, active_count, enumerate; a std thread is a Dummy.
    assert!(output.contains("before start: waiter.is_alive() = false"), "{output}");
    assert!(output.contains("after start: waiter.is_alive() = true; active_count() = "), "{output}");
    assert!(output.contains("enumerate() = [MainThread, waiter]"), "{output}");
    assert!(output.contains("a std thread: current_thread() is <_DummyThread(Dummy-"), "{output}");
    assert!(output.contains("waiter.is_alive() = false; enumerate() = [MainThread]"), "{output}");
    // The non-daemon worker kept the child alive; the daemon was cut off.
    assert!(output.contains("child | worker: all steps done"), "{output}");
    assert!(output.contains("child | ticker: tick 1 "), "{output}");
    assert!(output.contains("main returns now"), "{output}");
    assert!(output.contains("with exit status: 0"), "{output}");
    assert!(number_after(&output, "was cut off after ") >= 1, "{output}");
}

#[test]
fn race_loses_updates_and_shows_not_in_list() {
    let (status, output) = run(RACE, &[]);
    assert!(status.success(), "exit status {status}\n{output}");
    assert_ne!(final_value(&output), 0, "no update was lost:\n{output}");
    assert!(output.contains("ValueError: list.remove(x): x not in list"), "{output}");
    assert!(output.contains("Thread-1: read num = "), "{output}");
    assert!(output.contains("What you saw"), "{output}");
}

#[test]
fn race_shows_its_point_for_other_seeds_and_knobs() {
    for seed in ["2", "3", "12345"] {
        let (status, output) = run(RACE, &["--seed", seed, "--threads", "20", "--items", "3", "--quiet"]);
        assert!(status.success(), "seed {seed}: exit status {status}\n{output}");
        assert_ne!(final_value(&output), 0, "seed {seed}:\n{output}");
        assert!(output.contains("x not in list"), "seed {seed}:\n{output}");
        assert!(!output.contains("Thread-1: read num"), "--quiet still narrated:\n{output}");
    }
}

#[test]
fn lock_keeps_every_update_and_shows_missed_release() {
    let (status, output) = run(LOCK, &[]);
    assert!(status.success(), "exit status {status}\n{output}");
    assert_eq!(final_value(&output), 0, "{output}");
    // Both forms ran.
    assert!(output.contains("[lock.acquire()] read num = "), "{output}");
    assert!(output.contains("[with lock:] read num = "), "{output}");
    // The missed release: the waiter timed out, a rescuer released.
    assert!(output.contains("Thread-2: gave up after"), "{output}");
    assert!(output.contains("MainThread: released; lock.locked() = false"), "{output}");
    assert!(output.contains("release unlocked lock"), "{output}");
    assert!(output.contains("What you saw"), "{output}");
}

#[test]
fn lock_accepts_seed_and_knobs() {
    let args = ["--seed", "7", "--threads", "10", "--pause-ms", "1", "--wait-ms", "50", "--quiet"];
    let (status, output) = run(LOCK, &args);
    assert!(status.success(), "exit status {status}\n{output}");
    assert_eq!(final_value(&output), 0, "{output}");
    assert!(output.contains("gave up after"), "{output}");
    assert!(output.contains("release unlocked lock"), "{output}");
}

#[test]
fn help_describes_the_knobs() {
    let common = ["--pause-ms", "--quiet"];
    for (binary, knobs) in [
        (THREADS, &["--steps"][..]),
        (RACE, &["--seed", "--threads", "--items"][..]),
        (LOCK, &["--seed", "--threads", "--wait-ms"][..]),
        (EVENT, &["--seed", "--workers", "--clients"][..]),
        (SEMAPHORE, &["--seed", "--threads", "--spaces"][..]),
        (QUEUE, &["--seed", "--tasks"][..]),
        (PRODUCER_CONSUMER, &["--seed", "--baozi", "--customers"][..]),
    ] {
        let knobs = common.iter().chain(knobs);
        let (status, output) = run(binary, &["--help"]);
        assert!(status.success(), "{binary} --help: exit status {status}");
        assert!(output.contains("Usage:"), "{output}");
        for knob in knobs {
            assert!(output.contains(knob), "{binary} --help lacks {knob}:\n{output}");
        }
    }
}

#[test]
fn bad_arguments_are_refused() {
    let (status, _) = run(RACE, &["--seed", "not-a-number"]);
    assert!(!status.success());
    let (status, _) = run(LOCK, &["--threads", "1"]);
    assert!(!status.success());
    for binary in [THREADS, EVENT, SEMAPHORE, QUEUE, PRODUCER_CONSUMER, INDEX] {
        let (status, _) = run(binary, &["--no-such-knob"]);
        assert!(!status.success(), "{binary} accepted --no-such-knob");
    }
}

/// Every lesson's "What you saw" ends by naming exercises that exist: the
/// lesson calls `your_turn` with its own name, and every exercise it lists
/// is in the exercises' catalog.
#[test]
fn every_lesson_ends_by_naming_its_exercises() {
    let catalog = include_str!("../../exercises/check/catalog.toml");
    for lesson in LESSONS.iter().filter(|lesson| !lesson.upcoming) {
        let source =
            std::fs::read_to_string(format!("{}/src/bin/{}.rs", env!("CARGO_MANIFEST_DIR"), lesson.bin))
                .unwrap();
        assert!(
            source.contains(&format!("your_turn(\"{}\")", lesson.bin)),
            "{} does not end its summary with your_turn(\"{}\")",
            lesson.bin,
            lesson.bin
        );
        // A lesson may have no exercise yet (the second half of the notes:
        // the pool server, Timer, the GIL); its your_turn then says nothing.
        for exercise in lesson.exercises {
            assert!(
                catalog.contains(&format!("name = \"{exercise}\"")),
                "{} names exercise {exercise}, which exercises/check/catalog.toml does not list",
                lesson.bin
            );
        }
    }
    let output = run_ok(LOCK, &[]);
    let last_point = output.lines().rev().find(|line| line.starts_with("- ")).unwrap();
    assert!(last_point.contains("Your turn") && last_point.contains("race_lock"), "{output}");
}
