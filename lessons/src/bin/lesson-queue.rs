//! lesson-queue: why threads share work through a `Queue`, its three
//! orders, and what `Full` and `Empty` mean.
//!
//! Part 1. Two workers take tasks from one shared list:
//!
//! ```python
//! tasks = list(range(1, 9)); done = []
//! def worker():
//!     while tasks:               # check: is there a task?
//!         task = tasks[-1]       # check: which one is next
//!         time.sleep(0.01)       # start on it (widens the window)
//!         tasks.pop()            # act: removes whatever is last NOW
//!         done.append(task)
//! ```
//!
//! Both see the same last task, both do it, and each pops one: a task is
//! done twice and another never. (Each step here locks the list on its own,
//! a `lockstep::Mutex<Vec<_>>`, so Rust's version is defined behaviour; the
//! bug is that check and act are two steps.) Then the same work from a
//! `Queue`, whose `get_nowait()` checks and takes in one step:
//!
//! ```python
//! q = queue.Queue()
//! for t in range(1, 9): q.put(t)
//! def worker():
//!     while True:
//!         try: task = q.get_nowait()     # Rust: q.try_get()
//!         except queue.Empty: break
//!         time.sleep(0.01); done.append(task)
//! ```
//!
//! Part 2, the three orders: `Queue` first in first out, `LifoQueue` last in
//! first out, `PriorityQueue` smallest first (with `(priority, task)` tuples);
//! and `SimpleQueue`, a plain FIFO with no `maxsize` and no `task_done`/`join`.
//!
//! Part 3, a `Queue(maxsize=3)`: `qsize()`, `empty()`, `full()`;
//! `put_nowait` on a full queue raises `queue.Full` (here the item comes
//! back in the error); `get(timeout=0.1)` on an empty one raises
//! `queue.Empty` once the time is up.
//!
//! Run: `cargo run -q --bin lesson-queue`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-queue -- --tasks 20 --seed 3` (`-- --help` lists them all).
//! The notes' section: 08 queue.

use clap::Parser;
use lockstep::{Event, GetError, LifoQueue, Mutex, PriorityQueue, PutError, Queue, SimpleQueue};
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, finished, heading, point, say, within_budget, your_turn,
};
use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant};

/// A shared list loses and repeats tasks, a Queue does not; FIFO, LIFO,
/// priority; Full and Empty.
#[derive(Parser, Debug)]
#[command(name = "lesson-queue", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "How long a worker of part 1 takes per task, in ms, 0 to 100 (jittered by ±50% per worker); it \
     widens the window between check and act. Part 3 waits 10 pauses for an empty queue"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many tasks the two workers of part 1 share, 2 to 1000
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(2..=1000))]
    tasks: u16,
}

/// How often each task was done: task -> times.
type Tally = BTreeMap<u32, usize>;

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    // Two workers, a pause per task, in part 1a and again in 1b.
    // Part 3 waits 10 pauses for an empty queue.
    within_budget::<Args>(args.common.pause() * (u32::from(args.tasks) + 10), "--tasks × --pause-ms");
    let mut rng = Rng::new(args.seed.seed);
    let (pause, quiet) = (args.common.pause(), args.common.quiet);
    let tasks = u32::from(args.tasks);

    heading(&format!("Part 1a: two workers share a list of {tasks} tasks: check, then act"));
    let from_list = shared_list(tasks, [rng.jitter(pause), rng.jitter(pause)], quiet);
    let (list_report, list_went_wrong) = report(tasks, &from_list);
    heading(&format!("Part 1b: the same {tasks} tasks from a Queue: get_nowait()"));
    let from_queue = shared_queue(tasks, [rng.jitter(pause), rng.jitter(pause)], quiet);
    let (queue_report, _) = report(tasks, &from_queue);

    heading("Part 2: FIFO, LIFO and priority order");
    orders();

    heading("Part 3: qsize(), empty(), full(); Full and Empty");
    full_and_empty(pause * 10);

    heading("What you saw");
    if list_went_wrong {
        point(format!(
            "The shared list: {list_report}. Each worker checked (tasks[-1]) and later acted \
             (tasks.pop()); in between the other worker did the same, so they worked on the \
             same task and each popped one: a task done twice means another popped without \
             being done."
        ));
    } else {
        let hint = if args.common.pause_ms == 0 {
            "with --pause-ms 0 a worker's check and act come so close together that the other \
             worker rarely gets in between; try the default (--pause-ms 10)"
        } else {
            "the window between check and act is still there; run it again"
        };
        point(format!(
            "The shared list: {list_report}. No task was repeated or lost this time: {hint}. \
             The bug is that tasks[-1] (check) and tasks.pop() (act) are two steps, and \
             another worker may come in between."
        ));
    }
    point(format!(
        "The Queue: {queue_report}. get_nowait() checks and takes in one step under the \
         queue's own lock, so no two workers can get the same item."
    ));
    point(
        "Queue: first in, first out (111, 333, 222). LifoQueue: last in, first out, a stack \
         (222, 333, 111). PriorityQueue: smallest first (111, 222, 333); with (priority, task) \
         tuples the lowest number comes out first. SimpleQueue: first in, first out too, but \
         never full (no maxsize) and with no task_done()/join().",
    );
    point(
        "A full Queue(maxsize) refuses put_nowait with Full; in Rust the error hands the item \
         back (Err(PutError::Full(item))), so nothing is lost. An empty queue's get_nowait, or \
         a get(timeout) that runs out, gives Empty.",
    );
    your_turn("lesson-queue");
    finished(started);
}

