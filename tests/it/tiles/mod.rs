//! Vector tiles: the atlas archive of `gazmap build` and `gazmap tiles`, read back with the
//! pmtiles crate's own reader and decoded with an MVT decoder written from the spec ([`mvt`]),
//! not with the `mvt` crate the tiler encodes with.

pub(crate) mod mvt; // shared with the property tests and the fuzz targets
mod scale; // the 1,000-site synthetic atlas: zooms from the data, every feature kept
mod validate; // every polygon of a whole archive valid: the world coast, or the polygon benchmark's

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use futures_util::TryStreamExt;
use gazmap::layers::{Layers, Value};
use gazmap::tiles::{self, InputOptions, TileOptions};
use pmtiles::{AsyncPmTilesReader, Compression, HashMapCache, MmapBackend, TileCoord, TileType};

use crate::util;

/// Buffer of the default options, in tile units (5 px of 256 on a 4096 tile).
const BUFFER: i64 = 80;

/// One directory entry: the tiles it covers and their (shared) decoded content.
struct Run {
    coords: Vec<(u8, u32, u32)>,
    tile: mvt::Tile,
}

struct Archive {
    tile_type: TileType,
    tile_compression: Compression,
    min_zoom: u8,
    max_zoom: u8,
    clustered: bool,
    addressed: u64,
    contents: u64,
    bounds: [f64; 4],
    center: [f64; 2],
    center_zoom: u8,
    metadata: serde_json::Value,
    runs: Vec<Run>,
}

impl Archive {
    fn at_zoom(&self, z: u8) -> impl Iterator<Item = (&(u8, u32, u32), &mvt::Tile)> {
        self.runs.iter().flat_map(move |r| {
            r.coords
                .iter()
                .filter(move |c| c.0 == z)
                .map(move |c| (c, &r.tile))
        })
    }
}

fn read_pmtiles(path: &Path) -> Archive {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let backend = MmapBackend::try_from(path).await.unwrap();
        let reader = Arc::new(
            AsyncPmTilesReader::try_from_cached_source(backend, HashMapCache::default())
                .await
                .unwrap(),
        );
        let h = reader.get_header();
        let metadata: serde_json::Value =
            serde_json::from_str(&reader.get_metadata().await.unwrap()).unwrap();
        let mut archive = Archive {
            tile_type: h.tile_type,
            tile_compression: h.tile_compression,
            min_zoom: h.min_zoom,
            max_zoom: h.max_zoom,
            clustered: h.clustered(),
            addressed: h.n_addressed_tiles().map_or(0, |n| n.get()),
            contents: h.n_tile_contents().map_or(0, |n| n.get()),
            bounds: [
                h.min_longitude,
                h.min_latitude,
                h.max_longitude,
                h.max_latitude,
            ],
            center: [h.center_longitude, h.center_latitude],
            center_zoom: h.center_zoom,
            metadata,
            runs: vec![],
        };
        let entries: Vec<pmtiles::DirEntry> = reader.clone().entries().try_collect().await.unwrap();
        for e in &entries {
            let ids: Vec<pmtiles::TileId> = e.iter_coords().collect();
            let data = reader
                .get_tile_decompressed(ids[0])
                .await
                .unwrap()
                .expect("every directory entry has a tile");
            let tile = mvt::decode(&data).unwrap_or_else(|err| panic!("tile {ids:?}: {err}"));
            let coords = ids
                .iter()
                .map(|id| {
                    let c = TileCoord::from(*id);
                    (c.z(), c.x(), c.y())
                })
                .collect();
            archive.runs.push(Run { coords, tile });
        }
        archive
    })
}

fn atlas_layers() -> &'static Layers {
    static LAYERS: OnceLock<Layers> = OnceLock::new();
    LAYERS.get_or_init(|| {
        let checked = gazmap::open(&util::vorkuta()).unwrap();
        gazmap::layers::build(&checked.atlas).unwrap()
    })
}

fn atlas_archive() -> &'static Archive {
    static ARCHIVE: OnceLock<Archive> = OnceLock::new();
    ARCHIVE.get_or_init(|| read_pmtiles(&util::vorkuta_build().join("vorkuta.pmtiles")))
}

