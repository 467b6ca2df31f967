//! Linked Places Format (LPF) v1.2.2 and its delimited form LP-TSV v0.5, for contributions to
//! the [World Historical Gazetteer](https://whgazetteer.org) (WHG).
//!
//! Specs: <https://github.com/LinkedPasts/linked-places-format> (README, v1.2.2 of 2022-09-04)
//! and `tsv_0.5.md` in the same repository. WHG validates each uploaded feature against its
//! JSON Schema `schema_lpf_v1.2.json`; [`problems`] checks the rules of both that we rely on.
//!
//! This writer reads the [`Atlas`], not the layers: a place record needs every name with its
//! language, the location basis, rival identifications, `part_of`, Wikidata/GeoNames ids and
//! the citation with its character offset, which the flat layers do not keep.
//!
//! # One place record per site
//! * `@id`: `base_uri` from `atlas.toml` + the site id (stable across builds). With no
//!   `base_uri`, `urn:gazmap:<atlas id>:<site id>`, which is stable but not dereferenceable.
//! * `properties.title`: the name as the account writes it; for a place the account only
//!   implies (`(implied) …` labels), the first English, else romanised, name from `names`
//!   ([`title`]). Plus `kind`, `basis` and `uncertainty_m` for map popups (WHG ignores them).
//! * `when`: the site's own `when` only (WHG reads it as the time the place existed, which the
//!   span of the events placed there is not); none when the site has none. EDTF dates and
//!   intervals become `{"start":{"in":..},"end":{"in":..}}` with the qualifiers dropped and
//!   turned into `certainty` (`~` less-certain, `?`/`%` uncertain); anything else (seasons,
//!   unspecified digits, open ends) becomes `earliest`/`latest` days.
//! * `names`: the account's form first, cited to the account (source title, character offset,
//!   quote; `@id` = the source URL with a `#:~:text=` fragment), then every other name with its
//!   BCP 47 language tag.
//! * `types`: a Getty AAT concept from WHG's place-type subset where one clearly fits the site
//!   kind (the kind's `aat` in the atlas's kind table, [`crate::style::kinds`]), always with
//!   the atlas's own label in `sourceLabels`.
//! * `geometry`: a `GeometryCollection`; the point carries `certainty` from the location basis
//!   (documented: certain, approximate: less-certain, inferred: uncertain) and the coordinate
//!   reference as its citation (its first URL as `@id`); a river's or railway's line is a second member.
//!   A place of shape `ring` or `area` adds its polygon (the annulus or sector, or the area's
//!   outline) as a further member, `less-certain` (`certain` for a documented outline), whose
//!   citation label gives the stated distances or where the outline comes from; the point then
//!   only stands for the place (labels, WHG's point-based matching).
//!   **Unlocated places** get an *empty* `GeometryCollection`: the spec suggests
//!   `"geometry": null`, but WHG's validator types `geometry` as an object and would reject
//!   null, while an empty collection is valid GeoJSON (RFC 7946 §3.1.8) and valid for WHG.
//!   Their description says the location is unknown and why.
//! * `links`: `closeMatch` to `wd:Q…` and `gn:…` where the row has them.
//! * `relations`: `gvp:broaderPartitive` to the `part_of` site (a camp and its camp system);
//!   `gvp:tgn3000_related_to` with certainty `uncertain` between rival identifications.
//! * `descriptions`: kind, location basis and reason, and the notes, in English.
//!
//! Not written: `ccodes` (WHG computes them from the geometry), `depictions`, `when` on names,
//! types and geometries. Strings are collapsed to one line (WHG matches them against
//! `^(.*)$`). A line geometry means the file is not valid JSON-LD 1.0 (lists of lists), as the
//! spec notes; it is still valid GeoJSON and indexes in WHG.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value as Json, json};

use super::{
    InterchangeError, PlaceWhen, citation_label, citation_reference, one_line, place_when,
    publication_year, url_with_fragment,
};
use crate::model::{AreaSource, Atlas, Basis, Citation, Extent, Site};
use crate::output::{
    JsonSeq, Written, round_coord, write_atomic, write_atomic_with, write_pretty_json,
};
use crate::time::DateRange;

