//! `cargo run --bin exercises`: lockstep's classroom exercises without
//! rustlings. Lists the exercises with their status, checks one under a
//! time limit, or shows its hints.
//!
//! ```text
//! cargo run --bin exercises                  # every exercise, solved or not, and what is next
//! cargo run --bin exercises -- check race_lock
//! cargo run --bin exercises -- hint race_lock 2
//! ```

use std::process::ExitCode;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[path = "../runner.rs"]
mod runner;

use runner::{Exercise, Package};

/// A check that takes longer than this is stopped and counts as failed; the
/// checker itself stops a stuck exercise after about 5 s.
const LIMIT: Duration = Duration::from_secs(20);

/// How many exercises `list` runs at once.
const PARALLEL: usize = 4;

/// lockstep's classroom exercises: fix the bug in each program in
/// exercises/exercises/, in order.
#[derive(Parser)]
#[command(name = "exercises")]
struct Args {
    #[command(subcommand)]
    command: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// List every exercise with its status (runs them all; the default)
    List,
    /// Check one exercise: run its tests under a time limit
    Check {
        /// The exercise's name, e.g. race_lock
        name: String,
        /// Check the solution in exercises/solutions/ instead
        #[arg(long)]
        solution: bool,
    },
    /// Show an exercise's hints (all, or only hint N)
    Hint {
        /// The exercise's name, e.g. race_lock
        name: String,
        /// Which hint (1, 2, 3); all of them if left out
        number: Option<u8>,
    },
}

fn main() -> ExitCode {
    let package = Package::here();
    let exercises = match package.exercises() {
        Ok(exercises) => exercises,
        Err(error) => return failed(&error),
    };
    match Args::parse().command.unwrap_or(Action::List) {
        Action::List => list(&package, &exercises),
        Action::Check { name, solution } => match find(&exercises, &name) {
            Ok(exercise) => check(&package, exercise, solution),
            Err(error) => failed(&error),
        },
        Action::Hint { name, number } => match find(&exercises, &name) {
            Ok(exercise) => hint(exercise, number),
            Err(error) => failed(&error),
        },
    }
}

fn find<'a>(exercises: &'a [Exercise], name: &str) -> Result<&'a Exercise, String> {
    exercises.iter().find(|exercise| exercise.name == name).ok_or_else(|| {
        let names: Vec<&str> = exercises.iter().map(|exercise| exercise.name.as_str()).collect();
        format!("no exercise is called `{name}`; they are: {}", names.join(", "))
    })
}

fn failed(error: &str) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

fn list(package: &Package, exercises: &[Exercise]) -> ExitCode {
    let bins: Vec<String> = exercises.iter().map(|exercise| exercise.bin(false)).collect();
    println!("Building the {} exercises…", exercises.len());
    let tests = match package.build(&bins) {
        Ok(build) => build.tests,
        Err(error) => return failed(&error),
    };
    println!("Running each one's tests (a stuck one is stopped after a few seconds)…\n");
    let results = Mutex::new(vec![None; exercises.len()]);
    let next = Mutex::new(0..exercises.len());
    thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                while let Some(at) = next.lock().unwrap().next() {
                    let exercise = &exercises[at];
                    let verdict = match tests.get(&exercise.bin(false)) {
                        Some(program) => {
                            let outcome = runner::run(program, &["-q"], &package.root, LIMIT);
                            if outcome.passed { Ok(()) } else { Err(summary(&outcome)) }
                        }
                        None => Err(format!("does not compile (`… -- check {}` shows why)", exercise.name)),
                    };
                    results.lock().unwrap()[at] = Some(verdict);
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let solved = results.iter().filter(|result| matches!(result, Some(Ok(())))).count();
    for (exercise, result) in exercises.iter().zip(&results) {
        let place = format!("{}/{}", exercise.dir, exercise.name);
        match result {
            Some(Ok(())) => println!("  ✓ {place:<40} solved"),
            Some(Err(why)) => println!("  ✗ {place:<40} {why}"),
            None => println!("  ? {place:<40} not run"),
        }
    }
    println!("\n{solved} of {} solved.", exercises.len());
    match exercises.iter().zip(&results).find(|(_, result)| !matches!(result, Some(Ok(())))) {
        Some((exercise, _)) => println!(
            "Next: exercises/{} — then `cargo run --bin exercises -- check {}`; stuck? `… -- hint {}`.",
            exercise.path(false),
            exercise.name,
            exercise.name
        ),
        None => println!("Every bug is fixed. Well done!"),
    }
    ExitCode::SUCCESS
}

/// The first line of the checker's paragraph, shortened for the list.
fn summary(outcome: &runner::Outcome) -> String {
    if outcome.timed_out {
        return format!("stopped after {LIMIT:?}");
    }
    let verdict = runner::verdict(&outcome.output).unwrap_or_else(|| "fails".to_owned());
    let first = verdict.lines().next().unwrap_or("fails");
    let short: String = first.chars().take(90).collect();
    if short.len() < first.len() { format!("{short}…") } else { short }
}

fn check(package: &Package, exercise: &Exercise, solution: bool) -> ExitCode {
    let bin = exercise.bin(solution);
    let build = match package.build(std::slice::from_ref(&bin)) {
        Ok(build) => build,
        Err(error) => return failed(&error),
    };
    let Some(program) = build.tests.get(&bin) else {
        println!("✗ {} does not compile yet:\n\n{}", exercise.path(solution), build.errors);
        return ExitCode::FAILURE;
    };
    let outcome = runner::run(program, &[], &package.root, LIMIT);
    let path = exercise.path(solution);
    if outcome.passed {
        println!("✓ {path}: every test passes ({:.1?}).", outcome.elapsed);
        return ExitCode::SUCCESS;
    }
    if outcome.timed_out {
        println!("✗ {path}: stopped after {LIMIT:?} without an answer.");
    } else {
        match runner::verdict(&outcome.output) {
            Some(verdict) => println!("✗ {path}:\n\n{verdict}"),
            None => println!("✗ {path}:\n\n{}", outcome.output),
        }
    }
    if !exercise.lesson.is_empty() {
        println!("\nThe lesson that shows it: `cargo run --bin {}`.", exercise.lesson);
    }
    ExitCode::FAILURE
}

fn hint(exercise: &Exercise, number: Option<u8>) -> ExitCode {
    let hints: Vec<&str> = exercise.hint.trim().split("\n\n").collect();
    match number {
        None => println!("{}", hints.join("\n\n")),
        Some(number) => match hints.iter().find(|hint| hint.starts_with(&format!("Hint {number}:"))) {
            Some(hint) => println!("{hint}"),
            None => return failed(&format!("{} has {} hints", exercise.name, hints.len())),
        },
    }
    ExitCode::SUCCESS
}
