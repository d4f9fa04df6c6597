//! The headless front end: `list`, `run`, `compare` and `show`. Bad input
//! gets one line naming the flag or the file and line, and exit code 2.

pub mod args;
pub mod deck;
pub mod interrupt;
pub mod lens;
pub mod out;
pub mod report;
pub mod save;
pub mod show;

use crate::engine::compare::run_compare_until;
use crate::engine::{RunOptions, start};
use crate::export::{check_target, compare_csv, summary_csv, write_bytes, write_chrome_trace};
use crate::model::{
    EVENTS_KEPT_MAX, LoadError, PRESETS, RunMessage, Scenario, load_preset, load_scenario_file,
};
use args::{CompareArgs, Overrides, RunArgs, ScenarioSource, flag_for_field};
use std::ops::ControlFlow;
use std::path::Path;
use std::process::ExitCode;

/// Exit code for bad input (a wrong flag, a broken file).
pub const EXIT_BAD_INPUT: u8 = 2;

/// An error the user caused: printed as one line, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The command has already said what went wrong (or had nothing to say, as
/// after Ctrl-C): exit with this code and print nothing more.
#[derive(Debug, thiserror::Error)]
#[error("exit code {0}")]
pub struct Exit(pub u8);

/// Prints the error the way the CLI contract says and returns the exit code.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    if let Some(Exit(code)) = err.downcast_ref::<Exit>() {
        ExitCode::from(*code)
    } else if let Some(bad) = err.downcast_ref::<BadInput>() {
        out::warn(&bad.to_string());
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        out::warn(&out::one_line(err));
        ExitCode::FAILURE
    }
}

/// `threadlab list`.
pub fn list() -> anyhow::Result<()> {
    use std::fmt::Write;
    let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for p in PRESETS {
        let title = load_preset(p.name)
            .and_then(Result::ok)
            .map(|s| s.title)
            .unwrap_or_default();
        let _ = writeln!(text, "{:width$}  {title}", p.name);
    }
    // A reader that closed the pipe (`| head -1`) has all it wanted.
    out::stdout(&text)?;
    Ok(())
}

/// Loads the scenario a command names and applies its overrides, checking
/// every knob; errors name the flag, or the file and line.
pub fn resolve_scenario(
    source: &ScenarioSource,
    overrides: &Overrides,
) -> anyhow::Result<Scenario> {
    let mut scenario = match (&source.preset, &source.scenario) {
        (_, Some(path)) => load_scenario_file(path).map_err(|e| BadInput(e.to_string()))?,
        (Some(name), None) => match load_preset(name) {
            Some(r) => r.map_err(|e: LoadError| BadInput(e.to_string()))?,
            None => {
                return Err(BadInput(format!(
                    "unknown preset '{name}' (try: {})",
                    crate::model::preset_names().join(", ")
                ))
                .into());
            }
        },
        (None, None) => {
            return Err(BadInput("name a preset or give --scenario FILE.toml".to_owned()).into());
        }
    };
    overrides.apply(&mut scenario);
    scenario
        .validate()
        .and_then(|()| scenario.validate_cores(crate::sampling::Topology::cached().logical()))
        .map_err(|e| BadInput(format!("{}: {e}", flag_for_field(e.field))))?;
    Ok(scenario)
}

/// Refuses, before anything runs, an output path that cannot be written:
/// a long run must not end in "cannot write".
pub fn check_output(flag: &str, path: &Path) -> anyhow::Result<()> {
    check_target(path).map_err(|e| BadInput(format!("{flag} {}: {e}", path.display())).into())
}

