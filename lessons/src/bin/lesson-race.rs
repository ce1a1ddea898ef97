//! lesson-race: the note's race-condition demos, with no lock at all.
//!
//! Part 1, a lost update. 100 threads share `num = 100`; each runs
//!
//! ```python
//! def worker():
//!     global num
//!     temp = num          # read
//!     time.sleep(0.01)    # pause: widens the window between read and write
//!     num = temp - 1      # write
//! ```
//!
//! 100 subtractions of 1 should leave 0. They don't: threads read the same
//! old value, and each write overwrites the others'.
//!
//! Part 2, check-then-act. Two threads empty one shared list:
//!
//! ```python
//! while items:
//!     x = items[-1]       # check: x is in the list
//!     time.sleep(0.01)
//!     items.remove(x)     # act: ValueError: list.remove(x): x not in list
//! ```
//!
//! Both see the same last item; one removes it, the other's `remove` fails.
//! Here each step is locked on its own (a `lockstep::Mutex<Vec<_>>`), and
//! that is not enough: the check and the act are two critical sections.
//!
//! `--play`: you are the scheduler. Two threads, `num = 2`; you pick which one
//! takes its next step (`temp = num` or `num = temp - 1`) until an update is
//! lost.
//!
//! Run: `cargo run -q --bin lesson-race`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-race -- --threads 10 --seed 5` (`-- --help` lists them all).
//! The notes' section: 02 lock.

use clap::Parser;
use lockstep::Mutex;
use lockstep::thread::current_thread;
use lockstep_lessons::play::{self, Outcome, Player};
use lockstep_lessons::{
    CommonArgs, CrowdArgs, Rng, SeedArgs, begin, finished, heading, point, say, start, within_budget,
    your_turn,
};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicI64;
// Relaxed everywhere: each load and each store is indivisible on its own,
// which is all this lesson needs. The bug is that a load followed by a
// store is two steps, and no ordering can make it one.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::Duration;

/// Race conditions without a lock: a lost update, and check-then-act.
#[derive(Parser, Debug)]
#[command(name = "lesson-race", version)]
#[command(mut_arg("threads", |arg| arg.help(
    "How many threads subtract 1 from num (num starts at this value too), 2 to 1000"
)))]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pause between read and write, in ms, 0 to 100 (each thread's is jittered by ±50%); with 0 the \
     window is tiny and the race comes and goes"
)))]
struct Args {
    #[command(flatten)]
    crowd: CrowdArgs,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// You are the scheduler: pick which of two threads takes its next
    /// step (on stdin) until an update is lost
    #[arg(long)]
    play: bool,
    /// How many items the two threads of part 2 remove from the list, 1 to 99
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(1..=99))]
    items: u8,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    // Part 2 removes the items one pause at a time; part 1's threads pause
    // together, in parallel, which with their start-up costs about 3 more
    // (at --items 99 --pause-ms 100 the lesson ran 10.15 s).
    within_budget::<Args>(args.common.pause() * (u32::from(args.items) + 3), "--items × --pause-ms");
    if args.play {
        you_are_the_scheduler();
        finished(started);
        return;
    }
    let mut rng = Rng::new(args.seed.seed);
    let pause = args.common.pause();

    heading(&format!("Part 1: {} threads, each does num = num - 1, no lock", args.crowd.threads));
    let (final_num, reads) = lost_update(args.crowd.count(), pause, &mut rng, args.common.quiet);
    let lost = final_num;
    say("MainThread", format!("Final value: num = {final_num} (expected 0)"));
    let seen: Vec<String> = reads.iter().rev().map(|(value, count)| format!("{value} (x{count})")).collect();
    say("MainThread", format!("values the threads read: {}", seen.join(", ")));

    heading("Part 2: two threads empty one list, check then act");
    let errors = check_then_act(usize::from(args.items), pause, &mut rng);

    heading("What you saw");
    let n = args.crowd.threads;
    if lost > 0 {
        point(format!(
            "{n} threads each subtracted 1 from num = {n}, yet num ended at {final_num}, not 0: \
             {lost} of the {n} updates were lost."
        ));
    } else {
        point(format!(
            "No update was lost this time: num ended at 0, as it should. {}",
            hidden_by(args.common.pause_ms, n)
        ));
    }
    point(if lost > 0 && args.common.pause_ms == 0 {
        "Why: `temp = num` and `num = temp - 1` are two steps. Even with no pause between \
         them (--pause-ms 0) other threads read the same old value in between, so they wrote \
         the same result."
    } else if lost > 0 {
        "Why: `temp = num` and `num = temp - 1` are two steps. In the pause between them \
         other threads read the same old value, so they all wrote the same result."
    } else {
        "How it goes wrong when it does: `temp = num` and `num = temp - 1` are two steps; a \
         thread that reads between another's read and write reads the same old value, and \
         one of the two updates is lost."
    });
    point(
        "The pause only widens the window; without it the race is still there, it just \
         shows up less often. Rare is worse: it passes your tests, then fails in production.",
    );
    point(
        "Rust note: num is an AtomicI64, read with load() and written with store(), so the \
         race is defined behaviour (a plain i64 shared like this would need `unsafe` and be \
         undefined behaviour). fetch_sub(1) would do both steps as one; Python's `num -= 1` \
         has no such guarantee.",
    );
    if errors > 0 {
        point(format!(
            "Part 2: each step took the list's mutex, yet a thread got \
             'ValueError: list.remove(x): x not in list' {errors} time(s). Locking each step is \
             not enough: the check and the act must happen under ONE lock."
        ));
    } else {
        point(format!(
            "Part 2: no remove failed this time: each thread's check and act happened to come \
             before the other's check. {}",
            if args.common.pause_ms == 0 {
                "With --pause-ms 0 the window between check and act is tiny; try the default."
            } else {
                "The window is still there; run it again, or try a longer --pause-ms."
            }
        ));
    }
    point("The fix for both: hold one lock from the read to the write. See `lesson-lock`.");
    your_turn("lesson-race");
    finished(started);
}