#[test]
fn atlas_archive_header_and_metadata_read_back_with_the_pmtiles_reader() {
    let a = atlas_archive();
    assert_eq!(a.tile_type, TileType::Mvt);
    assert_eq!(a.tile_compression, Compression::Gzip);
    assert_eq!((a.min_zoom, a.max_zoom), (0, 14));
    assert!(a.clustered, "tiles are written in tile-id order");
    let addressed: u64 = a.runs.iter().map(|r| r.coords.len() as u64).sum();
    assert_eq!(a.addressed, addressed);
    assert!(a.contents as usize <= a.runs.len() && a.contents > 1000);
    // The data bounds hold the atlas extent; the center is the middle of the atlas extent.
    let e = atlas_layers().extent;
    assert!(
        a.bounds[0] <= e[0] && a.bounds[1] <= e[1] && a.bounds[2] >= e[2] && a.bounds[3] >= e[3]
    );
    assert!((a.center[0] - (e[0] + e[2]) / 2.0).abs() < 1e-6);
    assert!((a.center[1] - (e[1] + e[3]) / 2.0).abs() < 1e-6);
    assert_eq!(
        a.center_zoom, 4,
        "the atlas extent, 16 degrees wide, fits zoom 4"
    );

    let layers = a.metadata["vector_layers"].as_array().unwrap();
    let ids: Vec<&str> = layers.iter().map(|l| l["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = atlas_layers().all().map(|l| l.name.as_str()).collect();
    assert_eq!(ids, expected);
    for name in [
        "sites",
        "uncertainty",
        "events",
        "transfers",
        "claims",
        "coast",
        "lakes",
        "rivers",
        "regions",
    ] {
        assert!(ids.contains(&name), "layer {name} missing from {ids:?}");
    }
    let sites = layers.iter().find(|l| l["id"] == "sites").unwrap();
    assert_eq!(sites["minzoom"], 0);
    assert_eq!(sites["maxzoom"], 14);
    assert_eq!(sites["fields"]["name"], "String");
    assert_eq!(sites["fields"]["narrated"], "Boolean");
    assert_eq!(sites["fields"]["uncertainty_m"], "Number");
    assert_eq!(sites["fields"]["event_count"], "Number");
    let events = layers.iter().find(|l| l["id"] == "events").unwrap();
    assert_eq!(events["fields"]["start"], "String");
}

#[test]
fn every_atlas_tile_decodes_within_extent_and_buffer() {
    let a = atlas_archive();
    let names: BTreeSet<&str> = atlas_layers().all().map(|l| l.name.as_str()).collect();
    for run in &a.runs {
        for layer in &run.tile.layers {
            assert!(names.contains(layer.name.as_str()), "{}", layer.name);
            assert_eq!((layer.version, layer.extent), (2, 4096));
            for f in &layer.features {
                for part in &f.parts {
                    for p in part {
                        assert!(
                            p.iter().all(|&c| (-BUFFER..=4096 + BUFFER).contains(&c)),
                            "{} {:?}: {p:?} outside the tile and its buffer",
                            layer.name,
                            run.coords[0]
                        );
                    }
                }
                match f.geom_type {
                    mvt::POINT => assert!(!f.parts.is_empty()),
                    mvt::LINESTRING => {
                        for l in &f.parts {
                            assert!(l.len() >= 2 && l.windows(2).all(|w| w[0] != w[1]), "{l:?}");
                        }
                    }
                    mvt::POLYGON => {
                        assert!(mvt::area2(&f.parts[0]) > 0, "first ring is an outer ring");
                        for r in &f.parts {
                            assert!(r.len() >= 3 && mvt::area2(r) != 0, "degenerate ring {r:?}");
                        }
                    }
                    t => panic!("geometry type {t}"),
                }
            }
        }
    }
}

fn value_matches(v: &Value, d: Option<&mvt::Val>) -> bool {
    match (v, d) {
        (Value::Null, None) => true,
        (Value::Text(s), Some(mvt::Val::Str(t))) => s == t,
        (Value::Date(date), Some(mvt::Val::Str(t))) => date.to_string() == *t,
        (Value::Integer(i), Some(x)) => x.as_f64() == Some(*i as f64),
        (Value::Real(r), Some(mvt::Val::Double(x))) => r == x,
        (Value::Boolean(b), Some(mvt::Val::Bool(x))) => b == x,
        _ => false,
    }
}

#[test]
fn at_max_zoom_every_feature_is_there_with_its_attributes() {
    let a = atlas_archive();
    for layer in atlas_layers().all() {
        let expected = layer
            .features
            .iter()
            .filter(|f| f.geometry.is_some())
            .count();
        // Each layer is checked at its own last zoom (atlas.toml stops the basemap earlier).
        let max_zoom = a.metadata["vector_layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == layer.name.as_str())
            .and_then(|l| l["maxzoom"].as_u64())
            .unwrap_or_else(|| panic!("layer {} in vector_layers", layer.name));
        let max_zoom = u8::try_from(max_zoom).unwrap();
        let mut seen: BTreeMap<u64, &mvt::Feature> = BTreeMap::new();
        for (_, tile) in a.at_zoom(max_zoom) {
            for l in tile.layers.iter().filter(|l| l.name == layer.name) {
                for f in &l.features {
                    seen.entry(f.id.expect("features carry ids")).or_insert(f);
                }
            }
        }
        assert_eq!(
            seen.len(),
            expected,
            "layer {} at zoom {max_zoom}",
            layer.name
        );
        for (i, feature) in layer.features.iter().enumerate() {
            let Some(decoded) = seen.get(&(i as u64 + 1)) else {
                continue;
            };
            for (field, value) in layer.fields.iter().zip(&feature.values) {
                assert!(
                    value_matches(value, decoded.props.get(&field.name)),
                    "{} {} {}: {value:?} vs {:?}",
                    layer.name,
                    feature.id,
                    field.name,
                    decoded.props.get(&field.name)
                );
            }
        }
    }
}

#[test]
fn narrated_sites_and_events_are_shown_at_every_zoom() {
    let a = atlas_archive();
    for name in ["sites", "events"] {
        let layer = atlas_layers().layer(name).unwrap();
        let expected: BTreeSet<u64> = (0..layer.features.len())
            .filter(|&i| layer.features[i].geometry.is_some())
            .map(|i| i as u64 + 1)
            .collect();
        assert!(!expected.is_empty());
        for z in 0..=14 {
            let ids: BTreeSet<u64> = a
                .at_zoom(z)
                .flat_map(|(_, t)| t.layers.iter().filter(|l| l.name == name))
                .flat_map(|l| l.features.iter().filter_map(|f| f.id))
                .collect();
            assert_eq!(ids, expected, "{name} at zoom {z}");
        }
    }
}

/// Web Mercator, written out again here so the tests do not trust the tiler's own maths.
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let x = (lon + 180.0) / 360.0;
    let s = lat.to_radians().sin();
    let y = 0.5 - ((1.0 + s) / (1.0 - s)).ln() / (4.0 * std::f64::consts::PI);
    (x, y)
}

fn write_geojson(dir: &Path, name: &str, features: &[serde_json::Value]) -> PathBuf {
    let path = dir.join(name);
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(&path, fc.to_string()).unwrap();
    path
}

fn tile(inputs: &[PathBuf], opts: &TileOptions, dest: &Path) -> tiles::TilesReport {
    tiles::tile_geojson(inputs, &InputOptions::default(), opts, dest, &tiles::Quiet).unwrap()
}

#[test]
fn a_point_comes_back_within_half_a_tile_unit_at_every_zoom() {
    let dir = tempfile::tempdir().unwrap();
    let (lon, lat) = (64.024_72, 67.509_44);
    let input = write_geojson(
        dir.path(),
        "rudnik.geojson",
        &[
            serde_json::json!({"type": "Feature", "properties": {"name": "Rudnik"},
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}),
        ],
    );
    let out = dir.path().join("rudnik.pmtiles");
    let opts = TileOptions {
        drop_rate: 1.0,
        ..TileOptions::default()
    };
    tile(&[input], &opts, &out);
    let a = read_pmtiles(&out);
    let (wx, wy) = mercator(lon, lat);
    for z in 0..=14u8 {
        let n = f64::from(1u32 << z);
        let (tx, ty) = ((wx * n).floor() as u32, (wy * n).floor() as u32);
        let (_, t) = a
            .at_zoom(z)
            .find(|(c, _)| (c.1, c.2) == (tx, ty))
            .unwrap_or_else(|| panic!("no tile {z}/{tx}/{ty}"));
        let p = t.layers[0].features[0].parts[0][0];
        let (ex, ey) = (
            (wx * n - f64::from(tx)) * 4096.0,
            (wy * n - f64::from(ty)) * 4096.0,
        );
        assert!(
            (p[0] as f64 - ex).abs() <= 0.5 + 1e-9 && (p[1] as f64 - ey).abs() <= 0.5 + 1e-9,
            "zoom {z}: decoded {p:?}, true ({ex}, {ey})"
        );
        assert_eq!(
            t.layers[0].features[0].props["name"],
            mvt::Val::Str("Rudnik".into())
        );
    }
}

#[test]
fn a_long_line_appears_only_in_the_tiles_it_crosses() {
    let dir = tempfile::tempdir().unwrap();
    // A parallel through the middle of a row of zoom-8 tiles: horizontal in Web Mercator.
    let z8 = 256.0;
    let row_mid = (61.0_f64, 0.0_f64);
    let (_, wy) = mercator(row_mid.1, row_mid.0);
    let y_mid = ((wy * z8).floor() + 0.5) / z8;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y_mid))
        .sinh()
        .atan()
        .to_degrees();
    let (lon0, lon1) = (50.3, 65.7);
    let input = write_geojson(
        dir.path(),
        "parallel.geojson",
        &[serde_json::json!({"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[lon0, lat], [lon1, lat]]}})],
    );
    let out = dir.path().join("parallel.pmtiles");
    tile(
        &[input],
        &TileOptions {
            maxzoom: 12,
            ..TileOptions::default()
        },
        &out,
    );
    let a = read_pmtiles(&out);
    let (x0, y) = mercator(lon0, lat);
    let (x1, _) = mercator(lon1, lat);
    for z in 0..=12u8 {
        let n = f64::from(1u32 << z);
        let b = BUFFER as f64 / 4096.0;
        let mut expected = BTreeSet::new();
        for ty in 0..(1u32 << z) {
            let (r0, r1) = (f64::from(ty) - b, f64::from(ty) + 1.0 + b);
            if !(r0..=r1).contains(&(y * n)) {
                continue;
            }
            for tx in 0..(1u32 << z) {
                if f64::from(tx) - b <= x1 * n && f64::from(tx) + 1.0 + b >= x0 * n {
                    expected.insert((tx, ty));
                }
            }
        }
        let got: BTreeSet<(u32, u32)> = a.at_zoom(z).map(|(c, _)| (c.1, c.2)).collect();
        assert_eq!(got, expected, "zoom {z}");
    }
    assert!(a.at_zoom(12).count() > 150, "the line crosses many tiles");
}

#[test]
fn simplification_never_moves_the_line_by_more_than_the_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let coords: Vec<[f64; 2]> = (0..2000)
        .map(|i| {
            let t = f64::from(i) / 2000.0;
            [
                55.0 + t * 2.0,
                64.0 + (t * 40.0).sin() * 0.05 + (t * 400.0).cos() * 0.002,
            ]
        })
        .collect();
    let input = write_geojson(
        dir.path(),
        "river.geojson",
        &[serde_json::json!({"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": coords}})],
    );
    let out = dir.path().join("river.pmtiles");
    let opts = TileOptions {
        maxzoom: 9,
        simplify_px: 1.0,
        ..TileOptions::default()
    };
    tile(&[input], &opts, &out);
    let a = read_pmtiles(&out);
    let tol_units = 16.0; // one pixel of 256 on a 4096-unit tile
    for z in [4u8, 6, 9] {
        let n = f64::from(1u32 << z);
        let mut decoded_vertices = 0;
        for (c, t) in a.at_zoom(z) {
            let lines = &t.layers[0].features[0].parts;
            decoded_vertices += lines.iter().map(Vec::len).sum::<usize>();
            for p in &coords {
                let (wx, wy) = mercator(p[0], p[1]);
                let (u, v) = (
                    (wx * n - f64::from(c.1)) * 4096.0,
                    (wy * n - f64::from(c.2)) * 4096.0,
                );
                if !(0.0..=4096.0).contains(&u) || !(0.0..=4096.0).contains(&v) {
                    continue;
                }
                let d = lines
                    .iter()
                    .flat_map(|l| l.windows(2))
                    .map(|w| seg_dist([u, v], w[0], w[1]))
                    .fold(f64::INFINITY, f64::min);
                // Douglas–Peucker tolerance, plus rounding to whole units (at most √0.5).
                assert!(
                    d <= tol_units + 0.75,
                    "zoom {z}: vertex {p:?} is {d} units away"
                );
            }
        }
        assert!(decoded_vertices < coords.len(), "zoom {z} was simplified");
    }
}

fn seg_dist(p: [f64; 2], a: [i64; 2], b: [i64; 2]) -> f64 {
    let (ax, ay, bx, by) = (a[0] as f64, a[1] as f64, b[0] as f64, b[1] as f64);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - ax) * dx + (p[1] - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    ((ax + t * dx - p[0]).powi(2) + (ay + t * dy - p[1]).powi(2)).sqrt()
}

fn synthetic(dir: &Path) -> PathBuf {
    let mut features = vec![];
    let mut s = 12_345_u64;
    for i in 0..3000 {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let lon = 50.0 + (s >> 11) as f64 / (1u64 << 53) as f64 * 16.0;
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let lat = 60.0 + (s >> 11) as f64 / (1u64 << 53) as f64 * 9.0;
        features.push(serde_json::json!({"type": "Feature", "id": i,
            "properties": {"id": i, "name": format!("p{i}"), "rank": i % 7},
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}));
    }
    features.push(serde_json::json!({"type": "Feature", "properties": {"kind": "lake"},
        "geometry": {"type": "Polygon", "coordinates": [[[52.0, 61.0], [58.0, 61.0], [58.0, 66.0], [52.0, 66.0], [52.0, 61.0]],
            [[54.0, 62.0], [54.0, 63.0], [55.0, 63.0], [55.0, 62.0], [54.0, 62.0]]]}}));
    write_geojson(dir, "synthetic.geojson", &features)
}

#[test]
fn two_builds_give_byte_identical_archives() {
    // The real atlas, built a second time (tiles only) and compared with the shared build.
    let dir = tempfile::tempdir().unwrap();
    gazmap::build_with(
        &util::vorkuta(),
        dir.path(),
        &gazmap::BuildOptions::only([gazmap::output::format::Format::Pmtiles]),
    )
    .unwrap();
    let first = std::fs::read(util::vorkuta_build().join("vorkuta.pmtiles")).unwrap();
    let second = std::fs::read(dir.path().join("vorkuta.pmtiles")).unwrap();
    assert!(first == second, "the atlas archive differs between builds");

    // Generic input on one thread and on several: the same bytes.
    let input = synthetic(dir.path());
    let opts = TileOptions {
        maxzoom: 10,
        drop_rate: 1.0,
        drop_densest: true,
        max_tile_features: Some(200),
        ..TileOptions::default()
    };
    let (one, many) = (
        dir.path().join("one.pmtiles"),
        dir.path().join("many.pmtiles"),
    );
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| tile(std::slice::from_ref(&input), &opts, &one));
    let report = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| tile(std::slice::from_ref(&input), &opts, &many));
    assert!(
        report.dropped_for_size > 0,
        "the feature limit was exercised"
    );
    assert!(std::fs::read(&one).unwrap() == std::fs::read(&many).unwrap());
}

