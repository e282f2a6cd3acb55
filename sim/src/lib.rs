//! buildscope-sim: a Huawei Cloud CodeArts Build and ServiceStage simulator
//! that speaks the documented response shapes, for buildscope's tests and
//! demos. See README.md for the endpoints, seed ids and control API.

pub mod cli;
pub mod codearts;
pub mod codearts_log;
pub mod faults;
pub mod http;
pub mod log;
pub mod model;
pub mod seed;
pub mod server;
pub mod servicestage;
pub mod state;
pub mod synthetic;
pub mod timefmt;
pub mod xss;
