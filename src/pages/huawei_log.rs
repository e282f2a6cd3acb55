//! `/s/:source/builds/:build/log` (+ `?job=&no=&step=`, `#L<n>` / `#L<a>-L<b>`): a Huawei
//! build's log in the same viewer as Buildbot's, read by byte offset (`ByteLines`): a CodeArts
//! build's whole log or one step's, or a ServiceStage build's log.

use super::codearts::{use_codearts_build, CodeArtsBuildData};
use super::servicestage::{use_servicestage_build, ServiceStageBuildData};
use super::{param, source_by_id};
use crate::api::huawei::{CodeArtsClient, ServiceStageClient};
use crate::components::{EmptyState, ErrorPanel, Loading, StatusBadge};
use crate::hooks::{set_title, Polled};
use crate::log::session::{HuaweiClient, LogSession};
use crate::log::viewer::LogViewer;
use buildscope_core::codearts::Stage;
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::log::engine::bytes::LogTarget;
use buildscope_core::log::text::parse_line_anchor;
use buildscope_core::routes::Route;
use buildscope_core::status::Status;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn HuaweiLogPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let p = params.read();
        let build = param(&p, "buildid");
        let q = query.read();
        match source_by_id(&p) {
            Err(msg) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            Ok(source) if source.kind == SourceKind::CodeArts => {
                let job = q.get("job").filter(|j| !j.is_empty());
                let no = q.get("no").and_then(|n| n.parse::<i64>().ok());
                let step = q.get("step").filter(|s| !s.is_empty());
                view! { <CodeArtsLog source record=build job no step/> }.into_any()
            }
            Ok(source) if source.kind == SourceKind::ServiceStage => {
                view! { <ServiceStageLog source build_id=build/> }.into_any()
            }
            Ok(_) => view! {
                <section class="page"><EmptyState title="No build logs here" hint="Buildbot logs belong to steps; open the build page of this source instead."/></section>
            }.into_any(),
        }
    }
}

/// The step `id` among the stages' cascaded steps.
fn find_step<'a>(stages: &'a [Stage], id: &str) -> Option<&'a Stage> {
    stages
        .iter()
        .flat_map(|s| s.steps.iter())
        .find(|s| s.id == id)
}

fn shown_name(s: &Stage) -> String {
    if s.display_name.is_empty() {
        s.name.clone()
    } else {
        s.display_name.clone()
    }
}

/// What the log is of: the whole build, or one step, with its status.
fn subject(d: &CodeArtsBuildData, step: Option<&str>) -> (Option<String>, Status) {
    match step {
        Some(id) => match find_step(&d.stages, id) {
            Some(s) => (Some(shown_name(s)), s.status.clone()),
            None => (Some(id.to_string()), d.status()),
        },
        None => (None, d.status()),
    }
}

