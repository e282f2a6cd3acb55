//! buildscope: a CI build dashboard for Buildbot, CodeArts Build and ServiceStage.
//!
//! Pure logic (no DOM) lives in the top-level modules and is tested natively with `cargo test`;
//! the `api`, `components` and `pages` modules are the browser side and build for wasm32 only.

pub mod ansi;
pub mod buildbot;
pub mod codearts;
pub mod compare;
pub mod config;
pub mod error;
pub mod freshness;
pub mod json;
pub mod links;
pub mod listing;
pub mod loggroups;
pub mod logscan;
pub mod logscroll;
pub mod logsearch;
pub mod logtext;
pub mod logwindow;
pub mod rng;
pub mod servicestage;
pub mod status;
pub mod timefmt;
pub mod timeline;
pub mod timeparse;
pub mod vcs;

#[cfg(test)]
mod testdata;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod logsession;
#[cfg(target_arch = "wasm32")]
pub mod pages;
