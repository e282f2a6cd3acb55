//! Buildbot's control endpoints: JSON-RPC 2.0 bodies POSTed to a data API path
//! (`builds/{id}` with `rebuild` / `stop`, `buildrequests/{id}` with `cancel`), and what their
//! answers mean. Measured on 4.3 (notes/buildbot-api-facts.md): the body must be sent as
//! `application/json`; `rebuild` answers `[buildsetid, {"<builderid>": buildrequestid}]`
//! (builder ids are string keys), `stop` and `cancel` answer `null`, and an unknown method
//! also answers `null` with HTTP 200, so the method names here are the only guard.

use crate::json::{self, DecodeError};
use serde_json::{json, Map, Value};

/// An action on a build or a build request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run the build again with its properties and sourcestamps (a new build request).
    Rebuild { buildid: i64 },
    /// Stop a running build; Buildbot keeps the reason in the build's state string.
    Stop { buildid: i64, reason: String },
    /// Cancel build requests no worker took yet (one, or a builder's whole queue: one
    /// request each, see [`Action::calls`]).
    Cancel {
        buildrequestids: Vec<i64>,
        reason: String,
    },
    /// Pause, unpause or shut down (gracefully) a worker.
    Worker {
        workerid: i64,
        action: WorkerAction,
        reason: String,
    },
    /// Force a build through a force scheduler, with `force::force_params`.
    Force {
        scheduler: String,
        params: Map<String, Value>,
    },
}

/// What can be done to a worker (Buildbot's `kill`, which cuts running builds, is left to
/// Buildbot's own UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerAction {
    /// Take no new builds; the running ones go on.
    Pause,
    Unpause,
    /// Shut down once the running builds end (`stop`).
    Shutdown,
}

/// What an accepted action gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// New build requests, each `(builderid, buildrequestid)`, in one buildset.
    Requested {
        buildsetid: Option<i64>,
        requests: Vec<(i64, i64)>,
    },
    /// Accepted; the build's own updates show the effect.
    Accepted,
}

impl Action {
    /// What to send, in order: `(data API path under api/v2/, JSON-RPC body)`. One call per
    /// action, except a cancel of several requests (Buildbot cancels one per call).
    pub fn calls(&self) -> Vec<(String, String)> {
        match self {
            Action::Cancel {
                buildrequestids,
                reason,
            } => buildrequestids
                .iter()
                .map(|id| {
                    let one = Action::Cancel {
                        buildrequestids: vec![*id],
                        reason: reason.clone(),
                    };
                    (format!("buildrequests/{id}"), one.body())
                })
                .collect(),
            _ => vec![(self.path(), self.body())],
        }
    }

    /// The data API path of a single-call action.
    fn path(&self) -> String {
        match self {
            Action::Rebuild { buildid } | Action::Stop { buildid, .. } => {
                format!("builds/{buildid}")
            }
            Action::Cancel {
                buildrequestids, ..
            } => format!(
                "buildrequests/{}",
                buildrequestids.first().copied().unwrap_or_default()
            ),
            Action::Worker { workerid, .. } => format!("workers/{workerid}"),
            Action::Force { scheduler, .. } => {
                format!(
                    "forceschedulers/{}",
                    crate::links::percent_encode(scheduler)
                )
            }
        }
    }

