//! The MapLibre style (style spec v8, MapLibre GL JS 6) of an atlas, generated from
//! [`crate::style`], so the web map draws the same colours, symbols and widths as the QGIS and
//! print outputs (millimetres become CSS pixels at 96 dpi).
//!
//! The time filter lives in the style: every time-aware layer's filter reads the `global-state`
//! properties `date` and `date_end` (ISO `YYYY-MM-DD` strings: the day, or the first and last day
//! of a range; equal for one day) and `time_filter` (boolean), declared with defaults in the
//! style's root `state`. A feature whose `start..=end` meets `date..=date_end` is *possibly*
//! active; one whose `certain_start..=certain_end` meets it is *certainly* active.
//! Each time-aware atlas layer has two style layers, `<layer>-certain` (solid) and
//! `<layer>-possible` (dashed or hollow, fainter), that never show the same feature. With the
//! time filter off, every feature is drawn in the solid style.
//!
//! Site symbols are icons named `site-<kind>` that the viewer draws on a canvas from
//! [`site_symbols`] (no sprite). Site labels are a symbol layer in DejaVu Sans whose glyphs the
//! site writer makes (`glyphs/`, relative to the page); labels of sites where nothing is under
//! way in the slider's span are faded, by the global state `active_sites` the viewer keeps.

use serde_json::{Value as Json, json};

use super::DataSource;
use crate::layers::Layers;
use crate::style::{self, Kind, Shape};

/// CSS pixels per millimetre (96 dpi).
pub const PX_PER_MM: f64 = 96.0 / 25.4;

/// Converts a size in **mm** (as [`crate::style`] gives it) to CSS **px**, rounded to 0.01 px.
#[must_use]
pub fn px(mm: f64) -> f64 {
    (mm * PX_PER_MM * 100.0).round() / 100.0
}

/// The shape's name for the viewer's canvas painter ([`Shape::name`]).
#[must_use]
pub fn shape_name(shape: Shape) -> &'static str {
    shape.name()
}

fn symbol_json(s: &Kind) -> Json {
    json!({
        "kind": s.id,
        "label": s.label,
        "shape": shape_name(s.shape),
        "fill": s.fill,
        "stroke": style::kinds::SYMBOL_STROKE,
        "size_px": px(s.size_mm),
        // The printed sheet's outline at size 1 (y down), which the viewer scales: one drawing.
        "outline": s.shape.outline(0.0, 0.0, 1.0).iter()
            .map(|&(x, y)| [round4(x), round4(y)])
            .collect::<Vec<_>>(),
    })
}

