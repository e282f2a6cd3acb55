//! `/s/:source/changes` and `/s/:source/changes/:change`: a Buildbot master's newest changes,
//! each with the builds of it, and one change with its details and every build of it. Live:
//! new changes and builds arrive over the websocket.

use super::{count_param, fact, param, polled_view, source_by_id};
use crate::api::buildbot::{BuildbotClient, ChangeDetail};
use crate::api::buildbot_ws::WsState;
use crate::components::{BuildTable, EmptyState, LiveIndicator, StatusBadge, Timestamp};
use crate::hooks::{set_title, use_live, use_polled, Polled, WhenIdle};
use buildscope_core::buildbot::changes::Grid;
use buildscope_core::buildbot::Build;
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// How many changes the list shows unless `?n=` says (capped: one request per change).
const DEFAULT_N: u32 = 20;
const MAX_N: u32 = 50;

fn not_buildbot() -> AnyView {
    view! { <section class="page"><EmptyState title="No changes here" hint="Changes are a Buildbot master's; this source is not one."/></section> }
        .into_any()
}

/// What is live on these pages: changes arrive, and builds of them start and end.
fn live_paths() -> Vec<String> {
    vec!["changes/*/*".to_string(), "builds/*/*".to_string()]
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let q = query.read();
        let branch = q.get("branch").filter(|b| !b.is_empty());
        let n = count_param(q.get_str("n"), DEFAULT_N, MAX_N);
        match source_by_id(&params.read()) {
            Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            Ok(source) if source.kind != SourceKind::Buildbot => not_buildbot(),
            Ok(source) => view! { <ChangeList source branch n/> }.into_any(),
        }
    }
}

/// The newest `n` changes (of `branch`) with their builds, as the grid and the changes list
/// show them (one request per change), polled while a build of them runs and refreshed live.
pub(super) fn use_change_grid(
    client: BuildbotClient,
    n: u32,
    branch: Option<String>,
    tag: Option<String>,
) -> (Polled<Grid>, RwSignal<Option<WsState>>) {
    let ws_url = client.ws_url();
    let polled = use_polled(
        move || {
            let (c, b, t) = (client.clone(), branch.clone(), tag.clone());
            async move { c.grid(n, b.as_deref(), t.as_deref()).await }
        },
        Grid::any_running,
        WhenIdle::PollSlowly,
    );
    (polled, use_live(ws_url, live_paths(), polled))
}

#[component]
fn ChangeList(source: Source, branch: Option<String>, n: u32) -> impl IntoView {
    set_title(&format!("Changes · {} · buildscope", source.name));
    let (polled, live) = use_change_grid(BuildbotClient::new(&source), n, branch.clone(), None);
    let sid = source.id.clone();
    let render = move |g: Grid| {
        if g.columns.is_empty() {
            return view! { <EmptyState title="No changes" hint="The master has seen no changes (of this branch) yet."/> }.into_any();
        }
        let items = g
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let href = Route::Change { source: sid.clone(), change: c.changeid }.href();
                let built: Vec<(String, Build)> = g
                    .builds_of(i)
                    .into_iter()
                    .map(|(builder, b)| (builder.name.clone(), b.clone()))
                    .collect();
                let none = built.is_empty().then(|| view! { <li class="muted">"Not built (yet)"</li> });
                let builds = built
                    .into_iter()
                    .map(|(name, b)| {
                        let href = Route::build(&sid, &b.buildid.to_string(), "").href();
                        let label = format!("{name} #{}", b.number);
                        let (status, system) = (b.status(), b.system_label());
                        let key = status.key();
                        view! {
                            <li class="change__build" data-status=key>
                                <A href=href><StatusBadge status system_label=system/>" "{label}</A>
                            </li>
                        }
                    })
                    .collect_view();
                let (title, revision, full) = (
                    c.title().to_string(),
                    c.label(),
                    c.revision.clone().unwrap_or_default(),
                );
                let (branch, author, when, id) = (c.branch.clone(), c.author.clone(), c.when, c.changeid);
                view! {
                    <li class="change" data-change=id>
                        <div class="change__head">
                            <A href=href attr:class="change__title">{title}</A>
                            <code class="change__rev" title=full>{revision}</code>
                            {branch.map(|b| view! { <span class="chip">{b}</span> })}
                            <span class="muted">{author}</span>
                            <span class="muted"><Timestamp epoch=when/></span>
                        </div>
                        <ul class="change__builds" aria-label=format!("Builds of change {id}")>{builds}{none}</ul>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="changes">{items}</ol> }.into_any()
    };
    let grid = Route::Grid {
        source: source.id.clone(),
        branch: branch.clone(),
        tag: None,
        n: None,
    }
    .href();
    view! {
        <section class="page">
            <div class="page__head">
                <nav class="breadcrumbs" aria-label="Breadcrumb">
                    <A href=Route::source(&source.id).href()>"Builders"</A>" / "<A href=grid>"Grid"</A>
                </nav>
                <h1>{match &branch { Some(b) => format!("Changes on {b}"), None => "Changes".to_string() }}</h1>
                <LiveIndicator state=live/>
            </div>
            {polled_view(polled, "Loading changes and their builds…", render)}
        </section>
    }
}

