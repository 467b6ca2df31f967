//! Newline-delimited GeoJSON ("GeoJSONSeq"): one RFC 7946 Feature per line, one file per atlas
//! layer (`<layer>.geojsonl`), for tools that stream features (GDAL's GeoJSONSeq driver,
//! tippecanoe, `jq -c`, line-oriented Unix tools).
//!
//! We write the newline-delimited form, *not* RFC 8142's record-separator form: no `0x1E`
//! before each record, each Feature is compact JSON on its own line ending in `\n`. GDAL reads
//! both forms; tippecanoe and most line-based tools expect this one. The features are exactly
//! those of the layer's `.geojson` file (same ids, properties, 6-decimal coordinates, in id
//! order); features without a place have `"geometry": null`. An empty layer is an empty file.

use std::path::Path;

use super::InterchangeError;
use crate::layers::{Layer, Layers};
use crate::output::geojson::to_feature;
use crate::output::{Written, write_atomic_with};

/// The layer as newline-delimited GeoJSON text.
///
/// # Errors
/// [`InterchangeError::Encode`] if a feature cannot be serialised.
pub fn to_text(layer: &Layer) -> Result<String, InterchangeError> {
    let path = Path::new(&layer.name).with_extension("geojsonl");
    let mut out = vec![];
    write_to(layer, &mut out).map_err(InterchangeError::encode(&path))?;
    String::from_utf8(out).map_err(InterchangeError::encode(&path))
}

/// Streams the layer into `w`, one feature (and line) at a time.
///
/// # Errors
/// I/O errors from `w`.
pub fn write_to(layer: &Layer, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &layer.features {
        serde_json::to_writer(&mut *w, &to_feature(layer, f))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `dir/<layer>.geojsonl` for every atlas layer, each streamed to its file.
///
/// # Errors
/// [`InterchangeError`] when a file cannot be encoded or written.
pub fn write(layers: &Layers, dir: &Path) -> Result<Vec<Written>, InterchangeError> {
    layers
        .atlas
        .iter()
        .map(|layer| {
            let path = dir.join(format!("{}.geojsonl", layer.name));
            write_atomic_with(&path, |w| write_to(layer, w)).map_err(InterchangeError::io(&path))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::interchange::fixture::synthetic;

    #[test]
    fn one_feature_per_line_matching_the_layer() {
        let s = synthetic();
        let events = s.layers.layer("events").unwrap();
        let text = to_text(events).unwrap();
        assert!(!text.contains('\u{1e}'), "no RFC 8142 record separators");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), events.features.len());
        for (line, f) in lines.iter().zip(&events.features) {
            let parsed: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(parsed["type"], "Feature");
            assert_eq!(parsed["id"], f.id.as_str());
            assert_eq!(
                parsed["properties"]["quote"],
                s.layers
                    .layer("events")
                    .unwrap()
                    .value(f, "quote")
                    .map_or(serde_json::Value::Null, crate::output::geojson::json_value)
            );
        }
        let nowhere: serde_json::Value =
            serde_json::from_str(lines.iter().find(|l| l.contains("\"nowhere\"")).unwrap())
                .unwrap();
        assert!(nowhere["geometry"].is_null());
        let strike: serde_json::Value =
            serde_json::from_str(lines.iter().find(|l| l.contains("\"strike\"")).unwrap()).unwrap();
        assert_eq!(
            strike["geometry"]["coordinates"],
            serde_json::json!([64.05, 67.49])
        );
        assert_eq!(strike["properties"]["start"], "1936-10-27");
    }

    #[test]
    fn writes_one_file_per_atlas_layer() {
        let s = synthetic();
        let dir = tempfile::tempdir().unwrap();
        let written = write(&s.layers, dir.path()).unwrap();
        assert_eq!(written.len(), s.layers.atlas.len());
        for (w, layer) in written.iter().zip(&s.layers.atlas) {
            let text = std::fs::read_to_string(&w.path).unwrap();
            assert_eq!(text.lines().count(), layer.features.len(), "{}", layer.name);
        }
    }
}
