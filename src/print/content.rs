//! What a sheet shows: the atlas features read from [`Layers`], filtered by the sheet's time
//! window. Nothing here knows about paper.

use std::collections::{BTreeMap, HashMap};

use geo::Geometry;
use jiff::civil::Date;

use super::sheet::{SheetSpec, Window};
use crate::layers::{Feature, Layer, Layers, Value, line_parts};

/// A located place to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteMark {
    /// Site id.
    pub id: String,
    /// Label text (the account's name, shortened if long).
    pub name: String,
    /// Kind (an id of the atlas's [`crate::style::Vocabulary`]).
    pub kind: String,
    /// Longitude, **degrees**.
    pub lon: f64,
    /// Latitude, **degrees**.
    pub lat: f64,
    /// Uncertainty radius, **metres**.
    pub uncertainty_m: f64,
    /// Approximate or inferred position.
    pub uncertain: bool,
    /// The site is drawn as a line (river, railway) in the `lines` layer.
    pub has_line: bool,
    /// Numbers of the listed events at this place.
    pub events: Vec<usize>,
}

/// A dated event of the sheet's window (at a place, or a movement).
#[derive(Debug, Clone, PartialEq)]
pub struct EventMark {
    /// Number in the sheet's event list (1-based, by date).
    pub number: usize,
    /// Event id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Human date.
    pub date: String,
    /// Possible first day.
    pub start: Date,
    /// Place (site id) or movement (from, to).
    pub place: String,
    /// Only possibly in the window (its possible span reaches outside it).
    pub partly: bool,
}

/// A movement of people between two sites.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferMark {
    /// Event id.
    pub id: String,
    /// Number in the event list, if the sheet lists events.
    pub number: Option<usize>,
    /// Site ids.
    pub from: String,
    /// Site ids.
    pub to: String,
    /// Names of the ends.
    pub from_name: String,
    /// Names of the ends.
    pub to_name: String,
    /// Geodesic distance, **km**.
    pub distance_km: Option<f64>,
    /// People moved.
    pub people: Option<u32>,
    /// Lon/lat of the ends.
    pub a: (f64, f64),
    /// Lon/lat of the ends.
    pub b: (f64, f64),
}

/// A distance stated in the account.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimMark {
    /// Claim id.
    pub id: String,
    /// Stated, **km**.
    pub stated_km: f64,
    /// Measured on the atlas's coordinates, **km**.
    pub computed_km: Option<f64>,
    /// Check verdict word.
    pub status: String,
    /// One end was placed from this statement.
    pub by_construction: bool,
    /// Lon/lat line.
    pub line: Vec<(f64, f64)>,
}

/// A river or railway named in the account.
#[derive(Debug, Clone, PartialEq)]
pub struct LineMark {
    /// Site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `river` or `railway` (other kinds are drawn like rivers).
    pub kind: String,
    /// Drawn through documented points, not traced.
    pub schematic: bool,
    /// Uncertain identification or position.
    pub uncertain: bool,
    /// Lon/lat parts.
    pub parts: Vec<Vec<(f64, f64)>>,
}

/// Everything a sheet may draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Content {
    /// Places, sorted by id.
    pub sites: Vec<SiteMark>,
    /// Listed events (window sheets only), by number.
    pub events: Vec<EventMark>,
    /// Movements.
    pub transfers: Vec<TransferMark>,
    /// Stated distances.
    pub claims: Vec<ClaimMark>,
    /// Rivers and railways of the account.
    pub lines: Vec<LineMark>,
    /// Site ids the window involves (all sites when there is no window).
    pub involved: Vec<String>,
    /// Site ids of the events that lie wholly inside the window (what the sheet is about).
    pub core: Vec<String>,
    /// Map names of every site, located or not, by id.
    pub names: BTreeMap<String, String>,
}

fn text(l: &Layer, f: &Feature, name: &str) -> String {
    match l.value(f, name) {
        Some(Value::Text(s)) => s.clone(),
        Some(Value::Integer(i)) => i.to_string(),
        Some(Value::Real(x)) => x.to_string(),
        _ => String::new(),
    }
}

fn real(l: &Layer, f: &Feature, name: &str) -> Option<f64> {
    match l.value(f, name) {
        Some(Value::Real(x)) => Some(*x),
        Some(Value::Integer(i)) => Some(*i as f64),
        _ => None,
    }
}

fn boolean(l: &Layer, f: &Feature, name: &str) -> bool {
    matches!(l.value(f, name), Some(Value::Boolean(true)))
}

