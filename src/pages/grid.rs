//! `/s/:source/grid`: Buildbot's grid view — builders × the newest changes, each cell the
//! build of that builder for that change — filtered by branch and tag in the URL, live.

use super::changes::use_change_grid;
use super::{count_param, polled_view, source_by_id};
use crate::api::buildbot::BuildbotClient;
use crate::components::{EmptyState, GridTable, LiveIndicator};
use crate::hooks::set_title;
use buildscope_core::buildbot::changes::Grid;
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

/// How many changes the grid shows unless `?n=` says (capped: one request per change).
const DEFAULT_N: u32 = 10;
const MAX_N: u32 = 50;

#[component]
pub fn GridPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let q = query.read();
        let branch = q.get("branch").filter(|b| !b.is_empty());
        let tag = q.get("tag").filter(|t| !t.is_empty());
        let n = count_param(q.get_str("n"), DEFAULT_N, MAX_N);
        match source_by_id(&params.read()) {
            Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            Ok(source) if source.kind != SourceKind::Buildbot => view! {
                <section class="page"><EmptyState title="No grid here" hint="The grid is a Buildbot master's; this source is not one."/></section>
            }
            .into_any(),
            Ok(source) => view! { <ChangeGrid source branch tag n/> }.into_any(),
        }
    }
}

#[component]
fn ChangeGrid(
    source: Source,
    branch: Option<String>,
    tag: Option<String>,
    n: u32,
) -> impl IntoView {
    set_title(&format!("Grid · {} · buildscope", source.name));
    // New changes and builds of them, and builds moving on.
    let (polled, live) =
        use_change_grid(BuildbotClient::new(&source), n, branch.clone(), tag.clone());
    let sid = source.id.clone();
    let render = move |g: Grid| {
        if g.columns.is_empty() {
            return view! { <EmptyState title="No changes" hint="The master has seen no changes (of this branch) yet."/> }.into_any();
        }
        if g.rows.is_empty() {
            return view! { <EmptyState title="No builds of these changes" hint="Choose another tag or branch."/> }.into_any();
        }
        view! { <GridTable source_id=sid.clone() grid=g/> }.into_any()
    };
    let navigate = use_navigate();
    let source_id = source.id.clone();
    let go = move |branch: String, tag: String| {
        let href = Route::Grid {
            source: source_id.clone(),
            branch: Some(branch).filter(|b| !b.trim().is_empty()),
            tag: Some(tag).filter(|t| !t.trim().is_empty()),
            n: (n != DEFAULT_N).then_some(n),
        }
        .href();
        navigate(
            &href,
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    // The same changes as a list, with each one's builds.
    let changes_href = Route::Changes {
        source: source.id.clone(),
        branch: branch.clone(),
        n: None,
    }
    .href();
    let (branch_value, tag_value) = (
        RwSignal::new(branch.unwrap_or_default()),
        RwSignal::new(tag.unwrap_or_default()),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go(branch_value.get_untracked(), tag_value.get_untracked());
    };
    view! {
        <section class="page">
            <div class="page__head">
                <nav class="breadcrumbs" aria-label="Breadcrumb">
                    <A href=Route::source(&source.id).href()>"Builders"</A>" / "
                    <A href=changes_href>"Changes"</A>
                </nav>
                <h1>"Grid"</h1>
                <LiveIndicator state=live/>
                <form class="list-controls grid-filters" on:submit=submit>
                    <label class="search">"Branch "
                        <input type="text" class="grid-branch" prop:value=move || branch_value.get()
                            on:input=move |ev| branch_value.set(event_target_value(&ev))/>
                    </label>
                    <label class="search">"Tag "
                        <input type="text" class="grid-tag" prop:value=move || tag_value.get()
                            on:input=move |ev| tag_value.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit" class="button">"Filter"</button>
                </form>
            </div>
            {polled_view(polled, "Loading changes and their builds…", render)}
        </section>
    }
}
