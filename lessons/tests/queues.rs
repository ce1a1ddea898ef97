//! `lesson-queue` and `lesson-producer-consumer` show their points: what
//! a shared list loses and a Queue does not, the three orders, Full and
//! Empty, and every baozi eaten exactly once.

mod common;

use common::{number_after, run, run_ok};

const QUEUE: &str = env!("CARGO_BIN_EXE_lesson-queue");
const PRODUCER_CONSUMER: &str = env!("CARGO_BIN_EXE_lesson-producer-consumer");

#[test]
fn queue_shows_list_race_orders_full_and_empty() {
    let output = run_ok(QUEUE, &[]);
    // Part 1: the list repeats a task; the queue does each exactly once.
    let list = output.split("Part 1b").next().expect("part 1a comes first");
    assert!(!list.contains("done more than once: [];"), "the list lost nothing:\n{output}");
    assert!(list.contains("but tasks.pop() removed"), "{output}");
    assert!(
        output.contains("8 of 8 tasks done exactly once; done more than once: []; never done: []"),
        "{output}"
    );
    // Part 2: the exact orders.
    for line in [
        "Queue (FIFO)  gets: 111, 333, 222",
        "LifoQueue     gets: 222, 333, 111",
        "PriorityQueue gets: 111, 222, 333",
        "SimpleQueue   gets: 111, 333, 222",
        "PriorityQueue of (priority, task) gets: (1, 'drink coffee'), (2, 'write code'), (3, 'go home')",
    ] {
        assert!(output.contains(line), "missing {line:?}:\n{output}");
    }
    // Part 3: sizes, Full with the item back, Empty at once and after a timeout.
    assert!(output.contains("q = Queue(maxsize=3): qsize() = 0, empty() = true, full() = false"), "{output}");
    assert!(output.contains("q.put(3): qsize() = 3, empty() = false, full() = true"), "{output}");
    assert!(output.contains("q.try_put(4): Err(Full: the queue is full); the item came back: 4"), "{output}");
    assert!(output.contains("q.try_get(): Err(Empty: the queue is empty) at once"), "{output}");
    assert!(output.contains("q.get_timeout(100 ms): Err(Empty: the queue is empty) after"), "{output}");
}

#[test]
fn queue_never_loses_a_task_for_other_seeds_and_sizes() {
    for seed in ["3", "17"] {
        let output = run_ok(QUEUE, &["--seed", seed, "--tasks", "30", "--pause-ms", "1", "--quiet"]);
        let from_queue = output.split("Part 1b").nth(1).expect("part 1b");
        assert!(
            from_queue.contains("30 of 30 tasks done exactly once; done more than once: []; never done: []"),
            "seed {seed}:\n{output}"
        );
        assert!(!output.contains("working on it"), "--quiet still narrated:\n{output}");
    }
}

/// Checks each part's tally: per-customer counts add up to `baozi`, and
/// each baozi was eaten exactly once. Returns how many parts were checked.
fn check_tallies(output: &str, baozi: usize, customers: usize) -> usize {
    let tallies: Vec<&str> =
        output.lines().filter(|line| line.starts_with("MainThread: Customer-1 ate ")).collect();
    for tally in &tallies {
        let sum: usize = (1..=customers).map(|n| number_after(tally, &format!("Customer-{n} ate "))).sum();
        assert_eq!(sum, baozi, "{tally}\n{output}");
    }
    let totals = format!("total eaten: {baozi} of {baozi} made; each baozi eaten exactly once: yes");
    assert_eq!(output.matches(&totals).count(), 3, "{output}");
    tallies.len()
}

#[test]
fn producer_consumer_eats_every_baozi_exactly_once() {
    let output = run_ok(PRODUCER_CONSUMER, &[]);
    assert_eq!(check_tallies(&output, 20, 3), 3, "{output}");
    for baozi in 1..=20 {
        // Narrated: each baozi eaten once in each of the three parts.
        assert_eq!(output.matches(&format!("eats baozi {baozi}\n")).count(), 3, "baozi {baozi}:\n{output}");
    }
    // Part 1 and 2 end with sentinels; part 3 with shutdown.
    assert_eq!(output.matches("q.get() = None, the sentinel: going home").count(), 6, "{output}");
    assert!(output.contains("Cook: q.join() returned: 20 of 20 eaten"), "{output}");
    assert_eq!(output.matches("q.get(): Err(ShutDown)").count(), 3, "{output}");
    assert!(output.contains("after shutdown: Err(ShutDown); the baozi came back: 21"), "{output}");
    assert!(output.contains("every baozi was eaten exactly once"), "{output}");
}

#[test]
fn producer_consumer_counts_add_up_for_other_shops() {
    let args = ["--seed", "5", "--baozi", "37", "--customers", "5", "--pause-ms", "1", "--quiet"];
    let output = run_ok(PRODUCER_CONSUMER, &args);
    assert_eq!(check_tallies(&output, 37, 5), 3, "{output}");
    assert!(!output.contains("eats baozi"), "--quiet still narrated:\n{output}");
    let (status, _) = run(PRODUCER_CONSUMER, &["--customers", "0"]);
    assert!(!status.success(), "--customers 0 was accepted");
}
