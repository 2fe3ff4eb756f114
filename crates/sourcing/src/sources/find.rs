//! Source mentions in a document: speakers of attributions, links,
//! parenthetical citations, "according to" phrases, outlets before
//! "reported", documents and anonymous sources; and the `source` spans.

use crate::entities::{gazetteer_kind, is_known_blog};
use crate::sources::hosts::host_source;
use crate::sources::hosts::url_host;
use crate::sources::types::SourceMention;
use crate::sources::types::SourceRole;
use crate::sources::types::PROVENANCE;
use crate::text::context::SourcingContext;
use crate::text::cues::Cue;
use crate::text::hash::FastSet;
use crate::text::lexicon::word_list;
use crate::text::ranges::overlaps;
use crate::{Attribution, ByteRange, Entity, EntityKind, SourceKind};
use std::sync::LazyLock;
use unspin_document::{attrs, layers, Document, Span};
use unspin_segment::TokenKind;

pub(super) fn valid(text: &str, r: &ByteRange) -> bool {
    r.start < r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}

/// The kind of a named source: by entity, gazetteer or blog list.
pub(super) fn kind_of_name(
    text: &str,
    entities: &[Entity],
    range: &ByteRange,
    name: &str,
) -> SourceKind {
    if is_known_blog(name) {
        return SourceKind::Blog;
    }
    if let Some(e) = entities
        .iter()
        .filter(|e| overlaps(&e.range, range))
        .max_by_key(|e| e.range.len())
    {
        if e.range.len() * 2 >= range.len() {
            return crate::source_kind_of_entity(e.kind, &text[e.range.clone()]);
        }
    }
    gazetteer_kind(name).map_or(SourceKind::Unknown, |k| {
        crate::source_kind_of_entity(k, name)
    })
}

pub(super) static DOC_NOUNS: LazyLock<Vec<&'static str>> = word_list!("sources/doc_nouns.txt");

pub(super) static DOC_MODIFIERS: LazyLock<Vec<&'static str>> =
    word_list!("sources/doc_modifiers.txt");

pub(super) static ANON_HEADS: LazyLock<Vec<&'static str>> = word_list!("sources/anon_heads.txt");

/// Finds the source mentions of `doc` given its attributions and entities,
/// sorted by position. Mentions inside the `boilerplate` layer are ignored.
pub fn find_sources(
    doc: &Document,
    attributions: &[Attribution],
    entities: &[Entity],
) -> Vec<SourceMention> {
    find_sources_in(&SourcingContext::new(doc), attributions, entities)
}

