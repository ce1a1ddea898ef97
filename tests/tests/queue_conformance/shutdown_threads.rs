//! CPython 3.13's `shutdown` tests from `BaseQueueTestMixin` that involve
//! other threads (blocked putters, getters and joiners), written once for
//! any queue [`Family`] and run on all three queue types by
//! `queue_conformance.rs`.
//!
//! Provenance: `Lib/test/test_queue.py` of CPython 3.14.2, class
//! `BaseQueueTestMixin` (see `shared/CPYTHON.md` sections 1.8 and 3). Each
//! function names the CPython test it ports. CPython starts its threads
//! and sleeps; here a thread is "blocked" when a [`stays`] check saw it not
//! return, and the shutdown comes after that check.

use crate::queue_support::{CHANCES, Family, PyQueue, blocks_until, release_on_panic, wait_until};
use lockstep::{GetError, PutError, TaskDoneError};
use lockstep_tests::{bunch, stays};
use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

/// A full `Queue(2)` holding "Y" and "D", as CPython's helpers make it.
fn full_queue<F: Family>() -> F::Of<&'static str> {
    let queue = F::new(2);
    queue.put("Y").unwrap();
    queue.put("D").unwrap();
    queue
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_get
pub(super) fn shutdown_get<F: Family>() {
    let queue = full_queue::<F>();
    queue.shutdown(false);
    let results = Mutex::new(Vec::new());
    bunch(
        3,
        |_| {
            let got = queue.get();
            assert!(matches!(got, Ok(_) | Err(GetError::ShutDown)), "{got:?}");
            results.lock().unwrap().push(got.ok());
        },
        |_| (),
    );
    let mut results = results.into_inner().unwrap();
    results.sort_unstable();
    assert_eq!(results, [None, Some("D"), Some("Y")], "two got an item, one got ShutDown");
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_get
pub(super) fn shutdown_immediate_get<F: Family>() {
    let queue = full_queue::<F>();
    queue.shutdown(true);
    bunch(2, |_| assert_eq!(queue.get(), Err(GetError::ShutDown)), |_| ());
}

/// CPython's `_shutdown_put`: two putters blocked on a full queue are
/// released by the shutdown with their items.
fn shutdown_blocked_put<F: Family>(immediate: bool) {
    let queue = full_queue::<F>();
    let handed_back = Mutex::new(Vec::new());
    bunch(
        2,
        |index| {
            let item = ["E", "W"][index];
            match queue.put(item) {
                Err(PutError::ShutDown(back)) => handed_back.lock().unwrap().push(back),
                other => panic!("put into a full queue gave {other:?}"),
            }
        },
        |progress| {
            let blocked = stays(CHANCES, || progress.finished() == 0);
            queue.shutdown(immediate);
            assert_eq!(blocked, Ok(()), "a put into a full queue returned");
        },
    );
    let mut handed_back = handed_back.into_inner().unwrap();
    handed_back.sort_unstable();
    assert_eq!(handed_back, ["E", "W"], "each putter got its own item back");
    let left = if immediate { 0 } else { 2 };
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (left, left));
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_put
pub(super) fn shutdown_put<F: Family>() {
    shutdown_blocked_put::<F>(false);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_put
// (CPython's helper calls a soft shutdown there; this one is immediate)
pub(super) fn shutdown_immediate_put<F: Family>() {
    shutdown_blocked_put::<F>(true);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_put (a timed put is
// released with ShutDown too, not left to time out with Full)
pub(super) fn shutdown_releases_a_timed_put<F: Family>() {
    let queue = full_queue::<F>();
    let put = blocks_until(|| queue.put_timeout("E", Duration::from_secs(600)), || queue.shutdown(false));
    assert!(matches!(put, Err(PutError::ShutDown("E"))), "{put:?}");
}

/// CPython's `_shutdown_join`: `join` waits for `unfinished_tasks == 0`,
/// which a soft shutdown does not change and an immediate one may.
fn shutdown_join<F: Family>(immediate: bool) {
    let queue = F::new::<&str>(0);
    queue.put("Y").unwrap();
    bunch(
        2,
        |_| queue.join(),
        |progress| {
            release_on_panic(&queue, || {
                let blocked = stays(CHANCES, || progress.finished() == 0);
                queue.shutdown(immediate);
                let still_blocked = if immediate {
                    Ok(())
                } else {
                    let still = stays(CHANCES, || progress.finished() == 0);
                    assert_eq!(queue.get(), Ok("Y"), "a soft shutdown keeps the item");
                    queue.task_done().unwrap();
                    still
                };
                wait_until(|| progress.finished() == 2);
                assert_eq!(blocked, Ok(()), "join returned with a task unfinished");
                assert_eq!(still_blocked, Ok(()), "a soft shutdown released join");
            });
        },
    );
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 0));
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_join
pub(super) fn shutdown_join_soft<F: Family>() {
    shutdown_join::<F>(false);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_join
pub(super) fn shutdown_immediate_join<F: Family>() {
    shutdown_join::<F>(true);
}

/// CPython's `_shutdown_put_join`: a putter that comes after the shutdown
/// and a joiner that waits for the one queued item.
fn shutdown_put_join<F: Family>(immediate: bool) {
    let queue = F::new::<&str>(2);
    queue.put("Y").unwrap();
    bunch(
        2,
        |index| match index {
            0 => {
                wait_until(|| queue.is_shutdown()); // CPython's `go` event
                assert!(matches!(queue.put("E"), Err(PutError::ShutDown("E"))));
            }
            _ => queue.join(),
        },
        |_| {
            release_on_panic(&queue, || {
                assert_eq!(queue.unfinished_tasks(), 1);
                queue.shutdown(immediate);
                if immediate {
                    assert_eq!(queue.try_get(), Err(GetError::ShutDown));
                } else {
                    assert_eq!(queue.get(), Ok("Y"));
                    queue.task_done().unwrap();
                }
            });
        },
    );
    assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 0));
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_put_join
pub(super) fn shutdown_put_join_soft<F: Family>() {
    shutdown_put_join::<F>(false);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_put_join
pub(super) fn shutdown_immediate_put_join<F: Family>() {
    shutdown_put_join::<F>(true);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_get_task_done_join
pub(super) fn shutdown_get_task_done_join<F: Family>() {
    let queue = full_queue::<F>();
    assert_eq!(queue.unfinished_tasks(), queue.qsize());
    let got = Mutex::new(Vec::new());
    bunch(
        4,
        |index| {
            if index < 2 {
                // Marked done even if the get failed, so the joiners end.
                let item = queue.get();
                got.lock().unwrap().push((item, queue.task_done()));
            } else {
                queue.join();
            }
        },
        |_| queue.shutdown(false),
    );
    let mut got: Vec<_> =
        got.into_inner().unwrap().into_iter().map(|(item, done)| (item.ok(), done.is_ok())).collect();
    got.sort_unstable();
    assert_eq!(got, [(Some("D"), true), (Some("Y"), true)], "(item got, task_done ok)");
    assert_eq!(queue.unfinished_tasks(), 0);
}

/// CPython's `test_shutdown_pending_get`, for both kinds of shutdown.
fn shutdown_pending_get<F: Family>(immediate: bool) {
    let queue = F::new::<&str>(0);
    let got = blocks_until(|| queue.get(), || queue.shutdown(immediate));
    assert_eq!(got, Err(GetError::ShutDown));
    bunch(
        3,
        |index| match index {
            0 => assert_eq!(queue.get(), Err(GetError::ShutDown)),
            1 => assert_eq!(queue.get_timeout(Duration::from_secs(600)), Err(GetError::ShutDown)),
            _ => assert_eq!(queue.try_get(), Err(GetError::ShutDown)),
        },
        |_| (),
    );
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_pending_get
pub(super) fn shutdown_pending_get_soft<F: Family>() {
    shutdown_pending_get::<F>(false);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_pending_get (with
// `immediate=True`, and a timed getter that must see ShutDown, not Empty)
pub(super) fn shutdown_pending_get_immediate<F: Family>() {
    shutdown_pending_get::<F>(true);
    let queue = F::new::<&str>(0);
    let got = blocks_until(|| queue.get_timeout(Duration::from_secs(600)), || queue.shutdown(true));
    assert_eq!(got, Err(GetError::ShutDown));
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_join
// (gh-137088: items fetched but not yet done keep `join` blocked after an
// immediate shutdown; only the dropped ones count as done)
pub(super) fn immediate_shutdown_join_waits_for_fetched_items<F: Family>() {
    let queue = F::new::<&str>(0);
    for item in ["a", "b", "c"] {
        queue.put(item).unwrap();
    }
    queue.get().unwrap(); // fetched, never marked done yet
    bunch(
        2,
        |_| queue.join(),
        |progress| {
            release_on_panic(&queue, || {
                queue.shutdown(true);
                assert_eq!((queue.qsize(), queue.unfinished_tasks()), (0, 1));
                let blocked = stays(CHANCES, || progress.finished() == 0);
                queue.task_done().unwrap();
                wait_until(|| progress.finished() == 2);
                assert_eq!(blocked, Ok(()), "join returned with a fetched item unfinished");
            });
        },
    );
    assert_eq!(queue.task_done(), Err(TaskDoneError));
}

/// CPython's `_shutdown_all_methods_in_many_threads`: writers put until a
/// put is shut down, readers get (two each way) until a get is, joiners
/// join, and a shutdown comes once `SHUTDOWN_AFTER` items went through.
/// CPython's writers stop after 16K items each, so "a writer saw ShutDown"
/// is only likely there; here every writer runs until it sees ShutDown.
/// CPython's queue is unbounded; this one is bounded, so that writers also
/// wait for room (and are woken by the shutdown), and so that a broken
/// queue whose readers stall cannot make the writers fill the memory.
fn all_methods_in_many_threads<F: Family>(immediate: bool) {
    const WRITERS: usize = 4;
    const READERS: usize = 6;
    const JOINERS: usize = 2;
    const SHUTDOWN_AFTER: usize = 4096;
    let queue = F::new::<(usize, usize)>(256); // (writer, index)
    let received = AtomicUsize::new(0);
    let task_done_failures = AtomicUsize::new(0);
    let put_counts = Mutex::new([0; WRITERS]);
    let got = Mutex::new(Vec::new());
    bunch(
        WRITERS + READERS + JOINERS,
        |index| {
            if index < WRITERS {
                let mut next = 0;
                loop {
                    match queue.put((index, next)) {
                        Ok(()) => next += 1,
                        Err(PutError::ShutDown(back)) => {
                            assert_eq!(back, (index, next), "the refused item came back");
                            break;
                        }
                        Err(PutError::Full(_)) => panic!("a blocking put returned Full"),
                    }
                }
                put_counts.lock().unwrap()[index] = next;
            } else if index < WRITERS + READERS {
                let mut mine = Vec::new();
                loop {
                    let item = match index % 3 {
                        0 => queue.try_get(),
                        1 => queue.get(),
                        _ => queue.get_timeout(Duration::from_millis(1)),
                    };
                    match item {
                        Ok(item) => {
                            mine.push(item);
                            received.fetch_add(1, SeqCst);
                            if queue.task_done().is_err() {
                                task_done_failures.fetch_add(1, SeqCst); // asserted below
                            }
                        }
                        Err(GetError::Empty) => std::thread::yield_now(),
                        Err(GetError::ShutDown) => break,
                    }
                }
                got.lock().unwrap().extend(mine);
            } else {
                queue.join();
            }
        },
        |_| {
            wait_until(|| received.load(SeqCst) >= SHUTDOWN_AFTER);
            queue.shutdown(immediate);
            if immediate {
                assert_eq!(queue.qsize(), 0, "the immediate shutdown drained the queue");
            }
        },
    );
    assert_eq!(task_done_failures.load(SeqCst), 0, "task_done failed after a get");
    let put_counts = put_counts.into_inner().unwrap();
    let mut got = got.into_inner().unwrap();
    got.sort_unstable();
    assert!(got.windows(2).all(|pair| pair[0] != pair[1]), "an item was received twice");
    assert!(got.iter().all(|&(writer, index)| index < put_counts[writer]), "received but never put");
    if !immediate {
        assert_eq!(got.len(), put_counts.iter().sum::<usize>(), "a soft shutdown loses nothing");
    }
    assert!(queue.empty());
    assert_eq!(queue.unfinished_tasks(), 0, "every item was done or dropped");
    assert_eq!(queue.task_done(), Err(TaskDoneError));
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_all_methods_in_many_threads
pub(super) fn shutdown_all_methods_in_many_threads<F: Family>() {
    all_methods_in_many_threads::<F>(false);
}

// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_all_methods_in_many_threads
pub(super) fn shutdown_immediate_all_methods_in_many_threads<F: Family>() {
    all_methods_in_many_threads::<F>(true);
}