fn date(l: &Layer, f: &Feature, name: &str) -> Option<Date> {
    match l.value(f, name) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}

/// A label-sized name: `(implied)` dropped, first letter capitalised, long descriptive names cut
/// at the first `;`, `,` or `(`, or shortened with `…`.
#[must_use]
pub fn short_name(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_prefix("(implied)").unwrap_or(name).trim();
    let mut chars = name.chars();
    let name = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect::<String>(),
        None => String::new(),
    };
    let name = name.as_str();
    if name.chars().count() <= 30 {
        return name.to_owned();
    }
    let cut = name
        .char_indices()
        .find(|(i, c)| *i > 3 && matches!(c, ';' | ',' | '('))
        .map_or(name, |(i, _)| &name[..i]);
    let cut = cut.trim();
    if cut.chars().count() <= 34 {
        cut.to_owned()
    } else {
        let mut s = String::new();
        for word in cut.split_whitespace() {
            if s.chars().count() + word.chars().count() + 1 > 28 {
                break;
            }
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(word);
        }
        s.push('…');
        s
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(d: Date) -> &'static str {
    MONTHS[usize::try_from(d.month() - 1).unwrap_or(0).min(11)]
}

/// A year as a reader expects it: `1937`; `AD 59` below 1000 (a bare `59` reads as 1959);
/// `60 BC` for the astronomical year `-59` (year `0` is 1 BC).
fn year(y: i16) -> String {
    match y {
        1000.. => y.to_string(),
        1..=999 => format!("AD {y}"),
        _ => format!("{} BC", 1 - i32::from(y)),
    }
}

/// A short human date for the span `start`..`end` (e.g. `29 Oct 1936`, `Oct 1936`,
/// `Oct 1936 – Mar 1937`, `1937`), `~` in front when approximate.
#[must_use]
pub fn human_span(start: Date, end: Date, approximate: bool) -> String {
    let whole_month = |a: Date, b: Date| a.day() == 1 && b == a.last_of_month();
    let whole_year =
        |a: Date, b: Date| a.month() == 1 && a.day() == 1 && b.month() == 12 && b.day() == 31;
    let one = |d: Date| format!("{} {} {}", d.day(), month(d), year(d.year()));
    let s = if start == end {
        one(start)
    } else if whole_year(start, end) {
        if start.year() == end.year() {
            year(start.year())
        } else {
            format!("{}–{}", year(start.year()), year(end.year()))
        }
    } else if whole_month(start, end) {
        format!("{} {}", month(start), year(start.year()))
    } else if start.day() == 1 && end == end.last_of_month() {
        if start.year() == end.year() {
            format!("{}–{} {}", month(start), month(end), year(end.year()))
        } else {
            format!(
                "{} {} – {} {}",
                month(start),
                year(start.year()),
                month(end),
                year(end.year())
            )
        }
    } else if start.year() == end.year() && start.month() == end.month() {
        format!(
            "{}–{} {} {}",
            start.day(),
            end.day(),
            month(end),
            year(end.year())
        )
    } else {
        format!("{} – {}", one(start), one(end))
    };
    if approximate { format!("~{s}") } else { s }
}

fn overlaps(start: Option<Date>, end: Option<Date>, w: &Window) -> (bool, bool) {
    match (start, end) {
        (Some(s), Some(e)) => (s <= w.end && e >= w.start, s < w.start || e > w.end),
        _ => (false, false),
    }
}

fn point_of(g: Option<&Geometry>) -> Option<(f64, f64)> {
    match g {
        Some(Geometry::Point(p)) => Some((p.x(), p.y())),
        _ => None,
    }
}

/// The label of a place: the sheet's own (`labels`), else the short form of its name.
fn label_of(spec: &SheetSpec, id: &str, name: &str) -> String {
    spec.labels
        .get(id)
        .cloned()
        .unwrap_or_else(|| short_name(name))
}

