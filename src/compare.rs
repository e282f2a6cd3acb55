//! Comparing two builds of the same builder or job (pure): step or stage durations side by side,
//! what got slower or faster, what was added or removed.
//!
//! Items are matched by name; a name that occurs several times (a repeated step) is matched by
//! occurrence, so the second `test` of one build meets the second `test` of the other.

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

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    /// `b - a` in seconds, when both are known.
    pub delta: Option<f64>,
    pub change: Change,
}

/// A difference counts when it is at least this many seconds and this share of the base, so
/// second-level jitter on short steps is not flagged.
pub const MIN_DELTA_SECS: f64 = 2.0;
pub const MIN_DELTA_RATIO: f64 = 0.10;

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
/// that preceded them in `a`. Each input is (name, duration in seconds) in execution order.
pub fn compare(a: &[(String, Option<f64>)], b: &[(String, Option<f64>)]) -> Vec<Row> {
    // Key each item by (name, occurrence) so repeated names pair up in order.
    fn keyed(items: &[(String, Option<f64>)]) -> Vec<((String, usize), Option<f64>)> {
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        items
            .iter()
            .map(|(n, d)| {
                let k = seen.entry(n.as_str()).or_insert(0);
                *k += 1;
                ((n.clone(), *k), *d)
            })
            .collect()
    }
    let ka = keyed(a);
    let kb = keyed(b);
    let in_b = |k: &(String, usize)| kb.iter().any(|(kb, _)| kb == k);
    // Each removed item is anchored to the nearest earlier item of `a` that `b` still has.
    let mut anchor: Option<&(String, usize)> = None;
    let mut removed: Vec<(Option<&(String, usize)>, Row)> = Vec::new();
    for (key, da) in &ka {
        if in_b(key) {
            anchor = Some(key);
        } else {
            let row = Row {
                name: key.0.clone(),
                a: *da,
                b: None,
                delta: None,
                change: Change::Removed,
            };
            removed.push((anchor, row));
        }
    }
    let take = |removed: &mut Vec<(Option<&(String, usize)>, Row)>,
                at: Option<&(String, usize)>| {
        let (here, rest): (Vec<_>, Vec<_>) = std::mem::take(removed)
            .into_iter()
            .partition(|(k, _)| *k == at);
        *removed = rest;
        here.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
    };
    let mut rows = take(&mut removed, None);
    for (key, db) in &kb {
        rows.push(match ka.iter().find(|(k, _)| k == key) {
            Some((_, da)) => {
                let (delta, change) = classify(*da, *db);
                Row {
                    name: key.0.clone(),
                    a: *da,
                    b: *db,
                    delta,
                    change,
                }
            }
            None => Row {
                name: key.0.clone(),
                a: None,
                b: *db,
                delta: None,
                change: Change::Added,
            },
        });
        rows.extend(take(&mut removed, Some(key)));
    }
    rows
}

/// Total change of the compared builds, for the summary line.
pub fn total_delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &[(&str, Option<f64>)]) -> Vec<(String, Option<f64>)> {
        list.iter().map(|(n, d)| (n.to_string(), *d)).collect()
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
}