#[test]
fn feature_limit_thins_tiles_but_every_zoom_keeps_the_polygon() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path());
    let out = dir.path().join("limited.pmtiles");
    let opts = TileOptions {
        maxzoom: 8,
        drop_rate: 1.0,
        drop_densest: true,
        max_tile_features: Some(300),
        ..TileOptions::default()
    };
    let report = tile(&[input], &opts, &out);
    let a = read_pmtiles(&out);
    for run in &a.runs {
        let n: usize = run.tile.layers.iter().map(|l| l.features.len()).sum();
        assert!(n <= 300, "{:?} has {n} features", run.coords[0]);
    }
    assert!(report.dropped_for_size > 0);
    // Points go before lines and polygons: the polygon is in the tiles of every zoom.
    for z in 0..=8 {
        assert!(
            a.at_zoom(z).any(|(_, t)| t.layers[0]
                .features
                .iter()
                .any(|f| f.geom_type == mvt::POLYGON)),
            "zoom {z}"
        );
    }
    // Thinning removes points, the densest first; at zoom 8 the limit no longer bites.
    let z8: BTreeSet<u64> = a
        .at_zoom(8)
        .flat_map(|(_, t)| t.layers[0].features.iter().filter_map(|f| f.id))
        .collect();
    assert_eq!(z8.len(), 3000);
}

#[test]
fn mbtiles_output_reads_back_with_sqlite_tms_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path());
    let out = dir.path().join("synthetic.mbtiles");
    let opts = TileOptions {
        maxzoom: 6,
        drop_rate: 1.0,
        ..TileOptions::default()
    };
    let report = tile(&[input], &opts, &out);
    let db = rusqlite::Connection::open(&out).unwrap();
    let meta: BTreeMap<String, String> = db
        .prepare("SELECT name, value FROM metadata")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(meta["format"], "pbf");
    assert_eq!(meta["maxzoom"], "6");
    let json: serde_json::Value = serde_json::from_str(&meta["json"]).unwrap();
    assert_eq!(json["vector_layers"][0]["id"], "synthetic");
    assert_eq!(json["vector_layers"][0]["fields"]["rank"], "Number");
    let count: i64 = db
        .query_row("SELECT count(*) FROM tiles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count as u64, report.tiles);
    // The point 3000 points' polygon corner 52E 61N at zoom 6: TMS row counts from the south.
    let (wx, wy) = mercator(57.0, 65.0);
    let (x, y) = ((wx * 64.0) as u32, (wy * 64.0) as u32);
    let data: Vec<u8> = db
        .query_row(
            "SELECT tile_data FROM tiles WHERE zoom_level = 6 AND tile_column = ?1 AND tile_row = ?2",
            [x, 63 - y],
            |r| r.get(0),
        )
        .unwrap();
    let mut raw = vec![];
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&data[..]), &mut raw).unwrap();
    let t = mvt::decode(&raw).unwrap();
    assert!(
        t.layers[0]
            .features
            .iter()
            .any(|f| f.geom_type == mvt::POLYGON)
    );
}

