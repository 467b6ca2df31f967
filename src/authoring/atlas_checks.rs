//! Checks of an atlas as a whole that `check` adds to its row rules: the `[[sheets]]` of
//! `atlas.toml` (so that a sheet naming an unknown site fails `check`, not `build`), sites far
//! outside the atlas extent (a swapped latitude and longitude, a lost minus sign), and events
//! and periods outside `time_range`. Findings about `atlas.toml` carry its line numbers.

use std::collections::BTreeMap;
use std::path::Path;

use geo::Point;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::Finding;
use crate::model::Atlas;

/// A site farther than this from the atlas extent is reported even when no typo explains it,
/// **metres**. Places the account only mentions (a capital, a distant city) sit well within it.
const FAR_M: f64 = 5_000_000.0;

/// More events than this outside `time_range` are reported in one warning, not one each.
const GROUP_OVER: usize = 3;

#[derive(Deserialize)]
struct Top {
    atlas: Option<AtlasSpans>,
    #[serde(default)]
    sheets: Vec<SheetSpans>,
    #[serde(default)]
    periods: Vec<PeriodSpans>,
}

#[derive(Deserialize)]
struct AtlasSpans {
    extent: Option<Spanned<toml::Value>>,
    time_range: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct SheetSpans {
    id: Spanned<String>,
    #[serde(default)]
    sites: Vec<Spanned<String>>,
    #[serde(default)]
    insets: Vec<InsetSpans>,
    #[serde(default)]
    labels: BTreeMap<Spanned<String>, toml::Value>,
    period: Option<Spanned<String>>,
    #[serde(default)]
    each_period: bool,
}

#[derive(Deserialize)]
struct InsetSpans {
    #[serde(default)]
    sites: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
struct PeriodSpans {
    id: Spanned<String>,
}

/// 1-based line of byte `offset` in `text`.
#[must_use]
pub fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].matches('\n').count() as u64 + 1
}

/// Runs the whole-atlas checks on `atlas` (read from `atlas.dir`).
#[must_use]
pub fn run(atlas: &Atlas) -> Vec<Finding> {
    let path = atlas.dir.join("atlas.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return vec![];
    };
    let mut findings = vec![];
    let top: Option<Top> = toml::from_str(&text).ok();
    check_sheets(atlas, &text, &path, top.as_ref(), &mut findings);
    let extent_line = top
        .as_ref()
        .and_then(|t| t.atlas.as_ref())
        .and_then(|a| a.extent.as_ref())
        .map(|e| line_of(&text, e.span().start));
    check_extent(atlas, extent_line, &mut findings);
    let range_line = top
        .as_ref()
        .and_then(|t| t.atlas.as_ref())
        .and_then(|a| a.time_range.as_ref())
        .map(|e| line_of(&text, e.span().start));
    check_time_range(atlas, top.as_ref(), &text, &path, range_line, &mut findings);
    findings
}

fn check_sheets(
    atlas: &Atlas,
    text: &str,
    path: &Path,
    top: Option<&Top>,
    findings: &mut Vec<Finding>,
) {
    // The printer's own reading of the sheets: paper, orientation, projection, extent, dpi ...
    // (its messages name the allowed values).
    match crate::print::sheet::parse(text, path) {
        Err(e) => {
            let (line, message) = match e {
                crate::print::PrintError::Sheet { line, message, .. } => {
                    (line.map(|l| l as u64), message)
                }
                other => (None, other.to_string()),
            };
            findings.push(Finding::error(path, line, message));
        }
        // Each sheet with an extent must have a projection that can draw it (the error names the
        // sheet and the fix).
        Ok(specs) => {
            for spec in &specs {
                let Some(extent) = spec.extent else { continue };
                if let Err(e) = crate::print::projection::Projection::for_sheet(
                    spec.projection,
                    extent,
                    &spec.id,
                ) {
                    let line = top.and_then(|t| {
                        t.sheets
                            .iter()
                            .find(|s| *s.id.get_ref() == spec.id)
                            .map(|s| line_of(text, s.id.span().start))
                    });
                    findings.push(Finding::error(path, line, e.to_string()));
                }
            }
        }
    }
    let Some(top) = top else { return };
    let site_ids = || atlas.sites.iter().map(|s| s.id.as_str());
    for sheet in &top.sheets {
        let sheet_id = sheet.id.get_ref();
        let mut unknown_site = |id: &Spanned<String>, field: &str| {
            if atlas.site(id.get_ref()).is_none() {
                findings.push(
                    Finding::error(
                        path,
                        Some(line_of(text, id.span().start)),
                        format!(
                            "sheet `{sheet_id}`: `{field}` names an unknown site id{}",
                            fix_for_site(id.get_ref(), site_ids())
                        ),
                    )
                    .at(None, id.get_ref().as_str()),
                );
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
            findings.push(
                Finding::error(
                    path,
                    Some(line_of(text, period.span().start)),
                    format!("sheet `{sheet_id}`: unknown period{fix}"),
                )
                .at(None, period.get_ref().as_str()),
            );
        }
        if sheet.each_period && atlas.periods.is_empty() {
            findings.push(Finding::warning(
                path,
                Some(line_of(text, sheet.id.span().start)),
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
    top: Option<&Top>,
    text: &str,
    path: &Path,
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
            let line = top
                .and_then(|t| t.periods.iter().find(|p| *p.id.get_ref() == period.id))
                .map(|p| line_of(text, p.id.span().start));
            findings.push(
                Finding::warning(
                    path,
                    line,
                    format!(
                        "period `{}` {how} the atlas's time_range `{}`{at_line}",
                        period.id, range.edtf
                    ),
                )
                .at(None, period.when.edtf.as_str()),
            );
        }
    }
}

/// Gives findings about `atlas.toml` that carry no line the line of their value (or of the key
/// their message names), so that every `atlas.toml` error points somewhere.
pub fn locate_toml_findings(text: &str, path: &Path, findings: &mut [Finding]) {
    for f in findings
        .iter_mut()
        .filter(|f| f.file == path && f.line.is_none())
    {
        let by_value = f
            .value
            .as_deref()
            .filter(|v| !v.is_empty())
            .and_then(|v| text.find(&format!("\"{v}\"")).or_else(|| text.find(v)));
        // Else the first `name` in backticks, or before `:` in "atlas.extent ...: ...".
        let key = f.message.split('`').nth(1).map(str::to_owned).or_else(|| {
            f.message
                .split([' ', ':'])
                .next()
                .and_then(|k| k.rsplit('.').next())
                .map(str::to_owned)
        });
        let by_key = key.filter(|k| !k.is_empty()).and_then(|k| {
            text.lines()
                .scan(0usize, |at, l| {
                    let start = *at;
                    *at += l.len() + 1;
                    Some((start, l))
                })
                .find(|(_, l)| {
                    let t = l.trim_start();
                    t.starts_with(&format!("{k} "))
                        || t.starts_with(&format!("{k}="))
                        || t.starts_with(&format!("[{k}]"))
                        || t.starts_with(&format!("[[{k}]]"))
                        || t.starts_with(&format!("[{k}."))
                })
                .map(|(start, _)| start)
        });
        if let Some(offset) = by_value.or(by_key) {
            f.line = Some(line_of(text, offset));
        }
    }
}
