//! Rules over a loaded atlas: ids, references, quotes verbatim in their sources, and the
//! distances the account states, measured against the coordinates.

use geo::{Intersects, LineString, MultiLineString, MultiPolygon, Point, Polygon};

use crate::diagnostics::Finding;
use crate::geodesy;
use crate::model::{Atlas, Citation, Claim, Extent, Place, RowOrigin, Site};
use crate::quote;

/// Runs every rule, fills in each citation's character offset, and returns the findings.
pub fn run(atlas: &mut Atlas) -> Vec<Finding> {
    let mut findings = vec![];
    check_ids(atlas, &mut findings);
    check_references(atlas, &mut findings);
    check_quotes(atlas, &mut findings);
    findings.extend(crate::authoring::atlas_checks::run(atlas));
    check_movements(atlas, &mut findings);
    check_claim_quotes(atlas, &mut findings);
    let verdicts: Vec<_> = atlas
        .claims
        .iter()
        .map(|c| evaluate_claim(atlas, c))
        .collect();
    for (claim, verdict) in atlas.claims.iter_mut().zip(verdicts) {
        claim.verdict = verdict;
    }
    for claim in &atlas.claims {
        if let Some(verdict) = claim.verdict
            && verdict.status == ClaimStatus::Contradicted
        {
            findings.push(
                Finding::warning(
                    &claim.origin.file,
                    Some(claim.origin.line),
                    format!(
                        "the account states {:.1} km (± {:.1}) from `{}` to `{}`, but the places' shapes allow only {:.1} to {:.1} km (computed {:.1} km between their points)",
                        claim.stated_m / 1000.0,
                        claim.tolerance_m / 1000.0,
                        claim.from_site,
                        claim.to_site,
                        verdict.min_m / 1000.0,
                        verdict.max_m / 1000.0,
                        verdict.computed_m / 1000.0
                    ),
                )
                .at(claim.origin.column("stated_m"), format!("{}", claim.stated_m)),
            );
        }
    }
    findings
}

fn check_ids(atlas: &Atlas, findings: &mut Vec<Finding>) {
    let tables: [(&str, Vec<(&str, &RowOrigin)>); 3] = [
        (
            "site",
            atlas
                .sites
                .iter()
                .map(|s| (s.id.as_str(), &s.origin))
                .collect(),
        ),
        (
            "event",
            atlas
                .events
                .iter()
                .map(|e| (e.id.as_str(), &e.origin))
                .collect(),
        ),
        (
            "claim",
            atlas
                .claims
                .iter()
                .map(|c| (c.id.as_str(), &c.origin))
                .collect(),
        ),
    ];
    for (what, rows) in tables {
        let mut first: rustc_hash::FxHashMap<&str, u64> = rustc_hash::FxHashMap::default();
        for (id, origin) in rows {
            if id.is_empty() {
                continue;
            }
            if let Some(line) = first.get(id) {
                findings.push(
                    Finding::error(
                        &origin.file,
                        Some(origin.line),
                        format!("duplicate {what} id (first used on line {line})"),
                    )
                    .at(origin.column("id"), id),
                );
            } else {
                first.insert(id, origin.line);
            }
        }
    }
}

/// Reports `value` in `column` of `origin` when it is not a known site id.
fn site_ref(
    atlas: &Atlas,
    origin: &RowOrigin,
    column: &str,
    value: &str,
    findings: &mut Vec<Finding>,
) {
    if !value.is_empty() && atlas.site(value).is_none() {
        findings.push(
            Finding::error(
                &origin.file,
                Some(origin.line),
                format!("unknown site id{}", suggestion(atlas, value)),
            )
            .at(origin.column(column), value),
        );
    }
}

/// ", did you mean `x`?" for the most similar site id, if any is close.
fn suggestion(atlas: &Atlas, value: &str) -> String {
    atlas
        .sites
        .iter()
        .filter_map(|s| quote::nearest(&s.id, value, 0.34).map(|(_, _, edits)| (edits, &s.id)))
        .filter(|(_, id)| id.len().abs_diff(value.len()) <= value.len() / 3 + 1)
        .min()
        .map(|(_, id)| format!(" (did you mean `{id}`?)"))
        .unwrap_or_default()
}

