use super::line::MAX_PAD_COLUMN;
use super::parser::{is_c0, is_c1, MAX_PARAMS};
use super::sgr::indexed;
use super::*;
use crate::links::safe_http_url;
use crate::rng::Rng;

fn fg(c: Color) -> Style {
    Style {
        fg: Some(c),
        ..Style::default()
    }
}

/// Renders from the default style; returns the spans as (text, style) pairs.
fn render(line: &str) -> Vec<(String, Style)> {
    let mut state = Style::default();
    render_line(line, &mut state)
        .into_iter()
        .map(|s| (s.text, s.style))
        .collect()
}

/// The style in effect after `line`, starting from default.
fn after(line: &str) -> Style {
    let mut state = Style::default();
    render_line(line, &mut state);
    state
}

fn text_of(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// Nothing a viewer could mis-display: no ESC, no control but tab, no C1, no DEL.
fn assert_clean(s: &str, input: &str) {
    for c in s.chars() {
        assert!(
            c == '\t' || !(is_c0(c) || is_c1(c) || c == '\x7f'),
            "control {c:?} leaked from {input:?} into {s:?}"
        );
    }
}

#[test]
fn plain_text_is_one_span_with_the_current_style() {
    assert_eq!(render("hello"), vec![("hello".into(), Style::default())]);
    assert!(render("").is_empty());
    let mut state = fg(Color::Indexed(1));
    let spans = render_line("x", &mut state);
    assert_eq!(spans[0].style, fg(Color::Indexed(1)));
}

#[test]
fn sgr_attributes_set_and_reset() {
    type Getter = fn(&Style) -> bool;
    let cases: [(&str, Getter); 6] = [
        ("1", |s| s.bold),
        ("2", |s| s.faint),
        ("3", |s| s.italic),
        ("4", |s| s.underline),
        ("7", |s| s.inverse),
        ("9", |s| s.strike),
    ];
    for (code, get) in cases {
        let spans = render(&format!("\x1b[{code}mx"));
        assert!(get(&spans[0].1), "SGR {code}");
        let only = &spans[0].1;
        // Exactly one attribute set.
        let count = [
            only.bold,
            only.faint,
            only.italic,
            only.underline,
            only.inverse,
            only.strike,
        ]
        .iter()
        .filter(|b| **b)
        .count();
        assert_eq!(count, 1, "SGR {code}");
    }
    let resets = [("1", "21"), ("1", "22"), ("2", "22"), ("3", "23")];
    let more = [("4", "24"), ("7", "27"), ("9", "29"), ("4", "4:0")];
    for (on, off) in resets.iter().chain(more.iter()) {
        assert!(
            after(&format!("\x1b[{on}m\x1b[{off}m")).is_plain(),
            "{on} then {off}"
        );
    }
    // 4:3 (curly) is still an underline.
    assert!(after("\x1b[4:3m").underline);
    // Combined in one sequence, and 0 in the middle resets what came before.
    let s = after("\x1b[1;3;4;31m");
    assert!(s.bold && s.italic && s.underline);
    assert_eq!(s.fg, Some(Color::Indexed(1)));
    let s = after("\x1b[1;31;0;4m");
    assert!(!s.bold && s.underline && s.fg.is_none());
}

#[test]
fn sgr_sixteen_colours() {
    for i in 0..8u16 {
        assert_eq!(after(&format!("\x1b[{}m", 30 + i)).fg, indexed(i));
        assert_eq!(after(&format!("\x1b[{}m", 90 + i)).fg, indexed(i + 8));
        assert_eq!(after(&format!("\x1b[{}m", 40 + i)).bg, indexed(i));
        assert_eq!(after(&format!("\x1b[{}m", 100 + i)).bg, indexed(i + 8));
    }
    assert!(after("\x1b[31;42m\x1b[39;49m").is_plain());
    let s = after("\x1b[31;42m\x1b[39m");
    assert_eq!((s.fg, s.bg), (None, Some(Color::Indexed(2))));
}

#[test]
fn sgr_256_and_truecolour_both_forms() {
    assert_eq!(after("\x1b[38;5;208m").fg, Some(Color::Indexed(208)));
    assert_eq!(after("\x1b[48;5;22m").bg, Some(Color::Indexed(22)));
    assert_eq!(after("\x1b[38:5:9m").fg, Some(Color::Indexed(9)));
    assert_eq!(after("\x1b[48:5:255m").bg, Some(Color::Indexed(255)));
    assert_eq!(
        after("\x1b[38;2;255;105;180m").fg,
        Some(Color::Rgb(255, 105, 180))
    );
    assert_eq!(after("\x1b[48;2;1;2;3m").bg, Some(Color::Rgb(1, 2, 3)));
    assert_eq!(
        after("\x1b[38:2::10:20:30m").fg,
        Some(Color::Rgb(10, 20, 30))
    );
    assert_eq!(
        after("\x1b[38:2:0:10:20:30m").fg,
        Some(Color::Rgb(10, 20, 30))
    );
    assert_eq!(
        after("\x1b[48:2:10:20:30m").bg,
        Some(Color::Rgb(10, 20, 30))
    );
    // Followed by more codes in the same sequence.
    let s = after("\x1b[38;5;1;1;48;2;4;5;6;3m");
    assert_eq!(s.fg, Some(Color::Indexed(1)));
    assert_eq!(s.bg, Some(Color::Rgb(4, 5, 6)));
    assert!(s.bold && s.italic);
    // Out of range or truncated: colour unchanged, arguments not misread as codes.
    assert_eq!(after("\x1b[31m\x1b[38;5;256m").fg, Some(Color::Indexed(1)));
    assert_eq!(after("\x1b[38;2;300;1;1m").fg, None);
    assert!(after("\x1b[38;5m").is_plain());
    assert!(
        after("\x1b[38;2;1;4m").is_plain(),
        "1 and 4 are colour components"
    );
    assert!(after("\x1b[38m").is_plain());
    assert!(after("\x1b[38:2:1m").is_plain());
    assert!(
        after("\x1b[38;9;1m").bold,
        "unknown mode: only the mode is consumed"
    );
}

#[test]
fn empty_and_unknown_sgr() {
    assert!(after("\x1b[1;31m\x1b[m").is_plain());
    assert!(after("\x1b[1;31m\x1b[0m").is_plain());
    assert!(after("\x1b[1;31m\x1b[;m").is_plain());
    // Ignored: blink, conceal, overline, fonts, huge values, underline colour and its
    // arguments (the 4 below must not underline, nor the 1 embolden).
    for unknown in [
        "5",
        "6",
        "8",
        "53",
        "11",
        "73",
        "99999999",
        "58;5;4",
        "58;2;1;4;4",
    ] {
        assert!(after(&format!("\x1b[{unknown}m")).is_plain(), "{unknown}");
    }
    // Private / intermediate `m` sequences are not SGR (e.g. xterm modifyOtherKeys).
    assert!(after("\x1b[>4;2m").is_plain());
    assert!(after("\x1b[?1m").is_plain());
    assert!(after("\x1b[1 m").is_plain());
    // Too many parameters: the first MAX_PARAMS still apply.
    let long = format!("\x1b[{}1m", "0;".repeat(MAX_PARAMS - 1));
    assert!(after(&long).bold);
    let too_long = format!("\x1b[{}1m", "0;".repeat(MAX_PARAMS + 5));
    assert!(after(&too_long).is_plain());
}

#[test]
fn spans_split_only_where_the_style_changes() {
    let spans = render("a\x1b[31mb\x1b[31mc\x1b[1m\x1b[22md\x1b[0me");
    let texts: Vec<&str> = spans.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(texts, ["a", "bcd", "e"]);
    assert_eq!(spans[1].1, fg(Color::Indexed(1)));
    // No empty spans from style changes around nothing.
    assert_eq!(render("\x1b[31m\x1b[0m").len(), 0);
}

#[test]
fn style_carries_across_lines() {
    let lines = ["\x1b[1;32mstart", "middle", "end\x1b[0m tail"];
    let mut state = Style::default();
    let spans: Vec<Vec<Span>> = lines.iter().map(|l| render_line(l, &mut state)).collect();
    let green_bold = Style {
        fg: Some(Color::Indexed(2)),
        bold: true,
        ..Style::default()
    };
    assert_eq!(spans[1][0].style, green_bold);
    assert_eq!(spans[2][0].style, green_bold);
    assert_eq!(spans[2][1].style, Style::default());
    assert!(state.is_plain());
}

/// A log with styles left open across lines, links, resets.
fn sample_log() -> Vec<String> {
    let mut lines = Vec::new();
    for i in 0..300 {
        lines.push(match i % 7 {
            0 => format!("\x1b[3{}mline {i} opens colour", i % 8),
            1 => format!("plain {i}"),
            2 => format!("\x1b]8;;https://ci.example/{i}\x07link {i}"),
            3 => "\x1b]8;;\x1b\\end link \x1b[1mbold".to_string(),
            4 => format!("\x1b[38;2;{};0;0mrgb", i % 256),
            5 => "\x1b[0m reset".to_string(),
            _ => format!("\x1b[4mu\x1b[24m {i}\r\x1b[Kover"),
        });
    }
    lines
}

#[test]
fn style_after_matches_rendering_and_gives_mid_log_state() {
    let lines = sample_log();
    let mut state = Style::default();
    let mut states = vec![state.clone()];
    let mut rendered = Vec::new();
    for l in &lines {
        rendered.push(render_line(l, &mut state));
        states.push(state.clone());
    }
    for k in [0, 1, 2, 3, 50, 123, 299, 300] {
        let mid = style_after(lines[..k].iter().map(String::as_str), Style::default());
        assert_eq!(mid, states[k], "state before line {k}");
        // A window rendered from that state equals the same lines rendered from line 0.
        let mut s = mid;
        for (j, l) in lines[k..].iter().enumerate() {
            assert_eq!(render_line(l, &mut s), rendered[k + j]);
        }
    }
}

#[test]
fn osc8_links_only_for_http_and_https() {
    for (open, close) in [("\x07", "\x07"), ("\x1b\\", "\x1b\\")] {
        let line = format!(
            "see \x1b]8;id=1;https://ci.example/b?x=1;y=2{open}the build\x1b]8;;{close} now"
        );
        let spans = render(&line);
        assert_eq!(spans.len(), 3, "{spans:?}");
        assert_eq!(spans[1].0, "the build");
        assert_eq!(
            spans[1].1.link.as_deref(),
            Some("https://ci.example/b?x=1;y=2")
        );
        assert_eq!(spans[2].1.link, None);
        assert_eq!(strip(&line), "see the build now");
    }
    assert_eq!(
        render("\x1b]8;;http://x.example\x07a")[0].1.link.as_deref(),
        Some("http://x.example")
    );
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://x.example",
        "vbscript:x",
        "//x.example",
        "http://",
    ] {
        let spans = render(&format!("\x1b]8;;{bad}\x1b\\click\x1b]8;;\x1b\\"));
        assert_eq!(spans, vec![("click".into(), Style::default())], "{bad}");
    }
    // An unsafe link replaces an open safe one rather than inheriting it.
    let spans = render("\x1b]8;;https://a.example\x07a\x1b]8;;javascript:x\x07b");
    assert_eq!(spans[1].1.link, None);
    // SGR 0 keeps the link; the link carries across lines until closed.
    let mut state = Style::default();
    render_line("\x1b]8;;https://a.example\x07\x1b[1mx\x1b[0m", &mut state);
    assert_eq!(state.link.as_deref(), Some("https://a.example"));
    let next = render_line("next line", &mut state);
    assert_eq!(next[0].style.link.as_deref(), Some("https://a.example"));
    render_line("\x1b]8;;\x07", &mut state);
    assert!(state.is_plain());
    // Malformed OSC 8 (no URI part) changes nothing; an unterminated one is dropped.
    assert!(after("\x1b]8\x07").is_plain());
    assert!(after("\x1b]8;https://a.example\x07").is_plain());
    assert_eq!(
        render("a\x1b]8;;https://a.example"),
        vec![("a".into(), Style::default())]
    );
}

