//! The document: text, metadata and span layers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Alignment, CharIndex, Span, SpanError, Warning};

/// What is known about an article besides its text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Headline.
    pub title: Option<String>,
    /// Authors as written in the byline, in order; empty when unknown.
    pub authors: Vec<String>,
    /// Publication date or date-time, ISO 8601.
    pub published: Option<String>,
    /// The outlet that published the page (e.g. "Global Research").
    pub site_name: Option<String>,
    /// The outlet a cross-posted article names as its original source.
    pub original_source: Option<String>,
    /// Where the article was read from (URL or path).
    pub url: Option<String>,
    /// The canonical URL the page declares, when it differs from `url`.
    pub canonical_url: Option<String>,
    /// BCP 47 language tag, when known.
    pub language: Option<String>,
}

/// Why a span could not be added to a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The span's offsets do not fit the text.
    #[error(transparent)]
    Span(#[from] SpanError),
}

/// One article: its text, its metadata and any number of named span layers.
///
/// The text never changes after construction; stages add layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// A stable identifier (file stem, PTC article id, JSONL `id`).
    pub id: String,
    text: String,
    /// Article metadata.
    pub metadata: Metadata,
    layers: BTreeMap<String, Vec<Span>>,
    /// Where each part of `text` came from in the input, for readers that
    /// clean their input (HTML, Markdown); `None` when the text is the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<Alignment>,
    /// What a reader must know before trusting the analysis (another
    /// language, too short, garbled), in the order found; empty when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

impl Document {
    /// A document with no metadata and no layers.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            metadata: Metadata::default(),
            layers: BTreeMap::new(),
            alignment: None,
            warnings: Vec::new(),
        }
    }

    /// The article text (the coordinate space of every span).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A code point index over the text, for converting offsets at the edges.
    pub fn char_index(&self) -> CharIndex {
        CharIndex::new(&self.text)
    }

    /// Adds a span to `layer`, creating the layer if needed.
    ///
    /// # Errors
    /// When the span's offsets lie outside the text or not on character
    /// boundaries.
    pub fn add_span(&mut self, layer: &str, span: Span) -> Result<(), DocumentError> {
        self.check(&span)?;
        self.layers.entry(layer.to_string()).or_default().push(span);
        Ok(())
    }

    /// Replaces `layer` with `spans` (sorted by start, then longest first).
    ///
    /// # Errors
    /// When any span does not fit the text; the layer is then left unchanged.
    pub fn set_layer(&mut self, layer: &str, mut spans: Vec<Span>) -> Result<(), DocumentError> {
        for s in &spans {
            self.check(s)?;
        }
        spans.sort_by(|a, b| a.start().cmp(&b.start()).then(b.end().cmp(&a.end())));
        self.layers.insert(layer.to_string(), spans);
        Ok(())
    }

    /// Removes `layer` and returns its spans (`None` when it was not assigned).
    pub fn remove_layer(&mut self, layer: &str) -> Option<Vec<Span>> {
        self.layers.remove(layer)
    }

    /// The spans of `layer`, empty when the layer does not exist.
    pub fn layer(&self, layer: &str) -> &[Span] {
        self.layers.get(layer).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True when `layer` has been assigned (even if empty).
    pub fn has_layer(&self, layer: &str) -> bool {
        self.layers.contains_key(layer)
    }

    /// All layers by name.
    pub fn layers(&self) -> &BTreeMap<String, Vec<Span>> {
        &self.layers
    }

    /// The text a span covers.
    ///
    /// # Panics
    /// Only if `span` was not checked against this document (spans obtained
    /// from this document's layers are always valid).
    pub fn span_text(&self, span: &Span) -> &str {
        &self.text[span.start()..span.end()]
    }

    fn check(&self, span: &Span) -> Result<(), SpanError> {
        let (s, e) = (span.start(), span.end());
        if e > self.text.len() || !self.text.is_char_boundary(s) || !self.text.is_char_boundary(e) {
            return Err(SpanError::OutOfText {
                start: s,
                end: e,
                len: self.text.len(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_spans_outside_or_inside_a_character() {
        let mut doc = Document::new("d", "\u{201c}hi\u{201d}");
        assert!(doc.add_span("x", Span::new(0, 100, "x").unwrap()).is_err());
        assert!(doc.add_span("x", Span::new(1, 3, "x").unwrap()).is_err());
        assert!(doc.add_span("x", Span::new(3, 5, "x").unwrap()).is_ok());
        assert_eq!(doc.span_text(&doc.layer("x")[0]), "hi");
    }

    #[test]
    fn set_layer_sorts_and_missing_layer_is_empty() {
        let mut doc = Document::new("d", "abcdef");
        let spans = vec![
            Span::new(3, 4, "b").unwrap(),
            Span::new(0, 2, "a").unwrap(),
            Span::new(0, 5, "c").unwrap(),
        ];
        doc.set_layer("t", spans).unwrap();
        let labels: Vec<_> = doc.layer("t").iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["c", "a", "b"]);
        assert!(doc.layer("nope").is_empty());
        assert!(!doc.has_layer("nope"));
    }
}
