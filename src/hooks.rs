//! Reactive helpers shared by pages: a live clock and a polling loader.

use crate::api::buildbot_ws::{LiveFeed, WsState};
use buildscope_core::buildbot::ws::Frame;
use buildscope_core::error::ApiError;
use futures::channel::mpsc;
use futures::future::{abortable, select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// Seconds since the epoch, from the browser clock.
pub fn now_secs() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// The viewer's time zone as minutes east of UTC.
pub fn tz_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// A clock that ticks once a second, shared through context so all live durations tick together.
#[derive(Clone, Copy)]
pub struct Clock(pub ReadSignal<f64>);

pub fn provide_clock() {
    let (now, set_now) = signal(now_secs());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(now_secs()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    provide_context(Clock(now));
}

/// The shared clock (a static clock when none was provided, e.g. in component tests).
pub fn use_clock() -> ReadSignal<f64> {
    use_context::<Clock>()
        .map(|c| c.0)
        .unwrap_or_else(|| signal(now_secs()).0)
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.hidden())
        .unwrap_or(false)
}

/// State of a polled load. `data` keeps the last good value while a refresh fails, so a
/// transient error shows as a banner over the data instead of wiping it.
pub struct Polled<T: Send + Sync + 'static> {
    pub data: RwSignal<Option<T>>,
    pub error: RwSignal<Option<ApiError>>,
    refresh: StoredValue<Option<mpsc::UnboundedSender<()>>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Polled<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Polled<T> {}

impl<T: Send + Sync + 'static> Polled<T> {
    /// Fetch again now (a "Retry" button).
    pub fn refresh(&self) {
        self.refresh.with_value(|tx| {
            if let Some(tx) = tx {
                let _ = tx.unbounded_send(());
            }
        });
    }
}

/// What a view does once nothing it shows is running any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenIdle {
    /// Keep looking for new builds, slowly (lists).
    PollSlowly,
    /// Stop: a finished build does not change (build pages). A "Retry" or a websocket event
    /// still refreshes it.
    Stop,
}

/// Delay before the next poll, `None` to stop: quick while something is running, slow or
/// never when idle, backing off on consecutive failures (2, 4, 8, 16, 30 s).
pub fn next_delay_ms(active: bool, failures: u32, idle: WhenIdle) -> Option<u32> {
    if failures > 0 {
        Some(buildscope_core::retry::backoff_ms(failures))
    } else if active {
        Some(4_000)
    } else if idle == WhenIdle::PollSlowly {
        Some(30_000)
    } else {
        None
    }
}

/// Loads with `fetch` now, then again on a schedule (see [`next_delay_ms`]), pausing while the
/// tab is hidden. One request at a time, in order, so a slow response never overtakes a newer
/// one; the loop stops when the owning view is dropped, and its request in flight is aborted
/// (or, for Buildbot, read to its end and dropped: `Endpoint::never_hang_up`).
pub fn use_polled<T, F, Fut>(fetch: F, is_active: fn(&T) -> bool, idle: WhenIdle) -> Polled<T>
where
    T: Clone + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    use_polled_fresh(fetch, is_active, idle, |_, new| new)
}

/// [`use_polled`] for build data: `fresher(shown, answer)` decides what to show, so an answer
/// that is behind what is on screen (a lagging replica or cache; see `freshness.rs`) does not
/// move the view back in time.
pub fn use_polled_fresh<T, F, Fut>(
    fetch: F,
    is_active: fn(&T) -> bool,
    idle: WhenIdle,
    fresher: fn(&T, T) -> T,
) -> Polled<T>
where
    T: Clone + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let data = RwSignal::new(None::<T>);
    let error = RwSignal::new(None::<ApiError>);
    let (tx, mut rx) = mpsc::unbounded::<()>();
    let waiter = crate::api::auth::on_token(tx.clone());
    let refresh = StoredValue::new_local(Some(tx));
    let task = async move {
        let mut failures = 0u32;
        loop {
            let active = match fetch().await {
                Ok(v) => {
                    failures = 0;
                    let v = match data.try_get_untracked().flatten() {
                        Some(shown) => fresher(&shown, v),
                        None => v,
                    };
                    let active = is_active(&v);
                    let _ = data.try_set(Some(v));
                    let _ = error.try_set(None);
                    active
                }
                Err(e) => {
                    failures += 1;
                    let _ = error.try_set(Some(e));
                    true
                }
            };
            match next_delay_ms(active, failures, idle) {
                Some(ms) => {
                    if let Either::Right((None, _)) =
                        select(TimeoutFuture::new(ms), rx.next()).await
                    {
                        return; // the sender is gone: the view was dropped
                    }
                }
                None => {
                    if rx.next().await.is_none() {
                        return;
                    }
                }
            }
            // Coalesce a burst of wake-ups (websocket events) into one fetch.
            while rx.try_recv().is_ok() {}
            while page_hidden() {
                TimeoutFuture::new(1_000).await;
            }
        }
    };
    let (task, handle) = abortable(task);
    spawn_local(async move {
        let _ = task.await;
    });
    on_cleanup(move || {
        handle.abort();
        drop(waiter);
    });
    Polled {
        data,
        error,
        refresh,
    }
}

/// What a websocket event refreshes: one polled view, or two that share one connection
/// (`(a, b)`: a page showing two things of one master opens one socket, not two).
pub trait Refresh: Copy + 'static {
    fn refresh(&self);
}

impl<T: Send + Sync + 'static> Refresh for Polled<T> {
    fn refresh(&self) {
        Polled::refresh(self)
    }
}

impl<A: Refresh, B: Refresh> Refresh for (A, B) {
    fn refresh(&self) {
        self.0.refresh();
        self.1.refresh();
    }
}

/// Follows a Buildbot master's websocket for `paths`; any event (and a reconnect, after which
/// events may have been missed) refreshes `polled` over REST, so the REST answer stays the one
/// source of truth and ordering is never in doubt. Returns the connection state for display.
pub fn use_live(
    url: Option<String>,
    paths: Vec<String>,
    polled: impl Refresh,
) -> RwSignal<Option<WsState>> {
    let state = RwSignal::new(None);
    let Some(url) = url else { return state };
    let feed = LiveFeed::connect(
        url,
        paths,
        move |frame| {
            if matches!(frame, Frame::Event { .. }) {
                polled.refresh();
            }
        },
        move |s| {
            if s == WsState::Reopened {
                polled.refresh();
            }
            let _ = state.try_set(Some(s));
        },
    );
    let feed = StoredValue::new_local(Some(feed));
    on_cleanup(move || feed.update_value(|f| drop(f.take())));
    state
}

/// Sets the document title (page title shows what is open and its status).
pub fn set_title(title: &str) {
    PAGE_TITLE.with(|t| t.set(title.to_string()));
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(title);
    }
}

thread_local! {
    // Reference-counted, not owned by the page that first set a title: an arena signal would
    // be disposed with that page.
    static PAGE_TITLE: ArcRwSignal<String> = ArcRwSignal::new(String::new());
}

/// The title the current page set, before watched builds lead it (`watches.rs`).
pub fn page_title() -> ArcRwSignal<String> {
    PAGE_TITLE.with(|t| t.clone())
}
