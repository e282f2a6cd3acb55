//! Collapsible groups in CI logs (pure, no DOM): marker parsing, an incremental index of the
//! groups, and the mapping between display rows and log lines when some groups are collapsed.
//!
//! Recognised markers, matched on the text with escape sequences removed (tools often colour
//! them), after leading whitespace:
//!
//! | CI | start | end |
//! |---|---|---|
//! | GitHub Actions | `::group::Title` | `::endgroup::` |
//! | GitLab | `section_start:<unix ts>:<name>[<options>]\r\e[0K<title>` | `section_end:<unix ts>:<name>\r\e[0K` |
//! | Buildkite | `--- Title` (collapsed), `+++ Title` (expanded), `~~~ Title` (collapsed, muted) | the next header; `^^^ +++` expands the current group |
//! | Azure Pipelines (and GitHub's downloaded logs) | `##[group]Title` | `##[endgroup]` |
//!
//! Groups nest (an end closes the innermost open group of its kind, and for GitLab of its
//! name, together with anything still open inside it), except Buildkite's: a Buildkite header
//! ends the open Buildkite group on the line before it. Unbalanced markers are tolerated: an
//! end with no matching start is ignored, and a group never ended stays open to the end of
//! the log (it grows while the log is live).
//!
//! A group covers its header line through its end line (the end marker line included).
//! Collapsed, it shows only its header row. [`VisibleRows`] stores only the hidden ranges of
//! the outermost collapsed groups, so row↔line lookups are binary searches over those ranges,
//! O(log collapsed groups), whatever the log's length.

use std::collections::HashSet;
use std::ops::Range;

use crate::ansi::{self, Parser, Perform};

/// Which CI syntax a group came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupKind {
    GitHub,
    GitLab,
    Buildkite,
    Azure,
}

/// What one log line says about groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Marker {
    Start {
        /// Visible title, escapes removed and trimmed (for GitLab the text after the marker,
        /// or the section name when there is none).
        title: String,
        kind: GroupKind,
        collapsed_by_default: bool,
        /// GitLab section name (ends match on it).
        name: Option<String>,
        /// GitLab unix timestamp, for section durations.
        timestamp: Option<u64>,
    },
    End {
        kind: GroupKind,
        name: Option<String>,
        timestamp: Option<u64>,
    },
    /// Buildkite `^^^ +++`: show the current group expanded (typically after a failure).
    ExpandCurrent,
}

/// Which syntaxes a [`GroupIndex`] honours. All by default; a viewer may turn Buildkite's off
/// for logs from other CIs, where `+++ cmd` is bash's `set -x` trace at subshell depth 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syntaxes {
    pub github: bool,
    pub gitlab: bool,
    pub buildkite: bool,
    pub azure: bool,
}

impl Syntaxes {
    pub const ALL: Syntaxes = Syntaxes {
        github: true,
        gitlab: true,
        buildkite: true,
        azure: true,
    };

    pub fn allows(&self, kind: GroupKind) -> bool {
        match kind {
            GroupKind::GitHub => self.github,
            GroupKind::GitLab => self.gitlab,
            GroupKind::Buildkite => self.buildkite,
            GroupKind::Azure => self.azure,
        }
    }
}

impl Default for Syntaxes {
    fn default() -> Self {
        Self::ALL
    }
}

/// Records the first visible non-blank character.
struct FirstVisible(Option<char>);

impl Perform for FirstVisible {
    fn print(&mut self, c: char) {
        if self.0.is_none() && !c.is_whitespace() {
            self.0 = Some(c);
        }
    }
}

/// The first visible non-blank character, parsing only as far as needed. Nearly every log
/// line is rejected on this character alone, before any allocation.
fn first_visible_char(line: &str) -> Option<char> {
    let mut parser = Parser::new();
    let mut found = FirstVisible(None);
    for c in line.chars() {
        parser.advance_char(&mut found, c);
        if found.0.is_some() {
            break;
        }
    }
    found.0
}

/// The group marker on `line`, if any (all syntaxes; see the module docs).
pub fn marker(line: &str) -> Option<Marker> {
    let first = first_visible_char(line)?;
    if !matches!(first, ':' | '#' | 's' | '-' | '+' | '~' | '^') {
        return None;
    }
    // `strip_raw`, not `strip`: GitLab markers are written so that a terminal erases them.
    let raw = ansi::strip_raw(line);
    parse_plain(raw.trim_start())
}

