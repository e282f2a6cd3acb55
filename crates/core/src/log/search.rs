//! In-log search: a matcher (plain text or regex, case toggle) and the bounded list of hits
//! found by scanning a log window by window (pure, no DOM).
//!
//! Search runs over the *visible* text of a line (escapes stripped by `ansi::strip`), which
//! is exactly the text the renderer shows, so match offsets can be used to highlight. Hits are
//! kept as (line, matches on that line) pairs with a running total, never as text: a search
//! over a 10M-line log holds at most [`MAX_HIT_LINES`] entries however many lines it reads.

use regex_lite::{Regex, RegexBuilder};
use std::ops::Range;

/// Lines with hits remembered; beyond this the count goes on but positions are dropped
/// (the counter then says "N+"). 100k entries are 1.6 MB.
pub(crate) const MAX_HIT_LINES: usize = 100_000;

/// What the user typed and the two toggles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub text: String,
    pub regex: bool,
    pub case_sensitive: bool,
}

#[derive(Debug, Clone)]
enum Kind {
    /// ASCII case folding keeps byte offsets intact (`to_ascii_lowercase` maps byte to byte).
    Plain {
        needle: String,
        fold: bool,
    },
    Regex(Regex),
}

#[derive(Debug, Clone)]
pub struct Matcher {
    kind: Kind,
}

impl Matcher {
    /// `Ok(None)` for an empty query; `Err` with the regex error for an invalid pattern.
    pub fn new(q: &Query) -> Result<Option<Matcher>, String> {
        if q.text.is_empty() {
            return Ok(None);
        }
        let fold_plain = !q.case_sensitive && q.text.is_ascii();
        let kind = if !q.regex && (q.case_sensitive || fold_plain) {
            Kind::Plain {
                needle: if fold_plain {
                    q.text.to_ascii_lowercase()
                } else {
                    q.text.clone()
                },
                fold: fold_plain,
            }
        } else {
            let pattern = if q.regex {
                q.text.clone()
            } else {
                escape(&q.text, !q.case_sensitive)
            };
            let re = RegexBuilder::new(&pattern)
                .case_insensitive(!q.case_sensitive)
                // Bounded compile size: a hostile or accidental huge pattern is an error, not
                // a frozen tab.
                .size_limit(1 << 20)
                .build()
                .map_err(|e| e.to_string())?;
            Kind::Regex(re)
        };
        Ok(Some(Matcher { kind }))
    }

    /// Byte ranges of the non-empty, non-overlapping matches in `hay`.
    pub fn find(&self, hay: &str) -> Vec<Range<usize>> {
        match &self.kind {
            Kind::Plain { needle, fold } => {
                if *fold {
                    let lower = hay.to_ascii_lowercase();
                    lower
                        .match_indices(needle.as_str())
                        .map(|(i, m)| i..i + m.len())
                        .collect()
                } else {
                    hay.match_indices(needle.as_str())
                        .map(|(i, m)| i..i + m.len())
                        .collect()
                }
            }
            Kind::Regex(re) => re
                .find_iter(hay)
                .filter(|m| !m.is_empty())
                .map(|m| m.range())
                .collect(),
        }
    }

    pub(crate) fn count(&self, hay: &str) -> u32 {
        match &self.kind {
            Kind::Plain {
                needle,
                fold: false,
            } => hay.matches(needle.as_str()).count() as u32,
            _ => self.find(hay).len() as u32,
        }
    }
}

