//! KML 2.2 (OGC 07-147r2) for Google Earth: places, events, transfers, the account's rivers and
//! railways, and location-uncertainty circles, with `TimeSpan`s so the time slider works.
//!
//! One `<atlas id>.kml` holds a `Document` (with the 2.2 namespace on `<kml>`) with one shared
//! `Style` per site kind and per line kind, taken from [`crate::style`], and one `Folder` per
//! atlas layer, bottom first: uncertainty, lines, transfers, events, places. (Stated-distance
//! claims are analysis, not narrative, and stay in the other outputs.)
//!
//! * Events and transfers carry `<TimeSpan><begin>/<end>` with the first and last day their
//!   EDTF date allows (`xsd:date`, both inclusive). Places (and their uncertainty circles)
//!   carry a `TimeSpan` only when the gazetteer gives the site its own `when`; other places
//!   have none and so stay visible whatever the slider shows. That `when` is not in the sites
//!   layer, which is why this writer also reads the [`Atlas`].
//! * Each description is HTML (escaped in the XML; Google Earth renders it): what the feature
//!   is, how its location is known, and the quote from the account with its citation.
//! * Every non-empty field of the layer is also written as `ExtendedData`, so GDAL/QGIS read
//!   the same attributes as from the GeoJSON.
//! * Features without a place (an unlocated site, an event the account does not place) are
//!   written as placemarks without geometry: Google Earth lists them but cannot draw them.
//! * Icons are Google Earth's stock shapes (`maps.google.com/mapfiles/kml/shapes/…`), tinted
//!   with the style's colour; a viewer offline shows its default pin instead.
//!
//! The `kml` crate writes the XML; its element order differs slightly from the XSD's
//! (`styleUrl` after the geometry, `IconStyle` children), which Google Earth, GDAL and the
//! crate's own reader accept. The file is streamed ([`write_to`]): the crate writes one style or
//! placemark at a time into a buffered file, so memory does not grow with the atlas.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufWriter, Write};
use std::path::Path;

use geo::Geometry as GeoGeometry;
use kml::types::{
    AltitudeMode, Coord, Element, Folder, Geometry, Icon, IconStyle, LabelStyle, LineString,
    LineStyle, LinearRing, MultiGeometry, Placemark, Point, PolyStyle, Polygon, Style,
};
use kml::{Kml, KmlDocument, KmlVersion, KmlWriter};
use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::{InterchangeError, citation_reference, html_escape, one_line};
use crate::layers::{Feature, Layer, Layers, Value};
use crate::model::{Atlas, Citation};
use crate::output::{Written, round_coord};
use crate::style::{self, Shape, Vocabulary};

/// The KML 2.2 namespace, set on the root `<kml>` element.
pub const NAMESPACE: &str = "http://www.opengis.net/kml/2.2";

/// Atlas layers written, bottom first.
const LAYERS: &[&str] = &["uncertainty", "lines", "transfers", "events", "sites"];

/// Screen pixels per millimetre at 96 dpi.
const PX_PER_MM: f64 = 96.0 / 25.4;

/// A KML colour `aabbggrr` from `#rrggbb` and an opacity in 0..1.
#[must_use]
pub fn kml_colour(hex: &str, opacity: f64) -> String {
    let h = hex.trim_start_matches('#');
    let (r, g, b) = if h.len() == 6 && h.is_ascii() {
        (&h[0..2], &h[2..4], &h[4..6])
    } else {
        ("80", "80", "80")
    };
    let a = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("{a:02x}{b}{g}{r}").to_ascii_lowercase()
}

/// Google Earth's stock icon for a symbol shape (white, so the style's colour tints it).
#[must_use]
pub fn icon_href(shape: Shape) -> &'static str {
    match shape {
        Shape::Circle => "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
        Shape::Square => "http://maps.google.com/mapfiles/kml/shapes/placemark_square.png",
        Shape::Triangle => "http://maps.google.com/mapfiles/kml/shapes/triangle.png",
        Shape::Diamond => "http://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
        Shape::Star => "http://maps.google.com/mapfiles/kml/shapes/star.png",
        Shape::Cross => "http://maps.google.com/mapfiles/kml/shapes/cross-hairs.png",
    }
}

fn element(name: &str, content: Option<String>, children: Vec<Element>) -> Element {
    Element {
        name: name.into(),
        attrs: HashMap::new(),
        content,
        children,
    }
}

