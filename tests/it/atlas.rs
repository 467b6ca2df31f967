//! The atlas core on real data: counts, distances, quotes, the GeoJSON layers and the tables.

use std::path::Path;

use approx::assert_abs_diff_eq;
use geo::{Orient, Point, orient::Direction};

use crate::util;

fn read_fc(path: &Path) -> geojson::FeatureCollection {
    let text = std::fs::read_to_string(path).unwrap();
    text.parse().unwrap()
}

#[test]
fn vorkuta_counts() {
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let a = &checked.atlas;
    assert_eq!(
        a.sites.len(),
        crate::atlas_expect::SITES,
        "sites in data/vorkuta/sites.csv"
    );
    assert_eq!(
        a.events.len(),
        crate::atlas_expect::EVENTS,
        "events in data/vorkuta/events.csv"
    );
    assert_eq!(
        a.events.iter().filter(|e| e.is_movement()).count(),
        crate::atlas_expect::MOVEMENTS
    );
    // Three distances the account states in numbers (issue 10 removed an implied one).
    assert_eq!(a.claims.len(), 3, "the account states three distances");
}

#[test]
fn every_quote_is_verbatim_at_its_offset() {
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let a = &checked.atlas;
    let source = &a.sources[0];
    let chars: Vec<char> = source.text.chars().collect();
    let citations = a
        .sites
        .iter()
        .map(|s| &s.citation)
        .chain(a.events.iter().map(|e| &e.citation))
        .chain(a.claims.iter().map(|c| &c.citation));
    let mut n = 0;
    for c in citations {
        let offset = c.char_offset.expect("every citation is resolved");
        let at: String = chars[offset..offset + c.quote.chars().count()]
            .iter()
            .collect();
        assert_eq!(at, c.quote);
        n += 1;
    }
    assert_eq!(n, a.sites.len() + a.events.len() + a.claims.len());
}

#[test]
fn geodesic_distance_chibyu_to_rudnik_matches_geographiclib() {
    let checked = gazmap::open(&util::vorkuta()).unwrap();
    let a = checked.atlas.site("chibyu").unwrap().location.unwrap();
    let b = checked
        .atlas
        .site("vorkuta_mine")
        .unwrap()
        .location
        .unwrap();
    let d = gazmap::geodesy::distance_m(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat));
    // GeographicLib 2.0 (Python) Geodesic.WGS84.Inverse on the coordinates in sites.csv.
    assert_abs_diff_eq!(d, crate::atlas_expect::CHIBYU_RUDNIK_M, epsilon = 1.0);
}

#[test]
fn geojson_layers_are_rfc7946() {
    let out = util::vorkuta_build();
    for name in [
        "sites",
        "uncertainty",
        "events",
        "transfers",
        "claims",
        "lines",
    ] {
        let path = out.join(format!("{name}.geojson"));
        let text = std::fs::read_to_string(&path).unwrap();
        let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            raw.get("crs").is_none(),
            "{name}: RFC 7946 has no crs member"
        );
        let bbox = raw["bbox"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has a bbox"));
        assert_eq!(bbox.len(), 4);
        let fc = read_fc(&path);
        for f in &fc.features {
            let props = f.properties.as_ref().unwrap();
            for key in ["id", "citation", "quote", "source", "char_offset"] {
                assert!(
                    props.contains_key(key),
                    "{name}: feature {:?} lacks {key}",
                    f.id
                );
            }
            assert!(!props["quote"].as_str().unwrap().is_empty());
            if let Some(g) = &f.geometry {
                let geom: geo::Geometry = g.value.clone().try_into().unwrap();
                check_coords(&geom, name);
                if let geo::Geometry::Polygon(p) = &geom {
                    assert_eq!(
                        p.clone().orient(Direction::Default),
                        *p,
                        "{name}: rings counter-clockwise"
                    );
                    assert_eq!(
                        p.exterior().0.first(),
                        p.exterior().0.last(),
                        "{name}: closed rings"
                    );
                }
            }
        }
    }
}

fn check_coords(g: &geo::Geometry, layer: &str) {
    use geo::CoordsIter;
    for c in g.coords_iter() {
        assert!(
            (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y),
            "{layer}: lon/lat order"
        );
        for v in [c.x, c.y] {
            let scaled = v * 1e6;
            assert!(
                (scaled - scaled.round()).abs() < 1e-6,
                "{layer}: {v} is rounded to 6 decimals"
            );
        }
    }
}

