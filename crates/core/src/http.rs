//! What an HTTP answer means, decided without doing any I/O: which statuses succeed, which
//! ask for a token, which are worth another try and after how long, and the error the user
//! reads for a failed answer. The web crate's `api/http.rs` only sends requests and feeds
//! their outcome through these rules.

use crate::error::{ApiError, ErrorKind, ServerError};

/// What an HTTP status says, by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 2xx: the body is the answer (unless a Huawei envelope inside says the call failed).
    Success,
    /// 401: the credentials were refused; a token source asks the user for a new token.
    Unauthorized,
    /// 429 and 5xx: the server is busy or failing for now; the same request may succeed later.
    Transient,
    /// Anything else: the request itself is wrong, so the same request will fail again.
    Failure,
}

/// The class of an HTTP status.
pub fn classify(status: u16) -> StatusClass {
    match status {
        200..=299 => StatusClass::Success,
        401 => StatusClass::Unauthorized,
        429 | 500..=599 => StatusClass::Transient,
        _ => StatusClass::Failure,
    }
}

/// Failures worth retrying automatically: the network, timeouts, 5xx and throttling.
pub fn is_transient(error: &ApiError) -> bool {
    match error.kind {
        ErrorKind::Network | ErrorKind::Timeout => true,
        ErrorKind::Decode => false,
        ErrorKind::Http => {
            error.status.map(classify) == Some(StatusClass::Transient)
                || error.code.as_deref().is_some_and(is_throttling_code)
        }
    }
}

/// Server codes that mean "too many requests, retry later" (sent with HTTP 400 by CodeArts).
fn is_throttling_code(code: &str) -> bool {
    matches!(code, "CB.00060211" | "APIGW.0308")
}

/// Pauses before each quick retry of a transient failure, inside one request; the length is
/// the number of retries. Longer outages are the view's own backoff (`retry::backoff_ms`).
pub const RETRY_BACKOFF_MS: [u32; 2] = [400, 1_500];

/// How long to wait before retrying a request that failed with `error` after `retries`
/// retries already, or `None` to report the failure now. A timeout is not retried here: the
/// user has already waited the whole timeout, so they hear of it now and the view's own
/// backoff tries again.
pub fn retry_delay_ms(error: &ApiError, retries: usize) -> Option<u32> {
    if is_transient(error) && error.kind != ErrorKind::Timeout {
        RETRY_BACKOFF_MS.get(retries).copied()
    } else {
        None
    }
}

/// The error for an attempt that got no answer within `timeout_ms`.
pub fn timeout_error(source: &str, url: &str, timeout_ms: u32) -> ApiError {
    ApiError::new(
        ErrorKind::Timeout,
        source,
        url,
        format!("no answer within {} s", f64::from(timeout_ms) / 1000.0),
    )
}

/// The error for a failed answer: HTTP `status` and `body`, what the system's own decoder
/// read from the body (`server`), and the request id from the response headers. The server's
/// message, code and request id win; without a message, the status and the start of the body
/// say what happened (never rendered as HTML).
pub fn answer_error(
    source: &str,
    url: &str,
    status: u16,
    body: &str,
    server: ServerError,
    header_request_id: Option<String>,
) -> ApiError {
    let message = server.message.unwrap_or_else(|| {
        let what = if body.trim_start().starts_with('<') {
            "the server answered with an HTML page instead of JSON".to_string()
        } else {
            snippet(body)
        };
        format!("{status} {what}")
    });
    ApiError {
        kind: ErrorKind::Http,
        source: source.to_string(),
        url: url.to_string(),
        status: Some(status),
        code: server.code,
        message,
        request_id: server.request_id.or(header_request_id),
    }
}

