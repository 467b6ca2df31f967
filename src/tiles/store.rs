//! The tiler's own compact feature store, filled from GeoJSON ([`super::source`]) or from atlas
//! [`crate::layers::Layers`] ([`super::atlas`]).
//!
//! A million points must fit in well under 100 MB, so nothing here is a tree of small allocations:
//! attributes of all features live in one byte arena (keys interned, short repeated strings
//! interned, numbers as varints), single points in one array sorted along the Hilbert curve, and
//! the vertices of every other geometry in one array of integer world coordinates.

use std::collections::HashMap;

use super::{mercator, simplify};

/// The type a vector layer's field is declared with in the TileJSON `vector_layers` metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Text.
    String,
    /// Integer or real number.
    Number,
    /// true/false.
    Boolean,
    /// Values of more than one type.
    Mixed,
}

impl FieldKind {
    /// The name TileJSON readers (and tippecanoe) use.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Number => "Number",
            Self::Boolean => "Boolean",
            Self::Mixed => "Mixed",
        }
    }

    fn merge(self, other: Self) -> Self {
        if self == other { self } else { Self::Mixed }
    }
}

/// One output vector layer.
#[derive(Debug, Clone)]
pub struct LayerDef {
    /// Layer id in the tiles.
    pub name: String,
    /// Human description for the metadata.
    pub description: String,
    /// First zoom the layer appears at.
    pub minzoom: u8,
    /// Last zoom the layer appears at.
    pub maxzoom: u8,
    /// Fields seen: interned key and type, in order of first appearance.
    pub fields: Vec<(u32, FieldKind)>,
    /// Features stored.
    pub features: u64,
}

/// Geometry type of a stored feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeomKind {
    /// Point or multipoint.
    Point,
    /// Line or multiline.
    Line,
    /// Polygon or multipolygon.
    Polygon,
}

/// A geometry in lon/lat **degrees**, as handed to [`Store::add_feature`].
#[derive(Debug, Clone, PartialEq)]
pub enum Geom {
    /// One point.
    Point([f64; 2]),
    /// Several points, one feature.
    MultiPoint(Vec<[f64; 2]>),
    /// One or more lines.
    Lines(Vec<Vec<[f64; 2]>>),
    /// One or more polygons, each a list of rings (outer first).
    Polygons(Vec<Vec<Vec<[f64; 2]>>>),
}

/// A typed attribute value on its way into the store.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue<'a> {
    /// Text.
    Str(&'a str),
    /// Signed integer.
    Int(i64),
    /// Unsigned integer too big for `i64`.
    UInt(u64),
    /// Real number.
    Double(f64),
    /// true/false.
    Bool(bool),
}

impl AttrValue<'_> {
    fn kind(&self) -> FieldKind {
        match self {
            Self::Str(_) => FieldKind::String,
            Self::Int(_) | Self::UInt(_) | Self::Double(_) => FieldKind::Number,
            Self::Bool(_) => FieldKind::Boolean,
        }
    }
}

const TAG_STR: u8 = 0;
const TAG_INTERNED: u8 = 1;
const TAG_INT: u8 = 2;
const TAG_UINT: u8 = 3;
const TAG_DOUBLE: u8 = 4;
const TAG_FALSE: u8 = 5;
const TAG_TRUE: u8 = 6;

/// Strings up to this length are interned (dates, kinds, short names repeat a lot).
const INTERN_MAX_LEN: usize = 24;
/// At most this many distinct interned strings; later ones are stored inline.
const INTERN_MAX_COUNT: usize = 1 << 16;

pub(crate) const FLAG_KEEP: u8 = 1;
pub(crate) const FLAG_ID: u8 = 2;

/// A stored feature: where its attributes are, its layer, type and thinning state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FeatureRec {
    /// Offset (low 40 bits) and length (high 24 bits) of the attributes in the arena.
    attrs: u64,
    pub layer: u16,
    pub kind: GeomKind,
    pub flags: u8,
    /// First zoom the feature is shown at (from the input's `tippecanoe` member, raised by
    /// thinning).
    pub minzoom: u8,
    /// Last zoom the feature is shown at (255: no limit).
    pub maxzoom: u8,
}

impl FeatureRec {
    pub fn keep(&self) -> bool {
        self.flags & FLAG_KEEP != 0
    }
}

