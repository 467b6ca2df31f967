//! Map projections for printed sheets, through `proj4rs` (a pure-Rust port of PROJ.4).
//!
//! Two conformal projections suit these latitudes (about 60-70° N): a Lambert conformal conic
//! whose standard parallels sit at 1/6 and 5/6 of the frame's latitude span (scale error under
//! 0.2 % across a frame 6° tall), and UTM (zone 41N covers 60-66° E). Web Mercator is not offered:
//! at 67° N it stretches scale by 1/cos 67° ≈ 2.6.
//!
//! Scale factor and grid convergence are computed numerically from the projection itself (a
//! short step along the meridian, measured geodesically on WGS84), so they hold for whatever
//! proj string is in use.

use geo::Point;
use proj4rs::proj::Proj;

use super::PrintError;
use crate::geodesy;

/// A forward/inverse projection between WGS84 lon/lat (**degrees**) and projected **metres**.
pub struct Projection {
    proj: Proj,
    wgs84: Proj,
    /// The PROJ string.
    pub definition: String,
    /// Human description, printed on the sheet.
    pub description: String,
}

impl std::fmt::Debug for Projection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projection")
            .field("definition", &self.definition)
            .finish_non_exhaustive()
    }
}

/// Degrees and minutes, e.g. `63°20′N`.
#[must_use]
pub fn dms_lat(lat_deg: f64) -> String {
    let (d, m) = deg_min(lat_deg.abs());
    let h = if lat_deg < 0.0 { 'S' } else { 'N' };
    if m == 0 {
        format!("{d}°{h}")
    } else {
        format!("{d}°{m:02}′{h}")
    }
}

/// Degrees and minutes, e.g. `59°E`.
#[must_use]
pub fn dms_lon(lon_deg: f64) -> String {
    let (d, m) = deg_min(lon_deg.abs());
    let h = if lon_deg < 0.0 { 'W' } else { 'E' };
    if m == 0 {
        format!("{d}°{h}")
    } else {
        format!("{d}°{m:02}′{h}")
    }
}

fn deg_min(x: f64) -> (i64, i64) {
    let total = (x * 60.0).round() as i64;
    (total / 60, total % 60)
}

impl Projection {
    /// Builds a projection from a PROJ string.
    ///
    /// # Errors
    /// [`PrintError::Projection`] when proj4rs rejects the string.
    pub fn from_definition(definition: &str, description: &str) -> Result<Self, PrintError> {
        let e = |e: proj4rs::errors::Error| PrintError::Projection(format!("{definition}: {e}"));
        Ok(Self {
            proj: Proj::from_proj_string(definition).map_err(e)?,
            wgs84: Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs")
                .map_err(e)?,
            definition: definition.into(),
            description: description.into(),
        })
    }

