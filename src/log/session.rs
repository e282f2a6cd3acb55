//! The log engine's driver in the browser: the rules (one request in flight app-wide, settle
//! while dragging, a stale window let finish rather than aborted, backoff, the bounded cache,
//! the background scan) live in `buildscope_core::log::engine`; this file only executes its
//! commands — `contents` requests through [`BuildbotClient`], timers with gloo, signals for
//! the view. No DOM here: the component reports which lines are on screen and renders what
//! the session holds.

use crate::api::buildbot::BuildbotClient;
use buildscope_core::buildbot::paths::{LogRef, Window};
use buildscope_core::buildbot::LogType;
use buildscope_core::error::ApiError;
use buildscope_core::log::engine::{BuildbotLines, Command, Engine, Lane, LaneId, Timer};
use buildscope_core::log::scan::Scanner;
use buildscope_core::log::search::Matcher;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::ops::Range;
use std::rc::{Rc, Weak};

pub use buildscope_core::log::engine::{Cached, ScanProgress};

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
    engine: Engine<BuildbotLines>,
    settle: Option<Timeout>,
    retry: Option<Timeout>,
}

impl Inner {
    fn timer(&mut self, timer: Timer) -> &mut Option<Timeout> {
        match timer {
            Timer::Settle => &mut self.settle,
            Timer::Retry => &mut self.retry,
        }
    }
}

thread_local! {
    /// One lane for every session: the app never has two log requests in flight, not even
    /// while a closed page's request is still being answered.
    static LANE: RefCell<Lane> = const { RefCell::new(Lane::new()) };
    /// The sessions by lane seat, so the ones the lane wakes can be found. Weak: a page that
    /// is gone is not kept alive by its seat (a closed session leaves the lane's queue).
    static SEATS: RefCell<Vec<Seat>> = const { RefCell::new(Vec::new()) };
}

struct Seat {
    id: LaneId,
    inner: Weak<RefCell<Inner>>,
    sig: Signals,
}

#[derive(Clone)]
pub struct LogSession {
    inner: Rc<RefCell<Inner>>,
    pub sig: Signals,
}

impl LogSession {
    pub fn new(client: BuildbotClient, logid: i64, kind: LogType, total: u64) -> LogSession {
        let engine =
            LANE.with(|l| Engine::new(BuildbotLines::new(kind), total, &mut l.borrow_mut()));
        let seat = engine.lane_id();
        let inner = Rc::new(RefCell::new(Inner {
            client,
            log: LogRef::Id(logid),
            engine,
            settle: None,
            retry: None,
        }));
        let sig = Signals {
            total: RwSignal::new(total),
            version: RwSignal::new(0),
            scan_version: RwSignal::new(0),
            scan: RwSignal::new(ScanProgress::default()),
            error: RwSignal::new(None),
            requests: RwSignal::new((0, 0)),
        };
        SEATS.with(|s| {
            let mut s = s.borrow_mut();
            s.retain(|s| s.inner.strong_count() > 0);
            s.push(Seat {
                id: seat,
                inner: Rc::downgrade(&inner),
                sig,
            });
        });
        LogSession { inner, sig }
    }

    /// Stops everything (the view was dropped). A request in flight is let finish and its
    /// answer ignored: the lane stays taken until then, so the next page's first request never
    /// overlaps it, and Buildbot is never hung up on (see `Endpoint::never_hang_up`).
    pub fn close(&self) {
        self.drive(|e, lane| e.close(lane));
    }

    /// The lines on screen changed.
    pub fn set_view(&self, view: Vec<Range<u64>>) {
        let now = js_sys::Date::now() as u64;
        self.drive(|e, lane| e.set_view(view, now, lane));
    }

    /// The log grew (websocket `append`, or a poll). A smaller number is ignored: an older
    /// answer never replaces a newer one.
    pub fn set_total(&self, total: u64) {
        self.drive(|e, lane| e.set_total(total, lane));
    }

    pub fn set_search(&self, matcher: Option<Matcher>) {
        self.drive(|e, lane| e.set_search(matcher, lane));
    }

    /// Start indexing groups and errors (long logs only do it when asked).
    pub fn want_index(&self) {
        self.drive(|e, lane| e.want_index(lane));
    }

    /// Reads the scanner (groups, errors, hits).
    pub fn with_scanner<R>(&self, f: impl FnOnce(&Scanner) -> R) -> R {
        f(self.inner.borrow().engine.scanner())
    }

    /// Reads cached line `n`.
    pub fn with_line<R>(&self, n: u64, f: impl FnOnce(Option<&Cached>) -> R) -> R {
        f(self.inner.borrow().engine.line(n))
    }

    /// Retry now (the error panel's button).
    pub fn retry_now(&self) {
        self.drive(|e, lane| e.retry_now(lane));
    }

    /// Gives the engine one input, then executes what it asked for. The borrows end before
    /// any command runs, so signal subscribers may read the session.
    fn drive(&self, input: impl FnOnce(&mut Engine<BuildbotLines>, &mut Lane)) {
        let commands = LANE.with(|lane| {
            let mut inner = self.inner.borrow_mut();
            input(&mut inner.engine, &mut lane.borrow_mut());
            inner.engine.take_commands()
        });
        for c in commands {
            self.execute(c);
        }
    }

    fn execute(&self, command: Command<Window>) {
        let sig = self.sig;
        match command {
            Command::Fetch { token, request } => {
                let (client, log) = {
                    let i = self.inner.borrow();
                    (i.client.clone(), i.log.clone())
                };
                let this = self.clone();
                spawn_local(async move {
                    match client.contents(&log, Some(request)).await {
                        Ok(chunk) => this.drive(|e, lane| e.chunk_arrived(token, chunk, lane)),
                        Err(err) => this.drive(|e, lane| e.request_failed(token, err, lane)),
                    }
                });
            }
            Command::SetTimer { timer, ms } => {
                let this = self.clone();
                let t = Timeout::new(ms, move || {
                    this.inner.borrow_mut().timer(timer).take();
                    this.drive(|e, lane| e.timer_fired(timer, lane));
                });
                // Replacing a timer drops (and so cancels) the one it replaces.
                *self.inner.borrow_mut().timer(timer) = Some(t);
            }
            Command::CancelTimer(timer) => {
                self.inner.borrow_mut().timer(timer).take();
            }
            Command::Wake(seat) => {
                let woken = SEATS.with(|s| {
                    let s = s.borrow();
                    let seat = s.iter().find(|s| s.id == seat)?;
                    Some(LogSession {
                        inner: seat.inner.upgrade()?,
                        sig: seat.sig,
                    })
                });
                if let Some(s) = woken {
                    s.drive(|e, lane| e.lane_free(lane));
                }
            }
            Command::LinesChanged => {
                let _ = sig.version.try_update(|v| *v += 1);
            }
            Command::TotalChanged(total) => {
                let _ = sig.total.try_set(total);
            }
            Command::ScanFound => {
                let _ = sig.scan_version.try_update(|v| *v += 1);
            }
            Command::ScanProgress(p) => {
                let _ = sig.scan.try_set(p);
            }
            Command::Error(e) => {
                let _ = sig.error.try_set(e);
            }
            Command::Traffic { requests, bytes } => {
                let _ = sig.requests.try_set((requests, bytes));
            }
        }
    }
}
