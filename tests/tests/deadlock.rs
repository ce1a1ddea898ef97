//! Deadlock detection (`lockstep::deadlock`, feature `deadlock-detection`,
//! which this crate turns on): real cycles are reported naming every thread
//! and lock, plain contention is not.
//!
//! The registry is global and tests run in parallel, so each test uses lock
//! names of its own and looks only at reports that mention them. Every
//! deadlock made here is of `Lock`s, which any thread may release: once the
//! report is checked, main releases a lock and the cycle unwinds.

use lockstep::deadlock::{self, Deadlock};
use lockstep::{Lock, RLock};
use std::thread;
use std::time::{Duration, Instant};

/// Generous: only a broken detector (or a hung test) ever waits this long.
const PATIENCE: Duration = Duration::from_secs(60);

/// Polls until `found` returns something, or panics after `PATIENCE`.
fn until<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "gave up waiting for {what}");
        thread::yield_now();
    }
}

/// The one cycle that mentions `lock_name`, once it exists.
fn cycle_with(lock_name: &str) -> Deadlock {
    until(&format!("a cycle through {lock_name}"), || {
        deadlock::check().into_iter().find(|d| d.to_string().contains(lock_name))
    })
}

/// Waits until `thread` is blocked on `lock` according to the registry.
fn until_blocked(thread: &str, lock: &str) {
    until(&format!("{thread} to block on {lock}"), || {
        deadlock::blocked().iter().any(|(t, l)| t == thread && l == lock).then_some(())
    });
}

fn named(name: &str) -> thread::Builder {
    thread::Builder::new().name(name.to_owned())
}

#[test]
fn ab_ba_cycle_names_both_threads_and_both_locks() {
    static LOCK_A: Lock = Lock::named("abba-lockA");
    static LOCK_B: Lock = Lock::named("abba-lockB");
    let (a_taken, b_taken) = (std::sync::Barrier::new(2), std::sync::Barrier::new(2));
    thread::scope(|s| {
        let t1 = named("Thread-1")
            .spawn_scoped(s, || {
                LOCK_A.acquire();
                a_taken.wait();
                b_taken.wait();
                LOCK_B.acquire();
                LOCK_B.release().unwrap();
                // lockA was released for us by main, to break the cycle.
            })
            .unwrap();
        let t2 = named("Thread-2")
            .spawn_scoped(s, || {
                a_taken.wait();
                LOCK_B.acquire();
                b_taken.wait();
                LOCK_A.acquire();
                LOCK_A.release().unwrap();
                LOCK_B.release().unwrap();
            })
            .unwrap();
        let cycle = cycle_with("abba-lockA");
        // Break it before asserting (a failed assert must not hang the
        // scope): a Python Lock may be released by any thread. Thread-2
        // then gets lockA, finishes, and frees lockB for Thread-1.
        LOCK_A.release().unwrap();
        t2.join().unwrap();
        t1.join().unwrap();
        assert_eq!(
            cycle.to_string(),
            "Thread-1 holds abba-lockA and waits for abba-lockB; \
             Thread-2 holds abba-lockB and waits for abba-lockA"
        );
        assert_eq!(cycle.threads.len(), 2);
    });
    assert!(!deadlock::check().iter().any(|d| d.to_string().contains("abba-")));
}

#[test]
fn three_thread_cycle_is_reported_in_wait_for_order() {
    static LOCKS: [Lock; 3] = [Lock::named("tri-0"), Lock::named("tri-1"), Lock::named("tri-2")];
    let all_hold = std::sync::Barrier::new(3);
    thread::scope(|s| {
        let workers: Vec<_> = (0..3)
            .map(|i| {
                let all_hold = &all_hold;
                named(&format!("tri-thread-{i}"))
                    .spawn_scoped(s, move || {
                        LOCKS[i].acquire();
                        all_hold.wait();
                        LOCKS[(i + 1) % 3].acquire(); // each wants the next one's lock
                    })
                    .unwrap()
            })
            .collect();
        let cycle = cycle_with("tri-0");
        // Unwind first: release every lock once; each waiter then gets its
        // lock and ends (holding it; main tidies up below).
        for lock in &LOCKS {
            lock.release().unwrap();
        }
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(
            cycle.to_string(),
            "tri-thread-0 holds tri-0 and waits for tri-1; \
             tri-thread-1 holds tri-1 and waits for tri-2; \
             tri-thread-2 holds tri-2 and waits for tri-0"
        );
    });
    for lock in &LOCKS {
        lock.release().unwrap();
    }
}

#[test]
fn a_thread_waiting_for_a_lock_it_holds_is_a_cycle_of_one() {
    static SELF_LOCK: Lock = Lock::named("self-lock");
    thread::scope(|s| {
        let stuck = named("self-waiter")
            .spawn_scoped(s, || {
                SELF_LOCK.acquire();
                SELF_LOCK.acquire(); // not re-entrant: waits for itself
                SELF_LOCK.release().unwrap();
            })
            .unwrap();
        let cycle = cycle_with("self-lock");
        SELF_LOCK.release().unwrap(); // rescue: any thread may release a Lock
        stuck.join().unwrap();
        assert_eq!(cycle.to_string(), "self-waiter holds self-lock and waits for self-lock");
    });
}

