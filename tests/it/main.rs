//! Integration tests, compiled as one binary (one link step on 2-core CI).

mod acts; // the second real atlas: Paul's voyage to Rome (Acts 27-28)
mod atlas; // the atlas core on the real data
mod authoring; // authoring help: finding the atlas, new, quote, locale hints, sheet checks
mod browser; // the web map's npm suite, end to end in headless Chromium
mod cli; // the command line
mod errors; // bad input is located and nothing is written
mod gpkg; // the GeoPackage, QML styles and QGIS project read back
mod interchange; // Linked Places, KML, FlatGeobuf, GeoJSONSeq read back
mod kinds; // the atlas's own kinds in every legend; unheld kinds in none
mod print; // printed sheets: SVG, PDF, PNG
mod print_style; // one style: no colour or width literal outside it; one symbol outline
mod props; // property tests of clipping, simplification, MVT encoding and geodesy
mod qgis; // the same opened and rendered by QGIS itself, where installed
mod serve; // gazmap serve: ranges, ETags, content types, traversal, loopback
mod shapes; // rings, sectors and areas: loaded, checked, drawn
mod soak; // gazmap serve under thousands of concurrent, partly malformed requests
mod tiles; // vector tiles: PMTiles/MBTiles read back, MVT decoded from the spec
mod util;
mod web; // the web map: viewer files, generated style, atlas.json, source texts
mod world; // any atlas anywhere: atomic builds, projections, world basemap

/// Figures the tests hold the real data to (update them with the data, deliberately).
mod atlas_expect {
    pub const SITES: usize = 39;
    pub const EVENTS: usize = 110;
    pub const MOVEMENTS: usize = 23;
    pub const TINY_SITES: usize = 4;
    /// GeographicLib 2.0 Geodesic.WGS84.Inverse(63.56622, 53.70473, 67.50944, 64.02472).
    pub const CHIBYU_RUDNIK_M: f64 = 647_284.407;
}
