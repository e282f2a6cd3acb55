//! The home page's overview across every configured source: each system's builds turned into
//! one kind of row, then split into what runs now and what finished recently, newest first.
//! Pure: the web crate fetches, this decides what a row says, where it links and its order.

use crate::buildbot::{Build as BuildbotBuild, Builder};
use crate::codearts::{HistoryRecord, Job as CodeArtsJob};
use crate::config::{Source, SourceKind};
use crate::listing::{name_matches, status_matches};
use crate::routes::{builder_key, Route};
use crate::servicestage::{Build as StageBuild, Job as StageJob};
use crate::status::Status;

/// How many finished builds the overview lists, all sources together.
pub const RECENT_ROWS: usize = 40;
/// How many CodeArts / ServiceStage jobs one poll looks into (their newest builds), so a
/// project with hundreds of jobs costs a bounded number of requests.
pub const JOBS_LOOKED_AT: usize = 8;
/// How many builds of each such job.
pub const BUILDS_PER_JOB: usize = 3;

/// One build as the overview shows it, whatever system it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub source_id: String,
    pub source_name: String,
    pub kind: SourceKind,
    /// The builder (Buildbot) or job (CodeArts, ServiceStage) it belongs to, and its page.
    pub group: String,
    pub group_href: String,
    /// The build's number as its system shows it (`#12`), or its id when it has none.
    pub number: String,
    pub status: Status,
    /// The system's own word for the status, for the badge's hover text.
    pub label: String,
    /// Epoch seconds.
    pub started: Option<f64>,
    pub ended: Option<f64>,
    pub branch: Option<String>,
    pub revision: Option<String>,
    pub href: String,
}

impl Row {
    /// When it last changed: its end, or its start while it runs.
    pub fn when(&self) -> Option<f64> {
        self.ended.or(self.started)
    }

    /// Whether the name search and status filter of the URL keep this row. The search looks
    /// at the builder or job name and the source's name, so "codearts" lists one system.
    pub fn matches(&self, needle: &str, status: &str) -> bool {
        let names = format!("{} {}", self.group, self.source_name);
        name_matches(needle, &names) && status_matches(status, std::slice::from_ref(&self.status))
    }
}

/// Buildbot: the master's newest builds and those still running, named by their builders.
/// A build in both lists is listed once.
pub fn from_buildbot(
    source: &Source,
    builders: &[Builder],
    builds: impl IntoIterator<Item = BuildbotBuild>,
) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for b in builds {
        let href = Route::build(&source.id, &b.buildid.to_string(), "").href();
        if rows.iter().any(|r| r.href == href) {
            continue;
        }
        let (group, group_href) = match builders.iter().find(|x| x.builderid == b.builderid) {
            Some(x) => (
                x.name.clone(),
                Route::builder(&source.id, &builder_key(&x.name, x.builderid)).href(),
            ),
            // A builder created after the list was read: its id still links.
            None => (
                format!("builder {}", b.builderid),
                Route::builder(&source.id, &b.builderid.to_string()).href(),
            ),
        };
        rows.push(Row {
            source_id: source.id.clone(),
            source_name: source.name.clone(),
            kind: source.kind.clone(),
            group,
            group_href,
            number: format!("#{}", b.number),
            status: b.status(),
            label: b.system_label(),
            started: b.started_at,
            ended: b.complete_at,
            branch: b.branch(),
            revision: b.revision(),
            href,
        });
    }
    rows
}

/// The CodeArts jobs worth a history request: the most recently built first, never-built
/// jobs last, at most [`JOBS_LOOKED_AT`].
pub fn codearts_jobs_to_read(jobs: &[CodeArtsJob]) -> Vec<CodeArtsJob> {
    let mut jobs: Vec<CodeArtsJob> = jobs.iter().filter(|j| !j.disabled).cloned().collect();
    jobs.sort_by(|a, b| {
        let key = |j: &CodeArtsJob| j.last_build_time.unwrap_or(f64::MIN);
        key(b).total_cmp(&key(a))
    });
    jobs.truncate(JOBS_LOOKED_AT);
    jobs
}

