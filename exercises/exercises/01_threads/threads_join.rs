// threads_join: start threads, then wait for them.
//
// Lesson: `cargo run --bin lesson-threads` starts threads and joins them.
// The Python it mirrors:
//
//     threads = [threading.Thread(target=work, args=(i,)) for i in range(5)]
//     for t in threads: t.start()
//     for t in threads: t.join()    # forget this and main reads too early
//     print(sorted(results))
//
// What to fix: `run` reads the results while the workers are still working.
// Make it wait for every worker first. Don't make the workers do less.

use lockstep::Thread;
use std::sync::{Arc, Mutex};

/// Starts one `Thread` (Python's `threading.Thread`) per number below `workers`; each does a little work,
/// then stores its number squared. Returns every stored square, sorted.
fn run(workers: u64) -> Vec<u64> {
    let results = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for i in 0..workers {
        let results = Arc::clone(&results);
        let thread = Thread::new(move || {
            lockstep_check::pause(50); // the work
            results.lock().unwrap().push(i * i);
        });
        thread.start().unwrap();
        threads.push(thread);
    }
    // TODO: wait here until every thread in `threads` has finished.
    let mut squares = results.lock().unwrap().clone();
    squares.sort();
    squares
}

fn main() {
    let squares = run(5);
    println!("{} of 5 workers had stored their result: {squares:?}", squares.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_waits_for_every_worker() {
        let squares = lockstep_check::completes("run(5) to return", "hang", 2, || run(5));
        if squares != [0, 1, 4, 9, 16] {
            lockstep_check::fail(
                "missing join",
                "the results of all 5 workers, [0, 1, 4, 9, 16]",
                format!("run returned {squares:?}: it read the results before the workers had finished"),
                1,
            );
        }
    }
}