#[test]
fn carriage_return_overwrites() {
    assert_eq!(strip("10%\r50%\r100%"), "100%");
    assert_eq!(
        strip("progress 10%\rprogress 50%\rprogress 100%"),
        "progress 100%"
    );
    assert_eq!(strip("abcdef\rXY"), "XYcdef");
    assert_eq!(strip("text\r"), "text");
    assert_eq!(strip("\rtext"), "text");
    // Overwritten characters take the new style; the rest keep theirs.
    let spans = render("\x1b[31mabcdef\r\x1b[32mXY");
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0], ("XY".into(), fg(Color::Indexed(2))));
    assert_eq!(spans[1], ("cdef".into(), fg(Color::Indexed(1))));
}

#[test]
fn erase_in_line_and_cursor_moves() {
    assert_eq!(strip("abc\r\x1b[Kxy"), "xy");
    assert_eq!(strip("abc\r\x1b[0Kxy"), "xy");
    assert_eq!(strip("abcdef\x1b[K"), "abcdef");
    assert_eq!(strip("abcdef\x08\x08\x08\x1b[1K"), "    ef");
    assert_eq!(strip("abcdef\x1b[3D\x1b[1K"), "    ef");
    assert_eq!(strip("abc\x1b[2Kxy"), "   xy");
    assert_eq!(strip("abc\x1b[2K\rxy"), "xy");
    assert_eq!(strip("abc\x1b[9K"), "abc", "unknown mode ignored");
    // GitLab's marker idiom leaves only the title.
    assert_eq!(
        strip("\x1b[0Ksection_start:1:build\r\x1b[0KBuilding"),
        "Building"
    );
    // Backspace, including at column 0.
    assert_eq!(strip("abc\x08X"), "abX");
    assert_eq!(strip("\x08\x08a"), "a");
    assert_eq!(strip("ab\x08\x08\x08\x08c"), "cb");
    // Horizontal moves: absolute column, forward (pads), back, erase characters.
    assert_eq!(strip("progress\x1b[1Gdone"), "doneress");
    assert_eq!(strip("ab\x1b[3Cc"), "ab   c");
    assert_eq!(strip("abcdef\x1b[4G\x1b[2X"), "abc  f");
    assert_eq!(strip("abc\x1b[1G\x1b[X"), " bc");
    // A huge move is bounded.
    assert_eq!(strip("a\x1b[65535Cb").len(), MAX_PAD_COLUMN + 1);
    // Vertical moves and screen clears are dropped, with no effect on the line.
    assert_eq!(
        strip("a\x1b[2Ab\x1b[3Bc\x1b[1;1Hd\x1b[2Je\x1b[s\x1b[u"),
        "abcde"
    );
    // Erased/padded cells are unstyled.
    let spans = render("\x1b[41mab\x1b[5G\x1b[42mc");
    assert_eq!(spans[1], ("  ".into(), Style::default()));
}

