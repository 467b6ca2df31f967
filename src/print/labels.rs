//! Label placement: every label gets a box on paper that overlaps no other label and no symbol.
//!
//! The algorithm is greedy by priority (Imhof's rules, in the spirit of Christensen, Marks &
//! Shieber 1995). Labels are taken from the most to the least important; each one tries
//! candidate boxes in order of cartographic preference:
//!
//! 1. for a point, 8 positions touching the symbol (upper right first, then lower right, upper
//!    left, lower left, right, left, above, below);
//! 2. for a line, boxes beside the line at its middle, then further along it;
//! 3. for an area, boxes centred on the given interior points.
//!
//! A candidate is refused if it leaves the map frame, touches a symbol (hard obstacle) or a box
//! already placed. Among the acceptable candidates of the first tier that has any, the cheapest
//! wins: preference rank plus a penalty per line segment the box would cover (soft obstacles,
//! such as transfer lines). A point label with no room beside its symbol is moved further out on
//! a ring of positions with a **leader line**, which must not cross a symbol or a label either.
//! When nothing fits the label is **omitted** and reported; it is never drawn overlapping.
//!
//! All lengths are paper **millimetres**, y down.

/// An axis-aligned box on paper, **mm**, y down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxMm {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl BoxMm {
    /// A box from its left/top corner and size.
    #[must_use]
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        }
    }

    /// A square of half-side `r` around a point.
    #[must_use]
    pub fn around(x: f64, y: f64, r: f64) -> Self {
        Self {
            x0: x - r,
            y0: y - r,
            x1: x + r,
            y1: y + r,
        }
    }

    /// True when the two boxes share interior area.
    #[must_use]
    pub fn intersects(&self, o: &Self) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// True when `o` lies entirely inside.
    #[must_use]
    pub fn contains(&self, o: &Self) -> bool {
        o.x0 >= self.x0 && o.x1 <= self.x1 && o.y0 >= self.y0 && o.y1 <= self.y1
    }

    /// The box grown by `d` on every side.
    #[must_use]
    pub fn grow(&self, d: f64) -> Self {
        Self {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }

    /// Width.
    #[must_use]
    pub fn w(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height.
    #[must_use]
    pub fn h(&self) -> f64 {
        self.y1 - self.y0
    }

    /// True when the segment a-b passes through the box.
    #[must_use]
    pub fn hits_segment(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        // Liang-Barsky clipping.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// What a label is attached to.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    /// A point symbol of radius `r` at (`x`, `y`).
    Point {
        /// Paper x.
        x: f64,
        /// Paper y.
        y: f64,
        /// Radius of the symbol (and of symbols at the same spot), **mm**.
        r: f64,
    },
    /// A line (label goes beside it).
    Line(Vec<(f64, f64)>),
    /// An area: centre positions to try, best first.
    Area(Vec<(f64, f64)>),
}

/// A label to place.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Unique key (reported when omitted).
    pub id: String,
    /// Text, for the report.
    pub text: String,
    /// Box width, **mm**.
    pub w: f64,
    /// Box height, **mm**.
    pub h: f64,
    /// What it labels.
    pub anchor: Anchor,
    /// Higher goes first.
    pub priority: i32,
    /// May be moved away from its symbol with a leader line.
    pub leader: bool,
}

/// Where a label went.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The request's id.
    pub id: String,
    /// The label box.
    pub rect: BoxMm,
    /// Leader line from the symbol's edge to the box, if the label was moved out.
    pub leader: Option<((f64, f64), (f64, f64))>,
}

/// The result: placed labels and the ids of those that did not fit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Placed labels, in placement order.
    pub placed: Vec<Placed>,
    /// Requests that found no room: (id, text).
    pub omitted: Vec<(String, String)>,
}

/// The free space labels may use.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// Labels must lie inside.
    pub bounds: Option<BoxMm>,
    /// Symbols and other things labels must not touch, with an owner id (a label ignores its
    /// own symbol).
    pub hard: Vec<(String, BoxMm)>,
    /// Line segments labels should avoid.
    pub soft: Vec<((f64, f64), (f64, f64))>,
    /// Boxes reserved by earlier placements (another map's labels, panels).
    pub taken: Vec<BoxMm>,
}

