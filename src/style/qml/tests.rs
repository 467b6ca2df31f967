//! Unit tests: QML parsed back with roxmltree; every field a style names must be in its layer.

use std::collections::BTreeSet;

use super::*;
use crate::layers::{Feature, Value};

/// Identifiers in double quotes in a QGIS expression (string literals in single quotes skipped).
pub(crate) fn quoted_identifiers(expr: &str) -> Vec<String> {
    let mut out = vec![];
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                while let Some(d) = chars.next() {
                    if d == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '"' => {
                let mut id = String::new();
                while let Some(d) = chars.next() {
                    if d == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            id.push('"');
                        } else {
                            break;
                        }
                    } else {
                        id.push(d);
                    }
                }
                out.push(id);
            }
            _ => {}
        }
    }
    out
}

/// Parses QML (which starts with a DOCTYPE).
pub(crate) fn parse(qml: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(qml, opts).expect("well-formed QML")
}

/// Every field name a QML document refers to.
pub(crate) fn field_refs(qml: &str) -> BTreeSet<String> {
    let doc = parse(qml);
    let mut refs = BTreeSet::new();
    for n in doc.descendants().filter(roxmltree::Node::is_element) {
        let tag = n.tag_name().name();
        for (attr, value) in n.attributes().map(|a| (a.name(), a.value())) {
            match (tag, attr) {
                ("renderer-v2", "attr") | ("temporal", "startField" | "endField")
                    if !value.is_empty() =>
                {
                    refs.insert(value.to_owned());
                }
                ("text-style", "fieldName") => {
                    if n.attribute("isExpression") == Some("1") {
                        refs.extend(quoted_identifiers(value));
                    } else {
                        refs.insert(value.to_owned());
                    }
                }
                ("temporal", "startExpression" | "endExpression") => {
                    refs.extend(quoted_identifiers(value));
                }
                ("Option", "value") if n.attribute("name") == Some("expression") => {
                    refs.extend(quoted_identifiers(value));
                }
                _ => {}
            }
        }
        if matches!(tag, "previewExpression" | "mapTip") {
            refs.extend(quoted_identifiers(n.text().unwrap_or("")));
        }
    }
    refs
}

fn layer(
    name: &str,
    role: LayerRole,
    geometry: GeometryKind,
    fields: &[(&str, FieldType)],
) -> Layer {
    Layer::new(name, name, role, geometry, fields)
}

fn assert_names_only_own_fields(l: &Layer) -> roxmltree::Document<'static> {
    let qml: &'static str = Box::leak(layer_qml(l, &Vocabulary::default()).into_boxed_str());
    let refs = field_refs(qml);
    for r in &refs {
        assert!(
            l.field_index(r).is_some(),
            "style of {} names field {r:?} it does not have",
            l.name
        );
    }
    let doc = parse(qml);
    assert_eq!(doc.root_element().tag_name().name(), "qgis");
    doc
}

fn sites_layer(kinds: &[&str]) -> Layer {
    let mut l = layer(
        "sites",
        LayerRole::Atlas,
        GeometryKind::Point,
        &[
            ("id", FieldType::Text),
            ("name", FieldType::Text),
            ("kind", FieldType::Text),
            ("quote", FieldType::Text),
        ],
    );
    for (i, k) in kinds.iter().enumerate() {
        l.features.push(Feature {
            id: format!("s{i}"),
            geometry: None,
            values: vec![
                format!("s{i}").into(),
                "x".into(),
                Value::Text((*k).into()),
                "q".into(),
            ],
        });
    }
    l
}