#[test]
fn long_lines_with_many_edits_stay_linear() {
    // Quadratic behaviour (recounting the line per cursor move) would not finish.
    let mut line = "x".repeat(1_000_000);
    for _ in 0..50_000 {
        line.push_str("\x1b[C\x1b[31my\x1b[D\x08z\r");
    }
    let text = strip(&line);
    assert!(text.starts_with("zy") && text.ends_with("xzy"));
    assert_eq!(text.len(), 1_000_001);
    let spans = render_line(&line, &mut Style::default());
    assert_eq!(text_of(&spans), text);
}

#[test]
fn other_sequences_are_removed() {
    let cases = [
        ("\x1b]0;window title\x07text", "text"),
        ("\x1b]2;title\x1b\\text", "text"),
        ("a\x1bP1$r0m\x1b\\b", "ab"),
        ("a\x1b_bk;t=1700000000000\x07b", "ab"),
        ("a\x1b^private\x1b\\b", "ab"),
        ("a\x1bXsos\x1b\\b", "ab"),
        ("\x1b(Bab\x1b)0c", "abc"),
        ("\x1b7a\x1b8b\x1b=c\x1b>d\x1bMe\x1bce", "abcdee"),
        ("\x1b[?25l\x1b[?1049hab\x1b[?25h", "ab"),
        ("a\x1b[>0cb\x1b[6nc", "abc"),
        ("a\x07b\x00c\x7fd\u{9b}31me\u{85}f", "abcd31mef"),
        ("tab\tkept", "tab\tkept"),
        ("a\x1b[3\r1mb", "b"),
        ("a\x1b[31\x18mb", "amb"),
        ("a\x1b[é", "aé"),
        ("a\x1bé", "aé"),
        ("°C ±1 µs ©", "°C ±1 µs ©"),
    ];
    for (input, want) in cases {
        assert_eq!(strip(input), want, "{input:?}");
        assert_eq!(text_of(&render_line(input, &mut Style::default())), want);
    }
}