/// The JSON-LD context the v1.2.2 spec points to.
pub const CONTEXT: &str = "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/linkedplaces-context-v1.1.jsonld";

/// The LPF `certainty` of a location basis (`None` for unlocated places).
#[must_use]
pub fn certainty(basis: Basis) -> Option<&'static str> {
    match basis {
        Basis::Documented => Some("certain"),
        Basis::Approximate => Some("less-certain"),
        Basis::Inferred => Some("uncertain"),
        Basis::Unlocated => None,
    }
}

/// The stable URI of a site: `base_uri` + id, or a `urn:gazmap:` URN when the atlas has no
/// `base_uri`.
#[must_use]
pub fn place_uri(atlas: &Atlas, site_id: &str) -> String {
    let base = atlas.meta.base_uri.trim();
    if base.is_empty() {
        format!("urn:gazmap:{}:{site_id}", atlas.meta.id)
    } else if base.ends_with(['/', '#', ':', '=']) {
        format!("{base}{site_id}")
    } else {
        format!("{base}/{site_id}")
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// The first `http(s)://` address in free text such as a coordinate reference, without the
/// punctuation that follows it in prose (a closing bracket stays when the URL opened one).
#[must_use]
pub fn first_url(text: &str) -> Option<&str> {
    let start = text.find("https://").or_else(|| text.find("http://"))?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .unwrap_or(rest.len());
    let mut url = &rest[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '\'']);
        let unbalanced =
            trimmed.ends_with(')') && trimmed.matches('(').count() < trimmed.matches(')').count();
        let next = if unbalanced {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if next == url {
            break;
        }
        url = next;
    }
    Some(url).filter(|u| u.len() > "https://".len())
}

/// True when the site's `name` is a label for a place the account only implies (the data
/// convention `(implied) …`), not a name the account writes.
#[must_use]
pub fn is_implied(site: &Site) -> bool {
    site.name
        .trim_start()
        .get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("(implied)"))
}

/// The record's title: the name as the account writes it; for a place the account only
/// implies, the first English name in `names`, else the first romanised (`-Latn`) one, else
/// the first one, else the label.
#[must_use]
pub fn title(site: &Site) -> String {
    if !is_implied(site) {
        return one_line(&site.name);
    }
    let by = |f: &dyn Fn(&str) -> bool| site.names.iter().find(|n| f(&n.lang));
    by(&|l| l == "en" || l.starts_with("en-"))
        .or_else(|| by(&|l| l.ends_with("-Latn")))
        .or_else(|| site.names.first())
        .map_or_else(|| one_line(&site.name), |n| one_line(&n.text))
}

/// The LPF citation object for a row's citation.
fn citation_json(atlas: &Atlas, c: &Citation) -> Json {
    let source = atlas.source(&c.source_id);
    let mut m = Map::new();
    m.insert("label".into(), citation_label(source, c).into());
    if let Some(year) = source.and_then(publication_year) {
        m.insert("year".into(), year.into());
    }
    if let Some(s) = source.filter(|s| is_url(&s.url)) {
        m.insert("@id".into(), url_with_fragment(&s.url, &c.quote).into());
    }
    Json::Object(m)
}

/// True when `part` is a plain ISO 8601 date of year, month or day precision (`1937`,
/// `1937-03`, `1937-03-05`, `-0500`).
fn is_plain_iso(part: &str) -> bool {
    let body = part.strip_prefix('-').unwrap_or(part);
    let pieces: Vec<&str> = body.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match pieces.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && ("01"..="12").contains(m),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2) && ("01"..="12").contains(m),
        _ => false,
    }
}

/// An EDTF date or interval endpoint without its trailing qualifier, if it is then plain ISO.
fn plain_part(part: &str) -> Option<&str> {
    let p = part.trim().trim_end_matches(['~', '?', '%']);
    is_plain_iso(p).then_some(p)
}

fn edtf_certainty(r: &DateRange) -> Option<&'static str> {
    if r.uncertain {
        Some("uncertain")
    } else if r.approximate {
        Some("less-certain")
    } else {
        None
    }
}

