//! The byte source's rules as native tests: a fake Huawei server holding a log's bytes answers
//! every read (at most `cap` bytes, cutting characters where its count ends), and one engine
//! runs over it with every command executed as the web layer would.

// Views are slices of ranges; a one-range view is the common case, not a mistake.
#![allow(clippy::single_range_in_vec_init)]

use super::cursor::{Cursor, Piece};
use super::*;
use crate::log::engine::{Command, Engine, Lane, Shift, Timer, Token};
use crate::log::search::{Matcher, Query};
use crate::log::stamp::Level;

/// How the server treats a character its byte count cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// The cut bytes become U+FFFD (what a lossy decoder on the server does).
    Replace,
    /// Answers move to whole characters (as the simulator's `slice` does).
    Whole,
}

/// The bytes `start..end` of `log` as the server sends them, and where they really start and
/// end.
fn slice(log: &[u8], start: usize, end: usize, cut: Cut) -> (String, usize, usize) {
    let text = |a: usize, b: usize| String::from_utf8_lossy(&log[a..b]).into_owned();
    match cut {
        Cut::Replace => (text(start, end), start, end),
        Cut::Whole => {
            let s = std::str::from_utf8(log).expect("test logs are UTF-8");
            let ceil = |mut i: usize| {
                while i < s.len() && !s.is_char_boundary(i) {
                    i += 1;
                }
                i
            };
            let floor = |mut i: usize| {
                while !s.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let a = ceil(start);
            let mut b = floor(end.max(a));
            if b <= a && a < s.len() {
                b = ceil(a + 1);
            }
            (text(a, b), a, b)
        }
    }
}

/// A Huawei log server.
struct Server {
    log: Vec<u8>,
    cap: usize,
    cut: Cut,
    running: bool,
    api: Api,
    /// Added to the end offset an answer to `Last` reports (a server placing its tail wrongly).
    last_end_error: i64,
}

impl Server {
    fn new(log: &str, api: Api) -> Server {
        Server {
            log: log.as_bytes().to_vec(),
            cap: 64 * 1024,
            cut: Cut::Replace,
            running: false,
            api,
            last_end_error: 0,
        }
    }

    fn answer(&self, read: &Read) -> Chunk {
        let len = self.log.len();
        let (start, end) = match read.kind {
            ReadKind::Last => (len.saturating_sub(self.cap), len),
            _ => {
                let from = (read.from as usize).min(len);
                let take = if self.api == Api::ServiceStage {
                    self.cap
                } else {
                    self.cap.min(read.len as usize)
                };
                (from, (from + take).min(len))
            }
        };
        let (text, a, b) = slice(&self.log, start, end, self.cut);
        let mut end = b as u64;
        if read.kind == ReadKind::Last {
            end = end.saturating_add_signed(self.last_end_error);
        }
        // Descending, `has_more` says whether text comes before the chunk.
        let more = if read.kind == ReadKind::Last {
            a > 0
        } else {
            b < len || self.running
        };
        match self.api {
            Api::ServiceStage => Chunk {
                text,
                start: None,
                end: Some(end),
                more: None,
            },
            _ => Chunk {
                text,
                start: Some(a as u64),
                end: Some(end),
                more: Some(more),
            },
        }
    }

    fn append(&mut self, text: &str) {
        self.log.extend_from_slice(text.as_bytes());
    }
}

/// One engine over a byte source and its server, with what the web layer would hold.
struct World {
    lane: Lane,
    engine: Engine<ByteLines>,
    server: Server,
    in_flight: Option<(Token, ByteRequest)>,
    retry: Option<u32>,
    fetched: Vec<ByteRequest>,
    seen: Vec<Command<ByteRequest>>,
    shifts: Vec<Shift>,
    now: u64,
}

impl World {
    fn new(source: ByteLines, server: Server) -> World {
        let mut lane = Lane::new();
        let engine = Engine::new(source, 0, &mut lane);
        World {
            lane,
            engine,
            server,
            in_flight: None,
            retry: None,
            fetched: Vec::new(),
            seen: Vec::new(),
            shifts: Vec::new(),
            now: 0,
        }
    }

    fn run(&mut self, f: impl FnOnce(&mut Engine<ByteLines>, &mut Lane)) {
        f(&mut self.engine, &mut self.lane);
        for c in self.engine.take_commands() {
            match c {
                Command::Fetch { token, request } => {
                    assert!(self.in_flight.is_none(), "two requests in flight");
                    self.fetched.push(request.clone());
                    self.in_flight = Some((token, request));
                }
                Command::SetTimer {
                    timer: Timer::Retry,
                    ms,
                } => self.retry = Some(ms),
                Command::CancelTimer(Timer::Retry) => self.retry = None,
                other => self.seen.push(other),
            }
        }
        self.shifts.extend(self.engine.take_shifts());
    }

    /// The view moves, a while after it last moved (a single jump, not a drag).
    fn view(&mut self, lines: Range<u64>) {
        self.now += 1_000;
        let now = self.now;
        self.run(|e, lane| e.set_view(vec![lines], now, lane));
    }

    /// The server answers the request in flight.
    fn answer(&mut self) -> Option<ByteRequest> {
        let (token, req) = self.in_flight.take()?;
        let chunk = self.server.answer(&req.read);
        let answer = ByteAnswer {
            read: req.read,
            chunk,
        };
        self.run(|e, lane| e.chunk_arrived(token, answer, lane));
        Some(req)
    }

    /// Every answer lands (timers are left for the test to fire).
    fn settle(&mut self) {
        for _ in 0..1_000_000 {
            if self.answer().is_none() {
                return;
            }
        }
        panic!("the source never stops reading");
    }

    /// The backoff timer goes off.
    fn fire(&mut self) -> Option<u32> {
        let ms = self.retry.take()?;
        self.run(|e, lane| e.timer_fired(Timer::Retry, lane));
        Some(ms)
    }

    fn text(&self, n: u64) -> Option<String> {
        self.engine.line(n).map(|c| c.line.text.clone())
    }

    fn extent(&self) -> Extent {
        self.engine.source().extent()
    }
}

/// The lines of `log` as the viewer should show them (CodeArts prefixes removed, long lines in
/// pieces cut from the line's start).
fn expected(log: &str) -> Vec<String> {
    let mut out = Vec::new();
    let body = log.strip_suffix('\n').unwrap_or(log);
    if body.is_empty() && log.is_empty() {
        return out;
    }
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut rest = line;
        while rest.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push(LogLine::huawei(&rest[..cut]).text);
            rest = &rest[cut..];
        }
        out.push(LogLine::huawei(rest).text);
    }
    out
}

