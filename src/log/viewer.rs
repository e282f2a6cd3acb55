//! The virtualized log viewer: renders the rows on screen (plus a small overscan) from a
//! [`LogSession`], whatever the log's size, with a scrollbar that stays usable past the
//! browser's element-height cap (`log::scroll.rs`). Toolbar: search, errors, wrap, follow,
//! top/bottom, go to line, palette, raw and download. The session does all fetching.

use crate::log::session::LogSession;
use buildscope_core::ansi::{self, Color, Span, Style};
use buildscope_core::log::rows::VisibleRows;
use buildscope_core::log::scroll::Geometry;
use buildscope_core::log::search::{pieces, Matcher, Query};
use buildscope_core::log::text::line_anchor;
use buildscope_core::timefmt::{group_digits, human_bytes};
use leptos::ev;
use leptos::html::{Div, Input};
use leptos::prelude::*;
use std::collections::HashSet;
use std::ops::Range;
use wasm_bindgen::JsValue;

/// Height of one row in CSS pixels; `.log-row` in main.css uses the same value.
pub const ROW_PX: f64 = 18.0;
/// Rows rendered above and below the viewport so a small scroll shows no blank.
const OVERSCAN_ROWS: u64 = 6;

/// What "next" / "previous" are waiting for while the scan catches up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// The first error at or after this line (n, or a failed step opening at its error).
    ErrorFrom(u64),
    /// The last error before this line (N).
    ErrorBefore(u64),
    /// The first search hit at or after this line.
    HitFrom(u64),
}

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

