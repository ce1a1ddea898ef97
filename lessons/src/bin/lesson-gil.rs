//! lesson-gil: why Python threads do not make CPU-bound work faster, with a
//! simulated GIL (Global Interpreter Lock), and why they do help with I/O.
//!
//! CPython runs Python code only in the thread that holds the GIL. A
//! thread that holds it lets it go every switch interval (5 ms,
//! `sys.setswitchinterval(0.005)`) if another thread is waiting for it, and
//! while it waits for I/O (`time.sleep`, `socket.recv`, ...). So:
//!
//! Part 1, CPU-bound work, on one thread and on two (David Beazley's demo):
//!
//! ```python
//! def count(n):
//!     while n > 0:
//!         n -= 1
//!
//! count(N); count(N)                               # one thread: T
//! t1 = Thread(target=count, args=(N,)); t2 = Thread(target=count, args=(N,))
//! t1.start(); t2.start(); t1.join(); t2.join()     # two threads: still T
//! ```
//!
//! Here the "interpreter" is simulated: each thread must hold one lockstep
//! `Lock` named `GIL` to run its `count`, and hands it over every 5 ms when
//! the other thread waits (as CPython 3.2+ does, forcing the switch).
//!
//! Part 2, the same with I/O-like waits: each task parses a little (holding
//! the GIL), then waits 10 ms for the "network" (`time.sleep(0.01)`: the
//! GIL is released while it sleeps), twelve times. Two threads overlap
//! their waits: nearly twice as fast.
//!
//! Part 3, the same CPU work as part 1 in Rust, with no GIL: two threads
//! run on two cores at once, about twice as fast (not on a 1-core
//! machine). Python 3.13's free-threaded build (`python3.13t`) has no GIL
//! either; otherwise, `multiprocessing` is Python's way to use the cores.
//!
//! Each measurement is repeated (`--reps`) and the best time kept, so that
//! other programs on the machine disturb the ratios less. The work is
//! measured in "bytecodes" (a little arithmetic each); at the start the
//! lesson measures how many run in `--work-ms`, so a count takes about that
//! long on any machine, and the point is a ratio: the speed-up. (The
//! stopwatch, `timed` and `best_of`, is shared: `lessons/src/measure.rs`.)
//!
//! Run: `cargo run -q --bin lesson-gil`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-gil -- --work-ms 300 --reps 5` (`-- --help` lists them all).
//! The notes' section: 15 gil.

use clap::Parser;
use lockstep::Lock;
use lockstep_lessons::{
    CommonArgs, Peak, Rng, SeedArgs, Timing, begin, best_of, both, cores, finished, heading, point, say,
    seconds_since, start, timed, within_budget, your_turn,
};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize};
// Relaxed: the counters only decide when to hand the GIL over and count
// what happened; the GIL's own acquire/release orders the threads' work.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

/// Threads on one or two cores: with a simulated GIL, with I/O, without.
#[derive(Parser, Debug)]
#[command(name = "lesson-gil", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Part 2's I/O wait, in ms, 0 to 100: each task waits this long (jittered by ±50%, seeded) \
     twelve times, with the GIL released (0: no waiting, so nothing to overlap)"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How long one count(N) takes on one thread, in ms, 50 to 1000 (N is
    /// measured at the start)
    #[arg(long, default_value_t = 150, value_parser = clap::value_parser!(u64).range(50..=1000))]
    work_ms: u64,
    /// How many times each measurement is repeated (the best is kept; one thread first every other time), 1 to 6
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=6))]
    reps: u8,
    /// The GIL's switch interval, in ms, 1 to 50 (CPython's default: 5)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=50))]
    switch_ms: u64,
}

