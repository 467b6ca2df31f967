//! The outputs `gazmap build` can write, by the names the command line uses.
//!
//! `gazmap build --format lpf,kml` writes only those; with no `--format` a build writes every
//! format. `gazmap export --format fgb` writes one format and no build report.

use std::fmt;
use std::str::FromStr;

/// One output format (or family of files) a build can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Format {
    /// RFC 7946 GeoJSON, one FeatureCollection per atlas layer (`<layer>.geojson`), each with
    /// its QGIS style beside it (`<layer>.qml`).
    GeoJson,
    /// CSV tables: distances, transfers, claims, timeline.
    Csv,
    /// Linked Places Format v1.2 (GeoJSON-LD) for the World Historical Gazetteer
    /// (`<atlas>.lpf.json`).
    Lpf,
    /// LP-TSV v0.5, the delimited Linked Places form WHG accepts (`<atlas>.lp.tsv`).
    LpTsv,
    /// KML 2.2 with time spans for Google Earth's time slider (`<atlas>.kml`).
    Kml,
    /// FlatGeobuf with a packed Hilbert R-tree index, one file per atlas layer (`<layer>.fgb`).
    Fgb,
    /// Newline-delimited GeoJSON features, one file per atlas layer (`<layer>.geojsonl`).
    GeoJsonSeq,
    /// OGC GeoPackage with every layer, QGIS styles, sources, citations and a QGIS project
    /// (`<atlas>.gpkg`), plus the same project as `<atlas>.qgz`.
    Gpkg,
    /// Printed sheets from `[[sheets]]` of `atlas.toml`: `print/<sheet>.svg|pdf|png` and
    /// `print/sheets.json`.
    Print,
    /// Vector tiles of every atlas and basemap layer in one PMTiles v3 archive
    /// (`<atlas>.pmtiles`).
    Pmtiles,
    /// The web map, a static site in `web/` (reads the PMTiles archive, else the GeoJSON files).
    Web,
}

impl Format {
    /// Every format, in the order a build writes them.
    pub const ALL: &'static [Format] = &[
        Self::GeoJson,
        Self::Csv,
        Self::Lpf,
        Self::LpTsv,
        Self::Kml,
        Self::Fgb,
        Self::GeoJsonSeq,
        Self::Gpkg,
        Self::Print,
        Self::Pmtiles,
        Self::Web,
    ];

    /// The name used on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::GeoJson => "geojson",
            Self::Csv => "csv",
            Self::Lpf => "lpf",
            Self::LpTsv => "lptsv",
            Self::Kml => "kml",
            Self::Fgb => "fgb",
            Self::GeoJsonSeq => "geojsonseq",
            Self::Gpkg => "gpkg",
            Self::Print => "print",
            Self::Pmtiles => "pmtiles",
            Self::Web => "web",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{name}` (known: {})", known_names())]
pub struct UnknownFormat {
    /// The name as given.
    pub name: String,
}

fn known_names() -> String {
    Format::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses a command-line name, ignoring case and surrounding spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.name() == wanted)
            .ok_or_else(|| UnknownFormat { name: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), *f);
        }
        assert_eq!(" KML ".parse::<Format>().unwrap(), Format::Kml);
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let e = "shp".parse::<Format>().unwrap_err();
        assert_eq!(e.name, "shp");
        assert!(
            e.to_string().contains("lpf, lptsv, kml, fgb, geojsonseq"),
            "{e}"
        );
    }
}
