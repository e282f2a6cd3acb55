//! CodeArts Build log endpoints: the v3 real-time log, the v1 (Octopus) log pages of the
//! whole build and of one step, and the downloads. How each cuts a chunk is in
//! [`crate::log::read`]; this module finds the build's log and checks the parameters.

use crate::codearts::{find_build, find_record, v1_ok};
use crate::http::{bad_param, int_param, int_seg, not_found, Family, Reply, Req};
use crate::log::read::{self, V1Query, V1_PAGE_LINES};
use crate::log::{content, first, Log, LogStream};
use crate::model::{ca_plan, CaBuild, CaPlan, CA_STAGES};
use crate::state::Ctx;
use std::sync::Arc;

const F: Family = Family::CodeArts;

/// Largest offset, size or length accepted (the documented int32 range).
const MAX: i64 = 2_147_483_647;

/// A build's log with the parts the APIs can address.
pub struct BuildLog {
    pub log: Arc<Log>,
    /// The build has not finished: more may be written.
    pub running: bool,
    pub stages: Vec<PartLog>,
    /// The `Content-Disposition` file name of a download (plain ASCII).
    pub file_name: String,
}

/// The lines of one stage (with its steps) or one step.
pub struct PartLog {
    /// A stage's `execution_stage_name` (the `task_name` of DownloadTaskLog), a step's `id`.
    pub key: String,
    pub lines: (u64, u64),
    pub running: bool,
    pub steps: Vec<PartLog>,
}

/// A scenario build's log; its steps are those `full-stages?cascade=true` lists, with the
/// same ids. A step owns the lines of its stage written from its start until the next
/// step's start.
pub fn scenario(b: &CaBuild, plan: &CaPlan, now: i64) -> BuildLog {
    let log = content::codearts(b, plan);
    let stages = CA_STAGES
        .iter()
        .enumerate()
        .map(|(i, (key, _, names))| {
            let span = &plan.stages[i];
            let (a, z) = log.stage_lines(i);
            let spans = span.steps(names.len());
            let starts: Vec<u64> = spans
                .iter()
                .enumerate()
                .map(|(j, s)| {
                    if j == 0 {
                        a
                    } else {
                        first(a, z, |k| log.at(k) >= s.start_at)
                    }
                })
                .collect();
            let steps = spans
                .iter()
                .enumerate()
                .map(|(j, s)| PartLog {
                    key: b.step_id(i, j),
                    lines: (starts[j], starts.get(j + 1).copied().unwrap_or(z)),
                    running: !s.at(now).status.finished(),
                    steps: Vec::new(),
                })
                .collect();
            PartLog {
                key: (*key).to_string(),
                lines: (a, z),
                running: !span.at(now).status.finished(),
                steps,
            }
        })
        .collect();
    BuildLog {
        log: Arc::new(log),
        running: !plan.record.at(now).status.finished(),
        stages,
        file_name: format!("{}-{}.log", b.job().name, b.build_no),
    }
}

fn by_job(ctx: &Ctx, job_id: &str, build_no: u64, now: i64) -> Option<BuildLog> {
    if let Some(c) = ctx
        .cfg
        .xss
        .as_ref()
        .filter(|_| job_id == crate::xss::CA_JOB)
    {
        return Some(c.ca_build_log());
    }
    let b = find_build(ctx, job_id, build_no)?;
    Some(scenario(&b, &ca_plan(&b, ctx.cfg.stage_ms), now))
}

fn by_record(ctx: &Ctx, record_id: &str, now: i64) -> Option<BuildLog> {
    if let Some(c) = ctx
        .cfg
        .xss
        .as_ref()
        .filter(|_| record_id == crate::xss::CA_RECORD)
    {
        return Some(c.ca_build_log());
    }
    let b = find_record(ctx, record_id)?;
    Some(scenario(&b, &ca_plan(&b, ctx.cfg.stage_ms), now))
}

/// `GET /v3/jobs/{job_id}/{build_no}/real-time-log?offset=&length=` (DownloadRealTimeLog)
pub fn v3_real_time_log(ctx: &Ctx, req: &Req, job_id: &str, build_no: &str, now: i64) -> Reply {
    let build_no = match int_seg(F, build_no, "build_no") {
        Ok(n) => n,
        Err(r) => return r,
    };
    let offset = match int_param(req, "offset", None, 0, MAX) {
        Ok(n) => n as u64,
        Err(r) => return r,
    };
    let length = match int_param(req, "length", Some(1_000_000), 0, MAX) {
        Ok(n) => n as u64,
        Err(r) => return r,
    };
    let Some(b) = by_job(ctx, job_id, build_no, now) else {
        return not_found(F);
    };
    v1_ok(read::v3(b.log.whole(), now, b.running, offset, length))
}

/// The v1 log query parameters. The whole-build and step pages require both offsets (the
/// real-time log defaults them to 0); `end_offset` 0 means "to the end".
fn v1_query(req: &Req, offsets_required: bool, has_size: bool) -> Result<V1Query, Reply> {
    let default = if offsets_required { None } else { Some(0) };
    let start = int_param(req, "start_offset", default, 0, MAX)? as u64;
    let end = int_param(req, "end_offset", default, 0, MAX)? as u64;
    let desc = match req.q("sort") {
        None | Some("") | Some("AES") => false,
        Some("DESC") => true,
        Some(_) => return Err(bad_param(F, "sort must be AES or DESC")),
    };
    let size = if has_size {
        int_param(req, "size", None, 0, MAX)? as u64
    } else {
        V1_PAGE_LINES
    };
    if end > 0 && start > end {
        return Err(bad_param(
            F,
            "start_offset must not be greater than end_offset",
        ));
    }
    Ok(V1Query {
        start,
        end: (end > 0).then_some(end),
        desc,
        size,
    })
}

