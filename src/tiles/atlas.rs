//! The atlas build's tiles: every layer of [`Layers`] (basemap and atlas) as a vector layer of one
//! PMTiles archive, with zoom ranges from the `[tiles]` table of `atlas.toml`:
//!
//! ```toml
//! [tiles]
//! minzoom = 0          # default for every layer (0)
//! maxzoom = 14         # default for every layer (14)
//! simplify_px = 0.25   # optional, see `gazmap tiles --simplify-px`
//! buffer_px = 5        # optional
//!
//! [tiles.layers.coast] # per layer
//! maxzoom = 10
//! ```
//!
//! Atlas features (sites, events, event areas, transfers, claims, lines, uncertainty) are marked *keep*: no
//! thinning or size limit ever drops them, and a feature too small for a zoom becomes the
//! smallest shape the tile can hold rather than vanishing. Only basemap features can be thinned.
//!
//! An atlas layer with no `maxzoom` of its own stops at the zoom its data needs ([`data_zoom`]),
//! never above the `[tiles]` maxzoom; beyond it a map overzooms its last tiles. `auto_zoom =
//! false` in `[tiles]` turns this off (every layer then goes to the `[tiles]` maxzoom).

use std::collections::BTreeMap;
use std::path::Path;

use geo::Geometry;

use super::store::{AttrValue, FieldKind, Geom, Store};
use super::{Progress, TileOptions, TilesError, TilesReport, write_store};
use crate::config::Config;
use crate::diagnostics::Finding;
use crate::layers::{FieldType, LayerRole, Layers, Value};

/// Zoom range of one layer in `[tiles.layers.NAME]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LayerZooms {
    /// First zoom (default: the `[tiles]` minzoom).
    pub minzoom: Option<u8>,
    /// Last zoom (default: the `[tiles]` maxzoom).
    pub maxzoom: Option<u8>,
}

/// The `[tiles]` table of `atlas.toml`, resolved (defaults filled in, zoom ranges checked).
#[derive(Debug, Clone, PartialEq)]
pub struct AtlasTiles {
    /// First zoom of every layer.
    pub minzoom: u8,
    /// Last zoom of every layer.
    pub maxzoom: u8,
    /// Simplification tolerance, **pixels** (1/256 of a tile).
    pub simplify_px: Option<f64>,
    /// Buffer around each tile, **pixels** (1/256 of a tile).
    pub buffer_px: Option<f64>,
    /// Atlas layers without a `maxzoom` of their own stop at the zoom their data needs.
    pub auto_zoom: bool,
    /// Per-layer zoom ranges.
    pub layers: BTreeMap<String, LayerZooms>,
    /// The file the table was read from (for error messages).
    pub path: std::path::PathBuf,
    /// The line of each `[tiles.layers.NAME]` (for error messages).
    lines: BTreeMap<String, usize>,
}

const DEFAULT_MAXZOOM: u8 = 14;

impl Default for AtlasTiles {
    fn default() -> Self {
        Self {
            minzoom: 0,
            maxzoom: DEFAULT_MAXZOOM,
            simplify_px: None,
            buffer_px: None,
            auto_zoom: true,
            layers: BTreeMap::new(),
            path: "atlas.toml".into(),
            lines: BTreeMap::new(),
        }
    }
}

/// The layers of an atlas build, by name: the atlas's own layers (see [`crate::layers`]) and
/// every basemap layer there can be (regional or world files, and the sea). `[tiles.layers.NAME]`
/// must name one of them.
#[must_use]
pub fn layer_names() -> Vec<&'static str> {
    let mut names = ATLAS_LAYERS.to_vec();
    for (stem, _) in crate::basemap::REGIONAL_FILES
        .iter()
        .chain(crate::basemap::WORLD_FILES)
    {
        if !names.contains(stem) {
            names.push(stem);
        }
    }
    names.push(crate::basemap::SEA);
    names
}

