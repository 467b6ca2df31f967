//! A QGIS 3.22 project (`.qgs` XML, zipped into a `.qgz`) that opens the atlas GeoPackage
//! ready to use.
//!
//! The project holds every layer of the GeoPackage (as `<gpkg file>|layername=<layer>`, a path
//! relative to the project, so the folder can be moved), in two groups: "Atlas" (sites on top)
//! and "Basemap" (collapsed). Each layer carries its style from [`crate::style::qml`], including
//! live temporal settings. The map CRS is UTM north in the zone of the atlas extent's centre
//! (EPSG:326zz, conformal and metric, suited to the far north unlike Web Mercator); the
//! canvas opens on the atlas extent with the sea colour as background. The Temporal Controller
//! opens in animated mode over the atlas time range, one month per frame. There is one print
//! layout, see [`layout`].
//!
//! The same bytes are stored in the GeoPackage's `qgis_projects` table; QGIS resolves the
//! relative layer paths against the GeoPackage in that case too. Not written: the auxiliary
//! storage (`.qgd`, QGIS creates it when needed), bookmarks, map themes, relations.

pub mod layout;
pub mod tm;

use std::path::Path;

use jiff::civil::Date;

use crate::layers::{GeometryKind, Layer, Layers, Value};
use crate::output::stamp::BuildTime;
use crate::output::{Written, write_atomic};
use crate::style::{self, Vocabulary, qml::layer_style};
use crate::xml::XmlWriter;

/// Why the project could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// Zipping failed.
    #[error("QGIS project: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing failed.
    #[error("QGIS project {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What the project refers to.
#[derive(Debug, Clone, Copy)]
pub struct ProjectOptions<'a> {
    /// File name of the GeoPackage, relative to the project (e.g. `vorkuta.gpkg`).
    pub gpkg_file: &'a str,
    /// The timestamp written as the project's save and creation time.
    pub time: BuildTime,
}

/// The project layer id of `layer` (stable across builds).
#[must_use]
pub fn layer_id(layer: &Layer) -> String {
    format!("{}_gazmap", layer.name)
}

/// The data source of `layer` in the GeoPackage.
#[must_use]
pub fn layer_source(gpkg_file: &str, layer: &Layer) -> String {
    format!("./{gpkg_file}|layername={}", layer.name)
}

/// The UTM zone used for the map: the zone of the extent's centre longitude.
#[must_use]
pub fn map_zone(layers: &Layers) -> u8 {
    tm::utm_zone(f64::midpoint(layers.extent[0], layers.extent[2]))
}

/// The map CRS as `EPSG:326zz`.
#[must_use]
pub fn map_crs(layers: &Layers) -> String {
    format!("EPSG:{}", 32600 + u32::from(map_zone(layers)))
}

/// The time span the Temporal Controller covers: the atlas' time range, else the span of the
/// `start`/`end` fields of the atlas layers; first day and last day (inclusive).
#[must_use]
pub fn time_span(layers: &Layers) -> Option<(Date, Date)> {
    if let Some(r) = layers.time_range {
        return Some(r);
    }
    let mut span: Option<(Date, Date)> = None;
    for l in &layers.atlas {
        for f in &l.features {
            for name in ["start", "end"] {
                if let Some(Value::Date(d)) = l.value(f, name) {
                    span = Some(span.map_or((*d, *d), |(a, b)| (a.min(*d), b.max(*d))));
                }
            }
        }
    }
    span
}

fn srs(x: &mut XmlWriter, authid: &str, proj4: &str, description: &str, geographic: bool) {
    x.open("spatialrefsys", &[]);
    x.text("proj4", &[], proj4);
    x.text("authid", &[], authid);
    x.text("description", &[], description);
    x.text(
        "geographicflag",
        &[],
        if geographic { "true" } else { "false" },
    );
    x.close();
}

fn map_srs(x: &mut XmlWriter, layers: &Layers) {
    let zone = map_zone(layers);
    srs(
        x,
        &map_crs(layers),
        &format!("+proj=utm +zone={zone} +datum=WGS84 +units=m +no_defs"),
        &format!("WGS 84 / UTM zone {zone}N"),
        false,
    );
}

