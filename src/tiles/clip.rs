//! Clipping to an axis-aligned rectangle (a tile plus its buffer), in any planar unit.
//!
//! Lines are cut with Liang–Barsky: a line that leaves and re-enters the rectangle becomes several
//! lines, and nothing outside the rectangle is kept (the `mvt` crate's own bounding box *clamps*
//! vertices onto the edge instead, which would smear an out-of-tile line along the tile border).
//! Polygon rings are cut with Sutherland–Hodgman, the usual choice for vector tiles: a concave
//! ring may come out with zero-width bridges along the rectangle's edge, which lie in the buffer
//! and never show.

/// A point `[x, y]`.
pub type Pt = [f64; 2];

/// A vertex the clippers can cut: its position, and the vertex a cut makes at a new position.
pub trait Vertex: Copy {
    /// Its position.
    fn xy(&self) -> Pt;
    /// The vertex a cut makes at `p`.
    fn cut(p: Pt) -> Self;
}

impl Vertex for Pt {
    fn xy(&self) -> Pt {
        *self
    }
    fn cut(p: Pt) -> Self {
        p
    }
}

/// An axis-aligned rectangle, bounds included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Smallest x.
    pub x0: f64,
    /// Smallest y.
    pub y0: f64,
    /// Largest x.
    pub x1: f64,
    /// Largest y.
    pub y1: f64,
}

impl Rect {
    /// True when `p` lies in the rectangle (bounds included).
    #[must_use]
    pub fn contains(&self, p: Pt) -> bool {
        p[0] >= self.x0 && p[0] <= self.x1 && p[1] >= self.y0 && p[1] <= self.y1
    }

    /// True when `other` lies wholly inside this rectangle.
    #[must_use]
    pub fn covers(&self, other: &Rect) -> bool {
        other.x0 >= self.x0 && other.x1 <= self.x1 && other.y0 >= self.y0 && other.y1 <= self.y1
    }

    /// True when the two rectangles share at least one point.
    #[must_use]
    pub fn touches(&self, other: &Rect) -> bool {
        other.x0 <= self.x1 && other.x1 >= self.x0 && other.y0 <= self.y1 && other.y1 >= self.y0
    }

    /// Area of the rectangle.
    #[must_use]
    pub fn area(&self) -> f64 {
        (self.x1 - self.x0) * (self.y1 - self.y0)
    }

    /// The bounding rectangle of `pts` (`None` if empty).
    #[must_use]
    pub fn around<'a, V: Vertex + 'a>(pts: impl IntoIterator<Item = &'a V>) -> Option<Rect> {
        let mut it = pts.into_iter().map(Vertex::xy);
        let first = it.next()?;
        let mut r = Rect {
            x0: first[0],
            y0: first[1],
            x1: first[0],
            y1: first[1],
        };
        for p in it {
            r.x0 = r.x0.min(p[0]);
            r.y0 = r.y0.min(p[1]);
            r.x1 = r.x1.max(p[0]);
            r.y1 = r.y1.max(p[1]);
        }
        Some(r)
    }
}

/// The part of segment `a`–`b` inside `r`, as parameters `t0 <= t1` along it.
fn clip_segment(a: Pt, b: Pt, r: &Rect) -> Option<(f64, f64)> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, a[0] - r.x0),
        (dx, r.x1 - a[0]),
        (-dy, a[1] - r.y0),
        (dy, r.y1 - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

fn lerp<V: Vertex>(a: V, b: V, t: f64) -> V {
    if t <= 0.0 {
        a
    } else if t >= 1.0 {
        b
    } else {
        let (p, q) = (a.xy(), b.xy());
        V::cut([p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t])
    }
}

/// Cuts `line` to `r` and appends the pieces (each with at least two vertices) to `out`.
pub fn clip_line<V: Vertex>(line: &[V], r: &Rect, out: &mut Vec<Vec<V>>) {
    if let Some(b) = Rect::around(line) {
        clip_line_in(line, b, r, out);
    }
}

/// [`clip_line`] of a line whose bounding box `b` is known.
pub fn clip_line_in<V: Vertex>(line: &[V], b: Rect, r: &Rect, out: &mut Vec<Vec<V>>) {
    if r.covers(&b) {
        out.push(line.to_vec());
        return;
    }
    if !r.touches(&b) {
        return;
    }
    let mut cur: Vec<V> = vec![];
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        match clip_segment(a.xy(), b.xy(), r) {
            None => {
                if cur.len() >= 2 {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.clear();
                }
            }
            Some((t0, t1)) => {
                if cur.is_empty() {
                    cur.push(lerp(a, b, t0));
                }
                cur.push(lerp(a, b, t1));
                if t1 < 1.0 {
                    if cur.len() >= 2 {
                        out.push(std::mem::take(&mut cur));
                    } else {
                        cur.clear();
                    }
                }
            }
        }
    }
    if cur.len() >= 2 {
        out.push(cur);
    }
}

#[derive(Clone, Copy)]
enum Edge {
    Left(f64),
    Right(f64),
    Top(f64),
    Bottom(f64),
}

impl Edge {
    fn inside(self, p: Pt) -> bool {
        match self {
            Self::Left(x) => p[0] >= x,
            Self::Right(x) => p[0] <= x,
            Self::Top(y) => p[1] >= y,
            Self::Bottom(y) => p[1] <= y,
        }
    }

