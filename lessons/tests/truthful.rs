//! Every summary says what happened in that run (issue 12, item 1): the
//! knob values that used to make the narration contradict the output, each
//! run through the binary, and the orderings the lessons promise.

mod common;

use common::{number_after, run_ok};

const RACE: &str = env!("CARGO_BIN_EXE_lesson-race");
const LOCK: &str = env!("CARGO_BIN_EXE_lesson-lock");
const EVENT: &str = env!("CARGO_BIN_EXE_lesson-event");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_lesson-semaphore");
const QUEUE: &str = env!("CARGO_BIN_EXE_lesson-queue");
const PRODUCER_CONSUMER: &str = env!("CARGO_BIN_EXE_lesson-producer-consumer");

/// The text after the "What you saw" heading.
fn summary(output: &str) -> &str {
    output.split("== What you saw ==").nth(1).unwrap_or_else(|| panic!("no summary:\n{output}"))
}

#[test]
fn race_with_no_pause_and_two_threads_says_what_it_lost() {
    for seed in ["1", "2", "3", "4"] {
        let output = run_ok(RACE, &["--pause-ms", "0", "--threads", "2", "--seed", seed]);
        let lost = number_after(&output, "Final value: num = ");
        let said = summary(&output);
        assert!(!said.contains("not 0: 0 of"), "seed {seed}:\n{output}");
        if lost == 0 {
            assert!(said.contains("No update was lost this time"), "seed {seed}:\n{output}");
            assert!(said.contains("--pause-ms 0"), "the knob that hid it is not named:\n{output}");
            assert!(!said.contains("updates were lost"), "seed {seed}:\n{output}");
        } else {
            assert!(said.contains(&format!("{lost} of the 2 updates were lost")), "seed {seed}:\n{output}");
        }
        let failed = number_after(&output, "failed removes: ");
        if failed == 0 {
            assert!(said.contains("no remove failed this time"), "seed {seed}:\n{output}");
            assert!(!said.contains("time(s)"), "seed {seed}:\n{output}");
        } else {
            assert!(said.contains(&format!("x not in list' {failed} time(s)")), "seed {seed}:\n{output}");
        }
    }
}

#[test]
fn queue_with_no_pause_says_whether_the_list_went_wrong() {
    for seed in ["1", "2", "3"] {
        let output = run_ok(QUEUE, &["--pause-ms", "0", "--seed", seed]);
        let list = output.split("Part 1b").next().expect("part 1a comes first");
        let clean = list.contains("done more than once: []; never done: []");
        let said = summary(&output);
        if clean {
            assert!(said.contains("No task was repeated or lost this time"), "seed {seed}:\n{output}");
            assert!(said.contains("--pause-ms 0"), "seed {seed}:\n{output}");
            assert!(!said.contains("worked on the same task"), "seed {seed}:\n{output}");
        } else {
            assert!(said.contains("worked on the same task"), "seed {seed}:\n{output}");
        }
    }
}

#[test]
fn lock_explains_the_pause_it_was_given() {
    let output = run_ok(LOCK, &["--pause-ms", "0", "--threads", "10", "--wait-ms", "50"]);
    let said = summary(&output);
    assert!(!said.contains("the default pause"), "{output}");
    assert!(said.contains("With --pause-ms 0 there was no pause"), "{output}");
    assert!(said.contains("with no pause this time (--pause-ms 0)"), "{output}");

    let output = run_ok(LOCK, &["--pause-ms", "3", "--threads", "10", "--wait-ms", "50"]);
    let said = summary(&output);
    assert!(said.contains("about 10 threads × the 3 ms pause ≈ 0.03 s"), "{output}");
    assert!(said.contains("although each thread still paused"), "{output}");
}

/// The number `text` starts with.
fn leading_number(text: &str) -> usize {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number at the start of {text:?}"))
}