#[test]
fn truncated_sequences_at_end_of_line_are_dropped() {
    for tail in [
        "\x1b",
        "\x1b[",
        "\x1b[3",
        "\x1b[38;5",
        "\x1b]",
        "\x1b]8;;http",
        "\x1b]0;t",
        "\x1bP",
        "\x1b_",
        "\x1b(",
        "\x1b[?",
        "\x1b[1;",
        "\x1b]8;;https://a.example\x1b",
    ] {
        let line = format!("ok{tail}");
        assert_eq!(strip(&line), "ok", "{line:?}");
        assert_eq!(
            render(&line),
            vec![("ok".into(), Style::default())],
            "{line:?}"
        );
    }
}

#[test]
fn nasty_corpus_never_leaks_controls_or_panics() {
    let mut corpus: Vec<String> = vec![
        "\x1b[".repeat(100),
        "\x1b]".repeat(100),
        format!("\x1b[{}m", "9".repeat(1000)),
        format!("\x1b[{}m", ";".repeat(1000)),
        format!("\x1b[{}m", ":".repeat(1000)),
        format!("\x1b]8;;https://x.example/{}\x07a", "y".repeat(20_000)),
        "\x1b\x1b\x1b[[[m".into(),
        "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30;31;32;33;34;35m".into(),
        "\x1bP\x1b[31m".into(),
        "\x1b]8;;https://a.example\x1b[31mx".into(),
        "\r\r\r\x08\x08\x1b[K\x1b[1K\x1b[2K".into(),
        "\u{9b}\u{9d}\u{90}\u{9c}".into(),
        "e\x1b[31".into(),
    ];
    let alphabet: &[&str] = &[
        "\x1b",
        "[",
        "]",
        "P",
        "_",
        "^",
        "X",
        "\\",
        "\x07",
        ";",
        ":",
        "?",
        ">",
        "0",
        "1",
        "2",
        "3",
        "5",
        "8",
        "38",
        "48",
        "m",
        "K",
        "G",
        "C",
        "D",
        "X",
        "H",
        "\r",
        "\x08",
        "\t",
        "\n",
        "\x00",
        "\x18",
        "\x7f",
        "\u{9b}",
        "a",
        "é",
        "日",
        "🚀",
        " ",
        "http://a.b",
        "javascript:",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let mut s = String::new();
        for _ in 0..rng.below(60) {
            s.push_str(rng.pick(alphabet));
        }
        corpus.push(s);
    }
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next_u64() as u8).collect();
        corpus.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let mut state = Style::default();
    for line in &corpus {
        let spans = render_line(line, &mut state);
        for span in &spans {
            assert_clean(&span.text, line);
            assert!(!span.text.is_empty());
            if let Some(link) = &span.style.link {
                assert!(safe_http_url(link).is_some(), "{link:?}");
            }
        }
        for pair in spans.windows(2) {
            assert_ne!(pair[0].style, pair[1].style, "{line:?}");
        }
        let stripped = strip(line);
        assert_clean(&stripped, line);
        assert_eq!(
            stripped,
            text_of(&spans),
            "strip == rendered text for {line:?}"
        );
        // strip_raw keeps `\r` by design (marker detection), nothing else.
        assert_clean(&strip_raw(line).replace('\r', ""), line);
    }
    // And the state walk agrees with rendering over the whole corpus.
    let walked = style_after(corpus.iter().map(String::as_str), Style::default());
    assert_eq!(walked, state);
}

