//! One status vocabulary for every build system buildscope reads.
//!
//! Each system has its own codes; the dashboard shows one set of badges so a Buildbot step and
//! a Huawei stage read the same. The system's own label travels with the status for display.

use std::fmt;

/// The shared vocabulary. `Unknown` keeps whatever the server sent so nothing is lost or panics.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Status {
    Pending,
    Queued,
    Running,
    Success,
    Warnings,
    Failure,
    Exception,
    Skipped,
    Retry,
    Cancelled,
    Timeout,
    Deleted,
    Unknown(String),
}

impl Status {
    /// Every known variant, for exhaustive rendering tests and legends.
    pub const KNOWN: [Status; 12] = [
        Status::Pending,
        Status::Queued,
        Status::Running,
        Status::Success,
        Status::Warnings,
        Status::Failure,
        Status::Exception,
        Status::Skipped,
        Status::Retry,
        Status::Cancelled,
        Status::Timeout,
        Status::Deleted,
    ];

    /// Stable machine name, used for CSS classes and `data-status`.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Success => "success",
            Status::Warnings => "warnings",
            Status::Failure => "failure",
            Status::Exception => "exception",
            Status::Skipped => "skipped",
            Status::Retry => "retry",
            Status::Cancelled => "cancelled",
            Status::Timeout => "timeout",
            Status::Deleted => "deleted",
            Status::Unknown(_) => "unknown",
        }
    }

    /// Human label shown in the badge.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Queued => "Queued",
            Status::Running => "Running",
            Status::Success => "Success",
            Status::Warnings => "Warnings",
            Status::Failure => "Failure",
            Status::Exception => "Exception",
            Status::Skipped => "Skipped",
            Status::Retry => "Retry",
            Status::Cancelled => "Cancelled",
            Status::Timeout => "Timed out",
            Status::Deleted => "Deleted",
            Status::Unknown(_) => "Unknown",
        }
    }

    /// A glyph so status never depends on colour alone.
    pub fn icon(&self) -> &'static str {
        match self {
            Status::Pending => "○",
            Status::Queued => "◔",
            Status::Running => "◐",
            Status::Success => "✓",
            Status::Warnings => "!",
            Status::Failure => "✗",
            Status::Exception => "⚡",
            Status::Skipped => "⤼",
            Status::Retry => "↻",
            Status::Cancelled => "⊘",
            Status::Timeout => "⌛",
            Status::Deleted => "🗑",
            Status::Unknown(_) => "?",
        }
    }

    /// Unfinished states keep ticking and are polled / followed live.
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Pending | Status::Queued | Status::Running)
    }

    /// States a user looks for when something broke.
    pub fn is_bad(&self) -> bool {
        matches!(self, Status::Failure | Status::Exception | Status::Timeout)
    }

    /// A whole build's status from its parts (stages, phases) when the server does not say:
    /// the first failure-like part, else the first unfinished one, else the last part.
    pub fn overall(parts: impl IntoIterator<Item = Status>) -> Status {
        let parts: Vec<Status> = parts.into_iter().collect();
        parts
            .iter()
            .find(|s| s.is_bad())
            .or_else(|| parts.iter().find(|s| s.is_active()))
            .or(parts.last())
            .cloned()
            .unwrap_or_else(|| Status::Unknown("no parts".into()))
    }

    /// Buildbot: `results` (0–6, `null` while unfinished) plus whether it started / completed.
    pub(crate) fn from_buildbot(results: Option<i64>, started: bool, complete: bool) -> Status {
        match results {
            Some(0) => Status::Success,
            Some(1) => Status::Warnings,
            Some(2) => Status::Failure,
            Some(3) => Status::Skipped,
            Some(4) => Status::Exception,
            Some(5) => Status::Retry,
            Some(6) => Status::Cancelled,
            // buildrequests/buildsets report -1 while incomplete.
            Some(-1) | None if !complete => {
                if started {
                    Status::Running
                } else {
                    Status::Pending
                }
            }
            Some(n) => Status::Unknown(n.to_string()),
            None => Status::Unknown("no result".to_string()),
        }
    }
}

/// Buildbot's own name for a results code, shown on hover and to screen readers.
pub(crate) fn buildbot_label(results: Option<i64>) -> String {
    match results {
        Some(0) => "SUCCESS (0)".into(),
        Some(1) => "WARNINGS (1)".into(),
        Some(2) => "FAILURE (2)".into(),
        Some(3) => "SKIPPED (3)".into(),
        Some(4) => "EXCEPTION (4)".into(),
        Some(5) => "RETRY (5)".into(),
        Some(6) => "CANCELLED (6)".into(),
        Some(n) => format!("results {n}"),
        None => "no result yet".into(),
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Unknown(s) => write!(f, "Unknown ({s})"),
            other => f.write_str(other.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buildbot_results_map_to_the_vocabulary() {
        let cases = [
            (Some(0), Status::Success),
            (Some(1), Status::Warnings),
            (Some(2), Status::Failure),
            (Some(3), Status::Skipped),
            (Some(4), Status::Exception),
            (Some(5), Status::Retry),
            (Some(6), Status::Cancelled),
        ];
        for (r, s) in cases {
            assert_eq!(Status::from_buildbot(r, true, true), s, "{r:?}");
        }
        assert_eq!(Status::from_buildbot(None, true, false), Status::Running);
        assert_eq!(Status::from_buildbot(None, false, false), Status::Pending);
        assert_eq!(
            Status::from_buildbot(Some(-1), false, false),
            Status::Pending
        );
        assert_eq!(
            Status::from_buildbot(Some(9), true, true),
            Status::Unknown("9".into())
        );
    }

    #[test]
    fn overall_status_from_parts() {
        use Status::*;
        assert_eq!(Status::overall([Success, Failure, Running]), Failure);
        assert_eq!(Status::overall([Success, Running, Pending]), Running);
        assert_eq!(Status::overall([Success, Cancelled]), Cancelled);
        assert_eq!(Status::overall([]), Unknown("no parts".into()));
    }

    #[test]
    fn keys_labels_and_icons_are_distinct() {
        let mut keys: Vec<_> = Status::KNOWN.iter().map(|s| s.key()).collect();
        let mut labels: Vec<_> = Status::KNOWN.iter().map(|s| s.label()).collect();
        let mut icons: Vec<_> = Status::KNOWN.iter().map(|s| s.icon()).collect();
        for v in [&mut keys, &mut labels, &mut icons] {
            v.sort();
            v.dedup();
            assert_eq!(v.len(), Status::KNOWN.len());
        }
        assert_eq!(Status::Unknown("x".into()).to_string(), "Unknown (x)");
        assert_eq!(buildbot_label(Some(2)), "FAILURE (2)");
    }
}
