//! Valid polygons on the tile grid (MVT 2.1 section 4.3.4.4, OGC simple features).
//!
//! Clipping a ring to the buffered tile (Sutherland–Hodgman leaves zero-width bridges along the
//! edge), simplifying it and rounding it to whole tile units can make a valid polygon touch or
//! cross itself; an invalid input polygon (a bowtie, overlapping parts, a hole outside its
//! polygon) stays invalid. So every polygon is checked on the integer grid after rounding
//! ([`is_valid`]: simple rings; rings meeting only at shared vertices where they touch without
//! crossing, as OGC allows; each polygon's interior connected; holes and islands nested
//! right), and one that fails is rebuilt ([`repair`]) as the area of positive winding (the
//! union of outer rings less the holes, a self-crossing ring's lobes kept, as tippecanoe's
//! wagyu union does). The rebuild is done by hand first (noding with crossings rounded to the
//! grid, cutting at shared vertices, keeping the chains that bound the area), which is enough
//! for nearly all polygons rounding breaks; whatever that leaves invalid goes through a
//! snap-rounding overlay on the same grid (`i_overlay`, the engine under `geo`'s boolean
//! operations). Every rebuilt polygon passes the same check. A polygon that passes the check is
//! written exactly as before.

use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::IntOverlayOptions;
use i_overlay::core::simplify::Simplify;
use i_overlay::i_float::int::point::IntPoint;

use super::simplify::{IPt, int_area2};

/// Sign of the turn `a`–`b`–`c` (positive: clockwise on the y-down tile).
fn orient(a: IPt, b: IPt, c: IPt) -> i64 {
    let (ax, ay) = (i64::from(a[0]), i64::from(a[1]));
    let (bx, by) = (i64::from(b[0]), i64::from(b[1]));
    let (cx, cy) = (i64::from(c[0]), i64::from(c[1]));
    ((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)).signum()
}

/// `p`, known to be collinear with `a`–`b`, lies on the closed segment.
fn on_segment(a: IPt, b: IPt, p: IPt) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// The closed segments `a`–`b` and `c`–`d` share at least one point.
fn segments_meet(a: IPt, b: IPt, c: IPt, d: IPt) -> bool {
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    if o1 * o2 < 0 && o3 * o4 < 0 {
        return true;
    }
    (o1 == 0 && on_segment(a, b, c))
        || (o2 == 0 && on_segment(a, b, d))
        || (o3 == 0 && on_segment(c, d, a))
        || (o4 == 0 && on_segment(c, d, b))
}

/// Whether `p` lies inside `ring`: `None` on its boundary.
fn locate(ring: &[IPt], p: IPt) -> Option<bool> {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        inside ^= edge_flips(ring[i], ring[(i + 1) % n], p)?;
    }
    Some(inside)
}

/// Which of a set of rings hold a point: every edge of every ring listed by rows of y, so that
/// one pass over a row tells the crossings of a ray with all rings at once (rather than one
/// point-in-ring test per pair of rings).
struct Holders<'a> {
    rings: &'a [Vec<IPt>],
    y0: i32,
    row: i32,
    start: Vec<u32>,
    /// `[ring, index]` of each edge, row after row.
    edges: Vec<[u32; 2]>,
}

