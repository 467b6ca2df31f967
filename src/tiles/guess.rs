//! `-zg` and `-Bg`: the maximum and base zoom chosen from the data, with tippecanoe's rules.
//!
//! `-zg` (tippecanoe's `main.cpp`): the spacing of neighbouring points along the space-filling
//! curve is roughly log-normal, so its log mean and deviation are taken; points 1.5 deviations
//! closer than the typical spacing should still be told apart, one zoom beyond, at 4096 units a
//! tile. For lines and polygons the same spacing is taken between each feature's own vertices,
//! and a zoom resolving an eighth of it is wanted; the deeper of the two wins. The curve index
//! difference is turned into feet as tippecanoe does (`sqrt(d) / 33`, fitted on Natural Earth's
//! populated places). `-Bg`: the lowest zoom at which no tile holds 50,000 features or more.

use super::mercator::{self, MAX_ZOOM};
use super::store::{GeomKind, Store};

/// Tile detail of the guess, `log2` of units per tile (4096 = 2^12, tippecanoe's full detail).
const FULL_DETAIL: f64 = 12.0;

/// What `-zg` chose and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoomGuess {
    /// The chosen maximum zoom.
    pub maxzoom: u8,
    /// Typical spacing of the points, **metres** (0 without points).
    pub typical_m: f64,
    /// Spacing the chosen zoom resolves, **metres**.
    pub nearby_m: f64,
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn zoom_for_feet(ft: f64) -> u8 {
    let z = ((360.0 / (0.000_002_74 * ft)).log2() - FULL_DETAIL).ceil();
    z.clamp(0.0, f64::from(MAX_ZOOM)) as u8
}

/// The maximum zoom for the data in a finished store (points sorted along the curve); `None`
/// with fewer than two distinct locations.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn guess_maxzoom(store: &Store) -> Option<ZoomGuess> {
    // Points: log spacing along the curve, Welford's running mean and variance.
    let (mut n, mut mean, mut m2) = (0usize, 0.0f64, 0.0f64);
    for w in store.points.windows(2) {
        if w[1].key != w[0].key {
            let v = ((w[1].key - w[0].key) as f64).ln();
            n += 1;
            let d = v - mean;
            mean += d / n as f64;
            m2 += d * (v - mean);
        }
    }
    let mut best: Option<ZoomGuess> = None;
    if n > 0 {
        let sd = (m2 / n as f64).sqrt();
        let typical_ft = mean.exp().sqrt() / 33.0;
        let nearby_ft = (mean - 1.5 * sd).exp().sqrt() / 33.0;
        best = Some(ZoomGuess {
            maxzoom: zoom_for_feet(nearby_ft / 2.0),
            typical_m: typical_ft / 3.28084,
            nearby_m: nearby_ft / 2.0 / 3.28084,
        });
    }
    // Lines and polygons: spacing of each feature's own vertices.
    let (mut sum, mut count) = (0.0f64, 0usize);
    let mut keys: Vec<u64> = vec![];
    for sh in &store.shapes {
        keys.clear();
        for r in sh.ring_start..sh.ring_start + sh.ring_count {
            keys.extend(
                store
                    .ring_coords(r as usize)
                    .iter()
                    .map(|c| mercator::hilbert(32, c[0], c[1])),
            );
        }
        keys.sort_unstable();
        let (mut s, mut k) = (0.0f64, 0usize);
        for w in keys.windows(2) {
            if w[1] != w[0] {
                s += ((w[1] - w[0]) as f64).ln();
                k += 1;
            }
        }
        if k > 0 {
            let ft = (s / k as f64).exp().sqrt() / 33.0;
            sum += ft.ln() * k as f64;
            count += k;
        }
    }
    if count > 0 {
        let want_ft = (sum / count as f64).exp() / 8.0;
        let z = zoom_for_feet(want_ft);
        if best.is_none_or(|b| z > b.maxzoom) {
            best = Some(ZoomGuess {
                maxzoom: z,
                typical_m: best.map_or(0.0, |b| b.typical_m),
                nearby_m: want_ft / 3.28084,
            });
        }
    }
    best
}

/// tippecanoe's cap on `-zg` (`main.cpp`): at most about 2 million tiles (2^21) over the zooms
/// 1..=`maxzoom`, each zoom counted as the polygons' total area in tiles of that zoom (points and
/// lines count nothing, as there). Enough for a polygon over the whole world to z10. Returns the
/// capped zoom and, when it capped, the tile count that would have been passed.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn cap_maxzoom(store: &Store, maxzoom: u8) -> (u8, Option<f64>) {
    const LIMIT: f64 = 2.0 * 1024.0 * 1024.0;
    let mut area = 0.0f64; // world-grid units squared (the world is 2^32 a side)
    for sh in &store.shapes {
        if store.features[sh.feature as usize].kind != GeomKind::Polygon {
            continue;
        }
        let mut a = 0.0;
        for r in sh.ring_start..sh.ring_start + sh.ring_count {
            let ring = store.ring_coords(r as usize);
            let Some(o) = ring.first() else { continue };
            let (ox, oy) = (f64::from(o[0]), f64::from(o[1]));
            let twice: f64 = ring
                .windows(2)
                .map(|w| {
                    let (ax, ay) = (f64::from(w[0][0]) - ox, f64::from(w[0][1]) - oy);
                    let (bx, by) = (f64::from(w[1][0]) - ox, f64::from(w[1][1]) - oy);
                    ax * by - bx * ay
                })
                .sum();
            let ring_area = twice.abs() / 2.0;
            if store.rings[r as usize].outer {
                a += ring_area;
            } else {
                a -= ring_area;
            }
        }
        area += a.max(0.0);
    }
    let mut total = 0.0;
    for z in 1..=maxzoom {
        let side = mercator::WORLD_U32 / f64::from(1u32 << z);
        total += (area / (side * side)).ceil();
        if total > LIMIT {
            return (z - 1, Some(total));
        }
    }
    (maxzoom, None)
}

