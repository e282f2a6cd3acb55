//! The engine's rules as native tests: engines sharing one lane run against a fake Buildbot
//! that answers every window with the real lines of a log of known length, with every
//! command executed as the web layer would.

// Views are slices of ranges; a one-range view is the common case, not a mistake.
#![allow(clippy::single_range_in_vec_init)]

use super::*;
use crate::buildbot::paths::Window;
use crate::buildbot::{LogChunk, LogType};
use crate::error::ErrorKind;
use crate::log::search::Query;
use crate::log::text::Stream;
use crate::rng::Rng;

type Cmd = Command<Window>;

/// Stored line `n` of log `log` (a stdout line naming itself).
fn raw(log: usize, n: u64) -> String {
    format!("o{log}:{n}")
}

fn win(offset: u64, limit: u64) -> Window {
    Window::new(offset, limit).expect("a test window is never empty")
}

fn offline() -> ApiError {
    ApiError::new(
        ErrorKind::Network,
        "Local Buildbot",
        "/api/v2/logs/1/contents",
        "offline",
    )
}

fn search(text: &str) -> Option<Matcher> {
    Matcher::new(&Query {
        text: text.into(),
        ..Query::default()
    })
    .expect("a plain query is valid")
}

/// Engines sharing one lane, the server's truth about each log, and what the web layer would
/// hold: requests on the way, timers set. The invariant "never two requests in flight" is
/// checked on every command.
struct World {
    lane: Lane,
    engines: Vec<Engine<BuildbotLines>>,
    /// Lines each log really has (what the server answers with).
    lines: Vec<u64>,
    /// Requests sent and not answered: (engine, token, window).
    in_flight: Vec<(usize, Token, Window)>,
    /// Timers set per engine, with their delay.
    timers: Vec<Vec<(Timer, u32)>>,
    /// Every window sent, per engine.
    fetched: Vec<Vec<Window>>,
    /// Every other command per engine, in order.
    seen: Vec<Vec<Cmd>>,
    now: u64,
}

impl World {
    /// Logs whose engines are told `totals` and whose server holds as many lines.
    fn new(totals: &[u64]) -> World {
        let mut w = World {
            lane: Lane::new(),
            engines: Vec::new(),
            lines: Vec::new(),
            in_flight: Vec::new(),
            timers: Vec::new(),
            fetched: Vec::new(),
            seen: Vec::new(),
            now: 0,
        };
        for &t in totals {
            w.open(t, t);
        }
        w
    }

    /// A new engine told `total` lines, whose server holds `lines`.
    fn open(&mut self, total: u64, lines: u64) -> usize {
        let e = Engine::new(BuildbotLines::new(LogType::Stdio), total, &mut self.lane);
        self.engines.push(e);
        self.lines.push(lines);
        self.timers.push(Vec::new());
        self.fetched.push(Vec::new());
        self.seen.push(Vec::new());
        self.engines.len() - 1
    }

    /// The engines do not read the tail ([`PlanConfig::tail`]): for the tests that count
    /// every request of another rule.
    fn no_tail(mut self) -> World {
        for e in &mut self.engines {
            e.cfg.tail = 0;
        }
        self
    }

    fn run(&mut self, i: usize, f: impl FnOnce(&mut Engine<BuildbotLines>, &mut Lane)) {
        f(&mut self.engines[i], &mut self.lane);
        self.execute(i);
    }

    /// Executes engine `i`'s commands; the engines the lane wakes get `lane_free`.
    fn execute(&mut self, i: usize) {
        let mut woken = Vec::new();
        for c in self.engines[i].take_commands() {
            match c {
                Command::Fetch { token, request } => {
                    assert!(
                        self.in_flight.is_empty(),
                        "two requests in flight: {:?} and {request:?}",
                        self.in_flight
                    );
                    self.in_flight.push((i, token, request));
                    self.fetched[i].push(request);
                }
                Command::SetTimer { timer, ms } => {
                    self.timers[i].retain(|&(t, _)| t != timer);
                    self.timers[i].push((timer, ms));
                }
                Command::CancelTimer(timer) => self.timers[i].retain(|&(t, _)| t != timer),
                Command::Wake(id) => woken.push(id),
                other => self.seen[i].push(other),
            }
        }
        for id in woken {
            let j = self.engines.iter().position(|e| e.lane_id() == id);
            let j = j.expect("the lane wakes only engines that joined it");
            self.engines[j].lane_free(&mut self.lane);
            self.execute(j);
        }
    }

