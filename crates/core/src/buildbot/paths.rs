//! Data API paths (relative to `<base>api/v2/`). Buildbot documents several routes to the same
//! resource; these types make every documented route expressible and keep the real master's
//! quirks in one place:
//! - a step *name* works in a path only when it matches the identifier pattern, so
//!   [`StepRef::of`] falls back to the step number;
//! - `/builders/{name}/.../contents` (and `/raw`) is a 404 on a real 4.3 master, so log routes
//!   through a builder take its numeric id;
//! - `offset=-1`, `limit=0` or a negative limit get a 404, not a 400, so [`Window`] cannot express them.

use super::{is_identifier, Step};

/// A builder, by id or by name (names work for builds, steps and log metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuilderRef {
    Id(i64),
    Name(String),
}

impl BuilderRef {
    /// The builder a route's `:builder` names ([`crate::routes::builder_key`]): a number is
    /// an id, anything else a name.
    pub fn from_key(key: &str) -> BuilderRef {
        match key.parse::<i64>() {
            Ok(id) => BuilderRef::Id(id),
            Err(_) => BuilderRef::Name(key.to_string()),
        }
    }
}

/// A build: by its global id, or by builder + number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildRef {
    Id(i64),
    Number(BuilderRef, i64),
}

/// A step within a build: by number (always works) or by name (only identifier names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRef {
    Number(i64),
    Name(String),
}

impl StepRef {
    /// The reference that works for this step: its name when Buildbot's router accepts it.
    pub fn of(step: &Step) -> StepRef {
        StepRef::name_or_number(&step.name, step.number)
    }

    /// A name, or its number when the name is not usable in a path.
    fn name_or_number(name: &str, number: i64) -> StepRef {
        if is_identifier(name) {
            StepRef::Name(name.to_string())
        } else {
            StepRef::Number(number)
        }
    }
}

/// A log: by id; by step id + slug; or by build + step + slug (builder by numeric id only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogRef {
    Id(i64),
    StepSlug {
        stepid: i64,
        slug: String,
    },
    BuildStep {
        buildid: i64,
        step: StepRef,
        slug: String,
    },
    BuilderBuildStep {
        builderid: i64,
        number: i64,
        step: StepRef,
        slug: String,
    },
}

/// A window of log lines: `offset` is 0-based, `limit` at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    offset: u64,
    limit: u64,
}

impl Window {
    /// `None` when `limit` is 0 (the master answers 404 to that).
    pub fn new(offset: u64, limit: u64) -> Option<Window> {
        (limit > 0).then_some(Window { offset, limit })
    }
    pub fn offset(&self) -> u64 {
        self.offset
    }
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

/// Path segments are percent-encoded so a hostile name can never change the route.
fn seg(s: &str) -> String {
    crate::links::percent_encode(s)
}

fn builder(b: &BuilderRef) -> String {
    match b {
        BuilderRef::Id(id) => format!("builders/{id}"),
        BuilderRef::Name(n) => format!("builders/{}", seg(n)),
    }
}

fn step(s: &StepRef) -> String {
    match s {
        StepRef::Number(n) => n.to_string(),
        StepRef::Name(n) => seg(n),
    }
}

pub fn builders() -> String {
    "builders".to_string()
}

pub fn builder_path(b: &BuilderRef) -> String {
    builder(b)
}

pub fn build(b: &BuildRef) -> String {
    match b {
        BuildRef::Id(id) => format!("builds/{id}"),
        BuildRef::Number(bu, n) => format!("{}/builds/{n}", builder(bu)),
    }
}

/// Build lists ask for the properties that say what was built (branch, revision); without
/// `property=` Buildbot sends `properties: {}`.
const SOURCE_PROPERTIES: &str = "&property=branch&property=revision&property=got_revision";

/// Newest builds of one builder (or of all builders), optionally only unfinished ones.
pub fn recent_builds(
    builder_ref: Option<&BuilderRef>,
    limit: u32,
    in_progress_only: bool,
) -> String {
    let base = match builder_ref {
        Some(b) => format!("{}/builds", builder(b)),
        None => "builds".to_string(),
    };
    let order = if builder_ref.is_some() {
        "-number"
    } else {
        "-buildid"
    };
    let filter = if in_progress_only {
        "&complete=false"
    } else {
        ""
    };
    format!("{base}?order={order}&limit={limit}{filter}{SOURCE_PROPERTIES}")
}

/// Which builds a history page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildFilter {
    All,
    /// Unfinished builds (`complete=false`).
    Running,
    /// Finished with this results code.
    Results(i64),
}

