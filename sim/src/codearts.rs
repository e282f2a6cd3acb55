//! CodeArts Build endpoints.

use crate::http::{bad_param, error, int_param, int_seg, not_found, Family, Reply, Req};
use crate::model::{
    ca_build_project_id, ca_job, ca_plan, CaBuild, CaPlan, CaStatus, Span, CA_DOMAIN_ID, CA_JOBS,
    CA_REGION, CA_STAGES, CA_USER_ID, CA_USER_NAME,
};
use crate::seed;
use crate::state::Ctx;
use crate::timefmt;
use serde_json::{json, Map, Value};

const F: Family = Family::CodeArts;

pub(crate) fn v1_ok(result: Value) -> Reply {
    Reply::json(
        200,
        &json!({"status": "success", "error": null, "result": result}),
    )
}

fn t(ms: Option<i64>) -> Value {
    match ms {
        Some(ms) => Value::String(timefmt::v1(ms)),
        None => Value::Null,
    }
}

/// (duration, build_duration, pending_duration) in ms, as far as known.
fn durations(v: &crate::model::SpanView) -> (i64, i64, i64) {
    let pending = match (v.queued, v.start) {
        (Some(q), Some(s)) => (s - q).max(0),
        _ => 0,
    };
    match (v.queued, v.start, v.finish) {
        (Some(q), Some(s), Some(f)) => ((f - q).max(0), (f - s).max(0), pending),
        _ => (0, 0, pending),
    }
}

pub(crate) fn find_record(ctx: &Ctx, record_id: &str) -> Option<CaBuild> {
    ctx.lock()
        .ca
        .iter()
        .find(|b| b.record_id() == record_id)
        .cloned()
}

pub(crate) fn find_build(ctx: &Ctx, job_id: &str, build_no: u64) -> Option<CaBuild> {
    let job = ca_job(job_id)?;
    ctx.lock()
        .ca
        .iter()
        .find(|b| b.job == job && b.build_no == build_no)
        .cloned()
}

fn stage_json(b: &CaBuild, plan: &CaPlan, i: usize, now: i64, cascade: bool) -> Value {
    let (key, display, steps) = CA_STAGES[i];
    let span = &plan.stages[i];
    let v = span.at(now);
    let (duration, build_duration, pending_duration) = durations(&v);
    let mut o = json!({
        "id": b.stage_id(i),
        "status": v.status.name(),
        "status_code": v.status.code(),
        "log_status": null,
        "create_time": timefmt::v1(b.t0),
        "schedule_time": timefmt::v1(b.t0),
        "queued_time": t(v.queued),
        "start_time": t(v.start),
        "finish_time": t(v.finish),
        "duration": duration,
        "build_duration": build_duration,
        "pending_duration": pending_duration,
        "build_record_id": b.record_id(),
        "execution_id": b.execution_id(),
        "execution_stage_name": key,
        "display_name": display,
        "node_id": if i == 0 { json!(b.job().idx + 8) } else { Value::Null },
        "sequence": i,
    });
    if cascade {
        let list: Vec<Value> = span
            .steps(steps.len())
            .iter()
            .zip(steps.iter())
            .enumerate()
            .map(|(j, (step, name))| step_json(b, i, j, step, name, now))
            .collect();
        o["steps"] = Value::Array(list);
    }
    o
}

fn step_json(b: &CaBuild, stage: usize, j: usize, step: &Span, name: &str, now: i64) -> Value {
    let v = step.at(now);
    let (duration, build_duration, _) = durations(&v);
    json!({
        "id": b.step_id(stage, j),
        "name": name,
        "display_name": name,
        "status": v.status.name(),
        "status_code": v.status.code(),
        "start_time": t(v.start),
        "finish_time": t(v.finish),
        "duration": duration,
        "build_duration": build_duration,
        "sequence": j,
    })
}

