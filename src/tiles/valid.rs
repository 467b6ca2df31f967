//! Valid polygons on the tile grid (MVT 2.1 section 4.3.4.4, OGC simple features).
//!
//! Clipping a ring to the buffered tile (Sutherland–Hodgman leaves zero-width bridges along the
//! edge), simplifying it and rounding it to whole tile units can make a valid polygon touch or
//! cross itself; an invalid input polygon (a bowtie, overlapping parts, a hole outside its
//! polygon) stays invalid. So every polygon is checked on the integer grid after rounding
//! ([`is_valid`], strict: no two edges may meet except neighbours at their shared vertex), and
//! one that fails is rebuilt ([`repair`]) by a snap-rounding overlay on the same integer grid
//! (`i_overlay`, the engine under `geo`'s boolean operations), in the manner of tippecanoe, which
//! runs every polygon through wagyu's union after quantising. A polygon that passes the check is
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

/// `p` lies strictly inside `ring` (not on its boundary).
fn strictly_inside(ring: &[IPt], p: IPt) -> bool {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if orient(a, b, p) == 0 && on_segment(a, b, p) {
            return false;
        }
        if (a[1] > p[1]) != (b[1] > p[1]) {
            // x of the edge at p's y, compared exactly: p.x < a.x + (p.y-a.y)(b.x-a.x)/(b.y-a.y)
            let lhs = i64::from(p[0] - a[0]) * i64::from(b[1] - a[1]);
            let rhs = i64::from(p[1] - a[1]) * i64::from(b[0] - a[0]);
            if (b[1] > a[1] && lhs < rhs) || (b[1] < a[1] && lhs > rhs) {
                inside = !inside;
            }
        }
    }
    inside
}

