//! Longitudes outside -180..180 and geometry crossing the antimeridian.
//!
//! Real data (GMT dumps, some shapefile exports) use longitudes 0..360. They are read by wrapping
//! into -180..180; a value beyond ±360 (or a latitude beyond ±90) is not a longitude at all and
//! is left for the store to reject with a located error. A line or polygon is first made
//! continuous: a step of more than 180° between neighbouring vertices is taken as crossing the
//! antimeridian the short way (unless one of the two vertices lies on ±180 exactly, as in data
//! already cut there, or a world-wide rectangle). Then it is cut at ±180 (at 180 + 360k), and each
//! piece is shifted into -180..180: a line becomes several lines, a polygon several polygons,
//! each closed along the antimeridian. Geometry inside -180..180 that crosses nothing is returned
//! untouched.

use super::clip::{Rect, clip_ring, ring_area};
use super::store::Geom;

type P = [f64; 2];

/// What [`normalize`] did to a geometry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wrapped {
    /// Some longitude was outside -180..180 and was shifted by 360.
    pub shifted: bool,
    /// A line or polygon was cut at the antimeridian.
    pub split: bool,
}

fn plausible(p: &P) -> bool {
    p[0].is_finite() && p[1].is_finite() && p[0].abs() <= 360.0 && p[1].abs() <= 90.0 + 1e-9
}

fn shift_point(p: P, w: &mut Wrapped) -> P {
    if p[0] > 180.0 {
        w.shifted = true;
        [p[0] - 360.0, p[1]]
    } else if p[0] < -180.0 {
        w.shifted = true;
        [p[0] + 360.0, p[1]]
    } else {
        p
    }
}

/// The same path with longitudes made continuous (steps of at most 180°, except next to ±180).
fn unwrap(path: &[P]) -> Vec<P> {
    let mut out: Vec<P> = Vec::with_capacity(path.len());
    for (i, &p) in path.iter().enumerate() {
        let Some(prev_raw) = i.checked_sub(1).map(|j| path[j]) else {
            out.push(p);
            continue;
        };
        let mut d = p[0] - prev_raw[0];
        if d.abs() > 180.0 && p[0].abs() != 180.0 && prev_raw[0].abs() != 180.0 {
            d -= 360.0 * d.signum();
        }
        let prev = out[i - 1];
        out.push([prev[0] + d, p[1]]);
    }
    out
}

/// True when [`unwrap`] would return `path` unchanged, found without building the copy (most
/// input: no step crosses the antimeridian).
fn unwrap_keeps(path: &[P]) -> bool {
    path.windows(2).all(|w| {
        let (raw, p) = (w[0][0], w[1][0]);
        let mut d = p - raw;
        if d.abs() > 180.0 && p.abs() != 180.0 && raw.abs() != 180.0 {
            d -= 360.0 * d.signum();
        }
        // Unchanged so far, the unwrapped previous longitude is the raw one.
        #[allow(clippy::float_cmp)]
        let same = raw + d == p;
        same
    })
}

/// Band of a longitude: 0 for -180..180, 1 for 180..540 ... (`x` in the band's open interior).
#[allow(clippy::cast_possible_truncation)]
fn band(x: f64) -> i32 {
    ((x + 180.0) / 360.0).floor() as i32
}

fn shift(path: &[P], b: i32) -> Vec<P> {
    let dx = 360.0 * f64::from(b);
    path.iter().map(|p| [p[0] - dx, p[1]]).collect()
}

fn in_range(path: &[P]) -> bool {
    path.iter().all(|p| (-180.0..=180.0).contains(&p[0]))
}

