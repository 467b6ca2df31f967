//! Composes one sheet: page layout, the projected map (basemap, graticule, atlas layers, labels),
//! detail insets, the locator, legend, scale bar, north arrow, notes and credits, as one SVG.

use std::collections::{BTreeMap, HashMap, HashSet};

use geo::{BoundingRect, Contains, Geometry, Point};
use svg::node::element::{Circle, ClipPath, Definitions, Element, Group, Rectangle, Title};

use super::content::{self, Content, SiteMark};
use super::fonts::{self, Face};
use super::labels::{self, Anchor, BoxMm, Field, Request};
use super::projection::{Projection, dms_lat, dms_lon};
use super::sheet::{Orientation, SheetSpec};
use super::svgdoc::{Align, TextStyle, group, n, path, path_d, text, wrap};
use super::uncertainty::{self, Outline, ShapeKind};
use super::{PrintError, SheetReport};
use crate::geodesy;
use crate::layers::{Layer, Layers, Value};
use crate::style::{self, Shape};

#[path = "locator.rs"]
mod locator;
use locator::draw_locator;

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

/// Sizes that scale with the paper.
#[derive(Debug, Clone, Copy)]
struct Type {
    k: f64,
}

impl Type {
    fn title(self) -> TextStyle {
        TextStyle::plain(6.2 * self.k).bold()
    }
    fn subtitle(self) -> TextStyle {
        TextStyle::plain(3.4 * self.k).fill("#404040")
    }
    fn heading(self) -> TextStyle {
        TextStyle::plain(2.6 * self.k).bold()
    }
    fn body(self) -> TextStyle {
        TextStyle::plain(2.1 * self.k).fill("#262626")
    }
    fn small(self) -> TextStyle {
        TextStyle::plain(1.75 * self.k).fill("#4d4d4d")
    }
    fn site(self, major: bool) -> TextStyle {
        TextStyle::plain(if major { 2.55 } else { 2.2 } * self.k).halo(0.55 * self.k)
    }
    fn distance(self) -> TextStyle {
        TextStyle::plain(2.0 * self.k)
            .fill(style::TRANSFER_COLOUR)
            .halo(0.5 * self.k)
    }
    fn claim(self) -> TextStyle {
        TextStyle::plain(2.0 * self.k)
            .fill(style::CLAIM_COLOUR)
            .halo(0.5 * self.k)
    }
    fn water(self) -> TextStyle {
        TextStyle {
            size: 2.1 * self.k,
            face: Face::Oblique,
            fill: "#3a6f99",
            halo: 0.45 * self.k,
            spacing: 0.1 * self.k,
        }
    }
    fn region(self) -> TextStyle {
        TextStyle {
            size: 2.3 * self.k,
            face: Face::Regular,
            fill: "#8a7f99",
            halo: 0.0,
            spacing: 0.55 * self.k,
        }
    }
    fn grid(self) -> TextStyle {
        TextStyle::plain(1.75 * self.k).fill("#5a6470")
    }
}

/// A map window on paper: a box, a projected centre and a scale.
#[derive(Debug, Clone, Copy)]
struct View {
    rect: BoxMm,
    cx: f64,
    cy: f64,
    scale: f64,
}

impl View {
    fn paper(&self, x: f64, y: f64) -> (f64, f64) {
        let (mx, my) = (
            f64::midpoint(self.rect.x0, self.rect.x1),
            f64::midpoint(self.rect.y0, self.rect.y1),
        );
        (
            mx + (x - self.cx) * 1000.0 / self.scale,
            my - (y - self.cy) * 1000.0 / self.scale,
        )
    }

    fn ground(&self, px: f64, py: f64) -> (f64, f64) {
        let (mx, my) = (
            f64::midpoint(self.rect.x0, self.rect.x1),
            f64::midpoint(self.rect.y0, self.rect.y1),
        );
        (
            self.cx + (px - mx) * self.scale / 1000.0,
            self.cy - (py - my) * self.scale / 1000.0,
        )
    }

    fn inside(&self, p: (f64, f64)) -> bool {
        p.0 >= self.rect.x0 && p.0 <= self.rect.x1 && p.1 >= self.rect.y0 && p.1 <= self.rect.y1
    }
}

/// The smallest "round" number (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8 × 10ⁿ) at least `x`.
fn nice_up(x: f64) -> f64 {
    let e = x.log10().floor();
    let base = 10f64.powf(e);
    for m in [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0, 10.0] {
        if m * base >= x * (1.0 - 1e-9) {
            return m * base;
        }
    }
    10.0 * base
}

/// The largest 1, 2, 2.5 or 5 × 10ⁿ not above `x`.
fn nice_down(x: f64) -> f64 {
    let e = x.log10().floor();
    let base = 10f64.powf(e);
    let mut best = base;
    for m in [1.0, 2.0, 2.5, 5.0] {
        if m * base <= x * (1.0 + 1e-9) {
            best = m * base;
        }
    }
    best
}

/// `1 889` style thousands (thin space), for scales and distances.
fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A distance in km with sensible precision.
fn km(x: f64) -> String {
    if x < 1.0 {
        format!("{x:.2} km")
    } else if x < 10.0 {
        format!("{x:.1} km")
    } else {
        format!("{} km", thousands(x.round() as u64))
    }
}

fn stated_km(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s} km")
}

fn el<T: Into<Element>>(x: T) -> Element {
    x.into()
}

/// Removes vertices closer than `tol` mm to the previous kept one.
fn thin(pts: Vec<(f64, f64)>, tol: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    let last = pts.last().copied();
    for p in pts {
        if out
            .last()
            .is_none_or(|q: &(f64, f64)| (p.0 - q.0).hypot(p.1 - q.1) >= tol)
        {
            out.push(p);
        }
    }
    if let (Some(l), Some(o)) = (last, out.last())
        && *o != l
    {
        out.push(l);
    }
    out
}

fn bbox_of(pts: &[(f64, f64)]) -> Option<BoxMm> {
    let mut it = pts.iter();
    let f = it.next()?;
    let mut b = BoxMm {
        x0: f.0,
        y0: f.1,
        x1: f.0,
        y1: f.1,
    };
    for p in it {
        b.x0 = b.x0.min(p.0);
        b.y0 = b.y0.min(p.1);
        b.x1 = b.x1.max(p.0);
        b.y1 = b.y1.max(p.1);
    }
    Some(b)
}