fn text_element(name: &str, content: impl Into<String>) -> Element {
    element(name, Some(content.into()), vec![])
}

fn one_attr(key: &str, value: impl Into<String>) -> HashMap<String, String> {
    HashMap::from([(key.to_owned(), value.into())])
}

fn icon_style(id: String, fill: &str, shape: Shape, size_mm: f64) -> Kml {
    Kml::Style(Style {
        id: Some(id),
        icon: Some(IconStyle {
            scale: (size_mm / 3.2 * 100.0).round() / 100.0,
            icon: Icon {
                href: icon_href(shape).into(),
                attrs: HashMap::new(),
            },
            color: kml_colour(fill, 1.0),
            ..IconStyle::default()
        }),
        label: Some(LabelStyle {
            scale: 0.8,
            ..LabelStyle::default()
        }),
        ..Style::default()
    })
}

fn line_style(id: String, colour: &str, width_mm: f64) -> Kml {
    Kml::Style(Style {
        id: Some(id),
        line: Some(LineStyle {
            color: kml_colour(colour, 1.0),
            width: (width_mm * PX_PER_MM * 10.0).round() / 10.0,
            ..LineStyle::default()
        }),
        ..Style::default()
    })
}

/// Style id of a site kind (`site-other` for a kind the style does not know).
fn site_style_id(vocabulary: &Vocabulary, kind: &str) -> String {
    format!("site-{}", vocabulary.style(kind).id)
}

/// Style id of a transfer moving `people` (width classes rounded to 0.1 px).
fn transfer_style_id(people: Option<u32>) -> String {
    let px = style::transfer_width_mm(people) * PX_PER_MM;
    format!("transfer-{:.1}", px)
}

fn line_style_id(kind: &str) -> &'static str {
    match kind {
        "railway" => "line-railway",
        _ => "line-river",
    }
}

fn people_of(layer: &Layer, f: &Feature) -> Option<u32> {
    match layer.value(f, "people") {
        Some(Value::Integer(n)) => u32::try_from(*n).ok(),
        _ => None,
    }
}

fn styles(layers: &Layers) -> Vec<Kml> {
    // Only the kinds the sites hold (and `other` for unknown ones) get a style.
    let mut out: Vec<Kml> = layers
        .vocabulary
        .legend(layers.site_kinds())
        .into_iter()
        .map(|s| icon_style(format!("site-{}", s.id), &s.fill, s.shape, s.size_mm))
        .collect();
    out.push(icon_style(
        "event".into(),
        style::TRANSFER_COLOUR,
        Shape::Star,
        2.8,
    ));
    let mut widths: BTreeMap<String, Option<u32>> = BTreeMap::new();
    if let Some(t) = layers.layer("transfers") {
        for f in &t.features {
            let people = people_of(t, f);
            widths.entry(transfer_style_id(people)).or_insert(people);
        }
    }
    for (id, people) in widths {
        out.push(line_style(
            id,
            style::TRANSFER_COLOUR,
            style::transfer_width_mm(people),
        ));
    }
    out.push(line_style(
        "line-river".into(),
        style::ATLAS_RIVER_COLOUR,
        0.6,
    ));
    out.push(line_style(
        "line-railway".into(),
        style::RAILWAY_COLOUR,
        0.6,
    ));
    out.push(Kml::Style(Style {
        id: Some("uncertainty".into()),
        line: Some(LineStyle {
            color: kml_colour(style::UNCERTAINTY_FILL, 0.6),
            width: 1.0,
            ..LineStyle::default()
        }),
        poly: Some(PolyStyle {
            color: kml_colour(style::UNCERTAINTY_FILL, style::UNCERTAINTY_OPACITY),
            ..PolyStyle::default()
        }),
        ..Style::default()
    }));
    out
}

fn coord(c: geo::Coord) -> Coord {
    Coord::new(round_coord(c.x), round_coord(c.y), None)
}

fn line(ls: &geo::LineString) -> Geometry {
    Geometry::LineString(LineString {
        coords: ls.0.iter().copied().map(coord).collect(),
        tessellate: true,
        ..LineString::default()
    })
}

fn ring(ls: &geo::LineString) -> LinearRing {
    LinearRing {
        coords: ls.0.iter().copied().map(coord).collect(),
        tessellate: true,
        ..LinearRing::default()
    }
}

