//! A log paged by byte offset (CodeArts Build's real-time and page logs, ServiceStage's build
//! log) as a [`LineSource`]: nobody says how many lines such a log has, so [`ByteLines`]
//! counts them as it reads.
//!
//! **Counting (discovery).** The source reads the log from offset 0 on, a chunk at a time
//! (its own reads, [`LineSource::background`], sent only when the view and the scan need
//! nothing), and consumes complete lines only (`cursor.rs`: a character cut by a chunk's end is
//! read again whole by the next read). While it reads, the count is honest: "at least
//! [`Extent::known_lines`], still reading" ([`Extent::discovering`], with the offsets counted
//! and, when known, the log's size). Every line read this way also feeds the background scan,
//! so searching or indexing a log costs no second pass over what was counted.
//!
//! **The index.** As lines are counted, `index.rs` keeps sparse checkpoints (line, offset,
//! ANSI style), memory bounded whatever the length; a line the view wants again is read from
//! the nearest checkpoint before it (or from where the last such read stopped), so the
//! engine's bounded cache is all the text ever held.
//!
//! **The tail, and how its lines are numbered.** Where the API can read the end first (v1
//! `sort=DESC`), [`ByteLines::want_tail`] (End, or opening a running log) reads the last chunk
//! before the lines ahead of it are counted. Its lines cannot have their numbers yet, so they
//! sit right after the counted lines — the log's lines are `0..counted` (numbered) then
//! `counted..counted + tail` (the tail) — and [`ByteLines::line_no`] tells them apart:
//! [`LineNo::Exact`] for counted lines, [`LineNo::FromEnd`] (1 = the last line read) for tail
//! lines, which is how the gutter shows them. As counting goes on, the newly counted lines go
//! in *before* the tail ([`Lines::insert`]: the engine moves the tail's lines down,
//! `Engine::take_shifts`), so the total stays a true lower bound and, when counting reaches
//! the tail's first line, the tail's lines stand exactly at their real numbers: the tail
//! joins the counted lines and from then on they show as plain numbers. (Should counting pass
//! the tail's first offset without a line starting there — a tail placed wrongly — the tail
//! is dropped, [`Lines::forget_from`], and counting goes on.) Permalinks and the scan only
//! ever use numbered lines.
//!
//! **Following a running log.** Reads go on from the last offset. An answer that brings
//! nothing new ("empty content with more to come", or an empty answer of a running build)
//! waits the poll backoff (`retry::backoff_ms`, via [`Lines::nothing_new`]) and asks again; the
//! end is an answer that says there is no more (or, where the API never says, an empty one)
//! once the build is finished ([`ByteLines::set_running`]). With a tail read early, reads at
//! the tail's end follow the live log while counting goes on, taking turns with it (a tail
//! read that brought nothing waits for 2, 4 … 32 counting reads).

mod cursor;
mod index;
#[cfg(test)]
mod tests;

pub use cursor::{offset_len, MAX_LINE_BYTES};
pub use index::{LineIndex, FIRST_EVERY, MAX_POINTS};

use super::{LineSource, Lines};
use crate::ansi::{self, Style};
use crate::codearts::{self, V1Read};
use crate::json::DecodeError;
use crate::log::text::LogLine;
use crate::servicestage;
use cursor::{Cursor, Piece};
use std::ops::Range;

/// The most offsets one read asks for (v3's documented default length is 1 000 000).
pub const MAX_READ: u64 = 1 << 20;

/// The first counting read is this long, so the first screen comes fast; each one that brings
/// lines asks for twice as much, up to [`MAX_READ`].
pub const FIRST_READ: u64 = 64 * 1024;

/// Which log, and through which API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    /// The whole build, v3 `real-time-log?offset&length` (no way to read the end first).
    CodeArtsV3 { job_id: String, build_no: i64 },
    /// The whole build while it runs, v1 `real-time-log?start_offset&end_offset&size`.
    CodeArtsV1 { job_id: String, build_no: i64 },
    /// The whole build after the run, v1 `log/stage/page`.
    CodeArtsBuildPage { job_id: String, build_no: i64 },
    /// One step after the run, v1 `log/task/page`.
    CodeArtsStepPage {
        job_id: String,
        build_no: i64,
        step_id: String,
    },
    /// ServiceStage `builds/{build_id}/logs?from` (the server picks the length; no way to read
    /// the end first).
    ServiceStage { build_id: String },
}

/// How an answer is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    CodeArtsV3,
    CodeArtsV1,
    ServiceStage,
}

