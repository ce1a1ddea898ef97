//! lesson-timer: run a function later, in its own thread, with
//! `threading.Timer`; cancel it before it fires; and a repeating timer.
//!
//! Part 1, a one-shot timer, as in the notes:
//!
//! ```python
//! def hello():
//!     print("hello, world")
//!
//! t = threading.Timer(2.0, hello)    # after 2 s, call hello() once
//! t.start()                          # returns at once: the timer is a thread
//! t.join()
//! ```
//!
//! The notes wait 2 s; this lesson waits 1 s by default so that it stays
//! short (`--delay-ms 2000` for the notes' value, up to 3000).
//!
//! Part 2, a timer cancelled before it fires never runs its function:
//!
//! ```python
//! t = threading.Timer(2.0, hello)
//! t.start()
//! time.sleep(0.8)                    # changed our mind before the 2 s were up
//! t.cancel()                         # hello() never runs
//! ```
//!
//! The moment of the cancel is seeded, between 20% and 80% of the delay;
//! the lesson then waits past the deadline to show that nothing came.
//!
//! Part 3, a repeating timer. Python has none built in; the usual recipe
//! overrides `run`:
//!
//! ```python
//! class RepeatTimer(threading.Timer):
//!     def run(self):
//!         while not self.finished.wait(self.interval):   # False: not cancelled
//!             self.function()
//!
//! t = RepeatTimer(0.1, tick); t.start(); ...; t.cancel()
//! ```
//!
//! lockstep has it as `Timer::every(interval, tick)`: it ticks every
//! interval until `cancel()`; no tick starts after `cancel` returns.
//!
//! Run: `cargo run -q --bin lesson-timer`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-timer -- --delay-ms 2000 --ticks 8` (`-- --help` lists them all).
//! The notes' section: 14 timer.

use clap::Parser;
use lockstep::thread::current_thread;
use lockstep::{Event, Timer};
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, book, finished, heading, point, say, seconds_since, within_budget,
    your_turn,
};
// A std Mutex for the bookkeeping, so that --timeline shows only the lesson's primitives.
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Timer: fire once, cancel before it fires, tick until cancelled.
#[derive(Parser, Debug)]
#[command(name = "lesson-timer", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of part 3, in ms, 0 to 100: the repeating timer ticks every 10 pauses (100 ms by default; \
     0 makes the ticks come back to back)"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// The delay of the timers of parts 1 and 2, in ms, 1 to 3000 (the
    /// notes' Timer(2.0, hello) is 2000; 1000 by default to keep the lesson short)
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=3000))]
    delay_ms: u64,
    /// How many ticks part 3 lets the repeating timer make before it
    /// cancels it, 2 to 20
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(2..=20))]
    ticks: u8,
}

