//! `/s/:source/builds/:buildid/steps/:step/logs/:slug` (+ `#L<n>` / `#L<a>-L<b>`): one log of
//! a Buildbot step, with the step's other logs as tabs.

use super::{param, polled_view, source_by_id};
use crate::api::buildbot::{BuildbotClient, StepLogs};
use crate::api::buildbot_ws::{LiveFeed, WsState};
use crate::components::{EmptyState, ErrorPanel, LiveIndicator, Loading, StatusBadge};
use crate::hooks::{set_title, use_polled_fresh, WhenIdle};
use crate::log::session::LogSession;
use crate::log::viewer::LogViewer;
use buildscope_core::buildbot::paths::{BuildRef, LogRef, StepRef};
use buildscope_core::buildbot::ws::{Entity, Frame};
use buildscope_core::buildbot::{Log, LogType};
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::log::text::parse_line_anchor;
use buildscope_core::routes::{builder_key, Route};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// Where a step's log lives in the app (the step by number: names are not always usable).
pub fn log_href(source_id: &str, buildid: i64, step: i64, slug: String) -> String {
    Route::StepLog {
        source: source_id.to_string(),
        build: buildid,
        step,
        slug,
        lines: None,
    }
    .href()
}

#[component]
pub fn LogPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let p = params.read();
        let buildid = param(&p, "buildid").parse::<i64>().ok();
        let step = param(&p, "step").parse::<i64>().ok();
        let slug = param(&p, "slug");
        match (source_by_id(&p), buildid, step) {
            (Err(msg), _, _) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            (Ok(s), _, _) if s.kind != SourceKind::Buildbot => view! {
                <section class="page"><EmptyState title="No step logs here" hint="Step logs are a Buildbot view; open the build page of this source instead."/></section>
            }.into_any(),
            (Ok(source), Some(buildid), Some(step)) => view! { <StepLogView source buildid step slug/> }.into_any(),
            _ => view! { <section class="page"><EmptyState title="Not a log address" hint="The build and step in this address must be numbers."/></section> }.into_any(),
        }
    }
}

#[component]
fn StepLogView(source: Source, buildid: i64, step: i64, slug: String) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let c = client.clone();
    let polled = use_polled_fresh(
        move || {
            let c = c.clone();
            async move { c.step_logs(buildid, step).await }
        },
        |d: &StepLogs| d.step.status().is_active() || d.logs.iter().any(|l| !l.complete),
        WhenIdle::Stop,
        StepLogs::fresher,
    );
    let source_id = source.id.clone();
    Effect::new(move |_| {
        if let Some(d) = polled.data.get() {
            set_title(&format!(
                "{} · {} #{} — {} · buildscope",
                d.step.name,
                d.detail.builder.name,
                d.detail.build.number,
                d.step.status()
            ));
        }
    });
    // The fast path to the first line: the log entity and its step by their own paths, in
    // parallel (one round trip), not after the page's header data (three). The header and the
    // other logs' tabs come from `polled` as they arrive.
    let fast = RwSignal::new(None::<(Log, bool)>);
    {
        let c = client.clone();
        let log_ref = LogRef::BuildStep {
            buildid,
            step: StepRef::Number(step),
            slug: slug.clone(),
        };
        let step_ref = StepRef::Number(step);
        spawn_local(async move {
            let build = BuildRef::Id(buildid);
            let (log, st) = futures::join!(c.log(&log_ref), c.step(&build, &step_ref));
            if let (Ok(log), Ok(st)) = (log, st) {
                let _ = fast.try_set(Some((log, st.status().is_bad())));
            }
        });
    }
    // The log itself is keyed by its id so switching tabs starts a fresh session, while
    // refreshes of the page data (the log growing) only update the running one. An unknown
    // slug falls back to the step's first log once the page data is in.
    let route_slug = slug.clone();
    let chosen = Memo::new(move |_| {
        if let Some(id) = fast.with(|f| f.as_ref().map(|(l, _)| l.logid)) {
            return Some(Some(id));
        }
        polled.data.with(|d| {
            d.as_ref().map(|d| {
                d.logs
                    .iter()
                    .find(|l| l.slug == slug)
                    .or_else(|| d.logs.first())
                    .map(|l| l.logid)
            })
        })
    });
    let head = polled_view(polled, "Loading log…", move |d: StepLogs| {
        head_view(&source_id, buildid, d)
    });
    let body = move || match chosen.get() {
        None => ().into_any(),
        Some(None) => {
            view! { <EmptyState title="No logs" hint="This step has not written any log."/> }
                .into_any()
        }
        Some(Some(logid)) => {
            let from_poll = polled.data.with_untracked(|d| {
                d.as_ref().and_then(|d| {
                    let log = d.logs.iter().find(|l| l.logid == logid).cloned()?;
                    Some((log, d.step.status().is_bad()))
                })
            });
            let (log, failed) = match fast.get_untracked().or(from_poll) {
                Some(x) => x,
                None => return ().into_any(),
            };
            // The freshest metadata for this log, from polls (the websocket updates it too).
            let meta = Signal::derive(move || {
                polled.data.with(|d| {
                    d.as_ref()
                        .and_then(|d| d.logs.iter().find(|l| l.logid == logid).cloned())
                })
            });
            let resync = Callback::new(move |_| polled.refresh());
            // The address this page was opened by, when it names this log (an unknown slug
            // fell back to the step's first log): boot.js may have asked for its first window.
            let opened = (log.slug == route_slug).then(|| LogRef::BuildStep {
                buildid,
                step: StepRef::Number(step),
                slug: route_slug.clone(),
            });
            view! { <LogBody client=client.clone() log meta failed resync opened/> }.into_any()
        }
    };
    view! {
        <section class="page page--log">
            {head}
            {body}
        </section>
    }
}

