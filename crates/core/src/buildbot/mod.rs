//! Buildbot data API models and decoders (pure, no DOM).
//!
//! Shapes follow a real Buildbot 4.3 master: every response is `{"<plural>": [...], "meta": {...}}`,
//! single entities come back as 1-element lists, timestamps are epoch seconds, `results` is
//! `null` until finished. Decoding is tolerant (see `json.rs`) and never panics.

pub mod changes;
pub mod control;
pub mod force;
pub mod paths;
pub mod queue;
pub mod session;
pub mod test_results;
pub mod workers;
pub mod ws;

use crate::json::{self, DecodeError, Obj};
use crate::status::{buildbot_label, Status};
use crate::timeparse::time_field;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    pub builderid: i64,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    pub buildid: i64,
    pub builderid: i64,
    pub number: i64,
    pub results: Option<i64>,
    pub complete: bool,
    pub started_at: Option<f64>,
    pub complete_at: Option<f64>,
    pub state_string: String,
    pub workerid: Option<i64>,
    /// `name -> (value, source)`, only filled when requested with `property=`.
    pub properties: Vec<(String, Value, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepUrl {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub stepid: i64,
    pub buildid: i64,
    pub number: i64,
    pub name: String,
    pub results: Option<i64>,
    pub complete: bool,
    pub started_at: Option<f64>,
    pub complete_at: Option<f64>,
    pub locks_acquired_at: Option<f64>,
    pub state_string: String,
    pub hidden: bool,
    pub urls: Vec<StepUrl>,
}

/// Log types: `s` stdio (each line prefixed by its stream), `t` text, `h` HTML, `d` deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogType {
    Stdio,
    Text,
    Html,
    Deleted,
    Unknown(String),
}

impl LogType {
    pub(crate) fn from_code(code: &str) -> LogType {
        match code {
            "s" => LogType::Stdio,
            "t" => LogType::Text,
            "h" => LogType::Html,
            "d" => LogType::Deleted,
            other => LogType::Unknown(other.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Log {
    pub logid: i64,
    pub stepid: i64,
    pub name: String,
    pub slug: String,
    pub num_lines: u64,
    pub complete: bool,
    pub log_type: LogType,
}

/// A window of log lines. `firstline` is the 0-based number of the first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogChunk {
    pub logid: i64,
    pub firstline: u64,
    pub content: String,
}

impl LogChunk {
    /// The lines of the chunk. Every stored line ends in `\n`, so the text after the last
    /// newline is not a line (it is empty, or a line still being written).
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        let body = self.content.strip_suffix('\n').unwrap_or(&self.content);
        body.split('\n').filter(move |_| !self.content.is_empty())
    }

    pub fn line_count(&self) -> u64 {
        self.lines().count() as u64
    }
}

impl Build {
    pub fn status(&self) -> Status {
        Status::from_buildbot(self.results, self.started_at.is_some(), self.complete)
    }
    pub fn system_label(&self) -> String {
        buildbot_label(self.results)
    }
    /// A property's value as display text (strings unquoted).
    pub fn property(&self, name: &str) -> Option<String> {
        self.properties
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| property_text(v))
    }

    fn raw_property(&self, name: &str) -> Option<&Value> {
        self.properties
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v)
    }

    /// The branch built, when known (forced builds carry an empty one).
    pub fn branch(&self) -> Option<String> {
        non_empty(self.raw_property("branch")?)
    }

    /// The revision built: `got_revision` (what a source step checked out) before `revision`
    /// (what was asked for; empty means "the latest"). With several codebases `got_revision`
    /// maps codebase → revision: one entry is used, several would be a guess and are skipped.
    pub fn revision(&self) -> Option<String> {
        let got = self.raw_property("got_revision").and_then(|v| match v {
            Value::Object(map) if map.len() == 1 => map.values().next().and_then(non_empty),
            other => non_empty(other),
        });
        got.or_else(|| non_empty(self.raw_property("revision")?))
    }
}

