//! Composes one sheet: the orchestrator. It gathers what the sheet shows, frames and projects
//! it, lays out the page, draws the map ([`super::map`]) and the panel ([`super::panel`]),
//! places the labels, and assembles the SVG with a report of what was drawn and left out.

use std::collections::BTreeMap;

use svg::node::element::{Element, Rectangle, Title};

use super::content::{self, Content};
use super::fonts;
use super::frame::{fit, projected_box, sheet_extent};
use super::labels::{self, BoxMm};
use super::map::{self, Ctx, MapArt, basemap, graticule};
use super::page::{self, Page};
use super::panel::legend;
use super::panel::notes::{self, Facts};
use super::panel::{Flow, credits, events, insets, locator, scale_bar, title};
use super::planar::View;
use super::projection::Projection;
use super::sheet::{Orientation, SheetSpec};
use super::svgdoc::{frame_rect, group, n, path};
use super::typography::Type;
use super::{PrintError, SheetReport};
use crate::layers::{Layer, Layers};
use crate::style::paper;

/// A composed sheet.
#[derive(Debug)]
pub struct Composed {
    /// The SVG text.
    pub svg: String,
    /// Paper width and height, **mm**.
    pub size_mm: (f64, f64),
    /// What was drawn and what was left out.
    pub report: SheetReport,
    /// The projection of the main map.
    pub projection: Projection,
    /// Centre of the main map, projected **metres**.
    pub centre_m: (f64, f64),
    /// The main map's frame on the paper, **mm** from the top left: x0, y0, x1, y1.
    pub map_rect_mm: [f64; 4],
    /// Scale denominator of the main map (1:`scale`).
    pub scale: f64,
    /// Length of the scale bar on paper, **mm**.
    pub bar_mm: f64,
    /// Ground length the scale bar stands for, **km**.
    pub bar_km: f64,
    /// Grid convergence at the map centre, **degrees** (the north arrow's rotation).
    pub convergence_deg: f64,
    /// Ids of the sites drawn inside the main map frame.
    pub framed_sites: Vec<String>,
    /// Label texts of those sites, by id (as written in the notes; region names are set in
    /// capitals on the map).
    pub site_labels: BTreeMap<String, String>,
    /// Every label box placed on the main map, **mm**.
    pub label_boxes: Vec<BoxMm>,
    /// What each of those labels (`site:<id>`, `transfer:<event id>`, `claim:<id>`, `line:`,
    /// `river:`, `region:`).
    pub label_ids: Vec<String>,
    /// The main map's frame, **mm**.
    pub map_frame: BoxMm,
    /// Blocks of the panel in the order set (`locator`, `scale bar`, `legend` (its heading),
    /// `legend row: <text>`, `inset: <title>`, `event <n>`; an inset set in a corner of the map
    /// when the panel is full: `inset in the map: <title>`), **mm**.
    pub panel_boxes: Vec<(String, BoxMm)>,
}

