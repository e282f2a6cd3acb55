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

/// The synthetic jobs' own project, so the scenario project keeps its three jobs.
pub const CA_SYNTHETIC_PROJECT_ID: &str = "5717e71c5717e71c5717e71c5717e71c";

/// Lines of the big synthetic log.
pub const SYNTHETIC_LOG_LINES: u64 = 1_000_000;

/// What a job's log is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaLogKind {
    /// The scenario's few dozen lines.
    Scenario,
    /// Exactly `lines` lines, most of them generated in the Maven stage.
    Synthetic { lines: u64 },
    /// A Maven stage that never ends, one generated line every `ms_per_line`.
    Growing { ms_per_line: i64 },
}

pub struct CaJob {
    /// 1-based, used to derive ids.
    pub idx: u32,
    pub id: &'static str,
    pub name: &'static str,
    pub outcome: CaOutcome,
    pub repo_name: &'static str,
    pub branch: &'static str,
    /// The DevCloud project whose job list shows it.
    pub project: &'static str,
    pub log: CaLogKind,
    /// Milliseconds per stage slot; `None` = `--stage-seconds`.
    pub slot_ms: Option<i64>,
}

pub const CA_JOBS: [CaJob; 6] = [
    CaJob {
        idx: 1,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f01",
        name: "sim-maven-success",
        outcome: CaOutcome::Success,
        repo_name: "maven-demo",
        branch: "master",
        project: CA_PROJECT_ID,
        log: CaLogKind::Scenario,
        slot_ms: None,
    },
    CaJob {
        idx: 2,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f02",
        name: "sim-maven-failure",
        outcome: CaOutcome::Failed,
        repo_name: "maven-demo",
        branch: "feature/flaky-test",
        project: CA_PROJECT_ID,
        log: CaLogKind::Scenario,
        slot_ms: None,
    },
    CaJob {
        idx: 3,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f03",
        name: "sim-maven-aborted",
        outcome: CaOutcome::Aborted,
        repo_name: "maven-demo",
        branch: "release/1.0",
        project: CA_PROJECT_ID,
        log: CaLogKind::Scenario,
        slot_ms: None,
    },
    // 25-minute stages: the Maven stage's 1M lines are ~1.2 ms apart, so times increase.
    CaJob {
        idx: 4,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f04",
        name: "sim-synthetic-1m-lines",
        outcome: CaOutcome::Failed,
        repo_name: "synthetic-log",
        branch: "master",
        project: CA_SYNTHETIC_PROJECT_ID,
        log: CaLogKind::Synthetic {
            lines: SYNTHETIC_LOG_LINES,
        },
        slot_ms: Some(1_500_000),
    },
    CaJob {
        idx: 5,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f05",
        name: "sim-synthetic-growing",
        outcome: CaOutcome::Success,
        repo_name: "synthetic-log",
        branch: "master",
        project: CA_SYNTHETIC_PROJECT_ID,
        log: CaLogKind::Growing { ms_per_line: 1 },
        slot_ms: Some(1000),
    },
    // The same synthetic log at ten times the length, finished: `make bench` compares the
    // viewer's memory at 1M and 10M lines of a log read by offset.
    CaJob {
        idx: 6,
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f06",
        name: "sim-synthetic-10m-lines",
        outcome: CaOutcome::Failed,
        repo_name: "synthetic-log",
        branch: "master",
        project: CA_SYNTHETIC_PROJECT_ID,
        log: CaLogKind::Synthetic {
            lines: 10 * SYNTHETIC_LOG_LINES,
        },
        slot_ms: Some(1_500_000),
    },
];

pub fn ca_job(id: &str) -> Option<usize> {
    CA_JOBS.iter().position(|j| j.id == id)
}

