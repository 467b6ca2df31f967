//! Dates of the account: EDTF (ISO 8601-2 Annex A, levels 0-2) behind a small facade.
//!
//! Callers see only [`DateRange`]: the EDTF text as written, the earliest and latest calendar day
//! it allows (proleptic Gregorian), and the span it *certainly* covers. The EDTF parser
//! (`edtf-core`) stays behind this module so it can be swapped without touching callers.
//! Qualifiers (`~` approximate, `?` uncertain) are kept as flags; following the standard they do
//! not move the bounds. Open (`..`) or unknown ends take the atlas's time range as a fallback and
//! are flagged, so that the `start`/`end` fields written out are always full dates.

use edtf_core::{Bound, Edtf, IntervalEndpoint};
use jiff::civil::Date;

/// A date or interval from the source, with its day bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    /// The EDTF text as written in the data.
    pub edtf: String,
    /// Earliest day the expression allows (inclusive).
    pub earliest: Date,
    /// Latest day the expression allows (inclusive).
    pub latest: Date,
    /// The days the expression covers for certain (inclusive), if any: for `A/B` from the last
    /// day `A` allows to the first day `B` allows; for a single day, that day. None when any part
    /// is uncertain (`?` or `%`): a date that may be wrong altogether (an ancient year argued
    /// between AD 58 and 60) makes no day certain, while an approximate one (`~`) keeps its core.
    pub certain: Option<(Date, Date)>,
    /// Some part is marked approximate (`~` or `%`).
    pub approximate: bool,
    /// Some part is marked uncertain (`?` or `%`).
    pub uncertain: bool,
    /// The coarsest precision written: `day`, `month`, `season` or `year`.
    pub precision: &'static str,
    /// The start was open or unknown and was filled from the fallback range.
    pub open_start: bool,
    /// The end was open or unknown and was filled from the fallback range.
    pub open_end: bool,
}

/// Why a date was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DateError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the EDTF text where the problem was found.
    pub offset: usize,
}

fn to_civil(bound: Bound) -> Option<Date> {
    match bound {
        Bound::Date(d) => {
            let year = i16::try_from(d.year).ok()?;
            Date::new(year, i8::try_from(d.month).ok()?, i8::try_from(d.day).ok()?).ok()
        }
        _ => None,
    }
}

fn precision_word(p: edtf_core::Precision) -> &'static str {
    match p {
        edtf_core::Precision::Day => "day",
        edtf_core::Precision::Month => "month",
        edtf_core::Precision::Season => "season",
        edtf_core::Precision::Year => "year",
    }
}

fn coarser(a: &'static str, b: &'static str) -> &'static str {
    let rank = |w: &str| match w {
        "day" => 0,
        "month" => 1,
        "season" => 2,
        _ => 3,
    };
    if rank(a) >= rank(b) { a } else { b }
}

/// Day bounds of one dated interval endpoint, `None` when open or unknown.
fn endpoint_bounds(endpoint: &IntervalEndpoint) -> Option<(Date, Date, &'static str)> {
    match endpoint {
        IntervalEndpoint::Date(d)
        | IntervalEndpoint::OnOrBefore(d)
        | IntervalEndpoint::OnOrAfter(d) => {
            let b = Edtf::Date(*d).bounds();
            Some((
                to_civil(b.earliest)?,
                to_civil(b.latest)?,
                precision_word(d.precision()),
            ))
        }
        IntervalEndpoint::Open | IntervalEndpoint::Unknown => None,
    }
}

/// Parses EDTF text into a [`DateRange`].
///
/// `fallback` fills open or unknown interval ends (normally the atlas's time range).
///
/// # Errors
/// Text that is not valid EDTF (with the byte offset of the problem), an interval whose end lies
/// before its start, a date outside years -9999..9999, or an open end with no fallback.
///
/// # Example
/// ```
/// let r = gazmap::time::parse("1937-03", None).unwrap();
/// assert_eq!(r.earliest.to_string(), "1937-03-01");
/// assert_eq!(r.latest.to_string(), "1937-03-31");
/// ```
pub fn parse(text: &str, fallback: Option<&DateRange>) -> Result<DateRange, DateError> {
    let edtf = Edtf::parse(text).map_err(|e| DateError {
        message: if e.message.contains("precedes") {
            format!("the interval ends before it starts (at byte {})", e.offset)
        } else {
            format!("not valid EDTF: {} (at byte {})", e.message, e.offset)
        },
        offset: e.offset,
    })?;
    let out_of_range = || DateError {
        message: "date outside the supported years -9999..9999".into(),
        offset: 0,
    };
    let approximate = edtf.is_approximate();
    let uncertain = edtf.is_uncertain();
    match &edtf {
        Edtf::Interval(interval) => {
            let start = endpoint_bounds(&interval.start);
            let end = endpoint_bounds(&interval.end);
            let missing = |side: &str| DateError {
                message: format!(
                    "the interval's {side} is open or unknown and the atlas has no time_range to fill it"
                ),
                offset: 0,
            };
            let (s_early, s_late, s_prec) = match (start, fallback) {
                (Some(b), _) => b,
                (None, Some(f)) => (f.earliest, f.earliest, "day"),
                (None, None) => return Err(missing("start")),
            };
            let (e_early, e_late, e_prec) = match (end, fallback) {
                (Some(b), _) => b,
                (None, Some(f)) => (f.latest, f.latest, "day"),
                (None, None) => return Err(missing("end")),
            };
            if e_late < s_early {
                let slash = text.find('/').unwrap_or(0);
                return Err(DateError {
                    message: format!("the interval ends ({e_late}) before it starts ({s_early})"),
                    offset: slash + 1,
                });
            }
            Ok(DateRange {
                edtf: text.to_owned(),
                earliest: s_early,
                latest: e_late.max(s_late),
                certain: (s_late <= e_early && !uncertain).then_some((s_late, e_early)),
                approximate,
                uncertain,
                precision: coarser(s_prec, e_prec),
                open_start: start.is_none(),
                open_end: end.is_none(),
            })
        }
        Edtf::Date(_) | Edtf::DateTime(_) | Edtf::Set(_) => {
            let b = edtf.bounds();
            let earliest = to_civil(b.earliest).ok_or_else(out_of_range)?;
            let latest = to_civil(b.latest).ok_or_else(out_of_range)?;
            let precision = match &edtf {
                Edtf::Date(d) => precision_word(d.precision()),
                Edtf::DateTime(_) => "day",
                _ => "set",
            };
            Ok(DateRange {
                edtf: text.to_owned(),
                earliest,
                latest,
                certain: (earliest == latest && !approximate && !uncertain)
                    .then_some((earliest, latest)),
                approximate,
                uncertain,
                precision,
                open_start: false,
                open_end: false,
            })
        }
    }
}

