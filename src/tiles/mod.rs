//! Vector tiles: Mapbox Vector Tile 2.1 in a PMTiles v3 archive (or MBTiles 1.3), from the atlas
//! layers (`gazmap build`) or from GeoJSON, GeoJSONSeq, CSV or FlatGeobuf files (`gazmap tiles`).
//!
//! What the tiles are:
//! * **MVT 2.1**, extent [`EXTENT`] (4096), a buffer around each tile (5 px of 256 by default),
//!   zigzag/delta-encoded commands, typed attributes. Geometry is clipped to the tile plus buffer
//!   *before* encoding ([`clip`]): an out-of-tile line never leaks into other tiles. Polygons get
//!   MVT winding in tile space, and nothing degenerate survives rounding ([`simplify`]); every
//!   polygon is checked on the tile grid and rebuilt if clipping, rounding or the input made it
//!   invalid ([`valid`]).
//! * **Per-zoom simplification** (Douglas–Peucker) that never moves a vertex by more than the
//!   tolerance, in pixels of that zoom (a pixel is 1/256 of a tile, 16 tile units).
//! * **Thinning** ([`thin`]) below the base zoom like tippecanoe's drop rate, counted within
//!   squares of 16 px so that sparse points stay at every zoom; or **clustering** of points
//!   ([`pyramid::ClusterPlan`]). A tile size limit (500 KB gzipped and 200,000 features by default,
//!   as tippecanoe) is met by dropping the densest, an even fraction or the smallest features, or
//!   by coalescing or clustering them ([`AsNeeded`]). Features marked *keep* (every atlas feature)
//!   are never dropped.
//! * **Input**: longitudes 0..360 wrapped and shapes cut at the antimeridian ([`wrap`]); ids,
//!   attribute types, per-feature zooms and layers as tippecanoe reads them ([`source`]); `-zg` and
//!   `-Bg` ([`guess`]).
//! * **PMTiles v3** ([`pmtiles`]): clustered, tiles deduplicated by content, directories in
//!   Hilbert order, gzip tile compression, metadata JSON with `vector_layers` (ids, typed fields,
//!   zooms), bounds and center, and for `gazmap tiles` `tilestats` and the per-zoom `strategies`
//!   ([`stats`]). **MBTiles** ([`mbtiles`]) when the output ends in `.mbtiles`.
//! * **Deterministic**: the same input gives the same bytes, whatever the thread timing.
//!
//! Not supported: feature filters, zooms beyond [`mercator::MAX_ZOOM`] (20), and spilling to
//! disk: the store is in memory (about 75 MB per million points).
//!
//! The pipeline: [`source`] (or [`atlas`]) fills a compact [`Store`]; [`thin`] gives points their
//! first zoom; [`pyramid`] cuts the quadtree on all cores into a temporary file; [`pmtiles`] or
//! [`mbtiles`] writes the archive.

pub mod atlas;
pub mod clip;
pub mod encode;
pub mod guess;
pub mod mbtiles;
pub mod mercator;
pub mod pmtiles;
pub mod pyramid;
pub mod simplify;
pub mod source;
pub mod stats;
pub mod store;
pub mod thin;
pub mod valid;
pub mod wrap;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use atlas::AtlasTiles;
pub use pyramid::{Accumulate, AsNeeded};
pub use source::{AttrType, InputOptions, NamedLayer, parse_named_layer, parse_type_spec};
pub use store::Store;

/// Width and height of a tile in MVT units.
pub const EXTENT: u32 = 4096;

/// Tile units in one pixel (a tile is 256 pixels wide).
pub const UNITS_PER_PX: f64 = EXTENT as f64 / 256.0;