    fn cross<V: Vertex>(self, a: V, b: V) -> V {
        let (a, b) = (a.xy(), b.xy());
        V::cut(match self {
            Self::Left(x) | Self::Right(x) => {
                let t = (x - a[0]) / (b[0] - a[0]);
                [x, a[1] + (b[1] - a[1]) * t]
            }
            Self::Top(y) | Self::Bottom(y) => {
                let t = (y - a[1]) / (b[1] - a[1]);
                [a[0] + (b[0] - a[0]) * t, y]
            }
        })
    }
}

/// Cuts a closed ring (first vertex not repeated at the end) to `r` (Sutherland–Hodgman). The
/// result keeps the ring's orientation; it is empty when nothing is left.
#[must_use]
pub fn clip_ring<V: Vertex>(ring: &[V], r: &Rect) -> Vec<V> {
    Rect::around(ring).map_or_else(Vec::new, |b| clip_ring_in(ring, b, r).0)
}

/// [`clip_ring`] of a ring whose bounding box `b` is known; also returns the result's bounding
/// box. An edge of `r` that the ring lies wholly inside of is skipped (a Sutherland–Hodgman pass
/// against it would copy the ring unchanged), so a ring cut by one edge costs one pass.
#[must_use]
pub fn clip_ring_in<V: Vertex>(ring: &[V], b: Rect, r: &Rect) -> (Vec<V>, Rect) {
    if r.covers(&b) {
        return (ring.to_vec(), b);
    }
    let empty = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 0.0,
        y1: 0.0,
    };
    if !r.touches(&b) {
        return (vec![], empty);
    }
    let mut out: Vec<V> = vec![];
    let mut bb = b;
    let mut first = true;
    for edge in [
        Edge::Left(r.x0),
        Edge::Right(r.x1),
        Edge::Top(r.y0),
        Edge::Bottom(r.y1),
    ] {
        let all_inside = match edge {
            Edge::Left(x) => bb.x0 >= x,
            Edge::Right(x) => bb.x1 <= x,
            Edge::Top(y) => bb.y0 >= y,
            Edge::Bottom(y) => bb.y1 <= y,
        };
        if all_inside {
            continue;
        }
        let input = if first {
            first = false;
            std::borrow::Cow::Borrowed(ring)
        } else {
            std::borrow::Cow::Owned(std::mem::take(&mut out))
        };
        out = Vec::with_capacity(input.len() + 8);
        let Some(&last) = input.last() else { break };
        let mut prev = last;
        for &cur in input.iter() {
            let (cin, pin) = (edge.inside(cur.xy()), edge.inside(prev.xy()));
            if cin {
                if !pin {
                    out.push(edge.cross(prev, cur));
                }
                out.push(cur);
            } else if pin {
                out.push(edge.cross(prev, cur));
            }
            prev = cur;
        }
        match Rect::around(&out) {
            Some(nb) => bb = nb,
            None => break,
        }
    }
    if first {
        out = ring.to_vec();
    }
    if out.len() < 3 {
        (vec![], empty)
    } else {
        (out, bb)
    }
}

/// Signed area by the surveyor's formula; positive when the ring turns clockwise on a y-down
/// plane (tile coordinates), as MVT 2.1 wants for outer rings.
#[must_use]
pub fn ring_area<V: Vertex>(ring: &[V]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    for i in 0..n {
        let a = ring[i].xy();
        let b = ring[(i + 1) % n].xy();
        s += a[0] * b[1] - b[0] * a[1];
    }
    s / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Rect = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 10.0,
        y1: 10.0,
    };

    #[test]
    fn a_line_outside_leaves_nothing() {
        let mut out = vec![];
        clip_line(&[[-5.0, -5.0], [-1.0, 20.0]], &R, &mut out);
        assert!(out.is_empty());
        clip_line(&[[20.0, 5.0], [30.0, 5.0]], &R, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn a_line_leaving_and_returning_is_split() {
        let mut out = vec![];
        clip_line(
            &[[5.0, 5.0], [15.0, 5.0], [15.0, 8.0], [5.0, 8.0]],
            &R,
            &mut out,
        );
        assert_eq!(
            out,
            vec![vec![[5.0, 5.0], [10.0, 5.0]], vec![[10.0, 8.0], [5.0, 8.0]]]
        );
    }

    #[test]
    fn a_crossing_line_is_cut_at_both_edges() {
        let mut out = vec![];
        clip_line(&[[-10.0, 5.0], [20.0, 5.0]], &R, &mut out);
        assert_eq!(out, vec![vec![[0.0, 5.0], [10.0, 5.0]]]);
    }

    #[test]
    fn ring_covering_the_rect_becomes_the_rect() {
        let big = [[-5.0, -5.0], [15.0, -5.0], [15.0, 15.0], [-5.0, 15.0]];
        let c = clip_ring(&big, &R);
        assert!((ring_area(&c).abs() - 100.0).abs() < 1e-9);
        assert!(c.iter().all(|p| R.contains(*p)));
    }

    #[test]
    fn ring_half_inside_is_halved() {
        let ring = [[5.0, -5.0], [15.0, -5.0], [15.0, 15.0], [5.0, 15.0]];
        let c = clip_ring(&ring, &R);
        assert!((ring_area(&c).abs() - 50.0).abs() < 1e-9);
        assert!(clip_ring(&[[20.0, 20.0], [30.0, 20.0], [30.0, 30.0]], &R).is_empty());
    }

    #[test]
    fn clockwise_in_y_down_is_positive() {
        // (0,0) -> (1,0) -> (1,1): right then down on screen, a clockwise turn.
        assert!(ring_area(&[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]) > 0.0);
    }
}
