//! The basemap in quiet colours: sea, land and lakes, rivers by level (their names along the
//! longest visible stretch), region boundaries and region names.

use std::collections::BTreeMap;

use geo::{Contains, Point};
use svg::node::element::Rectangle;

use super::super::labels::{Anchor, BoxMm};
use super::super::planar::{Pt, View, bbox_of, clip_line, clip_ring};
use super::super::svgdoc::{el, mm, n, path, path_d};
use super::super::typography::LabelText;
use super::{Ctx, MapArt, geometry_rings, touches, value_int, value_text};
use crate::style::{self, paper};

/// Tolerance of thinning basemap lines, **mm**.
const TOL: f64 = 0.15;

/// Draws the basemap into `art`; `labels`: name rivers and regions (the main map).
pub(crate) fn draw(ctx: &mut Ctx, v: &View, art: &mut MapArt, labels: bool) {
    let ll = ctx.lonlat_box(v);
    draw_sea(ctx, v, art);
    draw_land_and_lakes(ctx, v, art, ll);
    draw_rivers(ctx, v, art, ll, labels);
    draw_borders(ctx, v, art, ll);
    if labels {
        request_region_names(ctx, v, art);
    }
}

/// The frame grown by 2 mm (what is clipped to), and whether a box reaches it.
fn frame_of(v: &View) -> BoxMm {
    v.rect.grow(2.0)
}

fn visible(frame: &BoxMm, b: Option<BoxMm>) -> bool {
    b.is_some_and(|b| b.intersects(frame))
}

/// Sea where the basemap says there is sea: the whole frame when the basemap covers it, else
/// only its coverage (missing data is never drawn as sea).
fn draw_sea(ctx: &mut Ctx, v: &View, art: &mut MapArt) {
    match sea_outside_land(ctx, v) {
        Some(d) => {
            ctx.warnings.push(
                "the basemap does not cover the whole frame: no land or sea is drawn outside it"
                    .into(),
            );
            art.clipped.push(el(path(d).set("fill", style::SEA_COLOUR)));
        }
        None if ctx.layers.basemap.is_empty() => {}
        None => art.clipped.push(el(Rectangle::new()
            .set("x", n(v.rect.x0))
            .set("y", n(v.rect.y0))
            .set("width", n(v.rect.w()))
            .set("height", n(v.rect.h()))
            .set("fill", style::SEA_COLOUR))),
    }
}

/// Land and lakes: filled polygons.
fn draw_land_and_lakes(ctx: &mut Ctx, v: &View, art: &mut MapArt, ll: [f64; 4]) {
    let frame = frame_of(v);
    for (name, fill) in [
        ("coast", style::LAND_COLOUR),
        ("lakes", style::WATER_COLOUR),
    ] {
        let Some(l) = ctx.layers.layer(name) else {
            continue;
        };
        let mut d = String::new();
        for f in &l.features {
            let Some(g) = &f.geometry else { continue };
            if !touches(g, ll) {
                continue;
            }
            for ring in geometry_rings(g) {
                let pts = ctx.project_line(v, &ring, TOL);
                if pts.len() >= 3 && visible(&frame, bbox_of(&pts)) {
                    let pts = clip_ring(&pts, &frame);
                    if pts.len() >= 3 {
                        d.push_str(&path_d(&pts, true));
                    }
                }
            }
        }
        if !d.is_empty() {
            if name == "lakes" {
                ctx.legend.lakes = true;
            }
            art.clipped.push(el(path(d)
                .set("fill", fill)
                .set("fill-rule", "evenodd")
                .set(
                    "stroke",
                    if name == "lakes" {
                        paper::BASEMAP_WATER_LINE
                    } else {
                        "none"
                    },
                )
                .set("stroke-width", mm(paper::LAKE_SHORE_WIDTH_MM))));
        }
    }
}

