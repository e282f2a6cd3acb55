use super::*;
use serde_json::json;

use crate::testdata::huawei as fixture;

const T_18_49: f64 = 1_727_147_929.0; // 2024-09-24T03:18:49Z

#[test]
fn full_stages_example_in_sequence_order() {
    let stages = decode_full_stages(&fixture("codearts-full-stages")).unwrap();
    let names: Vec<_> = stages.iter().map(|s| s.display_name.as_str()).collect();
    assert_eq!(
        names,
        ["initial", "Cache Check", "Code CheckOut", "Maven", "final"]
    );
    let keys: Vec<_> = stages.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["initial", "stage1", "stage2", "stage3", "final"]);
    let seq: Vec<_> = stages.iter().map(|s| s.sequence).collect();
    assert_eq!(seq, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
    for s in &stages {
        assert_eq!(s.status, Status::Cancelled, "{}", s.key);
        assert_eq!(s.system_label(), "ABORTED (8)");
        assert_eq!(s.finish_time, Some(T_18_49 + 10.0));
        assert_eq!(s.log_status, None);
        assert!(s.steps.is_empty());
        assert_eq!(
            s.build_record_id.as_deref(),
            Some("94baa8ec-fd3f-4cae-81af-b24385a7220f")
        );
        assert_eq!(s.execution_id.as_deref(), Some("j_fDyt05ip"));
    }
    let initial = &stages[0];
    assert_eq!(initial.id, "a2866f49-76f6-4aa1-b26b-f91b2f95e2e7");
    assert_eq!(initial.name, "initial");
    assert_eq!(initial.node_id.as_deref(), Some("9"));
    assert_eq!(initial.create_time, Some(T_18_49));
    assert_eq!(initial.schedule_time, Some(T_18_49));
    assert_eq!(initial.queued_time, Some(T_18_49 + 1.0));
    assert_eq!(initial.start_time, Some(T_18_49 + 2.0));
    assert_eq!(initial.duration_secs, Some(10.0));
    assert_eq!(initial.build_duration_secs, Some(9.0));
    assert_eq!(initial.pending_duration_secs, Some(1.0));
    let maven = &stages[3];
    assert_eq!(
        (maven.name.as_str(), maven.node_id.clone()),
        ("stage3", None)
    );
    assert_eq!(maven.duration_secs, Some(0.0));
}

#[test]
fn shuffled_stage_maps_come_out_in_sequence_order() {
    let stage = |seq: i64| json!({"id": format!("id{seq}"), "status": "SUCCESS", "sequence": seq});
    let body = json!({"status": "success", "error": null, "result": {"build_stages": {
        "a": stage(3), "b": stage(0), "c": {"id": "none", "status": "RUNNING"},
        "d": stage(10), "e": stage(2), "f": stage(1)
    }}})
    .to_string();
    let ids: Vec<_> = decode_full_stages(&body)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["id0", "id1", "id2", "id3", "id10", "none"]);
}

#[test]
fn cascaded_stages_carry_sorted_steps_and_string_sequences() {
    let stages = decode_full_stages(&fixture("codearts-full-stages-cascade")).unwrap();
    let names: Vec<_> = stages.iter().map(|s| s.display_name.as_str()).collect();
    assert_eq!(names, ["initial", "Build", "final"]);
    assert_eq!(stages[0].node_id.as_deref(), Some("9"));
    assert_eq!(stages[1].node_id.as_deref(), Some("12"));
    let build = &stages[1];
    assert_eq!(build.status, Status::Success);
    assert_eq!(build.system_label(), "SUCCESS (5)");
    assert_eq!(build.start_time, Some(1_723_401_065.0)); // 2024-08-12T02:31:05+0800
    assert_eq!(build.pending_duration_secs, Some(3.0));
    let steps: Vec<_> = build
        .steps
        .iter()
        .map(|s| s.display_name.as_str())
        .collect();
    assert_eq!(steps, ["Code CheckOut", "Maven"]);
    assert_eq!(build.steps[0].name, "checkout");
    assert_eq!(build.steps[0].key, "");
    assert_eq!(build.steps[1].build_duration_secs, Some(100.0));
    assert!(stages[0].steps.is_empty());
}

