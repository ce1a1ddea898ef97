//! CPython's `Barrier` conformance tests, ported to `lockstep::Barrier`.
//!
//! Provenance: `Lib/test/lock_tests.py` of CPython 3.14.2, class
//! `BarrierTests` (see `shared/CPYTHON.md` sections 1.6, 2 and 5). Each test
//! names the CPython test it ports; tests marked `lockstep` check what
//! CPYTHON.md or the crate docs promise beyond CPython's suite.
//!
//! As in CPython's `setUp`, most tests use a barrier of `N = 5` parties
//! with a default timeout, here a long one, so that a broken test fails
//! instead of hanging. CPython's late thread (`test_timeout`) sleeps; here
//! it waits until the barrier is broken, and `test_reset` polls
//! `n_waiting` as CPython does.

use lockstep::{Barrier, BrokenBarrierError, Mutex};
use lockstep_tests::{bunch, panic_message, wait_until};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// CPython's `N`: the parties of most barriers here.
const N: usize = 5;
/// A default timeout that only a broken barrier lets run out.
const LONG: Duration = Duration::from_secs(60);

/// CPython's `setUp`: `Barrier(N, timeout=...)`.
fn barrier() -> Barrier {
    Barrier::new(N).with_timeout(LONG)
}

/// Counts outcomes from many threads.
#[derive(Default)]
struct Tally {
    passed: AtomicUsize,
    broken: AtomicUsize,
    after: AtomicUsize,
}

impl Tally {
    fn count(&self, outcome: Result<usize, BrokenBarrierError>) {
        let counter = if outcome.is_ok() { &self.passed } else { &self.broken };
        counter.fetch_add(1, SeqCst);
    }

    fn get(&self) -> (usize, usize, usize) {
        (self.passed.load(SeqCst), self.broken.load(SeqCst), self.after.load(SeqCst))
    }
}

// CPython: lock_tests.BarrierTests.test_constructor (Rust: `parties == 0`
// can't be an error, the constructor is infallible; it means one party)
#[test]
fn constructor() {
    assert_eq!(Barrier::new(N).parties(), N);
    let one = Barrier::new(0);
    assert_eq!((one.parties(), one.wait()), (1, Ok(0)));
}

/// CPython's `multipass`: `N` threads pass the barrier `passes` times, and
/// between its two waits each sees every thread's count of the phase.
fn multipass(barrier: &Barrier, passes: usize) {
    let (before, after) = (AtomicUsize::new(0), AtomicUsize::new(0));
    bunch(
        N,
        |_| {
            for pass in 0..passes {
                before.fetch_add(1, SeqCst);
                assert_eq!(after.load(SeqCst), pass * N);
                barrier.wait().unwrap();
                after.fetch_add(1, SeqCst);
                assert_eq!(before.load(SeqCst), (pass + 1) * N);
                barrier.wait().unwrap();
            }
        },
        |_| (),
    );
    assert_eq!((barrier.n_waiting(), barrier.broken()), (0, false));
}

// CPython: lock_tests.BarrierTests.test_barrier
#[test]
fn barrier_passes() {
    multipass(&barrier(), 1);
}

// CPython: lock_tests.BarrierTests.test_barrier_10
#[test]
fn barrier_10() {
    multipass(&barrier(), 10);
}

// CPython: lock_tests.BarrierTests.test_wait_return
#[test]
fn wait_return() {
    let barrier = barrier();
    let indices = Mutex::new(Vec::new());
    bunch(
        N,
        |_| {
            let index = barrier.wait().unwrap();
            indices.lock().push(index);
        },
        |_| (),
    );
    let mut indices = indices.into_inner();
    assert_eq!(indices.iter().sum::<usize>(), (0..N).sum());
    indices.sort();
    assert_eq!(indices, (0..N).collect::<Vec<_>>(), "a permutation of 0..N");
}

// CPython: lock_tests.BarrierTests.test_action (lockstep: also once per
// cycle, in the thread that arrived last)
#[test]
fn action() {
    let runs = Arc::new(AtomicUsize::new(0));
    let runner: Arc<Mutex<Option<ThreadId>>> = Arc::default();
    let barrier = barrier().with_action({
        let (runs, runner) = (Arc::clone(&runs), Arc::clone(&runner));
        move || {
            runs.fetch_add(1, SeqCst);
            *runner.lock() = Some(thread::current().id());
        }
    });
    for cycle in 1..=3 {
        bunch(
            N,
            |_| {
                let index = barrier.wait().unwrap();
                assert_eq!(runs.load(SeqCst), cycle, "ran once, before anyone was released");
                if index == N - 1 {
                    assert_eq!(*runner.lock(), Some(thread::current().id()), "the last arriver ran it");
                }
            },
            |_| (),
        );
    }
}

