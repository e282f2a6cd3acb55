//! Which of two answers about the same build is the newer one.
//!
//! Build systems only move things forward: pending → running → finished, and a log only grows.
//! An answer that moves something back is therefore older than what is already on screen: a
//! lagging replica or cache behind a load balancer, or a response overtaken in transit. Views
//! keep what they show when such an answer arrives; the next poll or event brings the truth.
//! Equal progress takes the new answer, so ordinary updates (a new state string) still show.

use crate::buildbot::{Build, Log, Step};
use crate::status::Status;

/// How far a thing has got: 0 not started, 1 running, 2 finished. An unknown status could be
/// anything, so it ranks as running: never "behind" a running answer, always behind a finished one.
pub fn rank(s: &Status) -> u8 {
    match s {
        Status::Pending | Status::Queued => 0,
        Status::Running | Status::Unknown(_) => 1,
        _ => 2,
    }
}

/// Progress of a build: its own rank first, then the sum of its parts' ranks (steps, stages,
/// phases), then an amount that only grows (log lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Progress {
    pub whole: u8,
    pub parts: u64,
    pub amount: u64,
}

impl Progress {
    pub fn of<'a>(
        whole: &Status,
        parts: impl IntoIterator<Item = &'a Status>,
        amount: u64,
    ) -> Self {
        Progress {
            whole: rank(whole),
            parts: parts.into_iter().map(|s| u64::from(rank(s))).sum(),
            amount,
        }
    }
}

/// `new`, unless it is behind `old`: then `old` stays.
pub fn keep_newer<T: Clone>(old: &T, new: T, progress: impl Fn(&T) -> Progress) -> T {
    if progress(&new) < progress(old) {
        old.clone()
    } else {
        new
    }
}

/// For lists: each item of `new` that is behind the same item (same key) in `old` is replaced
/// by the old one. Items only in `new` are taken as they are; the list's order is `new`'s.
pub fn merge_items<T: Clone, K: PartialEq>(
    old: &[T],
    new: Vec<T>,
    key: impl Fn(&T) -> K,
    progress: impl Fn(&T) -> Progress,
) -> Vec<T> {
    merge_groups(old, new, key, |o, n| keep_newer(o, n, &progress))
}

/// A Buildbot build page's progress: the build, then its steps, then its logs' lengths.
pub fn build_page_progress(build: &Build, steps: &[Step], logs: &[Log]) -> Progress {
    let steps: Vec<Status> = steps.iter().map(Step::status).collect();
    Progress::of(&build.status(), &steps, log_lines(logs))
}

/// A step's log page: the step first, then the build around it (the header shows its
/// status), then the log lines.
pub fn step_page_progress(step: &Step, build: &Build, logs: &[Log]) -> Progress {
    Progress {
        whole: rank(&step.status()),
        parts: rank(&build.status()).into(),
        amount: log_lines(logs),
    }
}

fn log_lines(logs: &[Log]) -> u64 {
    logs.iter().map(|l| l.num_lines).sum()
}

/// Builds listed by id: each build that is behind the one on screen keeps the one on screen.
pub fn fresher_builds(shown: &[Build], new: Vec<Build>) -> Vec<Build> {
    merge_items(
        shown,
        new,
        |b| b.buildid,
        |b| Progress::of(&b.status(), [], 0),
    )
}

