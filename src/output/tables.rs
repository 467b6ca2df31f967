//! CSV tables: the all-pairs distance matrix, transfers, claims and the timeline.
//!
//! Distances are geodesic on WGS84, in **kilometres** with three decimals (metre precision).

use std::path::Path;

use crate::geodesy;
use crate::layers::{Feature, Layer, Layers, Value};
use crate::output::{FileError, Written, write_atomic_with};

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

/// The chosen columns of a layer as CSV rows (header first), made one at a time.
fn layer_rows<'a>(
    layer: &'a Layer,
    columns: &'a [&'a str],
) -> impl Iterator<Item = Vec<String>> + 'a {
    let idx: Vec<Option<usize>> = columns.iter().map(|c| layer.field_index(c)).collect();
    let header = columns.iter().map(|c| (*c).to_owned()).collect();
    std::iter::once(header).chain(layer.features.iter().map(move |f| {
        idx.iter()
            .map(|i| {
                i.and_then(|i| f.values.get(i))
                    .map(cell)
                    .unwrap_or_default()
            })
            .collect()
    }))
}

/// Located sites up to which a build writes `distances.csv` by default: 2,000 sites make a
/// matrix of 4 million cells (about 32 MB). Above it the matrix is written only on request
/// (`gazmap build --all-pairs`, or `gazmap matrix`).
pub const ALL_PAIRS_DEFAULT_MAX_SITES: usize = 2000;

/// The all-pairs geodesic distance matrix of the located sites, in km, as CSV.
///
/// # Errors
/// Only if CSV encoding fails.
pub fn distance_matrix_csv(layers: &Layers) -> std::io::Result<Vec<u8>> {
    let mut out = vec![];
    write_distance_matrix(layers, &mut out)?;
    Ok(out)
}

/// Streams the all-pairs matrix (header row, then one row per located site) into `w`, rows
/// computed in parallel a batch at a time, so memory stays one batch of rows whatever the size.
/// Returns the bytes written.
///
/// # Errors
/// I/O errors from `w`.
pub fn write_distance_matrix(layers: &Layers, w: &mut dyn std::io::Write) -> std::io::Result<u64> {
    use rayon::prelude::*;
    let sites = crate::layers::located_sites(layers);
    let ids: Vec<std::borrow::Cow<'_, [u8]>> = sites.iter().map(|s| csv_field(&s.id)).collect();
    let mut header = b"site".to_vec();
    for id in &ids {
        header.push(b',');
        header.extend_from_slice(id);
    }
    header.push(b'\n');
    w.write_all(&header)?;
    let mut bytes = header.len() as u64;
    const BATCH: usize = 64;
    let starts: Vec<usize> = (0..sites.len()).step_by(BATCH).collect();
    for start in starts {
        let rows: Vec<Vec<u8>> = (start..(start + BATCH).min(sites.len()))
            .into_par_iter()
            .map(|i| {
                let a = sites[i].point;
                let mut row = Vec::with_capacity(ids[i].len() + 9 * sites.len() + 1);
                row.extend_from_slice(&ids[i]);
                for b in &sites {
                    row.push(b',');
                    push_km(&mut row, geodesy::distance_m(a, b.point) / 1000.0);
                }
                row.push(b'\n');
                row
            })
            .collect();
        for row in rows {
            w.write_all(&row)?;
            bytes += row.len() as u64;
        }
    }
    Ok(bytes)
}

/// One CSV field as the csv crate writes it (quoted only when it must be).
fn csv_field(s: &str) -> std::borrow::Cow<'_, [u8]> {
    // (An empty field inside a row is written empty.)
    if !s.contains([',', '"', '\n', '\r']) {
        return std::borrow::Cow::Borrowed(s.as_bytes());
    }
    let mut w = csv::Writer::from_writer(vec![]);
    let _ = w.write_field(s);
    let _ = w.write_record(None::<&[u8]>);
    let mut v = w.into_inner().unwrap_or_default();
    v.pop(); // the record terminator
    std::borrow::Cow::Owned(v)
}

/// Appends `km` as `format!("{km:.3}")` would, without the formatting machinery: through whole
/// metres, except near a rounding tie (or out of range) where the exact formatter decides.
fn push_km(out: &mut Vec<u8>, km: f64) {
    let x = km * 1000.0;
    let frac = x - x.floor();
    if !(0.0..9.0e15).contains(&x) || (frac - 0.5).abs() < 1e-6 {
        use std::io::Write as _;
        let _ = write!(out, "{km:.3}");
        return;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = x.round() as u64;
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(n / 1000).as_bytes());
    let m = n % 1000;
    #[allow(clippy::cast_possible_truncation)]
    out.extend_from_slice(&[
        b'.',
        b'0' + (m / 100) as u8,
        b'0' + (m / 10 % 10) as u8,
        b'0' + (m % 10) as u8,
    ]);
}

