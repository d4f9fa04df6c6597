//! The CLI's side of the CPython lens: `threadlab code`, `run --in cpython`
//! and `compare --with-cpython`. A missing, unusable or too old interpreter
//! is bad input: one line naming it, exit code 2.

use super::args::{CodeArgs, RunArgs};
use super::{BadInput, resolve_scenario};
use crate::export::{summary_csv, write_chrome_trace};
use crate::python::{LensError, LensOptions, LensReport};
use anyhow::Context;
use std::io::Write;

/// `threadlab code`: the scenario as a Python program, on stdout.
pub fn code(args: &CodeArgs) -> anyhow::Result<()> {
    let scenario = resolve_scenario(&args.source, &args.overrides)?;
    let text = crate::python::program(&scenario).text(args.measuring);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A reader that closed the pipe (`| head`) has all it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// A lens that cannot start: the interpreter's problems are the user's to
/// fix (exit 2); the OS's are not.
pub fn lens_error(e: LensError) -> anyhow::Error {
    match e {
        LensError::Setup(_) | LensError::Start { .. } => anyhow::Error::new(e),
        other => BadInput(other.to_string()).into(),
    }
}

/// `threadlab run --in cpython`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let scenario = resolve_scenario(&args.source, &args.overrides)?;
    let options = LensOptions {
        python: args.python.clone(),
        block: None,
    };
    let mut lens = crate::python::start(scenario, options).map_err(lens_error)?;
    let (report, events) = lens
        .wait_with_status(|text| eprintln!("threadlab: {text}"))
        .map_err(anyhow::Error::msg)?;
    if let Some(path) = &args.trace {
        write_chrome_trace(path, &report.summary, &events)
            .with_context(|| format!("writing the trace to {}", path.display()))?;
    }
    if let Some(path) = &args.csv {
        std::fs::write(path, summary_csv(std::slice::from_ref(&report.summary)))
            .with_context(|| format!("writing the CSV to {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print!("{}", report_text(&report));
    }
    Ok(())
}

/// The lens's report for people: the interpreter, what it measured, and
/// what the program printed.
pub fn report_text(r: &LensReport) -> String {
    let mut out = format!(
        "in {} ({}), {}\n",
        r.interpreter.label(),
        r.interpreter.path.display(),
        r.inferred_label()
    );
    let text = super::report::summary_text(&r.summary);
    for line in text.lines() {
        // The lens does not see drop requests: leave them out.
        out.push_str(&line.replace(", 0 drop requests", ""));
        out.push('\n');
    }
    if let Some(ms) = r.interpreter_startup_ms {
        out.push_str(&format!("  the interpreter took {ms:.1} ms to start\n"));
    }
    for line in r.output.lines() {
        out.push_str(&format!("  the program printed: {line}\n"));
    }
    out
}

/// `compare --with-cpython`: the same configurations, each run by a real
/// interpreter after the model's, with speedups against CPython's own
/// serial run. A configuration the interpreter cannot run (no GIL without
/// a free-threaded build) is left out, and the CLI says why.
pub struct CompareLens {
    python: Option<std::path::PathBuf>,
}

/// The label of a real row: "cpython threads".
pub const CPYTHON_PREFIX: &str = "cpython ";

impl CompareLens {
    /// Checks that an interpreter is there before the model's rows run.
    pub fn new(
        scenario: &crate::model::Scenario,
        python: Option<std::path::PathBuf>,
    ) -> anyhow::Result<Self> {
        let serial = crate::model::Scenario {
            gil: true,
            ..scenario.clone()
        };
        let options = LensOptions {
            python: python.clone(),
            block: None,
        };
        crate::python::choose_interpreter(&serial, &options).map_err(lens_error)?;
        Ok(Self { python })
    }

    /// Runs every configuration in the interpreter, one after another,
    /// printing each row as it comes unless `json`.
    pub fn run(
        &self,
        base: &crate::model::Scenario,
        json: bool,
    ) -> anyhow::Result<Vec<crate::engine::compare::CompareRow>> {
        use crate::engine::compare::{CompareRow, compare_configs};
        let mut rows = Vec::new();
        let mut serial_ms = 0.0;
        for (label, scenario) in compare_configs(base) {
            let options = LensOptions {
                python: self.python.clone(),
                block: None,
            };
            let lens = match crate::python::start(scenario.clone(), options) {
                Ok(lens) => lens,
                Err(e @ (LensError::NoFreeThreaded | LensError::HasGil { .. })) => {
                    eprintln!("threadlab: {CPYTHON_PREFIX}{label} left out: {e}");
                    continue;
                }
                Err(e) => return Err(lens_error(e)),
            };
            let (report, _) = lens.wait().map_err(anyhow::Error::msg)?;
            let wall = report.summary.wall_ms;
            if label == "serial" {
                serial_ms = wall;
            }
            let row = CompareRow::measured(
                &format!("{CPYTHON_PREFIX}{label}"),
                &scenario,
                wall,
                serial_ms,
            );
            if !json {
                if rows.is_empty() {
                    println!("in {}:", report.interpreter.label());
                }
                let shown = CompareRow {
                    label: label.clone(),
                    ..row.clone()
                };
                println!("{}", super::report::compare_line(&shown));
                if label == "native" {
                    println!(
                        "           (CPython's native row hashes with hashlib instead: the standard library has no native sum of squares)"
                    );
                }
            }
            rows.push(row);
        }
        Ok(rows)
    }
}

/// The rows as JSON, each saying where it ran: `"in": "model"` or `"cpython"`.
pub fn tag_rows(rows: &[crate::engine::compare::CompareRow]) -> Vec<serde_json::Value> {
    rows.iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            let place = if r.label.starts_with(CPYTHON_PREFIX) {
                "cpython"
            } else {
                "model"
            };
            if let Some(map) = v.as_object_mut() {
                map.insert("in".to_owned(), place.into());
            }
            v
        })
        .collect()
}
