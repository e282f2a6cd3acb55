//! Duration trends: a builder's (or job's) last builds as marks on a chart, oldest left, and
//! each step's duration over the same builds as small multiples. Pure geometry and words: the
//! web crate draws the SVG (classes only, no inline styles: the CSP stays strict) and the table
//! that stands in for it.

use crate::status::Status;
use crate::timefmt::format_duration;

/// The chart's drawing area, in SVG user units (the SVG scales to its box).
pub const WIDTH: f64 = 720.0;
pub const HEIGHT: f64 = 200.0;
/// Room left of the plot for the duration axis labels, and below it for build numbers.
pub const LEFT: f64 = 56.0;
pub const BOTTOM: f64 = 22.0;
/// The builds a user may ask for (`?n=`), and the default.
pub const CHOICES: [usize; 5] = [20, 50, 100, 200, 500];
pub const DEFAULT_N: usize = 50;

/// One build as the chart sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub number: String,
    pub href: String,
    pub status: Status,
    /// Seconds; `None` while it runs or when its times are missing.
    pub duration: Option<f64>,
}

/// How a mark is drawn: its shape says the result as much as its colour does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Success.
    Circle,
    /// Failure, exception, timeout.
    Cross,
    /// Warnings.
    Triangle,
    /// Anything else that finished (cancelled, skipped, retry, unknown).
    Diamond,
}

/// A mark on the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub shape: Shape,
    pub point: Point,
    /// "#12 · 3m 2s · Failure": the mark's title (hover, focus, screen readers).
    pub label: String,
}

/// A labelled line of the duration axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub y: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub marks: Vec<Mark>,
    pub ticks: Vec<Tick>,
    /// Build numbers under the first, middle and last mark.
    pub numbers: Vec<(f64, String)>,
    /// The longest duration the axis reaches (seconds).
    pub max: f64,
}

pub fn shape(status: &Status) -> Shape {
    match status.key() {
        "success" => Shape::Circle,
        "failure" | "exception" | "timeout" => Shape::Cross,
        "warnings" => Shape::Triangle,
        _ => Shape::Diamond,
    }
}

/// A round axis top at or above `max` seconds (1, 2 or 5 times a power of ten of a
/// sensible unit), so tick labels read as "2m", not "1m 57s".
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 60.0;
    }
    let steps = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
        14_400.0, 28_800.0, 86_400.0,
    ];
    // Four intervals on the axis.
    let step = steps
        .iter()
        .copied()
        .find(|s| s * 4.0 >= max)
        .unwrap_or_else(|| (max / 4.0 / 86_400.0).ceil() * 86_400.0);
    step * 4.0
}

/// The chart of `points`, given oldest first. Builds without a duration (running) get no
/// mark; the x position keeps their place so the axis stays one build per slot.
pub fn chart(points: &[Point]) -> Chart {
    let longest = points
        .iter()
        .filter_map(|p| p.duration)
        .fold(0.0_f64, f64::max);
    let max = nice_max(longest);
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = HEIGHT - BOTTOM - 8.0;
    let slot = |i: usize| {
        if points.len() <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let y_of = |secs: f64| 8.0 + plot_h * (1.0 - (secs / max).clamp(0.0, 1.0));
    let marks = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let d = p.duration?;
            Some(Mark {
                x: slot(i),
                y: y_of(d),
                shape: shape(&p.status),
                label: label(p),
                point: p.clone(),
            })
        })
        .collect();
    let ticks = (0..=4)
        .map(|k| {
            let secs = max * k as f64 / 4.0;
            Tick {
                y: y_of(secs),
                label: format_duration(secs.round() as i64),
            }
        })
        .collect();
    let mut numbers = Vec::new();
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        numbers.push((slot(0), first.number.clone()));
        if points.len() > 2 {
            let mid = points.len() / 2;
            numbers.push((slot(mid), points[mid].number.clone()));
        }
        if points.len() > 1 {
            numbers.push((slot(points.len() - 1), last.number.clone()));
        }
    }
    Chart {
        marks,
        ticks,
        numbers,
        max,
    }
}

/// "#12 · 3m 2s · Failure" (or "· running").
pub fn label(p: &Point) -> String {
    match p.duration {
        Some(d) => format!(
            "{} · {} · {}",
            p.number,
            format_duration(d.round() as i64),
            p.status
        ),
        None => format!("{} · {}", p.number, p.status),
    }
}

