//! How each log API cuts a chunk out of a log. Offsets are UTF-8 **byte** offsets into the
//! log as stored (see sim/README.md, "Log offsets"): a chunk boundary may fall inside a
//! character, and the chunk's bytes are then decoded as Java's `new String(bytes, UTF_8)`
//! decodes them, each maximal ill-formed piece becoming one U+FFFD ([`lossy`]).

use super::View;
use serde_json::{json, Value};

/// Most bytes one v3 `real-time-log` answer carries, whatever `length` asks for.
pub const V3_MAX_BYTES: u64 = 4 << 20;

/// Lines in one v1 page: the documented fixed `size`, and what the size-less
/// `stage/page` and `task/page` return.
pub const V1_PAGE_LINES: u64 = 1000;

/// Most lines one v1 answer carries, whatever `size` asks for.
pub const V1_MAX_LINES: u64 = 10_000;

/// The text a service puts in its JSON string for some raw log bytes.
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `GET /v3/jobs/{job_id}/{build_no}/real-time-log?offset&length` (DownloadRealTimeLog):
/// exactly `length` bytes from `offset` (fewer at the end of what is written), cut anywhere.
pub fn v3(view: View<'_>, now: i64, running: bool, offset: u64, length: u64) -> Value {
    let n = view.len(now);
    let (content, next) = if offset >= n {
        (String::new(), offset)
    } else {
        let end = offset.saturating_add(length.min(V3_MAX_BYTES)).min(n);
        (lossy(&view.bytes(offset, end)), end)
    };
    json!({
        "content": content,
        "has_more_data": next < n || running,
        "offset": next,
        "current_offset": offset,
    })
}

/// A v1 (Octopus) log query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct V1Query {
    pub start: u64,
    /// `None`: to the end of what is written (`end_offset` absent or 0).
    pub end: Option<u64>,
    pub desc: bool,
    /// Lines at most.
    pub size: u64,
}

/// `GET /v1/log/...` (DownloadBuildRealTimeLog, ShowActionIInfo, ShowActionInfo,
/// ShowConsoleInfo): up to `size` lines of `start..end`. Ascending, the chunk starts at
/// `start` and `has_more` says whether anything follows it (or the build still runs);
/// descending, it ends at `end` and `has_more` says whether anything of `start..` precedes
/// it. The text is always in file order.
pub fn v1(view: View<'_>, now: i64, running: bool, q: V1Query) -> Value {
    let n = view.len(now);
    let size = q.size.min(V1_MAX_LINES);
    let end = q.end.map_or(n, |e| e.min(n));
    let (from, to, has_more) = if q.start >= end {
        // Nothing in range: an empty chunk where it was asked to start.
        (q.start, q.start, !q.desc && (q.start < n || running))
    } else if q.desc {
        let from = if size == 0 {
            end
        } else {
            let last = view.line_of(end - 1);
            view.line_offset((last + 1).saturating_sub(size))
                .max(q.start)
        };
        (from, end, from > q.start)
    } else {
        let to = if size == 0 {
            q.start
        } else {
            view.line_offset(view.line_of(q.start) + size).min(end)
        };
        (q.start, to, to < n || running)
    };
    json!({
        "has_more": has_more,
        "start_offset": from,
        "end_offset": to,
        "log": lossy(&view.bytes(from, to)),
        "location": "jenkins",
    })
}

/// `GET /assembling/v1/builds/{build_id}/logs?from=`: `chunk` bytes from `from`, cut
/// anywhere; `next` is where the next request starts.
pub fn servicestage(view: View<'_>, now: i64, from: u64, chunk: u64) -> (String, u64) {
    let n = view.len(now);
    if from >= n {
        return (String::new(), from);
    }
    let end = from.saturating_add(chunk).min(n);
    (lossy(&view.bytes(from, end)), end)
}