/// Rivers, one path per width; the main rivers' names along their longest visible stretch.
fn draw_rivers(ctx: &mut Ctx, v: &View, art: &mut MapArt, ll: [f64; 4], labels: bool) {
    let Some(l) = ctx.layers.layer("rivers") else {
        return;
    };
    let frame = frame_of(v);
    // Keyed by tenths of a millimetre, so thin rivers are drawn first.
    let mut by_width: BTreeMap<u8, (f64, String)> = BTreeMap::new();
    let mut named: BTreeMap<String, Vec<Pt>> = BTreeMap::new();
    for f in &l.features {
        let Some(g) = &f.geometry else { continue };
        if !touches(g, ll) {
            continue;
        }
        let level = value_int(l, f, "level").unwrap_or(3);
        let width = paper::basemap_river_width_mm(level);
        for part in geometry_rings(g) {
            let pts = ctx.project_line(v, &part, TOL);
            if pts.len() < 2 || !visible(&frame, bbox_of(&pts)) {
                continue;
            }
            for piece in clip_line(&pts, &frame) {
                by_width
                    .entry((width * 10.0).round() as u8)
                    .or_insert((width, String::new()))
                    .1
                    .push_str(&path_d(&piece, false));
            }
            let name = value_text(l, f, "name");
            if labels && !name.is_empty() && level <= 2 {
                let inside: Vec<_> = pts.iter().copied().filter(|p| v.inside(*p)).collect();
                let e = named.entry(name).or_default();
                if inside.len() > e.len() {
                    *e = inside;
                }
            }
        }
    }
    for (width, d) in by_width.into_values() {
        ctx.legend.base_rivers = true;
        art.clipped.push(el(path(d)
            .set("fill", "none")
            .set("stroke", paper::BASEMAP_WATER_LINE)
            .set("stroke-width", n(width))
            .set("stroke-linejoin", "round")
            .set("stroke-linecap", "round")));
    }
    for (name, pts) in named {
        if pts.len() < 3 {
            continue;
        }
        let lt = LabelText::one(&name, ctx.ty.water());
        art.request(
            format!("river:{name}"),
            name,
            lt,
            Anchor::Line(pts),
            paper::priority::BASEMAP_RIVER,
            false,
        );
    }
}

/// Region boundaries.
fn draw_borders(ctx: &mut Ctx, v: &View, art: &mut MapArt, ll: [f64; 4]) {
    let Some(l) = ctx.layers.layer("borders") else {
        return;
    };
    let frame = frame_of(v);
    let mut d = String::new();
    for f in &l.features {
        let Some(g) = &f.geometry else { continue };
        if !touches(g, ll) {
            continue;
        }
        for part in geometry_rings(g) {
            let pts = ctx.project_line(v, &part, TOL);
            if pts.len() >= 2 && visible(&frame, bbox_of(&pts)) {
                for piece in clip_line(&pts, &frame) {
                    d.push_str(&path_d(&piece, false));
                }
            }
        }
    }
    if !d.is_empty() {
        ctx.legend.borders = true;
        art.clipped.push(el(path(d)
            .set("fill", "none")
            .set("stroke", paper::BORDER)
            .set("stroke-width", mm(paper::BORDER_WIDTH_MM))
            .set("stroke-dasharray", paper::BORDER_DASH)));
    }
}

/// Region names at interior points (a grid over the frame, tested in lon/lat).
fn request_region_names(ctx: &Ctx, v: &View, art: &mut MapArt) {
    let Some(l) = ctx.layers.layer("regions") else {
        return;
    };
    let mut cells: BTreeMap<String, Vec<Pt>> = BTreeMap::new();
    let (nx, ny) = (14, 10);
    for i in 0..nx {
        for j in 0..ny {
            let px = v.rect.x0 + (f64::from(i) + 0.5) * v.rect.w() / f64::from(nx);
            let py = v.rect.y0 + (f64::from(j) + 0.5) * v.rect.h() / f64::from(ny);
            let (x, y) = v.ground(px, py);
            let Ok((lon, lat)) = ctx.proj.inverse(x, y) else {
                continue;
            };
            let pt = Point::new(lon, lat);
            for f in &l.features {
                if f.geometry.as_ref().is_some_and(|g| g.contains(&pt)) {
                    cells
                        .entry(value_text(l, f, "name"))
                        .or_default()
                        .push((px, py));
                }
            }
        }
    }
    for (name, pts) in cells {
        if name.is_empty() || pts.len() < 6 {
            continue;
        }
        let m = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
        let m = (m.0 / pts.len() as f64, m.1 / pts.len() as f64);
        let mut c = pts.clone();
        c.sort_by(|a, b| {
            let da = (a.0 - m.0).hypot(a.1 - m.1);
            let db = (b.0 - m.0).hypot(b.1 - m.1);
            da.total_cmp(&db)
        });
        c.truncate(8);
        let lt = LabelText::one(&name.to_uppercase(), ctx.ty.region());
        art.request(
            format!("region:{name}"),
            name,
            lt,
            Anchor::Area(c),
            paper::priority::REGION,
            false,
        );
    }
}

/// The sea of the main map when the basemap covers only part of the frame: the covered box,
/// projected and clipped to the frame, as SVG path data. `None` when the basemap covers the whole
/// frame or declares no coverage (the caller then fills the frame).
fn sea_outside_land(ctx: &Ctx, v: &View) -> Option<String> {
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