/// The map extent in metres, padded by 3 % and widened or heightened to `aspect` (w/h).
fn map_extent_m(layers: &Layers, aspect: f64) -> [f64; 4] {
    let [x0, y0, x1, y1] = tm::utm_extent(map_zone(layers), layers.extent);
    let (cx, cy) = (f64::midpoint(x0, x1), f64::midpoint(y0, y1));
    let (mut w, mut h) = ((x1 - x0) * 1.03, (y1 - y0) * 1.03);
    if w / h < aspect {
        w = h * aspect;
    } else {
        h = w / aspect;
    }
    [cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0]
}

fn wkb_type(layer: &Layer) -> (&'static str, &'static str) {
    let multi_point = layer
        .features
        .iter()
        .any(|f| matches!(f.geometry, Some(geo::Geometry::MultiPoint(_))));
    match layer.geometry {
        GeometryKind::Point if multi_point => ("Point", "MultiPoint"),
        GeometryKind::Point => ("Point", "Point"),
        GeometryKind::Line => ("Line", "MultiLineString"),
        GeometryKind::Polygon => ("Polygon", "MultiPolygon"),
    }
}

/// The name QGIS shows for `layer` (layer tree, legend): its title, but the atlas's own
/// movement wording for the transfer lines.
fn shown_title<'a>(layer: &'a Layer, vocabulary: &'a Vocabulary) -> &'a str {
    if layer.role == crate::layers::LayerRole::Atlas && layer.name == "transfers" {
        &vocabulary.movement_label
    } else {
        &layer.title
    }
}

fn tree_layer(x: &mut XmlWriter, layer: &Layer, gpkg_file: &str, vocabulary: &Vocabulary) {
    x.open(
        "layer-tree-layer",
        &[
            ("id", &layer_id(layer)),
            ("name", shown_title(layer, vocabulary)),
            ("source", &layer_source(gpkg_file, layer)),
            ("providerKey", "ogr"),
            ("checked", "Qt::Checked"),
            ("expanded", if layer.name == "sites" { "1" } else { "0" }),
            ("legend_exp", ""),
        ],
    );
    x.empty("customproperties", &[]);
    x.close();
}

fn map_layer(x: &mut XmlWriter, layer: &Layer, gpkg_file: &str, vocabulary: &Vocabulary) {
    let style = layer_style(layer, vocabulary);
    let (geometry, wkb) = wkb_type(layer);
    x.open(
        "maplayer",
        &[
            ("type", "vector"),
            ("geometry", geometry),
            ("wkbType", wkb),
            (
                "labelsEnabled",
                if style.labels_enabled { "1" } else { "0" },
            ),
            ("hasScaleBasedVisibilityFlag", "0"),
            ("minScale", "100000000"),
            ("maxScale", "0"),
            ("readOnly", "0"),
            ("styleCategories", "AllStyleCategories"),
        ],
    );
    x.text("id", &[], &layer_id(layer));
    x.text("datasource", &[], &layer_source(gpkg_file, layer));
    x.text("layername", &[], shown_title(layer, vocabulary));
    x.open("srs", &[]);
    srs(
        x,
        "EPSG:4326",
        "+proj=longlat +datum=WGS84 +no_defs",
        "WGS 84",
        true,
    );
    x.close();
    x.text("provider", &[("encoding", "UTF-8")], "ogr");
    x.fragment(&style.body);
    x.close();
}

/// The atlas layers top first (the legend and layer panel order), then the basemap top first.
fn panel_order(layers: &Layers) -> (Vec<&Layer>, Vec<&Layer>) {
    (
        layers.atlas.iter().rev().collect(),
        layers.basemap.iter().rev().collect(),
    )
}

fn subtitle(layers: &Layers) -> String {
    let mut s = String::from("Places, events, transfers and stated distances");
    if let Some((a, b)) = time_span(layers) {
        s.push_str(&format!(
            ", {} to {}",
            a.strftime("%B %Y"),
            b.strftime("%B %Y")
        ));
    }
    s
}

