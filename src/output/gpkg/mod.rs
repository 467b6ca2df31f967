//! OGC GeoPackage 1.2 (`user_version` 10200): every atlas and basemap layer in one SQLite file,
//! styled and with a QGIS project inside, written with rusqlite (bundled SQLite).
//!
//! What is written:
//! - the core tables `gpkg_spatial_ref_sys` (the required rows -1 and 0, plus EPSG:4326),
//!   `gpkg_contents`, `gpkg_geometry_columns` and `gpkg_extensions`;
//! - one feature table per layer (`fid INTEGER PRIMARY KEY AUTOINCREMENT`, `geom`, then the
//!   layer's fields in schema order: Text → `TEXT`, Integer → `INTEGER`, Real → `REAL`,
//!   Boolean → `BOOLEAN` (0/1), Date → `DATE` holding `YYYY-MM-DD`; the EDTF original stays in the
//!   `when` TEXT column). Geometry columns are `POINT`/`MULTIPOINT`, `MULTILINESTRING` or
//!   `MULTIPOLYGON`; blobs carry the `GP` header with an XY envelope (see [`blob`]); features with
//!   no place have a NULL `geom`;
//! - the R-tree spatial index extension (`gpkg_rtree_index`) per feature table, with the
//!   triggers of GeoPackage 1.2 Annex F.3 so an editor keeps it in step;
//! - attribute tables `sources` (the source documents, with their full text so the character
//!   offsets can be followed) and `citations` (layer, feature id, source id, character offset,
//!   quote), both registered in `gpkg_contents`;
//! - `layer_styles` with one default QML per feature table (the DDL QGIS 3.22 creates itself),
//!   and, if given, a QGIS project in `qgis_projects` (QGIS' own layout: the `.qgz` bytes as hex
//!   text).
//!
//! Timestamps (`last_change`, `update_time`, project metadata) come from [`BuildTime`], never
//! from the clock, so two builds give the same bytes. Not supported: tiles, Z/M coordinates,
//! other CRSs, the `gpkg_metadata` and schema extensions.

pub mod blob;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params, types::Value as Sql};

use crate::layers::{FieldType, Layer, Layers, Value};
use crate::model::Source;
use crate::output::Written;
use crate::output::stamp::BuildTime;
use crate::style::qml;
use blob::{BlobError, ColumnType, Envelope};

