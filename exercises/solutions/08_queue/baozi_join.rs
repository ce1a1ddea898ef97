// baozi_join: `task_done` is how `join` learns that a baozi was eaten.
//
// Lesson: `cargo run --bin lesson-producer-consumer` (part 2) runs the baozi
// shop with `task_done()` and `join()`.
// The Python it mirrors:
//
//     q = queue.Queue(maxsize=5)
//     def cook():
//         for n in range(1, 13): q.put(n)
//         q.join()                  # until every baozi is task_done
//         q.shutdown()              # then send the customers home
//     def customer():
//         while True:
//             try: baozi = q.get()
//             except queue.ShutDown: break
//             eat(baozi)
//             q.task_done()         # forget this and q.join() never returns
//
// What to fix: the cook puts 12 baozi on the counter and waits in `join()`
// until all of them are eaten, then closes the shop. The customers eat every
// baozi, yet the cook waits forever. Make each customer tell the counter when
// a baozi is done, at the right moment.

use lockstep::Queue;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BAOZI: u32 = 12;

/// The counter (a queue that holds 5), and what was eaten.
struct Shop {
    counter: Queue<u32>,
    eaten: Mutex<Vec<u32>>,
    /// How many baozi were eaten when the cook's `join()` returned.
    eaten_at_join: Mutex<Option<usize>>,
}

/// The cook (the scaffolding: leave it). Puts the baozi, waits in `join()`
/// until every one is done, then shuts the counter so the customers go home.
fn cook(shop: &Shop) {
    for n in 1..=BAOZI {
        shop.counter.put(n).expect("the counter is open while the cook cooks");
    }
    shop.counter.join();
    let eaten = shop.eaten.lock().unwrap().len();
    *shop.eaten_at_join.lock().unwrap() = Some(eaten);
    shop.counter.shutdown(false);
}

/// One customer: takes baozi until the shop closes.
fn customer(shop: &Shop) {
    while let Ok(baozi) = shop.counter.get() {
        lockstep_check::pause(2); // eating takes a while
        shop.eaten.lock().unwrap().push(baozi);
        // Only now is this baozi done: `join()` counts it off.
        shop.counter.task_done().expect("one task_done per baozi taken");
    }
}

/// The cook and 3 customers; returns the baozi eaten (sorted) and how many
/// were eaten when `join()` returned.
fn run() -> (Vec<u32>, Option<usize>) {
    let shop = Arc::new(Shop {
        counter: Queue::new(5),
        eaten: Mutex::new(Vec::new()),
        eaten_at_join: Mutex::new(None),
    });
    let watched = Arc::clone(&shop);
    let mut crew = lockstep_check::Crew::new(format!("the cook's q.join() to return once all {BAOZI} baozi were eaten"))
        .hang_is("missing task_done", 1)
        .limit(Duration::from_secs(3))
        .hang_detail(move || {
            format!(
                "the customers had eaten {} baozi, yet q.unfinished_tasks() = {}: that many were never marked done, \
                 so q.join() waits for them forever",
                watched.eaten.lock().unwrap().len(),
                watched.counter.unfinished_tasks()
            )
        });
    let cook_shop = Arc::clone(&shop);
    crew.spawn("cook", move || cook(&cook_shop));
    for i in 1..=3 {
        let shop = Arc::clone(&shop);
        crew.spawn(format!("customer-{i}"), move || customer(&shop));
    }
    crew.join();
    let mut eaten = shop.eaten.lock().unwrap().clone();
    eaten.sort();
    (eaten, *shop.eaten_at_join.lock().unwrap())
}

fn main() {
    let (eaten, at_join) = run();
    println!(
        "baozi eaten: {eaten:?}; when the cook's join() returned, {} had been eaten",
        at_join.unwrap_or(0)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_returns_once_every_baozi_is_eaten() {
        let (eaten, at_join) = run();
        let all: Vec<u32> = (1..=BAOZI).collect();
        if eaten != all {
            lockstep_check::fail(
                "missing task_done",
                format!("every baozi 1..={BAOZI} eaten exactly once"),
                format!("the customers ate {eaten:?}"),
                1,
            );
        }
        let at_join = at_join.unwrap_or(0);
        if at_join != eaten.len() {
            lockstep_check::fail(
                "early task_done",
                format!("the cook's q.join() to return only after all {BAOZI} baozi were eaten"),
                format!(
                    "it returned when only {at_join} were eaten: a customer marked a baozi done before eating it"
                ),
                3,
            );
        }
    }
}
