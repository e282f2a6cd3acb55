//! The browser's data layer: one shared HTTP helper (`http`) and one client per build system.

pub mod auth;
pub mod buildbot;
pub mod buildbot_ws;
pub mod http;
pub mod huawei;
pub mod overview;
pub mod prefetch;
pub mod watch;

use buildscope_core::config::{Config, ConfigError};

/// Loads `/config.json` (the routes are absolute too, so the app is served from the root; no
/// `<base>` element, so `#fragment` links stay on their page). Any failure becomes a message
/// for the page.
pub async fn load_config() -> Result<Config, ConfigError> {
    let endpoint = http::Endpoint::new("config.json", |_| http::ServerError::default());
    let body = endpoint
        .get_text("/config.json")
        .await
        .map_err(|e| ConfigError(format!("could not load config.json: {e}")))?;
    Config::parse(&body)
}
