//! The headless front end: `list`, `run` and `compare`. Bad input gets one
//! line naming the flag or the file and line, and exit code 2.

pub mod args;
pub mod report;

use crate::engine::compare::run_compare_repeated;
use crate::engine::{RunOptions, start};
use crate::export::{compare_csv, summary_csv, write_chrome_trace};
use crate::model::{LoadError, PRESETS, Scenario, load_preset, load_scenario_file};
use anyhow::Context;
use args::{CompareArgs, Overrides, RunArgs, ScenarioSource, flag_for_field};
use std::process::ExitCode;

/// Exit code for bad input (a wrong flag, a broken file).
pub const EXIT_BAD_INPUT: u8 = 2;

/// An error the user caused: printed as one line, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Prints the error the way the CLI contract says and returns the exit code.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    if let Some(bad) = err.downcast_ref::<BadInput>() {
        eprintln!("threadlab: {bad}");
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        eprintln!("threadlab: {err:#}");
        ExitCode::FAILURE
    }
}

/// `threadlab list`.
pub fn list() -> anyhow::Result<()> {
    use std::io::Write;
    let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for p in PRESETS {
        let title = load_preset(p.name)
            .and_then(Result::ok)
            .map(|s| s.title)
            .unwrap_or_default();
        // A reader that closed the pipe (`| head -1`) has all it wanted.
        match writeln!(out, "{:width$}  {title}", p.name) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        }
    }
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

/// `threadlab run`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let scenario = resolve_scenario(&args.source, &args.overrides)?;
    // Status lines (a run that hangs says why) go to stderr as they come.
    let (summary, events) = start(scenario, RunOptions::default())?
        .wait_with_status(|text| eprintln!("threadlab: {text}"))?;
    if let Some(path) = &args.trace {
        write_chrome_trace(path, &summary, &events)
            .with_context(|| format!("writing the trace to {}", path.display()))?;
    }
    if let Some(path) = &args.csv {
        std::fs::write(path, summary_csv(std::slice::from_ref(&summary)))
            .with_context(|| format!("writing the CSV to {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", report::summary_text(&summary));
    }
    Ok(())
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
    // Each run as it ends, for a person watching; the table comes at the end.
    let watching = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let rows = run_compare_repeated(&scenario, args.repeat, |row, _| {
        if watching {
            eprintln!("  ran {:10} {:9.1} ms", row.label, row.wall_ms);
        }
    })?;
    if !args.json {
        for row in &rows {
            println!("{}", report::compare_line(row));
        }
    }
    if let Some(path) = &args.csv {
        std::fs::write(path, compare_csv(&rows))
            .with_context(|| format!("writing the CSV to {}", path.display()))?;
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "rows": rows }))?
        );
    }
    Ok(())
}
