//! The XSS corpus (`--xss-vectors FILE`, normally `harness/xss-vectors.json`, which the
//! Buildbot harness's `xss-corpus` builder uses too): a CodeArts project with one job, its
//! history and one build record with its stages and log, a ServiceStage job with one build,
//! its phases and log, and one failing record/build per system whose error message lists the
//! vectors. Every text field the dashboard shows carries a vector; the ids are fixed so the
//! browser tests can open the pages directly. Nothing here exists without the option.

use crate::codearts_log::{BuildLog, PartLog};
use crate::http::{error, Reply};
use crate::log::{Line, Log};
use crate::timefmt;
use serde_json::{json, Value};
use std::sync::Arc;

/// CodeArts project whose job list is the XSS job alone (the scenario project keeps its 3).
pub const CA_PROJECT: &str = "e55e0000e55e0000e55e0000e55e0000";
pub const CA_JOB: &str = "e55e0000e55e0000e55e0000e55e0001";
pub const CA_RECORD: &str = "e55e0000-0000-4000-8000-000000000001";
/// A record that answers 400 with the vectors as its error message.
pub const CA_ERROR_RECORD: &str = "e55e0000-0000-4000-8000-0000000000e4";
pub const SS_JOB: &str = "e55e0000e55e0000e55e0000e55e0000e55e0001";
pub const SS_BUILD: &str = "e55e0000e55e0000e55e0000e55e0000e55e0b01";
/// A build that answers 400 with the vectors as its error message.
pub const SS_ERROR_BUILD: &str = "e55e0000e55e0000e55e0000e55e0000e55e00e4";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corpus {
    vectors: Vec<String>,
    /// When it was loaded: its log's times count from here, so every request reads the
    /// same bytes.
    loaded_at: i64,
}

impl Corpus {
    /// The `vectors[].text` of a vectors file.
    pub fn parse(json_text: &str) -> Result<Corpus, String> {
        let v: Value = serde_json::from_str(json_text).map_err(|e| format!("not JSON: {e}"))?;
        let vectors: Vec<String> = v
            .get("vectors")
            .and_then(Value::as_array)
            .ok_or("no \"vectors\" list")?
            .iter()
            .map(|x| x.get("text").and_then(Value::as_str).map(String::from))
            .collect::<Option<_>>()
            .ok_or("every vector needs a \"text\" string")?;
        if vectors.is_empty() {
            return Err("the \"vectors\" list is empty".into());
        }
        Ok(Corpus {
            vectors,
            loaded_at: timefmt::now_ms(),
        })
    }

