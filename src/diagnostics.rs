//! Findings about an atlas: errors that stop a build and warnings that do not, each pointing at
//! the file, line and column of the value it is about.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The atlas cannot be built until this is fixed.
    Error,
    /// Worth a look; the build goes on.
    Warning,
}

/// One problem, located in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The input file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column (CSV field number) and the column's name, when known.
    pub column: Option<(usize, String)>,
    /// The offending value, verbatim.
    pub value: Option<String>,
    /// What is wrong, and where possible how to fix it.
    pub message: String,
}

impl Finding {
    /// An error about a whole file or a row.
    #[must_use]
    pub fn error(file: &Path, line: Option<u64>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            column: None,
            value: None,
            message: message.into(),
        }
    }

    /// A warning about a whole file or a row.
    #[must_use]
    pub fn warning(file: &Path, line: Option<u64>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, line, message)
        }
    }

    /// Points the finding at a column and the value found there.
    #[must_use]
    pub fn at(mut self, column: Option<(usize, String)>, value: impl Into<String>) -> Self {
        self.column = column;
        self.value = Some(value.into());
        self
    }

    /// True for errors.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some((col, _)) = &self.column {
            write!(f, ":{col}")?;
        }
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {word}: ")?;
        // An unnamed column is a character position (a byte of text), not a CSV column.
        if let Some((_, name)) = self.column.as_ref().filter(|(_, n)| !n.is_empty()) {
            write!(f, "column `{name}`: ")?;
        }
        if let Some(value) = &self.value {
            write!(f, "value `{value}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Sorts findings by file, line and column so reports read top to bottom.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column.as_ref().map(|c| c.0), &a.message).cmp(&(
            &b.file,
            b.line,
            b.column.as_ref().map(|c| c.0),
            &b.message,
        ))
    });
}
