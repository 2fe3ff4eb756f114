//! The recogniser's passes over a document: capitalised sequences, titles,
//! gazetteer entries and organisation suffixes, outside headlines and
//! boilerplate; and the `entity` spans.

use crate::entities::context::cap;
use crate::entities::context::ends_with_ignore_ascii_case;
use crate::entities::context::is_acronym;
use crate::entities::context::Ctx;
use crate::entities::gazetteer::gazetteer;
use crate::entities::gazetteer::gazetteer_kind;
use crate::entities::gazetteer::is_particle;
use crate::entities::gazetteer::is_person_descriptor;
use crate::entities::gazetteer::suffix_kind;
use crate::entities::gazetteer::word_sets;
use crate::text::context::SourcingContext;
use crate::text::marks::QuotePair;
use crate::{Entity, EntityKind};
use std::collections::HashSet;
use unspin_document::{layers, Document, Span};
use unspin_segment::{Token, TokenKind};

/// Provenance of entity spans.
pub const PROVENANCE: &str = "entities-rules";

/// Finds the named entities of `doc`, sorted by start and non-overlapping.
pub fn find_entities(doc: &Document) -> Vec<Entity> {
    find_entities_in(&SourcingContext::new(doc))
}

/// As [`find_entities`], over a document's [`SourcingContext`].
pub fn find_entities_in(cx: &SourcingContext) -> Vec<Entity> {
    let sentence_starts: Vec<usize> = cx.sentences.iter().map(|r| r.start).collect();
    let headlines = headline_ranges(cx.doc, &cx.pairs);
    find_entities_tokens(cx.text, &sentence_starts, &headlines, &cx.tokens)
}

pub(super) fn headline_ranges(doc: &Document, pairs: &[QuotePair]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = doc
        .layer(layers::TITLE)
        .iter()
        .chain(doc.layer(layers::HEADING))
        .map(|s| (s.start(), s.end()))
        .collect();
    // Quoted title-case headlines ("To Defeat ISIS, Create a Sunni State").
    let text = doc.text();
    if pairs.is_empty() {
        return out;
    }
    // Word counts come from prefix sums over the text's words, so that
    // nested or long quotes cost no more than their ends (issue 19).
    let runs = WordRuns::new(text);
    for q in pairs {
        let (words, caps) = runs.count(text, q.inner.start, q.inner.end);
        let before = text[..q.open].trim_end();
        let titled = before.ends_with('(')
            || ["titled", "entitled", "headlined"]
                .iter()
                .any(|w| ends_with_ignore_ascii_case(before, w));
        if (words >= 3 && caps * 10 >= words * 6) || titled {
            out.push((q.inner.start, q.inner.end));
        }
    }
    out
}

/// The whitespace-separated words of a text with prefix counts of those
/// that have a letter and of those that also are capitalised.
struct WordRuns {
    /// Byte ranges of the maximal runs of non-whitespace characters.
    runs: Vec<(usize, usize)>,
    /// `words[k]`: runs among the first `k` that contain a letter.
    words: Vec<usize>,
    /// `caps[k]`: runs among the first `k` that contain a letter and are capitalised.
    caps: Vec<usize>,
}

/// Whether `w` counts as a word and whether it is capitalised.
fn word_and_cap(w: &str) -> (bool, bool) {
    let word = w.chars().any(char::is_alphabetic);
    (word, word && cap(w))
}

impl WordRuns {
    fn new(text: &str) -> WordRuns {
        let mut runs = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    runs.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            runs.push((s, text.len()));
        }
        let mut words = Vec::with_capacity(runs.len() + 1);
        let mut caps = Vec::with_capacity(runs.len() + 1);
        let (mut nw, mut nc) = (0, 0);
        words.push(0);
        caps.push(0);
        for &(s, e) in &runs {
            let (w, c) = word_and_cap(&text[s..e]);
            nw += usize::from(w);
            nc += usize::from(c);
            words.push(nw);
            caps.push(nc);
        }
        WordRuns { runs, words, caps }
    }

    /// What `text[a..b].split_whitespace()` would give: the number of
    /// words with a letter and how many of them are capitalised.
    fn count(&self, text: &str, a: usize, b: usize) -> (usize, usize) {
        if a >= b {
            return (0, 0);
        }
        let lo = self.runs.partition_point(|r| r.1 <= a);
        let hi = self.runs.partition_point(|r| r.0 < b);
        if lo >= hi {
            return (0, 0);
        }
        let (mut words, mut caps) = (0, 0);
        // Runs cut by the range's ends are judged on their clipped text.
        let mut add = |k: usize| {
            let (s, e) = self.runs[k];
            let (w, c) = word_and_cap(&text[s.max(a)..e.min(b)]);
            words += usize::from(w);
            caps += usize::from(c);
        };
        add(lo);
        if hi - 1 > lo {
            add(hi - 1);
        }
        if hi - 1 > lo + 1 {
            words += self.words[hi - 1] - self.words[lo + 1];
            caps += self.caps[hi - 1] - self.caps[lo + 1];
        }
        (words, caps)
    }
}

