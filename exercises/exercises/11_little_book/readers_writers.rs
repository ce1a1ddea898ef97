// readers_writers: readers share the room, a writer needs it empty (the lightswitch).
//
// Lesson: none shows readers and writers (`cargo run --bin lesson-semaphore` shows a Semaphore).
// The Python it mirrors (the Little Book of Semaphores, §4.2):
//
//     room_empty = threading.Semaphore(1)    # a writer takes the whole room
//
//     class Lightswitch:                     # the readers' side of the door
//         def __init__(self):
//             self.counter = 0
//             self.mutex = threading.Lock()
//         def lock(self, room):              # a reader comes in
//             with self.mutex:
//                 self.counter += 1
//                 if self.counter == 1:      # the first one in...
//                     room.acquire()         # ...locks the writers out
//         def unlock(self, room):            # a reader leaves
//             ...                            # (this is the part to get right)
//
// What to fix: `Lightswitch::unlock` lets the writers in as soon as any reader leaves, so a writer
// walks in on the readers still reading. Like a light switch, the room must stay locked until the
// last reader is out.

use lockstep::{Event, Mutex, Semaphore};
use std::sync::Arc;
use std::time::Duration;

const READERS: usize = 3;

/// The Little Book's lightswitch: the first reader in locks the room against the writers, the
/// last one out unlocks it.
struct Lightswitch {
    /// How many readers are in the room (the Python's `counter`, with its `mutex`).
    counter: Mutex<usize>,
}

impl Lightswitch {
    fn new() -> Lightswitch {
        Lightswitch { counter: Mutex::new(0) }
    }

    /// A reader comes in.
    fn lock(&self, room: &Semaphore) {
        let mut counter = self.counter.lock();
        *counter += 1;
        if *counter == 1 {
            room.acquire();
        }
    }

    /// A reader leaves.
    fn unlock(&self, room: &Semaphore) {
        let mut counter = self.counter.lock();
        *counter -= 1;
        // TODO: other readers may still be reading: only the last one out may let the writers in.
        room.release();
    }
}

/// The room, its door, and the checker's view of who is inside.
struct Library {
    room_empty: Semaphore,
    readers_switch: Lightswitch,
    readers: lockstep_check::Occupancy,
    writers: lockstep_check::Occupancy,
    log: lockstep_check::Log,
    /// Set when every reader is inside: then the writer arrives.
    all_readers_in: Event,
}

impl Library {
    /// A reader reads for `ms` milliseconds after all the readers are in.
    fn read(&self, who: &str, ms: u64) {
        self.readers_switch.lock(&self.room_empty);
        {
            let _inside = self.readers.enter();
            self.log.push(format!("{who} reads, writers inside: {}", self.writers.now()));
            if self.readers.entered() == READERS {
                self.all_readers_in.set();
            }
            self.all_readers_in.wait_timeout(Duration::from_millis(500));
            lockstep_check::pause(ms);
            self.log.push(format!("{who} leaves"));
        }
        self.readers_switch.unlock(&self.room_empty);
    }

    /// A writer arrives while the readers read, and waits for the room to be empty.
    fn write(&self, who: &str) {
        self.all_readers_in.wait_timeout(Duration::from_millis(500));
        self.log.push(format!("{who} waits for the room"));
        self.room_empty.acquire();
        {
            let _inside = self.writers.enter();
            self.log.push(format!("{who} writes, readers inside: {}", self.readers.now()));
            lockstep_check::pause(5);
        }
        self.room_empty.release();
    }
}

/// Three readers read together (reader-1 leaves early); a writer arrives while they read.
fn run() -> Arc<Library> {
    let library = Arc::new(Library {
        room_empty: Semaphore::new(1),
        readers_switch: Lightswitch::new(),
        readers: lockstep_check::Occupancy::new(),
        writers: lockstep_check::Occupancy::new(),
        log: lockstep_check::Log::new(),
        all_readers_in: Event::new(),
    });
    let mut crew =
        lockstep_check::Crew::new("3 readers and a writer to take turns in the room").hang_is("hang", 3);
    for (name, ms) in [("reader-1", 20), ("reader-2", 150), ("reader-3", 300)] {
        let library = Arc::clone(&library);
        crew.spawn(name, move || library.read(name, ms));
    }
    let writer = Arc::clone(&library);
    crew.spawn("writer-1", move || writer.write("writer-1"));
    crew.join();
    library
}

fn main() {
    let library = run();
    for (at, event) in library.log.entries().iter().enumerate() {
        println!("{}. {event}", at + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The N in "… readers inside: N" (or "writers inside: N").
    fn others(event: &str) -> usize {
        event.split("inside: ").nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
    }

    #[test]
    fn a_writer_has_the_room_to_itself_and_readers_share_it() {
        let library = run();
        let log = &library.log;
        let entries = log.entries();
        if let Some(event) = entries.iter().find(|event| event.contains(" writes,") && others(event) > 0) {
            let writer = event.split(' ').next().unwrap_or("a writer");
            lockstep_check::fail(
                "writer with readers",
                "a writer to have the room to itself",
                format!(
                    "{writer} was inside with {}: the room was released while readers were still \
                     reading (what happened: {log})",
                    match others(event) {
                        1 => "1 reader".to_owned(),
                        n => format!("{n} readers"),
                    }
                ),
                1,
            );
        }
        if let Some(event) = entries.iter().find(|event| event.contains(" reads,") && others(event) > 0) {
            let reader = event.split(' ').next().unwrap_or("a reader");
            lockstep_check::fail(
                "writer with readers",
                "a writer to have the room to itself",
                format!("{reader} came in while a writer was writing (what happened: {log})"),
                1,
            );
        }
        if library.readers.max() < READERS {
            lockstep_check::fail(
                "readers kept out",
                format!("all {READERS} readers to read together"),
                format!(
                    "at most {} were inside at once: only the first reader in should take the room",
                    library.readers.max()
                ),
                2,
            );
        }
        if log.count(" writes,") != 1 {
            lockstep_check::fail("missing write", "writer-1 to write once", format!("it did not ({log})"), 3);
        }
        let permits = library.room_empty.value();
        if permits != 1 {
            lockstep_check::fail(
                "writer with readers",
                "the room to be free again at the end: `room_empty` back at 1 permit",
                format!("it has {permits}: the readers released it more often than they took it"),
                2,
            );
        }
    }
}