/// Gathers what `spec` shows from `layers`.
#[must_use]
pub fn gather(layers: &Layers, spec: &SheetSpec) -> Content {
    let window = spec.window.as_ref();
    let mut c = Content::default();
    // Events and movements in the window, numbered by date.
    let listed = window
        .map(|w| listed_events(layers, spec, w))
        .unwrap_or_default();
    let number_of: BTreeMap<&str, usize> =
        listed.iter().map(|e| (e.id.as_str(), e.number)).collect();
    let mut involved: Vec<String> = vec![];
    let mut core: Vec<String> = vec![];
    for e in &listed {
        for id in e.place.split('→').filter(|s| !s.is_empty()) {
            involved.push(id.to_owned());
            if !e.partly {
                core.push(id.to_owned());
            }
        }
    }
    core.sort();
    core.dedup();
    c.core = core;
    if let Some(l) = layers.layer("transfers")
        && spec.transfers
    {
        c.transfers = transfers(l, spec, &number_of);
    }
    if let Some(l) = layers.layer("claims")
        && spec.claims
        && window.is_none()
    {
        c.claims = claims(l);
    }
    if let Some(l) = layers.layer("lines") {
        c.lines = lines(l, spec);
    }
    if let Some(l) = layers.layer("sites") {
        sites(l, spec, &listed, &mut c);
    }
    if window.is_none() {
        involved = c.sites.iter().map(|s| s.id.clone()).collect();
    }
    involved.sort();
    involved.dedup();
    if window.is_some() {
        // Lines named by a window's events stay; others go.
        c.lines.retain(|l| involved.binary_search(&l.id).is_ok());
    }
    c.involved = involved;
    c.events = listed;
    c
}

/// The events and (when the sheet shows transfers) movements whose possible dates meet the
/// window `w`: those wholly inside first, then those only possibly in it, each by date, numbered
/// from 1.
fn listed_events(layers: &Layers, spec: &SheetSpec, w: &Window) -> Vec<EventMark> {
    let mut listed: Vec<EventMark> = vec![];
    for (layer_name, movement) in [("events", false), ("transfers", true)] {
        let Some(l) = layers.layer(layer_name) else {
            continue;
        };
        if movement && !spec.transfers {
            continue;
        }
        for f in &l.features {
            let (start, end) = (date(l, f, "start"), date(l, f, "end"));
            let (inside, partly) = overlaps(start, end, w);
            if !inside {
                continue;
            }
            let (Some(s), Some(e)) = (start, end) else {
                continue;
            };
            let place = if movement {
                format!("{}→{}", text(l, f, "from_site"), text(l, f, "to_site"))
            } else {
                text(l, f, "site")
            };
            listed.push(EventMark {
                number: 0,
                id: f.id.clone(),
                title: text(l, f, "title"),
                date: human_span(s, e, boolean(l, f, "date_approximate")),
                start: s,
                place,
                partly,
            });
        }
    }
    listed.sort_by(|a, b| {
        a.partly
            .cmp(&b.partly)
            .then_with(|| a.start.cmp(&b.start))
            .then_with(|| a.id.cmp(&b.id))
    });
    for (i, e) in listed.iter_mut().enumerate() {
        e.number = i + 1;
    }
    listed
}

/// The transfers of the `transfers` layer `l` (on a period sheet, only the listed ones, with
/// their numbers).
fn transfers(l: &Layer, spec: &SheetSpec, number_of: &BTreeMap<&str, usize>) -> Vec<TransferMark> {
    let mut out = vec![];
    for f in &l.features {
        if spec.window.is_some() && !number_of.contains_key(f.id.as_str()) {
            continue;
        }
        let parts: Vec<_> = f.geometry.as_ref().map(line_parts).unwrap_or_default();
        let (Some(first), Some(last)) = (
            parts.first().and_then(|p| p.0.first()),
            parts.last().and_then(|p| p.0.last()),
        ) else {
            continue;
        };
        out.push(TransferMark {
            id: f.id.clone(),
            number: number_of.get(f.id.as_str()).copied(),
            from: text(l, f, "from_site"),
            to: text(l, f, "to_site"),
            from_name: label_of(spec, &text(l, f, "from_site"), &text(l, f, "from_name")),
            to_name: label_of(spec, &text(l, f, "to_site"), &text(l, f, "to_name")),
            distance_km: real(l, f, "distance_km"),
            people: real(l, f, "people").and_then(|p| u32::try_from(p as i64).ok()),
            a: (first.x, first.y),
            b: (last.x, last.y),
        });
    }
    out
}

/// The stated distances of the `claims` layer `l`.
fn claims(l: &Layer) -> Vec<ClaimMark> {
    let mut out = vec![];
    for f in &l.features {
        let line: Vec<(f64, f64)> = f
            .geometry
            .as_ref()
            .map(line_parts)
            .unwrap_or_default()
            .iter()
            .flat_map(|p| p.0.iter().map(|c| (c.x, c.y)))
            .collect();
        let Some(stated_km) = real(l, f, "stated_km") else {
            continue;
        };
        if line.len() < 2 {
            continue;
        }
        out.push(ClaimMark {
            id: f.id.clone(),
            stated_km,
            computed_km: real(l, f, "computed_km"),
            status: text(l, f, "status"),
            by_construction: boolean(l, f, "by_construction"),
            line,
        });
    }
    out
}

