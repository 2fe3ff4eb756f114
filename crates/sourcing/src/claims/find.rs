//! One candidate claim per sentence, with its certainty markers; the `claim`
//! and `hedge` spans.

use crate::claims::lexicon::Toks;
use crate::claims::score::contains;
use crate::claims::score::score_sentence;
use crate::claims::score::Context;
use crate::claims::types::Claim;
use crate::claims::types::ClaimCertainty;
use crate::claims::types::CLAIM_PROVENANCE;
use crate::claims::types::MARKER_PROVENANCE;
use crate::hedges::{Certainty, CertaintyMarker};
use crate::text::context::SourcingContext;
use crate::text::lower::Lowered;
use crate::text::ranges::overlaps;
use crate::text::sweep::Sweep;
use crate::{Attribution, ByteRange, Document, Entity};
use std::collections::HashSet;
use unspin_document::{attrs, layers, Span};
use unspin_segment::Token;

/// Scores every sentence of `doc` for check-worthiness.
///
/// One candidate per sentence (the document's `sentence` layer if present,
/// else [`unspin_segment::sentences`]), skipping sentences that start inside
/// the `boilerplate`, `title` or `heading` layers and those without a word.
/// `markers` are the document's [`find_markers`](crate::hedges::find_markers)
/// result; `attributions` and `entities` may be empty (see the module doc).
pub fn find_claims(
    doc: &Document,
    markers: &[CertaintyMarker],
    attributions: &[Attribution],
    entities: &[Entity],
) -> Vec<Claim> {
    let text = doc.text();
    let sentences: Vec<ByteRange> = if doc.has_layer(layers::SENTENCE) {
        doc.layer(layers::SENTENCE)
            .iter()
            .map(|s| s.start()..s.end())
            .collect()
    } else {
        unspin_segment::sentences(text)
    };
    claims_of(doc, &sentences, None, markers, attributions, entities)
}

/// As [`find_claims`], over a document's [`SourcingContext`]: its sentences,
/// and its tokens and their forms instead of tokenising each sentence again
/// (the same claims).
pub fn find_claims_in(
    cx: &SourcingContext,
    markers: &[CertaintyMarker],
    attributions: &[Attribution],
    entities: &[Entity],
) -> Vec<Claim> {
    let tokens = Some((cx.tokens.as_slice(), &cx.norm));
    claims_of(
        cx.doc,
        &cx.sentences,
        tokens,
        markers,
        attributions,
        entities,
    )
}

