//! Unit tests of the crate's pieces; CPython's behaviours are ported in
//! `tests/tests/thread_conformance.rs`.

use crate::{Thread, ThreadError, Timer, current_thread, enumerate};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn start_twice_is_err() {
    let thread = Thread::new(|| {});
    thread.start().unwrap();
    assert_eq!(thread.start(), Err(ThreadError::AlreadyStarted));
    thread.join().unwrap();
    assert_eq!(thread.start(), Err(ThreadError::AlreadyStarted));
}

#[test]
fn join_self_is_err() {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = Thread::new(move || tx.send(current_thread().join()).unwrap());
    thread.start().unwrap();
    assert_eq!(rx.recv().unwrap(), Err(ThreadError::JoinSelf));
    thread.join().unwrap();
}

#[test]
fn main_record_is_one_record() {
    assert_eq!(crate::main_thread(), crate::main_thread());
    assert!(enumerate().contains(&crate::main_thread()));
}

#[test]
fn finished_threads_leave_the_registry() {
    let thread = Thread::new(|| {});
    thread.start().unwrap();
    thread.join().unwrap();
    assert!(!enumerate().contains(&thread));
}

#[test]
fn timer_cancelled_while_waiting_exits_without_running() {
    let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = ran.clone();
    let timer =
        Timer::new(Duration::from_secs(600), move || flag.store(true, std::sync::atomic::Ordering::SeqCst));
    timer.start().unwrap();
    timer.cancel();
    timer.join().unwrap();
    assert!(timer.is_cancelled());
    assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
}

#[test]
fn debug_is_pythons_repr() {
    let thread = Thread::named("shown", || {});
    assert_eq!(format!("{thread:?}"), "<Thread(shown, initial)>");
    thread.start().unwrap();
    thread.join().unwrap();
    let ident = thread.ident().unwrap();
    assert_eq!(format!("{thread:?}"), format!("<Thread(shown, stopped {ident})>"));
}
