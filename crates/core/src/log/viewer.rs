//! The log viewer's state machine (pure: no DOM, no time, no I/O): where the view is, whether it
//! follows a growing log, what is selected, which jump waits for the scan, which groups the user
//! folded, which search hit is current, whether lines wrap.
//!
//! The web layer sends an [`Event`] for every user action and DOM report, together with the
//! [`Facts`] it holds (the scan, the line count, whether the log is complete, the visible rows),
//! and executes the few [`Output`]s the reducer returns. It renders [`ViewerState::frame`].
//!
//! Everything that depends on facts the user did not cause is *derived* when a frame is read,
//! never written by a watcher: a follower's top is the bottom of whatever the log and viewport
//! are now; a pending jump shows its target as soon as the scan holds it; a group the scan
//! has just found is folded if its syntax says so. So no order of "the log grew", "the log
//! completed", "the viewport was resized" and "the scan progressed" can leave the view behind,
//! and the next user event commits the derived values before acting ([`ViewerState::apply`]).

use crate::log::groups::Group;
use crate::log::rows::VisibleRows;
use crate::log::scan::Scanner;
use crate::log::scroll::Geometry;
use crate::log::text::line_anchor;
use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

/// Rows rendered above and below the viewport so a small scroll shows no blank.
pub const OVERSCAN_ROWS: u64 = 6;

/// The viewport height assumed until the browser has measured it.
const DEFAULT_VIEWPORT_PX: f64 = 600.0;

/// What the reducer is told alongside every event and every read: the web layer's current
/// knowledge of the log. `rows` must be [`visible_rows`] of the same scanner, toggles and total.
#[derive(Clone, Copy)]
pub struct Facts<'a> {
    pub scanner: &'a Scanner,
    pub total: u64,
    /// The log can no longer grow.
    pub complete: bool,
    pub rows: &'a VisibleRows,
}

impl Facts<'_> {
    /// Whether the scan still has lines to read (a pending jump may yet be found).
    fn scanning(&self) -> bool {
        self.scanner.next_needed(self.total).is_some()
    }
}

/// How the viewer opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Open {
    /// The `#L` range of the address, if any.
    pub selected: Option<(u64, u64)>,
    /// Open at the first error (a failed step) instead of the top or the tail.
    pub at_error: bool,
    /// The log was complete when the page loaded.
    pub complete: bool,
    pub wrap: bool,
}

/// What "next" / "previous" are waiting for while the scan catches up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// The first error at or after this line (n, or a failed step opening at its error).
    ErrorFrom(u64),
    /// The last error before this line (N).
    ErrorBefore(u64),
    /// The first search hit at or after this line.
    HitFrom(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The scroll viewport's height (CSS px), from the resize observer.
    Resized(f64),
    /// A `scroll` event: the element's `scrollTop`, `clientHeight` and `scrollHeight` as read
    /// when it was delivered, and whether the user was scrolling (a wheel, key, touch or
    /// pointer input on the viewport just before, or a pointer held on its scrollbar).
    Scrolled {
        scroll_top: f64,
        client_height: f64,
        scroll_height: f64,
        by_user: bool,
    },
    /// Fine movement by wheel or keys when the scrollbar is proportional (see `log::scroll`).
    ScrollPx(f64),
    ScrollRows(f64),
    /// Pages of the viewport (a page keeps one row of context).
    ScrollPages(f64),
    Top,
    Bottom,
    /// The Follow button or `f`.
    ToggleFollow,
    /// A press on a line number; `shift` extends from the last plain click.
    ClickLine {
        line: u64,
        shift: bool,
    },
    /// Escape: no selection.
    ClearSelection,
    /// "Go to line" with a 1-based line number.
    GotoLine(u64),
    NextError,
    PrevError,
    /// A new search was handed to the scan (`active`: it has a query).
    SearchApplied {
        active: bool,
    },
    /// Enter / Shift+Enter in the search box, or the arrow buttons.
    StepHit {
        forward: bool,
    },
    /// The search was cancelled (Escape in the box, or the progress's Cancel).
    CancelSearch,
    /// A group header's fold button.
    ToggleGroup(u64),
    ToggleWrap,
    /// `count` lines went in before line `at` (a byte-addressed log counting the lines before
    /// a tail it read early: `Engine::take_shifts`); send it with the facts that include them.
    /// What pointed at `at` or later (the top, the selection, a permalink, a pending jump)
    /// moves with its lines.
    LinesInserted {
        at: u64,
        count: u64,
    },
}

