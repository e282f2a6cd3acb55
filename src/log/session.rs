//! The log engine's driver in the browser: the rules (one request in flight app-wide, settle
//! while dragging, a stale window let finish rather than aborted, backoff, the bounded cache,
//! the background scan) live in `buildscope_core::log::engine`; this file only executes its
//! commands — requests through the source's client ([`Fetch`]: Buildbot `contents` windows,
//! Huawei byte-paged reads), timers with gloo, signals for the view. No DOM here: the
//! component reports which lines are on screen and renders what the session holds.
//!
//! One driver serves every source: [`Inner`] is generic over how a request is sent, and
//! [`LogSession`] holds it behind [`Driven`], so the viewer stays one non-generic component.

use crate::api::buildbot::BuildbotClient;
use crate::api::huawei::{CodeArtsClient, ServiceStageClient};
use buildscope_core::buildbot::paths::{LogRef, Window};
use buildscope_core::buildbot::LogType;
use buildscope_core::error::ApiError;
use buildscope_core::log::engine::bytes::{Extent, LineNo, LogTarget};
use buildscope_core::log::engine::{
    BuildbotLines, ByteLines, Command, Engine, Lane, LaneId, LineSource, Shift, Timer,
};
use buildscope_core::log::scan::Scanner;
use buildscope_core::log::search::Matcher;
use futures::future::LocalBoxFuture;
use futures::FutureExt;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::ops::Range;
use std::rc::{Rc, Weak};

pub use buildscope_core::log::engine::{Cached, ScanProgress};

/// While the tab is hidden, a due poll of a running log is put off by this much, again and
/// again, until the tab is shown (like `hooks::use_polled`'s pause).
const HIDDEN_RECHECK_MS: u32 = 1_000;

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
    /// Log requests sent and response bytes received (shown in the status line and read by
    /// the benchmark).
    pub requests: RwSignal<(u64, u64)>,
    /// How far a byte-paged log has been read (`None`: the source knows its length, Buildbot).
    pub extent: RwSignal<Option<Extent>>,
}

/// How one kind of log source is read: sends a request of its [`LineSource`], and says what
/// the engine's source knows beyond its lines.
trait Fetch: Clone + 'static {
    type Source: LineSource + 'static;
    /// Polls of a running log wait while the tab is hidden (a Buildbot log grows by
    /// websocket events instead: its only timer is the failure backoff, left as it was).
    const PAUSES_WHEN_HIDDEN: bool;
    fn fetch(
        &self,
        request: <Self::Source as LineSource>::Request,
    ) -> LocalBoxFuture<'static, Result<<Self::Source as LineSource>::Response, ApiError>>;
    fn extent(_source: &Self::Source) -> Option<Extent> {
        None
    }
    fn line_no(_source: &Self::Source, n: u64) -> Option<LineNo> {
        Some(LineNo::Exact(n))
    }
    fn want_tail(_source: &mut Self::Source) {}
    fn set_running(_source: &mut Self::Source, _running: bool) {}
}

#[derive(Clone)]
struct BuildbotFetch {
    client: BuildbotClient,
    log: LogRef,
    /// The window `script/boot.js` asked for before the app started, and the address it used
    /// (the page's route names no log id): the first request for exactly that window goes
    /// there, so the HTTP layer takes boot.js's answer.
    early: Rc<RefCell<Option<(Window, LogRef)>>>,
}

impl Fetch for BuildbotFetch {
    type Source = BuildbotLines;
    const PAUSES_WHEN_HIDDEN: bool = false;
    fn fetch(
        &self,
        request: Window,
    ) -> LocalBoxFuture<'static, Result<buildscope_core::buildbot::LogChunk, ApiError>> {
        let early = self.early.borrow_mut().take_if(|(w, _)| *w == request);
        let (client, log) = (self.client.clone(), self.log.clone());
        async move {
            if let Some((_, at)) = early {
                // boot.js's answer. Only a 404 (a server without the path form) asks again
                // by id at once; any other failure is the window's, backed off like any
                // other, so a broken master is not asked twice as often.
                match client.contents(&at, Some(request)).await {
                    Err(e) if e.status == Some(404) => {}
                    answer => return answer,
                }
            }
            client.contents(&log, Some(request)).await
        }
        .boxed_local()
    }
}