/// A property value that is a non-blank string.
fn non_empty(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Step {
    pub fn status(&self) -> Status {
        Status::from_buildbot(self.results, self.started_at.is_some(), self.complete)
    }
    pub fn system_label(&self) -> String {
        buildbot_label(self.results)
    }
    /// The path segment that addresses this step: its name only when Buildbot's router accepts
    /// it (`^[a-zA-Z_-][.a-zA-Z0-9_-]*$`), otherwise its number, which always works.
    pub fn path_segment(&self) -> String {
        step_path_segment(&self.name, self.number)
    }
}

pub(crate) fn step_path_segment(name: &str, number: i64) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        number.to_string()
    }
}

/// Buildbot's identifier pattern for names usable in paths.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '-' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The list under `key` of a data API envelope.
fn envelope<T>(
    what: &str,
    body: &str,
    key: &str,
    f: impl Fn(Obj<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let v = json::parse(what, body)?;
    let root = Obj::new(what, &v)?;
    if root.get(key).is_none() {
        return Err(DecodeError {
            what: what.to_string(),
            field: key.to_string(),
            problem: "missing".to_string(),
        });
    }
    root.each(key, f)
}

/// The single entity of a by-id response (Buildbot returns a 1-element list).
/// A property value as the page shows it: text as it is, anything else as JSON.
pub fn property_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The name of builder `builderid` among `builders` ("builder N" when it is not one of them).
pub fn builder_name(builders: &[Builder], builderid: i64) -> String {
    builders
        .iter()
        .find(|b| b.builderid == builderid)
        .map(|b| b.name.clone())
        .unwrap_or_else(|| format!("builder {builderid}"))
}

pub(crate) fn single<T>(what: &str, list: Vec<T>) -> Result<T, DecodeError> {
    list.into_iter().next().ok_or_else(|| DecodeError {
        what: what.to_string(),
        field: String::new(),
        problem: "the server returned an empty list".to_string(),
    })
}

fn builder(o: Obj<'_>) -> Result<Builder, DecodeError> {
    Ok(Builder {
        builderid: o.i64("builderid")?,
        name: o.str("name")?,
        description: o.opt_str("description")?.filter(|d| !d.is_empty()),
        tags: o
            .list("tags")?
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
    })
}

fn build(o: Obj<'_>) -> Result<Build, DecodeError> {
    let mut properties = Vec::new();
    if let Some(props) = o.opt_obj("properties")? {
        for (name, v) in props.entries() {
            // `{"name": [value, "source"]}`; tolerate a bare value.
            let (value, source) = match v {
                Value::Array(pair) => (
                    pair.first().cloned().unwrap_or(Value::Null),
                    pair.get(1)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                ),
                other => (other.clone(), String::new()),
            };
            properties.push((name.clone(), value, source));
        }
    }
    Ok(Build {
        buildid: o.i64("buildid")?,
        builderid: o.i64("builderid")?,
        number: o.i64("number")?,
        results: o.opt_i64("results")?,
        complete: o.opt_bool("complete")?.unwrap_or(false),
        started_at: time_field(&o, "started_at")?,
        complete_at: time_field(&o, "complete_at")?,
        state_string: o.opt_str("state_string")?.unwrap_or_default(),
        workerid: o.opt_i64("workerid")?,
        properties,
    })
}

fn step(o: Obj<'_>) -> Result<Step, DecodeError> {
    Ok(Step {
        stepid: o.i64("stepid")?,
        buildid: o.i64("buildid")?,
        number: o.i64("number")?,
        name: o.opt_str("name")?.unwrap_or_default(),
        results: o.opt_i64("results")?,
        complete: o.opt_bool("complete")?.unwrap_or(false),
        started_at: time_field(&o, "started_at")?,
        complete_at: time_field(&o, "complete_at")?,
        locks_acquired_at: time_field(&o, "locks_acquired_at")?,
        state_string: o.opt_str("state_string")?.unwrap_or_default(),
        hidden: o.opt_bool("hidden")?.unwrap_or(false),
        urls: o.each("urls", |u| {
            Ok(StepUrl {
                name: u.opt_str("name")?.unwrap_or_default(),
                url: u.opt_str("url")?.unwrap_or_default(),
            })
        })?,
    })
}

fn log(o: Obj<'_>) -> Result<Log, DecodeError> {
    let num_lines = o.opt_i64("num_lines")?.unwrap_or(0).max(0) as u64;
    Ok(Log {
        logid: o.i64("logid")?,
        stepid: o.opt_i64("stepid")?.unwrap_or(0),
        name: o.opt_str("name")?.unwrap_or_default(),
        slug: o.opt_str("slug")?.unwrap_or_default(),
        num_lines,
        complete: o.opt_bool("complete")?.unwrap_or(false),
        log_type: LogType::from_code(&o.opt_str("type")?.unwrap_or_default()),
    })
}

fn logchunk(o: Obj<'_>) -> Result<LogChunk, DecodeError> {
    Ok(LogChunk {
        logid: o.opt_i64("logid")?.unwrap_or(0),
        firstline: o.opt_i64("firstline")?.unwrap_or(0).max(0) as u64,
        content: o.opt_str("content")?.unwrap_or_default(),
    })
}

/// An entity decoder by name, so websocket events reuse the REST decoders.
pub(crate) fn decode_build_obj(o: Obj<'_>) -> Result<Build, DecodeError> {
    build(o)
}
pub(crate) fn decode_step_obj(o: Obj<'_>) -> Result<Step, DecodeError> {
    step(o)
}
pub(crate) fn decode_log_obj(o: Obj<'_>) -> Result<Log, DecodeError> {
    log(o)
}

pub fn decode_builders(body: &str) -> Result<Vec<Builder>, DecodeError> {
    let mut list = envelope("Buildbot builders", body, "builders", builder)?;
    list.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list)
}

