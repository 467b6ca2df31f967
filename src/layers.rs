//! The join: turns a checked [`Atlas`] into named, typed feature layers that every writer reads.
//!
//! A [`Layer`] has a fixed schema ([`Field`]s with a [`FieldType`]) and features whose values
//! follow it, so GeoPackage columns, MVT attributes, FlatGeobuf columns and GeoJSON properties
//! all come from one place. Geometries are WGS84 lon/lat. Features are sorted by id.

use std::path::Path;

use geo::{Geometry, LineString, MultiLineString, Point};
use jiff::civil::Date;

use crate::geodesy;
use crate::model::ClaimStatus;
use crate::model::{AreaSource, Atlas, Citation, Event, Extent, Place, Site};
use crate::time::DateRange;

/// The type of a layer's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// UTF-8 text.
    Text,
    /// 64-bit integer.
    Integer,
    /// 64-bit float.
    Real,
    /// true/false.
    Boolean,
    /// A full calendar date `YYYY-MM-DD`.
    Date,
}

/// A field of a layer's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Column / property name.
    pub name: String,
    /// Its type.
    pub ty: FieldType,
}

/// A value of one field of one feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Not stated.
    Null,
    /// Text.
    Text(String),
    /// Whole number.
    Integer(i64),
    /// Real number.
    Real(f64),
    /// Boolean.
    Boolean(bool),
    /// Calendar date.
    Date(Date),
}

/// Text; an empty string is "not stated" and becomes [`Value::Null`].
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        if s.is_empty() {
            Self::Null
        } else {
            Self::Text(s.to_owned())
        }
    }
}
/// Text; an empty string is "not stated" and becomes [`Value::Null`].
impl From<String> for Value {
    fn from(s: String) -> Self {
        if s.is_empty() {
            Self::Null
        } else {
            Self::Text(s)
        }
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Boolean(b)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Self::Real(x)
    }
}
impl From<Date> for Value {
    fn from(d: Date) -> Self {
        Self::Date(d)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Self::Null, Into::into)
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Self::Integer(i64::from(n))
    }
}
impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Self::Integer(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// One feature: an id, an optional geometry and one value per schema field.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Unique id within the layer.
    pub id: String,
    /// Lon/lat geometry; `None` for features with no place (an unlocated site).
    pub geometry: Option<Geometry>,
    /// Values in schema order.
    pub values: Vec<Value>,
}

/// The geometry type all of a layer's features share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    /// Points.
    Point,
    /// Lines and multi-lines.
    Line,
    /// Polygons and multi-polygons.
    Polygon,
}

/// Whether a layer belongs to the atlas or to its basemap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerRole {
    /// Built from the account.
    Atlas,
    /// Background geography.
    Basemap,
}

/// A named collection of features with one schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Short name (file and table name).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Atlas or basemap.
    pub role: LayerRole,
    /// Geometry type.
    pub geometry: GeometryKind,
    /// Schema.
    pub fields: Vec<Field>,
    /// Features, sorted by id.
    pub features: Vec<Feature>,
}

impl Layer {
    /// An empty layer with this schema (field names and types, in order).
    #[must_use]
    pub fn new(
        name: &str,
        title: &str,
        role: LayerRole,
        geometry: GeometryKind,
        fields: &[(&str, FieldType)],
    ) -> Self {
        Self {
            name: name.into(),
            title: title.into(),
            role,
            geometry,
            fields: fields
                .iter()
                .map(|(n, t)| Field {
                    name: (*n).into(),
                    ty: *t,
                })
                .collect(),
            features: vec![],
        }
    }

    /// Index of the field called `name`.
    #[must_use]
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The value of field `name` for `feature`.
    #[must_use]
    pub fn value<'a>(&self, feature: &'a Feature, name: &str) -> Option<&'a Value> {
        self.field_index(name).and_then(|i| feature.values.get(i))
    }

    /// The feature with this id.
    #[must_use]
    pub fn feature(&self, id: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.id == id)
    }

    fn push(&mut self, id: &str, geometry: Option<Geometry>, values: Vec<Value>) {
        debug_assert_eq!(
            values.len(),
            self.fields.len(),
            "layer {}: values do not match the schema",
            self.name
        );
        self.features.push(Feature {
            id: id.into(),
            geometry,
            values,
        });
    }

    fn sort(&mut self) {
        self.features.sort_by(|a, b| a.id.cmp(&b.id));
    }
}

