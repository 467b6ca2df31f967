//! QGIS layer styles (QML, the `<qgis>` XML QGIS 3.22 reads from `.qml` files and from a
//! GeoPackage's `layer_styles` table), generated from this module's parent style tables.
//!
//! One style per layer: symbols (categorized by site kind, ...), labels with halos, map tips
//! that show the quote and citation, and temporal settings for layers with `start`/`end` dates.
//! Every style only names fields its layer has: a rule that needs a missing field degrades to a
//! single symbol or no label, because QGIS draws nothing for a category on a missing field.
//!
//! Layers with `start`/`end` dates get live temporal settings (mode 4, start and end
//! expressions) that turn the inclusive first and last days into DateTimes, 00:00:00 and
//! 23:59:59, with `coalesce` for open ends. Measured with QGIS 3.22: mode 2 (start/end fields)
//! compares a `Date` with the frame's DateTime as text and puts day-exact events in the wrong
//! frame, and on GeoJSON OGR SQL drops features whose date is NULL (see `QGIS-FACTS.md`).
//! Symbol-layer properties use the `<Option type="Map">` form QGIS 3.22 writes.

use crate::layers::{FieldType, GeometryKind, Layer, LayerRole};
use crate::style::{self, Kind, Shape, Vocabulary};
use crate::xml::XmlWriter;

/// `"#rrggbb"` plus opacity 0..1 as QGIS' `r,g,b,a` (mid grey for a malformed colour).
#[must_use]
pub fn rgba(hex: &str, opacity: f64) -> String {
    let h = hex.trim_start_matches('#');
    let parse = |i: usize| {
        h.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(128)
    };
    let (r, g, b) = if h.len() == 6 {
        (parse(0), parse(2), parse(4))
    } else {
        (128, 128, 128)
    };
    // In range: opacity is clamped to 0..1.
    let a = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("{r},{g},{b},{a}")
}

fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Double-quotes a field name for a QGIS expression.
#[must_use]
pub fn field_ref(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Single-quotes a string literal for a QGIS expression.
#[must_use]
pub fn string_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// One symbol layer: its QGIS class, properties and data-defined properties (name, expression).
#[derive(Debug, Clone, PartialEq)]
struct SymLayer {
    class: &'static str,
    props: Vec<(&'static str, String)>,
    data_defined: Vec<(&'static str, String)>,
    sub: Option<Box<Symbol>>,
}

/// A symbol: `marker`, `line` or `fill`, made of symbol layers drawn bottom first.
#[derive(Debug, Clone, PartialEq)]
struct Symbol {
    kind: &'static str,
    layers: Vec<SymLayer>,
}

fn marker(shape: Shape, fill: &str, stroke: &str, size_mm: f64, stroke_mm: f64) -> SymLayer {
    SymLayer {
        class: "SimpleMarker",
        props: vec![
            ("angle", "0".into()),
            ("color", fill.into()),
            ("horizontal_anchor_point", "1".into()),
            ("joinstyle", "miter".into()),
            ("name", shape.qgis_name().into()),
            ("offset", "0,0".into()),
            ("offset_unit", "MM".into()),
            ("outline_color", stroke.into()),
            ("outline_style", "solid".into()),
            ("outline_width", num(stroke_mm)),
            ("outline_width_unit", "MM".into()),
            ("scale_method", "diameter".into()),
            ("size", num(size_mm)),
            ("size_unit", "MM".into()),
            ("vertical_anchor_point", "1".into()),
        ],
        data_defined: vec![],
        sub: None,
    }
}

fn line(colour: &str, width_mm: f64, dash: Option<&str>) -> SymLayer {
    SymLayer {
        class: "SimpleLine",
        props: vec![
            ("capstyle", "round".into()),
            ("customdash", dash.unwrap_or("5;2").into()),
            ("customdash_unit", "MM".into()),
            ("joinstyle", "round".into()),
            ("line_color", colour.into()),
            ("line_style", "solid".into()),
            ("line_width", num(width_mm)),
            ("line_width_unit", "MM".into()),
            ("offset", "0".into()),
            ("offset_unit", "MM".into()),
            (
                "use_custom_dash",
                if dash.is_some() { "1" } else { "0" }.into(),
            ),
        ],
        data_defined: vec![],
        sub: None,
    }
}

fn fill(colour: &str, outline: Option<(&str, f64, &str)>) -> SymLayer {
    let (oc, ow, os) = outline.unwrap_or(("0,0,0,0", 0.0, "no"));
    SymLayer {
        class: "SimpleFill",
        props: vec![
            ("color", colour.into()),
            ("joinstyle", "round".into()),
            ("offset", "0,0".into()),
            ("offset_unit", "MM".into()),
            ("outline_color", oc.into()),
            ("outline_style", os.into()),
            ("outline_width", num(ow)),
            ("outline_width_unit", "MM".into()),
            ("style", "solid".into()),
        ],
        data_defined: vec![],
        sub: None,
    }
}

/// A filled arrow along the line, as wide as `width_expr` says (**mm**), head at the end.
fn arrow(colour: &str, width_mm: f64, width_expr: Option<String>) -> SymLayer {
    let mut data_defined = vec![];
    if let Some(e) = width_expr {
        data_defined.push(("arrowWidth", e.clone()));
        data_defined.push(("arrowStartWidth", e.clone()));
        data_defined.push(("arrowHeadThickness", format!("({e}) * 0.8 + 0.8")));
        data_defined.push(("arrowHeadLength", format!("({e}) * 1.2 + 2")));
    }
    SymLayer {
        class: "ArrowLine",
        props: vec![
            ("arrow_start_width", num(width_mm)),
            ("arrow_start_width_unit", "MM".into()),
            ("arrow_type", "0".into()),
            ("arrow_width", num(width_mm)),
            ("arrow_width_unit", "MM".into()),
            ("head_length", "2.6".into()),
            ("head_length_unit", "MM".into()),
            ("head_thickness", "1.2".into()),
            ("head_thickness_unit", "MM".into()),
            ("head_type", "0".into()),
            ("is_curved", "0".into()),
            ("is_repeated", "0".into()),
            ("offset", "0".into()),
            ("offset_unit", "MM".into()),
            ("ring_filter", "0".into()),
        ],
        data_defined,
        sub: Some(Box::new(Symbol {
            kind: "fill",
            layers: vec![fill(colour, Some(("255,255,255,200", 0.15, "solid")))],
        })),
    }
}

fn write_dd(x: &mut XmlWriter, tag: &str, props: &[(&'static str, String)]) {
    x.open(tag, &[]);
    x.open("Option", &[("type", "Map")]);
    x.empty(
        "Option",
        &[("name", "name"), ("value", ""), ("type", "QString")],
    );
    if props.is_empty() {
        x.empty("Option", &[("name", "properties")]);
    } else {
        x.open("Option", &[("name", "properties"), ("type", "Map")]);
        for (name, expr) in props {
            x.open("Option", &[("name", name), ("type", "Map")]);
            x.empty(
                "Option",
                &[("name", "active"), ("value", "true"), ("type", "bool")],
            );
            x.empty(
                "Option",
                &[("name", "expression"), ("value", expr), ("type", "QString")],
            );
            x.empty(
                "Option",
                &[("name", "type"), ("value", "3"), ("type", "int")],
            );
            x.close();
        }
        x.close();
    }
    x.empty(
        "Option",
        &[
            ("name", "type"),
            ("value", "collection"),
            ("type", "QString"),
        ],
    );
    x.close();
    x.close();
}

fn write_symbol(x: &mut XmlWriter, name: &str, s: &Symbol) {
    x.open(
        "symbol",
        &[
            ("type", s.kind),
            ("name", name),
            ("alpha", "1"),
            ("clip_to_extent", "1"),
            ("force_rhr", "0"),
        ],
    );
    for l in &s.layers {
        x.open(
            "layer",
            &[
                ("class", l.class),
                ("enabled", "1"),
                ("locked", "0"),
                ("pass", "0"),
            ],
        );
        x.open("Option", &[("type", "Map")]);
        for (k, v) in &l.props {
            x.empty("Option", &[("name", k), ("value", v), ("type", "QString")]);
        }
        x.close();
        write_dd(x, "data_defined_properties", &l.data_defined);
        if let Some(sub) = &l.sub {
            write_symbol(x, &format!("@{name}@0"), sub);
        }
        x.close();
    }
    x.close();
}

/// How features are drawn.
#[derive(Debug, Clone, PartialEq)]
enum Renderer {
    Single(Symbol),
    /// Field, then (value, legend label, symbol); the last entry may have the value `None`,
    /// which QGIS draws for NULL and empty values.
    Categorized(String, Vec<(Option<String>, String, Symbol)>),
}

fn write_renderer(x: &mut XmlWriter, r: &Renderer) {
    let common = [
        ("symbollevels", "0"),
        ("enableorderby", "0"),
        ("forceraster", "0"),
    ];
    match r {
        Renderer::Single(sym) => {
            let mut attrs = vec![("type", "singleSymbol")];
            attrs.extend(common);
            x.open("renderer-v2", &attrs);
            x.open("symbols", &[]);
            write_symbol(x, "0", sym);
            x.close();
            x.empty("rotation", &[]);
            x.empty("sizescale", &[]);
            x.close();
        }
        Renderer::Categorized(attr, cats) => {
            let mut attrs = vec![("type", "categorizedSymbol"), ("attr", attr.as_str())];
            attrs.extend(common);
            x.open("renderer-v2", &attrs);
            x.open("categories", &[]);
            for (i, (value, label, _)) in cats.iter().enumerate() {
                x.empty(
                    "category",
                    &[
                        ("value", value.as_deref().unwrap_or("")),
                        ("symbol", &i.to_string()),
                        ("label", label),
                        ("render", "true"),
                    ],
                );
            }
            x.close();
            x.open("symbols", &[]);
            for (i, (_, _, sym)) in cats.iter().enumerate() {
                write_symbol(x, &i.to_string(), sym);
            }
            x.close();
            x.empty("rotation", &[]);
            x.empty("sizescale", &[]);
            x.close();
        }
    }
}

/// Label placement (QgsPalLayerSettings::Placement in QGIS 3.22).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// Cartographic placement round a point (6).
    AroundPoint,
    /// Parallel to a line, above it (2).
    Line,
    /// Curved along a line (3).
    Curved,
    /// Horizontal, inside a polygon (1, "over point" at the centroid).
    Centroid,
}

/// How a layer is labelled.
#[derive(Debug, Clone, PartialEq)]
struct Label {
    /// A field name, or an expression when `is_expression`.
    text: String,
    is_expression: bool,
    size_pt: f64,
    colour: String,
    italic: bool,
    bold: bool,
    upper: bool,
    letter_spacing: f64,
    placement: Placement,
    dist_mm: f64,
    z: f64,
    merge_lines: bool,
    halo: bool,
}

impl Label {
    fn field(name: &str) -> Self {
        Self {
            text: name.into(),
            is_expression: false,
            size_pt: style::LABEL_SIZE_PT,
            colour: rgba(style::LABEL_COLOUR, 1.0),
            italic: false,
            bold: false,
            upper: false,
            letter_spacing: 0.0,
            placement: Placement::AroundPoint,
            dist_mm: 0.8,
            z: 0.0,
            merge_lines: false,
            halo: true,
        }
    }

    fn expression(expr: String) -> Self {
        Self {
            is_expression: true,
            ..Self::field(&expr)
        }
    }
}

fn write_labeling(x: &mut XmlWriter, l: &Label) {
    x.open("labeling", &[("type", "simple")]);
    x.open("settings", &[("calloutType", "simple")]);
    let size = num(l.size_pt);
    let spacing = num(l.letter_spacing);
    x.open(
        "text-style",
        &[
            ("fieldName", &l.text),
            ("isExpression", if l.is_expression { "1" } else { "0" }),
            ("fontFamily", style::LABEL_FONT),
            ("fontSize", &size),
            ("fontSizeUnit", "Point"),
            ("fontItalic", if l.italic { "1" } else { "0" }),
            ("fontWeight", if l.bold { "75" } else { "50" }),
            ("fontLetterSpacing", &spacing),
            ("capitalization", if l.upper { "1" } else { "0" }),
            ("textColor", &l.colour),
            ("textOpacity", "1"),
            ("multilineHeight", "1"),
            ("allowHtml", "0"),
        ],
    );
    let halo_size = num(style::HALO_MM);
    let halo_colour = rgba(style::HALO_COLOUR, 1.0);
    x.empty(
        "text-buffer",
        &[
            ("bufferDraw", if l.halo { "1" } else { "0" }),
            ("bufferSize", &halo_size),
            ("bufferSizeUnits", "MM"),
            ("bufferColor", &halo_colour),
            ("bufferOpacity", "0.85"),
            ("bufferNoFill", "1"),
            ("bufferJoinStyle", "128"),
        ],
    );
    x.close();
    x.empty(
        "text-format",
        &[
            ("wrapChar", ""),
            ("autoWrapLength", "24"),
            ("multilineAlign", "3"),
        ],
    );
    let (placement, flags) = match l.placement {
        Placement::AroundPoint => ("6", "10"),
        Placement::Line => ("2", "10"),
        Placement::Curved => ("3", "9"),
        Placement::Centroid => ("1", "10"),
    };
    let dist = num(l.dist_mm);
    x.empty(
        "placement",
        &[
            ("placement", placement),
            ("placementFlags", flags),
            ("dist", &dist),
            ("distUnits", "MM"),
            ("quadOffset", "4"),
            ("centroidInside", "1"),
            ("centroidWhole", "0"),
            ("fitInPolygonOnly", "0"),
            ("predefinedPositionOrder", "TR,TL,BR,BL,R,L,TSR,BSR"),
            ("repeatDistance", "0"),
            ("maxCurvedCharAngleIn", "25"),
            ("maxCurvedCharAngleOut", "-25"),
            ("priority", "5"),
        ],
    );
    let z = num(l.z);
    x.empty(
        "rendering",
        &[
            ("drawLabels", "1"),
            ("obstacle", "1"),
            ("obstacleFactor", "1"),
            ("obstacleType", "1"),
            ("scaleVisibility", "0"),
            ("displayAll", "0"),
            ("upsidedownLabels", "0"),
            ("labelPerPart", "0"),
            ("mergeLines", if l.merge_lines { "1" } else { "0" }),
            ("limitNumLabels", "0"),
            ("maxNumLabels", "2000"),
            ("minFeatureSize", "0"),
            ("zIndex", &z),
        ],
    );
    x.close();
    x.close();
}

/// Time settings of a layer.
#[derive(Debug, Clone, PartialEq)]
enum Temporal {
    None,
    /// Mode 4: start and end expressions.
    Expressions(String, String),
}

fn write_temporal(x: &mut XmlWriter, t: &Temporal) {
    let (enabled, mode, sf, ef, se, ee) = match t {
        Temporal::None => ("0", "0", "", "", "", ""),
        Temporal::Expressions(s, e) => ("1", "4", "", "", s.as_str(), e.as_str()),
    };
    x.open(
        "temporal",
        &[
            ("enabled", enabled),
            ("mode", mode),
            ("startField", sf),
            ("endField", ef),
            ("startExpression", se),
            ("endExpression", ee),
            ("durationField", ""),
            ("durationUnit", "min"),
            ("fixedDuration", "0"),
            ("accumulate", "0"),
            ("limitMode", "1"),
        ],
    );
    x.open("fixedRange", &[]);
    x.text("start", &[], "");
    x.text("end", &[], "");
    x.close();
    x.close();
}

/// A layer's whole style, before it is written out.
#[derive(Debug, Clone, PartialEq)]
struct Spec {
    renderer: Renderer,
    label: Option<Label>,
    temporal: Temporal,
    opacity: f64,
    map_tip: String,
    display: String,
}

/// A layer's style as QGIS reads it: whether labels are on, the geometry type number and the
/// child elements (shared by `.qml` files and `<maplayer>` elements of a project).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerStyle {
    /// `labelsEnabled` of the root element.
    pub labels_enabled: bool,
    /// `layerGeometryType`: 0 point, 1 line, 2 polygon.
    pub geometry_type: u8,
    /// The child elements, indented from column 0.
    pub body: String,
}

fn has(layer: &Layer, name: &str) -> bool {
    layer.field_index(name).is_some()
}

fn has_typed(layer: &Layer, name: &str, ty: FieldType) -> bool {
    layer.fields.iter().any(|f| f.name == name && f.ty == ty)
}

fn first_field<'a>(layer: &Layer, names: &[&'a str]) -> Option<&'a str> {
    names.iter().copied().find(|n| has(layer, n))
}

