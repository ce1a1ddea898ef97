//! Builds and runs the exercises of `exercises/` from outside, each under a
//! time limit: what `cargo run --bin exercises` and the workspace test
//! (`tests/exercises.rs`) share. Included by both with `#[path]`; it is not
//! part of the checker library the exercises use.
// Each includer uses only part of it (the list needs no bug classes, the
// test no verdict lines).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// One exercise, from rustlings' `info.toml` and our `catalog.toml`.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    pub dir: String,
    pub hint: String,
    /// The bug class the unsolved file must fail with.
    pub bug: String,
    /// The lesson binary that shows the topic, or "".
    pub lesson: String,
}

impl Exercise {
    /// `exercises/NN_topic/name.rs` or `solutions/NN_topic/name.rs`,
    /// relative to the package.
    pub fn path(&self, solution: bool) -> String {
        let top = if solution { "solutions" } else { "exercises" };
        format!("{top}/{}/{}.rs", self.dir, self.name)
    }

    /// The cargo binary name rustlings gives the file.
    pub fn bin(&self, solution: bool) -> String {
        if solution { format!("{}_sol", self.name) } else { self.name.clone() }
    }
}

#[derive(Deserialize)]
struct InfoFile {
    exercises: Vec<InfoEntry>,
}

#[derive(Deserialize)]
struct InfoEntry {
    name: String,
    dir: String,
    hint: String,
}

#[derive(Deserialize)]
struct CatalogFile {
    exercise: Vec<CatalogEntry>,
}

#[derive(Deserialize)]
struct CatalogEntry {
    name: String,
    bug: String,
    lesson: String,
}

/// Built programs by binary name.
pub type Programs = HashMap<String, PathBuf>;

/// What [`Package::build`] built.
#[derive(Debug, Default)]
pub struct Build {
    /// Test programs by binary name.
    pub tests: Programs,
    /// Plain programs by binary name.
    pub mains: Programs,
    /// cargo's errors, if anything did not compile.
    pub errors: String,
}

/// The exercises package: `exercises/` of the repository.
pub struct Package {
    pub root: PathBuf,
}

impl Package {
    /// The package next to this crate (`exercises/check/..`).
    pub fn here() -> Package {
        Package { root: Path::new(env!("CARGO_MANIFEST_DIR")).join("..") }
    }

    /// Every exercise in teaching order; `Err` if `info.toml` and
    /// `catalog.toml` disagree about which exercises there are.
    pub fn exercises(&self) -> Result<Vec<Exercise>, String> {
        let read = |path: PathBuf| {
            std::fs::read_to_string(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))
        };
        let info: InfoFile = toml::from_str(&read(self.root.join("info.toml"))?)
            .map_err(|error| format!("info.toml: {error}"))?;
        let catalog: CatalogFile = toml::from_str(&read(self.root.join("check/catalog.toml"))?)
            .map_err(|error| format!("check/catalog.toml: {error}"))?;
        let names = |list: Vec<&String>| list.into_iter().cloned().collect::<Vec<_>>();
        let info_names = names(info.exercises.iter().map(|entry| &entry.name).collect());
        let catalog_names = names(catalog.exercise.iter().map(|entry| &entry.name).collect());
        if info_names != catalog_names {
            return Err(format!(
                "info.toml lists {info_names:?} but check/catalog.toml lists {catalog_names:?}: \
                 they must name the same exercises in the same order"
            ));
        }
        Ok(info
            .exercises
            .into_iter()
            .zip(catalog.exercise)
            .map(|(info, catalog)| Exercise {
                name: info.name,
                dir: info.dir,
                hint: info.hint,
                bug: catalog.bug,
                lesson: catalog.lesson,
            })
            .collect())
    }

    /// Builds the named binaries, each as a test program (`cargo test
    /// --no-run`) and as a plain program, as many as compile (one
    /// exercise that does not compile leaves the others checkable). The
    /// build output goes to the package's own target directory, which
    /// rustlings uses too.
    pub fn build(&self, bins: &[String]) -> Result<Build, String> {
        let mut build = Build::default();
        for test in [true, false] {
            let (mut built, mut errors) = self.build_kind(test, bins)?;
            if !errors.is_empty() {
                // `cargo test` stops at the first error: build the rest one
                // by one, so the errors are those of the broken files only.
                errors.clear();
                let missing: Vec<&String> = bins.iter().filter(|bin| !built.contains_key(*bin)).collect();
                for bin in missing {
                    let (one, error) = self.build_kind(test, std::slice::from_ref(bin))?;
                    built.extend(one);
                    errors.push_str(&error);
                }
            }
            if test {
                build.tests = built;
            } else {
                build.mains = built;
            }
            build.errors.push_str(&errors);
        }
        Ok(build)
    }

    /// One cargo run: the programs built, and cargo's errors if any.
    fn build_kind(&self, test: bool, bins: &[String]) -> Result<(Programs, String), String> {
        let mut command = self.cargo();
        match test {
            true => command.args(["test", "--no-run"]),
            false => command.arg("build"),
        };
        command.args(["--message-format", "json-render-diagnostics"]);
        for bin in bins {
            command.args(["--bin", bin]);
        }
        let output = command.output().map_err(|error| format!("cannot run cargo: {error}"))?;
        // cargo's own output (the unsolved files' warnings above all) is
        // kept only when something failed to build.
        let errors = if output.status.success() {
            String::new()
        } else {
            String::from_utf8_lossy(&output.stderr).into_owned()
        };
        let mut built = Programs::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            if let (Some(name), Some(exe)) =
                (message["target"]["name"].as_str(), message["executable"].as_str())
            {
                built.insert(name.to_owned(), PathBuf::from(exe));
            }
        }
        Ok((built, errors))
    }

    fn cargo(&self) -> Command {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .current_dir(&self.root)
            .arg("-q")
            .env("CARGO_TARGET_DIR", self.root.join("target"))
            // Flags meant for the outer build (a loom leg, say) are not the
            // exercises' flags.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
        command
    }
}

/// How a run of one program ended.
#[derive(Debug)]
pub struct Outcome {
    pub passed: bool,
    /// Killed at the time limit.
    pub timed_out: bool,
    pub elapsed: Duration,
    /// stdout and stderr, together.
    pub output: String,
}

/// Runs `program` from `dir` with `args`, killing it at `limit`.
pub fn run(program: &Path, args: &[&str], dir: &Path, limit: Duration) -> Outcome {
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            return Outcome {
                passed: false,
                timed_out: false,
                elapsed: started.elapsed(),
                output: format!("cannot start {}: {error}", program.display()),
            };
        }
    };
    let readers = [drain(child.stdout.take()), drain(child.stderr.take())];
    let (passed, timed_out) = wait(&mut child, started + limit);
    let output =
        readers.into_iter().map(|reader| reader.join().unwrap_or_default()).collect::<Vec<_>>().join("");
    Outcome { passed, timed_out, elapsed: started.elapsed(), output }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}

/// Polls the child until it exits or the deadline passes (then kills it):
/// (exited successfully, timed out).
fn wait(child: &mut Child, deadline: Instant) -> (bool, bool) {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (status.success(), false),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return (false, true);
            }
        }
    }
}

/// The checker's paragraph in a failed run's output: the line that opens
/// with a bug class ("lost update: expected …") and the line after it.
pub fn verdict(output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().collect();
    let at = lines.iter().position(|line| line.contains(": expected "))?;
    Some(lines[at..(at + 2).min(lines.len())].join("\n"))
}
