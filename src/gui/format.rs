//! How sliders show their values: counts with k/M/G, times with µs, ms and
//! s, so "200 M" reads at a glance where 200000000 does not; and reading
//! back what someone typed into a slider's number box.

/// How a slider shows its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count: `8`, `20 k`, `200 M`.
    Count,
    /// Microseconds: `500 µs`, `5 ms`.
    Micros,
    /// Milliseconds: `100 ms`, `1.5 s`.
    Millis,
}

impl Unit {
    /// `v` for people, with its scale or unit.
    pub fn format(self, v: f64) -> String {
        let short = |x: f64| {
            let text = format!("{x:.1}");
            text.trim_end_matches(".0").to_owned()
        };
        match self {
            Unit::Count if v >= 1e9 => format!("{} G", short(v / 1e9)),
            Unit::Count if v >= 1e6 => format!("{} M", short(v / 1e6)),
            Unit::Count if v >= 1e4 => format!("{} k", short(v / 1e3)),
            Unit::Count => format!("{v:.0}"),
            Unit::Micros if v >= 1e3 => format!("{} ms", short(v / 1e3)),
            Unit::Micros => format!("{v:.0} µs"),
            Unit::Millis if v >= 1e3 => format!("{} s", short(v / 1e3)),
            Unit::Millis => format!("{v:.0} ms"),
        }
    }

    /// Reads what someone typed: a number with an optional scale or unit.
    pub fn parse(self, text: &str) -> Option<f64> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_' || c == ','))
            .unwrap_or(text.len());
        let number: f64 = text[..split].replace(['_', ','], "").parse().ok()?;
        let scale = match (self, text[split..].trim().to_lowercase().as_str()) {
            (_, "") => 1.0,
            (Unit::Count, "k") => 1e3,
            (Unit::Count, "m") => 1e6,
            (Unit::Count, "g") => 1e9,
            (Unit::Micros, "µs" | "us") => 1.0,
            (Unit::Micros, "ms") | (Unit::Millis, "s") => 1e3,
            (Unit::Micros, "s") => 1e6,
            (Unit::Millis, "ms") => 1.0,
            _ => return None,
        };
        Some(number * scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slider_values_read_well_and_parse_back() {
        assert_eq!(Unit::Count.format(200_000_000.0), "200 M");
        assert_eq!(Unit::Count.format(1_500.0), "1500");
        assert_eq!(Unit::Count.format(25_000.0), "25 k");
        assert_eq!(Unit::Micros.format(5_000.0), "5 ms");
        assert_eq!(Unit::Micros.format(250.0), "250 µs");
        assert_eq!(Unit::Millis.format(1_500.0), "1.5 s");
        assert_eq!(Unit::Count.parse("200 M"), Some(2e8));
        assert_eq!(Unit::Count.parse("1,000"), Some(1e3));
        assert_eq!(Unit::Micros.parse("5 ms"), Some(5e3));
        assert_eq!(Unit::Millis.parse("100"), Some(100.0));
        assert_eq!(Unit::Count.parse("lots"), None);
    }
}
