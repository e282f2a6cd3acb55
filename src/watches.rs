//! Watched builds, app-wide: the list in the top bar, one poll per build that outlives the page
//! it was started from (watches survive navigation within the app, and a reload of the tab:
//! sessionStorage keeps them, never a token), the tab title and favicon
//! while something is watched, and the desktop notification when a watched build finishes.
//! What the title, favicon and notification say is `buildscope_core::watch`'s.

use crate::api;
use buildscope_core::config::{Config, Source};
use buildscope_core::error::ApiError;
use buildscope_core::retry::backoff_ms;
use buildscope_core::watch::{self, Watched};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// How often a watched build is asked for while it runs.
const POLL_MS: u32 = 4_000;

/// Client-side navigation, for a notification's click (which comes from outside the app).
type Navigate = Rc<dyn Fn(&str)>;

#[derive(Clone, Copy)]
pub struct Watches {
    list: RwSignal<Vec<Watched>>,
    /// The last failed poll of a watch, by key, until one succeeds.
    errors: RwSignal<Vec<(String, ApiError)>>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

/// Where the tab keeps its watches across a reload (sessionStorage: this tab only, gone
/// with it).
const STORED: &str = "buildscope.watches";

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Starts the app's watches (inside the router, which a notification's click navigates),
/// taking up again those this tab had before a reload.
pub fn provide_watches(config: &Config) {
    let navigate = use_navigate();
    let watches = Watches {
        list: RwSignal::new(Vec::new()),
        errors: RwSignal::new(Vec::new()),
        navigate: StoredValue::new_local(Rc::new(move |href: &str| {
            navigate(href, NavigateOptions::default())
        })),
    };
    Effect::new(move |_| {
        let page = crate::hooks::page_title().get();
        let list = watches.list.get();
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        doc.set_title(&watch::title(&list, &page));
        if let Ok(Some(icon)) = doc.query_selector("link[rel=icon]") {
            let _ = icon.set_attribute("href", watch::favicon(&list));
        }
        if let Some(store) = session() {
            let _ = store.set_item(STORED, &watch::encode(&list));
        }
    });
    let stored = session()
        .and_then(|s| s.get_item(STORED).ok().flatten())
        .map(|t| watch::decode(&t))
        .unwrap_or_default();
    for w in stored {
        // A watch of a source no longer configured is dropped.
        if let Some(source) = config.source(&w.source_id).cloned() {
            let finished = w.finished();
            let (key, build) = (w.key(), w.build.clone());
            watches.list.update(|l| l.push(w));
            if !finished {
                watches.poll(key, build, source);
            }
        }
    }
    provide_context(watches);
}

/// The app's watches; `None` outside the app (a component test).
pub fn use_watches() -> Option<Watches> {
    use_context::<Watches>()
}

impl Watches {
    pub fn list(&self) -> Signal<Vec<Watched>> {
        self.list.into()
    }

    /// The last failed poll of the watch `key`, if its latest poll failed.
    pub fn error(&self, key: &str) -> Option<ApiError> {
        self.errors
            .read()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, e)| e.clone())
    }

    pub fn is_watched(&self, key: &str) -> bool {
        self.list.read().iter().any(|w| w.key() == key)
    }

    /// Watches a build: asks for the notification permission (this runs in the user's click,
    /// the only moment a browser lets a page ask), lists it, and polls it until it finishes.
    pub fn watch(&self, w: Watched, source: Source) {
        let key = w.key();
        if self.list.read_untracked().iter().any(|x| x.key() == key) {
            return;
        }
        if Notification::permission() == NotificationPermission::Default {
            // The answer is read when the build finishes; nothing waits for it here.
            let _ = Notification::request_permission();
        }
        let build = w.build.clone();
        self.list.update(|l| l.push(w));
        self.poll(key, build, source);
    }

    /// Asks for the watch `key`'s build until it finishes (then announces it) or the watch
    /// is stopped.
    fn poll(&self, key: String, build: String, source: Source) {
        let this = *self;
        spawn_local(async move {
            let mut failures = 0u32;
            loop {
                let delay = if failures == 0 {
                    POLL_MS
                } else {
                    backoff_ms(failures)
                };
                gloo_timers::future::TimeoutFuture::new(delay).await;
                if !this
                    .list
                    .try_with_untracked(|l| l.iter().any(|x| x.key() == key))
                    .unwrap_or(false)
                {
                    break;
                }
                match api::watch::state(&source, &build).await {
                    Ok((status, started, ended)) => {
                        failures = 0;
                        let _ = this.errors.try_update(|e| e.retain(|(k, _)| *k != key));
                        let mut done = None;
                        let _ = this.list.try_update(|l| {
                            if let Some(x) = l.iter_mut().find(|x| x.key() == key) {
                                x.status = status;
                                x.started = started.or(x.started);
                                x.ended = ended;
                                if x.finished() {
                                    done = Some(x.clone());
                                }
                            }
                        });
                        if let Some(w) = done {
                            this.notify(&w);
                            break;
                        }
                    }
                    Err(e) => {
                        failures += 1;
                        let _ = this.errors.try_update(|list| {
                            list.retain(|(k, _)| *k != key);
                            list.push((key.clone(), e));
                        });
                    }
                }
            }
        });
    }

    pub fn unwatch(&self, key: &str) {
        self.list.update(|l| l.retain(|w| w.key() != key));
        self.errors.update(|e| e.retain(|(k, _)| k != key));
    }

    /// The desktop notification for a finished build; a click focuses the tab and opens the
    /// build. Nothing when the user declined notifications (the title and favicon still say).
    fn notify(&self, w: &Watched) {
        if Notification::permission() != NotificationPermission::Granted {
            return;
        }
        let (title, body) = watch::notification(w);
        let options = NotificationOptions::new();
        options.set_body(&body);
        options.set_tag(&w.key());
        let Ok(n) = Notification::new_with_options(&title, &options) else {
            return;
        };
        let (href, navigate, shown) = (w.href.clone(), self.navigate, n.clone());
        let click = Closure::<dyn FnMut()>::new(move || {
            if let Some(win) = web_sys::window() {
                let _ = win.focus();
            }
            navigate.with_value(|go| go(&href));
            shown.close();
        });
        n.set_onclick(Some(click.as_ref().unchecked_ref()));
        // The notification outlives this call; its handler lives as long as the page.
        click.forget();
    }
}
