//! The one lane every log engine of the app shares: at most one `contents` request in flight
//! at a time, whichever page or engine sends it: storms of log requests wedge a Buildbot
//! master (Buildbot #8306, `e2e/tests/storm.spec.mjs`). A page left while its request is on
//! the way keeps the lane until the answer lands, so the next page's first request never
//! overlaps it.

/// An engine's seat on the lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LaneId(u64);

/// Who holds the lane and who waits for it. Plain data: the web keeps one in a thread-local
/// and wakes the engines named by `Command::Wake`.
#[derive(Debug, Default)]
pub struct Lane {
    seats: u64,
    holder: Option<LaneId>,
    waiting: Vec<LaneId>,
}

impl Lane {
    pub const fn new() -> Lane {
        Lane {
            seats: 0,
            holder: None,
            waiting: Vec::new(),
        }
    }

    /// A seat for a new engine.
    pub fn join(&mut self) -> LaneId {
        self.seats += 1;
        LaneId(self.seats)
    }

    /// Takes the lane for `who`, or queues `who` (once) to be woken when it frees.
    pub fn take(&mut self, who: LaneId) -> bool {
        if self.holder.is_none() {
            self.holder = Some(who);
            self.waiting.retain(|&w| w != who);
            return true;
        }
        if !self.waiting.contains(&who) {
            self.waiting.push(who);
        }
        false
    }

    /// Frees the lane if `who` holds it, returning who waited, in order: each is to be woken
    /// (the first to ask takes it, the others queue again).
    pub fn release(&mut self, who: LaneId) -> Vec<LaneId> {
        if self.holder != Some(who) {
            return Vec::new();
        }
        self.holder = None;
        std::mem::take(&mut self.waiting)
    }

    /// `who` stops waiting (its view closed). A lane it holds stays held until its answer
    /// lands and [`Lane::release`] frees it.
    pub fn leave(&mut self, who: LaneId) {
        self.waiting.retain(|&w| w != who);
    }

    pub fn holder(&self) -> Option<LaneId> {
        self.holder
    }
}
