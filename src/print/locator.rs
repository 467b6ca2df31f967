//! The locator inset (where the sheet lies in its part of the world) and the sea of a map whose
//! basemap stops short of the frame. A submodule of `compose` (it draws with its views).
//!
//! With a world basemap (`world/` in the basemap folder, read by [`super::super::load_locator`])
//! the locator's frame is the main map's frame enlarged about four times (a country, continent or
//! world view as the sheet requires), projected as `auto` would project it, and marks the most
//! important reference places in view (capitals and the largest cities, by `rank`). With only
//! the old regional `locator.geojson` it shows European Russia as before.

use super::*;

/// Field that only the world locator layer has: the importance of a reference place.
pub(super) const RANK: &str = "rank";

/// The sea of the main map when the basemap covers only part of the frame: the covered box,
/// projected and clipped to the frame, as SVG path data. `None` when the basemap covers the whole
/// frame or declares no coverage (the caller then fills the frame).
pub(super) fn sea_outside_land(ctx: &Ctx, v: &View) -> Option<String> {
    let c = ctx.layers.basemap_coverage?;
    // Covered when the frame's edge is (the coverage is a lon/lat box).
    let r = v.rect;
    let covered = (0..=40).all(|i| {
        let t = f64::from(i) / 40.0;
        [
            (r.x0 + t * r.w(), r.y0),
            (r.x0 + t * r.w(), r.y1),
            (r.x0, r.y0 + t * r.h()),
            (r.x1, r.y0 + t * r.h()),
        ]
        .into_iter()
        .all(|(px, py)| {
            let (x, y) = v.ground(px, py);
            ctx.proj
                .inverse(x, y)
                .is_ok_and(|(lon, lat)| lon >= c[0] && lon <= c[2] && lat >= c[1] && lat <= c[3])
        })
    });
    if covered {
        return None;
    }
    let ll = ctx.lonlat_box(v);
    let steps = 64;
    let mut ring = vec![];
    let edge = |a: (f64, f64), b: (f64, f64), ring: &mut Vec<(f64, f64)>| {
        for i in 0..steps {
            let t = f64::from(i) / f64::from(steps);
            ring.push((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
        }
    };
    // Clamp to the view's lon/lat box first, so far-off parts of a large coverage stay finite.
    let c = [
        c[0].max(ll[0]),
        c[1].max(ll[1]),
        c[2].min(ll[2]),
        c[3].min(ll[3]),
    ];
    if c[0] >= c[2] || c[1] >= c[3] {
        return Some(String::new());
    }
    edge((c[0], c[1]), (c[2], c[1]), &mut ring);
    edge((c[2], c[1]), (c[2], c[3]), &mut ring);
    edge((c[2], c[3]), (c[0], c[3]), &mut ring);
    edge((c[0], c[3]), (c[0], c[1]), &mut ring);
    let pts = ctx.project_line(v, &ring, 0.05);
    let pts = clip_ring(&pts, &v.rect.grow(2.0));
    Some(if pts.len() >= 3 {
        path_d(&pts, true)
    } else {
        String::new()
    })
}

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

/// The locator: where the sheet lies, with reference places chosen for its part of the world.
pub(super) fn draw_locator(
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
    // The view's lon/lat box, to skip features far outside.
    let ll = {
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
    };
    let project = |lon: f64, lat: f64| proj.forward(lon, lat).ok().map(|(x, y)| v.paper(x, y));
    let mut art: Vec<Element> = vec![el(Rectangle::new()
        .set("x", n(b.x0))
        .set("y", n(b.y0))
        .set("width", n(b.w()))
        .set("height", n(b.h()))
        .set("fill", style::SEA_COLOUR))];
    let mut by_layer: BTreeMap<String, String> = BTreeMap::new();
    let mut places: Vec<(i64, String, (f64, f64))> = vec![];
    let clip = b.grow(2.0);
    for f in &loc.features {
        let kind = value_text(loc, f, "layer");
        let Some(g) = &f.geometry else { continue };
        if world && !touches(g, ll) {
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
            "land" => Some(("#efece4", "none", 0.0)),
            "country" => Some(("#e3ddcf", "#9a9386", 0.2)),
            "lake" => Some((style::WATER_COLOUR, "none", 0.0)),
            "border" => Some(("none", "#9a9386", 0.15)),
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
    let mut taken: Vec<BoxMm> = vec![];
    if outline.len() >= 3 {
        let ob = bbox_of(&outline);
        if ob.is_some_and(|o| o.w() < 2.0) {
            // Too small to see as a box: mark it with a circle.
            if let Some(o) = ob {
                art.push(el(Circle::new()
                    .set("cx", n(f64::midpoint(o.x0, o.x1)))
                    .set("cy", n(f64::midpoint(o.y0, o.y1)))
                    .set("r", "1.2")
                    .set("fill", "none")
                    .set("stroke", style::TRANSFER_COLOUR)
                    .set("stroke-width", "0.5")));
                taken.push(BoxMm::around(
                    f64::midpoint(o.x0, o.x1),
                    f64::midpoint(o.y0, o.y1),
                    1.5,
                ));
            }
        } else {
            art.push(el(path(path_d(&outline, true))
                .set("fill", style::TRANSFER_COLOUR)
                .set("fill-opacity", "0.15")
                .set("stroke", style::TRANSFER_COLOUR)
                .set("stroke-width", "0.45")));
        }
    }
    // Reference places: the most important in view whose labels fit, at most four.
    let mut labels = vec![];
    let st = ty.small().fill("#1a1a1a").halo(0.4);
    // By rank, then nearest the middle of the inset (where the sheet is).
    let (mx, my) = (f64::midpoint(b.x0, b.x1), f64::midpoint(b.y0, b.y1));
    let dist = |q: (f64, f64)| (q.0 - mx).hypot(q.1 - my);
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
            .set("r", n(0.7 * ty.k))
            .set("fill", "#1a1a1a")));
        labels.push(el(text(label, lx, q.1 + st.size * 0.35, st, Align::Start)));
    }
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
    out.push(el(frame_rect(b, 0.25)));
    Ok(out)
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