/// CPython's `test_abort` worker: the thread with index `N / 2` aborts
/// (CPython: raises, then aborts); every other thread counts the outcome of
/// its two waits. As in CPython, a thread still leaving the first cycle when
/// the abort comes gets `BrokenBarrierError` there already.
fn pass_twice_unless_aborted(barrier: &Barrier, tally: &Tally) {
    match barrier.wait() {
        Ok(index) if index == N / 2 => barrier.abort(),
        Ok(_) => tally.count(barrier.wait()),
        Err(error) => tally.count(Err(error)),
    }
}

// CPython: lock_tests.BarrierTests.test_abort
#[test]
fn abort() {
    let barrier = barrier();
    let tally = Tally::default();
    bunch(N, |_| pass_twice_unless_aborted(&barrier, &tally), |_| ());
    assert_eq!(tally.get(), (0, N - 1, 0), "nobody passed the second wait");
    assert!(barrier.broken());
}

// CPython: lock_tests.BarrierTests.test_abort (lockstep: abort stays broken
// until reset, for waits with or without a timeout)
#[test]
fn abort_stays_broken_until_reset() {
    let barrier = Barrier::new(2);
    barrier.abort();
    for _ in 0..3 {
        assert_eq!(barrier.wait(), Err(BrokenBarrierError));
        assert_eq!(barrier.wait_timeout(LONG), Err(BrokenBarrierError));
        assert_eq!(barrier.wait_timeout(Duration::ZERO), Err(BrokenBarrierError));
        assert_eq!((barrier.broken(), barrier.n_waiting()), (true, 0));
    }
    // Also for a thread that would complete the cycle.
    let one = Barrier::new(1);
    one.abort();
    assert_eq!(
        (one.wait(), one.wait_timeout(Duration::ZERO)),
        (Err(BrokenBarrierError), Err(BrokenBarrierError))
    );
    one.reset();
    assert_eq!(one.wait(), Ok(0));
    barrier.reset();
    assert!(!barrier.broken());
    let other = thread::scope(|s| {
        let other = s.spawn(|| barrier.wait());
        let mine = barrier.wait().unwrap();
        mine + other.join().unwrap().unwrap()
    });
    assert_eq!(other, 1, "indices 0 and 1: usable again");
}

// CPython: lock_tests.BarrierTests.test_reset
#[test]
fn reset() {
    let barrier = barrier();
    let tally = Tally::default();
    bunch(
        N,
        |_| {
            if barrier.wait().unwrap() == N / 2 {
                // Wait until the other threads are all in the barrier.
                wait_until(|| barrier.n_waiting() >= N - 1);
                barrier.reset();
            } else {
                tally.count(barrier.wait());
            }
            // Now, pass the barrier again.
            barrier.wait().unwrap();
            tally.after.fetch_add(1, SeqCst);
        },
        |_| (),
    );
    assert_eq!(tally.get(), (0, N - 1, N), "the reset broke the waits, and all passed again");
    assert!(!barrier.broken());
}

// CPython: lock_tests.BarrierTests.test_abort_and_reset
#[test]
fn abort_and_reset() {
    let barrier = barrier();
    let barrier2 = Barrier::new(N);
    let tally = Tally::default();
    bunch(
        N,
        |_| {
            pass_twice_unless_aborted(&barrier, &tally);
            // Synchronize and reset the barrier. Must synchronize first so
            // that everyone has left it when we reset, and after so that no
            // one enters it before the reset.
            if barrier2.wait().unwrap() == N / 2 {
                barrier.reset();
            }
            barrier2.wait().unwrap();
            barrier.wait().unwrap();
            tally.after.fetch_add(1, SeqCst);
        },
        |_| (),
    );
    assert_eq!(tally.get(), (0, N - 1, N));
    assert!(!barrier.broken());
}

// CPython: lock_tests.BarrierTests.test_timeout
#[test]
fn timeout() {
    let barrier = barrier();
    let waited = Mutex::new(Vec::new());
    bunch(
        N,
        |_| {
            if barrier.wait().unwrap() == N / 2 {
                // One thread is late: it comes once the others broke it.
                wait_until(|| barrier.broken());
                assert_eq!(barrier.wait_timeout(Duration::from_millis(500)), Err(BrokenBarrierError));
            } else {
                let start = Instant::now();
                assert_eq!(barrier.wait_timeout(Duration::from_millis(500)), Err(BrokenBarrierError));
                waited.lock().push(start.elapsed());
            }
        },
        |_| (),
    );
    assert!(barrier.broken());
    // The first to time out broke it for all, so the longest wait lasted at
    // least its timeout (CPython's assertTimeout lower bound: 0.6 * it).
    let longest = waited.into_inner().into_iter().max().unwrap();
    assert!(longest >= Duration::from_millis(300), "longest wait {longest:?}");
}

