//! An indenting XML 1.0 writer for the QGIS files (QML styles, `.qgs` projects), on quick-xml.
//!
//! It only writes: a doctype, elements, attributes (in the order given, so output is
//! deterministic), text and already-rendered fragments. Text and attribute values are escaped;
//! characters XML 1.0 forbids (most C0 controls) are dropped; line breaks inside attribute values
//! are written as `&#10;` so parsers keep them.

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

/// Escapes `s` for use in an attribute value or in text.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Builds an XML document element by element on [`quick_xml::Writer`] (two-space indentation, one
/// element per line, every line ending in a newline). Values go through [`escape`] rather than
/// quick-xml's escaping, which keeps raw line breaks (attribute normalisation would turn them into
/// spaces) and control characters XML 1.0 forbids.
pub struct XmlWriter {
    w: quick_xml::Writer<Vec<u8>>,
    stack: Vec<String>,
}

impl std::fmt::Debug for XmlWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlWriter")
            .field("open", &self.stack)
            .finish_non_exhaustive()
    }
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self {
            w: quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2),
            stack: vec![],
        }
    }
}

impl XmlWriter {
    /// An empty document (no XML declaration: QGIS files start with a `<!DOCTYPE>`).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    // Writing into a `Vec` cannot fail, so the `io::Result`s of quick-xml are dropped.
    fn event(&mut self, e: Event<'_>) {
        let _ = self.w.write_event(e);
    }

    fn start<'a>(tag: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut e = BytesStart::new(tag);
        for (k, v) in attrs {
            let v = escape(v);
            e.push_attribute(Attribute::from((k.as_bytes(), v.as_bytes())));
        }
        e
    }

    /// Writes `<!DOCTYPE text>` (first, before the root element).
    pub fn doctype(&mut self, text: &str) {
        self.event(Event::DocType(BytesText::from_escaped(text)));
    }

    /// Appends a multi-line fragment (rendered by another writer) as it is, indenting each line to
    /// the current depth.
    pub fn fragment(&mut self, text: &str) {
        for line in text.lines() {
            if !self.w.get_ref().is_empty() {
                let _ = self.w.write_indent();
            }
            self.w.get_mut().extend_from_slice(line.as_bytes());
        }
    }

    /// Opens `<tag attrs...>`; close it with [`Self::close`].
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(Self::start(tag, attrs)));
        self.stack.push(tag.to_owned());
    }

    /// Writes `<tag attrs.../>`.
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(Self::start(tag, attrs)));
    }

    /// Writes `<tag attrs...>text</tag>`.
    pub fn text(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.event(Event::Start(Self::start(tag, attrs)));
        self.event(Event::Text(BytesText::from_escaped(escape(text))));
        self.event(Event::End(BytesEnd::new(tag)));
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) {
        if let Some(tag) = self.stack.pop() {
            self.event(Event::End(BytesEnd::new(tag)));
        }
    }

    /// Closes every open element and returns the text, ending in a newline.
    #[must_use]
    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.close();
        }
        let mut bytes = self.w.into_inner();
        if !bytes.is_empty() {
            bytes.push(b'\n');
        }
        // Only `&str`s went in, so this is UTF-8.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_nests() {
        let mut x = XmlWriter::new();
        x.open("a", &[("k", "1 < 2 & \"q\"\nnext")]);
        x.text("b", &[], "x\u{1}y");
        x.empty("c", &[("v", "'")]);
        let s = x.finish();
        assert_eq!(
            s,
            "<a k=\"1 &lt; 2 &amp; &quot;q&quot;&#10;next\">\n  <b>xy</b>\n  <c v=\"&apos;\"/>\n</a>\n"
        );
    }

    #[test]
    fn doctype_fragments_and_empty_elements_keep_one_per_line() {
        let mut x = XmlWriter::new();
        x.doctype("qgis PUBLIC 'x' 'SYSTEM'");
        x.open("qgis", &[("v", "1")]);
        x.fragment("<p>\n  <q/>\n</p>");
        x.open("empty", &[]);
        x.close();
        x.text("t", &[], "");
        let s = x.finish();
        assert_eq!(
            s,
            "<!DOCTYPE qgis PUBLIC 'x' 'SYSTEM'>\n<qgis v=\"1\">\n  <p>\n    <q/>\n  </p>\n  \
             <empty>\n  </empty>\n  <t></t>\n</qgis>\n"
        );
    }
}
