//! The queue: build requests no worker has claimed yet (`buildrequests`), how long each has
//! waited, and what the master lets us say about why. Buildbot's data API has no "reason it
//! waits" field; what it does say is whether the builder has a worker connected at all.

use super::envelope;
use crate::json::DecodeError;

#[derive(Debug, Clone, PartialEq)]
pub struct BuildRequest {
    pub buildrequestid: i64,
    pub builderid: i64,
    pub buildsetid: Option<i64>,
    pub priority: i64,
    pub submitted_at: Option<f64>,
    pub claimed: bool,
    pub complete: bool,
    /// -1 (or null) while incomplete.
    pub results: Option<i64>,
}

impl BuildRequest {
    /// Waiting for a worker: neither claimed nor complete (a cancelled request is complete).
    pub fn is_pending(&self) -> bool {
        !self.claimed && !self.complete
    }

    /// Seconds since it was submitted, at `now` (never negative: clocks differ).
    pub fn waited(&self, now: f64) -> Option<f64> {
        self.submitted_at.map(|t| (now - t).max(0.0))
    }
}

pub fn decode_buildrequests(body: &str) -> Result<Vec<BuildRequest>, DecodeError> {
    envelope("Buildbot build requests", body, "buildrequests", |o| {
        Ok(BuildRequest {
            buildrequestid: o.i64("buildrequestid")?,
            builderid: o.i64("builderid")?,
            buildsetid: o.opt_i64("buildsetid")?,
            priority: o.opt_i64("priority")?.unwrap_or(0),
            submitted_at: o.opt_f64("submitted_at")?,
            claimed: o.opt_bool("claimed")?.unwrap_or(false),
            complete: o.opt_bool("complete")?.unwrap_or(false),
            results: o.opt_i64("results")?,
        })
    })
}

/// How many of a builder's workers (`builders/{id}/workers`) could take a build now:
/// connected and not paused.
pub fn decode_ready_workers(body: &str) -> Result<usize, DecodeError> {
    let ready = envelope("Buildbot workers", body, "workers", |o| {
        Ok(!o.list("connected_to")?.is_empty() && !o.opt_bool("paused")?.unwrap_or(false))
    })?;
    Ok(ready.into_iter().filter(|r| *r).count())
}

/// The pending requests, in the order the master serves them: higher priority first, then
/// the longest waiting.
pub fn pending(mut requests: Vec<BuildRequest>) -> Vec<BuildRequest> {
    requests.retain(BuildRequest::is_pending);
    requests.sort_by(|a, b| {
        b.priority.cmp(&a.priority).then(
            a.submitted_at
                .unwrap_or(f64::MAX)
                .total_cmp(&b.submitted_at.unwrap_or(f64::MAX)),
        )
    });
    requests
}

/// The data API query of the requests still waiting (the master filters them).
pub fn pending_query(builderid: Option<i64>) -> String {
    match builderid {
        Some(id) => format!("builders/{id}/buildrequests?claimed=false&complete=false"),
        None => "buildrequests?claimed=false&complete=false".to_string(),
    }
}

/// Why a request waits, as far as the master tells: no worker of the builder is connected
/// (or every one is paused), or, when some could run it, they are busy or the builder's own
/// limits and locks hold it back.
pub fn why_waiting(ready_workers: usize) -> &'static str {
    if ready_workers == 0 {
        "no worker of this builder is connected and unpaused"
    } else {
        "its workers are busy, or a lock or the builder's limit holds it"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::buildbot as fixture;

    #[test]
    fn real_requests_decode_and_completed_ones_are_not_queued() {
        let all = decode_buildrequests(&fixture("buildrequests-latest")).unwrap();
        assert!(!all.is_empty());
        assert!(all.iter().all(|r| r.complete));
        assert!(pending(all).is_empty());
    }

    #[test]
    fn pending_requests_by_priority_then_age() {
        let body = r#"{"buildrequests":[
            {"buildrequestid":1,"builderid":2,"claimed":true,"complete":false,"submitted_at":1},
            {"buildrequestid":2,"builderid":2,"claimed":false,"complete":false,"submitted_at":"30","priority":0},
            {"buildrequestid":3,"builderid":2,"claimed":0,"complete":0,"submitted_at":20.5},
            {"buildrequestid":4,"builderid":2,"claimed":false,"complete":false,"submitted_at":40,"priority":5},
            {"buildrequestid":5,"builderid":2,"claimed":false,"complete":true,"results":6}
        ],"meta":{"total":5}}"#;
        let p = pending(decode_buildrequests(body).unwrap());
        let ids: Vec<i64> = p.iter().map(|r| r.buildrequestid).collect();
        assert_eq!(ids, [4, 3, 2]);
        assert_eq!(p[1].waited(50.5), Some(30.0));
        assert_eq!(p[1].waited(0.0), Some(0.0));
        assert!(decode_buildrequests(r#"{"buildrequests":[{"builderid":1}]}"#).is_err());
    }

    #[test]
    fn the_query_asks_the_master_to_filter() {
        assert_eq!(
            pending_query(Some(4)),
            "builders/4/buildrequests?claimed=false&complete=false"
        );
        assert!(why_waiting(0).contains("no worker"));
    }

    #[test]
    fn ready_workers_are_connected_and_not_paused() {
        assert_eq!(decode_ready_workers(&fixture("workers")).unwrap(), 1);
        let body = r#"{"workers":[{"connected_to":[{"masterid":1}],"paused":true},
            {"connected_to":[]},{"connected_to":[{"masterid":1}],"paused":false}]}"#;
        assert_eq!(decode_ready_workers(body).unwrap(), 1);
        assert!(decode_ready_workers(r#"{"workers":[{"connected_to":3}]}"#).is_err());
    }
}
