use super::content::{self, codearts, SYNTHETIC_TOKENS};
use super::read::{self, lossy, V1Query};
use super::synth::{self, Body, Pace, PERIOD};
use super::*;
use crate::model::{ca_plan, CaBuild, SYNTHETIC_LOG_LINES};
use serde_json::Value;

fn line(at: i64, text: &str) -> Line {
    Line {
        at,
        stage: None,
        text: text.to_string(),
    }
}

/// "ab中\n" (6 bytes) then "€x\n" (5 bytes) then "🚀\n" (5 bytes), written at 10, 20, 30.
fn small() -> Log {
    Log::from_lines(vec![line(10, "ab中"), line(20, "€x"), line(30, "🚀")])
}

const SMALL: &str = "ab中\n€x\n🚀\n";

fn synthetic(count: u64) -> Log {
    let body = Body {
        count,
        stage: 3,
        start: 1_000,
        pace: Pace::Every { ms: 2 },
    };
    Log::with_body(
        vec![line(0, "head 头")],
        Some(body),
        vec![line(i64::MAX / 8, "tail")],
    )
}

#[test]
fn a_body_lines_length_depends_only_on_its_place_in_the_pattern() {
    let mut base = String::new();
    let mut other = String::new();
    for slot in 0..PERIOD {
        base.clear();
        other.clear();
        synth::line(slot, 0, &mut base);
        synth::line(
            slot + 987_654 * PERIOD,
            1_900_000_000_000 + slot as i64,
            &mut other,
        );
        assert_eq!(
            base.len(),
            other.len(),
            "slot {slot}: {base:?} vs {other:?}"
        );
        assert!(
            !base.contains("NEEDLE"),
            "the search tokens are not in the body"
        );
    }
}

#[test]
fn offsets_times_and_text_agree() {
    let log = synthetic(2 * PERIOD + 17);
    let n = log.lines();
    assert_eq!(n, 2 * PERIOD + 19);
    let mut all = String::new();
    for i in 0..n {
        assert_eq!(log.offset(i), all.len() as u64, "line {i}");
        log.write_line(i, &mut all);
    }
    assert_eq!(log.offset(n), all.len() as u64);
    assert_eq!(log.whole().text(i64::MAX), all);
    for i in 1..n {
        assert!(log.at(i) > log.at(i - 1));
    }
    let v = log.whole();
    for b in [0, 1, 9, 10, 11, 500, 77_777, all.len() as u64 - 1] {
        let k = v.line_of(b);
        assert!(log.offset(k) <= b && b < log.offset(k + 1), "byte {b}");
    }
    // Any byte window, even one cutting a character, is the stored bytes.
    for (s, e) in [(0, 3), (5, 8), (6, 90_001), (11, 12), (100, 100)] {
        assert_eq!(
            v.bytes(s, e),
            all.as_bytes()[s as usize..e as usize],
            "{s}..{e}"
        );
    }
    // Half the body is written at 1000 + 2 * 1008.
    assert_eq!(v.line_count(1_000 + 2 * 1008), 1 + 1009);
    assert_eq!(v.len(-1), 0);
}

#[test]
fn views_count_from_their_first_line() {
    let log = small();
    let v = log.view(1, 3);
    assert_eq!(v.text(i64::MAX), "€x\n🚀\n");
    assert_eq!(v.len(25), 5);
    assert_eq!(v.bytes(0, 2), "€x\n".as_bytes()[..2]);
    assert_eq!(log.view(5, 9).len(i64::MAX), 0);
}

#[test]
fn lossy_decoding_follows_the_maximal_subpart_rule() {
    // A character cut at the end is one U+FFFD; at the start, one per continuation byte.
    let zh = "中".as_bytes();
    assert_eq!(lossy(&[b'a', zh[0], zh[1]]), "a\u{fffd}");
    assert_eq!(lossy(&[zh[1], zh[2], b'b']), "\u{fffd}\u{fffd}b");
    let rocket = "🚀".as_bytes();
    assert_eq!(lossy(&rocket[..3]), "\u{fffd}");
    assert_eq!(lossy(&rocket[1..]), "\u{fffd}\u{fffd}\u{fffd}");
}