#[test]
fn record_info_v3_example() {
    let r = decode_record_info(&fixture("codearts-record-info-v3")).unwrap();
    assert_eq!(
        r.build_record_id.as_deref(),
        Some("9d6169b9-022d-458c-9dc8-48cc94cc4083")
    );
    assert_eq!(r.build_no, Some(532));
    assert_eq!(r.daily_build_num.as_deref(), Some("20221011.29"));
    assert_eq!(r.repo_name.as_deref(), Some("maven"));
    assert_eq!(r.repo_id.as_deref(), Some("2111616838"));
    assert_eq!(r.branch.as_deref(), Some("buildflow_env"));
    assert_eq!((r.tag.clone(), r.commit.clone()), (None, None));
    assert_eq!(r.trigger_type.as_deref(), Some("MANUAL"));
    assert_eq!(r.build_type.as_deref(), Some("branch"));
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.system_label(), "SUCCESS");
    assert_eq!(r.create_time, Some(1_665_476_922.0)); // 2022-10-11T08:28:42Z
    assert_eq!(r.start_time, Some(1_665_476_927.0));
    assert_eq!(r.finish_time, Some(1_665_477_027.0));
    assert_eq!(r.runnable_time, Some(1_665_476_164.0));
    assert_eq!(r.duration_secs, Some(100.068));
    assert_eq!(r.use_private_slave, Some(false));
    assert_eq!(r.region.as_deref(), Some("cn-north-7"));
    assert_eq!(r.build_config_type.as_deref(), Some("YAML"));
    assert_eq!(r.parent_record_id, None);
}

#[test]
fn record_info_v1_and_camel_case() {
    let v1 = decode_record_info(&fixture("codearts-record-info-v1")).unwrap();
    assert_eq!(v1.status, Status::Failure);
    assert_eq!(v1.build_no, Some(61));
    assert_eq!(v1.duration_secs, Some(10.0));
    assert_eq!(v1.start_time, Some(T_18_49 + 2.0));
    assert_eq!(v1.use_private_slave, Some(true));
    assert_eq!(
        v1.commit_message.as_deref(),
        Some("fix: flaky integration test")
    );
    assert_eq!(
        v1.err_msg.as_deref(),
        Some("mvn package exited with code 1")
    );

    let camel = decode_record_info(&fixture("codearts-record-info-v3-camelcase")).unwrap();
    assert_eq!(
        camel.build_record_id.as_deref(),
        Some("9d6169b9-022d-458c-9dc8-48cc94cc4083")
    );
    assert_eq!(
        camel.codeci_job_id.as_deref(),
        Some("68491d9bc97b4774adb93e29b46d2dc6")
    );
    assert_eq!(camel.build_no, Some(533));
    assert_eq!(camel.daily_build_num.as_deref(), Some("20240812.2"));
    assert_eq!(camel.repo_id.as_deref(), Some("2111616838"));
    assert_eq!(camel.tag.as_deref(), Some("v1.4.0"));
    assert_eq!(camel.status, Status::Running);
    assert_eq!(camel.create_time, Some(1_723_401_061.0));
    assert_eq!(camel.finish_time, None);
    assert_eq!(camel.duration_secs, Some(4.5005));
    assert_eq!(camel.build_config_type.as_deref(), Some("YAML"));
}