    /// Lambert conformal conic for a frame (lon_min, lat_min, lon_max, lat_max, **degrees**):
    /// standard parallels at 1/6 and 5/6 of the latitude span, central meridian and origin at
    /// the frame's centre, rounded to 10′.
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the frame is not usable.
    pub fn lcc_for(extent: [f64; 4]) -> Result<Self, PrintError> {
        let round10 = |x: f64| (x * 6.0).round() / 6.0;
        let span = (extent[3] - extent[1]).max(0.2);
        let mid = f64::midpoint(extent[1], extent[3]);
        let lat1 = round10(mid - span / 3.0);
        let lat2 = round10(mid + span / 3.0).max(lat1 + 1.0 / 6.0);
        let lat0 = round10(mid);
        let lon0 = round10(f64::midpoint(extent[0], extent[2]));
        if !(lat1 > 0.0 && lat2 < 89.0) {
            return Err(PrintError::Projection(format!(
                "no Lambert conic for latitudes {:.2}..{:.2}",
                extent[1], extent[3]
            )));
        }
        let def = format!(
            "+proj=lcc +lat_1={lat1:.6} +lat_2={lat2:.6} +lat_0={lat0:.6} +lon_0={lon0:.6} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        );
        let desc = format!(
            "Lambert conformal conic, standard parallels {} and {}, central meridian {}, WGS84",
            dms_lat(lat1),
            dms_lat(lat2),
            dms_lon(lon0)
        );
        Self::from_definition(&def, &desc)
    }

    /// UTM, northern hemisphere, `zone` (1-60), WGS84.
    ///
    /// # Errors
    /// [`PrintError::Projection`] for a zone outside 1-60.
    pub fn utm_north(zone: u8) -> Result<Self, PrintError> {
        if !(1..=60).contains(&zone) {
            return Err(PrintError::Projection(format!("no UTM zone {zone}")));
        }
        let def = format!("+proj=utm +zone={zone} +ellps=WGS84 +datum=WGS84 +units=m +no_defs");
        let cm = -183 + 6 * i32::from(zone);
        let desc = format!(
            "UTM zone {zone}N (transverse Mercator, central meridian {}, scale 0.9996), WGS84",
            dms_lon(f64::from(cm))
        );
        Self::from_definition(&def, &desc)
    }

    /// Projects lon/lat **degrees** to x/y **metres**.
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the point cannot be projected.
    pub fn forward(&self, lon_deg: f64, lat_deg: f64) -> Result<(f64, f64), PrintError> {
        let mut p = (lon_deg.to_radians(), lat_deg.to_radians(), 0.0);
        proj4rs::transform::transform(&self.wgs84, &self.proj, &mut p).map_err(|e| {
            PrintError::Projection(format!("cannot project {lon_deg:.5}, {lat_deg:.5}: {e}"))
        })?;
        if p.0.is_finite() && p.1.is_finite() {
            Ok((p.0, p.1))
        } else {
            Err(PrintError::Projection(format!(
                "{lon_deg:.5}, {lat_deg:.5} projects to infinity"
            )))
        }
    }

    /// Projects x/y **metres** back to lon/lat **degrees**.
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the point is outside the projection's domain.
    pub fn inverse(&self, x_m: f64, y_m: f64) -> Result<(f64, f64), PrintError> {
        let mut p = (x_m, y_m, 0.0);
        proj4rs::transform::transform(&self.proj, &self.wgs84, &mut p).map_err(|e| {
            PrintError::Projection(format!("cannot unproject {x_m:.1}, {y_m:.1}: {e}"))
        })?;
        Ok((p.0.to_degrees(), p.1.to_degrees()))
    }

    /// Point scale factor at a place: projected length over geodesic length of a 1 km step
    /// along the meridian (conformal projections have the same factor in every direction).
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the place cannot be projected.
    pub fn scale_factor(&self, lon_deg: f64, lat_deg: f64) -> Result<f64, PrintError> {
        let a = Point::new(lon_deg, lat_deg);
        let b = geodesy::destination(a, 0.0, 500.0);
        let c = geodesy::destination(a, 180.0, 500.0);
        let (pb, pc) = (self.forward(b.x(), b.y())?, self.forward(c.x(), c.y())?);
        let projected = (pb.0 - pc.0).hypot(pb.1 - pc.1);
        Ok(projected / geodesy::distance_m(b, c))
    }

    /// Grid convergence at a place, **degrees**: the direction of true north measured clockwise
    /// from grid north (up on the sheet). East of the central meridian true north leans to the
    /// left (negative), west of it to the right (positive).
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the place cannot be projected.
    pub fn convergence_deg(&self, lon_deg: f64, lat_deg: f64) -> Result<f64, PrintError> {
        let a = Point::new(lon_deg, lat_deg);
        let n = geodesy::destination(a, 0.0, 1000.0);
        let s = geodesy::destination(a, 180.0, 1000.0);
        let (pn, ps) = (self.forward(n.x(), n.y())?, self.forward(s.x(), s.y())?);
        Ok((pn.0 - ps.0).atan2(pn.1 - ps.1).to_degrees())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm41n_matches_known_coordinates() {
        // Vorkuta (64.0 E, 67.5 N) on the central meridian of zone 41 (63 E) + 1 degree.
        let p = Projection::utm_north(41).unwrap();
        let (x, y) = p.forward(63.0, 67.0).unwrap();
        // On the central meridian: false easting exactly, northing = 0.9996 * meridian arc.
        assert!((x - 500_000.0).abs() < 1e-6, "{x}");
        assert!((y - 7_431_380.1).abs() < 0.5, "{y}");
    }

    #[test]
    fn forward_inverse_round_trips_within_a_millimetre() {
        for p in [
            Projection::lcc_for([50.0, 62.0, 66.0, 68.5]).unwrap(),
            Projection::utm_north(41).unwrap(),
        ] {
            for (lon, lat) in [
                (53.70473, 63.56622),
                (64.02472, 67.50944),
                (63.55019, 67.81935),
                (57.0, 65.97),
                (37.6173, 55.7558),
            ] {
                let (x, y) = p.forward(lon, lat).unwrap();
                let (lon2, lat2) = p.inverse(x, y).unwrap();
                let (x2, y2) = p.forward(lon2, lat2).unwrap();
                let back = geodesy::distance_m(Point::new(lon, lat), Point::new(lon2, lat2));
                assert!(back < 0.001, "{}: {back} m", p.definition);
                assert!((x - x2).hypot(y - y2) < 0.001);
            }
        }
    }

    #[test]
    fn lcc_scale_is_near_one_and_exact_on_standard_parallels() {
        let p = Projection::lcc_for([50.0, 62.0, 66.0, 68.0]).unwrap();
        // Standard parallels at 63 and 67 N: scale 1 there, slightly below 1 between.
        assert!(
            p.definition.contains("+lat_1=63.000000"),
            "{}",
            p.definition
        );
        assert!(
            p.definition.contains("+lat_2=67.000000"),
            "{}",
            p.definition
        );
        let k63 = p.scale_factor(58.0, 63.0).unwrap();
        let k65 = p.scale_factor(58.0, 65.0).unwrap();
        assert!((k63 - 1.0).abs() < 2e-5, "{k63}");
        assert!(k65 < 1.0 && k65 > 0.998, "{k65}");
    }

    #[test]
    fn convergence_follows_the_meridians() {
        let p = Projection::utm_north(41).unwrap();
        // On the central meridian no convergence; east of it true north leans left.
        assert!(p.convergence_deg(63.0, 67.0).unwrap().abs() < 1e-3);
        let east = p.convergence_deg(66.0, 67.5).unwrap();
        // gamma ≈ atan(tan(dlon) sin(lat)): 2.77 degrees.
        let expected = -(3f64.to_radians().tan() * 67.5f64.to_radians().sin())
            .atan()
            .to_degrees();
        assert!((east - expected).abs() < 0.02, "{east} vs {expected}");
        let lcc = Projection::lcc_for([50.0, 62.0, 66.0, 68.0]).unwrap();
        let g = lcc.convergence_deg(64.0, 67.5).unwrap();
        // LCC: gamma = n (lon - lon0), n = sin of about 65 degrees: ≈ -5.4 degrees at 6 degrees east.
        assert!((g + 6.0 * 65f64.to_radians().sin()).abs() < 0.1, "{g}");
    }

    #[test]
    fn degree_labels() {
        assert_eq!(dms_lat(67.5), "67°30′N");
        assert_eq!(dms_lon(64.0), "64°E");
    }
}
