//! The per-document state every quotation rule reads ([`Ctx`]: text, tokens
//! and their lower-cased forms, sentences, quotation pairs, block quotes,
//! entities) and its word-level helpers (cue words, speaker phrases).

use crate::quotes::lookup::Lookup;
use crate::quotes::words::word_sets;
use crate::quotes::words::NEGATIONS;
use crate::quotes::words::PRONOUNS_GROUP;
use crate::quotes::words::PRONOUNS_PERSON;
use crate::text::context::SourcingContext;
use crate::text::cues::Cue;
use crate::text::lower::Lowered;
use crate::text::marks::QuotePair;
use crate::{ByteRange, Entity};
use unspin_segment::{Token, TokenKind};

/// Provenance of rule attributions.
pub const PROVENANCE: &str = "quote-rules";

/// The provenance of an attribution found by both the neural tagger (its
/// spans) and the quotation rules.
pub const MERGED_NEURAL_PROVENANCE: &str = "attribution-neural+quote-rules";

/// The provenance of an attribution found by both the tagger (its spans) and
/// the quotation rules (speaker resolution, kind, medium).
pub const MERGED_PROVENANCE: &str = "attribution-tagger+quote-rules";

// ---------------------------------------------------------------------------
// Attribution rules.

pub(super) struct Ctx<'a> {
    pub(super) text: &'a str,
    pub(super) toks: &'a [Token],
    /// Lower-cased token forms.
    pub(super) lower: &'a Lowered,
    /// The document's sentences.
    pub(super) sents: &'a [ByteRange],
    pub(super) entities: &'a [Entity],
    pub(super) pairs: &'a [QuotePair],
    pub(super) blocks: &'a [ByteRange],
    /// Range lookups over the entities, pairs and blocks above.
    pub(super) lookup: Lookup<'a>,
}

/// A possessive-free lower-case word: "he's" → "he".
pub(super) fn base_word(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w)
}

