//! A tiny program for `tests/exit_rule.rs`: Python's exit rule, watched
//! from outside. `main` starts a non-daemon worker that waits for a line
//! on stdin (the test's go-ahead) and a daemon that never ends, then
//! returns at once. The exit hook must wait for the worker ("worker done"
//! printed, exit status 0) and cut the daemon off.
//!
//! With `exit`: calls `std::process::exit(3)` instead of returning (the
//! hook runs there too). With `panic-worker`: the worker panics instead
//! (the excepthook reports it; the program still exits 0). With
//! `hook-panics`: as `panic-worker`, under an excepthook that panics too
//! (reported as Python does, never propagated).

use lockstep_thread::Thread;
use std::io::{BufRead, Write};

fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    if mode == "hook-panics" {
        lockstep_thread::set_excepthook(|_| panic!("the hook failed"));
    }
    let daemon = Thread::named("ticker", || {
        say("daemon started");
        loop {
            std::thread::park(); // never ends on its own
        }
    });
    daemon.set_daemon(true).unwrap();
    daemon.start().unwrap();
    let panicking = mode == "panic-worker" || mode == "hook-panics";
    let worker = Thread::named("worker", move || {
        say("worker waiting");
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        if panicking {
            panic!("worker failed");
        }
        say("worker done");
    });
    worker.start().unwrap();
    say("main returns");
    if mode == "exit" {
        std::process::exit(3);
    }
}
