//! Every address of the app as one type: [`Route::href`] writes it, [`Route::parse`] reads
//! it back. Ids come from servers and users, so each path segment and query value goes
//! through [`links::percent_encode`](crate::links::percent_encode) (the one encoder) and can
//! never change the route it is put into.
//!
//! Three ids cannot be written as a path segment even when encoded: the empty string (the
//! router matches no empty parameter) and `.` / `..` (browsers resolve them, `%2E` included,
//! before the app sees the path). Such a segment is written with a leading `!`, which the
//! encoder never emits; an id that itself starts with `!` gets the mark too, so reading the
//! mark back is unambiguous. Ordinary ids are written exactly as before.

use crate::buildbot::is_identifier;
use crate::links::{percent_decode, percent_encode};
use crate::log::text::{line_anchor, parse_line_anchor};

/// One view of the app and everything its address says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`: the configured sources.
    Home,
    /// `/s/:source`, filtered by the latest result (`?status=`) and a name search (`?q=`).
    Source {
        source: String,
        status: Option<String>,
        q: Option<String>,
    },
    /// `/s/:source/builders/:builder`: a Buildbot builder's history (by name or id), and the
    /// duration trend of its last `?n=` builds.
    Builder {
        source: String,
        builder: String,
        status: Option<String>,
        page: Option<u32>,
        per_page: Option<u32>,
        n: Option<u32>,
    },
    /// `/s/:source/builders/:builder/compare/:a/:b`: two builds by Buildbot build number.
    BuilderCompare {
        source: String,
        builder: String,
        a: i64,
        b: i64,
    },
    /// `/s/:source/jobs/:job`: a CodeArts job (paged) or a ServiceStage job (`?name=`, which
    /// ServiceStage's builds API needs besides the id).
    Job {
        source: String,
        job: String,
        page: Option<u32>,
        per_page: Option<u32>,
        name: Option<String>,
    },
    /// `/s/:source/jobs/:job/compare/:a/:b`: CodeArts build numbers or ServiceStage build ids.
    JobCompare {
        source: String,
        job: String,
        a: String,
        b: String,
        name: Option<String>,
    },
    /// `/s/:source/builds/:build`: a build (a Buildbot build id or a Huawei record / build
    /// id), naming its CodeArts job when known (`?job=`), opened at a step (`#step-N`).
    Build {
        source: String,
        build: String,
        job: Option<String>,
        step: Option<i64>,
    },
    /// `/s/:source/builds/:build/steps/:step/logs/:slug`: one log of a Buildbot step, with
    /// the 0-based lines `#L<a>-L<b>` selects (first ≤ last).
    StepLog {
        source: String,
        build: i64,
        step: i64,
        slug: String,
        lines: Option<(u64, u64)>,
    },
    /// `/s/:source/builds/:build/tests/:set`: one test result set of a Buildbot build, a page
    /// at a time (`?page=`), failures first or only (`?show=failed`), searched by test name
    /// (`?q=`).
    TestResults {
        source: String,
        build: i64,
        set: i64,
        show: Option<String>,
        q: Option<String>,
        page: Option<u32>,
    },
    /// `/s/:source/grid`: a Buildbot master's builders × its newest `?n=` changes, of one
    /// `?branch=`, builders of one `?tag=`.
    Grid {
        source: String,
        branch: Option<String>,
        tag: Option<String>,
        n: Option<u32>,
    },
    /// `/s/:source/changes`: a Buildbot master's newest `?n=` changes (of one `?branch=`),
    /// each with its builds.
    Changes {
        source: String,
        branch: Option<String>,
        n: Option<u32>,
    },
    /// `/s/:source/changes/:change`: one change and every build of it.
    Change { source: String, change: i64 },
    /// `/s/:source/queue`: a Buildbot master's build requests waiting for a worker.
    Queue { source: String },
    /// `/s/:source/workers`: a Buildbot master's workers.
    Workers { source: String },
    /// `/s/:source/workers/:worker`: one worker, by id.
    Worker { source: String, worker: String },
    /// `/s/:source/builds/:build/log`: a Huawei build's log, with the 0-based lines
    /// `#L<a>-L<b>` selects. CodeArts: `build` is the record, `?job=&no=` its job and build
    /// number (what the log APIs take, so opening the log costs no round trip for them),
    /// `?step=` one step's log (a step id from full-stages). ServiceStage: `build` is the
    /// build id, and nothing else is needed.
    BuildLog {
        source: String,
        build: String,
        job: Option<String>,
        no: Option<i64>,
        step: Option<String>,
        lines: Option<(u64, u64)>,
    },
}

