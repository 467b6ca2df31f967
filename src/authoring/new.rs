//! `gazmap new DIR --source FILE`: a new atlas folder that `gazmap check` accepts as it stands,
//! with a commented `atlas.toml` and the CSV files' header rows.

use std::path::{Component, Path, PathBuf};

/// How the new atlas refers to its source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceMode {
    /// Copy the text into `DIR/sources/` (the atlas folder then stands alone).
    Copy,
    /// Refer to the file where it is (relative to the atlas when it can be).
    Reference,
}

/// Why a new atlas could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NewError {
    /// The folder already holds files.
    #[error("{} already exists and is not empty: choose a new folder", .0.display())]
    NotEmpty(PathBuf),
    /// The source text cannot be read or is not UTF-8.
    #[error("cannot read the source {}: {source}", .path.display())]
    Source {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What [`create`] wrote.
#[derive(Debug, Clone)]
pub struct Created {
    /// Atlas id (from the folder name).
    pub id: String,
    /// Source id (from the source file name).
    pub source_id: String,
    /// Files written, in order.
    pub files: Vec<PathBuf>,
    /// The path `atlas.toml` gives for the source.
    pub source_ref: String,
}

/// `snake_case` ASCII id from a file or folder name (`Voyage of 1832.txt` -> `voyage_of_1832`).
#[must_use]
pub fn id_from_name(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('_') && !id.is_empty() {
            id.push('_');
        }
    }
    let id = id.trim_end_matches('_').to_owned();
    match id.chars().next() {
        None => "atlas".into(),
        Some(c) if c.is_ascii_digit() => format!("a_{id}"),
        Some(_) => id,
    }
}

/// `target` relative to `base` when both are absolute (`../seeds/x.txt`), else `target` as
/// given.
fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let (Ok(t), Ok(b)) = (std::path::absolute(target), std::path::absolute(base)) else {
        return target.to_path_buf();
    };
    let t: Vec<Component<'_>> = t.components().collect();
    let b: Vec<Component<'_>> = b.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return target.to_path_buf();
    }
    let mut rel = PathBuf::new();
    for _ in common..b.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c.as_os_str());
    }
    rel
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn atlas_toml(id: &str, source_id: &str, source_ref: &str, title: &str) -> String {
    format!(
        r##"# The atlas: one folder with this file, sites.csv, events.csv, claims.csv and optionally
# lines.geojson. Column meanings: data/README.md in the gazmap repository. `gazmap check` (inside
# this folder) reports every problem at once; `gazmap quote "some words"` finds a passage of the
# source and prints it exactly as the source writes it, ready to paste into a `quote` cell.

[atlas]
id = {id}                 # snake_case; names the outputs ({id_plain}.gpkg, ...)
title = {title}
description = ""          # one paragraph: what the atlas maps, from which source
licence = ""              # licence of the atlas data, e.g. "CC-BY-4.0"
credits = []              # printed on maps, e.g. ["Data: A. Historian", "Basemap: ..."]
base_uri = ""             # stable URI prefix for Linked Places @id, e.g. "https://example.org/places/"
# extent = [lon_min, lat_min, lon_max, lat_max]   # default map extent, WGS84 degrees
# time_range = "1832/1836"                        # EDTF interval the time slider covers
# movement_label = "Voyage of the ship"           # legend text of movements (default "Movement of people")

# A basemap folder of GeoJSON layers (relative to this file); without one, maps show no land.
# [basemap]
# dir = "../basemap"
# credit = "GSHHG / DCW-GMT, © The GMT Team, LGPL-3.0-or-later"

# Each source text is UTF-8 plain text; every `quote` cell must be an exact substring of it.
# `file` is relative to this file and may point anywhere (e.g. "../../seeds/journal.txt").
[[sources]]
id = {source_id}
file = {source_ref}
title = ""                # title of the work
author = ""
published = ""            # EDTF, e.g. "1839"
# url = ""
# licence = "public domain"

# Kinds of place (the `kind` column of sites.csv). Built in: settlement, city, building, region,
# river, railway, port, island, mountain, volcano, lake, sea, bay, cape, landing. Add your own, or
# change a built-in one (keys left out keep its values); legends list only the kinds you use.
# See data/README.md, "[[kinds]]".
# [[kinds]]
# id = "anchorage"
# label = "Anchorage"           # legend text
# symbol = "diamond"            # circle, square, triangle, diamond, star or cross
# colour = "#2166ac"            # "#rrggbb"
# size_mm = 2.6                 # optional, symbol size on paper
# label_priority = 60           # optional, higher is labelled first on printed maps (default 50)

# Named phases of the story (used by printed sheets with `each_period` and the web map).
# [[periods]]
# id = "outward"
# title = "The outward voyage"
# when = "1832-01/1832-06"

# Printed sheets (gazmap print / build): see data/README.md, "Printed sheets".
# [[sheets]]
# id = "overview"
# title = "The voyage"
# paper = "A3"                  # A4, A3 or letter
# orientation = "landscape"     # or portrait
# extent = [lon_min, lat_min, lon_max, lat_max]   # or: sites = ["a", "b"] and margin_km = 50.0
"##,
        id = toml_string(id),
        id_plain = id,
        title = toml_string(title),
        source_id = toml_string(source_id),
        source_ref = toml_string(source_ref),
    )
}