/// Clearance between two labels, **mm**.
pub const GAP_MM: f64 = 0.4;
/// Distance between a symbol's edge and its label, **mm**.
pub const OFFSET_MM: f64 = 0.5;

/// Boxes (or segments, by their bounding boxes) found by the boxes that overlap or touch a
/// query box, through an R-tree: each candidate is tested against the obstacles near it rather
/// than all of them, which made placement quadratic in the number of labels. The exact tests stay
/// those of [`BoxMm`]; the tree only skips items that cannot pass them.
struct Near {
    tree: rstar::RTree<
        rstar::primitives::GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>,
    >,
    /// Items with a non-finite coordinate, which the tree cannot sort: tried by every query.
    loose: Vec<usize>,
    /// Number of items, for a query box that is not finite (every item is then tried).
    len: usize,
}

fn finite(b: &BoxMm) -> bool {
    b.x0.is_finite() && b.y0.is_finite() && b.x1.is_finite() && b.y1.is_finite()
}

fn segment_box(a: (f64, f64), b: (f64, f64)) -> BoxMm {
    BoxMm {
        x0: a.0.min(b.0),
        y0: a.1.min(b.1),
        x1: a.0.max(b.0),
        y1: a.1.max(b.1),
    }
}

impl Near {
    fn new(boxes: impl IntoIterator<Item = BoxMm>) -> Self {
        let mut near = Self {
            tree: rstar::RTree::new(),
            loose: vec![],
            len: 0,
        };
        let mut entries = vec![];
        for b in boxes {
            if finite(&b) {
                entries.push(Self::entry(&b, near.len));
            } else {
                near.loose.push(near.len);
            }
            near.len += 1;
        }
        near.tree = rstar::RTree::bulk_load(entries);
        near
    }

    fn entry(
        b: &BoxMm,
        i: usize,
    ) -> rstar::primitives::GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize> {
        rstar::primitives::GeomWithData::new(
            rstar::primitives::Rectangle::from_corners([b.x0, b.y0], [b.x1, b.y1]),
            i,
        )
    }

    /// Adds item number `self.len`.
    fn push(&mut self, b: &BoxMm) {
        if finite(b) {
            self.tree.insert(Self::entry(b, self.len));
        } else {
            self.loose.push(self.len);
        }
        self.len += 1;
    }

    /// Indices of the items whose box overlaps or touches `q` (and of the loose ones), in no
    /// particular order.
    fn around(&self, q: &BoxMm) -> impl Iterator<Item = usize> + '_ {
        let all = !finite(q);
        let near = (!all)
            .then(|| {
                self.tree
                    .locate_in_envelope_intersecting(&rstar::AABB::from_corners(
                        [q.x0, q.y0],
                        [q.x1, q.y1],
                    ))
                    .map(|e| e.data)
            })
            .into_iter()
            .flatten();
        let loose = self.loose.iter().copied().filter(move |_| !all);
        near.chain(loose)
            .chain(if all { 0..self.len } else { 0..0 })
    }
}

/// The field with its obstacles indexed, and the labels placed so far.
struct Index<'a> {
    field: &'a Field,
    hard: Near,
    soft: Near,
    taken: Near,
    placed: Near,
}

impl<'a> Index<'a> {
    fn new(field: &'a Field) -> Self {
        Self {
            field,
            hard: Near::new(field.hard.iter().map(|(_, b)| *b)),
            soft: Near::new(field.soft.iter().map(|(a, b)| segment_box(*a, *b))),
            taken: Near::new(field.taken.iter().copied()),
            placed: Near::new([]),
        }
    }

    fn free(&self, id: &str, b: &BoxMm, placed: &[Placed]) -> bool {
        let field = self.field;
        if let Some(bounds) = &field.bounds
            && !bounds.contains(b)
        {
            return false;
        }
        if self.hard.around(b).any(|i| {
            let (owner, h) = &field.hard[i];
            owner != id && h.intersects(b)
        }) {
            return false;
        }
        let grown = b.grow(GAP_MM);
        !self
            .taken
            .around(&grown)
            .any(|i| field.taken[i].intersects(&grown))
            && !self
                .placed
                .around(&grown)
                .any(|i| placed[i].rect.intersects(&grown))
    }

