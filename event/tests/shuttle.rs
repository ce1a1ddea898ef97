//! Randomized schedules (shuttle) for `Event`: three waiters, set/clear
//! cycles, and a timed wait racing `set`.
//!
//! Shuttle treats every atomic as SeqCst and has no race detector: these
//! check that no waiter is left parked (shuttle fails a run in which every
//! thread is blocked) and that no wait returns before a `set`.
//!
//! Run: `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test --release -p lockstep-event --test shuttle`
#![cfg(shuttle)]

#[path = "../../sync/tests/support/shuttle_run.rs"]
mod shuttle_run;

use lockstep_event::Event;
use shuttle::sync::atomic::AtomicUsize;
use shuttle::thread;
use shuttle_run::check;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

/// Three waiters (one of them timed, falling back to an untimed wait when
/// its timeout fires) against `set; clear; set`: every waiter returns, none
/// before the first `set` began, and a timed wait that says `true` saw one.
#[test]
fn set_clear_set_releases_three_waiters() {
    check("event: 3 waiters vs set/clear/set", 5000, || {
        let event = Arc::new(Event::new());
        // Sets begun so far: bumped just before each `set`.
        let sets = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..3)
            .map(|waiter| {
                let (event, sets) = (Arc::clone(&event), Arc::clone(&sets));
                thread::spawn(move || {
                    if waiter == 0 && event.wait_timeout(Duration::from_secs(1)) {
                        assert!(sets.load(SeqCst) >= 1, "a timed wait said true before any set");
                        return;
                    }
                    event.wait();
                    assert!(sets.load(SeqCst) >= 1, "a wait returned before any set");
                })
            })
            .collect();
        sets.fetch_add(1, SeqCst);
        event.set();
        event.clear();
        sets.fetch_add(1, SeqCst);
        event.set();
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert!(event.is_set());
    });
}

/// Two rounds over one event, each round's release confirmed by the
/// waiters through a second event: `clear` between rounds must not strand
/// a waiter of the next round, nor let one through early.
#[test]
fn rounds_of_set_and_clear() {
    check("event: 2 rounds, 2 waiters", 5000, || {
        let go = Arc::new(Event::new());
        let done = Arc::new([Event::new(), Event::new()]);
        let round = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..2)
            .map(|waiter| {
                let (go, done, round) = (Arc::clone(&go), Arc::clone(&done), Arc::clone(&round));
                thread::spawn(move || {
                    go.wait();
                    assert_eq!(round.load(SeqCst), 1, "released before round 1's set");
                    done[waiter].set();
                })
            })
            .collect();
        round.store(1, SeqCst);
        go.set();
        for done in done.iter() {
            done.wait();
        }
        go.clear();
        assert!(!go.is_set());
        for waiter in waiters {
            waiter.join().unwrap();
        }
        // Round 2: a fresh waiter blocks until the next set.
        let late = {
            let (go, round) = (Arc::clone(&go), Arc::clone(&round));
            thread::spawn(move || {
                go.wait();
                assert_eq!(round.load(SeqCst), 2, "a cleared event let a waiter through");
            })
        };
        round.store(2, SeqCst);
        go.set();
        late.join().unwrap();
    });
}

/// A waiter that starts after `clear` must not be released by the wake-up
/// of an earlier `set` still on its way (the setter has raised the flag but
/// not yet woken the waiters it saw): only a later `set` may release it.
/// The early waiter makes the first `set` wake someone; the late one waits
/// only once the clear is done, and checks a second `set` began before it
/// returned.
#[test]
fn an_earlier_sets_wake_up_never_releases_a_later_waiter() {
    check("event: late waiter vs an in-flight wake-up", 5000, || {
        let event = Arc::new(Event::new());
        let sets = Arc::new(AtomicUsize::new(0));
        let cleared = Arc::new(AtomicUsize::new(0));
        let early = {
            let event = Arc::clone(&event);
            thread::spawn(move || event.wait())
        };
        let setter = {
            let (event, sets) = (Arc::clone(&event), Arc::clone(&sets));
            thread::spawn(move || {
                sets.fetch_add(1, SeqCst);
                event.set();
            })
        };
        let late = {
            let (event, sets, cleared) = (Arc::clone(&event), Arc::clone(&sets), Arc::clone(&cleared));
            thread::spawn(move || {
                while cleared.load(SeqCst) == 0 {
                    thread::yield_now();
                }
                event.wait();
                assert!(sets.load(SeqCst) >= 2, "a wait begun after clear returned without a new set");
            })
        };
        while !event.is_set() {
            thread::yield_now();
        }
        event.clear();
        cleared.store(1, SeqCst);
        // The first set's wake-up has landed once the setter is done: only
        // then the second set, so the late waiter is exposed to the stale
        // wake-up in every schedule where it parks before it lands.
        setter.join().unwrap();
        sets.fetch_add(1, SeqCst);
        event.set();
        early.join().unwrap();
        late.join().unwrap();
    });
}
