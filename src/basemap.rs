//! The basemap an atlas is drawn on: the high-resolution regional layers of its basemap folder
//! where they cover the atlas, else the world-wide layers of `world/` (GSHHG low resolution, and
//! intermediate-resolution land for atlases up to about 25° across; see
//! `data/basemap/PROVENANCE.md`) cut to the atlas extent plus a margin, so that a small atlas
//! carries a small basemap into every output.
//!
//! A basemap folder holds `coast`, `lakes`, `rivers`, `regions`, `borders` (`.geojson`, any may
//! be missing), optionally `coverage.json` (`{"bbox": [lon_min, lat_min, lon_max, lat_max]}`: the
//! box the regional layers were cut to) and optionally `world/` with the world-wide layers. Land
//! is drawn from the coast polygons and sea only inside the coverage: missing data is never
//! shown as sea, and [`coverage_warning`] names any part of the atlas the basemap does not cover.

use std::path::Path;

use geo::{BooleanOps, BoundingRect, Geometry, MultiLineString, MultiPolygon, Polygon, Rect};

use crate::layers::{
    Feature, FieldType, GeometryKind, Layer, LayerRole, LayersError, Value, read_geojson_layer,
};

/// Regional basemap files, bottom first: (file stem, layer title).
pub const REGIONAL_FILES: &[(&str, &str)] = &[
    ("coast", "Land"),
    ("lakes", "Lakes"),
    ("rivers", "Rivers"),
    ("regions", "Regions (modern)"),
    ("borders", "Region boundaries (modern)"),
];

/// World-wide basemap files in `world/`, bottom first: (file stem, layer title).
pub const WORLD_FILES: &[(&str, &str)] = &[
    ("coast", "Land"),
    ("lakes", "Lakes"),
    ("rivers", "Rivers"),
    ("borders", "National borders (modern)"),
];

/// The whole world, as a coverage box.
pub const WORLD: [f64; 4] = [-180.0, -90.0, 180.0, 90.0];

/// The basemap layers chosen for an atlas and the box they cover.
#[derive(Debug, Clone, PartialEq)]
pub struct Basemap {
    /// Layers, bottom first.
    pub layers: Vec<Layer>,
    /// What the layers cover (lon_min, lat_min, lon_max, lat_max); `None` when not declared
    /// (then the layers are taken to cover whatever is drawn).
    pub coverage: Option<[f64; 4]>,
}

/// The extent plus a margin: a tenth of its span on each side, at least half a degree. The
/// regional layers are used when they cover this.
#[must_use]
pub fn with_margin(e: [f64; 4]) -> [f64; 4] {
    grow(e, 0.1, 0.5)
}

/// The box the world layers are cut to: the extent plus a quarter of its span on each side, at
/// least two degrees, so that sheets framed wider than the atlas (fitted to the paper) still
/// have land at their edges. Outside it nothing is drawn, not even sea.
#[must_use]
pub fn cut_box(e: [f64; 4]) -> [f64; 4] {
    grow(e, 0.25, 2.0)
}

fn grow(e: [f64; 4], share: f64, min_deg: f64) -> [f64; 4] {
    let mx = ((e[2] - e[0]) * share).max(min_deg);
    let my = ((e[3] - e[1]) * share).max(min_deg);
    [
        (e[0] - mx).max(-180.0),
        (e[1] - my).max(-90.0),
        (e[2] + mx).min(180.0),
        (e[3] + my).min(90.0),
    ]
}

/// The box around `a` and `b`.
#[must_use]
pub fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

fn contains(outer: [f64; 4], inner: [f64; 4]) -> bool {
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
}

