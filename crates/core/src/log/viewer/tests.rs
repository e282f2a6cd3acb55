use super::*;
use crate::buildbot::LogType;
use crate::log::search::{Matcher, Query};
use crate::log::text::LogLine;

const ROW: f64 = 18.0;

/// A log as the web layer knows it: `total` lines, the first `scanned` fed to the scan.
struct Log {
    lines: Vec<LogLine>,
    total: u64,
    scanner: Scanner,
    complete: bool,
}

impl Log {
    /// A log of `n` plain stdout lines, `errors` of them on stderr, scanned to the end.
    fn new(n: u64, errors: &[u64]) -> Log {
        let mut log = Log {
            lines: Vec::new(),
            total: 0,
            scanner: Scanner::new(),
            complete: false,
        };
        log.scanner.want_index();
        log.push_lines(n, errors);
        log.scan_all();
        log
    }

    fn from_raw(raw: &[&str]) -> Log {
        let mut log = Log::new(0, &[]);
        log.lines = raw
            .iter()
            .map(|l| LogLine::parse(l, &LogType::Stdio))
            .collect();
        log.total = log.lines.len() as u64;
        log.scan_all();
        log
    }

    /// More lines become known (their text too), not yet scanned.
    fn push_lines(&mut self, n: u64, errors: &[u64]) {
        for i in self.total..self.total + n {
            let raw = if errors.contains(&i) {
                format!("eline {i} went wrong")
            } else {
                format!("oline {i}")
            };
            self.lines.push(LogLine::parse(&raw, &LogType::Stdio));
        }
        self.total += n;
    }

    fn scan_to(&mut self, end: u64) {
        let from = self.scanner.next_needed(self.total).unwrap_or(self.total);
        let end = end.min(self.total);
        if from < end {
            self.scanner
                .feed(from, self.lines[from as usize..end as usize].iter());
        }
    }

    /// The user's query reaches the scan, then the reducer (as the component does it).
    fn search(&mut self, s: &mut ViewerState, text: &str) {
        let m = Matcher::new(&Query {
            text: text.into(),
            ..Query::default()
        })
        .unwrap();
        self.scanner.set_search(m);
        self.send(s, Event::SearchApplied { active: true });
    }

    /// Raw lines arrive at the end and are scanned.
    fn append(&mut self, raw: &[&str]) {
        self.lines
            .extend(raw.iter().map(|l| LogLine::parse(l, &LogType::Stdio)));
        self.total = self.lines.len() as u64;
        self.scan_all();
    }

    fn scan_all(&mut self) {
        self.scan_to(self.total);
    }

    fn rows(&self, s: &ViewerState) -> VisibleRows {
        visible_rows(
            &self.scanner,
            &s.folds(&self.scanner, self.total),
            self.total,
        )
    }

    fn send(&self, s: &mut ViewerState, ev: Event) -> Vec<Output> {
        let rows = self.rows(s);
        let f = Facts {
            scanner: &self.scanner,
            total: self.total,
            complete: self.complete,
            rows: &rows,
        };
        s.apply(ev, &f)
    }

    fn frame(&self, s: &ViewerState) -> Frame {
        let rows = self.rows(s);
        s.frame(&Facts {
            scanner: &self.scanner,
            total: self.total,
            complete: self.complete,
            rows: &rows,
        })
    }

    /// The first and last log line wholly inside the viewport.
    fn lines_in_view(&self, s: &ViewerState) -> (u64, u64) {
        let fr = self.frame(s);
        let rows = self.rows(s);
        let first = fr.top.ceil() as u64;
        let last = ((fr.top + fr.geometry.rows_in_view()).floor() as u64)
            .min(fr.geometry.rows)
            .saturating_sub(1);
        (
            rows.row_to_line(first).unwrap_or(0),
            rows.row_to_line(last).unwrap_or(0),
        )
    }

    fn last_line_in_view(&self, s: &ViewerState) -> bool {
        self.lines_in_view(s).1 + 1 == self.total
    }
}

/// The scroll element as a browser keeps it: the position is clamped to the scroll range.
struct Dom {
    scroll_top: f64,
    client_height: f64,
    spacer: f64,
    /// The last move was the user's (wheel, keys, scrollbar), not a write or a clamp.
    by_user: bool,
}

