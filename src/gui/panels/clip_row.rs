//! The clip row under the export row: record the finished run's replay as a
//! GIF, MP4 or WebM for a slide, its options folded away under it, and
//! while a clip is drawn, a progress bar with the frames done, the time
//! left and a Cancel.

use crate::gui::command::Command;
use crate::gui::playback::SPEEDS;
use crate::gui::present::{ContextExt as _, keys_text};
use crate::gui::run_state::{ClipJob, Notice, RunData};
use crate::video::Format;
use egui::{RichText, Ui};

/// Sizes a clip is made at, in pixels: a slide's two usual ones.
pub const CLIP_SIZES: [[u32; 2]; 2] = [[1280, 720], [1920, 1080]];
/// Frame rates offered.
pub const CLIP_FPS: [u32; 3] = [15, 30, 60];

/// What the next clip is made with, as the row's options set it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipSettings {
    /// Index into [`CLIP_SIZES`].
    pub size: usize,
    /// Index into the replay's speeds (`playback::SPEEDS`).
    pub speed: usize,
    /// Frames per second.
    pub fps: u32,
    /// GIF, MP4 or WebM.
    pub format: Format,
    /// With the controls and the results, or the timeline alone.
    pub panels: bool,
    /// A title card with the preset's title for the first second.
    pub title_card: bool,
    /// Only the part of the run the timeline shows, not all of it.
    pub view_only: bool,
}

impl Default for ClipSettings {
    fn default() -> Self {
        Self {
            size: 0,
            // 0.1×: a 100 ms run becomes a 1 s clip; GIL turns of 5 ms are
            // 50 ms on screen, as fast as an eye follows them.
            speed: 1,
            fps: 30,
            format: Format::Gif,
            panels: true,
            title_card: false,
            view_only: false,
        }
    }
}

/// The clip row. `data` is the run on screen (only a finished run is
/// recorded); `job` the clip being recorded; `notice` what the last one did.
pub fn clip_row_ui(
    ui: &mut Ui,
    settings: &mut ClipSettings,
    data: Option<&RunData>,
    job: Option<&ClipJob>,
    notice: Option<&Notice>,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    let finished = data.is_some_and(|d| d.summary().is_some() && d.timeline.events() > 0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Clip").strong());
        match job {
            Some(job) => progress_ui(ui, job, commands),
            None => {
                let record = ui
                    .add_enabled(finished, egui::Button::new("Record"))
                    .on_hover_text(format!(
                        "Record the replay, frame by frame, as a {} for a slide ({}).",
                        settings.format.ext().to_uppercase(),
                        keys_text(Command::Record)
                    ))
                    .on_disabled_hover_text("Run the experiment first; its replay is recorded.");
                if record.clicked() {
                    commands.push(Command::Record);
                }
            }
        }
    });
    if job.is_none() {
        egui::CollapsingHeader::new("Clip options")
            .id_salt("threadlab-clip-options")
            .show(ui, |ui| options_ui(ui, settings));
    }
    if let Some(notice) = notice {
        let color = if notice.error {
            pal.error()
        } else {
            pal.weak_text()
        };
        ui.add(egui::Label::new(RichText::new(&notice.text).size(11.5).color(color)).wrap());
    }
}

/// The bar, the frames done, the time left, and Cancel.
fn progress_ui(ui: &mut Ui, job: &ClipJob, commands: &mut Vec<Command>) {
    let (done, total) = job.progress();
    let share = if total > 0 {
        done as f32 / total as f32
    } else {
        0.0
    };
    let left = job
        .time_left()
        .map_or_else(String::new, |d| format!(" · {} s left", d.as_secs() + 1));
    let text = if total > 0 {
        format!("{done} / {total} frames{left}")
    } else {
        "starting…".to_owned()
    };
    let width = (ui.available_width() - 70.0).max(80.0);
    ui.add(
        egui::ProgressBar::new(share)
            .desired_width(width)
            .text(text),
    )
    .on_hover_text(format!("Recording {}", job.target().path.display()));
    if ui
        .add_enabled(!job.is_cancelled(), egui::Button::new("Cancel"))
        .on_hover_text("Stop recording; nothing is written.")
        .clicked()
    {
        commands.push(Command::CancelClip);
    }
}

/// Size, speed, frame rate, format, and what the frames show.
fn options_ui(ui: &mut Ui, s: &mut ClipSettings) {
    egui::Grid::new("threadlab-clip-grid")
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            ui.label("Size");
            ui.horizontal(|ui| {
                for (i, [w, h]) in CLIP_SIZES.iter().enumerate() {
                    ui.selectable_value(&mut s.size, i, format!("{h}p"))
                        .on_hover_text(format!("{w}×{h} pixels"));
                }
            });
            ui.end_row();
            ui.label("Speed");
            ui.horizontal(|ui| {
                for (i, v) in SPEEDS.iter().enumerate() {
                    ui.selectable_value(&mut s.speed, i, format!("{v}×"))
                        .on_hover_text("How fast the run plays in the clip; 1× is real time.");
                }
            });
            ui.end_row();
            ui.label("Frames/s");
            ui.horizontal(|ui| {
                for fps in CLIP_FPS {
                    ui.selectable_value(&mut s.fps, fps, fps.to_string());
                }
            });
            ui.end_row();
            ui.label("Format");
            ui.horizontal(|ui| {
                for (f, hint) in [
                    (
                        Format::Gif,
                        "Animated GIF: plays everywhere, colours exact.",
                    ),
                    (
                        Format::Mp4,
                        "MP4 (H.264) for PowerPoint, Keynote and the web; needs ffmpeg.",
                    ),
                    (Format::Webm, "WebM (VP9) for the web; needs ffmpeg."),
                ] {
                    ui.selectable_value(&mut s.format, f, f.ext().to_uppercase())
                        .on_hover_text(hint);
                }
            });
            ui.end_row();
        });
    ui.checkbox(&mut s.panels, "Controls and results beside the timeline");
    ui.checkbox(&mut s.view_only, "Only the part the timeline shows");
    ui.checkbox(&mut s.title_card, "Title card for the first second");
}