/// A CodeArts log of `n` lines: stamps, CJK and emoji, some green, an ERROR line every 97.
fn codearts_log(n: u64) -> String {
    let mut s = String::new();
    for i in 0..n {
        let level = if i % 97 == 13 { "ERROR" } else { "INFO" };
        let (on, off) = if i % 50 == 7 {
            ("\u{1b}[32m", "\u{1b}[0m")
        } else {
            ("", "")
        };
        s.push_str(&format!(
            "[2023/12/21 15:44:{:02}.{:03} GMT+08:00] [{level}] [Maven构建:mvn] : {on}第{i}行 🦀 line {i}{off}\n",
            i % 60,
            i % 1000
        ));
    }
    s
}

fn v1() -> LogTarget {
    LogTarget::CodeArtsV1 {
        job_id: "job".into(),
        build_no: 4,
    }
}

fn v3() -> LogTarget {
    LogTarget::CodeArtsV3 {
        job_id: "job".into(),
        build_no: 4,
    }
}

/// Reads `log` to its end through a cursor, the server cutting at `cap` bytes.
fn read_all(log: &str, cap: usize, cut: Cut) -> Vec<Piece> {
    let bytes = log.as_bytes();
    let mut c = Cursor::at(0, 0);
    let mut out = Vec::new();
    for _ in 0..(bytes.len() * 4 + 8) {
        let from = c.next_offset() as usize;
        let (text, _, end) = slice(bytes, from, (from + cap).min(bytes.len()), cut);
        let at_end = end == bytes.len();
        let answer_len = (end - from) as u64;
        out.extend(c.read(&text, Some(answer_len), at_end));
        if at_end {
            assert_eq!(c.next_offset() as usize, bytes.len());
            return out;
        }
    }
    panic!("cap {cap} {cut:?}: no progress at {}", c.next_offset());
}