/// The atlas layers [`crate::layers::build`] makes (a test keeps this list in step).
const ATLAS_LAYERS: &[&str] = &[
    "sites",
    "lines",
    "uncertainty",
    "event_areas",
    "events",
    "transfers",
    "claims",
];

fn config_error(f: Finding) -> TilesError {
    TilesError::Config {
        path: f.file,
        line: f.line.and_then(|l| usize::try_from(l).ok()).unwrap_or(0),
        message: f.message,
    }
}

impl AtlasTiles {
    /// Reads the `[tiles]` table of `dir/atlas.toml` (defaults when there is none), for tools
    /// without a loaded atlas; the build reads the atlas's config ([`Self::from_config`]).
    ///
    /// # Errors
    /// [`TilesError::Config`] if the file cannot be read or parsed, or the table is wrong
    /// (unknown key, zoom out of range).
    pub fn from_atlas_dir(dir: &Path) -> Result<Self, TilesError> {
        let config = Config::read(dir)
            .map_err(|f| config_error(f.into_iter().next().expect("a finding")))?;
        Self::strict(&config)
    }

    /// Parses the `[tiles]` table from the text of an `atlas.toml` read from `path`.
    ///
    /// # Errors
    /// [`TilesError::Config`] naming the line of the problem.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, TilesError> {
        let (config, _) = Config::parse(path, text)
            .map_err(|f| config_error(f.into_iter().next().expect("a finding")))?;
        Self::strict(&config)
    }

    /// The `[tiles]` table of `config`, or the first problem [`Self::from_config`] finds.
    ///
    /// # Errors
    /// [`TilesError::Config`] naming the line of the problem.
    pub fn strict(config: &Config) -> Result<Self, TilesError> {
        let (tiles, findings) = Self::from_config(config);
        match findings.into_iter().next() {
            Some(f) => Err(config_error(f)),
            None => Ok(tiles),
        }
    }

    /// The `[tiles]` table of `config` with defaults filled in, and every problem located:
    /// a zoom range outside 0..[`super::mercator::MAX_ZOOM`] or with minzoom above maxzoom, a
    /// layer name no atlas build has (see [`layer_names`]). `gazmap check` reports them.
    #[must_use]
    pub fn from_config(config: &Config) -> (Self, Vec<Finding>) {
        let mut out = Self {
            path: config.path.clone(),
            ..Self::default()
        };
        let mut findings = vec![];
        let Some(t) = &config.tiles else {
            return (out, findings);
        };
        let value = |z: &Option<toml::Spanned<u8>>| z.as_ref().map(|z| *z.get_ref());
        out.minzoom = value(&t.minzoom).unwrap_or(0);
        out.maxzoom = value(&t.maxzoom).unwrap_or(DEFAULT_MAXZOOM);
        out.simplify_px = t.simplify_px;
        out.buffer_px = t.buffer_px;
        out.auto_zoom = t.auto_zoom.unwrap_or(true);
        let max = super::mercator::MAX_ZOOM;
        let table_span = t
            .maxzoom
            .as_ref()
            .or(t.minzoom.as_ref())
            .map(toml::Spanned::span);
        let check = |name: &str, span: Option<std::ops::Range<usize>>, lo: u8, hi: u8| {
            let message = format!(
                "tiles {name}: zoom range {lo}..{hi} is not within 0..{max} with minzoom <= maxzoom"
            );
            (hi > max || lo > hi).then(|| match span {
                Some(span) => config.error(span, message),
                None => Finding::error(&config.path, config.line_starting("[tiles"), message),
            })
        };
        findings.extend(check("[tiles]", table_span, out.minzoom, out.maxzoom));
        let known = layer_names();
        for (name, z) in &t.layers {
            let zooms = z.get_ref();
            let lo = zooms.minzoom.unwrap_or(out.minzoom);
            let hi = zooms.maxzoom.unwrap_or(out.maxzoom);
            findings.extend(check(name.get_ref(), Some(name.span()), lo, hi));
            if !known.contains(&name.get_ref().as_str()) {
                findings.push(config.error(
                    name.span(),
                    format!(
                        "[tiles.layers.{}]: there is no such layer{} (layers: {})",
                        name.get_ref(),
                        crate::authoring::did_you_mean_text(name.get_ref(), known.iter().copied()),
                        known.join(", ")
                    ),
                ));
            }
            out.layers.insert(
                name.get_ref().clone(),
                LayerZooms {
                    minzoom: zooms.minzoom,
                    maxzoom: zooms.maxzoom,
                },
            );
            out.lines.insert(
                name.get_ref().clone(),
                usize::try_from(config.line(&name.span())).unwrap_or(0),
            );
        }
        (out, findings)
    }

    /// The `[tiles]` table of `config`, checked against the layers of this build.
    ///
    /// # Errors
    /// See [`AtlasTiles::strict`] and [`AtlasTiles::check_layers`].
    pub fn for_atlas(config: &Config, layers: &Layers) -> Result<Self, TilesError> {
        let cfg = Self::strict(config)?;
        cfg.check_layers(layers)?;
        Ok(cfg)
    }

    /// Checks that every `[tiles.layers.NAME]` names a layer of `layers` (a basemap layer
    /// that this atlas's basemap does not have is caught here, not by `check`).
    ///
    /// # Errors
    /// [`TilesError::Config`] naming the unknown layer and the known ones.
    pub fn check_layers(&self, layers: &Layers) -> Result<(), TilesError> {
        let names: Vec<&str> = layers.all().map(|l| l.name.as_str()).collect();
        match self.layers.keys().find(|k| !names.contains(&k.as_str())) {
            Some(unknown) => Err(TilesError::Config {
                path: self.path.clone(),
                line: self.lines.get(unknown).copied().unwrap_or(0),
                message: format!(
                    "[tiles.layers.{unknown}]: there is no such layer (layers: {})",
                    names.join(", ")
                ),
            }),
            None => Ok(()),
        }
    }

    /// The zoom range of `layer` in the atlas archive: its own `maxzoom` if the table sets one;
    /// else, for an atlas layer (with `auto_zoom`), [`data_zoom`] within the `[tiles]` range;
    /// else the `[tiles]` maxzoom.
    #[must_use]
    pub fn range_for(&self, layer: &crate::layers::Layer) -> (u8, u8) {
        let (lo, hi) = self.range(&layer.name);
        let own = self.layers.get(&layer.name).and_then(|z| z.maxzoom);
        if own.is_some() || !self.auto_zoom || layer.role != LayerRole::Atlas {
            return (lo, hi);
        }
        (lo, data_zoom(layer).clamp(lo, hi))
    }

    /// The zoom ranges of every layer of `layers` (in [`Layers::all`] order): [`Self::range_for`],
    /// except that an atlas point layer without a `maxzoom` of its own goes as deep as the
    /// deepest atlas layer, so the places and events never stop before the lines drawn between
    /// them (points cost one piece per feature and zoom).
    #[must_use]
    pub fn ranges(&self, layers: &Layers) -> Vec<(u8, u8)> {
        let mut ranges: Vec<(u8, u8)> = layers.all().map(|l| self.range_for(l)).collect();
        let deepest = layers
            .all()
            .zip(&ranges)
            .filter(|(l, _)| l.role == LayerRole::Atlas)
            .map(|(_, r)| r.1)
            .max()
            .unwrap_or(self.maxzoom);
        for (l, r) in layers.all().zip(ranges.iter_mut()) {
            let own = self.layers.get(&l.name).and_then(|z| z.maxzoom);
            if self.auto_zoom
                && own.is_none()
                && l.role == LayerRole::Atlas
                && l.geometry == crate::layers::GeometryKind::Point
            {
                r.1 = r.1.max(deepest);
            }
        }
        ranges
    }

    /// The zoom range of layer `name` as the table states it.
    #[must_use]
    pub fn range(&self, name: &str) -> (u8, u8) {
        // The sea is the coast's complement: it follows the coast unless set itself.
        let name = if name == crate::basemap::SEA && !self.layers.contains_key(name) {
            "coast"
        } else {
            name
        };
        let z = self.layers.get(name).copied().unwrap_or_default();
        (
            z.minzoom.unwrap_or(self.minzoom),
            z.maxzoom.unwrap_or(self.maxzoom),
        )
    }
}