/// All layers of an atlas, in draw order (bottom first), with the metadata writers need.
#[derive(Debug, Clone, PartialEq)]
pub struct Layers {
    /// Atlas id (output file stem).
    pub atlas_id: String,
    /// Atlas title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Credit lines, basemap credit included.
    pub credits: Vec<String>,
    /// Licence of the data.
    pub licence: String,
    /// Default extent lon_min, lat_min, lon_max, lat_max, **degrees**.
    pub extent: [f64; 4],
    /// The time slider's span, if the atlas sets one.
    pub time_range: Option<(Date, Date)>,
    /// Named periods: id, title, first day, last day.
    pub periods: Vec<(String, String, Date, Date)>,
    /// Atlas layers: lines, uncertainty, event areas, transfers, claims, events, sites.
    pub atlas: Vec<Layer>,
    /// Basemap layers, bottom first.
    pub basemap: Vec<Layer>,
    /// What the basemap covers (lon_min, lat_min, lon_max, lat_max); `None` when undeclared.
    /// Outside it nothing is drawn, not even sea.
    pub basemap_coverage: Option<[f64; 4]>,
    /// The atlas's site kinds and movement wording (see [`crate::model::Atlas::kinds`]).
    pub vocabulary: crate::style::Vocabulary,
}

impl Layers {
    /// The atlas or basemap layer called `name`.
    #[must_use]
    pub fn layer(&self, name: &str) -> Option<&Layer> {
        self.atlas
            .iter()
            .chain(&self.basemap)
            .find(|l| l.name == name)
    }

    /// Every layer, basemap first, in draw order.
    pub fn all(&self) -> impl Iterator<Item = &Layer> {
        self.basemap.iter().chain(&self.atlas)
    }

    /// The distinct `kind`s of the sites layer, in the order they first appear (what the
    /// legends must explain).
    #[must_use]
    pub fn site_kinds(&self) -> Vec<&str> {
        self.layer("sites").map_or_else(Vec::new, Layer::kinds)
    }
}

impl Layer {
    /// The distinct text values of this layer's `kind` field, in the order they first appear.
    #[must_use]
    pub fn kinds(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![];
        let Some(i) = self.field_index("kind") else {
            return out;
        };
        for f in &self.features {
            if let Some(Value::Text(k)) = f.values.get(i)
                && !out.contains(&k.as_str())
            {
                out.push(k);
            }
        }
        out
    }
}

