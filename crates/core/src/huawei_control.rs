//! Control actions on the Huawei systems, and what their answers mean: CodeArts Build's RunJob
//! (`POST /v3/jobs/build` with custom parameters) and StopBuildJob (`POST
//! /v3/jobs/{job_id}/{build_no}/stop`), ServiceStage's start of a build (`POST
//! /assembling/v1/jobs/{job_id}/builds`). Shapes from notes/huawei-api-facts.md and the
//! API Explorer definitions: RunJob answers `{octopus_job_name, actual_build_number,
//! daily_build_number}` (numbers as strings), StopBuildJob `{success, result}` (a `success:
//! false` is refused by the shared envelope check before it gets here), the ServiceStage start
//! the new build (`build_id`, `index`, `state`, ...). The confirm-once flow is
//! `crate::control`, as for Buildbot.

use crate::codearts::BuildParameter;
use crate::json::{self, DecodeError, Obj};
use crate::links::percent_encode;
use serde_json::json;

/// An action on a CodeArts job or build, or a ServiceStage job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run a CodeArts job with custom parameters (`name`, `value`), checked by
    /// [`run_parameters`]; a parameter left out keeps the job's default.
    RunJob {
        job_id: String,
        parameters: Vec<(String, String)>,
    },
    /// Stop a running CodeArts build.
    StopBuild { job_id: String, build_no: i64 },
    /// Start a build of a ServiceStage job.
    StartBuild { job_id: String },
}

/// What an accepted action gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A CodeArts build was queued under this number (its record follows from record-info).
    Queued {
        build_no: i64,
        daily_build_number: Option<String>,
    },
    /// The stop was taken; the build's own status shows it end.
    Stopped,
    /// A ServiceStage build was started.
    Started { build_id: String },
}

impl Action {
    /// Where to POST, below the source's URL.
    pub fn path(&self) -> String {
        match self {
            Action::RunJob { .. } => "v3/jobs/build".to_string(),
            Action::StopBuild { job_id, build_no } => {
                format!("v3/jobs/{}/{build_no}/stop", percent_encode(job_id))
            }
            Action::StartBuild { job_id } => {
                format!("assembling/v1/jobs/{}/builds", percent_encode(job_id))
            }
        }
    }

    /// The request body (StopBuildJob and the ServiceStage start take none: `{}`).
    pub fn body(&self) -> String {
        match self {
            Action::RunJob { job_id, parameters } => {
                let mut body = json!({ "job_id": job_id });
                if !parameters.is_empty() {
                    body["parameter"] = parameters
                        .iter()
                        .map(|(name, value)| json!({ "name": name, "value": value }))
                        .collect();
                }
                body.to_string()
            }
            Action::StopBuild { .. } | Action::StartBuild { .. } => "{}".to_string(),
        }
    }

    /// The button's word.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::RunJob { .. } => "Run",
            Action::StopBuild { .. } => "Stop",
            Action::StartBuild { .. } => "Start build",
        }
    }

    /// Whether the action ends something (drawn as a danger button).
    pub fn destructive(&self) -> bool {
        matches!(self, Action::StopBuild { .. })
    }

    /// What the server's answer to this action means.
    pub fn decode_answer(&self, body: &str) -> Result<Answer, DecodeError> {
        let what = match self {
            Action::RunJob { .. } => "CodeArts RunJob answer",
            Action::StopBuild { .. } => "CodeArts StopBuildJob answer",
            Action::StartBuild { .. } => "ServiceStage build start answer",
        };
        let v = json::parse(what, body)?;
        let o = Obj::new(what, &v)?;
        match self {
            Action::RunJob { .. } => {
                let raw = o.str("actual_build_number")?;
                let build_no = raw
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n < 1e15)
                    .map(|n| n as i64)
                    .ok_or_else(|| DecodeError {
                        what: what.to_string(),
                        field: "actual_build_number".to_string(),
                        problem: format!("not a build number: {raw:?}"),
                    })?;
                Ok(Answer::Queued {
                    build_no,
                    daily_build_number: o.opt_str("daily_build_number")?,
                })
            }
            Action::StopBuild { .. } => Ok(Answer::Stopped),
            Action::StartBuild { .. } => Ok(Answer::Started {
                build_id: o.str("build_id")?,
            }),
        }
    }
}

/// One row of the run form: a parameter's name and value as typed, and whether the server
/// keeps it secret (its value is never shown, so the row starts empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParameterRow {
    pub name: String,
    pub value: String,
    pub secret: bool,
}

/// The run form's rows for a job, from the parameters of one of its builds: each with the
/// value that build ran with, secrets empty.
pub fn rows_from(parameters: &[BuildParameter]) -> Vec<ParameterRow> {
    parameters
        .iter()
        .filter(|p| !p.name.trim().is_empty())
        .map(|p| ParameterRow {
            name: p.name.clone(),
            value: if p.secret {
                String::new()
            } else {
                p.value.clone().unwrap_or_default()
            },
            secret: p.secret,
        })
        .collect()
}

/// Names RunJob refuses (the docs' list).
const RESERVED: [&str; 6] = [
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "PATH",
    "BASH_ENV",
    "GIT_SSH_COMMAND",
    "path",
];

/// A row the form cannot send, and why (shown at that row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

