//! The list of events of a period sheet, numbered as on the map, two lines at most each (the
//! rest is in `timeline.csv`).

use svg::node::element::Element;

use super::super::content::{self, Content, EventMark};
use super::super::sheet::SheetSpec;
use super::super::svgdoc::{Align, TextStyle, el, text, wrap};
use super::super::typography::Type;
use super::Flow;
use crate::style;

/// Flows the events of `content` down the panel until it is full; returns how many were listed.
pub(crate) fn place(
    flow: &mut Flow,
    content: &Content,
    spec: &SheetSpec,
    ty: Type,
    panel: &mut Vec<Element>,
) -> usize {
    if content.events.is_empty() {
        return 0;
    }
    let (heading, body) = (ty.heading(), ty.body());
    let mut listed = 0;
    let num_w = body.width("00") + 1.0;
    let text_w = flow.width() - num_w;
    for e in &content.events {
        let lines = event_lines(content, e, text_w, body);
        let first = listed == 0;
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
        listed += 1;
    }
    flow.y += flow.gap;
    listed
}

/// The lines of one event: date, title, place, † when only possibly in the period; cut after
/// two lines with an ellipsis.
fn event_lines(content: &Content, e: &EventMark, text_w: f64, body: TextStyle) -> Vec<String> {
    let place = place_text(content, &e.place);
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
        lines.truncate(2);
        let mut last = lines[1].clone();
        while body.width(&format!("{last} …")) > text_w && last.pop().is_some() {}
        lines[1] = format!("{} …", last.trim_end());
    }
    lines
}

/// The names of an event's place (`a→b` for a movement).
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