#[test]
fn dates_are_full_days_for_qgis() {
    let out = util::vorkuta_build();
    for name in ["events", "transfers"] {
        let fc = read_fc(&out.join(format!("{name}.geojson")));
        assert!(!fc.features.is_empty());
        for f in &fc.features {
            let p = f.properties.as_ref().unwrap();
            for key in ["start", "end"] {
                let v = p[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name} {:?}: {key} is a string", f.id));
                assert!(
                    v.parse::<jiff::civil::Date>().is_ok() && v.len() == 10,
                    "{name}: {key} = {v}"
                );
            }
            assert!(p["start"].as_str() <= p["end"].as_str());
            assert!(!p["when"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn uncertainty_circles_have_the_stated_radius() {
    let out = util::vorkuta_build();
    let sites = read_fc(&out.join("sites.geojson"));
    let circles = read_fc(&out.join("uncertainty.geojson"));
    let with_radius = sites
        .features
        .iter()
        .filter(|f| {
            f.geometry.is_some()
                && f.properties.as_ref().unwrap()["uncertainty_m"]
                    .as_f64()
                    .unwrap()
                    > 0.0
        })
        .count();
    assert_eq!(circles.features.len(), with_radius);
    let mine = circles
        .features
        .iter()
        .find(|f| f.id == Some(geojson::feature::Id::String("vorkuta_mine".into())))
        .unwrap();
    let r = mine.properties.as_ref().unwrap()["uncertainty_m"]
        .as_f64()
        .unwrap();
    let site = sites.features.iter().find(|f| f.id == mine.id).unwrap();
    let centre: geo::Point = site.geometry.clone().unwrap().value.try_into().unwrap();
    let poly: geo::Polygon = mine.geometry.clone().unwrap().value.try_into().unwrap();
    for v in poly.exterior().points() {
        // Rounding to 1e-6 degrees moves a vertex by at most ~0.1 m.
        assert_abs_diff_eq!(gazmap::geodesy::distance_m(centre, v), r, epsilon = 0.2);
    }
}

#[test]
fn transfers_carry_geodesic_distance() {
    let out = util::vorkuta_build();
    let fc = read_fc(&out.join("transfers.geojson"));
    let to_syr = fc
        .features
        .iter()
        .find(|f| {
            let p = f.properties.as_ref().unwrap();
            p["from_site"] == "vorkuta_mine" && p["to_site"] == "syr_yaga_barracks"
        })
        .expect("a transfer from the mine to Syr-Yaga");
    let km = to_syr.properties.as_ref().unwrap()["distance_km"]
        .as_f64()
        .unwrap();
    assert!(
        (30.0..=50.0).contains(&km),
        "the account says 40 km; the data says {km}"
    );
    let line: geo::MultiLineString = to_syr.geometry.clone().unwrap().value.try_into().unwrap();
    assert!(
        line.0[0].0.len() > 2,
        "the line is densified along the geodesic"
    );
}

#[test]
fn tables_are_written_and_consistent() {
    let out = util::vorkuta_build();
    let mut matrix = csv::Reader::from_path(out.join("distances.csv")).unwrap();
    let header = matrix.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = matrix.records().map(Result::unwrap).collect();
    assert_eq!(header.len(), rows.len() + 1, "square matrix");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[i + 1].parse::<f64>().unwrap(), 0.0, "zero diagonal");
        assert_eq!(&row[0], &header[i + 1]);
    }
    let timeline: Vec<csv::StringRecord> = csv::Reader::from_path(out.join("timeline.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(timeline.len(), crate::atlas_expect::EVENTS);
    assert!(
        timeline.windows(2).all(|w| w[0][0] <= w[1][0]),
        "timeline in date order"
    );
    let claims: Vec<csv::StringRecord> = csv::Reader::from_path(out.join("claims.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    assert!(
        claims.iter().all(|c| !c[8].is_empty()),
        "every claim has a status"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    gazmap::build(&util::vorkuta(), a.path()).unwrap();
    gazmap::build(&util::vorkuta(), b.path()).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let pa = a.path().join(&name);
        if pa.is_dir() {
            continue;
        }
        assert_eq!(
            std::fs::read(&pa).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{name:?} differs"
        );
    }
}

#[test]
fn tiny_atlas_builds() {
    let out = tempfile::tempdir().unwrap();
    let report = gazmap::build(&util::tiny(), out.path()).unwrap();
    let count = |n: &str| {
        report
            .counts
            .iter()
            .find(|(l, _)| l == n)
            .map(|(_, c)| *c)
            .unwrap()
    };
    assert_eq!(count("sites"), crate::atlas_expect::TINY_SITES);
    assert!(count("transfers") >= 2);
    assert!(out.path().join("sites.geojson").exists());
}

#[test]
fn contradicted_distance_is_a_warning_listed_in_claims_csv() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let path = atlas.join("claims.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let stated = header.iter().position(|h| h == "stated_m").unwrap();
    let mut row: Vec<String> = reader
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let id = row[0].clone();
    row[stated] = "500000".into();
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&header).unwrap();
    writer.write_record(&row).unwrap();
    writer.flush().unwrap();

    let checked = gazmap::open(&atlas).expect("a contradicted claim is a warning, not an error");
    assert!(
        checked
            .warnings
            .iter()
            .any(|w| w.message.contains("the account states 500.0 km") && w.line == Some(2)),
        "{:?}",
        checked.warnings
    );
    let out = tempfile::tempdir().unwrap();
    let report = gazmap::build(&atlas, out.path()).unwrap();
    assert_eq!(report.contradicted_claims, vec![id.clone()]);
    let claims: Vec<csv::StringRecord> = csv::Reader::from_path(out.path().join("claims.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(&claims[0][0], id.as_str());
    assert_eq!(&claims[0][8], "contradicted");
}