/// Cuts a continuous line at every band edge and shifts each piece into -180..180.
fn split_line(u: &[P], out: &mut Vec<Vec<P>>) {
    let mut cur: Vec<P> = vec![];
    let mut cur_band: Option<i32> = None;
    for w in u.windows(2) {
        let (a, b) = (w[0], w[1]);
        // Points along a-b at each band edge strictly between them.
        let mut cuts: Vec<P> = vec![a];
        let (lo, hi) = (a[0].min(b[0]), a[0].max(b[0]));
        let mut edges: Vec<f64> = vec![];
        let mut e = 180.0 + 360.0 * f64::from(band(lo));
        while e < hi {
            if e > lo {
                edges.push(e);
            }
            e += 360.0;
        }
        if b[0] < a[0] {
            edges.reverse();
        }
        for e in edges {
            let t = (e - a[0]) / (b[0] - a[0]);
            cuts.push([e, a[1] + (b[1] - a[1]) * t]);
        }
        cuts.push(b);
        for s in cuts.windows(2) {
            let bd = band((s[0][0] + s[1][0]) / 2.0);
            if cur_band != Some(bd) {
                if cur.len() >= 2 {
                    out.push(shift(&cur, cur_band.unwrap_or(0)));
                }
                cur = vec![s[0]];
                cur_band = Some(bd);
            }
            cur.push(s[1]);
        }
    }
    if cur.len() >= 2 {
        out.push(shift(&cur, cur_band.unwrap_or(0)));
    }
}

fn open(r: &[P]) -> &[P] {
    match (r.first(), r.last()) {
        (Some(a), Some(b)) if a == b && r.len() > 1 => &r[..r.len() - 1],
        _ => r,
    }
}

fn close(mut r: Vec<P>) -> Vec<P> {
    if let Some(&f) = r.first() {
        r.push(f);
    }
    r
}

/// Cuts one continuous polygon (outer ring first) into the bands it covers.
fn split_polygon(rings: &[Vec<P>], out: &mut Vec<Vec<Vec<P>>>) {
    let Some(outer) = rings.first() else { return };
    let (lo, hi) = outer
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[0]), hi.max(p[0]))
        });
    if !lo.is_finite() {
        return;
    }
    let first = band(lo);
    #[allow(clippy::cast_possible_truncation)]
    let last = (((hi + 180.0) / 360.0).ceil() as i32 - 1).max(first);
    for b in first..=last {
        let x0 = -180.0 + 360.0 * f64::from(b);
        let r = Rect {
            x0,
            y0: -1000.0,
            x1: x0 + 360.0,
            y1: 1000.0,
        };
        let mut poly: Vec<Vec<P>> = vec![];
        for (i, ring) in rings.iter().enumerate() {
            let c = clip_ring(open(ring), &r);
            if c.len() < 3 || ring_area(&c) == 0.0 {
                if i == 0 {
                    break;
                }
                continue;
            }
            poly.push(close(shift(&c, b)));
        }
        if !poly.is_empty() {
            out.push(poly);
        }
    }
}

