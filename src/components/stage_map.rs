use super::{LiveDuration, StatusBadge, Timestamp};
use buildscope_core::codearts::{system_label, Stage};
use buildscope_core::timefmt::format_duration;
use leptos::prelude::*;

fn secs(d: Option<f64>) -> String {
    d.map(|s| format_duration(s.round() as i64))
        .unwrap_or_else(|| "–".to_string())
}

/// CodeArts stages in `sequence` order (the decoder sorts them): status, display name,
/// time waiting for an executor vs time building, and cascaded steps under their stage.
#[component]
pub fn StageMap(stages: Vec<Stage>) -> impl IntoView {
    view! {
        <ol class="stages">
            {stages.into_iter().map(stage_row).collect_view()}
        </ol>
    }
}

fn stage_row(s: Stage) -> impl IntoView {
    let label = system_label(s.status_text.as_deref(), s.status_code);
    let key = s.status.key();
    let name = if s.display_name.is_empty() {
        s.name.clone()
    } else {
        s.display_name.clone()
    };
    let steps = s.steps.clone();
    view! {
        <li class=format!("stage stage--{key}") data-status=key data-sequence=s.sequence.map(|n| n.to_string()).unwrap_or_default()>
            <div class="stage__main">
                <span class="stage__seq num">{s.sequence.map(|n| n.to_string()).unwrap_or_default()}</span>
                <StatusBadge status=s.status.clone() system_label=label/>
                <span class="stage__name">{name}</span>
                <span class="stage__times muted">
                    <span title="time waiting for an executor">"pending " {secs(s.pending_duration_secs)}</span>
                    " · "
                    <span title="time building">"build " {secs(s.build_duration_secs)}</span>
                </span>
                <span class="stage__start"><Timestamp epoch=s.start_time/></span>
                <span class="stage__duration num"><LiveDuration start=s.start_time end=s.finish_time/></span>
            </div>
            {(!steps.is_empty()).then(|| view! { <ol class="stage__steps">{steps.into_iter().map(stage_row).collect_view()}</ol> }.into_any())}
        </li>
    }
}
