//! Model checking a student's code with loom: every interleaving is tried,
//! and the failing one is told step by step.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError};

use crate::failure::{fail, panic_message, paragraph};

/// The steps of the execution loom is running now; cleared at the start of
/// each execution, so after a failure it holds the failing interleaving.
static STEPS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// How many preemptions loom may try per execution. Every bug the
/// exercises teach shows within two; three keeps each model to seconds in
/// a debug build.
const PREEMPTIONS: usize = 3;

/// Records one step of the current interleaving ("reader: sees ready =
/// true"). Call it from the code under [`model`].
///
/// ```
/// lockstep_check::step("writer", "stores 42");
/// ```
pub fn step(who: &str, what: impl std::fmt::Display) {
    STEPS.lock().unwrap_or_else(PoisonError::into_inner).push(format!("{who} {what}"));
}

/// Runs `body` under loom's model checker: every interleaving of its loom
/// threads (and, for atomics, every value a load may see) up to
/// 3 preemptions. If any interleaving fails (an assertion, a deadlock, or a
/// data race loom reports as a causality violation), the exercise fails
/// under `bug` with `hint`, and the message lists that interleaving's
/// [`step`]s in the order they ran.
///
/// A deadlock ends the whole program (exit code 101) right after the
/// paragraph is printed: loom 0.7.3 cannot unwind out of a deadlocked
/// execution (its thread bookkeeping panics again while unwinding, which
/// aborts), so the verdict is given from the panic hook, before that.
///
/// ```
/// use loom::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// lockstep_check::model("both increments to count", "lost update", 1, || {
///     let n = Arc::new(AtomicUsize::new(0));
///     let other = Arc::clone(&n);
///     let t = loom::thread::spawn(move || other.fetch_add(1, Ordering::Relaxed));
///     n.fetch_add(1, Ordering::Relaxed);
///     t.join().unwrap();
///     assert_eq!(n.load(Ordering::Relaxed), 2);
/// });
/// ```
pub fn model(expected: &str, bug: &str, hint: u8, body: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(PREEMPTIONS);
    let previous = std::panic::take_hook();
    let (hook_expected, hook_bug) = (expected.to_owned(), bug.to_owned());
    std::panic::set_hook(Box::new(move |info| {
        // Other failures unwind, and are told below; this one cannot.
        let message = panic_message(info.payload());
        if message.starts_with("deadlock") {
            let text = paragraph(&hook_bug, &hook_expected, told(&message), hint);
            let _ = std::io::stderr().write_all(format!("{text}\n").as_bytes());
            std::process::exit(101);
        }
    }));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        builder.check(move || {
            STEPS.lock().unwrap_or_else(PoisonError::into_inner).clear();
            body();
        });
    }));
    std::panic::set_hook(previous);
    if let Err(payload) = outcome {
        fail(bug, expected, told(&panic_message(&*payload)), hint);
    }
}

/// What loom's failure `message` means, and the failing interleaving's steps.
fn told(message: &str) -> String {
    let what = if message.starts_with("deadlock") {
        "in this interleaving every thread ended up waiting forever".to_owned()
    } else if message.contains("Causality violation") {
        "in this interleaving a thread read data another thread was still writing (a data race)".to_owned()
    } else {
        // `assert!(cond, "why")` and `assert_eq!(a, b, "why")` both say why
        // after "failed: "; the why is what the student needs to read.
        let first = message.lines().next().unwrap_or("").trim();
        let why = first.split_once(" failed: ").map_or(first, |(_, why)| why);
        format!("in this interleaving {why}")
    };
    let steps = STEPS.lock().unwrap_or_else(PoisonError::into_inner).clone();
    if steps.is_empty() {
        return format!("{what}; loom found it by trying every interleaving");
    }
    let steps: Vec<String> =
        steps.iter().enumerate().map(|(at, step)| format!("{}. {step}", at + 1)).collect();
    format!("{what}: {}; loom found it by trying every interleaving", steps.join("; "))
}
