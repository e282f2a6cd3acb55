//! ANSI / VT escape sequences in log lines: a parser and a line renderer (pure, no DOM).
//!
//! Two layers, in the style of alacritty's `vte` crate (own code, same design):
//!
//! * [`Parser`] is the DEC/ECMA-48 state machine (Paul Williams' diagram, simplified to what a
//!   log needs). It is fed text and reports what it recognised to a [`Perform`] implementation:
//!   printable text, C0/C1 controls, CSI, OSC and ESC dispatches. It never allocates except for
//!   the text of an OSC string, and it cannot fail: malformed input just ends up ignored.
//! * The line renderer on top ([`render_line`], [`strip`], [`style_after`]) turns one log line
//!   into styled [`Span`]s with terminal semantics for the things a CI log really contains: SGR
//!   colours/attributes, OSC 8 hyperlinks, `\r` overwrites (progress bars), `ESC[K` erases,
//!   backspace and horizontal cursor moves. Everything else (vertical cursor moves, screen
//!   clears, titles, DCS/APC/PM/SOS strings, charset selection...) is consumed and dropped.
//!   No ESC and no control character other than tab ever reaches a span's text.
//!
//! Each line is parsed on its own: Buildbot splits lines on `\n` and `\r` before storing them,
//! so an escape sequence cannot usefully span two lines, and an unterminated one is dropped at
//! the end of its line. The *style*, however, does carry over: `render_line` takes the
//! [`Style`] in effect at the start of the line and leaves the style in effect at its end.
//!
//! # Styles in a window that starts mid-log
//!
//! The viewer fetches windows (`contents?offset=a&limit=n`) and may open a log anywhere, e.g.
//! straight at the tail of a 1M-line log. The style at line `a` depends on every escape before
//! it, so the viewer keeps, with each cached line, the style in effect at its start:
//!
//! * A window that follows a cached line starts from that line's style advanced over it
//!   ([`style_after`]), which is exact.
//! * A window after a gap of unfetched lines starts from `Style::default()`. That is a guess,
//!   wrong only when an attribute or link is left open across the gap, which real tools rarely
//!   do (they reset at the end of each coloured line — every line of the Buildbot fixture
//!   does), and it is exactly what Buildbot's own viewer always assumes.
//! * When a fetched window ends with a style that differs (`Style: PartialEq`) from what the
//!   cached lines after it were given, those lines are restyled until the two agree, so
//!   filling the gap later corrects the guess.
//!
//! Costs: `style_after` skips any line without an ESC byte after one byte scan and builds no
//! spans: catching up over a 5 000-line window takes ~0.1 ms of plain text or ~2 ms of heavily
//! coloured text (native, size-optimised build; see `benches/ansi.rs`). Fetching earlier lines
//! *only* to learn the state ("scanning back") was rejected: it doubles the requests to the
//! master for a correction that almost never changes anything.
//!
//! # Files
//!
//! `parser.rs` is the state machine behind [`Perform`]; `sgr.rs` the [`Style`] and how SGR and
//! OSC 8 change it; `line.rs` the line model (cells, cursor, erases); `render.rs` the
//! [`Perform`] implementations behind [`render_line`], [`strip`], [`strip_raw`] and
//! [`style_after`].

mod line;
mod parser;
mod render;
mod sgr;
#[cfg(test)]
mod tests;

pub use parser::{Params, ParamsIter, Parser, Perform};
pub use render::{render_line, strip, strip_into, strip_raw, style_after, Span};
pub use sgr::{Color, Style};
