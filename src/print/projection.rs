//! Map projections for printed sheets, through `proj4rs` (a pure-Rust port of PROJ.4).
//!
//! Every sheet gets a projection fitted to its frame ([`Projection::for_sheet`]); `auto` (the
//! default) chooses by the frame's shape and place:
//! - **narrow** frames (at most about 400 km either side of their centre line): transverse
//!   Mercator, in the UTM zone of the centre when the frame lies within that zone (±1°), else
//!   centred on the frame (`tmerc`);
//! - frames in **one hemisphere**: a Lambert conformal conic whose standard parallels sit at 1/6
//!   and 5/6 of the frame's latitude span (both on the frame's side of the equator; scale error
//!   under 0.2 % across a frame 6° tall);
//! - frames **crossing the equator** or spanning continents: Lambert azimuthal equal-area centred
//!   on the frame (true scale in every direction at the centre), and for more than about a third of
//!   the world, Mercator (equidistant cylindrical beyond ±80°).
//!
//! `lcc`, `utm` (zone from the frame), `utm<zone>n|s`, `tmerc`, `laea`, `merc` and `eqc` force one.
//! Web Mercator is not offered: at 67° N it stretches scale by 1/cos 67° ≈ 2.6. Frames crossing
//! the antimeridian are not supported.
//!
//! Scale factor and grid convergence are computed numerically from the projection itself (a
//! short step along the meridian, measured geodesically on WGS84), so they hold for whatever
//! proj string is in use. Every projection `auto` chooses is conformal or, for `laea`, true to
//! scale in every direction at the frame's centre, where the scale bar is measured; `eqc` (a
//! spherical formula on the ellipsoid) differs east-west from north-south by up to 0.7 %.

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

/// The projection a sheet asks for (`projection = "..."` in `[[sheets]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProjectionChoice {
    /// Chosen from the frame (see the module docs).
    #[default]
    Auto,
    /// Lambert conformal conic with standard parallels at 1/6 and 5/6 of the frame's latitudes.
    Lcc,
    /// Universal Transverse Mercator, northern hemisphere, this zone.
    UtmNorth(u8),
    /// Universal Transverse Mercator, southern hemisphere, this zone.
    UtmSouth(u8),
    /// UTM in the zone and hemisphere of the frame's centre.
    Utm,
    /// Transverse Mercator centred on the frame.
    Tmerc,
    /// Lambert azimuthal equal-area centred on the frame.
    Laea,
    /// Mercator, true scale at the equator.
    Merc,
    /// Equidistant cylindrical, true scale along the frame's central parallel.
    Eqc,
}

impl ProjectionChoice {
    /// The names accepted, for error messages.
    pub const NAMES: &'static str =
        "auto, lcc, utm, utm<zone>n, utm<zone>s, tmerc, laea, merc, eqc";

    /// Parses `auto`, `lcc`, `utm`, `utm41n` (or `utm:41`), `utm23s`, `tmerc`, `laea`, `merc`,
    /// `eqc`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "auto" => return Some(Self::Auto),
            "lcc" => return Some(Self::Lcc),
            "utm" => return Some(Self::Utm),
            "tmerc" => return Some(Self::Tmerc),
            "laea" => return Some(Self::Laea),
            "merc" => return Some(Self::Merc),
            "eqc" => return Some(Self::Eqc),
            _ => {}
        }
        let zone = s.strip_prefix("utm")?.trim_start_matches([':', ' ']);
        let (zone, south) = match zone.strip_suffix('s') {
            Some(z) => (z, true),
            None => (zone.strip_suffix('n').unwrap_or(zone), false),
        };
        let z: u8 = zone.parse().ok()?;
        (1..=60).contains(&z).then_some(if south {
            Self::UtmSouth(z)
        } else {
            Self::UtmNorth(z)
        })
    }
}

/// Rounds degrees to 10′.
fn round10(x: f64) -> f64 {
    (x * 6.0).round() / 6.0
}

/// The UTM zone (1-60) of a longitude.
fn utm_zone(lon: f64) -> u8 {
    (((lon + 180.0) / 6.0).floor() as i64 + 1).clamp(1, 60) as u8
}

