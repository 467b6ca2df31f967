//! Streaming GeoJSON input: RFC 7946 FeatureCollections, single Features, concatenated Features,
//! and GeoJSONSeq (RFC 8142: one Feature per line, each optionally led by the RS character).
//!
//! Nothing is read into memory as one JSON value: a FeatureCollection is walked feature by
//! feature, and each feature goes straight into the tiler's compact [`Store`]. Properties keep
//! their JSON type (string, integer, real, boolean); arrays and objects are kept as JSON text, as
//! tippecanoe does; nulls are dropped. A non-negative integer `id` becomes the MVT feature id.
//! GeometryCollections are split into one feature per member. Other GeoJSON objects are ignored.
//! Longitudes 0..360 are wrapped into -180..180 and shapes crossing the antimeridian are cut
//! there ([`wrap`]).
//! Errors name the file, the line and column, and the feature number.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::store::{AttrValue, Geom, Store};
use super::wrap;
use super::{Progress, TilesError};

/// How GeoJSON properties become tile attributes and which layer features go to.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Put every input into this one layer (default: one layer per file, named after its stem).
    pub layer: Option<String>,
    /// Keep only these properties (empty: all).
    pub include: Vec<String>,
    /// Drop these properties.
    pub exclude: Vec<String>,
    /// Drop all properties.
    pub exclude_all: bool,
    /// Numeric property whose higher values survive thinning first.
    pub priority: Option<String>,
    /// Number the features 1, 2, 3 ... in input order (all files) as their MVT ids, as
    /// tippecanoe does.
    pub generate_ids: bool,
    /// Take the MVT id from this property (a non-negative integer, or a string of digits).
    pub id_attribute: Option<String>,
    /// Properties converted to a type (`-T NAME:int|float|string|bool`).
    pub types: Vec<(String, AttrType)>,
    /// Inputs with their own layer (`-L`), read after the plain inputs.
    pub named: Vec<NamedLayer>,
}

/// One `-L` input: a file into a named layer, as tippecanoe's `-L NAME:FILE` or its JSON form
/// `{"file": ..., "layer": ..., "description": ...}`, here also with `minzoom` and `maxzoom`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedLayer {
    /// The input file.
    pub file: PathBuf,
    /// The layer (default: the file's stem).
    #[serde(default)]
    pub layer: Option<String>,
    /// Description for `vector_layers`.
    #[serde(default)]
    pub description: String,
    /// First zoom of the layer.
    #[serde(default)]
    pub minzoom: Option<u8>,
    /// Last zoom of the layer.
    #[serde(default)]
    pub maxzoom: Option<u8>,
}

/// Parses a `-L` argument: `NAME:FILE` or a JSON object.
///
/// # Errors
/// A message naming what is wrong.
pub fn parse_named_layer(spec: &str) -> Result<NamedLayer, String> {
    if spec.trim_start().starts_with('{') {
        return serde_json::from_str(spec).map_err(|e| format!("-L {spec}: {e}"));
    }
    let (name, file) = spec
        .split_once(':')
        .ok_or_else(|| format!("`{spec}`: expected NAME:FILE or a JSON layer spec"))?;
    Ok(NamedLayer {
        file: file.into(),
        layer: Some(name.to_owned()),
        description: String::new(),
        minzoom: None,
        maxzoom: None,
    })
}

/// The type `-T` converts a property to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    /// Integer (reals are rounded, numeric strings parsed; anything else is dropped).
    Int,
    /// Real number (numeric strings parsed; anything else is dropped).
    Float,
    /// Text (numbers and booleans written as JSON writes them).
    String,
    /// true/false (0, "", "0" and "false" are false).
    Bool,
}

impl std::str::FromStr for AttrType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "int" => Ok(Self::Int),
            "float" => Ok(Self::Float),
            "string" => Ok(Self::String),
            "bool" => Ok(Self::Bool),
            other => Err(format!(
                "unknown type `{other}` (int, float, string or bool)"
            )),
        }
    }
}

/// Parses a `-T` argument `NAME:TYPE`.
///
/// # Errors
/// A message naming what is wrong.
pub fn parse_type_spec(spec: &str) -> Result<(String, AttrType), String> {
    let (name, ty) = spec
        .rsplit_once(':')
        .ok_or_else(|| format!("`{spec}`: expected NAME:int|float|string|bool"))?;
    Ok((name.to_owned(), ty.parse()?))
}

#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn coerce(v: PropValue, ty: AttrType) -> PropValue {
    let num = |v: &PropValue| -> Option<f64> {
        match v {
            PropValue::Int(i) => Some(*i as f64),
            PropValue::UInt(u) => Some(*u as f64),
            PropValue::Float(f) => Some(*f),
            PropValue::Bool(b) => Some(f64::from(u8::from(*b))),
            PropValue::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            PropValue::Null => None,
        }
    };
    match ty {
        AttrType::Int => match v {
            PropValue::Int(_) | PropValue::UInt(_) => v,
            PropValue::Str(ref s) if s.trim().parse::<i64>().is_ok() => {
                PropValue::Int(s.trim().parse::<i64>().unwrap_or(0))
            }
            other => num(&other).map_or(PropValue::Null, |f| PropValue::Int(f.round() as i64)),
        },
        AttrType::Float => num(&v).map_or(PropValue::Null, PropValue::Float),
        AttrType::String => match v {
            PropValue::Null => PropValue::Null,
            PropValue::Str(_) => v,
            PropValue::Bool(b) => PropValue::Str(b.to_string()),
            PropValue::Int(i) => PropValue::Str(i.to_string()),
            PropValue::UInt(u) => PropValue::Str(u.to_string()),
            PropValue::Float(f) => PropValue::Str(serde_json::Value::from(f).to_string()),
        },
        AttrType::Bool => match v {
            PropValue::Null => PropValue::Null,
            PropValue::Bool(_) => v,
            PropValue::Str(s) => {
                let t = s.trim();
                PropValue::Bool(!(t.is_empty() || t == "0" || t.eq_ignore_ascii_case("false")))
            }
            other => PropValue::Bool(num(&other).is_some_and(|f| f != 0.0)),
        },
    }
}

