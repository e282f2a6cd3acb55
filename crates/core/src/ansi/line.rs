//! The line model: one line's cells and cursor, for `\r` overwrites, erases and cursor moves.

use super::parser::Params;

/// Cursor moves never go further right than this column (or the line's length if longer), so
/// a tiny `ESC[65535C` cannot blow a line up into 65 535 padding spaces.
pub(super) const MAX_PAD_COLUMN: usize = 4096;

/// Final bytes of the CSI commands that edit the line model: erase in line, column absolute,
/// cursor forward/back, erase characters.
pub(super) const LINE_EDITS: &str = "KG`CaDX";

/// One line's contents with a cursor, generic over the per-character attribute `A` (a palette
/// index when rendering, `()` when stripping).
///
/// Two representations: while the cursor stays at the end (the overwhelmingly common case),
/// text is appended to a `String` with run boundaries, so plain runs cost one copy. The first
/// operation that needs column addressing (`\r` followed by text, backspace, erase, cursor
/// move) converts the line into one cell per character. A character is one column: wide CJK
/// and emoji are not given two, which only matters when a line overwrites itself.
pub(super) struct LineBuf<A> {
    text: String,
    /// Append mode: `(end byte in text, attribute)` per run.
    runs: Vec<(usize, A)>,
    cells: Vec<(char, A)>,
    cell_mode: bool,
    /// The cursor column in cell mode (in append mode it is after the last character).
    cursor: usize,
}

impl<A: Copy + PartialEq> LineBuf<A> {
    /// Sized for a line of `bytes` bytes, so appending never reallocates.
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            runs: Vec::with_capacity(8),
            cells: Vec::new(),
            cell_mode: false,
            cursor: 0,
        }
    }

    pub(super) fn is_appending(&self) -> bool {
        !self.cell_mode
    }

    /// Writes `s` at the cursor with `attr`; `blank` fills any gap the cursor left.
    pub(super) fn print_str(&mut self, s: &str, attr: A, blank: A) {
        if s.is_empty() {
            return;
        }
        if !self.cell_mode {
            self.text.push_str(s);
            let end = self.text.len();
            match self.runs.last_mut() {
                Some((run_end, run_attr)) if *run_attr == attr => *run_end = end,
                _ => self.runs.push((end, attr)),
            }
            return;
        }
        if s.is_ascii() {
            // One character per byte (progress bars redrawn after `\r` are nearly always
            // ASCII): write the run as one slice instead of decoding char by char.
            let col = self.cursor;
            let end = col + s.len();
            if self.cells.len() < col {
                self.cells.resize(col, (' ', blank));
            }
            if self.cells.len() < end {
                self.cells.resize(end, (' ', attr));
            }
            if let Some(cells) = self.cells.get_mut(col..end) {
                for (cell, b) in cells.iter_mut().zip(s.bytes()) {
                    *cell = (char::from(b), attr);
                }
            }
            self.cursor = end;
            return;
        }
        for c in s.chars() {
            let col = self.cursor;
            if let Some(cell) = self.cells.get_mut(col) {
                *cell = (c, attr);
            } else {
                self.cells.resize(col, (' ', blank));
                self.cells.push((c, attr));
            }
            self.cursor = col + 1;
        }
    }

    /// Any cursor move switches to cell mode (once per line, O(line)), so later moves and
    /// writes are O(1) whatever the line's length.
    fn move_to(&mut self, col: usize) {
        if !self.cell_mode {
            // `\r` at the start of a line moves nowhere: stay on the fast path.
            if col == 0 && self.text.is_empty() {
                return;
            }
            self.enter_cell_mode();
        }
        self.cursor = col.min(self.cells.len().max(MAX_PAD_COLUMN));
    }

    fn move_by(&mut self, delta: isize) {
        self.enter_cell_mode();
        self.move_to(self.cursor.saturating_add_signed(delta));
    }

    /// `ESC [ mode K`.
    fn erase_in_line(&mut self, mode: u16, blank: A) {
        match mode {
            // Append mode: the cursor is at the end, nothing after it to erase.
            0 if self.is_appending() => {}
            0 => self.cells.truncate(self.cursor),
            1 => {
                self.enter_cell_mode();
                let end = self.cursor.saturating_add(1).min(self.cells.len());
                if let Some(cells) = self.cells.get_mut(..end) {
                    cells.fill((' ', blank));
                }
            }
            2 => {
                self.enter_cell_mode();
                self.cells.clear();
            }
            _ => {}
        }
    }

    /// `ESC [ n X`: blanks `n` characters from the cursor without moving it.
    fn erase_chars(&mut self, n: usize, blank: A) {
        self.enter_cell_mode();
        let start = self.cursor.min(self.cells.len());
        let end = start.saturating_add(n).min(self.cells.len());
        if let Some(cells) = self.cells.get_mut(start..end) {
            cells.fill((' ', blank));
        }
    }

    fn enter_cell_mode(&mut self) {
        if self.cell_mode {
            return;
        }
        self.cells.reserve(self.text.len());
        let mut start = 0;
        for &(end, attr) in &self.runs {
            match self.text.get(start..end) {
                Some(run) if run.is_ascii() => {
                    self.cells
                        .extend(run.bytes().map(|b| (char::from(b), attr)));
                }
                Some(run) => self.cells.extend(run.chars().map(|c| (c, attr))),
                None => {}
            }
            start = end;
        }
        self.text.clear();
        self.runs.clear();
        self.cell_mode = true;
        self.cursor = self.cells.len();
    }

    /// The final text and its runs `(end byte, attribute)`, adjacent equal attributes merged.
    pub(super) fn finish(self) -> (String, Vec<(usize, A)>) {
        if !self.cell_mode {
            return (self.text, self.runs);
        }
        let mut text = String::with_capacity(self.cells.len());
        let mut runs: Vec<(usize, A)> = Vec::new();
        for (c, attr) in self.cells {
            text.push(c);
            let end = text.len();
            match runs.last_mut() {
                Some((run_end, run_attr)) if *run_attr == attr => *run_end = end,
                _ => runs.push((end, attr)),
            }
        }
        (text, runs)
    }

    /// The cursor controls shared by rendering and stripping (tab is printed as text by the
    /// callers). Other controls (BEL, NUL, a stray LF...) have no visible effect on a line.
    pub(super) fn control(&mut self, c: char) {
        match c {
            '\r' => self.move_to(0),
            '\x08' => self.move_by(-1),
            _ => {}
        }
    }

    /// The line-editing CSI commands (see [`LINE_EDITS`]); anything else is ignored.
    pub(super) fn csi(&mut self, params: &Params, intermediates: &[u8], action: char, blank: A) {
        if !intermediates.is_empty() {
            return;
        }
        // Counts: a missing or zero count means 1.
        let count = usize::from(params.first_or(1).max(1));
        match action {
            'K' => self.erase_in_line(params.first_or(0), blank),
            // Cursor horizontal absolute (1-based).
            'G' | '`' => self.move_to(count - 1),
            'C' | 'a' => self.move_by(count as isize),
            'D' => self.move_by(-(count as isize)),
            'X' => self.erase_chars(count, blank),
            _ => {}
        }
    }
}