/// Central meridian of a UTM zone, degrees.
fn utm_meridian(zone: u8) -> f64 {
    f64::from(-183 + 6 * i32::from(zone))
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
        let span = (extent[3] - extent[1]).max(0.2);
        let mid = f64::midpoint(extent[1], extent[3]);
        let lat1 = round10(mid - span / 3.0);
        let lat2 = round10(mid + span / 3.0).max(lat1 + 1.0 / 6.0);
        let lat0 = round10(mid);
        let lon0 = round10(f64::midpoint(extent[0], extent[2]));
        // Both standard parallels on the frame's side of the equator, clear of the pole.
        if !((lat1 > 0.0 && lat2 < 89.0) || (lat2 < 0.0 && lat1 > -89.0)) {
            return Err(PrintError::Projection(format!(
                "no Lambert conic for latitudes {:.2}..{:.2}: a conic needs the frame on one side \
                 of the equator",
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
        Self::utm(zone, false)
    }

    /// UTM, `zone` (1-60), northern or southern hemisphere (false northing 10 000 km), WGS84.
    ///
    /// # Errors
    /// [`PrintError::Projection`] for a zone outside 1-60.
    pub fn utm(zone: u8, south: bool) -> Result<Self, PrintError> {
        if !(1..=60).contains(&zone) {
            return Err(PrintError::Projection(format!("no UTM zone {zone}")));
        }
        let (flag, h) = if south { (" +south", 'S') } else { ("", 'N') };
        let def =
            format!("+proj=utm +zone={zone}{flag} +ellps=WGS84 +datum=WGS84 +units=m +no_defs");
        let desc = format!(
            "UTM zone {zone}{h} (transverse Mercator, central meridian {}, scale 0.9996), WGS84",
            dms_lon(utm_meridian(zone))
        );
        Self::from_definition(&def, &desc)
    }

    /// UTM in the zone of the frame's centre, hemisphere of its centre.
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the frame is too wide for a transverse Mercator.
    pub fn utm_for(extent: [f64; 4]) -> Result<Self, PrintError> {
        let zone = utm_zone(f64::midpoint(extent[0], extent[2]));
        let south = f64::midpoint(extent[1], extent[3]) < 0.0;
        check_transverse(extent, utm_meridian(zone), &format!("UTM zone {zone}"))?;
        Self::utm(zone, south)
    }

    /// Transverse Mercator centred on the frame (central meridian rounded to 10′, scale 1).
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the frame is too wide for a transverse Mercator.
    pub fn tmerc_for(extent: [f64; 4]) -> Result<Self, PrintError> {
        let lon0 = round10(f64::midpoint(extent[0], extent[2]));
        let lat0 = round10(f64::midpoint(extent[1], extent[3]));
        check_transverse(extent, lon0, "a transverse Mercator")?;
        let def = format!(
            "+proj=tmerc +lat_0={lat0:.6} +lon_0={lon0:.6} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        );
        let desc = format!(
            "Transverse Mercator, central meridian {}, scale 1, WGS84",
            dms_lon(lon0)
        );
        Self::from_definition(&def, &desc)
    }

    /// Lambert azimuthal equal-area centred on the frame (centre rounded to 10′).
    ///
    /// # Errors
    /// [`PrintError::Projection`] when proj4rs rejects it.
    pub fn laea_for(extent: [f64; 4]) -> Result<Self, PrintError> {
        let lon0 = round10(f64::midpoint(extent[0], extent[2]));
        let lat0 = round10(f64::midpoint(extent[1], extent[3]));
        let def = format!(
            "+proj=laea +lat_0={lat0:.6} +lon_0={lon0:.6} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        );
        let desc = format!(
            "Lambert azimuthal equal-area, centre {} {}, WGS84",
            dms_lat(lat0),
            dms_lon(lon0)
        );
        Self::from_definition(&def, &desc)
    }

    /// Mercator, true scale at the equator, central meridian at the frame's centre.
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the frame reaches within 5° of a pole.
    pub fn merc_for(extent: [f64; 4]) -> Result<Self, PrintError> {
        if extent[1] < -85.0 || extent[3] > 85.0 {
            return Err(PrintError::Projection(format!(
                "Mercator cannot show latitudes {:.2}..{:.2} (it reaches infinity at the poles)",
                extent[1], extent[3]
            )));
        }
        let lon0 = round10(f64::midpoint(extent[0], extent[2]));
        let def = format!(
            "+proj=merc +lon_0={lon0:.6} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        );
        let desc = format!("Mercator, central meridian {}, WGS84", dms_lon(lon0));
        Self::from_definition(&def, &desc)
    }

    /// Equidistant cylindrical, true scale along the frame's central parallel.
    ///
    /// # Errors
    /// [`PrintError::Projection`] when proj4rs rejects it.
    pub fn eqc_for(extent: [f64; 4]) -> Result<Self, PrintError> {
        let lon0 = round10(f64::midpoint(extent[0], extent[2]));
        let lat_ts = round10(f64::midpoint(extent[1], extent[3]));
        let def = format!(
            "+proj=eqc +lat_ts={lat_ts:.6} +lon_0={lon0:.6} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        );
        let desc = format!(
            "Equidistant cylindrical, true scale at {}, central meridian {}, WGS84",
            dms_lat(lat_ts),
            dms_lon(lon0)
        );
        Self::from_definition(&def, &desc)
    }

    /// The projection `auto` chooses for a frame (see the module docs).
    ///
    /// # Errors
    /// [`PrintError::Projection`] when the frame is not usable.
    pub fn auto_for(extent: [f64; 4]) -> Result<Self, PrintError> {
        Self::choose(ProjectionChoice::Auto, extent)
    }

    fn choose(choice: ProjectionChoice, extent: [f64; 4]) -> Result<Self, PrintError> {
        use ProjectionChoice as C;
        match choice {
            C::Lcc => Self::lcc_for(extent),
            C::UtmNorth(z) => Self::utm(z, false),
            C::UtmSouth(z) => Self::utm(z, true),
            C::Utm => Self::utm_for(extent),
            C::Tmerc => Self::tmerc_for(extent),
            C::Laea => Self::laea_for(extent),
            C::Merc => Self::merc_for(extent),
            C::Eqc => Self::eqc_for(extent),
            C::Auto => {
                let [w, s, e, n] = extent;
                if !(w < e && s < n) {
                    return Err(PrintError::Projection(format!(
                        "empty or inverted frame {extent:?} (lon_min, lat_min, lon_max, lat_max)"
                    )));
                }
                // Ground half-width at the latitude nearest the equator, where it is widest.
                let lat_eq = if s <= 0.0 && n >= 0.0 {
                    0.0
                } else {
                    s.abs().min(n.abs())
                };
                let half_km = (e - w) / 2.0 * 111.32 * lat_eq.to_radians().cos();
                let polar = s < -84.0 || n > 84.0;
                if half_km <= 400.0 && !polar {
                    let zone = utm_zone(f64::midpoint(w, e));
                    let cm = utm_meridian(zone);
                    return if w >= cm - 4.0 && e <= cm + 4.0 {
                        Self::utm_for(extent)
                    } else {
                        Self::tmerc_for(extent)
                    };
                }
                if (s >= 0.0 || n <= 0.0)
                    && !polar
                    && let Ok(p) = Self::lcc_for(extent)
                {
                    return Ok(p);
                }
                if e - w <= 120.0 && n - s <= 120.0 {
                    Self::laea_for(extent)
                } else if s >= -80.0 && n <= 80.0 {
                    Self::merc_for(extent)
                } else {
                    Self::eqc_for(extent)
                }
            }
        }
    }

    /// The projection of sheet `sheet` for its frame; errors name the sheet and the fix.
    ///
    /// # Errors
    /// [`PrintError::Layout`] naming the sheet when the chosen projection cannot draw the frame.
    pub fn for_sheet(
        choice: ProjectionChoice,
        extent: [f64; 4],
        sheet: &str,
    ) -> Result<Self, PrintError> {
        Self::choose(choice, extent).map_err(|e| {
            let why = match e {
                PrintError::Projection(m) => m,
                other => other.to_string(),
            };
            let fix = if choice == ProjectionChoice::Auto {
                "fix: give the sheet a smaller `extent` (lon_min, lat_min, lon_max, lat_max)".to_string()
            } else {
                format!(
                    "fix: set `projection = \"auto\"` in this sheet's [[sheets]] table (or one of {})",
                    ProjectionChoice::NAMES
                )
            };
            PrintError::Layout {
                sheet: sheet.into(),
                message: format!("projection: {why}; {fix}"),
            }
        })
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

/// A transverse Mercator grows without bound away from its central meridian: refuse frames that
/// reach more than 15° of longitude (at the equator; more toward the poles) from it.
fn check_transverse(extent: [f64; 4], lon0: f64, what: &str) -> Result<(), PrintError> {
    let lat_eq = if extent[1] <= 0.0 && extent[3] >= 0.0 {
        0.0
    } else {
        extent[1].abs().min(extent[3].abs())
    };
    let reach = (extent[0] - lon0).abs().max((extent[2] - lon0).abs());
    let reach_km = reach * 111.32 * lat_eq.to_radians().cos();
    if reach_km > 1700.0 {
        return Err(PrintError::Projection(format!(
            "the frame reaches {reach:.1}° ({reach_km:.0} km) from the central meridian of {what} ({})",
            dms_lon(lon0)
        )));
    }
    Ok(())
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

    /// The frame of the voyage fixture: England to Brazil across the equator.
    const ATLANTIC: [f64; 4] = [-40.0, -15.0, 10.0, 52.0];

    #[test]
    fn auto_chooses_by_the_frame() {
        let def = |e| Projection::auto_for(e).unwrap().definition;
        // Vorkuta's region frame (16° wide at 62-68.5 N): a conic, as `lcc` gives.
        let vorkuta = [50.0, 62.0, 66.0, 68.5];
        assert_eq!(
            def(vorkuta),
            Projection::lcc_for(vorkuta).unwrap().definition
        );
        // Southern Brazil and Argentina: a conic with both parallels south of the equator.
        let d = def([-70.0, -40.0, -40.0, -20.0]);
        assert!(
            d.starts_with("+proj=lcc +lat_1=-36.666667 +lat_2=-23.333333"),
            "{d}"
        );
        // Narrow, in one zone: UTM of that zone, south for a southern centre.
        assert!(def([-44.0, -23.5, -42.0, -22.0]).contains("+zone=23 +south"));
        assert!(def([63.0, 67.0, 65.0, 68.0]).contains("+zone=41 "));
        // Narrow but across zones: transverse Mercator centred on the frame.
        assert!(
            def([40.0, 63.8, 45.0, 66.2]).starts_with("+proj=utm +zone=38")
                || def([40.0, 63.8, 45.0, 66.2]).starts_with("+proj=tmerc")
        );
        assert!(def([-25.0, 14.5, -22.0, 17.5]).starts_with("+proj=utm +zone=27 "));
        // Across the equator: azimuthal equal-area centred on the frame.
        assert!(def(ATLANTIC).starts_with("+proj=laea +lat_0=18.500000 +lon_0=-15.000000"));
        // Most of the world: Mercator.
        assert!(def([-170.0, -60.0, 170.0, 75.0]).starts_with("+proj=merc"));
    }

    #[test]
    fn forcing_a_conic_across_the_equator_names_the_sheet_and_the_fix() {
        let e = Projection::for_sheet(ProjectionChoice::Lcc, ATLANTIC, "voyage")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sheet `voyage`"), "{e}");
        assert!(e.contains("one side of the equator"), "{e}");
        assert!(e.contains("projection = \"auto\""), "{e}");
        assert!(Projection::for_sheet(ProjectionChoice::Auto, ATLANTIC, "voyage").is_ok());
        // UTM 41N (Vorkuta's zone) for Brazil: far from its meridian, refused.
        let e = Projection::for_sheet(ProjectionChoice::Utm, ATLANTIC, "voyage")
            .unwrap_err()
            .to_string();
        assert!(e.contains("central meridian"), "{e}");
    }

    #[test]
    fn every_projection_round_trips_within_a_millimetre() {
        let south = [-70.0, -40.0, -40.0, -20.0];
        let cases = [
            (Projection::auto_for(ATLANTIC).unwrap(), ATLANTIC),
            (Projection::lcc_for(south).unwrap(), south),
            (
                Projection::utm(23, true).unwrap(),
                [-46.0, -24.0, -42.0, -22.0],
            ),
            (
                Projection::tmerc_for([40.0, 63.8, 45.0, 66.2]).unwrap(),
                [40.0, 63.8, 45.0, 66.2],
            ),
            (Projection::merc_for(ATLANTIC).unwrap(), ATLANTIC),
            (Projection::eqc_for(ATLANTIC).unwrap(), ATLANTIC),
            (Projection::laea_for(south).unwrap(), south),
        ];
        for (p, e) in cases {
            for i in 0..=4 {
                for j in 0..=4 {
                    let lon = e[0] + (e[2] - e[0]) * f64::from(i) / 4.0;
                    let lat = e[1] + (e[3] - e[1]) * f64::from(j) / 4.0;
                    let (x, y) = p.forward(lon, lat).unwrap();
                    let (lon2, lat2) = p.inverse(x, y).unwrap();
                    let back = geodesy::distance_m(Point::new(lon, lat), Point::new(lon2, lat2));
                    assert!(back < 0.001, "{}: {lon},{lat}: {back} m", p.definition);
                }
            }
        }
    }

    /// Scale along the parallel (east-west), like [`Projection::scale_factor`] for the meridian.
    fn parallel_scale(p: &Projection, lon: f64, lat: f64) -> f64 {
        let a = Point::new(lon, lat);
        let b = geodesy::destination(a, 90.0, 500.0);
        let c = geodesy::destination(a, 270.0, 500.0);
        let (pb, pc) = (
            p.forward(b.x(), b.y()).unwrap(),
            p.forward(c.x(), c.y()).unwrap(),
        );
        (pb.0 - pc.0).hypot(pb.1 - pc.1) / geodesy::distance_m(b, c)
    }

    #[test]
    fn scale_bar_is_true_at_the_centre_in_every_direction() {
        // The scale bar divides by the meridian scale at the map centre: that is only right if
        // the scale there is the same east-west.
        for e in [
            ATLANTIC,
            [-70.0, -40.0, -40.0, -20.0],
            [-44.0, -23.5, -42.0, -22.0],
            [-170.0, -60.0, 170.0, 75.0],
            [50.0, 62.0, 66.0, 68.5],
        ] {
            let p = Projection::auto_for(e).unwrap();
            let (lon, lat) = (f64::midpoint(e[0], e[2]), f64::midpoint(e[1], e[3]));
            let k = p.scale_factor(lon, lat).unwrap();
            let h = parallel_scale(&p, lon, lat);
            assert!((k - h).abs() / k < 1e-4, "{}: {k} vs {h}", p.definition);
        }
        // Equal-area azimuthal: scale 1 at its centre.
        let p = Projection::auto_for(ATLANTIC).unwrap();
        let k = p.scale_factor(-15.0, 18.5).unwrap();
        assert!((k - 1.0).abs() < 1e-4, "{k}");
        // Equidistant cylindrical (a spherical formula on the ellipsoid): within 0.7 % there.
        let p = Projection::eqc_for(ATLANTIC).unwrap();
        let (k, h) = (
            p.scale_factor(-15.0, 18.5).unwrap(),
            parallel_scale(&p, -15.0, 18.5),
        );
        assert!((k - 1.0).abs() < 7e-3 && (h - 1.0).abs() < 7e-3, "{k} {h}");
    }

    #[test]
    fn degree_labels() {
        assert_eq!(dms_lat(67.5), "67°30′N");
        assert_eq!(dms_lon(64.0), "64°E");
    }
}
