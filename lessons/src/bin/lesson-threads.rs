//! lesson-threads: starting threads, their names, `join`, `is_alive`,
//! `enumerate`/`active_count`, and daemon threads that are cut off when the
//! program ends, with `lockstep::thread::Thread` (Python's
//! `threading.Thread`).
//!
//! Part 1, a thread from a function. Python names a thread `Thread-N` unless
//! you give it a name (3.10+ appends the target, `Thread-1 (greet)`):
//!
//! ```python
//! def greet(word):
//!     print(threading.current_thread().name, "says", word)
//!
//! t1 = threading.Thread(target=greet, args=("hello",))        # Thread-1
//! t2 = threading.Thread(target=greet, args=("bonjour",))      # Thread-2
//! t3 = threading.Thread(target=greet, args=("hallo",), name="greeter")
//! for t in (t1, t2, t3): t.start()
//! for t in (t1, t2, t3): t.join()    # wait for each to finish
//! ```
//!
//! Part 2, a thread from a class with a `run` method:
//!
//! ```python
//! class Counter(threading.Thread):
//!     def __init__(self, upto, name=None):
//!         super().__init__(name=name)
//!         self.upto, self.total = upto, 0
//!     def run(self):                 # start() runs this on the new thread
//!         for i in range(1, self.upto + 1):
//!             self.total += i
//!             print(self.name, "adds", i)
//!
//! c = Counter(3); c.start(); c.join(); print(c.total)
//! ```
//!
//! Part 3, who is alive: `is_alive`, `threading.enumerate()`,
//! `threading.active_count()`, and a thread threading did not start:
//!
//! ```python
//! t = threading.Thread(target=wait_for_go); t.start()
//! print(t.is_alive(), threading.active_count(), [x.name for x in threading.enumerate()])
//! go.set(); t.join(); print(t.is_alive())
//! ```
//!
//! Part 4, a non-daemon worker and a daemon. The program runs itself again
//! as a child process, so we can watch that whole program end:
//!
//! ```python
//! def ticker():                      # never stops on its own
//!     n = 0
//!     while True:
//!         n += 1; print("tick", n); time.sleep(0.04)
//!
//! threading.Thread(target=ticker, name="ticker", daemon=True).start()
//! threading.Thread(target=work, name="worker").start()
//! print("main returns")              # the program waits for the worker...
//!                                    # ...but not for the daemon: cut off
//! ```
//!
//! Run: `cargo run -q --bin lesson-threads`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-threads -- --steps 2 --pause-ms 20` (`-- --help` lists them all).
//! The notes' section: 01 threads.

use clap::Parser;
use lockstep::Event;
use lockstep::thread::{Thread, active_count, current_thread, enumerate, main_thread};
use lockstep_lessons::{CommonArgs, begin, finished, heading, line, point, say, within_budget, your_turn};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
// Relaxed: the counter is read for narration only; the process ending is
// what orders the threads, not this atomic.
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Starting threads two ways, their names, join, and daemon threads.
#[derive(Parser, Debug)]
#[command(name = "lesson-threads", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of part 4, in ms, 0 to 100: the daemon ticks every 4 pauses, the worker steps every 5 \
     (only to make the demo watchable)"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    /// How many steps the non-daemon worker of part 4 takes after main
    /// returns, 1 to 50
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=50))]
    steps: u8,
    /// Internal: be the child process of part 4
    #[arg(long, hide = true)]
    daemon_demo: bool,
}

/// The calling thread's name, as Python's `current_thread().name`.
fn my_name() -> String {
    current_thread().name()
}

