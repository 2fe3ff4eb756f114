//! Block quotes: the speaker from the lead-in sentence before the block
//! ("Here's more from X", "X wrote:", "according to X:") or from the
//! citation line after it (`("Title", Author, Outlet)`, "— Name, Outlet").

use crate::quotes::context::Ctx;
use crate::quotes::context::PROVENANCE;
use crate::quotes::words::word_sets;
use crate::text::marks::is_quote_char;
use crate::text::ranges::overlaps;
use crate::text::ranges::trim_range;
use crate::{Attribution, ByteRange, Entity, EntityKind, QuoteKind, SourceKind};
use unspin_segment::sentences;

// --- Block quotes ----------------------------------------------------------

pub(super) struct Citation {
    /// The whole citation (without parentheses / dash).
    pub(super) range: ByteRange,
    /// Name parts after the title (authors, then the outlet last).
    pub(super) parts: Vec<ByteRange>,
    /// The cue mark ("—") of an epigraph attribution line.
    pub(super) dash: Option<ByteRange>,
}

/// Splits `range` of `text` at commas into trimmed parts.
pub(super) fn comma_parts(text: &str, range: ByteRange) -> Vec<ByteRange> {
    let mut out = Vec::new();
    let mut start = range.start;
    for (i, c) in text[range.clone()].char_indices() {
        if c == ',' || c == ';' {
            let r = trim_range(text, start, range.start + i);
            if !r.is_empty() {
                out.push(r);
            }
            start = range.start + i + 1;
        }
    }
    let r = trim_range(text, start, range.end);
    if !r.is_empty() {
        out.push(r);
    }
    out
}

