use std::collections::BTreeSet;

use kml::types::{Element, Geometry, Placemark};
use kml::{Kml, KmlReader, KmlVersion};

use super::*;
use crate::output::interchange::fixture::synthetic;

/// Reads the document back with the kml crate's reader: (root attrs, folders by id).
fn read_back(text: &str) -> (KmlVersion, HashMap<String, String>, Vec<Kml>) {
    let kml: Kml = KmlReader::<_, f64>::from_string(text).read().unwrap();
    let Kml::KmlDocument(doc) = kml else {
        panic!("root is not <kml>: {kml:?}")
    };
    let Some(Kml::Document { elements, .. }) = doc.elements.into_iter().next() else {
        panic!("no Document")
    };
    (doc.version, doc.attrs, elements)
}

fn folder<'a>(elements: &'a [Kml], id: &str) -> Vec<&'a Placemark> {
    elements
        .iter()
        .find_map(|e| match e {
            Kml::Folder(f) if f.attrs.get("id").map(String::as_str) == Some(id) => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no folder {id}"))
        .elements
        .iter()
        .filter_map(|e| match e {
            Kml::Placemark(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn placemark<'a>(elements: &'a [Kml], layer: &str, id: &str) -> &'a Placemark {
    let want = format!("{layer}.{id}");
    folder(elements, layer)
        .into_iter()
        .find(|p| p.attrs.get("id") == Some(&want))
        .unwrap_or_else(|| panic!("no placemark {want}"))
}

fn child<'a>(p: &'a Placemark, name: &str) -> Option<&'a Element> {
    p.children.iter().find(|c| c.name == name)
}

fn time_span(p: &Placemark) -> Option<(String, String)> {
    let ts = child(p, "TimeSpan")?;
    let get = |n: &str| {
        ts.children
            .iter()
            .find(|c| c.name == n)
            .and_then(|c| c.content.clone())
            .unwrap_or_default()
    };
    Some((get("begin"), get("end")))
}

fn point(p: &Placemark) -> (f64, f64) {
    match &p.geometry {
        Some(Geometry::Point(pt)) => (pt.coord.x, pt.coord.y),
        g => panic!("not a point: {g:?}"),
    }
}

fn doc() -> (crate::output::interchange::fixture::Synthetic, String) {
    let s = synthetic();
    let text = to_string(&s.layers, &s.atlas).unwrap();
    (s, text)
}

#[test]
fn root_has_the_kml_22_namespace() {
    let (_s, text) = doc();
    assert!(text.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">"
    ));
    let (version, attrs, _) = read_back(&text);
    assert_eq!(version, KmlVersion::V22);
    assert_eq!(attrs.get("xmlns").map(String::as_str), Some(NAMESPACE));
}

#[test]
fn every_feature_of_each_layer_is_a_placemark() {
    let (s, text) = doc();
    let (_, _, elements) = read_back(&text);
    for name in LAYERS {
        let layer = s.layers.layer(name).unwrap();
        let marks = folder(&elements, name);
        assert_eq!(marks.len(), layer.features.len(), "{name}");
        let ids: BTreeSet<_> = marks.iter().map(|p| p.attrs["id"].clone()).collect();
        assert_eq!(ids.len(), marks.len(), "{name}: ids not unique");
    }
    assert_eq!(folder(&elements, "sites").len(), 7);
    assert_eq!(folder(&elements, "events").len(), 2);
    assert_eq!(folder(&elements, "transfers").len(), 1);
}

#[test]
fn event_has_its_day_as_time_span_and_sits_on_its_site() {
    let (_s, text) = doc();
    let (_, _, elements) = read_back(&text);
    let strike = placemark(&elements, "events", "strike");
    assert_eq!(
        time_span(strike),
        Some(("1936-10-27".into(), "1936-10-27".into()))
    );
    assert_eq!(point(strike), (64.05, 67.49));
    assert_eq!(strike.name.as_deref(), Some("Strike begins"));
    let d = strike.description.as_deref().unwrap();
    assert!(
        d.contains("\u{201c}At the Mine the strike began on 27 October.\u{201d}"),
        "{d}"
    );
    assert!(
        d.contains("An Account (A. N. Author, 1961-10/1961-11), character"),
        "{d}"
    );
    assert_eq!(strike.style_url.as_deref(), Some("#event"));
}

#[test]
fn transfer_is_a_line_from_a_to_b_with_its_edtf_bounds() {
    let (_s, text) = doc();
    let (_, _, elements) = read_back(&text);
    let t = placemark(&elements, "transfers", "taken");
    assert_eq!(
        time_span(t),
        Some(("1936-06-01".into(), "1936-08-31".into()))
    );
    let coords: Vec<(f64, f64)> = match &t.geometry {
        Some(Geometry::LineString(l)) => l.coords.iter().map(|c| (c.x, c.y)).collect(),
        Some(Geometry::MultiGeometry(m)) => m
            .geometries
            .iter()
            .flat_map(|g| match g {
                Geometry::LineString(l) => l.coords.iter().map(|c| (c.x, c.y)).collect(),
                _ => vec![],
            })
            .collect(),
        g => panic!("not a line: {g:?}"),
    };
    assert_eq!(coords.first(), Some(&(46.6334, 61.2545)));
    assert_eq!(coords.last(), Some(&(64.01, 67.52)));
    assert!(
        coords.len() > 10,
        "densified geodesic, got {}",
        coords.len()
    );
    let style = t.style_url.as_deref().unwrap();
    assert!(
        text.contains(&format!("<Style id=\"{}\">", &style[1..])),
        "{style}"
    );
}