    fn method(&self) -> &'static str {
        match self {
            Action::Rebuild { .. } => "rebuild",
            Action::Stop { .. } => "stop",
            Action::Cancel { .. } => "cancel",
            Action::Force { .. } => "force",
            Action::Worker { action, .. } => match action {
                WorkerAction::Pause => "pause",
                WorkerAction::Unpause => "unpause",
                WorkerAction::Shutdown => "stop",
            },
        }
    }

    /// The JSON-RPC request. An empty reason is left out so Buildbot stores its own default.
    fn body(&self) -> String {
        let params = match self {
            Action::Rebuild { .. } => json!({}),
            Action::Force { params, .. } => Value::Object(params.clone()),
            Action::Stop { reason, .. }
            | Action::Cancel { reason, .. }
            | Action::Worker { reason, .. } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    json!({})
                } else {
                    json!({ "reason": reason })
                }
            }
        };
        json!({ "jsonrpc": "2.0", "method": self.method(), "id": 1, "params": params }).to_string()
    }

    /// The button's word.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Rebuild { .. } => "Rebuild",
            Action::Stop { .. } => "Stop",
            Action::Cancel {
                buildrequestids, ..
            } if buildrequestids.len() > 1 => "Cancel all",
            Action::Cancel { .. } => "Cancel request",
            Action::Force { .. } => "Force",
            Action::Worker { action, .. } => match action {
                WorkerAction::Pause => "Pause",
                WorkerAction::Unpause => "Unpause",
                WorkerAction::Shutdown => "Shut down",
            },
        }
    }

    /// Whether the action asks for a reason (kept by Buildbot with the result).
    pub fn takes_reason(&self) -> bool {
        matches!(
            self,
            Action::Stop { .. }
                | Action::Cancel { .. }
                | Action::Worker {
                    action: WorkerAction::Pause | WorkerAction::Shutdown,
                    ..
                }
        )
    }

    /// A copy carrying `reason` (for the confirmation's reason field).
    pub fn with_reason(&self, text: &str) -> Action {
        match self {
            Action::Rebuild { .. } | Action::Force { .. } => self.clone(),
            Action::Stop { buildid, .. } => Action::Stop {
                buildid: *buildid,
                reason: text.to_string(),
            },
            Action::Cancel {
                buildrequestids, ..
            } => Action::Cancel {
                buildrequestids: buildrequestids.clone(),
                reason: text.to_string(),
            },
            Action::Worker {
                workerid, action, ..
            } => Action::Worker {
                workerid: *workerid,
                action: *action,
                reason: text.to_string(),
            },
        }
    }
}

/// Reads a successful JSON-RPC answer. A body carrying `error` is a failure even with a 2xx
/// status (see [`rpc_error`]).
pub fn decode_answer(body: &str) -> Result<Answer, DecodeError> {
    let what = "control answer";
    let v = json::parse(what, body)?;
    let bad = |field: &str, problem: String| DecodeError {
        what: what.to_string(),
        field: field.to_string(),
        problem,
    };
    let Some(root) = v.as_object() else {
        return Err(bad("", "expected an object".into()));
    };
    match root.get("result") {
        None | Some(Value::Null) => Ok(Answer::Accepted),
        Some(Value::Array(parts)) => {
            let buildsetid = parts.first().and_then(json::as_i64);
            let mut requests = Vec::new();
            if let Some(Value::Object(map)) = parts.get(1) {
                for (builder, brid) in map {
                    let builder = builder.trim().parse::<i64>().ok();
                    match (builder, json::as_i64(brid)) {
                        (Some(b), Some(r)) => requests.push((b, r)),
                        _ => return Err(bad("result", format!("odd build request {brid}"))),
                    }
                }
            }
            requests.sort_unstable();
            Ok(Answer::Requested {
                buildsetid,
                requests,
            })
        }
        Some(_) => Ok(Answer::Accepted),
    }
}

