//! The knobs the lessons share, each bounded so that a lesson finishes in
//! seconds and never crashes: [`CommonArgs`], [`SeedArgs`], [`CrowdArgs`],
//! and [`within_budget`] for knobs whose product sets the run time.

use clap::error::ErrorKind;
use std::time::Duration;

/// The largest `--pause-ms` a lesson takes.
pub const MAX_PAUSE_MS: u64 = 100;

/// The largest `--threads` a crowd lesson takes.
pub const MAX_THREADS: u16 = 1000;

/// How long a lesson may run at most, whatever its knobs; a lesson whose
/// knobs would take longer refuses them ([`within_budget`]).
pub const BUDGET: Duration = Duration::from_secs(10);

/// The knobs every lesson takes. Flatten it into the lesson's arguments:
///
/// ```
/// use clap::Parser;
/// use lockstep_lessons::CommonArgs;
///
/// /// A lesson.
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     common: CommonArgs,
///     /// A knob of this lesson only
///     #[arg(long, default_value_t = 6)]
///     items: u8,
/// }
///
/// let args = Args::parse_from(["lesson-x", "--quiet"]);
/// assert_eq!((args.common.pause_ms, args.common.quiet), (10, true));
/// assert_eq!(args.common.pause(), std::time::Duration::from_millis(10));
/// assert!(Args::try_parse_from(["lesson-x", "--pause-ms", "101"]).is_err());
/// ```
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct CommonArgs {
    /// The lesson's basic pause, in ms, 0 to 100: it widens a race window
    /// or paces the demo (see the lesson's header for where it goes; each
    /// thread's is jittered by ±50%). The lesson shows its point with the
    /// default
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=MAX_PAUSE_MS))]
    pub pause_ms: u64,
    /// Print only the part titles, MainThread's lines and the summaries,
    /// not the other threads' steps
    #[arg(long)]
    pub quiet: bool,
    /// Colour: one per thread, highlighted titles and results. `auto`:
    /// when stdout is a terminal, unless NO_COLOR is set (CLICOLOR_FORCE
    /// forces it), as cargo does
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Wrap the text at this many columns, 20 to 1000 [default: the
    /// terminal's width on a terminal, no wrapping otherwise]
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(20..=1000))]
    pub width: Option<u16>,
    /// Replay the display at this fraction of the lesson's speed, 0.01 to
    /// 1 (0.1: ten times slower). The lesson itself runs as usual, so its
    /// timings and its point stay the same
    #[arg(long, value_name = "FRACTION", default_value_t = 1.0, value_parser = crate::pacing::parse_speed)]
    pub speed: f64,
    /// Wait for Enter before each part (the lesson runs on; its lines wait)
    #[arg(long)]
    pub pause_parts: bool,
    /// Wait for Enter before each line (the lesson runs on; its lines wait)
    #[arg(long)]
    pub step: bool,
    /// At the end of each part, a chart of who held and who waited for
    /// which Lock, RLock or Semaphore permit (a Condition or Barrier waits
    /// through its RLock), and who waited for a named Event or queue
    #[arg(long)]
    pub timeline: bool,
    /// Write every wait for, acquisition and release of a Lock, RLock or
    /// Semaphore permit, and every wait of a named Event or queue, to FILE
    /// as Chrome trace JSON (open it in Perfetto or chrome://tracing)
    #[arg(long, value_name = "FILE")]
    pub trace: Option<std::path::PathBuf>,
}

/// When to colour the output: `--color auto|always|never`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorWhen {
    /// When stdout is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

impl CommonArgs {
    /// `--pause-ms` as a [`Duration`].
    ///
    /// ```
    /// use clap::Parser;
    /// #[derive(Parser)]
    /// struct Args {
    ///     #[command(flatten)]
    ///     common: lockstep_lessons::CommonArgs,
    /// }
    /// let args = Args::parse_from(["lesson-x", "--pause-ms", "3"]);
    /// assert_eq!(args.common.pause(), std::time::Duration::from_millis(3));
    /// ```
    pub fn pause(&self) -> Duration {
        Duration::from_millis(self.pause_ms)
    }
}

/// The knob of the lessons that make random choices: `--seed`. Flatten it
/// next to [`CommonArgs`]; a lesson with nothing random does not take it.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     seed: lockstep_lessons::SeedArgs,
/// }
/// assert_eq!(Args::parse_from(["lesson-x", "--seed", "5"]).seed.seed, 5);
/// assert_eq!(Args::parse_from(["lesson-x"]).seed.seed, 1);
/// ```
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct SeedArgs {
    /// Seed for the run's random choices (pause lengths, items); the same
    /// seed repeats them, though not the operating system's scheduling
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// The knob of the lessons that start a crowd of threads: `--threads`
/// (default 100, 2 to 1000). Flatten it next to [`CommonArgs`].
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     crowd: lockstep_lessons::CrowdArgs,
/// }
/// assert_eq!(Args::parse_from(["lesson-x"]).crowd.threads, 100);
/// assert!(Args::try_parse_from(["lesson-x", "--threads", "1"]).is_err());
/// assert!(Args::try_parse_from(["lesson-x", "--threads", "1001"]).is_err());
/// ```
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct CrowdArgs {
    /// How many threads to start, 2 to 1000 (see the lesson's header for
    /// what each one does)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(2..=i64::from(MAX_THREADS)))]
    pub threads: u16,
}

impl CrowdArgs {
    /// `--threads` as a `usize`, ready for ranges and capacities.
    ///
    /// ```
    /// let crowd = lockstep_lessons::CrowdArgs { threads: 7 };
    /// assert_eq!(crowd.count(), 7);
    /// ```
    pub fn count(&self) -> usize {
        usize::from(self.threads)
    }
}

/// Refuses the knobs, as clap refuses a bad value (a message naming
/// `knobs`, exit status 2), when `estimate` (how long they would make the
/// lesson run) is over [`BUDGET`].
///
/// ```
/// use std::time::Duration;
/// #[derive(clap::Parser)]
/// struct Args {}
/// // 100 threads taking turns, 10 ms each: 1 s, fine.
/// lockstep_lessons::within_budget::<Args>(Duration::from_millis(100 * 10), "--threads × --pause-ms");
/// ```
pub fn within_budget<A: clap::CommandFactory>(estimate: Duration, knobs: &str) {
    if estimate > BUDGET {
        let message = format!(
            "{knobs} would make this lesson run about {:.0} s; a lesson finishes in seconds \
             (at most {} s): lower one of them",
            estimate.as_secs_f64(),
            BUDGET.as_secs()
        );
        A::command().error(ErrorKind::ValueValidation, message).exit();
    }
}