impl Api {
    /// Reads a 2xx body (after the HTTP layer's envelope check) into a [`Chunk`].
    pub fn decode(self, body: &str) -> Result<Chunk, DecodeError> {
        let off = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok());
        Ok(match self {
            Api::CodeArtsV3 => {
                let l = codearts::decode_real_time_log(body)?;
                Chunk {
                    text: l.content,
                    start: off(l.current_offset),
                    end: off(l.next_offset),
                    more: Some(l.has_more),
                }
            }
            Api::CodeArtsV1 => {
                let l = codearts::decode_octopus_log(body)?;
                Chunk {
                    text: l.log,
                    start: off(l.start_offset),
                    end: off(l.end_offset),
                    more: Some(l.has_more),
                }
            }
            Api::ServiceStage => {
                let l = servicestage::decode_build_log(body)?;
                Chunk {
                    text: l.text,
                    start: None,
                    end: off(l.next),
                    more: None,
                }
            }
        })
    }
}

impl LogTarget {
    pub fn api(&self) -> Api {
        match self {
            LogTarget::CodeArtsV3 { .. } => Api::CodeArtsV3,
            LogTarget::CodeArtsV1 { .. }
            | LogTarget::CodeArtsBuildPage { .. }
            | LogTarget::CodeArtsStepPage { .. } => Api::CodeArtsV1,
            LogTarget::ServiceStage { .. } => Api::ServiceStage,
        }
    }

    /// Whether the API can read the last chunk first (`sort=DESC`).
    pub fn reads_the_end_first(&self) -> bool {
        self.api() == Api::CodeArtsV1
    }

    /// The path of `read` (relative to the system's API base: CodeArts `v1/...`/`v3/...`,
    /// ServiceStage `builds/...` under `assembling/v1/`).
    pub fn path(&self, read: &Read) -> String {
        let v1 = match read.kind {
            ReadKind::Last => V1Read::Last,
            _ => V1Read::Range {
                start: read.from,
                end: read.from.saturating_add(read.len),
            },
        };
        match self {
            LogTarget::CodeArtsV3 { job_id, build_no } => {
                codearts::real_time_log(job_id, *build_no, read.from, read.len)
            }
            LogTarget::CodeArtsV1 { job_id, build_no } => {
                codearts::real_time_log_v1(job_id, *build_no, v1)
            }
            LogTarget::CodeArtsBuildPage { job_id, build_no } => {
                codearts::build_log_page(job_id, *build_no, v1)
            }
            LogTarget::CodeArtsStepPage {
                job_id,
                build_no,
                step_id,
            } => codearts::step_log_page(job_id, *build_no, step_id, v1),
            LogTarget::ServiceStage { build_id } => {
                servicestage::build_log_path(build_id, read.from)
            }
        }
    }
}

/// One answer of any of the byte-paged log APIs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chunk {
    pub text: String,
    /// Where the text starts, when the server says.
    pub start: Option<u64>,
    /// Where it ends (the next read's start, as the server counts), when the server says.
    pub end: Option<u64>,
    /// The server says whether more follows (ServiceStage never does).
    pub more: Option<bool>,
}

/// Which run of lines a read is in: the counted lines, or the tail (named by the offset of
/// its first line, so a read made for a tail that has since joined or been dropped is known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Counted,
    Tail(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadKind {
    /// Lines again, from a checkpoint at `line` (segment-relative), or on from where the last
    /// such read stopped (`resume`).
    Again {
        segment: Segment,
        line: u64,
        resume: bool,
    },
    /// On from the last counted line: counting, and following a running log.
    Count,
    /// On from the tail's end: following a running log before the count reaches its tail.
    TailEnd { tail: u64 },
    /// The last chunk of the log.
    Last,
}

/// What a request reads: offsets `from..from + len` (ServiceStage ignores `len`; `Last`
/// ignores both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    pub from: u64,
    pub len: u64,
    pub kind: ReadKind,
}

/// What the web layer sends: GET `path` (relative to the system's API base), decode the body
/// with [`ByteRequest::answer`], and give the engine the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteRequest {
    pub read: Read,
    pub path: String,
    pub api: Api,
}

impl ByteRequest {
    /// The answer to this request from a 2xx body.
    pub fn answer(&self, body: &str) -> Result<ByteAnswer, DecodeError> {
        Ok(ByteAnswer {
            read: self.read,
            chunk: self.api.decode(body)?,
        })
    }
}