/// Wraps longitudes into -180..180 and cuts lines and polygons at the antimeridian. Geometry with
/// a coordinate that is no longitude/latitude at all (beyond ±360 or ±90, not finite) is
/// returned as it is, for the store to reject.
#[must_use]
pub fn normalize(g: Geom) -> (Geom, Wrapped) {
    let mut w = Wrapped::default();
    match g {
        Geom::Point(p) if plausible(&p) => (Geom::Point(shift_point(p, &mut w)), w),
        Geom::MultiPoint(ps) if ps.iter().all(plausible) => {
            let ps = ps.into_iter().map(|p| shift_point(p, &mut w)).collect();
            (Geom::MultiPoint(ps), w)
        }
        Geom::Lines(ls) if ls.iter().flatten().all(plausible) => {
            let mut out = Vec::with_capacity(ls.len());
            for l in ls {
                if in_range(&l) && unwrap_keeps(&l) {
                    out.push(l);
                    continue;
                }
                let u = unwrap(&l);
                if in_range(&u) && u == l {
                    out.push(l);
                    continue;
                }
                let before = out.len();
                split_line(&u, &mut out);
                w.shifted |= !in_range(&l);
                w.split |= out.len() > before + 1;
            }
            (Geom::Lines(out), w)
        }
        Geom::Polygons(ps) if ps.iter().flatten().flatten().all(plausible) => {
            let mut out = Vec::with_capacity(ps.len());
            for p in ps {
                if p.iter().all(|r| in_range(r) && unwrap_keeps(r)) {
                    out.push(p);
                    continue;
                }
                let u: Vec<Vec<P>> = p.iter().map(|r| unwrap(r)).collect();
                if u.iter().all(|r| in_range(r)) && u == p {
                    out.push(p);
                    continue;
                }
                let before = out.len();
                split_polygon(&u, &mut out);
                w.shifted |= !p.iter().all(|r| in_range(r));
                w.split |= out.len() > before + 1;
            }
            (Geom::Polygons(out), w)
        }
        other => (other, w),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_to_360_points_wrap_and_bad_values_stay() {
        let (g, w) = normalize(Geom::Point([200.0, 10.0]));
        assert_eq!(g, Geom::Point([-160.0, 10.0]));
        assert!(w.shifted);
        let (g, w) = normalize(Geom::Point([400.0, 10.0]));
        assert_eq!(g, Geom::Point([400.0, 10.0]));
        assert_eq!(w, Wrapped::default());
        let (g, w) = normalize(Geom::Point([64.0, 67.5]));
        assert_eq!(g, Geom::Point([64.0, 67.5]));
        assert_eq!(w, Wrapped::default());
    }

    #[test]
    fn a_line_over_180_is_cut_there() {
        let (g, w) = normalize(Geom::Lines(vec![vec![[170.0, 0.0], [190.0, 10.0]]]));
        assert_eq!(
            g,
            Geom::Lines(vec![
                vec![[170.0, 0.0], [180.0, 5.0]],
                vec![[-180.0, 5.0], [-170.0, 10.0]]
            ])
        );
        assert!(w.shifted && w.split);
        // The same line written in -180..180 crosses by the short way.
        let (g2, w) = normalize(Geom::Lines(vec![vec![[170.0, 0.0], [-170.0, 10.0]]]));
        assert_eq!(g2, g);
        assert!(!w.shifted && w.split);
        // A line wholly east of 180 is shifted, not cut.
        let (g, w) = normalize(Geom::Lines(vec![vec![[200.0, 0.0], [210.0, 1.0]]]));
        assert_eq!(g, Geom::Lines(vec![vec![[-160.0, 0.0], [-150.0, 1.0]]]));
        assert!(w.shifted && !w.split);
        // A world-wide edge between -180 and 180 is no crossing.
        let l = vec![vec![[-180.0, 0.0], [180.0, 0.0]]];
        assert_eq!(normalize(Geom::Lines(l.clone())).0, Geom::Lines(l));
    }

    #[test]
    fn a_polygon_over_180_becomes_two_closed_at_the_antimeridian() {
        let sq = vec![vec![
            [170.0, -10.0],
            [190.0, -10.0],
            [190.0, 10.0],
            [170.0, 10.0],
            [170.0, -10.0],
        ]];
        let (g, w) = normalize(Geom::Polygons(vec![sq]));
        assert!(w.shifted && w.split);
        let Geom::Polygons(ps) = g else { panic!() };
        assert_eq!(ps.len(), 2);
        let mut areas: Vec<f64> = ps.iter().map(|p| ring_area(open(&p[0])).abs()).collect();
        areas.sort_by(f64::total_cmp);
        assert_eq!(areas, vec![200.0, 200.0]);
        for p in &ps {
            assert!(p[0].iter().all(|q| (-180.0..=180.0).contains(&q[0])));
            assert_eq!(p[0].first(), p[0].last());
        }
        // The world as one rectangle stays as it is.
        let world = vec![vec![
            [-180.0, -85.0],
            [180.0, -85.0],
            [180.0, 85.0],
            [-180.0, 85.0],
            [-180.0, -85.0],
        ]];
        let (g, w) = normalize(Geom::Polygons(vec![world.clone()]));
        assert_eq!(g, Geom::Polygons(vec![world]));
        assert_eq!(w, Wrapped::default());
    }
}
