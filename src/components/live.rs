use crate::api::buildbot_ws::WsState;
use leptos::prelude::*;

/// Whether updates arrive live, said in words (and a dot), announced politely.
#[component]
pub fn LiveIndicator(state: RwSignal<Option<WsState>>) -> impl IntoView {
    move || {
        let (key, text) = match state.get() {
            None => return ().into_any(),
            Some(WsState::Open | WsState::Reopened) => ("on", "Live"),
            Some(WsState::Connecting) => ("connecting", "Connecting…"),
            Some(WsState::Closed) => ("off", "Reconnecting… (polling meanwhile)"),
        };
        view! {
            <span class=format!("live live--{key}") role="status" aria-live="polite">
                <span class="live__dot" aria-hidden="true">"●"</span>
                {text}
            </span>
        }
        .into_any()
    }
}