#[component]
pub fn ChangePage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let p = params.read();
        let change = param(&p, "change").parse::<i64>().ok();
        match (source_by_id(&p), change) {
            (Err(msg), _) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            (Ok(source), _) if source.kind != SourceKind::Buildbot => not_buildbot(),
            (Ok(_), None) => view! { <section class="page"><EmptyState title="No such change" hint="A change is named by its number."/></section> }.into_any(),
            (Ok(source), Some(change)) => view! { <ChangeView source change/> }.into_any(),
        }
    }
}

#[component]
fn ChangeView(source: Source, change: i64) -> impl IntoView {
    set_title(&format!("Change {change} · {} · buildscope", source.name));
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let polled = use_polled(
        move || {
            let c = client.clone();
            async move { c.change(change).await }
        },
        |d: &ChangeDetail| d.builds.iter().any(|(_, b)| b.status().is_active()),
        WhenIdle::PollSlowly,
    );
    let live = use_live(ws_url, live_paths(), polled);
    let sid = source.id.clone();
    let render = move |d: ChangeDetail| {
        let c = d.change;
        let names: Vec<(i64, String)> = d
            .builds
            .iter()
            .map(|(name, b)| (b.builderid, name.clone()))
            .collect();
        let builds = if d.builds.is_empty() {
            view! { <EmptyState title="Not built (yet)" hint="No scheduler has built this change so far; its builds appear here as they start."/> }.into_any()
        } else {
            let builds = d.builds.into_iter().map(|(_, b)| b).collect();
            view! { <BuildTable source_id=sid.clone() builds builder_names=names/> }.into_any()
        };
        let revision = match (c.revision.clone(), c.revlink.clone()) {
            (Some(r), Some(link)) => Some(view! { <a href=link rel="noopener noreferrer" target="_blank"><code>{r}</code></a> }.into_any()),
            (Some(r), None) => Some(view! { <code>{r}</code> }.into_any()),
            _ => None,
        };
        let files = (!c.files.is_empty()).then(|| {
            let n = c.files.len();
            view! {
                <h2>{format!("Files ({n})")}</h2>
                <ul class="change__files">{c.files.iter().map(|f| view! { <li><code>{f.clone()}</code></li> }).collect_view()}</ul>
            }
        });
        let title = c.title().to_string();
        view! {
            <h1 class="change__heading">{title}</h1>
            <pre class="change__comments">{c.comments.clone()}</pre>
            <dl class="facts">
                {revision.map(|r| view! { <div><dt>"Revision"</dt><dd>{r}</dd></div> })}
                {fact("Author", Some(c.author.clone()))}
                {fact("Committer", c.committer.clone())}
                {fact("Branch", c.branch.clone())}
                {fact("Repository", c.repository.clone())}
                {fact("Project", c.project.clone())}
                {fact("Codebase", c.codebase.clone())}
                {fact("Category", c.category.clone())}
                <div><dt>"When"</dt><dd><Timestamp epoch=c.when/></dd></div>
            </dl>
            <h2>"Builds of this change"</h2>
            {builds}
            {files}
        }
        .into_any()
    };
    view! {
        <section class="page">
            <div class="page__head">
                <nav class="breadcrumbs" aria-label="Breadcrumb">
                    <A href=Route::source(&source.id).href()>"Builders"</A>" / "
                    <A href=Route::Changes { source: source.id.clone(), branch: None, n: None }.href()>"Changes"</A>
                    {format!(" / change {change}")}
                </nav>
                <LiveIndicator state=live/>
            </div>
            {polled_view(polled, "Loading the change…", render)}
        </section>
    }
}