/// The LPF timespan for an EDTF date range.
fn timespan(r: &DateRange) -> Json {
    let text = r.edtf.trim();
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [one] => {
            if let Some(p) = plain_part(one) {
                return json!({ "start": { "in": p } });
            }
        }
        [a, b] => {
            let start = plain_part(a).map_or_else(
                || json!({ "earliest": r.earliest.to_string() }),
                |p| json!({ "in": p }),
            );
            let end = plain_part(b).map_or_else(
                || json!({ "latest": r.latest.to_string() }),
                |p| json!({ "in": p }),
            );
            return json!({ "start": start, "end": end });
        }
        _ => {}
    }
    json!({
        "start": { "earliest": r.earliest.to_string() },
        "end": { "latest": r.latest.to_string() },
    })
}

/// The `when` object of a place, `None` when nothing dates it.
fn when_json(w: &PlaceWhen<'_>) -> Option<Json> {
    let mut m = Map::new();
    match w {
        PlaceWhen::Stated(r) => {
            m.insert("timespans".into(), json!([timespan(r)]));
            m.insert(
                "label".into(),
                format!("as the gazetteer dates it (EDTF {})", one_line(&r.edtf)).into(),
            );
            if let Some(c) = edtf_certainty(r) {
                m.insert("certainty".into(), c.into());
            }
        }
        PlaceWhen::Unknown => return None,
    }
    Some(Json::Object(m))
}

fn names_json(atlas: &Atlas, site: &Site) -> Json {
    let mut first = Map::new();
    first.insert("toponym".into(), one_line(&site.name).into());
    // The account's own form takes the language of an identical entry in `names`, if any.
    if let Some(same) = site.names.iter().find(|n| n.text == site.name) {
        first.insert("lang".into(), same.lang.clone().into());
    }
    first.insert(
        "citations".into(),
        json!([citation_json(atlas, &site.citation)]),
    );
    let mut names = vec![Json::Object(first)];
    for n in site.names.iter().filter(|n| n.text != site.name) {
        names.push(json!({ "toponym": one_line(&n.text), "lang": n.lang }));
    }
    Json::Array(names)
}

fn types_json(atlas: &Atlas, site: &Site) -> Json {
    let label = atlas.kinds().label(&site.kind);
    let own = json!([{ "label": label, "lang": "en" }]);
    match &atlas.kinds().style(&site.kind).aat {
        Some(aat) => json!([{
            "identifier": format!("aat:{}", aat.id),
            "label": aat.term,
            "sourceLabels": own,
        }]),
        None => json!([{ "label": label, "sourceLabels": own }]),
    }
}

fn coord_citation(atlas: &Atlas, site: &Site) -> Vec<Json> {
    let radius = site
        .location
        .filter(|l| l.uncertainty_m > 0.0)
        .map_or_else(String::new, |l| {
            format!(", within {} m", l.uncertainty_m.round())
        });
    let label = one_line(&format!(
        "Coordinates: {}. Basis: {}{radius}: {}",
        if site.coord_ref.is_empty() {
            "not stated"
        } else {
            &site.coord_ref
        },
        site.basis.as_str(),
        site.basis_reason
    ));
    let mut c = Map::new();
    c.insert("label".into(), label.into());
    if let Some(url) = first_url(&site.coord_ref) {
        c.insert("@id".into(), url.into());
    }
    let mut out = vec![Json::Object(c)];
    if site.basis == Basis::Inferred {
        out.push(citation_json(atlas, &site.citation));
    }
    out
}