/// An answer and the read it answers (the source needs to know what it asked: ServiceStage's
/// answers do not say where they start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteAnswer {
    pub read: Read,
    pub chunk: Chunk,
}

/// How far the source has read, for the toolbar's "≥ 412,000 lines, reading… 41 of 100 MB".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// Lines counted from the start: their numbers are final.
    pub counted: u64,
    /// Lines read at the end whose numbers are not known yet.
    pub tail: u64,
    /// Still reading towards the end: the line count is a lower bound.
    pub discovering: bool,
    /// The log is finished and every line counted: it can no longer grow.
    pub complete: bool,
    /// Offsets counted (where the counted lines end).
    pub bytes_counted: u64,
    /// The log's size, once known (counted to the end, or told by a read of the end).
    pub bytes_total: Option<u64>,
    /// Some line read had a CodeArts time stamp: the viewer shows a time column.
    pub stamped: bool,
    /// When the log started: its first counted stamped line's time, UTC epoch ms (what
    /// "elapsed" times count from; `None` until the count reaches one).
    pub start_ms: Option<i64>,
}

impl Extent {
    /// Lines known: the counted ones and the tail (the engine's total).
    pub fn known_lines(&self) -> u64 {
        self.counted + self.tail
    }
}

/// How a line's number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineNo {
    /// A counted line: its 0-based number.
    Exact(u64),
    /// A tail line not counted yet: its place from the end of what was read (1 = the last).
    FromEnd(u64),
}

/// A run of lines read in order: the counted lines (from offset 0), or the tail.
#[derive(Debug, Clone)]
struct Run {
    /// Offset of its line 0.
    first: u64,
    index: LineIndex,
    cursor: Cursor,
    /// The style where the cursor's line starts.
    style: Style,
    /// It reached the end of a finished log.
    ended: bool,
    /// One of its lines had a CodeArts stamp (the viewer then shows a time column).
    stamped: bool,
}

impl Run {
    fn new(first: u64) -> Run {
        Run {
            first,
            index: LineIndex::new(first),
            cursor: Cursor::at(0, first),
            style: Style::default(),
            ended: false,
            stamped: false,
        }
    }

    /// Complete lines read.
    fn lines(&self) -> u64 {
        self.cursor.line
    }

    /// Where the complete lines end.
    fn end(&self) -> u64 {
        self.cursor.start
    }

    /// Takes a line read on from the cursor: checkpoints it, parses it, moves the style on.
    fn take(&mut self, p: Piece) -> LogLine {
        self.index.note(p.line, p.offset, &self.style);
        let line = LogLine::huawei(&p.text);
        self.stamped |= line.stamp.is_some();
        self.style = ansi::style_after([line.text.as_str()], std::mem::take(&mut self.style));
        line
    }
}

/// A Huawei log read by byte offset. See the module docs.
#[derive(Debug, Clone)]
pub struct ByteLines {
    target: LogTarget,
    max_read: u64,
    /// The next counting read's length.
    count_len: u64,
    running: bool,
    counted: Run,
    tail: Option<Run>,
    wants_tail: bool,
    tail_tried: bool,
    /// Counting reads to make before the next read at the tail's end.
    tail_skip: u32,
    quiet_tail_reads: u32,
    /// The last counting read brought nothing new.
    caught_up: bool,
    /// Where the last read of lines again stopped (to go on from there), with the style there.
    again: Option<(Segment, Cursor, Style)>,
    bytes_total: Option<u64>,
    /// The time of the first stamped line counted (the gutter's "elapsed since the start").
    first_stamp_ms: Option<i64>,
}

impl ByteLines {
    /// The log `target` of a build that is still `running` (or not).
    pub fn new(target: LogTarget, running: bool) -> ByteLines {
        ByteLines {
            target,
            max_read: MAX_READ,
            count_len: FIRST_READ,
            running,
            counted: Run::new(0),
            tail: None,
            wants_tail: false,
            tail_tried: false,
            tail_skip: 0,
            quiet_tail_reads: 0,
            caught_up: false,
            again: None,
            bytes_total: None,
            first_stamp_ms: None,
        }
    }

    /// Reads of at most `n` offsets (tests; a server with a smaller limit just answers less).
    pub fn with_max_read(mut self, n: u64) -> ByteLines {
        self.max_read = n.max(1);
        self.count_len = self.count_len.min(self.max_read);
        self
    }

    pub fn target(&self) -> &LogTarget {
        &self.target
    }

    /// The build finished (or started again): from now on an answer saying there is no more is
    /// the end.
    pub fn set_running(&mut self, running: bool) {
        self.running = running;
    }

