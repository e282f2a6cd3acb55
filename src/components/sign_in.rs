use super::confirm_dialog::ModalForm;
use buildscope_core::error::ApiError;
use leptos::prelude::*;

/// Buildbot's password sign-in as a modal dialog: username and password (the browser's
/// password manager may fill them), the master's refusal shown in it. The password lives in
/// the field until the one request that sends it.
#[component]
pub fn SignInDialog(
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] source_name: Signal<String>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    on_submit: Callback<(String, String)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    view! {
        <ModalForm open title=Signal::derive(move || format!("Sign in to {}", source_name.get()))
            title_id="sign-in-title" class="sign-in" form_class="force__form"
            submit_label="Sign in" busy busy_text="Signing in…"
            on_open=Callback::new(move |_| password.set(String::new()))
            on_submit=Callback::new(move |_| on_submit.run((user.get_untracked(), password.get_untracked())))
            on_cancel>
            <div class="force__field">
                <label for="sign-in-user">"Username"</label>
                <input id="sign-in-user" type="text" autocomplete="username" required
                    prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev))/>
            </div>
            <div class="force__field">
                <label for="sign-in-password">"Password"</label>
                <input id="sign-in-password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
            </div>
            {move || error.get().map(|e| view! {
                <p class="field-error" role="alert">{format!("{}: {}", e.headline(), e.message)}</p>
            })}
        </ModalForm>
    }
}

/// What a page of a master that wants a sign-in shows instead of its error: who asks, and
/// the way in.
#[component]
pub fn SignInPrompt(#[prop(into)] source_name: String, on_sign_in: Callback<()>) -> impl IntoView {
    view! {
        <div class="state sign-in-prompt">
            <p class="state__title"><span aria-hidden="true">"🔒 "</span>{format!("{source_name} wants you to sign in")}</p>
            <p class="muted">"This master shows its builds only to signed-in users."</p>
            <button type="button" class="button button--primary" on:click=move |_| on_sign_in.run(())>
                {format!("Sign in to {source_name}")}
            </button>
        </div>
    }
}