/// As [`find_sources`], over a document's [`SourcingContext`].
pub fn find_sources_in(
    cx: &SourcingContext,
    attributions: &[Attribution],
    entities: &[Entity],
) -> Vec<SourceMention> {
    let doc = cx.doc;
    let text = cx.text;
    let boiler = &cx.boilerplate;
    let in_boiler = |r: &ByteRange| boiler.iter().any(|b| overlaps(b, r));
    let mut out: Vec<SourceMention> = Vec::new();
    // (start, end, role) of what `out` holds: one lookup per candidate, not
    // a scan of every mention kept so far.
    let mut seen: FastSet<(usize, usize, SourceRole)> = FastSet::default();
    let mut push = |m: SourceMention, out: &mut Vec<SourceMention>| {
        if !valid(text, &m.range) || in_boiler(&m.range) || m.name.trim().is_empty() {
            return;
        }
        if !seen.insert((m.range.start, m.range.end, m.role)) {
            return;
        }
        out.push(m);
    };

    // 1. Speakers (quoted) and media (cited) of attributions.
    for a in attributions {
        if let Some(s) = a.source.as_ref().filter(|s| valid(text, s)) {
            let written = text[s.clone()].trim();
            let name = match &a.speaker {
                Some(n) => n.clone(),
                None if written.chars().next().is_some_and(char::is_uppercase)
                    && written.split_whitespace().count() > 1 =>
                {
                    written.to_string()
                }
                None => continue,
            };
            let kind = a
                .speaker_kind
                .unwrap_or_else(|| kind_of_name(text, entities, s, &name));
            push(
                SourceMention {
                    range: s.clone(),
                    name,
                    kind,
                    role: SourceRole::Quoted,
                    url: None,
                },
                &mut out,
            );
        }
        if let Some(m) = &a.medium {
            // Where the medium is written: right after the content (a
            // citation line), else in the lead-in before it.
            let after_end = floor(text, a.content.end + 600);
            let before_start = floor(text, a.content.start.saturating_sub(600));
            let found = text[a.content.end..after_end]
                .find(m.as_str())
                .map(|p| a.content.end + p)
                .or_else(|| {
                    text[before_start..a.content.start]
                        .rfind(m.as_str())
                        .map(|p| before_start + p)
                });
            if let Some(p) = found {
                let range = p..p + m.len();
                let kind = kind_of_name(text, entities, &range, m);
                push(
                    SourceMention {
                        range,
                        name: m.clone(),
                        kind,
                        role: SourceRole::Cited,
                        url: None,
                    },
                    &mut out,
                );
            }
        }
    }

    // 2. Parenthetical citations: ("Title", Author, Outlet), (NYT).
    let pairs = &cx.pairs;
    let mut citation_titles: Vec<(ByteRange, String, SourceKind, ByteRange)> = Vec::new();
    for (open, _) in text.match_indices('(') {
        // The matching parenthesis on the same line, looked for no further
        // than a citation can be long (402 bytes: longer ones are skipped
        // below), so that a line of many parentheses costs linear time.
        let limit = floor(text, open + 403);
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in text[open..limit].char_indices() {
            match c {
                '\n' => break,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { continue };
        let inner = open + 1..end;
        if inner.is_empty() || inner.len() > 400 {
            continue;
        }
        let title = pairs
            .iter()
            .find(|p| p.open == inner.start && p.close.is_some() && p.outer(text).end < inner.end);
        let names_from = match title {
            Some(t) => t.outer(text).end,
            None => inner.start,
        };
        let rest = &text[names_from..inner.end];
        let rest_trim = rest.trim_start().trim_start_matches(',');
        let names_start = inner.end - rest_trim.len();
        let parts = split_commas(text, names_start..inner.end);
        if parts.is_empty() || (title.is_none() && parts.len() > 1) {
            continue;
        }
        // Without a title, only a lone well-known outlet closing a
        // paragraph or sentence counts: "(NYT)" — not "(SAA)" or a
        // publisher "(AK Press)".
        if title.is_none() {
            let p = &parts[0];
            let known = entities
                .iter()
                .any(|e| e.range == *p && e.kind == EntityKind::NewsOutlet && e.score >= 0.9);
            let after = text[end + 1..].trim_start_matches([' ', '.']);
            let closing =
                after.is_empty() || after.starts_with('\n') || text[end + 1..].starts_with('\n');
            if !known || !closing {
                continue;
            }
        }
        for (k, p) in parts.iter().enumerate() {
            let name = text[p.clone()].to_string();
            if name
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace())
            {
                continue;
            }
            let mut kind = kind_of_name(text, entities, p, &name);
            let last = k + 1 == parts.len();
            if kind == SourceKind::Unknown && !last {
                kind = SourceKind::Person; // an author before the outlet
            }
            push(
                SourceMention {
                    range: p.clone(),
                    name: name.clone(),
                    kind,
                    role: SourceRole::Cited,
                    url: None,
                },
                &mut out,
            );
            if last {
                if let Some(t) = title {
                    citation_titles.push((t.outer(text), name, kind, p.clone()));
                }
            }
        }
    }

    // 3. Outlets and organisations after citing phrases.
    let toks = &cx.tokens;
    // Each token's `str::to_lowercase` form, computed once by the context.
    let lower: Vec<&str> = (0..toks.len())
        .map(|i| cx.lower.get(i).unwrap_or_default())
        .collect();
    // Membership in the short word lists, one hash lookup per token.
    let doc_nouns: FastSet<&str> = DOC_NOUNS.iter().copied().collect();
    let anon_heads: FastSet<&str> = ANON_HEADS.iter().copied().collect();
    let tok_at = |at: usize| toks.partition_point(|t| t.start < at);
    for e in entities {
        if matches!(e.kind, EntityKind::Person | EntityKind::Place) || e.score < 0.3 {
            continue;
        }
        let i = tok_at(e.range.start);
        let prev: Vec<&str> = (i.saturating_sub(4)..i).map(|k| lower[k]).collect();
        let p = prev.join(" ");
        let p = p.strip_suffix(" the").unwrap_or(&p);
        let cited_before = p.ends_with("according to")
            || p.ends_with("reported by")
            || p.ends_with("report by")
            || p.ends_with("report from")
            || p.ends_with("reports from")
            || p.ends_with("study by")
            || p.ends_with("analysis by")
            || p.ends_with("writing in")
            || p.ends_with("wrote in")
            || p.ends_with("published in")
            || p.ends_with("published by")
            || p.ends_with("cited by")
            || p.ends_with("told")
            || p.ends_with("interview with")
            || p.ends_with("via")
            || [
                "article",
                "piece",
                "op-ed",
                "column",
                "editorial",
                "interview",
                "report",
                "study",
                "story",
                "post",
                "essay",
            ]
            .iter()
            .any(|n| {
                // `p` ends with "{n} in" or "{n} at".
                [" in", " at"]
                    .iter()
                    .any(|tail| p.strip_suffix(tail).is_some_and(|head| head.ends_with(n)))
            });
        let j = tok_at(e.range.end);
        let cited_after =
            e.kind == EntityKind::NewsOutlet && lower.get(j).is_some_and(|&w| Cue::PUBLISH.has(w));
        if cited_before || cited_after {
            let name = text[e.range.clone()].to_string();
            push(
                SourceMention {
                    range: e.range.clone(),
                    kind: crate::source_kind_of_entity(e.kind, &name),
                    name,
                    role: SourceRole::Cited,
                    url: None,
                },
                &mut out,
            );
        }
    }

    // 4. Documents: "the UN report", "a 2015 study", "a leaked memo".
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Word || !doc_nouns.contains(lower[i]) {
            continue;
        }
        // "white paper"
        let mut end_tok = i;
        if lower[i] == "white" {
            if lower.get(i + 1).is_some_and(|&w| w == "paper") {
                end_tok = i + 1;
            } else {
                continue;
            }
        }
        let mut j = i;
        let mut modifiers = 0;
        let mut strong = false;
        while j > 0 && i - j < 7 {
            let w = lower[j - 1];
            let orig = &text[toks[j - 1].range()];
            if matches!(w, "a" | "an" | "the") {
                break;
            }
            let capital = orig.chars().next().is_some_and(char::is_uppercase);
            let year = orig.len() == 4 && orig.chars().all(|c| c.is_ascii_digit());
            if capital || year || DOC_MODIFIERS.contains(&w) || w == "-" {
                strong |= capital || year || DOC_MODIFIERS.contains(&w);
                modifiers += 1;
                j -= 1;
                continue;
            }
            break;
        }
        if j == 0 || !matches!(lower[j - 1], "a" | "an" | "the") || modifiers == 0 || !strong {
            continue;
        }
        // The determiner must not be sentence-initial "The" of a headline-ish run.
        let range = toks[j - 1].start..strip_footnote(text, toks[end_tok].start, toks[end_tok].end);
        let name = text[range.clone()].to_string();
        push(
            SourceMention {
                range,
                name,
                kind: SourceKind::Document,
                role: SourceRole::Cited,
                url: None,
            },
            &mut out,
        );
    }

    // 5. Anonymous sources next to a speech cue.
    for (i, t) in toks.iter().enumerate() {
        if !anon_heads.contains(lower[i]) {
            continue;
        }
        let next: Vec<&str> = (i + 1..(i + 4).min(toks.len())).map(|k| lower[k]).collect();
        let cue_after = next.iter().take(3).any(|w| Cue::ANON.has(w));
        let mut j = i;
        while j > 0 && i - j < 4 {
            let w = lower[j - 1];
            if toks[j - 1].kind == TokenKind::Punct {
                break;
            }
            if matches!(
                w,
                "a" | "an"
                    | "one"
                    | "two"
                    | "three"
                    | "several"
                    | "some"
                    | "many"
                    | "unnamed"
                    | "anonymous"
            ) {
                j -= 1;
                break;
            }
            if matches!(
                w,
                "the" | "this" | "that" | "these" | "those" | "his" | "her" | "their" | "its"
            ) {
                j = usize::MAX;
                break;
            }
            if matches!(
                w,
                "to" | "from" | "according" | "by" | "and" | "but" | "that" | "as"
            ) {
                break;
            }
            j -= 1;
        }
        if j == usize::MAX {
            continue; // definite: refers back to someone named
        }
        let before: Vec<&str> = (j.saturating_sub(2)..j).map(|k| lower[k]).collect();
        let cue_before = before == ["according", "to"] || before.last() == Some(&"from");
        if !(cue_after || cue_before) {
            continue;
        }
        let range = toks[j].start..t.end;
        let name = text[range.clone()].to_string();
        push(
            SourceMention {
                range,
                name,
                kind: SourceKind::Anonymous,
                role: SourceRole::Quoted,
                url: None,
            },
            &mut out,
        );
    }

    // 6. Links.
    for l in doc.layer(layers::LINK) {
        let range = l.start()..l.end();
        if !valid(text, &range) || in_boiler(&range) {
            continue;
        }
        let href = l.attrs.get("href").and_then(|h| h.as_str()).unwrap_or("");
        let host = url_host(href);
        let url = host.as_ref().map(|_| href.to_string());
        let anchor_entity = entities
            .iter()
            .filter(|e| overlaps(&e.range, &range) && e.score >= 0.5)
            .find(|e| e.range.len() * 2 >= range.len());
        let title_of = citation_titles
            .iter()
            .find(|(t, ..)| overlaps(t, &range) || (range.start >= t.start && range.end <= t.end));
        let (name, kind) = if let Some((n, k)) = host.as_deref().and_then(host_source) {
            (n, k)
        } else if let Some((_, n, k, _)) = title_of {
            (n.clone(), *k)
        } else if let Some(e) = anchor_entity {
            let n = text[e.range.clone()].to_string();
            let k = crate::source_kind_of_entity(e.kind, &n);
            (n, k)
        } else if let Some(h) = host {
            (h, SourceKind::Unknown)
        } else {
            continue; // no URL, no recognisable anchor
        };
        push(
            SourceMention {
                range,
                name,
                kind,
                role: SourceRole::Linked,
                url,
            },
            &mut out,
        );
    }

    out.sort_by_key(|m| (m.range.start, m.range.end, m.role));
    out
}

