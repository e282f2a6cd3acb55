use super::StatusBadge;
use buildscope_core::watch::Watched;
use leptos::prelude::*;
use leptos_router::components::A;

/// The builds the user watches: live status (icon and word), a link to each, the headline of
/// a poll that failed, and a button to stop watching. Nothing while nothing is watched.
#[component]
pub fn WatchList(
    watches: Signal<Vec<Watched>>,
    /// (watch key, error headline) of watches whose last poll failed.
    errors: Signal<Vec<(String, String)>>,
    on_unwatch: Callback<String>,
) -> impl IntoView {
    move || {
        let list = watches.get();
        (!list.is_empty()).then(|| {
            view! {
                <nav class="watches" aria-label="Watched builds">
                    <span class="watches__title">"Watching"</span>
                    <ul>
                        {list.into_iter().map(|w| {
                            let key = w.key();
                            let error = errors.get().into_iter().find(|(k, _)| *k == key).map(|(_, e)| e);
                            let label = w.label.clone();
                            view! {
                                <li class="watch" data-status=w.status.key()>
                                    <StatusBadge status=w.status.clone() system_label=""/>
                                    <A href=w.href.clone()>{w.label.clone()}</A>
                                    {error.map(|e| view! { <span class="watch__error" role="status">{format!("⚠ {e}")}</span> })}
                                    <button type="button" class="watch__stop" aria-label=format!("Stop watching {label}")
                                        on:click=move |_| on_unwatch.run(key.clone())>"×"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </nav>
            }
        })
    }
}
