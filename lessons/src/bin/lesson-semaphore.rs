//! lesson-semaphore: a parking lot with 5 spaces, and a BoundedSemaphore
//! that catches one `release()` too many.
//!
//! Part 1. 100 cars arrive at once (they wait for the lot to open, an
//! Event) and share 5 spaces:
//!
//! ```python
//! parking = threading.Semaphore(5)
//!
//! def car():
//!     if not parking.acquire(blocking=False):   # Rust: lot.try_permit()
//!         print("full, waiting")
//!         parking.acquire()                     # Rust: lot.permit()
//!     print("parks")
//!     time.sleep(0.01)       # stays a while, so the cars overlap
//!     print("leaves")
//!     parking.release()                         # Rust: the permit is dropped
//! ```
//!
//! An atomic counter tracks how many cars are inside, and its maximum: it
//! never passes 5. For comparison the same cars run once more with no limit.
//!
//! Part 2. A `BoundedSemaphore` remembers its initial value:
//!
//! ```python
//! spaces = threading.BoundedSemaphore(5)
//! spaces.acquire(); spaces.release()
//! spaces.release()       # ValueError: Semaphore released too many times
//! ```
//!
//! A plain `Semaphore` accepts the extra release and now has 6 permits for
//! 5 spaces; the bounded one refuses it and its value stays 5.
//!
//! Run: `cargo run -q --bin lesson-semaphore`; knobs go after `--`, e.g.
//! `cargo run -q --bin lesson-semaphore -- --spaces 3 --threads 20` (`-- --help` lists them all).
//! The notes' section: 07 semaphore.

use clap::Parser;
use lockstep::thread::current_thread;
use lockstep::{BoundedSemaphore, Event, Semaphore};
use lockstep_lessons::{
    CommonArgs, CrowdArgs, Rng, SeedArgs, begin, book, finished, heading, point, say, start, within_budget,
    your_turn,
};
use std::sync::atomic::AtomicUsize;
// Relaxed is enough for the counters: `max_inside` is only updated under
// the occupancy lock and read after the cars are joined; `waited` is read
// after the join too.
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::Duration;

/// A Semaphore lets at most N threads in; a BoundedSemaphore catches an
/// extra release.
#[derive(Parser, Debug)]
#[command(name = "lesson-semaphore", version)]
#[command(mut_arg("threads", |arg| arg.help("How many cars (threads) want to park, 2 to 1000")))]
#[command(mut_arg("pause_ms", |arg| arg.help(
    "How long each car stays parked, in ms, 0 to 100 (jittered by ±50%). It only widens the window in \
     which cars overlap, so the lot visibly fills up; the run takes about cars / spaces × pause"
)))]
struct Args {
    #[command(flatten)]
    crowd: CrowdArgs,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    seed: SeedArgs,
    /// How many parking spaces (the semaphore's initial value), 1 to 1000
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
    spaces: u16,
}

/// What a day at the parking lot looked like.
struct Day {
    /// The most cars inside at the same time.
    max_inside: usize,
    /// How many cars found the lot full and had to wait.
    waited: usize,
}

fn main() {
    let args = Args::parse();
    let started = begin(&args.common);
    // The cars park in rounds of `spaces`, a pause each.
    let rounds = u32::from(args.crowd.threads).div_ceil(u32::from(args.spaces));
    // Then the same cars once more with no limit: one more round.
    within_budget::<Args>(args.common.pause() * (rounds + 1), "--threads ÷ --spaces × --pause-ms");
    let (cars, spaces) = (args.crowd.count(), usize::from(args.spaces));
    let pause = args.common.pause();

    heading(&format!("Part 1: {cars} cars, {spaces} spaces: Semaphore({spaces})"));
    let day = parking_lot(cars, spaces, pause, &mut Rng::new(args.seed.seed), args.common.quiet);
    say("MainThread", format!("Maximum occupancy: {} of {spaces} spaces", day.max_inside));
    say("MainThread", format!("{} of {cars} cars found the lot full and waited", day.waited));
    say("MainThread", "for comparison, the same cars with no limit (Semaphore(cars)), not narrated:");
    let unlimited = parking_lot(cars, cars, pause, &mut Rng::new(args.seed.seed), true);
    say("MainThread", format!("without the limit: up to {} cars inside at once", unlimited.max_inside));

    heading(&format!("Part 2: one release() too many, BoundedSemaphore({spaces})"));
    let (error, value) = too_many_releases(spaces);

    heading("What you saw");
    let filled = if day.max_inside == spaces {
        "it filled up"
    } else if args.common.pause_ms == 0 {
        "it did not fill up this time: with --pause-ms 0 a car leaves almost as soon as it parks; \
         try the default"
    } else {
        "it did not fill up this time: too few cars overlapped; try more --threads"
    };
    // A car takes its permit before it counts itself in and gives it back
    // after it counts itself out: a lot that never showed 5 parked can
    // still have had every permit taken, by cars driving in or out.
    let queued = match day.waited {
        0 => "no car had to wait".to_string(),
        waited if day.max_inside < spaces => format!(
            "yet {waited} cars found every permit taken and waited in line: a permit is taken at \
             the gate and given back at the exit, so cars driving in or out held the rest"
        ),
        waited => format!("{waited} cars found it full and waited in line"),
    };
    let without = if unlimited.max_inside > spaces {
        format!("Without the limit up to {} were inside.", unlimited.max_inside)
    } else {
        // The cars that ran without a limit hardly overlapped: say so
        // rather than compare the two runs as if the limit let more in.
        let why = if args.common.pause_ms == 0 { " (with --pause-ms 0 they hardly overlap)" } else { "" };
        format!(
            "Without the limit the same cars were at most {} inside at once this time{why}: \
             no more than the limit, which then has nothing to hold back.",
            unlimited.max_inside
        )
    };
    point(format!(
        "Semaphore({spaces}) let at most {spaces} cars in at once: the most inside was {} ({filled}); \
         {queued}. {without}",
        day.max_inside
    ));
    point(
        "The short stay inside is only there to make cars overlap, so the lot fills up and \
         you can see the limit work; the limit holds with any pause.",
    );
    point(
        "A Semaphore is a counter of free permits: acquire() takes one (or waits for one), \
         release() gives one back. A Lock is much like a BoundedSemaphore(1).",
    );
    point(
        "Rust: let _space = lot.permit(); is Python's `with parking:`; the permit goes back \
         when _space is dropped, however the block ends.",
    );
    point(format!(
        "A plain Semaphore accepts a release() without acquire() and quietly grows. A \
         BoundedSemaphore refuses it: \"{error}\" (Python raises ValueError), and its value \
         stayed {value}."
    ));
    your_turn("lesson-semaphore");
    finished(started);
}