fn polygon(p: &geo::Polygon) -> Geometry {
    Geometry::Polygon(Polygon {
        outer: ring(p.exterior()),
        inner: p.interiors().iter().map(ring).collect(),
        tessellate: true,
        altitude_mode: AltitudeMode::ClampToGround,
        ..Polygon::default()
    })
}

fn multi(parts: Vec<Geometry>) -> Geometry {
    if parts.len() == 1 {
        parts
            .into_iter()
            .next()
            .unwrap_or(Geometry::MultiGeometry(MultiGeometry::new(vec![])))
    } else {
        Geometry::MultiGeometry(MultiGeometry::new(parts))
    }
}

/// A geo geometry as a KML geometry (lon/lat, 6 decimals, lines and rings tessellated).
#[must_use]
pub fn geometry(g: &GeoGeometry) -> Geometry {
    match g {
        GeoGeometry::Point(p) => Geometry::Point(Point::from(coord(p.0))),
        GeoGeometry::Line(l) => line(&geo::LineString::from(*l)),
        GeoGeometry::LineString(ls) => line(ls),
        GeoGeometry::MultiLineString(m) => multi(m.0.iter().map(line).collect()),
        GeoGeometry::Polygon(p) => polygon(p),
        GeoGeometry::MultiPolygon(m) => multi(m.0.iter().map(polygon).collect()),
        GeoGeometry::MultiPoint(m) => multi(
            m.0.iter()
                .map(|p| Geometry::Point(Point::from(coord(p.0))))
                .collect(),
        ),
        GeoGeometry::Rect(r) => polygon(&r.to_polygon()),
        GeoGeometry::Triangle(t) => polygon(&t.to_polygon()),
        GeoGeometry::GeometryCollection(c) => multi(c.0.iter().map(geometry).collect()),
    }
}

/// The text of a value for `ExtendedData` (`None` for null).
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Text(s) if s.is_empty() => None,
        Value::Text(s) => Some(s.clone()),
        Value::Integer(n) => Some(n.to_string()),
        Value::Real(x) => Some(x.to_string()),
        Value::Boolean(b) => Some(b.to_string()),
        Value::Date(d) => Some(d.to_string()),
    }
}

fn extended_data(layer: &Layer, f: &Feature) -> Element {
    let data = layer
        .fields
        .iter()
        .zip(&f.values)
        .filter_map(|(field, v)| {
            value_text(v).map(|text| Element {
                name: "Data".into(),
                attrs: one_attr("name", field.name.clone()),
                content: None,
                children: vec![text_element("value", text)],
            })
        })
        .collect();
    element("ExtendedData", None, data)
}

fn time_span(begin: jiff::civil::Date, end: jiff::civil::Date) -> Element {
    element(
        "TimeSpan",
        None,
        vec![
            text_element("begin", begin.to_string()),
            text_element("end", end.to_string()),
        ],
    )
}

fn date(layer: &Layer, f: &Feature, name: &str) -> Option<jiff::civil::Date> {
    match layer.value(f, name) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}

fn text<'a>(layer: &Layer, f: &'a Feature, name: &str) -> &'a str {
    match layer.value(f, name) {
        Some(Value::Text(s)) => s,
        _ => "",
    }
}

/// The feature's citation, rebuilt from its `source`, `char_offset` and `quote` fields.
fn citation(layer: &Layer, f: &Feature) -> Option<Citation> {
    let quote = text(layer, f, "quote");
    if quote.is_empty() {
        return None;
    }
    Some(Citation {
        source_id: text(layer, f, "source").to_owned(),
        char_offset: match layer.value(f, "char_offset") {
            Some(Value::Integer(n)) => usize::try_from(*n).ok(),
            _ => None,
        },
        quote: quote.to_owned(),
    })
}

/// HTML description: labelled lines, then the quote and its citation.
fn description(atlas: &Atlas, layer: &Layer, f: &Feature, rows: &[(&str, String)]) -> String {
    let mut html = String::new();
    let lines: Vec<String> = rows
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("<b>{}:</b> {}", html_escape(k), html_escape(&one_line(v))))
        .collect();
    if !lines.is_empty() {
        html.push_str(&format!("<p>{}</p>", lines.join("<br/>")));
    }
    if let Some(c) = citation(layer, f) {
        html.push_str(&format!(
            "<blockquote>\u{201c}{}\u{201d}</blockquote><p><i>{}</i></p>",
            html_escape(&one_line(&c.quote)),
            html_escape(&citation_reference(atlas.source(&c.source_id), &c)),
        ));
    }
    html
}