/// A single point, on the integer world grid, with its Hilbert key (after [`Store::finish`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PointRec {
    pub key: u64,
    pub x: u32,
    pub y: u32,
    pub feature: u32,
    pub priority: f32,
}

/// Any geometry other than a single point: rings or lines or a point set in the coordinate arena.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShapeRec {
    pub feature: u32,
    pub priority: f32,
    pub ring_start: u32,
    pub ring_count: u32,
    /// min x, min y, max x, max y on the integer world grid.
    pub bbox: [u32; 4],
}

/// One ring, line or point set: the end of its vertices in the coordinate arena.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RingRec {
    pub end: u64,
    /// Outer ring of a polygon (always true for lines and points).
    pub outer: bool,
}

/// Every feature the tiler will cut into tiles.
#[derive(Debug, Default)]
pub struct Store {
    pub(crate) layers: Vec<LayerDef>,
    pub(crate) keys: Vec<String>,
    key_index: HashMap<String, u32>,
    pub(crate) interned: Vec<String>,
    intern_index: HashMap<String, u32>,
    arena: Vec<u8>,
    pub(crate) features: Vec<FeatureRec>,
    pub(crate) points: Vec<PointRec>,
    pub(crate) shapes: Vec<ShapeRec>,
    pub(crate) rings: Vec<RingRec>,
    pub(crate) coords: Vec<[u32; 2]>,
    /// The first zoom that keeps each vertex of `coords` (see [`Store::rank_vertices`]); 0 (every
    /// zoom) until ranked.
    pub(crate) vertex_zoom: Vec<u8>,
    /// lon/lat bounds of everything stored, **degrees**.
    bounds: Option<[f64; 4]>,
    sorted: bool,
    /// Input features whose longitudes were shifted from 0..360 into -180..180.
    pub wrapped: u64,
    /// Input lines and polygons cut at the antimeridian.
    pub split: u64,
}

/// One ring to rank: its slots of `Store::vertex_zoom`, its vertices, its kind.
type RankJob<'a> = (&'a mut [u8], &'a [[u32; 2]], GeomKind);

/// The zoom of a vertex that no zoom keeps.
const NEVER: u8 = u8::MAX;

/// Why a geometry was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GeomError {
    /// A coordinate is not a finite number or is outside the lon/lat range.
    #[error("coordinate [{0}, {1}] is not a longitude/latitude in degrees")]
    BadCoordinate(f64, f64),
    /// Too many features or vertices for the store's 32-bit indices.
    #[error("too many features or vertices (the tiler's limit is 2^32)")]
    TooLarge,
}

fn write_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        #[allow(clippy::cast_possible_truncation)]
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    #[allow(clippy::cast_possible_truncation)]
    buf.push(v as u8);
}

fn read_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&b) = buf.get(*pos) {
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    v
}

impl Store {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an output layer and returns its index.
    pub fn add_layer(&mut self, name: &str, description: &str, minzoom: u8, maxzoom: u8) -> u16 {
        self.layers.push(LayerDef {
            name: name.into(),
            description: description.into(),
            minzoom,
            maxzoom,
            fields: vec![],
            features: 0,
        });
        u16::try_from(self.layers.len() - 1).unwrap_or(u16::MAX)
    }

    /// The layers, in output order.
    #[must_use]
    pub fn layers(&self) -> &[LayerDef] {
        &self.layers
    }

    /// The name of an interned key.
    #[must_use]
    pub fn key_name(&self, key: u32) -> &str {
        self.keys.get(key as usize).map_or("", String::as_str)
    }

    /// Interns an attribute key.
    pub fn key(&mut self, name: &str) -> u32 {
        if let Some(&k) = self.key_index.get(name) {
            return k;
        }
        let k = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        self.keys.push(name.to_owned());
        self.key_index.insert(name.to_owned(), k);
        k
    }

    /// The interned key `name`, if any feature used it.
    #[must_use]
    pub fn find_key(&self, name: &str) -> Option<u32> {
        self.key_index.get(name).copied()
    }

    /// Declares a field of `layer` before any value is seen (so empty fields still appear in the
    /// metadata).
    pub fn declare_field(&mut self, layer: u16, key: u32, kind: FieldKind) {
        if let Some(l) = self.layers.get_mut(usize::from(layer))
            && !l.fields.iter().any(|f| f.0 == key)
        {
            l.fields.push((key, kind));
        }
    }