#[test]
fn chunks_cutting_every_byte_of_cjk_and_emoji_never_garble_a_character() {
    let text =
        "中文日志\n🦀👍🏽 e\u{301}\n\u{FFFD} genuine \u{FFFD}\u{FFFD}\r\nend 終\n\n最后一行没有换行";
    for prefix in 0..4 {
        let log = format!("{}{text}", "x".repeat(prefix));
        let want = expected(&log);
        // A server that replaces cut bytes needs 4 bytes to hold any character whole.
        for cap in 4..=24 {
            let got: Vec<String> = read_all(&log, cap, Cut::Replace)
                .into_iter()
                .map(|p| LogLine::huawei(&p.text).text)
                .collect();
            assert_eq!(got, want, "prefix {prefix}, cap {cap}, replaced");
        }
        // A server that moves to whole characters, even 1 byte at a time (a genuine U+FFFD
        // ending an answer under 4 bytes cannot be told from a cut character: left out).
        let plain = log.replace('\u{FFFD}', "?");
        for cap in 1..=24 {
            let got: Vec<String> = read_all(&plain, cap, Cut::Whole)
                .into_iter()
                .map(|p| p.text)
                .collect();
            assert_eq!(
                got,
                expected(&plain),
                "prefix {prefix}, cap {cap}, whole characters"
            );
        }
    }
    // Every piece says where its line starts.
    let pieces = read_all("ab\n中\n🦀x\n", 5, Cut::Replace);
    let starts: Vec<(u64, u64)> = pieces.iter().map(|p| (p.line, p.offset)).collect();
    assert_eq!(starts, [(0, 0), (1, 3), (2, 7)]);
}

#[test]
fn a_line_longer_than_any_chunk_is_cut_at_the_same_places_by_every_read() {
    let long: String = "长行🦀ab".repeat(MAX_LINE_BYTES / 4);
    let log = format!("short\n{long}\nafter\n");
    let want = expected(&log);
    assert!(want.len() > 3, "the long line is shown in pieces");
    assert!(want.iter().all(|l| l.len() <= MAX_LINE_BYTES));
    for cap in [7, 1_000, 40_000, 1 << 20] {
        let got: Vec<String> = read_all(&log, cap, Cut::Replace)
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(got, want, "cap {cap}");
    }
}

#[test]
fn the_index_at_10m_lines_is_within_1_2x_of_the_index_at_1m() {
    let measure = |n: u64| {
        let mut index = LineIndex::new(0);
        let red = crate::ansi::style_after(["\u{1b}[31m"], Style::default());
        for line in 0..n {
            let style = if line % 3 == 0 {
                &red
            } else {
                &Style::default()
            };
            index.note(line, line * 100, style);
        }
        // Any line is at most `every` lines after its checkpoint.
        for line in (0..n).step_by(9_973) {
            let cp = index.at_or_before(line);
            assert!(line - cp.line < index.every(), "line {line}");
            assert_eq!(cp.offset, cp.line * 100);
        }
        assert!(index.len() <= MAX_POINTS);
        (index.heap_bytes(), index.len(), index.every())
    };
    let (m1, n1, e1) = measure(1_000_000);
    let (m10, n10, e10) = measure(10_000_000);
    println!(
        "index: 1M lines {m1} B ({n1} checkpoints, every {e1}); 10M lines {m10} B ({n10} checkpoints, every {e10})"
    );
    assert!(m10 as f64 <= 1.2 * m1 as f64, "{m10} vs {m1}");
    assert!(m1 < 512 * 1024, "{m1}");
}

#[test]
fn counting_is_a_lower_bound_while_reading_and_exact_at_the_end() {
    let log = codearts_log(10_000);
    let want = expected(&log);
    let source = ByteLines::new(v3(), false).with_max_read(8_192);
    let mut w = World::new(source, Server::new(&log, Api::CodeArtsV3));
    w.view(0..40);
    // Nothing is known: the source's own read goes first, at offset 0.
    assert_eq!(w.fetched[0].read.kind, ReadKind::Count);
    assert_eq!(
        w.fetched[0].path,
        "v3/jobs/job/4/real-time-log?offset=0&length=8192"
    );
    w.answer();
    let e = w.extent();
    assert!(e.discovering && !e.complete);
    assert!(e.counted > 0 && e.counted < 10_000, "{e:?}");
    assert_eq!(w.engine.total(), e.known_lines());
    assert_eq!(w.text(0).as_deref(), Some(want[0].as_str()));
    assert!(w.saw_total(e.counted));
    w.settle();
    let e = w.extent();
    assert_eq!(
        (e.counted, e.tail, e.discovering, e.complete),
        (10_000, 0, false, true)
    );
    assert_eq!(e.bytes_total, Some(log.len() as u64));
    assert_eq!(e.bytes_counted, log.len() as u64);
    assert_eq!(w.engine.total(), 10_000);
    // The view's lines are cached with their prefix gone and their stamp kept.
    let c = w.engine.line(13).unwrap();
    assert_eq!(c.line.text, want[13]);
    assert_eq!(c.line.stamp.as_ref().unwrap().level, Some(Level::Error));
    // 2023-12-21T15:44:00.000+08:00, the first line's stamp.
    assert_eq!((e.stamped, e.start_ms), (true, Some(1_703_144_640_000)));
    // The first read was small, the later ones as long as allowed.
    assert!(w.fetched.iter().all(|r| r.read.len <= 8_192));
    // Nothing more is asked of a complete log.
    let n = w.fetched.len();
    w.view(9_000..9_040);
    w.settle();
    assert!(w.fetched.len() > n, "a view far from the cache reads again");
    assert_eq!(w.text(9_000).as_deref(), Some(want[9_000].as_str()));
    let n = w.fetched.len();
    w.settle();
    assert_eq!(w.fetched.len(), n);
    assert_eq!(w.fire(), None);
}