fn fmt_km(layer: &Layer, f: &Feature, name: &str) -> String {
    match layer.value(f, name) {
        Some(Value::Real(x)) => format!("{x:.1} km"),
        _ => String::new(),
    }
}

fn location_text(layer: &Layer, f: &Feature, basis_field: &str) -> String {
    let basis = text(layer, f, basis_field);
    if f.geometry.is_none() {
        return format!("unknown ({basis})");
    }
    match layer.value(f, "uncertainty_m") {
        Some(Value::Real(r)) if *r > 0.0 => format!("{basis}, within {} m", r.round()),
        _ => basis.to_owned(),
    }
}

fn placemark(
    layer: &Layer,
    f: &Feature,
    name: String,
    description: String,
    span: Option<(jiff::civil::Date, jiff::civil::Date)>,
    style_url: String,
) -> Kml {
    let mut children = vec![];
    if let Some((a, b)) = span {
        children.push(time_span(a, b));
    }
    children.push(extended_data(layer, f));
    Kml::Placemark(Placemark {
        name: Some(one_line(&name)),
        description: Some(description),
        geometry: f.geometry.as_ref().map(geometry),
        style_url: Some(style_url),
        attrs: one_attr("id", format!("{}.{}", layer.name, f.id)),
        children,
    })
}

fn site_spans(atlas: &Atlas) -> Spans<'_> {
    atlas
        .sites
        .iter()
        .filter_map(|s| {
            s.when
                .as_ref()
                .map(|w| (s.id.as_str(), (w.earliest, w.latest)))
        })
        .collect()
}

/// When each site with its own `when` existed, by site id.
type Spans<'a> = BTreeMap<&'a str, (jiff::civil::Date, jiff::civil::Date)>;

/// The atlas's label of a site kind (the kind itself for one the atlas does not know).
fn kind_label(atlas: &Atlas, kind: &str) -> String {
    atlas.kinds().label(kind).to_owned()
}

/// The placemark of one feature of `layer`.
fn feature_placemark(atlas: &Atlas, spans: &Spans, layer: &Layer, f: &Feature) -> Kml {
    let t = |name: &str| text(layer, f, name).to_owned();
    match layer.name.as_str() {
        "sites" => placemark(
            layer,
            f,
            t("name"),
            description(
                atlas,
                layer,
                f,
                &[
                    ("Kind", kind_label(atlas, text(layer, f, "kind"))),
                    ("Location", location_text(layer, f, "basis")),
                    ("Why", t("basis_reason")),
                    ("Coordinates from", t("coord_ref")),
                    ("Other names", t("names")),
                    ("Rival identification of", t("alternative_to")),
                    ("Part of", t("part_of")),
                    ("Notes", t("notes")),
                ],
            ),
            spans.get(f.id.as_str()).copied(),
            format!("#{}", site_style_id(atlas.kinds(), text(layer, f, "kind"))),
        ),
        "uncertainty" => placemark(
            layer,
            f,
            format!("{} (uncertainty)", t("name")),
            description(
                atlas,
                layer,
                f,
                &[("Location", location_text(layer, f, "basis"))],
            ),
            spans.get(text(layer, f, "site")).copied(),
            "#uncertainty".into(),
        ),
        "lines" => placemark(
            layer,
            f,
            t("name"),
            description(
                atlas,
                layer,
                f,
                &[
                    ("Kind", kind_label(atlas, text(layer, f, "kind"))),
                    ("Line from", t("geometry_ref")),
                    (
                        "Drawn",
                        if matches!(layer.value(f, "schematic"), Some(Value::Boolean(true))) {
                            "schematically, through documented points".into()
                        } else {
                            "traced from a map".into()
                        },
                    ),
                ],
            ),
            None,
            format!("#{}", line_style_id(text(layer, f, "kind"))),
        ),
        "transfers" => placemark(
            layer,
            f,
            t("title"),
            description(
                atlas,
                layer,
                f,
                &[
                    ("When", t("when")),
                    ("From", t("from_name")),
                    ("To", t("to_name")),
                    ("People", t("people_text")),
                    ("Mode", t("mode")),
                    ("Distance", fmt_km(layer, f, "distance_km")),
                    ("Disputed", t("disputed")),
                    ("Notes", t("notes")),
                ],
            ),
            date(layer, f, "start").zip(date(layer, f, "end")),
            format!("#{}", transfer_style_id(people_of(layer, f))),
        ),
        _ => placemark(
            layer,
            f,
            t("title"),
            description(
                atlas,
                layer,
                f,
                &[
                    ("When", t("when")),
                    ("Where", t("site_name")),
                    (
                        "Location",
                        if f.geometry.is_some() {
                            location_text(layer, f, "site_basis")
                        } else {
                            "the account gives no place".into()
                        },
                    ),
                    ("People", t("people_text")),
                    ("Disputed", t("disputed")),
                    ("Notes", t("notes")),
                ],
            ),
            date(layer, f, "start").zip(date(layer, f, "end")),
            "#event".into(),
        ),
    }
}

