//! The one cartographic style of an atlas: colours, symbols and draw order by kind.
//!
//! The QGIS QML, the MapLibre style JSON and the printed SVG are all generated from these
//! tables (see [`qml`] for QGIS), so the three outputs look like one atlas. Colours are `#rrggbb`; sizes are
//! **millimetres on paper** (screen pixels are `mm * 96 / 25.4`).

pub mod kinds;
pub mod paper;
pub mod qml;

pub use kinds::{Kind, Vocabulary};

/// Symbol shapes every renderer can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A filled circle.
    Circle,
    /// A filled square.
    Square,
    /// A triangle pointing up.
    Triangle,
    /// A diamond.
    Diamond,
    /// A five-pointed star.
    Star,
    /// A diagonal cross (saltire).
    Cross,
}

impl Shape {
    /// Every shape, in the order of their names in [`Self::name`].
    pub const ALL: [Self; 6] = [
        Self::Circle,
        Self::Square,
        Self::Triangle,
        Self::Diamond,
        Self::Star,
        Self::Cross,
    ];

    /// The symbol's outline, of overall size `s` centred at (x, y), y pointing down (paper and
    /// screen): the one drawing of each shape, used by the printed sheets and, as a unit outline
    /// in `atlas.json` (`site_symbols`), by the web viewer's canvas painter.
    #[must_use]
    pub fn outline(self, x: f64, y: f64, s: f64) -> Vec<(f64, f64)> {
        let poly = |r: f64, k: usize, rot: f64| -> Vec<(f64, f64)> {
            (0..k)
                .map(|i| {
                    let a = rot + i as f64 * std::f64::consts::TAU / k as f64;
                    (x + r * a.cos(), y + r * a.sin())
                })
                .collect()
        };
        let up = -std::f64::consts::FRAC_PI_2;
        match self {
            Self::Circle => poly(s / 2.0, 24, 0.0),
            Self::Square => {
                let h = s * 0.43;
                vec![
                    (x - h, y - h),
                    (x + h, y - h),
                    (x + h, y + h),
                    (x - h, y + h),
                ]
            }
            Self::Triangle => poly(s * 0.6, 3, up)
                .into_iter()
                .map(|(px, py)| (px, py + s * 0.1))
                .collect(),
            Self::Diamond => poly(s * 0.55, 4, up),
            Self::Star => (0..10)
                .map(|i| {
                    let r = if i % 2 == 0 { s * 0.6 } else { s * 0.25 };
                    let a = up + f64::from(i) * std::f64::consts::PI / 5.0;
                    (x + r * a.cos(), y + r * a.sin())
                })
                .collect(),
            Self::Cross => {
                // A saltire as one 12-point outline: bars of half-thickness t along the diagonals.
                let t = s * 0.15;
                let q = t * std::f64::consts::FRAC_1_SQRT_2;
                let c = s * 0.5 - q;
                let d = t * std::f64::consts::SQRT_2;
                [
                    (0.0, -d),
                    (c - q, -c - q),
                    (c + q, -c + q),
                    (d, 0.0),
                    (c + q, c - q),
                    (c - q, c + q),
                    (0.0, d),
                    (-c + q, c + q),
                    (-c - q, c - q),
                    (-d, 0.0),
                    (-c - q, -c + q),
                    (-c + q, -c - q),
                ]
                .iter()
                .map(|(dx, dy)| (x + dx, y + dy))
                .collect()
            }
        }
    }

    /// The shape's name: the `symbol` of `[[kinds]]` in `atlas.toml`, and the name the web
    /// viewer's canvas painter draws (`web/src/symbols.js`, from `atlas.json`'s `site_symbols`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Circle => "circle",
            Self::Square => "square",
            Self::Triangle => "triangle",
            Self::Diamond => "diamond",
            Self::Star => "star",
            Self::Cross => "cross",
        }
    }

    /// The shape called `name` (see [`Self::name`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The shape's name as QGIS's simple marker knows it.
    #[must_use]
    pub fn qgis_name(self) -> &'static str {
        match self {
            Self::Circle => "circle",
            Self::Square => "square",
            Self::Triangle => "triangle",
            Self::Diamond => "diamond",
            Self::Star => "star",
            Self::Cross => "cross2",
        }
    }
}