/// Part 1a: two workers peek at the list's last task, work, then pop, each
/// step under its own lock. Returns how often each task was done.
fn shared_list(tasks: u32, pauses: [Duration; 2], quiet: bool) -> Tally {
    let list = Mutex::new((1..=tasks).collect::<Vec<u32>>());
    say("MainThread", format!("tasks = {:?}", *list.lock()));
    let done = Mutex::new(Tally::new());
    let start = Event::new(); // both workers begin at the same moment
    thread::scope(|s| {
        for (name, pause) in ["Worker-1", "Worker-2"].into_iter().zip(pauses) {
            let (list, done, start) = (&list, &done, &start);
            let worker = move || {
                start.wait();
                // Critical section 1, the check: `while tasks: task = tasks[-1]`.
                while let Some(task) = peek_last(list) {
                    if !quiet {
                        say(name, format!("tasks[-1] is {task}: working on it"));
                    }
                    // Sleep only to widen the window between check and act.
                    thread::sleep(pause);
                    // Critical section 2, the act: `tasks.pop()`.
                    let popped = list.lock().pop();
                    let Some(popped) = popped else {
                        say(name, "IndexError: pop from empty list (the other worker emptied it)");
                        return;
                    };
                    *done.lock().entry(task).or_insert(0) += 1;
                    let note = if popped == task {
                        String::new()
                    } else {
                        format!(", but tasks.pop() removed {popped}!")
                    };
                    say(name, format!("did task {task}{note}"));
                }
            };
            lockstep_lessons::start(s, Some(name), worker);
        }
        start.set();
    });
    done.into_inner()
}

/// The check: the list's last task, under the lock, which is then released.
fn peek_last(list: &Mutex<Vec<u32>>) -> Option<u32> {
    list.lock().last().copied()
}

/// Part 1b: the same workers, taking tasks with `try_get`. Returns how
/// often each task was done.
fn shared_queue(tasks: u32, pauses: [Duration; 2], quiet: bool) -> Tally {
    let queue = Queue::new(0);
    for task in 1..=tasks {
        queue.put(task).expect("an open, unbounded queue takes every item");
    }
    say("MainThread", format!("q.put() of tasks 1..={tasks}; q.qsize() = {}", queue.qsize()));
    let done = Mutex::new(Tally::new());
    let start = Event::new(); // both workers begin at the same moment
    thread::scope(|s| {
        for (name, pause) in ["Worker-1", "Worker-2"].into_iter().zip(pauses) {
            let (queue, done, start) = (&queue, &done, &start);
            let worker = move || {
                start.wait();
                // Check and take in one step: `task = q.get_nowait()`.
                while let Ok(task) = queue.try_get() {
                    if !quiet {
                        say(name, format!("q.get_nowait() = {task}: working on it"));
                    }
                    // Sleep only to pace the demo, as in part 1a.
                    thread::sleep(pause);
                    *done.lock().entry(task).or_insert(0) += 1;
                    say(name, format!("did task {task}"));
                }
                say(name, "q.get_nowait(): Empty, so I stop");
            };
            lockstep_lessons::start(s, Some(name), worker);
        }
        start.set();
    });
    done.into_inner()
}