/// The parameters to send from the form's rows, checked as RunJob documents them: names of
/// letters, digits and `_`, at most 128, none of the reserved ones, each once; values at most
/// 8192 characters. A row with no name and no value is left out, and so is a secret left
/// empty (the job keeps its own value: the form never saw it).
pub fn run_parameters(rows: &[ParameterRow]) -> Result<Vec<(String, String)>, RowError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (row, r) in rows.iter().enumerate() {
        let name = r.name.trim();
        let fail = |message: String| Err(RowError { row, message });
        if name.is_empty() {
            if r.value.is_empty() {
                continue;
            }
            return fail("a value needs a name".to_string());
        }
        if r.secret && r.value.is_empty() {
            continue;
        }
        if name.len() > 128 || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            return fail(format!(
                "{name:?}: only letters, digits and _ (at most 128)"
            ));
        }
        if RESERVED.contains(&name) {
            return fail(format!("{name} is reserved by CodeArts"));
        }
        if out.iter().any(|(n, _)| n == name) {
            return fail(format!("{name} is given twice"));
        }
        if r.value.chars().count() > 8192 {
            return fail(format!("{name}: a value has at most 8192 characters"));
        }
        out.push((name.to_string(), r.value.clone()));
    }
    Ok(out)
}

/// The stop of build `build_no` of `job_id`, when the page knows a valid number.
pub fn stop_of(job_id: &str, build_no: Option<i64>) -> Option<Action> {
    Some(Action::StopBuild {
        job_id: job_id.to_string(),
        build_no: build_no.filter(|n| *n >= 1)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn row(name: &str, value: &str) -> ParameterRow {
        ParameterRow {
            name: name.into(),
            value: value.into(),
            secret: false,
        }
    }

    #[test]
    fn requests_have_the_documented_shapes() {
        let run = Action::RunJob {
            job_id: "a1b2".into(),
            parameters: vec![("codeBranch".into(), "main".into())],
        };
        assert_eq!(run.path(), "v3/jobs/build");
        let body: Value = serde_json::from_str(&run.body()).unwrap();
        assert_eq!(
            body,
            json!({"job_id": "a1b2", "parameter": [{"name": "codeBranch", "value": "main"}]})
        );
        let bare = Action::RunJob {
            job_id: "x".into(),
            parameters: vec![],
        };
        assert_eq!(bare.body(), r#"{"job_id":"x"}"#);
        let stop = stop_of("a/b", Some(7)).unwrap();
        assert_eq!(stop.path(), "v3/jobs/a%2Fb/7/stop");
        assert!(stop.destructive());
        assert_eq!(stop_of("a", None), None);
        assert_eq!(stop_of("a", Some(0)), None);
        let start = Action::StartBuild { job_id: "j".into() };
        assert_eq!(start.path(), "assembling/v1/jobs/j/builds");
    }

    #[test]
    fn answers_tolerate_numbers_as_text_and_name_bad_fields() {
        let run = Action::RunJob {
            job_id: "x".into(),
            parameters: vec![],
        };
        let a = run.decode_answer(r#"{"octopus_job_name":"j_O","actual_build_number":"20","daily_build_number":"20200612.20"}"#);
        assert_eq!(
            a.unwrap(),
            Answer::Queued {
                build_no: 20,
                daily_build_number: Some("20200612.20".into())
            }
        );
        assert_eq!(
            run.decode_answer(r#"{"actual_build_number":21}"#).unwrap(),
            Answer::Queued {
                build_no: 21,
                daily_build_number: None
            }
        );
        let e = run
            .decode_answer(r#"{"actual_build_number":"soon"}"#)
            .unwrap_err();
        assert_eq!(e.field, "actual_build_number");
        assert!(run.decode_answer("<html>").is_err());
        assert!(run.decode_answer("[]").is_err());
        let stop = stop_of("x", Some(1)).unwrap();
        assert_eq!(
            stop.decode_answer(r#"{"success":true,"result":""}"#),
            Ok(Answer::Stopped)
        );
        let start = Action::StartBuild { job_id: "j".into() };
        assert_eq!(
            start
                .decode_answer(r#"{"build_id":"b1","index":2,"state":"Building"}"#)
                .unwrap(),
            Answer::Started {
                build_id: "b1".into()
            }
        );
        assert_eq!(start.decode_answer("{}").unwrap_err().field, "build_id");
    }

    #[test]
    fn form_rows_are_checked_as_run_job_documents() {
        let ok = run_parameters(&[row("codeBranch", "dev"), row("", ""), row("N_2", "")]);
        assert_eq!(
            ok.unwrap(),
            vec![
                ("codeBranch".to_string(), "dev".to_string()),
                ("N_2".to_string(), String::new())
            ]
        );
        let secret_left_empty = ParameterRow {
            name: "deployToken".into(),
            value: String::new(),
            secret: true,
        };
        assert_eq!(run_parameters(&[secret_left_empty]).unwrap(), vec![]);
        for (rows, bad_row) in [
            (vec![row("a-b", "1")], 0),
            (vec![row("ok", "1"), row("PATH", "/x")], 1),
            (vec![row("", "orphan value")], 0),
            (vec![row("x", "1"), row("x", "2")], 1),
            (vec![row(&"n".repeat(129), "1")], 0),
            (vec![row("big", &"v".repeat(8193))], 0),
        ] {
            assert_eq!(run_parameters(&rows).unwrap_err().row, bad_row, "{rows:?}");
        }
    }

    #[test]
    fn rows_come_from_a_build_with_secrets_blank() {
        let params = vec![
            BuildParameter {
                name: "codeBranch".into(),
                value: Some("master".into()),
                secret: false,
                kind: Some("string".into()),
            },
            BuildParameter {
                name: "deployToken".into(),
                value: Some("******".into()),
                secret: true,
                kind: None,
            },
            BuildParameter {
                name: " ".into(),
                value: None,
                secret: false,
                kind: None,
            },
        ];
        let rows = rows_from(&params);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].value, "master");
        assert_eq!(rows[1].value, "");
        assert!(rows[1].secret);
    }
}
