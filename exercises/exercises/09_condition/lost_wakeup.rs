// lost_wakeup: wait for a condition, not for a notify.
//
// Lesson: `cargo run --bin lesson-condition` (part 3 shows this lost wake-up).
// The Python it mirrors:
//
//     cond = threading.Condition(); shelf = []
//     def baker(n):
//         with cond:
//             shelf.append(n)
//             cond.notify_all()
//     def customer():
//         with cond:
//             while not shelf:      # not `if`, and never nothing at all
//                 cond.wait()       # or: cond.wait_for(lambda: shelf)
//             return shelf.pop(0)
//
// What to fix: the baker puts a loaf on the shelf and notifies; a customer
// waits for the notify, then takes a loaf. But the first loaf is baked before
// the first customer arrives: its notify woke nobody, and the customer waits
// for a notify that already happened. Make `buy` wait only while there is no
// bread, and check again after every wake-up.

use lockstep::{Condition, ConditionGuard, Event, RLock};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The shelf: a Condition, and the loaves it guards (touched only while the
/// Condition's lock is held).
struct Shelf {
    cond: Condition,
    loaves: Mutex<VecDeque<u32>>,
    arrived: AtomicUsize,
}

impl Shelf {
    fn new() -> Shelf {
        Shelf {
            cond: Condition::named("shelf"),
            loaves: Mutex::new(VecDeque::new()),
            arrived: AtomicUsize::new(0),
        }
    }

    /// A customer steps up to the shelf: takes the Condition's lock (and is
    /// counted, so the baker knows who is there).
    fn enter(&self) -> ConditionGuard<'_, RLock> {
        let guard = self.cond.lock();
        self.arrived.fetch_add(1, Ordering::SeqCst);
        guard
    }

    fn has_bread(&self) -> bool {
        !self.loaves.lock().unwrap().is_empty()
    }

    fn take_loaf(&self) -> Option<u32> {
        self.loaves.lock().unwrap().pop_front()
    }

    /// The baker puts loaf `n` on the shelf and wakes every waiting customer.
    fn bake(&self, n: u32) {
        let guard = self.cond.lock();
        self.loaves.lock().unwrap().push_back(n);
        guard.notify_all();
    }

    /// A customer buys one loaf, waiting for one if the shelf is empty.
    fn buy(&self) -> Option<u32> {
        let mut guard = self.enter();
        // TODO: wait only while there is no bread, and check again after each wake-up.
        guard.wait();
        drop(guard);
        self.take_loaf()
    }
}

/// The baker bakes loaf 1 before anyone arrives; consumer-1 buys it. Then
/// consumer-2 and consumer-3 wait together while the baker bakes loaf 2,
/// then loaf 3. Returns what each customer got.
fn run() -> Vec<(String, Option<u32>)> {
    let shelf = Arc::new(Shelf::new());
    let got = Arc::new(Mutex::new(Vec::new()));
    let (first_baked, first_sold) = (Arc::new(Event::new()), Arc::new(Event::new()));
    let returned = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&shelf);
    let mut crew = lockstep_check::Crew::new("each of 3 customers to buy one of the 3 loaves")
        .hang_is("lost wake-up", 1)
        .limit(Duration::from_secs(3))
        .hang_detail(move || {
            format!(
                "loaf 1 was baked and notified before consumer-1 arrived, and has_bread() = {} (the shelf \
                 holds {:?}): the customers wait for a notify that already happened",
                seen.has_bread(),
                seen.loaves.lock().unwrap()
            )
        });
    {
        let (shelf, first_baked, first_sold, returned) =
            (Arc::clone(&shelf), Arc::clone(&first_baked), Arc::clone(&first_sold), Arc::clone(&returned));
        crew.spawn("baker", move || {
            shelf.bake(1); // nobody is waiting yet: this notify wakes nobody
            first_baked.set();
            first_sold.wait();
            while shelf.arrived.load(Ordering::SeqCst) < 3 {
                lockstep_check::pause(1); // until consumer-2 and consumer-3 wait at the shelf
            }
            shelf.bake(2); // wakes both: only one of them can have it
            let deadline = Instant::now() + Duration::from_millis(300);
            while returned.load(Ordering::SeqCst) < 3 && Instant::now() < deadline {
                lockstep_check::pause(1);
            }
            shelf.bake(3);
        });
    }
    for (name, after) in
        [("consumer-1", &first_baked), ("consumer-2", &first_sold), ("consumer-3", &first_sold)]
    {
        let (shelf, got, after, first_sold, returned) = (
            Arc::clone(&shelf),
            Arc::clone(&got),
            Arc::clone(after),
            Arc::clone(&first_sold),
            Arc::clone(&returned),
        );
        crew.spawn(name, move || {
            after.wait();
            let loaf = shelf.buy();
            got.lock().unwrap().push((name.to_owned(), loaf));
            returned.fetch_add(1, Ordering::SeqCst);
            if name == "consumer-1" {
                first_sold.set();
            }
        });
    }
    crew.join();
    let mut got = got.lock().unwrap().clone();
    got.sort();
    got
}

fn main() {
    for (name, loaf) in run() {
        match loaf {
            Some(n) => println!("{name} bought loaf {n}"),
            None => println!("{name} went home with nothing"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_customer_gets_a_loaf() {
        let got = run();
        if let Some((name, _)) = got.iter().find(|(_, loaf)| loaf.is_none()) {
            lockstep_check::fail(
                "missing re-check",
                "each customer to leave with a loaf",
                format!(
                    "{name} woke up, took from an empty shelf and left with nothing ({got:?}): \
                     loaf 2 woke two customers and the other one took it first"
                ),
                3,
            );
        }
        let mut loaves: Vec<u32> = got.iter().filter_map(|(_, loaf)| *loaf).collect();
        loaves.sort();
        if loaves != [1, 2, 3] {
            lockstep_check::fail("lost wake-up", "loaves 1, 2 and 3 sold once each", format!("{got:?}"), 1);
        }
    }
}
