//! Huawei CodeArts Build models and decoders (pure, no DOM).
//!
//! CodeArts answers in three shapes: the v1 envelope `{status, error, result}` (v1 APIs and
//! several v3 ones), the legacy v3 envelope `{success, message, err_code, result}`
//! (record-info), and bare objects (history, job status). The envelopes can report a failure
//! inside an HTTP 200; [`crate::huawei`] reads them, and every decoder here refuses a failure
//! envelope with a [`DecodeError`] naming the `status` (or `success`) field and the server's
//! code and message, so a failure can never decode as an empty result.
//!
//! The log endpoints (real-time logs by byte offset, v1 log pages, downloads) and their paths
//! are in `logs.rs`.
//!
//! Times become epoch seconds through `timeparse`, durations (milliseconds on the wire) become
//! seconds, and statuses map onto the shared [`Status`] while the server's own words are kept for
//! display ([`system_label`]).

mod logs;

pub use logs::{
    build_log_page, decode_octopus_log, decode_real_time_log, download_log, real_time_log,
    real_time_log_v1, step_log_page, LogLevel, OctopusLog, RealTimeLog, V1Read, V1_SIZE,
};

use crate::huawei::root;
use crate::json::{self, DecodeError, Obj};
use crate::status::Status;
use crate::timeparse::time_field;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Models

/// A stage of a build record (`BuildStageRecord`), or a step of one when fetched with
/// `cascade=true`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The key of the `build_stages` map (empty for steps that came in a list).
    pub key: String,
    pub id: String,
    /// `execution_stage_name`, falling back to the map key.
    pub name: String,
    /// `display_name`, falling back to `name`; what the UI shows.
    pub display_name: String,
    pub sequence: Option<i64>,
    pub status: Status,
    pub status_text: Option<String>,
    pub status_code: Option<i64>,
    pub log_status: Option<String>,
    pub create_time: Option<f64>,
    pub schedule_time: Option<f64>,
    /// Documented as "build queuing duration" but typed as, and sent as, a timestamp: when the
    /// stage entered the queue.
    pub queued_time: Option<f64>,
    pub start_time: Option<f64>,
    pub finish_time: Option<f64>,
    /// Whole stage, creation to finish, in seconds.
    pub duration_secs: Option<f64>,
    /// Time actually building, in seconds.
    pub build_duration_secs: Option<f64>,
    /// Time waiting for an executor, in seconds.
    pub pending_duration_secs: Option<f64>,
    pub build_record_id: Option<String>,
    pub execution_id: Option<String>,
    /// Integer in the SDK, string in one doc page; kept as text.
    pub node_id: Option<String>,
    /// Steps of this stage (only with `cascade=true`), in `sequence` order.
    pub steps: Vec<Stage>,
}

/// One build as described by record-info: the deprecated v3
/// `/v3/jobs/{job_id}/{build_no}/record-info` and its v1 replacement
/// `/v1/record/{job_id}/{build_no}/record-info`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordInfo {
    pub id: Option<String>,
    pub build_project_id: Option<String>,
    /// The `record_id` that full-stages and ShowBuildRecord need.
    pub build_record_id: Option<String>,
    pub parent_record_id: Option<String>,
    pub devcloud_project_id: Option<String>,
    pub codeci_job_id: Option<String>,
    pub user_id: Option<String>,
    pub build_no: Option<i64>,
    /// `20221011.29`: the date and that day's count.
    pub daily_build_num: Option<String>,
    pub execution_id: Option<String>,
    pub repo_name: Option<String>,
    pub repo_id: Option<String>,
    pub branch: Option<String>,
    pub tag: Option<String>,
    pub commit: Option<String>,
    pub commit_message: Option<String>,
    pub commit_create_time: Option<f64>,
    pub trigger_type: Option<String>,
    pub build_type: Option<String>,
    pub status: Status,
    pub status_text: Option<String>,
    pub domain_id: Option<String>,
    pub create_time: Option<f64>,
    pub schedule_time: Option<f64>,
    pub queued_time: Option<f64>,
    pub start_time: Option<f64>,
    /// When CloudOctopus really started building.
    pub runnable_time: Option<f64>,
    pub finish_time: Option<f64>,
    pub duration_secs: Option<f64>,
    pub record_status: Option<String>,
    pub use_private_slave: Option<bool>,
    pub region: Option<String>,
    pub err_msg: Option<String>,
    /// `YAML` or `ACTION`.
    pub build_config_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildParameter {
    pub name: String,
    /// As sent: secret values arrive masked (`******`).
    pub value: Option<String>,
    pub secret: bool,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordType {
    pub record_type: Option<String>,
    pub trigger_type: Option<String>,
    pub rerun: Option<bool>,
    pub is_rerun: Option<bool>,
}

/// ShowBuildRecord, `/v1/record/{record_id}/info`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildRecord {
    pub id: String,
    pub status: Status,
    pub status_text: Option<String>,
    pub status_code: Option<i64>,
    pub create_time: Option<f64>,
    pub schedule_time: Option<f64>,
    pub queued_time: Option<f64>,
    pub start_time: Option<f64>,
    pub finish_time: Option<f64>,
    pub duration_secs: Option<f64>,
    pub build_duration_secs: Option<f64>,
    pub pending_duration_secs: Option<f64>,
    pub project_id: Option<String>,
    pub display_name: Option<String>,
    pub trigger_name: Option<String>,
    pub group_name: Option<String>,
    pub execution_id: Option<String>,
    pub parameters: Vec<BuildParameter>,
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub revision: Option<String>,
    pub build_yml_path: Option<String>,
    pub build_yml_url: Option<String>,
    /// `daily_build_number`, or `daily_build_no` (sometimes a float literal `20240626.1`).
    pub daily_build_number: Option<String>,
    pub record_type: Option<RecordType>,
    pub trigger_type: Option<String>,
    pub scm_type: Option<String>,
    pub scm_web_url: Option<String>,
    pub user_id: Option<String>,
    /// A string (`"6463"`) on this endpoint, an integer elsewhere.
    pub build_no: Option<i64>,
    pub dev_cloud_build_type: Option<String>,
}

