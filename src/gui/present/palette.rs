//! Colours with a meaning, in a dark and a light theme. States use the
//! Okabe–Ito palette (safe for the common colour-vision deficiencies); the
//! shape carries the meaning too: solid = using a core, hatched = waiting
//! for something the program asked for (the GIL, a lock, I/O), hatched the
//! other way = ready but waiting for the OS to give it a core, a thin line =
//! idle. Workers get identity colours, used wherever a lane says
//! *who* (who holds the GIL, who ran on a core).
//!
//! The colours come from the window's own [`egui::Context`]: drawing code
//! asks `ui.palette()` (or `painter.palette()`) once and then
//! `pal.grid()`, so no theme is passed around, and two windows (parallel
//! test harnesses, each with its own context) never see each other's theme.

use crate::analysis::timeline::State;
use egui::{Color32, ColorImage, Context, TextureHandle, TextureOptions};
use serde::{Deserialize, Serialize};

/// The two colour themes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Light text on a dark background: a dim room.
    #[default]
    Dark,
    /// Dark text on a light background: a bright room or a weak projector.
    Light,
}

impl Theme {
    /// The other theme.
    pub fn toggled(self) -> Self {
        match self {
            Self::Dark => Self::Light,
            Self::Light => Self::Dark,
        }
    }

    /// The theme's name as shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            Self::Dark => "dark",
            Self::Light => "light",
        }
    }

    /// egui's matching theme.
    pub fn egui(self) -> egui::Theme {
        match self {
            Self::Dark => egui::Theme::Dark,
            Self::Light => egui::Theme::Light,
        }
    }
}

impl From<egui::Theme> for Theme {
    fn from(theme: egui::Theme) -> Self {
        match theme {
            egui::Theme::Dark => Self::Dark,
            egui::Theme::Light => Self::Light,
        }
    }
}

/// Gives what draws (a [`Context`], a [`Ui`](egui::Ui), a
/// [`Painter`](egui::Painter)) the colours of its window's theme, the way
/// rerun's `re_ui` hands out its design tokens.
pub trait ContextExt {
    /// The window's context.
    fn egui_ctx(&self) -> &Context;

    /// The colours of the theme the window shows now.
    fn palette(&self) -> Palette {
        Palette::new(self.egui_ctx().theme().into())
    }
}

impl ContextExt for Context {
    fn egui_ctx(&self) -> &Context {
        self
    }
}

impl ContextExt for egui::Ui {
    fn egui_ctx(&self) -> &Context {
        self.ctx()
    }
}

impl ContextExt for egui::Painter {
    fn egui_ctx(&self) -> &Context {
        self.ctx()
    }
}

/// Every colour with a meaning, for one theme. Small and `Copy`: take it
/// once per drawing function and hand it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    theme: Theme,
}

/// How a state is painted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// A solid bar: the worker uses a core.
    Solid,
    /// A dim bar with diagonal stripes: the worker waits.
    Hatched,
    /// A dim bar with stripes the other way: the worker is ready and waits
    /// for a core, which no lock or GIL of its program decides but the OS.
    BackHatched,
    /// A thin line through the middle: nothing to do.
    Thin,
    /// An empty frame: the worker was asked for and is not there yet.
    Outline,
}

/// How a state is painted.
pub fn state_fill(state: State) -> Fill {
    match state {
        State::Running | State::Native => Fill::Solid,
        State::GilWait | State::LockWait | State::IoWait => Fill::Hatched,
        State::CoreWait => Fill::BackHatched,
        State::Idle => Fill::Thin,
        State::Starting => Fill::Outline,
    }
}

