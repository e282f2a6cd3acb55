use super::*;

fn start_of(line: &str) -> (String, GroupKind, bool) {
    match marker(line) {
        Some(Marker::Start {
            title,
            kind,
            collapsed_by_default,
            ..
        }) => (title, kind, collapsed_by_default),
        other => panic!("{line:?} gave {other:?}"),
    }
}

fn hidden(rows: &VisibleRows) -> Vec<(u64, u64)> {
    rows.hidden_ranges().map(|r| (r.start, r.end)).collect()
}

fn index(lines: &[&str]) -> GroupIndex {
    let mut idx = GroupIndex::new();
    for (i, l) in lines.iter().enumerate() {
        idx.push_line(i as u64, l);
    }
    idx
}

/// (start, end, depth, title) of every group.
fn shape(idx: &GroupIndex) -> Vec<(u64, Option<u64>, u32, &str)> {
    idx.groups()
        .iter()
        .map(|g| (g.start, g.end, g.depth, g.title.as_str()))
        .collect()
}

#[test]
fn github_and_azure_markers() {
    use GroupKind::*;
    assert_eq!(
        start_of("::group::Build step"),
        ("Build step".into(), GitHub, true)
    );
    assert_eq!(
        start_of("  ::group::  Indented "),
        ("Indented".into(), GitHub, true)
    );
    assert_eq!(
        start_of("\x1b[36m::group::\x1b[1mColoured\x1b[0m"),
        ("Coloured".into(), GitHub, true)
    );
    assert_eq!(marker("::endgroup::"), Some(end(GitHub)));
    assert_eq!(marker("\x1b[0m::endgroup::\x1b[0m"), Some(end(GitHub)));
    assert_eq!(
        start_of("##[group]Run actions/checkout@v4"),
        ("Run actions/checkout@v4".into(), Azure, true)
    );
    assert_eq!(marker("##[endgroup]"), Some(end(Azure)));
    for not in [
        "echo ::group::x",
        ":: group::x",
        "::grou",
        "#[group]x",
        "##[section]x",
        "##",
    ] {
        assert_eq!(marker(not), None, "{not:?}");
    }
}

#[test]
fn gitlab_markers() {
    let line = "\x1b[0Ksection_start:1700000000:build_step[collapsed=true]\r\x1b[0K\x1b[36;1mBuilding\x1b[0;m";
    assert_eq!(
        marker(line),
        Some(Marker::Start {
            title: "Building".into(),
            kind: GroupKind::GitLab,
            collapsed_by_default: true,
            name: Some("build_step".into()),
            timestamp: Some(1_700_000_000),
        })
    );
    // No title: the name. Other options: expanded.
    assert_eq!(
        start_of("section_start:1:get-sources\r\x1b[0K"),
        ("get-sources".into(), GroupKind::GitLab, false)
    );
    assert_eq!(
        start_of("section_start:1:s.1[hide_duration=true,collapsed=true]\r\x1b[0KT"),
        ("T".into(), GroupKind::GitLab, true)
    );
    assert_eq!(
        start_of("section_start:1:s[hide_duration=true]\r\x1b[0KT"),
        ("T".into(), GroupKind::GitLab, false)
    );
    assert_eq!(
        marker("\x1b[0Ksection_end:1700000005:build_step\r\x1b[0K"),
        Some(Marker::End {
            kind: GroupKind::GitLab,
            name: Some("build_step".into()),
            timestamp: Some(1_700_000_005),
        })
    );
    for not in [
        "section_start:abc:x\r",
        "section_start::x\r",
        "section_start:1:\r",
        "section_start:1:[collapsed=true]\r",
        "section_start:1:name[collapsed=true\rT",
        "section_start:99999999999999999999999:x\r",
        "xsection_start:1:a\r",
        "section_end:1",
        "sections",
    ] {
        assert_eq!(marker(not), None, "{not:?}");
    }
}

