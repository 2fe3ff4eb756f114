//! The evidence trail in the wire format: the `sourcing` object of the JSON
//! output, also the data behind the HTML report's "Evidence trail" section.
//!
//! Everything here is computed from the sourcing layers (`quote`, `source`,
//! `hedge`, `claim`; see [`unspin_document::layers::SOURCING`]) through the
//! typed attribute keys of [`unspin_document::attrs`], never from the
//! analysers themselves, so a document read back from JSON gives the same
//! object. Offsets are Unicode code points, like every offset in the format.
//!
//! * `summary.rs`: the counts ([`summarize_sourcing`]);
//! * `aggregate.rs`: the cited sources, de-duplicated ([`cited_sources`]);
//! * this file: quotes and check-worthy claims, and the whole object.

mod aggregate;
#[cfg(test)]
pub(crate) mod fixture;
mod summary;

use std::ops::Range;

use serde::{Deserialize, Serialize};
use unspin_document::{attrs, layers, CharIndex, Document, Span};

pub use aggregate::{cited_sources, JsonSource};
pub use summary::{summarize_sourcing, JsonSourcingSummary};

/// The layers whose presence means the sourcing analysis ran (all but
/// `entity`, which other analysers may write too).
fn is_sourcing_layer(layer: &str) -> bool {
    layer != layers::ENTITY && layers::SOURCING.contains(&layer)
}

/// An article's evidence trail (the top-level `sourcing` object): how it is
/// sourced in numbers, the sources it cites, its quotes and its
/// check-worthy claims. Written when the document has any of the sourcing
/// layers; ignored (recomputed from the layers) when read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonSourcing {
    /// Counts over quotes, sources and claims.
    pub summary: JsonSourcingSummary,
    /// The sources cited, de-duplicated, in order of first mention.
    pub sources: Vec<JsonSource>,
    /// The `quote` layer with its attributes, in text order.
    pub quotes: Vec<JsonQuote>,
    /// The check-worthy claims (score at least 0.5), in text order.
    pub claims: Vec<JsonClaim>,
}

/// One quote (an attribution's content) and who said it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonQuote {
    /// The quote id (`q1`, …), as in the `quote`, `speaker` and `cue` layers.
    pub id: String,
    /// `direct`, `indirect`, `mixed` or `block`.
    pub kind: String,
    /// The speaker's resolved name (a pronoun resolved to the person it
    /// refers to), or null when unknown.
    pub speaker: Option<String>,
    /// The speaker's source kind, or null.
    pub speaker_kind: Option<String>,
    /// The cue as written ("said", "according to"), or null.
    pub cue: Option<String>,
    /// Where the quote appeared (an outlet, a blog), or null.
    pub medium: Option<String>,
    /// Confidence in `[0, 1]`.
    pub score: f32,
    /// First code point of the quoted content.
    pub start: usize,
    /// Code point after it.
    pub end: usize,
    /// The quoted content.
    pub text: String,
}

/// One check-worthy claim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonClaim {
    /// The claim id (`c1`, …), as in the `claim` layer.
    pub id: String,
    /// Check-worthiness in `[0, 1]`.
    pub score: f32,
    /// `hedged`, `boosted` or `plain`.
    pub certainty: String,
    /// Whether the sentence is inside a quote.
    pub quoted: bool,
    /// Numbers in it: `{text, value, unit}` (the `quantities` attr).
    pub quantities: Vec<serde_json::Value>,
    /// The hedges and boosters inside it.
    pub markers: Vec<JsonMarker>,
    /// First code point of the sentence.
    pub start: usize,
    /// Code point after it.
    pub end: usize,
    /// The sentence.
    pub text: String,
}

/// A hedge or booster inside a claim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonMarker {
    /// `hedge` or `booster`.
    pub kind: String,
    /// The normalised marker ("reportedly", "of course").
    pub marker: String,
    /// First code point of the marker.
    pub start: usize,
    /// Code point after it.
    pub end: usize,
    /// The marker as written.
    pub text: String,
}

/// A check-worthy claim with the byte ranges of its markers, for the HTML
/// report.
pub(crate) struct ClaimData<'a> {
    pub(crate) span: &'a Span,
    pub(crate) markers: Vec<&'a Span>,
}

/// Whether the document has any of the sourcing layers.
pub(crate) fn has_sourcing(doc: &Document) -> bool {
    layers::SOURCING
        .iter()
        .any(|l| is_sourcing_layer(l) && doc.has_layer(l))
}

fn contains(outer: &Range<usize>, inner: &Span) -> bool {
    outer.start <= inner.start() && inner.end() <= outer.end
}

