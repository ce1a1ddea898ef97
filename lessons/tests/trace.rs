//! A timeline of who holds what (issue 12, item 5): lockstep's `trace`
//! feature emits every wait for, acquisition and release of a Lock, RLock
//! or Semaphore permit, and every blocking wait of a named Event or queue,
//! through `tracing`, for library users as for the lessons;
//! `--trace FILE` writes them as Chrome trace JSON, and `--timeline` charts
//! them per thread at the end of each part. The unnamed Events and queues
//! that lockstep's own Thread, Timer and futures wait on stay out.

mod common;

use common::run_ok;
use std::sync::{Arc, Mutex};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// A timeout for a wait the trace must show. A call whose deadline has
/// passed before its first look never waits, as Python's `get(timeout=…)`
/// never does then, so it is not traced; 1 ms could pass before that look
/// on a loaded CI machine.
const TRACED_WAIT: std::time::Duration = std::time::Duration::from_millis(20);

const DEADLOCK: &str = env!("CARGO_BIN_EXE_lesson-deadlock");
const LOCK: &str = env!("CARGO_BIN_EXE_lesson-lock");
const EVENT: &str = env!("CARGO_BIN_EXE_lesson-event");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_lesson-semaphore");
const THREADS: &str = env!("CARGO_BIN_EXE_lesson-threads");
const PRODUCER_CONSUMER: &str = env!("CARGO_BIN_EXE_lesson-producer-consumer");
const CONDITION: &str = env!("CARGO_BIN_EXE_lesson-condition");
const BARRIER: &str = env!("CARGO_BIN_EXE_lesson-barrier");

/// Collects the `op` and `lock` fields of lockstep's events.
struct Collect(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Collect {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if ["op", "lock", "thread", "call"].contains(&field.name()) {
                    self.0.push_str(&format!("{}={value:?} ", field.name()));
                }
            }
        }
        assert_eq!(event.metadata().target(), "lockstep");
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0.trim_end().to_string());
    }
}

#[test]
fn a_library_user_sees_waits_acquisitions_and_releases() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Collect(seen.clone()));
    tracing::subscriber::with_default(subscriber, || {
        let lock = lockstep::Lock::named("ledger");
        lock.acquire();
        assert!(!lock.acquire_timeout(TRACED_WAIT));
        lock.release().unwrap();
        let rlock = lockstep::RLock::named("books");
        drop(rlock.lock());
        let spaces = lockstep::Semaphore::new(1);
        drop(spaces.permit());
        assert!(spaces.acquire_timeout(std::time::Duration::ZERO)); // a free permit: taken
        assert!(!spaces.try_acquire()); // none left: no event
    });
    let seen = seen.lock().unwrap();
    // The test thread's lockstep name varies: only the ops and locks are checked.
    let ops: Vec<String> =
        seen.iter().map(|fields| fields.rsplit_once(" thread=").unwrap().0.to_string()).collect();
    assert_eq!(
        ops,
        [
            r#"op="acquired" lock="ledger""#,
            r#"op="wait" lock="ledger""#,
            r#"op="gave_up" lock="ledger""#,
            r#"op="released" lock="ledger""#,
            r#"op="acquired" lock="books""#,
            r#"op="released" lock="books""#,
            r#"op="acquired" lock="semaphore""#,
            r#"op="released" lock="semaphore""#,
            r#"op="acquired" lock="semaphore""#,
        ]
    );
}

