//! Huawei ServiceStage build ("assembling") models and decoders (pure, no DOM).
//!
//! These are ServiceStage's historical Build APIs (`/assembling/v1/...`), documented only in the
//! API reference and absent from every SDK. Bodies are bare objects (`{"list": [...], "total": n}`),
//! times are Go `time.String()` output, and ids drift between strings and numbers, so decoding
//! goes through the tolerant `json` layer and `timeparse`. Error bodies (`SVCSTG.CPE.*` codes, in
//! `{errorCode, errorMessage, detail}` or `{error_code, error_msg}`) go through the shared Huawei
//! parser in [`crate::huawei`]; a 200 body carrying `errorCode`/`error_code` instead of data is
//! refused like a CodeArts failure envelope.

use crate::huawei::root;
use crate::json::{self, DecodeError, Obj};
use crate::status::Status;
use crate::timeparse::{parse_time, time_field};

/// The six build phases, in the order a build runs them.
pub(crate) const PHASE_ORDER: [&str; 6] = [
    "Init",
    "Download",
    "PreProcess",
    "Build",
    "Artifact",
    "PostProcess",
];

/// A build job (`/assembling/v1/jobs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobList {
    pub total: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    pub jobs: Vec<Job>,
}

/// One run of a job, as listed by `/assembling/v1/jobs/{job_id}/builds`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSummary {
    pub id: String,
    /// `build_state` as sent (`Successful`, `Failed`, `Cancel`, `Timeout`, ...).
    pub state: String,
    pub status: Status,
    pub duration_secs: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildList {
    pub total: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    /// Counters the server keeps over all of the job's builds.
    pub finished: Option<i64>,
    pub successful: Option<i64>,
    /// In the server's order.
    pub builds: Vec<BuildSummary>,
}

/// `/assembling/v1/builds/{build_id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    pub id: String,
    pub job_id: Option<String>,
    pub job_name: Option<String>,
    pub enterprise_project_id: Option<String>,
    /// The build's number within its job; documented as a string, sent as a number.
    pub index: Option<String>,
    pub started_at: Option<f64>,
    pub ended_at: Option<f64>,
    pub state: String,
    pub status: Status,
    /// `DevCloud`, `Gitee`, `GitHub`, `GitLab` or `Bitbucket`.
    pub repo_type: Option<String>,
    pub repo: Option<String>,
    pub branch: Option<String>,
    pub commit_id: Option<String>,
    pub committer: Option<String>,
    /// As sent: its format is not documented, so it is kept as text and parsed leniently into
    /// `commit_at` instead of failing the whole build on it.
    pub commit_time: Option<String>,
    pub commit_at: Option<f64>,
    pub commit_comment: Option<String>,
    pub language: Option<String>,
    /// `user` or `system`.
    pub kind: Option<String>,
    pub creator: Option<String>,
}

/// A phase of a build (`/assembling/v1/builds/{build_id}/phases`).
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// Documented as a string, sent as a number; kept as text.
    pub id: String,
    pub name: String,
    pub state: String,
    pub status: Status,
}

/// A phase and its state from the build log's comma-separated `phases`/`phase_states`.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseState {
    pub name: String,
    /// Empty when the server listed fewer states than phases (taken as not started).
    pub state: String,
    pub status: Status,
}

/// A window of `/assembling/v1/builds/{build_id}/logs?from=`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildLog {
    pub text: String,
    /// End offset of this window: pass it as `from` on the next request.
    pub next: Option<i64>,
    pub phases: Vec<PhaseState>,
}

impl BuildSummary {
    pub fn system_label(&self) -> String {
        system_label(&self.state)
    }
}

impl Build {
    pub fn system_label(&self) -> String {
        system_label(&self.state)
    }
}

impl Phase {
    pub fn system_label(&self) -> String {
        system_label(&self.state)
    }
}

impl PhaseState {
    pub fn system_label(&self) -> String {
        system_label(&self.state)
    }
}

