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
        Some(Command::Code(args)) => cli::lens::code(&args),
        Some(Command::Worker) => {
            return ExitCode::from(threadlab::engine::child::run_as_program() as u8);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => cli::report_error(&e),
    }
}

/// Opens the window with what `threadlab gui` was asked for. A bad `--size`
/// or an unknown preset is bad input (one line, exit 2), like the CLI's.
#[cfg(feature = "gui")]
fn open_window(args: GuiArgs) -> anyhow::Result<()> {
    use threadlab::gui::{AppOptions, RendererChoice, WindowError, WindowOptions, parse_size};
    // Refused before the window opens, not when the picture is due.
    if let Some(path) = &args.screenshot {
        cli::check_output("--screenshot", path)?;
    }
    let size = args
        .size
        .as_deref()
        .map(parse_size)
        .transpose()
        .map_err(cli::BadInput)?;
    // The flag wins over the environment; a bad variable is bad input too.
    let renderer = match args.renderer {
        Some(cli::args::RendererArg::Auto) => RendererChoice::Auto,
        Some(cli::args::RendererArg::Glow) => RendererChoice::Glow,
        Some(cli::args::RendererArg::Wgpu) => RendererChoice::Wgpu,
        None => RendererChoice::from_env().map_err(cli::BadInput)?,
    };
    // Knobs from the command line: checked here, like `run`'s, so a bad
    // one is one line and exit code 2 before any window opens.
    let knobs = if args.overrides == cli::args::Overrides::default() {
        None
    } else {
        let source = cli::args::ScenarioSource {
            preset: Some(
                args.preset
                    .clone()
                    .unwrap_or_else(|| threadlab::model::DEFAULT_PRESET.to_owned()),
            ),
            scenario: None,
        };
        Some(cli::resolve_scenario(&source, &args.overrides)?)
    };
    let options = WindowOptions {
        app: AppOptions {
            knobs,
            preset: args.preset,
            run: args.run,
            screenshot: args.screenshot,
            exit: args.exit,
            present: args.present,
            compare: args.compare,
            light: args.light,
            cpython: args.cpython,
            code: args.code,
            python: args.python,
        },
        size,
        renderer,
    };
    threadlab::gui::run(options).map_err(|e| match e {
        WindowError::BadOptions(message) => cli::BadInput(message).into(),
        WindowError::Failed(e) => e,
    })
}

/// Without the `gui` feature there is no window: say so in one line, exit 2.
#[cfg(not(feature = "gui"))]
fn open_window(_args: GuiArgs) -> anyhow::Result<()> {
    Err(cli::BadInput(
        "the window is not available in this build (built without the gui feature)".to_owned(),
    )
    .into())
}
