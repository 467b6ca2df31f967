//! Property tests (proptest) of the geometry code: clipping, simplification and MVT encoding keep
//! polygons valid and inside the tile plus its buffer; geodesy is symmetric and its direct and
//! inverse problems agree; geodesic circles are closed, counter-clockwise and at their radius.
//!
//! Case counts are kept small (`PROPTEST_CASES` raises them) so the suite runs in seconds.
//! Clipping a concave ring with Sutherland–Hodgman can leave zero-width bridges along the tile
//! edge, and rounding can fold a sliver back on itself; the tiler checks every polygon on the
//! tile grid and rebuilds the invalid ones (`tiles::valid`), which `concave_clip_then_repair_is_valid`
//! and `tiled_polygons_decode_valid` hold it to.

use gazmap::geodesy;
use gazmap::tiles::clip::{Pt, Rect, clip_ring};
use gazmap::tiles::simplify::{int_area2, quantize_ring, simplify_ring};
use gazmap::tiles::valid;
use gazmap::tiles::{self, EXTENT, Store, TileOptions, store::Geom};
use geo::{Coord, LineString, MultiPolygon, Point, Polygon, Validation, Winding};
use proptest::prelude::*;

use crate::tiles::mvt;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// A tile (0..4096) plus a 5-pixel buffer (80 units), as the tiler uses by default.
const TILE_RECT: Rect = Rect {
    x0: -80.0,
    y0: -80.0,
    x1: 4176.0,
    y1: 4176.0,
};

/// A convex ring: points on an ellipse at distinct sorted angles (first vertex not repeated).
fn convex_ring() -> impl Strategy<Value = Vec<Pt>> {
    (
        -3000.0..7000.0f64,
        -3000.0..7000.0f64,
        1.0..5000.0f64,
        1.0..5000.0f64,
        prop::collection::btree_set(0u32..3600, 3..40),
    )
        .prop_map(|(cx, cy, rx, ry, angles)| {
            angles
                .into_iter()
                .map(|a| {
                    let t = f64::from(a).to_radians() / 10.0;
                    [cx + rx * t.cos(), cy + ry * t.sin()]
                })
                .collect()
        })
}

/// A star-shaped (simple, possibly concave) ring around a centre.
fn star_ring() -> impl Strategy<Value = Vec<Pt>> {
    (
        -3000.0..7000.0f64,
        -3000.0..7000.0f64,
        prop::collection::btree_map(0u32..3600, 10.0..5000.0f64, 3..40),
    )
        .prop_map(|(cx, cy, spokes)| {
            spokes
                .into_iter()
                .map(|(a, r)| {
                    let t = f64::from(a).to_radians() / 10.0;
                    [cx + r * t.cos(), cy + r * t.sin()]
                })
                .collect()
        })
}

fn polygon_of(ring: &[Pt]) -> Polygon {
    let coords: Vec<Coord> = ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    Polygon::new(LineString::new(coords), vec![])
}

fn polygon_of_int(ring: &[[i32; 2]]) -> Polygon {
    let coords: Vec<Coord> = ring
        .iter()
        .map(|p| Coord {
            x: f64::from(p[0]),
            y: f64::from(p[1]),
        })
        .collect();
    Polygon::new(LineString::new(coords), vec![])
}

