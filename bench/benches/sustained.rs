//! Sustained contention, side by side (issue 14). Each scenario runs long
//! enough that every thread overlaps every other: short runs hide
//! contention, because threads that finish in a millisecond barely meet.
//!
//! - `Semaphore(2)`: every thread does acquire+release [`SEM_STEPS`]
//!   times, against the counting semaphore a Rust user builds from a
//!   `parking_lot::Mutex<usize>` + `Condvar`, and the same from std.
//! - `Queue(64)`: P producers put [`ITEMS`]` / P` items each, as many
//!   consumers get as many, against crossbeam's and flume's `bounded(64)`
//!   and a `parking_lot::Mutex<VecDeque>` + two `Condvar`s queue. Every
//!   contestant checks, untimed, that the consumers' sum is the producers'.
//! - `PriorityQueue` with [`RESIDENT`] items resident: each thread takes
//!   [`PQ_STEPS`] steps of a [`Workload`] ([`Tied`]: put its own value, then
//!   get; [`Hold`]: get x, put x + random), against a
//!   `parking_lot::Mutex<BinaryHeap>` with `Condvar`s, of the same (item,
//!   insertion number) entry, and of plain items (not stable: what the
//!   issue's 1.2x target is against).
//!
//! Prints, per row, the median of `--runs` interleaved timings per
//! contestant, the ratio lockstep / each yardstick (the median of the
//! per-round ratios, and their range), and the context switches of one
//! untimed run of lockstep's and the first yardstick's (voluntary ones are
//! parks).
//! The targets: Semaphore(2) with 8 threads ≤ 1.1× parking_lot;
//! Queue(64) at 4P/4C and 8P/8C ≤ 1.2× crossbeam; PriorityQueue ≤ 1.2×
//! the parking_lot heap.
//!
//! `cargo bench -p lockstep-bench --bench sustained -- --runs 5` (about a
//! minute on 2 cores; `--only sem|queue|pq` runs one scenario, `--threads
//! 4,8` only those thread or producer counts, `--alone` lockstep only, for
//! a profiler, `--rounds` every round's time as well). Run it with
//! nothing else on the machine: two cores shared with a build measure the
//! build.

use crossbeam::channel;
use lockstep_bench::{Switches, count_switches, splitmix, time_threads};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

const SEM_STEPS: u64 = 1_000_000;
const ITEMS: u64 = 1_000_000;
const RESIDENT: u64 = 512;
const PQ_STEPS: u64 = 200_000;

/// The counting semaphore a Rust user would build from parking_lot.
struct PlSemaphore {
    permits: parking_lot::Mutex<usize>,
    freed: parking_lot::Condvar,
}

impl PlSemaphore {
    fn new(permits: usize) -> PlSemaphore {
        PlSemaphore { permits: parking_lot::Mutex::new(permits), freed: parking_lot::Condvar::new() }
    }
    fn acquire(&self) {
        let mut permits = self.permits.lock();
        while *permits == 0 {
            self.freed.wait(&mut permits);
        }
        *permits -= 1;
    }
    fn release(&self) {
        *self.permits.lock() += 1;
        self.freed.notify_one();
    }
}

