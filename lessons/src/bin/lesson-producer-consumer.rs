//! lesson-producer-consumer: the baozi shop. One cook (the producer) puts
//! baozi on a counter that holds 5 (a `Queue(maxsize=5)`); three customers
//! (the consumers) take them off and eat, each at their own pace.
//!
//! Part 1, stopping with sentinels: after the last baozi the cook puts one
//! `None` per customer, and a customer who gets `None` goes home.
//!
//! ```python
//! q = queue.Queue(maxsize=5)
//! def cook():
//!     for n in range(1, 21):
//!         q.put(n)                   # waits while the counter is full
//!         print("made baozi", n); time.sleep(0.01)
//!     for _ in range(3): q.put(None) # one sentinel per customer
//! def customer():
//!     while (baozi := q.get()) is not None:
//!         print("eats baozi", baozi); time.sleep(random.uniform(0.03, 0.09))
//! ```
//!
//! Part 2, `task_done()`/`join()`: each customer calls `q.task_done()` after
//! eating, and the cook's `q.join()` returns once every baozi is eaten, not
//! just taken. (The customers still need a sentinel to go home.)
//!
//! Part 3, `shutdown()` (Python 3.13): no sentinels. After the last baozi the
//! cook calls `q.shutdown()`; customers eat what is left on the counter,
//! then `q.get()` raises `queue.ShutDown` and they go home:
//!
//! ```python
//! def customer():
//!     while True:
//!         try: baozi = q.get()
//!         except queue.ShutDown: break
//!         eat(baozi)
//! ```
//!
//! Every part counts who ate which baozi: each one exactly once.
//!
//! Run: `cargo run -q --bin lesson-producer-consumer`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-producer-consumer -- --baozi 50 --customers 5` (`-- --help` lists them all).
//! The notes' section: 08 queue.

use clap::Parser;
use lockstep::{GetError, Mutex, PutError, Queue};
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, finished, heading, point, say, start, within_budget, your_turn,
};
use std::sync::atomic::AtomicUsize;
// Relaxed: the counter is only read by the cook after `q.join()` returns,
// and the queue's lock already orders every `task_done()` before that.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::Duration;

/// A cook and customers share a Queue: sentinels, task_done/join, shutdown.
#[derive(Parser, Debug)]
#[command(name = "lesson-producer-consumer", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of the shop, in ms, 0 to 100: the cook makes a baozi every pause, a customer eats one in 6 \
     pauses (each jittered by ±50%), so the counter fills up and the cook has to wait"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many baozi the cook makes in each part, 1 to 10000
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    baozi: u32,
    /// How many customers eat, 1 to 20
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=20))]
    customers: u8,
}

/// What the summary says about put() and get() waiting: only what this
/// run did, and which knob hid it if the counter never filled.
fn waits(shop: &Shop, common: &CommonArgs) -> String {
    let (full, empty) = (shop.found_full.load(Relaxed), shop.found_empty.load(Relaxed));
    let gets = if empty > 0 {
        format!("get() waited while it was empty ({empty} time(s) a customer found it so).")
    } else {
        "No customer found it empty this run, so get() never had to wait.".to_string()
    };
    if full > 0 {
        return format!(
            "put() waited while the counter held {COUNTER} (maxsize={COUNTER}; the cook found it \
             full {full} time(s)), so the cook could never run ahead of the customers. {gets}"
        );
    }
    let why = if shop.baozi as usize <= COUNTER {
        format!("--baozi {} all fit on it", shop.baozi)
    } else if common.pause().is_zero() {
        "with --pause-ms 0 eating takes no longer than cooking".to_string()
    } else {
        format!("{} customers ate as fast as the cook made them", shop.customers)
    };
    format!(
        "The counter (maxsize={COUNTER}) never filled this run ({why}), so put() never had to \
         wait; with the defaults the cook is faster and put() waits for room. {gets}"
    )
}

/// How the cook tells the customers that the day is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    /// One `None` per customer after the last baozi.
    Sentinels,
    /// `task_done()` per baozi, `join()` by the cook, then sentinels.
    JoinThenSentinels,
    /// `shutdown()`: customers drain the counter, then get `ShutDown`.
    Shutdown,
}

