use buildscope_core::buildbot::test_results::TestResultSet;
use leptos::prelude::*;
use leptos_router::components::A;

/// One test result set as the build page lists it: where its results are, which step made it
/// and where that step's log is.
#[derive(Clone, Debug, PartialEq)]
pub struct SetLinks {
    pub set: TestResultSet,
    pub href: String,
    pub step_name: String,
    pub log_href: Option<String>,
}

/// A build's test result sets: passed / failed (Buildbot's own counts), category and unit,
/// each set linking its results and its step's log. Failed counts are words, not colour.
#[component]
pub fn TestSets(sets: Vec<SetLinks>) -> impl IntoView {
    view! {
        <table class="test-sets">
            <caption class="sr-only">"Test result sets of this build"</caption>
            <thead>
                <tr>
                    <th scope="col">"Tests"</th>
                    <th scope="col">"Step"</th>
                    <th scope="col" class="num">"Passed"</th>
                    <th scope="col" class="num">"Failed"</th>
                    <th scope="col">"Kind"</th>
                </tr>
            </thead>
            <tbody>
                {sets.into_iter().map(|l| {
                    let failed = l.set.failures();
                    let class = if failed > 0 { "test-set test-set--failed" } else { "test-set" };
                    let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "–".into());
                    let step = match l.log_href {
                        Some(href) => view! { <A href=href>{l.step_name}</A> }.into_any(),
                        None => view! { <span>{l.step_name}</span> }.into_any(),
                    };
                    let (id, title, complete) = (l.set.setid, l.set.title(), l.set.complete);
                    view! {
                        <tr class=class data-set=id>
                            <td class="test-set__title">
                                <A href=l.href>{title}</A>
                                {(!complete).then(|| view! { <span class="muted">" (still being written)"</span> })}
                            </td>
                            <td>{step}</td>
                            <td class="num test-set__passed">{count(l.set.passed)}</td>
                            <td class="num test-set__failed">
                                {(failed > 0).then(|| view! { <span aria-hidden="true">"✗ "</span> })}
                                {count(l.set.failed)}
                            </td>
                            <td class="muted">{format!("{} · {}", l.set.category, l.set.value_unit)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