    fn view(&mut self, i: usize, lines: Range<u64>) {
        let now = self.now;
        self.run(i, |e, lane| e.set_view(vec![lines], now, lane));
    }

    /// The server answers the request in flight with the lines it has.
    fn answer(&mut self) -> Option<Window> {
        let (i, token, w) = self.in_flight.pop()?;
        let end = (w.offset() + w.limit()).min(self.lines[i]);
        let content = (w.offset().min(end)..end)
            .map(|n| raw(i, n) + "\n")
            .collect();
        let chunk = LogChunk {
            logid: i as i64,
            firstline: w.offset(),
            content,
        };
        self.run(i, |e, lane| e.chunk_arrived(token, chunk, lane));
        Some(w)
    }

    fn fail(&mut self) -> Option<Window> {
        let (i, token, w) = self.in_flight.pop()?;
        self.run(i, |e, lane| e.request_failed(token, offline(), lane));
        Some(w)
    }

    /// Engine `i`'s timer goes off (its delay passes), if set.
    fn fire(&mut self, i: usize, timer: Timer) -> Option<u32> {
        let at = self.timers[i].iter().position(|&(t, _)| t == timer)?;
        let (_, ms) = self.timers[i].remove(at);
        self.now += u64::from(ms);
        self.run(i, |e, lane| e.timer_fired(timer, lane));
        Some(ms)
    }

    /// Time passes with nobody touching anything: every answer lands, every timer goes off.
    fn quiesce(&mut self) {
        for _ in 0..10_000 {
            if self.answer().is_some() {
                continue;
            }
            let due =
                (0..self.engines.len()).find_map(|i| self.timers[i].first().map(|&(t, _)| (i, t)));
            match due {
                Some((i, t)) => {
                    self.fire(i, t);
                }
                None => return,
            }
        }
        panic!("the engines never settle");
    }

    /// Whether every line of `lines` is cached in engine `i` with its real text.
    fn cached(&self, i: usize, lines: Range<u64>) -> bool {
        lines.into_iter().all(|n| {
            self.engines[i]
                .line(n)
                .is_some_and(|c| c.line.text == raw(i, n)[1..])
        })
    }

    fn timer(&self, i: usize, timer: Timer) -> Option<u32> {
        self.timers[i]
            .iter()
            .find(|&&(t, _)| t == timer)
            .map(|&(_, ms)| ms)
    }

    fn saw(&self, i: usize, c: &Cmd) -> bool {
        self.seen[i].contains(c)
    }

    fn last_progress(&self, i: usize) -> Option<ScanProgress> {
        self.seen[i].iter().rev().find_map(|c| match c {
            Command::ScanProgress(p) => Some(*p),
            _ => None,
        })
    }
}

#[test]
fn opening_a_log_fetches_the_screen_and_the_overscan_once() {
    let mut w = World::new(&[1_000_000]).no_tail();
    w.view(0, 0..40);
    assert_eq!(w.fetched[0], [win(0, 540)]);
    w.quiesce();
    assert!(w.cached(0, 0..540));
    assert_eq!(w.fetched[0].len(), 1, "a long log is not scanned unasked");
    let bytes = (0..540).map(|n| raw(0, n).len() as u64 + 1).sum();
    assert!(w.saw(0, &Command::Traffic { requests: 1, bytes }));
    assert!(w.saw(0, &Command::LinesChanged));
    assert_eq!(
        w.engines[0].line(7).map(|c| c.line.stream),
        Some(Stream::Stdout)
    );
}