/// `(r, g, b)` of a `#rrggbb` colour; `None` when it is not one.
#[must_use]
pub fn parse_colour(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((c(0)?, c(2)?, c(4)?))
}

/// Uncertainty circles: light translucent fills.
pub const UNCERTAINTY_FILL: &str = "#f4a582";
/// Opacity of uncertainty fills, 0..1.
pub const UNCERTAINTY_OPACITY: f64 = 0.18;
/// Transfer lines.
pub const TRANSFER_COLOUR: &str = "#b2182b";
/// Claim (stated distance) lines.
pub const CLAIM_COLOUR: &str = "#5e3c99";
/// Line features of the atlas (rivers and railways named in the account).
pub const ATLAS_RIVER_COLOUR: &str = "#2b6fa8";
/// The narrow railway.
pub const RAILWAY_COLOUR: &str = "#333333";
/// Basemap: sea.
pub const SEA_COLOUR: &str = "#dfe9f2";
/// Paper white: the page, halos, hollow symbols, the railway's inner dashes.
pub const PAPER_COLOUR: &str = "#ffffff";
/// Where the basemap has no data (web map background, QGIS canvas): paper white, never the
/// sea's colour, so missing coast data is not read as open water.
pub const NO_DATA_COLOUR: &str = PAPER_COLOUR;
/// Basemap: land.
pub const LAND_COLOUR: &str = "#f7f5ef";
/// Basemap: lakes and rivers.
pub const WATER_COLOUR: &str = "#a9c8e0";
/// Areas (camp systems, districts): their tint.
pub const AREA_COLOUR: &str = "#9e9ac8";
/// Basemap: region boundaries.
pub const BORDER_COLOUR: &str = "#b8a9c9";
/// Opacity of what is only *possibly* happening at a date (fuzzy dates), 0..1; what certainly
/// happens is drawn at full opacity.
pub const POSSIBLE_OPACITY: f64 = 0.45;

/// Claim (stated distance) lines, **mm**: one width on paper, on screen and in QGIS.
pub const CLAIM_WIDTH_MM: f64 = 0.4;
/// A contradicted claim (QGIS): wider, in the transfers' red.
pub const CLAIM_CONTRADICTED_WIDTH_MM: f64 = 0.6;
/// A claim that cannot be tested (QGIS): thinner, in grey.
pub const CLAIM_UNTESTABLE_WIDTH_MM: f64 = 0.3;
/// The grey of an untestable claim.
pub const CLAIM_UNTESTABLE_COLOUR: &str = "#bdbdbd";
/// A claim used to place a site (by construction): the areas' purple.
pub const CLAIM_BY_CONSTRUCTION_COLOUR: &str = AREA_COLOUR;
/// Opacity of claim lines in QGIS.
pub const CLAIM_OPACITY: f64 = 0.9;
/// Rivers and railways named in the account, on screen and in QGIS, **mm** (print draws them
/// thinner: [`paper::ATLAS_RIVER_WIDTH_MM`], [`paper::RAILWAY_WIDTH_MM`]).
pub const ATLAS_LINE_WIDTH_MM: f64 = 0.6;
/// The railway in QGIS: a dark line, **mm** ...
pub const RAILWAY_WIDTH_MM: f64 = 0.8;
/// ... with white dashes inside, **mm**.
pub const RAILWAY_DASH_WIDTH_MM: f64 = 0.4;
/// Outline of a site symbol in QGIS, **mm**.
pub const SYMBOL_STROKE_MM: f64 = 0.25;
/// Outline of an uncertainty shape in QGIS, **mm**.
pub const UNCERTAINTY_LINE_MM: f64 = 0.2;
/// Opacity of that outline.
pub const UNCERTAINTY_LINE_OPACITY: f64 = 0.7;
/// Outline of an event's area in QGIS, **mm**.
pub const EVENT_AREA_LINE_MM: f64 = 0.3;
/// Opacity of that outline.
pub const EVENT_AREA_LINE_OPACITY: f64 = 0.8;
/// Coast outline in QGIS, **mm**.
pub const COAST_LINE_MM: f64 = 0.2;
/// Region boundaries, **mm** (QGIS and print).
pub const BORDER_LINE_MM: f64 = 0.35;
/// Hairlines on screen that stay one pixel at every zoom, **px**: the coast ...
pub const COAST_LINE_PX: f64 = 0.8;
/// ... region boundaries ...
pub const BORDER_LINE_PX: f64 = 1.0;
/// ... and uncertainty outlines.
pub const UNCERTAINTY_LINE_PX: f64 = 1.0;
/// Opacity of uncertainty outlines on screen.
pub const UNCERTAINTY_LINE_OPACITY_SCREEN: f64 = 0.8;
/// Event rings and outlines: opacity.
pub const EVENT_OPACITY: f64 = 0.9;
/// Width of an event ring's line, **mm**.
pub const EVENT_STROKE_MM: f64 = 0.6;
/// Opacity of transfer lines in QGIS.
pub const TRANSFER_OPACITY: f64 = 0.8;
/// Features of a layer gazmap has no style for (QGIS): lines, **mm** ...
pub const OTHER_LINE_MM: f64 = 0.4;
/// ... outlines of points and polygons, **mm** ...
pub const OTHER_OUTLINE_MM: f64 = 0.2;
/// ... point size, **mm** ...
pub const OTHER_SIZE_MM: f64 = 2.0;
/// ... and polygon fill opacity.
pub const OTHER_FILL_OPACITY: f64 = 0.3;

