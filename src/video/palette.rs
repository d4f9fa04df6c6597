//! A GIF's 256 colours, chosen so the picture keeps its meaning: every
//! colour the caller must keep (the state colours, the theme's surfaces)
//! exactly, then the colours the sample frames use most, in order of use.
//! A pixel of any other colour (a shade of anti-aliased text, say) takes
//! the nearest entry. Index 255 stays free: it marks "unchanged" pixels.

use std::collections::HashMap;

/// The index that means "as in the frame before".
pub const TRANSPARENT: u8 = 255;
/// Colours a palette holds besides [`TRANSPARENT`].
const COLOURS_MAX: usize = 255;

/// The palette and a memo of the pixels already mapped.
#[derive(Clone, Debug)]
pub struct Palette {
    colours: Vec<[u8; 3]>,
    exact: HashMap<[u8; 3], u8>,
    memo: HashMap<[u8; 3], u8>,
}

impl Palette {
    /// A palette holding `must` (at most 255 of them) exactly, then the
    /// colours used most in `samples` (RGBA frames).
    pub fn build(must: &[[u8; 3]], samples: &[&[u8]]) -> Self {
        let mut colours: Vec<[u8; 3]> = Vec::with_capacity(COLOURS_MAX);
        for c in must {
            if colours.len() < COLOURS_MAX && !colours.contains(c) {
                colours.push(*c);
            }
        }
        let mut counts: HashMap<[u8; 3], u64> = HashMap::new();
        for frame in samples {
            for px in frame.chunks_exact(4) {
                *counts.entry([px[0], px[1], px[2]]).or_default() += 1;
            }
        }
        let mut used: Vec<([u8; 3], u64)> = counts.into_iter().collect();
        // Most used first; ties by colour, so the palette never depends on
        // the hash map's order.
        used.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (c, _) in used {
            if colours.len() >= COLOURS_MAX {
                break;
            }
            if !colours.contains(&c) {
                colours.push(c);
            }
        }
        if colours.is_empty() {
            colours.push([0, 0, 0]);
        }
        let exact = colours
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, i as u8))
            .collect();
        Self {
            colours,
            exact,
            memo: HashMap::new(),
        }
    }

    /// The entry for `rgb`: its own when the palette has it, else the nearest.
    pub fn index(&mut self, rgb: [u8; 3]) -> u8 {
        if let Some(&i) = self.exact.get(&rgb) {
            return i;
        }
        if let Some(&i) = self.memo.get(&rgb) {
            return i;
        }
        let i = self.nearest(rgb);
        self.memo.insert(rgb, i);
        i
    }

    fn nearest(&self, [r, g, b]: [u8; 3]) -> u8 {
        let d = |c: &[u8; 3]| {
            // Weighted as the eye weighs red, green and blue.
            let dr = i32::from(c[0]) - i32::from(r);
            let dg = i32::from(c[1]) - i32::from(g);
            let db = i32::from(c[2]) - i32::from(b);
            3 * dr * dr + 4 * dg * dg + 2 * db * db
        };
        let (i, _) = self
            .colours
            .iter()
            .enumerate()
            .min_by_key(|(i, c)| (d(c), *i))
            .expect("a palette has a colour");
        i as u8
    }

    /// The colour table as GIF stores it: 256 RGB triples.
    pub fn table(&self) -> Vec<u8> {
        let mut t: Vec<u8> = self.colours.iter().flatten().copied().collect();
        t.resize(256 * 3, 0);
        t
    }

    /// The colours, in index order.
    pub fn colours(&self) -> &[[u8; 3]] {
        &self.colours
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_that_must_stay_are_kept_exactly_however_rare() {
        let mut frame = vec![];
        for i in 0..2000u32 {
            frame.extend_from_slice(&[(i % 256) as u8, (i / 256) as u8 * 30, 7, 255]);
        }
        let keep = [[1, 2, 3], [200, 100, 50]];
        let mut p = Palette::build(&keep, &[&frame]);
        assert_eq!(p.colours().len(), 255);
        assert_eq!(p.index([1, 2, 3]), 0);
        let i = usize::from(p.index([200, 100, 50]));
        assert_eq!(p.colours()[i], [200, 100, 50]);
        assert_ne!(p.index([9, 9, 9]), TRANSPARENT);
    }

    #[test]
    fn a_colour_not_in_the_palette_takes_the_nearest_and_the_order_is_stable() {
        let frame = [10u8, 10, 10, 255, 250, 250, 250, 255, 250, 250, 250, 255];
        let mut a = Palette::build(&[], &[&frame]);
        let b = Palette::build(&[], &[&frame]);
        assert_eq!(a.table(), b.table());
        assert_eq!(a.colours(), &[[250, 250, 250], [10, 10, 10]]);
        assert_eq!(a.index([30, 20, 20]), 1);
        assert_eq!(a.index([200, 240, 255]), 0);
    }
}
