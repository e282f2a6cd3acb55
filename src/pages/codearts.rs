//! CodeArts Build views: jobs of the configured project, a job's history, a build's stage map.

use super::{fact, polled_view};
use crate::api::huawei::CodeArtsClient;
use crate::codearts::{system_label, BuildRecord, History, JobList, Stage};
use crate::components::{EmptyState, LiveDuration, StageMap, StatusBadge, Timestamp};
use crate::config::Source;
use crate::error::ApiError;
use crate::hooks::{set_title, use_polled, WhenIdle};
use crate::status::Status;
use crate::timefmt::format_duration;
use leptos::prelude::*;
use leptos_router::components::A;

const JOBS_PAGE_SIZE: u32 = 100;
const HISTORY_LIMIT: u32 = 20;
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
    let render = move |list: JobList| {
        if list.jobs.is_empty() {
            return view! { <EmptyState title="No jobs" hint="This project has no build jobs."/> }
                .into_any();
        }
        let sid = sid.clone();
        view! {
            <table class="jobs">
                <thead><tr><th scope="col">"Job"</th><th scope="col">"Last build"</th><th scope="col">"Last run"</th><th scope="col">"Last built by"</th></tr></thead>
                <tbody>
                    {list.jobs.into_iter().map(|j| {
                        let label = j.last_build_status.clone().unwrap_or_else(|| "no build".into());
                        view! {
                            <tr class="job-row" data-job=j.id.clone() data-status=j.status.key()>
                                <td><A href=format!("/s/{}/jobs/{}", sid, j.id)>{j.name.clone()}</A></td>
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
            <h1>{source.name.clone()} <span class="muted kind">" CodeArts Build"</span></h1>
            {polled_view(polled, "Loading jobs…", render)}
        </section>
    }
}

#[component]
pub fn CodeArtsJob(source: Source, job_id: String) -> impl IntoView {
    let client = CodeArtsClient::new(&source);
    let job = job_id.clone();
    let polled = use_polled(
        move || {
            let (c, j) = (client.clone(), job.clone());
            async move { c.history(&j, 0, HISTORY_LIMIT, HISTORY_DAYS).await }
        },
        |h: &History| h.records.iter().any(|r| r.status.is_active()),
        WhenIdle::PollSlowly,
    );
    set_title(&format!("{job_id} · {} · buildscope", source.name));
    let sid = source.id.clone();
    let render = move |h: History| {
        if h.records.is_empty() {
            return view! { <EmptyState title="No builds in the last 30 days" hint="Builds of this job appear here when it runs."/> }.into_any();
        }
        let sid = sid.clone();
        view! {
            <table class="jobs">
                <thead><tr><th scope="col">"Build"</th><th scope="col">"Status"</th><th scope="col">"Started"</th><th scope="col">"Duration"</th><th scope="col">"Branch"</th><th scope="col">"Commit"</th></tr></thead>
                <tbody>
                    {h.records.into_iter().map(|r| {
                        let number = r.build_number.map(|n| format!("#{n}")).unwrap_or_else(|| "build".into());
                        let label = r.result.clone().unwrap_or_default();
                        let link = match r.record_id.clone() {
                            Some(id) => view! { <A href=format!("/s/{}/builds/{}", sid, id)>{number}</A> }.into_any(),
                            None => view! { <span>{number}</span> }.into_any(),
                        };
                        view! {
                            <tr class="history-row" data-record=r.record_id.clone().unwrap_or_default() data-status=r.status.key()>
                                <td>{link}</td>
                                <td><StatusBadge status=r.status.clone() system_label=label/></td>
                                <td><Timestamp epoch=r.start_time/></td>
                                <td class="num"><LiveDuration start=r.start_time end=r.end_time/></td>
                                <td>{r.branch.clone().unwrap_or_default()}</td>
                                <td><code>{r.commit_id.clone().unwrap_or_default()}</code></td>
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
            <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=format!("/s/{}", source.id)>"Jobs"</A></nav>
            <h1>{job_id.clone()}</h1>
            {polled_view(polled, "Loading build history…", render)}
        </section>
    }
}

/// The stage map is the point of the page; the record header is extra, so a record the
/// server cannot describe (some records only answer full-stages) still shows its stages.
#[derive(Clone, Debug, PartialEq)]
struct CodeArtsBuildData {
    record: Result<BuildRecord, ApiError>,
    stages: Vec<Stage>,
}

impl CodeArtsBuildData {
    fn status(&self) -> Status {
        match &self.record {
            Ok(r) => r.status.clone(),
            Err(_) => Status::overall(self.stages.iter().map(|s| s.status.clone())),
        }
    }
}

#[component]
pub fn CodeArtsBuild(source: Source, record_id: String) -> impl IntoView {
    let client = CodeArtsClient::new(&source);
    let id = record_id.clone();
    let polled = use_polled(
        move || {
            let (c, id) = (client.clone(), id.clone());
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
    );
    Effect::new(move |_| {
        if let Some(d) = polled.data.get() {
            let (name, no) = match &d.record {
                Ok(r) => (
                    r.display_name
                        .clone()
                        .unwrap_or_else(|| "CodeArts build".into()),
                    r.build_no.map(|n| format!(" #{n}")).unwrap_or_default(),
                ),
                Err(_) => ("CodeArts build".to_string(), String::new()),
            };
            set_title(&format!("{name}{no} — {} · buildscope", d.status()));
        }
    });
    let render = move |d: CodeArtsBuildData| {
        let status = d.status();
        let header = match d.record {
            Ok(r) => record_header(r).into_any(),
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
                view! { <StageMap stages=d.stages/> }.into_any()
            }}
        }
    };
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=format!("/s/{}", source.id)>"Jobs"</A></nav>
            {polled_view(polled, "Loading build…", render)}
        </section>
    }
}

fn record_header(r: BuildRecord) -> impl IntoView {
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
    }
}
