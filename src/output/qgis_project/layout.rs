//! The print layout of the QGIS project: one A4 landscape sheet with title, subtitle, map,
//! legend (atlas layers only, filtered to what the map shows), scale bar in km, north arrow and
//! credits. Written in the QGIS 3.22 layout XML (`<Layout>`/`<LayoutItem type=...>`); item
//! attributes QGIS can default are left out.

use crate::layers::Layers;
use crate::style::{self, qml::rgba};
use crate::xml::XmlWriter;

/// Page width, **mm** (A4 landscape).
pub const PAGE_W_MM: f64 = 297.0;
/// Page height, **mm**.
pub const PAGE_H_MM: f64 = 210.0;
/// Map frame: x, y, width, height on the page, **mm**.
pub const MAP_MM: [f64; 4] = [10.0, 22.0, 205.0, 166.0];
/// Legend frame: x, y, width, height, **mm**.
pub const LEGEND_MM: [f64; 4] = [221.0, 22.0, 66.0, 166.0];

// QgsLayoutItemRegistry item types in QGIS 3.22.
const PAGE: &str = "65638";
const MAP: &str = "65639";
const PICTURE: &str = "65640";
const LABEL: &str = "65641";
const LEGEND: &str = "65642";
const SCALE_BAR: &str = "65646";

fn uuid(n: u32) -> String {
    format!("{{00000000-0000-4000-8000-{n:012}}}")
}

fn mm(v: &[f64]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{x}")).collect();
    format!("{},mm", parts.join(","))
}

fn colour_el(x: &mut XmlWriter, tag: &str, rgba_text: &str) {
    let p: Vec<&str> = rgba_text.split(',').collect();
    let get = |i: usize| p.get(i).copied().unwrap_or("0");
    x.empty(
        tag,
        &[
            ("red", get(0)),
            ("green", get(1)),
            ("blue", get(2)),
            ("alpha", get(3)),
        ],
    );
}

fn font(size_pt: u32, bold: bool, italic: bool) -> String {
    format!(
        "{},{size_pt},-1,5,{},{},0,0,0,0",
        style::LABEL_FONT,
        if bold { 75 } else { 50 },
        u8::from(italic)
    )
}

/// Attributes every layout item has, for item `n` of `ty` at `rect` (x, y, w, h **mm**).
fn item_attrs(ty: &str, n: u32, id: &str, rect: [f64; 4], z: u32) -> Vec<(String, String)> {
    let u = uuid(n);
    vec![
        ("type".into(), ty.into()),
        ("uuid".into(), u.clone()),
        ("templateUuid".into(), u),
        ("id".into(), id.into()),
        ("position".into(), mm(&rect[..2])),
        ("positionOnPage".into(), mm(&rect[..2])),
        ("size".into(), mm(&rect[2..])),
        ("referencePoint".into(), "0".into()),
        ("itemRotation".into(), "0".into()),
        ("zValue".into(), z.to_string()),
        ("visibility".into(), "1".into()),
        ("opacity".into(), "1".into()),
        ("blendMode".into(), "0".into()),
        ("positionLock".into(), "false".into()),
        ("excludeFromExports".into(), "0".into()),
        ("groupUuid".into(), String::new()),
        ("frameJoinStyle".into(), "miter".into()),
        ("outlineWidthM".into(), "0.2,mm".into()),
    ]
}

fn open_item(x: &mut XmlWriter, mut attrs: Vec<(String, String)>, extra: &[(&str, &str)]) {
    attrs.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let refs: Vec<(&str, &str)> = attrs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    x.open("LayoutItem", &refs);
}

fn label(
    x: &mut XmlWriter,
    n: u32,
    id: &str,
    rect: [f64; 4],
    text: &str,
    font_desc: &str,
    colour: &str,
) {
    open_item(
        x,
        item_attrs(LABEL, n, id, rect, 3),
        &[
            ("labelText", text),
            ("htmlState", "0"),
            ("halign", "1"),
            ("valign", "32"),
            ("marginX", "0"),
            ("marginY", "0"),
            ("frame", "false"),
            ("background", "false"),
        ],
    );
    colour_el(x, "FrameColor", "0,0,0,255");
    colour_el(x, "BackgroundColor", "255,255,255,255");
    x.empty("LabelFont", &[("description", font_desc), ("style", "")]);
    colour_el(x, "FontColor", colour);
    x.close();
}

/// What the layout needs to know about the map.
#[derive(Debug, Clone)]
pub struct LayoutMap<'a> {
    /// Map extent in the project CRS: min x, min y, max x, max y, **metres**.
    pub extent_m: [f64; 4],
    /// Ids of the project layers the legend lists, top first, with their names and sources.
    pub legend_layers: Vec<(&'a str, &'a str, String)>,
    /// The subtitle (what and when).
    pub subtitle: String,
}

