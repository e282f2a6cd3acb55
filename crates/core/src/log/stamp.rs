//! The per-line prefix of CodeArts Build logs (pure, no DOM):
//!
//! ```text
//! [2023/12/21 15:44:18.743 GMT+08:00] [INFO] [Maven构建:external_post_maven] : message
//! ```
//!
//! [`parse`] splits such a line into a [`Stamp`] (the instant as UTC epoch milliseconds, the
//! level, the `stage:step` tag) and the message after the prefix, so the viewer shows the time
//! in a gutter and the text once. A line whose first bracket is not a date and time is not
//! prefixed and is left whole: Maven's own `[INFO] BUILD SUCCESS` must not lose its `[INFO]`.
//!
//! Tolerated: `/` or `-` in the date; missing or any number of fraction digits; zones written
//! `GMT+08:00`, `GMT+8`, `UTC-05:30`, `+0800`, `Z`, `GMT` or `UTC`; no zone at all (read in
//! Huawei's own UTC+8, as `timeparse` reads every zone-less Huawei time); a missing level or
//! tag; no ` : ` before the message. Levels other than the four known ones are kept as
//! [`Level::Unknown`].

use crate::timeparse::NAIVE_OFFSET_SECS;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// A line's level, from its second bracket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
    /// Any other word, as sent (`TRACE`, `FATAL`, …).
    Unknown(String),
}

impl Level {
    fn of(word: &str) -> Level {
        match word.to_ascii_uppercase().as_str() {
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" | "WARNING" => Level::Warn,
            "ERROR" => Level::Error,
            _ => Level::Unknown(word.to_string()),
        }
    }

    /// The CSS class suffix and the word screen readers hear.
    pub fn key(&self) -> &str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Unknown(w) => w,
        }
    }
}

/// What a CodeArts prefix says about its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The instant, UTC epoch milliseconds.
    pub at_ms: i64,
    pub level: Option<Level>,
    /// `stage:step` as sent (see [`Stamp::stage`] and [`Stamp::step`]).
    pub tag: Option<String>,
}

impl Stamp {
    /// The tag's part before the first `:` (the whole tag when it has none).
    pub fn stage(&self) -> Option<&str> {
        let tag = self.tag.as_deref()?;
        Some(tag.split_once(':').map_or(tag, |(stage, _)| stage))
    }

    /// The tag's part after the first `:`.
    pub fn step(&self) -> Option<&str> {
        self.tag.as_deref()?.split_once(':').map(|(_, step)| step)
    }
}

/// The stamp of `line` and the message after its prefix, or `None` when the line has no
/// CodeArts prefix (it is then shown untouched).
pub fn parse(line: &str) -> Option<(Stamp, &str)> {
    let (when, mut rest) = bracket(line)?;
    let at_ms = instant(when)?;
    let mut level = None;
    let mut tag = None;
    if let Some((word, after)) = bracket(rest.trim_start_matches(' ')) {
        if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic()) {
            level = Some(Level::of(word));
            rest = after;
            if let Some((t, after)) = bracket(rest.trim_start_matches(' ')) {
                tag = Some(t.to_string());
                rest = after;
            }
        }
    }
    // ` : message`, `: message`, ` message` or nothing at all.
    let trimmed = rest.trim_start_matches(' ');
    let message = match trimmed.strip_prefix(':') {
        Some(m) => m.strip_prefix(' ').unwrap_or(m),
        None => trimmed,
    };
    Some((Stamp { at_ms, level, tag }, message))
}

/// `[inside]rest` → (`inside`, `rest`). The inside ends at the first `]`.
fn bracket(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('[')?;
    let end = inner.find(']')?;
    Some((&inner[..end], &inner[end + 1..]))
}

/// `2023/12/21 15:44:18.743 GMT+08:00` as UTC epoch milliseconds.
fn instant(s: &str) -> Option<i64> {
    let mut parts = s.split_whitespace();
    let date = parts.next()?;
    let time = parts.next()?;
    let zone = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let date = NaiveDate::parse_from_str(date, "%Y/%m/%d")
        .or_else(|_| NaiveDate::parse_from_str(date, "%Y-%m-%d"))
        .ok()?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S%.f").ok()?;
    let offset = match zone {
        Some(z) => offset_secs(z)?,
        None => NAIVE_OFFSET_SECS,
    };
    let tz = FixedOffset::east_opt(offset)?;
    let dt = tz
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()?;
    Some(dt.timestamp_millis())
}

/// Seconds east of UTC for `GMT+08:00`, `GMT+8`, `UTC-05:30`, `+0800`, `Z`, `GMT`, `UTC`.
fn offset_secs(zone: &str) -> Option<i32> {
    let upper = zone.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("GMT")
        .or_else(|| upper.strip_prefix("UTC"))
        .unwrap_or(&upper);
    if rest.is_empty() || rest == "Z" {
        return Some(0);
    }
    if !rest.is_ascii() {
        return None;
    }
    let (sign, digits) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// What the viewer's time column shows, the user's choice (remembered by the web crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeColumn {
    /// The line's time in the reader's own time zone.
    Local,
    /// Time since the log's first stamped line.
    Elapsed,
    /// No column.
    Hidden,
}

