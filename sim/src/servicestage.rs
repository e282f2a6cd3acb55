//! ServiceStage historical build APIs under `/assembling/v1`.

use crate::http::{bad_param, int_param, not_found, Family, Reply, Req};
use crate::log::{content, read};
use crate::model::{ss_job, ss_plan, SsBuild, SsPlan, SsState, SS_JOBS, SS_PHASES};
use crate::seed;
use crate::state::Ctx;
use crate::timefmt;
use serde_json::{json, Value};

const F: Family = Family::ServiceStage;

/// Most log bytes one `logs?from=` answer carries. Small, so that a client meets chunk
/// boundaries: the first always cuts a character of the log's banner in two
/// ([`crate::log::content::SS_BANNER`]).
pub const LOG_CHUNK: u64 = 250;

fn find(ctx: &Ctx, build_id: &str) -> Option<SsBuild> {
    ctx.lock()
        .ss
        .iter()
        .find(|b| b.build_id() == build_id)
        .cloned()
}

fn duration_s(plan: &SsPlan, now: i64) -> i64 {
    let end = if plan.state(now).finished() {
        plan.ended_at
    } else {
        now
    };
    ((end - plan.t0).max(0)) / 1000
}

fn ended_at(plan: &SsPlan, now: i64) -> String {
    if plan.state(now).finished() {
        timefmt::go_string(plan.ended_at)
    } else {
        String::new()
    }
}

/// `GET /assembling/v1/jobs?page=&per_page=&job_name=`
pub fn jobs(req: &Req) -> Reply {
    let page = match int_param(req, "page", None, 1, 1_000_000) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let per_page = match int_param(req, "per_page", None, 1, 1000) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let filter = req.q("job_name").unwrap_or("");
    let matching: Vec<_> = SS_JOBS.iter().filter(|j| j.name.contains(filter)).collect();
    let list: Vec<Value> = matching
        .iter()
        .skip(((page - 1).saturating_mul(per_page)) as usize)
        .take(per_page as usize)
        .map(|j| json!({"job_id": j.id, "job_name": j.name}))
        .collect();
    Reply::json(
        200,
        &json!({"total": matching.len(), "page": page, "per_page": per_page, "list": list}),
    )
}

/// `GET /assembling/v1/jobs/{job_id}/builds?name={job_name}`
pub fn builds(ctx: &Ctx, req: &Req, job_id: &str, now: i64) -> Reply {
    let name = match req.q("name") {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => return bad_param(F, "name is required"),
    };
    let page = match int_param(req, "page", Some(1), 1, 1_000_000) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let per_page = match int_param(req, "per_page", Some(20), 1, 100) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let Some(job) = ss_job(job_id) else {
        return not_found(F);
    };
    if SS_JOBS[job].name != name {
        return not_found(F);
    }
    let mut builds = ctx.lock().ss_builds_of(job);
    builds.sort_by_key(|b| std::cmp::Reverse(b.index));
    let s = ctx.cfg.stage_ms;
    let states: Vec<(SsBuild, SsPlan)> = builds
        .into_iter()
        .map(|b| {
            let p = ss_plan(&b, s);
            (b, p)
        })
        .collect();
    let finished = states
        .iter()
        .filter(|(_, p)| p.state(now).finished())
        .count();
    let successful = states
        .iter()
        .filter(|(_, p)| p.state(now) == SsState::Successful)
        .count();
    let list: Vec<Value> = states
        .iter()
        .skip(((page - 1).saturating_mul(per_page)) as usize)
        .take(per_page as usize)
        .map(|(b, p)| {
            json!({
                "build_id": b.build_id(),
                "build_state": p.state(now).name(),
                "duration": duration_s(p, now),
            })
        })
        .collect();
    Reply::json(
        200,
        &json!({
            "total": states.len(),
            "page": page,
            "per_page": per_page,
            "finished": finished,
            "successful": successful,
            "list": list,
        }),
    )
}

/// `GET /assembling/v1/builds/{build_id}`
pub fn detail(ctx: &Ctx, build_id: &str, now: i64) -> Reply {
    let Some(b) = find(ctx, build_id) else {
        return not_found(F);
    };
    let p = ss_plan(&b, ctx.cfg.stage_ms);
    let job = b.job();
    Reply::json(
        200,
        &json!({
            "build_id": b.build_id(),
            "job_id": job.id,
            "job_name": job.name,
            "enterprise_project_id": "0",
            "index": b.index,
            "started_at": timefmt::go_string(b.t0),
            "ended_at": ended_at(&p, now),
            "build_state": p.state(now).name(),
            "repo_type": "DevCloud",
            "repo": format!("https://codehub.example.com/sim/{}.git", job.name),
            "branch": "master",
            "commit_id": b.commit(),
            "committer": "sim-user",
            "commit_time": timefmt::go_string(b.t0 - 900_000),
            "commit_comment": "Bump version for the simulator",
            "language": "Java",
            "type": "user",
            "creator": "sim-user",
        }),
    )
}

/// `GET /assembling/v1/builds/{build_id}/phases`
pub fn phases(ctx: &Ctx, build_id: &str, now: i64) -> Reply {
    if build_id == seed::SS_PHASES_BUILD_ID {
        return Reply::raw(200, seed::SS_PHASES);
    }
    let Some(b) = find(ctx, build_id) else {
        return not_found(F);
    };
    let p = ss_plan(&b, ctx.cfg.stage_ms);
    let list: Vec<Value> = SS_PHASES
        .iter()
        .enumerate()
        .map(|(k, name)| {
            json!({"id": b.phase_id(k), "name": name, "state": p.phase_state(k, now).name()})
        })
        .collect();
    Reply::json(200, &json!({"total": list.len(), "list": list}))
}

/// `GET /assembling/v1/builds/{build_id}/logs?from=N`
pub fn logs(ctx: &Ctx, req: &Req, build_id: &str, now: i64) -> Reply {
    let from = match int_param(req, "from", None, 0, i64::from(i32::MAX)) {
        Ok(n) => n as u64,
        Err(r) => return r,
    };
    let Some(b) = find(ctx, build_id) else {
        return not_found(F);
    };
    let p = ss_plan(&b, ctx.cfg.stage_ms);
    let log = content::servicestage(&b, &p);
    let (chunk, next) = read::servicestage(log.whole(), now, from, LOG_CHUNK);
    let states: Vec<&str> = (0..SS_PHASES.len())
        .map(|k| p.phase_state(k, now).name())
        .collect();
    Reply::json(
        200,
        &json!({
            "buildlog": chunk,
            "next": next,
            "phase_states": states.join(","),
            "phases": SS_PHASES.join(","),
        }),
    )
}

/// `POST /assembling/v1/jobs/{job_id}/builds`
pub fn start(ctx: &Ctx, job_id: &str, now: i64) -> Reply {
    let Some(job) = ss_job(job_id) else {
        return not_found(F);
    };
    let b = ctx.lock().start_ss(job, now);
    let p = ss_plan(&b, ctx.cfg.stage_ms);
    Reply::json(
        200,
        &json!({
            "build_id": b.build_id(),
            "job_id": b.job().id,
            "job_name": b.job().name,
            "index": b.index,
            "started_at": timefmt::go_string(b.t0),
            "ended_at": "",
            "duration": 0,
            "state": p.state(now).name(),
            "progress": p.progress(now),
            "commit_id": "",
            "committer": "",
        }),
    )
}