fn head_view(source_id: &str, buildid: i64, d: StepLogs) -> impl IntoView {
    let step = d.step;
    let step_name = step.name.clone();
    let build_link = Route::build(source_id, &buildid.to_string(), "").href();
    let step_link = Route::Build {
        source: source_id.to_string(),
        build: buildid.to_string(),
        job: None,
        step: Some(step.number),
    }
    .href();
    let builder = d.detail.builder;
    let build = d.detail.build;
    let builder_key = builder_key(&builder.name, builder.builderid);
    let tabs = d
        .logs
        .into_iter()
        .map(|l| {
            let href = log_href(source_id, buildid, step.number, l.slug);
            view! {
                <li><A href=href attr:class="log-tab">{l.name}
                    <span class="muted num">{format!(" {}", buildscope_core::timefmt::group_digits(l.num_lines))}</span>
                </A></li>
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href=Route::source(source_id).href()>"Builders"</A>
            <span aria-hidden="true">" / "</span>
            <A href=Route::builder(source_id, &builder_key).href()>{builder.name}</A>
            <span aria-hidden="true">" / "</span>
            <A href=build_link>{format!("#{}", build.number)}</A>
            <span aria-hidden="true">" / "</span>
            <A href=step_link>{step_name}</A>
        </nav>
        <header class="log-head">
            <h1>{step.name.clone()}</h1>
            <StatusBadge status=step.status() system_label=step.system_label()/>
            <span class="muted">{step.state_string.clone()}</span>
        </header>
        <ul class="log-tabs" aria-label="Logs of this step">{tabs}</ul>
    }
}

/// One log by type: stdio and text in the virtualized viewer, HTML in a sandboxed frame,
/// deleted logs as a notice.
#[component]
fn LogBody(
    client: BuildbotClient,
    log: Log,
    meta: Signal<Option<Log>>,
    failed: bool,
    /// Reads the page data again (after a websocket reconnect).
    resync: Callback<()>,
    /// The address the page was opened by, when it names this log.
    opened: Option<LogRef>,
) -> impl IntoView {
    let log_ref = LogRef::Id(log.logid);
    let raw_url = client.raw_url(&log_ref, true);
    let download_url = client.raw_url(&log_ref, false);
    match log.log_type.clone() {
        LogType::Deleted => view! {
            <EmptyState title="This log was deleted" hint="The master's janitor removed its contents; only its name and size remain."/>
        }
        .into_any(),
        LogType::Html => view! { <HtmlLog client log download_url/> }.into_any(),
        kind => {
            let session = LogSession::new(client.clone(), log.logid, kind, log.num_lines, opened);
            let complete = RwSignal::new(log.complete);
            let live = follow_log(&client, &log, &session, meta, complete, resync);
            let selected = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .and_then(|h| parse_line_anchor(&h));
            view! {
                {move || (!complete.get()).then(|| view! { <LiveIndicator state=live/> })}
                <LogViewer session complete selected open_at_error=failed raw_url download_url/>
            }
            .into_any()
        }
    }
}

/// Keeps the session's line count current: websocket `logs/<id>/append` events carry the new
/// `num_lines` (no REST round trip per burst), the page's polls are the fallback and the
/// truth after a reconnect. Counts only grow, so an older answer never shrinks the log.
/// Returns the websocket's state for the "Live / Reconnecting…" indicator.
fn follow_log(
    client: &BuildbotClient,
    log: &Log,
    session: &LogSession,
    meta: Signal<Option<Log>>,
    complete: RwSignal<bool>,
    resync: Callback<()>,
) -> RwSignal<Option<WsState>> {
    let state = RwSignal::new(None);
    let logid = log.logid;
    let s = session.clone();
    let stored = StoredValue::new_local(s);
    Effect::new(move |_| {
        if let Some(m) = meta.get() {
            stored.with_value(|s| s.set_total(m.num_lines));
            if m.complete {
                complete.set(true);
            }
        }
    });
    if log.complete {
        return state;
    }
    let Some(url) = client.ws_url() else {
        return state;
    };
    let feed = LiveFeed::connect(
        url,
        vec![format!("logs/{logid}/*")],
        move |frame| {
            if let Frame::Event {
                entity: Entity::Log(l),
                ..
            } = frame
            {
                if l.logid == logid {
                    stored.with_value(|s| s.set_total(l.num_lines));
                    if l.complete {
                        let _ = complete.try_set(true);
                    }
                }
            }
        },
        move |s| {
            // Events may have been missed while the connection was down: read the count again.
            if s == WsState::Reopened {
                resync.run(());
            }
            let _ = state.try_set(Some(s));
        },
    );
    let feed = StoredValue::new_local(Some(feed));
    on_cleanup(move || feed.update_value(|f| drop(f.take())));
    state
}

/// An HTML log, shown only inside `<iframe sandbox>` with no permissions at all: its scripts
/// never run, it cannot navigate the app or reach its origin.
#[component]
fn HtmlLog(client: BuildbotClient, log: Log, download_url: String) -> impl IntoView {
    /// Past this size the frame would be slow to build; the download still works.
    const MAX_HTML_LINES: u64 = 20_000;
    let html = RwSignal::new(None::<Result<String, buildscope_core::error::ApiError>>);
    let too_big = log.num_lines > MAX_HTML_LINES;
    let r = LogRef::Id(log.logid);
    let load = move || {
        let (client, r) = (client.clone(), r.clone());
        html.set(None);
        spawn_local(async move {
            let res = client.contents(&r, None).await.map(|c| c.content);
            let _ = html.try_set(Some(res));
        });
    };
    let load = StoredValue::new_local(load);
    if !too_big {
        load.with_value(|l| l());
    }
    view! {
        <div class="log-actions">
            <a class="button" href=download_url download="">"Download"</a>
        </div>
        {move || match html.get() {
            _ if too_big => view! { <EmptyState title="HTML log too large to show" hint="Download it to read it."/> }.into_any(),
            None => view! { <Loading label="Loading HTML log…"/> }.into_any(),
            // Loaded once: it tries again only when the user asks.
            Some(Err(error)) => view! { <ErrorPanel error manual=true on_retry=Callback::new(move |_| load.with_value(|l| l()))/> }.into_any(),
            Some(Ok(content)) => view! {
                <iframe class="html-log" sandbox="" referrerpolicy="no-referrer" title=format!("HTML log {}", log.name) srcdoc=content></iframe>
            }.into_any(),
        }}
    }
}
