//! CSV tables: the all-pairs distance matrix, transfers, claims and the timeline.
//!
//! Distances are geodesic on WGS84, in **kilometres** with three decimals (metre precision).

use std::path::Path;

use crate::geodesy;
use crate::layers::{Layer, Layers, Value};
use crate::output::{Written, write_atomic};

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Text(s) => s.clone(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => format!("{}", (x * 1000.0).round() / 1000.0),
        Value::Boolean(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
    }
}

fn csv_bytes(rows: Vec<Vec<String>>) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![]);
    for row in rows {
        w.write_record(&row).map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The chosen columns of a layer as CSV rows (header first).
fn layer_rows(layer: &Layer, columns: &[&str]) -> Vec<Vec<String>> {
    let idx: Vec<Option<usize>> = columns.iter().map(|c| layer.field_index(c)).collect();
    let mut rows = vec![columns.iter().map(|c| (*c).to_owned()).collect()];
    for f in &layer.features {
        rows.push(
            idx.iter()
                .map(|i| {
                    i.and_then(|i| f.values.get(i))
                        .map(cell)
                        .unwrap_or_default()
                })
                .collect(),
        );
    }
    rows
}

/// The all-pairs geodesic distance matrix of the located sites, in km, as CSV.
///
/// # Errors
/// Only if CSV encoding fails.
pub fn distance_matrix_csv(layers: &Layers) -> std::io::Result<Vec<u8>> {
    let sites = crate::layers::located_sites(layers);
    let mut rows = vec![
        std::iter::once("site".to_owned())
            .chain(sites.iter().map(|s| s.id.clone()))
            .collect(),
    ];
    for a in &sites {
        let mut row = vec![a.id.clone()];
        for b in &sites {
            let km = geodesy::distance_m(a.point, b.point) / 1000.0;
            row.push(format!("{:.3}", km));
        }
        rows.push(row);
    }
    csv_bytes(rows)
}

const TRANSFER_COLUMNS: &[&str] = &[
    "id",
    "title",
    "kind",
    "from_site",
    "from_name",
    "to_site",
    "to_name",
    "when",
    "start",
    "end",
    "distance_km",
    "distance_min_km",
    "distance_max_km",
    "bearing_deg",
    "people",
    "people_min",
    "people_max",
    "people_text",
    "mode",
    "disputed",
    "citation",
    "quote",
];

const CLAIM_COLUMNS: &[&str] = &[
    "id",
    "from_site",
    "to_site",
    "stated_km",
    "tolerance_km",
    "computed_km",
    "min_km",
    "max_km",
    "status",
    "by_construction",
    "notes",
    "citation",
    "quote",
];

/// Every event and movement in date order (earliest day, then latest day, then id), as CSV.
fn timeline_rows(layers: &Layers) -> Vec<Vec<String>> {
    let header = [
        "start",
        "end",
        "when",
        "id",
        "title",
        "kind",
        "place",
        "people",
        "people_min",
        "people_max",
        "people_text",
        "mode",
        "disputed",
        "citation",
        "quote",
    ];
    let mut rows: Vec<Vec<String>> = vec![];
    for name in ["events", "transfers"] {
        let Some(layer) = layers.layer(name) else {
            continue;
        };
        for f in &layer.features {
            let get = |c: &str| layer.value(f, c).map(cell).unwrap_or_default();
            let place = if name == "events" {
                get("site")
            } else {
                format!("{} -> {}", get("from_site"), get("to_site"))
            };
            rows.push(vec![
                get("start"),
                get("end"),
                get("when"),
                f.id.clone(),
                get("title"),
                get("kind"),
                place,
                get("people"),
                get("people_min"),
                get("people_max"),
                get("people_text"),
                get("mode"),
                get("disputed"),
                get("citation"),
                get("quote"),
            ]);
        }
    }
    rows.sort_by(|a, b| (&a[0], &a[1], &a[3]).cmp(&(&b[0], &b[1], &b[3])));
    rows.insert(0, header.iter().map(|h| (*h).to_owned()).collect());
    rows
}

/// Writes `distances.csv`, `transfers.csv`, `claims.csv` and `timeline.csv` into `dir`.
///
/// # Errors
/// I/O errors from writing.
pub fn write(layers: &Layers, dir: &Path) -> std::io::Result<Vec<Written>> {
    let mut written = vec![write_atomic(
        &dir.join("distances.csv"),
        &distance_matrix_csv(layers)?,
    )?];
    if let Some(l) = layers.layer("transfers") {
        written.push(write_atomic(
            &dir.join("transfers.csv"),
            &csv_bytes(layer_rows(l, TRANSFER_COLUMNS))?,
        )?);
    }
    if let Some(l) = layers.layer("claims") {
        written.push(write_atomic(
            &dir.join("claims.csv"),
            &csv_bytes(layer_rows(l, CLAIM_COLUMNS))?,
        )?);
    }
    written.push(write_atomic(
        &dir.join("timeline.csv"),
        &csv_bytes(timeline_rows(layers))?,
    )?);
    Ok(written)
}
