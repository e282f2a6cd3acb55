//! The log viewer's fetch rules as a state machine, in the style of vte's parser behind
//! `Perform`: an [`Engine`] takes inputs (the view moved, an answer arrived, a request failed,
//! a timer fired, the log grew, a search was set …) and queues [`Command`]s (fetch this
//! window, set this timer, tell the view) that the web layer executes. It does no I/O, owns no
//! timer and reads no clock (time comes in as an argument), so every rule below is a native
//! test (`engine/tests.rs`):
//!
//! * One [`Lane`] for the whole app: never two `contents` requests in flight, not even across
//!   two pages, nor while a closed page's answer is still coming.
//! * While the scrollbar thumb is dragged (jumps closer together than [`SETTLE_MS`]) the
//!   view's window is asked for once the view stays put; a single jump is served at once.
//! * A request the view moved away from is let finish, never aborted: hanging up on Buildbot
//!   mid-answer wedges its web server (`Endpoint::never_hang_up` in the web crate). Its lines
//!   are cached like any others and the current view is fetched when it lands. There is no
//!   abort command at all.
//! * After a failure the next request waits `retry::backoff_ms(failures)` (2, 4, 8 … 30 s), so
//!   scrolling never hammers a broken master; a success resets the count, "retry now" skips
//!   the wait.
//! * The cache keeps only lines near the view (`window::keep_range`), whatever the log's size.
//! * The total only grows from outside ([`Engine::set_total`]: an older answer never shrinks
//!   the log); the one thing that lowers it is the server itself answering short.
//! * The background scan (`log::scan`) is fed from cached lines first and asks for windows
//!   only where nothing is cached, and only while the view needs nothing.
//!
//! Where lines come from is a [`LineSource`]: it turns lines wanted into a request and an
//! answer into lines, so a source paged by bytes rather than lines can join without touching
//! the rules above. Buildbot's line windows ([`BuildbotLines`]) are the one source today.

mod buildbot;
mod lane;
#[cfg(test)]
mod tests;

pub use buildbot::BuildbotLines;
pub use lane::{Lane, LaneId};

use crate::ansi::{self, Style};
use crate::error::ApiError;
use crate::log::scan::{Scanner, AUTO_SCAN_LINES};
use crate::log::search::Matcher;
use crate::log::text::LogLine;
use crate::log::window::{keep_range, plan, Decision, LineCache, PlanConfig, Purpose, Request};
use crate::retry::backoff_ms;
use std::ops::Range;

/// While jumps follow each other faster than this (the thumb being dragged), a jump's window
/// is requested only once the view stayed put this long: dragging across a 1M-line log sends
/// a request at the start and one at the end, not one per frame. A single jump (End, a
/// permalink, a search hit) and ordinary scrolling are served at once.
pub const SETTLE_MS: u32 = 80;

/// One cached line and the ANSI style in effect where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    pub line: LogLine,
    pub start: Style,
}

/// Progress of the background scan, for the toolbar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanProgress {
    pub scanned: u64,
    pub total: u64,
    pub running: bool,
}

/// Where a log's lines come from: how to ask for some lines and how to read the answer.
/// The engine decides *which* lines; a source only speaks its server's paging.
pub trait LineSource {
    /// What the web layer sends (Buildbot: a `contents` window).
    type Request;
    /// What the server answered.
    type Response;
    /// The request for `lines` (never empty); `None` when the source cannot ask for them.
    /// A source may ask for more or other lines than wanted: the answer says which it got.
    fn request(&self, lines: Range<u64>) -> Option<Self::Request>;
    /// The lines of `response`, the answer to the request made for `asked`.
    fn decode(&mut self, asked: Range<u64>, response: Self::Response) -> Lines;
}

/// An answer read by a [`LineSource`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lines {
    /// The number of the first line of `lines`.
    pub first: u64,
    pub lines: Vec<LogLine>,
    /// The answer showed the log has no lines from here on (Buildbot: a window that came back
    /// shorter than asked). The server is the truth: the total is lowered to it, so the same
    /// missing lines are never asked for again and again.
    pub ends_at: Option<u64>,
    /// Size of the answer, for the status line and the benchmark.
    pub bytes: u64,
}

/// Names one request, so an answer is matched to what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token(u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The view stayed put long enough after a drag (see [`SETTLE_MS`]).
    Settle,
    /// The backoff after a failure is over.
    Retry,
}