/// For lists of groups (the overview's builders, each with its builds): each group of `new`
/// that is on screen too (same key) becomes `merge(shown group, new group)`; new groups are
/// taken as they are, in `new`'s order.
pub fn merge_groups<T, K: PartialEq>(
    shown: &[T],
    new: Vec<T>,
    key: impl Fn(&T) -> K,
    merge: impl Fn(&T, T) -> T,
) -> Vec<T> {
    new.into_iter()
        .map(|n| {
            let k = key(&n);
            match shown.iter().find(|o| key(o) == k) {
                Some(o) => merge(o, n),
                None => n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct B {
        id: u32,
        status: Status,
        steps: Vec<Status>,
        lines: u64,
    }

    fn p(b: &B) -> Progress {
        Progress::of(&b.status, &b.steps, b.lines)
    }

    fn b(id: u32, status: Status, steps: &[Status], lines: u64) -> B {
        B {
            id,
            status,
            steps: steps.to_vec(),
            lines,
        }
    }

    #[test]
    fn a_finished_build_is_not_replaced_by_an_answer_that_says_running() {
        let done = b(1, Status::Success, &[Status::Success, Status::Success], 40);
        let stale = b(1, Status::Running, &[Status::Success, Status::Running], 20);
        assert_eq!(keep_newer(&done, stale, p), done);
    }

    #[test]
    fn forward_and_equal_progress_take_the_new_answer() {
        let running = b(1, Status::Running, &[Status::Running, Status::Pending], 5);
        let later = b(1, Status::Running, &[Status::Success, Status::Running], 9);
        assert_eq!(keep_newer(&running, later.clone(), p), later);
        // Same progress, different content (e.g. a new state string): the new answer shows.
        let mut same = later.clone();
        same.id = 7;
        assert_eq!(keep_newer(&later, same.clone(), p), same);
        // A failed build is as finished as a successful one.
        let failed = b(1, Status::Failure, &[Status::Success, Status::Failure], 9);
        assert_eq!(keep_newer(&later, failed.clone(), p), failed);
    }

    #[test]
    fn a_shorter_log_with_the_same_states_is_older() {
        let long = b(1, Status::Running, &[Status::Running], 1_000);
        let short = b(1, Status::Running, &[Status::Running], 400);
        assert_eq!(keep_newer(&long, short, p), long);
    }

    #[test]
    fn unknown_status_is_never_behind_running_but_behind_finished() {
        let unknown = Status::Unknown("weird".into());
        assert!(rank(&unknown) == rank(&Status::Running));
        assert!(rank(&unknown) < rank(&Status::Cancelled));
        assert!(rank(&Status::Queued) < rank(&unknown));
    }

    #[test]
    fn lists_merge_item_by_item() {
        let old = vec![b(3, Status::Success, &[], 0), b(2, Status::Failure, &[], 0)];
        // A stale list: build 3 still running; build 4 is new; build 2 unchanged.
        let new = vec![
            b(4, Status::Running, &[], 0),
            b(3, Status::Running, &[], 0),
            b(2, Status::Failure, &[], 0),
        ];
        let merged = merge_items(&old, new, |x| x.id, p);
        let got: Vec<(u32, Status)> = merged.into_iter().map(|x| (x.id, x.status)).collect();
        assert_eq!(
            got,
            vec![
                (4, Status::Running),
                (3, Status::Success),
                (2, Status::Failure)
            ]
        );
    }

    mod buildbot_pages {
        use super::super::*;
        use crate::buildbot::{decode_build, decode_logs, decode_steps};
        use crate::testdata::buildbot as fixture;

        /// A running build with its running steps and their logs, as the master sent them.
        fn running() -> (Build, Vec<Step>, Vec<Log>) {
            let build = decode_build(&fixture("build-in-progress-long-running")).unwrap();
            let steps = decode_steps(&fixture("build-in-progress-long-running-steps")).unwrap();
            let logs = decode_logs(&fixture("step-in-progress-logs")).unwrap();
            assert!(build.status().is_active() && !steps.is_empty() && !logs.is_empty());
            (build, steps, logs)
        }

        /// The step still running.
        fn active(steps: &[Step]) -> usize {
            steps.iter().position(|s| s.status().is_active()).unwrap()
        }

        fn finish(b: &mut Build) {
            b.complete = true;
            b.results = Some(0);
        }

        #[test]
        fn a_build_page_never_goes_back_to_running() {
            let (build, steps, logs) = running();
            let mut done = build.clone();
            finish(&mut done);
            let before = build_page_progress(&build, &steps, &logs);
            assert!(build_page_progress(&done, &steps, &logs) > before);
            // The build still running, but a step further on: newer.
            let mut step_done = steps.clone();
            let i = active(&steps);
            step_done[i].complete = true;
            step_done[i].results = Some(0);
            assert!(build_page_progress(&build, &step_done, &logs) > before);
        }

        #[test]
        fn a_shorter_log_is_an_older_answer_on_both_pages() {
            let (build, steps, logs) = running();
            let mut shorter = logs.clone();
            shorter[0].num_lines = shorter[0].num_lines.saturating_sub(1);
            assert!(logs[0].num_lines > 0);
            assert!(
                build_page_progress(&build, &steps, &shorter)
                    < build_page_progress(&build, &steps, &logs)
            );
            let step = &steps[0];
            assert!(
                step_page_progress(step, &build, &shorter)
                    < step_page_progress(step, &build, &logs)
            );
        }

        #[test]
        fn on_a_log_page_the_step_counts_before_the_build_and_the_lines() {
            let (build, steps, logs) = running();
            let running_step = &steps[active(&steps)];
            let mut step = running_step.clone();
            step.complete = true;
            step.results = Some(2);
            let mut done = build.clone();
            finish(&mut done);
            // The step finished, even with fewer lines and the build still running, is newer
            // than the running step of a finished build.
            let fewer: Vec<Log> = Vec::new();
            assert!(
                step_page_progress(&step, &build, &fewer)
                    > step_page_progress(running_step, &done, &logs)
            );
        }

        #[test]
        fn a_lagging_builds_list_keeps_each_finished_build() {
            let (build, _, _) = running();
            let mut done = build.clone();
            finish(&mut done);
            let mut other = build.clone();
            other.buildid += 100;
            let merged = fresher_builds(&[done.clone()], vec![other.clone(), build.clone()]);
            assert_eq!(merged, vec![other, done]);
        }

        #[test]
        fn groups_merge_only_with_the_same_group_on_screen() {
            // (builder id, its builds): builder 1 is on screen finished, builder 2 is new.
            let (build, _, _) = running();
            let mut done = build.clone();
            finish(&mut done);
            let shown = vec![(1, vec![done.clone()])];
            let new = vec![(2, vec![build.clone()]), (1, vec![build.clone()])];
            let merged = merge_groups(
                &shown,
                new,
                |g| g.0,
                |o, (id, builds)| (id, fresher_builds(&o.1, builds)),
            );
            assert_eq!(merged, vec![(2, vec![build]), (1, vec![done])]);
        }
    }
}
