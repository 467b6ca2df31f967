//! The tile pyramid: every stored feature cut into the tiles of every zoom.
//!
//! The tiler walks the quadtree depth first, on both cores (rayon tasks down to zoom
//! [`SPAWN_MAX_ZOOM`]). Each tile receives only what its parent held: a tile's own points are a
//! contiguous run of the Hilbert-sorted point array (tiles are contiguous along the curve), the
//! points in its buffer are a short list, and lines and polygons arrive already clipped to the
//! parent's buffered rectangle, so a big polygon costs little at zoom 14. A polygon that covers a
//! whole tile (and its buffer) is marked *full*; a tile holding nothing but full polygons has the
//! same content in every tile below it, so that subtree is written as one run per zoom without
//! visiting it (the PMTiles directory stores such runs in a single entry).
//!
//! Encoded tiles go, gzipped and deduplicated, into a temporary file next to the output; only
//! their ids and offsets stay in memory. The archive writers then read them back in tile-id order.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{DefaultHasher, Hasher};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::clip::{Pt, Rect, Vertex, clip_line_in, clip_ring_in, ring_area};
use super::encode::{EncFeature, EncGeom, ExtraVal, encode_tile, gzip};
use super::mercator::{WORLD_U32, hilbert, zoom_base};
use super::simplify::{IPt, quantize_line, quantize_ring, round_ring};
use super::store::{AttrRef, GeomKind, PointRec, ShapeRec, Store};
use super::valid;
use super::{EXTENT, Progress, TilesError};

/// Tiles down to this zoom are handed to rayon as separate tasks; deeper ones run inline.
pub const SPAWN_MAX_ZOOM: u8 = 11;

/// How to cut the pyramid.
#[derive(Debug, Clone)]
pub struct Plan {
    /// First zoom written.
    pub minzoom: u8,
    /// Last zoom written.
    pub maxzoom: u8,
    /// Buffer around each tile, **tile units** (of [`EXTENT`]).
    pub buffer_units: f64,
    /// Simplification tolerance, **tile units**.
    pub tolerance_units: f64,
    /// Largest gzipped tile, **bytes** (`None`: no limit).
    pub max_bytes: Option<usize>,
    /// Most features in one tile (`None`: no limit).
    pub max_features: Option<usize>,
    /// What to do with a tile over a limit (`None`: fail).
    pub as_needed: Option<AsNeeded>,
    /// Point clustering (`None`: none).
    pub cluster: Option<ClusterPlan>,
}

/// Point clustering, as tippecanoe's `--cluster-distance` and `--accumulate-attribute`.
#[derive(Debug, Clone)]
pub struct ClusterPlan {
    /// Points closer than this to a cluster's first point join it, **tile units** (0: only by
    /// `--cluster-densest-as-needed`).
    pub distance_units: f64,
    /// Deepest zoom clustered by distance; deeper zooms show every point.
    pub maxzoom: u8,
    /// Attributes accumulated over a cluster's members: interned key and operation.
    pub accumulate: Vec<(u32, Accumulate)>,
}

/// How `--accumulate-attribute NAME:OP` combines the members' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accumulate {
    /// Sum of the numbers.
    Sum,
    /// Largest number.
    Max,
    /// Smallest number.
    Min,
    /// Arithmetic mean of the numbers.
    Mean,
    /// The texts run together.
    Concat,
    /// The texts joined with commas.
    Comma,
}

/// How a tile over the size or feature limit is brought under it (tippecanoe's `-as-needed`
/// strategies). Features marked *keep* are never touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsNeeded {
    /// Drop the lowest-priority, densest points first, then the smallest other features.
    DropDensest,
    /// Drop an evenly spread fraction of the features.
    DropFraction,
    /// Drop the smallest features first (points, then the shortest lines and smallest polygons).
    DropSmallest,
    /// As `DropDensest`, but each removed point joins its nearest kept point as a cluster member
    /// (`point_count` ... as with `--cluster-distance`); other features are dropped.
    ClusterDensest,
    /// As `DropDensest`, but each removed feature's geometry joins its nearest kept neighbour of
    /// the same layer and geometry type (which keeps its own attributes): nothing disappears.
    CoalesceDensest,
}

/// A line or polygon (or point set) clipped to a tile's buffered rectangle, in world coordinates.
#[derive(Debug, Clone)]
enum PieceGeom {
    /// The stored shape, untouched: it lies wholly inside the rectangle.
    Whole,
    /// A polygon covering the whole buffered rectangle.
    Full,
    /// Clipped parts (shared, as a part inside a child tile passes down unchanged).
    Parts(Arc<Vec<Part>>),
}

/// A vertex of a clipped part: its place on the world grid (as stored, 12 bytes instead of 24
/// for a float pair and its zoom) and the first zoom that keeps it (see
/// `Store::rank_vertices`). A vertex a cut makes is rounded to the grid (about 9 mm) and kept
/// from zoom 0.
#[derive(Debug, Clone, Copy)]
struct GridPt {
    x: u32,
    y: u32,
    zoom: u8,
}

impl Vertex for GridPt {
    fn xy(&self) -> Pt {
        [grid(self.x), grid(self.y)]
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn cut(p: Pt) -> Self {
        let g = |v: f64| (v * WORLD_U32).round().clamp(0.0, WORLD_U32 - 1.0) as u32;
        Self {
            x: g(p[0]),
            y: g(p[1]),
            zoom: 0,
        }
    }
}

#[derive(Debug, Clone)]
struct Part {
    /// World coordinates with the first zoom that keeps each vertex.
    pts: Vec<GridPt>,
    outer: bool,
    /// Bounding box of `pts`, kept so that each child tile does not measure it again.
    bbox: Rect,
}

impl Part {
    fn new(pts: Vec<GridPt>, outer: bool) -> Option<Self> {
        let bbox = Rect::around(&pts)?;
        Some(Self { pts, outer, bbox })
    }
}

#[derive(Debug, Clone)]
struct Piece {
    shape: u32,
    geom: PieceGeom,
}

struct Node {
    z: u8,
    x: u32,
    y: u32,
    own: Range<usize>,
    buf: Vec<u32>,
    pieces: Vec<Piece>,
}

struct Ctx<'a> {
    store: &'a Store,
    plan: &'a Plan,
    sink: &'a Sink,
    progress: &'a dyn Progress,
    /// Gzipped tiles of uniform subtrees, by the features they hold: the same few combinations
    /// (land + region, sea + region ...) fill most of the map.
    uniform: Mutex<HashMap<Vec<u32>, std::sync::Arc<Vec<u8>>>>,
}

