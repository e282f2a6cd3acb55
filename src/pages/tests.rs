//! `/s/:source/builds/:buildid/tests/:setid`: one test result set of a Buildbot build, a page
//! at a time: failures first (or only), searched by test name on the master, each result
//! linking the log of the step that reported it.

use super::{no_match, param, polled_view, query_pairs, source_by_id, ListControls};
use crate::api::buildbot::{BuildbotClient, TestSetHeader};
use crate::components::EmptyState;
use crate::hooks::{set_title, use_polled, WhenIdle};
use buildscope_core::buildbot::test_results::{Outcome, ResultPage, TestResult, TestResultSet};
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::listing::{self, Paging};
use buildscope_core::routes::Route;
use buildscope_core::status::Status;
use buildscope_core::timefmt::format_duration;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

/// Results per page: a screenful or two, and a DOM far under the viewer's node budget even
/// for a set of 100,000 results.
const PER_PAGE: &str = "50";

#[component]
pub fn TestResultsPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let p = params.read();
        let set = param(&p, "setid").parse::<i64>().ok();
        // The set names its own build; the path's build id only has to be one.
        let build = param(&p, "buildid").parse::<i64>().ok();
        match (source_by_id(&p), build, set) {
            (Err(msg), _, _) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            (Ok(source), Some(_), Some(set)) if source.kind == SourceKind::Buildbot => {
                view! { <TestResultsView source set/> }.into_any()
            }
            _ => view! {
                <section class="page">
                    <EmptyState title="Not a test result set" hint="Test results belong to Buildbot builds; this address names no set."/>
                </section>
            }
            .into_any(),
        }
    }
}

#[component]
fn TestResultsView(source: Source, set: i64) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let c = client.clone();
    let header = use_polled(
        move || {
            let c = c.clone();
            async move { c.test_set_header(set).await }
        },
        // A set still being written grows; a complete one never changes.
        |h: &TestSetHeader| !h.set.complete,
        WhenIdle::Stop,
    );
    let source_id = source.id.clone();
    view! {
        <section class="page">
            {polled_view(header, "Loading test results…", move |h| {
                head(&source_id, client.clone(), h)
            })}
        </section>
    }
}

fn head(source_id: &str, client: BuildbotClient, h: TestSetHeader) -> impl IntoView {
    let TestSetHeader {
        set,
        step,
        log_slug,
        total,
    } = h;
    set_title(&format!(
        "{} · build {} · buildscope",
        set.title(),
        set.buildid
    ));
    let log_href = step
        .as_ref()
        .zip(log_slug)
        .map(|(s, slug)| super::log::log_href(source_id, set.buildid, s.number, slug));
    let step_name = step.map(|s| s.name).unwrap_or_default();
    let others = total
        .map(|t| set.others(t))
        .filter(|n| *n > 0 && set.is_pass_fail());
    let summary = set.is_pass_fail().then(|| {
        view! {
            <p class="test-summary" aria-label="Summary">
                <span class="test-summary__passed">{format!("{} passed", set.passed.unwrap_or(0))}</span>
                " · "
                <span class="test-summary__failed">
                    {(set.failures() > 0).then(|| view! { <span aria-hidden="true">"✗ "</span> })}
                    {format!("{} failed", set.failures())}
                </span>
                {others.map(|n| view! { " · " <span class="test-summary__others">{format!("{n} neither (skipped or other values)")}</span> })}
                {total.map(|t| view! { <span class="muted">{format!(" · {t} results")}</span> })}
            </p>
        }
    });
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href=Route::source(source_id).href()>"Builders"</A>
            <span aria-hidden="true">" / "</span>
            <A href=format!("{}#tests", Route::build(source_id, &set.buildid.to_string(), "").href())>
                {format!("Build {}", set.buildid)}
            </A>
        </nav>
        <header class="tests-head">
            <h1>{set.title()}</h1>
            <span class="muted">{format!("{} · {}", set.category, set.value_unit)}</span>
            {log_href.clone().map(|href| view! { <A href=href attr:class="button">{format!("Log of {step_name}")}</A> })}
        </header>
        {summary}
        <div class="list-controls tests-controls">
            {set.failures_filter().is_some().then(show_select)}
            <ListControls search="Search test names"/>
        </div>
        <Results client set log_href/>
    }
}

