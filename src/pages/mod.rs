//! Pages own routes: they read route parameters, start loads and compose components.

mod action;
mod build;
mod builder;
mod changes;
mod codearts;
mod compare;
mod control;
mod grid;
mod home;
mod huawei_control;
mod huawei_log;
mod job;
mod log;
mod queue;
mod servicestage;
mod source;
mod tests;
mod workers;

pub use build::BuildPage;
pub use builder::BuilderPage;
pub use changes::{ChangePage, ChangesPage};
pub use compare::{ComparePage, JobComparePage};
pub use grid::GridPage;
pub use home::{Home, NotFound};
pub use huawei_log::HuaweiLogPage;
pub use job::JobPage;
pub use log::LogPage;
pub use queue::QueuePage;
pub use source::SourcePage;
pub use tests::TestResultsPage;
pub use workers::{WorkerPage, WorkersPage};

use crate::components::{
    EmptyState, ErrorPanel, Loading, Pager, SignInPrompt, StepTrends, TrendChart,
};
use crate::hooks::Polled;
use buildscope_core::config::{Config, Source};
use buildscope_core::listing::{self, Paging, STATUS_FILTERS};
use buildscope_core::routes;
use buildscope_core::timefmt::format_duration;
use buildscope_core::trend::{self, Point};
use buildscope_core::watch::Watched;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

/// The id in route parameter `key`, decoded the way [`routes::Route::parse`] decodes it.
/// A count from the URL (`?n=`): `default` when absent or not a number, else within 1..=max.
fn count_param(raw: Option<&str>, default: u32, max: u32) -> u32 {
    raw.and_then(|n| n.trim().parse::<u32>().ok())
        .map_or(default, |n| n.clamp(1, max))
}

fn param(p: &ParamsMap, key: &str) -> String {
    routes::param(p.get_str(key).unwrap_or_default())
}

/// The configured source named by the `:source` route parameter.
fn source_by_id(p: &ParamsMap) -> Result<Source, String> {
    let id = param(p, "source");
    expect_context::<Config>()
        .source(&id)
        .cloned()
        .ok_or_else(|| format!("No source {id:?} is configured."))
}

/// The standard shape of a polled view: an error banner (kept over the last good data while a
/// refresh fails), a loading state until the first answer, then `render` of the latest data.
fn polled_view<T, V>(
    polled: Polled<T>,
    loading: &'static str,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let sessions = crate::sessions::use_sessions();
    view! {
        {move || polled.error.get().map(|error| {
            // A master that shows nothing to anonymous users: its way in, not its 403.
            match sessions.and_then(|s| s.wants_sign_in(&error.source, error.status).map(|id| (s, id))) {
                Some((sessions, id)) => view! {
                    <SignInPrompt source_name=error.source.clone() on_sign_in=Callback::new(move |_| sessions.open_sign_in(&id))/>
                }
                .into_any(),
                None => view! {
                    <ErrorPanel error stale=polled.data.with(Option::is_some) on_retry=Callback::new(move |_| polled.refresh())/>
                }
                .into_any(),
            }
        })}
        {move || match polled.data.get() {
            None if polled.error.with(Option::is_none) => view! { <Loading label=loading/> }.into_any(),
            None => ().into_any(),
            Some(d) => render(d).into_any(),
        }}
    }
}

/// What an overview says when the search and filter leave nothing.
fn no_match(what: &'static str) -> impl IntoView {
    view! {
        <EmptyState
            title=format!("No matching {what}")
            hint="Clear the search or choose another status to see more."
        />
    }
}

/// One labelled fact of a build header, omitted when the server did not send it.
fn fact(label: &'static str, value: Option<String>) -> Option<impl IntoView> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| view! { <div><dt>{label}</dt><dd>{v}</dd></div> })
}

/// The "Compare with …" button of a build page's header.
fn compare_link(href: String, label: String) -> impl IntoView {
    view! { <A href=href attr:class="button compare-link">{label}</A> }
}