impl<'a> Holders<'a> {
    fn new(rings: &'a [Vec<IPt>]) -> Self {
        let total: usize = rings.iter().map(Vec::len).sum();
        let (y0, y1) = rings
            .iter()
            .flatten()
            .fold((i32::MAX, i32::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
        let mut me = Holders {
            rings,
            y0,
            row: 1,
            start: vec![0, 0],
            edges: vec![],
        };
        if total == 0 {
            return me;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let rows = (total / 4).max(1) as i32;
        let row = ((y1 - y0) / rows + 1).max(1);
        #[allow(clippy::cast_sign_loss)]
        let count = ((y1 - y0) / row + 1) as usize;
        let span = |a: i32, b: i32| {
            #[allow(clippy::cast_sign_loss)]
            (
                ((a.min(b) - y0) / row) as usize,
                ((a.max(b) - y0) / row) as usize,
            )
        };
        let mut start = vec![0u32; count + 1];
        for r in rings {
            for i in 0..r.len() {
                let (r0, r1) = span(r[i][1], r[(i + 1) % r.len()][1]);
                for k in r0..=r1 {
                    start[k + 1] += 1;
                }
            }
        }
        for k in 0..count {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut edges = vec![[0u32; 2]; start[count] as usize];
        for (ri, r) in rings.iter().enumerate() {
            for i in 0..r.len() {
                let (r0, r1) = span(r[i][1], r[(i + 1) % r.len()][1]);
                for k in r0..=r1 {
                    #[allow(clippy::cast_possible_truncation)]
                    {
                        edges[fill[k] as usize] = [ri as u32, i as u32];
                    }
                    fill[k] += 1;
                }
            }
        }
        me.row = row;
        me.start = start;
        me.edges = edges;
        me
    }

    /// The rings (but those `skip` names) holding the doubled point `p2` strictly inside, in
    /// order, into `out`; `None` when `p2` lies on one of them.
    fn holding2(&self, p2: IPt, skip: &dyn Fn(usize) -> bool, out: &mut Vec<u32>) -> Option<()> {
        out.clear();
        let y = p2[1].div_euclid(2);
        if y < self.y0 {
            return Some(());
        }
        #[allow(clippy::cast_sign_loss)]
        let r = ((y - self.y0) / self.row) as usize;
        if r + 1 >= self.start.len() {
            return Some(());
        }
        let twice = |p: IPt| [2 * p[0], 2 * p[1]];
        for &[q, i] in &self.edges[self.start[r] as usize..self.start[r + 1] as usize] {
            if skip(q as usize) {
                continue;
            }
            let ring = &self.rings[q as usize];
            let i = i as usize;
            let next = if i + 1 == ring.len() { 0 } else { i + 1 };
            if edge_flips(twice(ring[i]), twice(ring[next]), p2)? {
                out.push(q);
            }
        }
        // Odd crossings of a ring hold the point.
        out.sort_unstable();
        let mut kept = 0;
        let mut k = 0;
        while k < out.len() {
            let mut j = k + 1;
            while j < out.len() && out[j] == out[k] {
                j += 1;
            }
            if (j - k) % 2 == 1 {
                out[kept] = out[k];
                kept += 1;
            }
            k = j;
        }
        out.truncate(kept);
        Some(())
    }

    /// The rings other than ring `i` holding it, judged by the midpoint of its first edge that
    /// lies on no other ring; `None` if every one does.
    fn holding_ring(&self, i: usize, out: &mut Vec<u32>) -> Option<()> {
        let r = &self.rings[i];
        (0..r.len()).find_map(|k| {
            let (p, q) = (r[k], r[(k + 1) % r.len()]);
            self.holding2([p[0] + q[0], p[1] + q[1]], &|j| j == i, out)
        })
    }
}

/// The ray from `p` towards smaller x crosses edge `a`–`b` (counted once per crossing, as the
/// half-open rule has it); `None` when `p` lies on the edge.
fn edge_flips(a: IPt, b: IPt, p: IPt) -> Option<bool> {
    if orient(a, b, p) == 0 && on_segment(a, b, p) {
        return None;
    }
    if (a[1] > p[1]) != (b[1] > p[1]) {
        // x of the edge at p's y, compared exactly: p.x < a.x + (p.y-a.y)(b.x-a.x)/(b.y-a.y)
        let lhs = i64::from(p[0] - a[0]) * i64::from(b[1] - a[1]);
        let rhs = i64::from(p[1] - a[1]) * i64::from(b[0] - a[0]);
        return Some((b[1] > a[1] && lhs < rhs) || (b[1] < a[1] && lhs > rhs));
    }
    Some(false)
}

/// True when `rings` (each outer ring, area positive on the y-down tile, followed by its holes,
/// area negative; first vertex not repeated) is a valid polygon feature per OGC simple features
/// and MVT 2.1: every ring is simple (no self-intersection or self-tangency) and has area; two
/// rings meet at most at shared vertices, where they touch without crossing; the rings of one
/// polygon keep its interior connected (their touches form no cycle); each hole lies inside its
/// outer ring and in no other hole; and no polygon lies inside another one's area.
#[must_use]
pub fn is_valid(rings: &[Vec<IPt>]) -> bool {
    valid_with(rings, touches)
}

/// [`is_valid`] for rings whose edges are known to meet only at shared vertices or along
/// whole shared edges (what [`untangle`] makes: noded edges, only cut and relinked): the
/// touches are found by the shared vertices alone, without pairing edges.
fn is_valid_noded(rings: &[Vec<IPt>]) -> bool {
    valid_with(rings, touches_at_vertices)
}

/// The check of [`is_valid`], the rings' touches found by `touches` (`None`: rings that meet as
/// no valid polygon lets them).
fn valid_with(rings: &[Vec<IPt>], touches: impl Fn(&[Vec<IPt>]) -> Option<Vec<Touch>>) -> bool {
    if rings.is_empty() || rings.first().is_some_and(|r| int_area2(r) <= 0) {
        return false;
    }
    let Some(touches) = touches(rings) else {
        return false;
    };
    let outer_of = outer_of(rings);
    if !interiors_connected(rings, &touches, &outer_of) {
        return false;
    }
    nested_right(rings, &outer_of)
}

/// The touches of noded rings (see [`is_valid_noded`]), `None` if a ring is too short, has no
/// area or a spike, passes through a vertex twice, or touches another ring across it.
fn touches_at_vertices(rings: &[Vec<IPt>]) -> Option<Vec<Touch>> {
    let mut at: Vec<(u64, u32, u32)> = Vec::with_capacity(rings.iter().map(Vec::len).sum());
    for (ri, r) in rings.iter().enumerate() {
        if r.len() < 3 || int_area2(r) == 0 || has_spike(r) {
            return None;
        }
        #[allow(clippy::cast_possible_truncation)]
        at.extend(
            r.iter()
                .enumerate()
                .map(|(i, &p)| (key(p), ri as u32, i as u32)),
        );
    }
    at.sort_unstable();
    let mut found = vec![];
    for group in at.chunk_by(|x, y| x.0 == y.0) {
        for (k, &(_, a, ia)) in group.iter().enumerate() {
            for &(_, b, ib) in &group[k + 1..] {
                if a == b {
                    return None;
                }
                found.push(Touch { a, ia, b, ib });
            }
        }
    }
    touch_sides_apart(rings, &found).then_some(found)
}

/// A ring with a spike: neighbouring edges folding back along each other (a triangle with area
/// has none).
fn has_spike(r: &[IPt]) -> bool {
    let n = r.len();
    n > 3
        && (0..n).any(|i| {
            let (p, v, q) = (r[(i + n - 1) % n], r[i], r[(i + 1) % n]);
            orient(p, v, q) == 0 && dot(sub(p, v), sub(q, v)) > 0
        })
}

/// Index of each ring's outer ring (its own for an outer ring).
fn outer_of(rings: &[Vec<IPt>]) -> Vec<usize> {
    let mut cur = 0;
    rings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if int_area2(r) > 0 {
                cur = i;
            }
            cur
        })
        .collect()
}

/// Two different rings sharing a vertex: ring `a`'s vertex `ia` is ring `b`'s vertex `ib`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Touch {
    a: u32,
    ia: u32,
    b: u32,
    ib: u32,
}

/// Where different rings touch, when the edges of `rings` meet only as a valid polygon allows:
/// `None` if a ring has fewer than three vertices, no area, a spike, or touches or crosses
/// itself, or if two rings cross, overlap along an edge, or meet anywhere but at a vertex of
/// both. Edges are compared only within a grid cell they share (cells about two edges long), so
/// the check stays near linear on coastlines of many thousand vertices.
fn touches(rings: &[Vec<IPt>]) -> Option<Vec<Touch>> {
    let mut segs: Vec<[u32; 2]> = Vec::with_capacity(rings.iter().map(Vec::len).sum());
    for (ri, r) in rings.iter().enumerate() {
        let n = r.len();
        if n < 3 || int_area2(r) == 0 {
            return None;
        }
        if has_spike(r) {
            return None;
        }
        #[allow(clippy::cast_possible_truncation)]
        segs.extend((0..n).map(|i| [ri as u32, i as u32]));
    }
    let ends = ends_of(rings, &segs);
    let mut found: Vec<Touch> = vec![];
    // False when edges `s` and `t` (whose boxes meet) meet as no valid polygon lets them.
    let mut apart = |i: usize, j: usize| -> bool {
        let (s, t) = (segs[i], segs[j]);
        let ([a, b], [c, d]) = (ends[i], ends[j]);
        if s[0] == t[0] {
            #[allow(clippy::cast_possible_truncation)]
            let n = rings[s[0] as usize].len() as u32;
            if (s[1] + 1) % n == t[1] || (t[1] + 1) % n == s[1] || s[1] == t[1] {
                // Neighbours meet at their shared vertex (folds were checked above).
                return true;
            }
            return !segments_meet(a, b, c, d);
        }
        if !segments_meet(a, b, c, d) {
            return true;
        }
        // Two segments sharing an end meet elsewhere only when they overlap, which the
        // directions at the shared vertex show.
        let (na, nb) = (
            rings[s[0] as usize].len() as u32,
            rings[t[0] as usize].len() as u32,
        );
        let (ia, ib) = if a == c {
            (s[1], t[1])
        } else if a == d {
            (s[1], (t[1] + 1) % nb)
        } else if b == c {
            ((s[1] + 1) % na, t[1])
        } else if b == d {
            ((s[1] + 1) % na, (t[1] + 1) % nb)
        } else {
            return false;
        };
        found.push(if s[0] < t[0] {
            Touch {
                a: s[0],
                ia,
                b: t[0],
                ib,
            }
        } else {
            Touch {
                a: t[0],
                ia: ib,
                b: s[0],
                ib: ia,
            }
        });
        true
    };
    if !each_close_pair(&ends, &mut apart) {
        return None;
    }
    found.sort_unstable();
    found.dedup();
    touch_sides_apart(rings, &found).then_some(found)
}

/// At each shared vertex the second ring's two edges leave on one side of the first ring's
/// (the rings touch there without crossing or running along each other).
fn touch_sides_apart(rings: &[Vec<IPt>], found: &[Touch]) -> bool {
    for t in found {
        let around = |ring: u32, i: u32| {
            let r = &rings[ring as usize];
            let (n, i) = (r.len(), i as usize);
            (r[i], r[(i + n - 1) % n], r[(i + 1) % n])
        };
        let (p, a1, a2) = around(t.a, t.ia);
        let (_, b1, b2) = around(t.b, t.ib);
        let (a1, a2, b1, b2) = (sub(a1, p), sub(a2, p), sub(b1, p), sub(b2, p));
        let same = |u: IPt, v: IPt| cross(u, v) == 0 && dot(u, v) > 0;
        if same(a1, b1) || same(a1, b2) || same(a2, b1) || same(a2, b2) {
            return false;
        }
        if between(a1, a2, b1) != between(a1, a2, b2) {
            return false;
        }
    }
    true
}

/// Calls `apart` on every pair of segments whose bounding boxes meet (a pair sharing several
/// cells more than once), stopping at the first `false`. Few segments: every pair. Many: a grid of cells two mean
/// segment extents wide, every segment in the cells its box covers, pairs within a cell; a
/// segment whose box spans many cells both ways (a long diagonal) is paired with all.
fn each_close_pair(ends: &[[IPt; 2]], apart: &mut impl FnMut(usize, usize) -> bool) -> bool {
    let m = ends.len();
    let mut pair = |i: usize, j: usize| {
        let ([a, b], [c, d]) = (ends[i], ends[j]);
        a[0].max(b[0]) < c[0].min(d[0])
            || c[0].max(d[0]) < a[0].min(b[0])
            || a[1].max(b[1]) < c[1].min(d[1])
            || c[1].max(d[1]) < a[1].min(b[1])
            || apart(i, j)
    };
    if m <= 48 {
        return (0..m).all(|i| (i + 1..m).all(|j| pair(i, j)));
    }
    let b = ends
        .iter()
        .flatten()
        .fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        });
    let (w, h) = (
        i64::from(b[2]) - i64::from(b[0]) + 1,
        i64::from(b[3]) - i64::from(b[1]) + 1,
    );
    // Cells twice the mean edge extent, so that a cell holds a few edges of each line through
    // it; no more cells than four an edge.
    let extent: i64 = ends
        .iter()
        .map(|&[p, q]| i64::from((p[0] - q[0]).abs().max((p[1] - q[1]).abs())))
        .sum();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        clippy::cast_sign_loss
    )]
    let cell = (2 * extent / m as i64)
        .max((w as f64 * h as f64 / (4 * m) as f64).sqrt().ceil() as i64)
        .max(1);
    let (gx, gy) = ((w + cell - 1) / cell, (h + cell - 1) / cell);
    let span = |[p, q]: [IPt; 2]| {
        let c = |v: i32, o: i32| (i64::from(v) - i64::from(o)) / cell;
        (
            c(p[0].min(q[0]), b[0]),
            c(p[0].max(q[0]), b[0]),
            c(p[1].min(q[1]), b[1]),
            c(p[1].max(q[1]), b[1]),
        )
    };
    // A box spanning many cells both ways (a long diagonal) is paired with every segment.
    let long = |(x0, x1, y0, y1): (i64, i64, i64, i64)| {
        x1 > x0 && y1 > y0 && (x1 - x0 + 1) * (y1 - y0 + 1) > 16
    };
    let spans: Vec<(i64, i64, i64, i64)> = ends.iter().map(|&e| span(e)).collect();
    let cell_of = |x: i64, y: i64| {
        #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
        let c = (x * gy + y) as usize;
        c
    };
    #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
    let cells = (gx * gy) as usize;
    let mut start = vec![0u32; cells + 1];
    let mut is_long = vec![false; m];
    let mut longs: Vec<usize> = vec![];
    for (k, &sp) in spans.iter().enumerate() {
        if long(sp) {
            longs.push(k);
            is_long[k] = true;
            continue;
        }
        for x in sp.0..=sp.1 {
            for y in sp.2..=sp.3 {
                start[cell_of(x, y) + 1] += 1;
            }
        }
    }
    for i in 0..cells {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut items = vec![0u32; start[cells] as usize];
    for (k, &sp) in spans.iter().enumerate() {
        if is_long[k] {
            continue;
        }
        for x in sp.0..=sp.1 {
            for y in sp.2..=sp.3 {
                let c = cell_of(x, y);
                #[allow(clippy::cast_possible_truncation)]
                {
                    items[fill[c] as usize] = k as u32;
                }
                fill[c] += 1;
            }
        }
    }
    for c in 0..cells {
        let here = &items[start[c] as usize..start[c + 1] as usize];
        for i in 0..here.len() {
            for j in i + 1..here.len() {
                if !pair(here[i] as usize, here[j] as usize) {
                    return false;
                }
            }
        }
    }
    // Long with all others, and long with long once.
    for (n, &l) in longs.iter().enumerate() {
        for (k, &other_long) in is_long.iter().enumerate() {
            if k != l && (!other_long || longs[..n].contains(&k)) && !pair(l, k) {
                return false;
            }
        }
    }
    true
}

