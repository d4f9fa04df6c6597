//! How often the window draws while a run goes on, set by what its frames
//! were measured to cost.
//!
//! Every frame drawn during a run takes CPU time from the experiment it
//! shows; on a CPU renderer (llvmpipe) a frame costs tens of milliseconds of
//! a core, more at 1080p than at 720p. A fixed rate is either too slow on a
//! GPU or too costly on a VM. So the pacer reads what the run's own sampler
//! measured, the share of a core that threadlab's front end (this window's
//! threads and its renderer's) took over the last stretch, and stretches or
//! shortens the interval so that share stays near [`WINDOW_CORES_TARGET`].
//! It never goes below the renderer's floor (a GPU: 25 frames a second,
//! all the eye needs of a timeline that grows) nor above [`SLOWEST_FRAME`],
//! below which the picture stops looking live.

use crate::model::CoreSample;
use std::time::Duration;

/// The share of one core the window may take while a run is drawn: under
/// the 0.15 that issue 16 allows, with room for the pacer's own lag.
pub const WINDOW_CORES_TARGET: f64 = 0.12;

/// The longest interval between frames of a live run.
pub const SLOWEST_FRAME: Duration = Duration::from_millis(500);

/// How much run time of samples the pacer judges at once: a few frames at
/// the software floor, and short enough that a run of a second or two
/// (most presets) is paced for most of its length. The sampler's samples
/// are 50 ms long.
const JUDGED_NS: u64 = 300_000_000;

/// The interval between frames during a run, kept by measurement.
#[derive(Clone, Debug, PartialEq)]
pub struct FramePacer {
    floor: Duration,
    interval: Duration,
    /// How many of the run's core samples were judged already.
    judged: usize,
}

impl FramePacer {
    /// A pacer that starts at `floor` and never draws faster.
    pub fn new(floor: Duration) -> Self {
        Self::starting_at(floor, floor)
    }

    /// A pacer that never draws faster than `floor` and starts at `start`:
    /// where frames are known to be costly, the first stretch, drawn before
    /// anything was measured, need not be drawn at the fastest rate.
    pub fn starting_at(floor: Duration, start: Duration) -> Self {
        Self {
            floor,
            interval: start.clamp(floor, SLOWEST_FRAME.max(floor)),
            judged: 0,
        }
    }

    /// The interval to wait before the next frame.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The fastest the pacer draws.
    pub fn floor(&self) -> Duration {
        self.floor
    }

    /// A new run begins: its samples are counted from the start, and the
    /// interval learnt stays (the window and its renderer are the same).
    pub fn restart(&mut self) {
        self.judged = 0;
    }

    /// Takes in the run's samples so far. Once those not yet judged cover
    /// [`JUDGED_NS`], the interval is scaled by the measured share over the
    /// target (at most halved or doubled at once, so one odd stretch
    /// cannot throw it far), then kept within the floor and [`SLOWEST_FRAME`].
    pub fn update(&mut self, samples: &[CoreSample]) {
        let Some(fresh) = samples.get(self.judged..) else {
            self.judged = 0;
            return;
        };
        let span: u64 = fresh.iter().map(|s| s.interval_ns).sum();
        if span < JUDGED_NS {
            return;
        }
        self.judged = samples.len();
        let busy_ns: f64 = fresh
            .iter()
            .map(|s| {
                let percent: f64 = s.front_end.iter().map(|&p| f64::from(p)).sum();
                percent / 100.0 * s.interval_ns as f64
            })
            .sum();
        let share = busy_ns / span as f64;
        let factor = (share / WINDOW_CORES_TARGET).clamp(0.5, 2.0);
        self.interval = self
            .interval
            .mul_f64(factor)
            .clamp(self.floor, SLOWEST_FRAME.max(self.floor));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Samples of 50 ms each over `ms` of run time, the window taking
    /// `cores` of a core, spread over two cores.
    fn samples(ms: u64, cores: f64) -> Vec<CoreSample> {
        let per_core = (cores * 50.0) as f32;
        (0..ms / 50)
            .map(|i| CoreSample {
                t_ns: (i + 1) * 50_000_000,
                interval_ns: 50_000_000,
                usage: vec![100.0, 100.0],
                front_end: vec![per_core, per_core],
                helpers: vec![0.0, 0.0],
            })
            .collect()
    }

    /// The interval in whole milliseconds (a scaled `Duration` may be a
    /// nanosecond off).
    fn ms(pacer: &FramePacer) -> u128 {
        (pacer.interval().as_micros() + 500) / 1000
    }

    #[test]
    fn a_costly_window_draws_less_often_and_a_cheap_one_goes_back_to_the_floor() {
        let mut pacer = FramePacer::new(Duration::from_millis(40));
        // 0.36 of a core: three times the target, so the interval doubles
        // (one step is at most a doubling) per stretch judged.
        let mut run = samples(300, 0.36);
        pacer.update(&run);
        assert_eq!(ms(&pacer), 80);
        run.extend(samples(300, 0.36));
        pacer.update(&run);
        assert_eq!(ms(&pacer), 160);
        // Just over the target: stretched by as much, not doubled.
        run.extend(samples(300, 0.18));
        pacer.update(&run);
        assert_eq!(ms(&pacer), 240);
        // A share well under the target brings it down, never under the floor.
        for _ in 0..5 {
            run.extend(samples(300, 0.01));
            pacer.update(&run);
        }
        assert_eq!(ms(&pacer), 40);
    }

    #[test]
    fn a_short_stretch_is_not_judged_and_the_slowest_rate_holds() {
        let mut pacer = FramePacer::new(Duration::from_millis(125));
        let mut run = samples(250, 5.0);
        pacer.update(&run);
        assert_eq!(ms(&pacer), 125, "under 300 ms of samples");
        for _ in 0..4 {
            run.extend(samples(300, 5.0));
            pacer.update(&run);
        }
        assert_eq!(pacer.interval(), SLOWEST_FRAME);
    }

    #[test]
    fn a_pacer_may_start_slower_than_its_floor_and_comes_down_when_cheap() {
        let floor = Duration::from_millis(125);
        let mut pacer = FramePacer::starting_at(floor, Duration::from_millis(250));
        assert_eq!(ms(&pacer), 250);
        pacer.update(&samples(300, 0.03));
        assert_eq!(ms(&pacer), 125);
        assert_eq!(
            FramePacer::starting_at(floor, Duration::from_secs(9)).interval(),
            SLOWEST_FRAME
        );
    }

    #[test]
    fn a_new_run_is_judged_from_its_own_first_sample() {
        let mut pacer = FramePacer::new(Duration::from_millis(40));
        pacer.update(&samples(1000, 0.24));
        assert_eq!(ms(&pacer), 80);
        pacer.restart();
        // The new run has fewer samples than were judged before: still read.
        pacer.update(&samples(300, 0.06));
        assert_eq!(ms(&pacer), 40);
    }
}
