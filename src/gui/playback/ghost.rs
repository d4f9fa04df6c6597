//! The previous run of the same preset, kept as a faint ghost behind the new
//! one on the same time axis: its worker lanes show faintly where the new
//! run leaves room, and a dashed line marks where it ended. A lecturer turns
//! a knob, runs again, and sees at once whether the run got shorter. This
//! is the state; its checkbox sits in the replay's bar (`bar.rs`).

use crate::gui::run_state::RunData;
use crate::model::Scenario;

/// The run before the current one, when it is worth showing.
#[derive(Clone, Debug)]
pub struct Ghost {
    previous: Option<RunData>,
    /// Whether the ghost is drawn.
    pub show: bool,
}

impl Default for Ghost {
    fn default() -> Self {
        Self {
            previous: None,
            show: true,
        }
    }
}

impl Ghost {
    /// A new run of `next` starts after `last`: keep `last` as the ghost if it
    /// finished well and ran the same preset; a run that was stopped or
    /// failed leaves the older ghost in place; another preset drops it.
    pub fn after_rerun(&mut self, last: Option<RunData>, next: &Scenario) {
        if let Some(last) = last.filter(|d| d.summary().is_some_and(|s| !s.stopped)) {
            self.previous = Some(last);
        }
        if self
            .previous
            .as_ref()
            .is_some_and(|p| p.scenario.name != next.name)
        {
            self.previous = None;
        }
    }

    /// Forgets the previous run (a reset, another preset).
    pub fn clear(&mut self) {
        self.previous = None;
    }

    /// Shows or hides the ghost.
    pub fn toggle(&mut self) {
        self.show = !self.show;
    }

    /// The previous run to draw behind `current`, if there is one for the
    /// same preset.
    pub fn previous_for(&self, current: &RunData) -> Option<&RunData> {
        self.previous
            .as_ref()
            .filter(|p| p.scenario.name == current.scenario.name)
    }

    /// The previous run to draw behind `current`, when the ghost is on.
    pub fn shown_for(&self, current: &RunData) -> Option<&RunData> {
        self.previous_for(current).filter(|_| self.show)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RunMessage, RunSummary};

    fn finished(name: &str, stopped: bool) -> RunData {
        let mut d = RunData::new(Scenario {
            name: name.to_owned(),
            ..Scenario::default()
        });
        d.apply(RunMessage::Finished(Box::new(Ok(RunSummary {
            wall_ms: 412.0,
            stopped,
            ..RunSummary::default()
        }))));
        d
    }

    #[test]
    fn keeps_the_last_good_run_of_the_same_preset() {
        let mut g = Ghost::default();
        let next = finished("race", false);
        g.after_rerun(Some(finished("race", false)), &next.scenario);
        assert!(g.shown_for(&next).is_some());
        assert_eq!(g.shown_for(&next).map(RunData::end_ns), Some(412_000_000));
        // A stopped run leaves the older ghost.
        g.after_rerun(Some(finished("race", true)), &next.scenario);
        assert!(g.previous_for(&next).is_some());
        g.toggle();
        assert!(g.shown_for(&next).is_none() && g.previous_for(&next).is_some());
        // Another preset drops it.
        let other = finished("queue", false);
        g.after_rerun(None, &other.scenario);
        assert!(g.previous_for(&next).is_none());
    }
}
