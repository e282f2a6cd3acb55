//! buildscope-core: everything buildscope does that is plain Rust, with no web dependency, so
//! it is tested natively (`cargo test -p buildscope-core`). The web crate (the repository's
//! root) only does I/O, renders and routes.
//!
//! - models and decoders: [`buildbot`], [`codearts`], [`servicestage`] (with the Huawei error
//!   envelope both share: [`huawei`]), [`config`], [`json`]
//! - control actions, confirmed once: [`control`] (the flow), `buildbot::control`,
//!   [`huawei_control`] (CodeArts run / stop, ServiceStage start)
//! - one status vocabulary: [`status`]; time: [`timeparse`], [`timefmt`], [`timeline`]
//! - the log viewer's logic: [`ansi`] and the [`log`] folder
//! - what pages compute: [`listing`], [`compare`], [`freshness`], [`links`], [`vcs`],
//!   [`overview`] (the home page across sources), [`watch`] (watched builds), [`trend`]
//!   (duration charts); every address of the app: [`routes`]
//! - failures as the user sees them: [`error`]; what an HTTP answer means: [`http`]; how long
//!   to wait before trying again: [`retry`]

pub mod ansi;
pub mod buildbot;
pub mod codearts;
pub mod compare;
pub mod config;
pub mod control;
pub mod error;
pub mod freshness;
pub mod http;
pub mod huawei;
pub mod huawei_control;
pub mod json;
pub mod links;
pub mod listing;
pub mod log;
pub mod overview;
pub mod retry;
pub mod routes;
pub mod servicestage;
pub mod status;
pub mod timefmt;
pub mod timeline;
pub mod timeparse;
pub mod trend;
pub mod vcs;
pub mod watch;

// Test data generation only: the ANSI bench includes the same file by path, so the app never
// ships it.
#[cfg(test)]
mod rng;
#[cfg(test)]
mod testdata;
