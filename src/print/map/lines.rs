//! Rivers and railways named in the account (the `lines` layer), with their names along the
//! longest visible stretch.

use super::super::fonts::Face;
use super::super::labels::Anchor;
use super::super::planar::{View, clip_line};
use super::super::svgdoc::{TextStyle, el, n, path, path_d};
use super::super::typography::LabelText;
use super::{Ctx, MapArt};
use crate::style::paper;

/// Draws every account line that reaches the view and asks for its label.
pub(crate) fn draw(ctx: &mut Ctx, v: &View, art: &mut MapArt) {
    let ty = ctx.ty;
    for line in &ctx.content.lines {
        let mut d = String::new();
        let mut longest: Vec<(f64, f64)> = vec![];
        for part in &line.parts {
            let pts = ctx.project_line(v, part, 0.1);
            if pts.len() >= 2 {
                for piece in clip_line(&pts, &v.rect.grow(3.0)) {
                    d.push_str(&path_d(&piece, false));
                }
                let inside: Vec<_> = pts.iter().copied().filter(|p| v.inside(*p)).collect();
                if inside.len() > longest.len() {
                    longest = inside;
                }
            }
        }
        if d.is_empty() || longest.len() < 2 {
            continue;
        }
        let railway = line.kind == "railway";
        if railway {
            ctx.legend.railway = Some(line.schematic);
            art.clipped.push(el(path(d.clone())
                .set("fill", "none")
                .set("stroke", paper::RAILWAY)
                .set("stroke-width", n(paper::RAILWAY_WIDTH_MM * ty.k))));
            art.clipped.push(el(path(d)
                .set("fill", "none")
                .set("stroke", paper::PAPER)
                .set("stroke-width", n(paper::RAILWAY_DASH_WIDTH_MM * ty.k))
                .set(
                    "stroke-dasharray",
                    if line.schematic {
                        paper::RAILWAY_SCHEMATIC_DASH
                    } else {
                        paper::RAILWAY_DASH
                    },
                )));
        } else {
            ctx.legend.atlas_river = Some(line.schematic);
            let mut p = path(d)
                .set("fill", "none")
                .set("stroke", paper::ATLAS_RIVER)
                .set("stroke-width", n(paper::ATLAS_RIVER_WIDTH_MM * ty.k))
                .set("stroke-linecap", "round");
            if line.schematic {
                p = p.set("stroke-dasharray", paper::ATLAS_RIVER_SCHEMATIC_DASH);
            }
            art.clipped.push(el(p));
        }
        for w in longest.windows(2) {
            art.field.soft.push((w[0], w[1]));
        }
        let name = if line.uncertain {
            format!("{} ?", line.name)
        } else {
            line.name.clone()
        };
        let st = if railway {
            TextStyle {
                face: Face::Oblique,
                ..ty.water().fill(paper::RAILWAY)
            }
        } else {
            ty.water()
        };
        let lt = LabelText::one(&name, st);
        art.request(
            format!("line:{}", line.id),
            name,
            lt,
            Anchor::Line(longest),
            paper::priority::ATLAS_LINE,
            false,
        );
    }
}