impl Dom {
    fn new(client_height: f64) -> Dom {
        Dom {
            scroll_top: 0.0,
            client_height,
            spacer: 0.0,
            by_user: false,
        }
    }

    fn scroll_height(&self) -> f64 {
        self.spacer.max(self.client_height)
    }

    fn clamp(&mut self) {
        let max = self.scroll_height() - self.client_height;
        self.scroll_top = self.scroll_top.clamp(0.0, max);
    }

    /// What the component's one writing effect does with a frame: spacer first, then position.
    fn write(&mut self, fr: &Frame) {
        self.spacer = fr.geometry.spacer_px();
        self.scroll_top = fr.scroll_px().round();
        self.by_user = false;
        self.clamp();
    }

    /// The viewport changes size (a reflow above it): the browser clamps at once.
    fn resize(&mut self, client_height: f64) {
        self.client_height = client_height;
        self.by_user = false;
        self.clamp();
    }

    fn user_scroll_to(&mut self, px: f64) {
        self.scroll_top = px;
        self.by_user = true;
        self.clamp();
    }

    fn event(&self) -> Event {
        Event::Scrolled {
            scroll_top: self.scroll_top,
            client_height: self.client_height,
            scroll_height: self.scroll_height(),
            by_user: self.by_user,
        }
    }
}

fn running() -> Open {
    Open::default()
}

fn viewer(open: Open) -> ViewerState {
    ViewerState::new(open, ROW).0
}

/// A running log of `n` lines, opened following, measured at 360 px (20 rows), with the DOM
/// written once and its scroll echo delivered.
fn following(n: u64) -> (Log, ViewerState, Dom) {
    let log = Log::new(n, &[]);
    let mut s = viewer(running());
    let mut dom = Dom::new(360.0);
    log.send(&mut s, Event::Resized(360.0));
    dom.write(&log.frame(&s));
    log.send(&mut s, dom.event());
    (log, s, dom)
}

#[test]
fn a_running_log_opens_following_its_tail_and_stays_there_as_it_grows() {
    let (mut log, mut s, mut dom) = following(100);
    let fr = log.frame(&s);
    assert!(fr.following);
    assert_eq!(fr.top, 80.0);
    assert!(log.last_line_in_view(&s));
    for _ in 0..5 {
        log.push_lines(7, &[]);
        dom.write(&log.frame(&s));
        log.send(&mut s, dom.event());
        assert!(log.frame(&s).following);
        assert!(log.last_line_in_view(&s), "at {} lines", log.total);
    }
    assert_eq!(dom.scroll_top, (135.0 - 20.0) * ROW);
}

#[test]
fn the_echo_of_our_own_scroll_write_is_not_the_user_moving() {
    let (mut log, mut s, mut dom) = following(100);
    log.push_lines(3, &[]);
    dom.write(&log.frame(&s));
    let before = s.clone();
    log.send(&mut s, dom.event());
    assert_eq!(s, before, "an echo changes nothing");
}

#[test]
fn a_follower_whose_viewport_grew_and_was_clamped_keeps_following() {
    let (mut log, mut s, mut dom) = following(100);
    // The header above shrank: the viewport is taller, the browser clamps the position up and
    // reports the scroll before the resize observer does.
    dom.resize(450.0);
    log.send(&mut s, dom.event());
    assert!(log.frame(&s).following);
    assert!(log.last_line_in_view(&s));
    log.send(&mut s, Event::Resized(450.0));
    log.push_lines(4, &[]);
    dom.write(&log.frame(&s));
    log.send(&mut s, dom.event());
    assert!(log.frame(&s).following);
    assert!(log.last_line_in_view(&s));
    assert_eq!(dom.scroll_top, dom.spacer - 450.0);
}

#[test]
fn a_follower_whose_viewport_shrank_is_put_back_at_the_bottom() {
    let (mut log, mut s, mut dom) = following(100);
    // Shrinking moves nothing in the browser (no scroll event); the observer reports it.
    dom.resize(270.0);
    log.send(&mut s, Event::Resized(270.0));
    let fr = log.frame(&s);
    assert!(fr.following);
    assert_eq!(fr.top, 85.0);
    dom.write(&fr);
    log.send(&mut s, dom.event());
    assert!(log.last_line_in_view(&s));
    assert!(log.frame(&s).following);
    let _ = &mut log;
}