/// `GET /v1/record/{record_id}/full-stages?cascade=`
pub fn full_stages(ctx: &Ctx, req: &Req, record_id: &str, now: i64) -> Reply {
    let cascade = match req.q("cascade") {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => return bad_param(F, "cascade must be true or false"),
    };
    if seed::is_full_stages_seed(record_id) {
        return Reply::raw(200, seed::FULL_STAGES);
    }
    let Some(b) = find_record(ctx, record_id) else {
        return not_found(F);
    };
    let plan = ca_plan(&b, ctx.cfg.stage_ms);
    let mut stages = Map::new();
    for (i, (key, _, _)) in CA_STAGES.iter().enumerate() {
        stages.insert((*key).to_string(), stage_json(&b, &plan, i, now, cascade));
    }
    v1_ok(json!({ "build_stages": Value::Object(stages) }))
}

struct RecordView {
    status: CaStatus,
    create: i64,
    queued: Option<i64>,
    start: Option<i64>,
    finish: Option<i64>,
    duration: i64,
    build_duration: i64,
    pending_duration: i64,
}

fn record_view(b: &CaBuild, plan: &CaPlan, now: i64) -> RecordView {
    let v = plan.record.at(now);
    let create = b.t0;
    let pending_duration = v.start.map(|s| s - create).unwrap_or(0);
    let (duration, build_duration) = match (v.start, v.finish) {
        (Some(s), Some(f)) => (f - create, f - s),
        _ => (0, 0),
    };
    RecordView {
        status: v.status,
        create,
        queued: v.queued,
        start: v.start,
        finish: v.finish,
        duration,
        build_duration,
        pending_duration,
    }
}

fn repo_url(b: &CaBuild) -> String {
    format!("https://codehub.example.com/sim/{}.git", b.job().repo_name)
}

/// `GET /v1/record/{record_id}/info` (ShowBuildRecord)
pub fn record(ctx: &Ctx, record_id: &str, now: i64) -> Reply {
    let Some(b) = find_record(ctx, record_id) else {
        return not_found(F);
    };
    let plan = ca_plan(&b, ctx.cfg.stage_ms);
    let r = record_view(&b, &plan, now);
    let job = b.job();
    v1_ok(json!({
        "id": b.record_id(),
        "status": r.status.name(),
        "status_code": r.status.code(),
        "create_time": timefmt::v1(r.create),
        "schedule_time": timefmt::v1(r.create),
        "queued_time": t(r.queued),
        "start_time": t(r.start),
        "finish_time": t(r.finish),
        "duration": r.duration,
        "build_duration": r.build_duration,
        "pending_duration": r.pending_duration,
        "project_id": ca_build_project_id(job),
        "display_name": job.name,
        "trigger_name": CA_USER_NAME,
        "group_name": null,
        "execution_id": b.execution_id(),
        "parameters": parameters_json(&b),
        "repository": repo_url(&b),
        "branch": b.branch(),
        "revision": b.commit(),
        "build_yml_path": ".cloudbuild/build.yml",
        "build_yml_url": null,
        "daily_build_number": b.daily_build_number(),
        "build_record_type": {
            "rerun": false,
            "trigger_type": "MANUAL",
            "record_type": "JOB",
            "is_rerun": false
        },
        "trigger_type": "MANUAL",
        "scm_type": "codehub",
        "scm_web_url": format!("https://codehub.example.com/sim/{}", job.repo_name),
        "user_id": CA_USER_ID,
        "build_no": b.build_no.to_string(),
        "daily_build_no": b.daily_build_number(),
        "dev_cloud_build_type": null,
    }))
}

/// The job's parameters (`codeBranch`, `isRelease`, the secret `deployToken`) with the
/// values this run was given, then any others it was given; secrets are masked as the
/// real service masks them.
fn parameters_json(b: &CaBuild) -> Value {
    let defaults = [
        ("codeBranch", b.job().branch, false, "string"),
        ("isRelease", "false", false, "boolean"),
        ("deployToken", "", true, "string"),
    ];
    let mut list: Vec<Value> = defaults
        .iter()
        .map(|&(name, default, secret, kind)| {
            let value = if secret {
                "******"
            } else {
                b.param(name).unwrap_or(default)
            };
            json!({"name": name, "secret": secret, "value": value, "type": kind})
        })
        .collect();
    for (name, value) in &b.params {
        if !defaults.iter().any(|d| d.0 == name) {
            list.push(json!({"name": name, "secret": false, "value": value, "type": "string"}));
        }
    }
    Value::Array(list)
}

