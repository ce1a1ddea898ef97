// shared_list: an unsafe shared list, and the Queue that replaces it.
//
// Lesson: `cargo run --bin lesson-queue` (part 1) shows two workers doing the
// same task twice from a shared list, then the same work from a Queue.
// The Python it mirrors:
//
//     tasks = list(range(1, 9)); done = []
//     def worker():
//         while tasks:               # check: is there a task?
//             task = tasks[-1]       # check: which one is next
//             start(task)            # the work begins
//             tasks.pop()            # act: removes whatever is last NOW
//             done.append(task)
//
// What to fix: two workers share the tasks through a list. Each step locks
// the list on its own, yet a task is done twice and another never: between
// a worker's check and its pop the other worker checks too. Replace the list
// with a `lockstep::Queue`, whose `try_get` checks and takes in one step.

use lockstep::{Barrier, Mutex, Queue};
use std::sync::Arc;
use std::time::Duration;

/// The task list, the finished tasks, and the start line where both
/// workers begin their first task together (the scaffolding: leave it).
struct Shop {
    // A queue: `try_get` checks and takes in one step, under one lock.
    tasks: Queue<u32>,
    done: Mutex<Vec<u32>>,
    start_line: Barrier,
}

impl Shop {
    fn new(count: u32) -> Shop {
        let tasks = Queue::new(0);
        for task in (1..=count).rev() {
            tasks.put(task).expect("an open, unbounded queue takes every item");
        }
        Shop { tasks, done: Mutex::new(Vec::new()), start_line: Barrier::new(2) }
    }

    /// The work on a task begins. Both workers begin their first task at the
    /// same moment (so the race shows every run); after that, each goes on at
    /// its own pace.
    fn start(&self, first: &mut bool) {
        if std::mem::take(first) {
            let _ = self.start_line.wait_timeout(Duration::from_secs(1));
        } else {
            lockstep_check::pause(1);
        }
    }

    /// One worker's loop: take tasks until none is left.
    fn worker(&self) {
        let mut first = true;
        // Python's `q.get_nowait()`: the check and the take are one step,
        // so no other worker can take this task in between.
        while let Ok(task) = self.tasks.try_get() {
            self.start(&mut first);
            self.done.lock().push(task);
        }
    }
}

/// Two workers share 8 tasks; returns the tasks done, sorted.
fn run() -> Vec<u32> {
    let shop = Arc::new(Shop::new(8));
    let mut crew = lockstep_check::Crew::new("both workers to finish the 8 tasks")
        .panic_is("check-then-act race", 1)
        .hang_is("check-then-act race", 2);
    for name in ["worker-1", "worker-2"] {
        let shop = Arc::clone(&shop);
        crew.spawn(name, move || shop.worker());
    }
    crew.join();
    let mut done = shop.done.lock().clone();
    done.sort();
    done
}

fn main() {
    println!("tasks done: {:?}", run());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_is_done_exactly_once() {
        let done = run();
        let twice: Vec<u32> = (1..=8).filter(|t| done.iter().filter(|d| *d == t).count() > 1).collect();
        let never: Vec<u32> = (1..=8).filter(|t| !done.contains(t)).collect();
        if !twice.is_empty() || !never.is_empty() {
            lockstep_check::fail(
                "check-then-act race",
                "every task 1..=8 done exactly once",
                format!(
                    "the workers did {} tasks, {done:?} (done more than once: {twice:?}; never done: {never:?}), \
                     because both workers saw the same last task before either popped it",
                    done.len()
                ),
                1,
            );
        }
    }
}