#[test]
fn plain_contention_is_not_a_deadlock() {
    static BUSY: Lock = Lock::named("busy-lock");
    static OWNED: RLock = RLock::named("busy-rlock");
    BUSY.acquire();
    thread::scope(|s| {
        let waiter = named("busy-waiter")
            .spawn_scoped(s, || {
                BUSY.acquire();
                BUSY.release().unwrap();
            })
            .unwrap();
        let rwaiter = named("busy-rwaiter")
            .spawn_scoped(s, || {
                let _held = OWNED.lock();
            })
            .unwrap();
        until_blocked("busy-waiter", "busy-lock");
        // Main holds busy-lock and waits for nothing: no cycle.
        let reported = deadlock::check().iter().any(|d| d.to_string().contains("busy-"));
        BUSY.release().unwrap();
        assert!(!reported);
        waiter.join().unwrap();
        rwaiter.join().unwrap();
    });
    assert!(deadlock::blocked().iter().all(|(t, _)| !t.starts_with("busy-")));
}

#[test]
fn rlock_and_lock_in_one_cycle_are_both_named() {
    static RLOCK: RLock = RLock::named("mixed-rlock");
    static LOCK: Lock = Lock::named("mixed-lock");
    let both_hold = std::sync::Barrier::new(2);
    thread::scope(|s| {
        let r_holder = named("mixed-1")
            .spawn_scoped(s, || {
                let _r = RLOCK.lock();
                let _again = RLOCK.lock(); // re-entry is never a wait
                both_hold.wait();
                let _l = LOCK.lock();
            })
            .unwrap();
        let l_holder = named("mixed-2")
            .spawn_scoped(s, || {
                LOCK.acquire();
                both_hold.wait();
                RLOCK.acquire_timeout(PATIENCE).then(|| RLOCK.release().unwrap());
            })
            .unwrap();
        let text = cycle_with("mixed-rlock").to_string();
        // mixed-2's Lock can be released by us: mixed-1 proceeds, drops its
        // guards (the RLock last), and mixed-2 then gets the RLock.
        LOCK.release().unwrap();
        r_holder.join().unwrap();
        l_holder.join().unwrap();
        assert_eq!(
            text,
            "mixed-1 holds mixed-rlock and waits for mixed-lock; mixed-2 holds mixed-lock and waits for mixed-rlock"
        );
    });
}

/// Makes the thread that `spawn` starts wait for `lock`, which it holds
/// (a cycle of one), and returns the name the report gives it and the name
/// `lockstep::thread::current_thread()` gave it, then rescues it.
fn reported_and_own_name(
    lock: &'static Lock,
    spawn: impl FnOnce(Box<dyn FnOnce() + Send>),
) -> (String, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    spawn(Box::new(move || {
        tx.send(lockstep::thread::current_thread().name()).unwrap();
        lock.acquire();
        lock.acquire(); // not re-entrant: waits for itself
        lock.release().unwrap();
    }));
    let own = rx.recv().unwrap();
    let lock_name = lock.name().unwrap();
    let cycle = cycle_with(lock_name);
    lock.release().unwrap(); // rescue: any thread may release a Lock
    (cycle.threads[0].thread.clone(), own)
}

// Issue 10: one naming scheme. A lockstep Thread's default name shows in
// the report.
#[test]
fn a_lockstep_threads_default_name_is_reported() {
    static LOCK: Lock = Lock::named("naming-lockstep");
    let mut thread = None;
    let (reported, own) = reported_and_own_name(&LOCK, |body| {
        let started = lockstep::Thread::new(body);
        started.start().unwrap();
        thread = Some(started);
    });
    let thread = thread.unwrap();
    thread.join().unwrap();
    assert_eq!(reported, thread.name());
    assert_eq!(own, thread.name());
    assert!(reported.starts_with("Thread-"), "{reported}");
}

// Issue 10: a std thread lockstep did not start, without a name, is the
// same `Dummy-N` in the report as `current_thread()` says.
#[test]
fn an_unnamed_foreign_thread_is_its_dummy_name() {
    static LOCK: Lock = Lock::named("naming-dummy");
    let mut handle = None;
    let (reported, own) = reported_and_own_name(&LOCK, |body| handle = Some(thread::spawn(body)));
    handle.unwrap().join().unwrap();
    assert!(reported.starts_with("Dummy-"), "{reported}");
    assert_eq!(reported, own);
}

// Issue 10: a std thread with a std name keeps it in the report (the
// exercise checker reads "philosopher-1 holds fork-1 and waits for ...").
#[test]
fn a_named_foreign_thread_keeps_its_std_name() {
    static LOCK: Lock = Lock::named("naming-std");
    let mut handle = None;
    let (reported, own) =
        reported_and_own_name(&LOCK, |body| handle = Some(named("philosopher-1").spawn(body).unwrap()));
    handle.unwrap().join().unwrap();
    assert_eq!(reported, "philosopher-1");
    assert_eq!(own, "philosopher-1");
}
