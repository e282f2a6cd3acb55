//! The virtualized log viewer: renders the rows on screen (plus a small overscan) from a
//! [`LogSession`], whatever the log's size, with a scrollbar that stays usable past the
//! browser's element-height cap (`log::scroll`). Toolbar: search, errors, wrap, follow,
//! top/bottom, go to line, palette, times (logs with CodeArts stamps), raw and download. The session does all fetching; where the
//! view is, what is selected and what follows is `buildscope_core::log::viewer`'s reducer: this
//! component sends it events and renders its frames.

use crate::log::session::{Cached, LogSession};
use buildscope_core::ansi::{self, Color, Span, Style};
use buildscope_core::log::engine::bytes::{Extent, LineNo};
use buildscope_core::log::rows::VisibleRows;
use buildscope_core::log::search::{pieces, Matcher, Query};
use buildscope_core::log::stamp::{self, Level, Stamp, TimeColumn};
use buildscope_core::log::text::parse_line_anchor;
use buildscope_core::log::text::Stream;
use buildscope_core::log::viewer::{
    is_collapsed, line_ranges, parse_goto, visible_rows, Event, Facts, Frame, Open, Output,
    ViewerState,
};
use buildscope_core::timefmt::{group_digits, human_bytes};
use leptos::ev;
use leptos::html::{Div, Input};
use leptos::prelude::*;
use leptos::tachys::view::keyed::keyed;
use std::ops::Range;
use wasm_bindgen::{JsCast, JsValue};

/// How long after a wheel, key or pointer input a scroll still counts as the user's: Chromium's
/// smooth scrolling of one wheel notch or key press runs for a few hundred ms.
const USER_SCROLL_MS: f64 = 800.0;

/// Height of one row in CSS pixels; `.log-row` in main.css uses the same value.
pub const ROW_PX: f64 = 18.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Palette {
    Auto,
    Dark,
    Light,
}

impl Palette {
    fn key(self) -> &'static str {
        match self {
            Palette::Auto => "auto",
            Palette::Dark => "dark",
            Palette::Light => "light",
        }
    }
    fn next(self) -> Palette {
        match self {
            Palette::Auto => Palette::Dark,
            Palette::Dark => Palette::Light,
            Palette::Light => Palette::Auto,
        }
    }
}

/// A user preference (not a secret), remembered across visits.
fn pref(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(&format!("buildscope.log.{key}"))
        .ok()?
}

fn set_pref(key: &str, value: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(&format!("buildscope.log.{key}"), value);
    }
}

/// Sets the URL fragment without a navigation (a history entry per click would make Back
/// useless). The URL is built in full: a bare `#L3` would resolve against `<base href="/">`.
fn set_hash(hash: &str) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let url = format!(
        "{}{}{}",
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default(),
        hash
    );
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// One rendered row: its line, and a digest of what its text shows (`None`: not loaded yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct RowKey {
    line: u64,
    text: Option<u64>,
}

/// What defines a loaded row's text: the line, the ANSI style it starts in, the title of the
/// group it opens, the search in force and how its time is shown. Decorations are not part
/// of it.
fn text_digest(c: &Cached, header: Option<&String>, search: u64, times: Times) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    c.line.stream.key().hash(&mut h);
    c.line.text.hash(&mut h);
    c.start.hash(&mut h);
    header.hash(&mut h);
    search.hash(&mut h);
    c.line.stamp.as_ref().map(|s| s.at_ms).hash(&mut h);
    times.hash(&mut h);
    h.finish()
}

/// How the time column is drawn right now: not at all (a log without stamps, or hidden by
/// the user), or in a mode, with the log's start for "elapsed".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Times {
    None,
    Local { start_ms: Option<i64> },
    Elapsed { start_ms: Option<i64> },
}

impl Times {
    /// The column's text for a line with `stamp` (empty for an unstamped line, and for
    /// "elapsed" until the log's start is known).
    fn label(self, stamp: Option<&Stamp>) -> Option<String> {
        let at = stamp.map(|s| s.at_ms);
        match self {
            Times::None => None,
            Times::Local { start_ms } => Some(
                at.map(|at| stamp::local_label(at, local_offset_minutes(at), start_ms))
                    .unwrap_or_default(),
            ),
            Times::Elapsed { start_ms } => Some(
                at.zip(start_ms)
                    .map(|(at, s)| stamp::elapsed_label(at, s))
                    .unwrap_or_default(),
            ),
        }
    }
}

/// The browser's zone offset east of UTC at `at_ms`, in minutes (DST included).
fn local_offset_minutes(at_ms: i64) -> i32 {
    -(js_sys::Date::new(&JsValue::from_f64(at_ms as f64)).get_timezone_offset() as i32)
}

