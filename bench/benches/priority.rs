//! `PriorityQueue` on one thread, side by side with the heaps a Rust user
//! would put behind a `parking_lot::Mutex` instead.
//!
//! - `priority_one_thread`: 512 items resident; one step is a get and a
//!   put of the item just got, later by a pseudo-random amount (the
//!   "hold" model of a discrete-event simulation, so priorities are nearly
//!   all distinct). `lockstep::PriorityQueue` (stable: equal items leave
//!   in insertion order), a `parking_lot::Mutex<BinaryHeap<Reverse<u64>>>`
//!   (not stable, the cheapest a user could pick), and the same heap of
//!   (item, insertion number) entries (stable, as lockstep's).
//!
//! Contended rows are in `sustained.rs`.

use criterion::{Criterion, criterion_group, criterion_main};
use lockstep_bench::splitmix;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

const RESIDENT: u64 = 512;

/// Pseudo-random delays, 20 bits each.
struct Delays(u64);

impl Delays {
    fn next(&mut self) -> u64 {
        self.0 += 1;
        splitmix(self.0) >> 44
    }
}

fn priority_one_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("priority_one_thread");

    let queue = lockstep::PriorityQueue::new(0);
    let mut delays = Delays(1);
    (0..RESIDENT).for_each(|_| queue.put(delays.next()).unwrap());
    group.bench_function("lockstep::PriorityQueue get+put", |b| {
        b.iter(|| {
            let queue = black_box(&queue);
            let x = queue.get().unwrap();
            queue.put(x + delays.next()).unwrap();
        })
    });

    let heap = parking_lot::Mutex::new(BinaryHeap::new());
    let mut delays = Delays(1);
    (0..RESIDENT).for_each(|_| heap.lock().push(Reverse(delays.next())));
    group.bench_function("parking_lot Mutex<BinaryHeap<u64>> pop+push", |b| {
        b.iter(|| {
            let heap = black_box(&heap);
            let Reverse(x) = heap.lock().pop().unwrap();
            heap.lock().push(Reverse(x + delays.next()));
        })
    });

    let heap = parking_lot::Mutex::new(BinaryHeap::new());
    let mut delays = Delays(1);
    let mut seq = 0_u64;
    (0..RESIDENT).for_each(|_| {
        seq += 1;
        heap.lock().push(Reverse((delays.next(), seq)));
    });
    group.bench_function("parking_lot Mutex<BinaryHeap<(u64, seq)>> pop+push", |b| {
        b.iter(|| {
            let heap = black_box(&heap);
            let Reverse((x, _)) = heap.lock().pop().unwrap();
            seq += 1;
            heap.lock().push(Reverse((x + delays.next(), seq)));
        })
    });

    group.finish();
}

// criterion's default times (3 s warm-up, 5 s measured): three
// functions, so the whole file takes under half a minute.
criterion_group!(benches, priority_one_thread);
criterion_main!(benches);