fn geometry_json(atlas: &Atlas, site: &Site) -> Json {
    let mut members = vec![];
    if let (Some(loc), Some(cert)) = (site.location, certainty(site.basis)) {
        members.push(json!({
            "type": "Point",
            "coordinates": [round_coord(loc.lon), round_coord(loc.lat)],
            "certainty": cert,
            "citations": coord_citation(atlas, site),
        }));
    }
    if let Some(line) = &site.line {
        let coords: Vec<Vec<[f64; 2]>> = line
            .geometry
            .0
            .iter()
            .map(|ls| {
                ls.0.iter()
                    .map(|c| [round_coord(c.x), round_coord(c.y)])
                    .collect()
            })
            .collect();
        let label = one_line(&format!(
            "Line: {}{}",
            line.geometry_ref,
            if line.schematic {
                " (schematic: drawn through documented points)"
            } else {
                ""
            }
        ));
        members.push(json!({
            "type": "MultiLineString",
            "coordinates": coords,
            "certainty": if line.schematic { "less-certain" } else { "certain" },
            "citations": [{ "label": label }],
        }));
    }
    if let Some(member) = shape_member(atlas, site) {
        members.push(member);
    }
    json!({ "type": "GeometryCollection", "geometries": members })
}

/// The ring, sector or area a place lies in, as a polygon member of its geometry: the honest
/// extent, where the point is only representative (for labels).
fn shape_member(atlas: &Atlas, site: &Site) -> Option<Json> {
    let (certainty, label) = match &site.extent {
        Extent::Circle => return None,
        Extent::Ring(r) => {
            let from = atlas
                .site(&r.from)
                .map_or(r.from.as_str(), |s| s.name.as_str());
            let bearings = r.bearings.map_or_else(String::new, |(a, b)| {
                format!(", bearing {a}° to {b}° clockwise from north")
            });
            (
                "less-certain",
                format!(
                    "Ring: {} to {} km from {from}{bearings}: {}",
                    r.min_m / 1000.0,
                    r.max_m / 1000.0,
                    site.basis_reason
                ),
            )
        }
        Extent::Area(a) => (
            match a.source {
                AreaSource::Drawn {
                    documented: true, ..
                } => "certain",
                _ => "less-certain",
            },
            format!("Area: {}", crate::layers::outline_ref(site)),
        ),
    };
    let ring = |r: &geo::LineString| -> Vec<[f64; 2]> {
        r.0.iter()
            .map(|c| [round_coord(c.x), round_coord(c.y)])
            .collect()
    };
    let polygon = |p: &geo::Polygon| -> Vec<Vec<[f64; 2]>> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(ring)
            .collect()
    };
    let (kind, coordinates) = match site.shape(crate::layers::CIRCLE_VERTICES)? {
        geo::Geometry::Polygon(p) => ("Polygon", json!(polygon(&p))),
        geo::Geometry::MultiPolygon(m) => (
            "MultiPolygon",
            json!(m.0.iter().map(polygon).collect::<Vec<_>>()),
        ),
        _ => return None,
    };
    Some(json!({
        "type": kind,
        "coordinates": coordinates,
        "certainty": certainty,
        "citations": [{ "label": one_line(&label) }],
    }))
}

fn links_json(site: &Site) -> Json {
    let mut links = vec![];
    let wd = site.wikidata.trim();
    if !wd.is_empty() {
        links.push(json!({ "type": "closeMatch", "identifier": format!("wd:{wd}") }));
    }
    let gn = site.geonames.trim();
    if !gn.is_empty() {
        links.push(json!({ "type": "closeMatch", "identifier": format!("gn:{gn}") }));
    }
    Json::Array(links)
}

fn relations_json(atlas: &Atlas, site: &Site) -> Json {
    let title = |id: &str| atlas.site(id).map_or(id.to_owned(), |s| one_line(&s.name));
    let mut rels = vec![];
    if let Some(parent) = &site.part_of {
        rels.push(json!({
            "relationType": "gvp:broaderPartitive",
            "relationTo": place_uri(atlas, parent),
            "label": format!("part of {}", title(parent)),
        }));
    }
    if let Some(rival) = &site.alternative_to {
        rels.push(json!({
            "relationType": "gvp:tgn3000_related_to",
            "relationTo": place_uri(atlas, rival),
            "label": format!(
                "rival identification of the same place as {}: at most one of the two is right",
                title(rival)
            ),
            "certainty": "uncertain",
        }));
    }
    Json::Array(rels)
}