/// The shared status for a ServiceStage build or phase state.
///
/// Two states share a badge (`Building` and `Pushing` are both Running); [`system_label`] keeps
/// all nine apart for display.
pub fn status(state: &str) -> Status {
    match state.trim().to_ascii_lowercase().as_str() {
        "notstarted" => Status::Pending,
        "queuing" => Status::Queued,
        "building" | "pushing" => Status::Running,
        "successful" => Status::Success,
        "failed" => Status::Failure,
        "timeout" => Status::Timeout,
        "cancel" => Status::Cancelled,
        "deleted" => Status::Deleted,
        "" => Status::Unknown("no state".to_string()),
        _ => Status::Unknown(state.trim().to_string()),
    }
}

/// ServiceStage's own word for a state (`Pushing`, `Cancel`, ...), shown beside the badge.
pub fn system_label(state: &str) -> String {
    match state.trim() {
        "" => "no state".to_string(),
        s => s.to_string(),
    }
}

fn job(o: Obj<'_>) -> Result<Job, DecodeError> {
    Ok(Job {
        id: o.str("job_id")?,
        name: o.opt_str("job_name")?.unwrap_or_default(),
    })
}

/// `/assembling/v1/jobs?page=&per_page=&job_name=`.
pub fn decode_jobs(body: &str) -> Result<JobList, DecodeError> {
    const WHAT: &str = "ServiceStage jobs";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    require_list(&o)?;
    Ok(JobList {
        total: o.opt_i64("total")?,
        page: o.opt_i64("page")?,
        per_page: o.opt_i64("per_page")?,
        jobs: o.each("list", job)?,
    })
}

/// A list body must at least have its `list` (or `total`): anything else is not this response.
fn require_list(o: &Obj<'_>) -> Result<(), DecodeError> {
    if o.get("list").is_none() && o.get("total").is_none() {
        return Err(DecodeError {
            what: o.what().to_string(),
            field: "list".to_string(),
            problem: "missing".to_string(),
        });
    }
    Ok(())
}

fn build_summary(o: Obj<'_>) -> Result<BuildSummary, DecodeError> {
    let state = o.opt_str("build_state")?.unwrap_or_default();
    Ok(BuildSummary {
        id: o.str("build_id")?,
        status: status(&state),
        state,
        duration_secs: o.opt_f64("duration")?,
    })
}

/// `/assembling/v1/jobs/{job_id}/builds?name=`.
pub fn decode_builds(body: &str) -> Result<BuildList, DecodeError> {
    const WHAT: &str = "ServiceStage builds";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    require_list(&o)?;
    Ok(BuildList {
        total: o.opt_i64("total")?,
        page: o.opt_i64("page")?,
        per_page: o.opt_i64("per_page")?,
        finished: o.opt_i64("finished")?,
        successful: o.opt_i64("successful")?,
        builds: o.each("list", build_summary)?,
    })
}

impl BuildList {
    /// The build listed after `id`: the one before it, as the list runs newest first. `None`
    /// when `id` is the oldest listed (or not listed at all).
    pub fn previous(&self, id: &str) -> Option<&BuildSummary> {
        let at = self.builds.iter().position(|b| b.id == id)?;
        self.builds.get(at + 1)
    }
}

/// `/assembling/v1/builds/{build_id}`.
pub fn decode_build(body: &str) -> Result<Build, DecodeError> {
    const WHAT: &str = "ServiceStage build";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    let state = o.opt_str("build_state")?.unwrap_or_default();
    let commit_time = o.opt_str("commit_time")?.filter(|t| !t.trim().is_empty());
    Ok(Build {
        id: o.str("build_id")?,
        job_id: o.opt_str("job_id")?,
        job_name: o.opt_str("job_name")?,
        enterprise_project_id: o.opt_str("enterprise_project_id")?,
        index: o.opt_str("index")?,
        started_at: time_field(&o, "started_at")?,
        ended_at: time_field(&o, "ended_at")?,
        status: status(&state),
        state,
        repo_type: o.opt_str("repo_type")?,
        repo: o.opt_str("repo")?,
        branch: o.opt_str("branch")?,
        commit_id: o.opt_str("commit_id")?,
        committer: o.opt_str("committer")?,
        commit_at: o.get("commit_time").and_then(parse_time),
        commit_time,
        commit_comment: o.opt_str("commit_comment")?,
        language: o.opt_str("language")?,
        kind: o.opt_str("type")?,
        creator: o.opt_str("creator")?,
    })
}