fn check_references(atlas: &Atlas, findings: &mut Vec<Finding>) {
    for site in &atlas.sites {
        if let Some(alt) = &site.alternative_to {
            site_ref(atlas, &site.origin, "alternative_to", alt, findings);
            if let Some(other) = atlas.site(alt)
                && other.alternative_to.as_deref() != Some(site.id.as_str())
            {
                findings.push(
                    Finding::warning(
                        &site.origin.file,
                        Some(site.origin.line),
                        format!("rival identifications should name each other: `{alt}` does not name `{}`", site.id),
                    )
                    .at(site.origin.column("alternative_to"), alt.as_str()),
                );
            }
        }
        if let Some(parent) = &site.part_of {
            site_ref(atlas, &site.origin, "part_of", parent, findings);
        }
        if !site.kind.is_empty() && atlas.kinds().get(&site.kind).is_none() {
            let known = atlas.kinds().kinds().iter().map(|k| k.id.as_str());
            findings.push(
                Finding::warning(
                    &site.origin.file,
                    Some(site.origin.line),
                    format!(
                        "unknown kind{}: it will get the generic symbol; define it in atlas.toml [[kinds]] (known kinds: {})",
                        crate::authoring::did_you_mean_text(&site.kind, known.clone()),
                        known.collect::<Vec<_>>().join(", ")
                    ),
                )
                .at(site.origin.column("kind"), site.kind.as_str()),
            );
        }
        if matches!(site.kind.as_str(), "river" | "railway") && site.line.is_none() {
            findings.push(Finding::warning(
                &site.origin.file,
                Some(site.origin.line),
                format!(
                    "`{}` is a {} with no line in lines.geojson: it is drawn as {}",
                    site.id,
                    site.kind,
                    match site.extent {
                        crate::model::Extent::Circle => "a point only",
                        crate::model::Extent::Ring(_) => "a point in the ring where it may lie",
                        crate::model::Extent::Area(_) => "a point in its area",
                    }
                ),
            ));
        }
    }
    for event in &atlas.events {
        match &event.place {
            Place::At(Some(site)) => site_ref(atlas, &event.origin, "site", site, findings),
            Place::At(None) => {}
            Place::Movement { from, to } => {
                site_ref(atlas, &event.origin, "from_site", from, findings);
                site_ref(atlas, &event.origin, "to_site", to, findings);
                for (column, id) in [("from_site", from), ("to_site", to)] {
                    if atlas.site(id).is_some_and(|s| s.location.is_none()) {
                        findings.push(
                            Finding::warning(
                                &event.origin.file,
                                Some(event.origin.line),
                                "this end is an unlocated site: the movement has no line on the map",
                            )
                            .at(event.origin.column(column), id.as_str()),
                        );
                    }
                }
            }
        }
    }
    for claim in &atlas.claims {
        site_ref(
            atlas,
            &claim.origin,
            "from_site",
            &claim.from_site,
            findings,
        );
        site_ref(atlas, &claim.origin, "to_site", &claim.to_site, findings);
    }
}

/// Movements whose ends coincide, or where one end lies inside the other's shape: the map can
/// draw no honest line between them (a zero-length line is not even a valid geometry).
fn check_movements(atlas: &Atlas, findings: &mut Vec<Finding>) {
    for event in &atlas.events {
        let Place::Movement { from, to } = &event.place else {
            continue;
        };
        let (Some(a), Some(b)) = (atlas.site(from), atlas.site(to)) else {
            continue;
        };
        let (Some(p), Some(q)) = (a.point(), b.point()) else {
            continue;
        };
        let message = if from == to {
            format!("the movement starts and ends at `{from}`: it has no line on the map")
        } else if geodesy::coincide(p, q) {
            format!("`{from}` and `{to}` have the same point: the movement has no line on the map")
        } else if within(b, p) || within(a, q) {
            format!(
                "one end lies inside the other's uncertainty ({:.1} km apart): the line between `{from}` and `{to}` shows a length and direction the places do not fix",
                geodesy::distance_m(p, q) / 1000.0
            )
        } else {
            continue;
        };
        findings.push(
            Finding::warning(&event.origin.file, Some(event.origin.line), message)
                .at(event.origin.column("to_site"), to.as_str()),
        );
    }
}

/// True when `p` lies in `site`'s circle, ring or area.
fn within(site: &Site, p: Point) -> bool {
    site.shape(crate::layers::CIRCLE_VERTICES)
        .is_some_and(|g| g.intersects(&p))
}

/// A claim is a distance the account states: its quote must hold a number with a unit.
fn check_claim_quotes(atlas: &Atlas, findings: &mut Vec<Finding>) {
    for claim in &atlas.claims {
        if !claim.citation.quote.is_empty() && !quote::states_distance(&claim.citation.quote) {
            findings.push(
                Finding::error(
                    &claim.origin.file,
                    Some(claim.origin.line),
                    "the quote states no distance (a number with a unit, such as `40 kilometres` or `half a kilometre`): claims.csv holds only distances the text states; put an implied one in the site's notes",
                )
                .at(claim.origin.column("quote"), claim.citation.quote.as_str()),
            );
        }
    }
}

