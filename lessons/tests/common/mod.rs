//! What every lesson test needs: run a built lesson binary, with a generous
//! kill-timeout against hangs, and look at its output.
//!
//! The only time limit is that kill-timeout; nothing here asserts how fast
//! a lesson runs.

// Each test file uses some of these, none uses all.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A lesson that has not finished after this long is hung: kill it.
pub const HANG_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `binary` with `args`; returns its exit status and stdout. Panics
/// (after killing it) if it runs longer than [`HANG_TIMEOUT`].
pub fn run(binary: &str, args: &[&str]) -> (ExitStatus, String) {
    let (status, stdout, stderr) = run_full(binary, args);
    if !status.success() {
        eprintln!("{binary} {args:?} exited with {status}; its stderr:\n{stderr}");
    }
    (status, stdout)
}

/// [`run`], returning stderr too.
pub fn run_full(binary: &str, args: &[&str]) -> (ExitStatus, String, String) {
    run_with(binary, args, &[], None)
}

/// [`run_full`] with these environment variables set and, if `input` is
/// given, that text on stdin (then end of file; else stdin is empty).
/// Colour variables of the caller's environment are removed first, so
/// colour is on only where a test asks for it.
pub fn run_with(
    binary: &str,
    args: &[&str],
    env: &[(&str, &str)],
    input: Option<&str>,
) -> (ExitStatus, String, String) {
    let mut command = Command::new(binary);
    for variable in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        command.env_remove(variable);
    }
    let mut child = command
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {binary}: {error}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.unwrap_or_default().to_string();
    // A writer of its own, so a child that reads slowly cannot stall us;
    // dropping stdin at the end is the end of file.
    thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
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
    (status, stdout.join().expect("stdout reader"), stderr)
}

/// Runs `binary` with `args`, asserts that it exited 0 and said "What you
/// saw", and returns its stdout.
pub fn run_ok(binary: &str, args: &[&str]) -> String {
    let (status, output) = run(binary, args);
    assert!(status.success(), "{binary} {args:?}: exit status {status}\n{output}");
    assert!(output.contains("What you saw"), "{binary} {args:?}: no summary\n{output}");
    output
}

/// Reads `pipe` to the end on a new thread.
fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).expect("output is UTF-8");
        text
    })
}

/// The number that follows `label` in `output` (its first occurrence).
pub fn number_after(output: &str, label: &str) -> usize {
    let rest = output.split(label).nth(1).unwrap_or_else(|| panic!("no {label:?} in:\n{output}"));
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number after {label:?} in:\n{output}"))
}
