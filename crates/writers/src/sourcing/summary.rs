//! The article's sourcing summary, computed from its layers only.
//!
//! [`summarize_sourcing`] reads the `quote`, `source`, `claim` and
//! `boilerplate` layers (see [`unspin_document::layers`]) and nothing else,
//! so it gives the same answer on a freshly analysed document and on one read
//! back from JSON.
//!
//! Conventions:
//!
//! - **Quotation share**: the fraction of the article's non-boilerplate,
//!   non-whitespace characters that lie inside `quote` spans, taking the
//!   union of overlapping quotes (no double counting). Whitespace is left out
//!   so that paragraph separators inserted by readers do not count.
//! - **Sources** are de-duplicated by their [`NAME`](attrs::NAME) attr,
//!   compared case-insensitively with spaces collapsed (the span text stands
//!   in when a span has no name). A source's kind is the label of its first
//!   mention. Named sources are those whose kind is not `anonymous`.
//!   **Anonymous sources are counted per distinct name too** ("a senior
//!   official" cited twice is one source, "a senior official" and
//!   "diplomats" are two): the sources stage already gives each anonymous
//!   mention a descriptive name, and counting mentions instead would make an
//!   article citing one unnamed source often look worse than one citing
//!   several.
//! - **Claims**: `claims` counts all `claim` spans; `check_worthy_claims`
//!   those scoring at least [`layers::CHECK_WORTHY`]. `hedged_claims`,
//!   `boosted_claims` and `unhedged_claims` split the **check-worthy** claims
//!   by their [`CERTAINTY`](attrs::CERTAINTY) attr (`hedged`, `boosted`,
//!   `plain`), so the three add up to `check_worthy_claims` (a claim without
//!   the attr counts as plain).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use unspin_document::{attrs, layers, Document};

/// The source kind (label of the `source` layer) of unnamed sources.
const ANONYMOUS: &str = "anonymous";

/// How an article is sourced, in numbers (the `summary` of the JSON
/// `sourcing` object; see [`summarize_sourcing`] for the conventions).
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

