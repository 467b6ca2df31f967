//! The legend: generated from what the map drew ([`Legend`], filled in by the map layers), one
//! row per symbol with its text, flowed down the panel's columns.

use svg::node::element::{Circle, Element, Rectangle};

use super::super::map::Ctx;
use super::super::map::uncertainty::{fill as shape_fill, outline_stroke};
use super::super::svgdoc::{Align, el, group, mm, n, path, path_d, text, wrap};
use super::super::typography::Type;
use super::super::uncertainty::ShapeKind;
use super::Flow;
use crate::style::{self, Shape, paper};

/// What the legend must explain.
#[derive(Debug, Default)]
pub(crate) struct Legend {
    pub kinds: Vec<String>,
    pub uncertain: bool,
    /// Uncertainty shapes drawn, in legend order.
    pub shapes: Vec<ShapeKind>,
    pub transfers: bool,
    pub claims: bool,
    pub atlas_river: Option<bool>,
    pub railway: Option<bool>,
    pub base_rivers: bool,
    pub lakes: bool,
    pub borders: bool,
    pub spread: bool,
}

/// One legend row: its symbol (drawn in a 6 × 4 mm box at the origin) and its text.
type Row = (Vec<Element>, String);

/// Sets the legend in the panel. A legend reads from its heading down: it starts in a fresh
/// column unless all of it fits below what the current column holds, and when longer than a
/// column it continues at the top of the next one, never back in an earlier column.
pub(crate) fn place(
    flow: &mut Flow,
    rows: Vec<Row>,
    ty: Type,
    panel: &mut Vec<Element>,
    warnings: &mut Vec<String>,
) {
    let (heading, body) = (ty.heading(), ty.body());
    let row_h = body.size * 1.75;
    let text_w = flow.width() - 8.0 * ty.k;
    let sized: Vec<_> = rows
        .into_iter()
        .map(|(sym, label)| {
            let lines = wrap(&label, text_w, body);
            let rh = row_h.max(lines.len() as f64 * body.size * 1.25 + body.size * 0.5);
            (sym, label, lines, rh)
        })
        .collect();
    let hh = heading.size * 1.8;
    if flow.room() < hh + sized.iter().map(|r| r.3).sum::<f64>() {
        flow.fresh_column();
    }
    let mut first = true;
    for (sym, label, lines, rh) in sized {
        // The heading stays with the first row.
        let head = if first { hh } else { 0.0 };
        let Some((x, y)) = flow.take_tight(&format!("legend row: {label}"), head + rh) else {
            warnings.push(format!("no room for the legend row `{label}`"));
            continue;
        };
        if first {
            panel.push(el(text(
                "Legend",
                x,
                y + heading.size,
                heading,
                Align::Start,
            )));
            let row = flow
                .boxes
                .pop()
                .map(|(what, b)| (what, super::super::labels::BoxMm { y0: b.y0 + hh, ..b }));
            flow.boxes.push((
                "legend".into(),
                super::super::labels::BoxMm::new(x, y, flow.width(), hh),
            ));
            flow.boxes.extend(row);
            first = false;
        }
        let y = y + head;
        panel.push(el(group(sym).set(
            "transform",
            format!(
                "translate({} {})",
                n(x),
                n(y + (row_h - 2.0 * ty.k) / 2.0 - 0.5)
            ),
        )));
        for (i, l) in lines.iter().enumerate() {
            panel.push(el(text(
                l,
                x + 6.5 * ty.k,
                y + body.size * (1.0 + 1.25 * i as f64),
                body,
                Align::Start,
            )));
        }
    }
    flow.y += flow.gap;
}

/// The rows of everything the map drew, in legend order: site kinds, hollow symbols,
/// uncertainty shapes, spread groups, then lines (transfers, claims, the account's rivers and
/// railway) and the basemap.
pub(crate) fn rows(ctx: &Ctx, ty: Type) -> Vec<Row> {
    let mut rows = symbol_rows(ctx, ty);
    rows.extend(line_rows(ctx, ty));
    rows.extend(basemap_rows(ctx, ty));
    rows
}

/// A symbol of `shape` in the middle of the row.
fn symbol(shape: Shape, fill: &str, stroke: &str, w: f64, size: f64, ty: Type) -> Element {
    let s = 2.0 * ty.k;
    el(path(path_d(&Shape::outline(shape, s, s * 0.5, size), true))
        .set("fill", fill.to_owned())
        .set("stroke", stroke.to_owned())
        .set("stroke-width", n(w))
        .set("stroke-linejoin", "round"))
}

/// A horizontal line across the row.
fn line(stroke: &str, w: f64, dash: Option<&str>, ty: Type) -> Element {
    let s = 2.0 * ty.k;
    let mut p = path(path_d(&[(0.0, s * 0.5), (2.0 * s, s * 0.5)], false))
        .set("fill", "none")
        .set("stroke", stroke.to_owned())
        .set("stroke-width", n(w));
    if let Some(d) = dash {
        p = p.set("stroke-dasharray", d.to_owned());
    }
    el(p)
}

