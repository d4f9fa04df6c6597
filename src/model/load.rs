//! Reading scenarios from TOML: presets embedded in the binary and users'
//! own files. Every error names the file and, where it can, the line.

use super::scenario::{RangeError, Scenario};
use std::io::Read;
use std::path::Path;

/// The largest scenario file read, 1 MB: a scenario is a few hundred bytes,
/// and anything larger (`/dev/zero`, a log file given by mistake) would be
/// read into memory whole before the parser could refuse it.
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The path is not something a scenario can be read from: a folder, a
    /// device, a pipe, a file over [`MAX_SCENARIO_BYTES`], binary data.
    #[error("{path}: {why}")]
    NotScenario {
        /// The file.
        path: String,
        /// What it is instead.
        why: String,
    },
    /// The TOML is broken or names an unknown field.
    #[error("{origin}{}: {message}", at_line(*.line))]
    Parse {
        /// The file or preset name.
        origin: String,
        /// 1-based line, 0 when unknown (then no line is named).
        line: usize,
        /// What the parser said.
        message: String,
    },
    /// A knob is outside its range.
    #[error("{origin}{}: {source}", at_line(*.line))]
    Range {
        /// The file or preset name.
        origin: String,
        /// 1-based line of the field, 0 when the field is not in the file
        /// (then no line is named).
        line: usize,
        /// Which field and range.
        source: RangeError,
    },
}

/// `:N` for a known line, nothing for an unknown one: "f.toml:0:" would
/// send the reader to a line that does not exist.
fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

/// Parses and validates a scenario; `origin` names the text in errors.
pub fn parse_scenario(text: &str, origin: &str) -> Result<Scenario, LoadError> {
    let scenario: Scenario = toml::from_str(text).map_err(|e| LoadError::Parse {
        origin: origin.to_owned(),
        line: e
            .span()
            .map(|span| line_of_offset(text, span.start))
            .unwrap_or(0),
        message: e.message().trim().replace('\n', " "),
    })?;
    scenario.validate().map_err(|source| LoadError::Range {
        origin: origin.to_owned(),
        line: line_of_error(text, source.field),
        source,
    })?;
    Ok(scenario)
}

/// Reads, parses and validates a scenario file. Only a regular file of at
/// most [`MAX_SCENARIO_BYTES`] of text, not empty, is read; a folder, a device
/// (`/dev/zero`, `/dev/urandom`), a pipe or a socket is refused before a
/// byte is read, and opening never waits for a pipe's writer.
pub fn load_scenario_file(path: &Path) -> Result<Scenario, LoadError> {
    let text = read_text_file(path, &TextFile::SCENARIO)?;
    parse_scenario(&text, &path.display().to_string())
}

/// What kind of small text file is read, for [`read_text_file`]'s messages.
#[derive(Clone, Copy, Debug)]
pub struct TextFile {
    /// What the file is, for "is a folder, not {what}".
    pub what: &'static str,
    /// The extension to suggest, for "give a {extension} file".
    pub extension: &'static str,
    /// Why a file over the limit is refused, after "is larger than 1 MB; ".
    pub size_hint: &'static str,
    /// Why an empty file is refused, after "is empty; ".
    pub empty_hint: &'static str,
}

impl TextFile {
    /// A scenario file.
    pub const SCENARIO: TextFile = TextFile {
        what: "a scenario file",
        extension: ".toml",
        size_hint: "a scenario file is a few hundred bytes",
        // An empty file would run the defaults without a word: far more
        // often a file that was cut short or never written than a choice.
        empty_hint: "a scenario file sets at least one knob (the others default)",
    };
}

/// Reads a small text file (at most [`MAX_SCENARIO_BYTES`], UTF-8, not
/// empty). A folder, a device, a pipe or a socket is refused before a byte
/// is read, and opening never waits for a pipe's writer.
pub fn read_text_file(path: &Path, kind: &TextFile) -> Result<String, LoadError> {
    let name = path.display().to_string();
    let io = |source| LoadError::Io {
        path: name.clone(),
        source,
    };
    let refuse = |why: String| LoadError::NotScenario {
        path: name.clone(),
        why,
    };
    let file = open_without_waiting(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(refuse(format!("is a folder, not {}", kind.what)));
    }
    if !meta.is_file() {
        return Err(refuse(format!(
            "is not a regular file (a device, a pipe or a socket); give a {} file",
            kind.extension
        )));
    }
    let too_large = || refuse(format!("is larger than 1 MB; {}", kind.size_hint));
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        refuse(format!(
            "is not a text file (byte {} is not UTF-8)",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.trim().is_empty() {
        return Err(refuse(format!("is empty; {}", kind.empty_hint)));
    }
    Ok(text)
}

/// Opens `path` for reading without blocking: opening a pipe that has no
/// writer would otherwise wait forever.
pub(crate) fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The 1-based line of byte `offset` of `text`.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The 1-based line of the field an error names, or 0. Two fields in one
/// ("processes x threads") are at the later of their lines: the one that
/// tipped the total over.
fn line_of_error(text: &str, field: &str) -> usize {
    match field.split_once(" x ") {
        Some((a, b)) => line_of_field(text, a).max(line_of_field(text, b)),
        None => line_of_field(text, field),
    }
}

/// The 1-based line where `field = ...` is set, or 0.
pub fn line_of_field(text: &str, field: &str) -> usize {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(field)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_line() {
        let err = parse_scenario("threads = 2\nthreds = 3\n", "x.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("x.toml:2:"), "{msg}");
        assert!(msg.contains("threds"), "{msg}");
    }

    #[test]
    fn out_of_range_names_line_and_field() {
        let err = parse_scenario("name = \"a\"\n\nthreads = 0\n", "y.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "y.toml:3: threads = 0 is out of range 1..=256"
        );
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse_scenario("gil = \"maybe\"\n", "z.toml").unwrap_err();
        assert!(err.to_string().starts_with("z.toml:1:"), "{err}");
    }

    #[test]
    fn too_many_workers_names_the_line_that_made_them() {
        let err = parse_scenario("processes = 8\nthreads = 256\n", "f.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("f.toml:2: processes x threads"), "{msg}");
    }

    #[test]
    fn an_unknown_line_is_not_called_line_0() {
        let err = LoadError::Parse {
            origin: "f.toml".to_owned(),
            line: 0,
            message: "broken".to_owned(),
        };
        assert_eq!(err.to_string(), "f.toml: broken");
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(parse_scenario("", "e.toml").unwrap(), Scenario::default());
    }
}
