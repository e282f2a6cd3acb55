//! Component tests in a real browser (wasm-bindgen-test + headless Chromium): mount a component,
//! then assert on the DOM a user would see. Data comes from real Buildbot responses.

use crate::components::compare_table::CompareTable;
use crate::components::{BuildTable, ErrorPanel, PhaseStrip, StageMap, StatusBadge, StepList};
use buildscope_core::buildbot::{decode_builds, decode_steps};
use buildscope_core::error::{ApiError, ErrorKind};
use buildscope_core::routes::Route;
use buildscope_core::status::Status;
use buildscope_core::{codearts, servicestage};
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount<F, N>(f: F) -> HtmlElement
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    let doc = document();
    // The app's real stylesheet, so layout (timeline geometry) is what users get.
    if doc.get_element_by_id("app-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("app-css");
        style.set_text_content(Some(include_str!("../style/main.css")));
        doc.head().unwrap().append_child(&style).unwrap();
    }
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    leptos::mount::mount_to(el.clone(), f).forget();
    el
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

#[wasm_bindgen_test]
fn every_status_renders_icon_word_and_system_label() {
    let mut statuses = Status::KNOWN.to_vec();
    statuses.push(Status::Unknown("7".into()));
    for status in statuses {
        let s = status.clone();
        let root = mount(move || view! { <StatusBadge status=s system_label="SYSTEM LABEL"/> });
        let badge = one(&root, ".badge");
        assert_eq!(
            badge.get_attribute("data-status").as_deref(),
            Some(status.key())
        );
        assert!(badge
            .class_list()
            .contains(&format!("badge--{}", status.key())));
        assert_eq!(text(&one(&badge, ".badge__text")), status.to_string());
        assert_eq!(text(&one(&badge, ".badge__icon")), status.icon());
        assert_eq!(
            one(&badge, ".badge__icon")
                .get_attribute("aria-hidden")
                .as_deref(),
            Some("true")
        );
        assert_eq!(
            badge.get_attribute("title").as_deref(),
            Some("SYSTEM LABEL")
        );
        assert_eq!(text(&one(&badge, ".sr-only")), " (SYSTEM LABEL)");
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn step_list_orders_marks_failure_and_folds_hidden_steps() {
    let steps = decode_steps(include_str!(
        "../tests/fixtures/buildbot/build-kitchen-sink-steps.json"
    ))
    .unwrap();
    let visible: Vec<_> = steps.iter().filter(|s| !s.hidden).cloned().collect();
    let total = steps.len();
    let hidden = total - visible.len();
    assert!(hidden > 0);
    let root = mount(move || view! { <StepList steps/> });

    let names: Vec<String> = all(&root, "li.step .step__name").iter().map(text).collect();
    assert_eq!(
        names,
        visible.iter().map(|s| s.name.clone()).collect::<Vec<_>>()
    );
    // The hostile step name is text, never markup.
    assert!(names.contains(&"<script>alert(1)</script>".to_string()));
    assert!(all(&root, "script").is_empty());

    let first_failure = visible
        .iter()
        .find(|s| s.status() == Status::Failure)
        .unwrap();
    let marked = all(&root, "li.step--first-failure");
    assert_eq!(marked.len(), 1);
    assert_eq!(
        marked[0].get_attribute("data-step-number"),
        Some(first_failure.number.to_string())
    );

    let toggle: HtmlInputElement = one(&root, "input.toggle-hidden").unchecked_into();
    toggle.click();
    leptos::task::tick().await;
    assert_eq!(all(&root, "li.step").len(), total);
    assert_eq!(all(&root, "li.step[data-hidden=\"true\"]").len(), hidden);
    root.remove();
}

#[wasm_bindgen_test]
fn only_http_urls_become_links() {
    let steps = decode_steps(include_str!(
        "../tests/fixtures/buildbot/build-linux-steps-with-urls.json"
    ))
    .unwrap();
    let urls: Vec<_> = steps.iter().flat_map(|s| s.urls.clone()).collect();
    let root = mount(move || view! { <StepList steps/> });
    let links = all(&root, ".step__urls a");
    let hrefs: Vec<_> = links
        .iter()
        .filter_map(|a| a.get_attribute("href"))
        .collect();
    assert!(!hrefs.is_empty());
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with("http://") || h.starts_with("https://")),
        "{hrefs:?}"
    );
    let unsafe_count = urls.iter().filter(|u| !u.url.starts_with("http")).count();
    assert!(unsafe_count > 0);
    assert_eq!(all(&root, ".url--unsafe").len(), unsafe_count);
    assert_eq!(links.len() + unsafe_count, urls.len());
    root.remove();
}

