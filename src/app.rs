//! The application shell: loads `config.json`, then mounts the routes under the top bar.

use crate::api;
use crate::components::{Loading, SignInDialog, TokenPrompt, TopBar, WatchList};
use crate::hooks::provide_clock;
use crate::pages::{
    BuildPage, BuilderPage, ChangePage, ChangesPage, ComparePage, GridPage, Home, HuaweiLogPage,
    JobComparePage, JobPage, LogPage, NotFound, QueuePage, SourcePage, TestResultsPage, WorkerPage,
    WorkersPage,
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
    crate::sessions::provide_sessions(&config);
    crate::watches::provide_watches(&config);
    provide_context(config);
    view! {
        <TopBar title sources><SessionBar/></TopBar>
        <SignInHost/>
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
                <Route path=path!("/s/:source/queue") view=QueuePage/>
                <Route path=path!("/s/:source/grid") view=GridPage/>
                <Route path=path!("/s/:source/changes") view=ChangesPage/>
                <Route path=path!("/s/:source/changes/:change") view=ChangePage/>
                <Route path=path!("/s/:source/workers") view=WorkersPage/>
                <Route path=path!("/s/:source/workers/:worker") view=WorkerPage/>
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

/// Who is signed in to each master that has auth, with a way in or out.
#[component]
fn SessionBar() -> impl IntoView {
    let sessions = crate::sessions::use_sessions()?;
    Some(move || {
        let masters = sessions.with_auth();
        (!masters.is_empty()).then(|| {
            let items = masters
                .into_iter()
                .map(|(source, known)| {
                    let id = source.id.clone();
                    let user = known.session.and_then(|s| (!s.user.anonymous).then(|| s.user.display_name()).flatten());
                    match user {
                        Some(user) => view! {
                            <li class="session">
                                <span>{format!("{}: signed in as ", source.name)}<strong>{user}</strong></span>
                                " "
                                <button type="button" class="button session__out"
                                    on:click=move |_| { let id = id.clone(); leptos::task::spawn_local(async move { let _ = sessions.sign_out(&id).await; }); }>
                                    {format!("Sign out of {}", source.name)}
                                </button>
                            </li>
                        }
                        .into_any(),
                        None => view! {
                            <li class="session">
                                <button type="button" class="button session__in" on:click=move |_| sessions.open_sign_in(&id)>
                                    {format!("Sign in to {}", source.name)}
                                </button>
                            </li>
                        }
                        .into_any(),
                    }
                })
                .collect::<Vec<_>>();
            view! { <ul class="sessions" aria-label="Sign-in">{items}</ul> }
        })
    })
}

/// The sign-in dialog, for whichever master asked for it (top bar or a page's prompt).
#[component]
fn SignInHost() -> impl IntoView {
    let sessions = crate::sessions::use_sessions()?;
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None);
    let open = Signal::derive(move || sessions.signing_in().with(Option::is_some));
    let name = Signal::derive(move || {
        sessions
            .signing_in()
            .get()
            .and_then(|id| sessions.source(&id))
            .map(|s| s.name)
            .unwrap_or_default()
    });
    let on_submit = Callback::new(move |(user, password): (String, String)| {
        let Some(id) = sessions.signing_in().get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = sessions.sign_in(&id, &user, &password).await;
            let _ = busy.try_set(false);
            if let Err(e) = result {
                let _ = error.try_set(Some(e));
            }
        });
    });
    let on_cancel = Callback::new(move |_| {
        error.set(None);
        sessions.signing_in().set(None);
    });
    Some(view! { <SignInDialog open source_name=name busy error on_submit on_cancel/> })
}
