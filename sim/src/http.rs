//! Request and reply types, and the error bodies of each service.

use serde_json::Value;

pub const JSON: &str = "application/json;charset=UTF-8";
pub const HTML: &str = "text/html;charset=UTF-8";
pub const OCTET: &str = "application/octet-stream";

/// Which service a path belongs to; decides the error body shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    CodeArts,
    ServiceStage,
    Control,
}

impl Family {
    pub fn of(path: &str) -> Family {
        if path == "/__sim" || path.starts_with("/__sim/") {
            Family::Control
        } else if path == "/assembling" || path.starts_with("/assembling/") {
            Family::ServiceStage
        } else {
            Family::CodeArts
        }
    }
}

pub struct Req {
    pub method: String,
    /// Path and query as received.
    pub url: String,
    pub path: String,
    /// Non-empty path segments, percent-decoded.
    pub segs: Vec<String>,
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub token: Option<String>,
}

impl Req {
    pub fn new(method: &str, url: &str, body: Vec<u8>, token: Option<String>) -> Req {
        let (path, query) = match url.split_once('?') {
            Some((p, q)) => (p, q),
            None => (url, ""),
        };
        let segs = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let query = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (percent_decode(k), percent_decode(v)),
                None => (percent_decode(kv), String::new()),
            })
            .collect();
        Req {
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            path: path.to_string(),
            segs,
            query,
            body,
            token,
        }
    }

    /// First value of a query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn family(&self) -> Family {
        Family::of(&self.path)
    }
}

/// `%XX` and `+` decoding; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    /// A body produced while it is sent (a log download), in place of `body`.
    pub stream: Option<Box<crate::log::LogStream>>,
}

impl Reply {
    pub fn raw(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            body: body.into(),
            content_type: JSON,
            headers: Vec::new(),
            stream: None,
        }
    }

    /// `application/octet-stream` sent as a file to save (`Content-Disposition: attachment`).
    pub fn download(file_name: &str, stream: crate::log::LogStream) -> Reply {
        Reply {
            status: 200,
            body: String::new(),
            content_type: OCTET,
            headers: vec![(
                "Content-Disposition",
                format!("attachment; filename=\"{file_name}\""),
            )],
            stream: Some(Box::new(stream)),
        }
    }

    pub fn json(status: u16, v: &Value) -> Reply {
        Reply::raw(status, v.to_string())
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

/// `{"error_code": ..., "error_msg": ...}`, the body every 4xx/5xx uses.
pub fn error(status: u16, code: &str, msg: &str) -> Reply {
    Reply::json(
        status,
        &serde_json::json!({"error_code": code, "error_msg": msg}),
    )
}

/// The control API's own, simpler error.
pub fn control_error(status: u16, msg: &str) -> Reply {
    Reply::json(status, &serde_json::json!({"error": msg}))
}

pub fn bad_param(family: Family, msg: &str) -> Reply {
    match family {
        Family::CodeArts => error(400, "CB.00060200", &format!("Invalid param: {msg}")),
        Family::ServiceStage => error(
            400,
            "SVCSTG.CPE.5004400",
            &format!("Invalid request parameter: {msg}"),
        ),
        Family::Control => control_error(400, msg),
    }
}

pub fn not_found(family: Family) -> Reply {
    match family {
        Family::CodeArts => error(404, "CB.00060214", "URL not found"),
        Family::ServiceStage => error(
            404,
            "SVCSTG.CPE.5004404",
            "The requested build resource does not exist",
        ),
        Family::Control => control_error(404, "no such control endpoint"),
    }
}

pub fn internal_error(family: Family) -> Reply {
    match family {
        Family::ServiceStage => error(500, "SVCSTG.CPE.5004500", "Internal server error"),
        _ => error(500, "CB.00060101", "internal error"),
    }
}

/// Parse an optional integer query parameter within `min..=max`.
pub fn int_param(
    req: &Req,
    name: &str,
    default: Option<i64>,
    min: i64,
    max: i64,
) -> Result<i64, Reply> {
    let family = req.family();
    match req.q(name) {
        None | Some("") => default.ok_or_else(|| bad_param(family, &format!("{name} is required"))),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            Ok(_) => Err(bad_param(
                family,
                &format!("{name} must be between {min} and {max}"),
            )),
            Err(_) => Err(bad_param(family, &format!("{name} must be an integer"))),
        },
    }
}

/// Parse an integer path segment (e.g. a build number).
pub fn int_seg(family: Family, s: &str, name: &str) -> Result<u64, Reply> {
    match s.parse::<u64>() {
        Ok(n) if (1..=2_147_483_647).contains(&n) => Ok(n),
        _ => Err(bad_param(
            family,
            &format!("{name} must be a positive integer"),
        )),
    }
}

/// Cut a string at a byte offset, moved back to a char boundary.
pub fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_url() {
        let r = Req::new(
            "get",
            "/assembling/v1/jobs?page=1&per_page=10&job_name=a%20b+c&x",
            vec![],
            None,
        );
        assert_eq!(r.method, "GET");
        assert_eq!(r.segs, ["assembling", "v1", "jobs"]);
        assert_eq!(r.q("job_name"), Some("a b c"));
        assert_eq!(r.q("x"), Some(""));
        assert_eq!(r.q("nope"), None);
        assert_eq!(r.family(), Family::ServiceStage);
    }

    #[test]
    fn decoding_never_panics() {
        for s in ["%", "%4", "%zz", "%%%", "a%e4%b8%ad", "%ff%fe", "+%2"] {
            let _ = percent_decode(s);
        }
        assert_eq!(percent_decode("a%e4%b8%ad"), "a中");
        assert_eq!(percent_decode("%4"), "%4");
    }

    #[test]
    fn boundaries() {
        let s = "a中b";
        assert_eq!(floor_boundary(s, 2), 1);
        assert_eq!(floor_boundary(s, 99), s.len());
    }
}
