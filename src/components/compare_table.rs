use super::StatusBadge;
use buildscope_core::compare::{signed_duration, span, summary, total_delta, Change, Row};
use buildscope_core::status::Status;
use buildscope_core::timefmt::format_duration;
use leptos::prelude::*;
use leptos_router::components::A;

fn dur(d: Option<f64>) -> String {
    d.map(|s| format_duration(s.round() as i64))
        .unwrap_or_else(|| "–".into())
}

/// One side of a cell: the item's status in that build (when it has the item) and its time.
fn side_cell(status: Option<Status>, secs: Option<f64>) -> impl IntoView {
    view! {
        <td class="num compare__cell">
            {status.map(|s| {
                let label = s.to_string();
                view! { <StatusBadge status=s system_label=label/> }
            })}
            " " <span class="compare__secs">{dur(secs)}</span>
        </td>
    }
}

/// Durations (and statuses) of two builds side by side; changes are words (and colour), never
/// colour alone. `item` names the rows' kind in the header: Step, Stage, Phase.
#[component]
pub fn CompareTable(
    rows: Vec<Row>,
    #[prop(into)] a_label: String,
    #[prop(into)] b_label: String,
    #[prop(into, default = "Step".to_string())] item: String,
) -> impl IntoView {
    view! {
        <table class="compare">
            <thead>
                <tr>
                    <th scope="col">{item}</th>
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
                    let delta = r.delta.map(|d| signed_duration(Some(d))).unwrap_or_default();
                    view! {
                        <tr class=format!("compare-row compare-row--{key}") data-change=key>
                            <td class="compare__name">{r.name.clone()}</td>
                            {side_cell(r.a_status, r.a)}
                            {side_cell(r.b_status, r.b)}
                            <td class="num">{delta}</td>
                            <td>{notable.then(|| view! { <span class=format!("chip chip--{key}")>{r.change.label()}</span> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One build of a comparison as its heading shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareSide {
    /// `#12`, or a short id where the system has no build numbers.
    pub label: String,
    /// The build's own page.
    pub href: String,
    pub status: Status,
    pub system_label: String,
    pub started: Option<f64>,
    pub finished: Option<f64>,
}

impl CompareSide {
    fn total(&self) -> Option<f64> {
        span(self.started, self.finished)
    }
}

/// A whole comparison: both builds with their status and total time, the total difference and
/// a count of what changed, then the table. Shared by Buildbot, CodeArts and ServiceStage.
#[component]
pub fn CompareView(
    a: CompareSide,
    b: CompareSide,
    rows: Vec<Row>,
    #[prop(into)] item: String,
) -> impl IntoView {
    let line = format!(
        "Total {} · {}",
        signed_duration(total_delta(a.total(), b.total())),
        summary(&rows)
    );
    let side = |s: &CompareSide| {
        let total = s
            .total()
            .map(|t| format_duration(t.round() as i64))
            .unwrap_or_else(|| "not finished".into());
        let (href, label) = (s.href.clone(), s.label.clone());
        let (status, system_label) = (s.status.clone(), s.system_label.clone());
        view! {
            <div class="compare__side">
                <A href=href>{label}</A>
                " " <StatusBadge status system_label/>
                <span class="muted">{" "}{total}</span>
            </div>
        }
    };
    view! {
        <div class="compare__head">{side(&a)} <span aria-hidden="true">"→"</span> {side(&b)}</div>
        <p class="compare__summary"><strong>{line}</strong></p>
        <CompareTable rows a_label=a.label.clone() b_label=b.label.clone() item/>
    }
}
