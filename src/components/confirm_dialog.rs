use leptos::html::Dialog;
use leptos::prelude::*;

/// The frame of every dialog of the app: a modal `<dialog>` (see [`use_modal`]) holding one
/// form, its title, the caller's fields, and the submit and Cancel buttons. The browser traps
/// focus in it, Esc closes it (the same as Cancel), and the page behind is inert. While `busy`
/// (the request is out) it stays open with its buttons disabled, so the second click of a
/// double click lands on a disabled button, not on whatever the page has under it, and Esc
/// cannot pretend to take the action back. Submitting runs `on_submit` (the page does the
/// rest); `hold` disables the submit button besides `busy` (fields still loading).
#[component]
pub fn ModalForm(
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] title: Signal<String>,
    /// The title's element id (names the dialog for assistive technology).
    title_id: &'static str,
    /// Classes of the dialog besides `confirm`, and of the form besides `confirm__form`.
    #[prop(optional)]
    class: &'static str,
    #[prop(optional)] form_class: &'static str,
    #[prop(into)] submit_label: Signal<String>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into, optional)] hold: Signal<bool>,
    /// What the dialog says while busy ("Sending…").
    busy_text: &'static str,
    /// Checks left to the page (fields the browser would otherwise judge itself).
    #[prop(optional)]
    novalidate: bool,
    /// Runs as the dialog opens (to reset its fields).
    #[prop(optional)]
    on_open: Option<Callback<()>>,
    on_submit: Callback<()>,
    on_cancel: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = use_modal(open, move || {
        if let Some(f) = on_open {
            f.run(());
        }
    });
    view! {
        <dialog node_ref=dialog class=format!("confirm {class}") aria-labelledby=title_id
            on:cancel=move |ev: web_sys::Event| if busy.get_untracked() { ev.prevent_default() }
            // Esc, or the browser closing it: the same as "Cancel".
            on:close=move |_| if open.get_untracked() { on_cancel.run(()) }>
            <form class=format!("confirm__form {form_class}") novalidate=novalidate on:submit=move |ev| {
                ev.prevent_default();
                on_submit.run(());
            }>
                <h2 id=title_id class="confirm__title">{title}</h2>
                {children()}
                <div class="confirm__buttons">
                    <button type="submit" class="button button--primary" disabled=move || busy.get() || hold.get()>
                        {submit_label}
                    </button>
                    <button type="button" class="button" disabled=move || busy.get()
                        on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    {move || busy.get().then(|| view! { <span class="muted" role="status">{busy_text}</span> })}
                </div>
            </form>
        </dialog>
    }
}

/// The confirmation of an action. It lives outside the views that live updates re-render, so
/// a refresh of the build never closes it or loses a half-typed reason. `reason`, when given,
/// is an optional free-text field (focused first); otherwise the confirm button is (see
/// [`focus_first`]).
#[component]
pub fn ConfirmDialog(
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] confirm_label: Signal<String>,
    #[prop(into)] with_reason: Signal<bool>,
    reason: RwSignal<String>,
    #[prop(into)] busy: Signal<bool>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <ModalForm open title title_id="confirm-title" submit_label=confirm_label busy
            busy_text="Sending…" on_submit=on_confirm on_cancel>
            {move || with_reason.get().then(|| view! {
                <label class="confirm__reason">
                    "Reason (optional, kept by the server)"
                    <input type="text" maxlength="200"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))/>
                </label>
            })}
        </ModalForm>
    }
}

/// A modal `<dialog>` that follows `open`: shown with `showModal` (focus trapped, the page
/// inert) and its first field focused, closed when `open` turns false. `on_open` runs as it
/// opens (to reset its fields). The one place the app's dialogs open and close.
pub fn use_modal(open: Signal<bool>, on_open: impl Fn() + 'static) -> NodeRef<Dialog> {
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        match (open.get(), d.open()) {
            (true, false) => {
                on_open();
                let _ = d.show_modal();
                // After this turn's renders: a field may be drawn by a later effect.
                let d = d.clone();
                request_animation_frame(move || focus_first(&d));
            }
            (false, true) => d.close(),
            _ => {}
        }
    });
    dialog
}

/// Focuses a just-opened dialog's first field, or else its confirm button. Done here rather
/// than with `autofocus` attributes: the browsers' defaults for a dialog without one differ
/// (the first focusable element, or the dialog itself), and an `autofocus` attribute is what
/// an injection looks like to the XSS checks, which must never have to allow one.
pub fn focus_first(dialog: &web_sys::HtmlDialogElement) {
    use wasm_bindgen::JsCast;
    let first = dialog
        .query_selector("input, textarea, select, button[type=submit]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = first {
        let _ = el.focus();
    }
}