/// Error while building layers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayersError {
    /// A basemap file could not be read or is not a GeoJSON FeatureCollection.
    #[error("basemap file {path}: {message}")]
    Basemap {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Vertices of each uncertainty circle.
pub const CIRCLE_VERTICES: usize = 72;
/// Longest segment of a densified transfer or claim line, **metres**.
pub const MAX_SEGMENT_M: f64 = 5_000.0;

const CITATION_FIELDS: &[(&str, FieldType)] = &[
    ("source", FieldType::Text),
    ("char_offset", FieldType::Integer),
    ("citation", FieldType::Text),
    ("quote", FieldType::Text),
];

fn citation_values(c: &Citation) -> Vec<Value> {
    vec![
        c.source_id.as_str().into(),
        c.char_offset.into(),
        c.short().into(),
        c.quote.as_str().into(),
    ]
}

const DATE_FIELDS: &[(&str, FieldType)] = &[
    ("when", FieldType::Text),
    ("start", FieldType::Date),
    ("end", FieldType::Date),
    ("certain_start", FieldType::Date),
    ("certain_end", FieldType::Date),
    ("date_precision", FieldType::Text),
    ("date_approximate", FieldType::Boolean),
    ("date_open", FieldType::Boolean),
];

fn date_values(d: &DateRange) -> Vec<Value> {
    vec![
        d.edtf.as_str().into(),
        d.earliest.into(),
        d.latest.into(),
        d.certain.map(|c| c.0).into(),
        d.certain.map(|c| c.1).into(),
        d.precision.into(),
        (d.approximate || d.uncertain).into(),
        (d.open_start || d.open_end).into(),
    ]
}

fn fields(parts: &[&[(&'static str, FieldType)]]) -> Vec<(&'static str, FieldType)> {
    parts.iter().flat_map(|p| p.iter().copied()).collect()
}

fn site_point(site: &Site) -> Option<Point> {
    site.location.map(|l| Point::new(l.lon, l.lat))
}

fn join_names(site: &Site) -> String {
    site.names
        .iter()
        .map(|n| format!("{}@{}", n.text, n.lang))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Builds every atlas layer and loads the basemap layers.
///
/// # Errors
/// [`LayersError::Basemap`] when a basemap file named by the atlas cannot be read.
pub fn build(atlas: &Atlas) -> Result<Layers, LayersError> {
    let mut credits = atlas.meta.credits.clone();
    if !atlas.meta.basemap_credit.is_empty() && !credits.contains(&atlas.meta.basemap_credit) {
        credits.push(atlas.meta.basemap_credit.clone());
    }
    let extent = atlas.meta.extent.unwrap_or_else(|| sites_extent(atlas));
    let basemap = match &atlas.meta.basemap_dir {
        Some(dir) => crate::basemap::load(dir, crate::basemap::drawn_extent(atlas))?,
        None => crate::basemap::Basemap {
            layers: vec![],
            coverage: None,
        },
    };
    Ok(Layers {
        atlas_id: atlas.meta.id.clone(),
        title: atlas.meta.title.clone(),
        description: atlas.meta.description.clone(),
        credits,
        licence: atlas.meta.licence.clone(),
        extent,
        time_range: atlas
            .meta
            .time_range
            .as_ref()
            .map(|r| (r.earliest, r.latest)),
        periods: atlas
            .periods
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    p.title.clone(),
                    p.when.earliest,
                    p.when.latest,
                )
            })
            .collect(),
        atlas: vec![
            lines_layer(atlas),
            uncertainty_layer(atlas),
            event_areas_layer(atlas),
            transfers_layer(atlas),
            claims_layer(atlas),
            events_layer(atlas),
            sites_layer(atlas),
        ],
        basemap: basemap.layers,
        basemap_coverage: basemap.coverage,
        vocabulary: atlas.meta.vocabulary.clone(),
    })
}

/// The box around every located site (the whole world when none is located).
pub(crate) fn sites_extent(atlas: &Atlas) -> [f64; 4] {
    let mut e: [f64; 4] = [180.0, 90.0, -180.0, -90.0];
    for l in atlas.sites.iter().filter_map(|s| s.location) {
        e = [
            e[0].min(l.lon),
            e[1].min(l.lat),
            e[2].max(l.lon),
            e[3].max(l.lat),
        ];
    }
    if e[0] > e[2] {
        [-180.0, -90.0, 180.0, 90.0]
    } else {
        e
    }
}

fn sites_layer(atlas: &Atlas) -> Layer {
    use FieldType::{Boolean, Integer, Real, Text};
    let schema = fields(&[
        &[
            ("id", Text),
            ("name", Text),
            ("names", Text),
            ("kind", Text),
            ("lon", Real),
            ("lat", Real),
            ("uncertainty_m", Real),
            ("shape", Text),
            ("basis", Text),
            ("uncertain", Boolean),
            ("basis_reason", Text),
            ("coord_ref", Text),
            ("alternative_to", Text),
            ("part_of", Text),
            ("has_line", Boolean),
            ("schematic", Boolean),
            ("event_count", Integer),
            ("narrated", Boolean),
            ("wikidata", Text),
            ("geonames", Text),
            ("notes", Text),
        ],
        CITATION_FIELDS,
    ]);
    let mut layer = Layer::new(
        "sites",
        "Places",
        LayerRole::Atlas,
        GeometryKind::Point,
        &schema,
    );
    for site in &atlas.sites {
        // Indexed once per atlas (events at the site or moving from or to it).
        let events = atlas.event_span(&site.id).map_or(0, |s| s.count);
        let mut values = vec![
            site.id.as_str().into(),
            site.name.as_str().into(),
            join_names(site).into(),
            site.kind.as_str().into(),
            site.location.map(|l| l.lon).into(),
            site.location.map(|l| l.lat).into(),
            site.location.map(|l| l.uncertainty_m).into(),
            site.extent.as_str().into(),
            site.basis.as_str().into(),
            (site.basis != crate::model::Basis::Documented).into(),
            site.basis_reason.as_str().into(),
            site.coord_ref.as_str().into(),
            site.alternative_to.clone().into(),
            site.part_of.clone().into(),
            site.line.is_some().into(),
            site.line.as_ref().map(|l| l.schematic).into(),
            events.into(),
            true.into(),
            site.wikidata.as_str().into(),
            site.geonames.as_str().into(),
            site.notes.as_str().into(),
        ];
        values.extend(citation_values(&site.citation));
        layer.push(&site.id, site_point(site).map(Geometry::Point), values);
    }
    layer.sort();
    layer
}

fn lines_layer(atlas: &Atlas) -> Layer {
    use FieldType::{Boolean, Text};
    let schema = fields(&[
        &[
            ("id", Text),
            ("name", Text),
            ("kind", Text),
            ("schematic", Boolean),
            ("geometry_ref", Text),
            ("basis", Text),
        ],
        CITATION_FIELDS,
    ]);
    let mut layer = Layer::new(
        "lines",
        "Rivers and railways of the account",
        LayerRole::Atlas,
        GeometryKind::Line,
        &schema,
    );
    for site in &atlas.sites {
        let Some(line) = &site.line else { continue };
        let mut values = vec![
            site.id.as_str().into(),
            site.name.as_str().into(),
            site.kind.as_str().into(),
            line.schematic.into(),
            line.geometry_ref.as_str().into(),
            site.basis.as_str().into(),
        ];
        values.extend(citation_values(&site.citation));
        layer.push(
            &site.id,
            Some(Geometry::MultiLineString(line.geometry.clone())),
            values,
        );
    }
    layer.sort();
    layer
}

fn uncertainty_layer(atlas: &Atlas) -> Layer {
    use FieldType::{Real, Text};
    let schema = fields(&[
        &[
            ("id", Text),
            ("site", Text),
            ("name", Text),
            ("kind", Text),
            ("uncertainty_m", Real),
            ("basis", Text),
            ("shape", Text),
            ("ring_from", Text),
            ("ring_min_m", Real),
            ("ring_max_m", Real),
            ("bearing_min_deg", Real),
            ("bearing_max_deg", Real),
            ("outline_ref", Text),
        ],
        CITATION_FIELDS,
    ]);
    let mut layer = Layer::new(
        "uncertainty",
        "Location uncertainty",
        LayerRole::Atlas,
        GeometryKind::Polygon,
        &schema,
    );
    for site in &atlas.sites {
        let Some(shape) = site.shape(CIRCLE_VERTICES) else {
            continue;
        };
        let ring = match &site.extent {
            Extent::Ring(r) => Some(r),
            _ => None,
        };
        let mut values = vec![
            site.id.as_str().into(),
            site.id.as_str().into(),
            site.name.as_str().into(),
            site.kind.as_str().into(),
            site.location.map(|l| l.uncertainty_m).into(),
            site.basis.as_str().into(),
            site.extent.as_str().into(),
            ring.map(|r| r.from.clone()).into(),
            ring.map(|r| r.min_m).into(),
            ring.map(|r| r.max_m).into(),
            ring.and_then(|r| r.bearings).map(|b| b.0).into(),
            ring.and_then(|r| r.bearings).map(|b| b.1).into(),
            outline_ref(site).into(),
        ];
        values.extend(citation_values(&site.citation));
        layer.push(&site.id, Some(shape), values);
    }
    layer.sort();
    layer
}

/// Where an area's outline comes from, in words (empty for circles and rings).
#[must_use]
pub fn outline_ref(site: &Site) -> String {
    match &site.extent {
        Extent::Area(a) => match &a.source {
            AreaSource::Drawn {
                geometry_ref,
                documented,
            } => {
                if *documented {
                    geometry_ref.clone()
                } else {
                    format!("{geometry_ref} (sketched)")
                }
            }
            AreaSource::Hull { parts, margin_m } => format!(
                "convex hull of {} plus {} km",
                parts.join(", "),
                margin_m / 1000.0
            ),
        },
        _ => String::new(),
    }
}

/// The schema of the `events` and `event_areas` layers.
fn event_schema() -> Vec<(&'static str, FieldType)> {
    use FieldType::{Real, Text};
    fields(&[
        EVENT_COMMON,
        &[
            ("site", Text),
            ("site_name", Text),
            ("site_basis", Text),
            ("uncertainty_m", Real),
            ("site_shape", Text),
        ],
        DATE_FIELDS,
        CITATION_FIELDS,
    ])
}

fn event_values(event: &Event, site: Option<&Site>) -> Vec<Value> {
    let mut values = event_common(event);
    values.extend([
        site.map(|s| s.id.clone()).into(),
        site.map(|s| s.name.clone()).into(),
        site.map(|s| s.basis.as_str()).into(),
        site.and_then(|s| s.location)
            .map(|l| l.uncertainty_m)
            .into(),
        site.map(|s| s.extent.as_str()).into(),
    ]);
    values.extend(date_values(&event.when));
    values.extend(citation_values(&event.citation));
    values
}

/// The site of a non-movement event, if it names a known one.
fn event_site<'a>(atlas: &'a Atlas, event: &Event) -> Option<&'a Site> {
    match &event.place {
        Place::At(Some(id)) => atlas.site(id),
        _ => None,
    }
}

