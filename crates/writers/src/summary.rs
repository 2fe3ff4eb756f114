//! Document-level counts shared by the JSON and HTML outputs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use unspin_document::{layers, Document};

/// Counts that describe a document's technique layer at a glance.
///
/// Part of the JSON wire format (`summary`), and shown in the HTML report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Words in the text: whitespace-separated tokens that contain at least
    /// one letter or digit (so a lone dash or quote mark is not a word).
    pub words: usize,
    /// Spans in the `technique` layer.
    pub technique_spans: usize,
    /// `technique_spans * 1000 / words`, rounded to two decimals; 0 when the
    /// text has no words.
    pub spans_per_1000_words: f64,
    /// Number of spans per technique label, for labels that occur.
    pub techniques: BTreeMap<String, usize>,
}

/// Counts words and technique spans of `doc`.
///
/// ```
/// use unspin_document::{layers, Document, Span};
///
/// let mut doc = Document::new("d", "A truly shocking \u{2014} and shameful \u{2014} decision.");
/// doc.add_span(layers::TECHNIQUE, Span::new(2, 16, "Loaded_Language").unwrap()).unwrap();
/// let s = unspin_writers::summarize(&doc);
/// assert_eq!(s.words, 6); // the em dashes are not words
/// assert_eq!(s.techniques["Loaded_Language"], 1);
/// assert_eq!(s.spans_per_1000_words, 166.67);
/// ```
pub fn summarize(doc: &Document) -> Summary {
    let words = count_words(doc.text());
    let spans = doc.layer(layers::TECHNIQUE);
    let mut techniques = BTreeMap::new();
    for span in spans {
        *techniques.entry(span.label.clone()).or_insert(0) += 1;
    }
    let spans_per_1000_words = if words == 0 {
        0.0
    } else {
        (spans.len() as f64 * 1000.0 / words as f64 * 100.0).round() / 100.0
    };
    Summary {
        words,
        technique_spans: spans.len(),
        spans_per_1000_words,
        techniques,
    }
}

fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  \n\t "), 0);
        assert_eq!(
            count_words("Fran\u{e7}ois \u{2014} \u{201c}yes\u{201d}, 3 times\u{2026}"),
            4
        );
    }

    #[test]
    fn empty_document() {
        let s = summarize(&Document::new("d", ""));
        assert_eq!(s, Summary::default());
    }
}