#[derive(Clone, Debug, Default)]
pub struct CaBuild {
    /// Index into [`CA_JOBS`].
    pub job: usize,
    pub build_no: u64,
    /// When the build was triggered (epoch ms).
    pub t0: i64,
    /// When StopBuildJob stopped it (epoch ms), if it did.
    pub stopped_at: Option<i64>,
    /// The custom parameters RunJob was given (`name`, `value`), over the job's defaults.
    pub params: Vec<(String, String)>,
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
    /// The value of custom parameter `name` this build ran with, if RunJob gave one.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    /// The branch built: the `codeBranch` parameter (CodeArts' own name for it) when the
    /// run was given one, else the job's.
    pub fn branch(&self) -> &str {
        self.param("codeBranch").unwrap_or(self.job().branch)
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

/// The timeline of one build, with `s` = milliseconds per stage (unless the job has its own):
/// queued for `s`, then one stage per `s` (each pending for `s/5`, then running).
pub fn ca_plan(b: &CaBuild, s: i64) -> CaPlan {
    let s = b.job().slot_ms.unwrap_or(s);
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
    let (mut finish, end) = match outcome {
        CaOutcome::Success => (t0 + 6 * s, CaStatus::Success),
        CaOutcome::Failed => (t0 + 6 * s, CaStatus::Failed),
        CaOutcome::Aborted => (abort_at, CaStatus::Aborted),
    };
    if let CaLogKind::Growing { .. } = b.job().log {
        // The Maven stage runs for ever; what follows it never comes.
        stages[3].finish_at = FOREVER;
        stages[3].nominal_finish = FOREVER;
        stages[4] = Span {
            queued_at: FOREVER,
            start_at: FOREVER + 1,
            finish_at: FOREVER + 2,
            nominal_finish: FOREVER + 2,
            end: CaStatus::Success,
        };
        finish = FOREVER + 3;
    }
    let mut plan = CaPlan {
        record: Span {
            queued_at: t0,
            start_at: t0 + s,
            finish_at: finish,
            nominal_finish: finish.max(t0 + 6 * s),
            end,
        },
        stages,
    };
    if let Some(cut) = b.stopped_at.filter(|&cut| cut < plan.record.finish_at) {
        plan.stop_at(cut);
    }
    plan
}

impl CaPlan {
    /// Stopped by the user at `cut`: what had ended keeps its end, what ran is cut short,
    /// what had not begun never runs; all of it aborted, like the aborted job's build.
    fn stop_at(&mut self, cut: i64) {
        for span in std::iter::once(&mut self.record).chain(self.stages.iter_mut()) {
            if span.finish_at <= cut {
                continue;
            }
            if span.queued_at >= cut {
                span.queued_at = cut;
                span.start_at = cut;
                span.nominal_finish = cut;
            }
            span.start_at = span.start_at.min(cut);
            span.finish_at = cut;
            span.end = CaStatus::Aborted;
        }
    }
}

/// An instant no build reaches (the growing log's end), far from overflowing.
pub const FOREVER: i64 = i64::MAX / 4;

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

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    fn ca(job: usize) -> CaBuild {
        CaBuild {
            job,
            build_no: 4,
            t0: 1_000_000,
            ..CaBuild::default()
        }
    }

    #[test]
    fn a_stop_cuts_the_running_stage_and_cancels_the_rest() {
        let mut b = ca(0);
        let cut = b.t0 + 2 * S + S / 2; // running "Cache Check"
        b.stopped_at = Some(cut);
        let p = ca_plan(&b, S);
        assert_eq!(p.record.at(cut - 1).status, CaStatus::Running);
        assert_eq!(p.record.at(cut).status, CaStatus::Aborted);
        assert_eq!(p.stages[0].at(cut).status, CaStatus::Success);
        assert_eq!(p.stages[1].at(cut).status, CaStatus::Aborted);
        assert!(p.stages[1].ran());
        for later in &p.stages[2..] {
            assert_eq!(later.at(cut).status, CaStatus::Aborted);
            assert!(!later.ran(), "a stage after the stop never runs");
        }
        // A stop after the end changes nothing.
        let mut done = ca(0);
        done.stopped_at = Some(done.t0 + 100 * S);
        assert_eq!(
            ca_plan(&done, S).record.at(done.t0 + 100 * S).status,
            CaStatus::Success
        );
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
        let log = crate::log::content::codearts(&a, &p).whole().text(i64::MAX);
        assert!(log.contains("Build aborted by sim-user"));
        assert!(!log.contains("BUILD SUCCESS"));
        assert!(log.ends_with("Finished: ABORTED\n"));
    }

    #[test]
    fn log_grows_monotonically() {
        for job in 0..3 {
            let b = ca(job);
            let p = ca_plan(&b, S);
            let log = crate::log::content::codearts(&b, &p);
            let mut prev = String::new();
            for t in (b.t0 - 1..b.t0 + 7 * S).step_by(50) {
                let cur = log.whole().text(t);
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
            let full = crate::log::content::servicestage(&b, &p)
                .whole()
                .text(i64::MAX);
            assert!(full.ends_with(&format!("build finished: {}\n", p.end.name())));
        }
    }
}