#[test]
fn strip_raw_keeps_cr_and_tab_without_overwriting() {
    assert_eq!(
        strip_raw("\x1b[0Ksection_start:1:x[collapsed=true]\r\x1b[0K\x1b[1mTitle\x1b[0m"),
        "section_start:1:x[collapsed=true]\rTitle"
    );
    assert_eq!(strip_raw("a\tb\x08c"), "a\tbc");
    let mut out = String::from(">");
    strip_into("\x1b[1mx\x1b[0m", &mut out);
    strip_into("y", &mut out);
    assert_eq!(out, ">xy");
}

#[test]
fn real_buildbot_fixture() {
    let json = crate::testdata::buildbot("log-stdio-ansi-contents");
    let value: serde_json::Value = serde_json::from_str(&json).expect("fixture is JSON");
    let content = value["logchunks"][0]["content"].as_str().expect("content");
    let mut state = Style::default();
    let mut by_text = std::collections::HashMap::new();
    let mut seen = 0;
    for raw in content.lines() {
        // Strip the 1-char stdio stream prefix (o/e/h); it is not part of the ANSI text.
        let mut chars = raw.chars();
        let stream = chars.next().expect("stream prefix");
        assert!(matches!(stream, 'o' | 'e' | 'h'), "{raw:?}");
        let line = chars.as_str();
        let spans = render_line(line, &mut state);
        assert_eq!(text_of(&spans), strip(line));
        for span in &spans {
            assert_clean(&span.text, line);
            by_text.insert(span.text.clone(), span.style.clone());
        }
        // Every coloured line of the fixture resets at its end.
        assert!(state.is_plain(), "{line:?}");
        seen += 1;
    }
    assert!(seen > 40, "{seen} lines");
    let style = |t: &str| by_text.get(t).cloned().unwrap_or_else(|| panic!("{t:?}"));
    assert!(style("Bold").bold && !style("Bold").italic);
    assert!(style("Italic").italic);
    assert!(style("Underline").underline);
    for (i, name) in ["red", "green", "yellow", "blue", "magenta", "cyan"]
        .iter()
        .enumerate()
    {
        assert_eq!(style(name), fg(Color::Indexed(i as u8 + 1)));
    }
    let error = style("ERROR");
    assert!(error.bold && error.fg == Some(Color::Indexed(1)));
    assert_eq!(style("256-color orange").fg, Some(Color::Indexed(208)));
    assert_eq!(style("truecolor pink").fg, Some(Color::Rgb(255, 105, 180)));
    assert_eq!(style("bg green").bg, Some(Color::Indexed(22)));
    assert_eq!(style("✔"), fg(Color::Indexed(2)));
    assert_eq!(style(" test_foo passed"), Style::default());
    assert!(by_text.contains_key("progress 100%"));
    assert!(by_text.contains_key("\ttab-indented"));
    assert!(by_text.contains_key("invalid utf8 bytes: \u{fffd}\u{fffd}\u{fffd} end"));
    assert!(by_text.contains_key("<b>html-looking</b> &amp; <script>alert(1)</script>"));
    assert!(by_text.keys().any(|t| t.contains("日本語 emoji 🚀")));
}