/// Says which tasks were done twice or never; returns it as one phrase,
/// and whether any task was done twice or never.
fn report(tasks: u32, done: &Tally) -> (String, bool) {
    let twice: Vec<u32> = done.iter().filter(|(_, times)| **times > 1).map(|(task, _)| *task).collect();
    let never: Vec<u32> = (1..=tasks).filter(|task| !done.contains_key(task)).collect();
    let summary = format!(
        "{} of {tasks} tasks done exactly once; done more than once: {twice:?}; never done: {never:?}",
        done.values().filter(|times| **times == 1).count()
    );
    say("MainThread", &summary);
    (summary, !twice.is_empty() || !never.is_empty())
}

/// Part 2: the same three puts into each kind of queue, then all gets.
fn orders() {
    let items = [111, 333, 222];
    say("MainThread", format!("each queue gets put({}), put({}), put({})", items[0], items[1], items[2]));

    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let priority = PriorityQueue::new(0);
    for item in items {
        fifo.put(item).expect("unbounded");
        lifo.put(item).expect("unbounded");
        priority.put(item).expect("unbounded");
    }
    let drain = |get: &dyn Fn() -> Result<i32, GetError>| -> String {
        std::iter::from_fn(|| get().ok()).map(|item| item.to_string()).collect::<Vec<_>>().join(", ")
    };
    say("MainThread", format!("Queue (FIFO)  gets: {}", drain(&|| fifo.try_get())));
    say("MainThread", format!("LifoQueue     gets: {}", drain(&|| lifo.try_get())));
    say("MainThread", format!("PriorityQueue gets: {}", drain(&|| priority.try_get())));
    // queue.SimpleQueue: FIFO, unbounded, no task_done()/join(), no maxsize.
    let simple = SimpleQueue::new();
    for item in items {
        simple.put(item).expect("a SimpleQueue is unbounded");
    }
    say(
        "MainThread",
        format!(
            "SimpleQueue   gets: {} (FIFO too: no maxsize, no task_done/join)",
            drain(&|| simple.try_get())
        ),
    );

    let todo = PriorityQueue::new(0);
    for task in [(3, "go home"), (1, "drink coffee"), (2, "write code")] {
        say("MainThread", format!("todo.put({task:?})"));
        todo.put(task).expect("unbounded");
    }
    let mut order = Vec::new();
    while let Ok((priority, task)) = todo.try_get() {
        order.push(format!("({priority}, '{task}')"));
    }
    say("MainThread", format!("PriorityQueue of (priority, task) gets: {}", order.join(", ")));
}

/// Part 3: a queue of 3: sizes as it fills, Full (the item comes back),
/// then Empty, at once and after `wait`.
fn full_and_empty(wait: Duration) {
    let queue = Queue::named(3, "q"); // named: --timeline shows the timed get waiting
    let state = |queue: &Queue<i32>| {
        format!("qsize() = {}, empty() = {}, full() = {}", queue.qsize(), queue.empty(), queue.full())
    };
    say("MainThread", format!("q = Queue(maxsize={}): {}", queue.maxsize(), state(&queue)));
    for item in 1..=3 {
        queue.put(item).expect("there is room for 3");
        say("MainThread", format!("q.put({item}): {}", state(&queue)));
    }
    match queue.try_put(4) {
        Ok(()) => say("MainThread", "q.try_put(4): Ok (unexpected: the queue was full)"),
        Err(PutError::Full(item)) => say(
            "MainThread",
            format!("q.try_put(4): Err(Full: the queue is full); the item came back: {item}"),
        ),
        Err(error) => say("MainThread", format!("q.try_put(4): Err({error}) (unexpected)")),
    }
    for _ in 1..=3 {
        let item = queue.get().expect("three items are queued");
        say("MainThread", format!("q.get() = {item}: {}", state(&queue)));
    }
    match queue.try_get() {
        Ok(item) => say("MainThread", format!("q.try_get() = {item} (unexpected: the queue was empty)")),
        Err(error) => say("MainThread", format!("q.try_get(): Err({error}) at once (Python: queue.Empty)")),
    }
    let asked = Instant::now();
    let millis = wait.as_millis();
    match queue.get_timeout(wait) {
        Ok(item) => say("MainThread", format!("q.get_timeout({millis} ms) = {item} (unexpected)")),
        Err(error) => say(
            "MainThread",
            format!(
                "q.get_timeout({millis} ms): Err({error}) after {:.0} ms (Python: get(timeout=..) raises queue.Empty)",
                asked.elapsed().as_secs_f64() * 1000.0
            ),
        ),
    }
}