/// Events the account places in a camp system, district or region, drawn on its area. The same
/// rows stand in `events` with no point (one geometry type per layer), so `events` stays the one
/// complete list; do not add the two layers' counts.
fn event_areas_layer(atlas: &Atlas) -> Layer {
    let mut layer = Layer::new(
        "event_areas",
        "Events in a camp system or region",
        LayerRole::Atlas,
        GeometryKind::Polygon,
        &event_schema(),
    );
    for event in atlas.events.iter().filter(|e| !e.is_movement()) {
        let Some(site) = event_site(atlas, event).filter(|s| s.is_area()) else {
            continue;
        };
        layer.push(
            &event.id,
            site.shape(CIRCLE_VERTICES),
            event_values(event, Some(site)),
        );
    }
    layer.sort();
    layer
}

fn event_common(event: &Event) -> Vec<Value> {
    vec![
        event.id.as_str().into(),
        event.title.as_str().into(),
        event.kind.as_str().into(),
        event.people.into(),
        event.people_min.into(),
        event.people_max.into(),
        event.people_text.as_str().into(),
        event.mode.as_str().into(),
        event.disputed.as_str().into(),
        (!event.disputed.is_empty()).into(),
        event.notes.as_str().into(),
    ]
}

const EVENT_COMMON: &[(&str, FieldType)] = &[
    ("id", FieldType::Text),
    ("title", FieldType::Text),
    ("kind", FieldType::Text),
    ("people", FieldType::Integer),
    ("people_min", FieldType::Integer),
    ("people_max", FieldType::Integer),
    ("people_text", FieldType::Text),
    ("mode", FieldType::Text),
    ("disputed", FieldType::Text),
    ("is_disputed", FieldType::Boolean),
    ("notes", FieldType::Text),
];

