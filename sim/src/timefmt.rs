//! The time formats the real services send, deliberately all different.
//!
//! Every function takes epoch milliseconds and never panics: an out-of-range
//! value falls back to the Unix epoch.

use chrono::{DateTime, FixedOffset, Offset, Utc};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// China Standard Time (+08:00), the zone the CodeArts console and logs use.
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// CodeArts v1 records and stages: `2024-09-24T03:18:49.000+00:00`.
pub fn v1(ms: i64) -> String {
    utc(ms).format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string()
}

/// CodeArts v3 history: `2020-12-30T17:33:27+08:00`.
pub fn v3_history(ms: i64) -> String {
    utc(ms)
        .with_timezone(&cst())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// ServiceStage build details (Go `time.Time.String()` without fraction):
/// `2025-06-24 12:10:30 +0000 UTC`.
pub fn go_string(ms: i64) -> String {
    utc(ms).format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string()
}

/// CodeArts log line prefix: `[2023/12/21 15:44:18.743 GMT+08:00]`.
pub fn codearts_log(ms: i64) -> String {
    utc(ms)
        .with_timezone(&cst())
        .format("[%Y/%m/%d %H:%M:%S%.3f GMT+08:00]")
        .to_string()
}

/// The date part of a daily build number, in China time: `20240924`.
pub fn daily_date(ms: i64) -> String {
    utc(ms).with_timezone(&cst()).format("%Y%m%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-09-24T03:18:49Z
    const T: i64 = 1_727_147_929_000;

    #[test]
    fn formats() {
        assert_eq!(v1(T), "2024-09-24T03:18:49.000+00:00");
        assert_eq!(v1(T + 7), "2024-09-24T03:18:49.007+00:00");
        assert_eq!(v3_history(T), "2024-09-24T11:18:49+08:00");
        assert_eq!(go_string(T), "2024-09-24 03:18:49 +0000 UTC");
        assert_eq!(codearts_log(T + 743), "[2024/09/24 11:18:49.743 GMT+08:00]");
        assert_eq!(daily_date(T), "20240924");
    }

    #[test]
    fn out_of_range_does_not_panic() {
        assert_eq!(v1(i64::MAX), "1970-01-01T00:00:00.000+00:00");
        assert_eq!(go_string(i64::MIN), "1970-01-01 00:00:00 +0000 UTC");
    }
}
