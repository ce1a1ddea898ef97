//! Proptest: random sequences of `cancel`, `set_running_or_notify_cancel`,
//! `set_result`, `set_exception` and `add_done_callback` on one `Future`,
//! against a sequential model of CPython's state machine (§1.10): every
//! return value, the state after each step, and which callbacks have run,
//! in what order, exactly once.

use lockstep::futures::{Future, FutureError, Panic};
use proptest::prelude::*;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
enum Op {
    Cancel,
    SetRunning,
    SetResult(u8),
    SetException,
    AddCallback,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Cancel),
        Just(Op::SetRunning),
        any::<u8>().prop_map(Op::SetResult),
        Just(Op::SetException),
        Just(Op::AddCallback),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Pending,
    Running,
    Cancelled,
    Finished(Option<u8>),
}

proptest! {
    #[test]
    fn future_matches_the_model(ops in proptest::collection::vec(op(), 0..20)) {
        let future = Future::<u8>::new();
        let mut model = State::Pending;
        let ran = Arc::new(Mutex::new(Vec::new()));
        let mut added = 0_usize;
        let mut expected_ran: Vec<usize> = Vec::new();
        let mut pending_callbacks: Vec<usize> = Vec::new();
        for op in ops {
            let done = matches!(model, State::Cancelled | State::Finished(_));
            match op {
                Op::Cancel => {
                    let expected = matches!(model, State::Pending | State::Cancelled);
                    prop_assert_eq!(future.cancel(), expected);
                    if model == State::Pending {
                        model = State::Cancelled;
                        expected_ran.append(&mut pending_callbacks);
                    }
                }
                Op::SetRunning => {
                    let got = future.set_running_or_notify_cancel();
                    match model {
                        State::Pending => { prop_assert_eq!(got, Ok(true)); model = State::Running; }
                        State::Cancelled => prop_assert_eq!(got, Ok(false)),
                        _ => prop_assert!(got.is_err()),
                    }
                }
                Op::SetResult(_) | Op::SetException => {
                    let (got, outcome) = match op {
                        Op::SetResult(value) => (future.set_result(value), Some(value)),
                        _ => (future.set_exception(Panic::new("boom")), None),
                    };
                    match model {
                        State::Pending | State::Running => {
                            prop_assert!(got.is_ok());
                            model = State::Finished(outcome);
                            expected_ran.append(&mut pending_callbacks);
                        }
                        State::Cancelled => prop_assert_eq!(got.unwrap_err().state(), "CANCELLED"),
                        State::Finished(_) => prop_assert_eq!(got.unwrap_err().state(), "FINISHED"),
                    }
                }
                Op::AddCallback => {
                    let id = added;
                    added += 1;
                    let ran = ran.clone();
                    future.add_done_callback(move |_| ran.lock().unwrap().push(id));
                    if done { expected_ran.push(id) } else { pending_callbacks.push(id) }
                }
            }
            prop_assert_eq!(&*ran.lock().unwrap(), &expected_ran);
            prop_assert_eq!(future.cancelled(), model == State::Cancelled);
            prop_assert_eq!(future.running(), model == State::Running);
            prop_assert_eq!(future.done(), matches!(model, State::Cancelled | State::Finished(_)));
            let result = future.result_timeout(std::time::Duration::ZERO);
            match model {
                State::Pending | State::Running => prop_assert_eq!(result, Err(FutureError::Timeout)),
                State::Cancelled => prop_assert_eq!(result, Err(FutureError::Cancelled)),
                State::Finished(Some(value)) => prop_assert_eq!(result, Ok(&value)),
                State::Finished(None) => prop_assert_eq!(result, Err(FutureError::Panicked(Panic::new("boom")))),
            }
        }
    }
}
