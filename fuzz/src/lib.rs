//! What each fuzz target does with one input, as plain functions so every target (and a test
//! that replays the seed corpus) reads the same way.
//!
//! Every decoder gets the input as the browser would: a response body is text (`fetch`'s
//! `.text()` always yields valid UTF-8, replacing bad bytes), so bytes are decoded lossily.
//! Beyond "never panics", each target also exercises what the views do next with decoded
//! values (status, labels, time formatting, timeline geometry, path building) and asserts the
//! contracts the modules document, so a silent logic bug counts as a crash too.

use std::borrow::Cow;
use std::collections::HashSet;

use buildscope_core::ansi::{self, Params, Parser, Perform, Style};
use buildscope_core::buildbot::{self, paths, ws};
use buildscope_core::links::safe_http_url;
use buildscope_core::log::groups::{self as loggroups, GroupIndex};
use buildscope_core::timeline::Axis;
use buildscope_core::{codearts, config, huawei, servicestage, timefmt, timeparse};

/// A fixed "now" (2027-01-15), so a crash reproduces whatever day it is replayed.
const NOW: f64 = 1_800_000_000.0;

fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// What the views do with a decoded time and duration: absolute, ISO, relative, elapsed.
fn show_times(start: Option<f64>, end: Option<f64>, duration: Option<f64>) {
    for t in [start, end].into_iter().flatten() {
        assert!(t.is_finite() && t > 0.0, "decoded time out of range: {t}");
        let _ = timefmt::format_epoch(t, 480);
        let _ = timefmt::format_epoch(t, -720);
        let _ = timefmt::iso_utc(t);
        let _ = timefmt::relative(t, NOW);
    }
    if let Some(secs) = timefmt::elapsed(start, end, NOW) {
        let _ = timefmt::format_duration(secs);
    }
    if let Some(d) = duration {
        let _ = timefmt::format_duration(d.round() as i64);
    }
}

/// A step bar on a build's axis: what the timeline draws.
fn check_bars(
    axis: Option<Axis>,
    bars: impl IntoIterator<Item = (Option<f64>, Option<f64>, Option<f64>)>,
) {
    let Some(axis) = axis else { return };
    for (s, e, l) in bars {
        if let Some(bar) = axis.bar(s, e, l, NOW) {
            for v in [bar.left, bar.width, bar.lock_wait] {
                assert!((0.0..=100.0).contains(&v), "bar outside the axis: {bar:?}");
            }
            assert!(
                bar.lock_wait <= bar.width,
                "lock wait wider than its bar: {bar:?}"
            );
        }
    }
}

fn use_build(b: &buildbot::Build) {
    let _ = (b.status(), b.system_label());
    for (name, _, _) in &b.properties {
        let _ = b.property(name);
    }
    show_times(b.started_at, b.complete_at, None);
    let _ = paths::build(&paths::BuildRef::Number(
        paths::BuilderRef::Id(b.builderid),
        b.number,
    ));
}

fn use_steps(steps: &[buildbot::Step]) {
    for s in steps {
        let _ = (s.status(), s.system_label());
        let segment = s.path_segment();
        assert!(!segment.contains('/'), "step path segment {segment:?}");
        let r = paths::StepRef::of(s);
        let _ = paths::step_path(&paths::BuildRef::Id(s.buildid), &r);
        for u in &s.urls {
            if let Some(url) = safe_http_url(&u.url) {
                let lower = url.to_ascii_lowercase();
                assert!(lower.starts_with("http://") || lower.starts_with("https://"));
            }
        }
        show_times(s.started_at, s.complete_at, None);
    }
    let axis = Axis::new(
        None,
        None,
        steps.iter().map(|s| (s.started_at, s.complete_at)),
        NOW,
    );
    check_bars(
        axis,
        steps
            .iter()
            .map(|s| (s.started_at, s.complete_at, s.locks_acquired_at)),
    );
}

fn use_log(l: &buildbot::Log) {
    let _ = paths::log(&paths::LogRef::StepSlug {
        stepid: l.stepid,
        slug: l.slug.clone(),
    });
}

pub fn buildbot_builders(data: &[u8]) {
    let body = text(data);
    if let Ok(list) = buildbot::decode_builders(&body) {
        for b in &list {
            let _ = paths::builder_path(&paths::BuilderRef::Name(b.name.clone()));
        }
    }
    let _ = buildbot::decode_builder(&body);
}