/// The Huawei client whose API a byte-paged log is read through.
#[derive(Clone)]
pub enum HuaweiClient {
    CodeArts(CodeArtsClient),
    ServiceStage(ServiceStageClient),
}

impl Fetch for HuaweiClient {
    type Source = ByteLines;
    const PAUSES_WHEN_HIDDEN: bool = true;
    fn fetch(
        &self,
        request: buildscope_core::log::engine::bytes::ByteRequest,
    ) -> LocalBoxFuture<'static, Result<buildscope_core::log::engine::bytes::ByteAnswer, ApiError>>
    {
        let client = self.clone();
        async move {
            match client {
                HuaweiClient::CodeArts(c) => c.log_read(&request).await,
                HuaweiClient::ServiceStage(c) => c.log_read(&request).await,
            }
        }
        .boxed_local()
    }
    fn extent(source: &ByteLines) -> Option<Extent> {
        Some(source.extent())
    }
    fn line_no(source: &ByteLines, n: u64) -> Option<LineNo> {
        source.line_no(n)
    }
    fn want_tail(source: &mut ByteLines) {
        source.want_tail();
    }
    fn set_running(source: &mut ByteLines, running: bool) {
        source.set_running(running);
    }
}

/// One input for the engine from outside the driver, whatever its source.
enum Input {
    Close,
    View(Vec<Range<u64>>, u64),
    Total(u64),
    Search(Option<Matcher>),
    WantIndex,
    RetryNow,
    LaneFree,
    OpenAt(Range<u64>),
    WantTail,
    Running(bool),
}

struct Inner<F: Fetch> {
    fetch: F,
    engine: Engine<F::Source>,
    settle: Option<Timeout>,
    retry: Option<Timeout>,
}

impl<F: Fetch> Inner<F> {
    fn timer(&mut self, timer: Timer) -> &mut Option<Timeout> {
        match timer {
            Timer::Settle => &mut self.settle,
            Timer::Retry => &mut self.retry,
        }
    }
}

/// A session of some source, as the viewer and the lane's seats hold it.
trait Driven {
    fn input(self: Rc<Self>, input: Input);
    fn with_scanner(&self, f: &mut dyn FnMut(&Scanner));
    fn with_line(&self, n: u64, f: &mut dyn FnMut(Option<&Cached>));
    fn line_no(&self, n: u64) -> Option<LineNo>;
    fn on_shift(&self, f: ShiftReport);
}

/// Receives lines inserted before known ones (see [`LogSession::on_shift`]).
type ShiftReport = Rc<dyn Fn(Shift)>;

struct Driver<F: Fetch> {
    inner: RefCell<Inner<F>>,
    sig: Signals,
    /// Where lines inserted before known ones are reported (the viewer's reducer).
    shifted: RefCell<Option<ShiftReport>>,
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
    session: Weak<dyn Driven>,
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

impl<F: Fetch> Driver<F> {
    /// Gives the engine one input, then executes what it asked for. The borrows end before
    /// any command runs, so signal subscribers may read the session.
    fn drive(self: &Rc<Self>, input: impl FnOnce(&mut Engine<F::Source>, &mut Lane)) {
        let (commands, shifts, extent) = LANE.with(|lane| {
            let mut inner = self.inner.borrow_mut();
            input(&mut inner.engine, &mut lane.borrow_mut());
            (
                inner.engine.take_commands(),
                inner.engine.take_shifts(),
                F::extent(inner.engine.source()),
            )
        });
        // `try_`: an answer may arrive after the page (and its signals) is gone.
        if self
            .sig
            .extent
            .try_get_untracked()
            .is_some_and(|e| e != extent)
        {
            let _ = self.sig.extent.try_set(extent);
        }
        for c in commands {
            self.execute(c);
        }
        // After the total changed: the viewer moves what pointed at the lines that moved.
        let shifted = self.shifted.borrow().clone();
        if let Some(report) = shifted {
            for s in shifts {
                report(s);
            }
        }
    }

    fn fire(self: &Rc<Self>, timer: Timer) {
        self.inner.borrow_mut().timer(timer).take();
        // A hidden tab does not poll: the due timer is set again until the tab is shown.
        if F::PAUSES_WHEN_HIDDEN && timer == Timer::Retry && page_hidden() {
            self.set_timer(timer, HIDDEN_RECHECK_MS);
            return;
        }
        self.drive(|e, lane| e.timer_fired(timer, lane));
    }