#[test]
fn places_are_timed_only_by_their_own_when() {
    let (_s, text) = doc();
    let (_, _, elements) = read_back(&text);
    assert_eq!(
        time_span(placemark(&elements, "sites", "vorkutlag")),
        Some(("1936-06-01".into(), "1938-06-30".into()))
    );
    assert_eq!(time_span(placemark(&elements, "sites", "kotlas")), None);
    assert_eq!(
        time_span(placemark(&elements, "uncertainty", "vorkutlag")),
        Some(("1936-06-01".into(), "1938-06-30".into()))
    );
}

#[test]
fn unlocated_place_is_listed_without_geometry() {
    let (_s, text) = doc();
    let (_, _, elements) = read_back(&text);
    let lower = placemark(&elements, "sites", "lower_camp");
    assert!(lower.geometry.is_none());
    let d = lower.description.as_deref().unwrap();
    assert!(d.contains("<b>Location:</b> unknown (unlocated)"), "{d}");
    assert!(d.contains("\u{201c}Lower Camp\u{201d}"), "{d}");
}

#[test]
fn sites_are_styled_by_kind_and_carry_extended_data() {
    let (_s, text) = doc();
    let (_, _, elements) = read_back(&text);
    let mine = placemark(&elements, "sites", "mine");
    assert_eq!(mine.style_url.as_deref(), Some("#site-mine"));
    assert!(text.contains("<Style id=\"site-mine\">"));
    let data = child(mine, "ExtendedData").unwrap();
    let basis = data
        .children
        .iter()
        .find(|d| d.attrs.get("name").map(String::as_str) == Some("basis"))
        .unwrap();
    assert_eq!(basis.children[0].content.as_deref(), Some("inferred"));
}

#[test]
fn markup_in_quotes_is_escaped_twice() {
    // The quote holds `<both>` and `&`: HTML-escaped in the description, then XML-escaped.
    let (_s, text) = doc();
    assert!(
        text.contains("&amp;lt;both&amp;gt;"),
        "quote markup not escaped"
    );
    let (_, _, elements) = read_back(&text);
    let upper = placemark(&elements, "sites", "upper_camp");
    assert!(upper.description.as_deref().unwrap().contains("Upper Camp"));
}

#[test]
fn colours_are_aabbggrr() {
    assert_eq!(kml_colour("#b2182b", 1.0), "ff2b18b2");
    assert_eq!(kml_colour("#f4a582", 0.18), "2e82a5f4");
}

#[test]
fn same_input_same_bytes() {
    let s = synthetic();
    assert_eq!(
        to_string(&s.layers, &s.atlas).unwrap(),
        to_string(&s.layers, &s.atlas).unwrap()
    );
}

/// The document written whole by the `kml` crate, as the writer did before it streamed.
fn written_whole(layers: &Layers, atlas: &Atlas) -> String {
    let mut buf = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_vec();
    {
        let xml = quick_xml::Writer::new_with_indent(&mut buf, b' ', 1);
        KmlWriter::<_, f64>::new(xml)
            .write(&to_kml(layers, atlas))
            .unwrap();
    }
    buf.push(b'\n');
    String::from_utf8(buf).unwrap()
}

#[test]
fn streamed_document_has_the_bytes_of_the_whole_document() {
    let s = synthetic();
    let streamed = to_string(&s.layers, &s.atlas).unwrap();
    assert_eq!(streamed, written_whole(&s.layers, &s.atlas));
    // Every layer's folder is there, with its placemarks.
    assert_eq!(
        streamed.matches("<Folder id=").count(),
        folder_layers(&s.layers).count()
    );
}

#[test]
fn streamed_vorkuta_has_the_bytes_of_the_whole_document_and_its_event_areas() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/vorkuta");
    let checked = crate::open(&dir).unwrap();
    let layers = crate::layers::build(&checked.atlas).unwrap();
    let areas = layers.layer("event_areas").map_or(0, |l| l.features.len());
    assert!(
        areas > 0,
        "vorkuta has events placed in a whole camp system"
    );
    let out = tempfile::tempdir().unwrap();
    let written = write(&layers, &checked.atlas, out.path()).unwrap();
    let on_disk = std::fs::read_to_string(&written.path).unwrap();
    assert_eq!(written.bytes, on_disk.len() as u64);
    assert_eq!(on_disk, written_whole(&layers, &checked.atlas));
    // Nothing but the file is left in the folder (no temporary).
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
}
