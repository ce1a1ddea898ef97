//! Stress tests: many threads, many acquisitions, exact final counts.
//!
//! Each counter is a plain, unsynchronized `u64` (in an `UnsafeCell`), so a
//! lock that ever lets two threads in at once loses increments and the total
//! comes out short (and Miri or a sanitizer would report the data race).
//!
//! Counts: 4 threads x 250_000 increments per lock, in debug builds too:
//! the whole file measured about 0.7 s in a debug build on 2 cores, well
//! under its 5 s budget, so no debug-only reduction is needed.

use lockstep::{Lock, Mutex, RLock};
use lockstep_tests::bunch;
use std::cell::UnsafeCell;
use std::time::Duration;

/// Threads that hammer each lock.
const THREADS: usize = 4;
/// Increments per thread.
const PER_THREAD: u64 = 250_000;
/// Rounds each thread takes the baton in the cross-thread-release ring: each
/// round is a wake-up of a parked thread, so far slower than an increment.
const BATON_ROUNDS: u64 = 25_000;

/// A counter that does nothing to protect itself: the lock under test must.
struct UnguardedCounter(UnsafeCell<u64>);

// SAFETY: every access goes through `increment`/`get`, whose callers promise
// to hold the lock that guards this counter, so no two accesses overlap.
unsafe impl Sync for UnguardedCounter {}

impl UnguardedCounter {
    fn new() -> UnguardedCounter {
        UnguardedCounter(UnsafeCell::new(0))
    }

    /// Adds one with a separate read and write, so a race loses updates.
    ///
    /// # Safety
    /// The caller holds the lock guarding this counter.
    unsafe fn increment(&self) {
        // SAFETY: the caller holds the guarding lock: no other access now.
        unsafe {
            let seen = self.0.get().read_volatile();
            self.0.get().write_volatile(seen + 1);
        }
    }

    /// The current value.
    ///
    /// # Safety
    /// The caller holds the guarding lock, or every other user has finished.
    unsafe fn get(&self) -> u64 {
        // SAFETY: as promised by the caller.
        unsafe { self.0.get().read_volatile() }
    }
}

#[test]
fn lock_counts_exactly() {
    let lock = Lock::new();
    let counter = UnguardedCounter::new();
    // Each thread takes the lock a different way, so every entry path is
    // raced against the others.
    bunch(
        THREADS,
        |way| {
            for _ in 0..PER_THREAD {
                match way % 4 {
                    0 => lock.acquire(),
                    1 => {
                        while !lock.try_acquire() {
                            std::hint::spin_loop();
                        }
                    }
                    2 => assert!(lock.acquire_timeout(Duration::MAX)),
                    _ => while !lock.acquire_timeout(Duration::from_micros(50)) {},
                }
                // SAFETY: we hold `lock`, which guards `counter`.
                unsafe { counter.increment() };
                lock.release().expect("we hold it");
            }
        },
        |_| (),
    );
    // SAFETY: every worker has been joined.
    assert_eq!(unsafe { counter.get() }, THREADS as u64 * PER_THREAD);
    assert!(!lock.locked());
}

#[test]
fn lock_guard_counts_exactly() {
    let lock = Lock::new();
    let counter = UnguardedCounter::new();
    bunch(
        THREADS,
        |_| {
            for _ in 0..PER_THREAD {
                let _held = lock.lock();
                // SAFETY: `_held` holds `lock`, which guards `counter`.
                unsafe { counter.increment() };
            }
        },
        |_| (),
    );
    // SAFETY: every worker has been joined.
    assert_eq!(unsafe { counter.get() }, THREADS as u64 * PER_THREAD);
    assert!(!lock.locked());
}

#[test]
fn rlock_counts_exactly_with_reentry() {
    let rlock = RLock::new();
    let counter = UnguardedCounter::new();
    bunch(
        THREADS,
        |way| {
            for round in 0..PER_THREAD {
                let _outer = rlock.lock();
                // Re-enter, alternating the ways in.
                if (round + way as u64).is_multiple_of(2) {
                    rlock.acquire();
                } else {
                    assert!(rlock.try_acquire(), "the owner always re-enters");
                }
                assert_eq!(rlock.recursion_count(), 2);
                // SAFETY: we own `rlock`, which guards `counter`.
                unsafe { counter.increment() };
                rlock.release().expect("we own it twice");
                assert!(rlock.is_owned() && rlock.recursion_count() == 1);
            }
            assert!(!rlock.is_owned());
        },
        |_| (),
    );
    // SAFETY: every worker has been joined.
    assert_eq!(unsafe { counter.get() }, THREADS as u64 * PER_THREAD);
    assert!(!rlock.locked());
}

#[test]
fn mutex_counts_exactly() {
    let total = Mutex::new(0_u64);
    bunch(
        THREADS,
        |way| {
            for _ in 0..PER_THREAD {
                if way.is_multiple_of(2) {
                    *total.lock() += 1;
                } else {
                    *total.try_lock_for(Duration::from_secs(60)).expect("not held that long") += 1;
                }
            }
        },
        |_| (),
    );
    assert!(!total.is_locked());
    assert_eq!(total.into_inner(), THREADS as u64 * PER_THREAD);
}

/// A baton passed around a ring of threads through `Lock`s used as
/// signals, as Python code often does: thread `i` waits on `turns[i]` (which
/// is held until the previous thread releases it), takes its turn, then
/// releases `turns[i + 1]`, which the next thread acquired. Every release
/// is of a lock that another thread acquired.
#[test]
fn baton_released_by_another_thread() {
    let turns: Vec<Lock> = (0..THREADS).map(|_| Lock::new()).collect();
    for turn in &turns {
        turn.acquire(); // nobody's turn yet
    }
    let counter = UnguardedCounter::new();
    bunch(
        THREADS,
        |me| {
            let (mine, next) = (&turns[me], &turns[(me + 1) % THREADS]);
            for round in 0..BATON_ROUNDS {
                mine.acquire(); // our turn: the previous thread released it
                // SAFETY: holding the baton serializes the ring: only the
                // thread whose turn it is touches `counter`.
                let seen = unsafe { counter.get() };
                assert_eq!(seen, round * THREADS as u64 + me as u64, "turns came in ring order");
                // SAFETY: as above.
                unsafe { counter.increment() };
                next.release().expect("the next thread's turn lock is held");
            }
        },
        |_| turns[0].release().expect("held since set-up"), // start the ring
    );
    // SAFETY: every worker has been joined.
    assert_eq!(unsafe { counter.get() }, THREADS as u64 * BATON_ROUNDS);
    // The last turn released `turns[0]`; every other turn lock is held by
    // the thread that took its final turn, and released by nobody.
    assert!(!turns[0].locked());
    assert!(turns[1..].iter().all(Lock::locked));
    for turn in &turns[1..] {
        turn.release().unwrap();
    }
}