/// Sutherland-Hodgman: the part of a closed ring inside `b` (boundary edges may appear along
/// `b`, which lies outside the visible frame when `b` is a grown frame).
fn clip_ring(pts: &[(f64, f64)], b: &BoxMm) -> Vec<(f64, f64)> {
    type Inside = fn(&BoxMm, (f64, f64)) -> bool;
    type Cut = fn(&BoxMm, (f64, f64), (f64, f64)) -> (f64, f64);
    let edges: [(Inside, Cut); 4] = [
        (
            |b, p| p.0 >= b.x0,
            |b, p, q| {
                let t = (b.x0 - p.0) / (q.0 - p.0);
                (b.x0, p.1 + (q.1 - p.1) * t)
            },
        ),
        (
            |b, p| p.0 <= b.x1,
            |b, p, q| {
                let t = (b.x1 - p.0) / (q.0 - p.0);
                (b.x1, p.1 + (q.1 - p.1) * t)
            },
        ),
        (
            |b, p| p.1 >= b.y0,
            |b, p, q| {
                let t = (b.y0 - p.1) / (q.1 - p.1);
                (p.0 + (q.0 - p.0) * t, b.y0)
            },
        ),
        (
            |b, p| p.1 <= b.y1,
            |b, p, q| {
                let t = (b.y1 - p.1) / (q.1 - p.1);
                (p.0 + (q.0 - p.0) * t, b.y1)
            },
        ),
    ];
    let mut out: Vec<(f64, f64)> = pts.to_vec();
    for (inside, cut) in edges {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            match (inside(b, prev), inside(b, cur)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cut(b, prev, cur)),
                (false, true) => {
                    out.push(cut(b, prev, cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

/// The parts of a polyline inside `b`.
fn clip_line(pts: &[(f64, f64)], b: &BoxMm) -> Vec<Vec<(f64, f64)>> {
    let mut parts: Vec<Vec<(f64, f64)>> = vec![];
    let mut cur: Vec<(f64, f64)> = vec![];
    for w in pts.windows(2) {
        let (p, q) = (w[0], w[1]);
        // Liang-Barsky on the segment.
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        let mut keep = true;
        for (pp, qq) in [
            (-dx, p.0 - b.x0),
            (dx, b.x1 - p.0),
            (-dy, p.1 - b.y0),
            (dy, b.y1 - p.1),
        ] {
            if pp == 0.0 {
                if qq < 0.0 {
                    keep = false;
                }
            } else {
                let r = qq / pp;
                if pp < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if !keep || t0 > t1 {
            if cur.len() >= 2 {
                parts.push(std::mem::take(&mut cur));
            }
            cur.clear();
            continue;
        }
        let a = (p.0 + dx * t0, p.1 + dy * t0);
        let c = (p.0 + dx * t1, p.1 + dy * t1);
        if cur.last() != Some(&a) {
            if cur.len() >= 2 {
                parts.push(std::mem::take(&mut cur));
            }
            cur = vec![a];
        }
        cur.push(c);
        if t1 < 1.0 {
            parts.push(std::mem::take(&mut cur));
        }
    }
    if cur.len() >= 2 {
        parts.push(cur);
    }
    parts
}

/// Kinds drawn as a label only (no point symbol).
fn label_only(kind: &str) -> bool {
    matches!(kind, "region" | "river" | "railway")
}

/// What the legend must explain.
#[derive(Debug, Default)]
struct Legend {
    kinds: Vec<String>,
    uncertain: bool,
    /// Uncertainty shapes drawn, in legend order.
    shapes: Vec<ShapeKind>,
    transfers: bool,
    claims: bool,
    atlas_river: Option<bool>,
    railway: Option<bool>,
    base_rivers: bool,
    lakes: bool,
    borders: bool,
    spread: bool,
}

/// One label's text runs and where its box sits.
#[derive(Debug, Clone)]
struct LabelText {
    runs: Vec<(String, TextStyle)>,
    pad: f64,
}

impl LabelText {
    fn one(s: &str, st: TextStyle) -> Self {
        Self {
            runs: vec![(s.to_owned(), st)],
            pad: 0.2,
        }
    }
    fn size(&self) -> f64 {
        self.runs.iter().map(|r| r.1.size).fold(0.0, f64::max)
    }
    fn w(&self) -> f64 {
        let gaps = self.runs.len().saturating_sub(1) as f64 * self.size() * 0.3;
        self.runs.iter().map(|(s, st)| st.width(s)).sum::<f64>() + gaps + 2.0 * self.pad
    }
    fn h(&self) -> f64 {
        (fonts::CAP_EM + fonts::DESCENT_EM) * self.size() + 2.0 * self.pad
    }
    fn draw(&self, b: &BoxMm) -> Vec<Element> {
        let size = self.size();
        let base = b.y1 - self.pad - fonts::DESCENT_EM * size;
        let mut x = b.x0 + self.pad;
        let mut out = vec![];
        for (s, st) in &self.runs {
            out.push(el(text(s, x, base, *st, Align::Start)));
            x += st.width(s) + size * 0.3;
        }
        out
    }
}

/// Where each drawn site's symbol sits on paper.
#[derive(Debug, Clone, Copy)]
struct Spot {
    x: f64,
    y: f64,
    r: f64,
}

/// A map drawn into one view: clipped artwork, labels to place and their obstacles.
#[derive(Default)]
struct MapArt {
    clipped: Vec<Element>,
    requests: Vec<Request>,
    texts: BTreeMap<String, LabelText>,
    field: Field,
    spots: BTreeMap<String, Spot>,
    framed: Vec<String>,
    /// Site labels left to an inset that shows their places larger.
    in_inset: Vec<Request>,
}

struct Ctx<'a> {
    layers: &'a Layers,
    proj: &'a Projection,
    content: &'a Content,
    ty: Type,
    legend: Legend,
    /// Site ids the sheet shows (a set: looked up for every site and shape).
    shown: HashSet<String>,
    /// Uncertainty shapes of the atlas.
    outlines: Vec<Outline>,
    warnings: Vec<String>,
}

impl Ctx<'_> {
    fn project(&self, v: &View, lon: f64, lat: f64) -> Option<(f64, f64)> {
        self.proj.forward(lon, lat).ok().map(|(x, y)| v.paper(x, y))
    }

    fn project_line(&self, v: &View, pts: &[(f64, f64)], tol: f64) -> Vec<(f64, f64)> {
        thin(
            pts.iter()
                .filter_map(|(lon, lat)| self.project(v, *lon, *lat))
                .collect(),
            tol,
        )
    }

    /// Lon/lat box of the view, with a margin, for cheap culling.
    fn lonlat_box(&self, v: &View) -> [f64; 4] {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        let r = v.rect;
        for i in 0..=20 {
            let t = f64::from(i) / 20.0;
            for (px, py) in [
                (r.x0 + t * r.w(), r.y0),
                (r.x0 + t * r.w(), r.y1),
                (r.x0, r.y0 + t * r.h()),
                (r.x1, r.y0 + t * r.h()),
            ] {
                let (x, y) = v.ground(px, py);
                if let Ok((lon, lat)) = self.proj.inverse(x, y) {
                    b = [b[0].min(lon), b[1].min(lat), b[2].max(lon), b[3].max(lat)];
                }
            }
        }
        let (dx, dy) = ((b[2] - b[0]) * 0.05 + 0.05, (b[3] - b[1]) * 0.05 + 0.02);
        [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
    }
}

fn geometry_rings(g: &Geometry) -> Vec<Vec<(f64, f64)>> {
    let ring = |l: &geo::LineString| l.0.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>();
    match g {
        Geometry::Polygon(p) => std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(ring)
            .collect(),
        Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(ring)
                .collect()
        }
        Geometry::LineString(l) => vec![ring(l)],
        Geometry::MultiLineString(ml) => ml.0.iter().map(ring).collect(),
        _ => vec![],
    }
}

fn touches(g: &Geometry, b: [f64; 4]) -> bool {
    g.bounding_rect().is_some_and(|r| {
        r.min().x <= b[2] && r.max().x >= b[0] && r.min().y <= b[3] && r.max().y >= b[1]
    })
}

fn value_text(l: &Layer, f: &crate::layers::Feature, name: &str) -> String {
    match l.value(f, name) {
        Some(Value::Text(s)) => s.clone(),
        Some(Value::Integer(i)) => i.to_string(),
        _ => String::new(),
    }
}

fn value_int(l: &Layer, f: &crate::layers::Feature, name: &str) -> Option<i64> {
    match l.value(f, name) {
        Some(Value::Integer(i)) => Some(*i),
        Some(Value::Real(x)) => Some(*x as i64),
        _ => None,
    }
}

/// Draws the basemap into `art`.
fn draw_basemap(ctx: &mut Ctx, v: &View, art: &mut MapArt, labels: bool) {
    let ll = ctx.lonlat_box(v);
    let tol = 0.15;
    let frame = v.rect.grow(2.0);
    let visible = |b: Option<BoxMm>| b.is_some_and(|b| b.intersects(&frame));
    // Sea where the basemap says there is sea: the whole frame when the basemap covers it,
    // else only its coverage (missing data is never drawn as sea).
    match locator::sea_outside_land(ctx, v) {
        Some(d) => {
            ctx.warnings.push(
                "the basemap does not cover the whole frame: no land or sea is drawn outside it"
                    .into(),
            );
            art.clipped.push(el(path(d).set("fill", style::SEA_COLOUR)));
        }
        None if ctx.layers.basemap.is_empty() => {}
        None => art.clipped.push(el(Rectangle::new()
            .set("x", n(v.rect.x0))
            .set("y", n(v.rect.y0))
            .set("width", n(v.rect.w()))
            .set("height", n(v.rect.h()))
            .set("fill", style::SEA_COLOUR))),
    }
    let layers = ctx.layers;
    // Land and lakes: filled polygons.
    for (name, fill) in [
        ("coast", style::LAND_COLOUR),
        ("lakes", style::WATER_COLOUR),
    ] {
        let Some(l) = layers.layer(name) else {
            continue;
        };
        let mut d = String::new();
        for f in &l.features {
            let Some(g) = &f.geometry else { continue };
            if !touches(g, ll) {
                continue;
            }
            for ring in geometry_rings(g) {
                let pts = ctx.project_line(v, &ring, tol);
                if pts.len() >= 3 && visible(bbox_of(&pts)) {
                    let pts = clip_ring(&pts, &frame);
                    if pts.len() >= 3 {
                        d.push_str(&path_d(&pts, true));
                    }
                }
            }
        }
        if !d.is_empty() {
            if name == "lakes" {
                ctx.legend.lakes = true;
            }
            art.clipped.push(el(path(d)
                .set("fill", fill)
                .set("fill-rule", "evenodd")
                .set("stroke", if name == "lakes" { "#7fa7c9" } else { "none" })
                .set("stroke-width", "0.1")));
        }
    }
    // Rivers by level.
    if let Some(l) = layers.layer("rivers") {
        let mut by_width: BTreeMap<u8, String> = BTreeMap::new();
        let mut named: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for f in &l.features {
            let Some(g) = &f.geometry else { continue };
            if !touches(g, ll) {
                continue;
            }
            let level = value_int(l, f, "level").unwrap_or(3);
            let w10: u8 = match level {
                1 => 4,
                2 => 3,
                3 => 2,
                _ => 1,
            };
            for part in geometry_rings(g) {
                let pts = ctx.project_line(v, &part, tol);
                if pts.len() >= 2 && visible(bbox_of(&pts)) {
                    for piece in clip_line(&pts, &frame) {
                        by_width
                            .entry(w10)
                            .or_default()
                            .push_str(&path_d(&piece, false));
                    }
                    let name = value_text(l, f, "name");
                    if labels && !name.is_empty() && level <= 2 {
                        let inside: Vec<_> = pts.iter().copied().filter(|p| v.inside(*p)).collect();
                        let e = named.entry(name).or_default();
                        if inside.len() > e.len() {
                            *e = inside;
                        }
                    }
                }
            }
        }
        for (w10, d) in by_width {
            ctx.legend.base_rivers = true;
            art.clipped.push(el(path(d)
                .set("fill", "none")
                .set("stroke", "#7fa7c9")
                .set("stroke-width", n(f64::from(w10) * 0.1))
                .set("stroke-linejoin", "round")
                .set("stroke-linecap", "round")));
        }
        for (name, pts) in named {
            if pts.len() < 3 {
                continue;
            }
            let lt = LabelText::one(&name, ctx.ty.water());
            let id = format!("river:{name}");
            art.requests.push(Request {
                id: id.clone(),
                text: name,
                w: lt.w(),
                h: lt.h(),
                anchor: Anchor::Line(pts),
                priority: 10,
                leader: false,
            });
            art.texts.insert(id, lt);
        }
    }
    // Region boundaries.
    if let Some(l) = layers.layer("borders") {
        let mut d = String::new();
        for f in &l.features {
            let Some(g) = &f.geometry else { continue };
            if !touches(g, ll) {
                continue;
            }
            for part in geometry_rings(g) {
                let pts = ctx.project_line(v, &part, tol);
                if pts.len() >= 2 && visible(bbox_of(&pts)) {
                    for piece in clip_line(&pts, &frame) {
                        d.push_str(&path_d(&piece, false));
                    }
                }
            }
        }
        if !d.is_empty() {
            ctx.legend.borders = true;
            art.clipped.push(el(path(d)
                .set("fill", "none")
                .set("stroke", style::BORDER_COLOUR)
                .set("stroke-width", "0.35")
                .set("stroke-dasharray", "2 0.8 0.4 0.8")));
        }
    }
    // Region names at interior points (a grid over the frame, tested in lon/lat).
    if labels && let Some(l) = layers.layer("regions") {
        let mut cells: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        let (nx, ny) = (14, 10);
        for i in 0..nx {
            for j in 0..ny {
                let px = v.rect.x0 + (f64::from(i) + 0.5) * v.rect.w() / f64::from(nx);
                let py = v.rect.y0 + (f64::from(j) + 0.5) * v.rect.h() / f64::from(ny);
                let (x, y) = v.ground(px, py);
                let Ok((lon, lat)) = ctx.proj.inverse(x, y) else {
                    continue;
                };
                let pt = Point::new(lon, lat);
                for f in &l.features {
                    if f.geometry.as_ref().is_some_and(|g| g.contains(&pt)) {
                        cells
                            .entry(value_text(l, f, "name"))
                            .or_default()
                            .push((px, py));
                    }
                }
            }
        }
        for (name, pts) in cells {
            if name.is_empty() || pts.len() < 6 {
                continue;
            }
            let m = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
            let m = (m.0 / pts.len() as f64, m.1 / pts.len() as f64);
            let mut c = pts.clone();
            c.sort_by(|a, b| {
                let da = (a.0 - m.0).hypot(a.1 - m.1);
                let db = (b.0 - m.0).hypot(b.1 - m.1);
                da.total_cmp(&db)
            });
            c.truncate(8);
            let upper = name.to_uppercase();
            let lt = LabelText::one(&upper, ctx.ty.region());
            let id = format!("region:{name}");
            art.requests.push(Request {
                id: id.clone(),
                text: name,
                w: lt.w(),
                h: lt.h(),
                anchor: Anchor::Area(c),
                priority: 5,
                leader: false,
            });
            art.texts.insert(id, lt);
        }
    }
}

/// A graticule interval giving 3-7 lines across `span` degrees.
fn grid_step(span: f64) -> f64 {
    for s in [
        1.0 / 60.0,
        2.0 / 60.0,
        5.0 / 60.0,
        10.0 / 60.0,
        0.25,
        0.5,
        1.0,
        2.0,
        5.0,
        10.0,
    ] {
        if span / s <= 6.0 {
            return s;
        }
    }
    20.0
}

/// Draws graticule lines (clipped) and returns the degree labels for outside the frame.
fn draw_graticule(ctx: &Ctx, v: &View, art: &mut MapArt) -> Vec<Element> {
    let ll = ctx.lonlat_box(v);
    let (lon_step, lat_step) = (grid_step(ll[2] - ll[0]), grid_step(ll[3] - ll[1]));
    let mut d = String::new();
    let mut labels = vec![];
    let st = ctx.ty.grid();
    let r = v.rect;
    let mut lon = (ll[0] / lon_step).ceil() * lon_step;
    while lon <= ll[2] {
        let pts: Vec<(f64, f64)> = (0..=80)
            .map(|i| (lon, ll[1] + (ll[3] - ll[1]) * f64::from(i) / 80.0))
            .collect();
        let p = ctx.project_line(v, &pts, 0.05);
        for piece in clip_line(&p, &r.grow(1.0)) {
            d.push_str(&path_d(&piece, false));
        }
        for (edge_y, below) in [(r.y0, false), (r.y1, true)] {
            if let Some(x) = crossing(&p, |q| q.1 - edge_y).map(|q| q.0)
                && x > r.x0 + 2.0
                && x < r.x1 - 2.0
            {
                let y = if below {
                    edge_y + st.size * 1.15
                } else {
                    edge_y - st.size * 0.35
                };
                labels.push(el(text(&dms_lon(lon), x, y, st, Align::Middle)));
            }
        }
        lon += lon_step;
    }
    let mut lat = (ll[1] / lat_step).ceil() * lat_step;
    while lat <= ll[3] {
        let pts: Vec<(f64, f64)> = (0..=80)
            .map(|i| (ll[0] + (ll[2] - ll[0]) * f64::from(i) / 80.0, lat))
            .collect();
        let p = ctx.project_line(v, &pts, 0.05);
        for piece in clip_line(&p, &r.grow(1.0)) {
            d.push_str(&path_d(&piece, false));
        }
        for (edge_x, left) in [(r.x0, true), (r.x1, false)] {
            if let Some(y) = crossing(&p, |q| q.0 - edge_x).map(|q| q.1)
                && y > r.y0 + 2.0
                && y < r.y1 - 2.0
            {
                // Rotated to read upwards, set in the margin.
                let x = if left {
                    edge_x - st.size * 0.35
                } else {
                    edge_x + st.size * 1.1
                };
                labels.push(el(text(&dms_lat(lat), x, y, st, Align::Middle)
                    .set("transform", format!("rotate(-90 {} {})", n(x), n(y)))));
            }
        }
        lat += lat_step;
    }
    art.clipped.push(el(path(d)
        .set("fill", "none")
        .set("stroke", "#8795a3")
        .set("stroke-width", "0.12")
        .set("stroke-opacity", "0.7")));
    labels
}

/// First point where `f` changes sign along `pts` (linear interpolation).
fn crossing(pts: &[(f64, f64)], f: impl Fn((f64, f64)) -> f64) -> Option<(f64, f64)> {
    pts.windows(2).find_map(|w| {
        let (a, b) = (f(w[0]), f(w[1]));
        if (a <= 0.0 && b > 0.0) || (a >= 0.0 && b < 0.0) {
            let t = a / (a - b);
            Some((
                w[0].0 + (w[1].0 - w[0].0) * t,
                w[0].1 + (w[1].1 - w[0].1) * t,
            ))
        } else {
            None
        }
    })
}

/// Paper positions of the shown sites, with symbols closer than 1.4 mm spread on a ring.
fn site_spots(ctx: &mut Ctx, v: &View, art: &mut MapArt) -> Vec<Element> {
    let mut raw: Vec<(&SiteMark, (f64, f64), f64)> = vec![];
    for s in &ctx.content.sites {
        if !ctx.shown.contains(&s.id) {
            continue;
        }
        let Some(p) = ctx.project(v, s.lon, s.lat) else {
            continue;
        };
        if !v.inside(p) {
            continue;
        }
        let size = ctx.layers.vocabulary.style(&s.kind).size_mm * ctx.ty.k;
        raw.push((s, p, size));
    }
    let mut connectors = vec![];
    let mut cluster_of: Vec<usize> = (0..raw.len()).collect();
    fn root(c: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while c[i] != i {
            c[i] = c[c[i]];
            i = c[i];
        }
        i
    }
    // Pairs closer than `reach` lie in the same or neighbouring cells of a grid of that step, so
    // each symbol is compared with those nearby only. The clusters do not depend on the order
    // pairs are joined in (each root is the lowest index of its cluster).
    let reach = 1.4 * ctx.ty.k;
    let cell = |p: (f64, f64)| ((p.0 / reach).floor() as i64, (p.1 / reach).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if !label_only(&r.0.kind) {
            grid.entry(cell(r.1)).or_default().push(i);
        }
    }
    for i in 0..raw.len() {
        if label_only(&raw[i].0.kind) {
            continue;
        }
        let a = raw[i].1;
        let (cx, cy) = cell(a);
        for (dx, dy) in (-1..=1).flat_map(|dx| (-1..=1).map(move |dy| (dx, dy))) {
            for &j in grid.get(&(cx + dx, cy + dy)).map_or(&[][..], Vec::as_slice) {
                let b = raw[j].1;
                if j > i && (a.0 - b.0).hypot(a.1 - b.1) < reach {
                    let (ri, rj) = (root(&mut cluster_of, i), root(&mut cluster_of, j));
                    cluster_of[ri.max(rj)] = ri.min(rj);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..raw.len() {
        let r = root(&mut cluster_of, i);
        groups.entry(r).or_default().push(i);
    }
    for members in groups.values() {
        if members.len() == 1 {
            let (s, p, size) = raw[members[0]];
            art.spots.insert(
                s.id.clone(),
                Spot {
                    x: p.0,
                    y: p.1,
                    r: size / 2.0,
                },
            );
            continue;
        }
        ctx.legend.spread = true;
        let c = members
            .iter()
            .fold((0.0, 0.0), |a, i| (a.0 + raw[*i].1.0, a.1 + raw[*i].1.1));
        let c = (c.0 / members.len() as f64, c.1 / members.len() as f64);
        let smax = members.iter().map(|i| raw[*i].2).fold(0.0, f64::max);
        let k = members.len() as f64;
        let ring = (smax * 0.95).max(k * smax * 1.2 / std::f64::consts::TAU);
        let mut ids: Vec<usize> = members.clone();
        ids.sort_by(|a, b| raw[*a].0.id.cmp(&raw[*b].0.id));
        for (j, i) in ids.iter().enumerate() {
            let a = -std::f64::consts::FRAC_PI_2 + j as f64 * std::f64::consts::TAU / k;
            let q = (c.0 + ring * a.cos(), c.1 + ring * a.sin());
            connectors.push((c, q));
            art.spots.insert(
                raw[*i].0.id.clone(),
                Spot {
                    x: q.0,
                    y: q.1,
                    r: raw[*i].2 / 2.0,
                },
            );
        }
        connectors.push((c, c));
    }
    let mut out = vec![];
    let mut d = String::new();
    let mut dots = vec![];
    for (a, b) in connectors {
        if a == b {
            dots.push(a);
        } else {
            d.push_str(&path_d(&[a, b], false));
        }
    }
    if !d.is_empty() {
        out.push(el(path(d)
            .set("stroke", "#4d4d4d")
            .set("stroke-width", "0.15")));
    }
    for p in dots {
        out.push(el(Circle::new()
            .set("cx", n(p.0))
            .set("cy", n(p.1))
            .set("r", "0.35")
            .set("fill", "#1a1a1a")));
    }
    out
}

/// Quadratic arc from p to q bulging to the right of the direction of travel.
fn arc(p: (f64, f64), q: (f64, f64), bulge: f64) -> Vec<(f64, f64)> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let l = dx.hypot(dy);
    let nrm = (-dy / l, dx / l);
    let c = (
        f64::midpoint(p.0, q.0) + nrm.0 * bulge * l,
        f64::midpoint(p.1, q.1) + nrm.1 * bulge * l,
    );
    (0..=48)
        .map(|i| {
            let t = f64::from(i) / 48.0;
            let (a, b, cc) = ((1.0 - t) * (1.0 - t), 2.0 * (1.0 - t) * t, t * t);
            (a * p.0 + b * c.0 + cc * q.0, a * p.1 + b * c.1 + cc * q.1)
        })
        .collect()
}

/// Cuts `start` mm off the beginning and `end` mm off the end of a polyline.
fn trim(pts: &[(f64, f64)], start: f64, end: f64) -> Vec<(f64, f64)> {
    fn cut_front(pts: &[(f64, f64)], d: f64) -> Vec<(f64, f64)> {
        let mut left = d;
        for i in 0..pts.len().saturating_sub(1) {
            let (a, b) = (pts[i], pts[i + 1]);
            let l = (b.0 - a.0).hypot(b.1 - a.1);
            if left < l {
                let t = left / l;
                let mut out = vec![(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)];
                out.extend_from_slice(&pts[i + 1..]);
                return out;
            }
            left -= l;
        }
        vec![]
    }
    let a = cut_front(pts, start);
    let mut rev: Vec<_> = a.into_iter().rev().collect();
    rev = cut_front(&rev, end);
    rev.reverse();
    rev
}

fn polyline_len(pts: &[(f64, f64)]) -> f64 {
    pts.windows(2)
        .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
        .sum()
}

/// Label positions inside the area outline of `site` within the view: its point first, then
/// points of a grid over the frame that fall inside the area, nearest first.
fn area_label_points(ctx: &Ctx, v: &View, site: &str, at: (f64, f64)) -> Option<Vec<(f64, f64)>> {
    let o = ctx
        .outlines
        .iter()
        .find(|o| o.site == site && o.kind == ShapeKind::Area)?;
    let (nx, ny) = (16, 12);
    let mut pts: Vec<(f64, f64)> = (0..nx * ny)
        .map(|k| {
            let (i, j) = (f64::from(k % nx), f64::from(k / nx));
            (
                v.rect.x0 + (i + 0.5) * v.rect.w() / f64::from(nx),
                v.rect.y0 + (j + 0.5) * v.rect.h() / f64::from(ny),
            )
        })
        .filter(|&(px, py)| {
            let (x, y) = v.ground(px, py);
            ctx.proj.inverse(x, y).is_ok_and(|(lon, lat)| {
                o.polygons.iter().any(|p| p.contains(&Point::new(lon, lat)))
            })
        })
        .collect();
    let d = |p: &(f64, f64)| (p.0 - at.0).hypot(p.1 - at.1);
    pts.sort_by(|a, b| d(a).total_cmp(&d(b)));
    pts.truncate(10);
    pts.insert(0, at);
    Some(pts)
}

/// Paper outline of one uncertainty shape: every ring (holes too) projected and clipped to the
/// grown frame, for one path filled with the even-odd rule; with its box and whether any of its
/// edges crosses the frame (when none does, the frame lies wholly inside or outside it).
fn outline_d(ctx: &Ctx, v: &View, o: &Outline) -> Option<(String, BoxMm, bool)> {
    let mut d = String::new();
    let mut all: Vec<(f64, f64)> = vec![];
    let mut edge = false;
    for ring in uncertainty::rings(&o.polygons) {
        let p = ctx.project_line(v, &ring, 0.1);
        edge = edge || p.windows(2).any(|w| v.rect.hits_segment(w[0], w[1]));
        let p = clip_ring(&p, &v.rect.grow(2.0));
        if p.len() >= 3 {
            d.push_str(&path_d(&p, true));
            all.extend(p);
        }
    }
    Some((d, bbox_of(&all)?, edge))
}

/// Whether a site's uncertainty shape is worth drawing: circles only around a drawn symbol
/// they outgrow (and never for a region), rings whenever the site is shown, areas when shown
/// and their outline crosses the frame (a sheet wholly inside a camp system is not tinted all
/// over: the area's label says it).
fn wants_outline(
    ctx: &Ctx,
    art: &MapArt,
    regions: &HashSet<&str>,
    o: &Outline,
    b: &BoxMm,
    edge: bool,
) -> bool {
    match o.kind {
        ShapeKind::Circle => {
            let region = regions.contains(o.site.as_str());
            art.spots
                .get(&o.site)
                .is_some_and(|spot| !region && b.w() >= spot.r * 2.6)
        }
        ShapeKind::Ring => ctx.shown.contains(&o.site),
        ShapeKind::Area => edge && ctx.shown.contains(&o.site),
    }
}

/// Uncertainty shapes from the `uncertainty` layer: per kind, one translucent group of
/// even-odd fills (overlaps do not darken, holes stay open) and one path of outlines.
fn draw_uncertainty(ctx: &mut Ctx, v: &View, art: &mut MapArt) {
    let mut by_kind: BTreeMap<ShapeKind, (Vec<Element>, String)> = BTreeMap::new();
    let content = ctx.content;
    // Sites of kind `region` (looked up for every circle).
    let regions: HashSet<&str> = content
        .sites
        .iter()
        .filter(|s| s.kind == "region")
        .map(|s| s.id.as_str())
        .collect();
    for o in &ctx.outlines {
        let Some((d, b, edge)) = outline_d(ctx, v, o) else {
            continue;
        };
        if !b.intersects(&v.rect) || !wants_outline(ctx, art, &regions, o, &b, edge) {
            continue;
        }
        let e = by_kind.entry(o.kind).or_default();
        let kind = format!("{:?}", o.kind).to_lowercase();
        e.0.push(el(path(d.clone())
            .set("fill-rule", "evenodd")
            .set("fill", uncertainty_fill(o.kind))
            .add(Title::new(format!("{}: {kind}", o.site)))));
        e.1.push_str(&d);
    }
    for (kind, (fills, strokes)) in by_kind {
        if !ctx.legend.shapes.contains(&kind) {
            ctx.legend.shapes.push(kind);
        }
        let opacity = match kind {
            ShapeKind::Area => AREA_OPACITY,
            _ => style::UNCERTAINTY_OPACITY,
        };
        art.clipped
            .push(el(group(fills).set("opacity", n(opacity))));
        if kind == ShapeKind::Area {
            art.clipped.push(el(path(strokes.clone())
                .set("fill", "url(#area-hatch)")
                .set("fill-rule", "evenodd")));
        }
        art.clipped.push(el(outline_stroke(path(strokes), kind)));
    }
}

fn uncertainty_fill(kind: ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Area => AREA_FILL,
        _ => style::UNCERTAINTY_FILL,
    }
}

fn outline_stroke(p: svg::node::element::Path, kind: ShapeKind) -> svg::node::element::Path {
    let p = p.set("fill", "none");
    match kind {
        ShapeKind::Area => p
            .set("stroke", AREA_STROKE)
            .set("stroke-width", "0.3")
            .set("stroke-dasharray", "2 0.6 0.4 0.6"),
        _ => p
            .set("stroke", "#d6604d")
            .set("stroke-width", "0.15")
            .set("stroke-opacity", "0.6")
            .set("stroke-dasharray", "0.8 0.5"),
    }
}

/// Tint, hatching and outline of an area (camp system, district): purple, apart from the
/// salmon of position uncertainty.
const AREA_FILL: &str = "#9e9ac8";
const AREA_OPACITY: f64 = 0.16;
const AREA_STROKE: &str = "#6a51a3";

/// The hatching of areas, defined once per sheet.
fn area_hatch() -> svg::node::element::Pattern {
    svg::node::element::Pattern::new()
        .set("id", "area-hatch")
        .set("patternUnits", "userSpaceOnUse")
        .set("width", "1.6")
        .set("height", "1.6")
        .set("patternTransform", "rotate(45)")
        .add(
            path("M0 0.8H1.6".into())
                .set("stroke", AREA_STROKE)
                .set("stroke-width", "0.12")
                .set("stroke-opacity", "0.55"),
        )
}

/// Atlas layers: account lines, uncertainty shapes, claims, transfers, symbols, labels.
fn draw_atlas(ctx: &mut Ctx, v: &View, art: &mut MapArt, main: bool) {
    let ty = ctx.ty;
    let content = ctx.content;
    // Rivers and railways of the account.
    for line in &content.lines {
        let mut d = String::new();
        let mut longest: Vec<(f64, f64)> = vec![];
        for part in &line.parts {
            let pts = ctx.project_line(v, part, 0.1);
            if pts.len() >= 2 {
                for piece in clip_line(&pts, &v.rect.grow(3.0)) {
                    d.push_str(&path_d(&piece, false));
                }
                let inside: Vec<_> = pts.iter().copied().filter(|p| v.inside(*p)).collect();
                if inside.len() > longest.len() {
                    longest = inside;
                }
            }
        }
        if d.is_empty() || longest.len() < 2 {
            continue;
        }
        let railway = line.kind == "railway";
        if railway {
            ctx.legend.railway = Some(line.schematic);
            art.clipped.push(el(path(d.clone())
                .set("fill", "none")
                .set("stroke", style::RAILWAY_COLOUR)
                .set("stroke-width", n(0.7 * ty.k))));
            art.clipped.push(el(path(d)
                .set("fill", "none")
                .set("stroke", "#ffffff")
                .set("stroke-width", n(0.35 * ty.k))
                .set(
                    "stroke-dasharray",
                    if line.schematic { "1.2 2.4" } else { "1.8 1.8" },
                )));
        } else {
            ctx.legend.atlas_river = Some(line.schematic);
            let mut p = path(d)
                .set("fill", "none")
                .set("stroke", style::ATLAS_RIVER_COLOUR)
                .set("stroke-width", n(0.5 * ty.k))
                .set("stroke-linecap", "round");
            if line.schematic {
                p = p.set("stroke-dasharray", "1.6 0.8");
            }
            art.clipped.push(el(p));
        }
        for w in longest.windows(2) {
            art.field.soft.push((w[0], w[1]));
        }
        let name = if line.uncertain {
            format!("{} ?", line.name)
        } else {
            line.name.clone()
        };
        let st = if railway {
            TextStyle {
                face: Face::Oblique,
                ..ty.water().fill(style::RAILWAY_COLOUR)
            }
        } else {
            ty.water()
        };
        let lt = LabelText::one(&name, st);
        let id = format!("line:{}", line.id);
        art.requests.push(Request {
            id: id.clone(),
            text: name,
            w: lt.w(),
            h: lt.h(),
            anchor: Anchor::Line(longest),
            priority: 30,
            leader: false,
        });
        art.texts.insert(id, lt);
    }
    // Symbol positions first: transfers and claims end at the symbols.
    let connectors = site_spots(ctx, v, art);
    draw_uncertainty(ctx, v, art);
    // Stated distances.
    for c in &content.claims {
        let pts = ctx.project_line(v, &c.line, 0.05);
        if pts.len() < 2 || !pts.iter().any(|p| v.inside(*p)) {
            continue;
        }
        ctx.legend.claims = true;
        art.clipped.push(el(path(path_d(&pts, false))
            .set("fill", "none")
            .set("stroke", style::CLAIM_COLOUR)
            .set("stroke-width", n(0.35 * ty.k))
            .set("stroke-dasharray", "1.4 0.7")));
        for end in [pts[0], pts[pts.len() - 1]] {
            art.clipped.push(el(Circle::new()
                .set("cx", n(end.0))
                .set("cy", n(end.1))
                .set("r", n(0.45 * ty.k))
                .set("fill", style::CLAIM_COLOUR)));
        }
        let mut label = format!("stated {}", stated_km(c.stated_km));
        if let Some(m) = c.computed_km {
            label.push_str(&format!(" · map {}", km(m)));
        }
        if c.by_construction {
            label.push('*');
        }
        if c.status == "contradicted" {
            label.push_str(" ✗");
        }
        for w in pts.windows(2) {
            art.field.soft.push((w[0], w[1]));
        }
        let lt = LabelText::one(&label, ty.claim());
        let id = format!("claim:{}", c.id);
        art.requests.push(Request {
            id: id.clone(),
            text: label,
            w: lt.w(),
            h: lt.h(),
            anchor: Anchor::Line(pts),
            priority: 60,
            leader: false,
        });
        art.texts.insert(id, lt);
    }
    // Transfers: arcs with arrowheads, distance labelled once per pair of places.
    let mut pair_count: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut labelled: HashSet<(String, String)> = HashSet::new();
    for t in &content.transfers {
        let end = |id: &str, lonlat: (f64, f64)| -> Option<((f64, f64), f64, bool)> {
            if let Some(s) = art.spots.get(id) {
                return Some(((s.x, s.y), s.r, true));
            }
            ctx.project(v, lonlat.0, lonlat.1)
                .map(|p| (p, 0.0, v.inside(p)))
        };
        let (Some((p, rp, pin)), Some((q, rq, qin))) = (end(&t.from, t.a), end(&t.to, t.b)) else {
            continue;
        };
        if !pin && !qin {
            continue;
        }
        if (p.0 - q.0).hypot(p.1 - q.1) < 1.0 {
            continue;
        }
        ctx.legend.transfers = true;
        let key = (t.from.clone(), t.to.clone());
        let k = *pair_count.entry(key).and_modify(|c| *c += 1).or_insert(0);
        let curve = if pin && qin {
            arc(p, q, 0.12 + 0.07 * k as f64)
        } else {
            // One end off the map: a short stub pointing towards it, fanned out when repeated.
            let (e, o) = if pin { (p, q) } else { (q, p) };
            let fan = if k.is_multiple_of(2) { 1.0 } else { -1.0 } * k.div_ceil(2) as f64 * 0.14;
            let ang = (o.1 - e.1).atan2(o.0 - e.0) + fan;
            let len = (26.0 * ty.k).min((o.0 - e.0).hypot(o.1 - e.1));
            let far = (e.0 + ang.cos() * len, e.1 + ang.sin() * len);
            let line: Vec<(f64, f64)> = (0..=12)
                .map(|i| {
                    let t = f64::from(i) / 12.0;
                    (e.0 + (far.0 - e.0) * t, e.1 + (far.1 - e.1) * t)
                })
                .collect();
            if pin {
                line
            } else {
                line.into_iter().rev().collect()
            }
        };
        let w = style::transfer_width_mm(t.people) * ty.k;
        let alen = (1.8 + 1.6 * w) * ty.k.sqrt();
        let to_tip = trim(&curve, rp + 0.5, rq + 0.6);
        if to_tip.len() < 2 || polyline_len(&to_tip) < alen * 1.5 {
            continue;
        }
        let tip = to_tip[to_tip.len() - 1];
        let back = trim(&to_tip, 0.0, alen);
        let Some(base) = back.last().copied() else {
            continue;
        };
        let (ux, uy) = {
            let (dx, dy) = (tip.0 - base.0, tip.1 - base.1);
            let l = dx.hypot(dy).max(1e-9);
            (dx / l, dy / l)
        };
        let hw = 0.45 * alen + 0.2;
        let stroke = trim(&to_tip, 0.0, alen * 0.85);
        let stroke_d: String = clip_line(&stroke, &v.rect.grow(3.0))
            .iter()
            .map(|piece| path_d(piece, false))
            .collect();
        art.clipped.push(el(path(stroke_d)
            .set("fill", "none")
            .set("stroke", style::TRANSFER_COLOUR)
            .set("stroke-width", n(w))
            .set("stroke-opacity", "0.85")
            .set("stroke-linecap", "round")));
        let head = [
            tip,
            (base.0 - uy * hw, base.1 + ux * hw),
            (base.0 + uy * hw, base.1 - ux * hw),
        ];
        art.clipped.push(el(
            path(path_d(&head, true)).set("fill", style::TRANSFER_COLOUR)
        ));
        // Labels keep off arrowheads inside the frame: they show where people went.
        if let Some(b) = bbox_of(&head).filter(|b| b.intersects(&v.rect)) {
            art.field.hard.push((format!("arrow:{}", t.id), b));
        }
        for wseg in to_tip.windows(2) {
            art.field.soft.push((wseg[0], wseg[1]));
        }
        // Distance label (and the off-map end's name) on the visible part of the arc.
        let pair = if t.from < t.to {
            (t.from.clone(), t.to.clone())
        } else {
            (t.to.clone(), t.from.clone())
        };
        let visible: Vec<_> = to_tip.iter().copied().filter(|p| v.inside(*p)).collect();
        if visible.len() < 2 {
            continue;
        }
        let mut label = String::new();
        if let Some(nr) = t.number {
            label.push_str(&format!("{nr} · "));
        }
        let lower_the = |name: &str| match name.strip_prefix("The ") {
            Some(rest) => format!("the {rest}"),
            None => name.to_owned(),
        };
        if !qin {
            label.push_str(&format!("to {} · ", lower_the(&t.to_name)));
        } else if !pin {
            label.push_str(&format!("from {} · ", lower_the(&t.from_name)));
        }
        let first_for_pair = !labelled.contains(&pair);
        if let Some(dk) = t.distance_km
            && (first_for_pair || t.number.is_some())
        {
            label.push_str(&km(dk));
        } else if t.number.is_none() && !first_for_pair {
            // The pair is captioned already: one more caption would only repeat its name.
            continue;
        } else {
            label = label.trim_end_matches(" · ").to_owned();
        }
        labelled.insert(pair);
        if label.is_empty() || !main && t.number.is_none() {
            continue;
        }
        let lt = LabelText::one(&label, ty.distance());
        let id = format!("transfer:{}", t.id);
        art.requests.push(Request {
            id: id.clone(),
            text: label,
            w: lt.w(),
            h: lt.h(),
            anchor: Anchor::Line(visible),
            priority: 50,
            leader: false,
        });
        art.texts.insert(id, lt);
    }
    // Symbols and connectors of spread groups.
    let mut syms: Vec<Element> = connectors;
    let mut drawn: Vec<(&SiteMark, Spot)> = content
        .sites
        .iter()
        .filter_map(|s| art.spots.get(&s.id).map(|sp| (s, *sp)))
        .collect();
    // Bigger symbols first, so small ones stay visible on top.
    drawn.sort_by(|a, b| b.1.r.total_cmp(&a.1.r).then_with(|| a.0.id.cmp(&b.0.id)));
    for (s, spot) in &drawn {
        art.framed.push(s.id.clone());
        let ks = ctx.layers.vocabulary.style(&s.kind);
        if !label_only(&s.kind) {
            if !ctx.legend.kinds.contains(&ks.id) {
                ctx.legend.kinds.push(ks.id.clone());
            }
            let pts = Shape::outline(ks.shape, spot.x, spot.y, spot.r * 2.0);
            let mut p = path(path_d(&pts, true)).set("stroke-linejoin", "round");
            if s.uncertain {
                ctx.legend.uncertain = true;
                p = p
                    .set("fill", "#ffffff")
                    .set("stroke", ks.fill.as_str())
                    .set("stroke-width", n(0.4 * ty.k));
            } else {
                p = p
                    .set("fill", ks.fill.as_str())
                    .set("stroke", style::kinds::SYMBOL_STROKE)
                    .set("stroke-width", n(0.2 * ty.k));
            }
            syms.push(el(p.add(Title::new(format!("{} ({})", s.name, s.id)))));
            art.field.hard.push((
                format!("site:{}", s.id),
                BoxMm::around(spot.x, spot.y, spot.r + 0.15),
            ));
        }
        // The label.
        if s.has_line && content.lines.iter().any(|l| l.id == s.id) {
            continue;
        }
        let mut name = s.name.clone();
        if s.uncertain {
            name.push_str(" ?");
        }
        let st = match s.kind.as_str() {
            "region" => ty.region(),
            "river" => ty.water(),
            _ => ty.site(ks.major()),
        };
        let shown_name = if s.kind == "region" {
            name.to_uppercase()
        } else {
            name.clone()
        };
        let mut lt = LabelText::one(&shown_name, st);
        if !s.events.is_empty() {
            let nums: Vec<String> = s.events.iter().map(ToString::to_string).collect();
            lt.runs.push((
                nums.join(","),
                TextStyle::plain(st.size * 0.9)
                    .bold()
                    .fill(style::TRANSFER_COLOUR)
                    .halo(st.halo),
            ));
        }
        let id = format!("site:{}", s.id);
        let r = if label_only(&s.kind) { 0.3 } else { spot.r };
        // A district drawn as an area is named anywhere inside it, nearest its point first.
        let anchor = label_only(&s.kind)
            .then(|| area_label_points(ctx, v, &s.id, (spot.x, spot.y)))
            .flatten()
            .map_or(
                Anchor::Point {
                    x: spot.x,
                    y: spot.y,
                    r,
                },
                Anchor::Area,
            );
        art.requests.push(Request {
            id: id.clone(),
            text: name,
            w: lt.w(),
            h: lt.h(),
            anchor,
            priority: ks.label_priority + if s.events.is_empty() { 0 } else { 10 },
            leader: !label_only(&s.kind),
        });
        art.texts.insert(id, lt);
    }
    art.clipped.extend(syms);
}

/// Sites labelled in an inset (so lying under its outline on the main map) keep only their
/// inset label, so the crowded spot the inset enlarges is not labelled twice; `keep` (the
/// inset's first site) stays labelled on the main map too, to name the spot.
fn labelled_in_inset(art: &mut MapArt, keep: Option<&String>, inset: &labels::Outcome) {
    let in_inset: HashSet<&str> = inset.placed.iter().map(|p| p.id.as_str()).collect();
    let (moved, kept): (Vec<Request>, Vec<Request>) = std::mem::take(&mut art.requests)
        .into_iter()
        .partition(|r| {
            let Some(id) = r.id.strip_prefix("site:") else {
                return false;
            };
            keep.is_none_or(|k| k != id) && in_inset.contains(r.id.as_str())
        });
    art.requests = kept;
    art.in_inset.extend(moved);
}

/// Draws one detail inset into the view `iv` (its map box), with its title above and its
/// scale bar below; `ik` is the projection's scale factor used for the bar.
fn draw_inset(
    ctx: &mut Ctx,
    inset: &super::sheet::InsetSpec,
    iv: &View,
    ik: f64,
    index: usize,
) -> (Vec<Element>, labels::Outcome) {
    let (ty, b) = (ctx.ty, iv.rect);
    let heading = ty.heading();
    let mut out = vec![el(text(
        &inset.title,
        b.x0,
        b.y0 - heading.size * 0.6,
        heading,
        Align::Start,
    ))];
    let mut iart = MapArt::default();
    draw_basemap(ctx, iv, &mut iart, false);
    draw_atlas(ctx, iv, &mut iart, false);
    let (ilabels, ioutcome) = place_labels(&mut iart, iv, vec![]);
    for (id, t) in &ioutcome.omitted {
        if id.starts_with("site:") {
            ctx.warnings
                .push(format!("inset `{}`: label omitted: {t}", inset.title));
        }
    }
    let clip_id = format!("clip-inset-{index}");
    out.push(el(Definitions::new().add(
        ClipPath::new().set("id", clip_id.clone()).add(
            Rectangle::new()
                .set("x", n(b.x0))
                .set("y", n(b.y0))
                .set("width", n(b.w()))
                .set("height", n(b.h())),
        ),
    )));
    out.push(el(
        group(iart.clipped).set("clip-path", format!("url(#{clip_id})"))
    ));
    out.push(el(group(ilabels)));
    out.push(el(frame_rect(b, 0.25)));
    // Inset scale, with a bar.
    let gpm = iv.scale / 1e6 / ik;
    let ibar = nice_down(b.w() * 0.35 * gpm);
    let ibar_mm = ibar / gpm;
    let (x, sy) = (b.x0, b.y1 + ty.small().size * 1.5);
    out.push(el(path(path_d(
        &[
            (x, sy - 0.9),
            (x, sy),
            (x + ibar_mm, sy),
            (x + ibar_mm, sy - 0.9),
        ],
        false,
    ))
    .set("fill", "none")
    .set("stroke", "#1a1a1a")
    .set("stroke-width", "0.25")));
    out.push(el(text(
        &format!("{}   1:{}", km(ibar), thousands(iv.scale as u64)),
        x + ibar_mm + 1.5,
        sy,
        ty.small(),
        Align::Start,
    )));
    (out, ioutcome)
}

/// A corner of the main map where a box of `slot`'s size covers no symbol or arrowhead and the
/// fewest lines (ties: top left, top right, bottom left, bottom right), clear of `taken`.
fn free_corner(art: &MapArt, v: &View, slot: BoxMm, taken: &[BoxMm]) -> Option<BoxMm> {
    let r = v.rect.grow(-3.0);
    let (w, h) = (slot.w(), slot.h());
    [
        BoxMm::new(r.x0, r.y0, w, h),
        BoxMm::new(r.x1 - w, r.y0, w, h),
        BoxMm::new(r.x0, r.y1 - h, w, h),
        BoxMm::new(r.x1 - w, r.y1 - h, w, h),
    ]
    .into_iter()
    .filter(|b| r.contains(b) && !taken.iter().any(|t| t.intersects(&b.grow(2.0))))
    .filter(|b| {
        !art.field
            .hard
            .iter()
            .any(|(_, h)| h.intersects(&b.grow(2.0)))
    })
    .filter(|b| {
        !art.spots
            .values()
            .any(|s| b.grow(2.0).contains(&BoxMm::around(s.x, s.y, 0.0)))
    })
    .min_by_key(|b| {
        art.field
            .soft
            .iter()
            .filter(|(p, q)| b.hits_segment(*p, *q))
            .count()
    })
}

/// Places the labels of `art` and returns (label artwork, placed boxes, omitted texts).
fn place_labels(art: &mut MapArt, v: &View, taken: Vec<BoxMm>) -> (Vec<Element>, labels::Outcome) {
    art.field.bounds = Some(v.rect.grow(-0.3));
    art.field.taken = taken;
    let outcome = labels::place(&art.field, &art.requests);
    let mut leaders = String::new();
    let mut out = vec![];
    for p in &outcome.placed {
        if let Some((a, b)) = p.leader {
            leaders.push_str(&path_d(&[a, b], false));
        }
    }
    if !leaders.is_empty() {
        out.push(el(path(leaders)
            .set("stroke", "#333333")
            .set("stroke-width", "0.18")));
    }
    for p in &outcome.placed {
        if let Some(lt) = art.texts.get(&p.id) {
            out.extend(lt.draw(&p.rect));
        }
    }
    (out, outcome)
}

/// Fits a projected box into `rect` at a round scale.
fn fit(rect: BoxMm, b: (f64, f64, f64, f64)) -> View {
    let (x0, y0, x1, y1) = b;
    let raw = ((x1 - x0) / rect.w()).max((y1 - y0) / rect.h()) * 1000.0;
    View {
        rect,
        cx: f64::midpoint(x0, x1),
        cy: f64::midpoint(y0, y1),
        scale: nice_up(raw.max(1000.0)),
    }
}

fn projected_box(proj: &Projection, e: [f64; 4]) -> Result<(f64, f64, f64, f64), PrintError> {
    let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for i in 0..=40 {
        let t = f64::from(i) / 40.0;
        for (lon, lat) in [
            (e[0] + t * (e[2] - e[0]), e[1]),
            (e[0] + t * (e[2] - e[0]), e[3]),
            (e[0], e[1] + t * (e[3] - e[1])),
            (e[2], e[1] + t * (e[3] - e[1])),
        ] {
            let (x, y) = proj.forward(lon, lat)?;
            b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
        }
    }
    Ok(b)
}

fn sites_extent(content: &Content, ids: &[String], sheet: &str) -> Result<[f64; 4], PrintError> {
    let mut e = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for id in ids {
        let Some(s) = content.sites.iter().find(|s| s.id == *id) else {
            return Err(PrintError::Layout {
                sheet: sheet.into(),
                message: format!("site `{id}` is not a located site of the atlas"),
            });
        };
        e = [
            e[0].min(s.lon),
            e[1].min(s.lat),
            e[2].max(s.lon),
            e[3].max(s.lat),
        ];
    }
    if e[0] > e[2] {
        return Err(PrintError::Layout {
            sheet: sheet.into(),
            message: "nothing to frame: no extent, no sites, no located site in the period".into(),
        });
    }
    Ok(e)
}

fn pad_extent(e: [f64; 4], margin_km: f64) -> [f64; 4] {
    let lat = f64::midpoint(e[1], e[3]);
    let dlat = margin_km / 111.2;
    let dlon = margin_km / (111.2 * lat.to_radians().cos().max(0.05));
    [e[0] - dlon, e[1] - dlat, e[2] + dlon, e[3] + dlat]
}

/// Page boxes.
struct Page {
    w: f64,
    h: f64,
    title_y: f64,
    subtitle_y: f64,
    map: BoxMm,
    columns: Vec<BoxMm>,
    credits: Vec<String>,
    credits_y: f64,
    notes_y: f64,
    margin: f64,
}

fn page_layout(spec: &SheetSpec, ty: Type, credits: &str, notes_lines: usize) -> Page {
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
    let g = 4.0 * ty.k; // room for the graticule labels
    let (map, columns) = match spec.orientation {
        Orientation::Landscape => {
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
        Orientation::Portrait => {
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

/// Flows blocks down the panel's columns, remembering where each went.
struct Flow {
    columns: Vec<BoxMm>,
    col: usize,
    y: f64,
    gap: f64,
    /// Every block handed out: what it holds and its box.
    boxes: Vec<(String, BoxMm)>,
}

impl Flow {
    fn new(columns: Vec<BoxMm>, gap: f64) -> Self {
        let y = columns.first().map_or(0.0, |c| c.y0);
        Self {
            columns,
            col: 0,
            y,
            gap,
            boxes: vec![],
        }
    }
    fn width(&self) -> f64 {
        self.columns.first().map_or(0.0, BoxMm::w)
    }
    /// Height left in the current column.
    fn room(&self) -> f64 {
        self.columns.get(self.col).map_or(0.0, |c| c.y1 - self.y)
    }
    /// Moves to the top of the next column unless the current one is still empty.
    fn fresh_column(&mut self) {
        if let Some(c) = self.columns.get(self.col)
            && self.y > c.y0 + 1e-6
        {
            self.col += 1;
            if let Some(next) = self.columns.get(self.col) {
                self.y = next.y0;
            }
        }
    }
    /// Room for a block `what` of height `h`: its top-left corner, moving to the next column if
    /// needed.
    fn take(&mut self, what: &str, h: f64) -> Option<(f64, f64)> {
        loop {
            let c = *self.columns.get(self.col)?;
            if self.y + h <= c.y1 + 1e-6 {
                let at = (c.x0, self.y);
                self.boxes
                    .push((what.to_owned(), BoxMm::new(c.x0, self.y, c.w(), h)));
                self.y += h + self.gap;
                return Some(at);
            }
            if self.y <= c.y0 + 1e-6 {
                // Does not fit even in an empty column.
                return None;
            }
            self.col += 1;
            if let Some(next) = self.columns.get(self.col) {
                self.y = next.y0;
            }
        }
    }
    /// Like [`Flow::take`], without the gap after the block (rows of one list).
    fn take_tight(&mut self, what: &str, h: f64) -> Option<(f64, f64)> {
        let at = self.take(what, h)?;
        self.y -= self.gap;
        Some(at)
    }
}

/// Sets the legend in the panel. A legend reads from its heading down: it starts in a fresh
/// column unless all of it fits below what the current column holds, and when longer than a
/// column it continues at the top of the next one, never back in an earlier column.
fn place_legend(
    flow: &mut Flow,
    rows: Vec<(Vec<Element>, String)>,
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
                .map(|(what, b)| (what, BoxMm { y0: b.y0 + hh, ..b }));
            flow.boxes
                .push(("legend".into(), BoxMm::new(x, y, flow.width(), hh)));
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

/// The legend row of an uncertainty shape: a small disc, annulus or hatched patch.
fn shape_legend_row(kind: ShapeKind, s: f64, ty: Type) -> (Vec<Element>, String) {
    let (c, r) = ((s, s * 0.5), 1.8 * ty.k);
    let disc = |r: f64| Shape::outline(Shape::Circle, c.0, c.1, 2.0 * r);
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
            (path_d(&b, true), "Area: a camp system or district")
        }
    };
    let fill = el(path(d.clone())
        .set("fill-rule", "evenodd")
        .set("fill", uncertainty_fill(kind))
        .set("fill-opacity", "0.35"));
    let mut out = vec![fill];
    if kind == ShapeKind::Area {
        out.push(el(path(d.clone())
            .set("fill", "url(#area-hatch)")
            .set("fill-rule", "evenodd")));
    }
    out.push(el(outline_stroke(path(d), kind)));
    (out, label.into())
}

fn legend_rows(ctx: &Ctx, ty: Type) -> Vec<(Vec<Element>, String)> {
    // Each row: a symbol drawn in a 6 × 4 mm box at the origin, and its text.
    let mut rows: Vec<(Vec<Element>, String)> = vec![];
    let s = 2.0 * ty.k;
    let sym = |shape: Shape, fill: &str, stroke: &str, w: f64, size: f64| -> Element {
        el(path(path_d(&Shape::outline(shape, s, s * 0.5, size), true))
            .set("fill", fill.to_owned())
            .set("stroke", stroke.to_owned())
            .set("stroke-width", n(w))
            .set("stroke-linejoin", "round"))
    };
    let vocabulary = &ctx.layers.vocabulary;
    for ks in vocabulary.legend(ctx.legend.kinds.iter().map(String::as_str)) {
        rows.push((
            vec![sym(
                ks.shape,
                &ks.fill,
                style::kinds::SYMBOL_STROKE,
                0.2 * ty.k,
                ks.size_mm * ty.k,
            )],
            ks.label.clone(),
        ));
    }
    if ctx.legend.uncertain {
        rows.push((
            vec![sym(
                Shape::Square,
                "#ffffff",
                "#8c2d04",
                0.4 * ty.k,
                2.8 * ty.k,
            )],
            "Hollow symbol, ‘?’: position approximate or inferred".into(),
        ));
    }
    for kind in &ctx.legend.shapes {
        rows.push(shape_legend_row(*kind, s, ty));
    }
    if ctx.legend.spread {
        let c = (s, s * 0.5);
        rows.push((
            vec![
                el(path(path_d(&[c, (c.0 + 1.8, c.1 - 1.2)], false))
                    .set("stroke", "#4d4d4d")
                    .set("stroke-width", "0.15")),
                el(path(path_d(&[c, (c.0 - 1.8, c.1 - 1.2)], false))
                    .set("stroke", "#4d4d4d")
                    .set("stroke-width", "0.15")),
                el(Circle::new()
                    .set("cx", n(c.0))
                    .set("cy", n(c.1))
                    .set("r", "0.35")
                    .set("fill", "#1a1a1a")),
            ],
            "Places too close to show apart, spread around their centre".into(),
        ));
    }
    let line = |stroke: &str, w: f64, dash: Option<&str>| -> Element {
        let mut p = path(path_d(&[(0.0, s * 0.5), (2.0 * s, s * 0.5)], false))
            .set("fill", "none")
            .set("stroke", stroke.to_owned())
            .set("stroke-width", n(w));
        if let Some(d) = dash {
            p = p.set("stroke-dasharray", d.to_owned());
        }
        el(p)
    };
    if ctx.legend.transfers {
        let y = s * 0.5;
        rows.push((
            vec![
                line(style::TRANSFER_COLOUR, 0.6 * ty.k, None),
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
                vocabulary.movement_label
            ),
        ));
    }
    if ctx.legend.claims {
        rows.push((
            vec![line(style::CLAIM_COLOUR, 0.35 * ty.k, Some("1.4 0.7"))],
            "Distance stated in the account, and as mapped (* point placed from it)".into(),
        ));
    }
    if let Some(schematic) = ctx.legend.atlas_river {
        rows.push((
            vec![line(
                style::ATLAS_RIVER_COLOUR,
                0.5 * ty.k,
                schematic.then_some("1.6 0.8"),
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
                line(style::RAILWAY_COLOUR, 0.7 * ty.k, None),
                line(
                    "#ffffff",
                    0.35 * ty.k,
                    Some(if schematic { "1.2 2.4" } else { "1.8 1.8" }),
                ),
            ],
            if schematic {
                "Railway named in the account (schematic)".into()
            } else {
                "Railway named in the account".into()
            },
        ));
    }
    if ctx.legend.base_rivers {
        rows.push((
            vec![line("#7fa7c9", 0.35, None)],
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
                .set("stroke", "#7fa7c9")
                .set("stroke-width", "0.1"))],
            "Lake, sea".into(),
        ));
    }
    if ctx.legend.borders {
        rows.push((
            vec![line(style::BORDER_COLOUR, 0.35, Some("2 0.8 0.4 0.8"))],
            // The world basemap's borders are national, the regional basemap's internal.
            match ctx.layers.layer("borders") {
                Some(l) if l.title.starts_with("National") => "Modern national border".into(),
                _ => "Boundary of a modern federal subject".into(),
            },
        ));
    }
    rows
}

/// Composes the sheet `spec` from `layers` (and the locator layer, if any).
///
/// # Errors
/// [`PrintError::Layout`] when the sheet frames nothing or names unknown sites;
/// [`PrintError::Projection`] when its frame cannot be projected.
#[allow(clippy::too_many_lines)]
pub fn compose(
    layers: &Layers,
    locator: Option<&Layer>,
    spec: &SheetSpec,
) -> Result<Composed, PrintError> {
    let content = content::gather(layers, spec);
    let (w, h) = spec.size_mm();
    let ty = Type {
        k: if w.max(h) > 400.0 { 1.18 } else { 1.0 },
    };
    // Frame.
    let extent = match spec.extent {
        Some(e) => e,
        None => {
            // The named sites; else the located sites the period involves inside the atlas's
            // extent (places far away, such as Moscow, stay off the map).
            let a = layers.extent;
            let about = if content.core.is_empty() {
                &content.involved
            } else {
                &content.core
            };
            let ids: Vec<String> = if spec.sites.is_empty() {
                content
                    .sites
                    .iter()
                    // Both lists are sorted and deduplicated.
                    .filter(|s| about.binary_search(&s.id).is_ok())
                    .filter(|s| s.lon >= a[0] && s.lon <= a[2] && s.lat >= a[1] && s.lat <= a[3])
                    .map(|s| s.id.clone())
                    .collect()
            } else {
                spec.sites.clone()
            };
            if ids.is_empty() {
                a
            } else {
                let e = sites_extent(&content, &ids, &spec.id)?;
                let diag_km =
                    geodesy::distance_m(Point::new(e[0], e[1]), Point::new(e[2], e[3])) / 1000.0;
                let min_km = if spec.window.is_some() { 8.0 } else { 2.0 };
                pad_extent(e, spec.margin_km.unwrap_or((diag_km * 0.12).max(min_km)))
            }
        }
    };
    let proj = Projection::for_sheet(spec.projection, extent, &spec.id)?;
    let credits_text = credits_line(layers);
    // Notes go above the credits, across the page: reserve their lines (the omitted-labels note
    // is not known before placement, so three lines are kept for it).
    let small = ty.small();
    let draft = notes_text(spec, &content, &proj.description, 0, 0.0, [0.0; 3], 0, &[]);
    let notes_lines = draft
        .iter()
        .map(|n| wrap(n, w - 18.0 * ty.k, small).len())
        .sum::<usize>()
        + 3;
    let page = page_layout(spec, ty, &credits_text, notes_lines);
    let view = fit(page.map, projected_box(&proj, extent)?);
    let shown: HashSet<String> = if spec.window.is_some() {
        content.involved.iter().cloned().collect()
    } else {
        content.sites.iter().map(|s| s.id.clone()).collect()
    };
    let mut ctx = Ctx {
        layers,
        proj: &proj,
        content: &content,
        ty,
        legend: Legend::default(),
        shown,
        outlines: uncertainty::outlines(layers),
        warnings: vec![],
    };

    // Main map.
    let mut art = MapArt::default();
    draw_basemap(&mut ctx, &view, &mut art, true);
    let grid_labels = draw_graticule(&ctx, &view, &mut art);
    draw_atlas(&mut ctx, &view, &mut art, true);
    // Inset frames drawn on the main map are obstacles too.
    let (centre_lon, centre_lat) = proj.inverse(view.cx, view.cy)?;
    let k_centre = proj.scale_factor(centre_lon, centre_lat)?;
    let convergence = proj.convergence_deg(centre_lon, centre_lat)?;

    // Panel.
    let mut panel: Vec<Element> = vec![];
    let mut flow = Flow::new(page.columns.clone(), 4.0 * ty.k);
    let cw = flow.width();
    let heading = ty.heading();
    let body = ty.body();

    // Locator.
    let mut inset_outlines: Vec<Element> = vec![];
    if let Some(loc) = locator {
        let lh = (cw * 0.62).min(60.0 * ty.k) + heading.size * 1.6;
        if let Some((x, y)) = flow.take("locator", lh) {
            panel.push(el(text(
                "Location",
                x,
                y + heading.size,
                heading,
                Align::Start,
            )));
            let b = BoxMm {
                x0: x,
                y0: y + heading.size * 1.6,
                x1: x + cw,
                y1: y + lh,
            };
            panel.extend(draw_locator(loc, &ctx, &view, b, ty)?);
        } else {
            ctx.warnings.push("no room for the locator map".into());
        }
    }

    // Scale bar and north arrow.
    let ground_per_mm_km = view.scale / 1e6 / k_centre;
    let target = (cw * 0.55).min(55.0 * ty.k);
    let bar_km = nice_down(target * ground_per_mm_km);
    let bar_mm = bar_km / ground_per_mm_km;
    let sh = 15.0 * ty.k;
    if let Some((x, y)) = flow.take("scale bar", sh) {
        panel.extend(draw_scale_bar(x, y, bar_mm, bar_km, view.scale, ty));
        panel.extend(draw_north(
            x + cw - 6.0 * ty.k,
            y + 6.5 * ty.k,
            convergence,
            ty,
        ));
    } else {
        ctx.warnings.push("no room for the scale bar".into());
    }

    // Legend.
    let rows = legend_rows(&ctx, ty);
    place_legend(&mut flow, rows, ty, &mut panel, &mut ctx.warnings);

    // Detail insets: in the panel, else in a free corner of the map frame.
    let mut framed_insets: Vec<Element> = vec![];
    let mut in_frame: Vec<BoxMm> = vec![];
    for (i, inset) in spec.insets.iter().enumerate() {
        let ih = (cw * 0.8).min(80.0 * ty.k);
        let total = heading.size * 1.6 + ih + ty.small().size * 1.8;
        let ids: Vec<String> = inset
            .sites
            .iter()
            .filter(|id| ctx.shown.contains(*id))
            .cloned()
            .collect();
        if ids.is_empty() {
            continue;
        }
        let e = pad_extent(sites_extent(&content, &ids, &spec.id)?, inset.margin_km);
        let probe = fit(BoxMm::new(0.0, 0.0, cw, ih), projected_box(&proj, e)?);
        if probe.scale * 3.0 > view.scale {
            // The main map already shows these places at nearly this scale.
            continue;
        }
        let slot = BoxMm::new(0.0, 0.0, cw, total);
        let (at, framed) = match flow.take(&format!("inset: {}", inset.title), total) {
            Some(at) => (at, false),
            None => match free_corner(&art, &view, slot, &in_frame) {
                Some(b) => ((b.x0, b.y0), true),
                None => {
                    ctx.warnings
                        .push(format!("no room for the inset `{}`", inset.title));
                    continue;
                }
            },
        };
        let b = BoxMm::new(at.0, at.1 + heading.size * 1.6, cw, ih);
        let iv = fit(b, projected_box(&proj, e)?);
        let ik = proj.scale_factor(centre_lon, centre_lat)?;
        let (drawn, ioutcome) = draw_inset(&mut ctx, inset, &iv, ik, i);
        if framed {
            let back = BoxMm::new(at.0, at.1, cw, total).grow(1.2 * ty.k);
            in_frame.push(back);
            flow.boxes
                .push((format!("inset in the map: {}", inset.title), back));
            framed_insets.push(el(frame_rect(back, 0.35).set("fill", "#ffffff")));
            framed_insets.extend(drawn);
        } else {
            panel.extend(drawn);
        }
        // Where the inset lies on the main map.
        let corners = [(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)];
        let on_main: Vec<(f64, f64)> = corners
            .iter()
            .map(|(px, py)| {
                let g = iv.ground(*px, *py);
                view.paper(g.0, g.1)
            })
            .collect();
        if let Some(bb) = bbox_of(&on_main) {
            let bb = if bb.w() < 2.5 {
                bb.grow((2.5 - bb.w()) / 2.0)
            } else {
                bb
            };
            inset_outlines.push(el(frame_rect(bb, 0.3)));
            labelled_in_inset(&mut art, inset.sites.first(), &ioutcome);
        }
    }

    // Event list (period sheets).
    let mut events_listed = 0;
    if !content.events.is_empty() {
        let mut first = true;
        let num_w = body.width("00") + 1.0;
        let text_w = cw - num_w;
        for e in &content.events {
            let place = place_text(&content, &e.place);
            let line = format!(
                "{}: {}{}{}",
                e.date,
                e.title,
                if place.is_empty() {
                    String::new()
                } else {
                    format!(" ({place})")
                },
                if e.partly { " †" } else { "" }
            );
            let mut lines = wrap(&line, text_w, body);
            if lines.len() > 2 {
                // Two lines at most: the rest is in timeline.csv.
                lines.truncate(2);
                let mut last = lines[1].clone();
                while body.width(&format!("{last} …")) > text_w && last.pop().is_some() {}
                lines[1] = format!("{} …", last.trim_end());
            }
            let hh = if first { heading.size * 1.8 } else { 0.0 };
            let rh = lines.len() as f64 * body.size * 1.25 + body.size * 0.35;
            let Some((x, y)) = flow.take_tight(&format!("event {}", e.number), hh + rh) else {
                break;
            };
            if first {
                let title = spec.window.as_ref().map_or("Events".to_owned(), |w| {
                    format!("Events, {}", content::human_span(w.start, w.end, false))
                });
                panel.push(el(text(&title, x, y + heading.size, heading, Align::Start)));
                first = false;
            }
            let y = y + hh;
            panel.push(el(text(
                &e.number.to_string(),
                x,
                y + body.size,
                body.bold().fill(style::TRANSFER_COLOUR),
                Align::Start,
            )));
            for (i, l) in lines.iter().enumerate() {
                panel.push(el(text(
                    l,
                    x + num_w,
                    y + body.size * (1.0 + 1.25 * i as f64),
                    body,
                    Align::Start,
                )));
            }
            events_listed += 1;
        }
        flow.y += flow.gap;
    }

    // Labels on the main map (the panel is outside the frame, so only the frame bounds count).
    let (main_labels, outcome) = place_labels(&mut art, &view, in_frame);
    let omitted_sites: Vec<String> = outcome
        .omitted
        .iter()
        .filter(|(id, _)| id.starts_with("site:") || id.starts_with("line:"))
        .map(|(_, t)| t.clone())
        .collect();

    // Notes, across the page above the credits.
    let edge_convergence = |px: f64| {
        let (x, y) = view.ground(px, f64::midpoint(view.rect.y0, view.rect.y1));
        proj.inverse(x, y)
            .and_then(|(lon, lat)| proj.convergence_deg(lon, lat))
            .unwrap_or(convergence)
    };
    let notes = notes_text(
        spec,
        &content,
        &proj.description,
        view.scale as u64,
        k_centre,
        [
            convergence,
            edge_convergence(view.rect.x0),
            edge_convergence(view.rect.x1),
        ],
        events_listed,
        &omitted_sites,
    );
    let mut note_lines: Vec<String> = notes
        .iter()
        .flat_map(|n| wrap(n, page.w - 2.0 * page.margin, small))
        .collect();
    if note_lines.len() > notes_lines {
        ctx.warnings.push("notes cut short for lack of room".into());
        note_lines.truncate(notes_lines);
    }
    let first_note_y = page.notes_y + (notes_lines - note_lines.len()) as f64 * small.size * 1.3;
    for (i, l) in note_lines.iter().enumerate() {
        panel.push(el(text(
            l,
            page.margin,
            first_note_y + i as f64 * small.size * 1.3,
            small,
            Align::Start,
        )));
    }

    // Assemble.
    let mut doc = svg::Document::new()
        .set("width", format!("{}mm", n(page.w)))
        .set("height", format!("{}mm", n(page.h)))
        .set("viewBox", format!("0 0 {} {}", n(page.w), n(page.h)))
        .set("font-family", fonts::FAMILY)
        .add(Title::new(spec.title.clone()));
    let mut defs = Definitions::new();
    if ctx.legend.shapes.contains(&ShapeKind::Area) {
        defs = defs.add(area_hatch());
    }
    doc = doc.add(
        defs.add(
            ClipPath::new().set("id", "clip-map").add(
                Rectangle::new()
                    .set("x", n(view.rect.x0))
                    .set("y", n(view.rect.y0))
                    .set("width", n(view.rect.w()))
                    .set("height", n(view.rect.h())),
            ),
        ),
    );
    doc = doc.add(
        Rectangle::new()
            .set("width", n(page.w))
            .set("height", n(page.h))
            .set("fill", "#ffffff"),
    );
    doc = doc.add(
        group(art.clipped)
            .set("id", "map")
            .set("clip-path", "url(#clip-map)"),
    );
    doc = doc.add(group(inset_outlines).set("id", "insets"));
    if !framed_insets.is_empty() {
        doc = doc.add(group(framed_insets).set("id", "framed-insets"));
    }
    doc = doc.add(group(main_labels).set("id", "labels"));
    doc = doc.add(frame_rect(view.rect, 0.35));
    doc = doc.add(group(grid_labels).set("id", "graticule-labels"));
    doc = doc.add(group(panel).set("id", "panel"));
    let mut head = vec![el(text(
        &spec.title,
        page.margin,
        page.title_y,
        ty.title(),
        Align::Start,
    ))];
    if !spec.subtitle.is_empty() {
        head.push(el(text(
            &spec.subtitle,
            page.margin,
            page.subtitle_y,
            ty.subtitle(),
            Align::Start,
        )));
    }
    doc = doc.add(group(head).set("id", "title"));
    let cred: Vec<Element> = page
        .credits
        .iter()
        .enumerate()
        .map(|(i, l)| {
            el(text(
                l,
                page.margin,
                page.credits_y + i as f64 * small.size * 1.3,
                small,
                Align::Start,
            ))
        })
        .collect();
    doc = doc.add(group(cred).set("id", "credits"));
    let svg = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{doc}\n");

    let site_labels: BTreeMap<String, String> = art
        .framed
        .iter()
        .filter_map(|id| {
            // A river or railway is labelled along its line.
            let (key, line) = (format!("site:{id}"), format!("line:{id}"));
            art.requests
                .iter()
                .chain(&art.in_inset)
                .find(|r| r.id == key || r.id == line)
                .map(|r| (id.clone(), r.text.clone()))
        })
        .collect();
    let report = SheetReport {
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
    };
    let label_boxes = outcome.placed.iter().map(|p| p.rect).collect();
    let label_ids = outcome.placed.iter().map(|p| p.id.clone()).collect();
    let framed_sites = art.framed.clone();
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
        framed_sites,
        site_labels,
        label_boxes,
        label_ids,
        map_frame: view.rect,
        panel_boxes: flow.boxes,
        projection: proj,
    })
}

/// The credits line: the atlas's `credits`, then the tool and typeface that made the sheet
/// (only things that exist: no placeholder addresses).
fn credits_line(layers: &Layers) -> String {
    let mut c: Vec<String> = layers.credits.clone();
    c.push(format!(
        "Map: gazmap {}, typeset in {}.",
        env!("CARGO_PKG_VERSION"),
        fonts::FAMILY
    ));
    c.join(" · ")
}

/// The sheet's notes: period, projection and scale, labels left out.
#[allow(clippy::too_many_arguments)]
fn notes_text(
    spec: &SheetSpec,
    content: &Content,
    projection: &str,
    scale: u64,
    k_centre: f64,
    convergence: [f64; 3],
    events_listed: usize,
    omitted_sites: &[String],
) -> Vec<String> {
    let mut notes: Vec<String> = vec![];
    if let Some(w) = &spec.window {
        let mut n = format!(
            "Shows what possibly happened between {} and {}: every event and transfer whose possible dates overlap that span is drawn, including those only possibly in it (marked † in the list).",
            content::human_span(w.start, w.start, false),
            content::human_span(w.end, w.end, false)
        );
        if events_listed < content.events.len() {
            n.push_str(&format!(
                " {} more event(s) of the period are not listed for lack of room (see timeline.csv).",
                content.events.len() - events_listed
            ));
        }
        notes.push(n);
    }
    let convergence = convergence.map(|c| if c.abs() < 0.05 { 0.0 } else { c });
    notes.push(format!(
        "Projection: {projection}. Scale 1:{} true at the map centre (scale factor {:.4}). The north arrow points to true north at the centre (grid convergence {:+.1}°; {:+.1}° at the left edge, {:+.1}° at the right). Places marked ? are approximate or inferred; shaded shapes show where they may lie.",
        thousands(scale),
        k_centre,
        convergence[0],
        convergence[1],
        convergence[2],
    ));
    if !omitted_sites.is_empty() {
        notes.push(format!(
            "Not labelled on the map for lack of room: {}.",
            omitted_sites.join("; ")
        ));
    }
    notes
}

fn place_text(content: &Content, place: &str) -> String {
    let name = |id: &str| {
        content
            .names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    };
    match place.split_once('→') {
        Some((a, b)) => format!("{} → {}", name(a), name(b)),
        None if place.is_empty() => String::new(),
        None => name(place),
    }
}

fn frame_rect(b: BoxMm, w: f64) -> Rectangle {
    Rectangle::new()
        .set("x", n(b.x0))
        .set("y", n(b.y0))
        .set("width", n(b.w()))
        .set("height", n(b.h()))
        .set("fill", "none")
        .set("stroke", "#1a1a1a")
        .set("stroke-width", n(w))
}

fn draw_scale_bar(x: f64, y: f64, bar_mm: f64, bar_km: f64, scale: f64, ty: Type) -> Vec<Element> {
    let mut out = vec![];
    let st = ty.small();
    let top = y + st.size * 1.6;
    let hgt = 1.4 * ty.k;
    let mant = bar_km / 10f64.powf(bar_km.log10().floor());
    let segs: u32 = if (mant - 2.5).abs() < 1e-9 || (mant - 5.0).abs() < 1e-9 {
        5
    } else {
        4
    };
    let seg = bar_mm / f64::from(segs);
    for i in 0..segs {
        out.push(el(Rectangle::new()
            .set("x", n(x + f64::from(i) * seg))
            .set("y", n(top))
            .set("width", n(seg))
            .set("height", n(hgt))
            .set("fill", if i % 2 == 0 { "#1a1a1a" } else { "#ffffff" })
            .set("stroke", "#1a1a1a")
            .set("stroke-width", "0.2")));
    }
    let value = |v: f64| {
        if v == 0.0 {
            "0".to_owned()
        } else if v < 1.0 {
            format!("{v}")
        } else {
            thousands(v.round() as u64)
        }
    };
    out.push(el(text("0", x, y + st.size, st, Align::Middle)));
    // The middle value only when it is round (25 km: no "12.5").
    let half = bar_km / 2.0;
    let mid = if (half - half.round()).abs() < 1e-9 || half < 1.0 {
        Some((half, bar_mm / 2.0))
    } else {
        let first = bar_km / f64::from(segs);
        Some((first, seg)).filter(|(v, _)| (v - v.round()).abs() < 1e-9)
    };
    if let Some((v, at)) = mid {
        out.push(el(text(&value(v), x + at, y + st.size, st, Align::Middle)));
    }
    out.push(el(text(
        &format!("{} km", value(bar_km)),
        x + bar_mm,
        y + st.size,
        st,
        Align::Middle,
    )));
    let body = ty.body();
    out.push(el(text(
        &format!("Scale 1:{}", thousands(scale as u64)),
        x,
        top + hgt + body.size * 1.5,
        body.bold(),
        Align::Start,
    )));
    out.push(el(text(
        "true at the map centre",
        x,
        top + hgt + body.size * 2.8,
        st,
        Align::Start,
    )));
    out
}

fn draw_north(cx: f64, cy: f64, convergence: f64, ty: Type) -> Vec<Element> {
    let l = 5.0 * ty.k;
    let w = 1.6 * ty.k;
    let arrow = group(vec![
        el(path(path_d(
            &[(cx, cy - l), (cx - w, cy + l * 0.6), (cx, cy + l * 0.25)],
            true,
        ))
        .set("fill", "#1a1a1a")),
        el(path(path_d(
            &[(cx, cy - l), (cx + w, cy + l * 0.6), (cx, cy + l * 0.25)],
            true,
        ))
        .set("fill", "#ffffff")
        .set("stroke", "#1a1a1a")
        .set("stroke-width", "0.2")),
        el(text("N", cx, cy - l - 0.8, ty.heading(), Align::Middle)),
    ])
    .set(
        "transform",
        format!("rotate({} {} {})", n(convergence), n(cx), n(cy)),
    );
    vec![el(arrow)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_up(2_340_000.0), 2_500_000.0);
        assert_eq!(nice_up(1_000_000.0), 1_000_000.0);
        assert_eq!(nice_up(310_000.0), 400_000.0);
        assert_eq!(nice_down(137.0), 100.0);
        assert_eq!(nice_down(27.0), 25.0);
        assert_eq!(nice_down(0.7), 0.5);
        assert_eq!(thousands(2_500_000), "2\u{2009}500\u{2009}000");
        assert_eq!(km(1889.2), "1\u{2009}889 km");
        assert_eq!(stated_km(0.5), "0.5 km");
        assert_eq!(stated_km(40.0), "40 km");
    }

    #[test]
    fn arcs_bend_right_and_trim() {
        let a = arc((0.0, 0.0), (100.0, 0.0), 0.12);
        // Direction +x, y down: right-hand side is +y; a quadratic's middle goes half-way
        // to its control point (0.12 * 100 mm).
        assert!((a[24].1 - 6.0).abs() < 1e-9, "{}", a[24].1);
        let t = trim(&a, 5.0, 5.0);
        let full = polyline_len(&a);
        assert!((polyline_len(&t) - (full - 10.0)).abs() < 0.01);
    }

    #[test]
    fn clipping_keeps_what_is_inside() {
        let b = BoxMm::new(0.0, 0.0, 10.0, 10.0);
        let ring = clip_ring(
            &[(-5.0, -5.0), (15.0, -5.0), (15.0, 15.0), (-5.0, 15.0)],
            &b,
        );
        let bb = bbox_of(&ring).unwrap();
        assert_eq!((bb.x0, bb.y0, bb.x1, bb.y1), (0.0, 0.0, 10.0, 10.0));
        let parts = clip_line(
            &[
                (-5.0, 5.0),
                (5.0, 5.0),
                (5.0, 20.0),
                (5.0, 30.0),
                (8.0, -5.0),
            ],
            &b,
        );
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0], vec![(0.0, 5.0), (5.0, 5.0), (5.0, 10.0)]);
        assert!(clip_ring(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], &b).is_empty());
    }

    fn legend_of(rows: usize, columns: usize, above: f64) -> Vec<(String, BoxMm)> {
        let cols = (0..columns)
            .map(|i| BoxMm::new(f64::from(i as u32) * 70.0, 0.0, 60.0, 100.0))
            .collect();
        let mut flow = Flow::new(cols, 4.0);
        flow.take("locator", above).unwrap();
        let rows = (0..rows).map(|i| (vec![], format!("row {i}"))).collect();
        let (mut panel, mut warnings) = (vec![], vec![]);
        place_legend(&mut flow, rows, Type { k: 1.0 }, &mut panel, &mut warnings);
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
        for shape in [
            Shape::Circle,
            Shape::Square,
            Shape::Triangle,
            Shape::Diamond,
            Shape::Star,
            Shape::Cross,
        ] {
            let pts = Shape::outline(shape, 10.0, 10.0, 3.0);
            let b = bbox_of(&pts).unwrap();
            assert!(b.w() > 2.0 && b.w() < 3.8, "{shape:?} {}", b.w());
        }
    }
}