/// Random sessions over one engine (or two sharing the lane, opened and closed as pages
/// come and go): scrolls, jumps, drags, answers, failures, timers, growth, searches. At no
/// moment are two requests in flight (checked on every command), the cache stays bounded,
/// and once everything settles the view holds its real lines.
fn random_sessions(seed: u64, pages: usize) {
    let cfg = PlanConfig::default();
    let mut rng = Rng(seed);
    for session in 0..32 {
        let total = match session % 4 {
            0 => 1 + rng.below(100),
            1 => rng.below(30_000),
            2 => 1_000_000,
            _ => 10_000_000,
        };
        // Reading a long log to its end (again at every new search) would only slow the
        // test down: scans run over the shorter ones.
        let scannable = total <= 30_000;
        // Sometimes the server has fewer lines than the page was told.
        let have = if session % 5 == 0 { total / 2 } else { total };
        let mut w = World::new(&[]);
        let mut open: Vec<usize> = (0..pages).map(|_| w.open(total, have)).collect();
        let height = 1 + rng.below(60);
        let mut tops = vec![0u64; w.engines.len()];
        for _ in 0..120 {
            w.now += rng.below(120);
            let mut i = open[rng.below(open.len() as u64) as usize];
            let total = w.engines[i].total();
            let top = &mut tops[i];
            match rng.below(12) {
                0..=2 => *top = top.saturating_add(rng.below(120)),
                3 => *top = top.saturating_sub(rng.below(400)),
                4 => *top = rng.below(total),
                5 | 6 => {
                    w.answer();
                }
                7 => {
                    w.fail();
                }
                8 => {
                    let t = w.timers[i].first().map(|&(t, _)| t);
                    if let Some(t) = t {
                        w.fire(i, t);
                    }
                }
                9 => {
                    let more = rng.below(3_000);
                    w.lines[i] += more;
                    let to = w.lines[i].max(total + more);
                    w.run(i, |e, lane| e.set_total(to, lane));
                }
                10 if scannable => {
                    let m = search(&rng.below(10).to_string());
                    w.run(i, |e, lane| e.set_search(m, lane));
                }
                _ if pages > 1 && rng.below(3) == 0 => {
                    // The page is left, another opens.
                    w.run(i, |e, lane| e.close(lane));
                    open.retain(|&j| j != i);
                    i = w.open(total, have);
                    open.push(i);
                    tops.push(0);
                }
                _ if scannable && rng.below(2) == 0 => w.run(i, |e, lane| e.want_index(lane)),
                _ => w.run(i, |e, lane| e.retry_now(lane)),
            }
            let i_top = tops[i].min(w.engines[i].total().saturating_sub(1));
            w.view(i, i_top..i_top + height);
            for &j in &open {
                assert!(w.engines[j].cache.len() <= cfg.cache_bound(height));
            }
        }
        w.quiesce();
        for &i in &open {
            let total = w.engines[i].total();
            let top = w.engines[i].view[0].start.min(total);
            let end = (top + height).min(total);
            assert!(
                w.cached(i, top..end),
                "view {top}..{end} of {total} not covered"
            );
            assert_eq!(
                w.engines[i].scanner.next_needed(total),
                None,
                "scan finished"
            );
        }
    }
}

#[test]
fn one_engine_never_has_two_requests_in_flight() {
    random_sessions(0x5eed_e461, 1);
}

#[test]
fn engines_sharing_the_lane_never_have_two_requests_in_flight() {
    random_sessions(0x1a4e_0002, 2);
}

#[test]
fn the_tail_is_read_once_the_screen_is_covered_and_end_paints_from_the_cache() {
    let mut w = World::new(&[1_000_000]);
    w.view(0, 0..40);
    assert_eq!(w.fetched[0], [win(0, 540)]);
    w.answer();
    // The screen is covered: the last lines next, before anything else.
    assert_eq!(w.fetched[0], [win(0, 540), win(999_900, 100)]);
    w.quiesce();
    assert_eq!(w.fetched[0].len(), 2, "asked once");
    // Scrolling elsewhere keeps the tail cached (and the cache bounded).
    for top in [200_000, 400_000, 600_000] {
        w.now += 5_000;
        w.view(0, top..top + 40);
        w.quiesce();
    }
    assert!(w.cached(0, 999_900..1_000_000));
    assert!(w.engines[0].cache.len() <= PlanConfig::default().cache_bound(40));
    // End: the screen is there before any answer; the overscan above it is then asked for.
    w.now += 5_000;
    w.view(0, 999_960..1_000_000);
    assert!(w.cached(0, 999_960..1_000_000));
    assert!(w.fetched[0]
        .last()
        .is_some_and(|f| f.offset() + f.limit() <= 999_900));
    let sent = w.fetched[0].len();
    w.quiesce();
    assert_eq!(
        w.fetched[0][sent - 1..],
        [win(999_460, 440)],
        "only what is above the tail"
    );
}

