//! lesson-pool: a pool of worker threads with
//! `concurrent.futures.ThreadPoolExecutor`.
//!
//! Ten tasks, each a short wait (standing for I/O: a download, a query),
//! on a pool of four threads:
//!
//! ```python
//! from concurrent.futures import ThreadPoolExecutor
//!
//! def task(n):
//!     time.sleep(random.uniform(0.05, 0.15))         # the work: an I/O wait
//!     print(threading.current_thread().name, "task", n, "done")
//!     return n * n
//!
//! pool = ThreadPoolExecutor(4)
//! for n in range(1, 11):                             # Part 1: synchronous
//!     print(pool.submit(task, n).result())           # waits before the next submit
//!
//! futures = [pool.submit(task, n) for n in range(1, 11)]   # Part 2: asynchronous
//! print([f.result() for f in futures])               # then wait for them all
//!
//! for result in pool.map(task, range(1, 11)):        # Part 3: in input order
//!     print(result)
//!
//! pool.shutdown()                                    # `with ThreadPoolExecutor(4) as pool:` ends
//!
//! pool = ThreadPoolExecutor(4)                       # Part 4, twice: a fresh pool, ten tasks, then
//! futures = [pool.submit(task, n) for n in range(1, 11)]
//! pool.shutdown(wait=True)                           # returns when all are done, or
//! pool.shutdown(wait=False)                          # returns at once; the queued tasks still run
//! pool.submit(task, 11)                              # RuntimeError: cannot schedule new futures after shutdown
//! ```
//!
//! Part 1 runs the tasks one after another (total ≈ the sum of their
//! times) on one worker: after each task it is idle, and `submit` reuses an
//! idle worker before it starts a new one. Part 2 runs them four at a time
//! (total ≈ the busiest worker's share), on never more than four threads.
//! Part 3's `map` finishes the short later items first, yet yields in input
//! order. Part 4: `shutdown(wait=True)` vs `wait=False`.
//!
//! `--timeline` shows the one traced primitive the executor uses here: its
//! idle-worker `Semaphore` (CPython's `_idle_semaphore`). A worker gives a
//! permit back when its task returns, and a `submit` takes it (without
//! waiting) to hand the next task to that idle worker instead of starting
//! a thread; the chart draws the permit on MainThread's row, from that
//! `submit` to the worker's release. The work queue and the futures park
//! without a Lock, RLock or Semaphore, so they do not show.
//!
//! Run: `cargo run -q --bin lesson-pool`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-pool -- --workers 2 --tasks 6 --seed 3` (`-- --help` lists them all).
//! The notes' section: 13 pools.

use clap::Parser;
use lockstep::Mutex;
use lockstep::futures::{Future, ThreadPoolExecutor};
use lockstep::thread::current_thread;
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, finished, heading, point, say, within_budget, your_turn,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// A ThreadPoolExecutor: synchronous vs asynchronous submit, reused workers, map, shutdown.
#[derive(Parser, Debug)]
#[command(name = "lesson-pool", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of the tasks, in ms, 0 to 100: a task waits 10 pauses (jittered by ±50%, seeded); in part 3 \
     item n of N waits 2 × (N + 1 - n) pauses, so the later items finish first"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many tasks each part submits, 1 to 40
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u8).range(1..=40))]
    tasks: u8,
    /// The pool's max_workers, 1 to 16
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=16))]
    workers: u8,
}

/// What a task leaves behind: which one, which worker ran it, how long.
#[derive(Debug, Clone)]
struct Done {
    task: usize,
    worker: String,
    took: Duration,
}

/// The tasks' records, in the order they finished.
type Log = Arc<Mutex<Vec<Done>>>;

/// The task: waits `length` (the work), records itself, returns `n * n`.
fn task(n: usize, length: Duration, log: &Log) -> usize {
    let worker = current_thread().name();
    // Sleep only to stand for the work: an I/O wait, the thread blocked.
    thread::sleep(length);
    say(&worker, format!("task {n} done after {} ms: returns {}", length.as_millis(), n * n));
    log.lock().push(Done { task: n, worker, took: length });
    n * n
}

/// The worker names in `log`, each once, sorted.
fn names(log: &[Done]) -> Vec<String> {
    let mut names: Vec<String> = log.iter().map(|done| done.worker.clone()).collect();
    names.sort();
    names.dedup();
    names
}