/// The check-worthy claims of `doc` in text order, each with the markers it
/// contains (by the marker's `claim` attr, or by position when the attr is
/// absent).
pub(crate) fn check_worthy_claims(doc: &Document) -> Vec<ClaimData<'_>> {
    let markers = doc.layer(layers::HEDGE);
    doc.layer(layers::CLAIM)
        .iter()
        .filter(|c| c.score >= layers::CHECK_WORTHY)
        .map(|c| {
            let id = c.get_str(attrs::ID);
            let range = c.start()..c.end();
            let markers = markers
                .iter()
                .filter(|m| match (m.get_str(attrs::CLAIM_ID), id) {
                    (Some(owner), Some(id)) => owner == id && contains(&range, m),
                    (Some(_), None) => false,
                    (None, _) => contains(&range, m),
                })
                .collect();
            ClaimData { span: c, markers }
        })
        .collect()
}

/// The evidence trail of `doc` as written to the JSON `sourcing` object, or
/// `None` when the document has none of the sourcing layers (`quote`,
/// `speaker`, `cue`, `source`, `hedge`, `claim`).
///
/// ```
/// use unspin_document::{attrs, layers, Document, Span};
///
/// let text = "\u{201c}We will win,\u{201d} Assad said.";
/// let mut doc = Document::new("d", text);
/// assert!(unspin_writers::sourcing_of(&doc).is_none());
/// let quote = Span::new(3, 14, "direct").unwrap()
///     .with(attrs::ID, "q1".to_string())
///     .with(attrs::SPEAKER, "Bashar al Assad".to_string());
/// doc.add_span(layers::QUOTE, quote).unwrap();
/// let s = unspin_writers::sourcing_of(&doc).unwrap();
/// assert_eq!(s.quotes[0].speaker.as_deref(), Some("Bashar al Assad"));
/// assert_eq!((s.quotes[0].start, s.quotes[0].end), (1, 12)); // code points
/// ```
pub fn sourcing_of(doc: &Document) -> Option<JsonSourcing> {
    build(doc, &doc.char_index())
}

/// [`sourcing_of`] with the document's character index at hand.
pub(crate) fn build(doc: &Document, index: &CharIndex) -> Option<JsonSourcing> {
    if !has_sourcing(doc) {
        return None;
    }
    let summary = summarize_sourcing(doc);
    let sources = cited_sources(doc);
    let quotes = doc
        .layer(layers::QUOTE)
        .iter()
        .enumerate()
        .map(|(i, q)| JsonQuote {
            id: q.get(attrs::ID).unwrap_or_else(|| format!("q{}", i + 1)),
            kind: q.label.clone(),
            speaker: q.get(attrs::SPEAKER),
            speaker_kind: q.get(attrs::SPEAKER_KIND),
            cue: q.get(attrs::CUE),
            medium: q.get(attrs::MEDIUM),
            score: finite(q.score),
            start: index.to_char(q.start()),
            end: index.to_char(q.end()),
            text: doc.span_text(q).to_string(),
        })
        .collect();
    let claims = check_worthy_claims(doc)
        .into_iter()
        .map(|c| JsonClaim {
            id: c.span.get(attrs::ID).unwrap_or_default(),
            score: finite(c.span.score),
            certainty: c
                .span
                .get(attrs::CERTAINTY)
                .unwrap_or_else(|| "plain".into()),
            quoted: c.span.get(attrs::QUOTED).unwrap_or(false),
            quantities: quantities(c.span),
            markers: c
                .markers
                .iter()
                .map(|m| JsonMarker {
                    kind: m.label.clone(),
                    marker: m
                        .get(attrs::MARKER)
                        .unwrap_or_else(|| doc.span_text(m).to_string()),
                    start: index.to_char(m.start()),
                    end: index.to_char(m.end()),
                    text: doc.span_text(m).to_string(),
                })
                .collect(),
            start: index.to_char(c.span.start()),
            end: index.to_char(c.span.end()),
            text: doc.span_text(c.span).to_string(),
        })
        .collect();
    Some(JsonSourcing {
        summary,
        sources,
        quotes,
        claims,
    })
}

/// A claim's [`QUANTITIES`](attrs::QUANTITIES): `[]` when absent or not an array.
pub(crate) fn quantities(claim: &Span) -> Vec<serde_json::Value> {
    match claim.get(attrs::QUANTITIES) {
        Some(serde_json::Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn finite(score: f32) -> f32 {
    if score.is_finite() {
        score
    } else {
        0.0
    }
}