impl BuildFilter {
    /// From the dashboard's status key (`failure`, `running`...); unknown keys show all.
    pub fn from_key(key: &str) -> BuildFilter {
        match key {
            "running" => BuildFilter::Running,
            "success" => BuildFilter::Results(0),
            "warnings" => BuildFilter::Results(1),
            "failure" => BuildFilter::Results(2),
            "skipped" => BuildFilter::Results(3),
            "exception" => BuildFilter::Results(4),
            "retry" => BuildFilter::Results(5),
            "cancelled" => BuildFilter::Results(6),
            _ => BuildFilter::All,
        }
    }
}

/// One page of a builder's builds, newest first, filtered on the server. One extra build is
/// asked for to learn whether an older page exists: `meta.total` of `builds` counts only the
/// rows returned, so it cannot be used for paging.
pub fn builds_page(b: &BuilderRef, page_size: u32, page: u32, filter: BuildFilter) -> String {
    let offset = u64::from(page) * u64::from(page_size);
    let filter = match filter {
        BuildFilter::All => String::new(),
        BuildFilter::Running => "&complete=false".to_string(),
        BuildFilter::Results(r) => format!("&results={r}"),
    };
    format!(
        "{}/builds?order=-number&limit={}&offset={offset}{filter}{SOURCE_PROPERTIES}",
        builder(b),
        page_size + 1
    )
}

/// All steps of a build (`/builds/{id}/steps` or `/builders/{b}/builds/{n}/steps`).
pub fn steps(b: &BuildRef) -> String {
    format!("{}/steps", build(b))
}

/// One step of a build, by name or number.
pub fn step_path(b: &BuildRef, s: &StepRef) -> String {
    format!("{}/steps/{}", build(b), step(s))
}

/// Logs of a step.
pub fn logs_of_step(stepid: i64) -> String {
    format!("steps/{stepid}/logs")
}

/// The log entity (metadata: type, num_lines...).
pub fn log(l: &LogRef) -> String {
    match l {
        LogRef::Id(id) => format!("logs/{id}"),
        LogRef::StepSlug { stepid, slug } => format!("steps/{stepid}/logs/{}", seg(slug)),
        LogRef::BuildStep {
            buildid,
            step: s,
            slug,
        } => {
            format!("builds/{buildid}/steps/{}/logs/{}", step(s), seg(slug))
        }
        LogRef::BuilderBuildStep {
            builderid,
            number,
            step: s,
            slug,
        } => format!(
            "builders/{builderid}/builds/{number}/steps/{}/logs/{}",
            step(s),
            seg(slug)
        ),
    }
}

/// Log lines: the whole log without a window (only for small logs), else `offset`/`limit`.
pub fn contents(l: &LogRef, window: Option<Window>) -> String {
    match window {
        None => format!("{}/contents", log(l)),
        Some(w) => format!("{}/contents?offset={}&limit={}", log(l), w.offset, w.limit),
    }
}

/// The window a `…/contents?offset=&limit=` address written like [`contents`] asks for (the
/// one `script/boot.js` asked for before the app started); `None` for anything else.
pub fn window_of(url: &str) -> Option<Window> {
    let (_, query) = url.rsplit_once("/contents?")?;
    let (mut offset, mut limit) = (None, None);
    for pair in query.split('&') {
        match pair.split_once('=')? {
            ("offset", v) => offset = Some(v.parse().ok()?),
            ("limit", v) => limit = Some(v.parse().ok()?),
            _ => return None,
        }
    }
    Window::new(offset?, limit?)
}