/// CodeArts: each job's newest history records.
pub fn from_codearts(source: &Source, histories: &[(CodeArtsJob, Vec<HistoryRecord>)]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (job, records) in histories {
        let group_href = Route::job(&source.id, &job.id, &job.name).href();
        for r in records.iter().take(BUILDS_PER_JOB) {
            let href = match &r.record_id {
                Some(id) => Route::build(&source.id, id, &job.id).href(),
                None => group_href.clone(),
            };
            let number = r
                .build_number
                .map(|n| format!("#{n}"))
                .or_else(|| r.record_id.clone())
                .unwrap_or_default();
            rows.push(Row {
                source_id: source.id.clone(),
                source_name: source.name.clone(),
                kind: source.kind.clone(),
                group: job.name.clone(),
                group_href: group_href.clone(),
                number,
                status: r.status.clone(),
                label: r
                    .result
                    .clone()
                    .unwrap_or_else(|| r.status.label().to_string()),
                started: r.start_time,
                ended: r.end_time.filter(|_| !r.status.is_active()),
                branch: r.branch.clone().filter(|b| !b.is_empty()),
                revision: r.commit_id.clone().filter(|c| !c.is_empty()),
                href,
            });
        }
    }
    rows
}

/// ServiceStage: builds of each job, read one by one for their times and what they built
/// (the job's build list gives only id, state and duration).
pub fn from_servicestage(source: &Source, builds: &[(StageJob, StageBuild)]) -> Vec<Row> {
    builds
        .iter()
        .map(|(job, b)| Row {
            source_id: source.id.clone(),
            source_name: source.name.clone(),
            kind: source.kind.clone(),
            group: job.name.clone(),
            group_href: Route::job(&source.id, &job.id, &job.name).href(),
            number: b
                .index
                .clone()
                .map(|i| format!("#{i}"))
                .unwrap_or_else(|| b.id.clone()),
            status: b.status.clone(),
            label: b.system_label(),
            started: b.started_at,
            ended: b.ended_at.filter(|_| !b.status.is_active()),
            branch: b.branch.clone().filter(|x| !x.is_empty()),
            revision: b.commit_id.clone().filter(|x| !x.is_empty()),
            href: Route::build(&source.id, &b.id, "").href(),
        })
        .collect()
}

/// What the overview lists: every build under way (longest running first would hide new
/// ones, so newest start first), then at most `recent` finished builds, newest end first.
/// Rows without times keep their source's order after the timed ones.
pub fn split(rows: impl IntoIterator<Item = Row>, recent: usize) -> (Vec<Row>, Vec<Row>) {
    let (mut running, mut done): (Vec<Row>, Vec<Row>) =
        rows.into_iter().partition(|r| r.status.is_active());
    let newest_first = |a: &Row, b: &Row| {
        let key = |r: &Row| r.when().unwrap_or(f64::MIN);
        key(b).total_cmp(&key(a))
    };
    running.sort_by(newest_first);
    done.sort_by(newest_first);
    done.truncate(recent);
    (running, done)
}