impl Route {
    /// A source's overview, unfiltered.
    pub fn source(source: &str) -> Route {
        Route::Source {
            source: source.to_string(),
            status: None,
            q: None,
        }
    }

    /// A builder's history, first page, unfiltered.
    pub fn builder(source: &str, builder: &str) -> Route {
        Route::Builder {
            source: source.to_string(),
            builder: builder.to_string(),
            status: None,
            page: None,
            per_page: None,
            n: None,
        }
    }

    /// A job's page; an empty `name` is left out (the job page then goes by the id).
    pub fn job(source: &str, job: &str, name: &str) -> Route {
        Route::Job {
            source: source.to_string(),
            job: job.to_string(),
            page: None,
            per_page: None,
            name: non_empty(name),
        }
    }

    /// A build's page, naming its job when `job` is not empty.
    pub fn build(source: &str, build: &str, job: &str) -> Route {
        Route::Build {
            source: source.to_string(),
            build: build.to_string(),
            job: non_empty(job),
            step: None,
        }
    }

    /// A test result set of a Buildbot build, unfiltered.
    pub fn test_results(source: &str, build: i64, set: i64) -> Route {
        Route::TestResults {
            source: source.to_string(),
            build,
            set,
            show: None,
            q: None,
            page: None,
        }
    }

