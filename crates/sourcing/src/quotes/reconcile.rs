//! The rules' attributions, merged with the trained tagger's, and the
//! `quote`, `speaker` and `cue` spans built from them.

use std::collections::BTreeSet;

use crate::quotes::block::{block_attributions, citation_after};
use crate::quotes::context::Ctx;
use crate::quotes::context::MERGED_NEURAL_PROVENANCE;
use crate::quotes::context::MERGED_PROVENANCE;
use crate::quotes::resolve::finish;
use crate::quotes::resolve::finish_with;
use crate::quotes::speech::direct_attributions;
use crate::quotes::speech::indirect_attributions;
use crate::text::context::SourcingContext;
use crate::text::ranges::overlaps;
use crate::{Attribution, ByteRange, Entity, QuoteKind, SourceKind};
use unspin_document::{attrs, Document, Span};

/// Finds attributions by rule: block quotes with their lead-in or citation,
/// direct quotes with a speech cue, and indirect speech ("according to X,
/// …", "X said that …"). Speakers are resolved (see [`reconcile`]);
/// provenance `quote-rules`.
pub fn rule_attributions(doc: &Document, entities: &[Entity]) -> Vec<Attribution> {
    rule_attributions_in(&SourcingContext::new(doc), entities)
}

/// As [`rule_attributions`], over a document's [`SourcingContext`].
pub fn rule_attributions_in(cx: &SourcingContext, entities: &[Entity]) -> Vec<Attribution> {
    let ctx = Ctx::new(cx, entities);
    let mut out = Vec::new();
    block_attributions(&ctx, &mut out);
    direct_attributions(&ctx, &mut out);
    indirect_attributions(&ctx, &mut out);
    for a in &mut out {
        finish(&ctx, a);
    }
    out.sort_by_key(|a| (a.content.start, a.content.end));
    out
}

/// Merges the tagger's attributions (`tagged`: PolNeAR-style triples, kind
/// Indirect, no speaker) with the rules' (`rules`), then sets every
/// attribution's kind, resolved speaker, speaker kind and medium.
///
/// Where a tagged attribution overlaps a rule one in running text, the
/// tagger's content, cue and source spans are kept (it learnt PolNeAR's
/// conventions for where they start and end) and the rule's fill what the
/// tagger lacks; further rule quotes inside the tagged content are absorbed
/// (`"A," she said. "B."` is one attribution). A block quote's rule
/// attribution wins whole (the tagger only fills a missing source or cue);
/// tagged ones inside an attributed block quote are dropped, and so are
/// tagged contents that are only a scare quote and any quotation other than
/// a block quote lying inside a block quote's citation line (the cited
/// piece's title). Output sorted by content start.
pub fn reconcile(
    doc: &Document,
    tagged: Vec<Attribution>,
    rules: Vec<Attribution>,
    entities: &[Entity],
) -> Vec<Attribution> {
    reconcile_in(&SourcingContext::new(doc), tagged, rules, entities)
}

