//! Changes (`/changes`) and the grid over them (Buildbot's grid and console views): builders
//! as rows, the newest changes as columns, each cell the build of that builder for that
//! change (`/changes/{id}/builds`), the newest when it was built more than once.

use super::{envelope, Build, Builder};
use crate::json::DecodeError;

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub changeid: i64,
    pub author: String,
    pub branch: Option<String>,
    pub revision: Option<String>,
    pub when: Option<f64>,
    pub comments: String,
    pub project: Option<String>,
    pub repository: Option<String>,
    pub committer: Option<String>,
    pub category: Option<String>,
    pub codebase: Option<String>,
    /// The files the change touches, as the change source reported them.
    pub files: Vec<String>,
    /// A link to the revision in the repository's web UI, kept only when it is http(s).
    pub revlink: Option<String>,
}

impl Change {
    /// The first line of the commit message (the column's title; the rest is on hover).
    pub fn title(&self) -> &str {
        self.comments.lines().next().unwrap_or("").trim()
    }

    /// What names the change in a list: its revision shortened as everywhere
    /// (`vcs::short_revision`), or its number when it has none.
    pub fn label(&self) -> String {
        match self.revision.as_deref().map(crate::vcs::short_revision) {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => format!("change {}", self.changeid),
        }
    }
}

pub fn decode_changes(body: &str) -> Result<Vec<Change>, DecodeError> {
    envelope("Buildbot changes", body, "changes", |o| {
        Ok(Change {
            changeid: o.i64("changeid")?,
            author: o.opt_str("author")?.unwrap_or_default(),
            branch: o.opt_str("branch")?.filter(|b| !b.is_empty()),
            revision: o.opt_str("revision")?.filter(|r| !r.is_empty()),
            when: o.opt_f64("when_timestamp")?,
            comments: o.opt_str("comments")?.unwrap_or_default(),
            project: o.opt_str("project")?.filter(|p| !p.is_empty()),
            repository: o.opt_str("repository")?.filter(|r| !r.is_empty()),
            committer: o.opt_str("committer")?.filter(|c| !c.is_empty()),
            category: o.opt_str("category")?.filter(|c| !c.is_empty()),
            codebase: o.opt_str("codebase")?.filter(|c| !c.is_empty()),
            // Odd entries (not text) are left out rather than failing the change.
            files: match o.get("files") {
                Some(serde_json::Value::Array(files)) => files
                    .iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            },
            revlink: o
                .opt_str("revlink")?
                .and_then(|l| crate::links::safe_http_url(&l).map(str::to_string)),
        })
    })
}

/// One change (`/changes/{id}`), which the data API answers as a list of one.
pub fn decode_change(body: &str) -> Result<Change, DecodeError> {
    super::single("Buildbot change", decode_changes(body)?)
}

/// A change's builds (`/changes/{id}/builds`) with their builder's name: by builder name,
/// then newest build first (a change built twice by one builder shows both).
pub fn builds_by_builder(builders: &[Builder], builds: Vec<Build>) -> Vec<(String, Build)> {
    let mut out: Vec<(String, Build)> = builds
        .into_iter()
        .map(|b| (super::builder_name(builders, b.builderid), b))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.buildid.cmp(&a.1.buildid)));
    out
}

impl Grid {
    /// Whether a build shown is still running (the page then polls while the websocket is
    /// down).
    pub fn any_running(&self) -> bool {
        self.rows
            .iter()
            .flat_map(|(_, cells)| cells)
            .flatten()
            .any(|b| b.status().is_active())
    }

    /// The builds of column `i` (a change), by builder: what the changes list shows per
    /// change.
    pub fn builds_of(&self, i: usize) -> Vec<(&Builder, &Build)> {
        self.rows
            .iter()
            .filter_map(|(builder, cells)| Some((builder, cells.get(i)?.as_ref()?)))
            .collect()
    }
}

/// The data API query of the newest `n` changes, of one branch when given (filtered by the
/// master).
pub fn changes_query(n: u32, branch: Option<&str>) -> String {
    match branch.filter(|b| !b.is_empty()) {
        Some(b) => format!(
            "changes?order=-changeid&limit={n}&branch={}",
            crate::links::percent_encode(b)
        ),
        None => format!("changes?order=-changeid&limit={n}"),
    }
}

/// The grid: columns newest change first, one row per builder (with a build for one of the
/// columns, or every builder of `tag` when a tag is chosen), each row's cells in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub columns: Vec<Change>,
    pub rows: Vec<(Builder, Vec<Option<Build>>)>,
}