    /// Appends one attribute to a feature's scratch buffer `buf` and records its type on `layer`.
    pub fn push_attr(&mut self, buf: &mut Vec<u8>, layer: u16, key: u32, value: &AttrValue<'_>) {
        self.encode_attr(buf, key, value);
        self.note_field(layer, key, value.kind());
    }

    fn note_field(&mut self, layer: u16, key: u32, kind: FieldKind) {
        if let Some(l) = self.layers.get_mut(usize::from(layer)) {
            match l.fields.iter_mut().find(|f| f.0 == key) {
                Some(f) => f.1 = f.1.merge(kind),
                None => l.fields.push((key, kind)),
            }
        }
    }

    /// Records on `layer` the types of the attributes in a buffer built with
    /// [`Store::encode_attr`] (for input whose layer is known only after its properties).
    pub fn note_fields(&mut self, layer: u16, buf: &[u8]) {
        let kinds: Vec<(u32, FieldKind)> = (AttrIter {
            store: self,
            buf,
            pos: 0,
        })
        .map(|(k, v)| {
            let kind = match v {
                AttrRef::Str(_) => FieldKind::String,
                AttrRef::Bool(_) => FieldKind::Boolean,
                _ => FieldKind::Number,
            };
            (k, kind)
        })
        .collect();
        for (k, kind) in kinds {
            self.note_field(layer, k, kind);
        }
    }

    /// Appends one attribute to a feature's scratch buffer `buf`, recording no field type.
    pub fn encode_attr(&mut self, buf: &mut Vec<u8>, key: u32, value: &AttrValue<'_>) {
        write_varint(buf, u64::from(key));
        match value {
            AttrValue::Str(s) => {
                let interned = if s.len() <= INTERN_MAX_LEN {
                    match self.intern_index.get(*s) {
                        Some(&i) => Some(i),
                        None if self.interned.len() < INTERN_MAX_COUNT => {
                            let i = u32::try_from(self.interned.len()).unwrap_or(u32::MAX);
                            self.interned.push((*s).to_owned());
                            self.intern_index.insert((*s).to_owned(), i);
                            Some(i)
                        }
                        None => None,
                    }
                } else {
                    None
                };
                if let Some(i) = interned {
                    buf.push(TAG_INTERNED);
                    write_varint(buf, u64::from(i));
                } else {
                    buf.push(TAG_STR);
                    write_varint(buf, s.len() as u64);
                    buf.extend_from_slice(s.as_bytes());
                }
            }
            AttrValue::Int(i) => {
                buf.push(TAG_INT);
                #[allow(clippy::cast_sign_loss)]
                write_varint(buf, ((i << 1) ^ (i >> 63)) as u64);
            }
            AttrValue::UInt(u) => {
                buf.push(TAG_UINT);
                write_varint(buf, *u);
            }
            AttrValue::Double(d) => {
                buf.push(TAG_DOUBLE);
                buf.extend_from_slice(&d.to_le_bytes());
            }
            AttrValue::Bool(b) => buf.push(if *b { TAG_TRUE } else { TAG_FALSE }),
        }
    }

