//! CodeArts Build views: jobs of the configured project, a job's history, a build's stage map.

use super::huawei_control::{HuaweiClient, HuaweiControl};
use super::{
    compare_link, fact, no_match, pager, polled_view, span, trend_view, watch_toggle, ListControls,
};
use crate::api::huawei::CodeArtsClient;
use crate::components::{
    CompareSide, CompareView, EmptyState, LiveDuration, Revision, StageMap, StatusBadge, Timestamp,
};
use crate::hooks::{set_title, use_polled, use_polled_fresh, Polled, WhenIdle};
use buildscope_core::codearts::{
    system_label, BuildParameter, BuildRecord, History, JobList, RecordInfo, Stage,
};
use buildscope_core::compare::{compare, stages};
use buildscope_core::config::Source;
use buildscope_core::error::ApiError;
use buildscope_core::freshness::{keep_newer, Progress};
use buildscope_core::huawei_control::{rows_from, stop_of};
use buildscope_core::listing::{name_matches, status_matches, Paging};
use buildscope_core::routes::Route;
use buildscope_core::status::Status;
use buildscope_core::timefmt::format_duration;
use buildscope_core::trend::Point;
use buildscope_core::watch::Watched;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

const JOBS_PAGE_SIZE: u32 = 100;
/// ShowListHistory's largest window.
const HISTORY_DAYS: u32 = 30;

