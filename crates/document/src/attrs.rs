//! Typed span attributes: every attribute key unspin writes, declared once.
//!
//! A key knows the type of its value, so a writer cannot read a number where a
//! stage wrote a string:
//!
//! ```
//! use unspin_document::{attrs, Span};
//!
//! let span = Span::new(0, 4, "direct").unwrap()
//!     .with(attrs::ID, "q1".to_string())
//!     .with(attrs::QUOTED, true);
//! assert_eq!(span.get(attrs::ID).as_deref(), Some("q1"));
//! assert_eq!(span.get(attrs::QUOTED), Some(true));
//! assert_eq!(span.get(attrs::SPEAKER), None);
//! ```
//!
//! Which layer carries which key is documented on the layer names in
//! [`layers`](crate::layers).

use std::marker::PhantomData;

use serde_json::Value;

/// The name of a span attribute and the type of its value.
pub struct AttrKey<T> {
    name: &'static str,
    _value: PhantomData<fn() -> T>,
}

impl<T> AttrKey<T> {
    /// A key named `name` whose values are `T`s.
    pub const fn new(name: &'static str) -> AttrKey<T> {
        AttrKey {
            name,
            _value: PhantomData,
        }
    }

    /// The key as it appears in `Span::attrs` and in the JSON output.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<T> Clone for AttrKey<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for AttrKey<T> {}

impl<T> std::fmt::Debug for AttrKey<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AttrKey({:?})", self.name)
    }
}

/// A type an attribute value can have: converts to and from JSON.
pub trait AttrValue: Sized {
    /// The value as JSON (how it is stored and written).
    fn to_value(self) -> Value;
    /// The value read back; `None` when the JSON has another type.
    fn from_value(value: &Value) -> Option<Self>;
}