pub fn decode_builder(body: &str) -> Result<Builder, DecodeError> {
    single(
        "Buildbot builder",
        envelope("Buildbot builder", body, "builders", builder)?,
    )
}

pub fn decode_builds(body: &str) -> Result<Vec<Build>, DecodeError> {
    envelope("Buildbot builds", body, "builds", build)
}

pub fn decode_build(body: &str) -> Result<Build, DecodeError> {
    single(
        "Buildbot build",
        envelope("Buildbot build", body, "builds", build)?,
    )
}

/// Steps, always in execution order (by `number`) whatever order the server used.
pub fn decode_steps(body: &str) -> Result<Vec<Step>, DecodeError> {
    let mut steps = envelope("Buildbot steps", body, "steps", step)?;
    steps.sort_by_key(|s| s.number);
    Ok(steps)
}

pub fn decode_logs(body: &str) -> Result<Vec<Log>, DecodeError> {
    envelope("Buildbot logs", body, "logs", log)
}

pub fn decode_log(body: &str) -> Result<Log, DecodeError> {
    single("Buildbot log", envelope("Buildbot log", body, "logs", log)?)
}

/// Log contents. Buildbot answers a window with one chunk; an offset at or past the end gives
/// an empty chunk whose `firstline` is the requested offset.
pub fn decode_logchunk(body: &str) -> Result<LogChunk, DecodeError> {
    let chunks = envelope("Buildbot log contents", body, "logchunks", logchunk)?;
    let mut iter = chunks.into_iter();
    let mut first = iter.next().ok_or_else(|| DecodeError {
        what: "Buildbot log contents".to_string(),
        field: "logchunks".to_string(),
        problem: "the server returned no chunk".to_string(),
    })?;
    // Tolerate a server that splits a window into several consecutive chunks.
    for c in iter {
        first.content.push_str(&c.content);
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::testdata::buildbot as fixture;

    #[test]
    fn builders_from_a_real_master() {
        let b = decode_builders(&fixture("builders")).unwrap();
        assert_eq!(b.len(), 7);
        assert_eq!(b[0].name, "biglog"); // sorted by name for display
        let lw = b.iter().find(|b| b.name == "linux-build").unwrap();
        assert_eq!(lw.tags, vec!["linux", "ci"]);
        assert!(lw
            .description
            .as_deref()
            .unwrap()
            .starts_with("Successful build"));
    }

    #[test]
    fn branch_and_revision_from_properties() {
        // A forced build from the real master: branch and revision are empty strings.
        let forced = decode_builds(&fixture("builds-latest10-with-properties")).unwrap();
        assert!(forced
            .iter()
            .all(|b| b.branch().is_none() && b.revision().is_none()));
        let with = |props: serde_json::Value| {
            let body = json!({"builds": [{"buildid": 1, "builderid": 1, "number": 1,
                "properties": props}], "meta": {}});
            decode_build(&body.to_string()).unwrap()
        };
        let b = with(
            json!({"branch": ["main", "Build"], "revision": ["abc", "Build"],
            "got_revision": ["0123456789abcdef", "Git"]}),
        );
        assert_eq!(b.branch().as_deref(), Some("main"));
        assert_eq!(b.revision().as_deref(), Some("0123456789abcdef"));
        let b =
            with(json!({"revision": ["abc", "Build"], "got_revision": [{"lib": "def"}, "Git"]}));
        assert_eq!(b.revision().as_deref(), Some("def"));
        let b = with(json!({"revision": ["abc", "Build"],
            "got_revision": [{"lib": "def", "app": "123"}, "Git"]}));
        assert_eq!(b.revision().as_deref(), Some("abc"));
        let b = with(json!({"branch": [42, "Build"], "revision": [null, "Build"]}));
        assert_eq!((b.branch(), b.revision()), (None, None));
    }

    #[test]
    fn builds_and_their_status() {
        let builds = decode_builds(&fixture("builds-latest10")).unwrap();
        assert_eq!(builds.len(), 10);
        let b = decode_build(&fixture("build-kitchen-sink")).unwrap();
        assert_eq!((b.buildid, b.builderid, b.number), (3, 4, 1));
        assert_eq!(b.status(), Status::Failure);
        assert_eq!(b.started_at, Some(1_795_318_334.0));
        let cancelled = decode_build(&fixture("build-cancelled")).unwrap();
        assert_eq!(cancelled.status(), Status::Cancelled);
        let running = decode_build(&fixture("build-in-progress-long-running")).unwrap();
        assert_eq!(running.status(), Status::Running);
        assert_eq!(running.complete_at, None);
    }

    #[test]
    fn properties_keep_value_and_source() {
        let builds = decode_builds(&fixture("builds-latest10-with-properties")).unwrap();
        let with_owner = builds
            .iter()
            .find(|b| b.property("owner").is_some())
            .unwrap();
        let (_, _, source) = with_owner
            .properties
            .iter()
            .find(|(n, _, _)| n == "owner")
            .unwrap();
        assert!(!source.is_empty());
    }

    #[test]
    fn steps_in_order_with_urls_hidden_and_hostile_names() {
        let steps = decode_steps(&fixture("build-kitchen-sink-steps")).unwrap();
        assert!(steps.windows(2).all(|w| w[0].number < w[1].number));
        assert_eq!(steps[0].name, "worker_preparation");
        let script = steps
            .iter()
            .find(|s| s.name == "<script>alert(1)</script>")
            .unwrap();
        assert_eq!(script.path_segment(), script.number.to_string());
        assert!(steps.iter().any(|s| s.hidden));
        assert!(steps.iter().any(|s| s.status() == Status::Skipped));
        assert!(steps.iter().any(|s| s.status() == Status::Failure));
        let linux = decode_steps(&fixture("build-linux-steps-with-urls")).unwrap();
        let urls: Vec<_> = linux.iter().flat_map(|s| s.urls.iter()).collect();
        assert!(urls.iter().any(|u| u.url.starts_with("javascript:")));
        assert!(urls.iter().any(|u| u.url.starts_with("https://")));
    }

    #[test]
    fn step_names_only_when_buildbot_accepts_them() {
        assert!(is_identifier("worker_preparation"));
        assert!(is_identifier("compile.x-1"));
        assert!(!is_identifier("successful step"));
        assert!(!is_identifier("1abc"));
        assert!(!is_identifier(""));
        assert_eq!(step_path_segment("<script>", 6), "6");
        assert_eq!(step_path_segment("compile", 2), "compile");
    }

    #[test]
    fn errors_and_odd_shapes() {
        assert_eq!(
            control::rpc_error(&fixture("error-build-not-found-404"))
                .map(|(_, m)| m.contains("not found")),
            Some(true)
        );
        assert!(decode_build(r#"{"builds":[],"meta":{}}"#)
            .unwrap_err()
            .to_string()
            .contains("empty list"));
        let e =
            decode_builds(r#"{"builds":[{"buildid":"x","builderid":1,"number":1}]}"#).unwrap_err();
        assert_eq!(e.field, "builds[0].buildid");
        assert!(decode_builds(r#"{"meta":{}}"#).is_err());
        // ids as strings and a float timestamp are tolerated.
        let b = decode_builds(
            r#"{"builds":[{"buildid":"7","builderid":1,"number":2,"started_at":1.5e9,"results":null,"complete":false}]}"#,
        )
        .unwrap();
        assert_eq!(b[0].buildid, 7);
        assert_eq!(b[0].status(), Status::Running);
    }

    #[test]
    fn logs_and_windows_from_a_real_master() {
        let log = decode_log(&fixture("biglog-log")).unwrap();
        assert_eq!(
            (log.log_type.clone(), log.slug.as_str()),
            (LogType::Stdio, "stdio")
        );
        assert_eq!(log.num_lines, 200_019);
        let html = decode_log(&fixture("log-h-report-html")).unwrap();
        assert_eq!(html.log_type, LogType::Html);
        let logs = decode_logs(&fixture("steps-urls-and-custom-logs-logs")).unwrap();
        let types: Vec<_> = logs.iter().map(|l| l.log_type.clone()).collect();
        assert!(
            types.contains(&LogType::Text)
                && types.contains(&LogType::Html)
                && types.contains(&LogType::Stdio)
        );
        assert_eq!(LogType::from_code("d"), LogType::Deleted);
        assert_eq!(LogType::from_code("z"), LogType::Unknown("z".into()));

        let first = decode_logchunk(&fixture("biglog-contents-offset0-limit100")).unwrap();
        assert_eq!((first.firstline, first.line_count()), (0, 100));
        let straddle = decode_logchunk(&fixture(
            "biglog-contents-straddling-end-offset199990-limit100",
        ))
        .unwrap();
        assert_eq!((straddle.firstline, straddle.line_count()), (199_990, 29));
        for name in [
            "biglog-contents-offset-beyond-end",
            "biglog-contents-offset-eq-numlines",
        ] {
            let empty = decode_logchunk(&fixture(name)).unwrap();
            assert_eq!(empty.line_count(), 0, "{name}");
            assert!(empty.firstline >= 200_019);
        }
        let middle =
            decode_logchunk(&fixture("biglog-contents-middle-offset100000-limit100")).unwrap();
        assert_eq!(middle.firstline, 100_000);
        // stdio lines carry their stream as the first character.
        let stdio = decode_logchunk(&fixture("log-stdio-interleaved-contents")).unwrap();
        assert!(stdio
            .lines()
            .all(|l| matches!(l.chars().next(), Some('h' | 'o' | 'e'))));
        assert!(stdio.lines().any(|l| l.starts_with('e')));
    }

    /// Every recorded response decodes with the decoder for its envelope; error bodies give
    /// their message. New fixtures are covered automatically.
    #[test]
    fn every_recorded_response_decodes() {
        let dir = crate::testdata::dir("buildbot");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let body = std::fs::read_to_string(&path).unwrap();
            let v: Value = serde_json::from_str(&body).unwrap();
            let ok = if v.get("error").is_some() {
                control::rpc_error(&body).is_some_and(|(_, m)| !m.is_empty())
            } else if v.get("builders").is_some() {
                !decode_builders(&body).unwrap().is_empty()
            } else if v.get("builds").is_some() {
                // Field-selected responses omit required fields on purpose; they must fail
                // with the field named, not panic.
                match decode_builds(&body) {
                    Ok(b) => !b.is_empty(),
                    Err(e) => e.problem == "missing" && !e.field.is_empty(),
                }
            } else if v.get("steps").is_some() {
                !decode_steps(&body).unwrap().is_empty()
            } else if v.get("logs").is_some() {
                !decode_logs(&body).unwrap().is_empty()
            } else if v.get("logchunks").is_some() {
                decode_logchunk(&body).is_ok()
            } else if v.get("k").is_some() || name.starts_with("ws-") {
                match &v {
                    Value::Array(items) => items.iter().all(|i| {
                        let frame = i
                            .get("msg")
                            .cloned()
                            .unwrap_or_else(|| json!({"k": i["k"], "m": i["m"]}));
                        ws::decode_frame(&frame.to_string()).is_ok()
                    }),
                    _ if v.get("events").is_some() => true, // a summary written by the recorder
                    _ => ws::decode_frame(&body).is_ok(),
                }
            } else {
                // Collections the dashboard does not model yet still have the envelope.
                v.get("meta").is_some()
            };
            assert!(ok, "{name}");
            checked += 1;
        }
        assert!(checked >= 99, "only {checked} fixtures");
    }
}
