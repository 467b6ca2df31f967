//! Detail insets: places the main map shows too small, drawn larger in the panel (or, when the
//! panel is full, in a free corner of the map), each outlined where it lies on the main map.

use svg::node::element::{ClipPath, Definitions, Element, Rectangle};

use super::super::PrintError;
use super::super::frame::{fit, pad_extent, projected_box, sites_extent};
use super::super::labels::{self, BoxMm};
use super::super::map::{self, Ctx, MapArt, basemap};
use super::super::planar::{View, bbox_of};
use super::super::sheet::{InsetSpec, SheetSpec};
use super::super::svgdoc::{Align, el, frame_rect, group, mm, n, path, path_d, text};
use super::super::typography::{km, nice_down, thousands};
use super::Flow;
use crate::style::paper;

/// What the insets add to the sheet.
#[derive(Default)]
pub(crate) struct Insets {
    /// Insets set in a corner of the map (drawn over it).
    pub framed: Vec<Element>,
    /// Their boxes (labels of the main map keep off them).
    pub in_frame: Vec<BoxMm>,
    /// Where each inset lies on the main map.
    pub outlines: Vec<Element>,
}

/// Sets the insets of `spec` in the panel (into `panel`) or in a corner of the main map `view`,
/// leaving to each inset the labels of the places it shows (see [`map::labels::leave_to_inset`]).
pub(crate) fn place(
    ctx: &mut Ctx,
    spec: &SheetSpec,
    view: &View,
    art: &mut MapArt,
    flow: &mut Flow,
    panel: &mut Vec<Element>,
) -> Result<Insets, PrintError> {
    let ty = ctx.ty;
    let (cw, heading) = (flow.width(), ty.heading());
    let (centre_lon, centre_lat) = ctx.proj.inverse(view.cx, view.cy)?;
    let mut out = Insets::default();
    for (i, inset) in spec.insets.iter().enumerate() {
        let ih = (cw * 0.8).min(80.0 * ty.k);
        let total = heading.size * 1.6 + ih + ty.small().size * 1.8;
        let ids: Vec<String> = inset
            .sites
            .iter()
            .filter(|id| ctx.shown.contains(*id))
            .cloned()
            .collect();
        if ids.is_empty() {
            continue;
        }
        let e = pad_extent(sites_extent(ctx.content, &ids, &spec.id)?, inset.margin_km);
        let probe = fit(BoxMm::new(0.0, 0.0, cw, ih), projected_box(ctx.proj, e)?);
        if probe.scale * 3.0 > view.scale {
            // The main map already shows these places at nearly this scale.
            continue;
        }
        let slot = BoxMm::new(0.0, 0.0, cw, total);
        let (at, framed) = match flow.take(&format!("inset: {}", inset.title), total) {
            Some(at) => (at, false),
            None => match free_corner(art, view, slot, &out.in_frame) {
                Some(b) => ((b.x0, b.y0), true),
                None => {
                    ctx.warnings
                        .push(format!("no room for the inset `{}`", inset.title));
                    continue;
                }
            },
        };
        let b = BoxMm::new(at.0, at.1 + heading.size * 1.6, cw, ih);
        let iv = fit(b, projected_box(ctx.proj, e)?);
        let ik = ctx.proj.scale_factor(centre_lon, centre_lat)?;
        let (drawn, ioutcome) = draw(ctx, inset, &iv, ik, i);
        if framed {
            let back = BoxMm::new(at.0, at.1, cw, total).grow(1.2 * ty.k);
            out.in_frame.push(back);
            flow.boxes
                .push((format!("inset in the map: {}", inset.title), back));
            out.framed.push(el(
                frame_rect(back, paper::MAP_FRAME_WIDTH_MM).set("fill", paper::PAPER)
            ));
            out.framed.extend(drawn);
        } else {
            panel.extend(drawn);
        }
        // Where the inset lies on the main map.
        let corners = [(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)];
        let on_main: Vec<(f64, f64)> = corners
            .iter()
            .map(|(px, py)| {
                let g = iv.ground(*px, *py);
                view.paper(g.0, g.1)
            })
            .collect();
        if let Some(bb) = bbox_of(&on_main) {
            let bb = if bb.w() < 2.5 {
                bb.grow((2.5 - bb.w()) / 2.0)
            } else {
                bb
            };
            out.outlines
                .push(el(frame_rect(bb, paper::INSET_OUTLINE_WIDTH_MM)));
            map::labels::leave_to_inset(art, inset.sites.first(), &ioutcome);
        }
    }
    Ok(out)
}