#[test]
fn v3_cuts_exact_byte_counts_anywhere() {
    let log = small();
    let v = log.whole();
    let r = read::v3(v, 100, false, 0, 3);
    assert_eq!(r["content"], "ab\u{fffd}");
    assert_eq!(r["offset"], 3);
    assert_eq!(r["has_more_data"], true);
    let r = read::v3(v, 100, false, 3, 100);
    assert_eq!(r["content"], "\u{fffd}\u{fffd}\n€x\n🚀\n");
    assert_eq!(r["offset"], SMALL.len());
    assert_eq!(r["current_offset"], 3);
    assert_eq!(r["has_more_data"], false);
    // At the end of a running build's log: nothing yet, but more to come.
    let r = read::v3(v, 25, true, 11, 100);
    assert_eq!(r["content"], "");
    assert_eq!(r["offset"], 11);
    assert_eq!(r["has_more_data"], true);
    let r = read::v3(v, 100, false, 99, 5);
    assert_eq!(
        (r["content"].as_str(), r["offset"].as_u64()),
        (Some(""), Some(99))
    );
}

fn q(start: u64, end: Option<u64>, desc: bool, size: u64) -> V1Query {
    V1Query {
        start,
        end,
        desc,
        size,
    }
}

fn chunk(r: &Value) -> (u64, u64, &str, bool) {
    (
        r["start_offset"].as_u64().unwrap(),
        r["end_offset"].as_u64().unwrap(),
        r["log"].as_str().unwrap(),
        r["has_more"].as_bool().unwrap(),
    )
}

#[test]
fn v1_ascending_pages_by_lines() {
    let log = small();
    let v = log.whole();
    let r = read::v1(v, 100, false, q(0, None, false, 2));
    assert_eq!(chunk(&r), (0, 11, "ab中\n€x\n", true));
    assert_eq!(r["location"], "jenkins");
    assert_eq!(
        chunk(&read::v1(v, 100, false, q(11, None, false, 2))),
        (11, 16, "🚀\n", false)
    );
    // A start inside a character: the partial line counts as one.
    assert_eq!(
        chunk(&read::v1(v, 100, false, q(3, None, false, 1))),
        (3, 6, "\u{fffd}\u{fffd}\n", true)
    );
    // An end inside a character cuts it.
    assert_eq!(
        chunk(&read::v1(v, 100, false, q(0, Some(8), false, 5))),
        (0, 8, "ab中\n\u{fffd}", true)
    );
    // Running: nothing after the last written line yet, more to come.
    assert_eq!(
        chunk(&read::v1(v, 25, true, q(11, None, false, 1000))),
        (11, 11, "", true)
    );
    assert_eq!(
        chunk(&read::v1(v, 100, false, q(0, None, false, 0))),
        (0, 0, "", true)
    );
}

#[test]
fn v1_descending_reads_the_tail_first() {
    let log = small();
    let v = log.whole();
    assert_eq!(
        chunk(&read::v1(v, 100, false, q(0, None, true, 1))),
        (11, 16, "🚀\n", true)
    );
    assert_eq!(
        chunk(&read::v1(v, 100, false, q(0, Some(11), true, 5))),
        (0, 11, "ab中\n€x\n", false)
    );
    // What is written so far, while running.
    assert_eq!(
        chunk(&read::v1(v, 15, true, q(0, None, true, 1))),
        (0, 6, "ab中\n", false)
    );
    // Bounded below by start_offset.
    assert_eq!(
        chunk(&read::v1(v, 100, false, q(4, None, true, 3))),
        (4, 16, "\u{fffd}\n€x\n🚀\n", false)
    );
}

#[test]
fn servicestage_chunks_cut_anywhere() {
    let log = small();
    assert_eq!(
        read::servicestage(log.whole(), 100, 0, 4),
        ("ab\u{fffd}".to_string(), 4)
    );
    assert_eq!(
        read::servicestage(log.whole(), 100, 16, 4),
        (String::new(), 16)
    );
}

