//! The page layout: margins, title, the map's box, the panel's columns, notes and credits.

use super::fonts;
use super::labels::BoxMm;
use super::sheet::{Orientation, SheetSpec};
use super::svgdoc::wrap;
use super::typography::Type;

/// Page boxes, **mm**.
pub(crate) struct Page {
    pub w: f64,
    pub h: f64,
    pub title_y: f64,
    pub subtitle_y: f64,
    pub map: BoxMm,
    pub columns: Vec<BoxMm>,
    /// The credits, wrapped to the page.
    pub credits: Vec<String>,
    pub credits_y: f64,
    pub notes_y: f64,
    pub margin: f64,
}

/// Lays out the page of `spec`, with room for `credits` and `notes_lines` lines of notes at the
/// foot. Landscape: the panel in one column right of the map (two on period sheets, for their
/// events); portrait: three columns below the map.
pub(crate) fn layout(spec: &SheetSpec, ty: Type, credits: &str, notes_lines: usize) -> Page {
    let (w, h) = spec.size_mm();
    let m = 9.0 * ty.k;
    let title_y = m + ty.title().size * fonts::CAP_EM;
    let subtitle_y = title_y + ty.subtitle().size * 1.45;
    let top = if spec.subtitle.is_empty() {
        title_y
    } else {
        subtitle_y
    } + 3.0 * ty.k;
    let cred = wrap(credits, w - 2.0 * m, ty.small());
    let line = ty.small().size * 1.3;
    let cred_h = cred.len() as f64 * line;
    let credits_y = h - m - cred_h + ty.small().size;
    let notes_h = notes_lines as f64 * line;
    let notes_y = h - m - cred_h - notes_h - 1.0 * ty.k + ty.small().size;
    let bottom = h - m - cred_h - notes_h - 3.0 * ty.k;
    let (map, columns) = match spec.orientation {
        Orientation::Landscape => landscape(spec, ty, w, m, top, bottom),
        Orientation::Portrait => portrait(ty, w, m, top, bottom),
    };
    Page {
        w,
        h,
        title_y,
        subtitle_y,
        map,
        columns,
        credits: cred,
        credits_y,
        notes_y,
        margin: m,
    }
}

/// Room for the graticule labels round the map, **mm**.
fn grid_margin(ty: Type) -> f64 {
    4.0 * ty.k
}

fn landscape(
    spec: &SheetSpec,
    ty: Type,
    w: f64,
    m: f64,
    top: f64,
    bottom: f64,
) -> (BoxMm, Vec<BoxMm>) {
    let g = grid_margin(ty);
    // Period sheets get a second column for their list of events.
    let ncols = if spec.window.is_some() { 2 } else { 1 };
    let gap = 5.0 * ty.k;
    let cw = if ncols == 1 {
        (w * 0.26).clamp(70.0, 112.0)
    } else {
        (w * 0.2).clamp(62.0, 88.0)
    };
    let pw = cw * f64::from(ncols) + gap * f64::from(ncols - 1);
    let map = BoxMm {
        x0: m + g,
        y0: top + g,
        x1: w - m - pw - 6.0 * ty.k,
        y1: bottom - g,
    };
    let columns = (0..ncols)
        .map(|i| {
            let x0 = w - m - pw + f64::from(i) * (cw + gap);
            BoxMm {
                x0,
                y0: top + g,
                x1: x0 + cw,
                y1: bottom - g,
            }
        })
        .collect();
    (map, columns)
}

fn portrait(ty: Type, w: f64, m: f64, top: f64, bottom: f64) -> (BoxMm, Vec<BoxMm>) {
    let g = grid_margin(ty);
    let ph = ((bottom - top) * 0.34).clamp(62.0, 130.0);
    let map = BoxMm {
        x0: m + g,
        y0: top + g,
        x1: w - m - g,
        y1: bottom - ph - 4.0 * ty.k - g,
    };
    let y0 = bottom - ph;
    let gap = 5.0 * ty.k;
    let cw = (w - 2.0 * m - 2.0 * gap) / 3.0;
    let columns = (0..3)
        .map(|i| {
            let x0 = m + f64::from(i) * (cw + gap);
            BoxMm {
                x0,
                y0,
                x1: x0 + cw,
                y1: bottom,
            }
        })
        .collect();
    (map, columns)
}