/// One row of `/v3/jobs/{job_id}/history` (and of `period-history`, which adds the commit and
/// trigger fields).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    pub record_id: Option<String>,
    pub job_id: Option<String>,
    pub build_number: Option<i64>,
    pub start_time: Option<f64>,
    pub end_time: Option<f64>,
    pub status: Status,
    /// The `result` field as sent (`SUCCESS`, `FAILURE`, ...).
    pub result: Option<String>,
    pub branch: Option<String>,
    pub commit_id: Option<String>,
    pub commit_message: Option<String>,
    pub executor: Option<String>,
    /// Localised on the v3 APIs: `手工触发` (manual), `定时触发` (scheduled), ...
    pub trigger_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub total: Option<i64>,
    /// In the server's order (newest first).
    pub records: Vec<HistoryRecord>,
}

/// `/v1/job/{job_id}/running-status`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningStatus {
    pub last_job_id: Option<String>,
    pub last_build_no: Option<i64>,
    /// `Finished` or `InQueue`.
    pub last_build_status: Option<String>,
    pub is_running: bool,
    pub status: Status,
}

/// A build task from `/v3/{project_id}/jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub name: String,
    pub creator: Option<String>,
    pub user_name: Option<String>,
    /// Epoch seconds; `None` when never built (the server sends `0`).
    pub last_build_time: Option<f64>,
    pub health_score: Option<f64>,
    pub source_code: Option<String>,
    /// Jenkins colour (`blue`, `red`, `aborted`, ...) or a word (`Finished`).
    pub last_build_status: Option<String>,
    pub status: Status,
    pub is_finished: Option<bool>,
    pub disabled: bool,
    pub last_build_user: Option<String>,
    pub trigger_type: Option<String>,
    pub scm_type: Option<String>,
    pub scm_web_url: Option<String>,
    pub repo_id: Option<String>,
    pub build_project_id: Option<String>,
    pub last_job_running_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobList {
    pub total: Option<i64>,
    pub jobs: Vec<Job>,
}

impl Stage {
    pub fn system_label(&self) -> String {
        system_label(self.status_text.as_deref(), self.status_code)
    }
}

impl RecordInfo {
    pub fn system_label(&self) -> String {
        system_label(self.status_text.as_deref(), None)
    }
}

impl BuildRecord {
    pub fn system_label(&self) -> String {
        system_label(self.status_text.as_deref(), self.status_code)
    }
}

impl HistoryRecord {
    pub fn system_label(&self) -> String {
        system_label(self.result.as_deref(), None)
    }
}

impl Job {
    pub fn system_label(&self) -> String {
        system_label(self.last_build_status.as_deref(), None)
    }
}