impl World {
    fn saw_total(&self, total: u64) -> bool {
        self.seen.contains(&Command::TotalChanged(total))
    }
}

#[test]
fn any_line_is_read_again_from_the_nearest_checkpoint_with_its_style() {
    // Line 100 turns everything red until line 9000 resets it.
    let mut log = String::new();
    for i in 0..20_000u64 {
        let esc = match i {
            100 => "\u{1b}[31m",
            9_000 => "\u{1b}[0m",
            _ => "",
        };
        log.push_str(&format!("{esc}line {i} 中\n"));
    }
    let want = expected(&log);
    let source = ByteLines::new(v3(), false).with_max_read(64 * 1024);
    let mut w = World::new(source, Server::new(&log, Api::CodeArtsV3));
    w.view(0..40);
    w.settle();
    assert_eq!(w.engine.total(), 20_000);
    // Far away: the lines there left the cache long ago.
    w.view(5_000..5_040);
    let req = w.in_flight.as_ref().unwrap().1.clone();
    let ReadKind::Again { line, .. } = req.read.kind else {
        panic!("{req:?}");
    };
    assert!(line <= 5_000 && 5_000 - line < FIRST_EVERY);
    let offset: usize = want[..line as usize].iter().map(|l| l.len() + 1).sum();
    assert_eq!(
        req.read.from, offset as u64,
        "a checkpoint is a line's start"
    );
    w.settle();
    for n in 5_000..5_040 {
        assert_eq!(w.text(n).as_deref(), Some(want[n as usize].as_str()));
    }
    let red = crate::ansi::style_after(["\u{1b}[31m"], Style::default());
    assert_eq!(
        w.engine.line(5_000).unwrap().start,
        red,
        "the checkpoint kept the style"
    );
    w.view(15_000..15_040);
    w.settle();
    assert_eq!(w.engine.line(15_000).unwrap().start, Style::default());
    assert_eq!(w.text(15_039).as_deref(), Some(want[15_039].as_str()));
}

#[test]
fn a_server_answering_a_few_bytes_at_a_time_still_serves_every_line_again() {
    let log = "第一行 🦀\n".repeat(300) + &"长".repeat(MAX_LINE_BYTES / 3 + 10) + "\nlast\n";
    let want = expected(&log);
    let mut server = Server::new(&log, Api::ServiceStage);
    server.cap = 5;
    let source = ByteLines::new(
        LogTarget::ServiceStage {
            build_id: "b".into(),
        },
        false,
    );
    let mut w = World::new(source, server);
    w.view(0..40);
    w.settle();
    assert_eq!(w.engine.total(), want.len() as u64);
    assert!(w.extent().complete);
    // The long line's pieces, and lines after a checkpoint, read again 5 bytes at a time.
    let n = want.len() as u64;
    w.view(n - 5..n);
    w.settle();
    for i in n - 5..n {
        assert_eq!(
            w.text(i).as_deref(),
            Some(want[i as usize].as_str()),
            "line {i}"
        );
    }
    w.view(150..190);
    w.settle();
    for i in 150..190 {
        assert_eq!(
            w.text(i).as_deref(),
            Some(want[i as usize].as_str()),
            "line {i}"
        );
    }
    assert!(w
        .fetched
        .iter()
        .all(|r| r.path.starts_with("builds/b/logs?from=")));
}

