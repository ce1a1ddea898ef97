//! Measuring a run: how long it took and how many cores it kept busy
//! ([`timed`]), one thread against two, repeated and the best kept
//! ([`best_of`]), how many threads were inside at once ([`Peak`]), and the
//! times the narration prints ([`seconds_since`]).

use crate::say;
use std::sync::atomic::AtomicUsize;
// Relaxed: a Peak only counts; whoever reads its maximum has joined the
// threads that counted, and that join orders the reads after the counts.
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

/// How many threads this machine runs at once (`available_parallelism`,
/// 1 when it cannot tell): Python's `os.cpu_count()`, roughly.
///
/// ```
/// assert!(lockstep_lessons::cores() >= 1);
/// ```
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Seconds since `since`, for the narration: `1.002 s`.
///
/// ```
/// let text = lockstep_lessons::seconds_since(std::time::Instant::now());
/// assert!(text.ends_with(" s") && text.starts_with("0.0"));
/// ```
pub fn seconds_since(since: Instant) -> String {
    format!("{:.3} s", since.elapsed().as_secs_f64())
}

/// Threads inside something now (a lock, a count, a served connection),
/// and the most that were inside at once.
///
/// ```
/// let peak = lockstep_lessons::Peak::default();
/// assert_eq!((peak.enter(), peak.enter()), (1, 2));
/// peak.leave();
/// assert_eq!((peak.enter(), peak.most()), (2, 2));
/// ```
#[derive(Debug, Default)]
pub struct Peak {
    /// Inside now.
    now: AtomicUsize,
    /// The most inside at once so far.
    most: AtomicUsize,
}

impl Peak {
    /// Counts one more inside; returns how many are inside now.
    ///
    /// ```
    /// let peak = lockstep_lessons::Peak::default();
    /// assert_eq!(peak.enter(), 1);
    /// ```
    pub fn enter(&self) -> usize {
        let now = self.now.fetch_add(1, Relaxed) + 1;
        self.most.fetch_max(now, Relaxed);
        now
    }

    /// Counts one fewer inside (one that entered).
    ///
    /// ```
    /// let peak = lockstep_lessons::Peak::default();
    /// peak.enter();
    /// peak.leave();
    /// assert_eq!((peak.enter(), peak.most()), (1, 1));
    /// ```
    pub fn leave(&self) {
        self.now.fetch_sub(1, Relaxed);
    }

    /// The most that were inside at once.
    ///
    /// ```
    /// let peak = lockstep_lessons::Peak::default();
    /// std::thread::scope(|s| {
    ///     s.spawn(|| peak.enter());
    /// });
    /// assert_eq!(peak.most(), 1);
    /// ```
    pub fn most(&self) -> usize {
        self.most.load(Relaxed)
    }
}

/// How long a run took, in seconds, and how many cores it kept busy
/// meanwhile (the process's CPU time over that time: 2 when two threads
/// ran all along on two cores).
///
/// ```
/// let timing = lockstep_lessons::Timing { wall: 0.5, cores: 2.0 };
/// assert_eq!(timing.wall * timing.cores, 1.0); // a second of CPU time
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Seconds, by the wall clock.
    pub wall: f64,
    /// Cores kept busy, on average.
    pub cores: f64,
}

/// The CPU time this process has used so far, in seconds.
fn cpu_time() -> f64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec for the call to fill in.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    now.tv_sec as f64 + now.tv_nsec as f64 / 1e9
}

/// Times `work`, which runs on the calling thread (and may start others).
///
/// ```
/// let timing = lockstep_lessons::timed(|| std::thread::sleep(std::time::Duration::from_millis(5)));
/// assert!(timing.wall >= 0.005 && timing.cores < 1.0); // asleep: hardly any CPU
/// ```
pub fn timed(work: impl FnOnce()) -> Timing {
    let (began, cpu) = (Instant::now(), cpu_time());
    work();
    let wall = began.elapsed().as_secs_f64();
    Timing { wall, cores: (cpu_time() - cpu) / wall.max(1e-9) }
}

/// The best times of one thread against two, in seconds, and how many
/// cores the best two-thread run kept busy.
///
/// ```
/// let best = lockstep_lessons::Best { one: 0.30, two: 0.29, cores: 1.0 };
/// assert!(best.speed_up() < 1.3); // as with a GIL: no speed-up
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Best {
    /// One thread's best time.
    pub one: f64,
    /// Two threads' best time.
    pub two: f64,
    /// Cores busy during two threads' best run.
    pub cores: f64,
}

impl Best {
    /// One thread's time over two threads' time: 2 means twice as fast.
    ///
    /// ```
    /// let best = lockstep_lessons::Best { one: 1.0, two: 0.5, cores: 2.0 };
    /// assert_eq!(best.speed_up(), 2.0);
    /// ```
    pub fn speed_up(&self) -> f64 {
        self.one / self.two.max(1e-9)
    }
}

/// Runs `one` and `two`, in this order if `one_first`, else the other way
/// round; returns their times in the order (one, two).
///
/// ```
/// use lockstep_lessons::{Timing, both};
/// let (mut order, at) = (Vec::new(), |wall| Timing { wall, cores: 1.0 });
/// let (one, two) = both(false, || { order.push(1); at(1.0) }, || at(2.0));
/// assert_eq!((one.wall, two.wall, order), (1.0, 2.0, vec![1]));
/// ```
pub fn both(one_first: bool, one: impl FnOnce() -> Timing, two: impl FnOnce() -> Timing) -> (Timing, Timing) {
    if one_first {
        let one = one();
        (one, two())
    } else {
        let two = two();
        (one(), two)
    }
}

/// Runs `once` (one thread's time and two threads' time, one thread first
/// if told so: see [`both`]) `reps` times, one thread first every other
/// time, so that a machine getting busier or quieter favours neither; says
/// each run's result as MainThread, then the best of each under `label`,
/// and returns them.
///
/// ```
/// use lockstep_lessons::{Timing, best_of};
/// let best = best_of("nothing", 2, |_| (Timing { wall: 2.0, cores: 1.0 }, Timing { wall: 1.0, cores: 2.0 }));
/// assert_eq!((best.speed_up(), best.cores), (2.0, 2.0));
/// ```
pub fn best_of(label: &str, reps: u8, mut once: impl FnMut(bool) -> (Timing, Timing)) -> Best {
    let mut best = Best { one: f64::MAX, two: f64::MAX, cores: 0.0 };
    for rep in 1..=reps {
        let (one, two) = once(rep % 2 == 1);
        let speed_up = one.wall / two.wall;
        say(
            "MainThread",
            format!(
                "run {rep}: 1 thread {:.3} s, 2 threads {:.3} s ({:.2} cores busy): speed-up {speed_up:.2}×",
                one.wall, two.wall, two.cores
            ),
        );
        best.one = best.one.min(one.wall);
        if two.wall < best.two {
            (best.two, best.cores) = (two.wall, two.cores);
        }
    }
    let Best { one, two, cores } = best;
    say(
        "MainThread",
        format!(
            "{label}: best of {reps}: 1 thread {one:.3} s, 2 threads {two:.3} s ({cores:.2} cores busy): \
             speed-up {:.2}×",
            best.speed_up()
        ),
    );
    best
}
