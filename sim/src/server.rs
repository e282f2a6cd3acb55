//! The HTTP loop: auth, faults, the control API and routing.

use crate::codearts as ca;
use crate::codearts_log as cl;
use crate::faults::{self, FaultKind};
use crate::http::{control_error, internal_error, not_found, Family, Reply, Req};
use crate::servicestage as ss;
use crate::state::{Ctx, State};
use crate::timefmt::now_ms;
use serde_json::{json, Value};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Largest request body read.
const MAX_BODY: u64 = 1 << 20;

/// Handle one request completely: control API, auth, faults, routing.
pub fn handle(ctx: &Ctx, req: &Req) -> Reply {
    let family = req.family();
    if ctx.cfg.cors && req.method == "OPTIONS" {
        return Reply::raw(204, "");
    }
    if family == Family::Control {
        return control(ctx, req);
    }
    if let Some(expected) = &ctx.cfg.token {
        match &req.token {
            None => {
                return faults::unauthorized(
                    "Incorrect IAM authentication information: x-auth-token not found",
                )
            }
            Some(t) if t != expected => {
                return faults::unauthorized(
                    "Incorrect IAM authentication information: decrypt token fail",
                )
            }
            Some(_) => {}
        }
    }
    let fault = faults::take(&mut ctx.lock().faults, &req.url);
    match fault {
        None => route(ctx, req),
        Some((FaultKind::Slow, delay)) => {
            std::thread::sleep(Duration::from_millis(delay));
            route(ctx, req)
        }
        Some((FaultKind::Malformed, _)) => {
            let mut r = route(ctx, req);
            r.status = 200;
            match r.stream.as_mut() {
                // A download cut short: half the file, then the connection ends.
                Some(s) => s.left /= 2,
                None => r.body = faults::truncate(&r.body),
            }
            r
        }
        Some((kind, _)) => faults::reply(kind, family).unwrap_or_else(|| route(ctx, req)),
    }
}

fn route(ctx: &Ctx, req: &Req) -> Reply {
    let now = now_ms();
    let segs: Vec<&str> = req.segs.iter().map(String::as_str).collect();
    if req.method == "GET" {
        if let Some(reply) = crate::synthetic::route(&segs, &req.query) {
            return reply;
        }
    }
    if let Some(r) = ctx
        .cfg
        .xss
        .as_ref()
        .and_then(|c| c.route(&req.method, &segs, &req.query, now))
    {
        return r;
    }
    match (req.method.as_str(), segs.as_slice()) {
        // CodeArts Build
        ("GET", ["v1", "record", id, "full-stages"]) => ca::full_stages(ctx, req, id, now),
        ("GET", ["v1", "record", id, "info"]) => ca::record(ctx, id, now),
        ("GET", ["v1", "record", job, no, "record-info"]) => {
            ca::record_info(ctx, job, no, true, now)
        }
        ("GET", ["v3", "jobs", job, no, "record-info"]) => {
            ca::record_info(ctx, job, no, false, now)
        }
        ("GET", ["v3", "jobs", job, "history"]) => ca::history(ctx, req, job, now),
        ("GET", ["v3", "jobs", job, "status"]) => ca::job_status(ctx, job, now),
        ("GET", ["v1", "job", job, "running-status"]) => ca::running_status(ctx, job, now),
        ("GET", ["v3", "jobs", job, no, "real-time-log"]) => {
            cl::v3_real_time_log(ctx, req, job, no, now)
        }
        ("GET", ["v1", "log", "stage", "page"]) => cl::stage_page(ctx, req, now),
        ("GET", ["v1", "log", "task", "page"]) => cl::step_page(ctx, req, false, now),
        ("GET", ["v1", "log", "task", "step"]) => cl::step_page(ctx, req, true, now),
        ("GET", ["v1", "log", job, no, "real-time-log"]) => {
            cl::v1_real_time_log(ctx, req, job, no, now)
        }
        ("GET", ["v1", "log", id, "download-log"] | ["v3" | "v4", id, "download-log"]) => {
            cl::download(ctx, req, id, now)
        }
        ("GET", ["v4", id, "task-log"]) => cl::task_download(ctx, req, id, now),
        ("POST", ["v3", "jobs", "build"]) => ca::run_job(ctx, req, now),
        ("POST", ["v3", "jobs", job, no, "stop"]) => ca::stop_build(ctx, job, no, now),
        ("GET", ["v3", project, "jobs"]) => ca::job_list(ctx, req, project, now),
        // ServiceStage
        ("GET", ["assembling", "v1", "jobs"]) => ss::jobs(req),
        ("GET", ["assembling", "v1", "jobs", job, "builds"]) => ss::builds(ctx, req, job, now),
        ("POST", ["assembling", "v1", "jobs", job, "builds"]) => ss::start(ctx, job, now),
        ("GET", ["assembling", "v1", "builds", id]) => ss::detail(ctx, id, now),
        ("GET", ["assembling", "v1", "builds", id, "phases"]) => ss::phases(ctx, id, now),
        ("GET", ["assembling", "v1", "builds", id, "logs"]) => ss::logs(ctx, req, id, now),
        _ => not_found(req.family()),
    }
}