/// The `tippecanoe` member of a feature: its zoom range and layer.
#[derive(Debug, Default, serde::Deserialize)]
struct TcMember {
    minzoom: Option<u8>,
    maxzoom: Option<u8>,
    layer: Option<String>,
}

/// File extensions read as GeoJSONSeq (one feature per line) rather than one JSON document.
pub const SEQ_EXTENSIONS: &[&str] = &["geojsonl", "geojsons", "geojsonseq", "ndjson", "jsonl"];

struct Counting<'p, R> {
    inner: R,
    progress: &'p dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// Reads every input file into a new store, one layer per file (or all into `opts.layer`), each
/// layer shown from `minzoom` to `maxzoom`.
///
/// # Errors
/// [`TilesError::Io`] when a file cannot be read; [`TilesError::Parse`] for JSON or GeoJSON
/// errors, located by line, column and feature.
pub fn read_inputs(
    paths: &[PathBuf],
    opts: &InputOptions,
    minzoom: u8,
    maxzoom: u8,
    progress: &dyn Progress,
) -> Result<Store, TilesError> {
    let mut store = Store::new();
    let mut next_id = 0u64;
    let total: u64 = paths
        .iter()
        .chain(opts.named.iter().map(|n| &n.file))
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    progress.begin("reading", Some(total));
    let plain = paths
        .iter()
        .map(|p| (p, opts.layer.clone(), "", None, None));
    let named = opts.named.iter().map(|n| {
        (
            &n.file,
            n.layer.clone(),
            n.description.as_str(),
            n.minzoom,
            n.maxzoom,
        )
    });
    for (path, layer_name, description, lo, hi) in plain.chain(named) {
        let name = layer_name.unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| "layer".into(), |s| s.to_string_lossy().into_owned())
        });
        let layer = match store.layers.iter().position(|l| l.name == name) {
            Some(i) => u16::try_from(i).unwrap_or(u16::MAX),
            None => store.add_layer(
                &name,
                description,
                lo.unwrap_or(minzoom).max(minzoom),
                hi.unwrap_or(maxzoom).min(maxzoom),
            ),
        };
        read_file(&mut store, layer, path, opts, &mut next_id, progress)?;
    }
    progress.end();
    Ok(store)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> TilesError + '_ {
    move |source| TilesError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_file(
    store: &mut Store,
    layer: u16,
    path: &Path,
    opts: &InputOptions,
    next_id: &mut u64,
    progress: &dyn Progress,
) -> Result<(), TilesError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let file = File::open(path).map_err(io_err(path))?;
    let mut loader = Loader {
        store,
        layer,
        opts,
        count: 0,
        attrs: vec![],
        attr_id: None,
        next_id,
    };
    if ext == "fgb" {
        let r = read_fgb(&mut loader, BufReader::with_capacity(1 << 20, file), path);
        progress.advance(std::fs::metadata(path).map_or(0, |m| m.len()));
        return r;
    }
    let mut reader = BufReader::with_capacity(
        1 << 20,
        Counting {
            inner: file,
            progress,
        },
    );
    let by_ext = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SEQ_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    let starts_with_rs = {
        let head = reader.fill_buf().map_err(io_err(path))?;
        head.iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == 0x1e)
    };
    if ext == "csv" {
        read_csv(&mut loader, reader, path)
    } else if by_ext || starts_with_rs {
        read_seq(&mut loader, reader, path)
    } else {
        let mut de = serde_json::Deserializer::from_reader(reader);
        loop {
            ObjectSeed {
                loader: &mut loader,
            }
            .deserialize(&mut de)
            .map_err(|e| parse_err(path, &e, 0, loader.count))?;
            if de.end().is_ok() {
                break;
            }
        }
        Ok(())
    }
}

fn read_seq(
    loader: &mut Loader<'_>,
    mut reader: impl BufRead,
    path: &Path,
) -> Result<(), TilesError> {
    let mut line = Vec::with_capacity(4096);
    let mut line_no = 0usize;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let start = line
            .iter()
            .position(|b| !(b.is_ascii_whitespace() || *b == 0x1e))
            .unwrap_or(line.len());
        let end = line
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(start, |e| (e + 1).max(start));
        let text = &line[start..end];
        if text.is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_slice(text);
        ObjectSeed { loader }
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(|e| parse_err(path, &e, line_no - 1, loader.count))?;
    }
    Ok(())
}

/// Longitude and latitude column names of CSV input (case-insensitive), as tippecanoe.
const CSV_LON: &[&str] = &["lon", "lng", "long", "longitude", "x"];
const CSV_LAT: &[&str] = &["lat", "latitude", "y"];

fn csv_value(s: &str) -> PropValue {
    let t = s.trim();
    if t.is_empty() {
        PropValue::Null
    } else if let Ok(i) = t.parse::<i64>() {
        PropValue::Int(i)
    } else if let Some(f) = t.parse::<f64>().ok().filter(|f| f.is_finite()) {
        PropValue::Float(f)
    } else {
        PropValue::Str(s.to_owned())
    }
}