/// The visible text of a title: terminal semantics for any `\r` left in it, trimmed.
fn visible_title(raw: &str) -> String {
    ansi::strip(raw).trim().to_owned()
}

fn start(kind: GroupKind, title: String, collapsed_by_default: bool) -> Marker {
    Marker::Start {
        title,
        kind,
        collapsed_by_default,
        name: None,
        timestamp: None,
    }
}

fn end(kind: GroupKind) -> Marker {
    Marker::End {
        kind,
        name: None,
        timestamp: None,
    }
}

/// Marker syntaxes on escape-free text that starts at its first non-blank character.
fn parse_plain(s: &str) -> Option<Marker> {
    // GitHub and Azure groups are collapsed by default in their own UIs.
    if let Some(title) = s.strip_prefix("::group::") {
        return Some(start(GroupKind::GitHub, visible_title(title), true));
    }
    if s.starts_with("::endgroup::") {
        return Some(end(GroupKind::GitHub));
    }
    if let Some(title) = s.strip_prefix("##[group]") {
        return Some(start(GroupKind::Azure, visible_title(title), true));
    }
    if s.starts_with("##[endgroup]") {
        return Some(end(GroupKind::Azure));
    }
    if let Some(rest) = s.strip_prefix("section_start:") {
        let (timestamp, name, options, after) = gitlab_fields(rest)?;
        // The marker ends at its `\r`; what follows is the title the terminal shows.
        let title = match after.split_once('\r') {
            Some((_, title)) => visible_title(title),
            None => visible_title(after),
        };
        let collapsed = options.split(',').any(|o| o.trim() == "collapsed=true");
        return Some(Marker::Start {
            title: if title.is_empty() {
                name.to_owned()
            } else {
                title
            },
            kind: GroupKind::GitLab,
            collapsed_by_default: collapsed,
            name: Some(name.to_owned()),
            timestamp: Some(timestamp),
        });
    }
    if let Some(rest) = s.strip_prefix("section_end:") {
        let (timestamp, name, _, _) = gitlab_fields(rest)?;
        return Some(Marker::End {
            kind: GroupKind::GitLab,
            name: Some(name.to_owned()),
            timestamp: Some(timestamp),
        });
    }
    buildkite(s)
}

/// `<ts>:<name>[<options>]<rest>` → (ts, name, options, rest). Names are GitLab's
/// `[A-Za-z0-9_.-]+`; anything else means this is not a marker.
fn gitlab_fields(s: &str) -> Option<(u64, &str, &str, &str)> {
    let (ts, rest) = s.split_once(':')?;
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let timestamp = ts.parse().ok()?;
    let name_len = rest
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    if name_len == 0 {
        return None;
    }
    let (name, rest) = rest.split_at_checked(name_len)?;
    let (options, rest) = match rest.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']')?,
        None => ("", rest),
    };
    Some((timestamp, name, options, rest))
}

fn buildkite(s: &str) -> Option<Marker> {
    let prefix = s.get(..3)?;
    let rest = s.get(3..)?;
    if prefix == "^^^" {
        return (rest.trim() == "+++").then_some(Marker::ExpandCurrent);
    }
    let collapsed = match prefix {
        "---" | "~~~" => true,
        "+++" => false,
        _ => return None,
    };
    // A header is the marker, a blank, then the title: `---` alone is a YAML document start
    // or a rule, `-----` a separator.
    let title = visible_title(rest.strip_prefix([' ', '\t'])?);
    if is_other_tools_output(prefix, &title) {
        return None;
    }
    Some(start(GroupKind::Buildkite, title, collapsed))
}

/// Lines that look like Buildkite headers but are common output of other tools. Buildkite
/// itself folds them (projects rewrite their output to avoid it); a viewer for any CI must
/// not hide a `go test` failure inside a collapsed group.
fn is_other_tools_output(prefix: &str, title: &str) -> bool {
    const GO_TEST: [&str; 4] = ["FAIL:", "PASS:", "SKIP:", "BENCH:"];
    match prefix {
        "---" => {
            GO_TEST.iter().any(|p| title.starts_with(p))
                || title.starts_with("a/")
                || title.starts_with("/dev/null")
        }
        "+++" => title.starts_with("b/") || title.starts_with("/dev/null"),
        _ => false,
    }
}

