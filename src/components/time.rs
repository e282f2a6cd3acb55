use crate::hooks::{tz_offset_minutes, use_clock};
use buildscope_core::timefmt::{elapsed, format_duration, format_epoch, iso_utc, relative};
use leptos::prelude::*;

/// A point in time in the viewer's zone, with the relative time alongside.
#[component]
pub fn Timestamp(epoch: Option<f64>) -> impl IntoView {
    let now = use_clock();
    match epoch {
        None => view! { <span class="muted">"not started"</span> }.into_any(),
        Some(t) => view! {
            <time datetime=iso_utc(t) title=iso_utc(t)>
                {format_epoch(t, tz_offset_minutes())}
                <span class="muted">" · " {move || relative(t, now.get())}</span>
            </time>
        }
        .into_any(),
    }
}

/// A duration that ticks live while `end` is unknown.
#[component]
pub fn LiveDuration(start: Option<f64>, end: Option<f64>) -> impl IntoView {
    let now = use_clock();
    move || match elapsed(start, end, now.get()) {
        Some(s) => format_duration(s),
        None => "–".to_string(),
    }
}
