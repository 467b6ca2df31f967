//! The web map: a static site in `out/<atlas>/web/` that shows the atlas in MapLibre GL JS.
//!
//! The site is plain files (no server code): `index.html`, the viewer's ES modules and CSS,
//! the pinned MapLibre GL JS and PMTiles builds (`vendor/`, with their BSD-3 licences), and the
//! atlas-specific files written here:
//!
//! * `style.json`: a MapLibre style (spec v8) generated from [`crate::style`] by [`maplibre`],
//!   with the time filter in the style itself (`global-state` `date` and `time_filter`);
//! * `atlas.json`: title, description, credits, extent, time range, periods, legend, site
//!   symbols, label style, the site, event and transfer tables. No N×N structure: the viewer's
//!   distance tool computes the geodesic distance of the pair a reader picks itself
//!   (`web/src/geodesy.js`, Vincenty on WGS84, within a millimetre of [`crate::geodesy`]);
//! * `sources.json` and `sources/<id>.txt`: the source texts, for the passage panel;
//! * with [`DataSource::GeoJson`] only, `basemap/<layer>.geojson`.
//!
//! The viewer reads the layers from the PMTiles archive (one vector layer per atlas and basemap
//! layer, named as the layers) or, when no archive was built, from the GeoJSON files that
//! `gazmap build` writes beside `web/`. Either way the whole output folder is the site: publish
//! `out/<atlas>/` on any static server that answers HTTP Range requests and open `web/`.
//!
//! * `glyphs/<font>/<start>-<end>.pbf`: the signed-distance-field glyphs MapLibre draws the site
//!   labels with (a symbol layer, so labels collide and fade like the features), made here from
//!   the embedded DejaVu Sans by `glyphore-core` for each 256-code-point range the site names use
//!   (0-255 always; 1024-1279 for Cyrillic names, and so on).
//!
//! No request leaves the site: the glyphs are on it, no sprites (symbols are drawn on a canvas
//! from `atlas.json`), no CDN.
//!
//! The viewer's assets are compiled into the binary (`include_bytes!` of `web/src/` and
//! `web/vendor/`), so `gazmap build` needs neither npm nor the source tree.

pub mod maplibre;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json, json};

use crate::layers::{Layer, Layers, Value};
use crate::model::Source;
use std::collections::BTreeMap;

use crate::output::geojson::json_value;
use crate::output::{JsonSeq, Written, write_atomic_with, write_pretty_json};
use crate::style;

/// Where the viewer reads the layers from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataSource {
    /// One PMTiles archive of vector tiles, at this URL relative to the `web/` folder (for
    /// example `../vorkuta.pmtiles`), with the last zoom of each layer that stops before the
    /// archive's deepest: the style reads those through a source of that `maxzoom`, so MapLibre
    /// overzooms their last tiles instead of showing nothing deeper down.
    Pmtiles(String, BTreeMap<String, u8>),
    /// The atlas layers' GeoJSON files beside `web/` (`../<layer>.geojson`), and the basemap
    /// layers written as GeoJSON into `web/basemap/`.
    GeoJson,
}

/// Error while writing the web map.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The label glyphs could not be made from the embedded font.
    #[error("cannot make the label glyphs from DejaVu Sans: {0}")]
    Glyphs(String),
    /// A source id cannot be used as a file name.
    #[error(
        "source id `{0}` cannot name a file in the web map (use letters, digits, `_`, `-`, `.`)"
    )]
    SourceId(String),
}

/// A file of the viewer: its path in the site and its bytes.
type Asset = (&'static str, &'static [u8]);

macro_rules! asset {
    ($site:literal, $repo:literal) => {
        (
            $site,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/web/", $repo)),
        )
    };
}