/// The temporal start expression: the first day at 00:00:00 (a NULL start means "always").
#[must_use]
pub fn start_expression(field: &str) -> String {
    format!(
        "to_datetime(coalesce({}, make_date(1, 1, 1)))",
        field_ref(field)
    )
}

/// The temporal end expression: the last day at 23:59:59 (a NULL end means "still going").
#[must_use]
pub fn end_expression(field: &str) -> String {
    format!(
        "to_datetime(coalesce({}, make_date(9999, 12, 31))) + make_interval(hours:=23, minutes:=59, seconds:=59)",
        field_ref(field)
    )
}

fn temporal_for(layer: &Layer) -> Temporal {
    if !(has_typed(layer, "start", FieldType::Date) && has_typed(layer, "end", FieldType::Date)) {
        return Temporal::None;
    }
    // Mode 4 for GeoPackage and GeoJSON alike. Mode 2 (start/end fields) compares a Date field
    // with the frame's DateTime as text in QGIS 3.22, so an event starting on the 1st of a month
    // shows a frame early and one ending on a frame's first day vanishes (57 of 156 monthly and
    // daily frames wrong on the Vorkuta events); DateTime expressions are right in every frame,
    // and the `coalesce` keeps open-ended GeoJSON features, which OGR SQL would drop.
    Temporal::Expressions(start_expression("start"), end_expression("end"))
}

