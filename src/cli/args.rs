//! The command line, as DESIGN.md §6 fixes it. Outside scripts rely on these
//! names: add, never rename.

use crate::model::{Scenario, Update, Workload, limits};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fmt::Display;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::str::FromStr;

/// threadlab: threading vs multiprocessing, live.
#[derive(Debug, Parser)]
#[command(name = "threadlab", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without one, the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the window.
    Gui(GuiArgs),
    /// List the presets: name and one-line title.
    List,
    /// Run a preset or a scenario file headless and print what it measured.
    #[command(allow_negative_numbers = true)]
    Run(RunArgs),
    /// Run the same work serially, with threads, with processes, GIL off and native.
    #[command(allow_negative_numbers = true)]
    Compare(CompareArgs),
    /// Print the scenario as a Python program (standard library only).
    Code(CodeArgs),
    /// Print a saved run's summary (and convert it) without running anything.
    Show(ShowArgs),
    /// Lecture decks: list the built-in ones, print one, check a file.
    #[command(subcommand)]
    Deck(DeckCommand),
    /// Internal: a child process of a run (started by threadlab itself).
    #[command(hide = true)]
    Worker,
}

/// `threadlab deck ...`.
#[derive(Debug, Subcommand)]
pub enum DeckCommand {
    /// List the built-in decks: name, steps and title.
    List,
    /// Print a built-in deck as TOML, to copy and adapt.
    Show {
        /// The built-in deck's name (see `threadlab deck list`).
        name: String,
    },
    /// Check a deck file: every step's preset, knobs and question.
    Check {
        /// The deck file (TOML), or a built-in deck's name.
        file: String,
    },
}

/// `threadlab gui`.
#[derive(Debug, Args, Default, Clone)]
#[command(allow_negative_numbers = true)]
pub struct GuiArgs {
    /// The preset to open.
    #[arg(long, conflicts_with = "deck")]
    pub preset: Option<String>,
    /// Open a lecture deck: a built-in one's name (`threadlab deck list`)
    /// or a deck file. PageDown and PageUp move through its steps.
    #[arg(long, value_name = "NAME|FILE", conflicts_with = "open")]
    pub deck: Option<String>,
    /// The deck's step to open on, from 1.
    #[arg(long, value_name = "N", requires = "deck")]
    pub step: Option<usize>,
    /// The room's votes on the step's question, one count per choice
    /// (e.g. 3,12,5), as if typed with the number keys.
    #[arg(long, value_name = "A,B,..", requires = "deck", value_delimiter = ',')]
    pub votes: Vec<u32>,
    /// Start in presentation mode (large text, colour-blind-safe palette).
    #[arg(long)]
    pub present: bool,
    /// Start with the light theme (dark text on a light background).
    #[arg(long)]
    pub light: bool,
    /// Open the window this size in pixels, e.g. 1920x1080.
    // A value such as `-1x-1` is still the size, so the error names --size.
    #[arg(long, value_name = "WxH", allow_hyphen_values = true)]
    pub size: Option<String>,
    /// Which renderer draws the window: `auto` (the default) takes glow
    /// where the CPU renders (llvmpipe, lavapipe, SwiftShader: a VM or a
    /// remote desktop), wgpu on a GPU. THREADLAB_RENDERER sets it too.
    #[arg(long, value_enum, value_name = "RENDERER")]
    pub renderer: Option<RendererArg>,
    /// Run the preset as soon as the window opens.
    #[arg(long)]
    pub run: bool,
    /// Save the window as PNG once the run (or the first frame) is done.
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<PathBuf>,
    /// Close the window after the screenshot (for scripts and CI).
    #[arg(long)]
    pub exit: bool,
    /// Compare the preset's work serially, with threads, processes, no GIL
    /// and native code as soon as the window opens.
    #[arg(long)]
    pub compare: bool,
    /// Turn the CPython switch on: runs go to the real python3 too.
    #[arg(long)]
    pub cpython: bool,
    /// Open the code panel: the experiment as a Python program.
    #[arg(long)]
    pub code: bool,
    /// Open a saved run (`run --save`, "Save run") instead of running anything.
    #[arg(long, value_name = "FILE.tlrun")]
    pub open: Option<PathBuf>,
    /// The interpreter for the CPython switch (python3 on PATH by default).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Record the run's replay as a clip, frame by frame: .gif, .mp4 or
    /// .webm (MP4 and WebM need ffmpeg). Needs --run or --open; with
    /// --exit the window closes once the clip is written.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Replay speed of the clip, 0.001 to 1 (real time).
    #[arg(long, value_name = "X", default_value_t = 0.1, requires = "record")]
    pub speed: f64,
    /// Frames per second of the clip, 1 to 60.
    #[arg(long, value_name = "N", default_value_t = 30, requires = "record")]
    pub fps: u32,
    /// The clip starts this many ms into the run (0 by default).
    #[arg(long, value_name = "MS", requires = "record")]
    pub from: Option<f64>,
    /// The clip ends this many ms into the run (its end by default).
    #[arg(long, value_name = "MS", requires = "record")]
    pub to: Option<f64>,
    /// The clip shows the timeline alone, without the controls and results.
    #[arg(long, requires = "record")]
    pub no_panels: bool,
    /// The clip opens with a second of the preset's title.
    #[arg(long, requires = "record")]
    pub title_card: bool,
    /// Knob overrides, as `run` takes them.
    #[command(flatten)]
    pub overrides: Overrides,
}

