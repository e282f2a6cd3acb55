//! Reading byte-addressed text into lines without ever garbling a character.
//!
//! A server cuts its answers wherever its byte count ends, so an answer may end inside a
//! character; the JSON then carries U+FFFD for the cut bytes (or drops them). The rules:
//!
//! * A read always starts where a line, or a character of the line being read, starts: the
//!   offset after what was consumed, counted by [`offset_len`] over the consumed text (never
//!   from the server's own "next offset", which counts the cut bytes too).
//! * A trailing run of U+FFFD is not consumed unless the answer is the end of the log: it may
//!   be a cut character, and the next read, starting where the run starts, sees it whole. So
//!   that a genuine U+FFFD (or a run of them) cannot stall the reader, an answer made only of
//!   U+FFFD and at least 4 bytes long (known from the server's end offset) consumes its first
//!   one: a read of 4 bytes from a character boundary always holds its first character whole.
//! * Text after the last `\n` is carried to the next read, so a line may span any number of
//!   reads. A line longer than [`MAX_LINE_BYTES`] is shown as several, cut at character
//!   boundaries counted from the line's start, so every read cuts it at the same places.

/// The unit the Huawei log APIs count offsets in: bytes of UTF-8, like a file offset (assumed
/// from the documented behaviour; the simulator counts the same way). This is the one place
/// that says so: were a server to count UTF-16 units or characters, only this changes.
pub fn offset_len(text: &str) -> u64 {
    text.len() as u64
}

/// The longest line shown whole (a longer one is shown in pieces of at most this much).
pub const MAX_LINE_BYTES: usize = 32 * 1024;

const REPLACEMENT: char = '\u{FFFD}';

/// A complete line read: its segment-relative number, where it starts, its text (without the
/// `\n`, and without a `\r` before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub line: u64,
    pub offset: u64,
    pub text: String,
}

/// Where a sequential read of a segment stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The number of the line being read (the lines before it are complete).
    pub line: u64,
    /// Where that line starts.
    pub start: u64,
    /// The line read so far.
    pub carry: String,
}

impl Cursor {
    pub fn at(line: u64, start: u64) -> Cursor {
        Cursor {
            line,
            start,
            carry: String::new(),
        }
    }

    /// Where the next read starts.
    pub fn next_offset(&self) -> u64 {
        self.start + offset_len(&self.carry)
    }

    /// Reads `text`, the server's answer for offsets from [`Cursor::next_offset`], into the
    /// lines it completes. `answer_len` is the answer's length in offsets when the server said
    /// (its end offset minus the start); `at_end`: nothing follows (the log is finished and
    /// this is its end), so nothing is held back and the carried line ends here.
    pub fn read(&mut self, text: &str, answer_len: Option<u64>, at_end: bool) -> Vec<Piece> {
        let usable = if at_end {
            text
        } else {
            held_back(text, answer_len)
        };
        let mut out = Vec::new();
        let mut rest = usable;
        while let Some(nl) = rest.find('\n') {
            self.carry.push_str(&rest[..nl]);
            self.split_long(&mut out);
            let line = std::mem::take(&mut self.carry);
            self.emit(line, offset_len("\n"), &mut out);
            rest = &rest[nl + 1..];
        }
        self.carry.push_str(rest);
        self.split_long(&mut out);
        if at_end && !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            self.emit(line, 0, &mut out);
        }
        out
    }

    /// Emits the pieces of a carried line longer than [`MAX_LINE_BYTES`].
    fn split_long(&mut self, out: &mut Vec<Piece>) {
        while self.carry.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !self.carry.is_char_boundary(cut) {
                cut -= 1;
            }
            let rest = self.carry.split_off(cut);
            let piece = std::mem::replace(&mut self.carry, rest);
            self.emit(piece, 0, out);
        }
    }

    /// Emits `line` (followed by `end` offsets of line ending) and moves on after it.
    fn emit(&mut self, mut line: String, end: u64, out: &mut Vec<Piece>) {
        let len = offset_len(&line) + end;
        if end > 0 && line.ends_with('\r') {
            line.pop();
        }
        out.push(Piece {
            line: self.line,
            offset: self.start,
            text: line,
        });
        self.line += 1;
        self.start += len;
    }
}

/// `text` without the trailing U+FFFD run a cut character may have left (see the module doc).
fn held_back(text: &str, answer_len: Option<u64>) -> &str {
    let kept = text.trim_end_matches(REPLACEMENT);
    if kept.is_empty() && !text.is_empty() && answer_len.is_some_and(|n| n >= 4) {
        return &text[..REPLACEMENT.len_utf8()];
    }
    kept
}
