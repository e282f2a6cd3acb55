//! The log viewer's engine in the browser: it owns the line cache, asks `log::window::plan`
//! what to fetch, keeps exactly one `contents` request in flight (a stale one is let finish,
//! never aborted: see `Endpoint::never_hang_up`), feeds the background scan (`log::scan`) and tells the view through signals when lines
//! arrive. No DOM here: the component reports which lines are on screen and renders what the
//! session holds.

use crate::api::buildbot::BuildbotClient;
use buildscope_core::ansi::{self, Style};
use buildscope_core::buildbot::paths::{LogRef, Window};
use buildscope_core::buildbot::LogType;
use buildscope_core::error::ApiError;
use buildscope_core::log::scan::Scanner;
use buildscope_core::log::search::Matcher;
use buildscope_core::log::text::LogLine;
use buildscope_core::log::window::{
    keep_range, plan, Decision, LineCache, PlanConfig, Purpose, Request,
};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

/// One cached line and the ANSI style in effect where it starts.
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

/// What the view reads reactively.
#[derive(Clone, Copy)]
pub struct Signals {
    /// Lines in the log as last known.
    pub total: RwSignal<u64>,
    /// Bumped whenever cached lines (or their styles) change.
    pub version: RwSignal<u64>,
    /// Bumped whenever the scan found something (groups, errors, hits) or progressed.
    pub scan_version: RwSignal<u64>,
    pub scan: RwSignal<ScanProgress>,
    pub error: RwSignal<Option<ApiError>>,
    /// `contents` requests sent and response bytes received (shown in the status line and
    /// read by the benchmark).
    pub requests: RwSignal<(u64, u64)>,
}

struct Inner {
    client: BuildbotClient,
    log: LogRef,
    kind: LogType,
    cfg: PlanConfig,
    cache: LineCache<Cached>,
    scanner: Scanner,
    view: Vec<Range<u64>>,
    total: u64,
    in_flight: Option<Request>,
    /// The request in flight went stale (the view moved on); the next one waits until it
    /// lands, so two requests never overlap even for a moment.
    superseded: bool,
    failures: u32,
    retry: Option<Timeout>,
    /// When the view last jumped (not a scroll: a new place, e.g. a thumb drag) and the timer
    /// that fetches once it has settled.
    jumped_at: f64,
    /// The last jump followed another within SETTLE_MS: the user is dragging.
    dragging: bool,
    settle: Option<Timeout>,
    alive: bool,
}

/// While jumps follow each other faster than this (the thumb being dragged), a jump's window
/// is requested only once the view stayed put this long: dragging across a 1M-line log sends
/// a request at the start and one at the end, not one per frame (and aborts none). A single
/// jump (End, a permalink, a search hit) and ordinary scrolling are served at once.
const SETTLE_MS: f64 = 80.0;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

thread_local! {
    /// One lane for every session: the app never has two log requests in flight, not even
    /// while a closed page's request is still being cancelled. Sessions that found the lane
    /// busy wait in the list and are pumped when it frees.
    static LANE: RefCell<(bool, Vec<LogSession>)> = const { RefCell::new((false, Vec::new())) };
}

/// Takes the lane, or queues `s` to be pumped when it frees.
fn take_lane(s: &LogSession) -> bool {
    LANE.with(|l| {
        let mut l = l.borrow_mut();
        if !l.0 {
            l.0 = true;
            return true;
        }
        if !l.1.iter().any(|w| Rc::ptr_eq(&w.inner, &s.inner)) {
            l.1.push(s.clone());
        }
        false
    })
}

/// Frees the lane and returns who was waiting for it.
fn release_lane() -> Vec<LogSession> {
    LANE.with(|l| {
        let mut l = l.borrow_mut();
        l.0 = false;
        std::mem::take(&mut l.1)
    })
}

#[derive(Clone)]
pub struct LogSession {
    inner: Rc<RefCell<Inner>>,
    pub sig: Signals,
}

impl LogSession {
    pub fn new(client: BuildbotClient, logid: i64, kind: LogType, total: u64) -> LogSession {
        let mut scanner = Scanner::new();
        if total <= buildscope_core::log::scan::AUTO_SCAN_LINES {
            scanner.auto_index();
        }
        LogSession {
            inner: Rc::new(RefCell::new(Inner {
                client,
                log: LogRef::Id(logid),
                kind,
                cfg: PlanConfig::default(),
                cache: LineCache::new(),
                scanner,
                view: Vec::new(),
                total,
                in_flight: None,
                superseded: false,
                failures: 0,
                retry: None,
                jumped_at: f64::NEG_INFINITY,
                dragging: false,
                settle: None,
                alive: true,
            })),
            sig: Signals {
                total: RwSignal::new(total),
                version: RwSignal::new(0),
                scan_version: RwSignal::new(0),
                scan: RwSignal::new(ScanProgress::default()),
                error: RwSignal::new(None),
                requests: RwSignal::new((0, 0)),
            },
        }
    }