/// Where a phase name sits in [`PHASE_ORDER`]; unknown names go after the known six.
fn phase_rank(name: &str) -> usize {
    PHASE_ORDER
        .iter()
        .position(|p| p.eq_ignore_ascii_case(name.trim()))
        .unwrap_or(PHASE_ORDER.len())
}

/// `/assembling/v1/builds/{build_id}/phases`: phases in the order a build runs them (unknown
/// phases after, in the server's order).
pub fn decode_phases(body: &str) -> Result<Vec<Phase>, DecodeError> {
    const WHAT: &str = "ServiceStage build phases";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    require_list(&o)?;
    let mut phases = o.each("list", |p| {
        let state = p.opt_str("state")?.unwrap_or_default();
        Ok(Phase {
            id: p.opt_str("id")?.unwrap_or_default(),
            name: p.opt_str("name")?.unwrap_or_default(),
            status: status(&state),
            state,
        })
    })?;
    phases.sort_by_key(|p| phase_rank(&p.name));
    Ok(phases)
}

/// Comma-separated items, trimmed, without the empty one a trailing comma leaves.
fn items(s: &str) -> Vec<String> {
    s.split(',')
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

/// `/assembling/v1/builds/{build_id}/logs?from=`.
///
/// `phases` and `phase_states` are parallel comma-separated lists. Phases beyond the last state
/// have not started (status Pending, empty state); states beyond the last phase name nothing and
/// are dropped.
///
/// Lenient beyond `buildlog`: a `next` of an odd type or below zero reads as absent, and the
/// phase lists are also read when sent as JSON lists.
pub fn decode_build_log(body: &str) -> Result<BuildLog, DecodeError> {
    const WHAT: &str = "ServiceStage build log";
    let v = json::parse(WHAT, body)?;
    let o = root(WHAT, &v)?;
    let names = list_items(&o, "phases");
    let states = list_items(&o, "phase_states");
    let phases = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let state = states.get(i).cloned().unwrap_or_default();
            PhaseState {
                status: if state.is_empty() {
                    Status::Pending
                } else {
                    status(&state)
                },
                name,
                state,
            }
        })
        .collect();
    Ok(BuildLog {
        text: o.opt_str("buildlog")?.unwrap_or_default(),
        next: o.get("next").and_then(json::as_i64).filter(|n| *n >= 0),
        phases,
    })
}

/// A comma-separated string, or a JSON list of words; anything else is empty.
fn list_items(o: &Obj<'_>, field: &str) -> Vec<String> {
    match o.get(field) {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::trim).filter(|i| !i.is_empty()))
            .map(str::to_string)
            .collect(),
        _ => items(&o.opt_str(field).ok().flatten().unwrap_or_default()),
    }
}