/// CSV with a header row: one point per row from its lon/lat columns; every other column is a
/// property (numbers where the text is a number, empty cells absent).
fn read_csv(loader: &mut Loader<'_>, reader: impl Read, path: &Path) -> Result<(), TilesError> {
    let located = |line: u64, column: usize, feature: u64, message: String| TilesError::Parse {
        path: path.to_path_buf(),
        line: usize::try_from(line).unwrap_or(usize::MAX),
        column,
        feature,
        message,
    };
    let csv_err = |e: &csv::Error, feature: u64| {
        let line = e.position().map_or(0, csv::Position::line);
        located(line, 1, feature, e.to_string())
    };
    let mut rdr = csv::ReaderBuilder::new().from_reader(reader);
    let headers = rdr.headers().map_err(|e| csv_err(&e, 0))?.clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let (Some(lon), Some(lat)) = (find(CSV_LON), find(CSV_LAT)) else {
        return Err(located(
            1,
            1,
            0,
            "no longitude and latitude columns (lon, lng, long, longitude or x; lat, latitude or y)"
                .into(),
        ));
    };
    let infos: Vec<Option<KeyInfo>> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (i != lon && i != lat).then(|| loader.key_info(h)))
        .collect();
    let mut rec = csv::StringRecord::new();
    loop {
        let feature = loader.count + 1;
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_err(&e, feature)),
        }
        let line = rec.position().map_or(0, csv::Position::line);
        let column_of = |i: usize| 1 + rec.iter().take(i).map(|f| f.len() + 1).sum::<usize>();
        let coord = |i: usize, what: &str| {
            rec.get(i)
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    located(
                        line,
                        column_of(i),
                        feature,
                        format!("{what} `{}` is not a number", rec.get(i).unwrap_or("")),
                    )
                })
        };
        let p = [coord(lon, "longitude")?, coord(lat, "latitude")?];
        loader.attrs.clear();
        loader.attr_id = None;
        let mut priority = 0.0;
        for (i, info) in infos.iter().enumerate() {
            if let (Some(info), Some(v)) = (info, rec.get(i)) {
                loader.prop(*info, csv_value(v), &mut priority);
            }
        }
        loader
            .add_geoms(vec![Geom::Point(p)], None, priority, &TcMember::default())
            .map_err(|m| located(line, column_of(lon), feature, m))?;
    }
    Ok(())
}

/// Bytes of FlatGeobuf's packed Hilbert R-tree over `count` features with `node`-wide nodes
/// (40 bytes a node, every level down to the root), `None` on overflow.
fn fgb_index_size(count: u64, node: u16) -> Option<u64> {
    let node = u64::from(node.max(2));
    let (mut n, mut nodes) = (count, count);
    loop {
        n = n.div_ceil(node);
        nodes = nodes.checked_add(n)?;
        if n <= 1 {
            break;
        }
    }
    nodes.checked_mul(40)
}

/// Walks the size prefixes of a FlatGeobuf file's features (after the magic bytes, the header
/// and an `index`-byte spatial index; `count` of them, or to the end when 0) and fails on the first one that runs past the file's `len`
/// bytes, naming the feature.
fn fgb_check_feature_sizes(
    path: &Path,
    index: u64,
    len: u64,
    count: u64,
) -> Result<(), (u64, String)> {
    use std::io::{Seek, SeekFrom};
    let io = |e: std::io::Error| (0, e.to_string());
    let mut f = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut word = [0u8; 4];
    f.seek(SeekFrom::Start(8)).map_err(io)?;
    f.read_exact(&mut word).map_err(io)?;
    let mut at = 12 + u64::from(u32::from_le_bytes(word)) + index;
    let mut feature = 0;
    // As the crate reads: up to the header's count when it gives one, and a size prefix cut off
    // by the end of the file ends the features.
    while at < len && (count == 0 || feature < count) {
        feature += 1;
        f.seek(SeekFrom::Start(at)).map_err(io)?;
        if f.read_exact(&mut word).is_err() {
            break;
        }
        let size = u64::from(u32::from_le_bytes(word));
        at += 4 + size;
        if at > len {
            return Err((
                feature,
                format!(
                    "malformed file: the feature claims {size} bytes, past the end of the file"
                ),
            ));
        }
    }
    Ok(())
}

/// A FlatGeobuf column: its name and value type.
type FgbColumn = (String, flatgeobuf::ColumnType);

/// Decodes one feature's property bytes (repeated: a `u16` column index, then the value in the
/// column's type, strings and blobs after a `u32` length) with every offset checked: the
/// `flatgeobuf` crate's own reader indexes the bytes unchecked and panics on a hostile length.
fn fgb_properties(
    bytes: &[u8],
    columns: &[FgbColumn],
    mut each: impl FnMut(&str, PropValue),
) -> Result<(), String> {
    use flatgeobuf::ColumnType as T;
    let bad = |what: &str| format!("malformed properties: {what}");
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let end = at
            .checked_add(n)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| bad("a value runs past the end of the feature"))?;
        let b = &bytes[*at..end];
        *at = end;
        Ok(b)
    };
    let mut at = 0;
    // As GDAL and the crate do: one trailing byte after the last value is tolerated.
    while at + 1 < bytes.len() {
        let idx = usize::from(u16::from_le_bytes(
            take(&mut at, 2)?.try_into().unwrap_or_default(),
        ));
        let (name, ty) = columns
            .get(idx)
            .ok_or_else(|| bad(&format!("column {idx} of {}", columns.len())))?;
        let v = match *ty {
            T::Byte => PropValue::Int(i64::from(take(&mut at, 1)?[0].cast_signed())),
            T::UByte => PropValue::Int(i64::from(take(&mut at, 1)?[0])),
            T::Bool => PropValue::Bool(take(&mut at, 1)?[0] != 0),
            T::Short => PropValue::Int(i64::from(i16::from_le_bytes(
                take(&mut at, 2)?.try_into().unwrap_or_default(),
            ))),
            T::UShort => PropValue::Int(i64::from(u16::from_le_bytes(
                take(&mut at, 2)?.try_into().unwrap_or_default(),
            ))),
            T::Int => PropValue::Int(i64::from(i32::from_le_bytes(
                take(&mut at, 4)?.try_into().unwrap_or_default(),
            ))),
            T::UInt => PropValue::Int(i64::from(u32::from_le_bytes(
                take(&mut at, 4)?.try_into().unwrap_or_default(),
            ))),
            T::Float => PropValue::Float(f64::from(f32::from_le_bytes(
                take(&mut at, 4)?.try_into().unwrap_or_default(),
            ))),
            T::Long => PropValue::Int(i64::from_le_bytes(
                take(&mut at, 8)?.try_into().unwrap_or_default(),
            )),
            T::ULong => {
                let v = u64::from_le_bytes(take(&mut at, 8)?.try_into().unwrap_or_default());
                i64::try_from(v).map_or(PropValue::UInt(v), PropValue::Int)
            }
            T::Double => PropValue::Float(f64::from_le_bytes(
                take(&mut at, 8)?.try_into().unwrap_or_default(),
            )),
            T::String | T::Json | T::DateTime | T::Binary => {
                let len = u32::from_le_bytes(take(&mut at, 4)?.try_into().unwrap_or_default());
                let raw = take(&mut at, usize::try_from(len).unwrap_or(usize::MAX))?;
                if *ty == T::Binary {
                    continue;
                }
                PropValue::Str(
                    std::str::from_utf8(raw)
                        .map_err(|_| bad(&format!("`{name}` is not UTF-8")))?
                        .to_owned(),
                )
            }
            _ => return Err(bad(&format!("`{name}` has an unknown column type"))),
        };
        each(name, v);
    }
    Ok(())
}

