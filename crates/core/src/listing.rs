//! What a list page shows — status filter, name search, page — and how that lives in the URL
//! query (`?status=failure&q=lint&page=2`), so reload, back and forward keep it. Pure: the pages
//! hand over the query as pairs and get hrefs back.

use crate::links::percent_encode;
use crate::status::Status;

/// The status filters every list offers, as (URL key, label). The keys are [`Status::key`]s
/// (plus `""` for everything), so the Buildbot history can pass them to the server unchanged.
pub const STATUS_FILTERS: [(&str, &str); 8] = [
    ("", "All"),
    ("running", "Running"),
    ("success", "Success"),
    ("warnings", "Warnings"),
    ("failure", "Failure"),
    ("exception", "Exception"),
    ("cancelled", "Cancelled"),
    ("skipped", "Skipped"),
];

/// Whether a builder or job with these recent statuses (newest first) passes `filter`.
///
/// `running` asks whether anything is under way; any other key asks about the newest
/// *finished* build, so a builder that failed last time still shows as failing while its next
/// build runs. An unknown key filters nothing out.
pub fn status_matches(filter: &str, newest_first: &[Status]) -> bool {
    if filter.is_empty() || !STATUS_FILTERS.iter().any(|(k, _)| *k == filter) {
        return true;
    }
    if filter == "running" {
        return newest_first.iter().any(Status::is_active);
    }
    newest_first
        .iter()
        .find(|s| !s.is_active())
        .is_some_and(|s| s.key() == filter)
}

/// Case-insensitive substring search; every word of the query must occur in the name.
pub fn name_matches(query: &str, name: &str) -> bool {
    let name = name.to_lowercase();
    query
        .split_whitespace()
        .all(|word| name.contains(&word.to_lowercase()))
}

/// Page size a list uses unless the URL says otherwise.
pub(crate) const PAGE_SIZE: u32 = 20;
/// The largest page both Buildbot and CodeArts serve (`limit` ≤ 100).
pub(crate) const MAX_PAGE_SIZE: u32 = 100;

/// A 0-based page and its size, read leniently from `page` / `per_page`: junk means the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub fn from_query(page: Option<&str>, per_page: Option<&str>) -> Paging {
        Paging {
            page: page.and_then(|p| p.parse().ok()).unwrap_or(0),
            per_page: per_page
                .and_then(|p| p.parse().ok())
                .unwrap_or(PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// Whether an older page exists, from the server's `total` when it sends a usable one,
    /// else from whether this page came back full.
    pub fn more(&self, total: Option<i64>, got: usize) -> bool {
        let seen = (u64::from(self.page) + 1) * u64::from(self.per_page);
        match total {
            Some(t) if t >= 0 => (t as u64) > seen,
            _ => got >= self.per_page as usize,
        }
    }
}

/// `path` with the current query pairs, changed by `set` (an empty value removes the key);
/// order is kept, new keys go last, values are percent-encoded.
pub fn href(path: &str, query: &[(String, String)], set: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
        .cloned()
        .collect();
    for (k, v) in set {
        // Keep the key's place when it was already there, so URLs do not reshuffle.
        let at = query.iter().position(|(q, _)| q == k);
        let pair = (k.to_string(), v.to_string());
        match at {
            Some(i) => pairs.insert(i.min(pairs.len()), pair),
            None => pairs.push(pair),
        }
    }
    let q: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", q.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn status_filter_looks_at_the_newest_finished_build() {
        assert!(status_matches("", &[]));
        assert!(status_matches("failure", &[Running, Failure, Success]));
        assert!(!status_matches("success", &[Running, Failure, Success]));
        assert!(status_matches("running", &[Success, Running]));
        assert!(!status_matches("running", &[Success, Failure]));
        assert!(!status_matches("failure", &[]));
        assert!(!status_matches("failure", &[Unknown("x".into())]));
        assert!(status_matches("no-such-filter", &[Success]));
    }

    #[test]
    fn name_search_is_case_insensitive_and_wants_every_word() {
        assert!(name_matches("", "anything"));
        assert!(name_matches("LINT", "lint-warnings"));
        assert!(name_matches(" maven fail ", "sim-maven-failure"));
        assert!(!name_matches("maven ok", "sim-maven-failure"));
    }

    #[test]
    fn paging_from_the_query_and_whether_more_exists() {
        let p = Paging::from_query(Some("2"), Some("5"));
        assert_eq!((p.page, p.per_page), (2, 5));
        let d = Paging::from_query(Some("-1"), Some("x"));
        assert_eq!((d.page, d.per_page), (0, PAGE_SIZE));
        assert_eq!(Paging::from_query(None, Some("0")).per_page, 1);
        assert_eq!(Paging::from_query(None, Some("500")).per_page, 100);
        assert!(p.more(Some(16), 5));
        assert!(!p.more(Some(15), 5));
        assert!(p.more(None, 5));
        assert!(!p.more(Some(-1), 4)); // CodeArts sends total -1 in one example
    }

    #[test]
    fn hrefs_change_one_key_and_keep_the_rest() {
        let q = vec![
            ("status".to_string(), "failure".to_string()),
            ("page".to_string(), "2".to_string()),
            ("per_page".to_string(), "5".to_string()),
        ];
        assert_eq!(
            href("/s/x", &q, &[("page", "3")]),
            "/s/x?status=failure&page=3&per_page=5"
        );
        assert_eq!(
            href("/s/x", &q, &[("status", ""), ("page", "")]),
            "/s/x?per_page=5"
        );
        assert_eq!(href("/s/x", &[], &[("q", "a b&c")]), "/s/x?q=a%20b%26c");
        assert_eq!(href("/s/x", &[], &[("q", "")]), "/s/x");
    }
}
