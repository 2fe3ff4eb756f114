//! The evidence trail in the wire format: the `sourcing` object of the JSON
//! output, also the data behind the HTML report's "Evidence trail" section.
//!
//! Everything here is computed from the layers of `unspin-sourcing` (`quote`,
//! `source`, `hedge`, `claim`; see `unspin_sourcing::layers`), never from the
//! analysers themselves, so a document read back from JSON gives the same
//! object. Offsets are Unicode code points, like every offset in the format.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use unspin_document::{CharIndex, Document, Span};
use unspin_sourcing::claims::CHECK_WORTHY;
use unspin_sourcing::layers;
use unspin_sourcing::sources::{aggregate, mentions_from_layer};
use unspin_sourcing::summary::summarize;

/// The layers whose presence means the sourcing analysis ran (all but
/// `entity`, which other analysers may write too).
fn is_sourcing_layer(layer: &str) -> bool {
    layer != layers::ENTITY && layers::ALL.contains(&layer)
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

/// How an article is sourced, in numbers (`unspin_sourcing::summary`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonSourcingSummary {
    /// Number of quotes (`quote` spans).
    pub quotes: usize,
    /// Quotes per kind (`direct`, `indirect`, `mixed`, `block`); kinds that occur.
    pub quotes_by_kind: BTreeMap<String, usize>,
    /// Fraction (0..1) of the article's non-boilerplate, non-whitespace
    /// characters inside quotes (overlapping quotes counted once).
    pub quotation_share: f64,
    /// Distinct sources whose kind is not `anonymous`.
    pub named_sources: usize,
    /// Distinct anonymous sources ("a senior official", "diplomats").
    pub anonymous_sources: usize,
    /// Distinct sources per kind; kinds that occur.
    pub sources_by_kind: BTreeMap<String, usize>,
    /// Sentences scored for check-worthiness (`claim` spans).
    pub claims: usize,
    /// Claims scoring at least 0.5.
    pub check_worthy_claims: usize,
    /// Check-worthy claims qualified by a hedge ("reportedly").
    pub hedged_claims: usize,
    /// Check-worthy claims strengthened by a booster ("of course").
    pub boosted_claims: usize,
    /// Check-worthy claims with neither.
    pub unhedged_claims: usize,
}

/// One cited source, with all its mentions merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonSource {
    /// The canonical (longest) name.
    pub name: String,
    /// `person`, `news_outlet`, `blog`, `think_tank`, `government`,
    /// `organisation`, `document`, `anonymous` or `unknown`.
    pub kind: String,
    /// How many times it is mentioned.
    pub mentions: usize,
    /// `quoted`, `cited`, `linked`: each once, in that order.
    pub roles: Vec<String>,
    /// The URLs it is linked with.
    pub urls: Vec<String>,
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

