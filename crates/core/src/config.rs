//! Runtime configuration (`config.json`, shipped from `public/`), so one `dist/` can serve any
//! set of build servers without a rebuild.

use crate::json::{self, DecodeError, Obj};
use std::fmt;

/// Which API a source speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    Buildbot,
    CodeArts,
    ServiceStage,
}

impl SourceKind {
    pub fn label(&self) -> &'static str {
        match self {
            SourceKind::Buildbot => "Buildbot",
            SourceKind::CodeArts => "CodeArts Build",
            SourceKind::ServiceStage => "ServiceStage",
        }
    }
}

/// How requests to a source are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// No credentials (a local Buildbot, or a proxy that needs none).
    None,
    /// The user enters a token, sent as `X-Auth-Token`; it lives in memory (sessionStorage only
    /// if the user opts in), never in localStorage, URLs or logs.
    Token,
    /// The reverse proxy injects credentials; the browser sends none.
    Proxy,
}

/// One configured build server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Short id used in URLs (`/s/<id>/...`).
    pub id: String,
    pub kind: SourceKind,
    /// Display name.
    pub name: String,
    /// Base URL: a same-origin path such as `/buildbot/` or an absolute http(s) URL. Always ends in `/`.
    pub url: String,
    pub auth: AuthMode,
    /// CodeArts: the project whose jobs the overview lists.
    pub project_id: Option<String>,
    /// How long one request may go unanswered before it counts as failed (`timeout_s`,
    /// 1–120 s, default 15): a hung server is reported instead of spinning forever.
    pub timeout_ms: u32,
}

/// The request timeout when a source does not set `timeout_s`.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub sources: Vec<Source>,
}

/// Why a config could not be used; shown on the page as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<DecodeError> for ConfigError {
    fn from(e: DecodeError) -> Self {
        ConfigError(e.to_string())
    }
}

impl Config {
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Parses and validates `config.json`. Every problem names the source index and field.
    pub fn parse(body: &str) -> Result<Config, ConfigError> {
        let v = json::parse("config.json", body)?;
        let root = Obj::new("config.json", &v)?;
        let title = root
            .opt_str("title")?
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "buildscope".to_string());
        let sources = root.each("sources", parse_source)?;
        if sources.is_empty() {
            return Err(ConfigError(
                "config.json lists no sources: add at least one entry to \"sources\"".into(),
            ));
        }
        for (i, s) in sources.iter().enumerate() {
            if sources[..i].iter().any(|o| o.id == s.id) {
                return Err(ConfigError(format!(
                    "config.json: sources[{i}] repeats the id {:?}; ids must be unique",
                    s.id
                )));
            }
        }
        Ok(Config { title, sources })
    }
}

fn invalid(o: &Obj<'_>, field: &str, problem: String) -> DecodeError {
    DecodeError {
        what: o.what().to_string(),
        field: field.to_string(),
        problem,
    }
}

fn parse_source(o: Obj<'_>) -> Result<Source, DecodeError> {
    let id = o.str("id")?;
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(
            &o,
            "id",
            format!("{id:?} must be letters, digits, '-' or '_'"),
        ));
    }
    let kind = match o.str("kind")?.to_ascii_lowercase().as_str() {
        "buildbot" => SourceKind::Buildbot,
        "codearts" => SourceKind::CodeArts,
        "servicestage" => SourceKind::ServiceStage,
        other => {
            return Err(invalid(
                &o,
                "kind",
                format!("{other:?} is not one of buildbot, codearts, servicestage"),
            ))
        }
    };
    let name = o.opt_str("name")?.unwrap_or_else(|| id.clone());
    let url = normalize_base_url(&o.str("url")?).map_err(|p| invalid(&o, "url", p))?;
    let auth = match o
        .opt_str("auth")?
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("none") => AuthMode::None,
        Some("token") => AuthMode::Token,
        Some("proxy") => AuthMode::Proxy,
        Some(other) => {
            return Err(invalid(
                &o,
                "auth",
                format!("{other:?} is not one of none, token, proxy"),
            ))
        }
    };
    let project_id = o.opt_str("project_id")?.filter(|p| !p.is_empty());
    let timeout_ms = match o.opt_f64("timeout_s")? {
        None => DEFAULT_TIMEOUT_MS,
        Some(s) if (1.0..=120.0).contains(&s) => (s * 1000.0) as u32,
        Some(s) => {
            return Err(invalid(
                &o,
                "timeout_s",
                format!("{s} is not between 1 and 120 seconds"),
            ))
        }
    };
    if kind == SourceKind::CodeArts && project_id.is_none() {
        return Err(invalid(
            &o,
            "project_id",
            "a CodeArts source needs the project id whose jobs it lists".into(),
        ));
    }
    Ok(Source {
        id,
        kind,
        name,
        url,
        auth,
        project_id,
        timeout_ms,
    })
}