/// Why tiles could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TilesError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An input is not valid JSON or GeoJSON.
    #[error("{}:{line}:{column}: feature {feature}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// 1-based number of the feature being read.
        feature: u64,
        /// What is wrong.
        message: String,
    },
    /// An atlas feature has a geometry the tiler cannot take.
    #[error("layer {layer}, feature {feature}: {message}")]
    Geometry {
        /// Layer name.
        layer: String,
        /// Feature id.
        feature: String,
        /// What is wrong.
        message: String,
    },
    /// The `[tiles]` table of `atlas.toml` is malformed.
    #[error("{}:{line}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 if unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Options that cannot work together.
    #[error("{0}")]
    Options(String),
    /// There is nothing to tile.
    #[error("no features with a geometry in the input")]
    Empty,
    /// A tile could not be encoded.
    #[error("tile {tile}: cannot encode: {message}")]
    Encode {
        /// `z/x/y`.
        tile: String,
        /// The encoder's message.
        message: String,
    },
    /// A tile is over the size limit and dropping features was not allowed.
    #[error(
        "tile {tile} is too big ({bytes} bytes gzipped, {features} features); use --drop-densest-as-needed, a lower --maxzoom, or --no-tile-size-limit"
    )]
    TileTooBig {
        /// `z/x/y`.
        tile: String,
        /// Gzipped size.
        bytes: usize,
        /// Features in it.
        features: usize,
    },
    /// The PMTiles writer failed.
    #[error("{}: PMTiles: {message}", path.display())]
    Pmtiles {
        /// The archive.
        path: PathBuf,
        /// The writer's message.
        message: String,
    },
    /// The MBTiles (SQLite) writer failed.
    #[error("{}: MBTiles: {message}", path.display())]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's message.
        message: String,
    },
}

/// How to build tiles. The defaults follow tippecanoe's.
#[derive(Debug, Clone, PartialEq)]
pub struct TileOptions {
    /// First zoom written.
    pub minzoom: u8,
    /// Last zoom written.
    pub maxzoom: u8,
    /// Zoom from which every point is shown (default: `maxzoom`).
    pub base_zoom: Option<u8>,
    /// `-zg`: choose `maxzoom` from the spacing of the data (tippecanoe's rule).
    pub guess_maxzoom: bool,
    /// `-Bg`: choose the base zoom: the lowest zoom whose tiles all hold under 50,000 features
    /// (with `guess_maxzoom`: the chosen maxzoom, as tippecanoe).
    pub guess_base_zoom: bool,
    /// Below the base zoom each zoom keeps one point in `drop_rate` (1: keep all).
    pub drop_rate: f64,
    /// The drop rate is counted within squares of this many **pixels** (a power of two, 1..=256)
    /// at each zoom; every square that had a point keeps one.
    pub drop_spacing_px: f64,
    /// Buffer around each tile, **pixels** (1/256 of a tile).
    pub buffer_px: f64,
    /// Simplification tolerance, **pixels** (1/256 of a tile) at each zoom.
    pub simplify_px: f64,
    /// Largest gzipped tile, **bytes** (`None`: no limit).
    pub max_tile_bytes: Option<usize>,
    /// Most features in a tile (`None`: no limit).
    pub max_tile_features: Option<usize>,
    /// Drop the densest features of a tile over a limit instead of failing.
    pub drop_densest: bool,
    /// Another way to bring a tile under the limits (overrides `drop_densest`).
    pub as_needed: Option<AsNeeded>,
    /// Write `tilestats` and the per-zoom `strategies` report into the metadata.
    pub stats: bool,
    /// Cluster points within this many **pixels** of a cluster's first point (0: no clustering
    /// by distance). Clustering replaces thinning by the drop rate.
    pub cluster_distance_px: f64,
    /// Deepest zoom clustered by distance (default: one less than `maxzoom`, so the last zoom
    /// shows every point).
    pub cluster_maxzoom: Option<u8>,
    /// Attributes combined over a cluster's members (`--accumulate-attribute NAME:OP`).
    pub accumulate: Vec<(String, Accumulate)>,
    /// Tileset name for the metadata.
    pub name: String,
    /// Tileset description.
    pub description: String,
    /// Attribution (HTML allowed by TileJSON).
    pub attribution: String,
    /// Map center lon/lat **degrees** (default: the middle of the data).
    pub center: Option<[f64; 2]>,
    /// Zoom to open the map at (default: the zoom that fits the data).
    pub center_zoom: Option<u8>,
}

impl Default for TileOptions {
    fn default() -> Self {
        Self {
            minzoom: 0,
            maxzoom: 14,
            base_zoom: None,
            guess_maxzoom: false,
            guess_base_zoom: false,
            drop_rate: 2.5,
            drop_spacing_px: 16.0,
            buffer_px: 5.0,
            simplify_px: 0.25,
            max_tile_bytes: Some(500_000),
            max_tile_features: Some(200_000),
            drop_densest: false,
            as_needed: None,
            stats: false,
            cluster_distance_px: 0.0,
            cluster_maxzoom: None,
            accumulate: vec![],
            name: String::new(),
            description: String::new(),
            attribution: String::new(),
            center: None,
            center_zoom: None,
        }
    }
}