fn events_layer(atlas: &Atlas) -> Layer {
    let mut layer = Layer::new(
        "events",
        "Events",
        LayerRole::Atlas,
        GeometryKind::Point,
        &event_schema(),
    );
    for event in atlas.events.iter().filter(|e| !e.is_movement()) {
        let site = event_site(atlas, event);
        // An event at an area has no point: `event_areas` draws it on the area.
        let point = site.filter(|s| !s.is_area()).and_then(site_point);
        layer.push(
            &event.id,
            point.map(Geometry::Point),
            event_values(event, site),
        );
    }
    layer.sort();
    layer
}

fn transfers_layer(atlas: &Atlas) -> Layer {
    use FieldType::{Real, Text};
    let schema = fields(&[
        EVENT_COMMON,
        &[
            ("from_site", Text),
            ("to_site", Text),
            ("from_name", Text),
            ("to_name", Text),
            ("distance_km", Real),
            ("distance_min_km", Real),
            ("distance_max_km", Real),
            ("bearing_deg", Real),
        ],
        DATE_FIELDS,
        CITATION_FIELDS,
    ]);
    let mut layer = Layer::new(
        "transfers",
        "Transfers and movements",
        LayerRole::Atlas,
        GeometryKind::Line,
        &schema,
    );
    for event in &atlas.events {
        let Place::Movement { from, to } = &event.place else {
            continue;
        };
        let (Some(a), Some(b)) = (atlas.site(from), atlas.site(to)) else {
            continue;
        };
        let measure = transfer_measure(a, b);
        let mut values = event_common(event);
        values.extend([
            from.as_str().into(),
            to.as_str().into(),
            a.name.as_str().into(),
            b.name.as_str().into(),
            measure.map(|m| m.distance_km).into(),
            measure.map(|m| m.min_km).into(),
            measure.map(|m| m.max_km).into(),
            measure.map(|m| m.bearing_deg).into(),
        ]);
        values.extend(date_values(&event.when));
        values.extend(citation_values(&event.citation));
        // Ends on one point have no line (a zero-length line is invalid): `check` warns.
        let geometry = match (site_point(a), site_point(b)) {
            (Some(p), Some(q)) if !geodesy::coincide(p, q) => Some(Geometry::MultiLineString(
                geodesy::geodesic_line(p, q, MAX_SEGMENT_M),
            )),
            _ => None,
        };
        layer.push(&event.id, geometry, values);
    }
    layer.sort();
    layer
}