/// Pieces (one feature in one tile) a line or polygon layer may make at its last zoom; above
/// that the zoom is lowered one level at a time. About 100 bytes a piece once gzipped.
const PIECE_BUDGET: f64 = 400_000.0;

/// The zoom beyond which a layer's map gains no detail, from its data (world units: the whole
/// Web Mercator square is 1, a tile at zoom z is 2^-z wide):
///
/// * points: the closest tenth of the distinct points (each to its neighbour along a Hilbert
///   curve) are 16 pixels apart (1/16 of a tile);
/// * lines: the shortest tenth of the lines span a whole tile, and their ends are as far apart
///   as points need;
/// * polygons: the smallest tenth span a quarter of a tile.
///
/// Lines and polygons then step down while their pieces would exceed [`PIECE_BUDGET`].
/// A layer with no geometry gets zoom 0.
#[must_use]
pub fn data_zoom(layer: &crate::layers::Layer) -> u8 {
    let world = |c: &geo::Coord| super::mercator::lon_lat_to_world(c.x, c.y);
    let mut points: Vec<(f64, f64)> = vec![];
    let mut lengths: Vec<f64> = vec![];
    let mut sizes: Vec<f64> = vec![];
    // Bounding boxes of lines and polygons, in world units, for the piece count.
    let mut boxes: Vec<[f64; 4]> = vec![];
    let bbox = |cs: &mut dyn Iterator<Item = (f64, f64)>| {
        cs.fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, (x, y)| {
            [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
        })
    };
    let line_of = |ls: &geo::LineString, length: &mut f64, points: &mut Vec<(f64, f64)>| {
        let w: Vec<(f64, f64)> = ls.coords().map(world).collect();
        *length += w
            .windows(2)
            .map(|p| (p[1].0 - p[0].0).hypot(p[1].1 - p[0].1))
            .sum::<f64>();
        if let (Some(a), Some(b)) = (w.first(), w.last()) {
            points.push(*a);
            points.push(*b);
        }
        w
    };
    for f in &layer.features {
        let Some(g) = &f.geometry else { continue };
        for g in flatten(g) {
            match g {
                Geometry::Point(p) => points.push(world(&p.0)),
                Geometry::MultiPoint(mp) => points.extend(mp.iter().map(|p| world(&p.0))),
                Geometry::LineString(ls) => {
                    let mut length = 0.0;
                    let w = line_of(&ls, &mut length, &mut points);
                    lengths.push(length);
                    boxes.push(bbox(&mut w.into_iter()));
                }
                Geometry::MultiLineString(mls) => {
                    let mut length = 0.0;
                    let mut all = vec![];
                    for ls in &mls {
                        all.extend(line_of(ls, &mut length, &mut points));
                    }
                    lengths.push(length);
                    boxes.push(bbox(&mut all.into_iter()));
                }
                other => {
                    let b = bbox(
                        &mut geoms_of(&other)
                            .iter()
                            .flat_map(geom_coords)
                            .map(|[x, y]| super::mercator::lon_lat_to_world(x, y)),
                    );
                    if b[0] <= b[2] {
                        sizes.push((b[2] - b[0]).max(b[3] - b[1]));
                        boxes.push(b);
                    }
                }
            }
        }
    }
    let zoom_for = |world_units: f64| -> u8 {
        if world_units <= 0.0 || !world_units.is_finite() {
            return super::mercator::MAX_ZOOM;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let z = (1.0 / world_units).log2().ceil().clamp(0.0, 31.0) as u8;
        z.min(super::mercator::MAX_ZOOM)
    };
    let mut z = 0;
    if let Some(d) = tenth(neighbour_spacing(points)) {
        z = z.max(zoom_for(16.0 * d));
    }
    if let Some(l) = tenth(lengths) {
        z = z.max(zoom_for(l));
    }
    if let Some(s) = tenth(sizes) {
        z = z.max(zoom_for(4.0 * s));
    }
    // Pieces at zoom z: the tiles each line's or polygon's box covers.
    let pieces = |z: u8| -> f64 {
        let n = f64::from(1u32 << z.min(31));
        boxes
            .iter()
            .map(|b| {
                ((b[2] * n).floor() - (b[0] * n).floor() + 1.0)
                    * ((b[3] * n).floor() - (b[1] * n).floor() + 1.0)
            })
            .sum()
    };
    while z > 0 && !boxes.is_empty() && pieces(z) > PIECE_BUDGET {
        z -= 1;
    }
    z
}

/// The parts of a geometry collection, or the geometry itself.
fn flatten(g: &Geometry) -> Vec<Geometry> {
    match g {
        Geometry::GeometryCollection(gc) => gc.iter().flat_map(flatten).collect(),
        other => vec![other.clone()],
    }
}

/// Every coordinate of a store geometry.
fn geom_coords(g: &Geom) -> Vec<[f64; 2]> {
    match g {
        Geom::Point(p) => vec![*p],
        Geom::MultiPoint(ps) => ps.clone(),
        Geom::Lines(ls) => ls.iter().flatten().copied().collect(),
        Geom::Polygons(ps) => ps.iter().flatten().flatten().copied().collect(),
    }
}

/// Distances between successive distinct points along a Hilbert curve (an approximation of each
/// point's nearest neighbour, in O(n log n)).
fn neighbour_spacing(mut points: Vec<(f64, f64)>) -> Vec<f64> {
    const ORDER: u8 = 24;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let cell =
        |v: f64| (v * f64::from(1u32 << ORDER)).clamp(0.0, f64::from((1u32 << ORDER) - 1)) as u32;
    points.sort_by_key(|&(x, y)| super::mercator::hilbert(ORDER, cell(x), cell(y)));
    points.dedup();
    points
        .windows(2)
        .map(|p| (p[1].0 - p[0].0).hypot(p[1].1 - p[0].1))
        .filter(|d| *d > 0.0)
        .collect()
}

/// The 10th percentile of `values` (`None` when empty).
fn tenth(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 10])
}