#[test]
fn cli_tiles_reads_geojsonseq_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("camps.geojsonl");
    let lines: Vec<String> = (0..50)
        .map(|i| {
            format!(
                "\u{1e}{{\"type\":\"Feature\",\"properties\":{{\"n\":{i}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{},{}]}}}}",
                55.0 + f64::from(i) * 0.1,
                64.0
            )
        })
        .collect();
    std::fs::write(&seq, lines.join("\n")).unwrap();
    let out = dir.path().join("camps.pmtiles");
    util::gazmap()
        .args(["tiles", "-z", "10", "-l", "camps", "-o"])
        .arg(&out)
        .arg(&seq)
        .assert()
        .success()
        .stdout(predicates::str::contains("camps: 50 features"))
        .stdout(predicates::str::contains("wrote"));
    let a = read_pmtiles(&out);
    assert_eq!(a.max_zoom, 10);
    assert_eq!(a.metadata["vector_layers"][0]["id"], "camps");

    let bad = dir.path().join("bad.geojsonl");
    std::fs::write(&bad, "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1]}}\n").unwrap();
    util::gazmap()
        .args(["tiles", "-o"])
        .arg(dir.path().join("bad.pmtiles"))
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("bad.geojsonl:2:"))
        .stderr(predicates::str::contains("feature 2"));
    assert!(!dir.path().join("bad.pmtiles").exists());
}

