//! Comparing two builds of the same builder or job (pure): step or stage durations side by side,
//! what got slower or faster, what was added or removed.
//!
//! Items are matched by name; a name that occurs several times (a repeated step) is matched by
//! occurrence, so the second `test` of one build meets the second `test` of the other.
//! Buildbot steps, CodeArts stages and ServiceStage phases all become [`Item`]s here, so the
//! three systems compare by one rule.

use crate::buildbot::Step;
use crate::codearts::Stage;
use crate::servicestage::Phase;
use crate::status::Status;
use crate::timefmt::format_duration;

/// How an item changed from the base build (`a`) to the other one (`b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Slower,
    Faster,
    Same,
    /// In both, but at least one has no duration (not finished, or never ran).
    Unknown,
}

impl Change {
    pub fn key(&self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Slower => "slower",
            Change::Faster => "faster",
            Change::Same => "same",
            Change::Unknown => "unknown",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Slower => "slower",
            Change::Faster => "faster",
            Change::Same => "about the same",
            Change::Unknown => "no duration",
        }
    }
}

/// One step, stage or phase of a build, in execution order.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    /// Seconds it ran; `None` when unfinished, never run, or the system does not say.
    pub secs: Option<f64>,
    pub status: Status,
}

impl Item {
    pub fn new(name: impl Into<String>, secs: Option<f64>, status: Status) -> Item {
        Item {
            name: name.into(),
            secs,
            status,
        }
    }
}

/// Buildbot steps: from their start to their end.
pub fn steps(steps: &[Step]) -> Vec<Item> {
    steps
        .iter()
        .map(|s| Item::new(&s.name, span(s.started_at, s.complete_at), s.status()))
        .collect()
}

/// CodeArts stages (already in `sequence` order): the stage's own `build_duration` once it is
/// over. Its times are no answer: a stage that never ran (aborted before it) has the record's
/// create time as `start_time` and the abort as `finish_time`, with `build_duration` 0 — so 0
/// means "did not run". Only a stage without `build_duration` falls back to its times.
pub fn stages(stages: &[Stage]) -> Vec<Item> {
    stages
        .iter()
        .map(|s| {
            let secs = match s.build_duration_secs {
                _ if s.status.is_active() => None,
                Some(d) if d > 0.0 => Some(d),
                Some(_) => None,
                None => span(s.start_time, s.finish_time),
            };
            Item::new(&s.display_name, secs, s.status.clone())
        })
        .collect()
}

/// ServiceStage phases: the API gives a phase no times, so only their states compare.
pub fn phases(phases: &[Phase]) -> Vec<Item> {
    phases
        .iter()
        .map(|p| Item::new(&p.name, None, p.status.clone()))
        .collect()
}

/// Seconds from `start` to `end` when both are known (clock skew counts as 0).
pub fn span(start: Option<f64>, end: Option<f64>) -> Option<f64> {
    Some((end? - start?).max(0.0))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    /// The item's status in each build (`None` where the build does not have it).
    pub a_status: Option<Status>,
    pub b_status: Option<Status>,
    /// `b - a` in seconds, when both are known.
    pub delta: Option<f64>,
    pub change: Change,
}

/// A difference counts when it is at least this many seconds and this share of the base, so
/// second-level jitter on short steps is not flagged.
pub(crate) const MIN_DELTA_SECS: f64 = 2.0;
pub(crate) const MIN_DELTA_RATIO: f64 = 0.10;

fn classify(a: Option<f64>, b: Option<f64>) -> (Option<f64>, Change) {
    match (a, b) {
        (Some(a), Some(b)) => {
            let d = b - a;
            let significant = d.abs() >= MIN_DELTA_SECS && d.abs() >= a.abs() * MIN_DELTA_RATIO;
            let change = match (significant, d > 0.0) {
                (false, _) => Change::Same,
                (true, true) => Change::Slower,
                (true, false) => Change::Faster,
            };
            (Some(d), change)
        }
        _ => (None, Change::Unknown),
    }
}