/// `--play`: two threads, `num = 2`; the student picks who takes the next
/// step (`temp = num` or `num = temp - 1`) until an update is lost.
fn you_are_the_scheduler() {
    heading("You are the scheduler: two threads, num = 2; make an update get lost");
    let num = AtomicI64::new(2);
    let temps = [AtomicI64::new(i64::MIN), AtomicI64::new(i64::MIN)];
    let names = ["Thread-1", "Thread-2"];
    let step = |at: usize, k: usize| {
        if k == 0 {
            let temp = num.load(Relaxed); // temp = num
            temps[at].store(temp, Relaxed);
            say(names[at], format!("temp = num: read {temp}"));
        } else {
            let temp = temps[at].load(Relaxed);
            num.store(temp - 1, Relaxed); // num = temp - 1
            say(names[at], format!("num = temp - 1: wrote {}", temp - 1));
        }
    };
    let mut players: Vec<Player> = names
        .iter()
        .map(|name| Player {
            name: name.to_string(),
            done: 0,
            steps: vec!["temp = num".into(), "num = temp - 1".into()],
            blocked: false,
        })
        .collect();
    let shown = |temp: &AtomicI64| match temp.load(Relaxed) {
        i64::MIN => "-".to_string(),
        value => value.to_string(),
    };
    let state = || {
        format!(
            "num = {}; Thread-1's temp = {}, Thread-2's temp = {}",
            num.load(Relaxed),
            shown(&temps[0]),
            shown(&temps[1])
        )
    };
    let goal = |players: &[Player]| {
        let lost = players.iter().all(Player::finished) && num.load(Relaxed) != 0;
        lost.then(|| format!("both threads subtracted 1 from 2, yet num = {}", num.load(Relaxed)))
    };
    let hint = "let Thread-1 read (temp = num), then let Thread-2 read too, before Thread-1 writes";
    let outcome = thread::scope(|s| play::play(s, &mut players, &step, state, goal, hint));
    heading("What you saw");
    match outcome {
        Outcome::Won(words) => point(format!(
            "You did it: {words}. An update was lost: both threads read the same old value, so \
             the second write overwrote the first. That is the race the 100 threads run into \
             by chance; you chose the order on purpose."
        )),
        Outcome::AllDone => point(
            "num = 0: no update was lost, because each thread read after the other had written. \
             Run it again and let both read before either writes.",
        ),
        Outcome::GaveUp => point(format!("You stopped before an update was lost. The trick: {hint}.")),
    }
    point(
        "The fix: hold one lock from the read to the write, so no thread can read in between. See `lesson-lock`.",
    );
    your_turn("lesson-race");
}

