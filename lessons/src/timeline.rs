//! `--timeline` and `--trace FILE`: what lockstep's `trace` feature emits
//! (every wait for, acquisition and release of a `Lock`, `RLock` or
//! `Semaphore` permit, with the thread's and the lock's names; a
//! `Condition` or `Barrier` waits through its `RLock`; and every blocking
//! wait of a named `Event` or queue, which holds nothing) recorded with
//! `tracing`. `--timeline` prints, at
//! the end of each part, one row per thread: which lock it held when, and
//! when it waited (parked) for one. `--trace FILE` writes the events as
//! Chrome trace JSON (tracing-chrome), to open in Perfetto or
//! chrome://tracing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

/// One event of the `trace` feature.
#[derive(Debug, Clone, Default)]
struct Record {
    at: Option<Instant>,
    op: String,
    lock: String,
    id: u64,
    thread: String,
    /// A named Event's or queue's wait: `"wait"` (an Event), `"get"`,
    /// `"put"`, `"join"` (a queue); empty for a lock's events.
    call: String,
}

impl Record {
    /// What the chart's legend and the Chrome trace call the primitive:
    /// `lockA`, `ready` (an Event), `counter.get()` (a queue's getters).
    fn primitive(&self) -> String {
        match self.call.as_str() {
            "" if self.lock == "?" => "an unnamed lock".to_string(),
            "" | "wait" => self.lock.clone(),
            call => format!("{}.{call}()", self.lock),
        }
    }
}

impl Visit for Record {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "op" => self.op = value.to_string(),
            "lock" => self.lock = value.to_string(),
            "thread" => self.thread = value.to_string(),
            "call" => self.call = value.to_string(),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "id" {
            self.id = value;
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}

/// The events of the part being run, for `--timeline`.
static RECORDS: Mutex<Vec<Record>> = Mutex::new(Vec::new());

/// Keeps tracing-chrome's writer alive until [`end`] flushes it.
static CHROME: Mutex<Option<tracing_chrome::FlushGuard>> = Mutex::new(None);

/// The `tracing` layer that keeps lockstep's events for the timeline.
struct Recorder;

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "lockstep" {
            return;
        }
        let mut record = Record { at: Some(Instant::now()), ..Record::default() };
        event.record(&mut record);
        RECORDS.lock().unwrap_or_else(PoisonError::into_inner).push(record);
    }
}

