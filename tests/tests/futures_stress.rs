//! Stress: 100,000 tiny tasks through a `ThreadPoolExecutor` of 8 workers,
//! each future with one callback: every future is done exactly once with
//! its own value, every callback runs exactly once, every task (and what it
//! captured) is dropped, and after `shutdown(true)` no worker thread is
//! left (`lockstep::thread::enumerate`). Then the same through a `Pool`.
//! And submits racing a failing initializer: none is stranded.
//!
//! Its own binary, so no other test's workers are listed. Measured about
//! 1 s in a debug build on 2 loaded cores.

use lockstep::futures::{Pool, ThreadPoolExecutor};
use lockstep::thread::enumerate;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;

const TASKS: usize = 100_000;

fn workers(prefix: &str) -> usize {
    enumerate().iter().filter(|t| t.name().starts_with(prefix)).count()
}

#[test]
fn a_hundred_thousand_tasks_each_done_and_called_back_once() {
    let executor = ThreadPoolExecutor::builder().max_workers(8).thread_name_prefix("Stress").build();
    let calls: Arc<Vec<AtomicUsize>> = Arc::new((0..TASKS).map(|_| AtomicUsize::new(0)).collect());
    let runs: Arc<Vec<AtomicUsize>> = Arc::new((0..TASKS).map(|_| AtomicUsize::new(0)).collect());
    let token = Arc::new(());
    let futures: Vec<_> = (0..TASKS)
        .map(|n| {
            let (runs, token) = (runs.clone(), token.clone());
            let future = executor
                .submit(move || {
                    runs[n].fetch_add(1, SeqCst);
                    drop(token);
                    n
                })
                .unwrap();
            let calls = calls.clone();
            future.add_done_callback(move |f| {
                assert_eq!(*f.result().unwrap(), n);
                calls[n].fetch_add(1, SeqCst);
            });
            future
        })
        .collect();
    for (n, future) in futures.iter().enumerate() {
        assert_eq!(future.result(), Ok(&n));
    }
    executor.shutdown(true, false);
    assert!(runs.iter().all(|r| r.load(SeqCst) == 1), "a task ran twice or never");
    assert!(calls.iter().all(|c| c.load(SeqCst) == 1), "a callback ran twice or never");
    assert_eq!(Arc::strong_count(&token), 1, "a task was not dropped");
    assert_eq!(workers("Stress_"), 0, "a worker outlived shutdown");

    let pool = Pool::new(8);
    let sum: usize = pool.map(|n: usize| n, 0..TASKS).unwrap().into_iter().sum();
    assert_eq!(sum, TASKS * (TASKS - 1) / 2);
    pool.close();
    pool.join().unwrap();
    assert_eq!(workers("Pool-"), 0, "a pool worker outlived join");
}

/// Submits race a failing initializer: once the one worker has started,
/// submits no longer take the executor's lock, and the worker breaks the
/// pool while they put. Every submit must either be refused with `Broken`
/// or give a future that ends `Broken`: none may be stranded in the queue
/// (its `result` would hang; here it would time out).
#[test]
fn submits_racing_a_failing_initializer_are_refused_or_broken_never_stranded() {
    use lockstep::futures::{FutureError, SubmitError};
    use std::time::Duration;
    for round in 0..40 {
        let executor = ThreadPoolExecutor::builder()
            .max_workers(1)
            .thread_name_prefix("Breaking")
            .initializer(move || {
                for _ in 0..round % 8 {
                    std::thread::yield_now();
                }
                std::panic::resume_unwind(Box::new("the initializer fails"));
            })
            .build();
        let mut futures = Vec::new();
        for _ in 0..200 {
            match executor.submit(|| ()) {
                Ok(future) => futures.push(future),
                Err(error) => assert_eq!(error, SubmitError::Broken, "round {round}"),
            }
        }
        for future in &futures {
            match future.result_timeout(Duration::from_secs(10)) {
                Err(FutureError::Broken) => {}
                other => panic!("round {round}: a future ended {other:?}, not Broken"),
            }
        }
    }
}