/// The viewer. `complete` says whether the log can still grow (follow mode); `selected` is
/// the `#L` range the page opened with; `open_at_error` opens at the first error instead.
#[component]
pub fn LogViewer(
    session: LogSession,
    #[prop(into)] complete: Signal<bool>,
    selected: Option<(u64, u64)>,
    open_at_error: bool,
    raw_url: String,
    download_url: String,
) -> impl IntoView {
    let sig = session.sig;
    let session = StoredValue::new_local(session);
    on_cleanup(move || session.with_value(|s| s.close()));

    // A permalink opens near its line from the first frame, so the first request is for it.
    let top = RwSignal::new(selected.map_or(0.0, |(a, _)| (a as f64 - 10.0).max(0.0)));
    let viewport_px = RwSignal::new(600.0f64);
    let wrap = RwSignal::new(pref("wrap").as_deref() == Some("1"));
    let palette = RwSignal::new(match pref("palette").as_deref() {
        Some("dark") => Palette::Dark,
        Some("light") => Palette::Light,
        _ => Palette::Auto,
    });
    let selection = RwSignal::new(selected);
    let click_anchor = StoredValue::new(selected.map(|s| s.0));
    let follow = RwSignal::new(false);
    let pending = RwSignal::new(if open_at_error && selected.is_none() {
        Some(Pending::ErrorFrom(0))
    } else {
        None
    });
    let collapsed = RwSignal::new(HashSet::<u64>::new());
    let groups_seen = StoredValue::new(0usize);
    let query = RwSignal::new(Query::default());
    let search_error = RwSignal::new(None::<String>);
    let search_gen = RwSignal::new(0u64);
    let current_hit = RwSignal::new(None::<u64>);
    let matcher = StoredValue::new_local(None::<Matcher>);
    let goto_open = RwSignal::new(false);

    if open_at_error && selected.is_none() {
        session.with_value(|s| s.want_index());
    }

    // Groups found by the scan start collapsed if their syntax says so; the user's choices
    // for groups already seen are kept.
    Effect::new(move |_| {
        sig.scan_version.track();
        let defaults = session.with_value(|s| {
            s.with_scanner(|sc| {
                let groups = sc.groups().groups();
                let seen = groups_seen.get_value();
                groups_seen.set_value(groups.len());
                groups[seen.min(groups.len())..]
                    .iter()
                    .filter(|g| g.collapsed_by_default)
                    .map(|g| g.start)
                    .collect::<Vec<_>>()
            })
        });
        if !defaults.is_empty() {
            collapsed.update(|c| c.extend(defaults));
        }
    });

    let rows = Memo::new(move |_| {
        sig.scan_version.track();
        let total = sig.total.get();
        let collapsed = collapsed.get();
        if collapsed.is_empty() {
            return VisibleRows::all(total);
        }
        session.with_value(|s| s.with_scanner(|sc| sc.groups().visible_rows(&collapsed, total)))
    });
    let geom = Memo::new(move |_| Geometry {
        rows: rows.with(|r| r.row_count()),
        row_px: ROW_PX,
        viewport_px: viewport_px.get(),
    });
    // Rows to render: the viewport plus the overscan.
    let render_range = Memo::new(move |_| {
        let g = geom.get();
        let t = top.get();
        let first = (t.floor() as u64).saturating_sub(OVERSCAN_ROWS);
        let last = ((t + g.rows_in_view()).ceil() as u64 + OVERSCAN_ROWS).min(g.rows);
        first..last.max(first)
    });
    // The lines on screen, as contiguous ranges, for the fetch planner.
    Effect::new(move |_| {
        let g = geom.get();
        let t = top.get();
        let visible = (t.floor() as u64)..((t + g.rows_in_view()).ceil() as u64).min(g.rows);
        let ranges = rows.with(|r| line_ranges(r, visible));
        session.with_value(|s| s.set_view(ranges));
    });

    let scroller = NodeRef::<Div>::new();
    let spacer = NodeRef::<Div>::new();
    let programmatic = StoredValue::new(None::<i32>);
    // top → scrollbar. The spacer gets its new height first, here: if the scroll position
    // were set while the spacer still had its old height (a growing log being followed), the
    // browser would clamp it and the clamped scroll would read as the user scrolling away.
    Effect::new(move |_| {
        let g = geom.get();
        let want = g.scroll_for(top.get()).round() as i32;
        if let Some(sp) = spacer.get() {
            let _ = web_sys::HtmlElement::style(&sp)
                .set_property("height", &format!("{}px", g.spacer_px()));
        }
        if let Some(el) = scroller.get() {
            if (el.scroll_top() - want).abs() >= 1 {
                programmatic.set_value(Some(want));
                el.set_scroll_top(want);
            }
        }
    });
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            let h = el.client_height() as f64;
            if h > 0.0 && (h - viewport_px.get_untracked()).abs() > 0.5 {
                viewport_px.set(h);
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

    // Reading position → follow: at the bottom of a growing log it follows, above it pauses.
    let user_moved = move || {
        pending.set(None);
        let g = geom.get_untracked();
        follow.set(!complete.get_untracked() && g.at_bottom(top.get_untracked()));
    };
    let go_top = move || {
        pending.set(None);
        follow.set(false);
        top.set(0.0);
    };
    let go_bottom = move || {
        pending.set(None);
        top.set(geom.get_untracked().max_top());
        follow.set(!complete.get_untracked());
    };
    // New lines: a follower is kept at the bottom; anyone else is not moved at all (rows are
    // addressed by number, so appending below changes nothing on screen).
    Effect::new(move |_| {
        let g = geom.get();
        if follow.get_untracked() {
            top.set(g.max_top());
        }
    });
    Effect::new(move |prev: Option<bool>| {
        let done = complete.get();
        if done {
            follow.set(false);
        } else if prev.is_none() && selection.get_untracked().is_none() && !open_at_error {
            // A running log opens following its tail, like a terminal.
            follow.set(true);
            top.set(geom.get_untracked().max_top());
        }
        done
    });

    // Reveal a line (search hit, error, permalink) with some context above it.
    let reveal = move |line: u64| {
        let row = rows.with_untracked(|r| r.nearest_row(line)).unwrap_or(0);
        let g = geom.get_untracked();
        let t = g.reveal(top.get_untracked(), row, (g.rows_in_view() / 3.0).floor());
        follow.set(false);
        top.set(t);
    };
    // Open at the permalinked line.
    if let Some((a, _)) = selected {
        let row = a;
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let g = geom.get();
            if g.rows == 0 || viewport_px.get() <= 0.0 {
                return false;
            }
            let t = (row as f64 - (g.rows_in_view() / 3.0).floor()).max(0.0);
            top.set(t.min(g.max_top()));
            true
        });
    }

    // Pending "next error / next hit" resolve as the scan advances.
    Effect::new(move |_| {
        sig.scan_version.track();
        let Some(p) = pending.get() else { return };
        let (found, done) = session.with_value(|s| {
            s.with_scanner(|sc| {
                let running = sc.next_needed(sig.total.get_untracked()).is_some();
                match p {
                    Pending::ErrorFrom(l) => (sc.next_error(l), !running),
                    Pending::ErrorBefore(l) => (sc.prev_error(l), !running),
                    Pending::HitFrom(l) => (
                        sc.hits()
                            .and_then(|h| h.first_at_or_after(l).map(|k| (k, h)))
                            .map(|(k, h)| {
                                current_hit.set(Some(k));
                                h.nth(k).map_or(l, |x| x.0)
                            }),
                        !running,
                    ),
                }
            })
        });
        if let Some(line) = found {
            pending.set(None);
            if !matches!(p, Pending::HitFrom(_)) {
                selection.set(Some((line, line)));
                click_anchor.set_value(Some(line));
            }
            reveal(line);
        } else if done {
            pending.set(None);
        }
    });

    // The line "next" starts from: the selection, else the top of the screen.
    let cursor_line = move || {
        selection.get_untracked().map(|s| s.0).unwrap_or_else(|| {
            rows.with_untracked(|r| r.row_to_line(top.get_untracked().ceil() as u64))
                .unwrap_or(0)
        })
    };
    let next_error = move |forward: bool| {
        session.with_value(|s| s.want_index());
        let from = cursor_line();
        pending.set(Some(if forward {
            Pending::ErrorFrom(from + 1)
        } else {
            Pending::ErrorBefore(from)
        }));
    };

    // Search: a new query restarts the scan's search (debounced while typing).
    let search_timer = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let apply_query = move |q: Query| match Matcher::new(&q) {
        Ok(m) => {
            search_error.set(None);
            matcher.set_value(m.clone());
            session.with_value(|s| s.set_search(m));
            search_gen.update(|g| *g += 1);
            current_hit.set(None);
            if !q.text.is_empty() {
                pending.set(Some(Pending::HitFrom(cursor_line())));
            }
        }
        Err(e) => search_error.set(Some(e)),
    };
    Effect::new(move |_| {
        let q = query.get();
        search_timer.set_value(Some(gloo_timers::callback::Timeout::new(250, move || {
            apply_query(q)
        })));
    });
    let step_hit = move |forward: bool| {
        let Some((total, nav)) = session
            .with_value(|s| s.with_scanner(|sc| sc.hits().map(|h| (h.total(), h.navigable()))))
        else {
            return;
        };
        if total == 0 || nav == 0 {
            return;
        }
        let k = match current_hit.get_untracked() {
            Some(k) if forward => (k + 1) % nav,
            Some(k) => (k + nav - 1) % nav,
            None => 0,
        };
        current_hit.set(Some(k));
        if let Some((line, _)) =
            session.with_value(|s| s.with_scanner(|sc| sc.hits().and_then(|h| h.nth(k))))
        {
            reveal(line);
        }
    };
    let cancel_search = move || {
        query.set(Query::default());
        pending.set(None);
    };

    // Line-number clicks: select, shift-click extends; the URL fragment follows.
    let click_line = move |line: u64, shift: bool| {
        let range = match (shift, click_anchor.get_value()) {
            (true, Some(a)) => (a.min(line), a.max(line)),
            _ => {
                click_anchor.set_value(Some(line));
                (line, line)
            }
        };
        selection.set(Some(range));
        set_hash(&line_anchor(range.0, range.1));
    };
    let goto_input = NodeRef::<Input>::new();
    let search_input = NodeRef::<Input>::new();
    let goto_line = move |text: String| {
        if let Ok(n) = text.trim().trim_start_matches('L').parse::<u64>() {
            let total = sig.total.get_untracked();
            if total > 0 {
                let line = n.clamp(1, total) - 1;
                selection.set(Some((line, line)));
                click_anchor.set_value(Some(line));
                set_hash(&line_anchor(line, line));
                reveal(line);
            }
        }
        goto_open.set(false);
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
            "g" | "Home" => go_top(),
            "G" | "End" => go_bottom(),
            "f" => {
                if follow.get_untracked() {
                    follow.set(false);
                } else {
                    go_bottom();
                    follow.set(true);
                }
            }
            "n" => next_error(true),
            "N" => next_error(false),
            "w" => wrap.update(|w| *w = !*w),
            "Escape" => {
                selection.set(None);
                set_hash("");
            }
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());

    Effect::new(move |_| set_pref("wrap", if wrap.get() { "1" } else { "0" }));
    Effect::new(move |_| set_pref("palette", palette.get().key()));

    // Scrolling by wheel and keys when the scrollbar is proportional (see log::scroll.rs).
    let on_wheel = move |e: web_sys::WheelEvent| {
        let g = geom.get_untracked();
        if !g.scaled() || e.shift_key() {
            return;
        }
        e.prevent_default();
        let rows = match e.delta_mode() {
            0 => e.delta_y() / ROW_PX,
            1 => e.delta_y(),
            _ => e.delta_y() * g.rows_in_view(),
        };
        top.set((top.get_untracked() + rows).clamp(0.0, g.max_top()));
        user_moved();
    };
    let on_key = move |e: web_sys::KeyboardEvent| {
        let g = geom.get_untracked();
        if !g.scaled() {
            return;
        }
        let page = (g.rows_in_view() - 1.0).max(1.0);
        let delta = match e.key().as_str() {
            "ArrowDown" => 1.0,
            "ArrowUp" => -1.0,
            "PageDown" | " " => page,
            "PageUp" => -page,
            _ => return,
        };
        e.prevent_default();
        top.set((top.get_untracked() + delta).clamp(0.0, g.max_top()));
        user_moved();
    };
    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let st = el.scroll_top();
        if let Some(p) = programmatic.get_value() {
            programmatic.set_value(None);
            if (st - p).abs() <= 1 {
                return;
            }
        }
        // The viewport may have changed size a moment ago (the toolbar or header reflowed) and
        // the browser clamped the position: read the size now, not when the observer reports.
        measure();
        // A follower whose scrollbar is still at its very end did not leave the bottom: this
        // scroll came from a clamp or a resize, not from the user.
        if follow.get_untracked() && st + el.client_height() >= el.scroll_height() - 2 {
            top.set(geom.get_untracked().max_top());
            return;
        }
        let g = geom.get_untracked();
        let t = g.top_for(st as f64);
        // In 1:1 mode the scrollbar is the truth; keep the fraction the wheel produced.
        if (t - top.get_untracked()).abs() > 0.01 {
            top.set(t);
        }
        user_moved();
    };

    // One key per row: a row is re-rendered only when something it shows changed (loaded,
    // search, group header / fold state, error mark), never merely because it scrolled.
    let row_items = move || {
        let range = render_range.get();
        sig.version.track();
        sig.scan_version.track();
        let sgen = search_gen.get();
        rows.with(|r| {
            session.with_value(|s| {
                s.with_scanner(|sc| {
                    r.lines_for_rows(range)
                        .map(|line| RowKey {
                            line,
                            loaded: s.with_line(line, |c| c.is_some()),
                            search: sgen,
                            header: sc.groups().group(line).is_some(),
                            collapsed: collapsed.with(|c| c.contains(&line)),
                            error: sc.errors().binary_search(&line).is_ok(),
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    };
    let translate = move || {
        let t = top.get();
        let first = render_range.get().start as f64;
        format!("translateY({}px)", -((t - first) * ROW_PX))
    };

    let render_row = move |key: RowKey| {
        let RowKey {
            line,
            loaded,
            collapsed: is_collapsed,
            error: is_error,
            ..
        } = key;
        let selected = move || selection.get().is_some_and(|(a, b)| line >= a && line <= b);
        let current = move || {
            let k = current_hit.get()?;
            session
                .with_value(|s| s.with_scanner(|sc| sc.hits()?.nth(k)))
                .filter(|(l, _)| *l == line)
                .map(|(_, i)| i)
        };
        let number = (line + 1).to_string();
        let gutter = view! {
            // On press, not click: the row may be re-rendered between press and release (the
            // background scan marking errors), and a click whose press and release land on
            // different elements is never delivered. Default prevented: shift does not extend
            // a text selection.
            <span class="ln" data-ln=number.clone() aria-hidden="true"
                on:mousedown=move |e: web_sys::MouseEvent| {
                    if e.button() == 0 {
                        e.prevent_default();
                        click_line(line, e.shift_key());
                    }
                }></span>
        };
        if !loaded {
            return view! {
                <div class="log-row log-row--loading" data-line=line>
                    {gutter}<span class="lt" aria-busy="true"></span>
                </div>
            }
            .into_any();
        }
        let (stream, spans, group) = session.with_value(|s| {
            let group = s.with_scanner(|sc| {
                sc.groups()
                    .group(line)
                    .map(|g| (g.title.clone(), g.end.map(|e| e - g.start)))
            });
            s.with_line(line, |c| {
                let c = c.expect("checked loaded above");
                let mut style = c.start.clone();
                (
                    c.line.stream,
                    ansi::render_line(&c.line.text, &mut style),
                    group,
                )
            })
        });
        let hits = matcher.with_value(|m| {
            m.as_ref()
                .map(|m| m.find(&spans.iter().map(|s| s.text.as_str()).collect::<String>()))
                .unwrap_or_default()
        });
        let class = format!(
            "log-row s-{}{}",
            stream.key(),
            if is_error { " log-row--error" } else { "" }
        );
        // A group header shows its title (not the marker) after a fold toggle.
        if let Some((title, len)) = group {
            let label = match len {
                Some(n) => format!(" ({n} lines)"),
                None => String::new(),
            };
            let action = if is_collapsed { "Expand" } else { "Collapse" };
            return view! {
                <div class=format!("{class} log-row--group") data-line=line class:log-row--selected=selected>
                    {gutter}
                    <span class="lt">
                        <button type="button" class="group-toggle" aria-expanded=(!is_collapsed).to_string()
                            aria-label=format!("{action} group {title}")
                            on:click=move |_| collapsed.update(|c| { if !c.remove(&line) { c.insert(line); } })>
                            {if is_collapsed { "▸" } else { "▾" }}
                        </button>
                        <span class="group-title">{title.clone()}</span>
                        <span class="group-len">{label}</span>
                    </span>
                </div>
            }
            .into_any();
        }
        view! {
            <div class=class data-line=line class:log-row--selected=selected
                class:log-row--hit=!hits.is_empty()>
                {gutter}
                <span class="lt">{render_pieces(&spans, &hits, current)}</span>
            </div>
        }
        .into_any()
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
            "{} lines · {} request{} · {}",
            group_digits(sig.total.get()),
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
                        on:input=move |e| { let t = event_target_value(&e); query.update(|q| q.text = t); }
                        on:keydown=move |e: web_sys::KeyboardEvent| match e.key().as_str() {
                            "Enter" => { e.prevent_default(); step_hit(!e.shift_key()); }
                            "Escape" => { cancel_search(); }
                            _ => {}
                        }/>
                    <label class="chip" title="Match case">
                        <input type="checkbox" prop:checked=move || query.with(|q| q.case_sensitive)
                            on:change=move |e| { let v = event_target_checked(&e); query.update(|q| q.case_sensitive = v); }/>
                        "Aa"
                    </label>
                    <label class="chip" title="Regular expression">
                        <input type="checkbox" prop:checked=move || query.with(|q| q.regex)
                            on:change=move |e| { let v = event_target_checked(&e); query.update(|q| q.regex = v); }/>
                        ".*"
                    </label>
                    <button type="button" aria-label="Previous match" on:click=move |_| step_hit(false)>"↑"</button>
                    <button type="button" aria-label="Next match" on:click=move |_| step_hit(true)>"↓"</button>
                    <span class="hit-counter num" aria-live="polite">{hit_counter}</span>
                    {move || search_error.get().map(|e| view! { <span class="search-error" role="alert">{e}</span> })}
                    {progress}
                </div>
                <div class="log-actions">
                    <button type="button" on:click=move |_| next_error(false) title="Previous error (N)">"‹ Error"</button>
                    <span class="num error-count" title="Errors found">{error_count}</span>
                    <button type="button" on:click=move |_| next_error(true) title="Next error (n)">"Error ›"</button>
                    <button type="button" aria-pressed=move || wrap.get().to_string() on:click=move |_| wrap.update(|w| *w = !*w) title="Wrap long lines (w)">"Wrap"</button>
                    <button type="button" class="follow" aria-pressed=move || follow.get().to_string()
                        disabled=move || complete.get()
                        on:click=move |_| if follow.get_untracked() { follow.set(false) } else { go_bottom() }
                        title="Follow new lines (f)">"Follow"</button>
                    <button type="button" on:click=move |_| go_top() title="Top (g / Home)">"Top"</button>
                    <button type="button" on:click=move |_| go_bottom() title="Bottom (G / End)">"Bottom"</button>
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
                    <button type="button" on:click=move |_| palette.update(|p| *p = p.next())
                        title="Log colours: auto, dark, light">{move || format!("Theme: {}", palette.get().key())}</button>
                    <a class="button" href=raw_url target="_blank" rel="noopener noreferrer">"Raw"</a>
                    <a class="button" href=download_url download="">"Download"</a>
                </div>
            </div>
            {move || sig.error.get().map(|error| view! {
                <crate::components::ErrorPanel error stale=true
                    on_retry=Callback::new(move |_| session.with_value(|s| s.retry_now()))/>
            })}
            <div node_ref=scroller class="log-scroll" tabindex="0" role="log" aria-label="Log lines"
                on:scroll=on_scroll on:wheel=on_wheel on:keydown=on_key
                data-rows=move || geom.get().rows data-top=move || format!("{:.2}", top.get())>
                <div node_ref=spacer class="log-spacer" style:height=move || format!("{}px", geom.get().spacer_px())>
                    <div class="log-layer" style:height=move || format!("{}px", viewport_px.get())>
                        <div class="log-rows" style:transform=translate>
                            <For each=row_items key=|k| *k children=render_row/>
                        </div>
                    </div>
                </div>
            </div>
            <div class="log-status muted num">{stats}</div>
        </div>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct RowKey {
    line: u64,
    loaded: bool,
    search: u64,
    header: bool,
    collapsed: bool,
    error: bool,
}

/// Line ranges shown by display rows `visible` (several when collapsed groups sit inside).
fn line_ranges(rows: &VisibleRows, visible: Range<u64>) -> Vec<Range<u64>> {
    let mut out: Vec<Range<u64>> = Vec::new();
    for line in rows.lines_for_rows(visible) {
        match out.last_mut() {
            Some(r) if r.end == line => r.end += 1,
            _ => out.push(line..line + 1),
        }
    }
    out
}

fn render_pieces(
    spans: &[Span],
    hits: &[Range<usize>],
    current: impl Fn() -> Option<u32> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lens: Vec<usize> = spans.iter().map(|s| s.text.len()).collect();
    pieces(&lens, hits)
        .into_iter()
        .map(|p| {
            let span = &spans[p.span];
            let text = span.text.get(p.start..p.end).unwrap_or_default().to_string();
            let styled = styled_span(text, &span.style);
            match p.hit {
                Some(k) => {
                    let k = k as u32;
                    view! { <mark class="hit" class:hit--current=move || current() == Some(k)>{styled}</mark> }.into_any()
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
            <a class=class href=href.clone() target="_blank" rel="noopener noreferrer nofollow"
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
