//! Placing the labels a map asked for (with [`crate::print::labels::place`]) and drawing them,
//! with leader lines where a label sits away from its symbol.

use std::collections::HashSet;

use svg::node::element::Element;

use super::super::labels::{self, BoxMm, Request};
use super::super::planar::View;
use super::super::svgdoc::{el, mm, path, path_d};
use super::MapArt;
use crate::style::paper;

/// Places the labels of `art` clear of `taken` and returns their artwork and the outcome.
pub(crate) fn place(
    art: &mut MapArt,
    v: &View,
    taken: Vec<BoxMm>,
) -> (Vec<Element>, labels::Outcome) {
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
            .set("stroke", paper::LEADER_COLOUR)
            .set("stroke-width", mm(paper::LEADER_WIDTH_MM))));
    }
    for p in &outcome.placed {
        if let Some(lt) = art.texts.get(&p.id) {
            out.extend(lt.draw(&p.rect));
        }
    }
    (out, outcome)
}

/// Sites labelled in an inset (so lying under its outline on the main map) keep only their
/// inset label, so the crowded spot the inset enlarges is not labelled twice; `keep` (the
/// inset's first site) stays labelled on the main map too, to name the spot.
pub(crate) fn leave_to_inset(art: &mut MapArt, keep: Option<&String>, inset: &labels::Outcome) {
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
