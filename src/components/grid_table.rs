use super::{StatusBadge, Timestamp};
use buildscope_core::buildbot::changes::Grid;
use buildscope_core::routes::{builder_key, Route};
use leptos::prelude::*;
use leptos_router::components::A;

/// The grid of builds: a column per change (revision, author, branch, when; the message's
/// first line as the heading's title), a row per builder, each cell that builder's build of
/// that change (status badge and number, a link) or a dash said as "no build".
#[component]
pub fn GridTable(#[prop(into)] source_id: String, grid: Grid) -> impl IntoView {
    let head = grid
        .columns
        .iter()
        .map(|c| {
            let rev = c.label();
            let (author, branch, title, when) = (
                c.author.clone(),
                c.branch.clone(),
                c.comments.clone(),
                c.when,
            );
            let first = c.title().to_string();
            let href = Route::Change {
                source: source_id.clone(),
                change: c.changeid,
            }
            .href();
            view! {
                <th scope="col" class="grid__change" data-change=c.changeid title=title>
                    <A href=href attr:class="grid__rev">{rev}</A>
                    <span class="grid__title">{first}</span>
                    <span class="muted grid__author">{author}</span>
                    {branch.map(|b| view! { <span class="chip grid__branch">{b}</span> })}
                    <span class="muted"><Timestamp epoch=when/></span>
                </th>
            }
        })
        .collect::<Vec<_>>();
    let rows = grid
        .rows
        .into_iter()
        .map(|(builder, cells)| {
            let href = Route::builder(&source_id, &builder_key(&builder.name, builder.builderid)).href();
            let name = builder.name.clone();
            let cells = cells
                .into_iter()
                .zip(grid.columns.iter().map(|c| c.changeid))
                .map(|(cell, change)| match cell {
                    Some(b) => {
                        let href = Route::build(&source_id, &b.buildid.to_string(), "").href();
                        let (status, label) = (b.status(), b.system_label());
                        let number = format!("#{}", b.number);
                        let key = status.key();
                        view! {
                            <td class="grid-cell" data-change=change data-status=key>
                                <A href=href><StatusBadge status system_label=label/>" "{number}</A>
                            </td>
                        }
                        .into_any()
                    }
                    None => view! {
                        <td class="grid-cell grid-cell--none" data-change=change>
                            <span aria-hidden="true" class="muted">"–"</span><span class="sr-only">"no build"</span>
                        </td>
                    }
                    .into_any(),
                })
                .collect::<Vec<_>>();
            view! {
                <tr class="grid-row" data-builder=builder.name.clone()>
                    <th scope="row"><A href=href>{name}</A></th>
                    {cells}
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="grid-scroll">
            <table class="grid">
                <caption class="sr-only">"Builds by builder (rows) and change (columns, newest first)"</caption>
                <thead><tr><th scope="col">"Builder"</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
