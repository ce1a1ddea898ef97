// over_release: one release too many, caught by a BoundedSemaphore.
//
// Lesson: `cargo run --bin lesson-semaphore` (part 2: the BoundedSemaphore).
// The Python it mirrors:
//
//     spaces = threading.Semaphore(5)          # BoundedSemaphore(5) catches it
//     spaces.acquire()
//     spaces.release()
//     spaces.release()      # Semaphore: now 6 permits for 5 spaces, silently
//                           # BoundedSemaphore: ValueError: Semaphore released too many times
//
// What to fix: somewhere in the valet service (another team's code, which
// you may not change) a space is given back twice. With a plain `Semaphore`
// the extra release silently makes a sixth space, and six cars end up in a
// five-space lot. Don't hunt the valet's bug down: make the lot refuse a
// release it never handed out, and report it as an error from `give_back`.

use lockstep::{Barrier, BoundedSemaphore, ReleaseError};
use lockstep_check::Occupancy;
use std::sync::Arc;
use std::time::Duration;

const SPACES: usize = 5;

struct Lot {
    // A BoundedSemaphore remembers its initial value and refuses a release
    // that would go above it.
    spaces: BoundedSemaphore,
    /// Who is inside, and the most ever inside at once (the checker's).
    inside: Occupancy,
}

impl Lot {
    fn new() -> Lot {
        Lot { spaces: BoundedSemaphore::new(SPACES), inside: Occupancy::new() }
    }

    /// Gives one space back. Every release of the lot goes through here;
    /// a release the lot never handed out must come back as an `Err`.
    fn give_back(&self) -> Result<(), ReleaseError> {
        // Err(TooManyReleases) for a release above the lot's size; the
        // count is left unchanged, and the caller hears about it.
        self.spaces.release()
    }

    /// A car parks a while, then leaves and gives its space back.
    fn park(&self) -> Result<(), ReleaseError> {
        self.spaces.acquire();
        let inside = self.inside.enter();
        lockstep_check::pause(100); // parked a while
        drop(inside);
        self.give_back()
    }
}

/// The valet service (don't change it): parks one car, then the valet and
/// the exit gate both give the space back. Returns the gate's result.
fn valet(lot: &Lot) -> Result<(), ReleaseError> {
    lot.spaces.acquire();
    drop(lot.inside.enter());
    lot.give_back()?; // the valet hands the space back...
    lot.give_back() // ...and so does the exit gate: one release too many
}

/// What the day at the lot came to.
struct Day {
    valet: Result<(), ReleaseError>,
    cars: Vec<Result<(), ReleaseError>>,
    most_inside: usize,
}

/// The valet parks one car; then six cars arrive at the same moment.
fn run() -> Day {
    let lot = Arc::new(Lot::new());
    let valet_result = Arc::new(std::sync::Mutex::new(Ok(())));
    let mut crew = lockstep_check::Crew::new("the valet to park a car and give its space back")
        .hang_is("hang", 2)
        .panic_is("over-release", 3)
        .limit(Duration::from_secs(3));
    let (mine, result) = (Arc::clone(&lot), Arc::clone(&valet_result));
    crew.spawn("valet", move || *result.lock().unwrap() = valet(&mine));
    crew.join();
    let valet_result = *valet_result.lock().unwrap();
    let arrive = Arc::new(Barrier::new(SPACES + 1));
    let cars = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut crew = lockstep_check::Crew::new(format!("{} cars to park and leave", SPACES + 1))
        .hang_is("hang", 2)
        .panic_is("over-release", 3)
        .limit(Duration::from_secs(3));
    for i in 1..=SPACES + 1 {
        let (lot, arrive, cars) = (Arc::clone(&lot), Arc::clone(&arrive), Arc::clone(&cars));
        crew.spawn(format!("car-{i}"), move || {
            arrive.wait().expect("the cars' barrier does not break");
            let result = lot.park();
            cars.lock().unwrap().push(result);
        });
    }
    crew.join();
    let cars = cars.lock().unwrap().clone();
    Day { valet: valet_result, cars, most_inside: lot.inside.max() }
}

fn main() {
    let day = run();
    match day.valet {
        Ok(()) => println!("the valet's second release: accepted"),
        Err(error) => println!("the valet's second release: refused ({error})"),
    }
    println!("at most {} cars inside the {SPACES}-space lot at once", day.most_inside);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extra_release_is_refused_and_reported() {
        let day = run();
        let refused = day.valet == Err(ReleaseError::TooManyReleases);
        if !refused || day.most_inside > SPACES {
            let capacity = if day.most_inside > SPACES {
                format!(
                    "so the lot counted {} spaces and {} cars were inside a {SPACES}-space lot at once",
                    SPACES + 1,
                    day.most_inside
                )
            } else {
                format!("so the lot kept its {SPACES} spaces, but the bug went unreported")
            };
            lockstep_check::fail(
                "over-release",
                format!(
                    "the valet's extra release to come back from give_back as Err(TooManyReleases) \
                     (\"Semaphore released too many times\"), and never more than {SPACES} cars inside"
                ),
                format!("give_back returned {:?} for it, {capacity}", day.valet),
                if day.most_inside > SPACES { 1 } else { 3 },
            );
        }
        if let Some(Err(error)) = day.cars.iter().find(|result| result.is_err()) {
            lockstep_check::fail(
                "refused release",
                "every car's own release to be accepted: each car took a space first",
                format!("a car's give_back returned Err({error:?})"),
                3,
            );
        }
    }
}
