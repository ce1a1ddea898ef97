//! lesson-callback: getting a result back without waiting for it: a
//! callback, by hand on a `Thread`, then with `Future.add_done_callback`.
//!
//! Part 1, the callback by hand: the thread's task calls `callback(result)`
//! when it is done, so the callback runs in that thread, not in main:
//!
//! ```python
//! def task(n, callback):
//!     time.sleep(0.1)                        # the work
//!     callback(n * n)                        # hand the result over, in this thread
//!
//! def callback(result):
//!     print(threading.current_thread().name, "callback got", result)
//!
//! t = threading.Thread(target=task, args=(7, callback))
//! t.start()
//! print("main goes on")                      # main does not wait for the result
//! t.join()
//! ```
//!
//! Part 2, `add_done_callback`: the pool runs the callback in the worker
//! that finished the task, as soon as it finishes, so the callbacks come
//! in completion order, not in submission order:
//!
//! ```python
//! pool = ThreadPoolExecutor(5)
//! for n, secs in enumerate([0.12, 0.04, 0.16, 0.2, 0.08], 1):
//!     f = pool.submit(task, n, secs)
//!     f.add_done_callback(lambda f: print(threading.current_thread().name, "callback:", f.result()))
//! ```
//!
//! Part 3, a callback added to a future that is already done runs at once,
//! in the thread that adds it (here MainThread), before
//! `add_done_callback` returns.
//!
//! Part 4, a task that raises: the exception is kept in the future, and
//! reaches the callback through `f.exception()` (Rust: a panic, caught).
//!
//! Run: `cargo run -q --bin lesson-callback`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-callback -- --tasks 8 --seed 4` (`-- --help` lists them all).
//! The notes' section: 13 pools.

use clap::Parser;
use lockstep::futures::ThreadPoolExecutor;
use lockstep::thread::current_thread;
use lockstep::{Event, Mutex};
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, book, finished, heading, point, say, start, within_budget, your_turn,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize};
// Relaxed: the counters only number the steps; the future's completion
// (or the thread's join) orders them before anyone reads the records.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::Duration;

/// Callbacks: by hand on a Thread, add_done_callback, on a done future, after a panic.
#[derive(Parser, Debug)]
#[command(name = "lesson-callback", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of the tasks, in ms, 0 to 100: part 1's task works 10 pauses; in part 2 the tasks work 4, \
     8, 12, ... pauses, in a seeded order, so they finish in an order of their own"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many tasks part 2 submits (to a pool of as many workers), 2 to 10
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(2..=10))]
    tasks: u8,
}

/// The message of part 4's panic, which the quiet panic hook keeps off stderr.
const DIVISION_BY_ZERO: &str = "division by zero";

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let (tasks, pause) = (usize::from(args.tasks), args.common.pause());
    within_budget::<Args>(pause * 4 * u32::from(args.tasks) + pause * 20, "--tasks × --pause-ms");
    quiet_about_the_expected_panic();
    let mut rng = Rng::new(args.seed.seed);

    heading("Part 1: the callback by hand: a Thread whose task calls callback(result)");
    let by_hand = by_hand(pause);

    heading(&format!("Part 2: add_done_callback on {tasks} futures of ThreadPoolExecutor({tasks})"));
    let pool = ThreadPoolExecutor::new(tasks);
    let (submitted, finish_order, callbacks) = done_callbacks(&pool, tasks, pause, &mut rng);

    heading("Part 3: add_done_callback on a future that is already done");
    let (late_thread, ran_before_return) = on_a_done_future(&pool);

    heading("Part 4: a task that panics: the exception reaches the callback");
    let (seen_by_callback, callback_thread) = after_a_panic(&pool, pause);

    heading("What you saw");
    point(if by_hand.callback_thread != "MainThread" && by_hand.main_went_on_first {
        format!(
            "Part 1: the callback ran in {}, the thread that did the work, while MainThread had \
             gone on without waiting; it got {}. A callback is just a function the task calls \
             at its end: it runs in the task's thread.",
            by_hand.callback_thread, by_hand.result
        )
    } else {
        format!(
            "Part 1: the callback ran in {} with {}; main went on first: {} (with --pause-ms {} the \
             task was done before main had printed its line).",
            by_hand.callback_thread, by_hand.result, by_hand.main_went_on_first, args.common.pause_ms
        )
    });
    let callback_order: Vec<usize> = callbacks.iter().map(|callback| callback.task).collect();
    let by_workers = callbacks.iter().filter(|callback| callback.thread == callback.worker).count();
    point(if callback_order == finish_order && callback_order != submitted {
        format!(
            "Part 2: submitted in the order {submitted:?}, the tasks finished in the order \
             {finish_order:?}, and the callbacks ran in that same order: each as soon as its task \
             was done, not in submission order."
        )
    } else {
        format!(
            "Part 2: submitted {submitted:?}, finished {finish_order:?}, callbacks {callback_order:?}{}.",
            if pause.is_zero() {
                " (with --pause-ms 0 the tasks take no time and finish microseconds apart, so a task's last line and its callback can be overtaken by another's: the default pause spaces them 4 pauses apart)"
            } else {
                ""
            }
        )
    });
    point(if by_workers == tasks {
        format!(
            "Part 2: all {tasks} callbacks were printed by the worker that ran their task \
             (ThreadPoolExecutor-0_0..), none by MainThread: add_done_callback runs the callback \
             in the thread that completes the future."
        )
    } else {
        format!(
            "Part 2: {by_workers} of {tasks} callbacks ran in the worker that ran their task; the \
             others ran in MainThread{}: their task was already done when add_done_callback was \
             called, as part 3 shows.",
            if pause.is_zero() {
                " (--pause-ms 0: the tasks finished before their callback was added)"
            } else {
                ""
            }
        )
    });
    point(if late_thread == "MainThread" && ran_before_return {
        "Part 3: on a future that was already done, add_done_callback ran the callback at once, in \
         MainThread (the caller), before add_done_callback returned."
            .to_string()
    } else {
        format!(
            "Part 3: the callback ran in {late_thread}; before add_done_callback returned: {ran_before_return}."
        )
    });
    point(match seen_by_callback {
        Some(message) => format!(
            "Part 4: the task panicked (Python: raised); the panic did not kill its worker or \
             crash MainThread: it was kept in the future, and the callback (run by {callback_thread}) \
             got it from f.exception(): {message:?}; f.result() is Err(Panicked) too."
        ),
        None => "Part 4: the callback saw no exception (unexpected).".to_string(),
    });
    your_turn("lesson-callback");
    finished(started);
}