/// The Watch button of a running build's header (all three systems): while watched, the tab's
/// title and favicon follow the build and its end raises a notification (`watches.rs`).
/// Offered while the build runs, and kept while it is watched so it can be stopped.
fn watch_toggle(source: &Source, w: Watched) -> impl IntoView {
    let watches = crate::watches::use_watches()?;
    let key = w.key();
    let on = {
        let key = key.clone();
        move || watches.is_watched(&key)
    };
    if !w.status.is_active() && !watches.is_watched(&key) {
        return None;
    }
    let source = source.clone();
    let pressed = on.clone();
    let text = on.clone();
    Some(view! {
        <button type="button" class="button watch-toggle" aria-pressed=move || pressed().to_string()
            on:click=move |_| if on() { watches.unwatch(&key) } else { watches.watch(w.clone(), source.clone()) }>
            {move || if text() { "Watching · stop" } else { "Watch" }}
        </button>
    })
}

/// A duration trend: the chart of `points` (oldest first) and, when given, each step's (or
/// stage's) duration over the builds it was read for (`parts`, oldest first). `open` is
/// where a mark's click goes.
fn trend_view(
    points: Vec<Point>,
    parts: Vec<Vec<(String, Option<f64>)>>,
    part_word: &'static str,
) -> impl IntoView {
    if points.iter().all(|p| p.duration.is_none()) {
        return view! { <p class="muted">"No finished builds to chart yet."</p> }.into_any();
    }
    let navigate = use_navigate();
    let open = Callback::new(move |href: String| navigate(&href, NavigateOptions::default()));
    let chart = trend::chart(&points);
    let caption = format!(
        "Duration of the last {} builds, oldest left; the axis reaches {}",
        points.len(),
        format_duration(chart.max as i64)
    );
    let series = trend::step_series(&parts);
    let part_caption = format!(
        "Each {part_word} over the last {} builds, oldest left",
        parts.len()
    );
    view! {
        <TrendChart chart caption on_open=open/>
        {(!series.is_empty()).then(|| view! { <StepTrends series caption=part_caption/> })}
    }
    .into_any()
}

/// Seconds between two epoch times, when both are known.
fn span(start: Option<f64>, end: Option<f64>) -> Option<f64> {
    Some((end? - start?).max(0.0))
}

/// The URL query as pairs, for [`listing::href`].
fn query_pairs(q: &ParamsMap) -> Vec<(String, String)> {
    q.latest_values()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Newer / older links for a paged list at `path`, keeping the rest of the query.
fn pager(path: &str, query: &[(String, String)], paging: Paging, more: bool) -> impl IntoView {
    let to = |page: u32| {
        let page = if page == 0 {
            String::new()
        } else {
            page.to_string()
        };
        listing::href(path, query, &[("page", &page)])
    };
    view! {
        <Pager
            page=paging.page
            newer=(paging.page > 0).then(|| to(paging.page - 1))
            older=more.then(|| to(paging.page + 1))
        />
    }
}

/// The status filter and/or name search of a list, both kept in the URL query (`status`, `q`)
/// so reload, back and forward keep them; either one starts again at the first page.
/// Choosing a status is a navigation of its own (back undoes it); typing replaces the entry,
/// so back does not step through every keystroke.
#[component]
fn ListControls(
    /// Offer the status filter.
    #[prop(optional)]
    status: bool,
    /// The search box's label; no search box without one.
    #[prop(optional, into)]
    search: Option<String>,
) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let go = move |key: &str, value: String, replace: bool| {
        let pairs = query_pairs(&query.read_untracked());
        let path = location.pathname.get_untracked();
        let href = listing::href(&path, &pairs, &[(key, &value), ("page", "")]);
        navigate(
            &href,
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let go2 = go.clone();
    let search_box = search.map(|label| {
        view! {
            <label class="search">
                <span class="sr-only">{label.clone()}</span>
                <input type="search" class="name-search" placeholder=format!("{label}…")
                    prop:value=move || query.read().get("q").unwrap_or_default()
                    on:input=move |ev| go2("q", event_target_value(&ev), true)/>
            </label>
        }
    });
    let status_select = status.then(|| {
        view! {
            <label class="search">
                "Status "
                <select class="status-filter" on:change=move |ev| go("status", event_target_value(&ev), false)>
                    {STATUS_FILTERS.iter().map(|(key, label)| view! {
                        <option value=*key
                            prop:selected=move || query.read().get("status").unwrap_or_default() == *key>
                            {*label}
                        </option>
                    }).collect_view()}
                </select>
            </label>
        }
    });
    view! { <div class="list-controls">{status_select} {search_box}</div> }
}