    /// The address: path, query (canonical order, absent values left out), fragment.
    pub fn href(&self) -> String {
        let Parts {
            segments,
            query,
            fragment,
        } = self.parts();
        let mut out = String::new();
        for s in &segments {
            out.push('/');
            out.push_str(&encode_segment(s));
        }
        if out.is_empty() {
            out.push('/');
        }
        let query: Vec<String> = query
            .into_iter()
            .filter_map(|(k, v)| Some(format!("{k}={}", percent_encode(&v?))))
            .collect();
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query.join("&"));
        }
        out.push_str(&fragment);
        out
    }

    /// The route of a path and query (with or without `?`) as the browser holds them, still
    /// percent-encoded; `None` when the path is no view of the app. Unknown query keys are
    /// ignored, the last of repeated keys wins, and junk numbers read as absent. The
    /// fragment is not part of it: see [`Route::from_href`].
    pub fn parse(path: &str, query: &str) -> Option<Route> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let path = path.strip_suffix('/').unwrap_or(path);
        let raw: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        let seg: Vec<String> = raw.iter().map(|s| decode_segment(s)).collect();
        let q = Query::parse(query);
        let num = |s: &String| s.parse::<i64>().ok();
        let route = match (raw.as_slice(), seg.as_slice()) {
            ([], _) => Route::Home,
            (["s", _], [_, source]) => Route::Source {
                source: source.clone(),
                status: q.get("status"),
                q: q.get("q"),
            },
            (["s", _, "builders", _], [_, source, _, builder]) => Route::Builder {
                source: source.clone(),
                builder: builder.clone(),
                status: q.get("status"),
                page: q.number("page"),
                per_page: q.number("per_page"),
                n: q.number("n"),
            },
            (["s", _, "builders", _, "compare", _, _], [_, source, _, builder, _, a, b]) => {
                Route::BuilderCompare {
                    source: source.clone(),
                    builder: builder.clone(),
                    a: num(a)?,
                    b: num(b)?,
                }
            }
            (["s", _, "jobs", _], [_, source, _, job]) => Route::Job {
                source: source.clone(),
                job: job.clone(),
                page: q.number("page"),
                per_page: q.number("per_page"),
                name: q.get("name"),
            },
            (["s", _, "jobs", _, "compare", _, _], [_, source, _, job, _, a, b]) => {
                Route::JobCompare {
                    source: source.clone(),
                    job: job.clone(),
                    a: a.clone(),
                    b: b.clone(),
                    name: q.get("name"),
                }
            }
            (["s", _, "builds", _], [_, source, _, build]) => Route::Build {
                source: source.clone(),
                build: build.clone(),
                job: q.get("job"),
                step: None,
            },
            (
                ["s", _, "builds", _, "steps", _, "logs", _],
                [_, source, _, build, _, step, _, slug],
            ) => Route::StepLog {
                source: source.clone(),
                build: num(build)?,
                step: num(step)?,
                slug: slug.clone(),
                lines: None,
            },
            (["s", _, "builds", _, "tests", _], [_, source, _, build, _, set]) => {
                Route::TestResults {
                    source: source.clone(),
                    build: num(build)?,
                    set: num(set)?,
                    show: q.get("show"),
                    q: q.get("q"),
                    page: q.number("page"),
                }
            }
            (["s", _, "grid"], [_, source, _]) => Route::Grid {
                source: source.clone(),
                branch: q.get("branch"),
                tag: q.get("tag"),
                n: q.number("n"),
            },
            (["s", _, "changes"], [_, source, _]) => Route::Changes {
                source: source.clone(),
                branch: q.get("branch"),
                n: q.number("n"),
            },
            (["s", _, "changes", _], [_, source, _, change]) => Route::Change {
                source: source.clone(),
                change: num(change)?,
            },
            (["s", _, "queue"], [_, source, _]) => Route::Queue {
                source: source.clone(),
            },
            (["s", _, "workers"], [_, source, _]) => Route::Workers {
                source: source.clone(),
            },
            (["s", _, "workers", _], [_, source, _, worker]) => Route::Worker {
                source: source.clone(),
                worker: worker.clone(),
            },
            (["s", _, "builds", _, "log"], [_, source, _, build, _]) => Route::BuildLog {
                source: source.clone(),
                build: build.clone(),
                job: q.get("job"),
                no: q.get("no").and_then(|n| n.parse().ok()),
                step: q.get("step"),
                lines: None,
            },
            _ => return None,
        };
        Some(route)
    }

    /// The route of a whole in-app address (`path?query#fragment`), reading the fragments
    /// the app writes: `#step-N` on a build, `#L<n>` / `#L<a>-L<b>` on a log. Any other
    /// fragment is ignored.
    pub fn from_href(href: &str) -> Option<Route> {
        let (rest, fragment) = href.split_once('#').unwrap_or((href, ""));
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut route = Route::parse(path, query)?;
        match &mut route {
            Route::Build { step, .. } => *step = parse_step_anchor(fragment),
            Route::StepLog { lines, .. } | Route::BuildLog { lines, .. } => {
                *lines = parse_line_anchor(fragment)
            }
            _ => {}
        }
        Some(route)
    }

    /// What the address is made of, before encoding.
    fn parts(&self) -> Parts {
        let n = |x: &Option<u32>| x.map(|v| v.to_string());
        match self {
            Route::Home => Parts::new(&[]),
            Route::Grid {
                source,
                branch,
                tag,
                n: last,
            } => Parts::new(&["s", source, "grid"])
                .query("branch", branch.clone())
                .query("tag", tag.clone())
                .query("n", n(last)),
            Route::Changes {
                source,
                branch,
                n: last,
            } => Parts::new(&["s", source, "changes"])
                .query("branch", branch.clone())
                .query("n", n(last)),
            Route::Change { source, change } => {
                Parts::new(&["s", source, "changes", &change.to_string()])
            }
            Route::Queue { source } => Parts::new(&["s", source, "queue"]),
            Route::Workers { source } => Parts::new(&["s", source, "workers"]),
            Route::Worker { source, worker } => Parts::new(&["s", source, "workers", worker]),
            Route::Source { source, status, q } => Parts::new(&["s", source])
                .query("status", status.clone())
                .query("q", q.clone()),
            Route::Builder {
                source,
                builder,
                status,
                page,
                per_page,
                n: last,
            } => Parts::new(&["s", source, "builders", builder])
                .query("status", status.clone())
                .query("page", n(page))
                .query("per_page", n(per_page))
                .query("n", n(last)),
            Route::BuilderCompare {
                source,
                builder,
                a,
                b,
            } => Parts::new(&[
                "s",
                source,
                "builders",
                builder,
                "compare",
                &a.to_string(),
                &b.to_string(),
            ]),
            Route::Job {
                source,
                job,
                page,
                per_page,
                name,
            } => Parts::new(&["s", source, "jobs", job])
                .query("page", n(page))
                .query("per_page", n(per_page))
                .query("name", name.clone()),
            Route::JobCompare {
                source,
                job,
                a,
                b,
                name,
            } => {
                Parts::new(&["s", source, "jobs", job, "compare", a, b]).query("name", name.clone())
            }
            Route::Build {
                source,
                build,
                job,
                step,
            } => Parts {
                fragment: step.map(step_anchor).unwrap_or_default(),
                ..Parts::new(&["s", source, "builds", build]).query("job", job.clone())
            },
            Route::StepLog {
                source,
                build,
                step,
                slug,
                lines,
            } => Parts {
                fragment: lines.map(|(a, b)| line_anchor(a, b)).unwrap_or_default(),
                ..Parts::new(&[
                    "s",
                    source,
                    "builds",
                    &build.to_string(),
                    "steps",
                    &step.to_string(),
                    "logs",
                    slug,
                ])
            },
            Route::TestResults {
                source,
                build,
                set,
                show,
                q,
                page,
            } => Parts::new(&[
                "s",
                source,
                "builds",
                &build.to_string(),
                "tests",
                &set.to_string(),
            ])
            .query("show", show.clone())
            .query("q", q.clone())
            .query("page", n(page)),
            Route::BuildLog {
                source,
                build,
                job,
                no,
                step,
                lines,
            } => Parts {
                fragment: lines.map(|(a, b)| line_anchor(a, b)).unwrap_or_default(),
                ..Parts::new(&["s", source, "builds", build, "log"])
                    .query("job", job.clone())
                    .query("no", no.map(|n| n.to_string()))
                    .query("step", step.clone())
            },
        }
    }
}