/// A located site as writers of distance tables need it.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePoint {
    /// Site id.
    pub id: String,
    /// Lon/lat position.
    pub point: Point,
    /// Uncertainty radius, **metres**.
    pub uncertainty_m: f64,
}

/// The located sites of the `sites` layer, in id order.
#[must_use]
pub fn located_sites(layers: &Layers) -> Vec<SitePoint> {
    let Some(sites) = layers.layer("sites") else {
        return vec![];
    };
    sites
        .features
        .iter()
        .filter_map(|f| match &f.geometry {
            Some(Geometry::Point(p)) => Some(SitePoint {
                id: f.id.clone(),
                point: *p,
                uncertainty_m: match sites.value(f, "uncertainty_m") {
                    Some(Value::Real(r)) => *r,
                    #[allow(clippy::cast_precision_loss)]
                    Some(Value::Integer(n)) => *n as f64,
                    _ => 0.0,
                },
            }),
            _ => None,
        })
        .collect()
}

/// Distance, range and bearing between two sites.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// Geodesic distance, **km**.
    pub distance_km: f64,
    /// Smallest distance the two uncertainty radii allow, **km**.
    pub min_km: f64,
    /// Largest distance the two uncertainty radii allow, **km**.
    pub max_km: f64,
    /// Initial bearing, **degrees** from true north.
    pub bearing_deg: f64,
}

/// Measures between two located sites (`None` if either is unlocated).
#[must_use]
pub fn transfer_measure(a: &Site, b: &Site) -> Option<Measure> {
    let (la, lb) = (a.location?, b.location?);
    let (p, q) = (Point::new(la.lon, la.lat), Point::new(lb.lon, lb.lat));
    let d = geodesy::distance_m(p, q);
    let (lo, hi) = geodesy::distance_range_m(d, la.uncertainty_m, lb.uncertainty_m);
    Some(Measure {
        distance_km: d / 1000.0,
        min_km: lo / 1000.0,
        max_km: hi / 1000.0,
        bearing_deg: geodesy::bearing_deg(p, q),
    })
}

fn claims_layer(atlas: &Atlas) -> Layer {
    use FieldType::{Boolean, Real, Text};
    let schema = fields(&[
        &[
            ("id", Text),
            ("from_site", Text),
            ("to_site", Text),
            ("stated_km", Real),
            ("tolerance_km", Real),
            ("computed_km", Real),
            ("min_km", Real),
            ("max_km", Real),
            ("status", Text),
            ("by_construction", Boolean),
            ("notes", Text),
        ],
        CITATION_FIELDS,
    ]);
    let mut layer = Layer::new(
        "claims",
        "Distances stated in the account",
        LayerRole::Atlas,
        GeometryKind::Line,
        &schema,
    );
    for claim in &atlas.claims {
        let verdict = claim.verdict;
        let mut values = vec![
            claim.id.as_str().into(),
            claim.from_site.as_str().into(),
            claim.to_site.as_str().into(),
            (claim.stated_m / 1000.0).into(),
            (claim.tolerance_m / 1000.0).into(),
            verdict.map(|v| v.computed_m / 1000.0).into(),
            verdict.map(|v| v.min_m / 1000.0).into(),
            verdict.map(|v| v.max_m / 1000.0).into(),
            verdict.map_or("untestable", |v| v.status.as_str()).into(),
            claim.by_construction.into(),
            claim.notes.as_str().into(),
        ];
        values.extend(citation_values(&claim.citation));
        let geometry = verdict
            .filter(|v| !geodesy::coincide(v.from, v.to))
            .map(|v| {
                Geometry::MultiLineString(geodesy::geodesic_line(v.from, v.to, MAX_SEGMENT_M))
            });
        layer.push(&claim.id, geometry, values);
    }
    layer.sort();
    layer
}