fn symbol_rows(ctx: &Ctx, ty: Type) -> Vec<Row> {
    let mut rows: Vec<Row> = vec![];
    let s = 2.0 * ty.k;
    for ks in ctx
        .layers
        .vocabulary
        .legend(ctx.legend.kinds.iter().map(String::as_str))
    {
        rows.push((
            vec![symbol(
                ks.shape,
                &ks.fill,
                style::kinds::SYMBOL_STROKE,
                paper::SYMBOL_STROKE_WIDTH_MM * ty.k,
                ks.size_mm * ty.k,
                ty,
            )],
            ks.label.clone(),
        ));
    }
    if ctx.legend.uncertain {
        rows.push((
            vec![symbol(
                Shape::Square,
                paper::PAPER,
                paper::LEGEND_HOLLOW_COLOUR,
                paper::HOLLOW_STROKE_WIDTH_MM * ty.k,
                paper::LEGEND_HOLLOW_SIZE_MM * ty.k,
                ty,
            )],
            "Hollow symbol, ‘?’: position approximate or inferred".into(),
        ));
    }
    for kind in &ctx.legend.shapes {
        rows.push(shape_row(*kind, s, ty));
    }
    if ctx.legend.spread {
        let c = (s, s * 0.5);
        let connector = |dx: f64| {
            el(path(path_d(&[c, (c.0 + dx, c.1 - 1.2)], false))
                .set("stroke", paper::CONNECTOR_COLOUR)
                .set("stroke-width", mm(paper::CONNECTOR_WIDTH_MM)))
        };
        rows.push((
            vec![
                connector(1.8),
                connector(-1.8),
                el(Circle::new()
                    .set("cx", n(c.0))
                    .set("cy", n(c.1))
                    .set("r", mm(paper::SPREAD_DOT_RADIUS_MM))
                    .set("fill", paper::INK)),
            ],
            "Places too close to show apart, spread around their centre".into(),
        ));
    }
    rows
}

/// The legend row of an uncertainty shape: a small disc, annulus or hatched patch.
fn shape_row(kind: ShapeKind, s: f64, ty: Type) -> Row {
    let (c, r) = ((s, s * 0.5), 1.8 * ty.k);
    let disc = |r: f64| Shape::outline(Shape::Circle, c.0, c.1, 2.0 * r);
    let mut hatch = None;
    let (d, label) = match kind {
        ShapeKind::Circle => (
            path_d(&disc(r), true),
            "Uncertainty: the place lies within the circle",
        ),
        ShapeKind::Ring => (
            path_d(&disc(r), true) + &path_d(&disc(r * 0.5), true),
            "Distance known, direction not: the place lies in the ring (or its sector)",
        ),
        ShapeKind::Area => {
            let b = [
                (0.3, c.1 - 1.4),
                (2.0 * s - 0.3, c.1 - 1.4),
                (2.0 * s - 0.3, c.1 + 1.4),
                (0.3, c.1 + 1.4),
            ];
            hatch = Some(crate::print::map::uncertainty::hatch(&[b.to_vec()]));
            (path_d(&b, true), "Area: a camp system or district")
        }
    };
    let fill = el(path(d.clone())
        .set("fill-rule", "evenodd")
        .set("fill", shape_fill(kind))
        .set("fill-opacity", mm(paper::LEGEND_SHAPE_OPACITY)));
    let mut out = vec![fill];
    out.extend(hatch.map(el));
    out.push(el(outline_stroke(path(d), kind)));
    (out, label.into())
}

fn line_rows(ctx: &Ctx, ty: Type) -> Vec<Row> {
    let mut rows: Vec<Row> = vec![];
    let s = 2.0 * ty.k;
    if ctx.legend.transfers {
        let y = s * 0.5;
        rows.push((
            vec![
                line(
                    style::TRANSFER_COLOUR,
                    paper::LEGEND_TRANSFER_WIDTH_MM * ty.k,
                    None,
                    ty,
                ),
                el(path(path_d(
                    &[
                        (2.0 * s + 0.6, y),
                        (2.0 * s - 1.4, y - 0.9),
                        (2.0 * s - 1.4, y + 0.9),
                    ],
                    true,
                ))
                .set("fill", style::TRANSFER_COLOUR)),
            ],
            format!(
                "{} (width: number of people; label: distance)",
                ctx.layers.vocabulary.movement_label
            ),
        ));
    }
    if ctx.legend.claims {
        rows.push((
            vec![line(
                paper::CLAIM,
                paper::CLAIM_WIDTH_MM * ty.k,
                Some(paper::CLAIM_DASH),
                ty,
            )],
            "Distance stated in the account, and as mapped (* point placed from it)".into(),
        ));
    }
    if let Some(schematic) = ctx.legend.atlas_river {
        rows.push((
            vec![line(
                paper::ATLAS_RIVER,
                paper::ATLAS_RIVER_WIDTH_MM * ty.k,
                schematic.then_some(paper::ATLAS_RIVER_SCHEMATIC_DASH),
                ty,
            )],
            if schematic {
                "River named in the account (schematic)".into()
            } else {
                "River named in the account".into()
            },
        ));
    }
    if let Some(schematic) = ctx.legend.railway {
        rows.push((
            vec![
                line(paper::RAILWAY, paper::RAILWAY_WIDTH_MM * ty.k, None, ty),
                line(
                    paper::PAPER,
                    paper::RAILWAY_DASH_WIDTH_MM * ty.k,
                    Some(if schematic {
                        paper::RAILWAY_SCHEMATIC_DASH
                    } else {
                        paper::RAILWAY_DASH
                    }),
                    ty,
                ),
            ],
            if schematic {
                "Railway named in the account (schematic)".into()
            } else {
                "Railway named in the account".into()
            },
        ));
    }
    rows
}

