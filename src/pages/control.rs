//! Control actions on a Buildbot page: the buttons, their confirmation and what came of it.
//! The flow itself (asked → confirmed → sent once → answered) is `buildscope_core::control`;
//! this file wires it to the page. A [`Control`] is created by the page component, outside the
//! views live updates re-render, so a refresh never loses the confirmation or the outcome.

use super::action::{
    ask, confirmed, dialog_texts, done_line, failed_view, outcome_region, sending_line, Follow,
    Pending,
};
use crate::api::buildbot::BuildbotClient;
use crate::api::buildbot::Queue;
use crate::components::{ConfirmDialog, ForceForm, QueueTable};
use crate::hooks::Polled;
use crate::hooks::{use_polled, WhenIdle};
use crate::sessions::Sessions;
use buildscope_core::buildbot::control::{Action, Answer};
use buildscope_core::buildbot::force::{self, ForceScheduler};
use buildscope_core::buildbot::paths::BuilderRef;
use buildscope_core::buildbot::queue::{self, BuildRequest};
use buildscope_core::buildbot::Builder;
use buildscope_core::config::Source;
use buildscope_core::control::{Flow, Phase};
use buildscope_core::error::ApiError;
use buildscope_core::routes::Route;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use std::collections::BTreeMap;

#[derive(Clone, Copy)]
pub struct Control {
    client: StoredValue<BuildbotClient>,
    source_id: StoredValue<String>,
    source_name: StoredValue<String>,
    /// The action (with its reason once sent) and its target's words.
    pending: RwSignal<Option<Pending<Action>>>,
    flow: RwSignal<Flow<Answer, ApiError>>,
    reason: RwSignal<String>,
    follow: RwSignal<Option<Follow>>,
    /// Opens a page of the app (the new build after a rebuild).
    open: Callback<String>,
    sessions: Option<Sessions>,
}

/// How long a rebuild's page waits for a worker to take the new request before it says so
/// and stops asking (one read a second, then one every five).
const FOLLOW_FAST: u32 = 30;
const FOLLOW_TOTAL: u32 = 30 + 120;

impl Control {
    pub fn new(client: BuildbotClient, source: &Source) -> Self {
        let navigate = use_navigate();
        Control {
            source_name: StoredValue::new(source.name.clone()),
            sessions: crate::sessions::use_sessions(),
            open: Callback::new(move |href: String| navigate(&href, NavigateOptions::default())),
            client: StoredValue::new(client),
            source_id: StoredValue::new(source.id.clone()),
            pending: RwSignal::new(None),
            flow: RwSignal::new(Flow::default()),
            reason: RwSignal::new(String::new()),
            follow: RwSignal::new(None),
        }
    }

    /// Whether a request is out.
    pub fn sending(&self) -> bool {
        self.flow.with(Flow::is_sending)
    }

    /// Whether an action is out or its build is awaited: buttons are disabled meanwhile.
    pub fn busy(&self) -> bool {
        self.sending() || self.follow.with(|f| matches!(f, Some(Follow::Waiting(_))))
    }

    /// Why this user cannot act on the master now (see `Sessions::blocked`).
    pub fn blocked(&self) -> Option<String> {
        let s = self.sessions?;
        s.blocked(&self.source_id.get_value(), &self.source_name.get_value())
    }

    /// A button that asks for `action` on `target`. Rendered inside live views: it holds no
    /// state of its own.
    pub fn button(self, action: Action, target: String) -> impl IntoView {
        let verb = action.verb();
        let class = if matches!(action, Action::Rebuild { .. }) {
            "button action"
        } else {
            "button action action--danger"
        };
        let label = format!("{verb} {target}");
        let blocked = move || self.blocked();
        view! {
            <button type="button" class=class aria-label=label
                disabled=move || self.busy() || blocked().is_some()
                on:click=move |_| {
                    let pending = Pending { action: action.clone(), target: target.clone() };
                    if ask(self.flow, self.pending, pending) {
                        self.reason.set(String::new());
                    }
                }>
                {verb}
            </button>
            {move || blocked().map(|why| view! { <span class="muted action-blocked">{why}</span> })}
        }
    }

    /// Sends `action` without a confirmation of its own: for a form whose submission is the
    /// confirmation (forcing a build). Ignored while another action is out.
    pub fn send(self, action: Action, target: String) {
        if ask(self.flow, self.pending, Pending { action, target }) {
            self.reason.set(String::new());
            self.confirm();
        }
    }