fn assert_inside(ring: &[Pt], r: &Rect) {
    for p in ring {
        assert!(
            p[0] >= r.x0 - 1e-9
                && p[0] <= r.x1 + 1e-9
                && p[1] >= r.y0 - 1e-9
                && p[1] <= r.y1 + 1e-9,
            "{p:?} outside {r:?}"
        );
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn convex_clip_stays_valid_and_inside(ring in convex_ring()) {
        let input = polygon_of(&ring);
        prop_assume!(input.is_valid());
        let out = clip_ring(&ring, &TILE_RECT);
        assert_inside(&out, &TILE_RECT);
        if !out.is_empty() {
            let p = polygon_of(&out);
            prop_assert!(p.is_valid(), "clipped ring invalid: {:?}", p.validation_errors());
        }
    }

    #[test]
    fn simplified_and_quantized_convex_ring_stays_valid(
        ring in convex_ring(),
        tolerance in 0.0..64.0f64,
        outer in any::<bool>(),
    ) {
        prop_assume!(polygon_of(&ring).is_valid());
        let clipped = clip_ring(&ring, &TILE_RECT);
        let simplified = simplify_ring(&clipped, tolerance);
        assert_inside(&simplified, &TILE_RECT);
        if let Some(q) = quantize_ring(&simplified, outer) {
            for p in &q {
                prop_assert!((-80..=4176).contains(&p[0]) && (-80..=4176).contains(&p[1]), "{p:?}");
            }
            let area2 = gazmap::tiles::simplify::int_area2(&q);
            prop_assert_eq!(area2 > 0, outer, "MVT winding");
            let p = polygon_of_int(&q);
            prop_assert!(p.is_valid(), "quantized ring invalid: {:?} {:?}", q, p.validation_errors());
        }
    }

    #[test]
    fn geodesic_distance_is_symmetric(
        a in (-180.0..180.0f64, -89.0..89.0f64),
        b in (-180.0..180.0f64, -89.0..89.0f64),
    ) {
        let (a, b) = (Point::new(a.0, a.1), Point::new(b.0, b.1));
        let (ab, ba) = (geodesy::distance_m(a, b), geodesy::distance_m(b, a));
        prop_assert!((ab - ba).abs() < 1e-3, "{ab} vs {ba}");
    }

    #[test]
    fn inverse_of_direct_gives_back_distance_and_bearing(
        origin in (-180.0..180.0f64, -85.0..85.0f64),
        bearing in 0.0..360.0f64,
        distance in 1.0..10_000_000.0f64,
    ) {
        let a = Point::new(origin.0, origin.1);
        let b = geodesy::destination(a, bearing, distance);
        let back = geodesy::distance_m(a, b);
        prop_assert!((back - distance).abs() < 1e-3, "{distance} m out, {back} m back");
        // The bearing back agrees too, to well under a millimetre across the distance.
        let az = geodesy::bearing_deg(a, b);
        let diff = ((az - bearing + 540.0) % 360.0 - 180.0).abs();
        prop_assert!(diff.to_radians() * distance < 1e-3, "bearing {bearing} -> {az}");
    }

    /// (Centres at most 160° east or west: a circle of 300 km at 80° north spans 15.5° of
    /// longitude, and one across the antimeridian is not drawn here.)
    #[test]
    fn circles_are_closed_ccw_and_at_their_radius(
        centre in (-160.0..160.0f64, -80.0..80.0f64),
        radius in 1.0..300_000.0f64,
        vertices in 8usize..128,
    ) {
        let c = Point::new(centre.0, centre.1);
        let poly = geodesy::circle(c, radius, vertices);
        let ring = poly.exterior();
        prop_assert!(ring.is_closed());
        prop_assert_eq!(ring.0.len(), vertices + 1);
        prop_assert!(ring.is_ccw(), "circle is not counter-clockwise");
        prop_assert!(poly.is_valid(), "{:?}", poly.validation_errors());
        for v in &ring.0 {
            let d = geodesy::distance_m(c, Point::from(*v));
            prop_assert!((d - radius).abs() < 1e-3, "vertex at {d} m, radius {radius} m");
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Sutherland–Hodgman alone can leave zero-width bridges along the tile edge on a concave
    /// ring; the tiler's check-and-repair step after rounding (`tiles::valid`) must make every
    /// such polygon valid, as it does for every tile it writes.
    #[test]
    fn concave_clip_then_repair_is_valid(ring in star_ring()) {
        prop_assume!(polygon_of(&ring).is_valid());
        let out = clip_ring(&ring, &TILE_RECT);
        assert_inside(&out, &TILE_RECT);
        if out.len() >= 3 {
            #[allow(clippy::cast_possible_truncation)]
            let rounded: Vec<[i32; 2]> =
                out.iter().map(|p| [p[0].round() as i32, p[1].round() as i32]).collect();
            let rings = if valid::is_valid(std::slice::from_ref(&rounded)) {
                vec![rounded]
            } else {
                valid::repair(&[(rounded, true)])
            };
            // Outer rings (positive area) each followed by their holes, as MVT writes them; OGC
            // lets two parts of a multipolygon touch at a point, so geo's check is the judge.
            let mut parts: Vec<Polygon> = vec![];
            for r in &rings {
                let line = polygon_of_int(r).exterior().clone();
                if int_area2(r) > 0 {
                    parts.push(Polygon::new(line, vec![]));
                } else if let Some(last) = parts.last_mut() {
                    last.interiors_push(line);
                }
            }
            let mp = MultiPolygon::new(parts);
            prop_assert!(mp.is_valid(), "repaired polygon invalid: {:?} {rings:?}", mp.validation_errors());
        }
    }
}

/// A convex polygon in lon/lat, small enough to span a few tiles at zoom 0..5.
fn convex_lonlat() -> impl Strategy<Value = Vec<[f64; 2]>> {
    (
        -160.0..160.0f64,
        -70.0..70.0f64,
        0.01..15.0f64,
        0.01..10.0f64,
        prop::collection::btree_set(0u32..3600, 3..24),
    )
        .prop_map(|(cx, cy, rx, ry, angles)| {
            let mut ring: Vec<[f64; 2]> = angles
                .into_iter()
                .map(|a| {
                    let t = f64::from(a).to_radians() / 10.0;
                    [cx + rx * t.cos(), cy + ry * t.sin()]
                })
                .collect();
            ring.push(ring[0]);
            ring
        })
}

/// Rings of one decoded MVT polygon feature, grouped into polygons (an outer ring, positive
/// area in y-down tile coordinates, followed by its holes).
fn multipolygon(parts: &[Vec<[i64; 2]>]) -> MultiPolygon {
    let ls = |r: &Vec<[i64; 2]>| {
        let mut c: Vec<Coord> = r
            .iter()
            .map(|p| Coord {
                #[allow(clippy::cast_precision_loss)]
                x: p[0] as f64,
                #[allow(clippy::cast_precision_loss)]
                y: p[1] as f64,
            })
            .collect();
        c.push(c[0]);
        LineString::new(c)
    };
    let mut polys: Vec<Polygon> = vec![];
    for r in parts {
        if mvt::area2(r) > 0 || polys.is_empty() {
            polys.push(Polygon::new(ls(r), vec![]));
        } else if let Some(last) = polys.last_mut() {
            last.interiors_push(ls(r));
        }
    }
    MultiPolygon::new(polys)
}

/// Every tile of an MBTiles archive, gunzipped and decoded.
fn read_mbtiles(path: &std::path::Path) -> Vec<((u8, u32, u32), mvt::Tile)> {
    use std::io::Read;
    let db = rusqlite::Connection::open(path).unwrap();
    let mut stmt = db
        .prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            (r.get::<_, u8>(0)?, r.get::<_, u32>(1)?, r.get::<_, u32>(2)?),
            r.get::<_, Vec<u8>>(3)?,
        ))
    })
    .unwrap()
    .map(|row| {
        let (zxy, gz) = row.unwrap();
        let mut raw = vec![];
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut raw)
            .unwrap();
        (zxy, mvt::decode(&raw).unwrap())
    })
    .collect()
}

