//! Colours with a meaning. States use the Okabe–Ito palette (safe for the
//! common colour-vision deficiencies), tuned for a dark background; the shape
//! carries the meaning too: solid = using a core, hatched = waiting, a thin
//! line = idle. Workers get identity colours, used wherever a lane says
//! *who* (who holds the GIL, who ran on a core).

use crate::analysis::timeline::State;
use crate::model::WorkerId;
use egui::{Color32, ColorImage, Context, TextureHandle, TextureOptions};

/// How a state is painted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// A solid bar: the worker uses a core.
    Solid,
    /// A dim bar with diagonal stripes: the worker waits.
    Hatched,
    /// A thin line through the middle: nothing to do.
    Thin,
}

/// The colour of a state.
pub fn state_color(state: State) -> Color32 {
    match state {
        State::Running => Color32::from_rgb(0x1f, 0xb5, 0x8a),
        State::GilWait => Color32::from_rgb(0xe4, 0x6a, 0x2c),
        State::LockWait => Color32::from_rgb(0xd0, 0x7f, 0xb0),
        State::IoWait => Color32::from_rgb(0xe8, 0xd4, 0x4d),
        State::Native => Color32::from_rgb(0x3d, 0x95, 0xe0),
        State::Idle => Color32::from_gray(0x80),
    }
}

/// How a state is painted.
pub fn state_fill(state: State) -> Fill {
    match state {
        State::Running | State::Native => Fill::Solid,
        State::GilWait | State::LockWait | State::IoWait => Fill::Hatched,
        State::Idle => Fill::Thin,
    }
}

/// Identity colours, in worker order.
const WORKERS: [Color32; 10] = [
    Color32::from_rgb(0x5b, 0xa3, 0xf0),
    Color32::from_rgb(0xf2, 0x9b, 0x3a),
    Color32::from_rgb(0x6c, 0xcf, 0x7a),
    Color32::from_rgb(0xee, 0x6a, 0x6c),
    Color32::from_rgb(0xbb, 0x8c, 0xf0),
    Color32::from_rgb(0xf0, 0xd8, 0x5a),
    Color32::from_rgb(0x52, 0xd0, 0xc7),
    Color32::from_rgb(0xff, 0xa8, 0xc4),
    Color32::from_rgb(0xc4, 0xa2, 0x78),
    Color32::from_rgb(0xb8, 0xbd, 0xc6),
];

/// The identity colour of the `index`-th worker of a run.
pub fn worker_color(index: usize) -> Color32 {
    WORKERS[index % WORKERS.len()]
}

/// A short name for a worker inside a lane: `t2`, or `p1·t2` for a child process.
pub fn worker_short(id: WorkerId) -> String {
    if id.process == 0 {
        format!("t{}", id.thread)
    } else {
        format!("p{}·t{}", id.process, id.thread)
    }
}

/// Text drawn on a coloured bar.
pub const ON_BAR_TEXT: Color32 = Color32::from_rgb(0x10, 0x12, 0x14);
/// Faint lines: grid, separators.
pub const GRID: Color32 = Color32::from_rgba_premultiplied(0x30, 0x30, 0x34, 0x80);
/// Lane background, to separate lanes from the panel.
pub const LANE_BG: Color32 = Color32::from_rgb(0x22, 0x23, 0x27);
/// Secondary text.
pub const WEAK_TEXT: Color32 = Color32::from_gray(0x9a);
/// Errors people must see.
pub const ERROR: Color32 = Color32::from_rgb(0xff, 0x7b, 0x72);
/// Marks of merged spans.
pub const MERGED: Color32 = Color32::from_rgba_premultiplied(0xd8, 0xd8, 0xd8, 0xd8);

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
