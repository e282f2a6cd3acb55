//! Black-box tests of every log endpoint: shapes, offsets in bytes, DESC tails, characters
//! cut at chunk boundaries, empty chunks with more to come, downloads, parameter errors,
//! faults and the XSS corpus.

mod common;

use buildscope_sim::log::content::SYNTHETIC_TOKENS;
use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const BIG: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f04";
const GROWING: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f05";
const SYNTH_PROJECT: &str = "5717e71c5717e71c5717e71c5717e71c";

/// The `result` of a v1 `{status, error, result}` answer, checking the envelope.
fn result(sim: &Sim, path: &str) -> Value {
    let r = sim.get(path);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "success", "{path}");
    assert!(v["error"].is_null(), "{path}");
    assert_eq!(v.as_object().unwrap().len(), 3, "{path}");
    v["result"].clone()
}

/// `(start_offset, end_offset, log, has_more)` of a v1 log answer, checking its shape.
fn page(sim: &Sim, path: &str) -> (u64, u64, String, bool) {
    let r = result(sim, path);
    let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["end_offset", "has_more", "location", "log", "start_offset"],
        "{path}"
    );
    assert_eq!(r["location"], "jenkins");
    (
        r["start_offset"]
            .as_u64()
            .expect("start_offset is a number"),
        r["end_offset"].as_u64().expect("end_offset is a number"),
        r["log"].as_str().unwrap().to_string(),
        r["has_more"].as_bool().unwrap(),
    )
}

fn full_log(sim: &Sim, job: &str, build: u64) -> String {
    let r = result(
        sim,
        &format!("/v3/jobs/{job}/{build}/real-time-log?offset=0"),
    );
    assert_eq!(r["has_more_data"], false);
    r["content"].as_str().unwrap().to_string()
}

/// Status and headers of a GET, without reading the (possibly 100 MB) body.
fn head_of(sim: &Sim, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(&sim.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut b).unwrap(), 1, "headers end");
        head.push(b[0]);
    }
    let text = String::from_utf8(head).unwrap();
    let status = text[9..12].parse().unwrap();
    (status, text)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn desc_reads_the_tail_of_the_million_line_log_directly() {
    let sim = Sim::start(&[]);
    let jobs = sim.get(&format!("/v3/{SYNTH_PROJECT}/jobs")).json();
    assert_eq!(jobs["total"], 3, "1M, growing, 10M");
    assert_eq!(jobs["jobs"][0]["id"], BIG);
    let base = format!("/v1/log/{BIG}/1/real-time-log");
    let (start, total, tail, more) = page(&sim, &format!("{base}?sort=DESC&size=12"));
    assert!(more, "earlier lines remain");
    assert_eq!(tail.lines().count(), 12);
    assert!(tail.ends_with("Finished: FAILED\n"));
    assert!(SYNTHETIC_TOKENS.iter().all(|t| tail.contains(t)));
    assert!(total > 90_000_000, "{total} bytes");
    // The 10M-line job: the same log, ten times as long, and its tail read as directly.
    let big10 = "a1b2c3d4e5f60718293a4b5c6d7e8f06";
    let (_, total10, tail10, _) = page(
        &sim,
        &format!("/v1/log/{big10}/1/real-time-log?sort=DESC&size=3"),
    );
    assert!(tail10.ends_with("Finished: FAILED\n"));
    assert!(
        total10 > 9 * total && total10 < 11 * total,
        "{total10} vs {total}"
    );
    // The same chunk read forwards; then further back, contiguously.
    assert_eq!(
        page(&sim, &format!("{base}?start_offset={start}&size=12")),
        (start, total, tail.clone(), false)
    );
    let (before, end, prev, _) = page(
        &sim,
        &format!("{base}?end_offset={start}&sort=DESC&size=1000"),
    );
    assert_eq!(end, start);
    assert_eq!(prev.lines().count(), 1000);
    assert!(!SYNTHETIC_TOKENS.iter().any(|t| prev.contains(t)));
    assert!(prev.contains("[ERROR]"), "errors near the end");
    assert!(before < start);
    // The head: timestamped lines, every 1000th line of the body an ERROR.
    let (_, _, head, more) = page(&sim, &format!("{base}?start_offset=0&size=1100"));
    assert!(more);
    assert_eq!(head.lines().count(), 1100);
    assert!(head
        .lines()
        .all(|l| l.starts_with("[20") && l.contains(" GMT+08:00] ")));
    assert!(head.contains("[ERROR] [Maven构建:external_post_maven] : \u{1b}[1;31mitem"));
    assert!(head.contains('🚀') && head.contains("模块"));
    // The whole-build page reads the same log, 1000 lines at a time.
    let (_, _, p, _) = page(
        &sim,
        &format!("/v1/log/stage/page?job_id={BIG}&build_no=1&start_offset=0&end_offset=0"),
    );
    assert_eq!(p.lines().count(), 1000);
    assert!(head.starts_with(&p));
    // The download has every byte.
    let record = ca_record(4, 1);
    let (status, h) = head_of(&sim, &format!("/v4/{record}/download-log"));
    assert_eq!(status, 200);
    assert_eq!(
        header(&h, "Content-Length"),
        Some(total.to_string().as_str())
    );
    // Its stages and steps are a build like any other.
    let fs = result(
        &sim,
        &format!("/v1/record/{record}/full-stages?cascade=true"),
    );
    assert_eq!(fs["build_stages"]["stage3"]["status"], "FAILED");
}

