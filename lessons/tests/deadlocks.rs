//! `lesson-deadlock` and `lesson-rlock` show their points: the detector's
//! report names every thread and lock of the cycle, the rescue leaves no
//! thread blocked (the lesson exits 0), and every fix runs to completion.

mod common;

use common::{number_after, run, run_ok};

const DEADLOCK: &str = env!("CARGO_BIN_EXE_lesson-deadlock");
const RLOCK: &str = env!("CARGO_BIN_EXE_lesson-rlock");

/// One thread of a reported cycle: `thread holds lock and waits for lock`.
#[derive(Debug, PartialEq, Eq)]
struct Link {
    thread: String,
    holds: String,
    waits_for: String,
}

/// The cycle after `deadlock::check() found: `, split into its links.
fn reported_cycle(output: &str) -> Vec<Link> {
    let report = output
        .lines()
        .find_map(|line| line.strip_prefix("MainThread: deadlock::check() found: "))
        .unwrap_or_else(|| panic!("no deadlock report in:\n{output}"));
    report
        .split("; ")
        .map(|link| {
            let (thread, rest) = link.split_once(" holds ").unwrap_or_else(|| panic!("bad link {link:?}"));
            let (holds, waits_for) =
                rest.split_once(" and waits for ").unwrap_or_else(|| panic!("bad link {link:?}"));
            Link { thread: thread.into(), holds: holds.into(), waits_for: waits_for.into() }
        })
        .collect()
}

/// Checks part 1 of lesson-deadlock and every fix, for a run with `threads`.
fn assert_deadlock_lesson(output: &str, threads: usize) {
    // The report: two threads, each holding one of lockA/lockB and waiting
    // for the other's.
    let cycle = reported_cycle(output);
    assert_eq!(cycle.len(), 2, "{output}");
    let (first, second) = (&cycle[0], &cycle[1]);
    assert_ne!(first.thread, second.thread, "{output}");
    for link in &cycle {
        assert!(link.thread.starts_with("Thread-"), "{output}");
        assert_ne!(link.holds, link.waits_for, "{output}");
        assert!(["lockA", "lockB"].contains(&link.holds.as_str()), "{output}");
    }
    assert_eq!((&first.waits_for, &second.waits_for), (&second.holds, &first.holds), "{output}");
    // In plain words, naming both threads and both locks.
    for (link, next) in [(first, second), (second, first)] {
        let plain = format!(
            "    {} holds {} and lets go of it only after it gets {}, which {} holds.",
            link.thread, link.holds, link.waits_for, next.thread
        );
        assert!(output.contains(&plain), "missing {plain:?}:\n{output}");
    }
    // The rescue releases the lock of the report's first thread, and
    // leaves both locks free and every thread joined.
    let rescue = format!("then {}.release() for {}", first.holds, first.thread);
    assert!(output.contains(&rescue), "missing {rescue:?}:\n{output}");
    let joined = format!(
        "all {threads} threads joined; lockA.locked() = false, lockB.locked() = false; 0 of {} calls",
        2 * threads
    );
    assert!(output.contains(&joined), "missing {joined:?}:\n{output}");
    // Every fix completed every call; fix (c) had to retry at least once.
    let calls = 2 * threads;
    for fix in ["fix (a): ", "fix (b): ", "fix (c): "] {
        let label = format!("MainThread: {fix}");
        assert_eq!(number_after(output, &label), calls, "{fix}:\n{output}");
        assert!(output.contains(&format!("{fix}{calls} of {calls} ")), "{fix}:\n{output}");
    }
    let fix_c = output.lines().find(|line| line.starts_with("MainThread: fix (c): ")).expect("fix (c)");
    assert!(number_after(fix_c, ", after ") >= 1, "no retry in fix (c):\n{output}");
    assert!(output.contains("A rescue, not a fix."), "{output}");
}

#[test]
fn deadlock_is_reported_rescued_and_fixed_three_ways() {
    let output = run_ok(DEADLOCK, &[]);
    assert_deadlock_lesson(&output, 5);
    // The narration: the barrier, the blocked threads, the stopped threads.
    assert!(output.contains("barrier.wait()"), "{output}");
    assert!(output.contains("deadlock::blocked(): "), "{output}");
    assert!(output.contains("wait behind the circle"), "{output}");
    assert!(output.contains("recursion_count() = 2): done"), "{output}");
    assert!(output.contains("timed out: release "), "{output}");
    assert!(!output.contains("RuntimeError"), "a release failed:\n{output}");
}

