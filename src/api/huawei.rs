//! Clients for Huawei Cloud CodeArts Build and ServiceStage (historical Build APIs), over the
//! shared HTTP helper. Both answer failures inside HTTP 200 envelopes too, so their endpoints
//! check envelopes; error bodies in every Huawei shape go through one parser.

use super::http::Endpoint;
use buildscope_core::codearts::{self, BuildRecord, History, JobList, RecordInfo, Stage};
use buildscope_core::config::Source;
use buildscope_core::error::{ApiError, ErrorKind};
use buildscope_core::huawei;
use buildscope_core::huawei_control::{Action, Answer};
use buildscope_core::log::engine::bytes::{ByteAnswer, ByteRequest};
use buildscope_core::servicestage::{self, BuildList, Phase};
use futures::StreamExt;

/// Query values are percent-encoded so ids from the server cannot change the request.
fn q(s: &str) -> String {
    buildscope_core::links::percent_encode(s)
}

#[derive(Clone)]
pub struct CodeArtsClient {
    base: String,
    endpoint: Endpoint,
}

impl CodeArtsClient {
    pub fn new(source: &Source) -> Self {
        CodeArtsClient {
            base: source.url.clone(),
            endpoint: Endpoint::for_source(source, huawei::parse_error)
                .with_envelope_check(huawei::envelope_error),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Jobs of a project (ShowJobListByProjectId); `page_index` counts from 0, like the
    /// history API's page index.
    pub async fn jobs(
        &self,
        project_id: &str,
        page_index: u32,
        page_size: u32,
    ) -> Result<JobList, ApiError> {
        let url = self.url(&format!(
            "v3/{}/jobs?page_index={page_index}&page_size={page_size}",
            q(project_id)
        ));
        self.endpoint.get(&url, codearts::decode_jobs).await
    }

    /// Build history of a job; `page` is a page index (ShowListHistory), `interval` in days (≤ 30).
    pub async fn history(
        &self,
        job_id: &str,
        page: u32,
        limit: u32,
        interval_days: u32,
    ) -> Result<History, ApiError> {
        let url = self.url(&format!(
            "v3/jobs/{}/history?offset={page}&limit={limit}&interval={interval_days}",
            q(job_id)
        ));
        self.endpoint.get(&url, codearts::decode_history).await
    }

    /// Stages of a build record, ordered by `sequence`; `cascade` adds their steps.
    pub async fn full_stages(
        &self,
        record_id: &str,
        cascade: bool,
    ) -> Result<Vec<Stage>, ApiError> {
        let url = self.url(&format!(
            "v1/record/{}/full-stages?cascade={cascade}",
            q(record_id)
        ));
        self.endpoint.get(&url, codearts::decode_full_stages).await
    }

    /// A job's newest `limit` history records (≤ 100, the API's page), and the stages of the
    /// newest `with_stages` of them (one request each, four at a time), for the job's trend.
    pub async fn trend(
        &self,
        job_id: &str,
        limit: u32,
        with_stages: usize,
        interval_days: u32,
    ) -> Result<(History, Vec<Vec<Stage>>), ApiError> {
        let history = self.history(job_id, 0, limit, interval_days).await?;
        let ids: Vec<String> = history
            .records
            .iter()
            .filter_map(|r| r.record_id.clone())
            .take(with_stages)
            .collect();
        let stages = futures::stream::iter(ids.iter().map(|id| self.full_stages(id, false)))
            .buffered(4)
            .collect::<Vec<_>>()
            .await;
        Ok((history, stages.into_iter().collect::<Result<_, _>>()?))
    }

    /// A build record by id (ShowBuildRecord): repository, branch, revision, numbers, durations.
    pub async fn build_record(&self, record_id: &str) -> Result<BuildRecord, ApiError> {
        let url = self.url(&format!("v1/record/{}/info", q(record_id)));
        self.endpoint.get(&url, codearts::decode_build_record).await
    }

    /// Record info by job + build number: the v1 API, falling back to the deprecated v3 one
    /// where v1 is not served (404).
    pub async fn record_info(&self, job_id: &str, build_no: i64) -> Result<RecordInfo, ApiError> {
        let v1 = self.url(&format!("v1/record/{}/{build_no}/record-info", q(job_id)));
        match self.endpoint.get(&v1, codearts::decode_record_info).await {
            Err(e) if e.kind == ErrorKind::Http && e.status == Some(404) => {
                let v3 = self.url(&format!("v3/jobs/{}/{build_no}/record-info", q(job_id)));
                self.endpoint.get(&v3, codearts::decode_record_info).await
            }
            other => other,
        }
    }

    /// A build of a job by number with its top-level stages: record-info names the build
    /// record, whose full-stages are then read.
    pub async fn numbered_build(
        &self,
        job_id: &str,
        build_no: i64,
    ) -> Result<(RecordInfo, Vec<Stage>), ApiError> {
        let info = self.record_info(job_id, build_no).await?;
        let Some(record_id) = info.build_record_id.clone().filter(|id| !id.is_empty()) else {
            let url = self.url(&format!("v1/record/{}/{build_no}/record-info", q(job_id)));
            let missing = buildscope_core::json::DecodeError {
                what: "CodeArts build record info".into(),
                field: "build_record_id".into(),
                problem: "missing, so the build's stages cannot be read".into(),
            };
            return Err(ApiError::decode(&self.endpoint.source, &url, missing));
        };
        let stages = self.full_stages(&record_id, false).await?;
        Ok((info, stages))
    }

    /// One read of a byte-paged log (the log engine's request; its path is relative to the
    /// API base).
    pub async fn log_read(&self, request: &ByteRequest) -> Result<ByteAnswer, ApiError> {
        read_bytes(&self.endpoint, &self.url(&request.path), request).await
    }

    /// RunJob or StopBuildJob, sent once.
    pub async fn control(&self, action: &Action) -> Result<Answer, ApiError> {
        send(&self.endpoint, &self.base, action).await
    }

    /// DownloadBuildLog: the whole log written so far, as a file. A plain link, so it works
    /// where the browser itself may reach the API (the same-origin proxy, `"auth": "proxy"`).
    pub fn download_url(&self, record_id: &str) -> String {
        self.url(&codearts::download_log(record_id, codearts::LogLevel::Info))
    }
}

/// POSTs a control action once (see `Endpoint::post_json`: never retried) and reads its
/// answer; `root` is the source's URL, which the action's path is below.
async fn send(endpoint: &Endpoint, root: &str, action: &Action) -> Result<Answer, ApiError> {
    let url = format!("{root}{}", action.path());
    let body = endpoint.post_json(&url, &action.body()).await?;
    action
        .decode_answer(&body)
        .map_err(|e| ApiError::decode(&endpoint.source, &url, e))
}

/// GETs `url` for `request` and decodes the answer, so a failure names the source, the
/// HTTP status and the server's code like every other call.
async fn read_bytes(
    endpoint: &Endpoint,
    url: &str,
    request: &ByteRequest,
) -> Result<ByteAnswer, ApiError> {
    endpoint.get(url, |body| request.answer(body)).await
}

#[derive(Clone)]
pub struct ServiceStageClient {
    /// The source's URL; `base` is its build API below it.
    root: String,
    base: String,
    endpoint: Endpoint,
}

impl ServiceStageClient {
    pub fn new(source: &Source) -> Self {
        ServiceStageClient {
            root: source.url.clone(),
            base: format!("{}assembling/v1/", source.url),
            endpoint: Endpoint::for_source(source, huawei::parse_error)
                .with_envelope_check(huawei::envelope_error),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Starts a build of a job, once.
    pub async fn control(&self, action: &Action) -> Result<Answer, ApiError> {
        send(&self.endpoint, &self.root, action).await
    }

    pub async fn jobs(&self, page: u32, per_page: u32) -> Result<servicestage::JobList, ApiError> {
        let url = self.url(&format!("jobs?page={page}&per_page={per_page}"));
        self.endpoint.get(&url, servicestage::decode_jobs).await
    }

    /// Builds of a job; the API requires the job's name as well as its id.
    pub async fn builds(&self, job_id: &str, job_name: &str) -> Result<BuildList, ApiError> {
        let url = self.url(&format!("jobs/{}/builds?name={}", q(job_id), q(job_name)));
        self.endpoint.get(&url, servicestage::decode_builds).await
    }

    pub async fn build(&self, build_id: &str) -> Result<servicestage::Build, ApiError> {
        let url = self.url(&format!("builds/{}", q(build_id)));
        self.endpoint.get(&url, servicestage::decode_build).await
    }

    /// The six phases, in their canonical order.
    pub async fn phases(&self, build_id: &str) -> Result<Vec<Phase>, ApiError> {
        let url = self.url(&format!("builds/{}/phases", q(build_id)));
        self.endpoint.get(&url, servicestage::decode_phases).await
    }

    /// One read of a build's log (the log engine's request; its path is relative to
    /// `assembling/v1/`).
    pub async fn log_read(&self, request: &ByteRequest) -> Result<ByteAnswer, ApiError> {
        read_bytes(&self.endpoint, &self.url(&request.path), request).await
    }
}
