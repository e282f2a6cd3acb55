//! The background pass over a whole log (pure, no DOM): one ordered walk from line 0 that
//! feeds the group index, the error list and the current search, so each line is fetched
//! once however many of them need it. The viewer fetches the windows the pass asks for (only
//! when the view needs nothing, see `log::window::plan`) and drops their text afterwards: what
//! the pass keeps is bounded — groups, at most [`MAX_ERRORS`] error lines, and the search
//! hits (`log::search::Hits`).

use crate::log::groups::GroupIndex;
use crate::log::search::{Hits, Matcher};
use crate::log::text::LogLine;

/// Error lines remembered for next / previous error.
pub(crate) const MAX_ERRORS: usize = 100_000;

/// A log at most this long is scanned for groups and errors as soon as it opens (at most 10
/// requests of 5 000 lines); a longer one only when the user asks (search, next error, or a
/// failed step opening at its first error), so opening a 10M-line log stays one request.
pub const AUTO_SCAN_LINES: u64 = 50_000;

#[derive(Debug, Clone, Default)]
pub struct Scanner {
    groups: GroupIndex,
    errors: Vec<u64>,
    errors_next: u64,
    /// Groups and errors are wanted (auto for short logs, or asked for)...
    index: bool,
    /// ...up to this line: [`AUTO_SCAN_LINES`] when automatic, so a running log that grows
    /// long is not read in the background forever; unbounded once the user asks.
    index_until: u64,
    search: Option<(Matcher, Hits)>,
}

impl Scanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Start (or keep) indexing groups and errors, over the whole log (the user asked).
    pub fn want_index(&mut self) {
        self.index = true;
        self.index_until = u64::MAX;
    }

    /// Index groups and errors of the first [`AUTO_SCAN_LINES`] lines only (a short log
    /// opening); a later [`Scanner::want_index`] lifts the limit.
    pub fn auto_index(&mut self) {
        if !self.index {
            self.index = true;
            self.index_until = AUTO_SCAN_LINES;
        }
    }

    /// Whether the index stops short of the end (for "errors: N+" displays).
    pub fn index_limited(&self) -> bool {
        self.index_until != u64::MAX
    }

    pub fn indexing(&self) -> bool {
        self.index
    }

    /// Replace the search (None: no search). Hits start over from line 0.
    pub fn set_search(&mut self, matcher: Option<Matcher>) {
        self.search = matcher.map(|m| (m, Hits::new()));
    }

    pub fn hits(&self) -> Option<&Hits> {
        self.search.as_ref().map(|(_, h)| h)
    }

    pub fn groups(&self) -> &GroupIndex {
        &self.groups
    }

    /// Error lines found so far, in order.
    pub fn errors(&self) -> &[u64] {
        &self.errors
    }

    /// The first line not yet scanned for errors.
    pub fn errors_scanned_to(&self) -> u64 {
        if self.index {
            self.errors_next
        } else {
            0
        }
    }

    /// The next line some consumer needs, if any is below `total`.
    pub fn next_needed(&self, total: u64) -> Option<u64> {
        let mut next: Option<u64> = None;
        let mut need = |n: u64| {
            if n < total {
                next = Some(next.map_or(n, |m: u64| m.min(n)));
            }
        };
        if self.index {
            let next = self.groups.next_line().min(self.errors_next);
            if next < self.index_until {
                need(next);
            }
        }
        if let Some((_, hits)) = &self.search {
            need(hits.next_line());
        }
        next
    }

    /// Lines `first..` (in order); lines a consumer has already seen are skipped by it.
    pub fn feed<'a>(&mut self, first: u64, lines: impl IntoIterator<Item = &'a LogLine>) {
        for (i, line) in lines.into_iter().enumerate() {
            let n = first + i as u64;
            if self.index {
                self.groups.push_line(n, &line.text);
                if n >= self.errors_next {
                    self.errors_next = n + 1;
                    if self.errors.len() < MAX_ERRORS && line.is_error() {
                        self.errors.push(n);
                    }
                }
            }
            if let Some((m, hits)) = &mut self.search {
                if n >= hits.next_line() {
                    hits.push(n, m.count(&crate::ansi::strip(&line.text)));
                }
            }
        }
    }

    /// The first error at or after `line` / the last before it.
    pub fn next_error(&self, line: u64) -> Option<u64> {
        let i = self.errors.partition_point(|&e| e < line);
        self.errors.get(i).copied()
    }

    pub fn prev_error(&self, line: u64) -> Option<u64> {
        let i = self.errors.partition_point(|&e| e < line);
        i.checked_sub(1).map(|i| self.errors[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buildbot::LogType;
    use crate::log::search::Query;

    fn lines(raw: &[&str]) -> Vec<LogLine> {
        raw.iter()
            .map(|l| LogLine::parse(l, &LogType::Stdio))
            .collect()
    }

    #[test]
    fn automatic_indexing_stops_at_the_limit_until_asked() {
        let mut s = Scanner::new();
        s.auto_index();
        let total = AUTO_SCAN_LINES * 3;
        assert_eq!(s.next_needed(total), Some(0));
        let filler = lines(&["oplain"]);
        for n in 0..AUTO_SCAN_LINES {
            s.feed(n, filler.iter());
        }
        assert_eq!(
            s.next_needed(total),
            None,
            "a growing log is not read forever"
        );
        s.want_index();
        assert_eq!(s.next_needed(total), Some(AUTO_SCAN_LINES));
    }

    #[test]
    fn one_pass_feeds_groups_errors_and_search() {
        let log = lines(&[
            "o::group::Compile",
            "occ -c a.c",
            "ea.c:1:2: error: nope",
            "o::endgroup::",
            "o\u{1b}[31mFAILED\u{1b}[0m 1 test",
            "oall done, compile ok",
        ]);
        let mut s = Scanner::new();
        assert_eq!(s.next_needed(6), None, "nothing asked for yet");
        s.want_index();
        s.set_search(
            Matcher::new(&Query {
                text: "compile".into(),
                ..Query::default()
            })
            .unwrap(),
        );
        assert_eq!(s.next_needed(6), Some(0));
        s.feed(0, &log[..3]);
        assert_eq!(s.next_needed(6), Some(3));
        // An overlapping window is harmless.
        s.feed(2, &log[2..]);
        assert_eq!(s.next_needed(6), None);
        assert_eq!(s.errors(), &[2, 4]);
        assert_eq!(s.next_error(3), Some(4));
        assert_eq!(s.prev_error(4), Some(2));
        assert_eq!(s.prev_error(2), None);
        assert_eq!(s.groups().groups().len(), 1);
        assert_eq!(s.groups().groups()[0].end, Some(3));
        // "Compile" and "compile": case-insensitive by default.
        assert_eq!(s.hits().unwrap().total(), 2);
        // A new search starts over without redoing the index.
        s.set_search(
            Matcher::new(&Query {
                text: "done".into(),
                ..Query::default()
            })
            .unwrap(),
        );
        assert_eq!(s.next_needed(6), Some(0));
        s.feed(0, &log);
        assert_eq!(s.hits().unwrap().nth(0), Some((5, 0)));
        assert_eq!(s.errors(), &[2, 4]);
    }
}
