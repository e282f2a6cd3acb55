//! Step timeline geometry (pure): where each step's bar sits on a shared time axis.
//!
//! The axis runs from the build's start to its end (or `now` while it runs), so bars grow live.
//! A step's bar runs from `started_at` to `complete_at` (or `now`); the part before
//! `locks_acquired_at` is lock wait and is drawn distinctly. Positions are percentages of the
//! axis, clamped to [0, 100], so clock skew or odd server times can never draw outside it.

/// One bar: all values are percentages of the axis width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub left: f64,
    pub width: f64,
    /// Width of the lock-wait segment at the start of the bar (0 when none).
    pub lock_wait: f64,
}

/// The time axis of a build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub start: f64,
    pub end: f64,
}

/// Bars narrower than this are widened so a 0-second step stays visible and clickable.
pub(crate) const MIN_WIDTH: f64 = 0.5;

impl Axis {
    /// From the build's start to its end, or to `now` while it runs. Steps that started before
    /// the build (skew) or ended after it stretch the axis rather than fall off it.
    pub fn new(
        build_start: Option<f64>,
        build_end: Option<f64>,
        steps: impl IntoIterator<Item = (Option<f64>, Option<f64>)>,
        now: f64,
    ) -> Option<Axis> {
        let (build_start, build_end) = (finite(build_start), finite(build_end));
        let mut start = build_start;
        let mut end = build_end.or(build_start.map(|_| now));
        for (s, e) in steps {
            let e = finite(e);
            if let Some(s) = finite(s) {
                start = Some(start.map_or(s, |a| a.min(s)));
                let stop = e.unwrap_or(now);
                end = Some(end.map_or(stop, |b| b.max(stop)));
            }
        }
        let (start, end) = (start?, end?);
        Some(Axis {
            start,
            end: end.max(start),
        })
    }

    pub(crate) fn span(&self) -> f64 {
        self.end - self.start
    }

    fn pct(&self, t: f64) -> f64 {
        let span = self.span();
        if span <= 0.0 {
            return 0.0;
        }
        ((t - self.start) / span * 100.0).clamp(0.0, 100.0)
    }

    /// The bar of a step; `None` until it starts.
    pub fn bar(
        &self,
        started: Option<f64>,
        complete: Option<f64>,
        locks_acquired: Option<f64>,
        now: f64,
    ) -> Option<Bar> {
        let s = finite(started)?;
        let e = finite(complete).unwrap_or(now).max(s);
        let left = self.pct(s);
        let right = self.pct(e);
        let mut width = right - left;
        if width < MIN_WIDTH {
            width = MIN_WIDTH.min(100.0 - left).max(0.0);
        }
        // max/min rather than clamp, which panics when a bound is NaN.
        let lock_wait = match finite(locks_acquired) {
            Some(l) if l > s => (self.pct(l.min(e)) - left).max(0.0).min(width),
            _ => 0.0,
        };
        Some(Bar {
            left,
            width,
            lock_wait,
        })
    }
}

/// How close (seconds) one part's end must be to the next part's wait start for the next to
/// count as waiting on it: servers stamp a stage's end and its successor's queue entry a
/// moment apart.
const CHAIN_SLACK_SECS: f64 = 2.0;

/// The critical path: the chain of parts that decided how long the build took. It ends with
/// the part that finished last (or is still running, at `now`) and walks back through, at
/// each step, the part that finished last before the current one began to wait (what it
/// most plausibly waited on; parts running beside the chain are not on it). Parts are
/// `(wait start, end)` pairs (wait start: when the part entered its queue, else its start);
/// parts without a start are not on it. Returns indexes in time order.
pub fn critical_path(parts: &[(Option<f64>, Option<f64>)], now: f64) -> Vec<usize> {
    let spans: Vec<Option<(f64, f64)>> = parts
        .iter()
        .map(|(s, e)| {
            let s = finite(*s)?;
            Some((s, finite(*e).unwrap_or(now).max(s)))
        })
        .collect();
    // The latest end; on a tie the later start (the part that waited on the others).
    let latest = |pred: &dyn Fn(f64, f64) -> bool| {
        spans
            .iter()
            .enumerate()
            .filter_map(|(i, sp)| sp.filter(|(s, e)| pred(*s, *e)).map(|sp| (i, sp)))
            .max_by(|(_, a), (_, b)| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)))
            .map(|(i, _)| i)
    };
    let mut path = Vec::new();
    let mut cur = latest(&|_, _| true);
    while let Some(i) = cur {
        path.push(i);
        let (start, _) = spans[i].expect("only timed parts are picked");
        cur = latest(&|s, e| e <= start + CHAIN_SLACK_SECS && s < start);
    }
    path.reverse();
    path
}

