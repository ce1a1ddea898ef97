//! The one-paragraph failure every check ends in.

use std::cell::Cell;
use std::fmt::Display;

thread_local! {
    /// Set by [`fail`] just before it panics, so a [`Crew`](crate::Crew)
    /// can pass a checker's verdict on unchanged instead of calling it an
    /// unexpected panic.
    static FAILED: Cell<bool> = const { Cell::new(false) };
}

/// Fails the exercise with one paragraph: the bug class, what was expected,
/// what happened instead, and which hint to read.
///
/// It prints the paragraph and unwinds, so the test fails (and `main`
/// exits with an error).
///
/// ```should_panic
/// let got = 97;
/// if got != 100 {
///     lockstep_check::fail("lost update", "num = 100 after 100 increments", format!("num = {got}"), 1);
/// }
/// ```
pub fn fail(bug: &str, expected: impl Display, happened: impl Display, hint: u8) -> ! {
    let paragraph = paragraph(bug, expected, happened, hint);
    // Printed here and unwound without the panic hook, so the student reads
    // the paragraph alone, not under a "panicked at check/src/…" line.
    eprintln!("{paragraph}");
    FAILED.with(|failed| failed.set(true));
    std::panic::resume_unwind(Box::new(paragraph));
}

/// The paragraph itself.
pub(crate) fn paragraph(bug: &str, expected: impl Display, happened: impl Display, hint: u8) -> String {
    let name = exercise_name();
    format!(
        "\n{bug}: expected {expected}, but {happened}.\nRead hint {hint}: press h in rustlings, or run \
         `rustlings hint {name}` or `cargo run --bin exercises -- hint {name} {hint}`.\n"
    )
}

/// Whether this thread's last panic came from [`fail`] (and clears the mark).
pub(crate) fn take_failed() -> bool {
    FAILED.with(|failed| failed.replace(false))
}

/// The running exercise's name, from the program's file name: `race_lock`
/// for the exercise's binary, its solution (`race_lock_sol`) and their test
/// programs (`race_lock-1f0c…`).
///
/// ```
/// assert!(!lockstep_check::exercise_name().is_empty());
/// ```
pub fn exercise_name() -> String {
    let exe = std::env::current_exe().ok();
    let stem = exe.as_deref().and_then(|path| path.file_stem()).and_then(|stem| stem.to_str());
    let stem = stem.unwrap_or("this exercise");
    let stem = stem.split_once('-').map_or(stem, |(name, _hash)| name);
    stem.strip_suffix("_sol").unwrap_or(stem).to_owned()
}

/// The message of a caught panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "Box<dyn Any>".to_owned()
    }
}