impl AttrValue for String {
    fn to_value(self) -> Value {
        Value::String(self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        value.as_str().map(str::to_string)
    }
}

impl AttrValue for bool {
    fn to_value(self) -> Value {
        Value::Bool(self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}

impl AttrValue for f64 {
    fn to_value(self) -> Value {
        serde_json::Number::from_f64(self).map_or(Value::Null, Value::Number)
    }
    fn from_value(value: &Value) -> Option<Self> {
        value.as_f64()
    }
}

impl AttrValue for f32 {
    fn to_value(self) -> Value {
        f64::from(self).to_value()
    }
    fn from_value(value: &Value) -> Option<Self> {
        value.as_f64().map(|v| v as f32)
    }
}

impl AttrValue for Value {
    fn to_value(self) -> Value {
        self
    }
    fn from_value(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

// --- technique ---------------------------------------------------------------

/// `technique`: one sentence saying why the span got its technique.
pub const EXPLANATION: AttrKey<String> = AttrKey::new("explanation");
/// `technique` (neural tier): calibrated probability that the span is propaganda.
pub const SPAN_SCORE: AttrKey<f32> = AttrKey::new("span_score");
/// `technique` (neural tier): probability of the technique given the span.
pub const TECHNIQUE_SCORE: AttrKey<f32> = AttrKey::new("technique_score");

// --- structure -----------------------------------------------------------------

/// `link`: the link's target URL.
pub const HREF: AttrKey<String> = AttrKey::new("href");
/// `blockquote`: the citation line that names the quote's source.
pub const CITATION: AttrKey<String> = AttrKey::new("citation");
/// `blockquote`: how the reader found the block quote (`markdown` for `>`
/// syntax, `lead-in` for a paragraph introduced by a lead-in sentence).
pub const CITATION_FROM: AttrKey<String> = AttrKey::new("source");
/// `blockquote` (label `epigraph`): the person or work an epigraph is
/// attributed to.
pub const ATTRIBUTION: AttrKey<String> = AttrKey::new("attribution");
/// `boilerplate` (label `tags`): the name of a tag line's field ("Tags").
pub const TAG_FIELD: AttrKey<String> = AttrKey::new("field");
/// `boilerplate` (label `tags`): the values of a tag line, an array of strings.
pub const TAG_VALUES: AttrKey<Value> = AttrKey::new("values");

// --- sourcing ------------------------------------------------------------------

/// `quote`, `claim`: the span's id within the document (`q1`, `c1`, ...).
pub const ID: AttrKey<String> = AttrKey::new("id");
/// `quote`: the resolved speaker's name.
pub const SPEAKER: AttrKey<String> = AttrKey::new("speaker");
/// `quote`: the speaker's source kind (`person`, `news_outlet`, ...).
pub const SPEAKER_KIND: AttrKey<String> = AttrKey::new("speaker_kind");
/// `quote`: the cue's text ("said").
pub const CUE: AttrKey<String> = AttrKey::new("cue");
/// `quote`: where the quote appeared (a newspaper, a blog).
pub const MEDIUM: AttrKey<String> = AttrKey::new("medium");
/// `speaker`, `cue`: the id of the quote they belong to.
pub const QUOTE_ID: AttrKey<String> = AttrKey::new("quote");
/// `speaker`, `source`: the resolved or canonical name.
pub const NAME: AttrKey<String> = AttrKey::new("name");
/// `source`: how the source is used: `quoted`, `cited` or `linked`.
pub const ROLE: AttrKey<String> = AttrKey::new("role");
/// `source`: the URL cited, when it was a link.
pub const URL: AttrKey<String> = AttrKey::new("url");
/// `hedge`: the normalised marker ("reportedly").
pub const MARKER: AttrKey<String> = AttrKey::new("marker");
/// `hedge`: the id of the claim the marker qualifies.
pub const CLAIM_ID: AttrKey<String> = AttrKey::new("claim");
/// `claim`: `hedged`, `boosted` or `plain`.
pub const CERTAINTY: AttrKey<String> = AttrKey::new("certainty");
/// `claim`: the quantities in the sentence, an array of `{text, value, unit}`.
pub const QUANTITIES: AttrKey<Value> = AttrKey::new("quantities");
/// `claim`: the sentence is inside a quote.
pub const QUOTED: AttrKey<bool> = AttrKey::new("quoted");

/// Every key above, by name (for documentation checks).
pub const ALL_NAMES: [&str; 23] = [
    EXPLANATION.name(),
    SPAN_SCORE.name(),
    TECHNIQUE_SCORE.name(),
    HREF.name(),
    CITATION.name(),
    CITATION_FROM.name(),
    ATTRIBUTION.name(),
    TAG_FIELD.name(),
    TAG_VALUES.name(),
    ID.name(),
    SPEAKER.name(),
    SPEAKER_KIND.name(),
    CUE.name(),
    MEDIUM.name(),
    QUOTE_ID.name(),
    NAME.name(),
    ROLE.name(),
    URL.name(),
    MARKER.name(),
    CLAIM_ID.name(),
    CERTAINTY.name(),
    QUANTITIES.name(),
    QUOTED.name(),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{layers, Document, Span};

    fn span() -> Span {
        Span::new(0, 4, "direct").unwrap()
    }

    #[test]
    fn a_value_of_another_type_reads_as_none() {
        let s = span()
            .with(ID, "q1".to_string())
            .with(QUOTED, true)
            .with(SPAN_SCORE, 0.25);
        // The same names read with keys of another type.
        assert_eq!(s.get(AttrKey::<bool>::new(ID.name())), None);
        assert_eq!(s.get(AttrKey::<f64>::new(ID.name())), None);
        assert_eq!(s.get(AttrKey::<String>::new(QUOTED.name())), None);
        assert_eq!(s.get_str(AttrKey::new(SPAN_SCORE.name())), None);
        // Written untyped with the wrong type: still None, never a panic.
        let s = span()
            .with_attr(QUOTED.name(), "yes")
            .with_attr(ID.name(), 7);
        assert_eq!(s.get(QUOTED), None);
        assert_eq!(s.get(ID), None);
        assert_eq!(s.get_str(ID), None);
        // Absent.
        assert_eq!(s.get(SPEAKER), None);
        // A `Value` key reads anything.
        assert_eq!(
            s.get(AttrKey::<Value>::new(ID.name())),
            Some(Value::from(7))
        );
    }

    #[test]
    fn set_replaces_and_with_is_set() {
        let mut s = span().with(NAME, "Lang".to_string());
        s.set(NAME, "W. Patrick Lang".to_string());
        assert_eq!(s.get_str(NAME), Some("W. Patrick Lang"));
        assert_eq!(s.attrs.len(), 1);
        assert_eq!(s.attrs[NAME.name()], Value::from("W. Patrick Lang"));
    }

    #[test]
    fn non_finite_numbers_are_stored_as_null_and_read_as_none() {
        let s = span().with(SPAN_SCORE, f32::NAN);
        assert_eq!(s.attrs[SPAN_SCORE.name()], Value::Null);
        assert_eq!(s.get(SPAN_SCORE), None);
    }

    #[test]
    fn typed_attrs_survive_a_json_round_trip_of_a_document() {
        let text = "Caf\u{e9} \u{201c}talks\u{201d} failed, Lang said.";
        let mut doc = Document::new("d", text);
        let q = text.find("talks").unwrap();
        let quantities = serde_json::json!([{"text": "3 men", "value": 3.0, "unit": "men"}]);
        doc.add_span(
            layers::QUOTE,
            Span::new(q, q + 5, "direct")
                .unwrap()
                .with(ID, "q1".to_string())
                .with(SPEAKER, "W. Patrick Lang".to_string()),
        )
        .unwrap();
        doc.add_span(
            layers::CLAIM,
            Span::new(0, text.len(), "claim")
                .unwrap()
                .with(CERTAINTY, "plain".to_string())
                .with(QUOTED, false)
                .with(QUANTITIES, quantities.clone()),
        )
        .unwrap();
        doc.add_span(
            layers::TECHNIQUE,
            Span::new(q, q + 5, "Loaded_Language")
                .unwrap()
                .with(SPAN_SCORE, 0.8125)
                .with(TECHNIQUE_SCORE, 0.1f32),
        )
        .unwrap();
        let back: Document = serde_json::from_str(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(back, doc);
        let quote = &back.layer(layers::QUOTE)[0];
        assert_eq!(quote.get_str(ID), Some("q1"));
        assert_eq!(quote.get(SPEAKER).as_deref(), Some("W. Patrick Lang"));
        let claim = &back.layer(layers::CLAIM)[0];
        assert_eq!(claim.get(QUOTED), Some(false));
        assert_eq!(claim.get(QUANTITIES), Some(quantities));
        assert_eq!(claim.get_str(CERTAINTY), Some("plain"));
        let technique = &back.layer(layers::TECHNIQUE)[0];
        assert_eq!(technique.get(SPAN_SCORE), Some(0.8125));
        // f32 -> JSON (f64) -> f32 gives the same f32 back.
        assert_eq!(technique.get(TECHNIQUE_SCORE), Some(0.1f32));
    }

    #[test]
    fn every_key_is_listed_once() {
        let mut names = ALL_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL_NAMES.len());
        assert!(names.iter().all(|n| !n.is_empty()));
    }
}
