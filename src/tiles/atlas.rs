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

use std::collections::BTreeMap;
use std::path::Path;

use geo::Geometry;

use super::store::{AttrValue, FieldKind, Geom, Store};
use super::{Progress, TileOptions, TilesError, TilesReport, write_store};
use crate::layers::{FieldType, LayerRole, Layers, Value};

/// Zoom range of one layer in `[tiles.layers.NAME]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerZooms {
    /// First zoom (default: the `[tiles]` minzoom).
    pub minzoom: Option<u8>,
    /// Last zoom (default: the `[tiles]` maxzoom).
    pub maxzoom: Option<u8>,
}

/// The `[tiles]` table of `atlas.toml`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtlasTiles {
    /// First zoom of every layer.
    #[serde(default)]
    pub minzoom: u8,
    /// Last zoom of every layer.
    #[serde(default = "default_maxzoom")]
    pub maxzoom: u8,
    /// Simplification tolerance, **pixels** (1/256 of a tile).
    pub simplify_px: Option<f64>,
    /// Buffer around each tile, **pixels** (1/256 of a tile).
    pub buffer_px: Option<f64>,
    /// Per-layer zoom ranges.
    #[serde(default)]
    pub layers: BTreeMap<String, LayerZooms>,
    /// The file the table was read from (for error messages).
    #[serde(skip)]
    pub path: std::path::PathBuf,
    /// Its text (to locate a table named in an error).
    #[serde(skip)]
    text: String,
}

fn default_maxzoom() -> u8 {
    14
}

impl Default for AtlasTiles {
    fn default() -> Self {
        Self {
            minzoom: 0,
            maxzoom: default_maxzoom(),
            simplify_px: None,
            buffer_px: None,
            layers: BTreeMap::new(),
            path: "atlas.toml".into(),
            text: String::new(),
        }
    }
}

#[derive(serde::Deserialize)]
struct TomlFile {
    tiles: Option<AtlasTiles>,
}

impl AtlasTiles {
    /// Reads the `[tiles]` table of `dir/atlas.toml` (defaults when there is none).
    ///
    /// # Errors
    /// [`TilesError::Io`] if the file cannot be read; [`TilesError::Config`] if the table is
    /// malformed (unknown key, zoom out of range).
    pub fn from_atlas_dir(dir: &Path) -> Result<Self, TilesError> {
        let path = dir.join("atlas.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| TilesError::Io {
            path: path.clone(),
            source,
        })?;
        Self::from_toml(&text, &path)
    }

    /// Parses the `[tiles]` table from the text of an `atlas.toml` read from `path`.
    ///
    /// # Errors
    /// [`TilesError::Config`] naming the line of the problem.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, TilesError> {
        let parsed: TomlFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            TilesError::Config {
                path: path.to_path_buf(),
                line,
                message: e.message().to_owned(),
            }
        })?;
        let mut cfg = parsed.tiles.unwrap_or_default();
        cfg.path = path.to_path_buf();
        cfg.text = text.to_owned();
        let bad = |message: String| TilesError::Config {
            path: path.to_path_buf(),
            line: text
                .lines()
                .position(|l| l.trim_start().starts_with("[tiles"))
                .map_or(1, |i| i + 1),
            message,
        };
        let max = super::mercator::MAX_ZOOM;
        for (name, z) in std::iter::once((
            "[tiles]",
            LayerZooms {
                minzoom: Some(cfg.minzoom),
                maxzoom: Some(cfg.maxzoom),
            },
        ))
        .chain(cfg.layers.iter().map(|(k, v)| (k.as_str(), *v)))
        {
            let lo = z.minzoom.unwrap_or(cfg.minzoom);
            let hi = z.maxzoom.unwrap_or(cfg.maxzoom);
            if hi > max || lo > hi {
                return Err(bad(format!(
                    "tiles {name}: zoom range {lo}..{hi} is not within 0..{max} with minzoom <= maxzoom"
                )));
            }
        }
        Ok(cfg)
    }

    /// Reads the `[tiles]` table of `dir/atlas.toml` and checks that every layer it names exists.
    ///
    /// # Errors
    /// See [`AtlasTiles::from_atlas_dir`] and [`AtlasTiles::check_layers`].
    pub fn for_atlas(dir: &Path, layers: &Layers) -> Result<Self, TilesError> {
        let cfg = Self::from_atlas_dir(dir)?;
        cfg.check_layers(layers)?;
        Ok(cfg)
    }

    /// Checks that every `[tiles.layers.NAME]` names a layer of `layers`.
    ///
    /// # Errors
    /// [`TilesError::Config`] naming the unknown layer and the known ones.
    pub fn check_layers(&self, layers: &Layers) -> Result<(), TilesError> {
        let names: Vec<&str> = layers.all().map(|l| l.name.as_str()).collect();
        match self.layers.keys().find(|k| !names.contains(&k.as_str())) {
            Some(unknown) => Err(TilesError::Config {
                path: self.path.clone(),
                line: self
                    .text
                    .lines()
                    .position(|l| l.contains(&format!("tiles.layers.{unknown}")))
                    .map_or(0, |i| i + 1),
                message: format!(
                    "[tiles.layers.{unknown}]: there is no such layer (layers: {})",
                    names.join(", ")
                ),
            }),
            None => Ok(()),
        }
    }

    /// The zoom range of layer `name`.
    #[must_use]
    pub fn range(&self, name: &str) -> (u8, u8) {
        let z = self.layers.get(name).copied().unwrap_or_default();
        (
            z.minzoom.unwrap_or(self.minzoom),
            z.maxzoom.unwrap_or(self.maxzoom),
        )
    }
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
    for layer in layers.all() {
        let (lo, hi) = config.range(&layer.name);
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

    #[test]
    fn tiles_table_sets_default_and_per_layer_zooms() {
        let text = "[atlas]\nid = \"x\"\n\n[tiles]\nmaxzoom = 12\nsimplify_px = 0.5\n\n[tiles.layers.coast]\nmaxzoom = 9\n\n[tiles.layers.sites]\nminzoom = 2\n";
        let t = AtlasTiles::from_toml(text, Path::new("atlas.toml")).unwrap();
        assert_eq!(t.range("coast"), (0, 9));
        assert_eq!(t.range("sites"), (2, 12));
        assert_eq!(t.range("events"), (0, 12));
        assert_eq!(t.simplify_px, Some(0.5));
        let none = AtlasTiles::from_toml("[atlas]\nid = \"x\"\n", Path::new("a.toml")).unwrap();
        assert_eq!(none.range("sites"), (0, 14));
    }

    #[test]
    fn bad_tiles_tables_are_located() {
        let e = AtlasTiles::from_toml("[atlas]\n\n[tiles]\nmaxzom = 3\n", Path::new("atlas.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("atlas.toml:4:") && e.contains("maxzom"),
            "{e}"
        );
        let e = AtlasTiles::from_toml(
            "[tiles.layers.coast]\nminzoom = 9\nmaxzoom = 3\n",
            Path::new("atlas.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("coast") && e.contains("9..3"), "{e}");
        let e = AtlasTiles::from_toml("[tiles]\nmaxzoom = 25\n", Path::new("atlas.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("0..20"), "{e}");
    }
}