fn map_tip(layer: &Layer) -> String {
    let mut parts = vec![];
    if let Some(t) = first_field(layer, &["name", "title", "id"]) {
        parts.push(format!("<b>[% {} %]</b>", field_ref(t)));
    }
    if has(layer, "when") {
        parts.push(format!("[% {} %]", field_ref("when")));
    }
    if has(layer, "quote") {
        parts.push(format!("<i>[% {} %]</i>", field_ref("quote")));
    }
    if has(layer, "citation") {
        parts.push(format!("[% {} %]", field_ref("citation")));
    }
    parts.join("<br>")
}

fn display_expr(layer: &Layer) -> String {
    first_field(layer, &["name", "title", "id"])
        .map(field_ref)
        .unwrap_or_default()
}

fn spec(renderer: Renderer, label: Option<Label>, layer: &Layer) -> Spec {
    Spec {
        renderer,
        label,
        temporal: temporal_for(layer),
        opacity: 1.0,
        map_tip: if layer.role == LayerRole::Atlas {
            map_tip(layer)
        } else {
            String::new()
        },
        display: display_expr(layer),
    }
}

fn site_symbol(s: &Kind) -> Symbol {
    Symbol {
        kind: "marker",
        layers: vec![marker(
            s.shape,
            &rgba(&s.fill, 1.0),
            &rgba(style::kinds::SYMBOL_STROKE, 1.0),
            s.size_mm,
            style::SYMBOL_STROKE_MM,
        )],
    }
}

