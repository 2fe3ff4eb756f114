//! Direct quotes in running text (“…,” X said / X said, “…” / “…,” said X)
//! and indirect speech ("according to X, …", "X said that …").

use crate::quotes::context::base_word;
use crate::quotes::context::sentence_of;
use crate::quotes::context::Ctx;
use crate::quotes::context::PROVENANCE;
use crate::quotes::words::word_sets;
use crate::text::cues::Cue;
use crate::text::marks::QuotePair;
use crate::text::ranges::overlaps;
use crate::text::ranges::trim_range;
use crate::text::sweep::Sweep;
use crate::{Attribution, ByteRange, QuoteKind};
use unspin_segment::TokenKind;

// --- Direct quotes ---------------------------------------------------------

pub(super) fn is_title_pair(ctx: &Ctx, q: &QuotePair) -> bool {
    let text = ctx.text;
    let before = text[..q.open].trim_end();
    if before.ends_with('(') {
        return true; // ("Title", Outlet)
    }
    let lo = ctx.tok_at_or_after(q.open);
    if lo > 0
        && matches!(
            ctx.lw(lo - 1),
            "titled" | "entitled" | "headlined" | "called" | "named"
        )
    {
        return true;
    }
    false
}

pub(super) fn direct_attributions(ctx: &Ctx, out: &mut Vec<Attribution>) {
    let text = ctx.text;
    let sents = &ctx.sents;
    let pairs: Vec<&QuotePair> = ctx
        .pairs
        .iter()
        .filter(|q| q.close.is_some() && !q.scare && !q.inner.is_empty())
        .collect();
    // Only outermost pairs.
    // A pair is nested when one opened earlier ends at or after it: one
    // sweep by opening offset with the furthest end so far (issue 19).
    let spans: Vec<(usize, usize)> = pairs.iter().map(|q| (q.open, q.outer(text).end)).collect();
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].0);
    let mut keep = vec![false; spans.len()];
    let mut furthest: Option<usize> = None;
    let mut k = 0;
    while k < order.len() {
        let open = spans[order[k]].0;
        let mut j = k;
        while j < order.len() && spans[order[j]].0 == open {
            keep[order[j]] = furthest.is_none_or(|m| m < spans[order[j]].1);
            j += 1;
        }
        for &i in &order[k..j] {
            furthest = furthest.max(Some(spans[i].1));
        }
        k = j;
    }
    let top: Vec<&QuotePair> = pairs
        .iter()
        .zip(&keep)
        .filter(|(_, &keep)| keep)
        .map(|(q, _)| *q)
        .collect();
    let mut consumed = vec![false; top.len()];
    for (idx, q) in top.iter().enumerate() {
        if consumed[idx] {
            continue;
        }
        let outer = q.outer(text);
        if ctx.in_block(&outer) || ctx.in_boilerplate(&outer) || is_title_pair(ctx, q) {
            continue;
        }
        let inner_text = &text[q.inner.clone()];
        let ends_open = inner_text.ends_with([',', '?', '!', '\u{2014}', '-']);
        // After the quote: ", he said" / " said Smith".
        let after_tok = ctx.tok_at_or_after(outer.end);
        let mut k = after_tok;
        let comma_after = ctx.lw(k) == ",";
        if comma_after {
            k += 1;
        }
        let same_line = |r: &ByteRange| !text[outer.end..r.start.max(outer.end)].contains('\n');
        let mut found: Option<(Option<ByteRange>, ByteRange, usize)> = None;
        if ends_open || comma_after || after_tok < ctx.toks.len() {
            // cue then speaker
            if k < ctx.toks.len() && ctx.is_cue(k) && same_line(&ctx.tok_range(k)) {
                if let Some(s) = ctx.speaker_after(k + 1) {
                    found = Some((
                        Some(s.clone()),
                        ctx.tok_range(k),
                        ctx.tok_at_or_after(s.end),
                    ));
                }
            }
            // speaker then cue (within 6 tokens)
            if found.is_none() {
                for c in k..(k + 7).min(ctx.toks.len()) {
                    if ctx.toks[c].kind == TokenKind::Punct {
                        break;
                    }
                    if ctx.is_cue(c) && c > k {
                        if let Some(s) = ctx.speaker_before(c, k) {
                            if s.start >= ctx.toks[k].start && same_line(&s) {
                                found = Some((Some(s), ctx.tok_range(c), c + 1));
                            }
                        }
                        break;
                    }
                }
            }
        }
        if let Some((source, cue, next_tok)) = found {
            let mut content = q.inner.clone();
            // "A," he said, "B": extend over the next quote.
            let mut j = next_tok;
            while j < ctx.toks.len() && matches!(ctx.lw(j), "," | ":" | "\u{2014}") {
                j += 1;
            }
            if let Some(t) = ctx.toks.get(j) {
                // `top` is sorted by opening mark: the next quote opening
                // at `t` is found by binary search (issue 19).
                let pi = top.partition_point(|p| p.open < t.start).max(idx + 1);
                if let Some(p) = top.get(pi).filter(|p| p.open == t.start) {
                    if !text[outer.end..p.open].contains('\n') {
                        content = content.start..p.inner.end;
                        consumed[pi] = true;
                    }
                }
            }
            out.push(Attribution {
                content,
                cue: Some(cue),
                source,
                kind: QuoteKind::Direct,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.85,
                provenance: PROVENANCE,
            });
            continue;
        }
        // Before the quote: "X said, “…”", "X told Y: “…”".
        let Some(sent) = sentence_of(sents, q.open).or_else(|| sentence_of(sents, q.inner.start))
        else {
            continue;
        };
        let lead = text[sent.start.min(q.open)..q.open].trim_end();
        let lo = ctx.tok_at_or_after(sent.start.min(q.open));
        let open_tok = ctx.tok_at_or_after(q.open);
        let intro = lead.ends_with([',', ':']) || lead.ends_with("that") || {
            open_tok > lo && ctx.is_cue(open_tok - 1)
        };
        if !intro {
            continue;
        }
        let mut hit = None;
        for c in (lo..open_tok).rev().take(12) {
            if ctx.lw(c) == "according" && ctx.lw(c + 1) == "to" {
                let mut j = c + 2;
                if ctx.lw(j) == "the" && ctx.entity_starting_at(j).is_none() {
                    j += 1;
                }
                if let Some(s) = ctx.speaker_after(j) {
                    hit = Some((s, ctx.toks[c].start..ctx.toks[c + 1].end));
                }
                break;
            }
            if ctx.is_cue(c) {
                if let Some(s) = ctx.speaker_before(c, lo) {
                    hit = Some((s, ctx.tok_range(c)));
                } else if let Some(s) = ctx.speaker_after(c + 1).filter(|s| s.end <= q.open) {
                    hit = Some((s, ctx.tok_range(c)));
                }
                break;
            }
        }
        if let Some((s, cue)) = hit {
            let mut content = q.inner.clone();
            // "X said: “A.” … “B.”" stays one quote per pair.
            if let Some(p) = top.get(idx + 1) {
                let gap = &text[outer.end..p.open];
                if gap.trim().is_empty() && !gap.contains('\n') {
                    content = content.start..p.inner.end;
                    consumed[idx + 1] = true;
                }
            }
            out.push(Attribution {
                content,
                cue: Some(cue),
                source: Some(s),
                kind: QuoteKind::Direct,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.8,
                provenance: PROVENANCE,
            });
        }
    }
}

