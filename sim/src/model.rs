//! Scenario jobs and builds. A build is only its job, number and start time;
//! everything a client sees (statuses, times, logs) is computed from the
//! clock, so any two requests at the same instant agree.

use crate::timefmt;

// ---------------------------------------------------------------------------
// CodeArts Build
// ---------------------------------------------------------------------------

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A git-commit-looking id (40 hex digits), stable for a seed.
pub fn hex40(seed: u64) -> String {
    let a = splitmix(seed);
    let b = splitmix(a);
    let c = splitmix(b);
    format!("{a:016x}{b:016x}{:08x}", c >> 32)
}

/// The CodeArts project (DevCloud project id) the scenario jobs belong to.
pub const CA_PROJECT_ID: &str = "c0ffee00c0ffee00c0ffee00c0ffee00";
pub const CA_PROJECT_NAME: &str = "sim-project";
pub const CA_DOMAIN_ID: &str = "5e1d0ma1n5e1d0ma1n5e1d0ma1n00001";
pub const CA_USER_ID: &str = "5e1u5e75e1u5e75e1u5e75e1u5e70001";
pub const CA_USER_NAME: &str = "sim-user";
pub const CA_REGION: &str = "cn-north-4";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaOutcome {
    Success,
    Failed,
    Aborted,
}

pub struct CaJob {
    /// 1-based, used to derive ids.
    pub idx: u32,
    pub id: &'static str,
    pub name: &'static str,
    pub outcome: CaOutcome,
    pub repo_name: &'static str,
    pub branch: &'static str,
}

pub const CA_JOBS: [CaJob; 3] = [
    CaJob {
        idx: 1,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f01",
        name: "sim-maven-success",
        outcome: CaOutcome::Success,
        repo_name: "maven-demo",
        branch: "master",
    },
    CaJob {
        idx: 2,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f02",
        name: "sim-maven-failure",
        outcome: CaOutcome::Failed,
        repo_name: "maven-demo",
        branch: "feature/flaky-test",
    },
    CaJob {
        idx: 3,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f03",
        name: "sim-maven-aborted",
        outcome: CaOutcome::Aborted,
        repo_name: "maven-demo",
        branch: "release/1.0",
    },
];

pub fn ca_job(id: &str) -> Option<usize> {
    CA_JOBS.iter().position(|j| j.id == id)
}

#[derive(Clone, Debug)]
pub struct CaBuild {
    /// Index into [`CA_JOBS`].
    pub job: usize,
    pub build_no: u64,
    /// When the build was triggered (epoch ms).
    pub t0: i64,
}

impl CaBuild {
    pub fn job(&self) -> &'static CaJob {
        &CA_JOBS[self.job.min(CA_JOBS.len() - 1)]
    }
    pub fn record_id(&self) -> String {
        format!(
            "5eed{:04x}-0000-4000-8000-{:012x}",
            self.job().idx,
            self.build_no & 0xffff_ffff_ffff
        )
    }
    pub fn stage_id(&self, stage: usize) -> String {
        format!(
            "57a9{:04x}-{:04x}-4000-8000-{:012x}",
            self.job().idx,
            self.build_no & 0xffff,
            stage
        )
    }
    pub fn step_id(&self, stage: usize, step: usize) -> String {
        format!(
            "57e9{:04x}-{:04x}-4{:03x}-8000-{:012x}",
            self.job().idx,
            self.build_no & 0xffff,
            stage & 0xfff,
            step
        )
    }
    pub fn execution_id(&self) -> String {
        format!("j_s{}b{:05}", self.job().idx, self.build_no % 100_000)
    }
    pub fn daily_build_number(&self) -> String {
        format!("{}.{}", timefmt::daily_date(self.t0), self.build_no)
    }
    pub fn commit(&self) -> String {
        hex40(u64::from(self.job().idx) << 32 | (self.build_no & 0xffff_ffff))
    }
}

