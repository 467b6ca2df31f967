//! The credits at the foot of the page.

use svg::node::element::Element;

use super::super::fonts;
use super::super::page::Page;
use super::super::svgdoc::{Align, el, text};
use super::super::typography::Type;
use crate::layers::Layers;

/// The credits line: the atlas's `credits`, then the tool and typeface that made the sheet
/// (only things that exist: no placeholder addresses).
pub(crate) fn line(layers: &Layers) -> String {
    let mut c: Vec<String> = layers.credits.clone();
    c.push(format!(
        "Map: gazmap {}, typeset in {}.",
        env!("CARGO_PKG_VERSION"),
        fonts::FAMILY
    ));
    c.join(" · ")
}

/// The credits, wrapped by the page layout, one text per line.
pub(crate) fn draw(page: &Page, ty: Type) -> Vec<Element> {
    let small = ty.small();
    page.credits
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
        .collect()
}
