//! Display formatting: durations, timestamps, counts and sizes, with no DOM access so it is
//! tested natively.

use chrono::{DateTime, FixedOffset, Utc};

/// `3s`, `2m 05s`, `1h 02m 03s`, `2d 03h`. Negative inputs (clock skew) show as `0s`.
pub fn format_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m {sec:02}s")
    } else if m > 0 {
        format!("{m}m {sec:02}s")
    } else {
        format!("{sec}s")
    }
}

/// Duration of something that started at `start` and ended at `end`, or is still running at `now`.
pub fn elapsed(start: Option<f64>, end: Option<f64>, now: f64) -> Option<i64> {
    let start = start?;
    let stop = end.unwrap_or(now);
    Some((stop - start).max(0.0).round() as i64)
}

/// Epoch seconds as `YYYY-MM-DD HH:MM:SS` in the viewer's zone (`offset_minutes` east of UTC).
pub fn format_epoch(epoch: f64, offset_minutes: i32) -> String {
    let Some(utc) = DateTime::<Utc>::from_timestamp(epoch.floor() as i64, 0) else {
        return "invalid time".to_string();
    };
    let offset = FixedOffset::east_opt(offset_minutes.saturating_mul(60))
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid"));
    utc.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Epoch seconds as an ISO-8601 UTC string, for `datetime` attributes and tooltips.
pub fn iso_utc(epoch: f64) -> String {
    DateTime::<Utc>::from_timestamp(epoch.floor() as i64, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// "just now", "5 min ago", "3 h ago", "2 days ago".
pub fn relative(epoch: f64, now: f64) -> String {
    let d = (now - epoch).round() as i64;
    match d {
        i64::MIN..=-60 => "in the future".to_string(),
        -59..=44 => "just now".to_string(),
        45..=5399 => format!("{} min ago", ((d + 30) / 60).max(1)),
        5400..=129_599 => format!("{} h ago", (d + 1800) / 3600),
        _ => format!("{} days ago", (d + 43_200) / 86_400),
    }
}

/// `1234567` as `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count for people: `512 B`, `9.9 KB`, `1.8 MB` (binary units).
pub fn human_bytes(b: u64) -> String {
    match b {
        0..=1023 => format!("{b} B"),
        1024..=1_048_575 => format!("{:.1} KB", b as f64 / 1024.0),
        _ => format!("{:.1} MB", b as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(59), "59s");
        assert_eq!(format_duration(125), "2m 05s");
        assert_eq!(format_duration(3723), "1h 02m 03s");
        assert_eq!(format_duration(2 * 86_400 + 3 * 3600 + 5), "2d 03h");
        assert_eq!(format_duration(-5), "0s");
    }

    #[test]
    fn elapsed_uses_now_while_running() {
        assert_eq!(elapsed(Some(100.0), Some(160.0), 999.0), Some(60));
        assert_eq!(elapsed(Some(100.0), None, 130.0), Some(30));
        assert_eq!(elapsed(None, None, 130.0), None);
        assert_eq!(elapsed(Some(200.0), Some(100.0), 0.0), Some(0));
    }

    #[test]
    fn timestamps_format_in_the_viewer_zone() {
        // 1795318338 is 2026-11-22 ... UTC, a timestamp from the real master's fixtures.
        assert_eq!(iso_utc(1_795_318_338.0), "2026-11-22T03:32:18Z");
        assert_eq!(format_epoch(1_795_318_338.0, 0), "2026-11-22 03:32:18");
        assert_eq!(format_epoch(1_795_318_338.0, 120), "2026-11-22 05:32:18");
        assert_eq!(format_epoch(1_795_318_338.0, -300), "2026-11-21 22:32:18");
        assert_eq!(format_epoch(f64::MAX, 0), "invalid time");
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(1000.0, 1010.0), "just now");
        assert_eq!(relative(1000.0, 1300.0), "5 min ago");
        assert_eq!(relative(0.0, 3.0 * 3600.0), "3 h ago");
        assert_eq!(relative(0.0, 2.0 * 86_400.0), "2 days ago");
    }

    #[test]
    fn counts_and_sizes() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(10_000_000), "10,000,000");
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(10_137), "9.9 KB");
        assert_eq!(human_bytes(1_887_437), "1.8 MB");
    }
}