/// What the engine asks of the web layer, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command<R> {
    /// Send `request`; report its answer with [`Engine::chunk_arrived`] or
    /// [`Engine::request_failed`] and this token. The lane is already taken for it.
    Fetch {
        token: Token,
        request: R,
    },
    /// Call [`Engine::timer_fired`] after `ms`, replacing the timer of that kind if one is set.
    SetTimer {
        timer: Timer,
        ms: u32,
    },
    CancelTimer(Timer),
    /// The lane freed: call [`Engine::lane_free`] on the engine with this id.
    Wake(LaneId),
    /// Cached lines (or their start styles) changed: re-read [`Engine::line`].
    LinesChanged,
    TotalChanged(u64),
    /// The scan found something (groups, errors, hits) or a search restarted it: re-read
    /// [`Engine::scanner`].
    ScanFound,
    ScanProgress(ScanProgress),
    /// The error to show (`None`: the last one is over).
    Error(Option<ApiError>),
    /// Requests sent and answer bytes received so far.
    Traffic {
        requests: u64,
        bytes: u64,
    },
}

/// The log engine of one log view. See the module docs for the rules it keeps.
pub struct Engine<S: LineSource> {
    source: S,
    lane: LaneId,
    cfg: PlanConfig,
    cache: LineCache<Cached>,
    scanner: Scanner,
    view: Vec<Range<u64>>,
    total: u64,
    /// The request sent and not answered yet, which holds the lane. Kept after [`Engine::close`]
    /// so its answer still frees the lane.
    in_flight: Option<(Token, Request)>,
    /// The request in flight went stale (the view moved on); the next one waits until it
    /// lands, so two requests never overlap even for a moment.
    superseded: bool,
    failures: u32,
    /// The retry timer is set: nothing is sent until it fires (or "retry now").
    retrying: bool,
    /// The settle timer is set: the view's windows wait for it.
    settling: bool,
    /// When the view last jumped (a new place, not a scroll).
    last_jump: Option<u64>,
    next_token: u64,
    requests: u64,
    bytes: u64,
    error_shown: bool,
    closed: bool,
    out: Vec<Command<S::Request>>,
}

impl<S: LineSource> Engine<S> {
    /// An engine for a log of `total` lines (as last known), with a seat on `lane`.
    pub fn new(source: S, total: u64, lane: &mut Lane) -> Self {
        let mut scanner = Scanner::new();
        if total <= AUTO_SCAN_LINES {
            scanner.auto_index();
        }
        Engine {
            source,
            lane: lane.join(),
            cfg: PlanConfig::default(),
            cache: LineCache::new(),
            scanner,
            view: Vec::new(),
            total,
            in_flight: None,
            superseded: false,
            failures: 0,
            retrying: false,
            settling: false,
            last_jump: None,
            next_token: 0,
            requests: 0,
            bytes: 0,
            error_shown: false,
            closed: false,
            out: Vec::new(),
        }
    }

    /// The commands queued since the last call, oldest first.
    pub fn take_commands(&mut self) -> Vec<Command<S::Request>> {
        std::mem::take(&mut self.out)
    }

    /// This engine's seat on the lane (what [`Command::Wake`] names).
    pub fn lane_id(&self) -> LaneId {
        self.lane
    }

    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// Cached line `n`.
    pub fn line(&self, n: u64) -> Option<&Cached> {
        self.cache.get(n)
    }

    /// Lines in the log as last known.
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn scan_progress(&self) -> ScanProgress {
        let next = self.scanner.next_needed(self.total);
        ScanProgress {
            scanned: next.unwrap_or(self.total),
            total: self.total,
            running: next.is_some(),
        }
    }

    /// The line ranges on screen changed (sorted; several when collapsed groups sit between
    /// them). `now_ms` tells a jump in a drag from a single one.
    pub fn set_view(&mut self, view: Vec<Range<u64>>, now_ms: u64, lane: &mut Lane) {
        if self.closed || self.view == view {
            return;
        }
        if self.jumps_to(&view) {
            let dragging = self
                .last_jump
                .is_some_and(|t| now_ms.saturating_sub(t) < u64::from(SETTLE_MS));
            self.last_jump = Some(now_ms);
            if dragging {
                self.settling = true;
                self.out.push(Command::SetTimer {
                    timer: Timer::Settle,
                    ms: SETTLE_MS,
                });
            } else if self.settling {
                self.settling = false;
                self.out.push(Command::CancelTimer(Timer::Settle));
            }
        }
        self.view = view;
        self.pump(lane);
    }