/// The build project id that pairs with a job id (CodeArts has both).
pub fn ca_build_project_id(job: &CaJob) -> String {
    format!("b01d{:04x}-0000-4000-8000-000000000000", job.idx)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaStatus {
    Init,
    Pending,
    Running,
    Success,
    Failed,
    Aborted,
}

impl CaStatus {
    pub fn name(self) -> &'static str {
        match self {
            CaStatus::Init => "INIT",
            CaStatus::Pending => "PENDING",
            CaStatus::Running => "RUNNING",
            CaStatus::Success => "SUCCESS",
            CaStatus::Failed => "FAILED",
            CaStatus::Aborted => "ABORTED",
        }
    }
    /// Only SUCCESS=5 and ABORTED=8 are documented; the rest are invented.
    pub fn code(self) -> i64 {
        match self {
            CaStatus::Init => 0,
            CaStatus::Pending => 1,
            CaStatus::Running => 2,
            CaStatus::Success => 5,
            CaStatus::Failed => 6,
            CaStatus::Aborted => 8,
        }
    }
    pub fn finished(self) -> bool {
        matches!(
            self,
            CaStatus::Success | CaStatus::Failed | CaStatus::Aborted
        )
    }
}

/// (execution_stage_name, display_name, step names)
pub const CA_STAGES: [(&str, &str, &[&str]); 5] = [
    ("initial", "initial", &["Prepare environment"]),
    ("stage1", "Cache Check", &["Cache Check"]),
    ("stage2", "Code CheckOut", &["Code CheckOut"]),
    ("stage3", "Maven", &["mvn compile", "mvn test"]),
    ("final", "final", &["Upload logs"]),
];

#[derive(Clone, Debug)]
pub struct Span {
    pub queued_at: i64,
    pub start_at: i64,
    pub finish_at: i64,
    /// Where the span would have ended had nothing been cut short.
    pub nominal_finish: i64,
    pub end: CaStatus,
}

/// What a span looks like at one instant.
#[derive(Clone, Copy, Debug)]
pub struct SpanView {
    pub status: CaStatus,
    pub queued: Option<i64>,
    pub start: Option<i64>,
    pub finish: Option<i64>,
}

impl Span {
    pub fn at(&self, now: i64) -> SpanView {
        if now >= self.finish_at {
            SpanView {
                status: self.end,
                queued: Some(self.queued_at),
                start: Some(self.start_at),
                finish: Some(self.finish_at),
            }
        } else if now >= self.start_at {
            SpanView {
                status: CaStatus::Running,
                queued: Some(self.queued_at),
                start: Some(self.start_at),
                finish: None,
            }
        } else if now >= self.queued_at {
            SpanView {
                status: CaStatus::Pending,
                queued: Some(self.queued_at),
                start: None,
                finish: None,
            }
        } else {
            SpanView {
                status: CaStatus::Init,
                queued: None,
                start: None,
                finish: None,
            }
        }
    }

    /// Did this span ever run (as opposed to being aborted before it began)?
    pub fn ran(&self) -> bool {
        self.finish_at > self.start_at || self.end != CaStatus::Aborted
    }

    /// The steps inside a stage, splitting its nominal run time evenly.
    pub fn steps(&self, n: usize) -> Vec<Span> {
        let n = n.max(1);
        let d = (self.nominal_finish - self.start_at).max(0) / n as i64;
        let cut = self.finish_at;
        (0..n)
            .map(|j| {
                let start = self.start_at + d * j as i64;
                let finish = if j + 1 == n {
                    self.nominal_finish
                } else {
                    start + d
                };
                let mut step = Span {
                    queued_at: start,
                    start_at: start,
                    finish_at: finish,
                    nominal_finish: finish,
                    end: CaStatus::Success,
                };
                if self.end == CaStatus::Failed && j + 1 == n {
                    step.end = CaStatus::Failed;
                }
                if self.end == CaStatus::Aborted {
                    if start >= cut {
                        step.queued_at = cut;
                        step.start_at = cut;
                        step.finish_at = cut;
                        step.end = CaStatus::Aborted;
                    } else if finish > cut {
                        step.finish_at = cut;
                        step.end = CaStatus::Aborted;
                    }
                }
                step
            })
            .collect()
    }
}

