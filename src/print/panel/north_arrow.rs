//! The north arrow, turned by the grid convergence at the map centre.

use svg::node::element::Element;

use super::super::svgdoc::{Align, el, group, mm, n, path, path_d, text};
use super::super::typography::Type;
use crate::style::paper;

/// A half-black, half-white arrow centred at (`cx`, `cy`) pointing to true north.
pub(crate) fn draw(cx: f64, cy: f64, convergence: f64, ty: Type) -> Vec<Element> {
    let l = 5.0 * ty.k;
    let w = 1.6 * ty.k;
    let arrow = group(vec![
        el(path(path_d(
            &[(cx, cy - l), (cx - w, cy + l * 0.6), (cx, cy + l * 0.25)],
            true,
        ))
        .set("fill", paper::INK)),
        el(path(path_d(
            &[(cx, cy - l), (cx + w, cy + l * 0.6), (cx, cy + l * 0.25)],
            true,
        ))
        .set("fill", paper::PAPER)
        .set("stroke", paper::INK)
        .set("stroke-width", mm(paper::BAR_STROKE_WIDTH_MM))),
        el(text("N", cx, cy - l - 0.8, ty.heading(), Align::Middle)),
    ])
    .set(
        "transform",
        format!("rotate({} {} {})", n(convergence), n(cx), n(cy)),
    );
    vec![el(arrow)]
}
