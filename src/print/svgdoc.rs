//! Small helpers over the `svg` crate: number formatting, paths, text runs. Coordinates are
//! paper **millimetres** (the document's user unit), written with two decimals so output bytes
//! are stable.

use svg::Node;
use svg::node::element::{Element, Group, Path, Rectangle, Text};

use super::fonts::{self, Face};
use super::labels::BoxMm;
use crate::style::paper;

/// A coordinate or length with two decimals (0.01 mm), no `-0.00`.
#[must_use]
pub fn n(x: f64) -> String {
    let s = format!("{x:.2}");
    if s == "-0.00" { "0.00".into() } else { s }
}

/// A width or opacity from the style, written in its shortest form (`0.1`, `0.35`): the form
/// the sheets have always carried.
#[must_use]
pub fn mm(x: f64) -> String {
    x.to_string()
}

/// Any SVG node as a generic element.
pub fn el<T: Into<Element>>(x: T) -> Element {
    x.into()
}

/// An unfilled rectangle in ink round `b`, of stroke width `w` mm.
#[must_use]
pub fn frame_rect(b: BoxMm, w: f64) -> Rectangle {
    Rectangle::new()
        .set("x", n(b.x0))
        .set("y", n(b.y0))
        .set("width", n(b.w()))
        .set("height", n(b.h()))
        .set("fill", "none")
        .set("stroke", paper::INK)
        .set("stroke-width", n(w))
}

/// Path data through `pts`, closed with `Z` if `close`.
#[must_use]
pub fn path_d(pts: &[(f64, f64)], close: bool) -> String {
    let mut d = String::with_capacity(pts.len() * 14);
    for (i, p) in pts.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        d.push_str(&n(p.0));
        d.push(' ');
        d.push_str(&n(p.1));
    }
    if close && !pts.is_empty() {
        d.push('Z');
    }
    d
}

/// A path element.
#[must_use]
pub fn path(d: String) -> Path {
    Path::new().set("d", d)
}

/// How a piece of text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Size, **mm**.
    pub size: f64,
    /// Face.
    pub face: Face,
    /// Fill colour.
    pub fill: &'static str,
    /// White halo width, **mm** (0: none).
    pub halo: f64,
    /// Extra space between letters, **mm**.
    pub spacing: f64,
}

impl TextStyle {
    /// Regular dark text of `size` mm.
    #[must_use]
    pub fn plain(size: f64) -> Self {
        Self {
            size,
            face: Face::Regular,
            fill: paper::INK,
            halo: 0.0,
            spacing: 0.0,
        }
    }

    /// The same in bold.
    #[must_use]
    pub fn bold(mut self) -> Self {
        self.face = Face::Bold;
        self
    }

    /// The same in another colour.
    #[must_use]
    pub fn fill(mut self, fill: &'static str) -> Self {
        self.fill = fill;
        self
    }

    /// The same with a white halo.
    #[must_use]
    pub fn halo(mut self, w: f64) -> Self {
        self.halo = w;
        self
    }

    /// Width of `s` in this style, **mm**.
    #[must_use]
    pub fn width(&self, s: &str) -> f64 {
        fonts::text_width_mm(s, self.size, self.face, self.spacing)
    }
}

/// Horizontal alignment of a text run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `x` is the left end.
    Start,
    /// `x` is the middle.
    Middle,
    /// `x` is the right end.
    End,
}

/// A `<text>` element with its baseline at (`x`, `y`).
#[must_use]
pub fn text(s: &str, x: f64, y: f64, st: TextStyle, align: Align) -> Text {
    let mut t = Text::new(s)
        .set("x", n(x))
        .set("y", n(y))
        .set("font-size", n(st.size))
        .set("fill", st.fill);
    match st.face {
        Face::Regular => {}
        Face::Bold => t = t.set("font-weight", "bold"),
        Face::Oblique => t = t.set("font-style", "oblique"),
    }
    match align {
        Align::Start => {}
        Align::Middle => t = t.set("text-anchor", "middle"),
        Align::End => t = t.set("text-anchor", "end"),
    }
    if st.spacing > 0.0 {
        t = t.set("letter-spacing", n(st.spacing));
    }
    if st.halo > 0.0 {
        t = t
            .set("stroke", paper::PAPER)
            .set("stroke-width", n(st.halo))
            .set("stroke-linejoin", "round")
            .set("paint-order", "stroke");
    }
    t
}

/// A group holding `children`.
#[must_use]
pub fn group(children: Vec<Element>) -> Group {
    let mut g = Group::new();
    for c in children {
        g.append(c);
    }
    g
}

/// Greedy word wrap of `s` into lines no wider than `width` mm.
#[must_use]
pub fn wrap(s: &str, width: f64, st: TextStyle) -> Vec<String> {
    let mut lines = vec![];
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if st.width(&candidate) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_paths() {
        assert_eq!(n(-0.001), "0.00");
        assert_eq!(n(12.345), "12.35");
        assert_eq!(
            path_d(&[(0.0, 0.0), (1.0, 2.0)], true),
            "M0.00 0.00L1.00 2.00Z"
        );
    }

    #[test]
    fn text_is_escaped_and_styled() {
        let t = text(
            "A & <B>",
            1.0,
            2.0,
            TextStyle::plain(3.0).halo(0.5),
            Align::Middle,
        );
        let s = t.to_string();
        assert!(s.contains("A &amp; &lt;B&gt;"), "{s}");
        assert!(s.contains("paint-order=\"stroke\""), "{s}");
        assert!(s.contains("text-anchor=\"middle\""), "{s}");
    }

    #[test]
    fn wrapping_respects_the_width() {
        let st = TextStyle::plain(2.0);
        let lines = wrap(
            "Coastline, lakes and rivers: GSHHG 2.3.7 (Wessel & Smith 1996)",
            40.0,
            st,
        );
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| st.width(l) <= 40.0));
    }
}
