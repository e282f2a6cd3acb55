//! Timestamps from every system buildscope reads, as epoch seconds (`f64`).
//!
//! Huawei's APIs alone use at least seven formats (CodeArts' v1 records, v3 history, brief
//! records, Java dates in build-record examples, epoch milliseconds in job lists, Go times in
//! ServiceStage), sometimes several in one service, and Buildbot sends epoch seconds. Parsing everything here means the decoders keep one
//! rule: a time field is whatever this module accepts, and the UI only ever sees epoch seconds.
//!
//! Accepted:
//! * RFC 3339 / ISO 8601 with an offset: `2024-09-24T03:18:49.000+00:00`, `...Z`,
//!   and without the colon: `2024-08-12T02:31:01+0800`;
//! * Go's `time.String()`: `2025-06-24 12:10:30 +0000 UTC`, with fractional seconds, any zone,
//!   and a trailing monotonic reading (`m=+0.000000001`) ignored;
//! * Java's `Date.toString()`: `Wed Jun 26 16:25:09 CST 2024`;
//! * zone-less `2024-08-31 10:58:02` (also with `T`, `/` or fractions, or a bare date), read in
//!   [`NAIVE_OFFSET_SECS`];
//! * epoch numbers, or numeric strings, in milliseconds or seconds (told apart by size, see
//!   [`epoch`]).
//!
//! Anything else (empty, null, garbage, impossible dates) is `None`; nothing here panics.

use crate::json::{DecodeError, Obj};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde_json::Value;

/// Offset assumed for times sent without a zone: UTC+8, China Standard Time.
///
/// Huawei's servers run on Beijing time (their docs stamp pages "GMT+08:00" and their Java
/// `Date.toString()` output says `CST`), and the zone-less `yyyy-MM-dd HH:mm:ss` strings they
/// send come from the same code, so reading them as UTC would shift every such time by 8 hours.
pub(crate) const NAIVE_OFFSET_SECS: i32 = 8 * 3600;

/// Numbers at or above this are milliseconds. As seconds it would be the year 5138; as
/// milliseconds it is March 1973, so no real build time is ambiguous.
const MILLIS_THRESHOLD: f64 = 1e11;

/// 9999-12-31T23:59:59Z + 1s: beyond this a number is garbage, not a time.
const MAX_EPOCH_SECS: f64 = 253_402_300_800.0;

/// Epoch seconds from any JSON value a server uses for a time.
pub fn parse_time(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => epoch(n.as_f64()?),
        Value::String(s) => parse_time_str(s),
        _ => None,
    }
}

/// Epoch seconds from a number that is either seconds or milliseconds.
///
/// Zero and negative values are `None`: Java back ends send `0` for "never" (e.g. a job's
/// `last_build_time` before its first build), and no build ran before 1970.
pub(crate) fn epoch(n: f64) -> Option<f64> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    in_range(if n >= MILLIS_THRESHOLD { n / 1000.0 } else { n })
}

/// Epoch seconds from a time string in any format listed in the module docs.
pub fn parse_time_str(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if is_plain_number(s) {
        return epoch(s.parse::<f64>().ok()?);
    }
    // `%z` also accepts the colon-less `+0800` that RFC 3339 rejects.
    if let Some(dt) = DateTime::parse_from_rfc3339(s)
        .ok()
        .or_else(|| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").ok())
    {
        return in_range(seconds(&dt));
    }
    java_date(s)
        .or_else(|| spaced(s))
        .or_else(|| compact_naive(s))
}

/// A time field of a response object, for the decoders.
///
/// Missing, null, empty and "never" (`0`) are `None`. A string in no known format is an error
/// naming the field and the text: a silently blank time would hide a format change, while the
/// error says exactly what to teach this module.
pub fn time_field(o: &Obj<'_>, field: &str) -> Result<Option<f64>, DecodeError> {
    let err = |problem: String| DecodeError {
        what: o.what().to_string(),
        field: field.to_string(),
        problem,
    };
    match o.get(field) {
        None => Ok(None),
        Some(v @ Value::Number(_)) => Ok(parse_time(v)),
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.is_empty() || is_plain_number(t) {
                return Ok(parse_time_str(t));
            }
            parse_time_str(t)
                .map(Some)
                .ok_or_else(|| err(format!("unrecognised time {s:?}")))
        }
        Some(_) => Err(err("expected a time as text or a number".to_string())),
    }
}