/// The largest total time any one worker spent on tasks.
fn busiest(log: &[Done]) -> Duration {
    let mut load: BTreeMap<&str, Duration> = BTreeMap::new();
    for done in log {
        *load.entry(&done.worker).or_default() += done.took;
    }
    load.into_values().max().unwrap_or_default()
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let (tasks, workers, pause) = (usize::from(args.tasks), usize::from(args.workers), args.common.pause());
    // Part 1 takes the sum (up to 15 pauses a task), the others about as
    // much again in all.
    within_budget::<Args>(pause * 15 * u32::from(args.tasks) * 2, "--tasks × --pause-ms");
    let mut rng = Rng::new(args.seed.seed);
    let lengths: Vec<Duration> = (0..tasks).map(|_| rng.jitter(pause * 10)).collect();
    let sum: Duration = lengths.iter().sum();
    let pool = ThreadPoolExecutor::new(workers);

    heading(&format!(
        "Part 1: synchronous: submit(task, n).result(), {tasks} times, on ThreadPoolExecutor({workers})"
    ));
    let log: Log = Arc::default();
    let clock = Instant::now();
    for (n, &length) in (1..).zip(&lengths) {
        let log = log.clone();
        let future = pool.submit(move || task(n, length, &log)).expect("the pool is running");
        let result = future.result().expect("the task does not panic");
        say("MainThread", format!("submit(task, {n}).result() = {result}"));
    }
    let sync_total = clock.elapsed();
    let sync_log = log.lock().clone();
    say(
        "MainThread",
        format!(
            "total: {} (the tasks' times add up to {}); workers used: {:?}",
            ms(sync_total),
            ms(sum),
            names(&sync_log)
        ),
    );

    heading(&format!("Part 2: asynchronous: submit all {tasks}, then result() each"));
    let log: Log = Arc::default();
    let clock = Instant::now();
    let futures = submit_all(&pool, &lengths, &log);
    say(
        "MainThread",
        format!("submitted all {tasks} in {}; now result() on each, in order", ms(clock.elapsed())),
    );
    let results: Vec<usize> = futures.iter().map(|future| *future.result().expect("no panic")).collect();
    let async_total = clock.elapsed();
    let async_log = log.lock().clone();
    let async_names = names(&async_log);
    say("MainThread", format!("results: {results:?}"));
    say(
        "MainThread",
        format!(
            "total: {} (the busiest worker's tasks add up to {}); workers used: {async_names:?}",
            ms(async_total),
            ms(busiest(&async_log))
        ),
    );

    heading(&format!("Part 3: map(task, 1..={tasks}): the later items are shorter"));
    let log: Log = Arc::default();
    let map_log = log.clone();
    let item_pause = pause * 2;
    let mapped = pool
        .map(
            move |n: usize| task(n, item_pause * u32::try_from(tasks + 1 - n).unwrap_or(1), &map_log),
            1..=tasks,
        )
        .expect("the pool is running");
    let yielded: Vec<usize> = mapped.map(|result| result.expect("no panic")).collect();
    let finish_order: Vec<usize> = log.lock().iter().map(|done| done.task).collect();
    say("MainThread", format!("map yielded: {yielded:?}"));
    say("MainThread", format!("the items finished in the order: {finish_order:?}"));
    drop(pool); // `with ThreadPoolExecutor(4) as pool:` ends: shutdown(wait=True)

    heading("Part 4: shutdown(wait=True) vs shutdown(wait=False)");
    let patient = shut_down(true, workers, &lengths);
    let hasty = shut_down(false, workers, &lengths);

    heading("What you saw");
    let sync_names = names(&sync_log);
    point(format!(
        "Part 1: result() right after submit() waits for each task before the next is submitted, \
         so the {tasks} tasks ran one after another: {} in all, about the sum of their times ({}). \
         {}",
        ms(sync_total),
        ms(sum),
        if sync_names.len() == 1 {
            format!(
                "One worker, {}, did them all: after each task it was idle, and submit() reuses an \
                 idle worker before it starts a new one.",
                sync_names[0]
            )
        } else {
            format!("The workers used: {sync_names:?}.")
        }
    ));
    let faster = sync_total.as_secs_f64() / async_total.as_secs_f64().max(1e-9);
    point(if pause.is_zero() {
        format!(
            "Part 2 took {} and part 1 {}: with --pause-ms 0 the tasks do not wait at all, so \
             there was nothing to overlap and both totals are overhead; run with the default \
             pause to see the difference.",
            ms(async_total),
            ms(sync_total)
        )
    } else if workers.min(tasks) == 1 {
        format!(
            "Part 2 took {} and part 1 {}: with {} there is only one task at a time to run either \
             way, so submitting them all first cannot help; try the defaults.",
            ms(async_total),
            ms(sync_total),
            if workers == 1 { "--workers 1" } else { "--tasks 1" }
        )
    } else if async_total < sync_total {
        format!(
            "Part 2: submitting all {tasks} first let {} workers wait at the same time: {} instead \
             of {} ({faster:.1}× faster), about the busiest worker's share ({}), not the sum.",
            async_names.len(),
            ms(async_total),
            ms(sync_total),
            ms(busiest(&async_log))
        )
    } else {
        format!(
            "Part 2 took {}, no less than part 1's {} (unexpected: its busiest worker had only {} \
             of work; the machine must have stalled the lesson this run).",
            ms(async_total),
            ms(sync_total),
            ms(busiest(&async_log))
        )
    });
    point(format!(
        "Worker names: {} of max_workers={workers} in part 2, {async_names:?}: the first submit found \
         part 1's worker idle, so no thread started for it, and a new one started only while no worker was idle; \
         never more than {workers}. Each worker took the next queued task as soon as it was done.",
        if async_names.len() <= workers {
            format!("{}", async_names.len())
        } else {
            format!("{} (MORE THAN ALLOWED)", async_names.len())
        },
    ));
    let input_order: Vec<usize> = (1..=tasks).collect();
    let in_order = yielded.iter().copied().eq(input_order.iter().map(|n| n * n));
    point(match (in_order, finish_order != input_order) {
        (true, true) => format!(
            "Part 3: the items finished in the order {finish_order:?}, but map() yielded their \
             results in input order, 1 to {tasks}: it waits for item 1 before it hands out item 2."
        ),
        (true, false) => format!(
            "Part 3: map() yielded its results in input order; this run the items also finished in \
             input order ({}), so the difference did not show: try the default --pause-ms or more --tasks.",
            if pause.is_zero() { "--pause-ms 0: no item waits" } else { "too few items to overtake" }
        ),
        (false, _) => format!("Part 3: map() did NOT yield in input order (unexpected): {yielded:?}."),
    });
    point(format!(
        "Part 4: shutdown(wait=True) returned after {} with {} of {tasks} tasks done; \
         shutdown(wait=False) returned after {} with {} of {tasks} done{}, and the workers still \
         finished the queued ones ({} of {tasks} in the end). After shutdown, submit() is refused: {}.",
        ms(patient.returned_after),
        patient.done_at_return,
        ms(hasty.returned_after),
        hasty.done_at_return,
        if hasty.done_at_return == tasks {
            " (the tasks were that quick: nothing was left to show)"
        } else {
            ""
        },
        hasty.done_in_the_end,
        hasty.refused
    ));
    your_turn("lesson-pool");
    finished(started);
}