impl DateRange {
    /// True when the range may include `day`.
    #[must_use]
    pub fn possibly_at(&self, day: Date) -> bool {
        self.earliest <= day && day <= self.latest
    }

    /// True when the range certainly includes `day`.
    #[must_use]
    pub fn certainly_at(&self, day: Date) -> bool {
        self.certain.is_some_and(|(a, b)| a <= day && day <= b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    mod parse {
        use super::*;

        #[test]
        fn full_day_is_certain() {
            let r = parse("1936-10-27", None).unwrap();
            assert_eq!((r.earliest, r.latest), (d("1936-10-27"), d("1936-10-27")));
            assert_eq!(r.certain, Some((d("1936-10-27"), d("1936-10-27"))));
            assert_eq!(r.precision, "day");
        }

        #[test]
        fn month_spans_the_whole_month() {
            let r = parse("1938-02", None).unwrap();
            assert_eq!((r.earliest, r.latest), (d("1938-02-01"), d("1938-02-28")));
            assert_eq!(r.certain, None);
        }

        #[test]
        fn interval_of_months_is_certain_between_end_of_start_and_start_of_end() {
            let r = parse("1938-04/1938-05", None).unwrap();
            assert_eq!((r.earliest, r.latest), (d("1938-04-01"), d("1938-05-31")));
            assert_eq!(r.certain, Some((d("1938-04-30"), d("1938-05-01"))));
        }

        #[test]
        fn approximate_flag_kept_bounds_unchanged() {
            let r = parse("1936-06~", None).unwrap();
            assert!(r.approximate);
            assert_eq!((r.earliest, r.latest), (d("1936-06-01"), d("1936-06-30")));
        }

        #[test]
        fn qualified_interval_ends() {
            let r = parse("1936-10-29~/1936-11~", None).unwrap();
            assert_eq!((r.earliest, r.latest), (d("1936-10-29"), d("1936-11-30")));
            assert!(r.approximate);
        }

        #[test]
        fn ancient_years_keep_their_four_digits_and_bounds() {
            let r = parse("0059-08%", None).unwrap();
            assert_eq!((r.earliest, r.latest), (d("0059-08-01"), d("0059-08-31")));
            assert_eq!(r.earliest.to_string(), "0059-08-01");
            assert!(r.approximate && r.uncertain);
            let r = parse("0059?", None).unwrap();
            assert_eq!((r.earliest, r.latest), (d("0059-01-01"), d("0059-12-31")));
            assert!(r.uncertain && !r.approximate);
            // Year 0 (1 BC) is a leap year; -0059 is 60 BC.
            assert_eq!(
                parse("0000-02", None).unwrap().latest,
                jiff::civil::date(0, 2, 29)
            );
            assert_eq!(parse("-0059-03", None).unwrap().earliest.year(), -59);
        }

        #[test]
        fn an_uncertain_interval_has_no_certain_days() {
            // Three months on Malta, in a year argued over: nothing is certain.
            let r = parse("0059-11%/0060-02%", None).unwrap();
            assert_eq!((r.earliest, r.latest), (d("0059-11-01"), d("0060-02-29")));
            assert_eq!(r.certain, None);
            assert_eq!(parse("0059-11?/0060-02", None).unwrap().certain, None);
            // Approximate ends keep the core between them.
            let r = parse("0059-11~/0060-02~", None).unwrap();
            assert_eq!(r.certain, Some((d("0059-11-30"), d("0060-02-01"))));
        }

        #[test]
        fn end_before_start_is_rejected() {
            let e = parse("1937-03/1937-01", None).unwrap_err();
            assert!(e.message.contains("before it starts"), "{e}");
            assert_eq!(e.offset, 8);
        }

        #[test]
        fn impossible_day_is_rejected_with_offset() {
            let e = parse("1937-02-30", None).unwrap_err();
            assert!(e.message.contains("not valid EDTF"), "{e}");
        }

        #[test]
        fn open_end_uses_fallback_and_is_flagged() {
            let fb = parse("1936-06/1938-06", None).unwrap();
            let r = parse("1937-05/..", Some(&fb)).unwrap();
            assert_eq!(r.latest, d("1938-06-30"));
            assert!(r.open_end);
            assert!(parse("1937-05/..", None).is_err());
        }

        #[test]
        fn garbage_is_rejected() {
            assert!(parse("autumn 1937", None).is_err());
            assert!(parse("", None).is_err());
        }
    }
}