#[test]
fn v1_offsets_are_bytes_and_may_cut_characters() {
    let sim = Sim::start(&[]);
    let full = full_log(&sim, CA_FAIL, 2);
    let base = format!("/v1/log/{CA_FAIL}/2/real-time-log");
    let (s, e, log, more) = page(&sim, &format!("{base}?size=1000"));
    assert_eq!(
        (s, e, log.as_str(), more),
        (0, full.len() as u64, full.as_str(), false)
    );
    // Start one byte into "构" of the first "Maven构建": the line's rest, its first two
    // bytes' character shown as two U+FFFD (one per continuation byte).
    let at = full.find('构').unwrap() + 1;
    let (s, e, log, _) = page(&sim, &format!("{base}?start_offset={at}&size=1"));
    assert_eq!(s, at as u64);
    let line_end = at + full[at + 2..].find('\n').unwrap() + 3;
    assert_eq!(e, line_end as u64);
    assert_eq!(log, format!("\u{fffd}\u{fffd}{}", &full[at + 2..line_end]));
    // End one byte into it: the cut character is one U+FFFD.
    let (_, e, log, more) = page(&sim, &format!("{base}?end_offset={at}&size=1000"));
    assert_eq!(e, at as u64);
    assert_eq!(log, format!("{}\u{fffd}", &full[..at - 1]));
    assert!(more);
    // Every chunk of a walk by 7 lines is whole lines, and they add up to the log.
    let mut got = String::new();
    let mut next = 0;
    loop {
        let (s, e, log, more) = page(&sim, &format!("{base}?start_offset={next}&size=7"));
        assert_eq!(s, next);
        assert!(log.lines().count() <= 7 && (log.ends_with('\n') || log.is_empty()));
        got.push_str(&log);
        next = e;
        if !more {
            break;
        }
    }
    assert_eq!(got, full);
}

