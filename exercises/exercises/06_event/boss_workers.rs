// boss_workers: workers wait for the boss's signal, with an Event.
//
// Lesson: `cargo run --bin lesson-event` (part 1: the boss and the workers).
// The Python it mirrors:
//
//     event = threading.Event()
//
//     def boss():
//         print("BOSS: everybody works overtime tonight!")
//         event.set()               # wakes every worker
//
//     def worker():
//         event.wait()              # until the boss speaks
//         print("Worker: sigh, overtime...")
//
// What to fix: four workers start their overtime as soon as they arrive,
// before the boss has said anything. Make each worker wait for the boss's
// word, however long the boss takes to give it.

use lockstep::Event;
use lockstep_check::Log;
use std::sync::Arc;
use std::time::Duration;

/// What the boss and the workers share.
struct Office {
    /// Set by the boss when the overtime starts.
    go: Event,
    log: Log,
}

fn worker(office: &Office, name: &str) {
    // TODO: don't start before the boss has spoken.
    office.log.push(format!("{name}: sigh, overtime..."));
}

/// The boss (don't change it): in a meeting for `meeting_ms`, then speaks.
fn boss(office: &Office, meeting_ms: u64) {
    lockstep_check::pause(meeting_ms);
    office.log.push("BOSS: everybody works overtime tonight!");
    office.go.set();
}

/// Four workers arrive, then the boss; returns what was said, in order.
fn run(meeting_ms: u64) -> Arc<Office> {
    let office = Arc::new(Office { go: Event::new(), log: Log::new() });
    let mut crew = lockstep_check::Crew::new("the boss and 4 workers to finish the evening")
        .hang_is("hang", 2)
        .limit(Duration::from_secs(3));
    for i in 1..=4 {
        let office = Arc::clone(&office);
        let name = format!("worker-{i}");
        crew.spawn(name.clone(), move || worker(&office, &name));
    }
    let mine = Arc::clone(&office);
    crew.spawn("boss", move || boss(&mine, meeting_ms));
    crew.join();
    office
}

fn main() {
    let office = run(100);
    println!("the evening: {}", office.log);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_start_after_the_boss_speaks() {
        // A short meeting and a long one: a worker that sleeps instead of
        // waiting for the word gets one of them wrong.
        for meeting_ms in [20, 300] {
            let office = run(meeting_ms);
            let log = &office.log;
            let spoke = log.position("BOSS").unwrap_or(usize::MAX);
            for i in 1..=4 {
                let name = format!("worker-{i}");
                match log.position(&name) {
                    None => lockstep_check::fail(
                        "missing work",
                        format!("{name} to work overtime once the boss has spoken"),
                        format!("{name} never started (the evening: {log})"),
                        3,
                    ),
                    Some(started) if started < spoke => lockstep_check::fail(
                        "missing wait",
                        format!(
                            "every worker to start only after the boss spoke ({meeting_ms} ms into the evening)"
                        ),
                        format!("{name} started before the boss said a word (the evening: {log})"),
                        1,
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}