fn main() {
    let args = Args::parse();
    let pause = args.common.pause();
    if args.daemon_demo {
        daemon_demo(pause, args.steps);
        return; // the child's main returns here: its daemon dies with it
    }
    let started = begin(&args.common);
    // Part 4's worker takes a step every 5 pauses.
    within_budget::<Args>(pause * 5 * u32::from(args.steps), "--steps × --pause-ms");

    heading("Part 1: threads from a function");
    say("MainThread", format!("I am the main thread: current_thread().name = \"{}\"", my_name()));
    let greeters = [spawn(None, "hello"), spawn(None, "bonjour"), spawn(Some("greeter"), "hallo")];
    for (thread, _) in &greeters {
        thread.start().expect("a new thread starts"); // t.start()
    }
    // std's plain thread::spawn gives no name at all (std's view: None).
    let nameless = thread::spawn(|| {
        let me = thread::current().name().unwrap_or("<no name>").to_string();
        say(&me, "says ciao");
        format!("{me} said ciao")
    });
    for (thread, reply) in greeters {
        thread.join().expect("started, and not this thread"); // t.join()
        let reply = reply.lock().expect("greet does not panic").take();
        say("MainThread", format!("joined {}; join() returned nothing, it left {reply:?}", thread.name()));
    }
    let reply = nameless.join().expect("greet does not panic");
    say("MainThread", format!("joined the std thread; its join() handed back {reply:?}"));

    heading("Part 2: threads from a type with a run method");
    let counters = [Counter::new(3, None), Counter::new(4, Some("counter"))];
    let started_counters: Vec<_> = counters.into_iter().map(Run::start).collect();
    for (thread, slot) in started_counters {
        thread.join().expect("started, and not this thread"); // c.join()
        let counter = slot.lock().expect("run does not panic").take().expect("run handed the counter back");
        say("MainThread", format!("{} finished: total = {}", thread.name(), counter.total));
    }

    heading("Part 3: who is alive: is_alive, enumerate, active_count");
    let alive = who_is_alive();

    heading("Part 4: a non-daemon worker and a daemon (in a child process)");
    let report = watch_child(&args);

    heading("What you saw");
    point(
        "Two ways to start a thread: from a function (Thread(target=greet)), Rust: \
         Thread::new(move || greet(..)) then start(); and from a type with a run method (a \
         Thread subclass), Rust: a trait whose start() runs self.run() on a Thread.",
    );
    point(
        "Names: Thread-1, Thread-2 by default (one counter for the whole program), 'greeter' \
         and 'counter' when given; the main thread is MainThread. std::thread::spawn gives no \
         name; lockstep calls such a thread Dummy-N, as Python does.",
    );
    point(
        "join() waits for a thread to finish and, as in Python, returns nothing: a thread \
         leaves its result somewhere shared. (std's JoinHandle::join hands the value back.)",
    );
    point(format!("Part 3: {alive}"));
    point(format!("Part 4: {report}"));
    point(
        "Python's rule, which lockstep's Thread keeps: when main returns, the program waits \
         for every thread unless it has daemon=True (set_daemon(true)); daemon threads are \
         cut off. A plain std::thread has no such flag: it is always cut off.",
    );
    your_turn("lesson-threads");
    finished(started);
}

/// Python's `Thread(target=greet, args=(word,), name=name)`: `Thread-N`
/// unless named. The reply is left in the returned slot (join returns
/// nothing, as in Python).
fn spawn(name: Option<&str>, word: &'static str) -> (Thread, Arc<Mutex<Option<String>>>) {
    let slot = Arc::new(Mutex::new(None));
    let reply = slot.clone();
    let target = move || *reply.lock().expect("nobody panics holding it") = Some(greet(word));
    let thread = match name {
        Some(name) => Thread::named(name, target),
        None => Thread::new(target),
    };
    (thread, slot)
}

/// The target function: says hello in the calling thread's name.
fn greet(word: &str) -> String {
    let me = my_name();
    say(&me, format!("says {word}"));
    format!("{me} said {word}")
}

/// The object a [`Run`] thread hands back: it is left here for the joiner.
type Slot<T> = Arc<Mutex<Option<T>>>;

/// Python's `threading.Thread` subclass: `run` is the thread's body and
/// `start` runs it on a new `Thread`; the object is left in the slot.
trait Run: Send + Sized + 'static {
    /// The name given, if any (Python's `name=`; `None`: `Thread-N`).
    fn name(&self) -> Option<String>;
    /// The work, on the new thread (Python's `run`).
    fn run(&mut self);
    /// Python's `start()`: a new thread, with this name, calls `run`.
    fn start(mut self) -> (Thread, Slot<Self>) {
        let slot = Arc::new(Mutex::new(None));
        let back = slot.clone();
        let name = self.name();
        let worker = move || {
            self.run();
            *back.lock().expect("nobody panics holding it") = Some(self); // for whoever joins
        };
        let thread = match name {
            Some(name) => Thread::named(name, worker),
            None => Thread::new(worker),
        };
        thread.start().expect("a new thread starts");
        (thread, slot)
    }
}

/// Adds `1..=upto`, narrating each step: part 2's `Counter(Thread)`.
struct Counter {
    name: Option<String>,
    upto: u32,
    total: u32,
}

impl Counter {
    /// Python's `Counter(upto, name=name)`: `Thread-N` unless named.
    fn new(upto: u32, name: Option<&str>) -> Counter {
        Counter { name: name.map(str::to_string), upto, total: 0 }
    }
}

impl Run for Counter {
    fn name(&self) -> Option<String> {
        self.name.clone()
    }

    fn run(&mut self) {
        for i in 1..=self.upto {
            self.total += i;
            say(&my_name(), format!("adds {i}, total = {}", self.total));
        }
    }
}

