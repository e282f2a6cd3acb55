//! Black-box tests of the simulator binary: seeds, auth, faults, errors,
//! paging, control API, shutdown.

mod common;

use buildscope_sim::seed;
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

fn assert_common_headers(r: &Resp) {
    assert_eq!(
        r.header("Content-Type"),
        Some("application/json;charset=UTF-8")
    );
    let id = r.header("X-Request-Id").expect("X-Request-Id");
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(id.matches('-').count(), 4, "{id}");
}

#[test]
fn seed_examples_are_served_verbatim() {
    let sim = Sim::start(&[]);
    for id in seed::FULL_STAGES_RECORD_IDS {
        for q in ["", "?cascade=true", "?cascade=false"] {
            let r = sim.get(&format!("/v1/record/{id}/full-stages{q}"));
            assert_eq!(r.status, 200);
            assert_common_headers(&r);
            assert_eq!(r.body, seed::FULL_STAGES);
        }
    }
    for (job, no) in seed::RECORD_INFO_KEYS {
        let r = sim.get(&format!("/v3/jobs/{job}/{no}/record-info"));
        assert_eq!(r.status, 200);
        assert_eq!(r.body, seed::RECORD_INFO_V3);
        let v1 = sim.get(&format!("/v1/record/{job}/{no}/record-info"));
        assert_eq!(v1.status, 200);
        assert_eq!(v1.json()["status"], "success");
        assert_eq!(v1.json()["result"], r.json()["result"]);
    }
    let r = sim.get(&format!(
        "/assembling/v1/builds/{}/phases",
        seed::SS_PHASES_BUILD_ID
    ));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, seed::SS_PHASES);
    assert_eq!(r.json()["list"][0]["id"], 1627984);

    // The seed files are the documented examples, byte for byte.
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/api-docs");
    if docs.is_dir() {
        let read = |f: &str| std::fs::read_to_string(docs.join(f)).expect("doc page");
        assert!(read("codearts-build-full-stages.txt").contains(seed::FULL_STAGES));
        assert!(read("codearts-build-record-info.txt").contains(seed::RECORD_INFO_V3));
        assert!(read("servicestage-build-phases.txt").contains(seed::SS_PHASES));
    } else {
        eprintln!(
            "note: {} not found; skipped the doc comparison",
            docs.display()
        );
    }
}

#[test]
fn auth_token_is_required_when_configured() {
    let sim = Sim::start(&["--token", "s3cret"]);
    let path = format!("/v1/job/{CA_OK}/running-status");
    for headers in [&[][..], &[("X-Auth-Token", "wrong")][..]] {
        let r = sim.request("GET", &path, headers, None);
        assert_eq!(r.status, 401);
        assert_common_headers(&r);
        let v = r.json();
        assert_eq!(v["error_code"], "APIGW.0301");
        let msg = v["error_msg"].as_str().unwrap();
        assert!(
            msg.starts_with("Incorrect IAM authentication information: "),
            "{msg}"
        );
        assert_eq!(v.as_object().unwrap().len(), 2);
    }
    let ok = sim.request("GET", &path, &[("X-Auth-Token", "s3cret")], None);
    assert_eq!(ok.status, 200);
    // ServiceStage paths too; the control API never needs the token.
    let r = sim.get("/assembling/v1/jobs?page=1&per_page=10");
    assert_eq!(r.status, 401);
    assert_eq!(sim.get("/__sim/health").status, 200);
    assert_eq!(sim.get("/__sim/faults").status, 200);

    // SIM_TOKEN works the same way; without either there is no auth.
    let env = Sim::start_env(&[], &[("SIM_TOKEN", "from-env")]);
    assert_eq!(env.get(&path).status, 401);
    let r = env.request("GET", &path, &[("X-Auth-Token", "from-env")], None);
    assert_eq!(r.status, 200);
    let open = Sim::start(&[]);
    assert_eq!(open.get(&path).status, 200);
}