    /// Adds a feature with attributes `attrs` (built with [`Store::push_attr`]) to `layer`.
    ///
    /// `keep` features are never thinned; `priority` decides which features survive thinning
    /// (higher survives). Returns the number of features stored: 0 when the geometry is empty.
    ///
    /// # Errors
    /// [`GeomError`] for coordinates that are not lon/lat degrees.
    #[allow(clippy::too_many_arguments)]
    pub fn add_feature(
        &mut self,
        layer: u16,
        id: Option<u64>,
        attrs: &[u8],
        geom: &Geom,
        keep: bool,
        priority: f32,
    ) -> Result<usize, GeomError> {
        for p in geom_points(geom) {
            if !(p[0].is_finite() && p[1].is_finite())
                || p[0].abs() > 180.0 + 1e-9
                || p[1].abs() > 90.0 + 1e-9
            {
                return Err(GeomError::BadCoordinate(p[0], p[1]));
            }
        }
        let feature = u32::try_from(self.features.len()).map_err(|_| GeomError::TooLarge)?;
        let (kind, stored) = match geom {
            Geom::Point(p) => {
                let (x, y) = mercator::lon_lat_to_grid(p[0], p[1]);
                self.points.push(PointRec {
                    key: 0,
                    x,
                    y,
                    feature,
                    priority,
                });
                (GeomKind::Point, true)
            }
            Geom::MultiPoint(ps) => (
                GeomKind::Point,
                self.add_shape(
                    feature,
                    priority,
                    std::iter::once((ps.as_slice(), true)).filter(|p| !p.0.is_empty()),
                )?,
            ),
            Geom::Lines(ls) => (
                GeomKind::Line,
                self.add_shape(
                    feature,
                    priority,
                    ls.iter()
                        .filter(|l| l.len() >= 2)
                        .map(|l| (l.as_slice(), true)),
                )?,
            ),
            Geom::Polygons(ps) => {
                let rings = ps
                    .iter()
                    .filter(|rings| rings.first().is_some_and(|r| r.len() >= 3))
                    .flat_map(|rings| {
                        rings
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| r.len() >= 3)
                            .map(|(i, r)| (open_ring(r), i == 0))
                    });
                (GeomKind::Polygon, self.add_shape(feature, priority, rings)?)
            }
        };
        if !stored {
            return Ok(0);
        }
        for p in geom_points(geom) {
            let b = self.bounds.get_or_insert([p[0], p[1], p[0], p[1]]);
            *b = [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ];
        }
        let off = self.arena.len() as u64;
        let mut flags = if keep { FLAG_KEEP } else { 0 };
        if let Some(id) = id {
            flags |= FLAG_ID;
            write_varint(&mut self.arena, id);
        }
        self.arena.extend_from_slice(attrs);
        let len = self.arena.len() as u64 - off;
        if off >= 1 << 40 || len >= 1 << 24 {
            return Err(GeomError::TooLarge);
        }
        self.features.push(FeatureRec {
            attrs: off | (len << 40),
            layer,
            kind,
            flags,
            minzoom: 0,
            maxzoom: u8::MAX,
        });
        if let Some(l) = self.layers.get_mut(usize::from(layer)) {
            l.features += 1;
        }
        Ok(1)
    }

    fn add_shape<'g>(
        &mut self,
        feature: u32,
        priority: f32,
        parts: impl Iterator<Item = (&'g [[f64; 2]], bool)>,
    ) -> Result<bool, GeomError> {
        let ring_start = u32::try_from(self.rings.len()).map_err(|_| GeomError::TooLarge)?;
        let mut bbox = [u32::MAX, u32::MAX, 0, 0];
        for (part, outer) in parts {
            for p in part {
                let (x, y) = mercator::lon_lat_to_grid(p[0], p[1]);
                bbox = [
                    bbox[0].min(x),
                    bbox[1].min(y),
                    bbox[2].max(x),
                    bbox[3].max(y),
                ];
                self.coords.push([x, y]);
                self.vertex_zoom.push(0);
            }
            self.rings.push(RingRec {
                end: self.coords.len() as u64,
                outer,
            });
        }
        let ring_count =
            u32::try_from(self.rings.len()).map_err(|_| GeomError::TooLarge)? - ring_start;
        if ring_count == 0 {
            return Ok(false);
        }
        self.shapes.push(ShapeRec {
            feature,
            priority,
            ring_start,
            ring_count,
            bbox,
        });
        Ok(true)
    }

    /// Computes Hilbert keys and sorts the points along the curve; call once after loading.
    pub fn finish(&mut self) {
        use rayon::prelude::*;
        if self.sorted {
            return;
        }
        self.points
            .par_iter_mut()
            .for_each(|p| p.key = mercator::hilbert(32, p.x, p.y));
        self.points.par_sort_unstable_by_key(|p| (p.key, p.feature));
        self.sorted = true;
    }

    /// Ranks every vertex of every line and ring by Douglas–Peucker on the world grid, once for
    /// all zooms, and keeps for each the first zoom whose tolerance keeps it: a tile at zoom z
    /// holds the vertices whose zoom is at most z, which is the feature simplified whole at z's
    /// tolerance (then cut to the tile). `tolerance_z0` is zoom 0's tolerance in grid units;
    /// vertices no zoom up to `maxzoom` keeps get [`NEVER`]. Point sets are not ranked.
    pub fn rank_vertices(&mut self, tolerance_z0: f64, maxzoom: u8) {
        use rayon::prelude::*;
        self.vertex_zoom.clear();
        self.vertex_zoom.resize(self.coords.len(), 0);
        if tolerance_z0 <= 0.0 {
            return;
        }
        // Zoom z's squared tolerance; each zoom halves the tolerance.
        let tol2 = |z: u8| (tolerance_z0 / f64::from(1u32 << z)).powi(2);
        let min_tol2 = tol2(maxzoom);
        let mut kinds = vec![GeomKind::Point; self.rings.len()];
        for sh in &self.shapes {
            let kind = self
                .features
                .get(sh.feature as usize)
                .map_or(GeomKind::Point, |f| f.kind);
            for r in sh.ring_start..sh.ring_start + sh.ring_count {
                if let Some(k) = kinds.get_mut(r as usize) {
                    *k = kind;
                }
            }
        }
        // Each ring's slice of `vertex_zoom`, with its kind, to rank them side by side.
        let mut jobs: Vec<RankJob<'_>> = Vec::with_capacity(self.rings.len());
        let mut rest: &mut [u8] = &mut self.vertex_zoom;
        let mut start = 0usize;
        for (ring, kind) in self.rings.iter().zip(kinds) {
            #[allow(clippy::cast_possible_truncation)]
            let end = (ring.end as usize).max(start);
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(end - start);
            rest = tail;
            jobs.push((head, self.coords.get(start..end).unwrap_or(&[]), kind));
            start = end;
        }
        jobs.into_par_iter().for_each(|(zooms, coords, kind)| {
            let get = |k: usize| {
                let c = coords[k];
                [f64::from(c[0]), f64::from(c[1])]
            };
            let ranks = match kind {
                GeomKind::Point => return,
                GeomKind::Line => simplify::rank_line(coords.len(), get, min_tol2),
                GeomKind::Polygon => simplify::rank_ring(coords.len(), get, min_tol2),
            };
            for (slot, r) in zooms.iter_mut().zip(ranks) {
                *slot = (0..=maxzoom).find(|&z| r > tol2(z)).unwrap_or(NEVER);
            }
        });
        self.drop_unkept_vertices();
    }

    /// Removes from the arena the vertices no zoom keeps, in place: less to hold and to cut.
    /// Shapes keep their bounding boxes (still around what is left).
    fn drop_unkept_vertices(&mut self) {
        let mut kept = 0usize;
        let mut start = 0usize;
        for ring in &mut self.rings {
            #[allow(clippy::cast_possible_truncation)]
            let end = (ring.end as usize).clamp(start, self.coords.len());
            for k in start..end {
                if self.vertex_zoom[k] != NEVER {
                    self.coords[kept] = self.coords[k];
                    self.vertex_zoom[kept] = self.vertex_zoom[k];
                    kept += 1;
                }
            }
            start = end;
            ring.end = kept as u64;
        }
        self.coords.truncate(kept);
        self.vertex_zoom.truncate(kept);
    }

    /// The vertices of ring `r` with the first zoom that keeps each (0 until ranked).
    pub(crate) fn ring_zoomed(&self, r: usize) -> impl Iterator<Item = ([u32; 2], u8)> + '_ {
        let (start, end) = self.ring_span(r);
        let coords = self.coords.get(start..end).unwrap_or(&[]);
        let zooms = self.vertex_zoom.get(start..end).unwrap_or(&[]);
        coords.iter().copied().zip(zooms.iter().copied())
    }

    fn ring_span(&self, r: usize) -> (usize, usize) {
        let start = if r == 0 {
            0
        } else {
            self.rings.get(r - 1).map_or(0, |p| p.end)
        };
        let end = self.rings.get(r).map_or(start, |p| p.end);
        #[allow(clippy::cast_possible_truncation)]
        (start as usize, end as usize)
    }

    /// Number of features stored.
    #[must_use]
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// True when nothing is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// lon/lat bounds of all stored geometry, **degrees** (west, south, east, north).
    #[must_use]
    pub fn bounds(&self) -> Option<[f64; 4]> {
        self.bounds
    }

    /// The feature's MVT id, if it has one.
    pub(crate) fn feature_id(&self, f: &FeatureRec) -> Option<u64> {
        if f.flags & FLAG_ID == 0 {
            return None;
        }
        let mut pos = 0;
        Some(read_varint(self.attr_bytes(f), &mut pos))
    }

    fn attr_bytes(&self, f: &FeatureRec) -> &[u8] {
        #[allow(clippy::cast_possible_truncation)]
        let (off, len) = (
            (f.attrs & ((1 << 40) - 1)) as usize,
            (f.attrs >> 40) as usize,
        );
        self.arena.get(off..off + len).unwrap_or(&[])
    }

    /// The feature's attributes in stored order.
    pub(crate) fn attrs<'s>(&'s self, f: &FeatureRec) -> AttrIter<'s> {
        let buf = self.attr_bytes(f);
        let mut pos = 0;
        if f.flags & FLAG_ID != 0 {
            read_varint(buf, &mut pos);
        }
        AttrIter {
            store: self,
            buf,
            pos,
        }
    }

    /// The vertices of ring `r` of the coordinate arena.
    pub(crate) fn ring_coords(&self, r: usize) -> &[[u32; 2]] {
        let (start, end) = self.ring_span(r);
        self.coords.get(start..end).unwrap_or(&[])
    }

    /// Releases spare capacity after loading.
    pub fn shrink(&mut self) {
        self.arena.shrink_to_fit();
        self.features.shrink_to_fit();
        self.points.shrink_to_fit();
        self.shapes.shrink_to_fit();
        self.rings.shrink_to_fit();
        self.coords.shrink_to_fit();
        self.vertex_zoom.shrink_to_fit();
    }
}

