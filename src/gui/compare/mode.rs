//! The compare mode's state and all the window asks of it: start, stop and
//! poll the comparison, keep the one before as a ghost, and the shared time
//! axis of the stacked lanes. Running lives in `run.rs`, drawing in
//! `view.rs`, `bars.rs` and `summary.rs`; whether the mode is on screen is
//! the app's `Mode`.

use super::run::{Comparison, Ghost, Progress};
use crate::engine::compare::comparable;
use crate::gui::run_state::Reaper;
use crate::gui::timeline::TimeView;
use crate::model::Scenario;
use std::time::Duration;

/// Time each frame may spend taking in a comparison's events.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);
/// How many times longer than during a single run the window waits between
/// frames while a comparison runs: its runs are timed for their speedups,
/// and every frame drawn takes CPU time from them (a lot of it when the
/// window is drawn by the CPU), so the picture updates a few times a
/// second and no more.
pub const COMPARE_FRAME_FACTOR: u32 = 4;

/// Why a scenario cannot be compared, in words for the Compare button.
pub const NOT_COMPARABLE: &str = "Only the task experiments (cpu-bound, io-bound, gil-free) \
    can be compared: the others measure lost updates, queues or start-up costs, not speed.";

/// The compare mode's state: the comparison shown, the one before it (the
/// ghost), and the shared time axis.
#[derive(Debug)]
pub struct CompareMode {
    current: Option<Comparison>,
    ghost: Option<Ghost>,
    /// Draw the previous comparison's speedups behind the new ones.
    pub show_ghost: bool,
    /// The shared time axis of the stacked timelines.
    pub view: TimeView,
}

impl Default for CompareMode {
    fn default() -> Self {
        Self {
            current: None,
            ghost: None,
            show_ghost: true,
            view: TimeView::default(),
        }
    }
}

impl CompareMode {
    /// Starts comparing `s`'s work; the last finished comparison becomes
    /// the ghost. A scenario that cannot be
    /// compared is refused with the reason.
    pub fn start(&mut self, s: &Scenario, reaper: &mut Reaper) -> Result<(), String> {
        if !comparable(s) {
            return Err(NOT_COMPARABLE.to_owned());
        }
        self.cancel(reaper);
        if let Some(ghost) = self.current.as_ref().and_then(Ghost::of) {
            self.ghost = Some(ghost);
        }
        self.current = Some(Comparison::start(s, crate::sampling::core_count()));
        self.view.fit();
        Ok(())
    }

    /// Shows a comparison recorded elsewhere (tests, fixed pictures), with
    /// `ghost` behind it.
    pub fn show_recorded(&mut self, comparison: Comparison, ghost: Option<Ghost>) {
        self.current = Some(comparison);
        self.ghost = ghost;
    }

    /// Forgets the comparison on screen, finished or not (a finished one
    /// stays after [`CompareMode::cancel`]): a deck step must not take a
    /// comparison run before it for its own answer.
    pub fn forget(&mut self, reaper: &mut Reaper) {
        self.cancel(reaper);
        self.current = None;
    }

    /// Stops the comparison under way, if any; what it measured stays.
    pub fn cancel(&mut self, reaper: &mut Reaper) {
        if let Some(c) = &mut self.current {
            c.stop(reaper);
        }
    }

    /// Takes in what the run under way sent; starts the next one when it ended.
    pub fn poll(&mut self, reaper: &mut Reaper) -> bool {
        self.current
            .as_mut()
            .is_some_and(|c| c.poll(DRAIN_BUDGET, reaper))
    }

    /// Whether a comparison is running.
    pub fn is_running(&self) -> bool {
        self.current.as_ref().is_some_and(Comparison::is_running)
    }

    /// The comparison on screen (or the last one).
    pub fn comparison(&self) -> Option<&Comparison> {
        self.current.as_ref()
    }

    /// Why the comparison on screen failed, if it did.
    pub fn failure(&self) -> Option<String> {
        match self.current.as_ref().map(Comparison::progress) {
            Some(Progress::Failed(e)) => Some(e),
            _ => None,
        }
    }

    /// The previous comparison, drawn faintly behind the current one when
    /// [`CompareMode::show_ghost`] is on.
    pub fn ghost(&self) -> Option<&Ghost> {
        self.ghost.as_ref().filter(|_| self.show_ghost)
    }

    /// Shows or hides the previous comparison's bars.
    pub fn toggle_ghost(&mut self) {
        self.show_ghost = !self.show_ghost;
    }

    /// Whether the previous comparison exists (to offer its toggle).
    pub fn has_ghost(&self) -> bool {
        self.ghost.is_some()
    }

    /// The comparison on screen and the time view, both mutable.
    pub(crate) fn parts_mut(&mut self) -> (Option<&Comparison>, Option<&Ghost>, &mut TimeView) {
        let ghost = self.ghost.as_ref().filter(|_| self.show_ghost);
        (self.current.as_ref(), ghost, &mut self.view)
    }
}
