//! CodeArts Build's logs: decoders and request paths (relative to the API base, like the
//! other CodeArts paths: `v3/jobs/...`). Every path segment and query value goes through the
//! one encoder, `links::percent_encode`.
//!
//! Two families page a build's log by byte offset (see `log::engine::bytes` for how they are
//! read):
//! * v3 DownloadRealTimeLog, `v3/jobs/{job_id}/{build_no}/real-time-log?offset&length` →
//!   `result: {content, has_more_data, offset (the next), current_offset}`; the content may be
//!   empty while more is to come ("request again").
//! * v1 (`OctopusV3Log`): the whole log while it runs (`v1/log/{job_id}/{build_no}/real-time-log`,
//!   with `size`, "fixed 1000"), the whole log after the run (`v1/log/stage/page`) and a step's
//!   log after the run (`v1/log/task/page`), all `?start_offset&end_offset&sort` →
//!   `result: {has_more, start_offset, end_offset (typed string, sent as a number), log,
//!   location}`. `sort=DESC` reads the last chunk first (its `has_more` then says whether text
//!   precedes it).
//!
//! These decoders are lenient beyond the envelope: an offset or flag of an odd type (an object,
//! a negative number, a word) reads as absent rather than failing the whole chunk, since the
//! log reader copes with a missing offset; a `content`/`log` that is not text is an error.

use super::{missing, result};
use crate::huawei::root;
use crate::json::{self, as_i64, DecodeError, Obj};
use crate::links::percent_encode as enc;

/// The `size` the v1 real-time log requires, documented as "fixed 1000".
pub const V1_SIZE: u32 = 1000;

/// A window of `/v3/jobs/{job_id}/{build_no}/real-time-log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealTimeLog {
    /// May be empty while `has_more` is true: the server has nothing new yet, ask again.
    pub content: String,
    pub has_more: bool,
    /// `offset`: pass it as `offset` on the next request.
    pub next_offset: Option<i64>,
    /// `current_offset`: where this window started.
    pub current_offset: Option<i64>,
}

/// A window of the v1 log APIs (`OctopusV3Log`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OctopusLog {
    pub log: String,
    pub has_more: bool,
    pub start_offset: Option<i64>,
    /// Typed string in the SDK, a number in the example: either is read.
    pub end_offset: Option<i64>,
    /// Where the log is kept (`jenkins` in the example).
    pub location: Option<String>,
}

/// A non-negative offset, whatever its JSON type; anything else is absent.
fn offset(o: &Obj<'_>, field: &str) -> Option<i64> {
    o.get(field).and_then(as_i64).filter(|n| *n >= 0)
}

/// A flag as any shape `json` accepts; anything else is absent.
fn flag(o: &Obj<'_>, field: &str) -> Option<bool> {
    o.opt_bool(field).ok().flatten()
}

/// DownloadRealTimeLog, `/v3/jobs/{job_id}/{build_no}/real-time-log?offset=&length=`.
pub fn decode_real_time_log(body: &str) -> Result<RealTimeLog, DecodeError> {
    const WHAT: &str = "CodeArts real-time log";
    let v = json::parse(WHAT, body)?;
    let o = result(root(WHAT, &v)?)?;
    Ok(RealTimeLog {
        content: o.opt_str("content")?.unwrap_or_default(),
        has_more: flag(&o, "has_more_data").unwrap_or(false),
        next_offset: offset(&o, "offset"),
        current_offset: offset(&o, "current_offset"),
    })
}

/// The v1 log windows: `v1/log/{job_id}/{build_no}/real-time-log`, `v1/log/stage/page`,
/// `v1/log/task/page`.
pub fn decode_octopus_log(body: &str) -> Result<OctopusLog, DecodeError> {
    const WHAT: &str = "CodeArts log";
    let v = json::parse(WHAT, body)?;
    let o = result(root(WHAT, &v)?)?;
    if o.get("log").is_none() && o.get("has_more").is_none() && o.get("end_offset").is_none() {
        return Err(missing(WHAT, "log"));
    }
    Ok(OctopusLog {
        log: o.opt_str("log")?.unwrap_or_default(),
        has_more: flag(&o, "has_more").unwrap_or(false),
        start_offset: offset(&o, "start_offset"),
        end_offset: offset(&o, "end_offset"),
        location: o.opt_str("location").ok().flatten(),
    })
}

/// `v3/jobs/{job_id}/{build_no}/real-time-log?offset=&length=`.
pub fn real_time_log(job_id: &str, build_no: i64, offset: u64, length: u64) -> String {
    format!(
        "v3/jobs/{}/{build_no}/real-time-log?offset={offset}&length={length}",
        enc(job_id)
    )
}

/// What a v1 log request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V1Read {
    /// Offsets `start..end`, in order (the server's default order, so no `sort` is sent).
    Range { start: u64, end: u64 },
    /// The last chunk: `sort=DESC` over `0..0`, an `end_offset` of 0 meaning "to the end" (as
    /// the simulator reads the docs), so the server picks the end. Its answer's `has_more` says
    /// whether text comes *before* it.
    Last,
}

fn v1_query(read: V1Read) -> String {
    match read {
        V1Read::Range { start, end } => format!("start_offset={start}&end_offset={end}"),
        V1Read::Last => "start_offset=0&end_offset=0&sort=DESC".to_string(),
    }
}

