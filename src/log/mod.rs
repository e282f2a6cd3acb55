//! The log viewer in the browser: [`session`] runs the fetching for one log (the rules live in
//! `buildscope_core::log`), [`viewer`] renders it.

pub mod session;
pub mod viewer;
