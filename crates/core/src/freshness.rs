//! Which of two answers about the same build is the newer one.
//!
//! Build systems only move things forward: pending → running → finished, and a log only grows.
//! An answer that moves something back is therefore older than what is already on screen: a
//! lagging replica or cache behind a load balancer, or a response overtaken in transit. Views
//! keep what they show when such an answer arrives; the next poll or event brings the truth.
//! Equal progress takes the new answer, so ordinary updates (a new state string) still show.

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
    new.into_iter()
        .map(|n| {
            let k = key(&n);
            match old.iter().find(|o| key(o) == k) {
                Some(o) if progress(&n) < progress(o) => o.clone(),
                _ => n,
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
}
