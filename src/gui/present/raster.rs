//! egui's triangles drawn on the CPU into RGBA pixels: how a clip's frames
//! are made without a window, a GPU or a display.
//!
//! It does what egui's own renderers do, in the same terms: vertices in
//! points scaled to pixels, colours premultiplied in gamma space, each
//! mesh's texture sampled bilinearly (clamped to its edge) and multiplied
//! by the vertex colour, and blended as `src + dst × (1 − src.a)` inside the
//! mesh's clip rectangle. Pixels are covered by their centres with the
//! top-left rule, so the two triangles of a rectangle never blend their
//! shared edge twice. No floating-point state depends on the machine or a
//! thread, so the same frame gives the same bytes every time.

use egui::epaint::{ClippedPrimitive, Primitive, Vertex};
use egui::{Color32, ImageData, TextureFilter, TextureId, TextureWrapMode, TexturesDelta};
use std::collections::HashMap;

/// One texture as egui last set it.
struct Texture {
    size: [usize; 2],
    pixels: Vec<Color32>,
    linear: bool,
    /// Repeats past its edge (the hatch of a waiting lane) instead of
    /// clamping.
    repeat: bool,
}

/// The textures egui uploaded and the frame being drawn.
#[derive(Default)]
pub struct Raster {
    textures: HashMap<TextureId, Texture>,
    size: [usize; 2],
    /// RGBA, premultiplied, row by row.
    pixels: Vec<u8>,
}

impl Raster {
    /// Takes in egui's new and changed textures; call before [`Raster::paint`].
    pub fn set_textures(&mut self, delta: &TexturesDelta) {
        // The order of textures does not matter, only each one's deltas'.
        for (id, image) in delta
            .set
            .iter()
            .flat_map(|(id, d)| d.iter().map(move |d| (id, d)))
        {
            let ImageData::Color(src) = &image.image;
            let linear = image.options.magnification == TextureFilter::Linear;
            let repeat = image.options.wrap_mode == TextureWrapMode::Repeat;
            match image.pos {
                None => {
                    self.textures.insert(
                        *id,
                        Texture {
                            size: src.size,
                            pixels: src.pixels.clone(),
                            linear,
                            repeat,
                        },
                    );
                }
                Some([x0, y0]) => {
                    let Some(tex) = self.textures.get_mut(id) else {
                        continue;
                    };
                    let [w, h] = src.size;
                    for y in 0..h {
                        let (ty, row) = (y0 + y, &src.pixels[y * w..(y + 1) * w]);
                        if ty >= tex.size[1] {
                            break;
                        }
                        let n = w.min(tex.size[0].saturating_sub(x0));
                        let at = ty * tex.size[0] + x0;
                        tex.pixels[at..at + n].copy_from_slice(&row[..n]);
                    }
                }
            }
        }
    }

    /// Lets go of the textures egui freed; call after [`Raster::paint`].
    pub fn free_textures(&mut self, delta: &TexturesDelta) {
        for id in &delta.free {
            self.textures.remove(id);
        }
    }

    /// The frame last painted: RGBA, premultiplied (opaque where the frame
    /// was cleared to an opaque colour), row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Draws `primitives` (in points; `ppp` pixels per point) over `clear`
    /// into a frame of `size` pixels; [`Raster::pixels`] hands it out.
    pub fn paint(
        &mut self,
        size: [u32; 2],
        ppp: f32,
        clear: Color32,
        primitives: &[ClippedPrimitive],
    ) {
        self.size = size.map(|v| v as usize);
        let [w, h] = self.size;
        self.pixels.clear();
        self.pixels.reserve(w * h * 4);
        let c = clear.to_array();
        for _ in 0..w * h {
            self.pixels.extend_from_slice(&c);
        }
        for p in primitives {
            let Primitive::Mesh(mesh) = &p.primitive else {
                // Paint callbacks draw with a GPU; the window uses none.
                continue;
            };
            let clip = [
                (p.clip_rect.min.x * ppp).round().max(0.0) as usize,
                (p.clip_rect.min.y * ppp).round().max(0.0) as usize,
                ((p.clip_rect.max.x * ppp).round().max(0.0) as usize).min(w),
                ((p.clip_rect.max.y * ppp).round().max(0.0) as usize).min(h),
            ];
            if clip[0] >= clip[2] || clip[1] >= clip[3] {
                continue;
            }
            let tex = self.textures.get(&mesh.texture_id);
            for tri in mesh.indices.chunks_exact(3) {
                let v = |i: u32| mesh.vertices.get(i as usize);
                if let (Some(a), Some(b), Some(c)) = (v(tri[0]), v(tri[1]), v(tri[2])) {
                    let tri = [*a, *b, *c].map(|mut v| {
                        v.pos.x *= ppp;
                        v.pos.y *= ppp;
                        v
                    });
                    fill(&mut self.pixels, w, clip, &tri, tex);
                }
            }
        }
    }
}