fn check_quotes(atlas: &mut Atlas, findings: &mut Vec<Finding>) {
    let Atlas {
        sources,
        sites,
        events,
        claims,
        ..
    } = atlas;
    let mut rows: Vec<(&mut Citation, &RowOrigin)> = sites
        .iter_mut()
        .map(|s| (&mut s.citation, &s.origin))
        .chain(events.iter_mut().map(|e| (&mut e.citation, &e.origin)))
        .chain(claims.iter_mut().map(|c| (&mut c.citation, &c.origin)))
        .collect();
    // The quotes of each source, searched in one pass over its text.
    let mut by_source: Vec<Vec<usize>> = vec![vec![]; sources.len()];
    let source_index: rustc_hash::FxHashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .rev() // the first source of a duplicated id wins, as `find` gave
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut verdicts: Vec<Option<Option<quote::QuoteMatch>>> = vec![None; rows.len()];
    for (r, (citation, _)) in rows.iter().enumerate() {
        if let Some(&i) = source_index.get(citation.source_id.as_str())
            && !citation.quote.is_empty()
        {
            by_source[i].push(r);
        }
    }
    for (source, members) in sources.iter().zip(&by_source) {
        let quotes: Vec<&str> = members.iter().map(|&r| rows[r].0.quote.as_str()).collect();
        for (&r, m) in members.iter().zip(quote::find_all(&source.text, &quotes)) {
            verdicts[r] = Some(m);
        }
    }
    for ((citation, origin), verdict) in rows.iter_mut().zip(verdicts) {
        let source = source_index
            .get(citation.source_id.as_str())
            .map(|&i| &sources[i]);
        verify_citation(sources, source, citation, origin, verdict, findings);
    }
}

/// Reports a citation's problems; `source` is the one it names, if any, and `verdict` the exact
/// search's answer in it.
fn verify_citation(
    sources: &[crate::model::Source],
    source: Option<&crate::model::Source>,
    citation: &mut Citation,
    origin: &RowOrigin,
    verdict: Option<Option<quote::QuoteMatch>>,
    findings: &mut Vec<Finding>,
) {
    if citation.source_id.is_empty() || citation.quote.is_empty() {
        return; // already reported as a missing required value
    }
    let Some(source) = source else {
        let known: Vec<_> = sources.iter().map(|s| s.id.as_str()).collect();
        findings.push(
            Finding::error(
                &origin.file,
                Some(origin.line),
                format!(
                    "unknown source id{} (atlas.toml lists: {})",
                    crate::authoring::did_you_mean_text(&citation.source_id, known.iter().copied()),
                    known.join(", ")
                ),
            )
            .at(origin.column("source"), citation.source_id.as_str()),
        );
        return;
    };
    if let Some(m) = verdict.flatten() {
        citation.char_offset = Some(m.char_offset);
        if m.occurrences > 1 {
            findings.push(
                Finding::warning(
                    &origin.file,
                    Some(origin.line),
                    format!("the quote occurs {} times in {}; the first, at character {}, is cited (quote more words to make it unique)", m.occurrences, source.path.display(), m.char_offset),
                )
                .at(origin.column("quote"), citation.quote.as_str()),
            );
        }
        return;
    }
    // Only a quote that failed pays for the approximate search.
    if let Some(near) = crate::authoring::quote_search::near_miss(&source.text, &citation.quote) {
        findings.push(
            Finding::error(
                &origin.file,
                Some(origin.line),
                format!(
                    "quote is not an exact substring of {} but matches at character {} (line {}, column {}) apart from typography: {}{}",
                    source.path.display(),
                    near.found.char_offset,
                    near.found.line,
                    near.found.column,
                    near.explanation,
                    if near.occurrences == 1 {
                        "; `gazmap check --fix-quotes` copies the source's exact text".to_owned()
                    } else {
                        format!("; it matches {} places: quote more words", near.occurrences)
                    }
                ),
            )
            .at(origin.column("quote"), citation.quote.as_str()),
        );
        return;
    }
    let hint = match quote::nearest(&source.text, &citation.quote, 0.25) {
        Some((offset, passage, edits)) => {
            format!("; nearest match at character {offset} ({edits} edit(s) away): `{passage}`")
        }
        None => "; nothing similar found".into(),
    };
    findings.push(
        Finding::error(
            &origin.file,
            Some(origin.line),
            format!(
                "quote is not an exact substring of {}{hint}",
                source.path.display()
            ),
        )
        .at(origin.column("quote"), citation.quote.as_str()),
    );
}

pub use crate::model::{ClaimStatus, ClaimVerdict};