/// Rows in the order of build `b` (the newer one), with removed items placed after the item
/// that preceded them in `a`.
pub fn compare(a: &[Item], b: &[Item]) -> Vec<Row> {
    type Key = (String, usize);
    // Key each item by (name, occurrence) so repeated names pair up in order.
    fn keyed(items: &[Item]) -> Vec<(Key, &Item)> {
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        items
            .iter()
            .map(|it| {
                let k = seen.entry(it.name.as_str()).or_insert(0);
                *k += 1;
                ((it.name.clone(), *k), it)
            })
            .collect()
    }
    let ka = keyed(a);
    let kb = keyed(b);
    let in_b = |k: &Key| kb.iter().any(|(kb, _)| kb == k);
    // Each removed item is anchored to the nearest earlier item of `a` that `b` still has.
    let mut anchor: Option<&Key> = None;
    let mut removed: Vec<(Option<&Key>, Row)> = Vec::new();
    for (key, ia) in &ka {
        if in_b(key) {
            anchor = Some(key);
        } else {
            let row = Row {
                name: key.0.clone(),
                a: ia.secs,
                b: None,
                a_status: Some(ia.status.clone()),
                b_status: None,
                delta: None,
                change: Change::Removed,
            };
            removed.push((anchor, row));
        }
    }
    let take = |removed: &mut Vec<(Option<&Key>, Row)>, at: Option<&Key>| {
        let (here, rest): (Vec<_>, Vec<_>) = std::mem::take(removed)
            .into_iter()
            .partition(|(k, _)| *k == at);
        *removed = rest;
        here.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
    };
    let mut rows = take(&mut removed, None);
    for (key, ib) in &kb {
        let ia = ka.iter().find(|(k, _)| k == key).map(|(_, i)| *i);
        let (delta, change) = match ia {
            Some(ia) => classify(ia.secs, ib.secs),
            None => (None, Change::Added),
        };
        rows.push(Row {
            name: key.0.clone(),
            a: ia.and_then(|i| i.secs),
            b: ib.secs,
            a_status: ia.map(|i| i.status.clone()),
            b_status: Some(ib.status.clone()),
            delta,
            change,
        });
        rows.extend(take(&mut removed, Some(key)));
    }
    rows
}

/// The one-line account of a comparison: `2 slower, 0 faster, 1 added, 0 removed`.
pub fn summary(rows: &[Row]) -> String {
    let count = |c: Change| rows.iter().filter(|r| r.change == c).count();
    format!(
        "{} slower, {} faster, {} added, {} removed",
        count(Change::Slower),
        count(Change::Faster),
        count(Change::Added),
        count(Change::Removed)
    )
}

/// A difference in seconds as `+1m 05s` / `−30s` / `±0s` (under half a second); `None` as `–`.
pub fn signed_duration(d: Option<f64>) -> String {
    match d {
        Some(d) if d >= 0.5 => format!("+{}", format_duration(d.round() as i64)),
        Some(d) if d <= -0.5 => format!("−{}", format_duration((-d).round() as i64)),
        Some(_) => "±0s".into(),
        None => "–".into(),
    }
}

