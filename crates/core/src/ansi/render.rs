//! The line renderer and its cheaper siblings: spans ([`render_line`]), visible text
//! ([`strip`], [`strip_into`]), raw characters ([`strip_raw`]) and the style alone
//! ([`style_after`]). Each is a [`Perform`] over the same [`Parser`].

use super::line::{LineBuf, LINE_EDITS};
use super::parser::{needs_parsing, Params, Parser, Perform};
use super::sgr::{apply_osc, apply_sgr, Style};

/// A run of text with one style. Text never contains ESC or a control other than `\t`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// [`Perform`] for [`render_line`]. Two modes, like [`LineBuf`]'s: while nothing has moved
/// the cursor (nearly every coloured line), text goes straight into the output spans, one copy
/// per run and one style clone per span. The first `\r`, backspace or line-editing CSI moves
/// what was written so far into a [`LineBuf`] over a per-line palette, which models the cells.
struct Renderer<'s> {
    style: &'s mut Style,
    /// Append mode: the spans so far (adjacent ones differ in style).
    spans: Vec<Span>,
    /// Append mode: an SGR or OSC ran since the last span was started, so its style may no
    /// longer be `*style`.
    restyled: bool,
    /// Cell mode, once entered.
    cells: Option<Cells>,
    /// The line's length in bytes, to size the cells' buffer.
    line_len: usize,
}

/// The cell-mode half of [`Renderer`]: the styles used on the line go into a palette so the
/// line buffer only moves small indices around. Entries are not deduplicated (a search per
/// style change costs more than it saves); adjacent runs with equal styles are merged when the
/// spans are built instead.
struct Cells {
    palette: Vec<Style>,
    /// Palette index of the renderer's style, `None` after it changed.
    current: Option<usize>,
    /// Palette index of the default style, once needed.
    blank: Option<usize>,
    buf: LineBuf<usize>,
}

impl Cells {
    /// The line written so far, in a buffer whose cursor is at its end.
    fn from_spans(spans: Vec<Span>, line_len: usize) -> Self {
        let mut cells = Cells {
            palette: Vec::with_capacity(spans.len() + 2),
            current: None,
            blank: None,
            buf: LineBuf::with_capacity(line_len),
        };
        for span in spans {
            cells.palette.push(span.style);
            let id = cells.palette.len() - 1;
            cells.buf.print_str(&span.text, id, id);
        }
        cells
    }

    fn style_id(&mut self, style: &Style) -> usize {
        if let Some(id) = self.current {
            return id;
        }
        self.palette.push(style.clone());
        let id = self.palette.len() - 1;
        self.current = Some(id);
        id
    }

    /// Cells a cursor move skipped or an erase blanked show as plain spaces.
    fn blank_id(&mut self) -> usize {
        if let Some(id) = self.blank {
            return id;
        }
        self.palette.push(Style::default());
        let id = self.palette.len() - 1;
        self.blank = Some(id);
        id
    }

    fn print_str(&mut self, style: &Style, s: &str) {
        let id = self.style_id(style);
        let blank = if self.buf.is_appending() {
            id
        } else {
            self.blank_id()
        };
        self.buf.print_str(s, id, blank);
    }

    fn restyled(&mut self, style: &Style) {
        // Keep the palette entry when the escape changed nothing (`ESC[0m` on plain text).
        if self.current.and_then(|id| self.palette.get(id)) != Some(style) {
            self.current = None;
        }
    }

    fn into_spans(self) -> Vec<Span> {
        let (mut text, runs) = self.buf.finish();
        if let [(_, id)] = runs.as_slice() {
            // One run: hand over the whole string without copying it.
            return match self.palette.get(*id) {
                Some(style) if !text.is_empty() => vec![Span {
                    text: std::mem::take(&mut text),
                    style: style.clone(),
                }],
                _ => Vec::new(),
            };
        }
        let mut spans: Vec<Span> = Vec::with_capacity(runs.len());
        let mut start = 0;
        for (end, id) in runs {
            if let (Some(part), Some(style)) = (text.get(start..end), self.palette.get(id)) {
                match spans.last_mut() {
                    _ if part.is_empty() => {}
                    Some(last) if last.style == *style => last.text.push_str(part),
                    _ => spans.push(Span {
                        text: part.to_owned(),
                        style: style.clone(),
                    }),
                }
            }
            start = end;
        }
        spans
    }
}