    fn confirm(self) {
        let Some(mut pending) = confirmed(self.flow, self.pending) else {
            return;
        };
        pending.action = pending.action.with_reason(&self.reason.get_untracked());
        self.pending.set(Some(pending.clone()));
        self.follow.set(None);
        let client = self.client.get_value();
        spawn_local(async move {
            let answer = client.control(&pending.action).await;
            let first = match &answer {
                Ok(Answer::Requested { requests, .. }) => requests.first().map(|r| r.1),
                _ => None,
            };
            if let Some(s) = self.sessions {
                s.answered(&self.source_id.get_value(), answer.as_ref().err());
            }
            // The page may be gone by now: then nobody is told, and nothing is followed.
            if self.flow.try_update(|f| f.answered(answer)).is_none() {
                return;
            }
            let Some(brid) = first else { return };
            self.follow.set(Some(Follow::Waiting(brid)));
            for n in 0..FOLLOW_TOTAL {
                TimeoutFuture::new(if n < FOLLOW_FAST { 1_000 } else { 5_000 }).await;
                if self.follow.try_get() != Some(Some(Follow::Waiting(brid))) {
                    return;
                }
                // A failed read is tried again on the next round; the request exists.
                if let Ok(builds) = client.builds_of_request(brid).await {
                    if let Some(b) = builds.first() {
                        let source = self.source_id.get_value();
                        let href = Route::build(&source, &b.buildid.to_string(), "").href();
                        self.follow.set(None);
                        self.open.run(href);
                        return;
                    }
                }
            }
            let _ = self.follow.try_set(Some(Follow::GaveUp(brid)));
        });
    }

    /// The confirmation dialog and the outcome line: render once per page, outside the
    /// views live updates re-render.
    pub fn view(self) -> impl IntoView {
        // Confirming, and while the confirmed request is out (see ConfirmDialog).
        let open = Signal::derive(move || {
            self.flow.with(|f| f.is_confirming() || f.is_sending())
                && self.pending.with(|p| {
                    p.as_ref()
                        .is_some_and(|p| !matches!(p.action, Action::Force { .. }))
                })
        });
        let busy = Signal::derive(move || self.flow.with(Flow::is_sending));
        let (title, confirm_label) = dialog_texts(self.pending);
        let with_reason = Signal::derive(move || {
            self.pending
                .with(|p| p.as_ref().is_some_and(|p| p.action.takes_reason()))
        });
        let on_confirm = Callback::new(move |_| self.confirm());
        let on_cancel = Callback::new(move |_| self.flow.update(Flow::cancel));
        view! {
            <ConfirmDialog open title confirm_label with_reason reason=self.reason busy on_confirm on_cancel/>
            {outcome_region(move || self.outcome())}
        }
    }

    fn outcome(self) -> Option<AnyView> {
        let pending = self.pending.get()?;
        let what = pending.what();
        let reason = match &pending.action {
            Action::Stop { reason, .. } | Action::Cancel { reason, .. }
                if !reason.trim().is_empty() =>
            {
                format!(" with the reason “{}”", reason.trim())
            }
            _ => String::new(),
        };
        let builder_href = move || Route::source(&self.source_id.get_value()).href();
        Some(match self.flow.get().phase {
            Phase::Idle | Phase::Confirming => return None,
            Phase::Sending => sending_line(&what),
            Phase::Done(Answer::Accepted) => done_line(
                format!(
                    "{what}: accepted by the server{reason}. The status above follows the build."
                ),
                None,
            ),
            Phase::Done(Answer::Requested { requests, .. }) => {
                let brid = requests.first().map(|r| r.1);
                let waiting = match (self.follow.get(), brid) {
                    (Some(Follow::GaveUp(n)), _) => format!(
                        "Build request #{n} is still waiting for a worker; its build will appear on the builder's page."
                    ),
                    (_, Some(n)) => format!(
                        "Build request #{n} created; opening its build as soon as a worker starts it…"
                    ),
                    (_, None) => "The server created no build request.".to_string(),
                };
                let link = view! { <a href=builder_href()>"All builders"</a> }.into_any();
                done_line(format!("{what}: requested. {waiting} "), Some(link))
            }
            Phase::Failed(error) => failed_view(&what, error),
        })
    }
}