#[wasm_bindgen_test]
fn build_table_links_each_build_and_shows_its_status() {
    let builds = decode_builds(include_str!(
        "../tests/fixtures/buildbot/builds-latest10.json"
    ))
    .unwrap();
    let expected = builds.clone();
    let root = mount(move || view! { <Router><BuildTable source_id="local" builds/></Router> });
    let rows = all(&root, "tr.build-row");
    assert_eq!(rows.len(), expected.len());
    for (row, b) in rows.iter().zip(&expected) {
        assert_eq!(
            one(row, "a").get_attribute("href"),
            Some(Route::build("local", &b.buildid.to_string(), "").href())
        );
        assert_eq!(text(&one(row, "a")), format!("#{}", b.number));
        assert_eq!(text(&one(row, ".badge__text")), b.status().to_string());
        assert_eq!(text(&one(row, ".build-row__summary")), b.state_string);
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn error_panel_names_source_status_code_and_offers_retry() {
    let mut error = ApiError::new(
        ErrorKind::Http,
        "Huawei CodeArts",
        "/codearts/v1/record/x/full-stages",
        "throttled",
    );
    error.status = Some(429);
    error.code = Some("CB.00060211".into());
    error.request_id = Some("req-42".into());
    let retried = RwSignal::new(0);
    let root = mount(move || {
        view! { <ErrorPanel error stale=true on_retry=Callback::new(move |_| retried.update(|n| *n += 1))/> }
    });
    assert_eq!(
        text(&one(&root, ".state__title")),
        "⚠ Huawei CodeArts: HTTP 429 (CB.00060211)"
    );
    assert_eq!(text(&one(&root, ".error__message")), "throttled");
    assert!(text(&one(&root, ".error__url")).contains("req-42"));
    assert!(text(&root).contains("Showing the last data received"));
    one(&root, "button").unchecked_into::<HtmlElement>().click();
    leptos::task::tick().await;
    assert_eq!(retried.get_untracked(), 1);
    root.remove();
}

/// Only views that really try again say so (the HTML log loads once, then waits for the user).
#[wasm_bindgen_test]
fn error_panel_promises_an_automatic_retry_only_where_one_happens() {
    let error = || {
        ApiError::new(
            ErrorKind::Network,
            "Local Buildbot",
            "/api/v2/logs/3",
            "offline",
        )
    };
    let polled = mount(move || view! { <ErrorPanel error=error()/> });
    assert!(text(&polled).contains("Retrying automatically."));
    polled.remove();
    let manual = mount(move || {
        view! { <ErrorPanel error=error() manual=true on_retry=Callback::new(|_| ())/> }
    });
    assert!(
        !text(&manual).to_lowercase().contains("automatically"),
        "{}",
        text(&manual)
    );
    assert_eq!(text(&one(&manual, "button")), "Retry now");
    manual.remove();
}

#[wasm_bindgen_test]
fn stage_map_follows_sequence_not_map_order() {
    let stages = codearts::decode_full_stages(include_str!(
        "../tests/fixtures/huawei/codearts-full-stages.json"
    ))
    .unwrap();
    let expected: Vec<String> = stages.iter().map(|s| s.display_name.clone()).collect();
    let root = mount(move || view! { <StageMap stages/> });
    let names: Vec<String> = all(&root, "li.stage .stage__name")
        .iter()
        .map(text)
        .collect();
    assert_eq!(names, expected);
    assert_eq!(names.first().map(String::as_str), Some("initial"));
    assert_eq!(names.last().map(String::as_str), Some("final"));
    let seqs: Vec<i64> = all(&root, "li.stage")
        .iter()
        .filter_map(|li| li.get_attribute("data-sequence")?.parse().ok())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] <= w[1]), "{seqs:?}");
    // ABORTED (8) reads as Cancelled, with the system's own words on hover.
    let badge = one(&root, "li.stage .badge");
    assert_eq!(text(&one(&badge, ".badge__text")), "Cancelled");
    assert_eq!(badge.get_attribute("title").as_deref(), Some("ABORTED (8)"));
    root.remove();
}

#[wasm_bindgen_test]
fn phase_strip_shows_six_phases_in_order_and_nine_distinct_states() {
    let phases = servicestage::decode_phases(include_str!(
        "../tests/fixtures/huawei/servicestage-phases.json"
    ))
    .unwrap();
    let root = mount(move || view! { <PhaseStrip phases/> });
    let names: Vec<String> = all(&root, "li.phase .phase__name")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        names,
        [
            "Init",
            "Download",
            "PreProcess",
            "Build",
            "Artifact",
            "PostProcess"
        ]
    );
    root.remove();

    let states = [
        "NotStarted",
        "Queuing",
        "Building",
        "Pushing",
        "Successful",
        "Failed",
        "Timeout",
        "Cancel",
        "Deleted",
    ];
    let mut seen = Vec::new();
    for state in states {
        let status = servicestage::status(state);
        let label = servicestage::system_label(state);
        let root = mount(move || view! { <StatusBadge status system_label=label/> });
        let badge = one(&root, ".badge");
        // What a user can tell apart: the word on the badge plus the state it stands for.
        seen.push((
            text(&one(&badge, ".badge__text")),
            badge.get_attribute("title").unwrap_or_default(),
        ));
        assert_eq!(badge.get_attribute("title").as_deref(), Some(state));
        root.remove();
    }
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), states.len(), "{seen:?}");
}

