//! Which log lines to fetch next, and the cache they land in (pure, no DOM).
//!
//! The viewer never downloads a log to display it: it asks for `contents?offset&limit` windows
//! around what is on screen. This module decides those windows, in the spirit of Buildbot's
//! `LogTextManager.ts` (its constants are the defaults here) but with the planning kept apart
//! from rendering so it can be tested natively:
//!
//! * [`LineCache`] holds sorted, non-overlapping runs of consecutive lines. Inserting a window
//!   next to (or over) a run merges them; [`LineCache::retain_near`] drops lines far from the
//!   viewport, so memory is bounded by the keep distance, not by the log size.
//! * [`plan`] looks at the rows on screen, what is cached and what is in flight, and returns one
//!   [`Decision`]: nothing, keep waiting, start a request, or: the one in flight went stale,
//!   this is what to send once it lands (a stale request is let finish, never aborted: see
//!   `log::engine`). There is never more than one request in flight; the view always wins
//!   over a background scan (search, errors, groups), which only runs when the view is covered.
//!
//! Unlike Buildbot's viewer, a gap is never a fatal error (a window that lands away from the
//! cached runs becomes a run of its own) and search does not pull the whole log into memory:
//! scanning consumes windows and keeps only what it found (see `log::scan.rs`).

use std::ops::Range;

/// Tuning of the planner. Defaults are Buildbot's, which its users have lived with for years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanConfig {
    /// Start fetching when fewer cached lines than this remain beyond the visible rows.
    pub initiate_overscan: u64,
    /// When fetching, ask for this many lines beyond the visible rows.
    pub fetch_overscan: u64,
    /// The most lines one request asks for.
    pub max_request: u64,
    /// Lines further than this from the visible rows are dropped from the cache.
    pub keep_distance: u64,
    /// Lines at the end of a log asked for once the first screen is covered (a log whose
    /// length is known up front: Buildbot), and kept cached wherever the view is, so End,
    /// `G` and a permalink near the end paint at once.
    pub tail: u64,
}

impl Default for PlanConfig {
    fn default() -> Self {
        PlanConfig {
            initiate_overscan: 200,
            fetch_overscan: 500,
            max_request: 5000,
            // Buildbot keeps ±10 000; ±3 000 lines (≈ 150 screens of overscan each way) keeps
            // memory flat at under a megabyte of lines while scrolling back stays instant.
            keep_distance: 3_000,
            // A screen and a half of a tall window: a few KB.
            tail: 100,
        }
    }
}

impl PlanConfig {
    /// The most lines the cache can hold after [`LineCache::retain_near`] with a view of
    /// `visible` lines: what "bounded" means for this configuration.
    pub fn cache_bound(&self, visible: u64) -> u64 {
        visible + 2 * self.keep_distance + self.tail
    }
}

/// Why a request was made: for the view (urgent), for the log's last lines once the view is
/// covered ([`PlanConfig::tail`]), for a background scan of the whole log, or for the line
/// source itself (a byte-addressed source counting lines, reading the tail or following a
/// running log: `LineSource::background`), which only goes when nothing else is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    View,
    Tail,
    Scan,
    Background,
}

/// One `contents?offset&limit` request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub offset: u64,
    pub limit: u64,
    pub purpose: Purpose,
}

impl Request {
    /// The request for `lines` (not empty).
    pub fn of(lines: Range<u64>, purpose: Purpose) -> Request {
        Request {
            offset: lines.start,
            limit: lines.end - lines.start,
            purpose,
        }
    }

    pub fn lines(&self) -> Range<u64> {
        self.offset..self.offset + self.limit
    }
}

/// What the viewer should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing needed and nothing in flight.
    Idle,
    /// The request in flight is still useful: let it land.
    Wait,
    /// Send this request (nothing is in flight).
    Start(Request),
    /// The request in flight no longer helps the view: this one is needed instead, to be
    /// sent when the stale one lands (`log::engine` lets it finish rather than hang up on the
    /// server).
    Replace(Request),
}

/// Runs of consecutive cached lines, sorted by first line, never overlapping or touching.
#[derive(Debug, Clone)]
pub struct LineCache<T> {
    runs: Vec<Run<T>>,
}

#[derive(Debug, Clone)]
struct Run<T> {
    start: u64,
    lines: Vec<T>,
}

impl<T> Run<T> {
    fn end(&self) -> u64 {
        self.start + self.lines.len() as u64
    }
}