/// Accepts a same-origin absolute path (`/buildbot`) or an `http(s)://` URL; adds the final `/`.
pub fn normalize_base_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    let lower = url.to_ascii_lowercase();
    let ok = (url.starts_with('/') && !url.starts_with("//"))
        || lower.starts_with("http://")
        || lower.starts_with("https://");
    if !ok {
        return Err(format!(
            "{raw:?} must be a path starting with '/' or an http(s):// URL"
        ));
    }
    if url.contains(['?', '#']) {
        return Err(format!("{raw:?} must not contain a query or fragment"));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shipped_config() {
        let c = Config::parse(include_str!("../../../public/config.json")).unwrap();
        assert_eq!(c.sources[0].kind, SourceKind::Buildbot);
        assert!(c.sources[0].url.ends_with('/'));
        assert!(c.source(&c.sources[0].id).is_some());
    }

    #[test]
    fn normalizes_and_defaults() {
        let c = Config::parse(
            r#"{"sources":[{"id":"a","kind":"Buildbot","url":"https://ci.example/bb"}]}"#,
        )
        .unwrap();
        assert_eq!(c.title, "buildscope");
        assert_eq!(c.sources[0].name, "a");
        assert_eq!(c.sources[0].url, "https://ci.example/bb/");
        assert_eq!(c.sources[0].auth, AuthMode::None);
        assert_eq!(c.sources[0].timeout_ms, DEFAULT_TIMEOUT_MS);
        let slow = Config::parse(
            r#"{"sources":[{"id":"a","kind":"buildbot","url":"/b","timeout_s":2.5}]}"#,
        )
        .unwrap();
        assert_eq!(slow.sources[0].timeout_ms, 2_500);
        let t = Config::parse(
            r#"{"sources":[{"id":"c","kind":"codearts","url":"/codearts","auth":"token","project_id":"p1"},
                           {"id":"s","kind":"servicestage","url":"/ss","auth":"proxy"}]}"#,
        )
        .unwrap();
        assert_eq!(t.sources[0].auth, AuthMode::Token);
        assert_eq!(t.sources[0].project_id.as_deref(), Some("p1"));
        assert_eq!(t.sources[1].kind, SourceKind::ServiceStage);
        assert_eq!(t.sources[1].auth, AuthMode::Proxy);
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let cases = [
            ("{", "malformed JSON"),
            ("[]", "expected an object"),
            (r#"{"sources":[]}"#, "lists no sources"),
            (
                r#"{"sources":[{"kind":"buildbot","url":"/b"}]}"#,
                "sources[0].id",
            ),
            (
                r#"{"sources":[{"id":"a","kind":"jenkins","url":"/b"}]}"#,
                "\"jenkins\" is not one of",
            ),
            (
                r#"{"sources":[{"id":"a","kind":"buildbot","url":"javascript:alert(1)"}]}"#,
                "sources[0].url",
            ),
            (
                r#"{"sources":[{"id":"a","kind":"buildbot","url":"//evil.example"}]}"#,
                "must be a path",
            ),
            (
                r#"{"sources":[{"id":"a b","kind":"buildbot","url":"/b"}]}"#,
                "must be letters",
            ),
            (
                r#"{"sources":[{"id":"a","kind":"buildbot","url":"/b","timeout_s":0}]}"#,
                "sources[0].timeout_s",
            ),
            (
                r#"{"sources":[{"id":"a","kind":"buildbot","url":"/b"},{"id":"a","kind":"buildbot","url":"/c"}]}"#,
                "repeats the id",
            ),
        ];
        for (body, want) in cases {
            let e = Config::parse(body).unwrap_err().to_string();
            assert!(e.contains(want), "{body}: {e}");
        }
    }
}