const fn rgb(hex: u32) -> Color32 {
    Color32::from_rgb((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Identity colours on a dark background, in worker order.
const WORKERS_DARK: [Color32; 10] = [
    rgb(0x5ba3f0),
    rgb(0xf29b3a),
    rgb(0x6ccf7a),
    rgb(0xee6a6c),
    rgb(0xbb8cf0),
    rgb(0xf0d85a),
    rgb(0x52d0c7),
    rgb(0xffa8c4),
    rgb(0xc4a278),
    rgb(0xb8bdc6),
];

/// Identity colours on a light background: saturated enough to stand out
/// on a pale lane, light enough for black text on top.
const WORKERS_LIGHT: [Color32; 10] = [
    rgb(0x56b4e9),
    rgb(0xe69f00),
    rgb(0x2fb380),
    rgb(0xf0785a),
    rgb(0xb48ce6),
    rgb(0xd9c200),
    rgb(0x3cc0b4),
    rgb(0xe889b0),
    rgb(0xc09a6a),
    rgb(0xa4abb6),
];

impl Palette {
    /// The colours of `theme`.
    pub const fn new(theme: Theme) -> Self {
        Self { theme }
    }

    /// The theme these colours are for.
    pub fn theme(self) -> Theme {
        self.theme
    }

    /// Picks the colour of the theme.
    fn pick(self, dark: Color32, light: Color32) -> Color32 {
        match self.theme {
            Theme::Dark => dark,
            Theme::Light => light,
        }
    }

    /// The colour of a state.
    pub fn state_color(self, state: State) -> Color32 {
        // Dark: Okabe–Ito hues lifted to glow on black. Light: the hues as
        // published, except blue and yellow, which move towards the middle so
        // black text stays readable on blue and yellow stays visible on white.
        match state {
            State::Running => self.pick(rgb(0x1fb58a), rgb(0x009e73)),
            State::GilWait => self.pick(rgb(0xe46a2c), rgb(0xd55e00)),
            State::LockWait => self.pick(rgb(0xd07fb0), rgb(0xcc79a7)),
            State::IoWait => self.pick(rgb(0xe8d44d), rgb(0xc9a900)),
            State::Native => self.pick(rgb(0x3d95e0), rgb(0x56b4e9)),
            State::Idle => self.pick(Color32::from_gray(0x80), Color32::from_gray(0x8c)),
            // Okabe–Ito's last hue apart from the ones above is black: a
            // pale steel on dark, a dark slate on light, apart from every
            // hue and, drawn striped, from the idle line.
            State::CoreWait => self.pick(rgb(0xcfd6e6), rgb(0x2f3a4d)),
            // Okabe–Ito's orange, the one hue left: drawn as an empty frame,
            // so it is told from the striped waits by its shape as well.
            State::Starting => self.pick(rgb(0xf5b53d), rgb(0xb87a00)),
        }
    }

    /// The colours whose meaning a picture must keep exactly: every state's,
    /// every worker's, and the surfaces and text they are drawn with. A
    /// clip's palette holds these first (`video::palette`).
    pub fn key_colours(self) -> Vec<Color32> {
        let mut c: Vec<Color32> = State::ALL.iter().map(|s| self.state_color(*s)).collect();
        c.extend((0..WORKERS_DARK.len()).map(|i| self.worker_color(i)));
        c.extend([
            self.lane_bg(),
            self.grid(),
            self.text(),
            self.strong_text(),
            self.weak_text(),
            self.cursor(),
            self.warning(),
            self.error(),
        ]);
        c
    }

    /// The identity colour of the `index`-th worker of a run.
    pub fn worker_color(self, index: usize) -> Color32 {
        let set = match self.theme {
            Theme::Dark => &WORKERS_DARK,
            Theme::Light => &WORKERS_LIGHT,
        };
        set[index % set.len()]
    }

    /// The colour of core `index`'s load line.
    pub fn core_line(self, index: usize) -> Color32 {
        const DARK: [Color32; 6] = [
            rgb(0x8fc7ff),
            rgb(0xffc27a),
            rgb(0x9ee6a0),
            rgb(0xff9e9e),
            rgb(0xd4b0ff),
            rgb(0xf5e88a),
        ];
        const LIGHT: [Color32; 6] = [
            rgb(0x0072b2),
            rgb(0xd55e00),
            rgb(0x009e73),
            rgb(0xcc79a7),
            rgb(0x6a4fb0),
            rgb(0x9a7d00),
        ];
        let set = match self.theme {
            Theme::Dark => &DARK,
            Theme::Light => &LIGHT,
        };
        set[index % set.len()]
    }

    /// Text drawn on a coloured bar (every solid and identity colour is light
    /// enough for it, in both themes; a test checks the contrast).
    pub fn on_bar_text(self) -> Color32 {
        rgb(0x101214)
    }

    /// Faint lines: grid, separators.
    pub fn grid(self) -> Color32 {
        self.pick(
            Color32::from_rgba_premultiplied(0x30, 0x30, 0x34, 0x80),
            Color32::from_rgba_premultiplied(0x60, 0x60, 0x68, 0x60),
        )
    }

    /// Lane background, to separate lanes from the panel.
    pub fn lane_bg(self) -> Color32 {
        self.pick(rgb(0x222327), rgb(0xe4e6eb))
    }

    /// Secondary text.
    pub fn weak_text(self) -> Color32 {
        self.pick(Color32::from_gray(0x9a), Color32::from_gray(0x52))
    }

    /// Ordinary text drawn by hand (titles of lanes, the lesson).
    pub fn text(self) -> Color32 {
        self.pick(Color32::from_gray(0xd8), Color32::from_gray(0x24))
    }

    /// The name of a lane of holds ("GIL held by"), a little brighter than
    /// ordinary text so it reads beside the bars.
    pub fn lane_title(self) -> Color32 {
        self.pick(Color32::from_gray(0xe8), Color32::from_gray(0x18))
    }

    /// Text that must stand out: names, big numbers.
    pub fn strong_text(self) -> Color32 {
        self.pick(Color32::WHITE, Color32::BLACK)
    }

    /// A reference line beside a measured one (the expected count).
    pub fn reference_line(self) -> Color32 {
        self.pick(Color32::from_gray(0xb0), Color32::from_gray(0x60))
    }

    /// The replay cursor and its time tag: the strongest contrast there is.
    pub fn cursor(self) -> Color32 {
        self.strong_text()
    }

    /// Text that warns without alarming: results to be read with care.
    pub fn warning(self) -> Color32 {
        self.state_color(State::IoWait)
    }

    /// Errors people must see.
    pub fn error(self) -> Color32 {
        self.pick(rgb(0xff7b72), rgb(0xc0261c))
    }

    /// The background of an error banner.
    pub fn error_fill(self) -> Color32 {
        self.pick(rgb(0x4a1c1c), rgb(0xfbe3e1))
    }

    /// Marks of merged spans.
    pub fn merged(self) -> Color32 {
        self.pick(
            Color32::from_rgba_premultiplied(0xd8, 0xd8, 0xd8, 0xd8),
            Color32::from_rgba_premultiplied(0x30, 0x30, 0x30, 0xd8),
        )
    }

    /// threadlab's own threads other than the workers (the window, its
    /// renderer, the run's helpers) where the cores view shows who else
    /// used a core: a violet apart from every state and worker hue's use.
    pub fn threadlab_load(self) -> Color32 {
        self.pick(rgb(0x9d8cf0), rgb(0x6a4fb0))
    }

    /// Other programs, where the cores view shows who else used a core.
    pub fn others_load(self) -> Color32 {
        self.pick(Color32::from_gray(0x9c), Color32::from_gray(0x60))
    }

    /// Hand-over marks on top of the bars.
    pub fn mark(self) -> Color32 {
        self.pick(Color32::WHITE, Color32::BLACK)
    }

    /// Python keywords in the code panel (`def`, `for`, `with`).
    pub fn code_keyword(self) -> Color32 {
        self.pick(rgb(0xc792ea), rgb(0x7a3e9d))
    }

    /// Names the standard library gives (`print`, `range`, `True`).
    pub fn code_builtin(self) -> Color32 {
        self.pick(rgb(0x82aaff), rgb(0x1f5fae))
    }

    /// Strings and the docstring.
    pub fn code_string(self) -> Color32 {
        self.pick(rgb(0xc3e88d), rgb(0x3c7a1e))
    }

    /// Numbers.
    pub fn code_number(self) -> Color32 {
        self.pick(rgb(0xf78c6c), rgb(0xa8520e))
    }

    /// Comments.
    pub fn code_comment(self) -> Color32 {
        self.pick(Color32::from_gray(0x8a), Color32::from_gray(0x66))
    }

    /// A value that disagrees with its counterpart beyond the noise.
    pub fn disagree(self) -> Color32 {
        self.pick(rgb(0xff9e64), rgb(0xb34700))
    }
}

/// Side of the hatch texture in pixels; the stripes repeat this often.
pub const HATCH_PX: f32 = 8.0;

/// The stripe texture for waiting states, created once per context.
pub fn hatch_texture(ctx: &Context) -> TextureHandle {
    let id = egui::Id::unique("threadlab-hatch");
    if let Some(tex) = ctx.data(|d| d.get_temp::<TextureHandle>(id)) {
        return tex;
    }
    let n = HATCH_PX as usize;
    let pixels = (0..n * n)
        .map(|i| {
            let (x, y) = (i % n, i / n);
            // Stripes running from bottom-left to top-right, 3 px of every 8.
            if (x + y) % n < 3 {
                Color32::WHITE
            } else {
                Color32::TRANSPARENT
            }
        })
        .collect();
    let image = ColorImage::new([n, n], pixels);
    let tex = ctx.load_texture("threadlab-hatch", image, TextureOptions::NEAREST_REPEAT);
    ctx.data_mut(|d| d.insert_temp(id, tex.clone()));
    tex
}

/// Colour scaled towards transparent: `alpha` in 0..=1.
pub fn faded(color: Color32, alpha: f32) -> Color32 {
    color.gamma_multiply(alpha)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of an opaque colour.
    fn luminance(c: Color32) -> f32 {
        let lin = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }

    fn contrast(a: Color32, b: Color32) -> f32 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// The panel backgrounds of egui's own dark and light visuals.
    fn panel(theme: Theme) -> Color32 {
        match theme {
            Theme::Dark => egui::Visuals::dark().panel_fill,
            Theme::Light => egui::Visuals::light().panel_fill,
        }
    }

    #[test]
    fn text_on_bars_is_readable_in_both_themes() {
        for theme in [Theme::Dark, Theme::Light] {
            let pal = Palette::new(theme);
            let solid = State::ALL
                .into_iter()
                .filter(|s| state_fill(*s) == Fill::Solid)
                .map(|s| pal.state_color(s));
            let workers = (0..10).map(|i| pal.worker_color(i));
            for bar in solid.chain(workers) {
                let c = contrast(pal.on_bar_text(), bar);
                assert!(c >= 4.5, "{theme:?}: text on {bar:?} has contrast {c:.2}");
            }
        }
    }

    #[test]
    fn hand_drawn_text_is_readable_on_panels_and_lanes() {
        for theme in [Theme::Dark, Theme::Light] {
            let pal = Palette::new(theme);
            for bg in [panel(theme), pal.lane_bg()] {
                for (name, fg) in [
                    ("weak", pal.weak_text()),
                    ("text", pal.text()),
                    ("error", pal.error()),
                ] {
                    let c = contrast(fg, bg);
                    assert!(c >= 4.5, "{theme:?}: {name} text on {bg:?}: {c:.2}");
                }
            }
            let c = contrast(pal.error(), pal.error_fill());
            assert!(c >= 4.5, "{theme:?}: error banner contrast {c:.2}");
        }
    }

    #[test]
    fn every_state_stands_out_from_the_lane() {
        // Waiting states are drawn faded over the lane, so compare the colour
        // itself with a generous but real bound: 1.5:1 against the lane.
        for theme in [Theme::Dark, Theme::Light] {
            let pal = Palette::new(theme);
            for state in State::ALL.into_iter().filter(|s| *s != State::Idle) {
                let c = contrast(pal.state_color(state), pal.lane_bg());
                assert!(c >= 1.5, "{theme:?}: {state:?} on the lane: {c:.2}");
            }
        }
    }

    #[test]
    fn the_theme_is_per_window() {
        // Two windows, as two parallel test harnesses have: each context
        // answers for its own theme, whatever thread asks.
        let (light, dark) = (Context::default(), Context::default());
        light.set_theme(egui::Theme::Light);
        dark.set_theme(egui::Theme::Dark);
        assert_eq!(light.palette().theme(), Theme::Light);
        let other = std::thread::Builder::new()
            .name("palette-test".into())
            .spawn(move || dark.palette())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(other.theme(), Theme::Dark);
        assert_ne!(light.palette().grid(), other.grid());
    }
}
