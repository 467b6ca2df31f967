//! One test per rule of `check::run`, on atlases built in memory, asserting the finding's
//! location, severity and wording, and that a correct row draws no finding.

use super::*;

fn findings(a: &mut Atlas) -> Vec<String> {
    run(a).iter().map(ToString::to_string).collect()
}

/// The findings that start with `prefix` (`file:line:col: severity`).
fn at<'a>(m: &'a [String], prefix: &str) -> Vec<&'a String> {
    m.iter().filter(|f| f.starts_with(prefix)).collect()
}

fn event_at(id: &str, site: &str, line: u64) -> Event {
    Event {
        place: Place::At(Some(site.into())),
        origin: origin("events.csv", line, &["id", "site"]),
        ..movement(id, "", "", line)
    }
}

fn two_sites() -> Vec<Site> {
    let mut b = site("b", geodesy::destination(MINE, 0.0, 40_000.0), 100.0);
    b.origin = origin("sites.csv", 3, &["id"]);
    let mut a = site("a", MINE, 100.0);
    // A built-in kind, so no finding is about kinds.
    for s in [&mut a, &mut b] {
        s.kind = "settlement".into();
    }
    vec![a, b]
}

#[test]
fn a_clean_atlas_draws_no_finding_and_gets_its_character_offsets() {
    let mut a = atlas(two_sites(), vec![movement("m", "a", "b", 2)], vec![]);
    a.events[0].citation = cite("40 kilometres");
    assert_eq!(findings(&mut a), Vec::<String>::new());
    assert_eq!(a.sites[0].citation.char_offset, Some(0));
    assert_eq!(a.events[0].citation.char_offset, Some(13));
}

#[test]
fn a_duplicate_id_is_an_error_at_the_second_row_naming_the_first() {
    let mut sites = two_sites();
    sites[1].id = "a".into();
    let mut a = atlas(
        sites,
        vec![event_at("e", "a", 2), event_at("e", "a", 7)],
        vec![],
    );
    let m = findings(&mut a);
    assert_eq!(
        at(&m, "sites.csv:3:1: error"),
        ["sites.csv:3:1: error: column `id`: value `a`: duplicate site id (first used on line 2)"]
    );
    assert_eq!(at(&m, "events.csv:7:1: error").len(), 1, "{m:#?}");
    assert!(
        m[..].iter().all(|f| !f.starts_with("events.csv:2:")),
        "{m:#?}"
    );
}

#[test]
fn an_unknown_site_id_is_an_error_in_its_column_with_the_nearest_id() {
    let mut sites = two_sites();
    sites[0].id = "vorkuta_mine".into();
    let mut m = movement("m", "vorkuta_mien", "b", 2);
    m.citation = cite("40 kilometres");
    let mut a = atlas(sites, vec![m, event_at("e", "nowhere", 3)], vec![]);
    let f = findings(&mut a);
    assert_eq!(
        at(&f, "events.csv:2:2: error"),
        [
            "events.csv:2:2: error: column `from_site`: value `vorkuta_mien`: unknown site id (did you mean `vorkuta_mine`?)"
        ]
    );
    assert_eq!(
        at(&f, "events.csv:3:2: error"),
        ["events.csv:3:2: error: column `site`: value `nowhere`: unknown site id"]
    );
    // Claims are checked the same way, in both columns.
    let mut a = atlas(
        two_sites(),
        vec![],
        vec![claim("c", "a", "z", 40_000.0, 1_000.0, "40 kilometres")],
    );
    let f = findings(&mut a);
    assert_eq!(at(&f, "claims.csv:2:3: error").len(), 1, "{f:#?}");
}

#[test]
fn rival_identifications_must_name_each_other_and_exist() {
    let mut sites = two_sites();
    sites[0].alternative_to = Some("b".into());
    sites[0].origin = origin("sites.csv", 2, &["id", "alternative_to"]);
    let mut a = atlas(sites, vec![], vec![]);
    let f = findings(&mut a);
    assert_eq!(
        at(&f, "sites.csv:2:2: warning"),
        [
            "sites.csv:2:2: warning: column `alternative_to`: value `b`: rival identifications should name each other: `b` does not name `a`"
        ]
    );
    a.sites[1].alternative_to = Some("a".into());
    assert_eq!(findings(&mut a), Vec::<String>::new());
    a.sites[0].alternative_to = Some("c".into());
    let f = findings(&mut a);
    assert!(
        at(&f, "sites.csv:2:2: error")[0].ends_with("value `c`: unknown site id"),
        "{f:#?}"
    );
}