/// The same from std.
struct StdSemaphore {
    permits: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl StdSemaphore {
    fn new(permits: usize) -> StdSemaphore {
        StdSemaphore { permits: std::sync::Mutex::new(permits), freed: std::sync::Condvar::new() }
    }
    fn acquire(&self) {
        let mut permits = self.permits.lock().unwrap();
        while *permits == 0 {
            permits = self.freed.wait(permits).unwrap();
        }
        *permits -= 1;
    }
    fn release(&self) {
        *self.permits.lock().unwrap() += 1;
        self.freed.notify_one();
    }
}

/// A bounded queue from parking_lot: one mutex, two condition variables,
/// over any container (a `VecDeque` for FIFO, a `BinaryHeap` for priority).
struct PlQueue<C> {
    items: parking_lot::Mutex<C>,
    not_empty: parking_lot::Condvar,
    not_full: parking_lot::Condvar,
    capacity: usize,
}

trait Container: Default {
    type Item;
    fn push(&mut self, item: Self::Item);
    fn pop(&mut self) -> Option<Self::Item>;
    fn len(&self) -> usize;
}

impl Container for VecDeque<u64> {
    type Item = u64;
    fn push(&mut self, item: u64) {
        self.push_back(item);
    }
    fn pop(&mut self) -> Option<u64> {
        self.pop_front()
    }
    fn len(&self) -> usize {
        VecDeque::len(self)
    }
}

/// The entry lockstep's `PriorityQueue` keeps too: the item and its
/// insertion number, so equal items leave in arrival order.
#[derive(Default)]
struct StableHeap {
    heap: BinaryHeap<Reverse<(u64, u64)>>,
    next: u64,
}

impl Container for StableHeap {
    type Item = u64;
    fn push(&mut self, item: u64) {
        self.next += 1;
        self.heap.push(Reverse((item, self.next)));
    }
    fn pop(&mut self) -> Option<u64> {
        self.heap.pop().map(|Reverse((item, _))| item)
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
}

/// A plain heap of the items, without the insertion number: not stable
/// (equal items leave in any order), the cheapest a Rust user could pick.
impl Container for BinaryHeap<Reverse<u64>> {
    type Item = u64;
    fn push(&mut self, item: u64) {
        BinaryHeap::push(self, Reverse(item));
    }
    fn pop(&mut self) -> Option<u64> {
        BinaryHeap::pop(self).map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        BinaryHeap::len(self)
    }
}

impl<C: Container> PlQueue<C> {
    fn new(capacity: usize) -> Self {
        PlQueue {
            items: parking_lot::Mutex::new(C::default()),
            not_empty: parking_lot::Condvar::new(),
            not_full: parking_lot::Condvar::new(),
            capacity,
        }
    }
    fn put(&self, item: C::Item) {
        let mut items = self.items.lock();
        while items.len() >= self.capacity {
            self.not_full.wait(&mut items);
        }
        items.push(item);
        drop(items);
        self.not_empty.notify_one();
    }
    fn get(&self) -> C::Item {
        let mut items = self.items.lock();
        let item = loop {
            match items.pop() {
                Some(item) => break item,
                None => self.not_empty.wait(&mut items),
            }
        };
        drop(items);
        self.not_full.notify_one();
        item
    }
}

/// One contestant of a row: how to time one run of it, and how to count
/// the context switches of one untimed run.
struct Contestant<'a> {
    name: &'static str,
    time: Box<dyn Fn() -> Duration + 'a>,
    switches: Box<dyn Fn() -> Option<Switches> + 'a>,
}

/// `threads` threads each doing `step` `steps` times on a fresh `make()`.
fn contestant<'a, S: Sync>(
    name: &'static str,
    threads: usize,
    steps: u64,
    make: impl Fn() -> S + Copy + 'a,
    step: impl Fn(&S, usize) + Sync + Copy + 'a,
) -> Contestant<'a> {
    Contestant {
        name,
        time: Box::new(move || time_threads(&make(), threads, steps, step)),
        switches: Box::new(move || count_switches(&make(), threads, steps, step)),
    }
}

