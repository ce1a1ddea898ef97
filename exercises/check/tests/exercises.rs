//! Every exercise, both ways: the unsolved file fails, naming its bug class,
//! and the solution passes; neither runs longer than 20 s, as a test or as
//! a program. This is how `cargo test --workspace` checks the exercises
//! package, which is a workspace of its own (its unsolved files fail on
//! purpose).

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

#[path = "../src/runner.rs"]
mod runner;

use runner::{Exercise, Package};

/// The bound on any one run.
const LIMIT: Duration = Duration::from_secs(20);

/// Programs run at once: enough to overlap the exercises' watchdog waits,
/// few enough that 2 cores keep each one's timing.
const PARALLEL: usize = 4;

#[test]
fn the_catalog_matches_info_toml_and_every_file_is_an_exercise() {
    let package = Package::here();
    let exercises = package.exercises().unwrap();
    assert!(exercises.len() >= 18, "the issue asks for at least 18 exercises, there are {}", exercises.len());
    let loom = exercises.iter().filter(|exercise| exercise.dir.ends_with("memory_order")).count();
    assert!(loom >= 3, "at least 3 exercises are checked with loom, there are {loom}");
    let lessons = package.root.join("../lessons/src/bin");
    for exercise in &exercises {
        let text = std::fs::read_to_string(package.root.join(exercise.path(false))).unwrap();
        for needle in ["// TODO", "// Lesson:", "// What to fix:", "#[test]\n", "fn main()"] {
            assert!(text.contains(needle), "{} lacks `{}`", exercise.path(false), needle.trim());
        }
        assert!(package.root.join(exercise.path(true)).exists(), "{} has no solution", exercise.name);
        if !exercise.lesson.is_empty() {
            let lesson = lessons.join(format!("{}.rs", exercise.lesson));
            assert!(
                lesson.exists(),
                "{} names lesson {} which does not exist",
                exercise.name,
                exercise.lesson
            );
        }
        assert!(
            exercise.hint.contains("Hint 1:") && exercise.hint.contains("Hint 2:"),
            "{}'s hints are not progressive (Hint 1:, Hint 2:, …)",
            exercise.name
        );
    }
}

/// What one run has to show, and the run's problem if it does not.
fn judge(exercise: &Exercise, solution: bool, as_test: bool, outcome: &runner::Outcome) -> Option<String> {
    let what = format!("{} ({})", exercise.path(solution), if as_test { "its tests" } else { "its main" });
    if outcome.timed_out {
        return Some(format!("{what} ran past {LIMIT:?}"));
    }
    match (solution, as_test) {
        (true, _) if !outcome.passed => Some(format!("{what} fails:\n{}", outcome.output)),
        (false, true) if outcome.passed => Some(format!("{what} passes unsolved")),
        (false, true) if !outcome.output.contains(&format!("{}: expected", exercise.bug)) => {
            Some(format!("{what} fails, but not with its bug class `{}`:\n{}", exercise.bug, outcome.output))
        }
        _ => None,
    }
}

#[test]
fn unsolved_exercises_fail_with_their_bug_class_and_solutions_pass() {
    let package = Package::here();
    let exercises = package.exercises().unwrap();
    let bins: Vec<String> =
        exercises.iter().flat_map(|exercise| [exercise.bin(false), exercise.bin(true)]).collect();
    let build = package.build(&bins).unwrap();
    assert!(build.errors.is_empty(), "the exercises package does not build:\n{}", build.errors);
    let (tests, mains) = (build.tests, build.mains);
    let mut runs = Vec::new();
    for exercise in &exercises {
        for solution in [false, true] {
            for as_test in [true, false] {
                runs.push((exercise, solution, as_test));
            }
        }
    }
    let problems = Mutex::new(Vec::new());
    let next = Mutex::new(runs.iter());
    thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                while let Some(&(exercise, solution, as_test)) = next.lock().unwrap().next() {
                    let programs = if as_test { &tests } else { &mains };
                    let bin = exercise.bin(solution);
                    let problem = match programs.get(&bin) {
                        None => Some(format!("cargo built no program for {bin}")),
                        Some(program) => {
                            let outcome = runner::run(program, &[], &package.root, LIMIT);
                            judge(exercise, solution, as_test, &outcome)
                        }
                    };
                    problems.lock().unwrap().extend(problem);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{} problems:\n\n{}", problems.len(), problems.join("\n\n"));
}

/// The README's exercise table lists every exercise, in order, with the bug
/// class its checker reports and its lesson.
#[test]
fn the_readme_lists_every_exercise() {
    let package = Package::here();
    let readme = std::fs::read_to_string(package.root.join("../README.md")).unwrap();
    let rows: Vec<&str> =
        readme.lines().filter(|line| line.starts_with("| `") && line.contains(".rs`")).collect();
    let expected: Vec<String> = package.exercises().unwrap().iter().map(readme_row).collect();
    let missing: Vec<&String> = expected.iter().filter(|row| !rows.contains(&row.as_str())).collect();
    assert!(
        missing.is_empty(),
        "README.md's exercise table lacks these rows:\n{}",
        missing.iter().map(|row| row.as_str()).collect::<Vec<_>>().join("\n")
    );
}

/// `| `02_lock/race_lock.rs` | lost update | `lesson-race` |`
fn readme_row(exercise: &Exercise) -> String {
    let lesson =
        if exercise.lesson.is_empty() { "none".to_owned() } else { format!("`{}`", exercise.lesson) };
    format!("| `{}/{}.rs` | {} | {lesson} |", exercise.dir, exercise.name, exercise.bug)
}