/// The builder page's "Force" buttons, one per force scheduler that offers this builder, each
/// opening its scheduler's form. Read once: the schedulers are the master's configuration.
#[component]
pub fn ForceBuild(control: Control, client: BuildbotClient, builder: String) -> impl IntoView {
    let builder_ref = BuilderRef::from_key(&builder);
    let polled = use_polled(
        move || {
            let (c, b) = (client.clone(), builder_ref.clone());
            async move {
                let (info, schedulers) = futures::join!(c.builder(&b), c.force_schedulers());
                Ok((info?, schedulers?))
            }
        },
        |_: &(Builder, Vec<ForceScheduler>)| false,
        WhenIdle::Stop,
    );
    let open = RwSignal::new(None::<String>);
    let values = RwSignal::new(BTreeMap::<String, String>::new());
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = Signal::derive(move || control.busy());
    let blocked = move || control.blocked();
    // A submitted form stays open until its request is answered (then the outcome line and,
    // after a rebuild's worker starts, the new build page say what happened).
    let sent = RwSignal::new(false);
    Effect::new(move |_| {
        if sent.get() && !control.sending() {
            sent.set(false);
            open.set(None);
        }
    });
    move || {
        if let Some(e) = polled.error.get() {
            return Some(
                view! { <span class="muted force__unavailable">{format!("Forcing is unavailable: {}", e.headline())}</span> }
                    .into_any(),
            );
        }
        let (builder, schedulers) = polled.data.get()?;
        let forms = schedulers
            .into_iter()
            .filter(|s| force::offers(s, &builder.name))
            .map(|s| {
                let name = s.name.clone();
                let is_open = {
                    let name = name.clone();
                    Signal::derive(move || open.with(|o| o.as_deref() == Some(name.as_str())))
                };
                let start = s.clone();
                let sched = s.clone();
                let target = builder.name.clone();
                let builderid = builder.builderid;
                let on_submit = Callback::new(move |_| {
                    match force::force_params(&sched, builderid, &values.get_untracked()) {
                        Err(p) => problems.set(p),
                        Ok(params) => {
                            sent.set(true);
                            let action = Action::Force { scheduler: sched.name.clone(), params };
                            control.send(action, target.clone());
                        }
                    }
                });
                let on_cancel = Callback::new(move |_| open.set(None));
                let title = format!("{} {}", s.label, builder.name);
                let label = format!("{}: force a build of {}", s.label, builder.name);
                view! {
                    <button type="button" class="button action force-button" aria-label=label
                        disabled=move || busy.get() || blocked().is_some()
                        on:click=move |_| {
                            values.set(force::initial_values(&start));
                            problems.set(Vec::new());
                            open.set(Some(name.clone()));
                        }>
                        {format!("{}…", s.button_name)}
                    </button>
                    <ForceForm scheduler=s title open=is_open values problems busy on_submit on_cancel/>
                }
            })
            .collect::<Vec<_>>();
        Some(view! {
            <div class="force-buttons">
                {forms}
                {move || blocked().map(|why| view! { <span class="muted action-blocked">{why}</span> })}
            </div>
        }
        .into_any())
    }
}

/// A builder's queue: the requests waiting for a worker, how long each has waited, why, and a
/// Cancel for each. Nothing at all when nothing waits (the usual case), so the page does not
/// grow a permanent empty box; a failure to read it is said in one line (the history above
/// carries the page's error panel).
#[component]
pub fn QueuePanel(control: Control, queue: Polled<(Builder, Queue)>) -> impl IntoView {
    move || {
        if let Some(e) = queue.error.get() {
            return Some(
                view! { <p class="muted queue-error">{format!("The queue could not be read: {}; retrying.", e.headline())}</p> }
                    .into_any(),
            );
        }
        let (builder, q) = queue.data.get()?;
        if q.requests.is_empty() {
            return None;
        }
        let why = queue::why_waiting(q.ready_workers.unwrap_or(0));
        let count = q.requests.len();
        let name = builder.name.clone();
        let action = Callback::new(move |r: BuildRequest| {
            let target = format!("#{} of {}", r.buildrequestid, name);
            let action = Action::Cancel {
                buildrequestids: vec![r.buildrequestid],
                reason: String::new(),
            };
            control.button(action, target).into_any()
        });
        // The whole queue at once (Buildbot's "stop all builds of the queue"): one confirmation,
        // one call per request.
        let all = (count > 1).then(|| {
            let ids = q.requests.iter().map(|r| r.buildrequestid).collect();
            let target = format!("{count} waiting requests of {}", builder.name);
            control.button(
                Action::Cancel {
                    buildrequestids: ids,
                    reason: String::new(),
                },
                target,
            )
        });
        Some(
            view! {
                <section class="queue-panel" aria-labelledby="queue-title">
                    <div class="queue-panel__head">
                        <h2 id="queue-title">{format!("Queue: {count} waiting")}</h2>
                        {all}
                    </div>
                    <QueueTable requests=q.requests why=why.to_string() action/>
                </section>
            }
            .into_any(),
        )
    }
}