#[test]
fn a_running_log_is_polled_with_backoff_and_ends_when_the_finished_build_says_so() {
    let mut server = Server::new(
        "[2023/12/21 15:44:18.743 GMT+08:00] [INFO] [a:b] : one\n",
        Api::CodeArtsV3,
    );
    server.running = true;
    let mut w = World::new(ByteLines::new(v3(), true), server);
    w.view(0..40);
    w.settle();
    assert_eq!(w.engine.total(), 1);
    assert!(
        !w.extent().discovering,
        "caught up: following, not counting"
    );
    // Nothing new ("empty content, more to come"): ask again after the backoff, growing.
    assert_eq!(w.retry, Some(1_000));
    assert!(w.in_flight.is_none(), "nothing is sent during the wait");
    w.fire();
    w.settle();
    assert_eq!(w.retry, Some(2_000));
    // A partial line is carried, not shown.
    w.server.append("tw");
    w.fire();
    w.settle();
    assert_eq!(w.engine.total(), 1);
    w.server.append("o\nthree\n");
    w.fire();
    w.settle();
    assert_eq!(w.engine.total(), 3);
    assert_eq!(w.text(1).as_deref(), Some("two"));
    assert_eq!(w.retry, Some(1_000), "new lines reset the backoff");
    // "has more: false" while the build still runs is a lull, not the end.
    w.server.running = false;
    w.fire();
    w.settle();
    assert!(!w.extent().complete);
    assert!(w.retry.is_some());
    // The build finished: the next answer saying there is no more is the end.
    w.run(|e, lane| e.with_source(|s| s.set_running(false), lane));
    w.server.append("four, no newline");
    w.fire();
    w.settle();
    let e = w.extent();
    assert!(e.complete && !e.discovering);
    assert_eq!(w.engine.total(), 4);
    assert_eq!(w.text(3).as_deref(), Some("four, no newline"));
    let n = w.fetched.len();
    assert_eq!(w.fire(), None, "no poll once complete");
    w.settle();
    assert_eq!(w.fetched.len(), n);
}

#[test]
fn servicestage_ends_on_an_empty_answer_of_a_finished_build() {
    let log = "[Init] preparing\n[Build] mvn package\n";
    let mut server = Server::new(log, Api::ServiceStage);
    server.cap = 8;
    let target = LogTarget::ServiceStage {
        build_id: "b-1".into(),
    };
    let mut w = World::new(ByteLines::new(target, false), server);
    w.view(0..40);
    w.settle();
    assert!(w.extent().complete);
    assert_eq!(w.engine.total(), 2);
    assert_eq!(
        w.fetched.last().unwrap().path,
        format!("builds/b-1/logs?from={}", log.len())
    );
}

#[test]
fn the_tail_is_read_first_numbered_from_the_end_then_joins_at_its_real_numbers() {
    let log = codearts_log(20_000);
    let want = expected(&log);
    let mut server = Server::new(&log, Api::CodeArtsV1);
    server.cap = 16 * 1024;
    let source = ByteLines::new(v1(), false).with_max_read(16 * 1024);
    let mut w = World::new(source, server);
    w.run(|e, lane| e.with_source(ByteLines::want_tail, lane));
    assert_eq!(w.fetched[0].read.kind, ReadKind::Last);
    assert_eq!(
        w.fetched[0].path,
        "v1/log/job/4/real-time-log?start_offset=0&end_offset=0&sort=DESC&size=1000"
    );
    w.answer();
    let e = w.extent();
    assert_eq!(e.counted, 0);
    assert!(e.tail > 10 && e.discovering, "{e:?}");
    // The tail's stamps show a time column at once; "elapsed" waits for the log's start.
    assert_eq!((e.stamped, e.start_ms), (true, None));
    let placed = e.tail;
    assert_eq!(e.bytes_total, Some(log.len() as u64));
    let total = w.engine.total();
    assert_eq!(total, e.tail, "at least the tail's lines");
    let src = w.engine.source();
    assert_eq!(src.line_no(total - 1), Some(LineNo::FromEnd(1)));
    assert_eq!(src.line_no(0), Some(LineNo::FromEnd(total)));
    assert_eq!(src.line_no(total), None);
    // The view at the end shows the real last lines before anything was counted.
    w.view(total - 20..total);
    w.answer_until(|w| w.extent().counted > 0 && w.text(w.engine.total() - 20).is_some());
    let (counted, total) = (w.extent().counted, w.engine.total());
    assert!(counted > 0 && counted < 20_000 - placed, "{counted}");
    for k in 1..=20 {
        assert_eq!(
            w.text(total - k).as_deref(),
            Some(want[want.len() - k as usize].as_str()),
            "{k} from the end"
        );
    }
    assert_eq!(
        w.engine.source().line_no(counted),
        Some(LineNo::FromEnd(total - counted))
    );
    assert_eq!(
        w.engine.source().line_no(counted - 1),
        Some(LineNo::Exact(counted - 1))
    );
    w.settle();
    // Counting reached the tail: every line at its real number, the tail joined.
    let e = w.extent();
    assert_eq!((e.counted, e.tail, e.complete), (20_000, 0, true));
    assert!(e.stamped && e.start_ms.is_some());
    assert_eq!(w.engine.total(), 20_000);
    assert_eq!(
        w.engine.source().line_no(19_999),
        Some(LineNo::Exact(19_999))
    );
    // The lines counted before the tail went in before it, in order, all of them.
    let mut at = 0;
    for s in &w.shifts {
        assert_eq!(s.at, at);
        at += s.by;
    }
    assert_eq!(at + placed, 20_000);
    w.view(19_960..20_000);
    w.settle();
    for n in 19_960..20_000 {
        assert_eq!(
            w.text(n).as_deref(),
            Some(want[n as usize].as_str()),
            "line {n}"
        );
    }
    // The tail's bytes were not counted again: counting stopped where the tail starts.
    let tail_bytes: usize = log
        .split_inclusive('\n')
        .rev()
        .take(placed as usize)
        .map(str::len)
        .sum();
    let tail_start = (log.len() - tail_bytes) as u64;
    assert!(w
        .fetched
        .iter()
        .filter(|r| r.read.kind == ReadKind::Count)
        .all(|r| r.read.from < tail_start));
}

