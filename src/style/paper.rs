//! What only printed sheets draw: text colours, the ink of frames and scale bars, the basemap's
//! and the locator's quiet colours, line widths and dashes on paper, and the priority of each
//! kind of label. `print` names these items and writes no colour or width of its own (a test in
//! `tests/it/print_style.rs` scans for literals).
//!
//! Widths are **mm on paper** at the base paper size (A4/A3; larger papers multiply the atlas
//! layers' widths by the typography factor). Dashes are SVG `stroke-dasharray` lists in mm.

use super::{
    ATLAS_RIVER_COLOUR, BORDER_COLOUR, CLAIM_COLOUR, LABEL_COLOUR, PAPER_COLOUR, RAILWAY_COLOUR,
};

/// Dark ink: text, frames, scale bar, north arrow, the centre dot of a spread group.
pub const INK: &str = LABEL_COLOUR;
/// Paper white: the page, the hollow symbols, the railway's inner dashes, halos.
pub const PAPER: &str = PAPER_COLOUR;

/// Subtitle text.
pub const SUBTITLE_COLOUR: &str = "#404040";
/// Panel body text (legend, events).
pub const BODY_COLOUR: &str = "#262626";
/// Small text (notes, credits, scale figures); also the connectors of spread symbols.
pub const SMALL_TEXT_COLOUR: &str = "#4d4d4d";
/// Names of water (rivers, lakes) on the map.
pub const WATER_TEXT_COLOUR: &str = "#3a6f99";
/// Names of regions on the map.
pub const REGION_TEXT_COLOUR: &str = "#8a7f99";
/// Degree labels of the graticule.
pub const GRID_TEXT_COLOUR: &str = "#5a6470";

/// Basemap rivers and lake shores.
pub const BASEMAP_WATER_LINE: &str = "#7fa7c9";
/// Lake shore width.
pub const LAKE_SHORE_WIDTH_MM: f64 = 0.1;
/// Width of a basemap river of `level` (1 major ... 4 minor), **mm**: one tenth of a millimetre
/// per step.
#[must_use]
pub fn basemap_river_width_mm(level: i64) -> f64 {
    let tenths: u8 = match level {
        1 => 4,
        2 => 3,
        3 => 2,
        _ => 1,
    };
    f64::from(tenths) * 0.1
}
/// Width of the basemap river in the legend.
pub const LEGEND_RIVER_WIDTH_MM: f64 = 0.35;
/// Region boundaries of the basemap: width and dashes (colour [`BORDER_COLOUR`]).
pub const BORDER_WIDTH_MM: f64 = super::BORDER_LINE_MM;
/// Dashes of region boundaries.
pub const BORDER_DASH: &str = "2 0.8 0.4 0.8";
/// The boundary colour (the one style's).
pub const BORDER: &str = BORDER_COLOUR;

/// Graticule lines.
pub const GRATICULE_COLOUR: &str = "#8795a3";
/// Graticule line width.
pub const GRATICULE_WIDTH_MM: f64 = 0.12;
/// Graticule line opacity.
pub const GRATICULE_OPACITY: f64 = 0.7;

/// The railway: a dark line with white dashes inside.
pub const RAILWAY: &str = RAILWAY_COLOUR;
/// Railway width.
pub const RAILWAY_WIDTH_MM: f64 = 0.7;
/// Width of the railway's inner dashes.
pub const RAILWAY_DASH_WIDTH_MM: f64 = 0.35;
/// Inner dashes of a railway drawn from a real track.
pub const RAILWAY_DASH: &str = "1.8 1.8";
/// Inner dashes of a schematic railway.
pub const RAILWAY_SCHEMATIC_DASH: &str = "1.2 2.4";
/// A river named in the account.
pub const ATLAS_RIVER: &str = ATLAS_RIVER_COLOUR;
/// Width of a river named in the account.
pub const ATLAS_RIVER_WIDTH_MM: f64 = 0.5;
/// Dashes of a schematic river.
pub const ATLAS_RIVER_SCHEMATIC_DASH: &str = "1.6 0.8";

/// Claim (stated distance) line width: the one style's.
pub const CLAIM_WIDTH_MM: f64 = super::CLAIM_WIDTH_MM;
/// Claim (stated distance) lines: dashes.
pub const CLAIM_DASH: &str = "1.4 0.7";
/// Radius of the dots at a claim's ends.
pub const CLAIM_END_RADIUS_MM: f64 = 0.45;
/// The claim colour (the one style's).
pub const CLAIM: &str = CLAIM_COLOUR;

/// Opacity of a transfer's line (its arrowhead is opaque).
pub const TRANSFER_OPACITY: f64 = 0.85;
/// Transfer width in the legend.
pub const LEGEND_TRANSFER_WIDTH_MM: f64 = 0.6;

