//! `lockstep::Thread` start+join side by side with `std::thread`.
//!
//! One criterion group, `thread_start_join`: a thread that does nothing,
//! started and joined, each iteration.
//!
//! - `lockstep::Thread start+join`: `Thread::new(f)` (a `Thread-N` name
//!   from the counter), `start()`, `join()`; this includes the registry
//!   (listed at start, removed at finish), naming the OS thread, and the
//!   `finished` Event `join` waits on.
//! - `std::thread::spawn+join`: the rival a Rust user would pick.
//! - `std::thread::Builder::name+spawn+join`: std with a name, as every
//!   lockstep thread has (the OS call that names a thread is part of the
//!   cost), to show where the difference comes from.
//!
//! The project's target: lockstep within 1.3× of `std::thread::spawn+join`.
//! Thread creation is a kernel round trip (clone, mmap of the stack), so
//! the medians are tens of µs and move a lot with the machine's load.
//!
//! Run with `cargo bench -p lockstep-bench --bench thread -- --noplot`
//! (about 20 s after the build).

use criterion::{Criterion, criterion_group, criterion_main};
use lockstep::Thread;
use std::time::Duration;

fn start_join(c: &mut Criterion) {
    let mut group = c.benchmark_group("thread_start_join");
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("lockstep::Thread start+join", |b| {
        b.iter(|| {
            let thread = Thread::new(|| {});
            thread.start().unwrap();
            thread.join().unwrap();
        })
    });
    group.bench_function("std::thread::spawn+join", |b| b.iter(|| std::thread::spawn(|| {}).join().unwrap()));
    group.bench_function("std::thread::Builder::name+spawn+join", |b| {
        b.iter(|| std::thread::Builder::new().name("Thread-1".into()).spawn(|| {}).unwrap().join().unwrap())
    });
    group.finish();
}

criterion_group!(benches, start_join);
criterion_main!(benches);
