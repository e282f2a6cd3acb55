//! Buildbot data API client (`<base>api/v2/...`), over the shared HTTP helper.

use super::http::{Endpoint, ServerError};
use crate::buildbot::{self, Build, Builder, Step};
use crate::config::Source;
use crate::error::ApiError;
use futures::future::join_all;

#[derive(Clone)]
pub struct BuildbotClient {
    base: String,
    endpoint: Endpoint,
}

/// A builder and its most recent builds, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct BuilderSummary {
    pub builder: Builder,
    pub builds: Vec<Build>,
}

/// Everything the build page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildDetail {
    pub builder: Builder,
    pub build: Build,
    pub steps: Vec<Step>,
}

fn parse_error(body: &str) -> ServerError {
    ServerError {
        code: None,
        message: buildbot::error_message(body),
        request_id: None,
    }
}

impl BuildbotClient {
    pub fn new(source: &Source) -> Self {
        BuildbotClient {
            base: format!("{}api/v2/", source.url),
            endpoint: Endpoint::new(source.name.clone(), parse_error),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn builders(&self) -> Result<Vec<Builder>, ApiError> {
        self.endpoint
            .get(&self.url("builders"), buildbot::decode_builders)
            .await
    }

    pub async fn builder(&self, builderid: i64) -> Result<Builder, ApiError> {
        self.endpoint
            .get(
                &self.url(&format!("builders/{builderid}")),
                buildbot::decode_builder,
            )
            .await
    }

    /// The newest `limit` builds of one builder.
    pub async fn recent_builds(&self, builderid: i64, limit: u32) -> Result<Vec<Build>, ApiError> {
        let url = self.url(&format!(
            "builders/{builderid}/builds?order=-number&limit={limit}"
        ));
        self.endpoint.get(&url, buildbot::decode_builds).await
    }

    /// A build by id, with its properties (reason, owner...).
    pub async fn build(&self, buildid: i64) -> Result<Build, ApiError> {
        let url = self.url(&format!("builds/{buildid}?property=*"));
        self.endpoint.get(&url, buildbot::decode_build).await
    }

    /// Steps of a build in execution order.
    pub async fn steps(&self, buildid: i64) -> Result<Vec<Step>, ApiError> {
        let url = self.url(&format!("builds/{buildid}/steps"));
        self.endpoint.get(&url, buildbot::decode_steps).await
    }

    /// Builders with their recent builds; per-builder requests run concurrently.
    pub async fn overview(&self, per_builder: u32) -> Result<Vec<BuilderSummary>, ApiError> {
        let builders = self.builders().await?;
        let builds = join_all(
            builders
                .iter()
                .map(|b| self.recent_builds(b.builderid, per_builder)),
        )
        .await;
        builders
            .into_iter()
            .zip(builds)
            .map(|(builder, builds)| {
                Ok(BuilderSummary {
                    builder,
                    builds: builds?,
                })
            })
            .collect()
    }

    pub async fn build_detail(&self, buildid: i64) -> Result<BuildDetail, ApiError> {
        let (build, steps) = futures::join!(self.build(buildid), self.steps(buildid));
        let build = build?;
        let builder = self.builder(build.builderid).await?;
        Ok(BuildDetail {
            builder,
            build,
            steps: steps?,
        })
    }
}
