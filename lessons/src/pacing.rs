//! Pacing that does not change the demo: the lesson runs at its own speed
//! and hands its screen lines to a printer thread, which replays them
//! slower (`--speed`), part by part (`--pause-parts`: Enter for the next
//! part) or line by line (`--step`: Enter for the next line).

use std::io::{BufRead, Write};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Instant;

/// How to replay the display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pace {
    /// The display's speed as a fraction of the lesson's: 0.1 is ten
    /// times slower.
    pub(crate) speed: f64,
    /// Wait for Enter before each part.
    pub(crate) pause_parts: bool,
    /// Wait for Enter before each line.
    pub(crate) step: bool,
}

/// One batch of screen lines, as the lesson printed it.
enum Item {
    /// The text (whole lines), when the lesson printed it, and whether it
    /// starts a part.
    Lines { text: String, at: Instant, part: bool },
}

/// The printer: where lessons send their lines, and the thread showing
/// them.
pub(crate) struct Replay {
    lines: Mutex<Option<Sender<Item>>>,
    printer: Mutex<Option<JoinHandle<()>>>,
}

impl Replay {
    /// Starts the printer thread.
    pub(crate) fn start(pace: Pace) -> Replay {
        let (lines, shown) = channel();
        let printer = thread::Builder::new()
            .name("display".into())
            .spawn(move || show(pace, &shown))
            .expect("start the display's printer thread");
        Replay { lines: Mutex::new(Some(lines)), printer: Mutex::new(Some(printer)) }
    }

    /// Queues `text` (whole lines) for the printer; never waits for it, so
    /// the lesson's threads keep their own pace.
    pub(crate) fn send(&self, text: String, part: bool) {
        let lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lines) = lines.as_ref() {
            let _ = lines.send(Item::Lines { text, at: Instant::now(), part });
        }
    }

    /// Waits until the printer has shown everything sent so far; later
    /// lines are written directly.
    pub(crate) fn drain(&self) {
        drop(self.lines.lock().unwrap_or_else(PoisonError::into_inner).take()); // the end of the lines
        if let Some(printer) = self.printer.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = printer.join();
        }
    }
}

/// The printer thread: shows each batch when its time comes (its time in
/// the lesson, stretched by `1 / speed`), after Enter where asked.
fn show(pace: Pace, shown: &Receiver<Item>) {
    let mut input = InputLines { ended: false };
    // Lesson time `lesson` was shown at `screen`; both move on at each wait.
    let mut anchor: Option<(Instant, Instant)> = None;
    let mut parts = 0;
    for Item::Lines { text, at, part } in shown.iter() {
        let mut waited = false;
        if part {
            parts += 1;
        }
        if pace.pause_parts && part && parts > 1 {
            write("(press Enter to go on)\n");
            input.wait();
            waited = true;
        } else if pace.step && anchor.is_some() {
            input.wait();
            waited = true;
        }
        match anchor {
            Some((lesson, screen)) if !waited => {
                let due = screen + at.saturating_duration_since(lesson).div_f64(pace.speed);
                thread::sleep(due.saturating_duration_since(Instant::now()));
            }
            _ => anchor = Some((at, Instant::now())),
        }
        if waited {
            anchor = Some((at, Instant::now()));
        }
        write(&text);
    }
}

/// stdin, read a line at a time for "press Enter"; once it has ended (or
/// fails), nobody waits any more.
struct InputLines {
    ended: bool,
}

impl InputLines {
    /// Waits for Enter, unless stdin has ended.
    fn wait(&mut self) {
        if self.ended {
            return;
        }
        let mut line = String::new();
        if !matches!(std::io::stdin().lock().read_line(&mut line), Ok(read) if read > 0) {
            self.ended = true;
        }
    }
}

/// Writes `text` to stdout at once; a closed pipe is ignored.
pub(crate) fn write(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `--speed`'s parser: a number from 0.01 to 1.
pub(crate) fn parse_speed(text: &str) -> Result<f64, String> {
    let speed: f64 = text.parse().map_err(|_| format!("{text:?} is not a number"))?;
    if (0.01..=1.0).contains(&speed) { Ok(speed) } else { Err(format!("{speed} is not in 0.01 to 1")) }
}