#[test]
fn step_logs_use_the_full_stages_step_ids() {
    let sim = Sim::start(&[]);
    let record = ca_record(2, 2);
    let full = full_log(&sim, CA_FAIL, 2);
    let fs = result(
        &sim,
        &format!("/v1/record/{record}/full-stages?cascade=true"),
    );
    let mut stages: Vec<&Value> = fs["build_stages"].as_object().unwrap().values().collect();
    stages.sort_by_key(|s| s["sequence"].as_u64());
    let mut total = 0;
    let mut joined = String::new();
    for stage in stages {
        for step in stage["steps"].as_array().unwrap() {
            let id = step["id"].as_str().unwrap();
            let q = format!("job_id={CA_FAIL}&build_no=2&step_id={id}&start_offset=0&end_offset=0");
            let (s, e, log, more) = page(&sim, &format!("/v1/log/task/page?{q}"));
            assert_eq!((s, e, more), (0, log.len() as u64, false), "{id}");
            assert!(!log.is_empty() && full.contains(&log), "{id}");
            let name = step["name"].as_str().unwrap();
            assert_eq!(
                log.contains("[ERROR] BUILD FAILURE"),
                name == "mvn test",
                "{name}"
            );
            // The running-step variant, with a size.
            let (_, _, two, _) = page(&sim, &format!("/v1/log/task/step?{q}&size=2"));
            assert_eq!(two.lines().count(), 2.min(log.lines().count()));
            assert!(log.starts_with(&two));
            total += log.len();
            joined.push_str(&log);
        }
    }
    // The steps hold every line but the queue, schedule and finish lines.
    let others: usize = full
        .lines()
        .filter(|l| {
            l.contains("[排队:queue]")
                || l.contains("[调度:schedule]")
                || l.contains("[结束:finish]")
        })
        .map(|l| l.len() + 1)
        .sum();
    assert_eq!(total + others, full.len());
    assert!(joined.contains("mvn") || joined.contains("Maven构建"));
    // DESC on a step log: its last line.
    let id = fs["build_stages"]["stage3"]["steps"][1]["id"]
        .as_str()
        .unwrap();
    let (_, _, last, _) = page(
        &sim,
        &format!("/v1/log/task/step?job_id={CA_FAIL}&build_no=2&step_id={id}&start_offset=0&end_offset=0&sort=DESC&size=1"),
    );
    assert!(last.contains("Maven finished, status: FAILED"), "{last}");
}

#[test]
fn downloads_are_files() {
    let sim = Sim::start(&[]);
    let record = ca_record(2, 2);
    let full = full_log(&sim, CA_FAIL, 2);
    for path in [
        format!("/v4/{record}/download-log"),
        format!("/v4/{record}/download-log?log_level=DEBUG"),
        format!("/v3/{record}/download-log"),
        format!("/v1/log/{record}/download-log?log_level=INFO&compress=false"),
    ] {
        let r = sim.get(&path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some("application/octet-stream"));
        assert_eq!(
            r.header("Content-Disposition"),
            Some("attachment; filename=\"sim-maven-failure-2.log\"")
        );
        assert_eq!(r.body, full, "{path}");
    }
    let r = sim.get(&format!("/v4/{record}/task-log?task_name=stage3"));
    assert_eq!(r.status, 200);
    assert!(r.body.lines().all(|l| l.contains("GMT+08:00]")));
    assert!(r.body.contains("[ERROR] BUILD FAILURE") && !r.body.contains("git clone"));
    assert!(full.contains(&r.body));
}

