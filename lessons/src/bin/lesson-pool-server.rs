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
//! deadline), and every socket has read and write timeouts.
//!
//! Run: `cargo run -q --bin lesson-pool-server`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-pool-server -- --clients 8 --workers 2` (`-- --help` lists them all).
//! The notes' section: 13 pools.

use clap::Parser;
use lockstep::thread::{Thread, current_thread};
use lockstep::{Barrier, ThreadPoolExecutor};
use lockstep_lessons::{
    CommonArgs, Rng, SeedArgs, begin, finished, heading, narrate, point, say, start, within_budget, your_turn,
};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::AtomicUsize;
// Relaxed: the counters only count who is being served; the visits are
// read after the pool has shut down and the threads are joined.
use std::sync::atomic::Ordering::Relaxed;
// A std Mutex for the bookkeeping, so that --timeline shows only the lesson's primitives.
use std::sync::{Arc, Mutex, PoisonError};
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

/// What one part's server and workers share.
struct Stats {
    since: Instant,
    /// Clients being served now, and the most at once.
    serving: AtomicUsize,
    most: AtomicUsize,
    /// Clients that have left.
    gone: AtomicUsize,
    visits: Mutex<Vec<Visit>>,
    /// How long a socket waits for its peer before giving up.
    timeout: Duration,
    quiet: bool,
}

impl Stats {
    /// Seconds since the part began, for the narration.
    fn at(&self) -> String {
        format!("{:.3} s", self.since.elapsed().as_secs_f64())
    }
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
    most: usize,
    /// The clients' own counts: echoes that came back right, out of those sent.
    echoed: usize,
    sent: usize,
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
    let waits: Vec<String> = waited
        .iter()
        .map(|visit| {
            format!("{} {:.1} ms", visit.client, (visit.served - visit.accepted).as_secs_f64() * 1000.0)
        })
        .collect();
    let longest = waited.iter().map(|visit| visit.served - visit.accepted).max().unwrap_or_default();
    let stay_ms = u32::from(args.messages) * 100;
    point(if pool.most > workers || pool.visits.len() < clients {
        format!(
            "Part 1: {} of {clients} clients served, at most {} at once with {workers} workers (unexpected).",
            pool.visits.len(),
            pool.most
        )
    } else if waited.is_empty() {
        format!(
            "Part 1: all {clients} clients were served, never more than {} at once, but nobody had to \
             wait: {}. With the defaults (5 clients, 3 workers, 10 ms pauses) each client stays about \
             {stay_ms} ms and the last ones wait for a free worker.",
            pool.most,
            if clients <= workers {
                "there were enough workers for everybody"
            } else {
                "each client left before the pool filled up"
            }
        )
    } else {
        format!(
            "Part 1: all {clients} clients connected at once, but at most {} were served at the same \
             time, by the pool's {workers} workers ({}); {} waited, connected but unanswered, until a \
             worker was free because its client had left ({}).{}",
            pool.most,
            workers_of(&pool.visits).join(", "),
            waited.len(),
            waits.join(", "),
            if longest < Duration::from_millis(20) {
                format!(
                    " The waits were short: with --pause-ms {} the first clients left almost at once; \
                     with the default 10 ms each client stays about {stay_ms} ms and the others \
                     visibly wait for it.",
                    args.common.pause_ms
                )
            } else {
                String::new()
            }
        )
    });
    point(format!(
        "Part 2: one thread per client served {} of {clients} at once ({}), and nobody waited: \
         {:.3} s instead of the pool's {:.3} s. But each client costs a thread: a pool bounds \
         how many threads a busy server starts.",
        threads.most,
        workers_of(&threads.visits).join(", "),
        threads.took.as_secs_f64(),
        pool.took.as_secs_f64()
    ));
    let all_back = pool.echoed == pool.sent && threads.echoed == threads.sent;
    point(format!(
        "{}: {} of {} echoes in part 1, {} of {} in part 2.",
        if all_back {
            "Every line came back as it was sent"
        } else {
            "Some lines did not come back (unexpected)"
        },
        pool.echoed,
        pool.sent,
        threads.echoed,
        threads.sent
    ));
    your_turn("lesson-pool-server");
    finished(started);
}

/// The visit this one took its worker over from: the latest one by the
/// same worker that had ended before this one began.
fn took_over<'v>(visit: &Visit, visits: &'v [Visit]) -> Option<&'v Visit> {
    visits
        .iter()
        .filter(|other| {
            other.worker == visit.worker && other.left <= visit.served && other.client != visit.client
        })
        .max_by_key(|other| other.left)
}