#[test]
fn the_echo_of_our_write_arriving_after_the_viewport_shrank_keeps_following() {
    let (mut log, mut s, mut dom) = following(100);
    // Lines arrive and are written; before the scroll event is delivered the toolbar wraps
    // (scan progress shows) and the viewport is a row shorter. The echo carries the new size.
    log.push_lines(5, &[]);
    dom.write(&log.frame(&s));
    dom.resize(342.0);
    log.send(&mut s, dom.event());
    let fr = log.frame(&s);
    assert!(fr.following);
    assert_eq!(fr.geometry.viewport_px, 342.0);
    dom.write(&fr);
    assert!(log.last_line_in_view(&s));
    assert_eq!(dom.scroll_top, dom.spacer - 342.0);
}

#[test]
fn a_follower_the_browser_left_below_the_asked_position_keeps_following() {
    let (log, mut s, dom) = following(100);
    // The model still believes in a taller viewport than the browser has (the observer has
    // not reported yet): the browser's position is further down than asked.
    let ev = Event::Scrolled {
        scroll_top: dom.scroll_top + 30.0,
        client_height: 360.0,
        scroll_height: dom.spacer + 60.0,
        by_user: false,
    };
    log.send(&mut s, ev);
    assert!(log.frame(&s).following);
}

#[test]
fn a_log_growing_and_completing_in_the_same_moment_ends_with_its_last_line_in_view() {
    for complete_first in [false, true] {
        let (mut log, mut s, mut dom) = following(100);
        if complete_first {
            log.complete = true;
            log.push_lines(9, &[]);
        } else {
            log.push_lines(9, &[]);
            log.complete = true;
        }
        let fr = log.frame(&s);
        assert!(!fr.following, "nothing more to follow");
        dom.write(&fr);
        log.send(&mut s, dom.event());
        assert!(
            log.last_line_in_view(&s),
            "complete first: {complete_first}"
        );
        // The live indicator above goes away: the viewport grows and is clamped.
        dom.resize(378.0);
        log.send(&mut s, dom.event());
        log.send(&mut s, Event::Resized(378.0));
        dom.write(&log.frame(&s));
        assert!(log.last_line_in_view(&s));
        // ...or a toolbar wraps and it shrinks.
        log.send(&mut s, Event::Resized(300.0));
        dom.resize(300.0);
        dom.write(&log.frame(&s));
        assert!(log.last_line_in_view(&s));
        assert_eq!(dom.scroll_top, dom.spacer - 300.0);
    }
}

#[test]
fn scrolling_up_pauses_new_lines_do_not_move_the_reader_and_the_bottom_resumes() {
    let (mut log, mut s, mut dom) = following(100);
    dom.user_scroll_to(dom.scroll_top - 400.0);
    log.send(&mut s, dom.event());
    let fr = log.frame(&s);
    assert!(!fr.following);
    let top = fr.top;
    assert!((top - (80.0 - 400.0 / ROW)).abs() < 1e-9);
    log.push_lines(30, &[]);
    dom.write(&log.frame(&s));
    log.send(&mut s, dom.event());
    assert_eq!(log.frame(&s).top, top, "the reader stays put");
    // Scrolling back down to the end follows again.
    dom.user_scroll_to(1e9);
    log.send(&mut s, dom.event());
    assert!(log.frame(&s).following);
    log.push_lines(5, &[]);
    dom.write(&log.frame(&s));
    assert!(log.last_line_in_view(&s));
    // End does too, after pausing with the keyboard.
    log.send(&mut s, Event::Top);
    assert!(!log.frame(&s).following);
    assert_eq!(log.frame(&s).top, 0.0);
    log.send(&mut s, Event::Bottom);
    assert!(log.frame(&s).following);
}

