//! The check-worthiness score of one sentence: a named actor doing
//! something, quantities, dates, loaded words, attribution cues, opinions.

use crate::claims::lexicon::lexicons;
use crate::claims::lexicon::Class;
use crate::claims::lexicon::Toks;
use crate::claims::lexicon::IMPERATIVES;
use crate::claims::lexicon::OPINION_MARKERS;
use crate::claims::quantities::scan;
use crate::claims::types::Quantity;
use crate::hedges::CertaintyMarker;
use crate::text::sweep::Sweep;
use crate::{ByteRange, Entity};
use std::collections::HashSet;
use unspin_segment::TokenKind;

pub(super) fn contains(outer: &ByteRange, inner: &ByteRange) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// How strongly a lower-case word shows an action: 2 for an action verb
/// (in [`VERBS`] or an `-ed` form), 1 for a weak verb ([`WEAK_VERBS`]), 0
/// for anything else.
pub(super) fn verb_strength(t: &Toks, i: usize) -> u8 {
    if !t.is_lower_word(i) {
        return 0;
    }
    let w = t.word(i).unwrap_or_default();
    if t.is(i, Class::WEAK_VERB) {
        1
    } else if t.is(i, Class::VERB) || (w.len() >= 5 && w.ends_with("ed") && !w.ends_with("eed")) {
        2
    } else {
        0
    }
}

/// The strongest verb among the 4 tokens after a name ending at token `end`,
/// stopping at punctuation (so `Assad-controlled` is no action).
pub(super) fn verb_follows(t: &Toks, end: usize) -> u8 {
    let mut best = 0;
    for k in end..(end + 4).min(t.toks.len()) {
        if t.toks[k].kind == TokenKind::Punct {
            break;
        }
        best = best.max(verb_strength(t, k));
    }
    best
}

/// Per-document context for scoring sentences.
pub(super) struct Context<'a> {
    /// Lower-case forms of words written in lower case somewhere.
    pub(super) lower_words: HashSet<&'a str>,
    /// The entities, sorted by start.
    pub(super) entities: Vec<&'a Entity>,
    /// The attributions' cue and source ranges, sorted by start.
    pub(super) attributed: Vec<ByteRange>,
    pub(super) markers: &'a [CertaintyMarker],
}

/// Scores one sentence (`range` into the document, tokenised as `t`);
/// returns (score, quantities with document ranges).
pub(super) fn score_sentence(
    t: &Toks,
    range: &ByteRange,
    marker_idx: &[usize],
    cx: &Context,
) -> (f32, Vec<Quantity>) {
    let s = t.text;
    let (mut qs, dates) = scan(t);
    for q in &mut qs {
        q.range = q.range.start + range.start..q.range.end + range.start;
    }
    let words = t
        .toks
        .iter()
        .filter(|tk| tk.kind != TokenKind::Punct)
        .count();
    let mut score: f32 = 0.25;
    if !qs.is_empty() {
        score += (0.25 + 0.05 * (qs.len() - 1) as f32).min(0.35);
    }
    if dates > 0 {
        score += 0.15;
    }
    // A named actor doing something.
    let actor = if !cx.entities.is_empty() {
        // Entities inside the sentence start in it.
        let first = cx.entities.partition_point(|e| e.range.start < range.start);
        cx.entities[first..]
            .iter()
            .take_while(|e| e.range.start <= range.end)
            .filter(|e| contains(range, &e.range))
            .map(|e| {
                let end_rel = e.range.end - range.start;
                let k = t.toks.partition_point(|tk| tk.start < end_rel);
                verb_follows(t, k)
            })
            .max()
            .unwrap_or(0)
    } else {
        // Tokens come in order, so the markers are swept, not scanned.
        let mut markers = Sweep::new(
            marker_idx
                .iter()
                .map(|&m| cx.markers[m].range.clone())
                .collect(),
        );
        let mut in_marker =
            |abs: usize| markers.around(&(abs..abs)).iter().any(|r| r.contains(&abs));
        (0..t.toks.len())
            .map(|i| {
                if t.toks[i].kind != TokenKind::Word || !t.is_capitalised(i) {
                    return 0;
                }
                let w = t.word(i).unwrap_or_default();
                if w == "i" || in_marker(range.start + t.toks[i].start) {
                    return 0;
                }
                let name = i > 0
                    || !(t.is(i, Class::COMMON_STARTER)
                        || w.ends_with("ing")
                        || cx.lower_words.contains(&w));
                if name {
                    verb_follows(t, i + 1)
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0)
    };
    score += match actor {
        2 => 0.25,
        1 => 0.15,
        _ => 0.0,
    };
    let first = cx.attributed.partition_point(|r| r.start < range.start);
    let attributed = cx.attributed[first..]
        .iter()
        .take_while(|r| r.start <= range.end)
        .any(|r| contains(range, r))
        || (0..t.toks.len()).any(|i| lexicons().cues.find(t, i).is_some());
    if attributed {
        score += 0.10;
    }
    let trimmed = s.trim_end_matches(|c: char| {
        matches!(c, '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}') || c.is_whitespace()
    });
    if trimmed.ends_with('?') {
        score -= 0.35;
    } else if trimmed.ends_with('!') {
        score -= 0.15;
    }
    let opinion = marker_idx
        .iter()
        .any(|&m| OPINION_MARKERS.contains(&cx.markers[m].marker.as_str()));
    if opinion {
        score -= 0.25;
    } else if (0..t.toks.len()).any(|i| {
        t.is(i, Class::FIRST_PERSON)
            && matches!(
                t.raw(i),
                "I" | "me" | "my" | "we" | "We" | "our" | "Our" | "us" | "My"
            )
    }) {
        score -= 0.10;
    }
    let loaded = (0..t.toks.len())
        .filter(|&i| t.is(i, Class::LOADED))
        .count();
    score -= (0.10 * loaded as f32).min(0.25);
    if t.word(0).is_some_and(|w| IMPERATIVES.contains(&w)) && t.is_capitalised(0) {
        score -= 0.20;
    }
    if (0..t.toks.len()).any(|i| t.is(i, Class::MODAL)) {
        score -= 0.10;
    }
    if words < 4 {
        score -= 0.30;
    } else if words < 6 {
        score -= 0.10;
    }
    (score.clamp(0.0, 1.0), qs)
}
