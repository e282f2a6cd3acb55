use super::codearts::CodeArtsBuild;
use super::control::Control;
use super::servicestage::ServiceStageBuild;
use super::{compare_link, param, polled_view, source_by_id, watch_toggle};
use crate::api::buildbot::{BuildDetail, BuildbotClient};
use crate::components::{
    EmptyState, LiveDuration, LiveIndicator, SetLinks, StatusBadge, StepList, TestSets, Timestamp,
};
use crate::hooks::{set_title, use_live, use_polled_fresh, WhenIdle};
use buildscope_core::buildbot::control::Action;
use buildscope_core::config::Source;
use buildscope_core::config::SourceKind;
use buildscope_core::routes::{builder_key, parse_step_anchor, Route};
use buildscope_core::watch::Watched;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// `/s/:source/builds/:buildid`: one Buildbot build and its steps.
#[component]
pub fn BuildPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let p = params.read();
        let id = param(&p, "buildid");
        let buildid = id.parse::<i64>().ok();
        match (source_by_id(&p), buildid) {
            (Err(msg), _) => view! { <section class="page"><EmptyState title="Unknown source" hint=msg/></section> }.into_any(),
            (Ok(source), _) if source.kind == SourceKind::CodeArts => {
                let job = query.read().get("job");
                view! { <CodeArtsBuild source record_id=id job/> }.into_any()
            }
            (Ok(source), _) if source.kind == SourceKind::ServiceStage => view! { <ServiceStageBuild source build_id=id/> }.into_any(),
            (_, None) => view! { <section class="page"><EmptyState title="Not a build" hint="The build id in this address is not a number."/></section> }.into_any(),
            (Ok(source), Some(buildid)) => view! { <BuildView source buildid/> }.into_any(),
        }
    }
}

#[component]
fn BuildView(source: Source, buildid: i64) -> impl IntoView {
    let client = BuildbotClient::new(&source);
    let ws_url = client.ws_url();
    let control = Control::new(client.clone(), &source);
    let polled = use_polled_fresh(
        move || {
            let c = client.clone();
            async move { c.build_detail(buildid).await }
        },
        |d: &BuildDetail| {
            d.build.status().is_active() || d.steps.iter().any(|s| s.status().is_active())
        },
        WhenIdle::Stop,
        BuildDetail::fresher,
    );
    let live = use_live(
        ws_url,
        vec![
            format!("builds/{buildid}/*"),
            format!("builds/{buildid}/steps/*/*"),
        ],
        polled,
    );
    // Owned here, not by the step list, so live refreshes keep the user's choice.
    let show_hidden = RwSignal::new(false);
    let show_properties = RwSignal::new(false);
    // A `#step-N` link opens at that step: the rows exist only once the data arrived, so the
    // browser's own scroll-to-anchor happened too early; do it once the step is there. A hidden
    // step is revealed first. The router handles in-page `#step-N` clicks with pushState (no
    // hashchange, no `:target`), so its hash signal drives this too; each hash is handled once,
    // so live refreshes do not scroll the page back.
    let hash = use_location().hash;
    let handled = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(d) = polled.data.get() else { return };
        let hash = hash.get();
        if handled.get_value().as_ref() == Some(&hash) {
            return;
        }
        handled.set_value(Some(hash.clone()));
        let Some(n) = parse_step_anchor(&hash) else {
            return;
        };
        if d.steps.iter().any(|s| s.number == n && s.hidden) {
            show_hidden.set(true);
        }
        request_animation_frame(move || {
            if let Some(old) = document().query_selector(".step--linked").ok().flatten() {
                let _ = old.class_list().remove_1("step--linked");
            }
            if let Some(el) = document().get_element_by_id(&format!("step-{n}")) {
                el.scroll_into_view();
                let _ = el.class_list().add_1("step--linked");
            }
        });
    });
    Effect::new(move |_| {
        if let Some(d) = polled.data.get() {
            set_title(&format!(
                "{} #{} — {} · buildscope",
                d.builder.name,
                d.build.number,
                d.build.status()
            ));
        }
    });
    view! {
        <section class="page">
            <LiveIndicator state=live/>
            // Above the build, where a flash message is read first; outside the re-rendered view.
            {control.view()}
            {polled_view(polled, "Loading build…", move |d| build_view(&source, d, show_hidden, show_properties, control))}
        </section>
    }
}