fn add_fault(sim: &Sim, body: Value) -> Value {
    let r = sim.post("/__sim/faults", &body.to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()
}

#[test]
fn every_fault_kind() {
    let sim = Sim::start(&[]);
    let ca_path = format!("/v1/job/{CA_OK}/running-status");
    let ss_path = "/assembling/v1/jobs?page=1&per_page=10";

    let cases: [(&str, u16, &str, &str); 6] = [
        ("400", 400, "CB.00060200", "SVCSTG.CPE.5004400"),
        ("401", 401, "APIGW.0301", "APIGW.0301"),
        ("403", 403, "APIGW.0302", "APIGW.0302"),
        ("404", 404, "CB.00060214", "SVCSTG.CPE.5004404"),
        ("500", 500, "CB.00060101", "SVCSTG.CPE.5004500"),
        ("throttle", 400, "CB.00060211", "APIGW.0308"),
    ];
    for (kind, status, ca_code, ss_code) in cases {
        add_fault(
            &sim,
            json!({"match": "running-status", "fault": kind, "times": 1}),
        );
        let r = sim.get(&ca_path);
        assert_eq!(r.status, status, "{kind}");
        assert_common_headers(&r);
        assert_eq!(r.json()["error_code"], ca_code, "{kind}");
        assert!(r.json()["error_msg"].is_string());
        // times: 1 -> the next request is normal again
        assert_eq!(sim.get(&ca_path).status, 200, "{kind} cleared");

        add_fault(
            &sim,
            json!({"match": "/assembling/", "fault": kind, "times": 1}),
        );
        let r = sim.get(ss_path);
        assert_eq!(r.json()["error_code"], ss_code, "{kind} (ServiceStage)");
        if kind == "throttle" {
            assert_eq!(r.status, 429);
            assert_eq!(r.header("Retry-After"), Some("1"));
        } else {
            assert_eq!(r.status, status);
        }
        assert_eq!(sim.get(ss_path).status, 200);
    }

    // CodeArts throttle carries Retry-After too.
    add_fault(
        &sim,
        json!({"match": "running-status", "fault": "throttle", "times": 1}),
    );
    let r = sim.get(&ca_path);
    assert_eq!(r.header("Retry-After"), Some("1"));
    assert_eq!(r.json()["error_msg"], "too many requests, retry later");

    // 400 body is the documented example error body.
    add_fault(
        &sim,
        json!({"match": "running-status", "fault": 400, "times": 1}),
    );
    assert_eq!(
        sim.get(&ca_path).json(),
        json!({"error_code": "CB.00060200", "error_msg": "Invalid param"})
    );

    // slow: answers normally after the delay
    add_fault(
        &sim,
        json!({"match": "running-status", "fault": "slow", "delay_ms": 400, "times": 1}),
    );
    let t = Instant::now();
    let r = sim.get(&ca_path);
    assert!(t.elapsed() >= Duration::from_millis(400));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "success");

    // malformed: 200 with truncated JSON
    add_fault(
        &sim,
        json!({"match": "running-status", "fault": "malformed", "times": 1}),
    );
    let r = sim.get(&ca_path);
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<Value>(&r.body).is_err(),
        "{}",
        r.body
    );
    assert!(r.body.starts_with('{'));

    // html502: a gateway's HTML error page
    add_fault(
        &sim,
        json!({"match": "running-status", "fault": "html502", "times": 1}),
    );
    let r = sim.get(&ca_path);
    assert_eq!(r.status, 502);
    assert!(r.header("Content-Type").unwrap().starts_with("text/html"));
    assert!(r.header("X-Request-Id").is_some());
    assert!(r.body.contains("502 Bad Gateway"));

    assert_eq!(sim.get(&ca_path).status, 200);
}