/// `/__sim/...`: faults, reset, health. Never needs a token.
fn control(ctx: &Ctx, req: &Req) -> Reply {
    let segs: Vec<&str> = req.segs.iter().map(String::as_str).collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["__sim", "health"]) => Reply::json(200, &json!({"status": "ok"})),
        ("GET", ["__sim", "faults"]) => {
            let list: Vec<Value> = ctx.lock().faults.iter().map(|f| f.to_json()).collect();
            Reply::json(200, &json!({ "faults": list }))
        }
        ("POST", ["__sim", "faults"]) => match faults::parse_request(&req.body) {
            Ok(mut f) => {
                let mut st = ctx.lock();
                f.id = st.next_fault_id;
                st.next_fault_id += 1;
                let v = f.to_json();
                st.faults.push(f);
                Reply::json(201, &v)
            }
            Err(msg) => control_error(400, &msg),
        },
        ("DELETE", ["__sim", "faults"]) => {
            let mut st = ctx.lock();
            let n = st.faults.len();
            st.faults.clear();
            Reply::json(200, &json!({ "cleared": n }))
        }
        ("POST", ["__sim", "reset"]) => {
            let now = now_ms();
            let mut st = ctx.lock();
            let next = st.next_fault_id;
            *st = State::seeded(now);
            st.next_fault_id = next;
            Reply::json(200, &json!({"reset": true}))
        }
        (_, ["__sim", "health" | "faults" | "reset"]) => control_error(405, "method not allowed"),
        _ => not_found(Family::Control),
    }
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A random-looking version-4 UUID for `X-Request-Id`.
pub fn request_id() -> String {
    let n = REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed);
    let seed = (now_ms() as u64) ^ (u64::from(std::process::id()) << 32);
    let a = splitmix(seed ^ n.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let b = splitmix(a ^ n);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn serve_one(ctx: &Ctx, mut request: tiny_http::Request) {
    let mut body = Vec::new();
    let _ = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
    let token = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("X-Auth-Token"))
        .map(|h| h.value.as_str().to_string());
    let req = Req::new(request.method().as_str(), request.url(), body, token);
    let reply = catch_unwind(AssertUnwindSafe(|| handle(ctx, &req)))
        .unwrap_or_else(|_| internal_error(req.family()));

    let mut headers: Vec<tiny_http::Header> = Vec::new();
    headers.extend(header("Content-Type", reply.content_type));
    headers.extend(header("X-Request-Id", &request_id()));
    headers.extend(header("Server", "api-gateway"));
    for (k, v) in &reply.headers {
        headers.extend(header(k, v));
    }
    if ctx.cfg.cors {
        headers.extend(header("Access-Control-Allow-Origin", "*"));
        headers.extend(header(
            "Access-Control-Allow-Methods",
            "GET, POST, DELETE, OPTIONS",
        ));
        headers.extend(header(
            "Access-Control-Allow-Headers",
            "X-Auth-Token, Content-Type",
        ));
        headers.extend(header(
            "Access-Control-Expose-Headers",
            "X-Request-Id, Retry-After",
        ));
    }
    let status = tiny_http::StatusCode(reply.status);
    let _ = match reply.stream {
        Some(stream) => {
            let len = usize::try_from(stream.left).ok();
            let r = tiny_http::Response::new(status, headers, stream, len, None);
            // A known length goes out as Content-Length (a download shows its progress).
            request.respond(r.with_chunked_threshold(usize::MAX))
        }
        None => {
            let data = reply.body.into_bytes();
            let len = data.len();
            let body = std::io::Cursor::new(data);
            let r = tiny_http::Response::new(status, headers, body, Some(len), None);
            request.respond(r.with_chunked_threshold(usize::MAX))
        }
    };
}

