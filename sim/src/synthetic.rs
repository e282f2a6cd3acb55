//! A **synthetic** Buildbot-compatible log source, for the log viewer's 10M-line benchmark only
//! (`make bench`); it is labelled as synthetic wherever it appears. A real master needs about
//! 50 minutes to store 10M lines, so this answers the handful of Buildbot data API paths the
//! log page reads, under `/synthetic-buildbot/api/v2/`, with generated logs:
//!
//! | build / step / log id | lines |
//! |---|---|
//! | 1 | [`TEN_MILLION`] |
//! | 2 | [`ONE_MILLION`] (same generator, to compare memory at 1M and 10M) |
//! | 3 | growing by [`GROWTH_PER_SEC`] lines a second from the first request, never complete (`make soak`) |
//!
//! Line `i` is computed from `i` (a biglog-like stdio line with ANSI colour, every 100th on
//! stderr), so any `contents?offset&limit` window costs O(limit) and nothing is stored. The
//! JSON shapes are those of the recorded Buildbot 4.3 fixtures.

use crate::http::Reply;
use serde_json::{json, Value};
use std::fmt::Write;

pub const TEN_MILLION: u64 = 10_000_000;
pub const ONE_MILLION: u64 = 1_000_000;
/// Same cap as Buildbot's own handling of one request: a window larger than this is refused.
const MAX_WINDOW: u64 = 100_000;
/// A fixed start time, so answers are reproducible.
const STARTED_AT: i64 = 1_795_300_000;

/// Lines a second the growing log (id 3) gains: above the 2,000 lines/s `make soak` asks for.
pub const GROWTH_PER_SEC: u64 = 2_500;

/// When the growing log started: the first request that asked about it.
static GROWTH_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn lines_of(id: i64) -> Option<u64> {
    match id {
        1 => Some(TEN_MILLION),
        2 => Some(ONE_MILLION),
        3 => {
            let start = GROWTH_START.get_or_init(std::time::Instant::now);
            Some((start.elapsed().as_secs_f64() * GROWTH_PER_SEC as f64) as u64)
        }
        _ => None,
    }
}

/// Whether the log (and its step and build) is finished.
fn complete(id: i64) -> bool {
    id != 3
}

/// Stored line `i` (with its stream prefix), as the master would return it.
pub fn line(i: u64, out: &mut String) {
    let stream = if i % 100 == 99 { 'e' } else { 'o' };
    let tag = match i % 50 {
        7 => "\u{1b}[1;31mFAIL\u{1b}[0m",
        n if n % 10 == 5 => "\u{1b}[33mWARN\u{1b}[0m",
        _ => "\u{1b}[32mINFO\u{1b}[0m",
    };
    let _ = writeln!(
        out,
        "{stream}line {i:08} {tag} synthetic.mod{:02}: processing item {i} status=ok",
        i % 17
    );
}

fn builder() -> Value {
    json!({"builderid": 1, "name": "synthetic-log", "description": "SYNTHETIC: generated logs for the benchmark",
           "description_format": null, "description_html": null, "masterids": [1], "projectid": null, "tags": ["synthetic"]})
}

fn build(id: i64) -> Value {
    let done = complete(id);
    json!({"buildid": id, "builderid": 1, "number": id, "buildrequestid": id, "workerid": 1, "masterid": 1,
           "started_at": STARTED_AT, "complete_at": done.then_some(STARTED_AT + 600), "complete": done,
           "results": done.then_some(0),
           "state_string": "synthetic log (simulator)", "locks_duration_s": 0,
           "properties": {"reason": ["synthetic benchmark log", "Force Build Form"], "workername": ["synthetic", "Worker"]}})
}

fn step(id: i64) -> Value {
    let done = complete(id);
    json!({"stepid": id, "buildid": id, "number": 1, "name": "synthetic log", "results": done.then_some(0), "complete": done,
           "started_at": STARTED_AT, "complete_at": done.then_some(STARTED_AT + 600), "locks_acquired_at": STARTED_AT,
           "state_string": "generated", "hidden": false, "urls": []})
}