/// `gui --renderer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RendererArg {
    /// glow on a CPU renderer, wgpu on a GPU.
    Auto,
    /// The OpenGL renderer (glow).
    Glow,
    /// The wgpu renderer (Vulkan, GL or Metal through wgpu).
    Wgpu,
}

/// `on` or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// Enabled.
    On,
    /// Disabled.
    Off,
}

impl OnOff {
    fn is_on(self) -> bool {
        self == OnOff::On
    }
}

/// Knob overrides shared by `run`, `compare` and `gui`; each names a
/// scenario field.
#[derive(Debug, Args, Default, Clone, PartialEq)]
pub struct Overrides {
    /// 1 = threads of threadlab's own process; P >= 2 = P child processes.
    #[arg(long, value_name = "P", value_parser = in_range(limits::PROCESSES))]
    pub processes: Option<u32>,
    /// Threads per process.
    #[arg(long, value_name = "T", value_parser = in_range(limits::THREADS))]
    pub threads: Option<u32>,
    /// A GIL per interpreter, or none (free-threaded).
    #[arg(long, value_enum)]
    pub gil: Option<OnOff>,
    /// The GIL's switch interval in microseconds.
    #[arg(long, value_name = "N", value_parser = in_range(limits::SWITCH_INTERVAL_US))]
    pub switch_interval_us: Option<u64>,
    /// What each task does.
    #[arg(long, value_enum)]
    pub workload: Option<WorkloadArg>,
    /// Number of tasks (or queue items).
    #[arg(long, value_name = "N", value_parser = in_range(limits::TASKS))]
    pub tasks: Option<u32>,
    /// Integers summed per CPU task.
    #[arg(long, value_name = "N", value_parser = in_range(limits::TASK_SIZE))]
    pub task_size: Option<u64>,
    /// Milliseconds of each blocking wait.
    #[arg(long, value_name = "MS", value_parser = in_range(limits::IO_MS))]
    pub io_ms: Option<u64>,
    /// Queue capacity; 0 = unbounded.
    #[arg(long, value_name = "N", value_parser = in_range(limits::QUEUE_SIZE))]
    pub queue_size: Option<u32>,
    /// Workers are daemons (cut off when the main program exits).
    #[arg(long, value_enum)]
    pub daemon: Option<OnOff>,
    /// Guard each shared update with a lock.
    #[arg(long, value_enum)]
    pub lock: Option<OnOff>,
    /// Read-modify-writes per worker.
    #[arg(long, value_name = "N", value_parser = in_range(limits::INCREMENTS))]
    pub increments: Option<u32>,
    /// How each read-modify-write is written.
    #[arg(long, value_enum)]
    pub update: Option<UpdateArg>,
    /// Record events (on by default; summaries are measured either way).
    /// Named `--events`, since `gui --record FILE` records a clip.
    #[arg(id = "events", long = "events", value_enum)]
    pub record: Option<OnOff>,
    /// Run the workers on N logical cores of this machine (CPU affinity);
    /// 0 = every core.
    #[arg(long, value_name = "N")]
    pub cores: Option<u32>,
}

/// A parser for a whole number in `range`, whose errors say the range the
/// knob accepts (clap's own would say "-1 is not in 0..=4294967295", the
/// range of the type). The limits are the scenario's, so a flag and a file
/// give the same range.
fn in_range<T>(range: RangeInclusive<T>) -> impl Fn(&str) -> Result<T, String> + Clone
where
    T: FromStr + PartialOrd + Display + Copy + Send + Sync + 'static,
{
    move |text: &str| {
        let text = text.trim();
        let accepted = format!("{}..={}", range.start(), range.end());
        match text.parse::<T>() {
            Ok(v) if range.contains(&v) => Ok(v),
            _ if is_integer(text) => Err(format!("{text} is out of range {accepted}")),
            _ => Err(format!("'{text}' is not a whole number in {accepted}")),
        }
    }
}

/// Digits with an optional sign: a number, however large.
fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `--workload`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WorkloadArg {
    /// Sum of squares holding the GIL.
    Cpu,
    /// Blocking waits with the GIL released.
    Io,
    /// Sum of squares with the GIL released.
    Native,
    /// Compute, then wait.
    Mixed,
}

/// `--update`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UpdateArg {
    /// `x += 1`.
    Plain,
    /// `x = x + f()`.
    Call,
    /// Read, wait, write back.
    Wait,
}

