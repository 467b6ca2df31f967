//! A minimal, deterministic ZIP writer (PKWARE APPNOTE 6.3, "deflate" method 8, no ZIP64), used
//! for QGIS `.qgz` projects.
//!
//! Entries are written in the order given, every entry gets the same fixed MS-DOS time and no
//! extra fields, so the same input gives the same bytes. Archives and entries must stay under
//! 4 GiB; there is no encryption, no comments and no directory entries.

use std::io::Write;

use flate2::Crc;
use flate2::write::DeflateEncoder;

/// Why an archive could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZipError {
    /// An entry or the archive would need ZIP64.
    #[error("zip entry {0:?} or the archive is too large (4 GiB or 65535 entries)")]
    TooLarge(String),
    /// The compressor failed.
    #[error("deflate failed: {0}")]
    Deflate(#[from] std::io::Error),
}

fn u32_of(n: usize, name: &str) -> Result<u32, ZipError> {
    u32::try_from(n).map_err(|_| ZipError::TooLarge(name.to_owned()))
}

/// Builds a ZIP archive of `(name, bytes)` entries, every entry stamped with `dos_time_date`
/// (see [`crate::output::stamp::BuildTime::dos`]).
///
/// # Errors
/// [`ZipError::TooLarge`] beyond the classic ZIP limits; [`ZipError::Deflate`] if compression fails.
pub fn zip(entries: &[(&str, &[u8])], dos_time_date: (u16, u16)) -> Result<Vec<u8>, ZipError> {
    const UTF8_NAMES: u16 = 0x0800;
    const DEFLATE: u16 = 8;
    const VERSION: u16 = 20;
    let (time, date) = dos_time_date;
    let mut out = vec![];
    let mut central = vec![];
    let count = u16::try_from(entries.len()).map_err(|_| ZipError::TooLarge(String::new()))?;
    for (name, data) in entries {
        let mut crc = Crc::new();
        crc.update(data);
        let mut enc = DeflateEncoder::new(vec![], flate2::Compression::default());
        enc.write_all(data)?;
        let packed = enc.finish()?;
        let offset = u32_of(out.len(), name)?;
        let (csize, usize_) = (u32_of(packed.len(), name)?, u32_of(data.len(), name)?);
        let name_len = u16::try_from(name.len()).map_err(|_| ZipError::TooLarge((*name).into()))?;
        let common = |buf: &mut Vec<u8>| {
            buf.extend(VERSION.to_le_bytes()); // version needed to extract
            buf.extend(UTF8_NAMES.to_le_bytes());
            buf.extend(DEFLATE.to_le_bytes());
            buf.extend(time.to_le_bytes());
            buf.extend(date.to_le_bytes());
            buf.extend(crc.sum().to_le_bytes());
            buf.extend(csize.to_le_bytes());
            buf.extend(usize_.to_le_bytes());
            buf.extend(name_len.to_le_bytes());
            buf.extend(0u16.to_le_bytes()); // extra field length
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(name.as_bytes());
        out.extend(&packed);

        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(VERSION.to_le_bytes()); // version made by: MS-DOS, 2.0
        common(&mut central);
        central.extend(0u16.to_le_bytes()); // comment length
        central.extend(0u16.to_le_bytes()); // disk number start
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let cd_offset = u32_of(out.len(), "")?;
    let cd_size = u32_of(central.len(), "")?;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // this disk
    out.extend(0u16.to_le_bytes()); // disk with the central directory
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // comment length
    u32_of(out.len(), "")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn round_trips_through_an_independent_reader() {
        let big = "Воркута ".repeat(2000);
        let bytes = zip(&[("a.qgs", big.as_bytes()), ("b.txt", b"")], (0, 0x21)).unwrap();
        assert_eq!(
            zip(&[("a.qgs", big.as_bytes()), ("b.txt", b"")], (0, 0x21)).unwrap(),
            bytes
        );
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
        assert_eq!(archive.len(), 2);
        let mut text = String::new();
        archive
            .by_name("a.qgs")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, big);
        let mut f = archive.by_index(1).unwrap();
        assert_eq!(f.name().unwrap(), "b.txt");
        assert_eq!(f.size(), 0);
        let mut rest = vec![];
        f.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
        drop(f);
        assert!(bytes.len() < big.len() / 10, "deflate did compress");
    }
}