    /// A leader may leave through symbols touching its own (`home`), never through others.
    fn leader_free(
        &self,
        id: &str,
        home: &BoxMm,
        a: (f64, f64),
        b: (f64, f64),
        placed: &[Placed],
    ) -> bool {
        let field = self.field;
        let reach = segment_box(a, b);
        !self.hard.around(&reach).any(|i| {
            let (owner, h) = &field.hard[i];
            owner != id && !h.intersects(home) && h.hits_segment(a, b)
        }) && !self
            .placed
            .around(&reach)
            .any(|i| placed[i].rect.hits_segment(a, b))
            && !self
                .taken
                .around(&reach)
                .any(|i| field.taken[i].hits_segment(a, b))
    }

    fn crossings(&self, b: &BoxMm) -> usize {
        self.soft
            .around(b)
            .filter(|i| {
                let (p, q) = self.field.soft[*i];
                b.hits_segment(p, q)
            })
            .count()
    }
}

/// A candidate: box, preference rank, optional leader.
type Candidate = (BoxMm, f64, Option<((f64, f64), (f64, f64))>);

fn point_candidates(x: f64, y: f64, r: f64, w: f64, h: f64) -> Vec<Candidate> {
    let d = r + OFFSET_MM;
    // Diagonal positions tuck the box's corner against the symbol.
    let k = d * std::f64::consts::FRAC_1_SQRT_2;
    vec![
        (BoxMm::new(x + k, y - k - h, w, h), 0.0, None), // upper right
        (BoxMm::new(x + k, y + k, w, h), 1.0, None),     // lower right
        (BoxMm::new(x - k - w, y - k - h, w, h), 2.0, None), // upper left
        (BoxMm::new(x - k - w, y + k, w, h), 3.0, None), // lower left
        (BoxMm::new(x + d, y - h / 2.0, w, h), 0.5, None), // right
        (BoxMm::new(x - d - w, y - h / 2.0, w, h), 2.5, None), // left
        (BoxMm::new(x - w / 2.0, y - d - h, w, h), 4.0, None), // above
        (BoxMm::new(x - w / 2.0, y + d, w, h), 4.5, None), // below
    ]
}

fn leader_candidates(x: f64, y: f64, r: f64, w: f64, h: f64) -> Vec<Candidate> {
    let mut out = vec![];
    for (ring, dist) in [3.0, 5.0, 8.0, 12.0, 17.0].into_iter().enumerate() {
        for step in 0..16 {
            let a = f64::from(step) * std::f64::consts::TAU / 16.0 - std::f64::consts::FRAC_PI_4;
            let (ux, uy) = (a.cos(), a.sin());
            let q = (x + ux * (r + dist), y + uy * (r + dist));
            let bx = if ux > 0.3 {
                q.0
            } else if ux < -0.3 {
                q.0 - w
            } else {
                q.0 - w / 2.0
            };
            let by = if uy > 0.3 {
                q.1
            } else if uy < -0.3 {
                q.1 - h
            } else {
                q.1 - h / 2.0
            };
            let rank = 10.0 + ring as f64 * 4.0 + f64::from(step) * 0.05;
            out.push((
                BoxMm::new(bx, by, w, h),
                rank,
                Some(((x + ux * r, y + uy * r), q)),
            ));
        }
    }
    out
}

