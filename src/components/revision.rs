use buildscope_core::vcs::short_revision;
use leptos::prelude::*;

/// A revision shortened for a list, the full one on hover (`title`); nothing when unknown.
#[component]
pub fn Revision(revision: Option<String>) -> impl IntoView {
    revision.filter(|r| !r.trim().is_empty()).map(|full| {
        let short = short_revision(&full).to_string();
        view! { <code class="revision" title=full.trim().to_string()>{short}</code> }
    })
}