/// Twice the signed area of `a, b, p`: which side of the edge `a → b` the
/// point `p` is on.
fn edge(a: [f32; 2], b: [f32; 2], p: [f32; 2]) -> f32 {
    (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
}

/// Whether an edge owns the pixels exactly on it (the top-left rule, for a
/// triangle wound so that its area is positive in y-down pixels).
fn owns_its_pixels(a: [f32; 2], b: [f32; 2]) -> bool {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    (dy == 0.0 && dx < 0.0) || dy > 0.0
}

/// Fills one triangle into `pixels` (row stride `w`) inside `clip`.
fn fill(pixels: &mut [u8], w: usize, clip: [usize; 4], tri: &[Vertex; 3], tex: Option<&Texture>) {
    let p = tri.map(|v| [v.pos.x, v.pos.y]);
    let mut area = edge(p[0], p[1], p[2]);
    let (i0, i1, i2) = if area < 0.0 { (0, 2, 1) } else { (0, 1, 2) };
    area = area.abs();
    if area.is_nan() || area <= 0.0 {
        return;
    }
    let (a, b, c) = (p[i0], p[i1], p[i2]);
    let (va, vb, vc) = (&tri[i0], &tri[i1], &tri[i2]);
    let min_x = (a[0].min(b[0]).min(c[0]).floor().max(0.0) as usize).max(clip[0]);
    let max_x = (a[0].max(b[0]).max(c[0]).ceil().max(0.0) as usize).min(clip[2]);
    let min_y = (a[1].min(b[1]).min(c[1]).floor().max(0.0) as usize).max(clip[1]);
    let max_y = (a[1].max(b[1]).max(c[1]).ceil().max(0.0) as usize).min(clip[3]);
    if min_x >= max_x || min_y >= max_y {
        return;
    }
    let own = [
        owns_its_pixels(b, c),
        owns_its_pixels(c, a),
        owns_its_pixels(a, b),
    ];
    // One colour and the texture's white corner (a filled shape): no
    // interpolation and no sampling per pixel.
    let solid = va.color == vb.color
        && va.color == vc.color
        && [va, vb, vc].iter().all(|v| v.uv == egui::epaint::WHITE_UV);
    let solid_colour = va.color.to_array();
    for y in min_y..max_y {
        let py = y as f32 + 0.5;
        for x in min_x..max_x {
            let q = [x as f32 + 0.5, py];
            let w0 = edge(b, c, q);
            let w1 = edge(c, a, q);
            let w2 = edge(a, b, q);
            let inside = |w: f32, own: bool| w > 0.0 || (w == 0.0 && own);
            if !(inside(w0, own[0]) && inside(w1, own[1]) && inside(w2, own[2])) {
                continue;
            }
            let src = if solid {
                solid_colour
            } else {
                let (l0, l1, l2) = (w0 / area, w1 / area, w2 / area);
                shade([va, vb, vc], [l0, l1, l2], tex)
            };
            let at = (y * w + x) * 4;
            blend(&mut pixels[at..at + 4], src);
        }
    }
}

/// The colour at barycentric weights `l` of a triangle: the vertex colours
/// interpolated, times the texture sampled at the interpolated coordinate.
fn shade(v: [&Vertex; 3], l: [f32; 3], tex: Option<&Texture>) -> [u8; 4] {
    let mix = |f: &dyn Fn(&Vertex) -> f32| l[0] * f(v[0]) + l[1] * f(v[1]) + l[2] * f(v[2]);
    let colour: [f32; 4] =
        std::array::from_fn(|i| mix(&|vx: &Vertex| f32::from(vx.color.to_array()[i])));
    let texel = match tex {
        Some(t) => sample(t, mix(&|vx: &Vertex| vx.uv.x), mix(&|vx: &Vertex| vx.uv.y)),
        None => [255.0; 4],
    };
    std::array::from_fn(|i| (colour[i] * texel[i] / 255.0).round().clamp(0.0, 255.0) as u8)
}

/// The texture at `(u, v)` (0 to 1 across it), clamped to its edge or
/// repeated past it.
fn sample(t: &Texture, u: f32, v: f32) -> [f32; 4] {
    let [w, h] = t.size;
    if w == 0 || h == 0 {
        return [255.0; 4];
    }
    let texel = |x: isize, y: isize| {
        let (x, y) = if t.repeat {
            (
                x.rem_euclid(w as isize) as usize,
                y.rem_euclid(h as isize) as usize,
            )
        } else {
            (
                x.clamp(0, w as isize - 1) as usize,
                y.clamp(0, h as isize - 1) as usize,
            )
        };
        t.pixels[y * w + x].to_array().map(f32::from)
    };
    let (x, y) = (u * w as f32 - 0.5, v * h as f32 - 0.5);
    if !t.linear {
        return texel((x + 0.5).floor() as isize, (y + 0.5).floor() as isize);
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as isize, y0 as isize);
    let (p00, p10, p01, p11) = (
        texel(x0, y0),
        texel(x0 + 1, y0),
        texel(x0, y0 + 1),
        texel(x0 + 1, y0 + 1),
    );
    std::array::from_fn(|i| {
        let top = p00[i] + (p10[i] - p00[i]) * fx;
        let bottom = p01[i] + (p11[i] - p01[i]) * fx;
        top + (bottom - top) * fy
    })
}

/// Premultiplied "over": `dst = src + dst × (255 − src.a) / 255`.
fn blend(dst: &mut [u8], src: [u8; 4]) {
    let keep = 255 - u32::from(src[3]);
    if keep == 0 {
        dst.copy_from_slice(&src);
        return;
    }
    for i in 0..4 {
        let d = (u32::from(dst[i]) * keep + 127) / 255;
        dst[i] = (u32::from(src[i]) + d).min(255) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::Mesh;
    use egui::{Pos2, Rect, pos2};

    fn rect_mesh(r: Rect, colour: Color32) -> ClippedPrimitive {
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(r, colour);
        ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        }
    }

    fn px(r: &Raster, x: usize, y: usize) -> [u8; 4] {
        let at = (y * r.size[0] + x) * 4;
        r.pixels[at..at + 4].try_into().unwrap()
    }

    #[test]
    fn a_rectangle_covers_exactly_its_pixels_and_keeps_its_colour() {
        let mut r = Raster::default();
        let red = Color32::from_rgb(200, 30, 40);
        r.paint(
            [10, 10],
            1.0,
            Color32::BLACK,
            &[rect_mesh(
                Rect::from_min_max(pos2(2.0, 3.0), pos2(6.0, 8.0)),
                red,
            )],
        );
        let mut covered = 0;
        for y in 0..10 {
            for x in 0..10 {
                let inside = (2..6).contains(&x) && (3..8).contains(&y);
                assert_eq!(
                    px(&r, x, y),
                    if inside {
                        red.to_array()
                    } else {
                        [0, 0, 0, 255]
                    },
                    "{x},{y}"
                );
                covered += usize::from(inside);
            }
        }
        assert_eq!(covered, 20);
    }

    #[test]
    fn half_transparent_rectangles_blend_once_even_on_their_diagonal() {
        let mut r = Raster::default();
        let half = Color32::from_rgba_premultiplied(100, 0, 0, 128);
        r.paint(
            [8, 8],
            1.0,
            Color32::BLACK,
            &[rect_mesh(
                Rect::from_min_max(Pos2::ZERO, pos2(8.0, 8.0)),
                half,
            )],
        );
        let first = px(&r, 0, 0);
        for y in 0..8 {
            for x in 0..8 {
                assert_eq!(
                    px(&r, x, y),
                    first,
                    "{x},{y}: the shared edge blended twice"
                );
            }
        }
        assert_eq!(first, [100, 0, 0, 255]);
    }

    #[test]
    fn points_scale_to_pixels_and_the_clip_rectangle_cuts() {
        let mut r = Raster::default();
        let mut p = rect_mesh(
            Rect::from_min_max(Pos2::ZERO, pos2(4.0, 4.0)),
            Color32::WHITE,
        );
        p.clip_rect = Rect::from_min_max(Pos2::ZERO, pos2(2.0, 4.0));
        r.paint([8, 8], 2.0, Color32::BLACK, &[p]);
        assert_eq!(px(&r, 3, 7), [255; 4]);
        assert_eq!(px(&r, 4, 0), [0, 0, 0, 255], "cut by the clip");
        assert_eq!(px(&r, 0, 7), [255; 4]);
    }

    #[test]
    fn textures_are_sampled_and_tinted_and_updated_in_part() {
        use egui::epaint::ImageDelta;
        use egui::{ColorImage, TextureOptions};
        let mut r = Raster::default();
        let id = TextureId::Managed(7);
        let image = ColorImage::new([2, 1], vec![Color32::WHITE, Color32::from_rgb(0, 0, 200)]);
        let mut delta = TexturesDelta::default();
        delta.push(id, ImageDelta::full(image, TextureOptions::NEAREST));
        r.set_textures(&delta);
        delta.clear();
        let mut mesh = Mesh::with_texture(id);
        mesh.add_rect_with_uv(
            Rect::from_min_max(Pos2::ZERO, pos2(2.0, 1.0)),
            Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
            Color32::from_rgb(255, 128, 255),
        );
        let prim = ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        };
        r.paint([2, 1], 1.0, Color32::BLACK, std::slice::from_ref(&prim));
        assert_eq!(px(&r, 0, 0), [255, 128, 255, 255]);
        assert_eq!(px(&r, 1, 0), [0, 0, 200, 255]);
        let mut part = TexturesDelta::default();
        let red = ColorImage::new([1, 1], vec![Color32::from_rgb(255, 0, 0)]);
        part.push(
            id,
            ImageDelta::partial([1, 0], red, TextureOptions::NEAREST),
        );
        r.set_textures(&part);
        part.clear();
        r.paint([2, 1], 1.0, Color32::BLACK, &[prim]);
        assert_eq!(px(&r, 1, 0), [255, 0, 0, 255]);
    }
}