    /// The view went to the end (End, or a running log opened following it): read the last
    /// chunk now if the API can, rather than after counting everything.
    pub fn want_tail(&mut self) {
        self.wants_tail = true;
    }

    pub fn extent(&self) -> Extent {
        Extent {
            counted: self.counted.lines(),
            tail: self.tail.as_ref().map_or(0, Run::lines),
            discovering: self.tail.is_some() || (!self.counted.ended && !self.caught_up),
            complete: self.counted.ended,
            bytes_counted: self.counted.end(),
            bytes_total: self.bytes_total,
            stamped: self.counted.stamped || self.tail.as_ref().is_some_and(|t| t.stamped),
            start_ms: self.first_stamp_ms,
        }
    }

    /// How line `n` (as the engine numbers it) is shown; `None` past the known lines.
    pub fn line_no(&self, n: u64) -> Option<LineNo> {
        let e = self.extent();
        if n < e.counted {
            Some(LineNo::Exact(n))
        } else if n < e.known_lines() {
            Some(LineNo::FromEnd(e.known_lines() - n))
        } else {
            None
        }
    }

    /// Heap held by the checkpoints (the measure of "memory bounded").
    pub fn index_bytes(&self) -> usize {
        self.counted.index.heap_bytes() + self.tail.as_ref().map_or(0, |t| t.index.heap_bytes())
    }

    fn make(&self, read: Read) -> ByteRequest {
        ByteRequest {
            path: self.target.path(&read),
            api: self.target.api(),
            read,
        }
    }

    fn run(&self, segment: Segment) -> Option<&Run> {
        match segment {
            Segment::Counted => Some(&self.counted),
            Segment::Tail(t) => self.tail.as_ref().filter(|r| r.first == t),
        }
    }

    /// Lines again: where to start for segment-relative line `rel` and where to stop for
    /// `rel_end`.
    fn again_read(&self, segment: Segment, rel: u64, rel_end: u64) -> Option<Read> {
        let run = self.run(segment)?;
        let cp = run.index.at_or_before(rel);
        let resume = self.again.as_ref().filter(|(s, c, _)| {
            *s == segment
                && c.line <= rel
                && c.line < run.lines()
                && (c.line, c.next_offset()) > (cp.line, cp.offset)
        });
        let (from, line, resume) = match resume {
            Some((_, c, _)) => (c.next_offset(), c.line, true),
            None => (cp.offset, cp.line, false),
        };
        let stop = run
            .index
            .at_or_after(rel_end)
            .map_or(run.end(), |c| c.offset)
            .min(run.end());
        (from < run.end()).then(|| Read {
            from,
            len: stop.saturating_sub(from).clamp(1, self.max_read),
            kind: ReadKind::Again {
                segment,
                line,
                resume,
            },
        })
    }

    fn decode_again(
        &mut self,
        read: Read,
        segment: Segment,
        line: u64,
        resume: bool,
        chunk: &Chunk,
    ) -> Lines {
        let Some(run) = self.run(segment) else {
            return Lines::default();
        };
        let limit = run.lines();
        let fresh = run
            .index
            .find(line, read.from)
            .map(|cp| (Cursor::at(cp.line, cp.offset), cp.style()));
        let base = match segment {
            Segment::Counted => 0,
            Segment::Tail(_) => self.counted.lines(),
        };
        let start = if resume {
            self.again
                .take()
                .filter(|(s, c, _)| *s == segment && c.line == line && c.next_offset() == read.from)
                .map(|(_, c, style)| (c, style))
        } else {
            fresh
        };
        let Some((mut cursor, mut style)) = start else {
            return Lines::default();
        };
        let first_style = style.clone();
        let pieces = cursor.read(&chunk.text, answer_len(read.from, chunk), false);
        let mut lines = Vec::new();
        let mut first = None;
        for p in pieces.into_iter().filter(|p| p.line < limit) {
            first.get_or_insert(p.line);
            let l = LogLine::huawei(&p.text);
            style = ansi::style_after([l.text.as_str()], style);
            lines.push(l);
        }
        let moved = cursor.next_offset() > read.from;
        if cursor.line < limit && moved {
            self.again = Some((segment, cursor.clone(), style));
        }
        Lines {
            first: base + first.unwrap_or(cursor.line),
            lines,
            start: Some(first_style),
            nothing_new: !moved,
            ..Lines::default()
        }
    }