/// Whether any row of a source's answer is under way, so its poll runs quickly.
pub fn any_active(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.status.is_active())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AuthMode;

    fn source(kind: SourceKind) -> Source {
        Source {
            id: "s".into(),
            kind,
            name: "Src".into(),
            url: "/x/".into(),
            auth: AuthMode::None,
            project_id: None,
            timeout_ms: 15_000,
        }
    }

    fn bb(
        buildid: i64,
        builderid: i64,
        results: Option<i64>,
        start: f64,
        end: Option<f64>,
    ) -> BuildbotBuild {
        BuildbotBuild {
            buildid,
            builderid,
            number: buildid * 10,
            results,
            complete: end.is_some(),
            started_at: Some(start),
            complete_at: end,
            state_string: String::new(),
            workerid: None,
            properties: vec![],
        }
    }

    fn builder(id: i64, name: &str) -> Builder {
        crate::buildbot::decode_builders(&format!(
            r#"{{"builders":[{{"builderid":{id},"name":"{name}","tags":[]}}]}}"#
        ))
        .unwrap()
        .remove(0)
    }

    #[test]
    fn buildbot_rows_name_builders_link_builds_and_list_a_build_once() {
        let s = source(SourceKind::Buildbot);
        let builders = [builder(1, "linux build")];
        let running = bb(7, 1, None, 100.0, None);
        let rows = from_buildbot(
            &s,
            &builders,
            [
                running.clone(),
                bb(6, 1, Some(2), 50.0, Some(90.0)),
                running,
                bb(5, 9, Some(0), 10.0, Some(20.0)),
            ],
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].group, "linux build");
        assert_eq!(rows[0].number, "#70");
        assert_eq!(rows[0].href, "/s/s/builds/7");
        assert_eq!(
            rows[0].group_href,
            Route::builder("s", &builder_key("linux build", 1)).href()
        );
        assert!(rows[0].status.is_active());
        assert_eq!(rows[1].status.key(), "failure");
        // An unknown builder id still names and links something.
        assert_eq!(rows[2].group, "builder 9");
        assert_eq!(rows[2].group_href, "/s/s/builders/9");
    }

    #[test]
    fn split_lists_running_then_finished_newest_first_and_bounds_the_finished() {
        let s = source(SourceKind::Buildbot);
        let builders = [builder(1, "a")];
        let rows = from_buildbot(
            &s,
            &builders,
            [
                bb(1, 1, Some(0), 10.0, Some(20.0)),
                bb(2, 1, Some(2), 30.0, Some(200.0)),
                bb(3, 1, None, 40.0, None),
                bb(4, 1, None, 300.0, None),
                bb(5, 1, Some(0), 50.0, Some(60.0)),
            ],
        );
        let (running, done) = split(rows, 2);
        let ids = |v: &[Row]| v.iter().map(|r| r.href.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&running), ["/s/s/builds/4", "/s/s/builds/3"]);
        assert_eq!(ids(&done), ["/s/s/builds/2", "/s/s/builds/5"]);
    }

    #[test]
    fn matches_searches_group_and_source_and_filters_by_status() {
        let s = source(SourceKind::Buildbot);
        let rows = from_buildbot(
            &s,
            &[builder(1, "docs-build")],
            [bb(1, 1, Some(2), 1.0, Some(2.0))],
        );
        let r = &rows[0];
        assert!(r.matches("docs", ""));
        assert!(r.matches("src docs", ""));
        assert!(!r.matches("linux", ""));
        assert!(r.matches("", "failure"));
        assert!(!r.matches("", "success"));
        assert!(!r.matches("", "running"));
        // An unknown filter key hides nothing, like every other list.
        assert!(r.matches("", "bogus"));
    }

    #[test]
    fn codearts_reads_recently_built_jobs_first_and_rows_link_records() {
        let jobs = crate::codearts::decode_jobs(
            r#"{"total":3,"jobs":[
                {"id":"j1","job_name":"old","last_build_time":1000},
                {"id":"j2","job_name":"never","last_build_time":0},
                {"id":"j3","job_name":"new","last_build_time":5000},
                {"id":"j4","job_name":"off","last_build_time":9000,"disabled":true}
            ]}"#,
        )
        .unwrap();
        let read = codearts_jobs_to_read(&jobs.jobs);
        let names: Vec<_> = read.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["new", "old", "never"]);
        let history = crate::codearts::decode_history(
            r#"{"total":2,"history_records":[
                {"record_id":"r2","job_id":"j3","build_number":2,"start_time":"2024-01-01 10:00:00","end_time":"","result":"running"},
                {"record_id":null,"job_id":"j3","build_number":1,"start_time":"2024-01-01 09:00:00","end_time":"2024-01-01 09:05:00","result":"FAILURE"}
            ]}"#,
        )
        .unwrap();
        let s = source(SourceKind::CodeArts);
        let rows = from_codearts(&s, &[(read[0].clone(), history.records)]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].href, "/s/s/builds/r2?job=j3");
        assert_eq!(rows[0].number, "#2");
        assert!(rows[0].status.is_active());
        assert_eq!(rows[0].ended, None);
        assert_eq!(rows[1].status.key(), "failure");
        assert_eq!(rows[1].label, "FAILURE");
        // No record id: the row still links its job.
        assert_eq!(rows[1].href, rows[1].group_href);
    }
}
