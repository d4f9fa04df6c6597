//! The built-in GIF writer. One global palette ([`Palette`]) keeps the
//! state colours exact; each frame after the first stores only the
//! rectangle that changed, its unchanged pixels transparent, so a clip in
//! which only the replay cursor and a few counters move stays small.

use super::palette::{Palette, TRANSPARENT};
use std::io::Write;

/// Writes frames of one size into an animated GIF that loops.
pub struct GifWriter<W: Write> {
    encoder: gif::Encoder<W>,
    palette: Palette,
    size: [u16; 2],
    /// The palette index of every pixel of the frame before.
    previous: Option<Vec<u8>>,
    current: Vec<u8>,
}

impl<W: Write> GifWriter<W> {
    /// A GIF of `size` pixels whose palette keeps `must` exactly and fits
    /// `samples` (RGBA frames of the clip) best.
    pub fn new(
        out: W,
        size: [u32; 2],
        must: &[[u8; 3]],
        samples: &[&[u8]],
    ) -> Result<Self, String> {
        let side = |v: u32| {
            u16::try_from(v)
                .map_err(|_| format!("{v} pixels: a GIF is at most 65535 wide and high"))
        };
        let size = [side(size[0])?, side(size[1])?];
        let palette = Palette::build(must, samples);
        let mut encoder = gif::Encoder::new(out, size[0], size[1], &palette.table())
            .map_err(|e| e.to_string())?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            encoder,
            palette,
            size,
            previous: None,
            current: Vec::new(),
        })
    }

    /// Adds a frame (RGBA, row by row) shown for `delay_cs` hundredths of a
    /// second.
    pub fn push(&mut self, rgba: &[u8], delay_cs: u16) -> Result<(), String> {
        let [w, h] = [usize::from(self.size[0]), usize::from(self.size[1])];
        if rgba.len() != w * h * 4 {
            return Err(format!(
                "a frame of {} bytes for {w}×{h} pixels",
                rgba.len()
            ));
        }
        self.current.clear();
        // A window is mostly runs of one colour: ask the palette only when
        // the colour changes along a row.
        let mut last: Option<([u8; 3], u8)> = None;
        for p in rgba.chunks_exact(4) {
            let rgb = [p[0], p[1], p[2]];
            let i = match last {
                Some((c, i)) if c == rgb => i,
                _ => self.palette.index(rgb),
            };
            last = Some((rgb, i));
            self.current.push(i);
        }
        let frame = match &self.previous {
            None => gif::Frame {
                width: self.size[0],
                height: self.size[1],
                buffer: std::borrow::Cow::Borrowed(&self.current),
                delay: delay_cs,
                ..gif::Frame::default()
            },
            Some(previous) => changed_frame(previous, &self.current, w, h, delay_cs),
        };
        self.encoder
            .write_frame(&frame)
            .map_err(|e| e.to_string())?;
        match &mut self.previous {
            Some(previous) => std::mem::swap(previous, &mut self.current),
            None => self.previous = Some(std::mem::take(&mut self.current)),
        }
        Ok(())
    }

    /// Ends the file and hands back the writer.
    pub fn finish(self) -> Result<W, String> {
        self.encoder.into_inner().map_err(|e| e.to_string())
    }
}

