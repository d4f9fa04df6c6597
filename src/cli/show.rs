//! `threadlab show FILE.tlrun [--json] [--trace OUT.json] [--csv OUT.csv]`:
//! a saved run's summary, printed as `run` printed it, with the machine and
//! the time it was recorded, and converted with the same exporters, without
//! running anything. A file that is not a whole saved run is bad input: one
//! line naming it, exit code 2.

use super::args::ShowArgs;
use super::{BadInput, Exit, check_output, out, report};
use crate::export::{summary_csv, write_bytes, write_chrome_trace};
use crate::runfile::{SavedRun, load_run};

/// `threadlab show`.
pub fn show(args: &ShowArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.trace {
        check_output("--trace", path)?;
    }
    if let Some(path) = &args.csv {
        check_output("--csv", path)?;
    }
    // One line, whatever the file's name holds.
    let saved =
        load_run(&args.file).map_err(|e| BadInput(e.to_string().replace(['\n', '\r'], " ")))?;
    let mut failures = Vec::new();
    if let Some(path) = &args.trace
        && let Err(e) = write_chrome_trace(path, &trace_summary(&saved), &saved.events.events)
    {
        failures.push(format!("writing the trace to {}: {e}", path.display()));
    }
    let summary = &saved.info.summary;
    if let Some(path) = &args.csv {
        let csv = summary_csv(std::slice::from_ref(summary));
        if let Err(e) = write_bytes(path, csv.as_bytes()) {
            failures.push(format!("writing the CSV to {}: {e}", path.display()));
        }
    }
    let text = if args.json {
        let mut doc = serde_json::to_value(summary)?;
        if let Some(map) = doc.as_object_mut() {
            map.insert("recorded".to_owned(), recorded_json(&saved));
        }
        serde_json::to_string_pretty(&doc)? + "\n"
    } else {
        format!(
            "{}\n{}",
            saved.info.provenance(),
            report::summary_text(summary)
        )
    };
    out::stdout(&text)?;
    for failure in &failures {
        out::warn(failure);
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Exit(1).into())
    }
}

/// The summary a trace of the file carries: what the file holds one by one
/// (the first events, up to the cap a live run keeps) and what it only
/// counts. For a run saved with `--trace`, the run's own numbers.
fn trace_summary(saved: &SavedRun) -> crate::model::RunSummary {
    let mut summary = saved.info.summary.clone();
    summary.events_kept = saved.events.events.len() as u64;
    summary.events_summarised = saved.events.summarised;
    summary
}

/// `recorded` in `show --json`: when and on which machine.
fn recorded_json(saved: &SavedRun) -> serde_json::Value {
    let info = &saved.info;
    serde_json::json!({
        "at": crate::runfile::machine::utc_text(info.recorded_unix_ms),
        "unix_ms": info.recorded_unix_ms,
        "machine": info.machine,
        "format_version": crate::runfile::FORMAT_VERSION,
    })
}