fn round4(v: f64) -> f64 {
    let r = (v * 10_000.0).round() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// The known kinds the atlas's sites hold, in legend order.
fn held_kinds(layers: &Layers) -> Vec<&Kind> {
    let vocabulary = &layers.vocabulary;
    let held = layers.site_kinds();
    vocabulary
        .kinds()
        .iter()
        .filter(|k| held.contains(&k.id.as_str()))
        .collect()
}

/// The symbols of the kinds the atlas holds, in legend order, then the symbol for unknown
/// kinds (kind `other`, the fallback icon of the style).
#[must_use]
pub fn site_symbols(layers: &Layers) -> Json {
    Json::Array(
        held_kinds(layers)
            .into_iter()
            .chain(std::iter::once(layers.vocabulary.other()))
            .map(symbol_json)
            .collect(),
    )
}

/// The width in **px** of a transfer line: [`style::transfer_width_mm`] as an expression on
/// the field `people` (the same formula the QGIS style uses).
fn transfer_width() -> Json {
    let people = json!(["to-number", ["get", "people"], 0]);
    json!([
        "case",
        [">", people, 0],
        [
            "+",
            px(style::TRANSFER_BASE_WIDTH_MM),
            [
                "*",
                px(style::TRANSFER_WIDTH_PER_DECADE_MM),
                ["log10", people]
            ]
        ],
        px(style::TRANSFER_BASE_WIDTH_MM)
    ])
}

/// Basemap river width in **px** by GSHHG/WDBII `level`, from [`style::basemap_river_width_mm`].
fn river_width() -> Json {
    let mut expr = vec![json!("match"), json!(["to-number", ["get", "level"], 9])];
    for level in 0..=3 {
        expr.push(json!(level));
        expr.push(json!(px(style::basemap_river_width_mm(level))));
    }
    expr.push(json!(px(style::basemap_river_width_mm(9))));
    Json::Array(expr)
}

fn date() -> Json {
    json!(["to-string", ["global-state", "date"]])
}

fn date_end() -> Json {
    json!(["to-string", ["global-state", "date_end"]])
}

fn text(field: &str) -> Json {
    json!(["to-string", ["get", field]])
}

/// True when the feature's possible span meets the slider's day or range.
#[must_use]
pub fn possibly_active() -> Json {
    json!([
        "all",
        ["<=", text("start"), date_end()],
        [">=", text("end"), date()]
    ])
}

/// True when the feature's certain span meets the slider's day or range (false when it has none).
#[must_use]
pub fn certainly_active() -> Json {
    json!([
        "all",
        ["<=", text("certain_start"), date_end()],
        [">=", text("certain_end"), date()],
        ["!=", text("certain_end"), ""]
    ])
}

fn filter_on() -> Json {
    json!(["to-boolean", ["global-state", "time_filter"]])
}

/// Filter of a `-certain` style layer.
fn certain_filter() -> Json {
    json!(["any", ["!", filter_on()], certainly_active()])
}

/// Filter of a `-possible` style layer.
fn possible_filter() -> Json {
    json!([
        "all",
        filter_on(),
        possibly_active(),
        ["!", certainly_active()]
    ])
}

/// Opacity of an event ring (as in the QGIS style).
const EVENT_OPACITY: f64 = style::EVENT_OPACITY;
/// Width of an event ring's line, **mm** (as in the QGIS style).
const EVENT_STROKE_MM: f64 = style::EVENT_STROKE_MM;

/// The first day the slider shows: the start of the atlas's time range, else of its first period.
#[must_use]
pub fn initial_date(layers: &Layers) -> Option<String> {
    layers
        .time_range
        .map(|r| r.0)
        .or_else(|| layers.periods.iter().map(|p| p.2).min())
        .map(|d| d.to_string())
}

/// One style layer for data layer `name` (skipped by the caller when the data layer is absent).
fn layer(id: &str, data_layer: &str, ty: &str, data: &DataSource, rest: Json) -> Json {
    let mut obj = serde_json::Map::new();
    obj.insert("id".into(), json!(id));
    obj.insert("type".into(), json!(ty));
    obj.insert("metadata".into(), json!({"gazmap:layer": data_layer}));
    match data {
        DataSource::Pmtiles(_, last_zoom) => {
            let source = match last_zoom.get(data_layer) {
                Some(z) => format!("atlas-z{z}"),
                None => "atlas".to_owned(),
            };
            obj.insert("source".into(), json!(source));
            obj.insert("source-layer".into(), json!(data_layer));
        }
        DataSource::GeoJson => {
            obj.insert("source".into(), json!(data_layer));
        }
    }
    if let Json::Object(rest) = rest {
        obj.extend(rest);
    }
    Json::Object(obj)
}

fn site_icon(layers: &Layers) -> Json {
    let mut expr = vec![json!("match"), json!(["to-string", ["get", "kind"]])];
    for s in held_kinds(layers) {
        expr.push(json!(s.id));
        expr.push(json!(format!("site-{}", s.id)));
    }
    expr.push(json!(format!("site-{}", layers.vocabulary.other().id)));
    Json::Array(expr)
}

/// Colour of the features only possibly active.
fn faded(opacity: f64) -> f64 {
    (opacity * style::POSSIBLE_OPACITY * 100.0).round() / 100.0
}

/// The style layers, bottom first.
fn style_layers(layers: &Layers, data: &DataSource) -> Vec<Json> {
    let has = |name: &str| layers.layer(name).is_some();
    let mut out = vec![json!({
        "id": "background",
        "type": "background",
        "paint": {"background-color": style::NO_DATA_COLOUR},
    })];
    let mut add = |name: &str, id: &str, ty: &str, rest: Json| {
        if has(name) {
            out.push(layer(id, name, ty, data, rest));
        }
    };
    // Basemap: sea only where the basemap has coast data (the background is "no data").
    add(
        crate::basemap::SEA,
        "sea",
        "fill",
        json!({"paint": {"fill-color": style::SEA_COLOUR}}),
    );
    add(
        "coast",
        "coast",
        "fill",
        json!({"paint": {"fill-color": style::LAND_COLOUR}}),
    );
    add(
        "coast",
        "coast-outline",
        "line",
        json!({"paint": {"line-color": style::COAST_COLOUR, "line-width": style::COAST_LINE_PX}}),
    );
    add(
        "lakes",
        "lakes",
        "fill",
        json!({"paint": {"fill-color": style::WATER_COLOUR}}),
    );
    add(
        "rivers",
        "rivers",
        "line",
        json!({
            "layout": {"line-join": "round", "line-cap": "round"},
            "paint": {"line-color": style::WATER_COLOUR, "line-width": river_width()},
        }),
    );
    add(
        "borders",
        "borders",
        "line",
        json!({"paint": {"line-color": style::BORDER_COLOUR, "line-width": style::BORDER_LINE_PX,
                         "line-dasharray": ["literal", [4, 2]]}}),
    );
    // Atlas, bottom first: lines, uncertainty, event areas, transfers, claims, events, sites.
    let line_colour = json!([
        "match",
        ["to-string", ["get", "kind"]],
        "river",
        style::ATLAS_RIVER_COLOUR,
        style::RAILWAY_COLOUR
    ]);
    add(
        "lines",
        "lines",
        "line",
        json!({
            "filter": ["!", ["to-boolean", ["get", "schematic"]]],
            "layout": {"line-join": "round", "line-cap": "round"},
            "paint": {"line-color": line_colour, "line-width": px(style::ATLAS_LINE_WIDTH_MM)},
        }),
    );
    add(
        "lines",
        "lines-schematic",
        "line",
        json!({
            "filter": ["to-boolean", ["get", "schematic"]],
            "paint": {"line-color": line_colour, "line-width": px(style::ATLAS_LINE_WIDTH_MM),
                      "line-dasharray": ["literal", [3, 2]]},
        }),
    );
    add(
        "uncertainty",
        "uncertainty",
        "fill",
        json!({"paint": {"fill-color": style::UNCERTAINTY_FILL,
                         "fill-opacity": style::UNCERTAINTY_OPACITY}}),
    );
    add(
        "uncertainty",
        "uncertainty-outline",
        "line",
        json!({"paint": {"line-color": style::UNCERTAINTY_FILL,
                         "line-width": style::UNCERTAINTY_LINE_PX,
                         "line-opacity": style::UNCERTAINTY_LINE_OPACITY_SCREEN}}),
    );
    // Events the account places in a whole camp system or region: a wash over the area.
    let area_paint = |opacity: f64| {
        json!({"fill-color": style::EVENT_COLOUR,
               "fill-opacity": opacity * style::EVENT_AREA_OPACITY / EVENT_OPACITY})
    };
    add(
        "event_areas",
        "event-areas-possible",
        "fill",
        json!({"filter": possible_filter(), "paint": area_paint(faded(EVENT_OPACITY))}),
    );
    add(
        "event_areas",
        "event-areas-certain",
        "fill",
        json!({"filter": certain_filter(), "paint": area_paint(EVENT_OPACITY)}),
    );
    add(
        "event_areas",
        "event-areas-outline",
        "line",
        json!({"filter": certain_filter(),
               "paint": {"line-color": style::EVENT_COLOUR, "line-width": px(EVENT_STROKE_MM),
                         "line-opacity": EVENT_OPACITY, "line-dasharray": ["literal", [2, 2]]}}),
    );
    add(
        "transfers",
        "transfers-possible",
        "line",
        json!({
            "filter": possible_filter(),
            "paint": {"line-color": style::TRANSFER_COLOUR, "line-width": transfer_width(),
                      "line-opacity": faded(1.0), "line-dasharray": ["literal", [2, 2]]},
        }),
    );
    add(
        "transfers",
        "transfers-certain",
        "line",
        json!({
            "filter": certain_filter(),
            "layout": {"line-join": "round", "line-cap": "round"},
            "paint": {"line-color": style::TRANSFER_COLOUR, "line-width": transfer_width()},
        }),
    );
    add(
        "claims",
        "claims",
        "line",
        json!({"paint": {"line-color": style::CLAIM_COLOUR, "line-width": px(style::CLAIM_WIDTH_MM),
                         "line-dasharray": ["literal", [1, 2]]}}),
    );
    // A ring, as in the QGIS style: what is only possibly under way is fainter.
    let ring = |opacity: f64| {
        json!({"circle-radius": px(style::EVENT_RING_MM / 2.0), "circle-opacity": 0.0,
               "circle-stroke-color": style::EVENT_COLOUR, "circle-stroke-width": px(EVENT_STROKE_MM),
               "circle-stroke-opacity": opacity})
    };
    add(
        "events",
        "events-possible",
        "circle",
        json!({"filter": possible_filter(), "paint": ring(faded(EVENT_OPACITY))}),
    );
    add(
        "events",
        "events-certain",
        "circle",
        json!({"filter": certain_filter(), "paint": ring(EVENT_OPACITY)}),
    );
    add(
        "sites",
        "sites",
        "symbol",
        json!({
            "layout": {"icon-image": site_icon(layers), "icon-allow-overlap": true,
                       "icon-ignore-placement": true},
        }),
    );
    add("sites", "site-labels", "symbol", site_labels());
    out
}

/// The site labels: DejaVu Sans at the print size, haloed, right of the symbol (left or above
/// when that collides), the most eventful sites placed first; faded where nothing is under way.
fn site_labels() -> Json {
    let active = json!([
        "in",
        ["to-string", ["get", "id"]],
        ["global-state", "active_sites"]
    ]);
    json!({
        "layout": {
            "text-field": ["to-string", ["get", "name"]],
            "text-font": [style::LABEL_FONT],
            "text-size": super::num(style::LABEL_SIZE_PT * 96.0 / 72.0, 2),
            "text-variable-anchor": ["left", "right", "top", "bottom"],
            "text-radial-offset": 0.9,
            "text-justify": "auto",
            "text-max-width": 12,
            "symbol-sort-key": ["-", 0, ["to-number", ["get", "event_count"], 0]],
        },
        "paint": {
            "text-color": style::LABEL_COLOUR,
            "text-halo-color": style::HALO_COLOUR,
            "text-halo-width": px(style::HALO_MM),
            "text-opacity": ["case", ["!", filter_on()], 1.0, active, 1.0, 0.45],
        },
    })
}

fn sources(layers: &Layers, data: &DataSource) -> Json {
    let attribution = layers
        .credits
        .iter()
        .map(|c| html_escape(c))
        .collect::<Vec<_>>()
        .join(" · ");
    match data {
        DataSource::Pmtiles(url, last_zoom) => {
            let mut map = serde_json::Map::new();
            map.insert(
                "atlas".into(),
                json!({"type": "vector", "url": format!("pmtiles://{url}"),
                       "attribution": attribution}),
            );
            // Same archive; a style `maxzoom` overrides the archive's, so these layers' last
            // tiles are overzoomed rather than fetched (empty) from deeper zooms.
            for z in last_zoom.values() {
                map.entry(format!("atlas-z{z}")).or_insert_with(
                    || json!({"type": "vector", "url": format!("pmtiles://{url}"), "maxzoom": z}),
                );
            }
            Json::Object(map)
        }
        DataSource::GeoJson => {
            let mut map = serde_json::Map::new();
            for (i, l) in layers.all().enumerate() {
                let url = match l.role {
                    crate::layers::LayerRole::Atlas => format!("../{}.geojson", l.name),
                    crate::layers::LayerRole::Basemap => format!("basemap/{}.geojson", l.name),
                };
                let mut source = json!({"type": "geojson", "data": url});
                if i == 0 {
                    source["attribution"] = json!(attribution);
                }
                map.insert(l.name.clone(), source);
            }
            Json::Object(map)
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole style document.
#[must_use]
pub fn style(layers: &Layers, data: &DataSource) -> Json {
    let [x0, y0, x1, y1] = layers.extent;
    json!({
        "version": 8,
        "name": layers.title,
        "metadata": {"gazmap:generated-from": "src/style.rs"},
        "center": [super::num((x0 + x1) / 2.0, 6), super::num((y0 + y1) / 2.0, 6)],
        "zoom": 4,
        "glyphs": "glyphs/{fontstack}/{range}.pbf",
        "state": {
            "active_sites": {"default": []},
            "date": {"default": initial_date(layers).unwrap_or_default()},
            "date_end": {"default": initial_date(layers).unwrap_or_default()},
            "time_filter": {"default": initial_date(layers).is_some()},
        },
        "sources": sources(layers, data),
        "layers": style_layers(layers, data),
    })
}

/// The legend, grouped by atlas layer (top of the map first): what each symbol means. Sites
/// list only the kinds the atlas holds (and `other` when some kind is unknown).
#[must_use]
pub fn legend(layers: &Layers) -> Json {
    let w = |n: Option<u32>| px(style::transfer_width_mm(n));
    let kinds = layers.vocabulary.legend(layers.site_kinds());
    json!([
        {"layer": "sites", "title": "Sites", "items": kinds.iter()
            .map(|s| json!({"type": "symbol", "label": s.label, "kind": s.id}))
            .collect::<Vec<_>>()},
        {"layer": "events", "title": "Events at the slider's date", "items": [
            {"type": "circle", "label": "certainly happening", "colour": style::EVENT_COLOUR,
             "fill_opacity": 0.0, "stroke_opacity": EVENT_OPACITY,
             "radius_px": px(style::EVENT_RING_MM / 2.0), "stroke_px": px(EVENT_STROKE_MM)},
            {"type": "circle", "label": "possibly happening (fuzzy date)",
             "colour": style::EVENT_COLOUR, "fill_opacity": 0.0,
             "stroke_opacity": faded(EVENT_OPACITY),
             "radius_px": px(style::EVENT_RING_MM / 2.0), "stroke_px": px(EVENT_STROKE_MM)},
        ]},
        {"layer": "event_areas", "title": "Events in a whole camp system or region", "items": [
            {"type": "fill", "label": "the account places the event in the area, not at a point",
             "colour": style::EVENT_COLOUR, "opacity": style::EVENT_AREA_OPACITY},
        ]},
        {"layer": "transfers", "title": layers.vocabulary.movement_label, "items": [
            {"type": "line", "label": "certainly under way", "colour": style::TRANSFER_COLOUR,
             "width_px": w(Some(100)), "opacity": 1.0},
            {"type": "line", "label": "possibly under way (fuzzy date)",
             "colour": style::TRANSFER_COLOUR, "width_px": w(Some(100)),
             "opacity": faded(1.0), "dash": [2, 2]},
            {"type": "line", "label": "width: people moved (1, 100, 1000)",
             "colour": style::TRANSFER_COLOUR, "widths_px": [w(Some(1)), w(Some(100)), w(Some(1000))]},
        ]},
        {"layer": "claims", "title": "Distances stated in the account", "items": [
            {"type": "line", "label": "stated distance", "colour": style::CLAIM_COLOUR,
             "width_px": px(style::CLAIM_WIDTH_MM), "dash": [1, 2]},
        ]},
        {"layer": "uncertainty", "title": "Location uncertainty", "items": [
            {"type": "fill", "label": "the site lies somewhere in the circle, ring or area",
             "colour": style::UNCERTAINTY_FILL, "opacity": style::UNCERTAINTY_OPACITY},
        ]},
        {"layer": "lines", "title": "Rivers and railway named in the account", "items": [
            {"type": "line", "label": "river", "colour": style::ATLAS_RIVER_COLOUR,
             "width_px": px(style::ATLAS_LINE_WIDTH_MM)},
            {"type": "line", "label": "railway", "colour": style::RAILWAY_COLOUR,
             "width_px": px(style::ATLAS_LINE_WIDTH_MM)},
            {"type": "line", "label": "schematic course (not the real track)",
             "colour": style::RAILWAY_COLOUR, "width_px": px(style::ATLAS_LINE_WIDTH_MM), "dash": [3, 2]},
        ]},
        {"layer": "basemap", "title": "Basemap (modern)", "items": [
            {"type": "fill", "label": "land", "colour": style::LAND_COLOUR, "opacity": 1.0},
            {"type": "fill", "label": "sea", "colour": style::SEA_COLOUR, "opacity": 1.0},
            {"type": "fill", "label": "no basemap data", "colour": style::NO_DATA_COLOUR,
             "opacity": 1.0},
            {"type": "fill", "label": "lakes and rivers", "colour": style::WATER_COLOUR,
             "opacity": 1.0},
            {"type": "line", "label": "region boundary", "colour": style::BORDER_COLOUR,
             "width_px": style::BORDER_LINE_PX, "dash": [4, 2]},
        ]},
    ])
}