/// Converts a geo geometry to the store's lon/lat geometries (a collection gives several).
pub fn geoms_of(g: &Geometry) -> Vec<Geom> {
    let xy = |c: &geo::Coord| [c.x, c.y];
    let poly = |p: &geo::Polygon| {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| r.coords().map(xy).collect())
            .collect::<Vec<Vec<[f64; 2]>>>()
    };
    match g {
        Geometry::Point(p) => vec![Geom::Point([p.x(), p.y()])],
        Geometry::MultiPoint(mp) => vec![Geom::MultiPoint(
            mp.iter().map(|p| [p.x(), p.y()]).collect(),
        )],
        Geometry::Line(l) => vec![Geom::Lines(vec![vec![xy(&l.start), xy(&l.end)]])],
        Geometry::LineString(ls) => vec![Geom::Lines(vec![ls.coords().map(xy).collect()])],
        Geometry::MultiLineString(mls) => vec![Geom::Lines(
            mls.iter().map(|l| l.coords().map(xy).collect()).collect(),
        )],
        Geometry::Polygon(p) => vec![Geom::Polygons(vec![poly(p)])],
        Geometry::MultiPolygon(mp) => vec![Geom::Polygons(mp.iter().map(poly).collect())],
        Geometry::Rect(r) => vec![Geom::Polygons(vec![poly(&r.to_polygon())])],
        Geometry::Triangle(t) => vec![Geom::Polygons(vec![poly(&t.to_polygon())])],
        Geometry::GeometryCollection(gc) => gc.iter().flat_map(geoms_of).collect(),
    }
}

