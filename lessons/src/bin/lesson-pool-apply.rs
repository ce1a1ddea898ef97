//! lesson-pool-apply: the notes' `multiprocessing.Pool` API: `apply`,
//! `apply_async` with a `callback`, `close`, `join`, `get`.
//!
//! Here the pool's workers are threads (lockstep's `Pool` is Python's
//! `multiprocessing.pool.ThreadPool`); the version with processes comes
//! with the process crate. The API is the same:
//!
//! ```python
//! from multiprocessing import Pool          # here: multiprocessing.pool.ThreadPool
//!
//! def task(n):
//!     time.sleep(random.uniform(0.05, 0.15))   # the work
//!     print(current_process().name, "task", n)  # here: the thread's name
//!     return n * n
//!
//! def callback(result):                      # runs in the pool, when a task is done
//!     print("callback got", result)
//!
//! pool = Pool(3)
//! for n in range(1, 11):                     # Part 1: apply, synchronous
//!     print(pool.apply(task, (n,)))          # waits for each: ten in a row
//!
//! results = [pool.apply_async(task, (n,), callback=callback) for n in range(1, 11)]   # Part 2
//! pool.close()                               # no new tasks; the queued ones still run
//! pool.join()                                # wait until the workers have done them all
//! print([r.get() for r in results])
//! ```
//!
//! Two differences from Python's `Pool`, both visible here: lockstep's
//! starts its threads when work comes and reuses an idle one (as
//! `ThreadPoolExecutor` does), where Python's starts all of them at once;
//! and the callback runs in the worker that ran the task, where Python's
//! runs in a result-handler thread of the main process. In both, the
//! callback runs before `get()` can return, and must be quick.
//!
//! Part 3: forget `pool.join()` and main reaches its end while the tasks
//! are still queued or running: the pool is torn down with the program,
//! and the results and callbacks that were not in yet never come. The
//! lesson shows what was in at that moment (without ending its process),
//! what tearing the pool down (`terminate`, as dropping it does) kept from
//! ever running; then the fix, `join()` before the end.
//!
//! Run: `cargo run -q --bin lesson-pool-apply`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-pool-apply -- --processes 2 --tasks 6` (`-- --help` lists them all).
//! The notes' section: 13 pools.

use clap::Parser;
use lockstep::Mutex;
use lockstep::futures::{AsyncResult, Pool, PoolError};
use lockstep::thread::current_thread;
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, finished, heading, point, say, within_budget, your_turn,
};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The notes' Pool: apply vs apply_async + close + join + get, a callback, a forgotten join.
#[derive(Parser, Debug)]
#[command(name = "lesson-pool-apply", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of the tasks, in ms, 0 to 100: a task works 10 pauses (jittered by ±50%, seeded)"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many tasks each part gives the pool, 1 to 40
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u8).range(1..=40))]
    tasks: u8,
    /// The pool's size, Pool(processes), 1 to 16
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=16))]
    processes: u8,
}

/// Who did what: the worker of each task and the thread of each callback.
#[derive(Default)]
struct Seen {
    workers: Vec<String>,
    callbacks: Vec<String>,
}

type Record = Arc<Mutex<Seen>>;

/// The task: works `length`, says so, returns `n * n`.
fn task(n: usize, length: Duration, record: &Record) -> usize {
    let worker = current_thread().name();
    // Sleep only to stand for the work.
    thread::sleep(length);
    say(&worker, format!("task {n} done after {} ms: returns {}", length.as_millis(), n * n));
    record.lock().workers.push(worker);
    n * n
}