/// The lowest zoom at which no tile holds `limit` or more features (each point, and each line or
/// polygon by its first vertex, counted once), at most `MAX_ZOOM`.
#[must_use]
pub fn guess_base_zoom(store: &Store, limit: usize) -> u8 {
    let mut keys: Vec<u64> = store.points.iter().map(|p| p.key).collect();
    keys.extend(store.shapes.iter().filter_map(|sh| {
        let c = store.ring_coords(sh.ring_start as usize).first()?;
        Some(mercator::hilbert(32, c[0], c[1]))
    }));
    keys.sort_unstable();
    let mut base = MAX_ZOOM;
    for z in (0..=MAX_ZOOM).rev() {
        let shift = 64 - 2 * u32::from(z);
        let tile = |k: u64| if shift >= 64 { 0 } else { k >> shift };
        let mut densest = 0usize;
        let mut run = 0usize;
        for (i, &k) in keys.iter().enumerate() {
            if i > 0 && tile(k) == tile(keys[i - 1]) {
                run += 1;
            } else {
                run = 1;
            }
            densest = densest.max(run);
        }
        if densest < limit {
            base = z;
        } else {
            break;
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::store::Geom;

    fn grid(n: u32, step: f64) -> Store {
        let mut s = Store::new();
        let l = s.add_layer("p", "", 0, 20);
        for i in 0..n * n {
            let p = [
                50.0 + f64::from(i % n) * step,
                60.0 + f64::from(i / n) * step / 2.0,
            ];
            s.add_feature(l, None, &[], &Geom::Point(p), false, 0.0)
                .unwrap();
        }
        s.finish();
        s
    }

    /// One tile unit (1/4096 of a tile) at zoom `z`, metres at the equator.
    fn unit_m(z: u8) -> f64 {
        40_075_016.7 / f64::from(1u32 << z) / 4096.0
    }

    #[test]
    fn closer_points_want_deeper_zooms() {
        let wide = guess_maxzoom(&grid(30, 0.1)).unwrap();
        let close = guess_maxzoom(&grid(30, 0.001)).unwrap();
        // A hundred times closer: about log2(100) = 6.6 zooms deeper.
        let d = i32::from(close.maxzoom) - i32::from(wide.maxzoom);
        assert!((5..=8).contains(&d), "{wide:?} {close:?}");
        // About 5.5 km apart on the grid (0.1 degrees of longitude at 60 N), 11 km along the curve.
        assert!(
            wide.typical_m > 3000.0 && wide.typical_m < 20_000.0,
            "{wide:?}"
        );
        // The chosen zoom is the first whose tile unit resolves the wanted spacing.
        for g in [wide, close] {
            assert!(unit_m(g.maxzoom) <= g.nearby_m * 1.01, "{g:?}");
            assert!(
                g.maxzoom == 0 || unit_m(g.maxzoom - 1) > g.nearby_m * 0.99,
                "{g:?}"
            );
        }
        assert!(guess_maxzoom(&grid(1, 1.0)).is_none());
    }

    fn polygon(rings: &[Vec<[f64; 2]>]) -> Store {
        let mut s = Store::new();
        let l = s.add_layer("p", "", 0, 20);
        s.add_feature(
            l,
            None,
            &[],
            &Geom::Polygons(vec![rings.to_vec()]),
            false,
            0.0,
        )
        .unwrap();
        s.finish();
        s
    }

    fn rect(w: f64, s: f64, e: f64, n: f64) -> Vec<[f64; 2]> {
        vec![[w, s], [e, s], [e, n], [w, n], [w, s]]
    }

    #[test]
    fn zg_is_capped_at_about_two_million_tiles_of_polygon_area() {
        // The whole world: 4^z tiles at zoom z, 1,398,100 over z1-z10, 5.6 million to z11.
        let world = polygon(&[rect(-180.0, -85.05, 180.0, 85.05)]);
        let (z, tiles) = cap_maxzoom(&world, 14);
        assert_eq!(z, 10);
        assert!((5.5e6..5.6e6).contains(&tiles.unwrap()), "{tiles:?}");
        assert_eq!(cap_maxzoom(&world, 9), (9, None));
        // A quarter of the world's width, -60..60 latitude: 41.9 % of its height in Mercator,
        // 10.5 % of its area: 0.105 * (4^1 + ... + 4^12) = 2.35 million tiles passes the cap at z12.
        let quarter = polygon(&[rect(-90.0, -60.0, 0.0, 60.0)]);
        assert_eq!(cap_maxzoom(&quarter, 16).0, 11);
        // A hole counts against its polygon: the same quarter with its middle cut out.
        let holed = polygon(&[
            rect(-90.0, -60.0, 0.0, 60.0),
            rect(-80.0, -50.0, -10.0, 50.0),
        ]);
        assert_eq!(cap_maxzoom(&holed, 16).0, 12);
        // Points and lines count nothing, as in tippecanoe.
        assert_eq!(cap_maxzoom(&grid(30, 0.001), 18), (18, None));
    }

    #[test]
    fn base_zoom_keeps_tiles_under_the_limit() {
        let s = grid(30, 0.001);
        assert_eq!(guess_base_zoom(&s, 50_000), 0);
        // 900 points in 0.03 degrees: one z13 tile (0.044 degrees) can hold them all.
        let b = guess_base_zoom(&s, 300);
        assert!((13..=17).contains(&b), "{b}");
    }
}
