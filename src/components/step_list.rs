use super::{LiveDuration, SetLinks, StatusBadge};
use crate::hooks::use_clock;
use buildscope_core::buildbot::{Log, Step};
use buildscope_core::links::safe_http_url;
use buildscope_core::routes::step_anchor;
use buildscope_core::timefmt::format_duration;
use buildscope_core::timeline::Axis;
use leptos::prelude::*;

/// The steps of a build in execution order, each with its bar on a shared time axis (the
/// build's start to its end, growing live while it runs; lock wait drawn distinctly). Hidden
/// steps (Buildbot `hideStepIf`) are folded away behind a toggle whose state the page may own
/// (`show_hidden`) so live refreshes keep it; the first failing step is marked, and a step
/// that reported test results says how many failed.
#[component]
pub fn StepList(
    steps: Vec<Step>,
    #[prop(optional_no_strip)] build_start: Option<f64>,
    #[prop(optional_no_strip)] build_end: Option<f64>,
    #[prop(optional)] show_hidden: Option<RwSignal<bool>>,
    /// The logs of the build's steps, linked from each step with `log_href(step number, slug)`.
    #[prop(optional)]
    logs: Vec<Log>,
    #[prop(optional)] log_href: Option<Callback<(i64, String), String>>,
    /// The build's test result sets, each shown on the step that reported it.
    #[prop(optional)]
    tests: Vec<SetLinks>,
) -> impl IntoView {
    let show_hidden = show_hidden.unwrap_or_else(|| RwSignal::new(false));
    let now = use_clock();
    let spans: Vec<_> = steps
        .iter()
        .map(|s| (s.started_at, s.complete_at))
        .collect();
    let build_start = build_start.or_else(|| spans.iter().find_map(|(s, _)| *s));
    // Recomputed each tick; equal axes (finished builds) cause no DOM updates downstream.
    let axis = Memo::new(move |_| Axis::new(build_start, build_end, spans.clone(), now.get()));
    let hidden_count = steps.iter().filter(|s| s.hidden).count();
    let first_bad = steps.iter().find(|s| s.status().is_bad()).map(|s| s.number);
    let steps = StoredValue::new(steps);
    let logs = StoredValue::new(logs);
    let tests = StoredValue::new(tests);
    let rows = move || {
        let show = show_hidden.get();
        steps
            .get_value()
            .into_iter()
            .filter(|s| show || !s.hidden)
            .map(|s| {
                let mine: Vec<Log> = logs.with_value(|all| {
                    all.iter()
                        .filter(|l| l.stepid == s.stepid)
                        .cloned()
                        .collect()
                });
                let sets: Vec<SetLinks> = tests.with_value(|all| {
                    all.iter()
                        .filter(|t| t.set.stepid == s.stepid)
                        .cloned()
                        .collect()
                });
                step_row(s, first_bad, axis, mine, log_href, sets)
            })
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

/// The bar of one step; its geometry is in data attributes too, for tests and tools.
fn step_bar(s: &Step, axis: Memo<Option<Axis>>) -> impl IntoView {
    let (start, end, locks) = (s.started_at, s.complete_at, s.locks_acquired_at);
    let now = use_clock();
    let bar = Memo::new(move |_| axis.get()?.bar(start, end, locks, now.get()));
    // The bar's length in seconds, growing while the step runs.
    let secs =
        move || start.map(|s| (end.unwrap_or_else(|| now.get()) - s).max(0.0).round() as i64);
    let title = move || match (axis.get(), start) {
        (Some(a), Some(s)) => {
            let offset = format_duration((s - a.start).round() as i64);
            match locks.filter(|l| *l > s) {
                Some(l) => format!(
                    "starts +{offset}; waited {} for locks",
                    format_duration((l - s).round() as i64)
                ),
                None => format!("starts +{offset}"),
            }
        }
        _ => "not started".to_string(),
    };
    super::track::track("step__track", bar, title, Some(Signal::derive(secs)))
}

fn step_row(
    s: Step,
    first_bad: Option<i64>,
    axis: Memo<Option<Axis>>,
    logs: Vec<Log>,
    log_href: Option<Callback<(i64, String), String>>,
    sets: Vec<SetLinks>,
) -> impl IntoView {
    let track = step_bar(&s, axis);
    // "✗ 3 of 40 tests failed" / "40 tests passed", linking the step's result set.
    let tests = sets
        .into_iter()
        .map(|t| {
            let failed = t.set.failures();
            let total = t.set.passed.unwrap_or(0).max(0) as u64 + failed;
            let (class, text) = if failed > 0 {
                (
                    "chip chip--bad step__tests",
                    format!("✗ {failed} of {total} tests failed"),
                )
            } else {
                ("chip step__tests", format!("{total} tests passed"))
            };
            view! { <a class=class href=t.href>{text}</a> }
        })
        .collect_view();
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
        <li class=class id=format!("step-{}", s.number) data-step-number=s.number data-status=key data-hidden=s.hidden.to_string()>
            // A link to this step (`#step-N`) to copy and share.
            <a class="step__number num" href=step_anchor(s.number) title="Link to this step">{s.number}</a>
            <StatusBadge status=status system_label=s.system_label()/>
            <span class="step__title">
                <span class="step__name">{s.name.clone()}</span>
                {is_first_bad.then(|| view! { <span class="chip chip--bad">"first failure"</span> })}
                {s.hidden.then(|| view! { <span class="chip">"hidden"</span> })}
                {tests}
            </span>
            {track}
            <span class="step__state muted">{s.state_string.clone()}</span>
            <span class="step__duration num">
                <LiveDuration start=s.started_at end=s.complete_at/>
            </span>
            {(!s.urls.is_empty()).then(|| view! { <ul class="step__urls">{urls}</ul> })}
            {log_href.filter(|_| !logs.is_empty()).map(|href| {
                let number = s.number;
                let items = logs.into_iter().map(|l| {
                    let to = href.run((number, l.slug.clone()));
                    view! {
                        <li><a class="step__log" href=to>{l.name}
                            <span class="muted num">{format!(" {}", buildscope_core::timefmt::group_digits(l.num_lines))}</span>
                        </a></li>
                    }
                }).collect_view();
                view! { <ul class="step__logs" aria-label="Logs">{items}</ul> }
            })}
        </li>
    }
}