fn median<T: PartialOrd + Copy>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// Times the contestants in turn, `runs` rounds (interleaved, so each sees
/// the same machine phases: on 2 shared cores a whole run can go 2-4x
/// slower or faster when the host reschedules them), and prints each one's
/// median, the ratio of the first (lockstep) to each other, as the median
/// of the per-round ratios with their range, and the context switches of
/// one untimed run of the first two.
fn race(row: &str, runs: usize, contestants: &[Contestant<'_>]) {
    // `--alone`: lockstep's contestant only, e.g. under a profiler.
    let contestants = if std::env::args().any(|a| a == "--alone") { &contestants[..1] } else { contestants };
    let mut times = vec![Vec::new(); contestants.len()];
    for _ in 0..runs {
        for (times, c) in times.iter_mut().zip(contestants) {
            times.push((c.time)().as_secs_f64());
        }
    }
    let switches = |c: &Contestant<'_>| {
        (c.switches)().map(|s| format!(" ({} vol/{} invol)", s.voluntary, s.involuntary)).unwrap_or_default()
    };
    let ms = |t: f64| t * 1e3;
    print!(
        "  {row:<8} {} {:>7.1} ms{}",
        contestants[0].name,
        ms(median(times[0].clone())),
        switches(&contestants[0])
    );
    for (i, other) in contestants.iter().enumerate().skip(1) {
        let ratios: Vec<f64> = times[0].iter().zip(&times[i]).map(|(a, b)| a / b).collect();
        let (lo, hi) = ratios.iter().fold((f64::MAX, 0.0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        let sw = if i == 1 { switches(other) } else { String::new() };
        print!(
            " | {} {:>7.1} ms{sw} ratio {:.2} [{lo:.2}-{hi:.2}]",
            other.name,
            ms(median(times[i].clone())),
            median(ratios)
        );
    }
    println!();
    // `--rounds`: every round's time, to see a bimodal contestant.
    if std::env::args().any(|a| a == "--rounds") {
        for (c, times) in contestants.iter().zip(&times) {
            let list: Vec<String> = times.iter().map(|t| format!("{:.0}", ms(*t))).collect();
            println!("    {:<24} {}", c.name, list.join(" "));
        }
    }
}

fn semaphores(runs: usize, counts: &[usize]) {
    println!("Semaphore(2): acquire+release, {SEM_STEPS} per thread; {runs} rounds");
    for &threads in counts {
        let contestants = [
            contestant(
                "lockstep",
                threads,
                SEM_STEPS,
                || lockstep::Semaphore::new(2),
                |s, _| {
                    s.acquire();
                    s.release();
                },
            ),
            contestant(
                "parking_lot",
                threads,
                SEM_STEPS,
                || PlSemaphore::new(2),
                |s, _| {
                    s.acquire();
                    s.release();
                },
            ),
            contestant(
                "std",
                threads,
                SEM_STEPS,
                || StdSemaphore::new(2),
                |s, _| {
                    s.acquire();
                    s.release();
                },
            ),
        ];
        race(&format!("{threads} thr"), runs, &contestants);
    }
}

/// A queue under test and the sum of what its consumers took.
struct Checked<Q> {
    queue: Q,
    taken: AtomicU64,
}

impl<Q> Checked<Q> {
    fn new(queue: Q) -> Self {
        Checked { queue, taken: AtomicU64::new(0) }
    }
}

/// `pairs` producers (threads `0..pairs`) and as many consumers over a
/// fresh queue from `make`; every timed run checks, untimed, that nothing
/// was lost or duplicated.
fn pipeline<'a, Q: Sync>(
    name: &'static str,
    pairs: usize,
    make: impl Fn() -> Q + Copy + 'a,
    put: impl Fn(&Q, u64) + Sync + Copy + 'a,
    get: impl Fn(&Q) -> u64 + Sync + Copy + 'a,
) -> Contestant<'a> {
    let per_thread = ITEMS / pairs as u64;
    let step = move |c: &Checked<Q>, thread: usize| {
        if thread < pairs {
            put(&c.queue, thread as u64 + 1);
        } else {
            c.taken.fetch_add(get(&c.queue), Relaxed);
        }
    };
    let expected: u64 = (1..=pairs as u64).sum::<u64>() * per_thread;
    Contestant {
        name,
        time: Box::new(move || {
            let checked = Checked::new(make());
            let time = time_threads(&checked, 2 * pairs, per_thread, step);
            assert_eq!(checked.taken.load(Relaxed), expected, "{name}: an item was lost or duplicated");
            time
        }),
        switches: Box::new(move || count_switches(&Checked::new(make()), 2 * pairs, per_thread, step)),
    }
}

fn queues(runs: usize, counts: &[usize]) {
    println!("Queue(64): P producers + P consumers, {ITEMS} items; {runs} rounds");
    for &pairs in counts {
        let contestants = [
            pipeline(
                "lockstep",
                pairs,
                || lockstep::Queue::new(64),
                |q, i| q.put(i).unwrap(),
                |q| q.get().unwrap(),
            ),
            pipeline(
                "crossbeam",
                pairs,
                || channel::bounded(64),
                |(s, _), i| s.send(i).unwrap(),
                |(_, r)| r.recv().unwrap(),
            ),
            pipeline(
                "flume",
                pairs,
                || flume::bounded(64),
                |(s, _), i| s.send(i).unwrap(),
                |(_, r)| r.recv().unwrap(),
            ),
            pipeline(
                "parking_lot",
                pairs,
                || PlQueue::<VecDeque<u64>>::new(64),
                |q, i| q.put(i),
                |q| q.get(),
            ),
        ];
        race(&format!("{pairs}P/{pairs}C"), runs, &contestants);
    }
}