/// True when the claim's verdict is a contradiction.
#[must_use]
pub fn is_contradicted(status: &Value) -> bool {
    *status == Value::Text(ClaimStatus::Contradicted.as_str().into())
}

/// Regional basemap files read from the basemap folder, bottom first: (file stem, layer title).
pub const BASEMAP_FILES: &[(&str, &str)] = crate::basemap::REGIONAL_FILES;

/// Reads a GeoJSON FeatureCollection (gzipped when the name ends in `.gz`) into a [`Layer`],
/// inferring the schema from the properties (a property whose values disagree in type becomes
/// text).
///
/// # Errors
/// [`LayersError::Basemap`] when the file cannot be read or parsed.
pub fn read_geojson_layer(
    path: &Path,
    name: &str,
    title: &str,
    role: LayerRole,
) -> Result<Layer, LayersError> {
    let err = |message: String| LayersError::Basemap {
        path: path.to_path_buf(),
        message,
    };
    // `.gz` files (the world basemap's intermediate coast) are gunzipped on the way in.
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| {
                std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(f), &mut text)
            })
            .map_err(|e| err(e.to_string()))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?
    };
    let fc: geojson::FeatureCollection = text
        .parse()
        .map_err(|e: geojson::Error| err(e.to_string()))?;
    let mut schema: Vec<Field> = vec![];
    for f in &fc.features {
        for (k, v) in f.properties.iter().flatten() {
            let ty = match v {
                serde_json::Value::Bool(_) => FieldType::Boolean,
                serde_json::Value::Number(n) if n.is_i64() => FieldType::Integer,
                serde_json::Value::Number(_) => FieldType::Real,
                serde_json::Value::Null => continue,
                _ => FieldType::Text,
            };
            match schema.iter_mut().find(|f| f.name == *k) {
                Some(field) if field.ty != ty => {
                    field.ty = if matches!(
                        (field.ty, ty),
                        (FieldType::Integer, FieldType::Real)
                            | (FieldType::Real, FieldType::Integer)
                    ) {
                        FieldType::Real
                    } else {
                        FieldType::Text
                    };
                }
                Some(_) => {}
                None => schema.push(Field {
                    name: k.clone(),
                    ty,
                }),
            }
        }
    }
    let mut kind = None;
    let mut features = vec![];
    for (i, f) in fc.features.iter().enumerate() {
        let geometry = match &f.geometry {
            Some(g) => Some(
                Geometry::<f64>::try_from(g.value.clone())
                    .map_err(|e| err(format!("feature {i}: {e}")))?,
            ),
            None => None,
        };
        if kind.is_none() {
            kind = geometry.as_ref().map(|g| match g {
                Geometry::Point(_) | Geometry::MultiPoint(_) => GeometryKind::Point,
                Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => {
                    GeometryKind::Line
                }
                _ => GeometryKind::Polygon,
            });
        }
        let values = schema
            .iter()
            .map(
                |field| match f.properties.as_ref().and_then(|p| p.get(&field.name)) {
                    None | Some(serde_json::Value::Null) => Value::Null,
                    Some(v) => match (field.ty, v) {
                        (FieldType::Boolean, serde_json::Value::Bool(b)) => Value::Boolean(*b),
                        (FieldType::Integer, serde_json::Value::Number(n)) => {
                            n.as_i64().map_or(Value::Null, Value::Integer)
                        }
                        (FieldType::Real, serde_json::Value::Number(n)) => {
                            n.as_f64().map_or(Value::Null, Value::Real)
                        }
                        (_, serde_json::Value::String(s)) => Value::Text(s.clone()),
                        (_, other) => Value::Text(other.to_string()),
                    },
                },
            )
            .collect();
        features.push(Feature {
            id: format!("{name}.{i:05}"),
            geometry,
            values,
        });
    }
    Ok(Layer {
        name: name.into(),
        title: title.into(),
        role,
        geometry: kind.unwrap_or(GeometryKind::Polygon),
        fields: schema,
        features,
    })
}

/// Flattens a multi-line into its parts (helper for writers that want simple lines).
#[must_use]
pub fn line_parts(g: &Geometry) -> Vec<LineString> {
    match g {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(MultiLineString(ls)) => ls.clone(),
        _ => vec![],
    }
}
