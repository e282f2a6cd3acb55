//! The error envelope every Huawei API shares (CodeArts Build and ServiceStage): a failure can
//! come inside an HTTP 200 (`{"status":"fail","error":...}`, legacy `{"success":false,...}`, or
//! a bare `{"error_code":...}` with no `result`), and error bodies name their code and message
//! under several spellings (`error_code`/`error_msg`, `errorCode`/`errorMessage` + `detail`,
//! `code`/`message`, nested `{"error":{...}}`).
//!
//! * The HTTP layer calls [`envelope_error`] on every 2xx body first and, when it returns
//!   `Some`, raises an `ApiError` with the server's code and message, exactly as for a 4xx/5xx
//!   (whose body goes through [`parse_error`]).
//! * The decoders of `codearts` and `servicestage` start from [`root`], which refuses a failure
//!   envelope with a `DecodeError`, so a failure never decodes as an empty result even if a
//!   caller skips the first step.

use crate::error::ServerError;
use crate::json::{DecodeError, Obj};
use serde_json::{Map, Value};

/// Top-level `status` values meaning the call failed. Lower-case only: the envelope's values are
/// `success`/`fail` (`failed` in a sibling CodeArts API), while upper-case words are build
/// states, which never sit at the top of a body.
const FAILED_STATUSES: [&str; 4] = ["fail", "failed", "failure", "error"];

/// The error a 2xx body reports, or `None` when it reports success (or is not an envelope).
///
/// Failure is: a v1 `status` of `fail`/`failed`, a legacy `success: false`, or a bare
/// `error_code`/`errorCode` with no `result`. The returned error always has a code or a message.
pub fn envelope_error(body: &str) -> Option<ServerError> {
    let v: Value = serde_json::from_str(body).ok()?;
    envelope_failure(&v).map(|(_, e)| e)
}

/// The failing field (for `DecodeError`) and the server's error.
fn envelope_failure(v: &Value) -> Option<(&'static str, ServerError)> {
    let map = v.as_object()?;
    let field = if map
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|s| FAILED_STATUSES.contains(&s.trim()))
    {
        "status"
    } else if matches!(map.get("success"), Some(Value::Bool(false)))
        || map
            .get("success")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("false"))
    {
        "success"
    } else if !map.contains_key("result")
        && ["error_code", "errorCode"]
            .iter()
            .any(|k| text(map.get(*k)).is_some())
    {
        if map.contains_key("error_code") {
            "error_code"
        } else {
            "errorCode"
        }
    } else {
        return None;
    };
    let mut e = server_error(v);
    if e.code.is_none() && e.message.is_none() {
        let sent = map.get(field).map(Value::to_string).unwrap_or_default();
        e.message = Some(format!(
            "the server answered {field}: {sent} without details"
        ));
    }
    Some((field, e))
}

/// The server's code, message and request id from any Huawei error body (4xx/5xx, or a failure
/// envelope). Not JSON, or nothing recognisable: an empty `ServerError`, and the HTTP layer
/// falls back to the status line and raw text.
///
/// Order, after the exception handler of Huawei's official SDKs: `error_code` + `error_msg`;
/// `errorCode` + `errorMsg`/`errorMessage`; `code` + `message`; legacy `err_code` + `message`;
/// then nested objects (`error` first, e.g. `{"error":{"code","message"},"status":"failed"}`);
/// then a message with no code (including `"error": "text"`).
pub fn parse_error(body: &str) -> ServerError {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => server_error(&v),
        Err(_) => ServerError::default(),
    }
}

const CODE_KEYS: [(&str, &[&str]); 4] = [
    ("error_code", &["error_msg", "error_message"]),
    ("errorCode", &["errorMsg", "errorMessage"]),
    ("code", &["message", "msg"]),
    ("err_code", &["message", "err_msg"]),
];

const MESSAGE_KEYS: [&str; 9] = [
    "error_msg",
    "error_message",
    "errorMsg",
    "errorMessage",
    "message",
    "msg",
    "err_msg",
    "detail",
    "error",
];

const REQUEST_ID_KEYS: [&str; 3] = ["request_id", "requestId", "X-Request-Id"];

fn server_error(v: &Value) -> ServerError {
    let mut e = find_error(v, 0).unwrap_or_default();
    if e.request_id.is_none() {
        e.request_id = v
            .as_object()
            .and_then(|m| REQUEST_ID_KEYS.iter().find_map(|k| text(m.get(*k))));
    }
    e
}

/// Non-empty text of a scalar (codes are sometimes numbers).
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn find_error(v: &Value, depth: usize) -> Option<ServerError> {
    let map = v.as_object()?;
    let request_id = REQUEST_ID_KEYS.iter().find_map(|k| text(map.get(*k)));
    for (code_key, message_keys) in CODE_KEYS {
        if let Some(code) = text(map.get(code_key)) {
            let message = message_keys
                .iter()
                .chain(MESSAGE_KEYS.iter())
                .find_map(|k| text(map.get(*k)));
            return Some(ServerError {
                code: Some(code),
                message: with_detail(message, map),
                request_id,
            });
        }
    }
    if depth < 3 {
        let nested = map
            .get("error")
            .into_iter()
            .chain(map.iter().filter(|(k, _)| *k != "error").map(|(_, v)| v));
        for child in nested {
            let found = match child {
                Value::Object(_) => find_error(child, depth + 1),
                Value::Array(items) => items.iter().find_map(|i| find_error(i, depth + 1)),
                _ => None,
            };
            if let Some(mut e) = found.filter(|e| e.code.is_some() || e.message.is_some()) {
                e.request_id = e.request_id.or(request_id);
                return Some(e);
            }
        }
    }
    let message = MESSAGE_KEYS.iter().find_map(|k| text(map.get(*k)));
    message.map(|m| ServerError {
        code: None,
        message: Some(m),
        request_id,
    })
}