/// DownloadBuildRealTimeLog, `v1/log/{job_id}/{build_no}/real-time-log?...&size=1000`.
pub fn real_time_log_v1(job_id: &str, build_no: i64, read: V1Read) -> String {
    format!(
        "v1/log/{}/{build_no}/real-time-log?{}&size={V1_SIZE}",
        enc(job_id),
        v1_query(read)
    )
}

/// ShowActionIInfo: the whole build's log after the run, `v1/log/stage/page?job_id&build_no&...`.
pub fn build_log_page(job_id: &str, build_no: i64, read: V1Read) -> String {
    format!(
        "v1/log/stage/page?job_id={}&build_no={build_no}&{}",
        enc(job_id),
        v1_query(read)
    )
}

/// ShowConsoleInfo: one step's log after the run, `v1/log/task/page?job_id&build_no&step_id&...`.
pub fn step_log_page(job_id: &str, build_no: i64, step_id: &str, read: V1Read) -> String {
    format!(
        "v1/log/task/page?job_id={}&build_no={build_no}&step_id={}&{}",
        enc(job_id),
        enc(step_id),
        v1_query(read)
    )
}

/// The `log_level` of a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogLevel {
    #[default]
    Info,
    Debug,
}

/// DownloadBuildLog, `v4/{record_id}/download-log?log_level=` (the whole log as a file).
pub fn download_log(record_id: &str, level: LogLevel) -> String {
    let level = match level {
        LogLevel::Info => "INFO",
        LogLevel::Debug => "DEBUG",
    };
    format!("v4/{}/download-log?log_level={level}", enc(record_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::huawei as fixture;

    #[test]
    fn v3_windows_tolerate_odd_offsets_and_flags() {
        let l = decode_real_time_log(&fixture("codearts-real-time-log")).unwrap();
        assert_eq!(
            (l.current_offset, l.next_offset, l.has_more),
            (Some(2048), Some(2310), true)
        );
        let odd = r#"{"status":"success","result":{"content":"a\n","has_more_data":"maybe",
            "offset":"2310","current_offset":{"x":1}}}"#;
        let l = decode_real_time_log(odd).unwrap();
        assert_eq!(
            (l.next_offset, l.current_offset, l.has_more),
            (Some(2310), None, false)
        );
        let l = decode_real_time_log(r#"{"result":{"offset":-5,"has_more_data":1}}"#).unwrap();
        assert_eq!(
            (l.content.as_str(), l.next_offset, l.has_more),
            ("", None, true)
        );
        assert!(decode_real_time_log(r#"{"result":{"content":{"a":1}}}"#).is_err());
        assert!(decode_real_time_log(r#"{"status":"fail","error":"CB.1","result":null}"#).is_err());
        assert!(decode_real_time_log("[").is_err());
    }

    #[test]
    fn v1_windows_read_string_or_number_offsets() {
        let body = r#"{"status":"success","error":null,"result":{"has_more":true,
            "start_offset":"0","end_offset":"4096","log":"[2023/12/21 15:44:18.743 GMT+08:00] [INFO] x\n",
            "location":"jenkins"}}"#;
        let l = decode_octopus_log(body).unwrap();
        assert_eq!(
            l,
            OctopusLog {
                log: "[2023/12/21 15:44:18.743 GMT+08:00] [INFO] x\n".into(),
                has_more: true,
                start_offset: Some(0),
                end_offset: Some(4096),
                location: Some("jenkins".into()),
            }
        );
        let numbers = r#"{"status":"success","result":{"has_more":false,"start_offset":10,
            "end_offset":20.0,"log":"","location":["odd"]}}"#;
        let l = decode_octopus_log(numbers).unwrap();
        assert_eq!(
            (l.start_offset, l.end_offset, l.has_more, l.location),
            (Some(10), Some(20), false, None)
        );
        assert_eq!(
            decode_octopus_log(r#"{"result":{}}"#).unwrap_err().field,
            "log"
        );
        assert!(decode_octopus_log(
            r#"{"status":"fail","error":{"code":"DEV.CB.1","message":"no"}}"#
        )
        .is_err());
    }

    #[test]
    fn paths_encode_every_value() {
        assert_eq!(
            real_time_log("a1b2", 7, 2310, 65_536),
            "v3/jobs/a1b2/7/real-time-log?offset=2310&length=65536"
        );
        assert_eq!(
            real_time_log_v1(
                "a/b?c",
                7,
                V1Read::Range {
                    start: 0,
                    end: 1000
                }
            ),
            "v1/log/a%2Fb%3Fc/7/real-time-log?start_offset=0&end_offset=1000&size=1000"
        );
        assert_eq!(
            real_time_log_v1("j", 7, V1Read::Last),
            "v1/log/j/7/real-time-log?start_offset=0&end_offset=0&sort=DESC&size=1000"
        );
        assert_eq!(
            build_log_page("j&x=1", 3, V1Read::Range { start: 5, end: 9 }),
            "v1/log/stage/page?job_id=j%26x%3D1&build_no=3&start_offset=5&end_offset=9"
        );
        assert_eq!(
            step_log_page("j", 3, "步骤 1", V1Read::Last),
            "v1/log/task/page?job_id=j&build_no=3&step_id=%E6%AD%A5%E9%AA%A4%201&start_offset=0&end_offset=0&sort=DESC"
        );
        assert_eq!(
            download_log("r#1", LogLevel::default()),
            "v4/r%231/download-log?log_level=INFO"
        );
        assert_eq!(
            download_log("r", LogLevel::Debug),
            "v4/r/download-log?log_level=DEBUG"
        );
    }
}
