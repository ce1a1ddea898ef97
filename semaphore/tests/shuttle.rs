//! Randomized schedules (shuttle) for `Semaphore` and `BoundedSemaphore`:
//! four threads, multi-permit holders and `release_n`, and over-release
//! racing acquire — more threads and steps than the loom models explore.
//!
//! Shuttle treats every atomic as SeqCst and has no race detector: these
//! check permit counting and wake-ups (a run in which every thread is
//! parked fails as a deadlock), not orderings.
//!
//! Run: `RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test --release -p lockstep-semaphore --test shuttle`
#![cfg(shuttle)]

#[path = "../../sync/tests/support/shuttle_run.rs"]
mod shuttle_run;

use lockstep_semaphore::{BoundedSemaphore, Semaphore};
use shuttle::sync::atomic::AtomicUsize;
use shuttle::thread;
use shuttle_run::check;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;

/// Permits held right now, checked against the limit on every change.
struct Inside {
    held: AtomicUsize,
    limit: usize,
}

impl Inside {
    fn enter(&self, permits: usize) {
        let now = self.held.fetch_add(permits, SeqCst) + permits;
        assert!(now <= self.limit, "{now} permits held, only {} exist", self.limit);
    }

    fn leave(&self, permits: usize) {
        self.held.fetch_sub(permits, SeqCst);
    }
}

/// `Semaphore(2)`, four threads: three take one permit at a time, one takes
/// two (one after the other) and gives both back with `release_n(2)`, which
/// must wake up to two waiters. Never more than two permits held, nobody
/// left parked, and both permits back at the end.
#[test]
fn two_permits_four_threads_with_release_n() {
    check("semaphore(2): 4 threads, release_n(2)", 5000, || {
        let sem = Arc::new(Semaphore::new(2));
        let inside = Arc::new(Inside { held: AtomicUsize::new(0), limit: 2 });
        let mut threads: Vec<_> = (0..3)
            .map(|_| {
                let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
                thread::spawn(move || {
                    for _ in 0..2 {
                        sem.acquire();
                        inside.enter(1);
                        thread::yield_now();
                        inside.leave(1);
                        sem.release();
                    }
                })
            })
            .collect();
        threads.push({
            let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
            thread::spawn(move || {
                sem.acquire();
                inside.enter(1);
                sem.acquire();
                inside.enter(1);
                thread::yield_now();
                inside.leave(2);
                sem.release_n(2);
            })
        });
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(sem.value(), 2);
    });
}

/// `Semaphore(0)` with three parked acquirers and one `release_n(3)`: all
/// three must wake (a release of n wakes up to n waiters, not one).
#[test]
fn release_n_wakes_every_waiter_it_can_serve() {
    check("semaphore(0): 3 waiters, release_n(3)", 5000, || {
        let sem = Arc::new(Semaphore::new(0));
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let sem = Arc::clone(&sem);
                thread::spawn(move || sem.acquire())
            })
            .collect();
        sem.release_n(3);
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert_eq!(sem.value(), 0);
    });
}

/// `BoundedSemaphore(2)`, three threads each doing acquire, release,
/// release: the second release is an over-release unless another thread's
/// acquire made room, so which releases fail depends on the schedule. The
/// count never exceeds 2, exactly as many releases succeed as acquires
/// happened (3), and the semaphore ends full.
#[test]
fn bounded_over_release_racing_acquire() {
    check("bounded(2): 3 threads over-releasing", 5000, || {
        let sem = Arc::new(BoundedSemaphore::new(2));
        let accepted = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let (sem, accepted) = (Arc::clone(&sem), Arc::clone(&accepted));
                thread::spawn(move || {
                    sem.acquire();
                    for _ in 0..2 {
                        if sem.release().is_ok() {
                            accepted.fetch_add(1, SeqCst);
                        }
                        assert!(sem.value() <= 2, "a bounded semaphore went over its bound");
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(accepted.load(SeqCst), 3, "accepted releases must match acquires");
        assert_eq!(sem.value(), 2);
    });
}
