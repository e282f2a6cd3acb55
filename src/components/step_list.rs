use super::{LiveDuration, StatusBadge};
use crate::buildbot::Step;
use crate::links::safe_http_url;
use leptos::prelude::*;

/// The steps of a build in execution order. Hidden steps (Buildbot `hideStepIf`) are folded
/// away behind a toggle; the first failing step is marked so the eye lands on it.
#[component]
pub fn StepList(steps: Vec<Step>) -> impl IntoView {
    let show_hidden = RwSignal::new(false);
    let hidden_count = steps.iter().filter(|s| s.hidden).count();
    let first_bad = steps.iter().find(|s| s.status().is_bad()).map(|s| s.number);
    let steps = StoredValue::new(steps);
    let rows = move || {
        let show = show_hidden.get();
        steps
            .get_value()
            .into_iter()
            .filter(|s| show || !s.hidden)
            .map(|s| step_row(s, first_bad))
            .collect_view()
    };
    view! {
        <div class="steps-panel">
            <div class="toolbar">
                <span class="muted">{move || {
                    let n = steps.with_value(|s| s.len());
                    format!("{n} step{}", if n == 1 { "" } else { "s" })
                }}</span>
                {(hidden_count > 0).then(|| view! {
                    <label class="toggle">
                        <input type="checkbox" class="toggle-hidden"
                            prop:checked=move || show_hidden.get()
                            on:change=move |ev| show_hidden.set(event_target_checked(&ev))/>
                        {format!("Show {hidden_count} hidden step{}", if hidden_count == 1 { "" } else { "s" })}
                    </label>
                })}
            </div>
            <ol class="steps">{rows}</ol>
        </div>
    }
}

fn step_row(s: Step, first_bad: Option<i64>) -> impl IntoView {
    let status = s.status();
    let key = status.key();
    let is_first_bad = first_bad == Some(s.number);
    let class = format!(
        "step step--{}{}{}",
        status.key(),
        if s.hidden { " step--hidden" } else { "" },
        if is_first_bad {
            " step--first-failure"
        } else {
            ""
        }
    );
    let urls = s
        .urls
        .iter()
        .map(|u| {
            let name = if u.name.is_empty() { u.url.clone() } else { u.name.clone() };
            match safe_http_url(&u.url) {
                Some(href) => view! {
                    <li><a href=href.to_string() rel="noopener noreferrer" target="_blank">{name}</a></li>
                }
                .into_any(),
                // Anything but http(s) is shown as text, never as a link.
                None => view! {
                    <li class="url--unsafe" title="not an http(s) link">
                        {name} <span class="muted">{format!(" ({})", u.url)}</span>
                    </li>
                }
                .into_any(),
            }
        })
        .collect_view();
    view! {
        <li class=class data-step-number=s.number data-status=key data-hidden=s.hidden.to_string()>
            <span class="step__number num">{s.number}</span>
            <StatusBadge status=status system_label=s.system_label()/>
            <span class="step__title">
                <span class="step__name">{s.name.clone()}</span>
                {is_first_bad.then(|| view! { <span class="chip chip--bad">"first failure"</span> })}
                {s.hidden.then(|| view! { <span class="chip">"hidden"</span> })}
            </span>
            <span class="step__state muted">{s.state_string.clone()}</span>
            <span class="step__duration num">
                <LiveDuration start=s.started_at end=s.complete_at/>
            </span>
            {(!s.urls.is_empty()).then(|| view! { <ul class="step__urls">{urls}</ul> })}
        </li>
    }
}