impl<'s> Renderer<'s> {
    fn new(style: &'s mut Style, line_len: usize) -> Self {
        Self {
            style,
            // Most coloured lines have a handful of runs: one allocation instead of three.
            spans: Vec::with_capacity(8),
            restyled: true,
            cells: None,
            line_len,
        }
    }

    /// Cell mode, entered now if it was not yet.
    fn cells(&mut self) -> &mut Cells {
        let (spans, line_len) = (&mut self.spans, self.line_len);
        self.cells
            .get_or_insert_with(|| Cells::from_spans(std::mem::take(spans), line_len))
    }

    /// After an SGR or OSC: the style may differ from the one being written with.
    fn style_changed(&mut self) {
        self.restyled = true;
        if let Some(cells) = &mut self.cells {
            cells.restyled(self.style);
        }
    }

    fn into_spans(self) -> Vec<Span> {
        match self.cells {
            Some(cells) => cells.into_spans(),
            None => self.spans,
        }
    }
}

impl Perform for Renderer<'_> {
    fn print(&mut self, c: char) {
        let mut utf8 = [0u8; 4];
        self.print_str(c.encode_utf8(&mut utf8));
    }

    fn print_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(cells) = &mut self.cells {
            cells.print_str(self.style, s);
            return;
        }
        match self.spans.last_mut() {
            Some(last) if !self.restyled || last.style == *self.style => last.text.push_str(s),
            _ => self.spans.push(Span {
                text: s.to_owned(),
                style: self.style.clone(),
            }),
        }
        self.restyled = false;
    }

    fn execute(&mut self, c: char) {
        match c {
            '\t' => self.print_str("\t"),
            // `\r` before any text moves nowhere: no need for cells.
            '\r' if self.cells.is_none() && self.spans.is_empty() => {}
            '\r' | '\x08' => self.cells().buf.control(c),
            _ => {}
        }
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], action: char) {
        if action == 'm' && intermediates.is_empty() {
            apply_sgr(self.style, params);
            self.style_changed();
            return;
        }
        if intermediates.is_empty() && LINE_EDITS.contains(action) {
            let cells = self.cells();
            let blank = cells.blank_id();
            cells.buf.csi(params, intermediates, action, blank);
        }
    }

    fn osc_dispatch(&mut self, data: &str, _bell_terminated: bool) {
        apply_osc(self.style, data);
        self.style_changed();
    }
}

/// Renders one log line (without its trailing newline or Buildbot's stream prefix) into
/// styled spans. `state` is the style at the start of the line and is left as the style at
/// its end, to be passed to the next line. Adjacent spans always differ in style; an empty or
/// fully erased line gives no spans.
pub fn render_line(line: &str, state: &mut Style) -> Vec<Span> {
    if !needs_parsing(line) {
        if line.is_empty() {
            return Vec::new();
        }
        return vec![Span {
            text: line.to_owned(),
            style: state.clone(),
        }];
    }
    let mut renderer = Renderer::new(state, line.len());
    Parser::new().advance(&mut renderer, line);
    renderer.into_spans()
}

/// [`Perform`] for [`strip_into`]: the line model without styles. Text goes straight into
/// the caller's buffer until something needs column addressing; from then on the line lives
/// in a [`LineBuf`] and is appended when done.
struct Stripper<'a> {
    out: &'a mut String,
    /// Where this line starts in `out`.
    start: usize,
    buf: Option<LineBuf<()>>,
}