/// An address before encoding: path segments, query pairs in canonical order (absent values
/// are left out), fragment with its `#`.
struct Parts {
    segments: Vec<String>,
    query: Vec<(&'static str, Option<String>)>,
    fragment: String,
}

impl Parts {
    fn new(segments: &[&str]) -> Parts {
        Parts {
            segments: segments.iter().map(|s| s.to_string()).collect(),
            query: Vec::new(),
            fragment: String::new(),
        }
    }

    fn query(mut self, key: &'static str, value: Option<String>) -> Parts {
        self.query.push((key, value));
        self
    }
}

/// How the app addresses a Buildbot builder: by name when Buildbot's router accepts the name
/// (an identifier), else by id.
pub fn builder_key(name: &str, builderid: i64) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        builderid.to_string()
    }
}

/// The fragment that opens a build page at step `n`.
pub fn step_anchor(n: i64) -> String {
    format!("#step-{n}")
}

/// The step a `#step-N` fragment names.
pub fn parse_step_anchor(hash: &str) -> Option<i64> {
    hash.strip_prefix('#')
        .unwrap_or(hash)
        .strip_prefix("step-")?
        .parse()
        .ok()
}

/// The id in a path parameter as the router hands it over (percent-decoded once, the way
/// [`Route::parse`] decodes a segment): drops the mark [`Route::href`] puts on ids that a
/// path cannot hold as they are.
pub fn param(decoded: &str) -> String {
    decoded.strip_prefix(MARK).unwrap_or(decoded).to_string()
}

/// Marks a segment; never produced by [`percent_encode`], so it reads back unambiguously.
const MARK: char = '!';

fn encode_segment(id: &str) -> String {
    let marked = matches!(id, "" | "." | "..") || id.starts_with(MARK);
    let encoded = percent_encode(id);
    if marked {
        format!("{MARK}{encoded}")
    } else {
        encoded
    }
}

fn decode_segment(raw: &str) -> String {
    param(&percent_decode(raw))
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Query pairs, decoded.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(query: &str) -> Query {
        let query = query.strip_prefix('?').unwrap_or(query);
        Query(
            query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (percent_decode(k), percent_decode(v))
                })
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn number(&self, key: &str) -> Option<u32> {
        self.get(key)?.parse().ok()
    }
}

#[cfg(test)]
mod tests;