/// The viewer's files, compiled in from `web/src/` and `web/vendor/`.
pub const ASSETS: &[Asset] = &[
    asset!("index.html", "src/index.html"),
    asset!("app.js", "src/app.js"),
    asset!("time.js", "src/time.js"),
    asset!("symbols.js", "src/symbols.js"),
    asset!("geodesy.js", "src/geodesy.js"),
    asset!("dom.js", "src/dom.js"),
    asset!("state.js", "src/state.js"),
    asset!("timecontrol.js", "src/timecontrol.js"),
    asset!("popup.js", "src/popup.js"),
    asset!("source.js", "src/source.js"),
    asset!("distance.js", "src/distance.js"),
    asset!("lists.js", "src/lists.js"),
    asset!("labels.js", "src/labels.js"),
    asset!("story.js", "src/story.js"),
    asset!("hash.js", "src/hash.js"),
    asset!("print.js", "src/print.js"),
    asset!("app.css", "src/app.css"),
    asset!("vendor/maplibre-gl.mjs", "vendor/maplibre-gl.mjs"),
    asset!(
        "vendor/maplibre-gl-worker.mjs",
        "vendor/maplibre-gl-worker.mjs"
    ),
    asset!("vendor/maplibre-gl.css", "vendor/maplibre-gl.css"),
    asset!("vendor/pmtiles.js", "vendor/pmtiles.js"),
    asset!(
        "vendor/LICENSE-maplibre-gl.txt",
        "vendor/LICENSE-maplibre-gl.txt"
    ),
    asset!("vendor/LICENSE-pmtiles.txt", "vendor/LICENSE-pmtiles.txt"),
    asset!("vendor/VERSIONS.json", "vendor/VERSIONS.json"),
];

/// Writes the web map into `dest` (normally `out/<atlas>/web`).
///
/// `sources` are the atlas's source documents (their text feeds the passage panel).
///
/// # Errors
/// [`WebError::Write`] when a file cannot be written; [`WebError::SourceId`] when a source id
/// is not a safe file name.
pub fn write(
    layers: &Layers,
    sources: &[Source],
    data: &DataSource,
    dest: &Path,
) -> Result<Vec<Written>, WebError> {
    let mut written = vec![];
    // Every file goes through `file`, which streams it into place and names it in an error.
    let mut file = |rel: &str, fill: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
        let path = dest.join(rel);
        written.push(
            write_atomic_with(&path, fill).map_err(|source| WebError::Write { path, source })?,
        );
        Ok::<(), WebError>(())
    };
    for (rel, bytes) in ASSETS {
        file(rel, &|w| w.write_all(bytes))?;
    }
    let style = pretty(&maplibre::style(layers, data));
    file("style.json", &|w| w.write_all(&style))?;
    for (rel, bytes) in glyphs(layers)? {
        file(&rel, &|w| w.write_all(&bytes))?;
    }
    file("atlas.json", &|w| {
        write_pretty_json(w, &AtlasJson { layers, data })
    })?;

    let mut index = vec![];
    for source in sources {
        if !is_safe_name(&source.id) {
            return Err(WebError::SourceId(source.id.clone()));
        }
        let rel = format!("sources/{}.txt", source.id);
        file(&rel, &|w| w.write_all(source.text.as_bytes()))?;
        index.push(json!({
            "id": source.id,
            "title": source.title,
            "author": source.author,
            "published": source.published,
            "url": source.url,
            "licence": source.licence,
            "file": rel,
            "chars": source.text.chars().count(),
        }));
    }
    let index = pretty(&Json::Array(index));
    file("sources.json", &|w| w.write_all(&index))?;

    if *data == DataSource::GeoJson {
        for layer in &layers.basemap {
            file(&format!("basemap/{}.geojson", layer.name), &|w| {
                crate::output::geojson::write_to(layer, w)
            })?;
        }
    }
    Ok(written)
}

