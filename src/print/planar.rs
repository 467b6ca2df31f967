//! Planar geometry on paper (millimetres, y down): the view that maps projected metres to the
//! paper, bounding boxes and lengths (on `geo` types), thinning, clipping to a frame, arcs and
//! trimmed lines.
//!
//! Clipping, thinning and trimming stay hand-written: `geo` clips lines only through its boolean
//! operations (which would move vertices and change every printed sheet), and its
//! `LineInterpolatePoint` measures a fraction of the whole length, where a sheet cuts a fixed
//! number of millimetres off each end of an arrow.

use geo::{BoundingRect, Euclidean, Length, LineString};

use super::labels::BoxMm;

/// A paper point, **mm** from the top left.
pub(crate) type Pt = (f64, f64);

/// A map window on paper: a box, a projected centre and a scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    pub rect: BoxMm,
    pub cx: f64,
    pub cy: f64,
    pub scale: f64,
}

impl View {
    /// Projected metres to paper.
    pub fn paper(&self, x: f64, y: f64) -> Pt {
        let (mx, my) = (
            f64::midpoint(self.rect.x0, self.rect.x1),
            f64::midpoint(self.rect.y0, self.rect.y1),
        );
        (
            mx + (x - self.cx) * 1000.0 / self.scale,
            my - (y - self.cy) * 1000.0 / self.scale,
        )
    }

    /// Paper to projected metres.
    pub fn ground(&self, px: f64, py: f64) -> (f64, f64) {
        let (mx, my) = (
            f64::midpoint(self.rect.x0, self.rect.x1),
            f64::midpoint(self.rect.y0, self.rect.y1),
        );
        (
            self.cx + (px - mx) * self.scale / 1000.0,
            self.cy - (py - my) * self.scale / 1000.0,
        )
    }

    /// Whether `p` lies in the view's box.
    pub fn inside(&self, p: Pt) -> bool {
        p.0 >= self.rect.x0 && p.0 <= self.rect.x1 && p.1 >= self.rect.y0 && p.1 <= self.rect.y1
    }
}

/// Removes vertices closer than `tol` mm to the previous kept one.
pub(crate) fn thin(pts: Vec<Pt>, tol: f64) -> Vec<Pt> {
    let mut out: Vec<Pt> = Vec::with_capacity(pts.len());
    let last = pts.last().copied();
    for p in pts {
        if out
            .last()
            .is_none_or(|q: &Pt| (p.0 - q.0).hypot(p.1 - q.1) >= tol)
        {
            out.push(p);
        }
    }
    if let (Some(l), Some(o)) = (last, out.last())
        && *o != l
    {
        out.push(l);
    }
    out
}

/// The bounding box of `pts` (`None` when empty).
pub(crate) fn bbox_of(pts: &[Pt]) -> Option<BoxMm> {
    let r = LineString::from(pts.to_vec()).bounding_rect()?;
    Some(BoxMm {
        x0: r.min().x,
        y0: r.min().y,
        x1: r.max().x,
        y1: r.max().y,
    })
}

/// The length of a polyline, **mm**.
pub(crate) fn polyline_len(pts: &[Pt]) -> f64 {
    Euclidean.length(&LineString::from(pts.to_vec()))
}