/// For each token, whether some range of `ranges` holds it (one sweep over
/// the ranges sorted by start, instead of every range for every token).
fn inside_any(toks: &[Token], ranges: &[(usize, usize)]) -> Vec<bool> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let tokens_sorted = toks.windows(2).all(|w| w[0].start <= w[1].start);
    if !tokens_sorted {
        return toks
            .iter()
            .map(|t| ranges.iter().any(|&(s, e)| t.start >= s && t.end <= e))
            .collect();
    }
    let mut next = 0;
    let mut max_end: Option<usize> = None;
    toks.iter()
        .map(|t| {
            while next < sorted.len() && sorted[next].0 <= t.start {
                max_end = max_end.max(Some(sorted[next].1));
                next += 1;
            }
            max_end.is_some_and(|e| t.end <= e)
        })
        .collect()
}

/// [`find_entities`] over `text`'s `toks`, with the byte offsets where
/// sentences start and headline ranges where only strong evidence counts.
pub(super) fn find_entities_tokens(
    text: &str,
    sentence_starts: &[usize],
    headlines: &[(usize, usize)],
    toks: &[Token],
) -> Vec<Entity> {
    // Sentence and line starts, sorted for binary search.
    let mut starts: Vec<usize> = sentence_starts.to_vec();
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts.sort_unstable();
    starts.dedup();
    let mut sent_initial = vec![false; toks.len()];
    let mut prev_initial_punct = true;
    let mut next_start = 0;
    for (i, t) in toks.iter().enumerate() {
        let w = &text[t.start..t.end];
        // Tokens and starts are both sorted: walk them together.
        while next_start < starts.len() && starts[next_start] < t.start {
            next_start += 1;
        }
        let at_start = starts.get(next_start) == Some(&t.start)
            || (i > 0 && prev_initial_punct && t.kind != TokenKind::Punct)
            || (i > 0 && matches!(&text[toks[i - 1].start..toks[i - 1].end], ":" | "\u{2014}"));
        sent_initial[i] = at_start || i == 0;
        // An opening quote or bracket at a sentence start keeps the next
        // token sentence-initial ("(The", "“However").
        prev_initial_punct = (at_start || i == 0)
            && t.kind == TokenKind::Punct
            && matches!(
                w,
                "(" | "[" | "\"" | "'" | "\u{201c}" | "\u{2018}" | "." | "\u{2026}"
            );
    }
    let headline = inside_any(toks, headlines);
    let ctx = Ctx {
        text,
        toks,
        sent_initial,
        headline,
    };
    let mut out: Vec<Entity> = Vec::new();
    let mut surnames: HashSet<String> = HashSet::new();
    let n = ctx.toks.len();
    let mut i = 0;
    while i < n {
        let w = ctx.word(i);
        if !ctx.is_word(i) || !(cap(w) || is_particle(w)) {
            i += 1;
            continue;
        }
        // 1. A title before a name.
        if let Some(after) = ctx.title_at(i) {
            if after < n && ctx.gap_is_space(after - 1) && cap(ctx.word(after)) {
                if let Some((end, next, words)) = ctx.name_run(after, false) {
                    let name_words = &text[ctx.toks[after].start..end];
                    let first_name = name_words.split_whitespace().next().unwrap_or("");
                    // In headlines ("Major Offensive") a title needs a real name.
                    let named = !ctx.headline[i]
                        || word_sets().first_names.contains(&first_name)
                        || first_name.ends_with('.');
                    if words >= 1
                        && named
                        && !word_sets().demonyms.contains(&name_words)
                        && !word_sets().stop_starts.contains(&ctx.word(after))
                        && gazetteer_kind(name_words).is_none_or(|k| k == EntityKind::Person)
                        && ctx.gazetteer_at(i).is_none_or(|(gend, _, _)| gend < end)
                    {
                        let start = ctx.toks[i].start;
                        if let Some(last) = name_words.split_whitespace().last() {
                            surnames.insert(last.to_string());
                        }
                        out.push(Entity {
                            range: start..end,
                            kind: EntityKind::Person,
                            score: 0.9,
                        });
                        i = next;
                        continue;
                    }
                }
            }
        }
        // 2. A gazetteer entry, or a longer capitalised run with a suffix.
        let gaz = ctx.gazetteer_at(i);
        let run = if cap(w) || is_particle(w) {
            ctx.name_run(i, false)
        } else {
            None
        };
        if let Some((gend, gnext, gkind)) = gaz {
            let take_run = run.is_some_and(|(rend, _, _)| {
                rend > gend
                    && text[ctx.toks[i].start..rend]
                        .split_whitespace()
                        .last()
                        .and_then(|l| suffix_kind(l.trim_end_matches(['\'', '\u{2019}', 's'])))
                        .is_some()
            });
            if !take_run {
                let start = ctx.toks[i].start;
                if gkind == EntityKind::Person {
                    if let Some(last) = text[start..gend].split_whitespace().last() {
                        surnames.insert(last.to_string());
                    }
                }
                out.push(Entity {
                    range: start..gend,
                    kind: gkind,
                    score: 0.95,
                });
                i = gnext;
                continue;
            }
        }
        let Some((end, next, words)) = run else {
            i += 1;
            continue;
        };
        if words == 0 || !cap(w) && !is_particle(w) {
            i = next.max(i + 1);
            continue;
        }
        // Strip stop words and demonyms at the start and retry.
        if word_sets().stop_starts.contains(&w) || word_sets().months_days.contains(&w) {
            i += 1;
            continue;
        }
        let start = ctx.toks[i].start;
        let span_text = &text[start..end];
        let parts: Vec<&str> = span_text.split_whitespace().collect();
        let last = parts.last().copied().unwrap_or("");
        let first = parts.first().copied().unwrap_or("");
        let suffix = suffix_kind(last).or_else(|| {
            // "Ministry of Defence", "Centre for Research on ..."
            parts.iter().take_while(|p| cap(p)).find_map(|p| {
                word_sets()
                    .org_heads
                    .contains(p)
                    .then(|| suffix_kind(p))
                    .flatten()
            })
        });
        if suffix.is_none() && word_sets().demonyms.contains(&first) {
            i += 1;
            continue;
        }
        if parts.len() == 1 && first.chars().count() == 1 {
            i = next.max(i + 1);
            continue;
        }
        // "East Aleppo", "Northern Syria": a compass word before a place.
        if parts.len() >= 2 && word_sets().compass.contains(&first) {
            let rest = &text[ctx.toks[i + 1].start..end];
            if gazetteer_kind(rest) == Some(EntityKind::Place) {
                out.push(Entity {
                    range: start..end,
                    kind: EntityKind::Place,
                    score: 0.8,
                });
                i = next.max(i + 1);
                continue;
            }
        }
        let initial = ctx.sent_initial[i];
        let in_headline = ctx.headline[i];
        let prev_word = (i > 0 && ctx.is_word(i - 1)).then(|| ctx.word(i - 1));
        let prev_descr = prev_word.is_some_and(is_person_descriptor)
            || (i > 1
                && ctx.word(i - 1) == ","
                && ctx.is_word(i - 2)
                && is_person_descriptor(ctx.word(i - 2)));
        let kind_score: Option<(EntityKind, f32)> = if let Some(ks) = suffix {
            Some(ks)
        } else if in_headline {
            None
        } else if word_sets().first_names.contains(&first) && (parts.len() >= 2 || !initial) {
            Some((EntityKind::Person, 0.8))
        } else if parts.len() == 1
            && (surnames.contains(first) || gazetteer().surnames.contains(first))
        {
            Some((EntityKind::Person, 0.75))
        } else if prev_descr && !is_acronym(first) {
            Some((EntityKind::Person, 0.7))
        } else if initial && parts.len() == 1 {
            None
        } else if is_acronym(first) && parts.len() == 1 {
            Some((EntityKind::Organisation, 0.35))
        } else if parts.len() >= 2 && parts.len() <= 4 && parts.iter().all(|p| !is_acronym(p)) {
            let plural = last.ends_with('s') && !last.ends_with("ss");
            if plural {
                Some((EntityKind::Organisation, 0.4))
            } else {
                Some((EntityKind::Person, 0.45))
            }
        } else if word_sets().demonyms.contains(&first) || word_sets().months_days.contains(&first)
        {
            None
        } else {
            Some((EntityKind::Organisation, 0.3))
        };
        if let Some((kind, score)) = kind_score {
            if kind == EntityKind::Person && parts.len() >= 2 && score >= 0.7 {
                surnames.insert(last.to_string());
            }
            out.push(Entity {
                range: start..end,
                kind,
                score,
            });
        }
        i = next.max(i + 1);
    }
    out.sort_by_key(|e| (e.range.start, std::cmp::Reverse(e.range.end)));
    let mut clean: Vec<Entity> = Vec::with_capacity(out.len());
    for e in out {
        if e.range.start >= e.range.end {
            continue;
        }
        if clean.last().is_some_and(|l| l.range.end > e.range.start) {
            continue;
        }
        clean.push(e);
    }
    clean
}

/// The `entity` layer spans for `entities`: label = the kind's name, score,
/// provenance `entities-rules`.
pub fn entity_spans(entities: &[Entity]) -> Vec<Span> {
    entities
        .iter()
        .filter_map(|e| {
            Span::new(e.range.start, e.range.end, e.kind.name())
                .ok()
                .map(|s| s.with_score(e.score).with_provenance(PROVENANCE))
        })
        .collect()
}