fn tile_rect(z: u8, x: u32, y: u32, buffer_units: f64) -> Rect {
    let size = 1.0 / f64::from(1u32 << z);
    let pad = buffer_units / f64::from(EXTENT) * size;
    Rect {
        x0: f64::from(x) * size - pad,
        y0: f64::from(y) * size - pad,
        x1: f64::from(x + 1) * size + pad,
        y1: f64::from(y + 1) * size + pad,
    }
}

fn grid(c: u32) -> f64 {
    f64::from(c) / WORLD_U32
}

fn point_world(p: &PointRec) -> Pt {
    [grid(p.x), grid(p.y)]
}

fn shape_bbox(sh: &ShapeRec) -> Rect {
    Rect {
        x0: grid(sh.bbox[0]),
        y0: grid(sh.bbox[1]),
        x1: grid(sh.bbox[2]),
        y1: grid(sh.bbox[3]),
    }
}

/// The world coordinates of a stored shape (the vertices no zoom keeps left the store when it was
/// ranked).
fn shape_parts(store: &Store, sh: &ShapeRec) -> Vec<Part> {
    (sh.ring_start..sh.ring_start + sh.ring_count)
        .filter_map(|r| {
            Part::new(
                store
                    .ring_zoomed(r as usize)
                    .map(|(c, zoom)| GridPt {
                        x: c[0],
                        y: c[1],
                        zoom,
                    })
                    .collect(),
                store.rings.get(r as usize).is_none_or(|rr| rr.outer),
            )
        })
        .collect()
}

fn clip_parts(kind: GeomKind, parts: &[Part], rect: &Rect) -> Option<PieceGeom> {
    let mut out: Vec<Part> = vec![];
    match kind {
        GeomKind::Point => {
            for p in parts {
                let pts: Vec<GridPt> = p
                    .pts
                    .iter()
                    .copied()
                    .filter(|q| rect.contains(q.xy()))
                    .collect();
                out.extend(Part::new(pts, true));
            }
        }
        GeomKind::Line => {
            let mut lines = vec![];
            for p in parts {
                clip_line_in(&p.pts, p.bbox, rect, &mut lines);
            }
            out.extend(lines.into_iter().filter_map(|pts| Part::new(pts, true)));
        }
        GeomKind::Polygon => {
            let mut outer_alive = false;
            let mut net = 0.0;
            for p in parts {
                if !p.outer && !outer_alive {
                    continue;
                }
                let (c, bbox) = clip_ring_in(&p.pts, p.bbox, rect);
                if p.outer {
                    outer_alive = !c.is_empty();
                }
                if c.is_empty() {
                    continue;
                }
                let a = ring_area(&c).abs();
                net += if p.outer { a } else { -a };
                out.push(Part {
                    pts: c,
                    outer: p.outer,
                    bbox,
                });
            }
            if !out.is_empty() && net >= rect.area() * (1.0 - 1e-9) {
                return Some(PieceGeom::Full);
            }
        }
    }
    (!out.is_empty()).then_some(PieceGeom::Parts(Arc::new(out)))
}

/// Clips `piece` to `rect`; `whole` caches the world coordinates of a stored shape, converted
/// once for all four children.
fn clip_piece(
    store: &Store,
    piece: &Piece,
    rect: &Rect,
    whole: &mut Option<Vec<Part>>,
) -> Option<Piece> {
    let sh = store.shapes.get(piece.shape as usize)?;
    let kind = store.features.get(sh.feature as usize)?.kind;
    let geom = match &piece.geom {
        PieceGeom::Full => PieceGeom::Full,
        PieceGeom::Whole => {
            let b = shape_bbox(sh);
            if rect.covers(&b) {
                PieceGeom::Whole
            } else if !rect.touches(&b) {
                return None;
            } else {
                let parts = whole.get_or_insert_with(|| shape_parts(store, sh));
                clip_parts(kind, parts, rect)?
            }
        }
        PieceGeom::Parts(parts) => {
            let mut it = parts.iter().map(|p| p.bbox);
            let first = it.next()?;
            let b = it.fold(first, |a, q| Rect {
                x0: a.x0.min(q.x0),
                y0: a.y0.min(q.y0),
                x1: a.x1.max(q.x1),
                y1: a.y1.max(q.y1),
            });
            if rect.covers(&b) {
                piece.geom.clone()
            } else if !rect.touches(&b) {
                return None;
            } else {
                clip_parts(kind, parts, rect)?
            }
        }
    };
    Some(Piece {
        shape: piece.shape,
        geom,
    })
}

/// A feature candidate for one tile.
struct Cand {
    enc: EncFeature,
    keep: bool,
    priority: f32,
    /// Hilbert key of a single point (density ranking), `None` for other geometry.
    key: Option<u64>,
    /// Size in tile units of a line or polygon (smaller ones go first when thinning).
    size: f64,
    /// Other points clustered into this one: their store point indices.
    members: Vec<u32>,
    /// Store point index of a single point.
    point: Option<u32>,
}

/// Runs the pyramid into `sink`.
pub fn run(store: &Store, plan: &Plan, sink: &Sink, progress: &dyn Progress) {
    let ctx = Ctx {
        store,
        plan,
        sink,
        progress,
        uniform: Mutex::new(HashMap::new()),
    };
    let root = Node {
        z: 0,
        x: 0,
        y: 0,
        own: 0..store.points.len(),
        buf: vec![],
        pieces: (0..store.shapes.len())
            .map(|s| Piece {
                shape: u32::try_from(s).unwrap_or(u32::MAX),
                geom: PieceGeom::Whole,
            })
            .collect(),
    };
    let ctx = &ctx;
    rayon::scope(|s| visit(s, ctx, root));
}

