//! Readable on a projector (issue 12, item 3): one colour per thread and
//! highlighted titles and results when colour is on (`--color`,
//! `NO_COLOR`, `CLICOLOR_FORCE`), none into a pipe; text wrapped to
//! `--width` (the terminal's width on a terminal), not wrapped into a pipe.

mod common;

use common::run_with;
use std::collections::BTreeMap;

const EVENT: &str = env!("CARGO_BIN_EXE_lesson-event");
const RACE: &str = env!("CARGO_BIN_EXE_lesson-race");
const QUEUE: &str = env!("CARGO_BIN_EXE_lesson-queue");

/// Runs `binary` with `args` and `env`; asserts it succeeded; its stdout.
fn output(binary: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let (status, stdout, stderr) = run_with(binary, args, env, None);
    assert!(status.success(), "{binary} {args:?} {env:?}: {status}\n{stderr}");
    stdout
}

/// `text` without its ANSI escape sequences (`ESC [ ... letter`).
fn strip(text: &str) -> String {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(char::is_ascii_alphabetic);
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
fn forced_colour_gives_each_thread_its_own_and_highlights_titles() {
    let coloured = output(EVENT, &["--color", "always"], &[]);
    assert!(coloured.contains("\x1b["), "no colour:\n{coloured}");
    // The same text as without colour, line for line.
    let plain = strip(&coloured);
    assert_eq!(plain.lines().count(), coloured.lines().count());
    assert!(plain.contains("BOSS: everybody works overtime tonight! event.set()"), "{plain}");
    // A title is bold and underlined; every bullet is painted.
    assert!(coloured.contains("\x1b[1m\x1b[4m== Part 1: the boss and 3 workers =="), "{coloured}");
    let bullets = coloured.lines().filter(|line| strip(line).starts_with("- ")).count();
    assert!(bullets >= 4, "{coloured}");
    assert!(coloured.lines().filter(|line| line.starts_with("\x1b[1m\x1b[32m- ")).count() == bullets);
    // Each thread always speaks in one colour, and the workers' differ.
    let mut colours: BTreeMap<String, String> = BTreeMap::new();
    for line in coloured.lines() {
        let Some((head, _)) = line.split_once(':') else { continue };
        let (name, code) = (strip(head), head.split("\x1b[").nth(2).unwrap_or_default().to_string());
        if !name.contains(' ') && !name.is_empty() && name != "MainThread" {
            let first = colours.entry(name.clone()).or_insert_with(|| code.clone());
            assert_eq!(*first, code, "{name} changed colour:\n{coloured}");
        }
    }
    let workers: Vec<&String> = (1..=3).map(|n| &colours[&format!("Worker-{n}")]).collect();
    assert!(workers[0] != workers[1] && workers[1] != workers[2] && workers[0] != workers[2], "{colours:?}");
    // MainThread's lines, the results, are bold.
    let main_line = coloured.lines().find(|line| strip(line).starts_with("MainThread: ")).unwrap();
    assert!(main_line.starts_with("\x1b[1mMainThread:"), "{main_line:?}");
}

#[test]
fn colour_follows_the_flag_and_the_environment_as_cargo_does() {
    let has_colour = |args: &[&str], env: &[(&str, &str)]| output(QUEUE, args, env).contains('\x1b');
    // Into a pipe, auto means none.
    assert!(!has_colour(&[], &[]));
    assert!(!has_colour(&["--color", "auto"], &[]));
    assert!(!has_colour(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(has_colour(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(has_colour(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!has_colour(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    let (status, _, _) = run_with(QUEUE, &["--color", "sometimes"], &[], None);
    assert!(!status.success(), "--color sometimes was accepted");
}

#[test]
fn text_wraps_at_the_width_given_and_not_into_a_pipe() {
    for colour in ["never", "always"] {
        let wrapped = output(RACE, &["--threads", "10", "--width", "60", "--color", colour], &[]);
        let plain = strip(&wrapped);
        for line in plain.lines() {
            assert!(line.chars().count() <= 60, "{} columns: {line:?}", line.chars().count());
        }
        // A bullet goes on under its first line, indented by two.
        let summary = plain.split("== What you saw ==").nth(1).unwrap();
        assert!(summary.lines().any(|line| line.starts_with("  ") && !line.starts_with("   ")), "{summary}");
        assert!(plain.contains("Final value: num = "), "{plain}");
    }
    let unwrapped = output(RACE, &["--threads", "10"], &[]);
    assert!(unwrapped.lines().any(|line| line.chars().count() > 150), "wrapped into a pipe:\n{unwrapped}");
    let (status, _, _) = run_with(RACE, &["--width", "5"], &[], None);
    assert!(!status.success(), "--width 5 was accepted");
}

/// On a terminal (a pseudo-terminal from util-linux's `script`, if this
/// machine has it): colour by default, and wrapping to the terminal's
/// width (here `$COLUMNS`, as the pseudo-terminal tells no size).
#[test]
fn on_a_terminal_colour_and_wrapping_are_the_default() {
    let Ok(status) = std::process::Command::new("script").arg("--version").output() else {
        eprintln!("no `script` here: skipped");
        return;
    };
    assert!(status.status.success());
    let command = format!("{EVENT} --quiet");
    let (status, output, _) =
        run_with("script", &["-qec", &command, "/dev/null"], &[("COLUMNS", "50"), ("TERM", "xterm")], None);
    assert!(status.success(), "{output}");
    assert!(output.contains("\x1b["), "no colour on a terminal:\n{output}");
    let plain = strip(&output.replace('\r', ""));
    assert!(plain.contains("What you saw"), "{plain}");
    for line in plain.lines() {
        assert!(
            line.chars().count() <= 50,
            "{} columns on a 50-column terminal: {line:?}",
            line.chars().count()
        );
    }
}
