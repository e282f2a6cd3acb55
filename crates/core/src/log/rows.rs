//! Display rows of a log in which some line ranges are hidden (collapsed groups): row ↔ line
//! lookups and the lines of a range of rows. Only the hidden ranges are stored, so lookups are
//! binary searches over them, O(log hidden ranges), whatever the log's length.

use std::ops::Range;

/// A hidden range of lines `[start, end)` with the counts needed for binary searches.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Hidden {
    start: u64,
    end: u64,
    /// Visible rows before `start`.
    rows_before: u64,
    /// Hidden lines up to `end` (this range and all before it).
    hidden_through: u64,
}

/// Display rows of a log with some groups collapsed: row `r` shows log line
/// `row_to_line(r)`. Only the hidden ranges are stored (disjoint, sorted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisibleRows {
    hidden: Vec<Hidden>,
    total_lines: u64,
    rows: u64,
}

impl VisibleRows {
    /// Every line visible.
    pub fn all(total_lines: u64) -> Self {
        Self {
            hidden: Vec::new(),
            total_lines,
            rows: total_lines,
        }
    }

    /// Hides `[start, end)`. Ranges must come in increasing `start` order; one starting inside
    /// the previous range (a nested group) only extends it, if it reaches further.
    pub(crate) fn hide(&mut self, start: u64, end: u64) {
        let end = end.min(self.total_lines);
        let hidden_before = self.hidden.last().map_or(0, |h| h.hidden_through);
        if let Some(last) = self.hidden.last_mut() {
            if start <= last.end {
                if end > last.end {
                    last.hidden_through += end - last.end;
                    self.rows -= end - last.end;
                    last.end = end;
                }
                return;
            }
        }
        if start >= end {
            return;
        }
        let len = end - start;
        self.hidden.push(Hidden {
            start,
            end,
            rows_before: start - hidden_before,
            hidden_through: hidden_before + len,
        });
        self.rows -= len;
    }

    /// Number of display rows.
    pub fn row_count(&self) -> u64 {
        self.rows
    }

    /// The hidden line ranges, in order (what the tests compare).
    #[cfg(test)]
    pub(crate) fn hidden_ranges(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        self.hidden.iter().map(|h| h.start..h.end)
    }

    /// Hidden lines before `row`'s line: those of the ranges whose first row is at or before it.
    fn hidden_before_row(&self, row: u64) -> u64 {
        let k = self.hidden.partition_point(|h| h.rows_before <= row);
        k.checked_sub(1)
            .and_then(|i| self.hidden.get(i))
            .map_or(0, |h| h.hidden_through)
    }

    /// The log line shown on `row`; `None` past the last row.
    pub fn row_to_line(&self, row: u64) -> Option<u64> {
        (row < self.rows).then(|| row + self.hidden_before_row(row))
    }

    /// The last hidden range starting at or before `line`.
    fn range_at_or_before(&self, line: u64) -> Option<&Hidden> {
        let k = self.hidden.partition_point(|h| h.start <= line);
        k.checked_sub(1).and_then(|i| self.hidden.get(i))
    }

    /// The row showing `line`; `None` if it is inside a collapsed group or past the end.
    pub fn line_to_row(&self, line: u64) -> Option<u64> {
        if line >= self.total_lines {
            return None;
        }
        match self.range_at_or_before(line) {
            None => Some(line),
            Some(h) if line < h.end => None,
            Some(h) => Some(line - h.hidden_through),
        }
    }

    /// The row showing `line`, or if it is hidden the row of the collapsed header hiding it
    /// (where to scroll for a search hit in a collapsed group). `None` past the end.
    pub fn nearest_row(&self, line: u64) -> Option<u64> {
        if line >= self.total_lines {
            return None;
        }
        match self.range_at_or_before(line) {
            None => Some(line),
            Some(h) if line < h.end => Some(h.rows_before.saturating_sub(1)),
            Some(h) => Some(line - h.hidden_through),
        }
    }

    pub fn is_visible(&self, line: u64) -> bool {
        self.line_to_row(line).is_some()
    }

    /// The log lines shown on `rows`, in order: one binary search, then a walk that jumps
    /// over hidden ranges, so rendering a screenful costs O(log c + rows).
    pub fn lines_for_rows(&self, rows: Range<u64>) -> impl Iterator<Item = u64> + '_ {
        let first = self.row_to_line(rows.start);
        let count = rows.end.min(self.rows).saturating_sub(rows.start);
        let next_range = first.map_or(self.hidden.len(), |line| {
            self.hidden.partition_point(|h| h.start <= line)
        });
        VisibleLines {
            rows: self,
            line: first.unwrap_or(self.total_lines),
            next_range,
            remaining: if first.is_some() { count } else { 0 },
        }
    }
}

/// Iterator for [`VisibleRows::lines_for_rows`].
struct VisibleLines<'a> {
    rows: &'a VisibleRows,
    line: u64,
    /// Index of the first hidden range starting after `line`.
    next_range: usize,
    remaining: u64,
}

impl Iterator for VisibleLines<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let line = self.line;
        let mut next = line + 1;
        if let Some(h) = self.rows.hidden.get(self.next_range) {
            if h.start == next {
                next = h.end;
                self.next_range += 1;
            }
        }
        self.line = next;
        Some(line)
    }
}