/// The claims of `doc`'s `sentences`; `tokens` are the document's tokens and
/// their `Lowered::new` forms, when known.
fn claims_of(
    doc: &Document,
    sentences: &[ByteRange],
    tokens: Option<(&[Token], &Lowered)>,
    markers: &[CertaintyMarker],
    attributions: &[Attribution],
    entities: &[Entity],
) -> Vec<Claim> {
    let text = doc.text();
    let toks_of = |range: &ByteRange| match tokens {
        Some((tokens, forms)) => Toks::in_document(text, range, tokens, forms),
        None => Toks::new(&text[range.clone()]),
    };
    let spans = |layer: &str| -> Vec<ByteRange> {
        doc.layer(layer)
            .iter()
            .map(|s| s.start()..s.end())
            .collect()
    };
    let mut skip = spans(layers::BOILERPLATE);
    skip.extend(spans(layers::TITLE));
    skip.extend(spans(layers::HEADING));
    let mut quoted_zones: Vec<ByteRange> = attributions.iter().map(|a| a.content.clone()).collect();
    quoted_zones.extend(spans(layers::QUOTE));
    quoted_zones.extend(spans(layers::BLOCKQUOTE));
    // The document's lower-case words only matter when looking for actors
    // without entities.
    let mut skip = Sweep::new(skip);
    let mut quoted_zones = Sweep::new(quoted_zones);
    let all = entities.is_empty().then(|| toks_of(&(0..text.len())));
    let lower_words: HashSet<&str> = all
        .iter()
        .flat_map(|all| {
            (0..all.toks.len())
                .filter(|&i| all.is_lower_word(i))
                .filter_map(|i| all.word(i))
        })
        .collect();
    let mut by_start: Vec<&Entity> = entities.iter().collect();
    by_start.sort_by_key(|e| e.range.start);
    // Marker indices by marker start, to find those of a sentence quickly.
    let mut markers_by_start: Vec<usize> = (0..markers.len()).collect();
    markers_by_start.sort_by_key(|&i| markers[i].range.start);
    let mut attributed: Vec<ByteRange> = attributions
        .iter()
        .flat_map(|a| a.cue.iter().chain(a.source.iter()).cloned())
        .collect();
    attributed.sort_by_key(|r| (r.start, r.end));
    let cx = Context {
        lower_words,
        entities: by_start,
        attributed,
        markers,
    };
    let mut out = Vec::new();
    for range in sentences.iter().cloned() {
        if range.end > text.len() || range.start >= range.end {
            continue;
        }
        if skip
            .around(&range)
            .iter()
            .any(|b| b.start <= range.start && range.start < b.end)
        {
            continue;
        }
        if !text[range.clone()].chars().any(char::is_alphabetic) {
            continue;
        }
        // The markers inside the sentence (they start in it), in index order.
        let first = markers_by_start.partition_point(|&i| markers[i].range.start < range.start);
        let mut idx: Vec<usize> = markers_by_start[first..]
            .iter()
            .copied()
            .take_while(|&i| markers[i].range.start <= range.end)
            .filter(|&i| contains(&range, &markers[i].range))
            .collect();
        idx.sort_unstable();
        let (score, quantities) = score_sentence(&toks_of(&range), &range, &idx, &cx);
        let hedges = idx
            .iter()
            .filter(|&&i| markers[i].kind == Certainty::Hedge)
            .count();
        let boosters = idx.len() - hedges;
        let certainty = if idx.is_empty() {
            ClaimCertainty::Plain
        } else if boosters > hedges {
            ClaimCertainty::Boosted
        } else {
            ClaimCertainty::Hedged
        };
        let len = range.end - range.start;
        let quoted = quoted_zones.around(&range).iter().any(|z| {
            overlaps(z, &range) && 2 * (z.end.min(range.end) - z.start.max(range.start)) >= len
        });
        out.push(Claim {
            range,
            score,
            certainty,
            quantities,
            quoted,
            markers: idx,
        });
    }
    out
}

/// The `claim` layer: one span per claim, ids `c1`, `c2`, ... in claim
/// order, score = check-worthiness, attrs `id`, `certainty`, `quantities`
/// (array of `{text, value, unit}`) and `quoted`; provenance `claims-rules`.
pub fn claim_spans(claims: &[Claim]) -> Vec<Span> {
    claims
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let qs: Vec<serde_json::Value> = c
                .quantities
                .iter()
                .map(|q| serde_json::json!({"text": q.text, "value": q.value, "unit": q.unit}))
                .collect();
            Span::new(c.range.start, c.range.end, "claim")
                .ok()
                .map(|s| {
                    s.with_score(c.score)
                        .with_provenance(CLAIM_PROVENANCE)
                        .with(attrs::ID, format!("c{}", i + 1))
                        .with(attrs::CERTAINTY, c.certainty.name().to_string())
                        .with(attrs::QUANTITIES, serde_json::Value::Array(qs))
                        .with(attrs::QUOTED, c.quoted)
                })
        })
        .collect()
}

/// The `hedge` layer: one span per marker, labelled `hedge` or `booster`,
/// attrs `marker` and, when a claim's range contains it, `claim` (that
/// claim's id as in [`claim_spans`]); provenance `hedges-lexicon`.
pub fn marker_spans(markers: &[CertaintyMarker], claims: &[Claim]) -> Vec<Span> {
    markers
        .iter()
        .filter_map(|m| {
            let span = Span::new(m.range.start, m.range.end, m.kind.name())
                .ok()?
                .with_provenance(MARKER_PROVENANCE)
                .with(attrs::MARKER, m.marker.clone());
            let claim = claims.iter().position(|c| contains(&c.range, &m.range));
            Some(match claim {
                Some(i) => span.with(attrs::CLAIM_ID, format!("c{}", i + 1)),
                None => span,
            })
        })
        .collect()
}