fn log(id: i64, lines: u64) -> Value {
    json!({"logid": id, "stepid": id, "name": "stdio", "slug": "stdio", "num_lines": lines,
           "complete": complete(id), "type": "s"})
}

fn list(key: &str, items: Vec<Value>) -> Reply {
    let total = items.len();
    Reply::json(200, &json!({ key: items, "meta": {"total": total} }))
}

fn not_found(path: &str) -> Reply {
    Reply::json(404, &json!({"error": format!("Invalid path: {path}")}))
}

fn num(s: &str) -> Option<i64> {
    s.parse().ok()
}

/// Routes `/synthetic-buildbot/api/v2/<rest>`; `None` when the path is not under it.
pub fn route(segs: &[&str], query: &[(String, String)]) -> Option<Reply> {
    let rest = match segs {
        ["synthetic-buildbot", "api", "v2", rest @ ..] => rest,
        _ => return None,
    };
    let path = rest.join("/");
    let id_ok = |s: &str| num(s).filter(|id| lines_of(*id).is_some());
    Some(match rest {
        ["builders"] => list("builders", vec![builder()]),
        ["builders", "1"] | ["builders", "synthetic-log"] => list("builders", vec![builder()]),
        ["builders", "1", "builds"] => list("builds", vec![build(3), build(2), build(1)]),
        ["builds", id] => match id_ok(id) {
            Some(id) => list("builds", vec![build(id)]),
            None => not_found(&path),
        },
        ["builds", id, "steps"] => match id_ok(id) {
            Some(id) => list("steps", vec![step(id)]),
            None => not_found(&path),
        },
        ["builds", id, "steps", "1"] => match id_ok(id) {
            Some(id) => list("steps", vec![step(id)]),
            None => not_found(&path),
        },
        ["steps", id, "logs"] => match id_ok(id) {
            Some(id) => list("logs", vec![log(id, lines_of(id).unwrap_or(0))]),
            None => not_found(&path),
        },
        ["logs", id] => match id_ok(id) {
            Some(id) => list("logs", vec![log(id, lines_of(id).unwrap_or(0))]),
            None => not_found(&path),
        },
        // The master's path forms of the same log (what the app's first requests use).
        ["builds", id, "steps", "1", "logs", "stdio"] => match id_ok(id) {
            Some(id) => list("logs", vec![log(id, lines_of(id).unwrap_or(0))]),
            None => not_found(&path),
        },
        ["builds", id, "steps", "1", "logs", "stdio", "contents"] => match id_ok(id) {
            Some(id) => contents(id, lines_of(id).unwrap_or(0), query, &path),
            None => not_found(&path),
        },
        ["logs", id, "contents"] => match id_ok(id) {
            Some(id) => contents(id, lines_of(id).unwrap_or(0), query, &path),
            None => not_found(&path),
        },
        _ => not_found(&path),
    })
}

