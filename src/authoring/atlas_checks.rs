//! Checks of an atlas as a whole that `check` adds to its row rules: the `[[sheets]]` of
//! `atlas.toml` (so that a sheet naming an unknown site fails `check`, not `build`), sites far
//! outside the atlas extent (a swapped latitude and longitude, a lost minus sign), and events
//! and periods outside `time_range`. Findings about `atlas.toml` carry its line numbers.

use geo::Point;
use toml::Spanned;

use crate::config::Config;
use crate::diagnostics::Finding;
use crate::model::Atlas;

/// A site farther than this from the atlas extent is reported even when no typo explains it,
/// **metres**. Places the account only mentions (a capital, a distant city) sit well within it.
const FAR_M: f64 = 5_000_000.0;

/// More events than this outside `time_range` are reported in one warning, not one each.
const GROUP_OVER: usize = 3;

/// Runs the whole-atlas checks on `atlas`, reading its parsed `atlas.toml`
/// (`atlas.meta.config`).
#[must_use]
pub fn run(atlas: &Atlas) -> Vec<Finding> {
    let config = &atlas.meta.config;
    let mut findings = vec![];
    check_sheets(atlas, config, &mut findings);
    // `[tiles]`: zoom ranges and layer names.
    findings.extend(crate::tiles::AtlasTiles::from_config(config).1);
    let extent_line = config.atlas.extent.as_ref().map(|e| config.line(&e.span()));
    check_extent(atlas, extent_line, &mut findings);
    let range_line = config
        .atlas
        .time_range
        .as_ref()
        .map(|r| config.line(&r.span()));
    check_time_range(atlas, config, range_line, &mut findings);
    findings
}

fn check_sheets(atlas: &Atlas, config: &Config, findings: &mut Vec<Finding>) {
    // The printer's own reading of the sheets: paper, orientation, projection, extent, dpi ...
    // (its messages name the allowed values).
    let (specs, problems) = crate::print::sheet::from_config(config);
    findings.extend(problems);
    // Each sheet with an extent must have a projection that can draw it (the error names the
    // sheet and the fix).
    for spec in &specs {
        let Some(extent) = spec.extent else { continue };
        if let Err(e) =
            crate::print::projection::Projection::for_sheet(spec.projection, extent, &spec.id)
        {
            let table = config.sheets.iter().find(|s| *s.id.get_ref() == spec.id);
            let span = table.and_then(|s| s.projection.as_ref().map(Spanned::span));
            findings.push(match (span, table) {
                (Some(span), _) => config.error(span, e.to_string()),
                (None, Some(t)) => config.error(t.id.span(), e.to_string()),
                (None, None) => Finding::error(&config.path, None, e.to_string()),
            });
        }
    }
    let site_ids = || atlas.sites.iter().map(|s| s.id.as_str());
    for sheet in &config.sheets {
        let sheet_id = sheet.id.get_ref();
        let mut unknown_site = |id: &Spanned<String>, field: &str| {
            if atlas.site(id.get_ref()).is_none() {
                let message = format!(
                    "sheet `{sheet_id}`: `{field}` names an unknown site id{}",
                    fix_for_site(id.get_ref(), site_ids())
                );
                findings.push(crate::config::with_value(
                    config.error(id.span(), message),
                    id.get_ref().as_str(),
                ));
            }
        };
        for id in &sheet.sites {
            unknown_site(id, "sites");
        }
        for inset in &sheet.insets {
            for id in &inset.sites {
                unknown_site(id, "insets.sites");
            }
        }
        for id in sheet.labels.keys() {
            unknown_site(id, "labels");
        }
        if let Some(period) = &sheet.period
            && !atlas.periods.iter().any(|p| p.id == *period.get_ref())
        {
            let ids: Vec<&str> = atlas.periods.iter().map(|p| p.id.as_str()).collect();
            let fix = if ids.is_empty() {
                " (atlas.toml defines no [[periods]]: add one, or remove `period`)".to_owned()
            } else {
                format!(
                    "{} (the [[periods]] are: {})",
                    super::did_you_mean_text(period.get_ref(), ids.iter().copied()),
                    ids.join(", ")
                )
            };
            findings.push(crate::config::with_value(
                config.error(
                    period.span(),
                    format!("sheet `{sheet_id}`: unknown period{fix}"),
                ),
                period.get_ref().as_str(),
            ));
        }
        if sheet.each_period && atlas.periods.is_empty() {
            findings.push(config.warning(
                sheet.id.span(),
                format!(
                    "sheet `{sheet_id}` has `each_period = true` but atlas.toml defines no [[periods]]: it prints no sheet"
                ),
            ));
        }
    }
}

