use buildscope_core::status::Status;
use leptos::prelude::*;

/// A status badge: icon + text + colour, never colour alone. The system's own label
/// (e.g. Buildbot "FAILURE (2)") is on hover and read by screen readers.
#[component]
pub fn StatusBadge(status: Status, #[prop(into)] system_label: String) -> impl IntoView {
    let key = status.key();
    let text = status.to_string();
    view! {
        <span class=format!("badge badge--{key}") data-status=key title=system_label.clone()>
            <span class="badge__icon" aria-hidden="true">{status.icon()}</span>
            <span class="badge__text">{text}</span>
            {(!system_label.is_empty()).then(|| view! { <span class="sr-only">{format!(" ({system_label})")}</span> })}
        </span>
    }
}