/// A grid point as one hash key.
#[allow(clippy::cast_sign_loss)]
fn key(p: IPt) -> u64 {
    (u64::from(p[0] as u32) << 32) | u64::from(p[1] as u32)
}

/// The two ends of each edge `[ring, index]`.
fn ends_of(rings: &[Vec<IPt>], segs: &[[u32; 2]]) -> Vec<[IPt; 2]> {
    segs.iter()
        .map(|&[r, i]| {
            let r = &rings[r as usize];
            let i = i as usize;
            [r[i], r[if i + 1 == r.len() { 0 } else { i + 1 }]]
        })
        .collect()
}

fn sub(a: IPt, b: IPt) -> IPt {
    [a[0] - b[0], a[1] - b[1]]
}

fn dot(u: IPt, v: IPt) -> i64 {
    i64::from(u[0]) * i64::from(v[0]) + i64::from(u[1]) * i64::from(v[1])
}

fn cross(u: IPt, v: IPt) -> i64 {
    i64::from(u[0]) * i64::from(v[1]) - i64::from(u[1]) * i64::from(v[0])
}

/// Direction `d` lies strictly inside the turn from direction `u` to direction `v` (turning the
/// way a positive cross product turns; `u` and `v` not the same direction).
fn between(u: IPt, v: IPt, d: IPt) -> bool {
    match cross(u, v).signum() {
        1 => cross(u, d) > 0 && cross(d, v) > 0,
        -1 => !(cross(v, d) >= 0 && cross(d, u) >= 0),
        _ => cross(u, d) > 0,
    }
}

/// The rings of each polygon keep its interior connected: two rings that touch at one point
/// must not be joined already through touches at other points (a hole touching its ring twice
/// cuts the polygon in two). Several rings meeting at one point join there like a star.
fn interiors_connected(rings: &[Vec<IPt>], touches: &[Touch], outer_of: &[usize]) -> bool {
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut at: Vec<(IPt, usize, usize)> = touches
        .iter()
        .map(|t| {
            (
                rings[t.a as usize][t.ia as usize],
                t.a as usize,
                t.b as usize,
            )
        })
        .filter(|&(_, a, b)| outer_of[a] == outer_of[b])
        .collect();
    at.sort_unstable();
    let mut parent: Vec<usize> = (0..rings.len()).collect();
    for group in at.chunk_by(|x, y| x.0 == y.0) {
        for &(_, a, b) in group {
            if root(&mut parent, a) == root(&mut parent, b) {
                return false;
            }
        }
        for &(_, a, b) in group {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra] = rb;
        }
    }
    true
}

