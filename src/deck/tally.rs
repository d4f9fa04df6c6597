//! The room's votes, step by step, and what each run proved: shown beside
//! each other after a run, and exported for the whole session as CSV.

use super::Deck;
use super::prediction::Fill;

/// The most votes one choice takes: a large lecture hall, not a typo held down.
pub const VOTES_MAX: u32 = 9_999;

/// What a step's run measured, and the choice that makes right.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// The measured value.
    pub value: f64,
    /// The index of the right choice.
    pub right: usize,
    /// The cores the run could use (for per-core thresholds and the question).
    pub cores: u32,
    /// The run's knobs were not the step's (changed before it ran).
    pub knobs_changed: bool,
    /// A speedup whose one-thread timing ran under another load than the run.
    pub skewed: bool,
}

impl Outcome {
    /// What to read the answer with, in a few words ("" when nothing).
    pub fn caveat(&self) -> &'static str {
        match (self.skewed, self.knobs_changed) {
            (true, _) => "one thread was timed under another load: read with care",
            (false, true) => "measured with the knobs changed",
            (false, false) => "",
        }
    }
}

/// One step's votes and outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepTally {
    /// Votes per choice.
    pub votes: Vec<u32>,
    /// The lecturer skipped the question.
    pub skipped: bool,
    /// The answer, once revealed.
    pub outcome: Option<Outcome>,
}

impl StepTally {
    /// Every vote cast.
    pub fn total(&self) -> u32 {
        self.votes.iter().sum()
    }
}

/// The votes of a whole session: one entry per step of the deck.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    steps: Vec<StepTally>,
}

impl Tally {
    /// An empty tally for `deck`.
    pub fn new(deck: &Deck) -> Self {
        let steps = deck
            .steps
            .iter()
            .map(|s| StepTally {
                votes: vec![0; s.prediction.as_ref().map_or(0, |p| p.choices.len())],
                ..StepTally::default()
            })
            .collect();
        Self { steps }
    }

    /// Step `i`'s tally.
    pub fn step(&self, i: usize) -> Option<&StepTally> {
        self.steps.get(i)
    }

    /// Adds `delta` votes (negative takes them back) to `choice` of step
    /// `i`, between 0 and [`VOTES_MAX`]; a choice that does not exist is
    /// left alone.
    pub fn vote(&mut self, i: usize, choice: usize, delta: i32) {
        if let Some(v) = self.steps.get_mut(i).and_then(|s| s.votes.get_mut(choice)) {
            *v = v.saturating_add_signed(delta).min(VOTES_MAX);
        }
    }

    /// Skips step `i`'s question, or asks it again.
    pub fn toggle_skip(&mut self, i: usize) {
        if let Some(s) = self.steps.get_mut(i) {
            s.skipped = !s.skipped;
        }
    }

    /// Step `i`'s answer, as its run measured it (a re-run replaces it).
    pub fn reveal(&mut self, i: usize, outcome: Outcome) {
        if let Some(s) = self.steps.get_mut(i) {
            s.outcome = Some(outcome);
        }
    }

    /// Forgets step `i`'s answer (its run is being run again).
    pub fn hide(&mut self, i: usize) {
        if let Some(s) = self.steps.get_mut(i) {
            s.outcome = None;
        }
    }

    /// The whole session as CSV: one row per choice of every question,
    /// with its votes, whether the run proved it right, and the value.
    pub fn csv(&self, deck: &Deck) -> String {
        let mut out = String::from(
            "deck,step,title,question,choice,answer,votes,right,measure,measured,cores,note\n",
        );
        for (i, (step, tally)) in deck.steps.iter().zip(&self.steps).enumerate() {
            let Some(q) = &step.prediction else { continue };
            let cores = tally.outcome.map_or(0, |o| o.cores);
            let f = Fill {
                cores,
                threads: step.scenario.threads,
                processes: step.scenario.processes,
            };
            let question = super::prediction::fill(&q.question, f);
            for (c, choice) in q.choices.iter().enumerate() {
                let (right, measured) = match (tally.skipped, tally.outcome) {
                    (true, _) => ("skipped".to_owned(), String::new()),
                    (false, Some(o)) => ((o.right == c).to_string(), format!("{}", o.value)),
                    (false, None) => ("not run".to_owned(), String::new()),
                };
                let fields = [
                    deck.name.clone(),
                    (i + 1).to_string(),
                    step.title.clone(),
                    question.clone(),
                    (c + 1).to_string(),
                    super::prediction::fill(choice, f),
                    tally.votes.get(c).copied().unwrap_or(0).to_string(),
                    right,
                    q.measure.name().to_owned(),
                    measured,
                    if cores == 0 {
                        String::new()
                    } else {
                        cores.to_string()
                    },
                    tally.outcome.map_or("", |o| o.caveat()).to_owned(),
                ];
                let row: Vec<_> = fields.iter().map(|s| csv_field(s)).collect();
                out.push_str(&row.join(","));
                out.push('\n');
            }
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::parse_deck;

    fn deck() -> Deck {
        parse_deck(
            "name = \"t\"\n[[step]]\ntitle = \"Race, again\"\npreset = \"race\"\n[step.prediction]\nquestion = \"Lost on {cores} cores?\"\nmeasure = \"lost-updates-pct\"\nchoices = [\"none\", \"some\"]\nthresholds = [0.5]\n[[step]]\ntitle = \"b\"\npreset = \"queue\"\n",
            "t",
        )
        .unwrap()
    }

    #[test]
    fn votes_stay_between_zero_and_the_cap() {
        let d = deck();
        let mut t = Tally::new(&d);
        t.vote(0, 1, 3);
        t.vote(0, 1, -5);
        t.vote(0, 0, 20_000);
        t.vote(0, 7, 1);
        t.vote(1, 0, 1);
        assert_eq!(t.step(0).unwrap().votes, vec![VOTES_MAX, 0]);
        assert!(t.step(1).unwrap().votes.is_empty());
    }

    #[test]
    fn the_csv_has_a_row_per_choice_with_the_measured_answer() {
        let d = deck();
        let mut t = Tally::new(&d);
        t.vote(0, 0, 4);
        t.vote(0, 1, 9);
        t.reveal(
            0,
            Outcome {
                value: 31.5,
                right: 1,
                cores: 2,
                knobs_changed: false,
                skewed: false,
            },
        );
        let csv = t.csv(&d);
        let lines: Vec<_> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert_eq!(
            lines[1],
            "t,1,\"Race, again\",Lost on 2 cores?,1,none,4,false,lost-updates-pct,31.5,2,"
        );
        assert!(lines[2].contains(",some,9,true,"), "{csv}");
    }
}