#[test]
fn the_follow_toggle_pauses_and_resumes_and_a_complete_log_never_shows_following() {
    let (mut log, mut s, _) = following(100);
    log.send(&mut s, Event::ToggleFollow);
    assert!(!log.frame(&s).following);
    log.push_lines(10, &[]);
    assert_eq!(log.frame(&s).top, 80.0, "paused: not moved");
    log.send(&mut s, Event::ToggleFollow);
    let fr = log.frame(&s);
    assert!(fr.following);
    assert_eq!(fr.top, 90.0);
    log.complete = true;
    log.send(&mut s, Event::ToggleFollow);
    assert!(!log.frame(&s).following);
    assert!(log.last_line_in_view(&s));
    let mut done = viewer(Open {
        complete: true,
        ..Open::default()
    });
    assert!(!log.frame(&done).following);
    assert_eq!(log.frame(&done).top, 0.0, "a complete log opens at its top");
    log.send(&mut done, Event::Bottom);
    assert!(!log.frame(&done).following);
    assert!(log.last_line_in_view(&done));
}

#[test]
fn a_permalink_opens_near_its_line_for_the_measured_viewport_until_the_user_moves() {
    let log = Log::new(200_000, &[]);
    let (mut s, out) = ViewerState::new(
        Open {
            selected: Some((149_999, 149_999)),
            ..Open::default()
        },
        ROW,
    );
    assert!(out.is_empty());
    let fr = log.frame(&s);
    assert!(!fr.following);
    assert_eq!(fr.selection, Some((149_999, 149_999)));
    assert!(fr.is_selected(149_999) && !fr.is_selected(150_000));
    assert_eq!(fr.top, 149_999.0 - (600.0 / ROW / 3.0).floor());
    // The first measurement re-places it: a third of the real screen above the line.
    log.send(&mut s, Event::Resized(360.0));
    let fr = log.frame(&s);
    assert_eq!(fr.top, 149_999.0 - 6.0);
    assert!(fr.on_screen().contains(&149_999));
    let mut dom = Dom::new(360.0);
    dom.write(&fr);
    log.send(&mut s, dom.event());
    // Once the user scrolls, a later resize keeps their position.
    dom.user_scroll_to(dom.scroll_top + 180.0);
    log.send(&mut s, dom.event());
    let top = log.frame(&s).top;
    assert_eq!(top, 149_999.0 + 4.0);
    log.send(&mut s, Event::Resized(540.0));
    assert_eq!(log.frame(&s).top, top);
}

#[test]
fn a_pending_error_jump_resolves_when_the_scan_finds_it() {
    let mut log = Log::new(0, &[]);
    log.push_lines(1000, &[700, 900]);
    log.scan_to(200);
    let (mut s, out) = ViewerState::new(
        Open {
            at_error: true,
            ..Open::default()
        },
        ROW,
    );
    assert_eq!(out, vec![Output::WantIndex]);
    log.send(&mut s, Event::Resized(360.0));
    assert_eq!(s.pending(), Some(Pending::ErrorFrom(0)));
    let fr = log.frame(&s);
    assert_eq!((fr.selection, fr.top, fr.following), (None, 0.0, false));
    log.scan_to(800);
    let fr = log.frame(&s);
    assert_eq!(fr.selection, Some((700, 700)));
    assert!(fr.on_screen().contains(&700));
    // Revealed below the screen: it comes in with a third of a screen under it.
    assert_eq!(fr.top, 700.0 + 1.0 + 6.0 - 20.0);
    // n goes on from the selection to the next error, N back.
    assert_eq!(log.send(&mut s, Event::NextError), vec![Output::WantIndex]);
    assert_eq!(s.pending(), Some(Pending::ErrorFrom(701)));
    assert_eq!(log.frame(&s).selection, Some((700, 700)), "not scanned yet");
    log.scan_all();
    assert_eq!(log.frame(&s).selection, Some((900, 900)));
    log.send(&mut s, Event::PrevError);
    assert_eq!(log.frame(&s).selection, Some((700, 700)));
}

#[test]
fn a_pending_error_jump_clears_when_the_scan_ends_without_one() {
    let mut log = Log::new(0, &[]);
    log.push_lines(500, &[10]);
    log.scan_to(100);
    let mut s = viewer(Open {
        selected: Some((50, 50)),
        complete: true,
        ..Open::default()
    });
    log.send(&mut s, Event::NextError);
    assert_eq!(s.pending(), Some(Pending::ErrorFrom(51)));
    log.scan_all();
    let fr = log.frame(&s);
    assert_eq!(fr.selection, Some((50, 50)), "nothing found: nothing moves");
    // The next event commits the given-up jump: nothing is waiting any more.
    log.send(&mut s, Event::Resized(360.0));
    log.send(&mut s, Event::ToggleWrap);
    assert_eq!(s.pending(), None);
    // A user move cancels a jump still waiting.
    let mut log = Log::new(0, &[]);
    log.push_lines(500, &[400]);
    log.scan_to(100);
    log.send(&mut s, Event::NextError);
    log.send(&mut s, Event::ScrollRows(3.0));
    log.scan_all();
    assert_eq!(log.frame(&s).selection, Some((50, 50)));
}