/// Fills a store with every layer of `layers` (basemap first, then the atlas, in draw order).
///
/// # Errors
/// [`TilesError::Config`] when `config` names a layer that does not exist;
/// [`TilesError::Geometry`] for a coordinate that is not lon/lat.
pub fn store_from_layers(layers: &Layers, config: &AtlasTiles) -> Result<Store, TilesError> {
    config.check_layers(layers)?;
    let mut store = Store::new();
    let mut buf = vec![];
    for (layer, (lo, hi)) in layers.all().zip(config.ranges(layers)) {
        let lid = store.add_layer(&layer.name, &layer.title, lo, hi);
        let keys: Vec<u32> = layer.fields.iter().map(|f| store.key(&f.name)).collect();
        for (f, &k) in layer.fields.iter().zip(&keys) {
            let kind = match f.ty {
                FieldType::Text | FieldType::Date => FieldKind::String,
                FieldType::Integer | FieldType::Real => FieldKind::Number,
                FieldType::Boolean => FieldKind::Boolean,
            };
            store.declare_field(lid, k, kind);
        }
        let keep = layer.role == LayerRole::Atlas;
        for (i, feature) in layer.features.iter().enumerate() {
            let Some(g) = &feature.geometry else { continue };
            buf.clear();
            for (value, &k) in feature.values.iter().zip(&keys) {
                let date;
                let v = match value {
                    Value::Null => continue,
                    Value::Text(s) => AttrValue::Str(s),
                    Value::Integer(n) => AttrValue::Int(*n),
                    Value::Real(x) => AttrValue::Double(*x),
                    Value::Boolean(b) => AttrValue::Bool(*b),
                    Value::Date(d) => {
                        date = d.to_string();
                        AttrValue::Str(&date)
                    }
                };
                store.push_attr(&mut buf, lid, k, &v);
            }
            for geom in geoms_of(g) {
                store
                    .add_feature(lid, Some(i as u64 + 1), &buf, &geom, keep, 0.0)
                    .map_err(|e| TilesError::Geometry {
                        layer: layer.name.clone(),
                        feature: feature.id.clone(),
                        message: e.to_string(),
                    })?;
            }
        }
    }
    Ok(store)
}