#[test]
fn sites_are_categorized_by_the_kinds_they_hold() {
    let l = sites_layer(&["execution_site", "city", "gulag_office", "execution_site"]);
    let exec = crate::style::Kind {
        id: "execution_site".into(),
        label: "Execution site".into(),
        shape: Shape::Cross,
        fill: "#000000".into(),
        size_mm: 3.4,
        label_priority: 80,
        aat: None,
        feature_class: 'S',
    };
    let vocabulary = Vocabulary::new(vec![exec.clone()], None);
    let qml: &'static str = Box::leak(layer_qml(&l, &vocabulary).into_boxed_str());
    let doc = parse(qml);
    let r = doc
        .descendants()
        .find(|n| n.has_tag_name("renderer-v2"))
        .unwrap();
    assert_eq!(r.attribute("type"), Some("categorizedSymbol"));
    assert_eq!(r.attribute("attr"), Some("kind"));
    let categories: Vec<(&str, &str)> = r
        .descendants()
        .filter(|n| n.has_tag_name("category"))
        .map(|n| (n.attribute("value").unwrap(), n.attribute("label").unwrap()))
        .collect();
    // The atlas's own kind first, then the built-in one it holds, then its unknown kind with
    // the `other` symbol; no category for kinds it does not hold (settlement, port, ...).
    assert_eq!(
        categories,
        [
            ("execution_site", "Execution site"),
            ("city", "City"),
            ("gulag_office", "Other place (gulag office)"),
        ]
    );
    let values: Vec<&str> = categories.iter().map(|c| c.0).collect();
    let symbols = r
        .descendants()
        .filter(|n| n.has_tag_name("symbols"))
        .flat_map(|s| s.children().filter(|n| n.has_tag_name("symbol")))
        .count();
    assert_eq!(symbols, values.len());
    // The execution site's symbol is a black cross of the size the atlas gives.
    let i = values.iter().position(|v| *v == "execution_site").unwrap();
    let sym = r
        .descendants()
        .find(|n| n.has_tag_name("symbol") && n.attribute("name") == Some(&*i.to_string()))
        .unwrap();
    let prop = |k: &str| {
        sym.descendants()
            .find(|n| n.has_tag_name("Option") && n.attribute("name") == Some(k))
            .and_then(|n| n.attribute("value"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(prop("name"), "cross2");
    assert_eq!(prop("color"), "0,0,0,255");
    assert_eq!(prop("size").parse::<f64>().unwrap(), exec.size_mm);
    // Labels with a halo, on.
    assert_eq!(doc.root_element().attribute("labelsEnabled"), Some("1"));
    let buffer = doc
        .descendants()
        .find(|n| n.has_tag_name("text-buffer"))
        .unwrap();
    assert_eq!(buffer.attribute("bufferDraw"), Some("1"));
    assert_eq!(
        doc.descendants()
            .find(|n| n.has_tag_name("layerGeometryType"))
            .unwrap()
            .text(),
        Some("0")
    );
}

#[test]
fn missing_fields_degrade_instead_of_drawing_nothing() {
    let l = layer(
        "sites",
        LayerRole::Atlas,
        GeometryKind::Point,
        &[("id", FieldType::Text)],
    );
    let doc = assert_names_only_own_fields(&l);
    let r = doc
        .descendants()
        .find(|n| n.has_tag_name("renderer-v2"))
        .unwrap();
    assert_eq!(r.attribute("type"), Some("singleSymbol"));
    assert_eq!(r.attribute("attr"), None);

    let t = layer(
        "transfers",
        LayerRole::Atlas,
        GeometryKind::Line,
        &[("id", FieldType::Text)],
    );
    let qml = layer_qml(&t, &Vocabulary::default());
    assert_eq!(field_refs(&qml), BTreeSet::from(["id".to_owned()]));
    assert!(!qml.contains("arrowWidth"));
    assert!(qml.contains("labelsEnabled=\"0\""));

    let r = layer(
        "rivers",
        LayerRole::Basemap,
        GeometryKind::Line,
        &[("name", FieldType::Text)],
    );
    assert!(!layer_qml(&r, &Vocabulary::default()).contains("outlineWidth"));
    let r = layer(
        "rivers",
        LayerRole::Basemap,
        GeometryKind::Line,
        &[("name", FieldType::Text), ("level", FieldType::Integer)],
    );
    assert!(layer_qml(&r, &Vocabulary::default()).contains("outlineWidth"));
    assert_names_only_own_fields(&r);
    // `level` as text would not compare as a number: no width by level then.
    let r = layer(
        "rivers",
        LayerRole::Basemap,
        GeometryKind::Line,
        &[("level", FieldType::Text)],
    );
    assert!(!layer_qml(&r, &Vocabulary::default()).contains("outlineWidth"));
}

#[test]
fn dated_layers_get_live_time_settings() {
    let dated = layer(
        "events",
        LayerRole::Atlas,
        GeometryKind::Point,
        &[
            ("title", FieldType::Text),
            ("start", FieldType::Date),
            ("end", FieldType::Date),
            ("certain_end", FieldType::Date),
        ],
    );
    let doc = assert_names_only_own_fields(&dated);
    let t = doc
        .descendants()
        .find(|n| n.has_tag_name("temporal"))
        .unwrap();
    assert_eq!(t.attribute("enabled"), Some("1"));
    assert_eq!(t.attribute("mode"), Some("4"));
    assert_eq!(
        t.attribute("startExpression"),
        Some("to_datetime(coalesce(\"start\", make_date(1, 1, 1)))")
    );
    let end = t.attribute("endExpression").unwrap();
    assert!(
        end.contains("coalesce(\"end\", make_date(9999, 12, 31))"),
        "{end}"
    );
    assert!(end.contains("hours:=23"), "{end}");

    // Dates as text (not Date fields) are not used for time.
    let text_dates = layer(
        "events",
        LayerRole::Atlas,
        GeometryKind::Point,
        &[("start", FieldType::Text), ("end", FieldType::Text)],
    );
    let qml = layer_qml(&text_dates, &Vocabulary::default());
    let doc = parse(&qml);
    let t = doc
        .descendants()
        .find(|n| n.has_tag_name("temporal"))
        .unwrap();
    assert_eq!(t.attribute("enabled"), Some("0"));
}

#[test]
fn transfer_width_follows_the_style_table() {
    assert_eq!(
        transfer_width_expression("people"),
        "CASE WHEN \"people\" > 0 THEN 0.5 + 0.45 * log10(\"people\") ELSE 0.5 END"
    );
    assert_eq!(style::transfer_width_mm(Some(100)), 0.5 + 0.45 * 2.0);
}

#[test]
fn every_known_layer_is_well_formed_and_self_consistent() {
    let all = [
        ("sites", LayerRole::Atlas, GeometryKind::Point),
        ("events", LayerRole::Atlas, GeometryKind::Point),
        ("transfers", LayerRole::Atlas, GeometryKind::Line),
        ("claims", LayerRole::Atlas, GeometryKind::Line),
        ("uncertainty", LayerRole::Atlas, GeometryKind::Polygon),
        ("lines", LayerRole::Atlas, GeometryKind::Line),
        ("coast", LayerRole::Basemap, GeometryKind::Polygon),
        ("lakes", LayerRole::Basemap, GeometryKind::Polygon),
        ("rivers", LayerRole::Basemap, GeometryKind::Line),
        ("regions", LayerRole::Basemap, GeometryKind::Polygon),
        ("borders", LayerRole::Basemap, GeometryKind::Line),
        ("unknown", LayerRole::Basemap, GeometryKind::Polygon),
    ];
    let fields = [
        ("id", FieldType::Text),
        ("name", FieldType::Text),
        ("title", FieldType::Text),
        ("kind", FieldType::Text),
        ("people", FieldType::Integer),
        ("status", FieldType::Text),
        ("stated_km", FieldType::Real),
        ("level", FieldType::Integer),
        ("when", FieldType::Text),
        ("quote", FieldType::Text),
        ("citation", FieldType::Text),
    ];
    for (name, role, geom) in all {
        let l = layer(name, role, geom, &fields);
        let doc = assert_names_only_own_fields(&l);
        let symbol_type = doc
            .descendants()
            .find(|n| n.has_tag_name("symbol"))
            .and_then(|n| n.attribute("type"))
            .unwrap();
        let want = match geom {
            GeometryKind::Point => "marker",
            GeometryKind::Line => "line",
            GeometryKind::Polygon => "fill",
        };
        assert_eq!(symbol_type, want, "{name}");
    }
}

#[test]
fn colours_and_identifiers() {
    assert_eq!(rgba("#b2182b", 1.0), "178,24,43,255");
    assert_eq!(rgba("#f4a582", 0.18), "244,165,130,46");
    assert_eq!(rgba("nonsense", 0.5), "128,128,128,128");
    assert_eq!(field_ref("a\"b"), "\"a\"\"b\"");
    assert_eq!(
        quoted_identifiers("\"a\" || 'it''s \"not\"' || \"b\"\"c\""),
        ["a", "b\"c"]
    );
}