#[test]
fn a_short_log_has_no_tail_to_read() {
    let mut w = World::new(&[300]);
    w.view(0, 0..40);
    w.quiesce();
    assert_eq!(
        w.fetched[0],
        [win(0, 300)],
        "one window held it all (and the scan)"
    );
}

#[test]
fn open_at_asks_before_the_view_is_laid_out_and_the_view_waits_for_it() {
    let mut w = World::new(&[1_000_000]);
    w.run(0, |e, lane| e.open_at(149_699..150_299, lane));
    assert_eq!(w.fetched[0], [win(149_699, 600)], "asked as given");
    // The view comes and finds its lines on the way: nothing more is sent.
    w.view(0, 149_980..150_020);
    assert_eq!(w.fetched[0].len(), 1);
    w.answer();
    assert!(w.cached(0, 149_699..150_299));
    w.quiesce();
    assert!(w.cached(0, 149_980..150_020));
    // Only before the first view.
    let sent = w.fetched[0].len();
    w.run(0, |e, lane| e.open_at(0..600, lane));
    assert_eq!(w.fetched[0].len(), sent);
}

#[test]
fn an_early_window_that_lands_before_the_view_is_kept() {
    let mut w = World::new(&[1_000_000]);
    w.run(0, |e, lane| e.open_at(0..600, lane));
    w.answer();
    assert!(w.cached(0, 0..600), "kept though no view was laid out yet");
    assert!(w.in_flight.is_empty(), "no view, nothing else to ask");
    w.view(0, 0..40);
    assert_eq!(w.fetched[0], [win(0, 600), win(999_900, 100)]);
    // Past the end, or a second time: nothing.
    let mut w = World::new(&[100]);
    w.run(0, |e, lane| e.open_at(100..700, lane));
    assert!(w.fetched[0].is_empty());
    w.run(0, |e, lane| e.open_at(0..600, lane));
    w.run(0, |e, lane| e.open_at(0..600, lane));
    assert_eq!(w.fetched[0], [win(0, 600)]);
    w.answer();
    assert_eq!(
        w.engines[0].total(),
        100,
        "the short answer says where the log ends"
    );
}

#[test]
fn a_second_engine_waits_for_the_lane_and_is_woken() {
    let mut w = World::new(&[1_000_000, 1_000_000]).no_tail();
    w.view(0, 0..40);
    w.view(1, 5_000..5_040);
    assert!(w.fetched[1].is_empty(), "the lane is taken");
    w.answer();
    assert_eq!(w.in_flight.len(), 1);
    assert_eq!(
        w.in_flight[0].0, 1,
        "the answer freed the lane for the waiting engine"
    );
    w.quiesce();
    assert!(w.cached(0, 0..40) && w.cached(1, 5_000..5_040));
    assert_eq!(w.fetched[0].len(), 1);
}

#[test]
fn dragging_the_thumb_settles_then_fetches_once() {
    let mut w = World::new(&[1_000_000]).no_tail();
    w.view(0, 0..40);
    w.quiesce();
    w.now = 10_000;
    // The thumb dragged to the bottom, one jump per frame.
    for k in 1..=20u64 {
        w.now += 16;
        w.view(0, k * 40_000..k * 40_000 + 40);
    }
    // The drag's first jump cannot be told from a single one: it was served at once.
    assert_eq!(w.fetched[0].len(), 2);
    assert_eq!(w.timer(0, Timer::Settle), Some(SETTLE_MS));
    // Its (stale) answer lands mid-drag: still nothing sent for the moving view.
    w.answer();
    assert_eq!(w.fetched[0].len(), 2);
    w.fire(0, Timer::Settle);
    assert_eq!(w.fetched[0].len(), 3);
    assert!(w.fetched[0][2].offset() <= 800_000);
    w.quiesce();
    assert!(w.cached(0, 800_000..800_040));
    // Nothing was asked for the places the view only passed through.
    let passed = 80_000..760_040;
    assert!(
        w.fetched[0]
            .iter()
            .all(|f| f.offset() + f.limit() <= passed.start || f.offset() >= passed.end),
        "{:?}",
        w.fetched[0]
    );
}