/// What part 1's hand-made callback saw.
struct ByHand {
    callback_thread: String,
    result: usize,
    /// MainThread said it went on before the callback ran.
    main_went_on_first: bool,
}

/// Part 1: a `Thread` whose task calls `callback(result)`.
fn by_hand(pause: Duration) -> ByHand {
    let step = AtomicUsize::new(0); // numbers main's line and the callback
    let (main_step, callback_step) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let seen: std::sync::Mutex<Option<(String, usize)>> = std::sync::Mutex::new(None);
    let callback = |result: usize| {
        let name = current_thread().name();
        callback_step.store(step.fetch_add(1, Relaxed) + 1, Relaxed);
        say(&name, format!("callback got {result}"));
        *book(&seen) = Some((name, result));
    };
    thread::scope(|s| {
        let (callback, n) = (&callback, 7);
        let worker = start(s, None, move || {
            say(&current_thread().name(), format!("task({n}, callback): working"));
            // Sleep only to stand for the work.
            thread::sleep(pause * 10);
            callback(n * n); // hand the result over: in this thread
        });
        main_step.store(step.fetch_add(1, Relaxed) + 1, Relaxed);
        say(
            "MainThread",
            format!("started {}; main goes on, it does not wait for the result", worker.thread.name()),
        );
        let name = worker.thread.name();
        worker.join();
        say("MainThread", format!("joined {name}"));
    });
    let (callback_thread, result) = seen.into_inner().unwrap_or_default().unwrap_or_default();
    ByHand {
        callback_thread,
        result,
        main_went_on_first: main_step.load(Relaxed) < callback_step.load(Relaxed),
    }
}

/// A callback that ran: for which task, in which thread, and which
/// worker ran that task.
#[derive(Debug, Clone)]
struct Callback {
    task: usize,
    thread: String,
    worker: String,
}

