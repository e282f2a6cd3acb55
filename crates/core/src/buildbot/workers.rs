//! Workers (`/workers`, `/workers/{id}`): who they are, the state a user acts on (connected,
//! paused and why, shutting down gracefully), where they may run, and the control actions
//! Buildbot offers on them (`pause`, `unpause`, `stop` = graceful shutdown, `kill`).

use super::envelope;
use crate::json::{DecodeError, Obj};

#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    pub workerid: i64,
    pub name: String,
    pub connected: bool,
    pub paused: bool,
    pub pause_reason: Option<String>,
    /// Shutting down once its running builds end.
    pub graceful: bool,
    /// Builder ids it is configured on.
    pub builders: Vec<i64>,
    /// What the worker says of itself (`info/admin`, `info/host`, its version), as text.
    pub admin: Option<String>,
    pub host: Option<String>,
    pub version: Option<String>,
}

/// The one word for a worker's state, most telling first (a paused worker that went away is
/// "offline": nothing will run on it either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerState {
    Offline,
    ShuttingDown,
    Paused,
    Idle,
}

impl WorkerState {
    pub fn label(self) -> &'static str {
        match self {
            WorkerState::Offline => "Offline",
            WorkerState::ShuttingDown => "Shutting down",
            WorkerState::Paused => "Paused",
            WorkerState::Idle => "Connected",
        }
    }

    /// A CSS modifier and an icon, so the state is never told by colour alone.
    pub fn key(self) -> &'static str {
        match self {
            WorkerState::Offline => "offline",
            WorkerState::ShuttingDown => "graceful",
            WorkerState::Paused => "paused",
            WorkerState::Idle => "connected",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            WorkerState::Offline => "○",
            WorkerState::ShuttingDown => "⏻",
            WorkerState::Paused => "⏸",
            WorkerState::Idle => "●",
        }
    }
}

impl Worker {
    pub fn state(&self) -> WorkerState {
        if !self.connected {
            WorkerState::Offline
        } else if self.graceful {
            WorkerState::ShuttingDown
        } else if self.paused {
            WorkerState::Paused
        } else {
            WorkerState::Idle
        }
    }
}

fn info(o: &Obj<'_>, field: &str) -> Result<Option<String>, DecodeError> {
    Ok(match o.opt_obj("workerinfo")? {
        Some(i) => i
            .opt_str(field)?
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        None => None,
    })
}

pub fn decode_workers(body: &str) -> Result<Vec<Worker>, DecodeError> {
    let mut workers = envelope("Buildbot workers", body, "workers", |o| {
        Ok(Worker {
            workerid: o.i64("workerid")?,
            name: o.str("name")?,
            connected: !o.list("connected_to")?.is_empty(),
            paused: o.opt_bool("paused")?.unwrap_or(false),
            pause_reason: o.opt_str("pause_reason")?.filter(|r| !r.trim().is_empty()),
            graceful: o.opt_bool("graceful")?.unwrap_or(false),
            builders: o.each("configured_on", |c| c.i64("builderid"))?,
            admin: info(&o, "admin")?,
            host: info(&o, "host")?,
            version: info(&o, "version")?,
        })
    })?;
    workers.sort_by(|a, b| a.name.cmp(&b.name));
    workers.iter_mut().for_each(|w| {
        w.builders.sort_unstable();
        w.builders.dedup();
    });
    Ok(workers)
}

/// One worker (`workers/{id}`: a one-element list).
pub fn decode_worker(body: &str) -> Result<Worker, DecodeError> {
    super::single("Buildbot worker", decode_workers(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::buildbot as fixture;

    #[test]
    fn a_real_worker_decodes_with_its_builders_and_info() {
        let w = decode_workers(&fixture("workers")).unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].name, "local-worker");
        assert_eq!(w[0].state(), WorkerState::Idle);
        assert_eq!(w[0].builders, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(w[0].version.as_deref(), Some("4.3.0"));
        assert_eq!(
            w[0].admin.as_deref(),
            Some("Fixture Bot <bot@example.invalid>")
        );
    }

    #[test]
    fn states_in_order_of_what_matters() {
        let body = r#"{"workers":[
            {"workerid":1,"name":"b","connected_to":[],"paused":true},
            {"workerid":2,"name":"a","connected_to":[{"masterid":1}],"paused":1,"pause_reason":"disk full","graceful":false},
            {"workerid":3,"name":"c","connected_to":[{"masterid":1}],"paused":false,"graceful":true,"workerinfo":null}
        ]}"#;
        let w = decode_workers(body).unwrap();
        let states: Vec<_> = w.iter().map(|w| (w.name.as_str(), w.state())).collect();
        assert_eq!(
            states,
            [
                ("a", WorkerState::Paused),
                ("b", WorkerState::Offline),
                ("c", WorkerState::ShuttingDown)
            ]
        );
        assert_eq!(w[0].pause_reason.as_deref(), Some("disk full"));
        assert!(decode_workers(r#"{"workers":[{"name":"x"}]}"#).is_err());
        assert_eq!(decode_worker(body).unwrap().name, "a");
        assert!(decode_worker(r#"{"workers":[],"meta":{}}"#).is_err());
    }
}
