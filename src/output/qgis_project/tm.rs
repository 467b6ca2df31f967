//! Forward UTM on WGS84 (Krüger's series to the 4th order in n, Karney 2011 form; better than
//! 1 mm within a zone and a few mm up to 15 degrees off the central meridian), used only to
//! give the QGIS project its initial map extents in metres.

/// WGS84 semi-major axis, **metres**.
const A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
const F: f64 = 1.0 / 298.257_223_563;
/// UTM scale on the central meridian.
const K0: f64 = 0.9996;
/// UTM false easting, **metres**.
const FALSE_EASTING_M: f64 = 500_000.0;

/// The UTM zone (1..=60) whose band holds longitude `lon_deg`.
#[must_use]
pub fn utm_zone(lon_deg: f64) -> u8 {
    let lon = (lon_deg + 180.0).rem_euclid(360.0);
    // In range: lon is 0..360, so the quotient is 0..=59.
    (lon / 6.0).floor().clamp(0.0, 59.0) as u8 + 1
}

/// Central meridian of UTM `zone`, **degrees**.
#[must_use]
pub fn central_meridian_deg(zone: u8) -> f64 {
    f64::from(zone) * 6.0 - 183.0
}

/// Northern-hemisphere UTM easting and northing (**metres**) of `lon_deg`, `lat_deg` in `zone`.
#[must_use]
pub fn utm_north(zone: u8, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let n = F / (2.0 - F);
    let (n2, n3, n4) = (n * n, n * n * n, n * n * n * n);
    let big_a = A_M / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0);
    let alpha = [
        n / 2.0 - 2.0 / 3.0 * n2 + 5.0 / 16.0 * n3 + 41.0 / 180.0 * n4,
        13.0 / 48.0 * n2 - 3.0 / 5.0 * n3 + 557.0 / 1440.0 * n4,
        61.0 / 240.0 * n3 - 103.0 / 140.0 * n4,
        49_561.0 / 161_280.0 * n4,
    ];
    let phi = lat_deg.to_radians();
    let lam = (lon_deg - central_meridian_deg(zone)).to_radians();
    let e2n = 2.0 * n.sqrt() / (1.0 + n);
    let t = (phi.sin().atanh() - e2n * (e2n * phi.sin()).atanh()).sinh();
    let xi_p = t.atan2(lam.cos());
    let eta_p = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
    let mut xi = xi_p;
    let mut eta = eta_p;
    for (j, a) in alpha.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi += a * (k * xi_p).sin() * (k * eta_p).cosh();
        eta += a * (k * xi_p).cos() * (k * eta_p).sinh();
    }
    (FALSE_EASTING_M + K0 * big_a * eta, K0 * big_a * xi)
}

/// The UTM bounding box (min E, min N, max E, max N, **metres**) of a lon/lat box, sampled along
/// its edges (a meridian-parallel box bulges in UTM).
#[must_use]
pub fn utm_extent(zone: u8, extent_deg: [f64; 4]) -> [f64; 4] {
    let [w, s, e, n] = extent_deg;
    let mut out = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    const STEPS: u32 = 32;
    for i in 0..=STEPS {
        let f = f64::from(i) / f64::from(STEPS);
        let lon = w + (e - w) * f;
        let lat = s + (n - s) * f;
        for (x, y) in [(lon, s), (lon, n), (w, lat), (e, lat)] {
            let (ex, ny) = utm_north(zone, x, y);
            out = [
                out[0].min(ex),
                out[1].min(ny),
                out[2].max(ex),
                out[3].max(ny),
            ];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from PROJ 9.1 through QGIS 3.22 (EPSG:4326 → EPSG:326zz).
    #[test]
    #[allow(clippy::inconsistent_digit_grouping)]
    fn matches_proj() {
        let cases = [
            (41, 63.0, 67.5, 500_000.0, 7_487_120.4640),
            (41, 50.0, 62.0, -177_605.9024, 6_942_476.4305),
            (41, 66.0, 68.5, 622_662.2840, 7_601_600.2518),
            (41, 64.0, 67.5, 542_703.7359, 7_487_464.7686),
            (40, 50.0, 62.0, 133_870.2722, 6_893_963.2940),
        ];
        for (zone, lon, lat, e, n) in cases {
            let (x, y) = utm_north(zone, lon, lat);
            assert!((x - e).abs() < 0.01, "{lon},{lat}: E {x} vs {e}");
            assert!((y - n).abs() < 0.01, "{lon},{lat}: N {y} vs {n}");
        }
    }

    #[test]
    fn zones() {
        assert_eq!(utm_zone(64.0), 41);
        assert_eq!(utm_zone(58.0), 40);
        assert_eq!(utm_zone(-180.0), 1);
        assert_eq!(utm_zone(179.9), 60);
        assert_eq!(central_meridian_deg(41), 63.0);
    }

    #[test]
    fn extent_catches_the_bulge_of_the_southern_edge() {
        // Parallels curve towards the pole away from the central meridian (57 E in zone 40), so
        // the southern edge is lowest in the middle, not at the corners.
        let [_, min_n, _, _] = utm_extent(40, [50.0, 62.0, 66.0, 68.5]);
        let (_, corner_n) = utm_north(40, 50.0, 62.0);
        let (_, mid_n) = utm_north(40, 57.0, 62.0);
        assert!(mid_n < corner_n);
        assert!((min_n - mid_n).abs() < 1.0, "{min_n} vs {mid_n}");
    }
}
