//! Exports as they are made: the window as PNG, the run as a Chrome trace
//! (Perfetto), its summary as CSV, the whole run as a saved run (`.tlrun`). Files go to `$THREADLAB_EXPORT_DIR` or the
//! current directory, named `threadlab-<preset>-<YYYYmmdd-HHMMSS>.<ext>`.
//!
//! Every file is written on a named background thread, so a trace of
//! millions of events never stalls a frame; the export row
//! (`panels/export_row.rs`) shows the full path of what was saved, or why it
//! could not be.

use super::live::{KEPT_EVENTS_MAX, RunData};
use crate::export::{export_dir, summary_csv, unused_path, write_chrome_trace};
use crate::gui::present::save_png;
use crate::model::{Event, RunSummary};
use crate::runfile::save_run;
use egui::{ColorImage, Context};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The window as it is on screen, PNG.
    Png,
    /// The last run as Chrome trace JSON (opens in Perfetto).
    Trace,
    /// The last run's summary as CSV.
    Csv,
    /// The window as a picture on the clipboard, to paste into a slide.
    Clipboard,
    /// The last run as a saved run (`.tlrun`), to open again later.
    Run,
}

impl ExportKind {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            ExportKind::Png | ExportKind::Clipboard => "png",
            ExportKind::Trace => "json",
            ExportKind::Csv => "csv",
            ExportKind::Run => crate::runfile::EXTENSION,
        }
    }
}

/// The last export's outcome, as the row shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// What to say.
    pub text: String,
    /// Whether it failed.
    pub error: bool,
}

type Saved = Result<String, String>;

/// A screenshot asked for and not yet delivered: where it goes.
type PendingShot = Arc<Mutex<Option<Arc<ColorImage>>>>;

/// How long the window may take to hand over its pixels before the PNG
/// export gives up (a window without a renderer never does).
const SHOT_TIMEOUT: Duration = Duration::from_secs(5);

/// Exports and their outcome.
#[derive(Default)]
pub struct Exporter {
    dir: Option<PathBuf>,
    requested: Option<ExportKind>,
    /// A picture asked of the window: the file it goes to, or the
    /// clipboard (`None`).
    shot: Option<(Option<PathBuf>, PendingShot, Instant)>,
    writers: Vec<JoinHandle<Saved>>,
    notice: Option<Notice>,
}

impl Exporter {
    /// Exports go to `dir` from now on, instead of `$THREADLAB_EXPORT_DIR`
    /// or the current directory.
    pub fn set_dir(&mut self, dir: PathBuf) {
        self.dir = Some(dir);
    }

    /// The folder exports (and clips) go to.
    pub fn dir(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(export_dir)
    }

    /// Asks for an export; it is made at the next frame (a PNG needs the
    /// frame's pixels).
    pub fn request(&mut self, kind: ExportKind) {
        self.requested = Some(kind);
    }

    /// Says `text` in the export row (a saved run opened, or why not).
    pub fn notify(&mut self, text: String, error: bool) {
        self.say(text, error);
    }

    /// The last export's outcome.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// Whether a file is still being written.
    pub fn is_busy(&self) -> bool {
        self.shot.is_some() || !self.writers.is_empty() || self.requested.is_some()
    }

    /// Waits for every file being written (when the window closes).
    pub fn join_all(&mut self) {
        for writer in self.writers.drain(..) {
            let _ = writer.join();
        }
    }

