//! Tokens the user enters for `auth: "token"` sources.
//!
//! A token lives in memory; only if the user ticks "remember for this tab session" is it also
//! kept in sessionStorage (gone when the tab closes). Never localStorage, never a URL, never
//! printed. A 401 asks the user for a new token; entering one wakes every waiting view.
//! The rejected token stays in use until then: a 401 can be a passing IAM hiccup, and if the
//! next try succeeds the prompt goes away by itself.

use futures::channel::mpsc::UnboundedSender;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

const SESSION_PREFIX: &str = "buildscope.token.";

thread_local! {
    static TOKENS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    /// The polled views waiting for a token, each under the id of its [`TokenWaiter`].
    static WAITERS: RefCell<Vec<(u64, UnboundedSender<()>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_WAITER: Cell<u64> = const { Cell::new(0) };
    static NEEDED: RwSignal<Option<(String, String)>> = RwSignal::new(None);
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The token for a source, if the user gave one.
pub fn token(source_id: &str) -> Option<String> {
    TOKENS
        .with(|t| t.borrow().get(source_id).cloned())
        .or_else(|| {
            session()?
                .get_item(&format!("{SESSION_PREFIX}{source_id}"))
                .ok()?
        })
}

/// Stores a token (sessionStorage only when `remember` is set) and wakes waiting views.
pub fn set_token(source_id: &str, token: String, remember: bool) {
    if let Some(s) = session() {
        let key = format!("{SESSION_PREFIX}{source_id}");
        let _ = if remember {
            s.set_item(&key, &token)
        } else {
            s.remove_item(&key)
        };
    }
    TOKENS.with(|t| t.borrow_mut().insert(source_id.to_string(), token));
    NEEDED.with(|n| n.set(None));
    WAITERS.with(|w| {
        for (_, tx) in w.borrow().iter() {
            // A failed send is a loop that already ended; its guard removes it.
            let _ = tx.unbounded_send(());
        }
    });
}

/// Asks the user for a new token (the server rejected the current one, or there is none).
pub fn request_token(source_id: &str, source_name: &str) {
    NEEDED.with(|n| n.set(Some((source_id.to_string(), source_name.to_string()))));
}

/// The source accepted its token after all: a prompt for it is no longer needed.
pub fn token_accepted(source_id: &str) {
    NEEDED.with(|n| {
        if n.with_untracked(|w| w.as_ref().is_some_and(|(id, _)| id == source_id)) {
            n.set(None);
        }
    });
}

/// Which source (id, name) needs a token now, for the prompt.
pub fn needed() -> RwSignal<Option<(String, String)>> {
    NEEDED.with(|n| *n)
}

/// Registers a loop to be woken when a token arrives, for as long as the returned guard
/// lives: the view that polls keeps it and drops it with itself, so a tab that opens many
/// views keeps only the live ones.
#[must_use = "the registration ends when the guard is dropped"]
pub fn on_token(tx: UnboundedSender<()>) -> TokenWaiter {
    let id = NEXT_WAITER.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    WAITERS.with(|w| w.borrow_mut().push((id, tx)));
    TokenWaiter(id)
}

/// A registration made by [`on_token`]; dropping it unregisters.
pub struct TokenWaiter(u64);

impl Drop for TokenWaiter {
    fn drop(&mut self) {
        // `try_with`: never panic if the thread's storage is already being torn down.
        let _ = WAITERS.try_with(|w| w.borrow_mut().retain(|(id, _)| *id != self.0));
    }
}

/// How many views wait for a token now.
#[cfg(test)]
pub fn waiting() -> usize {
    WAITERS.with(|w| w.borrow().len())
}
