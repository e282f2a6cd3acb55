//! Fault injection: per-request failures chosen at run time through
//! `/__sim/faults`.

use crate::http::{error, Family, Reply, HTML};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Throttle,
    Internal,
    Slow,
    Malformed,
    Html502,
}

pub const KINDS: [FaultKind; 9] = [
    FaultKind::BadRequest,
    FaultKind::Unauthorized,
    FaultKind::Forbidden,
    FaultKind::NotFound,
    FaultKind::Throttle,
    FaultKind::Internal,
    FaultKind::Slow,
    FaultKind::Malformed,
    FaultKind::Html502,
];

impl FaultKind {
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::BadRequest => "400",
            FaultKind::Unauthorized => "401",
            FaultKind::Forbidden => "403",
            FaultKind::NotFound => "404",
            FaultKind::Throttle => "throttle",
            FaultKind::Internal => "500",
            FaultKind::Slow => "slow",
            FaultKind::Malformed => "malformed",
            FaultKind::Html502 => "html502",
        }
    }

    pub fn parse(s: &str) -> Option<FaultKind> {
        KINDS.iter().copied().find(|k| k.name() == s)
    }
}

pub const DEFAULT_SLOW_MS: u64 = 20_000;
pub const MAX_SLOW_MS: u64 = 600_000;

#[derive(Clone, Debug)]
pub struct Fault {
    pub id: u64,
    pub matcher: String,
    pub kind: FaultKind,
    /// Requests left before the fault clears itself; `None` = until cleared.
    pub remaining: Option<u64>,
    pub delay_ms: u64,
    pub hits: u64,
}

impl Fault {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "match": self.matcher,
            "fault": self.kind.name(),
            "times": self.remaining,
            "delay_ms": self.delay_ms,
            "hits": self.hits,
        })
    }
}

/// Parse the body of `POST /__sim/faults` into a fault (without id).
pub fn parse_request(body: &[u8]) -> Result<Fault, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?;
    let obj = v.as_object().ok_or("body must be a JSON object")?;
    let matcher = match obj.get("match") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("\"match\" must be a string".into()),
        None => return Err("\"match\" is required (a substring of the request path)".into()),
    };
    let kind_text = match obj.get("fault") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("\"fault\" is required".into()),
    };
    let kind = FaultKind::parse(&kind_text).ok_or_else(|| {
        let names: Vec<&str> = KINDS.iter().map(|k| k.name()).collect();
        format!("unknown fault {kind_text:?}; one of: {}", names.join(", "))
    })?;
    let remaining = match obj.get("times") {
        None | Some(Value::Null) => None,
        Some(t) => match t.as_u64() {
            Some(0) | None => return Err("\"times\" must be a positive integer".into()),
            Some(n) => Some(n),
        },
    };
    let delay_ms = match obj.get("delay_ms") {
        None | Some(Value::Null) => DEFAULT_SLOW_MS,
        Some(d) => match d.as_u64() {
            Some(n) if n <= MAX_SLOW_MS => n,
            _ => {
                return Err(format!(
                    "\"delay_ms\" must be an integer from 0 to {MAX_SLOW_MS}"
                ))
            }
        },
    };
    Ok(Fault {
        id: 0,
        matcher,
        kind,
        remaining,
        delay_ms,
        hits: 0,
    })
}

/// Find the first fault whose `match` occurs in `url`, count the hit, and
/// drop the fault once its `times` run out.
pub fn take(faults: &mut Vec<Fault>, url: &str) -> Option<(FaultKind, u64)> {
    let i = faults.iter().position(|f| url.contains(&f.matcher))?;
    let f = &mut faults[i];
    f.hits += 1;
    let out = (f.kind, f.delay_ms);
    if let Some(r) = f.remaining.as_mut() {
        *r = r.saturating_sub(1);
        if *r == 0 {
            faults.remove(i);
        }
    }
    Some(out)
}

/// The reply a fault produces in place of the real one (`None` for the
/// kinds that alter the real reply: slow and malformed).
pub fn reply(kind: FaultKind, family: Family) -> Option<Reply> {
    let ss = family == Family::ServiceStage;
    Some(match kind {
        FaultKind::BadRequest if ss => {
            error(400, "SVCSTG.CPE.5004400", "Invalid request parameter")
        }
        FaultKind::BadRequest => error(400, "CB.00060200", "Invalid param"),
        FaultKind::Unauthorized => {
            unauthorized("Incorrect IAM authentication information: decrypt token fail")
        }
        FaultKind::Forbidden => error(
            403,
            "APIGW.0302",
            "The IAM user is not authorized to access the API",
        ),
        FaultKind::NotFound => crate::http::not_found(family),
        FaultKind::Throttle if ss => error(
            429,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit",
        )
        .with_header("Retry-After", "1"),
        FaultKind::Throttle => error(400, "CB.00060211", "too many requests, retry later")
            .with_header("Retry-After", "1"),
        FaultKind::Internal => crate::http::internal_error(family),
        FaultKind::Html502 => Reply {
            status: 502,
            body: HTML_502.to_string(),
            content_type: HTML,
            headers: Vec::new(),
            stream: None,
        },
        FaultKind::Slow | FaultKind::Malformed => return None,
    })
}

pub fn unauthorized(msg: &str) -> Reply {
    error(401, "APIGW.0301", msg)
}

/// Cut a JSON body roughly in half (at a char boundary) so it no longer parses.
pub fn truncate(body: &str) -> String {
    let cut = crate::http::floor_boundary(body, body.len() / 2);
    let mut s = body[..cut].to_string();
    if s.is_empty() {
        s.push('{');
    }
    s
}

pub const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_take() {
        let mut f = parse_request(br#"{"match":"/history","fault":"500","times":2}"#).unwrap();
        f.id = 1;
        let mut v = vec![f];
        assert_eq!(take(&mut v, "/v3/jobs/x/status"), None);
        assert_eq!(
            take(&mut v, "/v3/jobs/x/history?offset=0").map(|x| x.0),
            Some(FaultKind::Internal)
        );
        assert_eq!(v[0].remaining, Some(1));
        assert!(take(&mut v, "/v3/jobs/x/history").is_some());
        assert!(v.is_empty());
    }

    #[test]
    fn numeric_kind_and_defaults() {
        let f = parse_request(br#"{"match":"","fault":404}"#).unwrap();
        assert_eq!(f.kind, FaultKind::NotFound);
        assert_eq!(f.remaining, None);
        assert_eq!(f.delay_ms, DEFAULT_SLOW_MS);
    }

    #[test]
    fn rejects_bad_requests() {
        for b in [
            &b"nope"[..],
            br#"[]"#,
            br#"{"fault":"500"}"#,
            br#"{"match":"x"}"#,
            br#"{"match":"x","fault":"teapot"}"#,
            br#"{"match":"x","fault":"500","times":0}"#,
            br#"{"match":"x","fault":"500","times":-1}"#,
            br#"{"match":"x","fault":"slow","delay_ms":"5"}"#,
        ] {
            assert!(parse_request(b).is_err(), "{}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn truncation_breaks_json() {
        let body = r#"{"a":"中文中文中文","b":[1,2,3]}"#;
        let t = truncate(body);
        assert!(serde_json::from_str::<Value>(&t).is_err());
        assert!(serde_json::from_str::<Value>(&truncate("")).is_err());
    }
}
