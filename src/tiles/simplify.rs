//! Per-tile simplification and quantisation, in tile units (a tile is [`super::EXTENT`] wide).
//!
//! Lines and rings are simplified with Douglas–Peucker: every vertex that is dropped lies within
//! the tolerance of the simplified line, so no part of the shape moves by more than the tolerance.
//! Vertices are then rounded to whole tile units (at most half a unit per axis), repeated vertices
//! are removed, lines shorter than two distinct vertices and rings with no area are dropped, and
//! ring winding is set as MVT 2.1 requires (outer rings positive area in tile coordinates,
//! holes negative).

use super::clip::{Pt, ring_area};

/// A vertex in whole tile units.
pub type IPt = [i32; 2];

fn seg_dist2(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    ex * ex + ey * ey
}

/// Douglas–Peucker simplification of an open line; keeps both ends.
#[must_use]
pub fn simplify_line(pts: &[Pt], tolerance: f64) -> Vec<Pt> {
    if pts.len() <= 2 || tolerance <= 0.0 {
        return pts.to_vec();
    }
    let tol2 = tolerance * tolerance;
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[pts.len() - 1] = true;
    let mut stack = vec![(0usize, pts.len() - 1)];
    while let Some((i, j)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let (mut far, mut far_d) = (i, -1.0);
        for (k, &p) in pts.iter().enumerate().take(j).skip(i + 1) {
            let d = seg_dist2(p, pts[i], pts[j]);
            if d > far_d {
                far = k;
                far_d = d;
            }
        }
        if far_d > tol2 {
            keep[far] = true;
            stack.push((i, far));
            stack.push((far, j));
        }
    }
    pts.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Douglas–Peucker on a closed ring (first vertex not repeated): split at the vertex farthest
/// from the first, simplify both halves.
#[must_use]
pub fn simplify_ring(ring: &[Pt], tolerance: f64) -> Vec<Pt> {
    if ring.len() <= 4 || tolerance <= 0.0 {
        return ring.to_vec();
    }
    let a = ring[0];
    let far = (1..ring.len())
        .max_by(|&i, &j| {
            let di = (ring[i][0] - a[0]).powi(2) + (ring[i][1] - a[1]).powi(2);
            let dj = (ring[j][0] - a[0]).powi(2) + (ring[j][1] - a[1]).powi(2);
            di.total_cmp(&dj)
        })
        .unwrap_or(1);
    let first = simplify_line(&ring[..=far], tolerance);
    let mut second_in: Vec<Pt> = ring[far..].to_vec();
    second_in.push(a);
    let second = simplify_line(&second_in, tolerance);
    let mut out = first;
    out.extend_from_slice(&second[1..second.len() - 1]);
    out
}

#[allow(clippy::cast_possible_truncation)]
fn round(p: Pt) -> IPt {
    [
        p[0].round().clamp(-1e9, 1e9) as i32,
        p[1].round().clamp(-1e9, 1e9) as i32,
    ]
}

/// Rounds a line to tile units and drops repeated vertices; `None` if fewer than two remain.
#[must_use]
pub fn quantize_line(pts: &[Pt]) -> Option<Vec<IPt>> {
    let mut out: Vec<IPt> = Vec::with_capacity(pts.len());
    for &p in pts {
        let q = round(p);
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    (out.len() >= 2).then_some(out)
}

/// Rounds a ring to tile units, drops repeated vertices and sets its winding (`outer` rings
/// positive area, holes negative); `None` if it has no area left.
#[must_use]
pub fn quantize_ring(ring: &[Pt], outer: bool) -> Option<Vec<IPt>> {
    let mut out = round_ring(ring)?;
    let area = int_area2(&out);
    if area == 0 {
        return None;
    }
    if (area > 0) != outer {
        out.reverse();
    }
    Some(out)
}

/// Rounds a ring to tile units and drops repeated vertices (and a repeated first vertex at the
/// end), whatever its area; `None` if fewer than three remain.
#[must_use]
pub fn round_ring(ring: &[Pt]) -> Option<Vec<IPt>> {
    let mut out: Vec<IPt> = Vec::with_capacity(ring.len());
    for &p in ring {
        let q = round(p);
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3).then_some(out)
}

/// Twice the signed area of an integer ring.
#[must_use]
pub fn int_area2(ring: &[IPt]) -> i64 {
    let n = ring.len();
    let mut s: i64 = 0;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        s += i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1]);
    }
    s
}

/// Signed area of a float ring (re-exported for callers that test winding).
#[must_use]
pub fn area(ring: &[Pt]) -> f64 {
    ring_area(ring)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist_to_polyline(p: Pt, line: &[Pt]) -> f64 {
        line.windows(2)
            .map(|w| seg_dist2(p, w[0], w[1]).sqrt())
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn no_dropped_vertex_is_farther_than_the_tolerance() {
        let line: Vec<Pt> = (0..500)
            .map(|i| {
                let x = f64::from(i) * 3.0;
                [x, (x / 37.0).sin() * 40.0 + (x / 5.0).cos() * 3.0]
            })
            .collect();
        for tol in [0.5, 2.0, 8.0] {
            let s = simplify_line(&line, tol);
            assert!(s.len() < line.len());
            assert_eq!(s.first(), line.first());
            assert_eq!(s.last(), line.last());
            for &p in &line {
                assert!(dist_to_polyline(p, &s) <= tol + 1e-9);
            }
        }
    }

    #[test]
    fn ring_simplification_keeps_the_shape_within_tolerance() {
        let ring: Vec<Pt> = (0..360)
            .map(|i| {
                let a = f64::from(i).to_radians();
                [100.0 * a.cos(), 100.0 * a.sin()]
            })
            .collect();
        let s = simplify_ring(&ring, 1.0);
        assert!(s.len() < 60, "{}", s.len());
        let mut closed = s.clone();
        closed.push(s[0]);
        for &p in &ring {
            assert!(dist_to_polyline(p, &closed) <= 1.0 + 1e-9);
        }
    }

    #[test]
    fn quantised_rings_get_mvt_winding_and_lose_degenerates() {
        let ccw = [[0.0, 0.0], [0.0, 10.0], [10.0, 10.0], [10.0, 0.0]];
        let outer = quantize_ring(&ccw, true).unwrap();
        assert!(int_area2(&outer) > 0);
        let hole = quantize_ring(&ccw, false).unwrap();
        assert!(int_area2(&hole) < 0);
        assert!(quantize_ring(&[[0.1, 0.1], [0.2, 0.3], [0.4, 0.2]], true).is_none());
        assert!(quantize_line(&[[0.1, 0.1], [0.2, 0.3]]).is_none());
        assert_eq!(
            quantize_line(&[[0.1, 0.1], [0.2, 0.3], [3.0, 0.0]]),
            Some(vec![[0, 0], [3, 0]])
        );
    }
}