/// `builds/{build_id}/logs?from=` (relative to `assembling/v1/`, like the other paths): the
/// log from offset `from` on; the server picks how much.
pub fn build_log_path(build_id: &str, from: u64) -> String {
    format!(
        "builds/{}/logs?from={from}",
        crate::links::percent_encode(build_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testdata::huawei as fixture;

    #[test]
    fn phases_example_in_canonical_order() {
        let phases = decode_phases(&fixture("servicestage-phases")).unwrap();
        let names: Vec<_> = phases.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, PHASE_ORDER);
        let ids: Vec<_> = phases.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["1627984", "1627985", "1627986", "1627987", "1627988", "1627989"]
        );
        for p in &phases {
            assert_eq!(p.status, Status::Success);
            assert_eq!(p.system_label(), "Successful");
        }
    }

    #[test]
    fn shuffled_phases_with_string_ids_and_unknowns() {
        let phases = decode_phases(&fixture("servicestage-phases-odd")).unwrap();
        let names: Vec<_> = phases.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Init",
                "Download",
                "PreProcess",
                "Build",
                "Artifact",
                "PostProcess",
                "Scan"
            ]
        );
        assert_eq!(phases[0].id, "1627984");
        assert_eq!(phases[4].status, Status::Running);
        assert_eq!(phases[4].system_label(), "Pushing");
        assert_eq!(phases[3].status, Status::Running);
        assert_eq!(phases[3].system_label(), "Building");
        assert_eq!(phases[5].status, Status::Pending);
        assert_eq!(phases[6].status, Status::Unknown("Paused".into()));
    }

    #[test]
    fn jobs_and_builds() {
        let jobs = decode_jobs(&fixture("servicestage-jobs")).unwrap();
        assert_eq!(
            (jobs.total, jobs.page, jobs.per_page),
            (Some(2), Some(1), Some(10))
        );
        assert_eq!(jobs.jobs[1].name, "weather-api");
        assert_eq!(jobs.jobs[0].id, "3c6f1a2e-8b7d-4e5f-9a0b-1c2d3e4f5a6b");

        let builds = decode_builds(&fixture("servicestage-builds")).unwrap();
        assert_eq!((builds.finished, builds.successful), (Some(4), Some(1)));
        let statuses: Vec<_> = builds.builds.iter().map(|b| b.status.clone()).collect();
        assert_eq!(
            statuses,
            [
                Status::Success,
                Status::Failure,
                Status::Cancelled,
                Status::Timeout
            ]
        );
        assert_eq!(builds.builds[2].system_label(), "Cancel");
        assert_eq!(builds.builds[0].duration_secs, Some(95.0));
        assert_eq!(builds.builds[3].duration_secs, Some(3600.0));
    }

    #[test]
    fn build_detail_with_go_times() {
        let b = decode_build(&fixture("servicestage-build-detail")).unwrap();
        assert_eq!(b.id, "0b4c7f1e-1111-4a2b-8c3d-000000000004");
        assert_eq!(b.index.as_deref(), Some("12"));
        assert_eq!(b.started_at, Some(1_750_767_030.0)); // 2025-06-24 12:10:30 +0000 UTC
        assert_eq!(b.ended_at, Some(1_750_767_125.0));
        assert_eq!(b.status, Status::Success);
        assert_eq!(b.repo_type.as_deref(), Some("GitHub"));
        assert_eq!(b.commit_at, Some(1_750_766_460.0));
        assert_eq!(b.kind.as_deref(), Some("user"));

        let r = decode_build(&fixture("servicestage-build-detail-running")).unwrap();
        assert_eq!(r.index.as_deref(), Some("13"));
        assert_eq!(r.started_at, Some(1_750_767_300.5)); // 20:15:00.5 +0800 CST
        assert_eq!(r.ended_at, None);
        assert_eq!(r.status, Status::Running);
        assert_eq!((r.commit_time.clone(), r.commit_at), (None, None));
    }

    #[test]
    fn build_log_pairs_phases_with_states() {
        let l = decode_build_log(&fixture("servicestage-build-log")).unwrap();
        assert_eq!(l.next, Some(2048));
        assert!(l.text.starts_with("[Init] preparing workspace\n"));
        let pairs: Vec<_> = l
            .phases
            .iter()
            .map(|p| (p.name.as_str(), p.state.as_str(), p.status.clone()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Init", "Successful", Status::Success),
                ("Download", "Successful", Status::Success),
                ("PreProcess", "Successful", Status::Success),
                ("Build", "Building", Status::Running),
                ("Artifact", "", Status::Pending),
                ("PostProcess", "", Status::Pending),
            ]
        );
        assert_eq!(l.phases[4].system_label(), "no state");

        let done = decode_build_log(&fixture("servicestage-build-log-done")).unwrap();
        assert_eq!(done.next, Some(4096));
        assert_eq!(done.phases.len(), 6);
        assert_eq!(done.phases[4].system_label(), "Pushing");
        assert_eq!(done.phases[5].status, Status::Pending);

        let odd = decode_build_log(
            r#"{"buildlog": null, "phases": "Init, Build,", "phase_states": "Failed,Cancel,Extra"}"#,
        )
        .unwrap();
        assert_eq!((odd.text.as_str(), odd.next), ("", None));
        let names: Vec<_> = odd.phases.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Init", "Build"]);
        assert_eq!(odd.phases[1].status, Status::Cancelled);

        // Odd types: `next` as text, negative or an object; the lists as JSON lists or numbers.
        let l = decode_build_log(r#"{"buildlog": "x\n", "next": "12", "phases": ["Init", 3, "Build"], "phase_states": 7}"#)
            .unwrap();
        assert_eq!(l.next, Some(12));
        let names: Vec<_> = l
            .phases
            .iter()
            .map(|p| (p.name.as_str(), p.status.clone()))
            .collect();
        assert_eq!(
            names,
            [
                ("Init", Status::Unknown("7".into())),
                ("Build", Status::Pending)
            ]
        );
        for next in ["-1", "{}", "\"soon\"", "1.5"] {
            let body = format!(r#"{{"buildlog": "", "next": {next}}}"#);
            assert_eq!(decode_build_log(&body).unwrap().next, None, "{next}");
        }
        assert!(decode_build_log(r#"{"buildlog": ["x"]}"#).is_err());
    }

    #[test]
    fn the_log_path_encodes_the_build_id() {
        assert_eq!(build_log_path("b-1", 0), "builds/b-1/logs?from=0");
        assert_eq!(
            build_log_path("a/../b?x", 4096),
            "builds/a%2F..%2Fb%3Fx/logs?from=4096"
        );
    }

    #[test]
    fn nine_states_stay_distinguishable() {
        let states = [
            ("NotStarted", Status::Pending),
            ("Queuing", Status::Queued),
            ("Building", Status::Running),
            ("Pushing", Status::Running),
            ("Successful", Status::Success),
            ("Failed", Status::Failure),
            ("Timeout", Status::Timeout),
            ("Cancel", Status::Cancelled),
            ("Deleted", Status::Deleted),
        ];
        let mut labels = Vec::new();
        for (state, want) in &states {
            assert_eq!(&status(state), want, "{state}");
            labels.push(system_label(state));
        }
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), 9);
        assert_eq!(status("successful"), Status::Success);
        assert_eq!(status("Exploded"), Status::Unknown("Exploded".into()));
        assert_eq!(status(""), Status::Unknown("no state".into()));
        assert_eq!(system_label(""), "no state");
    }

    #[test]
    fn errors_and_bad_bodies() {
        // An error body (its code is read by `huawei::parse_error`) in a 200 is refused, not
        // decoded as an empty list.
        let body = fixture("servicestage-error");
        let d = decode_phases(&body).unwrap_err();
        assert_eq!(d.field, "errorCode");
        assert!(d.to_string().contains("SVCSTG.CPE.5004401"), "{d}");

        let m = decode_build("{\"build_id\": ").unwrap_err();
        assert!(
            m.to_string()
                .starts_with("cannot read ServiceStage build: malformed JSON"),
            "{m}"
        );
        assert_eq!(decode_build("{}").unwrap_err().field, "build_id");
        assert_eq!(decode_phases("{}").unwrap_err().field, "list");
        assert_eq!(decode_builds(r#"{"list": {}}"#).unwrap_err().field, "list");
        assert_eq!(
            decode_builds(r#"{"list": [{"build_id": 7, "duration": "long"}]}"#)
                .unwrap_err()
                .field,
            "list[0].duration"
        );
        let bad_time = decode_build(r#"{"build_id": "b", "started_at": "someday"}"#).unwrap_err();
        assert_eq!(bad_time.field, "started_at");
        // An undocumented commit_time format never fails the build.
        let lenient = decode_build(r#"{"build_id": 5, "commit_time": "last week"}"#).unwrap();
        assert_eq!(lenient.id, "5");
        assert_eq!(lenient.commit_time.as_deref(), Some("last week"));
        assert_eq!(lenient.commit_at, None);
        assert_eq!(lenient.status, Status::Unknown("no state".into()));
    }

    #[test]
    fn the_previous_build_is_the_next_one_listed() {
        let list = decode_builds(&crate::testdata::huawei("servicestage-builds")).unwrap();
        assert!(list.builds.len() >= 2);
        let (first, second) = (&list.builds[0], &list.builds[1]);
        assert_eq!(list.previous(&first.id), Some(second));
        let last = list.builds.last().unwrap();
        assert_eq!(list.previous(&last.id), None);
        assert_eq!(list.previous("not-listed"), None);
    }
}