#[component]
fn CodeArtsLog(
    source: Source,
    record: String,
    job: Option<String>,
    no: Option<i64>,
    step: Option<String>,
) -> impl IntoView {
    let client = CodeArtsClient::new(&source);
    let polled = use_codearts_build(client.clone(), record.clone());
    let step_for_title = step.clone();
    Effect::new(move |_| {
        if let Some(d) = polled.data.get() {
            let (name, number) = d.name_and_number();
            let (step, status) = subject(&d, step_for_title.as_deref());
            let whose = step
                .map(|s| format!("{s} log · "))
                .unwrap_or("Log · ".into());
            set_title(&format!("{whose}{name}{number} — {status} · buildscope"));
        }
    });
    let sid = source.id.clone();
    let (job_c, record_c, step_c) = (job.clone(), record.clone(), step.clone());
    let crumbs = move || {
        let d = polled.data.get()?;
        let (name, number) = d.name_and_number();
        let (step, status) = subject(&d, step_c.as_deref());
        let job_link = job_c.as_ref().map(|j| {
            let href = Route::job(&sid, j, "").href();
            let name = name.clone();
            view! { <span aria-hidden="true">" / "</span><A href=href>{name}</A> }
        });
        let build_href = Route::build(&sid, &record_c, job_c.as_deref().unwrap_or("")).href();
        let build_label = if number.is_empty() {
            "Build".to_string()
        } else {
            number.trim().to_string()
        };
        let heading = match &step {
            Some(s) => format!("{s} — {name}{number}"),
            None => format!("{name}{number}"),
        };
        Some(view! {
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=Route::source(&sid).href()>"Jobs"</A>
                {job_link}
                <span aria-hidden="true">" / "</span>
                <A href=build_href>{build_label}</A>
                <span aria-hidden="true">" / "</span>
                <span>{if step.is_some() { "Step log" } else { "Log" }}</span>
            </nav>
            <header class="log-head">
                <h1>{heading}</h1>
                <StatusBadge status=status system_label=""/>
            </header>
        })
    };
    let Some(job) = job else {
        return view! {
            <section class="page page--log">
                {crumbs}
                <EmptyState title="Which job is this build of?" hint="CodeArts reads logs by job and build number: open this log from the build page of its job."/>
            </section>
        }
        .into_any();
    };
    // The log starts with the page's first data (one round trip, in parallel with nothing
    // else): it says whether the build still runs, which decides the API and follow mode.
    let ready = Memo::new(move |_| polled.data.with(Option::is_some));
    let download = client.download_url(&record);
    let body = move || {
        if !ready.get() {
            return loading_or_error(polled);
        }
        let Some(d) = polled.data.get_untracked() else {
            return ().into_any();
        };
        let Some(build_no) = no.or(d.record.as_ref().ok().and_then(|r| r.build_no)) else {
            return view! { <EmptyState title="No build number" hint="The server did not say which build of the job this is, so its log cannot be read."/> }.into_any();
        };
        let (_, status) = subject(&d, step.as_deref());
        let target = match &step {
            Some(step_id) => LogTarget::CodeArtsStepPage {
                job_id: job.clone(),
                build_no,
                step_id: step_id.clone(),
            },
            // The real-time log while the build runs; the page log once it is over.
            None if status.is_active() => LogTarget::CodeArtsV1 {
                job_id: job.clone(),
                build_no,
            },
            None => LogTarget::CodeArtsBuildPage {
                job_id: job.clone(),
                build_no,
            },
        };
        let step = step.clone();
        let running = Signal::derive(move || {
            polled.data.with(|d| {
                d.as_ref()
                    .is_none_or(|d| subject(d, step.as_deref()).1.is_active())
            })
        });
        view! {
            <ByteLog client=HuaweiClient::CodeArts(client.clone()) target running
                failed=status.is_bad() download_url=download.clone()/>
        }
        .into_any()
    };
    view! {
        <section class="page page--log">
            {crumbs}
            {body}
        </section>
    }
    .into_any()
}