/// Pixel geometry of an element relative to its parent track, in percent of the track width.
fn geometry(el: &Element) -> (f64, f64) {
    let track = el.parent_element().unwrap().get_bounding_client_rect();
    let r = el.get_bounding_client_rect();
    (
        (r.left() - track.left()) / track.width() * 100.0,
        r.width() / track.width() * 100.0,
    )
}

#[wasm_bindgen_test]
async fn timeline_bars_are_placed_from_step_times() {
    // A real build: started 1795318334, complete 1795318348 (a 14 s axis).
    let build = buildscope_core::buildbot::decode_build(include_str!(
        "../tests/fixtures/buildbot/build-kitchen-sink.json"
    ))
    .unwrap();
    let mut steps = decode_steps(include_str!(
        "../tests/fixtures/buildbot/build-kitchen-sink-steps.json"
    ))
    .unwrap();
    // Give step 2 (1795318340 → 1795318344) one second of lock wait.
    steps[2].locks_acquired_at = Some(1_795_318_341.0);
    let (start, end) = (build.started_at, build.complete_at);
    let root = mount(
        move || view! { <div style="width: 1000px"><StepList steps build_start=start build_end=end/></div> },
    );
    leptos::task::tick().await;
    let bar = |n: i64| one(&root, &format!("li.step[data-step-number=\"{n}\"] .bar"));
    let near = |a: f64, b: f64| (a - b).abs() < 0.2;
    // Step 1: 1795318338 → 1795318340: starts at 4/14, lasts 2/14.
    let (left, width) = geometry(&bar(1));
    assert!(
        near(left, 400.0 / 14.0) && near(width, 200.0 / 14.0),
        "{left} {width}"
    );
    assert_eq!(bar(1).get_attribute("data-left").as_deref(), Some("28.571"));
    // Step 0 starts the axis; step 9 ends it.
    assert!(near(geometry(&bar(0)).0, 0.0));
    let (l9, w9) = geometry(&bar(9));
    assert!(near(l9 + w9, 100.0), "{l9} {w9}");
    // A 0-second step stays visible.
    assert!(geometry(&bar(4)).1 > 0.0);
    // Lock wait: the first quarter of step 2's 4-second bar, drawn as its own element.
    let lock = one(&bar(2), ".bar__lock");
    let (bl, bw) = geometry(&bar(2));
    let lr = lock.get_bounding_client_rect();
    let br = bar(2).get_bounding_client_rect();
    assert!(
        near(bl, 600.0 / 14.0) && near(bw, 400.0 / 14.0),
        "{bl} {bw}"
    );
    assert!(
        (lr.width() / br.width() - 0.25).abs() < 0.01,
        "{}",
        lr.width() / br.width()
    );
    assert!(all(&root, ".bar__lock").len() == 1);
    root.remove();
}

#[wasm_bindgen_test]
fn compare_table_says_what_changed_in_words() {
    use buildscope_core::compare::Item;
    let named = |l: &[(&str, Option<f64>)], status: Status| {
        l.iter()
            .map(|(n, d)| Item::new(*n, *d, status.clone()))
            .collect::<Vec<_>>()
    };
    let rows = buildscope_core::compare::compare(
        &named(
            &[
                ("checkout", Some(10.0)),
                ("compile", Some(60.0)),
                ("lint", Some(5.0)),
                ("test", Some(100.0)),
            ],
            Status::Success,
        ),
        &named(
            &[
                ("checkout", Some(10.0)),
                ("compile", Some(90.0)),
                ("test", Some(70.0)),
                ("package", Some(3.0)),
            ],
            Status::Failure,
        ),
    );
    let root = mount(move || view! { <CompareTable rows a_label="#1" b_label="#2"/> });
    let changes: Vec<_> = all(&root, "tr.compare-row")
        .iter()
        .map(|r| r.get_attribute("data-change").unwrap_or_default())
        .collect();
    assert_eq!(changes, ["same", "slower", "removed", "faster", "added"]);
    let chips: Vec<String> = all(&root, "tr.compare-row .chip")
        .iter()
        .map(text)
        .collect();
    assert_eq!(chips, ["slower", "removed", "faster", "added"]);
    let compile = &all(&root, "tr.compare-row")[1];
    assert!(text(compile).contains("+30s"), "{}", text(compile));
    assert!(text(&all(&root, "tr.compare-row")[3]).contains("−30s"));
    // Each side says the item's status in words; a side without the item has none.
    let badges = |i: usize| -> Vec<String> {
        all(&all(&root, "tr.compare-row")[i], ".badge__text")
            .iter()
            .map(text)
            .collect()
    };
    assert_eq!(badges(1), ["Success", "Failure"]);
    assert_eq!(badges(2), ["Success"]); // removed: only in the first build
    assert_eq!(badges(4), ["Failure"]); // added: only in the second
    root.remove();
}

