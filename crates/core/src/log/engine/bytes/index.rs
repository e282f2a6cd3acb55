//! The offset → line index of a byte-addressed log: sparse checkpoints (a line number, the
//! offset where it starts, the ANSI style in effect there), so any line can be read again from
//! the nearest checkpoint before it.
//!
//! Memory is bounded whatever the log's length: a checkpoint is taken every `every` lines
//! (first [`FIRST_EVERY`]); when [`MAX_POINTS`] are held, every other one is dropped and the
//! spacing doubles. So the index never holds more than [`MAX_POINTS`] checkpoints (its vector
//! never grows past that capacity) and a line is never more than `every` lines after its
//! checkpoint: 64 lines apart up to 256k lines, 4 096 apart at 10M lines (a few hundred KB to
//! read again, at 100 bytes a line).

use crate::ansi::Style;

/// Lines between checkpoints while the log is short.
pub const FIRST_EVERY: u64 = 64;

/// The most checkpoints held.
pub const MAX_POINTS: usize = 4096;

/// A hyperlink longer than this is not kept in a checkpoint's style (reading again from that
/// checkpoint starts without it), so a hostile link cannot make the index large.
const MAX_LINK_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    /// Segment-relative line number.
    pub line: u64,
    /// Where the line starts.
    pub offset: u64,
    /// The style where the line starts; `None` when plain (most lines), so most checkpoints
    /// take no heap.
    style: Option<Box<Style>>,
}

impl Checkpoint {
    pub fn style(&self) -> Style {
        self.style.as_deref().cloned().unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Sorted by line; the first is always line 0.
    points: Vec<Checkpoint>,
    every: u64,
}

impl LineIndex {
    /// The index of a segment whose line 0 starts at `offset`.
    pub fn new(offset: u64) -> LineIndex {
        LineIndex {
            points: vec![Checkpoint {
                line: 0,
                offset,
                style: None,
            }],
            every: FIRST_EVERY,
        }
    }

    /// Line `line` starts at `offset` with `style` in effect (told for every line, in order).
    pub(crate) fn note(&mut self, line: u64, offset: u64, style: &Style) {
        if !line.is_multiple_of(self.every) || self.points.last().is_some_and(|p| p.line >= line) {
            return;
        }
        while self.points.len() >= MAX_POINTS {
            self.every = self.every.saturating_mul(2);
            let every = self.every;
            self.points.retain(|p| p.line.is_multiple_of(every));
        }
        if line.is_multiple_of(self.every) {
            self.points.push(Checkpoint {
                line,
                offset,
                style: kept_style(style),
            });
        }
    }

    /// The last checkpoint at or before `line`.
    pub(crate) fn at_or_before(&self, line: u64) -> &Checkpoint {
        let i = self.points.partition_point(|p| p.line <= line);
        &self.points[i.saturating_sub(1)]
    }

    /// The first checkpoint at or after `line`.
    pub(crate) fn at_or_after(&self, line: u64) -> Option<&Checkpoint> {
        let i = self.points.partition_point(|p| p.line < line);
        self.points.get(i)
    }

    /// The checkpoint of `line` if it starts at `offset`.
    pub(crate) fn find(&self, line: u64, offset: u64) -> Option<&Checkpoint> {
        let p = self.at_or_before(line);
        (p.line == line && p.offset == offset).then_some(p)
    }

    /// Takes `other`'s checkpoints, its line 0 being line `at` here (a tail joining the head).
    pub(crate) fn append(&mut self, other: &LineIndex, at: u64) {
        for p in &other.points {
            let line = p.line.saturating_add(at);
            if self.points.last().is_some_and(|q| q.line >= line) {
                continue;
            }
            if self.points.len() >= MAX_POINTS {
                self.every = self.every.saturating_mul(2);
                let every = self.every;
                self.points.retain(|q| q.line.is_multiple_of(every));
            }
            self.points.push(Checkpoint {
                line,
                offset: p.offset,
                style: p.style.clone(),
            });
        }
    }

    /// Lines between checkpoints now.
    pub fn every(&self) -> u64 {
        self.every
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Heap held: the vector's capacity and the styles it points to.
    pub fn heap_bytes(&self) -> usize {
        let styles: usize = self
            .points
            .iter()
            .filter_map(|p| p.style.as_deref())
            .map(|s| std::mem::size_of::<Style>() + s.link.as_ref().map_or(0, |l| l.len()))
            .sum();
        self.points.capacity() * std::mem::size_of::<Checkpoint>() + styles
    }
}

fn kept_style(style: &Style) -> Option<Box<Style>> {
    if style.is_plain() {
        return None;
    }
    let mut s = style.clone();
    if s.link.as_ref().is_some_and(|l| l.len() > MAX_LINK_BYTES) {
        s.link = None;
    }
    Some(Box::new(s))
}
