use buildscope_core::timefmt::format_duration;
use buildscope_core::trend::{Chart, Mark, Shape, StepSeries, HEIGHT, LEFT, WIDTH};
use leptos::prelude::*;

/// The duration chart: one mark per finished build, oldest left, its shape and colour saying
/// the result; each mark is focusable, titled "#12 · 3m 2s · Failure" (hover, focus, screen
/// readers) and opens its build on click or Enter. The same data follows as a table.
#[component]
pub fn TrendChart(
    chart: Chart,
    #[prop(into)] caption: String,
    on_open: Callback<String>,
) -> impl IntoView {
    let view_box = format!("0 0 {WIDTH} {HEIGHT}");
    let label = caption.clone();
    let ticks = chart.ticks.clone();
    let numbers = chart.numbers.clone();
    let rows = chart.marks.clone();
    view! {
        <figure class="trend">
            <svg class="trend__chart" viewBox=view_box role="group" aria-label=label>
                {ticks.into_iter().map(|t| view! {
                    <line class="trend__grid" x1=LEFT x2=WIDTH - 8.0 y1=t.y y2=t.y/>
                    <text class="trend__tick" x=LEFT - 6.0 y=t.y + 4.0 text-anchor="end">{t.label}</text>
                }).collect_view()}
                {numbers.into_iter().map(|(x, n)| view! {
                    <text class="trend__tick" x=x y=HEIGHT - 6.0 text-anchor="middle">{n}</text>
                }).collect_view()}
                {chart.marks.into_iter().map(|m| mark(m, on_open)).collect_view()}
            </svg>
            <figcaption class="muted">{caption}</figcaption>
            <details class="trend__table">
                <summary>"Durations as a table"</summary>
                <table>
                    <thead><tr><th scope="col">"Build"</th><th scope="col">"Result"</th><th scope="col" class="num">"Duration"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().rev().map(|m| view! {
                            <tr>
                                <td><a href=m.point.href.clone()>{m.point.number.clone()}</a></td>
                                <td>{m.point.status.to_string()}</td>
                                <td class="num">{m.point.duration.map(|d| format_duration(d.round() as i64))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

fn mark(m: Mark, on_open: Callback<String>) -> impl IntoView {
    let (x, y) = (m.x, m.y);
    let class = format!("trend__mark trend__mark--{}", m.point.status.key());
    let shape = match m.shape {
        Shape::Circle => view! { <circle cx=x cy=y r="4.5"/> }.into_any(),
        Shape::Cross => view! {
            <path d=format!("M{} {}l9 9m0 -9l-9 9", x - 4.5, y - 4.5) class="trend__cross"/>
        }
        .into_any(),
        Shape::Triangle => view! {
            <polygon points=format!("{x},{} {},{} {},{}", y - 5.5, x + 5.0, y + 4.0, x - 5.0, y + 4.0)/>
        }
        .into_any(),
        Shape::Diamond => view! {
            <polygon points=format!("{x},{} {},{y} {x},{} {},{y}", y - 5.5, x + 5.5, y + 5.5, x - 5.5)/>
        }
        .into_any(),
    };
    let (href, href2) = (m.point.href.clone(), m.point.href.clone());
    let aria = m.label.clone();
    view! {
        <g class=class tabindex="0" role="link" aria-label=aria data-number=m.point.number.clone()
            on:click=move |_| on_open.run(href.clone())
            on:keydown=move |ev| if ev.key() == "Enter" { on_open.run(href2.clone()) }>
            // Built by hand: view! makes an ambiguous <title> an HTML element here, and an
            // HTML <title> inside SVG is no tooltip (the XSS spec caught it by namespace).
            {leptos::svg::title().child(m.label)}
            // A larger invisible target than the shape, for pointer and touch.
            <circle class="trend__hit" cx=x cy=y r="9"/>
            {shape}
        </g>
    }
}

/// Each step's duration over the builds, one small line chart per step on its own scale,
/// with its longest and latest duration in words.
#[component]
pub fn StepTrends(series: Vec<StepSeries>, #[prop(into)] caption: String) -> impl IntoView {
    let label = caption.clone();
    view! {
        <section class="step-trends" aria-label=label>
            <p class="muted">{caption}</p>
            <ul class="step-trends__list">
                {series.into_iter().map(|s| {
                    let (longest, latest) = s.summary();
                    let words = format!(
                        "longest {}, latest {}",
                        longest.map(|d| format_duration(d.round() as i64)).unwrap_or_else(|| "–".into()),
                        latest.map(|d| format_duration(d.round() as i64)).unwrap_or_else(|| "–".into()),
                    );
                    view! {
                        <li class="step-trend" data-step=s.name.clone()>
                            <span class="step-trend__name">{s.name.clone()}</span>
                            <svg class="step-trend__chart" viewBox="0 0 160 32" aria-hidden="true">
                                <path class="step-trend__line" d=s.path(160.0, 32.0)/>
                            </svg>
                            <span class="muted step-trend__words">{words}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
