//! The locator inset: where the sheet lies in its part of the world.
//!
//! With a world basemap (`world/` in the basemap folder, read by [`crate::print::load_locator`])
//! the locator's frame is the main map's frame enlarged about four times (a country, continent or
//! world view as the sheet requires), projected as `auto` would project it, and marks the most
//! important reference places in view (capitals and the largest cities, by `rank`). With only
//! the old regional `locator.geojson` it shows European Russia as before.

use std::collections::BTreeMap;

use geo::Geometry;
use svg::node::element::{Circle, ClipPath, Definitions, Element, Group, Rectangle};

use super::super::PrintError;
use super::super::fonts;
use super::super::frame::{fit, projected_box};
use super::super::labels::BoxMm;
use super::super::map::{Ctx, geometry_rings, touches, value_int, value_text};
use super::super::planar::{Pt, View, bbox_of, clip_line, clip_ring, thin};
use super::super::projection::Projection;
use super::super::svgdoc::{Align, el, frame_rect, group, mm, n, path, path_d, text};
use super::super::typography::Type;
use crate::layers::Layer;
use crate::style::{self, paper};

/// Field that only the world locator layer has: the importance of a reference place.
pub(crate) const RANK: &str = "rank";

/// The locator's lon/lat frame around the main map's box `e`: about four times its size (at
/// least 16° tall; the world when that would be over 120°), widened to the inset's `aspect`
/// (width / height).
fn locator_frame(e: [f64; 4], aspect: f64) -> [f64; 4] {
    let lat_c = f64::midpoint(e[1], e[3]).clamp(-80.0, 80.0);
    let lon_c = f64::midpoint(e[0], e[2]);
    let cos = lat_c.to_radians().cos().max(0.2);
    let size = ((e[2] - e[0]) * cos).max(e[3] - e[1]);
    let half_h = (size * 2.0).max(8.0);
    if half_h > 60.0 {
        // A map of an ocean or continent: the world.
        return [-180.0, -85.0, 180.0, 85.0];
    }
    let half_w = (half_h * aspect / cos).min(180.0);
    [
        (lon_c - half_w).max(-180.0),
        (lat_c - half_h).max(-85.0),
        (lon_c + half_w).min(180.0),
        (lat_c + half_h).min(85.0),
    ]
}

/// Sets the locator (with its heading) at the top of the panel; a warning when it has no room.
pub(crate) fn place(
    loc: &Layer,
    ctx: &mut Ctx,
    main: &View,
    flow: &mut super::Flow,
    panel: &mut Vec<Element>,
) -> Result<(), PrintError> {
    let (ty, cw) = (ctx.ty, flow.width());
    let heading = ty.heading();
    let lh = (cw * 0.62).min(60.0 * ty.k) + heading.size * 1.6;
    let Some((x, y)) = flow.take("locator", lh) else {
        ctx.warnings.push("no room for the locator map".into());
        return Ok(());
    };
    panel.push(el(text(
        "Location",
        x,
        y + heading.size,
        heading,
        Align::Start,
    )));
    let b = BoxMm {
        x0: x,
        y0: y + heading.size * 1.6,
        x1: x + cw,
        y1: y + lh,
    };
    panel.extend(draw(loc, ctx, main, b, ty)?);
    Ok(())
}

/// The locator in the box `b`: where the sheet lies, with reference places chosen for its part
/// of the world.
pub(crate) fn draw(
    loc: &Layer,
    ctx: &Ctx,
    main: &View,
    b: BoxMm,
    ty: Type,
) -> Result<Vec<Element>, PrintError> {
    let world = loc.field_index(RANK).is_some();
    let (proj, v) = if world {
        let frame = locator_frame(ctx.lonlat_box(main), b.w() / b.h());
        let proj = Projection::auto_for(frame)?;
        let v = fit(b, projected_box(&proj, frame)?);
        (proj, v)
    } else {
        // The regional locator of the Vorkuta basemap: European Russia.
        let proj = Projection::lcc_for([30.0, 53.0, 70.0, 71.5])?;
        let v = fit(b, projected_box(&proj, [34.0, 54.0, 66.0, 70.0])?);
        (proj, v)
    };
    let project = |lon: f64, lat: f64| proj.forward(lon, lat).ok().map(|(x, y)| v.paper(x, y));
    let mut art: Vec<Element> = vec![el(Rectangle::new()
        .set("x", n(b.x0))
        .set("y", n(b.y0))
        .set("width", n(b.w()))
        .set("height", n(b.h()))
        .set("fill", style::SEA_COLOUR))];
    let ll = world.then(|| view_lonlat_box(&proj, &v, b));
    let places = draw_features(loc, ll, &project, b, &mut art);
    // The main map's frame, through lon/lat.
    let r = main.rect;
    let mut outline = vec![];
    for (ax, ay, bx, by) in [
        (r.x0, r.y0, r.x1, r.y0),
        (r.x1, r.y0, r.x1, r.y1),
        (r.x1, r.y1, r.x0, r.y1),
        (r.x0, r.y1, r.x0, r.y0),
    ] {
        for i in 0..20 {
            let t = f64::from(i) / 20.0;
            let (gx, gy) = main.ground(ax + (bx - ax) * t, ay + (by - ay) * t);
            if let Ok((lon, lat)) = ctx.proj.inverse(gx, gy)
                && let Some(q) = project(lon, lat)
            {
                outline.push(q);
            }
        }
    }
    let mut taken = draw_sheet_box(&outline, &mut art);
    let labels = draw_places(places, b, ty, &mut taken, &mut art);
    let clip_id = "clip-locator";
    let mut out = vec![el(Definitions::new().add(
        ClipPath::new().set("id", clip_id).add(
            Rectangle::new()
                .set("x", n(b.x0))
                .set("y", n(b.y0))
                .set("width", n(b.w()))
                .set("height", n(b.h())),
        ),
    ))];
    out.push(el(Group::new()
        .set("clip-path", format!("url(#{clip_id})"))
        .add(group(art))
        .add(group(labels))));
    out.push(el(frame_rect(b, paper::INSET_FRAME_WIDTH_MM)));
    Ok(out)
}

