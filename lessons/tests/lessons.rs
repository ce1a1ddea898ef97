//! Runs the built lesson binaries and checks that each shows its point.
//!
//! The only time limit is a generous kill-timeout against hangs; nothing
//! here asserts how fast a lesson runs.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A lesson that has not finished after this long is hung: kill it.
const HANG_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `binary` with `args`; returns its exit status and stdout. Panics
/// (after killing it) if it runs longer than [`HANG_TIMEOUT`].
fn run(binary: &str, args: &[&str]) -> (ExitStatus, String) {
    let mut child = Command::new(binary)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {binary}: {error}"));
    // Read the pipes on other threads, so a full pipe can't stall the child.
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            break status;
        }
        if started.elapsed() > HANG_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{binary} {args:?} still running after {HANG_TIMEOUT:?}: hung");
        }
        thread::sleep(Duration::from_millis(20)); // polling interval only
    };
    let stderr = stderr.join().expect("stderr reader");
    if !status.success() {
        eprintln!("{binary} {args:?} exited with {status}; its stderr:\n{stderr}");
    }
    (status, stdout.join().expect("stdout reader"))
}

/// Reads `pipe` to the end on a new thread.
fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).expect("output is UTF-8");
        text
    })
}

/// The number after `Final value: num = ` in a lesson's output.
fn final_value(output: &str) -> i64 {
    let rest =
        output.split("Final value: num = ").nth(1).unwrap_or_else(|| panic!("no final value in:\n{output}"));
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    digits.parse().unwrap_or_else(|_| panic!("bad final value in:\n{output}"))
}

const RACE: &str = env!("CARGO_BIN_EXE_lesson-race");
const LOCK: &str = env!("CARGO_BIN_EXE_lesson-lock");

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
    for (binary, knobs) in [
        (RACE, &["--seed", "--threads", "--pause-ms", "--items", "--quiet"][..]),
        (LOCK, &["--seed", "--threads", "--pause-ms", "--wait-ms", "--quiet"][..]),
    ] {
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
}