impl TimeColumn {
    /// The stored and displayed name.
    pub fn key(self) -> &'static str {
        match self {
            TimeColumn::Local => "local",
            TimeColumn::Elapsed => "elapsed",
            TimeColumn::Hidden => "hidden",
        }
    }

    /// A stored name back; anything else is the default, local time.
    pub fn from_key(key: Option<&str>) -> TimeColumn {
        match key {
            Some("elapsed") => TimeColumn::Elapsed,
            Some("hidden") => TimeColumn::Hidden,
            _ => TimeColumn::Local,
        }
    }

    /// The toggle's order: local → elapsed → hidden → local.
    pub fn next(self) -> TimeColumn {
        match self {
            TimeColumn::Local => TimeColumn::Elapsed,
            TimeColumn::Elapsed => TimeColumn::Hidden,
            TimeColumn::Hidden => TimeColumn::Local,
        }
    }
}

/// `at_ms` as the reader's wall clock, `15:44:18.743`, given the zone's offset east of UTC
/// at that instant (the browser knows it, DST included). A line on another day than the
/// log's start says which: `12-22 00:01:02.345`.
pub fn local_label(at_ms: i64, offset_minutes: i32, start_ms: Option<i64>) -> String {
    let local = |ms: i64| ms + i64::from(offset_minutes) * 60_000;
    let day = |ms: i64| local(ms).div_euclid(86_400_000);
    let t = local(at_ms);
    let ms_of_day = t.rem_euclid(86_400_000);
    let clock = format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000
    );
    match start_ms {
        Some(s) if day(s) != day(at_ms) => {
            let date = chrono::DateTime::from_timestamp_millis(t)
                .map(|d| d.format("%m-%d ").to_string())
                .unwrap_or_default();
            format!("{date}{clock}")
        }
        _ => clock,
    }
}

