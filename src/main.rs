//! buildscope's web crate: the browser side of the dashboard. Everything that is plain Rust
//! lives in `buildscope_core` (crates/core); here `api/` does I/O and nothing else,
//! `components/` render, `pages/` compose routes, `log/` runs and renders the log viewer and
//! `watches` keeps the builds the user watches, `sessions` who the user is to each master.
//! A binary crate, so code nobody uses is reported.

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod log;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod sessions;
#[cfg(target_arch = "wasm32")]
mod watches;

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("buildscope runs in the browser: build it with `trunk build` (see README.md)");
}
