//! Pacing that does not change the demo (issue 12, item 4): `--speed`
//! replays the display slower, `--pause-parts` waits for Enter before each
//! part and `--step` before each line, while the lesson runs at its own
//! speed: its point, its lines and its own run time stay the same. The
//! tests drive stdin.

mod common;

use common::run_with;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const LOCK: &str = env!("CARGO_BIN_EXE_lesson-lock");
const EVENT: &str = env!("CARGO_BIN_EXE_lesson-event");

/// The lines of `output` without the run-time line and the prompts, and
/// with each thread's narrated lines sorted (their order between threads
/// is the scheduler's).
fn content(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = output
        .lines()
        .filter(|line| !line.starts_with("(finished in") && *line != "(press Enter to go on)")
        .filter(|line| !line.contains(" ms") && !line.contains(" s,") && !line.contains(" s:"))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The lesson's own run time, from `(finished in 0.23 s)`.
fn lesson_time(output: &str) -> f64 {
    let rest = output.split("(finished in ").nth(1).unwrap_or_else(|| panic!("no run time:\n{output}"));
    rest.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn speed_replays_the_display_slower_and_changes_nothing_else() {
    let args = ["--threads", "10", "--wait-ms", "100", "--quiet"];
    let (status, plain, _) = run_with(LOCK, &args, &[], None);
    assert!(status.success());
    let begun = Instant::now();
    let slow_args: Vec<&str> = args.iter().copied().chain(["--speed", "0.25"]).collect();
    let (status, slow, _) = run_with(LOCK, &slow_args, &[], None);
    let shown_in = begun.elapsed().as_secs_f64();
    assert!(status.success());
    assert_eq!(content(&slow), content(&plain), "the replay changed the lines");
    assert!(slow.contains("Final value: num = 0"), "{slow}");
    // The lesson ran at its own speed; its display took about 4 times as long.
    let ran_in = lesson_time(&slow);
    assert!(ran_in < 1.0, "the lesson itself slowed down: {ran_in} s\n{slow}");
    assert!(shown_in >= 3.0 * ran_in, "shown in {shown_in:.2} s, run in {ran_in:.2} s");
    for bad in ["0", "2", "fast"] {
        let (status, _, _) = run_with(LOCK, &["--speed", bad], &[], None);
        assert!(!status.success(), "--speed {bad} was accepted");
    }
}

/// Runs `binary` with `args`, stdin a pipe held open: records each stdout
/// line with when it came; after `hold`, sends `enters` newlines and
/// closes stdin. Returns the lines that came before the Enters, and all.
fn drive(binary: &str, args: &[&str], hold: Duration, enters: usize) -> (Vec<String>, Vec<String>) {
    let mut child = Command::new(binary)
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the lesson");
    let stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        BufReader::new(stdout).lines().map_while(Result::ok).map(|line| (Instant::now(), line)).collect()
    });
    let mut stdin = child.stdin.take().unwrap();
    thread::sleep(hold);
    let pressed = Instant::now();
    for _ in 0..enters {
        let _ = stdin.write_all(b"\n");
        let _ = stdin.flush();
        thread::sleep(Duration::from_millis(20));
    }
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{binary} {args:?}: {status}");
    let lines: Vec<(Instant, String)> = reader.join().unwrap();
    let before = lines.iter().filter(|(at, _)| *at < pressed).map(|(_, line)| line.clone()).collect();
    (before, lines.into_iter().map(|(_, line)| line).collect())
}

#[test]
fn pause_parts_shows_one_part_until_enter() {
    let (plain_status, plain, _) = run_with(EVENT, &["--quiet"], &[], None);
    assert!(plain_status.success());
    let (before, all) = drive(EVENT, &["--quiet", "--pause-parts"], Duration::from_millis(1500), 5);
    // Before Enter: part 1 only (its lesson ran long ago), and the prompt.
    let before = before.join("\n");
    assert!(before.contains("== Part 1: the boss and 3 workers =="), "{before}");
    assert!(before.ends_with("(press Enter to go on)"), "{before}");
    assert!(!before.contains("Part 2"), "part 2 was shown before Enter:\n{before}");
    // After: every part, the same lines as without pacing, one prompt per part after the first.
    let all = all.join("\n");
    assert_eq!(content(&all), content(&plain), "{all}");
    assert_eq!(all.matches("(press Enter to go on)").count(), plain.matches("== ").count() - 1, "{all}");
    assert!(lesson_time(&all) < 1.4, "the lesson waited for Enter:\n{all}");
}

#[test]
fn step_shows_one_line_per_enter_and_finishes_when_input_ends() {
    let (before, all) = drive(EVENT, &["--quiet", "--step"], Duration::from_millis(1000), 3);
    // Before any Enter: the first batch only (the first part's title).
    assert_eq!(before, ["", "== Part 1: the boss and 3 workers =="], "{before:?}");
    // Then three Enters, three more lines; once stdin ended, the rest came at once.
    let (status, plain, _) = run_with(EVENT, &["--quiet"], &[], None);
    assert!(status.success());
    assert_eq!(content(&all.join("\n")), content(&plain));
    // With no input at all, --step and --pause-parts do not wait.
    for knob in ["--step", "--pause-parts"] {
        let (status, output, _) = run_with(EVENT, &["--quiet", knob], &[], None);
        assert!(status.success() && output.contains("What you saw"), "{knob}:\n{output}");
    }
}
