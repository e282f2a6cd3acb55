//! `/s/:source/queue`: every build request of a Buildbot master that waits for a worker, across
//! builders, longest waiting first (after priority), live, each with Cancel.

use super::control::Control;
use super::{polled_view, source_by_id};
use crate::api::buildbot::{BuildbotClient, Queue};
use crate::components::{EmptyState, LiveIndicator, QueueTable};
use crate::hooks::{set_title, use_live, use_polled, WhenIdle};
use buildscope_core::buildbot::control::Action;
use buildscope_core::buildbot::queue::BuildRequest;
use buildscope_core::buildbot::{self, Builder};
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn QueuePage() -> impl IntoView {
    let params = use_params_map();
    move || {
        match source_by_id(&params.read()) {
        Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
        Ok(source) if source.kind != SourceKind::Buildbot => view! {
            <section class="page"><EmptyState title="No queue here" hint="The queue is a Buildbot master's; this source is not one."/></section>
        }
        .into_any(),
        Ok(source) => view! { <MasterQueue source/> }.into_any(),
    }
    }
}

#[component]
fn MasterQueue(source: Source) -> impl IntoView {
    set_title(&format!("Queue · {} · buildscope", source.name));
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let control = Control::new(client.clone(), &source);
    let polled = use_polled(
        move || {
            let c = client.clone();
            async move {
                let (builders, queue) = futures::join!(c.builders(), c.queue(None));
                Ok((builders?, queue?))
            }
        },
        |(_, q): &(Vec<Builder>, Queue)| !q.requests.is_empty(),
        WhenIdle::PollSlowly,
    );
    let live = use_live(ws_url, vec!["buildrequests/*/*".to_string()], polled);
    let render = move |(builders, q): (Vec<Builder>, Queue)| {
        if q.requests.is_empty() {
            return view! { <EmptyState title="Nothing waits" hint="Every build request has a worker, or none was made."/> }.into_any();
        }
        let name_of = move |id: i64| buildbot::builder_name(&builders, id);
        let label = name_of.clone();
        let action = Callback::new(move |r: BuildRequest| {
            let target = format!("#{} of {}", r.buildrequestid, label(r.builderid));
            control
                .button(
                    Action::Cancel {
                        buildrequestids: vec![r.buildrequestid],
                        reason: String::new(),
                    },
                    target,
                )
                .into_any()
        });
        let count = q.requests.len();
        view! {
            <p class="muted">{format!("{count} waiting. Why one waits, as far as the master says, is on its builder's page.")}</p>
            <QueueTable requests=q.requests builder_name=Callback::new(name_of) action/>
        }
        .into_any()
    };
    view! {
        <section class="page">
            <div class="page__head">
                <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=Route::source(&source.id).href()>"Builders"</A></nav>
                <h1>"Queue"</h1>
                <LiveIndicator state=live/>
            </div>
            {control.view()}
            {polled_view(polled, "Loading the queue…", render)}
        </section>
    }
}