/// `GET /v1/log/{job_id}/{build_no}/real-time-log?start_offset&end_offset&sort&size`
/// (DownloadBuildRealTimeLog)
pub fn v1_real_time_log(ctx: &Ctx, req: &Req, job_id: &str, build_no: &str, now: i64) -> Reply {
    let build_no = match int_seg(F, build_no, "build_no") {
        Ok(n) => n,
        Err(r) => return r,
    };
    let q = match v1_query(req, false, true) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let Some(b) = by_job(ctx, job_id, build_no, now) else {
        return not_found(F);
    };
    v1_ok(read::v1(b.log.whole(), now, b.running, q))
}

/// `job_id` and `build_no` from the query, as the `/v1/log/stage|task/...` pages take them.
fn job_and_build(req: &Req) -> Result<(String, u64), Reply> {
    let job = match req.q("job_id") {
        Some(j) if !j.is_empty() => j.to_string(),
        _ => return Err(bad_param(F, "job_id is required")),
    };
    let build_no = int_param(req, "build_no", None, 1, MAX)? as u64;
    Ok((job, build_no))
}

/// `GET /v1/log/stage/page?job_id&build_no&start_offset&end_offset&sort` (ShowActionIInfo):
/// the whole build's log, [`V1_PAGE_LINES`] lines a page.
pub fn stage_page(ctx: &Ctx, req: &Req, now: i64) -> Reply {
    let (job, build_no) = match job_and_build(req) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let q = match v1_query(req, true, false) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let Some(b) = by_job(ctx, &job, build_no, now) else {
        return not_found(F);
    };
    v1_ok(read::v1(b.log.whole(), now, b.running, q))
}

/// `GET /v1/log/task/page?...&step_id` (ShowConsoleInfo) and `GET /v1/log/task/step?...&size`
/// (ShowActionInfo): one step's log; offsets count from the step log's own start.
pub fn step_page(ctx: &Ctx, req: &Req, has_size: bool, now: i64) -> Reply {
    let (job, build_no) = match job_and_build(req) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let step_id = match req.q("step_id") {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => return bad_param(F, "step_id is required"),
    };
    let q = match v1_query(req, true, has_size) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let Some(b) = by_job(ctx, &job, build_no, now) else {
        return not_found(F);
    };
    let Some(step) = b
        .stages
        .iter()
        .flat_map(|s| s.steps.iter())
        .find(|s| s.key == step_id)
    else {
        return not_found(F);
    };
    let view = b.log.view(step.lines.0, step.lines.1);
    v1_ok(read::v1(view, now, step.running, q))
}

/// `log_level` is `INFO` or `DEBUG`; the simulated logs have no DEBUG lines, so both give
/// the same file.
fn check_log_level(req: &Req) -> Result<(), Reply> {
    match req.q("log_level") {
        None | Some("") | Some("INFO") | Some("DEBUG") => Ok(()),
        Some(_) => Err(bad_param(F, "log_level must be INFO or DEBUG")),
    }
}

/// `GET /v4/{record_id}/download-log` (DownloadBuildLog), `GET /v3/{record_id}/download-log`
/// (DownloadLogByRecordId) and `GET /v1/log/{record_id}/download-log` (DownloadBuildFullLog,
/// which also takes `compress`): the whole log written so far, as a file.
pub fn download(ctx: &Ctx, req: &Req, record_id: &str, now: i64) -> Reply {
    if let Err(r) = check_log_level(req) {
        return r;
    }
    match req.q("compress") {
        None | Some("") | Some("false") => {}
        // The archive format is not documented; a guess would mislead a client.
        Some("true") => return bad_param(F, "compress=true is not simulated"),
        Some(_) => return bad_param(F, "compress must be true or false"),
    }
    let Some(b) = by_record(ctx, record_id, now) else {
        return not_found(F);
    };
    let n = b.log.lines();
    Reply::download(&b.file_name, LogStream::new(Arc::clone(&b.log), 0, n, now))
}

/// `GET /v4/{record_id}/task-log?task_name=&log_level=` (DownloadTaskLog): one stage's log,
/// `task_name` being its `execution_stage_name` (the documented example is `stage1`).
pub fn task_download(ctx: &Ctx, req: &Req, record_id: &str, now: i64) -> Reply {
    let task = match req.q("task_name") {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => return bad_param(F, "task_name is required"),
    };
    if let Err(r) = check_log_level(req) {
        return r;
    }
    let Some(b) = by_record(ctx, record_id, now) else {
        return not_found(F);
    };
    let Some((i, stage)) = b.stages.iter().enumerate().find(|(_, s)| s.key == task) else {
        return not_found(F);
    };
    let name = b.file_name.trim_end_matches(".log");
    let stream = LogStream::new(Arc::clone(&b.log), stage.lines.0, stage.lines.1, now);
    Reply::download(&format!("{name}-stage{i}.log"), stream)
}
