// rendezvous: nobody starts before everybody is at the start line.
//
// Lesson: `cargo run --bin lesson-barrier` (part 1 is a rendezvous).
// The Python it mirrors:
//
//     start_line = threading.Barrier(3)
//     def runner(i):
//         walk_to_start(i)          # runner 3 is slow to get there
//         start_line.wait()         # nobody passes until all 3 are here
//         print(f"runner-{i} starts")
//
// What to fix: three runners walk to the start line and start running, but
// runner-3 is slow to get there, and the other two start without it. Make
// each runner wait at the start line until all of them are there.

use lockstep::Barrier;
use lockstep_check::Log;
use std::sync::Arc;
use std::time::Duration;

const RUNNERS: usize = 3;

/// The race: its log, and (once you add it) its start line.
struct Race {
    log: Log,
    /// Lets its `RUNNERS` parties through together, once all have arrived.
    start_line: Barrier,
}

impl Race {
    fn new() -> Race {
        Race { log: Log::new(), start_line: Barrier::new(RUNNERS) }
    }

    /// The scaffolding: runner-3 takes its time getting to the start line.
    fn walk_to_start(&self, me: &str) {
        if me == "runner-3" {
            lockstep_check::pause(50);
        }
        self.log.push(format!("{me}: at the start line"));
    }

    /// One runner's race.
    fn run(&self, me: &str) {
        self.walk_to_start(me);
        // Nobody passes until all `RUNNERS` runners have called `wait`.
        self.start_line.wait().expect("nobody breaks the start line");
        self.log.push(format!("{me}: starts"));
    }
}

/// Three runners; returns the race's log.
fn race() -> Arc<Race> {
    let race = Arc::new(Race::new());
    let mut crew = lockstep_check::Crew::new(format!("all {RUNNERS} runners to start"))
        .hang_is("barrier never opens", 3)
        .limit(Duration::from_secs(3));
    for i in 1..=RUNNERS {
        let race = Arc::clone(&race);
        crew.spawn(format!("runner-{i}"), move || race.run(&format!("runner-{i}")));
    }
    crew.join();
    race
}

fn main() {
    println!("{}", race().log);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_starts_before_everybody_is_there() {
        let race = race();
        let log = race.log.entries();
        let last_arrival = log.iter().rposition(|e| e.ends_with("at the start line"));
        let first_start = log.iter().position(|e| e.ends_with("starts"));
        let (arrivals, starts) = (race.log.count("at the start line"), race.log.count("starts"));
        if arrivals != RUNNERS || starts != RUNNERS {
            lockstep_check::fail(
                "missed rendezvous",
                format!("all {RUNNERS} runners to reach the start line, then start"),
                format!("{arrivals} reached it and {starts} started: {}", race.log),
                2,
            );
        }
        if let (Some(last), Some(first)) = (last_arrival, first_start)
            && first < last
        {
            lockstep_check::fail(
                "missed rendezvous",
                "no runner to start before every runner is at the start line",
                format!("\"{}\" came before \"{}\": {}", log[first], log[last], race.log),
                1,
            );
        }
    }
}
