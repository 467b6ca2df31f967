//! The map of a sheet, drawn into a [`View`]: the basemap, the graticule and the atlas's layers
//! (account lines, uncertainty shapes, stated distances, transfers, site symbols), each in its
//! own module, with the labels they ask for placed last ([`labels`]). The main map and every
//! detail inset are drawn by the same functions.

pub(crate) mod basemap;
pub(crate) mod claims;
pub(crate) mod graticule;
pub(crate) mod labels;
pub(crate) mod lines;
pub(crate) mod sites;
pub(crate) mod transfers;
pub(crate) mod uncertainty;

use std::collections::{BTreeMap, HashSet};

use geo::{BoundingRect, Geometry};
use svg::node::element::Element;

use super::content::Content;
use super::labels::{Field, Request};
use super::panel::legend::Legend;
use super::planar::{Pt, View, thin};
use super::projection::Projection;
use super::sheet::SheetSpec;
use super::typography::{LabelText, Type};
use super::uncertainty::Outline;
use crate::layers::{Feature, Layer, Layers, Value};

/// Where each drawn site's symbol sits on paper.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spot {
    pub x: f64,
    pub y: f64,
    pub r: f64,
}

/// A map drawn into one view: clipped artwork, labels to place and their obstacles.
#[derive(Default)]
pub(crate) struct MapArt {
    pub clipped: Vec<Element>,
    pub requests: Vec<Request>,
    pub texts: BTreeMap<String, LabelText>,
    pub field: Field,
    pub spots: BTreeMap<String, Spot>,
    pub framed: Vec<String>,
    /// Site labels left to an inset that shows their places larger.
    pub in_inset: Vec<Request>,
}

impl MapArt {
    /// Asks for a label `lt` (with the plain `text` the report names) at `anchor`.
    pub fn request(
        &mut self,
        id: String,
        text: String,
        lt: LabelText,
        anchor: super::labels::Anchor,
        priority: i32,
        leader: bool,
    ) {
        self.requests.push(Request {
            id: id.clone(),
            text,
            w: lt.w(),
            h: lt.h(),
            anchor,
            priority,
            leader,
        });
        self.texts.insert(id, lt);
    }
}

/// What every part of a sheet reads: the atlas, the projection, what the sheet shows, and what
/// the legend must explain (filled in as layers are drawn).
pub(crate) struct Ctx<'a> {
    pub layers: &'a Layers,
    pub proj: &'a Projection,
    pub content: &'a Content,
    pub ty: Type,
    pub legend: Legend,
    /// Site ids the sheet shows (a set: looked up for every site and shape).
    pub shown: HashSet<String>,
    /// Uncertainty shapes of the atlas.
    pub outlines: Vec<Outline>,
    pub warnings: Vec<String>,
}

impl<'a> Ctx<'a> {
    /// The context of sheet `spec`: it shows every site, or on a period sheet the sites its
    /// events involve.
    pub fn new(
        layers: &'a Layers,
        proj: &'a Projection,
        content: &'a Content,
        spec: &SheetSpec,
        ty: Type,
    ) -> Self {
        let shown: HashSet<String> = if spec.window.is_some() {
            content.involved.iter().cloned().collect()
        } else {
            content.sites.iter().map(|s| s.id.clone()).collect()
        };
        Self {
            layers,
            proj,
            content,
            ty,
            legend: Legend::default(),
            shown,
            outlines: super::uncertainty::outlines(layers),
            warnings: vec![],
        }
    }

    /// A lon/lat point on the paper of `v`.
    pub fn project(&self, v: &View, lon: f64, lat: f64) -> Option<Pt> {
        self.proj.forward(lon, lat).ok().map(|(x, y)| v.paper(x, y))
    }

    /// A lon/lat line on the paper of `v`, thinned to `tol` mm.
    pub fn project_line(&self, v: &View, pts: &[(f64, f64)], tol: f64) -> Vec<Pt> {
        thin(
            pts.iter()
                .filter_map(|(lon, lat)| self.project(v, *lon, *lat))
                .collect(),
            tol,
        )
    }

    /// Lon/lat box of the view, with a margin, for cheap culling.
    pub fn lonlat_box(&self, v: &View) -> [f64; 4] {
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

/// Atlas layers: account lines, uncertainty shapes, claims, transfers, symbols, labels. `main`:
/// the main map (an inset labels only numbered transfers).
pub(crate) fn draw_atlas(ctx: &mut Ctx, v: &View, art: &mut MapArt, main: bool) {
    lines::draw(ctx, v, art);
    // Symbol positions first: transfers and claims end at the symbols.
    let connectors = sites::spread(ctx, v, art);
    uncertainty::draw(ctx, v, art);
    claims::draw(ctx, v, art);
    transfers::draw(ctx, v, art, main);
    sites::draw(ctx, v, art, connectors);
}

/// Every ring or line of a geometry as lon/lat pairs.
pub(crate) fn geometry_rings(g: &Geometry) -> Vec<Vec<(f64, f64)>> {
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

/// Whether `g`'s bounding box meets the lon/lat box `b`.
pub(crate) fn touches(g: &Geometry, b: [f64; 4]) -> bool {
    g.bounding_rect().is_some_and(|r| {
        r.min().x <= b[2] && r.max().x >= b[0] && r.min().y <= b[3] && r.max().y >= b[1]
    })
}

/// A text (or integer) field of a feature; empty when missing.
pub(crate) fn value_text(l: &Layer, f: &Feature, name: &str) -> String {
    match l.value(f, name) {
        Some(Value::Text(s)) => s.clone(),
        Some(Value::Integer(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// An integer (or real) field of a feature.
pub(crate) fn value_int(l: &Layer, f: &Feature, name: &str) -> Option<i64> {
    match l.value(f, name) {
        Some(Value::Integer(i)) => Some(*i),
        Some(Value::Real(x)) => Some(*x as i64),
        _ => None,
    }
}