#[test]
fn a_download_streams_what_is_written() {
    let log = Arc::new(small());
    let mut all = Vec::new();
    LogStream::new(Arc::clone(&log), 0, 3, 25)
        .read_to_end(&mut all)
        .unwrap();
    assert_eq!(all, "ab中\n€x\n".as_bytes());
    let mut s = LogStream::new(log, 0, 3, 100);
    s.left /= 2;
    let mut half = Vec::new();
    s.read_to_end(&mut half).unwrap();
    assert_eq!(half, SMALL.as_bytes()[..8]);
}

fn big() -> (CaBuild, Log) {
    let b = CaBuild {
        job: 3,
        build_no: 1,
        t0: 1_750_000_000_000,
        ..CaBuild::default()
    };
    let log = codearts(&b, &ca_plan(&b, 3000));
    (b, log)
}

#[test]
fn the_synthetic_log_has_a_million_lines_in_stage_time() {
    let (b, log) = big();
    let plan = ca_plan(&b, 3000);
    let n = log.lines();
    assert_eq!(n, SYNTHETIC_LOG_LINES);
    for i in 1..n {
        assert!(log.at(i) >= log.at(i - 1), "line {i}");
    }
    // The Maven stage's generated lines are strictly apart, inside the stage.
    let (a, z) = log.stage_lines(3);
    assert!(z - a > 999_000);
    for i in a + 1..z {
        assert!(log.at(i) > log.at(i - 1), "line {i}");
    }
    let maven = &plan.stages[3];
    assert!(log.at(a) >= maven.start_at && log.at(z - 1) <= maven.finish_at);
    let v = log.whole();
    let tail_from = v.line_offset(n - 40);
    let tail = lossy(&v.bytes(tail_from, v.len(i64::MAX)));
    for t in SYNTHETIC_TOKENS {
        assert_eq!(tail.matches(t).count(), 1, "{t}");
    }
    assert!(tail.ends_with("Finished: FAILED\n"));
    let lines: Vec<&str> = tail.lines().collect();
    let last_error = lines.iter().rposition(|l| l.contains("[ERROR]")).unwrap();
    assert!(last_error >= 40 - 12, "an ERROR near the end");
}

#[test]
fn the_documented_line_numbers() {
    // sim/README.md names these lines (1-based); e2e tests search for them.
    let (_, log) = big();
    let text = |line: u64| {
        let mut s = String::new();
        log.write_line(line - 1, &mut s);
        s
    };
    assert!(text(21).contains(" item 000000000 ok"));
    assert!(text(999_986).contains(" item 000999965 "));
    assert!(text(999_987).contains("Results:"));
    assert!(text(999_992).contains("[ERROR] BUILD FAILURE"));
    assert!(text(999_994).contains("Maven finished, status: FAILED"));
    let first_error = (1..=1100).find(|&l| text(l).contains("[ERROR]"));
    assert_eq!(first_error, Some(1020));
    assert!(text(999_020).contains("[ERROR]"));
    assert_eq!(log.offset(log.lines()), 99_243_181);
    let mut found = Vec::new();
    for i in log.lines() - 30..log.lines() {
        let mut s = String::new();
        log.write_line(i, &mut s);
        for t in SYNTHETIC_TOKENS {
            if s.contains(t) {
                found.push((t, i + 1));
            }
        }
    }
    assert_eq!(
        found,
        [
            (SYNTHETIC_TOKENS[0], 999_990),
            (SYNTHETIC_TOKENS[1], 999_993),
            (SYNTHETIC_TOKENS[2], 999_997),
        ]
    );
}

#[test]
fn the_first_servicestage_chunk_ends_inside_a_character() {
    let banner: String = content::SS_BANNER
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let cut = crate::servicestage::LOG_CHUNK as usize;
    assert!(!banner.is_char_boundary(cut), "byte {cut} of the banner");
    let b = crate::model::SsBuild {
        job: 1,
        index: 2,
        t0: 0,
    };
    let log = content::servicestage(&b, &crate::model::ss_plan(&b, 1000));
    let (first, next) = read::servicestage(log.whole(), 0, 0, cut as u64);
    assert_eq!(next, cut as u64);
    assert!(first.ends_with('\u{fffd}'), "{first:?}");
    let (second, _) = read::servicestage(log.whole(), 0, next, cut as u64);
    assert!(second.starts_with('\u{fffd}'), "{second:?}");
}
