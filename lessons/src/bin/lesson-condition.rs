//! lesson-condition: the baozi shop again, with a `threading.Condition`
//! instead of a Queue: `wait` in a predicate loop, `notify` vs
//! `notify_all`, and the lost wake-up of a wait that skips the check.
//!
//! Part 1. A cook puts baozi on a tray; customers wait for one:
//!
//! ```python
//! cond = threading.Condition(); tray = 0; closed = False
//!
//! def cook():
//!     for n in range(12):
//!         time.sleep(0.01)                 # making one takes a while
//!         with cond:
//!             tray += 1
//!             cond.notify()                # wake one waiting customer
//!     with cond:
//!         closed = True; cond.notify_all() # everybody: go home
//!
//! def customer():
//!     while True:
//!         with cond:
//!             while tray == 0 and not closed:   # the predicate loop
//!                 cond.wait()
//!             if tray == 0: return               # closed, and nothing left
//!             tray -= 1
//!         time.sleep(0.03)                       # eat
//! ```
//!
//! `wait()` releases the lock while it sleeps and takes it back before it
//! returns, so the check and the take happen under one lock. It sits in a
//! `while`: when it returns, another customer may have taken the baozi
//! first, and the check must be made again.
//!
//! Part 2. `notify(1)` wakes one waiter; `notify_all()` wakes them all.
//!
//! Part 3. A lost wake-up: the cook has already put a baozi out and
//! notified when a customer arrives and calls `cond.wait()` without
//! checking the tray first. Nobody will notify again: it would wait
//! forever (here `wait(timeout)` ends it). With the check, `while tray ==
//! 0: cond.wait()`, it takes the baozi at once.
//!
//! Run: `cargo run -q --bin lesson-condition`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-condition -- --customers 5 --seed 3` (`-- --help` lists them all).
//! The notes' section: 09 condition.

use clap::Parser;
use lockstep::Condition;
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, finished, heading, narrate, point, say, start, within_budget, your_turn,
};
use std::sync::atomic::{AtomicBool, AtomicUsize};
// Relaxed throughout: the tray and the flags are only read and written
// while holding the condition's lock, whose acquire/release orders them
// (Python's shared variables, guarded by `cond`).
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

/// A Condition: wait in a predicate loop, notify vs notify_all, a lost wake-up.
#[derive(Parser, Debug)]
#[command(name = "lesson-condition", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of the shop, in ms, 0 to 100: the cook makes a baozi every pause, a customer eats \
     one in 3 pauses (each jittered by ±50%)"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many baozi the cook makes in part 1, 1 to 200
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=200))]
    baozi: u16,
    /// How many customers wait, 2 to 10
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(2..=10))]
    customers: u8,
    /// How long part 3's customer waits without checking, in ms, 1 to 2000
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=2000))]
    wait_ms: u64,
}

/// The shared state, guarded by the condition's lock (never touched without it).
struct Shop {
    cond: Condition,
    tray: AtomicUsize,
    closed: AtomicBool,
}

impl Shop {
    fn new() -> Shop {
        // Named after the note's `cond`: --timeline and --trace show its lock by that name.
        Shop { cond: Condition::named("cond"), tray: AtomicUsize::new(0), closed: AtomicBool::new(false) }
    }
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let (pause, wait) = (args.common.pause(), Duration::from_millis(args.wait_ms));
    let per_baozi = pause.max(pause * 3 / u32::from(args.customers));
    within_budget::<Args>(per_baozi * u32::from(args.baozi) + wait, "--baozi × --pause-ms + --wait-ms");
    let mut rng = Rng::new(args.seed.seed);
    let customers = usize::from(args.customers);

    heading(&format!("Part 1: a cook, {customers} customers, one Condition: wait() in a while loop"));
    let day = one_day(usize::from(args.baozi), customers, pause, &mut rng, args.common.quiet);
    say(
        "MainThread",
        format!(
            "{} of {} baozi eaten; {} wake-ups found the tray empty again",
            day.eaten, args.baozi, day.empty_wakeups
        ),
    );

    heading(&format!("Part 2: notify(1) wakes one of {customers} waiters, notify_all() the rest"));
    let (by_notify, by_notify_all) = notify_vs_notify_all(customers);

    heading("Part 3: a lost wake-up: wait() without checking the tray first");
    let (unchecked, checked) = lost_wakeup(wait);