pub fn buildbot_builds(data: &[u8]) {
    let body = text(data);
    if let Ok(list) = buildbot::decode_builds(&body) {
        list.iter().for_each(use_build);
        let axis = Axis::new(
            list.first().and_then(|b| b.started_at),
            list.first().and_then(|b| b.complete_at),
            list.iter().map(|b| (b.started_at, b.complete_at)),
            NOW,
        );
        check_bars(
            axis,
            list.iter().map(|b| (b.started_at, b.complete_at, None)),
        );
    }
    if let Ok(b) = buildbot::decode_build(&body) {
        use_build(&b);
    }
}

pub fn buildbot_steps(data: &[u8]) {
    let body = text(data);
    if let Ok(steps) = buildbot::decode_steps(&body) {
        assert!(
            steps.windows(2).all(|w| w[0].number <= w[1].number),
            "steps out of order"
        );
        use_steps(&steps);
    }
}

pub fn buildbot_logs(data: &[u8]) {
    let body = text(data);
    if let Ok(logs) = buildbot::decode_logs(&body) {
        logs.iter().for_each(use_log);
    }
    if let Ok(l) = buildbot::decode_log(&body) {
        use_log(&l);
    }
    if let Ok(chunk) = buildbot::decode_logchunk(&body) {
        // The viewer numbers lines from `firstline`; the last one must not overflow.
        let _ = chunk.firstline.checked_add(chunk.line_count());
        let mut style = Style::default();
        for line in chunk.lines() {
            let _ = ansi::render_line(line, &mut style);
        }
    }
    let _ = buildbot::error_message(&body);
}

pub fn buildbot_ws(data: &[u8]) {
    let body = text(data);
    if let Ok(ws::Frame::Event { entity, .. }) = ws::decode_frame(&body) {
        match entity {
            ws::Entity::Build(b) => use_build(&b),
            ws::Entity::Step(s) => use_steps(&[s]),
            ws::Entity::Log(l) => use_log(&l),
            ws::Entity::Other { .. } => {}
        }
    }
}

fn use_stages(stages: &[codearts::Stage]) {
    for s in stages {
        let _ = s.system_label();
        show_times(s.start_time, s.finish_time, s.duration_secs);
        show_times(s.create_time, s.queued_time, s.build_duration_secs);
        use_stages(&s.steps);
    }
}

pub fn codearts(data: &[u8]) {
    let body = text(data);
    if let Ok(stages) = codearts::decode_full_stages(&body) {
        let seq: Vec<_> = stages.iter().map(|s| s.sequence).collect();
        // Ordered by sequence, stages without one last (what the stage map relies on).
        let key = |s: &Option<i64>| s.map_or((1, 0), |n| (0, n));
        assert!(
            seq.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
            "stages out of order: {seq:?}"
        );
        use_stages(&stages);
    }
    if let Ok(r) = codearts::decode_record_info(&body) {
        let _ = r.system_label();
        show_times(r.start_time, r.finish_time, r.duration_secs);
        show_times(r.create_time, r.queued_time, None);
    }
    if let Ok(r) = codearts::decode_build_record(&body) {
        let _ = r.system_label();
        show_times(r.start_time, r.finish_time, r.duration_secs);
        if let Some(u) = &r.scm_web_url {
            let _ = safe_http_url(u);
        }
    }
    if let Ok(h) = codearts::decode_history(&body) {
        for r in &h.records {
            let _ = r.system_label();
            show_times(r.start_time, r.end_time, None);
        }
    }
    if let Ok(r) = codearts::decode_running_status(&body) {
        let _ = r.system_label();
    }
    if let Ok(list) = codearts::decode_jobs(&body) {
        for j in &list.jobs {
            let _ = j.system_label();
            show_times(j.last_build_time, None, None);
        }
    }
    if let Ok(log) = codearts::decode_real_time_log(&body) {
        let _ = ansi::strip(&log.content);
        stamped_lines(&log.content);
    }
    if let Ok(log) = codearts::decode_octopus_log(&body) {
        assert!(log.start_offset.is_none_or(|n| n >= 0), "{log:?}");
        assert!(log.end_offset.is_none_or(|n| n >= 0), "{log:?}");
        stamped_lines(&log.log);
    }
    // The body itself as log text: every line through the CodeArts prefix parser.
    stamped_lines(&body);
    let _ = codearts::decode_job_status(&body);
    let _ = huawei::envelope_error(&body);
    let _ = huawei::parse_error(&body);
}

/// What the log viewer does with each line of a Huawei log: the CodeArts prefix, when there is
/// one, leaves the message as the rest of the line.
fn stamped_lines(text: &str) {
    for raw in text.split('\n') {
        let line = buildscope_core::log::text::LogLine::huawei(raw);
        if line.stamp.is_some() {
            assert!(
                raw.ends_with(line.text.as_str()),
                "{raw:?} -> {:?}",
                line.text
            );
        } else {
            assert_eq!(line.text, raw);
        }
    }
}

