//! The one error type every API call returns, so every failure reaches the user naming the
//! source, the request, the HTTP status and the server's own code and message.

use crate::json::DecodeError;
use std::fmt;

/// What a server said about an error in its own body (each system has its own envelope; the
/// per-system decoders fill this in).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ServerError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request never got an HTTP answer (offline, refused, CORS, DNS).
    Network,
    /// No answer within the time limit.
    Timeout,
    /// An HTTP answer with a non-success status.
    Http,
    /// A 2xx answer whose body could not be decoded.
    Decode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// Display name of the configured source (e.g. "Local Buildbot").
    pub source: String,
    pub url: String,
    pub status: Option<u16>,
    /// The server's own error code (e.g. `CB.00060211`), when it sent one.
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
}

impl ApiError {
    pub fn new(kind: ErrorKind, source: &str, url: &str, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            source: source.to_string(),
            url: url.to_string(),
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
        }
    }

    pub fn decode(source: &str, url: &str, e: DecodeError) -> Self {
        ApiError::new(ErrorKind::Decode, source, url, e.to_string())
    }

    /// One-line headline: "Local Buildbot: HTTP 404".
    pub fn headline(&self) -> String {
        let what = match (&self.kind, self.status) {
            (ErrorKind::Http, Some(s)) => format!("HTTP {s}"),
            (ErrorKind::Network, _) => "cannot reach the server".to_string(),
            (ErrorKind::Timeout, _) => "no answer in time".to_string(),
            (ErrorKind::Decode, Some(s)) => format!("HTTP {s}, unreadable response"),
            (_, _) => "unreadable response".to_string(),
        };
        match &self.code {
            Some(code) => format!("{}: {what} ({code})", self.source),
            None => format!("{}: {what}", self.source),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} — {} [{}]", self.headline(), self.message, self.url)?;
        if let Some(id) = &self.request_id {
            write!(f, " request id {id}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_names_source_status_and_code() {
        let mut e = ApiError::new(
            ErrorKind::Http,
            "Local Buildbot",
            "/buildbot/api/v2/builds/9",
            "not found",
        );
        e.status = Some(404);
        assert_eq!(e.headline(), "Local Buildbot: HTTP 404");
        e.status = Some(503);
        e.code = Some("CB.00060101".into());
        assert_eq!(e.headline(), "Local Buildbot: HTTP 503 (CB.00060101)");
        e.request_id = Some("r-1".into());
        assert!(e
            .to_string()
            .ends_with("[/buildbot/api/v2/builds/9] request id r-1"));
    }
}