/// The rectangle of `current` that differs from `previous`, with pixels
/// that did not change made transparent; one transparent pixel when
/// nothing changed, so the frame (and its delay) still counts.
fn changed_frame(
    previous: &[u8],
    current: &[u8],
    w: usize,
    h: usize,
    delay: u16,
) -> gif::Frame<'static> {
    let differs = |y: usize| previous[y * w..(y + 1) * w] != current[y * w..(y + 1) * w];
    let Some(top) = (0..h).find(|&y| differs(y)) else {
        return gif::Frame {
            width: 1,
            height: 1,
            buffer: std::borrow::Cow::Owned(vec![TRANSPARENT]),
            transparent: Some(TRANSPARENT),
            dispose: gif::DisposalMethod::Keep,
            delay,
            ..gif::Frame::default()
        };
    };
    let bottom = (top..h).rev().find(|&y| differs(y)).unwrap_or(top);
    let (mut left, mut right) = (w, 0);
    for y in top..=bottom {
        let (p, c) = (&previous[y * w..(y + 1) * w], &current[y * w..(y + 1) * w]);
        if let Some(l) = (0..left).find(|&x| p[x] != c[x]) {
            left = l;
        }
        if let Some(r) = (right..w).rev().find(|&x| p[x] != c[x]) {
            right = r;
        }
    }
    let right = right.max(left);
    let mut buffer = Vec::with_capacity((right - left + 1) * (bottom - top + 1));
    for y in top..=bottom {
        for x in left..=right {
            let i = y * w + x;
            buffer.push(if previous[i] == current[i] {
                TRANSPARENT
            } else {
                current[i]
            });
        }
    }
    gif::Frame {
        left: left as u16,
        top: top as u16,
        width: (right - left + 1) as u16,
        height: (bottom - top + 1) as u16,
        buffer: std::borrow::Cow::Owned(buffer),
        transparent: Some(TRANSPARENT),
        dispose: gif::DisposalMethod::Keep,
        delay,
        ..gif::Frame::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(w: usize, h: usize, dot: Option<(usize, usize)>) -> Vec<u8> {
        let mut f = vec![0u8; w * h * 4];
        for px in f.chunks_exact_mut(4) {
            px.copy_from_slice(&[20, 30, 40, 255]);
        }
        if let Some((x, y)) = dot {
            f[(y * w + x) * 4..][..4].copy_from_slice(&[230, 60, 50, 255]);
        }
        f
    }

    /// Every frame as the viewer composes it, RGBA.
    fn decode(bytes: &[u8]) -> Vec<(Vec<u8>, u16)> {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::RGBA);
        let mut d = opts.read_info(bytes).unwrap();
        let (w, h) = (usize::from(d.width()), usize::from(d.height()));
        let mut canvas = vec![0u8; w * h * 4];
        let mut out = vec![];
        while let Some(f) = d.read_next_frame().unwrap() {
            for y in 0..usize::from(f.height) {
                for x in 0..usize::from(f.width) {
                    let src = &f.buffer[(y * usize::from(f.width) + x) * 4..][..4];
                    if src[3] != 0 {
                        let at = ((y + usize::from(f.top)) * w + x + usize::from(f.left)) * 4;
                        canvas[at..at + 4].copy_from_slice(src);
                    }
                }
            }
            out.push((canvas.clone(), f.delay));
        }
        out
    }

    #[test]
    fn frames_decode_to_what_went_in_with_their_delays() {
        let (w, h) = (16, 8);
        let frames = [
            frame(w, h, None),
            frame(w, h, Some((3, 2))),
            frame(w, h, Some((3, 2))),
            frame(w, h, Some((12, 7))),
        ];
        let mut g = GifWriter::new(Vec::new(), [16, 8], &[[230, 60, 50]], &[&frames[0]]).unwrap();
        for (k, f) in frames.iter().enumerate() {
            g.push(f, 3 + k as u16).unwrap();
        }
        let bytes = g.finish().unwrap();
        let back = decode(&bytes);
        assert_eq!(back.len(), 4, "an unchanged frame still counts");
        for (k, (pixels, delay)) in back.iter().enumerate() {
            assert_eq!(pixels, &frames[k], "frame {k}");
            assert_eq!(*delay, 3 + k as u16);
        }
    }

    #[test]
    fn the_same_frames_give_the_same_bytes() {
        let f = [frame(8, 8, Some((1, 1))), frame(8, 8, Some((6, 5)))];
        let write = || {
            let mut g = GifWriter::new(Vec::new(), [8, 8], &[], &[&f[0], &f[1]]).unwrap();
            for x in &f {
                g.push(x, 3).unwrap();
            }
            g.finish().unwrap()
        };
        assert_eq!(write(), write());
    }

    #[test]
    fn a_frame_of_the_wrong_size_is_refused() {
        let mut g = GifWriter::new(Vec::new(), [4, 4], &[], &[]).unwrap();
        assert!(g.push(&[0; 12], 3).is_err());
    }
}