/// Makes a new atlas in `dir` (created; must be missing or empty) citing `source`.
///
/// # Errors
/// [`NewError`] when `dir` holds files, the source is unreadable or not UTF-8, or a file cannot
/// be written.
pub fn create(dir: &Path, source: &Path, mode: SourceMode) -> Result<Created, NewError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| NewError::Write { path, source }
    };
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(write_err(dir))?
            .next()
            .is_some()
    {
        return Err(NewError::NotEmpty(dir.to_path_buf()));
    }
    let text = std::fs::read(source).map_err(|e| NewError::Source {
        path: source.to_path_buf(),
        source: e,
    })?;
    if let Err(e) = std::str::from_utf8(&text) {
        return Err(NewError::Source {
            path: source.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not UTF-8 ({e}): save it as UTF-8 plain text"),
            ),
        });
    }
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let dir_name = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let id = id_from_name(&dir_name);
    let file_name = source
        .file_name()
        .map_or_else(|| "source.txt".into(), |n| n.to_string_lossy().into_owned());
    let stem = Path::new(&file_name)
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let source_id = id_from_name(&stem);
    let mut files = vec![];
    let source_ref = match mode {
        SourceMode::Copy => {
            let to = dir.join("sources").join(&file_name);
            std::fs::create_dir_all(dir.join("sources")).map_err(write_err(dir))?;
            crate::output::write_atomic(&to, &text).map_err(write_err(&to))?;
            files.push(to);
            format!("sources/{file_name}")
        }
        SourceMode::Reference => relative_to(source, dir)
            .to_string_lossy()
            .replace('\\', "/"),
    };
    let title = dir_name.replace(['_', '-'], " ");
    let toml_path = dir.join("atlas.toml");
    crate::output::write_atomic(
        &toml_path,
        atlas_toml(&id, &source_id, &source_ref, title.trim()).as_bytes(),
    )
    .map_err(write_err(&toml_path))?;
    files.push(toml_path);
    for name in ["sites.csv", "events.csv", "claims.csv"] {
        let columns = crate::load::csv_columns(name).unwrap_or_default();
        let header: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let path = dir.join(name);
        crate::output::write_atomic(&path, format!("{}\n", header.join(",")).as_bytes())
            .map_err(write_err(&path))?;
        files.push(path);
    }
    Ok(Created {
        id,
        source_id,
        files,
        source_ref,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_names() {
        assert_eq!(id_from_name("Voyage of 1832"), "voyage_of_1832");
        assert_eq!(id_from_name("beagle-journal"), "beagle_journal");
        assert_eq!(id_from_name("1832"), "a_1832");
        assert_eq!(id_from_name("..."), "atlas");
    }

    #[test]
    fn relative_paths_climb_out_of_the_atlas() {
        assert_eq!(
            relative_to(Path::new("/a/seeds/x.txt"), Path::new("/a/data/voyage")),
            PathBuf::from("../../seeds/x.txt")
        );
    }

    #[test]
    fn the_template_is_valid_toml() {
        let text = atlas_toml("voyage", "journal", "sources/j.txt", "Voyage \"1832\"");
        // Read as gazmap reads it: every table and key is known.
        let (c, findings) = crate::config::Config::parse(Path::new("atlas.toml"), &text).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(c.atlas.id, "voyage");
        assert_eq!(c.atlas.title, "Voyage \"1832\"");
        assert_eq!(c.sources[0].file.get_ref(), "sources/j.txt");
    }

    #[test]
    fn the_commented_kind_and_movement_label_are_valid_when_uncommented() {
        let text = atlas_toml("voyage", "journal", "sources/j.txt", "Voyage");
        let mut in_kinds = false;
        let uncommented: String = text
            .lines()
            .map(|l| {
                in_kinds = ["# [[kinds]]", "# [[periods]]", "# [basemap]"].contains(&l)
                    || (in_kinds && l.starts_with("# "));
                if in_kinds
                    || l.starts_with("# movement_label")
                    || l.starts_with("# time_range")
                    || l.starts_with("# url")
                    || l.starts_with("# licence")
                {
                    l.trim_start_matches("# ").to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (c, findings) =
            crate::config::Config::parse(Path::new("atlas.toml"), &uncommented).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            c.atlas.movement_label.as_deref(),
            Some("Voyage of the ship")
        );
        assert_eq!(c.atlas.time_range.unwrap().get_ref(), "1832/1836");
        assert_eq!(c.basemap.unwrap().dir, "../basemap");
        assert_eq!(c.periods[0].id.get_ref(), "outward");
        let kind = &c.kinds[0];
        assert_eq!(kind.id.get_ref(), "anchorage");
        let symbol = kind.symbol.as_ref().unwrap().get_ref();
        assert!(crate::style::Shape::from_name(symbol).is_some(), "{symbol}");
        assert!(crate::style::parse_colour(kind.colour.as_ref().unwrap().get_ref()).is_some());
    }
}