impl World {
    fn answer_until(&mut self, done: impl Fn(&World) -> bool) {
        for _ in 0..100_000 {
            if done(self) || self.answer().is_none() {
                return;
            }
        }
    }
}

#[test]
fn a_tail_placed_wrongly_is_dropped_and_counting_goes_on() {
    let log = codearts_log(5_000);
    let want = expected(&log);
    let mut server = Server::new(&log, Api::CodeArtsV1);
    server.cap = 8 * 1024;
    server.last_end_error = -7;
    let source = ByteLines::new(v1(), false).with_max_read(8 * 1024);
    let mut w = World::new(source, server);
    w.run(|e, lane| e.with_source(ByteLines::want_tail, lane));
    w.answer();
    assert!(w.extent().tail > 0);
    w.view(0..40);
    w.settle();
    let e = w.extent();
    assert_eq!((e.counted, e.tail, e.complete), (5_000, 0, true));
    assert_eq!(w.engine.total(), 5_000);
    for n in [0u64, 2_500, 4_999] {
        w.view(n..n + 1);
        w.settle();
        assert_eq!(
            w.text(n).as_deref(),
            Some(want[n as usize].as_str()),
            "line {n}"
        );
    }
}

#[test]
fn place_tail_drops_the_first_part_line_and_refuses_what_it_cannot_place() {
    let chunk = |text: &str, start, end| Chunk {
        text: text.into(),
        start,
        end,
        more: Some(true),
    };
    // Placed from the end, whatever the start says.
    let c = chunk("\u{FFFD}art\nwhole 中\nnext", Some(100), Some(200));
    assert_eq!(place_tail(&c, false), Some((200 - 14, "whole 中\nnext")));
    // The end cut a character: placed from the start if it is clean.
    let c = chunk("part\nwhole\n\u{FFFD}", Some(100), Some(200));
    assert_eq!(place_tail(&c, false), Some((105, "whole\n\u{FFFD}")));
    let c = chunk("\u{FFFD}\nwhole\n\u{FFFD}", Some(100), Some(200));
    assert_eq!(place_tail(&c, false), None, "cut at both ends");
    assert_eq!(
        place_tail(&chunk("no newline", Some(0), Some(10)), false),
        None
    );
    assert_eq!(place_tail(&chunk("a\nb", None, None), false), None);
}