fn fix_for_site<'a>(id: &str, ids: impl IntoIterator<Item = &'a str>) -> String {
    let hint = super::did_you_mean_text(id, ids);
    if hint.is_empty() {
        " (site ids are the `id` column of sites.csv)".into()
    } else {
        hint
    }
}

fn inside(e: [f64; 4], lat: f64, lon: f64) -> bool {
    (e[0]..=e[2]).contains(&lon) && (e[1]..=e[3]).contains(&lat)
}

fn check_extent(atlas: &Atlas, extent_line: Option<u64>, findings: &mut Vec<Finding>) {
    // A malformed extent is already an error of its own.
    let Some(e) = atlas.meta.extent.filter(|e| e[0] < e[2] && e[1] < e[3]) else {
        return;
    };
    let at_line = extent_line.map_or_else(String::new, |l| format!(" (atlas.toml line {l})"));
    for site in &atlas.sites {
        let Some(loc) = site.location else { continue };
        if inside(e, loc.lat, loc.lon) {
            continue;
        }
        let (lat, lon) = (loc.lat, loc.lon);
        let nearest = Point::new(lon.clamp(e[0], e[2]), lat.clamp(e[1], e[3]));
        let away_m = crate::geodesy::distance_m(Point::new(lon, lat), nearest);
        let cause = if (-90.0..=90.0).contains(&lon) && inside(e, lon, lat) {
            Some(format!(
                "lat and lon look swapped: lat {lon}, lon {lat} falls inside it"
            ))
        } else if inside(e, lat, -lon) {
            Some(format!(
                "the longitude's sign looks wrong: lon {} (west is negative) falls inside it",
                -lon
            ))
        } else if inside(e, -lat, lon) {
            Some(format!(
                "the latitude's sign looks wrong: lat {} (south is negative) falls inside it",
                -lat
            ))
        } else {
            None
        };
        if cause.is_none() && away_m < FAR_M {
            continue;
        }
        let message = format!(
            "`{}` (lat {lat}, lon {lon}) lies {:.0} km outside the atlas extent {e:?}{at_line}: {}",
            site.id,
            away_m / 1000.0,
            cause.unwrap_or_else(|| {
                "check the coordinates, or widen `extent` if the atlas really reaches there".into()
            })
        );
        findings.push(
            Finding::warning(&site.origin.file, Some(site.origin.line), message)
                .at(site.origin.column("lat"), format!("{lat}")),
        );
    }
}