pub struct CaPlan {
    pub record: Span,
    pub stages: Vec<Span>,
}

/// The timeline of one build, with `s` = milliseconds per stage:
/// queued for `s`, then one stage per `s` (each pending for `s/5`, then running).
pub fn ca_plan(b: &CaBuild, s: i64) -> CaPlan {
    let t0 = b.t0;
    let outcome = b.job().outcome;
    let abort_at = t0 + 3 * s + s / 2; // halfway through "Code CheckOut"
    let mut stages = Vec::with_capacity(CA_STAGES.len());
    for i in 0..CA_STAGES.len() {
        let slot = t0 + s * (i as i64 + 1);
        let mut span = Span {
            queued_at: slot,
            start_at: slot + s / 5,
            finish_at: slot + s,
            nominal_finish: slot + s,
            end: CaStatus::Success,
        };
        match outcome {
            CaOutcome::Aborted if i == 2 => {
                span.finish_at = abort_at;
                span.end = CaStatus::Aborted;
            }
            CaOutcome::Aborted if i > 2 => {
                span.queued_at = abort_at;
                span.start_at = abort_at;
                span.finish_at = abort_at;
                span.nominal_finish = abort_at;
                span.end = CaStatus::Aborted;
            }
            CaOutcome::Failed if i == 3 => span.end = CaStatus::Failed,
            _ => {}
        }
        stages.push(span);
    }
    let (finish, end) = match outcome {
        CaOutcome::Success => (t0 + 6 * s, CaStatus::Success),
        CaOutcome::Failed => (t0 + 6 * s, CaStatus::Failed),
        CaOutcome::Aborted => (abort_at, CaStatus::Aborted),
    };
    CaPlan {
        record: Span {
            queued_at: t0,
            start_at: t0 + s,
            finish_at: finish,
            nominal_finish: t0 + 6 * s,
            end,
        },
        stages,
    }
}

/// Every log line of a build with the instant it appears.
pub fn ca_log_lines(b: &CaBuild, plan: &CaPlan) -> Vec<(i64, String)> {
    let job = b.job();
    let mut out: Vec<(i64, String)> = Vec::new();
    let mut push = |at: i64, level: &str, tag: &str, msg: &str| {
        out.push((
            at,
            format!("{} [{level}] [{tag}] : {msg}", timefmt::codearts_log(at)),
        ));
    };
    push(
        b.t0,
        "INFO",
        "排队:queue",
        &format!(
            "Build #{} of {} queued, waiting for an idle executor",
            b.build_no, job.name
        ),
    );
    push(
        plan.record.start_at,
        "INFO",
        "调度:schedule",
        "Executor assigned: default-x86-2u8g",
    );
    for (i, span) in plan.stages.iter().enumerate() {
        let (key, display, _) = CA_STAGES[i];
        let tag = match key {
            "stage3" => "Maven构建:external_post_maven".to_string(),
            _ => format!("{display}:{key}"),
        };
        if !span.ran() {
            push(
                span.finish_at,
                "WARN",
                &tag,
                &format!("{display} skipped: build aborted"),
            );
            continue;
        }
        push(span.start_at, "INFO", &tag, &format!("Start {display}"));
        let body = stage_body(key, job.outcome, b);
        let n = body.len() as i64;
        let run = (span.nominal_finish - span.start_at).max(0);
        for (j, line) in body.iter().enumerate() {
            let at = span.start_at + run * (j as i64 + 1) / (n + 1);
            if at >= span.finish_at && span.end == CaStatus::Aborted {
                break;
            }
            let level = if line.starts_with("[ERROR]") {
                "ERROR"
            } else {
                "INFO"
            };
            push(at, level, &tag, line);
        }
        match span.end {
            CaStatus::Aborted => push(
                span.finish_at,
                "WARN",
                &tag,
                &format!("Build aborted by {CA_USER_NAME}"),
            ),
            end => push(
                span.finish_at,
                if end == CaStatus::Failed {
                    "ERROR"
                } else {
                    "INFO"
                },
                &tag,
                &format!("{display} finished, status: {}", end.name()),
            ),
        }
    }
    push(
        plan.record.finish_at,
        "INFO",
        "结束:finish",
        &format!("Finished: {}", plan.record.end.name()),
    );
    out.sort_by_key(|(at, _)| *at);
    out
}