#[test]
fn a_single_jump_is_served_at_once() {
    let mut w = World::new(&[1_000_000]).no_tail();
    w.view(0, 0..40);
    w.quiesce();
    // End, seconds later.
    w.now += 5_000;
    w.view(0, 999_960..1_000_000);
    assert_eq!(w.fetched[0].len(), 2);
    assert_eq!(
        w.fetched[0][1].offset() + w.fetched[0][1].limit(),
        1_000_000
    );
    assert_eq!(w.timer(0, Timer::Settle), None);
    // A jump long after a drag ended is single again, even if the settle timer is late.
    w.answer();
    w.now += 16;
    w.view(0, 500_000..500_040);
    w.now += 16;
    w.view(0, 300_000..300_040);
    assert_eq!(w.timer(0, Timer::Settle), Some(SETTLE_MS));
    w.now += 2_000;
    w.view(0, 100_000..100_040);
    assert_eq!(w.timer(0, Timer::Settle), None, "cancelled");
    w.quiesce();
    assert!(w.cached(0, 100_000..100_040));
}

#[test]
fn a_stale_window_finishes_and_is_cached_then_the_view_is_fetched() {
    let mut w = World::new(&[1_000_000]);
    w.view(0, 0..40);
    w.now += 1_000;
    w.view(0, 2_000..2_040);
    // Nothing is sent while the stale window is on its way (and nothing can abort it: there
    // is no such command).
    assert_eq!(w.fetched[0], [win(0, 540)]);
    w.answer();
    assert!(w.cached(0, 0..540), "the stale window's lines were kept");
    assert_eq!(w.fetched[0].len(), 2);
    assert!(w.fetched[0][1].offset() <= 2_000);
    w.quiesce();
    assert!(w.cached(0, 2_000..2_040));
}

