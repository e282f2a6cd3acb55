//! `/s/:source/builders/:builder`: one Buildbot builder's history, paged and filtered by status
//! on the server; page and filter live in the URL (`?status=failure&page=2`) so they survive a
//! reload and back/forward.

use super::{polled_view, source_by_id};
use crate::api::buildbot::BuildbotClient;
use crate::buildbot::paths::{BuildFilter, BuilderRef};
use crate::buildbot::{Build, Builder};
use crate::components::{BuildTable, EmptyState, LiveIndicator};
use crate::config::Source;
use crate::hooks::{set_title, use_live, use_polled, WhenIdle};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

const PAGE_SIZE: u32 = 20;
const MAX_PAGE_SIZE: u32 = 100;

/// The status filters offered, as (key, label).
const FILTERS: [(&str, &str); 8] = [
    ("", "All builds"),
    ("running", "Running"),
    ("success", "Success"),
    ("warnings", "Warnings"),
    ("failure", "Failure"),
    ("exception", "Exception"),
    ("cancelled", "Cancelled"),
    ("skipped", "Skipped"),
];

#[component]
pub fn BuilderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let p = params.read();
        let builder = p.get("builder").unwrap_or_default();
        let q = query.read();
        let status = q.get("status").unwrap_or_default();
        let page = q
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0);
        let per_page = q
            .get("per_page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE);
        match source_by_id(p.get("source")) {
            Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            Ok(source) => view! { <BuilderHistory source builder status page per_page/> }.into_any(),
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
    page: u32,
    per_page: u32,
) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let builder_ref = match builder.parse::<i64>() {
        Ok(id) => BuilderRef::Id(id),
        Err(_) => BuilderRef::Name(builder.clone()),
    };
    let filter = BuildFilter::from_key(&status);
    let polled = use_polled(
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
    );
    let live = use_live(ws_url, vec!["builds/*/*".to_string()], polled);
    let sid = source.id.clone();
    let base = format!("/s/{}/builders/{}", source.id, builder);
    let href = {
        let base = base.clone();
        move |status: &str, page: u32| {
            let mut q = Vec::new();
            if !status.is_empty() {
                q.push(format!("status={status}"));
            }
            if page > 0 {
                q.push(format!("page={page}"));
            }
            if per_page != PAGE_SIZE {
                q.push(format!("per_page={per_page}"));
            }
            if q.is_empty() {
                base.clone()
            } else {
                format!("{base}?{}", q.join("&"))
            }
        }
    };
    let navigate = use_navigate();
    let on_filter = {
        let href = href.clone();
        move |ev: leptos::ev::Event| {
            navigate(&href(&event_target_value(&ev), 0), Default::default())
        }
    };
    let status_now = status.clone();
    let render = move |h: HistoryPage| {
        set_title(&format!(
            "{} · {} · buildscope",
            h.builder.name, source.name
        ));
        let pager = view! {
            <nav class="pager" aria-label="Pages">
                {(page > 0).then(|| view! { <A href=href(&status_now, page - 1) attr:class="button">"← Newer"</A> })}
                <span class="muted">{format!("Page {}", page + 1)}</span>
                {h.more.then(|| view! { <A href=href(&status_now, page + 1) attr:class="button">"Older →"</A> })}
            </nav>
        };
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
                <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=format!("/s/{}", source.id)>"Builders"</A></nav>
                <LiveIndicator state=live/>
                <label class="search">
                    "Status "
                    <select class="status-filter" on:change=on_filter>
                        {FILTERS.iter().map(|(key, label)| view! {
                            <option value=*key selected=*key == status.as_str()>{*label}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            {polled_view(polled, "Loading builds…", render)}
        </section>
    }
}