/// Rings that meet at most at shared vertices nest as MVT wants: each hole lies inside its outer
/// ring and in no other hole, and no polygon lies inside another one's area. Where a ring lies
/// is told by the midpoint of one of its edges ([`Holders`]).
fn nested_right(rings: &[Vec<IPt>], outer_of: &[usize]) -> bool {
    if rings.len() < 2 {
        return true;
    }
    let holders = Holders::new(rings);
    let mut held = vec![];
    for i in 0..rings.len() {
        if holders.holding_ring(i, &mut held).is_none() {
            return false;
        }
        #[allow(clippy::cast_possible_truncation)]
        let is = |j: usize| held.binary_search(&(j as u32)).is_ok();
        if outer_of[i] != i {
            // A hole inside its outer ring and in no other hole of its polygon.
            if !is(outer_of[i])
                || held
                    .iter()
                    .any(|&j| outer_of[j as usize] == outer_of[i] && j as usize != outer_of[i])
            {
                return false;
            }
        } else {
            // An outer ring inside another polygon only inside one of its holes.
            for &j in &held {
                let j = j as usize;
                if outer_of[j] == j
                    && !held
                        .iter()
                        .any(|&k| k as usize != j && outer_of[k as usize] == j)
                {
                    return false;
                }
            }
        }
    }
    true
}

fn to_contour(r: &[IPt]) -> Vec<IntPoint> {
    r.iter().map(|p| IntPoint::new(p[0], p[1])).collect()
}

fn from_contour(c: &[IntPoint]) -> Vec<IPt> {
    c.iter().map(|p| [p.x, p.y]).collect()
}

/// Sets the winding of one output shape of the overlay: first contour positive (outer), the others
/// negative (holes); `flip` swaps both.
fn wind(shape: &[Vec<IntPoint>], flip: bool, out: &mut Vec<Vec<IPt>>) {
    for (k, c) in shape.iter().enumerate() {
        let mut r = from_contour(c);
        if r.len() < 3 {
            continue;
        }
        let want_positive = (k == 0) != flip;
        let a = int_area2(&r);
        if a == 0 {
            continue;
        }
        if (a > 0) != want_positive {
            r.reverse();
        }
        out.push(r);
    }
}

/// Rebuilds rounded rings (`(ring, outer)`, first vertex not repeated, any winding, possibly
/// self-crossing) into valid MVT polygons: each ring stands for the area it encloses (a bowtie
/// keeps both loops, as a make-valid does), outer rings are united, holes are cut out of them,
/// and a hole outside its polygon removes nothing. Returns outer rings (positive area) each
/// followed by its holes; empty if no area is left.
///
/// Done by hand first ([`untangle`]); the overlay runs only when that fails or its result does
/// not pass [`is_valid`]. On the DCW countries at z0-z8 the repair by hand takes 6,842 of the
/// 6,847 polygons to rebuild (README, benchmark).
#[must_use]
pub fn repair(raw: &[(Vec<IPt>, bool)]) -> Vec<Vec<IPt>> {
    if let Some(rings) = untangle(raw)
        && is_valid_noded(&rings)
    {
        return rings;
    }
    overlay(raw)
}

/// The overlay's work done by hand on the tile grid, for rings broken the way rounding breaks
/// them: the rings are noded ([`cut_where_edges_meet`]) and cut into loops where they pass
/// through a vertex twice; a loop wound against its ring is a pinched-off hole (or an island
/// pinched off a hole) when another loop of its ring holds it, and otherwise a lobe the ring
/// crossed itself to make, which counts as area of the ring (the non-zero rule per ring, as
/// the overlay has it). [`resolve`] then keeps the area of positive winding. `None` when the
/// noding does not settle in a few rounds or the loops are not as [`resolve`] assumes. Rings
/// without area whose vertices are all on one line are dropped.
fn untangle(raw: &[(Vec<IPt>, bool)]) -> Option<Vec<Vec<IPt>>> {
    let mut rings: Vec<Vec<IPt>> = Vec::with_capacity(raw.len());
    let mut roles: Vec<bool> = Vec::with_capacity(raw.len());
    for (r, outer) in raw {
        if r.len() < 3 {
            continue;
        }
        let area2 = int_area2(r);
        if area2 == 0 && r.iter().all(|&p| orient(r[0], r[1], p) == 0) {
            continue;
        }
        // (A ring of no area but not flat, say a figure eight, is wound by its loops below.)
        let mut r = r.clone();
        if area2 != 0 && (area2 > 0) != *outer {
            r.reverse();
        }
        rings.push(r);
        roles.push(*outer);
    }
    // A crossing rounded to the grid may land on or across another edge: a few rounds, until
    // one rounds no crossing.
    if !(0..4).any(|_| !cut_where_edges_meet(&mut rings)) {
        return None;
    }
    let mut out: Vec<Vec<IPt>> = Vec::with_capacity(rings.len());
    for (r, outer) in rings.into_iter().zip(roles) {
        let mut loops = split_at_touches(vec![r]);
        let signs: Vec<bool> = loops.iter().map(|l| int_area2(l) > 0).collect();
        let lobes: Vec<usize> = (0..loops.len()).filter(|&k| signs[k] != outer).collect();
        if !lobes.is_empty() {
            // Held: inside a loop of the ring's own winding, by the lobe's first vertex off it.
            let unheld: Vec<usize> = lobes
                .into_iter()
                .filter(|&k| {
                    !(0..loops.len()).any(|j| {
                        j != k
                            && signs[j] == outer
                            && loops[k].iter().find_map(|&p| locate(&loops[j], p)) == Some(true)
                    })
                })
                .collect();
            // A lobe the ring crossed itself to make is area of the ring too (as the non-zero
            // rule has it): wound as its ring.
            for k in unheld {
                loops[k].reverse();
            }
        }
        out.extend(loops);
    }
    Some(group_holes(resolve(out)?))
}