fn visit<'s>(s: &rayon::Scope<'s>, ctx: &'s Ctx<'s>, node: Node) {
    if ctx.sink.failed() {
        return;
    }
    if node.z >= ctx.plan.minzoom {
        encode_node(ctx, &node);
    }
    if node.z >= ctx.plan.maxzoom {
        return;
    }
    if node.own.is_empty()
        && node.buf.is_empty()
        && node
            .pieces
            .iter()
            .all(|p| matches!(p.geom, PieceGeom::Full))
    {
        if !node.pieces.is_empty() {
            emit_uniform(ctx, &node);
        }
        return;
    }
    for child in children(ctx, &node) {
        if child.z <= SPAWN_MAX_ZOOM {
            s.spawn(move |s| visit(s, ctx, child));
        } else {
            visit(s, ctx, child);
        }
    }
}

fn layer_active(store: &Store, layer: u16, z: u8) -> bool {
    store
        .layers
        .get(usize::from(layer))
        .is_some_and(|l| l.minzoom <= z && z <= l.maxzoom)
}

fn children(ctx: &Ctx<'_>, node: &Node) -> Vec<Node> {
    let store = ctx.store;
    let cz = node.z + 1;
    let mut kids: Vec<(u32, u32, u64)> = [(0, 0), (1, 0), (0, 1), (1, 1)]
        .iter()
        .map(|(dx, dy)| {
            let (cx, cy) = (node.x * 2 + dx, node.y * 2 + dy);
            (cx, cy, hilbert(cz, cx, cy))
        })
        .collect();
    kids.sort_by_key(|k| k.2);
    let shift = 64 - 2 * u32::from(cz);
    let own = store.points.get(node.own.clone()).unwrap_or(&[]);
    let rects: Vec<Rect> = kids
        .iter()
        .map(|&(cx, cy, _)| tile_rect(cz, cx, cy, ctx.plan.buffer_units))
        .collect();
    // Each piece is clipped to the four children in turn, its stored coordinates converted once.
    let mut kid_pieces: [Vec<Piece>; 4] = Default::default();
    for pc in node.pieces.iter().filter(|pc| {
        store
            .shapes
            .get(pc.shape as usize)
            .and_then(|sh| store.features.get(sh.feature as usize))
            .is_some_and(|f| layer_max(store, f.layer) >= cz)
    }) {
        let mut whole = None;
        for (k, rect) in rects.iter().enumerate() {
            if let Some(c) = clip_piece(store, pc, rect, &mut whole) {
                kid_pieces[k].push(c);
            }
        }
    }
    let mut out = Vec::with_capacity(4);
    for (k, &(cx, cy, h)) in kids.iter().enumerate() {
        let lo = u128::from(h) << shift;
        let hi = u128::from(h + 1) << shift;
        let a = own.partition_point(|p| u128::from(p.key) < lo);
        let b = own.partition_point(|p| u128::from(p.key) < hi);
        let child_own = node.own.start + a..node.own.start + b;
        let rect = rects[k];
        let alive = |p: &PointRec| {
            store
                .features
                .get(p.feature as usize)
                .is_some_and(|f| layer_max(store, f.layer) >= cz)
        };
        let mut buf: Vec<u32> = vec![];
        for (i, p) in own.iter().enumerate() {
            if (i < a || i >= b) && rect.contains(point_world(p)) && alive(p) {
                buf.push(u32::try_from(node.own.start + i).unwrap_or(u32::MAX));
            }
        }
        for &i in &node.buf {
            if let Some(p) = store.points.get(i as usize)
                && rect.contains(point_world(p))
                && alive(p)
            {
                buf.push(i);
            }
        }
        let pieces = std::mem::take(&mut kid_pieces[k]);
        if child_own.is_empty() && buf.is_empty() && pieces.is_empty() {
            continue;
        }
        out.push(Node {
            z: cz,
            x: cx,
            y: cy,
            own: child_own,
            buf,
            pieces,
        });
    }
    out
}

fn layer_max(store: &Store, layer: u16) -> u8 {
    store
        .layers
        .get(usize::from(layer))
        .map_or(0, |l| l.maxzoom)
}

/// Position of a single point in tile units.
#[allow(clippy::cast_possible_truncation)]
fn point_in_tile(p: &PointRec, z: u8, x: u32, y: u32) -> IPt {
    let scale = f64::from(1u32 << z) * f64::from(EXTENT) / WORLD_U32;
    let e = f64::from(EXTENT);
    [
        (f64::from(p.x) * scale - f64::from(x) * e).round() as i32,
        (f64::from(p.y) * scale - f64::from(y) * e).round() as i32,
    ]
}

fn full_square(buffer_units: f64) -> Vec<IPt> {
    #[allow(clippy::cast_possible_truncation)]
    let b = buffer_units.round() as i32;
    #[allow(clippy::cast_possible_wrap)]
    let e = EXTENT as i32;
    vec![[-b, -b], [e + b, -b], [e + b, e + b], [-b, e + b]]
}