/// Tiles `polys` at zooms 0..5 and checks every decoded polygon: each vertex inside the tile plus
/// its buffer, each outer ring positive (MVT winding) and, with `check_valid`, OGC validity.
fn check_tiled(polys: &[Vec<[f64; 2]>], check_valid: bool) -> Result<(), TestCaseError> {
    let mut store = Store::new();
    let layer = store.add_layer("p", "", 0, 5);
    for (i, ring) in polys.iter().enumerate() {
        prop_assume!(polygon_of(ring).is_valid());
        store
            .add_feature(
                layer,
                Some(i as u64),
                &[],
                &Geom::Polygons(vec![vec![ring.clone()]]),
                true,
                0.0,
            )
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("p.mbtiles");
    let opts = TileOptions {
        maxzoom: 5,
        ..TileOptions::default()
    };
    tiles::write_store(store, &opts, &dest, &tiles::Quiet).unwrap();
    #[allow(clippy::cast_possible_truncation)]
    let buffer = (opts.buffer_px * tiles::UNITS_PER_PX) as i64;
    let (lo, hi) = (-buffer, i64::from(EXTENT) + buffer);
    let decoded = read_mbtiles(&dest);
    prop_assert!(!decoded.is_empty());
    for (zxy, tile) in decoded {
        for l in &tile.layers {
            prop_assert_eq!(l.extent, u64::from(EXTENT));
            for f in &l.features {
                prop_assert_eq!(f.geom_type, mvt::POLYGON);
                prop_assert!(
                    mvt::area2(&f.parts[0]) > 0,
                    "tile {zxy:?}: first ring not outer"
                );
                for p in f.parts.iter().flatten() {
                    prop_assert!(
                        (lo..=hi).contains(&p[0]) && (lo..=hi).contains(&p[1]),
                        "tile {zxy:?}: {p:?} outside tile plus buffer"
                    );
                }
                if check_valid {
                    let mp = multipolygon(&f.parts);
                    prop_assert!(
                        mp.is_valid(),
                        "tile {zxy:?}: {:?} {:?}",
                        mp.validation_errors(),
                        f.parts
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn tiled_polygons_decode_inside_tile_plus_buffer(
        polys in prop::collection::vec(convex_lonlat(), 1..4),
    ) {
        check_tiled(&polys, false)?;
    }

    /// Clipping then rounding can fold a sliver back on itself along the buffer edge (e.g.
    /// `[[4175, 801], [4176, 795], [4176, 794], [4176, 800]]`); the tiler must repair it.
    #[test]
    fn tiled_polygons_decode_valid(
        polys in prop::collection::vec(convex_lonlat(), 1..4),
    ) {
        check_tiled(&polys, true)?;
    }
}

/// Inputs the fuzz targets found (`fuzz/regressions/`), replayed as plain tests.
mod regressions {
    use super::*;

    /// The fuzz target's mapping of a 16-bit grid onto lon/lat.
    fn ll(p: (u16, u16)) -> [f64; 2] {
        let (x, y) = (f64::from(p.0) / 65535.0, f64::from(p.1) / 65535.0);
        [-180.0 + x * 360.0, (-85.0 + y * 170.0).min(85.0)]
    }

    fn closed(pts: &[(u16, u16)]) -> Vec<[f64; 2]> {
        let mut r: Vec<[f64; 2]> = pts.iter().map(|p| ll(*p)).collect();
        r.push(r[0]);
        r
    }

    /// fuzz/regressions/tiles/crash-edc4c977: a tile's polygon began with a hole.
    #[test]
    fn self_touching_outer_ring_with_hole_starts_with_an_outer_ring() {
        let outer = closed(&[
            (17219, 17219),
            (48316, 17347),
            (17219, 17219),
            (17219, 17219),
            (17219, 17219),
            (17219, 17219),
            (17219, 17219),
            (65535, 65535),
            (17437, 31335),
            (59844, 13070),
        ]);
        let hole = closed(&[(65535, 7679), (65535, 17151), (45452, 64470)]);
        let mut store = Store::new();
        let layer = store.add_layer("f", "", 0, 14);
        store
            .add_feature(
                layer,
                Some(1),
                &[],
                &Geom::Polygons(vec![vec![outer, hole]]),
                false,
                0.0,
            )
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("t.mbtiles");
        let opts = TileOptions {
            maxzoom: 4,
            buffer_px: 19.0,
            simplify_px: 1.25,
            ..TileOptions::default()
        };
        tiles::write_store(store, &opts, &dest, &tiles::Quiet).unwrap();
        let decoded = read_mbtiles(&dest);
        assert!(!decoded.is_empty());
        for (zxy, tile) in decoded {
            for f in tile.layers.iter().flat_map(|l| &l.features) {
                assert!(mvt::area2(&f.parts[0]) > 0, "tile {zxy:?}: {:?}", f.parts);
            }
        }
    }

    /// fuzz/regressions/fgb/: FlatGeobuf files the `flatgeobuf` crate panicked on: property
    /// bytes claiming a string longer than the feature, a header whose spatial index size
    /// overflows. Each must be an error naming the file (and the feature), exit 1, and leave no
    /// archive behind.
    #[test]
    fn hostile_flatgeobuf_files_are_a_located_error() {
        let dir = crate::util::root().join("fuzz/regressions/fgb");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let tmp = tempfile::tempdir().unwrap();
            let input = tmp.path().join("hostile.fgb");
            std::fs::copy(entry.unwrap().path(), &input).unwrap();
            let out = tmp.path().join("t.pmtiles");
            let run = crate::util::gazmap()
                .args(["tiles", "-z", "4", "-o"])
                .arg(&out)
                .arg(&input)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert_eq!(run.status.code(), Some(1), "{stderr}");
            assert!(
                stderr.contains("hostile.fgb:") && stderr.contains(": malformed "),
                "{stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(!out.exists());
            seen += 1;
        }
        assert!(seen >= 2);
    }
}

/// Rings on a small grid, so that they touch, share edges, fold back and cross often: each a
/// list of vertices and whether it is an outer ring.
fn tangled_rings() -> impl Strategy<Value = Vec<(Vec<[i32; 2]>, bool)>> {
    prop::collection::vec(
        (
            prop::collection::vec((0i32..10, 0i32..10), 3..10),
            prop::bool::weighted(0.7),
        ),
        1..5,
    )
    .prop_map(|rings| {
        rings
            .into_iter()
            .map(|(pts, outer)| (pts.into_iter().map(|(x, y)| [x, y]).collect(), outer))
            .collect()
    })
}

/// Axis-aligned rectangles on a small grid (touching at corners, sharing edges, nested), wound
/// by their role: outer rings positive on the tile grid, holes negative.
fn rectangles() -> impl Strategy<Value = Vec<Vec<[i32; 2]>>> {
    prop::collection::vec(
        (
            0i32..8,
            0i32..8,
            1i32..5,
            1i32..5,
            prop::bool::weighted(0.6),
        ),
        1..5,
    )
    .prop_map(|rects| {
        rects
            .into_iter()
            .map(|(x, y, w, h, outer)| {
                let mut r = vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
                if (int_area2(&r) > 0) != outer {
                    r.reverse();
                }
                r
            })
            .collect()
    })
}

/// Rings as MVT lists them (each outer ring followed by its holes) made a geo multipolygon;
/// `None` if a hole comes first.
fn multipolygon_of_tile_rings(rings: &[Vec<[i32; 2]>]) -> Option<MultiPolygon> {
    let mut parts: Vec<Polygon> = vec![];
    for r in rings {
        let line = polygon_of_int(r).exterior().clone();
        if int_area2(r) > 0 {
            parts.push(Polygon::new(line, vec![]));
        } else {
            parts.last_mut()?.interiors_push(line);
        }
    }
    Some(MultiPolygon::new(parts))
}

proptest! {
    #![proptest_config(config(2000))]

    /// Whatever the rings, the repair gives a polygon the tiler's check accepts and geo finds
    /// valid (or nothing, when no area is left).
    #[test]
    fn repair_of_tangled_rings_is_valid(raw in tangled_rings()) {
        let fixed = valid::repair(&raw);
        if !fixed.is_empty() {
            prop_assert!(valid::is_valid(&fixed), "check rejects the repair: {raw:?} -> {fixed:?}");
            let mp = multipolygon_of_tile_rings(&fixed);
            prop_assert!(mp.is_some(), "hole first: {fixed:?}");
            let mp = mp.unwrap();
            prop_assert!(
                mp.is_valid(),
                "repair invalid for geo: {raw:?} -> {fixed:?}: {:?}",
                mp.validation_errors()
            );
        }
    }

    /// The check accepts rings that touch at points (as OGC allows) but nothing geo rejects.
    #[test]
    fn the_check_accepts_nothing_geo_rejects(rects in rectangles()) {
        if valid::is_valid(&rects) {
            let mp = multipolygon_of_tile_rings(&rects).unwrap();
            prop_assert!(mp.is_valid(), "{rects:?}: {:?}", mp.validation_errors());
        }
        let raw: Vec<(Vec<[i32; 2]>, bool)> =
            rects.iter().map(|r| (r.clone(), int_area2(r) > 0)).collect();
        let fixed = valid::repair(&raw);
        if !fixed.is_empty() {
            let mp = multipolygon_of_tile_rings(&fixed).unwrap();
            prop_assert!(mp.is_valid(), "{rects:?} -> {fixed:?}: {:?}", mp.validation_errors());
        }
    }
}