/// Digits with at most one dot: exactly what an epoch looks like. `str::parse::<f64>` alone
/// would also take `inf`, `NaN` and `1e5`, none of which a server means as a time.
fn is_plain_number(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|&b| b == b'.').count() <= 1
}

fn seconds<Tz: TimeZone>(dt: &DateTime<Tz>) -> f64 {
    // Microseconds since the epoch fit an f64 exactly, and one division rounds correctly, so
    // `...18.743` comes out as the same f64 as the literal `...18.743`.
    dt.timestamp_micros() as f64 / 1e6
}

fn at_offset(naive: NaiveDateTime, offset_secs: i32) -> Option<f64> {
    let tz = FixedOffset::east_opt(offset_secs)?;
    let dt = tz.from_local_datetime(&naive).single()?;
    in_range(seconds(&dt))
}

fn in_range(secs: f64) -> Option<f64> {
    (secs > 0.0 && secs < MAX_EPOCH_SECS).then_some(secs)
}

/// `2024-08-31`, `2024/08/31` (the `/` form is what CodeArts log prefixes use).
fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .ok()
}

fn time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M:%S%.f").ok()
}

/// `+0800`, `+08:00`, `+08`, `-0530` as seconds east of UTC.
fn numeric_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// A zone written as a name: the abbreviations Huawei's Java and Go servers print, plus the
/// `GMT+08:00` form Java uses for zones without one.
///
/// Abbreviations are ambiguous worldwide (CST is also US Central, UTC-6); for Huawei, whose
/// servers run on China Standard Time, CST is UTC+8. Unknown names are `None` rather than a
/// guess, so a wrong zone never shows as a confidently wrong time.
fn named_offset(name: &str) -> Option<i32> {
    let upper = name.to_ascii_uppercase();
    match upper.as_str() {
        "UTC" | "GMT" | "UT" | "Z" => Some(0),
        "CST" | "HKT" | "SGT" => Some(8 * 3600),
        "JST" | "KST" => Some(9 * 3600),
        _ => ["GMT", "UTC"]
            .iter()
            .find_map(|p| upper.strip_prefix(p))
            .and_then(numeric_offset),
    }
}

/// Java `Date.toString()`: `EEE MMM dd HH:mm:ss zzz yyyy`.
fn java_date(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [weekday, month, day, clock, zone, year] = parts.as_slice() else {
        return None;
    };
    if weekday.len() != 3 || !weekday.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let naive = NaiveDateTime::parse_from_str(
        &format!("{month} {day} {year} {clock}"),
        "%b %d %Y %H:%M:%S%.f",
    )
    .ok()?;
    at_offset(naive, named_offset(zone)?)
}

/// `date time [offset] [zone name] [m=±monotonic]`: Go's `time.String()`, the zone-less
/// `2024-08-31 10:58:02`, and log prefixes like `2023/12/21 15:44:18.743 GMT+08:00`.
fn spaced(s: &str) -> Option<f64> {
    let mut parts = s.split_whitespace();
    let day = date(parts.next()?)?;
    let clock = time(parts.next()?)?;
    let mut numeric = None;
    let mut named = None;
    for part in parts {
        if part.starts_with("m=") {
            break;
        }
        if numeric.is_none() && named.is_none() && part.starts_with(['+', '-']) {
            numeric = Some(numeric_offset(part)?);
        } else if named.is_none() {
            // A numeric offset is exact; the name after it (`+0800 CST`) is only a label.
            named = Some(part);
        } else {
            return None;
        }
    }
    let offset = match (numeric, named) {
        (Some(off), _) => off,
        (None, Some(name)) => named_offset(name)?,
        (None, None) => NAIVE_OFFSET_SECS,
    };
    at_offset(NaiveDateTime::new(day, clock), offset)
}