/// Sites categorized by kind: a category for each kind the layer holds, in legend order, then
/// one for each unknown kind with the `other` symbol (QGIS draws no feature whose value no
/// category names, and an empty value only matches NULL).
fn sites(layer: &Layer, vocabulary: &Vocabulary) -> Spec {
    let held = layer.kinds();
    let renderer = if has(layer, "kind") && !held.is_empty() {
        let other = vocabulary.other();
        let mut cats: Vec<_> = vocabulary
            .kinds()
            .iter()
            .filter(|k| held.contains(&k.id.as_str()))
            .map(|s| (Some(s.id.clone()), s.label.clone(), site_symbol(s)))
            .collect();
        for kind in held.iter().filter(|k| vocabulary.get(k).is_none()) {
            cats.push((
                Some((*kind).to_owned()),
                format!("{} ({})", other.label, kind.replace('_', " ")),
                site_symbol(other),
            ));
        }
        Renderer::Categorized("kind".into(), cats)
    } else {
        Renderer::Single(site_symbol(vocabulary.other()))
    };
    let label = first_field(layer, &["name", "id"]).map(|f| Label {
        z: 10.0,
        ..Label::field(f)
    });
    spec(renderer, label, layer)
}

fn events(layer: &Layer) -> Spec {
    let ring = marker(
        Shape::Circle,
        "0,0,0,0",
        &rgba(style::EVENT_COLOUR, style::EVENT_OPACITY),
        style::EVENT_RING_MM,
        style::EVENT_STROKE_MM,
    );
    let renderer = Renderer::Single(Symbol {
        kind: "marker",
        layers: vec![ring],
    });
    // Titles only in a time-filtered view (a Temporal Controller frame): on a map of the whole
    // story the titles of dozens of events at one camp would bury each other.
    let label = first_field(layer, &["title", "id"]).map(|f| Label {
        size_pt: 7.0,
        italic: true,
        colour: rgba(style::EVENT_COLOUR, 1.0),
        dist_mm: 2.6,
        z: 5.0,
        ..Label::expression(format!(
            "CASE WHEN @map_start_time IS NOT NULL THEN {} END",
            field_ref(f)
        ))
    });
    spec(renderer, label, layer)
}

