use super::codearts::CodeArtsOverview;
use super::servicestage::ServiceStageOverview;
use super::{no_match, polled_view, source_by_id, ListControls};
use crate::api::buildbot::{fresher_overview, BuildbotClient, BuilderSummary};
use crate::components::{BuildTable, EmptyState, LiveIndicator, StatusBadge};
use crate::hooks::{set_title, use_live, use_polled_fresh, WhenIdle};
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::listing::{name_matches, status_matches};
use buildscope_core::routes::{builder_key, Route};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// How many recent builds each builder shows.
const BUILDS_PER_BUILDER: u32 = 10;

/// `/s/:source`: the overview of one configured source. `?q=` searches names and `?status=`
/// filters by the latest result; both are read where the list renders, so changing them
/// filters the data on screen instead of loading it again.
#[component]
pub fn SourcePage() -> impl IntoView {
    let params = use_params_map();
    move || match source_by_id(&params.read()) {
        Err(msg) => {
            view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }
                .into_any()
        }
        Ok(source) => match source.kind {
            SourceKind::Buildbot => view! { <BuildbotOverview source/> }.into_any(),
            SourceKind::CodeArts => view! { <CodeArtsOverview source/> }.into_any(),
            SourceKind::ServiceStage => view! { <ServiceStageOverview source/> }.into_any(),
        },
    }
}

fn any_active(list: &[BuilderSummary]) -> bool {
    list.iter()
        .any(|s| s.builds.iter().any(|b| b.status().is_active()))
}

#[component]
fn BuildbotOverview(source: Source) -> impl IntoView {
    set_title(&format!("{} · buildscope", source.name));
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let polled = use_polled_fresh(
        move || {
            let c = client.clone();
            async move { c.overview(BUILDS_PER_BUILDER).await }
        },
        |list: &Vec<BuilderSummary>| any_active(list),
        WhenIdle::PollSlowly,
        |shown: &Vec<BuilderSummary>, new| fresher_overview(shown, new),
    );
    let live = use_live(ws_url, vec!["builds/*/*".to_string()], polled);
    let query = use_query_map();
    let source_id = source.id.clone();
    let render = move |list: Vec<BuilderSummary>| {
        if list.is_empty() {
            return view! { <EmptyState title="No builders" hint="This master has no builders configured."/> }.into_any();
        }
        let q = query.read();
        let (needle, status) = (
            q.get_str("q").unwrap_or(""),
            q.get_str("status").unwrap_or(""),
        );
        let shown: Vec<_> = list
            .into_iter()
            .filter(|s| name_matches(needle, &s.builder.name))
            .filter(|s| {
                let recent: Vec<_> = s.builds.iter().map(|b| b.status()).collect();
                status_matches(status, &recent)
            })
            .collect();
        if shown.is_empty() {
            return no_match("builders").into_any();
        }
        shown
            .into_iter()
            .map(|s| builder_section(source_id.clone(), s))
            .collect_view()
            .into_any()
    };
    view! {
        <section class="page">
            <div class="page__head">
                <h1>{source.name.clone()} <span class="muted kind">" Buildbot"</span></h1>
                <A href=Route::Workers { source: source.id.clone() }.href() attr:class="button compare-link">"Workers"</A>
                <A href=Route::Queue { source: source.id.clone() }.href() attr:class="button compare-link">"Queue"</A>
                <A href=Route::Grid { source: source.id.clone(), branch: None, tag: None, n: None }.href() attr:class="button compare-link">"Grid"</A>
                <A href=Route::Changes { source: source.id.clone(), branch: None, n: None }.href() attr:class="button compare-link">"Changes"</A>
                <LiveIndicator state=live/>
                <ListControls status=true search="Search builders"/>
            </div>
            {polled_view(polled, "Loading builders…", render)}
        </section>
    }
}

fn builder_section(source_id: String, s: BuilderSummary) -> impl IntoView {
    let builder_href = Route::builder(
        &source_id,
        &builder_key(&s.builder.name, s.builder.builderid),
    )
    .href();
    let name_text = s.builder.name.clone();
    let latest = s.builds.first().map(|b| {
        view! {
            <span class="builder__latest">
                <StatusBadge status=b.status() system_label=b.system_label()/>
            </span>
        }
    });
    let heading_id = format!("builder-{}", s.builder.builderid);
    view! {
        <section class="builder" data-builder=s.builder.name.clone() aria-labelledby=heading_id>
            <header class="builder__head">
                <h2 id=heading_id.clone()>
                    <A href=builder_href>{name_text}</A>
                </h2>
                {latest}
                {s.builder.tags.iter().map(|t| view! { <span class="chip">{t.clone()}</span> }).collect_view()}
            </header>
            {s.builder.description.clone().map(|d| view! { <p class="muted builder__description">{d}</p> })}
            {if s.builds.is_empty() {
                view! { <p class="muted">"No builds yet."</p> }.into_any()
            } else {
                view! { <BuildTable source_id builds=s.builds/> }.into_any()
            }}
        </section>
    }
}
