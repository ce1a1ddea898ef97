// early_return: a release missed on an early return or a panic, and the guard that never misses.
//
// Lesson: `cargo run --bin lesson-lock` (part 2: a thread returns early without releasing).
// The Python it mirrors:
//
//     def withdraw(amount):
//         lock.acquire()
//         if balance < amount:
//             return False          # returns with the lock still held
//         balance -= amount
//         lock.release()
//         return True
//
//     def withdraw(amount):
//         with lock:                # released on every return, and on an exception
//             ...
//
// What to fix: `withdraw` returns early when the money is short, and
// `update` calls a `change` that may panic; either way `release()` is never
// reached, the lock stays held, and the next customer waits forever. Make
// both functions release the lock on every way out.

use lockstep::{Event, Lock};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A bank account: the lock is held from reading the balance to writing it.
/// (Relaxed is enough: the lock orders what happens inside it.)
struct Account {
    lock: Lock,
    balance: AtomicU64,
}

impl Account {
    fn new(balance: u64) -> Account {
        Account { lock: Lock::named("account_lock"), balance: AtomicU64::new(balance) }
    }

    /// Takes `amount` out if the balance covers it; returns whether it did.
    fn withdraw(&self, amount: u64) -> bool {
        // TODO: hold the lock with a guard, so the early return releases it too.
        self.lock.acquire();
        let balance = self.balance.load(Ordering::Relaxed);
        if balance < amount {
            return false; // refused
        }
        lockstep_check::pause(1); // counting the notes
        self.balance.store(balance - amount, Ordering::Relaxed);
        self.lock.release().expect("withdraw took the lock above");
        true
    }

    /// Sets the balance to `change(balance)`. `change` may panic (an audit
    /// that finds a mistake); the panic reaches the caller.
    fn update(&self, change: impl FnOnce(u64) -> u64) {
        // TODO: the same here: a panic in `change` must not leave the lock held.
        self.lock.acquire();
        let balance = self.balance.load(Ordering::Relaxed);
        let new = change(balance);
        self.balance.store(new, Ordering::Relaxed);
        self.lock.release().expect("update took the lock above");
    }

    fn deposit(&self, amount: u64) {
        self.update(|balance| {
            lockstep_check::pause(1); // counting the notes
            balance + amount
        });
    }

    fn balance(&self) -> u64 {
        let _held = self.lock.lock();
        self.balance.load(Ordering::Relaxed)
    }
}

/// `first` runs at the account, then bob deposits 50: under the watchdog,
/// so a lock `first` left held fails within 2 s, naming bob and the lock.
fn then_bob_deposits(account: &Arc<Account>, first: &str, expected: &str, hint: u8, turn: fn(&Account)) {
    let first_done = Arc::new(Event::new());
    let mut crew = lockstep_check::Crew::new(expected)
        .hang_is("lock never released", hint)
        .limit(Duration::from_secs(2));
    let (mine, done) = (Arc::clone(account), Arc::clone(&first_done));
    crew.spawn(first, move || {
        turn(&mine);
        done.set();
    });
    let (mine, done) = (Arc::clone(account), first_done);
    crew.spawn("bob", move || {
        done.wait();
        mine.deposit(50);
    });
    crew.join();
}

/// The day at the bank; returns the final balance (100 + 50 + 50 + 20 = 220).
fn run() -> u64 {
    let account = Arc::new(Account::new(100));
    then_bob_deposits(
        &account,
        "alice",
        "bob's deposit(50) to go through after alice's withdraw(500) was refused (an early return)",
        1,
        |account| {
            let paid = account.withdraw(500);
            println!("alice: withdraw(500) from 100 -> {paid}");
        },
    );
    println!("bob: deposit(50) after alice went through");
    then_bob_deposits(
        &account,
        "carol",
        "bob's deposit(50) to go through after carol's update panicked",
        2,
        |account| {
            let audit = catch_unwind(AssertUnwindSafe(|| {
                account
                    .update(|_| panic!("carol's audit found a mistake (this panic is part of the exercise)"))
            }));
            println!("carol: update panicked: {}", audit.is_err());
        },
    );
    println!("bob: deposit(50) after carol went through");
    // Then two customers at once: the lock must still exclude.
    let mut crew = lockstep_check::Crew::new("bob and dave to make 10 deposits of 1 each")
        .hang_is("lock never released", 1)
        .limit(Duration::from_secs(2));
    for name in ["bob", "dave"] {
        let account = Arc::clone(&account);
        crew.spawn(name, move || (0..10).for_each(|_| account.deposit(1)));
    }
    crew.join();
    account.balance()
}

fn main() {
    println!("final balance: {} (100 + 50 + 50 + 10 x 1 + 10 x 1 = 220)", run());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_out_releases_the_lock() {
        let balance = run();
        if balance != 220 {
            lockstep_check::fail(
                "lost update",
                "a balance of 220 (100, then deposits of 50, 50 and 20 x 1)",
                format!(
                    "it is {balance}: two deposits read the same balance, so the lock did not exclude them"
                ),
                3,
            );
        }
    }
}
