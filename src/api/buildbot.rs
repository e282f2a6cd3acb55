//! Buildbot data API client (`<base>api/v2/...`), over the shared HTTP helper.

use super::http::{Endpoint, ServerError};
use buildscope_core::buildbot::changes::{self, Change, Grid};
use buildscope_core::buildbot::control::{self, Action, Answer};
use buildscope_core::buildbot::force::{self, ForceScheduler};
use buildscope_core::buildbot::paths::{
    self, BuildFilter, BuildRef, BuilderRef, LogRef, StepRef, Window,
};
use buildscope_core::buildbot::queue::{self, BuildRequest};
use buildscope_core::buildbot::session::{self, Session};
use buildscope_core::buildbot::test_results::{self, ResultPage, TestResultSet};
use buildscope_core::buildbot::workers::{self, Worker};
use buildscope_core::buildbot::{self, Build, Builder, Log, LogChunk, Step};
use buildscope_core::config::Source;
use buildscope_core::error::{ApiError, ErrorKind};
use buildscope_core::freshness::{
    build_page_progress, fresher_builds, keep_newer, merge_groups, step_page_progress,
};
use futures::future::join_all;
use futures::StreamExt;

#[derive(Clone)]
pub struct BuildbotClient {
    /// The master's root (`config`, `auth/...`); `base` is its data API under it.
    root: String,
    base: String,
    endpoint: Endpoint,
}

/// A builder and its most recent builds, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct BuilderSummary {
    pub builder: Builder,
    pub builds: Vec<Build>,
}

/// Everything the log page shows around the log itself.
#[derive(Clone, Debug, PartialEq)]
pub struct StepLogs {
    pub detail: BuildDetail,
    pub step: Step,
    pub logs: Vec<Log>,
}

/// A builder's last builds (newest first) and, for the newest of them, their steps (same
/// order), for the duration trend.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendData {
    pub builds: Vec<Build>,
    pub steps: Vec<Vec<Step>>,
}

/// How many of the trend's builds have their steps read (one request each, four at a time).
const TREND_STEP_BUILDS: usize = 30;

/// What a test results page shows above the results: the set, its step and that step's first
/// log, and how many results the set holds in all.
#[derive(Clone, Debug, PartialEq)]
pub struct TestSetHeader {
    pub set: TestResultSet,
    pub step: Option<Step>,
    pub log_slug: Option<String>,
    pub total: Option<u64>,
}

/// What waits in the queue, and (for one builder) how many workers could run it now.
#[derive(Clone, Debug, PartialEq)]
pub struct Queue {
    pub requests: Vec<BuildRequest>,
    pub ready_workers: Option<usize>,
}

/// The workers page: every worker, the builds running now, and the builders' names.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkersView {
    pub workers: Vec<Worker>,
    pub running: Vec<Build>,
    pub builders: Vec<Builder>,
}

impl WorkersView {
    pub fn builder_name(&self, builderid: i64) -> String {
        buildbot::builder_name(&self.builders, builderid)
    }
}

/// One worker's page: the worker, its recent builds (newest first) and its builders.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerDetail {
    pub worker: Worker,
    pub recent: Vec<Build>,
    pub builders: Vec<Builder>,
}

/// One change's page: the change, and its builds with their builder's name (newest first per builder).
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeDetail {
    pub change: Change,
    pub builds: Vec<(String, Build)>,
}

/// How many of a worker's builds its page shows, and how many running builds the workers
/// page reads at most (one request for all workers).
const WORKER_BUILDS: u32 = 20;
const RUNNING_BUILDS: u32 = 200;

/// Everything the build page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildDetail {
    pub builder: Builder,
    pub build: Build,
    pub steps: Vec<Step>,
    /// The logs of every step (one request per step, concurrently), for the step links.
    pub logs: Vec<Log>,
    /// The build's test result sets (none on a master without the endpoint).
    pub tests: Vec<TestResultSet>,
}

impl BuildDetail {
    /// What to show when `new` arrives while `shown` is on screen (see `freshness.rs`).
    pub fn fresher(shown: &Self, new: Self) -> Self {
        keep_newer(shown, new, |d| {
            build_page_progress(&d.build, &d.steps, &d.logs)
        })
    }
}

impl StepLogs {
    /// What to show when `new` arrives while `shown` is on screen (see `freshness.rs`).
    pub fn fresher(shown: &Self, new: Self) -> Self {
        keep_newer(shown, new, |d| {
            step_page_progress(&d.step, &d.detail.build, &d.logs)
        })
    }
}

