//! Vector tiles: the atlas archive of `gazmap build` and `gazmap tiles`, read back with the
//! pmtiles crate's own reader and decoded with an MVT decoder written from the spec ([`mvt`]),
//! not with the `mvt` crate the tiler encodes with.

mod mvt;
mod scale; // the 1,000-site synthetic atlas: zooms from the data, every feature kept

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
