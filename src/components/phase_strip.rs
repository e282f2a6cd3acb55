use super::StatusBadge;
use buildscope_core::servicestage::{system_label, Phase};
use leptos::prelude::*;

/// ServiceStage's six build phases in order, each with its own state; the state word is the
/// badge's system label so all nine states stay distinct. No time axis: the API gives none.
#[component]
pub fn PhaseStrip(
    phases: Vec<Phase>,
    /// The build's log, linked from each phase (ServiceStage logs a build, not a phase).
    #[prop(optional, into)]
    log_href: Option<String>,
) -> impl IntoView {
    view! {
        <ol class="phases" aria-label="Build phases">
            {phases
                .into_iter()
                .map(|p| {
                    let key = p.status.key();
                    view! {
                        <li class=format!("phase phase--{key}") data-status=key data-state=p.state.clone()>
                            <span class="phase__name">{p.name.clone()}</span>
                            <StatusBadge status=p.status.clone() system_label=system_label(&p.state)/>
                            <span class="phase__state muted">{p.state.clone()}</span>
                            {log_href.clone().map(|h| view! {
                                <a class="phase__log" href=h aria-label=format!("Build log, from phase {}", p.name)>"Log"</a>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        // Said, not guessed: the phases API has no times (`{id, name, state}` only).
        <p class="phases__note muted">
            "ServiceStage reports each phase's state but not its times: phases are shown in order, not on a time axis."
        </p>
    }
}
