//! Standoff spans.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attrs::{AttrKey, AttrValue};

/// Why a [`Span`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpanError {
    /// `start` lies after `end`.
    #[error("span start {start} is after its end {end}")]
    Reversed {
        /// The offending start.
        start: usize,
        /// The offending end.
        end: usize,
    },
    /// An offset lies outside the text or inside a multi-byte character.
    #[error("span {start}..{end} does not fit text of {len} bytes on character boundaries")]
    OutOfText {
        /// Start byte offset.
        start: usize,
        /// End byte offset.
        end: usize,
        /// Text length in bytes.
        len: usize,
    },
}

/// A labelled region of a document's text: `[start, end)` in **UTF-8 bytes**.
///
/// The offsets are private so that `start <= end` always holds; a document
/// additionally checks that they fall on character boundaries when the span
/// is added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    start: usize,
    end: usize,
    /// The span's label, e.g. a PTC technique name such as `Loaded_Language`.
    pub label: String,
    /// Confidence in `[0, 1]`; 1.0 for gold or rule-certain spans.
    pub score: f32,
    /// Which model or rule produced the span (e.g. `fast-linear@1`).
    pub provenance: Option<String>,
    /// Free-form attributes (an explanation, a speaker, a normalised number…).
    pub attrs: BTreeMap<String, serde_json::Value>,
}

impl Span {
    /// A span `[start, end)` in bytes with a label, score 1 and no attributes.
    ///
    /// # Errors
    /// [`SpanError::Reversed`] when `start > end`.
    pub fn new(start: usize, end: usize, label: impl Into<String>) -> Result<Span, SpanError> {
        if start > end {
            return Err(SpanError::Reversed { start, end });
        }
        Ok(Span {
            start,
            end,
            label: label.into(),
            score: 1.0,
            provenance: None,
            attrs: BTreeMap::new(),
        })
    }

    /// Sets the score (builder style).
    pub fn with_score(mut self, score: f32) -> Span {
        self.score = score;
        self
    }

    /// Sets the provenance (builder style).
    pub fn with_provenance(mut self, provenance: impl Into<String>) -> Span {
        self.provenance = Some(provenance.into());
        self
    }

    /// Adds one attribute (builder style).
    pub fn with_attr(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Span {
        self.attrs.insert(key.into(), value.into());
        self
    }

    /// Sets a typed attribute (builder style).
    pub fn with<T: AttrValue>(mut self, key: AttrKey<T>, value: T) -> Span {
        self.set(key, value);
        self
    }

    /// Sets a typed attribute.
    pub fn set<T: AttrValue>(&mut self, key: AttrKey<T>, value: T) {
        self.attrs.insert(key.name().to_string(), value.to_value());
    }

    /// A typed attribute; `None` when absent or of another type.
    pub fn get<T: AttrValue>(&self, key: AttrKey<T>) -> Option<T> {
        self.attrs.get(key.name()).and_then(T::from_value)
    }

    /// A string attribute without copying it; `None` when absent or not a string.
    pub fn get_str(&self, key: AttrKey<String>) -> Option<&str> {
        self.attrs.get(key.name()).and_then(|v| v.as_str())
    }

    /// Start byte offset (inclusive).
    pub fn start(&self) -> usize {
        self.start
    }

    /// End byte offset (exclusive).
    pub fn end(&self) -> usize {
        self.end
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no text.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Number of bytes shared with `other`.
    pub fn overlap(&self, other: &Span) -> usize {
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }

    /// Moves the span to new offsets, keeping label, score and attributes.
    ///
    /// # Errors
    /// [`SpanError::Reversed`] when `start > end`.
    pub fn set_offsets(&mut self, start: usize, end: usize) -> Result<(), SpanError> {
        if start > end {
            return Err(SpanError::Reversed { start, end });
        }
        self.start = start;
        self.end = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversed_is_an_error() {
        assert_eq!(
            Span::new(5, 2, "x"),
            Err(SpanError::Reversed { start: 5, end: 2 })
        );
    }

    #[test]
    fn overlap_counts_shared_bytes() {
        let a = Span::new(0, 10, "a").unwrap();
        let b = Span::new(5, 20, "b").unwrap();
        let c = Span::new(10, 12, "c").unwrap();
        assert_eq!(a.overlap(&b), 5);
        assert_eq!(a.overlap(&c), 0);
        assert_eq!(b.overlap(&a), 5);
    }
}
