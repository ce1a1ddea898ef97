//! `lesson-event` and `lesson-semaphore` show their points: the order in
//! which the threads were let through, and the semaphore's limit.

mod common;

use common::{number_after, run, run_ok};

const EVENT: &str = env!("CARGO_BIN_EXE_lesson-event");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_lesson-semaphore");

/// The index of the first line containing `text`.
fn line_of(lines: &[&str], text: &str) -> usize {
    lines.iter().position(|line| line.contains(text)).unwrap_or_else(|| panic!("no line with {text:?}"))
}

/// The indices of every line containing `text`.
fn lines_of(lines: &[&str], text: &str) -> Vec<usize> {
    lines.iter().enumerate().filter(|(_, line)| line.contains(text)).map(|(at, _)| at).collect()
}

#[test]
fn event_lets_workers_and_clients_through_only_after_set() {
    let output = run_ok(EVENT, &[]);
    let lines: Vec<&str> = output.lines().collect();

    // The boss and the workers: overtime after the first set, home after the second.
    let overtime = line_of(&lines, "BOSS: everybody works overtime tonight! event.set()");
    let home = line_of(&lines, "BOSS: 22:00, you may go home. event.set()");
    let sighs = lines_of(&lines, "the boss spoke: sigh, overtime");
    let cleared = lines_of(&lines, "work done; event.clear(), event.wait() again");
    let gone = lines_of(&lines, "Oh yeah, home!");
    assert_eq!((sighs.len(), cleared.len(), gone.len()), (3, 3, 3), "{output}");
    assert!(sighs.iter().all(|&at| at > overtime), "a worker worked before the boss spoke:\n{output}");
    assert!(cleared.iter().all(|&at| at < home), "a worker cleared after the second set:\n{output}");
    assert!(gone.iter().all(|&at| at > home), "a worker left before 22:00:\n{output}");

    // The server and the clients: every client connects after "ready".
    let ready = line_of(&lines, "server: ready; ready.set()");
    let connects = lines_of(&lines, "connects to the server");
    assert_eq!(connects.len(), 3, "{output}");
    assert!(connects.iter().all(|&at| at > ready), "a client connected before ready:\n{output}");
    assert_eq!(number_after(&output, "every client connected after the server said \"ready\" ("), 3);

    // wait_timeout is false while unset; wait and wait_timeout return at once once set.
    assert!(output.contains("ready.wait_timeout(50 ms) = false after"), "{output}");
    assert!(output.contains("late-client: ready.wait() returned at once"), "{output}");
    assert!(output.contains("late-client: ready.wait_timeout(1 s) = true"), "{output}");
}

#[test]
fn event_never_hangs_with_more_workers_and_no_pause() {
    for pause in ["0", "1"] {
        let args = ["--pause-ms", pause, "--workers", "8", "--clients", "6", "--quiet", "--seed", "4"];
        let output = run_ok(EVENT, &args);
        assert!(output.contains("sent all 8 of 8 home"), "pause {pause}:\n{output}");
        assert!(output.contains("said \"ready\" (6 of 6)"), "pause {pause}:\n{output}");
        assert!(!output.contains("working for"), "--quiet still narrated:\n{output}");
    }
}

#[test]
fn semaphore_never_lets_more_than_five_in_and_bounded_refuses_release() {
    let output = run_ok(SEMAPHORE, &[]);
    let max = number_after(&output, "Maximum occupancy: ");
    assert!(max <= 5, "{max} cars inside 5 spaces:\n{output}");
    // 100 cars start together and stay a while, so the lot fills up.
    assert_eq!(max, 5, "the lot never filled up:\n{output}");
    let mut parked = 0;
    for line in output.lines().filter(|line| line.contains(": parks: ")) {
        parked += 1;
        assert!(number_after(line, "parks:  ") <= 5, "{line}");
    }
    assert_eq!(parked, 100, "every car parks once:\n{output}");
    assert!(number_after(&output, "without the limit: up to ") > 5, "{output}");

    // The plain semaphore grows; the bounded one refuses and stays at 5.
    assert!(output.contains("accepted, plain.value() = 6"), "{output}");
    assert!(output.contains("release() once more: Err: Semaphore released too many times"), "{output}");
    assert!(output.contains("bounded.value() = 5 (unchanged)"), "{output}");
    assert!(output.contains("release(2): Err: Semaphore released too many times"), "{output}");
}

#[test]
fn semaphore_respects_other_sizes_and_seeds() {
    for seed in ["2", "99"] {
        let args = ["--seed", seed, "--spaces", "3", "--threads", "30", "--pause-ms", "2", "--quiet"];
        let output = run_ok(SEMAPHORE, &args);
        assert!(number_after(&output, "Maximum occupancy: ") <= 3, "seed {seed}:\n{output}");
        assert!(!output.contains(": parks: "), "--quiet still narrated:\n{output}");
        assert!(output.contains("BoundedSemaphore(3)"), "{output}");
        assert!(output.contains("bounded.value() = 3 (unchanged)"), "{output}");
    }
    let (status, _) = run(SEMAPHORE, &["--spaces", "0"]);
    assert!(!status.success(), "--spaces 0 was accepted");
}
