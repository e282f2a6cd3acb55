//! Pages own routes: they read route parameters, start loads and compose components.

mod build;
mod builder;
mod codearts;
mod compare;
mod home;
mod job;
mod log;
mod servicestage;
mod source;

pub use build::BuildPage;
pub use builder::BuilderPage;
pub use compare::ComparePage;
pub use home::{Home, NotFound};
pub use job::JobPage;
pub use log::LogPage;
pub use source::SourcePage;

use crate::components::{ErrorPanel, Loading};
use crate::config::{Config, Source};
use crate::hooks::Polled;
use leptos::prelude::*;

/// The configured source named by the `:source` route parameter.
fn source_by_id(id: Option<String>) -> Result<Source, String> {
    let id = id.unwrap_or_default();
    expect_context::<Config>()
        .source(&id)
        .cloned()
        .ok_or_else(|| format!("No source {id:?} is configured."))
}

/// The standard shape of a polled view: an error banner (kept over the last good data while a
/// refresh fails), a loading state until the first answer, then `render` of the latest data.
fn polled_view<T, V>(
    polled: Polled<T>,
    loading: &'static str,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        {move || polled.error.get().map(|error| view! {
            <ErrorPanel error stale=polled.data.with(Option::is_some) on_retry=Callback::new(move |_| polled.refresh())/>
        })}
        {move || match polled.data.get() {
            None if polled.error.with(Option::is_none) => view! { <Loading label=loading/> }.into_any(),
            None => ().into_any(),
            Some(d) => render(d).into_any(),
        }}
    }
}

/// One labelled fact of a build header, omitted when the server did not send it.
fn fact(label: &'static str, value: Option<String>) -> Option<impl IntoView> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| view! { <div><dt>{label}</dt><dd>{v}</dd></div> })
}