/// The first code points of the 256-code-point glyph ranges the site labels need (0 always).
#[must_use]
pub fn glyph_ranges(layers: &Layers) -> Vec<u32> {
    let mut starts = std::collections::BTreeSet::from([0u32]);
    if let Some(sites) = layers.layer("sites") {
        for f in &sites.features {
            if let Some(Value::Text(name)) = sites.value(f, "name") {
                starts.extend(name.chars().map(|c| u32::from(c) & !0xff));
            }
        }
    }
    starts.into_iter().collect()
}

/// The label glyph PBFs, `glyphs/<font>/<start>-<end>.pbf`, from the embedded DejaVu Sans.
fn glyphs(layers: &Layers) -> Result<Vec<(String, Vec<u8>)>, WebError> {
    let face = glyphore_core::FontFace::parse(dejavu::sans::regular())
        .map_err(|e| WebError::Glyphs(e.to_string()))?;
    glyph_ranges(layers)
        .into_iter()
        .map(|start| {
            let pbf = glyphore_core::generate_range(&face, start)
                .map_err(|e| WebError::Glyphs(e.to_string()))?;
            let rel = format!("glyphs/{}/{start}-{}.pbf", style::LABEL_FONT, start + 255);
            Ok((rel, pbf))
        })
        .collect()
}

fn pretty(value: &Json) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

fn is_safe_name(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Rounds to `decimals` places, as a JSON number (`null` if not finite).
fn num(x: f64, decimals: i32) -> Json {
    let scale = 10f64.powi(decimals);
    let r = (x * scale).round() / scale;
    serde_json::Number::from_f64(if r == 0.0 { 0.0 } else { r }).map_or(Json::Null, Json::Number)
}

/// The named fields of one feature of `layer`, as a JSON object.
fn row(layer: &Layer, f: &crate::layers::Feature, fields: &[&str]) -> Json {
    let mut row = Map::new();
    for name in fields {
        let v = layer.value(f, name).map_or(Json::Null, |v| match v {
            Value::Real(x) => num(*x, 6),
            other => json_value(other),
        });
        row.insert((*name).to_owned(), v);
    }
    row.insert("located".into(), Json::Bool(f.geometry.is_some()));
    Json::Object(row)
}

/// The named fields of every feature of `layer`, as a JSON array serialised one row at a time.
fn rows<'a>(
    layer: Option<&'a Layer>,
    fields: &'a [&'a str],
) -> JsonSeq<impl Fn() -> Box<dyn Iterator<Item = Json> + 'a> + 'a> {
    JsonSeq(move || -> Box<dyn Iterator<Item = Json> + 'a> {
        match layer {
            Some(layer) => Box::new(layer.features.iter().map(move |f| row(layer, f, fields))),
            None => Box::new(std::iter::empty()),
        }
    })
}

const SITE_FIELDS: &[&str] = &[
    "id",
    "name",
    "names",
    "kind",
    "lon",
    "lat",
    "uncertainty_m",
    "basis",
    "event_count",
    "source",
    "char_offset",
    "citation",
    "quote",
];

const EVENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "kind",
    "site",
    "site_name",
    "when",
    "start",
    "end",
    "certain_start",
    "certain_end",
    "date_approximate",
    "people_text",
    "is_disputed",
    "source",
    "char_offset",
    "citation",
    "quote",
];

const TRANSFER_FIELDS: &[&str] = &[
    "id",
    "title",
    "kind",
    "from_site",
    "to_site",
    "from_name",
    "to_name",
    "when",
    "start",
    "end",
    "certain_start",
    "certain_end",
    "date_approximate",
    "distance_km",
    "distance_min_km",
    "distance_max_km",
    "people",
    "people_min",
    "people_max",
    "people_text",
    "mode",
    "is_disputed",
    "source",
    "char_offset",
    "citation",
    "quote",
];

/// `atlas.json`: everything the viewer shows besides the map layers.
#[must_use]
pub fn atlas_json(layers: &Layers, data: &DataSource) -> Json {
    serde_json::to_value(AtlasJson { layers, data }).unwrap_or_default()
}