/// The error a Buildbot answer carries, as `(code, message)`: JSON-RPC's
/// `{"error": {"code": -32603, "message": ...}}` (the message is an object of field errors for
/// a bad parameter), or the data API's `{"error": "..."}`.
pub fn rpc_error(body: &str) -> Option<(Option<String>, String)> {
    let v: Value = serde_json::from_str(body).ok()?;
    match v.get("error")? {
        Value::Null => None,
        Value::String(s) => Some((None, s.clone())),
        Value::Object(e) => {
            let code = e.get("code").and_then(|c| match c {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            let message = match e.get("message") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Object(fields)) => fields
                    .iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => format!("{k}: {s}"),
                        other => format!("{k}: {other}"),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                Some(other) => other.to_string(),
                None => Value::Object(e.clone()).to_string(),
            };
            Some((code, message))
        }
        other => Some((None, other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_json_rpc_with_the_reason_when_given() {
        let stop = Action::Stop {
            buildid: 12,
            reason: "  runaway  ".into(),
        };
        assert_eq!(stop.path(), "builds/12");
        let v: Value = serde_json::from_str(&stop.body()).unwrap();
        assert_eq!(v["jsonrpc"], "2.0");
        assert_eq!(v["method"], "stop");
        assert_eq!(v["params"]["reason"], "runaway");
        let v: Value = serde_json::from_str(&stop.with_reason(" ").body()).unwrap();
        assert_eq!(v["params"], json!({}));
        let cancel = Action::Cancel {
            buildrequestids: vec![5],
            reason: String::new(),
        };
        assert_eq!(cancel.path(), "buildrequests/5");
        let all = Action::Cancel {
            buildrequestids: vec![5, 6, 7],
            reason: "queue cleared".into(),
        };
        let calls = all.calls();
        assert_eq!(calls.len(), 3, "one call per request, each once");
        assert_eq!(calls[2].0, "buildrequests/7");
        let v: Value = serde_json::from_str(&calls[2].1).unwrap();
        assert_eq!(
            (v["method"].as_str(), v["params"]["reason"].as_str()),
            (Some("cancel"), Some("queue cleared"))
        );
        assert_eq!(all.verb(), "Cancel all");
        assert_eq!(cancel.verb(), "Cancel request");
        assert_eq!(Action::Rebuild { buildid: 3 }.calls().len(), 1);
        let v: Value = serde_json::from_str(&Action::Rebuild { buildid: 3 }.body()).unwrap();
        assert_eq!(v["method"], "rebuild");
        assert!(!Action::Rebuild { buildid: 3 }.takes_reason());
    }

    #[test]
    fn worker_actions_are_buildbots_pause_unpause_and_stop() {
        let pause = Action::Worker {
            workerid: 3,
            action: WorkerAction::Pause,
            reason: String::new(),
        }
        .with_reason("disk full");
        assert_eq!(pause.path(), "workers/3");
        let v: Value = serde_json::from_str(&pause.body()).unwrap();
        assert_eq!(v["method"], "pause");
        assert_eq!(v["params"]["reason"], "disk full");
        let down = Action::Worker {
            workerid: 3,
            action: WorkerAction::Shutdown,
            reason: String::new(),
        };
        let v: Value = serde_json::from_str(&down.body()).unwrap();
        assert_eq!(v["method"], "stop");
        assert!(down.takes_reason());
        assert!(!Action::Worker {
            workerid: 3,
            action: WorkerAction::Unpause,
            reason: String::new()
        }
        .takes_reason());
    }

    #[test]
    fn a_rebuild_answer_names_the_new_requests() {
        let a = decode_answer(r#"{"id":1,"jsonrpc":"2.0","result":[9,{"4":17,"2":"16"}]}"#);
        assert_eq!(
            a.unwrap(),
            Answer::Requested {
                buildsetid: Some(9),
                requests: vec![(2, 16), (4, 17)]
            }
        );
        assert_eq!(
            decode_answer(r#"{"id":2,"jsonrpc":"2.0","result":null}"#).unwrap(),
            Answer::Accepted
        );
        assert!(decode_answer(r#"{"result":[1,{"x":1}]}"#).is_err());
        assert!(decode_answer("<html>").is_err());
        assert!(decode_answer("[]").is_err());
    }

    #[test]
    fn errors_name_code_and_message() {
        assert_eq!(
            rpc_error(
                r#"{"jsonrpc":"2.0","id":3,"error":{"code":-32603,"message":"KeyError('x')"}}"#
            ),
            Some((Some("-32603".into()), "KeyError('x')".into()))
        );
        assert_eq!(
            rpc_error(r#"{"error":{"code":-32602,"message":{"lines":"invalid literal"}}}"#),
            Some((Some("-32602".into()), "lines: invalid literal".into()))
        );
        assert_eq!(
            rpc_error(r#"{"error": "invalid origin"}"#),
            Some((None, "invalid origin".into()))
        );
        assert_eq!(rpc_error(r#"{"result":null}"#), None);
        assert_eq!(rpc_error("not json"), None);
    }
}
