//! Painting lanes cheaply. Bars go into two meshes (solid, and striped with a
//! repeating texture), so a frame with thousands of bars is a handful of
//! shapes and tessellation stays in proportion to the pixels drawn. Text and
//! marks are added on top at the end.

use crate::analysis::timeline::{CATEGORIES, Merged, PixelWindow, State, Totals};
use crate::gui::format::group_thousands;
use crate::gui::present::{
    ContextExt as _, Fill, HATCH_PX, Palette, faded, hatch_texture, state_fill,
};
use egui::epaint::Mesh;
use egui::{Align2, Color32, Context, FontId, Painter, Pos2, Rect, Shape, Stroke, pos2, vec2};

/// Font of labels drawn on bars.
pub fn bar_font(lane_h: f32) -> FontId {
    FontId::proportional((lane_h * 0.62).clamp(9.0, 13.0))
}

/// Whether a bar may be wide and tall enough for a label of `chars`
/// characters, before the label is formatted or laid out. No glyph is
/// narrower than a fifth of the font size, so a label that would fit is
/// never turned away.
pub fn may_hold(rect: Rect, chars: usize) -> bool {
    let least = 0.2 * bar_font(rect.height()).size * chars as f32;
    rect.height() >= 9.0 && least + 6.0 <= rect.width()
}

/// Collects one frame's bars, marks and labels, then paints them in order.
pub struct LanePainter {
    pal: Palette,
    solid: Mesh,
    hatch: Mesh,
    marks: Vec<Shape>,
    labels: Vec<Label>,
    /// The bar each slot of the current lane may still widen.
    runs: [Option<Run>; RUN_SLOTS],
    /// The x ranges of the labels placed on the current lane, and their index.
    lane_labels: Vec<(f32, f32, usize)>,
    /// Columns of the current lane with merged spans: `(count, used height)`.
    columns: Vec<(u32, f32)>,
    /// Spans merged on screen this frame, all lanes.
    pub merged_spans: u64,
    /// Merged marks on screen this frame, all lanes.
    pub merged_marks: u64,
}

/// Slots of merged bars a lane keeps open: one per state, one for holds.
const RUN_SLOTS: usize = CATEGORIES + 1;

/// A merged bar that the next column may widen.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// Its first vertex in the solid mesh (the quad's four vertices follow).
    vertex: usize,
    x1: f32,
    y: (f32, f32),
    color: Color32,
}

struct Label {
    pos: Pos2,
    text: String,
    font: FontId,
    color: Color32,
    backdrop: bool,
}

impl LanePainter {
    /// A painter for bars `width_px` wide at most, in the colours of
    /// `ctx`'s theme, striping with its hatch texture.
    pub fn new(ctx: &Context, width_px: f32) -> Self {
        Self {
            pal: ctx.palette(),
            solid: Mesh::default(),
            hatch: Mesh::with_texture(hatch_texture(ctx).id()),
            marks: Vec::new(),
            labels: Vec::new(),
            lane_labels: Vec::new(),
            runs: [None; RUN_SLOTS],
            columns: vec![(0, 0.0); width_px.max(1.0) as usize + 2],
            merged_spans: 0,
            merged_marks: 0,
        }
    }

    /// The colours the lanes are painted in.
    pub fn palette(&self) -> Palette {
        self.pal
    }

    /// A solid bar.
    pub fn solid(&mut self, rect: Rect, color: Color32) {
        self.solid.add_colored_rect(rect, color);
    }

    /// A dim bar with stripes in `color`.
    pub fn hatched(&mut self, rect: Rect, color: Color32) {
        self.solid.add_colored_rect(rect, faded(color, 0.30));
        let uv = Rect::from_min_max(
            (rect.min.to_vec2() / HATCH_PX).to_pos2(),
            (rect.max.to_vec2() / HATCH_PX).to_pos2(),
        );
        self.hatch.add_rect_with_uv(rect, uv, faded(color, 0.62));
    }