/// Streams the all-pairs matrix into `path` (atomically).
///
/// # Errors
/// I/O errors from writing.
pub fn write_distance_matrix_file(layers: &Layers, path: &Path) -> std::io::Result<Written> {
    write_atomic_with(path, |w| write_distance_matrix(layers, w).map(drop))
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

/// Every event and movement in date order (earliest day, then latest day, then id), as CSV
/// rows (header first). Only the sort keys are held; each row is made as it is written.
fn timeline_rows(layers: &Layers) -> impl Iterator<Item = Vec<String>> + '_ {
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
    let get = |layer: &Layer, f: &Feature, c: &str| layer.value(f, c).map(cell).unwrap_or_default();
    let mut keys: Vec<(String, String, &str, &Layer, &Feature)> = vec![];
    for name in ["events", "transfers"] {
        let Some(layer) = layers.layer(name) else {
            continue;
        };
        for f in &layer.features {
            keys.push((
                get(layer, f, "start"),
                get(layer, f, "end"),
                &f.id,
                layer,
                f,
            ));
        }
    }
    // Stable, so rows equal on all three keep events before transfers, as when rows were sorted.
    keys.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    let header = header.iter().map(|h| (*h).to_owned()).collect();
    std::iter::once(header).chain(keys.into_iter().map(move |(start, end, id, layer, f)| {
        let get = |c: &str| get(layer, f, c);
        let place = if layer.name == "events" {
            get("site")
        } else {
            format!("{} -> {}", get("from_site"), get("to_site"))
        };
        vec![
            start,
            end,
            get("when"),
            id.to_owned(),
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
        ]
    }))
}

/// Streams CSV rows into `w`.
fn write_rows(
    w: &mut dyn std::io::Write,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    for row in rows {
        csv.write_record(&row).map_err(std::io::Error::other)?;
    }
    csv.flush()
}

/// Writes `distances.csv`, `transfers.csv`, `claims.csv` and `timeline.csv` into `dir`, each
/// streamed to its file; `distances.csv` only up to [`ALL_PAIRS_DEFAULT_MAX_SITES`] located
/// sites unless `all_pairs`.
///
/// # Errors
/// I/O errors from writing, naming the file.
pub fn write(layers: &Layers, dir: &Path, all_pairs: bool) -> Result<Vec<Written>, FileError> {
    let mut written = vec![];
    let mut file = |name: &str, fill: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
        let path = dir.join(name);
        written.push(write_atomic_with(&path, fill).map_err(FileError::on(&path))?);
        Ok::<(), FileError>(())
    };
    if all_pairs || crate::layers::located_sites(layers).len() <= ALL_PAIRS_DEFAULT_MAX_SITES {
        file("distances.csv", &|w| {
            write_distance_matrix(layers, w).map(drop)
        })?;
    }
    if let Some(l) = layers.layer("transfers") {
        file("transfers.csv", &|w| {
            write_rows(w, layer_rows(l, TRANSFER_COLUMNS))
        })?;
    }
    if let Some(l) = layers.layer("claims") {
        file("claims.csv", &|w| {
            write_rows(w, layer_rows(l, CLAIM_COLUMNS))
        })?;
    }
    file("timeline.csv", &|w| write_rows(w, timeline_rows(layers)))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The matrix row as it was written before streaming: `format!("{:.3}")` through csv.
    fn reference_row(km: &[f64]) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(vec![]);
        let mut row = vec!["a_site".to_owned()];
        row.extend(km.iter().map(|k| format!("{k:.3}")));
        w.write_record(&row).unwrap();
        w.into_inner().unwrap()
    }

    #[test]
    fn km_cells_match_the_float_formatter() {
        let mut km = vec![
            0.0,
            0.0004,
            0.0005,
            0.0015,
            1.0005,
            2.5,
            39.9995,
            12_345.678_5,
            20_003.93,
        ];
        // Many ordinary distances, and many that sit on a rounding tie.
        let mut x = 0.123_456_789_f64;
        for i in 0..20_000 {
            x = (x * 7919.0 + 0.618_033_988_7).fract();
            km.push(x * 3000.0);
            km.push(f64::from(i) / 2000.0);
        }
        let mut row = b"a_site".to_vec();
        for k in &km {
            row.push(b',');
            push_km(&mut row, *k);
        }
        row.push(b'\n');
        assert_eq!(
            String::from_utf8(row).unwrap(),
            String::from_utf8(reference_row(&km)).unwrap()
        );
    }

    #[test]
    fn ids_are_quoted_as_csv_quotes_them() {
        for id in ["plain", "with,comma", "with \"quote\"", "line\nbreak", ""] {
            let mut w = csv::Writer::from_writer(vec![]);
            w.write_record([id, "x"]).unwrap();
            let expected = w.into_inner().unwrap();
            let mut got = csv_field(id).into_owned();
            got.extend_from_slice(b",x\n");
            assert_eq!(got, expected, "{id:?}");
        }
    }
}