/// Part 1: `cars` threads wait for the lot to open, then park in one of
/// `spaces` spaces for a jittered `pause`.
fn parking_lot(cars: usize, spaces: usize, pause: Duration, rng: &mut Rng, quiet: bool) -> Day {
    let lot = Semaphore::new(spaces);
    let opening = Event::new(); // all cars start at once, when the lot opens
    // How many cars are inside. A car counts itself in or out and says so
    // under this small lock, so the "N of M spaces taken" lines come out in
    // the order the count changed (a plain atomic could print 5 before 4).
    let inside = std::sync::Mutex::new(0usize);
    let max_inside = AtomicUsize::new(0);
    let waited = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..cars {
            let stay = rng.jitter(pause);
            let (lot, opening, inside, max_inside, waited) = (&lot, &opening, &inside, &max_inside, &waited);
            let car = move || {
                let name = current_thread().name(); // Thread-N, from lockstep::thread
                opening.wait();
                // parking.acquire(blocking=False), then a blocking acquire.
                let space = lot.try_permit().unwrap_or_else(|| {
                    waited.fetch_add(1, Relaxed);
                    if !quiet {
                        say(&name, "the lot is full: waiting for a space");
                    }
                    lot.permit()
                });
                count(inside, 1, |now| {
                    max_inside.fetch_max(now, Relaxed);
                    if !quiet {
                        say(&name, format!("parks:  {now} of {spaces} spaces taken"));
                    }
                });
                // Sleep only to widen the window in which cars overlap.
                thread::sleep(stay);
                count(inside, -1, |now| {
                    if !quiet {
                        say(&name, format!("leaves: {now} of {spaces} spaces taken"));
                    }
                });
                drop(space); // parking.release()
            };
            start(s, None, car);
        }
        if !quiet {
            say("MainThread", format!("{cars} cars are waiting at the gate; the lot opens: opening.set()"));
        }
        opening.set();
    });
    Day { max_inside: max_inside.load(Relaxed), waited: waited.load(Relaxed) }
}

/// Adds `change` (+1 or -1) to the cars `inside` and runs `then` with the
/// new count, all under the counter's lock.
fn count(inside: &std::sync::Mutex<usize>, change: isize, then: impl FnOnce(usize)) {
    let mut now = book(inside);
    *now = now.checked_add_signed(change).expect("a car leaves only after it parked");
    then(*now);
}

/// Part 2: an extra release on a plain and on a bounded semaphore. Returns
/// the bounded one's error text and its value afterwards.
fn too_many_releases(spaces: usize) -> (String, usize) {
    let plain = Semaphore::new(spaces);
    say("MainThread", format!("plain = Semaphore({spaces}); plain.value() = {}", plain.value()));
    plain.acquire();
    plain.release();
    say("MainThread", format!("acquire(), release(): plain.value() = {}", plain.value()));
    plain.release();
    say(
        "MainThread",
        format!(
            "release() once more: accepted, plain.value() = {}: {} permits for {spaces} spaces!",
            plain.value(),
            plain.value()
        ),
    );

    let bounded = BoundedSemaphore::new(spaces);
    say("MainThread", format!("bounded = BoundedSemaphore({spaces}); bounded.value() = {}", bounded.value()));
    bounded.acquire();
    say("MainThread", format!("acquire(): bounded.value() = {}", bounded.value()));
    match bounded.release() {
        Ok(()) => say("MainThread", format!("release(): Ok, bounded.value() = {}", bounded.value())),
        Err(error) => say("MainThread", format!("release(): Err({error}) (unexpected)")),
    }
    let error = match bounded.release() {
        Ok(()) => {
            say("MainThread", "release() once more: accepted (unexpected)");
            String::from("(no error)")
        }
        Err(error) => {
            say("MainThread", format!("release() once more: Err: {error} (Python: ValueError: {error})"));
            error.to_string()
        }
    };
    let value = bounded.value();
    say("MainThread", format!("bounded.value() = {value} (unchanged)"));
    bounded.acquire();
    match bounded.release_n(2) {
        Ok(()) => say("MainThread", "acquire(), then release(2): accepted (unexpected)"),
        Err(error) => say(
            "MainThread",
            format!(
                "acquire(), then release(2): Err: {error}; all or nothing, value() = {}",
                bounded.value()
            ),
        ),
    }
    (error, value)
}
