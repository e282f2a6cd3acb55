//! ServiceStage views: jobs, a job's builds, a build's detail and its phase strip.

use super::huawei_control::{HuaweiClient, HuaweiControl};
use super::{compare_link, fact, no_match, polled_view, trend_view, watch_toggle, ListControls};
use crate::api::huawei::ServiceStageClient;
use crate::components::{
    CompareSide, CompareView, EmptyState, LiveDuration, PhaseStrip, StatusBadge, Timestamp,
};
use crate::hooks::{set_title, use_polled, use_polled_fresh, Polled, WhenIdle};
use buildscope_core::compare::{compare, phases};
use buildscope_core::config::Source;
use buildscope_core::error::ApiError;
use buildscope_core::freshness::{keep_newer, Progress};
use buildscope_core::huawei_control::Action;
use buildscope_core::listing::name_matches;
use buildscope_core::routes::Route;
use buildscope_core::servicestage::{system_label, Build, BuildList, JobList, Phase};
use buildscope_core::status::Status;
use buildscope_core::timefmt::format_duration;
use buildscope_core::trend::Point;
use buildscope_core::watch::Watched;
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
    let query = leptos_router::hooks::use_query_map();
    let render = move |list: JobList| {
        if list.jobs.is_empty() {
            return view! { <EmptyState title="No jobs" hint="No build jobs are defined in ServiceStage."/> }.into_any();
        }
        let needle = query.read().get("q").unwrap_or_default();
        let jobs: Vec<_> = list
            .jobs
            .into_iter()
            .filter(|j| name_matches(&needle, &j.name))
            .collect();
        if jobs.is_empty() {
            return no_match("jobs").into_any();
        }
        let sid = sid.clone();
        view! {
            <table class="jobs">
                <thead><tr><th scope="col">"Job"</th><th scope="col">"Id"</th></tr></thead>
                <tbody>
                    {jobs.into_iter().map(|j| {
                        let href = Route::job(&sid, &j.id, &j.name).href();
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
            <div class="page__head">
                <h1>{source.name.clone()} <span class="muted kind">" ServiceStage"</span></h1>
                <ListControls search="Search jobs"/>
            </div>
            {polled_view(polled, "Loading jobs…", render)}
        </section>
    }
}

#[component]
pub fn ServiceStageJob(source: Source, job_id: String, job_name: String) -> impl IntoView {
    let client = ServiceStageClient::new(&source);
    let control = HuaweiControl::new(HuaweiClient::ServiceStage(client.clone()), &source);
    let start = control.button(
        Action::StartBuild {
            job_id: job_id.clone(),
        },
        job_name.clone(),
    );
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
        // The list gives each build's duration, newest first; its ids are the only names.
        let points: Vec<Point> = l
            .builds
            .iter()
            .rev()
            .map(|b| Point {
                number: short_id(&b.id),
                href: Route::build(&sid, &b.id, "").href(),
                status: b.status.clone(),
                duration: b.duration_secs.filter(|_| !b.status.is_active()),
            })
            .collect();
        view! {
            <p class="muted">{counts}</p>
            <section class="trends" aria-labelledby="trend-title">
                <h2 id="trend-title">"Durations"</h2>
                {trend_view(points, Vec::new(), "phase")}
            </section>
            <table class="jobs">
                <thead><tr><th scope="col">"Build"</th><th scope="col">"State"</th><th scope="col">"Duration"</th></tr></thead>
                <tbody>
                    {l.builds.into_iter().map(|b| {
                        let href = Route::build(&sid, &b.id, "").href();
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
            <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=Route::source(&source.id).href()>"Jobs"</A></nav>
            <div class="page-head"><h1>{job_name.clone()}</h1>{start}</div>
            {control.view()}
            {polled_view(polled, "Loading builds…", render)}
        </section>
    }
}

/// A build id cut to its last eight characters for a chart's labels (ServiceStage builds
/// have no number in the job's list).
fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(8)..].iter().collect();
    if tail.len() < id.len() {
        format!("…{tail}")
    } else {
        tail
    }
}

/// The phase strip is the point of the page; the build detail header is extra, so a build
/// whose detail the server cannot give still shows its phases.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ServiceStageBuildData {
    pub build: Result<Build, ApiError>,
    pub phases: Vec<Phase>,
}

impl ServiceStageBuildData {
    pub fn status(&self) -> Status {
        match &self.build {
            Ok(b) => b.status.clone(),
            Err(_) => Status::overall(self.phases.iter().map(|p| p.status.clone())),
        }
    }
}

/// A build and its phases, polled while anything runs (the build page, and the log page's
/// header).
pub(super) fn use_servicestage_build(
    client: ServiceStageClient,
    build_id: String,
) -> Polled<ServiceStageBuildData> {
    use_polled_fresh(
        move || {
            let (c, id) = (client.clone(), build_id.clone());
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
        |shown, new| {
            keep_newer(shown, new, |d: &ServiceStageBuildData| {
                Progress::of(&d.status(), d.phases.iter().map(|p| &p.status), 0)
            })
        },
    )
}

/// Where a ServiceStage build's log lives in the app (one log for the whole build).
pub(super) fn servicestage_log_href(source_id: &str, build_id: &str) -> String {
    Route::BuildLog {
        source: source_id.to_string(),
        build: build_id.to_string(),
        job: None,
        no: None,
        step: None,
        lines: None,
    }
    .href()
}

#[component]
pub fn ServiceStageBuild(source: Source, build_id: String) -> impl IntoView {
    let client = ServiceStageClient::new(&source);
    let polled = use_servicestage_build(client, build_id.clone());
    // The previous build is the next one in the job's list, which is read once the build names
    // its job (and again only if that changes, not on every poll).
    let job_key = Memo::new(move |_| {
        polled.data.with(|d| {
            let b = d.as_ref()?.build.as_ref().ok()?;
            Some((b.job_id.clone()?, b.job_name.clone()?))
        })
    });
    let list_client = ServiceStageClient::new(&source);
    let job_builds = LocalResource::new(move || {
        let (c, key) = (list_client.clone(), job_key.get());
        async move {
            let (job, name) = key?;
            Some(c.builds(&job, &name).await.map(|list| (job, name, list)))
        }
    });
    let (sid, this) = (source.id.clone(), build_id.clone());
    let previous = move || {
        job_builds.get().flatten().map(|r| {
            match r {
            Ok((job, name, list)) => list.previous(&this).map(|p| {
                // The job's name rides along in `?name=` because the builds API wants it.
                let href = Route::JobCompare {
                    source: sid.clone(),
                    job,
                    a: p.id.clone(),
                    b: this.clone(),
                    name: Some(name).filter(|n| !n.is_empty()),
                }
                .href();
                compare_link(href, "Compare with previous".into())
            }).into_any(),
            Err(e) => view! {
                <span class="muted">{format!("Previous build unknown ({}).", e.headline())}</span>
            }
            .into_any(),
        }
        })
    };
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
    let log_href = servicestage_log_href(&source.id, &build_id);
    let watched_source = source.clone();
    let render = move |d: ServiceStageBuildData| {
        let status = d.status();
        let log = view! { <A href=log_href.clone() attr:class="button build-log-link">"Log"</A> };
        let header = match d.build {
            Ok(b) => {
                let label = format!(
                    "{} {}",
                    b.job_name
                        .clone()
                        .unwrap_or_else(|| "ServiceStage build".into()),
                    b.index.clone().map(|i| format!("#{i}")).unwrap_or_default()
                );
                let watch = watch_toggle(
                    &watched_source,
                    Watched {
                        source_id: watched_source.id.clone(),
                        build: b.id.clone(),
                        label: label.trim().to_string(),
                        href: Route::build(&watched_source.id, &b.id, "").href(),
                        status: b.status.clone(),
                        started: b.started_at,
                        ended: b.ended_at,
                    },
                );
                build_header(b, (previous.clone(), log, watch)).into_any()
            }
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
            // The API has one log for the whole build: every phase links to it.
            <PhaseStrip phases=d.phases log_href=log_href.clone()/>
        }
    };
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=Route::source(&source.id).href()>"Jobs"</A></nav>
            {polled_view(polled, "Loading build…", render)}
        </section>
    }
}

fn build_header(b: Build, compare: impl IntoView) -> impl IntoView {
    view! {
        <header class="build-head" data-status=b.status.key()>
            <h1>
                <span class="build-head__builder">{b.job_name.clone().unwrap_or_else(|| "ServiceStage build".into())}</span>
                " " <span class="build-head__number">{b.index.clone().map(|i| format!("#{i}")).unwrap_or_default()}</span>
            </h1>
            <StatusBadge status=b.status.clone() system_label=system_label(&b.state)/>
            {compare}
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

/// A build of the compared pair: its detail (header) and phases.
type ServiceStageSide = (Build, Vec<Phase>);

fn compare_side(source_id: &str, b: &Build) -> CompareSide {
    CompareSide {
        label: match &b.index {
            Some(i) => format!("#{i}"),
            None => buildscope_core::vcs::short_revision(&b.id).to_string(),
        },
        href: Route::build(source_id, &b.id, "").href(),
        status: b.status.clone(),
        system_label: b.system_label(),
        started: b.started_at,
        finished: b.ended_at,
    }
}

/// Two builds of one job by build id: phase by phase. The API gives phases no times, so
/// the table compares their states and the heading the builds' total times.
#[component]
pub fn ServiceStageCompare(
    source: Source,
    job: String,
    job_name: String,
    a: String,
    b: String,
) -> impl IntoView {
    let client = ServiceStageClient::new(&source);
    let (ida, idb) = (a.clone(), b.clone());
    let polled = use_polled(
        move || {
            let (c, a, b) = (client.clone(), ida.clone(), idb.clone());
            async move {
                let (ba, pa, bb, pb) =
                    futures::join!(c.build(&a), c.phases(&a), c.build(&b), c.phases(&b));
                Ok(((ba?, pa?), (bb?, pb?)))
            }
        },
        |(x, y): &(ServiceStageSide, ServiceStageSide)| {
            x.0.status.is_active() || y.0.status.is_active()
        },
        WhenIdle::Stop,
    );
    set_title(&format!(
        "{job_name} compare · {} · buildscope",
        source.name
    ));
    let sid = source.id.clone();
    let render = move |((ba, pa), (bb, pb)): (ServiceStageSide, ServiceStageSide)| {
        let rows = compare(&phases(&pa), &phases(&pb));
        view! {
            <CompareView a=compare_side(&sid, &ba) b=compare_side(&sid, &bb) rows item="Phase"/>
            <p class="muted">"ServiceStage reports no times per phase, so phases compare by state."</p>
        }
    };
    let job_link = Route::job(&source.id, &job, &job_name).href();
    let heading = format!("Compare two builds of {job_name}");
    view! {
        <section class="page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=Route::source(&source.id).href()>"Jobs"</A>
                " / " <A href=job_link>{job_name}</A>
            </nav>
            <h1>{heading}</h1>
            {polled_view(polled, "Loading both builds…", render)}
        </section>
    }
}
