//! The application shell: loads `config.json`, then mounts the routes under the top bar.

use crate::api;
use crate::components::{Loading, TokenPrompt, TopBar, WatchList};
use crate::hooks::provide_clock;
use crate::pages::{
    BuildPage, BuilderPage, ComparePage, Home, HuaweiLogPage, JobComparePage, JobPage, LogPage,
    NotFound, SourcePage, TestResultsPage,
};
use buildscope_core::config::Config;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_clock();
    let config = LocalResource::new(api::load_config);
    view! {
        <Router>
            {move || match config.get() {
                None => view! {
                    <header class="topbar"><span class="brand">"buildscope"</span></header>
                    <main id="main"><Loading label="Loading configuration…"/></main>
                }
                .into_any(),
                Some(Err(e)) => view! {
                    <header class="topbar"><span class="brand">"buildscope"</span></header>
                    <main id="main">
                        <div class="state state--error config-error" role="alert">
                            <p class="state__title"><span aria-hidden="true">"⚠ "</span>"Configuration error"</p>
                            <p class="error__message">{e.to_string()}</p>
                            <p class="muted">
                                "buildscope reads its sources from " <code>"config.json"</code>
                                " next to index.html. See README.md, section Configuration."
                            </p>
                        </div>
                    </main>
                }
                .into_any(),
                Some(Ok(config)) => view! { <Configured config/> }.into_any(),
            }}
        </Router>
    }
}

#[component]
fn Configured(config: Config) -> impl IntoView {
    let title = config.title.clone();
    let sources = config.sources.clone();
    crate::watches::provide_watches(&config);
    provide_context(config);
    view! {
        <TopBar title sources/>
        <WatchBar/>
        <main id="main" tabindex="-1">
            <TokenPrompt/>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home/>
                <Route path=path!("/s/:source") view=SourcePage/>
                <Route path=path!("/s/:source/builders/:builder") view=BuilderPage/>
                <Route path=path!("/s/:source/builders/:builder/compare/:a/:b") view=ComparePage/>
                <Route path=path!("/s/:source/jobs/:job") view=JobPage/>
                <Route path=path!("/s/:source/jobs/:job/compare/:a/:b") view=JobComparePage/>
                <Route path=path!("/s/:source/builds/:buildid") view=BuildPage/>
                <Route path=path!("/s/:source/builds/:buildid/steps/:step/logs/:slug") view=LogPage/>
                <Route path=path!("/s/:source/builds/:buildid/log") view=HuaweiLogPage/>
                <Route path=path!("/s/:source/builds/:buildid/tests/:setid") view=TestResultsPage/>
            </Routes>
        </main>
    }
}

/// The watched builds under the top bar, each with its live status and a way to stop.
#[component]
fn WatchBar() -> impl IntoView {
    crate::watches::use_watches().map(|w| {
        let errors = Signal::derive(move || {
            w.list()
                .get()
                .iter()
                .filter_map(|x| w.error(&x.key()).map(|e| (x.key(), e.headline())))
                .collect::<Vec<_>>()
        });
        view! { <WatchList watches=w.list() errors on_unwatch=Callback::new(move |key: String| w.unwatch(&key))/> }
    })
}