/// The geometry of a piece in tile units, simplified and rounded (`None` if nothing is left).
fn piece_geom(ctx: &Ctx<'_>, piece: &Piece, z: u8, x: u32, y: u32) -> (Option<EncGeom>, f64) {
    let store = ctx.store;
    let Some(sh) = store.shapes.get(piece.shape as usize) else {
        return (None, 0.0);
    };
    let Some(f) = store.features.get(sh.feature as usize) else {
        return (None, 0.0);
    };
    if matches!(piece.geom, PieceGeom::Full) {
        let sq = full_square(ctx.plan.buffer_units);
        let size = f64::from(EXTENT) * 2.0;
        return (Some(EncGeom::Polygons(vec![sq])), size);
    }
    let scale = f64::from(1u32 << z);
    let e = f64::from(EXTENT);
    let s = scale * e / WORLD_U32;
    let to_tile = |c: [u32; 2]| {
        [
            f64::from(c[0]) * s - f64::from(x) * e,
            f64::from(c[1]) * s - f64::from(y) * e,
        ]
    };
    // Simplification is a filter: the vertices this zoom keeps (see `Store::rank_vertices`),
    // with every vertex a cut made.
    let parts: Vec<(Vec<Pt>, bool)> = match &piece.geom {
        PieceGeom::Whole => (sh.ring_start..sh.ring_start + sh.ring_count)
            .map(|r| {
                let pts = store
                    .ring_zoomed(r as usize)
                    .filter(|&(_, zoom)| zoom <= z)
                    .map(|(c, _)| to_tile(c))
                    .collect();
                (pts, store.rings.get(r as usize).is_none_or(|rr| rr.outer))
            })
            .collect(),
        PieceGeom::Parts(ps) => ps
            .iter()
            .map(|p| {
                let pts = p
                    .pts
                    .iter()
                    .filter(|q| q.zoom <= z)
                    .map(|q| to_tile([q.x, q.y]))
                    .collect();
                (pts, p.outer)
            })
            .collect(),
        PieceGeom::Full => vec![],
    };
    let size = Rect::around(parts.iter().flat_map(|p| p.0.iter()))
        .map_or(0.0, |r| (r.x1 - r.x0) + (r.y1 - r.y0));
    let geom = match f.kind {
        GeomKind::Point => {
            let mut pts: Vec<IPt> = vec![];
            for (part, _) in &parts {
                for p in part {
                    #[allow(clippy::cast_possible_truncation)]
                    let q = [p[0].round() as i32, p[1].round() as i32];
                    if !pts.contains(&q) {
                        pts.push(q);
                    }
                }
            }
            (!pts.is_empty()).then_some(EncGeom::Points(pts))
        }
        GeomKind::Line => {
            let lines: Vec<Vec<IPt>> = parts.iter().filter_map(|(l, _)| quantize_line(l)).collect();
            (!lines.is_empty()).then_some(EncGeom::Lines(lines))
        }
        GeomKind::Polygon => {
            let mut rings: Vec<Vec<IPt>> = vec![];
            let mut outer_alive = false;
            for (r, outer) in &parts {
                if *outer || outer_alive {
                    let q = quantize_ring(r, *outer);
                    if *outer {
                        outer_alive = q.is_some();
                    }
                    if let Some(q) = q {
                        rings.push(q);
                    }
                }
            }
            // Clipping and rounding can make a ring touch or cross itself, and the input may
            // have been invalid: whatever fails the check is rebuilt on the tile grid (from every
            // ring rounded, rounded only now that it is needed).
            if rings.is_empty() || !valid::is_valid(&rings) {
                let raw: Vec<(Vec<IPt>, bool)> = parts
                    .iter()
                    .filter_map(|(s, outer)| round_ring(s).map(|q| (q, *outer)))
                    .collect();
                if !raw.is_empty() {
                    if !rings.is_empty() {
                        ctx.sink.note_repaired();
                    }
                    rings = valid::repair(&raw);
                }
            }
            (!rings.is_empty()).then_some(EncGeom::Polygons(rings))
        }
    };
    if geom.is_none() && f.keep() {
        // A feature the atlas narrates never vanishes: below one tile unit it becomes the
        // smallest shape the tile can hold, at its place.
        if let Some(r) = Rect::around(parts.iter().flat_map(|p| p.0.iter())) {
            let lim = ctx.plan.buffer_units;
            #[allow(clippy::cast_possible_truncation)]
            let c = [
                ((r.x0 + r.x1) / 2.0).clamp(-lim, e + lim - 1.0).floor() as i32,
                ((r.y0 + r.y1) / 2.0).clamp(-lim, e + lim - 1.0).floor() as i32,
            ];
            let g = match f.kind {
                GeomKind::Line => EncGeom::Lines(vec![vec![c, [c[0] + 1, c[1]]]]),
                _ => EncGeom::Polygons(vec![vec![
                    c,
                    [c[0] + 1, c[1]],
                    [c[0] + 1, c[1] + 1],
                    [c[0], c[1] + 1],
                ]]),
            };
            return (Some(g), size);
        }
    }
    (geom, size)
}

fn encode_node(ctx: &Ctx<'_>, node: &Node) {
    let store = ctx.store;
    let (z, x, y) = (node.z, node.x, node.y);
    let mut cands: Vec<Cand> = vec![];
    let mut push_point = |i: usize| {
        let Some(p) = store.points.get(i) else { return };
        let Some(f) = store.features.get(p.feature as usize) else {
            return;
        };
        if f.minzoom > z || z > f.maxzoom || !layer_active(store, f.layer, z) {
            return;
        }
        cands.push(Cand {
            enc: EncFeature {
                feature: p.feature,
                layer: f.layer,
                geom: EncGeom::Points(vec![point_in_tile(p, z, x, y)]),
                extra: vec![],
            },
            keep: f.keep(),
            priority: p.priority,
            key: Some(p.key),
            size: 0.0,
            members: vec![],
            point: u32::try_from(i).ok(),
        });
    };
    for i in node.own.clone() {
        push_point(i);
    }
    for &i in &node.buf {
        push_point(i as usize);
    }
    for pc in &node.pieces {
        let Some(sh) = store.shapes.get(pc.shape as usize) else {
            continue;
        };
        let Some(f) = store.features.get(sh.feature as usize) else {
            continue;
        };
        if f.minzoom > z || z > f.maxzoom || !layer_active(store, f.layer, z) {
            continue;
        }
        if let (Some(geom), size) = piece_geom(ctx, pc, z, x, y) {
            cands.push(Cand {
                enc: EncFeature {
                    feature: sh.feature,
                    layer: f.layer,
                    geom,
                    extra: vec![],
                },
                keep: f.keep(),
                priority: sh.priority,
                key: None,
                size,
                members: vec![],
                point: None,
            });
        }
    }
    if cands.is_empty() {
        return;
    }
    if let Some(cp) = &ctx.plan.cluster
        && cp.distance_units > 0.0
        && z <= cp.maxzoom
    {
        cands = cluster_by_distance(cands, cp.distance_units);
    }
    cands.sort_by_key(|c| (c.enc.layer, c.enc.feature));
    let Ok(coord) = pmtiles::TileCoord::new(z, x, y) else {
        ctx.sink.fail(TilesError::Encode {
            tile: format!("{z}/{x}/{y}"),
            message: "outside the tile pyramid".into(),
        });
        return;
    };
    let id = pmtiles::TileId::from(coord).value();
    if let Some(gz) = encode_limited(ctx, &mut cands, z, x, y) {
        let clusters = cands.iter().filter(|c| !c.members.is_empty()).count() as u64;
        let clustered = cands.iter().map(|c| c.members.len() as u64).sum::<u64>();
        ctx.sink.note_clustered(z, clusters, clustered);
        ctx.sink.push(id, 1, z, &gz);
        ctx.progress.advance(1);
    }
}