/// What a loaded row's text shows, built once per row (see [`RowKey`]).
struct RowText {
    stream: Stream,
    spans: Vec<Span>,
    hits: Vec<Range<usize>>,
    /// The title of the group this line opens.
    header: Option<String>,
    /// The time column's text (`None`: no column).
    time: Option<String>,
    /// The CodeArts level, shown as a word unless it is the usual `INFO`.
    level: Option<Level>,
}

/// What the gutter shows for line `n`: its 1-based number, or for a line whose number is not
/// known yet (a byte-paged log's tail) its place from the end, `−1` being the last line read.
fn gutter(no: Option<LineNo>, n: u64) -> String {
    match no {
        Some(LineNo::FromEnd(k)) => format!("−{k}"),
        Some(LineNo::Exact(n)) => (n + 1).to_string(),
        None => (n + 1).to_string(),
    }
}

/// The status line's count: exact, or while a byte-paged log is still being read towards its
/// end, a lower bound and how far the reading got.
fn line_count(total: u64, extent: Option<Extent>) -> String {
    match extent.filter(|e| e.discovering) {
        Some(e) => {
            let of = e
                .bytes_total
                .map(|t| format!(" of {}", human_bytes(t)))
                .unwrap_or_default();
            format!(
                "≥ {} lines · reading {}{of}",
                group_digits(e.known_lines()),
                human_bytes(e.bytes_counted)
            )
        }
        None => format!("{} lines", group_digits(total)),
    }
}