/// The rivers and railways of the `lines` layer `l`.
fn lines(l: &Layer, spec: &SheetSpec) -> Vec<LineMark> {
    let mut out = vec![];
    for f in &l.features {
        let parts: Vec<Vec<(f64, f64)>> = f
            .geometry
            .as_ref()
            .map(line_parts)
            .unwrap_or_default()
            .iter()
            .map(|p| p.0.iter().map(|c| (c.x, c.y)).collect())
            .collect();
        if parts.is_empty() {
            continue;
        }
        let basis = text(l, f, "basis");
        out.push(LineMark {
            id: f.id.clone(),
            name: label_of(spec, &f.id, &text(l, f, "name")),
            kind: text(l, f, "kind"),
            schematic: boolean(l, f, "schematic"),
            uncertain: basis != "documented" && !basis.is_empty(),
            parts,
        });
    }
    out
}

/// Every site's name into `c.names`, the located ones into `c.sites` with the numbers of the
/// `listed` events at each, in list order.
fn sites(l: &Layer, spec: &SheetSpec, listed: &[EventMark], c: &mut Content) {
    let mut numbers_at: HashMap<&str, Vec<usize>> = HashMap::new();
    for e in listed {
        numbers_at
            .entry(e.place.as_str())
            .or_default()
            .push(e.number);
    }
    for f in &l.features {
        c.names
            .insert(f.id.clone(), label_of(spec, &f.id, &text(l, f, "name")));
        let Some((lon, lat)) = point_of(f.geometry.as_ref()) else {
            continue;
        };
        let mut events: Vec<usize> = numbers_at.get(f.id.as_str()).cloned().unwrap_or_default();
        events.sort_unstable();
        c.sites.push(SiteMark {
            id: f.id.clone(),
            name: label_of(spec, &f.id, &text(l, f, "name")),
            kind: text(l, f, "kind"),
            lon,
            lat,
            uncertainty_m: real(l, f, "uncertainty_m").unwrap_or(0.0),
            uncertain: boolean(l, f, "uncertain"),
            has_line: boolean(l, f, "has_line"),
            events,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn human_dates() {
        assert_eq!(
            human_span(d("1936-10-29"), d("1936-10-29"), false),
            "29 Oct 1936"
        );
        assert_eq!(
            human_span(d("1936-10-01"), d("1936-10-31"), true),
            "~Oct 1936"
        );
        assert_eq!(
            human_span(d("1936-10-01"), d("1937-03-31"), false),
            "Oct 1936 – Mar 1937"
        );
        assert_eq!(human_span(d("1937-01-01"), d("1937-12-31"), false), "1937");
        assert_eq!(
            human_span(d("1938-03-01"), d("1938-05-31"), false),
            "Mar–May 1938"
        );
    }

    #[test]
    fn years_before_1000_say_ad_or_bc() {
        assert_eq!(
            human_span(d("0059-10-01"), d("0059-10-31"), true),
            "~Oct AD 59"
        );
        assert_eq!(
            human_span(d("0059-11-01"), d("0060-02-29"), false),
            "Nov AD 59 – Feb AD 60"
        );
        assert_eq!(human_span(d("0060-01-01"), d("0060-12-31"), false), "AD 60");
        assert_eq!(
            human_span(
                jiff::civil::date(-43, 3, 15),
                jiff::civil::date(-43, 3, 15),
                false
            ),
            "15 Mar 44 BC"
        );
        assert_eq!(
            human_span(
                jiff::civil::date(0, 1, 1),
                jiff::civil::date(0, 12, 31),
                false
            ),
            "1 BC"
        );
    }

    #[test]
    fn long_names_are_shortened() {
        assert_eq!(short_name("Vorkuta"), "Vorkuta");
        assert_eq!(
            short_name(
                "primitive half-demolished barracks on the banks of the Syr-Yaga river, 40 km from the mine"
            ),
            "Primitive half-demolished…"
        );
        assert_eq!(short_name("(implied) Usa river"), "Usa river");
        assert_eq!(
            short_name("the old brick field; the old brickyard, site of the executions"),
            "The old brick field"
        );
    }
}