#[test]
fn clicks_select_shift_extends_from_the_anchor_and_escape_clears() {
    let log = Log::new(100, &[]);
    let mut s = viewer(Open {
        complete: true,
        ..Open::default()
    });
    let click = |s: &mut ViewerState, line, shift| log.send(s, Event::ClickLine { line, shift });
    assert_eq!(click(&mut s, 2, false), vec![Output::SetHash("#L3".into())]);
    assert_eq!(
        click(&mut s, 5, true),
        vec![Output::SetHash("#L3-L6".into())]
    );
    assert_eq!(log.frame(&s).selection, Some((2, 5)));
    // Shift again extends from the same anchor, upwards too.
    assert_eq!(
        click(&mut s, 0, true),
        vec![Output::SetHash("#L1-L3".into())]
    );
    // A plain click starts over.
    click(&mut s, 9, false);
    assert_eq!(log.frame(&s).selection, Some((9, 9)));
    assert_eq!(
        log.send(&mut s, Event::ClearSelection),
        vec![Output::SetHash(String::new())]
    );
    assert_eq!(log.frame(&s).selection, None);
    // Shift with no anchor yet is a plain click.
    let mut fresh = viewer(running());
    click(&mut fresh, 7, true);
    assert_eq!(log.frame(&fresh).selection, Some((7, 7)));
    click(&mut fresh, 4, true);
    assert_eq!(log.frame(&fresh).selection, Some((4, 7)));
}

#[test]
fn go_to_line_selects_reveals_and_clamps() {
    let (log, mut s, _) = following(1000);
    assert_eq!(
        log.send(&mut s, Event::GotoLine(120)),
        vec![Output::SetHash("#L120".into())]
    );
    let fr = log.frame(&s);
    assert_eq!(fr.selection, Some((119, 119)));
    assert!(!fr.following);
    assert_eq!(fr.top, 119.0 - 6.0);
    log.send(&mut s, Event::GotoLine(0));
    assert_eq!(log.frame(&s).selection, Some((0, 0)));
    log.send(&mut s, Event::GotoLine(5000));
    assert_eq!(log.frame(&s).selection, Some((999, 999)));
    assert!(log.last_line_in_view(&s));
    assert_eq!(parse_goto(" L42 "), Some(42));
    assert_eq!(parse_goto("x"), None);
}

#[test]
fn groups_start_as_their_syntax_says_and_the_users_toggles_are_kept() {
    let mut log = Log::from_raw(&[
        "obefore",
        "o::group::Folded",
        "oinside 1",
        "oinside 2",
        "o::endgroup::",
        "o+++ Open",
        "oopen 1",
        "o--- Next",
    ]);
    let mut s = viewer(Open {
        complete: true,
        ..Open::default()
    });
    let groups = log.scanner.groups().groups().to_vec();
    let folded = |s: &ViewerState, start: u64| {
        is_collapsed(
            groups.iter().find(|g| g.start == start).unwrap(),
            &s.folds(&log.scanner, log.total),
        )
    };
    assert!(folded(&s, 1));
    assert!(!folded(&s, 5));
    let rows = log.rows(&s);
    assert!(!rows.is_visible(2) && rows.is_visible(1) && rows.is_visible(6));
    // The user opens the folded one and folds the open one.
    log.send(&mut s, Event::ToggleGroup(1));
    log.send(&mut s, Event::ToggleGroup(5));
    let rows = log.rows(&s);
    assert!(rows.is_visible(2) && !rows.is_visible(6));
    // The scan finds a new group folded by default: it starts folded, the user's stay.
    log.append(&["onext 1", "o::group::Later", "olater 1", "o::endgroup::"]);
    let rows = log.rows(&s);
    assert!(rows.is_visible(2) && !rows.is_visible(6) && !rows.is_visible(10));
    log.send(&mut s, Event::ToggleGroup(1));
    assert!(!log.rows(&s).is_visible(2), "toggled back to its default");
}

