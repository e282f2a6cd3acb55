use leptos::prelude::*;
use leptos_router::components::A;

/// Newer / older page links around the page number (0-based in, 1-based shown); a link is
/// left out where there is no such page.
#[component]
pub fn Pager(page: u32, newer: Option<String>, older: Option<String>) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            {newer.map(|href| view! { <A href=href attr:class="button">"← Newer"</A> })}
            <span class="muted">{format!("Page {}", u64::from(page) + 1)}</span>
            {older.map(|href| view! { <A href=href attr:class="button">"Older →"</A> })}
        </nav>
    }
}