/// The QGIS expression of [`style::transfer_width_mm`] for the field `people`.
#[must_use]
pub fn transfer_width_expression(people: &str) -> String {
    let p = field_ref(people);
    format!(
        "CASE WHEN {p} > 0 THEN {} + {} * log10({p}) ELSE {} END",
        num(style::TRANSFER_BASE_WIDTH_MM),
        num(style::TRANSFER_WIDTH_PER_DECADE_MM),
        num(style::TRANSFER_BASE_WIDTH_MM)
    )
}

fn transfers(layer: &Layer) -> Spec {
    let width_expr =
        has_typed(layer, "people", FieldType::Integer).then(|| transfer_width_expression("people"));
    let renderer = Renderer::Single(Symbol {
        kind: "line",
        layers: vec![arrow(
            &rgba(style::TRANSFER_COLOUR, style::TRANSFER_OPACITY),
            style::TRANSFER_BASE_WIDTH_MM,
            width_expr,
        )],
    });
    let label = has(layer, "people").then(|| {
        let p = field_ref("people");
        Label {
            size_pt: 7.0,
            colour: rgba(style::TRANSFER_COLOUR, 1.0),
            placement: Placement::Line,
            dist_mm: 0.5,
            z: 4.0,
            ..Label::expression(format!(
                "CASE WHEN {p} IS NOT NULL THEN format_number({p}, 0) || ' people' END"
            ))
        }
    });
    spec(renderer, label, layer)
}

fn claims(layer: &Layer) -> Spec {
    let sym = |colour: &str, width: f64| Symbol {
        kind: "line",
        layers: vec![line(
            &rgba(colour, style::CLAIM_OPACITY),
            width,
            Some("2;1.5"),
        )],
    };
    let renderer = if has(layer, "status") {
        Renderer::Categorized(
            "status".into(),
            vec![
                (
                    Some("consistent".into()),
                    "Stated distance: consistent".into(),
                    sym(style::CLAIM_COLOUR, style::CLAIM_WIDTH_MM),
                ),
                (
                    Some("by construction".into()),
                    "Stated distance: used to place a site".into(),
                    sym(style::CLAIM_BY_CONSTRUCTION_COLOUR, style::CLAIM_WIDTH_MM),
                ),
                (
                    Some("contradicted".into()),
                    "Stated distance: contradicted".into(),
                    sym(style::TRANSFER_COLOUR, style::CLAIM_CONTRADICTED_WIDTH_MM),
                ),
                (
                    Some("untestable".into()),
                    "Stated distance: untestable".into(),
                    sym(
                        style::CLAIM_UNTESTABLE_COLOUR,
                        style::CLAIM_UNTESTABLE_WIDTH_MM,
                    ),
                ),
                (
                    None,
                    "Stated distance".into(),
                    sym(style::CLAIM_COLOUR, style::CLAIM_WIDTH_MM),
                ),
            ],
        )
    } else {
        Renderer::Single(sym(style::CLAIM_COLOUR, style::CLAIM_WIDTH_MM))
    };
    let label = has(layer, "stated_km").then(|| {
        let s = field_ref("stated_km");
        Label {
            size_pt: 7.0,
            colour: rgba(style::CLAIM_COLOUR, 1.0),
            placement: Placement::Line,
            dist_mm: 0.5,
            z: 3.0,
            ..Label::expression(format!(
                "CASE WHEN {s} IS NOT NULL THEN format_number({s}, 1) || ' km stated' END"
            ))
        }
    });
    spec(renderer, label, layer)
}

fn uncertainty(layer: &Layer) -> Spec {
    let renderer = Renderer::Single(Symbol {
        kind: "fill",
        layers: vec![fill(
            &rgba(style::UNCERTAINTY_FILL, style::UNCERTAINTY_OPACITY),
            Some((
                &rgba(style::UNCERTAINTY_FILL, style::UNCERTAINTY_LINE_OPACITY),
                style::UNCERTAINTY_LINE_MM,
                "dash",
            )),
        )],
    });
    spec(renderer, None, layer)
}

/// Events in a camp system or region: a light wash of the event colour over the area, so that
/// several stacked areas (one per event) darken where the story is dense.
fn event_areas(layer: &Layer) -> Spec {
    let renderer = Renderer::Single(Symbol {
        kind: "fill",
        layers: vec![fill(
            &rgba(style::EVENT_COLOUR, style::EVENT_AREA_OPACITY),
            Some((
                &rgba(style::EVENT_COLOUR, style::EVENT_AREA_LINE_OPACITY),
                style::EVENT_AREA_LINE_MM,
                "dash",
            )),
        )],
    });
    spec(renderer, None, layer)
}

