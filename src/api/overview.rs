//! The home overview's reads: one source's running and newest builds, as core overview rows
//! (`buildscope_core::overview` decides what each row says and their order).

use super::buildbot::BuildbotClient;
use super::huawei::{CodeArtsClient, ServiceStageClient};
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::error::ApiError;
use buildscope_core::overview::{self, Row, BUILDS_PER_JOB, JOBS_LOOKED_AT};
use futures::StreamExt;

/// The master's newest builds of all builders (one request covers every builder).
const BUILDBOT_RECENT: u32 = 30;
/// Builds under way, asked for apart: a long-running one may be older than the newest 30.
const BUILDBOT_RUNNING: u32 = 50;
/// CodeArts history window (days) for the newest records of a job.
const HISTORY_DAYS: u32 = 7;
/// Requests one source's overview keeps in flight at once.
const IN_FLIGHT: usize = 4;

/// One source's rows. Any failed request fails the source, so its card shows the error (and
/// retries) rather than a list that silently misses a job.
pub async fn rows(source: &Source) -> Result<Vec<Row>, ApiError> {
    match source.kind {
        SourceKind::Buildbot => buildbot(source).await,
        SourceKind::CodeArts => codearts(source).await,
        SourceKind::ServiceStage => servicestage(source).await,
    }
}

async fn buildbot(source: &Source) -> Result<Vec<Row>, ApiError> {
    let c = BuildbotClient::new(source);
    let (builders, running, recent) = futures::join!(
        c.builders(),
        c.running_builds(BUILDBOT_RUNNING),
        c.recent_builds(None, BUILDBOT_RECENT)
    );
    Ok(overview::from_buildbot(
        source,
        &builders?,
        running?.into_iter().chain(recent?),
    ))
}

async fn codearts(source: &Source) -> Result<Vec<Row>, ApiError> {
    let c = CodeArtsClient::new(source);
    let project = source.project_id.clone().unwrap_or_default();
    let jobs = c.jobs(&project, 0, 100).await?;
    let picked = overview::codearts_jobs_to_read(&jobs.jobs);
    let histories: Vec<_> = futures::stream::iter(
        picked
            .iter()
            .map(|j| c.history(&j.id, 0, BUILDS_PER_JOB as u32, HISTORY_DAYS)),
    )
    .buffered(IN_FLIGHT)
    .collect()
    .await;
    let mut read = Vec::new();
    for (job, history) in picked.into_iter().zip(histories) {
        read.push((job, history?.records));
    }
    Ok(overview::from_codearts(source, &read))
}

async fn servicestage(source: &Source) -> Result<Vec<Row>, ApiError> {
    let c = ServiceStageClient::new(source);
    let jobs = c.jobs(1, JOBS_LOOKED_AT as u32).await?.jobs;
    let lists: Vec<_> = futures::stream::iter(jobs.iter().map(|j| c.builds(&j.id, &j.name)))
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    let mut wanted = Vec::new();
    for (job, list) in jobs.iter().zip(lists) {
        for b in list?.builds.into_iter().take(BUILDS_PER_JOB) {
            wanted.push((job.clone(), b.id));
        }
    }
    // The list has no times or revisions: each build's own record has.
    let details: Vec<_> = futures::stream::iter(wanted.iter().map(|(_, id)| c.build(id)))
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    let mut read = Vec::new();
    for ((job, _), detail) in wanted.into_iter().zip(details) {
        read.push((job, detail?));
    }
    Ok(overview::from_servicestage(source, &read))
}