pub(super) fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn strip_footnote(text: &str, start: usize, end: usize) -> usize {
    let w = &text[start..end];
    let t = w.trim_end_matches(|c: char| !c.is_alphabetic());
    if t.is_empty() {
        end
    } else {
        start + t.len()
    }
}

pub(super) fn split_commas(text: &str, range: ByteRange) -> Vec<ByteRange> {
    let mut out = Vec::new();
    let mut start = range.start;
    let push = |s: usize, e: usize, out: &mut Vec<ByteRange>| {
        let seg = &text[s..e];
        let lead = seg.len() - seg.trim_start().len();
        let t = seg.trim();
        if !t.is_empty() {
            out.push(s + lead..s + lead + t.len());
        }
    };
    for (i, c) in text[range.clone()].char_indices() {
        if c == ',' {
            push(start, range.start + i, &mut out);
            start = range.start + i + 1;
        }
    }
    push(start, range.end, &mut out);
    out
}

/// The `source` layer spans for `mentions`: label = the kind's name, attrs
/// `name`, `role` and optional `url`, provenance `source-rules`.
pub fn source_spans(mentions: &[SourceMention]) -> Vec<Span> {
    mentions
        .iter()
        .filter_map(|m| {
            let mut s = Span::new(m.range.start, m.range.end, m.kind.name())
                .ok()?
                .with_provenance(PROVENANCE)
                .with(attrs::NAME, m.name.clone())
                .with(attrs::ROLE, m.role.name().to_string());
            if let Some(u) = &m.url {
                s = s.with(attrs::URL, u.clone());
            }
            Some(s)
        })
        .collect()
}
