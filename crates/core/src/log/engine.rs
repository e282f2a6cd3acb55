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
//! answer into lines. Buildbot's line windows ([`BuildbotLines`]) know the line count up
//! front. The Huawei logs are paged by byte offset ([`ByteLines`]): the source counts lines as
//! it reads, so it also asks for reads of its own ([`LineSource::background`]: counting on,
//! the tail, following a running log), which go only when the view and the scan need nothing;
//! it says how many lines its answers make ([`Lines::total`]), may insert lines before ones
//! already known ([`Lines::insert`], reported by [`Engine::take_shifts`]), and asks for the
//! poll backoff when a read at the end of a running log brought nothing
//! ([`Lines::nothing_new`]). A source that uses none of this (Buildbot) behaves exactly as
//! before.

mod buildbot;
pub mod bytes;
mod lane;
#[cfg(test)]
mod tests;

pub use buildbot::BuildbotLines;
pub use bytes::ByteLines;
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
    /// The lines of `response`, the answer to the request made for `asked` (empty for a
    /// [`LineSource::background`] request).
    fn decode(&mut self, asked: Range<u64>, response: Self::Response) -> Lines;
    /// A read the source wants for itself, sent only when the view and the scan need nothing
    /// (a byte-addressed source counting lines, reading the tail, following a running log).
    fn background(&self) -> Option<Self::Request> {
        None
    }
    /// How many of the log's `total` lines have their final numbers: the background scan
    /// (groups, errors, search) walks only these, in order.
    fn numbered(&self, total: u64) -> u64 {
        total
    }
    /// Whether the line count is known before the lines are read (Buildbot says `num_lines`),
    /// so the last lines can be asked for by number: the engine then reads the tail once the
    /// first screen is covered ([`PlanConfig::tail`]). A byte source counts as it reads and
    /// reads its tail its own way.
    fn counted_up_front(&self) -> bool {
        false
    }
}

/// An answer read by a [`LineSource`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
    /// The ANSI style where `first` starts, when the source knows it (a checkpoint of a byte
    /// source); otherwise it is carried from the cached line before, or the default.
    pub start: Option<Style>,
    /// `lines` are new and go in before the lines numbered `first..` so far, which move down
    /// by their count (a byte source counting the lines before a tail it read early).
    pub insert: bool,
    /// The log's line count as the source now knows it (a byte source counts as it reads):
    /// the total follows it, up or down.
    pub total: Option<u64>,
    /// Lines from here on are no longer what the source said they were (a tail it could not
    /// place): they leave the cache.
    pub forget_from: Option<u64>,
    /// The read brought nothing new: for a background read at the end of a running log the
    /// next background read waits the poll backoff; for a view or scan read (a server that
    /// answers nothing where it had text) every request waits, as after a failure.
    pub nothing_new: bool,
}

/// Lines inserted before lines already known (see [`Lines::insert`]): whatever pointed at
/// line `at` or later (the viewer's top, selection, permalink) moves down by `by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub at: u64,
    pub by: u64,
}