/// The locator view's lon/lat box (5° margin), to skip features far outside.
fn view_lonlat_box(proj: &Projection, v: &View, b: BoxMm) -> [f64; 4] {
    let mut bb = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for i in 0..=16 {
        let t = f64::from(i) / 16.0;
        for (px, py) in [
            (b.x0 + t * b.w(), b.y0),
            (b.x0 + t * b.w(), b.y1),
            (b.x0, b.y0 + t * b.h()),
            (b.x1, b.y0 + t * b.h()),
        ] {
            let (x, y) = v.ground(px, py);
            if let Ok((lon, lat)) = proj.inverse(x, y)
                && lon.is_finite()
                && lat.is_finite()
            {
                bb = [
                    bb[0].min(lon),
                    bb[1].min(lat),
                    bb[2].max(lon),
                    bb[3].max(lat),
                ];
            }
        }
    }
    [bb[0] - 5.0, bb[1] - 5.0, bb[2] + 5.0, bb[3] + 5.0]
}

/// Draws the locator layer's land, countries, lakes and borders (those touching `ll`, when
/// given) into `art`; returns its reference places (rank, name, paper point).
fn draw_features(
    loc: &Layer,
    ll: Option<[f64; 4]>,
    project: &impl Fn(f64, f64) -> Option<Pt>,
    b: BoxMm,
    art: &mut Vec<Element>,
) -> Vec<(i64, String, Pt)> {
    let mut by_layer: BTreeMap<String, String> = BTreeMap::new();
    let mut places: Vec<(i64, String, Pt)> = vec![];
    let clip = b.grow(2.0);
    for f in &loc.features {
        let kind = value_text(loc, f, "layer");
        let Some(g) = &f.geometry else { continue };
        if ll.is_some_and(|ll| !touches(g, ll)) {
            continue;
        }
        if kind == "place" {
            if let Geometry::Point(p) = g
                && let Some(q) = project(p.x(), p.y())
            {
                let rank = value_int(loc, f, RANK).unwrap_or(2);
                places.push((rank, value_text(loc, f, "name"), q));
            }
            continue;
        }
        let close = matches!(kind.as_str(), "land" | "lake" | "country");
        let d = by_layer.entry(kind).or_default();
        for ring in geometry_rings(g) {
            let pts = thin(
                ring.iter().filter_map(|(x, y)| project(*x, *y)).collect(),
                0.2,
            );
            if pts.len() >= 2 {
                if close {
                    let pts = clip_ring(&pts, &clip);
                    if pts.len() >= 3 {
                        d.push_str(&path_d(&pts, true));
                    }
                } else {
                    for piece in clip_line(&pts, &clip) {
                        d.push_str(&path_d(&piece, false));
                    }
                }
            }
        }
    }
    let style_of = |k: &str| -> Option<(&str, &str, f64)> {
        match k {
            "land" => Some((paper::LOCATOR_LAND, "none", 0.0)),
            "country" => Some((
                paper::LOCATOR_COUNTRY,
                paper::LOCATOR_BORDER,
                paper::LOCATOR_COUNTRY_WIDTH_MM,
            )),
            "lake" => Some((style::WATER_COLOUR, "none", 0.0)),
            "border" => Some((
                "none",
                paper::LOCATOR_BORDER,
                paper::LOCATOR_BORDER_WIDTH_MM,
            )),
            _ => None,
        }
    };
    for k in ["land", "country", "lake", "border"] {
        if let (Some(d), Some((fill, stroke, w))) = (by_layer.get(k), style_of(k)) {
            if d.is_empty() {
                continue;
            }
            art.push(el(path(d.clone())
                .set("fill", fill)
                .set("fill-rule", "evenodd")
                .set("stroke", stroke)
                .set("stroke-width", n(w))));
        }
    }
    places
}