fn stage_body(key: &str, outcome: CaOutcome, b: &CaBuild) -> Vec<String> {
    let job = b.job();
    let mut v: Vec<String> = Vec::new();
    match key {
        "initial" => {
            v.push("Preparing workspace /devcloud/ws/sim".into());
            v.push("Loading build parameters: codeBranch, isRelease".into());
            v.push("Environment ready (JDK 17, Maven 3.9.6)".into());
        }
        "stage1" => {
            v.push("Checking dependency cache maven-repo".into());
            v.push("Cache hit: 1,204 files (87.4 MB)".into());
        }
        "stage2" => {
            v.push(format!(
                "git clone --depth=1 -b {} https://codehub.example.com/sim/{}.git",
                job.branch, job.repo_name
            ));
            v.push("Receiving objects: 100% (312/312), 1.20 MiB | 9.80 MiB/s, done.".into());
            v.push(format!("HEAD is now at {}", &b.commit()[..7]));
        }
        "stage3" => {
            v.push("[INFO] Scanning for projects...".into());
            v.push("[INFO] ------------------< com.example:maven-demo >------------------".into());
            v.push("[INFO] Building maven-demo 1.0.0".into());
            for dep in [
                "org/springframework/spring-core/6.1.4/spring-core-6.1.4.jar",
                "org/slf4j/slf4j-api/2.0.12/slf4j-api-2.0.12.jar",
                "com/fasterxml/jackson/core/jackson-databind/2.16.1/jackson-databind-2.16.1.jar",
                "org/junit/jupiter/junit-jupiter-api/5.10.2/junit-jupiter-api-5.10.2.jar",
            ] {
                v.push(format!(
                    "Downloaded from central: https://repo.example.com/maven2/{dep}"
                ));
            }
            v.push("[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) ---".into());
            v.push("[INFO] Compiling 48 source files to /devcloud/ws/sim/target/classes".into());
            v.push("[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) ---".into());
            for t in [
                "OrderServiceTest",
                "PaymentClientTest",
                "InventoryRepositoryTest",
                "PricingRulesTest",
                "CheckoutControllerTest",
            ] {
                v.push(format!("[INFO] Running com.example.demo.{t}"));
                v.push("[INFO] Tests run: 8, Failures: 0, Errors: 0, Skipped: 0".into());
            }
            if outcome == CaOutcome::Failed {
                v.push("[ERROR] Tests run: 9, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE! - in com.example.demo.ShippingQuoteTest".into());
                v.push("[ERROR] ShippingQuoteTest.quoteForRemoteRegion:57 expected: <12.5> but was: <0.0>".into());
                v.push("[ERROR] BUILD FAILURE".into());
            } else {
                v.push("[INFO] Tests run: 49, Failures: 0, Errors: 0, Skipped: 1".into());
                v.push("[INFO] --- maven-jar-plugin:3.3.0:jar (default-jar) ---".into());
                v.push("[INFO] BUILD SUCCESS".into());
            }
        }
        _ => {
            v.push("Collecting build results".into());
            v.push("Uploading logs to the archive".into());
        }
    }
    v
}

/// The log text visible at `now`.
pub fn visible_log(lines: &[(i64, String)], now: i64) -> String {
    let mut s = String::new();
    for (at, line) in lines {
        if *at <= now {
            s.push_str(line);
            s.push('\n');
        }
    }
    s
}