#[test]
fn fault_control_api() {
    let sim = Sim::start(&[]);
    let path = format!("/v3/jobs/{CA_OK}/history?offset=0&limit=10");
    let f = add_fault(
        &sim,
        json!({"match": "/history", "fault": "500", "times": 2}),
    );
    assert_eq!(f["times"], 2);
    assert_eq!(f["fault"], "500");
    add_fault(&sim, json!({"match": "full-stages", "fault": "404"}));
    let list = sim.get("/__sim/faults").json();
    assert_eq!(list["faults"].as_array().unwrap().len(), 2);

    // Only matching paths are hit; the counted fault runs out.
    assert_eq!(sim.get(&format!("/v3/jobs/{CA_OK}/status")).status, 200);
    assert_eq!(sim.get(&path).status, 500);
    assert_eq!(sim.get(&path).status, 500);
    assert_eq!(sim.get(&path).status, 200);
    let list = sim.get("/__sim/faults").json();
    assert_eq!(list["faults"].as_array().unwrap().len(), 1);

    // Unlimited until cleared.
    let stages = format!("/v1/record/{}/full-stages", ca_record(1, 1));
    for _ in 0..3 {
        assert_eq!(sim.get(&stages).status, 404);
    }
    let cleared = sim.delete("/__sim/faults").json();
    assert_eq!(cleared["cleared"], 1);
    assert_eq!(sim.get(&stages).status, 200);
    assert_eq!(sim.get("/__sim/faults").json()["faults"], json!([]));

    // Bad fault requests are refused.
    for bad in [
        "not json",
        r#"{"fault":"500"}"#,
        r#"{"match":"x","fault":"teapot"}"#,
        r#"{"match":"x","fault":"500","times":0}"#,
    ] {
        let r = sim.post("/__sim/faults", bad);
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["error"].is_string());
    }
}

#[test]
fn reset_restores_the_seed_state() {
    let sim = Sim::start(&[]);
    let r = sim.post("/v3/jobs/build", &json!({"job_id": CA_OK}).to_string());
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["actual_build_number"], "5");
    let r = sim.post(&format!("/assembling/v1/jobs/{SS_OK}/builds"), "");
    assert_eq!(r.json()["index"], 5);
    add_fault(&sim, json!({"match": "/v3/", "fault": "500"}));

    assert_eq!(sim.post("/__sim/reset", "").status, 200);
    assert_eq!(sim.get("/__sim/faults").json()["faults"], json!([]));
    let r = sim.get(&format!("/v1/record/{}/info", ca_record(1, 5)));
    assert_eq!(r.status, 404);
    let r = sim.get(&format!("/v1/record/{}/info", ca_record(1, 4)));
    assert_eq!(r.status, 200);
    assert_eq!(
        sim.get(&format!("/assembling/v1/builds/{}", ss_build(1, 5)))
            .status,
        404
    );
    let r = sim.post("/v3/jobs/build", &json!({"job_id": CA_OK}).to_string());
    assert_eq!(r.json()["actual_build_number"], "5");
}

