//! Property test: random operation sequences on one `Thread`, each return
//! value compared with Python's state machine (initial → started →
//! stopped, the daemon flag settable only while initial, the name always).
//!
//! The target waits on an `Event` until the sequence's `Finish` (on a
//! started thread), which sets it and joins, so "finished" is exact at
//! every step: before it the thread is certainly running, after it
//! certainly done.

use lockstep::Event;
use lockstep::thread::{Thread, ThreadError, enumerate};
use proptest::prelude::*;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
enum Op {
    SetDaemon(bool),
    Start,
    /// Let the target return, and join it.
    Finish,
    JoinTimeoutZero,
    SetName(u8),
    Observe,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<bool>().prop_map(Op::SetDaemon),
        Just(Op::Start),
        Just(Op::Finish),
        Just(Op::JoinTimeoutZero),
        (0..4u8).prop_map(Op::SetName),
        Just(Op::Observe),
    ]
}

/// Python's view of the thread.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Life {
    Initial,
    Started,
    Stopped,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn thread_follows_pythons_state_machine(ops in prop::collection::vec(op(), 1..16)) {
        let gate = Arc::new(Event::new());
        let open = gate.clone();
        let thread = Thread::new(move || open.wait());
        let (mut life, mut daemon, mut name) = (Life::Initial, false, thread.name());
        for op in ops {
            match op {
                Op::SetDaemon(flag) => {
                    let expected = if life == Life::Initial { Ok(()) } else { Err(ThreadError::DaemonOfActive) };
                    prop_assert_eq!(thread.set_daemon(flag), expected);
                    if life == Life::Initial {
                        daemon = flag;
                    }
                }
                Op::Start => {
                    let expected = if life == Life::Initial { Ok(()) } else { Err(ThreadError::AlreadyStarted) };
                    prop_assert_eq!(thread.start(), expected);
                    if life == Life::Initial {
                        life = Life::Started;
                    }
                }
                Op::Finish => {
                    if life == Life::Initial {
                        // The gate stays shut: a later start must find a
                        // target that waits.
                        prop_assert_eq!(thread.join(), Err(ThreadError::NotStarted));
                    } else {
                        gate.set();
                        prop_assert_eq!(thread.join(), Ok(()));
                        life = Life::Stopped;
                    }
                }
                Op::JoinTimeoutZero => {
                    let expected = match life {
                        Life::Initial => Err(ThreadError::NotStarted),
                        Life::Started => Ok(false),
                        Life::Stopped => Ok(true),
                    };
                    prop_assert_eq!(thread.join_timeout(Duration::ZERO), expected);
                }
                Op::SetName(n) => {
                    name = format!("name-{n}");
                    thread.set_name(name.clone());
                }
                Op::Observe => {}
            }
            prop_assert_eq!(thread.is_alive(), life == Life::Started);
            prop_assert_eq!(thread.is_daemon(), daemon);
            prop_assert_eq!(thread.ident().is_some(), life != Life::Initial);
            prop_assert_eq!(thread.name(), name.clone());
            prop_assert_eq!(enumerate().contains(&thread), life == Life::Started);
        }
        // Whatever happened, let a started thread end.
        gate.set();
        if life != Life::Initial {
            prop_assert_eq!(thread.join(), Ok(()));
        }
    }
}