/// As [`reconcile`], over a document's [`SourcingContext`].
pub fn reconcile_in(
    cx: &SourcingContext,
    tagged: Vec<Attribution>,
    rules: Vec<Attribution>,
    entities: &[Entity],
) -> Vec<Attribution> {
    let text = cx.text;
    let blocks = &cx.blockquotes;
    let valid = |r: &ByteRange| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    let ctx = Ctx::new(cx, entities);
    let lookup = &ctx.lookup;
    // A block quote's citation line ("(\"Title\", Outlet)") names the cited
    // piece: a quoted title or a verb inside it is not a quotation of this
    // article, whoever the tagger or the quotation-mark rules give it to.
    let citations: Vec<ByteRange> = blocks
        .iter()
        .filter_map(|b| citation_after(&ctx, b.end))
        .map(|c| c.range)
        .collect();
    let in_citation = |r: &ByteRange| {
        citations
            .iter()
            .any(|c| c.start <= r.start && r.end <= c.end)
    };
    let mut rules: Vec<Attribution> = rules
        .into_iter()
        .filter(|a| valid(&a.content) && (a.kind == QuoteKind::Block || !in_citation(&a.content)))
        .collect();
    let attributed_blocks: Vec<ByteRange> = blocks
        .iter()
        .filter(|b| {
            rules
                .iter()
                .any(|a| a.kind == QuoteKind::Block && overlaps(&a.content, b))
        })
        .cloned()
        .collect();
    let mut kept: Vec<Attribution> = Vec::new();
    // Rules by current content start, and removed ones, so that each tagged
    // attribution looks at the rules near it only and absorbing one is not
    // a shift of the whole list (issue 19: linear time on many quotes).
    let mut alive = vec![true; rules.len()];
    let mut by_start: BTreeSet<(usize, usize)> = rules
        .iter()
        .enumerate()
        .map(|(k, r)| (r.content.start, k))
        .collect();
    let mut longest = rules.iter().map(|r| r.content.len()).max().unwrap_or(0);
    for t in tagged {
        if !valid(&t.content) || t.content.is_empty() || in_citation(&t.content) {
            continue;
        }
        // In running text the tagger's spans win (it learnt where contents,
        // cues and speakers start and end); the rules fill what it lacks. A
        // block quote's rule attribution wins whole.
        let lo = t.content.start.saturating_sub(longest);
        let mut near: Vec<usize> = by_start
            .range((lo, 0)..(t.content.end, 0))
            .map(|&(_, k)| k)
            .filter(|&k| overlaps(&rules[k].content, &t.content))
            .collect();
        near.sort_unstable();
        let mut hits = near
            .into_iter()
            .map(|k| (k, rules[k].kind == QuoteKind::Block));
        if let Some((k, block)) = hits.next() {
            let absorbed: Vec<usize> = hits
                .filter(|&(j, b)| {
                    !b && !block
                        && rules[j].content.start >= t.content.start
                        && rules[j].content.end <= t.content.end
                })
                .map(|(j, _)| j)
                .collect();
            let r = &mut rules[k];
            if block {
                if r.source.is_none() && t.source.as_ref().is_some_and(valid) {
                    r.source = t.source.clone();
                }
                if r.cue.is_none() && t.cue.as_ref().is_some_and(valid) {
                    r.cue = t.cue.clone();
                }
            } else {
                by_start.remove(&(r.content.start, k));
                r.content = t.content.clone();
                by_start.insert((r.content.start, k));
                longest = longest.max(r.content.len());
                if t.cue.as_ref().is_some_and(valid) {
                    r.cue = t.cue.clone();
                }
                if t.source.as_ref().is_some_and(valid) {
                    r.source = t.source.clone();
                }
                r.score = r.score.max(t.score);
                r.provenance = if t.provenance == crate::attribution::NEURAL_PROVENANCE {
                    MERGED_NEURAL_PROVENANCE
                } else {
                    MERGED_PROVENANCE
                };
            }
            for j in absorbed {
                alive[j] = false;
                by_start.remove(&(rules[j].content.start, j));
            }
            continue;
        }
        if attributed_blocks.iter().any(|b| overlaps(b, &t.content)) {
            continue;
        }
        if lookup.inside_scare_quote(&t.content) {
            continue;
        }
        let mut t = t;
        if t.source.as_ref().is_some_and(|s| !valid(s)) {
            t.source = None;
        }
        if t.cue.as_ref().is_some_and(|s| !valid(s)) {
            t.cue = None;
        }
        kept.push(t);
    }
    let mut all: Vec<Attribution> = rules
        .into_iter()
        .zip(alive)
        .filter_map(|(r, alive)| alive.then_some(r))
        .chain(kept)
        .collect();
    for a in &mut all {
        finish_with(text, lookup, a);
    }
    all.sort_by_key(|a| (a.content.start, a.content.end));
    all
}

/// The `quote`, `speaker` and `cue` layers for `attrs` (ids "q1", "q2", ...
/// in order), following the conventions of [`unspin_document::layers`].
pub fn attribution_spans(
    doc: &Document,
    attrs: &[Attribution],
) -> (Vec<Span>, Vec<Span>, Vec<Span>) {
    let text = doc.text();
    let ok = |r: &ByteRange| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    let (mut quotes, mut speakers, mut cues) = (Vec::new(), Vec::new(), Vec::new());
    for (i, a) in attrs.iter().enumerate() {
        if !ok(&a.content) {
            continue;
        }
        let id = format!("q{}", i + 1);
        let Ok(mut q) = Span::new(a.content.start, a.content.end, a.kind.name()) else {
            continue;
        };
        q = q
            .with_score(a.score)
            .with_provenance(a.provenance)
            .with(attrs::ID, id.clone());
        if let Some(s) = &a.speaker {
            q = q.with(attrs::SPEAKER, s.clone());
        }
        if let Some(k) = a.speaker_kind {
            q = q.with(attrs::SPEAKER_KIND, k.name().to_string());
        }
        if let Some(c) = a.cue.as_ref().filter(|c| ok(c)) {
            q = q.with(attrs::CUE, text[c.clone()].to_string());
        }
        if let Some(m) = &a.medium {
            q = q.with(attrs::MEDIUM, m.clone());
        }
        quotes.push(q);
        if let Some(s) = a.source.as_ref().filter(|s| ok(s)) {
            let label = a.speaker_kind.unwrap_or(SourceKind::Unknown).name();
            if let Ok(mut sp) = Span::new(s.start, s.end, label) {
                sp = sp
                    .with_score(a.score)
                    .with_provenance(a.provenance)
                    .with(attrs::QUOTE_ID, id.clone());
                if let Some(n) = &a.speaker {
                    sp = sp.with(attrs::NAME, n.clone());
                }
                speakers.push(sp);
            }
        }
        if let Some(c) = a.cue.as_ref().filter(|c| ok(c)) {
            if let Ok(cs) = Span::new(c.start, c.end, "cue") {
                cues.push(
                    cs.with_score(a.score)
                        .with_provenance(a.provenance)
                        .with(attrs::QUOTE_ID, id.clone()),
                );
            }
        }
    }
    (quotes, speakers, cues)
}
