//! Collapsible groups in CI logs (pure, no DOM): marker parsing and an incremental index of
//! the groups, which gives the display rows ([`VisibleRows`]) for a set of collapsed groups.
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
//! Collapsed, it shows only its header row: [`GroupIndex::visible_rows`] hides the rest, and
//! the row ↔ line mapping itself lives in [`crate::log::rows`].

use std::collections::HashSet;

use crate::ansi::{self, Parser, Perform};
use crate::log::rows::VisibleRows;

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
}

impl GroupIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// The line number the index expects next: groups are known for lines before it.
    pub(crate) fn next_line(&self) -> u64 {
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
            } => {
                if kind == GroupKind::Buildkite {
                    if let Some(pos) = self.innermost_open(|g| g.kind == GroupKind::Buildkite) {
                        self.close_from(pos, line_no.saturating_sub(1));
                    }
                }
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
                });
            }
            Marker::End {
                kind,
                name,
                timestamp,
            } => {
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
            Marker::ExpandCurrent => {
                if let Some(pos) = self.innermost_open(|g| g.kind == GroupKind::Buildkite) {
                    if let Some(g) = self.open.get(pos).and_then(|&i| self.groups.get_mut(i)) {
                        g.collapsed_by_default = false;
                    }
                }
            }
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

#[cfg(test)]
mod tests;