fn build_view(
    source: &Source,
    d: BuildDetail,
    show_hidden: RwSignal<bool>,
    show_properties: RwSignal<bool>,
    control: Control,
) -> impl IntoView {
    let source_id = source.id.as_str();
    let b = d.build;
    let watch = watch_toggle(
        source,
        Watched {
            source_id: source.id.clone(),
            build: b.buildid.to_string(),
            label: format!("{} #{}", d.builder.name, b.number),
            href: Route::build(source_id, &b.buildid.to_string(), "").href(),
            status: b.status(),
            started: b.started_at,
            ended: b.complete_at,
        },
    );
    let reason = b.property("reason");
    let owner = b.property("owner");
    let worker = b.property("workername");
    let key = builder_key(&d.builder.name, d.builder.builderid);
    let crumb = d.builder.name.clone();
    let failed_tests: u64 = d.tests.iter().map(|s| s.failures()).sum();
    let target = format!("{} #{}", d.builder.name, b.number);
    // A finished build can be run again; a running one stopped (Buildbot's own choice too).
    let action = if b.complete {
        Action::Rebuild { buildid: b.buildid }
    } else {
        Action::Stop {
            buildid: b.buildid,
            reason: String::new(),
        }
    };
    let action = control.button(action, target);
    let sets: Vec<SetLinks> = d
        .tests
        .iter()
        .map(|set| {
            let step = d.steps.iter().find(|s| s.stepid == set.stepid);
            let log = d.logs.iter().find(|l| l.stepid == set.stepid);
            SetLinks {
                set: set.clone(),
                href: Route::test_results(source_id, b.buildid, set.setid).href(),
                step_name: step
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| format!("step {}", set.stepid)),
                log_href: step.zip(log).map(|(s, l)| {
                    super::log::log_href(source_id, b.buildid, s.number, l.slug.clone())
                }),
            }
        })
        .collect();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href=Route::source(source_id).href()>"Builders"</A>
            <span aria-hidden="true">" / "</span>
            <A href=Route::builder(source_id, &key).href()>{crumb}</A>
        </nav>
        <header class="build-head" data-status=b.status().key()>
            <h1>
                <span class="build-head__builder">{d.builder.name.clone()}</span>
                " " <span class="build-head__number">{format!("#{}", b.number)}</span>
            </h1>
            <StatusBadge status=b.status() system_label=b.system_label()/>
            {watch}
            {action}
            <span class="build-head__state">{b.state_string.clone()}</span>
            {(failed_tests > 0).then(|| view! {
                <a class="chip chip--bad tests-failed" href="#tests">
                    <span aria-hidden="true">"✗ "</span>
                    {format!("{failed_tests} test{} failed", if failed_tests == 1 { "" } else { "s" })}
                </a>
            })}
            {(b.number > 1).then(|| {
                compare_link(
                    Route::BuilderCompare { source: source_id.to_string(), builder: key.clone(), a: b.number - 1, b: b.number }.href(),
                    format!("Compare with #{}", b.number - 1),
                )
            })}
        </header>
        <dl class="facts">
            <div><dt>"Started"</dt><dd><Timestamp epoch=b.started_at/></dd></div>
            <div><dt>"Duration"</dt><dd class="num"><LiveDuration start=b.started_at end=b.complete_at/></dd></div>
            {worker.map(|w| {
                let href = b.workerid.map(|id| Route::Worker { source: source_id.to_string(), worker: id.to_string() }.href());
                view! { <div><dt>"Worker"</dt><dd>{match href {
                    Some(href) => view! { <A href=href>{w}</A> }.into_any(),
                    None => w.into_any(),
                }}</dd></div> }
            })}
            {reason.map(|r| view! { <div><dt>"Reason"</dt><dd>{r}</dd></div> })}
            {owner.map(|o| view! { <div><dt>"Owner"</dt><dd>{o}</dd></div> })}
        </dl>
        {properties_view(&b.properties, show_properties)}
        {(!sets.is_empty()).then(|| view! {
            <h2 id="tests">"Tests"</h2>
            <TestSets sets=sets.clone()/>
        })}
        <h2>"Steps"</h2>
        {if d.steps.is_empty() {
            view! { <EmptyState title="No steps yet" hint="Steps appear here as soon as the build starts them."/> }.into_any()
        } else {
            let source_id = source_id.to_string();
            let buildid = b.buildid;
            let log_href = Callback::new(move |(step, slug): (i64, String)| super::log::log_href(&source_id, buildid, step, slug));
            view! { <StepList steps=d.steps build_start=b.started_at build_end=b.complete_at show_hidden logs=d.logs log_href tests=sets/> }.into_any()
        }}
    }
}

/// Every property of the build with its value and where it came from (force form, scheduler,
/// worker, a step), folded by default; open or closed stays as the user left it across
/// live refreshes (`open`, owned by the page).
fn properties_view(
    properties: &[(String, serde_json::Value, String)],
    open: RwSignal<bool>,
) -> Option<impl IntoView> {
    if properties.is_empty() {
        return None;
    }
    let rows = properties
        .iter()
        .map(|(name, value, source)| {
            let text = buildscope_core::buildbot::property_text(value);
            view! {
                <tr class="property" data-name=name.clone()>
                    <th scope="row">{name.clone()}</th>
                    <td class="property__value">{text}</td>
                    <td class="muted">{source.clone()}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let count = properties.len();
    // A disclosure button, not <details>: the XSS checks treat any <details> as a vector's
    // (its `ontoggle`), and the app never needs one.
    Some(view! {
        <section class="properties">
            <button type="button" class="properties__toggle" aria-controls="build-properties"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span aria-hidden="true">{move || if open.get() { "▾ " } else { "▸ " }}</span>
                {format!("Properties ({count})")}
            </button>
            <table id="build-properties" class="properties__table" hidden=move || !open.get()>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col">"Source"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    })
}