    /// Stops everything (the view was dropped). A request in flight is let finish and its
    /// answer ignored: the lane stays taken until then, so the next page's first request never
    /// overlaps it, and Buildbot is never hung up on (see `Endpoint::never_hang_up`).
    pub fn close(&self) {
        let mut i = self.inner.borrow_mut();
        i.alive = false;
        i.retry = None;
        i.settle = None;
        i.in_flight = None;
    }

    /// The lines on screen changed.
    pub fn set_view(&self, view: Vec<Range<u64>>) {
        {
            let mut i = self.inner.borrow_mut();
            if i.view == view {
                return;
            }
            let near = |a: &Range<u64>, b: &Range<u64>| {
                let slack = i.cfg.fetch_overscan;
                a.start < b.end.saturating_add(slack) && b.start < a.end.saturating_add(slack)
            };
            let jumped = match (i.view.first(), i.view.last(), view.first(), view.last()) {
                (Some(a0), Some(a1), Some(b0), Some(b1)) => {
                    !near(&(a0.start..a1.end), &(b0.start..b1.end))
                }
                _ => false,
            };
            if jumped {
                let now = now_ms();
                i.dragging = now - i.jumped_at < SETTLE_MS;
                i.jumped_at = now;
            }
            i.view = view;
        }
        self.pump();
    }

    /// The log grew (websocket `append`, or a poll). A smaller number is ignored: an older
    /// answer never replaces a newer one.
    pub fn set_total(&self, total: u64) {
        {
            let mut i = self.inner.borrow_mut();
            if total <= i.total {
                return;
            }
            i.total = total;
        }
        let _ = self.sig.total.try_set(total);
        self.update_scan_progress();
        self.pump();
    }

    pub fn set_search(&self, matcher: Option<Matcher>) {
        self.inner.borrow_mut().scanner.set_search(matcher);
        self.scan_changed();
        self.pump();
    }

    /// Start indexing groups and errors (long logs only do it when asked).
    pub fn want_index(&self) {
        let started = {
            let mut i = self.inner.borrow_mut();
            let was = i.scanner.indexing() && !i.scanner.index_limited();
            i.scanner.want_index();
            !was
        };
        if started {
            self.scan_changed();
            self.pump();
        }
    }

    /// Reads the scanner (groups, errors, hits).
    pub fn with_scanner<R>(&self, f: impl FnOnce(&Scanner) -> R) -> R {
        f(&self.inner.borrow().scanner)
    }

    /// Reads cached line `n`.
    pub fn with_line<R>(&self, n: u64, f: impl FnOnce(Option<&Cached>) -> R) -> R {
        f(self.inner.borrow().cache.get(n))
    }

    fn scan_changed(&self) {
        self.update_scan_progress();
        let _ = self.sig.scan_version.try_update(|v| *v += 1);
    }

    fn update_scan_progress(&self) {
        let i = self.inner.borrow();
        let next = i.scanner.next_needed(i.total);
        let p = ScanProgress {
            scanned: next.unwrap_or(i.total),
            total: i.total,
            running: next.is_some(),
        };
        drop(i);
        let _ = self.sig.scan.try_set(p);
    }

    /// Feeds the scan from cached lines that continue it (no request needed for those).
    fn feed_cached(inner: &mut Inner) -> bool {
        let mut fed = false;
        while let Some(next) = inner.scanner.next_needed(inner.total) {
            let Inner { cache, scanner, .. } = inner;
            let run = cache.run_from(next);
            if run.is_empty() {
                break;
            }
            scanner.feed(next, run.iter().map(|c| &c.line));
            fed = true;
        }
        fed
    }