    /// A dim bar with stripes in `color` running the other way (top left
    /// to bottom right), from the same texture mirrored.
    pub fn back_hatched(&mut self, rect: Rect, color: Color32) {
        self.solid.add_colored_rect(rect, faded(color, 0.30));
        let uv = Rect::from_min_max(
            pos2(-rect.min.x / HATCH_PX, rect.min.y / HATCH_PX),
            pos2(-rect.max.x / HATCH_PX, rect.max.y / HATCH_PX),
        );
        self.hatch.add_rect_with_uv(rect, uv, faded(color, 0.62));
    }

    /// A bar painted as `fill` in `color`.
    pub fn fill(&mut self, rect: Rect, fill: Fill, color: Color32) {
        match fill {
            Fill::Solid => self.solid(rect, color),
            Fill::Hatched => self.hatched(rect, color),
            Fill::BackHatched => self.back_hatched(rect, color),
            Fill::Outline => {
                // A faint body inside a frame of 1.5 px: present, not running.
                self.solid(rect, faded(color, 0.15));
                let w = 1.5f32.min(rect.width() * 0.5);
                let (x, y) = (rect.x_range(), rect.y_range());
                for edge in [
                    Rect::from_x_y_ranges(x, y.min..=(y.min + w)),
                    Rect::from_x_y_ranges(x, (y.max - w)..=y.max),
                    Rect::from_x_y_ranges(x.min..=(x.min + w), y),
                    Rect::from_x_y_ranges((x.max - w)..=x.max, y),
                ] {
                    self.solid(edge, color);
                }
            }
            Fill::Thin => {
                let h = (rect.height() * 0.12).max(1.0);
                let y = rect.center().y;
                self.solid(
                    Rect::from_x_y_ranges(rect.x_range(), (y - h * 0.5)..=(y + h * 0.5)),
                    faded(color, 0.8),
                );
            }
        }
    }

    /// A state bar between `x0` and `x1` in the lane `row`.
    pub fn state_bar(&mut self, row: Rect, x0: f32, x1: f32, state: State) {
        let color = self.pal.state_color(state);
        let full = Rect::from_x_y_ranges(x0..=x1, row.y_range());
        self.fill(full, state_fill(state), color);
    }

    /// A label centred in `rect` when it fits; returns whether it was placed.
    pub fn label_in(
        &mut self,
        painter: &Painter,
        rect: Rect,
        text: String,
        color: Color32,
    ) -> bool {
        self.place_label(painter, rect, text, color, false)
    }

    /// A label centred in `rect` on a dark backdrop, readable over bars of
    /// any state (a task's whole extent, its waits included), when it fits.
    pub fn label_over(&mut self, painter: &Painter, rect: Rect, text: String) -> bool {
        // White on black reads in both themes, as the merged marks' words do.
        self.place_label(painter, rect, text, Color32::WHITE, true)
    }

    fn place_label(
        &mut self,
        painter: &Painter,
        rect: Rect,
        text: String,
        color: Color32,
        backdrop: bool,
    ) -> bool {
        let font = bar_font(rect.height());
        // Most bars of a busy lane are far too thin for any label, and laying
        // text out is the dearest step of drawing them: skip it there.
        if !may_hold(rect, text.chars().count()) {
            return false;
        }
        let width = painter
            .layout_no_wrap(text.clone(), font.clone(), color)
            .size()
            .x;
        // A backdrop reaches 4 px either side of the text.
        let pad = if backdrop { 14.0 } else { 6.0 };
        if width + pad > rect.width() {
            return false;
        }
        // Spans of a lane may overlap (workers sharing a core). The bar painted
        // last is the one seen, so its label replaces those it would cover.
        let (a, b) = (rect.center().x - width * 0.5, rect.center().x + width * 0.5);
        let labels = &mut self.labels;
        self.lane_labels.retain(|&(x0, x1, i)| {
            let covered = a < x1 + 4.0 && x0 < b + 4.0;
            if covered {
                labels[i].text.clear();
            }
            !covered
        });
        self.lane_labels.push((a, b, self.labels.len()));
        self.labels.push(Label {
            pos: rect.center(),
            text,
            font,
            color,
            backdrop,
        });
        true
    }