/// The area where the winding number of `loops` is positive, as rings: the overlay's answer for
/// loops that are already noded (each simple, meeting others only at shared vertices or along
/// whole shared edges). Such loops are cut at the vertices they share into chains; a chain lies
/// wholly inside or outside every other loop, so one point of it tells the winding on its two
/// sides, and it is kept where that changes from positive to not. Edges run by several loops
/// are weighed together. The kept chains are linked into rings again ([`link`]). `None` when
/// the input is not as assumed (a point of a chain on another loop, edges not alternating in and
/// out at a vertex): then only the overlay can rebuild it.
fn resolve(loops: Vec<Vec<IPt>>) -> Option<Vec<Vec<IPt>>> {
    let ccw: Vec<bool> = loops.iter().map(|r| int_area2(r) > 0).collect();
    let holders = Holders::new(&loops);
    let held = std::cell::RefCell::new(vec![]);
    // Winding at the doubled point `p2` of every loop but those `skip` names.
    let winding = |p2: IPt, skip: &dyn Fn(usize) -> bool| -> Option<i32> {
        let mut held = held.borrow_mut();
        holders.holding2(p2, skip, &mut held)?;
        Some(
            held.iter()
                .map(|&q| if ccw[q as usize] { 1 } else { -1 })
                .sum(),
        )
    };
    // A chain of a counter-clockwise loop bounds the area where the others' winding is 0; of a
    // clockwise one (winding -1 inside), where it is 1.
    let keeps = |l: usize, base: i32| base == i32::from(!ccw[l]);
    // The loop of each vertex, or SHARED for a vertex of several.
    const SHARED: u32 = u32::MAX;
    let mut owner: rustc_hash::FxHashMap<u64, u32> = rustc_hash::FxHashMap::default();
    owner.reserve(loops.iter().map(Vec::len).sum());
    for (l, r) in loops.iter().enumerate() {
        #[allow(clippy::cast_possible_truncation)]
        let l = l as u32;
        for &p in r {
            owner
                .entry(key(p))
                .and_modify(|o| {
                    if *o != l {
                        *o = SHARED;
                    }
                })
                .or_insert(l);
        }
    }
    let is_shared = |p: IPt| owner.get(&key(p)) == Some(&SHARED);
    let mut out: Vec<Vec<IPt>> = vec![];
    // Kept chains, from shared vertex to shared vertex.
    let mut chains: Vec<Vec<IPt>> = vec![];
    // One-edge chains may be run by several loops: weighed together below.
    let mut single: Vec<((IPt, IPt), u32)> = vec![];
    for (l, r) in loops.iter().enumerate() {
        let n = r.len();
        let Some(first) = (0..n).find(|&i| is_shared(r[i])) else {
            // A loop apart from the others, kept or dropped whole.
            if keeps(l, winding([2 * r[0][0], 2 * r[0][1]], &|q| q == l)?) {
                out.push(r.clone());
            }
            continue;
        };
        let mut i = first;
        loop {
            let mut j = (i + 1) % n;
            while !is_shared(r[j]) {
                j = (j + 1) % n;
            }
            let (a, b) = (r[i], r[(i + 1) % n]);
            if (i + 1) % n == j {
                #[allow(clippy::cast_possible_truncation)]
                single.push(((a, b), l as u32));
            } else if keeps(l, winding([a[0] + b[0], a[1] + b[1]], &|q| q == l)?) {
                // From i round to j (all the way round when i is the loop's only shared vertex).
                let mut chain = vec![r[i]];
                let mut k = (i + 1) % n;
                while k != j {
                    chain.push(r[k]);
                    k = (k + 1) % n;
                }
                chain.push(r[j]);
                chains.push(chain);
            }
            i = j;
            if i == first {
                break;
            }
        }
    }
    // One-edge chains, grouped by the undirected edge.
    single.sort_unstable_by_key(|&((a, b), l)| (a.min(b), a.max(b), l));
    let mut g = 0;
    while g < single.len() {
        let ((a0, b0), _) = single[g];
        let (lo, hi) = (a0.min(b0), a0.max(b0));
        let mut h = g + 1;
        while h < single.len() && {
            let (a, b) = single[h].0;
            a.min(b) == lo && a.max(b) == hi
        } {
            h += 1;
        }
        let group = &single[g..h];
        // Winding right of lo→hi: the other loops, plus each copy's side (a counter-clockwise
        // copy adds 0 on its right and 1 on its left, a clockwise one -1 and 0).
        let p2 = [lo[0] + hi[0], lo[1] + hi[1]];
        let base = winding(p2, &|q| group.iter().any(|&(_, l)| l as usize == q))?;
        let (mut right, mut jump) = (base, 0);
        for &((a, _), l) in group {
            let side = if ccw[l as usize] { 0 } else { -1 };
            if a == lo {
                right += side;
                jump += 1;
            } else {
                right += side + 1;
                jump -= 1;
            }
        }
        let left = right + jump;
        if left > 0 && right <= 0 {
            chains.push(vec![lo, hi]);
        } else if right > 0 && left <= 0 {
            chains.push(vec![hi, lo]);
        }
        g = h;
    }
    out.extend(link(chains)?);
    Some(out)
}

/// Chains (paths from vertex to vertex) that bound an area, in and out alternating around every
/// vertex, linked into rings: at a vertex each chain continues with the first chain leaving
/// clockwise from it, so the rings never cross; a ring that still passes through a vertex twice
/// is cut there.
fn link(mut chains: Vec<Vec<IPt>>) -> Option<Vec<Vec<IPt>>> {
    chains.sort_unstable_by(|a, b| (a[0], a[1]).cmp(&(b[0], b[1])));
    let n = chains.len();
    let mut next = vec![u32::MAX; n];
    let mut taken = vec![false; n];
    for c in 0..n {
        let m = chains[c].len();
        let (from, v) = (chains[c][m - 2], chains[c][m - 1]);
        let lo = chains.partition_point(|x| x[0] < v);
        let hi = chains.partition_point(|x| x[0] <= v);
        if lo == hi {
            return None;
        }
        let r = sub(from, v);
        // Clockwise angle from r: class 0 (straight back), 1 below 180°, 2 at 180°, 3 beyond;
        // within a class the more clockwise first.
        let class = |d: IPt| match cross(r, d).signum() {
            -1 => 1,
            1 => 3,
            _ if dot(r, d) > 0 => 0,
            _ => 2,
        };
        let mut best = lo;
        for k in lo + 1..hi {
            let (d, bd) = (sub(chains[k][1], v), sub(chains[best][1], v));
            let (ck, cb) = (class(d), class(bd));
            if ck < cb || (ck == cb && cross(d, bd) < 0) {
                best = k;
            }
        }
        if class(sub(chains[best][1], v)) == 0 || taken[best] {
            return None;
        }
        taken[best] = true;
        #[allow(clippy::cast_possible_truncation)]
        {
            next[c] = best as u32;
        }
    }
    let mut seen = vec![false; n];
    let mut traced = vec![];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        let mut ring: Vec<IPt> = vec![];
        let mut c = start;
        while !seen[c] {
            seen[c] = true;
            // Each chain's last vertex is the next one's first.
            ring.extend_from_slice(&chains[c][..chains[c].len() - 1]);
            c = next[c] as usize;
        }
        traced.push(ring);
    }
    Some(split_at_touches(traced))
}

