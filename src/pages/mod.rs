//! Pages own routes: they read route parameters, start loads and compose components.

mod build;
mod home;
mod source;

pub use build::BuildPage;
pub use home::{Home, NotFound};
pub use source::SourcePage;

use crate::config::{Config, Source};
use leptos::prelude::*;

/// The configured source named by the `:source` route parameter.
fn source_by_id(id: Option<String>) -> Result<Source, String> {
    let id = id.unwrap_or_default();
    expect_context::<Config>()
        .source(&id)
        .cloned()
        .ok_or_else(|| format!("No source {id:?} is configured."))
}
