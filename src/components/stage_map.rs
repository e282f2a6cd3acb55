use super::{LiveDuration, StatusBadge, Timestamp};
use crate::hooks::use_clock;
use buildscope_core::codearts::{system_label, Stage};
use buildscope_core::timefmt::format_duration;
use buildscope_core::timeline::{critical_path, Axis};
use leptos::prelude::*;

fn secs(d: Option<f64>) -> String {
    d.map(|s| format_duration(s.round() as i64))
        .unwrap_or_else(|| "–".to_string())
}

/// When a stage began to wait for an executor: its queue entry, else its start less the
/// pending time the server reports, else its start (no wait known).
fn wait_start(s: &Stage) -> Option<f64> {
    s.queued_time
        .or_else(|| Some(s.start_time? - s.pending_duration_secs?))
        .or(s.start_time)
}

/// CodeArts stages in `sequence` order (the decoder sorts them) on the build's time axis, like
/// the Buildbot step timeline: each stage's bar is its wait for an executor (hatched) and its
/// build time, growing live; the critical path (the chain of stages that decided the build's
/// length) is marked in words, not only colour. Cascaded steps sit nested under their stage
/// on the same axis.
#[component]
pub fn StageMap(
    stages: Vec<Stage>,
    #[prop(optional_no_strip)] build_start: Option<f64>,
    #[prop(optional_no_strip)] build_end: Option<f64>,
    /// Where logs live: `log_href(None)` the whole build's (linked from each stage: the API
    /// pages logs by build or by step, not by stage), `log_href(Some(step id))` a step's.
    #[prop(optional_no_strip)]
    log_href: Option<Callback<Option<String>, String>>,
) -> impl IntoView {
    let now = use_clock();
    let spans: Vec<(Option<f64>, Option<f64>)> = stages
        .iter()
        .flat_map(|s| std::iter::once(s).chain(s.steps.iter()))
        .map(|s| (wait_start(s), s.finish_time))
        .collect();
    let stage_spans: Vec<_> = stages
        .iter()
        .map(|s| (wait_start(s), s.finish_time))
        .collect();
    // Recomputed each tick; equal axes (finished builds) cause no DOM updates downstream.
    let axis = Memo::new(move |_| Axis::new(build_start, build_end, spans.clone(), now.get()));
    let critical = Memo::new(move |_| critical_path(&stage_spans, now.get()));
    let rows = stages
        .into_iter()
        .enumerate()
        .map(|(i, s)| stage_row(s, i, axis, critical, log_href))
        .collect_view();
    view! {
        <div class="stage-map">
            <p class="stage-map__legend muted">
                <span class="legend legend--wait" aria-hidden="true"></span>" waiting for an executor · "
                <span class="legend legend--build" aria-hidden="true"></span>" building · "
                <span class="chip chip--critical">"critical path"</span>" the chain of stages that decided the build's length"
            </p>
            <ol class="stages">{rows}</ol>
        </div>
    }
}

/// The bar of a stage or step on the build's axis; its geometry is in data attributes too.
fn track(s: &Stage, axis: Memo<Option<Axis>>) -> impl IntoView {
    let (wait, start, end) = (wait_start(s), s.start_time, s.finish_time);
    let now = use_clock();
    let bar = Memo::new(move |_| axis.get()?.bar(wait, end, start, now.get()));
    let title = move || match (axis.get(), wait) {
        (Some(a), Some(w)) => {
            let offset = format_duration((w - a.start).round() as i64);
            match start.filter(|s| *s > w) {
                Some(s) => format!(
                    "queued +{offset}; waited {} for an executor",
                    format_duration((s - w).round() as i64)
                ),
                None => format!("starts +{offset}"),
            }
        }
        _ => "not started".to_string(),
    };
    super::track::track("step__track stage__track", bar, title, None)
}

fn shown_name(s: &Stage) -> String {
    if s.display_name.is_empty() {
        s.name.clone()
    } else {
        s.display_name.clone()
    }
}

fn stage_row(
    s: Stage,
    index: usize,
    axis: Memo<Option<Axis>>,
    critical: Memo<Vec<usize>>,
    log_href: Option<Callback<Option<String>, String>>,
) -> impl IntoView {
    let label = system_label(s.status_text.as_deref(), s.status_code);
    let key = s.status.key();
    let on_path = move || critical.with(|c| c.contains(&index));
    let steps = s.steps.clone();
    let seq = s.sequence.map(|n| n.to_string()).unwrap_or_default();
    view! {
        <li class=move || format!("stage stage--{key}{}", if on_path() { " stage--critical" } else { "" })
            data-status=key data-sequence=seq.clone() data-critical=move || on_path().to_string()>
            <div class="stage__main">
                <span class="stage__seq num">{seq.clone()}</span>
                <StatusBadge status=s.status.clone() system_label=label/>
                <span class="stage__title">
                    <span class="stage__name">{shown_name(&s)}</span>
                    {move || on_path().then(|| view! { <span class="chip chip--critical">"critical path"</span> })}
                </span>
                {track(&s, axis)}
                <span class="stage__times muted">
                    <span title="time waiting for an executor">"pending " {secs(s.pending_duration_secs)}</span>
                    " · "
                    <span title="time building">"build " {secs(s.build_duration_secs)}</span>
                </span>
                <span class="stage__start"><Timestamp epoch=s.start_time/></span>
                <span class="stage__duration num"><LiveDuration start=s.start_time end=s.finish_time/></span>
                {log_link(log_href, None, &s)}
            </div>
            {(!steps.is_empty()).then(|| {
                let n = steps.len();
                view! {
                    <ol class="stage__steps" aria-label=format!("{n} step{} of {}", if n == 1 { "" } else { "s" }, shown_name(&s))>
                        {steps.into_iter().map(|st| step_row(st, axis, log_href)).collect_view()}
                    </ol>
                }
            })}
        </li>
    }
}

/// A cascaded step: nested under its stage, on the same axis, without the stage's sequence
/// number (the API gives steps sequence 0).
fn step_row(
    s: Stage,
    axis: Memo<Option<Axis>>,
    log_href: Option<Callback<Option<String>, String>>,
) -> impl IntoView {
    // A step without an id cannot be asked for its own log.
    let step = Some(s.id.clone()).filter(|id| !id.is_empty());
    let link = log_href.filter(|_| step.is_some());
    let label = system_label(s.status_text.as_deref(), s.status_code);
    let key = s.status.key();
    view! {
        <li class=format!("stage-step stage--{key}") data-status=key>
            <span class="stage-step__mark" aria-hidden="true">"└"</span>
            <StatusBadge status=s.status.clone() system_label=label/>
            <span class="stage-step__name">{shown_name(&s)}</span>
            {track(&s, axis)}
            <span class="stage__duration num"><LiveDuration start=s.start_time end=s.finish_time/></span>
            {log_link(link, step, &s)}
        </li>
    }
}

/// The "Log" link of a stage (the whole build's log) or a step (its own).
fn log_link(
    log_href: Option<Callback<Option<String>, String>>,
    step: Option<String>,
    s: &Stage,
) -> Option<impl IntoView> {
    let whose = if step.is_some() {
        format!("Log of step {}", shown_name(s))
    } else {
        format!("Build log, from stage {}", shown_name(s))
    };
    log_href.map(|h| {
        view! { <a class="stage__log" href=h.run(step) aria-label=whose>"Log"</a> }
    })
}
