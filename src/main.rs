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
            let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
            let first = lines.next().unwrap_or("bad arguments");
            // "the following required arguments were not provided:" names
            // them on the next line.
            let line = match lines.next() {
                Some(next) if first.ends_with(':') => format!("{first} {next}"),
                _ => first.to_owned(),
            };
            cli::out::warn(line.trim_start_matches("error: "));
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
        Some(Command::Show(args)) => cli::show::show(&args),
        Some(Command::Deck(command)) => match command {
            cli::args::DeckCommand::List => cli::deck::list(),
            cli::args::DeckCommand::Show { name } => cli::deck::show(&name),
            cli::args::DeckCommand::Check { file } => cli::deck::check(&file),
        },
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
    let record = clip_request(&args, size)?;
    let (deck, step) = deck_request(&args)?;
    let options = WindowOptions {
        app: AppOptions {
            record,
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
            open: args.open,
            deck,
            step,
            votes: args.votes,
        },
        size,
        renderer,
    };
    threadlab::gui::run(options).map_err(|e| match e {
        WindowError::BadOptions(message) => cli::BadInput(message).into(),
        WindowError::Failed(e) => e,
    })
}

/// `--deck`, `--step` and `--votes`, checked before the window opens: a
/// broken deck is named with its file and line, a step past its end or
/// more votes than the step's choices is bad input.
#[cfg(feature = "gui")]
fn deck_request(args: &GuiArgs) -> anyhow::Result<(Option<threadlab::deck::Deck>, usize)> {
    let bad = |m: String| anyhow::Error::from(cli::BadInput(m));
    let Some(name) = &args.deck else {
        return Ok((None, 0));
    };
    if args.overrides != cli::args::Overrides::default() {
        return Err(bad(
            "--deck sets every step's knobs: change them in the deck (threadlab deck show NAME)"
                .to_owned(),
        ));
    }
    let deck = threadlab::deck::open_deck(name).map_err(|e| bad(e.to_string()))?;
    let steps = deck.steps.len();
    let step = match args.step {
        None => 0,
        Some(n) if (1..=steps).contains(&n) => n - 1,
        Some(n) => {
            return Err(bad(format!(
                "--step {n}: the deck {} has steps 1 to {steps}",
                deck.name
            )));
        }
    };
    if !args.votes.is_empty() {
        let choices = deck.steps[step]
            .prediction
            .as_ref()
            .map_or(0, |p| p.choices.len());
        if choices == 0 {
            return Err(bad(format!(
                "--votes: step {} of the deck asks no question",
                step + 1
            )));
        }
        if args.votes.len() > choices {
            return Err(bad(format!(
                "--votes: step {} has {choices} choices, not {}",
                step + 1,
                args.votes.len()
            )));
        }
        if let Some(v) = args.votes.iter().find(|&&v| v > threadlab::deck::VOTES_MAX) {
            return Err(bad(format!(
                "--votes: {v} is more than {} votes for one choice",
                threadlab::deck::VOTES_MAX
            )));
        }
    }
    Ok((Some(deck), step))
}

/// `--record` and its options, checked before the window opens: the
/// format, the folder, the speed, the frame rate and the range.
#[cfg(feature = "gui")]
fn clip_request(
    args: &GuiArgs,
    size: Option<[f32; 2]>,
) -> anyhow::Result<Option<threadlab::gui::ClipRequest>> {
    use threadlab::video::{ClipTarget, options};
    let Some(path) = &args.record else {
        return Ok(None);
    };
    let bad = |m: String| anyhow::Error::from(cli::BadInput(m));
    if !args.run && args.open.is_none() {
        return Err(bad(
            "--record needs a run to record: add --run, or --open FILE.tlrun".to_owned(),
        ));
    }
    ClipTarget::check(path).map_err(|e| bad(format!("--record {e}")))?;
    options::check_speed(args.speed).map_err(bad)?;
    options::check_fps(args.fps).map_err(bad)?;
    options::check_range(args.from, args.to).map_err(bad)?;
    let size = size.unwrap_or(threadlab::gui::WINDOW_SIZE);
    Ok(Some(threadlab::gui::ClipRequest {
        path: path.clone(),
        size: [size[0] as u32, size[1] as u32],
        speed: args.speed,
        fps: args.fps,
        from_ms: args.from,
        to_ms: args.to,
        panels: !args.no_panels,
        title_card: args.title_card,
    }))
}

/// Without the `gui` feature there is no window: say so in one line, exit 2.
#[cfg(not(feature = "gui"))]
fn open_window(_args: GuiArgs) -> anyhow::Result<()> {
    Err(cli::BadInput(
        "the window is not available in this build (built without the gui feature)".to_owned(),
    )
    .into())
}
