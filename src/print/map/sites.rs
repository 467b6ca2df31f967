//! Site symbols by kind (hollow where the position is approximate or inferred), spread on a
//! ring where they would overlap, and their labels (with the numbers of the events listed at the
//! place; a district named anywhere inside its area).

use std::collections::{BTreeMap, HashMap};

use geo::{Contains, Point};
use svg::node::element::{Circle, Element, Title};

use super::super::content::SiteMark;
use super::super::labels::{Anchor, BoxMm};
use super::super::planar::{Pt, View};
use super::super::svgdoc::{TextStyle, el, mm, n, path, path_d};
use super::super::typography::LabelText;
use super::super::uncertainty::ShapeKind;
use super::{Ctx, MapArt, Spot};
use crate::style::paper::{self, label_only};
use crate::style::{self, Shape};

/// Groups of indices into `pts` closer than `reach` to one another (transitively), each sorted,
/// keyed by their lowest index. Points `skip`ped stand alone.
fn clusters(pts: &[Pt], skip: &[bool], reach: f64) -> BTreeMap<usize, Vec<usize>> {
    fn root(c: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while c[i] != i {
            c[i] = c[c[i]];
            i = c[i];
        }
        i
    }
    let mut cluster_of: Vec<usize> = (0..pts.len()).collect();
    // Pairs closer than `reach` lie in the same or neighbouring cells of a grid of that step, so
    // each symbol is compared with those nearby only. The clusters do not depend on the order
    // pairs are joined in (each root is the lowest index of its cluster).
    let cell = |p: Pt| ((p.0 / reach).floor() as i64, (p.1 / reach).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, p) in pts.iter().enumerate() {
        if !skip[i] {
            grid.entry(cell(*p)).or_default().push(i);
        }
    }
    for i in 0..pts.len() {
        if skip[i] {
            continue;
        }
        let a = pts[i];
        let (cx, cy) = cell(a);
        for (dx, dy) in (-1..=1).flat_map(|dx| (-1..=1).map(move |dy| (dx, dy))) {
            for &j in grid.get(&(cx + dx, cy + dy)).map_or(&[][..], Vec::as_slice) {
                let b = pts[j];
                if j > i && (a.0 - b.0).hypot(a.1 - b.1) < reach {
                    let (ri, rj) = (root(&mut cluster_of, i), root(&mut cluster_of, j));
                    cluster_of[ri.max(rj)] = ri.min(rj);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..pts.len() {
        let r = root(&mut cluster_of, i);
        groups.entry(r).or_default().push(i);
    }
    groups
}

/// The most symbols spread on one ring round their centre.
const MAX_SPREAD: usize = 12;

/// Paper positions of the shown sites in `art.spots`, with symbols closer than 1.4 mm spread on
/// a ring round their centre; returns the connectors of the spread groups.
pub(crate) fn spread(ctx: &mut Ctx, v: &View, art: &mut MapArt) -> Vec<Element> {
    let mut raw: Vec<(&SiteMark, Pt, f64)> = vec![];
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
    let pts: Vec<Pt> = raw.iter().map(|r| r.1).collect();
    let skip: Vec<bool> = raw.iter().map(|r| label_only(&r.0.kind)).collect();
    let mut connectors = vec![];
    for members in clusters(&pts, &skip, 1.4 * ctx.ty.k).values() {
        // A crowd too big to spread on a small ring stays where it is: a ring for thousands
        // of symbols would be metres wide and put them, and every line to them, off the sheet.
        if members.len() == 1 || members.len() > MAX_SPREAD {
            for &i in members {
                let (s, p, size) = raw[i];
                art.spots.insert(
                    s.id.clone(),
                    Spot {
                        x: p.0,
                        y: p.1,
                        r: size / 2.0,
                    },
                );
            }
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
    draw_connectors(connectors)
}

/// Lines from each spread group's centre to its symbols, and a dot at the centre.
fn draw_connectors(connectors: Vec<(Pt, Pt)>) -> Vec<Element> {
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
            .set("stroke", paper::CONNECTOR_COLOUR)
            .set("stroke-width", mm(paper::CONNECTOR_WIDTH_MM))));
    }
    for p in dots {
        out.push(el(Circle::new()
            .set("cx", n(p.0))
            .set("cy", n(p.1))
            .set("r", mm(paper::SPREAD_DOT_RADIUS_MM))
            .set("fill", paper::INK)));
    }
    out
}

/// Symbols (bigger first, so small ones stay visible on top) after the `connectors`, and the
/// sites' labels.
pub(crate) fn draw(ctx: &mut Ctx, v: &View, art: &mut MapArt, connectors: Vec<Element>) {
    let mut syms: Vec<Element> = connectors;
    let mut drawn: Vec<(&SiteMark, Spot)> = ctx
        .content
        .sites
        .iter()
        .filter_map(|s| art.spots.get(&s.id).map(|sp| (s, *sp)))
        .collect();
    drawn.sort_by(|a, b| b.1.r.total_cmp(&a.1.r).then_with(|| a.0.id.cmp(&b.0.id)));
    for (s, spot) in &drawn {
        art.framed.push(s.id.clone());
        if !label_only(&s.kind) {
            syms.push(symbol(ctx, s, spot));
            art.field.hard.push((
                format!("site:{}", s.id),
                BoxMm::around(spot.x, spot.y, spot.r + 0.15),
            ));
        }
        // A river or railway is labelled along its line.
        if s.has_line && ctx.content.lines.iter().any(|l| l.id == s.id) {
            continue;
        }
        request_label(ctx, v, art, s, spot);
    }
    art.clipped.extend(syms);
}

/// The symbol of site `s` at `spot`: filled, or hollow in the kind's colour where uncertain.
fn symbol(ctx: &mut Ctx, s: &SiteMark, spot: &Spot) -> Element {
    let ty = ctx.ty;
    let ks = ctx.layers.vocabulary.style(&s.kind);
    if !ctx.legend.kinds.contains(&ks.id) {
        ctx.legend.kinds.push(ks.id.clone());
    }
    let pts = Shape::outline(ks.shape, spot.x, spot.y, spot.r * 2.0);
    let mut p = path(path_d(&pts, true)).set("stroke-linejoin", "round");
    if s.uncertain {
        ctx.legend.uncertain = true;
        p = p
            .set("fill", paper::PAPER)
            .set("stroke", ks.fill.as_str())
            .set("stroke-width", n(paper::HOLLOW_STROKE_WIDTH_MM * ty.k));
    } else {
        p = p
            .set("fill", ks.fill.as_str())
            .set("stroke", style::kinds::SYMBOL_STROKE)
            .set("stroke-width", n(paper::SYMBOL_STROKE_WIDTH_MM * ty.k));
    }
    el(p.add(Title::new(format!("{} ({})", s.name, s.id))))
}

/// Asks for the label of site `s`: its name (with "?" when uncertain; regions in capitals) and
/// the numbers of its listed events, at its symbol or, for a district, inside its area.
fn request_label(ctx: &Ctx, v: &View, art: &mut MapArt, s: &SiteMark, spot: &Spot) {
    let ty = ctx.ty;
    let ks = ctx.layers.vocabulary.style(&s.kind);
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
    let bonus = if s.events.is_empty() {
        0
    } else {
        paper::priority::EVENT_LABEL_BONUS
    };
    art.request(
        format!("site:{}", s.id),
        name,
        lt,
        anchor,
        ks.label_priority + bonus,
        !label_only(&s.kind),
    );
}

/// Label positions inside the area outline of `site` within the view: its point first, then
/// points of a grid over the frame that fall inside the area, nearest first.
fn area_label_points(ctx: &Ctx, v: &View, site: &str, at: Pt) -> Option<Vec<Pt>> {
    let o = ctx
        .outlines
        .iter()
        .find(|o| o.site == site && o.kind == ShapeKind::Area)?;
    let (nx, ny) = (16, 12);
    let mut pts: Vec<Pt> = (0..nx * ny)
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
    let d = |p: &Pt| (p.0 - at.0).hypot(p.1 - at.1);
    pts.sort_by(|a, b| d(a).total_cmp(&d(b)));
    pts.truncate(10);
    pts.insert(0, at);
    Some(pts)
}
