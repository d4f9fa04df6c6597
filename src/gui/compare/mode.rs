//! The compare mode of the window: instead of one run, the same work run
//! serially, with N threads, N processes, N threads without the GIL and as
//! native code, stacked on one time axis with their speedups beside them.
//! This file is the mode's state and what the window asks of it; running
//! lives in `compare_run`, drawing in `compare_view`, `compare_bars` and
//! `compare_summary`.

use crate::engine::compare::comparable;
use crate::gui::compare_run::{Comparison, Ghost, Progress};
use crate::gui::reaper::Reaper;
use crate::gui::view::TimeView;
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

/// The compare mode: whether it is on screen, the comparison shown, and the
/// one before it (the ghost).
#[derive(Debug)]
pub struct CompareMode {
    shown: bool,
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
            shown: false,
            current: None,
            ghost: None,
            show_ghost: true,
            view: TimeView::default(),
        }
    }
}

/// What the compare view asked for this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompareAction {
    /// Nothing.
    #[default]
    None,
    /// Back to the single-run view.
    Leave,
}

impl CompareMode {
    /// Starts comparing `s`'s work and shows the comparison; the last
    /// finished comparison becomes the ghost. A scenario that cannot be
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
        self.shown = true;
        self.view.fit();
        Ok(())
    }

    /// Shows a comparison recorded elsewhere (tests, fixed pictures), with
    /// `ghost` behind it.
    pub fn show_recorded(&mut self, comparison: Comparison, ghost: Option<Ghost>) {
        self.current = Some(comparison);
        self.ghost = ghost;
        self.shown = true;
    }

    /// Stops the comparison under way, if any; what it measured stays.
    pub fn cancel(&mut self, reaper: &mut Reaper) {
        if let Some(c) = &mut self.current {
            c.stop(reaper);
        }
    }

    /// Back to the single-run view; a comparison under way is stopped.
    pub fn leave(&mut self, reaper: &mut Reaper) {
        self.cancel(reaper);
        self.shown = false;
    }

    /// Takes in what the run under way sent; starts the next one when it ended.
    pub fn poll(&mut self, reaper: &mut Reaper) -> bool {
        self.current
            .as_mut()
            .is_some_and(|c| c.poll(DRAIN_BUDGET, reaper))
    }

    /// Whether the compare view is on screen.
    pub fn is_shown(&self) -> bool {
        self.shown
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

    /// Whether the previous comparison exists (to offer its toggle).
    pub fn has_ghost(&self) -> bool {
        self.ghost.is_some()
    }

    /// Draws the compare view into the central panel.
    pub fn central_ui(&mut self, ui: &mut egui::Ui, scenario: &Scenario) -> CompareAction {
        crate::gui::compare_view::compare_ui(ui, self, scenario)
    }

    /// Draws the comparison's numbers into the results panel.
    pub fn results_ui(&self, ui: &mut egui::Ui) {
        crate::gui::compare_summary::summary_ui(ui, self.comparison(), self.ghost());
    }

    /// The comparison on screen and the time view, both mutable.
    pub(crate) fn parts_mut(&mut self) -> (Option<&Comparison>, Option<&Ghost>, &mut TimeView) {
        let ghost = self.ghost.as_ref().filter(|_| self.show_ghost);
        (self.current.as_ref(), ghost, &mut self.view)
    }
}
