use super::confirm_dialog::ModalForm;
use buildscope_core::huawei_control::{ParameterRow, RowError};
use leptos::prelude::*;

/// One row as the form edits it: its own signals, so typing re-renders nothing else and
/// adding or removing a row keeps the focus and values of the others.
#[derive(Clone, Copy)]
pub struct FormRow {
    key: usize,
    name: RwSignal<String>,
    value: RwSignal<String>,
    secret: bool,
}

/// The form's rows for `rows` (keys go on from `first_key`, so re-filled rows are new nodes).
pub fn form_rows(rows: Vec<ParameterRow>, first_key: usize) -> Vec<FormRow> {
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| FormRow {
            key: first_key + i,
            name: RwSignal::new(r.name),
            value: RwSignal::new(r.value),
            secret: r.secret,
        })
        .collect()
}

/// A key no row in `rows` has.
pub fn next_key(rows: &[FormRow]) -> usize {
    rows.iter().map(|x| x.key + 1).max().unwrap_or(0)
}

/// What the rows hold now.
pub fn read_rows(rows: &[FormRow]) -> Vec<ParameterRow> {
    rows.iter()
        .map(|r| ParameterRow {
            name: r.name.get_untracked(),
            value: r.value.get_untracked(),
            secret: r.secret,
        })
        .collect()
}
/// The run form of a CodeArts job, in a modal `<dialog>`: one row per custom parameter (name
/// and value; a secret one shows no value and is left out unless typed), rows added and
/// removed, the problem of a row shown at it. Submitting is the user's confirmation; the form
/// stays open, disabled, while `busy` (see [`ModalForm`]).
#[component]
pub fn RunForm(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] open: Signal<bool>,
    rows: RwSignal<Vec<FormRow>>,
    problem: RwSignal<Option<RowError>>,
    /// Set while the job's parameters are still being read.
    #[prop(into)]
    loading: Signal<bool>,
    #[prop(into)] busy: Signal<bool>,
    on_submit: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let disabled = move || busy.get() || loading.get();
    let position = move |key: usize| rows.with(|r| r.iter().position(|x| x.key == key));
    view! {
        <ModalForm open title title_id="run-title" class="run-form" submit_label="Run" busy
            hold=loading busy_text="Sending…" novalidate=true on_submit on_cancel>
                <p class="muted">"Custom parameters; a parameter left out keeps the job's own value."</p>
                {move || loading.get().then(|| view! { <p class="muted" role="status">"Reading the job's parameters…"</p> })}
                <table class="run-form__rows">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col"><span class="sr-only">"Remove"</span></th></tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| r.key let:row>
                            {
                                let key = row.key;
                                let n = move || position(key).map_or(0, |i| i + 1);
                                let error = move || problem.get().filter(|p| Some(p.row) == position(key)).map(|p| p.message);
                                let secret = row.secret;
                                view! {
                                    <tr class="run-form__row">
                                        <td>
                                            <input type="text" class="run-form__name" maxlength="128" spellcheck="false"
                                                aria-label=move || format!("Name of parameter {}", n())
                                                prop:value=move || row.name.get() disabled=move || disabled() || secret
                                                on:input=move |ev| { row.name.set(event_target_value(&ev)); problem.set(None) }/>
                                        </td>
                                        <td>
                                            <input type=if secret { "password" } else { "text" } class="run-form__value" maxlength="8192"
                                                aria-label=move || if secret {
                                                    format!("Value of {} (secret: left empty, the job keeps its own)", row.name.get())
                                                } else {
                                                    format!("Value of parameter {}", n())
                                                }
                                                autocomplete="off" placeholder=if secret { "secret" } else { "" }
                                                prop:value=move || row.value.get() disabled=disabled
                                                on:input=move |ev| { row.value.set(event_target_value(&ev)); problem.set(None) }/>
                                            {move || error().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                                        </td>
                                        <td>
                                            <button type="button" class="button" disabled=disabled
                                                aria-label=move || format!("Remove parameter {}", n())
                                                on:click=move |_| { rows.update(|r| r.retain(|x| x.key != key)); problem.set(None); }>"✕"</button>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
                <button type="button" class="button" disabled=disabled
                    on:click=move |_| rows.update(|r| {
                        let key = next_key(r);
                        r.extend(form_rows(vec![ParameterRow::default()], key));
                    })>"Add parameter"</button>
        </ModalForm>
    }
}
