//! The result's explanations in words, from what the run measured: why a
//! speedup fell short of the best possible (`analysis::reasons`), what a
//! speedup above it is made of (`analysis::split_speedup`), and what the
//! window itself cost, named apart from other programs.

use crate::analysis::{Reason, SpeedupParts};
use crate::gui::format::{cores_text, duration_text, percent_text, speedup_exact_text};

/// One reason, as a line of the result panel.
pub fn reason_text(r: &Reason) -> String {
    match *r {
        Reason::GilWait { ms, share } => format!(
            "waiting for the GIL: {} in all, {} of the workers' time",
            duration_text(ms * 1e6),
            percent_text(share * 100.0)
        ),
        Reason::CoreWait {
            ms,
            share,
            workers,
            cores,
        } => {
            let turns = if workers > cores && cores > 0 {
                format!(" ({workers} workers took turns on {cores})")
            } else {
                String::new()
            };
            format!(
                "waiting for a core: {} in all, {} of the workers' time{turns}",
                duration_text(ms * 1e6),
                percent_text(share * 100.0)
            )
        }
        Reason::FrontEnd { cores } => format!("drawing this window took {}", cores_text(cores)),
        Reason::Helpers { cores } => {
            format!("threadlab's helper threads took {}", cores_text(cores))
        }
        Reason::OtherPrograms { cores } => format!("other programs took {}", cores_text(cores)),
    }
}

/// `text` with its first letter in capitals, to open a sentence.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A speedup above the best possible, taken apart.
pub fn parts_text(parts: &SpeedupParts) -> String {
    format!(
        "{} from more cores × {} from less CPU per item: the work itself ran faster, \
         which more cores alone cannot give",
        speedup_exact_text(parts.parallel),
        speedup_exact_text(parts.per_item)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_measured() {
        let t = reason_text(&Reason::CoreWait {
            ms: 1500.0,
            share: 0.5,
            workers: 4,
            cores: 2,
        });
        assert!(t.contains("waiting for a core"), "{t}");
        assert!(t.contains("4 workers took turns on 2"), "{t}");
        let w = reason_text(&Reason::FrontEnd { cores: 0.3 });
        assert_eq!(w, "drawing this window took 0.3 of a core");
    }
}