#[test]
fn a_jump_into_a_folded_group_opens_it_and_shows_the_line() {
    let log = Log::from_raw(&[
        "obefore",
        "o::group::Outer",
        "oinside",
        "o::group::Inner",
        "eboom: error",
        "o::endgroup::",
        "o::endgroup::",
        "oafter",
        "o::group::Other",
        "oother",
        "o::endgroup::",
    ]);
    let mut s = viewer(Open {
        complete: true,
        ..Open::default()
    });
    assert_eq!(
        log.rows(&s).row_count(),
        4,
        "before, Outer, after, Other: both folded"
    );
    log.send(&mut s, Event::NextError);
    let fr = log.frame(&s);
    assert_eq!(fr.selection, Some((4, 4)));
    let rows = log.rows(&s);
    assert!(
        rows.is_visible(4),
        "the error line itself, both its groups open"
    );
    assert!(!rows.is_visible(9), "a group it is not in stays folded");
    assert!(fr.on_screen().contains(&rows.nearest_row(4).unwrap()));
    // The opening stays: the user folding the outer group again is obeyed.
    log.send(&mut s, Event::ToggleGroup(1));
    assert!(!log.rows(&s).is_visible(2));
}

#[test]
fn an_error_found_later_inside_a_folded_group_is_shown_opened() {
    let mut log = Log::from_raw(&["o::group::Build", "oa", "ob"]);
    log.complete = false;
    let (mut s, _) = ViewerState::new(
        Open {
            at_error: true,
            ..Open::default()
        },
        ROW,
    );
    log.send(&mut s, Event::Resized(360.0));
    assert_eq!(log.rows(&s).row_count(), 1);
    // The scan finds the error: the frame shows it before any event commits the jump.
    log.append(&["oc", "eboom", "o::endgroup::", "oafter"]);
    let rows = log.rows(&s);
    assert!(rows.is_visible(4));
    let fr = log.frame(&s);
    assert_eq!(fr.selection, Some((4, 4)));
    assert!(fr.on_screen().contains(&rows.nearest_row(4).unwrap()));
    // Committed by the next event: still open once the jump is done.
    log.send(&mut s, Event::ScrollRows(0.0));
    assert_eq!(s.pending(), None);
    assert!(log.rows(&s).is_visible(4));
}

#[test]
fn a_permalink_inside_a_folded_group_opens_it() {
    let log = Log::from_raw(&["o::group::Build", "oa", "ob", "o::endgroup::", "oafter"]);
    let (mut s, _) = ViewerState::new(
        Open {
            selected: Some((2, 2)),
            complete: true,
            ..Open::default()
        },
        ROW,
    );
    assert!(log.rows(&s).is_visible(2));
    log.send(&mut s, Event::Resized(360.0));
    log.send(&mut s, Event::ScrollRows(1.0));
    assert!(log.rows(&s).is_visible(2), "kept open after the user moved");
}

#[test]
fn search_jumps_to_the_first_hit_from_the_cursor_and_steps_through_hits() {
    let mut log = Log::new(0, &[]);
    let raw: Vec<String> = (0..300)
        .map(|i| {
            if i % 50 == 10 {
                format!("ocompiling unit {i}")
            } else {
                format!("oline {i}")
            }
        })
        .collect();
    log.lines = raw
        .iter()
        .map(|l| LogLine::parse(l, &LogType::Stdio))
        .collect();
    log.total = 300;
    log.complete = true;
    log.scan_all();
    let mut s = viewer(Open {
        selected: Some((100, 100)),
        complete: true,
        ..Open::default()
    });
    log.send(&mut s, Event::Resized(360.0));
    log.search(&mut s, "compiling");
    assert_eq!(s.pending(), Some(Pending::HitFrom(100)));
    log.scan_to(120);
    let fr = log.frame(&s);
    assert_eq!(
        fr.current_hit,
        Some(2),
        "the first hit at or after the selection"
    );
    assert!(fr.on_screen().contains(&110));
    assert_eq!(fr.selection, Some((100, 100)), "a hit does not select");
    log.scan_all();
    log.send(&mut s, Event::StepHit { forward: true });
    let fr = log.frame(&s);
    assert_eq!(fr.current_hit, Some(3));
    assert!(fr.on_screen().contains(&160));
    for _ in 0..3 {
        log.send(&mut s, Event::StepHit { forward: true });
    }
    assert_eq!(log.frame(&s).current_hit, Some(0), "wraps around");
    log.send(&mut s, Event::StepHit { forward: false });
    assert_eq!(log.frame(&s).current_hit, Some(5));
    // A new search forgets the current hit; an empty one waits for nothing.
    log.scanner.set_search(None);
    log.send(&mut s, Event::SearchApplied { active: false });
    assert_eq!((log.frame(&s).current_hit, s.pending()), (None, None));
    log.send(&mut s, Event::StepHit { forward: true });
    assert_eq!(log.frame(&s).current_hit, None);
}

