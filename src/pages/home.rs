use crate::components::EmptyState;
use crate::hooks::set_title;
use buildscope_core::config::Config;
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};

/// `/`: with one source, go straight to it; otherwise list the sources.
#[component]
pub fn Home() -> impl IntoView {
    let config = expect_context::<Config>();
    set_title(&config.title);
    if let [only] = config.sources.as_slice() {
        return view! { <Redirect path=Route::source(&only.id).href()/> }.into_any();
    }
    view! {
        <section class="page">
            <h1>"Sources"</h1>
            <ul class="cards">
                {config
                    .sources
                    .into_iter()
                    .map(|s| view! {
                        <li class="card">
                            <A href=Route::source(&s.id).href()>{s.name}</A>
                            <span class="muted">{format!(" {} · {}", s.kind.label(), s.url)}</span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
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