fn basemap_rows(ctx: &Ctx, ty: Type) -> Vec<Row> {
    let mut rows: Vec<Row> = vec![];
    let s = 2.0 * ty.k;
    if ctx.legend.base_rivers {
        rows.push((
            vec![line(
                paper::BASEMAP_WATER_LINE,
                paper::LEGEND_RIVER_WIDTH_MM,
                None,
                ty,
            )],
            "River (modern map data)".into(),
        ));
    }
    if ctx.legend.lakes {
        rows.push((
            vec![el(Rectangle::new()
                .set("x", "0.3")
                .set("y", n(s * 0.5 - 1.2))
                .set("width", n(2.0 * s - 0.6))
                .set("height", "2.4")
                .set("fill", style::WATER_COLOUR)
                .set("stroke", paper::BASEMAP_WATER_LINE)
                .set("stroke-width", mm(paper::LAKE_SHORE_WIDTH_MM)))],
            "Lake, sea".into(),
        ));
    }
    if ctx.legend.borders {
        rows.push((
            vec![line(
                paper::BORDER,
                paper::BORDER_WIDTH_MM,
                Some(paper::BORDER_DASH),
                ty,
            )],
            // The world basemap's borders are national, the regional basemap's internal.
            match ctx.layers.layer("borders") {
                Some(l) if l.title.starts_with("National") => "Modern national border".into(),
                _ => "Boundary of a modern federal subject".into(),
            },
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::super::super::labels::BoxMm;
    use super::*;

    fn legend_of(rows: usize, columns: usize, above: f64) -> Vec<(String, BoxMm)> {
        let cols = (0..columns)
            .map(|i| BoxMm::new(f64::from(i as u32) * 70.0, 0.0, 60.0, 100.0))
            .collect();
        let mut flow = Flow::new(cols, 4.0);
        flow.take("locator", above).unwrap();
        let rows = (0..rows).map(|i| (vec![], format!("row {i}"))).collect();
        let (mut panel, mut warnings) = (vec![], vec![]);
        place(&mut flow, rows, Type { k: 1.0 }, &mut panel, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        flow.boxes
    }

    #[test]
    fn a_legend_starts_a_column_unless_it_fits_below() {
        // Fits below the locator: same column, heading first, rows in order beneath.
        let b = legend_of(3, 3, 40.0);
        assert_eq!(b[1].0, "legend");
        assert_eq!((b[1].1.x0, b[2].1.x0, b[4].1.x0), (0.0, 0.0, 0.0));
        assert!((b[2].1.y0 - b[1].1.y1).abs() < 1e-9);
        assert!(b[3].1.y0 >= b[2].1.y1 - 1e-9 && b[4].1.y0 >= b[3].1.y1 - 1e-9);
        // Too long for the rest of the column: all of it in the next one, from the top.
        let b = legend_of(20, 3, 40.0);
        assert!(b[1..].iter().all(|(_, r)| r.x0 == 70.0), "{b:?}");
        assert_eq!(b[1].1.y0, 0.0);
        // Longer than a column: continues at the top of the column after, never back.
        let b = legend_of(40, 3, 40.0);
        let xs: Vec<f64> = b[1..].iter().map(|(_, r)| r.x0).collect();
        assert!(xs.windows(2).all(|w| w[0] <= w[1]) && xs[0] == 70.0 && xs.contains(&140.0));
        let cont = b.iter().find(|(_, r)| r.x0 == 140.0).unwrap();
        assert_eq!(cont.1.y0, 0.0);
    }

    #[test]
    fn shapes_have_the_requested_size() {
        for shape in Shape::ALL {
            let pts = Shape::outline(shape, 10.0, 10.0, 3.0);
            let b = super::super::super::planar::bbox_of(&pts).unwrap();
            assert!(b.w() > 2.0 && b.w() < 3.8, "{shape:?} {}", b.w());
        }
    }
}