/// When each call of a timer's function came, since the part began, and
/// in which thread.
type Calls = Arc<Mutex<Vec<(Duration, String)>>>;

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let delay = Duration::from_millis(args.delay_ms);
    let tick = args.common.pause() * 10;
    let ticks = usize::from(args.ticks);
    // Part 1 waits the delay, part 2 the delay and a quarter; part 3 the
    // ticks and three more intervals.
    within_budget::<Args>(
        delay * 9 / 4 + tick * (u32::from(args.ticks) + 3),
        "--delay-ms + --ticks × --pause-ms",
    );
    let mut rng = Rng::new(args.seed.seed);

    heading(&format!("Part 1: Timer({} s, hello) fires once", delay.as_secs_f64()));
    let (runs, late_cancel) = one_shot(delay);

    heading("Part 2: a Timer cancelled before it fires never runs");
    let cancel_at = delay.mul_f64(0.2 + 0.6 * (rng.below(1000) as f64 / 1000.0));
    let cancelled = cancelled(delay, cancel_at);

    heading(&format!(
        "Part 3: a repeating timer, Timer::every({} ms, tick), until cancel()",
        tick.as_millis()
    ));
    let repeats = repeating(tick, ticks);

    heading("What you saw");
    point(match runs.as_slice() {
        [(when, thread)] => format!(
            "Part 1: start() returned at once and main went on; {:.3} s later (the delay was {:.3} s) \
             hello ran once, in {thread}, the timer's own thread: a Timer is a Thread that waits, \
             then calls the function. Cancelling it afterwards changed nothing (is_cancelled() = \
             {late_cancel}).",
            when.as_secs_f64(),
            delay.as_secs_f64()
        ),
        _ => format!("Part 1: hello ran {} times (unexpected: a Timer fires once).", runs.len()),
    });
    point(match (cancelled.fired, cancelled.by_cancel) {
        (0, true) => format!(
            "Part 2: cancel() at {:.3} s, before the {:.3} s were up: hello never ran, not even \
             after the deadline, and join() returned {:.1} ms later: cancel() wakes the waiting \
             timer, which exits without calling the function.",
            cancel_at.as_secs_f64(),
            delay.as_secs_f64(),
            cancelled.join_ms
        ),
        (fired, _) => format!(
            "Part 2: the timer fired {fired} time(s) before cancel() came at {:.3} s: with a \
             delay of {:.3} s, the cancel was too late and changed nothing. A longer --delay-ms \
             shows a cancel in time.",
            cancel_at.as_secs_f64(),
            delay.as_secs_f64()
        ),
    });
    point(if repeats.before >= 2 && repeats.after == 0 {
        format!(
            "Part 3: the repeating timer ticked {} times, every {} ms (gaps {} to {} ms), until \
             cancel(); after it, no tick came{}.",
            repeats.before,
            tick.as_millis(),
            repeats.gaps.0,
            repeats.gaps.1,
            if repeats.before > ticks {
                format!(
                    "; with so short an interval, {} more ticks came between tick {ticks} and the cancel",
                    repeats.before - ticks
                )
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "Part 3: {} ticks before cancel(), {} after it (unexpected: no tick starts after cancel()).",
            repeats.before, repeats.after
        )
    });
    point(
        "A Timer runs its function in another thread: anything it shares with main needs the \
         same care (a Lock, a Queue, an Event) as any other thread's.",
    );
    your_turn("lesson-timer");
    finished(started);
}

/// A function for a timer that records each call (when, in which thread)
/// and says so.
fn hello(since: Instant, calls: &Calls) -> impl FnOnce() + Send + 'static {
    let calls = calls.clone();
    move || {
        let name = current_thread().name();
        say(&name, format!("hello, world (at {})", seconds_since(since)));
        book(&calls).push((since.elapsed(), name));
    }
}

/// Part 1: a one-shot timer fires once. Returns its calls, and
/// `is_cancelled()` after a cancel that came too late.
fn one_shot(delay: Duration) -> (Vec<(Duration, String)>, bool) {
    let since = Instant::now();
    let calls = Calls::default();
    let timer = Timer::new(delay, hello(since, &calls));
    say("MainThread", format!("t = Timer({} s, hello); t.start()", delay.as_secs_f64()));
    timer.start().expect("a new timer starts");
    say(
        "MainThread",
        format!(
            "start() returned at {}; t.is_alive() = {}: {} waits, main goes on; t.join()",
            seconds_since(since),
            timer.is_alive(),
            timer.thread().name()
        ),
    );
    timer.join().expect("started above");
    let runs = book(&calls).clone();
    let thread = runs.first().map_or("nobody", |(_, name)| name.as_str()).to_string();
    say(
        "MainThread",
        format!("t.join() returned at {}: hello ran {} time, in {thread}", seconds_since(since), runs.len()),
    );
    timer.cancel();
    let late = timer.is_cancelled();
    say("MainThread", format!("t.cancel() after it fired: t.is_cancelled() = {late}, too late to matter"));
    if let Err(error) = timer.start() {
        say("MainThread", format!("t.start() again: Err({error})"));
    }
    (runs, late)
}

/// What part 2's cancelled timer did.
struct Cancelled {
    /// How many times its function ran.
    fired: usize,
    /// Whether `cancel()` stopped it (`is_cancelled()`).
    by_cancel: bool,
    /// How long `join()` took after the cancel, in ms.
    join_ms: f64,
}