/// The SRS every layer uses.
pub const SRS_ID: i32 = 4326;
/// Name of the geometry column of every feature table.
pub const GEOM_COLUMN: &str = "geom";
/// Name of the primary key column of every table.
pub const FID_COLUMN: &str = "fid";
/// `PRAGMA application_id`: ASCII "GPKG".
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version`: GeoPackage 1.2.0.
pub const USER_VERSION: i32 = 10200;

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,\
AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],\
UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],\
AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// Tables that are not layers; a layer may not take these names.
pub const RESERVED_TABLES: &[&str] = &["sources", "citations", "layer_styles", "qgis_projects"];

/// Why the GeoPackage could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GpkgError {
    /// SQLite failed.
    #[error("GeoPackage {path}: SQLite: {source}")]
    Sqlite {
        /// The file being written.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The file could not be moved into place.
    #[error("GeoPackage {path}: {source}")]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A feature's geometry does not fit its layer.
    #[error("layer {layer}, feature {feature}: {source}")]
    Geometry {
        /// Layer name.
        layer: String,
        /// Feature id.
        feature: String,
        /// What is wrong.
        source: BlobError,
    },
    /// A layer has a field named like the key or geometry column.
    #[error("layer {layer}: field {field:?} clashes with the GeoPackage column of that name")]
    ReservedField {
        /// Layer name.
        layer: String,
        /// Field name.
        field: String,
    },
    /// Two layers (or a layer and a GeoPackage table) share a name.
    #[error("table name {0:?} is used twice (or is reserved)")]
    DuplicateTable(String),
}

/// What goes into the GeoPackage besides the layers.
#[derive(Debug, Clone, Copy)]
pub struct Extras<'a> {
    /// Source documents for the `sources` table.
    pub sources: &'a [Source],
    /// A QGIS project to store in `qgis_projects`: its name and `.qgz` bytes.
    pub project: Option<(&'a str, &'a [u8])>,
    /// The timestamp written everywhere a time is needed.
    pub time: BuildTime,
}

/// Double-quotes an SQL identifier.
#[must_use]
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQL column type for a field type.
#[must_use]
pub fn sql_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "TEXT",
        FieldType::Integer => "INTEGER",
        FieldType::Real => "REAL",
        FieldType::Boolean => "BOOLEAN",
        FieldType::Date => "DATE",
    }
}

/// The SQLite value stored for a layer value (dates as `YYYY-MM-DD` text, booleans as 0/1,
/// non-finite reals as NULL).
#[must_use]
pub fn sql_value(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Text(s) => Sql::Text(s.clone()),
        Value::Integer(n) => Sql::Integer(*n),
        Value::Real(x) if x.is_finite() => Sql::Real(*x),
        Value::Real(_) => Sql::Null,
        Value::Boolean(b) => Sql::Integer(i64::from(*b)),
        Value::Date(d) => Sql::Text(d.to_string()),
    }
}

/// Name of the R-tree table of a feature table.
#[must_use]
pub fn rtree_name(table: &str) -> String {
    format!("rtree_{table}_{GEOM_COLUMN}")
}

const CORE_DDL: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
";

const LAYER_STYLES_DDL: &str = "CREATE TABLE layer_styles (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \
\"f_table_catalog\" TEXT(256), \"f_table_schema\" TEXT(256), \"f_table_name\" TEXT(256), \
\"f_geometry_column\" TEXT(256), \"styleName\" TEXT(30), \"styleQML\" TEXT, \"styleSLD\" TEXT, \
\"useAsDefault\" BOOLEAN, \"description\" TEXT, \"owner\" TEXT(30), \"ui\" TEXT(30), \
\"update_time\" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))";

/// The R-tree triggers of GeoPackage 1.2 Annex F.3 for table `t`.
fn rtree_triggers(t: &str) -> String {
    let rt = ident(&rtree_name(t));
    let tq = ident(t);
    let name = |suffix: &str| ident(&format!("{}_{suffix}", rtree_name(t)));
    let (c, i) = (ident(GEOM_COLUMN), ident(FID_COLUMN));
    let values =
        format!("NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})");
    format!(
        "CREATE TRIGGER {ins} AFTER INSERT ON {tq} WHEN (new.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c})) \
BEGIN INSERT OR REPLACE INTO {rt} VALUES ({values}); END;
CREATE TRIGGER {u1} AFTER UPDATE OF {c} ON {tq} WHEN OLD.{i} = NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) \
BEGIN INSERT OR REPLACE INTO {rt} VALUES ({values}); END;
CREATE TRIGGER {u2} AFTER UPDATE OF {c} ON {tq} WHEN OLD.{i} = NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) \
BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; END;
CREATE TRIGGER {u3} AFTER UPDATE ON {tq} WHEN OLD.{i} != NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) \
BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; INSERT OR REPLACE INTO {rt} VALUES ({values}); END;
CREATE TRIGGER {u4} AFTER UPDATE ON {tq} WHEN OLD.{i} != NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) \
BEGIN DELETE FROM {rt} WHERE id IN (OLD.{i}, NEW.{i}); END;
CREATE TRIGGER {del} AFTER DELETE ON {tq} WHEN old.{c} NOT NULL \
BEGIN DELETE FROM {rt} WHERE id = OLD.{i}; END;
",
        ins = name("insert"),
        u1 = name("update1"),
        u2 = name("update2"),
        u3 = name("update3"),
        u4 = name("update4"),
        del = name("delete"),
    )
}

/// Writes every layer of `layers` (basemap first, then the atlas, in draw order) and the extras
/// to `dest`, atomically (built as a temporary sibling, then renamed).
///
/// # Errors
/// [`GpkgError`] naming the file, or the layer and feature at fault.
pub fn write(layers: &Layers, extras: &Extras<'_>, dest: &Path) -> Result<Written, GpkgError> {
    let io = |source| GpkgError::Io {
        path: dest.to_path_buf(),
        source,
    };
    let tmp = crate::atomic::temp_beside(dest).map_err(io)?;
    let mut conn = Connection::open(tmp.path()).map_err(|source| GpkgError::Sqlite {
        path: dest.to_path_buf(),
        source,
    })?;
    fill(&mut conn, layers, extras).map_err(|e| match e {
        Fill::Sqlite(source) => GpkgError::Sqlite {
            path: dest.to_path_buf(),
            source,
        },
        Fill::Other(e) => e,
    })?;
    conn.close().map_err(|(_, source)| GpkgError::Sqlite {
        path: dest.to_path_buf(),
        source,
    })?;
    let bytes = tmp.as_file().metadata().map_err(io)?.len();
    crate::atomic::persist(tmp, dest).map_err(io)?;
    Ok(Written {
        path: dest.to_path_buf(),
        bytes,
    })
}

enum Fill {
    Sqlite(rusqlite::Error),
    Other(GpkgError),
}

impl From<rusqlite::Error> for Fill {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<GpkgError> for Fill {
    fn from(e: GpkgError) -> Self {
        Self::Other(e)
    }
}

fn fill(conn: &mut Connection, layers: &Layers, extras: &Extras<'_>) -> Result<(), Fill> {
    // A fresh temporary file: no journal needed (a failed build deletes it).
    conn.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION}; \
         PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
    ))?;
    let tx = conn.transaction()?;
    tx.execute_batch(CORE_DDL)?;
    tx.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES \
         ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'), \
         ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'), \
         ('WGS 84 geodetic', ?1, 'EPSG', ?1, ?2, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        params![SRS_ID, WGS84_WKT],
    )?;
    let stamp = extras.time.gpkg();

    let mut taken: Vec<String> = RESERVED_TABLES.iter().map(|s| (*s).to_owned()).collect();
    for layer in layers.all() {
        let lower = layer.name.to_lowercase();
        if taken.contains(&lower) || lower.starts_with("gpkg_") || lower.starts_with("rtree_") {
            return Err(GpkgError::DuplicateTable(layer.name.clone()).into());
        }
        taken.push(lower);
        let description = match layer.role {
            crate::layers::LayerRole::Atlas => format!("{}: {}", layers.title, layer.title),
            crate::layers::LayerRole::Basemap => format!("Basemap: {}", layer.title),
        };
        write_layer(&tx, layer, &description, &stamp)?;
    }
    write_sources(&tx, extras.sources, &stamp)?;
    write_citations(&tx, layers, &stamp)?;

    tx.execute_batch(LAYER_STYLES_DDL)?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) \
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS default styles', ?1, 0)",
        params![stamp],
    )?;
    for layer in layers.all() {
        tx.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, \
             styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) \
             VALUES ('', '', ?1, ?2, ?3, ?4, '', 1, ?5, '', NULL, ?6)",
            params![
                layer.name,
                GEOM_COLUMN,
                layer.name,
                qml::layer_qml(layer, &layers.vocabulary),
                format!("gazmap style for {}", layer.title),
                stamp
            ],
        )?;
    }

    if let Some((name, qgz)) = extras.project {
        tx.execute_batch(
            "CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)",
        )?;
        let metadata = format!(
            "{{\"last_modified_time\": \"{}\", \"last_modified_user\": \"gazmap\" }}",
            extras.time.iso_seconds()
        );
        tx.execute(
            "INSERT INTO qgis_projects VALUES (?1, ?2, ?3)",
            params![name, metadata, hex(qgz)],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Lower-case hex, as QGIS stores projects (`QByteArray::toHex`).
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn write_layer(
    tx: &rusqlite::Transaction<'_>,
    layer: &Layer,
    description: &str,
    stamp: &str,
) -> Result<(), Fill> {
    for f in &layer.fields {
        let lower = f.name.to_lowercase();
        if lower == FID_COLUMN || lower == GEOM_COLUMN {
            return Err(GpkgError::ReservedField {
                layer: layer.name.clone(),
                field: f.name.clone(),
            }
            .into());
        }
    }
    let column = ColumnType::for_layer(
        layer.geometry,
        layer.features.iter().filter_map(|f| f.geometry.as_ref()),
    );
    let t = ident(&layer.name);
    let mut ddl = format!(
        "CREATE TABLE {t} ({} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {} {}",
        ident(FID_COLUMN),
        ident(GEOM_COLUMN),
        column.sql_name()
    );
    for f in &layer.fields {
        ddl.push_str(&format!(", {} {}", ident(&f.name), sql_type(f.ty)));
    }
    ddl.push(')');
    tx.execute_batch(&ddl)?;

    let mut cols = vec![ident(GEOM_COLUMN)];
    cols.extend(layer.fields.iter().map(|f| ident(&f.name)));
    let marks = vec!["?"; cols.len()].join(", ");
    let rt = ident(&rtree_name(&layer.name));
    tx.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {rt} USING rtree(id, minx, maxx, miny, maxy)"
    ))?;
    let mut extent: Option<Envelope> = None;
    {
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {t} ({}) VALUES ({marks})",
            cols.join(", ")
        ))?;
        let mut index = tx.prepare(&format!("INSERT INTO {rt} VALUES (?1, ?2, ?3, ?4, ?5)"))?;
        for feature in &layer.features {
            let geom_err = |source| GpkgError::Geometry {
                layer: layer.name.clone(),
                feature: feature.id.clone(),
                source,
            };
            let blob = match &feature.geometry {
                Some(g) => {
                    let g = blob::conform(g, column).map_err(geom_err)?;
                    blob::gpkg_blob(&g, SRS_ID).map_err(geom_err)?
                }
                None => None,
            };
            let mut row: Vec<Sql> = Vec::with_capacity(cols.len());
            row.push(
                blob.as_ref()
                    .map_or(Sql::Null, |(bytes, _)| Sql::Blob(bytes.clone())),
            );
            row.extend(feature.values.iter().map(sql_value));
            row.resize(cols.len(), Sql::Null);
            insert.execute(rusqlite::params_from_iter(row))?;
            if let Some((_, env)) = blob {
                let fid = tx.last_insert_rowid();
                index.execute(params![fid, env.min_x, env.max_x, env.min_y, env.max_y])?;
                extent = Some(extent.map_or(env, |e| e.union(env)));
            }
        }
    }
    tx.execute_batch(&rtree_triggers(&layer.name))?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, \
         min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            layer.name,
            layer.title,
            description,
            stamp,
            extent.map(|e| e.min_x),
            extent.map(|e| e.min_y),
            extent.map(|e| e.max_x),
            extent.map(|e| e.max_y),
            SRS_ID
        ],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
        params![layer.name, GEOM_COLUMN, column.sql_name(), SRS_ID],
    )?;
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, ?2, 'gpkg_rtree_index', \
         'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![layer.name, GEOM_COLUMN],
    )?;
    Ok(())
}

fn write_sources(
    tx: &rusqlite::Transaction<'_>,
    sources: &[Source],
    stamp: &str,
) -> Result<(), Fill> {
    tx.execute_batch(
        "CREATE TABLE sources (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, id TEXT NOT NULL UNIQUE, \
         title TEXT, author TEXT, published TEXT, url TEXT, licence TEXT, file TEXT, \
         char_count INTEGER, text TEXT)",
    )?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) \
         VALUES ('sources', 'attributes', 'Source documents', \
         'The documents the atlas cites; citations.char_offset counts characters into text', ?1, 0)",
        params![stamp],
    )?;
    let mut sorted: Vec<&Source> = sources.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut insert = tx.prepare(
        "INSERT INTO sources (id, title, author, published, url, licence, file, char_count, text) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for s in sorted {
        let file = s.path.file_name().map(|n| n.to_string_lossy().into_owned());
        let chars = i64::try_from(s.text.chars().count()).unwrap_or(i64::MAX);
        insert.execute(params![
            s.id,
            s.title,
            s.author,
            s.published,
            s.url,
            s.licence,
            file,
            chars,
            s.text
        ])?;
    }
    Ok(())
}

fn write_citations(
    tx: &rusqlite::Transaction<'_>,
    layers: &Layers,
    stamp: &str,
) -> Result<(), Fill> {
    tx.execute_batch(
        "CREATE TABLE citations (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, layer TEXT NOT NULL, \
         feature_id TEXT NOT NULL, source_id TEXT NOT NULL, char_offset INTEGER, citation TEXT, quote TEXT)",
    )?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) \
         VALUES ('citations', 'attributes', 'Citations', \
         'Where each feature''s words come from: source, character offset and quote', ?1, 0)",
        params![stamp],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO citations (layer, feature_id, source_id, char_offset, citation, quote) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for layer in &layers.atlas {
        let Some(src) = layer.field_index("source") else {
            continue;
        };
        for f in &layer.features {
            let Some(Value::Text(source_id)) = f.values.get(src) else {
                continue;
            };
            let get = |name: &str| layer.value(f, name).map_or(Sql::Null, sql_value);
            insert.execute(params![
                layer.name,
                f.id,
                source_id,
                get("char_offset"),
                get("citation"),
                get("quote")
            ])?;
        }
    }
    Ok(())
}