fn along(line: &[(f64, f64)], t: f64) -> Option<((f64, f64), (f64, f64))> {
    let lengths: Vec<f64> = line
        .windows(2)
        .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
        .collect();
    let total: f64 = lengths.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut want = total * t;
    for (i, l) in lengths.iter().enumerate() {
        if want <= *l || i + 1 == lengths.len() {
            let f = if *l > 0.0 { (want / l).min(1.0) } else { 0.0 };
            let (a, b) = (line[i], line[i + 1]);
            let p = (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
            let dir = ((b.0 - a.0) / l, (b.1 - a.1) / l);
            return Some((p, dir));
        }
        want -= l;
    }
    None
}

fn line_candidates(line: &[(f64, f64)], w: f64, h: f64) -> Vec<Candidate> {
    let mut out = vec![];
    for (i, t) in [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74]
        .into_iter()
        .enumerate()
    {
        let Some((p, (dx, dy))) = along(line, t) else {
            continue;
        };
        // Both normals; the one pointing up (or right) first.
        let (nx, ny) = if -dx < 0.0 || (dx == 0.0 && dy > 0.0) {
            (dy, -dx)
        } else {
            (-dy, dx)
        };
        for (side, s) in [(0.0, 1.0), (0.5, -1.0)] {
            let off = 0.6 + (nx.abs() * w + ny.abs() * h) / 2.0;
            let c = (p.0 + s * nx * off, p.1 + s * ny * off);
            out.push((
                BoxMm::new(c.0 - w / 2.0, c.1 - h / 2.0, w, h),
                i as f64 + side,
                None,
            ));
        }
    }
    out
}

/// Places `requests` in `field`; see the module documentation.
#[must_use]
pub fn place(field: &Field, requests: &[Request]) -> Outcome {
    let mut order: Vec<&Request> = requests.iter().collect();
    order.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.id.cmp(&b.id)));
    let mut out = Outcome::default();
    let mut index = Index::new(field);
    for req in order {
        let tiers: Vec<Vec<Candidate>> = match &req.anchor {
            Anchor::Point { x, y, r } => {
                let mut t = vec![point_candidates(*x, *y, *r, req.w, req.h)];
                if req.leader {
                    t.push(leader_candidates(*x, *y, *r, req.w, req.h));
                }
                t
            }
            Anchor::Line(line) => vec![line_candidates(line, req.w, req.h)],
            Anchor::Area(centres) => vec![
                centres
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        (
                            BoxMm::new(c.0 - req.w / 2.0, c.1 - req.h / 2.0, req.w, req.h),
                            i as f64,
                            None,
                        )
                    })
                    .collect(),
            ],
        };
        let home = match &req.anchor {
            Anchor::Point { x, y, r } => BoxMm::around(*x, *y, r + 0.5),
            _ => BoxMm::around(0.0, 0.0, -1.0),
        };
        let mut chosen: Option<Candidate> = None;
        for tier in tiers {
            let mut best: Option<(f64, Candidate)> = None;
            for cand in tier {
                if !index.free(&req.id, &cand.0, &out.placed) {
                    continue;
                }
                if let Some((a, b)) = cand.2
                    && !index.leader_free(&req.id, &home, a, b, &out.placed)
                {
                    continue;
                }
                let cost = cand.1 + 3.0 * index.crossings(&cand.0) as f64;
                if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                    best = Some((cost, cand));
                }
            }
            if let Some((_, c)) = best {
                chosen = Some(c);
                break;
            }
        }
        match chosen {
            Some((rect, _, leader)) => {
                index.placed.push(&rect);
                out.placed.push(Placed {
                    id: req.id.clone(),
                    rect,
                    leader,
                });
            }
            None => out.omitted.push((req.id.clone(), req.text.clone())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: &str, x: f64, y: f64, w: f64) -> Request {
        Request {
            id: id.into(),
            text: id.into(),
            w,
            h: 3.0,
            anchor: Anchor::Point { x, y, r: 1.0 },
            priority: 0,
            leader: true,
        }
    }

    fn symbols(reqs: &[Request]) -> Vec<(String, BoxMm)> {
        reqs.iter()
            .filter_map(|r| match r.anchor {
                Anchor::Point { x, y, r: rad } => Some((r.id.clone(), BoxMm::around(x, y, rad))),
                _ => None,
            })
            .collect()
    }

    fn assert_no_overlaps(field: &Field, out: &Outcome) {
        for (i, a) in out.placed.iter().enumerate() {
            for b in &out.placed[i + 1..] {
                assert!(!a.rect.intersects(&b.rect), "{} overlaps {}", a.id, b.id);
            }
            for (owner, s) in &field.hard {
                assert!(
                    owner == &a.id || !a.rect.intersects(s),
                    "{} covers symbol {owner}",
                    a.id
                );
            }
            assert!(field.bounds.unwrap().contains(&a.rect));
        }
    }

    /// Deterministic numbers in 0..1 for the crowded tests.
    fn unit(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    fn random_box(seed: &mut u64, side: f64) -> BoxMm {
        BoxMm::new(
            unit(seed) * 100.0,
            unit(seed) * 100.0,
            unit(seed) * side,
            unit(seed) * side,
        )
    }

    #[test]
    fn the_index_finds_every_box_that_overlaps_or_touches_a_query() {
        let mut seed = 7;
        let mut boxes: Vec<BoxMm> = (0..500).map(|_| random_box(&mut seed, 6.0)).collect();
        // A box the tree cannot sort, and one that touches the first query only at a corner.
        boxes.push(BoxMm::new(f64::NAN, 1.0, 2.0, 2.0));
        boxes.push(BoxMm::new(40.0, 40.0, 5.0, 5.0));
        let mut near = Near::new(boxes.iter().copied());
        for _ in 0..100 {
            let b = random_box(&mut seed, 6.0);
            near.push(&b);
            boxes.push(b);
        }
        let mut queries = vec![BoxMm::new(35.0, 35.0, 5.0, 5.0)];
        queries.extend((0..300).map(|_| random_box(&mut seed, 12.0)));
        for q in &queries {
            let found: std::collections::BTreeSet<usize> = near.around(q).collect();
            for (i, b) in boxes.iter().enumerate() {
                let touches = b.x0 <= q.x1 && q.x0 <= b.x1 && b.y0 <= q.y1 && q.y0 <= b.y1;
                assert!(
                    !touches || found.contains(&i),
                    "box {i} {b:?} missed by {q:?}"
                );
            }
            assert!(
                found.contains(&500),
                "the non-finite box is tried by every query"
            );
        }
        assert!(near.around(&queries[0]).any(|i| i == 501));
        // A query that is not finite tries every box.
        let all = near
            .around(&BoxMm::new(f64::INFINITY, 0.0, 1.0, 1.0))
            .count();
        assert_eq!(all, boxes.len());
    }

    #[test]
    fn a_crowded_field_with_transfer_lines_has_no_overlaps() {
        let mut seed = 11;
        let reqs: Vec<Request> = (0..400)
            .map(|i| {
                let (x, y) = (5.0 + unit(&mut seed) * 90.0, 5.0 + unit(&mut seed) * 90.0);
                point(&format!("p{i:03}"), x, y, 4.0 + unit(&mut seed) * 10.0)
            })
            .collect();
        let soft = (0..200)
            .map(|_| {
                let a = (unit(&mut seed) * 100.0, unit(&mut seed) * 100.0);
                (a, (a.0 + 20.0, a.1 + 5.0))
            })
            .collect();
        let field = Field {
            bounds: Some(BoxMm::new(0.0, 0.0, 100.0, 100.0)),
            hard: symbols(&reqs),
            soft,
            taken: vec![BoxMm::new(0.0, 0.0, 30.0, 20.0)],
        };
        let out = place(&field, &reqs);
        assert_eq!(out.placed.len() + out.omitted.len(), reqs.len());
        assert!(out.placed.len() > 50, "{} placed", out.placed.len());
        assert!(!out.omitted.is_empty(), "400 labels cannot all fit");
        assert_no_overlaps(&field, &out);
        for p in &out.placed {
            assert!(!p.rect.intersects(&field.taken[0].grow(GAP_MM)), "{}", p.id);
        }
    }

    #[test]
    fn a_lone_point_goes_upper_right() {
        let reqs = [point("a", 50.0, 50.0, 10.0)];
        let field = Field {
            bounds: Some(BoxMm::new(0.0, 0.0, 100.0, 100.0)),
            hard: symbols(&reqs),
            ..Field::default()
        };
        let out = place(&field, &reqs);
        let r = out.placed[0].rect;
        assert!(r.x0 > 50.0 && r.y1 < 50.0, "{r:?}");
        assert!(out.placed[0].leader.is_none());
    }

    #[test]
    fn a_point_at_the_right_edge_is_labelled_on_its_left() {
        let reqs = [point("a", 97.0, 50.0, 10.0)];
        let field = Field {
            bounds: Some(BoxMm::new(0.0, 0.0, 100.0, 100.0)),
            hard: symbols(&reqs),
            ..Field::default()
        };
        let out = place(&field, &reqs);
        assert!(out.placed[0].rect.x1 < 97.0);
    }

    #[test]
    fn neighbours_get_boxes_that_do_not_intersect() {
        // Eight places at nearly one spot (like a camp and its sub-camps), 14 mm labels each:
        // eight positions around the symbol cannot hold them all.
        let reqs: Vec<Request> = (0..8)
            .map(|i| point(&format!("p{i}"), 50.0 + f64::from(i) * 0.2, 50.0, 14.0))
            .collect();
        let field = Field {
            bounds: Some(BoxMm::new(0.0, 0.0, 100.0, 100.0)),
            hard: symbols(&reqs),
            ..Field::default()
        };
        let out = place(&field, &reqs);
        assert_eq!(out.placed.len(), 8, "omitted {:?}", out.omitted);
        assert_no_overlaps(&field, &out);
        // Crowding forces some labels out on leader lines.
        assert!(out.placed.iter().any(|p| p.leader.is_some()));
    }

    #[test]
    fn crowded_points_are_omitted_and_reported_not_overlapped() {
        // 40 points with long labels inside a 30 x 20 mm frame: most cannot fit.
        let reqs: Vec<Request> = (0..40)
            .map(|i| {
                let (x, y) = (5.0 + f64::from(i % 8) * 2.5, 5.0 + f64::from(i / 8) * 2.5);
                let mut r = point(&format!("p{i:02}"), x, y, 12.0);
                r.priority = 40 - i;
                r
            })
            .collect();
        let field = Field {
            bounds: Some(BoxMm::new(0.0, 0.0, 30.0, 20.0)),
            hard: symbols(&reqs),
            ..Field::default()
        };
        let out = place(&field, &reqs);
        assert_no_overlaps(&field, &out);
        assert!(!out.omitted.is_empty());
        assert_eq!(out.placed.len() + out.omitted.len(), 40);
        // The most important label is never the one dropped.
        assert!(out.placed.iter().any(|p| p.id == "p00"));
    }

    #[test]
    fn line_labels_sit_beside_the_line_and_avoid_others() {
        let line = vec![(10.0, 50.0), (90.0, 50.0)];
        let reqs = [
            Request {
                id: "d1".into(),
                text: "54 km".into(),
                w: 8.0,
                h: 2.5,
                anchor: Anchor::Line(line.clone()),
                priority: 1,
                leader: false,
            },
            Request {
                id: "d2".into(),
                text: "54 km".into(),
                w: 8.0,
                h: 2.5,
                anchor: Anchor::Line(line),
                priority: 0,
                leader: false,
            },
        ];
        let field = Field {
            bounds: Some(BoxMm::new(0.0, 0.0, 100.0, 100.0)),
            ..Field::default()
        };
        let out = place(&field, &reqs);
        assert_eq!(out.placed.len(), 2);
        let a = out.placed[0].rect;
        assert!(a.y1 < 50.0 && (a.x0 + a.x1) / 2.0 - 50.0 < 1e-9, "{a:?}");
        assert!(!a.intersects(&out.placed[1].rect));
    }

    #[test]
    fn segment_box_test() {
        let b = BoxMm::new(0.0, 0.0, 10.0, 10.0);
        assert!(b.hits_segment((-5.0, 5.0), (15.0, 5.0)));
        assert!(!b.hits_segment((-5.0, 15.0), (15.0, 12.0)));
        assert!(b.hits_segment((5.0, 5.0), (6.0, 6.0)));
    }
}