/// Part 3: a thread waiting for `go` is alive and listed; once joined it
/// is neither. A std thread asking for its `Thread` becomes a `Dummy-N`.
/// Returns the summary line.
fn who_is_alive() -> String {
    let go = Arc::new(Event::new());
    let waiting = go.clone();
    let waiter = Thread::named("waiter", move || waiting.wait());
    say("MainThread", format!("before start: waiter.is_alive() = {}", waiter.is_alive()));
    waiter.start().expect("a new thread starts");
    let names = |threads: Vec<Thread>| threads.iter().map(Thread::name).collect::<Vec<_>>().join(", ");
    let (count, listed) = (active_count(), names(enumerate()));
    say(
        "MainThread",
        format!(
            "after start: waiter.is_alive() = {}; active_count() = {count}; enumerate() = [{listed}]",
            waiter.is_alive()
        ),
    );
    let dummy = thread::spawn(|| {
        let me = current_thread();
        say(&me.name(), format!("a std thread: current_thread() is {me:?}"));
        me.name()
    })
    .join()
    .expect("the std thread does not panic");
    go.set();
    waiter.join().expect("started, and not this thread");
    let after = names(enumerate());
    say(
        "MainThread",
        format!(
            "after go.set() and join(): waiter.is_alive() = {}; enumerate() = [{after}]",
            waiter.is_alive()
        ),
    );
    let main = main_thread();
    format!(
        "waiter was alive and listed from start() to join() ({count} threads with {}); a std \
         thread that asked was {dummy} (Python's _DummyThread); afterwards only {} was left.",
        main.name(),
        after
    )
}

/// Part 4 in the parent: runs this program with `--daemon-demo`, echoes
/// its lines, and says how its daemon ended. Returns the summary line.
fn watch_child(args: &Args) -> String {
    let exe = std::env::current_exe().expect("the lesson's own path");
    let pause_ms = args.common.pause_ms.to_string();
    let steps = args.steps.to_string();
    let child_args = ["--daemon-demo", "--pause-ms", &pause_ms, "--steps", &steps];
    say("MainThread", "running this lesson again as a child process, with a daemon thread in it:");
    let begun = Instant::now();
    let mut child =
        Command::new(exe).args(child_args).stdout(Stdio::piped()).spawn().expect("start the child process");
    let quiet = args.common.quiet;
    let stdout = child.stdout.take().expect("stdout is piped");
    // Echo the child's lines as they come, and keep them for the report.
    let reader = thread::spawn(move || {
        let mut lines = Vec::new();
        for text in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !quiet {
                line(format!("    child | {text}"));
            }
            lines.push(text);
        }
        lines
    });
    // No lesson may hang: give the child 30 s, though it needs well under 1.
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            break status;
        }
        if begun.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            break child.wait().expect("reap the killed child");
        }
        thread::sleep(Duration::from_millis(5)); // polling interval only
    };
    let lived = begun.elapsed().as_secs_f64();
    let lines = reader.join().expect("the reader thread");
    let ticks = lines.iter().filter(|line| line.starts_with("ticker: tick")).count();
    let main_returned = lines.iter().any(|line| line.contains("main returns now"));
    say(
        "MainThread",
        format!(
            "the child process ended after {lived:.2} s with {status}; its ticker had printed {ticks} ticks"
        ),
    );
    let worker_done = lines.iter().any(|line| line.contains("worker: all steps done"));
    if status.success() && main_returned && worker_done {
        format!(
            "main returned without joining anyone; the worker, a non-daemon Thread, kept the \
             program alive until it had done all its steps; the ticker, a daemon looping \
             forever, was cut off after {ticks} ticks when the program ended \
             (the whole process ended in {lived:.2} s)."
        )
    } else {
        format!("the child did not end as expected ({status}); see its lines above.")
    }
}

/// Part 4 in the child: a daemon ticker that never stops, a non-daemon
/// worker, then main returns at once: the program waits for the worker.
fn daemon_demo(pause: Duration, steps: u8) {
    static TICKS: AtomicU64 = AtomicU64::new(0);
    static TICKING: Event = Event::new();
    let ticker = move || {
        for tick in 1.. {
            TICKS.store(tick, Relaxed);
            say("ticker", format!("tick {tick} (this loop never ends)"));
            TICKING.set();
            // Sleep only to pace the demo: a tick every 4 pauses.
            thread::sleep(pause * 4);
        }
    };
    let ticker = Thread::named("ticker", ticker);
    ticker.set_daemon(true).expect("not started yet"); // daemon=True: nothing will wait for it
    ticker.start().expect("a new thread starts");
    TICKING.wait(); // so the demo always shows at least one tick, however busy the machine

    let work = move || {
        for step in 1..=steps {
            say("worker", format!("step {step} of {steps}"));
            // Sleep only to pace the demo: a step every 5 pauses.
            thread::sleep(pause * 5);
        }
        say("worker", "all steps done");
    };
    let worker = Thread::named("worker", work); // not a daemon: the program will wait for it
    worker.start().expect("a new thread starts");
    let ticks = TICKS.load(Relaxed);
    say(
        &my_name(),
        format!("worker.is_alive() = {}; the ticker is at tick {ticks}; main returns now", worker.is_alive()),
    );
}