#[test]
fn bad_parameters_get_the_documented_errors() {
    let sim = Sim::start(&[]);
    let q = format!("job_id={CA_OK}&build_no=1");
    let rec = ca_record(1, 1);
    for p in [
        format!("/v1/log/{CA_OK}/1/real-time-log"),
        format!("/v1/log/{CA_OK}/1/real-time-log?size=x"),
        format!("/v1/log/{CA_OK}/1/real-time-log?size=10&sort=ASC"),
        format!("/v1/log/{CA_OK}/1/real-time-log?size=10&start_offset=-1"),
        format!("/v1/log/{CA_OK}/1/real-time-log?size=10&start_offset=9&end_offset=3"),
        format!("/v1/log/{CA_OK}/0/real-time-log?size=10"),
        format!("/v1/log/{CA_OK}/abc/real-time-log?size=10"),
        "/v1/log/stage/page?build_no=1&start_offset=0&end_offset=0".to_string(),
        format!("/v1/log/stage/page?job_id={CA_OK}&start_offset=0&end_offset=0"),
        format!("/v1/log/stage/page?{q}&end_offset=0"),
        format!("/v1/log/stage/page?{q}&start_offset=0"),
        format!("/v1/log/task/page?{q}&start_offset=0&end_offset=0"),
        format!("/v1/log/task/step?{q}&step_id=x&start_offset=0&end_offset=0"),
        format!("/v3/jobs/{CA_OK}/1/real-time-log?offset=0&length=-5"),
        format!("/v4/{rec}/download-log?log_level=TRACE"),
        format!("/v1/log/{rec}/download-log?compress=true"),
        format!("/v1/log/{rec}/download-log?compress=yes"),
        format!("/v4/{rec}/task-log"),
    ] {
        let r = sim.get(&p);
        assert_eq!(r.status, 400, "{p}: {}", r.body);
        let v = r.json();
        assert_eq!(v["error_code"], "CB.00060200", "{p}");
        assert!(v["error_msg"]
            .as_str()
            .unwrap()
            .starts_with("Invalid param"));
        assert_eq!(v.as_object().unwrap().len(), 2);
    }
    let not_found = json!({"error_code": "CB.00060214", "error_msg": "URL not found"});
    for p in [
        format!("/v1/log/{CA_OK}/99/real-time-log?size=10"),
        "/v1/log/ffffffffffffffffffffffffffffffff/1/real-time-log?size=10".to_string(),
        format!("/v1/log/stage/page?job_id={CA_OK}&build_no=99&start_offset=0&end_offset=0"),
        format!("/v1/log/task/page?{q}&step_id=nope&start_offset=0&end_offset=0"),
        "/v4/00000000-0000-0000-0000-000000000000/download-log".to_string(),
        "/v1/log/00000000-0000-0000-0000-000000000000/download-log".to_string(),
        format!("/v4/{rec}/task-log?task_name=nope"),
    ] {
        let r = sim.get(&p);
        assert_eq!(r.status, 404, "{p}");
        assert_eq!(r.json(), not_found, "{p}");
    }
    let r = sim.get("/assembling/v1/builds/x/logs?from=-1");
    assert_eq!(r.json()["error_code"], "SVCSTG.CPE.5004400");
    // Nothing odd makes it fail.
    for p in [
        "/v1/log/task/page?job_id=&build_no=&step_id=&start_offset=&end_offset=",
        "/v1/log/%ff/%fe/real-time-log?size=99999999999999999999",
        "/v1/log/stage/page?job_id=x&build_no=2147483647&start_offset=2147483647&end_offset=2147483647&sort=DESC",
        "/v4//download-log",
        "/v4/x/task-log?task_name=%00",
    ] {
        let r = sim.get(p);
        assert!((400..500).contains(&r.status), "{p}: {}", r.status);
    }
    let (s, e, log, more) = page(
        &sim,
        &format!("/v1/log/{CA_OK}/1/real-time-log?size=10&start_offset=2147483647"),
    );
    assert_eq!(
        (s, e, log.as_str(), more),
        (2_147_483_647, 2_147_483_647, "", false)
    );
}

#[test]
fn running_logs_grow_and_give_empty_chunks_with_more_to_come() {
    let sim = Sim::start(&[]);
    let r = sim.post("/v3/jobs/build", &json!({"job_id": CA_OK}).to_string());
    let no = r.json()["actual_build_number"]
        .as_str()
        .unwrap()
        .to_string();
    // Queued: one line so far, then nothing new for the next 3 s, and more to come.
    let first = result(
        &sim,
        &format!("/v3/jobs/{CA_OK}/{no}/real-time-log?offset=0"),
    );
    let at = first["offset"].as_u64().unwrap();
    assert!(at > 0);
    let again = result(
        &sim,
        &format!("/v3/jobs/{CA_OK}/{no}/real-time-log?offset={at}"),
    );
    assert_eq!(again["content"], "");
    assert_eq!(again["has_more_data"], true);
    assert_eq!(again["offset"], at);
    let (s, e, log, more) = page(
        &sim,
        &format!("/v1/log/{CA_OK}/{no}/real-time-log?start_offset={at}&size=1000"),
    );
    assert_eq!((s, e, log.as_str(), more), (at, at, "", true));
    // ServiceStage: the banner and the queue line, then nothing while it queues.
    let ss = sim
        .post(&format!("/assembling/v1/jobs/{SS_OK}/builds"), "")
        .json();
    let id = ss["build_id"].as_str().unwrap();
    let mut from = 0;
    loop {
        let v = sim
            .get(&format!("/assembling/v1/builds/{id}/logs?from={from}"))
            .json();
        if v["buildlog"] == "" {
            assert_eq!(v["next"], from);
            assert!(v["phase_states"].as_str().unwrap().starts_with("Queuing"));
            break;
        }
        from = v["next"].as_u64().unwrap();
    }
    assert!(from > 250);
    // The growing synthetic log: running for ever, a line each millisecond.
    let base = format!("/v1/log/{GROWING}/1/real-time-log?sort=DESC&size=1");
    // Its Maven stage starts 4.2 s after the simulator.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let a = loop {
        let (_, a, line, _) = page(&sim, &base);
        if line.contains(" item ") {
            break a;
        }
        assert!(std::time::Instant::now() < deadline, "{line}");
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_millis(100));
    let (_, b, _, _) = page(&sim, &base);
    assert!(b > a, "{a} -> {b}");
    let (_, _, _, more) = page(
        &sim,
        &format!("/v1/log/{GROWING}/1/real-time-log?start_offset={b}&size=1"),
    );
    assert!(more);
}