#[component]
fn ServiceStageLog(source: Source, build_id: String) -> impl IntoView {
    let client = ServiceStageClient::new(&source);
    let polled = use_servicestage_build(client.clone(), build_id.clone());
    let name = move |d: &ServiceStageBuildData| match &d.build {
        Ok(b) => {
            let job = b
                .job_name
                .clone()
                .unwrap_or_else(|| "ServiceStage build".into());
            let index = b
                .index
                .clone()
                .map(|i| format!(" #{i}"))
                .unwrap_or_default();
            (job, index)
        }
        Err(_) => ("ServiceStage build".to_string(), String::new()),
    };
    Effect::new(move |_| {
        if let Some(d) = polled.data.get() {
            let (job, index) = name(&d);
            set_title(&format!("Log · {job}{index} — {} · buildscope", d.status()));
        }
    });
    let sid = source.id.clone();
    let id = build_id.clone();
    let crumbs = move || {
        let d = polled.data.get()?;
        let (job, index) = name(&d);
        let job_link = d.build.as_ref().ok().and_then(|b| {
            let href = Route::job(
                &sid,
                b.job_id.as_deref()?,
                b.job_name.as_deref().unwrap_or(""),
            )
            .href();
            let job = job.clone();
            Some(view! { <span aria-hidden="true">" / "</span><A href=href>{job}</A> })
        });
        let build_label = if index.is_empty() {
            "Build".to_string()
        } else {
            index.trim().to_string()
        };
        Some(view! {
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href=Route::source(&sid).href()>"Jobs"</A>
                {job_link}
                <span aria-hidden="true">" / "</span>
                <A href=Route::build(&sid, &id, "").href()>{build_label}</A>
                <span aria-hidden="true">" / "</span>
                <span>"Log"</span>
            </nav>
            <header class="log-head">
                <h1>{format!("{job}{index}")}</h1>
                <StatusBadge status=d.status() system_label=""/>
            </header>
        })
    };
    let ready = Memo::new(move |_| polled.data.with(Option::is_some));
    let body = move || {
        if !ready.get() {
            return loading_or_error(polled);
        }
        let Some(d) = polled.data.get_untracked() else {
            return ().into_any();
        };
        let running = Signal::derive(move || {
            polled
                .data
                .with(|d| d.as_ref().is_none_or(|d| d.status().is_active()))
        });
        // ServiceStage has no download endpoint, and the viewer holds only the lines near the
        // view (a bounded cache), so there is nothing whole to offer: no Raw or Download link.
        view! {
            <ByteLog client=HuaweiClient::ServiceStage(client.clone())
                target=LogTarget::ServiceStage { build_id: build_id.clone() }
                running failed=d.status().is_bad()/>
        }
        .into_any()
    };
    view! {
        <section class="page page--log">
            {crumbs}
            {body}
        </section>
    }
}

/// Before the page's first data: loading, or why it did not come.
fn loading_or_error<T: Clone + Send + Sync + 'static>(polled: Polled<T>) -> AnyView {
    match polled.error.get() {
        Some(error) => view! {
            <ErrorPanel error on_retry=Callback::new(move |_| polled.refresh())/>
        }
        .into_any(),
        None => view! { <Loading label="Loading log…"/> }.into_any(),
    }
}

/// A byte-paged log in the viewer. The viewer opens once the first lines are in (or the log
/// is known to be empty, or reading failed), so a permalink or the first error of a failed
/// build has lines to open at.
#[component]
fn ByteLog(
    client: HuaweiClient,
    target: LogTarget,
    /// The build (or step) still runs: the log may grow.
    running: Signal<bool>,
    /// Open at the first error.
    failed: bool,
    #[prop(optional_no_strip, into)] download_url: Option<String>,
) -> impl IntoView {
    let running_at_open = running.get_untracked();
    let session = LogSession::huawei(client, target, running_at_open);
    let sig = session.sig;
    let selected = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| parse_line_anchor(&h));
    // A running log opens following its end: read the end first.
    if running_at_open && selected.is_none() && !failed {
        session.want_tail();
    }
    let stored = StoredValue::new_local(session.clone());
    Effect::new(move |was: Option<bool>| {
        let now = running.get();
        if was.is_some_and(|w| w != now) {
            stored.with_value(|s| s.set_running(now));
        }
        now
    });
    // A finished build's log cannot grow, however much of it is still to be counted.
    let complete = Signal::derive(move || {
        !running.get() && (!running_at_open || sig.extent.get().is_some_and(|e| e.complete))
    });
    // Once open the viewer stays (it closes the session when it goes).
    let started = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false)
            || sig.total.get() > 0
            || sig.error.with(Option::is_some)
            || sig.extent.get().is_some_and(|e| !e.discovering)
    });
    // Closed here too: the viewer may never have opened (it closes the session itself).
    on_cleanup(move || stored.with_value(|s| s.close()));
    move || {
        if !started.get() {
            return view! { <Loading label="Reading log…"/> }.into_any();
        }
        let session = stored.get_value();
        view! {
            // No Raw link: CodeArts serves the log only as an attachment, which is Download.
            <LogViewer session complete selected open_at_error=failed
                download_url=download_url.clone()/>
        }
        .into_any()
    }
}
