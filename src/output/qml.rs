//! QGIS style files next to the GeoJSON layers: `sites.qml` beside `sites.geojson`, so that
//! QGIS styles a GeoJSON file opened on its own (it loads `<data file stem>.qml` as the default
//! style). The styles come from [`crate::style::qml`], the same as in the GeoPackage's
//! `layer_styles`, time settings included.

use std::path::Path;

use crate::layers::Layer;
use crate::output::{Written, write_atomic};
use crate::style::Vocabulary;
use crate::style::qml::layer_qml;

/// Writes `dir/<layer name>.qml` for `layer` of an atlas whose site kinds are `vocabulary`.
///
/// # Errors
/// I/O errors from writing the file.
pub fn write(layer: &Layer, vocabulary: &Vocabulary, dir: &Path) -> std::io::Result<Written> {
    write_atomic(
        &dir.join(format!("{}.qml", layer.name)),
        layer_qml(layer, vocabulary).as_bytes(),
    )
}
