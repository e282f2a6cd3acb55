//! One part's bar on a build's time axis (a Buildbot step, a CodeArts stage or step): its
//! geometry from `buildscope_core::timeline`, the waiting part hatched, positions in data
//! attributes too (for tests and tools). Sizes are set through the CSSOM, which the CSP allows.

use buildscope_core::timeline::Bar;
use leptos::prelude::*;

/// `bar`: where the part sits (none until it starts); `title`: what hovering says;
/// `secs`: the bar's length in seconds, when the caller shows it.
pub fn track(
    class: &'static str,
    bar: Memo<Option<Bar>>,
    title: impl Fn() -> String + Send + Sync + 'static,
    secs: Option<Signal<Option<i64>>>,
) -> impl IntoView {
    let pct = |v: f64| format!("{v:.3}%");
    view! {
        <span class=class title=title>
            {move || bar.get().map(|b| view! {
                <span class="bar" data-left=format!("{:.3}", b.left) data-width=format!("{:.3}", b.width)
                    data-secs=move || secs.and_then(|s| s.get())
                    style:left=pct(b.left) style:width=pct(b.width)>
                    {(b.lock_wait > 0.0).then(|| view! {
                        <span class="bar__lock" data-width=format!("{:.3}", b.lock_wait)
                            style:width=format!("{:.3}%", b.lock_wait / b.width * 100.0)></span>
                    })}
                </span>
            })}
        </span>
    }
}