impl RunningStatus {
    pub fn system_label(&self) -> String {
        let label = system_label(self.last_build_status.as_deref(), None);
        if self.is_running {
            format!("{label}, running")
        } else {
            label
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Status

/// The shared status for a CodeArts status string and/or `status_code`.
///
/// The text decides when it is known; the code fills in when the text is missing, empty or
/// unknown. Only `5 = SUCCESS` and `8 = ABORTED` are confirmed (Huawei's examples; no public
/// source maps the other codes). Anything else is `Unknown` with the original text, so nothing
/// is lost.
pub fn status(status: Option<&str>, status_code: Option<i64>) -> Status {
    let text = status.map(str::trim);
    if let Some(s) = text.and_then(status_from_text) {
        return s;
    }
    if let Some(s) = status_code.and_then(status_from_code) {
        return s;
    }
    match (text, status_code) {
        (Some(""), None) => Status::Pending,
        (Some(""), Some(code)) => Status::Unknown(code.to_string()),
        (Some(t), _) => Status::Unknown(t.to_string()),
        (None, Some(code)) => Status::Unknown(code.to_string()),
        (None, None) => Status::Unknown("no status".to_string()),
    }
}

fn status_from_code(code: i64) -> Option<Status> {
    match code {
        5 => Some(Status::Success),
        8 => Some(Status::Cancelled),
        _ => None,
    }
}

fn code_name(code: i64) -> Option<&'static str> {
    match code {
        5 => Some("SUCCESS"),
        8 => Some("ABORTED"),
        _ => None,
    }
}

fn status_from_text(text: &str) -> Option<Status> {
    if text.is_empty() {
        return None;
    }
    let word = text.to_ascii_uppercase().replace(['-', ' '], "_");
    // Jenkins colours: `<result>_anime` is a job building again after that result.
    if word.ends_with("_ANIME") {
        return Some(Status::Running);
    }
    Some(match word.as_str() {
        "SUCCESS" | "SUCCEEDED" | "SUCCESSFUL" | "BLUE" => Status::Success,
        "UNSTABLE" | "YELLOW" => Status::Warnings,
        "FAILED" | "FAILURE" | "FAIL" | "ERROR" | "RED" => Status::Failure,
        "ABORTED" | "ABORT" | "CANCELED" | "CANCELLED" | "CANCEL" | "STOPPED" => Status::Cancelled,
        "RUNNING" | "BUILDING" | "IN_PROGRESS" | "EXECUTING" => Status::Running,
        "QUEUED" | "QUEUING" | "QUEUEING" | "INQUEUE" | "IN_QUEUE" | "WAITING" => Status::Queued,
        "PENDING" | "INIT" | "INITIAL" | "CREATED" | "NOT_STARTED" | "NOTSTARTED" | "NOTBUILT"
        | "NOT_BUILT" => Status::Pending,
        // The build never got an executor: an infrastructure fault, not a failing build.
        "SCHEDULE_FAILURE" | "SCHEDULE_FAILED" => Status::Exception,
        "TIMEOUT" | "TIMED_OUT" | "TIMEDOUT" => Status::Timeout,
        "SKIPPED" | "SKIP" => Status::Skipped,
        "DELETED" => Status::Deleted,
        _ => return None,
    })
}

/// CodeArts' own words for a status, for hover text and screen readers: `SUCCESS (5)`,
/// `ABORTED (8)`, `FAILURE`, `blue`, and for the empty string history details use for steps
/// that did not run, `not run`.
pub fn system_label(status: Option<&str>, status_code: Option<i64>) -> String {
    let text = status.map(str::trim).filter(|t| !t.is_empty());
    match (text, status_code) {
        (Some(t), Some(code)) => format!("{t} ({code})"),
        (Some(t), None) => t.to_string(),
        (None, Some(code)) => match code_name(code) {
            Some(name) => format!("{name} ({code})"),
            None => format!("status code {code}"),
        },
        (None, None) if status.is_some() => "not run".to_string(),
        (None, None) => "no status".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding helpers

fn missing(what: &str, field: &str) -> DecodeError {
    DecodeError {
        what: what.to_string(),
        field: field.to_string(),
        problem: "missing".to_string(),
    }
}

/// The `result` object of an envelope.
fn result<'a>(o: Obj<'a>) -> Result<Obj<'a>, DecodeError> {
    o.opt_obj("result")?
        .ok_or_else(|| missing(o.what(), "result"))
}

/// Milliseconds on the wire, seconds in the model.
fn millis(o: &Obj<'_>, field: &str) -> Result<Option<f64>, DecodeError> {
    Ok(o.opt_f64(field)?.map(|ms| ms / 1000.0))
}

/// The field's name as the server spelled it: snake_case, or camelCase (the Chinese record-info
/// page lists camelCase keys while the SDK and examples use snake_case).
fn spelled(o: &Obj<'_>, snake: &str) -> String {
    if o.get(snake).is_some() {
        return snake.to_string();
    }
    let mut camel = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            camel.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            camel.push(c);
        }
    }
    if o.get(&camel).is_some() {
        camel
    } else {
        snake.to_string()
    }
}

