//! The `[[kinds]]` of `atlas.toml`: the atlas's own site kinds, validated with the line and
//! column of each bad value and resolved against the built-in kinds of [`crate::style::kinds`].

use crate::config::Config;
use crate::diagnostics::Finding;
use crate::style::kinds::{
    Aat, DEFAULT_LABEL_PRIORITY, DEFAULT_SIZE_MM, FEATURE_CLASSES, Kind, default_kind,
};
use crate::style::{Shape, parse_colour};

/// The largest symbol size accepted, **mm** (larger would hide the map under it).
const MAX_SIZE_MM: f64 = 12.0;

/// The atlas's kinds in the order written. Each key not given is taken from the built-in kind
/// of the same id, if any; a new kind must give `symbol` and `colour`. Problems become
/// findings at their line in `atlas.toml` and the kind is left out.
pub(super) fn resolve(config: &Config, findings: &mut Vec<Finding>) -> Vec<Kind> {
    // The message names the value; the column is a character position in atlas.toml.
    let error = |span: std::ops::Range<usize>, message: String| config.error(span, message);
    let mut out: Vec<Kind> = vec![];
    let mut seen: Vec<(String, u64)> = vec![];
    for s in &config.kinds {
        let id = s.id.get_ref().clone();
        let line = config.line(&s.id.span());
        if id.is_empty() || id.chars().any(char::is_whitespace) {
            findings.push(error(
                s.id.span(),
                format!("[[kinds]] id `{id}` must be one word (e.g. `gold_mine`), as in the `kind` column of sites.csv"),
            ));
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == id) {
            findings.push(error(
                s.id.span(),
                format!("kind `{id}` is defined twice (first at line {first})"),
            ));
            continue;
        }
        seen.push((id.clone(), line));
        let base = default_kind(&id);
        let mut ok = true;
        let shape = match &s.symbol {
            Some(sym) => match Shape::from_name(sym.get_ref()) {
                Some(shape) => Some(shape),
                None => {
                    let names = Shape::ALL.map(Shape::name);
                    findings.push(error(
                        sym.span(),
                        format!(
                            "kind `{id}`: unknown symbol `{}`{} (symbols: {})",
                            sym.get_ref(),
                            crate::authoring::did_you_mean_text(sym.get_ref(), names),
                            names.join(", ")
                        ),
                    ));
                    ok = false;
                    None
                }
            },
            None => base.as_ref().map(|b| b.shape),
        };
        let fill = match &s.colour {
            Some(c) if parse_colour(c.get_ref()).is_some() => {
                Some(c.get_ref().to_ascii_lowercase())
            }
            Some(c) => {
                findings.push(error(
                    c.span(),
                    format!(
                        "kind `{id}`: colour `{}` is not a `#rrggbb` hex colour (e.g. \"#8c2d04\")",
                        c.get_ref()
                    ),
                ));
                ok = false;
                None
            }
            None => base.as_ref().map(|b| b.fill.clone()),
        };
        let size_mm = match &s.size_mm {
            Some(v) if *v.get_ref() > 0.0 && *v.get_ref() <= MAX_SIZE_MM => *v.get_ref(),
            Some(v) => {
                findings.push(error(
                    v.span(),
                    format!(
                        "kind `{id}`: size_mm {} must be more than 0 and at most {MAX_SIZE_MM}",
                        v.get_ref()
                    ),
                ));
                ok = false;
                0.0
            }
            None => base.as_ref().map_or(DEFAULT_SIZE_MM, |b| b.size_mm),
        };
        let aat = match &s.aat {
            Some(a)
                if a.get_ref().id.len() == 9
                    && a.get_ref().id.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(Aat {
                    id: a.get_ref().id.clone(),
                    term: a.get_ref().term.clone(),
                })
            }
            Some(a) => {
                findings.push(error(
                    a.span(),
                    format!(
                        "kind `{id}`: aat id `{}` is not a Getty AAT id (nine digits, e.g. \"300008791\")",
                        a.get_ref().id
                    ),
                ));
                ok = false;
                None
            }
            None => base.as_ref().and_then(|b| b.aat.clone()),
        };
        let feature_class = match &s.feature_class {
            Some(c) => match c.get_ref().chars().collect::<Vec<_>>()[..] {
                [one] if FEATURE_CLASSES.contains(one) => one,
                _ => {
                    findings.push(error(
                        c.span(),
                        format!(
                            "kind `{id}`: feature_class `{}` is not a GeoNames feature class (one of {})",
                            c.get_ref(),
                            FEATURE_CLASSES.chars().map(String::from).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                    ok = false;
                    'S'
                }
            },
            None => base.as_ref().map_or('S', |b| b.feature_class),
        };
        for (key, missing) in [
            ("symbol", ok && shape.is_none()),
            ("colour", ok && fill.is_none()),
        ] {
            if missing {
                findings.push(error(
                    s.id.span(),
                    format!(
                        "kind `{id}` has no `{key}` (a new kind needs `symbol`, one of {}, and `colour`, \"#rrggbb\")",
                        Shape::ALL.map(Shape::name).join(", ")
                    ),
                ));
            }
        }
        let (Some(shape), Some(fill), true) = (shape, fill, ok) else {
            continue;
        };
        out.push(Kind {
            label: s
                .label
                .clone()
                .or_else(|| base.as_ref().map(|b| b.label.clone()))
                .unwrap_or_else(|| humane(&id)),
            shape,
            fill,
            size_mm,
            label_priority: s
                .label_priority
                .or_else(|| base.as_ref().map(|b| b.label_priority))
                .unwrap_or(DEFAULT_LABEL_PRIORITY),
            aat,
            feature_class,
            id,
        });
    }
    out
}

/// `gold_mine` as a legend label: `Gold mine`.
fn humane(id: &str) -> String {
    let text = id.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::path::Path;

    fn read(text: &str) -> (Vec<Kind>, Vec<Finding>) {
        let text = if text.contains("[atlas]") {
            text.to_owned()
        } else {
            format!("[atlas]\nid = \"x\"\ntitle = \"X\"\n{text}")
        };
        let (config, _) = Config::parse(Path::new("atlas.toml"), &text).unwrap();
        let mut findings = vec![];
        let kinds = resolve(&config, &mut findings);
        (kinds, findings)
    }

    #[test]
    fn a_full_kind_is_read() {
        let (kinds, findings) = read(
            "[[kinds]]\nid = \"mine\"\nlabel = \"Mine\"\nsymbol = \"square\"\ncolour = \"#3B3B3B\"\nsize_mm = 3.2\nlabel_priority = 80\naat = { id = \"300000390\", term = \"mine\" }\nfeature_class = \"S\"\n",
        );
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            kinds,
            [Kind {
                id: "mine".into(),
                label: "Mine".into(),
                shape: Shape::Square,
                fill: "#3b3b3b".into(),
                size_mm: 3.2,
                label_priority: 80,
                aat: Some(Aat {
                    id: "300000390".into(),
                    term: "mine".into(),
                }),
                feature_class: 'S',
            }]
        );
    }

    #[test]
    fn missing_keys_come_from_the_default_or_sensible_values() {
        let (kinds, findings) = read(
            "[[kinds]]\nid = \"city\"\nlabel = \"Town\"\n\n[[kinds]]\nid = \"gold_mine\"\nsymbol = \"star\"\ncolour = \"#aa8800\"\n",
        );
        assert!(findings.is_empty(), "{findings:?}");
        let city = default_kind("city").unwrap();
        assert_eq!(kinds[0].label, "Town");
        assert_eq!(kinds[0].shape, city.shape);
        assert_eq!(kinds[0].fill, city.fill);
        assert!((kinds[0].size_mm - city.size_mm).abs() < 1e-9);
        assert_eq!(kinds[1].label, "Gold mine");
        assert!((kinds[1].size_mm - DEFAULT_SIZE_MM).abs() < 1e-9);
        assert_eq!(kinds[1].label_priority, DEFAULT_LABEL_PRIORITY);
        assert_eq!(kinds[0].aat, city.aat);
        assert_eq!(kinds[0].feature_class, 'P');
        assert_eq!(kinds[1].aat, None);
        assert_eq!(kinds[1].feature_class, 'S');
    }

    #[test]
    fn bad_values_are_reported_at_their_line_and_column() {
        let text = "[atlas]\nid = \"x\"\ntitle = \"X\"\n[[kinds]]\nid = \"mine\"\nsymbol = \"sqare\"\ncolour = \"#3b3b3b\"\n\n[[kinds]]\nid = \"camp\"\nsymbol = \"square\"\ncolour = \"brown\"\n\n[[kinds]]\nid = \"mine\"\nsymbol = \"circle\"\ncolour = \"#000000\"\n\n[[kinds]]\nid = \"hut\"\nsize_mm = -1.0\n\n[[kinds]]\nid = \"tent\"\n\n[[kinds]]\nid = \"well\"\nsymbol = \"circle\"\ncolour = \"#000000\"\naat = { id = \"3000\", term = \"well\" }\nfeature_class = \"Q\"\n";
        let (kinds, findings) = read(text);
        assert!(kinds.is_empty(), "{kinds:?}");
        let got: Vec<(u64, usize, &str)> = findings
            .iter()
            .map(|f| {
                (
                    f.line.unwrap(),
                    f.column.as_ref().unwrap().0,
                    f.message.as_str(),
                )
            })
            .collect();
        assert_eq!(got.len(), 8, "{got:#?}");
        assert_eq!(got[0].0, 6);
        assert_eq!(got[0].1, 10, "column of the value");
        assert!(
            got[0]
                .2
                .contains("unknown symbol `sqare` (did you mean `square`?)"),
            "{}",
            got[0].2
        );
        assert_eq!(got[1].0, 12);
        assert!(got[1].2.contains("colour `brown` is not"), "{}", got[1].2);
        assert_eq!(got[2].0, 15);
        assert!(
            got[2]
                .2
                .contains("kind `mine` is defined twice (first at line 5)"),
            "{}",
            got[2].2
        );
        assert_eq!(got[3].0, 21);
        assert!(
            got[3].2.contains("size_mm -1 must be more than 0"),
            "{}",
            got[3].2
        );
        assert_eq!((got[4].0, got[5].0), (24, 24));
        assert!(
            got[4].2.contains("kind `tent` has no `symbol`"),
            "{}",
            got[4].2
        );
        assert!(
            got[5].2.contains("kind `tent` has no `colour`"),
            "{}",
            got[5].2
        );
        assert_eq!((got[6].0, got[7].0), (30, 31));
        assert!(
            got[6].2.contains("aat id `3000` is not a Getty AAT id"),
            "{}",
            got[6].2
        );
        assert!(
            got[7].2.contains("feature_class `Q` is not a GeoNames"),
            "{}",
            got[7].2
        );
    }

    #[test]
    fn unknown_keys_fail_to_parse_with_their_name() {
        let text =
            "[atlas]\nid = \"x\"\ntitle = \"X\"\n[[kinds]]\nid = \"mine\"\ncolor = \"#000000\"\n";
        let e = Config::parse(Path::new("atlas.toml"), text).unwrap_err();
        assert_eq!(e[0].line, Some(6));
        assert!(
            e[0].message
                .starts_with("unknown key `color` (did you mean `colour`?)"),
            "{e:?}"
        );
    }
}