/// One group of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Header line (0-based log line number); also the group's id.
    pub start: u64,
    /// Last line inside the group (the end marker line, or the line before the next Buildkite
    /// header); `None` while the group is open.
    pub end: Option<u64>,
    /// Number of groups it is nested in.
    pub depth: u32,
    pub title: String,
    pub kind: GroupKind,
    pub collapsed_by_default: bool,
    /// GitLab section name.
    pub name: Option<String>,
    /// GitLab start and end timestamps (unix seconds).
    pub started_at: Option<u64>,
    pub ended_at: Option<u64>,
    /// Index of the enclosing group in `GroupIndex::groups`.
    parent: Option<usize>,
}

impl Group {
    /// The last line inside the group, for a log of `total_lines` lines.
    pub fn last_line(&self, total_lines: u64) -> u64 {
        self.end
            .unwrap_or(total_lines.saturating_sub(1))
            .max(self.start)
    }

    /// GitLab section duration in seconds, when both timestamps are known.
    pub fn duration_secs(&self) -> Option<u64> {
        Some(self.ended_at?.saturating_sub(self.started_at?))
    }
}

/// The groups of a log, built one line at a time as lines are scanned.
///
/// Lines must be pushed in increasing order (a re-pushed or older line number is ignored, so
/// overlapping windows can be pushed as they come); a gap is treated as lines without
/// markers. Memory and work are per group, not per line.
#[derive(Clone, Debug, Default)]
pub struct GroupIndex {
    /// In order of `start` (lines arrive in order), so lookups are binary searches.
    groups: Vec<Group>,
    /// Indices into `groups` of the open groups, outermost first.
    open: Vec<usize>,
    next_line: u64,
    syntaxes: Syntaxes,
}

impl GroupIndex {
    /// An index honouring every syntax.
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_syntaxes(syntaxes: Syntaxes) -> Self {
        Self {
            syntaxes,
            ..Self::default()
        }
    }

    /// The line number the index expects next: groups are known for lines before it.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// All groups, in order of their header line.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group whose header is `start`.
    pub fn group(&self, start: u64) -> Option<&Group> {
        let i = self.groups.binary_search_by_key(&start, |g| g.start).ok()?;
        self.groups.get(i)
    }

    /// Headers of the groups collapsed by default, to initialise the viewer's collapsed set.
    pub fn default_collapsed(&self) -> HashSet<u64> {
        self.groups
            .iter()
            .filter(|g| g.collapsed_by_default)
            .map(|g| g.start)
            .collect()
    }

    /// Feeds line `line_no` (its text without the stdio stream prefix).
    pub fn push_line(&mut self, line_no: u64, text: &str) {
        if line_no < self.next_line {
            return;
        }
        self.next_line = line_no.saturating_add(1);
        let Some(marker) = marker(text) else {
            return;
        };
        match marker {
            Marker::Start {
                title,
                kind,
                collapsed_by_default,
                name,
                timestamp,
            } if self.syntaxes.allows(kind) => {
                if kind == GroupKind::Buildkite {
                    if let Some(pos) = self.innermost_open(|g| g.kind == GroupKind::Buildkite) {
                        self.close_from(pos, line_no.saturating_sub(1));
                    }
                }
                let parent = self.open.last().copied();
                self.open.push(self.groups.len());
                self.groups.push(Group {
                    start: line_no,
                    end: None,
                    depth: u32::try_from(self.open.len() - 1).unwrap_or(u32::MAX),
                    title,
                    kind,
                    collapsed_by_default,
                    name,
                    started_at: timestamp,
                    ended_at: None,
                    parent,
                });
            }
            Marker::End {
                kind,
                name,
                timestamp,
            } if self.syntaxes.allows(kind) => {
                // GitLab ends name their section; the others end the innermost of their kind.
                let matches =
                    |g: &Group| g.kind == kind && (kind != GroupKind::GitLab || g.name == name);
                if let Some(pos) = self.innermost_open(matches) {
                    if let Some(g) = self.open.get(pos).and_then(|&i| self.groups.get_mut(i)) {
                        g.ended_at = timestamp;
                    }
                    self.close_from(pos, line_no);
                }
                // No matching open group: a stray end, ignored.
            }
            Marker::ExpandCurrent if self.syntaxes.buildkite => {
                if let Some(pos) = self.innermost_open(|g| g.kind == GroupKind::Buildkite) {
                    if let Some(g) = self.open.get(pos).and_then(|&i| self.groups.get_mut(i)) {
                        g.collapsed_by_default = false;
                    }
                }
            }
            _ => {}
        }
    }