// --- Indirect speech -------------------------------------------------------

pub(super) fn strip_final_punct(text: &str, r: ByteRange) -> ByteRange {
    if r.start >= r.end {
        return r.start..r.start;
    }
    let s = &text[r.clone()];
    let t = s.trim_end_matches(['.', '!', '?', ' ', ':', ';', ',']);
    trim_range(text, r.start, r.start + t.len())
}

pub(super) fn indirect_attributions(ctx: &Ctx, out: &mut Vec<Attribution>) {
    let text = ctx.text;
    // Sentences come in order: the attributions found before are swept;
    // those added here (short, inside their sentence) are looked up by
    // start, so that a text of many quotes stays linear (issue 19).
    let before = out.len();
    let mut earlier = Sweep::new(out.iter().map(|a| a.content.clone()).collect());
    for sent in ctx.sents.iter().cloned() {
        if ctx.in_block(&sent) || ctx.in_boilerplate(&sent) {
            continue;
        }
        let added = &out[before..];
        let longest = added.iter().map(|a| a.content.len()).max().unwrap_or(0);
        let first = added.partition_point(|a| a.content.start + longest < sent.start);
        let sorted = added
            .windows(2)
            .all(|w| w[0].content.start <= w[1].content.start);
        let candidates = if sorted { &added[first..] } else { added };
        if earlier.around(&sent).iter().any(|c| overlaps(c, &sent))
            || candidates.iter().any(|a| overlaps(&a.content, &sent))
        {
            continue;
        }
        // A lead-in to a block quote ends with ':' and is handled there.
        if text[sent.clone()].ends_with(':') {
            continue;
        }
        let lo = ctx.tok_at_or_after(sent.start);
        let hi = ctx.tok_at_or_after(sent.end);
        let mut done = false;
        // "according to X, CONTENT" / "CONTENT, according to X."
        for k in lo..hi.saturating_sub(1) {
            if !(ctx.lw(k) == "according" && ctx.lw(k + 1) == "to") {
                continue;
            }
            let mut j = k + 2;
            let ent = ctx.entity_starting_at(j).or_else(|| {
                (ctx.lw(j) == "the")
                    .then(|| ctx.entity_starting_at(j + 1))
                    .flatten()
            });
            let source = if let Some(e) = ent {
                Some(e.range.clone())
            } else {
                if word_sets().determiners.contains(&ctx.lw(j)) {
                    j += 1;
                }
                ctx.np_starting_at(k + 2).map(|(r, _)| r).or_else(|| {
                    // "according to recent reports"
                    (j..hi.min(j + 4))
                        .find(|&m| word_sets().speaker_nouns.contains(&ctx.lw(m)))
                        .map(|m| ctx.toks[k + 2].start..ctx.toks[m].end)
                })
            };
            let Some(source) = source else { continue };
            if source.end > sent.end {
                continue;
            }
            let cue = ctx.toks[k].start..ctx.toks[k + 1].end;
            // Content: after the source (and a comma) to the end, or the
            // clause before ", according to".
            let before = text[sent.start..cue.start].trim_end();
            let clause_words = text[sent.start..cue.start].split_whitespace().count();
            let content = if k > lo + 2 && before.ends_with(',') && clause_words > 3 {
                trim_range(text, sent.start, sent.start + before.len() - 1)
            } else {
                let mut s = source.end;
                let rest = &text[s..sent.end];
                if let Some(stripped) = rest.trim_start().strip_prefix(',') {
                    s = sent.end - stripped.len();
                }
                strip_final_punct(text, s..sent.end)
            };
            if content.len() < 8 {
                continue;
            }
            out.push(Attribution {
                content,
                cue: Some(cue),
                source: Some(source),
                kind: QuoteKind::Indirect,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.7,
                provenance: PROVENANCE,
            });
            done = true;
            break;
        }
        if done {
            continue;
        }
        // "X said that CONTENT", "as X noted, CONTENT", "X told Y that …".
        for k in lo..hi {
            if !ctx.is_cue(k) || ctx.toks[k].kind != TokenKind::Word {
                continue;
            }
            let Some(source) = ctx.speaker_before(k, lo) else {
                continue;
            };
            let sw = base_word(&text[source.clone()].to_lowercase()).to_string();
            if matches!(sw.as_str(), "i" | "we" | "you") {
                continue;
            }
            // Skip an object ("told reporters", "told the BBC").
            let mut j = k + 1;
            if Cue::ADDRESSEE.has(ctx.lw(k)) {
                let mut m = j;
                while m < hi && m < j + 5 && ctx.lw(m) != "that" && ctx.lw(m) != "," {
                    m += 1;
                }
                j = m;
            }
            let as_clause = k > lo && ctx.toks[lo].start <= source.start && {
                let pre = ctx.tok_at_or_after(source.start);
                pre > lo && ctx.lw(pre - 1) == "as"
            };
            let start = if ctx.lw(j) == "that"
                || ctx.lw(j).starts_with("that")
                || (as_clause && ctx.lw(j) == ",")
            {
                ctx.toks[j].end
            } else {
                continue;
            };
            let content = strip_final_punct(text, start..sent.end);
            let content = if text[content.clone()].starts_with(['\u{2013}', '\u{2014}', '-']) {
                let c = text[content.clone()]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                trim_range(text, content.start + c, content.end)
            } else {
                content
            };
            if content.len() < 8 {
                continue;
            }
            out.push(Attribution {
                content,
                cue: Some(ctx.tok_range(k)),
                source: Some(source),
                kind: QuoteKind::Indirect,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.65,
                provenance: PROVENANCE,
            });
            break;
        }
    }
}