#[wasm_bindgen_test]
fn build_table_shows_branch_and_a_short_revision_where_known() {
    let mut builds = decode_builds(include_str!(
        "../tests/fixtures/buildbot/builds-latest10.json"
    ))
    .unwrap();
    // Forced builds of the real master have empty branch/revision: no columns for them.
    let plain = builds.clone();
    let root =
        mount(move || view! { <Router><BuildTable source_id="local" builds=plain/></Router> });
    assert!(all(&root, "th").iter().all(|th| text(th) != "Branch"));
    root.remove();

    let full = "0123456789abcdef0123456789abcdef01234567";
    builds[0].properties = vec![
        (
            "branch".into(),
            serde_json::json!("release/1.x"),
            "Build".into(),
        ),
        ("got_revision".into(), serde_json::json!(full), "Git".into()),
    ];
    let root = mount(move || view! { <Router><BuildTable source_id="local" builds/></Router> });
    let rows = all(&root, "tr.build-row");
    assert_eq!(text(&one(&rows[0], ".build-row__branch")), "release/1.x");
    let rev = one(&rows[0], ".build-row__revision code");
    assert_eq!(text(&rev), "0123456789");
    assert_eq!(rev.get_attribute("title").as_deref(), Some(full));
    assert_eq!(text(&one(&rows[1], ".build-row__branch")), "");
    root.remove();
}

#[wasm_bindgen_test]
fn every_codearts_status_gets_a_badge_with_its_own_label() {
    // The strings CodeArts is documented or seen to send (`SUCCESS` = 5 and `ABORTED` = 8, the
    // only confirmed codes; `SCHEDULE_FAILURE`; the job list's Jenkins colour `blue`; `InQueue`),
    // the failed/running/pending words no public source confirms, plus an unknown one.
    let cases: [(Option<&str>, Option<i64>, Status); 9] = [
        (Some("SUCCESS"), Some(5), Status::Success),
        (Some("ABORTED"), Some(8), Status::Cancelled),
        (Some("FAILED"), None, Status::Failure),
        (Some("RUNNING"), None, Status::Running),
        (Some("PENDING"), None, Status::Pending),
        (Some("SCHEDULE_FAILURE"), None, Status::Exception),
        (Some("blue"), None, Status::Success),
        (Some("InQueue"), None, Status::Queued),
        (
            Some("SOMETHING_NEW"),
            None,
            Status::Unknown("SOMETHING_NEW".into()),
        ),
    ];
    for (text_in, code, want) in cases {
        let status = codearts::status(text_in, code);
        assert_eq!(status, want, "{text_in:?}");
        let label = codearts::system_label(text_in, code);
        let expected_label = label.clone();
        let root = mount(move || view! { <StatusBadge status system_label=label/> });
        let badge = one(&root, ".badge");
        assert_eq!(
            badge.get_attribute("data-status").as_deref(),
            Some(want.key())
        );
        assert_eq!(text(&one(&badge, ".badge__text")), want.to_string());
        assert_eq!(badge.get_attribute("title"), Some(expected_label));
        root.remove();
    }
}

/// A polled view waits for a token only while it lives: the waiters of views that are gone
/// go with them (they used to pile up for as long as the tab lived), and entering a token
/// still wakes the live ones.
#[wasm_bindgen_test]
fn token_waiters_live_as_long_as_their_views() {
    use crate::api::auth;
    use crate::hooks::{use_polled, WhenIdle};
    use futures::channel::mpsc;

    // Polled views spawn their loop: mounting sets up the executor that runs it.
    mount(|| ()).remove();
    let before = auth::waiting();
    let views: Vec<Owner> = (0..3)
        .map(|_| {
            let owner = Owner::new();
            owner.with(|| {
                use_polled(
                    || async { Ok::<u32, ApiError>(1) },
                    |_| false,
                    WhenIdle::Stop,
                );
            });
            owner
        })
        .collect();
    assert_eq!(auth::waiting(), before + 3);
    for owner in views {
        owner.cleanup();
    }
    assert_eq!(auth::waiting(), before);

    let (tx, mut rx) = mpsc::unbounded();
    let live = auth::on_token(tx);
    auth::set_token("waiters-test", "t0ken".into(), false);
    assert_eq!(rx.try_recv().ok(), Some(()));
    drop(live);
    assert_eq!(auth::waiting(), before);
}
