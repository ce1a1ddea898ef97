//! How a line looks on the screen: one colour per thread, highlighted
//! titles, bullets and MainThread's results, when colour is on (`--color`,
//! `NO_COLOR`, `CLICOLOR_FORCE`, a terminal: as cargo decides, through
//! `anstream`), and text wrapped to the terminal's width (`textwrap`,
//! `terminal_size`).

use crate::args::ColorWhen;
use anstyle::{AnsiColor, Style};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::{Mutex, PoisonError};

/// The look of the run's output, decided once by [`Look::decide`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Look {
    /// Write ANSI colours.
    pub(crate) colour: bool,
    /// Wrap lines at this many columns; `None`: never wrap.
    pub(crate) width: Option<usize>,
}

impl Look {
    /// Colour from `--color` (`auto`: anstream's rules for stdout), width
    /// from `--width`, else the terminal's when stdout is one (`$COLUMNS`,
    /// else 80, if the terminal does not tell its size).
    pub(crate) fn decide(when: ColorWhen, width: Option<u16>) -> Look {
        let stdout = std::io::stdout();
        let colour = match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never,
        };
        // On a terminal: its width; if it does not say, $COLUMNS, else 80.
        let terminal = || {
            let columns = std::env::var("COLUMNS").ok().and_then(|columns| columns.parse().ok());
            let size = terminal_size::terminal_size().map(|(terminal_size::Width(columns), _)| columns);
            stdout.is_terminal().then(|| usize::from(size.or(columns).unwrap_or(80).max(20)))
        };
        Look { colour, width: width.map(usize::from).or_else(terminal) }
    }
}

/// What kind of line is being printed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind<'a> {
    /// `who: text`, narrated by a thread.
    Say(&'a str),
    /// `== title ==`.
    Heading,
    /// `- text`, a point of the summary.
    Point,
    /// A line as it is (its leading spaces indent its wrapped lines too).
    Plain,
}

/// The colours threads are told apart by (red is left for errors).
const PALETTE: [AnsiColor; 10] = [
    AnsiColor::Cyan,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Blue,
    AnsiColor::Magenta,
    AnsiColor::BrightCyan,
    AnsiColor::BrightGreen,
    AnsiColor::BrightYellow,
    AnsiColor::BrightBlue,
    AnsiColor::BrightMagenta,
];

/// A thread's style: MainThread's lines are bold (they are the results);
/// every other thread takes the next colour of the palette the first time
/// it speaks, so the first ten to speak all differ.
fn thread_style(who: &str) -> Style {
    if who == "MainThread" {
        return Style::new().bold();
    }
    static COLOURS: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());
    let mut colours = COLOURS.lock().unwrap_or_else(PoisonError::into_inner);
    let next = colours.len();
    let number = *colours.entry(who.to_string()).or_insert(next);
    Style::new().fg_color(Some(PALETTE[number % PALETTE.len()].into()))
}

/// `text` in `style`, or as it is without colour.
fn paint(colour: bool, style: Style, text: &str) -> String {
    if colour && !text.is_empty() { format!("{style}{text}{style:#}") } else { text.to_string() }
}

/// The screen lines for one line of output of `kind`: wrapped, then
/// painted.
pub(crate) fn render(look: &Look, kind: Kind<'_>, text: &str) -> Vec<String> {
    let (plain, indent) = match kind {
        Kind::Say(who) => (format!("{who}: {text}"), " ".repeat((who.chars().count() + 2).min(16))),
        Kind::Heading => (format!("== {text} =="), "   ".to_string()),
        Kind::Point => (format!("- {text}"), "  ".to_string()),
        Kind::Plain => (text.to_string(), text.chars().take_while(|c| *c == ' ').collect()),
    };
    let lines: Vec<String> = match look.width {
        Some(width) if plain.chars().count() > width => {
            let options = textwrap::Options::new(width).subsequent_indent(&indent);
            textwrap::wrap(&plain, options).into_iter().map(|line| line.into_owned()).collect()
        }
        _ => vec![plain],
    };
    if !look.colour {
        return lines;
    }
    let colour = look.colour;
    lines
        .iter()
        .enumerate()
        .map(|(at, line)| {
            let (head, body) =
                if at == 0 { split_head(kind, line) } else { line.split_at(indent.len().min(line.len())) };
            match kind {
                Kind::Say(who) => {
                    let style = thread_style(who);
                    let head = if at == 0 { paint(colour, style.bold(), head) } else { head.to_string() };
                    head + &paint(colour, style, body)
                }
                Kind::Heading => head.to_string() + &paint(colour, Style::new().bold().underline(), body),
                Kind::Point if at == 0 => {
                    let bullet = Style::new().bold().fg_color(Some(AnsiColor::Green.into()));
                    paint(colour, bullet, head) + body
                }
                Kind::Point => line.clone(),
                Kind::Plain => line.clone(),
            }
        })
        .collect()
}

/// The first screen line's head (the `who:` or bullet, painted apart from
/// the text) and the rest.
fn split_head<'l>(kind: Kind<'_>, line: &'l str) -> (&'l str, &'l str) {
    let at = match kind {
        Kind::Say(who) => (who.len() + 1).min(line.len()),
        Kind::Point => 2.min(line.len()),
        Kind::Heading | Kind::Plain => 0,
    };
    line.split_at(at)
}
