//! The two new lessons (issue 12, item 7) show their points:
//! `lesson-condition` (wait in a predicate loop, notify vs notify_all, a
//! lost wake-up) and `lesson-barrier` (a rendezvous, abort, a timeout).

mod common;

use common::{number_after, run_ok};

const CONDITION: &str = env!("CARGO_BIN_EXE_lesson-condition");
const BARRIER: &str = env!("CARGO_BIN_EXE_lesson-barrier");

#[test]
fn condition_feeds_everyone_wakes_one_then_all_and_loses_a_wakeup() {
    let output = run_ok(CONDITION, &[]);
    assert!(output.contains("MainThread: 12 of 12 baozi eaten"), "{output}");
    assert!(output.contains("Cook: made all 12; closed = True; cond.notify_all()"), "{output}");
    assert_eq!(output.matches("the shop is closed and the tray empty: going home").count(), 3, "{output}");
    // notify(1) wakes one, notify_all the other two.
    assert!(output.contains("MainThread: 1 woke; 2 still waiting"), "{output}");
    assert!(output.contains("notify(1) woke 1 of 3 waiters; notify_all() woke the other 2"), "{output}");
    // The lost wake-up, and the check that avoids it.
    assert!(output.contains("Late-1: wait returned false after "), "{output}");
    assert!(output.contains("tray = 1: a lost wake-up"), "{output}");
    assert!(output.contains("Late-2: tray is 1: took the baozi at once"), "{output}");
    assert!(output.contains("slept through 300 ms with a baozi on the tray"), "{output}");
    assert!(output.contains("Your turn") && output.contains("`lost_wakeup`"), "{output}");
}

#[test]
fn condition_says_truthfully_whether_a_wakeup_found_the_tray_empty() {
    for seed in ["1", "2", "3"] {
        let args =
            ["--pause-ms", "0", "--customers", "5", "--baozi", "60", "--wait-ms", "20", "--seed", seed];
        let output = run_ok(CONDITION, &args);
        assert!(output.contains("MainThread: 60 of 60 baozi eaten"), "{output}");
        let empty = number_after(&output, "baozi eaten; ");
        if empty == 0 {
            assert!(output.contains("This run no woken customer found the tray empty"), "{output}");
        } else {
            assert!(output.contains(&format!("{empty} time(s) a woken customer found")), "{output}");
        }
        assert!(output.contains("notify(1) woke 1 of 5 waiters; notify_all() woke the other 4"), "{output}");
    }
}

#[test]
fn barrier_lets_nobody_through_early_breaks_on_abort_and_timeout() {
    for args in [&[][..], &["--runners", "7", "--pause-ms", "0", "--seed", "5"]] {
        let output = run_ok(BARRIER, args);
        let runners = if args.is_empty() { 4 } else { 7 };
        let lines: Vec<&str> = output.lines().collect();
        let arrivals: Vec<usize> =
            (0..lines.len()).filter(|&at| lines[at].contains(": at the start line (")).collect();
        let departures: Vec<usize> =
            (0..lines.len()).filter(|&at| lines[at].contains(": running!")).collect();
        assert_eq!((arrivals.len(), departures.len()), (runners, runners), "{output}");
        let last = *arrivals.last().unwrap();
        assert!(departures.iter().all(|&at| at > last), "a runner left before the last arrived:\n{output}");
        assert!(output.contains("the last to arrive runs the action: \"Go!\""), "{output}");
        assert!(output.contains("runners that left before all"), "{output}");
        assert_eq!(number_after(&output, "had arrived: "), 0, "{output}");
        // abort() frees every waiter; reset() mends it.
        let freed = format!("abort() freed {} of the {} waiting threads", runners - 1, runners - 1);
        assert!(output.contains(&freed), "{output}");
        assert!(output.contains("MainThread: after reset(): barrier.broken() = false"), "{output}");
        // A timeout breaks it for both, and for a late third.
        assert_eq!(output.matches("BrokenBarrierError: the barrier is broken after").count(), 2, "{output}");
        assert!(output.contains("the third, late: BrokenBarrierError"), "{output}");
        assert!(output.contains("`rendezvous`"), "{output}");
    }
}