/// The priority queues of the `PriorityQueue` rows, as a workload uses them.
trait PriorityQueue: Sync {
    fn put(&self, item: u64);
    fn get(&self) -> u64;
}

impl PriorityQueue for lockstep::PriorityQueue<u64> {
    fn put(&self, item: u64) {
        lockstep::PriorityQueue::put(self, item).unwrap();
    }
    fn get(&self) -> u64 {
        lockstep::PriorityQueue::get(self).unwrap()
    }
}

impl<C: Container<Item = u64> + Send> PriorityQueue for PlQueue<C> {
    fn put(&self, item: u64) {
        PlQueue::put(self, item);
    }
    fn get(&self) -> u64 {
        PlQueue::get(self)
    }
}

/// A `PriorityQueue` row's workload: the items resident at the start, and
/// one step of a thread (generic, so each queue's calls inline as a
/// program's would).
trait Workload {
    const NAME: &'static str;
    fn resident(i: u64) -> u64;
    fn step<Q: PriorityQueue>(q: &Q, thread: usize);
}

/// Each thread puts its own one value, then gets: the queue fills with
/// equal items (in steady state 469 of the 512 are the same value), so
/// nearly every comparison is a tie that only the insertion number breaks.
struct Tied;

impl Workload for Tied {
    const NAME: &'static str = "one value per thread (ties)";
    fn resident(i: u64) -> u64 {
        i * 7919 % 1000
    }
    fn step<Q: PriorityQueue>(q: &Q, thread: usize) {
        q.put(thread as u64 * 131 % 1000);
        q.get();
    }
}

/// The classic "hold" model (a discrete-event simulation's): get the
/// earliest item, put it back later by a random amount. Priorities are
/// nearly all distinct.
struct Hold;

impl Workload for Hold {
    const NAME: &'static str = "hold model: get x, put x + random (distinct)";
    fn resident(i: u64) -> u64 {
        splitmix(i) >> 44
    }
    fn step<Q: PriorityQueue>(q: &Q, _: usize) {
        thread_local!(static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });
        let delay = STEPS.with(|steps| {
            steps.set(steps.get() + 1);
            splitmix(steps.get()) >> 44
        });
        let x = q.get();
        q.put(x + delay);
    }
}

fn priority<W: Workload>(runs: usize, counts: &[usize]) {
    println!("PriorityQueue, {RESIDENT} resident, {}: {PQ_STEPS} steps per thread; {runs} rounds", W::NAME);
    fn filled<Q: PriorityQueue, W: Workload>(q: Q) -> Q {
        (0..RESIDENT).for_each(|i| q.put(W::resident(i)));
        q
    }
    for &threads in counts {
        let contestants = [
            contestant(
                "lockstep",
                threads,
                PQ_STEPS,
                || filled::<_, W>(lockstep::PriorityQueue::new(0)),
                W::step,
            ),
            contestant(
                "parking_lot (item, seq)",
                threads,
                PQ_STEPS,
                || filled::<_, W>(PlQueue::<StableHeap>::new(usize::MAX)),
                W::step,
            ),
            contestant(
                "parking_lot u64",
                threads,
                PQ_STEPS,
                || filled::<_, W>(PlQueue::<BinaryHeap<Reverse<u64>>>::new(usize::MAX)),
                W::step,
            ),
        ];
        race(&format!("{threads} thr"), runs, &contestants);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| args.iter().skip_while(|a| *a != name).nth(1).cloned();
    let runs = flag("--runs").and_then(|n| n.parse().ok()).unwrap_or(3);
    let only = flag("--only");
    let wants = |name: &str| only.as_deref().is_none_or(|only| only == name);
    // `--threads 8,16`: only those thread (or producer) counts.
    let counts = |default: &[usize]| -> Vec<usize> {
        flag("--threads")
            .map(|list| list.split(',').filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_else(|| default.to_vec())
    };
    if wants("sem") {
        semaphores(runs, &counts(&[2, 4, 8, 16]));
    }
    if wants("queue") {
        queues(runs, &counts(&[1, 2, 4, 8]));
    }
    if wants("pq") {
        priority::<Tied>(runs, &counts(&[1, 2, 4, 8]));
        priority::<Hold>(runs, &counts(&[1, 2, 4, 8]));
    }
}