#[test]
fn unknown_ids_and_bad_params() {
    let sim = Sim::start(&[]);
    let ca_404 = json!({"error_code": "CB.00060214", "error_msg": "URL not found"});
    for p in [
        "/v1/record/00000000-0000-0000-0000-000000000000/full-stages".to_string(),
        "/v1/record/00000000-0000-0000-0000-000000000000/info".to_string(),
        format!("/v3/jobs/{CA_OK}/999/record-info"),
        format!("/v1/record/{CA_OK}/999/record-info"),
        "/v3/jobs/ffffffffffffffffffffffffffffffff/history?offset=0".to_string(),
        "/v1/job/ffffffffffffffffffffffffffffffff/running-status".to_string(),
        "/v3/ffffffffffffffffffffffffffffffff/jobs".to_string(),
        format!("/v3/jobs/{CA_OK}/999/real-time-log?offset=0"),
        "/no/such/path".to_string(),
    ] {
        let r = sim.get(&p);
        assert_eq!(r.status, 404, "{p}");
        assert_common_headers(&r);
        assert_eq!(r.json(), ca_404, "{p}");
    }
    for p in [
        "/assembling/v1/builds/nope".to_string(),
        "/assembling/v1/builds/nope/phases".to_string(),
        "/assembling/v1/builds/nope/logs?from=0".to_string(),
        "/assembling/v1/jobs/nope/builds?name=x".to_string(),
        format!("/assembling/v1/jobs/{SS_OK}/builds?name=not-its-name"),
    ] {
        let r = sim.get(&p);
        assert_eq!(r.status, 404, "{p}");
        assert_eq!(r.json()["error_code"], "SVCSTG.CPE.5004404", "{p}");
    }
    assert_eq!(sim.post("/assembling/v1/jobs/nope/builds", "").status, 404);
    // Required / out-of-range parameters.
    for p in [
        format!("/v3/jobs/{CA_OK}/history"),
        format!("/v3/jobs/{CA_OK}/history?offset=0&limit=101"),
        format!("/v3/jobs/{CA_OK}/history?offset=0&interval=31"),
        format!("/v3/jobs/{CA_OK}/4/real-time-log"),
        format!("/v3/jobs/{CA_OK}/abc/record-info"),
        format!("/v3/{CA_PROJECT}/jobs?page_size=0"),
        format!("/v1/record/{}/full-stages?cascade=yes", ca_record(1, 1)),
    ] {
        let r = sim.get(&p);
        assert_eq!(r.status, 400, "{p}");
        assert_eq!(r.json()["error_code"], "CB.00060200", "{p}");
    }
    for p in [
        "/assembling/v1/jobs".to_string(),
        "/assembling/v1/jobs?page=0&per_page=10".to_string(),
        format!("/assembling/v1/jobs/{SS_OK}/builds"),
        format!("/assembling/v1/builds/{}/logs", ss_build(1, 1)),
    ] {
        let r = sim.get(&p);
        assert_eq!(r.status, 400, "{p}");
        assert_eq!(r.json()["error_code"], "SVCSTG.CPE.5004400", "{p}");
    }
    let r = sim.post(
        "/v3/jobs/build",
        r#"{"job_id":"ffffffffffffffffffffffffffffffff"}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error_code"], "CB.00060201");
    assert_eq!(sim.post("/v3/jobs/build", "{").status, 400);
}

#[test]
fn lists_and_paging() {
    let sim = Sim::start(&[]);
    // CodeArts job list (page_index from 0)
    let v = sim
        .get(&format!("/v3/{CA_PROJECT}/jobs?page_index=0&page_size=2"))
        .json();
    assert_eq!(v["total"], 3);
    assert_eq!(v["jobs"].as_array().unwrap().len(), 2);
    assert_eq!(v["jobs"][0]["id"], CA_OK);
    assert!(v["jobs"][0]["last_build_time"].is_i64());
    let v = sim
        .get(&format!("/v3/{CA_PROJECT}/jobs?page_index=1&page_size=2"))
        .json();
    assert_eq!(v["jobs"].as_array().unwrap().len(), 1);
    assert_eq!(v["jobs"][0]["id"], CA_ABORT);

    // History: offset is a page index; newest first.
    let v = sim
        .get(&format!(
            "/v3/jobs/{CA_FAIL}/history?offset=0&limit=3&interval=7"
        ))
        .json();
    assert_eq!(v["total"], 4);
    let recs = v["history_records"].as_array().unwrap();
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["build_number"], 4);
    assert_eq!(recs[2]["build_number"], 2);
    assert_eq!(recs[2]["result"], "FAILURE");
    assert_eq!(recs[2]["record_id"], ca_record(2, 2));
    let t = recs[2]["start_time"].as_str().unwrap();
    assert!(t.ends_with("+08:00") && t.len() == 25, "{t}");
    let v = sim
        .get(&format!("/v3/jobs/{CA_FAIL}/history?offset=1&limit=3"))
        .json();
    let recs = v["history_records"].as_array().unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["build_number"], 1);

    // ServiceStage jobs (page from 1) and builds.
    let v = sim.get("/assembling/v1/jobs?page=2&per_page=3").json();
    assert_eq!(v["total"], 4);
    assert_eq!(v["page"], 2);
    assert_eq!(v["list"][0]["job_id"], SS_CANCEL);
    let v = sim
        .get("/assembling/v1/jobs?page=1&per_page=10&job_name=timeout")
        .json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["list"][0]["job_id"], SS_TIMEOUT);
    let v = sim
        .get(&format!(
            "/assembling/v1/jobs/{SS_FAIL}/builds?name=sim-ss-failed"
        ))
        .json();
    assert_eq!(v["total"], 4);
    assert!(v["finished"].as_u64().unwrap() >= 3);
    assert_eq!(v["successful"], 0);
    assert_eq!(v["list"][3]["build_id"], ss_build(2, 1));
    assert_eq!(v["list"][3]["build_state"], "Failed");
    assert!(v["list"][3]["duration"].is_u64());
}