    /// Position in `open` of the innermost open group satisfying `pred`.
    fn innermost_open(&self, pred: impl Fn(&Group) -> bool) -> Option<usize> {
        self.open
            .iter()
            .rposition(|&i| self.groups.get(i).is_some_and(&pred))
    }

    /// Ends `open[pos..]` (that group and everything still open inside it) at line `end`.
    fn close_from(&mut self, pos: usize, end: u64) {
        for &i in self.open.get(pos..).unwrap_or_default() {
            if let Some(g) = self.groups.get_mut(i) {
                g.end = Some(end.max(g.start));
            }
        }
        self.open.truncate(pos);
    }

    /// The groups that hide `line` when collapsed (header before `line`, last line at or
    /// after it), outermost first: expand these to reveal a search hit or a linked line.
    /// O(log groups + depth).
    pub fn groups_hiding(&self, line: u64, total_lines: u64) -> Vec<&Group> {
        // Any such group is the last group starting before `line` or one of its ancestors
        // (groups nest or are disjoint), so walking up the parent chain finds them all.
        let mut found = Vec::new();
        let mut next = self
            .groups
            .partition_point(|g| g.start < line)
            .checked_sub(1);
        while let Some(g) = next.and_then(|i| self.groups.get(i)) {
            if g.last_line(total_lines) >= line {
                found.push(g);
            }
            next = g.parent;
        }
        found.reverse();
        found
    }

