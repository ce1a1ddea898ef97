//! `--play`, you are the scheduler (issue 12, item 6): the student picks
//! which thread takes its next step, on stdin, until the lost update
//! (`lesson-race`) or the deadlock (`lesson-deadlock`); or asks for a hint,
//! or gives up. Every script ends the lesson: nothing is left hanging.

mod common;

use common::run_with;

const RACE: &str = env!("CARGO_BIN_EXE_lesson-race");
const DEADLOCK: &str = env!("CARGO_BIN_EXE_lesson-deadlock");

/// Plays `binary --play` with `moves` (one per line); its stdout.
fn play(binary: &str, moves: &[&str]) -> String {
    let input: String = moves.iter().map(|line| format!("{line}\n")).collect();
    let (status, output, stderr) = run_with(binary, &["--play"], &[], Some(&input));
    assert!(status.success(), "{binary} --play {moves:?}: {status}\n{output}\n{stderr}");
    assert!(output.contains("What you saw") && output.contains("Your turn"), "{output}");
    output
}

#[test]
fn race_play_loses_an_update_when_both_read_first() {
    let output = play(RACE, &["1", "2", "1", "2"]);
    assert!(output.contains("Thread-1: temp = num: read 2"), "{output}");
    assert!(output.contains("Thread-2: temp = num: read 2"), "{output}");
    assert!(output.contains("state: num = 1; Thread-1's temp = 2, Thread-2's temp = 2"), "{output}");
    assert!(output.contains("You did it: both threads subtracted 1 from 2, yet num = 1"), "{output}");
}

#[test]
fn race_play_says_so_when_no_update_was_lost() {
    let output = play(RACE, &["1", "1", "2", "2"]);
    assert!(output.contains("Thread-2: temp = num: read 1"), "{output}");
    assert!(output.contains("num = 0: no update was lost"), "{output}");
    // A finished thread cannot step; nonsense is refused; a hint; giving up.
    let output = play(RACE, &["1", "1", "1", "x", "h", "q"]);
    assert!(output.contains("Thread-1 cannot step now: pick another thread"), "{output}");
    assert!(output.contains("\"x\"? type a thread's number, h or q"), "{output}");
    assert!(output.contains("hint: let Thread-1 read"), "{output}");
    assert!(output.contains("You stopped before an update was lost"), "{output}");
    // The input ends: the same as giving up.
    assert!(play(RACE, &[]).contains("You stopped before an update was lost"));
}

#[test]
fn deadlock_play_deadlocks_when_each_takes_its_first_lock() {
    let output = play(DEADLOCK, &["1", "2", "1", "2"]);
    assert!(output.contains("Thread-1 is blocked: its step waits for a lock"), "{output}");
    assert!(output.contains("2. Thread-2: blocked in lockA.acquire()"), "{output}");
    assert!(
        output.contains(
            "You did it: Thread-1 holds lockA and waits for lockB; Thread-2 holds lockB and waits for lockA"
        ),
        "{output}"
    );
    assert!(output.contains("MainThread: rescue: lockA.release()"), "{output}");
}

#[test]
fn deadlock_play_ends_cleanly_however_the_student_plays() {
    // One thread takes both locks first: no deadlock.
    let output = play(DEADLOCK, &["1", "1", "1", "2", "2", "2"]);
    assert!(output.contains("Both threads finished"), "{output}");
    // Giving up with one thread blocked and the other holding a lock.
    let output = play(DEADLOCK, &["1", "2", "1", "q"]);
    assert!(output.contains("You stopped before the deadlock"), "{output}");
    assert!(output.contains("MainThread: rescue: lockB.release()"), "{output}");
    // A blocked thread cannot be stepped again.
    let output = play(DEADLOCK, &["1", "2", "1", "1", "q"]);
    assert!(output.contains("Thread-1 cannot step now"), "{output}");
}