/// The index of the first line containing `text`.
fn line_of(lines: &[&str], text: &str) -> usize {
    lines.iter().position(|line| line.contains(text)).unwrap_or_else(|| panic!("no line with {text:?}"))
}

/// The indices of every line containing `text`.
fn lines_of(lines: &[&str], text: &str) -> Vec<usize> {
    lines.iter().enumerate().filter(|(_, line)| line.contains(text)).map(|(at, _)| at).collect()
}

#[test]
fn event_shows_every_waiter_waiting_before_the_set_every_run() {
    for run in 0..10 {
        let pause = if run % 2 == 0 { "0" } else { "2" };
        let output = run_ok(EVENT, &["--pause-ms", pause, "--workers", "4", "--clients", "4"]);
        let lines: Vec<&str> = output.lines().collect();
        let set = line_of(&lines, "BOSS: everybody works overtime tonight! event.set()");
        let waiting = lines_of(&lines, "event.wait(): waiting for the boss");
        assert_eq!(waiting.len(), 4, "{output}");
        assert!(waiting.iter().all(|&at| at < set), "a worker waited after the set (run {run}):\n{output}");
        let ready = line_of(&lines, "server: ready; ready.set()");
        let clients = lines_of(&lines, "waiting for the server");
        assert_eq!(clients.len(), 3, "{output}");
        assert!(clients.iter().all(|&at| at < ready), "a client waited after ready (run {run}):\n{output}");
        assert!(output.matches("still waiting").count() <= 10, "--pause-ms {pause} floods:\n{output}");
    }
}

#[test]
fn semaphore_occupancy_lines_come_in_order() {
    for seed in ["1", "2", "3", "4", "5"] {
        let output = run_ok(SEMAPHORE, &["--seed", seed, "--threads", "60", "--pause-ms", "2"]);
        let mut inside = 0;
        for line in output.lines() {
            if let Some((_, rest)) = line.split_once(": parks:  ") {
                inside += 1;
                assert_eq!(leading_number(rest), inside, "out of order at {line:?}:\n{output}");
            } else if let Some((_, rest)) = line.split_once(": leaves: ") {
                inside -= 1;
                assert_eq!(leading_number(rest), inside, "out of order at {line:?}:\n{output}");
            }
        }
        assert_eq!(inside, 0, "{output}");
    }
}

#[test]
fn semaphore_says_full_only_when_it_filled_and_compares_only_a_bigger_crowd() {
    for seed in ["1", "2", "3", "4", "5"] {
        let output = run_ok(SEMAPHORE, &["--pause-ms", "0", "--seed", seed]);
        let said = summary(&output);
        let most = number_after(said, "the most inside was ");
        if most < 5 {
            // Not "found it full" next to a lot that never showed 5 parked.
            assert!(!said.contains("cars found it full"), "seed {seed}:\n{output}");
            assert!(said.contains("it did not fill up this time"), "seed {seed}:\n{output}");
        }
        if said.contains("Without the limit up to ") {
            assert!(number_after(said, "Without the limit up to ") > 5, "seed {seed}:\n{output}");
        } else {
            assert!(said.contains("no more than the limit"), "seed {seed}:\n{output}");
        }
    }
}

#[test]
fn producer_consumer_says_put_waited_only_when_the_counter_filled() {
    // Three baozi fit on a counter of five: put() never waits.
    let output = run_ok(PRODUCER_CONSUMER, &["--baozi", "3", "--quiet"]);
    let said = summary(&output);
    assert!(!said.contains("put() waited"), "{output}");
    assert!(said.contains("never filled this run (--baozi 3 all fit on it)"), "{output}");
    // The defaults: the cook is faster, and the summary counts its waits.
    let output = run_ok(PRODUCER_CONSUMER, &["--quiet"]);
    let said = summary(&output);
    assert!(said.contains("put() waited while the counter held 5"), "{output}");
    assert!(number_after(said, "the cook found it full ") >= 1, "{output}");
}