/// A FlatGeobuf geometry as tile geometries, read from its flatbuffer with every index checked
/// (the crate's own geometry reader indexes `xy` by the `ends` it is given and panics on a
/// hostile one). `ty` is the header's type, or the geometry's own when the header says Unknown;
/// curves and surfaces are skipped, as before.
fn fgb_geoms(
    g: &flatgeobuf::Geometry<'_>,
    ty: flatgeobuf::GeometryType,
    out: &mut Vec<Geom>,
) -> Result<(), String> {
    use flatgeobuf::GeometryType as T;
    let ty = if ty == T::Unknown { g.type_() } else { ty };
    let xy: Vec<[f64; 2]> = g
        .xy()
        .map(|v| {
            let v: Vec<f64> = v.iter().collect();
            v.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
        })
        .unwrap_or_default();
    // Rings or lines: `ends` are cumulative coordinate counts, rising, within `xy`.
    let split = || -> Result<Vec<Vec<[f64; 2]>>, String> {
        let Some(ends) = g.ends().filter(|e| e.len() > 1) else {
            return Ok(vec![xy.clone()]);
        };
        let mut parts = vec![];
        let mut start = 0;
        for end in ends.iter() {
            let end = usize::try_from(end).unwrap_or(usize::MAX);
            if end < start || end > xy.len() {
                return Err(format!(
                    "malformed geometry: a part ends at coordinate {end} of {}",
                    xy.len()
                ));
            }
            parts.push(xy[start..end].to_vec());
            start = end;
        }
        Ok(parts)
    };
    let parts = || g.parts().into_iter().flat_map(|p| p.iter());
    match ty {
        T::Point => {
            if let Some(p) = xy.first() {
                out.push(Geom::Point(*p));
            }
        }
        T::MultiPoint => out.push(Geom::MultiPoint(xy.clone())),
        T::LineString => out.push(Geom::Lines(vec![xy.clone()])),
        T::MultiLineString => out.push(Geom::Lines(split()?)),
        T::Polygon => out.push(Geom::Polygons(vec![split()?])),
        T::MultiPolygon => {
            let mut polys = vec![];
            for part in parts() {
                let mut one = vec![];
                fgb_geoms(&part, T::Polygon, &mut one)?;
                polys.extend(one.into_iter().flat_map(|g| match g {
                    Geom::Polygons(p) => p,
                    _ => vec![],
                }));
            }
            if polys.is_empty() && !xy.is_empty() {
                polys.push(split()?);
            }
            out.push(Geom::Polygons(polys));
        }
        T::GeometryCollection => {
            for part in parts() {
                fgb_geoms(&part, T::Unknown, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// FlatGeobuf (WGS84 lon/lat): geometry through `geozero`, typed properties kept typed.
fn read_fgb(
    loader: &mut Loader<'_>,
    reader: impl Read + std::io::Seek,
    path: &Path,
) -> Result<(), TilesError> {
    use flatgeobuf::{FallibleStreamingIterator, FgbReader};
    let err = |feature: u64, message: String| TilesError::Parse {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        feature,
        message,
    };
    let fgb = FgbReader::open(reader).map_err(|e| err(0, e.to_string()))?;
    if let Some(code) = fgb.header().crs().map(|c| c.code())
        && code != 0
        && code != 4326
    {
        return Err(err(
            0,
            format!("coordinates in EPSG:{code}; only WGS84 lon/lat (EPSG:4326) can be tiled"),
        ));
    }
    // The crate computes the index size it skips unchecked (an overflow, or an assertion on a
    // node size of 1, on a hostile header): checked here first, against the file's length.
    let (count, node) = (
        fgb.header().features_count(),
        fgb.header().index_node_size(),
    );
    let len = std::fs::metadata(path).map_or(u64::MAX, |m| m.len());
    let mut index = 0;
    if node > 0 && count > 0 {
        match fgb_index_size(count, node) {
            Some(size) if node >= 2 && size <= len => index = size,
            _ => {
                return Err(err(
                    0,
                    format!(
                        "malformed header: a spatial index of {count} features with nodes of \
                         {node} cannot fit in the file's {len} bytes"
                    ),
                ));
            }
        }
    }
    // The crate allocates each feature's claimed size before reading it (up to 4 GB for a
    // hostile size prefix): every prefix is walked and checked against the file first.
    fgb_check_feature_sizes(path, index, len, count).map_err(|(feature, m)| err(feature, m))?;
    let geometry_type = fgb.header().geometry_type();
    let columns: Vec<FgbColumn> = fgb
        .header()
        .columns()
        .map(|cs| {
            cs.iter()
                .map(|c| (c.name().to_owned(), c.type_()))
                .collect()
        })
        .unwrap_or_default();
    let mut features = fgb.select_all().map_err(|e| err(0, e.to_string()))?;
    loop {
        let feature = loader.count + 1;
        let Some(f) = features.next().map_err(|e| err(feature, e.to_string()))? else {
            break;
        };
        loader.attrs.clear();
        loader.attr_id = None;
        let mut priority = 0.0;
        if let Some(bytes) = f.fbs_feature().properties() {
            fgb_properties(bytes.bytes(), &columns, |name, v| {
                let info = loader.key_info(name);
                if info.0.is_some() || info.1 {
                    loader.prop(info, v, &mut priority);
                }
            })
            .map_err(|m| err(feature, m))?;
        }
        let mut geoms = vec![];
        if let Some(g) = f.geometry() {
            fgb_geoms(&g, geometry_type, &mut geoms).map_err(|m| err(feature, m))?;
        }
        loader
            .add_geoms(geoms, None, priority, &TcMember::default())
            .map_err(|m| err(feature, m))?;
    }
    Ok(())
}

fn parse_err(path: &Path, e: &serde_json::Error, line_offset: usize, feature: u64) -> TilesError {
    if e.is_io() {
        return TilesError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        };
    }
    let msg = e.to_string();
    // serde_json appends " at line L column C"; we print the position ourselves.
    let message = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m)
        .to_owned();
    TilesError::Parse {
        path: path.to_path_buf(),
        line: e.line() + line_offset,
        column: e.column(),
        feature: feature + 1,
        message,
    }
}

/// See [`Loader::key_info`].
type KeyInfo = (Option<u32>, bool, Option<AttrType>, bool, bool);

struct Loader<'a> {
    store: &'a mut Store,
    layer: u16,
    opts: &'a InputOptions,
    count: u64,
    attrs: Vec<u8>,
    /// The id read from `--use-attribute-for-id`'s property.
    attr_id: Option<u64>,
    next_id: &'a mut u64,
}

impl Loader<'_> {
    fn add(
        &mut self,
        geometry: Option<RawGeometry>,
        id: Option<u64>,
        priority: f32,
        tc: TcMember,
    ) -> Result<(), String> {
        let mut geoms = vec![];
        if let Some(g) = geometry {
            to_geoms(g, &mut geoms)?;
        }
        self.add_geoms(geoms, id, priority, &tc)
    }

    /// Adds one input feature (split into `geoms`) with the properties read into `self.attrs`.
    fn add_geoms(
        &mut self,
        geoms: Vec<Geom>,
        mut id: Option<u64>,
        priority: f32,
        tc: &TcMember,
    ) -> Result<(), String> {
        if self.opts.id_attribute.is_some() {
            id = self.attr_id;
        }
        if self.opts.generate_ids {
            *self.next_id += 1;
            id = Some(*self.next_id);
        }
        let layer = match &tc.layer {
            Some(name) => match self.store.layers.iter().position(|l| &l.name == name) {
                Some(i) => u16::try_from(i).unwrap_or(u16::MAX),
                None => {
                    let (min, max) = self
                        .store
                        .layers
                        .get(usize::from(self.layer))
                        .map_or((0, 14), |l| (l.minzoom, l.maxzoom));
                    self.store.add_layer(name, "", min, max)
                }
            },
            None => self.layer,
        };
        if let (Some(lo), Some(hi)) = (tc.minzoom, tc.maxzoom)
            && lo > hi
        {
            return Err(format!("tippecanoe minzoom {lo} is above maxzoom {hi}"));
        }
        if !geoms.is_empty() {
            let mut wrapped = wrap::Wrapped::default();
            let mut added = 0;
            for geom in geoms {
                let (geom, w) = wrap::normalize(geom);
                wrapped.shifted |= w.shifted;
                wrapped.split |= w.split;
                let n = self
                    .store
                    .add_feature(layer, id, &self.attrs, &geom, false, priority)
                    .map_err(|e| e.to_string())?;
                if n > 0
                    && let Some(f) = self.store.features.last_mut()
                {
                    f.minzoom = tc.minzoom.unwrap_or(0);
                    f.maxzoom = tc.maxzoom.unwrap_or(u8::MAX);
                }
                added += n;
            }
            if added > 0 {
                let attrs = std::mem::take(&mut self.attrs);
                self.store.note_fields(layer, &attrs);
                self.attrs = attrs;
            }
            self.store.wrapped += u64::from(wrapped.shifted);
            self.store.split += u64::from(wrapped.split);
        }
        self.count += 1;
        Ok(())
    }

    /// How property `name` is treated: its interned key if kept, whether it is special (id or
    /// priority), its `-T` type, whether it is the id, whether it is the priority.
    fn key_info(&mut self, name: &str) -> KeyInfo {
        let (key, special) = self.key_decision(name);
        let o = self.opts;
        let ty = o.types.iter().find(|t| t.0 == name).map(|t| t.1);
        (
            key,
            special,
            ty,
            o.id_attribute.as_deref() == Some(name),
            o.priority.as_deref() == Some(name),
        )
    }

    /// Takes one property value into the feature being read.
    fn prop(&mut self, info: KeyInfo, mut v: PropValue, priority: &mut f32) {
        let (key, _, ty, is_id, is_priority) = info;
        if let Some(ty) = ty {
            v = coerce(v, ty);
        }
        if is_id {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let id = match &v {
                PropValue::Int(i) => u64::try_from(*i).ok(),
                PropValue::UInt(u) => Some(*u),
                PropValue::Float(f) if *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19 => {
                    Some(*f as u64)
                }
                PropValue::Str(s) => s.trim().parse::<u64>().ok(),
                _ => None,
            };
            self.attr_id = id;
        }
        if is_priority {
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            let p = match &v {
                PropValue::Int(i) => *i as f32,
                PropValue::UInt(u) => *u as f32,
                PropValue::Float(f) => *f as f32,
                PropValue::Bool(b) => f32::from(u8::from(*b)),
                PropValue::Str(s) => s.trim().parse().unwrap_or(0.0),
                PropValue::Null => 0.0,
            };
            *priority = p;
        }
        let Some(k) = key else { return };
        let value = match &v {
            PropValue::Null => return,
            PropValue::Bool(b) => AttrValue::Bool(*b),
            PropValue::Int(i) => AttrValue::Int(*i),
            PropValue::UInt(u) => AttrValue::UInt(*u),
            PropValue::Float(f) => AttrValue::Double(*f),
            PropValue::Str(s) => AttrValue::Str(s),
        };
        let mut attrs = std::mem::take(&mut self.attrs);
        self.store.encode_attr(&mut attrs, k, &value);
        self.attrs = attrs;
    }

    fn key_decision(&mut self, key: &str) -> (Option<u32>, bool) {
        let o = self.opts;
        let is_priority =
            o.priority.as_deref() == Some(key) || o.id_attribute.as_deref() == Some(key);
        let included = !o.exclude_all
            && (o.include.is_empty() || o.include.iter().any(|k| k == key))
            && !o.exclude.iter().any(|k| k == key);
        (included.then(|| self.store.key(key)), is_priority)
    }
}

#[derive(Clone, Copy)]
enum TopKey {
    Type,
    Features,
    Geometry,
    Properties,
    Id,
    Tippecanoe,
    Other,
}

impl<'de> de::Deserialize<'de> for TopKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TopKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TopKey, E> {
                Ok(match v {
                    "type" => TopKey::Type,
                    "features" => TopKey::Features,
                    "geometry" => TopKey::Geometry,
                    "properties" => TopKey::Properties,
                    "id" => TopKey::Id,
                    "tippecanoe" => TopKey::Tippecanoe,
                    _ => TopKey::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

struct ObjectSeed<'l, 'a> {
    loader: &'l mut Loader<'a>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON Feature or FeatureCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let loader = self.loader;
        let mut ty: Option<String> = None;
        let mut geometry: Option<RawGeometry> = None;
        let mut id = None;
        let mut priority = 0.0f32;
        let mut props_seen = false;
        let mut tc = TcMember::default();
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::Type => ty = Some(map.next_value()?),
                TopKey::Features => map.next_value_seed(FeaturesSeed {
                    loader: &mut *loader,
                })?,
                TopKey::Geometry => geometry = map.next_value()?,
                TopKey::Tippecanoe => {
                    tc = map.next_value::<Option<TcMember>>()?.unwrap_or_default();
                }
                TopKey::Properties => {
                    loader.attrs.clear();
                    loader.attr_id = None;
                    props_seen = true;
                    priority = map.next_value_seed(PropsSeed {
                        loader: &mut *loader,
                    })?;
                }
                TopKey::Id => {
                    id = map.next_value::<serde_json::Value>()?.as_u64();
                }
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if ty.as_deref() == Some("Feature") {
            if !props_seen {
                loader.attrs.clear();
                loader.attr_id = None;
            }
            loader
                .add(geometry, id, priority, tc)
                .map_err(de::Error::custom)?;
        }
        Ok(())
    }
}

struct FeaturesSeed<'l, 'a> {
    loader: &'l mut Loader<'a>,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ObjectSeed {
                loader: &mut *self.loader,
            })?
            .is_some()
        {}
        Ok(())
    }
}

struct PropsSeed<'l, 'a> {
    loader: &'l mut Loader<'a>,
}

impl<'de> DeserializeSeed<'de> for PropsSeed<'_, '_> {
    type Value = f32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<f32, D::Error> {
        d.deserialize_any(self)
    }
}

struct PropKeySeed<'l, 'a> {
    loader: &'l mut Loader<'a>,
}

impl<'de> DeserializeSeed<'de> for PropKeySeed<'_, '_> {
    type Value = KeyInfo;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for PropKeySeed<'_, '_> {
    type Value = KeyInfo;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.loader.key_info(v))
    }
}