    /// Whether an answer is the end of the log: the build is finished and the server says
    /// there is no more (or, where it never says, has nothing more).
    fn at_end(&self, chunk: &Chunk) -> bool {
        !self.running
            && (chunk.more == Some(false) || (chunk.more.is_none() && chunk.text.is_empty()))
    }

    fn decode_count(&mut self, read: Read, chunk: &Chunk) -> Lines {
        if read.from != self.counted.cursor.next_offset() || self.counted.ended {
            return Lines::default();
        }
        let seam = self.counted.lines();
        let had_tail = self.tail.is_some();
        let ended = self.at_end(chunk);
        let pieces = self
            .counted
            .cursor
            .read(&chunk.text, answer_len(read.from, chunk), ended);
        let moved = self.counted.cursor.next_offset() > read.from || !pieces.is_empty();
        let mut lines = Vec::new();
        let mut joined = false;
        let mut forget_from = None;
        for p in pieces {
            if let Some(t) = self.tail.as_ref().map(|t| t.first) {
                if p.offset == t {
                    self.join_tail(p.line);
                    joined = true;
                    break;
                }
                if p.offset > t {
                    // A line crosses where the tail was said to start: it was placed wrongly.
                    // Its lines leave, and what was counted takes their place.
                    self.tail = None;
                    forget_from = Some(seam);
                }
            }
            lines.push(self.counted.take(p));
        }
        if !joined
            && self
                .tail
                .as_ref()
                .is_some_and(|t| self.counted.end() > t.first)
        {
            self.tail = None;
            forget_from = Some(seam);
        }
        if ended && !joined {
            self.counted.ended = true;
            self.bytes_total = Some(self.counted.end());
        }
        if self.first_stamp_ms.is_none() {
            self.first_stamp_ms = lines.iter().find_map(|l| l.stamp.as_ref().map(|s| s.at_ms));
        }
        self.caught_up = !moved;
        if moved {
            self.count_len = self.count_len.saturating_mul(2).min(self.max_read);
        }
        self.tail_skip = self.tail_skip.saturating_sub(1);
        // Counted lines go in before the tail's (which move down); with the tail dropped
        // they simply follow the counted ones.
        let insert = had_tail && forget_from.is_none();
        Lines {
            first: seam,
            lines,
            insert,
            forget_from,
            nothing_new: !moved && !ended,
            ..Lines::default()
        }
    }

    /// The count reached the tail's first line, line `at`: the tail's lines are counted lines
    /// now, and the count goes on from the tail's end (what this answer held after `at` is
    /// the tail's, already read).
    fn join_tail(&mut self, at: u64) {
        let Some(tail) = self.tail.take() else {
            return;
        };
        self.counted.index.append(&tail.index, at);
        self.counted.cursor = Cursor {
            line: at + tail.cursor.line,
            start: tail.cursor.start,
            carry: tail.cursor.carry,
        };
        self.counted.style = tail.style;
        self.counted.ended = tail.ended;
        if matches!(self.again, Some((Segment::Tail(_), _, _))) {
            self.again = None;
        }
    }

    fn decode_tail_end(&mut self, read: Read, tail: u64, chunk: &Chunk) -> Lines {
        let ended = self.at_end(chunk);
        let seam = self.counted.lines();
        let Some(run) = self.tail.as_mut().filter(|r| r.first == tail && !r.ended) else {
            return Lines::default();
        };
        if read.from != run.cursor.next_offset() {
            return Lines::default();
        }
        let first = seam + run.lines();
        let pieces = run
            .cursor
            .read(&chunk.text, answer_len(read.from, chunk), ended);
        let moved = run.cursor.next_offset() > read.from || !pieces.is_empty();
        let lines: Vec<LogLine> = pieces.into_iter().map(|p| run.take(p)).collect();
        run.ended = ended;
        if ended {
            self.bytes_total = Some(run.end());
        }
        if moved {
            self.quiet_tail_reads = 0;
            self.tail_skip = 1;
        } else {
            self.quiet_tail_reads = self.quiet_tail_reads.saturating_add(1);
            self.tail_skip = 1u32 << self.quiet_tail_reads.min(5);
        }
        Lines {
            first,
            lines,
            ..Lines::default()
        }
    }