/// Encodes the candidates, dropping the densest (and least important) ones while the tile is
/// over a limit. Returns the gzipped tile, or `None` after recording an error.
fn encode_limited(ctx: &Ctx<'_>, cands: &mut [Cand], z: u8, x: u32, y: u32) -> Option<Vec<u8>> {
    let plan = ctx.plan;
    let mut alive = vec![true; cands.len()];
    let (mut dropped, mut coalesced) = (0u64, 0u64);
    loop {
        for c in cands.iter_mut().filter(|c| !c.members.is_empty()) {
            finish_cluster(ctx, c, z, x, y);
        }
        let bytes = match encode_tile(
            ctx.store,
            cands
                .iter()
                .zip(&alive)
                .filter(|(_, a)| **a)
                .map(|(c, _)| &c.enc),
        ) {
            Ok(b) => b,
            Err(e) => {
                ctx.sink.fail(TilesError::Encode {
                    tile: format!("{z}/{x}/{y}"),
                    message: e.to_string(),
                });
                return None;
            }
        };
        let gz = gzip(&bytes);
        let count = alive.iter().filter(|a| **a).count();
        let over_bytes = plan.max_bytes.is_some_and(|m| gz.len() > m);
        let over_count = plan.max_features.is_some_and(|m| count > m);
        if !over_bytes && !over_count {
            ctx.sink.note_dropped(z, dropped, coalesced);
            return Some(gz);
        }
        let droppable: Vec<usize> = (0..cands.len())
            .filter(|&i| alive[i] && !cands[i].keep)
            .collect();
        let Some(mode) = plan.as_needed else {
            ctx.sink.fail(TilesError::TileTooBig {
                tile: format!("{z}/{x}/{y}"),
                bytes: gz.len(),
                features: count,
            });
            return None;
        };
        if droppable.is_empty() {
            ctx.sink.note_dropped(z, dropped, coalesced);
            ctx.sink.note_oversized();
            return Some(gz);
        }
        #[allow(clippy::cast_precision_loss)]
        let mut keep_frac: f64 = 1.0;
        if let Some(m) = plan.max_bytes.filter(|_| over_bytes) {
            #[allow(clippy::cast_precision_loss)]
            let f = m as f64 / gz.len() as f64;
            keep_frac = keep_frac.min(f);
        }
        if let Some(m) = plan.max_features.filter(|_| over_count) {
            #[allow(clippy::cast_precision_loss)]
            let f = m as f64 / count as f64;
            keep_frac = keep_frac.min(f);
        }
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let keep_n = ((droppable.len() as f64) * keep_frac * 0.9).floor() as usize;
        let remove = droppable.len().saturating_sub(keep_n).max(1);
        let ranked = rank_for_removal(cands, &alive, droppable, remove, mode);
        for &i in &ranked {
            alive[i] = false;
        }
        if mode == AsNeeded::CoalesceDensest {
            coalesce(cands, &alive, &ranked);
            coalesced += ranked.len() as u64;
        } else if mode == AsNeeded::ClusterDensest {
            dropped += cluster_into_nearest(cands, &alive, &ranked);
        } else {
            dropped += ranked.len() as u64;
        }
    }
}

/// The `remove` candidates to take out of a tile, chosen by `mode`.
fn rank_for_removal(
    cands: &[Cand],
    alive: &[bool],
    droppable: Vec<usize>,
    remove: usize,
    mode: AsNeeded,
) -> Vec<usize> {
    let mut ranked = droppable;
    match mode {
        AsNeeded::DropFraction => {
            // Evenly spread over the tile's features (in layer and input order).
            let n = ranked.len();
            #[allow(clippy::cast_precision_loss)]
            let step = n as f64 / remove.min(n).max(1) as f64;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return (0..remove.min(n))
                .map(|k| ranked[((k as f64 + 0.5) * step) as usize % n])
                .collect();
        }
        AsNeeded::DropSmallest => {
            ranked.sort_by(|&a, &b| {
                let (ca, cb) = (&cands[a], &cands[b]);
                ca.priority
                    .total_cmp(&cb.priority)
                    .then(ca.size.total_cmp(&cb.size))
                    .then(a.cmp(&b))
            });
        }
        AsNeeded::DropDensest | AsNeeded::CoalesceDensest | AsNeeded::ClusterDensest => {
            // Density: the Hilbert distance to the nearest neighbouring point still in the tile.
            let mut pts: Vec<(u64, usize)> = (0..cands.len())
                .filter(|&i| alive[i])
                .filter_map(|i| cands[i].key.map(|k| (k, i)))
                .collect();
            pts.sort_unstable();
            let mut gap: HashMap<usize, u64> = HashMap::with_capacity(pts.len());
            for (j, &(k, i)) in pts.iter().enumerate() {
                let prev = j.checked_sub(1).map_or(u64::MAX, |p| k - pts[p].0);
                let next = pts.get(j + 1).map_or(u64::MAX, |n| n.0 - k);
                gap.insert(i, prev.min(next));
            }
            ranked.sort_by(|&a, &b| {
                let (ca, cb) = (&cands[a], &cands[b]);
                ca.priority
                    .total_cmp(&cb.priority)
                    .then(ca.key.is_none().cmp(&cb.key.is_none()))
                    .then(
                        gap.get(&a)
                            .copied()
                            .unwrap_or(0)
                            .cmp(&gap.get(&b).copied().unwrap_or(0)),
                    )
                    .then(ca.size.total_cmp(&cb.size))
                    .then(a.cmp(&b))
            });
        }
    }
    ranked.truncate(remove);
    ranked
}

/// Greedy clustering along the Hilbert curve: each point joins the cluster started by the point
/// before it if within `distance` tile units of that cluster's first point (tippecanoe's rule,
/// by distance instead of curve gap). Lines, polygons and kept features pass through.
fn cluster_by_distance(cands: Vec<Cand>, distance: f64) -> Vec<Cand> {
    let (mut pts, mut out): (Vec<Cand>, Vec<Cand>) = cands
        .into_iter()
        .partition(|c| c.key.is_some() && !c.keep && c.point.is_some());
    pts.sort_by_key(|c| (c.enc.layer, c.key, c.enc.feature));
    let d2 = distance * distance;
    let mut seed: Option<(Cand, IPt)> = None;
    for c in pts {
        let Some(at) = first_vertex(&c.enc.geom) else {
            continue;
        };
        if let Some((s, s_at)) = &mut seed {
            let dx = f64::from(at[0] - s_at[0]);
            let dy = f64::from(at[1] - s_at[1]);
            if s.enc.layer == c.enc.layer && dx * dx + dy * dy <= d2 {
                s.members.extend(c.point);
                s.members.extend(c.members);
                if c.priority > s.priority {
                    s.priority = c.priority;
                }
                continue;
            }
        }
        if let Some((s, _)) = seed.replace((c, at)) {
            out.push(s);
        }
    }
    out.extend(seed.map(|s| s.0));
    out
}

