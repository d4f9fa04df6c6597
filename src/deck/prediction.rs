//! A step's question to the room: two to four choices, split by thresholds
//! on one measured number. Which choice was right is computed from the
//! run's measurement after it, so the deck never claims an answer the
//! machine did not give.

use super::measure::Measure;

/// Where one choice ends and the next begins: a fixed value, or a multiple
/// of the cores the run could use ("1.5 cores"), so one deck fits a laptop
/// and a workstation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// This value.
    Value(f64),
    /// This many times the run's cores.
    PerCore(f64),
}

impl Threshold {
    /// Reads `3`, `2.5`, `"cores"` or `"1.5 cores"`.
    pub fn parse_text(text: &str) -> Option<Threshold> {
        let text = text.trim();
        let factor = text
            .strip_suffix("cores")
            .or_else(|| text.strip_suffix("core"))?
            .trim();
        if factor.is_empty() {
            return Some(Threshold::PerCore(1.0));
        }
        factor
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && *f > 0.0)
            .map(Threshold::PerCore)
    }

    /// The value on a machine whose run had `cores` cores.
    pub fn at(self, cores: u32) -> f64 {
        match self {
            Threshold::Value(v) => v,
            // Checked in order up to the largest machine of CORES_CHECKED;
            // a larger one reads as that.
            Threshold::PerCore(f) => f * f64::from(cores.clamp(1, *CORES_CHECKED.end())),
        }
    }

    /// As the deck writes it.
    pub fn text(self) -> String {
        match self {
            Threshold::Value(v) => format!("{v}"),
            Threshold::PerCore(1.0) => "cores".to_owned(),
            Threshold::PerCore(f) => format!("{f} cores"),
        }
    }
}

/// The core counts a deck's thresholds must be in order for: a deck mixing
/// fixed values and multiples of the cores is checked on every machine it
/// may meet, up to a large workstation.
pub const CORES_CHECKED: std::ops::RangeInclusive<u32> = 1..=256;

/// A question before a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The question, with `{cores}`, `{threads}`, `{processes}` or
    /// `{workers}` filled in when shown.
    pub question: String,
    /// The number that decides.
    pub measure: Measure,
    /// Two to four answers, from the smallest value up.
    pub choices: Vec<String>,
    /// One fewer than the choices, increasing: a value below the first
    /// makes the first choice right, one at or above the last the last.
    pub thresholds: Vec<Threshold>,
}

/// The fewest and the most choices a question may have.
pub const CHOICES: std::ops::RangeInclusive<usize> = 2..=4;

impl Prediction {
    /// The right choice for a measured `value` on a run with `cores` cores.
    pub fn right_choice(&self, value: f64, cores: u32) -> usize {
        self.thresholds
            .iter()
            .filter(|t| value >= t.at(cores))
            .count()
            .min(self.choices.len().saturating_sub(1))
    }

    /// Why the thresholds do not split the choices, if they do not.
    pub fn check(&self) -> Result<(), String> {
        if !CHOICES.contains(&self.choices.len()) {
            return Err(format!(
                "a question has 2 to 4 choices, this one {}",
                self.choices.len()
            ));
        }
        if self.thresholds.len() + 1 != self.choices.len() {
            return Err(format!(
                "{} choices need {} thresholds between them, not {}",
                self.choices.len(),
                self.choices.len() - 1,
                self.thresholds.len()
            ));
        }
        for cores in CORES_CHECKED {
            for pair in self.thresholds.windows(2) {
                if pair[0].at(cores) >= pair[1].at(cores) {
                    return Err(format!(
                        "thresholds must increase: {} is not below {} on {cores} core{}",
                        pair[0].text(),
                        pair[1].text(),
                        if cores == 1 { "" } else { "s" }
                    ));
                }
            }
        }
        Ok(())
    }
}

/// What a step's text may name, filled in when shown.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fill {
    /// The cores the run may use.
    pub cores: u32,
    /// Threads per process.
    pub threads: u32,
    /// Processes.
    pub processes: u32,
}

/// The names `{...}` may hold.
pub const PLACEHOLDERS: [&str; 4] = ["cores", "threads", "processes", "workers"];

/// `text` with its placeholders filled in.
pub fn fill(text: &str, f: Fill) -> String {
    text.replace("{cores}", &f.cores.to_string())
        .replace("{threads}", &f.threads.to_string())
        .replace("{processes}", &f.processes.to_string())
        .replace(
            "{workers}",
            &(f.threads.max(1) * f.processes.max(1)).to_string(),
        )
}

/// The first `{name}` of `text` that is not a placeholder, if any.
pub fn unknown_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Some(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(thresholds: Vec<Threshold>) -> Prediction {
        Prediction {
            question: "How much faster?".to_owned(),
            measure: Measure::Speedup,
            choices: vec!["About 1×".into(), "About 2×".into(), "About 4×".into()],
            thresholds,
        }
    }

    #[test]
    fn the_measured_value_picks_the_choice() {
        let q = question(vec![Threshold::Value(1.5), Threshold::Value(3.0)]);
        assert_eq!(q.right_choice(1.02, 2), 0);
        assert_eq!(q.right_choice(1.5, 2), 1);
        assert_eq!(q.right_choice(2.9, 2), 1);
        assert_eq!(q.right_choice(3.7, 2), 2);
    }

    #[test]
    fn per_core_thresholds_follow_the_machine() {
        let q = question(vec![Threshold::PerCore(0.75), Threshold::PerCore(1.5)]);
        assert_eq!(q.right_choice(1.9, 2), 1);
        assert_eq!(q.right_choice(1.9, 8), 0);
        assert_eq!(
            Threshold::parse_text("1.5 cores"),
            Some(Threshold::PerCore(1.5))
        );
        assert_eq!(
            Threshold::parse_text("cores"),
            Some(Threshold::PerCore(1.0))
        );
        assert_eq!(Threshold::parse_text("-1 cores"), None);
        assert_eq!(Threshold::parse_text("fast"), None);
    }

    #[test]
    fn thresholds_must_split_the_choices_in_order() {
        assert!(
            question(vec![Threshold::Value(1.5), Threshold::Value(3.0)])
                .check()
                .is_ok()
        );
        let err = question(vec![Threshold::Value(3.0), Threshold::Value(1.5)])
            .check()
            .unwrap_err();
        assert!(err.contains("increase"), "{err}");
        assert!(question(vec![Threshold::Value(1.5)]).check().is_err());
        // 1.5 is below "cores" on 2 cores, but not on 1.
        let err = question(vec![Threshold::Value(1.5), Threshold::PerCore(1.0)])
            .check()
            .unwrap_err();
        assert!(err.contains("1 core"), "{err}");
    }

    #[test]
    fn placeholders_are_filled_and_typos_found() {
        let f = Fill {
            cores: 2,
            threads: 4,
            processes: 1,
        };
        assert_eq!(
            fill("{threads} threads on {cores} cores ({workers})", f),
            "4 threads on 2 cores (4)"
        );
        assert_eq!(
            unknown_placeholder("{cores} and {core}"),
            Some("core".into())
        );
        assert_eq!(unknown_placeholder("no braces"), None);
    }
}