    /// Starts what was requested and collects what has been written; call
    /// once per frame. `data` is the current or last run: only a finished
    /// run is exported.
    pub fn poll(&mut self, ctx: &Context, data: Option<&RunData>) {
        if let Some(kind) = self.requested.take() {
            match self.start(kind, ctx, data) {
                Ok(()) => {}
                Err(e) => self.say(e, true),
            }
        }
        let delivered = self
            .shot
            .as_ref()
            .and_then(|(_, slot, _)| slot.lock().ok().and_then(|mut s| s.take()));
        if let Some(image) = delivered
            && let Some((path, _, _)) = self.shot.take()
        {
            match path {
                Some(path) => self.spawn(ctx, move || {
                    save_png(&path, &image)
                        .map(|()| format!("Saved the window: {}", path.display()))
                }),
                None => {
                    ctx.copy_image((*image).clone());
                    let [w, h] = image.size;
                    self.say(
                        format!(
                            "Copied the window to the clipboard ({w}×{h}): paste it into a slide."
                        ),
                        false,
                    );
                }
            }
        } else if let Some((path, _, asked)) = &self.shot
            && asked.elapsed() > SHOT_TIMEOUT
        {
            if let Some(path) = path {
                let _ = std::fs::remove_file(path);
            }
            self.shot = None;
            self.say(
                "Cannot export: the window did not hand over its picture.".to_owned(),
                true,
            );
        }
        let (done, going): (Vec<_>, Vec<_>) = self.writers.drain(..).partition(|w| w.is_finished());
        self.writers = going;
        for writer in done {
            match writer.join() {
                Ok(Ok(text)) => self.say(text, false),
                Ok(Err(e)) => self.say(e, true),
                Err(_) => self.say("The export failed unexpectedly.".to_owned(), true),
            }
        }
        if self.is_busy() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    fn start(
        &mut self,
        kind: ExportKind,
        ctx: &Context,
        data: Option<&RunData>,
    ) -> Result<(), String> {
        if kind == ExportKind::Clipboard {
            self.shot = Some((None, self.ask_for_picture(ctx), Instant::now()));
            self.notice = None;
            return Ok(());
        }
        let preset = data.map_or("run", |d| d.scenario.name.as_str());
        let dir = self.dir();
        if !dir.is_dir() {
            return Err(format!("Cannot export: {} is not a folder.", dir.display()));
        }
        let path = unused_path(&dir, preset, SystemTime::now(), kind.ext());
        // Claim the name now, so a second export in the same second (or a
        // read-only folder) shows up at once, not when the thread ends.
        std::fs::File::create(&path).map_err(|e| cannot_write(&path, &e))?;
        match kind {
            ExportKind::Png => {
                self.shot = Some((Some(path), self.ask_for_picture(ctx), Instant::now()));
                // The picture is of a coming frame: keep old news out of it.
                self.notice = None;
            }
            ExportKind::Trace => {
                let (summary, events, not_kept) = finished_run(data, &path)?;
                let note = if not_kept > 0 {
                    format!(
                        " (the first {} events; {not_kept} more were not kept)",
                        KEPT_EVENTS_MAX
                    )
                } else {
                    String::new()
                };
                self.say("Saving the trace…".to_owned(), false);
                self.spawn(ctx, move || {
                    write_chrome_trace(&path, &summary, &events)
                        .map_err(|e| cannot_write(&path, &e))
                        .map(|()| format!("Saved the trace{note}: {}", path.display()))
                });
            }
            ExportKind::Clipboard => {}
            ExportKind::Run => {
                let (_, events, not_kept) = finished_run(data, &path)?;
                let info = data.and_then(RunData::run_info);
                let cores = data.map(|d| d.cores.clone()).unwrap_or_default();
                let note = if not_kept > 0 {
                    format!(" (the first {KEPT_EVENTS_MAX} events; {not_kept} more were not kept)")
                } else {
                    String::new()
                };
                self.say("Saving the run…".to_owned(), false);
                self.spawn(ctx, move || {
                    let info = info.ok_or("Nothing to save yet.")?;
                    save_run(&path, &info, &events, &cores)
                        .map_err(|e| {
                            // The empty file claimed for it is ours: nothing
                            // half-made stays behind.
                            let _ = std::fs::remove_file(&path);
                            cannot_write(&path, &e)
                        })
                        .map(|()| format!("Saved the run{note}: {}", path.display()))
                });
            }
            ExportKind::Csv => {
                let (summary, _, _) = finished_run(data, &path)?;
                self.spawn(ctx, move || {
                    std::fs::write(&path, summary_csv(std::slice::from_ref(&summary)))
                        .map_err(|e| cannot_write(&path, &e))
                        .map(|()| format!("Saved the numbers: {}", path.display()))
                });
            }
        }
        Ok(())
    }

    /// Asks the window for its pixels at a coming frame.
    fn ask_for_picture(&self, ctx: &Context) -> PendingShot {
        let slot: PendingShot = Arc::default();
        let (into, waker) = (slot.clone(), ctx.clone());
        ctx.request_screenshot(move |image| {
            if let Ok(mut s) = into.lock() {
                *s = Some(image);
            }
            waker.request_repaint();
        });
        slot
    }

    /// Writes on a named thread; the row hears of it at a later frame.
    fn spawn(&mut self, ctx: &Context, write: impl FnOnce() -> Saved + Send + 'static) {
        let waker = ctx.clone();
        let started = std::thread::Builder::new()
            .name("tl-export".into())
            .spawn(move || {
                let saved = write();
                waker.request_repaint();
                saved
            });
        match started {
            Ok(handle) => self.writers.push(handle),
            Err(e) => self.say(
                format!("Cannot export: no thread to write with ({e})."),
                true,
            ),
        }
    }

    fn say(&mut self, text: String, error: bool) {
        self.notice = Some(Notice { text, error });
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.join_all();
    }
}

/// The summary and events of a finished run, or why there are none (the
/// file claimed for them is removed again).
fn finished_run(
    data: Option<&RunData>,
    path: &Path,
) -> Result<(RunSummary, Arc<Vec<Event>>, u64), String> {
    let found = data.and_then(|d| {
        let summary = d.summary()?.clone();
        Some((summary, d.events.clone(), d.events_not_kept))
    });
    found.ok_or_else(|| {
        let _ = std::fs::remove_file(path);
        "Nothing to export yet: run the experiment and let it finish.".to_owned()
    })
}

fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    format!("Cannot write {}: {e}", path.display())
}
