//! The one HTTP helper every client uses: timeout, cancellation, retries for transient failures,
//! and a typed [`ApiError`] naming source, URL, status, server code, message and request id.

use super::auth;
use buildscope_core::config::{AuthMode, Source};
pub use buildscope_core::error::ServerError;
use buildscope_core::error::{ApiError, ErrorKind};
use buildscope_core::json::DecodeError;
use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::AbortController;

use buildscope_core::config::DEFAULT_TIMEOUT_MS;
/// Backoff before each retry of a transient failure; the length is the number of retries.
const RETRY_BACKOFF_MS: [u32; 2] = [400, 1_500];

/// A source as the HTTP layer sees it: its name, how it authenticates, and how to read its
/// error bodies (including 200 answers whose envelope says the call failed).
#[derive(Clone)]
pub struct Endpoint {
    pub source: String,
    source_id: String,
    auth: AuthMode,
    /// How long one attempt may take before it is aborted.
    timeout_ms: u32,
    /// Whether a request nobody waits for any more is aborted (see [`Endpoint::never_hang_up`]).
    abort_on_drop: bool,
    parse_error: fn(&str) -> ServerError,
    envelope_error: fn(&str) -> Option<ServerError>,
}

/// Aborts the request if the future owning it is dropped before it finishes (the view moved on),
/// so stale requests do not keep the connection or the server busy.
struct AbortOnDrop {
    controller: Option<AbortController>,
    finished: bool,
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if !self.finished {
            if let Some(c) = &self.controller {
                c.abort();
            }
        }
    }
}

fn no_envelope_error(_: &str) -> Option<ServerError> {
    None
}

impl Endpoint {
    /// An endpoint with no auth and no envelope check (config.json, Buildbot).
    pub fn new(source: impl Into<String>, parse_error: fn(&str) -> ServerError) -> Self {
        Endpoint {
            source: source.into(),
            source_id: String::new(),
            auth: AuthMode::None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            abort_on_drop: true,
            parse_error,
            envelope_error: no_envelope_error,
        }
    }

    /// An endpoint for a configured source.
    pub fn for_source(source: &Source, parse_error: fn(&str) -> ServerError) -> Self {
        Endpoint {
            source: source.name.clone(),
            source_id: source.id.clone(),
            auth: source.auth.clone(),
            timeout_ms: source.timeout_ms,
            abort_on_drop: true,
            parse_error,
            envelope_error: no_envelope_error,
        }
    }

    /// A request nobody waits for any more is read to its end and thrown away instead of
    /// aborted (only the timeout still aborts). For Buildbot: its 4.3 web server wedges its
    /// listening socket when a client hangs up on it (Twisted's epoll reactor; every later
    /// connection reset until a restart), measured twice in `make test` after a stale log
    /// window was aborted. nginx cannot shield it: `proxy_ignore_client_abort` keeps the
    /// upstream only until the answer's first write to the gone client fails.
    pub fn never_hang_up(mut self) -> Self {
        self.abort_on_drop = false;
        self
    }

    /// Treat 2xx bodies for which `check` returns an error as failures (Huawei's
    /// `{"status":"fail"}` envelopes).
    pub fn with_envelope_check(mut self, check: fn(&str) -> Option<ServerError>) -> Self {
        self.envelope_error = check;
        self
    }

    /// GET `url` and decode the body with `decode`, retrying transient failures.
    pub async fn get<T>(
        &self,
        url: &str,
        decode: impl Fn(&str) -> Result<T, DecodeError>,
    ) -> Result<T, ApiError> {
        let body = self.get_text(url).await?;
        decode(&body).map_err(|e| ApiError::decode(&self.source, url, e))
    }

    /// GET `url` as text, retrying transient failures with backoff. A timed-out attempt is not
    /// retried here: the user has already waited the whole timeout, so they hear of it now and
    /// the view's own backoff tries again.
    pub async fn get_text(&self, url: &str) -> Result<String, ApiError> {
        let mut attempt = 0;
        loop {
            match self.attempt(url).await {
                Ok(body) => return Ok(body),
                Err(e)
                    if e.is_transient()
                        && e.kind != ErrorKind::Timeout
                        && attempt < RETRY_BACKOFF_MS.len() =>
                {
                    TimeoutFuture::new(RETRY_BACKOFF_MS[attempt]).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn attempt(&self, url: &str) -> Result<String, ApiError> {
        let controller = AbortController::new().ok();
        let mut guard = AbortOnDrop {
            controller: controller.clone().filter(|_| self.abort_on_drop),
            finished: false,
        };
        let timed_out = Rc::new(Cell::new(false));
        let _timer = controller.clone().map(|c| {
            let flag = timed_out.clone();
            Timeout::new(self.timeout_ms, move || {
                flag.set(true);
                c.abort();
            })
        });
        let signal = controller.as_ref().map(|c| c.signal());
        let mut builder = Request::get(url)
            .header("Accept", "application/json")
            .abort_signal(signal.as_ref());
        if self.auth == AuthMode::Token {
            if let Some(token) = auth::token(&self.source_id) {
                builder = builder.header("X-Auth-Token", &token);
            }
        }
        let request = builder
            .build()
            .map_err(|e| ApiError::new(ErrorKind::Network, &self.source, url, e.to_string()))?;
        let result = request.send().await;
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                guard.finished = true;
                return Err(if timed_out.get() {
                    ApiError::new(
                        ErrorKind::Timeout,
                        &self.source,
                        url,
                        format!("no answer within {} s", f64::from(self.timeout_ms) / 1000.0),
                    )
                } else {
                    ApiError::new(ErrorKind::Network, &self.source, url, network_message(&e))
                });
            }
        };
        let status = response.status();
        let request_id = ["x-request-id", "x-obs-request-id"]
            .iter()
            .find_map(|h| response.headers().get(h));
        let body = response.text().await;
        guard.finished = true;
        let body = body.map_err(|e| {
            let kind = if timed_out.get() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Network
            };
            ApiError::new(
                kind,
                &self.source,
                url,
                format!("reading the response failed: {e}"),
            )
        })?;
        let server = if (200..300).contains(&status) {
            match (self.envelope_error)(&body) {
                None => {
                    if self.auth == AuthMode::Token {
                        auth::token_accepted(&self.source_id);
                    }
                    return Ok(body);
                }
                Some(server) => server,
            }
        } else {
            (self.parse_error)(&body)
        };
        if status == 401 && self.auth == AuthMode::Token {
            auth::request_token(&self.source_id, &self.source);
        }
        let fallback = if body.trim_start().starts_with('<') {
            "the server answered with an HTML page instead of JSON".to_string()
        } else {
            response_snippet(&body)
        };
        Err(ApiError {
            kind: ErrorKind::Http,
            source: self.source.clone(),
            url: url.to_string(),
            status: Some(status),
            code: server.code,
            message: server
                .message
                .unwrap_or_else(|| format!("{} {}", status, fallback)),
            request_id: server.request_id.or(request_id),
        })
    }
}

fn network_message(e: &gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(js) => format!("{}: {}", js.name, js.message),
        other => other.to_string(),
    }
}

/// The start of an unexpected body, for the error message (never rendered as HTML).
fn response_snippet(body: &str) -> String {
    let t = body.trim();
    if t.is_empty() {
        return "(empty body)".to_string();
    }
    let mut s: String = t.chars().take(200).collect();
    if t.chars().count() > 200 {
        s.push('…');
    }
    s
}