    /// The last chunk: placed as the tail when it can be placed exactly.
    fn decode_last(&mut self, chunk: &Chunk) -> Lines {
        self.tail_tried = true;
        // The end of a short log may be all of it: then these are simply the next lines.
        if chunk.start == Some(self.counted.cursor.next_offset()) {
            let read = Read {
                from: self.counted.cursor.next_offset(),
                len: 0,
                kind: ReadKind::Count,
            };
            return self.decode_count(read, chunk);
        }
        // A read of the end reaches the end of what is written; its `has_more` speaks of what
        // comes before it. So it is the log's end once the build is finished.
        let ended = !self.running;
        let Some((start, after)) = place_tail(chunk, ended) else {
            return Lines::default();
        };
        if start <= self.counted.end() || self.tail.is_some() {
            return Lines::default();
        }
        let mut run = Run::new(start);
        let pieces = run.cursor.read(after, chunk.end.map(|e| e - start), ended);
        if pieces.is_empty() {
            return Lines::default();
        }
        let lines: Vec<LogLine> = pieces.into_iter().map(|p| run.take(p)).collect();
        run.ended = ended;
        if ended {
            self.bytes_total = Some(run.end());
        }
        self.tail = Some(run);
        Lines {
            first: self.counted.lines(),
            lines,
            ..Lines::default()
        }
    }
}

/// The answer's length in offsets, when the server said where it ends.
fn answer_len(from: u64, chunk: &Chunk) -> Option<u64> {
    chunk.end.and_then(|e| e.checked_sub(from))
}

/// Where the first whole line of a chunk read at an arbitrary offset starts, and the text from
/// there: the text before the first `\n` may be part of a line (and begin with a cut
/// character, or not begin where the server says if it skipped the cut bytes), so it is
/// dropped. Placed from the chunk's end, back over the rest's length, unless the rest ends in
/// a cut character; else from its start when the dropped part begins with none.
fn place_tail(chunk: &Chunk, ended: bool) -> Option<(u64, &str)> {
    let nl = chunk.text.find('\n')?;
    let (head, after) = (&chunk.text[..=nl], &chunk.text[nl + 1..]);
    let from_end = chunk
        .end
        .filter(|_| ended || !after.ends_with('\u{FFFD}'))
        .and_then(|e| e.checked_sub(offset_len(after)));
    let from_start = || {
        chunk
            .start
            .filter(|_| !head.starts_with('\u{FFFD}'))
            .map(|s| s + offset_len(head))
    };
    Some((from_end.or_else(from_start)?, after))
}

impl LineSource for ByteLines {
    type Request = ByteRequest;
    type Response = ByteAnswer;

    fn request(&self, lines: Range<u64>) -> Option<ByteRequest> {
        let seam = self.counted.lines();
        let read = if lines.start < seam {
            self.again_read(Segment::Counted, lines.start, lines.end.min(seam))?
        } else {
            let t = self.tail.as_ref()?;
            let rel = lines.start - seam;
            let rel_end = lines.end.saturating_sub(seam).min(t.lines());
            if rel >= t.lines() {
                return None;
            }
            self.again_read(Segment::Tail(t.first), rel, rel_end)?
        };
        Some(self.make(read))
    }

    fn decode(&mut self, _asked: Range<u64>, a: ByteAnswer) -> Lines {
        let bytes = a.chunk.text.len() as u64;
        let mut got = match a.read.kind {
            ReadKind::Again {
                segment,
                line,
                resume,
            } => self.decode_again(a.read, segment, line, resume, &a.chunk),
            ReadKind::Count => self.decode_count(a.read, &a.chunk),
            ReadKind::TailEnd { tail } => self.decode_tail_end(a.read, tail, &a.chunk),
            ReadKind::Last => self.decode_last(&a.chunk),
        };
        got.bytes = bytes;
        got.total = Some(self.extent().known_lines());
        got
    }

    fn background(&self) -> Option<ByteRequest> {
        if self.counted.ended {
            return None;
        }
        let tail_first = self.wants_tail
            && !self.tail_tried
            && self.tail.is_none()
            && !self.caught_up
            && self.target.reads_the_end_first();
        if tail_first {
            return Some(self.make(Read {
                from: 0,
                len: 0,
                kind: ReadKind::Last,
            }));
        }
        if let Some(t) = self.tail.as_ref() {
            if self.running && !t.ended && self.tail_skip == 0 {
                return Some(self.make(Read {
                    from: t.cursor.next_offset(),
                    len: self.max_read,
                    kind: ReadKind::TailEnd { tail: t.first },
                }));
            }
        }
        Some(self.make(Read {
            from: self.counted.cursor.next_offset(),
            len: self.count_len,
            kind: ReadKind::Count,
        }))
    }

    fn numbered(&self, _total: u64) -> u64 {
        self.counted.lines()
    }
}
