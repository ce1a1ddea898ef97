//! lesson-pool-server: the notes' echo server, whose connections a thread
//! pool of 3 workers serves; 5 clients come at once.
//!
//! Part 1, a pool of 3 (Python's `concurrent.futures`):
//!
//! ```python
//! def handle(conn, addr):
//!     with conn:
//!         print(threading.current_thread().name, "serves", addr)
//!         while data := conn.recv(1024):
//!             conn.sendall(data)                    # echo it back
//!
//! with socket.create_server(("127.0.0.1", 0)) as server, \
//!      ThreadPoolExecutor(max_workers=3, thread_name_prefix="pool") as pool:
//!     while True:
//!         conn, addr = server.accept()
//!         pool.submit(handle, conn, addr)           # queued while all 3 are busy
//! ```
//!
//! Five clients connect at the same moment (a `Barrier`), each says hello
//! and a few more lines, one every few pauses, waiting for each echo, then
//! leaves. All five connections are accepted at once (the kernel queues
//! them), but only three workers serve: the other two clients' hellos wait,
//! unanswered, until a worker is free because its client left.
//!
//! Part 2, one thread per client, for contrast:
//!
//! ```python
//!     conn, addr = server.accept()
//!     threading.Thread(target=handle, args=(conn, addr)).start()
//! ```
//!
//! Everyone is served at once; nobody waits (but a thousand clients would
//! be a thousand threads: a pool bounds them).
//!
//! Bounded: the server listens on 127.0.0.1 only, on a port the system
//! picks, accepts exactly the lesson's clients (or gives up after a
//! deadline), and every socket has read and write timeouts (the shared
//! `LineConn`, `lessons/src/net.rs`).
//!
//! Run: `cargo run -q --bin lesson-pool-server`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-pool-server -- --clients 8 --workers 2` (`-- --help` lists them all).
//! The notes' section: 13 pools.

use clap::Parser;
use lockstep::thread::{Thread, current_thread};
use lockstep::{Barrier, ThreadPoolExecutor};
use lockstep_lessons::{
    CommonArgs, LineConn, Peak, Rng, SeedArgs, Started, accept_up_to, begin, book, finished, heading, listen,
    narrate, point, say, seconds_since, start, within_budget, your_turn,
};
use std::collections::{BTreeSet, HashMap};
use std::net::{SocketAddr, TcpListener, TcpStream};
// A std Mutex for the bookkeeping, so that --timeline shows only the lesson's primitives.
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// An echo server whose connections a pool of workers serves.
#[derive(Parser, Debug)]
#[command(name = "lesson-pool-server", version)]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "Pace of the clients, in ms, 0 to 100: a client sends a line every 10 pauses (jittered by ±50%, \
     seeded), so it stays about --messages × 10 pauses"
)))]
struct Args {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many clients connect at once, 1 to 10
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=10))]
    clients: u8,
    /// How many workers the pool has, 1 to 10
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=10))]
    workers: u8,
    /// How many lines each client sends (the first is its hello), 1 to 10
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=10))]
    messages: u8,
}

/// One client's stay, as its worker saw it.
#[derive(Debug, Clone)]
struct Visit {
    client: String,
    /// The thread that served it.
    worker: String,
    /// Since the part began: when the server accepted the connection,
    /// when a worker took it, and when the client left.
    accepted: Duration,
    served: Duration,
    left: Duration,
    /// Whether, when it was accepted, every worker already had a client
    /// (being served or queued): it had to wait until one left.
    waited: bool,
}

/// The lesson's clients and how they behave.
#[derive(Clone, Copy)]
struct Shop {
    clients: usize,
    messages: usize,
    pause: Duration,
    /// How long a socket waits for its peer before giving up.
    timeout: Duration,
    quiet: bool,
}

/// One part: what its server, workers and clients share.
struct Part {
    shop: Shop,
    since: Instant,
    /// Clients being served now, and the most at once.
    serving: Peak,
    /// The visits of the clients that have left.
    visits: Mutex<Vec<Visit>>,
}