/// True when `rings` (each outer ring, area positive on the y-down tile, followed by its holes,
/// area negative; first vertex not repeated) is a valid MVT polygon feature: every ring has area,
/// no two edges of any rings meet except neighbouring edges at their shared vertex (stricter than
/// OGC, which lets a hole touch its ring at a point), each hole lies inside its outer ring and in
/// no other hole, and no polygon lies inside another one's area.
#[must_use]
pub fn is_valid(rings: &[Vec<IPt>]) -> bool {
    if rings.is_empty() || rings.first().is_some_and(|r| int_area2(r) <= 0) {
        return false;
    }
    struct Seg {
        ring: usize,
        idx: usize,
        a: IPt,
        b: IPt,
    }
    let mut segs: Vec<Seg> = vec![];
    for (ri, r) in rings.iter().enumerate() {
        if r.len() < 3 || int_area2(r) == 0 {
            return false;
        }
        for i in 0..r.len() {
            segs.push(Seg {
                ring: ri,
                idx: i,
                a: r[i],
                b: r[(i + 1) % r.len()],
            });
        }
    }
    let minx = |s: &Seg| s.a[0].min(s.b[0]);
    segs.sort_by_key(|s| (minx(s), s.ring, s.idx));
    let mut active: Vec<usize> = vec![];
    for (si, s) in segs.iter().enumerate() {
        let x0 = minx(s);
        active.retain(|&o| segs[o].a[0].max(segs[o].b[0]) >= x0);
        let (sy0, sy1) = (s.a[1].min(s.b[1]), s.a[1].max(s.b[1]));
        for &o in &active {
            let t = &segs[o];
            if t.a[1].max(t.b[1]) < sy0 || t.a[1].min(t.b[1]) > sy1 {
                continue;
            }
            if t.ring == s.ring {
                let n = rings[s.ring].len();
                let (shared, p, q) = if (t.idx + 1) % n == s.idx {
                    (s.a, t.a, s.b)
                } else if (s.idx + 1) % n == t.idx {
                    (t.a, s.a, t.b)
                } else {
                    if segments_meet(s.a, s.b, t.a, t.b) {
                        return false;
                    }
                    continue;
                };
                if n == 3 {
                    // Every pair of edges of a triangle are neighbours; area > 0 means no spike.
                    continue;
                }
                // Neighbours: only the shared vertex, no fold back along the same line.
                if orient(p, shared, q) == 0 {
                    let dot = i64::from(p[0] - shared[0]) * i64::from(q[0] - shared[0])
                        + i64::from(p[1] - shared[1]) * i64::from(q[1] - shared[1]);
                    if dot > 0 {
                        return false;
                    }
                }
                continue;
            }
            if segments_meet(s.a, s.b, t.a, t.b) {
                return false;
            }
        }
        active.push(si);
    }
    // No edges meet: rings are disjoint or nested, and one vertex tells which.
    let mut outer_of = vec![0usize; rings.len()];
    let mut cur = 0;
    for (i, r) in rings.iter().enumerate() {
        if int_area2(r) > 0 {
            cur = i;
        }
        outer_of[i] = cur;
    }
    for (i, r) in rings.iter().enumerate() {
        let p = r[0];
        let is_hole = outer_of[i] != i;
        if is_hole && !strictly_inside(&rings[outer_of[i]], p) {
            return false;
        }
        for (j, other) in rings.iter().enumerate() {
            if j == i || j == outer_of[i] {
                continue;
            }
            let other_is_hole = outer_of[j] != j;
            if is_hole {
                // A hole inside another hole of its polygon.
                if other_is_hole && outer_of[j] == outer_of[i] && strictly_inside(other, p) {
                    return false;
                }
            } else if !other_is_hole && strictly_inside(other, p) {
                // An outer ring inside another polygon: only allowed inside one of its holes.
                let in_hole = rings
                    .iter()
                    .enumerate()
                    .any(|(k, h)| k != j && outer_of[k] == j && strictly_inside(h, p));
                if !in_hole {
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
#[must_use]
pub fn repair(raw: &[(Vec<IPt>, bool)]) -> Vec<Vec<IPt>> {
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
    use std::collections::HashMap;
    let mut out = Vec::with_capacity(rings.len());
    for r in rings {
        let mut seen: HashMap<IPt, usize> = HashMap::with_capacity(r.len());
        let mut stack: Vec<IPt> = Vec::with_capacity(r.len());
        let mut split = false;
        for p in r.iter().copied() {
            if let Some(&k) = seen.get(&p) {
                // The loop from p's first visit back to p: a ring of its own.
                let lp: Vec<IPt> = stack.drain(k..).collect();
                for q in &lp[1..] {
                    seen.remove(q);
                }
                if lp.len() >= 3 && int_area2(&lp) != 0 {
                    out.push(lp);
                }
                split = true;
            }
            seen.insert(p, stack.len());
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
/// hole to the wrong polygon. A hole goes to the smallest outer ring holding one of its vertices
/// strictly inside (an island in a lake in a polygon takes its own holes); outer rings keep their
/// order, so output that was grouped already is unchanged.
fn group_holes(rings: Vec<Vec<IPt>>) -> Vec<Vec<IPt>> {
    struct Outer {
        ring: Vec<IPt>,
        bbox: [i32; 4],
        area2: i64,
        holes: Vec<Vec<IPt>>,
    }
    let bbox = |r: &[IPt]| {
        r.iter()
            .fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, p| {
                [
                    b[0].min(p[0]),
                    b[1].min(p[1]),
                    b[2].max(p[0]),
                    b[3].max(p[1]),
                ]
            })
    };
    let mut outers: Vec<Outer> = vec![];
    let mut holes = vec![];
    for r in rings {
        let area2 = int_area2(&r);
        if area2 > 0 {
            outers.push(Outer {
                bbox: bbox(&r),
                ring: r,
                area2,
                holes: vec![],
            });
        } else {
            holes.push(r);
        }
    }
    for h in holes {
        let hb = bbox(&h);
        let best = outers
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                o.bbox[0] <= hb[0]
                    && o.bbox[1] <= hb[1]
                    && o.bbox[2] >= hb[2]
                    && o.bbox[3] >= hb[3]
                    && h.iter().any(|&p| strictly_inside(&o.ring, p))
            })
            .min_by_key(|(_, o)| o.area2)
            .map(|(i, _)| i);
        // A hole in no outer ring removes nothing.
        if let Some(i) = best {
            outers[i].holes.push(h);
        }
    }
    outers
        .into_iter()
        .flat_map(|o| std::iter::once(o.ring).chain(o.holes))
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
