//! `/s/:source/builders/:builder`: one Buildbot builder's history, paged and filtered by status
//! on the server; page and filter live in the URL (`?status=failure&page=2`) so they survive a
//! reload and back/forward.

use super::control::{Control, ForceBuild, QueuePanel};
use super::{pager, param, polled_view, query_pairs, source_by_id, span, trend_view, ListControls};
use crate::api::buildbot::{BuildbotClient, Queue, TrendData};
use crate::components::{BuildTable, EmptyState, LiveIndicator};
use crate::hooks::{set_title, use_live, use_polled, use_polled_fresh, WhenIdle};
use buildscope_core::buildbot::paths::{BuildFilter, BuilderRef};
use buildscope_core::buildbot::{Build, Builder};
use buildscope_core::config::Source;
use buildscope_core::freshness::fresher_builds;
use buildscope_core::listing;
use buildscope_core::listing::Paging;
use buildscope_core::routes::Route;
use buildscope_core::trend::{self, Point};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn BuilderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let p = params.read();
        let builder = param(&p, "builder");
        let q = query.read();
        let status = q.get("status").unwrap_or_default();
        let paging = Paging::from_query(q.get_str("page"), q.get_str("per_page"));
        let n = q
            .get_str("n")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| trend::CHOICES.contains(n))
            .unwrap_or(trend::DEFAULT_N);
        let query = query_pairs(&q);
        match source_by_id(&p) {
            Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            Ok(source) => view! {
                <BuilderHistory source=source.clone() builder=builder.clone() status paging query=query.clone()/>
                <BuilderTrend source builder n query/>
            }
            .into_any(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct HistoryPage {
    builder: Builder,
    builds: Vec<Build>,
    more: bool,
}

#[component]
fn BuilderHistory(
    source: Source,
    builder: String,
    status: String,
    paging: Paging,
    query: Vec<(String, String)>,
) -> impl IntoView {
    let Paging { page, per_page } = paging;
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let control = Control::new(client.clone(), &source);
    let force_client = client.clone();
    let force_builder = builder.clone();
    let queue = {
        let (c, b) = (client.clone(), BuilderRef::from_key(&builder));
        use_polled(
            move || {
                let (c, b) = (c.clone(), b.clone());
                async move {
                    let info = c.builder(&b).await?;
                    let queue = c.queue(Some(info.builderid)).await?;
                    Ok((info, queue))
                }
            },
            |(_, q): &(Builder, Queue)| !q.requests.is_empty(),
            WhenIdle::PollSlowly,
        )
    };
    let builder_ref = BuilderRef::from_key(&builder);
    let filter = BuildFilter::from_key(&status);
    let polled = use_polled_fresh(
        move || {
            let (c, b) = (client.clone(), builder_ref.clone());
            async move {
                let (info, page) =
                    futures::join!(c.builder(&b), c.builds_page(&b, per_page, page, filter));
                let (builds, more) = page?;
                Ok(HistoryPage {
                    builder: info?,
                    builds,
                    more,
                })
            }
        },
        |h: &HistoryPage| h.builds.iter().any(|b| b.status().is_active()),
        WhenIdle::PollSlowly,
        |shown: &HistoryPage, mut new: HistoryPage| {
            new.builds = fresher_builds(&shown.builds, new.builds);
            new
        },
    );
    // One socket for the history and the queue: new, claimed and cancelled requests too.
    let live = use_live(
        ws_url,
        vec!["builds/*/*".to_string(), "buildrequests/*/*".to_string()],
        (polled, queue),
    );
    let sid = source.id.clone();
    let base = Route::builder(&source.id, &builder).href();
    let render = move |h: HistoryPage| {
        set_title(&format!(
            "{} · {} · buildscope",
            h.builder.name, source.name
        ));
        let pager = pager(&base, &query, paging, h.more);
        let table = if h.builds.is_empty() {
            view! { <EmptyState title="No builds match" hint="Choose another status, or go back to newer pages."/> }.into_any()
        } else {
            view! { <BuildTable source_id=sid.clone() builds=h.builds/> }.into_any()
        };
        view! {
            <h1 class="builder-title">{h.builder.name.clone()}</h1>
            {h.builder.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
            {table}
            {pager}
        }
    };
    view! {
        <section class="page">
            <div class="page__head">
                <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=Route::source(&source.id).href()>"Builders"</A></nav>
                <LiveIndicator state=live/>
                <ForceBuild control client=force_client builder=force_builder/>
                <ListControls status=true/>
            </div>
            {control.view()}
            <QueuePanel control queue/>
            {polled_view(polled, "Loading builds…", render)}
        </section>
    }
}

/// The builder's last `n` builds' durations (`?n=`, up to 500) as a chart, and how each
/// step's duration moved over the newest 30 of them.
#[component]
fn BuilderTrend(
    source: Source,
    builder: String,
    n: usize,
    query: Vec<(String, String)>,
) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let builder_ref = BuilderRef::from_key(&builder);
    let polled = use_polled(
        move || {
            let (c, b) = (client.clone(), builder_ref.clone());
            async move { c.trend(&b, n as u32).await }
        },
        |t: &TrendData| t.builds.iter().any(|b| b.status().is_active()),
        WhenIdle::PollSlowly,
    );
    let navigate = use_navigate();
    let location = use_location();
    let choose = move |ev| {
        let value: String = event_target_value(&ev);
        let path = location.pathname.get_untracked();
        let href = listing::href(&path, &query, &[("n", &value)]);
        navigate(
            &href,
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let sid = source.id.clone();
    let render = move |t: TrendData| {
        let points: Vec<Point> = t
            .builds
            .iter()
            .rev()
            .map(|b| Point {
                number: format!("#{}", b.number),
                href: Route::build(&sid, &b.buildid.to_string(), "").href(),
                status: b.status(),
                duration: span(b.started_at, b.complete_at),
            })
            .collect();
        let steps: Vec<Vec<(String, Option<f64>)>> = t
            .steps
            .iter()
            .rev()
            .map(|steps| {
                steps
                    .iter()
                    .filter(|s| !s.hidden)
                    .map(|s| (s.name.clone(), span(s.started_at, s.complete_at)))
                    .collect()
            })
            .collect();
        trend_view(points, steps, "step")
    };
    view! {
        <section class="page trends" aria-labelledby="trend-title">
            <div class="page__head">
                <h2 id="trend-title">"Durations"</h2>
                <label class="search">
                    "Builds "
                    <select class="trend-n" on:change=choose>
                        {trend::CHOICES.iter().map(|c| view! {
                            <option value=c.to_string() prop:selected=*c == n>{c.to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            {polled_view(polled, "Loading durations…", render)}
        </section>
    }
}