/// `names` each once, sorted.
fn distinct(names: &[String]) -> Vec<String> {
    let mut names = names.to_vec();
    names.sort();
    names.dedup();
    names
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

/// `apply_async(task, (n,), callback=callback)` for every task.
fn submit_all(pool: &Pool, lengths: &[Duration], record: &Record) -> Vec<AsyncResult<usize>> {
    (1..)
        .zip(lengths)
        .map(|(n, &length)| {
            let (for_task, for_callback) = (record.clone(), record.clone());
            let callback = move |result: &usize| {
                let thread = current_thread().name();
                say(&thread, format!("callback got {result}"));
                for_callback.lock().callbacks.push(thread);
            };
            pool.apply_async_with(move || task(n, length, &for_task), callback, |_| {})
                .expect("the pool is running")
        })
        .collect()
}

/// The results that `get()` hands back, in order (`None`: an error).
fn get_all(results: &[AsyncResult<usize>]) -> Vec<Option<usize>> {
    results.iter().map(|result| result.get().ok().copied()).collect()
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let (tasks, processes, pause) =
        (usize::from(args.tasks), usize::from(args.processes), args.common.pause());
    // Part 1 takes the sum (up to 15 pauses a task), the others about as much again.
    within_budget::<Args>(pause * 15 * u32::from(args.tasks) * 2, "--tasks × --pause-ms");
    let mut rng = Rng::new(args.seed.seed);
    let lengths: Vec<Duration> = (0..tasks).map(|_| rng.jitter(pause * 10)).collect();
    let sum: Duration = lengths.iter().sum();
    let pool = Pool::new(processes);

    heading(&format!("Part 1: pool.apply(task, (n,)), {tasks} times, on Pool({processes})"));
    let record: Record = Arc::default();
    let clock = Instant::now();
    for (n, &length) in (1..).zip(&lengths) {
        let for_task = record.clone();
        let result = pool.apply(move || task(n, length, &for_task)).expect("the pool is running");
        say("MainThread", format!("pool.apply(task, ({n},)) = {result}"));
    }
    let apply_total = clock.elapsed();
    let apply_workers = distinct(&record.lock().workers);
    say(
        "MainThread",
        format!(
            "total: {} (the tasks' times add up to {}); workers: {apply_workers:?}",
            ms(apply_total),
            ms(sum)
        ),
    );

    heading(&format!("Part 2: apply_async(task, (n,), callback=callback) × {tasks}; close(); join(); get()"));
    let record: Record = Arc::default();
    let clock = Instant::now();
    let results = submit_all(&pool, &lengths, &record);
    say(
        "MainThread",
        format!(
            "{tasks} apply_async calls returned at once ({}); pool.close(); pool.join()",
            ms(clock.elapsed())
        ),
    );
    pool.close();
    let refused = pool.apply_async(|| 0).err();
    pool.join().expect("closed first");
    let async_total = clock.elapsed();
    let got = get_all(&results);
    say(
        "MainThread",
        format!(
            "join() returned after {}; [r.get() for r in results] = {:?}",
            ms(async_total),
            got.iter().flatten().collect::<Vec<_>>()
        ),
    );
    let (async_workers, async_callbacks) = {
        let seen = record.lock();
        (distinct(&seen.workers), seen.callbacks.clone())
    };
    say("MainThread", format!("workers: {async_workers:?}; callbacks run: {}", async_callbacks.len()));

    heading("Part 3: forget pool.join(): main reaches its end first");
    let forgot = forget_join(processes, &lengths);

    heading("Part 3, fixed: pool.close(); pool.join() before the end");
    let record: Record = Arc::default();
    let fixed_pool = Pool::new(processes);
    let results = submit_all(&fixed_pool, &lengths, &record);
    say("MainThread", "pool.close(); pool.join()");
    fixed_pool.close();
    fixed_pool.join().expect("closed first");
    let fixed_ready = results.iter().filter(|result| result.ready()).count();
    let fixed_callbacks = record.lock().callbacks.len();
    say(
        "MainThread",
        format!("main's end: {fixed_ready} of {tasks} results ready, {fixed_callbacks} callbacks run"),
    );

    heading("What you saw");
    point(format!(
        "Part 1: apply() waits for its task, so the {tasks} tasks ran one after another: {} in all, \
         about the sum of their times ({}). {}",
        ms(apply_total),
        ms(sum),
        if apply_workers.len() == 1 {
            format!(
                "One worker, {}, did them all: the pool reuses an idle worker, and with apply() \
                 there is never more than one task to do.",
                apply_workers[0]
            )
        } else {
            format!("Workers used: {apply_workers:?}.")
        }
    ));
    let callbacks_in_pool = async_callbacks.iter().all(|thread| thread.starts_with("Pool-"));
    point(format!(
        "Part 2: the {tasks} apply_async() calls returned at once and the pool ran the tasks {} at \
         a time: join() returned after {}{}. get() handed back {} of {tasks} results, in order; \
         the callback ran {} times, {}. After close(), apply_async() was refused ({}).",
        async_workers.len(),
        ms(async_total),
        if pause.is_zero() {
            format!(
                " (part 1: {}; with --pause-ms 0 the tasks do not work at all, so there was nothing to overlap)",
                ms(apply_total)
            )
        } else if processes.min(tasks) == 1 {
            format!(
                " (part 1: {}; with {} one task runs at a time either way)",
                ms(apply_total),
                if processes == 1 { "--processes 1" } else { "--tasks 1" }
            )
        } else if async_total < apply_total {
            format!(
                ", {:.1}× faster than part 1",
                apply_total.as_secs_f64() / async_total.as_secs_f64().max(1e-9)
            )
        } else {
            format!(
                " (part 1: {}; not faster: unexpected, the machine must have stalled the lesson this run)",
                ms(apply_total)
            )
        },
        got.iter().flatten().count(),
        async_callbacks.len(),
        if callbacks_in_pool {
            "each in the pool thread that had run its task"
        } else {
            "not all in pool threads (unexpected)"
        },
        refused.map_or("not refused: unexpected".to_string(), |error| error.to_string()),
    ));
    point(format!(
        "The workers: {} names did all the work of part 2, {async_workers:?}, {} Pool({processes}): \
         the pool starts its threads when there is work and keeps them for the next task.",
        async_workers.len(),
        if async_workers.len() <= processes { "never more than" } else { "MORE THAN (unexpected)" }
    ));
    point(if forgot.ready_at_end < tasks {
        format!(
            "Part 3: without join(), main reached its end with only {} of {tasks} results in and \
             {} of {tasks} callbacks run. The end of the program tears the pool down: here \
             terminate() (what dropping the Pool does) kept {} queued tasks from ever running \
             (their get() is Err: \"{}\"){}.",
            forgot.ready_at_end,
            forgot.callbacks_at_end,
            forgot.never_ran,
            PoolError::Terminated,
            match forgot.running_at_end {
                0 => String::new(),
                running => format!(
                    ", and {running} running task(s) would have been cut off by the exit (here they \
                     finished, only because this lesson's process goes on)"
                ),
            }
        )
    } else {
        format!(
            "Part 3: without join(), all {tasks} results happened to be in before main's end: with \
             --pause-ms {} the tasks were done before main got there. That is why a forgotten \
             join() goes unnoticed: it bites only when the work is slower than main.",
            args.common.pause_ms
        )
    });
    point(format!(
        "Part 3, fixed: close() then join() made main wait: {fixed_ready} of {tasks} results ready \
         and {fixed_callbacks} callbacks run before the end."
    ));
    your_turn("lesson-pool-apply");
    finished(started);
}

/// What a forgotten `join` lost.
struct Forgot {
    ready_at_end: usize,
    callbacks_at_end: usize,
    running_at_end: usize,
    never_ran: usize,
}

/// Part 3: `apply_async` × N, `close()`, and no `join()`: main's end comes
/// at once. Shown, not done: the lesson counts what is in at that moment,
/// then tears the pool down as the end would (`terminate`).
fn forget_join(processes: usize, lengths: &[Duration]) -> Forgot {
    let record: Record = Arc::default();
    let pool = Pool::new(processes);
    let results = submit_all(&pool, lengths, &record);
    say("MainThread", "pool.close()   # and no pool.join()");
    pool.close();
    let ready_at_end = results.iter().filter(|result| result.ready()).count();
    let callbacks_at_end = record.lock().callbacks.len();
    say(
        "MainThread",
        format!(
            "main's end: {ready_at_end} of {} results ready, {callbacks_at_end} callbacks run; the pool goes down with main",
            results.len()
        ),
    );
    pool.terminate(); // what the end does to the pool: dropping it terminates
    pool.join().expect("terminated first");
    let never_ran =
        results.iter().filter(|result| matches!(result.get(), Err(PoolError::Terminated))).count();
    let ran = results.len() - never_ran;
    say(
        "MainThread",
        format!(
            "after terminate(): {never_ran} tasks never ran (get() = Err({})); {ran} had started",
            PoolError::Terminated
        ),
    );
    // Started but not ready at main's end: running then (or just starting).
    Forgot { ready_at_end, callbacks_at_end, running_at_end: ran.saturating_sub(ready_at_end), never_ran }
}