/// Sutherland-Hodgman: the part of a closed ring inside `b` (boundary edges may appear along
/// `b`, which lies outside the visible frame when `b` is a grown frame).
pub(crate) fn clip_ring(pts: &[Pt], b: &BoxMm) -> Vec<Pt> {
    type Inside = fn(&BoxMm, Pt) -> bool;
    type Cut = fn(&BoxMm, Pt, Pt) -> Pt;
    let edges: [(Inside, Cut); 4] = [
        (
            |b, p| p.0 >= b.x0,
            |b, p, q| {
                let t = (b.x0 - p.0) / (q.0 - p.0);
                (b.x0, p.1 + (q.1 - p.1) * t)
            },
        ),
        (
            |b, p| p.0 <= b.x1,
            |b, p, q| {
                let t = (b.x1 - p.0) / (q.0 - p.0);
                (b.x1, p.1 + (q.1 - p.1) * t)
            },
        ),
        (
            |b, p| p.1 >= b.y0,
            |b, p, q| {
                let t = (b.y0 - p.1) / (q.1 - p.1);
                (p.0 + (q.0 - p.0) * t, b.y0)
            },
        ),
        (
            |b, p| p.1 <= b.y1,
            |b, p, q| {
                let t = (b.y1 - p.1) / (q.1 - p.1);
                (p.0 + (q.0 - p.0) * t, b.y1)
            },
        ),
    ];
    let mut out: Vec<Pt> = pts.to_vec();
    for (inside, cut) in edges {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            match (inside(b, prev), inside(b, cur)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cut(b, prev, cur)),
                (false, true) => {
                    out.push(cut(b, prev, cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

/// The parts of a polyline inside `b` (Liang-Barsky on each segment).
pub(crate) fn clip_line(pts: &[Pt], b: &BoxMm) -> Vec<Vec<Pt>> {
    let mut parts: Vec<Vec<Pt>> = vec![];
    let mut cur: Vec<Pt> = vec![];
    for w in pts.windows(2) {
        let (p, q) = (w[0], w[1]);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        let mut keep = true;
        for (pp, qq) in [
            (-dx, p.0 - b.x0),
            (dx, b.x1 - p.0),
            (-dy, p.1 - b.y0),
            (dy, b.y1 - p.1),
        ] {
            if pp == 0.0 {
                if qq < 0.0 {
                    keep = false;
                }
            } else {
                let r = qq / pp;
                if pp < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if !keep || t0 > t1 {
            if cur.len() >= 2 {
                parts.push(std::mem::take(&mut cur));
            }
            cur.clear();
            continue;
        }
        let a = (p.0 + dx * t0, p.1 + dy * t0);
        let c = (p.0 + dx * t1, p.1 + dy * t1);
        if cur.last() != Some(&a) {
            if cur.len() >= 2 {
                parts.push(std::mem::take(&mut cur));
            }
            cur = vec![a];
        }
        cur.push(c);
        if t1 < 1.0 {
            parts.push(std::mem::take(&mut cur));
        }
    }
    if cur.len() >= 2 {
        parts.push(cur);
    }
    parts
}

/// First point where `f` changes sign along `pts` (linear interpolation).
pub(crate) fn crossing(pts: &[Pt], f: impl Fn(Pt) -> f64) -> Option<Pt> {
    pts.windows(2).find_map(|w| {
        let (a, b) = (f(w[0]), f(w[1]));
        if (a <= 0.0 && b > 0.0) || (a >= 0.0 && b < 0.0) {
            let t = a / (a - b);
            Some((
                w[0].0 + (w[1].0 - w[0].0) * t,
                w[0].1 + (w[1].1 - w[0].1) * t,
            ))
        } else {
            None
        }
    })
}

/// Quadratic arc from p to q bulging to the right of the direction of travel.
pub(crate) fn arc(p: Pt, q: Pt, bulge: f64) -> Vec<Pt> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let l = dx.hypot(dy);
    let nrm = (-dy / l, dx / l);
    let c = (
        f64::midpoint(p.0, q.0) + nrm.0 * bulge * l,
        f64::midpoint(p.1, q.1) + nrm.1 * bulge * l,
    );
    (0..=48)
        .map(|i| {
            let t = f64::from(i) / 48.0;
            let (a, b, cc) = ((1.0 - t) * (1.0 - t), 2.0 * (1.0 - t) * t, t * t);
            (a * p.0 + b * c.0 + cc * q.0, a * p.1 + b * c.1 + cc * q.1)
        })
        .collect()
}

/// Cuts `start` mm off the beginning and `end` mm off the end of a polyline.
pub(crate) fn trim(pts: &[Pt], start: f64, end: f64) -> Vec<Pt> {
    fn cut_front(pts: &[Pt], d: f64) -> Vec<Pt> {
        let mut left = d;
        for i in 0..pts.len().saturating_sub(1) {
            let (a, b) = (pts[i], pts[i + 1]);
            let l = (b.0 - a.0).hypot(b.1 - a.1);
            if left < l {
                let t = left / l;
                let mut out = vec![(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)];
                out.extend_from_slice(&pts[i + 1..]);
                return out;
            }
            left -= l;
        }
        vec![]
    }
    let a = cut_front(pts, start);
    let mut rev: Vec<_> = a.into_iter().rev().collect();
    rev = cut_front(&rev, end);
    rev.reverse();
    rev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_bend_right_and_trim() {
        let a = arc((0.0, 0.0), (100.0, 0.0), 0.12);
        // Direction +x, y down: right-hand side is +y; a quadratic's middle goes half-way
        // to its control point (0.12 * 100 mm).
        assert!((a[24].1 - 6.0).abs() < 1e-9, "{}", a[24].1);
        let t = trim(&a, 5.0, 5.0);
        let full = polyline_len(&a);
        assert!((polyline_len(&t) - (full - 10.0)).abs() < 0.01);
        assert!((polyline_len(&[(0.0, 0.0), (3.0, 4.0), (3.0, 5.0)]) - 6.0).abs() < 1e-12);
    }

    #[test]
    fn clipping_keeps_what_is_inside() {
        let b = BoxMm::new(0.0, 0.0, 10.0, 10.0);
        let ring = clip_ring(
            &[(-5.0, -5.0), (15.0, -5.0), (15.0, 15.0), (-5.0, 15.0)],
            &b,
        );
        let bb = bbox_of(&ring).unwrap();
        assert_eq!((bb.x0, bb.y0, bb.x1, bb.y1), (0.0, 0.0, 10.0, 10.0));
        let parts = clip_line(
            &[
                (-5.0, 5.0),
                (5.0, 5.0),
                (5.0, 20.0),
                (5.0, 30.0),
                (8.0, -5.0),
            ],
            &b,
        );
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0], vec![(0.0, 5.0), (5.0, 5.0), (5.0, 10.0)]);
        assert!(clip_ring(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], &b).is_empty());
        assert!(bbox_of(&[]).is_none());
    }

    #[test]
    fn thinning_keeps_the_ends() {
        let t = thin(vec![(0.0, 0.0), (0.05, 0.0), (1.0, 0.0), (1.01, 0.0)], 0.1);
        assert_eq!(t, vec![(0.0, 0.0), (1.0, 0.0), (1.01, 0.0)]);
    }
}