impl Stripper<'_> {
    fn line(&mut self) -> &mut LineBuf<()> {
        let buf = self.buf.get_or_insert_with(|| {
            let so_far = self.out.get(self.start..).unwrap_or_default();
            let mut buf = LineBuf::with_capacity(so_far.len() * 2);
            buf.print_str(so_far, (), ());
            buf
        });
        self.out.truncate(self.start);
        buf
    }

    fn finish(self) {
        if let Some(buf) = self.buf {
            let (text, _) = buf.finish();
            self.out.push_str(&text);
        }
    }
}

impl Perform for Stripper<'_> {
    fn print(&mut self, c: char) {
        let mut utf8 = [0u8; 4];
        self.print_str(c.encode_utf8(&mut utf8));
    }

    fn print_str(&mut self, s: &str) {
        match &mut self.buf {
            Some(buf) => buf.print_str(s, (), ()),
            None => self.out.push_str(s),
        }
    }

    fn execute(&mut self, c: char) {
        match c {
            '\t' => self.print_str("\t"),
            '\r' | '\x08' => self.line().control(c),
            _ => {}
        }
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], action: char) {
        // SGR and the other sequences that do not edit the line must not leave the fast path.
        if intermediates.is_empty() && LINE_EDITS.contains(action) {
            self.line().csi(params, intermediates, action, ());
        }
    }
}

/// The visible text of a line, exactly the concatenation of [`render_line`]'s span texts (so
/// a search hit is always on text the user can see): escapes removed, `\r`/backspace/erase
/// applied. For search and copy.
pub fn strip(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    strip_into(line, &mut out);
    out
}

/// [`strip`] appending to `out`, so a search over a window can reuse one buffer. A line that
/// needs no parsing is copied straight in without any allocation.
pub fn strip_into(line: &str, out: &mut String) {
    if !needs_parsing(line) {
        out.push_str(line);
        return;
    }
    let mut stripper = Stripper {
        start: out.len(),
        out,
        buf: None,
    };
    Parser::new().advance(&mut stripper, line);
    stripper.finish();
}

/// [`Perform`] for [`strip_raw`].
struct RawText<'a>(&'a mut String);

impl Perform for RawText<'_> {
    fn print(&mut self, c: char) {
        self.0.push(c);
    }

    fn print_str(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn execute(&mut self, c: char) {
        if c == '\t' || c == '\r' {
            self.0.push(c);
        }
    }
}

/// The characters of a line as written: every escape sequence and every control except `\t`
/// and `\r` removed, but *no* terminal semantics (`\r` does not overwrite). Group-marker
/// detection needs this, because GitLab's section markers are written precisely so that a
/// terminal erases them (`section_start:…\r ESC[0K title`).
pub fn strip_raw(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    if needs_parsing(line) {
        Parser::new().advance(&mut RawText(&mut out), line);
    } else {
        out.push_str(line);
    }
    out
}

/// [`Perform`] that only tracks the style: SGR and OSC 8.
struct StyleTracker<'a>(&'a mut Style);

impl Perform for StyleTracker<'_> {
    fn print(&mut self, _c: char) {}

    fn print_str(&mut self, _s: &str) {}

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], action: char) {
        if action == 'm' && intermediates.is_empty() {
            apply_sgr(self.0, params);
        }
    }

    fn osc_dispatch(&mut self, data: &str, _bell_terminated: bool) {
        apply_osc(self.0, data);
    }
}

/// Advances `style` over one line the way [`render_line`] would.
fn advance_style(parser: &mut Parser, style: &mut Style, line: &str) {
    // Only ESC can start anything that changes the style.
    if !line.as_bytes().contains(&0x1b) {
        return;
    }
    parser.reset();
    parser.advance(&mut StyleTracker(style), line);
}

/// The style after `lines`, starting from `start`, without building spans: equal to passing
/// the state through [`render_line`] for each line, at a fraction of the cost (lines without
/// ESC are skipped after one byte scan). See the module docs for mid-log windows.
pub fn style_after<'a>(lines: impl IntoIterator<Item = &'a str>, start: Style) -> Style {
    let mut style = start;
    let mut parser = Parser::new();
    for line in lines {
        advance_style(&mut parser, &mut style, line);
    }
    style
}