/// How a part serves its connections.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Serving {
    /// `pool.submit(handle, conn)`: a ThreadPoolExecutor of this many workers.
    Pool(usize),
    /// `Thread(target=handle).start()` per connection.
    ThreadPerClient,
}

/// What one part showed.
struct Report {
    visits: Vec<Visit>,
    /// The names of the threads that served, sorted: `pool_0, pool_1, pool_2`.
    workers: String,
    most: usize,
    /// The clients' own counts, `20 of 20`: echoes that came back right,
    /// out of the lines sent; and whether all of them did.
    echoes: String,
    all_back: bool,
    took: Duration,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    let (clients, workers) = (usize::from(args.clients), usize::from(args.workers));
    // The longest stay, and the pool's rounds of it, plus part 2's one round.
    let stay = args.common.pause() * 10 * 3 / 2 * u32::from(args.messages);
    let rounds = clients.div_ceil(workers) as u32;
    within_budget::<Args>(stay * (rounds + 1), "--clients / --workers × --messages × --pause-ms");
    let mut rng = Rng::new(args.seed.seed);
    let shop = Shop {
        clients,
        messages: usize::from(args.messages),
        pause: args.common.pause(),
        // The longest anybody may wait for a peer: far more than the run needs.
        timeout: stay * rounds + Duration::from_secs(2),
        quiet: args.common.quiet,
    };

    heading(&format!("Part 1: ThreadPoolExecutor({workers}) serves {clients} clients who come at once"));
    let pool = shop.open(Serving::Pool(workers), &mut rng);

    heading(&format!("Part 2: one thread per client, {clients} clients"));
    let threads = shop.open(Serving::ThreadPerClient, &mut rng);

    heading("What you saw");
    let waited: Vec<&Visit> = pool.visits.iter().filter(|visit| visit.waited).collect();
    let wait = |visit: &&Visit| visit.served - visit.accepted;
    let waits: Vec<String> = waited
        .iter()
        .map(|visit| format!("{} {:.1} ms", visit.client, wait(visit).as_secs_f64() * 1e3))
        .collect();
    let longest = waited.iter().map(wait).max().unwrap_or_default();
    let (stay_ms, pause_ms) = (u32::from(args.messages) * 100, args.common.pause_ms);
    let (most, served, pool_workers) = (pool.most, pool.visits.len(), &pool.workers);
    point(if most > workers || served < clients {
        format!(
            "Part 1: {served} of {clients} clients served, at most {most} at once with {workers} workers (unexpected)."
        )
    } else if waited.is_empty() {
        let why = if clients <= workers {
            "there were enough workers for everybody"
        } else {
            "each client left before the pool filled up"
        };
        format!(
            "Part 1: all {clients} clients were served, never more than {most} at once, but nobody had to \
             wait: {why}. With the defaults (5 clients, 3 workers, 10 ms pauses) each client stays about \
             {stay_ms} ms and the last ones wait for a free worker."
        )
    } else {
        let short = if longest < Duration::from_millis(20) {
            format!(
                " The waits were short: with --pause-ms {pause_ms} the first clients left almost at once; \
                 with the default 10 ms each client stays about {stay_ms} ms and the others visibly wait for it."
            )
        } else {
            String::new()
        };
        format!(
            "Part 1: all {clients} clients connected at once, but at most {most} were served at the same \
             time, by the pool's {workers} workers ({pool_workers}); {} waited, connected but unanswered, \
             until a worker was free because its client had left ({}).{short}",
            waited.len(),
            waits.join(", ")
        )
    });
    let (at_once, names) = (threads.most, &threads.workers);
    let (one_each, pooled) = (threads.took.as_secs_f64(), pool.took.as_secs_f64());
    point(format!(
        "Part 2: one thread per client served {at_once} of {clients} at once ({names}), and nobody waited: \
         {one_each:.3} s instead of the pool's {pooled:.3} s. But each client costs a thread: a pool bounds \
         how many threads a busy server starts."
    ));
    let how = if pool.all_back && threads.all_back {
        "Every line came back as it was sent"
    } else {
        "Some lines did not come back (unexpected)"
    };
    point(format!("{how}: {} echoes in part 1, {} in part 2.", pool.echoes, threads.echoes));
    your_turn("lesson-pool-server");
    finished(started);
}