#[test]
fn build_record_with_java_dates() {
    let b = decode_build_record(&fixture("codearts-build-record")).unwrap();
    assert_eq!(b.id, "94baa8ec-fd3f-4cae-81af-b24385a7220f");
    assert_eq!(b.status, Status::Success);
    assert_eq!(b.system_label(), "SUCCESS (5)");
    assert_eq!(b.create_time, Some(1_719_390_309.0)); // Wed Jun 26 16:25:09 CST 2024
    assert_eq!(b.finish_time, Some(1_719_390_462.0));
    assert_eq!(b.duration_secs, Some(153.0));
    assert_eq!(b.build_duration_secs, Some(150.0));
    assert_eq!(b.pending_duration_secs, Some(3.0));
    assert_eq!(b.build_no, Some(6463));
    assert_eq!(b.daily_build_number.as_deref(), Some("20240626.1"));
    assert_eq!(b.parameters.len(), 2);
    assert!(b.parameters[1].secret);
    assert_eq!(b.parameters[1].value.as_deref(), Some("******"));
    assert_eq!(b.parameters[0].kind.as_deref(), Some("string"));
    let t = b.record_type.unwrap();
    assert_eq!(t.record_type.as_deref(), Some("JOB"));
    assert_eq!((t.rerun, t.is_rerun), (Some(false), Some(false)));
    assert_eq!(b.branch.as_deref(), Some("master"));
    assert_eq!(b.group_name, None);
}