/// Marks the main map's frame (`outline`, on the locator's paper): a tinted box, or a circle
/// when too small to see as a box; returns the boxes labels must keep off.
fn draw_sheet_box(outline: &[Pt], art: &mut Vec<Element>) -> Vec<BoxMm> {
    let mut taken: Vec<BoxMm> = vec![];
    if outline.len() < 3 {
        return taken;
    }
    let ob = bbox_of(outline);
    if ob.is_some_and(|o| o.w() < 2.0) {
        // Too small to see as a box: mark it with a circle.
        if let Some(o) = ob {
            art.push(el(Circle::new()
                .set("cx", n(f64::midpoint(o.x0, o.x1)))
                .set("cy", n(f64::midpoint(o.y0, o.y1)))
                .set("r", mm(paper::LOCATOR_MARK_RADIUS_MM))
                .set("fill", "none")
                .set("stroke", style::TRANSFER_COLOUR)
                .set("stroke-width", mm(paper::LOCATOR_MARK_WIDTH_MM))));
            taken.push(BoxMm::around(
                f64::midpoint(o.x0, o.x1),
                f64::midpoint(o.y0, o.y1),
                1.5,
            ));
        }
    } else {
        art.push(el(path(path_d(outline, true))
            .set("fill", style::TRANSFER_COLOUR)
            .set("fill-opacity", mm(paper::LOCATOR_BOX_OPACITY))
            .set("stroke", style::TRANSFER_COLOUR)
            .set("stroke-width", mm(paper::LOCATOR_BOX_WIDTH_MM))));
    }
    taken
}

/// Reference places: the most important in view whose labels fit in `b` clear of `taken`, at
/// most four; dots into `art`, labels returned.
fn draw_places(
    mut places: Vec<(i64, String, Pt)>,
    b: BoxMm,
    ty: Type,
    taken: &mut Vec<BoxMm>,
    art: &mut Vec<Element>,
) -> Vec<Element> {
    let mut labels = vec![];
    let st = ty.small().fill(paper::INK).halo(paper::LOCATOR_HALO_MM);
    // By rank, then nearest the middle of the inset (where the sheet is).
    let (mx, my) = (f64::midpoint(b.x0, b.x1), f64::midpoint(b.y0, b.y1));
    let dist = |q: Pt| (q.0 - mx).hypot(q.1 - my);
    places.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(dist(a.2).total_cmp(&dist(b.2)))
            .then(a.1.cmp(&b.1))
    });
    let mut marked = 0;
    for (_, name, q) in &places {
        if marked == 4 {
            break;
        }
        let label = if name.starts_with("Leningrad") {
            "Leningrad"
        } else {
            name.as_str()
        };
        let w = fonts::text_width_mm(label, st.size, st.face, st.spacing);
        let lx = q.0 + 1.3 * ty.k;
        let label_box = BoxMm {
            x0: q.0 - 0.8 * ty.k,
            y0: q.1 - st.size * 0.6,
            x1: lx + w,
            y1: q.1 + st.size * 0.6,
        };
        if !b.contains(&label_box) || taken.iter().any(|t| t.intersects(&label_box)) {
            continue;
        }
        taken.push(label_box);
        marked += 1;
        art.push(el(Circle::new()
            .set("cx", n(q.0))
            .set("cy", n(q.1))
            .set("r", n(paper::LOCATOR_PLACE_RADIUS_MM * ty.k))
            .set("fill", paper::INK)));
        labels.push(el(text(label, lx, q.1 + st.size * 0.35, st, Align::Start)));
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locator_frame_grows_with_the_map_and_stays_on_the_globe() {
        // A town-sized map: a country-sized locator (16° tall).
        let f = locator_frame([-43.5, -23.2, -42.8, -22.6], 1.5);
        assert!((f[3] - f[1] - 16.0).abs() < 1e-9, "{f:?}");
        // Vorkuta's region: a view from Scandinavia into Siberia.
        let f = locator_frame([50.0, 62.0, 66.0, 68.5], 1.6);
        assert!(f[0] < 20.0 && f[2] > 95.0 && f[1] < 55.0, "{f:?}");
        // A continent: half the world.
        let f = locator_frame([10.0, 35.0, 40.0, 60.0], 1.6);
        assert!(f[2] - f[0] > 150.0 && f[3] - f[1] > 80.0, "{f:?}");
        // An ocean crossing: the world.
        let f = locator_frame([-58.0, -20.0, 30.0, 55.0], 1.6);
        assert_eq!(f, [-180.0, -85.0, 180.0, 85.0]);
    }
}