/// The placemarks of `layer`, one at a time, in feature order. KML holds mixed geometry in one
/// folder, so an event the account places in a whole camp system or region is drawn there as its
/// area (the `event_areas` polygon).
fn layer_placemarks<'a>(
    atlas: &'a Atlas,
    layers: &'a Layers,
    layer: &'a Layer,
    spans: &'a Spans,
) -> impl Iterator<Item = Kml> + 'a {
    let areas: HashMap<&str, &Feature> = match (layer.name.as_str(), layers.layer("event_areas")) {
        ("events", Some(a)) => a.features.iter().map(|f| (f.id.as_str(), f)).collect(),
        _ => HashMap::new(),
    };
    layer
        .features
        .iter()
        .map(move |f| match areas.get(f.id.as_str()) {
            Some(area) if f.geometry.is_none() => {
                let mut with_area = f.clone();
                with_area.geometry.clone_from(&area.geometry);
                feature_placemark(atlas, spans, layer, &with_area)
            }
            _ => feature_placemark(atlas, spans, layer, f),
        })
}

/// The atlas layers that become folders, bottom first.
fn folder_layers(layers: &Layers) -> impl Iterator<Item = &Layer> {
    LAYERS.iter().filter_map(|name| layers.layer(name))
}

/// The document's own elements before the folders: name, open, description, then the styles.
fn head(layers: &Layers) -> Vec<Kml> {
    let mut about = vec![html_escape(&one_line(&layers.description))];
    about.extend(layers.credits.iter().map(|c| html_escape(&one_line(c))));
    if !layers.licence.is_empty() {
        about.push(format!("Licence: {}", html_escape(&layers.licence)));
    }
    let mut elements = vec![
        Kml::Element(text_element("name", one_line(&layers.title))),
        Kml::Element(text_element("open", "1")),
        Kml::Element(text_element("description", about.join("<br/>"))),
    ];
    elements.extend(styles(layers));
    elements
}

/// The whole KML document as one value (what [`write_to`] streams, piece by piece).
#[must_use]
pub fn to_kml(layers: &Layers, atlas: &Atlas) -> Kml {
    let spans = site_spans(atlas);
    let mut elements = head(layers);
    for layer in folder_layers(layers) {
        elements.push(Kml::Folder(Folder {
            name: Some(layer.title.clone()),
            attrs: one_attr("id", layer.name.clone()),
            elements: layer_placemarks(atlas, layers, layer, &spans).collect(),
            ..Folder::default()
        }));
    }
    Kml::KmlDocument(KmlDocument {
        version: KmlVersion::V22,
        attrs: one_attr("xmlns", NAMESPACE),
        elements: vec![Kml::Document {
            attrs: HashMap::new(),
            elements,
        }],
    })
}

/// The file name: `<atlas id>.kml`.
#[must_use]
pub fn file_name(layers: &Layers) -> String {
    format!("{}.kml", layers.atlas_id)
}

/// Indentation of the written XML: one space per level.
const INDENT: usize = 1;

/// A buffer for one element written by the `kml` crate as if nested `depth` levels deep, so that
/// its bytes are those the crate writes for the element inside the whole document.
#[derive(Default)]
struct Piece(Vec<u8>);