/// The viewer. `complete` says whether the log can still grow (follow mode); `selected` is
/// the `#L` range the page opened with; `open_at_error` opens at the first error instead.
/// Raw and Download links are left out where the source has none.
#[component]
pub fn LogViewer(
    session: LogSession,
    #[prop(into)] complete: Signal<bool>,
    selected: Option<(u64, u64)>,
    open_at_error: bool,
    #[prop(optional_no_strip, into)] raw_url: Option<String>,
    #[prop(optional_no_strip, into)] download_url: Option<String>,
) -> impl IntoView {
    let sig = session.sig;
    let session = StoredValue::new_local(session);
    on_cleanup(move || session.with_value(|s| s.close()));
    // Permalinks name numbered lines only: a line read at the end before the lines ahead of
    // it were counted has no number yet (see `ByteLines::line_no`).
    let numbered =
        move |line: u64| session.with_value(|s| matches!(s.line_no(line), Some(LineNo::Exact(_))));

    let (initial, opening) = ViewerState::new(
        Open {
            selected,
            at_error: open_at_error,
            complete: complete.get_untracked(),
            wrap: pref("wrap").as_deref() == Some("1"),
        },
        ROW_PX,
    );
    let state = RwSignal::new(initial);
    let palette = RwSignal::new(match pref("palette").as_deref() {
        Some("dark") => Palette::Dark,
        Some("light") => Palette::Light,
        _ => Palette::Auto,
    });
    let query = RwSignal::new(Query::default());
    let search_error = RwSignal::new(None::<String>);
    let search_gen = RwSignal::new(0u64);
    let matcher = StoredValue::new_local(None::<Matcher>);
    let goto_open = RwSignal::new(false);
    let time_column = RwSignal::new(TimeColumn::from_key(pref("times").as_deref()));
    // The column exists only for a log whose lines carry times (CodeArts' prefix).
    let stamped = Memo::new(move |_| sig.extent.with(|e| e.is_some_and(|e| e.stamped)));
    let times = Memo::new(move |_| {
        if !stamped.get() {
            return Times::None;
        }
        let start_ms = sig.extent.with(|e| e.and_then(|e| e.start_ms));
        match time_column.get() {
            TimeColumn::Local => Times::Local { start_ms },
            TimeColumn::Elapsed => Times::Elapsed { start_ms },
            TimeColumn::Hidden => Times::None,
        }
    });

    // Memos narrow what each part of the view depends on: the rows are rebuilt when the
    // user's folds, the scan or the line count change, not on every scroll.
    let toggled = Memo::new(move |_| {
        let total = sig.total.get();
        sig.scan_version.track();
        session.with_value(|se| se.with_scanner(|sc| state.with(|s| s.folds(sc, total))))
    });
    let wrap = Memo::new(move |_| state.with(|s| s.wrap()));
    let rows = Memo::new(move |_| {
        let total = sig.total.get();
        sig.scan_version.track();
        toggled.with(|t| session.with_value(|s| s.with_scanner(|sc| visible_rows(sc, t, total))))
    });
    let with_facts = move |tracked: bool, f: &mut dyn FnMut(&Facts)| {
        let (total, done) = if tracked {
            sig.scan_version.track();
            (sig.total.get(), complete.get())
        } else {
            (sig.total.get_untracked(), complete.get_untracked())
        };
        let mut run = |rows: &VisibleRows| {
            session.with_value(|s| {
                s.with_scanner(|scanner| {
                    f(&Facts {
                        scanner,
                        total,
                        complete: done,
                        rows,
                    })
                })
            })
        };
        if tracked {
            rows.with(&mut run)
        } else {
            rows.with_untracked(&mut run)
        }
    };
    // What is on screen: the reducer's frame for the state and the facts of the moment.
    let frame = Memo::new(move |_| {
        let mut out: Option<Frame> = None;
        with_facts(true, &mut |f| out = Some(state.with(|s| s.frame(f))));
        out.expect("with_facts runs its closure")
    });
    let selection = Memo::new(move |_| frame.with(|f| f.selection));
    let current_hit = Memo::new(move |_| frame.with(|f| f.current_hit));
    let following = Memo::new(move |_| frame.with(|f| f.following));

    let run = move |outputs: Vec<Output>| {
        for o in outputs {
            match o {
                Output::SetHash(h) => match parse_line_anchor(&h) {
                    Some((a, b)) if !(numbered(a) && numbered(b)) => set_hash(""),
                    _ => set_hash(&h),
                },
                Output::WantIndex => session.with_value(|s| s.want_index()),
            }
        }
    };
    let send = move |event: Event| {
        let mut out = Vec::new();
        with_facts(false, &mut |f| {
            out = state
                .try_update(|s| s.apply(event.clone(), f))
                .unwrap_or_default();
        });
        run(out);
    };
    run(opening);
    // A byte-paged log counting lines before a tail it read early: what pointed at the tail
    // moves down with it.
    session.with_value(|s| {
        s.on_shift(move |sh| {
            send(Event::LinesInserted {
                at: sh.at,
                count: sh.by,
            })
        })
    });
    // To the end: a byte-paged log reads its last chunk first where its API can, rather than
    // counting every line before it (a running log opening, End, Bottom, Follow).
    let to_bottom = move || {
        session.with_value(|s| s.want_tail());
        send(Event::Bottom);
    };
    if frame.with_untracked(|f| f.following) {
        session.with_value(|s| s.want_tail());
    }

    let scroller = NodeRef::<Div>::new();
    let spacer = NodeRef::<Div>::new();
    // The one place the DOM's scroll position and the spacer's height are written, the spacer
    // first: a position set while the spacer still had its old height would be clamped by the
    // browser. The session learns which lines are on screen here too.
    Effect::new(move |_| {
        let (spacer_px, want, on_screen) = frame.with(|f| {
            (
                f.geometry.spacer_px(),
                f.scroll_px().round() as i32,
                f.on_screen(),
            )
        });
        if let Some(sp) = spacer.get() {
            let _ =
                web_sys::HtmlElement::style(&sp).set_property("height", &format!("{spacer_px}px"));
        }
        if let Some(el) = scroller.get() {
            if (el.scroll_top() - want).abs() >= 1 {
                el.set_scroll_top(want);
            }
        }
        let ranges = rows.with(|r| line_ranges(r, on_screen));
        session.with_value(|s| s.set_view(ranges));
    });
    // `try_`: a frame requested just before the page was left runs after its signals are gone.
    let measure = move || {
        if let Some(el) = scroller.try_get_untracked().flatten() {
            let h = el.client_height() as f64;
            let Some(known) = frame.try_with_untracked(|f| f.geometry.viewport_px) else {
                return;
            };
            if h > 0.0 && (h - known).abs() > 0.5 {
                send(Event::Resized(h));
            }
        }
    };
    // The viewport changes size with the window and with what loads above it (the page
    // header arrives after the viewer on a fast first paint): a ResizeObserver keeps it true.
    let on_resize = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
    let observer =
        web_sys::ResizeObserver::new(wasm_bindgen::JsCast::unchecked_ref(on_resize.as_ref())).ok();
    let observer = StoredValue::new_local((observer, Some(on_resize)));
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            observer.with_value(|(o, _)| {
                if let Some(o) = o {
                    o.observe(&el);
                }
            });
            request_animation_frame(measure);
        }
    });
    on_cleanup(move || {
        observer.update_value(|(o, cb)| {
            if let Some(o) = o.take() {
                o.disconnect();
            }
            drop(cb.take());
        })
    });

    let toggle_times = move || {
        if stamped.get_untracked() {
            time_column.update(|t| *t = t.next());
            set_pref("times", time_column.get_untracked().key());
        }
    };
    let toggle_wrap = move || {
        send(Event::ToggleWrap);
        set_pref("wrap", if wrap.get_untracked() { "1" } else { "0" });
    };

    // Search: a new query restarts the scan's search, debounced while typing.
    let search_timer = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let apply_query = move |q: Query| match Matcher::new(&q) {
        Ok(m) => {
            search_error.set(None);
            let active = m.is_some();
            matcher.set_value(m.clone());
            session.with_value(|s| s.set_search(m));
            search_gen.update(|g| *g += 1);
            send(Event::SearchApplied { active });
        }
        Err(e) => search_error.set(Some(e)),
    };
    let edit_query = move |edit: &dyn Fn(&mut Query)| {
        query.update(|q| edit(q));
        let q = query.get_untracked();
        search_timer.set_value(Some(gloo_timers::callback::Timeout::new(250, move || {
            apply_query(q)
        })));
    };
    let cancel_search = move || {
        edit_query(&|q| *q = Query::default());
        send(Event::CancelSearch);
    };

    let goto_input = NodeRef::<Input>::new();
    let search_input = NodeRef::<Input>::new();
    let goto_line = move |text: String| {
        if let Some(n) = parse_goto(&text) {
            send(Event::GotoLine(n));
        }
        goto_open.set(false);
    };

    let toggle_follow = move || {
        if !following.get_untracked() {
            session.with_value(|s| s.want_tail());
        }
        send(Event::ToggleFollow);
    };

    // Keyboard shortcuts (not while typing in a field, except the ones fields handle).
    let keys = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        let key = e.key();
        let modifier = e.ctrl_key() || e.meta_key();
        if modifier && (key == "f" || key == "F") {
            if let Some(i) = search_input.get_untracked() {
                e.prevent_default();
                let _ = i.focus();
                i.select();
            }
            return;
        }
        let in_field = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if in_field || modifier || e.alt_key() {
            return;
        }
        match key.as_str() {
            "g" | "Home" => send(Event::Top),
            "G" | "End" => to_bottom(),
            "f" => toggle_follow(),
            "n" => send(Event::NextError),
            "N" => send(Event::PrevError),
            "w" => toggle_wrap(),
            "t" => toggle_times(),
            "Escape" => send(Event::ClearSelection),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());

    // Scrolling by wheel and keys when the scrollbar is proportional (see log::scroll).
    // Whether a scroll is the user's: the reducer pauses a follower only for those (a clamp
    // or reflow reads like a scroll up; see `ViewerState::scrolled`). A scroll is the user's
    // while a pointer is held on the viewport (its scrollbar) or shortly after a wheel, key or
    // pointer input on it: smooth scrolling and a touch fling go on after the input itself.
    let input_at = StoredValue::new(f64::NEG_INFINITY);
    let pointer_held = StoredValue::new(false);
    let user_input = move || input_at.set_value(js_sys::Date::now());
    let by_user = move || {
        pointer_held.get_value() || js_sys::Date::now() - input_at.get_value() < USER_SCROLL_MS
    };
    let released = window_event_listener(ev::pointerup, move |_| {
        if pointer_held.get_value() {
            pointer_held.set_value(false);
            user_input();
        }
    });
    let cancelled =
        window_event_listener(ev::pointercancel, move |_| pointer_held.set_value(false));
    on_cleanup(move || {
        released.remove();
        cancelled.remove();
    });
    let on_pointerdown = move |_| {
        pointer_held.set_value(true);
        user_input();
    };
    let on_wheel = move |e: web_sys::WheelEvent| {
        user_input();
        if !frame.with_untracked(|f| f.geometry.scaled()) || e.shift_key() {
            return;
        }
        e.prevent_default();
        send(match e.delta_mode() {
            0 => Event::ScrollPx(e.delta_y()),
            1 => Event::ScrollRows(e.delta_y()),
            _ => Event::ScrollPages(e.delta_y()),
        });
    };
    let on_key = move |e: web_sys::KeyboardEvent| {
        user_input();
        if !frame.with_untracked(|f| f.geometry.scaled()) {
            return;
        }
        let event = match e.key().as_str() {
            "ArrowDown" => Event::ScrollRows(1.0),
            "ArrowUp" => Event::ScrollRows(-1.0),
            "PageDown" | " " => Event::ScrollPages(1.0),
            "PageUp" => Event::ScrollPages(-1.0),
            _ => return,
        };
        e.prevent_default();
        send(event);
    };
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            send(Event::Scrolled {
                scroll_top: el.scroll_top() as f64,
                client_height: el.client_height() as f64,
                scroll_height: el.scroll_height() as f64,
                by_user: by_user(),
            });
        }
    };

    // A row element lives as long as its line is on screen and its text stays the same: the
    // key is the line and a digest of what its text shows (content, start style, group title,
    // search). A decoration (error mark, selection, current hit, fold) is patched in place (by
    // `decorate`), so a text selection inside a row survives the scan; a row whose text
    // changed is built anew. Rows hold no reactive nodes: scrolling creates and drops DOM only.
    let keys = Memo::new(move |_| {
        let range = frame.with(|f| f.rendered());
        sig.version.track();
        sig.scan_version.track();
        let search = search_gen.get();
        let times = times.get();
        rows.with(|r| {
            session.with_value(|s| {
                s.with_scanner(|sc| {
                    r.lines_for_rows(range)
                        .map(|line| {
                            let text = s.with_line(line, |c| {
                                c.map(|c| {
                                    let header = sc.groups().group(line).map(|g| &g.title);
                                    text_digest(c, header, search, times)
                                })
                            });
                            RowKey { line, text }
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    let translate = move || format!("translateY({}px)", -frame.with(|f| f.rendered_offset_px()));

    // What a row shows beyond its text, read at the moment (untracked): a row is built with
    // it, and `decorate` below patches the rows on screen when it changes.
    let decor = move |line: u64| -> Decor {
        session.with_value(|s| {
            let no = s.line_no(line);
            let mut d = Decor {
                ln: gutter(no, line),
                unnumbered: !matches!(no, Some(LineNo::Exact(_))),
                selected: selection
                    .with_untracked(|s| s.is_some_and(|(a, b)| line >= a && line <= b)),
                ..Decor::default()
            };
            s.with_scanner(|sc| {
                d.error = sc.errors().binary_search(&line).is_ok();
                d.current_mark = current_hit
                    .get_untracked()
                    .and_then(|k| sc.hits()?.nth(k))
                    .filter(|(l, _)| *l == line)
                    .map(|(_, i)| i as usize);
                if let Some(g) = sc.groups().group(line) {
                    d.folded = toggled.with_untracked(|t| is_collapsed(g, t));
                    d.fold_label = fold_label(d.folded, &g.title);
                    d.group_len = g
                        .end
                        .map_or(String::new(), |e| format!(" ({} lines)", e - g.start));
                }
            });
            d
        })
    };
    let rows_box = NodeRef::<Div>::new();
    // The one place the rows on screen get their decorations (error mark, selection, the
    // current hit, line number, fold state). Rows hold no reactive closures of their own:
    // an effect that is dropped stays in the subscriber list of every signal it read
    // (reactive_graph 0.2 never unsubscribes a dropped effect), so rows rebuilt by the
    // thousand — a byte-paged log counting lines before its tail re-keys every row on each
    // chunk, a drag rebuilds them on every frame — made each later signal change slower and
    // the heap larger. The rows on screen are not tracked: a row is built with the facts of
    // the moment (a decoration change made before or after it was built reaches it either
    // way), so scrolling does not patch every row again on each frame.
    Effect::new(move |_| {
        sig.scan_version.track();
        sig.extent.track();
        selection.track();
        current_hit.track();
        toggled.track();
        let Some(rows_el) = rows_box.get() else {
            return;
        };
        let children = rows_el.children();
        for i in 0..children.length() {
            let Some(row) = children.item(i) else {
                continue;
            };
            let Some(line) = row
                .get_attribute("data-line")
                .and_then(|l| l.parse::<u64>().ok())
            else {
                continue;
            };
            decorate(&row, &decor(line));
        }
    });
    let render_row = move |key: RowKey| {
        let line = key.line;
        let text = key.text.and_then(|_| {
            session.with_value(|s| {
                let header = s.with_scanner(|sc| sc.groups().group(line).map(|g| g.title.clone()));
                s.with_line(line, |c| {
                    c.map(|c| {
                        let mut style = c.start.clone();
                        let spans = ansi::render_line(&c.line.text, &mut style);
                        let hits = matcher.with_value(|m| {
                            m.as_ref()
                                .map(|m| {
                                    m.find(
                                        &spans.iter().map(|s| s.text.as_str()).collect::<String>(),
                                    )
                                })
                                .unwrap_or_default()
                        });
                        let stamp = c.line.stamp.as_deref();
                        RowText {
                            stream: c.line.stream,
                            spans,
                            hits,
                            header,
                            time: times.get_untracked().label(stamp),
                            level: stamp
                                .and_then(|s| s.level.clone())
                                .filter(|l| *l != Level::Info),
                        }
                    })
                })
            })
        });
        let d = decor(line);
        let class = match &text {
            None => "log-row log-row--loading".to_string(),
            Some(t) => {
                let mut class = format!("log-row s-{}", t.stream.key());
                if let Some(l) = &t.level {
                    class.push_str(" lv-");
                    class.push_str(l.key());
                }
                if t.header.is_some() {
                    class.push_str(" log-row--group");
                } else if !t.hits.is_empty() {
                    class.push_str(" log-row--hit");
                }
                if d.error {
                    class.push_str(" log-row--error");
                }
                if d.selected {
                    class.push_str(" log-row--selected");
                }
                class
            }
        };
        let ln_class = if d.unnumbered {
            "ln ln--unnumbered"
        } else {
            "ln"
        };
        // The time is drawn from an attribute, like the line number: a copied range of lines
        // is their text alone.
        let time = text
            .as_ref()
            .and_then(|t| t.time.clone())
            .or_else(|| (text.is_none() && times.get_untracked() != Times::None).then(String::new));
        let time = time.map(|ts| view! { <span class="ts" aria-hidden="true" data-ts=ts></span> });
        let level = text.as_ref().and_then(|t| t.level.as_ref()).map(|l| {
            let word = l.key().to_ascii_uppercase();
            view! { <span class="lv">{word}</span> }
        });
        let body = match text {
            None => view! { <span class="lt" aria-busy="true"></span> }.into_any(),
            Some(RowText {
                header: Some(title),
                ..
            }) => group_header(line, title, &d, send).into_any(),
            Some(t) => view! {
                <span class="lt">{level}{render_pieces(&t.spans, &t.hits, d.current_mark)}</span>
            }
            .into_any(),
        };
        view! {
            <div class=class data-line=line>
                // On press, not click: a click whose press and release land on different
                // elements is never delivered. Default prevented: shift does not extend a
                // text selection.
                <span class=ln_class aria-hidden="true" data-ln=d.ln
                    on:mousedown=move |e: web_sys::MouseEvent| {
                        if e.button() == 0 && numbered(line) {
                            e.prevent_default();
                            send(Event::ClickLine { line, shift: e.shift_key() });
                        }
                    }></span>
                {time}
                {body}
            </div>
        }
    };

    let hit_counter = move || {
        sig.scan_version.track();
        let (total, truncated) = session
            .with_value(|s| s.with_scanner(|sc| sc.hits().map(|h| (h.total(), h.truncated()))))?;
        let scan = sig.scan.get();
        let cur = current_hit
            .get()
            .map_or("–".to_string(), |k| (k + 1).to_string());
        let more = if truncated || scan.running { "+" } else { "" };
        Some(format!("{cur} / {total}{more}"))
    };
    let error_count = move || {
        sig.scan_version.track();
        let (n, scanned) = session
            .with_value(|s| s.with_scanner(|sc| (sc.errors().len(), sc.errors_scanned_to())));
        let total = sig.total.get();
        if scanned == 0 {
            String::new()
        } else if scanned < total {
            format!("{n}+")
        } else {
            n.to_string()
        }
    };
    let progress = move || {
        let p = sig.scan.get();
        (p.running && p.total > 0).then(|| {
            let pct = (p.scanned as f64 / p.total as f64 * 100.0).floor();
            view! {
                <span class="scan-progress" role="status">
                    <progress max="100" value=pct.to_string()></progress>
                    {format!(" scanning {pct}%")}
                    <button type="button" class="linklike" on:click=move |_| cancel_search()>"Cancel"</button>
                </span>
            }
        })
    };
    let stats = move || {
        let (n, bytes) = sig.requests.get();
        format!(
            "{} · {} request{} · {}",
            line_count(sig.total.get(), sig.extent.get()),
            n,
            if n == 1 { "" } else { "s" },
            human_bytes(bytes)
        )
    };

    view! {
        <div class="log" data-palette=move || palette.get().key() class:log--wrap=move || wrap.get()>
            <div class="log-toolbar" role="toolbar" aria-label="Log tools">
                <div class="log-search" role="search">
                    <input node_ref=search_input type="search" class="log-search__input"
                        placeholder="Search log (Ctrl+F)" aria-label="Search the log"
                        aria-invalid=move || search_error.with(Option::is_some).to_string()
                        prop:value=move || query.with(|q| q.text.clone())
                        on:input=move |e| { let t = event_target_value(&e); edit_query(&|q| q.text = t.clone()); }
                        on:keydown=move |e: web_sys::KeyboardEvent| match e.key().as_str() {
                            "Enter" => { e.prevent_default(); send(Event::StepHit { forward: !e.shift_key() }); }
                            "Escape" => { cancel_search(); }
                            _ => {}
                        }/>
                    <label class="chip" title="Match case">
                        <input type="checkbox" prop:checked=move || query.with(|q| q.case_sensitive)
                            on:change=move |e| { let v = event_target_checked(&e); edit_query(&|q| q.case_sensitive = v); }/>
                        "Aa"
                    </label>
                    <label class="chip" title="Regular expression">
                        <input type="checkbox" prop:checked=move || query.with(|q| q.regex)
                            on:change=move |e| { let v = event_target_checked(&e); edit_query(&|q| q.regex = v); }/>
                        ".*"
                    </label>
                    <button type="button" aria-label="Previous match" on:click=move |_| send(Event::StepHit { forward: false })>"↑"</button>
                    <button type="button" aria-label="Next match" on:click=move |_| send(Event::StepHit { forward: true })>"↓"</button>
                    <span class="hit-counter num" aria-live="polite">{hit_counter}</span>
                    {move || search_error.get().map(|e| view! { <span class="search-error" role="alert">{e}</span> })}
                    {progress}
                </div>
                <div class="log-actions">
                    <button type="button" on:click=move |_| send(Event::PrevError) title="Previous error (N)">"‹ Error"</button>
                    <span class="num error-count" title="Errors found">{error_count}</span>
                    <button type="button" on:click=move |_| send(Event::NextError) title="Next error (n)">"Error ›"</button>
                    <button type="button" aria-pressed=move || wrap.get().to_string() on:click=move |_| toggle_wrap() title="Wrap long lines (w)">"Wrap"</button>
                    <button type="button" class="follow" aria-pressed=move || following.get().to_string()
                        disabled=move || complete.get()
                        on:click=move |_| toggle_follow()
                        title="Follow new lines (f)">"Follow"</button>
                    <button type="button" on:click=move |_| send(Event::Top) title="Top (g / Home)">"Top"</button>
                    <button type="button" on:click=move |_| to_bottom() title="Bottom (G / End)">"Bottom"</button>
                    {move || if goto_open.get() {
                        view! {
                            <input node_ref=goto_input class="goto" type="text" inputmode="numeric" aria-label="Go to line" placeholder="line"
                                on:keydown=move |e: web_sys::KeyboardEvent| match e.key().as_str() {
                                    "Enter" => goto_line(event_target_value(&e)),
                                    "Escape" => goto_open.set(false),
                                    _ => {}
                                }/>
                        }.into_any()
                    } else {
                        view! { <button type="button" on:click=move |_| { goto_open.set(true); request_animation_frame(move || { if let Some(i) = goto_input.get_untracked() { let _ = i.focus(); } }); }>"Go to line"</button> }.into_any()
                    }}
                    {move || stamped.get().then(|| view! {
                        <button type="button" on:click=move |_| toggle_times()
                            title="Line times: local, elapsed since the log's start, hidden (t)">
                            {move || format!("Times: {}", time_column.get().key())}
                        </button>
                    })}
                    <button type="button" on:click=move |_| { palette.update(|p| *p = p.next()); set_pref("palette", palette.get_untracked().key()); }
                        title="Log colours: auto, dark, light">{move || format!("Theme: {}", palette.get().key())}</button>
                    {raw_url.map(|href| view! { <a class="button" href=href target="_blank" rel="noopener noreferrer">"Raw"</a> })}
                    {download_url.map(|href| view! { <a class="button" href=href download="">"Download"</a> })}
                </div>
            </div>
            {move || sig.error.get().map(|error| view! {
                <crate::components::ErrorPanel error stale=true
                    on_retry=Callback::new(move |_| session.with_value(|s| s.retry_now()))/>
            })}
            // No scroll anchoring: the position is the reducer's alone. A browser adjusting it
            // to keep some element in place as rows come and go would read as the user
            // scrolling (and pause a follower).
            <div node_ref=scroller class="log-scroll" tabindex="0" role="log" aria-label="Log lines"
                style:overflow-anchor="none"
                on:scroll=on_scroll on:wheel=on_wheel on:keydown=on_key on:pointerdown=on_pointerdown
                data-rows=move || frame.with(|f| f.geometry.rows)
                data-top=move || frame.with(|f| format!("{:.2}", f.top))>
                <div node_ref=spacer class="log-spacer">
                    <div class="log-layer" style:height=move || frame.with(|f| format!("{}px", f.geometry.viewport_px))>
                        <div node_ref=rows_box class="log-rows" style:transform=translate>
                            // Keyed without `<For>`: For gives each row an owner, and an owner's parent keeps
                            // a handle to every child it ever had (reactive_graph 0.2), so each
                            // row built and dropped kept ~100 bytes alive — 40 MB over a 10M-line
                            // CodeArts log whose rows are re-keyed on every chunk. Rows hold no
                            // reactive nodes, so they need no owner.
                            {move || keyed(keys.get(), |k| *k, move |_, k| (|_| {}, render_row(k)))}
                        </div>
                    </div>
                </div>
            </div>
            <div class="log-status muted num">{stats}</div>
        </div>
    }
}

/// A group header's text: the fold button and the group's title and length, as `d` says now
/// (`decorate` patches them as the user toggles and the scan finds the group's end).
fn group_header(
    line: u64,
    title: String,
    d: &Decor,
    send: impl Fn(Event) + Copy + 'static,
) -> impl IntoView {
    view! {
        <span class="lt">
            <button type="button" class="group-toggle" aria-expanded=(!d.folded).to_string()
                aria-label=d.fold_label.clone()
                on:click=move |_| send(Event::ToggleGroup(line))>
                {fold_glyph(d.folded)}
            </button>
            <span class="group-title">{title}</span>
            <span class="group-len">{d.group_len.clone()}</span>
        </span>
    }
}

fn fold_label(folded: bool, title: &str) -> String {
    let action = if folded { "Expand" } else { "Collapse" };
    format!("{action} group {title}")
}

fn fold_glyph(folded: bool) -> &'static str {
    if folded {
        "▸"
    } else {
        "▾"
    }
}

/// A row's decorations (see the viewer's `decor`).
#[derive(Debug, Default)]
struct Decor {
    ln: String,
    unnumbered: bool,
    error: bool,
    selected: bool,
    /// The current search hit's mark in this line, by its index in the line.
    current_mark: Option<usize>,
    /// A group header's fold state, its button's label and the group's length.
    folded: bool,
    fold_label: String,
    group_len: String,
}

/// Patches row element `row` to show `d`, touching only what differs (a text selection in the
/// row survives).
fn decorate(row: &web_sys::Element, d: &Decor) {
    let classes = row.class_list();
    if classes.contains("log-row--loading") {
        return;
    }
    let _ = classes.toggle_with_force("log-row--error", d.error);
    let _ = classes.toggle_with_force("log-row--selected", d.selected);
    if let Ok(Some(ln)) = row.query_selector(":scope > .ln") {
        set_attr(&ln, "data-ln", &d.ln);
        let _ = ln
            .class_list()
            .toggle_with_force("ln--unnumbered", d.unnumbered);
    }
    if classes.contains("log-row--hit") {
        if let Ok(marks) = row.query_selector_all("mark.hit") {
            for i in 0..marks.length() {
                let Some(mark) = marks
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let k = mark
                    .get_attribute("data-hit")
                    .and_then(|k| k.parse::<usize>().ok());
                let _ = mark
                    .class_list()
                    .toggle_with_force("hit--current", k.is_some() && k == d.current_mark);
            }
        }
    }
    if classes.contains("log-row--group") {
        if let Ok(Some(button)) = row.query_selector(".group-toggle") {
            set_attr(&button, "aria-expanded", &(!d.folded).to_string());
            set_attr(&button, "aria-label", &d.fold_label);
            set_text(&button, fold_glyph(d.folded));
        }
        if let Ok(Some(len)) = row.query_selector(".group-len") {
            set_text(&len, &d.group_len);
        }
    }
}

fn set_attr(el: &web_sys::Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

fn set_text(el: &web_sys::Element, value: &str) {
    if el.text_content().as_deref() != Some(value) {
        el.set_text_content(Some(value));
    }
}

fn render_pieces(spans: &[Span], hits: &[Range<usize>], current: Option<usize>) -> impl IntoView {
    let lens: Vec<usize> = spans.iter().map(|s| s.text.len()).collect();
    pieces(&lens, hits)
        .into_iter()
        .map(|p| {
            let span = &spans[p.span];
            let text = span
                .text
                .get(p.start..p.end)
                .unwrap_or_default()
                .to_string();
            let styled = styled_span(text, &span.style);
            match p.hit {
                Some(k) => {
                    let class = if current == Some(k) {
                        "hit hit--current"
                    } else {
                        "hit"
                    };
                    view! { <mark class=class data-hit=k>{styled}</mark> }.into_any()
                }
                None => styled.into_any(),
            }
        })
        .collect_view()
}

/// One styled run. Theme colours are classes (the palette decides them); 256-colour and
/// truecolor values are set through the CSSOM, which the CSP allows.
fn styled_span(text: String, style: &Style) -> AnyView {
    if style.is_plain() {
        return text.into_any();
    }
    let (mut fg, mut bg) = (style.fg, style.bg);
    if style.inverse {
        std::mem::swap(&mut fg, &mut bg);
    }
    let mut class = String::new();
    let mut push = |c: &str| {
        if !class.is_empty() {
            class.push(' ');
        }
        class.push_str(c);
    };
    let fg_css = color_css(
        fg,
        "f",
        &mut push,
        style.inverse && style.fg.is_none(),
        "var(--log-bg)",
    );
    let bg_css = color_css(
        bg,
        "b",
        &mut push,
        style.inverse && style.bg.is_none(),
        "var(--log-fg)",
    );
    for (on, c) in [
        (style.bold, "a-b"),
        (style.faint, "a-f"),
        (style.italic, "a-i"),
        (style.underline, "a-u"),
        (style.strike, "a-s"),
    ] {
        if on {
            push(c);
        }
    }
    match &style.link {
        Some(href) => view! {
            <a class=class href=href.to_string() target="_blank" rel="noopener noreferrer nofollow"
                style:color=fg_css style:background-color=bg_css>{text}</a>
        }
        .into_any(),
        None => view! {
            <span class=class style:color=fg_css style:background-color=bg_css>{text}</span>
        }
        .into_any(),
    }
}

/// Theme colours become a class (`f3`, `b12`); others a CSS value. `swapped_default` is the
/// inverse of a default colour.
fn color_css(
    c: Option<Color>,
    prefix: &str,
    push: &mut impl FnMut(&str),
    swapped_default: bool,
    default_css: &str,
) -> Option<String> {
    match c {
        Some(Color::Indexed(i)) if i < 16 => {
            push(&format!("{prefix}{i}"));
            None
        }
        Some(Color::Indexed(i)) => {
            Color::indexed_rgb(i).map(|(r, g, b)| format!("rgb({r},{g},{b})"))
        }
        Some(Color::Rgb(r, g, b)) => Some(format!("rgb({r},{g},{b})")),
        None if swapped_default => Some(default_css.to_string()),
        None => None,
    }
}