// CPython: lock_tests.BarrierTests.test_default_timeout
#[test]
fn default_timeout() {
    let barrier = Barrier::new(2).with_timeout(Duration::from_millis(100));
    let start = Instant::now();
    assert_eq!(barrier.wait(), Err(BrokenBarrierError));
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(60), "gave up after {waited:?}");
    assert!(barrier.broken());
}

// CPython: lock_tests.BarrierTests.test_single_thread
#[test]
fn single_thread() {
    let runs = Arc::new(AtomicUsize::new(0));
    let barrier = Barrier::new(1).with_action({
        let runs = Arc::clone(&runs);
        move || {
            runs.fetch_add(1, SeqCst);
        }
    });
    for _ in 0..3 {
        assert_eq!(barrier.wait(), Ok(0));
        assert_eq!(barrier.wait_timeout(Duration::ZERO), Ok(0), "the last arriver never waits");
    }
    assert_eq!(runs.load(SeqCst), 6, "the action runs once per cycle");
}

// CPython: lock_tests.BarrierTests.test_repr (Rust: `Debug`)
#[test]
fn repr() {
    let barrier = Barrier::new(3);
    let shown = |waiting: usize, broken: bool| {
        format!("Barrier {{ n_waiting: {waiting}, parties: 3, broken: {broken} }}")
    };
    assert_eq!(format!("{barrier:?}"), shown(0, false));
    thread::scope(|s| {
        let waiters: Vec<_> = (0..2).map(|_| s.spawn(|| barrier.wait())).collect();
        wait_until(|| barrier.n_waiting() == 2);
        assert_eq!(format!("{barrier:?}"), shown(2, false));
        assert_eq!(barrier.wait(), Ok(2));
        for waiter in waiters {
            waiter.join().unwrap().unwrap();
        }
    });
    assert_eq!(format!("{barrier:?}"), shown(0, false));
    barrier.abort();
    assert_eq!(format!("{barrier:?}"), shown(0, true));
}

// lockstep: CPYTHON.md 1.6, a zero timeout breaks the barrier at once for
// a thread that would have to wait, but not for the last arriver
#[test]
fn zero_timeout_breaks_unless_last() {
    let barrier = Barrier::new(2);
    assert_eq!(barrier.wait_timeout(Duration::ZERO), Err(BrokenBarrierError));
    assert!(barrier.broken());
    barrier.reset();
    thread::scope(|s| {
        let first = s.spawn(|| barrier.wait());
        wait_until(|| barrier.n_waiting() == 1);
        assert_eq!(barrier.wait_timeout(Duration::ZERO), Ok(1));
        assert_eq!(first.join().unwrap(), Ok(0));
    });
    assert!(!barrier.broken());
}

// lockstep: API.md, a huge timeout means "wait forever"
#[test]
fn huge_timeout_waits_for_the_cycle() {
    let barrier = Barrier::new(3).with_timeout(Duration::MAX);
    thread::scope(|s| {
        let first = s.spawn(|| barrier.wait());
        let second = s.spawn(|| barrier.wait_timeout(Duration::from_secs(u64::MAX)));
        wait_until(|| barrier.n_waiting() == 2);
        assert_eq!(barrier.wait_timeout(Duration::MAX), Ok(2));
        let mut firsts = [first.join().unwrap().unwrap(), second.join().unwrap().unwrap()];
        firsts.sort();
        assert_eq!(firsts, [0, 1]);
    });
}

// lockstep: a panicking action panics in the thread that ran it, with the
// action's payload; the others get BrokenBarrierError (Python: the action's
// exception, and BrokenBarrierError); reset makes the barrier usable again
#[test]
fn panicking_action_breaks_the_barrier() {
    let fail = Arc::new(AtomicBool::new(true));
    let barrier = Barrier::new(3).with_timeout(LONG).with_action({
        let fail = Arc::clone(&fail);
        move || assert!(!fail.swap(false, SeqCst), "action failed")
    });
    let (tally, panics) = (Tally::default(), Mutex::new(Vec::new()));
    bunch(
        3,
        |_| match panic::catch_unwind(AssertUnwindSafe(|| barrier.wait())) {
            Ok(outcome) => tally.count(outcome),
            Err(payload) => panics.lock().push(panic_message(&*payload).to_owned()),
        },
        |_| (),
    );
    assert_eq!(panics.into_inner(), ["action failed"], "one thread ran it and panicked");
    assert_eq!(tally.get(), (0, 2, 0));
    assert!(barrier.broken());
    assert_eq!(barrier.wait(), Err(BrokenBarrierError));
    barrier.reset();
    bunch(3, |_| tally.count(barrier.wait()), |_| ());
    assert_eq!(tally.get(), (3, 2, 0), "after reset the cycle completes");
}
