//! The life of one control action (rebuild, stop, ...) as the user drives it, for every
//! system: asked, confirmed, sent once, answered. No I/O: the web crate sends the request
//! when [`Flow::confirm`] says so and feeds the answer back with [`Flow::answered`].
//!
//! Why a state machine and not a disabled button: a double click delivers two clicks before
//! the first one's re-render disables anything, and a keyboard user can press Enter twice.
//! Only the transition Confirming → Sending sends, and it happens once per confirmation.

/// Where one action is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase<A, E> {
    /// Nothing asked (or the user cancelled).
    Idle,
    /// The confirmation is on screen.
    Confirming,
    /// The request left; its answer has not come.
    Sending,
    /// The server accepted it, with what it answered.
    Done(A),
    /// The server (or the network) refused it.
    Failed(E),
}

/// One action's flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow<A, E> {
    pub phase: Phase<A, E>,
}

impl<A, E> Default for Flow<A, E> {
    fn default() -> Self {
        Flow { phase: Phase::Idle }
    }
}

impl<A, E> Flow<A, E> {
    /// The user asked for the action: show the confirmation (again after an answer, so a
    /// failed stop can be retried). Ignored while a request is out.
    pub fn ask(&mut self) -> bool {
        if matches!(self.phase, Phase::Sending | Phase::Confirming) {
            return false;
        }
        self.phase = Phase::Confirming;
        true
    }

    /// The user closed the confirmation without confirming.
    pub fn cancel(&mut self) {
        if self.is_confirming() {
            self.phase = Phase::Idle;
        }
    }

    /// The user confirmed: `true` exactly when the caller must send the request now. A second
    /// confirmation (double click, Enter held) while the first is out returns `false`.
    pub fn confirm(&mut self) -> bool {
        if !self.is_confirming() {
            return false;
        }
        self.phase = Phase::Sending;
        true
    }

    /// The answer of the request [`Flow::confirm`] asked for. An answer nobody waits for
    /// (the flow was reset meanwhile) is dropped.
    pub fn answered(&mut self, answer: Result<A, E>) {
        if !self.is_sending() {
            return;
        }
        self.phase = match answer {
            Ok(a) => Phase::Done(a),
            Err(e) => Phase::Failed(e),
        };
    }

    pub fn is_sending(&self) -> bool {
        matches!(self.phase, Phase::Sending)
    }

    pub fn is_confirming(&self) -> bool {
        matches!(self.phase, Phase::Confirming)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type F = Flow<u32, String>;

    #[test]
    fn one_confirmation_sends_once() {
        let mut f = F::default();
        assert!(!f.confirm(), "nothing to confirm before asking");
        assert!(f.ask());
        assert!(f.confirm());
        // the second click of a double click, Enter pressed again
        assert!(!f.confirm());
        assert!(!f.ask(), "no new confirmation while the request is out");
        assert!(f.is_sending());
        f.answered(Ok(7));
        assert!(matches!(f.phase, Phase::Done(7)));
        assert!(!f.confirm(), "an answer does not re-arm the confirmation");
    }

    #[test]
    fn cancel_sends_nothing_and_failures_can_be_retried() {
        let mut f = F::default();
        f.ask();
        f.cancel();
        assert!(matches!(f.phase, Phase::Idle));
        assert!(!f.confirm());
        f.ask();
        assert!(f.confirm());
        f.answered(Err("HTTP 403".into()));
        assert!(matches!(&f.phase, Phase::Failed(e) if e == "HTTP 403"));
        assert!(f.ask(), "a failed action can be asked again");
        assert!(f.confirm());
    }

    #[test]
    fn answers_nobody_waits_for_are_dropped() {
        let mut f = F::default();
        f.answered(Ok(1));
        assert!(matches!(f.phase, Phase::Idle));
        f.ask();
        f.answered(Ok(1));
        assert!(
            f.is_confirming(),
            "an answer before sending is not this flow's"
        );
    }
}
