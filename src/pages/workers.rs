//! `/s/:source/workers` and `/s/:source/workers/:worker`: a Buildbot master's workers, what
//! each runs now, and (on one worker's page) its recent builds, the builders it serves, and
//! pause / unpause / graceful shutdown where the master allows them.

use super::control::Control;
use super::{param, polled_view, source_by_id};
use crate::api::buildbot::{BuildbotClient, WorkerDetail, WorkersView};
use crate::components::{BuildTable, EmptyState, LiveIndicator};
use crate::hooks::{set_title, use_live, use_polled, WhenIdle};
use buildscope_core::buildbot::control::{Action, WorkerAction};
use buildscope_core::buildbot::workers::Worker;
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::routes::{builder_key, Route};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn not_buildbot() -> AnyView {
    view! { <section class="page"><EmptyState title="No workers here" hint="Workers are a Buildbot master's; this source is not one."/></section> }
        .into_any()
}

/// What is live on a workers page: workers connect, pause, and take builds.
fn live_paths() -> Vec<String> {
    vec!["workers/*/*".to_string(), "builds/*/*".to_string()]
}

#[component]
pub fn WorkersPage() -> impl IntoView {
    let params = use_params_map();
    move || match source_by_id(&params.read()) {
        Err(msg) => {
            view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }
                .into_any()
        }
        Ok(source) if source.kind != SourceKind::Buildbot => not_buildbot(),
        Ok(source) => view! { <WorkerList source/> }.into_any(),
    }
}

/// A worker's state as a chip: icon and word, never colour alone.
fn state_chip(w: &Worker) -> impl IntoView + use<> {
    let state = w.state();
    view! {
        <span class=format!("chip worker-state worker-state--{}", state.key())>
            <span aria-hidden="true">{format!("{} ", state.icon())}</span>
            {state.label()}
        </span>
    }
}

#[component]
fn WorkerList(source: Source) -> impl IntoView {
    set_title(&format!("Workers · {} · buildscope", source.name));
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let polled = use_polled(
        move || {
            let c = client.clone();
            async move { c.workers_view().await }
        },
        |v: &WorkersView| !v.running.is_empty(),
        WhenIdle::PollSlowly,
    );
    let live = use_live(ws_url, live_paths(), polled);
    let sid = source.id.clone();
    let render = move |v: WorkersView| {
        if v.workers.is_empty() {
            return view! { <EmptyState title="No workers" hint="This master has no workers configured."/> }.into_any();
        }
        let rows = v
            .workers
            .iter()
            .map(|w| {
                let href = Route::Worker { source: sid.clone(), worker: w.workerid.to_string() }.href();
                let running = v
                    .running
                    .iter()
                    .filter(|b| b.workerid == Some(w.workerid))
                    .map(|b| {
                        let label = format!("{} #{}", v.builder_name(b.builderid), b.number);
                        let href = Route::build(&sid, &b.buildid.to_string(), "").href();
                        view! { <li><A href=href>{label}</A></li> }
                    })
                    .collect::<Vec<_>>();
                let name = w.name.clone();
                view! {
                    <tr class="worker-row" data-worker=w.name.clone()>
                        <th scope="row"><A href=href>{name}</A></th>
                        <td>{state_chip(w)} {w.pause_reason.clone().map(|r| view! { <span class="muted">{format!(" {r}")}</span> })}</td>
                        <td>{if running.is_empty() { view! { <span class="muted">"idle"</span> }.into_any() } else { view! { <ul class="plain">{running}</ul> }.into_any() }}</td>
                        <td class="num">{w.builders.len()}</td>
                        <td class="muted">{w.version.clone().unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <table class="builds workers">
                <caption class="sr-only">"Workers"</caption>
                <thead><tr>
                    <th scope="col">"Worker"</th><th scope="col">"State"</th><th scope="col">"Running now"</th>
                    <th scope="col">"Builders"</th><th scope="col">"Version"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="page">
            <div class="page__head">
                <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=Route::source(&source.id).href()>"Builders"</A></nav>
                <h1>"Workers"</h1>
                <LiveIndicator state=live/>
            </div>
            {polled_view(polled, "Loading workers…", render)}
        </section>
    }
}

#[component]
pub fn WorkerPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let p = params.read();
        let worker = param(&p, "worker");
        match source_by_id(&p) {
            Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            Ok(source) if source.kind != SourceKind::Buildbot => not_buildbot(),
            Ok(source) => view! { <WorkerView source worker/> }.into_any(),
        }
    }
}

#[component]
fn WorkerView(source: Source, worker: String) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let control = Control::new(client.clone(), &source);
    let polled = use_polled(
        move || {
            let (c, w) = (client.clone(), worker.clone());
            async move { c.worker_detail(&w).await }
        },
        |d: &WorkerDetail| d.recent.iter().any(|b| !b.complete),
        WhenIdle::PollSlowly,
    );
    let live = use_live(ws_url, live_paths(), polled);
    let sid = source.id.clone();
    let render = move |d: WorkerDetail| {
        let w = d.worker;
        set_title(&format!("{} · workers · buildscope", w.name));
        let target = w.name.clone();
        let id = w.workerid;
        let action = |kind: WorkerAction| Action::Worker {
            workerid: id,
            action: kind,
            reason: String::new(),
        };
        let actions = if !w.connected {
            None
        } else if w.paused {
            Some(
                control
                    .button(action(WorkerAction::Unpause), target.clone())
                    .into_any(),
            )
        } else {
            Some(
                control
                    .button(action(WorkerAction::Pause), target.clone())
                    .into_any(),
            )
        };
        let shutdown = (w.connected && !w.graceful)
            .then(|| control.button(action(WorkerAction::Shutdown), target.clone()));
        let builders = d
            .builders
            .iter()
            .map(|b| {
                let href = Route::builder(&sid, &builder_key(&b.name, b.builderid)).href();
                let name = b.name.clone();
                view! { <li><A href=href>{name}</A></li> }
            })
            .collect::<Vec<_>>();
        view! {
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=Route::Workers { source: sid.clone() }.href()>"Workers"</A>
            </nav>
            <header class="build-head">
                <h1>{w.name.clone()}</h1>
                {state_chip(&w)}
                {actions}
                {shutdown}
            </header>
            <dl class="facts">
                {w.pause_reason.clone().map(|r| view! { <div><dt>"Paused because"</dt><dd>{r}</dd></div> })}
                {w.host.clone().map(|h| view! { <div><dt>"Host"</dt><dd>{h}</dd></div> })}
                {w.admin.clone().map(|a| view! { <div><dt>"Admin"</dt><dd>{a}</dd></div> })}
                {w.version.clone().map(|v| view! { <div><dt>"Version"</dt><dd>{v}</dd></div> })}
            </dl>
            <h2>"Recent builds"</h2>
            {if d.recent.is_empty() {
                view! { <p class="muted">"No builds on this worker yet."</p> }.into_any()
            } else {
                let names = d.builders.iter().map(|b| (b.builderid, b.name.clone())).collect::<Vec<_>>();
                view! { <BuildTable source_id=sid.clone() builds=d.recent builder_names=names/> }.into_any()
            }}
            <h2>{format!("Builders ({})", builders.len())}</h2>
            <ul class="plain worker-builders">{builders}</ul>
        }
    };
    view! {
        <section class="page">
            <LiveIndicator state=live/>
            {control.view()}
            {polled_view(polled, "Loading worker…", render)}
        </section>
    }
}
