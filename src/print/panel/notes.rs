//! The sheet's notes, across the page above the credits: the period shown, the projection and
//! scale with the grid convergence, and the labels left out.

use svg::node::element::Element;

use super::super::content::{self, Content};
use super::super::page::Page;
use super::super::sheet::SheetSpec;
use super::super::svgdoc::{Align, el, text, wrap};
use super::super::typography::{Type, thousands};

/// What the notes say besides the sheet and its content.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts<'a> {
    /// The projection in words.
    pub projection: &'a str,
    /// Scale denominator.
    pub scale: u64,
    /// Scale factor at the centre.
    pub k_centre: f64,
    /// Grid convergence at the centre, left and right edges, **degrees**.
    pub convergence: [f64; 3],
    /// Events listed in the panel.
    pub events_listed: usize,
    /// Site labels left out of the map.
    pub omitted_sites: &'a [String],
}

/// The notes' paragraphs.
pub(crate) fn paragraphs(spec: &SheetSpec, content: &Content, f: &Facts) -> Vec<String> {
    let mut notes: Vec<String> = vec![];
    if let Some(w) = &spec.window {
        let mut n = format!(
            "Shows what possibly happened between {} and {}: every event and transfer whose possible dates overlap that span is drawn, including those only possibly in it (marked † in the list).",
            content::human_span(w.start, w.start, false),
            content::human_span(w.end, w.end, false)
        );
        if f.events_listed < content.events.len() {
            n.push_str(&format!(
                " {} more event(s) of the period are not listed for lack of room (see timeline.csv).",
                content.events.len() - f.events_listed
            ));
        }
        notes.push(n);
    }
    let convergence = f.convergence.map(|c| if c.abs() < 0.05 { 0.0 } else { c });
    notes.push(format!(
        "Projection: {}. Scale 1:{} true at the map centre (scale factor {:.4}). The north arrow points to true north at the centre (grid convergence {:+.1}°; {:+.1}° at the left edge, {:+.1}° at the right). Places marked ? are approximate or inferred; shaded shapes show where they may lie.",
        f.projection,
        thousands(f.scale),
        f.k_centre,
        convergence[0],
        convergence[1],
        convergence[2],
    ));
    if !f.omitted_sites.is_empty() {
        notes.push(format!(
            "Not labelled on the map for lack of room: {}.",
            f.omitted_sites.join("; ")
        ));
    }
    notes
}

/// Lines to reserve for the notes before the map is laid out: those of a draft (the
/// omitted-labels note is not known before placement, so three lines are kept for it).
pub(crate) fn reserve_lines(
    spec: &SheetSpec,
    content: &Content,
    projection: &str,
    w: f64,
    ty: Type,
) -> usize {
    let draft = paragraphs(
        spec,
        content,
        &Facts {
            projection,
            ..Facts::default()
        },
    );
    draft
        .iter()
        .map(|n| wrap(n, w - 18.0 * ty.k, ty.small()).len())
        .sum::<usize>()
        + 3
}

/// The notes set in the `reserved` lines of the page (bottom-aligned); a warning when cut.
pub(crate) fn draw(
    notes: &[String],
    page: &Page,
    reserved: usize,
    ty: Type,
    warnings: &mut Vec<String>,
) -> Vec<Element> {
    let small = ty.small();
    let mut lines: Vec<String> = notes
        .iter()
        .flat_map(|n| wrap(n, page.w - 2.0 * page.margin, small))
        .collect();
    if lines.len() > reserved {
        warnings.push("notes cut short for lack of room".into());
        lines.truncate(reserved);
    }
    let first_y = page.notes_y + (reserved - lines.len()) as f64 * small.size * 1.3;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            el(text(
                l,
                page.margin,
                first_y + i as f64 * small.size * 1.3,
                small,
                Align::Start,
            ))
        })
        .collect()
}