    /// The row ↔ line mapping for a log of `total_lines` lines when the groups whose header
    /// lines are in `collapsed` are collapsed (unknown ids are ignored). Costs
    /// O(c log c + c log groups) for c collapsed groups, independent of the log's length.
    pub fn visible_rows(&self, collapsed: &HashSet<u64>, total_lines: u64) -> VisibleRows {
        let mut starts: Vec<u64> = collapsed
            .iter()
            .copied()
            .filter(|&s| s < total_lines)
            .collect();
        starts.sort_unstable();
        let mut rows = VisibleRows::all(total_lines);
        for start in starts {
            let Some(group) = self.group(start) else {
                continue;
            };
            let end = group
                .end
                .map_or(total_lines, |e| e.saturating_add(1))
                .min(total_lines);
            rows.hide(start.saturating_add(1), end);
        }
        rows
    }
}

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
    fn hide(&mut self, start: u64, end: u64) {
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

    pub fn total_lines(&self) -> u64 {
        self.total_lines
    }

    /// The hidden line ranges, in order.
    pub fn hidden_ranges(&self) -> impl Iterator<Item = Range<u64>> + '_ {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn start_of(line: &str) -> (String, GroupKind, bool) {
        match marker(line) {
            Some(Marker::Start {
                title,
                kind,
                collapsed_by_default,
                ..
            }) => (title, kind, collapsed_by_default),
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    fn hidden(rows: &VisibleRows) -> Vec<(u64, u64)> {
        rows.hidden_ranges().map(|r| (r.start, r.end)).collect()
    }

    fn index(lines: &[&str]) -> GroupIndex {
        let mut idx = GroupIndex::new();
        for (i, l) in lines.iter().enumerate() {
            idx.push_line(i as u64, l);
        }
        idx
    }

    /// (start, end, depth, title) of every group.
    fn shape(idx: &GroupIndex) -> Vec<(u64, Option<u64>, u32, &str)> {
        idx.groups()
            .iter()
            .map(|g| (g.start, g.end, g.depth, g.title.as_str()))
            .collect()
    }

    #[test]
    fn github_and_azure_markers() {
        use GroupKind::*;
        assert_eq!(
            start_of("::group::Build step"),
            ("Build step".into(), GitHub, true)
        );
        assert_eq!(
            start_of("  ::group::  Indented "),
            ("Indented".into(), GitHub, true)
        );
        assert_eq!(
            start_of("\x1b[36m::group::\x1b[1mColoured\x1b[0m"),
            ("Coloured".into(), GitHub, true)
        );
        assert_eq!(marker("::endgroup::"), Some(end(GitHub)));
        assert_eq!(marker("\x1b[0m::endgroup::\x1b[0m"), Some(end(GitHub)));
        assert_eq!(
            start_of("##[group]Run actions/checkout@v4"),
            ("Run actions/checkout@v4".into(), Azure, true)
        );
        assert_eq!(marker("##[endgroup]"), Some(end(Azure)));
        for not in [
            "echo ::group::x",
            ":: group::x",
            "::grou",
            "#[group]x",
            "##[section]x",
            "##",
        ] {
            assert_eq!(marker(not), None, "{not:?}");
        }
    }

    #[test]
    fn gitlab_markers() {
        let line = "\x1b[0Ksection_start:1700000000:build_step[collapsed=true]\r\x1b[0K\x1b[36;1mBuilding\x1b[0;m";
        assert_eq!(
            marker(line),
            Some(Marker::Start {
                title: "Building".into(),
                kind: GroupKind::GitLab,
                collapsed_by_default: true,
                name: Some("build_step".into()),
                timestamp: Some(1_700_000_000),
            })
        );
        // No title: the name. Other options: expanded.
        assert_eq!(
            start_of("section_start:1:get-sources\r\x1b[0K"),
            ("get-sources".into(), GroupKind::GitLab, false)
        );
        assert_eq!(
            start_of("section_start:1:s.1[hide_duration=true,collapsed=true]\r\x1b[0KT"),
            ("T".into(), GroupKind::GitLab, true)
        );
        assert_eq!(
            start_of("section_start:1:s[hide_duration=true]\r\x1b[0KT"),
            ("T".into(), GroupKind::GitLab, false)
        );
        assert_eq!(
            marker("\x1b[0Ksection_end:1700000005:build_step\r\x1b[0K"),
            Some(Marker::End {
                kind: GroupKind::GitLab,
                name: Some("build_step".into()),
                timestamp: Some(1_700_000_005),
            })
        );
        for not in [
            "section_start:abc:x\r",
            "section_start::x\r",
            "section_start:1:\r",
            "section_start:1:[collapsed=true]\r",
            "section_start:1:name[collapsed=true\rT",
            "section_start:99999999999999999999999:x\r",
            "xsection_start:1:a\r",
            "section_end:1",
            "sections",
        ] {
            assert_eq!(marker(not), None, "{not:?}");
        }
    }

    #[test]
    fn buildkite_markers() {
        use GroupKind::Buildkite;
        assert_eq!(start_of("--- Build"), ("Build".into(), Buildkite, true));
        assert_eq!(start_of("+++ Tests"), ("Tests".into(), Buildkite, false));
        assert_eq!(start_of("~~~ Setup"), ("Setup".into(), Buildkite, true));
        assert_eq!(
            start_of("\x1b[33m--- Running \x1b[1mspecs\x1b[0m :cow:"),
            ("Running specs :cow:".into(), Buildkite, true)
        );
        assert_eq!(start_of("+++ "), (String::new(), Buildkite, false));
        assert_eq!(marker("^^^ +++"), Some(Marker::ExpandCurrent));
        for not in [
            "---",
            "----- x",
            "---x",
            "++",
            "^^^ ---",
            "--- FAIL: TestParse (0.00s)",
            "    --- PASS: TestParse/empty (0.00s)",
            "--- a/src/lib.rs",
            "+++ b/src/lib.rs",
            "--- /dev/null",
            "-- x",
            "- x",
        ] {
            assert_eq!(marker(not), None, "{not:?}");
        }
        // Plain lines never are markers.
        for plain in [
            "",
            "   ",
            "hello",
            "\x1b[31merror\x1b[0m",
            "\t::",
            "s",
            "日本",
        ] {
            assert_eq!(marker(plain), None, "{plain:?}");
        }
    }

    #[test]
    fn nesting_across_syntaxes() {
        let idx = index(&[
            "::group::A",                     // 0
            "x",                              // 1
            "section_start:10:s1\r\x1b[0KS1", // 2
            "##[group]Az",                    // 3
            "y",                              // 4
            "##[endgroup]",                   // 5
            "section_end:12:s1\r\x1b[0K",     // 6
            "::endgroup::",                   // 7
            "z",                              // 8
        ]);
        assert_eq!(
            shape(&idx),
            [
                (0, Some(7), 0, "A"),
                (2, Some(6), 1, "S1"),
                (3, Some(5), 2, "Az")
            ]
        );
        assert_eq!(idx.group(2).and_then(Group::duration_secs), Some(2));
        assert_eq!(idx.next_line(), 9);
        let hiding: Vec<u64> = idx.groups_hiding(4, 9).iter().map(|g| g.start).collect();
        assert_eq!(hiding, [0, 2, 3]);
        assert!(
            idx.groups_hiding(0, 9).is_empty(),
            "a header is not hidden by its group"
        );
        assert!(idx.groups_hiding(8, 9).is_empty());
        assert_eq!(idx.default_collapsed(), HashSet::from([0, 3]));
    }

    #[test]
    fn buildkite_groups_do_not_nest() {
        let idx = index(&["--- one", "a", "+++ two", "b", "~~~ three", "c"]);
        assert_eq!(
            shape(&idx),
            [
                (0, Some(1), 0, "one"),
                (2, Some(3), 0, "two"),
                (4, None, 0, "three")
            ]
        );
        // Inside another CI's group they nest in it, but still not in each other.
        let idx = index(&["::group::G", "--- a", "x", "--- b", "::endgroup::", "y"]);
        assert_eq!(
            shape(&idx),
            [
                (0, Some(4), 0, "G"),
                (1, Some(2), 1, "a"),
                (3, Some(4), 1, "b")
            ]
        );
        // A header ends what is open inside the previous Buildkite group too.
        let idx = index(&["--- a", "section_start:1:s\r\x1b[0KS", "x", "--- b"]);
        assert_eq!(
            shape(&idx),
            [
                (0, Some(2), 0, "a"),
                (1, Some(2), 1, "S"),
                (3, None, 0, "b")
            ]
        );
        // Consecutive headers give an empty group; `^^^ +++` expands the current one.
        let idx = index(&["--- a", "--- b", "x", "^^^ +++", "y"]);
        assert_eq!(shape(&idx), [(0, Some(0), 0, "a"), (1, None, 0, "b")]);
        assert!(!idx.groups()[1].collapsed_by_default);
        assert!(idx.groups()[0].collapsed_by_default);
    }

    #[test]
    fn unbalanced_markers() {
        // Ends without a start are ignored.
        let idx = index(&[
            "::endgroup::",
            "section_end:1:x\r",
            "##[endgroup]",
            "^^^ +++",
            "a",
        ]);
        assert!(idx.groups().is_empty());
        // A GitLab end names its section: an unknown name is ignored, an outer name also
        // ends what is open inside.
        let idx = index(&[
            "section_start:1:outer\r\x1b[0KO",
            "section_start:2:inner\r\x1b[0KI",
            "section_end:3:nope\r\x1b[0K",
            "section_end:4:outer\r\x1b[0K",
            "x",
        ]);
        assert_eq!(shape(&idx), [(0, Some(3), 0, "O"), (1, Some(3), 1, "I")]);
        // Kinds do not end each other.
        let idx = index(&["##[group]A", "::endgroup::", "x"]);
        assert_eq!(shape(&idx), [(0, None, 0, "A")]);
        // A start never ended stays open and hides to the end of the log when collapsed.
        let idx = index(&["a", "::group::open", "b", "c"]);
        let rows = idx.visible_rows(&HashSet::from([1]), 4);
        assert_eq!(rows.row_count(), 2);
        assert_eq!(hidden(&rows), [(2, 4)]);
        // ... and keeps growing as the live log does.
        assert_eq!(idx.visible_rows(&HashSet::from([1]), 10).row_count(), 2);
        // The group is open at the index level too.
        assert_eq!(idx.groups()[0].last_line(4), 3);
    }

    #[test]
    fn push_order_gaps_and_syntax_selection() {
        let mut idx = GroupIndex::new();
        idx.push_line(0, "::group::A");
        idx.push_line(0, "::group::A again");
        idx.push_line(5, "x");
        idx.push_line(3, "::endgroup::");
        assert_eq!(idx.next_line(), 6);
        idx.push_line(100, "::endgroup::");
        assert_eq!(shape(&idx), [(0, Some(100), 0, "A")]);

        let mut idx = GroupIndex::with_syntaxes(Syntaxes {
            buildkite: false,
            ..Syntaxes::ALL
        });
        for (i, l) in ["+++ cmd", "--- x", "^^^ +++", "::group::G", "::endgroup::"]
            .iter()
            .enumerate()
        {
            idx.push_line(i as u64, l);
        }
        assert_eq!(shape(&idx), [(3, Some(4), 0, "G")]);
        assert_eq!(Syntaxes::default(), Syntaxes::ALL);
    }

    #[test]
    fn nested_collapsed_groups() {
        let idx = index(&[
            "::group::outer", // 0
            "a",              // 1
            "::group::inner", // 2
            "b",              // 3
            "c",              // 4
            "::endgroup::",   // 5
            "d",              // 6
            "::endgroup::",   // 7
            "e",              // 8
        ]);
        let rows = idx.visible_rows(&HashSet::from([2]), 9);
        assert_eq!(hidden(&rows), [(3, 6)]);
        assert_eq!(
            rows.lines_for_rows(0..100).collect::<Vec<_>>(),
            [0, 1, 2, 6, 7, 8]
        );
        let rows = idx.visible_rows(&HashSet::from([0, 2]), 9);
        assert_eq!(hidden(&rows), [(1, 8)]);
        assert_eq!(rows.row_count(), 2);
        assert_eq!(rows.row_to_line(1), Some(8));
        assert_eq!(rows.line_to_row(3), None);
        assert_eq!(rows.nearest_row(3), Some(0));
        assert_eq!(rows.line_to_row(8), Some(1));
        assert_eq!(rows.row_to_line(2), None);
        assert_eq!(rows.line_to_row(9), None);
        // Unknown ids and ids beyond the log are ignored.
        let rows = idx.visible_rows(&HashSet::from([1, 4, 99]), 9);
        assert_eq!(rows, VisibleRows::all(9));
    }

    use crate::rng::Rng;

    /// A random-ish log mixing every syntax, nested and unbalanced.
    fn random_log(rng: &mut Rng, n: usize) -> Vec<String> {
        let names = ["a", "b", "c", "d"];
        (0..n)
            .map(|i| match rng.below(40) {
                0..=2 => format!("::group::gh {i}"),
                3..=5 => "::endgroup::".to_string(),
                6 | 7 => {
                    let name = names[rng.below(4) as usize];
                    format!("\x1b[0Ksection_start:{i}:{name}\r\x1b[0K\x1b[1mgl {i}\x1b[0m")
                }
                8 | 9 => {
                    let name = names[rng.below(4) as usize];
                    format!("\x1b[0Ksection_end:{i}:{name}\r\x1b[0K")
                }
                10 => format!("--- bk {i}"),
                11 => format!("+++ bk {i}"),
                12 => "##[group]az".to_string(),
                13 => "##[endgroup]".to_string(),
                14 => "^^^ +++".to_string(),
                _ => format!("\x1b[3{}mline {i}\x1b[0m", i % 8),
            })
            .collect()
    }

    /// Brute force: a line is hidden iff some collapsed group has it after its header and
    /// at or before its last line.
    fn brute_visible(idx: &GroupIndex, collapsed: &HashSet<u64>, total: u64) -> Vec<u64> {
        (0..total)
            .filter(|&line| {
                !idx.groups().iter().any(|g| {
                    collapsed.contains(&g.start) && g.start < line && line <= g.last_line(total)
                })
            })
            .collect()
    }

    #[test]
    fn row_mapping_matches_brute_force() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for round in 0..12 {
            let lines = random_log(&mut rng, 400 + round * 50);
            let mut idx = GroupIndex::new();
            for (i, l) in lines.iter().enumerate() {
                idx.push_line(i as u64, l);
            }
            let n = lines.len() as u64;
            assert!(idx.groups().len() > 20, "generator produces groups");
            // Nesting invariants: children inside parents, depth = parent depth + 1, groups
            // either nested or disjoint.
            for g in idx.groups() {
                if let Some(p) = g.parent.map(|i| &idx.groups()[i]) {
                    assert!(p.start < g.start && g.last_line(n) <= p.last_line(n));
                    assert_eq!(g.depth, p.depth + 1);
                } else {
                    assert_eq!(g.depth, 0);
                }
            }
            for (a, b) in idx.groups().iter().zip(idx.groups().iter().skip(1)) {
                assert!(a.start < b.start);
            }
            for trial in 0..8 {
                // Sometimes a prefix of the log (live log still growing).
                let total = if trial % 3 == 0 {
                    n - rng.below(n / 2)
                } else {
                    n
                };
                let mut collapsed: HashSet<u64> = idx
                    .groups()
                    .iter()
                    .filter(|_| rng.below(3) == 0)
                    .map(|g| g.start)
                    .collect();
                if trial == 0 {
                    collapsed = idx.groups().iter().map(|g| g.start).collect();
                }
                collapsed.insert(rng.below(n)); // maybe not a group: ignored
                let rows = idx.visible_rows(&collapsed, total);
                let want = brute_visible(&idx, &collapsed, total);
                assert_eq!(rows.row_count(), want.len() as u64);
                assert_eq!(rows.lines_for_rows(0..total).collect::<Vec<_>>(), want);
                for (row, &line) in want.iter().enumerate() {
                    assert_eq!(rows.row_to_line(row as u64), Some(line));
                    assert_eq!(rows.line_to_row(line), Some(row as u64));
                }
                assert_eq!(rows.row_to_line(want.len() as u64), None);
                let start = rng.below(want.len() as u64 + 1);
                let window: Vec<u64> = rows.lines_for_rows(start..start + 30).collect();
                let expect: Vec<u64> = want.iter().copied().skip(start as usize).take(30).collect();
                assert_eq!(window, expect);
                for line in 0..total {
                    if rows.is_visible(line) {
                        continue;
                    }
                    // Hidden: the nearest row is the outermost collapsed group hiding it.
                    let hiding = idx.groups_hiding(line, total);
                    let header = hiding
                        .iter()
                        .find(|g| collapsed.contains(&g.start))
                        .map(|g| g.start);
                    let header = header.expect("a collapsed group hides it");
                    assert_eq!(rows.nearest_row(line), rows.line_to_row(header));
                }
                // groups_hiding agrees with a scan.
                for line in (0..total).step_by(7) {
                    let got: Vec<u64> = idx
                        .groups_hiding(line, total)
                        .iter()
                        .map(|g| g.start)
                        .collect();
                    let want: Vec<u64> = idx
                        .groups()
                        .iter()
                        .filter(|g| g.start < line && line <= g.last_line(total))
                        .map(|g| g.start)
                        .collect();
                    assert_eq!(got, want, "line {line}");
                }
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics() {
        let alphabet = [
            "::",
            "group",
            "end",
            "##[",
            "]",
            "section_",
            "start",
            "end:",
            ":",
            "1",
            "[",
            "=",
            "collapsed=true",
            "\r",
            "\x1b[0K",
            "\x1b",
            "-",
            "+",
            "~",
            "^",
            " ",
            "\t",
            "é",
            "日",
            "a/",
            "FAIL:",
        ];
        let mut rng = Rng(42);
        let mut idx = GroupIndex::new();
        for line_no in 0..20_000u64 {
            let mut line = String::new();
            for _ in 0..rng.below(12) {
                line.push_str(alphabet[rng.below(alphabet.len() as u64) as usize]);
            }
            let _ = marker(&line);
            idx.push_line(line_no, &line);
        }
        let all: HashSet<u64> = idx.groups().iter().map(|g| g.start).collect();
        let rows = idx.visible_rows(&all, 20_000);
        assert!(rows.row_count() <= 20_000);
        assert_eq!(
            rows.lines_for_rows(0..20_000).count() as u64,
            rows.row_count()
        );
    }

    #[test]
    fn million_line_mapping_is_cheap() {
        // 10 000 groups of 100 lines over 1M lines, every other one collapsed.
        let mut idx = GroupIndex::new();
        for g in 0..10_000u64 {
            idx.push_line(g * 100, &format!("::group::g{g}"));
            idx.push_line(g * 100 + 99, "::endgroup::");
        }
        let collapsed: HashSet<u64> = (0..10_000u64).step_by(2).map(|g| g * 100).collect();
        let rows = idx.visible_rows(&collapsed, 1_000_000);
        assert_eq!(rows.row_count(), 1_000_000 - 5_000 * 99);
        assert_eq!(rows.row_to_line(1), Some(100));
        assert_eq!(rows.line_to_row(999_999), Some(rows.row_count() - 1));
        assert_eq!(rows.nearest_row(250), rows.line_to_row(200));
    }
}