    /// The answer to `token` arrived.
    pub fn chunk_arrived(&mut self, token: Token, response: S::Response, lane: &mut Lane) {
        let Some(req) = self.land(token) else {
            return;
        };
        let woken = lane.release(self.lane);
        if !self.closed {
            self.absorb(req, response, lane);
        }
        self.wake(woken);
    }

    /// The request `token` failed (the HTTP layer already retried what was transient).
    pub fn request_failed(&mut self, token: Token, error: ApiError, lane: &mut Lane) {
        if self.land(token).is_none() {
            return;
        }
        let woken = lane.release(self.lane);
        if !self.closed {
            self.failures = self.failures.saturating_add(1);
            self.retrying = true;
            self.out.push(Command::SetTimer {
                timer: Timer::Retry,
                ms: backoff_ms(self.failures),
            });
            self.error_shown = true;
            self.out.push(Command::Error(Some(error)));
        }
        self.wake(woken);
    }

    pub fn timer_fired(&mut self, timer: Timer, lane: &mut Lane) {
        match timer {
            Timer::Settle => self.settling = false,
            Timer::Retry => self.retrying = false,
        }
        self.pump(lane);
    }

    /// The log grew (a websocket event or a poll). A smaller number is ignored: an older
    /// answer never replaces a newer one.
    pub fn set_total(&mut self, total: u64, lane: &mut Lane) {
        if self.closed || total <= self.total {
            return;
        }
        self.total = total;
        self.out.push(Command::TotalChanged(total));
        self.out.push(Command::ScanProgress(self.scan_progress()));
        self.pump(lane);
    }

    /// Replace the search (`None`: no search); its hits start over from line 0.
    pub fn set_search(&mut self, matcher: Option<Matcher>, lane: &mut Lane) {
        if self.closed {
            return;
        }
        self.scanner.set_search(matcher);
        self.scan_changed();
        self.pump(lane);
    }

    /// Start indexing groups and errors over the whole log (long logs only do it when asked).
    pub fn want_index(&mut self, lane: &mut Lane) {
        if self.closed || (self.scanner.indexing() && !self.scanner.index_limited()) {
            return;
        }
        self.scanner.want_index();
        self.scan_changed();
        self.pump(lane);
    }

    /// Send now what the backoff was waiting for (the error panel's button).
    pub fn retry_now(&mut self, lane: &mut Lane) {
        if self.closed {
            return;
        }
        if self.retrying {
            self.retrying = false;
            self.out.push(Command::CancelTimer(Timer::Retry));
        }
        self.pump(lane);
    }

    /// The lane this engine waited for freed (see [`Command::Wake`]).
    pub fn lane_free(&mut self, lane: &mut Lane) {
        self.pump(lane);
    }

    /// Stops everything (the view was dropped). A request in flight is let finish and its
    /// answer ignored: the lane stays taken until then, so the next page's first request never
    /// overlaps it, and Buildbot is never hung up on.
    pub fn close(&mut self, lane: &mut Lane) {
        if self.closed {
            return;
        }
        self.closed = true;
        for (set, timer) in [
            (self.settling, Timer::Settle),
            (self.retrying, Timer::Retry),
        ] {
            if set {
                self.out.push(Command::CancelTimer(timer));
            }
        }
        self.settling = false;
        self.retrying = false;
        lane.leave(self.lane);
    }

    /// Whether the view moved to a new place rather than scrolled (the spans do not meet
    /// within the fetch overscan).
    fn jumps_to(&self, view: &[Range<u64>]) -> bool {
        let span = |v: &[Range<u64>]| Some(v.first()?.start..v.last()?.end);
        let slack = self.cfg.fetch_overscan;
        match (span(&self.view), span(view)) {
            (Some(a), Some(b)) => {
                !(a.start < b.end.saturating_add(slack) && b.start < a.end.saturating_add(slack))
            }
            _ => false,
        }
    }

    /// Ends the request `token` if it is the one in flight (a stale one included: it was let
    /// finish for this), returning what it asked for.
    fn land(&mut self, token: Token) -> Option<Request> {
        let (t, req) = self.in_flight?;
        if t != token {
            return None;
        }
        self.in_flight = None;
        self.superseded = false;
        Some(req)
    }

    fn wake(&mut self, woken: Vec<LaneId>) {
        self.out.extend(woken.into_iter().map(Command::Wake));
    }