/// Outline of a site symbol.
pub const SYMBOL_STROKE_WIDTH_MM: f64 = 0.2;
/// Outline of a hollow (approximate) site symbol, drawn in the kind's colour.
pub const HOLLOW_STROKE_WIDTH_MM: f64 = 0.4;
/// The colour of the hollow symbol shown in the legend.
pub const LEGEND_HOLLOW_COLOUR: &str = "#8c2d04";
/// Size of the hollow symbol shown in the legend.
pub const LEGEND_HOLLOW_SIZE_MM: f64 = 2.8;
/// Connectors from a spread group's centre to its symbols.
pub const CONNECTOR_COLOUR: &str = SMALL_TEXT_COLOUR;
/// Connector width.
pub const CONNECTOR_WIDTH_MM: f64 = 0.15;
/// Radius of the dot at a spread group's centre.
pub const SPREAD_DOT_RADIUS_MM: f64 = 0.35;

/// Outline of a position-uncertainty shape.
pub const UNCERTAINTY_LINE: &str = "#d6604d";
/// Its width.
pub const UNCERTAINTY_LINE_WIDTH_MM: f64 = 0.15;
/// Its opacity.
pub const UNCERTAINTY_LINE_OPACITY: f64 = 0.6;
/// Its dashes.
pub const UNCERTAINTY_DASH: &str = "0.8 0.5";
/// Fill opacity of uncertainty shapes in the legend.
pub const LEGEND_SHAPE_OPACITY: f64 = 0.35;
/// Tint, hatching and outline of an area (camp system, district): purple, apart from the
/// salmon of position uncertainty.
pub const AREA_FILL: &str = super::AREA_COLOUR;
/// Opacity of an area's tint.
pub const AREA_OPACITY: f64 = 0.16;
/// An area's outline and hatching.
pub const AREA_STROKE: &str = "#6a51a3";
/// Width of an area's outline.
pub const AREA_STROKE_WIDTH_MM: f64 = 0.3;
/// Dashes of an area's outline.
pub const AREA_DASH: &str = "2 0.6 0.4 0.6";
/// Spacing of the hatching lines of areas.
pub const HATCH_SPACING_MM: f64 = 1.6;
/// Width of the hatching lines.
pub const HATCH_WIDTH_MM: f64 = 0.12;
/// Opacity of the hatching lines.
pub const HATCH_OPACITY: f64 = 0.55;

/// Leader lines from a label to its symbol.
pub const LEADER_COLOUR: &str = "#333333";
/// Leader width.
pub const LEADER_WIDTH_MM: f64 = 0.18;

/// The main map's frame.
pub const MAP_FRAME_WIDTH_MM: f64 = 0.35;
/// The frame of an inset or the locator.
pub const INSET_FRAME_WIDTH_MM: f64 = 0.25;
/// Where an inset lies on the main map.
pub const INSET_OUTLINE_WIDTH_MM: f64 = 0.3;
/// An inset's scale bar.
pub const INSET_BAR_WIDTH_MM: f64 = 0.25;
/// Outlines of the scale bar's segments and of the north arrow.
pub const BAR_STROKE_WIDTH_MM: f64 = 0.2;

/// The locator: land.
pub const LOCATOR_LAND: &str = "#efece4";
/// The locator: countries.
pub const LOCATOR_COUNTRY: &str = "#e3ddcf";
/// The locator: borders and country outlines.
pub const LOCATOR_BORDER: &str = "#9a9386";
/// The locator: country outline width.
pub const LOCATOR_COUNTRY_WIDTH_MM: f64 = 0.2;
/// The locator: border width.
pub const LOCATOR_BORDER_WIDTH_MM: f64 = 0.15;
/// The locator: opacity of the sheet's box.
pub const LOCATOR_BOX_OPACITY: f64 = 0.15;
/// The locator: outline of the sheet's box.
pub const LOCATOR_BOX_WIDTH_MM: f64 = 0.45;
/// The locator: a sheet too small to show as a box is a circle of this radius.
pub const LOCATOR_MARK_RADIUS_MM: f64 = 1.2;
/// The locator: that circle's width.
pub const LOCATOR_MARK_WIDTH_MM: f64 = 0.5;
/// The locator: radius of a reference place's dot.
pub const LOCATOR_PLACE_RADIUS_MM: f64 = 0.7;
/// The locator: halo of a reference place's name.
pub const LOCATOR_HALO_MM: f64 = 0.4;

/// Label priorities (higher: placed first) of what is not a site (sites take their kind's
/// `label_priority`, plus [`EVENT_LABEL_BONUS`] where the sheet lists events).
pub mod priority {
    /// A stated distance.
    pub const CLAIM: i32 = 60;
    /// A numbered transfer or a transfer's distance.
    pub const TRANSFER: i32 = 50;
    /// A river or railway named in the account.
    pub const ATLAS_LINE: i32 = 30;
    /// A basemap river.
    pub const BASEMAP_RIVER: i32 = 10;
    /// A region of the basemap.
    pub const REGION: i32 = 5;
    /// Added to a site's priority when it carries event numbers.
    pub const EVENT_LABEL_BONUS: i32 = 10;
}

/// A site kind drawn as a label only (no point symbol): regions, rivers and railways.
#[must_use]
pub fn label_only(kind: &str) -> bool {
    matches!(kind, "region" | "river" | "railway")
}
