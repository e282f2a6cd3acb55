//! A watched build's state, read from its own system: one request per poll.

use super::buildbot::BuildbotClient;
use super::huawei::{CodeArtsClient, ServiceStageClient};
use buildscope_core::buildbot::paths::BuildRef;
use buildscope_core::config::{Source, SourceKind};
use buildscope_core::error::{ApiError, ErrorKind};
use buildscope_core::status::Status;

/// Status, start and end (epoch seconds) of build `id` of `source`.
pub async fn state(
    source: &Source,
    id: &str,
) -> Result<(Status, Option<f64>, Option<f64>), ApiError> {
    match source.kind {
        SourceKind::Buildbot => {
            let Ok(n) = id.parse::<i64>() else {
                return Err(ApiError::new(
                    ErrorKind::Decode,
                    &source.name,
                    id,
                    "a Buildbot build id is a number",
                ));
            };
            let b = BuildbotClient::new(source).build(&BuildRef::Id(n)).await?;
            Ok((b.status(), b.started_at, b.complete_at))
        }
        SourceKind::CodeArts => {
            let r = CodeArtsClient::new(source).build_record(id).await?;
            Ok((r.status, r.start_time, r.finish_time))
        }
        SourceKind::ServiceStage => {
            let b = ServiceStageClient::new(source).build(id).await?;
            Ok((b.status, b.started_at, b.ended_at))
        }
    }
}