fn record_info_result(b: &CaBuild, plan: &CaPlan, now: i64) -> Value {
    let r = record_view(b, plan, now);
    let job = b.job();
    let err_msg = match r.status {
        CaStatus::Failed => json!("Maven build failed: 1 test failure (ShippingQuoteTest)"),
        CaStatus::Aborted => json!(format!("Build aborted by {CA_USER_NAME}")),
        _ => Value::Null,
    };
    json!({
        "id": format!("1af0{:04x}-0000-4000-8000-{:012x}", job.idx, b.build_no & 0xffff_ffff_ffff),
        "build_project_id": ca_build_project_id(job),
        "build_record_id": b.record_id(),
        "parent_record_id": null,
        "devcloud_project_id": job.project,
        "codeci_job_id": job.id,
        "user_id": CA_USER_ID,
        "build_no": b.build_no,
        "daily_build_num": b.daily_build_number(),
        "execution_id": b.execution_id(),
        "repo_name": job.repo_name,
        "repo_id": format!("21116168{:02}", job.idx),
        "branch": b.branch(),
        "tag": null,
        "commit": b.commit(),
        "commit_message": "Merge branch 'feature/sim' into 'master'",
        "commit_create_time": timefmt::v1(b.t0 - 600_000),
        "trigger_type": "MANUAL",
        "build_type": "branch",
        "status": r.status.name(),
        "domain_id": CA_DOMAIN_ID,
        "create_time": timefmt::v1(r.create),
        "schedule_time": timefmt::v1(r.create),
        "queued_time": t(r.queued),
        "start_time": t(r.start),
        "runnable_time": t(r.start),
        "finish_time": t(r.finish),
        "duration": r.duration,
        "record_status": null,
        "use_private_slave": 0,
        "region": CA_REGION,
        "err_msg": err_msg,
        "build_config_type": "YAML",
    })
}

/// `GET /v3/jobs/{job_id}/{build_no}/record-info` (deprecated) and
/// `GET /v1/record/{job_id}/{build_no}/record-info`.
pub fn record_info(ctx: &Ctx, job_id: &str, build_no: &str, v1: bool, now: i64) -> Reply {
    let build_no = match int_seg(F, build_no, "build_no") {
        Ok(n) => n,
        Err(r) => return r,
    };
    if seed::is_record_info_seed(job_id, build_no) {
        return if v1 {
            Reply::raw(200, seed::record_info_v1())
        } else {
            Reply::raw(200, seed::RECORD_INFO_V3)
        };
    }
    let Some(b) = find_build(ctx, job_id, build_no) else {
        return not_found(F);
    };
    let plan = ca_plan(&b, ctx.cfg.stage_ms);
    let result = record_info_result(&b, &plan, now);
    if v1 {
        v1_ok(result)
    } else {
        Reply::json(
            200,
            &json!({"success": true, "message": null, "err_code": null, "result": result}),
        )
    }
}

fn history_result(status: CaStatus) -> Value {
    match status {
        CaStatus::Success => json!("SUCCESS"),
        CaStatus::Failed => json!("FAILURE"),
        CaStatus::Aborted => json!("ABORTED"),
        _ => Value::Null,
    }
}

/// `GET /v3/jobs/{job_id}/history?offset=&limit=&interval=`
pub fn history(ctx: &Ctx, req: &Req, job_id: &str, now: i64) -> Reply {
    let offset = match int_param(req, "offset", None, 0, 2_147_483_647) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let limit = match int_param(req, "limit", Some(10), 1, 100) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let interval = match int_param(req, "interval", Some(7), 1, 30) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let Some(job) = ca_job(job_id) else {
        return not_found(F);
    };
    let since = now - interval * 86_400_000;
    let mut builds: Vec<CaBuild> = ctx
        .lock()
        .ca_builds_of(job)
        .into_iter()
        .filter(|b| b.t0 >= since)
        .collect();
    builds.sort_by_key(|b| std::cmp::Reverse(b.build_no));
    let total = builds.len();
    let records: Vec<Value> = builds
        .iter()
        .skip((offset.saturating_mul(limit)) as usize)
        .take(limit as usize)
        .map(|b| {
            let plan = ca_plan(b, ctx.cfg.stage_ms);
            let v = plan.record.at(now);
            json!({
                "record_id": b.record_id(),
                "job_id": b.job().id,
                "build_number": b.build_no,
                "start_time": v.start.map(timefmt::v3_history),
                "end_time": v.finish.map(timefmt::v3_history),
                "result": history_result(v.status),
            })
        })
        .collect();
    Reply::json(200, &json!({"history_records": records, "total": total}))
}