/// Lays out `builds[i]` (the builds of `changes[i]`) by builder, newest change first. (Buildbot
/// 4.3 answers `changes?order=-changeid&limit=n` with the newest n but oldest first: its
/// database layer reverses the rows.) A builder with no build of any shown change is left out
/// unless a tag was asked for (then its row says "nothing").
pub fn grid(
    builders: &[Builder],
    changes: Vec<Change>,
    builds: &[Vec<Build>],
    tag: Option<&str>,
) -> Grid {
    let mut paired: Vec<(Change, Vec<Build>)> = changes
        .into_iter()
        .enumerate()
        .map(|(i, c)| (c, builds.get(i).cloned().unwrap_or_default()))
        .collect();
    paired.sort_by_key(|p| std::cmp::Reverse(p.0.changeid));
    let (changes, builds): (Vec<Change>, Vec<Vec<Build>>) = paired.into_iter().unzip();
    let tag = tag.filter(|t| !t.is_empty());
    let mut rows = Vec::new();
    for b in builders {
        if tag.is_some_and(|t| !b.tags.iter().any(|x| x == t)) {
            continue;
        }
        let cells: Vec<Option<Build>> = (0..changes.len())
            .map(|i| {
                builds
                    .get(i)
                    .into_iter()
                    .flatten()
                    .filter(|x| x.builderid == b.builderid)
                    .max_by_key(|x| x.buildid)
                    .cloned()
            })
            .collect();
        if tag.is_some() || cells.iter().any(Option::is_some) {
            rows.push((b.clone(), cells));
        }
    }
    Grid {
        columns: changes,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::buildbot as fixture;

    fn builder(id: i64, name: &str, tags: &[&str]) -> Builder {
        Builder {
            builderid: id,
            name: name.into(),
            description: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn build(buildid: i64, builderid: i64) -> Build {
        super::super::decode_build(
            &serde_json::json!({"builds": [{"buildid": buildid, "builderid": builderid, "number": buildid,
                "complete": true, "results": 0, "state_string": "ok"}]})
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn a_real_change_decodes() {
        let c = decode_changes(&fixture("changes")).unwrap();
        assert_eq!(c[0].author, "Dev <dev@example.invalid>");
        assert_eq!(c[0].branch.as_deref(), Some("main"));
        assert_eq!(c[0].revision.as_deref(), Some("abc1234"));
        assert_eq!(c[0].title(), "Fix <b>bug</b>");
        assert_eq!(c[0].label(), "abc1234");
        assert_eq!(c[0].files, vec!["src/main.c".to_string()]);
        assert_eq!(c[0].codebase, None);
        assert_eq!(c[0].revlink, None);
        assert_eq!(decode_change(&fixture("changes")).unwrap(), c[0]);
        assert!(decode_changes(r#"{"changes":[{"author":"x"}]}"#).is_err());
        let odd = decode_changes(
            r#"{"changes":[{"changeid":2,"files":["a",3,null],"revlink":"javascript:alert(1)"}]}"#,
        )
        .unwrap();
        assert_eq!(odd[0].files, vec!["a".to_string()]);
        assert_eq!(odd[0].revlink, None, "only http(s) links");
        assert_eq!(odd[0].label(), "change 2");
        assert!(decode_change(r#"{"changes":[]}"#).is_err());
    }

    #[test]
    fn cells_are_each_builders_newest_build_of_each_change() {
        let builders = [
            builder(1, "a", &["ci"]),
            builder(2, "b", &[]),
            builder(3, "c", &["ci"]),
        ];
        // As Buildbot sends them: the newest changes, oldest first.
        let changes = decode_changes(
            r#"{"changes":[{"changeid":8},{"changeid":9,"comments":"two\nlines"}]}"#,
        )
        .unwrap();
        assert_eq!(changes[1].title(), "two");
        let builds = vec![
            vec![build(10, 2)],
            vec![build(20, 1), build(21, 2), build(25, 1)],
        ];
        let g = grid(&builders, changes.clone(), &builds, None);
        let order: Vec<i64> = g.columns.iter().map(|c| c.changeid).collect();
        assert_eq!(order, [9, 8], "newest change first");
        let ids: Vec<Vec<Option<i64>>> = g
            .rows
            .iter()
            .map(|(_, cells)| {
                cells
                    .iter()
                    .map(|c| c.as_ref().map(|b| b.buildid))
                    .collect()
            })
            .collect();
        // c built nothing shown: no row; a was rebuilt for change 9: its newest build counts.
        assert_eq!(ids, [vec![Some(25), None], vec![Some(21), Some(10)]]);
        let of_newest: Vec<(&str, i64)> = g
            .builds_of(0)
            .into_iter()
            .map(|(b, x)| (b.name.as_str(), x.buildid))
            .collect();
        assert_eq!(of_newest, [("a", 25), ("b", 21)]);
        assert!(g.builds_of(7).is_empty());
        assert!(!g.any_running());
        // One change's page lists every build of it, rebuilt ones too, by builder name.
        let listed: Vec<(String, i64)> = builds_by_builder(
            &builders,
            vec![build(20, 1), build(21, 2), build(25, 1), build(30, 99)],
        )
        .into_iter()
        .map(|(name, x)| (name, x.buildid))
        .collect();
        assert_eq!(
            listed,
            [
                ("a".to_string(), 25),
                ("a".to_string(), 20),
                ("b".to_string(), 21),
                ("builder 99".to_string(), 30)
            ]
        );
        let tagged = grid(&builders, changes, &builds, Some("ci"));
        let names: Vec<&str> = tagged.rows.iter().map(|(b, _)| b.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(
            changes_query(5, Some("rel/1 x")),
            "changes?order=-changeid&limit=5&branch=rel%2F1%20x"
        );
        assert_eq!(
            changes_query(5, Some("")),
            "changes?order=-changeid&limit=5"
        );
    }
}
