//! The one HTTP helper every client uses: timeout, cancellation, retries for transient failures,
//! and a typed [`ApiError`] naming source, URL, status, server code, message and request id.
//! What an answer means (success, token wanted, retry or not, the error's words) is decided by
//! `buildscope_core::http`; this file only does the I/O.

use super::{auth, prefetch};
use buildscope_core::config::{AuthMode, Source, DEFAULT_TIMEOUT_MS};
pub use buildscope_core::error::ServerError;
use buildscope_core::error::{ApiError, ErrorKind};
use buildscope_core::http::{answer_error, classify, retry_delay_ms, timeout_error, StatusClass};
use buildscope_core::json::DecodeError;
use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::AbortController;

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

    /// GET `url` as text, retrying transient failures with backoff (`retry_delay_ms`). The
    /// first attempt takes the answer `script/boot.js` asked for at this URL, if it did.
    pub async fn get_text(&self, url: &str) -> Result<String, ApiError> {
        let mut retries = 0;
        loop {
            let early = if retries == 0 {
                prefetch::take(url)
            } else {
                None
            };
            let attempt = match early {
                Some(early) => self.adopt(url, early).await,
                None => self.attempt(url, None).await,
            };
            match attempt {
                Ok(body) => return Ok(body),
                Err(e) => match retry_delay_ms(&e, retries) {
                    Some(ms) => {
                        TimeoutFuture::new(ms).await;
                        retries += 1;
                    }
                    None => return Err(e),
                },
            }
        }
    }

    /// The answer boot.js asked for, judged like one of ours, within the same timeout (past
    /// it boot.js still reads the body to its end: nobody is hung up on).
    async fn adopt(&self, url: &str, early: js_sys::Promise) -> Result<String, ApiError> {
        use futures::future::{select, Either};
        let answer = Box::pin(prefetch::answer(early));
        match select(answer, TimeoutFuture::new(self.timeout_ms)).await {
            Either::Left((Ok(a), _)) => self.judge(url, a.status, a.request_id, a.body),
            Either::Left((Err(message), _)) => Err(ApiError::new(
                ErrorKind::Network,
                &self.source,
                url,
                message,
            )),
            Either::Right(_) => Err(timeout_error(&self.source, url, self.timeout_ms)),
        }
    }

    /// POST `body` (JSON) to `url` once: an action is never repeated behind the user's back,
    /// not even after a timeout (the server may have done it), and is not abandoned when the
    /// page that sent it goes away. A failure is the user's to retry.
    pub async fn post_json(&self, url: &str, body: &str) -> Result<String, ApiError> {
        self.attempt(url, Some(body)).await
    }

    /// A sign-in or sign-out: GET `url` once, with `authorization` (HTTP Basic) if given,
    /// without following the redirect Buildbot answers with (to its own, other-origin URL).
    /// The session cookie comes with that redirect. `Ok` when the server took it.
    pub async fn session_request(
        &self,
        url: &str,
        authorization: Option<&str>,
    ) -> Result<(), ApiError> {
        let controller = AbortController::new().ok();
        let _timer = controller
            .clone()
            .map(|c| Timeout::new(self.timeout_ms, move || c.abort()));
        let signal = controller.as_ref().map(|c| c.signal());
        let mut builder = Request::get(url)
            .redirect(web_sys::RequestRedirect::Manual)
            .abort_signal(signal.as_ref());
        if let Some(a) = authorization {
            builder = builder.header("Authorization", a);
        }
        let request = builder
            .build()
            .map_err(|e| ApiError::new(ErrorKind::Network, &self.source, url, e.to_string()))?;
        let response = request.send().await.map_err(|e| {
            if signal.as_ref().is_some_and(|s| s.aborted()) {
                timeout_error(&self.source, url, self.timeout_ms)
            } else {
                ApiError::new(ErrorKind::Network, &self.source, url, network_message(&e))
            }
        })?;
        let status = response.status();
        // A manual redirect is an opaque answer with status 0.
        if response.type_() == web_sys::ResponseType::Opaqueredirect || (200..400).contains(&status)
        {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        let mut e = answer_error(
            &self.source,
            url,
            status,
            &body,
            ServerError::default(),
            None,
        );
        if status == 401 || status == 403 {
            e.message = "the username or password was not accepted".to_string();
        }
        Err(e)
    }

    async fn attempt(&self, url: &str, post: Option<&str>) -> Result<String, ApiError> {
        let controller = AbortController::new().ok();
        let mut guard = AbortOnDrop {
            controller: controller
                .clone()
                .filter(|_| self.abort_on_drop && post.is_none()),
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
        let mut builder = match post {
            None => Request::get(url),
            Some(_) => Request::post(url).header("Content-Type", "application/json"),
        }
        .header("Accept", "application/json")
        .abort_signal(signal.as_ref());
        if self.auth == AuthMode::Token {
            if let Some(token) = auth::token(&self.source_id) {
                builder = builder.header("X-Auth-Token", &token);
            }
        }
        let request = match post {
            None => builder.build(),
            Some(body) => builder.body(body.to_string()),
        }
        .map_err(|e| ApiError::new(ErrorKind::Network, &self.source, url, e.to_string()))?;
        let result = request.send().await;
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                guard.finished = true;
                return Err(if timed_out.get() {
                    timeout_error(&self.source, url, self.timeout_ms)
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
        self.judge(url, status, request_id, body)
    }

    /// What an answer means: its body, or the error naming source, status and server code.
    fn judge(
        &self,
        url: &str,
        status: u16,
        request_id: Option<String>,
        body: String,
    ) -> Result<String, ApiError> {
        let class = classify(status);
        let server = if class == StatusClass::Success {
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
        if class == StatusClass::Unauthorized && self.auth == AuthMode::Token {
            auth::request_token(&self.source_id, &self.source);
        }
        Err(answer_error(
            &self.source,
            url,
            status,
            &body,
            server,
            request_id,
        ))
    }
}

fn network_message(e: &gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(js) => format!("{}: {}", js.name, js.message),
        other => other.to_string(),
    }
}
