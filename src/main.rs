//! The `threadlab` binary: parse the command line, then hand over to the CLI,
//! the window, or (hidden) a child process's worker loop.

use clap::Parser;
use std::process::ExitCode;
use threadlab::cli::{self, args::Cli, args::Command, args::GuiArgs};

fn main() -> ExitCode {
    let parsed = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line, naming the flag: clap's first line says it all.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("bad arguments");
            cli::out::warn(first.trim_start_matches("error: "));
            return ExitCode::from(cli::EXIT_BAD_INPUT);
        }
    };
    let result = match parsed.command {
        None => open_window(GuiArgs::default()),
        Some(Command::Gui(args)) => open_window(args),
        Some(Command::List) => cli::list(),
        Some(Command::Run(args)) => cli::run(&args),
        Some(Command::Compare(args)) => cli::compare(&args),
        Some(Command::Worker) => {
            return ExitCode::from(threadlab::engine::child::run_as_program() as u8);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => cli::report_error(&e),
    }
}

#[cfg(feature = "gui")]
fn open_window(args: GuiArgs) -> anyhow::Result<()> {
    // Refused before the window opens, not when the picture is due.
    if let Some(path) = &args.screenshot {
        cli::check_output("--screenshot", path)?;
    }
    threadlab::gui::run(args)
}

/// Without the `gui` feature there is no window: say so in one line, exit 2.
#[cfg(not(feature = "gui"))]
fn open_window(_args: GuiArgs) -> anyhow::Result<()> {
    Err(cli::BadInput(
        "the window is not available in this build (built without the gui feature)".to_owned(),
    )
    .into())
}