/// Composes the sheet `spec` from `layers` (and the locator layer, if any).
///
/// # Errors
/// [`PrintError::Layout`] when the sheet frames nothing or names unknown sites;
/// [`PrintError::Projection`] when its frame cannot be projected.
pub fn compose(
    layers: &Layers,
    locator: Option<&Layer>,
    spec: &SheetSpec,
) -> Result<Composed, PrintError> {
    let content = content::gather(layers, spec);
    let (w, h) = spec.size_mm();
    let ty = Type::for_page(w, h);
    let extent = sheet_extent(layers, &content, spec)?;
    let proj = Projection::for_sheet(spec.projection, extent, &spec.id)?;
    // Notes go above the credits, across the page: their lines are reserved first.
    let notes_lines = notes::reserve_lines(spec, &content, &proj.description, w, ty);
    let page = page::layout(spec, ty, &credits::line(layers), notes_lines);
    let view = fit(page.map, projected_box(&proj, extent)?);
    let mut ctx = Ctx::new(layers, &proj, &content, spec, ty);

    // Main map.
    let mut art = MapArt::default();
    basemap::draw(&mut ctx, &view, &mut art, true);
    let grid_labels = graticule::draw(&ctx, &view, &mut art);
    map::draw_atlas(&mut ctx, &view, &mut art, true);
    let (centre_lon, centre_lat) = proj.inverse(view.cx, view.cy)?;
    let k_centre = proj.scale_factor(centre_lon, centre_lat)?;
    let convergence = proj.convergence_deg(centre_lon, centre_lat)?;

    // Panel.
    let Panel {
        mut panel,
        flow,
        bar_mm,
        bar_km,
        insets,
        events_listed,
    } = draw_panel(
        &mut ctx,
        spec,
        &page,
        &view,
        &mut art,
        locator,
        (k_centre, convergence),
    )?;

    // Labels on the main map (the panel is outside the frame, so only the frame bounds count).
    let (main_labels, outcome) = map::labels::place(&mut art, &view, insets.in_frame.clone());
    let omitted_sites: Vec<String> = outcome
        .omitted
        .iter()
        .filter(|(id, _)| id.starts_with("site:") || id.starts_with("line:"))
        .map(|(_, t)| t.clone())
        .collect();

    // Notes, across the page above the credits.
    let facts = Facts {
        projection: &proj.description,
        scale: view.scale as u64,
        k_centre,
        convergence: convergences(&proj, &view, convergence),
        events_listed,
        omitted_sites: &omitted_sites,
    };
    let notes = notes::paragraphs(spec, &content, &facts);
    panel.extend(notes::draw(
        &notes,
        &page,
        notes_lines,
        ty,
        &mut ctx.warnings,
    ));

    let svg = document(
        spec,
        &page,
        &view,
        Parts {
            map: std::mem::take(&mut art.clipped),
            insets,
            labels: main_labels,
            grid_labels,
            panel,
            ty,
        },
    );
    let report = report(
        spec,
        &view,
        &proj,
        &content,
        &art,
        &outcome,
        &ctx,
        events_listed,
        omitted_sites,
    );
    Ok(Composed {
        svg,
        size_mm: (page.w, page.h),
        report,
        centre_m: (view.cx, view.cy),
        map_rect_mm: [view.rect.x0, view.rect.y0, view.rect.x1, view.rect.y1],
        scale: view.scale,
        bar_mm,
        bar_km,
        convergence_deg: convergence,
        framed_sites: art.framed.clone(),
        site_labels: site_labels(&art),
        label_boxes: outcome.placed.iter().map(|p| p.rect).collect(),
        label_ids: outcome.placed.iter().map(|p| p.id.clone()).collect(),
        map_frame: view.rect,
        panel_boxes: flow.boxes,
        projection: proj,
    })
}

/// The panel's artwork, the blocks it set, and what the sheet's report and notes need of it.
struct Panel {
    panel: Vec<Element>,
    flow: Flow,
    bar_mm: f64,
    bar_km: f64,
    insets: insets::Insets,
    events_listed: usize,
}

/// Flows the locator, the scale bar and north arrow, the legend, the detail insets and the
/// events down the panel's columns (`centre`: the scale factor and grid convergence at the map
/// centre).
fn draw_panel(
    ctx: &mut Ctx,
    spec: &SheetSpec,
    page: &Page,
    view: &View,
    art: &mut MapArt,
    locator: Option<&Layer>,
    centre: (f64, f64),
) -> Result<Panel, PrintError> {
    let ty = ctx.ty;
    let mut panel: Vec<Element> = vec![];
    let mut flow = Flow::new(page.columns.clone(), 4.0 * ty.k);
    if let Some(loc) = locator {
        locator::place(loc, ctx, view, &mut flow, &mut panel)?;
    }
    let (bar_mm, bar_km) = scale_bar::place(
        &mut flow,
        view,
        centre.0,
        centre.1,
        ty,
        &mut panel,
        &mut ctx.warnings,
    );
    let rows = legend::rows(ctx, ty);
    legend::place(&mut flow, rows, ty, &mut panel, &mut ctx.warnings);
    let insets = insets::place(ctx, spec, view, art, &mut flow, &mut panel)?;
    let events_listed = events::place(&mut flow, ctx.content, spec, ty, &mut panel);
    Ok(Panel {
        panel,
        flow,
        bar_mm,
        bar_km,
        insets,
        events_listed,
    })
}

/// Grid convergence at the centre (given), the left and the right edge of the map, **degrees**.
fn convergences(proj: &Projection, view: &View, centre: f64) -> [f64; 3] {
    let at_edge = |px: f64| {
        let (x, y) = view.ground(px, f64::midpoint(view.rect.y0, view.rect.y1));
        proj.inverse(x, y)
            .and_then(|(lon, lat)| proj.convergence_deg(lon, lat))
            .unwrap_or(centre)
    };
    [centre, at_edge(view.rect.x0), at_edge(view.rect.x1)]
}

