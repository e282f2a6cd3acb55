use super::confirm_dialog::ModalForm;
use buildscope_core::buildbot::force::{Field, ForceScheduler, Kind};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A force scheduler's form, in a modal `<dialog>`, with the fields the scheduler defines
/// (text, numbers, choices, checkboxes, groups; hidden ones are not shown, fixed ones are shown
/// read-only). `values` are by full name; `problems` are `(full name, message)` pairs shown
/// under their fields. Submitting the form is the user's confirmation; the form stays open,
/// disabled, while `busy` (see [`ModalForm`]).
#[component]
pub fn ForceForm(
    scheduler: ForceScheduler,
    #[prop(into)] title: String,
    #[prop(into)] open: Signal<bool>,
    values: RwSignal<BTreeMap<String, String>>,
    problems: RwSignal<Vec<(String, String)>>,
    #[prop(into)] busy: Signal<bool>,
    on_submit: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let counter = std::cell::Cell::new(0usize);
    let fields = render_fields(&scheduler.fields, values, problems, &counter);
    view! {
        <ModalForm open title=title title_id="force-title" class="force" form_class="force__form"
            submit_label=scheduler.button_name.clone() busy busy_text="Sending…" novalidate=true
            on_submit on_cancel>
            {fields}
            {move || (!problems.with(Vec::is_empty)).then(|| view! {
                <p class="field-error" role="alert">"Some fields need attention; nothing was sent."</p>
            })}
        </ModalForm>
    }
}

fn render_fields(
    fields: &[Field],
    values: RwSignal<BTreeMap<String, String>>,
    problems: RwSignal<Vec<(String, String)>>,
    counter: &std::cell::Cell<usize>,
) -> Vec<AnyView> {
    fields
        .iter()
        .filter(|f| !f.hide)
        .map(|f| {
            if f.kind == Kind::Nested {
                let inner = render_fields(&f.fields, values, problems, counter);
                let legend = f.label.trim().to_string();
                return if legend.is_empty() {
                    view! { <div class="force__group">{inner}</div> }.into_any()
                } else {
                    view! { <fieldset class="force__group"><legend>{legend}</legend>{inner}</fieldset> }.into_any()
                };
            }
            let n = counter.get();
            counter.set(n + 1);
            render_field(f, n, values, problems)
        })
        .collect()
}

fn render_field(
    f: &Field,
    n: usize,
    values: RwSignal<BTreeMap<String, String>>,
    problems: RwSignal<Vec<(String, String)>>,
) -> AnyView {
    // Ids by position: a full name is server text and need not be a valid id.
    let id = format!("force-field-{n}");
    let error_id = format!("{id}-error");
    let key = f.full_name.clone().unwrap_or_default();
    let label = if f.required {
        format!("{} (required)", f.label)
    } else {
        f.label.clone()
    };
    let problem = {
        let key = key.clone();
        move || problems.with(|p| p.iter().find(|(k, _)| *k == key).map(|(_, m)| m.clone()))
    };
    let invalid = {
        let problem = problem.clone();
        move || problem().is_some().to_string()
    };
    let value = {
        let key = key.clone();
        move || values.with(|v| v.get(&key).cloned().unwrap_or_default())
    };
    let set = {
        let key = key.clone();
        move |text: String| {
            values.update(|v| {
                v.insert(key.clone(), text);
            });
            problems.update(|p| p.retain(|(k, _)| *k != key));
        }
    };
    let hint = (!f.tooltip.trim().is_empty()).then(|| {
        view! { <span class="muted force__hint">{f.tooltip.clone()}</span> }
    });
    let error = view! { <span id=error_id.clone() class="field-error">{problem}</span> };
    let control = match &f.kind {
        Kind::Fixed => view! { <output id=id.clone() class="force__fixed">{f.initial()}</output> }.into_any(),
        Kind::Bool => {
            let checked = value.clone();
            view! {
                <input id=id.clone() type="checkbox"
                    prop:checked=move || matches!(checked().as_str(), "true" | "on" | "1")
                    on:change=move |ev| set(event_target_checked(&ev).to_string())/>
            }
            .into_any()
        }
        Kind::Textarea => view! {
            <textarea id=id.clone() rows="4" aria-invalid=invalid aria-describedby=error_id.clone()
                prop:value=value on:input=move |ev| set(event_target_value(&ev))></textarea>
        }
        .into_any(),
        Kind::List if f.strict && !f.multiple => {
            let options = f
                .choices
                .iter()
                .map(|c| {
                    let (text, attr, is, selected) = (c.clone(), c.clone(), c.clone(), value.clone());
                    view! { <option value=attr selected=move || selected() == is>{text}</option> }
                })
                .collect::<Vec<_>>();
            view! {
                <select id=id.clone() aria-invalid=invalid aria-describedby=error_id.clone()
                    on:change=move |ev| set(event_target_value(&ev))>{options}</select>
            }
            .into_any()
        }
        Kind::List => {
            // Several values, or free text beside the choices: one per line, choices offered.
            let list_id = format!("{id}-choices");
            let options = f
                .choices
                .iter()
                .map(|c| view! { <option value=c.clone()></option> })
                .collect::<Vec<_>>();
            if f.multiple {
                view! {
                    <textarea id=id.clone() rows="3" aria-invalid=invalid aria-describedby=error_id.clone()
                        prop:value=value on:input=move |ev| set(event_target_value(&ev))></textarea>
                }
                .into_any()
            } else {
                view! {
                    <input id=id.clone() type="text" list=list_id.clone() aria-invalid=invalid aria-describedby=error_id.clone()
                        prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
                    <datalist id=list_id>{options}</datalist>
                }
                .into_any()
            }
        }
        Kind::Int => view! {
            <input id=id.clone() type="text" inputmode="numeric" aria-invalid=invalid aria-describedby=error_id.clone()
                prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
        }
        .into_any(),
        _ => view! {
            <input id=id.clone() type="text" aria-invalid=invalid aria-describedby=error_id.clone()
                prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
        }
        .into_any(),
    };
    let multiple_hint = (f.kind == Kind::List && f.multiple)
        .then(|| view! { <span class="muted force__hint">"One value per line."</span> });
    view! {
        <div class="force__field">
            <label for=id>{label}</label>
            {control}
            {hint}
            {multiple_hint}
            {error}
        </div>
    }
    .into_any()
}