fn last_build(ctx: &Ctx, job: usize) -> Option<CaBuild> {
    ctx.lock()
        .ca_builds_of(job)
        .into_iter()
        .max_by_key(|b| b.build_no)
}

/// `GET /v1/job/{job_id}/running-status`
pub fn running_status(ctx: &Ctx, job_id: &str, now: i64) -> Reply {
    let Some(job) = ca_job(job_id) else {
        return not_found(F);
    };
    let Some(b) = last_build(ctx, job) else {
        return not_found(F);
    };
    let status = ca_plan(&b, ctx.cfg.stage_ms).record.at(now).status;
    let last_status = match status {
        CaStatus::Init | CaStatus::Pending => "InQueue",
        CaStatus::Running => "Running",
        _ => "Finished",
    };
    v1_ok(json!({
        "last_job_id": job_id,
        "last_build_no": b.build_no.to_string(),
        "last_build_status": last_status,
        "is_running": !status.finished(),
    }))
}

/// `GET /v3/jobs/{job_id}/status` (ShowJobStatus): `{"result": running}`.
pub fn job_status(ctx: &Ctx, job_id: &str, now: i64) -> Reply {
    let Some(job) = ca_job(job_id) else {
        return not_found(F);
    };
    let running = ctx.lock().ca_builds_of(job).iter().any(|b| {
        !ca_plan(b, ctx.cfg.stage_ms)
            .record
            .at(now)
            .status
            .finished()
    });
    Reply::json(200, &json!({ "result": running }))
}

fn colour(status: CaStatus) -> &'static str {
    match status {
        CaStatus::Success => "blue",
        CaStatus::Failed => "red",
        CaStatus::Aborted => "aborted",
        _ => "notbuilt",
    }
}

/// `GET /v3/{project_id}/jobs?page_index=&page_size=`
pub fn job_list(ctx: &Ctx, req: &Req, project_id: &str, now: i64) -> Reply {
    let page_index = match int_param(req, "page_index", Some(0), 0, 2_147_483_647) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let page_size = match int_param(req, "page_size", Some(10), 1, 100) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let in_project: Vec<usize> = (0..CA_JOBS.len())
        .filter(|&j| CA_JOBS[j].project == project_id)
        .collect();
    if in_project.is_empty() {
        return not_found(F);
    }
    let s = ctx.cfg.stage_ms;
    let all: Vec<(usize, Vec<CaBuild>)> = {
        let st = ctx.lock();
        in_project
            .iter()
            .map(|&j| (j, st.ca_builds_of(j)))
            .collect()
    };
    let jobs: Vec<Value> = all
        .iter()
        .skip((page_index.saturating_mul(page_size)) as usize)
        .take(page_size as usize)
        .map(|&(j, ref builds)| {
            let job = &CA_JOBS[j];
            let mut builds = builds.clone();
            builds.sort_by_key(|b| b.build_no);
            let statuses: Vec<CaStatus> = builds
                .iter()
                .map(|b| ca_plan(b, s).record.at(now).status)
                .collect();
            let last = builds.last();
            let last_status = statuses.last().copied().unwrap_or(CaStatus::Init);
            let last_finished = statuses.iter().rev().find(|st| st.finished()).copied();
            // Jenkins-style health: share of successes among the last 5 finished builds.
            let recent: Vec<CaStatus> = statuses
                .iter()
                .rev()
                .filter(|st| st.finished())
                .take(5)
                .copied()
                .collect();
            let health = if recent.is_empty() {
                100
            } else {
                recent.iter().filter(|&&st| st == CaStatus::Success).count() * 100 / recent.len()
            };
            let colour = if last_status.finished() {
                colour(last_status).to_string()
            } else {
                format!("{}_anime", colour(last_finished.unwrap_or(CaStatus::Init)))
            };
            json!({
                "id": job.id,
                "job_name": job.name,
                "job_creator": CA_USER_NAME,
                "user_name": CA_USER_NAME,
                "last_build_time": last.map(|b| b.t0),
                "health_score": health,
                "source_code": "codehub",
                "last_build_status": colour,
                "is_finished": last_status.finished(),
                "disabled": false,
                "favorite": false,
                "is_modify": true,
                "is_delete": true,
                "is_execute": true,
                "is_copy": true,
                "is_forbidden": true,
                "is_view": true,
            })
        })
        .collect();
    Reply::json(200, &json!({"total": in_project.len(), "jobs": jobs}))
}

