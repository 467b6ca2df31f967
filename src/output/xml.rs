//! A small indenting XML 1.0 writer for the QGIS files (QML styles, `.qgs` projects).
//!
//! It only writes: elements, attributes (in the order given, so output is deterministic), text
//! and already-rendered fragments. Text and attribute values are escaped; characters XML 1.0
//! forbids (most C0 controls) are dropped; line breaks inside attribute values are written as
//! `&#10;` so parsers keep them.

use std::fmt::Write;

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

/// Builds an XML document element by element.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
    stack: Vec<String>,
}

impl XmlWriter {
    /// An empty document (no XML declaration: QGIS files start with a `<!DOCTYPE>`).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn indent(&mut self) {
        for _ in 0..self.stack.len() {
            self.buf.push_str("  ");
        }
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(tag);
        for (k, v) in attrs {
            let _ = write!(self.buf, " {k}=\"{}\"", escape(v));
        }
    }

    /// Appends a line as it is (a DOCTYPE, or a fragment rendered by another writer).
    pub fn raw_line(&mut self, line: &str) {
        self.indent();
        self.buf.push_str(line);
        self.buf.push('\n');
    }

    /// Appends a multi-line fragment, indenting each line to the current depth.
    pub fn fragment(&mut self, text: &str) {
        for line in text.lines() {
            self.raw_line(line);
        }
    }

    /// Opens `<tag attrs...>`; close it with [`Self::close`].
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.buf.push_str(">\n");
        self.stack.push(tag.to_owned());
    }

    /// Writes `<tag attrs.../>`.
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.buf.push_str("/>\n");
    }

    /// Writes `<tag attrs...>text</tag>`.
    pub fn text(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(tag, attrs);
        let _ = writeln!(self.buf, ">{}</{tag}>", escape(text));
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) {
        if let Some(tag) = self.stack.pop() {
            self.indent();
            let _ = writeln!(self.buf, "</{tag}>");
        }
    }

    /// Closes every open element and returns the text.
    #[must_use]
    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.close();
        }
        self.buf
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
}