#[test]
fn indexed_palette() {
    assert_eq!(Color::indexed_rgb(1), None);
    assert_eq!(Color::indexed_rgb(16), Some((0, 0, 0)));
    assert_eq!(Color::indexed_rgb(196), Some((255, 0, 0)));
    assert_eq!(Color::indexed_rgb(208), Some((255, 135, 0)));
    assert_eq!(Color::indexed_rgb(231), Some((255, 255, 255)));
    assert_eq!(Color::indexed_rgb(232), Some((8, 8, 8)));
    assert_eq!(Color::indexed_rgb(255), Some((238, 238, 238)));
}

/// Records parser events, to test the state machine apart from the renderer.
#[derive(Default)]
struct Events(Vec<String>);

impl Perform for Events {
    fn print(&mut self, c: char) {
        self.0.push(format!("print {c}"));
    }

    fn execute(&mut self, c: char) {
        self.0.push(format!("exec {:02x}", c as u32));
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], action: char) {
        let groups: Vec<String> = params
            .iter()
            .map(|g| g.iter().map(u16::to_string).collect::<Vec<_>>().join(":"))
            .collect();
        self.0.push(format!(
            "csi {} [{}] {action}",
            String::from_utf8_lossy(intermediates),
            groups.join(";")
        ));
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], byte: u8) {
        self.0.push(format!(
            "esc {} {}",
            String::from_utf8_lossy(intermediates),
            byte as char
        ));
    }

    fn osc_dispatch(&mut self, data: &str, bell: bool) {
        self.0.push(format!("osc {data} {bell}"));
    }
}