/// Writes the atlas archive `dest` (PMTiles v3; MBTiles if the name ends in `.mbtiles`).
///
/// # Errors
/// See [`store_from_layers`] and [`write_store`].
pub fn write(
    layers: &Layers,
    config: &AtlasTiles,
    dest: &Path,
    progress: &dyn Progress,
) -> Result<TilesReport, TilesError> {
    let store = store_from_layers(layers, config)?;
    let minzoom = store.layers().iter().map(|l| l.minzoom).min().unwrap_or(0);
    let maxzoom = store.layers().iter().map(|l| l.maxzoom).max().unwrap_or(0);
    let defaults = TileOptions::default();
    let e = layers.extent;
    let opts = TileOptions {
        minzoom,
        maxzoom,
        simplify_px: config.simplify_px.unwrap_or(defaults.simplify_px),
        buffer_px: config.buffer_px.unwrap_or(defaults.buffer_px),
        drop_densest: true,
        name: layers.title.clone(),
        description: layers.description.clone(),
        attribution: layers.credits.join("; "),
        center: Some([(e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0]),
        center_zoom: Some(super::fit_zoom(e)),
        ..defaults
    };
    write_store(store, &opts, dest, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[tiles]` tables read after a minimal `[atlas]` of three lines.
    fn tiles(text: &str) -> Result<AtlasTiles, TilesError> {
        AtlasTiles::from_toml(
            &format!("[atlas]\nid = \"x\"\ntitle = \"X\"\n{text}"),
            Path::new("atlas.toml"),
        )
    }

    #[test]
    fn tiles_table_sets_default_and_per_layer_zooms() {
        let t = tiles("[tiles]\nmaxzoom = 12\nsimplify_px = 0.5\n\n[tiles.layers.coast]\nmaxzoom = 9\n\n[tiles.layers.sites]\nminzoom = 2\n").unwrap();
        assert_eq!(t.range("coast"), (0, 9));
        assert_eq!(t.range("sites"), (2, 12));
        assert_eq!(t.range("events"), (0, 12));
        assert_eq!(t.simplify_px, Some(0.5));
        let none = tiles("").unwrap();
        assert_eq!(none.range("sites"), (0, 14));
    }

    fn layer(kind: crate::layers::GeometryKind, geoms: Vec<Geometry>) -> crate::layers::Layer {
        let mut l = crate::layers::Layer::new("sites", "t", LayerRole::Atlas, kind, &[]);
        for (i, g) in geoms.into_iter().enumerate() {
            l.features.push(crate::layers::Feature {
                id: format!("f{i}"),
                geometry: Some(g),
                values: vec![],
            });
        }
        l
    }

    #[test]
    fn data_zoom_follows_point_spacing_line_length_and_polygon_size() {
        use crate::layers::GeometryKind as K;
        // A 10 x 10 grid of points 0.01 degree apart at the equator: 1/36000 of the world,
        // which is 16 pixels (1/16 tile) at zoom ceil(log2(36000 / 16)) = 12.
        let grid = |step: f64| {
            (0..100)
                .map(|i| {
                    Geometry::Point(geo::Point::new(
                        f64::from(i % 10) * step,
                        f64::from(i / 10) * step,
                    ))
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(data_zoom(&layer(K::Point, grid(0.01))), 12);
        // Ten times further apart: 3.3 zooms fewer.
        assert_eq!(data_zoom(&layer(K::Point, grid(0.1))), 8);
        // Lines 3.6 degrees long (1/100 of the world) span a tile at zoom 7; their ends are
        // 0.1 degree apart (zoom 8 for points), so the ends decide.
        let lines: Vec<Geometry> = (0..20)
            .map(|i| {
                let y = f64::from(i) * 0.1;
                Geometry::LineString(geo::LineString::from(vec![(0.0, y), (3.6, y)]))
            })
            .collect();
        assert_eq!(data_zoom(&layer(K::Line, lines)), 8);
        // Polygons 0.36 degree wide (1/1000 of the world) span a quarter tile at zoom 8.
        let polys: Vec<Geometry> = (0..20)
            .map(|i| {
                let x = f64::from(i) * 10.0;
                Geometry::Polygon(geo::Rect::new((x, 0.0), (x + 0.36, 0.36)).to_polygon())
            })
            .collect();
        assert_eq!(data_zoom(&layer(K::Polygon, polys)), 8);
        // No geometry at all: zoom 0.
        assert_eq!(data_zoom(&layer(K::Point, vec![])), 0);
    }

    #[test]
    fn many_long_lines_step_down_to_the_piece_budget() {
        use crate::layers::GeometryKind as K;
        // 2,000 lines 40 degrees long whose ends are a metre apart would want a deep zoom; the
        // pieces they would make cap it.
        let lines: Vec<Geometry> = (0..2000)
            .map(|i| {
                let y = 60.0 + f64::from(i) * 1e-5;
                Geometry::LineString(geo::LineString::from(vec![(10.0, y), (50.0, y)]))
            })
            .collect();
        // At zoom z a line covers about 40/360 * 2^z tiles: 2,000 x 115 = 230,000 pieces at
        // zoom 10 fit the budget of 400,000; 2,000 x 228 at zoom 11 do not.
        assert_eq!(data_zoom(&layer(K::Line, lines)), 10);
    }

    #[test]
    fn range_for_prefers_the_table_then_the_data() {
        use crate::layers::GeometryKind as K;
        let t = tiles("[tiles]\nmaxzoom = 10\n\n[tiles.layers.sites]\nminzoom = 2\n").unwrap();
        let points = layer(
            K::Point,
            (0..100)
                .map(|i| {
                    Geometry::Point(geo::Point::new(
                        f64::from(i % 10) * 0.01,
                        f64::from(i / 10) * 0.01,
                    ))
                })
                .collect(),
        );
        // The data want zoom 12; the [tiles] maxzoom caps it.
        assert_eq!(t.range_for(&points), (2, 10));
        let t = tiles("[tiles.layers.sites]\nmaxzoom = 13\n").unwrap();
        assert_eq!(t.range_for(&points), (0, 13), "a layer's own maxzoom wins");
        let t = tiles("[tiles]\nauto_zoom = false\n").unwrap();
        assert_eq!(t.range_for(&points), (0, 14));
        let t = AtlasTiles::default();
        assert_eq!(t.range_for(&points), (0, 12));
    }

    #[test]
    fn bad_tiles_tables_are_located() {
        let e = tiles("\n[tiles]\nmaxzom = 3\n").unwrap_err().to_string();
        assert!(
            e.starts_with("atlas.toml:6: unknown key `maxzom` (did you mean `maxzoom`?)"),
            "{e}"
        );
        let e = tiles("[tiles.layers.coast]\nminzoom = 9\nmaxzoom = 3\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "atlas.toml:4: tiles coast: zoom range 9..3 is not within 0..20 with minzoom <= maxzoom"
        );
        let e = tiles("[tiles]\nmaxzoom = 25\n").unwrap_err().to_string();
        assert_eq!(
            e,
            "atlas.toml:5: tiles [tiles]: zoom range 0..25 is not within 0..20 with minzoom <= maxzoom"
        );
    }

    #[test]
    fn every_problem_of_the_table_is_a_located_finding() {
        let text = "[atlas]\nid = \"x\"\ntitle = \"X\"\n[tiles]\nminzoom = 9\nmaxzoom = 4\n[tiles.layers.cost]\nmaxzoom = 8\n[tiles.layers.sites]\nmaxzoom = 30\n";
        let (config, _) = Config::parse(Path::new("atlas.toml"), text).unwrap();
        let (t, findings) = AtlasTiles::from_config(&config);
        let got: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "atlas.toml:6:11: error: tiles [tiles]: zoom range 9..4 is not within 0..20 with minzoom <= maxzoom",
                "atlas.toml:7:15: error: tiles cost: zoom range 9..8 is not within 0..20 with minzoom <= maxzoom",
                "atlas.toml:7:15: error: [tiles.layers.cost]: there is no such layer (did you mean `coast`?) (layers: sites, lines, uncertainty, event_areas, events, transfers, claims, coast, lakes, rivers, regions, borders, sea)",
                "atlas.toml:9:15: error: tiles sites: zoom range 9..30 is not within 0..20 with minzoom <= maxzoom",
            ]
        );
        assert_eq!(t.range("sites"), (9, 30), "the values as written");
    }

    #[test]
    fn the_layer_names_are_those_a_build_makes() {
        let atlas = crate::load::read(&crate::default_atlas_dir())
            .unwrap()
            .atlas;
        let layers = crate::layers::build(&atlas).unwrap();
        let known = layer_names();
        for l in layers.all() {
            assert!(known.contains(&l.name.as_str()), "{} is missing", l.name);
        }
        for name in ATLAS_LAYERS {
            assert!(
                layers.atlas.iter().any(|l| l.name == *name),
                "{name} is not made"
            );
        }
    }
}
