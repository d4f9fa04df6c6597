//! Reading scenarios from TOML: presets embedded in the binary and users'
//! own files. Every error names the file and, where it can, the line.

use super::scenario::{RangeError, Scenario};
use std::path::Path;

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
    /// The TOML is broken or names an unknown field.
    #[error("{origin}:{line}: {message}")]
    Parse {
        /// The file or preset name.
        origin: String,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// What the parser said.
        message: String,
    },
    /// A knob is outside its range.
    #[error("{origin}:{line}: {source}")]
    Range {
        /// The file or preset name.
        origin: String,
        /// 1-based line of the field, 0 when the field is not in the file.
        line: usize,
        /// Which field and range.
        source: RangeError,
    },
}

/// Parses and validates a scenario; `origin` names the text in errors.
pub fn parse_scenario(text: &str, origin: &str) -> Result<Scenario, LoadError> {
    let scenario: Scenario = toml::from_str(text).map_err(|e| LoadError::Parse {
        origin: origin.to_owned(),
        line: e
            .span()
            .map(|span| line_of_offset(text, span.start))
            .unwrap_or(0),
        message: e.message().trim().to_owned(),
    })?;
    scenario.validate().map_err(|source| LoadError::Range {
        origin: origin.to_owned(),
        line: line_of_field(text, source.field),
        source,
    })?;
    Ok(scenario)
}

/// Reads, parses and validates a scenario file.
pub fn load_scenario_file(path: &Path) -> Result<Scenario, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_scenario(&text, &path.display().to_string())
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The 1-based line where `field = ...` is set, or 0.
fn line_of_field(text: &str, field: &str) -> usize {
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
    fn empty_file_is_the_default() {
        assert_eq!(parse_scenario("", "e.toml").unwrap(), Scenario::default());
    }
}
