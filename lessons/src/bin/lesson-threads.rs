//! lesson-threads: starting threads, their names, `join`, and "daemon"
//! threads that are cut off when the program ends.
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
//! Part 3, joined vs daemon threads. The program runs itself again as a
//! child process, so we can watch that whole program end:
//!
//! ```python
//! def ticker():                      # never stops on its own
//!     n = 0
//!     while True:
//!         n += 1; print("tick", n); time.sleep(0.04)
//!
//! threading.Thread(target=ticker, name="ticker", daemon=True).start()
//! w = threading.Thread(target=work, name="worker"); w.start()
//! w.join()                           # main waits for the worker...
//! print("main returns")              # ...but not for the daemon: cut off
//! ```
//!
//! Run: `cargo run -q --bin lesson-threads` (try `--steps 2`, `--pause-ms 20`).

use clap::Parser;
use lockstep::Event;
use lockstep_lessons::{CommonArgs, finished, heading, line, point, say, thread_name, your_turn};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
// Relaxed everywhere: the counters are read for narration only; join()
// (and the process ending) is what orders the threads, not these atomics.
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Starting threads two ways, their names, join, and daemon threads.
#[derive(Parser, Debug)]
#[command(name = "lesson-threads", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of part 3, in ms: the daemon ticks every 4 pauses, the worker steps every 5 \
     (only to make the demo watchable)"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    /// How many steps the joined worker of part 3 takes before main returns
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=50))]
    steps: u8,
    /// Internal: be the child process of part 3
    #[arg(long, hide = true)]
    daemon_demo: bool,
}

/// How many threads got a default name so far: Python's `_counter`, which
/// only a thread without a `name=` advances.
static UNNAMED_THREADS: AtomicUsize = AtomicUsize::new(0);

/// Python's `Thread(name=None)`: the next `Thread-N`.
fn default_name() -> String {
    thread_name(UNNAMED_THREADS.fetch_add(1, Relaxed) + 1)
}

/// The calling thread's name; Rust calls the main thread "main" and leaves
/// `thread::spawn`ed threads nameless.
fn my_name() -> String {
    thread::current().name().unwrap_or("<no name>").to_string()
}

fn main() {
    let args = Args::parse();
    let pause = args.common.pause();
    if args.daemon_demo {
        daemon_demo(pause, args.steps);
        return; // the child's main returns here: its daemon dies with it
    }
    let started = Instant::now();

    heading("Part 1: threads from a function");
    say("MainThread", format!("I am the main thread; Rust names me \"{}\"", my_name()));
    let handles = vec![
        spawn(default_name(), "hello"),
        spawn(default_name(), "bonjour"),
        spawn("greeter".to_string(), "hallo"),
    ];
    // Rust's plain thread::spawn gives no name at all (Python would say Thread-N).
    let nameless = thread::spawn(|| greet("ciao"));
    for handle in handles.into_iter().chain([nameless]) {
        let reply = handle.join().expect("greet does not panic"); // t.join()
        say("MainThread", format!("joined; join() handed back {reply:?}"));
    }

    heading("Part 2: threads from a type with a run method");
    let counters = [Counter::new(3, None), Counter::new(4, Some("counter"))];
    let started_counters: Vec<_> = counters.into_iter().map(Run::start).collect();
    for handle in started_counters {
        let counter = handle.join().expect("run does not panic"); // c.join()
        say("MainThread", format!("{} finished: total = {}", counter.name, counter.total));
    }

    heading("Part 3: a joined worker and a daemon (in a child process)");
    let report = watch_child(&args);

    heading("What you saw");
    point(
        "Two ways to start a thread: from a function (Thread(target=greet)), Rust: \
         thread::Builder::new().name(..).spawn(move || greet(..)); and from a type with a \
         run method (a Thread subclass), Rust: a trait whose start() spawns self.run().",
    );
    point(
        "Names: Thread-1, Thread-2 by default, 'greeter' and 'counter' when given. Rust names \
         only what you name: the main thread is \"main\" and thread::spawn gives none.",
    );
    point(
        "join() waits for a thread to finish. In Rust it also hands back what the thread \
         returned (the reply, the Counter with its total); Python's join() returns None.",
    );
    point(format!("Part 3: {report}"));
    point(
        "Python: the program waits for every thread at exit unless it has daemon=True; \
         daemon threads are cut off. Rust has no such flag: when main returns, the process \
         ends and every thread still running is cut off, like a daemon (no destructors run). \
         To wait, as Python does for a normal thread, join() it, or use thread::scope.",
    );
    your_turn("lesson-threads");
    finished(started);
}

/// Python's `Thread(target=greet, args=(word,), name=name).start()`.
fn spawn(name: String, word: &'static str) -> JoinHandle<String> {
    thread::Builder::new().name(name).spawn(move || greet(word)).expect("spawn a thread")
}

/// The target function: says hello in the calling thread's name.
fn greet(word: &str) -> String {
    let me = my_name();
    say(&me, format!("says {word}"));
    format!("{me} said {word}")
}

/// Python's `threading.Thread` subclass: `run` is the thread's body and
/// `start` runs it on a new thread. `join` hands the object back.
trait Run: Send + Sized + 'static {
    /// The thread's name (Python's `self.name`).
    fn name(&self) -> String;
    /// The work, on the new thread (Python's `run`).
    fn run(&mut self);
    /// Python's `start()`: a new thread, with this name, calls `run`.
    fn start(mut self) -> JoinHandle<Self> {
        let name = self.name();
        let worker = move || {
            self.run();
            self // the thread hands the object back to whoever joins it
        };
        thread::Builder::new().name(name).spawn(worker).expect("spawn a thread")
    }
}

/// Adds `1..=upto`, narrating each step: part 2's `Counter(Thread)`.
struct Counter {
    name: String,
    upto: u32,
    total: u32,
}

impl Counter {
    /// Python's `Counter(upto, name=name)`: `Thread-N` unless named.
    fn new(upto: u32, name: Option<&str>) -> Counter {
        let name = name.map_or_else(default_name, str::to_string);
        Counter { name, upto, total: 0 }
    }
}

impl Run for Counter {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn run(&mut self) {
        for i in 1..=self.upto {
            self.total += i;
            say(&my_name(), format!("adds {i}, total = {}", self.total));
        }
    }
}

/// Part 3 in the parent: runs this program with `--daemon-demo`, echoes
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
    if status.success() && main_returned {
        format!(
            "the worker was joined, so it did all its steps; the ticker, never joined and looping \
             forever, was cut off after {ticks} ticks when the child's main returned \
             (the whole process ended in {lived:.2} s)."
        )
    } else {
        format!("the child did not end as expected ({status}); see its lines above.")
    }
}

/// Part 3 in the child: a daemon ticker that never stops, a worker that
/// main joins, then main returns.
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
    // The JoinHandle is dropped at once: the ticker is never joined. That
    // is Rust's "daemon": nothing will wait for it.
    drop(thread::Builder::new().name("ticker".into()).spawn(ticker).expect("spawn a thread"));
    TICKING.wait(); // so the demo always shows at least one tick, however busy the machine

    let work = move || {
        for step in 1..=steps {
            say("worker", format!("step {step} of {steps}"));
            // Sleep only to pace the demo: a step every 5 pauses.
            thread::sleep(pause * 5);
        }
        say("worker", "all steps done");
    };
    let worker = thread::Builder::new().name("worker".into()).spawn(work).expect("spawn a thread");
    worker.join().expect("the worker does not panic"); // w.join()
    let ticks = TICKS.load(Relaxed);
    say("main", format!("worker joined; the ticker is at tick {ticks} and still looping; main returns now"));
}
