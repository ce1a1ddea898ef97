//! Python's exit rule, watched from outside: `src/bin/exit_demo.rs` runs as
//! a child process. Its `main` returns while a non-daemon worker waits for
//! a line on stdin and a daemon loops forever. The child must stay alive
//! (main thread asleep in the exit hook) until the test sends the line,
//! then print "worker done" and exit 0, cutting the daemon off.
//!
//! No sleep orders anything: the test reads the child's lines, and knows
//! the child's main thread is waiting from `/proc` (its state `S` after it
//! printed "main returns"); the only time limits are generous bounds
//! against hangs.
#![cfg(all(target_os = "linux", not(any(loom, shuttle))))]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEMO: &str = env!("CARGO_BIN_EXE_lockstep-thread-exit-demo");
/// Far longer than any step needs; only a hang reaches it.
const HANG: Duration = Duration::from_secs(30);

/// The state letter of the child's main thread (`/proc/PID/task/PID/stat`),
/// `None` once the process is gone.
fn main_thread_state(child: &Child) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{0}/task/{0}/stat", child.id())).ok()?;
    // The state follows the command name, which is in parentheses.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Starts the demo in `mode`, waits until its main returned and its main
/// thread sleeps in the exit hook, then lets the worker finish. Returns
/// the exit code, stdout and stderr.
fn run(mode: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(DEMO)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the demo");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut seen = String::new();
    while !seen.contains("main returns") {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).expect("read the demo") > 0, "demo ended early:\n{seen}");
        seen.push_str(&line);
    }
    // Main has returned; with the exit rule it now sleeps until the worker
    // is done. Without it the process would end here.
    let begun = Instant::now();
    loop {
        match main_thread_state(&child) {
            Some('S') => break,
            // Still on its way (running, or in an uninterruptible step).
            Some('R' | 'D') if begun.elapsed() < HANG => std::thread::yield_now(),
            // Anything else (`Z`: it exited; `None`: it is gone) is the bug.
            state => panic!("the demo's main thread is not waiting for the worker ({state:?}):\n{seen}"),
        }
    }
    assert!(child.try_wait().expect("poll").is_none(), "the demo exited before its worker was done");
    child.stdin.take().expect("piped").write_all(b"go\n").expect("tell the worker");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("read the demo");
    let mut stderr = String::new();
    child.stderr.take().expect("piped").read_to_string(&mut stderr).expect("read stderr");
    let status = child.wait().expect("reap the demo");
    (status.code(), seen + &rest, stderr)
}

#[test]
fn main_returning_waits_for_the_non_daemon_worker_and_cuts_the_daemon_off() {
    let (code, stdout, stderr) = run("return");
    assert!(stdout.contains("daemon started"), "{stdout}");
    assert!(stdout.contains("worker done"), "the worker was cut off:\n{stdout}");
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}

#[test]
fn process_exit_waits_too() {
    let (code, stdout, stderr) = run("exit");
    assert!(stdout.contains("worker done"), "the worker was cut off:\n{stdout}");
    assert_eq!(code, Some(3), "{stdout}\n{stderr}");
}

#[test]
fn a_panicking_worker_is_reported_and_the_program_still_exits_0() {
    let (code, stdout, stderr) = run("panic-worker");
    assert!(!stdout.contains("worker done"), "{stdout}");
    assert!(stderr.contains("Exception in thread worker:\nworker failed\n"), "{stderr}");
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}

#[test]
fn a_panicking_excepthook_is_reported_never_propagated() {
    let (code, stdout, stderr) = run("hook-panics");
    assert!(!stdout.contains("worker done"), "{stdout}");
    assert!(stderr.contains("Exception in threading.excepthook:\nthe hook failed\n"), "{stderr}");
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
}
