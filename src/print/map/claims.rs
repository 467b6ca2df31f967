//! Stated distances (the `claims` layer): a dashed line between the two places, dots at its
//! ends, and a label with the stated and the mapped distance.

use svg::node::element::Circle;

use super::super::labels::Anchor;
use super::super::planar::View;
use super::super::svgdoc::{el, n, path, path_d};
use super::super::typography::{LabelText, km, stated_km};
use super::{Ctx, MapArt};
use crate::style::paper;

/// Draws every claim that reaches the view and asks for its label.
pub(crate) fn draw(ctx: &mut Ctx, v: &View, art: &mut MapArt) {
    let ty = ctx.ty;
    for c in &ctx.content.claims {
        let pts = ctx.project_line(v, &c.line, 0.05);
        if pts.len() < 2 || !pts.iter().any(|p| v.inside(*p)) {
            continue;
        }
        ctx.legend.claims = true;
        art.clipped.push(el(path(path_d(&pts, false))
            .set("fill", "none")
            .set("stroke", paper::CLAIM)
            .set("stroke-width", n(paper::CLAIM_WIDTH_MM * ty.k))
            .set("stroke-dasharray", paper::CLAIM_DASH)));
        for end in [pts[0], pts[pts.len() - 1]] {
            art.clipped.push(el(Circle::new()
                .set("cx", n(end.0))
                .set("cy", n(end.1))
                .set("r", n(paper::CLAIM_END_RADIUS_MM * ty.k))
                .set("fill", paper::CLAIM)));
        }
        let mut label = format!("stated {}", stated_km(c.stated_km));
        if let Some(m) = c.computed_km {
            label.push_str(&format!(" · map {}", km(m)));
        }
        if c.by_construction {
            label.push('*');
        }
        if c.status == "contradicted" {
            label.push_str(" ✗");
        }
        for w in pts.windows(2) {
            art.field.soft.push((w[0], w[1]));
        }
        let lt = LabelText::one(&label, ty.claim());
        art.request(
            format!("claim:{}", c.id),
            label,
            lt,
            Anchor::Line(pts),
            paper::priority::CLAIM,
            false,
        );
    }
}
