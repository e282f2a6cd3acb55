//! The log viewer's engine in the browser: it owns the line cache, asks `logwindow::plan`
//! what to fetch, keeps exactly one `contents` request in flight (aborting a stale one),
//! feeds the background scan (`logscan`) and tells the view through signals when lines
//! arrive. No DOM here: the component reports which lines are on screen and renders what the
//! session holds.

use crate::ansi::{self, Style};
use crate::api::buildbot::BuildbotClient;
use crate::buildbot::paths::{LogRef, Window};
use crate::buildbot::LogType;
use crate::error::ApiError;
use crate::logscan::Scanner;
use crate::logsearch::Matcher;
use crate::logtext::LogLine;
use crate::logwindow::{keep_range, plan, Decision, LineCache, PlanConfig, Purpose, Request};
use futures::future::{abortable, AbortHandle};
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
    in_flight: Option<(Request, AbortHandle)>,
    failures: u32,
    retry: Option<Timeout>,
    alive: bool,
}

#[derive(Clone)]
pub struct LogSession {
    inner: Rc<RefCell<Inner>>,
    pub sig: Signals,
}

impl LogSession {
    pub fn new(client: BuildbotClient, logid: i64, kind: LogType, total: u64) -> LogSession {
        let mut scanner = Scanner::new();
        if total <= crate::logscan::AUTO_SCAN_LINES {
            scanner.want_index();
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
                failures: 0,
                retry: None,
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

    /// Stops everything: aborts the request in flight (the view was dropped).
    pub fn close(&self) {
        let mut i = self.inner.borrow_mut();
        i.alive = false;
        i.retry = None;
        if let Some((_, h)) = i.in_flight.take() {
            h.abort();
        }
    }

    /// The lines on screen changed.
    pub fn set_view(&self, view: Vec<Range<u64>>) {
        {
            let mut i = self.inner.borrow_mut();
            if i.view == view {
                return;
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
            let was = i.scanner.indexing();
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

    pub fn cached_lines(&self) -> u64 {
        self.inner.borrow().cache.len()
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
            if !i.alive || i.retry.is_some() {
                return;
            }
            let fed = Self::feed_cached(&mut i);
            if fed {
                drop(i);
                self.scan_changed();
                i = self.inner.borrow_mut();
            }
            let scan_from = i.scanner.next_needed(i.total);
            plan(
                &i.view,
                i.total,
                &i.cache,
                i.in_flight.as_ref().map(|(r, _)| *r),
                scan_from,
                &i.cfg,
            )
        };
        match decision {
            Decision::Idle | Decision::Wait => {}
            Decision::Start(r) | Decision::Replace(r) => self.send(r),
        }
    }

    fn send(&self, req: Request) {
        let (client, log) = {
            let mut i = self.inner.borrow_mut();
            if let Some((_, h)) = i.in_flight.take() {
                h.abort();
            }
            (i.client.clone(), i.log.clone())
        };
        let Some(window) = Window::new(req.offset, req.limit) else {
            return;
        };
        let (fut, handle) = abortable(async move { client.contents(&log, Some(window)).await });
        self.inner.borrow_mut().in_flight = Some((req, handle));
        let _ = self.sig.requests.try_update(|r| r.0 += 1);
        let this = self.clone();
        spawn_local(async move {
            match fut.await {
                Err(_aborted) => {}
                Ok(Ok(chunk)) => this.on_chunk(req, chunk.firstline, &chunk.content),
                Ok(Err(e)) => this.on_error(req, e),
            }
        });
    }

    fn on_chunk(&self, req: Request, firstline: u64, content: &str) {
        let _ = self
            .sig
            .requests
            .try_update(|r| r.1 += content.len() as u64);
        let mut i = self.inner.borrow_mut();
        if i.in_flight.as_ref().map(|(r, _)| *r) != Some(req) || !i.alive {
            return; // superseded while the response was being read
        }
        i.in_flight = None;
        i.failures = 0;
        let kind = i.kind.clone();
        let chunk = crate::buildbot::LogChunk {
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
            if i.in_flight.as_ref().map(|(r, _)| *r) != Some(req) || !i.alive {
                return;
            }
            i.in_flight = None;
            i.failures += 1;
            // The HTTP helper already retried transient failures; back off before the next
            // round so a broken master is not hammered by scrolling (2 s, 4 s … 30 s).
            (1_000u32 << i.failures.min(5)).min(30_000)
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