#[test]
fn failures_back_off_and_a_success_resets_the_count() {
    let mut w = World::new(&[1_000_000]);
    w.view(0, 0..40);
    let mut waits = Vec::new();
    for _ in 0..6 {
        let sent = w.fetched[0].len();
        w.fail();
        assert!(w.saw(0, &Command::Error(Some(offline()))));
        // Scrolling during the backoff sends nothing.
        w.view(
            0,
            w.engines[0].view[0].start + 1..w.engines[0].view[0].end + 1,
        );
        assert_eq!(w.fetched[0].len(), sent);
        waits.push(w.fire(0, Timer::Retry).expect("a retry timer"));
        assert_eq!(
            w.fetched[0].len(),
            sent + 1,
            "tried again when the wait ended"
        );
    }
    assert_eq!(waits, [2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    w.answer();
    assert!(w.saw(0, &Command::Error(None)));
    w.now += 5_000;
    w.view(0, 500_000..500_040);
    w.fail();
    assert_eq!(w.timer(0, Timer::Retry), Some(2_000), "the count restarted");
}

#[test]
fn retry_now_skips_the_wait() {
    let mut w = World::new(&[1_000_000]);
    w.view(0, 0..40);
    w.fail();
    assert_eq!(w.timer(0, Timer::Retry), Some(2_000));
    w.run(0, |e, lane| e.retry_now(lane));
    assert_eq!(w.timer(0, Timer::Retry), None, "cancelled");
    assert_eq!(w.fetched[0], [win(0, 540), win(0, 540)]);
    // With a request in flight, retry now adds nothing.
    w.run(0, |e, lane| e.retry_now(lane));
    assert_eq!(w.fetched[0].len(), 2);
    w.quiesce();
    assert!(w.cached(0, 0..540));
}

#[test]
fn the_cache_stays_bounded_while_scrolling_a_million_lines() {
    let cfg = PlanConfig::default();
    let mut w = World::new(&[1_000_000]);
    let height = 40;
    let mut top = 0;
    while top + height <= 1_000_000 {
        w.view(0, top..top + height);
        w.quiesce();
        assert!(w.cached(0, top..top + height));
        assert!(w.engines[0].cache.len() <= cfg.cache_bound(height));
        top += 997;
    }
}

#[test]
fn a_short_window_lowers_the_total() {
    let mut w = World::new(&[]);
    w.open(100_000, 300);
    w.view(0, 0..40);
    w.quiesce();
    assert_eq!(w.engines[0].total(), 300);
    assert!(w.saw(0, &Command::TotalChanged(300)));
    assert!(w.cached(0, 0..300));
    // The missing lines are not asked for again.
    w.view(0, 260..300);
    w.quiesce();
    assert_eq!(w.fetched[0], [win(0, 540)]);
}

#[test]
fn a_smaller_total_is_ignored() {
    let mut w = World::new(&[1_000]);
    w.run(0, |e, lane| e.set_total(900, lane));
    assert_eq!(w.engines[0].total(), 1_000);
    assert!(w.seen[0].is_empty());
    w.run(0, |e, lane| e.set_total(1_200, lane));
    assert_eq!(w.engines[0].total(), 1_200);
    assert!(w.saw(0, &Command::TotalChanged(1_200)));
    assert_eq!(w.last_progress(0).map(|p| p.total), Some(1_200));
}

#[test]
fn a_growing_log_fetches_its_new_lines() {
    let mut w = World::new(&[100]);
    w.view(0, 60..100);
    w.quiesce();
    w.lines[0] = 150;
    w.run(0, |e, lane| e.set_total(150, lane));
    w.quiesce();
    assert!(w.cached(0, 0..150));
    assert_eq!(w.fetched[0].last(), Some(&win(100, 50)));
}

#[test]
fn the_scan_reads_cached_lines_without_requests() {
    let mut w = World::new(&[100_000]).no_tail();
    w.view(0, 0..40);
    w.quiesce();
    w.run(0, |e, lane| e.set_search(search("7"), lane));
    // Lines 0..540 are cached: the scan took them from the cache and asks from 540 on.
    assert_eq!(w.fetched[0], [win(0, 540), win(540, 5_000)]);
    let hits = |lines: Range<u64>| -> u64 {
        lines
            .map(|n| raw(0, n)[1..].matches('7').count() as u64)
            .sum()
    };
    let found = |w: &World| w.engines[0].scanner().hits().map(|h| h.total());
    assert_eq!(found(&w), Some(hits(0..540)));
    assert!(w.saw(0, &Command::ScanFound));
    assert_eq!(
        w.last_progress(0),
        Some(ScanProgress {
            scanned: 540,
            total: 100_000,
            running: true
        })
    );
    w.quiesce();
    assert_eq!(found(&w), Some(hits(0..100_000)));
    assert_eq!(
        w.engines[0].scan_progress(),
        ScanProgress {
            scanned: 100_000,
            total: 100_000,
            running: false
        }
    );
    // 540 lines for the view, then 5 000 at a time.
    assert_eq!(w.fetched[0].len(), 1 + 99_460usize.div_ceil(5_000));
}

#[test]
fn a_new_search_restarts_the_scan() {
    let mut w = World::new(&[20_000]);
    w.view(0, 0..40);
    w.run(0, |e, lane| e.set_search(search("3"), lane));
    w.quiesce();
    let sent = w.fetched[0].len();
    assert!(!w.engines[0].scan_progress().running);
    // The scan's windows near the view were cached too: the new search starts from those.
    let cached = w.engines[0].cache.run_from(0).len() as u64;
    assert!(cached >= 540);
    w.run(0, |e, lane| e.set_search(search("9"), lane));
    assert_eq!(
        w.last_progress(0),
        Some(ScanProgress {
            scanned: cached,
            total: 20_000,
            running: true
        })
    );
    assert_eq!(w.fetched[0][sent], win(cached, 5_000));
    w.quiesce();
    let nines: u64 = (0..20_000)
        .map(|n| raw(0, n)[1..].matches('9').count() as u64)
        .sum();
    assert_eq!(
        w.engines[0].scanner().hits().map(|h| h.total()),
        Some(nines)
    );
    // No search, and the index is complete: nothing more to read.
    let sent = w.fetched[0].len();
    w.run(0, |e, lane| e.set_search(None, lane));
    assert!(!w.engines[0].scan_progress().running);
    assert_eq!(w.fetched[0].len(), sent);
}

#[test]
fn a_long_log_is_indexed_only_when_asked() {
    let mut w = World::new(&[1_000_000]).no_tail();
    w.view(0, 0..40);
    w.quiesce();
    assert!(!w.engines[0].scan_progress().running);
    w.run(0, |e, lane| e.want_index(lane));
    assert_eq!(w.fetched[0].last(), Some(&win(540, 5_000)));
    let seen = w.seen[0].len();
    w.run(0, |e, lane| e.want_index(lane));
    assert_eq!(w.seen[0].len(), seen, "asking twice changes nothing");
    // A short log indexes on its own.
    let mut w = World::new(&[1_000]).no_tail();
    w.view(0, 0..40);
    w.quiesce();
    assert_eq!(w.fetched[0], [win(0, 540), win(540, 460)]);
    assert_eq!(w.engines[0].scan_progress().scanned, 1_000);
}

#[test]
fn insert_styled_carries_the_style_and_restyles_after_a_gap_fill() {
    let line = |t: &str| LogLine::parse(t, &LogType::Text);
    let red = ansi::style_after(["\u{1b}[31m"], Style::default());
    let start = |c: &LineCache<Cached>, n: u64| c.get(n).map(|c| c.start.clone());
    let mut c = LineCache::new();
    // Lines 10.. arrive first: what comes before is unknown, so they start plain.
    insert_styled(&mut c, 10, vec![line("a"), line("b")]);
    assert_eq!(start(&c, 10), Some(Style::default()));
    // Lines 0..10 fill the gap; line 5 turns red, so lines 10 and 11 were guessed wrong.
    let gap = |red_at: Option<usize>| -> Vec<LogLine> {
        (0..10)
            .map(|k| {
                line(if Some(k) == red_at {
                    "\u{1b}[31mred"
                } else {
                    "x"
                })
            })
            .collect()
    };
    insert_styled(&mut c, 0, gap(Some(5)));
    assert_eq!(start(&c, 5), Some(Style::default()));
    assert_eq!(start(&c, 6), Some(red.clone()));
    assert_eq!(
        (start(&c, 10), start(&c, 11)),
        (Some(red.clone()), Some(red.clone()))
    );
    // A window after the run carries its end style.
    insert_styled(&mut c, 12, vec![line("\u{1b}[0mreset"), line("plain")]);
    assert_eq!(
        (start(&c, 12), start(&c, 13)),
        (Some(red), Some(Style::default()))
    );
    // The gap refilled without the red line: the restyle runs until a line already agrees.
    insert_styled(&mut c, 0, gap(None));
    for n in 0..14 {
        assert_eq!(start(&c, n), Some(Style::default()), "line {n}");
    }
}

#[test]
fn close_stops_everything_and_its_answer_still_frees_the_lane() {
    let mut w = World::new(&[1_000_000, 1_000_000]);
    w.view(0, 0..40);
    // A single jump (the request in flight goes stale), then a drag: a settle timer is set.
    w.now += 1_000;
    w.view(0, 500_000..500_040);
    w.now += 16;
    w.view(0, 600_000..600_040);
    assert!(w.timer(0, Timer::Settle).is_some());
    let before = w.seen[0].len();
    w.run(0, |e, lane| e.close(lane));
    assert!(w.timers[0].is_empty(), "timers cancelled");
    // The next page waits: the closed page's request is still on its way.
    w.view(1, 0..40);
    assert!(w.fetched[1].is_empty());
    w.answer();
    assert!(
        w.engines[0].line(0).is_none(),
        "the answer after close was ignored"
    );
    assert_eq!(w.fetched[1], [win(0, 540)], "its answer freed the lane");
    // Nothing moves a closed engine.
    w.view(0, 0..40);
    w.run(0, |e, lane| {
        e.set_total(2_000_000, lane);
        e.set_search(search("1"), lane);
        e.want_index(lane);
        e.retry_now(lane);
        e.timer_fired(Timer::Retry, lane);
        e.lane_free(lane);
    });
    assert_eq!(w.seen[0].len(), before);
    assert_eq!(w.fetched[0].len(), 1);
    w.quiesce();
    assert!(w.cached(1, 0..540));
}

#[test]
fn a_failure_after_close_still_frees_the_lane() {
    let mut w = World::new(&[1_000_000, 1_000_000]);
    w.view(0, 0..40);
    w.run(0, |e, lane| e.close(lane));
    w.view(1, 0..40);
    w.fail();
    assert_eq!(
        w.timer(0, Timer::Retry),
        None,
        "a closed engine does not retry"
    );
    assert!(w.seen[0].iter().all(|c| !matches!(c, Command::Error(_))));
    assert_eq!(w.fetched[1], [win(0, 540)]);
}

#[test]
fn an_answer_nobody_asked_for_is_ignored() {
    let mut w = World::new(&[1_000_000]);
    w.view(0, 0..40);
    let held = w.lane.holder();
    let chunk = LogChunk {
        logid: 0,
        firstline: 0,
        content: "oforged\n".into(),
    };
    w.run(0, |e, lane| e.chunk_arrived(Token(99), chunk, lane));
    w.run(0, |e, lane| e.request_failed(Token(98), offline(), lane));
    assert_eq!(
        w.lane.holder(),
        held,
        "the lane stays with the real request"
    );
    assert!(w.engines[0].line(0).is_none());
    assert_eq!(w.timer(0, Timer::Retry), None);
    w.quiesce();
    assert!(w.cached(0, 0..540));
}

#[test]
fn the_lane_grants_one_and_wakes_waiters_in_order() {
    let mut lane = Lane::new();
    let (a, b, c) = (lane.join(), lane.join(), lane.join());
    assert!(lane.take(a));
    assert!(!lane.take(b));
    assert!(!lane.take(c));
    assert!(!lane.take(b), "queued once");
    assert_eq!(lane.release(b), [], "only the holder frees it");
    assert_eq!(lane.holder(), Some(a));
    assert_eq!(lane.release(a), [b, c]);
    assert_eq!(lane.holder(), None);
    assert!(lane.take(c));
    assert!(!lane.take(b) && !lane.take(a));
    lane.leave(b);
    assert_eq!(lane.release(c), [a]);
}

#[test]
fn buildbot_windows_read_prefixed_lines_and_spot_the_end() {
    let mut src = BuildbotLines::new(LogType::Stdio);
    assert_eq!(src.request(10..15), Some(win(10, 5)));
    assert_eq!(
        src.request(10..10),
        None,
        "Buildbot answers 404 to an empty window"
    );
    let chunk = |content: &str| LogChunk {
        logid: 1,
        firstline: 10,
        content: content.into(),
    };
    let got = src.decode(10..15, chunk("ohello\neboom\n"));
    assert_eq!((got.first, got.ends_at, got.bytes), (10, Some(12), 13));
    assert_eq!(
        got.lines
            .iter()
            .map(|l| (l.stream, l.text.as_str()))
            .collect::<Vec<_>>(),
        [(Stream::Stdout, "hello"), (Stream::Stderr, "boom")]
    );
    assert_eq!(src.decode(10..12, chunk("oa\nob\n")).ends_at, None);
    let mut text = BuildbotLines::new(LogType::Text);
    assert_eq!(
        text.decode(10..11, chunk("ohello\n")).lines[0].text,
        "ohello"
    );
    // A hostile first line does not overflow.
    let far = LogChunk {
        logid: 1,
        firstline: u64::MAX,
        content: "oa\nob\n".into(),
    };
    assert_eq!(src.decode(0..5, far).ends_at, None);
}
