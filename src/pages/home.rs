use super::{no_match, ListControls};
use crate::api;
use crate::api::auth;
use crate::api::buildbot::BuildbotClient;
use crate::api::buildbot_ws::WsState;
use crate::components::{EmptyState, ErrorPanel, LiveIndicator, Loading, OverviewTable};
use crate::hooks::{set_title, use_live, use_polled, Polled, WhenIdle};
use buildscope_core::config::{AuthMode, Config, Source, SourceKind};
use buildscope_core::overview::{self, Row, RECENT_ROWS};
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_query_map;

/// `/`: with one source, go straight to it; otherwise the overview across every source.
#[component]
pub fn Home() -> impl IntoView {
    let config = expect_context::<Config>();
    set_title(&config.title);
    if let [only] = config.sources.as_slice() {
        return view! { <Redirect path=Route::source(&only.id).href()/> }.into_any();
    }
    view! { <Overview sources=config.sources/> }.into_any()
}

/// One source's part of the overview: its own poll (a slow or failing source holds back no
/// other) and, for Buildbot, the websocket that refreshes it when a build changes. A source
/// that needs a token the user has not given yet is not asked at all (`None`): its card offers
/// the prompt, and entering the token wakes the poll.
#[derive(Clone)]
struct Feed {
    source: Source,
    polled: Polled<Option<Vec<Row>>>,
    live: Option<RwSignal<Option<WsState>>>,
}

fn feed(source: Source) -> Feed {
    let s = source.clone();
    let polled = use_polled(
        move || {
            let s = s.clone();
            async move {
                if s.auth == AuthMode::Token && auth::token(&s.id).is_none() {
                    return Ok(None);
                }
                api::overview::rows(&s).await.map(Some)
            }
        },
        |rows: &Option<Vec<Row>>| rows.as_deref().is_some_and(overview::any_active),
        WhenIdle::PollSlowly,
    );
    let live = (source.kind == SourceKind::Buildbot).then(|| {
        let url = BuildbotClient::new(&source).ws_url();
        use_live(url, vec!["builds/*/*".to_string()], polled)
    });
    Feed {
        source,
        polled,
        live,
    }
}

/// What runs now and what finished recently, on every source at once, newest first;
/// `?q=` and `?status=` filter the rows like every other list.
#[component]
fn Overview(sources: Vec<Source>) -> impl IntoView {
    let feeds: Vec<Feed> = sources.into_iter().map(feed).collect();
    let query = use_query_map();
    let all = feeds.clone();
    let answered = move || {
        all.iter().any(|f| {
            f.polled
                .data
                .with(|d| d.as_ref().is_some_and(Option::is_some))
        })
    };
    let all = feeds.clone();
    let shown = Memo::new(move |_| {
        let q = query.read();
        let (needle, status) = (
            q.get_str("q").unwrap_or(""),
            q.get_str("status").unwrap_or(""),
        );
        let rows: Vec<Row> = all
            .iter()
            .flat_map(|f| f.polled.data.get().flatten().unwrap_or_default())
            .filter(|r| r.matches(needle, status))
            .collect();
        overview::split(rows, RECENT_ROWS)
    });
    let filtered = move || {
        let q = query.read();
        !q.get_str("q").unwrap_or("").is_empty() || !q.get_str("status").unwrap_or("").is_empty()
    };
    let tables = move || {
        if !answered() {
            return view! { <Loading label="Loading builds…"/> }.into_any();
        }
        let (running, recent) = shown.get();
        if running.is_empty() && recent.is_empty() && filtered() {
            return no_match("builds").into_any();
        }
        view! {
            <section class="overview-part" aria-labelledby="overview-running">
                <h2 id="overview-running">"Running now " <span class="muted">{format!("({})", running.len())}</span></h2>
                {if running.is_empty() {
                    view! { <p class="muted overview-none">"Nothing is running."</p> }.into_any()
                } else {
                    view! { <OverviewTable rows=running caption="Builds running now"/> }.into_any()
                }}
            </section>
            <section class="overview-part" aria-labelledby="overview-recent">
                <h2 id="overview-recent">"Finished recently"</h2>
                {if recent.is_empty() {
                    view! { <p class="muted overview-none">"No finished builds."</p> }.into_any()
                } else {
                    view! { <OverviewTable rows=recent caption="Builds finished recently, newest first"/> }.into_any()
                }}
            </section>
        }
        .into_any()
    };
    view! {
        <section class="page overview">
            <div class="page__head">
                <h1>"Overview"</h1>
                <ListControls status=true search="Search builders and jobs"/>
            </div>
            <ul class="cards source-cards">
                {feeds.into_iter().map(source_card).collect_view()}
            </ul>
            {tables}
        </section>
    }
}

/// A source's card: its name and kind, whether it answers (the error, naming status and
/// server code, while it retries), and how much of what it runs is failing.
fn source_card(f: Feed) -> impl IntoView {
    let Feed {
        source,
        polled,
        live,
    } = f;
    let (id, name) = (source.id.clone(), source.name.clone());
    let state = move || {
        match (polled.data.get(), polled.error.get()) {
        (data, Some(error)) => view! {
            <ErrorPanel error stale=data.is_some() on_retry=Callback::new(move |_| polled.refresh())/>
        }
        .into_any(),
        (None, None) => view! { <Loading label="Loading…"/> }.into_any(),
        (Some(None), None) => {
            let (id, name) = (id.clone(), name.clone());
            view! {
                <p class="source-card__summary">"Needs a token before it can be read."</p>
                <button type="button" class="button" on:click=move |_| auth::request_token(&id, &name)>
                    "Enter token"
                </button>
            }
            .into_any()
        }
        (Some(Some(rows)), None) => {
            let running = rows.iter().filter(|r| r.status.is_active()).count();
            let failed = rows
                .iter()
                .filter(|r| matches!(r.status.key(), "failure" | "exception"))
                .count();
            let done = rows.len() - running;
            view! {
                <p class="source-card__summary">
                    {format!("{running} running · {failed} of {done} recent builds failed")}
                </p>
            }
            .into_any()
        }
    }
    };
    view! {
        <li class="card source-card" data-source=source.id.clone()>
            <h2 class="source-card__name">
                <A href=Route::source(&source.id).href()>{source.name.clone()}</A>
                <span class="muted kind">{format!(" {}", source.kind.label())}</span>
            </h2>
            {live.map(|state| view! { <LiveIndicator state/> })}
            {state}
        </li>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Not found · buildscope");
    view! {
        <section class="page">
            // Every page has a top-level heading (axe: page-has-heading-one).
            <h1 class="sr-only">"Not found"</h1>
            <EmptyState title="Nothing here" hint="This address does not match any view. Start again from the sources at the top."/>
        </section>
    }
}