impl<'de> Visitor<'de> for PropsSeed<'_, '_> {
    type Value = f32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a properties object or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<f32, E> {
        Ok(0.0)
    }

    fn visit_none<E: de::Error>(self) -> Result<f32, E> {
        Ok(0.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<f32, A::Error> {
        let loader = self.loader;
        let mut priority = 0.0f32;
        while let Some((key, special, ty, is_id, is_priority)) = map.next_key_seed(PropKeySeed {
            loader: &mut *loader,
        })? {
            if key.is_none() && !special {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let v: PropValue = map.next_value()?;
            loader.prop((key, special, ty, is_id, is_priority), v, &mut priority);
        }
        Ok(priority)
    }
}

enum PropValue {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

impl<'de> de::Deserialize<'de> for PropValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<PropValue, E> {
                Ok(PropValue::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<PropValue, E> {
                Ok(PropValue::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<PropValue, E> {
                Ok(PropValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PropValue, E> {
                Ok(PropValue::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PropValue, E> {
                Ok(i64::try_from(v).map_or(PropValue::UInt(v), PropValue::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PropValue, E> {
                Ok(PropValue::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PropValue, E> {
                Ok(PropValue::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<PropValue, E> {
                Ok(PropValue::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<PropValue, A::Error> {
                let v: serde_json::Value =
                    de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(PropValue::Str(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PropValue, A::Error> {
                let v: serde_json::Value =
                    de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(PropValue::Str(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(serde::Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    ty: String,
    coordinates: Option<Nested>,
    geometries: Option<Vec<RawGeometry>>,
}

/// GeoJSON coordinates of any depth, read without an allocation per position: a position
/// and a list of positions are read flat, deeper lists nest.
enum Nested {
    Num(f64),
    Pos([f64; 2]),
    /// A list of positions (a line or a ring).
    Line(Vec<[f64; 2]>),
    List(Vec<Nested>),
}

/// "expected …, found …" of a coordinate that has the wrong depth.
fn found(n: &Nested) -> &'static str {
    match n {
        Nested::Num(_) => "a number",
        Nested::Pos(_) => "a position",
        Nested::Line(_) => "a list of positions",
        Nested::List(_) => "a nested list",
    }
}

impl<'de> de::Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Nested;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("coordinates (numbers in nested arrays)")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Nested, E> {
                Ok(Nested::Num(v))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Nested, E> {
                Ok(Nested::Num(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Nested, E> {
                Ok(Nested::Num(v as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Nested, A::Error> {
                // The first element tells the depth: a number opens a position, a position a line.
                match seq.next_element::<Nested>()? {
                    None => Ok(Nested::List(vec![])),
                    Some(Nested::Num(x)) => {
                        let Some(y) = seq.next_element::<f64>()? else {
                            return Err(de::Error::custom(
                                "a position must start with two numbers",
                            ));
                        };
                        // Elevation and other members are read and left.
                        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                        Ok(Nested::Pos([x, y]))
                    }
                    Some(Nested::Pos(p)) => {
                        let mut line = Vec::with_capacity(seq.size_hint().unwrap_or(16).max(2));
                        line.push(p);
                        while let Some(n) = seq.next_element::<Nested>()? {
                            match n {
                                Nested::Pos(p) => line.push(p),
                                other => {
                                    return Err(de::Error::custom(format!(
                                        "expected a position [lon, lat], found {}",
                                        found(&other)
                                    )));
                                }
                            }
                        }
                        Ok(Nested::Line(line))
                    }
                    Some(first) => {
                        let mut v = vec![first];
                        while let Some(n) = seq.next_element()? {
                            v.push(n);
                        }
                        Ok(Nested::List(v))
                    }
                }
            }
        }
        d.deserialize_any(V)
    }
}

fn position(n: Nested) -> Result<[f64; 2], String> {
    match n {
        Nested::Pos(p) => Ok(p),
        Nested::List(v) if v.is_empty() => Err("a position must start with two numbers".into()),
        other => Err(format!(
            "expected a position [lon, lat], found {}",
            found(&other)
        )),
    }
}

fn list(n: Nested) -> Result<Vec<Nested>, String> {
    match n {
        Nested::List(v) => Ok(v),
        Nested::Line(v) => Ok(v.into_iter().map(Nested::Pos).collect()),
        other => Err(format!(
            "expected an array of coordinates, found {}",
            found(&other)
        )),
    }
}

fn positions(n: Nested) -> Result<Vec<[f64; 2]>, String> {
    match n {
        Nested::Line(v) => Ok(v),
        Nested::List(v) if v.is_empty() => Ok(vec![]),
        other => Err(format!(
            "expected an array of positions, found {}",
            found(&other)
        )),
    }
}

fn to_geoms(g: RawGeometry, out: &mut Vec<Geom>) -> Result<(), String> {
    if g.ty == "GeometryCollection" {
        for member in g.geometries.unwrap_or_default() {
            to_geoms(member, out)?;
        }
        return Ok(());
    }
    let c = g
        .coordinates
        .ok_or_else(|| format!("{} geometry without coordinates", g.ty))?;
    let geom = match g.ty.as_str() {
        "Point" => Geom::Point(position(c)?),
        "MultiPoint" => Geom::MultiPoint(positions(c)?),
        "LineString" => Geom::Lines(vec![positions(c)?]),
        "MultiLineString" => Geom::Lines(
            list(c)?
                .into_iter()
                .map(positions)
                .collect::<Result<_, _>>()?,
        ),
        "Polygon" => Geom::Polygons(vec![
            list(c)?
                .into_iter()
                .map(positions)
                .collect::<Result<_, _>>()?,
        ]),
        "MultiPolygon" => Geom::Polygons(
            list(c)?
                .into_iter()
                .map(|p| {
                    list(p)?
                        .into_iter()
                        .map(positions)
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(format!("unknown geometry type `{other}`")),
    };
    out.push(geom);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::Quiet;

    #[test]
    fn a_flatgeobuf_feature_claiming_more_bytes_than_the_file_is_refused_before_reading() {
        use crate::layers::{Feature, FieldType, GeometryKind, Layer, LayerRole, Value};
        let mut layer = Layer::new(
            "pts",
            "Points",
            LayerRole::Atlas,
            GeometryKind::Point,
            &[("name", FieldType::Text)],
        );
        for i in 0..3 {
            layer.features.push(Feature {
                id: format!("p{i}"),
                geometry: Some(geo::Geometry::Point(geo::Point::new(f64::from(i), 1.0))),
                values: vec![Value::Text(format!("n{i}"))],
            });
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.fgb");
        let (mut bytes, _) = crate::output::interchange::fgb::to_bytes(&layer, &path).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let len = bytes.len() as u64;
        let header = u64::from(u32::from_le_bytes(bytes[8..12].try_into().unwrap()));
        let index = fgb_index_size(3, 16).unwrap();
        assert_eq!(fgb_check_feature_sizes(&path, index, len, 3), Ok(()));
        // The second feature claims 4 GB.
        let first = usize::try_from(12 + header + index).unwrap();
        let size = u32::from_le_bytes(bytes[first..first + 4].try_into().unwrap()) as usize;
        let second = first + 4 + size;
        bytes[second..second + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let (feature, message) = fgb_check_feature_sizes(&path, index, len, 3).unwrap_err();
        assert_eq!(feature, 2);
        assert!(
            message.contains("4294967295 bytes, past the end"),
            "{message}"
        );
        let e = read_inputs(&[path], &InputOptions::default(), 0, 4, &Quiet).unwrap_err();
        assert!(e.to_string().contains("feature 2: malformed file"), "{e}");
    }

    #[test]
    fn flatgeobuf_index_size_matches_the_crate_and_never_overflows() {
        for (count, node) in [
            (1u64, 16u16),
            (2, 2),
            (100, 16),
            (1_000_003, 16),
            (70_000, 65535),
        ] {
            let want = flatgeobuf::packed_r_tree::PackedRTree::index_size(
                usize::try_from(count).unwrap(),
                node,
            ) as u64;
            assert_eq!(fgb_index_size(count, node), Some(want), "{count} {node}");
        }
        assert_eq!(fgb_index_size(u64::MAX, 16), None);
    }

    #[test]
    fn flatgeobuf_properties_are_decoded_with_every_length_checked() {
        use flatgeobuf::ColumnType as T;
        let cols = vec![("name".to_owned(), T::String), ("n".to_owned(), T::Int)];
        let mut bytes = vec![0, 0, 3, 0, 0, 0];
        bytes.extend(b"abc");
        bytes.extend([1, 0]);
        bytes.extend((-7i32).to_le_bytes());
        let mut got = vec![];
        fgb_properties(&bytes, &cols, |k, v| got.push((k.to_owned(), v))).unwrap();
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[0], (k, PropValue::Str(s)) if k == "name" && s == "abc"));
        assert!(matches!(&got[1], (k, PropValue::Int(-7)) if k == "n"));
        // A string claiming 2^31 bytes, an int cut short, an unknown column: errors, no panic.
        let long = [0, 0, 0, 0, 0, 0x80, b'x'];
        assert!(
            fgb_properties(&long, &cols, |_, _| {})
                .unwrap_err()
                .contains("past the end")
        );
        let short = [1, 0, 7, 0];
        assert!(fgb_properties(&short, &cols, |_, _| {}).is_err());
        let unknown = [9, 0, 1, 2, 3, 4];
        assert!(
            fgb_properties(&unknown, &cols, |_, _| {})
                .unwrap_err()
                .contains("column 9")
        );
    }
    use crate::tiles::store::AttrRef;

    fn read_text(name: &str, text: &str, opts: &InputOptions) -> Result<Store, TilesError> {
        let dir = std::env::temp_dir().join(format!("gazmap-source-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let r = read_inputs(&[path], opts, 0, 14, &Quiet);
        let _ = std::fs::remove_dir_all(&dir);
        r
    }

    const FC: &str = r#"{"type":"FeatureCollection","name":"x","features":[
      {"type":"Feature","properties":{"name":"Vorkuta","pop":58133,"rank":1.5,"ok":true,"tags":["a",1],"nothing":null},
       "geometry":{"type":"Point","coordinates":[64.03,67.5]},"id":7},
      {"geometry":{"coordinates":[[50,60],[51,61]],"type":"LineString"},"type":"Feature","properties":null},
      {"type":"Feature","properties":{"name":"empty"},"geometry":null},
      {"type":"Feature","properties":{"k":"gc"},"geometry":{"type":"GeometryCollection","geometries":[
        {"type":"Point","coordinates":[1,2]},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]}}
    ]}"#;

    #[test]
    fn a_feature_collection_streams_into_the_store() {
        let s = read_text("places.geojson", FC, &InputOptions::default()).unwrap();
        assert_eq!(s.layers()[0].name, "places");
        assert_eq!(s.len(), 4);
        assert_eq!(s.points.len(), 2);
        assert_eq!(s.shapes.len(), 2);
        let f = s.features[0];
        assert_eq!(s.feature_id(&f), Some(7));
        let attrs: Vec<(String, AttrRef<'_>)> = s
            .attrs(&f)
            .map(|(k, v)| (s.key_name(k).to_owned(), v))
            .collect();
        assert_eq!(
            attrs,
            vec![
                ("name".into(), AttrRef::Str("Vorkuta")),
                ("pop".into(), AttrRef::Int(58133)),
                ("rank".into(), AttrRef::Double(1.5)),
                ("ok".into(), AttrRef::Bool(true)),
                ("tags".into(), AttrRef::Str(r#"["a",1]"#)),
            ]
        );
        assert_eq!(s.attrs(&s.features[1]).count(), 0);
    }

    #[test]
    fn geojsonseq_with_record_separators() {
        let text = "\u{1e}{\"type\":\"Feature\",\"properties\":{\"a\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[10,20]}}\n\n\u{1e}{\"type\":\"Feature\",\"properties\":{\"a\":2},\"geometry\":{\"type\":\"Point\",\"coordinates\":[11,21]}}\n";
        let s = read_text("pts.json", text, &InputOptions::default()).unwrap();
        assert_eq!(s.len(), 2);
        let s = read_text(
            "pts.geojsonl",
            &text.replace('\u{1e}', ""),
            &InputOptions::default(),
        )
        .unwrap();
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn include_exclude_and_priority() {
        let opts = InputOptions {
            exclude: vec!["pop".into()],
            priority: Some("pop".into()),
            ..InputOptions::default()
        };
        let s = read_text("p.geojson", FC, &opts).unwrap();
        let f = s.features[0];
        assert!(s.attrs(&f).all(|(k, _)| s.key_name(k) != "pop"));
        assert!((s.points[0].priority - 58133.0).abs() < 1.0);
        let only = InputOptions {
            include: vec!["name".into()],
            ..InputOptions::default()
        };
        let s = read_text("p.geojson", FC, &only).unwrap();
        assert_eq!(s.attrs(&s.features[0]).count(), 1);
    }

    #[test]
    fn errors_are_located() {
        let bad = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}},\n{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[400,2]}}\n]}";
        let e = read_text("bad.geojson", bad, &InputOptions::default()).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("bad.geojson:3:"), "{text}");
        assert!(text.contains("feature 2"), "{text}");
        let e = read_text(
            "broken.geojsonl",
            "{\"type\":\"Feature\"\n",
            &InputOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("broken.geojsonl:1:"), "{e}");
    }
}