/// `threadlab run`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    if args.engine == args::Engine::Cpython {
        if args.save.is_some() {
            return Err(BadInput(
                "--save: a run of the CPython lens cannot be saved yet; save the model's run"
                    .to_owned(),
            )
            .into());
        }
        return lens::run(args);
    }
    let scenario = resolve_scenario(&args.source, &args.overrides)?;
    if let Some(path) = &args.trace {
        check_output("--trace", path)?;
    }
    if let Some(path) = &args.csv {
        check_output("--csv", path)?;
    }
    if let Some(path) = &args.save {
        save::check_save_path(path)?;
    }
    let saver = args
        .save
        .as_deref()
        .map(|path| save::Saver::start(path, &scenario))
        .transpose()?;
    // Ctrl-C now stops the run cleanly instead of ending the process.
    interrupt::install();
    let mut watch = interrupt::Watch::default();
    // Events are kept only for the trace; the summary counts every one.
    let keep = if args.trace.is_some() {
        EVENTS_KEPT_MAX
    } else {
        0
    };
    // A run that cannot start drops the saver: its file goes with it.
    let handle = start(scenario, RunOptions::default())?;
    let mut saver = saver;
    let (summary, events) = handle.wait_for(
        keep,
        |message| {
            // Status lines (a run that hangs says why) go to stderr as they come.
            if let RunMessage::Status(text) = message {
                out::warn(text);
            }
            if let Some(saver) = &mut saver {
                saver.take(message);
            }
        },
        || watch.stop_requested(),
    )?;
    // A file that cannot be written loses nothing else: the summary is still
    // printed, and every failure named after it.
    let mut failures = Vec::new();
    if let Some(saver) = saver
        && let Err(e) = saver.finish(&summary)
    {
        failures.push(e);
    }
    if let Some(path) = &args.trace
        && let Err(e) = write_chrome_trace(path, &summary, &events)
    {
        failures.push(format!("writing the trace to {}: {e}", path.display()));
    }
    drop(events);
    if let Some(path) = &args.csv {
        let csv = summary_csv(std::slice::from_ref(&summary));
        if let Err(e) = write_bytes(path, csv.as_bytes()) {
            failures.push(format!("writing the CSV to {}: {e}", path.display()));
        }
    }
    let text = if args.json {
        serde_json::to_string_pretty(&summary)? + "\n"
    } else {
        report::summary_text(&summary)
    };
    out::stdout(&text)?;
    for failure in &failures {
        out::warn(failure);
    }
    if !failures.is_empty() {
        return Err(Exit(1).into());
    }
    match interrupt::exit_code() {
        Some(code) => Err(Exit(code).into()),
        None => Ok(()),
    }
}

/// `threadlab compare`.
pub fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    let scenario = resolve_scenario(&args.source, &args.overrides)?;
    let most = crate::engine::compare::MAX_REPEATS;
    if !(1..=most).contains(&args.repeat) {
        return Err(BadInput(format!(
            "--repeat: {} is out of range 1..={most}",
            args.repeat
        ))
        .into());
    }
    if let Some(path) = &args.csv {
        check_output("--csv", path)?;
    }
    // A lens that cannot start says so before anything runs.
    let lens = args
        .with_cpython
        .then(|| lens::CompareLens::new(&scenario, args.python.clone()))
        .transpose()?;
    // Each run as it ends, for a person watching; the table comes at the
    // end, so a reader that has gone meanwhile (`| head`) stops the runs.
    let watching = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut rows = run_compare_until(&scenario, args.repeat, |row, _| {
        if watching {
            out::warn(&format!("ran {:10} {:9.1} ms", row.label, row.wall_ms));
        }
        if out::reader_gone() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    if !args.json {
        let table: String = rows
            .iter()
            .map(|row| report::compare_line(row) + "\n")
            .collect();
        out::stdout(&table)?;
    }
    if let Some(lens) = lens {
        rows.extend(lens.run(&scenario, args.json)?);
    }
    if let Some(path) = &args.csv {
        write_bytes(path, compare_csv(&rows).as_bytes())
            .map_err(|e| anyhow::anyhow!("writing the CSV to {}: {e}", path.display()))?;
    }
    if args.json {
        let doc = serde_json::json!({ "rows": lens::tag_rows(&rows) });
        out::stdout(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    }
    Ok(())
}