/// The `.qgs` XML of the project.
#[must_use]
pub fn project_xml(layers: &Layers, opts: &ProjectOptions<'_>) -> String {
    let mut x = XmlWriter::new();
    x.doctype("qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'");
    let saved = opts.time.iso_seconds();
    x.open(
        "qgis",
        &[
            ("version", "3.22.16-Białowieża"),
            ("projectname", &layers.title),
            ("saveUser", "gazmap"),
            ("saveUserFull", "gazmap"),
            ("saveDateTime", &saved),
        ],
    );
    x.empty("homePath", &[("path", "")]);
    x.text("title", &[], &layers.title);
    x.open("projectCrs", &[]);
    map_srs(&mut x, layers);
    x.close();

    let (atlas, basemap) = panel_order(layers);
    x.open("layer-tree-group", &[]);
    x.empty("customproperties", &[]);
    for (group, members, expanded) in [("Atlas", &atlas, "1"), ("Basemap", &basemap, "0")] {
        if members.is_empty() {
            continue;
        }
        x.open(
            "layer-tree-group",
            &[
                ("name", group),
                ("checked", "Qt::Checked"),
                ("expanded", expanded),
            ],
        );
        x.empty("customproperties", &[]);
        for l in members {
            tree_layer(&mut x, l, opts.gpkg_file, &layers.vocabulary);
        }
        x.close();
    }
    x.open("custom-order", &[("enabled", "0")]);
    for l in atlas.iter().chain(&basemap) {
        x.text("item", &[], &layer_id(l));
    }
    x.close();
    x.close();

    x.open("projectlayers", &[]);
    for l in layers.all() {
        map_layer(&mut x, l, opts.gpkg_file, &layers.vocabulary);
    }
    x.close();
    x.open("layerorder", &[]);
    for l in atlas.iter().chain(&basemap) {
        x.empty("layer", &[("id", &layer_id(l))]);
    }
    x.close();

    let span = time_span(layers);
    // The canvas is "no data"; the sea is the basemap's own `sea` layer.
    let sea = style::qml::rgba(style::NO_DATA_COLOUR, 1.0);
    let sea: Vec<&str> = sea.split(',').collect();
    x.open("properties", &[]);
    x.open("Gui", &[]);
    for (tag, i) in [
        ("CanvasColorRedPart", 0),
        ("CanvasColorGreenPart", 1),
        ("CanvasColorBluePart", 2),
    ] {
        x.text(
            tag,
            &[("type", "int")],
            sea.get(i).copied().unwrap_or("255"),
        );
    }
    x.close();
    x.open("Paths", &[]);
    x.text("Absolute", &[("type", "bool")], "false");
    x.close();
    x.open("SpatialRefSys", &[]);
    x.text("ProjectionsEnabled", &[("type", "int")], "1");
    x.close();
    x.open("Measurement", &[]);
    x.text("DistanceUnits", &[("type", "QString")], "km");
    x.text("AreaUnits", &[("type", "QString")], "km2");
    x.close();
    if let Some((a, b)) = span {
        x.open("TemporalControllerWidget", &[]);
        x.text("NavigationMode", &[("type", "int")], "1");
        x.text(
            "StartDateTime",
            &[("type", "QString")],
            &format!("{a}T00:00:00.000Z"),
        );
        x.text(
            "EndDateTime",
            &[("type", "QString")],
            &format!("{}T00:00:00.000Z", b.tomorrow().unwrap_or(b)),
        );
        x.close();
    }
    x.close();

    let aspect = layout::MAP_MM[2] / layout::MAP_MM[3];
    let extent = map_extent_m(layers, aspect);
    x.open(
        "mapcanvas",
        &[("name", "theMapCanvas"), ("annotationsVisible", "1")],
    );
    x.text("units", &[], "meters");
    x.open("extent", &[]);
    for (tag, v) in ["xmin", "ymin", "xmax", "ymax"].iter().zip(extent) {
        x.text(tag, &[], &format!("{v:.3}"));
    }
    x.close();
    x.text("rotation", &[], "0");
    x.open("destinationsrs", &[]);
    map_srs(&mut x, layers);
    x.close();
    x.text("rendermaptile", &[], "0");
    x.close();

    x.open("projectMetadata", &[]);
    x.text("identifier", &[], &layers.atlas_id);
    x.text("title", &[], &layers.title);
    x.text("abstract", &[], &layers.description);
    x.text("type", &[], "project");
    x.text("language", &[], "en");
    x.text("author", &[], "gazmap");
    x.text("creation", &[], &saved);
    for c in &layers.credits {
        x.text("rights", &[], c);
    }
    if !layers.licence.is_empty() {
        x.text("license", &[], &layers.licence);
    }
    x.close();

    let legend: Vec<(String, &str, String)> = atlas
        .iter()
        .map(|l| {
            (
                layer_id(l),
                shown_title(l, &layers.vocabulary),
                layer_source(opts.gpkg_file, l),
            )
        })
        .collect();
    let map = layout::LayoutMap {
        extent_m: extent,
        legend_layers: legend
            .iter()
            .map(|(id, t, s)| (id.as_str(), *t, s.clone()))
            .collect(),
        subtitle: subtitle(layers),
    };
    layout::write_layouts(&mut x, layers, &map);

    if let Some((a, b)) = span {
        x.open(
            "ProjectTimeSettings",
            &[
                ("timeStep", "1"),
                ("timeStepUnit", "mon"),
                ("frameRate", "1"),
                ("cumulativeTemporalRange", "0"),
            ],
        );
        x.open("TemporalRange", &[]);
        x.text("start", &[], &format!("{a}T00:00:00Z"));
        x.text(
            "end",
            &[],
            &format!("{}T00:00:00Z", b.tomorrow().unwrap_or(b)),
        );
        x.close();
        x.close();
    }
    x.finish()
}

