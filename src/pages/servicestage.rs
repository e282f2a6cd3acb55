//! ServiceStage views: jobs, a job's builds, a build's detail and its phase strip.

use super::{fact, polled_view};
use crate::api::huawei::ServiceStageClient;
use crate::components::{EmptyState, LiveDuration, PhaseStrip, StatusBadge, Timestamp};
use crate::config::Source;
use crate::error::ApiError;
use crate::hooks::{set_title, use_polled, WhenIdle};
use crate::servicestage::{system_label, Build, BuildList, JobList, Phase};
use crate::status::Status;
use crate::timefmt::format_duration;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ServiceStageOverview(source: Source) -> impl IntoView {
    set_title(&format!("{} · buildscope", source.name));
    let client = ServiceStageClient::new(&source);
    let polled = use_polled(
        move || {
            let c = client.clone();
            async move { c.jobs(1, 100).await }
        },
        |_: &JobList| false,
        WhenIdle::PollSlowly,
    );
    let sid = source.id.clone();
    let render = move |list: JobList| {
        if list.jobs.is_empty() {
            return view! { <EmptyState title="No jobs" hint="No build jobs are defined in ServiceStage."/> }.into_any();
        }
        let sid = sid.clone();
        view! {
            <table class="jobs">
                <thead><tr><th scope="col">"Job"</th><th scope="col">"Id"</th></tr></thead>
                <tbody>
                    {list.jobs.into_iter().map(|j| {
                        let href = format!("/s/{}/jobs/{}?name={}", sid, j.id, js_sys::encode_uri_component(&j.name));
                        view! {
                            <tr class="job-row" data-job=j.id.clone()>
                                <td><A href=href>{j.name.clone()}</A></td>
                                <td><code>{j.id.clone()}</code></td>
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
            <h1>{source.name.clone()} <span class="muted kind">" ServiceStage"</span></h1>
            {polled_view(polled, "Loading jobs…", render)}
        </section>
    }
}

#[component]
pub fn ServiceStageJob(source: Source, job_id: String, job_name: String) -> impl IntoView {
    let client = ServiceStageClient::new(&source);
    let (job, name) = (job_id.clone(), job_name.clone());
    let polled = use_polled(
        move || {
            let (c, j, n) = (client.clone(), job.clone(), name.clone());
            async move { c.builds(&j, &n).await }
        },
        |l: &BuildList| l.builds.iter().any(|b| b.status.is_active()),
        WhenIdle::PollSlowly,
    );
    set_title(&format!("{job_name} · {} · buildscope", source.name));
    let sid = source.id.clone();
    let render = move |l: BuildList| {
        if l.builds.is_empty() {
            return view! { <EmptyState title="No builds" hint="Builds of this job appear here when it runs."/> }.into_any();
        }
        let sid = sid.clone();
        let counts = match (l.finished, l.successful) {
            (Some(f), Some(s)) => format!("{s} of {f} finished builds succeeded"),
            _ => String::new(),
        };
        view! {
            <p class="muted">{counts}</p>
            <table class="jobs">
                <thead><tr><th scope="col">"Build"</th><th scope="col">"State"</th><th scope="col">"Duration"</th></tr></thead>
                <tbody>
                    {l.builds.into_iter().map(|b| {
                        let href = format!("/s/{}/builds/{}", sid, b.id);
                        let id_text = b.id.clone();
                        view! {
                        <tr class="history-row" data-build=b.id.clone() data-status=b.status.key()>
                            <td><A href=href><code>{id_text}</code></A></td>
                            <td><StatusBadge status=b.status.clone() system_label=system_label(&b.state)/></td>
                            <td class="num">{b.duration_secs.map(|s| format_duration(s.round() as i64)).unwrap_or_default()}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=format!("/s/{}", source.id)>"Jobs"</A></nav>
            <h1>{job_name.clone()}</h1>
            {polled_view(polled, "Loading builds…", render)}
        </section>
    }
}

/// The phase strip is the point of the page; the build detail header is extra, so a build
/// whose detail the server cannot give still shows its phases.
#[derive(Clone, Debug, PartialEq)]
struct ServiceStageBuildData {
    build: Result<Build, ApiError>,
    phases: Vec<Phase>,
}

impl ServiceStageBuildData {
    fn status(&self) -> Status {
        match &self.build {
            Ok(b) => b.status.clone(),
            Err(_) => Status::overall(self.phases.iter().map(|p| p.status.clone())),
        }
    }
}

#[component]
pub fn ServiceStageBuild(source: Source, build_id: String) -> impl IntoView {
    let client = ServiceStageClient::new(&source);
    let id = build_id.clone();
    let polled = use_polled(
        move || {
            let (c, id) = (client.clone(), id.clone());
            async move {
                let (build, phases) = futures::join!(c.build(&id), c.phases(&id));
                Ok(ServiceStageBuildData {
                    build,
                    phases: phases?,
                })
            }
        },
        |d: &ServiceStageBuildData| {
            d.status().is_active() || d.phases.iter().any(|p| p.status.is_active())
        },
        WhenIdle::Stop,
    );
    Effect::new(move |_| {
        if let Some(d) = polled.data.get() {
            let name = match &d.build {
                Ok(b) => format!(
                    "{} {}",
                    b.job_name
                        .clone()
                        .unwrap_or_else(|| "ServiceStage build".into()),
                    b.id
                ),
                Err(_) => "ServiceStage build".to_string(),
            };
            set_title(&format!("{name} — {} · buildscope", d.status()));
        }
    });
    let render = move |d: ServiceStageBuildData| {
        let status = d.status();
        let header = match d.build {
            Ok(b) => build_header(b).into_any(),
            Err(e) => view! {
                <header class="build-head" data-status=status.key()>
                    <h1><span class="build-head__builder">"ServiceStage build"</span></h1>
                    <StatusBadge status=status.clone() system_label="derived from the phases"/>
                </header>
                <p class="muted">{format!("Build details unavailable ({}).", e.headline())}</p>
            }
            .into_any(),
        };
        view! {
            {header}
            <h2>"Phases"</h2>
            <PhaseStrip phases=d.phases/>
        }
    };
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=format!("/s/{}", source.id)>"Jobs"</A></nav>
            {polled_view(polled, "Loading build…", render)}
        </section>
    }
}

fn build_header(b: Build) -> impl IntoView {
    view! {
        <header class="build-head" data-status=b.status.key()>
            <h1>
                <span class="build-head__builder">{b.job_name.clone().unwrap_or_else(|| "ServiceStage build".into())}</span>
                " " <span class="build-head__number">{b.index.clone().map(|i| format!("#{i}")).unwrap_or_default()}</span>
            </h1>
            <StatusBadge status=b.status.clone() system_label=system_label(&b.state)/>
        </header>
        <dl class="facts">
            {fact("Repository", b.repo.clone())}
            {fact("Branch", b.branch.clone())}
            {fact("Commit", b.commit_id.clone())}
            {fact("Committer", b.committer.clone())}
            {fact("Message", b.commit_comment.clone())}
            <div><dt>"Started"</dt><dd><Timestamp epoch=b.started_at/></dd></div>
            <div><dt>"Duration"</dt><dd class="num"><LiveDuration start=b.started_at end=b.ended_at/></dd></div>
        </dl>
    }
}