fn str_attr(span: &Span, key: &str) -> Option<String> {
    span.attrs
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Whether the document has any of the sourcing layers.
pub(crate) fn has_sourcing(doc: &Document) -> bool {
    layers::ALL
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
        .filter(|c| c.score >= CHECK_WORTHY)
        .map(|c| {
            let id = str_attr(c, "id");
            let range = c.start()..c.end();
            let markers = markers
                .iter()
                .filter(|m| match (str_attr(m, "claim"), &id) {
                    (Some(owner), Some(id)) => &owner == id && contains(&range, m),
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
/// use unspin_document::{Document, Span};
///
/// let text = "\u{201c}We will win,\u{201d} Assad said.";
/// let mut doc = Document::new("d", text);
/// assert!(unspin_writers::sourcing_of(&doc).is_none());
/// let quote = Span::new(3, 14, "direct").unwrap()
///     .with_attr("id", "q1")
///     .with_attr("speaker", "Bashar al Assad");
/// doc.add_span("quote", quote).unwrap();
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
    let s = summarize(doc);
    let summary = JsonSourcingSummary {
        quotes: s.quotes,
        quotes_by_kind: s.quotes_by_kind,
        quotation_share: s.quotation_share,
        named_sources: s.named_sources,
        anonymous_sources: s.anonymous_sources,
        sources_by_kind: s.sources_by_kind,
        claims: s.claims,
        check_worthy_claims: s.check_worthy_claims,
        hedged_claims: s.hedged_claims,
        boosted_claims: s.boosted_claims,
        unhedged_claims: s.unhedged_claims,
    };
    let sources = aggregate(&mentions_from_layer(doc))
        .into_iter()
        .map(|c| JsonSource {
            name: c.name,
            kind: c.kind.name().to_string(),
            mentions: c.mentions,
            roles: c.roles.iter().map(|r| r.name().to_string()).collect(),
            urls: c.urls,
        })
        .collect();
    let quotes = doc
        .layer(layers::QUOTE)
        .iter()
        .enumerate()
        .map(|(i, q)| JsonQuote {
            id: str_attr(q, "id").unwrap_or_else(|| format!("q{}", i + 1)),
            kind: q.label.clone(),
            speaker: str_attr(q, "speaker"),
            speaker_kind: str_attr(q, "speaker_kind"),
            cue: str_attr(q, "cue"),
            medium: str_attr(q, "medium"),
            score: finite(q.score),
            start: index.to_char(q.start()),
            end: index.to_char(q.end()),
            text: doc.span_text(q).to_string(),
        })
        .collect();
    let claims = check_worthy_claims(doc)
        .into_iter()
        .map(|c| JsonClaim {
            id: str_attr(c.span, "id").unwrap_or_default(),
            score: finite(c.span.score),
            certainty: str_attr(c.span, "certainty").unwrap_or_else(|| "plain".into()),
            quoted: c
                .span
                .attrs
                .get("quoted")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            quantities: c
                .span
                .attrs
                .get("quantities")
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default(),
            markers: c
                .markers
                .iter()
                .map(|m| JsonMarker {
                    kind: m.label.clone(),
                    marker: str_attr(m, "marker").unwrap_or_else(|| doc.span_text(m).to_string()),
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

fn finite(score: f32) -> f32 {
    if score.is_finite() {
        score
    } else {
        0.0
    }
}

/// A small document with every sourcing layer, for the writers' tests.
#[cfg(test)]
pub(crate) mod fixture {
    use unspin_document::{Document, Span};
    use unspin_sourcing::layers;

    /// Curly quotes and an accented word before the spans, so that code
    /// points and bytes differ.
    pub(crate) const TEXT: &str = "Caf\u{e9} talks. \u{201c}The ceasefire is dead,\u{201d} \
        Colonel W. Patrick Lang said, according to the New York Times. Reportedly 62 soldiers \
        were killed, a senior official said.";

    fn at(needle: &str, nth: usize, label: &str) -> Span {
        let start = TEXT
            .match_indices(needle)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("needle in text");
        Span::new(start, start + needle.len(), label).unwrap()
    }

    /// [`TEXT`] with the layers the sourcing stage writes.
    pub(crate) fn document() -> Document {
        let mut doc = Document::new("evidence", TEXT);
        let q1 = at("The ceasefire is dead,", 0, "direct")
            .with_score(0.9)
            .with_provenance("blockquote-rule")
            .with_attr("id", "q1")
            .with_attr("speaker", "Colonel W. Patrick Lang")
            .with_attr("speaker_kind", "person")
            .with_attr("cue", "said")
            .with_attr("medium", "New York Times");
        let q2 = at("62 soldiers were killed", 0, "indirect")
            .with_score(0.7)
            .with_attr("id", "q2")
            .with_attr("speaker", "a senior official")
            .with_attr("speaker_kind", "anonymous")
            .with_attr("cue", "said");
        doc.set_layer(layers::QUOTE, vec![q1, q2]).unwrap();
        doc.set_layer(
            layers::SPEAKER,
            vec![
                at("Colonel W. Patrick Lang", 0, "person")
                    .with_attr("quote", "q1")
                    .with_attr("name", "Colonel W. Patrick Lang"),
                at("a senior official", 0, "anonymous")
                    .with_attr("quote", "q2")
                    .with_attr("name", "a senior official"),
            ],
        )
        .unwrap();
        doc.set_layer(
            layers::CUE,
            vec![
                at("said", 0, "cue").with_attr("quote", "q1"),
                at("said", 1, "cue").with_attr("quote", "q2"),
            ],
        )
        .unwrap();
        let source = |needle: &str, kind: &str, name: &str, role: &str| {
            at(needle, 0, kind)
                .with_provenance("source-rules")
                .with_attr("name", name)
                .with_attr("role", role)
        };
        doc.set_layer(
            layers::SOURCE,
            vec![
                source(
                    "Colonel W. Patrick Lang",
                    "person",
                    "Colonel W. Patrick Lang",
                    "quoted",
                ),
                source(
                    "the New York Times",
                    "news_outlet",
                    "New York Times",
                    "cited",
                ),
                source("New York Times", "news_outlet", "New York Times", "linked")
                    .with_attr("url", "https://www.nytimes.com/2016/09/27/syria.html"),
                source(
                    "a senior official",
                    "anonymous",
                    "a senior official",
                    "quoted",
                ),
            ],
        )
        .unwrap();
        doc.set_layer(
            layers::HEDGE,
            vec![at("Reportedly", 0, "hedge")
                .with_provenance("hedges-lexicon")
                .with_attr("marker", "reportedly")
                .with_attr("claim", "c2")],
        )
        .unwrap();
        doc.set_layer(
            layers::CLAIM,
            vec![
                at(
                    "\u{201c}The ceasefire is dead,\u{201d} Colonel W. Patrick Lang said, according to the New York Times.",
                    0,
                    "claim",
                )
                .with_score(0.4)
                .with_attr("id", "c1")
                .with_attr("certainty", "plain")
                .with_attr("quantities", serde_json::json!([]))
                .with_attr("quoted", false),
                at(
                    "Reportedly 62 soldiers were killed, a senior official said.",
                    0,
                    "claim",
                )
                .with_score(0.85)
                .with_attr("id", "c2")
                .with_attr("certainty", "hedged")
                .with_attr(
                    "quantities",
                    serde_json::json!([{"text": "62 soldiers", "value": 62.0, "unit": "soldiers"}]),
                )
                .with_attr("quoted", false),
            ],
        )
        .unwrap();
        doc
    }
}