/// One step's durations over the same builds (oldest first), for a small multiple.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSeries {
    pub name: String,
    /// One entry per build, `None` where the build had no such step (or it did not finish).
    pub durations: Vec<Option<f64>>,
}

impl StepSeries {
    /// The polyline of this series in a `w × h` box (its own scale), skipping gaps.
    pub fn path(&self, w: f64, h: f64) -> String {
        let max = self
            .durations
            .iter()
            .flatten()
            .fold(0.0_f64, |a, b| a.max(*b));
        let n = self.durations.len();
        let mut out = String::new();
        let mut pen_down = false;
        for (i, d) in self.durations.iter().enumerate() {
            let Some(d) = d else {
                pen_down = false;
                continue;
            };
            let x = if n <= 1 {
                w / 2.0
            } else {
                w * i as f64 / (n - 1) as f64
            };
            let y = if max > 0.0 {
                h - 2.0 - (h - 4.0) * d / max
            } else {
                h - 2.0
            };
            out.push_str(&format!(
                "{}{x:.1},{y:.1} ",
                if pen_down { "L" } else { "M" }
            ));
            pen_down = true;
        }
        out.trim_end().to_string()
    }

    /// The longest and the latest duration, for the multiple's words.
    pub fn summary(&self) -> (Option<f64>, Option<f64>) {
        let max = self.durations.iter().flatten().copied().reduce(f64::max);
        let last = self.durations.iter().rev().flatten().next().copied();
        (max, last)
    }
}

/// Step series from each build's steps (oldest build first): steps are matched by name, in
/// the order they first appear.
pub fn step_series(builds: &[Vec<(String, Option<f64>)>]) -> Vec<StepSeries> {
    let mut names: Vec<String> = Vec::new();
    for steps in builds {
        for (name, _) in steps {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
        .into_iter()
        .map(|name| StepSeries {
            durations: builds
                .iter()
                .map(|steps| steps.iter().find(|(n, _)| *n == name).and_then(|(_, d)| *d))
                .collect(),
            name,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: u32, status: Status, d: Option<f64>) -> Point {
        Point {
            number: format!("#{n}"),
            href: format!("/b/{n}"),
            status,
            duration: d,
        }
    }

    #[test]
    fn marks_are_one_per_finished_build_oldest_left_and_shaped_by_result() {
        let c = chart(&[
            p(1, Status::Success, Some(30.0)),
            p(2, Status::Failure, Some(90.0)),
            p(3, Status::Running, None),
            p(4, Status::Warnings, Some(60.0)),
        ]);
        assert_eq!(c.marks.len(), 3);
        assert!(c.marks[0].x < c.marks[1].x && c.marks[1].x < c.marks[2].x);
        assert_eq!(
            c.marks.iter().map(|m| m.shape).collect::<Vec<_>>(),
            [Shape::Circle, Shape::Cross, Shape::Triangle]
        );
        // Longer is higher (smaller y); the axis tops out at a round 2m.
        assert!(c.marks[1].y < c.marks[2].y && c.marks[2].y < c.marks[0].y);
        assert_eq!(c.max, 120.0);
        assert_eq!(c.ticks.last().unwrap().label, format_duration(120));
        assert_eq!(
            c.marks[1].label,
            format!("#2 · {} · Failure", format_duration(90))
        );
        assert_eq!(
            c.numbers
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>(),
            ["#1", "#3", "#4"]
        );
    }

    #[test]
    fn nice_max_rounds_up_to_readable_ticks() {
        assert_eq!(nice_max(0.0), 60.0);
        assert_eq!(nice_max(3.0), 4.0);
        assert_eq!(nice_max(119.0), 120.0);
        assert_eq!(nice_max(121.0), 240.0);
        assert_eq!(nice_max(3000.0), 3600.0);
        assert_eq!(nice_max(f64::NAN), 60.0);
    }

    #[test]
    fn step_series_match_steps_by_name_and_keep_gaps() {
        let s = step_series(&[
            vec![("compile".into(), Some(10.0)), ("test".into(), Some(20.0))],
            vec![("compile".into(), Some(12.0))],
            vec![
                ("compile".into(), None),
                ("test".into(), Some(40.0)),
                ("lint".into(), Some(1.0)),
            ],
        ]);
        assert_eq!(
            s.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
            ["compile", "test", "lint"]
        );
        assert_eq!(s[1].durations, [Some(20.0), None, Some(40.0)]);
        assert_eq!(s[1].path(100.0, 20.0), "M0.0,10.0 M100.0,2.0");
        assert_eq!(s[0].summary(), (Some(12.0), Some(12.0)));
    }
}
