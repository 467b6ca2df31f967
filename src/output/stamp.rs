//! The one timestamp a build writes into its files (GeoPackage `last_change`, style
//! `update_time`, ZIP entry times, project metadata).
//!
//! Builds must be byte-identical, so the time never comes from the clock: it is
//! `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC, the reproducible-builds convention) when that
//! variable is set, and otherwise the fixed [`BuildTime::DEFAULT`], 1980-01-01 00:00:00 UTC, the
//! earliest time a ZIP entry can hold.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Why the build time could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StampError {
    /// `SOURCE_DATE_EPOCH` is set but is not a whole number of seconds in jiff's range.
    #[error("SOURCE_DATE_EPOCH={0:?} is not a whole number of seconds since 1970-01-01 UTC")]
    BadEpoch(String),
}

/// A build's timestamp, whole seconds since 1970-01-01 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildTime {
    ts: Timestamp,
}

impl BuildTime {
    /// 1980-01-01T00:00:00Z, used when `SOURCE_DATE_EPOCH` is not set.
    pub const DEFAULT_UNIX_S: i64 = 315_532_800;

    /// The default build time (see [`Self::DEFAULT_UNIX_S`]).
    pub const DEFAULT: Self = Self {
        ts: Timestamp::constant(Self::DEFAULT_UNIX_S, 0),
    };

    /// The build time at `unix_s` seconds since 1970-01-01 UTC.
    ///
    /// # Errors
    /// [`StampError::BadEpoch`] outside jiff's range (years -9999..=9999).
    pub fn from_unix_s(unix_s: i64) -> Result<Self, StampError> {
        Timestamp::from_second(unix_s)
            .map(|ts| Self { ts })
            .map_err(|_| StampError::BadEpoch(unix_s.to_string()))
    }

    /// `SOURCE_DATE_EPOCH` if set (and not empty), else [`Self::DEFAULT`].
    ///
    /// # Errors
    /// [`StampError::BadEpoch`] when the variable is set to something that is not a number.
    pub fn from_env() -> Result<Self, StampError> {
        match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(s) if !s.trim().is_empty() => Self::parse(&s),
            _ => Ok(Self::DEFAULT),
        }
    }

    /// Parses a `SOURCE_DATE_EPOCH` value.
    ///
    /// # Errors
    /// [`StampError::BadEpoch`] when `s` is not a whole number of seconds.
    pub fn parse(s: &str) -> Result<Self, StampError> {
        let n: i64 = s
            .trim()
            .parse()
            .map_err(|_| StampError::BadEpoch(s.to_owned()))?;
        Self::from_unix_s(n).map_err(|_| StampError::BadEpoch(s.to_owned()))
    }

    /// Seconds since 1970-01-01 UTC.
    #[must_use]
    pub fn unix_s(self) -> i64 {
        self.ts.as_second()
    }

    /// The GeoPackage form, `YYYY-MM-DDTHH:MM:SS.SSSZ` (what `strftime('%Y-%m-%dT%H:%M:%fZ')` gives).
    #[must_use]
    pub fn gpkg(self) -> String {
        self.ts.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string()
    }

    /// ISO 8601 without fraction or zone, `YYYY-MM-DDTHH:MM:SS` (what QGIS writes in projects).
    #[must_use]
    pub fn iso_seconds(self) -> String {
        self.ts.strftime("%Y-%m-%dT%H:%M:%S").to_string()
    }

    /// MS-DOS `(time, date)` words for ZIP headers, clamped to 1980-01-01..=2107-12-31.
    #[must_use]
    pub fn dos(self) -> (u16, u16) {
        let dt = self.ts.to_zoned_datetime(TimeZone::UTC).datetime();
        let year = dt.year();
        if year < 1980 {
            return (0, (1 << 5) | 1);
        }
        if year > 2107 {
            return ((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31);
        }
        // The casts are in range: year 1980..=2107, the others are calendar fields.
        let date = (((year - 1980) as u16) << 9) | ((dt.month() as u16) << 5) | dt.day() as u16;
        let time =
            ((dt.hour() as u16) << 11) | ((dt.minute() as u16) << 5) | (dt.second() as u16 / 2);
        (time, date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_1980() {
        assert_eq!(BuildTime::DEFAULT.gpkg(), "1980-01-01T00:00:00.000Z");
        assert_eq!(BuildTime::DEFAULT.dos(), (0, 0x0021));
    }

    #[test]
    fn parses_epoch() {
        let t = BuildTime::parse("1700000000").unwrap();
        assert_eq!(t.gpkg(), "2023-11-14T22:13:20.000Z");
        assert_eq!(t.iso_seconds(), "2023-11-14T22:13:20");
        // 2023-11-14 22:13:20 -> date (43<<9)|(11<<5)|14, time (22<<11)|(13<<5)|10
        assert_eq!(
            t.dos(),
            ((22 << 11) | (13 << 5) | 10, (43 << 9) | (11 << 5) | 14)
        );
        assert!(BuildTime::parse("yesterday").is_err());
        assert!(BuildTime::parse("1e9").is_err());
    }

    #[test]
    fn dos_clamps_before_1980() {
        assert_eq!(BuildTime::from_unix_s(0).unwrap().dos(), (0, 0x0021));
    }
}