/// Makes every point where two edges meet a vertex of both: a vertex inside another edge (a
/// T, an overlap along a line, a spike) is put into that edge; a crossing, rounded to the grid,
/// into both edges. Then rings meet only at shared vertices or along shared edges, and cutting
/// them at repeated vertices takes them apart. Rounding moves an edge by less than a unit,
/// which may make a new meeting: true when a crossing was rounded (another round may be due).
fn cut_where_edges_meet(rings: &mut [Vec<IPt>]) -> bool {
    let segs: Vec<[u32; 2]> = rings
        .iter()
        .enumerate()
        .flat_map(|(ri, r)| {
            #[allow(clippy::cast_possible_truncation)]
            (0..r.len()).map(move |i| [ri as u32, i as u32])
        })
        .collect();
    let ends = ends_of(rings, &segs);
    let mut cuts: Vec<([u32; 2], IPt)> = vec![];
    let mut rounded = false;
    each_close_pair(&ends, &mut |i, j| {
        let (s, t) = (segs[i], segs[j]);
        let ([a, b], [c, d]) = (ends[i], ends[j]);
        let (o1, o2, o3, o4) = (
            orient(a, b, c),
            orient(a, b, d),
            orient(c, d, a),
            orient(c, d, b),
        );
        let inside = |p: IPt, q: IPt, x: IPt| x != p && x != q && on_segment(p, q, x);
        if o1 == 0 && inside(a, b, c) {
            cuts.push((s, c));
        }
        if o2 == 0 && inside(a, b, d) {
            cuts.push((s, d));
        }
        if o3 == 0 && inside(c, d, a) {
            cuts.push((t, a));
        }
        if o4 == 0 && inside(c, d, b) {
            cuts.push((t, b));
        }
        if o1 * o2 < 0 && o3 * o4 < 0 {
            rounded = true;
            let (ab, cd) = (sub(b, a), sub(d, c));
            #[allow(clippy::cast_precision_loss)]
            let along = cross(sub(c, a), cd) as f64 / cross(ab, cd) as f64;
            #[allow(clippy::cast_possible_truncation)]
            let x = [
                (f64::from(a[0]) + along * f64::from(ab[0])).round() as i32,
                (f64::from(a[1]) + along * f64::from(ab[1])).round() as i32,
            ];
            cuts.push((s, x));
            cuts.push((t, x));
        }
        true
    });
    if cuts.is_empty() {
        return false;
    }
    cuts.sort_unstable();
    cuts.dedup();
    // Each ring rebuilt with its edges' new vertices in order along the edge.
    let mut k = 0;
    for (ri, r) in rings.iter_mut().enumerate() {
        #[allow(clippy::cast_possible_truncation)]
        let ri = ri as u32;
        if k >= cuts.len() || cuts[k].0[0] != ri {
            continue;
        }
        let mut out = Vec::with_capacity(r.len() + 4);
        for i in 0..r.len() {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            out.push(a);
            let first = out.len();
            #[allow(clippy::cast_possible_truncation)]
            while k < cuts.len() && cuts[k].0 == [ri, i as u32] {
                out.push(cuts[k].1);
                k += 1;
            }
            out[first..].sort_by_key(|p| dot(sub(*p, a), sub(b, a)));
        }
        out.dedup();
        while out.len() > 1 && out.first() == out.last() {
            out.pop();
        }
        *r = out;
    }
    rounded
}

/// All rings rebuilt together by the overlay, as [`repair`] does when the repair by hand
/// fails. The basemap's sea and land (millions of grid units wide, rebuilt whole once per
/// atlas) take this path directly.
#[must_use]
pub fn overlay(raw: &[(Vec<IPt>, bool)]) -> Vec<Vec<IPt>> {
    let opts = IntOverlayOptions::ogc();
    // 1. Each ring alone: its enclosed area as simple rings, outer boundaries positive for an
    //    outer ring, negative for a hole.
    let mut signed: Vec<Vec<IPt>> = vec![];
    for (r, outer) in raw {
        if r.len() < 3 {
            continue;
        }
        for shape in to_contour(r).simplify(FillRule::NonZero, opts) {
            wind(&shape, !*outer, &mut signed);
        }
    }
    // 2. All together: the area where the winding number is positive.
    let contours: Vec<Vec<IntPoint>> = signed.iter().map(|r| to_contour(r)).collect();
    let mut out = vec![];
    for shape in contours.simplify(POSITIVE_AREA, opts) {
        wind(&shape, false, &mut out);
    }
    // The overlay's snap rounding can round a vertex onto an edge of its own ring: made a shared
    // vertex, that ring is cut there into rings that touch at the point, as OGC wants.
    match node(&out) {
        Some(noded) => group_holes(split_at_touches(noded)),
        None => group_holes(out),
    }
}

/// Cuts each ring at every vertex it passes through twice into loops that touch there (a pinched
/// ring into two rings; an inverted hole into its ring and a hole, by the loop's winding), and
/// drops loops without area.
fn split_at_touches(rings: Vec<Vec<IPt>>) -> Vec<Vec<IPt>> {
    let mut out = Vec::with_capacity(rings.len());
    let mut seen: rustc_hash::FxHashMap<u64, usize> = rustc_hash::FxHashMap::default();
    for r in rings {
        seen.clear();
        let mut stack: Vec<IPt> = Vec::with_capacity(r.len());
        let mut split = false;
        for p in r.iter().copied() {
            if let Some(&k) = seen.get(&key(p)) {
                // The loop from p's first visit back to p: a ring of its own.
                let lp: Vec<IPt> = stack.drain(k..).collect();
                for &q in &lp[1..] {
                    seen.remove(&key(q));
                }
                if lp.len() >= 3 && int_area2(&lp) != 0 {
                    out.push(lp);
                }
                split = true;
            }
            seen.insert(key(p), stack.len());
            stack.push(p);
        }
        if !split {
            out.push(r);
        } else if stack.len() >= 3 && int_area2(&stack) != 0 {
            out.push(stack);
        }
    }
    out
}

/// Splits every edge at the vertices (of any ring) that lie inside it, so that a ring touching
/// an edge at a point meets it at a shared vertex; `None` when no vertex lies inside an edge.
/// The overlay's snap rounding can leave such a T-junction in its own output (a vertex rounded
/// onto an edge of the same ring, which OGC and MVT 2.1 forbid); noded, a second overlay splits
/// the ring there.
#[must_use]
fn node(rings: &[Vec<IPt>]) -> Option<Vec<Vec<IPt>>> {
    // A vertex inside an edge lies on one of the edge's inner lattice points: there are
    // gcd(|dx|, |dy|) - 1 of them, none for most short edges. The vertices are marked in a bit
    // grid over their bounding box (one per thread, cleared after use), which answers "is this
    // point a vertex" at once.
    // Shortcuts first: an edge one unit long along either axis has no inner lattice point.
    let gcd = |mut a: i64, mut b: i64| {
        if a == 1 || b == 1 {
            return 1;
        }
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let b = rings
        .iter()
        .flatten()
        .fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        });
    if b[0] > b[2] {
        return None;
    }
    let (w, h) = (
        i64::from(b[2]) - i64::from(b[0]) + 1,
        i64::from(b[3]) - i64::from(b[1]) + 1,
    );
    // Tiles are at most 4096 units plus a buffer of up to 2048 on each side.
    const MAX_BITS: i64 = 1 << 27;
    if w * h > MAX_BITS {
        return None;
    }
    #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
    let bit = |p: IPt| {
        ((i64::from(p[0]) - i64::from(b[0])) * h + (i64::from(p[1]) - i64::from(b[1]))) as usize
    };
    thread_local! {
        static GRID: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    GRID.with_borrow_mut(|grid| {
        #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
        let words = ((w * h) as usize).div_ceil(64);
        if grid.len() < words {
            grid.resize(words, 0);
        }
        for &p in rings.iter().flatten() {
            let i = bit(p);
            grid[i / 64] |= 1 << (i % 64);
        }
        let is_vertex = |p: IPt| {
            let i = bit(p);
            grid[i / 64] & (1 << (i % 64)) != 0
        };
        let inner = |a: IPt, c: IPt| {
            let (dx, dy) = (i64::from(c[0] - a[0]), i64::from(c[1] - a[1]));
            let g = gcd(dx.abs(), dy.abs());
            #[allow(clippy::cast_possible_truncation)]
            (1..g.max(1)).map(move |k| [a[0] + (dx / g * k) as i32, a[1] + (dy / g * k) as i32])
        };
        let found = rings
            .iter()
            .any(|r| (0..r.len()).any(|i| inner(r[i], r[(i + 1) % r.len()]).any(is_vertex)));
        let out = found.then(|| {
            rings
                .iter()
                .map(|r| {
                    let mut ring = Vec::with_capacity(r.len() + 4);
                    for i in 0..r.len() {
                        ring.push(r[i]);
                        ring.extend(inner(r[i], r[(i + 1) % r.len()]).filter(|&p| is_vertex(p)));
                    }
                    ring
                })
                .collect()
        });
        for &p in rings.iter().flatten() {
            let i = bit(p);
            grid[i / 64] = 0;
        }
        out
    })
}