#[test]
fn codearts_log_offset_paging() {
    let sim = Sim::start(&[]);
    // A finished build: the whole log, then the same log in 97-byte pages.
    let base = format!("/v3/jobs/{CA_FAIL}/2/real-time-log");
    let all = sim.get(&format!("{base}?offset=0")).json();
    assert_eq!(all["status"], "success");
    let full = all["result"]["content"].as_str().unwrap().to_string();
    assert_eq!(all["result"]["offset"], full.len());
    assert_eq!(all["result"]["current_offset"], 0);
    assert_eq!(all["result"]["has_more_data"], false);
    assert!(full.contains("[ERROR] BUILD FAILURE"));
    assert!(full.contains("Maven构建")); // multi-byte text in the log
    let bytes = full.as_bytes();

    let mut offset = 0usize;
    let mut pages = 0;
    let mut cut = 0;
    loop {
        let v = sim.get(&format!("{base}?offset={offset}&length=97")).json();
        let r = &v["result"];
        assert_eq!(r["current_offset"], offset);
        let next = r["offset"].as_u64().unwrap() as usize;
        // Exactly 97 raw bytes, however they fall on characters.
        assert_eq!(next - offset, 97.min(bytes.len() - offset));
        let content = r["content"].as_str().unwrap();
        assert_eq!(content, String::from_utf8_lossy(&bytes[offset..next]));
        cut += usize::from(content.contains('\u{fffd}'));
        offset = next;
        pages += 1;
        if r["has_more_data"] == false {
            break;
        }
        assert!(pages < 1000);
    }
    assert_eq!(offset, bytes.len());
    assert!(pages > 10);
    assert!(cut > 0, "some 97-byte page ends inside a character");
    // Past the end: nothing, same offset.
    let v = sim.get(&format!("{base}?offset={}", full.len() + 5)).json();
    assert_eq!(v["result"]["content"], "");
    assert_eq!(v["result"]["offset"], full.len() + 5);
}

