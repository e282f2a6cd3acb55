use super::{LiveDuration, Revision, StatusBadge, Timestamp};
use buildscope_core::overview::Row;
use leptos::prelude::*;
use leptos_router::components::A;

/// Builds of every source in one table: source, builder or job, number, status, start,
/// duration and what was built. Failed builds carry a row class (the badge already says it in
/// words, so the highlight is never the only sign).
#[component]
pub fn OverviewTable(rows: Vec<Row>, #[prop(into)] caption: String) -> impl IntoView {
    view! {
        <table class="builds overview-table">
            <caption class="sr-only">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Builder / job"</th>
                    <th scope="col">"Build"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Duration"</th>
                    <th scope="col">"Branch"</th>
                    <th scope="col">"Revision"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let key = r.status.key();
                    let class = if matches!(key, "failure" | "exception") {
                        "overview-row overview-row--failed"
                    } else {
                        "overview-row"
                    };
                    // When it last changed (epoch s), the order the list is sorted by.
                    let when = r.when().map(|t| t as i64);
                    view! {
                        <tr class=class data-source=r.source_id.clone() data-status=key data-when=when>
                            <td class="overview-row__source">{r.source_name}</td>
                            <td class="overview-row__group"><A href=r.group_href>{r.group}</A></td>
                            <td class="overview-row__number"><A href=r.href>{r.number}</A></td>
                            <td><StatusBadge status=r.status system_label=r.label/></td>
                            <td><Timestamp epoch=r.started/></td>
                            <td class="num"><LiveDuration start=r.started end=r.ended/></td>
                            <td class="overview-row__branch">{r.branch}</td>
                            <td><Revision revision=r.revision/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
