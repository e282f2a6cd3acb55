//! Test results (`test_result_sets` and their `results`), which Buildbot's data API serves
//! and its own web UI never shows. A set belongs to a step; its `category` and `value_unit`
//! say what a result's `value` means (`pass_fail` + `boolean`: "1" passed, "0" failed).
//! Buildbot counts `tests_passed` / `tests_failed` itself for the pass/fail categories.

use super::envelope;
use crate::json::{self, DecodeError, Obj};

/// A set of test results of one step.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResultSet {
    pub setid: i64,
    pub builderid: i64,
    pub buildid: i64,
    pub stepid: i64,
    pub description: Option<String>,
    /// `pass_fail`, `pass_only`, `fail_only`, `code_issue`, `performance`, ... (free text).
    pub category: String,
    /// `boolean`, `ns`, `bytes`, ... (free text).
    pub value_unit: String,
    pub passed: Option<i64>,
    pub failed: Option<i64>,
    pub complete: bool,
}

/// One result of a set.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    pub id: i64,
    pub name: Option<String>,
    /// The test's source file and line in it (not a log line).
    pub code_path: Option<String>,
    pub line: Option<i64>,
    pub duration_ns: Option<i64>,
    pub value: String,
}

/// A page of results and how many the query matches in all (Buildbot's `meta.total`, exact
/// here because the master pages test results in its database).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultPage {
    pub results: Vec<TestResult>,
    pub total: Option<u64>,
}

/// What a result's value says, read with its set's category and unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    /// A measurement (performance, size...) or a value the category does not define.
    Value,
}

impl TestResultSet {
    /// Whether values are pass / fail words at all (`pass_fail`, `pass_only`, `fail_only`,
    /// `code_issue`), as opposed to measurements.
    pub fn is_pass_fail(&self) -> bool {
        matches!(
            self.category.as_str(),
            "pass_fail" | "pass_only" | "fail_only" | "code_issue"
        )
    }

    /// The outcome of one of this set's results.
    pub fn outcome(&self, value: &str) -> Outcome {
        match self.category.as_str() {
            "pass_only" => Outcome::Passed,
            "fail_only" | "code_issue" => Outcome::Failed,
            "pass_fail" => match value.trim().parse::<i64>() {
                Ok(0) => Outcome::Failed,
                Ok(_) => Outcome::Passed,
                Err(_) => Outcome::Value,
            },
            _ => Outcome::Value,
        }
    }

    /// The query (for `test_result_sets/{id}/results`) that selects this set's failures,
    /// `None` when its values are not pass / fail (or every result is a failure).
    pub fn failures_filter(&self) -> Option<&'static str> {
        (self.category == "pass_fail").then_some("value=0")
    }

    /// Failed tests of the set, when Buildbot counted them.
    pub fn failures(&self) -> u64 {
        self.failed.unwrap_or(0).max(0) as u64
    }

    /// Results that are neither passed nor failed by Buildbot's count (skipped, or values the
    /// category does not define), given the set's total.
    pub fn others(&self, total: u64) -> u64 {
        let counted = self.passed.unwrap_or(0).max(0) + self.failed.unwrap_or(0).max(0);
        total.saturating_sub(counted as u64)
    }

    /// "pass_fail · boolean" as a label; a description first when the set has one.
    pub fn title(&self) -> String {
        match &self.description {
            Some(d) if !d.trim().is_empty() => d.clone(),
            _ => format!("Test results {}", self.setid),
        }
    }
}

fn set(o: Obj<'_>) -> Result<TestResultSet, DecodeError> {
    Ok(TestResultSet {
        setid: o.i64("test_result_setid")?,
        builderid: o.opt_i64("builderid")?.unwrap_or(0),
        buildid: o.opt_i64("buildid")?.unwrap_or(0),
        stepid: o.opt_i64("stepid")?.unwrap_or(0),
        description: o.opt_str("description")?,
        category: o.opt_str("category")?.unwrap_or_default(),
        value_unit: o.opt_str("value_unit")?.unwrap_or_default(),
        passed: o.opt_i64("tests_passed")?,
        failed: o.opt_i64("tests_failed")?,
        complete: o.opt_bool("complete")?.unwrap_or(false),
    })
}

fn result(o: Obj<'_>) -> Result<TestResult, DecodeError> {
    Ok(TestResult {
        id: o.i64("test_resultid")?,
        name: o.opt_str("test_name")?,
        code_path: o.opt_str("test_code_path")?,
        line: o.opt_i64("line")?,
        duration_ns: o.opt_i64("duration_ns")?,
        value: o.opt_str("value")?.unwrap_or_default(),
    })
}

/// `builds/{id}/test_result_sets`, `steps/{id}/test_result_sets`, in id order.
pub fn decode_sets(body: &str) -> Result<Vec<TestResultSet>, DecodeError> {
    let mut sets = envelope("Buildbot test result sets", body, "test_result_sets", set)?;
    sets.sort_by_key(|s| s.setid);
    Ok(sets)
}

/// `test_result_sets/{id}`: one set.
pub fn decode_set(body: &str) -> Result<TestResultSet, DecodeError> {
    super::single("Buildbot test result set", decode_sets(body)?)
}