/// Part 2's rounds of "parse, then wait for the network" per task.
const ROUNDS: u32 = 12;
/// Bytecodes run between two looks at the clock.
const CHUNK: u64 = 2_000;

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let (work, pause, reps) = (Duration::from_millis(args.work_ms), args.common.pause(), args.reps);
    // Per repetition: parts 1 and 3 count four times and twice (one
    // thread, then two), part 2 waits 3 rounds (1 ms of parsing each) per task.
    let per_rep = work * 7 + (pause * 3 / 2 + Duration::from_millis(1)) * ROUNDS * 3;
    within_budget::<Args>(per_rep * u32::from(reps), "--reps × (--work-ms, --pause-ms)");
    let switch = Duration::from_millis(args.switch_ms);
    let mut rng = Rng::new(args.seed.seed);
    let cores = cores();
    let per_ms = bytecodes_per_ms();
    let n = per_ms * args.work_ms;
    say(
        "MainThread",
        format!(
            "this machine runs {cores} {} at once (available_parallelism); it runs about \
             {per_ms} bytecodes per ms, so count(N) with N = {n} takes about {} ms",
            if cores == 1 { "thread" } else { "threads" },
            args.work_ms
        ),
    );

    heading(&format!("Part 1: CPU-bound, with a simulated GIL (switch interval {} ms)", args.switch_ms));
    let gil = Gil::new();
    let cpu = best_of("simulated GIL, CPU-bound", reps, |one_first| {
        let one = || {
            timed(|| {
                count_holding(&gil, n, switch);
                count_holding(&gil, n, switch);
            })
        };
        let two = || {
            on_two_threads(|_| count_holding(&gil, n, switch), |held| format!("held the GIL {held} times"))
        };
        both(one_first, one, two)
    });
    let most_at_once = gil.running.most();
    say("MainThread", format!("threads counting at once, at most: {most_at_once} (the GIL's holder)"));

    heading(&format!(
        "Part 2: I/O-bound, with the GIL released while waiting ({} ms waits)",
        pause.as_millis()
    ));
    let io = best_of("simulated GIL, with I/O waits", reps, |one_first| {
        let waits: [Vec<Duration>; 2] = [0, 1].map(|_| (0..ROUNDS).map(|_| rng.jitter(pause)).collect());
        let one = || {
            timed(|| {
                fetch(&gil, per_ms, &waits[0]);
                fetch(&gil, per_ms, &waits[1]);
            })
        };
        let two = || {
            on_two_threads(
                |number| fetch(&gil, per_ms, &waits[1 - number]), // the same waits, the other way round
                |waited| format!("{ROUNDS} replies parsed; waited {waited} ms for I/O"),
            )
        };
        both(one_first, one, two)
    });

    heading("Part 3: the same CPU-bound work in Rust, with no GIL");
    let running = Peak::default();
    let free = best_of("no GIL, CPU-bound", reps, |one_first| {
        let one = || {
            timed(|| {
                count_free(&running, n);
                count_free(&running, n);
            })
        };
        let two = || on_two_threads(|_| count_free(&running, n), |_| "counted, with no GIL".to_string());
        both(one_first, one, two)
    });
    let free_at_once = running.most();
    say("MainThread", format!("threads counting at once, at most: {free_at_once}"));

    heading("What you saw");
    point(if cpu.speed_up() < 1.3 {
        format!(
            "Part 1: two threads took {:.3} s for the two counts, one thread {:.3} s: a speed-up \
             of {:.2}×, i.e. none. Only the GIL's holder runs ({most_at_once} at a time, {:.2} cores \
             busy), and the threads took turns every {} ms: twice the threads, the same work, one \
             at a time.",
            cpu.two,
            cpu.one,
            cpu.speed_up(),
            cpu.cores,
            args.switch_ms
        )
    } else {
        format!(
            "Part 1: two threads were {:.2}× faster than one (unexpected with a GIL: the \
             machine's load changed during the measurements; try --reps 6).",
            cpu.speed_up()
        )
    });
    point(if io.speed_up() >= 1.3 {
        format!(
            "Part 2: with I/O waits, two threads were {:.2}× faster ({:.3} s instead of {:.3} s): \
             the GIL is released while a thread waits, so one thread's wait overlaps the other's \
             work and wait. Threads in Python pay off for I/O-bound work (servers, downloads).",
            io.speed_up(),
            io.two,
            io.one
        )
    } else {
        format!(
            "Part 2: with {} ms waits, two threads were only {:.2}× faster: the tasks hardly waited \
             (--pause-ms {}), so there was little to overlap and the GIL serialised the rest; \
             with the default 10 ms waits they overlap and come near 2×.",
            pause.as_millis(),
            io.speed_up(),
            args.common.pause_ms
        )
    });
    point(if cores < 2 {
        format!(
            "Part 3: this machine runs one thread at a time, so even with no GIL two threads \
             could not be faster ({:.2}×): the no-GIL speed-up cannot show here; on 2 cores it is \
             about 2×.",
            free.speed_up()
        )
    } else if free.speed_up() > 1.5 {
        format!(
            "Part 3: with no GIL the same counts ran on {free_at_once} cores at once ({:.2} cores \
             busy): {:.2}× faster on two threads ({:.3} s instead of {:.3} s), near the ideal 2×.",
            free.cores,
            free.speed_up(),
            free.two,
            free.one
        )
    } else {
        format!(
            "Part 3: with no GIL two threads were only {:.2}× faster, although this machine runs \
             {cores} at once: they kept only {:.2} cores busy, as other programs were using the \
             cores during the measurements (on a quiet machine it is about 2×).",
            free.speed_up(),
            free.cores
        )
    });
    point(
        "The speed-ups are ratios, so they hold on any machine, fast or slow. CPU-bound Python: \
         use processes (multiprocessing, ProcessPoolExecutor) or the free-threaded build; \
         I/O-bound Python: threads are fine.",
    );
    your_turn("lesson-gil");
    finished(started);
}

