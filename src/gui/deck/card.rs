//! The question card: before the run, the question and its choices with
//! the room's votes; after it, the measured value beside the votes, the
//! choice it makes right marked. Read from the back of a lecture hall:
//! large text, one row of choices, numbers rather than a chart.

use super::state::DeckMode;
use crate::deck::fill;
use crate::gui::command::Command;
use crate::gui::present::{ContextExt as _, faded, keys_text};
use egui::{Frame, RichText, Stroke, Ui, vec2};

/// Where the step's run stands, for the line under the choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardPhase {
    /// Nothing runs: the room votes.
    Voting,
    /// The step's run (or its serial timing, or its comparison) goes on.
    Measuring,
    /// The run ended without the number (stopped, failed).
    Unmeasured,
}

/// The question of the step on screen, if it asks one; `cores` fills in
/// `{cores}` before the run (the run's own count after it).
pub fn question_card_ui(
    ui: &mut Ui,
    deck: &DeckMode,
    cores: u32,
    phase: CardPhase,
    commands: &mut Vec<Command>,
) {
    let Some(question) = deck.step().prediction.as_ref().filter(|_| deck.asks()) else {
        return;
    };
    let pal = ui.palette();
    let outcome = deck.outcome();
    let f = deck.fill(outcome.map_or(cores, |o| o.cores));
    let votes = deck.votes();
    let total: u32 = votes.iter().sum();
    Frame::group(ui.style()).inner_margin(10.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        // Once answered, the question steps back for the picture that
        // answers it: smaller text, one line per choice.
        let size = if outcome.is_some() { 17.0 } else { 21.0 };
        ui.label(
            RichText::new(fill(&question.question, f))
                .size(size)
                .color(pal.strong_text()),
        );
        ui.add_space(if outcome.is_some() { 2.0 } else { 6.0 });
        ui.columns(question.choices.len(), |columns| {
            for (c, (ui, choice)) in columns.iter_mut().zip(&question.choices).enumerate() {
                let right = outcome.map(|o| o.right == c);
                let n = votes.get(c).copied().unwrap_or(0);
                choice_ui(ui, c, &fill(choice, f), n, total, right, commands);
            }
        });
        ui.add_space(4.0);
        let line = match (outcome, phase) {
            (Some(o), _) => {
                let right_votes = votes.get(o.right).copied().unwrap_or(0);
                let share = if total > 0 {
                    format!(
                        " · {right_votes} of {total} votes ({:.0} %)",
                        100.0 * f64::from(right_votes) / f64::from(total)
                    )
                } else {
                    String::new()
                };
                let changed = match o.caveat() {
                    "" => String::new(),
                    caveat => format!(" ({caveat})"),
                };
                RichText::new(format!(
                    "The run measured {} {}{changed}, so choice {} is right{share}",
                    question.measure.words(),
                    question.measure.format(o.value),
                    o.right + 1,
                ))
                .size(18.0)
                .strong()
                .color(pal.strong_text())
            }
            (None, CardPhase::Voting) => RichText::new(format!(
                "Votes: keys 1–{} or + and −  ·  {} runs the step  ·  {} skips the question",
                question.choices.len(),
                keys_text(Command::Run),
                keys_text(Command::SkipQuestion)
            ))
            .color(pal.weak_text()),
            (None, CardPhase::Measuring) => {
                RichText::new("Measuring… the answer shows once the run has measured it")
                    .color(pal.weak_text())
            }
            (None, CardPhase::Unmeasured) => {
                RichText::new("The run ended without measuring the answer; run it again to see it")
                    .color(pal.warning())
            }
        };
        ui.label(line);
    });
}

/// One choice: its number and answer, its votes, and after the run whether
/// the measurement made it right (`right`).
fn choice_ui(
    ui: &mut Ui,
    c: usize,
    label: &str,
    votes: u32,
    total: u32,
    right: Option<bool>,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    let (stroke, text) = match right {
        Some(true) => (Stroke::new(3.0, pal.strong_text()), pal.strong_text()),
        Some(false) => (Stroke::new(1.0, pal.grid()), pal.weak_text()),
        None => (Stroke::new(1.0, pal.grid()), pal.text()),
    };
    Frame::new()
        .stroke(stroke)
        .corner_radius(6.0)
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            if right.is_some() {
                // Answered: the choice, its votes, nothing to press.
                ui.horizontal(|ui| {
                    if right == Some(true) {
                        check_mark_ui(ui, 18.0, text);
                    }
                    ui.label(
                        RichText::new(format!("{}", c + 1))
                            .size(18.0)
                            .strong()
                            .color(text),
                    );
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.label(
                            RichText::new(format!("{votes}"))
                                .size(20.0)
                                .strong()
                                .color(text),
                        );
                        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                            ui.add(
                                egui::Label::new(RichText::new(label).size(15.0).color(text))
                                    .truncate(),
                            );
                        });
                    });
                });
                return;
            }
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("{}", c + 1))
                        .size(22.0)
                        .strong()
                        .color(text),
                );
                ui.add(egui::Label::new(RichText::new(label).size(17.0).color(text)).wrap());
            });
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("{votes}"))
                        .size(26.0)
                        .strong()
                        .color(text),
                );
                ui.label(RichText::new(if votes == 1 { "vote" } else { "votes" }).color(text));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .small_button("+")
                        .on_hover_text("One more vote")
                        .clicked()
                    {
                        commands.push(Command::Vote(c));
                    }
                    if ui
                        .small_button("−")
                        .on_hover_text("One vote fewer")
                        .clicked()
                    {
                        commands.push(Command::Unvote(c));
                    }
                });
            });
            // The share of the room, as a bar: the eye compares lengths
            // faster than numbers.
            let width = ui.available_width();
            let (rect, _) = ui.allocate_exact_size(vec2(width, 6.0), egui::Sense::hover());
            let painter = ui.painter();
            painter.rect_filled(rect, 2.0, faded(pal.grid(), 0.5));
            if total > 0 {
                let mut bar = rect;
                bar.set_width(width * votes as f32 / total as f32);
                painter.rect_filled(bar, 2.0, text);
            }
        });
}

/// A check mark `size` points tall, drawn rather than typed: not every
/// font the window may fall back to has one.
fn check_mark_ui(ui: &mut Ui, size: f32, color: egui::Color32) {
    let (rect, _) = ui.allocate_exact_size(vec2(size, size), egui::Sense::hover());
    let p = |x: f32, y: f32| rect.min + vec2(x * rect.width(), y * rect.height());
    ui.painter().line(
        vec![p(0.1, 0.55), p(0.4, 0.85), p(0.92, 0.18)],
        Stroke::new(size * 0.16, color),
    );
}