/// The first of several names the server uses for one field.
fn first_of<'n>(o: &Obj<'_>, names: &[&'n str]) -> &'n str {
    names
        .iter()
        .copied()
        .find(|n| o.get(n).is_some())
        .or_else(|| names.first().copied())
        .unwrap_or_default()
}

/// Prefixes a nested error's field with where it sits.
fn within(prefix: String) -> impl Fn(DecodeError) -> DecodeError {
    move |mut e| {
        e.field = if e.field.is_empty() {
            prefix.clone()
        } else {
            format!("{prefix}.{}", e.field)
        };
        e
    }
}

// ---------------------------------------------------------------------------------------------
// Decoders

fn stage(key: &str, o: Obj<'_>) -> Result<Stage, DecodeError> {
    let status_text = o.opt_str("status")?;
    let status_code = o.opt_i64("status_code")?;
    let name = o
        .opt_str("execution_stage_name")?
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| key.to_string());
    let display_name = o
        .opt_str("display_name")?
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| name.clone());
    let steps_field = first_of(&o, &["steps", "build_steps"]);
    Ok(Stage {
        key: key.to_string(),
        id: o.opt_str("id")?.unwrap_or_default(),
        sequence: o.opt_i64("sequence")?,
        status: status(status_text.as_deref(), status_code),
        status_text,
        status_code,
        log_status: o.opt_str("log_status")?,
        create_time: time_field(&o, "create_time")?,
        schedule_time: time_field(&o, "schedule_time")?,
        queued_time: time_field(&o, "queued_time")?,
        start_time: time_field(&o, "start_time")?,
        finish_time: time_field(&o, "finish_time")?,
        duration_secs: millis(&o, "duration")?,
        build_duration_secs: millis(&o, "build_duration")?,
        pending_duration_secs: millis(&o, "pending_duration")?,
        build_record_id: o.opt_str("build_record_id")?,
        execution_id: o.opt_str("execution_id")?,
        node_id: o.opt_str("node_id")?,
        steps: stages(&o, steps_field)?,
        name,
        display_name,
    })
}

/// Stages (or steps) under `field`, a map (its key order means nothing) or a list, returned in
/// `sequence` order; records without a sequence go last, ties keep a stable order by key.
fn stages(o: &Obj<'_>, field: &str) -> Result<Vec<Stage>, DecodeError> {
    let mut out = match o.get(field) {
        None => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, v)| {
                let entry = Obj::new(o.what(), v).map_err(within(format!("{field}.{key}")))?;
                stage(key, entry).map_err(within(format!("{field}.{key}")))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(Value::Array(_)) => o.each(field, |s| stage("", s))?,
        Some(_) => {
            return Err(DecodeError {
                what: o.what().to_string(),
                field: field.to_string(),
                problem: "expected a map or a list of stages".to_string(),
            })
        }
    };
    out.sort_by(|a, b| {
        (a.sequence.is_none(), a.sequence, &a.key, &a.name).cmp(&(
            b.sequence.is_none(),
            b.sequence,
            &b.key,
            &b.name,
        ))
    });
    Ok(out)
}

/// ShowBuildRecordFullStages, `/v1/record/{record_id}/full-stages[?cascade=true]`: the stages
/// in `sequence` order, each with its steps when cascaded.
pub fn decode_full_stages(body: &str) -> Result<Vec<Stage>, DecodeError> {
    const WHAT: &str = "CodeArts build stages";
    let v = json::parse(WHAT, body)?;
    let r = result(root(WHAT, &v)?)?;
    stages(&r, "build_stages")
}

