//! The one typeface of printed sheets: DejaVu Sans 2.37 (Latin, Greek, Cyrillic), shipped inside
//! the binary by the `dejavu` crate. No system font is ever looked up, so every machine renders
//! the same glyphs. Widths are measured from the font's own advance widths (no kerning), which
//! is what label placement needs.

/// The family name written into the SVG.
pub const FAMILY: &str = "DejaVu Sans";

/// Ascender above the baseline, in **em** (DejaVu Sans: 1901 / 2048 units).
pub const ASCENT_EM: f64 = 0.928;
/// Height of capitals, in **em** (1493 / 2048).
pub const CAP_EM: f64 = 0.729;
/// Descender below the baseline, in **em** (483 / 2048).
pub const DESCENT_EM: f64 = 0.236;

/// The faces used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// Book.
    Regular,
    /// Bold.
    Bold,
    /// Oblique (used for water names).
    Oblique,
}

impl Face {
    /// The font file.
    #[must_use]
    pub fn data(self) -> &'static [u8] {
        match self {
            Self::Regular => dejavu::sans::regular(),
            Self::Bold => dejavu::sans::bold(),
            Self::Oblique => dejavu::sans::oblique(),
        }
    }
}

/// Every face, for loading into a font database.
pub const FACES: [Face; 3] = [Face::Regular, Face::Bold, Face::Oblique];

/// The shipped faces, parsed once (a sheet measures thousands of label candidates and words).
static PARSED: std::sync::LazyLock<[Option<ttf_parser::Face<'static>>; 3]> =
    std::sync::LazyLock::new(|| FACES.map(|f| ttf_parser::Face::parse(f.data(), 0).ok()));

impl Face {
    /// The parsed face (`None` cannot happen with the shipped font).
    fn parsed(self) -> Option<&'static ttf_parser::Face<'static>> {
        let i = match self {
            Self::Regular => 0,
            Self::Bold => 1,
            Self::Oblique => 2,
        };
        PARSED[i].as_ref()
    }
}

/// Width of `text` set in `face` at `size_mm`, with `spacing_mm` added between letters, **mm**.
#[must_use]
pub fn text_width_mm(text: &str, size_mm: f64, face: Face, spacing_mm: f64) -> f64 {
    let Some(f) = face.parsed() else {
        // Cannot happen with the shipped font; fall back to an average width.
        return text.chars().count() as f64 * size_mm * 0.6;
    };
    let upem = f64::from(f.units_per_em());
    let fallback = f.glyph_index('?');
    let mut units = 0.0;
    let mut n = 0usize;
    for c in text.chars() {
        let gid = f.glyph_index(c).or(fallback);
        units += gid
            .and_then(|g| f.glyph_hor_advance(g))
            .map_or(upem * 0.6, f64::from);
        n += 1;
    }
    units / upem * size_mm + spacing_mm * n.saturating_sub(1) as f64
}

/// True when the shipped regular face has a glyph for every character of `text`.
#[must_use]
pub fn covers(text: &str) -> bool {
    Face::Regular.parsed().is_some_and(|f| {
        text.chars()
            .all(|c| c.is_whitespace() || f.glyph_index(c).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_weight() {
        let a = text_width_mm("Vorkuta", 3.0, Face::Regular, 0.0);
        let b = text_width_mm("Vorkuta", 3.0, Face::Bold, 0.0);
        // DejaVu Sans is wide: about 0.6 em per letter.
        assert!(a > 10.0 && a < 14.0, "{a}");
        assert!(b > a);
        assert!(text_width_mm("Воркута", 3.0, Face::Regular, 0.0) > 10.0);
        assert!(covers("Воркута Сыръяга Ухта — 67°30′N"));
    }
}