/// A time the axis can use: NaN or infinite (which no decoder should let through, but a
/// timeline must never panic on) is treated as absent.
fn finite(t: Option<f64>) -> Option<f64> {
    t.filter(|t| t.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn bars_sit_on_the_build_axis() {
        let axis = Axis::new(Some(100.0), Some(200.0), [], 0.0).unwrap();
        let b = axis
            .bar(Some(110.0), Some(160.0), Some(110.0), 0.0)
            .unwrap();
        assert!(close(b.left, 10.0) && close(b.width, 50.0) && close(b.lock_wait, 0.0));
        let waited = axis
            .bar(Some(120.0), Some(170.0), Some(130.0), 0.0)
            .unwrap();
        assert!(
            close(waited.left, 20.0) && close(waited.width, 50.0) && close(waited.lock_wait, 10.0)
        );
        assert_eq!(axis.bar(None, None, None, 0.0), None);
    }

    #[test]
    fn running_builds_grow_with_now() {
        let steps = [(Some(100.0), Some(150.0)), (Some(150.0), None)];
        let at = |now| {
            let axis = Axis::new(Some(100.0), None, steps, now).unwrap();
            (axis.span(), axis.bar(Some(150.0), None, None, now).unwrap())
        };
        let (span1, b1) = at(200.0);
        let (span2, b2) = at(300.0);
        assert!(close(span1, 100.0) && close(span2, 200.0));
        assert!(close(b1.width, 50.0) && close(b2.width, 75.0));
        // The finished step shrinks in relative terms as the axis grows.
        let axis = Axis::new(Some(100.0), None, steps, 300.0).unwrap();
        assert!(close(
            axis.bar(Some(100.0), Some(150.0), None, 300.0)
                .unwrap()
                .width,
            25.0
        ));
    }

    #[test]
    fn odd_times_never_draw_outside() {
        // A step before the build start and after its end stretches the axis.
        let axis = Axis::new(Some(100.0), Some(200.0), [(Some(90.0), Some(210.0))], 0.0).unwrap();
        assert!(close(axis.start, 90.0) && close(axis.end, 210.0));
        // End before start, locks after end, zero-length build: all clamped.
        let b = axis
            .bar(Some(150.0), Some(140.0), Some(500.0), 0.0)
            .unwrap();
        assert!(b.left >= 0.0 && b.left + b.width <= 100.0 + 1e-9 && b.lock_wait <= b.width);
        assert!(close(b.width, MIN_WIDTH));
        let flat = Axis::new(Some(5.0), Some(5.0), [], 0.0).unwrap();
        let f = flat.bar(Some(5.0), Some(5.0), None, 0.0).unwrap();
        assert!(close(f.left, 0.0) && close(f.width, MIN_WIDTH));
        let at_end = axis.bar(Some(210.0), Some(210.0), None, 0.0).unwrap();
        assert!(close(at_end.left + at_end.width, 100.0));
        assert_eq!(Axis::new(None, None, [(None, None)], 0.0), None);
    }

    #[test]
    fn the_critical_path_is_the_chain_that_decided_the_length() {
        // a → b (long) → d; c runs beside b and ends early; e never started.
        let parts = [
            (Some(0.0), Some(10.0)),  // a
            (Some(10.5), Some(50.0)), // b
            (Some(11.0), Some(20.0)), // c
            (Some(50.0), Some(60.0)), // d
            (None, None),             // e
        ];
        assert_eq!(critical_path(&parts, 100.0), vec![0, 1, 3]);
        // A running last part ends at now; of two parts before it, the one that ended later
        // is what it waited on.
        let running = [
            (Some(0.0), Some(5.0)),
            (Some(0.0), Some(20.0)),
            (Some(21.0), None),
        ];
        assert_eq!(critical_path(&running, 40.0), vec![1, 2]);
        // Odd times never loop or panic: equal spans, end before start, NaN.
        let odd = [
            (Some(5.0), Some(5.0)),
            (Some(5.0), Some(5.0)),
            (Some(9.0), Some(1.0)),
            (Some(f64::NAN), Some(3.0)),
        ];
        let p = critical_path(&odd, 10.0);
        assert!(!p.is_empty() && p.len() <= 3, "{p:?}");
        assert_eq!(critical_path(&[], 0.0), Vec::<usize>::new());
    }

    #[test]
    fn non_finite_times_are_ignored_not_fatal() {
        // Found by `make fuzz` (buildbot_ws): a NaN start with a later lock time made
        // `clamp(0.0, NaN)` panic, which aborts the whole app in the release build.
        let nan = f64::NAN;
        let axis = Axis::new(Some(100.0), Some(200.0), [(Some(nan), Some(150.0))], 0.0).unwrap();
        assert!(close(axis.start, 100.0) && close(axis.end, 200.0));
        assert_eq!(axis.bar(Some(nan), Some(150.0), Some(120.0), 0.0), None);
        let b = axis
            .bar(Some(110.0), Some(f64::INFINITY), Some(nan), 150.0)
            .unwrap();
        assert!(close(b.left, 10.0) && close(b.width, 40.0) && close(b.lock_wait, 0.0));
        assert_eq!(Axis::new(Some(nan), None, [], 0.0), None);
    }
}