#[test]
fn cancelling_a_search_drops_the_jump_waiting_for_it() {
    let mut log = Log::new(0, &[]);
    log.push_lines(100, &[]);
    let mut s = viewer(running());
    log.search(&mut s, "line 90");
    log.send(&mut s, Event::CancelSearch);
    log.scan_all();
    let fr = log.frame(&s);
    assert_eq!(fr.current_hit, None);
    assert!(fr.following, "still at the tail");
}

#[test]
fn fine_movement_in_a_proportional_scrollbar_moves_rows_and_pauses() {
    let (log, mut s, mut dom) = following(10_000_000);
    let fr = log.frame(&s);
    assert!(fr.geometry.scaled());
    log.send(&mut s, Event::ScrollPx(-180.0));
    let fr = log.frame(&s);
    assert!(!fr.following);
    assert_eq!(fr.top, fr.geometry.max_top() - 10.0);
    // Writing the position back and its echo change nothing, though it is rounded.
    dom.write(&fr);
    log.send(&mut s, dom.event());
    assert_eq!(log.frame(&s).top, fr.top);
    log.send(&mut s, Event::ScrollPages(-1.0));
    assert_eq!(log.frame(&s).top, fr.top - 19.0);
    log.send(&mut s, Event::ScrollRows(1e9));
    assert!(log.frame(&s).following, "down to the end follows again");
    // Dragging the thumb to the middle shows the middle of the log.
    dom.write(&log.frame(&s));
    dom.user_scroll_to((dom.spacer - dom.client_height) / 2.0);
    log.send(&mut s, dom.event());
    let fr = log.frame(&s);
    assert!((fr.top - fr.geometry.max_top() / 2.0).abs() < 2.0);
}

#[test]
fn the_frame_renders_the_screen_plus_overscan() {
    let log = Log::new(1000, &[]);
    let mut s = viewer(Open {
        selected: Some((500, 500)),
        complete: true,
        ..Open::default()
    });
    log.send(&mut s, Event::Resized(360.0));
    log.send(&mut s, Event::ScrollPx(9.0));
    let fr = log.frame(&s);
    assert_eq!(fr.top, 494.5);
    assert_eq!(fr.on_screen(), 494..515);
    assert_eq!(fr.rendered(), 488..521);
    assert_eq!(fr.rendered_offset_px(), 6.5 * ROW);
    assert_eq!(fr.scroll_px(), 494.5 * ROW);
    let end = viewer(Open::default());
    assert_eq!(log.frame(&end).rendered(), 960..1000);
    let empty = Log::new(0, &[]);
    assert_eq!(empty.frame(&end).rendered(), 0..0);
}

#[test]
fn wrap_toggles() {
    let log = Log::new(10, &[]);
    let mut s = viewer(Open {
        wrap: true,
        ..Open::default()
    });
    assert!(s.wrap());
    log.send(&mut s, Event::ToggleWrap);
    assert!(!s.wrap());
}

#[test]
fn line_ranges_merge_consecutive_lines_around_folded_groups() {
    let log = Log::from_raw(&[
        "oa",
        "o::group::Folded",
        "oinside",
        "o::endgroup::",
        "ob",
        "oc",
    ]);
    let s = viewer(Open::default());
    let rows = log.rows(&s);
    assert_eq!(line_ranges(&rows, 0..4), vec![0..2, 4..6]);
    assert_eq!(line_ranges(&rows, 2..3), vec![4..5]);
    assert_eq!(line_ranges(&rows, 3..3), Vec::<Range<u64>>::new());
}