/// The workers' names, sorted, without repeats.
fn workers_of(visits: &[Visit]) -> Vec<String> {
    let mut names: Vec<String> = visits.iter().map(|visit| visit.worker.clone()).collect();
    names.sort();
    names.dedup();
    names
}

/// The lesson's clients and how they behave.
struct Shop {
    clients: usize,
    messages: usize,
    pause: Duration,
    timeout: Duration,
    quiet: bool,
}

impl Shop {
    /// Runs one part: a server on 127.0.0.1 serving the `serving` way,
    /// and the clients, who all connect at once.
    fn open(&self, serving: Serving, rng: &mut Rng) -> Report {
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen on 127.0.0.1");
        let address = listener.local_addr().expect("the port the system chose");
        let stats = Arc::new(Stats {
            since: Instant::now(),
            serving: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
            gone: AtomicUsize::new(0),
            visits: Mutex::new(Vec::new()),
            timeout: self.timeout,
            quiet: self.quiet,
        });
        say("MainThread", format!("the server listens on {address}"));
        let gate = Barrier::new(self.clients); // they all come at once
        let (echoed, sent) = thread::scope(|s| {
            let server = {
                let stats = stats.clone();
                start(s, Some("server"), move || self.accept(&listener, serving, &stats))
            };
            let clients: Vec<_> = (1..=self.clients)
                .map(|number| {
                    let gaps: Vec<Duration> =
                        (0..self.messages).map(|_| rng.jitter(self.pause * 10)).collect();
                    let (gate, stats) = (&gate, &stats);
                    let name = format!("client-{number}");
                    start(s, Some(&name.clone()), move || self.client(&name, address, gate, &gaps, stats))
                })
                .collect();
            let counts: Vec<(usize, usize)> =
                clients.into_iter().filter_map(|client| client.join()).collect();
            server.join();
            counts.iter().fold((0, 0), |(echoed, sent), (e, s)| (echoed + e, sent + s))
        });
        let took = stats.since.elapsed();
        let mut visits = stats.visits.lock().unwrap_or_else(PoisonError::into_inner).clone();
        visits.sort_by_key(|visit| visit.served);
        for visit in &visits {
            let after = took_over(visit, &visits)
                .map_or(String::new(), |before| format!(" (after {} left {})", before.client, before.worker));
            say(
                "MainThread",
                format!(
                    "{} served by {} from {:.3} s to {:.3} s{after}",
                    visit.client,
                    visit.worker,
                    visit.served.as_secs_f64(),
                    visit.left.as_secs_f64()
                ),
            );
        }
        let most = stats.most.load(Relaxed);
        say(
            "MainThread",
            format!(
                "served {} of {} clients; at most {most} served at once; finished at {:.3} s",
                visits.len(),
                self.clients,
                took.as_secs_f64()
            ),
        );
        Report { visits, most, echoed, sent, took }
    }