/// A plain non-ASCII query as a regex: metacharacters escaped and, when folding, each letter
/// as a class of its case variants (regex-lite folds ASCII only).
fn escape(text: &str, fold: bool) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        let (lower, upper) = (single(c.to_lowercase()), single(c.to_uppercase()));
        match (fold, lower, upper) {
            (true, Some(l), Some(u)) if l != u => {
                out.push('[');
                out.push(l);
                out.push(u);
                out.push(']');
            }
            _ => {
                if "\\.+*?()|[]{}^$#&-~".contains(c) {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    out
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// Hits of one query over a log, filled in line order.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    /// (line, hits before this line) for each line with hits, in line order.
    lines: Vec<(u64, u64)>,
    total: u64,
    /// Hits on recorded lines (all of them until the list is full).
    recorded: u64,
    /// Hits not recorded because the list was full.
    dropped: bool,
    next_line: u64,
}

impl Hits {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The first line not yet searched.
    pub(crate) fn next_line(&self) -> u64 {
        self.next_line
    }

    /// Hits found so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether positions beyond [`MAX_HIT_LINES`] lines were dropped.
    pub fn truncated(&self) -> bool {
        self.dropped
    }

    /// Records line `line_no` having `count` hits. Lines must come in order; older ones are
    /// ignored so overlapping windows can be fed as they are.
    pub(crate) fn push(&mut self, line_no: u64, count: u32) {
        if line_no < self.next_line {
            return;
        }
        self.next_line = line_no + 1;
        if count == 0 {
            return;
        }
        if self.lines.len() < MAX_HIT_LINES {
            self.lines.push((line_no, self.total));
            self.recorded += count as u64;
        } else {
            self.dropped = true;
        }
        self.total += count as u64;
    }

    /// Hits that can be navigated to (all, unless truncated).
    pub fn navigable(&self) -> u64 {
        self.recorded
    }

    /// Hit number `k` (0-based) as (line, index of the match on that line).
    pub fn nth(&self, k: u64) -> Option<(u64, u32)> {
        if k >= self.navigable() {
            return None;
        }
        let i = self.lines.partition_point(|&(_, before)| before <= k) - 1;
        let (line, before) = self.lines[i];
        Some((line, (k - before) as u32))
    }

    /// The number of the first hit on or after `line`, if any is known.
    pub fn first_at_or_after(&self, line: u64) -> Option<u64> {
        let i = self.lines.partition_point(|&(l, _)| l < line);
        self.lines.get(i).map(|&(_, before)| before)
    }
}

/// One piece of a rendered line: `len` bytes of span `span`, inside match `hit` if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub span: usize,
    pub start: usize,
    pub end: usize,
    pub hit: Option<usize>,
}

/// Cuts a line's spans (whose texts concatenate to the searched text, see `ansi::strip`) at
/// the match boundaries, so matches can be highlighted without losing the ANSI styles.
/// `span_lens` are the byte lengths of the spans' texts; offsets are within each span.
pub fn pieces(span_lens: &[usize], hits: &[Range<usize>]) -> Vec<Piece> {
    let mut out = Vec::with_capacity(span_lens.len() + 2 * hits.len());
    let mut base = 0;
    let mut h = 0;
    for (i, &len) in span_lens.iter().enumerate() {
        let end = base + len;
        let mut at = base;
        while at < end {
            // Skip hits that ended before this point.
            while h < hits.len() && hits[h].end <= at {
                h += 1;
            }
            let (cut, hit) = match hits.get(h) {
                Some(r) if r.start <= at => (r.end.min(end), Some(h)),
                Some(r) if r.start < end => (r.start, None),
                _ => (end, None),
            };
            out.push(Piece {
                span: i,
                start: at - base,
                end: cut - base,
                hit,
            });
            at = cut;
        }
        base = end;
    }
    out
}

#[cfg(test)]
// Hit lists are slices of ranges; one hit is the common case, not a mistake.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn q(text: &str, regex: bool, case_sensitive: bool) -> Matcher {
        Matcher::new(&Query {
            text: text.into(),
            regex,
            case_sensitive,
        })
        .unwrap()
        .unwrap()
    }

    #[test]
    fn plain_search_with_and_without_case() {
        assert_eq!(
            q("err", false, true).find("Err err ERR err"),
            vec![4..7, 12..15]
        );
        assert_eq!(
            q("err", false, false).find("Err err ERR"),
            vec![0..3, 4..7, 8..11]
        );
        // Metacharacters are literal in plain mode.
        assert_eq!(q("a.b(", false, true).find("axb( a.b("), vec![5..9]);
        // Non-ASCII folding goes through the regex engine with escaping.
        assert_eq!(q("É.", false, false).find("é. éx"), vec![0..3]);
        assert_eq!(Matcher::new(&Query::default()).unwrap().map(|_| ()), None);
    }

    #[test]
    fn regex_search_skips_empty_matches_and_reports_bad_patterns() {
        assert_eq!(
            q(r"line \d+", true, true).find("line 1, line 22"),
            vec![0..6, 8..15]
        );
        assert_eq!(q("x*", true, true).find("axxb"), vec![1..3]);
        assert_eq!(q("(?i)ok", true, true).find("OK ok"), vec![0..2, 3..5]);
        let err = Matcher::new(&Query {
            text: "(".into(),
            regex: true,
            case_sensitive: true,
        });
        assert!(err.is_err());
        // A pattern too big to compile is an error, not a frozen tab.
        let huge = Matcher::new(&Query {
            text: "(a{1000}){1000}".into(),
            regex: true,
            case_sensitive: true,
        });
        assert!(huge.is_err());
    }

    #[test]
    fn hits_navigate_by_number_and_line() {
        let mut h = Hits::new();
        for (line, count) in [(0, 0), (3, 2), (4, 0), (7, 1), (9, 3)] {
            h.push(line, count);
        }
        h.push(3, 5); // an older line again: ignored
        assert_eq!(h.total(), 6);
        assert_eq!(h.next_line(), 10);
        let all: Vec<_> = (0..6).map(|k| h.nth(k).unwrap()).collect();
        assert_eq!(all, vec![(3, 0), (3, 1), (7, 0), (9, 0), (9, 1), (9, 2)]);
        assert_eq!(h.nth(6), None);
        assert_eq!(h.first_at_or_after(4), Some(2));
        assert_eq!(h.first_at_or_after(10), None);
    }

    #[test]
    fn pieces_cut_spans_at_match_edges() {
        // Spans "ab|cdef|g", matches "bcd" and "g".
        let p = pieces(&[2, 4, 1], &[1..4, 6..7]);
        let flat: Vec<_> = p.iter().map(|p| (p.span, p.start, p.end, p.hit)).collect();
        assert_eq!(
            flat,
            vec![
                (0, 0, 1, None),
                (0, 1, 2, Some(0)),
                (1, 0, 2, Some(0)),
                (1, 2, 4, None),
                (2, 0, 1, Some(1)),
            ]
        );
        assert_eq!(
            pieces(&[3], &[]),
            vec![Piece {
                span: 0,
                start: 0,
                end: 3,
                hit: None
            }]
        );
        assert!(pieces(&[], &[0..1]).is_empty());
    }

    #[test]
    fn hit_memory_is_bounded() {
        let mut h = Hits::new();
        for line in 0..(MAX_HIT_LINES as u64 + 500) {
            h.push(line, 2);
        }
        assert_eq!(h.total(), 2 * (MAX_HIT_LINES as u64 + 500));
        assert!(h.truncated());
        assert_eq!(h.lines.len(), MAX_HIT_LINES);
        assert!(h.nth(h.navigable()).is_none());
        assert_eq!(
            h.nth(h.navigable() - 1).unwrap().0,
            MAX_HIT_LINES as u64 - 1
        );
    }
}
