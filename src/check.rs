//! Rules over a loaded atlas: ids, references, quotes verbatim in their sources, and the
//! distances the account states, measured against the coordinates.

use geo::Point;

use crate::diagnostics::Finding;
use crate::geodesy;
use crate::model::{Atlas, Citation, Claim, Place, RowOrigin, Site};
use crate::quote;
use crate::style;

/// Runs every rule, fills in each citation's character offset, and returns the findings.
pub fn run(atlas: &mut Atlas) -> Vec<Finding> {
    let mut findings = vec![];
    check_ids(atlas, &mut findings);
    check_references(atlas, &mut findings);
    check_quotes(atlas, &mut findings);
    for claim in &atlas.claims {
        if let Some(verdict) = evaluate_claim(atlas, claim)
            && verdict.status == ClaimStatus::Contradicted
        {
            findings.push(
                Finding::warning(
                    &claim.origin.file,
                    Some(claim.origin.line),
                    format!(
                        "the account states {:.1} km (± {:.1}) from `{}` to `{}`, but the coordinates allow only {:.1} to {:.1} km (computed {:.1} km)",
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
        if !site.kind.is_empty() && !style::SITE_KINDS.contains(&site.kind.as_str()) {
            findings.push(
                Finding::warning(
                    &site.origin.file,
                    Some(site.origin.line),
                    format!(
                        "unknown kind: it will get the generic symbol (known kinds: {})",
                        style::SITE_KINDS.join(", ")
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
                    "`{}` is a {} with no line in lines.geojson: it is drawn as a point only",
                    site.id, site.kind
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
                format!("unknown source id (atlas.toml lists: {})", known.join(", ")),
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

/// How a stated distance compares with the coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    /// The stated distance fits within both places' uncertainty.
    Consistent,
    /// Agrees, but only because a point was placed from this statement: proves nothing.
    ByConstruction,
    /// The coordinates cannot be reconciled with the statement.
    Contradicted,
}

impl ClaimStatus {
    /// The word used in outputs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consistent => "consistent",
            Self::ByConstruction => "by construction",
            Self::Contradicted => "contradicted",
        }
    }
}

/// A stated distance measured against the coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimVerdict {
    /// Where the measurement starts.
    pub from: Point,
    /// Where it ends (the nearest point of the line, for a line feature).
    pub to: Point,
    /// Geodesic distance between the two, **metres**.
    pub computed_m: f64,
    /// Smallest distance the uncertainty radii allow, **metres**.
    pub min_m: f64,
    /// Largest distance the uncertainty radii allow, **metres**.
    pub max_m: f64,
    /// The judgement.
    pub status: ClaimStatus,
}

fn point_of(site: &Site) -> Option<(Point, f64)> {
    site.location
        .map(|l| (Point::new(l.lon, l.lat), l.uncertainty_m))
}

/// Measures `claim` against the coordinates, or `None` when an end is unknown or unlocated.
///
/// For a line feature the distance is to the nearest point of its line; a schematic line adds its
/// site's uncertainty radius, a traced one none.
#[must_use]
pub fn evaluate_claim(atlas: &Atlas, claim: &Claim) -> Option<ClaimVerdict> {
    let from_site = atlas.site(&claim.from_site)?;
    let to_site = atlas.site(&claim.to_site)?;
    let (from, from_r) = point_of(from_site)?;
    let (to, to_r) = match &to_site.line {
        Some(line) => {
            let to = geodesy::nearest_on_line(from, &line.geometry)?;
            let r = if line.schematic {
                to_site.location.map_or(0.0, |l| l.uncertainty_m)
            } else {
                0.0
            };
            (to, r)
        }
        None => point_of(to_site)?,
    };
    let computed_m = geodesy::distance_m(from, to);
    let (min_m, max_m) = geodesy::distance_range_m(computed_m, from_r, to_r);
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