pub fn servicestage(data: &[u8]) {
    let body = text(data);
    let _ = servicestage::decode_jobs(&body);
    if let Ok(list) = servicestage::decode_builds(&body) {
        for b in &list.builds {
            let _ = b.system_label();
            show_times(None, None, b.duration_secs);
        }
    }
    if let Ok(b) = servicestage::decode_build(&body) {
        let _ = b.system_label();
        show_times(b.started_at, b.ended_at, None);
        show_times(b.commit_at, None, None);
    }
    if let Ok(phases) = servicestage::decode_phases(&body) {
        for p in &phases {
            let _ = p.system_label();
        }
    }
    if let Ok(log) = servicestage::decode_build_log(&body) {
        for p in &log.phases {
            let _ = p.system_label();
        }
        let _ = ansi::strip(&log.text);
    }
    let _ = huawei::parse_error(&body);
}

/// Highest epoch second `timeparse` may return (9999-12-31T23:59:59Z + 1 s).
const MAX_EPOCH: f64 = 253_402_300_800.0;

fn check_time(t: Option<f64>, input: &dyn std::fmt::Debug) {
    if let Some(t) = t {
        assert!(
            t.is_finite() && t > 0.0 && t <= MAX_EPOCH,
            "{input:?} parsed to {t}"
        );
        show_times(Some(t), None, None);
    }
}

/// Input: a time string as is, and, when the input is JSON, the value as a time field.
pub fn timeparse(data: &[u8]) {
    let s = text(data);
    check_time(timeparse::parse_time_str(&s), &s);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&s) {
        check_time(timeparse::parse_time(&v), &v);
        let wrapped = serde_json::json!({ "t": v });
        if let Ok(o) = buildscope_core::json::Obj::new("fuzz", &wrapped) {
            if let Ok(t) = timeparse::time_field(&o, "t") {
                check_time(t, &wrapped);
            }
        }
    }
}

/// Records everything a [`Parser`] reports, with printed text merged, so two ways of feeding
/// the same text can be compared.
#[derive(Debug, Default, PartialEq)]
struct Recorder(Vec<Event>);

#[derive(Debug, PartialEq)]
enum Event {
    Text(String),
    Execute(char),
    Csi(Vec<u16>, Vec<u8>, char),
    Esc(Vec<u8>, u8),
    Osc(String, bool),
}

impl Perform for Recorder {
    fn print(&mut self, c: char) {
        assert!(!c.is_control(), "print({c:?})");
        match self.0.last_mut() {
            Some(Event::Text(t)) => t.push(c),
            _ => self.0.push(Event::Text(c.to_string())),
        }
    }
    fn execute(&mut self, c: char) {
        self.0.push(Event::Execute(c));
    }
    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], action: char) {
        self.0.push(Event::Csi(
            params.values().to_vec(),
            intermediates.to_vec(),
            action,
        ));
    }
    fn esc_dispatch(&mut self, intermediates: &[u8], byte: u8) {
        self.0.push(Event::Esc(intermediates.to_vec(), byte));
    }
    fn osc_dispatch(&mut self, data: &str, bell_terminated: bool) {
        self.0.push(Event::Osc(data.to_string(), bell_terminated));
    }
}

