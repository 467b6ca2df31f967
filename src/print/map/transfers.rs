//! Transfers (the `transfers` layer): arcs with arrowheads between the places' symbols (a short
//! stub towards a place off the map), as wide as the number of people moved, with the distance
//! labelled once per pair of places (and the event number on period sheets).

use std::collections::{BTreeMap, HashSet};

use super::super::content::TransferMark;
use super::super::labels::Anchor;
use super::super::planar::{Pt, View, arc, bbox_of, clip_line, polyline_len, trim};
use super::super::svgdoc::{el, mm, n, path, path_d};
use super::super::typography::{LabelText, Type, km};
use super::{Ctx, MapArt};
use crate::style::{self, paper};

/// Draws every transfer with an end in the view; labels them (on an inset, only numbered ones).
pub(crate) fn draw(ctx: &mut Ctx, v: &View, art: &mut MapArt, main: bool) {
    let ty = ctx.ty;
    let mut pair_count: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut labelled: HashSet<(String, String)> = HashSet::new();
    for t in &ctx.content.transfers {
        let end = |id: &str, lonlat: (f64, f64)| -> Option<(Pt, f64, bool)> {
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
        let curve = curve(p, q, pin, qin, k, ty);
        let w = style::transfer_width_mm(t.people) * ty.k;
        let Some(to_tip) = draw_arrow(art, v, &curve, (rp, rq), w, ty, &t.id) else {
            continue;
        };
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
        let Some(label) = label_text(t, pin, qin, !labelled.contains(&pair)) else {
            continue;
        };
        labelled.insert(pair);
        if label.is_empty() || !main && t.number.is_none() {
            continue;
        }
        let lt = LabelText::one(&label, ty.distance());
        art.request(
            format!("transfer:{}", t.id),
            label,
            lt,
            Anchor::Line(visible),
            paper::priority::TRANSFER,
            false,
        );
    }
}

/// The path of the `k`-th transfer between the paper points `p` and `q`: an arc when both ends
/// are on the map (bulging more for each repeat), else a short stub from the end on the map
/// towards the other, fanned out when repeated.
fn curve(p: Pt, q: Pt, pin: bool, qin: bool, k: usize, ty: Type) -> Vec<Pt> {
    if pin && qin {
        return arc(p, q, 0.12 + 0.07 * k as f64);
    }
    let (e, o) = if pin { (p, q) } else { (q, p) };
    let fan = if k.is_multiple_of(2) { 1.0 } else { -1.0 } * k.div_ceil(2) as f64 * 0.14;
    let ang = (o.1 - e.1).atan2(o.0 - e.0) + fan;
    let len = (26.0 * ty.k).min((o.0 - e.0).hypot(o.1 - e.1));
    let far = (e.0 + ang.cos() * len, e.1 + ang.sin() * len);
    let line: Vec<Pt> = (0..=12)
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
}

/// Draws the line of width `w` along `curve`, kept clear of the symbols' radii `r` at its ends,
/// and its arrowhead; returns the line up to the tip (`None` when too short to draw).
fn draw_arrow(
    art: &mut MapArt,
    v: &View,
    curve: &[Pt],
    r: (f64, f64),
    w: f64,
    ty: Type,
    id: &str,
) -> Option<Vec<Pt>> {
    let alen = (1.8 + 1.6 * w) * ty.k.sqrt();
    let to_tip = trim(curve, r.0 + 0.5, r.1 + 0.6);
    if to_tip.len() < 2 || polyline_len(&to_tip) < alen * 1.5 {
        return None;
    }
    let tip = to_tip[to_tip.len() - 1];
    let back = trim(&to_tip, 0.0, alen);
    let base = back.last().copied()?;
    let (ux, uy) = {
        let (dx, dy) = (tip.0 - base.0, tip.1 - base.1);
        let l = dx.hypot(dy).max(1e-9);
        (dx / l, dy / l)
    };
    let hw = 0.45 * alen + 0.2;
    let stroke = trim(&to_tip, 0.0, alen * 0.85);
    let frame = v.rect.grow(3.0);
    let stroke_d: String = clip_line(&stroke, &frame)
        .iter()
        .map(|piece| path_d(piece, false))
        .collect();
    let head = [
        tip,
        (base.0 - uy * hw, base.1 + ux * hw),
        (base.0 + uy * hw, base.1 - ux * hw),
    ];
    let head_box = bbox_of(&head)?;
    if stroke_d.is_empty() && !head_box.intersects(&frame) {
        return None; // nothing of it on the map
    }
    if !stroke_d.is_empty() {
        art.clipped.push(el(path(stroke_d)
            .set("fill", "none")
            .set("stroke", style::TRANSFER_COLOUR)
            .set("stroke-width", n(w))
            .set("stroke-opacity", mm(paper::TRANSFER_OPACITY))
            .set("stroke-linecap", "round")));
    }
    art.clipped.push(el(
        path(path_d(&head, true)).set("fill", style::TRANSFER_COLOUR)
    ));
    // Labels keep off arrowheads inside the frame: they show where people went.
    if head_box.intersects(&v.rect) {
        art.field.hard.push((format!("arrow:{id}"), head_box));
    }
    for wseg in to_tip.windows(2) {
        art.field.soft.push((wseg[0], wseg[1]));
    }
    Some(to_tip)
}

/// The label of a transfer: its number, the off-map end's name, and the distance when the pair
/// of places is not captioned yet (`first_for_pair`) or the transfer is numbered. `None` when the
/// pair is captioned already and the label would only repeat it.
fn label_text(t: &TransferMark, pin: bool, qin: bool, first_for_pair: bool) -> Option<String> {
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
    if let Some(dk) = t.distance_km
        && (first_for_pair || t.number.is_some())
    {
        label.push_str(&km(dk));
    } else if t.number.is_none() && !first_for_pair {
        return None;
    } else {
        label = label.trim_end_matches(" · ").to_owned();
    }
    Some(label)
}