/// Width of a transfer line moving nobody known, **mm**.
pub const TRANSFER_BASE_WIDTH_MM: f64 = 0.5;
/// Extra transfer width per tenfold number of people, **mm**.
pub const TRANSFER_WIDTH_PER_DECADE_MM: f64 = 0.45;

/// Width of a transfer line, **mm**, growing with the number of people moved (unknown: thin).
#[must_use]
pub fn transfer_width_mm(people: Option<u32>) -> f64 {
    match people {
        None | Some(0) => TRANSFER_BASE_WIDTH_MM,
        Some(n) => TRANSFER_BASE_WIDTH_MM + TRANSFER_WIDTH_PER_DECADE_MM * f64::from(n).log10(),
    }
}

/// Events: the ring drawn round the place of an event.
pub const EVENT_COLOUR: &str = "#67001f";
/// Fill opacity of an event drawn on a camp system or region (`event_areas`).
pub const EVENT_AREA_OPACITY: f64 = 0.08;
/// Event ring diameter, **mm**.
pub const EVENT_RING_MM: f64 = 5.0;
/// Label text.
pub const LABEL_COLOUR: &str = "#1a1a1a";
/// Label halo.
pub const HALO_COLOUR: &str = PAPER_COLOUR;
/// Label halo width, **mm**.
pub const HALO_MM: f64 = 0.7;
/// Size of place labels, **points**.
pub const LABEL_SIZE_PT: f64 = 8.0;
/// Font of every label (QGIS falls back to its default font where it is missing).
pub const LABEL_FONT: &str = "DejaVu Sans";
/// Basemap: coast outline.
pub const COAST_COLOUR: &str = "#c9c1ae";
/// Basemap: labels of water features.
pub const WATER_LABEL_COLOUR: &str = "#4a7ba6";
/// Basemap: region labels.
pub const REGION_LABEL_COLOUR: &str = "#9a90a8";

/// Width of a basemap river of GSHHG/WDBII `level` (0 double-lined, 1 major ... 4 minor), **mm**.
#[must_use]
pub fn basemap_river_width_mm(level: i64) -> f64 {
    match level {
        0 | 1 => 0.5,
        2 => 0.4,
        3 => 0.3,
        _ => 0.22,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_names_round_trip() {
        for s in Shape::ALL {
            assert_eq!(Shape::from_name(s.name()), Some(s));
        }
        assert_eq!(Shape::from_name("hexagon"), None);
    }

    #[test]
    fn colours_parse() {
        assert_eq!(parse_colour("#8c2d04"), Some((0x8c, 0x2d, 0x04)));
        assert_eq!(parse_colour("8c2d04"), None);
        assert_eq!(parse_colour("#8c2d0"), None);
        assert_eq!(parse_colour("#8c2d0g"), None);
    }

    #[test]
    fn transfer_width_grows_with_people() {
        assert!(transfer_width_mm(Some(600)) > transfer_width_mm(Some(25)));
        assert!(transfer_width_mm(Some(25)) > transfer_width_mm(None));
    }
}