impl<T> Default for LineCache<T> {
    fn default() -> Self {
        LineCache { runs: Vec::new() }
    }
}

impl<T> LineCache<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Lines held.
    pub fn len(&self) -> u64 {
        self.runs.iter().map(|r| r.lines.len() as u64).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The cached ranges, in order (for tests and diagnostics).
    pub fn ranges(&self) -> Vec<Range<u64>> {
        self.runs.iter().map(|r| r.start..r.end()).collect()
    }

    /// Index of the run containing `line`, if any.
    fn run_of(&self, line: u64) -> Option<usize> {
        let i = self.runs.partition_point(|r| r.end() <= line);
        (i < self.runs.len() && self.runs[i].start <= line).then_some(i)
    }

    pub fn get(&self, line: u64) -> Option<&T> {
        let run = &self.runs[self.run_of(line)?];
        run.lines.get((line - run.start) as usize)
    }

    pub fn get_mut(&mut self, line: u64) -> Option<&mut T> {
        let i = self.run_of(line)?;
        let run = &mut self.runs[i];
        run.lines.get_mut((line - run.start) as usize)
    }

    pub fn contains(&self, line: u64) -> bool {
        self.run_of(line).is_some()
    }

    /// The consecutive cached lines starting at `from` (empty if `from` is not cached).
    pub fn run_from(&self, from: u64) -> &[T] {
        match self.run_of(from) {
            Some(i) => &self.runs[i].lines[(from - self.runs[i].start) as usize..],
            None => &[],
        }
    }

    /// The parts of `want` that are not cached, in order.
    pub fn gaps(&self, want: Range<u64>) -> Vec<Range<u64>> {
        let mut out = Vec::new();
        let mut at = want.start;
        let first = self.runs.partition_point(|r| r.end() <= want.start);
        for run in &self.runs[first..] {
            if run.start >= want.end {
                break;
            }
            if run.start > at {
                out.push(at..run.start);
            }
            at = at.max(run.end());
        }
        if at < want.end {
            out.push(at..want.end);
        }
        out
    }

    /// Stores `lines` as lines `start..`, replacing what was cached there and merging with
    /// touching runs.
    pub fn insert(&mut self, start: u64, lines: Vec<T>) {
        if lines.is_empty() {
            return;
        }
        let end = start + lines.len() as u64;
        // Runs that overlap or touch [start, end) are merged into one.
        let lo = self.runs.partition_point(|r| r.end() < start);
        let hi = self.runs.partition_point(|r| r.start <= end);
        let mut merged: Vec<T> = Vec::new();
        let mut merged_start = start;
        let mut tail: Vec<T> = Vec::new();
        for run in self.runs.drain(lo..hi) {
            let (run_start, run_end) = (run.start, run.end());
            let mut lines = run.lines;
            // Only the first run can start before the window and only the last can end
            // after it (they may be the same run, split around the window).
            if run_end > end {
                tail = lines.split_off((end.max(run_start) - run_start) as usize);
            }
            if run_start < start {
                merged_start = run_start;
                lines.truncate((start - run_start) as usize);
                merged = lines;
            }
        }
        merged.extend(lines);
        merged.extend(tail);
        self.runs.insert(
            lo,
            Run {
                start: merged_start,
                lines: merged,
            },
        );
    }

    /// Moves every line at or after `at` down by `by` (lines were inserted before them),
    /// splitting a run that straddles `at`.
    pub fn shift_from(&mut self, at: u64, by: u64) {
        if by == 0 {
            return;
        }
        if let Some(i) = self.run_of(at).filter(|&i| self.runs[i].start < at) {
            let split = (at - self.runs[i].start) as usize;
            let tail = self.runs[i].lines.split_off(split);
            self.runs.insert(
                i + 1,
                Run {
                    start: at,
                    lines: tail,
                },
            );
        }
        for run in self.runs.iter_mut().filter(|r| r.start >= at) {
            run.start = run.start.saturating_add(by);
        }
    }

    /// Drops every line outside `keep`.
    pub fn retain_near(&mut self, keep: Range<u64>) {
        self.retain_within(&[keep]);
    }

    /// Drops every line outside all of `keep` (ranges in any order, may overlap).
    pub fn retain_within(&mut self, keep: &[Range<u64>]) {
        let mut keep: Vec<Range<u64>> = keep.iter().filter(|r| r.start < r.end).cloned().collect();
        keep.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<u64>> = Vec::with_capacity(keep.len());
        for r in keep {
            match merged.last_mut() {
                Some(m) if r.start <= m.end => m.end = m.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let mut kept = Vec::with_capacity(self.runs.len());
        for mut run in self.runs.drain(..) {
            // The pieces of the run inside each kept range, last piece first so the earlier
            // ones can be split off the front.
            let mut pieces = Vec::new();
            for k in merged.iter().rev() {
                let (from, to) = (run.start.max(k.start), run.end().min(k.end));
                if from >= to {
                    continue;
                }
                let mut piece = run.lines.split_off((from - run.start) as usize);
                piece.truncate((to - from) as usize);
                pieces.push(Run {
                    start: from,
                    lines: piece,
                });
            }
            kept.extend(pieces.into_iter().rev());
        }
        self.runs = kept;
    }
}

/// `r` widened by `by` on both sides, clipped to `[0, total)`.
fn widen(r: &Range<u64>, by: u64, total: u64) -> Range<u64> {
    r.start.saturating_sub(by).min(total)..r.end.saturating_add(by).min(total)
}

fn overlaps(a: &Range<u64>, b: &Range<u64>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The range of lines to keep cached for a view (see [`LineCache::retain_near`]).
pub fn keep_range(view: &[Range<u64>], total: u64, cfg: &PlanConfig) -> Range<u64> {
    match (view.first(), view.last()) {
        (Some(first), Some(last)) => widen(&(first.start..last.end), cfg.keep_distance, total),
        _ => 0..0,
    }
}

/// Decides the next request.
///
/// * `view`: the line ranges on screen, sorted (several when collapsed groups sit between
///   visible lines; one otherwise). Lines at or past `total` are ignored.
/// * `total`: the log's `num_lines` as last known.
/// * `cached`: whether a line is cached (usually [`LineCache::gaps`]).
/// * `in_flight`: the request sent and not answered yet.
/// * `scan_from`: the next line a background scan needs, if one is running and that line is
///   not cached (the caller feeds cached lines to the scan itself).
pub fn plan<T>(
    view: &[Range<u64>],
    total: u64,
    cache: &LineCache<T>,
    in_flight: Option<Request>,
    scan_from: Option<u64>,
    cfg: &PlanConfig,
) -> Decision {
    let view: Vec<Range<u64>> = view
        .iter()
        .map(|r| r.start.min(total)..r.end.min(total))
        .filter(|r| r.start < r.end)
        .collect();
    if let (Some(first), Some(last)) = (view.first(), view.last()) {
        let span = first.start..last.end;
        // Lines that must be cached for the view to be considered covered.
        let mut initiate: Vec<Range<u64>> = view.clone();
        initiate[0].start = widen(first, cfg.initiate_overscan, total).start;
        let n = initiate.len();
        initiate[n - 1].end = widen(last, cfg.initiate_overscan, total).end;
        let missing = initiate.iter().any(|r| !cache.gaps(r.clone()).is_empty());
        if missing {
            if let Some(req) = in_flight {
                // A view request that still lands on what is needed is kept (replacing it would
                // only restart the same work); anything else is stale.
                if req.purpose == Purpose::View
                    && initiate.iter().any(|r| overlaps(&req.lines(), r))
                {
                    return Decision::Wait;
                }
            }
            let want = view_request(&view, &span, total, cache, cfg);
            return match in_flight {
                Some(_) => Decision::Replace(want),
                None => Decision::Start(want),
            };
        }
    }
    if in_flight.is_some() {
        // The view is covered: a view request still in flight only adds overscan, and a scan
        // request is exactly what would be started next. Either way, let it land.
        return Decision::Wait;
    }
    match scan_from {
        Some(from) if from < total => {
            let end = total.min(from + cfg.max_request);
            // Stop at the next cached line: the caller feeds cached lines to the scan itself.
            let end = cache.gaps(from..end).first().map_or(end, |g| {
                if g.start == from {
                    g.end
                } else {
                    from
                }
            });
            if end > from {
                Decision::Start(Request {
                    offset: from,
                    limit: end - from,
                    purpose: Purpose::Scan,
                })
            } else {
                Decision::Idle
            }
        }
        _ => Decision::Idle,
    }
}

/// The view request: the first missing stretch, visible lines first (top to bottom), then the
/// overscan below (readers scroll down more than up), then above; clipped to `max_request`
/// lines, taking the part nearest to the visible rows.
fn view_request<T>(
    view: &[Range<u64>],
    span: &Range<u64>,
    total: u64,
    cache: &LineCache<T>,
    cfg: &PlanConfig,
) -> Request {
    let wide = widen(span, cfg.fetch_overscan, total);
    let visible_gap = view
        .iter()
        .find_map(|r| cache.gaps(r.clone()).into_iter().next());
    let below = || cache.gaps(span.end..wide.end).into_iter().next();
    let above = || cache.gaps(wide.start..span.start).into_iter().last();
    let (gap, from_top) = match visible_gap {
        Some(g) => (g, true),
        None => match below() {
            Some(g) => (g, true),
            None => (above().unwrap_or(span.clone()), false),
        },
    };
    // Extend a visible gap into the overscan after it when that is missing too, so scrolling
    // on does not immediately need another request.
    let gap = if from_top {
        let more = cache
            .gaps(gap.end..wide.end.max(gap.end))
            .into_iter()
            .next()
            .filter(|g| g.start == gap.end);
        gap.start..more.map_or(gap.end, |g| g.end)
    } else {
        gap
    };
    let limit = (gap.end - gap.start).min(cfg.max_request).max(1);
    let offset = if from_top { gap.start } else { gap.end - limit };
    Request {
        offset,
        limit,
        purpose: Purpose::View,
    }
}

#[cfg(test)]
// Views are slices of ranges; a one-range view is the common case, not a mistake.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn cache_with(ranges: &[Range<u64>]) -> LineCache<u64> {
        let mut c = LineCache::new();
        for r in ranges {
            c.insert(r.start, r.clone().collect());
        }
        c
    }

    #[test]
    fn shifting_moves_the_lines_after_a_point_and_splits_the_run_across_it() {
        let mut c = cache_with(&[0..10, 20..30]);
        c.shift_from(5, 100);
        assert_eq!(c.ranges(), vec![0..5, 105..110, 120..130]);
        assert_eq!(
            (c.get(4), c.get(5), c.get(105), c.get(129)),
            (Some(&4), None, Some(&5), Some(&29))
        );
        // At a run's start: nothing to split; past everything: nothing moves; by 0: no-op.
        c.shift_from(105, 1);
        assert_eq!(c.ranges(), vec![0..5, 106..111, 121..131]);
        c.shift_from(1_000, 7);
        c.shift_from(0, 0);
        assert_eq!(c.ranges(), vec![0..5, 106..111, 121..131]);
        // The gap left is filled by an insert that merges again.
        c.insert(5, (5..106).collect());
        assert_eq!(c.ranges(), vec![0..111, 121..131]);
    }

    #[test]
    fn insert_merges_touching_and_overlapping_runs() {
        let mut c = cache_with(&[0..10, 20..30]);
        assert_eq!(c.ranges(), vec![0..10, 20..30]);
        c.insert(10, (10..20).collect());
        assert_eq!(c.ranges(), vec![0..30]);
        c.insert(25, (25..40).collect());
        assert_eq!(c.ranges(), vec![0..40]);
        for n in 0..40 {
            assert_eq!(c.get(n), Some(&n));
        }
        assert_eq!(c.get(40), None);
        // Overwriting the middle keeps both sides.
        c.insert(5, vec![500, 600]);
        assert_eq!(c.ranges(), vec![0..40]);
        assert_eq!(
            (c.get(4), c.get(5), c.get(6), c.get(7)),
            (Some(&4), Some(&500), Some(&600), Some(&7))
        );
        // A window far away is a run of its own.
        c.insert(1000, vec![1, 2]);
        assert_eq!(c.ranges(), vec![0..40, 1000..1002]);
        // One window covering several runs swallows them.
        c.insert(0, (0..2000).collect());
        assert_eq!(c.ranges(), vec![0..2000]);
        assert_eq!(c.len(), 2000);
    }

    #[test]
    fn gaps_and_runs() {
        let c = cache_with(&[10..20, 30..40]);
        assert_eq!(c.gaps(0..50), vec![0..10, 20..30, 40..50]);
        assert_eq!(c.gaps(12..18), Vec::<Range<u64>>::new());
        assert_eq!(c.gaps(15..35), vec![20..30]);
        assert_eq!(c.run_from(15), &[15, 16, 17, 18, 19]);
        assert!(c.run_from(25).is_empty());
    }

    #[test]
    fn retain_near_trims_runs() {
        let mut c = cache_with(&[0..100, 200..300, 400..500]);
        c.retain_near(50..250);
        assert_eq!(c.ranges(), vec![50..100, 200..250]);
        assert_eq!(c.get(50), Some(&50));
        assert_eq!(c.get(249), Some(&249));
    }

    #[test]
    fn retain_within_keeps_the_view_and_the_tail() {
        let mut c = cache_with(&[0..100, 200..300, 900..1000]);
        c.retain_within(&[950..1000, 50..250, 60..70, 5..5]);
        assert_eq!(c.ranges(), vec![50..100, 200..250, 950..1000]);
        assert_eq!(c.get(50), Some(&50));
        assert_eq!(c.get(999), Some(&999));
        // One run cut in two by two ranges with a hole between them.
        let mut c = cache_with(&[0..1000]);
        c.retain_within(&[10..20, 990..1000]);
        assert_eq!(c.ranges(), vec![10..20, 990..1000]);
        assert_eq!(c.get(995), Some(&995));
        c.retain_within(&[]);
        assert!(c.is_empty());
    }

    #[test]
    fn opening_a_log_asks_for_the_screen_and_the_overscan_below() {
        let c: LineCache<u64> = LineCache::new();
        let cfg = PlanConfig::default();
        let d = plan(&[0..40], 1_000_000, &c, None, None, &cfg);
        assert_eq!(
            d,
            Decision::Start(Request {
                offset: 0,
                limit: 540,
                purpose: Purpose::View
            })
        );
        // A short log: never past its end.
        let d = plan(&[0..40], 23, &c, None, None, &cfg);
        assert_eq!(
            d,
            Decision::Start(Request {
                offset: 0,
                limit: 23,
                purpose: Purpose::View
            })
        );
        // An empty log: nothing to fetch.
        assert_eq!(plan(&[0..40], 0, &c, None, None, &cfg), Decision::Idle);
    }

    #[test]
    fn a_permalink_in_the_middle_needs_one_request() {
        let c: LineCache<u64> = LineCache::new();
        let cfg = PlanConfig::default();
        let d = plan(&[149_980..150_020], 200_019, &c, None, None, &cfg);
        let Decision::Start(r) = d else {
            panic!("{d:?}")
        };
        assert!(
            r.lines().start <= 149_980 && r.lines().end >= 150_020,
            "{r:?}"
        );
        let mut c = c;
        c.insert(r.offset, (r.offset..r.offset + r.limit).collect());
        // The view is covered (initiate overscan included): nothing more.
        let d = plan(&[149_980..150_020], 200_019, &c, None, None, &cfg);
        assert!(matches!(d, Decision::Start(_) | Decision::Idle), "{d:?}");
        assert_eq!(c.gaps(149_780..150_220), vec![149_780..r.offset]);
    }

    #[test]
    fn the_end_of_a_log_is_fetched_backwards_from_the_end() {
        let c: LineCache<u64> = LineCache::new();
        let cfg = PlanConfig::default();
        let d = plan(&[999_960..1_000_000], 1_000_000, &c, None, None, &cfg);
        let Decision::Start(r) = d else {
            panic!("{d:?}")
        };
        assert_eq!(r.lines().end, 1_000_000);
        assert!(r.offset <= 999_960);
    }

    #[test]
    fn a_stale_request_is_replaced_and_a_useful_one_kept() {
        let c: LineCache<u64> = LineCache::new();
        let cfg = PlanConfig::default();
        let near = Request {
            offset: 0,
            limit: 540,
            purpose: Purpose::View,
        };
        assert_eq!(
            plan(&[10..50], 1_000_000, &c, Some(near), None, &cfg),
            Decision::Wait
        );
        let d = plan(&[500_000..500_040], 1_000_000, &c, Some(near), None, &cfg);
        let Decision::Replace(r) = d else {
            panic!("{d:?}")
        };
        assert!(r.lines().contains(&500_000));
        // A scan never delays the view.
        let scan = Request {
            offset: 500_000,
            limit: 5000,
            purpose: Purpose::Scan,
        };
        let d = plan(&[500_000..500_040], 1_000_000, &c, Some(scan), None, &cfg);
        assert!(matches!(
            d,
            Decision::Replace(Request {
                purpose: Purpose::View,
                ..
            })
        ));
    }

    #[test]
    fn scans_run_only_when_the_view_is_covered_and_skip_cached_lines() {
        let cfg = PlanConfig::default();
        let c = cache_with(&[0..1000]);
        let d = plan(&[0..40], 100_000, &c, None, Some(0), &cfg);
        // Line 0 is cached: the caller feeds cached lines to the scan, nothing to fetch yet.
        assert_eq!(d, Decision::Idle);
        let d = plan(&[0..40], 100_000, &c, None, Some(1000), &cfg);
        assert_eq!(
            d,
            Decision::Start(Request {
                offset: 1000,
                limit: 5000,
                purpose: Purpose::Scan
            })
        );
        let c2 = cache_with(&[0..1000, 3000..4000]);
        let d = plan(&[0..40], 100_000, &c2, None, Some(1000), &cfg);
        assert_eq!(
            d,
            Decision::Start(Request {
                offset: 1000,
                limit: 2000,
                purpose: Purpose::Scan
            })
        );
        assert_eq!(
            plan(&[0..40], 100_000, &c, None, Some(100_000), &cfg),
            Decision::Idle
        );
    }

    #[test]
    fn collapsed_groups_between_visible_lines_are_not_fetched() {
        let cfg = PlanConfig {
            initiate_overscan: 0,
            fetch_overscan: 0,
            ..PlanConfig::default()
        };
        let c = cache_with(&[0..20]);
        // Lines 0..20 then a collapsed 100k-line group, then 100_020..100_040.
        let d = plan(&[0..20, 100_020..100_040], 1_000_000, &c, None, None, &cfg);
        let Decision::Start(r) = d else {
            panic!("{d:?}")
        };
        assert_eq!(r.lines(), 100_020..100_040);
    }

    /// The properties issue 6 asks of the planner, over random scroll sessions: requests stay
    /// inside [0, total), at most one is in flight, the cache stays bounded, and the visible
    /// range is always covered after at most a few round trips once the user stops.
    #[test]
    fn random_sessions_keep_the_planner_invariants() {
        let cfg = PlanConfig::default();
        let mut rng = Rng(0x5eed_1095);
        for session in 0..200 {
            let total = match session % 4 {
                0 => rng.below(100),
                1 => rng.below(20_000),
                2 => 1_000_000,
                _ => 10_000_000,
            };
            let height = 1 + rng.below(80);
            let mut cache: LineCache<u64> = LineCache::new();
            let mut in_flight: Option<Request> = None;
            let mut top = 0u64;
            let mut requests = 0;
            for _ in 0..60 {
                // The user scrolls (a little or a lot), or does nothing.
                top = match rng.below(4) {
                    0 => top.saturating_add(rng.below(100)),
                    1 => rng.below(total),
                    2 => top.saturating_sub(rng.below(300)),
                    _ => top,
                }
                .min(total.saturating_sub(1));
                let view = [top..(top + height).min(total)];
                // Maybe the request in flight lands now.
                if let Some(r) = in_flight.filter(|_| rng.below(2) == 0) {
                    let end = r.lines().end.min(total);
                    cache.insert(r.offset, (r.offset..end).collect());
                    cache.retain_near(keep_range(&view, total, &cfg));
                    in_flight = None;
                }
                match plan(&view, total, &cache, in_flight, None, &cfg) {
                    Decision::Start(r) => {
                        assert!(in_flight.is_none(), "two requests in flight");
                        in_flight = Some(r);
                        requests += 1;
                    }
                    Decision::Replace(r) => {
                        assert!(in_flight.is_some());
                        in_flight = Some(r);
                        requests += 1;
                    }
                    Decision::Wait => assert!(in_flight.is_some()),
                    Decision::Idle => assert!(in_flight.is_none()),
                }
                if let Some(r) = in_flight {
                    assert!(r.limit >= 1 && r.limit <= cfg.max_request, "{r:?}");
                    assert!(r.lines().end <= total, "{r:?} past {total}");
                }
                assert!(cache.len() <= cfg.cache_bound(height) + cfg.max_request);
            }
            // The user stops: every answer lands; the view is covered within a few requests.
            let view = [top..(top + height).min(total)];
            let mut rounds = 0;
            loop {
                if let Some(r) = in_flight.take() {
                    let end = r.lines().end.min(total);
                    cache.insert(r.offset, (r.offset..end).collect());
                    cache.retain_near(keep_range(&view, total, &cfg));
                }
                match plan(&view, total, &cache, None, None, &cfg) {
                    Decision::Start(r) => in_flight = Some(r),
                    Decision::Idle => break,
                    d => panic!("{d:?} with nothing in flight"),
                }
                rounds += 1;
                assert!(
                    rounds <= 3,
                    "view {view:?} of {total} not covered after 3 requests"
                );
            }
            assert!(cache.gaps(view[0].clone()).is_empty());
            for n in view[0].clone() {
                assert_eq!(cache.get(n), Some(&n));
            }
            assert!(requests < 200);
        }
    }
}