    /// Decides and sends the next request, if any.
    fn pump(&self) {
        let decision = {
            let mut i = self.inner.borrow_mut();
            if !i.alive || i.retry.is_some() || i.superseded {
                return;
            }
            let fed = Self::feed_cached(&mut i);
            if fed {
                drop(i);
                self.scan_changed();
                i = self.inner.borrow_mut();
            }
            let scan_from = i.scanner.next_needed(i.total);
            plan(&i.view, i.total, &i.cache, i.in_flight, scan_from, &i.cfg)
        };
        // Right after a jump, wait for the view to settle (see SETTLE_MS).
        if matches!(decision, Decision::Start(r) | Decision::Replace(r) if r.purpose == Purpose::View)
        {
            let i = self.inner.borrow();
            let wait = if i.dragging {
                i.jumped_at + SETTLE_MS - now_ms()
            } else {
                0.0
            };
            drop(i);
            if wait > 0.0 {
                let this = self.clone();
                let timer = Timeout::new(wait.ceil() as u32, move || {
                    this.inner.borrow_mut().settle = None;
                    this.pump();
                });
                self.inner.borrow_mut().settle = Some(timer);
                return;
            }
        }
        match decision {
            Decision::Idle | Decision::Wait => {}
            Decision::Start(r) => self.send(r),
            // A stale request is not aborted but let finish (at most one window, and its lines
            // are real lines for the cache); the next one is sent when it lands. Aborting it
            // would hang up on Buildbot, which wedges its web server (`Endpoint::never_hang_up`).
            Decision::Replace(_) => {
                let mut i = self.inner.borrow_mut();
                if i.in_flight.is_some() {
                    i.superseded = true;
                }
            }
        }
    }

    fn send(&self, req: Request) {
        let (client, log) = {
            let i = self.inner.borrow();
            (i.client.clone(), i.log.clone())
        };
        let Some(window) = Window::new(req.offset, req.limit) else {
            return;
        };
        if !take_lane(self) {
            return;
        }
        self.inner.borrow_mut().in_flight = Some(req);
        let _ = self.sig.requests.try_update(|r| r.0 += 1);
        let this = self.clone();
        spawn_local(async move {
            let result = client.contents(&log, Some(window)).await;
            let waiting = release_lane();
            match result {
                Ok(chunk) => this.on_chunk(req, chunk.firstline, &chunk.content),
                Err(e) => this.on_error(req, e),
            }
            for w in waiting {
                if w.inner.borrow().alive {
                    w.pump();
                }
            }
        });
    }

    fn on_chunk(&self, req: Request, firstline: u64, content: &str) {
        let _ = self
            .sig
            .requests
            .try_update(|r| r.1 += content.len() as u64);
        let mut i = self.inner.borrow_mut();
        if i.in_flight != Some(req) || !i.alive {
            return; // superseded while the response was being read
        }
        i.in_flight = None;
        i.superseded = false;
        i.failures = 0;
        let kind = i.kind.clone();
        let chunk = buildscope_core::buildbot::LogChunk {
            logid: 0,
            firstline,
            content: content.to_string(),
        };
        let lines: Vec<LogLine> = chunk.lines().map(|l| LogLine::parse(l, &kind)).collect();
        let got = lines.len() as u64;
        // The server is the truth: a window that came back short means the log is shorter
        // than we were told (never ask for the same missing lines again and again).
        let shorter = firstline + got < req.offset + req.limit && firstline + got < i.total;
        if shorter {
            i.total = firstline + got;
        }
        let keep = keep_range(&i.view, i.total, &i.cfg);
        let near_view = firstline < keep.end && firstline + got > keep.start;
        if req.purpose == Purpose::Scan {
            i.scanner.feed(firstline, lines.iter());
        }
        if req.purpose == Purpose::View || near_view {
            insert_styled(&mut i.cache, firstline, lines);
            i.cache.retain_near(keep);
        }
        let total = i.total;
        drop(i);
        if shorter {
            let _ = self.sig.total.try_set(total);
        }
        let _ = self.sig.error.try_set(None);
        let _ = self.sig.version.try_update(|v| *v += 1);
        self.scan_changed();
        self.pump();
    }

    fn on_error(&self, req: Request, e: ApiError) {
        let delay = {
            let mut i = self.inner.borrow_mut();
            if i.in_flight != Some(req) || !i.alive {
                return;
            }
            i.in_flight = None;
            i.superseded = false;
            i.failures += 1;
            // The HTTP helper already retried transient failures; back off before the next
            // round so a broken master is not hammered by scrolling (2 s, 4 s … 30 s).
            buildscope_core::retry::backoff_ms(i.failures)
        };
        let _ = self.sig.error.try_set(Some(e));
        let this = self.clone();
        let timer = Timeout::new(delay, move || {
            this.inner.borrow_mut().retry = None;
            this.pump();
        });
        self.inner.borrow_mut().retry = Some(timer);
    }

    /// Retry now (the error panel's button).
    pub fn retry_now(&self) {
        self.inner.borrow_mut().retry = None;
        self.pump();
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
    let mut updates: Vec<(u64, Style)> = Vec::new();
    while let Some(c) = cache.get(at) {
        if c.start == style {
            break;
        }
        let next = ansi::style_after([c.line.text.as_str()], style.clone());
        updates.push((at, std::mem::replace(&mut style, next)));
        at += 1;
    }
    for (line, start) in updates {
        if let Some(c) = cache.get_mut(line) {
            c.start = start;
        }
    }
}
