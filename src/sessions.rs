//! Who the browser is to each Buildbot master, app-wide: its session (anonymous or a user,
//! and how to sign in) read once per master at start, whether control is allowed (asked of
//! masters that have auth), and the actions a master has refused this user. The top bar, the
//! sign-in prompt and every action button read it here. Credentials never stay: the password
//! goes into one sign-in request and the master keeps its own session cookie.

use crate::api::buildbot::BuildbotClient;
use buildscope_core::buildbot::session::{AuthKind, Session};
use buildscope_core::config::{Config, Source, SourceKind};
use buildscope_core::error::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What is known of one master.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Known {
    pub session: Option<Session>,
    /// `Some(why)` when the master's authz refused control to this user (its words).
    pub control_refused: Option<String>,
    /// The last refusal of an action, said as the master said it.
    pub refused: Option<String>,
}

#[derive(Clone, Copy)]
pub struct Sessions {
    known: RwSignal<Vec<(String, Known)>>,
    sources: StoredValue<Vec<Source>>,
    /// The source whose sign-in dialog is open.
    signing_in: RwSignal<Option<String>>,
}

pub fn provide_sessions(config: &Config) {
    let buildbots: Vec<Source> = config
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Buildbot)
        .cloned()
        .collect();
    let sessions = Sessions {
        known: RwSignal::new(
            buildbots
                .iter()
                .map(|s| (s.id.clone(), Known::default()))
                .collect(),
        ),
        sources: StoredValue::new(buildbots.clone()),
        signing_in: RwSignal::new(None),
    };
    provide_context(sessions);
    for source in buildbots {
        sessions.load(source);
    }
}

pub fn use_sessions() -> Option<Sessions> {
    use_context::<Sessions>()
}

impl Sessions {
    fn update(self, source_id: &str, f: impl FnOnce(&mut Known)) {
        let _ = self.known.try_update(|all| {
            if let Some((_, k)) = all.iter_mut().find(|(id, _)| id == source_id) {
                f(k);
            }
        });
    }

    /// Reads the session, then (on a master with auth) whether control is allowed. A master
    /// that cannot be reached leaves it unknown: its pages say why.
    fn load(self, source: Source) {
        spawn_local(async move {
            let client = BuildbotClient::new(&source);
            let Ok(session) = client.session().await else {
                return;
            };
            let has_auth = session.auth != AuthKind::None;
            self.update(&source.id, |k| k.session = Some(session));
            if has_auth {
                if let Ok(Some(why)) = client.may_control().await {
                    self.update(&source.id, |k| k.control_refused = Some(why));
                }
            }
        });
    }

    pub fn known(self, source_id: &str) -> Known {
        self.known.with(|all| {
            all.iter()
                .find(|(id, _)| id == source_id)
                .map(|(_, k)| k.clone())
                .unwrap_or_default()
        })
    }

    /// Every master with auth and what is known of it, for the top bar.
    pub fn with_auth(self) -> Vec<(Source, Known)> {
        let known = self.known.get();
        self.sources.with_value(|sources| {
            sources
                .iter()
                .filter_map(|s| {
                    let k = known.iter().find(|(id, _)| *id == s.id)?.1.clone();
                    k.session
                        .as_ref()
                        .is_some_and(|x| x.auth != AuthKind::None)
                        .then(|| (s.clone(), k))
                })
                .collect()
        })
    }

    /// Why an action on `source_id` cannot be taken now, if it cannot: not signed in on a
    /// master with auth, or refused by the master's authz (probed, or said by an answer).
    pub fn blocked(self, source_id: &str, name: &str) -> Option<String> {
        let k = self.known(source_id);
        let session = k.session?;
        if session.can_sign_in() {
            return Some(format!("Sign in to {name} to do this."));
        }
        let who = session.user.display_name().unwrap_or_else(|| "you".into());
        if let Some(refused) = k.refused {
            return Some(format!("{name} refused this to {who}: {refused}"));
        }
        k.control_refused
            .map(|why| format!("{name} does not let {who} control builds: {why}."))
    }

    /// An action's answer: a 401/403 refusal is remembered for the session's other buttons.
    pub fn answered(self, source_id: &str, error: Option<&ApiError>) {
        if let Some(e) = error.filter(|e| matches!(e.status, Some(401 | 403))) {
            let refused = format!("{} — {}", e.headline(), e.message);
            self.update(source_id, |k| k.refused = Some(refused));
        }
    }

    /// Whether a `status` answer from `source_name` means "sign in first": a 401 or 403 from
    /// a master with auth while this browser is anonymous there.
    pub fn wants_sign_in(self, source_name: &str, status: Option<u16>) -> Option<String> {
        if !matches!(status, Some(401 | 403)) {
            return None;
        }
        let id = self.sources.with_value(|s| {
            s.iter()
                .find(|s| s.name == source_name)
                .map(|s| s.id.clone())
        })?;
        let k = self.known(&id);
        k.session.filter(Session::can_sign_in).map(|_| id)
    }

    pub fn open_sign_in(self, source_id: &str) {
        self.signing_in.set(Some(source_id.to_string()));
    }

    pub fn signing_in(self) -> RwSignal<Option<String>> {
        self.signing_in
    }

    pub fn source(self, source_id: &str) -> Option<Source> {
        self.sources
            .with_value(|s| s.iter().find(|s| s.id == source_id).cloned())
    }

    /// Signs in with Buildbot's own login, then starts the app again on the same page: every
    /// view, socket and probe reads as the new user (as Buildbot's own UI does).
    pub async fn sign_in(
        self,
        source_id: &str,
        user: &str,
        password: &str,
    ) -> Result<(), ApiError> {
        let Some(source) = self.source(source_id) else {
            return Ok(());
        };
        let client = BuildbotClient::new(&source);
        client.sign_in(user, password).await?;
        // The master may take the credentials and still answer as anonymous (a cookie that
        // did not stick): say so rather than reload into the same state.
        let session = client.session().await?;
        if session.user.anonymous {
            return Err(ApiError::new(
                buildscope_core::error::ErrorKind::Http,
                &source.name,
                &format!("{}config", source.url),
                "signed in, but the master still sees this browser as anonymous (its session cookie was not kept)",
            ));
        }
        reload();
        Ok(())
    }

    pub async fn sign_out(self, source_id: &str) -> Result<(), ApiError> {
        let Some(source) = self.source(source_id) else {
            return Ok(());
        };
        BuildbotClient::new(&source).sign_out().await?;
        reload();
        Ok(())
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