/// The raw log as a download (`raw`, with Content-Disposition) or for display (`raw_inline`).
pub fn raw(l: &LogRef, inline: bool) -> String {
    format!("{}/{}", log(l), if inline { "raw_inline" } else { "raw" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_step_paths() {
        let by_name = BuildRef::Number(BuilderRef::Name("kitchen-sink".into()), 1);
        let by_id = BuildRef::Number(BuilderRef::Id(4), 1);
        assert_eq!(steps(&by_name), "builders/kitchen-sink/builds/1/steps");
        assert_eq!(steps(&BuildRef::Id(3)), "builds/3/steps");
        assert_eq!(
            step_path(&by_name, &StepRef::Name("worker_preparation".into())),
            "builders/kitchen-sink/builds/1/steps/worker_preparation"
        );
        assert_eq!(
            step_path(&by_id, &StepRef::Number(1)),
            "builders/4/builds/1/steps/1"
        );
        assert_eq!(
            step_path(&BuildRef::Id(3), &StepRef::Number(6)),
            "builds/3/steps/6"
        );
    }

    #[test]
    fn names_fall_back_to_numbers_and_are_encoded() {
        assert_eq!(
            StepRef::name_or_number("<script>alert(1)</script>", 5),
            StepRef::Number(5)
        );
        assert_eq!(
            StepRef::name_or_number("successful step", 1),
            StepRef::Number(1)
        );
        assert_eq!(
            StepRef::name_or_number("compile", 2),
            StepRef::Name("compile".into())
        );
        // A builder name with odd characters cannot escape its segment.
        assert_eq!(
            builder_path(&BuilderRef::Name("a/../b c".into())),
            "builders/a%2F..%2Fb%20c"
        );
    }

    #[test]
    fn the_six_contents_paths_match_the_real_master() {
        let w = Window::new(10, 5);
        let cases = [
            (
                contents(
                    &LogRef::BuilderBuildStep {
                        builderid: 2,
                        number: 1,
                        step: StepRef::Name("compile".into()),
                        slug: "stdio".into(),
                    },
                    None,
                ),
                "builders/2/builds/1/steps/compile/logs/stdio/contents",
            ),
            (
                contents(
                    &LogRef::BuilderBuildStep {
                        builderid: 4,
                        number: 1,
                        step: StepRef::Number(1),
                        slug: "stdio".into(),
                    },
                    None,
                ),
                "builders/4/builds/1/steps/1/logs/stdio/contents",
            ),
            (
                contents(
                    &LogRef::BuildStep {
                        buildid: 5,
                        step: StepRef::Name("compile".into()),
                        slug: "stdio".into(),
                    },
                    w,
                ),
                "builds/5/steps/compile/logs/stdio/contents?offset=10&limit=5",
            ),
            (
                contents(
                    &LogRef::BuildStep {
                        buildid: 3,
                        step: StepRef::Number(9),
                        slug: "stdio".into(),
                    },
                    None,
                ),
                "builds/3/steps/9/logs/stdio/contents",
            ),
            (
                contents(&LogRef::Id(1), Window::new(199_990, 100)),
                "logs/1/contents?offset=199990&limit=100",
            ),
            (
                contents(
                    &LogRef::StepSlug {
                        stepid: 30,
                        slug: "summary_txt".into(),
                    },
                    None,
                ),
                "steps/30/logs/summary_txt/contents",
            ),
        ];
        // Each expected path is the URL of a fixture recorded from a real master (INDEX.tsv).
        let index = include_str!("../../../../tests/fixtures/buildbot/INDEX.tsv");
        for (got, want) in cases {
            assert_eq!(got, want);
            assert!(
                index.contains(&format!("/api/v2/{want}\t")),
                "{want} is not a recorded URL"
            );
        }
        assert_eq!(raw(&LogRef::Id(29), true), "logs/29/raw_inline");
        assert_eq!(raw(&LogRef::Id(3), false), "logs/3/raw");
        assert_eq!(Window::new(0, 0), None);
        // Read back from what `contents` writes, and nothing else.
        let w = Window::new(149_699, 600);
        let url = format!("/buildbot/api/v2/{}", contents(&LogRef::Id(3), w));
        assert_eq!(window_of(&url), w);
        for odd in [
            "/x/contents?offset=1",
            "/x/contents?offset=1&limit=0",
            "/x/contents?offset=-1&limit=5",
            "/x/contents?offset=1&limit=5&z=1",
            "/x/contents",
            "/x/raw?offset=1&limit=5",
        ] {
            assert_eq!(window_of(odd), None, "{odd}");
        }
    }

    const PROPS: &str = "&property=branch&property=revision&property=got_revision";

    #[test]
    fn history_pages_filter_on_the_server() {
        let b = BuilderRef::Name("linux-build".into());
        assert_eq!(
            builds_page(&b, 20, 0, BuildFilter::All),
            "builders/linux-build/builds?order=-number&limit=21&offset=0".to_string() + PROPS
        );
        assert_eq!(
            builds_page(&b, 20, 2, BuildFilter::from_key("failure")),
            "builders/linux-build/builds?order=-number&limit=21&offset=40&results=2".to_string()
                + PROPS
        );
        assert_eq!(
            builds_page(&BuilderRef::Id(3), 10, 1, BuildFilter::from_key("running")),
            "builders/3/builds?order=-number&limit=11&offset=10&complete=false".to_string() + PROPS
        );
        assert_eq!(BuildFilter::from_key("<nope>"), BuildFilter::All);
    }

    #[test]
    fn build_and_log_metadata_paths() {
        assert_eq!(
            build(&BuildRef::Number(BuilderRef::Name("linux-build".into()), 1)),
            "builders/linux-build/builds/1"
        );
        assert_eq!(
            recent_builds(None, 10, true),
            "builds?order=-buildid&limit=10&complete=false".to_string() + PROPS
        );
        assert_eq!(
            recent_builds(Some(&BuilderRef::Id(6)), 5, false),
            "builders/6/builds?order=-number&limit=5".to_string() + PROPS
        );
        assert_eq!(logs_of_step(19), "steps/19/logs");
        assert_eq!(log(&LogRef::Id(13)), "logs/13");
    }
}