/// Input: log text, one line per `\n` (as Buildbot stores it). Checks the contracts `ansi`
/// documents: span text has no control but `\t`; adjacent spans differ in style; links are
/// http(s) only; `strip` is exactly the spans' text; `style_after` agrees with rendering line
/// by line, also resumed mid-log; and the parser reports the same thing however the text is
/// split.
pub fn ansi(data: &[u8]) {
    let s = text(data);
    let lines: Vec<&str> = s.split('\n').collect();
    let mut style = Style::default();
    for line in &lines {
        let spans = ansi::render_line(line, &mut style);
        let mut joined = String::new();
        for sp in &spans {
            assert!(
                !sp.text.chars().any(|c| c.is_control() && c != '\t'),
                "control character in span {sp:?}"
            );
            if let Some(link) = &sp.style.link {
                assert_eq!(safe_http_url(link), Some(link.as_str()), "unsafe link");
            }
            joined.push_str(&sp.text);
        }
        assert!(
            spans.windows(2).all(|w| w[0].style != w[1].style),
            "adjacent spans with one style: {spans:?}"
        );
        assert_eq!(
            joined,
            ansi::strip(line),
            "strip differs from the rendered text of {line:?}"
        );
        let raw = ansi::strip_raw(line);
        assert!(!raw.contains('\x1b'), "ESC left by strip_raw in {raw:?}");
    }
    assert_eq!(
        ansi::style_after(lines.iter().copied(), Style::default()),
        style,
        "style_after differs from rendering line by line"
    );
    // Mid-log windows: the style carried to line `k` and walked on from there ends where the
    // walk from line 0 does (what the viewer relies on when it renders a window after another).
    let k = usize::from(data.first().copied().unwrap_or(0)).min(lines.len());
    let (before, after) = lines.split_at(k);
    let carried = ansi::style_after(before.iter().copied(), Style::default());
    assert_eq!(
        ansi::style_after(after.iter().copied(), carried),
        style,
        "style_after split at line {k} differs from the walk from line 0"
    );
    // Streaming: the same events whether the text comes in one piece or in two.
    let split = s
        .char_indices()
        .map(|(i, _)| i)
        .nth(usize::from(data.last().copied().unwrap_or(0)))
        .unwrap_or(s.len());
    let (a, b) = s.split_at(split);
    let mut whole = Recorder::default();
    Parser::new().advance(&mut whole, &s);
    let mut pieces = Recorder::default();
    let mut parser = Parser::new();
    parser.advance(&mut pieces, a);
    parser.advance(&mut pieces, b);
    assert_eq!(
        whole, pieces,
        "split at byte {split} changes what the parser reports"
    );
}

/// Input: log text, one line per `\n`, fed to a group index. With nothing, the groups collapsed
/// by default (what the viewer starts with), every other group and every group collapsed,
/// checks the row <-> line mapping against a naive one.
pub fn loggroups(data: &[u8]) {
    let s = text(data);
    let lines: Vec<&str> = s.split('\n').collect();
    let mut index = GroupIndex::new();
    for (i, line) in lines.iter().enumerate() {
        let _ = loggroups::marker(line);
        index.push_line(i as u64, line);
        index.push_line(i as u64, line); // a re-pushed line is ignored
    }
    let total = lines.len() as u64;
    for g in index.groups() {
        assert!(g.start < total, "group {g:?} outside the log");
        assert!(g.last_line(total) < total, "group {g:?} ends past the log");
        assert!(
            g.end.is_none_or(|e| e >= g.start),
            "group {g:?} ends before it starts"
        );
        let _ = g.duration_secs();
    }
    let starts: Vec<u64> = index.groups().iter().map(|g| g.start).collect();
    let sets: [HashSet<u64>; 4] = [
        HashSet::new(),
        index
            .groups()
            .iter()
            .filter(|g| g.collapsed_by_default)
            .map(|g| g.start)
            .collect(),
        starts.iter().copied().step_by(2).collect(),
        starts.iter().copied().collect(),
    ];
    for collapsed in &sets {
        check_rows(&index, collapsed, total);
    }
}

fn check_rows(index: &GroupIndex, collapsed: &HashSet<u64>, total: u64) {
    let rows = index.visible_rows(collapsed, total);
    // Naive model: a line is hidden when a collapsed group's header is before it and its last
    // line at or after it.
    let hidden = |line: u64| {
        index
            .groups()
            .iter()
            .any(|g| collapsed.contains(&g.start) && g.start < line && line <= g.last_line(total))
    };
    let visible: Vec<u64> = (0..total).filter(|&l| !hidden(l)).collect();
    assert_eq!(rows.row_count(), visible.len() as u64, "row count");
    for (row, &line) in visible.iter().enumerate() {
        assert_eq!(rows.row_to_line(row as u64), Some(line), "row {row}");
        assert_eq!(rows.line_to_row(line), Some(row as u64), "line {line}");
    }
    assert_eq!(rows.row_to_line(visible.len() as u64), None);
    let shown: Vec<u64> = rows.lines_for_rows(0..total + 1).collect();
    assert_eq!(shown, visible, "lines_for_rows");
    for line in 0..total {
        if hidden(line) {
            assert!(
                !rows.is_visible(line),
                "hidden line {line} reported visible"
            );
        }
        let near = rows.nearest_row(line);
        assert!(
            near.is_some_and(|r| r < rows.row_count()),
            "nearest row of line {line}: {near:?} of {}",
            rows.row_count()
        );
    }
}

/// Input: a `config.json`.
pub fn config(data: &[u8]) {
    let body = text(data);
    if let Ok(cfg) = config::Config::parse(&body) {
        for src in &cfg.sources {
            assert!(cfg.source(&src.id).is_some());
        }
    }
    let _ = config::normalize_base_url(&body);
    let _ = safe_http_url(&body);
}
