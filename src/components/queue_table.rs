use crate::components::{LiveDuration, Timestamp};
use buildscope_core::buildbot::queue::BuildRequest;
use leptos::prelude::*;

/// Build requests waiting for a worker, longest waiting first (after priority): number,
/// builder (`builder_name`, when the table spans builders), when it was asked for, how long it
/// has waited (live), its priority and why it waits (`why`, when the page knows), and the
/// row's action (`action`, from the page: a component sends nothing).
#[component]
pub fn QueueTable(
    requests: Vec<BuildRequest>,
    #[prop(optional, into)] why: Option<String>,
    #[prop(optional, into)] builder_name: Option<Callback<i64, String>>,
    action: Callback<BuildRequest, AnyView>,
) -> impl IntoView {
    let spans_builders = builder_name.is_some();
    let rows = requests
        .into_iter()
        .map(|r| {
            let builder = builder_name.map(|name| view! { <td>{name.run(r.builderid)}</td> });
            let why = why.clone().map(|w| view! { <td class="muted">{w}</td> });
            let id = r.buildrequestid;
            let (submitted, priority) = (r.submitted_at, r.priority);
            view! {
                <tr class="queue-row" data-request=id>
                    <td class="num">{format!("#{id}")}</td>
                    {builder}
                    <td><Timestamp epoch=submitted/></td>
                    <td class="num queue-row__waited"><LiveDuration start=submitted end=None/></td>
                    <td class="num">{priority}</td>
                    {why}
                    <td>{action.run(r)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <table class="builds queue">
            <caption class="sr-only">"Build requests waiting for a worker"</caption>
            <thead>
                <tr>
                    <th scope="col">"Request"</th>
                    {spans_builders.then(|| view! { <th scope="col">"Builder"</th> })}
                    <th scope="col">"Asked"</th>
                    <th scope="col">"Waiting"</th>
                    <th scope="col">"Priority"</th>
                    {why.is_some().then(|| view! { <th scope="col">"Why it waits"</th> })}
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