#[test]
fn deadlock_happens_with_two_threads_and_other_seeds() {
    let output = run_ok(DEADLOCK, &["--seed", "9", "--threads", "2"]);
    assert_deadlock_lesson(&output, 2);
    assert!(!output.contains("wait behind the circle"), "only two threads:\n{output}");

    let args = ["--seed", "12345", "--threads", "3", "--pause-ms", "1", "--detect-ms", "50", "--quiet"];
    let output = run_ok(DEADLOCK, &args);
    assert_deadlock_lesson(&output, 3);
    assert!(!output.contains("Thread-1: doA"), "--quiet still narrated:\n{output}");
}

#[test]
fn rlock_reports_the_self_deadlock_counts_and_nests() {
    let output = run_ok(RLOCK, &[]);
    // Part 1: a cycle of one thread, rescued; the Lock held it once.
    let cycle = reported_cycle(&output);
    let expected = Link { thread: "Thread-1".into(), holds: "lockA".into(), waits_for: "lockA".into() };
    assert_eq!(cycle, [expected], "{output}");
    assert!(output.contains("rescue: lockA.release() for Thread-1"), "{output}");
    assert!(output.contains("Thread-1: lockA.release(): Ok"), "{output}");
    assert!(output.contains("lockA.release() again: RuntimeError: release unlocked lock"), "{output}");
    assert!(output.contains("Thread-1 joined; lockA.locked() = false"), "{output}");
    // Part 2: the counts at each level, both forms; only the owner releases.
    for count in 0..=3 {
        assert!(output.contains(&format!("recursion_count() = {count}")), "no count {count}:\n{output}");
    }
    assert!(output.contains("recursion_count() went 1, 2, 3, 2, 1, 0."), "{output}");
    assert!(output.contains("other: rlock.try_acquire() = false"), "{output}");
    assert!(
        output.contains("other: rlock.release(): RuntimeError: cannot release un-acquired lock"),
        "{output}"
    );
    // Part 3: every thread done, doB nested in doA at depth 2.
    assert!(
        output.contains("5 of 5 threads done: 5 doA calls, 10 doB calls (5 of them inside doA)"),
        "{output}"
    );
    assert_eq!(output.matches(": done\n").count(), 5, "{output}");
    assert_eq!(output.matches("doB (inside doA): with lock: recursion_count() = 2").count(), 5, "{output}");
}

#[test]
fn rlock_accepts_seed_and_knobs() {
    let args = ["--seed", "4", "--threads", "8", "--pause-ms", "1", "--detect-ms", "20", "--quiet"];
    let output = run_ok(RLOCK, &args);
    assert_eq!(reported_cycle(&output).len(), 1, "{output}");
    assert!(
        output.contains("8 of 8 threads done: 8 doA calls, 16 doB calls (8 of them inside doA)"),
        "{output}"
    );
    assert!(!output.contains("doA: with lock"), "--quiet still narrated:\n{output}");
}

#[test]
fn help_describes_the_knobs_and_bad_values_are_refused() {
    for binary in [DEADLOCK, RLOCK] {
        let (status, output) = run(binary, &["--help"]);
        assert!(status.success(), "{binary} --help: exit status {status}");
        for knob in ["--seed", "--threads", "--pause-ms", "--detect-ms", "--quiet"] {
            assert!(output.contains(knob), "{binary} --help lacks {knob}:\n{output}");
        }
        assert!(output.contains("[default: 5]"), "{binary}: --threads defaults to 5:\n{output}");
        for bad in [&["--threads", "1"][..], &["--no-such-knob"], &["--detect-ms", "soon"]] {
            let (status, _) = run(binary, bad);
            assert!(!status.success(), "{binary} accepted {bad:?}");
        }
    }
    let (status, _) = run(DEADLOCK, &["--threads", "11"]);
    assert!(!status.success(), "lesson-deadlock accepted --threads 11");
}