/// Names RunJob refuses for a custom parameter (the docs' list). Written here apart from the
/// client's own check (`buildscope_core::huawei_control`) on purpose: the simulator is a
/// second reading of the docs, so a client that sends what the service refuses is caught.
const RESERVED_PARAMETERS: [&str; 6] = [
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "PATH",
    "BASH_ENV",
    "GIT_SSH_COMMAND",
    "path",
];

/// RunJob's `parameter`: `[{name, value}]`, names of letters, digits and `_` up to 128,
/// values up to 8192 characters. `scm.branch`, when given, is the branch built (as
/// `codeBranch`).
fn run_parameters(v: &Value) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    match v.get("parameter") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let name = item.get("name").and_then(Value::as_str);
                let value = item.get("value").and_then(Value::as_str);
                let (Some(name), Some(value)) = (name, value) else {
                    return Err("each parameter needs a string name and value".into());
                };
                let ok_name = !name.is_empty()
                    && name.len() <= 128
                    && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
                if !ok_name || RESERVED_PARAMETERS.contains(&name) {
                    return Err(format!("parameter name {name:?} is not allowed"));
                }
                if value.chars().count() > 8192 {
                    return Err(format!("parameter {name} is longer than 8192 characters"));
                }
                out.retain(|(n, _)| n != name);
                out.push((name.to_string(), value.to_string()));
            }
        }
        Some(_) => return Err("parameter must be an array".into()),
    }
    match v.get("scm").and_then(|s| s.get("branch")) {
        None | Some(Value::Null) => {}
        Some(Value::String(branch)) if !branch.is_empty() => {
            out.retain(|(n, _)| n != "codeBranch");
            out.push(("codeBranch".to_string(), branch.clone()));
        }
        Some(_) => return Err("scm.branch must be a non-empty string".into()),
    }
    Ok(out)
}

/// `POST /v3/jobs/build` with `{"job_id", "parameter"?, "scm"?}` (RunJob).
pub fn run_job(ctx: &Ctx, req: &Req, now: i64) -> Reply {
    let v: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(_) => return bad_param(F, "request body must be JSON"),
    };
    let Some(job_id) = v.get("job_id").and_then(Value::as_str) else {
        return bad_param(F, "job_id is required");
    };
    let Some(job) = ca_job(job_id) else {
        return error(400, "CB.00060201", "job id invalid");
    };
    let params = match run_parameters(&v) {
        Ok(p) => p,
        Err(msg) => return bad_param(F, &msg),
    };
    let b = ctx.lock().start_ca(job, now, params);
    Reply::json(
        200,
        &json!({
            "octopus_job_name": b.execution_id(),
            "actual_build_number": b.build_no.to_string(),
            "daily_build_number": b.daily_build_number(),
        }),
    )
}

/// `POST /v3/jobs/{job_id}/{build_no}/stop` (StopBuildJob): `{"success": true, "result": ""}`
/// for a build that was still running; a finished one is not stopped (`success: false`).
pub fn stop_build(ctx: &Ctx, job_id: &str, build_no: &str, now: i64) -> Reply {
    let Some(job) = ca_job(job_id) else {
        return error(400, "CB.00060201", "job id invalid");
    };
    let no = match int_seg(F, build_no, "build_no") {
        Ok(n) => n,
        Err(r) => return r,
    };
    let stage_ms = ctx.cfg.stage_ms;
    let mut st = ctx.lock();
    let Some(b) = st.ca.iter_mut().find(|b| b.job == job && b.build_no == no) else {
        return not_found(F);
    };
    if ca_plan(b, stage_ms).record.at(now).status.finished() {
        return Reply::json(
            200,
            &json!({"success": false, "result": "the build has already finished"}),
        );
    }
    b.stopped_at = Some(now);
    Reply::json(200, &json!({"success": true, "result": ""}))
}