/// Total change of the compared builds, for the summary line.
pub fn total_delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &[(&str, Option<f64>)]) -> Vec<Item> {
        list.iter()
            .map(|(n, d)| Item::new(*n, *d, Status::Success))
            .collect()
    }

    #[test]
    fn slower_faster_same_added_removed() {
        let a = items(&[
            ("checkout", Some(10.0)),
            ("compile", Some(60.0)),
            ("lint", Some(5.0)),
            ("test", Some(100.0)),
        ]);
        let b = items(&[
            ("checkout", Some(11.0)),
            ("compile", Some(90.0)),
            ("test", Some(70.0)),
            ("package", Some(3.0)),
        ]);
        let rows = compare(&a, &b);
        let got: Vec<_> = rows.iter().map(|r| (r.name.as_str(), r.change)).collect();
        assert_eq!(
            got,
            [
                ("checkout", Change::Same),
                ("compile", Change::Slower),
                ("lint", Change::Removed),
                ("test", Change::Faster),
                ("package", Change::Added),
            ]
        );
        assert_eq!(rows[1].delta, Some(30.0));
        assert_eq!(rows[3].delta, Some(-30.0));
        assert_eq!((rows[2].a, rows[2].b), (Some(5.0), None));
    }

    #[test]
    fn jitter_is_not_a_change_and_unknown_durations_say_so() {
        // +1 s on a 5 s step: under the absolute floor. +3 s on a 100 s step: under 10 %.
        let rows = compare(
            &items(&[("a", Some(5.0)), ("b", Some(100.0)), ("c", None)]),
            &items(&[("a", Some(6.0)), ("b", Some(103.0)), ("c", Some(4.0))]),
        );
        assert_eq!(
            rows.iter().map(|r| r.change).collect::<Vec<_>>(),
            [Change::Same, Change::Same, Change::Unknown]
        );
    }

    #[test]
    fn repeated_names_pair_by_occurrence() {
        let a = items(&[("test", Some(10.0)), ("test", Some(50.0))]);
        let b = items(&[
            ("test", Some(10.0)),
            ("test", Some(80.0)),
            ("test", Some(1.0)),
        ]);
        let rows = compare(&a, &b);
        assert_eq!(
            rows.iter().map(|r| r.change).collect::<Vec<_>>(),
            [Change::Same, Change::Slower, Change::Added]
        );
        let removed = compare(&b, &a);
        assert_eq!(
            removed.iter().map(|r| r.change).collect::<Vec<_>>(),
            [Change::Same, Change::Faster, Change::Removed]
        );
        assert!(compare(&[], &[]).is_empty());
        assert_eq!(total_delta(Some(10.0), Some(25.0)), Some(15.0));
        assert_eq!(total_delta(None, Some(25.0)), None);
    }

    #[test]
    fn summary_and_signed_differences() {
        let rows = compare(
            &items(&[("a", Some(10.0)), ("gone", Some(1.0))]),
            &items(&[("a", Some(30.0)), ("new", Some(1.0))]),
        );
        assert_eq!(summary(&rows), "1 slower, 0 faster, 1 added, 1 removed");
        assert_eq!(signed_duration(Some(65.0)), "+1m 05s");
        assert_eq!(signed_duration(Some(-30.2)), "−30s");
        assert_eq!(signed_duration(Some(0.2)), "±0s");
        assert_eq!(signed_duration(None), "–");
    }

    #[test]
    fn statuses_travel_with_each_side() {
        let a = [Item::new("build", Some(5.0), Status::Success)];
        let b = [Item::new("build", Some(5.0), Status::Failure)];
        let rows = compare(&a, &b);
        assert_eq!(rows[0].a_status, Some(Status::Success));
        assert_eq!(rows[0].b_status, Some(Status::Failure));
        let added = compare(&[], &b);
        assert_eq!(
            (added[0].a_status.clone(), added[0].change),
            (None, Change::Added)
        );
    }

    #[test]
    fn codearts_stages_compare_in_sequence_order_by_their_run_time() {
        // The documented example: aborted during `initial` (9 s), the others never ran.
        let body = crate::testdata::huawei("codearts-full-stages");
        let stages = crate::codearts::decode_full_stages(&body).unwrap();
        let items = super::stages(&stages);
        let names: Vec<_> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["initial", "Cache Check", "Code CheckOut", "Maven", "final"]
        );
        let secs: Vec<_> = items.iter().map(|i| i.secs).collect();
        assert_eq!(secs, [Some(9.0), None, None, None, None]);
        assert!(items.iter().all(|i| i.status == Status::Cancelled));
    }

    #[test]
    fn servicestage_phases_compare_by_state_only() {
        let body = crate::testdata::huawei("servicestage-phases");
        let phases = crate::servicestage::decode_phases(&body).unwrap();
        let items = super::phases(&phases);
        assert_eq!(items.len(), 6);
        assert!(items.iter().all(|i| i.secs.is_none()));
        let rows = compare(&items, &items);
        assert!(rows.iter().all(|r| r.change == Change::Unknown));
    }
}