/// Draws one detail inset into the view `iv` (its map box), with its title above and its
/// scale bar below; `ik` is the projection's scale factor used for the bar.
fn draw(
    ctx: &mut Ctx,
    inset: &InsetSpec,
    iv: &View,
    ik: f64,
    index: usize,
) -> (Vec<Element>, labels::Outcome) {
    let (ty, b) = (ctx.ty, iv.rect);
    let heading = ty.heading();
    let mut out = vec![el(text(
        &inset.title,
        b.x0,
        b.y0 - heading.size * 0.6,
        heading,
        Align::Start,
    ))];
    let mut iart = MapArt::default();
    basemap::draw(ctx, iv, &mut iart, false);
    map::draw_atlas(ctx, iv, &mut iart, false);
    let (ilabels, ioutcome) = map::labels::place(&mut iart, iv, vec![]);
    for (id, t) in &ioutcome.omitted {
        if id.starts_with("site:") {
            ctx.warnings
                .push(format!("inset `{}`: label omitted: {t}", inset.title));
        }
    }
    let clip_id = format!("clip-inset-{index}");
    out.push(el(Definitions::new().add(
        ClipPath::new().set("id", clip_id.clone()).add(
            Rectangle::new()
                .set("x", n(b.x0))
                .set("y", n(b.y0))
                .set("width", n(b.w()))
                .set("height", n(b.h())),
        ),
    )));
    out.push(el(
        group(iart.clipped).set("clip-path", format!("url(#{clip_id})"))
    ));
    out.push(el(group(ilabels)));
    out.push(el(frame_rect(b, paper::INSET_FRAME_WIDTH_MM)));
    // Inset scale, with a bar.
    let gpm = iv.scale / 1e6 / ik;
    let ibar = nice_down(b.w() * 0.35 * gpm);
    let ibar_mm = ibar / gpm;
    let (x, sy) = (b.x0, b.y1 + ty.small().size * 1.5);
    out.push(el(path(path_d(
        &[
            (x, sy - 0.9),
            (x, sy),
            (x + ibar_mm, sy),
            (x + ibar_mm, sy - 0.9),
        ],
        false,
    ))
    .set("fill", "none")
    .set("stroke", paper::INK)
    .set("stroke-width", mm(paper::INSET_BAR_WIDTH_MM))));
    out.push(el(text(
        &format!("{}   1:{}", km(ibar), thousands(iv.scale as u64)),
        x + ibar_mm + 1.5,
        sy,
        ty.small(),
        Align::Start,
    )));
    (out, ioutcome)
}

/// A corner of the main map where a box of `slot`'s size covers no symbol or arrowhead and the
/// fewest lines (ties: top left, top right, bottom left, bottom right), clear of `taken`.
fn free_corner(art: &MapArt, v: &View, slot: BoxMm, taken: &[BoxMm]) -> Option<BoxMm> {
    let r = v.rect.grow(-3.0);
    let (w, h) = (slot.w(), slot.h());
    [
        BoxMm::new(r.x0, r.y0, w, h),
        BoxMm::new(r.x1 - w, r.y0, w, h),
        BoxMm::new(r.x0, r.y1 - h, w, h),
        BoxMm::new(r.x1 - w, r.y1 - h, w, h),
    ]
    .into_iter()
    .filter(|b| r.contains(b) && !taken.iter().any(|t| t.intersects(&b.grow(2.0))))
    .filter(|b| {
        !art.field
            .hard
            .iter()
            .any(|(_, h)| h.intersects(&b.grow(2.0)))
    })
    .filter(|b| {
        !art.spots
            .values()
            .any(|s| b.grow(2.0).contains(&BoxMm::around(s.x, s.y, 0.0)))
    })
    .min_by_key(|b| {
        art.field
            .soft
            .iter()
            .filter(|(p, q)| b.hits_segment(*p, *q))
            .count()
    })
}
