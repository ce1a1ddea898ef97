//! Prints the README's benchmark table from criterion's latest results:
//! for each row, the median of a lockstep bench and of its rival from the
//! same group (so from the same run), and their ratio.
//!
//! ```sh
//! cargo bench -p lockstep-bench -- --noplot   # writes target/criterion/
//! cargo run -p lockstep-bench --bin ratios    # prints the markdown table
//! ```
//!
//! It reads `<target>/criterion/**/new/benchmark.json` (the group and bench
//! names) and the `estimates.json` beside it (the median, in ns per
//! criterion iteration). `<target>` is `$CARGO_TARGET_DIR`, else the
//! workspace's `target/`; a first argument overrides it. A row whose
//! benches have not run is printed as "not run", and the exit status is 1.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::{env, fs, process};

/// One table row: `(what, group, lockstep bench, rival bench)`.
type Row = (&'static str, &'static str, &'static str, &'static str);

/// The README's rows. The rival is the crate a Rust user would otherwise
/// pick (see each bench file's header for why).
const ROWS: &[Row] = &[
    (
        "`Lock` acquire+release, uncontended",
        "uncontended_acquire_release",
        "lockstep::Lock acquire+release",
        "parking_lot::Mutex<()> lock+unlock",
    ),
    (
        "`Mutex<()>` lock+unlock, uncontended",
        "uncontended_acquire_release",
        "lockstep::Mutex<()> lock+unlock",
        "parking_lot::Mutex<()> lock+unlock",
    ),
    (
        "`Lock`, 2 threads incrementing",
        "contended_increments_2_threads",
        "lockstep::Lock + UnsafeCell<u64>",
        "parking_lot::Mutex<u64>",
    ),
    (
        "`RLock` acquire+release, uncontended",
        "rlock_uncontended",
        "lockstep::RLock acquire+release",
        "parking_lot::ReentrantMutex<()> lock",
    ),
    (
        "`RLock` nested twice, uncontended",
        "rlock_uncontended",
        "lockstep::RLock nested lock() x2",
        "parking_lot::ReentrantMutex<()> nested lock x2",
    ),
    (
        "`Semaphore` acquire+release, uncontended",
        "semaphore_uncontended",
        "lockstep::Semaphore acquire+release",
        "parking_lot::Mutex<()> lock+unlock",
    ),
    (
        "`Semaphore(1)`, 2 threads",
        "semaphore_contended",
        "lockstep::Semaphore(1) acquire+release",
        "parking_lot::Mutex<()> lock+unlock",
    ),
    (
        "`Event::wait` when set",
        "event_wait_when_set",
        "lockstep::Event wait",
        "parking_lot::Mutex<()> lock+unlock",
    ),
    (
        "`Condition` ping-pong, 2 threads",
        "condition_ping_pong",
        "lockstep::Condition wait_for+notify",
        "parking_lot Mutex<usize>+Condvar wait_while+notify_one",
    ),
    (
        "`Condition` `notify_all` to 4 waiters",
        "condition_broadcast_4",
        "lockstep::Condition notify_all+wait_for",
        "parking_lot Mutex+Condvar notify_all+wait_while",
    ),
    (
        "`Queue` put+get, one thread",
        "put_get_one_thread",
        "lockstep::Queue put+get",
        "crossbeam bounded(1024) send+recv",
    ),
    (
        "`PriorityQueue` get+put, 512 resident, one thread",
        "priority_one_thread",
        "lockstep::PriorityQueue get+put",
        "parking_lot Mutex<BinaryHeap<u64>> pop+push",
    ),
    (
        "`PriorityQueue` get+put, 512 resident, one thread",
        "priority_one_thread",
        "lockstep::PriorityQueue get+put",
        "parking_lot Mutex<BinaryHeap<(u64, seq)>> pop+push",
    ),
    ("`Queue(1024)` SPSC", "spsc_1024", "lockstep::Queue(1024)", "crossbeam bounded(1024)"),
    (
        "`Queue(1024)` 2 producers + 2 consumers",
        "mpmc_2p2c_1024",
        "lockstep::Queue(1024)",
        "crossbeam bounded(1024)",
    ),
    (
        "`Queue(1024)` 2 producers + 2 consumers",
        "mpmc_2p2c_1024",
        "lockstep::Queue(1024)",
        "std Mutex<VecDeque>+2 Condvars(1024)",
    ),
    ("`Thread` start+join", "thread_start_join", "lockstep::Thread start+join", "std::thread::spawn+join"),
    (
        "`ThreadPoolExecutor` submit+result, 2 workers",
        "pool_round_trip",
        "lockstep::ThreadPoolExecutor submit+result",
        "rusty_pool evaluate",
    ),
    (
        "`ThreadPoolExecutor` submit+result, 2 workers",
        "pool_round_trip",
        "lockstep::ThreadPoolExecutor submit+result",
        "rayon spawn+channel",
    ),
    ("`Pool::apply`, 2 workers", "pool_round_trip", "lockstep::Pool apply", "rusty_pool evaluate"),
    (
        "`ThreadPoolExecutor` 100k empty tasks, 2 workers",
        "pool_throughput_100k",
        "lockstep::ThreadPoolExecutor",
        "std mpsc pool+channel",
    ),
    (
        "`ThreadPoolExecutor` 100k empty tasks, 2 workers",
        "pool_throughput_100k",
        "lockstep::ThreadPoolExecutor",
        "rayon spawn+channel",
    ),
];

