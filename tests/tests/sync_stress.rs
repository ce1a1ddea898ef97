//! Stress tests for the signalling primitives: many threads, many rounds,
//! exact invariants checked on every round and exact totals at the end.
//!
//! - Semaphores: 8 threads cycle permits of a `Semaphore(3)` (and a
//!   `BoundedSemaphore(3)`) every way there is, counting the holders: there
//!   are never more than 3, and all 3 permits are back at the end.
//! - Condition: 2 producers and 2 consumers share a bounded buffer guarded
//!   by the condition's lock; every item is consumed exactly once.
//! - Event: two threads pass the turn back and forth through two events.
//! - Barrier: 4 threads pass it 2000 times; every generation's indices are a
//!   permutation of 0..4 and the action runs once per generation.
//!
//! Counts: the full counts, in debug builds too: the whole file measured
//! about 2.7 s in a debug build on 2 cores, well under its 10 s budget, so
//! no debug-only reduction is needed.

use lockstep::{Barrier, BoundedSemaphore, Condition, Event, Mutex, Semaphore};
use lockstep_tests::{PySemaphore, bunch};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::thread;
use std::time::Duration;

/// Threads cycling the semaphores' permits.
const SEM_THREADS: usize = 8;
/// Permit cycles per thread.
const SEM_CYCLES: usize = 100_000;
/// The semaphores' permits.
const PERMITS: usize = 3;
/// Items through the producer/consumer buffer.
const ITEMS: usize = 50_000;
/// The buffer's capacity.
const BUFFER: usize = 16;
/// Round trips of the event ping-pong.
const PING_PONGS: usize = 50_000;
/// Threads at the barrier.
const PARTIES: usize = 4;
/// Generations the barrier goes through.
const GENERATIONS: usize = 2_000;

/// `SEM_THREADS` threads each take and give back a permit `SEM_CYCLES`
/// times, taking it a different way each cycle; `holders` counts the
/// threads holding one, which may never pass `PERMITS`.
fn permits_never_exceeded<S: PySemaphore>() {
    let sem = S::new(PERMITS);
    let holders = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    let hold = |cycle: usize| {
        let before = holders.fetch_add(1, SeqCst);
        assert!(before < PERMITS, "{} holders of {PERMITS} permits", before + 1);
        most.fetch_max(before + 1, SeqCst);
        // Now and then hold on a little, so that on few cores all permits
        // get taken and the others must wait (else 2 cores running 2
        // threads never drain 3 permits; with this, 2 cores had all 3
        // taken in about 3 of 4 cycles).
        if cycle.is_multiple_of(4) {
            thread::yield_now();
        }
        holders.fetch_sub(1, SeqCst);
    };
    bunch(
        SEM_THREADS,
        |me| {
            for cycle in 0..SEM_CYCLES {
                match (cycle + me) % 5 {
                    0 => {
                        sem.acquire();
                        hold(cycle);
                        sem.release().expect("gives back what it took");
                    }
                    1 => {
                        let _permit = sem.permit();
                        hold(cycle);
                    }
                    2 => {
                        let _permit = loop {
                            match sem.try_permit() {
                                Some(permit) => break permit,
                                None => thread::yield_now(),
                            }
                        };
                        hold(cycle);
                    }
                    3 => {
                        while !sem.acquire_timeout(Duration::from_micros(50)) {}
                        hold(cycle);
                        sem.release_n(1).expect("gives back what it took");
                    }
                    _ => {
                        let _permit =
                            sem.try_permit_for(Duration::from_secs(60)).expect("not held that long");
                        hold(cycle);
                    }
                }
            }
        },
        |_| (),
    );
    assert_eq!(holders.load(SeqCst), 0);
    assert_eq!(sem.value(), PERMITS, "every permit came back");
    assert_eq!(most.load(SeqCst), PERMITS, "the permits were all taken at times");
}

#[test]
fn semaphore_permits_never_exceeded() {
    permits_never_exceeded::<Semaphore>();
}

#[test]
fn bounded_semaphore_permits_never_exceeded() {
    permits_never_exceeded::<BoundedSemaphore>();
}