#[test]
fn servicestage_log_from_paging() {
    use buildscope_sim::log::content;
    use buildscope_sim::model::{ss_plan, SsBuild};
    use buildscope_sim::servicestage::LOG_CHUNK;
    let sim = Sim::start(&[]);
    // ServiceStage lines carry no times, so the finished log is known byte for byte.
    let b = SsBuild {
        job: 2,
        index: 2,
        t0: 0,
    };
    let full = content::servicestage(&b, &ss_plan(&b, 3000))
        .whole()
        .text(i64::MAX);
    let bytes = full.as_bytes();
    let base = format!("/assembling/v1/builds/{}/logs", ss_build(3, 2));
    let mut from = 0usize;
    let mut cut = 0;
    loop {
        let v = sim.get(&format!("{base}?from={from}")).json();
        assert_eq!(
            v["phase_states"],
            "Successful,Successful,Successful,Timeout,NotStarted,NotStarted"
        );
        assert_eq!(
            v["phases"],
            "Init,Download,PreProcess,Build,Artifact,PostProcess"
        );
        let next = v["next"].as_u64().unwrap() as usize;
        let chunk = v["buildlog"].as_str().unwrap();
        assert_eq!(chunk, String::from_utf8_lossy(&bytes[from..next]));
        if next == from {
            break;
        }
        assert!(next - from == LOG_CHUNK as usize || next == bytes.len());
        cut += usize::from(chunk.contains('\u{fffd}'));
        from = next;
    }
    assert_eq!(from, bytes.len());
    assert!(cut >= 2, "the first boundary cuts a character");
    assert!(full.contains("build finished: Timeout"));
    let mid = full.len() / 3;
    let v = sim.get(&format!("{base}?from={mid}")).json();
    let end = (mid + LOG_CHUNK as usize).min(bytes.len());
    assert_eq!(v["buildlog"], *String::from_utf8_lossy(&bytes[mid..end]));
}

#[test]
fn sigterm_exits_cleanly() {
    let sim = Sim::start(&[]);
    assert_eq!(sim.get("/__sim/health").status, 200);
    let (status, rest) = sim.terminate(Duration::from_secs(5));
    let status = status.expect("exited within 5 s");
    assert!(status.success(), "{status:?}");
    assert!(rest.contains("shutting down"), "{rest:?}");
}

#[test]
fn run_job_keeps_its_parameters_and_a_stop_aborts_the_build() {
    let sim = Sim::start(&[]);
    let body = json!({
        "job_id": CA_OK,
        "parameter": [{"name": "codeBranch", "value": "feature/run"}, {"name": "FLAVOUR", "value": "debug"}],
    });
    let r = sim.post("/v3/jobs/build", &body.to_string());
    assert_eq!(r.status, 200);
    let no = r.json()["actual_build_number"]
        .as_str()
        .unwrap()
        .to_string();
    let info = sim
        .get(&format!("/v1/record/{CA_OK}/{no}/record-info"))
        .json();
    let record = info["result"]["build_record_id"]
        .as_str()
        .unwrap()
        .to_string();
    let rec = sim.get(&format!("/v1/record/{record}/info")).json();
    assert_eq!(rec["result"]["branch"], "feature/run");
    let params = rec["result"]["parameters"].as_array().unwrap().clone();
    assert!(params.contains(
        &json!({"name": "FLAVOUR", "secret": false, "value": "debug", "type": "string"})
    ));
    assert!(params
        .iter()
        .any(|p| p["name"] == "deployToken" && p["value"] == "******"));

    let stop = sim.post(&format!("/v3/jobs/{CA_OK}/{no}/stop"), "");
    assert_eq!(stop.status, 200);
    assert_eq!(stop.json(), json!({"success": true, "result": ""}));
    let rec = sim.get(&format!("/v1/record/{record}/info")).json();
    assert_eq!(rec["result"]["status"], "ABORTED");
    // Stopping it again: it has ended, nothing is stopped.
    let again = sim.post(&format!("/v3/jobs/{CA_OK}/{no}/stop"), "").json();
    assert_eq!(again["success"], false);
    assert_eq!(
        sim.post(&format!("/v3/jobs/{CA_OK}/999/stop"), "").status,
        404
    );

    for bad in [
        json!({"job_id": CA_OK, "parameter": [{"name": "PATH", "value": "/tmp"}]}),
        json!({"job_id": CA_OK, "parameter": [{"name": "a-b", "value": "x"}]}),
        json!({"job_id": CA_OK, "parameter": {"name": "x"}}),
    ] {
        let r = sim.post("/v3/jobs/build", &bad.to_string());
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json()["error_code"], "CB.00060200");
    }
}