fn lines(layer: &Layer) -> Spec {
    let river = Symbol {
        kind: "line",
        layers: vec![line(
            &rgba(style::ATLAS_RIVER_COLOUR, 1.0),
            style::ATLAS_LINE_WIDTH_MM,
            None,
        )],
    };
    let railway = Symbol {
        kind: "line",
        layers: vec![
            line(
                &rgba(style::RAILWAY_COLOUR, 1.0),
                style::RAILWAY_WIDTH_MM,
                None,
            ),
            line(
                &rgba(style::PAPER_COLOUR, 1.0),
                style::RAILWAY_DASH_WIDTH_MM,
                Some("2;2"),
            ),
        ],
    };
    let renderer = if has(layer, "kind") {
        Renderer::Categorized(
            "kind".into(),
            vec![
                (Some("river".into()), "River".into(), river.clone()),
                (Some("railway".into()), "Railway".into(), railway),
                (None, "Line".into(), river),
            ],
        )
    } else {
        Renderer::Single(river)
    };
    let label = first_field(layer, &["name"]).map(|f| Label {
        size_pt: 7.5,
        italic: true,
        colour: rgba(style::ATLAS_RIVER_COLOUR, 1.0),
        placement: Placement::Curved,
        z: 2.0,
        merge_lines: true,
        ..Label::field(f)
    });
    spec(renderer, label, layer)
}

fn coast(layer: &Layer) -> Spec {
    let renderer = Renderer::Single(Symbol {
        kind: "fill",
        layers: vec![fill(
            &rgba(style::LAND_COLOUR, 1.0),
            Some((
                &rgba(style::COAST_COLOUR, 1.0),
                style::COAST_LINE_MM,
                "solid",
            )),
        )],
    });
    spec(renderer, None, layer)
}

fn water_label(layer: &Layer, placement: Placement) -> Option<Label> {
    first_field(layer, &["name"]).map(|f| Label {
        size_pt: 6.5,
        italic: true,
        colour: rgba(style::WATER_LABEL_COLOUR, 1.0),
        placement,
        merge_lines: placement == Placement::Curved,
        ..Label::field(f)
    })
}

/// The sea polygon of the basemap: a flat fill, no outline (the coast draws the shore).
fn sea(layer: &Layer) -> Spec {
    let renderer = Renderer::Single(Symbol {
        kind: "fill",
        layers: vec![fill(&rgba(style::SEA_COLOUR, 1.0), None)],
    });
    spec(renderer, None, layer)
}

fn lakes(layer: &Layer) -> Spec {
    let renderer = Renderer::Single(Symbol {
        kind: "fill",
        layers: vec![fill(&rgba(style::WATER_COLOUR, 1.0), None)],
    });
    spec(renderer, water_label(layer, Placement::Centroid), layer)
}

fn rivers(layer: &Layer) -> Spec {
    let mut l = line(
        &rgba(style::WATER_COLOUR, 1.0),
        style::basemap_river_width_mm(3),
        None,
    );
    if has_typed(layer, "level", FieldType::Integer) {
        let lv = field_ref("level");
        l.data_defined.push((
            "outlineWidth",
            format!(
                "CASE WHEN {lv} <= 1 THEN {} WHEN {lv} = 2 THEN {} WHEN {lv} = 3 THEN {} ELSE {} END",
                num(style::basemap_river_width_mm(1)),
                num(style::basemap_river_width_mm(2)),
                num(style::basemap_river_width_mm(3)),
                num(style::basemap_river_width_mm(4)),
            ),
        ));
    }
    let renderer = Renderer::Single(Symbol {
        kind: "line",
        layers: vec![l],
    });
    spec(renderer, water_label(layer, Placement::Curved), layer)
}

fn regions(layer: &Layer) -> Spec {
    let renderer = Renderer::Single(Symbol {
        kind: "fill",
        layers: vec![fill("255,255,255,0", None)],
    });
    let label = first_field(layer, &["name"]).map(|f| Label {
        size_pt: 8.0,
        upper: true,
        letter_spacing: 1.5,
        colour: rgba(style::REGION_LABEL_COLOUR, 1.0),
        placement: Placement::Centroid,
        z: -1.0,
        halo: false,
        ..Label::field(f)
    });
    spec(renderer, label, layer)
}

fn borders(layer: &Layer) -> Spec {
    let renderer = Renderer::Single(Symbol {
        kind: "line",
        layers: vec![line(
            &rgba(style::BORDER_COLOUR, 1.0),
            style::BORDER_LINE_MM,
            Some("3;1.5"),
        )],
    });
    spec(renderer, None, layer)
}

