//! Web Mercator (EPSG:3857) and tile maths: lon/lat **degrees** to world coordinates, tile ranges,
//! and the Hilbert curve on the `2^32` grid (sort keys, and runs of PMTiles v3 tile ids below a
//! tile). Single tile ids are `pmtiles::TileId`; the tests hold this curve to it.
//!
//! World coordinates are the unit square: x from 0 (180° W) to 1 (180° E), y from 0 (85.0511° N)
//! to 1 (85.0511° S), y growing southwards like tile rows. Stored points use the same square scaled
//! to `2^32` ([`WORLD_U32`]): about 9 mm at the equator, 1/64 of a tile unit at zoom 14.

/// Latitude where Web Mercator is cut off (the square world), **degrees**.
pub const MAX_LAT_DEG: f64 = 85.051_128_779_806_59;

/// Size of the integer world grid: `2^32` cells across.
pub const WORLD_U32: f64 = 4_294_967_296.0;

/// Deepest zoom the tiler accepts. World coordinates are stored on a `2^32` grid, so at zoom 20 one
/// stored cell is one unit of a 4096-unit tile.
pub const MAX_ZOOM: u8 = 20;

/// Projects lon/lat **degrees** to world coordinates in `[0, 1]`; latitudes beyond ±85.0511° are
/// clamped.
#[must_use]
pub fn lon_lat_to_world(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let x = (lon_deg + 180.0) / 360.0;
    let lat = lat_deg.clamp(-MAX_LAT_DEG, MAX_LAT_DEG).to_radians();
    let y = 0.5 - (lat.tan() + 1.0 / lat.cos()).ln() / (2.0 * std::f64::consts::PI);
    (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0))
}

/// The inverse of [`lon_lat_to_world`]: world coordinates to lon/lat **degrees**.
#[must_use]
pub fn world_to_lon_lat(x: f64, y: f64) -> (f64, f64) {
    let lon = x * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * y);
    let lat = n.sinh().atan().to_degrees();
    (lon, lat)
}

/// A world coordinate in `[0, 1]` on the `2^32` integer grid (1.0 becomes the last cell).
#[must_use]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn to_grid(v: f64) -> u32 {
    (v * WORLD_U32).floor().clamp(0.0, WORLD_U32 - 1.0) as u32
}

/// Lon/lat **degrees** to the integer world grid.
#[must_use]
pub fn lon_lat_to_grid(lon_deg: f64, lat_deg: f64) -> (u32, u32) {
    let (x, y) = lon_lat_to_world(lon_deg, lat_deg);
    (to_grid(x), to_grid(y))
}

/// Position of cell `(x, y)` along the Hilbert curve of `order` (a `2^order` square), as in the
/// PMTiles v3 spec. The curve nests: the index at a coarser order is this index shifted right by
/// two bits per level, so every tile's cells are one contiguous run of the fine curve.
#[must_use]
pub fn hilbert(order: u8, mut x: u32, mut y: u32) -> u64 {
    let mut d: u64 = 0;
    let mut s: u64 = if order == 0 { 0 } else { 1 << (order - 1) };
    while s > 0 {
        let rx = u64::from(x) & s != 0;
        let ry = u64::from(y) & s != 0;
        d += s * s * ((3 * u64::from(rx)) ^ u64::from(ry));
        if !ry {
            if rx {
                x = !x;
                y = !y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s >>= 1;
    }
    d
}

/// Number of tiles in all zoom levels below `z` (the first PMTiles tile id of zoom `z`).
#[must_use]
pub fn zoom_base(z: u8) -> u64 {
    ((1u64 << (2 * u32::from(z))) - 1) / 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greenwich_equator_is_the_centre() {
        let (x, y) = lon_lat_to_world(0.0, 0.0);
        assert!((x - 0.5).abs() < 1e-15 && (y - 0.5).abs() < 1e-15);
        let (x, y) = lon_lat_to_world(-180.0, MAX_LAT_DEG);
        assert!(x.abs() < 1e-15 && y.abs() < 1e-12, "{x} {y}");
    }

    #[test]
    fn world_round_trip_vorkuta() {
        let (x, y) = lon_lat_to_world(64.03, 67.5);
        let (lon, lat) = world_to_lon_lat(x, y);
        assert!((lon - 64.03).abs() < 1e-12 && (lat - 67.5).abs() < 1e-12);
    }

    #[test]
    fn tile_ids_match_the_pmtiles_crate() {
        // The pyramid numbers runs of tiles by `zoom_base + hilbert`; it must be PMTiles' order.
        for z in 0..=20u8 {
            let n = 1u32 << z;
            let step = (n / 37).max(1);
            for x in (0..n).step_by(step as usize) {
                for y in (0..n).step_by(step as usize) {
                    let coord = pmtiles::TileCoord::new(z, x, y).unwrap();
                    let expected = pmtiles::TileId::from(coord).value();
                    assert_eq!(zoom_base(z) + hilbert(z, x, y), expected, "{z}/{x}/{y}");
                }
            }
        }
    }

    #[test]
    fn hilbert_nests_across_orders() {
        let mut s = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..2000 {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let x = (s >> 32) as u32;
            let y = s as u32;
            let fine = hilbert(32, x, y);
            for z in [1u8, 5, 14, 20, 31] {
                let k = 32 - u32::from(z);
                assert_eq!(fine >> (2 * k), hilbert(z, x >> k, y >> k));
            }
        }
    }
}