/// `contents?offset&limit` with the master's semantics (see buildbot-api-facts.md): a window
/// past the end is an empty chunk with `firstline` = offset; bad numbers are 400; a missing
/// limit reads to the end (refused here when that is too much, rather than build 1 GB).
fn contents(id: i64, total: u64, query: &[(String, String)], path: &str) -> Reply {
    let get = |k: &str| query.iter().find(|(q, _)| q == k).map(|(_, v)| v.as_str());
    let offset = match get("offset").map(str::parse::<i64>) {
        None => 0,
        Some(Ok(n)) if n >= 0 => n as u64,
        Some(Ok(_)) => return not_found(path),
        Some(Err(_)) => return Reply::json(400, &json!({"error": "invalid offset"})),
    };
    let limit = match get("limit").map(str::parse::<i64>) {
        None => total.saturating_sub(offset),
        Some(Ok(n)) if n > 0 => n as u64,
        Some(Ok(_)) => return not_found(path),
        Some(Err(_)) => return Reply::json(400, &json!({"error": "invalid limit"})),
    };
    if limit > MAX_WINDOW {
        return Reply::json(
            400,
            &json!({"error": format!("synthetic log: at most {MAX_WINDOW} lines per request")}),
        );
    }
    let end = offset.saturating_add(limit).min(total);
    let mut content = String::with_capacity(((end.saturating_sub(offset)) * 90) as usize);
    for i in offset..end {
        line(i, &mut content);
    }
    Reply::json(
        200,
        &json!({"logchunks": [{"logid": id, "firstline": offset, "content": content}], "meta": {}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn body(r: &Reply) -> Value {
        serde_json::from_str(&r.body).unwrap()
    }

    #[test]
    fn windows_follow_the_masters_offset_limit_rules() {
        let path = ["synthetic-buildbot", "api", "v2", "logs", "1", "contents"];
        let r = route(&path, &q(&[("offset", "9999998"), ("limit", "5")])).unwrap();
        let v = body(&r);
        let content = v["logchunks"][0]["content"].as_str().unwrap();
        assert_eq!(
            content.lines().count(),
            2,
            "straddles the end: the 2 remaining lines"
        );
        assert!(content.starts_with("oline 09999998 "));
        assert!(content
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("eline 09999999 "));
        let past = body(&route(&path, &q(&[("offset", "10000000"), ("limit", "5")])).unwrap());
        assert_eq!(past["logchunks"][0]["content"], "");
        assert_eq!(past["logchunks"][0]["firstline"], 10_000_000);
        assert_eq!(route(&path, &q(&[("offset", "x")])).unwrap().status, 400);
        assert_eq!(route(&path, &q(&[("limit", "0")])).unwrap().status, 404);
        assert_eq!(
            route(&path, &q(&[])).unwrap().status,
            400,
            "the whole 10M log is refused"
        );
    }

    #[test]
    fn the_log_page_paths_answer_with_buildbot_shapes() {
        let get = |p: &str| {
            let segs: Vec<&str> = p.split('/').collect();
            route(&segs, &[]).unwrap()
        };
        let logs = body(&get("synthetic-buildbot/api/v2/steps/2/logs"));
        assert_eq!(logs["logs"][0]["num_lines"], ONE_MILLION);
        assert_eq!(
            body(&get("synthetic-buildbot/api/v2/logs/1"))["logs"][0]["num_lines"],
            TEN_MILLION
        );
        assert_eq!(
            body(&get("synthetic-buildbot/api/v2/builds/1/steps"))["steps"][0]["number"],
            1
        );
        assert_eq!(get("synthetic-buildbot/api/v2/builds/4").status, 404);
        // By the page's path, as the master answers it.
        assert_eq!(
            body(&get(
                "synthetic-buildbot/api/v2/builds/2/steps/1/logs/stdio"
            ))["logs"][0]["logid"],
            2
        );
        let q0 = q(&[("offset", "0"), ("limit", "2")]);
        let segs: Vec<&str> = "synthetic-buildbot/api/v2/builds/2/steps/1/logs/stdio/contents"
            .split('/')
            .collect();
        assert_eq!(
            body(&route(&segs, &q0).unwrap())["logchunks"][0]["firstline"],
            0
        );
        // The growing log: running, and it grows.
        let grow = |p: &str| body(&get(p));
        assert_eq!(
            grow("synthetic-buildbot/api/v2/builds/3")["builds"][0]["complete"],
            false
        );
        let a = grow("synthetic-buildbot/api/v2/logs/3")["logs"][0]["num_lines"]
            .as_u64()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = grow("synthetic-buildbot/api/v2/logs/3")["logs"][0]["num_lines"]
            .as_u64()
            .unwrap();
        assert!(b > a, "{a} -> {b}");
        assert!(route(&["v1", "record"], &[]).is_none());
    }
}
