//! The sheet's title and subtitle.

use svg::node::element::Element;

use super::super::page::Page;
use super::super::sheet::SheetSpec;
use super::super::svgdoc::{Align, el, text};
use super::super::typography::Type;

/// The title, and the subtitle when the sheet has one.
pub(crate) fn draw(spec: &SheetSpec, page: &Page, ty: Type) -> Vec<Element> {
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
    head
}
