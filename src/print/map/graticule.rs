//! The graticule: lines at a round interval, clipped to the frame, and their degree labels set
//! in the margin outside it.

use svg::node::element::Element;

use super::super::planar::{View, clip_line, crossing};
use super::super::projection::{dms_lat, dms_lon};
use super::super::svgdoc::{Align, el, mm, n, path, path_d, text};
use super::{Ctx, MapArt};
use crate::style::paper;

/// A graticule interval giving 3-7 lines across `span` degrees.
fn grid_step(span: f64) -> f64 {
    for s in [
        1.0 / 60.0,
        2.0 / 60.0,
        5.0 / 60.0,
        10.0 / 60.0,
        0.25,
        0.5,
        1.0,
        2.0,
        5.0,
        10.0,
    ] {
        if span / s <= 6.0 {
            return s;
        }
    }
    20.0
}

/// Draws graticule lines (clipped) and returns the degree labels for outside the frame.
pub(crate) fn draw(ctx: &Ctx, v: &View, art: &mut MapArt) -> Vec<Element> {
    let ll = ctx.lonlat_box(v);
    let (lon_step, lat_step) = (grid_step(ll[2] - ll[0]), grid_step(ll[3] - ll[1]));
    let mut d = String::new();
    let mut labels = vec![];
    let st = ctx.ty.grid();
    let r = v.rect;
    let mut lon = (ll[0] / lon_step).ceil() * lon_step;
    while lon <= ll[2] {
        let pts: Vec<(f64, f64)> = (0..=80)
            .map(|i| (lon, ll[1] + (ll[3] - ll[1]) * f64::from(i) / 80.0))
            .collect();
        let p = ctx.project_line(v, &pts, 0.05);
        for piece in clip_line(&p, &r.grow(1.0)) {
            d.push_str(&path_d(&piece, false));
        }
        for (edge_y, below) in [(r.y0, false), (r.y1, true)] {
            if let Some(x) = crossing(&p, |q| q.1 - edge_y).map(|q| q.0)
                && x > r.x0 + 2.0
                && x < r.x1 - 2.0
            {
                let y = if below {
                    edge_y + st.size * 1.15
                } else {
                    edge_y - st.size * 0.35
                };
                labels.push(el(text(&dms_lon(lon), x, y, st, Align::Middle)));
            }
        }
        lon += lon_step;
    }
    let mut lat = (ll[1] / lat_step).ceil() * lat_step;
    while lat <= ll[3] {
        let pts: Vec<(f64, f64)> = (0..=80)
            .map(|i| (ll[0] + (ll[2] - ll[0]) * f64::from(i) / 80.0, lat))
            .collect();
        let p = ctx.project_line(v, &pts, 0.05);
        for piece in clip_line(&p, &r.grow(1.0)) {
            d.push_str(&path_d(&piece, false));
        }
        for (edge_x, left) in [(r.x0, true), (r.x1, false)] {
            if let Some(y) = crossing(&p, |q| q.0 - edge_x).map(|q| q.1)
                && y > r.y0 + 2.0
                && y < r.y1 - 2.0
            {
                // Rotated to read upwards, set in the margin.
                let x = if left {
                    edge_x - st.size * 0.35
                } else {
                    edge_x + st.size * 1.1
                };
                labels.push(el(text(&dms_lat(lat), x, y, st, Align::Middle)
                    .set("transform", format!("rotate(-90 {} {})", n(x), n(y)))));
            }
        }
        lat += lat_step;
    }
    art.clipped.push(el(path(d)
        .set("fill", "none")
        .set("stroke", paper::GRATICULE_COLOUR)
        .set("stroke-width", mm(paper::GRATICULE_WIDTH_MM))
        .set("stroke-opacity", mm(paper::GRATICULE_OPACITY))));
    labels
}
