use crate::api::auth;
use leptos::prelude::*;

/// Asks for a source's token after a 401. The token is typed into a password field, kept in
/// memory (sessionStorage only when the box is ticked), and every waiting view retries at once.
#[component]
pub fn TokenPrompt() -> impl IntoView {
    let needed = auth::needed();
    let token = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    move || {
        needed.get().map(|(id, name)| {
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let t = token.get_untracked();
                if !t.trim().is_empty() {
                    auth::set_token(&id, t.trim().to_string(), remember.get_untracked());
                    token.set(String::new());
                }
            };
            view! {
                <form class="token-prompt state" on:submit=submit aria-labelledby="token-prompt-title">
                    <p class="state__title" id="token-prompt-title">{format!("{name} needs a token")}</p>
                    <p class="muted">"The server answered 401. Enter an IAM token (sent as X-Auth-Token, never stored in the address bar or local storage)."</p>
                    <label>
                        <span class="sr-only">"Token"</span>
                        <input type="password" autocomplete="off" class="token-prompt__input" placeholder="Token"
                            prop:value=move || token.get()
                            on:input=move |ev| token.set(event_target_value(&ev))/>
                    </label>
                    <label class="toggle">
                        <input type="checkbox" prop:checked=move || remember.get()
                            on:change=move |ev| remember.set(event_target_checked(&ev))/>
                        "Remember for this tab session"
                    </label>
                    <button type="submit" class="button">"Use token"</button>
                </form>
            }
        })
    }
}
