//! What every page's control actions share, whatever the system: the action being confirmed
//! with the words naming its target, asking for its confirmation, the dialog's texts, and the
//! outcome line's forms. Each system's own wiring (what is sent, what follows an answer) is
//! `super::control` (Buildbot) and `super::huawei_control` (CodeArts, ServiceStage).

use crate::components::ErrorPanel;
use buildscope_core::control::Flow;
use buildscope_core::error::ApiError;
use leptos::prelude::*;

/// An action the pages offer: the word on its button and in its dialog.
pub trait Verb {
    fn verb(&self) -> &'static str;
}

impl Verb for buildscope_core::buildbot::control::Action {
    fn verb(&self) -> &'static str {
        self.verb()
    }
}

impl Verb for buildscope_core::huawei_control::Action {
    fn verb(&self) -> &'static str {
        self.verb()
    }
}

/// What is being confirmed, or was sent: the action, and the words naming its target
/// ("linux-build #4").
#[derive(Clone, Debug, PartialEq)]
pub struct Pending<A> {
    pub action: A,
    pub target: String,
}

impl<A: Verb> Pending<A> {
    /// "Stop linux-build #4", as the outcome line names it.
    pub fn what(&self) -> String {
        format!("{} {}", self.action.verb(), self.target)
    }
}

/// After an action that makes a build (a rebuild, a force, a run): the number the server
/// gave (a build request, a build number), waited on until the build can be opened, or
/// given up on (the outcome line then says where it will appear).
#[derive(Clone, Debug, PartialEq)]
pub enum Follow {
    Waiting(i64),
    GaveUp(i64),
}

/// Asks for the confirmation of `pending`: `true` when it is on screen now (nothing else is
/// being confirmed or is out).
pub fn ask<A, R, E>(
    flow: RwSignal<Flow<R, E>>,
    slot: RwSignal<Option<Pending<A>>>,
    pending: Pending<A>,
) -> bool
where
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    let mut asked = false;
    flow.update(|f| asked = f.ask());
    if asked {
        slot.set(Some(pending));
    }
    asked
}

/// The user confirmed: the action to send now, exactly once per confirmation (`None` for the
/// second click of a double click, see `Flow::confirm`).
pub fn confirmed<A, R, E>(
    flow: RwSignal<Flow<R, E>>,
    slot: RwSignal<Option<Pending<A>>>,
) -> Option<Pending<A>>
where
    A: Clone + Send + Sync + 'static,
    R: Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    let mut send = false;
    flow.update(|f| send = f.confirm());
    if send {
        slot.get_untracked()
    } else {
        None
    }
}

/// The confirmation's title ("Stop linux-build #4?") and its button's word ("Stop").
pub fn dialog_texts<A>(slot: RwSignal<Option<Pending<A>>>) -> (Signal<String>, Signal<String>)
where
    A: Verb + Send + Sync + 'static,
{
    let title = Signal::derive(move || {
        slot.with(|p| {
            p.as_ref()
                .map(|p| format!("{}?", p.what()))
                .unwrap_or_default()
        })
    });
    let label = Signal::derive(move || {
        slot.with(|p| {
            p.as_ref()
                .map(|p| p.action.verb().to_string())
                .unwrap_or_default()
        })
    });
    (title, label)
}

/// Where the outcome line lives: announced politely as it changes.
pub fn outcome_region(
    outcome: impl Fn() -> Option<AnyView> + Send + Sync + 'static,
) -> impl IntoView {
    view! { <div class="action-outcome" role="status" aria-live="polite">{outcome}</div> }
}

/// The outcome line while the request is out.
pub fn sending_line(what: &str) -> AnyView {
    view! { <p class="action-outcome__text">{format!("{what}: sending…")}</p> }.into_any()
}

/// The outcome line of an accepted action; `text` says what came of it.
pub fn done_line(text: String, link: Option<AnyView>) -> AnyView {
    view! {
        <p class="action-outcome__text action-outcome--ok">
            <span aria-hidden="true">"✓ "</span>{text}{link}
        </p>
    }
    .into_any()
}

/// The outcome of a refused action: what did not happen, and the error naming its source.
pub fn failed_view(what: &str, error: ApiError) -> AnyView {
    view! {
        <div class="action-outcome--failed">
            <p class="action-outcome__text">{format!("{what} did not happen:")}</p>
            <ErrorPanel error manual=true/>
        </div>
    }
    .into_any()
}
