//! Output formats and [`render`].

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use unspin_document::Document;

use crate::error::AnalysisError;

/// The formats an analysed document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// The unspin JSON format, pretty-printed (`docs/json-format.md`).
    Json,
    /// The same JSON on one line (for JSON Lines and HTTP responses).
    #[serde(rename = "jsonl")]
    JsonLine,
    /// A standalone HTML report with the fragments highlighted.
    Html,
    /// PTC / SemEval technique label lines, `id<TAB>technique<TAB>start<TAB>end`.
    Ptc,
}

impl OutputFormat {
    /// Every format.
    pub const ALL: [OutputFormat; 4] = [
        OutputFormat::Json,
        OutputFormat::JsonLine,
        OutputFormat::Html,
        OutputFormat::Ptc,
    ];

    /// The format's name (`json`, `jsonl`, `html`, `ptc`).
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::JsonLine => "jsonl",
            OutputFormat::Html => "html",
            OutputFormat::Ptc => "ptc",
        }
    }

    /// The extension of a file in this format (`json`, `jsonl`, `html`, `labels`).
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::JsonLine => "jsonl",
            OutputFormat::Html => "html",
            OutputFormat::Ptc => "labels",
        }
    }

    /// The HTTP media type of a response in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            OutputFormat::Json | OutputFormat::JsonLine => "application/json",
            OutputFormat::Html => "text/html; charset=utf-8",
            OutputFormat::Ptc => "text/plain; charset=utf-8",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not `json`, `jsonl`, `html` or `ptc`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?}; available formats: json, jsonl, html, ptc")]
pub struct UnknownFormat(pub String);

impl FromStr for OutputFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<OutputFormat, UnknownFormat> {
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Writes `doc` in `format`.
///
/// # Errors
/// When the writer fails (e.g. a span that does not fit the text).
pub fn render(doc: &Document, format: OutputFormat) -> Result<String, AnalysisError> {
    match format {
        OutputFormat::Json => unspin_writers::to_json(doc).map_err(AnalysisError::Json),
        OutputFormat::JsonLine => unspin_writers::to_json_line(doc).map_err(AnalysisError::Json),
        OutputFormat::Html => unspin_writers::to_html(doc).map_err(AnalysisError::Html),
        OutputFormat::Ptc => unspin_writers::to_ptc_labels(doc).map_err(AnalysisError::Ptc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name() {
        for f in OutputFormat::ALL {
            assert_eq!(f.name().parse(), Ok(f));
        }
        assert!("pdf".parse::<OutputFormat>().is_err());
        let doc = Document::new("d", "Some text.");
        let one_line = render(&doc, OutputFormat::JsonLine).unwrap();
        assert!(!one_line.contains('\n'));
        assert!(render(&doc, OutputFormat::Json).unwrap().contains('\n'));
        assert!(render(&doc, OutputFormat::Html).unwrap().contains("<html"));
        assert_eq!(render(&doc, OutputFormat::Ptc).unwrap(), "");
    }
}