impl Piece {
    fn write<W: Write>(
        &mut self,
        xml: &mut quick_xml::Writer<W>,
        depth: usize,
        k: &Kml,
    ) -> Result<(), kml::Error> {
        self.0.clear();
        let mut w = quick_xml::Writer::new_with_indent(&mut self.0, b' ', INDENT);
        // Opening `depth` dummy elements sets the indentation; their bytes are skipped.
        for _ in 0..depth {
            w.write_event(Event::Start(BytesStart::new("x")))?;
        }
        let skip = w.get_ref().len();
        KmlWriter::<_, f64>::new(w).write(k)?;
        xml.get_mut().write_all(&self.0[skip..])?;
        Ok(())
    }
}

/// Writes the document (XML declaration, indented by one space, final newline) into `out` one
/// style and one placemark at a time: the `kml`, `Document` and `Folder` tags here, each
/// element inside through the `kml` crate's writer. The bytes are those of [`to_kml`] written
/// whole, without holding the document (5.5 GB at 20,000 sites when it was held).
///
/// # Errors
/// [`kml::Error::IoError`] when `out` fails; other [`kml::Error`]s from the encoder.
pub fn write_to<W: Write>(layers: &Layers, atlas: &Atlas, mut out: W) -> Result<W, kml::Error> {
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    let mut xml = quick_xml::Writer::new_with_indent(out, b' ', INDENT);
    let mut piece = Piece::default();
    xml.write_event(Event::Start(
        BytesStart::new("kml").with_attributes([("xmlns", NAMESPACE)]),
    ))?;
    xml.write_event(Event::Start(BytesStart::new("Document")))?;
    for k in head(layers) {
        piece.write(&mut xml, 2, &k)?;
    }
    let spans = site_spans(atlas);
    for layer in folder_layers(layers) {
        xml.write_event(Event::Start(
            BytesStart::new("Folder").with_attributes([("id", layer.name.as_str())]),
        ))?;
        let name = Kml::Element(text_element("name", layer.title.clone()));
        piece.write(&mut xml, 3, &name)?;
        for p in layer_placemarks(atlas, layers, layer, &spans) {
            piece.write(&mut xml, 3, &p)?;
        }
        xml.write_event(Event::End(BytesEnd::new("Folder")))?;
    }
    xml.write_event(Event::End(BytesEnd::new("Document")))?;
    xml.write_event(Event::End(BytesEnd::new("kml")))?;
    let mut out = xml.into_inner();
    out.write_all(b"\n")?;
    Ok(out)
}

/// A `kml` crate error on `path` as an [`InterchangeError`].
fn kml_error(path: &Path) -> impl FnOnce(kml::Error) -> InterchangeError + '_ {
    move |e| match e {
        kml::Error::IoError(source) => InterchangeError::Io {
            path: path.to_path_buf(),
            source,
        },
        e => InterchangeError::encode(path)(e),
    }
}

/// The document as UTF-8 XML text with an XML declaration, indented by one space.
///
/// # Errors
/// [`InterchangeError::Encode`] if the XML writer fails.
pub fn to_string(layers: &Layers, atlas: &Atlas) -> Result<String, InterchangeError> {
    let path = std::path::PathBuf::from(file_name(layers));
    let buf = write_to(layers, atlas, Vec::new()).map_err(kml_error(&path))?;
    String::from_utf8(buf).map_err(InterchangeError::encode(&path))
}

/// Writes `dir/<atlas id>.kml`, streamed through a buffer into a temporary file that is then
/// renamed over it.
///
/// # Errors
/// [`InterchangeError`] when the document cannot be encoded or the file written.
pub fn write(layers: &Layers, atlas: &Atlas, dir: &Path) -> Result<Written, InterchangeError> {
    let path = dir.join(file_name(layers));
    let io = |source| InterchangeError::Io {
        path: path.clone(),
        source,
    };
    let tmp = crate::atomic::temp_beside(&path).map_err(io)?;
    let out = write_to(layers, atlas, BufWriter::with_capacity(1 << 20, tmp))
        .map_err(kml_error(&path))?;
    let tmp = out.into_inner().map_err(|e| io(e.into_error()))?;
    let bytes = tmp.as_file().metadata().map_err(io)?.len();
    crate::atomic::persist(tmp, &path).map_err(io)?;
    Ok(Written { path, bytes })
}

#[cfg(test)]
mod tests;