    pub fn load(path: &str) -> Result<Corpus, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        Corpus::parse(&text).map_err(|e| format!("{path}: {e}"))
    }

    /// Vector `i`, wrapping, so any number of fields can take one.
    fn v(&self, i: usize) -> &str {
        &self.vectors[i % self.vectors.len()]
    }

    /// Every vector, one per line: logs and error messages.
    fn all_lines(&self) -> String {
        self.vectors.iter().map(|v| format!("{v}\n")).collect()
    }

    /// The reply for `method segs` when it is one of the corpus's resources.
    /// `query` is the request's query (ServiceStage's log reads `from`).
    pub fn route(
        &self,
        method: &str,
        segs: &[&str],
        query: &[(String, String)],
        now: i64,
    ) -> Option<Reply> {
        if method != "GET" {
            return None;
        }
        Some(match segs {
            ["v3", CA_PROJECT, "jobs"] => self.ca_jobs(now),
            ["v3", "jobs", CA_JOB, "history"] => self.ca_history(now),
            ["v1", "record", CA_RECORD, "info"] => self.ca_record(now),
            ["v1", "record", CA_RECORD, "full-stages"] => self.ca_stages(now),
            ["v1", "record", CA_ERROR_RECORD, "info" | "full-stages"]
            | ["v1", "log", CA_ERROR_RECORD, "download-log"]
            | ["v3" | "v4", CA_ERROR_RECORD, "download-log" | "task-log"] => {
                error(400, "CB.00060200", &self.all_lines())
            }
            ["assembling", "v1", "jobs", SS_JOB, "builds"] => self.ss_builds(),
            ["assembling", "v1", "builds", SS_BUILD] => self.ss_detail(now),
            ["assembling", "v1", "builds", SS_BUILD, "phases"] => self.ss_phases(),
            ["assembling", "v1", "builds", SS_BUILD, "logs"] => {
                // From `from` to the end, in one answer; `next` is the end, as documented.
                let all = self.all_lines();
                let from = query
                    .iter()
                    .find(|(k, _)| k == "from")
                    .and_then(|(_, v)| v.parse::<usize>().ok())
                    .unwrap_or(0)
                    .min(all.len());
                let rest = String::from_utf8_lossy(&all.as_bytes()[from..]).into_owned();
                Reply::json(
                    200,
                    &json!({"buildlog": rest, "next": all.len(),
                            "phase_states": "", "phases": ""}),
                )
            }
            ["assembling", "v1", "builds", SS_ERROR_BUILD, ..] => {
                error(400, "SVCSTG.CPE.5004400", &self.all_lines())
            }
            _ => return None,
        })
    }

    /// The CodeArts job's log (any build number, and [`CA_RECORD`]), served by every log
    /// endpoint: per vector, a plugin line with the vector as its stage tag and message, then
    /// the vector as a raw line. Vector `i` is the log of stage `i` and of its one step, as
    /// `full-stages` lists them.
    pub fn ca_build_log(&self) -> BuildLog {
        let start = self.loaded_at - 100_000;
        let mut lines = Vec::new();
        for (i, v) in self.vectors.iter().enumerate() {
            let at = start + i as i64 * 1000;
            let ts = timefmt::codearts_log(at);
            for text in [format!("{ts} [ERROR] [{v}:xss] : {v}"), v.clone()] {
                lines.push(Line {
                    at,
                    stage: Some(i),
                    text,
                });
            }
        }
        let log = Log::from_lines(lines);
        let stages = (0..self.vectors.len())
            .map(|i| {
                let lines = log.stage_lines(i);
                PartLog {
                    key: self.v(i).to_string(),
                    lines,
                    running: false,
                    steps: vec![PartLog {
                        key: format!("e55e57e9-0000-4000-8000-{i:012x}"),
                        lines,
                        running: false,
                        steps: Vec::new(),
                    }],
                }
            })
            .collect();
        BuildLog {
            log: Arc::new(log),
            running: false,
            stages,
            file_name: "xss-corpus.log".to_string(),
        }
    }

    fn ca_jobs(&self, now: i64) -> Reply {
        Reply::json(
            200,
            &json!({"total": 1, "jobs": [{
                "id": CA_JOB, "job_name": self.v(0), "job_creator": self.v(1),
                "user_name": self.v(2), "last_build_time": now - 60_000, "health_score": 0,
                "source_code": self.v(3), "last_build_status": "red", "is_finished": true,
                "disabled": false,
            }]}),
        )
    }

    /// One record per vector: branch, commit and result text are the vector; the first
    /// links to [`CA_RECORD`], the others use the vector as their record id.
    fn ca_history(&self, now: i64) -> Reply {
        let records: Vec<Value> = (0..self.vectors.len())
            .map(|i| {
                let start = now - (i as i64 + 2) * 3_600_000;
                json!({
                    "record_id": if i == 0 { CA_RECORD } else { self.v(i) },
                    "job_id": CA_JOB,
                    "build_number": i + 1,
                    "start_time": timefmt::v3_history(start),
                    "end_time": timefmt::v3_history(start + 60_000),
                    "result": self.v(i),
                    "branch": self.v(i),
                    "commit_id": self.v(i),
                    "commit_message": self.v(i),
                    "executor": self.v(i),
                    "trigger_type": self.v(i),
                })
            })
            .collect();
        Reply::json(
            200,
            &json!({"history_records": records, "total": records.len()}),
        )
    }

    fn ca_record(&self, now: i64) -> Reply {
        let t = |ms: i64| timefmt::v1(ms);
        v1_ok(json!({
            "id": CA_RECORD, "status": "FAILED", "status_code": 6,
            "create_time": t(now - 120_000), "schedule_time": t(now - 120_000),
            "queued_time": t(now - 110_000), "start_time": t(now - 100_000),
            "finish_time": t(now - 10_000),
            "duration": 110_000, "build_duration": 90_000, "pending_duration": 10_000,
            "project_id": CA_PROJECT,
            "display_name": self.v(0), "trigger_name": self.v(1),
            "repository": self.v(2), "branch": self.v(3), "revision": self.v(4),
            "group_name": self.v(5), "execution_id": self.v(6),
            "parameters": [{"name": self.v(7), "secret": false, "value": self.v(8), "type": "string"}],
            "build_yml_path": self.v(9), "build_yml_url": self.v(4),
            "daily_build_number": self.v(10),
            "trigger_type": self.v(11), "scm_type": self.v(12), "scm_web_url": self.v(4),
            "user_id": self.v(13), "build_no": "1", "dev_cloud_build_type": self.v(14),
        }))
    }

    /// One stage per vector, in vector order, each with one step named after it.
    fn ca_stages(&self, now: i64) -> Reply {
        let stages: Vec<Value> = (0..self.vectors.len())
            .map(|i| {
                json!({
                    "id": format!("e55e57a9-0000-4000-8000-{i:012x}"),
                    "name": self.v(i), "display_name": self.v(i), "sequence": i,
                    "status": "SUCCESS", "status_code": 5,
                    "start_time": timefmt::v1(now - 100_000),
                    "finish_time": timefmt::v1(now - 10_000),
                    "duration": 90_000,
                    "steps": [{"id": format!("e55e57e9-0000-4000-8000-{i:012x}"),
                               "name": self.v(i), "display_name": self.v(i), "sequence": 0,
                               "status": "SUCCESS", "status_code": 5}],
                })
            })
            .collect();
        v1_ok(json!({ "build_stages": stages }))
    }

    fn ss_builds(&self) -> Reply {
        Reply::json(
            200,
            &json!({"total": 1, "page": 1, "per_page": 20, "finished": 1, "successful": 0,
                    "list": [{"build_id": SS_BUILD, "build_state": "failed", "duration": 90}]}),
        )
    }

    fn ss_detail(&self, now: i64) -> Reply {
        Reply::json(
            200,
            &json!({
                "build_id": SS_BUILD, "job_id": SS_JOB, "job_name": self.v(0),
                "enterprise_project_id": self.v(1), "index": 1,
                "started_at": timefmt::go_string(now - 100_000),
                "ended_at": timefmt::go_string(now - 10_000),
                "build_state": "failed", "repo_type": self.v(2), "repo": self.v(3),
                "branch": self.v(4), "commit_id": self.v(5), "committer": self.v(6),
                "commit_time": timefmt::go_string(now - 900_000),
                "commit_comment": self.v(7), "language": self.v(8), "type": self.v(9),
                "creator": self.v(10),
            }),
        )
    }

    /// One phase per vector.
    fn ss_phases(&self) -> Reply {
        let list: Vec<Value> = (0..self.vectors.len())
            .map(|i| json!({"id": i + 1, "name": self.v(i), "state": "succeeded"}))
            .collect();
        Reply::json(200, &json!({"total": list.len(), "list": list}))
    }
}