/// Installs the subscriber: the timeline's recorder if `timeline`, a
/// Chrome trace writer if `trace` names a file.
pub(crate) fn install(timeline: bool, trace: Option<&Path>) {
    if !timeline && trace.is_none() {
        return;
    }
    let chrome = trace.map(|path| {
        let (layer, guard) = tracing_chrome::ChromeLayerBuilder::new()
            .file(path)
            .include_args(true)
            .name_fn(Box::new(|item| match item {
                // "lockA acquired", "lockB wait", "counter.get() woken", ...:
                // what Perfetto shows on the event.
                tracing_chrome::EventOrSpan::Event(event) => {
                    let mut record = Record::default();
                    event.record(&mut record);
                    let name = if record.lock == "?" { record.lock.clone() } else { record.primitive() };
                    format!("{name} {}", record.op)
                }
                tracing_chrome::EventOrSpan::Span(span) => span.name().to_string(),
            }))
            .build();
        *CHROME.lock().unwrap_or_else(PoisonError::into_inner) = Some(guard);
        layer
    });
    let subscriber = Registry::default().with(timeline.then_some(Recorder)).with(chrome);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Flushes and closes the Chrome trace file, if any.
pub(crate) fn end() {
    drop(CHROME.lock().unwrap_or_else(PoisonError::into_inner).take());
}

/// The chart of the events since the last call, `width` columns wide, and
/// forgets them: a title, a legend, then one row per thread.
pub(crate) fn chart(width: usize) -> Vec<String> {
    let records = std::mem::take(&mut *RECORDS.lock().unwrap_or_else(PoisonError::into_inner));
    let times: Vec<Instant> = records.iter().filter_map(|record| record.at).collect();
    let (Some(&first), Some(&last)) = (times.iter().min(), times.iter().max()) else {
        return vec![
            "timeline: nothing was held or waited for in this part (no Lock, RLock, Semaphore, \
             named Event or named queue was used)"
                .to_string(),
        ];
    };
    let span = last.saturating_duration_since(first).as_secs_f64().max(1e-6);
    let column = |at: Instant| {
        ((at.saturating_duration_since(first).as_secs_f64() / span) * (width - 1) as f64) as usize
    };
    // Threads and primitives in order of first appearance; a letter per
    // primitive (its id, and the call for a queue's getters, putters and
    // joiners apart), its name, and whether it is only waited for (an
    // Event, a queue) or also held.
    type Key = (u64, String);
    type Letter = (char, String, bool);
    let (mut threads, mut letters): (Vec<String>, BTreeMap<Key, Letter>) = (Vec::new(), BTreeMap::new());
    let mut rows: Vec<Vec<char>> = Vec::new();
    // The holds open now: (lock, row, since, letter); a Semaphore has many.
    let mut holds: Vec<(u64, usize, usize, char)> = Vec::new();
    let mut waiting: BTreeMap<(usize, Key), usize> = BTreeMap::new(); // (row, primitive) → since column
    let mut waits: Vec<(usize, usize, usize, char)> = Vec::new(); // painted last: (row, from, to, letter)
    for record in &records {
        let row = threads.iter().position(|name| *name == record.thread).unwrap_or_else(|| {
            threads.push(record.thread.clone());
            rows.push(vec![' '; width]);
            threads.len() - 1
        });
        let next = letters.len();
        let key: Key = (record.id, record.call.clone());
        let letter = letters
            .entry(key.clone())
            .or_insert_with(|| {
                (char::from(b'A' + (next % 26) as u8), record.primitive(), !record.call.is_empty())
            })
            .0;
        let now = column(record.at.unwrap_or(first));
        match record.op.as_str() {
            "wait" => {
                waiting.insert((row, key), now);
            }
            "acquired" | "gave_up" | "woken" => {
                if let Some(since) = waiting.remove(&(row, key)) {
                    waits.push((row, since, now, letter.to_ascii_lowercase()));
                }
                if record.op == "acquired" {
                    holds.push((record.id, row, now, letter));
                }
            }
            "released" => {
                // The releaser's own hold, else the oldest (a Lock may be
                // released by another thread than its holder).
                let mine = holds.iter().position(|hold| hold.0 == record.id && hold.1 == row);
                if let Some(at) = mine.or_else(|| holds.iter().position(|hold| hold.0 == record.id)) {
                    let (_, held_by, since, letter) = holds.remove(at);
                    rows[held_by][since..=now].iter_mut().for_each(|cell| *cell = letter);
                }
            }
            _ => {}
        }
    }
    // Still held at the end of the part: held to the end of the row.
    for (_, row, since, letter) in holds {
        rows[row][since..].iter_mut().for_each(|cell| *cell = letter);
    }
    // Waits last, over any hold: a thread that holds A and waits for B
    // shows AAAAbbbb. Still waiting at the end: to the end of the row.
    let open = waiting
        .into_iter()
        .map(|((row, key), since)| (row, since, width - 1, letters[&key].0.to_ascii_lowercase()));
    for (row, from, to, letter) in waits.into_iter().chain(open) {
        rows[row][from..=to].iter_mut().for_each(|cell| *cell = letter);
    }
    // One entry per name: `AB/ab = holds/waits for an unnamed lock`;
    // what is only waited for (an Event, a queue) has no capital:
    // `c = waits for ready`, `d = waits in counter.get()`.
    let mut by_name: Vec<(String, bool, String)> = Vec::new();
    let mut sorted: Vec<&Letter> = letters.values().collect();
    sorted.sort();
    for (letter, name, wait_only) in sorted {
        match by_name.iter_mut().find(|(known, only, _)| known == name && only == wait_only) {
            Some((_, _, shown)) => shown.push(*letter),
            None => by_name.push((name.clone(), *wait_only, letter.to_string())),
        }
    }
    let legend: Vec<String> = by_name
        .iter()
        .map(|(name, wait_only, shown)| {
            let waits = shown.to_ascii_lowercase();
            match (wait_only, name.ends_with("()")) {
                (false, _) => format!("{shown}/{waits} = holds/waits for {name}"),
                (true, false) => format!("{waits} = waits for {name}"),
                (true, true) => format!("{waits} = waits in {name}"),
            }
        })
        .collect();
    let mut lines = vec![format!("timeline of this part ({:.0} ms; {}):", span * 1000.0, legend.join(", "))];
    let name_width = threads.iter().map(|name| name.chars().count()).max().unwrap_or(0).min(14);
    let shown: Vec<(&String, &Vec<char>)> =
        threads.iter().zip(&rows).filter(|(_, cells)| cells.iter().any(|cell| *cell != ' ')).collect();
    const MAX_ROWS: usize = 24;
    for (name, cells) in shown.iter().take(MAX_ROWS) {
        let cells: String = cells.iter().collect();
        lines.push(format!("  {name:>name_width$} |{cells}|"));
    }
    if shown.len() > MAX_ROWS {
        lines.push(format!("  ... and {} more threads", shown.len() - MAX_ROWS));
    }
    lines
}