fn description(atlas: &Atlas, site: &Site) -> String {
    let source = atlas
        .source(&site.citation.source_id)
        .map_or(site.citation.source_id.as_str(), |s| s.title.as_str());
    let location = match site.location {
        None => format!("Location unknown: {}", site.basis_reason),
        Some(l) => format!(
            "Location {}{}: {}",
            site.basis.as_str(),
            if l.uncertainty_m > 0.0 {
                format!(", within {} m", l.uncertainty_m.round())
            } else {
                String::new()
            },
            site.basis_reason
        ),
    };
    let mut text = format!(
        "{} named in {source}. {location}",
        atlas.kinds().label(&site.kind)
    );
    if !site.notes.trim().is_empty() {
        text = format!("{text} Notes: {}", site.notes);
    }
    one_line(&text)
}

/// The LPF record of one site.
#[must_use]
pub fn feature(atlas: &Atlas, site: &Site) -> Json {
    let mut properties = Map::new();
    properties.insert("title".into(), title(site).into());
    properties.insert("kind".into(), site.kind.clone().into());
    properties.insert("basis".into(), site.basis.as_str().into());
    if let Some(l) = site.location {
        properties.insert("uncertainty_m".into(), l.uncertainty_m.into());
    }
    let mut f = Map::new();
    f.insert("@id".into(), place_uri(atlas, &site.id).into());
    f.insert("type".into(), "Feature".into());
    f.insert("properties".into(), Json::Object(properties));
    if let Some(when) = when_json(&place_when(atlas, site)) {
        f.insert("when".into(), when);
    }
    f.insert("names".into(), names_json(atlas, site));
    f.insert("types".into(), types_json(atlas, site));
    f.insert("geometry".into(), geometry_json(atlas, site));
    for (key, value) in [
        ("links", links_json(site)),
        ("relations", relations_json(atlas, site)),
    ] {
        if value.as_array().is_some_and(|a| !a.is_empty()) {
            f.insert(key.into(), value);
        }
    }
    f.insert(
        "descriptions".into(),
        json!([{ "value": description(atlas, site), "lang": "en" }]),
    );
    Json::Object(f)
}

/// The whole atlas as an LPF FeatureCollection (members `type`, `@context`, `features`, in the
/// order WHG's upload check expects), places sorted by id.
#[must_use]
pub fn to_json(atlas: &Atlas) -> Json {
    let mut sites: Vec<&Site> = atlas.sites.iter().collect();
    sites.sort_by(|a, b| a.id.cmp(&b.id));
    json!({
        "type": "FeatureCollection",
        "@context": CONTEXT,
        "features": sites.iter().map(|s| feature(atlas, s)).collect::<Vec<_>>(),
    })
}

/// The file name of the LPF output: `<atlas id>.lpf.json`.
#[must_use]
pub fn file_name(atlas: &Atlas) -> String {
    format!("{}.lpf.json", atlas.meta.id)
}

/// The file name of the LP-TSV output: `<atlas id>.lp.tsv`.
#[must_use]
pub fn tsv_file_name(atlas: &Atlas) -> String {
    format!("{}.lp.tsv", atlas.meta.id)
}

/// Writes `dir/<atlas id>.lpf.json` (pretty-printed, two-space indent).
///
/// # Errors
/// [`InterchangeError`] when the file cannot be encoded or written.
pub fn write(atlas: &Atlas, dir: &Path) -> Result<Written, InterchangeError> {
    let path = dir.join(file_name(atlas));
    write_atomic_with(&path, |w| write_pretty_json(w, &Streamed(atlas)))
        .map_err(InterchangeError::io(&path))
}

/// [`to_json`] serialised one place at a time (the same bytes, never the whole document).
struct Streamed<'a>(&'a Atlas);

impl serde::Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let atlas = self.0;
        let mut sites: Vec<&Site> = atlas.sites.iter().collect();
        sites.sort_by(|a, b| a.id.cmp(&b.id));
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("type", "FeatureCollection")?;
        map.serialize_entry("@context", CONTEXT)?;
        map.serialize_entry(
            "features",
            &JsonSeq(|| sites.iter().map(|s| feature(atlas, s))),
        )?;
        map.end()
    }
}