fn v1_ok(result: Value) -> Reply {
    Reply::json(
        200,
        &json!({"status": "success", "error": null, "result": result}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Corpus {
        Corpus::parse(include_str!("../../harness/xss-vectors.json")).expect("vectors file")
    }

    #[test]
    fn every_resource_answers_json_carrying_vectors() {
        let c = corpus();
        for path in [
            format!("v3/{CA_PROJECT}/jobs"),
            format!("v3/jobs/{CA_JOB}/history"),
            format!("v1/record/{CA_RECORD}/info"),
            format!("v1/record/{CA_RECORD}/full-stages"),
            format!("v1/record/{CA_ERROR_RECORD}/info"),
            format!("assembling/v1/jobs/{SS_JOB}/builds"),
            format!("assembling/v1/builds/{SS_BUILD}"),
            format!("assembling/v1/builds/{SS_BUILD}/phases"),
            format!("assembling/v1/builds/{SS_BUILD}/logs"),
            format!("assembling/v1/builds/{SS_ERROR_BUILD}"),
        ] {
            let segs: Vec<&str> = path.split('/').collect();
            let r = c.route("GET", &segs, &[], 1_800_000_000_000).expect(&path);
            let v: Value = serde_json::from_str(&r.body).expect(&path);
            // Every vector runs alert(N) when executed.
            if !path.ends_with("/builds") {
                assert!(v.to_string().contains("alert("), "{path}");
            }
        }
        assert!(c
            .route("GET", &["v3", "jobs", "other", "history"], &[], 0)
            .is_none());
        assert!(c
            .route("POST", &["v3", CA_PROJECT, "jobs"], &[], 0)
            .is_none());
    }

    #[test]
    fn the_servicestage_log_is_read_on_from_where_next_said() {
        let c = corpus();
        let read = |from: &str| {
            let q = [("from".to_string(), from.to_string())];
            let r = c
                .route(
                    "GET",
                    &["assembling", "v1", "builds", SS_BUILD, "logs"],
                    &q,
                    0,
                )
                .unwrap();
            let v: Value = serde_json::from_str(&r.body).unwrap();
            (
                v["buildlog"].as_str().unwrap().to_string(),
                v["next"].as_u64().unwrap(),
            )
        };
        let (all, next) = read("0");
        assert_eq!((all.clone(), next), (c.all_lines(), all.len() as u64));
        assert_eq!(
            read(&next.to_string()),
            (String::new(), next),
            "nothing new at the end"
        );
    }

    #[test]
    fn stages_and_phases_carry_every_vector_in_order() {
        let c = corpus();
        let r = c
            .route("GET", &["v1", "record", CA_RECORD, "full-stages"], &[], 0)
            .unwrap();
        let v: Value = serde_json::from_str(&r.body).unwrap();
        let names: Vec<&str> = v["result"]["build_stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["display_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            c.vectors.iter().map(String::as_str).collect::<Vec<_>>()
        );
        let r = c
            .route(
                "GET",
                &["assembling", "v1", "builds", SS_BUILD, "phases"],
                &[],
                0,
            )
            .unwrap();
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["list"].as_array().unwrap().len(), c.vectors.len());
    }

    #[test]
    fn bad_vector_files_are_refused() {
        for bad in [
            "",
            "[]",
            r#"{"vectors": []}"#,
            r#"{"vectors": [{"id": 1}]}"#,
        ] {
            assert!(Corpus::parse(bad).is_err(), "{bad}");
        }
    }
}