/// Why a run lost no update: which knob hid the race, and what to try.
fn hidden_by(pause_ms: u64, threads: u16) -> String {
    if pause_ms == 0 {
        "With --pause-ms 0 the threads rarely overlap between read and write; the race is still \
         there, it just hid: try the default (--pause-ms 10)."
            .to_string()
    } else if threads < 5 {
        format!(
            "With only {threads} threads the reads rarely overlap; the race is still there: try \
             more --threads, or run it again."
        )
    } else {
        "The race is still there, it just hid this time: run it again.".to_string()
    }
}

/// Part 1: `threads` threads each read `num`, pause, and write `temp - 1`.
/// Returns the final value and how many threads read each value.
fn lost_update(threads: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> (i64, BTreeMap<i64, usize>) {
    let num = AtomicI64::new(threads as i64);
    say("MainThread", format!("num = {threads}; starting {threads} threads"));
    let reads = thread::scope(|s| {
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let my_pause = rng.jitter(pause);
            let num = &num;
            let worker = move || {
                let name = current_thread().name(); // Thread-N, from lockstep::thread
                let temp = num.load(Relaxed); // temp = num
                if !quiet {
                    say(&name, format!("read num = {temp}"));
                }
                // Sleep only to widen the race window between read and write.
                thread::sleep(my_pause);
                num.store(temp - 1, Relaxed); // num = temp - 1
                if !quiet {
                    say(&name, format!("wrote num = {}", temp - 1));
                }
                temp
            };
            workers.push(start(s, None, worker));
        }
        let mut reads = BTreeMap::new();
        for worker in workers {
            *reads.entry(worker.join().expect("a worker panicked")).or_insert(0) += 1;
        }
        reads
    });
    (num.load(Relaxed), reads)
}

/// Part 2: two threads remove the list's last item until it is empty; the
/// check (`x = items[-1]`) and the act (`items.remove(x)`) each lock the
/// list, but separately. Returns how many `remove`s failed.
fn check_then_act(count: usize, pause: Duration, rng: &mut Rng) -> usize {
    let mut numbers: Vec<i64> = (1..=99).collect();
    rng.shuffle(&mut numbers);
    numbers.truncate(count);
    say("MainThread", format!("items = {numbers:?}"));
    let items = Mutex::new(numbers);

    let errors = thread::scope(|s| {
        let workers: Vec<_> = ["Thread-1", "Thread-2"]
            .into_iter()
            .map(|name| {
                let items = &items;
                let worker = move || {
                    // Critical section 1, the check: `if not items: break; x = items[-1]`.
                    while let Some(x) = last_item(items) {
                        say(name, format!("items[-1] is {x}, so {x} is in the list; removing it"));
                        // Sleep only to widen the race window between check and act.
                        thread::sleep(pause);
                        // Critical section 2, the act: `items.remove(x)`.
                        match list_remove(&mut items.lock(), x) {
                            Ok(()) => say(name, format!("removed {x}")),
                            Err(error) => {
                                say(name, format!("ValueError: {error}"));
                                say(name, format!("(another thread removed {x} after my check)"));
                                // An uncaught exception ends a Python thread.
                                say(name, "exception not caught: this thread stops here");
                                return 1;
                            }
                        }
                    }
                    say(name, "the list is empty; done");
                    0
                };
                start(s, Some(name), worker)
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().expect("a worker panicked")).sum()
    });
    say("MainThread", format!("items = {:?}; failed removes: {errors}", items.lock()));
    errors
}

/// The check: the list's last item, under the lock, which is then released.
fn last_item(items: &Mutex<Vec<i64>>) -> Option<i64> {
    items.lock().last().copied()
}

/// Python's `list.remove(x)`: removes the first `x`, or fails with Python's
/// message when there is none.
fn list_remove(list: &mut Vec<i64>, x: i64) -> Result<(), &'static str> {
    let index = list.iter().position(|&item| item == x).ok_or("list.remove(x): x not in list")?;
    list.remove(index);
    Ok(())
}