/// Sorted, merged union of ranges.
fn union(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Non-whitespace characters of `text[range]` not inside `holes` (sorted,
/// merged).
fn counted_chars(text: &str, range: Range<usize>, holes: &[Range<usize>]) -> usize {
    let mut n = 0;
    let mut pos = range.start;
    for h in holes {
        if h.end <= pos || h.start >= range.end {
            continue;
        }
        if h.start > pos {
            n += non_space(text, pos..h.start);
        }
        pos = pos.max(h.end);
        if pos >= range.end {
            return n;
        }
    }
    if pos < range.end {
        n += non_space(text, pos..range.end);
    }
    n
}

fn non_space(text: &str, r: Range<usize>) -> usize {
    text.get(r)
        .map_or(0, |s| s.chars().filter(|c| !c.is_whitespace()).count())
}

/// Collapses spaces and lower-cases a source name.
fn key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Computes the sourcing summary of `doc` from its layers (all counts are 0
/// when it has none of them).
///
/// ```
/// use unspin_document::{attrs, layers, Document, Span};
///
/// let text = "\u{201c}We will win,\u{201d} Assad said.";
/// let mut doc = Document::new("d", text);
/// let quote = Span::new(3, 14, "direct").unwrap();
/// doc.add_span(layers::QUOTE, quote).unwrap();
/// let source = Span::new(18, 23, "person").unwrap()
///     .with(attrs::NAME, "Bashar al Assad".to_string());
/// doc.add_span(layers::SOURCE, source).unwrap();
/// let s = unspin_writers::summarize_sourcing(&doc);
/// assert_eq!((s.quotes, s.named_sources, s.anonymous_sources), (1, 1, 0));
/// ```
pub fn summarize_sourcing(doc: &Document) -> JsonSourcingSummary {
    let text = doc.text();
    let mut s = JsonSourcingSummary::default();

    // Quotes.
    let quotes = doc.layer(layers::QUOTE);
    s.quotes = quotes.len();
    for q in quotes {
        *s.quotes_by_kind.entry(q.label.clone()).or_default() += 1;
    }
    let boiler = union(
        doc.layer(layers::BOILERPLATE)
            .iter()
            .map(|b| b.start()..b.end())
            .collect(),
    );
    let body = counted_chars(text, 0..text.len(), &boiler);
    let quoted: usize = union(quotes.iter().map(|q| q.start()..q.end()).collect())
        .into_iter()
        .map(|r| counted_chars(text, r, &boiler))
        .sum();
    s.quotation_share = if body == 0 {
        0.0
    } else {
        quoted as f64 / body as f64
    };

    // Sources, de-duplicated by name; kind of the first mention.
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for span in doc.layer(layers::SOURCE) {
        let name = span
            .get_str(attrs::NAME)
            .unwrap_or_else(|| doc.span_text(span));
        sources
            .entry(key(name))
            .or_insert_with(|| span.label.clone());
    }
    for kind in sources.values() {
        if kind == ANONYMOUS {
            s.anonymous_sources += 1;
        } else {
            s.named_sources += 1;
        }
        *s.sources_by_kind.entry(kind.clone()).or_default() += 1;
    }

    // Claims.
    for c in doc.layer(layers::CLAIM) {
        s.claims += 1;
        if c.score < layers::CHECK_WORTHY {
            continue;
        }
        s.check_worthy_claims += 1;
        match c.get_str(attrs::CERTAINTY) {
            Some("hedged") => s.hedged_claims += 1,
            Some("boosted") => s.boosted_claims += 1,
            _ => s.unhedged_claims += 1,
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspin_document::Span;

    fn span(text: &str, needle: &str, label: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span::new(start, start + needle.len(), label).unwrap()
    }

    #[test]
    fn empty_document() {
        let s = summarize_sourcing(&Document::new("e", ""));
        assert_eq!(s, JsonSourcingSummary::default());
        assert_eq!(s.quotation_share, 0.0);
    }

    #[test]
    fn quotation_share_is_a_union_without_boilerplate() {
        // 10 + 10 non-space characters of body, 8 of footer.
        let text = "aaaaaaaaaa bbbbbbbbbb\nfooterxx";
        let mut doc = Document::new("q", text);
        doc.add_span(layers::QUOTE, span(text, "aaaaaaaaaa", "direct"))
            .unwrap();
        // Overlaps the first quote: counted once.
        doc.add_span(layers::QUOTE, span(text, "aaaaa", "indirect"))
            .unwrap();
        // Inside boilerplate: not counted.
        doc.add_span(layers::QUOTE, span(text, "footer", "block"))
            .unwrap();
        doc.add_span(layers::BOILERPLATE, span(text, "footerxx", "footer"))
            .unwrap();
        let s = summarize_sourcing(&doc);
        assert_eq!(s.quotes, 3);
        assert_eq!(s.quotes_by_kind["direct"], 1);
        assert_eq!(s.quotes_by_kind["indirect"], 1);
        assert_eq!(s.quotes_by_kind["block"], 1);
        assert!(
            (s.quotation_share - 0.5).abs() < 1e-12,
            "{}",
            s.quotation_share
        );
    }

    #[test]
    fn sources_are_deduplicated_by_name() {
        let text = "The New York Times said. the NYT wrote. Lang said. A senior official said. \
                    An official said. officials said.";
        let mut doc = Document::new("s", text);
        let add = |doc: &mut Document, needle: &str, label: &str, name: &str| {
            let sp = span(text, needle, label).with(attrs::NAME, name.to_string());
            doc.add_span(layers::SOURCE, sp).unwrap();
        };
        add(
            &mut doc,
            "The New York Times",
            "news_outlet",
            "The New York Times",
        );
        add(&mut doc, "NYT", "news_outlet", "the new york  times");
        add(&mut doc, "Lang", "person", "W. Patrick Lang");
        add(
            &mut doc,
            "A senior official",
            "anonymous",
            "senior official",
        );
        add(&mut doc, "An official", "anonymous", "senior official");
        // No name attr: the span text is the name.
        doc.add_span(layers::SOURCE, span(text, "officials", "anonymous"))
            .unwrap();
        let s = summarize_sourcing(&doc);
        assert_eq!(s.named_sources, 2);
        assert_eq!(s.anonymous_sources, 2);
        assert_eq!(s.sources_by_kind["news_outlet"], 1);
        assert_eq!(s.sources_by_kind["person"], 1);
        assert_eq!(s.sources_by_kind["anonymous"], 2);
    }

    #[test]
    fn claims_split_by_certainty_among_check_worthy() {
        let text = "one. two. three. four. five.";
        let mut doc = Document::new("c", text);
        let claims = [
            ("one.", 0.9, "hedged"),
            ("two.", 0.7, "boosted"),
            ("three.", 0.5, "plain"),
            ("four.", 0.2, "hedged"),
            ("five.", 0.8, "plain"),
        ];
        for (needle, score, certainty) in claims {
            let sp = span(text, needle, "claim")
                .with_score(score)
                .with(attrs::CERTAINTY, certainty.to_string());
            doc.add_span(layers::CLAIM, sp).unwrap();
        }
        let s = summarize_sourcing(&doc);
        assert_eq!(s.claims, 5);
        assert_eq!(s.check_worthy_claims, 4);
        assert_eq!(s.hedged_claims, 1);
        assert_eq!(s.boosted_claims, 1);
        assert_eq!(s.unhedged_claims, 2);
    }

    #[test]
    fn works_on_a_document_read_back_from_json() {
        let text = "\u{201c}Caf\u{e9}\u{201d} he said.";
        let mut doc = Document::new("j", text);
        doc.add_span(
            layers::QUOTE,
            span(text, "\u{201c}Caf\u{e9}\u{201d}", "direct"),
        )
        .unwrap();
        let back: Document = serde_json::from_str(&serde_json::to_string(&doc).unwrap()).unwrap();
        let s = summarize_sourcing(&back);
        assert_eq!(s, summarize_sourcing(&doc));
        // 6 quoted of 13 non-space characters.
        assert!((s.quotation_share - 6.0 / 13.0).abs() < 1e-12);
        assert!(serde_json::to_value(&s).unwrap()["quotes"] == 1);
    }
}