/// Part 2: `tasks` tasks of different lengths, each with a callback.
/// Returns the submission order, the finish order and the callbacks.
fn done_callbacks(
    pool: &ThreadPoolExecutor,
    tasks: usize,
    pause: Duration,
    rng: &mut Rng,
) -> (Vec<usize>, Vec<usize>, Vec<Callback>) {
    // Task n works `lengths[n - 1]` × 4 pauses: a seeded shuffle of 1..=tasks
    // (reversed if the shuffle left it in order, so the order shows).
    let mut lengths: Vec<u32> = (1..=u32::try_from(tasks).unwrap_or(1)).collect();
    rng.shuffle(&mut lengths);
    if lengths.is_sorted() {
        lengths.reverse();
    }
    let finishes: Arc<Mutex<Vec<usize>>> = Arc::default(); // task numbers, as they finish
    let callbacks: Arc<Mutex<Vec<Callback>>> = Arc::default();
    let all_called = Arc::new(Event::new());
    let submitted: Vec<usize> = (1..=tasks).collect();
    let futures: Vec<_> = submitted
        .iter()
        .zip(&lengths)
        .map(|(&n, &length)| {
            let work = pause * 4 * length;
            let finishes = finishes.clone();
            let future = pool
                .submit(move || {
                    // Sleep only to stand for the work, of its own length.
                    thread::sleep(work);
                    let worker = current_thread().name();
                    say(&worker, format!("task {n} done after {} ms", work.as_millis()));
                    finishes.lock().push(n);
                    (n * n, worker)
                })
                .expect("the pool is running");
            say(
                "MainThread",
                format!("submit(task {n}, {} ms); add_done_callback(report)", work.as_millis()),
            );
            let (callbacks, all_called) = (callbacks.clone(), all_called.clone());
            future.add_done_callback(move |future| {
                let thread = current_thread().name();
                let (result, worker) = future.result().expect("the task does not panic").clone();
                say(&thread, format!("callback: task {n}'s future is done, result() = {result}"));
                let mut callbacks = callbacks.lock();
                callbacks.push(Callback { task: n, thread, worker });
                if callbacks.len() == tasks {
                    all_called.set(); // the last one
                }
            });
            future
        })
        .collect();
    for future in &futures {
        let _ = future.result();
    }
    all_called.wait(); // the callbacks run after the result is set: wait until all have
    say("MainThread", "all results are in");
    let (finishes, callbacks) = (finishes.lock().clone(), callbacks.lock().clone());
    (submitted, finishes, callbacks)
}

/// Part 3: a callback added after the future is done. Returns the thread
/// it ran in and whether it ran before `add_done_callback` returned.
fn on_a_done_future(pool: &ThreadPoolExecutor) -> (String, bool) {
    let future = pool.submit(|| 6 * 7).expect("the pool is running");
    let result = *future.result().expect("no panic");
    say(
        "MainThread",
        format!("f.result() = {result}; f.done() = {}; now f.add_done_callback(report)", future.done()),
    );
    let returned = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Option<(String, bool)>>> = Arc::default();
    let (returned_yet, slot) = (returned.clone(), seen.clone());
    future.add_done_callback(move |future| {
        let thread = current_thread().name();
        say(&thread, format!("callback: result() = {:?}, at once", future.result()));
        *slot.lock() = Some((thread, !returned_yet.load(Relaxed)));
    });
    returned.store(true, Relaxed);
    say("MainThread", "add_done_callback returned");
    let seen = seen.lock().clone();
    seen.unwrap_or_default()
}

/// What part 4's callback saw: the exception's message, and its own thread.
type Saw = (Option<String>, String);

/// Part 4: a task that panics after a little work; its callback reads
/// `exception()`. Returns what the callback saw and the task's thread.
fn after_a_panic(pool: &ThreadPoolExecutor, pause: Duration) -> Saw {
    let future = pool
        .submit(move || -> usize {
            say(&current_thread().name(), "task: return 1 / 0");
            // Sleep only so that the callback is added before the panic.
            thread::sleep(pause * 4);
            panic!("{DIVISION_BY_ZERO}");
        })
        .expect("the pool is running");
    say("MainThread", "f = submit(fails); f.add_done_callback(report)");
    let seen: Arc<Mutex<Option<Saw>>> = Arc::default();
    let called = Arc::new(Event::new());
    let (slot, calling) = (seen.clone(), called.clone());
    future.add_done_callback(move |future| {
        let thread = current_thread().name();
        let exception = future.exception().ok().flatten().map(|panic| panic.message().to_string());
        say(&thread, format!("callback: f.exception() = {exception:?}; f.result() = {:?}", future.result()));
        *slot.lock() = Some((exception, thread));
        calling.set();
    });
    say("MainThread", format!("f.result() = {:?}", future.result()));
    called.wait(); // the callbacks run once the future is done, maybe just after result() returns
    let seen = seen.lock().clone();
    seen.unwrap_or_default()
}

/// Part 4's panic is the lesson's point, not an accident: keep Rust's
/// "thread '...' panicked at" message for it off stderr (Python prints
/// nothing either: the exception waits in the future). Every other panic
/// is reported as usual.
fn quiet_about_the_expected_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload().downcast_ref::<String>().map(String::as_str);
        if message != Some(DIVISION_BY_ZERO) {
            report(info);
        }
    }));
}