    heading("What you saw");
    point(if day.eaten == usize::from(args.baozi) {
        format!(
            "Part 1: all {} baozi were eaten, each once: a customer checked the tray and took a \
             baozi under the condition's lock, and wait() released that lock while it slept.",
            day.eaten
        )
    } else {
        format!("Part 1: {} of {} baozi were eaten (unexpected).", day.eaten, args.baozi)
    });
    point(if day.empty_wakeups > 0 {
        format!(
            "{} time(s) a woken customer found the tray empty again (another customer took the \
             baozi first) and went back to wait(): that is why wait() sits in a while loop.",
            day.empty_wakeups
        )
    } else {
        // Suggest only a knob that is not already where it helps.
        let try_next = if args.common.pause_ms == 0 { "more --customers" } else { "--pause-ms 0" };
        format!(
            "This run no woken customer found the tray empty, but it can happen: between the \
             notify and the waiter taking the lock back, another customer may take the baozi. \
             That is why wait() sits in a while loop; run it again, or try {try_next}."
        )
    });
    point(format!(
        "Part 2: notify(1) woke {by_notify} of {customers} waiters; notify_all() woke the other \
         {by_notify_all}. notify() is enough when one change helps one waiter; notify_all() \
         when it may help several, or when waiters wait for different things."
    ));
    point(match (unchecked, checked) {
        (false, true) => format!(
            "Part 3: the cook notified before the customer waited, so the customer that skipped \
             the check slept through {} ms with a baozi on the tray: a lost wake-up (without a \
             timeout, forever). The one that checked first (`while tray == 0: wait()`) took it \
             at once.",
            args.wait_ms
        ),
        _ => format!(
            "Part 3 went otherwise (unexpected): unchecked woke = {unchecked}, checked found = {checked}."
        ),
    });
    your_turn("lesson-condition");
    finished(started);
}

/// What part 1's customers did.
struct Day {
    eaten: usize,
    empty_wakeups: usize,
}