/// Feature members WHG's validator allows (`additionalProperties: false`).
const FEATURE_KEYS: &[&str] = &[
    "@id",
    "type",
    "properties",
    "when",
    "names",
    "types",
    "geometry",
    "links",
    "relations",
    "descriptions",
    "depictions",
];
/// Name members WHG's validator allows.
const NAME_KEYS: &[&str] = &["toponym", "ethnonym", "lang", "when", "citations"];
const CERTAINTIES: &[&str] = &["certain", "less-certain", "uncertain"];

/// Checks an LPF document against the rules of the v1.2.2 spec and WHG's `schema_lpf_v1.2`
/// that a contribution must meet, and returns every problem found (empty: none).
///
/// Checked: top-level members exactly `type`, `@context`, `features`; per feature: `@id` is a
/// unique absolute URI, `type` is `Feature`, only allowed members, `properties.title` is a
/// non-empty single line, at least one name and one name with a labelled citation, names have
/// a `toponym` and only allowed members, `when` has at least one timespan whose `start` (and
/// `end`) hold one of `in`/`earliest`/`latest`, `geometry` is an object (a
/// `GeometryCollection` whose members carry a valid `certainty`), relations have
/// `relationType`, `relationTo` and `label`, and no string holds a line break.
#[must_use]
pub fn problems(doc: &Json) -> Vec<String> {
    let mut out = vec![];
    let keys: Vec<&str> = doc
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if keys != ["type", "@context", "features"] {
        out.push(format!(
            "top-level members must be type, @context, features; found {keys:?}"
        ));
    }
    if doc["type"] != "FeatureCollection" {
        out.push("type must be FeatureCollection".into());
    }
    if !doc["@context"].is_string() {
        out.push("@context must be a URL".into());
    }
    let Some(features) = doc["features"].as_array() else {
        out.push("features must be an array".into());
        return out;
    };
    if features.is_empty() {
        out.push("features is empty".into());
    }
    let mut ids = BTreeSet::new();
    for (i, f) in features.iter().enumerate() {
        let id = f["@id"].as_str().unwrap_or("");
        let at = format!("feature {i} ({id})");
        feature_problems(f, &at, &mut out);
        if !id.is_empty() && !ids.insert(id.to_owned()) {
            out.push(format!("{at}: duplicate @id"));
        }
    }
    out
}

fn when_problems(w: &Json, at: &str, out: &mut Vec<String>) {
    let spans = w["timespans"].as_array().map_or(&[][..], Vec::as_slice);
    if spans.is_empty() {
        out.push(format!("{at}: when has no timespans"));
    }
    for ts in spans {
        for (end, required) in [("start", true), ("end", false)] {
            let point = &ts[end];
            if point.is_null() && !required {
                continue;
            }
            let ok = point.as_object().is_some_and(|o| {
                o.len() == 1
                    && o.iter().all(|(k, v)| {
                        ["in", "earliest", "latest"].contains(&k.as_str())
                            && v.as_str().is_some_and(|s| s.len() >= 4)
                    })
            });
            if !ok {
                out.push(format!(
                    "{at}: timespan {end} must hold one of in/earliest/latest, found {point}"
                ));
            }
        }
    }
    if let Some(c) = w.get("certainty")
        && !c.as_str().is_some_and(|c| CERTAINTIES.contains(&c))
    {
        out.push(format!(
            "{at}: when certainty {c} is not one of {CERTAINTIES:?}"
        ));
    }
}

