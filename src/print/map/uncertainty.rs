//! Uncertainty shapes from the `uncertainty` layer (circles, rings and sectors, hatched areas):
//! per kind, one translucent group of even-odd fills (overlaps do not darken, holes stay open)
//! and one path of outlines.

use std::collections::{BTreeMap, HashSet};

use svg::node::element::{Element, Path, Title};

use super::super::labels::BoxMm;
use super::super::planar::{Pt, View, bbox_of, clip_ring};
use super::super::svgdoc::{el, group, mm, n, path, path_d};
use super::super::uncertainty::{self, Outline, ShapeKind};
use super::{Ctx, MapArt};
use crate::style::{self, paper};

/// Paper outline of one uncertainty shape: every ring (holes too) projected and clipped to the
/// grown frame, for one path filled with the even-odd rule; with its box and whether any of its
/// edges crosses the frame (when none does, the frame lies wholly inside or outside it).
fn outline_d(ctx: &Ctx, v: &View, o: &Outline) -> Option<(String, BoxMm, bool, Vec<Vec<Pt>>)> {
    let mut d = String::new();
    let mut rings = vec![];
    let mut edge = false;
    for ring in uncertainty::rings(&o.polygons) {
        let p = ctx.project_line(v, &ring, 0.1);
        edge = edge || p.windows(2).any(|w| v.rect.hits_segment(w[0], w[1]));
        let p = clip_ring(&p, &v.rect.grow(2.0));
        if p.len() >= 3 {
            d.push_str(&path_d(&p, true));
            rings.push(p);
        }
    }
    Some((d, bbox_of(&rings.concat())?, edge, rings))
}

/// Whether a site's uncertainty shape is worth drawing: circles only around a drawn symbol
/// they outgrow (and never for a region), rings whenever the site is shown, areas when shown
/// and their outline crosses the frame (a sheet wholly inside a camp system is not tinted all
/// over: the area's label says it).
fn wants_outline(
    ctx: &Ctx,
    art: &MapArt,
    regions: &HashSet<&str>,
    o: &Outline,
    b: &BoxMm,
    edge: bool,
) -> bool {
    match o.kind {
        ShapeKind::Circle => {
            let region = regions.contains(o.site.as_str());
            art.spots
                .get(&o.site)
                .is_some_and(|spot| !region && b.w() >= spot.r * 2.6)
        }
        ShapeKind::Ring => ctx.shown.contains(&o.site),
        ShapeKind::Area => edge && ctx.shown.contains(&o.site),
    }
}

/// Draws the shapes worth drawing (see [`wants_outline`]) into `art`.
pub(crate) fn draw(ctx: &mut Ctx, v: &View, art: &mut MapArt) {
    let mut by_kind: BTreeMap<ShapeKind, (Vec<Element>, String)> = BTreeMap::new();
    let mut area_rings: Vec<Vec<Pt>> = vec![];
    // Sites of kind `region` (looked up for every circle).
    let regions: HashSet<&str> = ctx
        .content
        .sites
        .iter()
        .filter(|s| s.kind == "region")
        .map(|s| s.id.as_str())
        .collect();
    for o in &ctx.outlines {
        let Some((d, b, edge, rings)) = outline_d(ctx, v, o) else {
            continue;
        };
        if !b.intersects(&v.rect) || !wants_outline(ctx, art, &regions, o, &b, edge) {
            continue;
        }
        if o.kind == ShapeKind::Area {
            area_rings.extend(rings);
        }
        let e = by_kind.entry(o.kind).or_default();
        let kind = format!("{:?}", o.kind).to_lowercase();
        e.0.push(el(path(d.clone())
            .set("fill-rule", "evenodd")
            .set("fill", fill(o.kind))
            .add(Title::new(format!("{}: {kind}", o.site)))));
        e.1.push_str(&d);
    }
    for (kind, (fills, strokes)) in by_kind {
        if !ctx.legend.shapes.contains(&kind) {
            ctx.legend.shapes.push(kind);
        }
        let opacity = match kind {
            ShapeKind::Area => paper::AREA_OPACITY,
            _ => style::UNCERTAINTY_OPACITY,
        };
        art.clipped
            .push(el(group(fills).set("opacity", n(opacity))));
        if kind == ShapeKind::Area {
            art.clipped.push(el(hatch(&area_rings)));
        }
        art.clipped.push(el(outline_stroke(path(strokes), kind)));
    }
}

/// The fill of a shape of `kind`.
pub(crate) fn fill(kind: ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Area => paper::AREA_FILL,
        _ => style::UNCERTAINTY_FILL,
    }
}

/// The outline of a shape of `kind`.
pub(crate) fn outline_stroke(p: Path, kind: ShapeKind) -> Path {
    let p = p.set("fill", "none");
    match kind {
        ShapeKind::Area => p
            .set("stroke", paper::AREA_STROKE)
            .set("stroke-width", mm(paper::AREA_STROKE_WIDTH_MM))
            .set("stroke-dasharray", paper::AREA_DASH),
        _ => p
            .set("stroke", paper::UNCERTAINTY_LINE)
            .set("stroke-width", mm(paper::UNCERTAINTY_LINE_WIDTH_MM))
            .set("stroke-opacity", mm(paper::UNCERTAINTY_LINE_OPACITY))
            .set("stroke-dasharray", paper::UNCERTAINTY_DASH),
    }
}

/// The hatching of areas: lines at 45° every 1.6 mm, cut to the rings (filled even-odd, so
/// holes and overlaps stay clear). Drawn as lines, not an SVG pattern: the rasteriser samples
/// a pattern bicubically at every pixel of the area, a tenth of a sheet's rendering time.
pub(crate) fn hatch(rings: &[Vec<Pt>]) -> Path {
    use geo::{
        BooleanOps, BoundingRect, Coord, LineString, MultiLineString, MultiPolygon, Polygon,
    };
    let mut area = MultiPolygon::<f64>::new(vec![]);
    for ring in rings {
        let ring = Polygon::new(
            LineString::from(
                ring.iter()
                    .map(|&(x, y)| Coord { x, y })
                    .collect::<Vec<_>>(),
            ),
            vec![],
        );
        area = area.xor(&MultiPolygon::new(vec![ring]));
    }
    let mut d = String::new();
    if let Some(b) = area.bounding_rect() {
        let (min, max) = (b.min(), b.max());
        // Lines y - x = c, at c = √2 (0.8 + 1.6 k): the pattern's line rotated by 45°.
        let step = std::f64::consts::SQRT_2 * paper::HATCH_SPACING_MM;
        let (x0, x1) = (min.x - 1.0, max.x + 1.0);
        let first = ((min.y - max.x) / step - 0.5).floor();
        let lines: Vec<LineString<f64>> = (0..)
            .map(|k| (first + f64::from(k) + 0.5) * step)
            .take_while(|c| *c <= max.y - min.x + step)
            .map(|c| LineString::from(vec![(x0, x0 + c), (x1, x1 + c)]))
            .collect();
        for piece in area.clip(&MultiLineString::new(lines), false) {
            let pts: Vec<Pt> = piece.coords().map(|c| (c.x, c.y)).collect();
            if pts.len() >= 2 {
                d.push_str(&path_d(&pts, false));
            }
        }
    }
    path(d)
        .set("class", "area-hatch")
        .set("fill", "none")
        .set("stroke", paper::AREA_STROKE)
        .set("stroke-width", mm(paper::HATCH_WIDTH_MM))
        .set("stroke-opacity", mm(paper::HATCH_OPACITY))
}