// ---------------------------------------------------------------------------
// ServiceStage
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsOutcome {
    Successful,
    Failed,
    Timeout,
    Cancel,
}

pub struct SsJob {
    pub idx: u32,
    pub id: &'static str,
    pub name: &'static str,
    pub outcome: SsOutcome,
}

pub const SS_JOBS: [SsJob; 4] = [
    SsJob {
        idx: 1,
        id: "ss0job0000000000000000000000000000000001",
        name: "sim-ss-success",
        outcome: SsOutcome::Successful,
    },
    SsJob {
        idx: 2,
        id: "ss0job0000000000000000000000000000000002",
        name: "sim-ss-failed",
        outcome: SsOutcome::Failed,
    },
    SsJob {
        idx: 3,
        id: "ss0job0000000000000000000000000000000003",
        name: "sim-ss-timeout",
        outcome: SsOutcome::Timeout,
    },
    SsJob {
        idx: 4,
        id: "ss0job0000000000000000000000000000000004",
        name: "sim-ss-cancel",
        outcome: SsOutcome::Cancel,
    },
];

pub fn ss_job(id: &str) -> Option<usize> {
    SS_JOBS.iter().position(|j| j.id == id)
}

pub const SS_PHASES: [&str; 6] = [
    "Init",
    "Download",
    "PreProcess",
    "Build",
    "Artifact",
    "PostProcess",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsState {
    NotStarted,
    Queuing,
    Building,
    Pushing,
    Successful,
    Failed,
    Timeout,
    Cancel,
}

impl SsState {
    pub fn name(self) -> &'static str {
        match self {
            SsState::NotStarted => "NotStarted",
            SsState::Queuing => "Queuing",
            SsState::Building => "Building",
            SsState::Pushing => "Pushing",
            SsState::Successful => "Successful",
            SsState::Failed => "Failed",
            SsState::Timeout => "Timeout",
            SsState::Cancel => "Cancel",
        }
    }
    pub fn finished(self) -> bool {
        matches!(
            self,
            SsState::Successful | SsState::Failed | SsState::Timeout | SsState::Cancel
        )
    }
}

#[derive(Clone, Debug)]
pub struct SsBuild {
    pub job: usize,
    pub index: u64,
    pub t0: i64,
}

impl SsBuild {
    pub fn job(&self) -> &'static SsJob {
        &SS_JOBS[self.job.min(SS_JOBS.len() - 1)]
    }
    pub fn build_id(&self) -> String {
        format!(
            "ss0bld{:017}{:017}",
            self.job().idx,
            self.index % 100_000_000_000_000_000
        )
    }
    pub fn phase_id(&self, k: usize) -> u64 {
        1_000_000 + u64::from(self.job().idx) * 100_000 + (self.index % 10_000) * 10 + k as u64
    }
    pub fn commit(&self) -> String {
        hex40(0x5500_0000_0000_0000 | u64::from(self.job().idx) << 32 | (self.index & 0xffff_ffff))
    }
}

#[derive(Clone, Debug)]
pub struct PhaseSpan {
    /// `None` = never runs (an earlier phase ended the build).
    pub run: Option<(i64, i64)>,
    pub end: SsState,
}

pub struct SsPlan {
    pub t0: i64,
    pub building_at: i64,
    pub ended_at: i64,
    pub end: SsState,
    pub phases: Vec<PhaseSpan>,
}