/// `atlas.json` as written: the small members as JSON values, the site, event and transfer
/// tables serialised a row at a time, so the file is streamed and never held whole.
struct AtlasJson<'a> {
    layers: &'a Layers,
    data: &'a DataSource,
}

impl serde::Serialize for AtlasJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let layers = self.layers;
        let mut map = s.serialize_map(None)?;
        for (key, value) in head_members(layers, self.data) {
            map.serialize_entry(key, &value)?;
        }
        map.serialize_entry("sites", &rows(layers.layer("sites"), SITE_FIELDS))?;
        map.serialize_entry("events", &rows(layers.layer("events"), EVENT_FIELDS))?;
        map.serialize_entry(
            "transfers",
            &rows(layers.layer("transfers"), TRANSFER_FIELDS),
        )?;
        map.end()
    }
}

/// The members of `atlas.json` before the tables, in order.
fn head_members(layers: &Layers, data: &DataSource) -> Vec<(&'static str, Json)> {
    let data_json = match data {
        DataSource::Pmtiles(url, _) => json!({"mode": "pmtiles", "pmtiles": url}),
        DataSource::GeoJson => json!({"mode": "geojson"}),
    };
    let layer_list: Vec<Json> = layers
        .atlas
        .iter()
        .rev()
        .map(|l| (l, "atlas"))
        .chain(layers.basemap.iter().rev().map(|l| (l, "basemap")))
        .map(|(l, role)| {
            json!({
                "name": l.name,
                "title": l.title,
                "role": role,
                "features": l.features.len(),
                "located": l.features.iter().filter(|f| f.geometry.is_some()).count(),
            })
        })
        .collect();
    vec![
        ("id", json!(layers.atlas_id)),
        ("title", json!(layers.title)),
        ("description", json!(layers.description)),
        ("licence", json!(layers.licence)),
        ("credits", json!(layers.credits)),
        (
            "extent",
            Json::Array(layers.extent.iter().map(|x| num(*x, 6)).collect()),
        ),
        (
            "time_range",
            json!(layers.time_range.map(|(a, b)| json!({
                "start": a.to_string(),
                "end": b.to_string(),
            }))),
        ),
        ("initial_date", json!(maplibre::initial_date(layers))),
        (
            "periods",
            Json::Array(
                layers
                    .periods
                    .iter()
                    .map(|(id, title, a, b)| {
                        json!({
                            "id": id,
                            "title": title,
                            "start": a.to_string(),
                            "end": b.to_string(),
                        })
                    })
                    .collect(),
            ),
        ),
        ("data", data_json),
        ("layers", Json::Array(layer_list)),
        ("legend", json!(maplibre::legend(layers))),
        ("site_symbols", json!(maplibre::site_symbols(layers))),
        (
            "labels",
            json!({
                "font": style::LABEL_FONT,
                "size_pt": style::LABEL_SIZE_PT,
                "colour": style::LABEL_COLOUR,
                "halo": style::HALO_COLOUR,
                "halo_px": maplibre::px(style::HALO_MM),
            }),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::interchange::fixture::synthetic;

    /// `atlas.json` is streamed a row at a time, with the bytes of the whole JSON value.
    #[test]
    fn the_streamed_atlas_json_has_the_bytes_of_the_whole_value() {
        let s = synthetic();
        for data in [
            DataSource::GeoJson,
            DataSource::Pmtiles("../synth.pmtiles".into(), BTreeMap::new()),
        ] {
            let mut streamed = vec![];
            write_pretty_json(
                &mut streamed,
                &AtlasJson {
                    layers: &s.layers,
                    data: &data,
                },
            )
            .unwrap();
            let whole = atlas_json(&s.layers, &data);
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(pretty(&whole)).unwrap()
            );
            assert!(
                whole["sites"].as_array().is_some_and(|a| a.len() >= 3),
                "{whole}"
            );
            assert!(whole["events"].as_array().is_some_and(|a| !a.is_empty()));
        }
    }
}