fn point_of(site: &Site) -> Option<(Point, f64)> {
    site.location
        .map(|l| (Point::new(l.lon, l.lat), l.uncertainty_m))
}

/// One end of a stated distance: where its place may lie.
enum Reach<'a> {
    /// A point and the radius of its circle.
    Circle(Point, f64),
    /// A ring without bearings: an annulus around a centre.
    Annulus {
        centre: Point,
        min_m: f64,
        max_m: f64,
    },
    /// Any other shape (a sector or an area), as polygons.
    Shape(MultiPolygon),
    /// A river or railway: the distance is to its nearest point, `slack` metres looser.
    Line(&'a MultiLineString, f64),
}

fn reach_of<'a>(atlas: &Atlas, site: &'a Site, allow_line: bool) -> Option<Reach<'a>> {
    if allow_line && let Some(line) = &site.line {
        let slack = if line.schematic {
            site.location.map_or(0.0, |l| l.uncertainty_m)
        } else {
            0.0
        };
        return Some(Reach::Line(&line.geometry, slack));
    }
    match &site.extent {
        Extent::Circle => point_of(site).map(|(p, r)| Reach::Circle(p, r)),
        Extent::Ring(r) if r.bearings.is_none() => {
            let centre = atlas.site(&r.from).and_then(Site::point)?;
            Some(Reach::Annulus {
                centre,
                min_m: r.min_m,
                max_m: r.max_m,
            })
        }
        Extent::Ring(r) => Some(Reach::Shape(MultiPolygon::new(vec![r.polygon.clone()]))),
        Extent::Area(a) => Some(Reach::Shape(a.outline.clone())),
    }
}

impl Reach<'_> {
    /// The reach as polygons (circles and annuli drawn as in the layers).
    fn polygons(&self) -> Option<MultiPolygon> {
        match self {
            Self::Circle(p, r) if *r > 0.0 => Some(MultiPolygon::new(vec![geodesy::circle(
                *p,
                *r,
                crate::layers::CIRCLE_VERTICES,
            )])),
            Self::Circle(p, _) => Some(MultiPolygon::new(vec![Polygon::new(
                LineString::new(vec![p.0, p.0, p.0, p.0]),
                vec![],
            )])),
            Self::Annulus {
                centre,
                min_m,
                max_m,
            } => Some(MultiPolygon::new(vec![geodesy::annulus(
                *centre, *min_m, *max_m,
            )])),
            Self::Shape(m) => Some(m.clone()),
            Self::Line(..) => None,
        }
    }
}

/// The vertices of every ring of `m`, without the closing repeats.
fn boundary(m: &MultiPolygon) -> Vec<Vec<Point>> {
    m.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| {
            let mut v: Vec<Point> = r.points().collect();
            if v.len() > 1 && v.first() == v.last() {
                v.pop();
            }
            v
        })
        .collect()
}