/// The regional coverage box declared in `coverage.json`, if any.
///
/// # Errors
/// [`LayersError::Basemap`] when the file exists but is not `{"bbox": [4 numbers]}`.
pub fn regional_coverage(dir: &Path) -> Result<Option<[f64; 4]>, LayersError> {
    let path = dir.join("coverage.json");
    if !path.exists() {
        return Ok(None);
    }
    let err = |message: String| LayersError::Basemap {
        path: path.clone(),
        message,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    let b: Vec<f64> = v["bbox"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    match b[..] {
        [a, b, c, d] if a < c && b < d => Ok(Some([a, b, c, d])),
        _ => Err(err(
            "expected {\"bbox\": [lon_min, lat_min, lon_max, lat_max]}".into(),
        )),
    }
}

fn has_any(dir: &Path, files: &[(&str, &str)]) -> bool {
    files
        .iter()
        .any(|(stem, _)| dir.join(format!("{stem}.geojson")).exists())
}

/// Which layers [`load`] reads.
enum Choice {
    Regional,
    World([f64; 4]),
}

fn choose(dir: &Path, extent: [f64; 4]) -> Result<(Choice, Option<[f64; 4]>), LayersError> {
    let want = with_margin(extent);
    let regional = regional_coverage(dir)?;
    let has_world = has_any(&dir.join("world"), WORLD_FILES);
    let regional_fits = match regional {
        Some(c) => contains(c, want),
        None => !has_world,
    };
    Ok(if has_any(dir, REGIONAL_FILES) && regional_fits {
        (Choice::Regional, regional)
    } else if has_world {
        let cut = cut_box(extent);
        (Choice::World(cut), Some(cut))
    } else {
        (Choice::Regional, regional)
    })
}

/// Chooses and reads the basemap for an atlas with this extent (the atlas extent and every
/// sheet's): the regional layers when they cover the extent plus margin (or declare no coverage
/// and there is no world basemap), else the world layers cut to [`cut_box`], else the regional
/// layers as far as they go.
///
/// # Errors
/// [`LayersError::Basemap`] when a basemap file cannot be read.
pub fn load(dir: &Path, extent: [f64; 4]) -> Result<Basemap, LayersError> {
    let (choice, coverage) = choose(dir, extent)?;
    let mut layers = match choice {
        Choice::Regional => read_all(dir, REGIONAL_FILES, None)?,
        Choice::World(cut) => read_all(&dir.join("world"), WORLD_FILES, Some(cut))?,
    };
    if !layers.is_empty() {
        let sea = sea_layer(coverage.unwrap_or(WORLD), &layers);
        layers.insert(0, sea);
    }
    Ok(Basemap { layers, coverage })
}

/// Name of the [`sea_layer`].
pub const SEA: &str = "sea";

/// The sea: what the basemap covers minus its land (the `coast` polygons), one feature. Drawn
/// from the coast data rather than painted as a background, so that outside the basemap's
/// coverage a map shows no data instead of open water (web, QGIS and print alike).
#[must_use]
pub fn sea_layer(coverage: [f64; 4], layers: &[Layer]) -> Layer {
    let b = coverage;
    let covered = Rect::new((b[0], b[1]), (b[2], b[3])).to_polygon();
    let land: Vec<Polygon> = layers
        .iter()
        .filter(|l| l.name == "coast")
        .flat_map(|l| &l.features)
        .filter_map(|f| f.geometry.as_ref())
        .flat_map(|g| match g {
            Geometry::Polygon(p) => vec![p.clone()],
            Geometry::MultiPolygon(mp) => mp.0.clone(),
            _ => vec![],
        })
        .collect();
    let sea = on_output_grid(&MultiPolygon(vec![covered]).difference(&MultiPolygon(land)));
    let mut layer = Layer::new(
        SEA,
        "Sea (where the basemap has coast data)",
        LayerRole::Basemap,
        GeometryKind::Polygon,
        &[("name", FieldType::Text)],
    );
    if !sea.0.is_empty() {
        layer.features.push(Feature {
            id: "sea".into(),
            geometry: Some(Geometry::MultiPolygon(sea)),
            values: vec![Value::Null],
        });
    }
    layer
}

/// `mp` snapped to the writers' 6-decimal grid ([`crate::output::round_coord`]) and rebuilt
/// there as valid polygons. The coverage box minus the coast leaves slivers along the box edge
/// where the coast was cut to it; rounding them on output would make rings collapse or cross
/// themselves, so the polygon is rebuilt on that grid by the tiles' snap-rounding repair
/// (`i_overlay`), and rounding it again on output changes nothing.
fn on_output_grid(mp: &MultiPolygon) -> MultiPolygon {
    use crate::tiles::valid::overlay;
    const SCALE: f64 = 1e6;
    // y down, as the tile grid the repair was written for: lat negated.
    #[allow(clippy::cast_possible_truncation)]
    let to_grid = |r: &geo::LineString| -> Vec<[i32; 2]> {
        let mut pts: Vec<[i32; 2]> =
            r.0.iter()
                .map(|c| [(c.x * SCALE).round() as i32, (-c.y * SCALE).round() as i32])
                .collect();
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        pts
    };
    let raw: Vec<(Vec<[i32; 2]>, bool)> =
        mp.0.iter()
            .flat_map(|p| {
                std::iter::once((to_grid(p.exterior()), true))
                    .chain(p.interiors().iter().map(|h| (to_grid(h), false)))
            })
            .collect();
    let ring = |r: &[[i32; 2]]| -> geo::LineString {
        let mut cs: Vec<geo::Coord> = r
            .iter()
            .map(|p| geo::Coord {
                x: crate::output::round_coord(f64::from(p[0]) / SCALE),
                y: crate::output::round_coord(f64::from(-p[1]) / SCALE),
            })
            .collect();
        cs.push(cs[0]);
        geo::LineString(cs)
    };
    let mut out: Vec<Polygon> = vec![];
    for r in overlay(&raw) {
        if crate::tiles::simplify::int_area2(&r) > 0 {
            out.push(Polygon::new(ring(&r), vec![]));
        } else if let Some(last) = out.last_mut() {
            last.interiors_push(ring(&r));
        }
    }
    MultiPolygon(out)
}

/// Whether some sheet of an atlas drawn on this basemap may want a finer one
/// ([`finer_for_sheet`]): the atlas is on the world layers at low resolution (its extent is
/// beyond the regional layers and too wide for the intermediate coast) and the intermediate
/// coast exists. Cheap; lets the print writer skip the question for every other atlas.
///
/// # Errors
/// [`LayersError::Basemap`] when `coverage.json` is malformed.
pub fn may_refine(dir: &Path, atlas_coverage: Option<[f64; 4]>) -> Result<bool, LayersError> {
    let world = dir.join("world");
    Ok(atlas_coverage.is_some_and(|c| !wants_intermediate(c))
        && atlas_coverage != regional_coverage(dir)?
        && world.join(INTERMEDIATE_COAST).exists())
}

/// A finer basemap for one printed sheet whose frame (`frame`, lon/lat) is small enough for the
/// intermediate-resolution coast while the atlas as a whole is drawn on the low-resolution world
/// layers (Malta is a rhombus, Gozo missing, at low resolution). `None` when the atlas's own
/// basemap serves the sheet (see [`may_refine`]).
///
/// # Errors
/// [`LayersError::Basemap`] when a basemap file cannot be read.
pub fn finer_for_sheet(
    dir: &Path,
    atlas_coverage: Option<[f64; 4]>,
    frame: [f64; 4],
) -> Result<Option<Basemap>, LayersError> {
    if !may_refine(dir, atlas_coverage)? {
        return Ok(None);
    }
    match choose(dir, frame)? {
        (Choice::World(cut), coverage) if wants_intermediate(cut) => Ok(Some(Basemap {
            layers: read_all(&dir.join("world"), WORLD_FILES, Some(cut))?,
            coverage,
        })),
        _ => Ok(None),
    }
}

/// Reads the locator layer: from the world basemap (`world/` in the basemap folder: land, lakes,
/// national borders and reference places with their `rank`) when there is one, else the regional
/// `locator.geojson`, else none.
///
/// # Errors
/// [`LayersError::Basemap`] when a file exists but cannot be read as GeoJSON.
pub fn locator_layer(dir: &Path) -> Result<Option<Layer>, LayersError> {
    let world = dir.join("world");
    if world.join("coast.geojson").exists() {
        let mut out = Layer::new(
            "locator",
            "Locator",
            LayerRole::Basemap,
            GeometryKind::Polygon,
            &[
                ("layer", FieldType::Text),
                ("name", FieldType::Text),
                ("rank", FieldType::Integer),
            ],
        );
        for (stem, kind) in [
            ("coast", "land"),
            ("lakes", "lake"),
            ("borders", "border"),
            ("places", "place"),
        ] {
            let path = world.join(format!("{stem}.geojson"));
            if !path.exists() {
                continue;
            }
            let l = read_geojson_layer(&path, stem, stem, LayerRole::Basemap)?;
            for f in &l.features {
                let name = match l.value(f, "name") {
                    Some(Value::Text(t)) => Value::Text(t.clone()),
                    _ => Value::Null,
                };
                let rank = match l.value(f, "rank") {
                    Some(Value::Integer(r)) => Value::Integer(*r),
                    _ => Value::Null,
                };
                out.features.push(Feature {
                    id: f.id.clone(),
                    geometry: f.geometry.clone(),
                    values: vec![Value::Text(kind.into()), name, rank],
                });
            }
        }
        return Ok(Some(out));
    }
    let path = dir.join("locator.geojson");
    if !path.exists() {
        return Ok(None);
    }
    read_geojson_layer(&path, "locator", "Locator", LayerRole::Basemap).map(Some)
}

/// What the basemap must cover: the atlas extent (else its sites) and every sheet's extent.
#[must_use]
pub fn drawn_extent(atlas: &crate::model::Atlas) -> [f64; 4] {
    let extent = atlas
        .meta
        .extent
        .unwrap_or_else(|| crate::layers::sites_extent(atlas));
    // A broken sheet is reported by `check`; here it adds nothing.
    crate::print::sheet::from_config(&atlas.meta.config)
        .0
        .iter()
        .filter_map(|s| s.extent)
        .fold(extent, union)
}

/// The check `gazmap check` and `build` run: a warning on `atlas.toml` when the atlas extent
/// goes beyond the basemap's coverage (see [`coverage_warning`]).
#[must_use]
pub fn coverage_finding(atlas: &crate::model::Atlas) -> Option<crate::diagnostics::Finding> {
    let dir = atlas.meta.basemap_dir.as_ref()?;
    let extent = drawn_extent(atlas);
    let coverage = match choose(dir, extent) {
        Ok((_, c)) => c,
        Err(e) => {
            return Some(crate::diagnostics::Finding::warning(
                &atlas.dir.join("atlas.toml"),
                None,
                e.to_string(),
            ));
        }
    };
    coverage_warning(extent, coverage)
        .map(|m| crate::diagnostics::Finding::warning(&atlas.dir.join("atlas.toml"), None, m))
}

/// The world land at intermediate resolution (gzipped), used instead of `coast.geojson` for
/// atlases whose cut box is at most [`INTERMEDIATE_BELOW_DEG`] across.
pub const INTERMEDIATE_COAST: &str = "coast_i.geojson.gz";

/// Largest cut box (degrees of latitude, or of longitude times the cosine of the latitude) drawn
/// from the intermediate coast; larger ones read the low-resolution coast.
pub const INTERMEDIATE_BELOW_DEG: f64 = 25.0;

fn wants_intermediate(b: [f64; 4]) -> bool {
    let cos = f64::midpoint(b[1], b[3]).to_radians().cos();
    (b[3] - b[1]).max((b[2] - b[0]) * cos) <= INTERMEDIATE_BELOW_DEG
}

fn read_all(
    dir: &Path,
    files: &[(&str, &str)],
    cut: Option<[f64; 4]>,
) -> Result<Vec<Layer>, LayersError> {
    let mut layers = vec![];
    for (stem, title) in files {
        let mut path = dir.join(format!("{stem}.geojson"));
        let mut title = *title;
        if *stem == "coast"
            && cut.is_some_and(wants_intermediate)
            && dir.join(INTERMEDIATE_COAST).exists()
        {
            path = dir.join(INTERMEDIATE_COAST);
            title = "Land (intermediate resolution)";
        }
        if !path.exists() {
            continue;
        }
        let mut layer = read_geojson_layer(&path, stem, title, LayerRole::Basemap)?;
        if let Some(b) = cut {
            cut_layer(&mut layer, b);
        }
        layers.push(layer);
    }
    Ok(layers)
}

/// Keeps only what lies inside `b` of every feature (polygons and lines cut at its edges; points
/// outside dropped). Features left empty are removed.
pub fn cut_layer(layer: &mut Layer, b: [f64; 4]) {
    let rect = Rect::new((b[0], b[1]), (b[2], b[3]));
    let clip = rect.to_polygon();
    layer.features.retain_mut(|f| {
        let Some(g) = f.geometry.take() else {
            return false;
        };
        f.geometry = cut_geometry(g, &rect, &clip);
        f.geometry.is_some()
    });
}

fn cut_geometry(g: Geometry, rect: &Rect, clip: &Polygon) -> Option<Geometry> {
    let bb = g.bounding_rect()?;
    let inside = rect.min().x <= bb.min().x
        && rect.min().y <= bb.min().y
        && rect.max().x >= bb.max().x
        && rect.max().y >= bb.max().y;
    if inside {
        return Some(g);
    }
    let disjoint = bb.max().x < rect.min().x
        || bb.min().x > rect.max().x
        || bb.max().y < rect.min().y
        || bb.min().y > rect.max().y;
    if disjoint {
        return None;
    }
    let polys = |mp: MultiPolygon| -> Option<Geometry> {
        match mp.0.len() {
            0 => None,
            1 => mp.0.into_iter().next().map(Geometry::Polygon),
            _ => Some(Geometry::MultiPolygon(mp)),
        }
    };
    let lines = |ml: MultiLineString| -> Option<Geometry> {
        let ml = MultiLineString(ml.0.into_iter().filter(|l| l.0.len() >= 2).collect());
        match ml.0.len() {
            0 => None,
            1 => ml.0.into_iter().next().map(Geometry::LineString),
            _ => Some(Geometry::MultiLineString(ml)),
        }
    };
    match g {
        Geometry::Polygon(p) => polys(p.intersection(clip)),
        Geometry::MultiPolygon(mp) => polys(mp.intersection(clip)),
        Geometry::LineString(l) => lines(clip.clip(&MultiLineString(vec![l]), false)),
        Geometry::MultiLineString(ml) => lines(clip.clip(&ml, false)),
        Geometry::Point(p) => rect_contains(rect, p.x(), p.y()).then_some(Geometry::Point(p)),
        other => Some(other),
    }
}

fn rect_contains(r: &Rect, x: f64, y: f64) -> bool {
    x >= r.min().x && x <= r.max().x && y >= r.min().y && y <= r.max().y
}

/// A warning when the atlas extent reaches beyond what the basemap covers, naming the
/// uncovered strips (there no land, sea or rivers are drawn).
#[must_use]
pub fn coverage_warning(extent: [f64; 4], coverage: Option<[f64; 4]>) -> Option<String> {
    let c = coverage?;
    if contains(c, extent) {
        return None;
    }
    let lon = super::print::projection::dms_lon;
    let lat = super::print::projection::dms_lat;
    let mut parts = vec![];
    if extent[0] < c[0] {
        parts.push(format!("west of {}", lon(c[0])));
    }
    if extent[2] > c[2] {
        parts.push(format!("east of {}", lon(c[2])));
    }
    if extent[1] < c[1] {
        parts.push(format!("south of {}", lat(c[1])));
    }
    if extent[3] > c[3] {
        parts.push(format!("north of {}", lat(c[3])));
    }
    Some(format!(
        "the basemap covers {}..{}, {}..{} only: the atlas extent reaches {} (no land, sea or \
         rivers are drawn there; add `world/` to the basemap folder or a regional basemap that \
         covers it)",
        lon(c[0]),
        lon(c[2]),
        lat(c[1]),
        lat(c[3]),
        parts.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Validation, line_string, point, polygon};

    fn layer(g: Geometry) -> Layer {
        let mut l = Layer::new(
            "coast",
            "Land",
            LayerRole::Basemap,
            GeometryKind::Polygon,
            &[],
        );
        l.features.push(crate::layers::Feature {
            id: "coast.00000".into(),
            geometry: Some(g),
            values: vec![],
        });
        l
    }

    #[test]
    fn cutting_keeps_what_is_inside() {
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
        let mut l = layer(Geometry::Polygon(square));
        cut_layer(&mut l, [5.0, 5.0, 20.0, 20.0]);
        let Some(Geometry::Polygon(p)) = &l.features[0].geometry else {
            panic!("{:?}", l.features)
        };
        assert!((p.unsigned_area() - 25.0).abs() < 1e-9);
        let mut far = layer(Geometry::LineString(
            line_string![(x: 30.0, y: 30.0), (x: 40.0, y: 40.0)],
        ));
        cut_layer(&mut far, [5.0, 5.0, 20.0, 20.0]);
        assert!(far.features.is_empty());
        let mut across = layer(Geometry::LineString(
            line_string![(x: 0.0, y: 10.0), (x: 30.0, y: 10.0)],
        ));
        cut_layer(&mut across, [5.0, 5.0, 20.0, 20.0]);
        let Some(Geometry::LineString(ls)) = &across.features[0].geometry else {
            panic!()
        };
        let xs: Vec<f64> = ls.0.iter().map(|c| c.x).collect();
        assert_eq!(xs.first().copied().map(f64::round), Some(5.0));
        assert_eq!(xs.last().copied().map(f64::round), Some(20.0));
    }

    #[test]
    fn the_sea_is_the_coverage_minus_the_land() {
        let land = layer(Geometry::Polygon(
            polygon![(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)],
        ));
        let sea = sea_layer([0.0, 0.0, 10.0, 10.0], &[land]);
        assert_eq!((sea.name.as_str(), sea.features.len()), (SEA, 1));
        let Some(Geometry::MultiPolygon(mp)) = &sea.features[0].geometry else {
            panic!("{:?}", sea.features[0].geometry)
        };
        assert!(mp.is_valid(), "{mp:?}");
        assert!((mp.unsigned_area() - 96.0).abs() < 1e-9);
        assert!(mp.contains(&point!(x: 1.0, y: 1.0)), "open water is sea");
        assert!(!mp.contains(&point!(x: 3.0, y: 3.0)), "land is not sea");
        assert!(
            !mp.contains(&point!(x: 11.0, y: 5.0)),
            "outside the coverage: no data"
        );
    }

    #[test]
    fn the_warning_names_the_uncovered_part() {
        let w = coverage_warning([40.0, 63.8, 45.0, 66.2], Some([44.0, 59.0, 70.0, 71.0])).unwrap();
        assert!(w.contains("west of 44°E"), "{w}");
        assert!(!w.contains("east of"), "{w}");
        assert!(
            coverage_warning([50.0, 62.0, 66.0, 68.5], Some([44.0, 59.0, 70.0, 71.0])).is_none()
        );
        assert!(coverage_warning([50.0, 62.0, 66.0, 68.5], None).is_none());
    }

    #[test]
    fn a_close_up_of_an_atlas_on_the_low_resolution_world_gets_the_intermediate_coast() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/basemap");
        // The Mediterranean atlas (11.5-36.5 E): the world cut, too wide for the intermediate coast.
        let atlas = cut_box([11.5, 30.0, 36.5, 43.5]);
        assert!(may_refine(&dir, Some(atlas)).unwrap());
        let malta = finer_for_sheet(&dir, Some(atlas), [14.1, 35.7, 14.7, 36.2])
            .unwrap()
            .expect("a finer basemap for Malta");
        assert_eq!(malta.coverage, Some(cut_box([14.1, 35.7, 14.7, 36.2])));
        let coast = malta.layers.iter().find(|l| l.name == "coast").unwrap();
        assert_eq!(coast.title, "Land (intermediate resolution)");
        // Gozo (67 km²) is in the intermediate coast only.
        let gozo = geo::Point::new(14.25, 36.045);
        assert!(
            coast
                .features
                .iter()
                .any(|f| { geo::Contains::contains(f.geometry.as_ref().unwrap(), &gozo) })
        );
        // A sheet as wide as the atlas keeps the atlas's basemap.
        assert!(
            finer_for_sheet(&dir, Some(atlas), [11.5, 30.0, 36.5, 43.5])
                .unwrap()
                .is_none()
        );
        // The regional basemap (Vorkuta) and an atlas already on the intermediate coast are left alone.
        assert!(!may_refine(&dir, Some([44.0, 59.0, 70.0, 71.0])).unwrap());
        assert!(!may_refine(&dir, Some(cut_box([40.0, 63.8, 45.0, 66.2]))).unwrap());
    }
}