fn check_time_range(
    atlas: &Atlas,
    config: &Config,
    range_line: Option<u64>,
    findings: &mut Vec<Finding>,
) {
    let Some(range) = &atlas.meta.time_range else {
        return;
    };
    let at_line = range_line.map_or_else(String::new, |l| format!(" (atlas.toml line {l})"));
    let outside = |w: &crate::time::DateRange| {
        if w.latest < range.earliest {
            Some("ends before")
        } else if w.earliest > range.latest {
            Some("begins after")
        } else {
            None
        }
    };
    let out: Vec<_> = atlas
        .events
        .iter()
        .filter_map(|e| outside(&e.when).map(|how| (e, how)))
        .collect();
    if out.len() <= GROUP_OVER {
        for (event, how) in &out {
            findings.push(
                Finding::warning(
                    &event.origin.file,
                    Some(event.origin.line),
                    format!(
                        "`{}` {how} the atlas's time_range `{}`{at_line}: the time slider never shows it (widen time_range, or check the date)",
                        event.id, range.edtf
                    ),
                )
                .at(event.origin.column("when"), event.when.edtf.as_str()),
            );
        }
    } else {
        // Background events (earlier history, later publication) are common: one warning
        // listing them all keeps a real slip visible among them.
        let list: Vec<String> = out
            .iter()
            .map(|(e, _)| format!("{} (line {}, {})", e.id, e.origin.line, e.when.edtf))
            .collect();
        findings.push(Finding::warning(
            &out[0].0.origin.file,
            None,
            format!(
                "{} events lie outside the atlas's time_range `{}`{at_line}, so the time slider never shows them (widen time_range if they belong to the story, or check their dates): {}",
                out.len(),
                range.edtf,
                list.join(", ")
            ),
        ));
    }
    for period in &atlas.periods {
        if let Some(how) = outside(&period.when) {
            let message = format!(
                "period `{}` {how} the atlas's time_range `{}`{at_line}",
                period.id, range.edtf
            );
            let finding = match config.periods.iter().find(|p| *p.id.get_ref() == period.id) {
                Some(p) => config.warning(p.when.span(), message),
                None => Finding::warning(&config.path, None, message),
            };
            findings.push(crate::config::with_value(
                finding,
                period.when.edtf.as_str(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;

    /// The tiny test atlas (28 lines of atlas.toml) with `extra` appended to its atlas.toml,
    /// parsed in memory; the findings of [`run`] about atlas.toml, as text.
    fn check(extra: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
        let mut atlas = crate::load::read(&dir).unwrap().atlas;
        let text = std::fs::read_to_string(dir.join("atlas.toml")).unwrap();
        assert_eq!(text.lines().count(), 28);
        let (config, findings) =
            Config::parse(Path::new("atlas.toml"), &format!("{text}{extra}")).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        atlas.meta.config = Arc::new(config);
        let mut findings = run(&atlas);
        crate::diagnostics::sort(&mut findings);
        findings
            .iter()
            .filter(|f| f.file == Path::new("atlas.toml"))
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_tiny_atlas_is_clean() {
        assert!(check("").is_empty());
    }

    #[test]
    fn sheet_references_are_checked_against_the_atlas() {
        let got = check(
            "\n[[sheets]]\nid = \"river\"\ntitle = \"River\"\nsites = [\"kholmogori\"]\nperiod = \"jorney\"\n[[sheets.insets]]\ntitle = \"Detail\"\nsites = [\"atlantis\"]\n[sheets.labels]\npinegga = \"Pinega\"\n",
        );
        assert_eq!(
            got,
            [
                "atlas.toml:33:10: error: value `kholmogori`: sheet `river`: `sites` names an unknown site id (did you mean `kholmogory`?)",
                "atlas.toml:34:10: error: value `jorney`: sheet `river`: unknown period (did you mean `journey`?) (the [[periods]] are: journey)",
                "atlas.toml:37:10: error: value `atlantis`: sheet `river`: `insets.sites` names an unknown site id (site ids are the `id` column of sites.csv)",
                "atlas.toml:39:1: error: value `pinegga`: sheet `river`: `labels` names an unknown site id (did you mean `pinega`?)",
            ]
        );
    }

    #[test]
    fn sheet_values_and_projections_are_checked() {
        let got = check(
            "\n[[sheets]]\nid = \"a\"\ntitle = \"A\"\npaper = \"A5\"\n\n[[sheets]]\nid = \"b\"\ntitle = \"B\"\nextent = [10.0, -20.0, 30.0, 20.0]\nprojection = \"lcc\"\n",
        );
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!(
            got[0],
            "atlas.toml:33:9: error: sheet `a`: bad paper (A4, A3 or letter) `A5`"
        );
        assert!(
            got[1].starts_with("atlas.toml:39:14: error: sheet `b`: projection:")
                && got[1].contains("fix: set `projection = \"auto\"`"),
            "{}",
            got[1]
        );
    }

    #[test]
    fn tiles_are_checked() {
        let got = check("\n[tiles]\nmaxzoom = 22\n[tiles.layers.site]\nmaxzoom = 9\n");
        assert_eq!(
            got,
            [
                "atlas.toml:31:11: error: tiles [tiles]: zoom range 0..22 is not within 0..20 with minzoom <= maxzoom",
                "atlas.toml:32:15: error: [tiles.layers.site]: there is no such layer (did you mean `sites`?) (layers: sites, lines, uncertainty, event_areas, events, transfers, claims, coast, lakes, rivers, regions, borders, sea)",
            ]
        );
    }

    #[test]
    fn each_period_without_periods_is_a_warning_at_the_sheet() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
        let mut atlas = crate::load::read(&dir).unwrap().atlas;
        atlas.periods.clear();
        let text = "[atlas]\nid = \"tiny\"\ntitle = \"T\"\n[[sheets]]\nid = \"p\"\ntitle = \"P\"\neach_period = true\n";
        let (config, _) = Config::parse(Path::new("atlas.toml"), text).unwrap();
        atlas.meta.config = Arc::new(config);
        let got: Vec<String> = run(&atlas).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "atlas.toml:5:6: warning: sheet `p` has `each_period = true` but atlas.toml defines no [[periods]]: it prints no sheet"
            ]
        );
    }
}
