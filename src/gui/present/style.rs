//! The text sizes and spacing of the window: sizes that read well on a
//! projector, set once when the window opens (presentation mode zooms them
//! all together).

use egui::{Context, TextStyle, vec2};

/// Text sizes that read well on a projector, dark theme; `present` zooms
/// everything as presentation mode does when the window size is unknown.
pub fn setup_style(ctx: &Context, present: bool) {
    ctx.set_theme(egui::Theme::Dark);
    ctx.all_styles_mut(|style| {
        let sizes = [
            (TextStyle::Heading, 17.0),
            (TextStyle::Body, 13.5),
            (TextStyle::Button, 13.5),
            (TextStyle::Monospace, 12.5),
            (TextStyle::Small, 11.0),
        ];
        for (text_style, size) in sizes {
            if let Some(font) = style.text_styles.get_mut(&text_style) {
                font.size = size;
            }
        }
        style.spacing.item_spacing = vec2(8.0, 5.0);
    });
    if present {
        ctx.set_zoom_factor(1.5);
    }
}
