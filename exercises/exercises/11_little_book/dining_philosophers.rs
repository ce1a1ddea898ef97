// dining_philosophers: five philosophers, five forks, and a cycle.
//
// Lesson: `cargo run --bin lesson-deadlock` shows two locks taken in opposite orders, and the fixes.
// The Python it mirrors (the Little Book of Semaphores, §4.4):
//
//     forks = [threading.Lock() for i in range(5)]
//     def philosopher(i):
//         for meal in range(3):
//             with forks[i]:                  # the left fork...
//                 time.sleep(0.05)
//                 with forks[(i + 1) % 5]:    # ...then the right one
//                     eat()
//
// What to fix: every philosopher picks up the left fork, then reaches for the right one, which
// the neighbour already holds in their left hand: all five wait forever. Change the order in
// which `dine` picks up the two forks so that no cycle can form. Keep the pause between them.

use lockstep::{Barrier, Lock};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const SEATS: usize = 5;
const MEALS: usize = 3;

/// philosopher-N sits between fork-N (on the left) and fork-N+1 (on the right);
/// philosopher-5's right fork is fork-1.
fn left(seat: usize) -> usize {
    seat
}

fn right(seat: usize) -> usize {
    (seat + 1) % SEATS
}

struct Table {
    forks: [Lock; SEATS],
    /// The checker's count of philosophers eating with each fork (it must never pass 1).
    in_use: [lockstep_check::Occupancy; SEATS],
    meals: [AtomicUsize; SEATS],
    /// Everyone sits down before anyone picks up a fork.
    seated: Barrier,
}

impl Table {
    fn new() -> Table {
        Table {
            forks: [
                Lock::named("fork-1"),
                Lock::named("fork-2"),
                Lock::named("fork-3"),
                Lock::named("fork-4"),
                Lock::named("fork-5"),
            ],
            in_use: Default::default(),
            meals: Default::default(),
            seated: Barrier::new(SEATS),
        }
    }

    /// One meal, with the left and the right fork: call it while holding both.
    fn eat(&self, seat: usize) {
        let _left = self.in_use[left(seat)].enter();
        let _right = self.in_use[right(seat)].enter();
        lockstep_check::pause(1);
        self.meals[seat].fetch_add(1, Ordering::SeqCst);
    }
}

/// One philosopher's dinner: `MEALS` meals, each with both forks in hand.
fn dine(table: &Table, seat: usize) {
    for _ in 0..MEALS {
        // TODO: if all five take their left fork first, all five can hold one fork and wait for
        // the next. Make the philosophers pick up their two forks in an order that cannot cycle.
        let _first = table.forks[left(seat)].lock();
        lockstep_check::pause(50); // looks at the other fork for a while
        let _second = table.forks[right(seat)].lock();
        table.eat(seat);
    }
}

/// What happened at dinner: the meals each philosopher ate, and the most philosophers that
/// ate with each fork at once.
struct Dinner {
    meals: Vec<usize>,
    most_per_fork: Vec<usize>,
}

/// Five philosophers sit down at once and dine.
fn run() -> Dinner {
    let table = Arc::new(Table::new());
    let mut crew = lockstep_check::Crew::new(format!("all {SEATS} philosophers to eat {MEALS} meals each"));
    for seat in 0..SEATS {
        let table = Arc::clone(&table);
        crew.spawn(format!("philosopher-{}", seat + 1), move || {
            let _ = table.seated.wait();
            dine(&table, seat);
        });
    }
    crew.join();
    Dinner {
        meals: table.meals.iter().map(|meals| meals.load(Ordering::SeqCst)).collect(),
        most_per_fork: table.in_use.iter().map(|fork| fork.max()).collect(),
    }
}

fn main() {
    let dinner = run();
    for (seat, meals) in dinner.meals.iter().enumerate() {
        println!("philosopher-{} ate {meals} meals", seat + 1);
    }
    let most = dinner.most_per_fork.iter().max().unwrap_or(&0);
    println!("the most philosophers eating with one fork at once: {most}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_philosopher_eats_with_two_forks_of_their_own() {
        let dinner = run();
        for (fork, most) in dinner.most_per_fork.iter().enumerate() {
            if *most > 1 {
                lockstep_check::fail(
                    "shared fork",
                    "each fork in one philosopher's hand at a time",
                    format!(
                        "{most} philosophers ate with fork-{} at once: `eat` was called without holding both forks",
                        fork + 1
                    ),
                    3,
                );
            }
        }
        for (seat, meals) in dinner.meals.iter().enumerate() {
            if *meals != MEALS {
                lockstep_check::fail(
                    "missing meal",
                    format!("every philosopher to eat {MEALS} meals"),
                    format!("philosopher-{} ate {meals}", seat + 1),
                    3,
                );
            }
        }
    }
}