    /// A hand-over mark at `x`: a bright tick with a notch at the top.
    pub fn handover(&mut self, row: Rect, x: f32) {
        let stroke = Stroke::new(1.5, self.pal.mark());
        self.marks.push(Shape::line_segment(
            [pos2(x, row.top()), pos2(x, row.bottom())],
            stroke,
        ));
        let s = (row.height() * 0.3).clamp(3.0, 6.0);
        self.marks.push(Shape::convex_polygon(
            vec![
                pos2(x - s, row.top()),
                pos2(x + s, row.top()),
                pos2(x, row.top() + s),
            ],
            self.pal.mark(),
            Stroke::NONE,
        ));
    }

    /// An extra mark, painted above the bars.
    pub fn mark(&mut self, shape: Shape) {
        self.marks.push(shape);
    }

    /// Starts a new lane: forgets the previous lane's merged columns.
    pub fn begin_lane(&mut self) {
        self.runs = [None; RUN_SLOTS];
        self.columns.iter_mut().for_each(|c| *c = (0, 0.0));
        self.lane_labels.clear();
    }

    /// A merged mark on a state lane: the column is split top to bottom in
    /// proportion to the time each state took.
    pub fn merged_states(&mut self, row: Rect, plot_left: f32, window: PixelWindow, m: &Merged) {
        let (x0, x1) = self.merged_extent(plot_left, window, m);
        let total: u64 = m.totals.iter().sum();
        let mut y = row.top();
        for state in State::ALL {
            let share = m.totals[state.index()] as f32 / total.max(1) as f32;
            if share <= 0.0 {
                continue;
            }
            let h = share * row.height();
            let color = self.pal.state_color(state);
            let color = match state_fill(state) {
                Fill::Solid => color,
                Fill::Hatched | Fill::BackHatched => faded(color, 0.75),
                Fill::Thin | Fill::Outline => faded(color, 0.45),
            };
            self.run_quad(state.index(), x0, x1, y, y + h, color);
            y += h;
        }
    }

    /// A merged mark on a lane of holds: a bar from the bottom as tall as the
    /// share of the time it was held, stacked on the other workers' marks.
    pub fn merged_holds(
        &mut self,
        row: Rect,
        plot_left: f32,
        window: PixelWindow,
        m: &Merged,
        color: Color32,
    ) {
        let (x0, x1) = self.merged_extent(plot_left, window, m);
        let held: u64 = m.totals.iter().sum();
        let share = held as f64 / (m.end_ns - m.start_ns).max(1) as f64;
        let h = (share as f32).clamp(0.0, 1.0) * row.height();
        let column = ((x0 - plot_left).max(0.0) as usize).min(self.columns.len() - 1);
        let used = self.columns[column].1;
        let bottom = row.bottom() - used;
        self.run_quad(
            RUN_SLOTS - 1,
            x0,
            x1,
            (bottom - h).max(row.top()),
            bottom,
            color,
        );
        self.columns[column].1 = (used + h).min(row.height());
    }

    /// A bar of a merged mark, in slot `slot` of the lane. A bar right after
    /// the slot's previous one, with the same rows and colour, widens that
    /// one instead: a long stretch of merged columns costs a few quads.
    fn run_quad(&mut self, slot: usize, x0: f32, x1: f32, y0: f32, y1: f32, color: Color32) {
        let (y0, y1) = (y0.round(), y1.round());
        if y1 <= y0 {
            return;
        }
        if let Some(run) = &mut self.runs[slot]
            && run.y == (y0, y1)
            && run.color == color
            && x0 <= run.x1 + 0.5
        {
            run.x1 = run.x1.max(x1);
            let v = &mut self.solid.vertices;
            v[run.vertex + 1].pos.x = run.x1;
            v[run.vertex + 3].pos.x = run.x1;
            return;
        }
        self.runs[slot] = Some(Run {
            vertex: self.solid.vertices.len(),
            x1,
            y: (y0, y1),
            color,
        });
        self.solid(Rect::from_x_y_ranges(x0..=x1, y0..=y1), color);
    }

    fn merged_extent(&mut self, plot_left: f32, window: PixelWindow, m: &Merged) -> (f32, f32) {
        let x0 = plot_left + window.x_of(m.start_ns as f64).max(0.0) as f32;
        let x1 = (plot_left + window.x_of(m.end_ns as f64) as f32).max(x0 + 1.0);
        let column = ((x0 - plot_left) as usize).min(self.columns.len() - 1);
        self.columns[column].0 += m.count() as u32;
        self.merged_spans += m.count() as u64;
        (x0, x1)
    }