/// Each outer ring followed by the holes that lie in it, as MVT readers group rings (a hole
/// belongs to the outer ring before it). The overlay can list a hole after another shape's outer
/// ring (DCW's Mexico at tile 6/13/27: two lagoons after an island), and a reader then gives the
/// hole to the wrong polygon. A hole goes to the smallest outer ring holding the midpoint of one
/// of its edges (an island in a lake in a polygon takes its own holes); outer rings keep their
/// order, so output that was grouped already is unchanged.
fn group_holes(rings: Vec<Vec<IPt>>) -> Vec<Vec<IPt>> {
    let (outers, holes): (Vec<Vec<IPt>>, Vec<Vec<IPt>>) =
        rings.into_iter().partition(|r| int_area2(r) > 0);
    if holes.is_empty() {
        return outers;
    }
    let areas: Vec<i64> = outers.iter().map(|r| int_area2(r)).collect();
    let holders = Holders::new(&outers);
    let mut held = vec![];
    let mut holes_of: Vec<Vec<Vec<IPt>>> = vec![vec![]; outers.len()];
    for h in holes {
        // The outer rings holding the midpoint of an edge of the hole off every outer ring.
        let found = (0..h.len()).find_map(|k| {
            let (p, q) = (h[k], h[(k + 1) % h.len()]);
            holders.holding2([p[0] + q[0], p[1] + q[1]], &|_| false, &mut held)
        });
        let best = found.and_then(|()| held.iter().map(|&i| i as usize).min_by_key(|&i| areas[i]));
        // A hole in no outer ring removes nothing.
        if let Some(i) = best {
            holes_of[i].push(h);
        }
    }
    drop(holders);
    outers
        .into_iter()
        .zip(holes_of)
        .flat_map(|(o, hs)| std::iter::once(o).chain(hs))
        .collect()
}

/// The fill rule that keeps regions wound with positive area on the y-down tile (the surveyor's
/// formula's sign, [`int_area2`]); `i_overlay`'s `Positive` (checked by the tests).
const POSITIVE_AREA: FillRule = FillRule::Positive;

#[cfg(test)]
mod tests {
    use super::*;