/// Reports progress of a long build (the CLI draws a bar; the library is silent by default).
pub trait Progress: Sync {
    /// A phase starts; `total` is its length in steps if known.
    fn begin(&self, _phase: &str, _total: Option<u64>) {}
    /// `n` more steps are done.
    fn advance(&self, _n: u64) {}
    /// The phase is done.
    fn end(&self) {}
}

/// No progress output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {}

/// A progress bar on standard error (`indicatif`); it draws nothing when stderr is not a terminal.
#[derive(Debug)]
pub struct StderrBar {
    bar: Mutex<indicatif::ProgressBar>,
}

impl Default for StderrBar {
    fn default() -> Self {
        Self {
            bar: Mutex::new(indicatif::ProgressBar::hidden()),
        }
    }
}

impl StderrBar {
    fn bar(&self) -> indicatif::ProgressBar {
        self.bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Progress for StderrBar {
    fn begin(&self, phase: &str, total: Option<u64>) {
        let target = indicatif::ProgressDrawTarget::stderr();
        let bar = match total {
            Some(n) => {
                let b = indicatif::ProgressBar::with_draw_target(Some(n), target);
                let unit = if phase == "reading" {
                    "{bytes}/{total_bytes}"
                } else {
                    "{pos}/{len}"
                };
                if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
                    "{{prefix:>8}} [{{bar:40}}] {unit} {{elapsed}}"
                )) {
                    b.set_style(style.progress_chars("=> "));
                }
                b
            }
            None => {
                let b = indicatif::ProgressBar::with_draw_target(None, target);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{prefix:>8} {spinner} {pos} tiles {elapsed}",
                ) {
                    b.set_style(style);
                }
                b
            }
        };
        bar.set_prefix(phase.to_owned());
        *self
            .bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = bar;
    }

    fn advance(&self, n: u64) {
        self.bar().inc(n);
    }

    fn end(&self) {
        self.bar().finish_and_clear();
    }
}

/// Tileset metadata: the PMTiles header fields and the TileJSON-style JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Attribution.
    pub attribution: String,
    /// First zoom.
    pub minzoom: u8,
    /// Last zoom.
    pub maxzoom: u8,
    /// west, south, east, north, **degrees**.
    pub bounds: [f64; 4],
    /// lon, lat **degrees**.
    pub center: [f64; 2],
    /// Zoom to open at.
    pub center_zoom: u8,
    /// The vector layers.
    pub layers: Vec<VectorLayer>,
    /// Mapbox `tilestats`: per layer its count, geometry type and attribute values.
    pub tilestats: Option<serde_json::Value>,
    /// Per zoom (from 0), what was thinned, dropped or coalesced, as tippecanoe's `strategies`.
    pub strategies: Option<serde_json::Value>,
}

/// One entry of the TileJSON `vector_layers` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorLayer {
    /// Layer id (its name in the tiles).
    pub id: String,
    /// Description.
    pub description: String,
    /// First zoom.
    pub minzoom: u8,
    /// Last zoom.
    pub maxzoom: u8,
    /// Fields and their types (`String`, `Number`, `Boolean`, `Mixed`).
    pub fields: Vec<(String, &'static str)>,
}

