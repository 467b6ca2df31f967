//! The one cartographic style of an atlas: colours, symbols and draw order by kind.
//!
//! The QGIS QML, the MapLibre style JSON and the printed SVG are all generated from these
//! tables (see [`qml`] for QGIS), so the three outputs look like one atlas. Colours are `#rrggbb`; sizes are
//! **millimetres on paper** (screen pixels are `mm * 96 / 25.4`).

pub mod qml;

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

/// How the sites of one kind are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindStyle {
    /// The `kind` value in `sites.csv`.
    pub kind: &'static str,
    /// Legend text.
    pub label: &'static str,
    /// Symbol.
    pub shape: Shape,
    /// Fill colour.
    pub fill: &'static str,
    /// Outline colour.
    pub stroke: &'static str,
    /// Symbol size, **mm**.
    pub size_mm: f64,
}

const fn k(
    kind: &'static str,
    label: &'static str,
    shape: Shape,
    fill: &'static str,
    size_mm: f64,
) -> KindStyle {
    KindStyle {
        kind,
        label,
        shape,
        fill,
        stroke: "#1a1a1a",
        size_mm,
    }
}

/// Styles by site kind, in legend order.
pub const SITE_STYLES: &[KindStyle] = &[
    k("mine", "Mine", Shape::Square, "#3b3b3b", 3.2),
    k("camp", "Camp", Shape::Square, "#8c2d04", 2.8),
    k(
        "camp_system",
        "Camp system (administration)",
        Shape::Diamond,
        "#b35806",
        3.4,
    ),
    k(
        "camp_hq",
        "Camp headquarters",
        Shape::Diamond,
        "#e08214",
        3.0,
    ),
    k("barracks", "Barracks", Shape::Triangle, "#d7301f", 3.2),
    k(
        "prison",
        "Prison, place of holding",
        Shape::Square,
        "#7f0000",
        2.8,
    ),
    k(
        "execution_site",
        "Execution site",
        Shape::Cross,
        "#000000",
        3.4,
    ),
    k("landing", "Station, landing", Shape::Circle, "#2166ac", 2.6),
    k("settlement", "Settlement", Shape::Circle, "#636363", 2.2),
    k("city", "City", Shape::Circle, "#252525", 2.8),
    k("building", "Building", Shape::Square, "#525252", 2.2),
    k("region", "Region", Shape::Circle, "#bdbdbd", 2.0),
    k(
        "river",
        "River (label point)",
        Shape::Circle,
        "#4a90c2",
        1.6,
    ),
    k(
        "railway",
        "Railway (label point)",
        Shape::Circle,
        "#4d4d4d",
        1.6,
    ),
];

/// Every known site kind, in legend order (the `kind` column of [`SITE_STYLES`]).
pub const SITE_KINDS: &[&str] = &[
    "mine",
    "camp",
    "camp_system",
    "camp_hq",
    "barracks",
    "prison",
    "execution_site",
    "landing",
    "settlement",
    "city",
    "building",
    "region",
    "river",
    "railway",
];

/// The style for sites of an unknown kind.
pub const OTHER_SITE: KindStyle = k("other", "Other place", Shape::Circle, "#969696", 2.2);

/// The style of sites of `kind`.
#[must_use]
pub fn site_style(kind: &str) -> &'static KindStyle {
    SITE_STYLES
        .iter()
        .find(|s| s.kind == kind)
        .unwrap_or(&OTHER_SITE)
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
/// Where the basemap has no data (web map background, QGIS canvas): paper white, never the
/// sea's colour, so missing coast data is not read as open water.
pub const NO_DATA_COLOUR: &str = "#ffffff";
/// Basemap: land.
pub const LAND_COLOUR: &str = "#f7f5ef";
/// Basemap: lakes and rivers.
pub const WATER_COLOUR: &str = "#a9c8e0";
/// Basemap: region boundaries.
pub const BORDER_COLOUR: &str = "#b8a9c9";
/// Opacity of what is only *possibly* happening at a date (fuzzy dates), 0..1; what certainly
/// happens is drawn at full opacity.
pub const POSSIBLE_OPACITY: f64 = 0.45;

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
pub const HALO_COLOUR: &str = "#ffffff";
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
    fn kinds_list_matches_styles() {
        let from_styles: Vec<_> = SITE_STYLES.iter().map(|s| s.kind).collect();
        assert_eq!(from_styles, SITE_KINDS);
    }

    #[test]
    fn transfer_width_grows_with_people() {
        assert!(transfer_width_mm(Some(600)) > transfer_width_mm(Some(25)));
        assert!(transfer_width_mm(Some(25)) > transfer_width_mm(None));
    }
}
