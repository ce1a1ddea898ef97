//! `--play`, "you are the scheduler" (as in the Deadlock Empire game):
//! the lesson's threads are real lockstep `Thread`s, but each takes its
//! next step only when the student names it (`1`, `2`, ... on stdin);
//! after each step the state is shown, until the student has produced
//! what the lesson is about, or asks for a hint (`h`), or gives up (`q`,
//! or the end of the input).

use crate::{line, say};
use std::io::BufRead;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How long a step may take before the student is told its thread is
/// blocked (it waits for a lock another thread holds).
const BLOCKED_AFTER: Duration = Duration::from_millis(150);

/// One thread of the game, as the goal and the state see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    /// Its name, e.g. `Thread-1`.
    pub name: String,
    /// How many of its steps it has completed.
    pub done: usize,
    /// Its steps, as shown: `temp = num`, `lockB.acquire()`.
    pub steps: Vec<String>,
    /// It was told to take a step that has not completed: it is blocked.
    pub blocked: bool,
}

impl Player {
    /// Whether it has taken all its steps.
    pub fn finished(&self) -> bool {
        self.done == self.steps.len() && !self.blocked
    }
}

/// How a game ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The student produced it; the goal's words.
    Won(String),
    /// Every thread finished without it.
    AllDone,
    /// The student gave up (`q`, or the input ended).
    GaveUp,
}

/// Plays one game on real threads, started in the scope `s`: thread `i`
/// (named `players[i].name`) takes its `k`th step by calling `step(i, k)`
/// on its own thread; `state()` describes the shared state;
/// `goal(players)` says whether the student has produced the point
/// (`Some(words)`); `hint` is shown on `h`. When it returns, every thread
/// that is not blocked has been told to stop; a thread still blocked in a
/// step (a deadlock) is the caller's to rescue before the scope ends, and
/// then stops too.
pub fn play<'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    players: &mut [Player],
    step: &'scope (dyn Fn(usize, usize) + Sync),
    state: impl Fn() -> String,
    goal: impl Fn(&[Player]) -> Option<String>,
    hint: &str,
) -> Outcome {
    let (done_tx, done_rx) = channel::<usize>();
    let mut gates: Vec<Sender<bool>> = Vec::new();
    for (at, player) in players.iter().enumerate() {
        let (gate, opened) = channel::<bool>();
        gates.push(gate);
        let (done, steps) = (done_tx.clone(), player.steps.len());
        let body = move || {
            for k in 0..steps {
                // true: take the next step; false or a closed gate: stop.
                if opened.recv() != Ok(true) {
                    return;
                }
                step(at, k);
                let _ = done.send(at);
            }
        };
        crate::start(s, Some(&player.name), body);
    }
    let input = std::io::stdin();
    let mut input = input.lock().lines();
    let outcome = loop {
        collect(&done_rx, players, Duration::ZERO);
        line(format!("  state: {}", state()));
        for (at, player) in players.iter().enumerate() {
            let next = match player.steps.get(player.done) {
                _ if player.blocked => format!("blocked in {}", player.steps[player.done]),
                Some(step) => format!("next: {step}"),
                None => "finished".to_string(),
            };
            line(format!("  {}. {}: {next}", at + 1, player.name));
        }
        if let Some(words) = goal(players) {
            break Outcome::Won(words);
        }
        if players.iter().all(Player::finished) {
            break Outcome::AllDone;
        }
        let numbers: Vec<String> = (1..=players.len()).map(|n| n.to_string()).collect();
        line(format!("  your move: {} (which thread steps), h (a hint) or q (give up)?", numbers.join("/")));
        let Some(Ok(answer)) = input.next() else { break Outcome::GaveUp };
        let answer = answer.trim();
        match answer {
            "q" => break Outcome::GaveUp,
            "h" => line(format!("  hint: {hint}")),
            _ => match answer.parse::<usize>().ok().filter(|n| (1..=players.len()).contains(n)) {
                Some(number) => {
                    let at = number - 1;
                    let player = &mut players[at];
                    if player.blocked || player.done == player.steps.len() {
                        line(format!("  {} cannot step now: pick another thread", player.name));
                        continue;
                    }
                    say("you", format!("{} steps: {}", player.name, player.steps[player.done]));
                    let _ = gates[at].send(true);
                    player.blocked = true; // until its step reports back
                    collect(&done_rx, players, BLOCKED_AFTER);
                    if players[at].blocked {
                        line(format!("  {} is blocked: its step waits for a lock", players[at].name));
                    }
                }
                None => line(format!("  {answer:?}? type a thread's number, h or q")),
            },
        }
    };
    for gate in &gates {
        let _ = gate.send(false);
    }
    outcome
}

/// Takes the steps that have completed, waiting up to `wait` for the first.
fn collect(done: &Receiver<usize>, players: &mut [Player], wait: Duration) {
    let mut wait = wait;
    loop {
        match done.recv_timeout(wait) {
            Ok(at) => {
                players[at].done += 1;
                players[at].blocked = false;
                wait = Duration::ZERO;
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
        }
    }
}
