//! `gazmap tiles`: vector tiles from any GeoJSON, GeoJSONSeq, CSV or FlatGeobuf, with
//! tippecanoe's flags where gazmap has the feature.

use std::path::PathBuf;

use super::Failure;

/// Arguments of `gazmap tiles` (names follow tippecanoe where they can).
#[derive(Debug, clap::Args)]
pub(super) struct TilesArgs {
    /// GeoJSON FeatureCollection / Feature files, or GeoJSONSeq (one feature per line; read as
    /// such when the name ends in .geojsonl, .geojsons, .geojsonseq, .ndjson or .jsonl, or the
    /// file starts with the RS character), CSV (.csv: a point per row from its lon/lat columns)
    /// or FlatGeobuf (.fgb, WGS84).
    #[arg(required_unless_present = "named_layer")]
    inputs: Vec<PathBuf>,
    /// An input with its own layer: NAME:FILE, or a JSON layer spec
    /// {"file": ..., "layer": ..., "description": ..., "minzoom": ..., "maxzoom": ...}
    /// (repeatable).
    #[arg(short = 'L', long, value_name = "SPEC", value_parser = gazmap::tiles::parse_named_layer)]
    named_layer: Vec<gazmap::tiles::NamedLayer>,
    /// Output archive (.pmtiles, or .mbtiles).
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// Put all inputs into this one layer (default: one layer per file, named after it).
    #[arg(short = 'l', long)]
    layer: Option<String>,
    /// Last zoom level, or `g` to choose it from the spacing of the data (tippecanoe's -zg, capped
    /// at about 2 million tiles of polygon area).
    #[arg(short = 'z', long, default_value = "14", value_parser = zoom_or_guess)]
    maxzoom: ZoomArg,
    /// First zoom level.
    #[arg(short = 'Z', long, default_value_t = 0)]
    minzoom: u8,
    /// Zoom from which every point is shown (default: maxzoom), or `g` for the lowest zoom whose
    /// tiles all hold under 50,000 features (with -zg: the chosen maxzoom).
    #[arg(short = 'B', long, value_parser = zoom_or_guess)]
    base_zoom: Option<ZoomArg>,
    /// Below the base zoom, each zoom keeps one point in RATE (1: keep all), counted within
    /// each square of --drop-spacing pixels, so every square that had a point keeps one.
    #[arg(short = 'r', long, default_value_t = 2.5)]
    drop_rate: f64,
    /// Side of the squares the drop rate is counted in, pixels (a power of two, 1-256): sparse
    /// points farther apart than this stay at every zoom.
    #[arg(long, default_value_t = 16.0)]
    drop_spacing: f64,
    /// When a tile is over the size limit, drop its densest (lowest --priority) features.
    #[arg(long, group = "as_needed")]
    drop_densest_as_needed: bool,
    /// When a tile is over the size limit, drop an evenly spread fraction of its features.
    #[arg(long, group = "as_needed")]
    drop_fraction_as_needed: bool,
    /// When a tile is over the size limit, drop its smallest features first (points, then the
    /// shortest lines and smallest polygons).
    #[arg(long, group = "as_needed")]
    drop_smallest_as_needed: bool,
    /// When a tile is over the size limit, merge its densest features into their nearest
    /// neighbour of the same layer and type (which keeps its attributes): no geometry is lost.
    #[arg(long, group = "as_needed")]
    coalesce_densest_as_needed: bool,
    /// When a tile is over the size limit, fold its densest points into clusters (with
    /// point_count ... as --cluster-distance); other features are dropped.
    #[arg(long, group = "as_needed")]
    cluster_densest_as_needed: bool,
    /// Cluster points within PX pixels of a cluster's first point, at zooms up to
    /// --cluster-maxzoom. Clusters carry clustered, point_count, point_count_abbreviated,
    /// sqrt_point_count and their members' bounding box (cluster_west, cluster_south,
    /// cluster_east, cluster_north); clustering replaces thinning by the drop rate.
    #[arg(long, value_name = "PX", default_value_t = 0.0)]
    cluster_distance: f64,
    /// Deepest zoom clustered by --cluster-distance (default: one less than maxzoom).
    #[arg(long, value_name = "ZOOM")]
    cluster_maxzoom: Option<u8>,
    /// Combine a property over a cluster's members: NAME:sum, max, min, mean, concat or comma
    /// (repeatable).
    #[arg(long, value_name = "NAME:OP", value_parser = parse_accumulate)]
    accumulate_attribute: Vec<(String, gazmap::tiles::Accumulate)>,
    /// Largest gzipped tile in bytes.
    #[arg(short = 'M', long, default_value_t = 500_000)]
    maximum_tile_bytes: usize,
    /// Most features in one tile.
    #[arg(long, default_value_t = 200_000)]
    maximum_tile_features: usize,
    /// No tile size or feature limit.
    #[arg(long)]
    no_tile_size_limit: bool,
    /// Simplification tolerance in pixels (1/256 of a tile) at every zoom; 0 turns it off.
    #[arg(short = 'S', long, default_value_t = 0.25)]
    simplify_px: f64,
    /// Buffer around each tile in pixels (1/256 of a tile).
    #[arg(short = 'b', long, default_value_t = 5.0)]
    buffer_px: f64,
    /// Keep only this property (repeatable).
    #[arg(short = 'y', long = "include")]
    include: Vec<String>,
    /// Drop this property (repeatable).
    #[arg(short = 'x', long = "exclude")]
    exclude: Vec<String>,
    /// Drop all properties.
    #[arg(short = 'X', long)]
    exclude_all: bool,
    /// Numeric property: features with higher values survive thinning first.
    #[arg(long)]
    priority: Option<String>,
    /// Number the features 1, 2, 3 ... in input order as their feature ids, as tippecanoe does
    /// (MapLibre feature-state needs ids).
    #[arg(long, conflicts_with = "use_attribute_for_id")]
    generate_ids: bool,
    /// Take each feature's id from this property (a non-negative integer or a string of
    /// digits; 0 is kept); features without one get no id.
    #[arg(long, value_name = "NAME")]
    use_attribute_for_id: Option<String>,
    /// Convert a property to a type: NAME:int, NAME:float, NAME:string or NAME:bool
    /// (repeatable); values that cannot be converted are dropped.
    #[arg(short = 'T', long = "attribute-type", value_name = "NAME:TYPE", value_parser = gazmap::tiles::parse_type_spec)]
    attribute_type: Vec<(String, gazmap::tiles::AttrType)>,
    /// Tileset name (default: the output file's stem).
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// Tileset description.
    #[arg(long, default_value = "")]
    description: String,
    /// Attribution.
    #[arg(long, default_value = "")]
    attribution: String,
}

