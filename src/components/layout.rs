use buildscope_core::config::Source;
use buildscope_core::routes::Route;
use leptos::prelude::*;
use leptos_router::components::A;

/// The top bar: product name, one link per configured source, and `children` at its end
/// (who is signed in where).
#[component]
pub fn TopBar(
    #[prop(into)] title: String,
    sources: Vec<Source>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <A href=Route::Home.href() attr:class="brand">
                <span class="brand__mark" aria-hidden="true">"◆"</span>
                {title}
            </A>
            <nav aria-label="Sources">
                <ul class="topbar__sources">
                    {sources
                        .into_iter()
                        .map(|s| {
                            view! {
                                <li>
                                    <A href=Route::source(&s.id).href()>
                                        {s.name}
                                        <span class="muted">{format!(" · {}", s.kind.label())}</span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            {children.map(|c| c())}
        </header>
    }
}