pub(super) fn citation_after(ctx: &Ctx, end: usize) -> Option<Citation> {
    let text = ctx.text;
    let rest = &text[end..];
    let skipped = rest.len() - rest.trim_start().len();
    // The citation must follow closely (same or next paragraph).
    if rest[..skipped].matches('\n').count() > 2 {
        return None;
    }
    let at = end + skipped;
    let first = text[at..].chars().next()?;
    if matches!(first, '\u{2014}' | '\u{2013}' | '\u{2015}') || text[at..].starts_with("--") {
        // Epigraph attribution line: "— Name, Outlet".
        let dash_len = if first == '-' { 2 } else { first.len_utf8() };
        let line_end = text[at..].find('\n').map_or(text.len(), |p| at + p);
        let range = trim_range(text, at + dash_len, line_end);
        if range.is_empty() || range.len() > 200 {
            return None;
        }
        let parts = comma_parts(text, range.clone());
        return Some(Citation {
            range,
            parts,
            dash: Some(at..at + dash_len),
        });
    }
    if first != '(' {
        return None;
    }
    // The matching parenthesis on the same line.
    let line_end = text[at..].find('\n').map_or(text.len(), |p| at + p);
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in text[at..line_end].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    close = Some(at + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    if close - at > 400 {
        return None;
    }
    let range = trim_range(text, at + 1, close);
    if range.is_empty() {
        return None;
    }
    let inner = &text[range.clone()];
    // A quoted title first: names follow its closing mark.
    let names_from = if inner.starts_with(['"', '\u{201c}', '\u{2018}', '\'']) {
        let pair = ctx
            .pairs
            .iter()
            .filter(|p| p.open == range.start && p.close.is_some())
            .map(|p| p.outer(text).end)
            .next();
        match pair {
            Some(e) if e <= range.end => e,
            _ => {
                // Fall back to the last quote mark in the citation.
                let last = inner
                    .char_indices()
                    .rfind(|&(_, c)| is_quote_char(c) && c != '\'' && c != '\u{2019}')
                    .map(|(i, c)| range.start + i + c.len_utf8());
                last.unwrap_or(range.start)
            }
        }
    } else {
        range.start
    };
    let names = trim_range(text, names_from, range.end);
    let names = if text[names.clone()].starts_with(',') {
        trim_range(text, names.start + 1, names.end)
    } else {
        names
    };
    let mut parts = comma_parts(text, names);
    // "Source: X"
    for p in &mut parts {
        let s = &text[p.clone()];
        if let Some(colon) = s.find(':') {
            let head = s[..colon].trim().to_lowercase();
            if matches!(head.as_str(), "source" | "via" | "from" | "credit") {
                *p = trim_range(text, p.start + colon + 1, p.end);
            }
        }
    }
    parts.retain(|p| !p.is_empty() && !text[p.clone()].chars().all(|c| c.is_ascii_digit()));
    if parts.is_empty() {
        return None;
    }
    Some(Citation {
        range,
        parts,
        dash: None,
    })
}

/// The lead-in sentences before `start` (the last two sentences of the
/// previous paragraph), last first.
pub(super) fn lead_in(ctx: &Ctx, start: usize) -> Vec<ByteRange> {
    let text = ctx.text;
    let before = &text[..start];
    let trimmed = before.trim_end();
    if trimmed.is_empty() {
        return Vec::new();
    }
    let para_start = trimmed
        .rfind("\n\n")
        .map_or_else(|| trimmed.rfind('\n').map_or(0, |p| p + 1), |p| p + 2);
    let para = &text[para_start..trimmed.len()];
    // Not the lead-in when the previous paragraph is itself a block quote.
    if ctx
        .blocks
        .iter()
        .any(|b| b.start <= para_start && b.end >= trimmed.len())
    {
        return Vec::new();
    }
    let sents: Vec<ByteRange> = sentences(para)
        .into_iter()
        .map(|r| para_start + r.start..para_start + r.end)
        .collect();
    sents.into_iter().rev().take(2).collect()
}

/// A speaker in a lead-in sentence: (speaker, cue).
pub(super) fn lead_in_speaker(
    ctx: &Ctx,
    sent: &ByteRange,
) -> (Option<ByteRange>, Option<ByteRange>) {
    let lo = ctx.tok_at_or_after(sent.start);
    let hi = ctx.tok_at_or_after(sent.end);
    if lo >= hi {
        return (None, None);
    }
    // "Here's (an excellent) summary / more from": the cue phrase.
    let here_cue = {
        let w0 = ctx.lw(lo);
        let here = matches!(w0, "here's" | "here\u{2019}s" | "below")
            || (w0 == "here" && matches!(ctx.lw(lo + 1), "is" | "are"));
        if here {
            let mut e = None;
            for k in lo + 1..hi.min(lo + 8) {
                if word_sets().lead_nouns.contains(&ctx.lw(k)) {
                    let end_tok = if ctx.lw(k + 1) == "from" { k + 1 } else { k };
                    e = Some(ctx.toks[lo].start..ctx.toks[end_tok].end);
                    break;
                }
            }
            e.or(Some(ctx.tok_range(lo)))
        } else {
            None
        }
    };
    // 2. A cue verb: "X said:", "X wrote", "as X noted".
    for k in (lo..hi).rev() {
        if !ctx.is_cue(k) {
            continue;
        }
        if let Some(s) = ctx.speaker_before(k, lo) {
            return (Some(s), Some(ctx.tok_range(k)));
        }
        if let Some(s) = ctx.speaker_after(k + 1) {
            if s.end <= sent.end {
                return (Some(s), Some(ctx.tok_range(k)));
            }
        }
    }
    // 1. "by X" (an article by X, "…" by analyst, X).
    for k in (lo..hi).rev() {
        if ctx.lw(k) != "by" {
            continue;
        }
        let ents: Vec<&Entity> = ctx
            .entities
            .iter()
            .filter(|e| e.range.start >= ctx.toks[k].end && e.range.end <= sent.end)
            .collect();
        let pick = ents
            .iter()
            .find(|e| e.kind == EntityKind::Person)
            .or_else(|| ents.first());
        if let Some(e) = pick {
            return (Some(e.range.clone()), here_cue.or(Some(ctx.tok_range(k))));
        }
    }
    // 3. "according to X".
    for k in lo..hi.saturating_sub(1) {
        if ctx.lw(k) == "according" && ctx.lw(k + 1) == "to" {
            let mut j = k + 2;
            if ctx.lw(j) == "the" {
                j += 1;
            }
            let s = ctx
                .speaker_after(j)
                .or_else(|| ctx.speaker_after(k + 2))
                .filter(|s| s.end <= sent.end);
            if let Some(s) = s {
                return (Some(s), Some(ctx.toks[k].start..ctx.toks[k + 1].end));
            }
        }
    }
    // 4. "from X": the first person after "from", else the first entity.
    for k in lo..hi {
        if ctx.lw(k) != "from" {
            continue;
        }
        let ents: Vec<&Entity> = ctx
            .entities
            .iter()
            .filter(|e| e.range.start >= ctx.toks[k].end && e.range.end <= sent.end)
            .filter(|e| e.kind != EntityKind::Place)
            .collect();
        let pick = ents
            .iter()
            .find(|e| e.kind == EntityKind::Person && e.score >= 0.5)
            .or_else(|| ents.iter().find(|e| e.score >= 0.5))
            .or_else(|| ents.first());
        if let Some(e) = pick {
            return (Some(e.range.clone()), here_cue.or(Some(ctx.tok_range(k))));
        }
        // "from a commenter"
        if let Some((r, _)) = ctx.np_starting_at(k + 1) {
            return (Some(r), here_cue.or(Some(ctx.tok_range(k))));
        }
    }
    (None, here_cue)
}

/// A medium named in a lead-in: "in the Wall Street Journal", "on his blog
/// X", "at Brookings", "posted on X".
pub(super) fn lead_in_medium(
    ctx: &Ctx,
    sent: &ByteRange,
    speaker: Option<&ByteRange>,
) -> Option<String> {
    let lo = ctx.tok_at_or_after(sent.start);
    let hi = ctx.tok_at_or_after(sent.end);
    for k in lo..hi {
        let w = ctx.lw(k);
        if !matches!(w, "in" | "on" | "at" | "blog") {
            continue;
        }
        let mut j = k + 1;
        while j < hi
            && matches!(
                ctx.lw(j),
                "the" | "his" | "her" | "their" | "its" | "blog" | "website" | "site" | ","
            )
        {
            j += 1;
        }
        if let Some(e) = ctx.entity_starting_at(j) {
            if speaker.is_some_and(|s| overlaps(s, &e.range)) {
                continue;
            }
            if matches!(e.kind, EntityKind::NewsOutlet)
                || (w == "blog" || ctx.lw(k + 1) == "his" || ctx.lw(k + 1) == "her")
                    && e.kind != EntityKind::Place
            {
                return Some(ctx.text[e.range.clone()].to_string());
            }
        }
    }
    None
}

pub(super) fn block_attributions(ctx: &Ctx, out: &mut Vec<Attribution>) {
    let text = ctx.text;
    for b in ctx.blocks {
        if ctx.in_boilerplate(b) {
            continue;
        }
        let content = trim_range(text, b.start, b.end);
        if content.is_empty() {
            continue;
        }
        let citation = citation_after(ctx, b.end);
        let mut source = None;
        let mut cue = None;
        let mut medium = None;
        let mut anonymous = false;
        let mut score = 0.5;
        if let Some(c) = citation.as_ref().filter(|c| c.dash.is_some()) {
            // Epigraph: "— Name, comments-line, Outlet".
            cue = c.dash.clone();
            source = c.parts.first().cloned();
            anonymous = c.parts.iter().any(|p| {
                let s = text[p.clone()].to_lowercase();
                s.contains("comment") || s.contains("reader") || s.contains("anonymous")
            });
            if c.parts.len() > 1 {
                medium = c.parts.last().map(|p| text[p.clone()].to_string());
            }
            score = 0.85;
        } else {
            for sent in lead_in(ctx, b.start) {
                let (s, q) = lead_in_speaker(ctx, &sent);
                if cue.is_none() {
                    cue = q;
                }
                if medium.is_none() {
                    medium = lead_in_medium(ctx, &sent, s.as_ref());
                }
                if s.is_some() {
                    source = s;
                    score = 0.9;
                    break;
                }
            }
            if let Some(c) = &citation {
                let outlet = c.parts.last().cloned();
                if let Some(o) = &outlet {
                    medium = Some(text[o.clone()].to_string());
                }
                if source.is_none() {
                    // The first author, or the outlet.
                    source = c
                        .parts
                        .iter()
                        .find(|p| {
                            ctx.lookup
                                .entities_touching(p)
                                .iter()
                                .any(|e| e.kind == EntityKind::Person && overlaps(&e.range, p))
                        })
                        .cloned()
                        .or(outlet);
                    score = 0.7;
                }
            }
        }
        let mut a = Attribution {
            content,
            cue,
            source,
            kind: QuoteKind::Block,
            speaker: None,
            speaker_kind: None,
            medium,
            score,
            provenance: PROVENANCE,
        };
        if anonymous {
            if let Some(s) = &a.source {
                a.speaker = Some(text[s.clone()].to_string());
                a.speaker_kind = Some(SourceKind::Anonymous);
            }
        }
        out.push(a);
    }
}
