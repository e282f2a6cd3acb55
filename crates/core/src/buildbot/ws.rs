//! Buildbot websocket (`/ws`) protocol, pure: commands out, frames in.
//!
//! The client sends `{"cmd":"startConsuming","path":"builds/*/*","_id":1}`; the master acks with
//! `{"msg":"OK","code":200,"_id":1}`, answers errors as `{"error":...,"code":404,"_id":..}`, and
//! pushes events `{"k":"builds/12/update","m":{<entity>}}`. Events come under several keys
//! (`builds/N/*` and nested ones such as `builders/B/builds/N/*`); the last two segments name the
//! collection's id and the event, and the segment before the id names the collection.

use super::{decode_build_obj, decode_log_obj, decode_step_obj, Build, Log, Step};
use crate::json::{self, DecodeError, Obj};
use serde_json::{json, Value};

/// Commands the client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    StartConsuming { path: String, id: u64 },
    StopConsuming { path: String, id: u64 },
    Ping { id: u64 },
}

impl Command {
    pub fn to_json(&self) -> String {
        match self {
            Command::StartConsuming { path, id } => {
                json!({"cmd": "startConsuming", "path": path, "_id": id})
            }
            Command::StopConsuming { path, id } => {
                json!({"cmd": "stopConsuming", "path": path, "_id": id})
            }
            Command::Ping { id } => json!({"cmd": "ping", "_id": id}),
        }
        .to_string()
    }
}

/// What an event says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    New,
    Started,
    Update,
    Finished,
    Append,
    Other(String),
}

impl EventKind {
    fn parse(s: &str) -> EventKind {
        match s {
            "new" => EventKind::New,
            "started" => EventKind::Started,
            // builds send `update`, steps send `updated`.
            "update" | "updated" => EventKind::Update,
            "finished" | "complete" => EventKind::Finished,
            "append" => EventKind::Append,
            other => EventKind::Other(other.to_string()),
        }
    }
}

/// A typed event entity (the collections the dashboard follows) or the raw message.
#[derive(Debug, Clone, PartialEq)]
pub enum Entity {
    Build(Build),
    Step(Step),
    Log(Log),
    Other { collection: String, message: Value },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// Reply to a command: `code` 200 for success.
    Reply {
        id: Option<u64>,
        code: i64,
        message: String,
    },
    Event {
        key: String,
        kind: EventKind,
        entity: Entity,
    },
}

/// Decodes one text frame. Unknown collections are kept raw; a malformed frame is an error
/// naming the field (the caller logs it and carries on).
pub fn decode_frame(text: &str) -> Result<Frame, DecodeError> {
    let v = json::parse("Buildbot websocket frame", text)?;
    let o = Obj::new("Buildbot websocket frame", &v)?;
    if let Some(key) = o.opt_str("k")? {
        let parts: Vec<&str> = key.split('/').collect();
        let (collection, kind) = match parts.as_slice() {
            [.., c, _id, ev] => (c.to_string(), EventKind::parse(ev)),
            _ => {
                return Err(DecodeError {
                    what: "Buildbot websocket frame".into(),
                    field: "k".into(),
                    problem: format!("unexpected routing key {key:?}"),
                })
            }
        };
        let message = o.get("m").cloned().unwrap_or(Value::Null);
        let m = || {
            Obj::new(
                "Buildbot websocket event",
                o.get("m").unwrap_or(&Value::Null),
            )
        };
        let entity = match collection.as_str() {
            "builds" => Entity::Build(decode_build_obj(m()?)?),
            "steps" => Entity::Step(decode_step_obj(m()?)?),
            "logs" => Entity::Log(decode_log_obj(m()?)?),
            _ => Entity::Other {
                collection,
                message,
            },
        };
        return Ok(Frame::Event { key, kind, entity });
    }
    let id = o.opt_i64("_id")?.map(|i| i.max(0) as u64);
    let code = o.opt_i64("code")?.unwrap_or(0);
    let message = match (o.opt_str("msg")?, o.get("error")) {
        (Some(m), _) => m,
        (None, Some(Value::String(e))) => e.clone(),
        (None, Some(e)) => e.to_string(),
        (None, None) => String::new(),
    };
    Ok(Frame::Reply { id, code, message })
}