/// The artwork of a sheet, in drawing order.
struct Parts {
    map: Vec<Element>,
    insets: insets::Insets,
    labels: Vec<Element>,
    grid_labels: Vec<Element>,
    panel: Vec<Element>,
    ty: Type,
}

/// The SVG document: the page, the map clipped to its frame, inset outlines and insets set in
/// the map, labels, the frame, graticule labels, the panel, title and credits.
fn document(spec: &SheetSpec, page: &Page, view: &View, p: Parts) -> String {
    let mut doc = svg::Document::new()
        .set("width", format!("{}mm", n(page.w)))
        .set("height", format!("{}mm", n(page.h)))
        .set("viewBox", format!("0 0 {} {}", n(page.w), n(page.h)))
        .set("font-family", fonts::FAMILY)
        .add(Title::new(spec.title.clone()));
    doc = doc.add(
        Rectangle::new()
            .set("width", n(page.w))
            .set("height", n(page.h))
            .set("fill", paper::PAPER),
    );
    doc = doc.add(group(p.map).set("id", "map"));
    // The map ends at its frame by a margin of paper laid over what runs past it (a few
    // millimetres: every layer is already cut to the frame grown a little), not by a
    // clip-path: a clip costs the rasteriser a page-sized layer and mask per sheet, about a
    // quarter of a sheet's rendering time.
    let r = view.rect;
    doc = doc.add(
        path(format!(
            "M0 0H{w}V{h}H0Z M{x0} {y0}V{y1}H{x1}V{y0}Z",
            w = n(page.w),
            h = n(page.h),
            x0 = n(r.x0),
            y0 = n(r.y0),
            x1 = n(r.x1),
            y1 = n(r.y1),
        ))
        .set("id", "margin")
        .set("fill", paper::PAPER)
        .set("fill-rule", "evenodd"),
    );
    doc = doc.add(group(p.insets.outlines).set("id", "insets"));
    if !p.insets.framed.is_empty() {
        doc = doc.add(group(p.insets.framed).set("id", "framed-insets"));
    }
    doc = doc.add(group(p.labels).set("id", "labels"));
    doc = doc.add(frame_rect(view.rect, paper::MAP_FRAME_WIDTH_MM));
    doc = doc.add(group(p.grid_labels).set("id", "graticule-labels"));
    doc = doc.add(group(p.panel).set("id", "panel"));
    doc = doc.add(group(title::draw(spec, page, p.ty)).set("id", "title"));
    doc = doc.add(group(credits::draw(page, p.ty)).set("id", "credits"));
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{doc}\n")
}

/// Label texts of the framed sites, by id (a river or railway is labelled along its line).
fn site_labels(art: &MapArt) -> BTreeMap<String, String> {
    art.framed
        .iter()
        .filter_map(|id| {
            let (key, line) = (format!("site:{id}"), format!("line:{id}"));
            art.requests
                .iter()
                .chain(&art.in_inset)
                .find(|r| r.id == key || r.id == line)
                .map(|r| (id.clone(), r.text.clone()))
        })
        .collect()
}

/// What the sheet holds and left out.
#[allow(clippy::too_many_arguments)]
fn report(
    spec: &SheetSpec,
    view: &View,
    proj: &Projection,
    content: &Content,
    art: &MapArt,
    outcome: &labels::Outcome,
    ctx: &Ctx,
    events_listed: usize,
    omitted_sites: Vec<String>,
) -> SheetReport {
    SheetReport {
        id: spec.id.clone(),
        title: spec.title.clone(),
        paper: format!(
            "{} {}",
            spec.paper.as_str(),
            match spec.orientation {
                Orientation::Landscape => "landscape",
                Orientation::Portrait => "portrait",
            }
        ),
        scale: view.scale as u64,
        projection: proj.definition.clone(),
        sites: art.framed.len(),
        labels_placed: outcome.placed.len(),
        labels_omitted: outcome.omitted.iter().map(|o| o.1.clone()).collect(),
        sites_unlabelled: omitted_sites,
        events_listed,
        events_in_period: content.events.len(),
        transfers: content.transfers.len(),
        warnings: ctx.warnings.clone(),
        files: vec![],
    }
}
