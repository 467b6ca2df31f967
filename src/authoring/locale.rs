//! Spreadsheets saved in other locales: semicolon- or tab-separated CSV files, decimal commas
//! (`50,3700`) and degrees-minutes(-seconds) coordinates (`28°28′N`, `28 28 N`). gazmap reads
//! one dialect (comma-separated, decimal points, decimal degrees) so that every tool reads the
//! atlas files alike and a value cannot silently change meaning; these helpers recognise the
//! others and say exactly what to write instead.

/// When the header row of a CSV file splits into known column names on `;` or a tab but not on
/// commas: the separator's name (`"semicolon"`, `"tab"`).
#[must_use]
pub fn foreign_separator(header_line: &str, known: &[&str]) -> Option<&'static str> {
    let count = |sep: char| {
        header_line
            .split(sep)
            .map(|h| h.trim_start_matches('\u{feff}').trim().trim_matches('"'))
            .filter(|h| known.contains(h))
            .count()
    };
    let commas = count(',');
    [(';', "semicolon"), ('\t', "tab")]
        .into_iter()
        .find(|(sep, _)| count(*sep) >= 2 && count(*sep) > commas)
        .map(|(_, name)| name)
}

/// The message for a file with a foreign separator.
#[must_use]
pub fn separator_message(name: &str) -> String {
    format!(
        "the file looks {name}-separated: save it as comma-separated CSV, UTF-8 (LibreOffice: Save As > Text CSV, field delimiter `,`; Excel: CSV UTF-8 (Comma delimited)); gazmap reads one dialect so that every tool reads the atlas alike"
    )
}

/// `x` with up to six decimals and no trailing zeros.
fn decimal(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Reads degrees, minutes and seconds with an optional hemisphere letter: `28°28′N`,
/// `28 28 N`, `28°28'30"S`, `28° 28.5' W`, `-28 28`. Returns decimal degrees and the letter.
#[must_use]
pub fn parse_dms(value: &str) -> Option<(f64, Option<char>)> {
    let v = value.trim();
    let (body, hemi) = match v.chars().last() {
        Some(c @ ('N' | 'S' | 'E' | 'W' | 'n' | 's' | 'e' | 'w')) => {
            (&v[..v.len() - 1], Some(c.to_ascii_uppercase()))
        }
        _ => (v, None),
    };
    let (body, hemi) = match (hemi, body.chars().next()) {
        (None, Some(c @ ('N' | 'S' | 'E' | 'W'))) => (&body[1..], Some(c)),
        _ => (body, hemi),
    };
    let body = body.trim();
    let negative = body.starts_with('-');
    let parts: Vec<f64> = body
        .trim_start_matches(['-', '+'])
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '°' | 'º' | '˚' | '′' | '\'' | '’' | '″' | '"' | '”' | ':' | 'd' | 'm' | 's'
                )
        })
        .filter(|p| !p.is_empty())
        .map(|p| p.replace(',', ".").parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    // One number is not degrees-minutes; a bare "28 28" with no marks or letter is too.
    let marked = body.contains(['°', 'º', '˚', '′', '\'', '’', '″', '"', ':']) || hemi.is_some();
    let shape_ok = (2..=3).contains(&parts.len()) || (parts.len() == 1 && hemi.is_some());
    if !shape_ok {
        return None;
    }
    if parts.len() >= 2 && !marked {
        return None;
    }
    let (d, m, s) = (
        parts[0],
        parts.get(1).copied().unwrap_or(0.0),
        parts.get(2).copied().unwrap_or(0.0),
    );
    if !(0.0..60.0).contains(&m) || !(0.0..60.0).contains(&s) {
        return None;
    }
    let mut x = d + m / 60.0 + s / 3600.0;
    if negative || matches!(hemi, Some('S' | 'W')) {
        x = -x;
    }
    Some((x, hemi))
}

/// A hint for a number cell that did not parse: a decimal comma, or degrees-minutes(-seconds)
/// in a `lat`/`lon` column, with the decimal value to write. `None` when it is neither.
#[must_use]
pub fn number_hint(column: &str, value: &str) -> Option<String> {
    let v = value.trim();
    // A decimal comma: digits, one comma, digits (and no degree marks).
    if let Some((a, b)) = v.split_once(',')
        && !b.contains(',')
        && !a.is_empty()
        && !b.is_empty()
        && a.trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit())
        && b.chars().all(|c| c.is_ascii_digit())
    {
        let fixed = format!("{a}.{b}");
        return Some(format!(
            "not a number: `{v}` has a decimal comma; write `{fixed}` (gazmap reads decimal points)"
        ));
    }
    let geo = matches!(column, "lat" | "lon");
    if geo && let Some((x, hemi)) = parse_dms(v) {
        let wrong = match (column, hemi) {
            ("lat", Some('E' | 'W')) => Some("east/west belongs in `lon`"),
            ("lon", Some('N' | 'S')) => Some("north/south belongs in `lat`"),
            _ => None,
        };
        let what = if wrong.is_some() {
            "; check the column: "
        } else {
            ""
        };
        return Some(format!(
            "not a number: `{v}` is degrees-minutes(-seconds); write the decimal degrees `{}`{what}{}",
            decimal(x),
            wrong.unwrap_or("")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        let known = ["id", "name", "kind", "lat"];
        assert_eq!(
            foreign_separator("id;name;kind;lat", &known),
            Some("semicolon")
        );
        assert_eq!(
            foreign_separator("\u{feff}\"id\";\"name\"", &known),
            Some("semicolon")
        );
        assert_eq!(foreign_separator("id\tname\tkind", &known), Some("tab"));
        assert_eq!(foreign_separator("id,name,kind;x", &known), None);
        assert_eq!(foreign_separator("id,name,notes", &known), None);
    }

    #[test]
    fn degrees_minutes_seconds() {
        let close = |v: &str, want: f64| {
            let (x, _) = parse_dms(v).unwrap_or_else(|| panic!("{v}"));
            assert!((x - want).abs() < 1e-9, "{v}: {x} != {want}");
        };
        close("28°28′N", 28.0 + 28.0 / 60.0);
        close("28 28 N", 28.0 + 28.0 / 60.0);
        close("16°15'30\"W", -(16.0 + 15.0 / 60.0 + 30.0 / 3600.0));
        close("28° 28.5' S", -(28.0 + 28.5 / 60.0));
        close("-28°28′", -(28.0 + 28.0 / 60.0));
        assert!(parse_dms("50.37").is_none());
        assert!(parse_dms("28 28").is_none());
        assert!(parse_dms("28°75′N").is_none());
        assert!(parse_dms("abc").is_none());
    }

    #[test]
    fn hints_give_the_decimal_value() {
        assert_eq!(
            number_hint("lat", "50,3700").unwrap(),
            "not a number: `50,3700` has a decimal comma; write `50.3700` (gazmap reads decimal points)"
        );
        assert_eq!(
            number_hint("lat", "28°28′N").unwrap(),
            "not a number: `28°28′N` is degrees-minutes(-seconds); write the decimal degrees `28.466667`"
        );
        assert!(
            number_hint("lon", "28 28 N")
                .unwrap()
                .contains("north/south belongs in `lat`")
        );
        assert!(number_hint("uncertainty_m", "28°28′N").is_none());
        assert!(number_hint("lat", "north").is_none());
    }
}