/// Each removed point joins its nearest kept point of the same layer as a cluster member; other
/// removed features are dropped. Returns how many were dropped.
fn cluster_into_nearest(cands: &mut [Cand], alive: &[bool], removed: &[usize]) -> u64 {
    let mut dropped = 0;
    for &r in removed {
        let target = cands[r]
            .point
            .and(first_vertex(&cands[r].enc.geom))
            .and_then(|at| {
                nearest_alive(cands, alive, at, |c| {
                    c.point.is_some() && c.enc.layer == cands[r].enc.layer
                })
            });
        match target {
            Some(j) => {
                let mut moved: Vec<u32> = cands[r].point.into_iter().collect();
                moved.append(&mut cands[r].members);
                cands[j].members.extend(moved);
            }
            None => dropped += 1,
        }
    }
    dropped
}

/// `1234` as `1.2k`, `12345` as `12k` (supercluster's and tippecanoe's abbreviation).
#[allow(clippy::cast_precision_loss)]
fn abbreviate(n: u64) -> String {
    if n >= 10_000 {
        format!("{}k", (n as f64 / 1000.0).round())
    } else if n >= 1000 {
        format!("{}k", (n as f64 / 100.0).round() / 10.0)
    } else {
        n.to_string()
    }
}

/// Sets a cluster's position (the mean of its points) and attributes: `clustered`,
/// `point_count`, `point_count_abbreviated`, `sqrt_point_count`, the members' bounding box
/// (`cluster_west`, `cluster_south`, `cluster_east`, `cluster_north`, degrees) and the
/// accumulated attributes.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn finish_cluster(ctx: &Ctx<'_>, c: &mut Cand, z: u8, x: u32, y: u32) {
    let store = ctx.store;
    let all: Vec<u32> = c
        .point
        .into_iter()
        .chain(c.members.iter().copied())
        .collect();
    let pts: Vec<&PointRec> = all
        .iter()
        .filter_map(|&i| store.points.get(i as usize))
        .collect();
    if pts.is_empty() {
        return;
    }
    let n = pts.len() as u64;
    let (mut sx, mut sy) = (0.0, 0.0);
    let mut bb = [u32::MAX, u32::MAX, 0, 0];
    for p in &pts {
        let t = point_in_tile(p, z, x, y);
        sx += f64::from(t[0]);
        sy += f64::from(t[1]);
        bb = [
            bb[0].min(p.x),
            bb[1].min(p.y),
            bb[2].max(p.x),
            bb[3].max(p.y),
        ];
    }
    c.enc.geom = EncGeom::Points(vec![[
        (sx / n as f64).round() as i32,
        (sy / n as f64).round() as i32,
    ]]);
    let (w, nn) = super::mercator::world_to_lon_lat(grid(bb[0]), grid(bb[1]));
    let (e, s) = super::mercator::world_to_lon_lat(grid(bb[2]), grid(bb[3]));
    let r6 = |v: f64| (v * 1e6).round() / 1e6;
    let mut extra = vec![
        ("clustered".to_owned(), ExtraVal::Bool(true)),
        ("point_count".to_owned(), ExtraVal::Int(n as i64)),
        (
            "point_count_abbreviated".to_owned(),
            ExtraVal::Str(abbreviate(n)),
        ),
        (
            "sqrt_point_count".to_owned(),
            ExtraVal::Double(((n as f64).sqrt() * 100.0).round() / 100.0),
        ),
        ("cluster_west".to_owned(), ExtraVal::Double(r6(w))),
        ("cluster_south".to_owned(), ExtraVal::Double(r6(s))),
        ("cluster_east".to_owned(), ExtraVal::Double(r6(e))),
        ("cluster_north".to_owned(), ExtraVal::Double(r6(nn))),
    ];
    if let Some(cp) = &ctx.plan.cluster {
        for &(key, op) in &cp.accumulate {
            let mut nums: Vec<f64> = vec![];
            let mut texts: Vec<String> = vec![];
            for p in &pts {
                let Some(f) = store.features.get(p.feature as usize) else {
                    continue;
                };
                for (k, v) in store.attrs(f) {
                    if k != key {
                        continue;
                    }
                    match v {
                        AttrRef::Str(t) => texts.push(t.to_owned()),
                        AttrRef::Int(i) => nums.push(i as f64),
                        AttrRef::UInt(u) => nums.push(u as f64),
                        AttrRef::Double(d) => nums.push(d),
                        AttrRef::Bool(b) => texts.push(b.to_string()),
                    }
                }
            }
            let num = |v: f64| {
                if v.fract() == 0.0 && v.abs() < 9e15 {
                    ExtraVal::Int(v as i64)
                } else {
                    ExtraVal::Double(v)
                }
            };
            let value = match op {
                Accumulate::Sum if !nums.is_empty() => num(nums.iter().sum()),
                Accumulate::Max if !nums.is_empty() => {
                    num(nums.iter().copied().fold(f64::MIN, f64::max))
                }
                Accumulate::Min if !nums.is_empty() => {
                    num(nums.iter().copied().fold(f64::MAX, f64::min))
                }
                Accumulate::Mean if !nums.is_empty() => {
                    ExtraVal::Double(nums.iter().sum::<f64>() / nums.len() as f64)
                }
                Accumulate::Concat | Accumulate::Comma => {
                    let all: Vec<String> = texts
                        .into_iter()
                        .chain(nums.iter().map(|v| serde_json::Value::from(*v).to_string()))
                        .collect();
                    if all.is_empty() {
                        continue;
                    }
                    ExtraVal::Str(all.join(if op == Accumulate::Comma { "," } else { "" }))
                }
                _ => continue,
            };
            extra.push((store.key_name(key).to_owned(), value));
        }
    }
    c.enc.extra = extra;
}