/// ServiceStage's `{errorCode, errorMessage, detail}` puts the useful part in `detail`.
fn with_detail(message: Option<String>, map: &Map<String, Value>) -> Option<String> {
    match (message, text(map.get("detail"))) {
        (Some(m), Some(d)) if m != d => Some(format!("{m}: {d}")),
        (m, d) => m.or(d),
    }
}

/// The body's root object, refusing failure envelopes with an error naming the server's words.
pub(crate) fn root<'a>(what: &'a str, v: &'a Value) -> Result<Obj<'a>, DecodeError> {
    let o = Obj::new(what, v)?;
    match envelope_failure(v) {
        None => Ok(o),
        Some((field, e)) => Err(DecodeError {
            what: what.to_string(),
            field: field.to_string(),
            problem: format!("the server reported a failure{}", describe(&e)),
        }),
    }
}

fn describe(e: &ServerError) -> String {
    match (&e.code, &e.message) {
        (Some(c), Some(m)) => format!(": {c}: {m}"),
        (Some(c), None) => format!(": {c}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::huawei as fixture;

    #[test]
    fn failure_envelopes_become_errors_even_with_http_200() {
        let body = fixture("codearts-envelope-fail-object");
        let e = envelope_error(&body).unwrap();
        assert_eq!(e.code.as_deref(), Some("DEV.CB.0510001"));
        assert_eq!(e.message.as_deref(), Some("Build record not found"));

        let s = envelope_error(&fixture("codearts-envelope-fail-string")).unwrap();
        assert_eq!(
            (s.code, s.message.as_deref()),
            (None, Some("record does not exist"))
        );

        let legacy = fixture("codearts-record-info-legacy-fail");
        let l = envelope_error(&legacy).unwrap();
        assert_eq!(l.code.as_deref(), Some("CB.00060201"));
        assert_eq!(l.message.as_deref(), Some("job id invalid"));

        let nested = envelope_error(&fixture("error-nested-dev-ch")).unwrap();
        assert_eq!(nested.code.as_deref(), Some("DEV.CH.10001"));

        let bare = fixture("codearts-error-invalid-param");
        assert_eq!(
            envelope_error(&bare).unwrap().code.as_deref(),
            Some("CB.00060200")
        );

        let quiet = envelope_error(r#"{"status":"fail","error":null,"result":null}"#).unwrap();
        assert_eq!(quiet.code, None);
        assert_eq!(
            quiet.message.as_deref(),
            Some("the server answered status: \"fail\" without details")
        );

        // Success envelopes, bare bodies and non-JSON are not failures.
        for ok in [
            "codearts-full-stages",
            "codearts-record-info-v3",
            "codearts-history",
            "codearts-job-status",
            "servicestage-phases",
        ] {
            assert_eq!(envelope_error(&fixture(ok)), None, "{ok}");
        }
        assert_eq!(envelope_error("<html>502</html>"), None);
        assert_eq!(envelope_error(r#"{"status":"FAILED","id":"x"}"#), None);
    }

    #[test]
    fn error_bodies_in_every_huawei_shape() {
        let e = parse_error(&fixture("codearts-error-invalid-param"));
        assert_eq!(
            (e.code.as_deref(), e.message.as_deref(), e.request_id),
            (Some("CB.00060200"), Some("Invalid param"), None)
        );
        let apig = parse_error(&fixture("codearts-error-apig-request-id"));
        assert_eq!(apig.code.as_deref(), Some("APIG.0301"));
        assert_eq!(
            apig.request_id.as_deref(),
            Some("5b0b5a6e1d7c4c0f9d7e2c1b3a4f5e6d")
        );
        let nested = parse_error(&fixture("error-nested-dev-ch"));
        assert_eq!(nested.code.as_deref(), Some("DEV.CH.10001"));
        assert_eq!(nested.message.as_deref(), Some("Param invalid"));
        let ss = parse_error(&fixture("servicestage-error"));
        assert_eq!(ss.code.as_deref(), Some("SVCSTG.CPE.5004401"));
        assert_eq!(
            ss.message.as_deref(),
            Some("Build job instance not found: build_id 0b4c7f1e does not exist")
        );
        let legacy = parse_error(&fixture("codearts-record-info-legacy-fail"));
        assert_eq!(legacy.code.as_deref(), Some("CB.00060201"));

        let camel = parse_error(r#"{"errorCode":"X.1","errorMsg":"m"}"#);
        assert_eq!(
            (camel.code.as_deref(), camel.message.as_deref()),
            (Some("X.1"), Some("m"))
        );
        let plain = parse_error(r#"{"code":401,"message":"The token must be updated"}"#);
        assert_eq!(plain.code.as_deref(), Some("401"));
        let list = parse_error(r#"{"errors":[{"code":"E1","message":"first"}]}"#);
        assert_eq!(list.code.as_deref(), Some("E1"));
        let msg_only = parse_error(r#"{"error_msg":"only a message"}"#);
        assert_eq!(
            (msg_only.code, msg_only.message.as_deref()),
            (None, Some("only a message"))
        );
        let top_wins = parse_error(r#"{"error_code":"A","error_msg":"a","error":{"code":"B"}}"#);
        assert_eq!(top_wins.code.as_deref(), Some("A"));

        assert_eq!(parse_error("Bad Gateway"), ServerError::default());
        assert_eq!(parse_error(""), ServerError::default());
        assert_eq!(parse_error("[1,2]"), ServerError::default());
        assert_eq!(
            parse_error(r#"{"error_code":"","error_msg":""}"#),
            ServerError::default()
        );
    }
}