    /// The server: accepts exactly the lesson's clients (or gives up at a
    /// deadline), handing each connection to the pool or to a new thread.
    fn accept(&self, listener: &TcpListener, serving: Serving, stats: &Arc<Stats>) {
        listener.set_nonblocking(true).expect("a listener can poll");
        let pool = match serving {
            Serving::Pool(workers) => {
                say(
                    "server",
                    format!("ThreadPoolExecutor(max_workers={workers}, thread_name_prefix=\"pool\")"),
                );
                Some(ThreadPoolExecutor::builder().max_workers(workers).thread_name_prefix("pool").build())
            }
            Serving::ThreadPerClient => None,
        };
        let mut handlers = Vec::new();
        let deadline = Instant::now() + self.timeout;
        let mut accepted = 0;
        while accepted < self.clients && Instant::now() < deadline {
            let (conn, peer) = match listener.accept() {
                Ok(connection) => connection,
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(1)); // polling interval only
                    continue;
                }
                Err(error) => {
                    say("server", format!("accept() failed: {error}"));
                    break;
                }
            };
            // Accepted before this one and not gone yet: served or queued.
            let ahead = accepted - stats.gone.load(Relaxed).min(accepted);
            let waits = matches!(serving, Serving::Pool(workers) if ahead >= workers);
            accepted += 1;
            let accepted_at = stats.since.elapsed();
            let handler_stats = stats.clone();
            let task = move || handle(conn, peer, (accepted_at, waits), &handler_stats);
            let at = accepted_at.as_secs_f64();
            let tell =
                |how: String| narrate(self.quiet, "server", format!("accepted {peer} at {at:.3} s; {how}"));
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
        }
        if accepted < self.clients {
            say("server", format!("only {accepted} of {} clients came before the deadline", self.clients));
        }
        drop(pool); // `with ... as pool:` ends: shutdown(wait=True) waits for the handlers
        for handler in handlers {
            handler.join().expect("started above");
        }
        say("server", format!("all {accepted} connections served; the server stops at {}", stats.at()));
    }

    /// One client: waits at the gate, connects, sends its lines (each
    /// answered by an echo before the next), and leaves. Returns how many
    /// echoes came back right, and how many lines it sent.
    fn client(
        &self,
        name: &str,
        address: SocketAddr,
        gate: &Barrier,
        gaps: &[Duration],
        stats: &Stats,
    ) -> (usize, usize) {
        let _ = gate.wait_timeout(self.timeout);
        let conn = match TcpStream::connect_timeout(&address, self.timeout) {
            Ok(conn) => conn,
            Err(error) => {
                say(name, format!("could not connect: {error}"));
                return (0, 0);
            }
        };
        set_timeouts(&conn, self.timeout);
        say(name, format!("connected at {}; sends hello", stats.at()));
        let mut reader = BufReader::new(conn.try_clone().expect("a socket can be cloned"));
        let mut writer = conn;
        let (mut echoed, mut sent) = (0, 0);
        for (number, gap) in gaps.iter().enumerate() {
            let text =
                if number == 0 { format!("hello from {name}\n") } else { format!("{name} line {number}\n") };
            let asked = Instant::now();
            if writer.write_all(text.as_bytes()).is_err() {
                say(name, "the server closed the connection");
                break;
            }
            sent += 1;
            let mut echo = String::new();
            match reader.read_line(&mut echo) {
                Ok(_) if echo == text => echoed += 1,
                Ok(_) => say(name, format!("a wrong echo: {echo:?}")),
                Err(error) => {
                    say(name, format!("no echo within {} ms: {error}", self.timeout.as_millis()));
                    break;
                }
            }
            if number == 0 {
                let waited = asked.elapsed().as_secs_f64() * 1000.0;
                say(name, format!("hello echoed at {}, {waited:.1} ms after it was sent", stats.at()));
            }
            // Sleep only to pace the demo: the client thinks before its next line.
            thread::sleep(*gap);
        }
        narrate(self.quiet, name, format!("leaves at {}", stats.at()));
        (echoed, sent)
    }
}

/// Read and write timeouts: nobody waits for a peer forever.
fn set_timeouts(conn: &TcpStream, timeout: Duration) {
    conn.set_read_timeout(Some(timeout)).expect("a positive timeout");
    conn.set_write_timeout(Some(timeout)).expect("a positive timeout");
}

/// Python's `handle(conn, addr)`: echoes every line until the client
/// leaves, and records the visit.
/// `accepted`: when the server accepted it, and whether all the workers were
/// taken then.
fn handle(conn: TcpStream, peer: SocketAddr, accepted: (Duration, bool), stats: &Stats) {
    let (accepted, waited) = accepted;
    let worker = current_thread().name();
    let served = stats.since.elapsed();
    let now = stats.serving.fetch_add(1, Relaxed) + 1;
    stats.most.fetch_max(now, Relaxed);
    let _ = conn.set_nonblocking(false);
    set_timeouts(&conn, stats.timeout);
    let mut reader = BufReader::new(conn.try_clone().expect("a socket can be cloned"));
    let mut writer = conn;
    let mut client = format!("{peer}");
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break, // the client left
            Ok(_) => {
                if let Some(name) = line.strip_prefix("hello from ") {
                    client = name.trim().to_string();
                    say(
                        &worker,
                        format!("serves {client} ({peer}) at {}; {now} being served now", stats.at()),
                    );
                }
                if writer.write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
            Err(error) => {
                say(&worker, format!("gave up on {client}: {error}"));
                break;
            }
        }
    }
    let left = stats.since.elapsed();
    stats.serving.fetch_sub(1, Relaxed);
    stats.gone.fetch_add(1, Relaxed);
    narrate(stats.quiet, &worker, format!("{client} left at {}; free for the next one", stats.at()));
    stats.visits.lock().unwrap_or_else(PoisonError::into_inner).push(Visit {
        client,
        worker,
        accepted,
        served,
        left,
        waited,
    });
}