/// Writes the `<Layouts>` element with the one A4 sheet.
pub fn write_layouts(x: &mut XmlWriter, layers: &Layers, map: &LayoutMap<'_>) {
    x.open("Layouts", &[]);
    let name = format!("{} (A4)", layers.title);
    x.open(
        "Layout",
        &[
            ("name", &name),
            ("units", "mm"),
            ("printResolution", "300"),
            ("worldFileMap", ""),
        ],
    );
    x.empty(
        "Snapper",
        &[
            ("tolerance", "5"),
            ("snapToItems", "1"),
            ("snapToGuides", "1"),
            ("snapToGrid", "0"),
        ],
    );
    x.open("PageCollection", &[]);
    open_item(
        x,
        item_attrs(PAGE, 1, "", [0.0, 0.0, PAGE_W_MM, PAGE_H_MM], 0),
        &[("frame", "false"), ("background", "true")],
    );
    colour_el(x, "FrameColor", "0,0,0,255");
    colour_el(x, "BackgroundColor", "255,255,255,255");
    x.close();
    x.empty("GuideCollection", &[("visible", "1")]);
    x.close();

    let map_uuid = uuid(10);
    let label_colour = rgba(style::LABEL_COLOUR, 1.0);
    label(
        x,
        2,
        "title",
        [10.0, 6.0, 277.0, 10.0],
        &layers.title,
        &font(18, true, false),
        &label_colour,
    );
    label(
        x,
        3,
        "subtitle",
        [10.0, 15.5, 277.0, 6.0],
        &map.subtitle,
        &font(10, false, true),
        &label_colour,
    );
    let mut credits: Vec<String> = layers.credits.clone();
    if !layers.licence.is_empty() {
        credits.push(format!("Licence: {}", layers.licence));
    }
    credits.push("Made with gazmap. Map projection: UTM (WGS 84).".into());
    label(
        x,
        4,
        "credits",
        [
            10.0,
            MAP_MM[1] + MAP_MM[3] + 2.0,
            277.0,
            PAGE_H_MM - MAP_MM[1] - MAP_MM[3] - 4.0,
        ],
        &credits.join("\n"),
        &font(7, false, false),
        &rgba("#4d4d4d", 1.0),
    );

    // The map.
    open_item(
        x,
        item_attrs(MAP, 10, "map", MAP_MM, 1),
        &[
            ("frame", "true"),
            ("background", "true"),
            ("keepLayerSet", "false"),
            ("drawCanvasItems", "true"),
            ("mapRotation", "0"),
            ("isTemporal", "0"),
            ("followPreset", "false"),
            ("followPresetName", ""),
            ("mapFlags", "0"),
            ("labelMargin", "0,mm"),
        ],
    );
    colour_el(x, "FrameColor", "60,60,60,255");
    colour_el(x, "BackgroundColor", &rgba(style::SEA_COLOUR, 1.0));
    let e: Vec<String> = map.extent_m.iter().map(|v| format!("{v:.3}")).collect();
    x.empty(
        "Extent",
        &[
            ("xmin", &e[0]),
            ("ymin", &e[1]),
            ("xmax", &e[2]),
            ("ymax", &e[3]),
        ],
    );
    x.empty("LayerSet", &[]);
    x.empty(
        "AtlasMap",
        &[
            ("atlasDriven", "0"),
            ("scalingMode", "2"),
            ("margin", "0.1"),
        ],
    );
    x.close();

    // The legend: atlas layers only, and only the classes the map shows.
    open_item(
        x,
        item_attrs(LEGEND, 11, "legend", LEGEND_MM, 4),
        &[
            ("frame", "false"),
            ("background", "true"),
            ("map_uuid", &map_uuid),
            ("title", "Legend"),
            ("titleAlignment", "1"),
            ("columnCount", "1"),
            ("splitLayer", "1"),
            ("equalColumnWidth", "0"),
            ("resizeToContents", "0"),
            ("symbolWidth", "6"),
            ("symbolHeight", "3.5"),
            ("lineSpacing", "0.5"),
            ("boxSpace", "1"),
            ("columnSpace", "2"),
            ("legendFilterByMap", "1"),
            ("legendFilterByAtlas", "0"),
            ("wrapChar", ""),
            ("fontColor", "#1a1a1a"),
        ],
    );
    colour_el(x, "FrameColor", "0,0,0,255");
    colour_el(x, "BackgroundColor", "255,255,255,255");
    x.open("styles", &[]);
    for (name, size, bold, margin) in [
        ("title", 11, true, ("marginBottom", "2")),
        ("group", 9, true, ("marginTop", "2")),
        ("subgroup", 8, true, ("marginTop", "2")),
        ("symbol", 7, false, ("marginTop", "1")),
        ("symbolLabel", 7, false, ("marginTop", "1")),
    ] {
        x.open(
            "style",
            &[("name", name), margin, ("alignment", "1"), ("indent", "0")],
        );
        x.empty(
            "styleFont",
            &[("description", &font(size, bold, false)), ("style", "")],
        );
        x.close();
    }
    x.close();
    x.open("layer-tree-group", &[]);
    x.empty("customproperties", &[]);
    for (id, name, source) in &map.legend_layers {
        x.open(
            "layer-tree-layer",
            &[
                ("id", id),
                ("name", name),
                ("source", source),
                ("providerKey", "ogr"),
                ("checked", "Qt::Checked"),
                ("expanded", "1"),
            ],
        );
        x.empty("customproperties", &[]);
        x.close();
    }
    x.close();
    x.close();

    // Scale bar in km, on a white box in the map's lower left corner.
    open_item(
        x,
        item_attrs(
            SCALE_BAR,
            12,
            "scalebar",
            [MAP_MM[0] + 3.0, MAP_MM[1] + MAP_MM[3] - 13.0, 70.0, 10.0],
            5,
        ),
        &[
            ("frame", "false"),
            ("background", "true"),
            ("mapUuid", &map_uuid),
            ("style", "Single Box"),
            ("unitType", "km"),
            ("unitLabel", "km"),
            ("numMapUnitsPerScaleBarUnit", "1"),
            ("segmentSizeMode", "1"),
            ("minBarWidth", "25"),
            ("maxBarWidth", "55"),
            ("numUnitsPerSegment", "50"),
            ("numSegments", "2"),
            ("numSegmentsLeft", "0"),
            ("numSubdivisions", "1"),
            ("subdivisionsHeight", "1.5"),
            ("height", "2"),
            ("labelBarSpace", "2"),
            ("boxContentSpace", "1.5"),
            ("alignment", "0"),
            ("labelVerticalPlacement", "0"),
            ("labelHorizontalPlacement", "0"),
            ("lineJoinStyle", "miter"),
            ("lineCapStyle", "square"),
            ("outlineWidth", "0.3"),
        ],
    );
    colour_el(x, "FrameColor", "0,0,0,255");
    colour_el(x, "BackgroundColor", "255,255,255,220");
    let text = rgba(style::LABEL_COLOUR, 1.0);
    x.open(
        "text-style",
        &[
            ("fontFamily", style::LABEL_FONT),
            ("fontSize", "7"),
            ("fontSizeUnit", "Point"),
            ("fontWeight", "50"),
            ("fontItalic", "0"),
            ("textColor", &text),
            ("textOpacity", "1"),
            ("multilineHeight", "1"),
        ],
    );
    x.empty("text-buffer", &[("bufferDraw", "0")]);
    x.close();
    x.close();

    // North arrow (grid north of the map's projection), lower right corner of the map.
    open_item(
        x,
        item_attrs(
            PICTURE,
            13,
            "north arrow",
            [
                MAP_MM[0] + MAP_MM[2] - 14.0,
                MAP_MM[1] + MAP_MM[3] - 19.0,
                10.0,
                16.0,
            ],
            6,
        ),
        &[
            ("frame", "false"),
            ("background", "false"),
            (
                "file",
                ":/images/north_arrows/layout_default_north_arrow.svg",
            ),
            ("mode", "0"),
            ("resizeMode", "0"),
            ("anchorPoint", "0"),
            ("pictureRotation", "0"),
            ("mapUuid", &map_uuid),
            ("northMode", "0"),
            ("northOffset", "0"),
            ("svgFillColor", "255,255,255,255"),
            ("svgBorderColor", "0,0,0,255"),
            ("svgBorderWidth", "0.2"),
        ],
    );
    colour_el(x, "FrameColor", "0,0,0,255");
    colour_el(x, "BackgroundColor", "255,255,255,255");
    x.close();

    x.empty(
        "Atlas",
        &[
            ("enabled", "0"),
            ("coverageLayer", ""),
            ("hideCoverage", "0"),
            ("filterFeatures", "0"),
            ("sortFeatures", "0"),
            ("pageNameExpression", ""),
            ("filenamePattern", "'output_'||@atlas_featurenumber"),
        ],
    );
    x.close();
    x.close();
}
