use crate::compare::{Change, Row};
use crate::timefmt::format_duration;
use leptos::prelude::*;

fn dur(d: Option<f64>) -> String {
    d.map(|s| format_duration(s.round() as i64))
        .unwrap_or_else(|| "–".into())
}

fn signed(d: Option<f64>) -> String {
    match d {
        Some(d) if d >= 0.5 => format!("+{}", format_duration(d.round() as i64)),
        Some(d) if d <= -0.5 => format!("−{}", format_duration((-d).round() as i64)),
        Some(_) => "±0s".into(),
        None => String::new(),
    }
}

/// Durations of two builds side by side; changes are words (and colour), never colour alone.
#[component]
pub fn CompareTable(
    rows: Vec<Row>,
    #[prop(into)] a_label: String,
    #[prop(into)] b_label: String,
) -> impl IntoView {
    view! {
        <table class="compare">
            <thead>
                <tr>
                    <th scope="col">"Step"</th>
                    <th scope="col" class="num">{a_label}</th>
                    <th scope="col" class="num">{b_label}</th>
                    <th scope="col" class="num">"Change"</th>
                    // Named for screen readers (axe: empty-table-header); the chips speak for themselves.
                    <th scope="col"><span class="sr-only">"Notable"</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let key = r.change.key();
                    let notable = !matches!(r.change, Change::Same | Change::Unknown);
                    view! {
                        <tr class=format!("compare-row compare-row--{key}") data-change=key>
                            <td class="compare__name">{r.name.clone()}</td>
                            <td class="num">{dur(r.a)}</td>
                            <td class="num">{dur(r.b)}</td>
                            <td class="num">{signed(r.delta)}</td>
                            <td>{notable.then(|| view! { <span class=format!("chip chip--{key}")>{r.change.label()}</span> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