/// Seen in Chromium: the viewport grew (403 px) and the browser clamped the follower to the
/// new end, then the toolbar wrapped again (365 px) before the scroll event was read, so the
/// event says `scrollTop` 29 with the end at 67 — above the end, not by the user.
#[test]
fn a_clamp_read_after_the_viewport_shrank_back_does_not_pause_the_follower() {
    let (mut log, mut s, mut dom) = following(24);
    log.send(&mut s, Event::Resized(365.0));
    dom.resize(365.0);
    dom.write(&log.frame(&s));
    assert_eq!(dom.scroll_top, 24.0 * ROW - 365.0);
    // Grows to 403 px: clamped to the end there; shrinks back before the event is read.
    dom.resize(403.0);
    let clamped = dom.scroll_top;
    dom.client_height = 365.0;
    assert!(
        clamped + 365.0 < dom.scroll_height() - 2.0,
        "read above the end"
    );
    log.send(&mut s, dom.event());
    assert!(log.frame(&s).following);
    log.push_lines(30, &[]);
    dom.write(&log.frame(&s));
    assert!(log.last_line_in_view(&s));
}

#[test]
fn only_the_users_scroll_pauses_a_follower_and_a_scroll_nobody_made_moves_no_reader() {
    let (log, mut s, mut dom) = following(100);
    // The same position, once as a reflow and once as the user's wheel.
    dom.scroll_top -= 200.0;
    log.send(&mut s, dom.event());
    assert!(log.frame(&s).following, "a reflow is not the user");
    dom.user_scroll_to(dom.scroll_top);
    log.send(&mut s, dom.event());
    assert!(!log.frame(&s).following, "the user scrolled up");
    let top = log.frame(&s).top;
    // A reader is not made a follower by a clamp that lands at the end.
    dom.write(&log.frame(&s));
    dom.scroll_top = dom.scroll_height() - dom.client_height;
    dom.by_user = false;
    log.send(&mut s, dom.event());
    assert!(!log.frame(&s).following);
    assert!(
        log.frame(&s).top > top,
        "the view shows where the browser put it"
    );
}

#[test]
fn lines_inserted_before_the_view_move_it_with_its_lines() {
    // Lines 500.. are a tail read early; 50 lines counted before it go in at 500.
    let mut log = Log::new(1_000, &[]);
    log.complete = true;
    let insert = |log: &mut Log| {
        let new: Vec<LogLine> = (0..50)
            .map(|i| LogLine::parse(&format!("onew {i}"), &LogType::Stdio))
            .collect();
        log.lines.splice(500..500, new);
        log.total += 50;
    };
    let mut reader = viewer(Open::default());
    log.send(&mut reader, Event::Resized(360.0));
    log.send(&mut reader, Event::GotoLine(801));
    let top = log.frame(&reader).top;
    let mut above = viewer(Open::default());
    log.send(&mut above, Event::Resized(360.0));
    log.send(&mut above, Event::GotoLine(101));
    let above_top = log.frame(&above).top;
    let mut follower = viewer(Open::default());
    log.send(&mut follower, Event::Resized(360.0));
    insert(&mut log);
    for s in [&mut reader, &mut above, &mut follower] {
        log.send(s, Event::LinesInserted { at: 500, count: 50 });
    }
    let fr = log.frame(&reader);
    assert_eq!(fr.top, top + 50.0, "the reader still sees the same lines");
    assert_eq!(
        fr.selection,
        Some((850, 850)),
        "the selection moved with its line"
    );
    assert_eq!(
        log.frame(&above).top,
        above_top,
        "a reader above the insertion reads on"
    );
    assert_eq!(log.frame(&above).selection, Some((100, 100)));
    assert!(
        log.last_line_in_view(&follower),
        "a follower stays at the bottom"
    );
    // A permalink waiting for its place moves too.
    let (mut link, _) = ViewerState::new(
        Open {
            selected: Some((900, 900)),
            ..Open::default()
        },
        ROW,
    );
    log.send(&mut link, Event::LinesInserted { at: 500, count: 50 });
    assert_eq!(log.frame(&link).selection, Some((950, 950)));
    assert!(log.frame(&link).on_screen().contains(&950));
}