fn events(input: &str) -> Vec<String> {
    let mut e = Events::default();
    Parser::new().advance(&mut e, input);
    e.0
}

#[test]
fn parser_events() {
    assert_eq!(
        events("a\x1b[1;38:2::1:2:3m\x1b[?25l\x1b[m\x1b[;5H"),
        [
            "print a",
            "csi  [1;38:2:0:1:2:3] m",
            "csi ? [25] l",
            "csi  [] m",
            "csi  [0;5] H"
        ]
    );
    assert_eq!(
        events("\x1b]8;id=x;https://a.b/c;d\x1b\\\x1b(B\x1b]2;t\x07\t"),
        [
            "osc 8;id=x;https://a.b/c;d false",
            "esc  \\",
            "esc ( B",
            "osc 2;t true",
            "exec 09"
        ]
    );
    assert_eq!(events("\u{9b}x"), ["exec 9b", "print x"]);
}

#[test]
fn parser_streams_across_calls() {
    let input = "ab\x1b[38;5;208mc\x1b]8;;https://x.example\x07d\x1b[0m";
    let whole = events(input);
    for split in 0..input.len() {
        if !input.is_char_boundary(split) {
            continue;
        }
        let mut e = Events::default();
        let mut p = Parser::new();
        p.advance(&mut e, &input[..split]);
        p.advance(&mut e, &input[split..]);
        // print_str batches differ by split point; compare after expanding prints.
        assert_eq!(e.0, whole, "split at {split}");
    }
    // `reset` forgets the half-read sequence: what follows is plain text again.
    let mut e = Events::default();
    let mut p = Parser::new();
    p.advance(&mut e, "\x1b[3");
    p.reset();
    p.advance(&mut e, "1mx");
    assert_eq!(e.0, ["print 1", "print m", "print x"]);
}

/// The eight-bytes-at-a-time scan finds exactly the first special byte a plain scan finds,
/// for every byte value at every position of a word and across a word boundary.
#[test]
fn special_byte_scan_agrees_with_a_plain_scan() {
    use super::parser::find_special;
    let plain = |bytes: &[u8]| {
        bytes
            .iter()
            .position(|&b| b < 0x20 || b == 0x7f || b == 0xc2)
    };
    for len in 0..20 {
        for at in 0..len {
            for b in 0..=255u8 {
                let mut bytes = vec![b'a'; len];
                bytes[at] = b;
                // A second special byte later must not hide the first.
                if at + 3 < len {
                    bytes[at + 3] = 0x1b;
                }
                assert_eq!(find_special(&bytes), plain(&bytes), "{bytes:?}");
            }
        }
    }
    // Bytes just above each special value never match (0x20, 0x80, 0xc3, 0xff...).
    let near: Vec<u8> = [0x20, 0x21, 0x7e, 0x80, 0x81, 0xc1, 0xc3, 0xff].repeat(3);
    assert_eq!(find_special(&near), None);
}

/// Text written before the first cursor move keeps its styles when the line turns into cells
/// (the renderer builds spans directly until then), and an SGR that changes nothing after it
/// does not split a run.
#[test]
fn styles_survive_the_switch_to_cells() {
    let red = fg(Color::Indexed(1));
    assert_eq!(
        render("\x1b[31mred\x1b[0m plain\rX\x1b[31m\x1b[31mY"),
        vec![
            ("X".to_string(), Style::default()),
            ("Yd".to_string(), red.clone()),
            (" plain".to_string(), Style::default()),
        ]
    );
    assert_eq!(
        render("\x1b[31ma\x1b[31mb\x1b[0m\x1b[0mc"),
        vec![("ab".to_string(), red), ("c".to_string(), Style::default())]
    );
}
