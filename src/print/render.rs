//! SVG → PNG (resvg) and SVG → PDF (krilla + krilla-svg), both from the **same** `usvg` tree.
//!
//! The tree is parsed once with a font database that holds only the shipped DejaVu faces (no
//! system fonts), so the PNG, the PDF and any SVG viewer with DejaVu Sans show the same text.
//! In the PDF, text stays text: krilla embeds a subset of DejaVu Sans with a ToUnicode map, so
//! labels can be selected and searched. PNGs carry a `pHYs` chunk with their resolution.

use std::sync::Arc;

use krilla::Document;
use krilla::geom::Size;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::tiny_skia;
use resvg::usvg;

use super::PrintError;
use super::fonts::{self, FACES};

/// Points per millimetre (PDF user space unit is 1/72 inch).
pub const PT_PER_MM: f64 = 72.0 / 25.4;

fn err(what: &str, message: impl std::fmt::Display) -> PrintError {
    PrintError::Render {
        what: what.into(),
        message: message.to_string(),
    }
}

/// The font database of the shipped faces, built once for every sheet and format.
static FONTDB: std::sync::LazyLock<Arc<usvg::fontdb::Database>> = std::sync::LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    for face in FACES {
        db.load_font_data(face.data().to_vec());
    }
    db.set_sans_serif_family(fonts::FAMILY);
    Arc::new(db)
});

/// usvg options with the shipped fonts and nothing else.
#[must_use]
pub fn options() -> usvg::Options<'static> {
    usvg::Options {
        font_family: fonts::FAMILY.into(),
        fontdb: Arc::clone(&FONTDB),
        ..usvg::Options::default()
    }
}

/// Parses an SVG document into the tree both renderers draw.
///
/// # Errors
/// [`PrintError::Render`] when the SVG does not parse.
pub fn parse(svg: &str) -> Result<usvg::Tree, PrintError> {
    usvg::Tree::from_str(svg, &options()).map_err(|e| err("SVG", e))
}

/// Pixel width and height of a `w_mm` × `h_mm` sheet at `dpi`.
#[must_use]
pub fn pixel_size(w_mm: f64, h_mm: f64, dpi: u32) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * f64::from(dpi)).round() as u32;
    (px(w_mm), px(h_mm))
}

/// Renders the tree to a PNG of `w_mm` × `h_mm` at `dpi`.
///
/// # Errors
/// [`PrintError::Render`] when the image is too large or cannot be encoded.
pub fn png(tree: &usvg::Tree, w_mm: f64, h_mm: f64, dpi: u32) -> Result<Vec<u8>, PrintError> {
    let (pw, ph) = pixel_size(w_mm, h_mm, dpi);
    // One canvas per thread, reused from sheet to sheet: a fresh 70 MB page for each sheet
    // cost more in page faults than its drawing on the smaller sheets.
    thread_local! {
        static CANVAS: std::cell::RefCell<Option<tiny_skia::Pixmap>> =
            const { std::cell::RefCell::new(None) };
    }
    CANVAS.with_borrow_mut(|cached| {
        let mut pixmap = match cached.take() {
            Some(p) if (p.width(), p.height()) == (pw, ph) => p,
            _ => tiny_skia::Pixmap::new(pw, ph)
                .ok_or_else(|| err("PNG", format!("cannot allocate {pw} × {ph} pixels")))?,
        };
        pixmap.fill(tiny_skia::Color::WHITE);
        let size = tree.size();
        let t =
            tiny_skia::Transform::from_scale(pw as f32 / size.width(), ph as f32 / size.height());
        resvg::render(tree, t, &mut pixmap.as_mut());
        let bytes = encode_rgb(&pixmap).map_err(|e| err("PNG", e));
        *cached = Some(pixmap);
        Ok(with_phys(bytes?, dpi))
    })
}

/// Encodes an opaque pixmap (the page is filled white first, so every pixel has alpha 255 and
/// its premultiplied colour is its colour) as an 8-bit RGB PNG, deflated at level 1 after the
/// `Up` filter. Measured on an A3 sheet at 300 dpi: 0.08 s and 2.0 MB, where tiny-skia's own
/// encoder (RGBA, `Balanced`) took about 0.5 s for 1.7 MB, most of a sheet's rendering time;
/// `fdeflate` (`Compression::Fast`) was no faster here and wrote 2.7 MB.
fn encode_rgb(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(1));
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header()?;
    {
        // Row by row: no second copy of the page.
        let mut stream = writer.stream_writer()?;
        let mut row = Vec::with_capacity(pixmap.width() as usize * 3);
        for line in pixmap.data().chunks_exact(pixmap.width() as usize * 4) {
            row.clear();
            row.extend(line.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]));
            stream.write_all(&row)?;
        }
        stream.finish()?;
    }
    writer.finish()?;
    Ok(out)
}