/// What the web layer must do after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Replace the URL fragment (no navigation); empty removes it.
    SetHash(String),
    /// Start indexing groups and errors over the whole log.
    WantIndex,
}

/// What to render: derived from the state and the facts of the moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub geometry: Geometry,
    /// The (fractional) display row at the top of the viewport.
    pub top: f64,
    /// Follow mode as the toolbar shows it (a complete log has nothing to follow).
    pub following: bool,
    pub selection: Option<(u64, u64)>,
    pub current_hit: Option<u64>,
}

impl Frame {
    /// The scroll position that shows [`Frame::top`].
    pub fn scroll_px(&self) -> f64 {
        self.geometry.scroll_for(self.top)
    }

    /// Display rows (partly) on screen.
    pub fn on_screen(&self) -> Range<u64> {
        let g = &self.geometry;
        let first = self.top.floor() as u64;
        first..((self.top + g.rows_in_view()).ceil() as u64).min(g.rows)
    }

    /// Display rows to render: those on screen plus the overscan.
    pub fn rendered(&self) -> Range<u64> {
        let g = &self.geometry;
        let first = (self.top.floor() as u64).saturating_sub(OVERSCAN_ROWS);
        let last = ((self.top + g.rows_in_view()).ceil() as u64 + OVERSCAN_ROWS).min(g.rows);
        first..last.max(first)
    }

    /// How far the first rendered row sits above the viewport's top edge, in px.
    pub fn rendered_offset_px(&self) -> f64 {
        (self.top - self.rendered().start as f64) * self.geometry.row_px
    }