fn record_info(o: Obj<'_>) -> Result<RecordInfo, DecodeError> {
    let s = |snake: &str| o.opt_str(&spelled(&o, snake));
    let t = |snake: &str| time_field(&o, &spelled(&o, snake));
    let status_text = s("status")?;
    Ok(RecordInfo {
        id: s("id")?,
        build_project_id: s("build_project_id")?,
        build_record_id: s("build_record_id")?,
        parent_record_id: s("parent_record_id")?,
        devcloud_project_id: s("devcloud_project_id")?,
        codeci_job_id: s("codeci_job_id")?,
        user_id: s("user_id")?,
        build_no: o.opt_i64(&spelled(&o, "build_no"))?,
        daily_build_num: s("daily_build_num")?,
        execution_id: s("execution_id")?,
        repo_name: s("repo_name")?,
        repo_id: s("repo_id")?,
        branch: s("branch")?,
        tag: s("tag")?,
        commit: s("commit")?,
        commit_message: s("commit_message")?,
        commit_create_time: t("commit_create_time")?,
        trigger_type: s("trigger_type")?,
        build_type: s("build_type")?,
        status: status(status_text.as_deref(), None),
        status_text,
        domain_id: s("domain_id")?,
        create_time: t("create_time")?,
        schedule_time: t("schedule_time")?,
        queued_time: t("queued_time")?,
        start_time: t("start_time")?,
        runnable_time: t("runnable_time")?,
        finish_time: t("finish_time")?,
        duration_secs: millis(&o, &spelled(&o, "duration"))?,
        record_status: s("record_status")?,
        use_private_slave: o.opt_bool(&spelled(&o, "use_private_slave"))?,
        region: s("region")?,
        err_msg: s("err_msg")?,
        build_config_type: s("build_config_type")?,
    })
}

/// record-info in either envelope: legacy v3 `{success, message, err_code, result}` or v1
/// `{status, error, result}`; keys in snake_case or camelCase.
pub fn decode_record_info(body: &str) -> Result<RecordInfo, DecodeError> {
    const WHAT: &str = "CodeArts build record info";
    let v = json::parse(WHAT, body)?;
    record_info(result(root(WHAT, &v)?)?)
}

/// ShowBuildRecord, `/v1/record/{record_id}/info`.
pub fn decode_build_record(body: &str) -> Result<BuildRecord, DecodeError> {
    const WHAT: &str = "CodeArts build record";
    let v = json::parse(WHAT, body)?;
    let o = result(root(WHAT, &v)?)?;
    let status_text = o.opt_str("status")?;
    let status_code = o.opt_i64("status_code")?;
    let record_type = match o.opt_obj("build_record_type")? {
        None => None,
        Some(t) => Some(RecordType {
            record_type: t.opt_str("record_type")?,
            trigger_type: t.opt_str("trigger_type")?,
            rerun: t.opt_bool("rerun")?,
            is_rerun: t.opt_bool("is_rerun")?,
        }),
    };
    Ok(BuildRecord {
        id: o.opt_str("id")?.unwrap_or_default(),
        status: status(status_text.as_deref(), status_code),
        status_text,
        status_code,
        create_time: time_field(&o, "create_time")?,
        schedule_time: time_field(&o, "schedule_time")?,
        queued_time: time_field(&o, "queued_time")?,
        start_time: time_field(&o, "start_time")?,
        finish_time: time_field(&o, "finish_time")?,
        duration_secs: millis(&o, "duration")?,
        build_duration_secs: millis(&o, "build_duration")?,
        pending_duration_secs: millis(&o, "pending_duration")?,
        project_id: o.opt_str("project_id")?,
        display_name: o.opt_str("display_name")?,
        trigger_name: o.opt_str("trigger_name")?,
        group_name: o.opt_str("group_name")?,
        execution_id: o.opt_str("execution_id")?,
        parameters: o.each("parameters", |p| {
            Ok(BuildParameter {
                name: p.opt_str("name")?.unwrap_or_default(),
                value: p.opt_str("value")?,
                secret: p.opt_bool("secret")?.unwrap_or(false),
                kind: p.opt_str("type")?,
            })
        })?,
        repository: o.opt_str("repository")?,
        branch: o.opt_str("branch")?,
        revision: o.opt_str("revision")?,
        build_yml_path: o.opt_str("build_yml_path")?,
        build_yml_url: o.opt_str("build_yml_url")?,
        daily_build_number: o.opt_str(first_of(&o, &["daily_build_number", "daily_build_no"]))?,
        record_type,
        trigger_type: o.opt_str("trigger_type")?,
        scm_type: o.opt_str("scm_type")?,
        scm_web_url: o.opt_str("scm_web_url")?,
        user_id: o.opt_str("user_id")?,
        build_no: o.opt_i64("build_no")?,
        dev_cloud_build_type: o.opt_str("dev_cloud_build_type")?,
    })
}