/// Queued for `s`, then one phase per `s`. Failed: Build fails at its end.
/// Timeout: Build runs for `2s`, then times out. Cancel: cancelled halfway
/// through Download. Phases after the one that ended the build never start.
pub fn ss_plan(b: &SsBuild, s: i64) -> SsPlan {
    let t0 = b.t0;
    let outcome = b.job().outcome;
    let (stop_phase, stop_state) = match outcome {
        SsOutcome::Successful => (usize::MAX, SsState::Successful),
        SsOutcome::Failed => (3, SsState::Failed),
        SsOutcome::Timeout => (3, SsState::Timeout),
        SsOutcome::Cancel => (1, SsState::Cancel),
    };
    let mut phases = Vec::with_capacity(SS_PHASES.len());
    let mut ended_at = t0 + 7 * s;
    for k in 0..SS_PHASES.len() {
        let start = t0 + s * (k as i64 + 1);
        if k > stop_phase {
            phases.push(PhaseSpan {
                run: None,
                end: SsState::NotStarted,
            });
            continue;
        }
        let (end_at, end) = if k == stop_phase {
            let end_at = match outcome {
                SsOutcome::Timeout => start + 2 * s,
                SsOutcome::Cancel => start + s / 2,
                _ => start + s,
            };
            ended_at = end_at;
            (end_at, stop_state)
        } else {
            (start + s, SsState::Successful)
        };
        phases.push(PhaseSpan {
            run: Some((start, end_at)),
            end,
        });
    }
    SsPlan {
        t0,
        building_at: t0 + s,
        ended_at,
        end: stop_state,
        phases,
    }
}

impl SsPlan {
    pub fn state(&self, now: i64) -> SsState {
        if now >= self.ended_at {
            self.end
        } else if now >= self.building_at {
            SsState::Building
        } else {
            SsState::Queuing
        }
    }
    pub fn phase_state(&self, k: usize, now: i64) -> SsState {
        let Some(p) = self.phases.get(k) else {
            return SsState::NotStarted;
        };
        match p.run {
            None => SsState::NotStarted,
            Some((start, end)) => {
                if now >= end {
                    p.end
                } else if now >= start {
                    if SS_PHASES[k] == "Artifact" {
                        SsState::Pushing
                    } else {
                        SsState::Building
                    }
                } else if k == 0 {
                    SsState::Queuing
                } else {
                    SsState::NotStarted
                }
            }
        }
    }
    /// Percentage of phases finished successfully.
    pub fn progress(&self, now: i64) -> u64 {
        let done = (0..SS_PHASES.len())
            .filter(|&k| self.phase_state(k, now) == SsState::Successful)
            .count() as u64;
        done * 100 / SS_PHASES.len() as u64
    }
}

pub fn ss_log_lines(b: &SsBuild, plan: &SsPlan) -> Vec<(i64, String)> {
    let job = b.job();
    let mut out: Vec<(i64, String)> = Vec::new();
    let mut push = |at: i64, msg: String| {
        out.push((at, format!("{} {msg}", timefmt::servicestage_log(at))));
    };
    push(
        plan.t0,
        format!(
            "[INFO] build job {} #{} is queuing, waiting for a build node",
            job.name, b.index
        ),
    );
    for (k, p) in plan.phases.iter().enumerate() {
        let Some((start, end)) = p.run else { continue };
        let name = SS_PHASES[k];
        push(start, format!("[INFO] ===== phase {name} started ====="));
        let body = ss_phase_body(name, job.outcome, b);
        let n = body.len() as i64;
        // The nominal length of a phase is one slot; a timed-out phase keeps
        // printing "still building" until its end.
        let nominal = match p.end {
            SsState::Cancel => (end - start) * 2,
            _ => end - start,
        };
        for (j, line) in body.iter().enumerate() {
            let at = start + nominal * (j as i64 + 1) / (n + 1);
            if at >= end && p.end == SsState::Cancel {
                break;
            }
            push(at, line.clone());
        }
        let level = match p.end {
            SsState::Successful => "INFO",
            SsState::Cancel => "WARN",
            _ => "ERROR",
        };
        push(
            end,
            format!("[{level}] ===== phase {name} {} =====", p.end.name()),
        );
    }
    push(
        plan.ended_at,
        format!("[INFO] build finished: {}", plan.end.name()),
    );
    out.sort_by_key(|(at, _)| *at);
    out
}