#[test]
fn history_as_list_object_or_with_period_fields() {
    let h = decode_history(&fixture("codearts-history")).unwrap();
    assert_eq!(h.total, Some(2));
    let numbers: Vec<_> = h.records.iter().map(|r| r.build_number).collect();
    assert_eq!(numbers, [Some(62), Some(61)]);
    assert_eq!(h.records[0].status, Status::Failure);
    assert_eq!(h.records[0].system_label(), "FAILURE");
    assert_eq!(h.records[0].start_time, Some(1_609_320_807.0));
    assert_eq!(h.records[0].end_time, Some(1_609_320_902.0));
    assert_eq!(h.records[1].status, Status::Success);

    let one = decode_history(&fixture("codearts-history-object")).unwrap();
    assert_eq!(one.records.len(), 1);
    assert_eq!(one.records[0].build_number, Some(63));
    assert_eq!(one.records[0].status, Status::Cancelled);
    assert_eq!(one.records[0].end_time, None);

    let period = decode_history(&fixture("codearts-period-history")).unwrap();
    assert_eq!(period.records[0].trigger_type.as_deref(), Some("定时触发"));
    assert_eq!(period.records[0].start_time, Some(1_725_073_082.0));
    assert_eq!(period.records[1].commit_id, None);
    assert_eq!(period.records[1].executor.as_deref(), Some("devuser"));

    let map = json!({"history_records": {"a": {"build_number": 2}, "b": {"build_number": 1}}});
    assert_eq!(decode_history(&map.to_string()).unwrap().records.len(), 2);
    let empty = decode_history(r#"{"history_records": [], "total": 0}"#).unwrap();
    assert!(empty.records.is_empty());
}

#[test]
fn running_status() {
    let r = decode_running_status(&fixture("codearts-running-status")).unwrap();
    assert!(r.is_running);
    assert_eq!(r.last_build_no, Some(63));
    assert_eq!(r.status, Status::Queued);
    assert_eq!(r.system_label(), "InQueue, running");
    let f = decode_running_status(&fixture("codearts-running-status-finished")).unwrap();
    assert!(!f.is_running);
    assert_eq!(f.status, Status::Unknown("Finished".into()));
    assert_eq!(f.system_label(), "Finished");
    assert_eq!(
        f.last_job_id.as_deref(),
        Some("cb5fa20de5fd4cf8be681d4bd6fdd2f6")
    );
}

#[test]
fn job_list_with_jenkins_colours_and_millisecond_times() {
    let l = decode_jobs(&fixture("codearts-jobs")).unwrap();
    assert_eq!(l.total, Some(3));
    let statuses: Vec<_> = l.jobs.iter().map(|j| j.status.clone()).collect();
    assert_eq!(
        statuses,
        [Status::Success, Status::Cancelled, Status::Pending]
    );
    assert_eq!(l.jobs[0].name, "java-maven-demo");
    assert_eq!(l.jobs[0].last_build_time, Some(1_608_004_535.0));
    assert_eq!(l.jobs[0].health_score, Some(100.0));
    assert_eq!(l.jobs[0].system_label(), "blue");
    assert_eq!(l.jobs[1].last_build_time, Some(1_703_554_641.0));
    assert_eq!(l.jobs[2].last_build_time, None);
    assert_eq!(l.jobs[2].health_score, None);
    assert!(l.jobs[2].disabled);
    assert!(decode_jobs("{}").is_err());
}

#[test]
fn real_time_log_windows() {
    let l = decode_real_time_log(&fixture("codearts-real-time-log")).unwrap();
    assert!(l.has_more);
    assert_eq!((l.current_offset, l.next_offset), (Some(2048), Some(2310)));
    assert!(l
        .content
        .starts_with("[2023/12/21 15:44:18.743 GMT+08:00] [INFO] [Maven构建"));
    assert_eq!(l.content.lines().count(), 2);
    let e = decode_real_time_log(&fixture("codearts-real-time-log-empty")).unwrap();
    assert_eq!(e.content, "");
    assert!(e.has_more);
}

#[test]
fn job_status_example() {
    assert!(decode_job_status(&fixture("codearts-job-status")).unwrap());
    assert!(!decode_job_status(r#"{"result": false}"#).unwrap());
    assert_eq!(decode_job_status("{}").unwrap_err().field, "result");
}

#[test]
fn failure_envelopes_are_refused_not_decoded() {
    let d = decode_full_stages(&fixture("codearts-envelope-fail-object")).unwrap_err();
    assert_eq!(d.field, "status");
    assert_eq!(
        d.to_string(),
        "cannot read CodeArts build stages field `status`: the server reported a failure: \
         DEV.CB.0510001: Build record not found"
    );
    let legacy = fixture("codearts-record-info-legacy-fail");
    assert_eq!(decode_record_info(&legacy).unwrap_err().field, "success");
    let bare = fixture("codearts-error-invalid-param");
    assert_eq!(decode_jobs(&bare).unwrap_err().field, "error_code");
}

#[test]
fn statuses_map_onto_the_shared_vocabulary() {
    let cases: &[(Option<&str>, Option<i64>, Status)] = &[
        (Some("SUCCESS"), Some(5), Status::Success),
        (Some("ABORTED"), Some(8), Status::Cancelled),
        (None, Some(5), Status::Success),
        (None, Some(8), Status::Cancelled),
        (Some("FAILED"), None, Status::Failure),
        (Some("FAILURE"), None, Status::Failure),
        (Some("RUNNING"), None, Status::Running),
        (Some("QUEUED"), None, Status::Queued),
        (Some("PENDING"), None, Status::Pending),
        (Some("INIT"), None, Status::Pending),
        (Some("SCHEDULE_FAILURE"), None, Status::Exception),
        (Some("TIMEOUT"), None, Status::Timeout),
        (Some("success"), None, Status::Success),
        (Some("error"), None, Status::Failure),
        (Some("running"), None, Status::Running),
        (Some(""), None, Status::Pending),
        (Some("blue"), None, Status::Success),
        (Some("red"), None, Status::Failure),
        (Some("aborted"), None, Status::Cancelled),
        (Some("yellow"), None, Status::Warnings),
        (Some("blue_anime"), None, Status::Running),
        (Some("notbuilt"), None, Status::Pending),
        (Some("InQueue"), None, Status::Queued),
        (Some(" Success "), None, Status::Success),
        (Some("Finished"), None, Status::Unknown("Finished".into())),
        (Some("WEIRD"), Some(5), Status::Success),
        (Some("WEIRD"), Some(3), Status::Unknown("WEIRD".into())),
        (Some(""), Some(3), Status::Unknown("3".into())),
        (None, Some(42), Status::Unknown("42".into())),
        (None, None, Status::Unknown("no status".into())),
        // The text decides when both are known.
        (Some("FAILED"), Some(5), Status::Failure),
    ];
    for (text, code, want) in cases {
        assert_eq!(&status(*text, *code), want, "{text:?} {code:?}");
    }
    assert_eq!(system_label(Some("SUCCESS"), Some(5)), "SUCCESS (5)");
    assert_eq!(system_label(None, Some(8)), "ABORTED (8)");
    assert_eq!(system_label(None, Some(3)), "status code 3");
    assert_eq!(system_label(Some(""), None), "not run");
    assert_eq!(system_label(None, None), "no status");
    assert_eq!(system_label(Some("blue"), None), "blue");
}

#[test]
fn odd_shapes_and_bad_bodies() {
    let e = decode_full_stages("{\"result\": {").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("cannot read CodeArts build stages: malformed JSON"),
        "{e}"
    );
    assert_eq!(decode_full_stages("[]").unwrap_err().field, "");
    assert_eq!(
        decode_full_stages(r#"{"status":"success"}"#)
            .unwrap_err()
            .field,
        "result"
    );
    // A queued build may have no stages yet.
    let none = decode_full_stages(r#"{"status":"success","result":{"build_stages":null}}"#);
    assert_eq!(none.unwrap(), vec![]);
    let bad = json!({"status":"success","result":{"build_stages":{
        "stage1": {"id": "x", "start_time": "not a time"}}}});
    let e = decode_full_stages(&bad.to_string()).unwrap_err();
    assert_eq!(e.field, "build_stages.stage1.start_time");
    let bad = json!({"status":"success","result":{"build_stages":{
        "s": {"id": "x", "steps": [{"sequence": "first"}]}}}});
    assert_eq!(
        decode_full_stages(&bad.to_string()).unwrap_err().field,
        "build_stages.s.steps[0].sequence"
    );
    let bad = json!({"status":"success","result":{"build_stages": 7}});
    assert_eq!(
        decode_full_stages(&bad.to_string()).unwrap_err().field,
        "build_stages"
    );
    // Ids and numbers as either type; missing optional fields are None.
    let odd = json!({"status":"success","result":{"build_stages":{
        "s": {"id": 17, "sequence": "3", "status_code": "8", "node_id": "n-1",
              "duration": "1500", "start_time": 1727147929000_i64}}}});
    let s = &decode_full_stages(&odd.to_string()).unwrap()[0];
    assert_eq!(
        (s.id.as_str(), s.sequence, s.status_code),
        ("17", Some(3), Some(8))
    );
    assert_eq!(s.status, Status::Cancelled);
    assert_eq!(s.node_id.as_deref(), Some("n-1"));
    assert_eq!(s.duration_secs, Some(1.5));
    assert_eq!(s.start_time, Some(T_18_49));
    assert_eq!((s.finish_time, s.log_status.clone()), (None, None));
    assert_eq!((s.name.as_str(), s.display_name.as_str()), ("s", "s"));
    let unknown = json!({"success": true, "result": {"status": "PAUSED"}});
    let r = decode_record_info(&unknown.to_string()).unwrap();
    assert_eq!(r.status, Status::Unknown("PAUSED".into()));
    assert_eq!(r.build_no, None);
    let e = decode_history(r#"{"history_records":[{"build_number":"x"}]}"#).unwrap_err();
    assert_eq!(e.field, "history_records[0].build_number");
    let e = decode_history(r#"{"history_records":{"build_number":"x"}}"#).unwrap_err();
    assert_eq!(e.field, "history_records.build_number");
    assert_eq!(
        decode_jobs(r#"{"jobs":[{"job_name":"x"}]}"#)
            .unwrap_err()
            .field,
        "jobs[0].id"
    );
}
