//! The scale bar (true at the map centre) with its round figures, and the scale in words.

use svg::node::element::{Element, Rectangle};

use super::super::svgdoc::{Align, el, mm, n, text};
use super::super::typography::{Type, thousands};
use crate::style::paper;

/// A bar `bar_mm` long standing for `bar_km`, its top-left corner at (`x`, `y`), in four or five
/// black and white segments, with the scale 1:`scale` written below.
pub(crate) fn draw(x: f64, y: f64, bar_mm: f64, bar_km: f64, scale: f64, ty: Type) -> Vec<Element> {
    let mut out = vec![];
    let st = ty.small();
    let top = y + st.size * 1.6;
    let hgt = 1.4 * ty.k;
    let mant = bar_km / 10f64.powf(bar_km.log10().floor());
    let segs: u32 = if (mant - 2.5).abs() < 1e-9 || (mant - 5.0).abs() < 1e-9 {
        5
    } else {
        4
    };
    let seg = bar_mm / f64::from(segs);
    for i in 0..segs {
        out.push(el(Rectangle::new()
            .set("x", n(x + f64::from(i) * seg))
            .set("y", n(top))
            .set("width", n(seg))
            .set("height", n(hgt))
            .set("fill", if i % 2 == 0 { paper::INK } else { paper::PAPER })
            .set("stroke", paper::INK)
            .set("stroke-width", mm(paper::BAR_STROKE_WIDTH_MM))));
    }
    let value = |v: f64| {
        if v == 0.0 {
            "0".to_owned()
        } else if v < 1.0 {
            format!("{v}")
        } else {
            thousands(v.round() as u64)
        }
    };
    out.push(el(text("0", x, y + st.size, st, Align::Middle)));
    // The middle value only when it is round (25 km: no "12.5").
    let half = bar_km / 2.0;
    let mid = if (half - half.round()).abs() < 1e-9 || half < 1.0 {
        Some((half, bar_mm / 2.0))
    } else {
        let first = bar_km / f64::from(segs);
        Some((first, seg)).filter(|(v, _)| (v - v.round()).abs() < 1e-9)
    };
    if let Some((v, at)) = mid {
        out.push(el(text(&value(v), x + at, y + st.size, st, Align::Middle)));
    }
    out.push(el(text(
        &format!("{} km", value(bar_km)),
        x + bar_mm,
        y + st.size,
        st,
        Align::Middle,
    )));
    let body = ty.body();
    out.push(el(text(
        &format!("Scale 1:{}", thousands(scale as u64)),
        x,
        top + hgt + body.size * 1.5,
        body.bold(),
        Align::Start,
    )));
    out.push(el(text(
        "true at the map centre",
        x,
        top + hgt + body.size * 2.8,
        st,
        Align::Start,
    )));
    out
}

/// Sets the scale bar (its ground length a round figure near `target` mm of paper) and the north
/// arrow beside it in the panel; returns the bar's paper length, **mm**, and ground length,
/// **km**. A warning when there is no room.
pub(crate) fn place(
    flow: &mut super::Flow,
    view: &super::super::planar::View,
    k_centre: f64,
    convergence: f64,
    ty: Type,
    panel: &mut Vec<Element>,
    warnings: &mut Vec<String>,
) -> (f64, f64) {
    let cw = flow.width();
    let ground_per_mm_km = view.scale / 1e6 / k_centre;
    let target = (cw * 0.55).min(55.0 * ty.k);
    let bar_km = super::super::typography::nice_down(target * ground_per_mm_km);
    let bar_mm = bar_km / ground_per_mm_km;
    let sh = 15.0 * ty.k;
    if let Some((x, y)) = flow.take("scale bar", sh) {
        panel.extend(draw(x, y, bar_mm, bar_km, view.scale, ty));
        panel.extend(super::north_arrow::draw(
            x + cw - 6.0 * ty.k,
            y + 6.5 * ty.k,
            convergence,
            ty,
        ));
    } else {
        warnings.push("no room for the scale bar".into());
    }
    (bar_mm, bar_km)
}