fn ss_phase_body(name: &str, outcome: SsOutcome, b: &SsBuild) -> Vec<String> {
    let job = b.job();
    let mut v: Vec<String> = Vec::new();
    match name {
        "Init" => {
            v.push("[INFO] allocating build node".into());
            v.push("[INFO] build node ss-build-node-01 (x86_64, 4U8G) ready".into());
        }
        "Download" => {
            v.push(format!(
                "[INFO] cloning https://codehub.example.com/sim/{}.git",
                job.name
            ));
            v.push(format!("[INFO] checked out master at {}", &b.commit()[..7]));
            v.push("[INFO] downloaded 212 files (3.4 MB)".into());
        }
        "PreProcess" => {
            v.push("[INFO] detected language: Java (Maven)".into());
            v.push("[INFO] generating Dockerfile from template java-8-jre".into());
        }
        "Build" => {
            v.push("[INFO] mvn -B clean package -DskipTests=false".into());
            v.push("[INFO] Compiling 31 source files to /workspace/target/classes".into());
            match outcome {
                SsOutcome::Failed => {
                    v.push("[ERROR] COMPILATION ERROR :".into());
                    v.push("[ERROR] /workspace/src/main/java/com/example/App.java:[27,17] cannot find symbol".into());
                    v.push("[ERROR] BUILD FAILURE".into());
                }
                SsOutcome::Timeout => {
                    v.push("[INFO] Running com.example.IntegrationTest".into());
                    v.push("[WARN] still building after 10 minutes".into());
                    v.push("[WARN] still building after 20 minutes".into());
                    v.push("[ERROR] build exceeded the 30 minute time limit, stopping".into());
                }
                _ => {
                    v.push("[INFO] Tests run: 17, Failures: 0, Errors: 0, Skipped: 0".into());
                    v.push("[INFO] BUILD SUCCESS".into());
                }
            }
        }
        "Artifact" => {
            v.push(format!(
                "[INFO] pushing image swr.example.com/sim/{}:1.0.{}",
                job.name, b.index
            ));
            v.push("[INFO] pushed 6 layers, digest sha256:4f1c0e7d9a".into());
        }
        _ => {
            v.push("[INFO] cleaning workspace".into());
            v.push("[INFO] archived build report".into());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    fn ca(job: usize) -> CaBuild {
        CaBuild {
            job,
            build_no: 4,
            t0: 1_000_000,
        }
    }

    #[test]
    fn ids_have_documented_shapes() {
        let b = ca(0);
        assert_eq!(b.record_id(), "5eed0001-0000-4000-8000-000000000004");
        assert_eq!(b.record_id().len(), 36);
        assert_eq!(b.stage_id(3).len(), 36);
        assert_eq!(b.step_id(3, 1).len(), 36);
        assert_eq!(b.commit().len(), 40);
        for j in CA_JOBS.iter() {
            assert_eq!(j.id.len(), 32);
            assert!(j
                .id
                .bytes()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
        }
        let s = SsBuild {
            job: 0,
            index: 4,
            t0: 0,
        };
        assert_eq!(s.build_id(), "ss0bld0000000000000000100000000000000004");
        assert_eq!(s.build_id().len(), 40);
        for j in SS_JOBS.iter() {
            assert_eq!(j.id.len(), 40);
        }
    }

    #[test]
    fn success_timeline() {
        let b = ca(0);
        let p = ca_plan(&b, S);
        let t0 = b.t0;
        assert_eq!(p.record.at(t0).status, CaStatus::Pending);
        assert_eq!(p.record.at(t0 + S).status, CaStatus::Running);
        assert_eq!(p.record.at(t0 + 6 * S).status, CaStatus::Success);
        // stage i: pending at slot start, running after s/5, done at slot end
        for i in 0..5 {
            let slot = t0 + S * (i as i64 + 1);
            assert_eq!(p.stages[i].at(slot - 1).status, CaStatus::Init);
            assert_eq!(p.stages[i].at(slot).status, CaStatus::Pending);
            assert_eq!(p.stages[i].at(slot + S / 2).status, CaStatus::Running);
            assert_eq!(p.stages[i].at(slot + S).status, CaStatus::Success);
        }
    }

    #[test]
    fn failed_and_aborted_timelines() {
        let f = ca(1);
        let p = ca_plan(&f, S);
        let end = f.t0 + 6 * S;
        assert_eq!(p.record.at(end).status, CaStatus::Failed);
        assert_eq!(p.stages[3].at(end).status, CaStatus::Failed);
        assert_eq!(p.stages[4].at(end).status, CaStatus::Success);
        let steps = p.stages[3].steps(2);
        assert_eq!(steps[0].at(end).status, CaStatus::Success);
        assert_eq!(steps[1].at(end).status, CaStatus::Failed);

        let a = ca(2);
        let p = ca_plan(&a, S);
        let abort = a.t0 + 3 * S + S / 2;
        assert_eq!(p.record.at(abort - 1).status, CaStatus::Running);
        assert_eq!(p.record.at(abort).status, CaStatus::Aborted);
        assert_eq!(p.stages[1].at(abort).status, CaStatus::Success);
        assert_eq!(p.stages[2].at(abort - 1).status, CaStatus::Running);
        for i in 2..5 {
            let v = p.stages[i].at(abort);
            assert_eq!(v.status, CaStatus::Aborted);
            assert_eq!(v.finish, Some(abort));
        }
        assert_eq!(p.stages[4].at(abort - 1).status, CaStatus::Init);
        let log = visible_log(&ca_log_lines(&a, &p), i64::MAX);
        assert!(log.contains("Build aborted by sim-user"));
        assert!(!log.contains("BUILD SUCCESS"));
        assert!(log.ends_with("Finished: ABORTED\n"));
    }

    #[test]
    fn log_grows_monotonically() {
        for job in 0..3 {
            let b = ca(job);
            let p = ca_plan(&b, S);
            let lines = ca_log_lines(&b, &p);
            let mut prev = String::new();
            for t in (b.t0 - 1..b.t0 + 7 * S).step_by(50) {
                let cur = visible_log(&lines, t);
                assert!(cur.starts_with(&prev), "log only grows");
                prev = cur;
            }
            assert!(prev.contains("Maven构建"));
        }
    }

    #[test]
    fn servicestage_timelines() {
        let t0 = 0;
        let mk = |job| SsBuild { job, index: 1, t0 };
        let p = ss_plan(&mk(0), S);
        assert_eq!(p.state(t0), SsState::Queuing);
        assert_eq!(p.phase_state(0, t0), SsState::Queuing);
        assert_eq!(p.phase_state(1, t0), SsState::NotStarted);
        assert_eq!(p.state(t0 + S), SsState::Building);
        assert_eq!(p.phase_state(4, t0 + 5 * S), SsState::Pushing);
        assert_eq!(p.state(t0 + 7 * S), SsState::Successful);
        assert_eq!(p.progress(t0 + 7 * S), 100);

        let p = ss_plan(&mk(1), S);
        assert_eq!(p.state(t0 + 5 * S), SsState::Failed);
        assert_eq!(p.phase_state(3, t0 + 5 * S), SsState::Failed);
        assert_eq!(p.phase_state(4, t0 + 99 * S), SsState::NotStarted);

        let p = ss_plan(&mk(2), S);
        assert_eq!(p.state(t0 + 5 * S), SsState::Building);
        assert_eq!(p.state(t0 + 6 * S), SsState::Timeout);

        let p = ss_plan(&mk(3), S);
        assert_eq!(p.state(t0 + 2 * S + S / 2), SsState::Cancel);
        assert_eq!(p.phase_state(1, t0 + 3 * S), SsState::Cancel);
        assert_eq!(p.phase_state(2, t0 + 3 * S), SsState::NotStarted);

        for job in 0..4 {
            let b = mk(job);
            let p = ss_plan(&b, S);
            let lines = ss_log_lines(&b, &p);
            let full = visible_log(&lines, i64::MAX);
            assert!(full.ends_with(&format!("build finished: {}\n", p.end.name())));
        }
    }
}