/// Part 1: the cook makes `baozi`, notifying one customer each; then
/// closes and notifies all.
fn one_day(baozi: usize, customers: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> Day {
    let shop = Shop::new();
    let (eaten, empty_wakeups) = (AtomicUsize::new(0), AtomicUsize::new(0));
    thread::scope(|s| {
        for number in 1..=customers {
            let name = format!("Customer-{number}");
            let mut own = Rng::new(rng.next_u64());
            let (shop, eaten, empty_wakeups) = (&shop, &eaten, &empty_wakeups);
            let customer = move || {
                loop {
                    let mut held = shop.cond.lock(); // with cond:
                    while shop.tray.load(Relaxed) == 0 && !shop.closed.load(Relaxed) {
                        narrate(quiet, &name, "tray empty: cond.wait()");
                        held.wait(); // releases the lock while it sleeps
                        if shop.tray.load(Relaxed) == 0 && !shop.closed.load(Relaxed) {
                            empty_wakeups.fetch_add(1, Relaxed);
                            say(&name, "woke, but the tray is empty again: back to wait()");
                        }
                    }
                    if shop.tray.load(Relaxed) == 0 {
                        say(&name, "the shop is closed and the tray empty: going home");
                        return;
                    }
                    shop.tray.fetch_sub(1, Relaxed);
                    drop(held);
                    let count = eaten.fetch_add(1, Relaxed) + 1;
                    narrate(quiet, &name, format!("took a baozi (baozi eaten so far: {count}); eating"));
                    // Sleep only to pace the demo: eating takes a while.
                    thread::sleep(own.jitter(pause * 3));
                }
            };
            start(s, Some(&format!("Customer-{number}")), customer);
        }
        let mut own = Rng::new(rng.next_u64());
        let shop = &shop;
        let cook = move || {
            for made in 1..=baozi {
                // Sleep only to pace the demo: making a baozi takes a while.
                thread::sleep(own.jitter(pause));
                let held = shop.cond.lock();
                let on_tray = shop.tray.fetch_add(1, Relaxed) + 1;
                narrate(quiet, "Cook", format!("baozi {made} on the tray ({on_tray} there); cond.notify()"));
                held.notify(1);
            }
            let held = shop.cond.lock();
            shop.closed.store(true, Relaxed);
            say("Cook", format!("made all {baozi}; closed = True; cond.notify_all()"));
            held.notify_all();
        };
        start(s, Some("Cook"), cook);
    });
    Day { eaten: eaten.load(Relaxed), empty_wakeups: empty_wakeups.load(Relaxed) }
}

/// Part 2: `customers` threads wait on an empty tray; one baozi and
/// `notify(1)`, then the rest and `notify_all()`. Returns how many woke
/// after each.
fn notify_vs_notify_all(customers: usize) -> (usize, usize) {
    let shop = Shop::new();
    let (waiting, woken, fed) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    let by_notify = thread::scope(|s| {
        for number in 1..=customers {
            let name = format!("Customer-{number}");
            let (shop, waiting, woken, fed) = (&shop, &waiting, &woken, &fed);
            let customer = move || {
                let mut held = shop.cond.lock();
                waiting.fetch_add(1, Relaxed); // under the lock: counted once it waits
                say(&name, "with cond: while tray == 0: cond.wait()");
                while shop.tray.load(Relaxed) == 0 {
                    held.wait();
                    woken.fetch_add(1, Relaxed);
                }
                shop.tray.fetch_sub(1, Relaxed);
                fed.fetch_add(1, Relaxed);
                say(&name, "woke and took a baozi");
            };
            start(s, Some(&format!("Customer-{number}")), customer);
        }
        // Every customer counted itself under the lock, then waited, which
        // released it: once MainThread takes the lock and sees them all,
        // they are all waiting.
        until(|| {
            let _held = shop.cond.lock();
            waiting.load(Relaxed) == customers
        });
        let held = shop.cond.lock();
        shop.tray.store(1, Relaxed);
        say("MainThread", "tray = 1; cond.notify(1)");
        held.notify(1);
        drop(held);
        until(|| fed.load(Relaxed) == 1);
        let by_notify = woken.load(Relaxed);
        say("MainThread", format!("{by_notify} woke; {} still waiting", customers - by_notify));
        let held = shop.cond.lock();
        shop.tray.fetch_add(customers - 1, Relaxed);
        say("MainThread", format!("tray += {}; cond.notify_all()", customers - 1));
        held.notify_all();
        by_notify
    });
    (by_notify, woken.load(Relaxed) - by_notify)
}

/// Waits, polling, until `done()`.
fn until(mut done: impl FnMut() -> bool) {
    while !done() {
        thread::sleep(Duration::from_millis(1)); // polling interval only
    }
}

/// Part 3: the cook notifies before anyone waits; a customer that skips
/// the check waits `wait` in vain; one that checks takes the baozi.
/// Returns whether the unchecked wait was woken, and whether the checked
/// one found the baozi.
fn lost_wakeup(wait: Duration) -> (bool, bool) {
    let shop = Shop::new();
    thread::scope(|s| {
        start(s, Some("Cook"), || {
            let held = shop.cond.lock();
            shop.tray.store(1, Relaxed);
            say("Cook", "baozi on the tray; cond.notify(): nobody is waiting yet");
            held.notify(1);
        });
    }); // the cook is done before any customer comes
    let unchecked = thread::scope(|s| {
        let customer = || {
            let mut held = shop.cond.lock();
            say(
                "Late-1",
                format!("with cond: cond.wait({} ms), without looking at the tray", wait.as_millis()),
            );
            let asked = Instant::now();
            let woken = held.wait_timeout(wait);
            let waited = asked.elapsed().as_millis();
            say(
                "Late-1",
                format!(
                    "wait returned {woken} after {waited} ms; tray = {}: a lost wake-up",
                    shop.tray.load(Relaxed)
                ),
            );
            woken
        };
        start(s, Some("Late-1"), customer).join().unwrap_or(false)
    });
    let checked = thread::scope(|s| {
        let customer = || {
            let mut held = shop.cond.lock();
            say("Late-2", "with cond: while tray == 0: cond.wait()");
            let found = held.wait_for(|| shop.tray.load(Relaxed) > 0, Some(wait));
            if found {
                shop.tray.fetch_sub(1, Relaxed);
                say("Late-2", "tray is 1: took the baozi at once, no wait");
            }
            found
        };
        start(s, Some("Late-2"), customer).join().unwrap_or(false)
    });
    (unchecked, checked)
}
