//! Control actions on CodeArts and ServiceStage pages: run a job with its parameters (a
//! form), stop a running build, start a ServiceStage build. The flow (asked → confirmed →
//! sent once → answered) is `buildscope_core::control`, the requests and answers
//! `buildscope_core::huawei_control`; this file wires them to the page. Created by the page
//! component, outside the views live updates re-render, as the Buildbot one is
//! (`super::control`).

use super::action::{
    ask, confirmed, dialog_texts, done_line, failed_view, outcome_region, sending_line, Follow,
    Pending,
};
use crate::api::huawei::{CodeArtsClient, ServiceStageClient};
use crate::components::run_form::{form_rows, next_key, read_rows, FormRow};
use crate::components::{ConfirmDialog, RunForm};
use buildscope_core::config::Source;
use buildscope_core::control::{Flow, Phase};
use buildscope_core::error::ApiError;
use buildscope_core::huawei_control::{
    rows_from, run_parameters, Action, Answer, ParameterRow, RowError,
};
use buildscope_core::routes::Route;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The system the actions go to.
#[derive(Clone)]
pub enum HuaweiClient {
    CodeArts(CodeArtsClient),
    ServiceStage(ServiceStageClient),
}

impl HuaweiClient {
    async fn control(&self, action: &Action) -> Result<Answer, ApiError> {
        match self {
            HuaweiClient::CodeArts(c) => c.control(action).await,
            HuaweiClient::ServiceStage(c) => c.control(action).await,
        }
    }
}

/// How many times (a second apart) a run's page asks for the new build's record before it
/// says so and stops.
const FOLLOW_TRIES: u32 = 30;

#[derive(Clone, Copy)]
pub struct HuaweiControl {
    client: StoredValue<HuaweiClient>,
    source_id: StoredValue<String>,
    pending: RwSignal<Option<Pending<Action>>>,
    flow: RwSignal<Flow<Answer, ApiError>>,
    follow: RwSignal<Option<Follow>>,
    /// The run form's rows, the row it cannot send (and why), and whether the job's
    /// parameters are still being read into it.
    rows: RwSignal<Vec<FormRow>>,
    problem: RwSignal<Option<RowError>>,
    loading_rows: RwSignal<bool>,
    /// Unused by these actions (none takes a reason), required by the dialog.
    reason: RwSignal<String>,
    open: Callback<String>,
}

impl HuaweiControl {
    pub fn new(client: HuaweiClient, source: &Source) -> Self {
        let navigate = use_navigate();
        HuaweiControl {
            client: StoredValue::new(client),
            source_id: StoredValue::new(source.id.clone()),
            pending: RwSignal::new(None),
            flow: RwSignal::new(Flow::default()),
            follow: RwSignal::new(None),
            rows: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
            loading_rows: RwSignal::new(false),
            reason: RwSignal::new(String::new()),
            open: Callback::new(move |href: String| navigate(&href, NavigateOptions::default())),
        }
    }

    /// Whether an action is out or its build is awaited: buttons are disabled meanwhile.
    fn busy(&self) -> bool {
        self.flow.with(Flow::is_sending)
            || self.follow.with(|f| matches!(f, Some(Follow::Waiting(_))))
    }

    /// A button that asks for `action` (a stop, a ServiceStage start) on `target` in a
    /// confirmation dialog. Holds no state of its own: it may sit in a live view.
    pub fn button(self, action: Action, target: String) -> impl IntoView {
        let verb = action.verb();
        let class = if action.destructive() {
            "button action action--danger"
        } else {
            "button action"
        };
        let label = format!("{verb} {target}");
        view! {
            <button type="button" class=class aria-label=label disabled=move || self.busy()
                on:click=move |_| { self.ask(Pending { action: action.clone(), target: target.clone() }); }>
                {verb}
            </button>
        }
    }

    /// The "Run" button of a CodeArts job: opens the run form with `rows`, or, when `None`,
    /// with the parameters of the job's newest build (read as the form opens; a job with no
    /// build, or one that cannot be read, starts with an empty row).
    pub fn run_button(
        self,
        job_id: String,
        target: String,
        label: &'static str,
        rows: Option<Vec<ParameterRow>>,
    ) -> impl IntoView {
        let aria = format!("{label} {target}");
        view! {
            <button type="button" class="button action" aria-label=aria disabled=move || self.busy()
                on:click=move |_| {
                    let action = Action::RunJob { job_id: job_id.clone(), parameters: Vec::new() };
                    if self.ask(Pending { action, target: target.clone() }) {
                        self.fill_rows(&job_id, rows.clone());
                    }
                }>
                {label}
            </button>
        }
    }

    fn ask(self, pending: Pending<Action>) -> bool {
        let asked = ask(self.flow, self.pending, pending);
        if asked {
            self.follow.set(None);
        }
        asked
    }