impl Metadata {
    fn vector_layers(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.layers
                .iter()
                .map(|l| {
                    let mut f = serde_json::Map::new();
                    for (name, ty) in &l.fields {
                        f.insert(name.clone(), (*ty).into());
                    }
                    serde_json::json!({
                        "id": l.id,
                        "description": l.description,
                        "minzoom": l.minzoom,
                        "maxzoom": l.maxzoom,
                        "fields": f,
                    })
                })
                .collect(),
        )
    }

    /// The metadata JSON of the PMTiles archive (keys in a fixed order).
    #[must_use]
    pub fn json(&self) -> String {
        let mut v = serde_json::json!({
            "name": self.name,
            "description": self.description,
            "attribution": self.attribution,
            "version": "2",
            "type": "overlay",
            "format": "pbf",
            "generator": concat!("gazmap ", env!("CARGO_PKG_VERSION")),
            "minzoom": self.minzoom,
            "maxzoom": self.maxzoom,
            "bounds": self.bounds,
            "center": [self.center[0], self.center[1], self.center_zoom],
            "vector_layers": self.vector_layers(),
        });
        if let Some(o) = v.as_object_mut() {
            if let Some(t) = &self.tilestats {
                o.insert("tilestats".into(), t.clone());
            }
            if let Some(st) = &self.strategies {
                o.insert("strategies".into(), st.clone());
            }
        }
        v.to_string()
    }

    /// The rows of the MBTiles `metadata` table.
    #[must_use]
    pub fn mbtiles_rows(&self) -> Vec<(&'static str, String)> {
        let b = self.bounds;
        vec![
            ("name", self.name.clone()),
            ("description", self.description.clone()),
            ("attribution", self.attribution.clone()),
            ("version", "2".into()),
            ("type", "overlay".into()),
            ("format", "pbf".into()),
            (
                "generator",
                concat!("gazmap ", env!("CARGO_PKG_VERSION")).into(),
            ),
            ("minzoom", self.minzoom.to_string()),
            ("maxzoom", self.maxzoom.to_string()),
            ("bounds", format!("{},{},{},{}", b[0], b[1], b[2], b[3])),
            (
                "center",
                format!("{},{},{}", self.center[0], self.center[1], self.center_zoom),
            ),
            ("json", {
                let mut j = serde_json::json!({ "vector_layers": self.vector_layers() });
                if let Some(o) = j.as_object_mut() {
                    if let Some(t) = &self.tilestats {
                        o.insert("tilestats".into(), t.clone());
                    }
                    if let Some(st) = &self.strategies {
                        o.insert("strategies".into(), st.clone());
                    }
                }
                j.to_string()
            }),
        ]
    }
}

/// What a tile build wrote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TilesReport {
    /// The archive.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Features read (after splitting collections).
    pub features: u64,
    /// Tiles addressed (identical tiles counted each time).
    pub tiles: u64,
    /// Distinct tile contents stored.
    pub distinct_tiles: u64,
    /// Tiles per zoom, `(zoom, count)`.
    pub per_zoom: Vec<(u8, u64)>,
    /// Features per layer, `(layer, count)`.
    pub layers: Vec<(String, u64)>,
    /// Features dropped from tiles over a size limit (one per tile they left).
    pub dropped_for_size: u64,
    /// Per zoom: what thinning, the size limit and clustering did (nothing dropped silently).
    pub zooms: Vec<ZoomReport>,
    /// Tiles still over a limit because only protected features were left in them.
    pub oversized_tiles: u64,
    /// The last zoom written (chosen from the data with `-zg`).
    pub maxzoom: u8,
    /// The base zoom used (chosen from the data with `-Bg`).
    pub base_zoom: u8,
    /// With `-zg`: the points' typical spacing and the spacing the chosen zoom resolves,
    /// **metres**.
    pub guessed_spacing_m: Option<[f64; 2]>,
    /// With `-zg`: the zoom the data asked for and the tiles it would have made, when
    /// tippecanoe's cap of about 2 million tiles ([`guess::cap_maxzoom`]) lowered it.
    pub guess_capped: Option<(u8, f64)>,
    /// Polygons (one per feature and tile) that clipping, rounding or the input made invalid and
    /// that were rebuilt valid ([`valid`]).
    pub repaired_polygons: u64,
    /// Input features whose longitudes were outside -180..180 (0..360 data) and were wrapped.
    pub wrapped_features: u64,
    /// Input lines and polygons cut at the antimeridian.
    pub split_features: u64,
}

/// What happened to the features at one zoom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ZoomReport {
    /// The zoom.
    pub zoom: u8,
    /// Tiles written.
    pub tiles: u64,
    /// Points not shown yet at this zoom by the drop rate (or their own `tippecanoe` minzoom).
    pub dropped_by_rate: u64,
    /// Features dropped from tiles over a limit (counted per tile).
    pub dropped_as_needed: u64,
    /// Features coalesced into a neighbour in tiles over a limit (counted per tile).
    pub coalesced_as_needed: u64,
    /// Clusters written (counted per tile).
    pub clusters: u64,
    /// Points folded into clusters besides each cluster's first (counted per tile).
    pub clustered: u64,
}

/// The deepest zoom at which `bounds` (west, south, east, north, **degrees**) still fit in about
/// one tile's width (latitude counted double, as Mercator stretches it at these latitudes).
#[must_use]
pub fn fit_zoom(bounds: [f64; 4]) -> u8 {
    let span = (bounds[2] - bounds[0])
        .max((bounds[3] - bounds[1]) * 2.0)
        .max(1e-6);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let z = (360.0 / span).log2().floor().clamp(0.0, 31.0) as u8;
    z
}