#[test]
fn a_library_user_sees_named_event_and_queue_waits_and_no_internal_ones() {
    use std::time::Duration;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Collect(seen.clone()));
    tracing::subscriber::with_default(subscriber, || {
        let ready = lockstep::Event::named("ready");
        assert!(!ready.wait_timeout(TRACED_WAIT));
        ready.set();
        ready.wait(); // set: returns at once, no event
        lockstep::Event::new().wait_timeout(Duration::from_millis(1)); // unnamed: no event
        let q = lockstep::Queue::<u8>::named(1, "q");
        assert!(q.try_get().is_err()); // a try_ call never waits: no event
        assert!(q.get_timeout(TRACED_WAIT).is_err());
        q.put(1).unwrap(); // room: no wait, no event
        assert!(q.try_put(2).is_err()); // full, but a try_ call never waits: no event
        assert!(q.put_timeout(2, TRACED_WAIT).is_err());
        q.get().unwrap();
        q.task_done().unwrap();
        q.join(); // nothing unfinished: no wait
        let unnamed = lockstep::Queue::<u8>::new(0);
        assert!(unnamed.get_timeout(Duration::from_millis(1)).is_err()); // unnamed: no event
        // lockstep's Thread waits on Events of its own in start and join,
        // and a Timer on one for its interval: none of them is reported.
        let thread = lockstep::Thread::new(|| ());
        thread.start().unwrap();
        thread.join().unwrap();
        let timer = lockstep::Timer::new(Duration::from_millis(1), || ());
        timer.start().unwrap();
        timer.join().unwrap();
    });
    let seen = seen.lock().unwrap();
    let ops: Vec<String> =
        seen.iter().map(|fields| fields.split(" thread=").next().unwrap().to_string()).collect();
    assert_eq!(
        ops,
        [
            r#"op="wait" lock="ready""#,
            r#"op="gave_up" lock="ready""#,
            r#"op="wait" lock="q""#,
            r#"op="gave_up" lock="q""#,
            r#"op="wait" lock="q""#,
            r#"op="gave_up" lock="q""#,
        ],
        "{seen:#?}"
    );
    let calls: Vec<&str> = seen.iter().map(|fields| fields.rsplit_once(" call=").unwrap().1).collect();
    assert_eq!(calls, [r#""wait""#, r#""wait""#, r#""get""#, r#""get""#, r#""put""#, r#""put""#]);
}

#[test]
fn trace_writes_chrome_json_with_the_deadlocks_events() {
    let path = std::env::temp_dir().join(format!("lockstep-trace-{}.json", std::process::id()));
    let file = path.to_str().unwrap();
    run_ok(DEADLOCK, &["--threads", "2", "--detect-ms", "50", "--quiet", "--trace", file]);
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let events: Vec<serde_json::Value> = serde_json::from_str(&text).expect("Chrome trace JSON: an array");
    let ours: Vec<&serde_json::Value> = events.iter().filter(|event| event["cat"] == "lockstep").collect();
    assert!(ours.len() > 10, "{text}");
    let has = |op: &str, lock: &str, thread: &str| {
        ours.iter().any(|event| {
            let args = &event["args"];
            args["op"] == format!("{op:?}")
                && args["lock"] == format!("{lock:?}")
                && args["thread"] == format!("{thread:?}")
        })
    };
    for thread in ["Thread-1", "Thread-2"] {
        for op in ["wait", "acquired", "released"] {
            assert!(has(op, "lockA", thread) || has(op, "lockB", thread), "no {op} by {thread}:\n{text}");
        }
    }
    // MainThread's rescue: it released a lock of the cycle.
    assert!(has("released", "lockA", "MainThread") || has("released", "lockB", "MainThread"), "{text}");
    assert!(ours.iter().all(|event| event["ph"] == "i" && event["ts"].is_number()), "{text}");
    assert!(ours.iter().any(|event| event["name"] == "lockA acquired"), "{text}");
    // Thread names for the viewer's rows.
    assert!(events.iter().any(|event| event["name"] == "thread_name" && event["args"]["name"] == "Thread-1"));
}

/// The rows of the first timeline in `output`: (thread, cells).
fn first_timeline(output: &str) -> (String, Vec<(String, String)>) {
    let mut lines = output.lines().skip_while(|line| !line.starts_with("timeline of this part"));
    let title = lines.next().unwrap_or_else(|| panic!("no timeline:\n{output}")).to_string();
    let rows = lines
        .map_while(|line| line.split_once(" |"))
        .map(|(name, cells)| (name.trim().to_string(), cells.trim_end_matches('|').to_string()))
        .collect();
    (title, rows)
}

#[test]
fn timeline_shows_each_thread_holding_and_waiting() {
    // The deadlock: each of the two holds one lock and waits for the other's.
    let output = run_ok(DEADLOCK, &["--threads", "2", "--detect-ms", "50", "--quiet", "--timeline"]);
    let (title, rows) = first_timeline(&output);
    assert!(
        title.contains("= holds/waits for lockA") && title.contains("= holds/waits for lockB"),
        "{title}"
    );
    for thread in ["Thread-1", "Thread-2"] {
        let cells = &rows.iter().find(|(name, _)| name == thread).unwrap_or_else(|| panic!("{output}")).1;
        assert!(cells.chars().any(|c| c.is_ascii_uppercase()), "{thread} held nothing: {cells:?}\n{output}");
        assert!(
            cells.chars().any(|c| c.is_ascii_lowercase()),
            "{thread} waited for nothing: {cells:?}\n{output}"
        );
    }
    // One timeline per part: four parts before the summary.
    assert_eq!(output.matches("timeline of this part").count(), 4, "{output}");

    // The lock: five threads, each holding num_lock in turn.
    let output = run_ok(LOCK, &["--threads", "5", "--wait-ms", "50", "--quiet", "--timeline"]);
    let (title, rows) = first_timeline(&output);
    assert!(title.contains("A/a = holds/waits for num_lock"), "{title}");
    let holders = rows.iter().filter(|(_, cells)| cells.contains('A')).count();
    assert_eq!(holders, 5, "{output}");

    // A lesson with no Lock in a part says so: lesson-threads starts,
    // joins and enumerates lockstep Threads, whose own Events stay out.
    let output = run_ok(THREADS, &["--quiet", "--timeline"]);
    let nothing = "timeline: nothing was held or waited for in this part";
    assert_eq!(output.matches(nothing).count(), output.matches("timeline").count(), "{output}");
    assert!(output.matches(nothing).count() >= 3, "{output}");

    // The parking lot: cars wait for the semaphore, then hold a permit.
    let output = run_ok(SEMAPHORE, &["--threads", "12", "--spaces", "3", "--quiet", "--timeline"]);
    let (title, rows) = first_timeline(&output);
    assert!(title.contains("= holds/waits for semaphore"), "{title}");
    assert!(rows.iter().filter(|(_, cells)| cells.contains('a')).count() >= 1, "nobody waited:\n{output}");
    // The 12 cars, then the same 12 with no limit: every row holds a permit.
    assert!(rows.len() >= 12 && rows.iter().all(|(_, cells)| cells.contains('A')), "{output}");
}

/// The lockstep events of a `--trace` file written by `binary` run with `args`.
fn traced(binary: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let name = binary.rsplit('/').next().unwrap();
    let path = std::env::temp_dir().join(format!("lockstep-trace-{name}-{}.json", std::process::id()));
    let mut args = args.to_vec();
    args.extend(["--quiet", "--trace", path.to_str().unwrap()]);
    run_ok(binary, &args);
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let events: Vec<serde_json::Value> = serde_json::from_str(&text).expect("Chrome trace JSON: an array");
    events.into_iter().filter(|event| event["cat"] == "lockstep").collect()
}

/// Whether `events` has one with these `op`, `lock`, `call`, by a thread
/// whose name starts with `thread`.
fn has(events: &[serde_json::Value], op: &str, lock: &str, call: &str, thread: &str) -> bool {
    events.iter().any(|event| {
        let args = &event["args"];
        args["op"] == format!("{op:?}")
            && args["lock"] == format!("{lock:?}")
            && args["call"] == format!("{call:?}")
            && args["thread"].as_str().is_some_and(|name| name.trim_matches('"').starts_with(thread))
    })
}

#[test]
fn trace_shows_event_waits_and_no_internal_thread_event() {
    let events = traced(EVENT, &[]);
    for op in ["wait", "woken"] {
        assert!(has(&events, op, "event", "wait", "Worker-"), "no {op} for event:\n{events:#?}");
        assert!(has(&events, op, "ready", "wait", "client-"), "no {op} for ready:\n{events:#?}");
    }
    // MainThread's wait_timeout(50 ms) on the unset `ready` ran out.
    assert!(has(&events, "gave_up", "ready", "wait", "MainThread"), "{events:#?}");
    assert!(events.iter().any(|event| event["name"] == "ready woken"), "{events:#?}");
    // Only the two named Events: not the lesson's unnamed helpers, and not
    // the Events inside the lockstep Threads that run the workers.
    for event in &events {
        assert!(["\"event\"", "\"ready\""].contains(&event["args"]["lock"].as_str().unwrap()), "{event}");
    }
}

#[test]
fn trace_shows_queue_get_put_and_join_waits() {
    let events = traced(PRODUCER_CONSUMER, &[]);
    assert!(has(&events, "wait", "q", "get", "Customer-"), "{events:#?}");
    assert!(has(&events, "woken", "q", "get", "Customer-"), "{events:#?}");
    // The cook is faster than the customers: the counter fills and put() waits.
    assert!(has(&events, "wait", "q", "put", "Cook"), "{events:#?}");
    assert!(has(&events, "woken", "q", "put", "Cook"), "{events:#?}");
    assert!(has(&events, "wait", "q", "join", "Cook"), "{events:#?}");
    assert!(events.iter().any(|event| event["name"] == "q.get() wait"), "{events:#?}");
    assert!(events.iter().all(|event| event["args"]["lock"] == "\"q\""), "{events:#?}");
}

#[test]
fn timeline_shows_event_and_queue_waits() {
    let output = run_ok(EVENT, &["--quiet", "--timeline", "--width", "100"]);
    let (title, rows) = first_timeline(&output);
    assert!(title.contains("a = waits for event)"), "{title}\n{output}");
    let workers: Vec<&(String, String)> =
        rows.iter().filter(|(name, _)| name.starts_with("Worker-")).collect();
    assert_eq!(workers.len(), 3, "{output}");
    assert!(workers.iter().all(|(_, cells)| cells.contains('a')), "{output}");
    assert!(rows.iter().all(|(name, _)| name.starts_with("Worker-")), "only the workers wait:\n{output}");
    assert!(output.contains("a = waits for ready)"), "{output}");

    let output = run_ok(PRODUCER_CONSUMER, &["--quiet", "--timeline", "--width", "100"]);
    let (title, rows) = first_timeline(&output);
    assert!(title.contains("waits in q.get()") && title.contains("waits in q.put()"), "{title}");
    let letter = |call: &str| title.split(&format!(" = waits in q.{call}()")).next().unwrap().chars().last();
    let (get, put) = (letter("get").unwrap(), letter("put").unwrap());
    let cook = &rows.iter().find(|(name, _)| name == "Cook").unwrap_or_else(|| panic!("{output}")).1;
    assert!(cook.contains(put) && !cook.contains(get), "{cook:?}\n{output}");
    assert!(
        rows.iter().any(|(name, cells)| name.starts_with("Customer-") && cells.contains(get)),
        "{output}"
    );
    // Part 2: the cook waits in join() for every task_done().
    assert!(output.contains(" = waits in q.join()"), "{output}");
}

#[test]
fn condition_and_barrier_chart_and_trace_their_lock() {
    // The Condition is named `cond`, as in the note: every part charts it.
    let output = run_ok(CONDITION, &["--quiet", "--timeline"]);
    assert_eq!(output.matches("A/a = holds/waits for cond)").count(), 3, "{output}");
    let (_, rows) = first_timeline(&output);
    for thread in ["Customer-1", "Customer-2", "Customer-3", "Cook"] {
        assert!(
            rows.iter().any(|(name, cells)| name == thread && cells.contains('A')),
            "{thread}:\n{output}"
        );
    }
    // A Barrier waits through its (unnamed) RLock: every runner shows up.
    let events = traced(BARRIER, &[]);
    for runner in ["Runner-1", "Runner-2", "Runner-3", "Runner-4"] {
        assert!(has_lock_op(&events, "acquired", runner), "{runner}:\n{events:#?}");
    }
}

/// Whether a thread named `thread` did `op` on some lock in `events`.
fn has_lock_op(events: &[serde_json::Value], op: &str, thread: &str) -> bool {
    events.iter().any(|event| {
        event["args"]["op"] == format!("{op:?}") && event["args"]["thread"] == format!("{thread:?}")
    })
}