/// The counter size: `Queue(maxsize=5)`.
const COUNTER: usize = 5;

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    // Three days; each baozi takes a pause to make and 6 to eat, shared
    // out among the customers: the slower of the two sets the pace.
    let per_baozi = args.common.pause().max(args.common.pause() * 6 / u32::from(args.customers));
    // The last customers finish eating some 6 pauses after the cook.
    let day = per_baozi * args.baozi + args.common.pause() * 6;
    within_budget::<Args>(day * 3, "--baozi × --pause-ms");
    let mut rng = Rng::new(args.seed.seed);
    let shop = Shop {
        baozi: args.baozi,
        customers: usize::from(args.customers),
        pause: args.common.pause(),
        quiet: args.common.quiet,
        found_full: AtomicUsize::new(0),
        found_empty: AtomicUsize::new(0),
    };

    let mut all_good = true;
    let parts = [
        (Closing::Sentinels, "Part 1: the customers go home on a sentinel (None)"),
        (Closing::JoinThenSentinels, "Part 2: task_done() and join(): the cook waits until all is eaten"),
        (Closing::Shutdown, "Part 3: shutdown(): no sentinels needed"),
    ];
    for (closing, title) in parts {
        heading(title);
        all_good &= shop.open(closing, &mut rng);
    }

    heading("What you saw");
    let verdict = if all_good { "every baozi was eaten exactly once" } else { "SOMETHING WENT WRONG" };
    point(format!(
        "In all three parts {verdict}: the Queue hands each item to exactly one get(), \
         however the customers' turns fall."
    ));
    point(waits(&shop, &args.common));
    point(
        "Part 1: a sentinel per customer ends the day: None is not food, it means \"go home\". \
         Forget one and a customer waits forever.",
    );
    point(
        "Part 2: q.join() returned only after every baozi was task_done(), i.e. eaten, not just \
         taken off the counter. join() tells the cook; the customers still needed sentinels.",
    );
    point(
        "Part 3: q.shutdown() (Python 3.13) replaced the sentinels: customers ate what was left, \
         then get() returned Err(ShutDown) and they went home; a put() after it was refused \
         and the baozi came back in the error.",
    );
    your_turn("lesson-producer-consumer");
    finished(started);
}

/// One day at the shop.
struct Shop {
    baozi: u32,
    customers: usize,
    pause: Duration,
    quiet: bool,
    /// How often, in all parts, the cook found the counter full before a
    /// put(), and a customer found it empty before a get(): the summary
    /// says that put() and get() waited only if they did.
    found_full: AtomicUsize,
    found_empty: AtomicUsize,
}

impl Shop {
    /// Runs one day: a cook, the customers, and a counter closed the
    /// `closing` way. Returns whether every baozi was eaten exactly once.
    fn open(&self, closing: Closing, rng: &mut Rng) -> bool {
        // None is the sentinel, "go home"; part 3 never sends one. Named
        // "q", as in the note, for --timeline and --trace.
        let counter: Queue<Option<u32>> = Queue::named(COUNTER, "q");
        let eaten_so_far = AtomicUsize::new(0);
        let plates: Vec<Mutex<Vec<u32>>> = (0..self.customers).map(|_| Mutex::new(Vec::new())).collect();
        thread::scope(|s| {
            for (number, plate) in (1..=self.customers).zip(&plates) {
                let name = format!("Customer-{number}");
                let mut own_rng = Rng::new(rng.next_u64()); // each eats at their own pace
                let (counter, eaten_so_far) = (&counter, &eaten_so_far);
                let customer = move || {
                    loop {
                        // Only for the summary: may be stale by the get().
                        if counter.empty() {
                            self.found_empty.fetch_add(1, Relaxed);
                        }
                        let baozi = match counter.get() {
                            Ok(Some(baozi)) => baozi,
                            Ok(None) => {
                                say(&name, "q.get() = None, the sentinel: going home");
                                if closing == Closing::JoinThenSentinels {
                                    let _ = counter.task_done(); // the sentinel counts too
                                }
                                return;
                            }
                            Err(GetError::ShutDown) => {
                                say(
                                    &name,
                                    "q.get(): Err(ShutDown), the counter is empty and closed: going home",
                                );
                                return;
                            }
                            Err(GetError::Empty) => unreachable!("a blocking get never reports Empty"),
                        };
                        if !self.quiet {
                            say(&name, format!("eats baozi {baozi}"));
                        }
                        // Sleep only to pace the demo: eating takes a while.
                        thread::sleep(own_rng.jitter(self.pause * 6));
                        plate.lock().push(baozi);
                        eaten_so_far.fetch_add(1, Relaxed);
                        if closing == Closing::JoinThenSentinels {
                            counter.task_done().expect("one task_done() per baozi taken");
                        }
                    }
                };
                start(s, Some(&format!("Customer-{number}")), customer);
            }
            let mut cook_rng = Rng::new(rng.next_u64());
            let (counter, eaten_so_far) = (&counter, &eaten_so_far);
            let cook = move || self.cook(counter, closing, eaten_so_far, &mut cook_rng);
            start(s, Some("Cook"), cook);
        });
        self.tally(&plates)
    }

