//! The one intent type. Every key (through the shortcut table), button and
//! widget of the window pushes [`Command`]s into the frame's list, and
//! `app/dispatch.rs` carries them out after the frame is drawn: one `match`
//! for all of them, so a key and its button can never drift apart, and no
//! panel changes the window's state behind the others' backs.

/// Everything a key, a button or a widget can ask the window to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Run the experiment (again, if one is running).
    Run,
    /// Stop the run.
    Stop,
    /// Back to the preset's settings, picture cleared.
    Reset,
    /// The next step of the open deck, or else the next preset in the list.
    NextPreset,
    /// The step before in the open deck, or else the previous preset.
    PreviousPreset,
    /// One more vote for this choice of the deck's question (0-based).
    Vote(usize),
    /// Skip the deck step's question, or ask it again.
    SkipQuestion,
    /// Open or close the speaker notes' window.
    Notes,
    /// Presentation mode on or off.
    Present,
    /// Dark or light theme.
    Theme,
    /// Fold or unfold the controls on the left.
    FoldControls,
    /// Fold or unfold the results on the right.
    FoldResults,
    /// Fold both panels (or unfold both): the timeline fills the window.
    FoldBoth,
    /// Make the window 1280×720.
    Size720,
    /// Make the window 1920×1080.
    Size1080,
    /// Save a PNG of the window.
    Screenshot,
    /// Compare the work serially, with threads, processes, no GIL, native.
    Compare,
    /// Play or pause the replay of the finished run.
    PlayPause,
    /// Replay: back to the previous change.
    StepBack,
    /// Replay: on to the next change.
    StepForward,
    /// Replay ten times slower.
    Slower,
    /// Replay ten times faster.
    Faster,
    /// Replay from the start.
    ReplayStart,
    /// Replay: jump to the end (the whole run's numbers).
    ReplayEnd,
    /// Show or hide the previous run behind the new one.
    Ghost,
    /// Save the last run as a Chrome trace (Perfetto).
    ExportTrace,
    /// Save the last run's summary as CSV.
    ExportCsv,
    /// Record the finished run's replay as a clip (GIF, MP4, WebM).
    Record,
    /// Copy the window to the clipboard as a picture.
    CopyPicture,
    /// Run in the real CPython too, under the model's run (the CPython switch).
    CpythonLens,
    /// Show or hide the scenario as a Python program.
    Code,
    /// Open or close the list of keys.
    Help,
    /// Close the list of keys (only while it is open).
    CloseHelp,
    // Commands only widgets send: they have no key, so no row in the table.
    /// Load the preset with this index (the preset picker).
    Preset(usize),
    /// A knob was let go with auto-run on: run the experiment again (the
    /// comparison, in the compare view).
    Rerun,
    /// Back from the compare view to the single run.
    LeaveCompare,
    /// Show or hide the previous comparison's bars behind the new ones.
    CompareGhost,
    /// Show the whole run again (the timeline's, or the comparison's, time axis).
    Fit,
    /// Replay: move the cursor to this time, ns since the run's start.
    ReplaySeek(u64),
    /// Replay at this speed, an index into `playback::SPEEDS`.
    ReplaySpeed(usize),
    /// Leave the replay: the whole run is shown again.
    LeaveReplay,
    /// Show the program's measuring lines (the probe's), dimmed, or hide them.
    CodeMeasuring,
    /// Copy the program to the clipboard.
    CopyCode,
    /// Save the program as a `.py` file.
    SaveCode,
    /// Stop the clip being recorded; nothing is written.
    CancelClip,
    /// Save the last finished run as a `.tlrun` file, to open it later.
    SaveRun,
    /// Show or hide the field to open a saved run.
    ToggleOpenRun,
    /// Open the saved run whose path is in the field.
    OpenRun,
    /// One vote fewer for this choice of the deck's question (0-based).
    Unvote(usize),
    /// Open the built-in deck with this index (the Deck menu).
    OpenDeck(usize),
    /// Close the deck: back to the presets.
    CloseDeck,
    /// Save the session's votes and measured answers as CSV.
    ExportVotes,
}