impl<'a> Ctx<'a> {
    pub(super) fn new(cx: &'a SourcingContext<'a>, entities: &'a [Entity]) -> Ctx<'a> {
        Ctx {
            text: cx.text,
            toks: &cx.tokens,
            lower: &cx.lower,
            sents: &cx.sentences,
            entities,
            pairs: &cx.pairs,
            blocks: &cx.blockquotes,
            lookup: Lookup::new(
                cx.text,
                entities,
                &cx.pairs,
                &cx.blockquotes,
                &cx.boilerplate,
            ),
        }
    }

    pub(super) fn tok_at_or_after(&self, at: usize) -> usize {
        self.toks.partition_point(|t| t.start < at)
    }

    pub(super) fn lw(&self, i: usize) -> &str {
        self.lower.get(i).unwrap_or("")
    }

    pub(super) fn is_cue(&self, i: usize) -> bool {
        Cue::SPEECH.has(self.lw(i))
    }

    pub(super) fn in_block(&self, r: &ByteRange) -> bool {
        self.lookup.in_block(r)
    }
    pub(super) fn in_boilerplate(&self, r: &ByteRange) -> bool {
        self.lookup.in_boilerplate(r)
    }

    /// The entity whose last word is token `i`.
    pub(super) fn entity_ending_at(&self, i: usize) -> Option<&Entity> {
        let t = self.toks.get(i)?;
        self.lookup
            .entities()
            .touching(t.start, t.end)
            .iter()
            .find(|e| e.range.end > t.start && e.range.end <= t.end && e.range.start <= t.start)
    }

    /// The entity starting at token `i`.
    pub(super) fn entity_starting_at(&self, i: usize) -> Option<&Entity> {
        let t = self.toks.get(i)?;
        self.lookup
            .entities()
            .starting_in(t.start, t.start)
            .iter()
            .find(|e| e.range.start == t.start)
    }

    /// A speaker noun phrase ending at token `i` (inclusive), walking back
    /// over lower-case modifiers to a determiner: its byte range.
    pub(super) fn np_ending_at(&self, i: usize, lo: usize) -> Option<ByteRange> {
        let head = base_word(self.lw(i));
        if !word_sets().speaker_nouns.contains(&head) {
            return None;
        }
        let mut j = i;
        let mut k = 0;
        while j > lo && k < 5 {
            let pw = self.lw(j - 1);
            if self.toks[j - 1].kind == TokenKind::Punct && pw != "." && pw != "-" {
                break;
            }
            if word_sets().determiners.contains(&pw) {
                j -= 1;
                break;
            }
            if self.is_cue(j - 1)
                || matches!(pw, "that" | "as" | "and" | "but" | "according" | "to")
            {
                break;
            }
            j -= 1;
            k += 1;
        }
        Some(self.toks[j].start..word_end_no_poss(self.text, &self.toks[i]))
    }

    /// A speaker noun phrase starting at token `i`: (range, last token).
    pub(super) fn np_starting_at(&self, i: usize) -> Option<(ByteRange, usize)> {
        let n = self.toks.len();
        let mut j = i;
        let mut k = 0;
        while j < n && k < 6 {
            if self.toks[j].kind == TokenKind::Punct && self.lw(j) != "-" {
                return None;
            }
            if word_sets().speaker_nouns.contains(&base_word(self.lw(j))) {
                // Prefer the longest run of speaker nouns ("intelligence officials").
                let mut e = j;
                while e + 1 < n
                    && word_sets()
                        .speaker_nouns
                        .contains(&base_word(self.lw(e + 1)))
                {
                    e += 1;
                }
                return Some((
                    self.toks[i].start..word_end_no_poss(self.text, &self.toks[e]),
                    e,
                ));
            }
            if self.is_cue(j) {
                return None;
            }
            j += 1;
            k += 1;
        }
        None
    }

    /// The speaker right before cue token `cue` (entity, pronoun or NP),
    /// skipping adverbs, auxiliaries and "who". `lo`: first token allowed.
    pub(super) fn speaker_before(&self, cue: usize, lo: usize) -> Option<ByteRange> {
        let mut j = cue;
        while j > lo {
            let w = self.lw(j - 1);
            if word_sets().skippable.contains(&base_word(w))
                && !PRONOUNS_PERSON.contains(&base_word(w))
            {
                j -= 1;
                continue;
            }
            if NEGATIONS.contains(&w) || w.ends_with("n't") {
                return None;
            }
            break;
        }
        if j <= lo {
            return None;
        }
        let i = j - 1;
        if i > 0 && self.lw(i) == "," && self.lw(i + 1) == "who" {
            // "X, who said"
            return self.speaker_before(i, lo);
        }
        if let Some(e) = self.entity_ending_at(i) {
            if e.range.start >= self.toks[lo.min(i)].start {
                return Some(e.range.clone());
            }
        }
        let w = self.lw(i);
        let b = base_word(w);
        if PRONOUNS_PERSON.contains(&b) || PRONOUNS_GROUP.contains(&b) {
            let t = self.toks[i];
            return Some(t.start..t.start + b.len());
        }
        self.np_ending_at(i, lo)
    }

    /// The speaker right after token `i` (inverted "said Smith").
    pub(super) fn speaker_after(&self, i: usize) -> Option<ByteRange> {
        if i >= self.toks.len() {
            return None;
        }
        if let Some(e) = self.entity_starting_at(i) {
            return Some(e.range.clone());
        }
        let b = base_word(self.lw(i));
        if PRONOUNS_PERSON.contains(&b) || PRONOUNS_GROUP.contains(&b) {
            let t = self.toks[i];
            return Some(t.start..t.start + b.len());
        }
        // "by chief analyst, Michael X": a descriptor then an entity.
        self.np_starting_at(i).map(|(r, _)| r)
    }

    pub(super) fn tok_range(&self, i: usize) -> ByteRange {
        self.toks[i].range()
    }
}

pub(super) fn word_end_no_poss(text: &str, t: &Token) -> usize {
    let w = &text[t.range()];
    for suf in ["'s", "\u{2019}s"] {
        if w.len() > suf.len() && w.ends_with(suf) {
            return t.end - suf.len();
        }
    }
    t.end
}

/// The sentence ranges of `text`.
pub(super) fn sentence_of(sents: &[ByteRange], at: usize) -> Option<ByteRange> {
    let i = sents.partition_point(|s| s.end <= at);
    sents.get(i).filter(|s| s.start <= at).cloned()
}