/// "Failures first" (every result, failed ones at the top) or "Failures only", kept in the
/// URL as `?show=failed`.
fn show_select() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let change = move |ev| {
        let pairs = query_pairs(&query.read_untracked());
        let path = location.pathname.get_untracked();
        let value: String = event_target_value(&ev);
        let href = listing::href(&path, &pairs, &[("show", &value), ("page", "")]);
        navigate(
            &href,
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let only = move || query.read().get("show").as_deref() == Some("failed");
    view! {
        <label class="search">
            "Show "
            <select class="tests-show" on:change=change>
                <option value="" prop:selected=move || !only()>"Failures first"</option>
                <option value="failed" prop:selected=only>"Failures only"</option>
            </select>
        </label>
    }
}

/// The page of results the URL asks for; a new query is a new request.
#[component]
fn Results(client: BuildbotClient, set: TestResultSet, log_href: Option<String>) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    move || {
        let q = query.read();
        let failures_only = q.get_str("show") == Some("failed");
        let name = q.get_str("q").unwrap_or("").to_string();
        let paging = Paging::from_query(
            q.get_str("page"),
            Some(q.get_str("per_page").unwrap_or(PER_PAGE)),
        );
        let pairs = query_pairs(&q);
        let path = location.pathname.get_untracked();
        let (c, s) = (client.clone(), set.clone());
        let fetch_name = name.clone();
        let polled = use_polled(
            move || {
                let (c, s, n) = (c.clone(), s.clone(), fetch_name.clone());
                let offset = u64::from(paging.page) * u64::from(paging.per_page);
                async move {
                    c.test_results(&s, failures_only, &n, offset, paging.per_page.into())
                        .await
                }
            },
            |_: &ResultPage| false,
            WhenIdle::Stop,
        );
        let (set, log_href) = (set.clone(), log_href.clone());
        polled_view(polled, "Loading results…", move |page: ResultPage| {
            if page.results.is_empty() {
                return if name.is_empty() && !failures_only {
                    view! { <EmptyState title="No results" hint="This set holds no results yet."/> }
                        .into_any()
                } else {
                    no_match("tests").into_any()
                };
            }
            let first = u64::from(paging.page) * u64::from(paging.per_page);
            let more = paging.more(page.total.map(|t| t as i64), page.results.len());
            let to = |p: u32| {
                let p = if p == 0 { String::new() } else { p.to_string() };
                listing::href(&path, &pairs, &[("page", &p)])
            };
            let pages = page
                .total
                .map(|t| t.div_ceil(u64::from(paging.per_page)).max(1));
            view! {
                <p class="muted tests-range">
                    {format!("{}–{}", first + 1, first + page.results.len() as u64)}
                    {page.total.map(|t| format!(" of {t}"))}
                </p>
                <table class="test-results">
                    <caption class="sr-only">"Test results, failures first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Test"</th>
                            <th scope="col">"Result"</th>
                            <th scope="col">"Where"</th>
                            <th scope="col" class="num">"Duration"</th>
                            <th scope="col">"Log"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.results.into_iter().map(|r| result_row(&set, r, log_href.clone())).collect_view()}
                    </tbody>
                </table>
                <nav class="pager" aria-label="Pages">
                    {(paging.page > 0).then(|| view! { <A href=to(paging.page - 1) attr:class="button">"← Previous"</A> })}
                    <span class="muted">
                        {format!("Page {}", u64::from(paging.page) + 1)}
                        {pages.map(|n| format!(" of {n}"))}
                    </span>
                    {more.then(|| view! { <A href=to(paging.page + 1) attr:class="button">"Next →"</A> })}
                </nav>
            }
            .into_any()
        })
    }
}

fn result_row(set: &TestResultSet, r: TestResult, log_href: Option<String>) -> impl IntoView {
    let outcome = set.outcome(&r.value);
    let (class, badge) = match outcome {
        Outcome::Failed => (
            "test-row test-row--failed",
            Some((Status::Failure, "Failed")),
        ),
        Outcome::Passed => ("test-row", Some((Status::Success, "Passed"))),
        Outcome::Value => ("test-row", None),
    };
    let result = match badge {
        Some((status, word)) => view! {
            <span class=format!("badge badge--{}", status.key()) data-status=status.key() title=format!("value {}", r.value)>
                <span class="badge__icon" aria-hidden="true">{status.icon()}</span>
                <span class="badge__text">{word}</span>
            </span>
        }
        .into_any(),
        None => view! { <span class="test-row__value">{format!("{} {}", r.value, set.value_unit)}</span> }.into_any(),
    };
    let place = match (r.code_path, r.line) {
        (Some(p), Some(l)) => format!("{p}:{l}"),
        (Some(p), None) => p,
        (None, Some(l)) => format!("line {l}"),
        (None, None) => String::new(),
    };
    view! {
        <tr class=class data-result=r.id>
            <td class="test-row__name">{r.name.unwrap_or_else(|| format!("result {}", r.id))}</td>
            <td>{result}</td>
            <td class="test-row__where"><code>{place}</code></td>
            <td class="num">{r.duration_ns.map(duration)}</td>
            <td>{log_href.map(|href| view! { <A href=href>"log"</A> })}</td>
        </tr>
    }
}

/// A test's duration: milliseconds under a minute (tests are mostly short), else h/m/s.
fn duration(ns: i64) -> String {
    let secs = ns as f64 / 1e9;
    if secs < 60.0 {
        format!("{:.3} s", secs.max(0.0))
    } else {
        format_duration(secs as i64)
    }
}