fn feature_problems(f: &Json, at: &str, out: &mut Vec<String>) {
    let Some(obj) = f.as_object() else {
        out.push(format!("{at}: not an object"));
        return;
    };
    for k in obj.keys().filter(|k| !FEATURE_KEYS.contains(&k.as_str())) {
        out.push(format!("{at}: member `{k}` is not allowed"));
    }
    let id = f["@id"].as_str().unwrap_or("");
    if !id.contains(':') || id.contains(char::is_whitespace) {
        out.push(format!("{at}: @id must be an absolute URI"));
    }
    if f["type"] != "Feature" {
        out.push(format!("{at}: type must be Feature"));
    }
    if f["properties"]["title"]
        .as_str()
        .is_none_or(|t| t.trim().is_empty())
    {
        out.push(format!("{at}: properties.title is missing"));
    }
    // `when` is optional: a place the gazetteer does not date carries none.
    if f.get("when").is_some() {
        when_problems(&f["when"], at, out);
    }
    let names = f["names"].as_array().map_or(&[][..], Vec::as_slice);
    if names.is_empty() {
        out.push(format!("{at}: names is empty"));
    }
    for n in names {
        if n["toponym"].as_str().is_none_or(|t| t.trim().is_empty()) {
            out.push(format!("{at}: a name has no toponym"));
        }
        if let Some(o) = n.as_object() {
            for k in o.keys().filter(|k| !NAME_KEYS.contains(&k.as_str())) {
                out.push(format!("{at}: name member `{k}` is not allowed"));
            }
        }
    }
    let cited = names.iter().any(|n| {
        n["citations"].as_array().is_some_and(|c| {
            c.iter()
                .any(|c| c["label"].as_str().is_some_and(|l| !l.is_empty()))
        })
    });
    if !cited {
        out.push(format!("{at}: no name has a citation"));
    }
    match f["geometry"].as_object() {
        None => out.push(format!("{at}: geometry must be an object")),
        Some(g) => {
            let members: Vec<&Json> =
                if g.get("type").and_then(Json::as_str) == Some("GeometryCollection") {
                    g.get("geometries")
                        .and_then(Json::as_array)
                        .map(|a| a.iter().collect())
                        .unwrap_or_default()
                } else {
                    vec![&f["geometry"]]
                };
            for m in members {
                if !m["certainty"]
                    .as_str()
                    .is_some_and(|c| CERTAINTIES.contains(&c))
                {
                    out.push(format!("{at}: a geometry has no valid certainty"));
                }
                if m["coordinates"].as_array().is_none_or(Vec::is_empty) {
                    out.push(format!("{at}: a geometry has no coordinates"));
                }
            }
        }
    }
    for r in f["relations"].as_array().map_or(&[][..], Vec::as_slice) {
        for k in ["relationType", "relationTo", "label"] {
            if r[k].as_str().is_none_or(str::is_empty) {
                out.push(format!("{at}: a relation has no {k}"));
            }
        }
    }
    let mut strings = vec![];
    collect_strings(f, &mut strings);
    if strings.iter().any(|s| s.contains(['\n', '\r'])) {
        out.push(format!("{at}: a string holds a line break"));
    }
}