fn parse_accumulate(spec: &str) -> Result<(String, gazmap::tiles::Accumulate), String> {
    use gazmap::tiles::Accumulate;
    let (name, op) = spec
        .rsplit_once(':')
        .ok_or_else(|| format!("`{spec}`: expected NAME:sum|max|min|mean|concat|comma"))?;
    let op = match op {
        "sum" => Accumulate::Sum,
        "max" => Accumulate::Max,
        "min" => Accumulate::Min,
        "mean" => Accumulate::Mean,
        "concat" => Accumulate::Concat,
        "comma" => Accumulate::Comma,
        other => {
            return Err(format!(
                "unknown operation `{other}` (sum, max, min, mean, concat or comma)"
            ));
        }
    };
    Ok((name.to_owned(), op))
}

/// A zoom level, or `g`: guess it from the data.
#[derive(Debug, Clone, Copy)]
enum ZoomArg {
    Zoom(u8),
    Guess,
}

fn zoom_or_guess(s: &str) -> Result<ZoomArg, String> {
    if s == "g" {
        return Ok(ZoomArg::Guess);
    }
    s.parse::<u8>()
        .map(ZoomArg::Zoom)
        .map_err(|_| format!("`{s}`: expected a zoom level (0-20) or g"))
}

pub(super) fn run(a: TilesArgs) -> Result<String, Failure> {
    use gazmap::tiles::{self, InputOptions, TileOptions, TilesError};
    let limit = |v: usize| (!a.no_tile_size_limit).then_some(v);
    let opts = TileOptions {
        minzoom: a.minzoom,
        maxzoom: match a.maxzoom {
            ZoomArg::Zoom(z) => z,
            ZoomArg::Guess => 14,
        },
        base_zoom: match a.base_zoom {
            Some(ZoomArg::Zoom(z)) => Some(z),
            _ => None,
        },
        guess_maxzoom: matches!(a.maxzoom, ZoomArg::Guess),
        guess_base_zoom: matches!(a.base_zoom, Some(ZoomArg::Guess)),
        drop_rate: a.drop_rate,
        drop_spacing_px: a.drop_spacing,
        buffer_px: a.buffer_px,
        simplify_px: a.simplify_px,
        max_tile_bytes: limit(a.maximum_tile_bytes),
        max_tile_features: limit(a.maximum_tile_features),
        drop_densest: a.drop_densest_as_needed,
        as_needed: if a.drop_fraction_as_needed {
            Some(tiles::AsNeeded::DropFraction)
        } else if a.drop_smallest_as_needed {
            Some(tiles::AsNeeded::DropSmallest)
        } else if a.coalesce_densest_as_needed {
            Some(tiles::AsNeeded::CoalesceDensest)
        } else if a.cluster_densest_as_needed {
            Some(tiles::AsNeeded::ClusterDensest)
        } else {
            None
        },
        stats: true,
        cluster_distance_px: a.cluster_distance,
        cluster_maxzoom: a.cluster_maxzoom,
        accumulate: a.accumulate_attribute.clone(),
        name: a.name.clone().unwrap_or_else(|| {
            a.output
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        }),
        description: a.description.clone(),
        attribution: a.attribution.clone(),
        center: None,
        center_zoom: None,
    };
    let input = InputOptions {
        layer: a.layer.clone(),
        include: a.include.clone(),
        exclude: a.exclude.clone(),
        exclude_all: a.exclude_all,
        priority: a.priority.clone(),
        generate_ids: a.generate_ids,
        id_attribute: a.use_attribute_for_id.clone(),
        types: a.attribute_type.clone(),
        named: a.named_layer.clone(),
    };
    let bar = tiles::StderrBar::default();
    let report =
        tiles::tile_geojson(&a.inputs, &input, &opts, &a.output, &bar).map_err(|e| match e {
            TilesError::Parse { .. } | TilesError::Geometry { .. } | TilesError::Empty => {
                Failure::Input(e.to_string())
            }
            other => Failure::Other(other.to_string()),
        })?;
    if report.wrapped_features > 0 {
        eprintln!(
            "note: {} features have longitudes beyond 180 (0..360 data); wrapped into -180..180",
            report.wrapped_features
        );
    }
    let mut lines = vec![];
    if matches!(a.maxzoom, ZoomArg::Guess) {
        let [typical, nearby] = report.guessed_spacing_m.unwrap_or([0.0, 0.0]);
        lines.push(format!(
            "chose maxzoom -z{} (features typically {typical:.0} m apart, {nearby:.0} m resolved)",
            report.maxzoom
        ));
        if let Some((wanted, tiles)) = report.guess_capped {
            lines.push(format!(
                "limited maxzoom to -z{} (not -z{wanted}) to keep from generating {tiles:.0} tiles",
                report.maxzoom
            ));
        }
    }
    if matches!(a.base_zoom, Some(ZoomArg::Guess)) {
        lines.push(format!("chose base zoom -B{}", report.base_zoom));
    }
    for (name, n) in &report.layers {
        lines.push(format!("{name:>12}: {n} features"));
    }
    for r in &report.zooms {
        let mut line = format!("{:>12}: {} tiles", format!("z{}", r.zoom), r.tiles);
        for (n, what) in [
            (
                r.dropped_by_rate,
                "points left for deeper zooms by the drop rate",
            ),
            (r.dropped_as_needed, "dropped as needed"),
            (r.coalesced_as_needed, "coalesced as needed"),
            (r.clusters, "clusters"),
            (r.clustered, "points folded into clusters"),
        ] {
            if n > 0 {
                line.push_str(&format!(", {n} {what}"));
            }
        }
        lines.push(line);
    }
    if report.split_features > 0 {
        lines.push(format!(
            "cut {} lines and polygons at the antimeridian",
            report.split_features
        ));
    }
    if report.repaired_polygons > 0 {
        lines.push(format!(
            "rebuilt {} polygons (per tile) that clipping, rounding or the input made invalid",
            report.repaired_polygons
        ));
    }
    if report.dropped_for_size > 0 {
        lines.push(format!(
            "dropped {} features from tiles over the size limit",
            report.dropped_for_size
        ));
    }
    lines.push(format!(
        "wrote {} ({} bytes): {} tiles, {} distinct",
        report.path.display(),
        report.bytes,
        report.tiles,
        report.distinct_tiles
    ));
    Ok(lines.join("\n"))
}