fn same_kind(a: &EncGeom, b: &EncGeom) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The kept candidate nearest `at` (by first vertex) among those `accept` takes.
fn nearest_alive(
    cands: &[Cand],
    alive: &[bool],
    at: IPt,
    accept: impl Fn(&Cand) -> bool,
) -> Option<usize> {
    let mut best: Option<(i64, usize)> = None;
    for (j, c) in cands.iter().enumerate() {
        if !alive[j] || !accept(c) {
            continue;
        }
        if let Some(p) = first_vertex(&c.enc.geom) {
            let d = (i64::from(p[0]) - i64::from(at[0])).pow(2)
                + (i64::from(p[1]) - i64::from(at[1])).pow(2);
            if best.is_none_or(|b| d < b.0) {
                best = Some((d, j));
            }
        }
    }
    best.map(|b| b.1)
}

fn first_vertex(g: &EncGeom) -> Option<IPt> {
    match g {
        EncGeom::Points(v) => v.first().copied(),
        EncGeom::Lines(v) | EncGeom::Polygons(v) => v.first().and_then(|r| r.first()).copied(),
    }
}

/// Moves the geometry of each removed candidate into its nearest kept one of the same layer and
/// geometry type (by first vertex); merged polygons are made valid again.
fn coalesce(cands: &mut [Cand], alive: &[bool], removed: &[usize]) {
    let mut touched: Vec<usize> = vec![];
    for &r in removed {
        let Some(at) = first_vertex(&cands[r].enc.geom) else {
            continue;
        };
        let Some(j) = nearest_alive(cands, alive, at, |c| {
            c.enc.layer == cands[r].enc.layer && same_kind(&c.enc.geom, &cands[r].enc.geom)
        }) else {
            continue;
        };
        let moved = std::mem::replace(&mut cands[r].enc.geom, EncGeom::Points(vec![]));
        match (&mut cands[j].enc.geom, moved) {
            (EncGeom::Points(a), EncGeom::Points(b)) => {
                a.extend(b);
                touched.push(j);
            }
            (EncGeom::Lines(a), EncGeom::Lines(b)) => a.extend(b),
            (EncGeom::Polygons(a), EncGeom::Polygons(b)) => {
                a.extend(b);
                touched.push(j);
            }
            (_, moved) => cands[r].enc.geom = moved,
        }
    }
    touched.sort_unstable();
    touched.dedup();
    for j in touched {
        if let EncGeom::Points(pts) = &mut cands[j].enc.geom {
            // One vertex per place (the encoder would skip repeated ones anyway).
            pts.sort_unstable();
            pts.dedup();
        } else if let EncGeom::Polygons(rings) = &mut cands[j].enc.geom
            && !valid::is_valid(rings)
        {
            let raw: Vec<(Vec<IPt>, bool)> = rings
                .iter()
                .map(|r| (r.clone(), super::simplify::int_area2(r) > 0))
                .collect();
            *rings = valid::repair(&raw);
        }
    }
}

fn emit_uniform(ctx: &Ctx<'_>, node: &Node) {
    let store = ctx.store;
    let h = hilbert(node.z, node.x, node.y);
    for zz in node.z + 1..=ctx.plan.maxzoom {
        if zz < ctx.plan.minzoom {
            continue;
        }
        let mut feats: Vec<EncFeature> = node
            .pieces
            .iter()
            .filter_map(|pc| {
                let sh = store.shapes.get(pc.shape as usize)?;
                let f = store.features.get(sh.feature as usize)?;
                (f.minzoom <= zz && zz <= f.maxzoom && layer_active(store, f.layer, zz)).then(
                    || EncFeature {
                        feature: sh.feature,
                        layer: f.layer,
                        geom: EncGeom::Polygons(vec![full_square(ctx.plan.buffer_units)]),
                        extra: vec![],
                    },
                )
            })
            .collect();
        if feats.is_empty() {
            continue;
        }
        feats.sort_by_key(|f| (f.layer, f.feature));
        let key: Vec<u32> = feats.iter().map(|f| f.feature).collect();
        let cached = ctx
            .uniform
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let gz = if let Some(gz) = cached {
            gz
        } else {
            let bytes = match encode_tile(store, feats.iter()) {
                Ok(b) => b,
                Err(e) => {
                    ctx.sink.fail(TilesError::Encode {
                        tile: format!("{}/{}/{}", node.z, node.x, node.y),
                        message: e.to_string(),
                    });
                    return;
                }
            };
            let gz = std::sync::Arc::new(gzip(&bytes));
            ctx.uniform
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, gz.clone());
            gz
        };
        let levels = 2 * u32::from(zz - node.z);
        let first = zoom_base(zz) + (h << levels);
        ctx.sink.push(first, 1u64 << levels, zz, &gz);
        ctx.progress.advance(1);
    }
}

/// A run of tiles with the same content (16 bytes: a million tiles cost 16 MB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// First PMTiles tile id.
    pub tile_id: u64,
    /// Number of consecutive tile ids.
    pub run: u32,
    /// Index into the contents.
    pub content: u32,
}

/// One distinct gzipped tile in the temporary file.
#[derive(Debug, Clone, Copy)]
pub struct Content {
    off: u64,
    len: u32,
    /// Tiles using it, saturating (more than one: worth deduplicating).
    pub refs: u32,
}

struct SinkInner {
    out: BufWriter<File>,
    pos: u64,
    dedup: HashMap<u128, u32>,
    contents: Vec<Content>,
    entries: Vec<Entry>,
    per_zoom: [u64; 32],
    dropped: [u64; 32],
    coalesced: [u64; 32],
    clusters: [u64; 32],
    clustered: [u64; 32],
    oversized: u64,
    repaired: u64,
}

/// Where encoded tiles go: a temporary file plus an in-memory index.
pub struct Sink {
    /// Scratch file of the distinct gzipped tiles, beside the archive; removed when dropped.
    temp: tempfile::NamedTempFile,
    inner: Mutex<SinkInner>,
    failed: AtomicBool,
    error: Mutex<Option<TilesError>>,
}