    pub fn is_selected(&self, line: u64) -> bool {
        self.selection.is_some_and(|(a, b)| line >= a && line <= b)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ViewerState {
    row_px: f64,
    viewport_px: f64,
    /// The committed top row; a follower's or a permalink's is derived (see the module doc).
    top: f64,
    /// Stick to the bottom as the log grows or the viewport changes. Kept when the log
    /// completes: the last lines and the last reflow still land in view.
    follow: bool,
    /// A permalink's line, placed once the viewport is known, until the user moves.
    open_at: Option<u64>,
    selection: Option<(u64, u64)>,
    /// Where a shift-click extends from.
    anchor: Option<u64>,
    pending: Option<Pending>,
    /// Groups the user folded or unfolded against their default.
    toggled: BTreeSet<u64>,
    current_hit: Option<u64>,
    wrap: bool,
}

impl ViewerState {
    /// The state a viewer opens in, and what to do at once.
    pub fn new(open: Open, row_px: f64) -> (ViewerState, Vec<Output>) {
        let at_error = open.at_error && open.selected.is_none();
        let state = ViewerState {
            row_px,
            viewport_px: DEFAULT_VIEWPORT_PX,
            top: 0.0,
            // A running log opens following its tail, like a terminal.
            follow: !open.complete && open.selected.is_none() && !open.at_error,
            open_at: open.selected.map(|s| s.0),
            selection: open.selected,
            anchor: open.selected.map(|s| s.0),
            pending: at_error.then_some(Pending::ErrorFrom(0)),
            toggled: BTreeSet::new(),
            current_hit: None,
            wrap: open.wrap,
        };
        let outputs = if at_error {
            vec![Output::WantIndex]
        } else {
            Vec::new()
        };
        (state, outputs)
    }

    pub fn wrap(&self) -> bool {
        self.wrap
    }

    pub fn pending(&self) -> Option<Pending> {
        self.pending
    }

    /// The groups toggled against their default as the rows are drawn now (input of
    /// [`visible_rows`] and [`is_collapsed`]): the user's toggles, and the folded groups
    /// around the line a permalink or a jump the scan has found is about to show. That line
    /// is shown itself, not the header hiding it; the opening is committed with the jump.
    pub fn folds(&self, scanner: &Scanner, total: u64) -> BTreeSet<u64> {
        let mut folds = self.toggled.clone();
        let target = self
            .open_at
            .or_else(|| self.pending.and_then(|p| find(p, scanner)).map(|(l, _)| l));
        if let Some(line) = target {
            open_around(&mut folds, scanner, line, total);
        }
        folds
    }

    fn geometry(&self, f: &Facts) -> Geometry {
        Geometry {
            rows: f.rows.row_count(),
            row_px: self.row_px,
            viewport_px: self.viewport_px,
        }
    }

    /// What to render now.
    pub fn frame(&self, f: &Facts) -> Frame {
        let mut s = self.clone();
        s.settle(f);
        Frame {
            geometry: s.geometry(f),
            top: s.top,
            following: s.follow && !f.complete,
            selection: s.selection,
            current_hit: s.current_hit,
        }
    }

    /// Commits what the facts imply: the follower's bottom, the permalink's place, a pending
    /// jump the scan has found (or given up on).
    fn settle(&mut self, f: &Facts) {
        let g = self.geometry(f);
        if let Some(line) = self.open_at {
            // The rows were drawn with this line's groups open (see `folds`).
            open_around(&mut self.toggled, f.scanner, line, f.total);
            let row = f.rows.nearest_row(line).unwrap_or(0) as f64;
            self.top = row - (g.rows_in_view() / 3.0).floor();
        }
        if self.follow {
            self.top = g.max_top();
        }
        if let Some(p) = self.pending {
            let found = find(p, f.scanner).map(|(line, hit)| {
                if hit.is_some() {
                    self.current_hit = hit;
                }
                line
            });
            if let Some(line) = found {
                self.pending = None;
                if !matches!(p, Pending::HitFrom(_)) {
                    self.select(line, line);
                }
                self.reveal(line, f);
            } else if !f.scanning() {
                self.pending = None;
            }
        }
        self.top = self.top.clamp(0.0, self.geometry(f).max_top());
    }

    /// Handles one event; returns what the web layer must do.
    pub fn apply(&mut self, event: Event, f: &Facts) -> Vec<Output> {
        let mut out = Vec::new();
        // A size report commits nothing (a permalink or a follower is re-placed for the new
        // size, derived as before); a scroll event decides for itself, echoes commit nothing.
        // Inserted lines move the committed values first: settling would derive them from
        // positions that no longer hold the same lines.
        if !matches!(
            event,
            Event::Resized(_) | Event::Scrolled { .. } | Event::LinesInserted { .. }
        ) {
            self.settle(f);
        }
        match event {
            Event::Resized(px) => {
                if px > 0.0 {
                    self.viewport_px = px;
                }
            }
            Event::Scrolled {
                scroll_top,
                client_height,
                scroll_height,
                by_user,
            } => self.scrolled(scroll_top, client_height, scroll_height, by_user, f),
            Event::ScrollPx(px) => self.scroll_by(px / self.row_px.max(1.0), f),
            Event::ScrollRows(rows) => self.scroll_by(rows, f),
            Event::ScrollPages(pages) => {
                let page = (self.geometry(f).rows_in_view() - 1.0).max(1.0);
                self.scroll_by(pages * page, f);
            }
            Event::Top => {
                self.user_moved();
                self.follow = false;
                self.top = 0.0;
            }
            Event::Bottom => {
                self.user_moved();
                self.follow = true;
                self.top = self.geometry(f).max_top();
            }
            Event::ToggleFollow => {
                if self.follow && !f.complete {
                    self.follow = false;
                } else {
                    return self.apply(Event::Bottom, f);
                }
            }
            Event::ClickLine { line, shift } => {
                let (a, b) = match (shift, self.anchor) {
                    (true, Some(a)) => (a.min(line), a.max(line)),
                    _ => (line, line),
                };
                self.selection = Some((a, b));
                if !shift || self.anchor.is_none() {
                    self.anchor = Some(line);
                }
                out.push(Output::SetHash(line_anchor(a, b)));
            }
            Event::ClearSelection => {
                self.selection = None;
                out.push(Output::SetHash(String::new()));
            }
            Event::GotoLine(n) => {
                if f.total > 0 {
                    let line = n.clamp(1, f.total) - 1;
                    self.select(line, line);
                    out.push(Output::SetHash(line_anchor(line, line)));
                    self.pending = None;
                    self.reveal(line, f);
                }
            }
            Event::NextError | Event::PrevError => {
                let from = self.cursor_line(f);
                self.pending = Some(if event == Event::NextError {
                    Pending::ErrorFrom(from + 1)
                } else {
                    Pending::ErrorBefore(from)
                });
                out.push(Output::WantIndex);
            }
            Event::SearchApplied { active } => {
                self.current_hit = None;
                if active {
                    self.pending = Some(Pending::HitFrom(self.cursor_line(f)));
                } else if matches!(self.pending, Some(Pending::HitFrom(_))) {
                    self.pending = None;
                }
            }
            Event::StepHit { forward } => {
                self.step_hit(forward, f);
            }
            Event::CancelSearch => self.pending = None,
            Event::ToggleGroup(line) => {
                // A permalink's line is no longer held open or in place (see `folds`).
                self.open_at = None;
                if !self.toggled.remove(&line) {
                    self.toggled.insert(line);
                }
            }
            Event::ToggleWrap => self.wrap = !self.wrap,
            Event::LinesInserted { at, count } => self.inserted(at, count, f),
        }
        out
    }

    fn inserted(&mut self, at: u64, count: u64, f: &Facts) {
        let moved = |l: u64| if l >= at { l.saturating_add(count) } else { l };
        // The top moves only when it showed the line that was at `at`, or one below it (that
        // line's row before the insertion: its row now less the rows inserted); a reader above
        // reads on, and a follower stays at the bottom anyway.
        let was_at = f.rows.nearest_row(at.saturating_add(count));
        if let (false, Some(row)) = (self.follow, was_at) {
            if self.top >= row as f64 - count as f64 {
                self.top += count as f64;
            }
        }
        self.selection = self.selection.map(|(a, b)| (moved(a), moved(b)));
        self.anchor = self.anchor.map(moved);
        self.open_at = self.open_at.map(moved);
        self.pending = self.pending.map(|p| match p {
            Pending::ErrorFrom(l) => Pending::ErrorFrom(moved(l)),
            Pending::ErrorBefore(l) => Pending::ErrorBefore(moved(l)),
            Pending::HitFrom(l) => Pending::HitFrom(moved(l)),
        });
        self.toggled = self.toggled.iter().map(|&l| moved(l)).collect();
    }

    /// A `scroll` event. Only a move the user made leaves the bottom: the echo of our own
    /// write, the browser clamping the position (the viewport grew, the spacer shrank) and a
    /// reflow that put the follower lower than asked are not the user scrolling up.
    ///
    /// The position alone cannot tell them apart: the viewport's height flips while a log runs
    /// (the toolbar wraps when the scan's progress shows, a horizontal scrollbar comes and
    /// goes with the long lines on screen), so a clamp made at one height is often read at
    /// another, above the end — seen in the browser as `scrollTop` 29 read with a 365 px
    /// viewport whose end is 67 (the clamp happened at 403 px). So a follower leaves the
    /// bottom only on a scroll the user made (`by_user`); any other scroll re-places it.
    fn scrolled(
        &mut self,
        scroll_top: f64,
        client_height: f64,
        scroll_height: f64,
        by_user: bool,
        f: &Facts,
    ) {
        // Compared with what was asked before the new size is taken in: the echo of our last
        // write may arrive after a reflow shrank the viewport, and against the new size it
        // would look like a scroll up.
        let asked = self.frame(f).scroll_px();
        // The viewport may have changed size a moment ago (the toolbar or header reflowed):
        // use the size the browser has now, not the one the observer reported last.
        if client_height > 0.0 && (client_height - self.viewport_px).abs() > 0.5 {
            self.viewport_px = client_height;
        }
        if (scroll_top - asked).abs() <= 1.0 {
            return;
        }
        self.settle(f);
        let at_end = scroll_top + client_height >= scroll_height - 2.0;
        if self.follow && (!by_user || at_end || scroll_top > asked) {
            return;
        }
        let g = self.geometry(f);
        self.top = g.top_for(scroll_top);
        self.user_moved();
        // The user down at the end of a growing log is back to following it; a scroll nobody
        // made (only a reader gets here with one) leaves the reader reading.
        self.follow = by_user && (at_end || g.at_bottom(self.top));
    }

    fn scroll_by(&mut self, rows: f64, f: &Facts) {
        let g = self.geometry(f);
        self.top = (self.top + rows).clamp(0.0, g.max_top());
        self.user_moved();
        // Down to the end of a growing log is back to following it; anywhere else pauses.
        self.follow = g.at_bottom(self.top);
    }

    /// The user put the view somewhere: what was waiting to move it no longer may.
    fn user_moved(&mut self) {
        self.pending = None;
        self.open_at = None;
    }

    fn select(&mut self, a: u64, b: u64) {
        self.selection = Some((a, b));
        self.anchor = Some(a);
    }

    /// Brings `line` into view with a third of a screen of context above, opening the
    /// folded groups it is in; the view stops following.
    fn reveal(&mut self, line: u64, f: &Facts) {
        let opened;
        let rows = if open_around(&mut self.toggled, f.scanner, line, f.total) {
            opened = visible_rows(f.scanner, &self.toggled, f.total);
            &opened
        } else {
            f.rows
        };
        let g = Geometry {
            rows: rows.row_count(),
            ..self.geometry(f)
        };
        let row = rows.nearest_row(line).unwrap_or(0);
        self.top = g.reveal(self.top, row, (g.rows_in_view() / 3.0).floor());
        self.follow = false;
        self.open_at = None;
    }

    /// The line "next" starts from: the selection, else the top of the screen.
    fn cursor_line(&self, f: &Facts) -> u64 {
        self.selection
            .map(|s| s.0)
            .unwrap_or_else(|| f.rows.row_to_line(self.top.ceil() as u64).unwrap_or(0))
    }

    fn step_hit(&mut self, forward: bool, f: &Facts) {
        let Some(hits) = f.scanner.hits() else { return };
        let nav = hits.navigable();
        if hits.total() == 0 || nav == 0 {
            return;
        }
        let k = match self.current_hit {
            Some(k) if forward => (k + 1) % nav,
            Some(k) => (k + nav - 1) % nav,
            None => 0,
        };
        self.current_hit = Some(k);
        self.pending = None;
        if let Some((line, _)) = hits.nth(k) {
            self.reveal(line, f);
        }
    }
}

/// Whether `group` is folded: its default, unless toggled (see [`ViewerState::folds`]).
pub fn is_collapsed(group: &Group, toggled: &BTreeSet<u64>) -> bool {
    group.collapsed_by_default != toggled.contains(&group.start)
}

/// Where pending jump `p` lands now that the scan got this far: the line, and for a search
/// the hit's index.
fn find(p: Pending, scanner: &Scanner) -> Option<(u64, Option<u64>)> {
    match p {
        Pending::ErrorFrom(l) => scanner.next_error(l).map(|line| (line, None)),
        Pending::ErrorBefore(l) => scanner.prev_error(l).map(|line| (line, None)),
        Pending::HitFrom(l) => scanner.hits().and_then(|h| {
            let k = h.first_at_or_after(l)?;
            h.nth(k).map(|(line, _)| (line, Some(k)))
        }),
    }
}

/// Toggles open every folded group `line` is inside (its header row stays as it is);
/// whether any was.
fn open_around(toggled: &mut BTreeSet<u64>, scanner: &Scanner, line: u64, total: u64) -> bool {
    let mut opened = false;
    for g in scanner.groups().groups() {
        if g.start >= line {
            break;
        }
        if line <= g.last_line(total) && is_collapsed(g, toggled) {
            if !toggled.remove(&g.start) {
                toggled.insert(g.start);
            }
            opened = true;
        }
    }
    opened
}

/// The display rows of a log of `total` lines: every group folded by default is folded unless
/// the user toggled it, and the other way round.
pub fn visible_rows(scanner: &Scanner, toggled: &BTreeSet<u64>, total: u64) -> VisibleRows {
    let groups = scanner.groups();
    let folded: HashSet<u64> = groups
        .groups()
        .iter()
        .filter(|g| is_collapsed(g, toggled))
        .map(|g| g.start)
        .collect();
    if folded.is_empty() {
        VisibleRows::all(total)
    } else {
        groups.visible_rows(&folded, total)
    }
}

/// Line ranges shown by display rows `visible` (several when collapsed groups sit inside), for
/// the fetch planner.
pub fn line_ranges(rows: &VisibleRows, visible: Range<u64>) -> Vec<Range<u64>> {
    let mut out: Vec<Range<u64>> = Vec::new();
    for line in rows.lines_for_rows(visible) {
        match out.last_mut() {
            Some(r) if r.end == line => r.end += 1,
            _ => out.push(line..line + 1),
        }
    }
    out
}

/// The line number typed into "Go to line" (`120` or `L120`), 1-based.
pub fn parse_goto(text: &str) -> Option<u64> {
    text.trim().trim_start_matches('L').parse().ok()
}

#[cfg(test)]
mod tests;