fn history_record(o: Obj<'_>) -> Result<HistoryRecord, DecodeError> {
    let result = o.opt_str("result")?;
    Ok(HistoryRecord {
        record_id: o.opt_str("record_id")?,
        job_id: o.opt_str("job_id")?,
        build_number: o.opt_i64("build_number")?,
        start_time: time_field(&o, "start_time")?,
        end_time: time_field(&o, "end_time")?,
        status: status(result.as_deref(), None),
        result,
        branch: o.opt_str("branch")?,
        commit_id: o.opt_str("commit_id")?,
        commit_message: o.opt_str("commit_message")?,
        executor: o.opt_str("executor")?,
        trigger_type: o.opt_str("trigger_type")?,
    })
}

/// ShowListHistory `/v3/jobs/{job_id}/history` (bare `{history_records, total}`), also
/// ShowListPeriodHistory. `history_records` is documented as a list but one example sends a
/// single record object; both decode, as does a map of records.
pub fn decode_history(body: &str) -> Result<History, DecodeError> {
    const WHAT: &str = "CodeArts build history";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    let records = match o.get("history_records") {
        Some(Value::Object(map)) if map.is_empty() => Vec::new(),
        Some(Value::Object(map)) if map.values().all(Value::is_object) => map
            .iter()
            .map(|(k, v)| {
                Obj::new(WHAT, v)
                    .and_then(history_record)
                    .map_err(within(format!("history_records.{k}")))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(one @ Value::Object(_)) => vec![Obj::new(WHAT, one)
            .and_then(history_record)
            .map_err(within("history_records".to_string()))?],
        _ => o.each("history_records", history_record)?,
    };
    Ok(History {
        total: o.opt_i64("total")?,
        records,
    })
}

/// ShowRunningStatus, `/v1/job/{job_id}/running-status`.
pub fn decode_running_status(body: &str) -> Result<RunningStatus, DecodeError> {
    const WHAT: &str = "CodeArts running status";
    let v = json::parse(WHAT, body)?;
    let o = result(root(WHAT, &v)?)?;
    let last_build_status = o.opt_str("last_build_status")?;
    let is_running = o.opt_bool("is_running")?.unwrap_or(false);
    let mapped = status(last_build_status.as_deref(), None);
    Ok(RunningStatus {
        last_job_id: o.opt_str("last_job_id")?,
        last_build_no: o.opt_i64("last_build_no")?,
        // `is_running` is the authority on activity; `InQueue` refines it to Queued.
        status: if is_running && !mapped.is_active() {
            Status::Running
        } else {
            mapped
        },
        last_build_status,
        is_running,
    })
}

fn job(o: Obj<'_>) -> Result<Job, DecodeError> {
    let last_build_status = o.opt_str("last_build_status")?;
    Ok(Job {
        id: o.str("id")?,
        name: o.opt_str("job_name")?.unwrap_or_default(),
        creator: o.opt_str("job_creator")?,
        user_name: o.opt_str("user_name")?,
        last_build_time: time_field(&o, "last_build_time")?,
        health_score: o.opt_f64("health_score")?,
        source_code: o.opt_str("source_code")?,
        status: status(last_build_status.as_deref(), None),
        last_build_status,
        is_finished: o.opt_bool("is_finished")?,
        disabled: o.opt_bool("disabled")?.unwrap_or(false),
        last_build_user: o.opt_str("last_build_user")?,
        trigger_type: o.opt_str("trigger_type")?,
        scm_type: o.opt_str("scm_type")?,
        scm_web_url: o.opt_str("scm_web_url")?,
        repo_id: o.opt_str("repo_id")?,
        build_project_id: o.opt_str("build_project_id")?,
        last_job_running_status: o.opt_str("last_job_running_status")?,
    })
}

/// ShowJobListByProjectId, `/v3/{project_id}/jobs` (bare `{jobs, total}`).
pub fn decode_jobs(body: &str) -> Result<JobList, DecodeError> {
    const WHAT: &str = "CodeArts job list";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    if o.get("jobs").is_none() && o.get("total").is_none() {
        return Err(missing(WHAT, "jobs"));
    }
    Ok(JobList {
        total: o.opt_i64("total")?,
        jobs: o.each("jobs", job)?,
    })
}

/// ShowJobStatus, `/v3/jobs/{job_id}/status`: `{"result": true}` while the task runs.
pub fn decode_job_status(body: &str) -> Result<bool, DecodeError> {
    const WHAT: &str = "CodeArts job status";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    o.opt_bool("result")?.ok_or_else(|| missing(WHAT, "result"))
}

#[cfg(test)]
mod tests;