/// The simulated GIL: the one Lock an "interpreter" thread must hold to
/// run, and what the threads need to hand it over as CPython does.
struct Gil {
    /// Held by the thread that runs "Python".
    lock: Lock,
    /// Threads waiting for the GIL: CPython's drop request.
    waiting: AtomicUsize,
    /// How many times the GIL was taken: a hand-over shows as a change.
    taken: AtomicU64,
    /// Threads running bytecodes now, and the most at once.
    running: Peak,
}

impl Gil {
    /// A free GIL.
    fn new() -> Gil {
        Gil {
            lock: Lock::named("GIL"),
            waiting: AtomicUsize::new(0),
            taken: AtomicU64::new(0),
            running: Peak::default(),
        }
    }

    /// Waits for the GIL and takes it.
    fn take(&self) {
        self.waiting.fetch_add(1, Relaxed);
        self.lock.acquire();
        self.taken.fetch_add(1, Relaxed);
        self.waiting.fetch_sub(1, Relaxed);
        self.running.enter();
    }

    /// Lets the GIL go.
    fn give(&self) {
        self.running.leave();
        self.lock.release().expect("the GIL is held by this thread");
    }

    /// At the end of a switch interval: if another thread waits, hands the
    /// GIL over, waits until that thread has taken it (CPython's forced
    /// switch: the holder would otherwise take it straight back), and
    /// waits its own turn. Whether it switched.
    fn switch_if_asked(&self) -> bool {
        if self.waiting.load(Relaxed) == 0 {
            return false;
        }
        let before = self.taken.load(Relaxed);
        self.give();
        while self.taken.load(Relaxed) == before && self.waiting.load(Relaxed) > 0 {
            thread::yield_now();
        }
        self.take();
        true
    }
}

/// `n` "bytecodes": a little arithmetic that the optimiser cannot skip.
fn bytecodes(n: u64) {
    let mut x = black_box(n);
    for _ in 0..n {
        x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407));
    }
    black_box(x);
}

/// How many bytecodes this machine runs per ms, now (the best of three
/// short runs).
fn bytecodes_per_ms() -> u64 {
    let best = (0..3)
        .map(|_| {
            let began = Instant::now();
            let mut done = 0;
            while began.elapsed() < Duration::from_millis(20) {
                bytecodes(CHUNK);
                done += CHUNK;
            }
            done as f64 / (began.elapsed().as_secs_f64() * 1000.0)
        })
        .fold(0.0, f64::max);
    (best as u64).max(1)
}

/// Python's `count(n)` on the simulated interpreter: holding the GIL,
/// offering it every `switch`. Returns how many times it held the GIL.
fn count_holding(gil: &Gil, n: u64, switch: Duration) -> u64 {
    gil.take();
    let (mut left, mut held, mut slice) = (n, 1, Instant::now());
    while left > 0 {
        let chunk = left.min(CHUNK);
        bytecodes(chunk);
        left -= chunk;
        if slice.elapsed() >= switch {
            if gil.switch_if_asked() {
                held += 1;
            }
            slice = Instant::now();
        }
    }
    gil.give();
    held
}

/// The same count in Rust: no GIL to take, only `running` to count in
/// and out. Returns nothing to tell (0).
fn count_free(running: &Peak, n: u64) -> u64 {
    running.enter();
    bytecodes(n);
    running.leave();
    0
}

/// Part 2's task: twelve times, parse for about 1 ms holding the GIL, then
/// wait for the "network" without it. Returns how long it waited, in ms.
fn fetch(gil: &Gil, per_ms: u64, waits: &[Duration]) -> u64 {
    for wait in waits {
        gil.take();
        bytecodes(per_ms); // parse the last reply: about 1 ms
        gil.give();
        // Sleep only as the I/O: time.sleep() releases the GIL.
        thread::sleep(*wait);
    }
    waits.iter().sum::<Duration>().as_millis() as u64
}

/// Runs `work(0)` and `work(1)` on two threads, `worker-1` and
/// `worker-2`, each of which says when it finished and `tell`s what its
/// work returned; how long until both had finished, in seconds.
fn on_two_threads(work: impl Fn(usize) -> u64 + Sync, tell: impl Fn(u64) -> String + Sync) -> Timing {
    let began = Instant::now();
    timed(|| {
        thread::scope(|s| {
            let (work, tell) = (&work, &tell);
            for number in 0..2 {
                let name = format!("worker-{}", number + 1);
                start(s, Some(&name.clone()), move || {
                    let told = tell(work(number));
                    say(&name, format!("finished at {}: {told}", seconds_since(began)));
                });
            }
        })
    })
}