#[test]
fn buildkite_markers() {
    use GroupKind::Buildkite;
    assert_eq!(start_of("--- Build"), ("Build".into(), Buildkite, true));
    assert_eq!(start_of("+++ Tests"), ("Tests".into(), Buildkite, false));
    assert_eq!(start_of("~~~ Setup"), ("Setup".into(), Buildkite, true));
    assert_eq!(
        start_of("\x1b[33m--- Running \x1b[1mspecs\x1b[0m :cow:"),
        ("Running specs :cow:".into(), Buildkite, true)
    );
    assert_eq!(start_of("+++ "), (String::new(), Buildkite, false));
    assert_eq!(marker("^^^ +++"), Some(Marker::ExpandCurrent));
    for not in [
        "---",
        "----- x",
        "---x",
        "++",
        "^^^ ---",
        "--- FAIL: TestParse (0.00s)",
        "    --- PASS: TestParse/empty (0.00s)",
        "--- a/src/lib.rs",
        "+++ b/src/lib.rs",
        "--- /dev/null",
        "-- x",
        "- x",
    ] {
        assert_eq!(marker(not), None, "{not:?}");
    }
    // Plain lines never are markers.
    for plain in [
        "",
        "   ",
        "hello",
        "\x1b[31merror\x1b[0m",
        "\t::",
        "s",
        "日本",
    ] {
        assert_eq!(marker(plain), None, "{plain:?}");
    }
}

#[test]
fn nesting_across_syntaxes() {
    let idx = index(&[
        "::group::A",                     // 0
        "x",                              // 1
        "section_start:10:s1\r\x1b[0KS1", // 2
        "##[group]Az",                    // 3
        "y",                              // 4
        "##[endgroup]",                   // 5
        "section_end:12:s1\r\x1b[0K",     // 6
        "::endgroup::",                   // 7
        "z",                              // 8
    ]);
    assert_eq!(
        shape(&idx),
        [
            (0, Some(7), 0, "A"),
            (2, Some(6), 1, "S1"),
            (3, Some(5), 2, "Az")
        ]
    );
    assert_eq!(idx.group(2).and_then(Group::duration_secs), Some(2));
    assert_eq!(idx.next_line(), 9);
    // GitHub and Azure groups start collapsed; a GitLab one only with `collapsed=true`.
    let collapsed: Vec<u64> = idx
        .groups()
        .iter()
        .filter(|g| g.collapsed_by_default)
        .map(|g| g.start)
        .collect();
    assert_eq!(collapsed, [0, 3]);
}

#[test]
fn buildkite_groups_do_not_nest() {
    let idx = index(&["--- one", "a", "+++ two", "b", "~~~ three", "c"]);
    assert_eq!(
        shape(&idx),
        [
            (0, Some(1), 0, "one"),
            (2, Some(3), 0, "two"),
            (4, None, 0, "three")
        ]
    );
    // Inside another CI's group they nest in it, but still not in each other.
    let idx = index(&["::group::G", "--- a", "x", "--- b", "::endgroup::", "y"]);
    assert_eq!(
        shape(&idx),
        [
            (0, Some(4), 0, "G"),
            (1, Some(2), 1, "a"),
            (3, Some(4), 1, "b")
        ]
    );
    // A header ends what is open inside the previous Buildkite group too.
    let idx = index(&["--- a", "section_start:1:s\r\x1b[0KS", "x", "--- b"]);
    assert_eq!(
        shape(&idx),
        [
            (0, Some(2), 0, "a"),
            (1, Some(2), 1, "S"),
            (3, None, 0, "b")
        ]
    );
    // Consecutive headers give an empty group; `^^^ +++` expands the current one.
    let idx = index(&["--- a", "--- b", "x", "^^^ +++", "y"]);
    assert_eq!(shape(&idx), [(0, Some(0), 0, "a"), (1, None, 0, "b")]);
    assert!(!idx.groups()[1].collapsed_by_default);
    assert!(idx.groups()[0].collapsed_by_default);
}

#[test]
fn unbalanced_markers() {
    // Ends without a start are ignored.
    let idx = index(&[
        "::endgroup::",
        "section_end:1:x\r",
        "##[endgroup]",
        "^^^ +++",
        "a",
    ]);
    assert!(idx.groups().is_empty());
    // A GitLab end names its section: an unknown name is ignored, an outer name also
    // ends what is open inside.
    let idx = index(&[
        "section_start:1:outer\r\x1b[0KO",
        "section_start:2:inner\r\x1b[0KI",
        "section_end:3:nope\r\x1b[0K",
        "section_end:4:outer\r\x1b[0K",
        "x",
    ]);
    assert_eq!(shape(&idx), [(0, Some(3), 0, "O"), (1, Some(3), 1, "I")]);
    // Kinds do not end each other.
    let idx = index(&["##[group]A", "::endgroup::", "x"]);
    assert_eq!(shape(&idx), [(0, None, 0, "A")]);
    // A start never ended stays open and hides to the end of the log when collapsed.
    let idx = index(&["a", "::group::open", "b", "c"]);
    let rows = idx.visible_rows(&HashSet::from([1]), 4);
    assert_eq!(rows.row_count(), 2);
    assert_eq!(hidden(&rows), [(2, 4)]);
    // ... and keeps growing as the live log does.
    assert_eq!(idx.visible_rows(&HashSet::from([1]), 10).row_count(), 2);
    // The group is open at the index level too.
    assert_eq!(idx.groups()[0].last_line(4), 3);
}