#[test]
fn atlas_toml_sets_zooms_per_layer() {
    let (_tmp, atlas) = util::copy_atlas(&util::vorkuta());
    let toml = atlas.join("atlas.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    // Replace the atlas's own [tiles] table (it is the last part of the file).
    if let Some(i) = text.find("\n[tiles]") {
        text.truncate(i);
    }
    text.push_str(
        "\n[tiles]\nmaxzoom = 12\n\n[tiles.layers.coast]\nmaxzoom = 6\n\n[tiles.layers.regions]\nmaxzoom = 6\n\n[tiles.layers.sites]\nminzoom = 3\n",
    );
    std::fs::write(&toml, &text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let only_tiles = gazmap::BuildOptions::only([gazmap::output::format::Format::Pmtiles]);
    gazmap::build_with(&atlas, out.path(), &only_tiles).unwrap();
    let a = read_pmtiles(&out.path().join("vorkuta.pmtiles"));
    assert_eq!((a.min_zoom, a.max_zoom), (0, 12));
    let layer_zooms = |id: &str| {
        let l = a.metadata["vector_layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == id)
            .unwrap();
        (
            l["minzoom"].as_u64().unwrap(),
            l["maxzoom"].as_u64().unwrap(),
        )
    };
    assert_eq!(layer_zooms("coast"), (0, 6));
    assert_eq!(layer_zooms("sites"), (3, 12));
    assert_eq!(layer_zooms("events"), (0, 12));
    for z in 0..=12u8 {
        let names: BTreeSet<&str> = a
            .at_zoom(z)
            .flat_map(|(_, t)| t.layers.iter().map(|l| l.name.as_str()))
            .collect();
        assert_eq!(names.contains("coast"), z <= 6, "coast at zoom {z}");
        assert_eq!(names.contains("regions"), z <= 6, "regions at zoom {z}");
        assert_eq!(names.contains("sites"), z >= 3, "sites at zoom {z}");
        assert!(names.contains("events"), "events at zoom {z}");
    }

    // A layer that does not exist stops the build before anything is written.
    text.push_str("\n[tiles.layers.railways]\nmaxzoom = 9\n");
    std::fs::write(&toml, &text).unwrap();
    let out = tempfile::tempdir().unwrap();
    util::gazmap()
        .arg("build")
        .arg(&atlas)
        .arg("--out")
        .arg(out.path().join("o"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("tiles.layers.railways"))
        .stderr(predicates::str::contains("no such layer"));
    assert!(!out.path().join("o").exists());
}

/// The rings of an MVT polygon feature grouped as the spec says (4.3.4.4): a ring with positive
/// area (clockwise on the y-down tile) opens a polygon, negative ones are its holes. Errors when
/// the first ring is a hole or a ring has no area.
fn mvt_polygons(parts: &[Vec<[i64; 2]>]) -> Result<geo::MultiPolygon<f64>, String> {
    type Ring = Vec<[i64; 2]>;
    let mut polys: Vec<(Ring, Vec<Ring>)> = vec![];
    for ring in parts {
        let a = mvt::area2(ring);
        if a == 0 {
            return Err(format!("ring with no area: {ring:?}"));
        }
        if a > 0 {
            polys.push((ring.clone(), vec![]));
        } else {
            polys
                .last_mut()
                .ok_or("the first ring is a hole")?
                .1
                .push(ring.clone());
        }
    }
    let ls = |r: &Vec<[i64; 2]>| {
        let mut c: Vec<geo::Coord<f64>> = r
            .iter()
            .map(|p| geo::coord! {x: p[0] as f64, y: p[1] as f64})
            .collect();
        c.push(c[0]);
        geo::LineString::new(c)
    };
    Ok(geo::MultiPolygon::new(
        polys
            .iter()
            .map(|(o, h)| geo::Polygon::new(ls(o), h.iter().map(ls).collect()))
            .collect(),
    ))
}

/// Land, lakes and federal subjects of the basemap plus a bowtie (a self-crossing ring), a
/// multipolygon whose two parts overlap, and a hole that sticks out of its polygon.
fn basemap_polygons(dir: &Path) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/basemap");
    let invalid = write_geojson(
        dir,
        "invalid.geojson",
        &[
            serde_json::json!({"type": "Feature", "properties": {"kind": "bowtie"},
                "geometry": {"type": "Polygon", "coordinates": [[[50.0, 62.0], [54.0, 66.0], [54.0, 62.0], [50.0, 66.0], [50.0, 62.0]]]}}),
            serde_json::json!({"type": "Feature", "properties": {"kind": "overlap"},
                "geometry": {"type": "MultiPolygon", "coordinates": [
                    [[[56.0, 60.0], [60.0, 60.0], [60.0, 63.0], [56.0, 63.0], [56.0, 60.0]]],
                    [[[58.0, 61.0], [62.0, 61.0], [62.0, 64.0], [58.0, 64.0], [58.0, 61.0]]]]}}),
            serde_json::json!({"type": "Feature", "properties": {"kind": "hole out"},
                "geometry": {"type": "Polygon", "coordinates": [
                    [[64.0, 60.0], [68.0, 60.0], [68.0, 63.0], [64.0, 63.0], [64.0, 60.0]],
                    [[66.0, 61.0], [70.0, 61.0], [70.0, 62.0], [66.0, 62.0], [66.0, 61.0]]]}}),
        ],
    );
    vec![
        root.join("coast.geojson"),
        root.join("lakes.geojson"),
        root.join("regions.geojson"),
        invalid,
    ]
}

#[test]
fn every_polygon_in_every_tile_is_valid_on_real_and_broken_input() {
    use geo::{Area, Validation};
    let dir = tempfile::tempdir().unwrap();
    let inputs = basemap_polygons(dir.path());
    let out = dir.path().join("basemap.pmtiles");
    let opts = TileOptions {
        maxzoom: 9,
        drop_densest: true,
        ..TileOptions::default()
    };
    let report = tile(&inputs, &opts, &out);
    assert!(report.repaired_polygons > 100, "{report:?}");
    let a = read_pmtiles(&out);
    let (mut polygons, mut bad) = (0usize, vec![]);
    let mut repaired = BTreeMap::new();
    for run in &a.runs {
        for l in &run.tile.layers {
            for f in l.features.iter().filter(|f| f.geom_type == mvt::POLYGON) {
                polygons += 1;
                let mp = match mvt_polygons(&f.parts) {
                    Ok(mp) => mp,
                    Err(e) => {
                        bad.push(format!("{:?} {}: {e}", run.coords[0], l.name));
                        continue;
                    }
                };
                for p in &mp.0 {
                    if p.exterior().0.len() < 4 {
                        bad.push(format!("{:?}: ring with < 4 points", run.coords[0]));
                    }
                }
                if let Err(e) = mp.check_validation() {
                    bad.push(format!("{:?} {}: {e}", run.coords[0], l.name));
                }
                if l.name == "invalid" && run.coords[0] == (4, 10, 4) {
                    let kind = f.props.get("kind").cloned();
                    repaired.insert(format!("{kind:?}"), (mp.0.len(), mp.unsigned_area()));
                }
            }
        }
    }
    assert!(polygons > 1000, "{polygons} polygons");
    assert!(
        bad.is_empty(),
        "{} invalid of {polygons}: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
    // The bowtie is repaired into its two triangles (both kept, as a make-valid would), the
    // overlapping parts into their union; areas in tile units of 4/10/4, which holds both.
    let area = |ring: &[(f64, f64)]| {
        let pts: Vec<[f64; 2]> = ring
            .iter()
            .map(|&(lon, lat)| {
                let (x, y) = mercator(lon, lat);
                [(x * 16.0 - 10.0) * 4096.0, (y * 16.0 - 4.0) * 4096.0]
            })
            .collect();
        (0..pts.len())
            .map(|i| {
                let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum::<f64>()
            .abs()
            / 2.0
    };
    let lobes = area(&[(50.0, 62.0), (52.0, 64.0), (50.0, 66.0)])
        + area(&[(54.0, 62.0), (54.0, 66.0), (52.0, 64.0)]);
    let (n, got) = repaired[&format!("{:?}", Some(mvt::Val::Str("bowtie".into())))];
    assert_eq!(n, 2, "two triangles");
    assert!((got - lobes).abs() < lobes * 0.01, "{got} vs {lobes}");
    let union = area(&[(56.0, 60.0), (60.0, 60.0), (60.0, 63.0), (56.0, 63.0)])
        + area(&[(58.0, 61.0), (62.0, 61.0), (62.0, 64.0), (58.0, 64.0)])
        - area(&[(58.0, 61.0), (60.0, 61.0), (60.0, 63.0), (58.0, 63.0)]);
    let (n, got) = repaired[&format!("{:?}", Some(mvt::Val::Str("overlap".into())))];
    assert_eq!(n, 1, "one polygon");
    assert!((got - union).abs() < union * 0.01, "{got} vs {union}");
}

/// Points per zoom in an archive (each feature id counted once per zoom).
fn points_per_zoom(a: &Archive) -> Vec<usize> {
    (a.min_zoom..=a.max_zoom)
        .map(|z| {
            a.at_zoom(z)
                .flat_map(|(_, t)| t.layers.iter().flat_map(|l| l.features.iter()))
                .filter(|f| f.geom_type == mvt::POINT)
                .filter_map(|f| f.id)
                .collect::<BTreeSet<u64>>()
                .len()
        })
        .collect()
}

#[test]
fn sparse_points_stay_at_every_zoom_and_dense_ones_thin_evenly() {
    let dir = tempfile::tempdir().unwrap();
    // 50 points a degree apart over the Pechora basin.
    let sparse: Vec<serde_json::Value> = (0..50)
        .map(|i| {
            serde_json::json!({"type": "Feature", "id": i, "properties": {},
                "geometry": {"type": "Point", "coordinates": [45.0 + f64::from(i % 10), 60.0 + f64::from(i / 10)]}})
        })
        .collect();
    let input = write_geojson(dir.path(), "sparse.geojson", &sparse);
    let out = dir.path().join("sparse.pmtiles");
    util::gazmap()
        .args(["tiles", "-z", "14", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let at = points_per_zoom(&read_pmtiles(&out));
    assert!(at.iter().all(|&n| n >= 1), "{at:?}");
    assert!(at[5..].iter().all(|&n| n == 50), "{at:?}");
    for z in 0..14 {
        assert!(at[z] <= at[z + 1], "{at:?}");
    }

    // 3000 random points over 16 x 9 degrees: thinned about 2.5 per zoom where dense.
    let out = dir.path().join("dense.pmtiles");
    let input = synthetic(dir.path());
    tile(
        &[input],
        &TileOptions {
            maxzoom: 12,
            ..TileOptions::default()
        },
        &out,
    );
    let at = points_per_zoom(&read_pmtiles(&out));
    assert_eq!(at[12], 3000);
    assert!(at[0] >= 1 && at[3] < at[6] && at[6] < 3000, "{at:?}");
    let r = at[4] as f64 / at[3] as f64;
    assert!((1.8..=2.6).contains(&r), "{at:?}");
}

#[test]
fn longitudes_0_to_360_are_wrapped_and_the_antimeridian_cuts() {
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("gmt.geojsonl");
    let feats = [
        r#"{"type":"Feature","id":1,"properties":{},"geometry":{"type":"Point","coordinates":[200.0,10.0]}}"#,
        r#"{"type":"Feature","id":2,"properties":{},"geometry":{"type":"LineString","coordinates":[[170.0,20.0],[190.0,20.0]]}}"#,
        r#"{"type":"Feature","id":3,"properties":{},"geometry":{"type":"Polygon","coordinates":[[[175.0,-20.0],[185.0,-20.0],[185.0,-10.0],[175.0,-10.0],[175.0,-20.0]]]}}"#,
    ];
    std::fs::write(&seq, feats.join("\n")).unwrap();
    let out = dir.path().join("gmt.pmtiles");
    let assert = util::gazmap()
        .args(["tiles", "-z", "3", "-o"])
        .arg(&out)
        .arg(&seq)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "cut 2 lines and polygons at the antimeridian",
        ));
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr.matches("wrapped into -180..180").count(),
        1,
        "{stderr}"
    );
    let a = read_pmtiles(&out);
    assert!(
        a.bounds[0] >= -180.0 && a.bounds[2] <= 180.0,
        "{:?}",
        a.bounds
    );
    // At zoom 1 the point (lon -160) is in the west half; the line and the polygon are in both
    // halves, each piece ending at the antimeridian (x = 0 of the west tiles, 4096 of the east).
    let mut seen: BTreeMap<(u64, u32), Vec<Vec<[i64; 2]>>> = BTreeMap::new();
    for ((_, x, _), t) in a.at_zoom(1) {
        for f in &t.layers[0].features {
            seen.entry((f.id.unwrap(), *x))
                .or_default()
                .extend(f.parts.clone());
        }
    }
    let (px, _) = mercator(-160.0, 10.0);
    let p = &seen[&(1, 0)][0][0];
    assert!((p[0] as f64 - px * 2.0 * 4096.0).abs() <= 1.0, "{p:?}");
    assert!(!seen.contains_key(&(1, 1)));
    for id in [2, 3] {
        let west: Vec<i64> = seen[&(id, 0)].iter().flatten().map(|p| p[0]).collect();
        let east: Vec<i64> = seen[&(id, 1)].iter().flatten().map(|p| p[0]).collect();
        // Nothing spans the world: the west pieces stay near x = 0, the east ones near 4096.
        assert!(
            west.iter().all(|&x| (-BUFFER..=240).contains(&x)),
            "{id}: {west:?}"
        );
        assert!(
            east.iter().all(|&x| (3850..=4096 + BUFFER).contains(&x)),
            "{id}: {east:?}"
        );
        assert!(
            west.contains(&0) && east.contains(&4096),
            "{id}: {west:?} {east:?}"
        );
    }

    // A longitude beyond 360 is no longitude: the located error stays.
    let bad = dir.path().join("bad.geojsonl");
    std::fs::write(
        &bad,
        format!("{}\n{}", feats[0], feats[0].replace("200.0", "400.0")),
    )
    .unwrap();
    util::gazmap()
        .args(["tiles", "-o"])
        .arg(dir.path().join("bad.pmtiles"))
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("bad.geojsonl:2:"))
        .stderr(predicates::str::contains("[400, 10]"));
}

/// Every decoded feature of an archive: (zoom, layer, feature).
fn all_features(a: &Archive) -> Vec<(u8, String, mvt::Feature)> {
    let mut out = vec![];
    for run in &a.runs {
        for c in &run.coords {
            for l in &run.tile.layers {
                for f in &l.features {
                    out.push((c.0, l.name.clone(), f.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn ids_types_and_the_tippecanoe_member() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_geojson(
        dir.path(),
        "sites.geojson",
        &[
            serde_json::json!({"type": "Feature", "id": 99, "properties": {"fid": 0, "pop": "1200", "code": 7, "ok": "false", "r": "2.5"},
                "geometry": {"type": "Point", "coordinates": [55.0, 64.0]}}),
            serde_json::json!({"type": "Feature", "properties": {"fid": "17", "pop": 3.6, "code": "x", "ok": 1, "r": 4},
                "geometry": {"type": "Point", "coordinates": [56.0, 64.0]}}),
            serde_json::json!({"type": "Feature", "properties": {"fid": 5, "pop": "many"},
                "tippecanoe": {"minzoom": 3, "maxzoom": 5, "layer": "special"},
                "geometry": {"type": "Point", "coordinates": [57.0, 64.0]}}),
        ],
    );
    // --generate-ids: 1, 2, 3 in input order, as tippecanoe numbers them.
    let out = dir.path().join("gen.pmtiles");
    util::gazmap()
        .args(["tiles", "-z", "6", "--generate-ids", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let feats = all_features(&read_pmtiles(&out));
    let ids: BTreeSet<Option<u64>> = feats.iter().map(|f| f.2.id).collect();
    assert_eq!(ids, BTreeSet::from([Some(1), Some(2), Some(3)]));

    // --use-attribute-for-id (0 kept) and -T.
    let out = dir.path().join("attr.pmtiles");
    util::gazmap()
        .args([
            "tiles",
            "-z",
            "6",
            "--use-attribute-for-id",
            "fid",
            "-T",
            "pop:int",
            "-T",
            "code:string",
            "-T",
            "ok:bool",
            "-T",
            "r:float",
            "-o",
        ])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let a = read_pmtiles(&out);
    let feats = all_features(&a);
    let by_id = |id: u64| {
        feats
            .iter()
            .find(|f| f.2.id == Some(id))
            .unwrap_or_else(|| panic!("id {id}"))
    };
    let f0 = &by_id(0).2.props;
    assert_eq!(f0["pop"].as_f64(), Some(1200.0));
    assert!(!matches!(f0["pop"], mvt::Val::Str(_)));
    assert_eq!(f0["code"], mvt::Val::Str("7".into()));
    assert_eq!(f0["ok"], mvt::Val::Bool(false));
    assert_eq!(f0["r"].as_f64(), Some(2.5));
    let f17 = &by_id(17).2.props;
    assert_eq!(f17["pop"].as_f64(), Some(4.0));
    assert_eq!(f17["code"], mvt::Val::Str("x".into()));
    assert_eq!(f17["ok"], mvt::Val::Bool(true));
    assert_eq!(f17["r"].as_f64(), Some(4.0));
    // "many" is no integer: dropped.
    assert!(!by_id(5).2.props.contains_key("pop"));
    // The tippecanoe member: layer "special", zooms 3 to 5 only.
    let zooms: BTreeSet<u8> = feats
        .iter()
        .filter(|f| f.2.id == Some(5))
        .map(|f| {
            assert_eq!(f.1, "special");
            f.0
        })
        .collect();
    assert_eq!(zooms, BTreeSet::from([3, 4, 5]));
    let layers: Vec<&str> = a.metadata["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["sites", "special"]);
    assert_eq!(a.metadata["vector_layers"][0]["fields"]["pop"], "Number");
    assert_eq!(a.metadata["vector_layers"][0]["fields"]["code"], "String");
    assert!(
        a.metadata["vector_layers"][1]["fields"]
            .get("code")
            .is_none()
    );
}

#[test]
fn zg_chooses_a_maxzoom_that_tells_the_points_apart_and_bg_a_base_zoom() {
    let dir = tempfile::tempdir().unwrap();
    // 3000 random points within half a degree of Vorkuta.
    let mut s = 99_u64;
    let mut rand = || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let pts: Vec<serde_json::Value> = (0..3000)
        .map(|i| {
            let (lon, lat) = (63.8 + rand() * 0.5, 67.4 + rand() * 0.25);
            serde_json::json!({"type": "Feature", "id": i, "properties": {},
                "geometry": {"type": "Point", "coordinates": [lon, lat]}})
        })
        .collect();
    let input = write_geojson(dir.path(), "near.geojson", &pts);
    let out = dir.path().join("zg.pmtiles");
    let assert = util::gazmap()
        .args(["tiles", "-zg", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let a = read_pmtiles(&out);
    let z = a.max_zoom;
    assert!(
        stdout.contains(&format!("chose maxzoom -z{z} ")),
        "{stdout}"
    );
    assert!((4..=16).contains(&z), "{stdout}");
    // At the chosen zoom nearly every point has a place of its own on the 4096-unit grid; three
    // zooms less, far fewer do.
    let distinct = |zoom: u8| {
        let mut seen = BTreeSet::new();
        for ((_, x, y), t) in a.at_zoom(zoom) {
            for f in t.layers[0]
                .features
                .iter()
                .filter(|f| f.geom_type == mvt::POINT)
            {
                let p = f.parts[0][0];
                if (0..4096).contains(&p[0]) && (0..4096).contains(&p[1]) {
                    seen.insert((i64::from(*x) * 4096 + p[0], i64::from(*y) * 4096 + p[1]));
                }
            }
        }
        seen.len()
    };
    assert!(distinct(z) >= 2900, "{} at z{z}", distinct(z));
    let lower = read_pmtiles(&{
        let o = dir.path().join("low.pmtiles");
        tile(
            std::slice::from_ref(&input),
            &TileOptions {
                maxzoom: z - 3,
                drop_rate: 1.0,
                ..TileOptions::default()
            },
            &o,
        );
        o
    });
    let mut seen = BTreeSet::new();
    for ((_, x, y), t) in lower.at_zoom(z - 3) {
        for f in t.layers[0]
            .features
            .iter()
            .filter(|f| f.geom_type == mvt::POINT)
        {
            let p = f.parts[0][0];
            if (0..4096).contains(&p[0]) && (0..4096).contains(&p[1]) {
                seen.insert((i64::from(*x) * 4096 + p[0], i64::from(*y) * 4096 + p[1]));
            }
        }
    }
    assert!(
        seen.len() < distinct(z),
        "{} vs {}",
        seen.len(),
        distinct(z)
    );

    // -Bg: 3000 points never fill a tile to 50,000, so the base zoom is 0 and z0 has them all.
    let out = dir.path().join("bg.pmtiles");
    util::gazmap()
        .args(["tiles", "-z", "8", "-Bg", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success()
        .stdout(predicates::str::contains("chose base zoom -B0"));
    assert_eq!(points_per_zoom(&read_pmtiles(&out))[0], 3000);
}

/// Runs `gazmap tiles` with `args` on `input` into `out` and returns its standard output.
fn cli_tiles(args: &[&str], input: &Path, out: &Path) -> String {
    let assert = util::gazmap()
        .arg("tiles")
        .args(args)
        .arg("-o")
        .arg(out)
        .arg(input)
        .assert()
        .success();
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn as_needed_strategies_keep_tiles_under_the_limit_each_in_its_way() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path());
    let limit = ["-z", "4", "-r", "1", "--maximum-tile-features", "300"];
    let run = |flag: &str, name: &str| {
        let out = dir.path().join(name);
        let mut args = limit.to_vec();
        args.push(flag);
        let stdout = cli_tiles(&args, &input, &out);
        let a = read_pmtiles(&out);
        for r in &a.runs {
            let n: usize = r.tile.layers.iter().map(|l| l.features.len()).sum();
            assert!(n <= 300, "{flag}: {:?} has {n}", r.coords[0]);
        }
        (a, stdout)
    };
    // Coalescing: every place of the unlimited zoom-0 tile is still there, in at most 300
    // features.
    let places = |a: &Archive| {
        let z0 = a.at_zoom(0).next().unwrap().1;
        z0.layers[0]
            .features
            .iter()
            .filter(|f| f.geom_type == mvt::POINT)
            .flat_map(|f| f.parts[0].iter().copied())
            .collect::<BTreeSet<[i64; 2]>>()
    };
    let all = dir.path().join("all.pmtiles");
    cli_tiles(
        &["-z", "4", "-r", "1", "--no-tile-size-limit"],
        &input,
        &all,
    );
    let all = places(&read_pmtiles(&all));
    assert!(all.len() > 2500);
    let (a, stdout) = run("--coalesce-densest-as-needed", "coalesce.pmtiles");
    assert_eq!(places(&a), all);
    assert!(stdout.contains("coalesced as needed"), "{stdout}");
    assert!(
        a.metadata["strategies"][0]["coalesced_as_needed"]
            .as_u64()
            .unwrap()
            > 2500
    );

    // Dropping a fraction: the survivors are spread over the whole input (in input order).
    let (a, stdout) = run("--drop-fraction-as-needed", "fraction.pmtiles");
    let z0 = a.at_zoom(0).next().unwrap().1;
    let deciles: BTreeSet<u64> = z0.layers[0]
        .features
        .iter()
        .filter_map(|f| f.id)
        .map(|id| id / 300)
        .collect();
    assert_eq!(deciles.len(), 10, "{deciles:?}");
    assert!(stdout.contains("dropped as needed"), "{stdout}");
    assert!(
        a.metadata["strategies"][0]["dropped_as_needed"]
            .as_u64()
            .unwrap()
            > 2500
    );
}

#[test]
fn drop_smallest_keeps_the_biggest_polygons() {
    let dir = tempfile::tempdir().unwrap();
    let squares: Vec<serde_json::Value> = (0..400)
        .map(|i| {
            let side = 0.01 * f64::from(1 + (i * 37) % 400);
            // All on one parallel, so that size on the map grows with the side.
            let (x, y) = (-170.0 + f64::from(i) * 0.8, 60.0);
            serde_json::json!({"type": "Feature", "id": i, "properties": {"side": side},
                "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + side, y], [x + side, y + side / 2.0], [x, y + side / 2.0], [x, y]]]}})
        })
        .collect();
    let input = write_geojson(dir.path(), "squares.geojson", &squares);
    let out = dir.path().join("smallest.pmtiles");
    cli_tiles(
        &[
            "-z",
            "2",
            "--maximum-tile-features",
            "100",
            "--drop-smallest-as-needed",
        ],
        &input,
        &out,
    );
    let a = read_pmtiles(&out);
    let z0 = a.at_zoom(0).next().unwrap().1;
    let kept: Vec<f64> = z0.layers[0]
        .features
        .iter()
        .map(|f| f.props["side"].as_f64().unwrap())
        .collect();
    assert!(kept.len() <= 100 && kept.len() >= 50, "{}", kept.len());
    let smallest_kept = kept.iter().copied().fold(f64::INFINITY, f64::min);
    let dropped = 400 - kept.len();
    // The sides are 0.01 .. 4.00: the dropped ones are exactly the smallest.
    assert!(
        (smallest_kept - 0.01 * (dropped as f64 + 1.0)).abs() < 1e-9,
        "{smallest_kept} with {dropped} dropped"
    );
}

#[test]
fn metadata_has_tilestats_and_the_per_zoom_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path());
    let out = dir.path().join("meta.pmtiles");
    let stdout = cli_tiles(&["-z", "6"], &input, &out);
    let m = read_pmtiles(&out).metadata;
    let ts = &m["tilestats"];
    assert_eq!(ts["layerCount"], 1);
    let l = &ts["layers"][0];
    assert_eq!(l["layer"], "synthetic");
    assert_eq!(l["count"], 3001);
    assert_eq!(l["geometry"], "Point");
    let attr = |name: &str| {
        l["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["attribute"] == name)
            .unwrap()
            .clone()
    };
    let rank = attr("rank");
    assert_eq!(rank["type"], "number");
    assert_eq!(rank["count"], 7);
    assert_eq!(rank["min"], 0.0);
    assert_eq!(rank["max"], 6.0);
    assert_eq!(attr("kind")["values"], serde_json::json!(["lake"]));
    assert_eq!(
        attr("name")["count"],
        1000,
        "distinct values are counted up to 1000"
    );
    assert_eq!(attr("name")["values"].as_array().unwrap().len(), 100);
    // The drop rate's work, zoom by zoom, in the metadata and on stdout.
    let st = m["strategies"].as_array().unwrap();
    assert_eq!(st.len(), 7);
    let by_rate: Vec<u64> = st
        .iter()
        .map(|z| z["dropped_by_rate"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(by_rate[6], 0);
    assert!(by_rate[0] > by_rate[3] && by_rate[3] > 0, "{by_rate:?}");
    assert!(
        stdout.contains(&format!(
            "z0: 1 tiles, {} points left for deeper zooms by the drop rate",
            by_rate[0]
        )),
        "{stdout}"
    );
}

#[test]
fn csv_and_flatgeobuf_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("camps.csv");
    std::fs::write(
        &csv,
        "name,Latitude,pop,Lon,note\nRudnik,67.50944,1200,64.02472,\n\"Kochmes, camp\",66.2,300.5,60.9,old\n",
    )
    .unwrap();
    let out = dir.path().join("camps.pmtiles");
    cli_tiles(&["-z", "8", "--generate-ids"], &csv, &out);
    let a = read_pmtiles(&out);
    type Seen<'t> = (Option<f64>, Option<&'t mvt::Val>, [i64; 2], u32);
    let mut seen: BTreeMap<String, Seen<'_>> = BTreeMap::new();
    for ((_, x, _), t) in a.at_zoom(8) {
        for f in &t.layers[0].features {
            let p = f.parts[0][0];
            if (0..4096).contains(&p[0]) && (0..4096).contains(&p[1]) {
                let mvt::Val::Str(name) = &f.props["name"] else {
                    panic!()
                };
                seen.insert(
                    name.clone(),
                    (f.props["pop"].as_f64(), f.props.get("note"), p, *x),
                );
            }
        }
    }
    assert_eq!(seen.len(), 2);
    let (pop, note, p, x) = seen["Rudnik"];
    assert_eq!(pop, Some(1200.0));
    assert!(note.is_none(), "empty cells are absent");
    let (mx, _) = mercator(64.02472, 67.50944);
    assert!((f64::from(x) * 4096.0 + p[0] as f64 - mx * 256.0 * 4096.0).abs() <= 1.0);
    assert_eq!(seen["Kochmes, camp"].0, Some(300.5));
    assert_eq!(a.metadata["vector_layers"][0]["fields"]["pop"], "Number");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "lon,lat,name\n64.0,67.5,a\n64.1,north,b\n").unwrap();
    util::gazmap()
        .args(["tiles", "-o"])
        .arg(dir.path().join("bad.pmtiles"))
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "bad.csv:3:6: feature 2: latitude `north`",
        ));

    // FlatGeobuf: the atlas sites as `gazmap build` writes them, tiled with typed properties.
    let sites = atlas_layers().layer("sites").unwrap();
    let written = gazmap::output::interchange::fgb::write_layer(sites, dir.path()).unwrap();
    let out = dir.path().join("sites.pmtiles");
    cli_tiles(&["-z", "10"], &dir.path().join("sites.fgb"), &out);
    let a = read_pmtiles(&out);
    let mut names = BTreeSet::new();
    for (_, t) in a.at_zoom(10) {
        for f in &t.layers[0].features {
            if let Some(mvt::Val::Str(n)) = f.props.get("name") {
                names.insert(n.clone());
            }
            if let Some(v) = f.props.get("uncertainty_m") {
                assert!(v.as_f64().is_some(), "numbers stay numbers: {v:?}");
            }
        }
    }
    assert_eq!(names.len(), written.features);
    assert!(names.contains("Vorkuta"), "{names:?}");
}

/// Points a zoom-0 tile stands for: each cluster's `point_count`, 1 for a plain point.
fn z0_point_total(a: &Archive) -> (u64, usize, Vec<mvt::Feature>) {
    let z0 = a.at_zoom(0).next().unwrap().1;
    let feats: Vec<mvt::Feature> = z0.layers[0]
        .features
        .iter()
        .filter(|f| f.geom_type == mvt::POINT)
        .cloned()
        .collect();
    let total = feats
        .iter()
        .map(|f| {
            f.props
                .get("point_count")
                .and_then(|v| v.as_f64())
                .map_or(1, |n| n as u64)
        })
        .sum();
    (total, feats.len(), feats)
}

#[test]
fn clusters_count_their_points_accumulate_and_give_a_bbox() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path());
    let out = dir.path().join("clusters.pmtiles");
    let stdout = cli_tiles(
        &[
            "-z",
            "8",
            "--cluster-distance",
            "10",
            "--cluster-maxzoom",
            "7",
            "--accumulate-attribute",
            "rank:sum",
            "--accumulate-attribute",
            "name:comma",
        ],
        &input,
        &out,
    );
    assert!(stdout.contains("clusters"), "{stdout}");
    let a = read_pmtiles(&out);
    let (total, n, feats) = z0_point_total(&a);
    assert_eq!(total, 3000);
    assert!(n < 300, "{n} features at z0");
    let rank_sum: f64 = feats
        .iter()
        .map(|f| f.props["rank"].as_f64().unwrap())
        .sum();
    assert_eq!(rank_sum, (0..3000).map(|i| f64::from(i % 7)).sum::<f64>());
    let mut names = 0;
    for f in feats.iter().filter(|f| f.props.contains_key("point_count")) {
        let count = f.props["point_count"].as_f64().unwrap();
        assert_eq!(f.props["clustered"], mvt::Val::Bool(true));
        assert_eq!(
            f.props["sqrt_point_count"].as_f64().unwrap(),
            (count.sqrt() * 100.0).round() / 100.0
        );
        let abbr = match &f.props["point_count_abbreviated"] {
            mvt::Val::Str(s) => s.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(abbr, format!("{count}"), "under 1000");
        let mvt::Val::Str(list) = &f.props["name"] else {
            panic!()
        };
        assert_eq!(list.split(',').count() as f64, count);
        names += list.split(',').count();
        // The cluster sits inside its members' bounding box.
        let (w, s, e, nn) = (
            f.props["cluster_west"].as_f64().unwrap(),
            f.props["cluster_south"].as_f64().unwrap(),
            f.props["cluster_east"].as_f64().unwrap(),
            f.props["cluster_north"].as_f64().unwrap(),
        );
        assert!(w < e && s < nn && w >= 50.0 && e <= 66.0 && s >= 60.0 && nn <= 69.0);
        let p = f.parts[0][0];
        let (x0, y0) = mercator(w, nn);
        let (x1, y1) = mercator(e, s);
        let (px, py) = (p[0] as f64 / 4096.0, p[1] as f64 / 4096.0);
        assert!(px >= x0 - 1e-3 && px <= x1 + 1e-3 && py >= y0 - 1e-3 && py <= y1 + 1e-3);
    }
    assert!(names > 2000);
    // Beyond the cluster maxzoom every point is itself.
    assert_eq!(points_per_zoom(&a)[8], 3000);
    assert!(a.at_zoom(8).all(|(_, t)| {
        t.layers[0]
            .features
            .iter()
            .all(|f| !f.props.contains_key("point_count"))
    }));
    assert!(a.metadata["strategies"][0]["clusters"].as_u64().unwrap() >= 1);
    assert!(a.metadata["strategies"][7]["clusters"].as_u64().unwrap() > 100);
    assert!(a.metadata["strategies"][8].get("clusters").is_none());

    // --cluster-densest-as-needed: under the feature limit, and every point counted.
    let out = dir.path().join("densest.pmtiles");
    cli_tiles(
        &[
            "-z",
            "4",
            "-r",
            "1",
            "--maximum-tile-features",
            "300",
            "--cluster-densest-as-needed",
        ],
        &input,
        &out,
    );
    let a = read_pmtiles(&out);
    let (total, n, _) = z0_point_total(&a);
    assert_eq!(total, 3000);
    assert!(n < 300);
}

#[test]
fn every_tippecanoe_style_flag_is_in_the_help() {
    let assert = util::gazmap().args(["tiles", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for flag in [
        "--generate-ids",
        "--use-attribute-for-id",
        "--attribute-type",
        "-T",
        "--maxzoom",
        "--base-zoom",
        "or `g`",
        "--drop-rate",
        "--drop-spacing",
        "--drop-densest-as-needed",
        "--drop-fraction-as-needed",
        "--drop-smallest-as-needed",
        "--coalesce-densest-as-needed",
        "--cluster-densest-as-needed",
        "--cluster-distance",
        "--cluster-maxzoom",
        "--accumulate-attribute",
        "point_count_abbreviated",
        "CSV",
        "FlatGeobuf",
        "--named-layer",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

#[test]
fn named_layers_from_l_specs_with_their_own_zooms() {
    let dir = tempfile::tempdir().unwrap();
    let a_in = write_geojson(
        dir.path(),
        "a.geojson",
        &[
            serde_json::json!({"type": "Feature", "properties": {"n": 1},
            "geometry": {"type": "Point", "coordinates": [64.0, 67.5]}}),
        ],
    );
    let b_in = write_geojson(
        dir.path(),
        "b.geojson",
        &[serde_json::json!({"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[60.0, 66.0], [65.0, 67.0]]}})],
    );
    let out = dir.path().join("named.pmtiles");
    let spec = serde_json::json!({"file": a_in, "layer": "camps", "description": "Camps",
        "minzoom": 2, "maxzoom": 5})
    .to_string();
    util::gazmap()
        .args(["tiles", "-z", "7", "-o"])
        .arg(&out)
        .arg("-L")
        .arg(&spec)
        .arg("-L")
        .arg(format!("rivers:{}", b_in.display()))
        .assert()
        .success();
    let a = read_pmtiles(&out);
    let vl = a.metadata["vector_layers"].as_array().unwrap();
    assert_eq!(vl[0]["id"], "camps");
    assert_eq!(vl[0]["description"], "Camps");
    assert_eq!(
        (vl[0]["minzoom"].as_u64(), vl[0]["maxzoom"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(vl[1]["id"], "rivers");
    let zooms = |layer: &str| {
        all_features(&a)
            .into_iter()
            .filter(|f| f.1 == layer)
            .map(|f| f.0)
            .collect::<BTreeSet<u8>>()
    };
    assert_eq!(zooms("camps"), (2..=5).collect());
    assert_eq!(zooms("rivers"), (0..=7).collect());
    util::gazmap()
        .args(["tiles", "-o"])
        .arg(dir.path().join("x.pmtiles"))
        .args(["-L", "{\"file\": \"a.geojson\", \"colour\": 1}"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown field `colour`"));
}