impl Shop {
    /// Runs one part: a server on 127.0.0.1 serving the `serving` way,
    /// and the clients, who all connect at once.
    fn open(self, serving: Serving, rng: &mut Rng) -> Report {
        let (listener, address) = listen();
        let part = Arc::new(Part {
            shop: self,
            since: Instant::now(),
            serving: Peak::default(),
            visits: Mutex::new(Vec::new()),
        });
        say("MainThread", format!("the server listens on {address}"));
        let gate = Barrier::new(self.clients); // they all come at once
        let (echoed, sent) = thread::scope(|s| {
            let server = start(s, Some("server"), || part.accept(&listener, serving));
            let mut clients = Vec::new();
            for number in 1..=self.clients {
                let gaps: Vec<Duration> = (0..self.messages).map(|_| rng.jitter(self.pause * 10)).collect();
                let (gate, part, name) = (&gate, &part, format!("client-{number}"));
                clients.push(start(s, Some(&name.clone()), move || part.client(&name, address, gate, &gaps)));
            }
            let counts = clients.into_iter().filter_map(Started::join);
            let totals = counts.fold((0, 0), |(echoed, sent), (e, s)| (echoed + e, sent + s));
            server.join();
            totals
        });
        let took = part.since.elapsed();
        let mut visits = book(&part.visits).clone();
        visits.sort_by_key(|visit| visit.served);
        // Each worker's previous client: the one whose leaving freed it.
        let mut last: HashMap<&str, &Visit> = HashMap::new();
        for visit in &visits {
            let Visit { client, worker, served, left, .. } = visit;
            let after = last
                .insert(worker, visit)
                .map_or(String::new(), |before| format!(" (after {} left {worker})", before.client));
            let (from, to) = (served.as_secs_f64(), left.as_secs_f64());
            say("MainThread", format!("{client} served by {worker} from {from:.3} s to {to:.3} s{after}"));
        }
        let workers: BTreeSet<&str> = visits.iter().map(|visit| visit.worker.as_str()).collect();
        let (most, served, clients, at) =
            (part.serving.most(), visits.len(), self.clients, took.as_secs_f64());
        let told = format!(
            "served {served} of {clients} clients; at most {most} served at once; finished at {at:.3} s"
        );
        say("MainThread", told);
        let (echoes, all_back) = (format!("{echoed} of {sent}"), echoed == sent);
        Report { workers: Vec::from_iter(workers).join(", "), visits, most, echoes, all_back, took }
    }
}

impl Part {
    /// Seconds since the part began, for the narration.
    fn at(&self) -> String {
        seconds_since(self.since)
    }