fn collect_strings<'a>(v: &'a Json, out: &mut Vec<&'a str>) {
    match v {
        Json::String(s) => out.push(s),
        Json::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Json::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// LP-TSV v0.5 columns, in the order written.
pub const TSV_COLUMNS: &[&str] = &[
    "id",
    "title",
    "title_source",
    "title_uri",
    "fclasses",
    "aat_types",
    "types",
    "attestation_year",
    "start",
    "end",
    "variants",
    "matches",
    "parent_name",
    "parent_id",
    "lon",
    "lat",
    "geowkt",
    "geo_source",
    "geo_id",
    "approximation",
    "description",
];

/// A TSV cell: one line, no tabs, nothing to quote.
fn cell(s: &str) -> String {
    one_line(s)
}

/// `start` and `end` of the LP-TSV row (ISO 8601, reduced precision allowed).
fn tsv_dates(w: &PlaceWhen<'_>) -> (String, String) {
    let range = match w {
        PlaceWhen::Stated(r) => r,
        PlaceWhen::Unknown => return (String::new(), String::new()),
    };
    let parts: Vec<&str> = range.edtf.split('/').collect();
    let (a, b) = match parts.as_slice() {
        [one] => (plain_part(one), plain_part(one)),
        [a, b] => (plain_part(a), plain_part(b)),
        _ => (None, None),
    };
    (
        a.map_or_else(|| range.earliest.to_string(), str::to_owned),
        b.map_or_else(|| range.latest.to_string(), str::to_owned),
    )
}

fn wkt_multilinestring(line: &geo::MultiLineString) -> String {
    let parts: Vec<String> = line
        .0
        .iter()
        .map(|ls| {
            let pts: Vec<String> =
                ls.0.iter()
                    .map(|c| format!("{} {}", round_coord(c.x), round_coord(c.y)))
                    .collect();
            format!("({})", pts.join(", "))
        })
        .collect();
    format!("MULTILINESTRING ({})", parts.join(", "))
}

/// One LP-TSV row per site, in [`TSV_COLUMNS`] order.
fn tsv_row(atlas: &Atlas, site: &Site) -> Vec<String> {
    let source = atlas.source(&site.citation.source_id);
    let title = title(site);
    let title_source = if is_implied(site) && !site.coord_ref.trim().is_empty() {
        // The account does not write the title; the reference that identifies the place does.
        site.coord_ref.clone()
    } else {
        citation_reference(source, &site.citation)
    };
    let (start, end) = tsv_dates(&place_when(atlas, site));
    let variants: Vec<String> = site
        .names
        .iter()
        .map(|n| format!("{}@{}", cell(&n.text).replace(';', ","), n.lang))
        .collect();
    let mut matches = vec![];
    if !site.wikidata.trim().is_empty() {
        matches.push(format!("wd:{}", site.wikidata.trim()));
    }
    if !site.geonames.trim().is_empty() {
        matches.push(format!("gn:{}", site.geonames.trim()));
    }
    let parent = site.part_of.as_deref();
    let num = |x: f64| format!("{}", round_coord(x));
    vec![
        site.id.clone(),
        title.clone(),
        cell(&title_source),
        source
            .filter(|s| is_url(&s.url))
            .map_or_else(String::new, |s| s.url.clone()),
        atlas.kinds().style(&site.kind).feature_class.to_string(),
        atlas
            .kinds()
            .style(&site.kind)
            .aat
            .as_ref()
            .map_or_else(String::new, |a| a.id.clone()),
        cell(atlas.kinds().label(&site.kind)),
        source
            .and_then(publication_year)
            .map_or_else(String::new, |y| y.to_string()),
        start,
        end,
        variants.join(";"),
        matches.join(";"),
        parent
            .and_then(|p| atlas.site(p))
            .map_or_else(String::new, |p| cell(&p.name)),
        parent.map_or_else(String::new, |p| place_uri(atlas, p)),
        site.location.map_or_else(String::new, |l| num(l.lon)),
        site.location.map_or_else(String::new, |l| num(l.lat)),
        site.line
            .as_ref()
            .map_or_else(String::new, |l| wkt_multilinestring(&l.geometry)),
        cell(&site.coord_ref),
        first_url(&site.coord_ref).map_or_else(String::new, str::to_owned),
        site.location
            .filter(|l| l.uncertainty_m > 0.0)
            .map_or_else(String::new, |l| {
                format!("{}", l.uncertainty_m.round() / 1000.0)
            }),
        description(atlas, site),
    ]
}

/// The atlas as LP-TSV v0.5: a header row and one tab-separated row per site (sorted by id),
/// UTF-8, no quoting (cells never hold tabs or line breaks), `\n` line ends.
#[must_use]
pub fn to_tsv(atlas: &Atlas) -> String {
    let mut sites: Vec<&Site> = atlas.sites.iter().collect();
    sites.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = TSV_COLUMNS.join("\t");
    out.push('\n');
    for site in sites {
        out.push_str(&tsv_row(atlas, site).join("\t"));
        out.push('\n');
    }
    out
}

/// Writes `dir/<atlas id>.lp.tsv`.
///
/// # Errors
/// [`InterchangeError::Io`] when the file cannot be written.
pub fn write_tsv(atlas: &Atlas, dir: &Path) -> Result<Written, InterchangeError> {
    let path = dir.join(tsv_file_name(atlas));
    write_atomic(&path, to_tsv(atlas).as_bytes()).map_err(InterchangeError::io(&path))
}

#[cfg(test)]
mod tests;