/// Set by SIGTERM/SIGINT.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_signal_handlers() {
    let handler = on_signal as extern "C" fn(libc::c_int);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
    }
}

/// Bind `listen`, print the ready line, serve until SIGTERM/SIGINT.
pub fn run(listen: &str, ctx: Ctx) -> Result<(), String> {
    install_signal_handlers();
    let server =
        tiny_http::Server::http(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_else(|| listen.to_string());
    if let Some(ip) = server.server_addr().to_ip() {
        if !ip.ip().is_loopback() {
            eprintln!("buildscope-sim: warning: {ip} is not a loopback address");
        }
    }
    println!("buildscope-sim listening on http://{addr}");
    use std::io::Write;
    let _ = std::io::stdout().flush();

    let ctx = Arc::new(ctx);
    while !STOP.load(Ordering::SeqCst) {
        match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => {
                let ctx = Arc::clone(&ctx);
                let spawned = std::thread::Builder::new()
                    .name("sim-request".into())
                    .spawn(move || serve_one(&ctx, request));
                if let Err(e) = spawned {
                    eprintln!("buildscope-sim: cannot start a request thread: {e}");
                }
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("buildscope-sim: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    println!("buildscope-sim: shutting down");
    let _ = std::io::stdout().flush();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Config;

    fn ctx(token: Option<&str>) -> Ctx {
        Ctx::new(
            Config {
                stage_ms: 1000,
                token: token.map(String::from),
                cors: false,
                ..Config::default()
            },
            now_ms(),
        )
    }

    fn get(ctx: &Ctx, url: &str) -> Reply {
        handle(ctx, &Req::new("GET", url, vec![], None))
    }

    #[test]
    fn request_ids_look_like_uuids() {
        let a = request_id();
        let b = request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn garbage_never_panics() {
        let c = ctx(None);
        let urls = [
            "",
            "/",
            "//",
            "/v1/record//full-stages",
            "/v3/jobs/%ff%fe/99999999999999999999/record-info",
            "/v3/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f01/4/real-time-log?offset=-1",
            "/v3/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f01/4/real-time-log?offset=1e9&length=x",
            "/v3/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f01/history?offset=99999999&limit=100",
            "/v3/c0ffee00c0ffee00c0ffee00c0ffee00/jobs?page_index=2147483647&page_size=100",
            "/assembling/v1/jobs?page=1000000&per_page=1000",
            "/assembling/v1/builds/x/logs?from=%",
            "/v1/record/5eed0001-0000-4000-8000-000000000004/full-stages?cascade=maybe",
        ];
        for u in urls {
            let r = get(&c, u);
            assert!(r.status >= 200 && r.status < 500, "{u}: {}", r.status);
        }
        for body in [&b""[..], b"{", b"[]", b"{\"job_id\":5}", b"\xff\xfe"] {
            let r = handle(&c, &Req::new("POST", "/v3/jobs/build", body.to_vec(), None));
            assert_eq!(r.status, 400);
            let r = handle(&c, &Req::new("POST", "/__sim/faults", body.to_vec(), None));
            assert_eq!(r.status, 400);
        }
    }

    #[test]
    fn auth() {
        let c = ctx(Some("s3cret"));
        let r = get(&c, "/v3/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f01/status");
        assert_eq!(r.status, 401);
        assert!(r.body.contains("APIGW.0301"));
        let ok = handle(
            &c,
            &Req::new(
                "GET",
                "/v3/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f01/status",
                vec![],
                Some("s3cret".into()),
            ),
        );
        assert_eq!(ok.status, 200);
        assert_eq!(get(&c, "/__sim/health").status, 200);
    }
}
