// sleeping_barber: a waiting room with 3 chairs, and customers who look before they sit.
//
// Lesson: `cargo run --bin lesson-semaphore` keeps a parking lot at 5 cars; here a counter under a
// mutex keeps the waiting room at 3 customers.
// The Python it mirrors (the Little Book of Semaphores, §5.2):
//
//     n = 3; customers = 0; mutex = threading.Lock()
//     customer = threading.Semaphore(0)      # "a customer is here": wakes the barber
//     barber = threading.Semaphore(0)        # "next, please": calls a customer to the chair
//
//     def visit():
//         with mutex:
//             if customers == n:             # the waiting room is full:
//                 return balk()              #   leave
//             customers += 1                 # else sit down, in the same step
//         customer.release()
//         barber.acquire()
//         with mutex:
//             customers -= 1
//         get_haircut()
//
//     def barber_work():
//         while customer.acquire(timeout=0.3):   # sleeps until a customer comes
//             barber.release()
//             cut_hair()
//
// What to fix: in `visit`, a customer looks at the waiting room and sits down in two separate
// steps. Seven customers come in at once: each one sees a free chair, and all seven sit down in a
// room with three. Make the look and the sitting down one step.

use lockstep::{Barrier, Mutex, MutexGuard, Semaphore};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

const CHAIRS: usize = 3;
const CUSTOMERS: usize = 7;

/// How many customers are in the waiting room (the Python's `customers`, with its `mutex`), on a
/// board by the door.
struct Board {
    count: Mutex<usize>,
}

impl Board {
    /// Walking up to the board takes a moment: `lock` pauses, then takes the mutex. (So a race
    /// between two customers who look at the board shows every time, not once in a while.)
    fn lock(&self) -> MutexGuard<'_, usize> {
        lockstep_check::pause(10);
        self.count.lock()
    }
}

/// The barbershop.
struct Shop {
    waiting: Board,
    /// Released by each customer who sits down: it wakes the barber.
    customer: Semaphore,
    /// Released by the barber for each customer he calls to the chair.
    barber: Semaphore,
    /// The checker's count of the customers in the waiting-room chairs.
    room: lockstep_check::Occupancy,
    log: lockstep_check::Log,
    /// The customers all come in at once.
    door: Barrier,
    /// Customers who had a haircut or were turned away.
    gone: AtomicUsize,
}

impl Shop {
    fn turn_away(&self, who: &str) {
        self.log.push(format!("{who} is turned away"));
    }

    fn sit_down(&self, who: &str) -> lockstep_check::Inside<'_> {
        let seat = self.room.enter();
        self.log.push(format!("{who} sits down in the waiting room"));
        seat
    }

    fn stand_up(&self, seat: lockstep_check::Inside<'_>) {
        drop(seat);
    }

    fn get_haircut(&self, who: &str) {
        self.log.push(format!("{who} gets a haircut"));
    }

    fn cut_hair(&self) {
        self.log.push("barber cuts hair".to_owned());
        lockstep_check::pause(20);
    }
}

/// One customer's visit: a haircut, or straight out again if the waiting room is full.
fn visit(shop: &Shop, who: &str) {
    // TODO: between this look and the `+= 1` below, other customers can sit down in the chair
    // this customer saw free. Looking and sitting down must be one step: one guard.
    let full = *shop.waiting.lock() == CHAIRS;
    if full {
        return shop.turn_away(who);
    }
    *shop.waiting.lock() += 1;
    let seat = shop.sit_down(who);
    shop.customer.release(); // wakes the barber if he sleeps
    shop.barber.acquire(); // "next, please"
    shop.stand_up(seat);
    *shop.waiting.lock() -= 1;
    shop.get_haircut(who);
}

/// The barber sleeps until a customer comes, calls them to the chair and cuts their hair; he goes
/// home once every customer has had a haircut or been turned away (he looks every 50 ms: a fixed
/// patience, say 300 ms, sent him home early when the customers' threads were slow to start).
fn work(shop: &Shop) {
    while shop.gone.load(SeqCst) < CUSTOMERS {
        if shop.customer.acquire_timeout(Duration::from_millis(50)) {
            shop.barber.release();
            shop.cut_hair();
        }
    }
    shop.log.push("barber goes home".to_owned());
}

/// Seven customers come in at once; the barber is asleep.
fn run() -> Arc<Shop> {
    let shop = Arc::new(Shop {
        waiting: Board { count: Mutex::new(0) },
        customer: Semaphore::new(0),
        barber: Semaphore::new(0),
        room: lockstep_check::Occupancy::new(),
        log: lockstep_check::Log::new(),
        door: Barrier::new(CUSTOMERS),
        gone: AtomicUsize::new(0),
    });
    let mut crew =
        lockstep_check::Crew::new("every customer to get a haircut or be turned away").hang_is("hang", 3);
    let barber = Arc::clone(&shop);
    crew.spawn("barber", move || work(&barber));
    for i in 1..=CUSTOMERS {
        let shop = Arc::clone(&shop);
        crew.spawn(format!("customer-{i}"), move || {
            let _ = shop.door.wait();
            visit(&shop, &format!("customer-{i}"));
            shop.gone.fetch_add(1, SeqCst);
        });
    }
    crew.join();
    shop
}

fn main() {
    let shop = run();
    for (at, event) in shop.log.entries().iter().enumerate() {
        println!("{}. {event}", at + 1);
    }
    let (served, turned_away) = (shop.log.count(" gets a haircut"), shop.log.count(" is turned away"));
    println!("{served} customers got a haircut, {turned_away} were turned away");
    println!("the most customers in the {CHAIRS}-chair waiting room at once: {}", shop.room.max());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_customers_waiting_than_chairs() {
        let shop = run();
        let log = &shop.log;
        if shop.room.max() > CHAIRS {
            lockstep_check::fail(
                "over capacity",
                format!("never more than {CHAIRS} customers in the {CHAIRS}-chair waiting room"),
                format!(
                    "{} sat in it at once: each one saw a free chair, and by the time they sat down, \
                     others had taken it",
                    shop.room.max()
                ),
                1,
            );
        }
        for i in 1..=CUSTOMERS {
            let who = format!("customer-{i}");
            let (served, away) = (log.count(&format!("{who} gets")), log.count(&format!("{who} is turned")));
            if served + away != 1 {
                lockstep_check::fail(
                    "lost customer",
                    "every customer to get one haircut or be turned away",
                    format!("{who} got {served} haircuts and was turned away {away} times ({log})"),
                    3,
                );
            }
        }
        let (served, cuts) = (log.count(" gets a haircut"), log.count("barber cuts"));
        if served < CHAIRS || served != cuts {
            lockstep_check::fail(
                "lost customer",
                format!("at least the first {CHAIRS} customers to find a chair, and a cut for each haircut"),
                format!("{served} customers got a haircut, and the barber cut hair {cuts} times ({log})"),
                3,
            );
        }
    }
}
