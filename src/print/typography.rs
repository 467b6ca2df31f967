//! Typography and number formatting of a sheet: the text styles, which scale with the paper, one
//! label's text runs, and how scales and distances are written.

use svg::node::element::Element;

use super::fonts::{self, Face};
use super::labels::BoxMm;
use super::svgdoc::{Align, TextStyle, el, text};
use crate::style::{self, paper};

/// Sizes that scale with the paper.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Type {
    /// The factor: 1 up to A3, larger on bigger paper.
    pub k: f64,
}

impl Type {
    /// The typography of a `w` × `h` mm page.
    pub fn for_page(w: f64, h: f64) -> Self {
        Self {
            k: if w.max(h) > 400.0 { 1.18 } else { 1.0 },
        }
    }
    pub fn title(self) -> TextStyle {
        TextStyle::plain(6.2 * self.k).bold()
    }
    pub fn subtitle(self) -> TextStyle {
        TextStyle::plain(3.4 * self.k).fill(paper::SUBTITLE_COLOUR)
    }
    pub fn heading(self) -> TextStyle {
        TextStyle::plain(2.6 * self.k).bold()
    }
    pub fn body(self) -> TextStyle {
        TextStyle::plain(2.1 * self.k).fill(paper::BODY_COLOUR)
    }
    pub fn small(self) -> TextStyle {
        TextStyle::plain(1.75 * self.k).fill(paper::SMALL_TEXT_COLOUR)
    }
    pub fn site(self, major: bool) -> TextStyle {
        TextStyle::plain(if major { 2.55 } else { 2.2 } * self.k).halo(0.55 * self.k)
    }
    pub fn distance(self) -> TextStyle {
        TextStyle::plain(2.0 * self.k)
            .fill(style::TRANSFER_COLOUR)
            .halo(0.5 * self.k)
    }
    pub fn claim(self) -> TextStyle {
        TextStyle::plain(2.0 * self.k)
            .fill(style::CLAIM_COLOUR)
            .halo(0.5 * self.k)
    }
    pub fn water(self) -> TextStyle {
        TextStyle {
            size: 2.1 * self.k,
            face: Face::Oblique,
            fill: paper::WATER_TEXT_COLOUR,
            halo: 0.45 * self.k,
            spacing: 0.1 * self.k,
        }
    }
    pub fn region(self) -> TextStyle {
        TextStyle {
            size: 2.3 * self.k,
            face: Face::Regular,
            fill: paper::REGION_TEXT_COLOUR,
            halo: 0.0,
            spacing: 0.55 * self.k,
        }
    }
    pub fn grid(self) -> TextStyle {
        TextStyle::plain(1.75 * self.k).fill(paper::GRID_TEXT_COLOUR)
    }
}

/// One label's text runs and where its box sits.
#[derive(Debug, Clone)]
pub(crate) struct LabelText {
    pub runs: Vec<(String, TextStyle)>,
    pub pad: f64,
}

impl LabelText {
    pub fn one(s: &str, st: TextStyle) -> Self {
        Self {
            runs: vec![(s.to_owned(), st)],
            pad: 0.2,
        }
    }
    pub fn size(&self) -> f64 {
        self.runs.iter().map(|r| r.1.size).fold(0.0, f64::max)
    }
    pub fn w(&self) -> f64 {
        let gaps = self.runs.len().saturating_sub(1) as f64 * self.size() * 0.3;
        self.runs.iter().map(|(s, st)| st.width(s)).sum::<f64>() + gaps + 2.0 * self.pad
    }
    pub fn h(&self) -> f64 {
        (fonts::CAP_EM + fonts::DESCENT_EM) * self.size() + 2.0 * self.pad
    }
    pub fn draw(&self, b: &BoxMm) -> Vec<Element> {
        let size = self.size();
        let base = b.y1 - self.pad - fonts::DESCENT_EM * size;
        let mut x = b.x0 + self.pad;
        let mut out = vec![];
        for (s, st) in &self.runs {
            out.push(el(text(s, x, base, *st, Align::Start)));
            x += st.width(s) + size * 0.3;
        }
        out
    }
}

/// The smallest "round" number (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8 × 10ⁿ) at least `x`.
pub(crate) fn nice_up(x: f64) -> f64 {
    let e = x.log10().floor();
    let base = 10f64.powf(e);
    for m in [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0, 10.0] {
        if m * base >= x * (1.0 - 1e-9) {
            return m * base;
        }
    }
    10.0 * base
}

/// The largest 1, 2, 2.5 or 5 × 10ⁿ not above `x`.
pub(crate) fn nice_down(x: f64) -> f64 {
    let e = x.log10().floor();
    let base = 10f64.powf(e);
    let mut best = base;
    for m in [1.0, 2.0, 2.5, 5.0] {
        if m * base <= x * (1.0 + 1e-9) {
            best = m * base;
        }
    }
    best
}

/// `1 889` style thousands (thin space), for scales and distances.
pub(crate) fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A distance in km with sensible precision.
pub(crate) fn km(x: f64) -> String {
    if x < 1.0 {
        format!("{x:.2} km")
    } else if x < 10.0 {
        format!("{x:.1} km")
    } else {
        format!("{} km", thousands(x.round() as u64))
    }
}

/// A stated distance as the account gives it (no trailing zeros).
pub(crate) fn stated_km(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s} km")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_up(2_340_000.0), 2_500_000.0);
        assert_eq!(nice_up(1_000_000.0), 1_000_000.0);
        assert_eq!(nice_up(310_000.0), 400_000.0);
        assert_eq!(nice_down(137.0), 100.0);
        assert_eq!(nice_down(27.0), 25.0);
        assert_eq!(nice_down(0.7), 0.5);
        assert_eq!(thousands(2_500_000), "2\u{2009}500\u{2009}000");
        assert_eq!(km(1889.2), "1\u{2009}889 km");
        assert_eq!(stated_km(0.5), "0.5 km");
        assert_eq!(stated_km(40.0), "40 km");
    }
}
