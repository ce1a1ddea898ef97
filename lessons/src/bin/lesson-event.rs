//! lesson-event: threads waiting for a signal, with `threading.Event`.
//!
//! Part 1, the boss and the workers, an evening at the office:
//!
//! ```python
//! event = threading.Event()
//!
//! def boss():
//!     print("BOSS: everybody works overtime tonight!")
//!     event.set()                    # wake every worker
//!     time.sleep(5)
//!     print("BOSS: 22:00, you may go home.")
//!     event.set()
//!
//! def worker():
//!     event.wait()                   # until the boss speaks
//!     print("Worker: sigh, overtime...")
//!     time.sleep(1)
//!     event.clear()                  # the boss has spoken; lower the flag
//!     event.wait()                   # until the boss speaks again
//!     print("Worker: Oh yeah, home!")
//! ```
//!
//! The note's two sleeps order the threads, and without them it can hang:
//! a worker that clears before another has even reached `wait()` makes that
//! one miss the first `set()`; a `set()` that comes before a slow worker's
//! `clear()` is lost, and that worker waits forever. Here two more Events
//! do the sleeps' job: `all_woken` (every worker is past the first wait, so
//! clearing is safe) and `all_back` (every worker has cleared, so the next
//! `set()` reaches all); a third, `home_time`, says which news the boss has.
//!
//! Part 2, a server and its clients:
//!
//! ```python
//! ready = threading.Event()
//! def server():
//!     time.sleep(0.3)                # starting up
//!     print("ready"); ready.set()
//! def client(n):
//!     ready.wait()                   # connect only once the server is ready
//!     print("client", n, "connects")
//! ```
//!
//! And `ready.wait(timeout=0.05)` returns `False` while nobody has set the
//! flag, `True` at once after.
//!
//! Run: `cargo run -q --bin lesson-event`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-event -- --workers 5 --pause-ms 30` (`-- --help` lists them all).
//! The notes' section: 06 event.

use clap::Parser;
use lockstep::Event;
use lockstep_lessons::{CommonArgs, Rng, SeedArgs, begin, finished, heading, point, say, start, your_turn};
use std::sync::atomic::AtomicUsize;
// Relaxed: the counter only picks which worker is the last one back; the
// Events' set/wait are what order the threads.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

/// Workers waiting for the boss; clients waiting for the server: Event.
#[derive(Parser, Debug)]
#[command(name = "lesson-event", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of the demo, in ms, 0 to 100: a worker's overtime takes 10 pauses (jittered by ±50%), the \
     server's start-up 30 (only to make the demo watchable)"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many workers wait for the boss, 1 to 20
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=20))]
    workers: u8,
    /// How many clients wait for the server, 1 to 20
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=20))]
    clients: u8,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let mut rng = Rng::new(args.seed.seed);
    let pause = args.common.pause();

    heading(&format!("Part 1: the boss and {} workers", args.workers));
    let went_home = evening(usize::from(args.workers), pause, &mut rng, args.common.quiet);

    heading(&format!("Part 2: a server and {} clients", args.clients));
    let (before, connected, late) = server_and_clients(usize::from(args.clients), pause);

    heading("What you saw");
    point(if went_home == usize::from(args.workers) {
        format!(
            "Workers: each waited on the boss's event, worked, cleared it, and waited again; the \
             boss's second set() sent all {went_home} of {} home. wait() blocks while the flag is \
             down and wakes every waiter when set() raises it.",
            args.workers
        )
    } else {
        format!("Only {went_home} of {} workers went home (unexpected).", args.workers)
    });
    point(
        "clear() by the waiters races with the other waiters and with the next set(): clear \
         too early and a worker not yet waiting misses the set(); set() before a slow worker's \
         clear() and that worker waits forever. The note hides this behind time.sleep(); here \
         two more Events (all_woken, all_back) put the steps in order every run.",
    );
    point(if connected == usize::from(args.clients) {
        format!(
            "Server: every client connected after the server said \"ready\" ({connected} of {}), \
             although each started waiting before it. An Event is a one-way gate: set once, it \
             lets everybody through until clear().",
            args.clients
        )
    } else {
        format!("Only {connected} of {} clients connected after \"ready\" (unexpected).", args.clients)
    });
    point(format!(
        "wait_timeout(50 ms) on the unset event returned {before} after the timeout (Python: \
         wait(0.05) is False); once set, wait() returned at once ({late:.3} ms for a late client)."
    ));
    your_turn("lesson-event");
    finished(started);
}