/// One token without a zone: `2024-08-31T10:58:02[.sss]` or a bare `2024-08-31` (midnight).
fn compact_naive(s: &str) -> Option<f64> {
    let naive = match s.split_once(['T', 't']) {
        Some((d, t)) => NaiveDateTime::new(date(d)?, time(t)?),
        None => date(s)?.and_hms_opt(0, 0, 0)?,
    };
    at_offset(naive, NAIVE_OFFSET_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> Option<f64> {
        parse_time_str(s)
    }

    #[test]
    fn iso_with_offsets() {
        assert_eq!(t("2024-09-24T03:18:49.000+00:00"), Some(1_727_147_929.0));
        assert_eq!(t("2024-08-12T02:31:01+0800"), Some(1_723_401_061.0));
        assert_eq!(t("2024-08-12T02:31:01.250+0800"), Some(1_723_401_061.25));
        assert_eq!(t("2020-12-30T17:33:27+08:00"), Some(1_609_320_807.0));
        assert_eq!(t("2020-12-30T09:33:27Z"), Some(1_609_320_807.0));
        assert_eq!(t("2020-12-30T09:33:27.5Z"), Some(1_609_320_807.5));
        assert_eq!(t("2020-12-30T04:03:27-05:30"), Some(1_609_320_807.0));
        assert_eq!(t("  2020-12-30T17:33:27+08:00  "), Some(1_609_320_807.0));
    }

    #[test]
    fn zone_less_times_are_china_standard_time() {
        assert_eq!(t("2024-08-31 10:58:02"), Some(1_725_073_082.0));
        assert_eq!(t("2024-08-31T10:58:02"), Some(1_725_073_082.0));
        assert_eq!(t("2024-08-31 10:58:02.5"), Some(1_725_073_082.5));
        assert_eq!(t("2024-08-31"), Some(1_725_033_600.0)); // 2024-08-30T16:00:00Z
        assert_eq!(t("2023/12/21 15:44:18.743"), Some(1_703_144_658.743));
    }

    #[test]
    fn java_date_to_string() {
        assert_eq!(t("Wed Jun 26 16:25:09 CST 2024"), Some(1_719_390_309.0));
        assert_eq!(t("Wed Jun 26 08:25:09 UTC 2024"), Some(1_719_390_309.0));
        assert_eq!(t("Wed Jun 26 08:25:09 GMT 2024"), Some(1_719_390_309.0));
        assert_eq!(
            t("Wed Jun 26 16:25:09 GMT+08:00 2024"),
            Some(1_719_390_309.0)
        );
        // A zone we cannot place is refused, not guessed.
        assert_eq!(t("Wed Jun 26 16:25:09 XYZT 2024"), None);
        assert_eq!(t("Wed Jun 31 16:25:09 CST 2024"), None);
    }

    #[test]
    fn go_time_string() {
        assert_eq!(t("2025-06-24 12:10:30 +0000 UTC"), Some(1_750_767_030.0));
        assert_eq!(t("2025-06-24 20:10:30 +0800 CST"), Some(1_750_767_030.0));
        assert_eq!(t("2025-06-24 20:15:00.5 +0800 CST"), Some(1_750_767_300.5));
        assert_eq!(
            t("2025-06-24 12:10:30.123456789 +0000 UTC"),
            Some(1_750_767_030.123456)
        );
        assert_eq!(
            t("2025-06-24 12:10:30 +0000 UTC m=+0.000000001"),
            Some(1_750_767_030.0)
        );
        // The numeric offset decides; Go prints its own abbreviation after it.
        assert_eq!(t("2025-06-24 07:10:30 -0500 EST"), Some(1_750_767_030.0));
        // Log prefix style: a named zone with no numeric offset.
        assert_eq!(
            t("2023/12/21 15:44:18.743 GMT+08:00"),
            Some(1_703_144_658.743)
        );
        assert_eq!(t("2025-06-24 12:10:30 +0000 UTC extra"), None);
    }

    #[test]
    fn epoch_numbers_in_seconds_or_milliseconds() {
        assert_eq!(
            parse_time(&json!(1_703_554_641_000_i64)),
            Some(1_703_554_641.0)
        );
        assert_eq!(
            parse_time(&json!(1_608_004_535_000_i64)),
            Some(1_608_004_535.0)
        );
        assert_eq!(parse_time(&json!(1_795_318_338)), Some(1_795_318_338.0));
        assert_eq!(parse_time(&json!(1_795_318_338.25)), Some(1_795_318_338.25));
        assert_eq!(parse_time(&json!("1703554641000")), Some(1_703_554_641.0));
        assert_eq!(parse_time(&json!(" 1795318338 ")), Some(1_795_318_338.0));
        assert_eq!(
            parse_time(&json!(1.703_554_641_5e12)),
            Some(1_703_554_641.5)
        );
        // `0` is "never" in Java back ends.
        assert_eq!(parse_time(&json!(0)), None);
        assert_eq!(parse_time(&json!("0")), None);
        assert_eq!(parse_time(&json!(-5)), None);
        assert_eq!(parse_time(&json!(1e300)), None);
    }

    #[test]
    fn strings_go_through_the_same_parser_as_values() {
        assert_eq!(
            parse_time(&json!("2024-09-24T03:18:49.000+00:00")),
            Some(1_727_147_929.0)
        );
        assert_eq!(
            parse_time(&json!("Wed Jun 26 16:25:09 CST 2024")),
            Some(1_719_390_309.0)
        );
    }

    #[test]
    fn nothing_and_garbage_are_none() {
        for v in [
            json!(null),
            json!(""),
            json!("   "),
            json!(true),
            json!([]),
            json!({}),
            json!("yesterday"),
            json!("inf"),
            json!("NaN"),
            json!("1e5"),
            json!("1.2.3"),
            json!("."),
            json!("2024-13-01 00:00:00"),
            json!("2024-02-30T00:00:00Z"),
            json!("2024-08-31 25:00:00"),
            json!("2024-08-31 10:58:02 +9999"),
            json!("Wed Jun 26 16:25:09 CST"),
            json!("T"),
            json!("-"),
            json!("+0800"),
            json!("2024-08-31 10:58:02 +08:00:00"),
            json!("日 6月 26 16:25:09 CST 2024"),
        ] {
            assert_eq!(parse_time(&v), None, "{v}");
        }
    }

    #[test]
    fn time_fields_name_what_they_cannot_read() {
        let v = json!({"a": "2024-08-31 10:58:02", "b": 0, "c": "", "d": "soon", "e": [1],
                       "f": null, "g": "0", "h": 1_703_554_641_000_i64});
        let o = Obj::new("thing", &v).unwrap();
        assert_eq!(time_field(&o, "a").unwrap(), Some(1_725_073_082.0));
        assert_eq!(time_field(&o, "h").unwrap(), Some(1_703_554_641.0));
        for never in ["b", "c", "f", "g", "missing"] {
            assert_eq!(time_field(&o, never).unwrap(), None, "{never}");
        }
        let e = time_field(&o, "d").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read thing field `d`: unrecognised time \"soon\""
        );
        assert_eq!(time_field(&o, "e").unwrap_err().field, "e");
    }

    #[test]
    fn offsets() {
        assert_eq!(numeric_offset("+0800"), Some(28_800));
        assert_eq!(numeric_offset("+08:00"), Some(28_800));
        assert_eq!(numeric_offset("+08"), Some(28_800));
        assert_eq!(numeric_offset("-0530"), Some(-19_800));
        assert_eq!(numeric_offset("+2400"), None);
        assert_eq!(numeric_offset("+"), None);
        assert_eq!(numeric_offset("0800"), None);
        assert_eq!(named_offset("gmt-03:00"), Some(-10_800));
        assert_eq!(named_offset("MST"), None);
    }
}