    /// The server: accepts exactly the lesson's clients (or gives up at a
    /// deadline), handing each connection to the pool or to a new thread.
    fn accept(self: &Arc<Self>, listener: &TcpListener, serving: Serving) {
        let pool = match serving {
            Serving::Pool(workers) => {
                let python =
                    format!("ThreadPoolExecutor(max_workers={workers}, thread_name_prefix=\"pool\")");
                say("server", python);
                Some(ThreadPoolExecutor::builder().max_workers(workers).thread_name_prefix("pool").build())
            }
            Serving::ThreadPerClient => None,
        };
        let mut handlers = Vec::new();
        let deadline = Instant::now() + self.shop.timeout;
        let (accepted, error) = accept_up_to(listener, self.shop.clients, deadline, |before, conn, peer| {
            // Accepted before this one and not gone yet: served or queued.
            let ahead = before - book(&self.visits).len().min(before);
            let waits = matches!(serving, Serving::Pool(workers) if ahead >= workers);
            let accepted_at = self.since.elapsed();
            let part = self.clone();
            let task = move || handle(conn, peer, accepted_at, waits, &part);
            let at = accepted_at.as_secs_f64();
            let tell = |how: String| {
                narrate(self.shop.quiet, "server", format!("accepted {peer} at {at:.3} s; {how}"))
            };
            match &pool {
                Some(pool) => {
                    tell("pool.submit(handle, conn)".to_string());
                    if let Err(error) = pool.submit(task) {
                        say("server", format!("pool.submit failed: {error}"));
                    }
                }
                None => {
                    let thread = Thread::new(task);
                    tell(format!("Thread(target=handle).start(): {}", thread.name()));
                    thread.start().expect("a new thread starts");
                    handlers.push(thread);
                }
            }
        });
        if let Some(error) = error {
            say("server", format!("accept() failed: {error}"));
        }
        if accepted < self.shop.clients {
            say(
                "server",
                format!("only {accepted} of {} clients came before the deadline", self.shop.clients),
            );
        }
        drop(pool); // `with ... as pool:` ends: shutdown(wait=True) waits for the handlers
        for handler in handlers {
            handler.join().expect("started above");
        }
        say("server", format!("all {accepted} connections served; the server stops at {}", self.at()));
    }

    /// One client: waits at the gate, connects, sends its lines (each
    /// answered by an echo before the next), and leaves. Returns how many
    /// echoes came back right, and how many lines it sent.
    fn client(&self, name: &str, address: SocketAddr, gate: &Barrier, gaps: &[Duration]) -> (usize, usize) {
        let timeout = self.shop.timeout;
        let _ = gate.wait_timeout(timeout);
        let connected = LineConn::connect(address, timeout);
        let Ok(mut conn) = connected.inspect_err(|error| say(name, format!("could not connect: {error}")))
        else {
            return (0, 0);
        };
        say(name, format!("connected at {}; sends hello", self.at()));
        let (mut echoed, mut sent) = (0, 0);
        for (number, gap) in gaps.iter().enumerate() {
            let text =
                if number == 0 { format!("hello from {name}\n") } else { format!("{name} line {number}\n") };
            let asked = Instant::now();
            sent += 1;
            match conn.ask(&text) {
                Ok(echo) if echo == text => echoed += 1,
                Ok(echo) => say(name, format!("a wrong echo: {echo:?}")),
                Err(error) => {
                    say(name, format!("no echo within {} ms: {error}", timeout.as_millis()));
                    break;
                }
            }
            if number == 0 {
                let waited = asked.elapsed().as_secs_f64() * 1000.0;
                say(name, format!("hello echoed at {}, {waited:.1} ms after it was sent", self.at()));
            }
            // Sleep only to pace the demo: the client thinks before its next line.
            thread::sleep(*gap);
        }
        narrate(self.shop.quiet, name, format!("leaves at {}", self.at()));
        (echoed, sent)
    }
}

/// Python's `handle(conn, addr)`: echoes every line until the client
/// leaves, and records the visit: accepted at `accepted`, when all the
/// workers were taken if `waited`.
fn handle(conn: TcpStream, peer: SocketAddr, accepted: Duration, waited: bool, part: &Part) {
    let worker = current_thread().name();
    let served = part.since.elapsed();
    let now = part.serving.enter();
    let mut client = format!("{peer}");
    let echoed = LineConn::new(conn, part.shop.timeout).and_then(|mut conn| {
        conn.echo(|line| {
            if let Some(name) = line.strip_prefix("hello from ") {
                client = name.trim().to_string();
                say(&worker, format!("serves {client} ({peer}) at {}; {now} being served now", part.at()));
            }
        })
    });
    if let Err(error) = echoed {
        say(&worker, format!("gave up on {client}: {error}"));
    }
    let left = part.since.elapsed();
    part.serving.leave();
    narrate(part.shop.quiet, &worker, format!("{client} left at {}; free for the next one", part.at()));
    book(&part.visits).push(Visit { client, worker, accepted, served, left, waited });
}