    /// Ends a lane: every run of neighbouring merged columns gets a bracket
    /// under it and, when it fits, the words "N merged".
    pub fn end_lane(&mut self, painter: &Painter, row: Rect, plot_left: f32) {
        let mut run: Option<(usize, usize, u64)> = None;
        let columns = std::mem::take(&mut self.columns);
        for (i, &(count, _)) in columns.iter().enumerate() {
            match (&mut run, count) {
                (Some((_, end, n)), c) if c > 0 && i <= *end + 2 => {
                    *end = i;
                    *n += u64::from(c);
                }
                (_, 0) => {}
                (_, c) => {
                    if let Some(done) = run.take() {
                        self.merged_run(painter, row, plot_left, done);
                    }
                    run = Some((i, i, u64::from(c)));
                }
            }
        }
        if let Some(done) = run {
            self.merged_run(painter, row, plot_left, done);
        }
        self.columns = columns;
    }

    fn merged_run(
        &mut self,
        painter: &Painter,
        row: Rect,
        plot_left: f32,
        run: (usize, usize, u64),
    ) {
        let (first, last, count) = run;
        self.merged_marks += 1;
        let x0 = plot_left + first as f32;
        let x1 = plot_left + last as f32 + 1.0;
        let y = row.bottom() + 0.5;
        self.marks.push(Shape::line_segment(
            [pos2(x0, y), pos2(x1, y)],
            Stroke::new(1.0, self.pal.merged()),
        ));
        let text = format!("{} merged", group_thousands(count));
        let font = bar_font(row.height());
        let width = painter
            .layout_no_wrap(text.clone(), font.clone(), Color32::WHITE)
            .size()
            .x;
        if x1 - x0 >= width + 10.0 && row.height() >= 11.0 {
            self.labels.push(Label {
                pos: pos2((x0 + x1) * 0.5, row.center().y),
                text,
                font,
                color: Color32::WHITE,
                backdrop: true,
            });
        }
    }

    /// Paints everything collected, bars first, then marks, then text.
    pub fn finish(self, painter: &Painter) {
        if !self.solid.is_empty() {
            painter.add(Shape::mesh(self.solid));
        }
        if !self.hatch.is_empty() {
            painter.add(Shape::mesh(self.hatch));
        }
        painter.extend(self.marks);
        for label in self.labels.into_iter().filter(|l| !l.text.is_empty()) {
            let galley = painter.layout_no_wrap(label.text, label.font, label.color);
            let rect = Align2::CENTER_CENTER.anchor_size(label.pos, galley.size());
            if label.backdrop {
                painter.rect_filled(
                    rect.expand2(vec2(4.0, 1.0)),
                    3.0,
                    Color32::from_black_alpha(200),
                );
            }
            painter.galley(rect.min, galley, label.color);
        }
    }
}

/// Shares of each state in `totals`, 0..=1.
pub fn shares(totals: &Totals) -> [f32; CATEGORIES] {
    let total: u64 = totals.iter().sum();
    std::array::from_fn(|i| totals[i] as f32 / total.max(1) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_check_never_turns_away_a_label_that_fits() {
        let ctx = egui::Context::default();
        // Fonts are loaded by the first pass.
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();
        for text in [
            "#1", "t1", "i1", "task 11", "p2·t0", "iiiiii", "111111", "t 1 1",
        ] {
            for h in [9.0, 12.0, 16.0, 24.0] {
                let font = bar_font(h);
                let w = ctx
                    .fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font, Color32::WHITE))
                    .size()
                    .x;
                let just_fits = Rect::from_min_size(pos2(0.0, 0.0), vec2(w + 6.0, h));
                assert!(may_hold(just_fits, text.chars().count()), "{text:?} at {h}");
            }
        }
        assert!(!may_hold(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(4.0, 20.0)),
            2
        ));
        assert!(!may_hold(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(400.0, 8.0)),
            2
        ));
    }
}
