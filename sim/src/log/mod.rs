//! Build logs as the services keep them: one byte stream of lines, each line written at its
//! own instant. A log is the lines its build will ever write; what a reader sees at `now` is
//! the prefix written by then, so a running build's log grows and every request at one
//! instant agrees.
//!
//! A log is a small materialized head and tail around an optional generated body (the
//! synthetic logs' millions of lines, see [`synth`]); every line's byte offset and time is
//! computed, never stored, so any window of a 1M-line log costs what the window costs.

pub mod content;
pub mod read;
pub mod synth;

use std::io::Read;
use std::sync::Arc;

/// One line as written, without its `\n`.
#[derive(Clone, Debug)]
pub struct Line {
    /// When it is written (epoch ms).
    pub at: i64,
    /// The stage (index into the build's stages) whose log it belongs to, if any.
    pub stage: Option<usize>,
    pub text: String,
}

#[derive(Debug)]
pub struct Log {
    head: Vec<Line>,
    /// Byte offset of each head line, and the head's length last.
    head_off: Vec<u64>,
    body: Option<synth::Body>,
    tail: Vec<Line>,
    tail_off: Vec<u64>,
}

fn offsets(lines: &[Line]) -> Vec<u64> {
    let mut off = Vec::with_capacity(lines.len() + 1);
    let mut at = 0u64;
    off.push(0);
    for l in lines {
        at += l.text.len() as u64 + 1;
        off.push(at);
    }
    off
}

/// A line holding `\n` would make a line count disagree with the newlines in the text.
fn split_newlines(lines: Vec<Line>) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        if l.text.contains('\n') {
            out.extend(l.text.split('\n').map(|t| Line {
                at: l.at,
                stage: l.stage,
                text: t.to_string(),
            }));
        } else {
            out.push(l);
        }
    }
    out
}

/// The first `i` in `lo..hi` with `f(i)`, for `f` false then true; `hi` if none.
pub fn first(mut lo: u64, mut hi: u64, f: impl Fn(u64) -> bool) -> u64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if f(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

enum Part {
    Head(usize),
    Body(u64),
    Tail(usize),
}

impl Log {
    /// A log of these lines, in time order.
    pub fn from_lines(lines: Vec<Line>) -> Log {
        Log::with_body(lines, None, Vec::new())
    }

    pub fn with_body(head: Vec<Line>, body: Option<synth::Body>, tail: Vec<Line>) -> Log {
        let head = split_newlines(head);
        let tail = split_newlines(tail);
        Log {
            head_off: offsets(&head),
            tail_off: offsets(&tail),
            head,
            body,
            tail,
        }
    }

    /// Every line the build will write.
    pub fn lines(&self) -> u64 {
        self.head.len() as u64 + self.body_lines() + self.tail.len() as u64
    }

    fn body_lines(&self) -> u64 {
        self.body.as_ref().map_or(0, |b| b.count)
    }

    fn head_bytes(&self) -> u64 {
        self.head_off.last().copied().unwrap_or(0)
    }

    fn part(&self, i: u64) -> Part {
        let h = self.head.len() as u64;
        let b = self.body_lines();
        if i < h {
            Part::Head(i as usize)
        } else if i < h + b {
            Part::Body(i - h)
        } else {
            Part::Tail((i - h - b) as usize)
        }
    }

    /// When line `i` is written.
    pub fn at(&self, i: u64) -> i64 {
        match (self.part(i), &self.body) {
            (Part::Head(k), _) => self.head[k].at,
            (Part::Body(j), Some(b)) => b.at(j),
            (Part::Tail(k), _) => self.tail.get(k).map_or(i64::MAX, |l| l.at),
            (Part::Body(_), None) => i64::MAX,
        }
    }

    pub fn stage(&self, i: u64) -> Option<usize> {
        match (self.part(i), &self.body) {
            (Part::Head(k), _) => self.head[k].stage,
            (Part::Body(_), Some(b)) => Some(b.stage),
            (Part::Tail(k), _) => self.tail.get(k).and_then(|l| l.stage),
            (Part::Body(_), None) => None,
        }
    }

    /// Byte offset where line `i` starts (`i` = [`Log::lines`] gives the whole length).
    pub fn offset(&self, i: u64) -> u64 {
        let h = self.head.len() as u64;
        let b = self.body_lines();
        if i <= h {
            return self.head_off[i as usize];
        }
        let body = self.body.as_ref();
        if i <= h + b {
            return self.head_bytes() + body.map_or(0, |x| x.offset(i - h));
        }
        let k = ((i - h - b) as usize).min(self.tail_off.len() - 1);
        self.head_bytes() + body.map_or(0, |x| x.offset(x.count)) + self.tail_off[k]
    }

    /// Line `i` and its `\n`, appended to `out`.
    pub fn write_line(&self, i: u64, out: &mut String) {
        match (self.part(i), &self.body) {
            (Part::Head(k), _) => out.push_str(&self.head[k].text),
            (Part::Body(j), Some(b)) => return b.write(j, out),
            (Part::Tail(k), _) => {
                if let Some(l) = self.tail.get(k) {
                    out.push_str(&l.text);
                }
            }
            (Part::Body(_), None) => {}
        }
        out.push('\n');
    }

    /// The lines of one stage (empty when it writes none). Stages write contiguous lines.
    pub fn stage_lines(&self, stage: usize) -> (u64, u64) {
        let n = self.lines();
        let h = self.head.len() as u64;
        let b = self.body_lines();
        let mut found: Option<(u64, u64)> = None;
        let mut see = |lo: u64, hi: u64| {
            found = Some(match found {
                None => (lo, hi),
                Some((a, z)) => (a.min(lo), z.max(hi)),
            });
        };
        for (k, l) in self.head.iter().enumerate() {
            if l.stage == Some(stage) {
                see(k as u64, k as u64 + 1);
            }
        }
        if let Some(body) = &self.body {
            if body.stage == stage && b > 0 {
                see(h, h + b);
            }
        }
        for (k, l) in self.tail.iter().enumerate() {
            if l.stage == Some(stage) {
                let i = h + b + k as u64;
                see(i, i + 1);
            }
        }
        found.unwrap_or((n, n))
    }

    /// The whole log.
    pub fn whole(&self) -> View<'_> {
        View {
            log: self,
            first: 0,
            end: self.lines(),
        }
    }

    /// Lines `first..end`, as a log of their own (a step's or stage's log).
    pub fn view(&self, first: u64, end: u64) -> View<'_> {
        let n = self.lines();
        let end = end.min(n);
        View {
            log: self,
            first: first.min(end),
            end,
        }
    }
}