#[test]
fn a_search_is_fed_by_the_counting_reads() {
    let log = codearts_log(4_000);
    let source = ByteLines::new(v3(), false).with_max_read(16 * 1024);
    let mut w = World::new(source, Server::new(&log, Api::CodeArtsV3));
    let m = Matcher::new(&Query {
        text: "line 3999".into(),
        ..Query::default()
    })
    .unwrap();
    w.run(|e, lane| e.set_search(m, lane));
    w.run(|e, lane| e.want_index(lane));
    w.view(0..40);
    w.settle();
    let s = w.engine.scanner();
    assert_eq!(s.hits().unwrap().nth(0).map(|h| h.0), Some(3_999));
    // ERROR-level lines are errors for next / previous error.
    assert_eq!(s.errors().first(), Some(&13));
    assert!(s.errors().iter().all(|&e| e % 97 == 13));
    assert_eq!(
        s.errors().len(),
        (0..4_000).filter(|i| i % 97 == 13).count()
    );
    assert!(!w.engine.scan_progress().running);
    assert!(
        w.fetched.iter().all(|r| r.read.kind == ReadKind::Count),
        "no second pass over counted lines"
    );
}

#[test]
fn chunks_decode_from_every_api_and_requests_name_their_paths() {
    let fixture = crate::testdata::huawei;
    let c = Api::CodeArtsV3
        .decode(&fixture("codearts-real-time-log"))
        .unwrap();
    assert_eq!(
        (c.start, c.end, c.more),
        (Some(2048), Some(2310), Some(true))
    );
    let c = Api::ServiceStage
        .decode(&fixture("servicestage-build-log"))
        .unwrap();
    assert_eq!((c.start, c.end, c.more), (None, Some(2048), None));
    let body = r#"{"status":"success","result":{"has_more":false,"start_offset":"5","end_offset":9,"log":"abcd","location":"jenkins"}}"#;
    let c = Api::CodeArtsV1.decode(body).unwrap();
    assert_eq!(
        (c.text.as_str(), c.start, c.end, c.more),
        ("abcd", Some(5), Some(9), Some(false))
    );
    assert!(Api::CodeArtsV1
        .decode(r#"{"status":"fail","error":"x"}"#)
        .is_err());
    let read = Read {
        from: 10,
        len: 20,
        kind: ReadKind::Count,
    };
    let step = LogTarget::CodeArtsStepPage {
        job_id: "j".into(),
        build_no: 2,
        step_id: "s/1".into(),
    };
    assert_eq!(
        step.path(&read),
        "v1/log/task/page?job_id=j&build_no=2&step_id=s%2F1&start_offset=10&end_offset=30"
    );
    let page = LogTarget::CodeArtsBuildPage {
        job_id: "j".into(),
        build_no: 2,
    };
    assert!(page.reads_the_end_first() && !v3().reads_the_end_first());
    let req = ByteRequest {
        read,
        path: page.path(&read),
        api: page.api(),
    };
    let a = req.answer(body).unwrap();
    assert_eq!((a.read, a.chunk.text.as_str()), (read, "abcd"));
}

impl World {
    /// The request in flight fails (the HTTP layer gave up on it).
    fn fail(&mut self) -> bool {
        let Some((token, _)) = self.in_flight.take() else {
            return false;
        };
        let err = crate::error::ApiError::new(
            crate::error::ErrorKind::Network,
            "CodeArts",
            "/v1/log",
            "offline",
        );
        self.run(|e, lane| e.request_failed(token, err, lane));
        true
    }

    /// Every cached line with a final number holds that line of `log`'s complete lines.
    fn check_numbered(&self, log: &str) {
        let done = log.rfind('\n').map_or("", |i| &log[..=i]);
        let want = expected(done);
        let counted = self.extent().counted;
        for r in self.engine.cache.ranges() {
            for n in r.start..r.end.min(counted) {
                assert_eq!(
                    self.text(n).as_deref(),
                    want.get(n as usize).map(String::as_str),
                    "line {n}"
                );
            }
        }
    }
}

/// Random sessions: logs of CJK, emoji, ANSI and the odd long line; servers of every API
/// answering 4 bytes to 16 KB at a time, cutting characters or not; running builds that grow
/// and finish; the tail asked for or not; failures; the view jumping about. At every step no
/// two requests are in flight (checked on every command) and every numbered cached line is
/// the real one; at the end the count is exact and any line reads back right.
#[test]
fn random_sessions_read_every_line_right() {
    let mut rng = crate::rng::Rng(0xb17e_5eed);
    let words = [
        "中文",
        "🦀",
        "e\u{301}",
        "\u{1b}[31mred\u{1b}[0m",
        "plain",
        "日志行",
        "👍🏽",
        "x",
    ];
    let (mut tails, mut shifted) = (0, 0);
    for session in 0..24 {
        let make = |n: u64, rng: &mut crate::rng::Rng| {
            let mut s = String::new();
            for _ in 0..n {
                if rng.below(400) == 0 {
                    s.push_str(&"长".repeat(MAX_LINE_BYTES / 2));
                }
                for _ in 0..rng.below(6) {
                    s.push_str(rng.pick(&words));
                    s.push(' ');
                }
                s.push('\n');
            }
            s
        };
        let api = [Api::CodeArtsV3, Api::CodeArtsV1, Api::ServiceStage][session % 3];
        let target = match api {
            Api::CodeArtsV3 => v3(),
            Api::CodeArtsV1 => v1(),
            Api::ServiceStage => LogTarget::ServiceStage {
                build_id: "b".into(),
            },
        };
        let running = session % 2 == 0;
        let initial = make(200 + rng.below(600), &mut rng);
        let mut server = Server::new(&initial, api);
        server.cap = [4, 7, 64, 1_000, 16 * 1024][rng.below(5) as usize];
        server.cut = if rng.below(2) == 0 {
            Cut::Replace
        } else {
            Cut::Whole
        };
        server.running = running;
        let source = ByteLines::new(target, running).with_max_read(1 + rng.below(32 * 1024));
        let mut w = World::new(source, server);
        if rng.below(2) == 0 {
            w.run(|e, lane| e.with_source(ByteLines::want_tail, lane));
        }
        w.view(0..40);
        for _ in 0..400 {
            match rng.below(10) {
                0 => {
                    let total = w.engine.total();
                    let top = rng.below(total.max(1));
                    w.view(top..(top + 40).min(total.max(top + 1)));
                }
                1 => {
                    w.fail();
                }
                2 if running && w.server.running => {
                    let more = make(rng.below(50), &mut rng);
                    w.server.append(&more);
                }
                3 => {
                    w.fire();
                }
                _ => {
                    w.answer();
                }
            }
            let log = String::from_utf8(w.server.log.clone()).unwrap();
            w.check_numbered(&log);
            assert!(w.engine.total() >= w.extent().counted);
            tails += u32::from(w.extent().tail > 0);
        }
        shifted += w.shifts.len();
        // The build finishes (with a last line the log may not end with a newline for).
        if running {
            w.server.append("the end");
            w.server.running = false;
            w.run(|e, lane| e.with_source(|s| s.set_running(false), lane));
        }
        for _ in 0..100_000 {
            if w.answer().is_none() && w.fire().is_none() {
                break;
            }
        }
        let log = String::from_utf8(w.server.log.clone()).unwrap();
        let want = expected(&log);
        let e = w.extent();
        assert!(e.complete, "session {session}: {e:?}");
        assert_eq!(w.engine.total(), want.len() as u64, "session {session}");
        assert_eq!(e.bytes_total, Some(log.len() as u64));
        for _ in 0..3 {
            let n = rng.below(want.len() as u64);
            w.view(n..(n + 20).min(want.len() as u64));
            w.settle();
            for i in n..(n + 20).min(want.len() as u64) {
                assert_eq!(
                    w.text(i).as_deref(),
                    Some(want[i as usize].as_str()),
                    "session {session}, line {i}"
                );
            }
        }
    }
    assert!(tails > 0 && shifted > 0, "the sessions read tails early");
}

#[test]
fn the_poll_backoff_holds_only_the_sources_own_reads() {
    let log = codearts_log(8_000);
    let want = expected(&log);
    let mut server = Server::new(&log, Api::CodeArtsV3);
    server.running = true;
    let mut w = World::new(ByteLines::new(v3(), true), server);
    w.view(0..40);
    w.settle();
    assert_eq!(w.retry, Some(1_000), "caught up: waiting to poll");
    w.view(7_000..7_040);
    let sent = w.in_flight.as_ref().map(|(_, r)| r.read.kind);
    assert!(matches!(sent, Some(ReadKind::Again { .. })), "{sent:?}");
    w.settle();
    assert_eq!(w.text(7_000).as_deref(), Some(want[7_000].as_str()));
    assert_eq!(w.retry, Some(1_000), "the poll still waits");
    assert!(w.in_flight.is_none());
    // Retry now skips the wait.
    w.run(|e, lane| e.retry_now(lane));
    assert!(matches!(
        w.in_flight.as_ref().map(|(_, r)| r.read.kind),
        Some(ReadKind::Count)
    ));
}