impl Overrides {
    /// Applies every given flag to `s`.
    pub fn apply(&self, s: &mut Scenario) {
        macro_rules! set {
            ($($field:ident),*) => { $( if let Some(v) = self.$field { s.$field = v; } )* };
        }
        set!(
            processes,
            threads,
            switch_interval_us,
            tasks,
            task_size,
            io_ms,
            queue_size,
            increments,
            cores
        );
        if let Some(v) = self.gil {
            s.gil = v.is_on();
        }
        if let Some(v) = self.daemon {
            s.daemon = v.is_on();
        }
        if let Some(v) = self.lock {
            s.lock = v.is_on();
        }
        if let Some(v) = self.record {
            s.record = v.is_on();
        }
        if let Some(v) = self.workload {
            s.workload = match v {
                WorkloadArg::Cpu => Workload::Cpu,
                WorkloadArg::Io => Workload::Io,
                WorkloadArg::Native => Workload::Native,
                WorkloadArg::Mixed => Workload::Mixed,
            };
        }
        if let Some(v) = self.update {
            s.update = match v {
                UpdateArg::Plain => Update::Plain,
                UpdateArg::Call => Update::Call,
                UpdateArg::Wait => Update::Wait,
            };
        }
    }
}

/// Which scenario to start from.
#[derive(Debug, Args, Default, Clone)]
pub struct ScenarioSource {
    /// A preset name (see `threadlab list`).
    pub preset: Option<String>,
    /// A scenario file instead of a preset.
    #[arg(long, value_name = "FILE.toml", conflicts_with = "preset")]
    pub scenario: Option<PathBuf>,
}

/// `threadlab run`.
#[derive(Debug, Args, Default, Clone)]
pub struct RunArgs {
    /// Preset or scenario file.
    #[command(flatten)]
    pub source: ScenarioSource,
    /// Knob overrides.
    #[command(flatten)]
    pub overrides: Overrides,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Write a Chrome trace (opens in Perfetto).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Write the summary as CSV: a header and one row.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Save the run (every event, the summary, the machine) to open later
    /// with `show` or `gui --open`.
    #[arg(long, value_name = "FILE.tlrun")]
    pub save: Option<PathBuf>,
    /// Run in threadlab's model (the default) or in a real CPython.
    #[arg(long = "in", value_enum, default_value = "model")]
    pub engine: Engine,
    /// The Python interpreter for `--in cpython` (python3 on PATH by default).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

/// `--in`: where a run happens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// threadlab's model: real threads and processes under a model of the GIL.
    #[default]
    Model,
    /// A real CPython interpreter running the scenario as a Python program.
    Cpython,
}

/// `threadlab show`.
#[derive(Debug, Args, Default, Clone)]
pub struct ShowArgs {
    /// A run saved with `run --save` or the window's "Save run".
    #[arg(value_name = "FILE.tlrun")]
    pub file: PathBuf,
    /// Print the summary as one JSON object, as `run --json` printed it.
    #[arg(long)]
    pub json: bool,
    /// Write its Chrome trace (opens in Perfetto).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Write its summary as CSV: a header and one row.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// `threadlab code`.
#[derive(Debug, Args, Default, Clone)]
pub struct CodeArgs {
    /// Preset or scenario file.
    #[command(flatten)]
    pub source: ScenarioSource,
    /// Knob overrides.
    #[command(flatten)]
    pub overrides: Overrides,
    /// Also print the measuring lines threadlab's lens adds (calls into its probe).
    #[arg(long)]
    pub measuring: bool,
}

/// `threadlab compare`.
#[derive(Debug, Args, Default, Clone)]
pub struct CompareArgs {
    /// Preset or scenario file.
    #[command(flatten)]
    pub source: ScenarioSource,
    /// Knob overrides.
    #[command(flatten)]
    pub overrides: Overrides,
    /// Print the rows as JSON.
    #[arg(long)]
    pub json: bool,
    /// Run each configuration N times, interleaved (one run is not a
    /// measurement on a shared machine); rows give the median, min and max.
    #[arg(long, value_name = "N", default_value_t = crate::engine::compare::DEFAULT_REPEATS)]
    pub repeat: u32,
    /// Write the rows as CSV: a header and one row per configuration.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also run every configuration in a real CPython and add its rows.
    #[arg(long)]
    pub with_cpython: bool,
    /// The Python interpreter for `--with-cpython` (python3 on PATH by default).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

/// The command-line flag that sets a scenario field, for error messages.
pub fn flag_for_field(field: &str) -> String {
    match field {
        "processes x threads" => "--processes/--threads".to_owned(),
        f => format!("--{}", f.replace('_', "-")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_the_knobs_not_the_types() {
        let threads = in_range(limits::THREADS);
        assert_eq!(threads("8"), Ok(8));
        assert_eq!(threads("-1").unwrap_err(), "-1 is out of range 1..=256");
        assert_eq!(
            threads("18446744073709551616").unwrap_err(),
            "18446744073709551616 is out of range 1..=256"
        );
        assert_eq!(
            threads("many").unwrap_err(),
            "'many' is not a whole number in 1..=256"
        );
        assert!(threads("").is_err());
    }
}