/// The project zipped as a `.qgz` (one entry, `<atlas id>.qgs`).
///
/// Deterministic: the entry is stamped with the build time (not the clock), made on "MS-DOS" with
/// no file attributes (so no Unix permissions from the umask) and no extra fields, deflated at
/// flate2's default level.
///
/// # Errors
/// [`ProjectError::Zip`] if zipping fails.
pub fn qgz(layers: &Layers, opts: &ProjectOptions<'_>) -> Result<Vec<u8>, ProjectError> {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;

    let xml = project_xml(layers, opts);
    let name = format!("{}.qgs", layers.atlas_id);
    let (time, date) = opts.time.dos();
    // `dos` clamps to the MS-DOS range, so this cannot fail; the error is kept rather than hidden.
    let stamp = zip::DateTime::try_from_msdos(date, time)
        .map_err(|e| zip::result::ZipError::Io(std::io::Error::other(e)))?;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .system(zip::System::Dos)
        .external_attributes(0)
        .last_modified_time(stamp);
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    archive.start_file(name, options)?;
    archive
        .write_all(xml.as_bytes())
        .map_err(zip::result::ZipError::Io)?;
    Ok(archive.finish()?.into_inner())
}

/// Writes `qgz` bytes (from [`qgz`]) to `dest`.
///
/// # Errors
/// [`ProjectError::Io`] naming the file.
pub fn write(qgz: &[u8], dest: &Path) -> Result<Written, ProjectError> {
    write_atomic(dest, qgz).map_err(|source| ProjectError::Io {
        path: dest.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{Feature, Field, FieldType, LayerRole};
    use std::io::Read;

    fn layers() -> Layers {
        let dated = Layer {
            name: "events".into(),
            title: "Events".into(),
            role: LayerRole::Atlas,
            geometry: GeometryKind::Point,
            fields: vec![
                Field {
                    name: "start".into(),
                    ty: FieldType::Date,
                },
                Field {
                    name: "end".into(),
                    ty: FieldType::Date,
                },
            ],
            features: vec![Feature {
                id: "e".into(),
                geometry: Some(geo::Geometry::Point(geo::Point::new(64.0, 67.5))),
                values: vec![
                    jiff::civil::date(1937, 3, 1).into(),
                    jiff::civil::date(1937, 4, 30).into(),
                ],
            }],
        };
        let land = Layer {
            name: "coast".into(),
            title: "Land".into(),
            role: LayerRole::Basemap,
            geometry: GeometryKind::Polygon,
            fields: vec![],
            features: vec![],
        };
        Layers {
            atlas_id: "t".into(),
            title: "Test & <atlas>".into(),
            description: "d".into(),
            credits: vec!["Credit one".into(), "Credit two".into()],
            licence: "CC BY 4.0".into(),
            extent: [50.0, 62.0, 66.0, 68.5],
            time_range: None,
            periods: vec![],
            atlas: vec![dated],
            basemap: vec![land],
            basemap_coverage: None,
            vocabulary: crate::style::Vocabulary::default(),
        }
    }

    fn opts() -> ProjectOptions<'static> {
        ProjectOptions {
            gpkg_file: "t.gpkg",
            time: BuildTime::DEFAULT,
        }
    }

    fn parse(xml: &str) -> roxmltree::Document<'_> {
        let o = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        roxmltree::Document::parse_with_options(xml, o).unwrap()
    }

    #[test]
    fn project_refers_to_every_layer_in_the_geopackage() {
        let l = layers();
        let xml = project_xml(&l, &opts());
        let doc = parse(&xml);
        let root = doc.root_element();
        assert_eq!(root.attribute("projectname"), Some("Test & <atlas>"));
        let sources: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("datasource"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            sources,
            ["./t.gpkg|layername=coast", "./t.gpkg|layername=events"]
        );
        let tree_ids: Vec<&str> = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("layer-tree-layer")
                    && n.ancestors().all(|a| !a.has_tag_name("Layouts"))
            })
            .filter_map(|n| n.attribute("id"))
            .collect();
        assert_eq!(tree_ids, ["events_gazmap", "coast_gazmap"]);
        let crs: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("authid"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(crs[0], "EPSG:32640", "zone of 58 E, the extent's centre");
        // No time range set: the span of the dates, first day to the day after the last.
        let range = doc
            .descendants()
            .find(|n| n.has_tag_name("TemporalRange"))
            .unwrap();
        let text = |tag: &str| {
            range
                .children()
                .find(|n| n.has_tag_name(tag))
                .and_then(|n| n.text())
                .unwrap()
        };
        assert_eq!(text("start"), "1937-03-01T00:00:00Z");
        assert_eq!(text("end"), "1937-05-01T00:00:00Z");
        let items: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("LayoutItem"))
            .filter_map(|n| n.attribute("type"))
            .collect();
        for ty in ["65638", "65639", "65640", "65641", "65642", "65646"] {
            assert!(items.contains(&ty), "layout item type {ty} missing");
        }
        let credits = doc
            .descendants()
            .find(|n| n.attribute("id") == Some("credits"))
            .unwrap();
        assert_eq!(
            credits.attribute("labelText"),
            Some(
                "Credit one\nCredit two\nLicence: CC BY 4.0\nMade with gazmap. Map projection: UTM (WGS 84)."
            )
        );
        // The map extent (metres) has the map frame's aspect and holds the atlas extent.
        let e = doc
            .descendants()
            .find(|n| n.has_tag_name("Extent"))
            .unwrap();
        let v = |k: &str| e.attribute(k).unwrap().parse::<f64>().unwrap();
        let aspect = (v("xmax") - v("xmin")) / (v("ymax") - v("ymin"));
        assert!((aspect - layout::MAP_MM[2] / layout::MAP_MM[3]).abs() < 1e-6);
        let [x0, y0, x1, y1] = tm::utm_extent(40, l.extent);
        assert!(v("xmin") < x0 && v("ymin") < y0 && v("xmax") > x1 && v("ymax") > y1);
    }

    #[test]
    fn transfer_lines_are_named_in_the_atlas_words() {
        let mut l = layers();
        let mut transfers = l.atlas[0].clone();
        transfers.name = "transfers".into();
        transfers.title = "Transfers and movements".into();
        l.atlas.push(transfers);
        l.vocabulary = crate::style::Vocabulary::new(vec![], Some("Voyage & return".into()));
        let xml = project_xml(&l, &opts());
        // Layer tree, layer name and the layout legend.
        assert_eq!(xml.matches("Voyage &amp; return").count(), 3, "{xml}");
        assert!(!xml.contains("Transfers and movements"));
    }

    #[test]
    fn qgz_holds_the_project_and_is_deterministic() {
        let l = layers();
        let a = qgz(&l, &opts()).unwrap();
        assert_eq!(a, qgz(&l, &opts()).unwrap());
        let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        assert_eq!(zip.len(), 1);
        let mut text = String::new();
        zip.by_name("t.qgs")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, project_xml(&l, &opts()));
        // Stamped with the build time, not the clock, and without the builder's permissions.
        let later = ProjectOptions {
            time: BuildTime::from_unix_s(1_700_000_000).unwrap(),
            ..opts()
        };
        let b = qgz(&l, &later).unwrap();
        let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(b)).unwrap();
        let entry = zip.by_index(0).unwrap();
        let t = entry.last_modified().unwrap();
        // 2023-11-14 22:13:20 UTC, to the DOS format's two seconds.
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2023, 11, 14, 22, 13, 20)
        );
        assert_eq!(entry.unix_mode(), None);
        assert_eq!(entry.compression(), ::zip::CompressionMethod::Deflated);
    }
}
