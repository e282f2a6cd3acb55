//! Scenario builds advance in real time, stage by stage.

mod common;

use buildscope_sim::log::content;
use buildscope_sim::model::{ss_plan, SsBuild};
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn stages_by_sequence(full_stages: &Value) -> Vec<Value> {
    let map = full_stages["result"]["build_stages"]
        .as_object()
        .expect("build_stages map");
    let mut v: Vec<Value> = map.values().cloned().collect();
    v.sort_by_key(|s| s["sequence"].as_i64().unwrap());
    v
}

/// Index of the first stage that is not finished yet (5 = all done).
fn progress(stages: &[Value]) -> usize {
    stages
        .iter()
        .position(|s| !matches!(s["status"].as_str(), Some("SUCCESS" | "FAILED" | "ABORTED")))
        .unwrap_or(stages.len())
}

#[test]
fn codearts_build_advances_stage_by_stage() {
    let sim = Sim::start(&["--stage-seconds", "1"]);
    let r = sim.post("/v3/jobs/build", &json!({"job_id": CA_OK}).to_string());
    assert_eq!(r.status, 200);
    let started = r.json();
    assert_eq!(started["actual_build_number"], "5");
    assert!(started["octopus_job_name"]
        .as_str()
        .unwrap()
        .starts_with("j_"));
    let record = ca_record(1, 5);

    let deadline = Instant::now() + Duration::from_secs(15);
    let mut record_statuses: Vec<String> = Vec::new();
    let mut seen_running = [false; 5];
    let mut last_progress = 0;
    let mut log_seen = String::new();
    let mut log_offset = 0u64;
    loop {
        let fs = sim.get(&format!("/v1/record/{record}/full-stages"));
        assert_eq!(fs.status, 200);
        let stages = stages_by_sequence(&fs.json());
        assert_eq!(stages.len(), 5);
        let names: Vec<&str> = stages
            .iter()
            .map(|s| s["display_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["initial", "Cache Check", "Code CheckOut", "Maven", "final"]
        );
        // Stages finish in order and never go back.
        let p = progress(&stages);
        assert!(p >= last_progress, "progress went back");
        last_progress = p;
        for (i, s) in stages.iter().enumerate() {
            let st = s["status"].as_str().unwrap();
            if i < p {
                assert_eq!(st, "SUCCESS");
            } else if i > p {
                assert_eq!(st, "INIT", "stage {i} ran before stage {p}");
                assert!(s["start_time"].is_null());
            }
            if st == "RUNNING" {
                seen_running[i] = true;
                assert!(s["start_time"].is_string());
                assert!(s["finish_time"].is_null());
            }
        }

        let info = sim.get(&format!("/v1/record/{record}/info")).json();
        let status = info["result"]["status"].as_str().unwrap().to_string();
        if record_statuses.last() != Some(&status) {
            record_statuses.push(status.clone());
        }

        // The log grows; reading on from `offset` never loses a byte.
        let log = sim
            .get(&format!(
                "/v3/jobs/{CA_OK}/5/real-time-log?offset={log_offset}"
            ))
            .json();
        log_seen.push_str(log["result"]["content"].as_str().unwrap());
        log_offset = log["result"]["offset"].as_u64().unwrap();
        let more = log["result"]["has_more_data"].as_bool().unwrap();

        if status == "SUCCESS" && !more {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "build did not finish: {record_statuses:?}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
    assert_eq!(record_statuses.first().map(String::as_str), Some("PENDING"));
    assert_eq!(record_statuses.last().map(String::as_str), Some("SUCCESS"));
    assert!(record_statuses.contains(&"RUNNING".to_string()));
    assert_eq!(seen_running, [true; 5], "every stage was seen running");

    // Finished: every stage SUCCESS with its times and durations.
    let fs = sim
        .get(&format!("/v1/record/{record}/full-stages?cascade=true"))
        .json();
    for s in stages_by_sequence(&fs) {
        assert_eq!(s["status"], "SUCCESS");
        assert_eq!(s["status_code"], 5);
        assert_eq!(s["build_record_id"], record.as_str());
        let start = s["start_time"].as_str().unwrap();
        let finish = s["finish_time"].as_str().unwrap();
        assert!(start < finish, "{start} < {finish}");
        assert!(start.ends_with("+00:00") && start.len() == 29, "{start}");
        assert_eq!(
            s["duration"].as_i64().unwrap(),
            s["build_duration"].as_i64().unwrap() + s["pending_duration"].as_i64().unwrap()
        );
        assert!(s["build_duration"].as_i64().unwrap() >= 700);
        let steps = s["steps"].as_array().expect("cascade=true lists steps");
        assert!(!steps.is_empty());
        assert!(steps.iter().all(|st| st["status"] == "SUCCESS"));
    }
    let full = sim
        .get(&format!("/v3/jobs/{CA_OK}/5/real-time-log?offset=0"))
        .json();
    assert_eq!(log_seen, full["result"]["content"].as_str().unwrap());
    assert!(log_seen.contains("[INFO] BUILD SUCCESS"));
    assert!(log_seen.ends_with("Finished: SUCCESS\n"));

    let rs = sim.get(&format!("/v1/job/{CA_OK}/running-status")).json();
    assert_eq!(
        rs["result"],
        json!({"last_job_id": CA_OK, "last_build_no": "5", "last_build_status": "Finished", "is_running": false})
    );
    let v3 = sim.get(&format!("/v3/jobs/{CA_OK}/5/record-info")).json();
    assert_eq!(v3["success"], true);
    assert_eq!(v3["result"]["build_no"], 5);
    assert_eq!(v3["result"]["build_record_id"], record.as_str());
    assert_eq!(v3["result"]["status"], "SUCCESS");
    assert_eq!(v3["result"]["codeci_job_id"], CA_OK);
}

#[test]
fn codearts_failed_and_aborted_builds() {
    let sim = Sim::start(&["--stage-seconds", "1"]);
    // Historic builds (finished hours ago).
    let fs = sim
        .get(&format!("/v1/record/{}/full-stages", ca_record(2, 1)))
        .json();
    let st: Vec<String> = stages_by_sequence(&fs)
        .iter()
        .map(|s| s["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(st, ["SUCCESS", "SUCCESS", "SUCCESS", "FAILED", "SUCCESS"]);
    let info = sim
        .get(&format!("/v1/record/{}/info", ca_record(2, 1)))
        .json();
    assert_eq!(info["result"]["status"], "FAILED");
    assert_eq!(info["result"]["build_no"], "1");

    let fs = sim
        .get(&format!("/v1/record/{}/full-stages", ca_record(3, 2)))
        .json();
    let stages = stages_by_sequence(&fs);
    let st: Vec<&str> = stages
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(st, ["SUCCESS", "SUCCESS", "ABORTED", "ABORTED", "ABORTED"]);
    assert!(stages.iter().all(|s| s["finish_time"].is_string()));
    assert_eq!(stages[4]["status_code"], 8);
    let info = sim
        .get(&format!("/v1/record/{}/info", ca_record(3, 2)))
        .json();
    assert_eq!(info["result"]["status"], "ABORTED");
    assert_eq!(info["result"]["status_code"], 8);

    // The job list shows Jenkins colours and epoch-ms times.
    let jobs = sim.get(&format!("/v3/{CA_PROJECT}/jobs")).json();
    let colours: Vec<&str> = jobs["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["last_build_status"].as_str().unwrap())
        .collect();
    // The build started at start-up may still run ("_anime") or be done.
    for (c, want) in colours.iter().zip(["blue", "red", "aborted"]) {
        assert!(c.starts_with(want), "{c} vs {want}");
    }
}

#[test]
fn servicestage_build_walks_the_phases() {
    let sim = Sim::start(&["--stage-seconds", "0.5"]);
    let r = sim.post(&format!("/assembling/v1/jobs/{SS_OK}/builds"), "");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["index"], 5);
    assert_eq!(v["job_id"], SS_OK);
    assert_eq!(v["ended_at"], "");
    let id = v["build_id"].as_str().unwrap().to_string();
    assert_eq!(id, ss_build(1, 5));

    let deadline = Instant::now() + Duration::from_secs(15);
    let mut done_before = 0;
    let mut states_seen: Vec<String> = Vec::new();
    // (from, chunk) as read while following, checked against the stored bytes at the end.
    let mut chunks: Vec<(u64, u64, String)> = Vec::new();
    let mut next = 0u64;
    let mut read = |next: &mut u64| {
        let l = sim
            .get(&format!("/assembling/v1/builds/{id}/logs?from={next}"))
            .json();
        assert_eq!(l["phase_states"].as_str().unwrap().split(',').count(), 6);
        let to = l["next"].as_u64().unwrap();
        chunks.push((*next, to, l["buildlog"].as_str().unwrap().to_string()));
        *next = to;
    };
    loop {
        let ph = sim
            .get(&format!("/assembling/v1/builds/{id}/phases"))
            .json();
        assert_eq!(ph["total"], 6);
        let list = ph["list"].as_array().unwrap();
        let names: Vec<&str> = list.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "Init",
                "Download",
                "PreProcess",
                "Build",
                "Artifact",
                "PostProcess"
            ]
        );
        let states: Vec<&str> = list.iter().map(|p| p["state"].as_str().unwrap()).collect();
        let done = states.iter().take_while(|s| **s == "Successful").count();
        assert!(done >= done_before);
        done_before = done;
        for s in &states[done..] {
            assert!(
                matches!(*s, "NotStarted" | "Queuing" | "Building" | "Pushing"),
                "{states:?}"
            );
        }
        let d = sim.get(&format!("/assembling/v1/builds/{id}")).json();
        let state = d["build_state"].as_str().unwrap().to_string();
        if states_seen.last() != Some(&state) {
            states_seen.push(state.clone());
        }
        read(&mut next);

        if state == "Successful" {
            assert!(d["ended_at"].as_str().unwrap().ends_with(" +0000 UTC"));
            break;
        }
        assert_eq!(d["ended_at"], "");
        assert!(Instant::now() < deadline, "did not finish: {states_seen:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(states_seen, ["Queuing", "Building", "Successful"]);
    // The last read may have raced the last line; read the rest.
    loop {
        let before = next;
        read(&mut next);
        if next == before {
            break;
        }
    }
    // No time prefixes: the finished log is known byte for byte.
    let b = SsBuild {
        job: 0,
        index: 5,
        t0: 0,
    };
    let full = content::servicestage(&b, &ss_plan(&b, 500))
        .whole()
        .text(i64::MAX);
    assert_eq!(next as usize, full.len(), "no byte lost while following");
    for (from, to, chunk) in &chunks {
        let raw = &full.as_bytes()[*from as usize..*to as usize];
        assert_eq!(*chunk, String::from_utf8_lossy(raw));
    }
    assert!(full.contains("phase Artifact started"));
    assert!(full.ends_with("build finished: Successful\n"));
    let d = sim.get(&format!("/assembling/v1/builds/{id}")).json();
    assert!(d["started_at"].as_str().unwrap().ends_with(" +0000 UTC"));
    assert_eq!(d["index"], 5);
}

#[test]
fn servicestage_failed_timeout_cancel() {
    let sim = Sim::start(&[]);
    let cases = [
        (
            2,
            "Failed",
            "Successful,Successful,Successful,Failed,NotStarted,NotStarted",
        ),
        (
            3,
            "Timeout",
            "Successful,Successful,Successful,Timeout,NotStarted,NotStarted",
        ),
        (
            4,
            "Cancel",
            "Successful,Cancel,NotStarted,NotStarted,NotStarted,NotStarted",
        ),
    ];
    for (job, end, phases) in cases {
        let id = ss_build(job, 1);
        let d = sim.get(&format!("/assembling/v1/builds/{id}")).json();
        assert_eq!(d["build_state"], end);
        let ph = sim
            .get(&format!("/assembling/v1/builds/{id}/phases"))
            .json();
        let states: Vec<&str> = ph["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["state"].as_str().unwrap())
            .collect();
        assert_eq!(states.join(","), phases);
        assert!(ph["list"][0]["id"].is_u64());
    }
}
