// shutdown_consumers: send the customers home with `shutdown`, not sentinels.
//
// Lesson: `cargo run --bin lesson-producer-consumer` (part 3) stops the
// customers with `q.shutdown()` instead of one sentinel each.
// The Python it mirrors:
//
//     def cook():
//         for n in range(1, 13): q.put(n)
//         q.shutdown()              # Python 3.13: no sentinels
//     def customer():
//         while True:
//             try: baozi = q.get()  # the items left, then ShutDown
//             except queue.ShutDown: break
//             eat(baozi)
//
// What to fix: the cook ends with one `None` sentinel on the counter, but
// three customers came, and a fourth arrives after the shop closed; the cook
// does not know how many. Only one goes home: the others wait in `get()`
// forever. Close the counter with `shutdown` instead, and let the customers
// go home when `get` says the counter is shut down.

use lockstep::{Event, Queue};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BAOZI: u32 = 12;

// TODO: with `shutdown`, the counter needs no room for a sentinel.
type Counter = Queue<Option<u32>>;

/// The cook: puts the baozi, then closes the shop.
fn cook(counter: &Counter) {
    for n in 1..=BAOZI {
        counter.put(Some(n)).expect("the counter is open while the cook cooks");
    }
    // TODO: close the shop for every customer, however many there are.
    counter.put(None).expect("the counter is open while the cook cooks");
}

/// One customer: eats until the shop is closed.
fn customer(counter: &Counter, eaten: &Mutex<Vec<u32>>) {
    // TODO: go home when the counter is shut down and empty.
    while let Some(baozi) = counter.get().unwrap() {
        lockstep_check::pause(2); // eating takes a while
        eaten.lock().unwrap().push(baozi);
    }
}

/// The cook, 3 customers, and a latecomer who arrives once the cook is done;
/// returns the baozi eaten, sorted.
fn run() -> Vec<u32> {
    let counter = Arc::new(Counter::new(5));
    let eaten = Arc::new(Mutex::new(Vec::new()));
    let closed = Arc::new(Event::new());
    let (left, seen) = (Arc::clone(&counter), Arc::clone(&eaten));
    let mut crew =
        lockstep_check::Crew::new("every customer, the latecomer too, to go home once the shop closed")
            .hang_is("missing shutdown", 1)
            .panic_is("missing shutdown", 2)
            .limit(Duration::from_secs(3))
            .hang_detail(move || {
                format!(
                    "the cook had finished; {} baozi were eaten and {} items were left on the counter",
                    seen.lock().unwrap().len(),
                    left.qsize()
                )
            });
    let (shop, done) = (Arc::clone(&counter), Arc::clone(&closed));
    crew.spawn("cook", move || {
        cook(&shop);
        done.set();
    });
    for name in ["customer-1", "customer-2", "customer-3", "latecomer"] {
        let (counter, eaten, closed) = (Arc::clone(&counter), Arc::clone(&eaten), Arc::clone(&closed));
        crew.spawn(name, move || {
            if name == "latecomer" {
                closed.wait();
            }
            customer(&counter, &eaten);
        });
    }
    crew.join();
    let mut eaten = eaten.lock().unwrap().clone();
    eaten.sort();
    eaten
}

fn main() {
    println!("every customer went home; baozi eaten: {:?}", run());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_customer_goes_home_after_every_baozi() {
        let eaten = run();
        let all: Vec<u32> = (1..=BAOZI).collect();
        if eaten != all {
            let never: Vec<u32> = all.iter().copied().filter(|n| !eaten.contains(n)).collect();
            lockstep_check::fail(
                "lost items",
                format!("every baozi 1..={BAOZI} eaten exactly once before the customers went home"),
                format!(
                    "they ate {eaten:?} (never eaten: {never:?}): `shutdown(true)` throws away what is still on \
                     the counter, `shutdown(false)` lets the customers finish it"
                ),
                3,
            );
        }
    }
}