fn check_options(o: &TileOptions) -> Result<(), TilesError> {
    if o.maxzoom > mercator::MAX_ZOOM {
        return Err(TilesError::Options(format!(
            "maxzoom {} is beyond the deepest zoom the tiler supports ({})",
            o.maxzoom,
            mercator::MAX_ZOOM
        )));
    }
    if o.minzoom > o.maxzoom {
        return Err(TilesError::Options(format!(
            "minzoom {} is above maxzoom {}",
            o.minzoom, o.maxzoom
        )));
    }
    if o.drop_rate.is_nan() || o.drop_rate < 1.0 {
        return Err(TilesError::Options(format!(
            "drop rate {} must be at least 1",
            o.drop_rate
        )));
    }
    if thin::spacing_levels(o.drop_spacing_px).is_none() {
        return Err(TilesError::Options(format!(
            "drop spacing {} must be a power of two from 1 to 256 pixels",
            o.drop_spacing_px
        )));
    }
    if !(0.0..=128.0).contains(&o.buffer_px) || o.simplify_px.is_nan() || o.simplify_px < 0.0 {
        return Err(TilesError::Options(
            "buffer must be 0..128 pixels and simplification at least 0".into(),
        ));
    }
    Ok(())
}

/// Cuts a filled store into tiles and writes the archive `dest`: PMTiles v3, or MBTiles if the
/// name ends in `.mbtiles`. The store is consumed (and freed before the archive is written).
///
/// # Errors
/// [`TilesError::Options`] for impossible options, [`TilesError::Empty`] for an empty store,
/// and the errors of the tiler and the writers.
pub fn write_store(
    mut store: Store,
    opts: &TileOptions,
    dest: &Path,
    progress: &dyn Progress,
) -> Result<TilesReport, TilesError> {
    check_options(opts)?;
    if store.is_empty() {
        return Err(TilesError::Empty);
    }
    store.finish();
    let mut guessed_spacing_m = None;
    let mut guess_capped = None;
    let mut chosen = opts.clone();
    if opts.guess_maxzoom {
        let g = guess::guess_maxzoom(&store).ok_or_else(|| {
            TilesError::Options(
                "cannot guess maxzoom (-zg) without at least two distinct feature locations".into(),
            )
        })?;
        let (capped, tiles) = guess::cap_maxzoom(&store, g.maxzoom);
        guess_capped = tiles.map(|t| (g.maxzoom, t));
        chosen.maxzoom = capped.max(opts.minzoom);
        guessed_spacing_m = Some([g.typical_m, g.nearby_m]);
    }
    if opts.guess_base_zoom {
        chosen.base_zoom = Some(if opts.guess_maxzoom {
            chosen.maxzoom
        } else {
            guess::guess_base_zoom(&store, 50_000).min(chosen.maxzoom)
        });
    }
    let opts = &chosen;
    let base = opts.base_zoom.unwrap_or(opts.maxzoom);
    let levels = thin::spacing_levels(opts.drop_spacing_px).unwrap_or(4);
    let clustering = opts.cluster_distance_px > 0.0;
    if !clustering {
        thin::assign_minzoom(&mut store, opts.minzoom, base, opts.drop_rate, levels);
    }
    let cluster = (clustering || opts.as_needed == Some(AsNeeded::ClusterDensest)).then(|| {
        pyramid::ClusterPlan {
            distance_units: opts.cluster_distance_px * UNITS_PER_PX,
            maxzoom: opts
                .cluster_maxzoom
                .unwrap_or_else(|| opts.maxzoom.saturating_sub(1)),
            accumulate: opts
                .accumulate
                .iter()
                .filter_map(|(name, op)| store.find_key(name).map(|k| (k, *op)))
                .collect(),
        }
    });
    // Zoom 0's tolerance in grid units (a tile unit at zoom 0 is WORLD / EXTENT).
    store.rank_vertices(
        opts.simplify_px * UNITS_PER_PX * mercator::WORLD_U32 / f64::from(EXTENT),
        opts.maxzoom,
    );
    store.shrink();
    let plan = pyramid::Plan {
        minzoom: opts.minzoom,
        maxzoom: opts.maxzoom,
        buffer_units: opts.buffer_px * UNITS_PER_PX,
        tolerance_units: opts.simplify_px * UNITS_PER_PX,
        max_bytes: opts.max_tile_bytes,
        max_features: opts.max_tile_features,
        as_needed: opts
            .as_needed
            .or(opts.drop_densest.then_some(AsNeeded::DropDensest)),
        cluster,
    };
    let sink = pyramid::Sink::beside(dest).map_err(|source| TilesError::Io {
        path: dest.to_path_buf(),
        source,
    })?;
    progress.begin("tiling", None);
    pyramid::run(&store, &plan, &sink, progress);
    progress.end();
    let collected = sink.finish()?;

    let bounds = store.bounds().unwrap_or([-180.0, -85.0, 180.0, 85.0]);
    let center = opts
        .center
        .unwrap_or([(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0]);
    let fit = opts.center_zoom.unwrap_or_else(|| fit_zoom(bounds));
    let layers = store
        .layers()
        .iter()
        .map(|l| VectorLayer {
            id: l.name.clone(),
            description: l.description.clone(),
            minzoom: l.minzoom.max(opts.minzoom),
            maxzoom: l.maxzoom.min(opts.maxzoom),
            fields: l
                .fields
                .iter()
                .map(|(k, kind)| (store.key_name(*k).to_owned(), kind.as_str()))
                .collect(),
        })
        .collect();
    let meta = Metadata {
        name: opts.name.clone(),
        description: opts.description.clone(),
        attribution: opts.attribution.clone(),
        minzoom: opts.minzoom,
        maxzoom: opts.maxzoom,
        bounds,
        center,
        center_zoom: fit.clamp(opts.minzoom, opts.maxzoom),
        layers,
        tilestats: None,
        strategies: None,
    };
    let mut later = [0u64; 33];
    for f in store
        .features
        .iter()
        .filter(|f| f.kind == store::GeomKind::Point)
    {
        later[usize::from(f.minzoom.min(32))] += 1;
    }
    let zooms: Vec<ZoomReport> = (opts.minzoom..=opts.maxzoom)
        .map(|z| {
            let zi = usize::from(z);
            ZoomReport {
                zoom: z,
                tiles: collected.per_zoom[zi],
                dropped_by_rate: later[zi + 1..].iter().sum(),
                dropped_as_needed: collected.dropped[zi],
                coalesced_as_needed: collected.coalesced[zi],
                clusters: collected.clusters[zi],
                clustered: collected.clustered[zi],
            }
        })
        .collect();
    let mut meta = meta;
    if opts.stats {
        meta.tilestats = Some(stats::tilestats(&store));
        meta.strategies = Some(stats::strategies(&zooms));
    }
    let features = store.len() as u64;
    let (wrapped_features, split_features) = (store.wrapped, store.split);
    let layer_counts = store
        .layers()
        .iter()
        .map(|l| (l.name.clone(), l.features))
        .collect();
    drop(store);

    let is_mbtiles = dest
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("mbtiles"));
    let bytes = if is_mbtiles {
        mbtiles::write(&collected, &meta, dest, progress)?
    } else {
        pmtiles::write(&collected, &meta, dest, progress)?
    };
    Ok(TilesReport {
        path: dest.to_path_buf(),
        bytes,
        features,
        tiles: collected.addressed(),
        distinct_tiles: collected.distinct() as u64,
        per_zoom: (0..=opts.maxzoom)
            .map(|z| (z, collected.per_zoom[usize::from(z)]))
            .filter(|(z, _)| *z >= opts.minzoom)
            .collect(),
        layers: layer_counts,
        dropped_for_size: collected.dropped.iter().sum(),
        zooms,
        oversized_tiles: collected.oversized,
        maxzoom: opts.maxzoom,
        base_zoom: base,
        guessed_spacing_m,
        guess_capped,
        repaired_polygons: collected.repaired,
        wrapped_features,
        split_features,
    })
}

/// `gazmap tiles`: reads GeoJSON / GeoJSONSeq files and writes a tile archive.
///
/// # Errors
/// See [`source::read_inputs`] and [`write_store`].
pub fn tile_geojson(
    inputs: &[PathBuf],
    input: &InputOptions,
    opts: &TileOptions,
    dest: &Path,
    progress: &dyn Progress,
) -> Result<TilesReport, TilesError> {
    check_options(opts)?;
    // With -zg the layers are open to the deepest zoom; the chosen maxzoom cuts them later.
    let layer_max = if opts.guess_maxzoom {
        mercator::MAX_ZOOM
    } else {
        opts.maxzoom
    };
    let store = source::read_inputs(inputs, input, opts.minzoom, layer_max, progress)?;
    write_store(store, opts, dest, progress)
}