/// The overview, builder by builder, each builder's builds by id.
pub fn fresher_overview(shown: &[BuilderSummary], new: Vec<BuilderSummary>) -> Vec<BuilderSummary> {
    merge_groups(
        shown,
        new,
        |s| s.builder.builderid,
        |o, mut n| {
            n.builds = fresher_builds(&o.builds, n.builds);
            n
        },
    )
}

fn parse_error(body: &str) -> ServerError {
    let (code, message) = match control::rpc_error(body) {
        Some((code, message)) => (code, Some(message)),
        None => (None, None),
    };
    ServerError {
        code,
        message,
        request_id: None,
    }
}

impl BuildbotClient {
    pub fn new(source: &Source) -> Self {
        BuildbotClient {
            root: source.url.clone(),
            base: format!("{}api/v2/", source.url),
            endpoint: Endpoint::for_source(source, parse_error).never_hang_up(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn builders(&self) -> Result<Vec<Builder>, ApiError> {
        self.endpoint
            .get(&self.url(&paths::builders()), buildbot::decode_builders)
            .await
    }

    pub async fn builder(&self, builder: &BuilderRef) -> Result<Builder, ApiError> {
        self.endpoint
            .get(
                &self.url(&paths::builder_path(builder)),
                buildbot::decode_builder,
            )
            .await
    }

    /// The newest `limit` builds of one builder, or of the whole master.
    pub async fn recent_builds(
        &self,
        builder: Option<&BuilderRef>,
        limit: u32,
    ) -> Result<Vec<Build>, ApiError> {
        let url = self.url(&paths::recent_builds(builder, limit, false));
        self.endpoint.get(&url, buildbot::decode_builds).await
    }

    /// Builds of the whole master still under way, newest first.
    pub async fn running_builds(&self, limit: u32) -> Result<Vec<Build>, ApiError> {
        let url = self.url(&paths::recent_builds(None, limit, true));
        self.endpoint.get(&url, buildbot::decode_builds).await
    }

    /// A page of a builder's history and whether an older page exists.
    pub async fn builds_page(
        &self,
        builder: &BuilderRef,
        page_size: u32,
        page: u32,
        filter: BuildFilter,
    ) -> Result<(Vec<Build>, bool), ApiError> {
        let url = self.url(&paths::builds_page(builder, page_size, page, filter));
        let mut builds = self.endpoint.get(&url, buildbot::decode_builds).await?;
        let more = builds.len() > page_size as usize;
        builds.truncate(page_size as usize);
        Ok((builds, more))
    }

    /// A build by id or by builder + number, with its properties (reason, owner...).
    pub async fn build(&self, build: &BuildRef) -> Result<Build, ApiError> {
        let url = self.url(&format!("{}?property=*", paths::build(build)));
        self.endpoint.get(&url, buildbot::decode_build).await
    }

    /// Sends a control action once (see [`Endpoint::post_json`]). A 2xx answer that carries
    /// a JSON-RPC `error` is a failure too.
    /// A cancel of several requests sends one call after the other and stops at the first
    /// failure (the error says which request); the answer is the last call's.
    pub async fn control(&self, action: &Action) -> Result<Answer, ApiError> {
        let mut answer = Answer::Accepted;
        for (path, request) in action.calls() {
            let url = self.url(&path);
            let body = self.endpoint.post_json(&url, &request).await?;
            if let Some((code, message)) = control::rpc_error(&body) {
                let mut e = ApiError::new(ErrorKind::Http, &self.endpoint.source, &url, message);
                e.status = Some(200); // post_json hands back only 2xx bodies (Buildbot: 200)
                e.code = code;
                return Err(e);
            }
            answer = control::decode_answer(&body)
                .map_err(|e| ApiError::decode(&self.endpoint.source, &url, e))?;
        }
        Ok(answer)
    }

    /// Who this browser is to the master, and how it signs in (`<root>config`).
    pub async fn session(&self) -> Result<Session, ApiError> {
        let url = format!("{}config", self.root);
        self.endpoint.get(&url, session::decode_session).await
    }

    /// Buildbot's own password sign-in (sets the master's session cookie).
    pub async fn sign_in(&self, user: &str, password: &str) -> Result<(), ApiError> {
        let url = format!("{}auth/login", self.root);
        self.endpoint
            .session_request(&url, Some(&session::basic_authorization(user, password)))
            .await
    }

    /// Ends the master's session: a plain GET of `<root>auth/logout`, which answers with a
    /// redirect (not followed) and an expired cookie.
    pub async fn sign_out(&self) -> Result<(), ApiError> {
        let url = format!("{}auth/logout", self.root);
        self.endpoint.session_request(&url, None).await
    }

    /// Whether the master lets this user control builds at all: a JSON-RPC call of a method no
    /// endpoint has, which Buildbot's authz judges before it looks for the method (403 when
    /// control is denied; `null` otherwise, with no effect). Rules that name one action
    /// (only stop, only force) are not seen by it: their 403 comes with the action itself.
    /// `Ok(None)` when allowed, `Ok(Some(why))` with the master's words when refused.
    pub async fn may_control(&self) -> Result<Option<String>, ApiError> {
        let url = self.url("forceschedulers/buildscope-probe");
        let body = r#"{"jsonrpc":"2.0","method":"buildscope-probe","id":1,"params":{}}"#;
        match self.endpoint.post_json(&url, body).await {
            Ok(_) => Ok(None),
            Err(e) if matches!(e.status, Some(401 | 403)) => Ok(Some(e.message)),
            Err(e) => Err(e),
        }
    }

    /// Every worker, the builds running now and the builder names they need.
    pub async fn workers_view(&self) -> Result<WorkersView, ApiError> {
        let workers = self.url("workers");
        let workers = self.endpoint.get(&workers, workers::decode_workers);
        let running = self.url(&format!(
            "builds?complete=false&order=-buildid&limit={RUNNING_BUILDS}"
        ));
        let running = self.endpoint.get(&running, buildbot::decode_builds);
        let (workers, running, builders) = futures::join!(workers, running, self.builders());
        Ok(WorkersView {
            workers: workers?,
            running: running?,
            builders: builders?,
        })
    }

    /// One worker by id, its newest builds and the builders it is configured on.
    pub async fn worker_detail(&self, worker: &str) -> Result<WorkerDetail, ApiError> {
        let url = self.url(&format!(
            "workers/{}",
            buildscope_core::links::percent_encode(worker)
        ));
        let worker = self.endpoint.get(&url, workers::decode_worker).await?;
        let recent = self.url(&format!(
            "workers/{}/builds?order=-buildid&limit={WORKER_BUILDS}",
            worker.workerid
        ));
        let recent = self.endpoint.get(&recent, buildbot::decode_builds);
        let (recent, builders) = futures::join!(recent, self.builders());
        let builders = builders?
            .into_iter()
            .filter(|b| worker.builders.contains(&b.builderid))
            .collect();
        Ok(WorkerDetail {
            worker,
            recent: recent?,
            builders,
        })
    }

    /// The grid: the newest `n` changes (of `branch`), every builder (of `tag`) that built one,
    /// and the build of each for each change (one request per change, four at a time).
    pub async fn grid(
        &self,
        n: u32,
        branch: Option<&str>,
        tag: Option<&str>,
    ) -> Result<Grid, ApiError> {
        let url = self.url(&changes::changes_query(n, branch));
        let (list, builders) = futures::join!(
            self.endpoint.get(&url, changes::decode_changes),
            self.builders()
        );
        let (list, builders) = (list?, builders?);
        let builds = futures::stream::iter(list.iter().map(|c| {
            let url = self.url(&format!("changes/{}/builds", c.changeid));
            async move { self.endpoint.get(&url, buildbot::decode_builds).await }
        }))
        .buffered(4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
        Ok(changes::grid(&builders, list, &builds, tag))
    }

    /// One change, and every build of it by builder.
    pub async fn change(&self, changeid: i64) -> Result<ChangeDetail, ApiError> {
        let url = self.url(&format!("changes/{changeid}"));
        let builds_url = self.url(&format!("changes/{changeid}/builds"));
        let (change, builds, builders) = futures::join!(
            self.endpoint.get(&url, changes::decode_change),
            self.endpoint.get(&builds_url, buildbot::decode_builds),
            self.builders()
        );
        Ok(ChangeDetail {
            change: change?,
            builds: changes::builds_by_builder(&builders?, builds?),
        })
    }

    /// The master's force schedulers (each names the builders it can force).
    pub async fn force_schedulers(&self) -> Result<Vec<ForceScheduler>, ApiError> {
        self.endpoint
            .get(&self.url("forceschedulers"), force::decode_forceschedulers)
            .await
    }

    /// The build requests waiting for a worker (of one builder, or all), in serving order,
    /// and how many workers could take one of that builder now (`None` for all builders).
    pub async fn queue(&self, builderid: Option<i64>) -> Result<Queue, ApiError> {
        let url = self.url(&queue::pending_query(builderid));
        let requests = self.endpoint.get(&url, queue::decode_buildrequests);
        let ready = async {
            match builderid {
                Some(id) => {
                    let url = self.url(&format!("builders/{id}/workers"));
                    self.endpoint
                        .get(&url, queue::decode_ready_workers)
                        .await
                        .map(Some)
                }
                None => Ok(None),
            }
        };
        let (requests, ready) = futures::join!(requests, ready);
        Ok(Queue {
            requests: queue::pending(requests?),
            ready_workers: ready?,
        })
    }

    /// The builds a build request started (none while it waits for a worker).
    pub async fn builds_of_request(&self, buildrequestid: i64) -> Result<Vec<Build>, ApiError> {
        let url = self.url(&format!("buildrequests/{buildrequestid}/builds"));
        self.endpoint.get(&url, buildbot::decode_builds).await
    }

    /// Steps of a build in execution order.
    pub async fn steps(&self, build: &BuildRef) -> Result<Vec<Step>, ApiError> {
        let url = self.url(&paths::steps(build));
        self.endpoint.get(&url, buildbot::decode_steps).await
    }

    /// One step, by name (identifier names only, see [`StepRef::of`]) or number.
    pub async fn step(&self, build: &BuildRef, step: &StepRef) -> Result<Step, ApiError> {
        let url = self.url(&paths::step_path(build, step));
        let what = "Buildbot step";
        self.endpoint
            .get(&url, |body| {
                buildbot::decode_steps(body)?
                    .into_iter()
                    .next()
                    .ok_or_else(|| buildscope_core::json::DecodeError {
                        what: what.into(),
                        field: "steps".into(),
                        problem: "the server returned an empty list".into(),
                    })
            })
            .await
    }

    pub async fn logs(&self, stepid: i64) -> Result<Vec<Log>, ApiError> {
        let url = self.url(&paths::logs_of_step(stepid));
        self.endpoint.get(&url, buildbot::decode_logs).await
    }

    pub async fn log(&self, log: &LogRef) -> Result<Log, ApiError> {
        let url = self.url(&paths::log(log));
        self.endpoint.get(&url, buildbot::decode_log).await
    }

    /// A window of log lines (`None`: the whole log, only for small logs).
    pub async fn contents(
        &self,
        log: &LogRef,
        window: Option<Window>,
    ) -> Result<LogChunk, ApiError> {
        let url = self.url(&paths::contents(log, window));
        self.endpoint.get(&url, buildbot::decode_logchunk).await
    }

    /// The window of `log` that `script/boot.js` asked for before the app started, if it did
    /// (`api/prefetch.rs`): asking for exactly that window takes its answer.
    pub fn early_window(&self, log: &LogRef) -> Option<Window> {
        let prefix = self.url(&format!("{}/contents?", paths::log(log)));
        paths::window_of(&super::prefetch::asked(&prefix)?)
    }

    /// Where the browser downloads (`inline = false`) or displays the raw log.
    pub fn raw_url(&self, log: &LogRef, inline: bool) -> String {
        self.url(&paths::raw(log, inline))
    }

    /// The websocket URL of this master.
    pub fn ws_url(&self) -> Option<String> {
        super::buildbot_ws::ws_url(self.base.trim_end_matches("api/v2/"))
    }

    /// Builders with their recent builds; per-builder requests run concurrently.
    pub async fn overview(&self, per_builder: u32) -> Result<Vec<BuilderSummary>, ApiError> {
        let builders = self.builders().await?;
        let refs: Vec<_> = builders
            .iter()
            .map(|b| BuilderRef::Id(b.builderid))
            .collect();
        let builds = join_all(
            refs.iter()
                .map(|r| self.recent_builds(Some(r), per_builder)),
        )
        .await;
        builders
            .into_iter()
            .zip(builds)
            .map(|(builder, builds)| {
                Ok(BuilderSummary {
                    builder,
                    builds: builds?,
                })
            })
            .collect()
    }

    /// A build's test result sets. A master that predates them (no such endpoint: 404) has
    /// none; any other failure is reported.
    pub async fn test_result_sets(&self, buildid: i64) -> Result<Vec<TestResultSet>, ApiError> {
        let url = self.url(&test_results::sets_of_build(buildid));
        match self.endpoint.get(&url, test_results::decode_sets).await {
            Err(e) if e.status == Some(404) => Ok(Vec::new()),
            other => other,
        }
    }

    /// One test result set by id.
    pub async fn test_result_set(&self, setid: i64) -> Result<TestResultSet, ApiError> {
        let url = self.url(&test_results::set_path(setid));
        self.endpoint.get(&url, test_results::decode_set).await
    }

    /// The duration trend of a builder: its last `n` builds, and the steps of the newest 30.
    pub async fn trend(&self, builder: &BuilderRef, n: u32) -> Result<TrendData, ApiError> {
        let builds = self.recent_builds(Some(builder), n).await?;
        let refs: Vec<BuildRef> = builds
            .iter()
            .take(TREND_STEP_BUILDS)
            .map(|b| BuildRef::Id(b.buildid))
            .collect();
        let steps = futures::stream::iter(refs.iter().map(|r| self.steps(r)))
            .buffered(4)
            .collect::<Vec<_>>()
            .await;
        Ok(TrendData {
            builds,
            steps: steps.into_iter().collect::<Result<_, _>>()?,
        })
    }

    /// A set with its step, the step's first log and the set's size (one result asked for,
    /// with the master's count).
    pub async fn test_set_header(&self, setid: i64) -> Result<TestSetHeader, ApiError> {
        let set = self.test_result_set(setid).await?;
        let build = BuildRef::Id(set.buildid);
        let (one, steps, logs) = futures::join!(
            self.test_results(&set, false, "", 0, 1),
            self.steps(&build),
            self.logs(set.stepid)
        );
        Ok(TestSetHeader {
            step: steps?.into_iter().find(|s| s.stepid == set.stepid),
            log_slug: logs?.into_iter().next().map(|l| l.slug),
            total: one?.total,
            set,
        })
    }

    /// A page of a set's results (see [`test_results::results_page`]).
    pub async fn test_results(
        &self,
        set: &TestResultSet,
        failures_only: bool,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<ResultPage, ApiError> {
        let url = self.url(&test_results::results_page(
            set,
            failures_only,
            name,
            offset,
            limit,
        ));
        self.endpoint.get(&url, test_results::decode_results).await
    }

    pub async fn build_detail(&self, buildid: i64) -> Result<BuildDetail, ApiError> {
        let id = BuildRef::Id(buildid);
        let (build, steps, tests) = futures::join!(
            self.build(&id),
            self.steps(&id),
            self.test_result_sets(buildid)
        );
        let (build, steps, tests) = (build?, steps?, tests?);
        let builder_ref = BuilderRef::Id(build.builderid);
        // The data API has no "all logs of a build" path: one request per step, at most
        // four at a time so a build with many steps is not a burst against the master.
        let logs = futures::stream::iter(steps.iter().map(|s| self.logs(s.stepid)))
            .buffered(4)
            .collect::<Vec<_>>();
        let (builder, logs) = futures::join!(self.builder(&builder_ref), logs);
        let mut all = Vec::new();
        for l in logs {
            all.extend(l?);
        }
        Ok(BuildDetail {
            builder: builder?,
            build,
            steps,
            logs: all,
            tests,
        })
    }

    /// A build, one of its steps (by number) and that step's logs.
    pub async fn step_logs(&self, buildid: i64, step_number: i64) -> Result<StepLogs, ApiError> {
        let detail = self.build_detail(buildid).await?;
        let step = match detail.steps.iter().find(|s| s.number == step_number) {
            Some(s) => s.clone(),
            // Not in the list: ask for it by its own path so a missing step is the master's
            // own 404 (and a step that appeared meanwhile is found).
            None => {
                self.step(&BuildRef::Id(buildid), &StepRef::Number(step_number))
                    .await?
            }
        };
        let mut logs: Vec<Log> = detail
            .logs
            .iter()
            .filter(|l| l.stepid == step.stepid)
            .cloned()
            .collect();
        if logs.is_empty() {
            logs = self.logs(step.stepid).await?;
        }
        Ok(StepLogs { detail, step, logs })
    }
}
