//! `/s/:source/builders/:builder/compare/:a/:b`: two builds of one Buildbot builder side by
//! side (build numbers in the URL, so the comparison is a shareable link).

use super::{polled_view, source_by_id};
use crate::api::buildbot::BuildbotClient;
use crate::buildbot::paths::{BuildRef, BuilderRef};
use crate::buildbot::{Build, Step};
use crate::compare::{compare, total_delta, Change};
use crate::components::{CompareTable, EmptyState, StatusBadge};
use crate::config::Source;
use crate::hooks::{set_title, use_polled, WhenIdle};
use crate::timefmt::format_duration;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ComparePage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let p = params.read();
        let builder = p.get("builder").unwrap_or_default();
        let nums = (
            p.get("a").and_then(|a| a.parse::<i64>().ok()),
            p.get("b").and_then(|b| b.parse::<i64>().ok()),
        );
        match (source_by_id(p.get("source")), nums) {
            (Err(msg), _) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            (Ok(source), (Some(a), Some(b))) => view! { <CompareBuilds source builder a b/> }.into_any(),
            _ => view! { <section class="page"><EmptyState title="Nothing to compare" hint="The build numbers in this address are not numbers."/></section> }.into_any(),
        }
    }
}

type Side = (Build, Vec<Step>);

fn durations(steps: &[Step]) -> Vec<(String, Option<f64>)> {
    steps
        .iter()
        .map(|s| {
            let d = match (s.started_at, s.complete_at) {
                (Some(a), Some(b)) => Some((b - a).max(0.0)),
                _ => None,
            };
            (s.name.clone(), d)
        })
        .collect()
}

fn total(b: &Build) -> Option<f64> {
    Some(b.complete_at? - b.started_at?)
}

#[component]
fn CompareBuilds(source: Source, builder: String, a: i64, b: i64) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let builder_ref = match builder.parse::<i64>() {
        Ok(id) => BuilderRef::Id(id),
        Err(_) => BuilderRef::Name(builder.clone()),
    };
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
    let base = format!("/s/{}/builders/{}", source.id, builder);
    let sid = source.id.clone();
    let heading = format!("Compare {builder} #{a} and #{b}");
    let crumb = builder.clone();
    let render = move |((ba, sa), (bb, sb)): (Side, Side)| {
        let rows = compare(&durations(&sa), &durations(&sb));
        let count = |c: Change| rows.iter().filter(|r| r.change == c).count();
        let summary = format!(
            "{} slower, {} faster, {} added, {} removed",
            count(Change::Slower),
            count(Change::Faster),
            count(Change::Added),
            count(Change::Removed)
        );
        let delta = match total_delta(total(&ba), total(&bb)) {
            Some(d) if d >= 0.0 => format!("+{}", format_duration(d.round() as i64)),
            Some(d) => format!("−{}", format_duration((-d).round() as i64)),
            None => "–".into(),
        };
        let side = |b: &Build| {
            view! {
                <div class="compare__side">
                    <A href=format!("/s/{}/builds/{}", sid, b.buildid)>{format!("#{}", b.number)}</A>
                    " " <StatusBadge status=b.status() system_label=b.system_label()/>
                    <span class="muted">{" "}{total(b).map(|t| format_duration(t.round() as i64)).unwrap_or_else(|| "running".into())}</span>
                </div>
            }
        };
        view! {
            <div class="compare__head">{side(&ba)} <span aria-hidden="true">"→"</span> {side(&bb)}</div>
            <p class="compare__summary"><strong>{format!("Total {delta}")}</strong>{format!(" · {summary}")}</p>
            <CompareTable rows a_label=format!("#{}", ba.number) b_label=format!("#{}", bb.number)/>
        }
    };
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=format!("/s/{}", source.id)>"Builders"</A> " / " <A href=base>{crumb}</A>
            </nav>
            <h1>{heading}</h1>
            {polled_view(polled, "Loading both builds…", render)}
        </section>
    }
}
