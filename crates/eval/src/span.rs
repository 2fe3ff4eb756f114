//! The annotation unit that every scorer takes.

use serde::{Deserialize, Serialize};

/// One annotated fragment of an article, as found in PTC / SemEval files.
///
/// `[start, end)` are **Unicode code point** offsets into the article text
/// (end exclusive), the convention of the PTC `.labels` files. The same type
/// holds gold annotations and predictions.
///
/// The fields are public so that callers can build spans from any source;
/// the parsers reject `start > end`, and the scorers treat a span with
/// `end <= start` as covering no text (see [`LabeledSpan::len`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LabeledSpan {
    /// The article identifier (first column of a PTC line, e.g. `111111112`).
    pub article: String,
    /// The PTC technique label; `None` for span-identification (SI) lines.
    pub technique: Option<String>,
    /// Start code point offset (inclusive).
    pub start: usize,
    /// End code point offset (exclusive).
    pub end: usize,
}

impl LabeledSpan {
    /// A span without a technique, as in SI files.
    pub fn si(article: impl Into<String>, start: usize, end: usize) -> LabeledSpan {
        LabeledSpan {
            article: article.into(),
            technique: None,
            start,
            end,
        }
    }

    /// A span with a technique, as in TC / `.labels` files.
    pub fn tc(
        article: impl Into<String>,
        technique: impl Into<String>,
        start: usize,
        end: usize,
    ) -> LabeledSpan {
        LabeledSpan {
            article: article.into(),
            technique: Some(technique.into()),
            start,
            end,
        }
    }

    /// Number of code points covered; 0 when `end <= start`.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
