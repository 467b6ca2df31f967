//! What a map frames: the lon/lat extent of a sheet (given, or the places its period involves,
//! padded), its projected box, and the view that fits it into a box on paper at a round scale.

use geo::Point;

use super::PrintError;
use super::content::Content;
use super::labels::BoxMm;
use super::planar::View;
use super::projection::Projection;
use super::sheet::SheetSpec;
use super::typography::nice_up;
use crate::geodesy;
use crate::layers::Layers;

/// The lon/lat extent of the sheet `spec`: its own, else its named sites, else the located
/// sites its period involves inside the atlas's extent (places far away, such as Moscow, stay
/// off the map), padded; the atlas's extent when there are none.
///
/// # Errors
/// [`PrintError::Layout`] when a named site is not a located site of the atlas.
pub(crate) fn sheet_extent(
    layers: &Layers,
    content: &Content,
    spec: &SheetSpec,
) -> Result<[f64; 4], PrintError> {
    if let Some(e) = spec.extent {
        return Ok(e);
    }
    let a = layers.extent;
    let about = if content.core.is_empty() {
        &content.involved
    } else {
        &content.core
    };
    let ids: Vec<String> = if spec.sites.is_empty() {
        content
            .sites
            .iter()
            // Both lists are sorted and deduplicated.
            .filter(|s| about.binary_search(&s.id).is_ok())
            .filter(|s| s.lon >= a[0] && s.lon <= a[2] && s.lat >= a[1] && s.lat <= a[3])
            .map(|s| s.id.clone())
            .collect()
    } else {
        spec.sites.clone()
    };
    if ids.is_empty() {
        return Ok(a);
    }
    let e = sites_extent(content, &ids, &spec.id)?;
    let diag_km = geodesy::distance_m(Point::new(e[0], e[1]), Point::new(e[2], e[3])) / 1000.0;
    let min_km = if spec.window.is_some() { 8.0 } else { 2.0 };
    Ok(pad_extent(
        e,
        spec.margin_km.unwrap_or((diag_km * 0.12).max(min_km)),
    ))
}

/// Fits a projected box into `rect` at a round scale.
pub(crate) fn fit(rect: BoxMm, b: (f64, f64, f64, f64)) -> View {
    let (x0, y0, x1, y1) = b;
    let raw = ((x1 - x0) / rect.w()).max((y1 - y0) / rect.h()) * 1000.0;
    View {
        rect,
        cx: f64::midpoint(x0, x1),
        cy: f64::midpoint(y0, y1),
        scale: nice_up(raw.max(1000.0)),
    }
}

/// The projected box of the lon/lat box `e` (its edges sampled).
pub(crate) fn projected_box(
    proj: &Projection,
    e: [f64; 4],
) -> Result<(f64, f64, f64, f64), PrintError> {
    let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for i in 0..=40 {
        let t = f64::from(i) / 40.0;
        for (lon, lat) in [
            (e[0] + t * (e[2] - e[0]), e[1]),
            (e[0] + t * (e[2] - e[0]), e[3]),
            (e[0], e[1] + t * (e[3] - e[1])),
            (e[2], e[1] + t * (e[3] - e[1])),
        ] {
            let (x, y) = proj.forward(lon, lat)?;
            b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
        }
    }
    Ok(b)
}

/// The lon/lat box of the sites `ids`.
///
/// # Errors
/// [`PrintError::Layout`] when one is not a located site, or there are none.
pub(crate) fn sites_extent(
    content: &Content,
    ids: &[String],
    sheet: &str,
) -> Result<[f64; 4], PrintError> {
    let mut e = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for id in ids {
        let Some(s) = content.sites.iter().find(|s| s.id == *id) else {
            return Err(PrintError::Layout {
                sheet: sheet.into(),
                message: format!("site `{id}` is not a located site of the atlas"),
            });
        };
        e = [
            e[0].min(s.lon),
            e[1].min(s.lat),
            e[2].max(s.lon),
            e[3].max(s.lat),
        ];
    }
    if e[0] > e[2] {
        return Err(PrintError::Layout {
            sheet: sheet.into(),
            message: "nothing to frame: no extent, no sites, no located site in the period".into(),
        });
    }
    Ok(e)
}

/// `e` grown by `margin_km` on every side.
pub(crate) fn pad_extent(e: [f64; 4], margin_km: f64) -> [f64; 4] {
    let lat = f64::midpoint(e[1], e[3]);
    let dlat = margin_km / 111.2;
    let dlon = margin_km / (111.2 * lat.to_radians().cos().max(0.05));
    [e[0] - dlon, e[1] - dlat, e[2] + dlon, e[3] + dlat]
}
