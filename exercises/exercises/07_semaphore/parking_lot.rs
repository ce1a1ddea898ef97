// parking_lot: a Semaphore(5) lets at most 5 cars into a 5-space lot.
//
// Lesson: `cargo run --bin lesson-semaphore` (part 1: 100 cars, 5 spaces).
// The Python it mirrors:
//
//     parking = threading.Semaphore(5)
//
//     def car():
//         if not parking.acquire(blocking=False):
//             print("full, waiting")
//             parking.acquire()     # wait for a space
//         print("parks"); time.sleep(0.1); print("leaves")
//         parking.release()
//
// What to fix: ten cars arrive at once at a lot with five spaces. A car
// that finds the lot full says it waits, but then drives in anyway. Make
// it wait for a space.

use lockstep::{Barrier, Semaphore};
use lockstep_check::{Log, Occupancy};
use std::sync::Arc;
use std::time::Duration;

const SPACES: usize = 5;
const CARS: usize = 10;

struct Lot {
    /// One permit per free space.
    spaces: Semaphore,
    /// Who is inside, and the most ever inside at once (the checker's).
    inside: Occupancy,
    log: Log,
}

impl Lot {
    fn new() -> Lot {
        Lot { spaces: Semaphore::new(SPACES), inside: Occupancy::new(), log: Log::new() }
    }

    fn park(&self, car: &str) {
        if !self.spaces.try_acquire() {
            self.log.push(format!("{car}: full, waiting"));
            // TODO: the lot is full: wait here for a space before driving in.
        }
        let inside = self.inside.enter();
        self.log.push(format!("{car}: parks"));
        lockstep_check::pause(100); // parked a while
        self.log.push(format!("{car}: leaves"));
        drop(inside);
        self.spaces.release();
    }
}

/// Ten cars arrive at the same moment and each parks once.
fn run() -> Arc<Lot> {
    let lot = Arc::new(Lot::new());
    let arrive = Arc::new(Barrier::new(CARS));
    let mut crew = lockstep_check::Crew::new(format!("all {CARS} cars to park and leave"))
        .hang_is("hang", 2)
        .limit(Duration::from_secs(3));
    for i in 1..=CARS {
        let (lot, arrive) = (Arc::clone(&lot), Arc::clone(&arrive));
        let name = format!("car-{i}");
        crew.spawn(name.clone(), move || {
            arrive.wait().expect("the cars' barrier does not break");
            lot.park(&name);
        });
    }
    crew.join();
    lot
}

fn main() {
    let lot = run();
    println!(
        "{} cars parked; at most {} inside the {SPACES}-space lot at once",
        lot.inside.entered(),
        lot.inside.max()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_cars_than_spaces() {
        let lot = run();
        let (most, parked) = (lot.inside.max(), lot.inside.entered());
        if most > SPACES {
            lockstep_check::fail(
                "over capacity",
                format!("never more than {SPACES} cars inside the {SPACES}-space lot"),
                format!(
                    "{most} cars were inside a {SPACES}-space lot at once, and the lot now counts {} free \
                     spaces (the cars that drove in without a permit gave one back too)",
                    lot.spaces.value()
                ),
                1,
            );
        }
        if parked != CARS {
            lockstep_check::fail(
                "missing car",
                format!("all {CARS} cars to park"),
                format!("{parked} parked (the day: {})", lot.log),
                3,
            );
        }
        if most < 2 {
            lockstep_check::fail(
                "one at a time",
                format!("up to {SPACES} cars parked at once, while the lot has room"),
                "the cars parked one at a time: the lot is used as a lock, not as a semaphore",
                2,
            );
        }
    }
}