#[test]
fn an_unknown_parent_is_an_error() {
    let mut sites = two_sites();
    sites[1].part_of = Some("aa".into());
    sites[1].origin = origin("sites.csv", 3, &["id", "part_of"]);
    let mut a = atlas(sites, vec![], vec![]);
    let f = findings(&mut a);
    assert_eq!(
        f,
        ["sites.csv:3:2: error: column `part_of`: value `aa`: unknown site id"]
    );
    a.sites[1].part_of = Some("a".into());
    assert_eq!(findings(&mut a), Vec::<String>::new());
}

#[test]
fn a_river_without_a_line_is_a_warning_saying_how_it_is_drawn() {
    let mut sites = two_sites();
    sites[1].kind = "river".into();
    let mut a = atlas(sites, vec![], vec![]);
    let f = findings(&mut a);
    assert_eq!(
        f,
        [
            "sites.csv:3: warning: `b` is a river with no line in lines.geojson: it is drawn as a point only"
        ]
    );
    a.sites[1].line = Some(crate::model::SiteLine {
        geometry: geo::MultiLineString::new(vec![geo::LineString::from(vec![
            (64.0, 67.0),
            (64.1, 67.1),
        ])]),
        schematic: true,
        geometry_ref: "test".into(),
    });
    assert_eq!(findings(&mut a), Vec::<String>::new());
}

#[test]
fn a_movement_from_an_unlocated_place_is_a_warning_at_that_end() {
    let mut sites = two_sites();
    sites[0].location = None;
    let mut m = movement("m", "a", "b", 4);
    m.citation = cite("40 kilometres");
    let mut a = atlas(sites, vec![m], vec![]);
    let f = findings(&mut a);
    assert_eq!(
        f,
        [
            "events.csv:4:2: warning: column `from_site`: value `a`: this end is an unlocated site: the movement has no line on the map"
        ]
    );
}

#[test]
fn quotes_are_checked_against_their_source() {
    let mut a = atlas(two_sites(), vec![], vec![]);
    a.sites[0].origin = origin("sites.csv", 2, &["id", "source", "quote"]);
    // An unknown source names the known ones.
    a.sites[0].citation.source_id = "tt".into();
    let f = findings(&mut a);
    assert_eq!(
        f,
        [
            "sites.csv:2:2: error: column `source`: value `tt`: unknown source id (atlas.toml lists: t)"
        ]
    );
    // Whitespace and case only: explained as typography, with the fix offered.
    a.sites[0].citation = cite("they marched\n40 kilometres");
    let f = findings(&mut a);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].starts_with("sites.csv:2:3: error"), "{}", f[0]);
    assert!(f[0].contains("apart from typography"), "{}", f[0]);
    assert!(f[0].contains("--fix-quotes"), "{}", f[0]);
    // A real misquote gets the nearest passage.
    a.sites[0].citation = cite("They marched 45 kilometres north");
    let f = findings(&mut a);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].contains("quote is not an exact substring of t.txt; nearest match at character 0 (1 edit(s) away): `They marched 40 kilometres north`"),
        "{}",
        f[0]
    );
    assert_eq!(a.sites[0].citation.char_offset, None);
}

#[test]
fn a_quote_found_twice_is_a_warning_and_the_first_is_cited() {
    let mut a = atlas(two_sites(), vec![], vec![]);
    a.sites[0].origin = origin("sites.csv", 2, &["id", "source", "quote"]);
    a.sites[0].citation = cite("ar");
    let f = findings(&mut a);
    assert_eq!(
        f,
        [
            "sites.csv:2:3: warning: column `quote`: value `ar`: the quote occurs 2 times in t.txt; the first, at character 6, is cited (quote more words to make it unique)"
        ]
    );
    assert_eq!(a.sites[0].citation.char_offset, Some(6));
}

#[test]
fn a_contradicted_claim_is_a_warning_at_its_stated_distance() {
    let mut a = atlas(
        two_sites(),
        vec![],
        vec![claim("c", "a", "b", 10_000.0, 1_000.0, "40 kilometres")],
    );
    let f = findings(&mut a);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].starts_with("claims.csv:2:4: warning: column `stated_m`: value `10000`: the account states 10.0 km (± 1.0) from `a` to `b`, but the places' shapes allow only 39.8 to 40.2 km (computed 40.0 km between their points)"),
        "{}",
        f[0]
    );
    assert_eq!(
        a.claims[0].verdict.map(|v| v.status),
        Some(ClaimStatus::Contradicted)
    );
    a.claims[0].stated_m = 40_000.0;
    assert_eq!(findings(&mut a), Vec::<String>::new());
}