/// Some consecutive lines of a log, read as a log of their own: offsets count from its first
/// line.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    log: &'a Log,
    first: u64,
    end: u64,
}

impl View<'_> {
    fn base(&self) -> u64 {
        self.log.offset(self.first)
    }

    /// The first line not yet written at `now` (absolute index).
    fn written_end(&self, now: i64) -> u64 {
        first(self.first, self.end, |i| self.log.at(i) > now)
    }

    /// Bytes written by `now`.
    pub fn len(&self, now: i64) -> u64 {
        self.log.offset(self.written_end(now)) - self.base()
    }

    /// Lines written by `now`.
    pub fn line_count(&self, now: i64) -> u64 {
        self.written_end(now) - self.first
    }

    /// Byte offset of this view's line `k` (clamped to its end).
    pub fn line_offset(&self, k: u64) -> u64 {
        let i = self.first.saturating_add(k).min(self.end);
        self.log.offset(i) - self.base()
    }

    /// Which of this view's lines holds byte `b` (`b` inside the view).
    pub fn line_of(&self, b: u64) -> u64 {
        let abs = self.base() + b;
        first(self.first, self.end, |i| self.log.offset(i + 1) > abs) - self.first
    }

    /// Raw bytes `start..end` (offsets within the view, `end` at most its length).
    pub fn bytes(&self, start: u64, end: u64) -> Vec<u8> {
        if end <= start {
            return Vec::new();
        }
        let k = self.line_of(start);
        let from = self.line_offset(k);
        let mut text = String::with_capacity((end - from) as usize + 256);
        let mut i = self.first + k;
        while i < self.end && self.log.offset(i) - self.base() < end {
            self.log.write_line(i, &mut text);
            i += 1;
        }
        let bytes = text.into_bytes();
        let a = ((start - from) as usize).min(bytes.len());
        let z = ((end - from) as usize).min(bytes.len());
        bytes[a..z].to_vec()
    }

    /// Everything written by `now`, as text (whole lines, so nothing is cut).
    pub fn text(&self, now: i64) -> String {
        String::from_utf8_lossy(&self.bytes(0, self.len(now))).into_owned()
    }
}

/// A download: the bytes of some lines of a log, produced as they are sent.
#[derive(Clone)]
pub struct LogStream {
    log: Arc<Log>,
    next: u64,
    end: u64,
    /// Bytes still to send (a `malformed` fault halves it).
    pub left: u64,
    buf: Vec<u8>,
    pos: usize,
}

impl std::fmt::Debug for LogStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogStream({} bytes left)", self.left)
    }
}

impl LogStream {
    /// Lines `first..end` of `log` as written by `now`.
    pub fn new(log: Arc<Log>, first: u64, end: u64, now: i64) -> LogStream {
        let (next, end, left) = {
            let v = log.view(first, end);
            (v.first, v.written_end(now), v.len(now))
        };
        LogStream {
            log,
            next,
            end,
            left,
            buf: Vec::new(),
            pos: 0,
        }
    }
}

impl Read for LogStream {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.buf.len() {
            let mut text = String::new();
            while self.next < self.end && text.len() < 64 * 1024 {
                self.log.write_line(self.next, &mut text);
                self.next += 1;
            }
            self.buf = text.into_bytes();
            self.pos = 0;
        }
        let n = (self.buf.len() - self.pos)
            .min(out.len())
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