    fn fill_rows(self, job_id: &str, rows: Option<Vec<ParameterRow>>) {
        self.problem.set(None);
        // New keys: rows with a key on screen would keep their old nodes and values.
        let key = self.rows.with_untracked(|r| next_key(r));
        if let Some(rows) = rows {
            self.rows.set(form_rows(with_blank(rows), key));
            return;
        }
        let HuaweiClient::CodeArts(client) = self.client.get_value() else {
            return;
        };
        self.rows.set(Vec::new());
        self.loading_rows.set(true);
        let job = job_id.to_string();
        spawn_local(async move {
            let newest = match client.history(&job, 0, 1, 30).await {
                Ok(h) => h.records.into_iter().find_map(|r| r.record_id),
                Err(_) => None,
            };
            let rows = match newest {
                Some(id) => client
                    .build_record(&id)
                    .await
                    .map(|r| rows_from(&r.parameters))
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            let _ = self.rows.try_set(form_rows(with_blank(rows), key));
            let _ = self.loading_rows.try_set(false);
        });
    }

    /// The run form was submitted: its rows are checked, then sent (the submission is the
    /// confirmation, as a force form's is on Buildbot).
    fn submit_run(self) {
        let rows = self.rows.with_untracked(|r| read_rows(r));
        match run_parameters(&rows) {
            Err(e) => self.problem.set(Some(e)),
            Ok(parameters) => {
                self.pending.update(|p| {
                    if let Some(Pending {
                        action: Action::RunJob { parameters: p, .. },
                        ..
                    }) = p
                    {
                        *p = parameters;
                    }
                });
                self.confirm();
            }
        }
    }

    fn confirm(self) {
        let Some(pending) = confirmed(self.flow, self.pending) else {
            return;
        };
        let client = self.client.get_value();
        spawn_local(async move {
            let answer = client.control(&pending.action).await;
            let next = answer.as_ref().ok().cloned();
            // The page may be gone by now: then nobody is told, and nothing is followed.
            if self.flow.try_update(|f| f.answered(answer)).is_none() {
                return;
            }
            let source = self.source_id.get_value();
            match (next, &pending.action, client) {
                (Some(Answer::Started { build_id }), _, _) => {
                    self.open.run(Route::build(&source, &build_id, "").href());
                }
                (
                    Some(Answer::Queued { build_no, .. }),
                    Action::RunJob { job_id, .. },
                    HuaweiClient::CodeArts(c),
                ) => {
                    self.follow.set(Some(Follow::Waiting(build_no)));
                    for n in 0..FOLLOW_TRIES {
                        if n > 0 {
                            TimeoutFuture::new(1_000).await;
                        }
                        if self.follow.try_get() != Some(Some(Follow::Waiting(build_no))) {
                            return;
                        }
                        // Not there yet (or a failed read): asked again on the next round.
                        if let Ok(info) = c.record_info(job_id, build_no).await {
                            if let Some(id) = info.build_record_id.filter(|id| !id.is_empty()) {
                                self.follow.set(None);
                                self.open.run(Route::build(&source, &id, job_id).href());
                                return;
                            }
                        }
                    }
                    let _ = self.follow.try_set(Some(Follow::GaveUp(build_no)));
                }
                _ => {}
            }
        });
    }

    /// The dialogs and the outcome line: render once per page, outside live views.
    pub fn view(self) -> impl IntoView {
        let showing = move |run: bool| {
            self.flow.with(|f| f.is_confirming() || f.is_sending())
                && self.pending.with(|p| {
                    p.as_ref()
                        .is_some_and(|p| matches!(p.action, Action::RunJob { .. }) == run)
                })
        };
        let busy = Signal::derive(move || self.flow.with(Flow::is_sending));
        let (title, confirm_label) = dialog_texts(self.pending);
        let on_cancel = Callback::new(move |_| self.flow.update(Flow::cancel));
        view! {
            <ConfirmDialog open=Signal::derive(move || showing(false)) title confirm_label
                with_reason=false reason=self.reason busy
                on_confirm=Callback::new(move |_| self.confirm()) on_cancel/>
            <RunForm open=Signal::derive(move || showing(true)) title rows=self.rows
                problem=self.problem loading=self.loading_rows busy
                on_submit=Callback::new(move |_| self.submit_run()) on_cancel/>
            {outcome_region(move || self.outcome())}
        }
    }

    fn outcome(self) -> Option<AnyView> {
        let pending = self.pending.get()?;
        let what = pending.what();
        Some(match self.flow.get().phase {
            Phase::Idle | Phase::Confirming => return None,
            Phase::Sending => sending_line(&what),
            Phase::Done(answer) => {
                let text = match answer {
                    Answer::Stopped => format!("{what}: accepted by CodeArts. The status above follows the build."),
                    Answer::Started { build_id } => format!("{what}: started build {build_id}; opening it…"),
                    Answer::Queued { build_no, .. } => match self.follow.get() {
                        Some(Follow::GaveUp(_)) => format!(
                            "{what}: queued as build #{build_no}; CodeArts has no record of it yet, so it will appear in the job's history."
                        ),
                        _ => format!("{what}: queued as build #{build_no}; opening it as soon as CodeArts records it…"),
                    },
                };
                done_line(text, None)
            }
            Phase::Failed(error) => failed_view(&what, error),
        })
    }
}

/// The form's rows with one empty row to type a new parameter into.
fn with_blank(mut rows: Vec<ParameterRow>) -> Vec<ParameterRow> {
    rows.push(ParameterRow::default());
    rows
}