/// The buffer and the counts, guarded by the condition's lock (the `Mutex`
/// is only ever taken with it held, so it is never contended).
#[derive(Default)]
struct Shop {
    shelf: VecDeque<usize>,
    taken: usize,
}

#[test]
fn condition_producers_and_consumers() {
    let cond = Condition::new();
    let shop = Mutex::new(Shop::default());
    let consumed: Vec<AtomicBool> = (0..ITEMS).map(|_| AtomicBool::new(false)).collect();
    let per_consumer = Mutex::new(Vec::new());
    // A bounded wait, so that a thread left alone fails instead of hanging.
    let long = Some(Duration::from_secs(60));
    bunch(
        4,
        |me| {
            let mut held = cond.lock();
            if me < 2 {
                // Producer `me` makes the items `me`, `me + 2`, ...
                for item in (me..ITEMS).step_by(2) {
                    assert!(held.wait_for(|| shop.lock().shelf.len() < BUFFER, long), "no room for long");
                    let mut shop = shop.lock();
                    assert!(shop.shelf.len() < BUFFER, "woken with the buffer full");
                    shop.shelf.push_back(item);
                    drop(shop);
                    held.notify_all();
                }
            } else {
                let mut mine = 0;
                loop {
                    let ready = || !shop.lock().shelf.is_empty() || shop.lock().taken == ITEMS;
                    assert!(held.wait_for(ready, long), "nothing to take for long");
                    let mut shop = shop.lock();
                    let Some(item) = shop.shelf.pop_front() else {
                        assert_eq!(shop.taken, ITEMS, "woken with nothing to take");
                        break;
                    };
                    shop.taken += 1;
                    drop(shop);
                    assert!(!consumed[item].swap(true, SeqCst), "item {item} consumed twice");
                    mine += 1;
                    held.notify_all();
                }
                per_consumer.lock().push(mine);
            }
        },
        |_| (),
    );
    assert!(consumed.iter().all(|item| item.load(SeqCst)), "every item was consumed");
    assert_eq!(per_consumer.into_inner().iter().sum::<usize>(), ITEMS);
    assert!(!cond.locked());
}

#[test]
fn event_ping_pong() {
    let (ping, pong) = (Event::new(), Event::new());
    let turn = AtomicUsize::new(0);
    bunch(
        2,
        |me| {
            for round in 0..PING_PONGS {
                if me == 0 {
                    assert_eq!(turn.fetch_add(1, SeqCst), 2 * round, "ping's turn");
                    ping.set();
                    pong.wait();
                    pong.clear();
                } else {
                    ping.wait();
                    ping.clear();
                    assert_eq!(turn.fetch_add(1, SeqCst), 2 * round + 1, "pong's turn");
                    pong.set();
                }
            }
        },
        |_| (),
    );
    assert_eq!(turn.load(SeqCst), 2 * PING_PONGS);
    assert!(!ping.is_set() && !pong.is_set());
}

#[test]
fn barrier_generations() {
    let actions = Arc::new(AtomicUsize::new(0));
    let barrier = Barrier::new(PARTIES).with_action({
        let actions = Arc::clone(&actions);
        move || {
            actions.fetch_add(1, SeqCst);
        }
    });
    // One bit per index, per generation.
    let arrivals: Vec<AtomicUsize> = (0..GENERATIONS).map(|_| AtomicUsize::new(0)).collect();
    bunch(
        PARTIES,
        |_| {
            for (generation, seen) in arrivals.iter().enumerate() {
                let index = barrier.wait().expect("never broken");
                assert!(index < PARTIES);
                let before = seen.fetch_or(1 << index, SeqCst);
                assert_eq!(before & (1 << index), 0, "index {index} twice in generation {generation}");
                // This generation's action ran; the next one's can't have.
                assert_eq!(actions.load(SeqCst), generation + 1);
            }
        },
        |_| (),
    );
    let all = (1 << PARTIES) - 1;
    assert!(arrivals.iter().all(|seen| seen.load(SeqCst) == all), "a permutation every time");
    assert_eq!(actions.load(SeqCst), GENERATIONS);
    assert!(!barrier.broken() && barrier.n_waiting() == 0);
}