fn open_ring(r: &[[f64; 2]]) -> &[[f64; 2]] {
    match (r.first(), r.last()) {
        (Some(a), Some(b)) if a == b && r.len() > 1 => &r[..r.len() - 1],
        _ => r,
    }
}

fn geom_points(g: &Geom) -> Box<dyn Iterator<Item = &[f64; 2]> + '_> {
    match g {
        Geom::Point(p) => Box::new(std::iter::once(p)),
        Geom::MultiPoint(ps) => Box::new(ps.iter()),
        Geom::Lines(ls) => Box::new(ls.iter().flatten()),
        Geom::Polygons(ps) => Box::new(ps.iter().flatten().flatten()),
    }
}

/// A decoded attribute value, borrowing strings from the store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AttrRef<'s> {
    Str(&'s str),
    Int(i64),
    UInt(u64),
    Double(f64),
    Bool(bool),
}

/// Iterates over a feature's `(key, value)` attributes.
pub(crate) struct AttrIter<'s> {
    store: &'s Store,
    buf: &'s [u8],
    pos: usize,
}

impl<'s> Iterator for AttrIter<'s> {
    type Item = (u32, AttrRef<'s>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let key = u32::try_from(read_varint(self.buf, &mut self.pos)).unwrap_or(u32::MAX);
        let tag = *self.buf.get(self.pos)?;
        self.pos += 1;
        let value = match tag {
            TAG_STR => {
                #[allow(clippy::cast_possible_truncation)]
                let len = read_varint(self.buf, &mut self.pos) as usize;
                let bytes = self.buf.get(self.pos..self.pos + len)?;
                self.pos += len;
                AttrRef::Str(std::str::from_utf8(bytes).unwrap_or(""))
            }
            TAG_INTERNED => {
                #[allow(clippy::cast_possible_truncation)]
                let i = read_varint(self.buf, &mut self.pos) as usize;
                AttrRef::Str(self.store.interned.get(i).map_or("", String::as_str))
            }
            TAG_INT => {
                let z = read_varint(self.buf, &mut self.pos);
                #[allow(clippy::cast_possible_wrap)]
                AttrRef::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            TAG_UINT => AttrRef::UInt(read_varint(self.buf, &mut self.pos)),
            TAG_DOUBLE => {
                let bytes: [u8; 8] = self.buf.get(self.pos..self.pos + 8)?.try_into().ok()?;
                self.pos += 8;
                AttrRef::Double(f64::from_le_bytes(bytes))
            }
            TAG_FALSE => AttrRef::Bool(false),
            TAG_TRUE => AttrRef::Bool(true),
            _ => return None,
        };
        Some((key, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_round_trip_through_the_arena() {
        let mut s = Store::new();
        let l = s.add_layer("sites", "", 0, 14);
        let mut buf = vec![];
        let (k1, k2, k3, k4, k5, k6) = (
            s.key("name"),
            s.key("n"),
            s.key("big"),
            s.key("x"),
            s.key("ok"),
            s.key("long"),
        );
        let long = "a string well beyond the interning limit of 24 bytes";
        s.push_attr(&mut buf, l, k1, &AttrValue::Str("Vorkuta"));
        s.push_attr(&mut buf, l, k2, &AttrValue::Int(-42));
        s.push_attr(&mut buf, l, k3, &AttrValue::UInt(u64::MAX));
        s.push_attr(&mut buf, l, k4, &AttrValue::Double(64.03));
        s.push_attr(&mut buf, l, k5, &AttrValue::Bool(true));
        s.push_attr(&mut buf, l, k6, &AttrValue::Str(long));
        s.add_feature(l, Some(7), &buf, &Geom::Point([64.03, 67.5]), true, 0.0)
            .unwrap();
        let f = s.features[0];
        assert_eq!(s.feature_id(&f), Some(7));
        assert!(f.keep());
        let got: Vec<_> = s.attrs(&f).collect();
        assert_eq!(
            got,
            vec![
                (k1, AttrRef::Str("Vorkuta")),
                (k2, AttrRef::Int(-42)),
                (k3, AttrRef::UInt(u64::MAX)),
                (k4, AttrRef::Double(64.03)),
                (k5, AttrRef::Bool(true)),
                (k6, AttrRef::Str(long)),
            ]
        );
        assert_eq!(s.layers()[0].fields.len(), 6);
    }

    #[test]
    fn bad_coordinates_are_refused() {
        let mut s = Store::new();
        let l = s.add_layer("x", "", 0, 14);
        let e = s.add_feature(l, None, &[], &Geom::Point([200.0, 10.0]), false, 0.0);
        assert_eq!(e, Err(GeomError::BadCoordinate(200.0, 10.0)));
        let e = s.add_feature(l, None, &[], &Geom::Point([f64::NAN, 10.0]), false, 0.0);
        assert!(e.is_err());
        assert!(s.is_empty());
    }

    #[test]
    fn polygon_rings_are_opened_and_classified() {
        let mut s = Store::new();
        let l = s.add_layer("x", "", 0, 14);
        let outer = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let hole = vec![[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.2]];
        let n = s
            .add_feature(
                l,
                None,
                &[],
                &Geom::Polygons(vec![vec![outer, hole]]),
                false,
                0.0,
            )
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(s.rings.len(), 2);
        assert!(s.rings[0].outer && !s.rings[1].outer);
        assert_eq!(s.ring_coords(0).len(), 4);
        assert_eq!(s.ring_coords(1).len(), 3);
    }

    #[test]
    fn vertices_are_ranked_by_zoom_and_those_no_zoom_keeps_leave_the_arena() {
        let mut s = Store::new();
        let l = s.add_layer("x", "", 0, 14);
        // A line of 101 vertices 0.01 degrees apart, with one bump of 0.05 degrees at its middle,
        // then a second line: the bump is a vertex some zooms keep, the rest are collinear.
        let mut line: Vec<[f64; 2]> = (0..=100).map(|i| [f64::from(i) * 0.01, 0.0]).collect();
        line[50][1] = 0.05;
        s.add_feature(l, None, &[], &Geom::Lines(vec![line]), false, 0.0)
            .unwrap();
        let second = vec![[5.0, 5.0], [5.5, 5.0], [6.0, 5.0]];
        s.add_feature(l, None, &[], &Geom::Lines(vec![second]), false, 0.0)
            .unwrap();
        // One tile unit at every zoom (zoom 0's tolerance in grid units).
        s.rank_vertices(mercator::WORLD_U32 / 4096.0, 14);
        // Left: both ends, the bump and its two feet of the first line; both ends of the second.
        assert_eq!(s.ring_coords(0).len(), 5);
        assert_eq!(s.ring_coords(1).len(), 2);
        let zooms: Vec<u8> = s.ring_zoomed(0).map(|(_, z)| z).collect();
        // The bump, 0.05 degrees high, is 0.57 tile units at zoom 0: kept from zoom 1; so are its
        // feet, 0.049 degrees off the line to the bump (and never before the bump that reached
        // them).
        assert_eq!(zooms, vec![0, 1, 1, 1, 0]);
        // A coarser tolerance (8 units at zoom 0) keeps the bump from zoom 4.
        s.rank_vertices(8.0 * mercator::WORLD_U32 / 4096.0, 14);
        assert_eq!(
            s.ring_zoomed(0).map(|(_, z)| z).collect::<Vec<_>>(),
            vec![0, 4, 4, 4, 0]
        );
        assert_eq!(
            s.ring_zoomed(1).map(|(_, z)| z).collect::<Vec<_>>(),
            vec![0, 0]
        );
    }
}