/// Time from the log's start to `at_ms`: `+0:04.250`, `+12:00.000`, `+1:02:03.004`; a line
/// stamped before the start (clocks are not monotonic) gets a minus sign.
pub fn elapsed_label(at_ms: i64, start_ms: i64) -> String {
    let d = at_ms.saturating_sub(start_ms);
    let sign = if d < 0 { '−' } else { '+' };
    let d = d.unsigned_abs();
    let (h, m, s, ms) = (d / 3_600_000, d / 60_000 % 60, d / 1000 % 60, d % 1000);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{sign}{m}:{s:02}.{ms:03}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-12-21T07:44:18.743Z.
    const EXAMPLE_MS: i64 = 1_703_144_658_743;

    #[test]
    fn the_documented_prefix_splits_into_time_level_tag_and_message() {
        let line = "[2023/12/21 15:44:18.743 GMT+08:00] [INFO] [Maven构建:external_post_maven] : [INFO] BUILD SUCCESS";
        let (s, msg) = parse(line).unwrap();
        assert_eq!(s.at_ms, EXAMPLE_MS);
        assert_eq!(s.level, Some(Level::Info));
        assert_eq!(s.tag.as_deref(), Some("Maven构建:external_post_maven"));
        assert_eq!(
            (s.stage(), s.step()),
            (Some("Maven构建"), Some("external_post_maven"))
        );
        assert_eq!(
            msg, "[INFO] BUILD SUCCESS",
            "Maven's own level stays in the text"
        );
    }

    #[test]
    fn zones_fractions_and_separators_are_tolerated() {
        let at = |l: &str| parse(l).map(|(s, _)| s.at_ms);
        for z in [
            "GMT+08:00",
            "GMT+8",
            "UTC+08:00",
            "+0800",
            "+08:00",
            "gmt+8",
        ] {
            assert_eq!(
                at(&format!("[2023/12/21 15:44:18.743 {z}] x")),
                Some(EXAMPLE_MS),
                "{z}"
            );
        }
        for z in ["GMT", "UTC", "Z", "GMT+00:00"] {
            assert_eq!(
                at(&format!("[2023-12-21 07:44:18.743 {z}] x")),
                Some(EXAMPLE_MS),
                "{z}"
            );
        }
        assert_eq!(
            at("[2023/12/21 02:14:18.743 GMT-05:30] x"),
            Some(EXAMPLE_MS)
        );
        // No millis, more digits, no zone (Huawei's UTC+8).
        assert_eq!(
            at("[2023/12/21 15:44:18 GMT+08:00] x"),
            Some(EXAMPLE_MS - 743)
        );
        assert_eq!(
            at("[2023/12/21 15:44:18.743999 GMT+08:00] x"),
            Some(EXAMPLE_MS)
        );
        assert_eq!(at("[2023/12/21 15:44:18.743] x"), Some(EXAMPLE_MS));
        // Separators.
        for (line, msg) in [
            ("[2023/12/21 15:44:18.743 GMT+08:00] [WARN] [a:b]: hi", "hi"),
            ("[2023/12/21 15:44:18.743 GMT+08:00] [WARN] [a:b] hi", "hi"),
            (
                "[2023/12/21 15:44:18.743 GMT+08:00] [WARN] [a:b] :  two",
                " two",
            ),
            ("[2023/12/21 15:44:18.743 GMT+08:00] [WARN] [a:b] : ", ""),
            ("[2023/12/21 15:44:18.743 GMT+08:00] [WARN] [a:b]", ""),
            (
                "[2023/12/21 15:44:18.743 GMT+08:00] [WARN] : no tag",
                "no tag",
            ),
            ("[2023/12/21 15:44:18.743 GMT+08:00] : bare", "bare"),
        ] {
            assert_eq!(parse(line).unwrap().1, msg, "{line}");
        }
        let (s, _) = parse("[2023/12/21 15:44:18.743 GMT+08:00] [WARN] : no tag").unwrap();
        assert_eq!((s.level, s.tag), (Some(Level::Warn), None));
        let (s, _) = parse("[2023/12/21 15:44:18.743 GMT+08:00] [stage-x] y").unwrap();
        assert_eq!(s.level, None, "a bracket that is not a word is not a level");
    }

    #[test]
    fn levels_known_and_unknown() {
        let level = |w: &str| {
            parse(&format!(
                "[2023/12/21 15:44:18.743 GMT+08:00] [{w}] [s:t] : m"
            ))
            .unwrap()
            .0
            .level
        };
        assert_eq!(level("ERROR"), Some(Level::Error));
        assert_eq!(level("error"), Some(Level::Error));
        assert_eq!(level("WARNING"), Some(Level::Warn));
        assert_eq!(level("DEBUG"), Some(Level::Debug));
        assert_eq!(level("TRACE"), Some(Level::Unknown("TRACE".into())));
        assert_eq!(Level::Unknown("TRACE".into()).key(), "TRACE");
        assert_eq!(Level::Error.key(), "error");
    }

    #[test]
    fn lines_without_the_prefix_are_left_alone() {
        for line in [
            "",
            "plain",
            "[INFO] BUILD SUCCESS",
            "[2023/12/21] x",
            "[2023/12/21 25:00:00 GMT+08:00] x",
            "[2023/13/21 10:00:00] x",
            "[2023/12/21 10:00:00 Mars] x",
            "[2023/12/21 10:00:00 GMT+99] x",
            "[2023/12/21 10:00:00 GMT+08:00 extra] x",
            "[2023/12/21 10:00:00 GMT+08:00",
            " [2023/12/21 10:00:00 GMT+08:00] indented",
            "[2023/12/21 10:00:00 GMT+0８:00] x",
            "[２023/12/21 10:00:00] x",
            "[2023/12/21 10:00:00 +0８] x",
        ] {
            assert!(parse(line).is_none(), "{line:?}");
        }
    }
    #[test]
    fn local_labels_use_the_readers_offset_and_name_another_day() {
        // 07:44:18.743 UTC is 15:44:18.743 in Beijing and 02:44:18.743 in New York (EST).
        assert_eq!(local_label(EXAMPLE_MS, 480, None), "15:44:18.743");
        assert_eq!(local_label(EXAMPLE_MS, -300, None), "02:44:18.743");
        assert_eq!(
            local_label(EXAMPLE_MS, 0, Some(EXAMPLE_MS - 1000)),
            "07:44:18.743"
        );
        // Past local midnight since the start: the date is shown.
        let next_day = EXAMPLE_MS + 9 * 3_600_000;
        assert_eq!(
            local_label(next_day, 480, Some(EXAMPLE_MS)),
            "12-22 00:44:18.743"
        );
        // Before 1970 and far out: no panic.
        assert_eq!(local_label(-1, 0, None), "23:59:59.999");
        let _ = local_label(i64::MAX / 2, 840, Some(0));
    }

    #[test]
    fn elapsed_labels_count_from_the_start() {
        assert_eq!(elapsed_label(EXAMPLE_MS, EXAMPLE_MS), "+0:00.000");
        assert_eq!(elapsed_label(EXAMPLE_MS + 4_250, EXAMPLE_MS), "+0:04.250");
        assert_eq!(
            elapsed_label(EXAMPLE_MS + 720_000, EXAMPLE_MS),
            "+12:00.000"
        );
        assert_eq!(
            elapsed_label(EXAMPLE_MS + 3_723_004, EXAMPLE_MS),
            "+1:02:03.004"
        );
        assert_eq!(elapsed_label(EXAMPLE_MS - 1_500, EXAMPLE_MS), "−0:01.500");
        let _ = elapsed_label(i64::MIN, i64::MAX);
    }

    #[test]
    fn the_time_column_cycles_and_reads_back_what_it_stored() {
        let mut c = TimeColumn::from_key(None);
        assert_eq!(c, TimeColumn::Local);
        let mut seen = Vec::new();
        for _ in 0..3 {
            seen.push(c.key());
            assert_eq!(TimeColumn::from_key(Some(c.key())), c);
            c = c.next();
        }
        assert_eq!(seen, ["local", "elapsed", "hidden"]);
        assert_eq!(c, TimeColumn::Local);
        assert_eq!(TimeColumn::from_key(Some("bogus")), TimeColumn::Local);
    }
}