fn hash128(data: &[u8]) -> u128 {
    let mut a = DefaultHasher::new();
    a.write_u8(1);
    a.write(data);
    let mut b = DefaultHasher::new();
    b.write_u8(2);
    b.write(data);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// Everything the pyramid produced, ready for an archive writer.
pub struct Collected {
    temp: tempfile::NamedTempFile,
    /// Runs of tiles, sorted by tile id.
    pub entries: Vec<Entry>,
    /// Distinct contents, numbered in order of first use.
    pub contents: Vec<Content>,
    /// Tiles per zoom (runs expanded).
    pub per_zoom: [u64; 32],
    /// Features dropped to keep tiles under the limits, per zoom (one per tile they left).
    pub dropped: [u64; 32],
    /// Features coalesced into a neighbour to keep tiles under the limits, per zoom.
    pub coalesced: [u64; 32],
    /// Clusters written, per zoom (one per tile).
    pub clusters: [u64; 32],
    /// Points folded into a cluster (besides its first), per zoom.
    pub clustered: [u64; 32],
    /// Tiles still over a limit because only protected features were left.
    pub oversized: u64,
    /// Polygons (one per feature and tile) rebuilt because they were invalid on the tile grid.
    pub repaired: u64,
}

impl Collected {
    /// Reads content `c` into `buf`.
    ///
    /// # Errors
    /// The I/O error reading the temporary file.
    pub fn read(&self, c: u32, buf: &mut Vec<u8>) -> std::io::Result<()> {
        let content = self
            .contents
            .get(c as usize)
            .ok_or_else(|| std::io::Error::other("unknown tile content"))?;
        let mut f = self.temp.as_file();
        f.seek(SeekFrom::Start(content.off))?;
        buf.resize(content.len as usize, 0);
        f.read_exact(buf)
    }

    /// Distinct tile contents.
    #[must_use]
    pub fn distinct(&self) -> usize {
        self.contents.len()
    }

    /// Addressed tiles (runs expanded).
    #[must_use]
    pub fn addressed(&self) -> u64 {
        self.entries.iter().map(|e| u64::from(e.run)).sum()
    }
}

impl Sink {
    /// A sink writing to a temporary file beside `dest`.
    ///
    /// # Errors
    /// The I/O error creating the file.
    pub fn beside(dest: &Path) -> std::io::Result<Self> {
        let temp = crate::atomic::temp_beside(dest)?;
        let out = BufWriter::with_capacity(1 << 20, temp.as_file().try_clone()?);
        Ok(Self {
            temp,
            inner: Mutex::new(SinkInner {
                out,
                pos: 0,
                dedup: HashMap::new(),
                contents: vec![],
                entries: vec![],
                per_zoom: [0; 32],
                dropped: [0; 32],
                coalesced: [0; 32],
                clusters: [0; 32],
                clustered: [0; 32],
                oversized: 0,
                repaired: 0,
            }),
            failed: AtomicBool::new(false),
            error: Mutex::new(None),
        })
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    fn fail(&self, e: TilesError) {
        let mut g = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        if g.is_none() {
            *g = Some(e);
        }
        self.failed.store(true, Ordering::Relaxed);
    }

    fn note_dropped(&self, z: u8, dropped: u64, coalesced: u64) {
        if dropped > 0 || coalesced > 0 {
            let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            let z = usize::from(z).min(31);
            g.dropped[z] += dropped;
            g.coalesced[z] += coalesced;
        }
    }

    fn note_clustered(&self, z: u8, clusters: u64, clustered: u64) {
        if clusters > 0 {
            let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            let z = usize::from(z).min(31);
            g.clusters[z] += clusters;
            g.clustered[z] += clustered;
        }
    }

    fn note_repaired(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .repaired += 1;
    }

    fn note_oversized(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .oversized += 1;
    }

    fn push(&self, tile_id: u64, run: u64, z: u8, gz: &[u8]) {
        let h = hash128(gz);
        let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let content = if let Some(&c) = g.dedup.get(&h) {
            c
        } else {
            let Ok(len) = u32::try_from(gz.len()) else {
                drop(g);
                self.fail(TilesError::Io {
                    path: self.temp.path().to_path_buf(),
                    source: std::io::Error::other("tile larger than 4 GiB"),
                });
                return;
            };
            if let Err(source) = g.out.write_all(gz) {
                drop(g);
                self.fail(TilesError::Io {
                    path: self.temp.path().to_path_buf(),
                    source,
                });
                return;
            }
            let off = g.pos;
            g.pos += u64::from(len);
            let c = u32::try_from(g.contents.len()).unwrap_or(u32::MAX);
            g.contents.push(Content { off, len, refs: 0 });
            g.dedup.insert(h, c);
            c
        };
        if let Some(c) = g.contents.get_mut(content as usize) {
            c.refs = c
                .refs
                .saturating_add(u32::try_from(run).unwrap_or(u32::MAX));
        }
        let mut first = tile_id;
        let mut left = run;
        while left > 0 {
            let n = u32::try_from(left).unwrap_or(u32::MAX);
            g.entries.push(Entry {
                tile_id: first,
                run: n,
                content,
            });
            first += u64::from(n);
            left -= u64::from(n);
        }
        if let Some(n) = g.per_zoom.get_mut(usize::from(z)) {
            *n += run;
        }
    }

    /// Ends the pyramid: flushes the file, sorts the index and numbers contents in tile order.
    ///
    /// # Errors
    /// The first error any tile met, or the I/O error flushing the file.
    pub fn finish(self) -> Result<Collected, TilesError> {
        use rayon::prelude::*;
        if let Some(e) = self
            .error
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
        {
            return Err(e);
        }
        let inner = self
            .inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let SinkInner {
            mut out,
            mut entries,
            contents,
            per_zoom,
            dropped,
            coalesced,
            clusters,
            clustered,
            oversized,
            repaired,
            dedup,
            ..
        } = inner;
        drop(dedup);
        out.flush().map_err(|source| TilesError::Io {
            path: self.temp.path().to_path_buf(),
            source,
        })?;
        drop(out);
        entries.par_sort_unstable_by_key(|e| e.tile_id);
        // Renumber contents by first use so that nothing depends on thread timing.
        let mut renumber = vec![u32::MAX; contents.len()];
        let mut ordered: Vec<Content> = Vec::with_capacity(contents.len());
        for e in &mut entries {
            let old = e.content as usize;
            if renumber[old] == u32::MAX {
                renumber[old] = u32::try_from(ordered.len()).unwrap_or(u32::MAX);
                ordered.push(contents[old]);
            }
            e.content = renumber[old];
        }
        Ok(Collected {
            temp: self.temp,
            entries,
            contents: ordered,
            per_zoom,
            dropped,
            coalesced,
            clusters,
            clustered,
            oversized,
            repaired,
        })
    }
}