#[test]
fn faults_reach_the_log_endpoints() {
    let sim = Sim::start(&[]);
    let add = |body: Value| assert_eq!(sim.post("/__sim/faults", &body.to_string()).status, 201);
    let path = format!("/v1/log/stage/page?job_id={CA_OK}&build_no=1&start_offset=0&end_offset=0");
    add(json!({"match": "/v1/log/stage/page", "fault": "500", "times": 1}));
    let r = sim.get(&path);
    assert_eq!(
        (r.status, r.json()["error_code"].as_str()),
        (500, Some("CB.00060101"))
    );
    add(json!({"match": "/v1/log/stage/page", "fault": "throttle", "times": 1}));
    let r = sim.get(&path);
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error_code"], "CB.00060211");
    assert_eq!(r.header("Retry-After"), Some("1"));
    assert_eq!(sim.get(&path).status, 200);
    // A download cut short.
    let record = ca_record(1, 1);
    let whole = sim.get(&format!("/v4/{record}/download-log")).body;
    add(json!({"match": "download-log", "fault": "malformed", "times": 1}));
    let cut = sim.get(&format!("/v4/{record}/download-log"));
    assert_eq!(cut.status, 200);
    assert_eq!(cut.body.len(), whole.len() / 2);
    add(json!({"match": "/logs?from", "fault": "html502", "times": 1}));
    let r = sim.get(&format!(
        "/assembling/v1/builds/{}/logs?from=0",
        ss_build(1, 1)
    ));
    assert_eq!(r.status, 502);
}

#[test]
fn xss_vectors_reach_every_log() {
    let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/../harness/xss-vectors.json");
    let sim = Sim::start(&["--xss-vectors", vectors]);
    let all: Vec<String> =
        serde_json::from_str::<Value>(&std::fs::read_to_string(vectors).unwrap()).unwrap()
            ["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["text"].as_str().unwrap().to_string())
            .collect();
    let job = "e55e0000e55e0000e55e0000e55e0001";
    let record = "e55e0000-0000-4000-8000-000000000001";
    let (_, _, log, more) = page(&sim, &format!("/v1/log/{job}/1/real-time-log?size=1000"));
    assert!(!more);
    let v3 = result(&sim, &format!("/v3/jobs/{job}/1/real-time-log?offset=0"));
    assert_eq!(v3["content"], log.as_str());
    let dl = sim.get(&format!("/v4/{record}/download-log")).body;
    assert_eq!(dl, log);
    for v in &all {
        assert!(log.contains(&format!("[{v}:xss] : {v}\n")), "{v:?}");
    }
    let step = "e55e57e9-0000-4000-8000-000000000000";
    let (_, _, one, _) = page(
        &sim,
        &format!(
            "/v1/log/task/page?job_id={job}&build_no=1&step_id={step}&start_offset=0&end_offset=0"
        ),
    );
    assert_eq!(one.lines().nth(1), Some(all[0].as_str()));
    let r = sim.get("/v4/e55e0000-0000-4000-8000-0000000000e4/download-log");
    assert_eq!(r.status, 400);
    assert!(r.json()["error_msg"].as_str().unwrap().contains(&all[1]));
    let ss = sim
        .get("/assembling/v1/builds/e55e0000e55e0000e55e0000e55e0000e55e0b01/logs?from=0")
        .json();
    assert!(ss["buildlog"].as_str().unwrap().contains(&all[2]));
}