    fn sq(x: i32, y: i32, s: i32) -> Vec<IPt> {
        vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s]]
    }

    fn rev(mut r: Vec<IPt>) -> Vec<IPt> {
        r.reverse();
        r
    }

    fn ogc_valid(rings: &[Vec<IPt>]) -> bool {
        use geo::Validation;
        let ls = |r: &Vec<IPt>| {
            let mut c: Vec<geo::Coord<f64>> = r
                .iter()
                .map(|p| geo::coord! {x: f64::from(p[0]), y: f64::from(p[1])})
                .collect();
            c.push(c[0]);
            geo::LineString::new(c)
        };
        let mut polys: Vec<geo::Polygon<f64>> = vec![];
        for r in rings {
            if int_area2(r) > 0 {
                polys.push(geo::Polygon::new(ls(r), vec![]));
            } else if let Some(p) = polys.last_mut() {
                p.interiors_push(ls(r));
            } else {
                return false;
            }
        }
        geo::MultiPolygon::new(polys).is_valid()
    }

    fn total_area2(rings: &[Vec<IPt>]) -> i64 {
        rings.iter().map(|r| int_area2(r)).sum()
    }

    #[test]
    fn the_check_accepts_plain_polygons_and_islands_in_lakes() {
        assert!(int_area2(&sq(0, 0, 10)) > 0);
        assert!(is_valid(&[sq(0, 0, 10)]));
        assert!(is_valid(&[
            sq(0, 0, 10),
            rev(sq(2, 2, 3)),
            rev(sq(6, 6, 3))
        ]));
        // Island inside the lake of another polygon, and a polygon beside it.
        assert!(is_valid(&[
            sq(0, 0, 10),
            rev(sq(2, 2, 6)),
            sq(3, 3, 2),
            sq(20, 0, 5)
        ]));
        assert!(is_valid(&[vec![[0, 0], [4, 0], [0, 3]]]));
    }

    #[test]
    fn the_check_rejects_what_ogc_rejects() {
        // Bowtie.
        assert!(!is_valid(&[vec![[0, 0], [10, 10], [10, 0], [0, 10]]]));
        // Self-tangent ring (touches itself at a vertex).
        assert!(!is_valid(&[vec![
            [0, 0],
            [10, 0],
            [10, 10],
            [5, 0],
            [0, 10]
        ]]));
        // Zero-width bridge along an edge: two squares joined by a doubled edge.
        assert!(!is_valid(&[vec![
            [0, 0],
            [4, 0],
            [4, 4],
            [4, 0],
            [10, 0],
            [10, 10],
            [0, 10]
        ]]));
        // Spike.
        assert!(!is_valid(&[vec![
            [0, 0],
            [10, 0],
            [15, 0],
            [10, 0],
            [10, 10]
        ]]));
        // Overlapping polygons, nested outer rings, hole outside, hole in hole, hole first.
        assert!(!is_valid(&[sq(0, 0, 10), sq(5, 5, 10)]));
        assert!(!is_valid(&[sq(0, 0, 10), sq(2, 2, 3)]));
        assert!(!is_valid(&[sq(0, 0, 10), rev(sq(20, 20, 3))]));
        assert!(!is_valid(&[
            sq(0, 0, 10),
            rev(sq(1, 1, 8)),
            rev(sq(3, 3, 2))
        ]));
        assert!(!is_valid(&[rev(sq(0, 0, 10))]));
        // Rings sharing an edge.
        assert!(!is_valid(&[sq(0, 0, 10), sq(10, 0, 10)]));
    }

    #[test]
    fn holes_follow_the_outer_ring_they_lie_in() {
        // A polygon with a lake, an island in the lake with a pond, listed island first and
        // the polygon's second lake last, after the island (as the overlay once did).
        let land = sq(0, 0, 100);
        let lake = rev(sq(10, 10, 40));
        let island = sq(20, 20, 20);
        let pond = rev(sq(25, 25, 5));
        let lake2 = rev(sq(60, 60, 20));
        let got = group_holes(vec![
            land.clone(),
            lake.clone(),
            island.clone(),
            pond.clone(),
            lake2.clone(),
        ]);
        assert_eq!(
            got,
            vec![
                land.clone(),
                lake.clone(),
                lake2,
                island.clone(),
                pond.clone()
            ]
        );
        assert!(ogc_valid(&got));
        // Grouped already: unchanged.
        let grouped = vec![land, lake, island, pond];
        assert_eq!(group_holes(grouped.clone()), grouped);
    }

    /// No ring passes through a point twice or has a vertex inside one of its own edges (what
    /// geo's validity calls a self-intersection).
    fn rings_simple(rings: &[Vec<IPt>]) -> bool {
        rings.iter().all(|r| {
            let n = r.len();
            let mut pts = r.clone();
            pts.sort_unstable();
            pts.dedup();
            pts.len() == n
                && (0..n).all(|i| {
                    let (a, b) = (r[i], r[(i + 1) % n]);
                    r.iter()
                        .all(|&p| p == a || p == b || orient(a, b, p) != 0 || !on_segment(a, b, p))
                })
        })
    }

    #[test]
    fn rings_touching_themselves_are_noded_and_cut_at_the_touch() {
        // A square whose ring runs back down to (5, 0), on its own bottom edge, and on to the
        // corner: it touches itself at a point inside an edge.
        let pinched = vec![[0, 0], [10, 0], [10, 10], [5, 10], [5, 0], [0, 10]];
        assert!(!rings_simple(std::slice::from_ref(&pinched)));
        let noded = node(std::slice::from_ref(&pinched)).unwrap();
        assert_eq!(noded[0].len(), 7, "{noded:?}");
        let cut = split_at_touches(noded);
        assert_eq!(cut.len(), 2, "{cut:?}");
        assert!(rings_simple(&cut), "{cut:?}");
        // The area is kept: the right half (50) and the left triangle (25), both outer.
        assert!(cut.iter().all(|r| int_area2(r) > 0), "{cut:?}");
        assert_eq!(total_area2(&cut), 2 * 75);
        // A figure eight through one vertex: two loops.
        let eight = vec![[0, 0], [4, 0], [2, 2], [4, 4], [0, 4], [2, 2]];
        assert_eq!(split_at_touches(vec![eight]).len(), 2);
        // Nothing to node in a plain square; the repair of the pinched ring is simple too.
        assert!(node(&[sq(0, 0, 10)]).is_none());
        let fixed = repair(&[(pinched, true)]);
        assert!(rings_simple(&fixed) && ogc_valid(&fixed), "{fixed:?}");
    }

    /// The repair by hand (no overlay) on what rounding does to polygons: the area of positive
    /// winding, valid for the check and for geo.
    #[test]
    fn untangling_keeps_the_area_of_positive_winding() {
        let by_hand = |raw: &[(Vec<IPt>, bool)]| {
            let fixed = untangle(raw).expect("no overlay needed");
            assert!(fixed.is_empty() || is_valid(&fixed), "{fixed:?}");
            assert!(ogc_valid(&fixed), "{fixed:?}");
            fixed
        };
        // Two polygons rounded onto a common edge become one.
        let fixed = by_hand(&[(sq(0, 0, 10), true), (sq(10, 0, 10), true)]);
        assert_eq!(fixed.len(), 1, "{fixed:?}");
        assert_eq!(total_area2(&fixed), 2 * 200);
        // A lake rounded onto the coast opens into a bay.
        let fixed = by_hand(&[
            (sq(0, 0, 10), true),
            (rev(vec![[0, 2], [3, 2], [3, 5], [0, 5]]), false),
        ]);
        assert_eq!(fixed.len(), 1, "{fixed:?}");
        assert_eq!(total_area2(&fixed), 2 * (100 - 9));
        // An island touching the coast at a point stays an island.
        let fixed = by_hand(&[(sq(0, 0, 10), true), (sq(10, 10, 3), true)]);
        assert_eq!(fixed.len(), 2, "{fixed:?}");
        // A hole alone is nothing; an island inside another is united with it.
        assert!(by_hand(&[(rev(sq(0, 0, 10)), false)]).is_empty());
        let fixed = by_hand(&[(sq(0, 0, 10), true), (sq(2, 2, 3), true)]);
        assert_eq!(fixed, vec![sq(0, 0, 10)]);
        // Two rectangles crossing in a plus: their union, the crossings made vertices.
        let fixed = by_hand(&[
            (vec![[0, 0], [10, 0], [10, 4], [0, 4]], true),
            (vec![[3, -3], [7, -3], [7, 7], [3, 7]], true),
        ]);
        assert_eq!(fixed.len(), 1, "{fixed:?}");
        assert_eq!(total_area2(&fixed), 2 * (40 + 40 - 16));
        // A crossing off the grid, rounded: a thin bowtie-like overlap of two triangles.
        let fixed = by_hand(&[
            (vec![[0, 0], [9, 1], [0, 5]], true),
            (vec![[9, 0], [9, 5], [0, 3]], true),
        ]);
        assert!(!fixed.is_empty());
        // A spike and a bridge left by clipping go.
        let fixed = by_hand(&[(
            vec![[0, 0], [10, 0], [15, 0], [10, 0], [10, 10], [0, 10]],
            true,
        )]);
        assert_eq!(total_area2(&fixed), 2 * 100);
        let fixed = by_hand(&[(
            vec![[0, 0], [4, 0], [4, 4], [4, 0], [10, 0], [10, 10], [0, 10]],
            true,
        )]);
        assert_eq!(total_area2(&fixed), 2 * 100);
    }

    #[test]
    fn repair_keeps_both_loops_of_a_bowtie() {
        let fixed = repair(&[(vec![[0, 0], [10, 10], [10, 0], [0, 10]], true)]);
        assert_eq!(fixed.len(), 2, "{fixed:?}");
        assert!(ogc_valid(&fixed), "{fixed:?}");
        assert_eq!(total_area2(&fixed), 100);
    }

    #[test]
    fn repair_unites_overlaps_and_ignores_stray_holes() {
        let fixed = repair(&[(sq(0, 0, 10), true), (rev(sq(5, 5, 10)), true)]);
        assert!(ogc_valid(&fixed), "{fixed:?}");
        assert_eq!(total_area2(&fixed), 2 * (200 - 25));
        // A hole half outside cuts only what it covers.
        let fixed = repair(&[(sq(0, 0, 10), true), (sq(5, 2, 10), false)]);
        assert!(ogc_valid(&fixed), "{fixed:?}");
        assert_eq!(total_area2(&fixed), 2 * (100 - 40));
        // A hole touching the outer ring along an edge, as clipping leaves it.
        let fixed = repair(&[
            (sq(0, 0, 10), true),
            (vec![[0, 2], [0, 5], [3, 5], [3, 2]], false),
        ]);
        assert!(ogc_valid(&fixed), "{fixed:?}");
        assert_eq!(total_area2(&fixed), 2 * (100 - 9));
        // A ring pinched at a vertex becomes two polygons touching at a point, as OGC allows.
        let pinched = vec![
            [0, 0],
            [5, 0],
            [5, 5],
            [10, 5],
            [10, 10],
            [5, 10],
            [5, 5],
            [0, 5],
        ];
        assert!(!is_valid(std::slice::from_ref(&pinched)));
        let fixed = repair(&[(pinched, true)]);
        assert!(ogc_valid(&fixed), "{fixed:?}");
        assert_eq!(total_area2(&fixed), 2 * 50);
    }
}