#[component]
pub fn CodeArtsOverview(source: Source) -> impl IntoView {
    set_title(&format!("{} · buildscope", source.name));
    let client = CodeArtsClient::new(&source);
    let project = source.project_id.clone().unwrap_or_default();
    let polled = use_polled(
        move || {
            let (c, p) = (client.clone(), project.clone());
            async move { c.jobs(&p, 0, JOBS_PAGE_SIZE).await }
        },
        |l: &JobList| l.jobs.iter().any(|j| j.status.is_active()),
        WhenIdle::PollSlowly,
    );
    let sid = source.id.clone();
    let query = leptos_router::hooks::use_query_map();
    let render = move |list: JobList| {
        if list.jobs.is_empty() {
            return view! { <EmptyState title="No jobs" hint="This project has no build jobs."/> }
                .into_any();
        }
        let q = query.read();
        let (needle, status) = (
            q.get_str("q").unwrap_or(""),
            q.get_str("status").unwrap_or(""),
        );
        let jobs: Vec<_> = list
            .jobs
            .into_iter()
            .filter(|j| {
                name_matches(needle, &j.name)
                    && status_matches(status, std::slice::from_ref(&j.status))
            })
            .collect();
        if jobs.is_empty() {
            return no_match("jobs").into_any();
        }
        let sid = sid.clone();
        view! {
            <table class="jobs">
                <thead><tr><th scope="col">"Job"</th><th scope="col">"Last build"</th><th scope="col">"Last run"</th><th scope="col">"Last built by"</th></tr></thead>
                <tbody>
                    {jobs.into_iter().map(|j| {
                        let label = j.last_build_status.clone().unwrap_or_else(|| "no build".into());
                        view! {
                            <tr class="job-row" data-job=j.id.clone() data-status=j.status.key()>
                                <td><A href=Route::job(&sid, &j.id, &j.name).href()>{j.name.clone()}</A></td>
                                <td><StatusBadge status=j.status.clone() system_label=label/></td>
                                <td><Timestamp epoch=j.last_build_time/></td>
                                <td>{j.last_build_user.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="page">
            <div class="page__head">
                <h1>{source.name.clone()} <span class="muted kind">" CodeArts Build"</span></h1>
                <ListControls status=true search="Search jobs"/>
            </div>
            {polled_view(polled, "Loading jobs…", render)}
        </section>
    }
}

/// A job's history, a page at a time (`?page=&per_page=`; ShowListHistory's `offset` is a
/// page index). Builds link to their page with `?job=`, which lets it offer a comparison.
#[component]
pub fn CodeArtsJob(
    source: Source,
    job_id: String,
    /// The job's name from the link (`?name=`); looked up in the project's jobs when absent.
    job_name: Option<String>,
    paging: Paging,
    query: Vec<(String, String)>,
) -> impl IntoView {
    let client = CodeArtsClient::new(&source);
    let control = HuaweiControl::new(HuaweiClient::CodeArts(client.clone()), &source);
    let name = RwSignal::new(job_name);
    if name.get_untracked().is_none() {
        let (c, j) = (client.clone(), job_id.clone());
        let project = source.project_id.clone().unwrap_or_default();
        spawn_local(async move {
            // A heading only: a failure leaves the id shown, the history reports errors.
            if let Ok(list) = c.jobs(&project, 0, JOBS_PAGE_SIZE).await {
                if let Some(found) = list.jobs.into_iter().find(|x| x.id == j) {
                    let _ = name.try_set(Some(found.name));
                }
            }
        });
    }
    let job = job_id.clone();
    let polled = use_polled(
        move || {
            let (c, j) = (client.clone(), job.clone());
            async move {
                c.history(&j, paging.page, paging.per_page, HISTORY_DAYS)
                    .await
            }
        },
        |h: &History| h.records.iter().any(|r| r.status.is_active()),
        WhenIdle::PollSlowly,
    );
    {
        let (job_id, source_name) = (job_id.clone(), source.name.clone());
        Effect::new(move |_| {
            let shown = name.get().unwrap_or_else(|| job_id.clone());
            set_title(&format!("{shown} · {source_name} · buildscope"));
        });
    }
    let sid = source.id.clone();
    let path = Route::job(&source.id, &job_id, "").href();
    let job = job_id.clone();
    let render = move |h: History| {
        let more = paging.more(h.total, h.records.len());
        let pager = pager(&path, &query, paging, more);
        if h.records.is_empty() {
            return view! {
                <EmptyState title="No builds here" hint="Builds of the last 30 days appear here; go back to newer pages."/>
                {pager}
            }
            .into_any();
        }
        let sid = sid.clone();
        let job = job.clone();
        // ShowListHistory carries no branch or commit (period-history does): columns only
        // when some record has them.
        let stamped = h
            .records
            .iter()
            .any(|r| r.branch.is_some() || r.commit_id.is_some());
        view! {
            <table class="jobs">
                <thead><tr>
                    <th scope="col">"Build"</th><th scope="col">"Status"</th><th scope="col">"Started"</th><th scope="col">"Duration"</th>
                    {stamped.then(|| view! { <th scope="col">"Branch"</th><th scope="col">"Commit"</th> })}
                </tr></thead>
                <tbody>
                    {h.records.into_iter().map(|r| {
                        let number = r.build_number.map(|n| format!("#{n}")).unwrap_or_else(|| "build".into());
                        let label = r.result.clone().unwrap_or_default();
                        let link = match r.record_id.clone() {
                            Some(id) => view! { <A href=Route::build(&sid, &id, &job).href()>{number}</A> }.into_any(),
                            None => view! { <span>{number}</span> }.into_any(),
                        };
                        view! {
                            <tr class="history-row" data-record=r.record_id.clone().unwrap_or_default() data-status=r.status.key()>
                                <td>{link}</td>
                                <td><StatusBadge status=r.status.clone() system_label=label/></td>
                                <td><Timestamp epoch=r.start_time/></td>
                                <td class="num"><LiveDuration start=r.start_time end=r.end_time/></td>
                                {stamped.then(|| view! {
                                    <td class="history-row__branch">{r.branch.clone()}</td>
                                    <td class="history-row__commit"><Revision revision=r.commit_id.clone()/></td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {pager}
        }
        .into_any()
    };
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=Route::source(&source.id).href()>"Jobs"</A></nav>
            <div class="page-head">
                <h1>{
                    let id = job_id.clone();
                    move || match name.get() {
                        Some(n) => view! { {n} " " <span class="muted kind num" title="job id">{id.clone()}</span> }.into_any(),
                        None => view! { {id.clone()} }.into_any(),
                    }
                }</h1>
                {
                    let (id, job) = (job_id.clone(), job_id.clone());
                    move || {
                        let target = name.get().unwrap_or_else(|| id.clone());
                        control.run_button(job.clone(), target, "Run", None)
                    }
                }
            </div>
            {control.view()}
            {polled_view(polled, "Loading build history…", render)}
            <CodeArtsTrend source=source.clone() job_id=job_id.clone()/>
        </section>
    }
}

/// Builds in a CodeArts job's trend: ShowListHistory's largest page.
const TREND_BUILDS: u32 = 50;
/// Of those, how many have their stages read (one full-stages request each).
const TREND_STAGE_BUILDS: usize = 10;

/// A CodeArts job's last builds' durations, and each stage's duration over the newest of
/// them.
#[component]
fn CodeArtsTrend(source: Source, job_id: String) -> impl IntoView {
    let client = CodeArtsClient::new(&source);
    let polled = use_polled(
        move || {
            let (c, j) = (client.clone(), job_id.clone());
            async move {
                c.trend(&j, TREND_BUILDS, TREND_STAGE_BUILDS, HISTORY_DAYS)
                    .await
            }
        },
        |(h, _): &(History, Vec<Vec<Stage>>)| h.records.iter().any(|r| r.status.is_active()),
        WhenIdle::PollSlowly,
    );
    let sid = source.id.clone();
    let render = move |(h, stages): (History, Vec<Vec<Stage>>)| {
        let points: Vec<Point> = h
            .records
            .iter()
            .rev()
            .map(|r| Point {
                number: r.build_number.map(|n| format!("#{n}")).unwrap_or_default(),
                href: match (&r.record_id, &r.job_id) {
                    (Some(id), job) => Route::build(&sid, id, job.as_deref().unwrap_or("")).href(),
                    (None, _) => String::new(),
                },
                status: r.status.clone(),
                duration: span(r.start_time, r.end_time).filter(|_| !r.status.is_active()),
            })
            .collect();
        let parts: Vec<Vec<(String, Option<f64>)>> = stages
            .iter()
            .rev()
            .map(|list| {
                list.iter()
                    .map(|s| {
                        let d = s
                            .build_duration_secs
                            .or(s.duration_secs)
                            .or(span(s.start_time, s.finish_time));
                        (s.display_name.clone(), d)
                    })
                    .collect()
            })
            .collect();
        trend_view(points, parts, "stage")
    };
    view! {
        <section class="trends" aria-labelledby="trend-title">
            <h2 id="trend-title">"Durations"</h2>
            {polled_view(polled, "Loading durations…", render)}
        </section>
    }
}

/// The stage map is the point of the page; the record header is extra, so a record the
/// server cannot describe (some records only answer full-stages) still shows its stages.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct CodeArtsBuildData {
    pub record: Result<BuildRecord, ApiError>,
    pub stages: Vec<Stage>,
}

impl CodeArtsBuildData {
    pub fn status(&self) -> Status {
        match &self.record {
            Ok(r) => r.status.clone(),
            Err(_) => Status::overall(self.stages.iter().map(|s| s.status.clone())),
        }
    }

    /// The build's name and number as headings show them ("app-build", " #4").
    pub fn name_and_number(&self) -> (String, String) {
        match &self.record {
            Ok(r) => (
                r.display_name
                    .clone()
                    .unwrap_or_else(|| "CodeArts build".into()),
                r.build_no.map(|n| format!(" #{n}")).unwrap_or_default(),
            ),
            Err(_) => ("CodeArts build".to_string(), String::new()),
        }
    }
}

/// A build record and its stages with their steps, polled while anything runs (the build
/// page, and the log page's header).
pub(super) fn use_codearts_build(
    client: CodeArtsClient,
    record_id: String,
) -> Polled<CodeArtsBuildData> {
    use_polled_fresh(
        move || {
            let (c, id) = (client.clone(), record_id.clone());
            async move {
                let (record, stages) =
                    futures::join!(c.build_record(&id), c.full_stages(&id, true));
                Ok(CodeArtsBuildData {
                    record,
                    stages: stages?,
                })
            }
        },
        |d: &CodeArtsBuildData| {
            d.status().is_active() || d.stages.iter().any(|s| s.status.is_active())
        },
        WhenIdle::Stop,
        |shown, new| {
            keep_newer(shown, new, |d: &CodeArtsBuildData| {
                Progress::of(&d.status(), d.stages.iter().map(|s| &s.status), 0)
            })
        },
    )
}

/// Where a CodeArts build's log lives in the app: the whole build's (`step: None`) or one
/// step's. The log APIs take the job and build number, so the link carries them.
pub(super) fn codearts_log_href(
    source_id: &str,
    record_id: &str,
    job: &str,
    no: i64,
    step: Option<String>,
) -> String {
    Route::BuildLog {
        source: source_id.to_string(),
        build: record_id.to_string(),
        job: Some(job.to_string()),
        no: Some(no),
        step,
        lines: None,
    }
    .href()
}

#[component]
pub fn CodeArtsBuild(source: Source, record_id: String, job: Option<String>) -> impl IntoView {
    let client = CodeArtsClient::new(&source);
    let control = HuaweiControl::new(HuaweiClient::CodeArts(client.clone()), &source);
    let polled = use_codearts_build(client, record_id.clone());
    Effect::new(move |_| {
        if let Some(d) = polled.data.get() {
            let (name, no) = d.name_and_number();
            set_title(&format!("{name}{no} — {} · buildscope", d.status()));
        }
    });
    let sid = source.id.clone();
    let job_for_link = job.clone();
    let record_for_link = record_id.clone();
    let watched_source = source.clone();
    let render = move |d: CodeArtsBuildData| {
        let status = d.status();
        let (name, number) = d.name_and_number();
        let (build_start, build_end) = match &d.record {
            Ok(r) => (r.start_time.or(r.queued_time), r.finish_time),
            Err(_) => (None, None),
        };
        // The log APIs need the job and the build number: links only where both are known.
        let build_no = d.record.as_ref().ok().and_then(|r| r.build_no);
        let log_href = match (&job_for_link, build_no) {
            (Some(job), Some(no)) => {
                let (sid, job, rid) = (sid.clone(), job.clone(), record_for_link.clone());
                Some(Callback::new(move |step: Option<String>| {
                    codearts_log_href(&sid, &rid, &job, no, step)
                }))
            }
            _ => None,
        };
        let header = match d.record {
            Ok(r) => {
                // The previous build of the job, when the page knows its job.
                let link = match (&job_for_link, r.build_no) {
                    (Some(job), Some(n)) if n > 1 => Some(compare_link(
                        compare_href(&sid, job, n - 1, n),
                        format!("Compare with #{}", n - 1),
                    )),
                    _ => None,
                };
                let log = log_href.map(|h| {
                    view! { <A href=h.run(None) attr:class="button build-log-link">"Log"</A> }
                });
                // "app-build #4": what the watch, the stop and the run name.
                let label = format!("{name}{number}");
                // Stop and run need the job (StopBuildJob and RunJob are by job): only where
                // the page knows it.
                let actions = job_for_link.clone().map(|job| {
                    let stop = stop_of(&job, r.build_no)
                        .filter(|_| r.status.is_active())
                        .map(|stop| control.button(stop, label.clone()));
                    let again = control.run_button(
                        job,
                        name.clone(),
                        "Run again",
                        Some(rows_from(&r.parameters)),
                    );
                    (stop, again)
                });
                let watch = watch_toggle(
                    &watched_source,
                    Watched {
                        source_id: sid.clone(),
                        build: record_for_link.clone(),
                        label,
                        href: Route::build(
                            &sid,
                            &record_for_link,
                            job_for_link.as_deref().unwrap_or(""),
                        )
                        .href(),
                        status: r.status.clone(),
                        started: r.start_time,
                        ended: r.finish_time,
                    },
                );
                record_header(r, (link, log, watch, actions)).into_any()
            }
            Err(e) => view! {
                <header class="build-head" data-status=status.key()>
                    <h1><span class="build-head__builder">"CodeArts build"</span></h1>
                    <StatusBadge status=status.clone() system_label="derived from the stages"/>
                </header>
                <p class="muted">{format!("Build details unavailable ({}).", e.headline())}</p>
            }
            .into_any(),
        };
        view! {
            {header}
            <h2>"Stages"</h2>
            {if d.stages.is_empty() {
                view! { <EmptyState title="No stages yet" hint="Stages appear once the build is scheduled."/> }.into_any()
            } else {
                view! { <StageMap stages=d.stages build_start build_end log_href/> }.into_any()
            }}
        }
    };
    view! {
        <section class="page">
            {job_crumbs(&source.id, job.as_deref())}
            {control.view()}
            {polled_view(polled, "Loading build…", render)}
        </section>
    }
}

/// Jobs / the job (when known), for pages below a job.
fn job_crumbs(source_id: &str, job: Option<&str>) -> impl IntoView {
    let job = job.map(|j| {
        let href = Route::job(source_id, j, "").href();
        let name = j.to_string();
        view! { " / " <A href=href>{name}</A> }
    });
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href=Route::source(source_id).href()>"Jobs"</A>
            {job}
        </nav>
    }
}

fn compare_href(source_id: &str, job: &str, a: i64, b: i64) -> String {
    Route::JobCompare {
        source: source_id.to_string(),
        job: job.to_string(),
        a: a.to_string(),
        b: b.to_string(),
        name: None,
    }
    .href()
}

fn record_header(r: BuildRecord, actions: impl IntoView) -> impl IntoView {
    let label = system_label(r.status_text.as_deref(), r.status_code);
    let duration = r.duration_secs.map(|s| format_duration(s.round() as i64));
    let pending = r
        .pending_duration_secs
        .map(|s| format_duration(s.round() as i64));
    view! {
        <header class="build-head" data-status=r.status.key()>
            <h1>
                <span class="build-head__builder">{r.display_name.clone().unwrap_or_else(|| "CodeArts build".into())}</span>
                " " <span class="build-head__number">{r.build_no.map(|n| format!("#{n}")).unwrap_or_default()}</span>
            </h1>
            <StatusBadge status=r.status.clone() system_label=label/>
            {actions}
        </header>
        <dl class="facts">
            {fact("Repository", r.repository.clone())}
            {fact("Branch", r.branch.clone())}
            {fact("Commit", r.revision.clone())}
            {fact("Trigger", r.trigger_name.clone().or(r.trigger_type.clone()))}
            {fact("Build number", r.build_no.map(|n| n.to_string()))}
            {fact("Daily build number", r.daily_build_number.clone())}
            <div><dt>"Started"</dt><dd><Timestamp epoch=r.start_time/></dd></div>
            {fact("Duration", duration)}
            {fact("Waited for an executor", pending)}
        </dl>
        {parameters_table(&r.parameters)}
    }
}

/// The custom parameters the build ran with (a secret one's value is never shown: the
/// server sends it masked).
fn parameters_table(parameters: &[BuildParameter]) -> Option<impl IntoView> {
    if parameters.is_empty() {
        return None;
    }
    let rows = parameters
        .iter()
        .map(|p| {
            let value = if p.secret {
                view! { <span class="muted">"secret (hidden)"</span> }.into_any()
            } else {
                view! { <code>{p.value.clone().unwrap_or_default()}</code> }.into_any()
            };
            view! { <tr class="parameter-row"><th scope="row">{p.name.clone()}</th><td>{value}</td></tr> }
        })
        .collect_view();
    Some(view! {
        <table class="parameters">
            <caption>"Parameters"</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    })
}

/// A build of the compared pair: its record info (header) and stages.
type CodeArtsSide = (RecordInfo, Vec<Stage>);

fn compare_side(source_id: &str, job: &str, n: i64, info: &RecordInfo) -> CompareSide {
    // The build's page names its job (the job's history links builds that way).
    let href = match &info.build_record_id {
        Some(id) => Route::build(source_id, id, job),
        None => Route::job(source_id, job, ""),
    }
    .href();
    CompareSide {
        label: format!("#{}", info.build_no.unwrap_or(n)),
        href,
        status: info.status.clone(),
        system_label: info.system_label(),
        started: info.start_time,
        finished: info.finish_time,
    }
}

/// Two builds of one job by number: stage run times side by side, in `sequence` order.
#[component]
pub fn CodeArtsCompare(source: Source, job: String, a: i64, b: i64) -> impl IntoView {
    let client = CodeArtsClient::new(&source);
    let job_id = job.clone();
    let polled = use_polled(
        move || {
            let (c, j) = (client.clone(), job_id.clone());
            async move {
                let (sa, sb) = futures::join!(c.numbered_build(&j, a), c.numbered_build(&j, b));
                Ok((sa?, sb?))
            }
        },
        |(x, y): &(CodeArtsSide, CodeArtsSide)| x.0.status.is_active() || y.0.status.is_active(),
        WhenIdle::Stop,
    );
    set_title(&format!(
        "{job} #{a} vs #{b} · {} · buildscope",
        source.name
    ));
    let sid = source.id.clone();
    let job_name = job.clone();
    let render = move |((ia, sa), (ib, sb)): (CodeArtsSide, CodeArtsSide)| {
        let rows = compare(&stages(&sa), &stages(&sb));
        view! {
            <CompareView
                a=compare_side(&sid, &job_name, a, &ia)
                b=compare_side(&sid, &job_name, b, &ib)
                rows
                item="Stage"
            />
        }
    };
    view! {
        <section class="page">
            {job_crumbs(&source.id, Some(&job))}
            <h1>{format!("Compare #{a} and #{b}")}</h1>
            {polled_view(polled, "Loading both builds…", render)}
        </section>
    }
}
