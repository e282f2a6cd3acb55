use buildscope_core::error::ApiError;
use leptos::prelude::*;

/// A loading placeholder that says what is loading.
#[component]
pub fn Loading(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="state state--loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}

/// Nothing to show, said plainly, with a hint.
#[component]
pub fn EmptyState(#[prop(into)] title: String, #[prop(into)] hint: String) -> impl IntoView {
    view! {
        <div class="state state--empty">
            <p class="state__title">{title}</p>
            <p class="muted">{hint}</p>
        </div>
    }
}

/// An API failure: source, HTTP status and server code first, then the details and a retry.
/// `stale` marks that older data is still shown below; `manual` that nothing tries again
/// until the user asks, so the panel does not promise an automatic retry.
#[component]
pub fn ErrorPanel(
    error: ApiError,
    #[prop(optional)] stale: bool,
    #[prop(optional)] manual: bool,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let note = match (stale, manual) {
        (true, false) => Some("Showing the last data received; retrying automatically."),
        (false, false) => Some("Retrying automatically."),
        (true, true) => Some("Showing the last data received."),
        (false, true) => None,
    };
    view! {
        <div class="state state--error" role="alert">
            <p class="state__title">
                <span aria-hidden="true">"⚠ "</span>
                {error.headline()}
            </p>
            <p class="error__message">{error.message.clone()}</p>
            <p class="muted error__url">
                "Request: " <code>{error.url.clone()}</code>
                {error.request_id.clone().map(|id| view! { " · request id " <code>{id}</code> })}
            </p>
            {note.map(|note| view! { <p class="muted">{note}</p> })}
            {on_retry.map(|cb| view! {
                <button type="button" class="button" on:click=move |_| cb.run(())>"Retry now"</button>
            })}
        </div>
    }
}
