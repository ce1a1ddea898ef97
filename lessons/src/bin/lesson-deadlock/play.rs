//! `lesson-deadlock --play`: you are the scheduler. Thread-1 runs doA
//! (lockA, then lockB), Thread-2 doB (lockB, then lockA), on real Locks;
//! the student picks who takes the next step until both are stuck: the
//! deadlock. MainThread then explains it with `deadlock::check()` and
//! rescues the threads, as in part 1. (Kept apart from lesson-deadlock.rs
//! so that file stays readable.)

use lockstep::deadlock;
use lockstep::{Event, Lock};
use lockstep_lessons::play::{self, Outcome, Player};
use lockstep_lessons::{heading, point, say, your_turn};
use std::sync::Mutex;
use std::thread;

/// The game, then its "What you saw".
pub(crate) fn you_are_the_scheduler() {
    heading("You are the scheduler: Thread-1 runs doA, Thread-2 doB; make them deadlock");
    let locks = [Lock::named("lockA"), Lock::named("lockB")];
    let names = ["Thread-1", "Thread-2"];
    let orders = [[0, 1], [1, 0]]; // doA: lockA then lockB; doB: lockB then lockA
    let held: [Mutex<Vec<usize>>; 2] = Default::default(); // which locks each thread holds
    let called_off = Event::new(); // the rescue: whoever gets a lock now gives everything back
    let give_back = |at: usize| {
        for lock in held[at].lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
            let _ = locks[lock].release();
        }
    };
    let step = |at: usize, k: usize| {
        if k == 2 {
            say(names[at], "done: release both");
            give_back(at);
            return;
        }
        let lock = orders[at][k];
        say(names[at], format!("{}.acquire()", locks[lock].name().unwrap_or_default()));
        locks[lock].acquire(); // may block: that is the game
        held[at].lock().unwrap_or_else(|e| e.into_inner()).push(lock);
        if called_off.is_set() {
            say(names[at], "got it, but the game is over: give back what I hold");
            give_back(at);
        } else {
            say(names[at], format!("got {}", locks[lock].name().unwrap_or_default()));
        }
    };
    let mut players: Vec<Player> = (0..2)
        .map(|at| {
            let [first, second] = orders[at].map(|lock| locks[lock].name().unwrap_or_default());
            let steps =
                vec![format!("{first}.acquire()"), format!("{second}.acquire()"), "release both".into()];
            Player { name: names[at].to_string(), done: 0, steps, blocked: false }
        })
        .collect();
    let state = || {
        let holders: Vec<String> = (0..2)
            .map(|at| {
                let mine = held[at].lock().unwrap_or_else(|e| e.into_inner()).clone();
                let mine: Vec<&str> =
                    mine.iter().map(|&lock| locks[lock].name().unwrap_or_default()).collect();
                format!("{} holds [{}]", names[at], mine.join(", "))
            })
            .collect();
        holders.join("; ")
    };
    let goal = |players: &[Player]| {
        if !players.iter().all(|player| player.blocked) {
            return None;
        }
        let cycle = deadlock::check().into_iter().find(|cycle| cycle.threads.len() == 2)?;
        Some(cycle.to_string())
    };
    let hint = "let each thread take its FIRST lock (1, then 2), then ask each for its second";
    let outcome = thread::scope(|s| {
        let outcome = play::play(s, &mut players, &step, state, goal, hint);
        // The rescue, so every thread ends: the game is called off; the
        // locks of threads that are not blocked go back (any thread may
        // release a Lock); in a deadlock, Thread-1's lockA goes back too.
        called_off.set();
        let stuck = players.iter().all(|player| player.blocked);
        for (at, player) in players.iter().enumerate() {
            if !player.blocked || (stuck && at == 0) {
                let mut mine = held[at].lock().unwrap_or_else(|e| e.into_inner());
                let keep = if player.blocked { mine.split_off(1) } else { Vec::new() };
                for lock in mine.drain(..) {
                    say(
                        "MainThread",
                        format!("rescue: {}.release()", locks[lock].name().unwrap_or_default()),
                    );
                    let _ = locks[lock].release();
                }
                *mine = keep;
            }
        }
        outcome
    });
    heading("What you saw");
    match outcome {
        Outcome::Won(cycle) => point(format!(
            "You did it: {cycle}. Each thread held one lock and waited for the other's; neither \
             can go first, so it would last forever (MainThread released lockA to end the game). \
             In part 1 of the lesson a Barrier forces this order; here you chose it."
        )),
        Outcome::AllDone => point(
            "Both threads finished: one of them took both locks before the other took its first. \
             Run it again and let each take its first lock before either asks for its second.",
        ),
        Outcome::GaveUp => point(format!("You stopped before the deadlock. The trick: {hint}.")),
    }
    point("The usual fix: take the locks in one order everywhere (fix (a) of the lesson).");
    your_turn("lesson-deadlock");
}
