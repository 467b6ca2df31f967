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

/// Ranks the `n` vertices `get(0..n)` by Douglas–Peucker: `rank[k]` is the largest squared
/// tolerance at which the simplification still keeps vertex `k` (the ends: infinity). Keeping the
/// vertices ranked above `tol²` gives exactly Douglas–Peucker at `tol`, for every `tol` at least
/// `min_tol2.sqrt()`; vertices that even `min_tol2` drops rank 0. A vertex's rank is capped by the
/// rank of the split that reached it, so the ranks nest: one pass serves every zoom. The squared
/// distance to a segment is `(dot / len²).clamp(0, 1)`, the division left out where the clamp
/// decides alone.
fn dp_rank(n: usize, get: impl Fn(usize) -> Pt, min_tol2: f64, rank: &mut [f64]) {
    rank[0] = f64::INFINITY;
    rank[n - 1] = f64::INFINITY;
    let mut stack = vec![(0usize, n - 1, f64::INFINITY)];
    while let Some((i, j, cap)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let (a, b) = (get(i), get(j));
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let (mut far, mut far_d) = (i, -1.0);
        for k in i + 1..j {
            let p = get(k);
            let t = if len2 == 0.0 {
                0.0
            } else {
                let dot = (p[0] - a[0]) * dx + (p[1] - a[1]) * dy;
                if dot <= 0.0 {
                    0.0
                } else if dot >= len2 {
                    1.0
                } else {
                    dot / len2
                }
            };
            let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
            let d = ex * ex + ey * ey;
            if d > far_d {
                far = k;
                far_d = d;
            }
        }
        if far_d > min_tol2 {
            let r = far_d.min(cap);
            rank[far] = r;
            stack.push((i, far, r));
            stack.push((far, j, r));
        }
    }
}

/// Douglas–Peucker ranks of an open line's vertices (see [`dp_rank`]); every vertex of a line of
/// two or fewer ranks infinity.
#[must_use]
pub fn rank_line(n: usize, get: impl Fn(usize) -> Pt, min_tol2: f64) -> Vec<f64> {
    if n <= 2 {
        return vec![f64::INFINITY; n];
    }
    let mut rank = vec![0.0; n];
    dp_rank(n, get, min_tol2, &mut rank);
    rank
}

/// Douglas–Peucker ranks of a closed ring's vertices (first vertex not repeated): the first vertex
/// and the one farthest from it rank infinity, and both halves between them are ranked as lines.
/// Rings of four vertices or fewer keep them all.
#[must_use]
pub fn rank_ring(n: usize, get: impl Fn(usize) -> Pt, min_tol2: f64) -> Vec<f64> {
    if n <= 4 {
        return vec![f64::INFINITY; n];
    }
    let a = get(0);
    let d2 = |p: Pt| (p[0] - a[0]).powi(2) + (p[1] - a[1]).powi(2);
    let far = (1..n)
        .max_by(|&i, &j| d2(get(i)).total_cmp(&d2(get(j))))
        .unwrap_or(1);
    // First half 0..=far, second half far..n and back to vertex 0, ranked in one array (the
    // shared vertex `far` belongs to both; slot `n` stands for vertex 0 again).
    let mut rank = vec![0.0; n + 1];
    rank[0] = f64::INFINITY;
    rank[far] = f64::INFINITY;
    if far >= 2 {
        dp_rank(far + 1, &get, min_tol2, &mut rank[..=far]);
    }
    let second = n - far + 1;
    if second > 2 {
        dp_rank(
            second,
            |k| if far + k < n { get(far + k) } else { a },
            min_tol2,
            &mut rank[far..],
        );
    }
    rank.truncate(n);
    rank
}

/// Douglas–Peucker simplification of an open line; keeps both ends.
#[must_use]
pub fn simplify_line(pts: &[Pt], tolerance: f64) -> Vec<Pt> {
    if pts.len() <= 2 || tolerance <= 0.0 {
        return pts.to_vec();
    }
    let tol2 = tolerance * tolerance;
    let rank = rank_line(pts.len(), |k| pts[k], tol2);
    kept(pts, &rank, tol2)
}

/// Douglas–Peucker on a closed ring (first vertex not repeated): split at the vertex farthest
/// from the first, simplify both halves.
#[must_use]
pub fn simplify_ring(ring: &[Pt], tolerance: f64) -> Vec<Pt> {
    if ring.len() <= 4 || tolerance <= 0.0 {
        return ring.to_vec();
    }
    let tol2 = tolerance * tolerance;
    let rank = rank_ring(ring.len(), |k| ring[k], tol2);
    kept(ring, &rank, tol2)
}

fn kept(pts: &[Pt], rank: &[f64], tol2: f64) -> Vec<Pt> {
    pts.iter()
        .zip(rank)
        .filter_map(|(p, &r)| (r > tol2).then_some(*p))
        .collect()
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

    /// The simplification as it was written before (with a division per vertex and copies of
    /// the ring's second half): the reference the faster one must match exactly.
    fn line_before(pts: &[Pt], tolerance: f64) -> Vec<Pt> {
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

    fn ring_before(ring: &[Pt], tolerance: f64) -> Vec<Pt> {
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
        let first = line_before(&ring[..=far], tolerance);
        let mut second_in: Vec<Pt> = ring[far..].to_vec();
        second_in.push(a);
        let second = line_before(&second_in, tolerance);
        let mut out = first;
        out.extend_from_slice(&second[1..second.len() - 1]);
        out
    }

    #[test]
    fn same_vertices_as_the_simplification_before() {
        let mut seed = 3u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            #[allow(clippy::cast_precision_loss)]
            let v = (seed >> 11) as f64 / (1u64 << 53) as f64;
            v
        };
        for case in 0..2000 {
            let n = 1 + case % 60;
            // Wiggly lines, circles (ties in the farthest vertex), repeated and collinear points.
            let pts: Vec<Pt> = (0..n)
                .map(|i| {
                    #[allow(clippy::cast_precision_loss)]
                    let t = i as f64 / n as f64 * std::f64::consts::TAU;
                    match case % 4 {
                        0 => [rnd() * 100.0, rnd() * 100.0],
                        1 => [t.cos() * 50.0, t.sin() * 50.0],
                        2 => [(i / 3) as f64, ((i / 3) % 2) as f64],
                        _ => [i as f64 * 2.0, (t * 3.0).sin() * 8.0 + rnd() * 0.1],
                    }
                })
                .collect();
            // Ranked once at the finest tolerance, filtered at each coarser one: the same
            // vertices as a simplification run at that tolerance.
            let line_rank = rank_line(n, |k| pts[k], 0.05 * 0.05);
            let ring_rank = rank_ring(n, |k| pts[k], 0.05 * 0.05);
            for tol in [0.05, 0.5, 4.0, 40.0] {
                if n > 2 {
                    assert_eq!(kept(&pts, &line_rank, tol * tol), line_before(&pts, tol));
                }
                if n > 4 {
                    assert_eq!(kept(&pts, &ring_rank, tol * tol), ring_before(&pts, tol));
                }
            }
            for tol in [0.0, 0.05, 0.5, 4.0, 40.0] {
                assert_eq!(
                    simplify_line(&pts, tol),
                    line_before(&pts, tol),
                    "line {case} {tol}"
                );
                assert_eq!(
                    simplify_ring(&pts, tol),
                    ring_before(&pts, tol),
                    "ring {case} {tol}"
                );
            }
        }
    }

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