/// Part 1: the boss announces overtime, the workers work, clear, wait
/// again; once all are back the boss sends them home. Returns how many
/// went home.
fn evening(workers: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> usize {
    // Named: --timeline and --trace show the waits for it. The four below
    // only order the narration; unnamed, they stay out of the chart.
    let event = Event::named("event"); // the boss has spoken
    let home_time = Event::new(); // what the boss said: it is time to go home
    let all_woken = Event::new(); // every worker is past the first wait()
    let all_back = Event::new(); // every worker has cleared and waits again
    let all_waiting = Event::new(); // every worker has said it waits: the boss may speak
    let (woken, back, gone_home) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    let waiting = AtomicUsize::new(0);
    thread::scope(|s| {
        for number in 1..=workers {
            let name = format!("Worker-{number}");
            let overtime = rng.jitter(pause * 10);
            let (event, home_time, all_woken, all_back) = (&event, &home_time, &all_woken, &all_back);
            let (woken, back, gone_home, waiting, all_waiting) =
                (&woken, &back, &gone_home, &waiting, &all_waiting);
            let worker = move || {
                say(&name, "event.wait(): waiting for the boss");
                arrive(waiting, workers, all_waiting); // the last one to say so lets the boss speak
                event.wait();
                say(&name, "the boss spoke: sigh, overtime...");
                arrive(woken, workers, all_woken); // the last one woken opens all_woken
                if !quiet {
                    say(&name, format!("working for {} ms", overtime.as_millis()));
                }
                // Sleep only to pace the demo: the overtime work.
                thread::sleep(overtime);
                all_woken.wait(); // instead of the note's time.sleep(1): nobody misses the set()
                event.clear();
                say(&name, "work done; event.clear(), event.wait() again");
                arrive(back, workers, all_back);
                event.wait();
                if home_time.is_set() {
                    say(&name, "Oh yeah, home!");
                    gone_home.fetch_add(1, Relaxed);
                }
            };
            start(s, Some(&format!("Worker-{number}")), worker);
        }
        let boss = || {
            // Only for the narration: the demo shows every worker waiting
            // before the boss speaks (event.wait() would work either way).
            all_waiting.wait();
            say("BOSS", format!("event.is_set() = {}", event.is_set()));
            say("BOSS", "everybody works overtime tonight! event.set()");
            event.set();
            all_back.wait(); // instead of the note's time.sleep(5): nobody clears after the next set()
            say("BOSS", format!("all {workers} back and waiting; event.is_set() = {}", event.is_set()));
            say("BOSS", "22:00, you may go home. event.set()");
            home_time.set(); // first the news, then the signal
            event.set();
        };
        start(s, Some("BOSS"), boss);
    });
    gone_home.load(Relaxed)
}

/// Counts one more arrival; the `of`th to arrive sets `everybody`.
fn arrive(count: &AtomicUsize, of: usize, everybody: &Event) {
    if count.fetch_add(1, Relaxed) + 1 == of {
        everybody.set();
    }
}

/// Part 2: clients wait for the server's `ready`; a timed wait before and a
/// late wait after. Returns the early `wait_timeout`'s result, how many
/// clients connected after "ready", and how long the late wait took (ms).
fn server_and_clients(clients: usize, pause: Duration) -> (bool, usize, f64) {
    let ready = Event::named("ready"); // named: --timeline shows who waits for it
    say("MainThread", format!("ready.is_set() = {}", ready.is_set()));
    let asked = Instant::now();
    let before = ready.wait_timeout(Duration::from_millis(50));
    say(
        "MainThread",
        format!(
            "ready.wait_timeout(50 ms) = {before} after {:.0} ms: nobody has set it (Python: False)",
            asked.elapsed().as_secs_f64() * 1000.0
        ),
    );
    let said_ready = AtomicUsize::new(0); // 1 once the server has said "ready"
    let connected = AtomicUsize::new(0); // clients that connected after "ready"
    let (waiting, all_waiting) = (AtomicUsize::new(0), Event::new()); // every client has said it waits
    // The last client checks in now and then instead of one long wait: every
    // 10 pauses, but at least every 10 ms, so a tiny --pause-ms cannot flood
    // the screen with "still waiting".
    let check_in = (pause * 10).max(Duration::from_millis(10));
    thread::scope(|s| {
        let (ready, said_ready, connected) = (&ready, &said_ready, &connected);
        let (waiting, all_waiting) = (&waiting, &all_waiting);
        for number in 1..=clients {
            let name = format!("client-{number}");
            let client = move || {
                if number == clients {
                    say(&name, format!("ready.wait_timeout({} ms), again and again", check_in.as_millis()));
                    arrive(waiting, clients, all_waiting);
                    while !ready.wait_timeout(check_in) {
                        say(
                            &name,
                            format!("ready.wait_timeout({} ms) = false; still waiting", check_in.as_millis()),
                        );
                    }
                } else {
                    say(&name, "ready.wait(): waiting for the server");
                    arrive(waiting, clients, all_waiting);
                    ready.wait();
                }
                say(&name, "connects to the server");
                // The server said "ready" before set(), and wait() returned
                // after set(), so this is 1 every time.
                connected.fetch_add(said_ready.load(Relaxed), Relaxed);
            };
            start(s, Some(&format!("client-{number}")), client);
        }
        let server = move || {
            // Only for the narration: every client is shown waiting first.
            all_waiting.wait();
            say("server", "starting up...");
            // Sleep only to pace the demo: the server's start-up.
            thread::sleep(pause * 30);
            say("server", "ready; ready.set()");
            said_ready.store(1, Relaxed);
            ready.set();
        };
        start(s, Some("server"), server);
    });
    let asked = Instant::now();
    ready.wait();
    let late = asked.elapsed().as_secs_f64() * 1000.0;
    say("late-client", format!("ready.wait() returned at once ({late:.3} ms): the flag is set"));
    let again = ready.wait_timeout(Duration::from_secs(1));
    say("late-client", format!("ready.wait_timeout(1 s) = {again}, also at once"));
    (before, connected.load(Relaxed), late)
}
