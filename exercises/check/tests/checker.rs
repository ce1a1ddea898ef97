//! The checker's own verdicts: each kind of failure is reported, quickly,
//! with the words a student needs, and a correct run passes.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lockstep::{Event, Lock};
use lockstep_check::{Crew, Occupancy, blocks, completes, model, step};

/// The paragraph a failing check unwinds with.
fn verdict(check: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(check)).expect_err("the check should have failed");
    payload.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn a_deadlock_is_reported_at_once_with_its_cycle() {
    let started = Instant::now();
    let text = verdict(|| {
        let (a, b) = (Arc::new(Lock::named("lockA")), Arc::new(Lock::named("lockB")));
        let both = Arc::new(lockstep::Barrier::new(2));
        let mut crew = Crew::new("both to finish").deadlock_hint(2);
        for (name, first, second) in [("doA", &a, &b), ("doB", &b, &a)] {
            let (first, second, both) = (Arc::clone(first), Arc::clone(second), Arc::clone(&both));
            crew.spawn(name, move || {
                let _one = first.lock();
                let _ = both.wait();
                let _two = second.lock();
            });
        }
        crew.join();
    });
    assert!(text.contains("deadlock: expected both to finish"), "{text}");
    assert!(text.contains("doA holds lockA and waits for lockB"), "{text}");
    assert!(text.contains("Read hint 2"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(4), "reported after {:?}", started.elapsed());
}

#[test]
fn a_thread_waiting_for_a_lock_it_holds_is_told_so() {
    let text = verdict(|| {
        let lock = Arc::new(Lock::named("tree_lock"));
        let mut crew = Crew::new("the walk to finish").deadlock_hint(1);
        crew.spawn("du-self", move || {
            let _outer = lock.lock();
            let _inner = lock.lock();
        });
        crew.join();
    });
    assert!(text.contains("deadlock: expected the walk to finish"), "{text}");
    assert!(text.contains("du-self waits for tree_lock, which it holds itself"), "{text}");
    assert!(text.contains("du-self holds tree_lock and waits for tree_lock"), "{text}");
}

#[test]
fn a_hang_is_reported_at_the_limit_naming_who_waits_on_what() {
    let held = Arc::new(Lock::named("ledger"));
    let never = Arc::new(Event::new());
    let started = Instant::now();
    let text = verdict(|| {
        let mut crew = Crew::new("every clerk to finish")
            .hang_is("lock never released", 3)
            .limit(Duration::from_millis(300));
        held.acquire();
        let lock = Arc::clone(&held);
        crew.spawn("clerk-1", move || drop(lock.lock()));
        let event = Arc::clone(&never);
        crew.spawn("clerk-2", move || event.wait());
        crew.join();
    });
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(text.contains("lock never released: expected every clerk to finish"), "{text}");
    assert!(text.contains("clerk-1 and clerk-2 had not finished"), "{text}");
    assert!(text.contains("clerk-1 is blocked on lock `ledger`"), "{text}");
    assert!(text.contains("Read hint 3"), "{text}");
    held.release().unwrap();
    never.set();
}

#[test]
fn a_hang_report_ends_with_its_detail_asked_at_the_hang() {
    let never = Arc::new(Event::new());
    let queue = Arc::new(lockstep::Queue::new(0));
    queue.put(1).unwrap();
    let text = verdict(|| {
        let watched = Arc::clone(&queue);
        let mut crew = Crew::new("join() to return")
            .hang_is("missing task_done", 1)
            .limit(Duration::from_millis(300))
            .hang_detail(move || format!("q.unfinished_tasks() = {}", watched.unfinished_tasks()));
        let event = Arc::clone(&never);
        crew.spawn("cook", move || event.wait());
        queue.put(2).unwrap();
        crew.join();
    });
    assert!(text.contains("cook had not finished"), "{text}");
    assert!(text.contains("; q.unfinished_tasks() = 2."), "{text}");
    never.set();
}

#[test]
fn a_panic_in_a_crew_thread_is_reported_under_its_bug_class() {
    let text = verdict(|| {
        let mut crew = Crew::new("every item to be taken once").panic_is("check-then-act race", 2);
        crew.spawn("consumer-1", || panic!("the list was empty"));
        crew.join();
    });
    assert!(text.contains("check-then-act race: expected every item to be taken once"), "{text}");
    assert!(text.contains("consumer-1 panicked: the list was empty"), "{text}");
}

/// Run by `a_crew_thread_panic_prints_no_backtrace`, in a process of its
/// own, so that `RUST_BACKTRACE=1` is set for it alone.
#[test]
#[ignore = "run by a_crew_thread_panic_prints_no_backtrace in a child process"]
fn crew_panic_child() {
    let mut crew = Crew::new("the audit to go through");
    crew.spawn("carol", || {
        let audit = catch_unwind(|| panic!("carol's audit found a mistake"));
        assert!(audit.is_err());
    });
    crew.join();
    // Not a crew thread: the hook it replaced still prints the backtrace.
    assert!(std::thread::spawn(|| panic!("outside the crew")).join().is_err());
}

/// Runs the ignored test `child` alone in a new process of this test
/// program, with `RUST_BACKTRACE` set to `backtrace`: its exit code and
/// what it printed to stderr.
fn run_child(child: &str, backtrace: &str) -> (Option<i32>, String) {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", child, "--ignored", "--nocapture"])
        .env("RUST_BACKTRACE", backtrace)
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_crew_thread_panic_prints_no_backtrace() {
    let (code, text) = run_child("crew_panic_child", "1");
    assert_eq!(code, Some(0), "{text}");
    let (crew, outside) = text.split_once("outside the crew").expect("the second panic is printed");
    // The place as the default hook gives it (the path depends on where cargo runs).
    assert!(
        crew.contains("thread 'carol' panicked at ") && crew.contains("check/tests/checker.rs:"),
        "{text}"
    );
    assert!(crew.contains("carol's audit found a mistake"), "{text}");
    assert!(!crew.contains("stack backtrace"), "{text}");
    assert!(outside.contains("stack backtrace"), "{text}");
}

#[test]
fn a_verdict_from_a_crew_thread_passes_through_unchanged() {
    let text = verdict(|| {
        let mut crew = Crew::new("anything");
        crew.spawn("worker-1", || lockstep_check::fail("over capacity", "5 inside", "6 were inside", 1));
        crew.join();
    });
    assert!(text.contains("over capacity: expected 5 inside, but 6 were inside."), "{text}");
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn a_correct_crew_joins_quietly() {
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut crew = Crew::new("all to count");
    for i in 0..4 {
        let count = Arc::clone(&count);
        crew.spawn(format!("counter-{i}"), move || {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
    }
    crew.join();
    assert_eq!(count.load(std::sync::atomic::Ordering::Relaxed), 4);
}

#[test]
fn blocks_fails_on_a_call_that_returns_and_completes_returns_the_value() {
    let text = verdict(|| drop(blocks("wait() to block until set()", "no wait", 1, || 7)));
    assert!(text.contains("no wait: expected wait() to block until set(), but it returned within"), "{text}");
    let event = Arc::new(Event::new());
    let waiter = Arc::clone(&event);
    let call = blocks("wait() to block until set()", "no wait", 1, move || waiter.wait());
    event.set();
    call.completes();
    assert_eq!(completes("a sum", "hang", 1, || 2 + 2), 4);
}

#[test]
fn occupancy_remembers_the_most_inside_at_once() {
    let lot = Occupancy::new();
    let first = lot.enter();
    let second = lot.enter();
    drop(first);
    let _third = lot.enter();
    drop(second);
    assert_eq!((lot.now(), lot.max(), lot.entered()), (1, 2, 3));
}

#[test]
fn a_model_tells_the_failing_interleaving() {
    let text = verdict(|| {
        model("both increments to count", "lost update", 1, || {
            use loom::sync::atomic::{AtomicUsize, Ordering};
            let n = loom::sync::Arc::new(AtomicUsize::new(0));
            let other = loom::sync::Arc::clone(&n);
            let add = |n: &AtomicUsize, who: &str| {
                let read = n.load(Ordering::SeqCst);
                step(who, format!("reads {read}"));
                n.store(read + 1, Ordering::SeqCst);
                step(who, format!("writes {}", read + 1));
            };
            let t = loom::thread::spawn(move || add(&other, "Thread-1"));
            add(&n, "Thread-2");
            t.join().unwrap();
            assert_eq!(
                n.load(Ordering::SeqCst),
                2,
                "num = {} after two increments",
                n.load(Ordering::SeqCst)
            );
        });
    });
    assert!(text.contains("lost update: expected both increments to count"), "{text}");
    assert!(text.contains("in this interleaving num = 1 after two increments"), "{text}");
    assert!(text.contains("reads 0") && text.contains("writes 1"), "{text}");
    assert!(!text.contains("writes 2"), "the told interleaving is the failing one: {text}");
}

/// Run alone by `a_model_deadlock_is_named`, in a process of its own: a
/// deadlocked loom model ends the process (see `model`).
#[test]
#[ignore = "run by a_model_deadlock_is_named in a child process"]
fn model_deadlock_child() {
    model("the waiter to be woken", "lost wake-up", 2, || {
        let pair = loom::sync::Arc::new((loom::sync::Mutex::new(false), loom::sync::Condvar::new()));
        let waiter = loom::sync::Arc::clone(&pair);
        let t = loom::thread::spawn(move || {
            let (flag, wake) = &*waiter;
            // The bug: it waits without looking at the flag.
            step("waiter", "waits without checking the flag");
            drop(wake.wait(flag.lock().unwrap()).unwrap());
        });
        let (flag, wake) = &*pair;
        *flag.lock().unwrap() = true;
        step("notifier", "sets the flag and notifies");
        wake.notify_one();
        t.join().unwrap();
    });
}

#[test]
fn a_model_deadlock_is_named() {
    let (code, text) = run_child("model_deadlock_child", "0");
    assert_eq!(code, Some(101), "{text}");
    assert!(text.contains("lost wake-up: expected the waiter to be woken"), "{text}");
    assert!(text.contains("every thread ended up waiting forever"), "{text}");
    assert!(
        text.contains("1. notifier sets the flag and notifies; 2. waiter waits without checking"),
        "{text}"
    );
}