#[test]
fn push_order_and_gaps() {
    let mut idx = GroupIndex::new();
    idx.push_line(0, "::group::A");
    idx.push_line(0, "::group::A again");
    idx.push_line(5, "x");
    idx.push_line(3, "::endgroup::");
    assert_eq!(idx.next_line(), 6);
    idx.push_line(100, "::endgroup::");
    assert_eq!(shape(&idx), [(0, Some(100), 0, "A")]);
}

#[test]
fn nested_collapsed_groups() {
    let idx = index(&[
        "::group::outer", // 0
        "a",              // 1
        "::group::inner", // 2
        "b",              // 3
        "c",              // 4
        "::endgroup::",   // 5
        "d",              // 6
        "::endgroup::",   // 7
        "e",              // 8
    ]);
    let rows = idx.visible_rows(&HashSet::from([2]), 9);
    assert_eq!(hidden(&rows), [(3, 6)]);
    assert_eq!(
        rows.lines_for_rows(0..100).collect::<Vec<_>>(),
        [0, 1, 2, 6, 7, 8]
    );
    let rows = idx.visible_rows(&HashSet::from([0, 2]), 9);
    assert_eq!(hidden(&rows), [(1, 8)]);
    assert_eq!(rows.row_count(), 2);
    assert_eq!(rows.row_to_line(1), Some(8));
    assert_eq!(rows.line_to_row(3), None);
    assert_eq!(rows.nearest_row(3), Some(0));
    assert_eq!(rows.line_to_row(8), Some(1));
    assert_eq!(rows.row_to_line(2), None);
    assert_eq!(rows.line_to_row(9), None);
    // Unknown ids and ids beyond the log are ignored.
    let rows = idx.visible_rows(&HashSet::from([1, 4, 99]), 9);
    assert_eq!(rows, VisibleRows::all(9));
}

use crate::rng::Rng;

/// A random-ish log mixing every syntax, nested and unbalanced.
fn random_log(rng: &mut Rng, n: usize) -> Vec<String> {
    let names = ["a", "b", "c", "d"];
    (0..n)
        .map(|i| match rng.below(40) {
            0..=2 => format!("::group::gh {i}"),
            3..=5 => "::endgroup::".to_string(),
            6 | 7 => {
                let name = names[rng.below(4) as usize];
                format!("\x1b[0Ksection_start:{i}:{name}\r\x1b[0K\x1b[1mgl {i}\x1b[0m")
            }
            8 | 9 => {
                let name = names[rng.below(4) as usize];
                format!("\x1b[0Ksection_end:{i}:{name}\r\x1b[0K")
            }
            10 => format!("--- bk {i}"),
            11 => format!("+++ bk {i}"),
            12 => "##[group]az".to_string(),
            13 => "##[endgroup]".to_string(),
            14 => "^^^ +++".to_string(),
            _ => format!("\x1b[3{}mline {i}\x1b[0m", i % 8),
        })
        .collect()
}

/// Brute force: a line is hidden iff some collapsed group has it after its header and
/// at or before its last line.
fn brute_visible(idx: &GroupIndex, collapsed: &HashSet<u64>, total: u64) -> Vec<u64> {
    (0..total)
        .filter(|&line| {
            !idx.groups().iter().any(|g| {
                collapsed.contains(&g.start) && g.start < line && line <= g.last_line(total)
            })
        })
        .collect()
}

