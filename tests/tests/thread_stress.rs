//! Stress: 1000 short `Thread`s started and joined, 50 alive at a time;
//! afterwards the registry lists only `MainThread` and every target (with
//! what it captured) has been dropped: nothing leaked.
//!
//! One test in its own binary, so no other test's threads are listed.
//! Measured about 0.1 s in a debug build on 2 cores.

use lockstep::Thread;
use lockstep::thread::{active_count, enumerate, main_thread};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;

const THREADS: usize = 1000;
const AT_ONCE: usize = 50;

#[test]
fn a_thousand_threads_start_join_and_leave_nothing_behind() {
    let ran = Arc::new(AtomicUsize::new(0));
    let mut names = HashSet::new();
    let mut idents = HashSet::new();
    for _ in 0..THREADS / AT_ONCE {
        let batch: Vec<Thread> = (0..AT_ONCE)
            .map(|_| {
                let ran = ran.clone();
                Thread::new(move || {
                    ran.fetch_add(1, SeqCst);
                })
            })
            .collect();
        for thread in &batch {
            thread.start().unwrap();
        }
        for thread in &batch {
            thread.join().unwrap();
            assert!(!thread.is_alive());
            assert!(names.insert(thread.name()), "a default name came twice");
            assert!(idents.insert(thread.ident().unwrap()), "an ident came twice");
        }
    }
    assert_eq!(ran.load(SeqCst), THREADS);
    assert_eq!(Arc::strong_count(&ran), 1, "every target was dropped");
    assert_eq!(enumerate(), [main_thread()], "only MainThread is left");
    assert_eq!(active_count(), 1);
}
