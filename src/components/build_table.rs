use super::{LiveDuration, Revision, StatusBadge, Timestamp};
use buildscope_core::buildbot::Build;
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

/// Builds of one builder: number, status, start, duration, what was built (branch and
/// revision, as columns only when some build says) and Buildbot's summary. Builds of several
/// builders (a worker's) give `builder_names`, `(builderid, name)`, and each says its builder.
#[component]
pub fn BuildTable(
    #[prop(into)] source_id: String,
    builds: Vec<Build>,
    #[prop(optional)] builder_names: Option<Vec<(i64, String)>>,
) -> impl IntoView {
    let stamped = builds
        .iter()
        .any(|b| b.branch().is_some() || b.revision().is_some());
    view! {
        <table class="builds">
            <thead>
                <tr>
                    <th scope="col">"Build"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Duration"</th>
                    {stamped.then(|| view! { <th scope="col">"Branch"</th><th scope="col">"Revision"</th> })}
                    <th scope="col">"Summary"</th>
                </tr>
            </thead>
            <tbody>
                {builds
                    .into_iter()
                    .map(|b| {
                        let href = Route::build(&source_id, &b.buildid.to_string(), "").href();
                        let label = match builder_names
                            .as_ref()
                            .and_then(|n| n.iter().find(|(id, _)| *id == b.builderid))
                        {
                            Some((_, name)) => format!("{name} #{}", b.number),
                            None => format!("#{}", b.number),
                        };
                        let (status, system_label) = (b.status(), b.system_label());
                        let key = status.key();
                        let stamp = stamped.then(|| view! {
                            <td class="build-row__branch">{b.branch()}</td>
                            <td class="build-row__revision"><Revision revision=b.revision()/></td>
                        });
                        view! {
                            <tr class="build-row" data-number=b.number data-buildid=b.buildid data-status=key>
                                <td class="build-row__number">
                                    <A href=href>{label}</A>
                                </td>
                                <td>
                                    <StatusBadge status system_label/>
                                </td>
                                <td>
                                    <Timestamp epoch=b.started_at/>
                                </td>
                                <td class="num">
                                    <LiveDuration start=b.started_at end=b.complete_at/>
                                </td>
                                {stamp}
                                <td class="build-row__summary">{b.state_string}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