#[test]
fn row_mapping_matches_brute_force() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for round in 0..12 {
        let lines = random_log(&mut rng, 400 + round * 50);
        let mut idx = GroupIndex::new();
        for (i, l) in lines.iter().enumerate() {
            idx.push_line(i as u64, l);
        }
        let n = lines.len() as u64;
        assert!(idx.groups().len() > 20, "generator produces groups");
        // Nesting invariants: a group of depth d > 0 lies inside the last group of depth
        // d - 1 before it; groups are either nested or disjoint.
        for (i, g) in idx.groups().iter().enumerate() {
            let Some(d) = g.depth.checked_sub(1) else {
                continue;
            };
            let parent = idx.groups()[..i].iter().rev().find(|p| p.depth == d);
            let p = parent.expect("a nested group has an enclosing one");
            assert!(p.start < g.start && g.last_line(n) <= p.last_line(n));
        }
        for (i, a) in idx.groups().iter().enumerate() {
            for b in &idx.groups()[i + 1..] {
                let inside = b.last_line(n) <= a.last_line(n);
                assert!(inside || b.start > a.last_line(n), "{a:?} overlaps {b:?}");
            }
        }
        for (a, b) in idx.groups().iter().zip(idx.groups().iter().skip(1)) {
            assert!(a.start < b.start);
        }
        for trial in 0..8 {
            // Sometimes a prefix of the log (live log still growing).
            let total = if trial % 3 == 0 {
                n - rng.below(n / 2)
            } else {
                n
            };
            let mut collapsed: HashSet<u64> = idx
                .groups()
                .iter()
                .filter(|_| rng.below(3) == 0)
                .map(|g| g.start)
                .collect();
            if trial == 0 {
                collapsed = idx.groups().iter().map(|g| g.start).collect();
            }
            collapsed.insert(rng.below(n)); // maybe not a group: ignored
            let rows = idx.visible_rows(&collapsed, total);
            let want = brute_visible(&idx, &collapsed, total);
            assert_eq!(rows.row_count(), want.len() as u64);
            assert_eq!(rows.lines_for_rows(0..total).collect::<Vec<_>>(), want);
            for (row, &line) in want.iter().enumerate() {
                assert_eq!(rows.row_to_line(row as u64), Some(line));
                assert_eq!(rows.line_to_row(line), Some(row as u64));
            }
            assert_eq!(rows.row_to_line(want.len() as u64), None);
            let start = rng.below(want.len() as u64 + 1);
            let window: Vec<u64> = rows.lines_for_rows(start..start + 30).collect();
            let expect: Vec<u64> = want.iter().copied().skip(start as usize).take(30).collect();
            assert_eq!(window, expect);
            for line in 0..total {
                if rows.is_visible(line) {
                    continue;
                }
                // Hidden: the nearest row is the outermost collapsed group hiding it (groups
                // are in header order, so the first one found is the outermost).
                let header = idx
                    .groups()
                    .iter()
                    .find(|g| {
                        collapsed.contains(&g.start) && g.start < line && line <= g.last_line(total)
                    })
                    .map(|g| g.start);
                let header = header.expect("a collapsed group hides it");
                assert_eq!(rows.nearest_row(line), rows.line_to_row(header));
            }
        }
    }
}

#[test]
fn arbitrary_text_never_panics() {
    let alphabet = [
        "::",
        "group",
        "end",
        "##[",
        "]",
        "section_",
        "start",
        "end:",
        ":",
        "1",
        "[",
        "=",
        "collapsed=true",
        "\r",
        "\x1b[0K",
        "\x1b",
        "-",
        "+",
        "~",
        "^",
        " ",
        "\t",
        "é",
        "日",
        "a/",
        "FAIL:",
    ];
    let mut rng = Rng(42);
    let mut idx = GroupIndex::new();
    for line_no in 0..20_000u64 {
        let mut line = String::new();
        for _ in 0..rng.below(12) {
            line.push_str(rng.pick(&alphabet));
        }
        let _ = marker(&line);
        idx.push_line(line_no, &line);
    }
    let all: HashSet<u64> = idx.groups().iter().map(|g| g.start).collect();
    let rows = idx.visible_rows(&all, 20_000);
    assert!(rows.row_count() <= 20_000);
    assert_eq!(
        rows.lines_for_rows(0..20_000).count() as u64,
        rows.row_count()
    );
}

#[test]
fn million_line_mapping_is_cheap() {
    // 10 000 groups of 100 lines over 1M lines, every other one collapsed.
    let mut idx = GroupIndex::new();
    for g in 0..10_000u64 {
        idx.push_line(g * 100, &format!("::group::g{g}"));
        idx.push_line(g * 100 + 99, "::endgroup::");
    }
    let collapsed: HashSet<u64> = (0..10_000u64).step_by(2).map(|g| g * 100).collect();
    let rows = idx.visible_rows(&collapsed, 1_000_000);
    assert_eq!(rows.row_count(), 1_000_000 - 5_000 * 99);
    assert_eq!(rows.row_to_line(1), Some(100));
    assert_eq!(rows.line_to_row(999_999), Some(rows.row_count() - 1));
    assert_eq!(rows.nearest_row(250), rows.line_to_row(200));
}