/// `test_result_sets/{id}/results?...` with its `meta.total`.
pub fn decode_results(body: &str) -> Result<ResultPage, DecodeError> {
    const WHAT: &str = "Buildbot test results";
    let results = envelope(WHAT, body, "test_results", result)?;
    let v = json::parse(WHAT, body)?;
    let total = Obj::new(WHAT, &v)?
        .opt_obj("meta")?
        .map(|m| m.opt_i64("total"))
        .transpose()?
        .flatten()
        .map(|t| t.max(0) as u64);
    Ok(ResultPage { results, total })
}

/// One set.
pub fn set_path(setid: i64) -> String {
    format!("test_result_sets/{setid}")
}

/// The sets of a build.
pub fn sets_of_build(buildid: i64) -> String {
    format!("builds/{buildid}/test_result_sets")
}

/// A page of a set's results: for a pass / fail set its failures first (`value` "0" sorts
/// before "1"; the master orders in its database), each group in the order the step reported
/// them; optionally only the failures; `name` keeps results whose name contains it.
pub fn results_page(
    set: &TestResultSet,
    failures_only: bool,
    name: &str,
    offset: u64,
    limit: u64,
) -> String {
    let order = if set.failures_filter().is_some() {
        "order=value&order=test_resultid"
    } else {
        "order=test_resultid"
    };
    let mut q = format!(
        "test_result_sets/{}/results?{order}&offset={offset}&limit={limit}",
        set.setid
    );
    if failures_only {
        if let Some(f) = set.failures_filter() {
            q.push('&');
            q.push_str(f);
        }
    }
    let name = name.trim();
    if !name.is_empty() {
        q.push_str("&test_name__contains=");
        q.push_str(&crate::links::percent_encode(name));
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETS: &str = r#"{"test_result_sets":[
        {"test_result_setid":7,"builderid":3,"buildid":40,"stepid":120,"description":"unit tests",
         "category":"pass_fail","value_unit":"boolean","tests_passed":5,"tests_failed":2,"complete":true},
        {"test_result_setid":5,"builderid":3,"buildid":40,"stepid":119,"description":null,
         "category":"performance","value_unit":"ns","tests_passed":null,"tests_failed":null,"complete":false}
    ],"meta":{"total":2}}"#;

    #[test]
    fn sets_decode_in_id_order_with_their_counts() {
        let sets = decode_sets(SETS).unwrap();
        assert_eq!(sets.iter().map(|s| s.setid).collect::<Vec<_>>(), [5, 7]);
        let unit = &sets[1];
        assert_eq!(
            (unit.passed, unit.failed, unit.complete),
            (Some(5), Some(2), true)
        );
        assert_eq!(unit.title(), "unit tests");
        assert_eq!(sets[0].title(), "Test results 5");
        assert_eq!(decode_set(SETS).unwrap().setid, 5);
        assert!(decode_set(r#"{"test_result_sets":[]}"#).is_err());
        assert_eq!(unit.others(9), 2);
        assert_eq!(unit.others(3), 0);
        assert!(unit.is_pass_fail() && !sets[0].is_pass_fail());
    }

    #[test]
    fn outcomes_follow_the_category() {
        let sets = decode_sets(SETS).unwrap();
        let (perf, unit) = (&sets[0], &sets[1]);
        assert_eq!(unit.outcome("1"), Outcome::Passed);
        assert_eq!(unit.outcome("0"), Outcome::Failed);
        assert_eq!(unit.outcome("skipped"), Outcome::Value);
        assert_eq!(perf.outcome("0"), Outcome::Value);
        let mut fail_only = unit.clone();
        fail_only.category = "code_issue".into();
        assert_eq!(fail_only.outcome("anything"), Outcome::Failed);
        assert_eq!(fail_only.failures_filter(), None);
    }

    #[test]
    fn results_decode_with_total_and_tolerate_odd_fields() {
        let page = decode_results(
            r#"{"test_results":[
                {"test_resultid":"11","builderid":3,"test_result_setid":7,"test_name":"a.b","test_code_path":"t/a.py","line":12,"duration_ns":1500,"value":"0"},
                {"test_resultid":12,"test_name":null,"value":"1"}
            ],"meta":{"total":50000}}"#,
        )
        .unwrap();
        assert_eq!(page.total, Some(50_000));
        assert_eq!(page.results[0].id, 11);
        assert_eq!(page.results[0].line, Some(12));
        assert_eq!(page.results[1].name, None);
        assert_eq!(
            decode_results(r#"{"test_results":[]}"#).unwrap().total,
            None
        );
        assert!(decode_results(r#"{"builds":[]}"#).is_err());
    }

    #[test]
    fn result_pages_ask_for_failures_and_names_on_the_server() {
        let sets = decode_sets(SETS).unwrap();
        assert_eq!(
            results_page(&sets[1], true, " test a&b ", 200, 100),
            "test_result_sets/7/results?order=value&order=test_resultid&offset=200&limit=100&value=0&test_name__contains=test%20a%26b"
        );
        assert_eq!(
            results_page(&sets[0], true, "", 0, 100),
            "test_result_sets/5/results?order=test_resultid&offset=0&limit=100"
        );
    }
}
