// relaxed_flag: publishing data with a flag needs Release and Acquire.
//
// Lesson: none runs this, because a run on your machine almost never shows
// it: x86 processors rarely reorder these two stores. Loom, which this
// exercise's test uses, tries every interleaving and every value the memory
// model lets a load see, so it finds the bad one every time.
// Python has no equivalent: its GIL orders every memory access.
//
// What to fix: `send` stores the data, then raises the `ready` flag;
// `receive` checks the flag, then reads the data. With `Relaxed` on both
// sides nothing links the two, and a receiver may see the flag up but the
// data still old. Choose the orderings that make the flag publish the data.
//
// (The atomics are loom's so the checker can explore them; in a program you
// would use `std::sync::atomic`, which has the same API.)

use lockstep_check::step;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A one-shot mailbox: one value, then a flag saying it is there.
struct Mailbox {
    data: AtomicUsize,
    ready: AtomicBool,
}

impl Mailbox {
    fn new() -> Mailbox {
        Mailbox { data: AtomicUsize::new(0), ready: AtomicBool::new(false) }
    }

    fn send(&self, value: usize) {
        self.data.store(value, Ordering::Relaxed);
        step("sender", format!("stores data = {value}"));
        // TODO: this store must publish the data stored above.
        self.ready.store(true, Ordering::Relaxed);
        step("sender", "raises ready");
    }

    fn receive(&self) -> Option<usize> {
        // TODO: this load must see everything the sender did before raising `ready`.
        if !self.ready.load(Ordering::Relaxed) {
            step("receiver", "sees ready down: nothing yet");
            return None;
        }
        step("receiver", "sees ready up");
        let value = self.data.load(Ordering::Relaxed);
        step("receiver", format!("reads data = {value}"));
        Some(value)
    }
}

/// One sender, one receiver, under loom: the receiver must get 42 or nothing.
fn check() {
    lockstep_check::model("a receiver that sees ready up to read data = 42", "stale read", 1, || {
        let mailbox = Arc::new(Mailbox::new());
        let sender = Arc::clone(&mailbox);
        let thread = loom::thread::spawn(move || sender.send(42));
        if let Some(value) = mailbox.receive() {
            assert_eq!(value, 42, "the receiver saw ready up but read data = {value}, not 42");
        }
        thread.join().unwrap();
    });
}

fn main() {
    check();
    println!("loom tried every interleaving: a receiver that sees ready always reads 42");
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_raised_flag_publishes_the_data() {
        super::check();
    }
}