    fn set_timer(self: &Rc<Self>, timer: Timer, ms: u32) {
        let this = self.clone();
        let t = Timeout::new(ms, move || this.fire(timer));
        // Replacing a timer drops (and so cancels) the one it replaces.
        *self.inner.borrow_mut().timer(timer) = Some(t);
    }

    fn execute(self: &Rc<Self>, command: Command<<F::Source as LineSource>::Request>) {
        let sig = self.sig;
        match command {
            Command::Fetch { token, request } => {
                let sent = self.inner.borrow().fetch.fetch(request);
                let this = self.clone();
                spawn_local(async move {
                    match sent.await {
                        Ok(answer) => this.drive(|e, lane| e.chunk_arrived(token, answer, lane)),
                        Err(err) => this.drive(|e, lane| e.request_failed(token, err, lane)),
                    }
                });
            }
            Command::SetTimer { timer, ms } => self.set_timer(timer, ms),
            Command::CancelTimer(timer) => {
                self.inner.borrow_mut().timer(timer).take();
            }
            Command::Wake(seat) => {
                let woken = SEATS.with(|s| {
                    let s = s.borrow();
                    s.iter().find(|s| s.id == seat)?.session.upgrade()
                });
                if let Some(s) = woken {
                    s.input(Input::LaneFree);
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

impl<F: Fetch> Driven for Driver<F> {
    fn input(self: Rc<Self>, input: Input) {
        match input {
            Input::Close => {
                // The viewer that listened for shifts is being dropped with its signals.
                self.shifted.borrow_mut().take();
                self.drive(|e, lane| e.close(lane))
            }
            Input::View(view, now) => self.drive(|e, lane| e.set_view(view, now, lane)),
            Input::Total(total) => self.drive(|e, lane| e.set_total(total, lane)),
            Input::Search(m) => self.drive(|e, lane| e.set_search(m, lane)),
            Input::WantIndex => self.drive(|e, lane| e.want_index(lane)),
            Input::RetryNow => self.drive(|e, lane| e.retry_now(lane)),
            Input::LaneFree => self.drive(|e, lane| e.lane_free(lane)),
            Input::OpenAt(lines) => self.drive(|e, lane| e.open_at(lines, lane)),
            Input::WantTail => self.drive(|e, lane| e.with_source(F::want_tail, lane)),
            Input::Running(r) => {
                self.drive(|e, lane| e.with_source(|s| F::set_running(s, r), lane))
            }
        }
    }

    fn with_scanner(&self, f: &mut dyn FnMut(&Scanner)) {
        f(self.inner.borrow().engine.scanner())
    }

    fn with_line(&self, n: u64, f: &mut dyn FnMut(Option<&Cached>)) {
        f(self.inner.borrow().engine.line(n))
    }

    fn line_no(&self, n: u64) -> Option<LineNo> {
        F::line_no(self.inner.borrow().engine.source(), n)
    }

    fn on_shift(&self, f: ShiftReport) {
        *self.shifted.borrow_mut() = Some(f);
    }
}

/// A log being read, as the viewer holds it (cheap to clone: every clone is the same session).
#[derive(Clone)]
pub struct LogSession {
    driven: Rc<dyn Driven>,
    pub sig: Signals,
}

impl LogSession {
    /// A Buildbot log of `total` lines (as last known). `opened` is the address the page was
    /// opened by, when it names this very log: the window `script/boot.js` asked for there
    /// (if it did) is asked for at once, so its answer is taken rather than asked again.
    pub fn new(
        client: BuildbotClient,
        logid: i64,
        kind: LogType,
        total: u64,
        opened: Option<LogRef>,
    ) -> LogSession {
        let early = opened.and_then(|at| Some((client.early_window(&at)?, at)));
        let first = early
            .as_ref()
            .map(|(w, _)| w.offset()..w.offset() + w.limit());
        let fetch = BuildbotFetch {
            client,
            log: LogRef::Id(logid),
            early: Rc::new(RefCell::new(early)),
        };
        let session = Self::start(fetch, BuildbotLines::new(kind), total);
        if let Some(lines) = first {
            session.input(Input::OpenAt(lines));
        }
        session
    }

    /// A Huawei log read by byte offset, of a build that is still `running` (or not). It starts
    /// counting lines at once, before the view asks for any.
    pub fn huawei(client: HuaweiClient, target: LogTarget, running: bool) -> LogSession {
        let session = Self::start(client, ByteLines::new(target, running), 0);
        session.driven.clone().input(Input::Running(running));
        session
    }

    fn start<F: Fetch>(fetch: F, source: F::Source, total: u64) -> LogSession {
        let engine = LANE.with(|l| Engine::new(source, total, &mut l.borrow_mut()));
        let seat = engine.lane_id();
        let sig = Signals {
            total: RwSignal::new(total),
            version: RwSignal::new(0),
            scan_version: RwSignal::new(0),
            scan: RwSignal::new(ScanProgress::default()),
            error: RwSignal::new(None),
            requests: RwSignal::new((0, 0)),
            extent: RwSignal::new(F::extent(engine.source())),
        };
        let driver = Rc::new(Driver {
            inner: RefCell::new(Inner {
                fetch,
                engine,
                settle: None,
                retry: None,
            }),
            sig,
            shifted: RefCell::new(None),
        });
        let driven: Rc<dyn Driven> = driver;
        SEATS.with(|s| {
            let mut s = s.borrow_mut();
            s.retain(|s| s.session.strong_count() > 0);
            s.push(Seat {
                id: seat,
                session: Rc::downgrade(&driven),
            });
        });
        LogSession { driven, sig }
    }

    fn input(&self, input: Input) {
        self.driven.clone().input(input);
    }

    /// Stops everything (the view was dropped). A request in flight is let finish and its
    /// answer ignored: the lane stays taken until then, so the next page's first request never
    /// overlaps it, and Buildbot is never hung up on (see `Endpoint::never_hang_up`).
    pub fn close(&self) {
        self.input(Input::Close);
    }

    /// The lines on screen changed.
    pub fn set_view(&self, view: Vec<Range<u64>>) {
        self.input(Input::View(view, js_sys::Date::now() as u64));
    }

    /// The log grew (websocket `append`, or a poll). A smaller number is ignored: an older
    /// answer never replaces a newer one.
    pub fn set_total(&self, total: u64) {
        self.input(Input::Total(total));
    }

    pub fn set_search(&self, matcher: Option<Matcher>) {
        self.input(Input::Search(matcher));
    }

    /// Start indexing groups and errors (long logs only do it when asked).
    pub fn want_index(&self) {
        self.input(Input::WantIndex);
    }

    /// Retry now (the error panel's button).
    pub fn retry_now(&self) {
        self.input(Input::RetryNow);
    }

    /// The view went to the end: a byte-paged log reads its last chunk now where its API can,
    /// rather than after counting everything (no-op for Buildbot).
    pub fn want_tail(&self) {
        self.input(Input::WantTail);
    }

    /// The build finished (or runs): a byte-paged log's end is then an answer saying there is
    /// no more (no-op for Buildbot).
    pub fn set_running(&self, running: bool) {
        self.input(Input::Running(running));
    }

    /// Reads the scanner (groups, errors, hits).
    pub fn with_scanner<R>(&self, f: impl FnOnce(&Scanner) -> R) -> R {
        let mut f = Some(f);
        let mut out = None;
        self.driven
            .with_scanner(&mut |s| out = f.take().map(|f| f(s)));
        out.expect("with_scanner runs its closure")
    }

    /// Reads cached line `n`.
    pub fn with_line<R>(&self, n: u64, f: impl FnOnce(Option<&Cached>) -> R) -> R {
        let mut f = Some(f);
        let mut out = None;
        self.driven
            .with_line(n, &mut |c| out = f.take().map(|f| f(c)));
        out.expect("with_line runs its closure")
    }

    /// How line `n` is numbered: exactly, or (a byte-paged log's tail, read before the lines
    /// ahead of it were counted) from the end. Only exact lines get permalinks.
    pub fn line_no(&self, n: u64) -> Option<LineNo> {
        self.driven.line_no(n)
    }

    /// Where lines inserted before known ones are reported (the viewer's
    /// `Event::LinesInserted`); one receiver per session.
    pub fn on_shift(&self, f: impl Fn(Shift) + 'static) {
        self.driven.on_shift(Rc::new(f));
    }
}