/// Delay before reconnect attempt `attempt` (0-based): the app's one backoff, so a master
/// restart is picked up quickly and a long outage costs one attempt every 30 s.
pub fn reconnect_delay_ms(attempt: u32) -> u32 {
    crate::retry::backoff_ms(attempt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;

    use crate::testdata::buildbot as fixture;

    #[test]
    fn impossible_times_in_events_are_absent_or_errors() {
        // Found by `make fuzz` (buildbot_ws): `complete_at: 0` decoded as the epoch (a step
        // "finished" in 1970), and a `"NaN"` string as a NaN time.
        let frame = r#"{"k": "steps/1/finished", "m": {"stepid": 1, "number": 0, "name": "x",
            "buildid": 0, "started_at": 1795318334, "complete": true, "complete_at": 0,
            "locks_acquired_at": -5, "urls": [], "hidden": false}}"#;
        let Ok(Frame::Event {
            entity: Entity::Step(s),
            ..
        }) = decode_frame(frame)
        else {
            panic!("not a step event");
        };
        assert_eq!(
            (s.started_at, s.complete_at, s.locks_acquired_at),
            (Some(1_795_318_334.0), None, None)
        );
        for bad in ["\"NaN\"", "\"inf\"", "\"1e999\""] {
            let frame = format!(
                r#"{{"k": "builds/1/new", "m": {{"buildid": 1, "builderid": 1,
                "number": 1, "started_at": {bad}}}}}"#
            );
            let e = decode_frame(&frame).expect_err(bad);
            assert_eq!(e.field, "started_at", "{bad}");
        }
    }

    #[test]
    fn commands_match_what_the_master_accepts() {
        let recorded: Value = serde_json::from_str(&fixture("ws-control-frames")).unwrap();
        let first = &recorded[0]["msg"];
        let ours: Value = serde_json::from_str(
            &Command::StartConsuming {
                path: "builds/*/*".into(),
                id: 1,
            }
            .to_json(),
        )
        .unwrap();
        assert_eq!(&ours, first);
        let ping: Value = serde_json::from_str(&Command::Ping { id: 6 }.to_json()).unwrap();
        assert_eq!(ping, recorded[5]["msg"]);
        assert!(Command::StopConsuming {
            path: "logs/*/*".into(),
            id: 3
        }
        .to_json()
        .contains("stopConsuming"));
    }

    #[test]
    fn replies_acks_pongs_and_errors() {
        let recorded: Value = serde_json::from_str(&fixture("ws-control-frames")).unwrap();
        let mut saw_error = false;
        let mut saw_pong = false;
        for f in recorded
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["dir"] == "recv")
        {
            match decode_frame(&f["msg"].to_string()).unwrap() {
                Frame::Reply { code, message, .. } => {
                    saw_error |= code >= 400 && !message.is_empty();
                    saw_pong |= message == "pong";
                }
                Frame::Event { .. } => {}
            }
        }
        assert!(saw_error && saw_pong);
    }

    #[test]
    fn events_decode_to_entities() {
        let cases = [
            ("ws-event-builds-new", EventKind::New),
            ("ws-event-builds-update", EventKind::Update),
            ("ws-event-builds-finished", EventKind::Finished),
            ("ws-event-steps-new", EventKind::New),
            ("ws-event-steps-started", EventKind::Started),
            ("ws-event-steps-updated", EventKind::Update),
            ("ws-event-steps-finished", EventKind::Finished),
            ("ws-event-logs-new", EventKind::New),
            ("ws-event-logs-append", EventKind::Append),
            ("ws-event-logs-finished", EventKind::Finished),
            ("ws-event-buildrequests-new", EventKind::New),
            (
                "ws-event-buildrequests-claimed",
                EventKind::Other("claimed".into()),
            ),
            ("ws-event-buildrequests-complete", EventKind::Finished),
            ("ws-event-buildsets-new", EventKind::New),
            ("ws-event-buildsets-complete", EventKind::Finished),
        ];
        for (name, want) in cases {
            let Frame::Event { kind, entity, .. } = decode_frame(&fixture(name)).unwrap() else {
                panic!("{name}: not an event");
            };
            assert_eq!(kind, want, "{name}");
            let collection = name.split('-').nth(2).unwrap();
            match (collection, &entity) {
                ("builds", Entity::Build(b)) => assert!(b.buildid > 0),
                ("steps", Entity::Step(s)) => assert!(s.stepid > 0),
                ("logs", Entity::Log(l)) => assert!(l.logid > 0),
                ("buildrequests" | "buildsets", Entity::Other { collection: c, .. }) => {
                    assert_eq!(c, collection)
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        let Frame::Event {
            entity: Entity::Log(l),
            ..
        } = decode_frame(&fixture("ws-event-logs-append")).unwrap()
        else {
            panic!()
        };
        assert_eq!((l.logid, l.num_lines), (1, 17));
    }

    #[test]
    fn a_recorded_build_ends_finished_and_nested_keys_work() {
        let seq: Value = serde_json::from_str(&fixture("ws-sequence-long-running-build")).unwrap();
        let mut last_build = None;
        for e in seq.as_array().unwrap() {
            let frame = decode_frame(&json!({"k": e["k"], "m": e["m"]}).to_string()).unwrap();
            if let Frame::Event {
                entity: Entity::Build(b),
                ..
            } = frame
            {
                last_build = Some(b);
            }
        }
        let b = last_build.unwrap();
        assert!(b.complete);
        assert_ne!(b.status(), Status::Running);
        let nested: Value =
            serde_json::from_str(&fixture("ws-nested-path-events-samples")).unwrap();
        for e in nested.as_array().unwrap() {
            decode_frame(&e.to_string()).unwrap_or_else(|err| panic!("{}: {err}", e["k"]));
        }
    }

    #[test]
    fn odd_frames_are_errors_not_panics() {
        assert!(decode_frame("not json").is_err());
        assert!(decode_frame(r#"{"k":"builds","m":{}}"#).is_err());
        assert!(decode_frame(r#"{"k":"builds/1/new","m":{"buildid":"x"}}"#).is_err());
        assert_eq!(reconnect_delay_ms(0), 1_000);
        assert_eq!(reconnect_delay_ms(3), 8_000);
        assert_eq!(reconnect_delay_ms(40), 30_000);
    }
}
