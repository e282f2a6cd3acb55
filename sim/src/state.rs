//! Shared server state: the builds that exist and the active faults.

use crate::faults::Fault;
use crate::model::{CaBuild, CaLogKind, SsBuild, CA_JOBS, SS_JOBS};
use crate::xss::Corpus;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

#[derive(Clone, Debug)]
pub struct Config {
    /// Milliseconds per stage / phase.
    pub stage_ms: i64,
    pub token: Option<String>,
    pub cors: bool,
    /// The XSS corpus's extra resources (`--xss-vectors`).
    pub xss: Option<Arc<Corpus>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            stage_ms: 3000,
            token: None,
            cors: false,
            xss: None,
        }
    }
}

/// Finished builds each job already has at start-up.
pub const HISTORIC_BUILDS: u64 = 3;

pub struct State {
    pub ca: Vec<CaBuild>,
    pub ss: Vec<SsBuild>,
    pub faults: Vec<Fault>,
    pub next_fault_id: u64,
}

impl State {
    /// Every scenario job gets [`HISTORIC_BUILDS`] builds that finished in the last
    /// few hours, plus one more that is triggered right now. The synthetic 1M-line job has
    /// one build that finished before now, the growing one a build that starts now.
    pub fn seeded(now: i64) -> State {
        let hour = 3_600_000;
        let mut ca = Vec::new();
        for (job, j) in CA_JOBS.iter().enumerate() {
            match j.log {
                // Finished long enough ago that its 2.5 hours are over.
                CaLogKind::Synthetic { .. } => {
                    ca.push(CaBuild {
                        job,
                        build_no: 1,
                        t0: now - 3 * hour,
                        ..CaBuild::default()
                    });
                    continue;
                }
                CaLogKind::Growing { .. } => {
                    ca.push(CaBuild {
                        job,
                        build_no: 1,
                        t0: now,
                        ..CaBuild::default()
                    });
                    continue;
                }
                CaLogKind::Scenario => {}
            }
            for n in 1..=HISTORIC_BUILDS {
                let t0 = now - (HISTORIC_BUILDS + 1 - n) as i64 * hour - job as i64 * 60_000;
                ca.push(CaBuild {
                    job,
                    build_no: n,
                    t0,
                    ..CaBuild::default()
                });
            }
            ca.push(CaBuild {
                job,
                build_no: HISTORIC_BUILDS + 1,
                t0: now,
                ..CaBuild::default()
            });
        }
        let mut ss = Vec::new();
        for job in 0..SS_JOBS.len() {
            for n in 1..=HISTORIC_BUILDS {
                let t0 = now - (HISTORIC_BUILDS + 1 - n) as i64 * hour - job as i64 * 90_000;
                ss.push(SsBuild { job, index: n, t0 });
            }
            ss.push(SsBuild {
                job,
                index: HISTORIC_BUILDS + 1,
                t0: now,
            });
        }
        State {
            ca,
            ss,
            faults: Vec::new(),
            next_fault_id: 1,
        }
    }

    pub fn ca_builds_of(&self, job: usize) -> Vec<CaBuild> {
        self.ca.iter().filter(|b| b.job == job).cloned().collect()
    }

    pub fn ss_builds_of(&self, job: usize) -> Vec<SsBuild> {
        self.ss.iter().filter(|b| b.job == job).cloned().collect()
    }

    /// Trigger a new CodeArts build of `job` now.
    pub fn start_ca(&mut self, job: usize, now: i64, params: Vec<(String, String)>) -> CaBuild {
        let n = self
            .ca
            .iter()
            .filter(|b| b.job == job)
            .map(|b| b.build_no)
            .max()
            .unwrap_or(0)
            + 1;
        let b = CaBuild {
            job,
            build_no: n,
            t0: now,
            params,
            ..CaBuild::default()
        };
        self.ca.push(b.clone());
        b
    }

    /// Start a new ServiceStage build of `job` now.
    pub fn start_ss(&mut self, job: usize, now: i64) -> SsBuild {
        let n = self
            .ss
            .iter()
            .filter(|b| b.job == job)
            .map(|b| b.index)
            .max()
            .unwrap_or(0)
            + 1;
        let b = SsBuild {
            job,
            index: n,
            t0: now,
        };
        self.ss.push(b.clone());
        b
    }
}

pub struct Ctx {
    pub cfg: Config,
    state: Mutex<State>,
}

impl Ctx {
    pub fn new(cfg: Config, now: i64) -> Ctx {
        Ctx {
            cfg,
            state: Mutex::new(State::seeded(now)),
        }
    }

    /// The state, even if a handler panicked while holding the lock.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