/// Part 2: a timer cancelled at `cancel_at`, before its `delay` is up;
/// then a wait past the deadline, to see that nothing fires.
fn cancelled(delay: Duration, cancel_at: Duration) -> Cancelled {
    let since = Instant::now();
    let calls = Calls::default();
    let timer = Timer::new(delay, hello(since, &calls));
    say("MainThread", format!("t = Timer({} s, hello); t.start()", delay.as_secs_f64()));
    timer.start().expect("a new timer starts");
    // Sleep only to pace the demo: main changes its mind a while later.
    thread::sleep(cancel_at);
    say("MainThread", format!("at {}: changed my mind, t.cancel()", seconds_since(since)));
    timer.cancel();
    let joining = Instant::now();
    timer.join().expect("started above");
    let join_ms = joining.elapsed().as_secs_f64() * 1000.0;
    say(
        "MainThread",
        format!(
            "t.join() returned {join_ms:.1} ms later: the timer's thread woke and exited; \
             t.is_cancelled() = {}",
            timer.is_cancelled()
        ),
    );
    // Not to order threads: to look again after the deadline has passed.
    let past = delay + (delay / 4).max(Duration::from_millis(50));
    thread::sleep(past.saturating_sub(since.elapsed()));
    let fired = book(&calls).len();
    say(
        "MainThread",
        format!(
            "at {}, past its {:.3} s deadline: the cancelled timer's hello ran {fired} times",
            seconds_since(since),
            delay.as_secs_f64()
        ),
    );
    Cancelled { fired, by_cancel: timer.is_cancelled(), join_ms }
}

/// What part 3's repeating timer did.
struct Repeats {
    /// Ticks that had started when `cancel()` returned.
    before: usize,
    /// Ticks that started after it.
    after: usize,
    /// The shortest and longest gap between two ticks, in ms.
    gaps: (u128, u128),
}

/// Part 3: a repeating timer; main cancels it after its `ticks`th tick,
/// then watches for three more intervals.
fn repeating(tick: Duration, ticks: usize) -> Repeats {
    let since = Instant::now();
    let times: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let enough = Arc::new(Event::new()); // set by the `ticks`th tick
    let (record, told) = (times.clone(), enough.clone());
    let timer = Timer::every(tick, move || {
        let mut times = book(&record);
        times.push(since.elapsed());
        let number = times.len();
        drop(times);
        if number <= ticks {
            say(&current_thread().name(), format!("tick {number} (at {})", seconds_since(since)));
        }
        if number == ticks {
            told.set();
        }
    });
    say("MainThread", format!("t = Timer::every({} ms, tick); t.start()", tick.as_millis()));
    timer.start().expect("a new timer starts");
    say("MainThread", format!("waiting for tick {ticks} (an Event the tick sets)"));
    let bound = tick * (ticks as u32 + 2) + Duration::from_secs(2); // never hang on a stuck timer
    if !enough.wait_timeout(bound) {
        say("MainThread", format!("no tick {ticks} within {} ms (unexpected)", bound.as_millis()));
    }
    timer.cancel();
    let before = book(&times).len();
    say(
        "MainThread",
        format!("at {}: t.cancel() with {before} ticks so far; t.join()", seconds_since(since)),
    );
    timer.join().expect("started above");
    // Not to order threads: to look for late ticks for three more intervals.
    thread::sleep((tick * 3).max(Duration::from_millis(30)));
    let times = book(&times).clone();
    let after = times.len() - before;
    say(
        "MainThread",
        format!(
            "at {}, three intervals later: ticks before cancel(): {before}; ticks after: {after}; \
             t.is_alive() = {}",
            seconds_since(since),
            timer.is_alive()
        ),
    );
    let gaps: Vec<u128> = times.windows(2).map(|pair| (pair[1] - pair[0]).as_millis()).collect();
    let gaps = (gaps.iter().copied().min().unwrap_or(0), gaps.iter().copied().max().unwrap_or(0));
    Repeats { before, after, gaps }
}