fn main() {
    let target = env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
    });
    let root = target.join("criterion");
    let mut medians = HashMap::new();
    collect(&root, &mut medians);
    if medians.is_empty() {
        eprintln!("no criterion results under {}: run `cargo bench -p lockstep-bench` first", root.display());
        process::exit(1);
    }

    println!("| what | lockstep | rival | rival's time | ratio |");
    println!("|---|---|---|---|---|");
    let mut missing = false;
    for &(what, group, ours, rival) in ROWS {
        let find = |bench: &str| medians.get(&(group.to_string(), bench.to_string())).copied();
        match (find(ours), find(rival)) {
            (Some(ours_ns), Some(rival_ns)) => println!(
                "| {what} | {} | `{rival}` | {} | {:.2}x |",
                format_ns(ours_ns),
                format_ns(rival_ns),
                ours_ns / rival_ns
            ),
            _ => {
                missing = true;
                println!("| {what} | not run | `{rival}` | not run | |");
            }
        }
    }
    println!();
    println!("Medians per criterion iteration (lower is better; ratio = lockstep's time / the rival's).");
    if missing {
        eprintln!("some rows have no results under {}", root.display());
        process::exit(1);
    }
}

/// Every `(group, bench) → median ns` under `dir`.
fn collect(dir: &Path, medians: &mut HashMap<(String, String), f64>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, medians);
        } else if path.ends_with("new/benchmark.json") {
            let read = |name: &str| fs::read_to_string(path.with_file_name(name)).ok();
            let (Some(benchmark), Some(estimates)) = (read("benchmark.json"), read("estimates.json")) else {
                continue;
            };
            let group = json_string(&benchmark, "group_id");
            let bench = json_string(&benchmark, "function_id");
            let median =
                estimates.find("\"median\"").and_then(|at| json_number(&estimates[at..], "point_estimate"));
            if let (Some(group), Some(bench), Some(median)) = (group, bench, median) {
                medians.insert((group, bench), median);
            }
        }
    }
}

/// The string value of the first `"key":` in `json` (criterion's names need
/// only `\"` and `\\` unescaped).
fn json_string(json: &str, key: &str) -> Option<String> {
    let rest = json[json.find(&format!("\"{key}\""))? + key.len() + 2..].trim_start().strip_prefix(':')?;
    let mut chars = rest.trim_start().strip_prefix('"')?.chars();
    let mut value = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
}

/// The number value of the first `"key":` in `json`.
fn json_number(json: &str, key: &str) -> Option<f64> {
    let rest = json[json.find(&format!("\"{key}\""))? + key.len() + 2..].trim_start().strip_prefix(':')?;
    let rest = rest.trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c))).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// `1.23 ns`, `4.56 µs`, `7.89 ms` or `1.23 s`.
fn format_ns(ns: f64) -> String {
    match ns {
        ns if ns < 1e3 => format!("{ns:.2} ns"),
        ns if ns < 1e6 => format!("{:.2} µs", ns / 1e3),
        ns if ns < 1e9 => format!("{:.2} ms", ns / 1e6),
        ns => format!("{:.2} s", ns / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_names_and_medians() {
        let benchmark = r#"{"group_id":"spsc_1024","function_id":"lockstep::Queue(1024)","value_str":null}"#;
        assert_eq!(json_string(benchmark, "group_id").as_deref(), Some("spsc_1024"));
        assert_eq!(json_string(benchmark, "function_id").as_deref(), Some("lockstep::Queue(1024)"));
        let estimates = r#"{"mean":{"point_estimate":9.0},"median":{"confidence_interval":{"lower_bound":1.0},"point_estimate":2.5e3,"standard_error":0.1}}"#;
        let median =
            estimates.find("\"median\"").and_then(|at| json_number(&estimates[at..], "point_estimate"));
        assert_eq!(median, Some(2500.0));
        assert_eq!(json_string(r#"{"function_id":"a \"b\""}"#, "function_id").as_deref(), Some("a \"b\""));
    }

    #[test]
    fn formats_times() {
        assert_eq!(format_ns(0.5), "0.50 ns");
        assert_eq!(format_ns(2500.0), "2.50 µs");
        assert_eq!(format_ns(3.0e7), "30.00 ms");
    }
}