/// What a shutdown did.
struct Shutdown {
    returned_after: Duration,
    done_at_return: usize,
    done_in_the_end: usize,
    /// What `submit` said after the shutdown.
    refused: String,
}

/// Part 4: a fresh pool, every task submitted, then `shutdown(wait)`.
/// `[pool.submit(task, n) for n in range(1, len + 1)]`, task n taking
/// `lengths[n - 1]`.
fn submit_all(pool: &ThreadPoolExecutor, lengths: &[Duration], log: &Log) -> Vec<Future<usize>> {
    (1..)
        .zip(lengths)
        .map(|(n, &length)| {
            let log = log.clone();
            pool.submit(move || task(n, length, &log)).expect("the pool is running")
        })
        .collect()
}

fn shut_down(wait: bool, workers: usize, lengths: &[Duration]) -> Shutdown {
    let pool = ThreadPoolExecutor::new(workers);
    let log: Log = Arc::default();
    let futures = submit_all(&pool, lengths, &log);
    say(
        "MainThread",
        format!(
            "submitted {} tasks; pool.shutdown(wait={})",
            lengths.len(),
            if wait { "True" } else { "False" }
        ),
    );
    let clock = Instant::now();
    pool.shutdown(wait, false);
    let returned_after = clock.elapsed();
    let done_at_return = futures.iter().filter(|future| future.done()).count();
    say(
        "MainThread",
        format!("shutdown returned after {}: {done_at_return} of {} done", ms(returned_after), futures.len()),
    );
    let refused = match pool.submit(|| 0) {
        Ok(_) => "accepted (unexpected)".to_string(),
        Err(error) => error.to_string(),
    };
    say("MainThread", format!("pool.submit(task, 11): {refused}"));
    if !wait {
        say("MainThread", "result() on each: the queued tasks still run");
    }
    let done_in_the_end = futures.iter().filter(|future| future.result().is_ok()).count();
    say("MainThread", format!("{done_in_the_end} of {} results got", futures.len()));
    Shutdown { returned_after, done_at_return, done_in_the_end, refused }
}