/// Shortest geodesic distance from `p` to the rings of `rings`: the nearest vertex, then its two
/// edges densified to find the nearest point along them.
fn distance_to_rings(p: Point, rings: &[Vec<Point>]) -> f64 {
    let mut best = f64::INFINITY;
    for ring in rings.iter().filter(|r| !r.is_empty()) {
        let (j, d) = ring
            .iter()
            .enumerate()
            .map(|(j, v)| (j, geodesy::distance_m(p, *v)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((0, f64::INFINITY));
        best = best.min(d);
        let n = ring.len();
        for k in [(j + n - 1) % n, (j + 1) % n] {
            let edge = LineString::from(vec![ring[j].0, ring[k].0]);
            let len = geodesy::distance_m(ring[j], ring[k]);
            let step = (len / 64.0).max(5.0);
            best = best.min(geodesy::distance_to_line_m_step(
                p,
                &MultiLineString::new(vec![edge]),
                step,
            ));
        }
    }
    best
}

/// Smallest and largest distance between two reaches, **metres**: the range of distances
/// between any point of one and any point of the other (for a line, to its nearest point).
fn distance_range(a: &Reach<'_>, b: &Reach<'_>) -> Option<(f64, f64)> {
    match (a, b) {
        (Reach::Circle(p, r1), Reach::Circle(q, r2)) => Some(geodesy::distance_range_m(
            geodesy::distance_m(*p, *q),
            *r1,
            *r2,
        )),
        (
            Reach::Annulus {
                centre,
                min_m,
                max_m,
            },
            Reach::Circle(p, r),
        )
        | (
            Reach::Circle(p, r),
            Reach::Annulus {
                centre,
                min_m,
                max_m,
            },
        ) => {
            // Distances from a point at `d` from the centre to the annulus, then the circle's slack.
            let d = geodesy::distance_m(*centre, *p);
            let near = (min_m - d).max(d - max_m).max(0.0);
            Some(((near - r).max(0.0), max_m + d + r))
        }
        (Reach::Line(..), Reach::Line(..)) => None,
        (Reach::Circle(p, r), Reach::Line(line, slack))
        | (Reach::Line(line, slack), Reach::Circle(p, r)) => Some(geodesy::distance_range_m(
            geodesy::distance_to_line_m(*p, line),
            *r,
            *slack,
        )),
        (Reach::Line(line, slack), other) | (other, Reach::Line(line, slack)) => {
            let shape = other.polygons()?;
            let dense: Vec<Point> = line
                .0
                .iter()
                .flat_map(|ls| geo::Densify::densify(&geo::Geodesic, ls, 25.0).0)
                .map(Point)
                .collect();
            let to_line = |v: Point| {
                dense
                    .iter()
                    .map(|c| geodesy::distance_m(v, *c))
                    .fold(f64::INFINITY, f64::min)
            };
            let rings = boundary(&shape);
            let vertices = rings.iter().flatten().copied();
            let far = vertices.clone().map(to_line).fold(0.0, f64::max);
            let near = if shape.intersects(*line) {
                0.0
            } else {
                vertices.map(to_line).fold(f64::INFINITY, f64::min)
            };
            Some(((near - slack).max(0.0), far + slack))
        }
        _ => {
            let (sa, sb) = (a.polygons()?, b.polygons()?);
            let (ra, rb) = (boundary(&sa), boundary(&sb));
            let far = ra
                .iter()
                .flatten()
                .flat_map(|p| rb.iter().flatten().map(|q| geodesy::distance_m(*p, *q)))
                .fold(0.0, f64::max);
            let near = if sa.intersects(&sb) {
                0.0
            } else {
                let ab = ra
                    .iter()
                    .flatten()
                    .map(|p| distance_to_rings(*p, &rb))
                    .fold(f64::INFINITY, f64::min);
                let ba = rb
                    .iter()
                    .flatten()
                    .map(|q| distance_to_rings(*q, &ra))
                    .fold(f64::INFINITY, f64::min);
                ab.min(ba)
            };
            Some((near, far))
        }
    }
}

/// Measures `claim` against the places, or `None` when an end is unknown or unlocated.
///
/// The drawn measurement runs between the two sites' points (for a line feature, to the nearest
/// point of its line). The allowed range runs over the places' whole shapes: circles of their
/// radii, rings and sectors, areas, and lines (a schematic line loosened by its site's radius).
/// The statement is contradicted only when no point of one shape lies at the stated distance
/// (± tolerance) from any point of the other; the shapes are connected, so every distance
/// between the smallest and the largest occurs.
#[must_use]
pub fn evaluate_claim(atlas: &Atlas, claim: &Claim) -> Option<ClaimVerdict> {
    let from_site = atlas.site(&claim.from_site)?;
    let to_site = atlas.site(&claim.to_site)?;
    let (from, _) = point_of(from_site)?;
    let to = match &to_site.line {
        Some(line) => geodesy::nearest_on_line(from, &line.geometry)?,
        None => point_of(to_site)?.0,
    };
    let computed_m = geodesy::distance_m(from, to);
    let (min_m, max_m) = distance_range(
        &reach_of(atlas, from_site, false)?,
        &reach_of(atlas, to_site, true)?,
    )?;
    let stated_lo = claim.stated_m - claim.tolerance_m;
    let stated_hi = claim.stated_m + claim.tolerance_m;
    let status = if stated_hi < min_m || stated_lo > max_m {
        ClaimStatus::Contradicted
    } else if claim.by_construction {
        ClaimStatus::ByConstruction
    } else {
        ClaimStatus::Consistent
    };
    Some(ClaimVerdict {
        from,
        to,
        computed_m,
        min_m,
        max_m,
        status,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{AtlasMeta, Basis, Claim, Event, Extent, Location, Ring, Source};

    const TEXT: &str = "They marched 40 kilometres north. The camp was not far away.";

    fn origin(file: &str, line: u64, columns: &[&str]) -> RowOrigin {
        RowOrigin {
            file: file.into(),
            line,
            columns: Arc::new(columns.iter().map(|c| (*c).to_owned()).collect()),
        }
    }

    fn cite(quote: &str) -> Citation {
        Citation {
            source_id: "t".into(),
            char_offset: None,
            quote: quote.into(),
        }
    }

    fn site(id: &str, p: Point, r: f64) -> Site {
        Site {
            id: id.into(),
            name: id.into(),
            names: vec![],
            kind: "camp".into(),
            location: Some(Location {
                lon: p.x(),
                lat: p.y(),
                uncertainty_m: r,
            }),
            basis: Basis::Inferred,
            basis_reason: String::new(),
            coord_ref: "test".into(),
            citation: cite("They marched"),
            alternative_to: None,
            part_of: None,
            when: None,
            wikidata: String::new(),
            geonames: String::new(),
            notes: String::new(),
            line: None,
            extent: Extent::Circle,
            origin: origin("sites.csv", 2, &["id"]),
        }
    }

    /// A site on a ring around `centre` (its point on the ring at the middle bearing).
    fn ring_site(
        id: &str,
        centre: &Site,
        min_m: f64,
        max_m: f64,
        bearings: Option<(f64, f64)>,
    ) -> Site {
        let c = centre.point().unwrap();
        let mid_bearing = bearings.map_or(0.0, |(a, b)| a + geodesy::sector_span_deg(a, b) / 2.0);
        let p = geodesy::destination(c, mid_bearing % 360.0, (min_m + max_m) / 2.0);
        let polygon = match bearings {
            Some((a, b)) => geodesy::annular_sector(c, min_m, max_m, a, b),
            None => geodesy::annulus(c, min_m, max_m),
        };
        let mut s = site(id, p, max_m * 2.0);
        s.extent = Extent::Ring(Ring {
            from: centre.id.clone(),
            min_m,
            max_m,
            bearings,
            polygon,
        });
        s
    }

    fn movement(id: &str, from: &str, to: &str, line: u64) -> Event {
        Event {
            id: id.into(),
            title: id.into(),
            kind: "transfer".into(),
            when: crate::time::parse("1937", None).unwrap(),
            place: Place::Movement {
                from: from.into(),
                to: to.into(),
            },
            people: None,
            people_min: None,
            people_max: None,
            people_text: String::new(),
            mode: String::new(),
            citation: cite("They marched"),
            disputed: String::new(),
            notes: String::new(),
            origin: origin("events.csv", line, &["id", "from_site", "to_site"]),
        }
    }

    fn claim(
        id: &str,
        from: &str,
        to: &str,
        stated_m: f64,
        tolerance_m: f64,
        quote: &str,
    ) -> Claim {
        Claim {
            id: id.into(),
            from_site: from.into(),
            to_site: to.into(),
            stated_m,
            tolerance_m,
            by_construction: false,
            citation: cite(quote),
            notes: String::new(),
            verdict: None,
            origin: origin(
                "claims.csv",
                2,
                &["id", "from_site", "to_site", "stated_m", "quote"],
            ),
        }
    }

    fn atlas(sites: Vec<Site>, events: Vec<Event>, claims: Vec<Claim>) -> Atlas {
        Atlas {
            dir: ".".into(),
            meta: AtlasMeta::default(),
            sources: vec![Source {
                id: "t".into(),
                title: "test".into(),
                author: String::new(),
                published: String::new(),
                url: String::new(),
                licence: String::new(),
                path: "t.txt".into(),
                text: TEXT.into(),
            }],
            sites,
            events,
            claims,
            periods: vec![],
            index: crate::model::AtlasIndex::default(),
        }
    }

    const MINE: Point = Point(geo::Coord {
        x: 64.02472,
        y: 67.50944,
    });

    mod claims_against_shapes {
        use super::*;

        #[test]
        fn a_ring_allows_exactly_its_radii_plus_the_centre_slack() {
            let mine = site("mine", MINE, 500.0);
            let barracks = ring_site("barracks", &mine, 35_000.0, 45_000.0, None);
            let a = atlas(vec![mine, barracks], vec![], vec![]);
            let at = |stated: f64| {
                let c = claim("c", "mine", "barracks", stated, 1_000.0, "40 kilometres");
                evaluate_claim(&a, &c).unwrap()
            };
            let v = at(40_000.0);
            assert_eq!(v.status, ClaimStatus::Consistent);
            assert!((v.min_m - 34_500.0).abs() < 1e-6, "{}", v.min_m);
            assert!((v.max_m - 45_500.0).abs() < 1e-6, "{}", v.max_m);
            // 33 km ± 1 km reaches 34 km: short of 34.5, so no point of the ring allows it.
            assert_eq!(at(33_000.0).status, ClaimStatus::Contradicted);
            assert_eq!(at(33_600.0).status, ClaimStatus::Consistent);
            assert_eq!(at(47_000.0).status, ClaimStatus::Contradicted);
        }

        #[test]
        fn a_point_inside_the_ring_hole_is_measured_to_the_ring() {
            let mine = site("mine", MINE, 0.0);
            let barracks = ring_site("barracks", &mine, 35_000.0, 45_000.0, None);
            // 10 km from the centre: the ring is 25 km away at the nearest, 55 km at the farthest.
            let near = site("near", geodesy::destination(MINE, 90.0, 10_000.0), 0.0);
            let a = atlas(vec![mine, barracks, near], vec![], vec![]);
            let v = evaluate_claim(&a, &claim("c", "near", "barracks", 25_000.0, 10.0, "25 km"))
                .unwrap();
            assert!((v.min_m - 25_000.0).abs() < 1.0, "{}", v.min_m);
            assert!((v.max_m - 55_000.0).abs() < 1.0, "{}", v.max_m);
            assert_eq!(v.status, ClaimStatus::Consistent);
        }

        #[test]
        fn a_sector_is_measured_over_its_whole_shape() {
            let mine = site("mine", MINE, 0.0);
            let north = ring_site("north", &mine, 35_000.0, 45_000.0, Some((340.0, 40.0)));
            // A point 100 km due south of the mine: the sector's nearest points are the inner
            // corners at 340 and 40 degrees (about 128.8 km), its farthest the outer arc's middle.
            let s = geodesy::destination(MINE, 180.0, 100_000.0);
            let south = site("south", s, 0.0);
            let corner = geodesy::distance_m(s, geodesy::destination(MINE, 40.0, 35_000.0));
            let tip = geodesy::distance_m(s, geodesy::destination(MINE, 0.0, 45_000.0));
            let a = atlas(vec![mine, north, south], vec![], vec![]);
            let v = evaluate_claim(
                &a,
                &claim("c", "south", "north", 100_000.0, 1_000.0, "100 km"),
            )
            .unwrap();
            assert!((v.min_m - corner).abs() < 1.0, "{} vs {corner}", v.min_m);
            assert!((v.max_m - tip).abs() < 1.0, "{} vs {tip}", v.max_m);
            assert!((128_000.0..129_500.0).contains(&corner), "{corner}");
            assert_eq!(v.status, ClaimStatus::Contradicted);
            // The circle model (its point, radius 90 km) would have let 100 km pass.
            let v = evaluate_claim(
                &a,
                &claim("c", "south", "north", 140_000.0, 1_000.0, "140 km"),
            )
            .unwrap();
            assert_eq!(v.status, ClaimStatus::Consistent);
        }

        #[test]
        fn an_area_that_holds_the_other_end_allows_zero() {
            let mut system = site("system", MINE, 1_000.0);
            let hull = geodesy::hull_with_margin(
                &[MINE, geodesy::destination(MINE, 90.0, 100_000.0)],
                20_000.0,
            )
            .unwrap();
            system.extent = Extent::Area(crate::model::Area {
                outline: MultiPolygon::new(vec![hull]),
                source: crate::model::AreaSource::Hull {
                    parts: vec![],
                    margin_m: 20_000.0,
                },
            });
            let inside = site("inside", geodesy::destination(MINE, 90.0, 50_000.0), 100.0);
            let far = site("far", geodesy::destination(MINE, 270.0, 200_000.0), 100.0);
            let a = atlas(vec![system, inside, far], vec![], vec![]);
            let v =
                evaluate_claim(&a, &claim("c", "inside", "system", 5_000.0, 0.0, "5 km")).unwrap();
            assert_eq!(v.min_m, 0.0);
            assert_eq!(v.status, ClaimStatus::Consistent);
            let v = evaluate_claim(&a, &claim("c", "far", "system", 5_000.0, 0.0, "5 km")).unwrap();
            // The hull's west edge is 20 km west of the mine: 180 km from `far`, less its radius.
            assert!((v.min_m - 179_900.0).abs() < 200.0, "{}", v.min_m);
            assert_eq!(v.status, ClaimStatus::Contradicted);
        }

        #[test]
        fn the_verdict_is_stored_on_the_claim_and_the_layer_reads_it() {
            let mine = site("mine", MINE, 0.0);
            let barracks = ring_site("barracks", &mine, 35_000.0, 45_000.0, None);
            let mut a = atlas(
                vec![mine, barracks],
                vec![],
                vec![claim(
                    "c",
                    "mine",
                    "barracks",
                    40_000.0,
                    5_000.0,
                    "40 kilometres",
                )],
            );
            run(&mut a);
            let v = a.claims[0].verdict.expect("check stores the verdict");
            assert_eq!(v.status, ClaimStatus::Consistent);
            // The layer shows the stored verdict, not one of its own.
            a.claims[0].verdict = Some(ClaimVerdict {
                status: ClaimStatus::Contradicted,
                ..v
            });
            let layers = crate::layers::build(&a).unwrap();
            let claims = layers.layer("claims").unwrap();
            let f = claims.feature("c").unwrap();
            assert!(crate::layers::is_contradicted(
                claims.value(f, "status").unwrap()
            ));
        }
    }

    /// Every rule of `run`, one test each.
    mod every_rule;

    mod rules {
        use super::*;

        fn messages(a: &mut Atlas) -> Vec<String> {
            run(a).iter().map(ToString::to_string).collect()
        }

        #[test]
        fn a_claim_whose_quote_states_no_distance_is_an_error_at_its_quote() {
            let a_site = site("a", MINE, 0.0);
            let b_site = site("b", geodesy::destination(MINE, 0.0, 1_000.0), 0.0);
            let mut a = atlas(
                vec![a_site, b_site],
                vec![],
                vec![claim(
                    "c",
                    "a",
                    "b",
                    1_000.0,
                    500.0,
                    "The camp was not far away.",
                )],
            );
            let m = messages(&mut a);
            assert!(
                m.iter()
                    .any(|f| f.starts_with("claims.csv:2:5: error")
                        && f.contains("states no distance")),
                "{m:#?}"
            );
            a.claims[0].citation.quote = "They marched 40 kilometres north.".into();
            let m = messages(&mut a);
            assert!(
                !m.iter().any(|f| f.contains("states no distance")),
                "{m:#?}"
            );
        }

        #[test]
        fn an_unknown_kind_is_a_warning_naming_the_nearest_known_kind() {
            let mut typo = site("a", MINE, 0.0);
            typo.kind = "setlement".into();
            typo.origin = origin("sites.csv", 2, &["id", "kind"]);
            let mut own = site("b", geodesy::destination(MINE, 0.0, 1_000.0), 0.0);
            own.kind = "gold_mine".into();
            own.origin = origin("sites.csv", 3, &["id", "kind"]);
            let mut a = atlas(vec![typo, own], vec![], vec![]);
            let m = messages(&mut a);
            assert!(
                m.iter()
                    .any(|f| f.starts_with("sites.csv:3:2: warning") && f.contains("unknown kind")),
                "{m:#?}"
            );
            // Once the atlas defines `gold_mine` in [[kinds]], only the typo is reported.
            let gold = crate::style::Kind {
                id: "gold_mine".into(),
                label: "Gold mine".into(),
                shape: crate::style::Shape::Star,
                fill: "#aa8800".into(),
                size_mm: 3.0,
                label_priority: 80,
                aat: None,
                feature_class: 'S',
            };
            a.meta.vocabulary = crate::style::Vocabulary::new(vec![gold], None);
            let m = messages(&mut a);
            let unknown: Vec<&String> = m.iter().filter(|f| f.contains("unknown kind")).collect();
            assert_eq!(unknown.len(), 1, "{m:#?}");
            assert!(
                unknown[0].starts_with("sites.csv:2:2: warning")
                    && unknown[0].contains("unknown kind (did you mean `settlement`?)")
                    && unknown[0].contains("known kinds: gold_mine, settlement, city"),
                "{}",
                unknown[0]
            );
        }

        #[test]
        fn coinciding_or_nested_ends_of_a_movement_are_warnings() {
            let camp = site("camp", MINE, 5_000.0);
            let twin = site("twin", MINE, 100.0);
            let nearby = site("nearby", geodesy::destination(MINE, 90.0, 2_000.0), 100.0);
            let far = site("far", geodesy::destination(MINE, 90.0, 50_000.0), 100.0);
            let mut a = atlas(
                vec![camp, twin, nearby, far],
                vec![
                    movement("same", "camp", "camp", 2),
                    movement("twins", "camp", "twin", 3),
                    movement("inside", "nearby", "camp", 4),
                    movement("apart", "camp", "far", 5),
                ],
                vec![],
            );
            let m = messages(&mut a);
            let at = |line: u64| {
                m.iter()
                    .filter(|f| f.starts_with(&format!("events.csv:{line}:3: warning")))
                    .count()
            };
            assert_eq!((at(2), at(3), at(4), at(5)), (1, 1, 1, 0), "{m:#?}");
            assert!(m.iter().any(|f| f.contains("starts and ends at `camp`")));
            assert!(
                m.iter()
                    .any(|f| f.contains("inside the other's uncertainty (2.0 km apart)"))
            );
            // And no output draws a zero-length line for them.
            let layers = crate::layers::build(&a).unwrap();
            let t = layers.layer("transfers").unwrap();
            assert!(t.feature("same").unwrap().geometry.is_none());
            assert!(t.feature("twins").unwrap().geometry.is_none());
            assert!(t.feature("inside").unwrap().geometry.is_some());
        }
    }
}