    /// The producer: `baozi` baozi, then the closing.
    fn cook(
        &self,
        counter: &Queue<Option<u32>>,
        closing: Closing,
        eaten_so_far: &AtomicUsize,
        rng: &mut Rng,
    ) {
        for baozi in 1..=self.baozi {
            // Only for the narration and the summary: qsize() and full()
            // may be stale by the put().
            let full = counter.full();
            if full {
                self.found_full.fetch_add(1, Relaxed);
            }
            if !self.quiet {
                let wait = if full { ": full, q.put() waits for room" } else { "" };
                say("Cook", format!("made baozi {baozi} (on the counter: {}{wait})", counter.qsize()));
            }
            counter.put(Some(baozi)).expect("nobody shuts the counter before the cook");
            // Sleep only to pace the demo: making a baozi takes a while.
            thread::sleep(rng.jitter(self.pause));
        }
        say("Cook", format!("made all {} baozi", self.baozi));
        match closing {
            Closing::Sentinels => self.send_home(counter),
            Closing::JoinThenSentinels => {
                say("Cook", "q.join(): waiting until every baozi is eaten (task_done)");
                counter.join();
                let eaten = eaten_so_far.load(Relaxed);
                say("Cook", format!("q.join() returned: {eaten} of {} eaten; closing", self.baozi));
                self.send_home(counter);
            }
            Closing::Shutdown => {
                say(
                    "Cook",
                    format!("q.shutdown(): closing with {} baozi still on the counter", counter.qsize()),
                );
                counter.shutdown(false);
                match counter.put(Some(self.baozi + 1)) {
                    Err(PutError::ShutDown(Some(late))) => say(
                        "Cook",
                        format!(
                            "q.put(baozi {late}) after shutdown: Err(ShutDown); the baozi came back: {late}"
                        ),
                    ),
                    other => say("Cook", format!("q.put() after shutdown: {other:?} (unexpected)")),
                }
            }
        }
    }

    /// One sentinel per customer.
    fn send_home(&self, counter: &Queue<Option<u32>>) {
        say("Cook", format!("q.put(None) × {}: one sentinel per customer", self.customers));
        for _ in 0..self.customers {
            counter.put(None).expect("nobody shuts the counter");
        }
    }

    /// Prints who ate how many; checks each baozi was eaten exactly once.
    fn tally(&self, plates: &[Mutex<Vec<u32>>]) -> bool {
        let mut all: Vec<u32> = Vec::new();
        let mut each = Vec::new();
        for (number, plate) in (1..=plates.len()).zip(plates) {
            let plate = plate.lock();
            each.push(format!("Customer-{number} ate {}", plate.len()));
            all.extend(plate.iter());
        }
        all.sort_unstable();
        let exactly_once = all.iter().copied().eq(1..=self.baozi);
        say("MainThread", each.join(", "));
        say(
            "MainThread",
            format!(
                "total eaten: {} of {} made; each baozi eaten exactly once: {}",
                all.len(),
                self.baozi,
                if exactly_once { "yes" } else { "NO" }
            ),
        );
        exactly_once
    }
}
