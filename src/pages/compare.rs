//! Comparing two builds, with both builds in the URL so a comparison is a shareable link:
//! `/s/:source/builders/:builder/compare/:a/:b` (Buildbot build numbers) and
//! `/s/:source/jobs/:job/compare/:a/:b` (CodeArts build numbers, ServiceStage build ids).

use super::codearts::CodeArtsCompare;
use super::servicestage::ServiceStageCompare;
use super::{param, polled_view, source_by_id};
use crate::api::buildbot::BuildbotClient;
use crate::components::{CompareSide, CompareView, EmptyState};
use crate::hooks::{set_title, use_polled, WhenIdle};
use buildscope_core::buildbot::paths::{BuildRef, BuilderRef};
use buildscope_core::buildbot::{Build, Step};
use buildscope_core::compare::{compare, steps};
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

fn unknown_source(msg: String) -> AnyView {
    view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }
        .into_any()
}

fn nothing_to_compare(hint: &'static str) -> AnyView {
    view! { <section class="page"><EmptyState title="Nothing to compare" hint=hint/></section> }
        .into_any()
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let p = params.read();
        let builder = param(&p, "builder");
        let nums = (
            p.get("a").and_then(|a| a.parse::<i64>().ok()),
            p.get("b").and_then(|b| b.parse::<i64>().ok()),
        );
        match (source_by_id(&p), nums) {
            (Err(msg), _) => unknown_source(msg),
            (Ok(source), (Some(a), Some(b))) => {
                view! { <CompareBuilds source builder a b/> }.into_any()
            }
            _ => nothing_to_compare("The build numbers in this address are not numbers."),
        }
    }
}

/// `/s/:source/jobs/:job/compare/:a/:b`: two builds of one CodeArts or ServiceStage job.
#[component]
pub fn JobComparePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let p = params.read();
        let job = param(&p, "job");
        let (a, b) = (param(&p, "a"), param(&p, "b"));
        match source_by_id(&p) {
            Err(msg) => unknown_source(msg),
            Ok(source) => match source.kind {
                SourceKind::CodeArts => match (a.parse::<i64>(), b.parse::<i64>()) {
                    (Ok(a), Ok(b)) => view! { <CodeArtsCompare source job a b/> }.into_any(),
                    _ => nothing_to_compare("CodeArts builds are compared by their build numbers."),
                },
                SourceKind::ServiceStage => {
                    let name = query.read().get("name").unwrap_or_else(|| job.clone());
                    view! { <ServiceStageCompare source job job_name=name a b/> }.into_any()
                }
                SourceKind::Buildbot => {
                    nothing_to_compare("Buildbot builds are compared from their builder's page.")
                }
            },
        }
    }
}

type Side = (Build, Vec<Step>);

fn side(source_id: &str, b: &Build) -> CompareSide {
    CompareSide {
        label: format!("#{}", b.number),
        href: Route::build(source_id, &b.buildid.to_string(), "").href(),
        status: b.status(),
        system_label: b.system_label(),
        started: b.started_at,
        finished: b.complete_at,
    }
}

#[component]
fn CompareBuilds(source: Source, builder: String, a: i64, b: i64) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let builder_ref = BuilderRef::from_key(&builder);
    let polled = use_polled(
        move || {
            let (c, br) = (client.clone(), builder_ref.clone());
            async move {
                let (ra, rb) = (BuildRef::Number(br.clone(), a), BuildRef::Number(br, b));
                let (ba, sa, bb, sb) =
                    futures::join!(c.build(&ra), c.steps(&ra), c.build(&rb), c.steps(&rb));
                Ok(((ba?, sa?), (bb?, sb?)))
            }
        },
        |(x, y): &(Side, Side)| x.0.status().is_active() || y.0.status().is_active(),
        WhenIdle::Stop,
    );
    set_title(&format!("{builder} #{a} vs #{b} · buildscope"));
    let base = Route::builder(&source.id, &builder).href();
    let sid = source.id.clone();
    let heading = format!("Compare {builder} #{a} and #{b}");
    let crumb = builder.clone();
    let render = move |((ba, sa), (bb, sb)): (Side, Side)| {
        let rows = compare(&steps(&sa), &steps(&sb));
        view! { <CompareView a=side(&sid, &ba) b=side(&sid, &bb) rows item="Step"/> }
    };
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=Route::source(&source.id).href()>"Builders"</A> " / " <A href=base>{crumb}</A>
            </nav>
            <h1>{heading}</h1>
            {polled_view(polled, "Loading both builds…", render)}
        </section>
    }
}