/// The start of an unexpected body, for the error message.
fn snippet(body: &str) -> String {
    /// Enough to recognise the answer without flooding the panel.
    const MAX_CHARS: usize = 200;
    let t = body.trim();
    if t.is_empty() {
        return "(empty body)".to_string();
    }
    let mut s: String = t.chars().take(MAX_CHARS).collect();
    if t.chars().count() > MAX_CHARS {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_fall_into_four_classes() {
        for s in [200, 201, 204, 299] {
            assert_eq!(classify(s), StatusClass::Success, "{s}");
        }
        assert_eq!(classify(401), StatusClass::Unauthorized);
        for s in [429, 500, 502, 503, 504, 599] {
            assert_eq!(classify(s), StatusClass::Transient, "{s}");
        }
        for s in [0, 100, 199, 300, 304, 400, 403, 404, 410, 428, 430, 600] {
            assert_eq!(classify(s), StatusClass::Failure, "{s}");
        }
    }

    fn http(status: u16, code: Option<&str>) -> ApiError {
        let server = ServerError {
            code: code.map(str::to_string),
            ..ServerError::default()
        };
        answer_error("S", "/u", status, "", server, None)
    }

    #[test]
    fn transient_answers_are_retried_twice_with_growing_pauses_then_reported() {
        for e in [
            http(503, None),
            http(429, None),
            http(400, Some("CB.00060211")),
            ApiError::new(ErrorKind::Network, "S", "/u", "offline"),
        ] {
            assert_eq!(retry_delay_ms(&e, 0), Some(400), "{e}");
            assert_eq!(retry_delay_ms(&e, 1), Some(1_500), "{e}");
            assert_eq!(retry_delay_ms(&e, 2), None, "{e}");
        }
    }

    #[test]
    fn timeouts_and_lasting_failures_are_reported_at_once() {
        for e in [
            timeout_error("S", "/u", 15_000),
            http(404, None),
            http(401, None),
            http(400, None),
            ApiError::new(ErrorKind::Decode, "S", "/u", "bad json"),
        ] {
            assert_eq!(retry_delay_ms(&e, 0), None, "{e}");
        }
    }

    #[test]
    fn the_network_timeouts_5xx_and_throttling_are_transient() {
        let net = ApiError::new(ErrorKind::Network, "s", "u", "m");
        assert!(is_transient(&net));
        assert!(is_transient(&timeout_error("S", "/u", 1_000)));
        assert!(is_transient(&http(503, Some("CB.00060101"))));
        assert!(!is_transient(&http(404, None)));
        assert!(!is_transient(&http(400, None)));
        assert!(is_transient(&http(400, Some("CB.00060211"))));
        assert!(is_transient(&http(400, Some("APIGW.0308"))));
        assert!(!is_transient(&ApiError::new(
            ErrorKind::Decode,
            "s",
            "u",
            "m"
        )));
    }

    #[test]
    fn a_timeout_says_how_long_it_waited() {
        let e = timeout_error("Local Buildbot", "/api/v2/builds", 2_500);
        assert_eq!(e.kind, ErrorKind::Timeout);
        assert_eq!(e.message, "no answer within 2.5 s");
        assert_eq!(e.headline(), "Local Buildbot: no answer in time");
    }

    #[test]
    fn the_servers_own_words_win_over_the_body() {
        let server = ServerError {
            code: Some("CB.1".into()),
            message: Some("job not found".into()),
            request_id: Some("from-body".into()),
        };
        let e = answer_error(
            "CodeArts",
            "/u",
            404,
            "{...}",
            server,
            Some("from-header".into()),
        );
        assert_eq!(
            (e.status, e.code.as_deref(), e.message.as_str()),
            (Some(404), Some("CB.1"), "job not found")
        );
        assert_eq!(e.request_id.as_deref(), Some("from-body"));
    }

    #[test]
    fn without_a_server_message_the_status_and_the_bodys_start_say_it() {
        let none = ServerError::default;
        let e = answer_error(
            "S",
            "/u",
            502,
            "  <html>bad gateway",
            none(),
            Some("h".into()),
        );
        assert_eq!(
            e.message,
            "502 the server answered with an HTML page instead of JSON"
        );
        assert_eq!(e.request_id.as_deref(), Some("h"));
        assert_eq!(
            answer_error("S", "/u", 500, " \n", none(), None).message,
            "500 (empty body)"
        );
        let long = "x".repeat(250);
        let m = answer_error("S", "/u", 418, &long, none(), None).message;
        assert_eq!(m, format!("418 {}…", "x".repeat(200)));
        let m = answer_error("S", "/u", 418, &"é".repeat(200), none(), None).message;
        assert_eq!(m, format!("418 {}", "é".repeat(200)));
    }
}