fn default_spec(layer: &Layer) -> Spec {
    let grey = rgba(style::kinds::OTHER.fill, 1.0);
    let sym = match layer.geometry {
        GeometryKind::Point => Symbol {
            kind: "marker",
            layers: vec![marker(
                Shape::Circle,
                &grey,
                &rgba(style::kinds::SYMBOL_STROKE, 1.0),
                style::OTHER_SIZE_MM,
                style::OTHER_OUTLINE_MM,
            )],
        },
        GeometryKind::Line => Symbol {
            kind: "line",
            layers: vec![line(&grey, style::OTHER_LINE_MM, None)],
        },
        GeometryKind::Polygon => Symbol {
            kind: "fill",
            layers: vec![fill(
                &rgba(style::kinds::OTHER.fill, style::OTHER_FILL_OPACITY),
                Some((&grey, style::OTHER_OUTLINE_MM, "solid")),
            )],
        },
    };
    let label = first_field(layer, &["name", "title"]).map(Label::field);
    spec(Renderer::Single(sym), label, layer)
}

fn spec_for(layer: &Layer, vocabulary: &Vocabulary) -> Spec {
    match (layer.role, layer.name.as_str()) {
        (LayerRole::Atlas, "sites") => sites(layer, vocabulary),
        (LayerRole::Atlas, "events") => events(layer),
        (LayerRole::Atlas, "transfers") => transfers(layer),
        (LayerRole::Atlas, "claims") => claims(layer),
        (LayerRole::Atlas, "uncertainty") => uncertainty(layer),
        (LayerRole::Atlas, "event_areas") => event_areas(layer),
        (LayerRole::Atlas, "lines") => lines(layer),
        (LayerRole::Basemap, crate::basemap::SEA) => sea(layer),
        (LayerRole::Basemap, "coast") => coast(layer),
        (LayerRole::Basemap, "lakes") => lakes(layer),
        (LayerRole::Basemap, "rivers") => rivers(layer),
        (LayerRole::Basemap, "regions") => regions(layer),
        (LayerRole::Basemap, "borders") => borders(layer),
        _ => default_spec(layer),
    }
}

fn geometry_type(layer: &Layer) -> u8 {
    match layer.geometry {
        GeometryKind::Point => 0,
        GeometryKind::Line => 1,
        GeometryKind::Polygon => 2,
    }
}

/// The style of `layer` of an atlas whose site kinds are `vocabulary`.
#[must_use]
pub fn layer_style(layer: &Layer, vocabulary: &Vocabulary) -> LayerStyle {
    let spec = spec_for(layer, vocabulary);
    let mut x = XmlWriter::new();
    x.open("flags", &[]);
    x.text("Identifiable", &[], "1");
    x.text("Removable", &[], "1");
    x.text("Searchable", &[], "1");
    x.text("Private", &[], "0");
    x.close();
    write_temporal(&mut x, &spec.temporal);
    write_renderer(&mut x, &spec.renderer);
    if let Some(l) = &spec.label {
        write_labeling(&mut x, l);
    }
    x.text("blendMode", &[], "0");
    x.text("featureBlendMode", &[], "0");
    x.text("layerOpacity", &[], &num(spec.opacity));
    x.text("previewExpression", &[], &spec.display);
    x.text("mapTip", &[], &spec.map_tip);
    x.text("layerGeometryType", &[], &geometry_type(layer).to_string());
    LayerStyle {
        labels_enabled: spec.label.is_some(),
        geometry_type: geometry_type(layer),
        body: x.finish(),
    }
}

/// The complete `.qml` document for `layer` of an atlas whose site kinds are `vocabulary`.
#[must_use]
pub fn layer_qml(layer: &Layer, vocabulary: &Vocabulary) -> String {
    let s = layer_style(layer, vocabulary);
    let mut x = XmlWriter::new();
    x.doctype("qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'");
    x.open(
        "qgis",
        &[
            ("version", "3.22.16-Białowieża"),
            ("styleCategories", "AllStyleCategories"),
            ("labelsEnabled", if s.labels_enabled { "1" } else { "0" }),
            ("hasScaleBasedVisibilityFlag", "0"),
            ("minScale", "100000000"),
            ("maxScale", "0"),
        ],
    );
    x.fragment(&s.body);
    x.finish()
}

#[cfg(test)]
mod tests;