/// Inserts a `pHYs` chunk (pixels per metre) after `IHDR`, so that print software knows the
/// intended resolution.
fn with_phys(png: Vec<u8>, dpi: u32) -> Vec<u8> {
    // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
    const AFTER_IHDR: usize = 8 + 25;
    if png.len() < AFTER_IHDR || &png[12..16] != b"IHDR" {
        return png;
    }
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    let mut body = Vec::with_capacity(13);
    body.extend_from_slice(b"pHYs");
    body.extend_from_slice(&ppm.to_be_bytes());
    body.extend_from_slice(&ppm.to_be_bytes());
    body.push(1); // unit: metre
    let mut crc = flate2::Crc::new();
    crc.update(&body);
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc.sum().to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..AFTER_IHDR]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[AFTER_IHDR..]);
    out
}

/// Renders the tree to a one-page PDF of `w_mm` × `h_mm`, text embedded as text.
///
/// # Errors
/// [`PrintError::Render`] when krilla cannot write the document.
pub fn pdf(
    tree: &usvg::Tree,
    w_mm: f64,
    h_mm: f64,
    title: &str,
    subject: &str,
) -> Result<Vec<u8>, PrintError> {
    let (wpt, hpt) = ((w_mm * PT_PER_MM) as f32, (h_mm * PT_PER_MM) as f32);
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .description(subject.to_owned())
            .creator(format!("gazmap {}", env!("CARGO_PKG_VERSION")))
            .language("en".to_owned()),
    );
    let settings = PageSettings::from_wh(wpt, hpt).ok_or_else(|| err("PDF", "empty page size"))?;
    let size = Size::from_wh(wpt, hpt).ok_or_else(|| err("PDF", "empty page size"))?;
    {
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        surface
            .draw_svg(tree, size, SvgSettings::default())
            .ok_or_else(|| err("PDF", "the SVG could not be drawn"))?;
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| err("PDF", format!("{e:?}")))
}

/// The shared font database (for tests and tools that lay out text the same way).
#[must_use]
pub fn fontdb() -> Arc<usvg::fontdb::Database> {
    options().fontdb
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="20mm" viewBox="0 0 50 20" font-family="DejaVu Sans"><rect width="50" height="20" fill="#ffffff"/><text x="2" y="12" font-size="6">Воркута</text></svg>"##;

    #[test]
    fn png_has_the_size_for_the_dpi_and_a_phys_chunk() {
        let tree = parse(SVG).unwrap();
        let bytes = png(&tree, 50.0, 20.0, 150).unwrap();
        let (w, h) = pixel_size(50.0, 20.0, 150);
        assert_eq!((w, h), (295, 118));
        assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), w);
        assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), h);
        assert_eq!(&bytes[37..41], b"pHYs");
        // 150 dpi = 5906 pixels per metre.
        assert_eq!(u32::from_be_bytes(bytes[41..45].try_into().unwrap()), 5906);
        // Text was drawn: some pixels are dark.
        let pixmap = tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        let dark = pixmap.pixels().iter().filter(|p| p.red() < 100).count();
        assert!(dark > 100, "{dark}");
    }

    #[test]
    fn the_rgb_encoding_keeps_every_pixel() {
        let tree = parse(SVG).unwrap();
        let (w, h) = pixel_size(50.0, 20.0, 150);
        let mut pixmap = tiny_skia::Pixmap::new(w, h).unwrap();
        pixmap.fill(tiny_skia::Color::WHITE);
        let size = tree.size();
        let t = tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
        resvg::render(&tree, t, &mut pixmap.as_mut());
        let ours = tiny_skia::Pixmap::decode_png(&encode_rgb(&pixmap).unwrap()).unwrap();
        let theirs = tiny_skia::Pixmap::decode_png(&pixmap.encode_png().unwrap()).unwrap();
        assert_eq!(ours.data(), theirs.data());
        assert!(ours.pixels().iter().any(|p| p.red() < 100));
    }

    #[test]
    fn the_font_database_holds_only_dejavu() {
        let db = fontdb();
        let families: std::collections::BTreeSet<String> = db
            .faces()
            .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
            .collect();
        assert_eq!(families.into_iter().collect::<Vec<_>>(), ["DejaVu Sans"]);
        assert_eq!(db.len(), 3);
    }
}