    fn absorb(&mut self, req: Request, response: S::Response, lane: &mut Lane) {
        let got = self.source.decode(req.lines(), response);
        self.bytes = self.bytes.saturating_add(got.bytes);
        self.traffic();
        self.failures = 0;
        if self.error_shown {
            self.error_shown = false;
            self.out.push(Command::Error(None));
        }
        if let Some(end) = got.ends_at.filter(|&end| end < self.total) {
            self.total = end;
            self.out.push(Command::TotalChanged(end));
        }
        let n = got.lines.len() as u64;
        // Line numbers past u64 are nonsense from the server: nothing to keep.
        if let Some(end) = got.first.checked_add(n).filter(|_| n > 0) {
            let keep = keep_range(&self.view, self.total, &self.cfg);
            let near_view = got.first < keep.end && end > keep.start;
            if req.purpose == Purpose::Scan {
                self.scanner.feed(got.first, got.lines.iter());
            }
            // A stale view window is kept too when still near: real lines, already paid for.
            if req.purpose == Purpose::View || near_view {
                insert_styled(&mut self.cache, got.first, got.lines);
                self.cache.retain_near(keep);
                self.out.push(Command::LinesChanged);
            }
        }
        self.scan_changed();
        self.pump(lane);
    }

    fn traffic(&mut self) {
        self.out.push(Command::Traffic {
            requests: self.requests,
            bytes: self.bytes,
        });
    }

    fn scan_changed(&mut self) {
        self.out.push(Command::ScanProgress(self.scan_progress()));
        self.out.push(Command::ScanFound);
    }

    /// Feeds the scan from cached lines that continue it (no request needed for those).
    fn feed_cached(&mut self) -> bool {
        let mut fed = false;
        while let Some(next) = self.scanner.next_needed(self.total) {
            let run = self.cache.run_from(next);
            if run.is_empty() {
                break;
            }
            self.scanner.feed(next, run.iter().map(|c| &c.line));
            fed = true;
        }
        fed
    }

    /// Decides and sends the next request, if any.
    fn pump(&mut self, lane: &mut Lane) {
        if self.closed || self.retrying || self.superseded {
            return;
        }
        if self.feed_cached() {
            self.scan_changed();
        }
        let scan_from = self.scanner.next_needed(self.total);
        let in_flight = self.in_flight.map(|(_, r)| r);
        match plan(
            &self.view,
            self.total,
            &self.cache,
            in_flight,
            scan_from,
            &self.cfg,
        ) {
            Decision::Idle | Decision::Wait => {}
            // The thumb is being dragged: the view's window waits for it to settle.
            Decision::Start(r) | Decision::Replace(r)
                if r.purpose == Purpose::View && self.settling => {}
            Decision::Start(r) => self.send(r, lane),
            Decision::Replace(_) => self.superseded = true,
        }
    }

    /// Sends `req` if the lane is free; otherwise the lane wakes this engine when it frees
    /// and the plan is made again then.
    fn send(&mut self, req: Request, lane: &mut Lane) {
        let Some(request) = self.source.request(req.lines()) else {
            return;
        };
        if !lane.take(self.lane) {
            return;
        }
        let token = Token(self.next_token);
        self.next_token += 1;
        self.in_flight = Some((token, req));
        self.requests += 1;
        self.out.push(Command::Fetch { token, request });
        self.traffic();
    }
}

/// Inserts lines with their start styles: carried from the cached line before them when
/// there is one, else the default (the documented guess of `ansi.rs` for a window after a gap).
/// When the window's end style differs from what the following cached run assumed, that run
/// is restyled, so filling a gap corrects the guess.
fn insert_styled(cache: &mut LineCache<Cached>, first: u64, lines: Vec<LogLine>) {
    let mut style = first
        .checked_sub(1)
        .and_then(|p| cache.get(p))
        .map(|c| ansi::style_after([c.line.text.as_str()], c.start.clone()))
        .unwrap_or_default();
    let n = lines.len() as u64;
    let mut cached = Vec::with_capacity(lines.len());
    for line in lines {
        let next = ansi::style_after([line.text.as_str()], style.clone());
        cached.push(Cached { line, start: style });
        style = next;
    }
    cache.insert(first, cached);
    // Restyle what follows while it disagrees.
    let mut at = first + n;
    while let Some(c) = cache.get_mut(at) {
        if c.start == style {
            break;
        }
        let next = ansi::style_after([c.line.text.as_str()], style.clone());
        c.start = std::mem::replace(&mut style, next);
        at += 1;
    }
}
