//! Watching builds: what the tab's title and favicon say while the user watches builds, and
//! what the desktop notification says when one finishes. Pure: the web crate polls, this
//! decides the words.

use crate::status::Status;
use crate::timefmt::format_duration;

/// A build the user watches.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    pub source_id: String,
    /// The build's id in its system (Buildbot build id, CodeArts record id, ServiceStage
    /// build id): with the source, what the poll asks for.
    pub build: String,
    /// "linux-build #12": what the title, the top bar and the notification name it by.
    pub label: String,
    pub href: String,
    pub status: Status,
    /// Epoch seconds.
    pub started: Option<f64>,
    pub ended: Option<f64>,
}

impl Watched {
    /// One watch per build.
    pub fn key(&self) -> String {
        watch_key(&self.source_id, &self.build)
    }

    /// Whether it finished (so the watch has said all it will say).
    pub fn finished(&self) -> bool {
        !self.status.is_active() && !matches!(self.status, Status::Unknown(_))
    }

    /// How long it ran, when both ends are known.
    pub fn duration(&self) -> Option<i64> {
        Some((self.ended? - self.started?).max(0.0).round() as i64)
    }
}

/// The key of a watch, from the source and build id alone (a page asks "is this watched?").
pub fn watch_key(source_id: &str, build: &str) -> String {
    format!("{source_id}\u{1f}{build}")
}

/// The tab title: the page's own title, led by the watched builds' state so a background tab
/// says it. One watch names its build; several are counted.
pub fn title(watches: &[Watched], page: &str) -> String {
    match watches {
        [] => page.to_string(),
        [w] => format!("{} {} {} · {page}", w.status.icon(), w.status, w.label),
        many => {
            let running = many.iter().filter(|w| w.status.is_active()).count();
            let failed = many.iter().filter(|w| failed(&w.status)).count();
            let icon = overall(many).icon();
            format!(
                "{icon} {running} running, {failed} failed of {} watched · {page}",
                many.len()
            )
        }
    }
}

fn failed(s: &Status) -> bool {
    matches!(s.key(), "failure" | "exception" | "timeout")
}

/// What the watched builds add up to: a failure first (it needs the user), then anything
/// still running, then the last one's result.
fn overall(watches: &[Watched]) -> Status {
    if let Some(w) = watches.iter().find(|w| failed(&w.status)) {
        return w.status.clone();
    }
    if let Some(w) = watches.iter().find(|w| w.status.is_active()) {
        return w.status.clone();
    }
    watches
        .last()
        .map(|w| w.status.clone())
        .unwrap_or(Status::Unknown(String::new()))
}

/// The favicon for the watched builds (`public/favicon*.svg`, each a different shape as
/// well as colour): the app's own when nothing is watched.
pub fn favicon(watches: &[Watched]) -> &'static str {
    if watches.is_empty() {
        return "/favicon.svg";
    }
    let s = overall(watches);
    match s.key() {
        _ if failed(&s) => "/favicon-failure.svg",
        _ if s.is_active() => "/favicon-running.svg",
        "success" | "warnings" => "/favicon-success.svg",
        _ => "/favicon-other.svg",
    }
}

/// The watches as the tab keeps them (sessionStorage: gone with the tab, never a token), so a
/// reload picks them up again.
pub fn encode(watches: &[Watched]) -> String {
    let list: Vec<serde_json::Value> = watches
        .iter()
        .map(|w| {
            serde_json::json!({
                "source": w.source_id, "build": w.build, "label": w.label, "href": w.href,
                "status": w.status.key(), "started": w.started, "ended": w.ended,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// Watches read back from [`encode`]'s text; anything unreadable is dropped, never an error.
/// Only in-app links survive (`href` must be a path of this app).
pub fn decode(text: &str) -> Vec<Watched> {
    let Ok(serde_json::Value::Array(list)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    list.iter()
        .filter_map(|v| {
            let href = s(v, "href").filter(|h| h.starts_with("/s/"))?;
            let key = s(v, "status").unwrap_or_default();
            Some(Watched {
                source_id: s(v, "source")?,
                build: s(v, "build")?,
                label: s(v, "label")?,
                href,
                status: Status::KNOWN
                    .iter()
                    .find(|st| st.key() == key)
                    .cloned()
                    .unwrap_or(Status::Unknown(key)),
                started: v.get("started").and_then(|x| x.as_f64()),
                ended: v.get("ended").and_then(|x| x.as_f64()),
            })
        })
        .collect()
}

/// The notification for a watched build that finished: title and body.
pub fn notification(w: &Watched) -> (String, String) {
    let title = format!("{} {}: {}", w.status.icon(), w.label, w.status);
    let body = match w.duration() {
        Some(d) => format!("{} after {}", w.status, format_duration(d)),
        None => format!("{}", w.status),
    };
    (title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(label: &str, status: Status) -> Watched {
        Watched {
            source_id: "local".into(),
            build: label.into(),
            label: label.into(),
            href: format!("/s/local/builds/{label}"),
            status,
            started: Some(100.0),
            ended: Some(165.4),
        }
    }

    #[test]
    fn the_title_leads_with_the_watched_builds() {
        assert_eq!(title(&[], "Page · buildscope"), "Page · buildscope");
        let one = [w("lint #3", Status::Running)];
        assert_eq!(
            title(&one, "P"),
            format!("{} Running lint #3 · P", Status::Running.icon())
        );
        let many = [
            w("a #1", Status::Success),
            w("b #2", Status::Failure),
            w("c #3", Status::Running),
        ];
        assert_eq!(
            title(&many, "P"),
            format!(
                "{} 1 running, 1 failed of 3 watched · P",
                Status::Failure.icon()
            )
        );
    }

    #[test]
    fn the_favicon_shows_failure_first_then_running_then_the_result() {
        assert_eq!(favicon(&[]), "/favicon.svg");
        assert_eq!(favicon(&[w("a", Status::Running)]), "/favicon-running.svg");
        assert_eq!(
            favicon(&[w("a", Status::Running), w("b", Status::Failure)]),
            "/favicon-failure.svg"
        );
        assert_eq!(favicon(&[w("a", Status::Success)]), "/favicon-success.svg");
        assert_eq!(favicon(&[w("a", Status::Cancelled)]), "/favicon-other.svg");
    }

    #[test]
    fn watches_survive_a_reload_and_junk_is_dropped() {
        let list = vec![w("a #1", Status::Running), w("b #2", Status::Failure)];
        assert_eq!(decode(&encode(&list)), list);
        assert_eq!(decode("not json"), []);
        assert_eq!(
            decode(r#"[{"source":"s","build":"1","label":"x","href":"javascript:alert(1)"}]"#),
            []
        );
        let odd = decode(
            r#"[{"source":"s","build":"1","label":"x","href":"/s/s/builds/1","status":"weird","started":"no"}]"#,
        );
        assert_eq!(odd[0].status, Status::Unknown("weird".into()));
        assert_eq!(odd[0].started, None);
    }

    #[test]
    fn a_finished_build_is_announced_with_its_result_and_duration() {
        let done = w("long-running #7", Status::Success);
        assert!(done.finished());
        assert!(!w("x", Status::Running).finished());
        assert!(!w("x", Status::Unknown("?".into())).finished());
        assert_eq!(
            notification(&done),
            (
                format!("{} long-running #7: Success", Status::Success.icon()),
                format!("Success after {}", format_duration(65))
            ),
        );
        assert_eq!(
            watch_key("a", "b"),
            done.key()
                .replace("local", "a")
                .replace("long-running #7", "b")
        );
    }
}