/// Names one request, so an answer is matched to what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token(u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The view stayed put long enough after a drag (see [`SETTLE_MS`]).
    Settle,
    /// A backoff is over: after a failure (nothing was sent meanwhile), or between two polls
    /// of a running log that brought nothing new (only the source's own reads waited).
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
    /// The retry timer is set for the poll backoff: the source's own reads wait for it.
    polling: bool,
    /// Answers in a row that brought nothing new (the poll backoff's count).
    quiet: u32,
    /// Lines inserted before known ones, not yet taken by the web layer.
    shifts: Vec<Shift>,
    /// The settle timer is set: the view's windows wait for it.
    settling: bool,
    /// The tail ([`PlanConfig::tail`]) was asked for: it is kept cached from then on.
    tail_asked: bool,
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
            polling: false,
            quiet: 0,
            shifts: Vec::new(),
            settling: false,
            tail_asked: false,
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

    /// The line source (a byte source's progress and line numbers: [`ByteLines::extent`],
    /// [`ByteLines::line_no`]).
    pub fn source(&self) -> &S {
        &self.source
    }

    /// Changes the source (a byte source: the build finished, the view wants the tail) and
    /// sends what that makes needed.
    pub fn with_source(&mut self, f: impl FnOnce(&mut S), lane: &mut Lane) {
        if self.closed {
            return;
        }
        f(&mut self.source);
        self.pump(lane);
    }

    /// Lines inserted before lines already known since the last call (a byte source counting
    /// the lines before a tail it read early), oldest first. Read after every
    /// [`Command::TotalChanged`] and move the viewer's lines with each
    /// (`viewer::Event::LinesInserted`).
    pub fn take_shifts(&mut self) -> Vec<Shift> {
        std::mem::take(&mut self.shifts)
    }

    /// The lines the scan walks: those with their final numbers.
    fn scan_total(&self) -> u64 {
        self.source.numbered(self.total).min(self.total)
    }

    pub fn scan_progress(&self) -> ScanProgress {
        let total = self.scan_total();
        let next = self.scanner.next_needed(total);
        ScanProgress {
            scanned: next.unwrap_or(total),
            total,
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

    /// The view will open on `lines`, known before it is laid out (the top, or a permalink's
    /// line): ask for them now, so the answer is on its way while the page is built — or, for
    /// a window `script/boot.js` asked for before the app started, taken over by the web layer
    /// (`api/prefetch.rs`). Only before the first [`Engine::set_view`] and with nothing in
    /// flight; `lines` are asked for as given (the early window's exact address), unless they
    /// start past the log's end.
    pub fn open_at(&mut self, lines: Range<u64>, lane: &mut Lane) {
        if self.closed
            || self.in_flight.is_some()
            || !self.view.is_empty()
            || lines.start >= lines.end
            || lines.start >= self.total
        {
            return;
        }
        self.send(Request::of(lines, Purpose::View), lane);
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
            Timer::Retry => {
                self.retrying = false;
                self.polling = false;
            }
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
        if self.retrying || self.polling {
            self.retrying = false;
            self.polling = false;
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
            (self.retrying || self.polling, Timer::Retry),
        ] {
            if set {
                self.out.push(Command::CancelTimer(timer));
            }
        }
        self.settling = false;
        self.retrying = false;
        self.polling = false;
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
        let before = self.total;
        if let Some(from) = got.forget_from {
            self.cache.retain_near(0..from);
            self.total = self.total.min(from);
        }
        let n = got.lines.len() as u64;
        if got.insert && n > 0 && got.first < self.total {
            self.shift(got.first, n);
        }
        if let Some(end) = got.ends_at.filter(|&end| end < self.total) {
            self.total = end;
        }
        if let Some(total) = got.total {
            self.total = total;
        }
        if self.total != before {
            self.out.push(Command::TotalChanged(self.total));
        }
        self.wait_if_quiet(req.purpose, got.nothing_new);
        // Line numbers past u64 are nonsense from the server: nothing to keep.
        if let Some(end) = got.first.checked_add(n).filter(|_| n > 0) {
            let keep = self.keep(&req);
            let near_view = keep.iter().any(|k| got.first < k.end && end > k.start);
            match req.purpose {
                Purpose::Scan => self.scanner.feed(got.first, got.lines.iter()),
                // A source's own read (counting on) feeds the scan when it continues it.
                Purpose::Background => self.feed_in_order(got.first, &got.lines),
                Purpose::View | Purpose::Tail => {}
            }
            // A stale view window is kept too when still near: real lines, already paid for.
            if matches!(req.purpose, Purpose::View | Purpose::Tail) || near_view {
                insert_styled_from(&mut self.cache, got.first, got.lines, got.start);
                self.cache.retain_within(&keep);
                self.out.push(Command::LinesChanged);
            }
        }
        self.scan_changed();
        self.pump(lane);
    }

    /// What the cache keeps once `landed` is in: the lines near the view (before the view is
    /// laid out, the window that opened it: [`Engine::open_at`]) and the tail once asked for.
    fn keep(&self, landed: &Request) -> Vec<Range<u64>> {
        let near = if self.view.is_empty() && landed.purpose == Purpose::View {
            landed.lines()
        } else {
            keep_range(&self.view, self.total, &self.cfg)
        };
        let mut keep = vec![near];
        if self.tail_asked {
            keep.push(self.tail_lines());
        }
        keep
    }

    fn tail_lines(&self) -> Range<u64> {
        self.total.saturating_sub(self.cfg.tail)..self.total
    }

    /// The tail is asked for once, when the view is covered and before any scan: a few KB
    /// that make End paint at once.
    fn tail_due(&self, decision: &Decision) -> bool {
        let next = matches!(
            decision,
            Decision::Idle
                | Decision::Start(Request {
                    purpose: Purpose::Scan,
                    ..
                })
        );
        next && !self.tail_asked
            && self.source.counted_up_front()
            && !self.view.is_empty()
            && !self.cache.gaps(self.tail_lines()).is_empty()
    }

    /// Lines `at..` move down by `by`: in the cache, in the view, and for the web layer.
    fn shift(&mut self, at: u64, by: u64) {
        self.cache.shift_from(at, by);
        for r in self.view.iter_mut().filter(|r| r.start >= at) {
            *r = r.start.saturating_add(by)..r.end.saturating_add(by);
        }
        self.total = self.total.saturating_add(by);
        self.shifts.push(Shift { at, by });
        self.out.push(Command::LinesChanged);
    }

    /// An answer that brought nothing new waits the backoff: only the source's own reads
    /// after a poll (the view still gets its lines), everything after any other read.
    fn wait_if_quiet(&mut self, purpose: Purpose, nothing_new: bool) {
        if !nothing_new {
            if purpose == Purpose::Background {
                self.quiet = 0;
            }
            return;
        }
        let ms = backoff_ms(self.quiet);
        self.quiet = self.quiet.saturating_add(1);
        if purpose == Purpose::Background {
            self.polling = true;
        } else {
            self.retrying = true;
        }
        self.out.push(Command::SetTimer {
            timer: Timer::Retry,
            ms,
        });
    }

    /// Feeds the scan the part of `lines` (numbered from `first`) that continues it, up to the
    /// numbered lines.
    fn feed_in_order(&mut self, first: u64, lines: &[LogLine]) {
        let numbered = self.scan_total();
        match self.scanner.next_needed(numbered) {
            Some(next) if first <= next => {
                let upto = numbered.saturating_sub(first).min(lines.len() as u64) as usize;
                self.scanner.feed(first, lines[..upto].iter());
            }
            _ => {}
        }
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
        let numbered = self.scan_total();
        while let Some(next) = self.scanner.next_needed(numbered) {
            let run = self.cache.run_from(next);
            // Only numbered lines: a run may go on into lines whose numbers are not final.
            let run = &run[..run.len().min((numbered - next) as usize)];
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
        let scan_from = self.scanner.next_needed(self.scan_total());
        let in_flight = self.in_flight.map(|(_, r)| r);
        let decision = plan(
            &self.view,
            self.total,
            &self.cache,
            in_flight,
            scan_from,
            &self.cfg,
        );
        if self.tail_due(&decision) {
            let tail = Request::of(self.tail_lines(), Purpose::Tail);
            self.tail_asked = self.send(tail, lane);
            return;
        }
        match decision {
            Decision::Idle => self.send_background(lane),
            Decision::Wait => {}
            // The thumb is being dragged: the view's window waits for it to settle.
            Decision::Start(r) | Decision::Replace(r)
                if r.purpose == Purpose::View && self.settling => {}
            Decision::Start(r) => {
                self.send(r, lane);
            }
            Decision::Replace(_) => self.superseded = true,
        }
    }

    /// Sends `req` if the lane is free; otherwise the lane wakes this engine when it frees
    /// and the plan is made again then.
    /// Whether it was sent.
    fn send(&mut self, req: Request, lane: &mut Lane) -> bool {
        let Some(request) = self.source.request(req.lines()) else {
            return false;
        };
        self.dispatch(req, request, lane)
    }

    /// Sends the source's own read when it wants one and no poll backoff holds it.
    fn send_background(&mut self, lane: &mut Lane) {
        if self.in_flight.is_some() || self.polling {
            return;
        }
        let Some(request) = self.source.background() else {
            return;
        };
        let req = Request {
            offset: self.total,
            limit: 0,
            purpose: Purpose::Background,
        };
        self.dispatch(req, request, lane);
    }

    fn dispatch(&mut self, req: Request, request: S::Request, lane: &mut Lane) -> bool {
        if !lane.take(self.lane) {
            return false;
        }
        let token = Token(self.next_token);
        self.next_token += 1;
        self.in_flight = Some((token, req));
        self.requests += 1;
        self.out.push(Command::Fetch { token, request });
        self.traffic();
        true
    }
}

/// [`insert_styled_from`] with no style known from the source.
#[cfg(test)]
fn insert_styled(cache: &mut LineCache<Cached>, first: u64, lines: Vec<LogLine>) {
    insert_styled_from(cache, first, lines, None);
}

/// Inserts lines with their start styles: `start` when the source knows it (a checkpoint),
/// else carried from the cached line before them when there is one, else the default (the
/// documented guess of `ansi.rs` for a window after a gap). When the window's end style
/// differs from what the following cached run assumed, that run is restyled, so filling a
/// gap corrects the guess.
fn insert_styled_from(
    cache: &mut LineCache<Cached>,
    first: u64,
    lines: Vec<LogLine>,
    start: Option<Style>,
) {
    let mut style = start.unwrap_or_else(|| {
        first
            .checked_sub(1)
            .and_then(|p| cache.get(p))
            .map(|c| ansi::style_after([c.line.text.as_str()], c.start.clone()))
            .unwrap_or_default()
    });
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
